//! Visitor segments by product category: "which users look at which categories".
//!
//! Each product view lands in one cell per segment of its visitor: new or returning, device,
//! traffic source, registered or guest, buyer or not. It also lands in one cell for the price
//! tier of the viewed product. Every cell is crossed with the product's top-level category.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use strum::{AsRefStr, Display};

use super::source::{DeviceClass, TrafficSource};

/// Label of events without a category.
pub const NO_CATEGORY: &str = "(none)";

/// Returns the first level of a dotted category path: `electronics` for `electronics.smartphone`,
/// [`NO_CATEGORY`] for a missing or blank one.
pub fn top_level_category(category: Option<&str>) -> &str {
    let Some(path) = category.map(str::trim).filter(|path| !path.is_empty()) else {
        return NO_CATEGORY;
    };
    path.split('.').next().unwrap_or(NO_CATEGORY)
}

/// Returns every ancestor path of a category, shortest first: `a`, `a.b`, `a.b.c` for `a.b.c`.
pub fn category_ancestors(category: &str) -> impl Iterator<Item = &str> {
    category
        .match_indices('.')
        .map(|(end, _)| &category[..end])
        .chain(std::iter::once(category))
        .filter(|path| !path.is_empty())
}

/// Whether a visit is the visitor's first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Display, AsRefStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Recency {
    New,
    Returning,
}

impl Recency {
    /// Classifies a visit as new when it is the first visit of its visitor that the store
    /// has recorded.
    pub fn of_visit(first_visit_start: DateTime<Utc>, visit_start: DateTime<Utc>) -> Recency {
        if visit_start <= first_visit_start {
            Recency::New
        } else {
            Recency::Returning
        }
    }
}

/// Price tier of a product within its top-level category.
///
/// Tiers are tertiles of the prices viewed in the category over the report range: the
/// cheapest third is `low`, the dearest third `high`. Categories with fewer than
/// [`TIER_MIN_PRICES`] priced views use the tertiles of the whole shop. A missing or zero
/// price has tier `unknown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Display, AsRefStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum PriceTier {
    Low,
    Middle,
    High,
    Unknown,
}

/// Minimum priced views of a category for tiers of its own.
pub const TIER_MIN_PRICES: usize = 30;

/// Tertile cut points per top-level category, built from the viewed prices.
#[derive(Debug, Clone, Default)]
pub struct PriceTiers {
    by_category: HashMap<String, (i64, i64)>,
    shop: Option<(i64, i64)>,
}

impl PriceTiers {
    /// Builds tiers from (top-level category, price in kopecks) of every product view.
    /// Prices of zero or less are skipped.
    pub fn from_views<'a>(views: impl IntoIterator<Item = (&'a str, i64)>) -> Self {
        let mut prices: HashMap<&str, Vec<i64>> = HashMap::new();
        let mut all = Vec::new();
        for (category, price) in views.into_iter().filter(|(_, price)| *price > 0) {
            prices.entry(category).or_default().push(price);
            all.push(price);
        }
        let by_category = prices
            .into_iter()
            .filter(|(_, list)| list.len() >= TIER_MIN_PRICES)
            .filter_map(|(category, mut list)| Some((category.to_string(), tertiles(&mut list)?)))
            .collect();
        Self {
            by_category,
            shop: tertiles(&mut all),
        }
    }

    /// Returns the tier of a product of `category` (top level) at `price` kopecks.
    pub fn tier(&self, category: &str, price: Option<i64>) -> PriceTier {
        let Some(price) = price.filter(|price| *price > 0) else {
            return PriceTier::Unknown;
        };
        let Some((low_max, middle_max)) = self.by_category.get(category).or(self.shop.as_ref())
        else {
            return PriceTier::Unknown;
        };
        if price <= *low_max {
            PriceTier::Low
        } else if price <= *middle_max {
            PriceTier::Middle
        } else {
            PriceTier::High
        }
    }
}

/// Sorts the prices and returns those at ranks ⌈n/3⌉ and ⌈2n/3⌉ (nearest-rank method).
/// `None` for fewer than 3 prices.
fn tertiles(prices: &mut [i64]) -> Option<(i64, i64)> {
    let count = prices.len();
    if count < 3 {
        return None;
    }
    prices.sort_unstable();
    let low_max = prices[count.div_ceil(3) - 1];
    let middle_max = prices[(2 * count).div_ceil(3) - 1];
    Some((low_max, middle_max))
}

/// One segment of one dimension, such as `device: mobile`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Segment {
    Recency(Recency),
    Device(DeviceClass),
    Source(TrafficSource),
    /// Whether the visitor was signed in to a customer account.
    Registered(bool),
    /// Whether the visitor made a purchase in the report range.
    Buyer(bool),
    PriceTier(PriceTier),
}

impl Segment {
    /// Returns the dimension and value as `dimension:value`, such as `device:mobile`, for storage
    /// and for locale keys.
    pub fn label(&self) -> String {
        match self {
            Segment::Recency(value) => format!("recency:{value}"),
            Segment::Device(value) => format!("device:{value}"),
            Segment::Source(value) => format!("source:{value}"),
            Segment::Registered(true) => "account:registered".to_string(),
            Segment::Registered(false) => "account:guest".to_string(),
            Segment::Buyer(true) => "buyer:buyer".to_string(),
            Segment::Buyer(false) => "buyer:non_buyer".to_string(),
            Segment::PriceTier(value) => format!("price_tier:{value}"),
        }
    }
}

/// A visitor's segments in one visit; the price tier is added per viewed product.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VisitorSegments {
    pub recency: Recency,
    pub device: DeviceClass,
    pub source: TrafficSource,
    pub registered: bool,
    pub buyer: bool,
}

impl VisitorSegments {
    fn with_tier(&self, tier: PriceTier) -> [Segment; 6] {
        [
            Segment::Recency(self.recency),
            Segment::Device(self.device),
            Segment::Source(self.source),
            Segment::Registered(self.registered),
            Segment::Buyer(self.buyer),
            Segment::PriceTier(tier),
        ]
    }
}

#[derive(Debug, Clone, Default)]
struct CellState {
    views: u64,
    visitors: HashSet<u64>,
    buyers: HashSet<u64>,
}

/// One cell of the segment × category matrix.
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentCell {
    pub segment: Segment,
    /// Top-level category.
    pub category: String,
    pub views: u64,
    /// The cell's views as a fraction of all views of the segment.
    pub share: f64,
    /// Distinct visitors who viewed the category.
    pub visitors: u64,
    /// Those of `visitors` who bought in the category.
    pub buyers: u64,
    /// `buyers` / `visitors`.
    pub conversion: f64,
}

/// Accumulates product views and purchases into the segment × category matrix.
#[derive(Debug, Clone, Default)]
pub struct SegmentMatrix {
    cells: HashMap<Segment, HashMap<String, CellState>>,
    segment_views: HashMap<Segment, u64>,
}

impl SegmentMatrix {
    /// Adds one product view by `visitor` (a [`super::sketch::hash_id`] of the visitor id).
    pub fn add_view(
        &mut self,
        visitor_segments: &VisitorSegments,
        tier: PriceTier,
        category: &str,
        visitor: u64,
    ) {
        for segment in visitor_segments.with_tier(tier) {
            self.update(segment, category, |cell| {
                cell.views += 1;
                cell.visitors.insert(visitor);
            });
            *self.segment_views.entry(segment).or_default() += 1;
        }
    }

    /// Adds a purchase of a product of `category` by `visitor`.
    pub fn add_purchase(
        &mut self,
        visitor_segments: &VisitorSegments,
        tier: PriceTier,
        category: &str,
        visitor: u64,
    ) {
        for segment in visitor_segments.with_tier(tier) {
            self.update(segment, category, |cell| {
                cell.buyers.insert(visitor);
            });
        }
    }

    /// Applies `change` to a cell, allocating the category key only for a new cell.
    fn update(&mut self, segment: Segment, category: &str, change: impl FnOnce(&mut CellState)) {
        let by_category = self.cells.entry(segment).or_default();
        match by_category.get_mut(category) {
            Some(cell) => change(cell),
            None => {
                let mut cell = CellState::default();
                change(&mut cell);
                by_category.insert(category.to_string(), cell);
            }
        }
    }

    /// Returns every cell with at least one view, sorted by segment label, then by views descending.
    pub fn cells(&self) -> Vec<SegmentCell> {
        let mut cells: Vec<SegmentCell> = self
            .cells
            .iter()
            .flat_map(|(segment, by_category)| {
                by_category
                    .iter()
                    .map(move |(category, state)| (segment, category, state))
            })
            .filter(|(_, _, state)| state.views > 0)
            .map(|(segment, category, state)| {
                let segment_views = self.segment_views.get(segment).copied().unwrap_or(0);
                let visitors = state.visitors.len() as u64;
                let buyers = state.buyers.intersection(&state.visitors).count() as u64;
                SegmentCell {
                    segment: *segment,
                    category: category.clone(),
                    views: state.views,
                    share: ratio(state.views, segment_views),
                    visitors,
                    buyers,
                    conversion: ratio(buyers, visitors),
                }
            })
            .collect();
        cells.sort_by(|a, b| {
            (a.segment.label(), std::cmp::Reverse(a.views), &a.category).cmp(&(
                b.segment.label(),
                std::cmp::Reverse(b.views),
                &b.category,
            ))
        });
        cells
    }
}

fn ratio(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    part as f64 / whole as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn visitor(device: DeviceClass, buyer: bool) -> VisitorSegments {
        VisitorSegments {
            recency: Recency::New,
            device,
            source: TrafficSource::Search,
            registered: false,
            buyer,
        }
    }

    fn cell<'a>(cells: &'a [SegmentCell], segment: Segment, category: &str) -> &'a SegmentCell {
        cells
            .iter()
            .find(|cell| cell.segment == segment && cell.category == category)
            .unwrap()
    }

    #[test]
    fn top_level_category_takes_first_level() {
        assert_eq!(
            top_level_category(Some("electronics.smartphone")),
            "electronics"
        );
    }

    #[test]
    fn top_level_category_empty_is_none_label() {
        assert_eq!(top_level_category(Some("")), "(none)");
        assert_eq!(top_level_category(None), "(none)");
    }

    #[test]
    fn category_ancestors_lists_prefixes() {
        let paths: Vec<&str> = category_ancestors("appliances.kitchen.kettle").collect();
        assert_eq!(
            paths,
            [
                "appliances",
                "appliances.kitchen",
                "appliances.kitchen.kettle"
            ]
        );
    }

    #[test]
    fn recency_first_visit_is_new() {
        let first = Utc.with_ymd_and_hms(2026, 3, 1, 10, 0, 0).unwrap();
        assert_eq!(Recency::of_visit(first, first), Recency::New);
        let later = first + chrono::Duration::days(2);
        assert_eq!(Recency::of_visit(first, later), Recency::Returning);
    }

    #[test]
    fn price_tiers_split_category_in_thirds() {
        let views: Vec<(&str, i64)> = (1..=30).map(|price| ("phones", price * 100)).collect();
        let tiers = PriceTiers::from_views(views);
        assert_eq!(tiers.tier("phones", Some(1000)), PriceTier::Low);
        assert_eq!(tiers.tier("phones", Some(1100)), PriceTier::Middle);
        assert_eq!(tiers.tier("phones", Some(2100)), PriceTier::High);
    }

    #[test]
    fn price_tiers_small_category_uses_shop() {
        let mut views: Vec<(&str, i64)> = (1..=30).map(|price| ("phones", price * 100)).collect();
        views.push(("socks", 50));
        let tiers = PriceTiers::from_views(views);
        assert_eq!(tiers.tier("socks", Some(2900)), PriceTier::High);
    }

    #[test]
    fn price_tiers_zero_price_is_unknown() {
        let tiers = PriceTiers::from_views([("a", 1), ("a", 2), ("a", 3)]);
        assert_eq!(tiers.tier("a", Some(0)), PriceTier::Unknown);
        assert_eq!(tiers.tier("a", None), PriceTier::Unknown);
    }

    #[test]
    fn segment_matrix_share_and_conversion() {
        let mut matrix = SegmentMatrix::default();
        let mobile = visitor(DeviceClass::Mobile, true);
        matrix.add_view(&mobile, PriceTier::Low, "electronics", 1);
        matrix.add_view(&mobile, PriceTier::Low, "electronics", 2);
        matrix.add_view(&mobile, PriceTier::Low, "furniture", 1);
        matrix.add_purchase(&mobile, PriceTier::Low, "electronics", 1);

        let cells = matrix.cells();
        let electronics = cell(&cells, Segment::Device(DeviceClass::Mobile), "electronics");
        assert_eq!(electronics.views, 2);
        assert!((electronics.share - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(electronics.visitors, 2);
        assert_eq!(electronics.buyers, 1);
        assert!((electronics.conversion - 0.5).abs() < 1e-9);
    }

    #[test]
    fn segment_matrix_purchase_without_view_has_no_cell() {
        let mut matrix = SegmentMatrix::default();
        let desktop = visitor(DeviceClass::Desktop, true);
        matrix.add_purchase(&desktop, PriceTier::High, "furniture", 9);
        assert!(matrix.cells().is_empty());
    }

    #[test]
    fn segment_label_names_dimension() {
        assert_eq!(
            Segment::Device(DeviceClass::Tablet).label(),
            "device:tablet"
        );
        assert_eq!(Segment::Buyer(false).label(), "buyer:non_buyer");
    }
}
