-- Shops on the platform and the Bank of Russia exchange rates that analytics converts foreign
-- amounts with. A shop's storefront events live in the events database, keyed by `shops.id`.

CREATE TABLE shops (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    -- IANA zone name; the shop's calendar days start at midnight there.
    time_zone TEXT NOT NULL,
    client_id INTEGER REFERENCES clients (id),
    -- SHA-256 of the ingestion key, hex; the key itself is shown once and never stored.
    ingestion_key_hash TEXT NOT NULL UNIQUE,
    -- The key's first characters, so staff can tell keys apart.
    ingestion_key_prefix TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX shops_client ON shops (client_id);

-- Roubles for `nominal` units of `currency`, in ten-thousandths of a rouble, in force from
-- `effective_date` (a Moscow calendar date) until the next row of the currency.
CREATE TABLE exchange_rates (
    currency TEXT NOT NULL CHECK (length(currency) = 3),
    effective_date TEXT NOT NULL,
    nominal INTEGER NOT NULL CHECK (nominal > 0),
    value_ten_thousandths INTEGER NOT NULL CHECK (value_ten_thousandths > 0),
    PRIMARY KEY (currency, effective_date)
);
