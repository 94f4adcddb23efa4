//! Per-day figures of one shop that add up to the summary of a range without reading the
//! range's events again.
//!
//! With the midnight rule a visit never spans two days of its shop, so sessions, views, the
//! visit funnel, orders and revenue of a range are the sums of its days. An order is counted
//! on the first day it was bought, and later days count it as a repeat. Unique visitors are not additive,
//! so each day keeps a HyperLogLog sketch of its visitors and of its buyers. A range of more
//! than one day per shop estimates both from the merged sketches.

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;

use super::funnel::Funnel;
use super::money::RateLookup;
use super::orders::{ConversionBasis, ConversionRate, merge_revenue};
use super::session::SessionRules;
use super::sketch::{UniqueSketch, hash_id};
use super::summary::{Summary, SummaryEvent, summarize_visitors};

/// The figures of one shop's calendar day.
#[derive(Debug, Clone, PartialEq)]
pub struct DayFigures {
    pub shop_id: i64,
    pub day: NaiveDate,
    /// Events read, of every kind.
    pub events: u64,
    /// The day's summary; its visitor counts are exact.
    pub summary: Summary,
    /// Sketch of the day's (shop, visitor id) pairs.
    pub visitors: UniqueSketch,
    /// Sketch of the visitors with a counted purchase on the day.
    pub buyers: UniqueSketch,
}

/// Hashes a (shop, visitor id) pair for the visitor sketches, so a visitor id used by two
/// shops counts as two visitors, as in the exact summary.
pub fn visitor_hash(shop_id: i64, visitor: &str) -> u64 {
    let mut key = Vec::with_capacity(8 + visitor.len());
    key.extend_from_slice(&shop_id.to_be_bytes());
    key.extend_from_slice(visitor.as_bytes());
    hash_id(&key)
}

/// Computes the figures of one shop's day from all of its events. `counted_before` contains the
/// shop's orders already counted before the day.
pub fn day_figures(
    shop_id: i64,
    day: NaiveDate,
    events: &[SummaryEvent],
    rules: SessionRules,
    counted_before: &HashSet<(i64, String)>,
    rates: &impl RateLookup,
) -> DayFigures {
    let (summary, visitors) = summarize_visitors(events, |_| rules, counted_before, rates);
    let mut all = UniqueSketch::default();
    let mut buyers = UniqueSketch::default();
    for ((shop, visitor), bought) in visitors {
        let hash = visitor_hash(shop, visitor);
        all.insert_hash(hash);
        if bought {
            buyers.insert_hash(hash);
        }
    }
    DayFigures {
        shop_id,
        day,
        events: events.len() as u64,
        summary,
        visitors: all,
        buyers,
    }
}

/// A range's summary added up from its days.
#[derive(Debug, Clone, PartialEq)]
pub struct Combined {
    pub summary: Summary,
    /// Whether the visitor counts (and the visitor conversion) are HyperLogLog estimates,
    /// because some shop has more than one day in the range.
    pub visitors_estimated: bool,
}

/// Adds up the figures of `days` (of one or several shops).
pub fn combine(days: &[DayFigures]) -> Combined {
    let mut days_per_shop: BTreeMap<i64, u32> = BTreeMap::new();
    for day in days {
        *days_per_shop.entry(day.shop_id).or_default() += 1;
    }
    let estimated = days_per_shop.values().any(|count| *count > 1);

    let sum = |field: fn(&Summary) -> u64| days.iter().map(|day| field(&day.summary)).sum();
    let (visitors, buyers) = if estimated {
        let mut all = UniqueSketch::default();
        let mut bought = UniqueSketch::default();
        for day in days {
            all.merge(&day.visitors);
            bought.merge(&day.buyers);
        }
        (all.estimate(), bought.estimate().min(all.estimate()))
    } else {
        (
            sum(|s| s.visitors),
            sum(|s| s.conversion_visitors.converted),
        )
    };
    let sessions = sum(|s| s.sessions);
    let mut funnel = Funnel::shop();
    for day in days {
        funnel.merge(&day.summary.funnel);
    }
    let summary = Summary {
        visitors,
        sessions,
        page_views: sum(|s| s.page_views),
        product_views: sum(|s| s.product_views),
        add_to_carts: sum(|s| s.add_to_carts),
        checkouts: sum(|s| s.checkouts),
        refunds: sum(|s| s.refunds),
        revenue: merge_revenue(days.iter().map(|day| &day.summary.revenue)),
        conversion_visitors: ConversionRate {
            basis: ConversionBasis::Visitors,
            converted: buyers,
            total: visitors,
        },
        conversion_sessions: ConversionRate {
            basis: ConversionBasis::Sessions,
            converted: sum(|s| s.conversion_sessions.converted),
            total: sessions,
        },
        funnel,
    };
    Combined {
        summary,
        visitors_estimated: estimated,
    }
}

#[cfg(test)]
#[path = "days_tests.rs"]
mod tests;
