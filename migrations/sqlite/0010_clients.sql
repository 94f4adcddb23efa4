-- Commercial clients: kind, requisites with their validity dates, addresses, contacts, an
-- account manager and a status. Rows created before this version become private persons
-- without requisites, which the rules allow until someone edits them.

ALTER TABLE clients ADD COLUMN kind TEXT NOT NULL DEFAULT 'person'
    CHECK (kind IN ('legal_entity', 'entrepreneur', 'self_employed', 'person'));
ALTER TABLE clients ADD COLUMN status TEXT NOT NULL DEFAULT 'active'
    CHECK (status IN ('prospect', 'active', 'suspended', 'closed'));
ALTER TABLE clients ADD COLUMN inn TEXT;
ALTER TABLE clients ADD COLUMN kpp TEXT;
ALTER TABLE clients ADD COLUMN ogrn TEXT;
ALTER TABLE clients ADD COLUMN bik TEXT;
ALTER TABLE clients ADD COLUMN settlement_account TEXT;
ALTER TABLE clients ADD COLUMN correspondent_account TEXT;
-- ИНН and КПП joined as `inn/kpp`: a branch shares the ИНН but has its own КПП.
ALTER TABLE clients ADD COLUMN inn_key TEXT;
ALTER TABLE clients ADD COLUMN legal_address TEXT;
ALTER TABLE clients ADD COLUMN postal_address TEXT;
-- The main phone in E.164 and its extension.
ALTER TABLE clients ADD COLUMN phone TEXT;
ALTER TABLE clients ADD COLUMN phone_extension TEXT;
ALTER TABLE clients ADD COLUMN email TEXT;
ALTER TABLE clients ADD COLUMN manager_id INTEGER REFERENCES users (id);
-- Lower-case name, ИНН and phone digits with ё read as е, computed by the application.
ALTER TABLE clients ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
ALTER TABLE clients ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

CREATE UNIQUE INDEX clients_inn_key ON clients (inn_key);
CREATE INDEX clients_phone ON clients (phone);
CREATE INDEX clients_name_folded ON clients (name_folded);

-- Requisites as they were in force over time, so a document prints those of its own date.
-- The current set has no `valid_to`.
CREATE TABLE client_requisites (
    id INTEGER PRIMARY KEY,
    client_id INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    inn TEXT,
    kpp TEXT,
    ogrn TEXT,
    bik TEXT,
    settlement_account TEXT,
    correspondent_account TEXT,
    valid_from TEXT NOT NULL,
    valid_to TEXT
);
CREATE INDEX client_requisites_client ON client_requisites (client_id, valid_from);

-- People to call at a client, each with a phone in E.164.
CREATE TABLE client_contacts (
    id INTEGER PRIMARY KEY,
    client_id INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    position TEXT,
    phone TEXT,
    phone_extension TEXT,
    email TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX client_contacts_client ON client_contacts (client_id);
CREATE INDEX client_contacts_phone ON client_contacts (phone);
