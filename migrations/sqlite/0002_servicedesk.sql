-- Service desk: queues and their members, tickets with comments, history and links, and the
-- Zabbix webhook's raw deliveries and the events they map to tickets.

CREATE TABLE queues (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name_ru TEXT NOT NULL,
    name_en TEXT NOT NULL
);
INSERT INTO queues (code, name_ru, name_en) VALUES
    ('L1', 'Первая линия', 'First line'),
    ('L2', 'Вторая линия', 'Second line'),
    ('infrastructure', 'Инфраструктура', 'Infrastructure'),
    ('development', 'Разработка', 'Development');

CREATE TABLE queue_members (
    queue_id INTEGER NOT NULL REFERENCES queues (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (queue_id, user_id)
);
CREATE INDEX queue_members_user ON queue_members (user_id);

-- The last number given to each ticket kind; numbers are never reused.
CREATE TABLE ticket_sequences (
    kind TEXT PRIMARY KEY,
    last_value INTEGER NOT NULL
);
INSERT INTO ticket_sequences (kind, last_value) VALUES
    ('incident', 0), ('request', 0), ('question', 0), ('problem', 0), ('bug', 0);

CREATE TABLE tickets (
    id INTEGER PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('incident', 'request', 'question', 'problem', 'bug')),
    source TEXT NOT NULL CHECK (source IN ('portal', 'staff', 'zabbix', 'api', 'email')),
    status TEXT NOT NULL CHECK (status IN ('new', 'assigned', 'in_progress', 'pending',
        'resolved', 'closed', 'cancelled')),
    pending_reason TEXT CHECK (pending_reason IN ('client', 'third_party')),
    priority INTEGER NOT NULL CHECK (priority BETWEEN 1 AND 4),
    queue_id INTEGER NOT NULL REFERENCES queues (id),
    assignee_id INTEGER REFERENCES users (id),
    client_id INTEGER REFERENCES clients (id),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    search_text TEXT NOT NULL,
    created_by INTEGER REFERENCES users (id),
    touched_by_person INTEGER NOT NULL CHECK (touched_by_person IN (0, 1)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    first_response_at TEXT,
    resolved_at TEXT,
    closed_at TEXT,
    zabbix_event_id INTEGER UNIQUE,
    zabbix_trigger_id INTEGER,
    zabbix_host TEXT,
    zabbix_host_name TEXT,
    zabbix_started_at TEXT,
    version INTEGER NOT NULL,
    CHECK ((status = 'pending') = (pending_reason IS NOT NULL))
);
CREATE INDEX tickets_status ON tickets (status);
CREATE INDEX tickets_queue ON tickets (queue_id);
CREATE INDEX tickets_assignee ON tickets (assignee_id);
CREATE INDEX tickets_client ON tickets (client_id);
CREATE INDEX tickets_created ON tickets (created_at);
CREATE INDEX tickets_updated ON tickets (updated_at);
CREATE INDEX tickets_resolved ON tickets (status, resolved_at);
CREATE INDEX tickets_zabbix_trigger ON tickets (zabbix_trigger_id, zabbix_host);

CREATE TABLE ticket_comments (
    id INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    author_id INTEGER REFERENCES users (id),
    author_label TEXT NOT NULL,
    body TEXT NOT NULL,
    public INTEGER NOT NULL CHECK (public IN (0, 1)),
    created_at TEXT NOT NULL
);
CREATE INDEX ticket_comments_ticket ON ticket_comments (ticket_id);

-- One row per changed field or event; note_key names a Fluent message for system lines.
CREATE TABLE ticket_history (
    id INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    actor_id INTEGER REFERENCES users (id),
    actor_label TEXT NOT NULL,
    field TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    note_key TEXT
);
CREATE INDEX ticket_history_ticket ON ticket_history (ticket_id);

CREATE TABLE ticket_links (
    id INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    target_ticket_id INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('duplicate_of', 'caused_by', 'relates_to')),
    created_by INTEGER REFERENCES users (id),
    created_at TEXT NOT NULL,
    UNIQUE (ticket_id, target_ticket_id, kind),
    CHECK (ticket_id <> target_ticket_id)
);
CREATE INDEX ticket_links_target ON ticket_links (target_ticket_id);

-- Every Zabbix problem event Vitrina has seen; the primary key makes processing idempotent.
CREATE TABLE zabbix_events (
    event_id INTEGER PRIMARY KEY,
    ticket_id INTEGER REFERENCES tickets (id),
    trigger_id INTEGER,
    host TEXT,
    first_seen_at TEXT NOT NULL,
    recovered_at TEXT
);
CREATE INDEX zabbix_events_ticket ON zabbix_events (ticket_id);
CREATE INDEX zabbix_events_trigger ON zabbix_events (trigger_id, host, recovered_at);

-- Every authenticated webhook delivery, stored raw before it is processed.
CREATE TABLE zabbix_deliveries (
    id INTEGER PRIMARY KEY,
    received_at TEXT NOT NULL,
    body TEXT NOT NULL,
    body_sha256 TEXT NOT NULL,
    event_id INTEGER,
    kind TEXT CHECK (kind IN ('problem', 'update', 'recovery')),
    status TEXT NOT NULL CHECK (status IN ('received', 'processed', 'repeat', 'ignored',
        'test', 'failed')),
    error TEXT,
    ticket_id INTEGER REFERENCES tickets (id),
    processed_at TEXT
);
CREATE INDEX zabbix_deliveries_event ON zabbix_deliveries (event_id);
CREATE INDEX zabbix_deliveries_sha ON zabbix_deliveries (body_sha256, status);
CREATE INDEX zabbix_deliveries_status ON zabbix_deliveries (status);
