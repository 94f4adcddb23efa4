//! The Zabbix API seen from the web layer, on both engines. The ticket JSON and page show the
//! sync state with the outbox switched on as `serve` does. A new problem's start time comes
//! from a stand-in Zabbix 6.0 API (see `standin`).
#![allow(clippy::unwrap_used)]

mod common;
#[path = "../../integrations/tests/standin/mod.rs"]
mod standin;

use std::sync::Arc;

use chrono::Duration;
use domain::identity::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use store::servicedesk::zabbix_outbox as outbox;
use store::testing::TestDb;
use tokio::sync::Notify;

use common::{TestServer, ZABBIX_SECRET};
use integrations::zabbix::{Auth, Client, Config};
use secrecy::SecretString;
use standin::StandIn;

async fn start(mut test_db: TestDb) -> TestServer {
    test_db.db = test_db
        .db
        .clone()
        .with_zabbix_outbox(Arc::new(Notify::new()));
    TestServer::start(test_db).await
}

/// Sends a problem through the webhook and returns the ticket id. The Zabbix server wrote
/// its time as 2025-12-05 06:00:00 in Europe/Moscow, which is 03:00 UTC.
async fn problem(server: &TestServer, event_id: &str) -> i64 {
    let body = json!({"event_id": event_id, "event_value": "1", "event_update_status": "0",
                      "event_source": "0", "event_nseverity": "4", "trigger_id": "23001",
                      "host_host": "db-01", "host_name": "База данных 01",
                      "alert_subject": "Нет места на диске",
                      "event_date": "2025.12.05", "event_time": "06:00:00"});
    let response = reqwest::Client::new()
        .post(format!("{}/api/v1/integrations/zabbix/events", server.url))
        .bearer_auth(ZABBIX_SECRET)
        .json(&body)
        .send()
        .await
        .unwrap();
    let (status, answer) = common::json_of(response).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    answer["id"].as_i64().unwrap()
}

async fn check_sync_state(server: &TestServer) {
    let engineer = server
        .user("petrov", Role::Support, &["infrastructure"])
        .await;
    let api = server.api(&engineer).await;
    let id = problem(server, "9001").await;
    let path = format!("/api/v1/tickets/{id}");

    let (status, detail) = api.get(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(detail["zabbix_sync"], json!([]));

    let (status, _) = api
        .patch(&path, json!({"assignee": "petrov", "version": 1}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, detail) = api.get(&path).await;
    let call = &detail["zabbix_sync"][0];
    assert_eq!(call["action"], "acknowledge");
    assert_eq!(call["event_id"], 9001);
    assert_eq!(call["state"], "pending");
    assert_eq!(call["state_label"], "ожидает отправки");
    assert_eq!(call["attempts"], 0);

    let now = domain::time::now() + Duration::seconds(1);
    let db = &server.state.db;
    let row = outbox::claim(db, "test", now, Duration::minutes(2))
        .await
        .unwrap()
        .unwrap();
    let error = "Zabbix API error -32500 in event.acknowledge: Application error. <b>boom</b>";
    outbox::mark_failed(db, row.id, "test", error, now)
        .await
        .unwrap();

    let (_, detail) = api.get(&path).await;
    let call = &detail["zabbix_sync"][0];
    assert_eq!(call["state"], "failed");
    assert_eq!(call["state_label"], "ошибка, будет повторено");
    assert_eq!(call["attempts"], 1);
    assert_eq!(call["last_error"], error);
    assert!(call["next_attempt_at"].is_string(), "{call}");

    let browser = server.browser("petrov").await;
    let (status, page) = browser.get(&format!("/tickets/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("data-test=\"zabbix-sync-failed\""), "{page}");
    assert!(page.contains("Обратная связь с Zabbix"));
    assert!(page.contains("Последняя ошибка"));
    assert!(
        page.contains("&#60;b&#62;boom&#60;/b&#62;"),
        "the error is escaped"
    );
    assert!(!page.contains("<b>boom"));
    assert!(page.contains("Следующая попытка"));
    let metrics = reqwest::get(format!("{}/metrics", server.url))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("vitrina_zabbix_outbox{status=\"failed\"} 1"),
        "{metrics}"
    );

    browser
        .post_form(
            "/settings/language",
            "/tickets",
            &[("lang", "en"), ("next", "/tickets")],
        )
        .await;
    let (_, page) = browser.get(&format!("/tickets/{id}")).await;
    assert!(page.contains("Reporting back to Zabbix"), "{page}");
    assert!(page.contains("failed, will retry"));
    assert!(page.contains("Last error"));
}

async fn check_sent_state(server: &TestServer) {
    let engineer = server
        .user("petrov", Role::Support, &["infrastructure"])
        .await;
    let browser = server.browser("petrov").await;
    let id = problem(server, "9002").await;
    let ticket = server.stored_ticket(id).await;
    let api = server.api(&engineer).await;
    api.patch(
        &format!("/api/v1/tickets/{id}"),
        json!({"assignee": "petrov", "version": ticket.version}),
    )
    .await;
    let db = &server.state.db;
    let now = domain::time::now() + Duration::seconds(1);
    let row = outbox::claim(db, "test", now, Duration::minutes(2))
        .await
        .unwrap()
        .unwrap();
    outbox::mark_sent(db, row.id, "test", outbox::Outcome::Acknowledged, now)
        .await
        .unwrap();

    let (_, detail): (StatusCode, Value) = api.get(&format!("/api/v1/tickets/{id}")).await;
    let call = &detail["zabbix_sync"][0];
    assert_eq!(call["state"], "sent");
    assert_eq!(call["outcome"], "acknowledged");
    assert!(call["next_attempt_at"].is_null(), "{call}");
    assert!(call["sent_at"].is_string(), "{call}");
    let (_, page) = browser.get(&format!("/tickets/{id}")).await;
    assert!(page.contains("data-test=\"zabbix-sync-sent\""), "{page}");
    assert!(page.contains("событие подтверждено"));

    let response = reqwest::get(format!("{}/api/openapi.json", server.url))
        .await
        .unwrap();
    let document: Value = response.json().await.unwrap();
    let schema = &document["components"]["schemas"]["ZabbixSyncJson"];
    assert!(schema["properties"]["last_error"].is_object(), "{schema}");
}

/// Runs `$check` on a server with the outbox on, once per engine, as `$name::sqlite` and
/// `$name::postgres`.
macro_rules! outbox_test {
    ($name:ident, $check:ident) => {
        mod $name {
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let server = start(TestDb::sqlite().await).await;
                $check(&server).await;
                server.finish().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(test_db) = TestDb::postgres().await else {
                    return;
                };
                let server = start(test_db).await;
                $check(&server).await;
                server.finish().await;
            }
        }
    };
}

outbox_test!(sync_state_shows_failure, check_sync_state);
outbox_test!(sync_state_shows_sent, check_sent_state);

/// Starts the router with a client of `zabbix` configured.
async fn start_with_api(test_db: TestDb, zabbix: &StandIn) -> TestServer {
    integrations::tls::install_crypto_provider();
    let client = Client::new(Config {
        url: zabbix.url.clone(),
        auth: Auth::Token(SecretString::from(standin::TOKEN)),
        timeout: std::time::Duration::from_secs(10),
    })
    .unwrap();
    TestServer::start_with(test_db, |config| {
        config.zabbix_api = Some(Arc::new(client));
    })
    .await
}

async fn check_problem_time(test_db: TestDb) {
    let zabbix = StandIn::start().await;
    // 2025-12-05 00:00:00 UTC, three hours before the time in the delivery's own fields.
    zabbix.add_event(9101, 23001, 1_764_892_800);
    let server = start_with_api(test_db, &zabbix).await;

    let from_api = problem(&server, "9101").await;
    let unknown = problem(&server, "9102").await;

    let ticket = server.stored_ticket(from_api).await;
    let started = ticket.zabbix_started_at.unwrap().to_rfc3339();
    assert_eq!(started, "2025-12-05T00:00:00+00:00");
    let ticket = server.stored_ticket(unknown).await;
    let started = ticket.zabbix_started_at.unwrap().to_rfc3339();
    assert_eq!(
        started, "2025-12-05T03:00:00+00:00",
        "falls back to the fields"
    );
    assert_eq!(zabbix.calls_to("event.get").len(), 2);
    server.finish().await;
    zabbix.stop();
}

mod problem_time_from_api {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        check_problem_time(TestDb::sqlite().await).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        if let Some(test_db) = TestDb::postgres().await {
            check_problem_time(test_db).await;
        }
    }
}
