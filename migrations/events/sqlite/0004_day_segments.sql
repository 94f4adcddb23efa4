-- Per-day figures by product category and by visitor segment, computed with the day
-- summaries from the day's events (see store::analytics::day_segments), so the category
-- breakdown, the market trends and the segment × category heatmap read a few rows per shop
-- and day. Each row exists once without bots and once with them (`bots`), as in
-- `day_summaries`.

-- Event counts, orders and gross revenue per shop, day and full category path.
CREATE TABLE day_categories (
    shop_id BIGINT NOT NULL,
    day TEXT NOT NULL,
    bots BOOLEAN NOT NULL,
    -- Full category path, or '' for events without one.
    category TEXT NOT NULL,
    page_view BIGINT NOT NULL,
    product_view BIGINT NOT NULL,
    add_to_cart BIGINT NOT NULL,
    remove_from_cart BIGINT NOT NULL,
    checkout BIGINT NOT NULL,
    purchase BIGINT NOT NULL,
    refund BIGINT NOT NULL,
    -- Orders first counted on this day, deduplicated by order id as in the summary, each
    -- under the category of its first counted purchase event.
    orders BIGINT NOT NULL,
    -- Gross revenue of those orders in kopecks.
    gross_kopecks BIGINT NOT NULL,
    PRIMARY KEY (shop_id, day, bots, category)
);
CREATE INDEX day_categories_day ON day_categories (day, bots);

-- Product views, adds to cart and purchases per shop, day, visitor segment and top-level
-- category: the cells of the heatmap.
CREATE TABLE day_segments (
    shop_id BIGINT NOT NULL,
    day TEXT NOT NULL,
    bots BOOLEAN NOT NULL,
    dimension TEXT NOT NULL CHECK (dimension IN (
        'recency', 'device', 'source', 'account', 'buyer', 'price_tier'
    )),
    -- The segment within the dimension, such as 'mobile' or 'returning'.
    segment TEXT NOT NULL,
    -- Top-level category, or '(none)' for events without one.
    category TEXT NOT NULL,
    product_views BIGINT NOT NULL,
    add_to_carts BIGINT NOT NULL,
    purchases BIGINT NOT NULL,
    -- Distinct visitors with a product view in the cell on this day.
    visitors BIGINT NOT NULL,
    -- Those of `visitors` who bought a product of the category on this day.
    buyers BIGINT NOT NULL,
    PRIMARY KEY (shop_id, day, bots, dimension, segment, category)
);
CREATE INDEX day_segments_dimension_day ON day_segments (dimension, bots, day);

-- The first shop-local day each visitor of a shop was seen on, for new / returning.
CREATE TABLE visitor_first_days (
    shop_id BIGINT NOT NULL,
    visitor TEXT NOT NULL,
    first_day TEXT NOT NULL,
    PRIMARY KEY (shop_id, visitor)
);
CREATE INDEX visitor_first_days_day ON visitor_first_days (shop_id, first_day);

-- Compute the new tables for the days stored before them.
INSERT INTO day_summary_queue (shop_id, day, version)
SELECT DISTINCT shop_id, day, 1 FROM event_rollups WHERE true
ON CONFLICT (shop_id, day) DO UPDATE SET version = day_summary_queue.version + 1;
