-- Inventory: sites, racks, clusters, the hosts of metric_hosts with their hardware and
-- lifecycle, environments with the hosts and clients they serve, and services.
--
-- The inventory's hosts are the rows of `metric_hosts`, so a metric import or a forecast by
-- technical name attaches to the inventory host of that name. A host created by an import has
-- no kind or hardware until staff describe it, and starts `active` because it reports data.

CREATE TABLE sites (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('own_data_centre', 'colocation', 'cloud_region')),
    cloud_provider TEXT,
    cloud_account TEXT,
    cloud_region TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL,
    CHECK (kind = 'cloud_region'
        OR (cloud_provider IS NULL AND cloud_account IS NULL AND cloud_region IS NULL)),
    CHECK (kind <> 'cloud_region'
        OR (cloud_provider IS NOT NULL AND cloud_account IS NOT NULL AND cloud_region IS NOT NULL))
);

CREATE TABLE racks (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES sites (id),
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (site_id, name)
);

CREATE TABLE clusters (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    site_id INTEGER REFERENCES sites (id),
    created_at TEXT NOT NULL
);

ALTER TABLE metric_hosts ADD COLUMN kind TEXT CHECK (kind IN ('physical', 'virtual'));
ALTER TABLE metric_hosts ADD COLUMN status TEXT NOT NULL DEFAULT 'active'
    CHECK (status IN ('planned', 'active', 'decommissioning', 'retired'));
ALTER TABLE metric_hosts ADD COLUMN site_id INTEGER REFERENCES sites (id);
ALTER TABLE metric_hosts ADD COLUMN rack_id INTEGER REFERENCES racks (id);
ALTER TABLE metric_hosts ADD COLUMN cluster_id INTEGER REFERENCES clusters (id);
-- Logical CPU cores, RAM and local storage in bytes (the canonical units).
ALTER TABLE metric_hosts ADD COLUMN cores INTEGER CHECK (cores > 0);
ALTER TABLE metric_hosts ADD COLUMN ram_bytes INTEGER CHECK (ram_bytes > 0);
ALTER TABLE metric_hosts ADD COLUMN storage_bytes INTEGER CHECK (storage_bytes >= 0);
-- Zabbix's `hostid`, set by staff or by the host sync, which matches on technical name.
ALTER TABLE metric_hosts ADD COLUMN zabbix_host_id INTEGER;
-- When the last host sync found the host in Zabbix, and since when it is missing there.
ALTER TABLE metric_hosts ADD COLUMN zabbix_seen_at TEXT;
ALTER TABLE metric_hosts ADD COLUMN zabbix_missing_since TEXT;
ALTER TABLE metric_hosts ADD COLUMN updated_at TEXT;
ALTER TABLE metric_hosts ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

CREATE UNIQUE INDEX metric_hosts_zabbix_host_id ON metric_hosts (zabbix_host_id);

CREATE TABLE environments (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('dev', 'test', 'staging', 'prod')),
    cluster_id INTEGER REFERENCES clusters (id),
    description TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL
);

-- The hosts an environment runs on.
CREATE TABLE environment_hosts (
    environment_id INTEGER NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
    host_id INTEGER NOT NULL REFERENCES metric_hosts (id),
    PRIMARY KEY (environment_id, host_id)
);

-- The client companies whose shops an environment serves.
CREATE TABLE environment_clients (
    environment_id INTEGER NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
    client_id INTEGER NOT NULL REFERENCES clients (id),
    PRIMARY KEY (environment_id, client_id)
);

CREATE INDEX environment_clients_client ON environment_clients (client_id);

CREATE TABLE services (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    description TEXT,
    created_at TEXT NOT NULL
);
