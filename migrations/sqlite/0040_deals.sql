-- Commercial: the deal pipeline. A won deal links the draft contract created for it; a lost
-- deal keeps its reason. Amounts are kopecks, the expected close is a calendar date.

CREATE TABLE deals (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    client_id INTEGER NOT NULL REFERENCES clients (id),
    -- The staff user who works the deal.
    owner_id INTEGER NOT NULL REFERENCES users (id),
    -- The plan version offered; required to win, because winning creates a contract on it.
    plan_id INTEGER REFERENCES tariff_plans (id),
    amount_kopecks INTEGER NOT NULL CHECK (amount_kopecks >= 0),
    stage TEXT NOT NULL CHECK (stage IN ('new', 'qualified', 'proposal', 'negotiation',
        'won', 'lost')),
    expected_close_on TEXT,
    lost_reason TEXT CHECK (lost_reason IN ('price', 'competitor', 'no_budget',
        'no_response', 'missing_feature', 'other')),
    lost_comment TEXT,
    contract_id INTEGER REFERENCES contracts (id),
    created_by INTEGER REFERENCES users (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL,
    CHECK ((stage = 'lost') = (lost_reason IS NOT NULL)),
    CHECK (stage = 'won' OR contract_id IS NULL)
);
CREATE INDEX deals_stage ON deals (stage);
CREATE INDEX deals_owner ON deals (owner_id);
CREATE INDEX deals_client ON deals (client_id);
