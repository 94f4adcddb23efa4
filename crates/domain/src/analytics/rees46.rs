//! Import of the REES46 "eCommerce behavior data from multi category store" CSV files.
//!
//! Columns: `event_time` (`2019-10-01 00:00:00 UTC`), `event_type` (`view`, `cart`,
//! `remove_from_cart`, `purchase`), `product_id`, `category_id` (a 64-bit integer, kept as
//! text), `category_code` (dotted path, often empty), `brand`, `price` (roubles with two
//! decimals), `user_id`, `user_session`.
//!
//! Mapping: view → `product_view`, cart → `add_to_cart`, remove_from_cart →
//! `remove_from_cart`, purchase → `purchase`. `user_id` becomes the visitor and
//! `user_session` the session, as given. All purchase rows of one session form one order
//! whose id is the session and whose revenue is the sum of their prices. Exact duplicate
//! rows are dropped and counted.

use std::collections::{HashMap, HashSet};
use std::hash::Hasher;

use chrono::{DateTime, NaiveDateTime, Utc};
use siphasher::sip128::{Hasher128, SipHasher13};

use super::event::{Event, EventType};
use super::money::Currency;
use crate::Invalid;

/// The header every REES46 file starts with.
pub const HEADER: [&str; 9] = [
    "event_time",
    "event_type",
    "product_id",
    "category_id",
    "category_code",
    "brand",
    "price",
    "user_id",
    "user_session",
];

/// Prefix of event and order ids made by this import, so they never collide with a
/// storefront's own ids.
pub const ID_PREFIX: &str = "rees46-";

/// One parsed row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub time: DateTime<Utc>,
    pub kind: EventType,
    pub product_id: String,
    /// A 64-bit category number, kept as text because JSON and `f64` cannot hold it exactly.
    pub category_id: String,
    pub category_code: Option<String>,
    pub brand: Option<String>,
    pub price_kopecks: i64,
    pub user_id: String,
    pub user_session: Option<String>,
    /// Hash of the raw fields; equal for exact duplicate rows and the base of the event id.
    pub fingerprint: u128,
}

/// Checks that `fields` is the REES46 header.
pub fn check_header<'a>(fields: impl IntoIterator<Item = &'a str>) -> Result<(), Invalid> {
    let found: Vec<&str> = fields.into_iter().map(str::trim).collect();
    if found == HEADER {
        return Ok(());
    }
    Err(Invalid::new("header", "analytics-rees46-header")
        .arg("found", found.join(","))
        .arg("expected", HEADER.join(",")))
}

/// Parses one data row. `line` is the 1-based line number in the file, for errors.
pub fn parse_row<'a>(fields: impl IntoIterator<Item = &'a str>, line: u64) -> Result<Row, Invalid> {
    let mut columns = [""; 9];
    let mut count = 0;
    let mut hasher = SipHasher13::new();
    for field in fields {
        if let Some(slot) = columns.get_mut(count) {
            *slot = field;
        }
        // A length prefix keeps ("ab", "c") and ("a", "bc") apart.
        hasher.write_usize(field.len());
        hasher.write(field.as_bytes());
        count += 1;
    }
    if count != HEADER.len() {
        return Err(Invalid::new("row", "analytics-rees46-columns")
            .arg("line", line)
            .arg("count", count)
            .arg("expected", HEADER.len()));
    }
    let [
        time,
        kind,
        product_id,
        category_id,
        category_code,
        brand,
        price,
        user_id,
        session,
    ] = columns;

    Ok(Row {
        time: parse_time(time, line)?,
        kind: parse_kind(kind, line)?,
        product_id: required(product_id, "product_id", line)?,
        category_id: required(category_id, "category_id", line)?,
        category_code: optional(category_code),
        brand: optional(brand),
        price_kopecks: parse_price(price, line)?,
        user_id: required(user_id, "user_id", line)?,
        user_session: optional(session),
        fingerprint: hasher.finish128().as_u128(),
    })
}

fn parse_time(text: &str, line: u64) -> Result<DateTime<Utc>, Invalid> {
    NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%d %H:%M:%S UTC")
        .map(|time| time.and_utc())
        .map_err(|_| row_error("event_time", "analytics-rees46-time", line, text))
}

fn parse_kind(text: &str, line: u64) -> Result<EventType, Invalid> {
    match text.trim() {
        "view" => Ok(EventType::ProductView),
        "cart" => Ok(EventType::AddToCart),
        "remove_from_cart" => Ok(EventType::RemoveFromCart),
        "purchase" => Ok(EventType::Purchase),
        _ => Err(row_error("event_type", "analytics-rees46-type", line, text)),
    }
}

/// Reads a non-negative decimal with at most two fractional digits as kopecks, exactly.
fn parse_price(text: &str, line: u64) -> Result<i64, Invalid> {
    let invalid = || row_error("price", "analytics-rees46-price", line, text);
    let trimmed = text.trim();
    let (whole, fraction) = trimmed.split_once('.').unwrap_or((trimmed, ""));
    let digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
    if whole.is_empty() || fraction.len() > 2 || !digits(whole) || !digits(fraction) {
        return Err(invalid());
    }
    let roubles: i64 = whole.parse().map_err(|_| invalid())?;
    let kopecks = match fraction.len() {
        0 => 0,
        1 => fraction.parse::<i64>().map_err(|_| invalid())? * 10,
        _ => fraction.parse::<i64>().map_err(|_| invalid())?,
    };
    roubles
        .checked_mul(100)
        .and_then(|value| value.checked_add(kopecks))
        .ok_or_else(invalid)
}

fn required(text: &str, column: &'static str, line: u64) -> Result<String, Invalid> {
    optional(text).ok_or_else(|| {
        Invalid::new(column, "analytics-rees46-empty")
            .arg("line", line)
            .arg("column", column)
    })
}

fn optional(text: &str) -> Option<String> {
    let trimmed = text.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

fn row_error(column: &'static str, key: &'static str, line: u64, value: &str) -> Invalid {
    Invalid::new(column, key)
        .arg("line", line)
        .arg("value", value)
}

/// Drops exact duplicate rows by their fingerprint and counts them.
#[derive(Debug, Clone, Default)]
pub struct Duplicates {
    seen: HashSet<u128>,
    /// Number of rows dropped as exact duplicates of an earlier row.
    pub dropped: u64,
}

impl Duplicates {
    /// Returns `true` for the first occurrence of a row and `false`, counting it, for repeats.
    pub fn first_time(&mut self, row: &Row) -> bool {
        let first = self.seen.insert(row.fingerprint);
        self.dropped += u64::from(!first);
        first
    }
}

/// Order totals per session: the sum of the prices of its purchase rows. Built in a first
/// pass over the file, because the mapped purchase events carry their order's total.
#[derive(Debug, Clone, Default)]
pub struct SessionOrders {
    totals: HashMap<String, i64>,
}

impl SessionOrders {
    /// Adds a row; rows other than purchases and rows without a session are ignored.
    pub fn add(&mut self, row: &Row) {
        let (EventType::Purchase, Some(session)) = (row.kind, &row.user_session) else {
            return;
        };
        let total = self.totals.entry(session.clone()).or_default();
        *total = total.saturating_add(row.price_kopecks);
    }

    /// Returns the order total of `session` in kopecks.
    pub fn total(&self, session: &str) -> Option<i64> {
        self.totals.get(session).copied()
    }
}

impl Row {
    /// Maps the row to a storefront event. Purchase rows get the order id `rees46-<session>`
    /// and the session's order total; a purchase without a session is an order of its own.
    pub fn into_event(self, orders: &SessionOrders) -> Event {
        let is_purchase = self.kind == EventType::Purchase;
        let order_id = match (&self.user_session, is_purchase) {
            (Some(session), true) => Some(format!("{ID_PREFIX}{session}")),
            (None, true) => Some(format!("{ID_PREFIX}{:032x}", self.fingerprint)),
            (_, false) => None,
        };
        let revenue_minor = match (&self.user_session, is_purchase) {
            (Some(session), true) => orders.total(session),
            (None, true) => Some(self.price_kopecks),
            (_, false) => None,
        };
        Event {
            id: format!("{ID_PREFIX}{:032x}", self.fingerprint),
            kind: self.kind,
            time: self.time,
            visitor: self.user_id,
            session: self.user_session,
            url: None,
            referrer: None,
            user_agent: None,
            ip: None,
            product_id: Some(self.product_id),
            category: self.category_code,
            price_minor: Some(self.price_kopecks),
            quantity: 1,
            currency: Currency::RUB,
            order_id,
            revenue_minor,
            customer_id: None,
        }
    }
}

#[cfg(test)]
#[path = "rees46_tests.rs"]
mod tests;
