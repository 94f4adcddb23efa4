//! Malformed requests over HTTP, on SQLite and PostgreSQL: query strings that do not parse,
//! bodies over the limit and the language their errors are worded in.
#![allow(clippy::unwrap_used)]

mod common;

use common::{TestServer, json_of};
use domain::identity::Role;
use reqwest::StatusCode;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

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

/// Posts `size` bytes of JSON to `path` with `Content-Length` and `token`, asking for
/// messages in `language`.
async fn post_large(
    server: &TestServer,
    path: &str,
    token: &str,
    size: usize,
    language: &str,
) -> (StatusCode, Value) {
    let body = format!("[\"{}\"]", "x".repeat(size - 4));
    let response = reqwest::Client::new()
        .post(format!("{}{path}", server.url))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .header("accept-language", language)
        .body(body)
        .send()
        .await
        .unwrap();
    json_of(response).await
}

web_test!(
    events_body_over_limit_names_sizes,
    async |server: &TestServer| {
        let new = store::shops::NewShop {
            slug: "flowers".into(),
            name: "Цветы".into(),
            time_zone: "Europe/Moscow".into(),
            client_id: None,
        };
        let (_, key) = store::shops::create(&server.state.db, &new, domain::time::now())
            .await
            .unwrap();
        let size = 1024 * 1024 + 1;

        let (status, body) = post_large(server, "/api/v1/events", &key, size, "en").await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
        let (code, _, message) = error_of(&body);
        assert_eq!(code, "too_large");
        assert!(message.contains("1048577 bytes"), "{message}");
        assert!(message.contains("at most 1048576"), "{message}");

        let (status, body) = post_large(server, "/api/v1/events", &key, size, "ru").await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        let (_, _, message) = error_of(&body);
        assert!(message.contains("в байтах: 1048577"), "{message}");
        assert!(message.contains("не больше: 1048576"), "{message}");

        let (status, body) = post_chunked(server, "/api/v1/events", &key, size).await;
        assert_eq!(status, 413, "{body}");
        let (_, _, message) = error_of(&body);
        assert!(message.contains("at most 1048576 bytes"), "{message}");
        assert!(!message.contains("1048577"), "{message}");
    }
);

web_test!(
    json_body_over_limit_names_sizes,
    async |server: &TestServer| {
        let support = server.user("support", Role::Support, &["L1"]).await;
        let api = server.api(&support).await;
        let size = 2 * 1024 * 1024;

        let (status, body) = post_large(server, "/api/v1/tickets", &api.token, size, "en").await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
        let (code, _, message) = error_of(&body);
        assert_eq!(code, "too_large");
        // A token's user reads its profile language, Russian here.
        assert!(message.contains("в байтах: 2097152"), "{message}");
        assert!(message.contains("не больше: 1048576"), "{message}");
    }
);

/// Posts `size` bytes with chunked transfer encoding, so no `Content-Length` announces the
/// size, and returns the status code and the JSON body. Asks for English messages.
async fn post_chunked(server: &TestServer, path: &str, key: &str, size: usize) -> (u16, Value) {
    let address = server.url.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {key}\r\n\
         Content-Type: application/json\r\nAccept-Language: en\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let chunk = vec![b' '; 64 * 1024];
    let mut sent = 0;
    while sent < size {
        let part = &chunk[..chunk.len().min(size - sent)];
        let header = format!("{:x}\r\n", part.len());
        // The server may respond and close before the whole body is sent.
        if stream.write_all(header.as_bytes()).await.is_err()
            || stream.write_all(part).await.is_err()
            || stream.write_all(b"\r\n").await.is_err()
        {
            break;
        }
        sent += part.len();
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;

    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response).await;
    let text = String::from_utf8_lossy(&response);
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    let json = text
        .split_once("\r\n\r\n")
        .map(|(_, body)| body)
        .and_then(|body| {
            let start = body.find('{')?;
            let end = body.rfind('}')?;
            serde_json::from_str(&body[start..=end]).ok()
        })
        .unwrap_or(Value::Null);
    (status, json)
}
