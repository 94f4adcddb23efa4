//! Tests of the REES46 import, including every figure measured on the first 9,999 rows of
//! the October 2019 file.

use std::collections::{HashMap, HashSet};

use super::*;
use crate::analytics::funnel::{Funnel, StepSet};
use crate::analytics::money::RateTable;
use crate::analytics::orders::{ConversionBasis, ConversionCounter, OrderLedger};
use crate::analytics::segment::top_level_category;

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/ecommerce/rees46_2019-Oct_first10k.csv"
);

const VIEW_ROW: [&str; 9] = [
    "2019-10-01 00:00:01 UTC",
    "view",
    "17200506",
    "2053013559792632471",
    "furniture.living_room.sofa",
    "",
    "543.10",
    "519107250",
    "566511c2-e2e3-422b-b695-cf8e6e792ca8",
];

fn row_with(column: usize, value: &'static str) -> [&'static str; 9] {
    let mut fields = VIEW_ROW;
    fields[column] = value;
    fields
}

#[test]
fn parse_row_reads_view() {
    let row = parse_row(VIEW_ROW, 2).unwrap();
    assert_eq!(row.kind, EventType::ProductView);
    assert_eq!(row.price_kopecks, 54310);
    assert_eq!(row.category_id, "2053013559792632471");
    assert_eq!(row.brand, None);
    assert_eq!(row.time.to_rfc3339(), "2019-10-01T00:00:01+00:00");
}

#[test]
fn parse_row_maps_cart() {
    let row = parse_row(row_with(1, "cart"), 2).unwrap();
    assert_eq!(row.kind, EventType::AddToCart);
}

#[test]
fn parse_row_reads_price_exactly() {
    let cases = [("0.00", 0), ("35.79", 3579), ("1.5", 150), ("2", 200)];
    for (price, kopecks) in cases {
        let fields = row_with(6, price);
        assert_eq!(
            parse_row(fields, 2).unwrap().price_kopecks,
            kopecks,
            "{price}"
        );
    }
}

#[test]
fn parse_row_rejects_bad_price() {
    for price in ["-1.00", "1.234", "1e3", "", "12,50"] {
        let error = parse_row(row_with(6, price), 7).unwrap_err();
        assert_eq!(error.key, "analytics-rees46-price", "{price}");
        assert!(error.args.contains(&("line", "7".to_string())));
    }
}

#[test]
fn parse_row_rejects_unknown_type() {
    let error = parse_row(row_with(1, "click"), 2).unwrap_err();
    assert_eq!(error.key, "analytics-rees46-type");
}

#[test]
fn parse_row_rejects_bad_time() {
    let error = parse_row(row_with(0, "2019-10-01T00:00:01Z"), 2).unwrap_err();
    assert_eq!(error.key, "analytics-rees46-time");
}

#[test]
fn parse_row_rejects_missing_user() {
    let error = parse_row(row_with(7, ""), 2).unwrap_err();
    assert_eq!(error.key, "analytics-rees46-empty");
    assert_eq!(error.field, "user_id");
}

#[test]
fn parse_row_rejects_short_row() {
    let error = parse_row(VIEW_ROW[..8].iter().copied(), 2).unwrap_err();
    assert_eq!(error.key, "analytics-rees46-columns");
}

#[test]
fn check_header_rejects_other_columns() {
    let error = check_header(["time", "type"]).unwrap_err();
    assert_eq!(error.key, "analytics-rees46-header");
}

#[test]
fn duplicates_drops_exact_repeat() {
    let mut duplicates = Duplicates::default();
    let row = parse_row(VIEW_ROW, 2).unwrap();
    assert!(duplicates.first_time(&row));
    assert!(!duplicates.first_time(&row));
    assert_eq!(duplicates.dropped, 1);
}

#[test]
fn duplicates_keeps_rows_differing_by_field_split() {
    let one = parse_row(row_with(5, "ab"), 2).unwrap();
    let mut shifted = row_with(5, "a");
    shifted[4] = "furniture.living_room.sofab";
    let other = parse_row(shifted, 3).unwrap();
    assert_ne!(one.fingerprint, other.fingerprint);
}

#[test]
fn into_event_purchases_share_session_order() {
    let first = parse_row(row_with(1, "purchase"), 2).unwrap();
    let mut second_fields = row_with(1, "purchase");
    second_fields[6] = "10.00";
    let second = parse_row(second_fields, 3).unwrap();
    let mut orders = SessionOrders::default();
    orders.add(&first);
    orders.add(&second);

    let event = first.into_event(&orders);
    assert_eq!(
        event.order_id.as_deref(),
        Some("rees46-566511c2-e2e3-422b-b695-cf8e6e792ca8")
    );
    assert_eq!(event.revenue_minor, Some(55310));
    assert_eq!(event.visitor, "519107250");
}

/// Figures of the sample file, computed with the domain's own rules.
#[derive(Default)]
struct SampleFigures {
    rows: u64,
    kinds: HashMap<EventType, u64>,
    users: HashSet<String>,
    sessions: HashSet<String>,
    duplicates: u64,
    views_by_top_category: HashMap<String, u64>,
    revenue_kopecks: i64,
    session_conversion: Option<(u64, u64, Option<u64>)>,
    user_conversion: Option<(u64, u64, Option<u64>)>,
    cart_sessions: u64,
    purchase_sessions_without_cart: u64,
}

fn read_sample() -> Vec<Row> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(SAMPLE)
        .unwrap();
    let mut records = reader.records();
    let header = records.next().unwrap().unwrap();
    check_header(header.iter()).unwrap();
    records
        .enumerate()
        .map(|(index, record)| parse_row(record.unwrap().iter(), index as u64 + 2).unwrap())
        .collect()
}

fn measure(rows: Vec<Row>) -> SampleFigures {
    let mut figures = SampleFigures::default();
    let mut duplicates = Duplicates::default();
    let mut orders = SessionOrders::default();
    for row in &rows {
        orders.add(row);
    }

    let mut ledger = OrderLedger::default();
    let mut by_session = ConversionCounter::new(ConversionBasis::Sessions);
    let mut by_user = ConversionCounter::new(ConversionBasis::Visitors);
    let mut steps: HashMap<String, StepSet> = HashMap::new();
    for row in rows {
        figures.rows += 1;
        *figures.kinds.entry(row.kind).or_default() += 1;
        if row.kind == EventType::ProductView {
            let top = top_level_category(row.category_code.as_deref()).to_string();
            *figures.views_by_top_category.entry(top).or_default() += 1;
        }
        if !duplicates.first_time(&row) {
            continue;
        }

        let event = row.into_event(&orders);
        figures.users.insert(event.visitor.clone());
        let session = event.session.clone().unwrap_or_default();
        figures.sessions.insert(session.clone());
        by_session.add(session.clone(), event.kind);
        by_user.add(event.visitor.clone(), event.kind);
        steps.entry(session).or_default().insert(event.kind);
        ledger.record(&event, &RateTable::default());
    }

    let mut funnel = Funnel::new(&[EventType::AddToCart, EventType::Purchase]);
    for seen in steps.values() {
        funnel.add(*seen);
    }
    figures.duplicates = duplicates.dropped;
    figures.revenue_kopecks = ledger.revenue().gross_kopecks;
    let session_rate = by_session.rate();
    figures.session_conversion = Some((
        session_rate.converted,
        session_rate.total,
        session_rate.percent_hundredths(),
    ));
    let user_rate = by_user.rate();
    figures.user_conversion = Some((
        user_rate.converted,
        user_rate.total,
        user_rate.percent_hundredths(),
    ));
    figures.cart_sessions = funnel.steps()[0].did;
    figures.purchase_sessions_without_cart = funnel.steps()[1].skipped_earlier;
    figures
}

#[test]
fn sample_reproduces_measured_figures() {
    let figures = measure(read_sample());

    assert_eq!(figures.rows, 9_999);
    assert_eq!(figures.kinds.get(&EventType::ProductView), Some(&9_784));
    assert_eq!(figures.kinds.get(&EventType::AddToCart), Some(&97));
    assert_eq!(figures.kinds.get(&EventType::Purchase), Some(&118));
    assert_eq!(figures.users.len(), 2_867);
    assert_eq!(figures.sessions.len(), 3_188);
    assert_eq!(figures.session_conversion, Some((111, 3_188, Some(348))));
    assert_eq!(figures.user_conversion, Some((109, 2_867, Some(380))));
    assert_eq!(figures.revenue_kopecks, 3_575_722);
    assert_eq!(figures.duplicates, 4);
    assert_eq!(figures.cart_sessions, 69);
    assert_eq!(figures.purchase_sessions_without_cart, 80);
}

#[test]
fn sample_top_categories_of_views() {
    let figures = measure(read_sample());
    let expected = [
        ("electronics", 3_609),
        ("(none)", 3_241),
        ("appliances", 1_112),
        ("computers", 588),
        ("furniture", 347),
        ("apparel", 288),
    ];
    for (category, views) in expected {
        let counted = figures.views_by_top_category.get(category).copied();
        assert_eq!(counted, Some(views), "{category}");
    }
}
