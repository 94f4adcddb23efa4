-- Escalation levels fired per ticket, so each level notifies once per ticket and target even
-- when the job runs again or on several instances.

CREATE TABLE ticket_escalations (
    ticket_id BIGINT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    target TEXT NOT NULL CHECK (target IN ('first_response', 'resolution')),
    level BIGINT NOT NULL,
    -- When the level was due by the SLA clock, and when the job fired it.
    due_at TIMESTAMPTZ NOT NULL,
    fired_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (ticket_id, target, level)
);
