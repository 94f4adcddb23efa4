use super::*;
use crate::analytics::money::{Rate, RateTable};
use chrono::{NaiveDate, TimeZone};
use chrono_tz::America::Bogota;
use chrono_tz::Europe::Moscow;

fn utc(d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, d, h, mi, 0).unwrap()
}

fn event(kind: EventType, time: DateTime<Utc>, visitor: &str) -> SummaryEvent {
    SummaryEvent {
        shop_id: 1,
        kind,
        time,
        visitor: visitor.into(),
        session: None,
        session_given: false,
        order_id: None,
        currency: Currency::RUB,
        price_minor: None,
        quantity: 1,
        revenue_minor: None,
    }
}

fn purchase(time: DateTime<Utc>, visitor: &str, order: &str, kopecks: i64) -> SummaryEvent {
    SummaryEvent {
        order_id: Some(order.into()),
        revenue_minor: Some(kopecks),
        ..event(EventType::Purchase, time, visitor)
    }
}

fn run(events: &[SummaryEvent]) -> Summary {
    summarize(
        events,
        |_| SessionRules::new(Moscow),
        &HashSet::new(),
        &RateTable::default(),
    )
}

#[test]
fn summarize_counts_views_and_visitors() {
    let events = [
        event(EventType::PageView, utc(1, 10, 0), "a"),
        event(EventType::ProductView, utc(1, 10, 1), "a"),
        event(EventType::AddToCart, utc(1, 10, 2), "a"),
        event(EventType::ProductView, utc(1, 11, 0), "b"),
    ];
    let summary = run(&events);
    assert_eq!(summary.visitors, 2);
    assert_eq!(summary.sessions, 2);
    assert_eq!(summary.page_views, 3);
    assert_eq!(summary.product_views, 2);
    assert_eq!(summary.add_to_carts, 1);
    assert_eq!(summary.revenue.orders, 0);
}

#[test]
fn summarize_splits_after_thirty_minutes() {
    let events = [
        event(EventType::PageView, utc(1, 10, 0), "a"),
        event(EventType::PageView, utc(1, 10, 30), "a"),
        event(EventType::PageView, utc(1, 11, 1), "a"),
    ];
    assert_eq!(run(&events).sessions, 2);
}

#[test]
fn summarize_splits_at_moscow_midnight() {
    // 23:50 and 00:10 in Moscow (UTC+3), 20 minutes apart.
    let events = [
        event(EventType::PageView, utc(1, 20, 50), "a"),
        event(EventType::PageView, utc(1, 21, 10), "a"),
    ];
    let summary = run(&events);
    assert_eq!(summary.sessions, 2);
    assert_eq!(summary.visitors, 1);
}

#[test]
fn summarize_splits_at_bogota_midnight_only() {
    // 23:50 and 00:10 in Bogota (UTC−5) are 07:50 and 08:10 in Moscow.
    let events = [
        event(EventType::PageView, utc(2, 4, 50), "a"),
        event(EventType::PageView, utc(2, 5, 10), "a"),
    ];
    let bogota = summarize(
        &events,
        |_| SessionRules::new(Bogota),
        &HashSet::new(),
        &RateTable::default(),
    );
    assert_eq!(bogota.sessions, 2);
    assert_eq!(run(&events).sessions, 1);
}

#[test]
fn summarize_given_sessions_are_not_split() {
    let mut first = event(EventType::ProductView, utc(1, 10, 0), "a");
    first.session = Some("s1".into());
    first.session_given = true;
    let mut later = event(EventType::ProductView, utc(1, 15, 0), "b");
    later.session = Some("s1".into());
    later.session_given = true;
    let summary = run(&[first, later]);
    assert_eq!(summary.sessions, 1);
    assert_eq!(summary.visitors, 2);
}

#[test]
fn summarize_purchase_twice_counts_once() {
    let events = [
        purchase(utc(1, 10, 0), "a", "A-1", 10000),
        purchase(utc(4, 10, 0), "a", "A-1", 10000),
    ];
    let summary = run(&events);
    assert_eq!(summary.revenue.orders, 1);
    assert_eq!(summary.revenue.gross_kopecks, 10000);
    assert_eq!(summary.revenue.duplicate_purchases, 1);
    assert_eq!(summary.sessions, 2);
    assert_eq!(summary.conversion_sessions.converted, 1);
}

#[test]
fn summarize_order_counted_before_range_is_repeat() {
    let events = [purchase(utc(4, 10, 0), "a", "A-1", 10000)];
    let before = HashSet::from([(1, "A-1".to_string())]);
    let summary = summarize(
        &events,
        |_| SessionRules::new(Moscow),
        &before,
        &RateTable::default(),
    );
    assert_eq!(summary.revenue.orders, 0);
    assert_eq!(summary.conversion_visitors.converted, 0);
}

#[test]
fn summarize_same_order_id_in_two_shops_counts_twice() {
    let mut other = purchase(utc(1, 10, 0), "a", "A-1", 5000);
    other.shop_id = 2;
    let summary = run(&[purchase(utc(1, 10, 0), "a", "A-1", 10000), other]);
    assert_eq!(summary.revenue.orders, 2);
    assert_eq!(summary.revenue.gross_kopecks, 15000);
    assert_eq!(summary.visitors, 2);
}

#[test]
fn summarize_refund_reduces_net_only() {
    let refund = SummaryEvent {
        order_id: Some("A-1".into()),
        revenue_minor: Some(3000),
        ..event(EventType::Refund, utc(2, 10, 0), "a")
    };
    let summary = run(&[purchase(utc(1, 10, 0), "a", "A-1", 10000), refund]);
    assert_eq!(summary.revenue.gross_kopecks, 10000);
    assert_eq!(summary.revenue.net_kopecks(), 7000);
    assert_eq!(summary.refunds, 1);
}

#[test]
fn summarize_converts_foreign_and_flags_unrated() {
    let mut rates = RateTable::default();
    let usd = Currency::parse("USD").unwrap();
    let rate = Rate {
        nominal: 1,
        value_ten_thousandths: 90_0000,
    };
    rates.insert(usd, NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(), rate);
    let dollars = SummaryEvent {
        currency: usd,
        ..purchase(utc(1, 10, 0), "a", "A-1", 1000)
    };
    let yen = SummaryEvent {
        currency: Currency::parse("JPY").unwrap(),
        ..purchase(utc(1, 11, 0), "b", "A-2", 500)
    };
    let roubles = purchase(utc(1, 12, 0), "c", "A-3", 10000);
    let summary = summarize(
        &[dollars, yen, roubles],
        |_| SessionRules::new(Moscow),
        &HashSet::new(),
        &rates,
    );
    assert_eq!(summary.revenue.gross_kopecks, 90000 + 10000);
    assert_eq!(
        summary.revenue.orders, 3,
        "the yen order counts without a rate"
    );
    assert_eq!(summary.revenue.orders_without_revenue, 1);
    assert_eq!(summary.revenue.orders_with_revenue(), 2);
    assert!(summary.revenue.is_incomplete());
    let jpy = Currency::parse("JPY").unwrap();
    assert_eq!(summary.revenue.unconverted_minor.get(&jpy), Some(&500));
    assert_eq!(summary.conversion_visitors.converted, 3);
}

#[test]
fn summarize_conversion_by_visitor_and_session() {
    let events = [
        event(EventType::ProductView, utc(1, 10, 0), "a"),
        event(EventType::ProductView, utc(1, 12, 0), "a"),
        purchase(utc(1, 12, 5), "a", "A-1", 10000),
        event(EventType::ProductView, utc(1, 10, 0), "b"),
    ];
    let summary = run(&events);
    assert_eq!(summary.conversion_visitors.converted, 1);
    assert_eq!(summary.conversion_visitors.total, 2);
    assert_eq!(summary.conversion_sessions.converted, 1);
    assert_eq!(summary.conversion_sessions.total, 3);
}

#[test]
fn summarize_empty_has_no_ratio() {
    let summary = run(&[]);
    assert_eq!(summary.conversion_visitors.ratio(), None);
    assert_eq!(summary.sessions, 0);
}

#[test]
fn summarize_daily_splits_by_local_day() {
    // 23:50 Moscow on 1 March, then 00:10 and a repeat purchase on 2 March.
    let events = [
        purchase(utc(1, 20, 50), "a", "A-1", 10000),
        event(EventType::PageView, utc(1, 21, 10), "a"),
        purchase(utc(1, 21, 20), "a", "A-1", 10000),
    ];
    let days = (
        NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
        NaiveDate::from_ymd_opt(2026, 3, 3).unwrap(),
    );
    let daily = summarize_daily(
        &events,
        days,
        Moscow,
        |_| SessionRules::new(Moscow),
        &HashSet::new(),
        &RateTable::default(),
    );
    assert_eq!(daily.len(), 3);
    assert_eq!(daily[0].1.revenue.orders, 1);
    assert_eq!(daily[1].1.revenue.orders, 0);
    assert_eq!(daily[1].1.revenue.duplicate_purchases, 1);
    assert_eq!(daily[1].1.page_views, 1);
    assert_eq!(daily[2].1.visitors, 0);
}
