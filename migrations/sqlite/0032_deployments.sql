-- Releases of services, their deployments to environments, and the bug tickets a release
-- fixes.

CREATE TABLE releases (
    id INTEGER PRIMARY KEY,
    service_id INTEGER NOT NULL REFERENCES services (id),
    version TEXT NOT NULL,
    notes TEXT,
    created_by INTEGER REFERENCES users (id),
    created_at TEXT NOT NULL,
    UNIQUE (service_id, version)
);

-- One attempt to put a release into an environment. `deployed_by` is who deployed it as the
-- deployment tool reports it, or the login of the user who recorded it; `recorded_by` is
-- the user or API token owner who recorded it.
CREATE TABLE deployments (
    id INTEGER PRIMARY KEY,
    release_id INTEGER NOT NULL REFERENCES releases (id),
    environment_id INTEGER NOT NULL REFERENCES environments (id),
    deployed_at TEXT NOT NULL,
    deployed_by TEXT NOT NULL,
    result TEXT NOT NULL CHECK (result IN ('succeeded', 'failed', 'rolled_back')),
    recorded_by INTEGER REFERENCES users (id),
    recorded_at TEXT NOT NULL
);

CREATE INDEX deployments_environment ON deployments (environment_id, deployed_at);
CREATE INDEX deployments_release ON deployments (release_id);

-- The release that fixes a bug ticket: at most one per ticket.
CREATE TABLE release_fixes (
    ticket_id INTEGER PRIMARY KEY REFERENCES tickets (id),
    release_id INTEGER NOT NULL REFERENCES releases (id),
    linked_at TEXT NOT NULL
);

CREATE INDEX release_fixes_release ON release_fixes (release_id);
