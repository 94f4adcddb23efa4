-- Commercial: tariff plan versions, contracts (signed or accepted public offers) and their
-- amendments. A plan version that a contract uses is never edited; dates are calendar dates
-- (YYYY-MM-DD), money is kopecks.

CREATE TABLE tariff_plans (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1),
    name TEXT NOT NULL,
    monthly_price_kopecks INTEGER NOT NULL CHECK (monthly_price_kopecks >= 0),
    -- The VAT category of the price, or `exempt` («Без НДС») with its basis.
    vat_category TEXT NOT NULL CHECK (vat_category IN ('standard', 'reduced', 'zero',
        'simplified5', 'simplified7', 'exempt')),
    vat_exemption TEXT,
    vat_included INTEGER NOT NULL CHECK (vat_included IN (0, 1)),
    limit_products INTEGER,
    limit_orders_per_month INTEGER,
    limit_staff_accounts INTEGER,
    limit_storage_bytes INTEGER,
    -- The SLA targets per priority as JSON, written by the application.
    sla TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_to TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (code, version),
    CHECK (valid_to IS NULL OR valid_to >= valid_from),
    CHECK ((vat_category = 'exempt') = (vat_exemption IS NOT NULL))
);

CREATE TABLE contracts (
    id INTEGER PRIMARY KEY,
    series TEXT NOT NULL,
    sequence INTEGER NOT NULL CHECK (sequence >= 1),
    -- The printed number, `ДУ-00042`.
    number TEXT NOT NULL UNIQUE,
    client_id INTEGER NOT NULL REFERENCES clients (id),
    plan_id INTEGER NOT NULL REFERENCES tariff_plans (id),
    status TEXT NOT NULL CHECK (status IN ('draft', 'active', 'suspended', 'terminated',
        'expired')),
    -- How the contract was concluded: signed, or an accepted public offer.
    concluded_by TEXT CHECK (concluded_by IN ('signed', 'offer')),
    concluded_on TEXT,
    offer_version TEXT,
    acceptance_method TEXT CHECK (acceptance_method IN ('payment', 'portal_checkbox',
        'signed_application')),
    starts_on TEXT NOT NULL,
    ends_on TEXT,
    auto_prolongation INTEGER NOT NULL CHECK (auto_prolongation IN (0, 1)),
    monthly_price_kopecks INTEGER NOT NULL CHECK (monthly_price_kopecks >= 0),
    third_party_stops_clock INTEGER NOT NULL CHECK (third_party_stops_clock IN (0, 1)),
    -- Who signs for the client, in the genitive case as «в лице …, действующего на
    -- основании …» needs it.
    signatory_name TEXT,
    signatory_position TEXT,
    signatory_authority TEXT,
    created_by INTEGER REFERENCES users (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL,
    UNIQUE (series, sequence),
    CHECK (ends_on IS NULL OR ends_on >= starts_on),
    CHECK ((concluded_by IS NULL) = (concluded_on IS NULL)),
    CHECK ((concluded_by = 'offer') = (offer_version IS NOT NULL))
);
CREATE INDEX contracts_client ON contracts (client_id);
CREATE INDEX contracts_plan ON contracts (plan_id);
CREATE INDEX contracts_status ON contracts (status);

-- Amendments (дополнительные соглашения): the changed terms as JSON, applied in order of
-- effective date, then signing date, then number.
CREATE TABLE contract_amendments (
    id INTEGER PRIMARY KEY,
    contract_id INTEGER NOT NULL REFERENCES contracts (id),
    number TEXT NOT NULL,
    signed_on TEXT NOT NULL,
    effective_on TEXT NOT NULL,
    changes TEXT NOT NULL,
    -- The plan version the amendment moves the contract to, if it changes the plan.
    plan_id INTEGER REFERENCES tariff_plans (id),
    created_by INTEGER REFERENCES users (id),
    created_at TEXT NOT NULL,
    UNIQUE (contract_id, number)
);
CREATE INDEX contract_amendments_effective ON contract_amendments (contract_id, effective_on);
