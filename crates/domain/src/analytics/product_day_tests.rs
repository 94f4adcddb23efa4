use super::*;
use crate::analytics::money::{Currency, Rate, RateTable};
use chrono::{NaiveDate, TimeZone, Utc};

fn event(kind: EventType, product: &str, minute: u32) -> DetailEvent {
    DetailEvent {
        kind,
        time: Utc.with_ymd_and_hms(2026, 3, 3, 10, minute, 0).unwrap(),
        visitor: "v1".into(),
        category: Some("books.novels".into()),
        product_id: Some(product.into()),
        price_minor: Some(10_000),
        quantity: 1,
        currency: Currency::RUB,
        order_id: None,
        revenue_minor: None,
        source: "direct".into(),
        device: "desktop".into(),
        bot: false,
        registered: false,
    }
}

fn line(product: &str, order: &str, price: i64, quantity: u32, minute: u32) -> DetailEvent {
    DetailEvent {
        order_id: Some(order.into()),
        price_minor: Some(price),
        quantity,
        ..event(EventType::Purchase, product, minute)
    }
}

#[test]
fn products_count_views_carts_and_lines() {
    let events = vec![
        event(EventType::ProductView, "b1", 0),
        event(EventType::ProductView, "b1", 1),
        event(EventType::AddToCart, "b1", 2),
        line("b1", "A-1", 10_000, 2, 3),
        line("b2", "A-1", 5_000, 1, 3),
        event(EventType::ProductView, "b2", 4),
    ];
    let products = product_counts(&events, &HashSet::new(), &RateTable::default());

    let first = &products["b1"];
    assert_eq!(first.product_views, 2);
    assert_eq!(first.add_to_carts, 1);
    assert_eq!(first.purchases, 1);
    assert_eq!(first.units, 2);
    assert_eq!(first.orders, 1);
    assert_eq!(first.revenue_kopecks, 20_000);
    assert_eq!(first.category, "books.novels");
    let second = &products["b2"];
    assert_eq!(second.orders, 1);
    assert_eq!(second.revenue_kopecks, 5_000);
    assert_eq!(second.product_views, 1);
}

#[test]
fn products_count_repeated_line_once() {
    let events = vec![
        line("b1", "A-1", 10_000, 1, 0),
        line("b1", "A-1", 10_000, 1, 5),
        line("b1", "A-2", 10_000, 1, 6),
    ];
    let products = product_counts(&events, &HashSet::new(), &RateTable::default());
    let counts = &products["b1"];
    assert_eq!(counts.purchases, 3, "every purchase event is counted");
    assert_eq!(counts.orders, 2);
    assert_eq!(counts.units, 2);
    assert_eq!(counts.revenue_kopecks, 20_000);
}

#[test]
fn products_skip_lines_sent_before() {
    let events = vec![
        line("b1", "A-1", 10_000, 1, 0),
        line("b1", "A-9", 7_000, 1, 1),
        line("b2", "A-1", 3_000, 1, 2),
    ];
    let before = HashSet::from([("A-1".to_string(), "b1".to_string())]);
    let products = product_counts(&events, &before, &RateTable::default());
    assert_eq!(products["b1"].orders, 1);
    assert_eq!(products["b1"].revenue_kopecks, 7_000);
    assert_eq!(
        products["b2"].revenue_kopecks, 3_000,
        "another product of an order counted earlier still counts"
    );
}

#[test]
fn products_without_order_id_each_count() {
    let mut first = event(EventType::Purchase, "b1", 0);
    first.quantity = 3;
    let second = event(EventType::Purchase, "b1", 1);
    let counts = &product_counts(&[first, second], &HashSet::new(), &RateTable::default())["b1"];
    assert_eq!(counts.orders, 2);
    assert_eq!(counts.units, 4);
    assert_eq!(counts.revenue_kopecks, 40_000);
}

#[test]
fn products_convert_currency_or_flag_line() {
    let usd = Currency::parse("USD").unwrap();
    let mut rates = RateTable::default();
    rates.insert(
        usd,
        NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
        Rate {
            nominal: 1,
            value_ten_thousandths: 900_000,
        },
    );
    let mut dollars = line("b1", "A-1", 1_000, 1, 0);
    dollars.currency = usd;
    let mut unpriced = line("b1", "A-2", 0, 1, 1);
    unpriced.price_minor = None;

    let counts = &product_counts(&[dollars.clone(), unpriced], &HashSet::new(), &rates)["b1"];
    assert_eq!(counts.revenue_kopecks, 90_000, "10.00 USD at 90 roubles");
    assert_eq!(counts.orders, 2);
    assert_eq!(counts.lines_without_revenue, 1);

    let without_rate = &product_counts(&[dollars], &HashSet::new(), &RateTable::default())["b1"];
    assert_eq!(without_rate.revenue_kopecks, 0);
    assert_eq!(without_rate.lines_without_revenue, 1);
}

#[test]
fn products_leave_out_events_without_product() {
    let mut page = event(EventType::PageView, "b1", 0);
    page.product_id = None;
    let checkout = event(EventType::Checkout, "b2", 1);
    let products = product_counts(&[page, checkout], &HashSet::new(), &RateTable::default());
    assert!(products.is_empty(), "{products:?}");
}
