-- Ticket checklists, environment requests (a `request` ticket that creates an inventory
-- environment when it is resolved), and the mark of an SLA taken as the strictest of several
-- affected clients' contracts.

CREATE TABLE ticket_checklist_items (
    id INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    -- Display order within the ticket, starting at 1.
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    done INTEGER NOT NULL CHECK (done IN (0, 1)),
    -- Who ticked the item and when; NULL while it is open.
    done_by INTEGER REFERENCES users (id),
    done_by_label TEXT,
    done_at TEXT,
    created_at TEXT NOT NULL,
    version INTEGER NOT NULL
);
CREATE INDEX ticket_checklist_items_ticket ON ticket_checklist_items (ticket_id, position);

CREATE TABLE environment_requests (
    ticket_id INTEGER PRIMARY KEY REFERENCES tickets (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('dev', 'test', 'staging', 'prod')),
    cluster_id INTEGER REFERENCES clusters (id),
    -- The environment created when the ticket was resolved.
    environment_id INTEGER UNIQUE REFERENCES environments (id)
);

-- Whether the contract of `contract_id` was chosen as the strictest among the contracts of
-- several clients affected by a Zabbix incident.
ALTER TABLE ticket_sla ADD COLUMN strictest INTEGER NOT NULL DEFAULT 0 CHECK (strictest IN (0, 1));
