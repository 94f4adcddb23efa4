-- Commercial: claims (претензии) under contracts, incoming from clients or outgoing to
-- them, with tickets linked as evidence. The answer deadline is computed by the
-- application from the term and the production calendar and stored, so reports can find
-- overdue answers. Money is kopecks, dates are calendar dates.

CREATE TABLE claims (
    id INTEGER PRIMARY KEY,
    direction TEXT NOT NULL CHECK (direction IN ('incoming', 'outgoing')),
    contract_id INTEGER NOT NULL REFERENCES contracts (id),
    subject TEXT NOT NULL,
    claimed_kopecks INTEGER NOT NULL CHECK (claimed_kopecks > 0),
    sent_on TEXT NOT NULL,
    received_on TEXT,
    -- `calendar_days_from_sent` (the statutory 30 days) or `working_days_from_receipt`.
    answer_term_kind TEXT NOT NULL CHECK (answer_term_kind IN ('calendar_days_from_sent',
        'working_days_from_receipt')),
    answer_term_days INTEGER NOT NULL CHECK (answer_term_days >= 1),
    answer_due_on TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('received', 'under_review', 'accepted',
        'partly_accepted', 'rejected', 'settled')),
    outcome_kopecks INTEGER CHECK (outcome_kopecks >= 0),
    created_by INTEGER REFERENCES users (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL,
    CHECK (received_on IS NULL OR received_on >= sent_on)
);
CREATE INDEX claims_contract ON claims (contract_id);
CREATE INDEX claims_due ON claims (status, answer_due_on);

CREATE TABLE claim_tickets (
    claim_id INTEGER NOT NULL REFERENCES claims (id),
    ticket_id INTEGER NOT NULL REFERENCES tickets (id),
    PRIMARY KEY (claim_id, ticket_id)
);
