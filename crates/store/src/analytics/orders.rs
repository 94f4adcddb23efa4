//! The stored state of orders that an incoming batch names: each order's first purchase and
//! its refunds, which `domain::analytics::validate::check_orders` checks the batch against.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use domain::analytics::money::Currency;
use domain::analytics::validate::{Batch, OrderPurchase, StoredOrder, check_orders, order_ids};

use crate::{Db, Engine, Error, Result, Sql, Value};

/// Order ids per query on SQLite, where binding costs grow with the square of the arguments
/// per statement (see the event insert).
const IDS_PER_QUERY_SQLITE: usize = 50;
/// Order ids per query on PostgreSQL.
const IDS_PER_QUERY_POSTGRES: usize = 500;

#[derive(sqlx::FromRow)]
struct OrderRow {
    event_id: String,
    order_id: String,
    kind: String,
    occurred_at: DateTime<Utc>,
    received_at: DateTime<Utc>,
    currency: String,
    price_minor: Option<i64>,
    quantity: i64,
    revenue_minor: Option<i64>,
}

impl OrderRow {
    fn amount_minor(&self) -> Option<i64> {
        self.revenue_minor
            .or_else(|| self.price_minor?.checked_mul(self.quantity))
    }
}

/// Checks a validated batch of one shop against its stored orders and moves the purchases
/// and refunds that fail to `batch.rejected` (see `check_orders` for the rules).
// NOTE: the check reads before the event writer stores, so two batches sent at the same time
// with refunds of one order can together exceed its amount.
pub async fn check_batch(events_db: &Db, shop_id: i64, batch: &mut Batch) -> Result<()> {
    let ids: Vec<String> = order_ids(batch).into_iter().map(str::to_string).collect();
    if ids.is_empty() {
        return Ok(());
    }
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let stored = stored_orders(events_db, shop_id, &ids).await?;
    check_orders(batch, &stored);
    Ok(())
}

/// Reads the stored purchases and refunds of `order_ids` in one shop, by the (shop, order)
/// index. Orders with nothing stored are absent from the result.
pub async fn stored_orders(
    events_db: &Db,
    shop_id: i64,
    order_ids: &[&str],
) -> Result<HashMap<String, StoredOrder>> {
    let per_query = match events_db.engine() {
        Engine::Sqlite => IDS_PER_QUERY_SQLITE,
        Engine::Postgres => IDS_PER_QUERY_POSTGRES,
    };
    let mut orders: HashMap<String, StoredOrder> = HashMap::new();
    for chunk in order_ids.chunks(per_query) {
        let sql = stored_orders_sql(chunk.len());
        let mut values = vec![Value::from(shop_id)];
        values.extend(chunk.iter().map(|id| Value::from(*id)));
        let mut rows: Vec<OrderRow> = events_db.fetch_all(Sql::assembled(sql), values).await?;
        // By time, then by receipt, so the first row of an order is its first purchase.
        rows.sort_by(|a, b| {
            (a.occurred_at, a.received_at, &a.event_id).cmp(&(
                b.occurred_at,
                b.received_at,
                &b.event_id,
            ))
        });
        for row in rows {
            add_row(&mut orders, row)?;
        }
    }
    Ok(orders)
}

/// Builds the query of [`stored_orders`] for `count` order ids: `$1` is the shop id and `$2`
/// onwards the order ids.
pub fn stored_orders_sql(count: usize) -> String {
    let placeholders: Vec<String> = (0..count).map(|i| format!("${}", i + 2)).collect();
    // Neither ORDER BY nor `order_id IS NOT NULL`: with either, SQLite 3.40 reads every
    // event of the shop, by the (shop, time) index or by a range of the (shop, order)
    // index, instead of looking each order id up.
    format!(
        "SELECT event_id, order_id, kind, occurred_at, received_at, currency, price_minor, \
         quantity, revenue_minor FROM events WHERE shop_id = $1 \
         AND order_id IN ({}) AND kind IN ('purchase', 'refund')",
        placeholders.join(", ")
    )
}

fn add_row(orders: &mut HashMap<String, StoredOrder>, row: OrderRow) -> Result<()> {
    let currency = Currency::parse(&row.currency)
        .ok_or_else(|| Error::Corrupt(format!("unknown currency {}", row.currency)))?;
    let amount = row.amount_minor();
    let order = orders.entry(row.order_id.clone()).or_default();
    if row.kind == "refund" {
        let refunded = order.refunded_minor.entry(currency).or_default();
        *refunded = refunded.saturating_add(amount.unwrap_or(0));
        order.refund_ids.insert(row.event_id);
    } else if order.first_purchase.is_none() {
        order.first_purchase = Some(OrderPurchase {
            time: row.occurred_at,
            amount_minor: amount,
            currency,
        });
    }
    Ok(())
}
