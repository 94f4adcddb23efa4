use super::*;
use crate::analytics::EventType;
use crate::analytics::money::{Currency, RateTable};
use crate::analytics::session::local_date;
use crate::analytics::summary::summarize;
use chrono::{DateTime, Duration, TimeZone, Utc};
use chrono_tz::Europe::Moscow;

fn event(shop_id: i64, kind: EventType, time: DateTime<Utc>, visitor: &str) -> SummaryEvent {
    SummaryEvent {
        shop_id,
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

fn purchase(shop_id: i64, time: DateTime<Utc>, visitor: &str, order: &str) -> SummaryEvent {
    SummaryEvent {
        order_id: Some(order.into()),
        revenue_minor: Some(150_000),
        ..event(shop_id, EventType::Purchase, time, visitor)
    }
}

/// Splits `events` into days of `shop_id` and computes each day's figures the way the store
/// does: orders bought on earlier days count as already counted.
fn figures_by_day(shop_id: i64, events: &[SummaryEvent]) -> Vec<DayFigures> {
    let mut days: BTreeMap<NaiveDate, Vec<SummaryEvent>> = BTreeMap::new();
    for event in events.iter().filter(|event| event.shop_id == shop_id) {
        days.entry(local_date(event.time, Moscow))
            .or_default()
            .push(event.clone());
    }
    let mut counted = HashSet::new();
    let mut figures = Vec::new();
    for (day, day_events) in days {
        figures.push(day_figures(
            shop_id,
            day,
            &day_events,
            SessionRules::new(Moscow),
            &counted,
            &RateTable::default(),
        ));
        for event in &day_events {
            if let (EventType::Purchase, Some(order)) = (event.kind, &event.order_id) {
                counted.insert((shop_id, order.clone()));
            }
        }
    }
    figures
}

fn whole(events: &[SummaryEvent]) -> Summary {
    summarize(
        events,
        |_| SessionRules::new(Moscow),
        &HashSet::new(),
        &RateTable::default(),
    )
}

fn three_days() -> Vec<SummaryEvent> {
    let at = |day: u32, hour: u32, minute: u32| {
        Utc.with_ymd_and_hms(2026, 3, day, hour, minute, 0).unwrap()
    };
    vec![
        event(1, EventType::ProductView, at(1, 10, 0), "a"),
        purchase(1, at(1, 10, 5), "a", "A-1"),
        // 20:50 UTC is 23:50 in Moscow; the next view at 00:10 starts a new visit and day.
        event(1, EventType::PageView, at(1, 20, 50), "b"),
        event(1, EventType::PageView, at(1, 21, 10), "b"),
        // The same order sent again two days later is a repeat, not a second order.
        purchase(1, at(3, 9, 0), "a", "A-1"),
        purchase(1, at(3, 9, 30), "c", "A-2"),
        event(2, EventType::ProductView, at(2, 12, 0), "a"),
    ]
}

#[test]
fn days_add_up_to_range() {
    let events = three_days();
    let mut days = figures_by_day(1, &events);
    days.extend(figures_by_day(2, &events));
    let combined = combine(&days);
    let exact = whole(&events);

    assert!(combined.visitors_estimated);
    assert_eq!(combined.summary.sessions, exact.sessions);
    assert_eq!(combined.summary.sessions, 6);
    assert_eq!(combined.summary.page_views, exact.page_views);
    assert_eq!(combined.summary.product_views, exact.product_views);
    assert_eq!(combined.summary.revenue, exact.revenue);
    assert_eq!(combined.summary.revenue.orders, 2);
    assert_eq!(combined.summary.revenue.duplicate_purchases, 1);
    assert_eq!(
        combined.summary.conversion_sessions,
        exact.conversion_sessions
    );
    assert_eq!(combined.summary.funnel, exact.funnel);
    let purchase = combined.summary.funnel.steps()[3];
    // Three visits with a purchase, all without a cart; the repeat of A-1 is one of them.
    assert_eq!((purchase.did, purchase.skipped_earlier), (3, 3));
    assert_eq!(combined.summary.funnel.sessions(), 6);
    // Four (shop, visitor) pairs: a, b and c in shop 1 and a in shop 2.
    assert_eq!(exact.visitors, 4);
    assert_eq!(combined.summary.visitors, 4);
    assert_eq!(combined.summary.conversion_visitors.converted, 2);
}

#[test]
fn one_day_per_shop_is_exact() {
    let events = three_days();
    let shop_two = figures_by_day(2, &events);
    let first_day = figures_by_day(1, &events).remove(0);
    let combined = combine(&[first_day.clone(), shop_two[0].clone()]);
    assert!(!combined.visitors_estimated);
    assert_eq!(combined.summary.visitors, 3);
    assert_eq!(first_day.events, 3);
    assert_eq!(first_day.summary.sessions, 2);
    assert_eq!(combined.summary.conversion_visitors.converted, 1);
}

#[test]
fn merged_sketches_stay_within_one_percent() {
    // 30 days, 1,500 visitors a day out of 30,000, each seen on a few days.
    let start = Utc.with_ymd_and_hms(2026, 4, 1, 9, 0, 0).unwrap();
    let mut events = Vec::new();
    let mut seen = HashSet::new();
    for day in 0..30_i64 {
        for slot in 0..1_500_i64 {
            let visitor = format!("v-{}", (day * 7_919 + slot * 104_729) % 30_000);
            let time = start + Duration::days(day) + Duration::seconds(slot * 20);
            seen.insert(visitor.clone());
            events.push(event(1, EventType::ProductView, time, &visitor));
        }
    }
    let combined = combine(&figures_by_day(1, &events));
    let exact = seen.len() as f64;
    let error = (combined.summary.visitors as f64 - exact).abs() / exact;
    assert!(combined.visitors_estimated);
    assert!(
        error < 0.01,
        "estimate {} for {exact}",
        combined.summary.visitors
    );
    assert_eq!(combined.summary.product_views, 45_000);
}
