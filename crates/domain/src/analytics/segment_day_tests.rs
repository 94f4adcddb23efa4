use super::*;
use crate::analytics::money::RateTable;
use chrono::TimeZone;

fn event(kind: EventType, visitor: &str, category: &str, product: &str) -> DetailEvent {
    DetailEvent {
        kind,
        time: Utc.with_ymd_and_hms(2026, 3, 3, 10, 0, 0).unwrap(),
        visitor: visitor.into(),
        category: (!category.is_empty()).then(|| category.to_string()),
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

fn purchase(visitor: &str, category: &str, order: &str, kopecks: i64) -> DetailEvent {
    DetailEvent {
        order_id: Some(order.into()),
        revenue_minor: Some(kopecks),
        ..event(EventType::Purchase, visitor, category, "x1")
    }
}

fn cell(
    cells: &BTreeMap<CellKey, CellCounts>,
    dimension: Dimension,
    segment: &str,
    category: &str,
) -> CellCounts {
    cells
        .get(&(dimension, segment.to_string(), category.to_string()))
        .copied()
        .unwrap_or_default()
}

#[test]
fn cells_split_new_returning_and_buyers() {
    let events = vec![
        event(EventType::ProductView, "v1", "books.novels", "b1"),
        event(EventType::ProductView, "v1", "books", "b2"),
        event(EventType::ProductView, "v2", "books", "b1"),
        event(EventType::AddToCart, "v2", "books", "b1"),
        purchase("v2", "books", "A-1", 10_000),
    ];
    let new = HashSet::from(["v1".to_string()]);
    let cells = SegmentDay::new(&events, &new).cells();

    let fresh = cell(&cells, Dimension::Recency, "new", "books");
    assert_eq!(fresh.product_views, 2);
    assert_eq!(fresh.visitors, 1);
    assert_eq!(fresh.buyers, 0);
    let returning = cell(&cells, Dimension::Recency, "returning", "books");
    assert_eq!(returning.product_views, 1);
    assert_eq!(returning.add_to_carts, 1);
    assert_eq!(returning.purchases, 1);
    assert_eq!(returning.buyers, 1);
    assert_eq!(cell(&cells, Dimension::Buyer, "buyer", "books").visitors, 1);
    assert_eq!(
        cell(&cells, Dimension::Buyer, "non_buyer", "books").visitors,
        1
    );
}

#[test]
fn cells_registered_by_any_event_of_day() {
    let mut signed_in = event(EventType::PageView, "v1", "", "p");
    signed_in.registered = true;
    let events = vec![signed_in, event(EventType::ProductView, "v1", "toys", "t1")];
    let cells = SegmentDay::new(&events, &HashSet::new()).cells();
    assert_eq!(
        cell(&cells, Dimension::Account, "registered", "toys").product_views,
        1
    );
    assert_eq!(
        cell(&cells, Dimension::Account, "guest", "toys").product_views,
        0
    );
}

#[test]
fn cells_price_tier_from_day_views() {
    let events: Vec<DetailEvent> = [100, 200, 300]
        .into_iter()
        .map(|price| DetailEvent {
            price_minor: Some(price),
            ..event(EventType::ProductView, "v1", "toys", "t1")
        })
        .collect();
    let cells = SegmentDay::new(&events, &HashSet::new()).cells();
    for tier in ["low", "middle", "high"] {
        assert_eq!(
            cell(&cells, Dimension::PriceTier, tier, "toys").product_views,
            1,
            "{tier}"
        );
    }
}

#[test]
fn products_add_up_to_cell() {
    let events = vec![
        event(EventType::ProductView, "v1", "books", "b1"),
        event(EventType::ProductView, "v2", "books", "b2"),
        event(EventType::ProductView, "v2", "books", "b2"),
        event(EventType::AddToCart, "v2", "books", "b2"),
    ];
    let new = HashSet::new();
    let day = SegmentDay::new(&events, &new);
    let mut products = HashMap::new();
    day.add_products(Dimension::Device, "desktop", "books", &mut products);
    assert_eq!(products["b1"].product_views, 1);
    assert_eq!(products["b2"].product_views, 2);
    assert_eq!(products["b2"].add_to_carts, 1);
    let views: i64 = products.values().map(|counts| counts.product_views).sum();
    assert_eq!(
        views,
        cell(&day.cells(), Dimension::Device, "desktop", "books").product_views
    );
}

#[test]
fn category_counts_order_once() {
    let events = vec![
        purchase("v1", "books.novels", "A-1", 10_000),
        purchase("v1", "books.novels", "A-1", 10_000),
        purchase("v2", "toys", "B-1", 5_000),
    ];
    let counts = category_counts(&events, ["B-1".to_string()], &RateTable::default());
    let novels = counts["books.novels"];
    assert_eq!(novels.events.purchase, 2);
    assert_eq!(novels.orders, 1);
    assert_eq!(novels.gross_kopecks, 10_000);
    assert_eq!(
        counts["toys"].orders, 0,
        "B-1 was counted on an earlier day"
    );
}

#[test]
fn dimension_parse_round_trips() {
    for dimension in Dimension::ALL {
        assert_eq!(Dimension::parse(dimension.name()), Some(dimension));
    }
    assert_eq!(Dimension::parse("city"), None);
}
