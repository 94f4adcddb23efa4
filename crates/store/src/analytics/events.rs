//! Storefront events in the events database: batch insert with duplicate ids ignored, and
//! the reads the summary needs.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use domain::analytics::context::EventContext;
use domain::analytics::money::Currency;
use domain::analytics::rollup::Rollup;
use domain::analytics::session::local_date;
use domain::analytics::summary::SummaryEvent;
use domain::analytics::{Event, EventType, url};

use super::rollups;
use crate::{Args, Db, Engine, Error, Result, Sql, Tx, Value, args};

/// Rows per INSERT statement on PostgreSQL: 6,000 arguments, far below its limit of 65,535.
const ROWS_PER_STATEMENT_POSTGRES: usize = 250;
/// Rows per INSERT statement on SQLite: 3,072 arguments, below its default limit of 32,766
/// (`SQLITE_MAX_VARIABLE_NUMBER` since SQLite 3.32). Its parameters are anonymous (see
/// [`push_parameter`]), so binding costs time linear in them.
const ROWS_PER_STATEMENT_SQLITE: usize = 128;

const INSERT_COLUMNS: &str = "INSERT INTO events (shop_id, event_id, kind, occurred_at, \
     received_at, visitor, session, session_given, page_path, referrer_host, source, device, \
     bot, utm_source, utm_medium, utm_campaign, product_id, category, price_minor, quantity, \
     currency, order_id, revenue_minor, customer_id) VALUES ";
const COLUMN_COUNT: usize = 24;

/// A validated event with the context derived from it at intake, ready to store.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub event: Event,
    pub context: EventContext,
    /// Whether the event's session id defines its visit as given (imports).
    pub session_given: bool,
}

/// Stores `events` of one shop in one transaction and returns how many were new. Events whose
/// id the shop has already, in the database or earlier in `events`, are skipped. The new
/// events are added to the rollups, whose days are calendar days of the shop's `zone`. The
/// transaction is committed before this returns, so the events are durable then.
pub async fn insert(
    events_db: &Db,
    shop: ShopZone,
    events: &[NewEvent],
    received_at: DateTime<Utc>,
) -> Result<u64> {
    if events.is_empty() {
        return Ok(0);
    }
    let mut tx = events_db.begin().await?;
    let inserted = insert_in(&mut tx, shop, events, received_at).await?;
    tx.commit().await?;
    Ok(inserted)
}

/// A shop's id with the zone whose calendar days its rollups count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShopZone {
    pub id: i64,
    pub zone: Tz,
}

/// Stores `events` of one shop inside `tx`, adds the new ones to the rollups and returns how
/// many were new; the caller commits.
pub async fn insert_in(
    tx: &mut Tx,
    shop: ShopZone,
    events: &[NewEvent],
    received_at: DateTime<Utc>,
) -> Result<u64> {
    let (inserted, rollup) = insert_rows_in(tx, shop, events, received_at).await?;
    rollups::add_in(tx, shop.id, &rollup).await?;
    Ok(inserted)
}

/// Stores `events` of one shop inside `tx` and returns how many were new with their counts,
/// which the caller adds to the rollups before it commits. Callers that store several shops
/// in one transaction add every shop's counts at the end in shop order, so concurrent
/// transactions on PostgreSQL lock rollup rows in one order and cannot deadlock on them.
pub async fn insert_rows_in(
    tx: &mut Tx,
    shop: ShopZone,
    events: &[NewEvent],
    received_at: DateTime<Utc>,
) -> Result<(u64, Rollup)> {
    let rows_per_statement = match tx.engine() {
        Engine::Sqlite => ROWS_PER_STATEMENT_SQLITE,
        Engine::Postgres => ROWS_PER_STATEMENT_POSTGRES,
    };
    let mut inserted = 0;
    let mut rollup = Rollup::default();
    let mut new_purchases: Vec<&Event> = Vec::new();
    for chunk in events.chunks(rows_per_statement) {
        let (sql, values) = insert_statement(tx.engine(), shop.id, chunk, received_at);
        let new_ids: Vec<(String,)> = tx.fetch_all(sql, values).await?;
        inserted += new_ids.len() as u64;
        // The first event of the chunk with an id is the one the database kept.
        let mut by_id: HashMap<&str, &NewEvent> = HashMap::with_capacity(chunk.len());
        for new in chunk {
            by_id.entry(new.event.id.as_str()).or_insert(new);
        }
        for (id,) in new_ids {
            if let Some(new) = by_id.get(id.as_str()) {
                rollup.add(&new.event, &new.context, shop.zone);
                if new.event.kind == EventType::Purchase && new.event.order_id.is_some() {
                    new_purchases.push(&new.event);
                }
            }
        }
    }
    touch_later_repeats(tx, shop, &new_purchases, &mut rollup).await?;
    Ok((inserted, rollup))
}

/// Order ids per lookup of [`touch_later_repeats`], far below both engines' argument limits.
const ORDERS_PER_LOOKUP: usize = 500;

/// Marks the days holding later purchases of the same orders as `purchases`: they counted
/// those orders as new, and now count them as repeats. Touching a day that needs no change
/// only makes its summary be computed again.
async fn touch_later_repeats(
    tx: &mut Tx,
    shop: ShopZone,
    purchases: &[&Event],
    rollup: &mut Rollup,
) -> Result<()> {
    let mut earliest: HashMap<&str, DateTime<Utc>> = HashMap::new();
    for purchase in purchases {
        if let Some(order_id) = purchase.order_id.as_deref() {
            earliest
                .entry(order_id)
                .and_modify(|time| *time = (*time).min(purchase.time))
                .or_insert(purchase.time);
        }
    }
    let order_ids: Vec<&str> = earliest.keys().copied().collect();
    for chunk in order_ids.chunks(ORDERS_PER_LOOKUP) {
        // Every parameter goes through `push_parameter`: sqlx numbers SQLite's anonymous
        // parameters from the first argument even after a numbered one.
        let mut sql = String::from("SELECT order_id, occurred_at FROM events WHERE shop_id = ");
        push_parameter(&mut sql, tx.engine(), 1);
        sql.push_str(" AND kind = 'purchase' AND order_id IN (");
        let mut values: Args = Vec::with_capacity(chunk.len() + 1);
        values.push(Value::from(shop.id));
        for (position, order_id) in chunk.iter().enumerate() {
            if position > 0 {
                sql.push_str(", ");
            }
            push_parameter(&mut sql, tx.engine(), position + 2);
            values.push(Value::from(*order_id));
        }
        sql.push(')');
        let stored: Vec<(String, DateTime<Utc>)> =
            tx.fetch_all(Sql::assembled(sql), values).await?;
        for (order_id, time) in stored {
            if earliest
                .get(order_id.as_str())
                .is_some_and(|first_new| time > *first_new)
            {
                rollup.touch(local_date(time, shop.zone));
            }
        }
    }
    Ok(())
}

fn insert_statement(
    engine: Engine,
    shop_id: i64,
    chunk: &[NewEvent],
    received_at: DateTime<Utc>,
) -> (Sql, Args) {
    let mut sql = String::with_capacity(INSERT_COLUMNS.len() + chunk.len() * 130 + 60);
    sql.push_str(INSERT_COLUMNS);
    let mut values: Args = Vec::with_capacity(chunk.len() * COLUMN_COUNT);
    for (row, new) in chunk.iter().enumerate() {
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for column in 0..COLUMN_COUNT {
            if column > 0 {
                sql.push_str(", ");
            }
            push_parameter(&mut sql, engine, row * COLUMN_COUNT + column + 1);
        }
        sql.push(')');
        push_values(&mut values, shop_id, new, received_at);
    }
    sql.push_str(" ON CONFLICT (shop_id, event_id) DO NOTHING RETURNING event_id");
    (Sql::assembled(sql), values)
}

/// Appends parameter `number` (from 1) of a statement whose parameters appear in number order.
/// SQLite gets an anonymous `?`, which takes the arguments in order: sqlx looks up the name of
/// every numbered parameter there, and each lookup walks the statement's parameter list.
fn push_parameter(sql: &mut String, engine: Engine, number: usize) {
    match engine {
        Engine::Sqlite => sql.push('?'),
        Engine::Postgres => {
            sql.push('$');
            sql.push_str(&number.to_string());
        }
    }
}

fn push_values(values: &mut Args, shop_id: i64, new: &NewEvent, received_at: DateTime<Utc>) {
    let event = &new.event;
    let context = &new.context;
    let referrer_host = event.referrer.as_deref().and_then(url::host);
    values.extend([
        Value::from(shop_id),
        Value::from(&event.id),
        Value::from(event.kind.as_ref()),
        Value::from(event.time),
        Value::from(received_at),
        Value::from(&event.visitor),
        Value::from(event.session.as_ref()),
        Value::from(new.session_given),
        Value::from(context.page_path.as_ref()),
        Value::from(referrer_host.map(str::to_ascii_lowercase)),
        Value::from(context.source.as_ref()),
        Value::from(context.device.as_ref()),
        Value::from(context.bot.map(|bot| bot.as_ref().to_string())),
        Value::from(context.utm.source.as_ref()),
        Value::from(context.utm.medium.as_ref()),
        Value::from(context.utm.campaign.as_ref()),
        Value::from(event.product_id.as_ref()),
        Value::from(event.category.as_ref()),
        Value::from(event.price_minor),
        Value::from(i64::from(event.quantity)),
        Value::from(event.currency.as_str()),
        Value::from(event.order_id.as_ref()),
        Value::from(event.revenue_minor),
        Value::from(event.customer_id.as_ref()),
    ]);
}

/// The events a read covers: one shop or all, an instant range, with or without bots.
#[derive(Debug, Clone, Copy)]
pub struct Range {
    /// `None` for every shop.
    pub shop_id: Option<i64>,
    pub from: DateTime<Utc>,
    /// Exclusive.
    pub to: DateTime<Utc>,
    pub include_bots: bool,
}

impl Range {
    /// Builds the WHERE clause over `occurred_at`, shop and bots, with `$1` and `$2` for the
    /// instants and `$3` for the shop.
    fn condition(&self) -> String {
        let mut condition = String::from("occurred_at >= $1 AND occurred_at < $2");
        if self.shop_id.is_some() {
            condition.push_str(" AND shop_id = $3");
        }
        if !self.include_bots {
            condition.push_str(" AND bot IS NULL");
        }
        condition
    }

    fn args(&self) -> Args {
        let mut values = args![self.from, self.to];
        if let Some(shop_id) = self.shop_id {
            values.push(Value::from(shop_id));
        }
        values
    }
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    shop_id: i64,
    kind: String,
    occurred_at: DateTime<Utc>,
    visitor: String,
    session: Option<String>,
    session_given: bool,
    order_id: Option<String>,
    currency: String,
    price_minor: Option<i64>,
    quantity: i64,
    revenue_minor: Option<i64>,
}

impl SummaryRow {
    fn into_event(self) -> Result<SummaryEvent> {
        let kind = EventType::parse(&self.kind)
            .ok_or_else(|| Error::Corrupt(format!("unknown event kind {}", self.kind)))?;
        let currency = Currency::parse(&self.currency)
            .ok_or_else(|| Error::Corrupt(format!("unknown currency {}", self.currency)))?;
        Ok(SummaryEvent {
            shop_id: self.shop_id,
            kind,
            time: self.occurred_at,
            visitor: self.visitor,
            session: self.session,
            session_given: self.session_given,
            order_id: self.order_id,
            currency,
            price_minor: self.price_minor,
            quantity: u32::try_from(self.quantity).unwrap_or(1),
            revenue_minor: self.revenue_minor,
        })
    }
}

/// Reads the events of `range` with the fields the summary needs.
// TODO: this reads every event of the range. That is fine for thousands of events a day but
// not for a 30-day platform view over millions, which needs daily rollups with visitor
// sketches.
pub async fn summary_events(events_db: &Db, range: &Range) -> Result<Vec<SummaryEvent>> {
    let sql = format!(
        "SELECT shop_id, kind, occurred_at, visitor, session, session_given, order_id, \
         currency, price_minor, quantity, revenue_minor FROM events WHERE {}",
        range.condition()
    );
    let rows: Vec<SummaryRow> = events_db
        .fetch_all(Sql::assembled(sql), range.args())
        .await?;
    rows.into_iter().map(SummaryRow::into_event).collect()
}

/// Returns the (shop, order id) pairs of orders purchased in `range` that had a purchase
/// before it, so the range counts them as repeats. Bots are not excluded here, because an
/// order counts once whichever client sent it first.
pub async fn orders_counted_before(
    events_db: &Db,
    range: &Range,
) -> Result<HashSet<(i64, String)>> {
    let shop = if range.shop_id.is_some() {
        " AND shop_id = $3"
    } else {
        ""
    };
    // Driven by the range's purchases, which the (shop, time) index finds, so a one-day
    // range reads that day's orders and looks each up once by the (shop, order) index.
    // Without statistics SQLite would search the earlier purchases by the (shop, time) index
    // and read every earlier event of the shop. The unary `+` keeps that index out.
    let earlier_time = match events_db.engine() {
        Engine::Sqlite => "+earlier.occurred_at",
        Engine::Postgres => "earlier.occurred_at",
    };
    let sql = format!(
        "SELECT DISTINCT later.shop_id, later.order_id FROM events later \
         WHERE later.kind = 'purchase' AND later.occurred_at >= $1 AND later.occurred_at < $2 \
         AND later.order_id IS NOT NULL{} AND EXISTS (SELECT 1 FROM events earlier \
         WHERE earlier.shop_id = later.shop_id AND earlier.order_id = later.order_id \
         AND earlier.kind = 'purchase' AND {earlier_time} < $1)",
        shop.replace("shop_id", "later.shop_id")
    );
    let rows: Vec<(i64, String)> = events_db
        .fetch_all(Sql::assembled(sql), range.args())
        .await?;
    Ok(rows.into_iter().collect())
}

/// Returns the (shop, order id, product id) order lines of the range's purchases that a
/// purchase before the range has already sent, like [`orders_counted_before`] but per
/// product, so a second product of an order counted earlier still counts.
pub async fn lines_counted_before(
    events_db: &Db,
    range: &Range,
) -> Result<HashSet<(i64, String, String)>> {
    let shop = if range.shop_id.is_some() {
        " AND later.shop_id = $3"
    } else {
        ""
    };
    // The same plan as `orders_counted_before`: the range's purchases first, each looked up
    // by the (shop, order) index, with the unary `+` keeping SQLite off the time index.
    let earlier_time = match events_db.engine() {
        Engine::Sqlite => "+earlier.occurred_at",
        Engine::Postgres => "earlier.occurred_at",
    };
    let sql = format!(
        "SELECT DISTINCT later.shop_id, later.order_id, later.product_id FROM events later \
         WHERE later.kind = 'purchase' AND later.occurred_at >= $1 AND later.occurred_at < $2 \
         AND later.order_id IS NOT NULL AND later.product_id IS NOT NULL{shop} \
         AND EXISTS (SELECT 1 FROM events earlier \
         WHERE earlier.shop_id = later.shop_id AND earlier.order_id = later.order_id \
         AND earlier.product_id = later.product_id \
         AND earlier.kind = 'purchase' AND {earlier_time} < $1)"
    );
    let rows: Vec<(i64, String, String)> = events_db
        .fetch_all(Sql::assembled(sql), range.args())
        .await?;
    Ok(rows.into_iter().collect())
}

/// Counts a shop's stored events, bots included.
pub async fn count(events_db: &Db, shop_id: i64) -> Result<i64> {
    events_db
        .fetch_scalar(
            "SELECT COUNT(*) FROM events WHERE shop_id = $1",
            args![shop_id],
        )
        .await
}
