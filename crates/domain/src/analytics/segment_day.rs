//! Per-day figures of one shop: product views, adds to cart and purchases by visitor segment
//! and top-level category (the heatmap's cells and their products), and event counts with
//! deduplicated orders by full category path (the category breakdown and market trends).
//!
//! The store computes them once per shop-local day, so a report over a month adds up rows
//! instead of reading events. That fixes some segments per day:
//! - recency: a visitor is new on the first day the shop has events of them, returning after;
//! - registered: the visitor sent a customer id with some event of the day;
//! - buyer: the visitor sent a purchase on the day (a repeat of a counted order included);
//! - price tier: tertiles of the day's priced product views in the category, or in the whole
//!   shop when the category has fewer than [`super::segment::TIER_MIN_PRICES`] of them
//!   (prices compared in their own minor units, not converted);
//! - device and traffic source: those of each event.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};

use super::event::{Event, EventType};
use super::money::{Currency, RateLookup};
use super::orders::{self, OrderLedger, Recorded};
use super::rollup::KindCounts;
use super::segment::{PriceTier, PriceTiers, top_level_category};

/// One stored event with the fields of these figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetailEvent {
    pub kind: EventType,
    pub time: DateTime<Utc>,
    pub visitor: String,
    pub category: Option<String>,
    pub product_id: Option<String>,
    pub price_minor: Option<i64>,
    pub quantity: u32,
    pub currency: Currency,
    pub order_id: Option<String>,
    pub revenue_minor: Option<i64>,
    /// [`super::source::TrafficSource`] name.
    pub source: String,
    /// [`super::source::DeviceClass`] name.
    pub device: String,
    pub bot: bool,
    /// Whether the event carried a customer id.
    pub registered: bool,
}

/// A way of splitting visitors into segments: a row group of the heatmap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dimension {
    Recency,
    Device,
    Source,
    Account,
    Buyer,
    PriceTier,
}

impl Dimension {
    /// Every dimension, in the order the heatmap lists them.
    pub const ALL: [Dimension; 6] = [
        Dimension::Recency,
        Dimension::Device,
        Dimension::Source,
        Dimension::Account,
        Dimension::Buyer,
        Dimension::PriceTier,
    ];

    /// Returns the name used in URLs, storage and locale keys.
    pub fn name(self) -> &'static str {
        match self {
            Dimension::Recency => "recency",
            Dimension::Device => "device",
            Dimension::Source => "source",
            Dimension::Account => "account",
            Dimension::Buyer => "buyer",
            Dimension::PriceTier => "price_tier",
        }
    }

    /// Returns the dimension named `name`, or `None` for an unknown name.
    pub fn parse(name: &str) -> Option<Dimension> {
        Dimension::ALL
            .into_iter()
            .find(|dimension| dimension.name() == name)
    }

    /// Returns the names of the dimension's segments.
    pub fn segments(self) -> &'static [&'static str] {
        match self {
            Dimension::Recency => &["new", "returning"],
            Dimension::Device => &["desktop", "mobile", "tablet", "bot"],
            Dimension::Source => &["search", "social", "direct", "referral", "paid", "email"],
            Dimension::Account => &["registered", "guest"],
            Dimension::Buyer => &["buyer", "non_buyer"],
            Dimension::PriceTier => &["low", "middle", "high", "unknown"],
        }
    }
}

fn tier_name(tier: PriceTier) -> &'static str {
    match tier {
        PriceTier::Low => "low",
        PriceTier::Middle => "middle",
        PriceTier::High => "high",
        PriceTier::Unknown => "unknown",
    }
}

/// Counts of one heatmap cell on one day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CellCounts {
    pub product_views: i64,
    pub add_to_carts: i64,
    pub purchases: i64,
    /// Distinct visitors with a product view in the cell.
    pub visitors: i64,
    /// Those of `visitors` who bought a product of the cell's category on the day.
    pub buyers: i64,
}

/// Product views, adds to cart and purchases of one product.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProductCounts {
    pub product_views: i64,
    pub add_to_carts: i64,
    pub purchases: i64,
}

/// A cell: dimension, segment name and top-level category.
pub type CellKey = (Dimension, String, String);

/// The events of one shop's day with each visitor's day segments.
pub struct SegmentDay<'a> {
    events: &'a [DetailEvent],
    new_visitors: &'a HashSet<String>,
    registered: HashSet<&'a str>,
    buyers: HashSet<&'a str>,
    /// (visitor, top-level category) of every purchase.
    bought: HashSet<(&'a str, &'a str)>,
    tiers: PriceTiers,
}

impl<'a> SegmentDay<'a> {
    /// Classifies the visitors of `events`, all of one shop and day. `new_visitors` are the
    /// visitors whose first day is this one.
    pub fn new(events: &'a [DetailEvent], new_visitors: &'a HashSet<String>) -> Self {
        let mut registered = HashSet::new();
        let mut buyers = HashSet::new();
        let mut bought = HashSet::new();
        for event in events {
            if event.registered {
                registered.insert(event.visitor.as_str());
            }
            if event.kind == EventType::Purchase {
                buyers.insert(event.visitor.as_str());
                bought.insert((event.visitor.as_str(), category_of(event)));
            }
        }
        let tiers = PriceTiers::from_views(
            events
                .iter()
                .filter(|event| event.kind == EventType::ProductView)
                .filter_map(|event| Some((category_of(event), event.price_minor?))),
        );
        Self {
            events,
            new_visitors,
            registered,
            buyers,
            bought,
            tiers,
        }
    }

    /// Returns the segment of `event` in `dimension`.
    fn segment(&self, event: &'a DetailEvent, dimension: Dimension) -> &'a str {
        let visitor = event.visitor.as_str();
        match dimension {
            Dimension::Recency if self.new_visitors.contains(visitor) => "new",
            Dimension::Recency => "returning",
            Dimension::Device => event.device.as_str(),
            Dimension::Source => event.source.as_str(),
            Dimension::Account if self.registered.contains(visitor) => "registered",
            Dimension::Account => "guest",
            Dimension::Buyer if self.buyers.contains(visitor) => "buyer",
            Dimension::Buyer => "non_buyer",
            Dimension::PriceTier => {
                tier_name(self.tiers.tier(category_of(event), event.price_minor))
            }
        }
    }

    /// Product views, adds to cart and purchases: the events the cells count.
    fn counted(&self) -> impl Iterator<Item = &'a DetailEvent> + use<'a> {
        let events: &'a [DetailEvent] = self.events;
        events.iter().filter(|event| {
            matches!(
                event.kind,
                EventType::ProductView | EventType::AddToCart | EventType::Purchase
            )
        })
    }

    /// Returns the counts of every cell with an event.
    pub fn cells(&self) -> BTreeMap<CellKey, CellCounts> {
        let mut cells: HashMap<(Dimension, &str, &str), (CellCounts, HashSet<&str>)> =
            HashMap::new();
        for event in self.counted() {
            let category = category_of(event);
            for dimension in Dimension::ALL {
                let key = (dimension, self.segment(event, dimension), category);
                let (counts, visitors) = cells.entry(key).or_default();
                match event.kind {
                    EventType::ProductView => {
                        counts.product_views += 1;
                        visitors.insert(event.visitor.as_str());
                    }
                    EventType::AddToCart => counts.add_to_carts += 1,
                    _ => counts.purchases += 1,
                }
            }
        }

        cells
            .into_iter()
            .map(|((dimension, segment, category), (mut counts, visitors))| {
                counts.visitors = visitors.len() as i64;
                counts.buyers = visitors
                    .iter()
                    .filter(|visitor| self.bought.contains(&(*visitor, category)))
                    .count() as i64;
                (
                    (dimension, segment.to_string(), category.to_string()),
                    counts,
                )
            })
            .collect()
    }

    /// Adds the counts per product of one cell to `products`, keyed by product id (`""` for
    /// events without one). Their sums are the cell's counts.
    pub fn add_products(
        &self,
        dimension: Dimension,
        segment: &str,
        category: &str,
        products: &mut HashMap<String, ProductCounts>,
    ) {
        let in_cell = self.counted().filter(|event| {
            category_of(event) == category && self.segment(event, dimension) == segment
        });
        for event in in_cell {
            let product = event.product_id.clone().unwrap_or_default();
            let counts = products.entry(product).or_default();
            match event.kind {
                EventType::ProductView => counts.product_views += 1,
                EventType::AddToCart => counts.add_to_carts += 1,
                _ => counts.purchases += 1,
            }
        }
    }
}

fn category_of(event: &DetailEvent) -> &str {
    top_level_category(event.category.as_deref())
}

/// Event counts, orders and gross revenue of one full category path on one day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CategoryCounts {
    pub events: KindCounts,
    /// Orders first counted on the day, under the category of their first purchase event.
    pub orders: i64,
    /// Gross revenue of those orders in kopecks.
    pub gross_kopecks: i64,
}

/// Counts the events of one shop's day by full category path (`""` without one). Orders are
/// deduplicated as in the summary: `counted_before` contains the order ids counted on earlier
/// days, and an order is counted once, with its first purchase event's amount.
pub fn category_counts(
    events: &[DetailEvent],
    counted_before: impl IntoIterator<Item = String>,
    rates: &impl RateLookup,
) -> BTreeMap<String, CategoryCounts> {
    let mut by_category: BTreeMap<String, CategoryCounts> = BTreeMap::new();
    for event in events {
        let path = event.category.clone().unwrap_or_default();
        by_category.entry(path).or_default().events.add(event.kind);
    }

    let mut purchases: Vec<&DetailEvent> = events
        .iter()
        .filter(|event| event.kind == EventType::Purchase)
        .collect();
    purchases.sort_by_key(|event| event.time);
    let mut ledger = OrderLedger::with_counted_orders(counted_before);
    for event in purchases {
        if let Recorded::Counted(kopecks) = ledger.record(&ledger_event(event), rates) {
            let path = event.category.clone().unwrap_or_default();
            let counts = by_category.entry(path).or_default();
            counts.orders += 1;
            counts.gross_kopecks = counts.gross_kopecks.saturating_add(kopecks);
        }
    }
    by_category
}

/// Builds the event the order ledger reads from `event`.
fn ledger_event(event: &DetailEvent) -> Event {
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

#[cfg(test)]
#[path = "segment_day_tests.rs"]
mod tests;
