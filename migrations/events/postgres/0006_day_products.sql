-- Per-day figures of each product, computed with the day summaries from the day's events
-- (see store::analytics::day_products), for the dashboard's top products. Each row exists
-- once without bots and once with them (`bots`), as in `day_categories`.
CREATE TABLE day_products (
    shop_id BIGINT NOT NULL,
    day DATE NOT NULL,
    bots BOOLEAN NOT NULL,
    product_id TEXT NOT NULL,
    -- Full category path of the product's last event with one on the day, or ''.
    category TEXT NOT NULL,
    product_views BIGINT NOT NULL,
    -- Purchase events, repeats included.
    purchases BIGINT NOT NULL,
    add_to_carts BIGINT NOT NULL,
    -- Units and distinct orders of the order lines counted on this day: one line per
    -- (order id, product id), even when sent again on a later day.
    units BIGINT NOT NULL,
    orders BIGINT NOT NULL,
    -- Price times quantity of those lines in kopecks.
    revenue_kopecks BIGINT NOT NULL,
    -- Lines without a price or without an exchange rate, left out of revenue_kopecks.
    lines_without_revenue BIGINT NOT NULL,
    PRIMARY KEY (shop_id, day, bots, product_id)
);
CREATE INDEX day_products_day ON day_products (day, bots);
-- The days a product sold or was put in a cart, a few percent of the rows: the top products
-- by revenue, orders, units or adds to cart group only these, by the first index for the
-- whole platform and by the second for one shop.
CREATE INDEX day_products_sales ON day_products (day, bots)
    WHERE purchases > 0 OR add_to_carts > 0;
CREATE INDEX day_products_shop_sales ON day_products (shop_id, day, bots)
    WHERE purchases > 0 OR add_to_carts > 0;
-- The figures of the top products, looked up by product id.
CREATE INDEX day_products_product ON day_products (product_id, shop_id, day);

-- Compute the new table for the days stored before it.
-- `WHERE true` lets SQLite tell the upsert clause from a join condition.
INSERT INTO day_summary_queue (shop_id, day, version)
SELECT DISTINCT shop_id, day, 1 FROM day_summaries WHERE true
ON CONFLICT (shop_id, day) DO UPDATE SET version = day_summary_queue.version + 1;
