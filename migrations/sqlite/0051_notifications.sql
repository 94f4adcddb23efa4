-- In-app notifications for staff: a ticket assigned to them, or a ticket of their queue that
-- reached an escalation level. A row belongs to one user and is marked read by them.

CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    ticket_id INTEGER REFERENCES tickets (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('ticket_assigned', 'ticket_escalated')),
    -- Message arguments as a JSON object, taken when the event happened.
    params TEXT NOT NULL,
    created_at TEXT NOT NULL,
    read_at TEXT
);
CREATE INDEX notifications_user ON notifications (user_id, read_at, id);
