//! Per-day figures by category (`day_categories`) and by visitor segment (`day_segments`),
//! and each visitor's first day (`visitor_first_days`). The day-summary refresh computes
//! them from the day's events (see [`super::day_summaries`]), so they lag stored events
//! exactly as long as the day summaries do.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use domain::analytics::EventType;
use domain::analytics::money::{Currency, RateLookup};
use domain::analytics::product_day::{ProductDayCounts, product_counts};
use domain::analytics::rollup::KindCounts;
use domain::analytics::segment_day::{
    CategoryCounts, CellCounts, CellKey, DetailEvent, Dimension, SegmentDay, category_counts,
};

use super::events::Range;
use super::rollups::DayRange;
use crate::{Args, Db, Error, Result, Sql, Tx, Value, args};

/// Rows per INSERT statement; small, because sqlx binds SQLite arguments at a cost that grows
/// with the square of their number per statement (see `events::ROWS_PER_STATEMENT_SQLITE`).
const ROWS_PER_STATEMENT: usize = 8;

/// The computed rows of one shop's day, once without bots and once with them.
#[derive(Debug, Clone)]
pub struct DayRows {
    pub shop_id: i64,
    pub day: NaiveDate,
    /// (bots included, counts per full category path).
    pub categories: Vec<(bool, BTreeMap<String, CategoryCounts>)>,
    /// (bots included, counts per heatmap cell).
    pub cells: Vec<(bool, BTreeMap<CellKey, CellCounts>)>,
    /// (bots included, counts per product id).
    pub products: Vec<(bool, BTreeMap<String, ProductDayCounts>)>,
}

#[derive(sqlx::FromRow)]
struct DetailRow {
    kind: String,
    occurred_at: DateTime<Utc>,
    visitor: String,
    category: Option<String>,
    product_id: Option<String>,
    price_minor: Option<i64>,
    quantity: i64,
    currency: String,
    order_id: Option<String>,
    revenue_minor: Option<i64>,
    source: String,
    device: String,
    bot: Option<String>,
    customer_id: Option<String>,
}

impl DetailRow {
    fn into_event(self) -> Result<DetailEvent> {
        let kind = EventType::parse(&self.kind)
            .ok_or_else(|| Error::Corrupt(format!("unknown event kind {}", self.kind)))?;
        let currency = Currency::parse(&self.currency)
            .ok_or_else(|| Error::Corrupt(format!("unknown currency {}", self.currency)))?;
        Ok(DetailEvent {
            kind,
            time: self.occurred_at,
            visitor: self.visitor,
            category: self.category,
            product_id: self.product_id,
            price_minor: self.price_minor,
            quantity: u32::try_from(self.quantity).unwrap_or(1),
            currency,
            order_id: self.order_id,
            revenue_minor: self.revenue_minor,
            source: self.source,
            device: self.device,
            bot: self.bot.is_some(),
            registered: self.customer_id.is_some(),
        })
    }
}

/// Reads the events of one shop in `[from, to)`, bots included, with the fields of the
/// per-day figures.
pub async fn detail_events(
    events_db: &Db,
    shop_id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<DetailEvent>> {
    let rows: Vec<DetailRow> = events_db
        .fetch_all(
            "SELECT kind, occurred_at, visitor, category, product_id, price_minor, quantity, \
             currency, order_id, revenue_minor, source, device, bot, customer_id FROM events \
             WHERE shop_id = $1 AND occurred_at >= $2 AND occurred_at < $3",
            args![shop_id, from, to],
        )
        .await?;
    rows.into_iter().map(DetailRow::into_event).collect()
}

/// Records `day` as the first day of those `visitors` of a shop not seen earlier, and
/// returns the visitors whose first day is `day`.
///
/// NOTE: a day computed before events of an earlier day arrive keeps counting the visitor
/// as new until the day is computed again.
async fn record_first_days(
    events_db: &Db,
    shop_id: i64,
    day: NaiveDate,
    visitors: &HashSet<&str>,
) -> Result<HashSet<String>> {
    let visitors: Vec<&str> = visitors.iter().copied().collect();
    for chunk in visitors.chunks(ROWS_PER_STATEMENT * 4) {
        let mut values: Args = Vec::with_capacity(chunk.len() * 3);
        for visitor in chunk {
            values.extend(args![shop_id, *visitor, day]);
        }
        // The CASE keeps the earlier day on both engines, which spell the minimum of two
        // values differently (`min` and `LEAST`).
        let sql = format!(
            "INSERT INTO visitor_first_days (shop_id, visitor, first_day) VALUES {} \
             ON CONFLICT (shop_id, visitor) DO UPDATE SET first_day = CASE \
             WHEN excluded.first_day < visitor_first_days.first_day \
             THEN excluded.first_day ELSE visitor_first_days.first_day END",
            placeholders(chunk.len(), 3)
        );
        events_db.execute(Sql::assembled(sql), values).await?;
    }
    new_visitors(events_db, shop_id, day).await
}

/// Returns the visitors of a shop whose first day is `day`, as stored.
pub async fn new_visitors(events_db: &Db, shop_id: i64, day: NaiveDate) -> Result<HashSet<String>> {
    let new: Vec<(String,)> = events_db
        .fetch_all(
            "SELECT visitor FROM visitor_first_days WHERE shop_id = $1 AND first_day = $2",
            args![shop_id, day],
        )
        .await?;
    Ok(new.into_iter().map(|(visitor,)| visitor).collect())
}

/// Computes the rows of one shop's day from the events of `range` (the day's instants, with
/// `range.include_bots` ignored). `counted` contains the (shop, order id) pairs counted before
/// the day. Also records the first day of the day's visitors.
pub async fn compute(
    events_db: &Db,
    range: &Range,
    day: NaiveDate,
    counted: &HashSet<(i64, String)>,
    rates: &impl RateLookup,
) -> Result<DayRows> {
    let shop_id = range
        .shop_id
        .ok_or_else(|| Error::Corrupt("day segments need a shop".into()))?;
    let events = detail_events(events_db, shop_id, range.from, range.to).await?;
    let lines_before: HashSet<(String, String)> =
        super::events::lines_counted_before(events_db, range)
            .await?
            .into_iter()
            .map(|(_, order, product)| (order, product))
            .collect();
    let visitors: HashSet<&str> = events.iter().map(|event| event.visitor.as_str()).collect();
    let new = record_first_days(events_db, shop_id, day, &visitors).await?;

    let people: Vec<DetailEvent> = events.iter().filter(|e| !e.bot).cloned().collect();
    let mut rows = DayRows {
        shop_id,
        day,
        categories: Vec::with_capacity(2),
        cells: Vec::with_capacity(2),
        products: Vec::with_capacity(2),
    };
    let counted_before: HashSet<String> = counted
        .iter()
        .filter(|(shop, _)| *shop == shop_id)
        .map(|(_, order)| order.clone())
        .collect();
    for (bots, events) in [(false, &people), (true, &events)] {
        rows.categories.push((
            bots,
            category_counts(events, counted_before.iter().cloned(), rates),
        ));
        rows.cells
            .push((bots, SegmentDay::new(events, &new).cells()));
        rows.products
            .push((bots, product_counts(events, &lines_before, rates)));
    }
    Ok(rows)
}

/// Replaces the stored rows of the day of `rows`, products included, inside `tx`; the caller
/// commits.
pub async fn store_in(tx: &mut Tx, rows: &DayRows) -> Result<()> {
    for table in ["day_categories", "day_segments"] {
        tx.execute(
            Sql::assembled(format!(
                "DELETE FROM {table} WHERE shop_id = $1 AND day = $2"
            )),
            args![rows.shop_id, rows.day],
        )
        .await?;
    }

    let mut category_rows: Vec<Args> = Vec::new();
    for (bots, categories) in &rows.categories {
        for (category, counts) in categories {
            let events = &counts.events;
            category_rows.push(args![
                rows.shop_id,
                rows.day,
                *bots,
                category,
                events.page_view,
                events.product_view,
                events.add_to_cart,
                events.remove_from_cart,
                events.checkout,
                events.purchase,
                events.refund,
                counts.orders,
                counts.gross_kopecks,
            ]);
        }
    }
    insert_in(
        tx,
        "INSERT INTO day_categories (shop_id, day, bots, category, page_view, product_view, \
         add_to_cart, remove_from_cart, checkout, purchase, refund, orders, gross_kopecks) VALUES ",
        13,
        category_rows,
    )
    .await?;

    let mut cell_rows: Vec<Args> = Vec::new();
    for (bots, cells) in &rows.cells {
        for ((dimension, segment, category), counts) in cells {
            cell_rows.push(args![
                rows.shop_id,
                rows.day,
                *bots,
                dimension.name(),
                segment,
                category,
                counts.product_views,
                counts.add_to_carts,
                counts.purchases,
                counts.visitors,
                counts.buyers,
            ]);
        }
    }
    insert_in(
        tx,
        "INSERT INTO day_segments (shop_id, day, bots, dimension, segment, category, \
         product_views, add_to_carts, purchases, visitors, buyers) VALUES ",
        11,
        cell_rows,
    )
    .await?;
    super::day_products::store_in(tx, rows.shop_id, rows.day, &rows.products).await
}

/// Inserts `rows` of `columns` values each with the statement that starts with `prefix`,
/// a few rows per statement.
pub(super) async fn insert_in(
    tx: &mut Tx,
    prefix: &str,
    columns: usize,
    rows: Vec<Args>,
) -> Result<()> {
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let sql = format!("{prefix}{}", placeholders(chunk.len(), columns));
        let values: Args = chunk.iter().flatten().cloned().collect();
        tx.execute(Sql::assembled(sql), values).await?;
    }
    Ok(())
}

/// Builds `($1, $2), ($3, $4)` for `rows` rows of `columns` values.
fn placeholders(rows: usize, columns: usize) -> String {
    let mut sql = String::with_capacity(rows * columns * 5);
    for row in 0..rows {
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for column in 0..columns {
            if column > 0 {
                sql.push_str(", ");
            }
            sql.push('$');
            sql.push_str(&(row * columns + column + 1).to_string());
        }
        sql.push(')');
    }
    sql
}

/// Forgets a shop's rows and first days inside `tx`, when its rollups are rebuilt (which
/// queues its days again); the caller commits.
pub async fn forget_shop_in(tx: &mut Tx, shop_id: i64) -> Result<()> {
    for table in [
        "day_categories",
        "day_segments",
        "day_products",
        "visitor_first_days",
    ] {
        tx.execute(
            Sql::assembled(format!("DELETE FROM {table} WHERE shop_id = $1")),
            args![shop_id],
        )
        .await?;
    }
    Ok(())
}

/// Sums of one category (and day) of `day_categories`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryGroup {
    /// The shop-local day as `YYYY-MM-DD`, or `""` when the read does not group by day.
    pub day: String,
    /// Full category path, `""` for events without one.
    pub category: String,
    pub counts: CategoryCounts,
}

#[derive(sqlx::FromRow)]
struct CategoryGroupRow {
    day: String,
    category: String,
    page_view: i64,
    product_view: i64,
    add_to_cart: i64,
    remove_from_cart: i64,
    checkout: i64,
    purchase: i64,
    refund: i64,
    orders: i64,
    gross_kopecks: i64,
}

/// Builds the WHERE clause and arguments of a read of `range` over a table with `day`,
/// `bots` and `shop_id` columns.
pub(super) fn day_condition(range: &DayRange) -> (String, Args) {
    let mut condition = String::from("day >= $1 AND day <= $2 AND bots = $3");
    let mut values = args![range.from, range.to, range.include_bots];
    if let Some(shop_id) = range.shop_id {
        values.push(Value::from(shop_id));
        condition.push_str(" AND shop_id = $4");
    }
    (condition, values)
}

/// Sums `day_categories` of `range` by category and, when `by_day`, by day.
pub async fn categories(
    events_db: &Db,
    range: &DayRange,
    by_day: bool,
) -> Result<Vec<CategoryGroup>> {
    let (condition, values) = day_condition(range);
    let day = if by_day {
        "CAST(day AS TEXT)"
    } else {
        "CAST('' AS TEXT)"
    };
    let sum = |column: &str| format!("CAST(SUM({column}) AS BIGINT) AS {column}");
    let sums: Vec<String> = [
        "page_view",
        "product_view",
        "add_to_cart",
        "remove_from_cart",
        "checkout",
        "purchase",
        "refund",
        "orders",
        "gross_kopecks",
    ]
    .into_iter()
    .map(sum)
    .collect();
    let sql = format!(
        "SELECT {day} AS day, category, {} FROM day_categories WHERE {condition} \
         GROUP BY {day}, category ORDER BY {day}, category",
        sums.join(", ")
    );
    let rows: Vec<CategoryGroupRow> = events_db.fetch_all(Sql::assembled(sql), values).await?;
    Ok(rows
        .into_iter()
        .map(|row| CategoryGroup {
            day: row.day,
            category: row.category,
            counts: CategoryCounts {
                events: KindCounts {
                    page_view: row.page_view,
                    product_view: row.product_view,
                    add_to_cart: row.add_to_cart,
                    remove_from_cart: row.remove_from_cart,
                    checkout: row.checkout,
                    purchase: row.purchase,
                    refund: row.refund,
                },
                orders: row.orders,
                gross_kopecks: row.gross_kopecks,
            },
        })
        .collect())
}

/// Sums of one heatmap cell over a range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellGroup {
    pub segment: String,
    /// Top-level category.
    pub category: String,
    /// `visitors` and `buyers` are sums of the days' distinct counts: visitor-days.
    pub counts: CellCounts,
}

#[derive(sqlx::FromRow)]
struct CellGroupRow {
    segment: String,
    category: String,
    product_views: i64,
    add_to_carts: i64,
    purchases: i64,
    visitors: i64,
    buyers: i64,
}

/// Sums `day_segments` of `range` and one dimension by segment and category, ordered by both.
pub async fn cells(
    events_db: &Db,
    range: &DayRange,
    dimension: Dimension,
) -> Result<Vec<CellGroup>> {
    let (condition, mut values) = day_condition(range);
    values.push(Value::from(dimension.name()));
    let sql = format!(
        "SELECT segment, category, CAST(SUM(product_views) AS BIGINT) AS product_views, \
         CAST(SUM(add_to_carts) AS BIGINT) AS add_to_carts, \
         CAST(SUM(purchases) AS BIGINT) AS purchases, \
         CAST(SUM(visitors) AS BIGINT) AS visitors, CAST(SUM(buyers) AS BIGINT) AS buyers \
         FROM day_segments WHERE {condition} AND dimension = ${} \
         GROUP BY segment, category ORDER BY segment, category",
        values.len()
    );
    let rows: Vec<CellGroupRow> = events_db.fetch_all(Sql::assembled(sql), values).await?;
    Ok(rows
        .into_iter()
        .map(|row| CellGroup {
            segment: row.segment,
            category: row.category,
            counts: CellCounts {
                product_views: row.product_views,
                add_to_carts: row.add_to_carts,
                purchases: row.purchases,
                visitors: row.visitors,
                buyers: row.buyers,
            },
        })
        .collect())
}
