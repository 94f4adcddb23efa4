-- The SLA of each ticket: the policy taken at creation from the client's contract terms (or
-- the internal policy), the intervals the ticket waited in `pending`, and the deadlines the
-- application computed last, which the ticket list filters on.

CREATE TABLE ticket_sla (
    ticket_id INTEGER PRIMARY KEY REFERENCES tickets (id) ON DELETE CASCADE,
    -- The contract whose terms gave the policy; NULL for the internal policy.
    contract_id INTEGER REFERENCES contracts (id),
    -- Targets and calendar per priority as JSON, so a priority change keeps the policy.
    policy TEXT NOT NULL,
    third_party_stops_clock INTEGER NOT NULL CHECK (third_party_stops_clock IN (0, 1)),
    first_response_due TEXT,
    resolution_due TEXT,
    -- When 80 % of each target's business time has passed.
    first_response_at_risk TEXT,
    resolution_at_risk TEXT,
    -- Start of the pending interval that stops the clock now; NULL while the clock runs.
    paused_since TEXT,
    refreshed_at TEXT NOT NULL
);
CREATE INDEX ticket_sla_resolution_due ON ticket_sla (resolution_due);

CREATE TABLE ticket_pauses (
    id INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    reason TEXT NOT NULL CHECK (reason IN ('client', 'third_party')),
    started_at TEXT NOT NULL,
    ended_at TEXT
);
CREATE INDEX ticket_pauses_ticket ON ticket_pauses (ticket_id, started_at);

-- Editable SLA policies by code; without an `internal` row the built-in defaults apply.
CREATE TABLE sla_policies (
    code TEXT PRIMARY KEY,
    policy TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
