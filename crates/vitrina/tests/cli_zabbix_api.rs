//! `vitrina serve` reporting back to a stand-in Zabbix 6.0 API on 127.0.0.1 (see `standin`),
//! configured only through `VITRINA_ZABBIX_API_*` variables, on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used)]

mod common;
#[path = "../../integrations/tests/standin/mod.rs"]
mod standin;

use std::time::Duration;

use common::{Setup, assert_success, start_serve, stdout, stop_serve};
use serde_json::{Value, json};
use standin::{PASSWORD, StandIn, USERNAME};
use tokio::process::Child;

const WEBHOOK_SECRET: &str = "cli-zabbix-webhook-secret-0123456789";
const USER_PASSWORD: &str = "correct horse battery staple";

/// Starts `serve` with `env` and returns the process and its URL.
async fn serve(setup: &Setup, env: &[(&str, &str)]) -> (Child, String) {
    integrations::tls::install_crypto_provider();
    let mut command = setup.command(&["serve", "--listen", "127.0.0.1:0"]);
    command.env("RUST_LOG", "debug");
    for (name, value) in env {
        command.env(name, value);
    }
    let served = start_serve(command).await;
    (served.child, served.url)
}

/// Adds user `petrov` to the `infrastructure` queue and returns an API token of theirs.
async fn engineer_token(setup: &Setup) -> String {
    let args = [
        "user",
        "add",
        "petrov",
        "--role",
        "support",
        "--password-stdin",
        "--queue",
        "infrastructure",
    ];
    assert_success(&setup.run_with_stdin(&args, USER_PASSWORD).await);
    let output = setup
        .run(&["token", "create", "petrov", "--name", "test"])
        .await;
    assert_success(&output);
    stdout(&output).trim().to_string()
}

/// Waits until the stand-in has applied `count` updates; 60 s only bounds a hang, since the
/// sender is woken at once and polls every 5 s.
async fn wait_for_acks(zabbix: &StandIn, count: usize) {
    for _ in 0..3000 {
        if zabbix.acks().len() >= count {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!(
        "Zabbix received {} updates, expected {count}",
        zabbix.acks().len()
    );
}

/// Sends `body` as JSON and returns the status and the JSON response.
async fn send(request: reqwest::RequestBuilder, body: Value) -> (u16, Value) {
    let response = request.json(&body).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

cli_test!(
    serve_acknowledges_and_closes_in_zabbix,
    async |setup: &Setup| {
        let zabbix = StandIn::start().await;
        zabbix.add_trigger(23001, "Нет места на диске /var", true);
        zabbix.add_event(7001, 23001, 1_764_892_800);
        let token = engineer_token(setup).await;

        let env = [
            ("VITRINA_ZABBIX_WEBHOOK_SECRET", WEBHOOK_SECRET),
            ("VITRINA_ZABBIX_API_URL", zabbix.url.as_str()),
            ("VITRINA_ZABBIX_API_USERNAME", USERNAME),
            ("VITRINA_ZABBIX_API_PASSWORD", PASSWORD),
        ];
        let (child, url) = serve(setup, &env).await;
        let client = reqwest::Client::new();

        let delivery = json!({"event_id": "7001", "event_value": "1", "event_update_status": "0",
                          "event_source": "0", "event_nseverity": "4", "trigger_id": "23001",
                          "host_host": "db-01", "host_name": "База данных 01",
                          "alert_subject": "Нет места на диске /var"});
        let webhook = client
            .post(format!("{url}/api/v1/integrations/zabbix/events"))
            .bearer_auth(WEBHOOK_SECRET);
        let (status, accepted) = send(webhook, delivery).await;
        assert_eq!(status, 200, "{accepted}");
        let id = accepted["id"].as_i64().unwrap();
        let path = format!("{url}/api/v1/tickets/{id}");

        let patch = client.patch(&path).bearer_auth(&token);
        let (status, ticket) = send(patch, json!({"assignee": "petrov", "version": 1})).await;
        assert_eq!(status, 200, "{ticket}");
        wait_for_acks(&zabbix, 1).await;

        let mut version = ticket["version"].as_i64().unwrap();
        for to in ["in_progress", "resolved"] {
            let post = client
                .post(format!("{path}/transitions"))
                .bearer_auth(&token);
            let (status, ticket) = send(post, json!({"to": to, "version": version})).await;
            assert_eq!(status, 200, "{to}: {ticket}");
            version = ticket["version"].as_i64().unwrap();
        }
        wait_for_acks(&zabbix, 2).await;

        let acks = zabbix.acks();
        assert_eq!((acks[0].event_id, acks[0].action), (7001, 6));
        assert_eq!((acks[1].event_id, acks[1].action), (7001, 5));
        let message = acks[0].message.clone().unwrap();
        assert!(message.contains("petrov"), "{message}");
        assert!(
            message.contains(accepted["number"].as_str().unwrap()),
            "{message}"
        );
        assert_eq!(zabbix.calls_to("user.login").len(), 1);

        // The sender records the result just after Zabbix responds, so wait for it the same way.
        let mut states = Value::Null;
        for _ in 0..3000 {
            let response = client.get(&path).bearer_auth(&token).send().await.unwrap();
            let detail: Value = response.json().await.unwrap();
            states = json!(
                detail["zabbix_sync"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|call| call["state"].clone())
                    .collect::<Vec<_>>()
            );
            if states == json!(["sent", "sent"]) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(states, json!(["sent", "sent"]));
        let response = client.get(&path).bearer_auth(&token).send().await.unwrap();
        let detail: Value = response.json().await.unwrap();
        assert_eq!(
            detail["zabbix_started_at"], "2025-12-05T00:00:00Z",
            "the problem's start comes from event.get"
        );

        let log = stop_serve(child).await;
        assert!(log.contains("zabbix sender started"), "{log}");
        assert!(log.contains("zabbix sender stopped"), "{log}");
        assert!(log.contains("zabbix call sent"), "{log}");
        assert!(!log.contains(PASSWORD), "the Zabbix password is in the log");
        zabbix.stop();
    }
);

cli_test!(
    serve_without_zabbix_api_queues_nothing,
    async |setup: &Setup| {
        let token = engineer_token(setup).await;
        let (child, url) = serve(setup, &[("VITRINA_ZABBIX_WEBHOOK_SECRET", WEBHOOK_SECRET)]).await;
        let client = reqwest::Client::new();

        let delivery = json!({"event_id": "7002", "event_value": "1", "trigger_id": "23002",
                          "alert_subject": "Нагрузка CPU"});
        let webhook = client
            .post(format!("{url}/api/v1/integrations/zabbix/events"))
            .bearer_auth(WEBHOOK_SECRET);
        let (_, accepted) = send(webhook, delivery).await;
        let id = accepted["id"].as_i64().unwrap();
        let patch = client
            .patch(format!("{url}/api/v1/tickets/{id}"))
            .bearer_auth(&token);
        let (status, ticket) = send(patch, json!({"assignee": "petrov", "version": 1})).await;
        assert_eq!(status, 200, "{ticket}");

        let log = stop_serve(child).await;
        assert!(!log.contains("zabbix sender started"), "{log}");
        let db = setup.db().await;
        let queued: i64 = db
            .fetch_scalar("SELECT COUNT(*) FROM zabbix_outbox", Vec::new())
            .await
            .unwrap();
        assert_eq!(queued, 0);
        db.close().await;
    }
);
