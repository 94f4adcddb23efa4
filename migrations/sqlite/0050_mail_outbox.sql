-- Outgoing e-mail, one row per recipient and message. A row is written in the transaction of
-- the ticket change that causes it, so a change is never committed without its mail or the
-- other way round. The sender renders the template in the recipient's language, claims the
-- row with a lease and retries failures with a growing delay.

CREATE TABLE mail_outbox (
    id INTEGER PRIMARY KEY,
    ticket_id INTEGER REFERENCES tickets (id) ON DELETE CASCADE,
    recipient TEXT NOT NULL,
    language TEXT NOT NULL CHECK (language IN ('ru', 'en')),
    template TEXT NOT NULL CHECK (template IN ('ticket_comment', 'ticket_resolved',
        'ticket_assigned', 'ticket_escalated')),
    -- Template arguments as a JSON object, taken when the event happened.
    params TEXT NOT NULL,
    -- Rendered text; NULL until the sender renders the row.
    subject TEXT,
    body TEXT,
    state TEXT NOT NULL CHECK (state IN ('pending', 'failed', 'sent')),
    attempts INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    claimed_by TEXT,
    claimed_until TEXT,
    last_attempt_at TEXT,
    last_error TEXT,
    sent_at TEXT,
    CHECK ((state = 'sent') = (sent_at IS NOT NULL))
);
CREATE INDEX mail_outbox_due ON mail_outbox (state, next_attempt_at);
CREATE INDEX mail_outbox_ticket ON mail_outbox (ticket_id, id);
