//! Daily rollups: event counts per shop-local day, category, traffic source, device class and
//! bot flag. The store keeps them beside the raw events so that reports over long ranges read
//! one row per day and combination instead of every event.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::AddAssign;

use chrono::NaiveDate;
use chrono_tz::Tz;

use super::context::EventContext;
use super::event::{Event, EventType};
use super::session::local_date;

/// The combination one rollup row counts.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RollupKey {
    /// Calendar day in the shop's zone.
    pub day: NaiveDate,
    /// Full category path, or `""` for events without one.
    pub category: String,
    /// [`super::source::TrafficSource`] name.
    pub source: String,
    /// [`super::source::DeviceClass`] name.
    pub device: String,
    pub bot: bool,
}

impl RollupKey {
    /// Returns the key of `event` in a shop whose days are calendar days of `zone`.
    pub fn of(event: &Event, context: &EventContext, zone: Tz) -> RollupKey {
        RollupKey {
            day: local_date(event.time, zone),
            category: event.category.clone().unwrap_or_default(),
            source: context.source.as_ref().to_string(),
            device: context.device.as_ref().to_string(),
            bot: context.bot.is_some(),
        }
    }
}

/// Number of events of each kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KindCounts {
    pub page_view: i64,
    pub product_view: i64,
    pub add_to_cart: i64,
    pub remove_from_cart: i64,
    pub checkout: i64,
    pub purchase: i64,
    pub refund: i64,
}

impl KindCounts {
    /// Counts one event of `kind`.
    pub fn add(&mut self, kind: EventType) {
        let count = match kind {
            EventType::PageView => &mut self.page_view,
            EventType::ProductView => &mut self.product_view,
            EventType::AddToCart => &mut self.add_to_cart,
            EventType::RemoveFromCart => &mut self.remove_from_cart,
            EventType::Checkout => &mut self.checkout,
            EventType::Purchase => &mut self.purchase,
            EventType::Refund => &mut self.refund,
        };
        *count += 1;
    }

    /// Page loads: `page_view` and `product_view` events, as the summary counts them.
    pub fn page_loads(&self) -> i64 {
        self.page_view + self.product_view
    }
}

impl AddAssign for KindCounts {
    fn add_assign(&mut self, other: KindCounts) {
        self.page_view += other.page_view;
        self.product_view += other.product_view;
        self.add_to_cart += other.add_to_cart;
        self.remove_from_cart += other.remove_from_cart;
        self.checkout += other.checkout;
        self.purchase += other.purchase;
        self.refund += other.refund;
    }
}

/// Counts of one shop's events, by key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rollup {
    rows: BTreeMap<RollupKey, KindCounts>,
    /// Days whose summary changes though none of their events was added, such as a later
    /// day holding a repeat of an order whose first purchase arrived only now.
    touched: BTreeSet<NaiveDate>,
}

impl Rollup {
    /// Counts `event` in the row of its key.
    pub fn add(&mut self, event: &Event, context: &EventContext, zone: Tz) {
        self.add_keyed(RollupKey::of(event, context, zone), event.kind);
    }

    /// Counts one event of `kind` in the row of `key`.
    pub fn add_keyed(&mut self, key: RollupKey, kind: EventType) {
        self.rows.entry(key).or_default().add(kind);
    }

    /// Marks a day whose summary must be computed again.
    pub fn touch(&mut self, day: NaiveDate) {
        self.touched.insert(day);
    }

    /// Adds the counts of `other`.
    pub fn merge(&mut self, other: Rollup) {
        for (key, counts) in other.rows {
            *self.rows.entry(key).or_default() += counts;
        }
        self.touched.extend(other.touched);
    }

    /// Returns the days with counted events and the touched days, in date order.
    pub fn days(&self) -> BTreeSet<NaiveDate> {
        let mut days: BTreeSet<NaiveDate> = self.rows.keys().map(|key| key.day).collect();
        days.extend(self.touched.iter().copied());
        days
    }

    /// The rows in key order.
    pub fn rows(&self) -> impl Iterator<Item = (&RollupKey, &KindCounts)> {
        self.rows.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty() && self.touched.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::bots::BotRules;
    use crate::analytics::context::describe;
    use crate::analytics::validate::validate_event;
    use chrono::{TimeZone, Utc};
    use serde_json::{Value, json};

    fn event(value: Value) -> (Event, EventContext) {
        let received = Utc.with_ymd_and_hms(2026, 3, 10, 12, 0, 0).unwrap();
        let event = validate_event(value, received).unwrap();
        let context = describe(&event, &BotRules::default(), None);
        (event, context)
    }

    fn rollup_of(values: Vec<Value>, zone: Tz) -> Rollup {
        let mut rollup = Rollup::default();
        for value in values {
            let (event, context) = event(value);
            rollup.add(&event, &context, zone);
        }
        rollup
    }

    #[test]
    fn rollup_day_is_shop_local_day_east_of_utc() {
        // 22:30 UTC on 1 March is 01:30 on 2 March in Moscow (UTC+3).
        let rollup = rollup_of(
            vec![
                json!({"id": "e1", "type": "page_view", "time": "2026-03-01T22:30:00Z", "visitor": "v"}),
            ],
            chrono_tz::Europe::Moscow,
        );
        let days: Vec<NaiveDate> = rollup.rows().map(|(key, _)| key.day).collect();
        assert_eq!(days, [NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()]);
    }

    #[test]
    fn rollup_day_is_shop_local_day_west_of_utc() {
        // 02:00 UTC on 2 March is 21:00 on 1 March in UTC−5.
        let rollup = rollup_of(
            vec![
                json!({"id": "e1", "type": "page_view", "time": "2026-03-02T02:00:00Z", "visitor": "v"}),
            ],
            chrono_tz::America::Bogota,
        );
        let days: Vec<NaiveDate> = rollup.rows().map(|(key, _)| key.day).collect();
        assert_eq!(days, [NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()]);
    }

    #[test]
    fn rollup_counts_kinds_per_category() {
        let rollup = rollup_of(
            vec![
                json!({"id": "e1", "type": "product_view", "time": "2026-03-01T10:00:00Z", "visitor": "v", "category": "phones"}),
                json!({"id": "e2", "type": "product_view", "time": "2026-03-01T10:01:00Z", "visitor": "v", "category": "phones"}),
                json!({"id": "e3", "type": "add_to_cart", "time": "2026-03-01T10:02:00Z", "visitor": "v", "category": "phones"}),
                json!({"id": "e4", "type": "page_view", "time": "2026-03-01T10:03:00Z", "visitor": "v"}),
            ],
            chrono_tz::UTC,
        );
        let rows: Vec<(String, KindCounts)> = rollup
            .rows()
            .map(|(key, counts)| (key.category.clone(), *counts))
            .collect();
        let phones = KindCounts {
            product_view: 2,
            add_to_cart: 1,
            ..KindCounts::default()
        };
        let other = KindCounts {
            page_view: 1,
            ..KindCounts::default()
        };
        assert_eq!(
            rows,
            [(String::new(), other), ("phones".to_string(), phones)]
        );
    }

    #[test]
    fn rollup_marks_bot_rows() {
        let rollup = rollup_of(
            vec![
                json!({"id": "e1", "type": "page_view", "time": "2026-03-01T10:00:00Z", "visitor": "v",
                "user_agent": "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)"}),
            ],
            chrono_tz::UTC,
        );
        let bots: Vec<bool> = rollup.rows().map(|(key, _)| key.bot).collect();
        assert_eq!(bots, [true]);
    }
}
