//! The traffic and revenue summary of a date range: visitors, visits, views, carts, orders,
//! revenue and conversion, for one shop or for several shops at once.
//!
//! Visitors are counted per (shop, visitor id). Visits come from the sender's session id when
//! the source defines sessions (imports that give them) and otherwise from the inactivity and
//! midnight rules of [`super::session`], per visitor. Orders are deduplicated per (shop, order
//! id); a visitor or visit converts when it contains a purchase that was not a repeat of an
//! order counted before.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use super::event::{Event, EventType};
use super::funnel::{Funnel, StepSet};
use super::money::{Currency, RateLookup};
use super::orders::{
    self, ConversionBasis, ConversionRate, OrderLedger, Recorded, Revenue, merge_revenue,
};
use super::session::{SessionRules, local_date};

/// The fields of one stored event that the summary reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryEvent {
    pub shop_id: i64,
    pub kind: EventType,
    pub time: DateTime<Utc>,
    pub visitor: String,
    pub session: Option<String>,
    /// Whether `session` defines the visit as given (imports such as REES46). When `false`,
    /// or when `session` is missing, visits are computed by the session rules.
    pub session_given: bool,
    pub order_id: Option<String>,
    pub currency: Currency,
    pub price_minor: Option<i64>,
    pub quantity: u32,
    pub revenue_minor: Option<i64>,
}

/// Figures of a range. Revenue is in kopecks.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Distinct (shop, visitor id) pairs.
    pub visitors: u64,
    pub sessions: u64,
    /// Page loads: `page_view` and `product_view` events.
    pub page_views: u64,
    pub product_views: u64,
    pub add_to_carts: u64,
    pub checkouts: u64,
    pub refunds: u64,
    pub revenue: Revenue,
    pub conversion_visitors: ConversionRate,
    pub conversion_sessions: ConversionRate,
    /// Visits through product view, add to cart, checkout and purchase, skipped steps
    /// tolerated.
    pub funnel: Funnel,
}

/// Summarises `events` per calendar day of `zone`, for every day from `from` to `to`
/// (inclusive), days without events included. An order counted on an earlier day of the
/// range, or before it, is a repeat on later days.
pub fn summarize_daily(
    events: &[SummaryEvent],
    days: (NaiveDate, NaiveDate),
    zone: Tz,
    rules: impl Fn(i64) -> SessionRules,
    counted_before: &HashSet<(i64, String)>,
    rates: &impl RateLookup,
) -> Vec<(NaiveDate, Summary)> {
    let (from, to) = days;
    let mut by_day: BTreeMap<NaiveDate, Vec<SummaryEvent>> = BTreeMap::new();
    for event in events {
        by_day
            .entry(local_date(event.time, zone))
            .or_default()
            .push(event.clone());
    }

    let mut counted = counted_before.clone();
    let mut daily = Vec::new();
    for day in from.iter_days().take_while(|day| *day <= to) {
        let day_events = by_day.remove(&day).unwrap_or_default();
        daily.push((day, summarize(&day_events, &rules, &counted, rates)));
        let orders = day_events
            .iter()
            .filter(|event| event.kind == EventType::Purchase)
            .filter_map(|event| Some((event.shop_id, event.order_id.clone()?)));
        counted.extend(orders);
    }
    daily
}

/// Summarises `events` of one range.
///
/// `rules` returns the session rules of a shop. `counted_before` contains the (shop, order
/// id) pairs already counted before the range, whose purchases in the range are repeats.
pub fn summarize(
    events: &[SummaryEvent],
    rules: impl Fn(i64) -> SessionRules,
    counted_before: &HashSet<(i64, String)>,
    rates: &impl RateLookup,
) -> Summary {
    tally(events, rules, counted_before, rates).0
}

/// Summarises `events` like [`summarize`] and also returns every (shop, visitor id) pair
/// seen, with whether that visitor made a counted purchase.
pub fn summarize_visitors<'a>(
    events: &'a [SummaryEvent],
    rules: impl Fn(i64) -> SessionRules,
    counted_before: &HashSet<(i64, String)>,
    rates: &impl RateLookup,
) -> (Summary, HashMap<(i64, &'a str), bool>) {
    tally(events, rules, counted_before, rates)
}

fn tally<'a>(
    events: &'a [SummaryEvent],
    rules: impl Fn(i64) -> SessionRules,
    counted_before: &HashSet<(i64, String)>,
    rates: &impl RateLookup,
) -> (Summary, HashMap<(i64, &'a str), bool>) {
    let (revenue, converting) = record_orders(events, counted_before, rates);

    let mut counts = Counts::default();
    let mut visitors: HashMap<(i64, &str), bool> = HashMap::new();
    let mut given_sessions: HashMap<(i64, &str), (bool, StepSet)> = HashMap::new();
    let mut computed: Vec<usize> = Vec::new();
    for (index, event) in events.iter().enumerate() {
        counts.add(event.kind);
        let converts = converting.contains(&index);
        *visitors.entry((event.shop_id, &event.visitor)).or_default() |= converts;
        match (&event.session, event.session_given) {
            (Some(session), true) => {
                let given = given_sessions.entry((event.shop_id, session)).or_default();
                given.0 |= converts;
                given.1.insert(event.kind);
            }
            _ => computed.push(index),
        }
    }

    let mut funnel = Funnel::shop();
    for (_, steps) in given_sessions.values() {
        funnel.add(*steps);
    }
    let (visits, converted_visits) =
        computed_visits(events, computed, &converting, rules, &mut funnel);
    let sessions = given_sessions.len() as u64 + visits;
    let converted_sessions = given_sessions.values().filter(|(c, _)| *c).count() as u64;

    let summary = Summary {
        visitors: visitors.len() as u64,
        sessions,
        page_views: counts.page_views,
        product_views: counts.product_views,
        add_to_carts: counts.add_to_carts,
        checkouts: counts.checkouts,
        refunds: counts.refunds,
        revenue,
        conversion_visitors: ConversionRate {
            basis: ConversionBasis::Visitors,
            converted: visitors.values().filter(|c| **c).count() as u64,
            total: visitors.len() as u64,
        },
        conversion_sessions: ConversionRate {
            basis: ConversionBasis::Sessions,
            converted: converted_sessions + converted_visits,
            total: sessions,
        },
        funnel,
    };
    (summary, visitors)
}

#[derive(Default)]
struct Counts {
    page_views: u64,
    product_views: u64,
    add_to_carts: u64,
    checkouts: u64,
    refunds: u64,
}

impl Counts {
    fn add(&mut self, kind: EventType) {
        self.page_views += u64::from(kind.is_page_view());
        match kind {
            EventType::ProductView => self.product_views += 1,
            EventType::AddToCart => self.add_to_carts += 1,
            EventType::Checkout => self.checkouts += 1,
            EventType::Refund => self.refunds += 1,
            _ => {}
        }
    }
}

/// Feeds purchases and refunds to one ledger per shop in time order. Returns the merged
/// revenue and the indices of purchases that count as conversions: every purchase except
/// repeats of an order already counted.
fn record_orders(
    events: &[SummaryEvent],
    counted_before: &HashSet<(i64, String)>,
    rates: &impl RateLookup,
) -> (Revenue, HashSet<usize>) {
    let mut money: Vec<usize> = (0..events.len())
        .filter(|&index| matches!(events[index].kind, EventType::Purchase | EventType::Refund))
        .collect();
    money.sort_by_key(|&index| events[index].time);

    let mut ledgers: HashMap<i64, OrderLedger> = HashMap::new();
    let mut converting = HashSet::new();
    for index in money {
        let event = &events[index];
        let ledger = ledgers.entry(event.shop_id).or_insert_with(|| {
            let before = counted_before
                .iter()
                .filter(|(shop_id, _)| *shop_id == event.shop_id)
                .map(|(_, order_id)| order_id.clone());
            OrderLedger::with_counted_orders(before)
        });
        let recorded = ledger.record(&ledger_event(event), rates);
        if event.kind == EventType::Purchase && recorded != Recorded::Duplicate {
            converting.insert(index);
        }
    }
    let revenue = merge_revenue(ledgers.values().map(OrderLedger::revenue));
    (revenue, converting)
}

/// Builds the event the order ledger reads from `event`.
fn ledger_event(event: &SummaryEvent) -> Event {
    orders::ledger_event(
        event.kind,
        event.time,
        event.order_id.clone(),
        event.price_minor,
        event.quantity,
        event.currency,
        event.revenue_minor,
    )
}

/// Splits the events at `indices` into visits per (shop, visitor) by the shop's rules.
/// Returns the number of visits and of visits with a converting purchase.
fn computed_visits(
    events: &[SummaryEvent],
    mut indices: Vec<usize>,
    converting: &HashSet<usize>,
    rules: impl Fn(i64) -> SessionRules,
    funnel: &mut Funnel,
) -> (u64, u64) {
    indices.sort_by(|&a, &b| {
        let (a, b) = (&events[a], &events[b]);
        (a.shop_id, &a.visitor, a.time).cmp(&(b.shop_id, &b.visitor, b.time))
    });

    let mut visits = 0;
    let mut converted = 0;
    let mut current: Option<(i64, &str, DateTime<Utc>, bool, StepSet)> = None;
    let mut shop_rules: Option<(i64, SessionRules)> = None;
    let mut close = |visit: Option<(i64, &str, DateTime<Utc>, bool, StepSet)>| {
        if let Some((_, _, _, converts, steps)) = visit {
            converted += u64::from(converts);
            funnel.add(steps);
        }
    };
    for index in indices {
        let event = &events[index];
        let rules = match shop_rules {
            Some((shop_id, rules)) if shop_id == event.shop_id => rules,
            _ => {
                let rules = rules(event.shop_id);
                shop_rules = Some((event.shop_id, rules));
                rules
            }
        };
        let converts = converting.contains(&index);
        let continues = current.is_some_and(|(shop_id, visitor, last, _, _)| {
            shop_id == event.shop_id
                && visitor == event.visitor
                && rules.continues(last, event.time)
        });
        if continues {
            if let Some(visit) = current.as_mut() {
                visit.2 = event.time;
                visit.3 |= converts;
                visit.4.insert(event.kind);
            }
            continue;
        }
        close(current.take());
        visits += 1;
        let mut steps = StepSet::default();
        steps.insert(event.kind);
        current = Some((event.shop_id, &event.visitor, event.time, converts, steps));
    }
    close(current.take());
    (visits, converted)
}

#[cfg(test)]
#[path = "summary_tests.rs"]
mod tests;
