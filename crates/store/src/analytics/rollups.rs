//! Daily rollups of storefront events (`event_rollups`): added to in the transaction that
//! stores new events, and read by the reports that group by day, category, source or device.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use domain::analytics::EventType;
use domain::analytics::rollup::{KindCounts, Rollup, RollupKey};
use domain::analytics::session::local_date;

use super::day_summaries;
use crate::{Args, Db, Error, Result, Sql, Tx, Value, args};

const UPSERT: &str = "INSERT INTO event_rollups (shop_id, day, category, source, device, bot, \
     page_view, product_view, add_to_cart, remove_from_cart, checkout, purchase, refund) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
     ON CONFLICT (shop_id, day, category, source, device, bot) DO UPDATE SET \
     page_view = event_rollups.page_view + excluded.page_view, \
     product_view = event_rollups.product_view + excluded.product_view, \
     add_to_cart = event_rollups.add_to_cart + excluded.add_to_cart, \
     remove_from_cart = event_rollups.remove_from_cart + excluded.remove_from_cart, \
     checkout = event_rollups.checkout + excluded.checkout, \
     purchase = event_rollups.purchase + excluded.purchase, \
     refund = event_rollups.refund + excluded.refund";

/// Adds the counts of `rollup` to a shop's stored rows inside `tx`; the caller commits.
/// The days are also queued for their day summaries.
pub async fn add_in(tx: &mut Tx, shop_id: i64, rollup: &Rollup) -> Result<()> {
    for (key, counts) in rollup.rows() {
        tx.execute(UPSERT, upsert_args(shop_id, key, counts))
            .await?;
    }
    day_summaries::queue_in(tx, shop_id, rollup.days()).await
}

fn upsert_args(shop_id: i64, key: &RollupKey, counts: &KindCounts) -> Args {
    args![
        shop_id,
        key.day,
        &key.category,
        &key.source,
        &key.device,
        key.bot,
        counts.page_view,
        counts.product_view,
        counts.add_to_cart,
        counts.remove_from_cart,
        counts.checkout,
        counts.purchase,
        counts.refund,
    ]
}

#[derive(sqlx::FromRow)]
struct StoredRow {
    kind: String,
    occurred_at: DateTime<Utc>,
    category: Option<String>,
    source: String,
    device: String,
    bot: Option<String>,
}

/// Replaces a shop's rollups with counts computed from its stored events, for events stored
/// before rollups existed or after a change of the shop's zone. Returns the events counted.
pub async fn rebuild(events_db: &Db, shop_id: i64, zone: Tz) -> Result<u64> {
    let rows: Vec<StoredRow> = events_db
        .fetch_all(
            "SELECT kind, occurred_at, category, source, device, bot FROM events \
             WHERE shop_id = $1",
            args![shop_id],
        )
        .await?;
    let mut rollup = Rollup::default();
    for row in &rows {
        let kind = EventType::parse(&row.kind)
            .ok_or_else(|| Error::Corrupt(format!("unknown event kind {}", row.kind)))?;
        let key = RollupKey {
            day: local_date(row.occurred_at, zone),
            category: row.category.clone().unwrap_or_default(),
            source: row.source.clone(),
            device: row.device.clone(),
            bot: row.bot.is_some(),
        };
        rollup.add_keyed(key, kind);
    }

    let mut tx = events_db.begin().await?;
    tx.execute(
        "DELETE FROM event_rollups WHERE shop_id = $1",
        args![shop_id],
    )
    .await?;
    day_summaries::forget_shop_in(&mut tx, shop_id).await?;
    add_in(&mut tx, shop_id, &rollup).await?;
    tx.commit().await?;
    tracing::info!(shop_id, events = rows.len(), "rollups rebuilt");
    Ok(rows.len() as u64)
}

/// Returns whether a shop has stored events but no rollup rows, as after an upgrade from a
/// release without rollups, so [`rebuild`] should run for it.
pub async fn missing(events_db: &Db, shop_id: i64) -> Result<bool> {
    let events: i64 = events_db
        .fetch_scalar(
            "SELECT COUNT(*) FROM (SELECT 1 FROM events WHERE shop_id = $1 LIMIT 1) AS any_event",
            args![shop_id],
        )
        .await?;
    let rows: i64 = events_db
        .fetch_scalar(
            "SELECT COUNT(*) FROM (SELECT 1 FROM event_rollups WHERE shop_id = $1 LIMIT 1) \
             AS any_row",
            args![shop_id],
        )
        .await?;
    Ok(events > 0 && rows == 0)
}

/// A column that rollup reports group by; names come from this list only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    /// The shop-local day as `YYYY-MM-DD`.
    Day,
    Category,
    Source,
    Device,
}

impl Dimension {
    fn expression(self) -> &'static str {
        match self {
            Dimension::Day => "CAST(day AS TEXT)",
            Dimension::Category => "category",
            Dimension::Source => "source",
            Dimension::Device => "device",
        }
    }
}

/// The rollup rows a report covers: one shop or all, shop-local days (both included), with or
/// without bots.
#[derive(Debug, Clone, Copy)]
pub struct DayRange {
    /// `None` for every shop; each shop's days are then in its own zone.
    pub shop_id: Option<i64>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub include_bots: bool,
}

/// Counts of one group of a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The value of the first dimension.
    pub key: String,
    /// The value of the second dimension, or `""` when the report has one.
    pub subkey: String,
    pub counts: KindCounts,
}

#[derive(sqlx::FromRow)]
struct GroupRow {
    key: String,
    subkey: String,
    page_view: i64,
    product_view: i64,
    add_to_cart: i64,
    remove_from_cart: i64,
    checkout: i64,
    purchase: i64,
    refund: i64,
}

/// Sums the rollups of `range` by `by` and, when given, `then_by`, ordered by the keys.
pub async fn grouped(
    events_db: &Db,
    range: &DayRange,
    by: Dimension,
    then_by: Option<Dimension>,
) -> Result<Vec<Group>> {
    let subkey = then_by.map_or("CAST('' AS TEXT)", Dimension::expression);
    let mut condition = String::from("day >= $1 AND day <= $2");
    let mut values: Args = vec![Value::from(range.from), Value::from(range.to)];
    if let Some(shop_id) = range.shop_id {
        condition.push_str(" AND shop_id = $3");
        values.push(Value::from(shop_id));
    }
    if !range.include_bots {
        condition.push_str(" AND NOT bot");
    }
    let sum = |column: &str| format!("CAST(SUM({column}) AS BIGINT) AS {column}");
    let sums: Vec<String> = [
        "page_view",
        "product_view",
        "add_to_cart",
        "remove_from_cart",
        "checkout",
        "purchase",
        "refund",
    ]
    .into_iter()
    .map(sum)
    .collect();
    let key = by.expression();
    let sql = format!(
        "SELECT {key} AS key, {subkey} AS subkey, {} FROM event_rollups WHERE {condition} \
         GROUP BY {key}, {subkey} ORDER BY {key}, {subkey}",
        sums.join(", ")
    );
    let rows: Vec<GroupRow> = events_db.fetch_all(Sql::assembled(sql), values).await?;
    Ok(rows.into_iter().map(GroupRow::into_group).collect())
}

impl GroupRow {
    fn into_group(self) -> Group {
        Group {
            key: self.key,
            subkey: self.subkey,
            counts: KindCounts {
                page_view: self.page_view,
                product_view: self.product_view,
                add_to_cart: self.add_to_cart,
                remove_from_cart: self.remove_from_cart,
                checkout: self.checkout,
                purchase: self.purchase,
                refund: self.refund,
            },
        }
    }
}
