//! Revenue from purchase and refund events, and conversion rates.
//!
//! A purchase counts once per (shop, order id), however many times and days apart it is
//! sent. Refunds reduce net revenue and leave gross revenue alone. An amount in a currency
//! without a rate is kept apart and flagged, never added raw; its order still counts as an
//! order, like an order sent without an amount.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::Hash;

use super::event::{Event, EventType};
use super::money::{Converted, Currency, RateLookup, to_kopecks};

/// Revenue of one shop over a range, in kopecks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Revenue {
    /// Sum of distinct orders' amounts.
    pub gross_kopecks: i64,
    /// Sum of refunded amounts.
    pub refunds_kopecks: i64,
    /// Number of distinct orders, including those in `orders_without_revenue`.
    pub orders: u64,
    /// Orders of `orders` whose amount is not in `gross_kopecks`, because the purchase
    /// carried no amount or no rate was in force for its currency.
    pub orders_without_revenue: u64,
    /// Purchase events that repeated an order already counted.
    pub duplicate_purchases: u64,
    /// Purchase or refund events that carried no amount.
    pub without_amount: u64,
    /// Amounts left out because no rate was in force, in minor units per currency, signed
    /// (refunds negative).
    pub unconverted_minor: BTreeMap<Currency, i64>,
}

impl Revenue {
    /// Gross revenue less refunds; negative when refunds of earlier orders exceed sales.
    pub fn net_kopecks(&self) -> i64 {
        self.gross_kopecks.saturating_sub(self.refunds_kopecks)
    }

    /// Returns the number of orders whose amount is in `gross_kopecks`, the divisor of the
    /// average order.
    pub fn orders_with_revenue(&self) -> u64 {
        self.orders.saturating_sub(self.orders_without_revenue)
    }

    /// Returns whether some amount was left out for lack of a rate, so the totals are incomplete.
    pub fn is_incomplete(&self) -> bool {
        !self.unconverted_minor.is_empty()
    }
}

/// Adds up the revenue of several shops, each deduplicated on its own.
pub fn merge_revenue<'a>(parts: impl IntoIterator<Item = &'a Revenue>) -> Revenue {
    let mut total = Revenue::default();
    for part in parts {
        total.gross_kopecks = total.gross_kopecks.saturating_add(part.gross_kopecks);
        total.refunds_kopecks = total.refunds_kopecks.saturating_add(part.refunds_kopecks);
        total.orders += part.orders;
        total.orders_without_revenue += part.orders_without_revenue;
        total.duplicate_purchases += part.duplicate_purchases;
        total.without_amount += part.without_amount;
        for (currency, amount) in &part.unconverted_minor {
            let kept = total.unconverted_minor.entry(*currency).or_default();
            *kept = kept.saturating_add(*amount);
        }
    }
    total
}

/// Outcome of [`OrderLedger::record`] for one event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    /// Added to gross revenue (purchase) or refunds (refund), in kopecks.
    Counted(i64),
    /// A purchase of an order counted before.
    Duplicate,
    /// Kept apart because no rate was in force for its currency. A purchase still counts as
    /// an order.
    NoRate,
    /// A purchase or refund without an amount. A purchase still counts as an order.
    NoAmount,
    /// Neither a purchase nor a refund.
    NotMoney,
}

/// Builds the event that [`OrderLedger::record`] reads from the order fields of a stored
/// event. The ledger uses only the kind, time, order and amounts.
pub fn ledger_event(
    kind: EventType,
    time: chrono::DateTime<chrono::Utc>,
    order_id: Option<String>,
    price_minor: Option<i64>,
    quantity: u32,
    currency: Currency,
    revenue_minor: Option<i64>,
) -> Event {
    Event {
        id: String::new(),
        kind,
        time,
        visitor: String::new(),
        session: None,
        url: None,
        referrer: None,
        user_agent: None,
        ip: None,
        product_id: None,
        category: None,
        price_minor,
        quantity,
        currency,
        order_id,
        revenue_minor,
        customer_id: None,
    }
}

/// Accumulates the revenue of one shop, deduplicating purchases by order id.
///
/// Feed events in time order, so the first delivery of an order is the one counted, with
/// its amount, whether or not that amount could be converted. Purchases without an order id
/// cannot be deduplicated and each counts.
#[derive(Debug, Clone, Default)]
pub struct OrderLedger {
    counted_orders: HashSet<String>,
    revenue: Revenue,
}

impl OrderLedger {
    /// Starts a ledger that treats `orders` as already counted, such as orders the store
    /// saw in earlier batches or before the range.
    pub fn with_counted_orders(orders: impl IntoIterator<Item = String>) -> Self {
        Self {
            counted_orders: orders.into_iter().collect(),
            revenue: Revenue::default(),
        }
    }

    /// Adds a purchase or refund, converting its amount to kopecks at the Bank of Russia
    /// rate of its Moscow date.
    pub fn record(&mut self, event: &Event, rates: &impl RateLookup) -> Recorded {
        let refund = match event.kind {
            EventType::Purchase => false,
            EventType::Refund => true,
            _ => return Recorded::NotMoney,
        };
        if !refund && self.is_counted(event.order_id.as_deref()) {
            self.revenue.duplicate_purchases += 1;
            return Recorded::Duplicate;
        }
        let Some(amount) = event.order_amount_minor() else {
            self.revenue.without_amount += 1;
            if !refund {
                self.count_order(event, false);
            }
            return Recorded::NoAmount;
        };

        let kopecks = match to_kopecks(amount, event.currency, event.time, rates) {
            Converted::Kopecks(kopecks) => kopecks,
            Converted::NoRate | Converted::Overflow => {
                let signed = if refund { -amount } else { amount };
                let kept = self
                    .revenue
                    .unconverted_minor
                    .entry(event.currency)
                    .or_default();
                *kept = kept.saturating_add(signed);
                if !refund {
                    self.count_order(event, false);
                }
                return Recorded::NoRate;
            }
        };
        if refund {
            self.revenue.refunds_kopecks = self.revenue.refunds_kopecks.saturating_add(kopecks);
        } else {
            self.revenue.gross_kopecks = self.revenue.gross_kopecks.saturating_add(kopecks);
            self.count_order(event, true);
        }
        Recorded::Counted(kopecks)
    }

    /// Counts the purchase's order and marks it counted, so later deliveries are repeats.
    fn count_order(&mut self, purchase: &Event, with_revenue: bool) {
        self.revenue.orders += 1;
        if !with_revenue {
            self.revenue.orders_without_revenue += 1;
        }
        if let Some(order_id) = &purchase.order_id {
            self.counted_orders.insert(order_id.clone());
        }
    }

    fn is_counted(&self, order_id: Option<&str>) -> bool {
        order_id.is_some_and(|id| self.counted_orders.contains(id))
    }

    /// Returns the totals so far.
    pub fn revenue(&self) -> &Revenue {
        &self.revenue
    }
}

/// Unit that a conversion rate counts: visitors or visits (sessions). Reports label the
/// figure with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConversionBasis {
    Visitors,
    Sessions,
}

/// Conversion rate: `converted` of `total` visitors (or sessions) made at least one purchase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConversionRate {
    pub basis: ConversionBasis,
    pub converted: u64,
    pub total: u64,
}

impl ConversionRate {
    /// Returns the rate as a fraction from 0 to 1, or `None` when `total` is 0.
    pub fn ratio(&self) -> Option<f64> {
        (self.total > 0).then(|| self.converted as f64 / self.total as f64)
    }

    /// Returns the rate in hundredths of a percent, rounded half up (348 is 3.48 %), for
    /// display and exact comparisons. `None` when `total` is 0.
    pub fn percent_hundredths(&self) -> Option<u64> {
        if self.total == 0 {
            return None;
        }
        let scaled = u128::from(self.converted) * 10_000;
        let total = u128::from(self.total);
        u64::try_from((scaled * 2 + total) / (total * 2)).ok()
    }
}

/// Counts distinct visitors (or sessions) and those with at least one purchase.
#[derive(Debug, Clone)]
pub struct ConversionCounter<K> {
    basis: ConversionBasis,
    purchased: HashMap<K, bool>,
}

impl<K: Eq + Hash> ConversionCounter<K> {
    /// Starts an empty counter for `basis`.
    pub fn new(basis: ConversionBasis) -> Self {
        Self {
            basis,
            purchased: HashMap::new(),
        }
    }

    /// Records one event of visitor (or session) `key`.
    pub fn add(&mut self, key: K, kind: EventType) {
        let purchased = self.purchased.entry(key).or_insert(false);
        *purchased |= kind == EventType::Purchase;
    }

    /// Returns the conversion rate of everything added.
    pub fn rate(&self) -> ConversionRate {
        ConversionRate {
            basis: self.basis,
            converted: self.purchased.values().filter(|bought| **bought).count() as u64,
            total: self.purchased.len() as u64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::money::{Rate, RateTable};
    use chrono::{DateTime, NaiveDate, TimeZone, Utc};

    fn event(kind: EventType, order: Option<&str>, revenue: i64, currency: &str) -> Event {
        Event {
            id: "e".into(),
            kind,
            time: Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0).unwrap(),
            visitor: "v".into(),
            session: None,
            url: None,
            referrer: None,
            user_agent: None,
            ip: None,
            product_id: None,
            category: None,
            price_minor: None,
            quantity: 1,
            currency: Currency::parse(currency).unwrap(),
            order_id: order.map(str::to_string),
            revenue_minor: Some(revenue),
            customer_id: None,
        }
    }

    fn later(mut event: Event, days: i64) -> Event {
        event.time += chrono::Duration::days(days);
        event
    }

    fn rates() -> RateTable {
        let mut table = RateTable::default();
        let usd = Currency::parse("USD").unwrap();
        let rate = Rate {
            nominal: 1,
            value_ten_thousandths: 90_0000,
        };
        table.insert(usd, NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(), rate);
        table
    }

    #[test]
    fn order_ledger_counts_order_once_days_apart() {
        let mut ledger = OrderLedger::default();
        let purchase = event(EventType::Purchase, Some("A-1001"), 1999000, "RUB");
        ledger.record(&purchase, &rates());
        let repeat = ledger.record(&later(purchase, 3), &rates());
        assert_eq!(repeat, Recorded::Duplicate);
        assert_eq!(ledger.revenue().gross_kopecks, 1999000);
        assert_eq!(ledger.revenue().orders, 1);
    }

    #[test]
    fn order_ledger_refund_reduces_net_only() {
        let mut ledger = OrderLedger::default();
        ledger.record(
            &event(EventType::Purchase, Some("A"), 10000, "RUB"),
            &rates(),
        );
        ledger.record(&event(EventType::Refund, Some("A"), 2500, "RUB"), &rates());
        assert_eq!(ledger.revenue().gross_kopecks, 10000);
        assert_eq!(ledger.revenue().net_kopecks(), 7500);
    }

    #[test]
    fn order_ledger_converts_foreign_currency() {
        let mut ledger = OrderLedger::default();
        let recorded = ledger.record(
            &event(EventType::Purchase, Some("B"), 1000, "USD"),
            &rates(),
        );
        assert_eq!(recorded, Recorded::Counted(90000));
    }

    #[test]
    fn order_ledger_flags_missing_rate() {
        let mut ledger = OrderLedger::default();
        let recorded = ledger.record(&event(EventType::Purchase, Some("C"), 500, "EUR"), &rates());
        let eur = Currency::parse("EUR").unwrap();
        assert_eq!(recorded, Recorded::NoRate);
        assert_eq!(ledger.revenue().gross_kopecks, 0);
        assert_eq!(ledger.revenue().unconverted_minor.get(&eur), Some(&500));
        assert!(ledger.revenue().is_incomplete());
    }

    #[test]
    fn order_ledger_unrated_order_counts() {
        let mut ledger = OrderLedger::default();
        ledger.record(&event(EventType::Purchase, Some("C"), 500, "EUR"), &rates());
        assert_eq!(ledger.revenue().orders, 1);
        assert_eq!(ledger.revenue().orders_without_revenue, 1);
        assert_eq!(ledger.revenue().orders_with_revenue(), 0);
    }

    #[test]
    fn order_ledger_order_without_amount_counts() {
        let mut ledger = OrderLedger::default();
        let mut purchase = event(EventType::Purchase, Some("E"), 0, "RUB");
        purchase.revenue_minor = None;
        let recorded = ledger.record(&purchase, &rates());
        assert_eq!(recorded, Recorded::NoAmount);
        assert_eq!(ledger.revenue().orders, 1);
        assert_eq!(ledger.revenue().orders_without_revenue, 1);
        assert_eq!(ledger.revenue().without_amount, 1);
    }

    #[test]
    fn order_ledger_unrated_first_delivery_wins() {
        // The first delivery counts even without a rate; a later rated one is a repeat.
        let mut ledger = OrderLedger::default();
        let mut purchase = event(EventType::Purchase, Some("D"), 500, "USD");
        purchase.time = DateTime::<Utc>::MIN_UTC;
        ledger.record(&purchase, &rates());
        let recorded = ledger.record(&event(EventType::Purchase, Some("D"), 500, "USD"), &rates());
        assert_eq!(recorded, Recorded::Duplicate);
        assert_eq!(ledger.revenue().orders, 1);
        assert_eq!(ledger.revenue().gross_kopecks, 0);
    }

    #[test]
    fn order_ledger_known_orders_are_duplicates() {
        let mut ledger = OrderLedger::with_counted_orders(["A".to_string()]);
        let recorded = ledger.record(&event(EventType::Purchase, Some("A"), 1, "RUB"), &rates());
        assert_eq!(recorded, Recorded::Duplicate);
    }

    #[test]
    fn order_ledger_ignores_views() {
        let mut ledger = OrderLedger::default();
        let recorded = ledger.record(&event(EventType::PageView, None, 1, "RUB"), &rates());
        assert_eq!(recorded, Recorded::NotMoney);
    }

    #[test]
    fn conversion_counter_counts_distinct_keys() {
        let mut counter = ConversionCounter::new(ConversionBasis::Visitors);
        counter.add("a", EventType::PageView);
        counter.add("a", EventType::Purchase);
        counter.add("b", EventType::PageView);
        counter.add("b", EventType::PageView);
        let rate = counter.rate();
        assert_eq!(rate.converted, 1);
        assert_eq!(rate.total, 2);
        assert_eq!(rate.percent_hundredths(), Some(5000));
    }

    #[test]
    fn conversion_rate_rounds_half_up() {
        let rate = ConversionRate {
            basis: ConversionBasis::Sessions,
            converted: 111,
            total: 3188,
        };
        assert_eq!(rate.percent_hundredths(), Some(348));
    }

    #[test]
    fn conversion_rate_empty_is_none() {
        let rate = ConversionRate {
            basis: ConversionBasis::Sessions,
            converted: 0,
            total: 0,
        };
        assert_eq!(rate.ratio(), None);
    }
}
