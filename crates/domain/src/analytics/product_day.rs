//! Per-day figures of each product of one shop, for the dashboard's top products.
//!
//! A purchase event is one line of an order: its product, price and quantity. A product's
//! revenue is the sum of its counted lines' `price × quantity`, converted to kopecks. The
//! products of an order therefore add up to the order's gross revenue only when the order's
//! `revenue_kopecks` is the sum of its lines, without delivery or discount. A line is counted
//! once per (order id, product id), even when the purchase is sent twice or on two days, so
//! a second product of an order counted on an earlier day still counts. Lines without an
//! order id each count.

use std::collections::{BTreeMap, HashSet};

use super::event::EventType;
use super::money::{Converted, RateLookup, to_kopecks};
use super::segment_day::DetailEvent;

/// Figures of one product on one day.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProductDayCounts {
    /// Full category path of the product's last event with one on the day, `""` without one.
    pub category: String,
    pub product_views: i64,
    pub add_to_carts: i64,
    /// Purchase events, repeats included, as in the breakdown.
    pub purchases: i64,
    /// Units of the counted lines.
    pub units: i64,
    /// Distinct orders with a counted line of the product.
    pub orders: i64,
    /// `price × quantity` of the counted lines, in kopecks.
    pub revenue_kopecks: i64,
    /// Counted lines without a price, or in a currency without a rate on the day: their units
    /// and orders count, their revenue is missing from `revenue_kopecks`.
    pub lines_without_revenue: i64,
}

/// Counts the product views, adds to cart and purchases of one shop's day by product id;
/// events without a product id are left out. `lines_before` contains the (order id,
/// product id) lines sent before the day.
pub fn product_counts(
    events: &[DetailEvent],
    lines_before: &HashSet<(String, String)>,
    rates: &impl RateLookup,
) -> BTreeMap<String, ProductDayCounts> {
    let mut ordered: Vec<&DetailEvent> = events
        .iter()
        .filter(|event| event.product_id.is_some())
        .filter(|event| {
            matches!(
                event.kind,
                EventType::ProductView | EventType::AddToCart | EventType::Purchase
            )
        })
        .collect();
    ordered.sort_by_key(|event| event.time);

    let mut products: BTreeMap<String, ProductDayCounts> = BTreeMap::new();
    let mut lines: HashSet<(&str, &str)> = HashSet::new();
    for event in ordered {
        let Some(product) = event.product_id.as_deref() else {
            continue;
        };
        let counts = products.entry(product.to_string()).or_default();
        if let Some(category) = &event.category {
            counts.category.clone_from(category);
        }
        match event.kind {
            EventType::ProductView => counts.product_views += 1,
            EventType::AddToCart => counts.add_to_carts += 1,
            _ => counts.purchases += 1,
        }
        if event.kind != EventType::Purchase {
            continue;
        }

        let repeated = event.order_id.as_deref().is_some_and(|order| {
            lines_before.contains(&(order.to_string(), product.to_string()))
                || !lines.insert((order, product))
        });
        if repeated {
            continue;
        }
        counts.orders += 1;
        counts.units += i64::from(event.quantity);
        let converted = event
            .price_minor
            .and_then(|price| price.checked_mul(i64::from(event.quantity)))
            .map(|amount| to_kopecks(amount, event.currency, event.time, rates));
        match converted {
            Some(Converted::Kopecks(kopecks)) => {
                counts.revenue_kopecks = counts.revenue_kopecks.saturating_add(kopecks);
            }
            _ => counts.lines_without_revenue += 1,
        }
    }
    products
}

#[cfg(test)]
#[path = "product_day_tests.rs"]
mod tests;
