//! Malformed requests over HTTP, on SQLite and PostgreSQL: query strings that do not parse
//! and the language their errors are worded in.
#![allow(clippy::unwrap_used)]

mod common;

use common::{TestServer, json_of};
use domain::identity::Role;
use reqwest::StatusCode;
use serde_json::Value;

/// Returns the code, field and message of a JSON error response.
fn error_of(body: &Value) -> (&str, &str, &str) {
    let error = &body["error"];
    (
        error["code"].as_str().unwrap_or_default(),
        error["field"].as_str().unwrap_or_default(),
        error["message"].as_str().unwrap_or_default(),
    )
}

const REPEATED_SHOP: &str = "/api/v1/analytics/summary?shop=a&shop=b&from=2026-03-01&to=2026-03-01";

web_test!(
    query_repeated_parameter_names_it,
    async |server: &TestServer| {
        let analyst = server.user("analyst", Role::Analyst, &[]).await;
        let api = server.api(&analyst).await;

        let (status, body) = api.get(REPEATED_SHOP).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let (code, field, message) = error_of(&body);
        assert_eq!(code, "invalid_value");
        assert_eq!(field, "shop");
        assert!(message.contains("«shop»"), "{message}");
        assert!(message.contains("\"a\", \"b\""), "{message}");
        assert!(message.contains("Оставьте один"), "{message}");

        server.set_locale(&analyst, "en").await;
        let (status, body) = api.get(REPEATED_SHOP).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (_, _, message) = error_of(&body);
        assert!(
            message.contains("The query parameter \"shop\" is given more than once"),
            "{message}"
        );
        assert!(!message.contains("deserialize"), "{message}");
    }
);

web_test!(query_bad_boolean_names_it, async |server: &TestServer| {
    let analyst = server.user("analyst", Role::Analyst, &[]).await;
    server.set_locale(&analyst, "en").await;
    let api = server.api(&analyst).await;

    let (status, body) = api.get("/api/v1/disputes?overdue=yes").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (code, field, message) = error_of(&body);
    assert_eq!(code, "invalid_value");
    assert_eq!(field, "overdue");
    assert!(message.contains("\"yes\""), "{message}");
    assert!(message.contains("Give true or false"), "{message}");
});

web_test!(
    query_bad_values_stay_json_422,
    async |server: &TestServer| {
        let analyst = server.user("analyst", Role::Analyst, &[]).await;
        let api = server.api(&analyst).await;
        let cases = [
            ("/api/v1/analytics/trends?period=year", "period"),
            (
                "/api/v1/analytics/summary?from=01.03.2026&to=2026-03-01",
                "from",
            ),
            ("/api/v1/tickets?status=open&status=new", "status"),
        ];
        for (path, expected_field) in cases {
            let (status, body) = api.get(path).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {body}");
            let (code, field, _) = error_of(&body);
            assert_eq!(code, "invalid_value", "{path}");
            assert_eq!(field, expected_field, "{path}");
        }
    }
);

web_test!(
    query_error_page_is_localized,
    async |server: &TestServer| {
        server.user("analyst", Role::Analyst, &[]).await;
        let browser = server.browser("analyst").await;

        let response = browser
            .client
            .get(format!("{}/analytics?shop=a&shop=b", server.url))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let content_type = response.headers()["content-type"].to_str().unwrap();
        assert!(content_type.starts_with("text/html"), "{content_type}");
        let html = response.text().await.unwrap();
        assert!(
            html.contains("Параметр запроса «shop» указан несколько раз"),
            "{html}"
        );

        let (status, html) = browser
            .get("/analytics/trends?metric=views&metric=orders")
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("«metric»"), "{html}");
    }
);

web_test!(
    token_user_language_beats_header,
    async |server: &TestServer| {
        let analyst = server.user("analyst", Role::Analyst, &[]).await;
        let api = server.api(&analyst).await;

        let response = api
            .client
            .get(format!("{}{REPEATED_SHOP}", server.url))
            .bearer_auth(&api.token)
            .header("accept-language", "en")
            .send()
            .await
            .unwrap();
        let (_, body) = json_of(response).await;
        let (_, _, message) = error_of(&body);
        assert!(message.contains("Параметр запроса"), "{message}");
    }
);
