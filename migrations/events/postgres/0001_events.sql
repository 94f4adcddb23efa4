-- Storefront events, one row per event. This database has its own pool (and on SQLite its
-- own file), so bursts of events never wait behind the service desk's writes. Every key
-- starts with the shop id, so the table can be distributed by shop. The client's IP address
-- is used at intake for bot rules only and is never stored.

CREATE TABLE events (
    shop_id BIGINT NOT NULL,
    -- The sender's event id; a repeated id of the same shop is a duplicate and is ignored.
    event_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN (
        'page_view', 'product_view', 'add_to_cart', 'remove_from_cart', 'checkout',
        'purchase', 'refund'
    )),
    occurred_at TIMESTAMPTZ NOT NULL,
    received_at TIMESTAMPTZ NOT NULL,
    visitor TEXT NOT NULL,
    session TEXT,
    -- Whether `session` defines the visit as given (imports); otherwise visits are computed
    -- from the visitor's events by the inactivity and midnight rules.
    session_given BOOLEAN NOT NULL,
    -- Decoded page path without query or fragment.
    page_path TEXT,
    referrer_host TEXT,
    source TEXT NOT NULL CHECK (source IN (
        'search', 'social', 'direct', 'referral', 'paid', 'email'
    )),
    device TEXT NOT NULL CHECK (device IN ('desktop', 'mobile', 'tablet', 'bot')),
    -- The bot class, or NULL for a person; default views leave bots out.
    bot TEXT,
    utm_source TEXT,
    utm_medium TEXT,
    utm_campaign TEXT,
    product_id TEXT,
    category TEXT,
    -- Amounts in minor units of `currency`.
    price_minor BIGINT,
    quantity BIGINT NOT NULL,
    currency TEXT NOT NULL,
    order_id TEXT,
    revenue_minor BIGINT,
    customer_id TEXT,
    PRIMARY KEY (shop_id, event_id)
);
CREATE INDEX events_shop_time ON events (shop_id, occurred_at);
CREATE INDEX events_time ON events (occurred_at);
CREATE INDEX events_shop_order ON events (shop_id, order_id) WHERE order_id IS NOT NULL;
