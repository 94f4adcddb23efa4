//! Per-day summaries of each shop (`day_summaries`) and the queue of days to compute again
//! (`day_summary_queue`). The event writer queues the days it stores events of. A background
//! task and every summary request compute queued days before reading, so a read never
//! returns a day computed before its latest stored events.

use std::collections::{BTreeMap, HashMap};

use chrono::{Days, NaiveDate};
use chrono_tz::Tz;
use domain::analytics::days::{DayFigures, day_figures};
use domain::analytics::funnel::Funnel;
use domain::analytics::money::{Currency, RateLookup};
use domain::analytics::orders::{ConversionBasis, ConversionRate, Revenue};
use domain::analytics::session::{SessionRules, day_start};
use domain::analytics::sketch::UniqueSketch;
use domain::analytics::summary::Summary;

use super::day_segments;
use super::events::{self, Range};
use crate::{Args, Db, Error, Result, Sql, Tx, Value, args};

const QUEUE: &str = "INSERT INTO day_summary_queue (shop_id, day, version) VALUES ($1, $2, 1) \
     ON CONFLICT (shop_id, day) DO UPDATE SET version = day_summary_queue.version + 1";

/// Queues days of a shop inside `tx`, in date order; the caller commits.
pub async fn queue_in(
    tx: &mut Tx,
    shop_id: i64,
    days: impl IntoIterator<Item = NaiveDate>,
) -> Result<()> {
    let mut days: Vec<NaiveDate> = days.into_iter().collect();
    days.sort_unstable();
    days.dedup();
    for day in days {
        tx.execute(QUEUE, args![shop_id, day]).await?;
    }
    Ok(())
}

/// Queues every day that has events, as after new exchange rates change what revenue
/// counts. Returns the number of days queued.
pub async fn queue_all(events_db: &Db) -> Result<u64> {
    // `WHERE true` keeps SQLite from reading ON CONFLICT as a join constraint.
    events_db
        .execute(
            "INSERT INTO day_summary_queue (shop_id, day, version) \
             SELECT DISTINCT shop_id, day, 1 FROM event_rollups WHERE true \
             ON CONFLICT (shop_id, day) DO UPDATE SET version = day_summary_queue.version + 1",
            Vec::new(),
        )
        .await
}

/// Forgets a shop's day rows inside `tx`, when its rollups are rebuilt (which queues its
/// days again); the caller commits.
pub async fn forget_shop_in(tx: &mut Tx, shop_id: i64) -> Result<()> {
    tx.execute(
        "DELETE FROM day_summaries WHERE shop_id = $1",
        args![shop_id],
    )
    .await?;
    day_segments::forget_shop_in(tx, shop_id).await
}

/// Counts the queued days.
pub async fn queued(events_db: &Db) -> Result<i64> {
    events_db
        .fetch_scalar("SELECT COUNT(*) FROM day_summary_queue", Vec::new())
        .await
}

/// The queued days to compute: all, or those of one shop or of every shop within a range
/// of days.
#[derive(Debug, Clone, Copy, Default)]
pub struct Scope {
    pub shop_id: Option<i64>,
    pub days: Option<(NaiveDate, NaiveDate)>,
}

impl Scope {
    /// Builds the WHERE condition and arguments over `day_summary_queue`.
    fn condition(&self) -> (String, Args) {
        let mut condition = String::from("true");
        let mut values: Args = Vec::new();
        if let Some(shop_id) = self.shop_id {
            values.push(Value::from(shop_id));
            condition.push_str(&format!(" AND shop_id = ${}", values.len()));
        }
        if let Some((from, to)) = self.days {
            values.push(Value::from(from));
            condition.push_str(&format!(" AND day >= ${}", values.len()));
            values.push(Value::from(to));
            condition.push_str(&format!(" AND day <= ${}", values.len()));
        }
        (condition, values)
    }
}

/// Returns whether some day of `scope` is queued.
pub async fn any_queued(events_db: &Db, scope: Scope) -> Result<bool> {
    let (condition, values) = scope.condition();
    let sql = format!(
        "SELECT COUNT(*) FROM (SELECT 1 FROM day_summary_queue WHERE {condition} LIMIT 1) AS any_day"
    );
    let count: i64 = events_db.fetch_scalar(Sql::assembled(sql), values).await?;
    Ok(count > 0)
}

#[derive(sqlx::FromRow)]
struct Queued {
    shop_id: i64,
    day: String,
    version: i64,
}

/// Computes the queued days of `scope`, at most `limit` of them, and returns how many were
/// computed. `zones` gives each shop's zone; days of a shop missing from it are computed in
/// `fallback_zone`.
pub async fn refresh(
    events_db: &Db,
    zones: &HashMap<i64, Tz>,
    fallback_zone: Tz,
    rates: &impl RateLookup,
    scope: Scope,
    limit: i64,
) -> Result<usize> {
    let (condition, mut values) = scope.condition();
    values.push(Value::from(limit));
    let sql = format!(
        "SELECT shop_id, CAST(day AS TEXT) AS day, version FROM day_summary_queue \
         WHERE {condition} ORDER BY shop_id, day LIMIT ${}",
        values.len()
    );
    let queued: Vec<Queued> = events_db.fetch_all(Sql::assembled(sql), values).await?;
    let computed = queued.len();
    for entry in queued {
        let day = parse_day(&entry.day)?;
        let zone = zones.get(&entry.shop_id).copied().unwrap_or(fallback_zone);
        compute(events_db, entry.shop_id, day, zone, rates, entry.version).await?;
    }
    Ok(computed)
}

/// Computes one day of a shop with and without bots, stores both rows with the day's
/// category and segment rows, and removes the day from the queue unless it was queued again
/// meanwhile (its `version` changed).
async fn compute(
    events_db: &Db,
    shop_id: i64,
    day: NaiveDate,
    zone: Tz,
    rates: &impl RateLookup,
    version: i64,
) -> Result<()> {
    let next = day
        .checked_add_days(Days::new(1))
        .ok_or_else(|| Error::Corrupt(format!("day {day} has no next day")))?;
    let day_range = Range {
        shop_id: Some(shop_id),
        from: day_start(day, zone),
        to: day_start(next, zone),
        include_bots: true,
    };
    // The orders counted before the day are the same with and without bots.
    let counted = events::orders_counted_before(events_db, &day_range).await?;
    let mut rows = Vec::with_capacity(2);
    for include_bots in [false, true] {
        let range = Range {
            include_bots,
            ..day_range
        };
        let events = events::summary_events(events_db, &range).await?;
        let figures = day_figures(
            shop_id,
            day,
            &events,
            SessionRules::new(zone),
            &counted,
            rates,
        );
        rows.push((include_bots, figures));
    }
    let segments = day_segments::compute(events_db, &day_range, day, &counted, rates).await?;

    let mut tx = events_db.begin().await?;
    for (bots, figures) in &rows {
        tx.execute(UPSERT, upsert_args(*bots, figures)).await?;
    }
    day_segments::store_in(&mut tx, &segments).await?;
    tx.execute(
        "DELETE FROM day_summary_queue WHERE shop_id = $1 AND day = $2 AND version = $3",
        args![shop_id, day, version],
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The stored figures other than the key and the sketches.
const FIGURE_COLUMNS: &str = "events, visitors, sessions, page_views, product_views, \
     add_to_carts, checkouts, refunds, converted_visitors, converted_sessions, orders, \
     gross_kopecks, refunds_kopecks, duplicate_purchases, without_amount, unconverted, funnel, \
     orders_without_revenue";

const UPSERT: &str = "INSERT INTO day_summaries (shop_id, day, bots, events, visitors, \
     sessions, page_views, product_views, add_to_carts, checkouts, refunds, \
     converted_visitors, converted_sessions, orders, gross_kopecks, refunds_kopecks, \
     duplicate_purchases, without_amount, unconverted, funnel, visitors_sketch, buyers_sketch, \
     orders_without_revenue) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
     $18, $19, $20, $21, $22, $23) ON CONFLICT (shop_id, day, bots) DO UPDATE SET \
     events = excluded.events, visitors = excluded.visitors, sessions = excluded.sessions, \
     page_views = excluded.page_views, product_views = excluded.product_views, \
     add_to_carts = excluded.add_to_carts, checkouts = excluded.checkouts, \
     refunds = excluded.refunds, converted_visitors = excluded.converted_visitors, \
     converted_sessions = excluded.converted_sessions, orders = excluded.orders, \
     gross_kopecks = excluded.gross_kopecks, refunds_kopecks = excluded.refunds_kopecks, \
     duplicate_purchases = excluded.duplicate_purchases, \
     without_amount = excluded.without_amount, unconverted = excluded.unconverted, \
     funnel = excluded.funnel, visitors_sketch = excluded.visitors_sketch, buyers_sketch = excluded.buyers_sketch, \
     orders_without_revenue = excluded.orders_without_revenue";

fn count(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

fn upsert_args(bots: bool, figures: &DayFigures) -> Args {
    let summary = &figures.summary;
    let revenue = &summary.revenue;
    let unconverted: Vec<String> = revenue
        .unconverted_minor
        .iter()
        .map(|(currency, amount)| format!("{}:{amount}", currency.as_str()))
        .collect();
    args![
        figures.shop_id,
        figures.day,
        bots,
        count(figures.events),
        count(summary.visitors),
        count(summary.sessions),
        count(summary.page_views),
        count(summary.product_views),
        count(summary.add_to_carts),
        count(summary.checkouts),
        count(summary.refunds),
        count(summary.conversion_visitors.converted),
        count(summary.conversion_sessions.converted),
        count(revenue.orders),
        revenue.gross_kopecks,
        revenue.refunds_kopecks,
        count(revenue.duplicate_purchases),
        count(revenue.without_amount),
        unconverted.join(";"),
        funnel_text(&summary.funnel),
        hex::encode(figures.visitors.to_bytes()),
        hex::encode(figures.buyers.to_bytes()),
        count(revenue.orders_without_revenue),
    ]
}

#[derive(sqlx::FromRow)]
struct StoredDay {
    shop_id: i64,
    day: String,
    events: i64,
    visitors: i64,
    sessions: i64,
    page_views: i64,
    product_views: i64,
    add_to_carts: i64,
    checkouts: i64,
    refunds: i64,
    converted_visitors: i64,
    converted_sessions: i64,
    orders: i64,
    gross_kopecks: i64,
    refunds_kopecks: i64,
    duplicate_purchases: i64,
    without_amount: i64,
    orders_without_revenue: i64,
    unconverted: String,
    funnel: String,
    visitors_sketch: String,
    buyers_sketch: String,
}

/// The day rows a read covers: one shop or all, shop-local days (both included), with or
/// without bots.
#[derive(Debug, Clone, Copy)]
pub struct DayRange {
    /// `None` for every shop; each shop's days are then in its own zone.
    pub shop_id: Option<i64>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub include_bots: bool,
    /// Whether to decode the visitor sketches; the daily series needs only the exact
    /// per-day counts.
    pub sketches: bool,
}

/// Reads the stored day rows of `range`, ordered by shop and day. Days without events have
/// no row.
pub async fn read(events_db: &Db, range: &DayRange) -> Result<Vec<DayFigures>> {
    let sketches = if range.sketches {
        "visitors_sketch, buyers_sketch"
    } else {
        "'' AS visitors_sketch, '' AS buyers_sketch"
    };
    let mut values: Args = args![range.from, range.to, range.include_bots];
    let mut condition = String::from("day >= $1 AND day <= $2 AND bots = $3");
    if let Some(shop_id) = range.shop_id {
        values.push(Value::from(shop_id));
        condition.push_str(" AND shop_id = $4");
    }
    let sql = format!(
        "SELECT shop_id, CAST(day AS TEXT) AS day, {FIGURE_COLUMNS}, {sketches} FROM day_summaries \
         WHERE {condition} ORDER BY shop_id, day"
    );
    let rows: Vec<StoredDay> = events_db.fetch_all(Sql::assembled(sql), values).await?;
    rows.into_iter().map(StoredDay::into_figures).collect()
}

impl StoredDay {
    fn into_figures(self) -> Result<DayFigures> {
        let number = |value: i64| u64::try_from(value).unwrap_or(0);
        let mut unconverted_minor = BTreeMap::new();
        for pair in self.unconverted.split(';').filter(|pair| !pair.is_empty()) {
            let parsed = pair.split_once(':').and_then(|(currency, amount)| {
                Some((Currency::parse(currency)?, amount.parse::<i64>().ok()?))
            });
            let (currency, amount) =
                parsed.ok_or_else(|| Error::Corrupt(format!("unconverted amount {pair:?}")))?;
            unconverted_minor.insert(currency, amount);
        }
        let revenue = Revenue {
            gross_kopecks: self.gross_kopecks,
            refunds_kopecks: self.refunds_kopecks,
            orders: number(self.orders),
            duplicate_purchases: number(self.duplicate_purchases),
            without_amount: number(self.without_amount),
            orders_without_revenue: number(self.orders_without_revenue),
            unconverted_minor,
        };
        let visitors = number(self.visitors);
        let sessions = number(self.sessions);
        Ok(DayFigures {
            shop_id: self.shop_id,
            day: parse_day(&self.day)?,
            events: number(self.events),
            summary: Summary {
                visitors,
                sessions,
                page_views: number(self.page_views),
                product_views: number(self.product_views),
                add_to_carts: number(self.add_to_carts),
                checkouts: number(self.checkouts),
                refunds: number(self.refunds),
                revenue,
                conversion_visitors: ConversionRate {
                    basis: ConversionBasis::Visitors,
                    converted: number(self.converted_visitors),
                    total: visitors,
                },
                conversion_sessions: ConversionRate {
                    basis: ConversionBasis::Sessions,
                    converted: number(self.converted_sessions),
                    total: sessions,
                },
                funnel: parse_funnel(&self.funnel)?,
            },
            visitors: sketch(&self.visitors_sketch)?,
            buyers: sketch(&self.buyers_sketch)?,
        })
    }
}

/// Writes a funnel as `visits;did:reached:skipped;…`.
fn funnel_text(funnel: &Funnel) -> String {
    let mut text = funnel.sessions().to_string();
    for step in funnel.steps() {
        text.push_str(&format!(
            ";{}:{}:{}",
            step.did, step.reached, step.skipped_earlier
        ));
    }
    text
}

fn parse_funnel(text: &str) -> Result<Funnel> {
    let corrupt = || Error::Corrupt(format!("funnel {text:?}"));
    let mut parts = text.split(';');
    let sessions: u64 = parts
        .next()
        .and_then(|part| part.parse().ok())
        .ok_or_else(corrupt)?;
    let mut steps = Vec::new();
    for part in parts {
        let numbers: Vec<u64> = part
            .split(':')
            .map(str::parse)
            .collect::<std::result::Result<_, _>>()
            .map_err(|_| corrupt())?;
        match numbers[..] {
            [did, reached, skipped] => steps.push((did, reached, skipped)),
            _ => return Err(corrupt()),
        }
    }
    Funnel::shop_from_counts(sessions, &steps).ok_or_else(corrupt)
}

fn sketch(text: &str) -> Result<UniqueSketch> {
    if text.is_empty() {
        return Ok(UniqueSketch::default());
    }
    let bytes = hex::decode(text).map_err(|error| Error::Corrupt(format!("sketch: {error}")))?;
    UniqueSketch::from_bytes(&bytes).map_err(|error| Error::Corrupt(format!("sketch: {error}")))
}

fn parse_day(text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| Error::Corrupt(format!("day {text:?} is not YYYY-MM-DD")))
}
