//! Event intake and the analytics summary over HTTP, on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::NaiveDate;
use common::{TestServer, json_of};
use domain::analytics::money::{Currency, Rate};
use domain::analytics::rates::RateRow;
use domain::identity::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use store::shops::{self, NewShop, Shop};

/// Creates a shop in `zone` and returns it with its ingestion key.
async fn shop(
    server: &TestServer,
    slug: &str,
    zone: &str,
    client_id: Option<i64>,
) -> (Shop, String) {
    let new = NewShop {
        slug: slug.into(),
        name: format!("Магазин {slug}"),
        time_zone: zone.into(),
        client_id,
    };
    shops::create(&server.state.db, &new, domain::time::now())
        .await
        .unwrap()
}

/// Posts a raw body to `/api/v1/events` with `key`, asking for English messages.
async fn post_raw(server: &TestServer, key: &str, body: Vec<u8>) -> (StatusCode, Value) {
    let response = reqwest::Client::new()
        .post(format!("{}/api/v1/events", server.url))
        .bearer_auth(key)
        .header("content-type", "application/json")
        .header("accept-language", "en")
        .body(body)
        .send()
        .await
        .unwrap();
    json_of(response).await
}

async fn post_events(server: &TestServer, key: &str, events: Value) -> (StatusCode, Value) {
    let body = serde_json::to_vec(&json!({ "events": events })).unwrap();
    post_raw(server, key, body).await
}

fn view(id: &str, time: &str, visitor: &str) -> Value {
    json!({"id": id, "type": "page_view", "time": time, "visitor": visitor,
           "url": "/catalog", "user_agent": "Mozilla/5.0 (X11; Linux x8664) Firefox/128.0",
           "ip": "203.0.113.7"})
}

fn purchase(id: &str, time: &str, visitor: &str, order: &str, kopecks: i64) -> Value {
    json!({"id": id, "type": "purchase", "time": time, "visitor": visitor,
           "order_id": order, "revenue_kopecks": kopecks})
}

async fn summary(api: &common::Api, query: &str) -> (StatusCode, Value) {
    api.get(&format!("/api/v1/analytics/summary?{query}")).await
}

web_test!(events_mixed_batch_accepted, async |server: &TestServer| {
    let (_, key) = shop(server, "flowers", "Europe/Moscow", None).await;
    let batch = json!([
        view("e1", "2026-03-01T10:00:00Z", "v1"),
        {"id": "e2", "type": "click", "time": "2026-03-01T10:00:00Z", "visitor": "v1"},
        {"id": "e3", "type": "page_view", "visitor": "v1", "price_kopecks": 1.5},
        view("e4", "2026-03-01T10:05:00Z", "v1"),
    ]);
    let (status, body) = post_events(server, &key, batch.clone()).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert_eq!(body["accepted"], 2);
    assert_eq!(body["duplicates"], 0);
    let rejected = body["rejected"].as_array().unwrap();
    let fields: Vec<(u64, &str)> = rejected
        .iter()
        .map(|r| (r["index"].as_u64().unwrap(), r["field"].as_str().unwrap()))
        .collect();
    assert_eq!(
        fields,
        [(1, "type"), (2, "time"), (2, "price_kopecks")],
        "{body}"
    );
    let message = rejected[0]["message"].as_str().unwrap();
    assert!(
        message.contains("Unknown event type \"click\""),
        "{message}"
    );

    let (status, again) = post_events(server, &key, batch).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(again["accepted"], 0);
    assert_eq!(again["duplicates"], 2);
});

/// Returns the (index, field, message) of each rejected field of a batch response.
fn rejected_of(body: &Value) -> Vec<(u64, String, String)> {
    body["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let index = r["index"].as_u64().unwrap();
            let field = r["field"].as_str().unwrap().to_string();
            (index, field, r["message"].as_str().unwrap().to_string())
        })
        .collect()
}

fn refund(id: &str, order: Option<&str>, kopecks: Option<i64>) -> Value {
    json!({"id": id, "type": "refund", "time": "2026-03-02T10:00:00Z", "visitor": "v1",
           "order_id": order, "revenue_kopecks": kopecks})
}

web_test!(
    events_refund_checked_against_order,
    async |server: &TestServer| {
        let (flowers, key) = shop(server, "flowers", "Europe/Moscow", None).await;
        let batch = json!([
            purchase("p1", "2026-03-01T10:00:00Z", "v1", "A-1", 10000),
            refund("r1", Some("A-1"), Some(4000)),
            refund("r2", Some("A-1"), Some(6001)),
            refund("r3", Some("B-404"), Some(100)),
            refund("r4", None, Some(100)),
            refund("r5", Some("A-1"), None),
        ]);
        let (status, body) = post_events(server, &key, batch).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        assert_eq!(body["accepted"], 2, "{body}");
        let rejected = rejected_of(&body);
        let fields: Vec<(u64, &str)> = rejected
            .iter()
            .map(|(index, field, _)| (*index, field.as_str()))
            .collect();
        assert_eq!(
            fields,
            [
                (2, "revenue_kopecks"),
                (3, "order_id"),
                (4, "order_id"),
                (5, "revenue_kopecks")
            ],
            "{body}"
        );
        assert!(rejected[0].2.contains("6001"), "{}", rejected[0].2);
        assert!(
            rejected[0].2.contains("6000"),
            "the remaining amount: {}",
            rejected[0].2
        );
        assert!(rejected[1].2.contains("B-404"), "{}", rejected[1].2);

        // A later batch is checked against the stored refund: 6,000 are left, 6,001 are not.
        let later = json!([
            refund("r6", Some("A-1"), Some(6001)),
            refund("r7", Some("A-1"), Some(6000))
        ]);
        let (_, body) = post_events(server, &key, later).await;
        assert_eq!(body["accepted"], 1, "{body}");
        assert_eq!(rejected_of(&body)[0].0, 0);
        let stored =
            store::analytics::events::count(&server.state.events.clone().unwrap(), flowers.id)
                .await
                .unwrap();
        assert_eq!(stored, 3, "rejected refunds are not stored");

        let admin = server.user("boss", Role::Admin, &[]).await;
        let api = server.api(&admin).await;
        let (_, summary) = summary(&api, "shop=flowers&from=2026-03-01&to=2026-03-02").await;
        assert_eq!(summary["refunds_kopecks"], 10000, "{summary}");
        assert_eq!(summary["revenue_net_kopecks"], 0);
    }
);

web_test!(
    events_reject_unlisted_currency,
    async |server: &TestServer| {
        let (_, key) = shop(server, "flowers", "Europe/Moscow", None).await;
        let mut fake = purchase("p1", "2026-03-01T10:00:00Z", "v1", "A-1", 100);
        fake["currency"] = json!("ABC");
        let mut euro = purchase("p2", "2026-03-01T10:00:00Z", "v1", "A-2", 100);
        euro["currency"] = json!("eur");
        let (status, body) = post_events(server, &key, json!([fake, euro])).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        assert_eq!(body["accepted"], 1);
        let rejected = rejected_of(&body);
        assert_eq!(rejected.len(), 1, "{body}");
        assert_eq!((rejected[0].0, rejected[0].1.as_str()), (0, "currency"));
        assert!(rejected[0].2.contains("\"ABC\""), "{}", rejected[0].2);
        assert!(rejected[0].2.contains("ISO 4217"), "{}", rejected[0].2);
    }
);

web_test!(
    events_reject_time_before_2000,
    async |server: &TestServer| {
        let (_, key) = shop(server, "flowers", "Europe/Moscow", None).await;
        let batch = json!([
            view("e1", "1970-01-01T00:00:00Z", "v1"),
            view("e2", "2000-01-01T00:00:00Z", "v1"),
        ]);
        let (status, body) = post_events(server, &key, batch).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        assert_eq!(body["accepted"], 1);
        let rejected = rejected_of(&body);
        assert_eq!((rejected[0].0, rejected[0].1.as_str()), (0, "time"));
        assert!(
            rejected[0].2.contains("1970-01-01T00:00:00Z"),
            "{}",
            rejected[0].2
        );
    }
);

web_test!(
    order_first_stored_amount_wins,
    async |server: &TestServer| {
        let (_, key) = shop(server, "flowers", "Europe/Moscow", None).await;
        let first = json!([purchase("p1", "2026-03-01T10:00:00Z", "v1", "A-1", 10000)]);
        let (_, body) = post_events(server, &key, first).await;
        assert_eq!(body["accepted"], 1, "{body}");
        // A repeat dated earlier with another amount would become the first purchase.
        let repeats = json!([
            purchase("p2", "2026-03-01T09:00:00Z", "v1", "A-1", 50000),
            purchase("p3", "2026-03-01T11:00:00Z", "v1", "A-1", 70000),
        ]);
        let (_, body) = post_events(server, &key, repeats).await;
        assert_eq!(body["accepted"], 1, "{body}");
        let rejected = rejected_of(&body);
        assert_eq!(
            (rejected[0].0, rejected[0].1.as_str()),
            (0, "revenue_kopecks"),
            "{body}"
        );
        assert!(rejected[0].2.contains("A-1"), "{}", rejected[0].2);
        assert!(rejected[0].2.contains("10000 RUB"), "{}", rejected[0].2);

        let admin = server.user("boss", Role::Admin, &[]).await;
        let api = server.api(&admin).await;
        let (_, summary) = summary(&api, "shop=flowers&from=2026-03-01&to=2026-03-01").await;
        assert_eq!(summary["orders"], 1, "{summary}");
        assert_eq!(
            summary["revenue_gross_kopecks"], 10000,
            "the first amount counts"
        );
        assert_eq!(summary["duplicate_purchases"], 1);
    }
);

web_test!(
    order_without_rate_or_amount_counts,
    async |server: &TestServer| {
        let (_, key) = shop(server, "flowers", "Europe/Moscow", None).await;
        let mut yen = purchase("p1", "2026-03-01T10:00:00Z", "v1", "A-1", 500);
        yen["currency"] = json!("JPY");
        let batch = json!([
            yen,
            {"id": "p2", "type": "purchase", "time": "2026-03-01T11:00:00Z", "visitor": "v2",
             "order_id": "A-2"},
            purchase("p3", "2026-03-01T12:00:00Z", "v3", "A-3", 30000),
        ]);
        let (_, body) = post_events(server, &key, batch).await;
        assert_eq!(body["accepted"], 3, "{body}");

        let admin = server.user("boss", Role::Admin, &[]).await;
        let api = server.api(&admin).await;
        let (_, summary) = summary(&api, "shop=flowers&from=2026-03-01&to=2026-03-01").await;
        assert_eq!(summary["orders"], 3, "{summary}");
        assert_eq!(summary["orders_without_revenue"], 2);
        assert_eq!(summary["without_amount"], 1);
        assert_eq!(summary["revenue_gross_kopecks"], 30000);
        assert_eq!(
            summary["average_order_kopecks"], 30000,
            "over orders with revenue"
        );
        assert_eq!(summary["conversion_visitors"], 1.0);
        assert_eq!(
            summary["unconverted"],
            json!([{"currency": "JPY", "amount_minor": 500}])
        );
        let (_, daily) = api
            .get("/api/v1/analytics/daily?shop=flowers&from=2026-03-01&to=2026-03-01")
            .await;
        assert_eq!(daily["days"][0]["orders"], 3, "{daily}");
        assert_eq!(daily["days"][0]["orders_without_revenue"], 2);
    }
);

web_test!(
    events_message_in_russian_by_default,
    async |server: &TestServer| {
        let (_, key) = shop(server, "flowers", "Europe/Moscow", None).await;
        let response = reqwest::Client::new()
            .post(format!("{}/api/v1/events", server.url))
            .bearer_auth(&key)
            .json(&json!({"events": [{"id": "e1", "type": "page_view", "visitor": "v"}]}))
            .send()
            .await
            .unwrap();
        let (status, body) = json_of(response).await;
        assert_eq!(status, StatusCode::ACCEPTED);
        let message = body["rejected"][0]["message"].as_str().unwrap();
        assert!(message.contains("обязательное поле «time»"), "{message}");
    }
);

web_test!(
    events_wrong_key_unauthorized,
    async |server: &TestServer| {
        shop(server, "flowers", "Europe/Moscow", None).await;
        let events = json!([view("e1", "2026-03-01T10:00:00Z", "v1")]);
        let (status, body) = post_events(server, "vik_not-a-key", events.clone()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["error"]["code"], "unauthorized");
        let response = reqwest::Client::new()
            .post(format!("{}/api/v1/events", server.url))
            .json(&json!({ "events": events }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
);

web_test!(
    events_bad_bodies_refused_whole,
    async |server: &TestServer| {
        let (shop, key) = shop(server, "flowers", "Europe/Moscow", None).await;

        let (status, body) = post_raw(server, &key, b"{\"events\": [".to_vec()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["error"]["code"], "malformed_json");

        let (status, body) = post_raw(server, &key, b"{\"items\": []}".to_vec()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["error"]["field"], "events");

        let many: Vec<Value> = (0..1001)
            .map(|i| view(&format!("e{i}"), "2026-03-01T10:00:00Z", "v"))
            .collect();
        let (status, body) = post_events(server, &key, json!(many)).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(body["error"]["code"], "too_large");
        assert!(
            body["error"]["message"].as_str().unwrap().contains("1001"),
            "{body}"
        );

        let padding = "x".repeat(1024 * 1024);
        let huge = serde_json::to_vec(&json!({"events": [], "padding": padding})).unwrap();
        let (status, body) = post_raw(server, &key, huge).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(body["error"]["code"], "too_large");

        let events_db = server.state.events.clone().unwrap();
        let stored = store::analytics::events::count(&events_db, shop.id).await;
        assert_eq!(stored.unwrap(), 0);
    }
);

web_test!(
    events_key_writes_own_shop_only,
    async |server: &TestServer| {
        let (shop_a, key_a) = shop(server, "shop-a", "Europe/Moscow", None).await;
        let (shop_b, _) = shop(server, "shop-b", "Europe/Moscow", None).await;
        let events = json!([view("e1", "2026-03-01T10:00:00Z", "v1")]);

        let body = serde_json::to_vec(&json!({"shop": "shop-b", "events": events})).unwrap();
        let (status, answer) = post_raw(server, &key_a, body).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{answer}");
        assert_eq!(answer["error"]["field"], "shop");

        let (status, _) = post_events(server, &key_a, events).await;
        assert_eq!(status, StatusCode::ACCEPTED);
        let events_db = server.state.events.clone().unwrap();
        let count_a = store::analytics::events::count(&events_db, shop_a.id).await;
        let count_b = store::analytics::events::count(&events_db, shop_b.id).await;
        assert_eq!(count_a.unwrap(), 1);
        assert_eq!(count_b.unwrap(), 0);
    }
);

web_test!(summary_counts_shop_figures, async |server: &TestServer| {
    let (_, key) = shop(server, "flowers", "Europe/Moscow", None).await;
    let events = json!([
        view("e1", "2026-03-01T10:00:00Z", "v1"),
        {"id": "e2", "type": "product_view", "time": "2026-03-01T10:01:00Z", "visitor": "v1",
         "product_id": "x1", "category": "electronics.smartphone"},
        {"id": "e3", "type": "add_to_cart", "time": "2026-03-01T10:02:00Z", "visitor": "v1"},
        purchase("e4", "2026-03-01T10:03:00Z", "v1", "A-1", 1999000),
        view("e5", "2026-03-01T12:00:00Z", "v2"),
        view("e6", "2026-03-01T13:00:00Z", "v2"),
    ]);
    let (status, _) = post_events(server, &key, events).await;
    assert_eq!(status, StatusCode::ACCEPTED);

    let analyst = server.user("analyst", Role::Analyst, &[]).await;
    let api = server.api(&analyst).await;
    let (status, body) = summary(&api, "shop=flowers&from=2026-03-01&to=2026-03-01").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["visitors"], 2);
    assert_eq!(body["sessions"], 3);
    assert_eq!(body["page_views"], 4);
    assert_eq!(body["product_views"], 1);
    assert_eq!(body["add_to_carts"], 1);
    assert_eq!(body["orders"], 1);
    assert_eq!(body["revenue_gross_kopecks"], 1999000);
    assert_eq!(body["revenue_net_kopecks"], 1999000);
    assert_eq!(body["conversion_visitors"], 0.5);
    assert_eq!(body["conversion_sessions"].as_f64().unwrap(), 1.0 / 3.0);
    assert_eq!(body["visitor_window"], Value::Null);
    assert_eq!(body["time_zone"], "Europe/Moscow");

    let (_, next_day) = summary(&api, "shop=flowers&from=2026-03-02&to=2026-03-02").await;
    assert_eq!(next_day["visitors"], 0);
    assert_eq!(next_day["conversion_visitors"], Value::Null);
});

web_test!(summary_tricky_cases, async |server: &TestServer| {
    tricky_cases(server, false).await;
});

/// Runs a test with `analytics_exact_events` at 0, so every summary adds up the stored day
/// summaries instead of reading the raw events.
macro_rules! day_summary_test {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let test_db = store::testing::TestDb::sqlite().await;
                let server = TestServer::start_with(test_db, |config| {
                    config.analytics_exact_events = 0;
                })
                .await;
                ($body)(&server).await;
                server.finish().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(test_db) = store::testing::TestDb::postgres().await else {
                    return;
                };
                let server = TestServer::start_with(test_db, |config| {
                    config.analytics_exact_events = 0;
                })
                .await;
                ($body)(&server).await;
                server.finish().await;
            }
        }
    };
}

day_summary_test!(
    day_summaries_give_the_same_figures,
    async |server: &TestServer| {
        tricky_cases(server, true).await;
    }
);

day_summary_test!(
    day_summaries_follow_late_orders,
    async |server: &TestServer| {
        let (_, key) = shop(server, "late", "Europe/Moscow", None).await;
        let admin = server.user("boss", Role::Admin, &[]).await;
        let api = server.api(&admin).await;
        let (status, _) = post_events(
            server,
            &key,
            json!([purchase("q2", "2026-03-04T10:00:00Z", "v1", "B-1", 5000)]),
        )
        .await;
        assert_eq!(status, StatusCode::ACCEPTED);
        let (_, fourth) = summary(&api, "shop=late&from=2026-03-04&to=2026-03-04").await;
        assert_eq!(fourth["orders"], 1, "{fourth}");
        assert_eq!(fourth["revenue_gross_kopecks"], 5000);

        // The first purchase of the order arrives later: 4 March now contains a repeat.
        let (status, _) = post_events(
            server,
            &key,
            json!([purchase("q1", "2026-03-01T10:00:00Z", "v1", "B-1", 5000)]),
        )
        .await;
        assert_eq!(status, StatusCode::ACCEPTED);
        let (_, fourth) = summary(&api, "shop=late&from=2026-03-04&to=2026-03-04").await;
        assert_eq!(fourth["orders"], 0, "{fourth}");
        assert_eq!(fourth["duplicate_purchases"], 1);
        let (_, range) = summary(&api, "shop=late&from=2026-03-01&to=2026-03-04").await;
        assert_eq!(range["orders"], 1, "{range}");
        assert_eq!(range["revenue_gross_kopecks"], 5000);
        assert_eq!(range["visitors"], 1);
        assert_eq!(range["visitors_estimated"], true);

        // Every queued day was computed by the requests.
        let events_db = server.state.events.clone().unwrap();
        let queued: i64 = events_db
            .fetch_scalar("SELECT COUNT(*) FROM day_summary_queue", Vec::new())
            .await
            .unwrap();
        assert_eq!(queued, 0);
        let (status, daily) = api
            .get("/api/v1/analytics/daily?shop=late&from=2026-03-01&to=2026-03-04")
            .await;
        assert_eq!(status, StatusCode::OK, "{daily}");
        let orders: Vec<i64> = daily["days"]
            .as_array()
            .unwrap()
            .iter()
            .map(|day| day["orders"].as_i64().unwrap())
            .collect();
        assert_eq!(orders, [1, 0, 0, 0]);

        // The dashboard marks the estimate and explains it.
        let browser = server.browser("boss").await;
        let (status, html) = browser
            .get("/analytics?shop=late&from=2026-03-01&to=2026-03-04")
            .await;
        assert_eq!(status, StatusCode::OK, "{html}");
        assert!(html.contains("data-test=\"visitors\">≈ 1<"), "{html}");
        assert!(html.contains("HyperLogLog"), "{html}");
        let (_, html) = browser
            .get("/analytics?shop=late&from=2026-03-04&to=2026-03-04")
            .await;
        assert!(html.contains("data-test=\"visitors\">1<"), "{html}");
        assert!(!html.contains("data-test=\"visitors-estimated\""), "{html}");
    }
);

/// Stores the tricky cases of DOMAIN.md 4 and checks the summary. `from_days` is whether
/// the server adds up day summaries, whose multi-day visitor counts are estimates.
async fn tricky_cases(server: &TestServer, from_days: bool) {
    let (moscow, key) = shop(server, "moscow", "Europe/Moscow", None).await;
    let (_, bogota_key) = shop(server, "bogota", "America/Bogota", None).await;
    let usd = RateRow {
        date: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
        currency: Currency::parse("USD").unwrap(),
        rate: Rate {
            nominal: 1,
            value_ten_thousandths: 90_0000,
        },
    };
    store::analytics::rates::upsert(&server.state.db, &[usd])
        .await
        .unwrap();
    let events = json!([
        // The same order sent twice, three days apart: one order.
        purchase("p1", "2026-03-01T10:00:00Z", "v1", "A-1", 10000),
        purchase("p2", "2026-03-04T10:00:00Z", "v1", "A-1", 10000),
        // A refund of 30 roubles.
        {"id": "r1", "type": "refund", "time": "2026-03-02T10:00:00Z", "visitor": "v1",
         "order_id": "A-1", "revenue_kopecks": 3000},
        // 10 dollars at 90 roubles, and yen without a rate.
        {"id": "p3", "type": "purchase", "time": "2026-03-02T11:00:00Z", "visitor": "v2",
         "order_id": "A-2", "revenue_kopecks": 1000, "currency": "USD"},
        {"id": "p4", "type": "purchase", "time": "2026-03-02T12:00:00Z", "visitor": "v3",
         "order_id": "A-3", "revenue_kopecks": 500, "currency": "JPY"},
        // 23:50 and 00:10 in Moscow: two visits.
        view("m1", "2026-03-02T20:50:00Z", "v4"),
        view("m2", "2026-03-02T21:10:00Z", "v4"),
        // A Cyrillic path sent percent-encoded, and a crawler.
        {"id": "c1", "type": "page_view", "time": "2026-03-03T10:00:00Z", "visitor": "v5",
         "url": "https://shop.example/%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82?utm_source=%D0%B2%D0%BA"},
        {"id": "b1", "type": "page_view", "time": "2026-03-03T10:00:00Z", "visitor": "bot",
         "user_agent": "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)"},
    ]);
    let (status, answer) = post_events(server, &key, events).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
    assert_eq!(answer["accepted"], 9);
    // 23:50 and 00:10 in Bogota (UTC−5) are 07:50 and 08:10 in Moscow.
    let bogota = json!([
        view("n1", "2026-03-03T04:50:00Z", "w1"),
        view("n2", "2026-03-03T05:10:00Z", "w1"),
    ]);
    let (status, _) = post_events(server, &bogota_key, bogota).await;
    assert_eq!(status, StatusCode::ACCEPTED);

    let admin = server.user("boss", Role::Admin, &[]).await;
    let api = server.api(&admin).await;
    let (status, body) = summary(&api, "shop=moscow&from=2026-03-01&to=2026-03-04").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["orders"], 3,
        "the yen order counts without a rate: {body}"
    );
    assert_eq!(body["orders_without_revenue"], 1);
    assert_eq!(body["duplicate_purchases"], 1);
    assert_eq!(body["revenue_gross_kopecks"], 10000 + 90000);
    assert_eq!(body["refunds_kopecks"], 3000);
    assert_eq!(body["revenue_net_kopecks"], 7000 + 90000);
    assert_eq!(body["average_order_kopecks"], 50000);
    // Four visits with a purchase, none with a cart: each skipped the earlier steps, and
    // each counts as having reached the cart.
    assert_eq!(body["funnel"][3]["step"], "purchase");
    assert_eq!(body["funnel"][3]["sessions"], 4, "{body}");
    assert_eq!(body["funnel"][3]["skipped_earlier"], 4);
    assert_eq!(body["funnel"][1]["step"], "add_to_cart");
    assert_eq!(body["funnel"][1]["sessions"], 0);
    assert_eq!(body["funnel"][1]["reached"], 4);
    assert_eq!(body["revenue_incomplete"], true);
    assert_eq!(
        body["unconverted"],
        json!([{"currency": "JPY", "amount_minor": 500}])
    );
    assert_eq!(body["visitors"], 5, "the bot is left out: {body}");
    assert_eq!(body["visitors_estimated"], from_days);
    // v1: three visits on three days; v2, v3, v5: one each; v4: split at midnight.
    assert_eq!(body["sessions"], 3 + 1 + 1 + 2 + 1);

    let (_, with_bots) = summary(
        &api,
        "shop=moscow&from=2026-03-01&to=2026-03-04&include_bots=true",
    )
    .await;
    assert_eq!(with_bots["visitors"], 6);
    // The rollups count the same page loads, and every purchase event.
    let (status, rolled) = api
        .get("/api/v1/analytics/breakdown?shop=moscow&from=2026-03-01&to=2026-03-04&by=device")
        .await;
    assert_eq!(status, StatusCode::OK, "{rolled}");
    assert_eq!(rolled["total"]["page_views"], body["page_views"]);
    assert_eq!(
        rolled["total"]["purchases"], 4,
        "the repeat of A-1 included"
    );
    assert_eq!(rolled["total"]["refunds"], 1);

    // The repeat of order A-1 on 4 March alone is not a new order.
    let (_, fourth) = summary(&api, "shop=moscow&from=2026-03-04&to=2026-03-04").await;
    assert_eq!(fourth["orders"], 0);
    assert_eq!(fourth["conversion_visitors"], 0.0);
    assert_eq!(fourth["visitors_estimated"], false, "one day is exact");

    let (_, bogota) = summary(&api, "shop=bogota&from=2026-03-02&to=2026-03-03").await;
    assert_eq!(bogota["sessions"], 2);
    assert_eq!(bogota["time_zone"], "America/Bogota");
    // The platform view splits each shop's visits at the shop's own midnight.
    let (_, platform) = summary(&api, "from=2026-03-01&to=2026-03-04").await;
    assert_eq!(platform["shop"], Value::Null);
    assert_eq!(platform["visitors"], 6);
    assert_eq!(platform["sessions"], 8 + 2);

    let events_db = server.state.events.clone().unwrap();
    let path: Option<String> = events_db
        .fetch_scalar(
            "SELECT page_path FROM events WHERE shop_id = $1 AND event_id = 'c1'",
            store::args![moscow.id],
        )
        .await
        .unwrap();
    assert_eq!(path.as_deref(), Some("/привет"));
    let source: Option<String> = events_db
        .fetch_scalar(
            "SELECT utm_source FROM events WHERE shop_id = $1 AND event_id = 'c1'",
            store::args![moscow.id],
        )
        .await
        .unwrap();
    assert_eq!(source.as_deref(), Some("вк"));
}

web_test!(summary_access_by_role, async |server: &TestServer| {
    let company = server.client_company("ООО Ромашка").await;
    let other_company = server.client_company("ООО Лютик").await;
    shop(server, "own", "Europe/Moscow", Some(company)).await;
    shop(server, "foreign", "Europe/Moscow", Some(other_company)).await;
    let range = "from=2026-03-01&to=2026-03-01";

    let analyst = server
        .api(&server.user("analyst", Role::Analyst, &[]).await)
        .await;
    let support = server
        .api(&server.user("support", Role::Support, &[]).await)
        .await;
    let client = server
        .api(&server.client_user("client", company).await)
        .await;

    let (status, _) = summary(&analyst, &format!("shop=foreign&{range}")).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = summary(&analyst, range).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = summary(&support, &format!("shop=own&{range}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = summary(&client, &format!("shop=own&{range}")).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = summary(&client, &format!("shop=foreign&{range}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    // A slug that no shop has gets the same response, so a client cannot probe for slugs.
    let (status, missing) = summary(&client, &format!("shop=missing&{range}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");
    assert_eq!(missing["message"], body["message"]);
    assert_eq!(missing["field"], body["field"]);
    let (status, _) = summary(&client, range).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = summary(&analyst, &format!("shop=missing&{range}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let anonymous = reqwest::get(format!("{}/api/v1/analytics/summary?{range}", server.url))
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
});

web_test!(summary_rejects_bad_ranges, async |server: &TestServer| {
    let analyst = server
        .api(&server.user("analyst", Role::Analyst, &[]).await)
        .await;
    let cases = [
        ("to=2026-03-01", "from"),
        ("from=2026-03-01", "to"),
        ("from=01.03.2026&to=2026-03-01", "from"),
        ("from=2026-03-02&to=2026-03-01", "from"),
        ("from=2025-01-01&to=2026-03-01", "to"),
        (
            "from=2026-03-01&to=2026-03-01&include_bots=yes",
            "include_bots",
        ),
    ];
    for (query, field) in cases {
        let (status, body) = summary(&analyst, query).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {body}");
        assert_eq!(body["error"]["field"], field, "{query}");
    }
});

web_test!(openapi_lists_analytics, async |server: &TestServer| {
    let document: Value = reqwest::get(format!("{}/api/openapi.json", server.url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(document["paths"]["/api/v1/events"]["post"].is_object());
    assert!(document["paths"]["/api/v1/analytics/summary"]["get"].is_object());
    assert!(document["paths"]["/api/v1/analytics/daily"]["get"].is_object());
    assert!(document["paths"]["/api/v1/analytics/breakdown"]["get"].is_object());
    assert!(document["paths"]["/api/v1/analytics/heatmap"]["get"].is_object());
    for path in [
        "/api/v1/analytics/heatmap/products",
        "/api/v1/analytics/products",
        "/api/v1/analytics/trends",
        "/api/v1/analytics/export",
    ] {
        assert!(
            document["paths"][path]["get"].is_object(),
            "{path} is missing"
        );
    }
    let schemas = &document["components"]["schemas"];
    assert!(schemas["TopProductsJson"].is_object(), "{schemas}");
});

web_test!(daily_series_per_shop_day, async |server: &TestServer| {
    let company = server.client_company("ООО Ромашка").await;
    let (_, key) = shop(server, "flowers", "Europe/Moscow", Some(company)).await;
    let events = json!([
        // 23:50 in Moscow on 1 March, then 00:10 on 2 March.
        view("e1", "2026-03-01T20:50:00Z", "v1"),
        purchase("p1", "2026-03-01T20:55:00Z", "v1", "A-1", 5000),
        view("e2", "2026-03-01T21:10:00Z", "v1"),
        purchase("p2", "2026-03-01T21:15:00Z", "v1", "A-1", 5000),
    ]);
    let (status, _) = post_events(server, &key, events).await;
    assert_eq!(status, StatusCode::ACCEPTED);

    let client = server
        .api(&server.client_user("client", company).await)
        .await;
    let (status, body) = client
        .get("/api/v1/analytics/daily?shop=flowers&from=2026-03-01&to=2026-03-03")
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let days = body["days"].as_array().unwrap();
    assert_eq!(days.len(), 3);
    assert_eq!(days[0]["date"], "2026-03-01");
    assert_eq!(days[0]["orders"], 1);
    assert_eq!(days[0]["revenue_gross_kopecks"], 5000);
    assert_eq!(days[1]["orders"], 0, "the repeat of A-1 is not a new order");
    assert_eq!(days[1]["sessions"], 1);
    assert_eq!(days[2]["visitors"], 0);
    assert_eq!(days[2]["conversion_visitors"], Value::Null);

    let (status, _) = client
        .get("/api/v1/analytics/daily?from=2026-03-01&to=2026-03-03")
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
});

web_test!(dashboard_page_shows_summary, async |server: &TestServer| {
    let company = server.client_company("ООО Ромашка").await;
    let other = server.client_company("ООО Лютик").await;
    let (_, key) = shop(server, "flowers", "Europe/Moscow", Some(company)).await;
    shop(server, "foreign", "Europe/Moscow", Some(other)).await;
    let events = json!([
        view("e1", "2026-03-01T10:00:00Z", "v1"),
        purchase("p1", "2026-03-01T10:05:00Z", "v1", "A-1", 5000),
        view("e2", "2026-03-01T11:00:00Z", "v2"),
    ]);
    let (status, _) = post_events(server, &key, events).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    server.user("analyst", Role::Analyst, &[]).await;
    server.client_user("client", company).await;

    let analyst = server.browser("analyst").await;
    let (status, html) = analyst
        .get("/analytics?shop=flowers&from=2026-03-01&to=2026-03-01")
        .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("data-test=\"visitors\">2<"), "{html}");
    assert!(html.contains("data-test=\"orders\">1<"), "{html}");
    assert!(html.contains("50.00 %"), "{html}");
    // The figures stand beside the previous day's, with the average order.
    assert!(html.contains("2026-02-28 — 2026-02-28"), "{html}");
    assert!(
        html.contains("data-test=\"average-order\">50,00\u{a0}₽<"),
        "{html}"
    );
    assert!(html.contains("data-test=\"funnel\""), "{html}");
    assert!(html.contains("/static/vendor/echarts/echarts.min.js"));
    assert!(html.contains("data-test=\"breakdown-category\""), "{html}");
    assert!(html.contains("data-test=\"heatmap\""), "{html}");
    assert!(
        html.contains("/api/v1/analytics/export?shop=flowers&#38;from=2026-03-01"),
        "{html}"
    );
    let chart = html.split("data-url=\"").nth(1).unwrap_or_default();
    assert!(
        chart.contains("daily?shop=flowers&#38;from=2026-03-01"),
        "{chart}"
    );
    let (status, html) = analyst.get("/analytics").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("href=\"/analytics\""), "analyst nav: {html}");
    let (status, script) = analyst.get("/static/analytics.js").await;
    assert_eq!(status, StatusCode::OK);
    assert!(script.contains("echarts.init"));
    assert!(script.contains("heatmap-chart"));

    let client = server.browser("client").await;
    let (status, _) = client
        .get("/analytics?shop=foreign&from=2026-03-01&to=2026-03-01")
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, html) = client
        .get("/analytics?shop=flowers&from=2026-03-01&to=2026-03-01")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Посетители"), "{html}");
    assert!(!html.contains("href=\"/analytics\""), "client nav: {html}");
});

fn product_view(id: &str, time: &str, visitor: &str, category: &str, user_agent: &str) -> Value {
    json!({"id": id, "type": "product_view", "time": time, "visitor": visitor,
           "url": "/catalog/x1", "category": category, "price_kopecks": 10000,
           "user_agent": user_agent})
}

const DESKTOP: &str = "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0";
const PHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Mobile/15E148";

web_test!(
    breakdown_compares_previous_period,
    async |server: &TestServer| {
        let (_, key) = shop(server, "flowers", "Europe/Moscow", None).await;
        let events = json!([
            // Previous period (1–2 March): one phone view.
            product_view(
                "e1",
                "2026-03-02T10:00:00Z",
                "v1",
                "electronics.phones",
                DESKTOP
            ),
            // Current period (3–4 March): two phone views, one book view, one repeated id.
            product_view(
                "e2",
                "2026-03-03T10:00:00Z",
                "v1",
                "electronics.phones",
                DESKTOP
            ),
            product_view(
                "e3",
                "2026-03-04T10:00:00Z",
                "v2",
                "electronics.phones",
                PHONE
            ),
            product_view("e4", "2026-03-04T11:00:00Z", "v2", "books", PHONE),
            product_view("e4", "2026-03-04T11:00:00Z", "v2", "books", PHONE),
        ]);
        let (status, body) = post_events(server, &key, events).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        let analyst = server
            .api(&server.user("analyst", Role::Analyst, &[]).await)
            .await;

        let (status, body) = analyst
            .get("/api/v1/analytics/breakdown?shop=flowers&from=2026-03-03&to=2026-03-04")
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["by"], "category");
        assert_eq!(body["previous_from"], "2026-03-01");
        assert_eq!(body["previous_to"], "2026-03-02");
        let rows: Vec<(&str, i64, i64)> = body["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| {
                (
                    row["key"].as_str().unwrap(),
                    row["current"]["product_views"].as_i64().unwrap(),
                    row["previous"]["product_views"].as_i64().unwrap(),
                )
            })
            .collect();
        assert_eq!(rows, [("electronics.phones", 2, 1), ("books", 1, 0)]);
        assert_eq!(body["total"]["page_views"], 3);
        assert_eq!(body["previous_total"]["page_views"], 1);

        let (status, body) = analyst
        .get("/api/v1/analytics/breakdown?shop=flowers&from=2026-03-03&to=2026-03-04&by=device&limit=1")
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["rows"].as_array().unwrap().len(), 1);
        assert_eq!(body["rows"][0]["key"], "mobile");
        assert_eq!(body["total"]["product_views"], 3);
    }
);

web_test!(
    breakdown_rejects_bad_parameters,
    async |server: &TestServer| {
        let analyst = server
            .api(&server.user("analyst", Role::Analyst, &[]).await)
            .await;
        let range = "from=2026-03-01&to=2026-03-02";
        let cases = [
            ("breakdown", format!("{range}&by=city"), "by"),
            ("breakdown", format!("{range}&limit=0"), "limit"),
            ("breakdown", format!("{range}&limit=ten"), "limit"),
            ("breakdown", "from=2026-03-01".to_string(), "to"),
            ("heatmap", format!("{range}&by=category"), "by"),
        ];
        for (report, query, field) in cases {
            let (status, body) = analyst
                .get(&format!("/api/v1/analytics/{report}?{query}"))
                .await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {body}");
            assert_eq!(body["error"]["field"], field, "{query}");
        }
    }
);

web_test!(heatmap_segments_by_category, async |server: &TestServer| {
    let company = server.client_company("ООО Ромашка").await;
    let other = server.client_company("ООО Лютик").await;
    let (_, key) = shop(server, "flowers", "Europe/Moscow", Some(company)).await;
    shop(server, "foreign", "Europe/Moscow", Some(other)).await;
    let events = json!([
        product_view("e1", "2026-03-03T10:00:00Z", "v1", "electronics.phones", DESKTOP),
        product_view("e2", "2026-03-03T10:01:00Z", "v1", "books", DESKTOP),
        product_view("e3", "2026-03-03T10:02:00Z", "v2", "books", PHONE),
        {"id": "p1", "type": "purchase", "time": "2026-03-03T10:05:00Z", "visitor": "v2",
         "category": "books", "order_id": "A-1", "revenue_kopecks": 10000,
         "user_agent": PHONE},
    ]);
    let (status, body) = post_events(server, &key, events).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let client = server
        .api(&server.client_user("client", company).await)
        .await;

    let (status, body) = client
        .get("/api/v1/analytics/heatmap?shop=flowers&from=2026-03-03&to=2026-03-03")
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let cells: Vec<(&str, &str, i64, f64)> = body["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|cell| {
            (
                cell["segment"].as_str().unwrap(),
                cell["category"].as_str().unwrap(),
                cell["product_views"].as_i64().unwrap(),
                cell["share_of_segment"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        cells,
        [
            ("desktop", "books", 1, 0.5),
            ("desktop", "electronics", 1, 0.5),
            ("mobile", "books", 1, 1.0),
        ]
    );
    assert_eq!(body["cells"][2]["purchases_per_view"], 1.0);

    let (status, _) = client
        .get("/api/v1/analytics/heatmap?shop=foreign&from=2026-03-03&to=2026-03-03")
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = client
        .get("/api/v1/analytics/breakdown?from=2026-03-03&to=2026-03-03")
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
});

/// Downloads an export as bytes with the analyst's token.
async fn export(server: &TestServer, token: &str, query: &str) -> (StatusCode, String, Vec<u8>) {
    let response = reqwest::Client::new()
        .get(format!("{}/api/v1/analytics/export?{query}", server.url))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|value| value.to_str().unwrap().to_string())
        .unwrap_or_default();
    (
        status,
        content_type,
        response.bytes().await.unwrap().to_vec(),
    )
}

web_test!(
    export_matches_breakdown_and_neutralises,
    async |server: &TestServer| {
        let (_, key) = shop(server, "flowers", "Europe/Moscow", None).await;
        let events = json!([
            product_view(
                "e1",
                "2026-03-02T10:00:00Z",
                "v1",
                "=HYPERLINK(\"x\")",
                DESKTOP
            ),
            product_view(
                "e2",
                "2026-03-03T10:00:00Z",
                "v1",
                "=HYPERLINK(\"x\")",
                DESKTOP
            ),
            product_view(
                "e3",
                "2026-03-03T10:00:00Z",
                "v1",
                "=HYPERLINK(\"x\")",
                DESKTOP
            ),
            product_view("e4", "2026-03-03T11:00:00Z", "v2", "-books", PHONE),
        ]);
        let (status, body) = post_events(server, &key, events).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        let analyst = server.user("analyst", Role::Analyst, &[]).await;
        let token = server.token(&analyst).await;
        let query = "shop=flowers&from=2026-03-03&to=2026-03-03";

        let (status, content_type, bytes) = export(server, &token, query).await;
        assert_eq!(status, StatusCode::OK);
        assert!(content_type.starts_with("text/csv"), "{content_type}");
        let mut reader = csv::Reader::from_reader(bytes.as_slice());
        let headers = reader.headers().unwrap().clone();
        assert_eq!(&headers[0], "Категория", "Russian by default");
        assert_eq!(&headers[1], "Просмотры страниц");
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(&rows[0][0], "'=HYPERLINK(\"x\")");
        assert_eq!(&rows[0][1], "2");
        assert_eq!(&rows[0][2], "1");
        assert_eq!(&rows[0][3], "1", "the change from 1 to 2 views is +100 %");
        assert_eq!(&rows[1][0], "'-books");

        let (status, content_type, bytes) =
            export(server, &token, &format!("{query}&format=xlsx")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(content_type.contains("spreadsheetml"), "{content_type}");
        use calamine::{Data, Reader, Xlsx};
        let mut workbook: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let sheet = workbook.worksheet_range_at(0).unwrap().unwrap();
        assert_eq!(sheet.get((0, 0)), Some(&Data::String("Категория".into())));
        assert_eq!(
            sheet.get((1, 0)),
            Some(&Data::String("'=HYPERLINK(\"x\")".into()))
        );
        assert_eq!(sheet.get((1, 1)), Some(&Data::Float(2.0)));
        assert_eq!(sheet.get((1, 3)), Some(&Data::Float(1.0)));
        assert_eq!(sheet.get((2, 0)), Some(&Data::String("'-books".into())));
        assert_eq!(sheet.get((2, 1)), Some(&Data::Float(1.0)));

        let (status, _, bytes) = export(server, &token, &format!("{query}&report=heatmap")).await;
        assert_eq!(status, StatusCode::OK);
        let text = String::from_utf8(bytes).unwrap();
        assert!(
            text.starts_with("Тип устройства,Категория,Просмотры товаров,Доля в сегменте"),
            "{text}"
        );
        // Headers follow the user's language.
        let english_analyst = server.user("analyst-en", Role::Analyst, &[]).await;
        let english = store::identity::users::UserChange {
            locale: Some("en".into()),
            ..Default::default()
        };
        let author = store::identity::Author::system();
        let now = domain::time::now();
        store::identity::users::update(
            &server.state.db,
            english_analyst.id,
            None,
            &english,
            &author,
            now,
        )
        .await
        .unwrap();
        let english_token = server.token(&english_analyst).await;
        let query = format!("{query}&report=heatmap");
        let (_, _, bytes) = export(server, &english_token, &query).await;
        let english = String::from_utf8(bytes).unwrap();
        assert!(
            english.starts_with("Device class,Category,Product views,Share of segment"),
            "{english}"
        );
        assert!(
            text.contains("desktop,\"'=HYPERLINK(\"\"x\"\")\""),
            "{text}"
        );

        let (status, _, _) = export(server, &token, &format!("{query}&format=pdf")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }
);

web_test!(
    trends_rank_categories_week_over_week,
    async |server: &TestServer| {
        let (_, first) = shop(server, "flowers", "Europe/Moscow", None).await;
        let (_, second) = shop(server, "books", "Asia/Vladivostok", None).await;
        // 2026-03-09 is a Monday: the current week runs 9–11 March, the previous 2–4 March.
        let mut events = Vec::new();
        for i in 0..3 {
            events.push(product_view(
                &format!("b{i}"),
                "2026-03-03T10:00:00Z",
                "v1",
                "books.novels",
                DESKTOP,
            ));
        }
        events.push(product_view(
            "p1",
            "2026-03-03T10:00:00Z",
            "v1",
            "phones",
            DESKTOP,
        ));
        events.push(product_view(
            "b9",
            "2026-03-10T10:00:00Z",
            "v1",
            "books.novels",
            DESKTOP,
        ));
        for i in 0..4 {
            events.push(product_view(
                &format!("p{}", i + 2),
                "2026-03-10T10:00:00Z",
                "v1",
                "phones.android",
                DESKTOP,
            ));
        }
        events.push(product_view(
            "t1",
            "2026-03-10T10:00:00Z",
            "v1",
            "toys",
            DESKTOP,
        ));
        let (status, body) = post_events(server, &first, Value::Array(events)).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        let other = json!([product_view(
            "x1",
            "2026-03-10T10:00:00Z",
            "v9",
            "phones",
            PHONE
        )]);
        let (status, body) = post_events(server, &second, other).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        let analyst = server
            .api(&server.user("analyst", Role::Analyst, &[]).await)
            .await;

        let (status, body) = analyst
            .get("/api/v1/analytics/trends?date=2026-03-11&period=week&min_volume=1")
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["current_from"], "2026-03-09");
        assert_eq!(body["previous_from"], "2026-03-02");
        assert_eq!(body["previous_to"], "2026-03-04");
        let categories: Vec<(&str, i64, i64)> = body["categories"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["category"].as_str().unwrap(),
                    c["current"].as_i64().unwrap(),
                    c["previous"].as_i64().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            categories,
            [("phones", 5, 1), ("books", 1, 3), ("toys", 1, 0)]
        );
        assert_eq!(body["growing"][0]["category"], "phones");
        assert_eq!(body["growing"][0]["growth"], 4.0);
        assert_eq!(body["falling"][0]["category"], "books");
        assert_eq!(body["new"][0]["category"], "toys");
        let days = body["days"].as_array().unwrap();
        assert_eq!(days.len(), 10, "2 to 11 March");
        let phones = body["series"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["category"] == "phones")
            .unwrap();
        assert_eq!(phones["values"][1], 1, "3 March");
        assert_eq!(phones["values"][8], 5, "10 March");

        let (status, body) = analyst
            .get("/api/v1/analytics/trends?date=2026-03-11&shop=books&min_volume=1")
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["categories"].as_array().unwrap().len(), 1);

        let (status, body) = analyst.get("/api/v1/analytics/trends?period=year").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["error"]["field"], "period");

        // The page and the export show the same numbers.
        let (status, content_type, bytes) = export(
            server,
            &analyst.token,
            "report=trends&format=csv&date=2026-03-11&period=week",
        )
        .await;
        let csv = String::from_utf8(bytes).unwrap();
        assert_eq!(status, StatusCode::OK, "{csv}");
        assert!(content_type.starts_with("text/csv"), "{content_type}");
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(
            lines[0],
            "Категория,Текущий период,Прошлый период,Рост (доля)"
        );
        assert!(lines[1].starts_with("phones,5,1,4"), "{csv}");
        assert!(lines[3].starts_with("toys,1,0,"), "{csv}");
        let browser = server.browser("analyst").await;
        let (status, html) = browser
            .get("/analytics/trends?date=2026-03-11&period=week")
            .await;
        assert_eq!(status, StatusCode::OK, "{html}");
        let all = html
            .split("data-test=\"trends-all\"")
            .nth(1)
            .unwrap_or_default();
        assert!(
            all.contains("<td>phones</td><td>5</td><td>1</td><td>+400.0 %</td>"),
            "{all}"
        );
        assert!(html.contains("2026-03-09 — 2026-03-11"), "{html}");
        assert!(html.contains("report=trends&#38;format=xlsx"), "{html}");
        let (status, _) = browser.get("/analytics/trends?metric=profit").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }
);

/// Builds a product event of `kind` with a product, a category and a price.
fn product_event(
    kind: &str,
    id: &str,
    time: &str,
    visitor: &str,
    product: &str,
    category: &str,
    kopecks: i64,
) -> Value {
    json!({"id": id, "type": kind, "time": time, "visitor": visitor,
           "url": format!("/catalog/{product}"), "product_id": product, "category": category,
           "price_kopecks": kopecks, "user_agent": DESKTOP})
}

/// Returns the cells of a heatmap response as (segment, category) → cell.
fn cells_of(body: &Value) -> std::collections::BTreeMap<(String, String), Value> {
    body["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|cell| {
            let key = (
                cell["segment"].as_str().unwrap().to_string(),
                cell["category"].as_str().unwrap().to_string(),
            );
            (key, cell.clone())
        })
        .collect()
}

/// Builds two days of a shop. v1 views books on 2 March and again on 3 March. On 3 March v2,
/// signed in as customer c2, views, adds to cart and buys a book.
fn returning_and_registered_buyer() -> Value {
    let mut registered = product_event(
        "product_view",
        "e3",
        "2026-03-03T10:00:00Z",
        "v2",
        "b2",
        "books.novels",
        20000,
    );
    registered["customer_id"] = json!("c2");
    let mut bought = product_event(
        "purchase",
        "e5",
        "2026-03-03T10:10:00Z",
        "v2",
        "b2",
        "books.novels",
        20000,
    );
    bought["order_id"] = json!("A-1");
    bought["revenue_kopecks"] = json!(20000);
    json!([
        product_event(
            "product_view",
            "e1",
            "2026-03-02T10:00:00Z",
            "v1",
            "b1",
            "books",
            10000
        ),
        product_event(
            "product_view",
            "e2",
            "2026-03-03T09:00:00Z",
            "v1",
            "b1",
            "books",
            10000
        ),
        registered,
        product_event(
            "add_to_cart",
            "e4",
            "2026-03-03T10:05:00Z",
            "v2",
            "b2",
            "books.novels",
            20000
        ),
        bought,
    ])
}

web_test!(
    heatmap_recency_account_buyer,
    async |server: &TestServer| {
        let (_, key) = shop(server, "flowers", "Europe/Moscow", None).await;
        let (status, body) = post_events(server, &key, returning_and_registered_buyer()).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        let analyst = server
            .api(&server.user("analyst", Role::Analyst, &[]).await)
            .await;
        let day = "shop=flowers&from=2026-03-03&to=2026-03-03";

        let (status, body) = analyst
            .get(&format!("/api/v1/analytics/heatmap?{day}&by=recency"))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["segment"], "recency");
        let cells = cells_of(&body);
        let new = &cells[&("new".to_string(), "books".to_string())];
        assert_eq!(new["product_views"], 1, "{body}");
        assert_eq!(new["add_to_carts"], 1);
        assert_eq!(new["purchases"], 1);
        assert_eq!(new["visitors"], 1);
        assert_eq!(new["buyers"], 1);
        assert_eq!(new["conversion"], 1.0);
        assert_eq!(new["share_of_segment"], 1.0);
        let returning = &cells[&("returning".to_string(), "books".to_string())];
        assert_eq!(returning["product_views"], 1, "v1 was seen on 2 March");
        assert_eq!(returning["buyers"], 0);
        assert_eq!(returning["conversion"], 0.0);

        let (_, body) = analyst
            .get(&format!("/api/v1/analytics/heatmap?{day}&by=account"))
            .await;
        let cells = cells_of(&body);
        assert_eq!(
            cells[&("registered".to_string(), "books".to_string())]["product_views"],
            1,
            "{body}"
        );
        assert_eq!(
            cells[&("guest".to_string(), "books".to_string())]["product_views"],
            1
        );

        let (_, body) = analyst
            .get(&format!("/api/v1/analytics/heatmap?{day}&by=buyer"))
            .await;
        let cells = cells_of(&body);
        assert_eq!(
            cells[&("buyer".to_string(), "books".to_string())]["visitors"],
            1,
            "{body}"
        );
        assert_eq!(
            cells[&("non_buyer".to_string(), "books".to_string())]["visitors"],
            1
        );

        // Over both days v1 is new on 2 March and returning on 3 March: visitors are per day.
        let (_, body) = analyst
            .get("/api/v1/analytics/heatmap?shop=flowers&from=2026-03-02&to=2026-03-03&by=recency")
            .await;
        let cells = cells_of(&body);
        assert_eq!(
            cells[&("new".to_string(), "books".to_string())]["visitors"],
            2,
            "{body}"
        );
        assert_eq!(
            cells[&("returning".to_string(), "books".to_string())]["visitors"],
            1
        );

        let (status, body) = analyst
            .get(&format!("/api/v1/analytics/heatmap?{day}&by=city"))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["error"]["field"], "by");
    }
);

web_test!(
    heatmap_price_tiers_by_thirds,
    async |server: &TestServer| {
        let (_, key) = shop(server, "flowers", "Europe/Moscow", None).await;
        let events = json!([
            product_event(
                "product_view",
                "e1",
                "2026-03-03T10:00:00Z",
                "v1",
                "t1",
                "toys",
                100
            ),
            product_event(
                "product_view",
                "e2",
                "2026-03-03T10:01:00Z",
                "v1",
                "t2",
                "toys",
                200
            ),
            product_event(
                "product_view",
                "e3",
                "2026-03-03T10:02:00Z",
                "v1",
                "t3",
                "toys.cars",
                300
            ),
            product_event(
                "product_view",
                "e4",
                "2026-03-03T10:03:00Z",
                "v1",
                "t4",
                "toys",
                0
            ),
        ]);
        let (status, body) = post_events(server, &key, events).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        let analyst = server
            .api(&server.user("analyst", Role::Analyst, &[]).await)
            .await;
        let (status, body) = analyst
        .get("/api/v1/analytics/heatmap?shop=flowers&from=2026-03-03&to=2026-03-03&by=price_tier")
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let cells = cells_of(&body);
        for tier in ["low", "middle", "high", "unknown"] {
            let cell = &cells[&(tier.to_string(), "toys".to_string())];
            assert_eq!(cell["product_views"], 1, "{tier}: {body}");
            assert_eq!(cell["share_of_segment"], 1.0, "{tier}");
        }
    }
);

web_test!(
    drilldown_products_equal_cell,
    async |server: &TestServer| {
        let company = server.client_company("ООО Ромашка").await;
        let other = server.client_company("ООО Лютик").await;
        let (_, key) = shop(server, "flowers", "Europe/Moscow", Some(company)).await;
        shop(server, "foreign", "Europe/Moscow", Some(other)).await;
        let (status, body) = post_events(server, &key, returning_and_registered_buyer()).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        let client = server
            .api(&server.client_user("client", company).await)
            .await;
        let range = "shop=flowers&from=2026-03-02&to=2026-03-03";

        for by in [
            "recency",
            "device",
            "source",
            "account",
            "buyer",
            "price_tier",
        ] {
            let (status, heatmap) = client
                .get(&format!("/api/v1/analytics/heatmap?{range}&by={by}"))
                .await;
            assert_eq!(status, StatusCode::OK, "{heatmap}");
            for cell in heatmap["cells"].as_array().unwrap() {
                let (segment, category) = (
                    cell["segment"].as_str().unwrap(),
                    cell["category"].as_str().unwrap(),
                );
                let (status, body) = client
                .get(&format!("/api/v1/analytics/heatmap/products?{range}&by={by}&segment={segment}&category={category}"))
                .await;
                assert_eq!(status, StatusCode::OK, "{body}");
                for figure in ["product_views", "add_to_carts", "purchases"] {
                    assert_eq!(
                        body["total"][figure], cell[figure],
                        "{by} {segment} {category} {figure}: {body}"
                    );
                }
            }
        }

        let (_, body) = client
            .get(&format!(
                "/api/v1/analytics/heatmap/products?{range}&by=recency&segment=new&category=books"
            ))
            .await;
        let products: Vec<(&str, i64, i64, i64)> = body["products"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["product_id"].as_str().unwrap(),
                    p["product_views"].as_i64().unwrap(),
                    p["add_to_carts"].as_i64().unwrap(),
                    p["purchases"].as_i64().unwrap(),
                )
            })
            .collect();
        assert_eq!(products, [("b2", 1, 1, 1), ("b1", 1, 0, 0)], "{body}");
        assert_eq!(body["product_count"], 2);

        let cases = [
            ("by=recency&segment=mobile&category=books", "segment"),
            ("by=recency&category=books", "segment"),
            ("by=recency&segment=new", "category"),
            ("by=recency&segment=new&category=books&limit=0", "limit"),
        ];
        for (query, field) in cases {
            let (status, body) = client
                .get(&format!(
                    "/api/v1/analytics/heatmap/products?{range}&{query}"
                ))
                .await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {body}");
            assert_eq!(body["error"]["field"], field, "{query}");
        }
        let (status, _) = client
        .get("/api/v1/analytics/heatmap/products?shop=foreign&from=2026-03-02&to=2026-03-03&segment=desktop&category=books")
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = client
        .get("/api/v1/analytics/heatmap/products?from=2026-03-02&to=2026-03-03&segment=desktop&category=books")
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // The page and the export show the same products.
        let (status, _, bytes) = export(
            server,
            &client.token,
            &format!("report=products&{range}&by=recency&segment=new&category=books"),
        )
        .await;
        let csv = String::from_utf8(bytes).unwrap();
        assert_eq!(status, StatusCode::OK, "{csv}");
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(
            lines,
            [
                "Магазин,Товар,Просмотры товаров,Добавления в корзину,Покупки",
                "flowers,b2,1,1,1",
                "flowers,b1,1,0,0"
            ]
        );
        server.client_user("owner", company).await;
        let browser = server.browser("owner").await;
        let (status, html) = browser
            .get(&format!("/analytics?{range}&heatmap=recency"))
            .await;
        assert_eq!(status, StatusCode::OK, "{html}");
        assert!(html.contains("data-test=\"heatmap-products\""), "{html}");
        assert!(
        html.contains("/analytics/heatmap/products?shop=flowers&#38;from=2026-03-02&#38;to=2026-03-03&#38;by=recency&#38;segment=new&#38;category=books"),
        "{html}"
    );
        let (status, html) = browser
            .get(&format!(
                "/analytics/heatmap/products?{range}&by=recency&segment=new&category=books"
            ))
            .await;
        assert_eq!(status, StatusCode::OK, "{html}");
        assert!(
            html.contains("<td>flowers</td><td>b2</td><td>1</td><td>1</td><td>1</td>"),
            "{html}"
        );
    }
);

web_test!(
    trends_orders_and_revenue_once,
    async |server: &TestServer| {
        let (_, key) = shop(server, "flowers", "Europe/Moscow", None).await;
        let order = |id: &str, time: &str, order: &str, kopecks: i64| {
            let mut event = product_event("purchase", id, time, "v1", "b1", "books", kopecks);
            event["order_id"] = json!(order);
            event["revenue_kopecks"] = json!(kopecks);
            event
        };
        // 2026-03-09 is a Monday: the current week runs 9–11 March, the previous 2–4 March.
        let events = json!([
            order("p1", "2026-03-03T10:00:00Z", "A-1", 10000),
            order("p2", "2026-03-10T10:00:00Z", "B-1", 15000),
            // B-1 sent again with another event id: one order, counted once.
            order("p3", "2026-03-10T10:05:00Z", "B-1", 15000),
            order("p4", "2026-03-10T11:00:00Z", "B-2", 5000),
        ]);
        let (status, body) = post_events(server, &key, events).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        let analyst = server
            .api(&server.user("analyst", Role::Analyst, &[]).await)
            .await;
        let week = "date=2026-03-11&period=week&min_volume=1";

        let (status, body) = analyst
            .get(&format!("/api/v1/analytics/trends?{week}&metric=orders"))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["metric"], "orders");
        assert_eq!(body["categories"][0]["category"], "books");
        assert_eq!(body["categories"][0]["current"], 2, "{body}");
        assert_eq!(body["categories"][0]["previous"], 1);
        assert_eq!(body["categories"][0]["growth"], 1.0);

        let (_, body) = analyst
            .get(&format!("/api/v1/analytics/trends?{week}&metric=revenue"))
            .await;
        assert_eq!(body["categories"][0]["current"], 20000, "{body}");
        assert_eq!(body["categories"][0]["previous"], 10000);
        let books = &body["series"][0];
        assert_eq!(books["values"][8], 20000, "10 March: {body}");

        let (_, body) = analyst
            .get(&format!("/api/v1/analytics/trends?{week}&metric=purchases"))
            .await;
        assert_eq!(
            body["categories"][0]["current"], 3,
            "purchase events: {body}"
        );

        let (status, summary) =
            summary(&analyst, "shop=flowers&from=2026-03-09&to=2026-03-11").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(summary["orders"], 2, "the summary counts the same orders");
        assert_eq!(summary["revenue_gross_kopecks"], 20000);

        let (status, _, bytes) = export(
            server,
            &analyst.token,
            "report=trends&format=csv&date=2026-03-11&period=week&metric=revenue",
        )
        .await;
        let csv = String::from_utf8(bytes).unwrap();
        assert_eq!(status, StatusCode::OK, "{csv}");
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(
            lines[0],
            "Категория,\"Текущий период, копейки\",\"Предыдущий период, копейки\",Рост (доля)"
        );
        assert_eq!(lines[1], "books,20000,10000,1");
        let browser = server.browser("analyst").await;
        let (status, html) = browser
            .get("/analytics/trends?date=2026-03-11&period=week&metric=revenue")
            .await;
        assert_eq!(status, StatusCode::OK, "{html}");
        assert!(
            html.contains(
                "<td>books</td><td>200,00\u{a0}₽</td><td>100,00\u{a0}₽</td><td>+100.0 %</td>"
            ),
            "{html}"
        );
        assert!(
            html.contains("<option value=\"revenue\" selected>"),
            "{html}"
        );
    }
);

/// Builds a purchase line of `product` in `order`: `quantity` units at `kopecks` each.
fn order_line(
    id: &str,
    time: &str,
    product: &str,
    order: &str,
    kopecks: Option<i64>,
    quantity: i64,
) -> Value {
    json!({"id": id, "type": "purchase", "time": time, "visitor": "buyer",
           "product_id": product, "category": "books.novels", "price_kopecks": kopecks,
           "quantity": quantity, "order_id": order, "user_agent": DESKTOP})
}

/// Returns the products of a top products response as product id → product.
fn products_of(body: &Value) -> Vec<(String, Value)> {
    body["products"]
        .as_array()
        .unwrap()
        .iter()
        .map(|product| {
            (
                product["product_id"].as_str().unwrap().to_string(),
                product.clone(),
            )
        })
        .collect()
}

web_test!(top_products_rank_by_revenue, async |server: &TestServer| {
    let company = server.client_company("ООО Ромашка").await;
    let other = server.client_company("ООО Лютик").await;
    let (_, key) = shop(server, "books", "Europe/Moscow", Some(company)).await;
    let (_, toys_key) = shop(server, "toys", "Europe/Moscow", Some(other)).await;
    let view = |id: &str, product: &str| {
        product_event(
            "product_view",
            id,
            "2026-03-03T09:00:00Z",
            "v1",
            product,
            "books.novels",
            10_000,
        )
    };
    let events = json!([
        order_line("p0", "2026-03-02T10:00:00Z", "b1", "P-0", Some(5_000), 1),
        view("v1", "b1"),
        view("v2", "b1"),
        product_event(
            "add_to_cart",
            "c1",
            "2026-03-03T09:01:00Z",
            "v1",
            "b1",
            "books.novels",
            10_000
        ),
        view("v3", "b2"),
        view("v4", "b2"),
        view("v5", "b2"),
        order_line("p1", "2026-03-03T10:00:00Z", "b1", "A-1", Some(10_000), 2),
        order_line("p2", "2026-03-03T10:00:30Z", "b2", "A-1", Some(50_000), 1),
        // The first line sent again under another event id counts once.
        order_line("p3", "2026-03-03T10:01:00Z", "b1", "A-1", Some(10_000), 2),
        order_line("p4", "2026-03-03T11:00:00Z", "b3", "A-2", None, 1),
    ]);
    let (status, body) = post_events(server, &key, events).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let toys = json!([order_line(
        "t1",
        "2026-03-03T10:00:00Z",
        "b1",
        "T-1",
        Some(900_000),
        1
    )]);
    let (status, body) = post_events(server, &toys_key, toys).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let analyst = server.user("analyst", Role::Analyst, &[]).await;
    let api = server.api(&analyst).await;
    let query = "shop=books&from=2026-03-03&to=2026-03-03";

    let (status, body) = api
        .get(&format!("/api/v1/analytics/products?{query}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["sort"], "revenue");
    assert_eq!(body["product_count"], 3);
    let products = products_of(&body);
    let ids: Vec<&str> = products.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, ["b2", "b1", "b3"]);
    let b1 = &products[1].1;
    assert_eq!(b1["shop"], "books");
    assert_eq!(b1["category"], "books.novels");
    assert_eq!(b1["current"]["revenue_kopecks"], 20_000);
    assert_eq!(b1["current"]["units"], 2);
    assert_eq!(b1["current"]["orders"], 1);
    assert_eq!(
        b1["current"]["purchases"], 2,
        "purchase events, the repeat included"
    );
    assert_eq!(b1["current"]["product_views"], 2);
    assert_eq!(b1["current"]["add_to_carts"], 1);
    assert_eq!(b1["previous"]["revenue_kopecks"], 5_000);
    assert_eq!(body["previous_from"], "2026-03-02");
    let b3 = &products[2].1;
    assert_eq!(b3["current"]["orders"], 1);
    assert_eq!(b3["current"]["revenue_kopecks"], 0);
    assert_eq!(b3["current"]["lines_without_revenue"], 1);

    let (_, by_views) = api
        .get(&format!(
            "/api/v1/analytics/products?{query}&sort=views&limit=1"
        ))
        .await;
    let ids: Vec<String> = products_of(&by_views)
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(ids, ["b2"]);
    assert_eq!(
        by_views["product_count"], 2,
        "products with views, also past the limit"
    );

    let (status, body) = api
        .get(&format!("/api/v1/analytics/products?{query}&sort=price"))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["field"], "sort", "{body}");

    let (status, platform) = api
        .get("/api/v1/analytics/products?from=2026-03-03&to=2026-03-03")
        .await;
    assert_eq!(status, StatusCode::OK, "{platform}");
    let first = &platform["products"][0];
    assert_eq!(first["shop"], "toys");
    assert_eq!(first["current"]["revenue_kopecks"], 900_000);
    assert_eq!(platform["product_count"], 4);

    let token = server.token(&analyst).await;
    let (status, _, bytes) = export(server, &token, &format!("{query}&report=top_products")).await;
    assert_eq!(status, StatusCode::OK);
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "Магазин");
    assert_eq!(&headers[3], "Выручка, копейки");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(&rows[1][1], "b1");
    assert_eq!(&rows[1][3], "20000");
    assert_eq!(&rows[1][4], "5000");
    assert_eq!(
        &rows[1][5], "3",
        "the revenue grew from 5,000 to 20,000 kopecks"
    );

    server.user("analyst-page", Role::Analyst, &[]).await;
    let browser = server.browser("analyst-page").await;
    let (status, html) = browser.get(&format!("/analytics?{query}")).await;
    assert_eq!(status, StatusCode::OK);
    let table = html
        .split("data-test=\"top-products\"")
        .nth(1)
        .unwrap_or_default();
    assert!(table.contains("<td>b2</td>"), "{html}");
    assert!(table.contains("500,00\u{a0}₽"), "{table}");
    assert!(html.contains("report=top_products"), "{html}");
    assert!(
        html.contains("data-test=\"top-products-incomplete\""),
        "{html}"
    );

    // A client sees its own shop's products and no other company's.
    server.client_user("client", other).await;
    let client = server.browser("client").await;
    let (status, _) = client.get(&format!("/analytics?{query}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let client_user = server.client_user("client-api", other).await;
    let client_api = server.api(&client_user).await;
    let (status, _) = client_api
        .get(&format!("/api/v1/analytics/products?{query}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = client_api
        .get("/api/v1/analytics/products?shop=toys&from=2026-03-03&to=2026-03-03")
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["product_count"], 1);
});

web_test!(
    top_products_count_lines_of_later_day,
    async |server: &TestServer| {
        let (_, key) = shop(server, "books", "Europe/Moscow", None).await;
        let line = |id: &str, time: &str, product: &str, kopecks: i64| {
            let mut event = order_line(id, time, product, "M-1", Some(kopecks), 1);
            event["revenue_kopecks"] = json!(70_000);
            event
        };
        // One order of two products, sent a second before and after the shop's midnight.
        let events = json!([
            line("q1", "2026-11-25T20:59:59Z", "first", 40_000),
            line("q2", "2026-11-25T21:00:01Z", "second", 30_000),
        ]);
        let (status, body) = post_events(server, &key, events).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        assert_eq!(body["accepted"], 2, "{body}");
        let analyst = server.user("analyst", Role::Analyst, &[]).await;
        let api = server.api(&analyst).await;

        let (status, body) = api
            .get("/api/v1/analytics/products?shop=books&from=2026-11-25&to=2026-11-26")
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let revenue: Vec<(String, i64)> = products_of(&body)
            .into_iter()
            .map(|(id, product)| (id, product["current"]["revenue_kopecks"].as_i64().unwrap()))
            .collect();
        assert_eq!(
            revenue,
            [
                ("first".to_string(), 40_000),
                ("second".to_string(), 30_000)
            ]
        );
    }
);
