-- The summary figures of each shop's calendar day, so a summary over a month reads one row
-- per shop and day instead of every event. A row is computed from the day's events, once
-- without bots and once with them (`bots`). Visitors are exact for the day; the two
-- sketches (hex-encoded HyperLogLog, see domain::analytics::sketch) let several days'
-- unique visitors and buyers be estimated together.

CREATE TABLE day_summaries (
    shop_id BIGINT NOT NULL,
    day DATE NOT NULL,
    bots BOOLEAN NOT NULL,
    events BIGINT NOT NULL,
    visitors BIGINT NOT NULL,
    sessions BIGINT NOT NULL,
    page_views BIGINT NOT NULL,
    product_views BIGINT NOT NULL,
    add_to_carts BIGINT NOT NULL,
    checkouts BIGINT NOT NULL,
    refunds BIGINT NOT NULL,
    converted_visitors BIGINT NOT NULL,
    converted_sessions BIGINT NOT NULL,
    orders BIGINT NOT NULL,
    gross_kopecks BIGINT NOT NULL,
    refunds_kopecks BIGINT NOT NULL,
    duplicate_purchases BIGINT NOT NULL,
    without_amount BIGINT NOT NULL,
    -- Amounts left out for lack of a rate, as CURRENCY:minor pairs separated by ';'.
    unconverted TEXT NOT NULL,
    -- The visit funnel: the visits, then did:reached:skipped per step (product view, add to
    -- cart, checkout, purchase), separated by ';'.
    funnel TEXT NOT NULL,
    visitors_sketch TEXT NOT NULL,
    buyers_sketch TEXT NOT NULL,
    PRIMARY KEY (shop_id, day, bots)
);

-- Days whose summary must be computed again: the event writer adds a day when it stores
-- events of it, and bumps `version` when the day is already queued, so a computation that
-- read the day before a newer write leaves the entry queued.
CREATE TABLE day_summary_queue (
    shop_id BIGINT NOT NULL,
    day DATE NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (shop_id, day)
);

-- Days stored before this table existed.
INSERT INTO day_summary_queue (shop_id, day, version)
SELECT DISTINCT shop_id, day, 1 FROM event_rollups;
