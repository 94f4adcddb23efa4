-- Metric series per host. `metric_hosts` is deliberately minimal: only the technical name
-- that imports and Zabbix use to name a host. The inventory (sites, racks, kinds, sizes,
-- status) comes with its own migration and will extend or replace this table.

CREATE TABLE metric_hosts (
    id INTEGER PRIMARY KEY,
    technical_name TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

-- One value per host, metric and time, in the metric's canonical unit (DOMAIN.md 5). A
-- repeated import of the same time replaces the value.
CREATE TABLE metric_samples (
    host_id INTEGER NOT NULL REFERENCES metric_hosts (id) ON DELETE CASCADE,
    metric TEXT NOT NULL,
    unit TEXT NOT NULL CHECK (unit IN (
        'percent', 'bytes', 'bytes_per_second', 'bits_per_second', 'cores', 'count', 'celsius'
    )),
    time TEXT NOT NULL,
    value REAL NOT NULL,
    PRIMARY KEY (host_id, metric, time)
);
