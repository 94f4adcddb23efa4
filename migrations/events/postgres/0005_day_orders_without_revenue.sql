-- Orders counted in `orders` whose amount is not in `gross_kopecks`: the purchase carried no
-- amount, or its currency had no rate on its Moscow date. The average order divides by the
-- other orders.
ALTER TABLE day_summaries ADD COLUMN orders_without_revenue BIGINT NOT NULL DEFAULT 0;

-- Stored days counted such orders as no order at all, so every day is computed again.
-- `WHERE true` lets SQLite tell the upsert clause from a join condition.
INSERT INTO day_summary_queue (shop_id, day, version)
SELECT DISTINCT shop_id, day, 1 FROM day_summaries WHERE true
ON CONFLICT (shop_id, day) DO NOTHING;
