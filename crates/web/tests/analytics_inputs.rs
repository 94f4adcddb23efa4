//! Checks of analytics input over HTTP, on SQLite and PostgreSQL: rejected event values shown
//! as sent, currencies, report date bounds and the client's default dashboard.
#![allow(clippy::unwrap_used)]

mod common;

use common::{TestServer, json_of};
use domain::identity::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use store::shops::{self, NewShop};

/// Creates a shop and returns its ingestion key.
async fn shop(server: &TestServer, slug: &str, client_id: Option<i64>) -> String {
    let new = NewShop {
        slug: slug.into(),
        name: format!("Магазин {slug}"),
        time_zone: "Europe/Moscow".into(),
        client_id,
    };
    let (_, key) = shops::create(&server.state.db, &new, domain::time::now())
        .await
        .unwrap();
    key
}

/// Posts `body` as it is to `/api/v1/events` with `key`, asking for English messages.
async fn post_text(server: &TestServer, key: &str, body: String) -> (StatusCode, Value) {
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

/// Returns the event JSON text of a purchase whose `field` has the JSON text `value`.
fn purchase_with(id: &str, field: &str, value: &str) -> String {
    let mut event = json!({"id": id, "type": "purchase", "time": "2026-03-01T10:00:00Z",
                           "visitor": "v1", "order_id": format!("order-{id}"),
                           "revenue_kopecks": 5000});
    event.as_object_mut().unwrap().remove(field);
    let text = event.to_string();
    format!("{},\"{field}\":{value}}}", &text[..text.len() - 1])
}

/// Returns the message of the rejected field `field` of event `index`.
fn message_of(body: &Value, index: u64, field: &str) -> String {
    let rejected = body["rejected"].as_array().unwrap();
    let found = rejected
        .iter()
        .find(|r| r["index"] == index && r["field"] == field)
        .unwrap_or_else(|| panic!("no rejection of {field} in event {index}: {body}"));
    found["message"].as_str().unwrap().to_string()
}

web_test!(events_echo_values_as_sent, async |server: &TestServer| {
    let key = shop(server, "flowers", None).await;
    let long = format!("\"{}\"", "9".repeat(100));
    let events = [
        purchase_with("e0", "revenue_kopecks", "\"100\""),
        purchase_with("e1", "revenue_kopecks", "1e20"),
        purchase_with("e2", "revenue_kopecks", &long),
        purchase_with("e3", "quantity", "2.50"),
    ];
    let body = format!("{{\"events\": [{}]}}", events.join(","));

    let (status, body) = post_text(server, &key, body).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert_eq!(body["accepted"], 0, "{body}");
    let message = message_of(&body, 0, "revenue_kopecks");
    assert!(message.contains("received: \"100\"."), "{message}");
    let message = message_of(&body, 1, "revenue_kopecks");
    assert!(message.contains("received: 1e20."), "{message}");
    let message = message_of(&body, 2, "revenue_kopecks");
    let shown = format!("received: \"{}…", "9".repeat(39));
    assert!(message.contains(&shown), "{message}");
    let message = message_of(&body, 3, "quantity");
    assert!(
        message.contains("The quantity 2.50 is invalid"),
        "{message}"
    );
});

web_test!(
    events_bare_array_echoes_values,
    async |server: &TestServer| {
        let key = shop(server, "flowers", None).await;
        let body = format!("[{}]", purchase_with("e0", "revenue_kopecks", "1E+3"));
        let (status, body) = post_text(server, &key, body).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        let message = message_of(&body, 0, "revenue_kopecks");
        assert!(message.contains("received: 1E+3."), "{message}");
    }
);

web_test!(events_currency_checked, async |server: &TestServer| {
    let key = shop(server, "flowers", None).await;
    let events = [
        purchase_with("e0", "currency", "\"\""),
        purchase_with("e1", "currency", "\"XXX\""),
        purchase_with("e2", "currency", "\"RUR\""),
        purchase_with("e3", "currency", "null"),
        purchase_with("e4", "currency", "\"usd\""),
        purchase_with("e5", "id", "\"e5\""),
    ];
    let body = format!("{{\"events\": [{}]}}", events.join(","));

    let (status, body) = post_text(server, &key, body).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert_eq!(
        body["accepted"], 3,
        "null, usd and absent are accepted: {body}"
    );
    let message = message_of(&body, 0, "currency");
    assert!(
        message.contains("The currency field holds \"\", which is not a currency code"),
        "{message}"
    );
    for index in [1, 2] {
        let message = message_of(&body, index, "currency");
        assert!(message.contains("is not accepted"), "{message}");
        assert!(message.contains("active ISO 4217 code"), "{message}");
        assert!(!message.contains("does not list"), "{message}");
    }
});

web_test!(
    client_dashboard_opens_own_shop,
    async |server: &TestServer| {
        let company = server.client_company("ООО Ромашка").await;
        let other = server.client_company("ООО Лютик").await;
        shop(server, "romashka-b", Some(company)).await;
        shop(server, "romashka-a", Some(company)).await;
        shop(server, "a-foreign", Some(other)).await;
        server.client_user("client", company).await;
        let browser = server.browser("client").await;

        let response = browser
            .client
            .get(format!("{}/analytics", server.url))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(response.headers()["location"], "/analytics?shop=romashka-a");

        let response = browser
            .client
            .get(format!(
                "{}/analytics?shop=&from=2026-03-01&to=2026-03-02",
                server.url
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            response.headers()["location"],
            "/analytics?shop=romashka-a&from=2026-03-01&to=2026-03-02"
        );

        let (status, html) = browser.get("/analytics?shop=romashka-a").await;
        assert_eq!(status, StatusCode::OK, "{html}");
    }
);

web_test!(client_without_shop_told_so, async |server: &TestServer| {
    let company = server.client_company("ООО Ромашка").await;
    server.client_user("client", company).await;
    server.user("analyst", Role::Analyst, &[]).await;

    let client = server.browser("client").await;
    let (status, html) = client.get("/analytics").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("data-test=\"no-shop\""), "{html}");
    assert!(
        html.contains("У вашей компании пока нет магазина"),
        "{html}"
    );

    let analyst = server.browser("analyst").await;
    let (status, html) = analyst.get("/analytics").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(!html.contains("data-test=\"no-shop\""), "{html}");
});

web_test!(report_dates_bounded, async |server: &TestServer| {
    let analyst = server
        .api(&server.user("analyst", Role::Analyst, &[]).await)
        .await;
    let cases = [
        ("trends?date=1970-01-01", "date"),
        ("trends?date=1999-12-31", "date"),
        ("trends?date=2100-01-01", "date"),
        ("summary?from=1970-01-01&to=1970-01-31", "from"),
        ("summary?from=2026-03-01&to=2100-01-01", "to"),
        ("daily?from=1999-12-31&to=2000-01-01", "from"),
        ("breakdown?from=1970-01-01&to=1970-01-02", "from"),
    ];
    for (query, field) in cases {
        let (status, body) = analyst.get(&format!("/api/v1/analytics/{query}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {body}");
        assert_eq!(body["error"]["field"], field, "{query}");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(
            message.contains("2000-01-01") || message.contains("через год"),
            "{query}: {message}"
        );
    }

    for query in [
        "trends?date=2000-01-01",
        "summary?from=2000-01-01&to=2000-01-31",
    ] {
        let (status, body) = analyst.get(&format!("/api/v1/analytics/{query}")).await;
        assert_eq!(status, StatusCode::OK, "{query}: {body}");
    }
});

web_test!(report_date_pages_bounded, async |server: &TestServer| {
    server.user("analyst", Role::Analyst, &[]).await;
    let browser = server.browser("analyst").await;

    let (status, html) = browser.get("/analytics/trends?date=1970-01-01").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Дата 1970-01-01 раньше 2000-01-01"), "{html}");

    // The previous period of a range that starts on 2000-01-01 lies before it, and the
    // dashboard still compares with it.
    let (status, html) = browser
        .get("/analytics?from=2000-01-01&to=2000-01-07")
        .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("1999-12-25 — 1999-12-31"), "{html}");
});
