-- The shops an environment serves, beside the client companies of 0031.

CREATE TABLE environment_shops (
    environment_id INTEGER NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
    shop_id INTEGER NOT NULL REFERENCES shops (id),
    PRIMARY KEY (environment_id, shop_id)
);

CREATE INDEX environment_shops_shop ON environment_shops (shop_id);
