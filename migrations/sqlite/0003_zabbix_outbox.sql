-- Calls back to the Zabbix API, one row per Zabbix event and action. A row is written in the
-- transaction of the ticket change that causes it, so a change is never committed without
-- its call or the other way round; a sender claims rows with a lease and retries failures.

CREATE TABLE zabbix_outbox (
    id INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    event_id INTEGER NOT NULL,
    trigger_id INTEGER,
    action TEXT NOT NULL CHECK (action IN ('acknowledge', 'resolve')),
    -- The engineer the message names: the assignee, or the person who resolved the ticket.
    actor_login TEXT NOT NULL,
    actor_name TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'failed', 'sent')),
    attempts INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    claimed_by TEXT,
    claimed_until TEXT,
    last_attempt_at TEXT,
    last_error TEXT,
    sent_at TEXT,
    -- What the sent call did: `acknowledged`, `closed` or `message`.
    outcome TEXT CHECK (outcome IN ('acknowledged', 'closed', 'message')),
    CHECK ((state = 'sent') = (sent_at IS NOT NULL))
);
CREATE INDEX zabbix_outbox_due ON zabbix_outbox (state, next_attempt_at);
CREATE INDEX zabbix_outbox_ticket ON zabbix_outbox (ticket_id, id);
