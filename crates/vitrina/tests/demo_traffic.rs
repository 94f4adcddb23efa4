//! `vitrina demo --events N` and `vitrina bench queries` through the real binary, with the
//! stored events counted directly and the summary read back from `vitrina serve`, on SQLite
//! and PostgreSQL.
#![allow(clippy::unwrap_used)]

mod common;

use common::{Setup, analyst_token, assert_success, served_summary, stdout};

const EVENTS: u64 = 5000;
const DEMO: [&str; 9] = [
    "demo", "--events", "5000", "--shops", "3", "--days", "10", "--seed", "7",
];

/// Reads `Stored S events (D duplicates)` from the demo's output.
fn stored_and_duplicates(output: &str) -> (u64, u64) {
    let line = output
        .lines()
        .find(|line| line.starts_with("Stored "))
        .unwrap_or_else(|| panic!("no Stored line in {output}"));
    let numbers: Vec<u64> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter(|part| !part.is_empty())
        .map(|part| part.parse().unwrap())
        .collect();
    (numbers[0], numbers[1])
}

cli_test!(demo_events_stores_traffic, async |setup: &Setup| {
    let output = setup.run(&DEMO).await;
    assert_success(&output);
    let (stored, duplicates) = stored_and_duplicates(&stdout(&output));
    assert_eq!(stored + duplicates, EVENTS);
    assert!(duplicates > 0, "some events are sent twice");

    let events = setup.events_db().await;
    let counted: i64 = events
        .fetch_scalar("SELECT COUNT(*) FROM events", Vec::new())
        .await
        .unwrap();
    let shops: i64 = events
        .fetch_scalar("SELECT COUNT(DISTINCT shop_id) FROM events", Vec::new())
        .await
        .unwrap();
    let rolled_up: i64 = events
        .fetch_scalar(
            "SELECT CAST(SUM(product_view + add_to_cart + checkout + purchase + refund) \
             AS BIGINT) \
             FROM event_rollups",
            Vec::new(),
        )
        .await
        .unwrap();
    events.close().await;
    assert_eq!(counted as u64, stored);
    assert_eq!(shops, 3);
    assert_eq!(rolled_up as u64, stored, "every stored event is rolled up");

    let db = setup.db().await;
    let slugs: i64 = db
        .fetch_scalar(
            "SELECT COUNT(*) FROM shops WHERE slug IN ('demo-shop-01', 'demo-shop-02', \
             'demo-shop-03')",
            Vec::new(),
        )
        .await
        .unwrap();
    db.close().await;
    assert_eq!(slugs, 3);

    let token = analyst_token(setup).await;
    let today = domain::analytics::money::moscow_date(chrono::Utc::now());
    let from = today - chrono::Duration::days(10);
    let query = format!("from={from}&to={today}");
    let summary = served_summary(setup, &token, &query).await;
    let number = |name: &str| summary[name].as_f64().unwrap_or(0.0);
    assert!(number("visitors") > 0.0, "{summary}");
    assert!(number("sessions") >= number("visitors"), "{summary}");
    assert!(number("orders") > 0.0, "{summary}");
    assert!(number("revenue_gross_kopecks") > 0.0, "{summary}");
    assert!(number("checkouts") >= number("orders"), "{summary}");
    assert_eq!(summary["funnel"][2]["step"], "checkout", "{summary}");
    assert!(
        summary["funnel"][2]["sessions"].as_u64().unwrap() > 0,
        "{summary}"
    );
    let ratio = number("orders") / number("product_views");
    assert!((0.004..0.03).contains(&ratio), "orders per view {ratio}");
});

cli_test!(demo_events_repeat_adds_nothing, async |setup: &Setup| {
    assert_success(&setup.run(&DEMO).await);
    let again = setup.run(&DEMO).await;
    assert_success(&again);
    assert_eq!(stored_and_duplicates(&stdout(&again)), (0, EVENTS));
});

cli_test!(bench_queries_measures_reports, async |setup: &Setup| {
    assert_success(&setup.run(&DEMO).await);
    let output = setup.run(&["bench", "queries", "--requests", "2"]).await;
    assert_success(&output);
    let printed = stdout(&output);
    let rows: Vec<&str> = printed
        .lines()
        .filter(|line| line.contains(" shop ") || line.contains(" platform "))
        .collect();
    // Eight endpoints, each per shop and platform-wide.
    assert_eq!(rows.len(), 16, "{printed}");
    for row in rows {
        let columns: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(columns[2], "2", "measured: {row}");
        assert_eq!(columns[6], "0", "failed: {row}");
    }
    assert!(printed.contains("VmHWM"), "{printed}");
    assert!(printed.contains("per million events"), "{printed}");
});
