-- Daily counts of storefront events, so reports over long ranges read a few rows per shop and
-- day instead of every event. The writer adds to them in the transaction that stores the
-- events, counting only events that were new, so they never lag the raw table. `day` is the
-- calendar day in the shop's time zone at the time the events were stored.

CREATE TABLE event_rollups (
    shop_id BIGINT NOT NULL,
    day DATE NOT NULL,
    -- Full category path, or '' for events without one.
    category TEXT NOT NULL,
    source TEXT NOT NULL,
    device TEXT NOT NULL,
    -- Whether the events came from a bot; default views leave these rows out.
    bot BOOLEAN NOT NULL,
    -- Events of each kind.
    page_view BIGINT NOT NULL,
    product_view BIGINT NOT NULL,
    add_to_cart BIGINT NOT NULL,
    remove_from_cart BIGINT NOT NULL,
    checkout BIGINT NOT NULL,
    purchase BIGINT NOT NULL,
    refund BIGINT NOT NULL,
    PRIMARY KEY (shop_id, day, category, source, device, bot)
);
CREATE INDEX event_rollups_day ON event_rollups (day);
