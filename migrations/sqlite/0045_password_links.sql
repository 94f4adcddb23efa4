-- One-time links that let an invited user set their first password. Only the SHA-256 of
-- the secret in the link is stored; a link works once and until expires_at.

CREATE TABLE password_links (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_by INTEGER REFERENCES users (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE INDEX password_links_user ON password_links (user_id);
