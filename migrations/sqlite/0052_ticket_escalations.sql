-- Escalation levels fired per ticket, so each level notifies once per ticket and target even
-- when the job runs again or on several instances.

CREATE TABLE ticket_escalations (
    ticket_id INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    target TEXT NOT NULL CHECK (target IN ('first_response', 'resolution')),
    level INTEGER NOT NULL,
    -- When the level was due by the SLA clock, and when the job fired it.
    due_at TEXT NOT NULL,
    fired_at TEXT NOT NULL,
    PRIMARY KEY (ticket_id, target, level)
);
