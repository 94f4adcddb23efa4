//! The Zabbix webhook against the router on both engines, with the 215 real Zabbix 6.0.14
//! deliveries and with bad input.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;

use domain::identity::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use common::{TestServer, ZABBIX_SECRET};

const RECORDED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/zabbix/webhooks-zabbix-6.0.14.jsonl"
);
const ENDPOINT: &str = "/api/v1/integrations/zabbix/events";

/// The bodies of the recorded deliveries, in the order Zabbix sent them.
fn recorded_bodies() -> Vec<String> {
    let text = std::fs::read_to_string(RECORDED)
        .expect("the recorded Zabbix deliveries beside the repository");
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let record: Value = serde_json::from_str(line).unwrap();
            record["body"].as_str().unwrap().to_string()
        })
        .collect()
}

async fn deliver(server: &TestServer, body: &str) -> (StatusCode, Value) {
    let response = reqwest::Client::new()
        .post(format!("{}{ENDPOINT}", server.url))
        .bearer_auth(ZABBIX_SECRET)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    common::json_of(response).await
}

/// What the rules of the service desk say each event's ticket must look like after the
/// recording: resolved when a recovery arrived (nobody in Vitrina touched these tickets),
/// else new; the priority from the last severity Zabbix reported.
fn expected_by_event(bodies: &[String]) -> BTreeMap<i64, (&'static str, &'static str)> {
    let mut expected = BTreeMap::new();
    for body in bodies {
        let params: Value = serde_json::from_str(body).unwrap();
        let event_id: i64 = params["event_id"].as_str().unwrap().parse().unwrap();
        let recovery = params["event_value"] == "0" && params["event_update_status"] == "0";
        let priority = match params["event_nseverity"].as_str().unwrap() {
            "5" => "P1",
            "4" => "P2",
            "3" => "P3",
            _ => "P4",
        };
        let entry = expected.entry(event_id).or_insert(("new", priority));
        entry.1 = priority;
        if recovery {
            entry.0 = "resolved";
        }
    }
    expected
}

async fn tickets_by_event(server: &TestServer) -> (i64, BTreeMap<i64, (String, String)>) {
    let admin = match store::identity::users::find_by_login(&server.state.db, "checker")
        .await
        .unwrap()
    {
        Some(user) => user,
        None => server.user("checker", Role::Admin, &[]).await,
    };
    let api = server.api(&admin).await;
    let (status, body) = api.get("/api/v1/tickets?source=zabbix&limit=1000").await;
    assert_eq!(status, StatusCode::OK);
    let mut by_event = BTreeMap::new();
    for item in body["items"].as_array().unwrap() {
        let event = item["zabbix_event_id"].as_i64().unwrap();
        let previous = by_event.insert(
            event,
            (
                item["status"].as_str().unwrap().to_string(),
                item["priority"].as_str().unwrap().to_string(),
            ),
        );
        assert!(previous.is_none(), "two tickets for event {event}");
    }
    (body["total"].as_i64().unwrap(), by_event)
}

web_test!(
    replaying_recording_twice_gives_one_ticket_per_event,
    async |server: &TestServer| {
        let bodies = recorded_bodies();
        assert_eq!(bodies.len(), 215);
        let expected = expected_by_event(&bodies);
        assert_eq!(expected.len(), 107);

        for body in &bodies {
            let (status, answer) = deliver(server, body).await;
            assert_eq!(status, StatusCode::OK, "{answer}");
            assert!(
                answer["url"].as_str().unwrap().starts_with(&server.url),
                "{answer}"
            );
        }
        let (total, tickets) = tickets_by_event(server).await;
        assert_eq!(total, 107);
        for (event, (status, priority)) in &expected {
            let (got_status, got_priority) = &tickets[event];
            assert_eq!(got_status, status, "status of event {event}");
            assert_eq!(got_priority, priority, "priority of event {event}");
        }

        for body in &bodies {
            let (status, answer) = deliver(server, body).await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(answer["status"], "repeat", "{answer}");
        }
        let (total_again, tickets_again) = tickets_by_event(server).await;
        assert_eq!(total_again, 107);
        assert_eq!(tickets_again, tickets);
    }
);

web_test!(
    severity_update_makes_p1_with_comment,
    async |server: &TestServer| {
        let bodies = recorded_bodies();
        // Lines 3–6 of the recording: problem 26, acknowledgement with severity Disaster, manual close.
        for body in &bodies[2..6] {
            deliver(server, body).await;
        }
        let admin = server.user("checker", Role::Admin, &[]).await;
        let api = server.api(&admin).await;
        let (_, list) = api.get("/api/v1/tickets?source=zabbix").await;
        let id = list["items"][0]["id"].as_i64().unwrap();
        let (_, ticket) = api.get(&format!("/api/v1/tickets/{id}")).await;
        assert_eq!(ticket["zabbix_event_id"], 26);
        assert_eq!(ticket["priority"], "P1");
        assert_eq!(ticket["status"], "resolved");
        let comments: Vec<&str> = ticket["comments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["body"].as_str().unwrap())
            .collect();
        assert!(
            !comments.is_empty(),
            "the acknowledgement message is a comment"
        );
        let priority_lines = ticket["history"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|h| h["field"] == "priority")
            .count();
        assert_eq!(priority_lines, 1);
    }
);

web_test!(
    recovery_without_problem_creates_resolved_ticket,
    async |server: &TestServer| {
        let bodies = recorded_bodies();
        // Line 10: the recovery of event 28, whose problem delivery failed while the receiver was down.
        let (status, answer) = deliver(server, &bodies[9]).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(answer["status"], "created");
        let admin = server.user("checker", Role::Admin, &[]).await;
        let api = server.api(&admin).await;
        let (_, ticket) = api.get(&format!("/api/v1/tickets/{}", answer["id"])).await;
        assert_eq!(ticket["zabbix_event_id"], 28);
        assert_eq!(ticket["status"], "resolved");
        let notes: Vec<&str> = ticket["history"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|h| h["note"].as_str())
            .collect();
        assert!(
            notes.iter().any(|n| n.contains("восстановлении")),
            "{notes:?}"
        );
    }
);

web_test!(
    recovery_only_comments_worked_ticket,
    async |server: &TestServer| {
        let bodies = recorded_bodies();
        let (_, created) = deliver(server, &bodies[0]).await;
        let engineer = server
            .user("ivanov", Role::Support, &["infrastructure"])
            .await;
        let api = server.api(&engineer).await;
        let id = created["id"].as_i64().unwrap();
        let (status, _) = api
            .patch(
                &format!("/api/v1/tickets/{id}"),
                json!({"assignee": "ivanov", "version": 1}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        deliver(server, &bodies[1]).await;
        let (_, ticket) = api.get(&format!("/api/v1/tickets/{id}")).await;
        assert_eq!(ticket["status"], "assigned");
    }
);

web_test!(names_are_stored_exactly, async |server: &TestServer| {
    let bodies = recorded_bodies();
    let tricky = bodies.iter().find(|b| b.contains("<b>")).unwrap();
    let (_, answer) = deliver(server, tricky).await;
    let params: Value = serde_json::from_str(tricky).unwrap();
    let admin = server.user("checker", Role::Admin, &[]).await;
    let api = server.api(&admin).await;
    let (_, ticket) = api.get(&format!("/api/v1/tickets/{}", answer["id"])).await;
    assert_eq!(ticket["title"], params["alert_subject"]);
    assert_eq!(ticket["zabbix_host_name"], params["host_name"]);
    assert!(ticket["title"].as_str().unwrap().contains('🛒'));
});

web_test!(
    wrong_secret_is_401_and_stores_nothing,
    async |server: &TestServer| {
        let body = &recorded_bodies()[0];
        for header in [None, Some("Bearer wrong"), Some(ZABBIX_SECRET)] {
            let mut request = reqwest::Client::new()
                .post(format!("{}{ENDPOINT}", server.url))
                .header("content-type", "application/json")
                .body(body.clone());
            if let Some(value) = header {
                request = request.header("authorization", value);
            }
            let (status, answer) = common::json_of(request.send().await.unwrap()).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{header:?}");
            assert_eq!(answer["error"]["code"], "unauthorized");
        }
        let stored = store::servicedesk::zabbix::list(&server.state.db, None, 10, 0)
            .await
            .unwrap();
        assert!(stored.is_empty());
    }
);

web_test!(
    bad_deliveries_are_400_naming_field,
    async |server: &TestServer| {
        let cases = [
            ("not json", "body"),
            ("[1, 2]", "body"),
            (r#"{"event_value": "1"}"#, "event_id"),
            (r#"{"event_id": "abc", "event_value": "1"}"#, "event_id"),
            (
                r#"{"event_id": "{EVENT.RECOVERY.ID}", "event_value": "1"}"#,
                "event_id",
            ),
            (r#"{"event_id": "77"}"#, "event_value"),
            (
                r#"{"event_id": "77", "event_value": "{EVENT.VALUE}"}"#,
                "event_value",
            ),
        ];
        for (body, field) in cases {
            let (status, answer) = deliver(server, body).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
            if field != "body" {
                assert_eq!(answer["error"]["field"], field, "{body}");
            }
            assert!(!answer["error"]["message"].as_str().unwrap().is_empty());
        }
        let stored = store::servicedesk::zabbix::list(&server.state.db, None, 10, 0)
            .await
            .unwrap();
        assert!(stored.is_empty(), "rejected deliveries are not stored");
    }
);

web_test!(
    test_form_answers_200_and_creates_nothing,
    async |server: &TestServer| {
        let body = json!({"event_id": "{EVENT.ID}", "event_value": "{EVENT.VALUE}",
        "alert_subject": "{ALERT.SUBJECT}"})
        .to_string();
        let (status, answer) = deliver(server, &body).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(answer["status"], "test");
        assert!(answer["message"].as_str().unwrap().contains("Связь"));
        let (total, _) = tickets_by_event(server).await;
        assert_eq!(total, 0);
    }
);

web_test!(
    non_trigger_source_is_stored_not_ticketed,
    async |server: &TestServer| {
        let body = json!({"event_id": "901", "event_value": "1", "event_source": "3"}).to_string();
        let (status, answer) = deliver(server, &body).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(answer["status"], "ignored");
        let stored = store::servicedesk::zabbix::list(&server.state.db, Some("ignored"), 10, 0)
            .await
            .unwrap();
        assert_eq!(stored.len(), 1);
        let (total, _) = tickets_by_event(server).await;
        assert_eq!(total, 0);
    }
);

web_test!(
    unknown_parameters_are_kept_raw,
    async |server: &TestServer| {
        let body =
            json!({"event_id": "902", "event_value": "1", "custom_thing": "значение"}).to_string();
        let (status, _) = deliver(server, &body).await;
        assert_eq!(status, StatusCode::OK);
        let stored = store::servicedesk::zabbix::list(&server.state.db, None, 10, 0)
            .await
            .unwrap();
        assert!(stored[0].body.contains("custom_thing"));
    }
);

web_test!(oversized_delivery_is_413, async |server: &TestServer| {
    let body =
        json!({"event_id": "903", "event_value": "1", "alert_message": "x".repeat(1_100_000)})
            .to_string();
    let (status, answer) = deliver(server, &body).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(answer["error"]["code"], "too_large", "{answer}");
    let stored = store::servicedesk::zabbix::list(&server.state.db, None, 10, 0)
        .await
        .unwrap();
    assert!(stored.is_empty());
});

web_test!(
    concurrent_identical_deliveries_make_one_ticket,
    async |server: &TestServer| {
        let body = recorded_bodies()[0].clone();
        let mut handles = Vec::new();
        for _ in 0..8 {
            let url = format!("{}{ENDPOINT}", server.url);
            let body = body.clone();
            handles.push(tokio::spawn(async move {
                reqwest::Client::new()
                    .post(url)
                    .bearer_auth(ZABBIX_SECRET)
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await
                    .unwrap()
                    .status()
            }));
        }
        for handle in handles {
            assert_eq!(handle.await.unwrap(), StatusCode::OK);
        }
        let (total, _) = tickets_by_event(server).await;
        assert_eq!(total, 1);
    }
);

#[tokio::test]
async fn no_secret_configured_is_503() {
    let test_db = store::testing::TestDb::sqlite().await;
    let server =
        TestServer::start_with(test_db, |config| config.zabbix_webhook_secret = None).await;
    let (status, answer) = deliver(&server, &recorded_bodies()[0]).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(answer["error"]["code"], "not_configured");
    server.finish().await;
}

#[tokio::test]
async fn flapping_problem_reopens_ticket_within_window() {
    let test_db = store::testing::TestDb::sqlite().await;
    let server = TestServer::start_with(test_db, |config| {
        config.zabbix.flap_window = chrono::Duration::minutes(10);
    })
    .await;
    let problem = |event: &str, time: &str| {
        json!({"event_id": event, "event_value": "1", "event_update_status": "0", "event_nseverity": "4",
            "trigger_id": "5001", "host_host": "shop-01", "event_date": "2026.12.04", "event_time": time})
        .to_string()
    };
    let recovery = |event: &str, time: &str| {
        json!({"event_id": event, "event_value": "0", "event_update_status": "0", "event_nseverity": "4",
            "trigger_id": "5001", "host_host": "shop-01", "event_date": "2026.12.04", "event_time": time})
        .to_string()
    };
    let (_, first) = deliver(&server, &problem("700", "10:00:00")).await;
    deliver(&server, &recovery("700", "10:01:00")).await;
    let (_, second) = deliver(&server, &problem("701", "10:05:00")).await;
    assert_eq!(
        second["id"], first["id"],
        "reopened instead of a new ticket"
    );
    let (total, _) = tickets_by_event(&server).await;
    assert_eq!(total, 1);
    server.finish().await;
}

web_test!(
    out_of_range_parameter_is_400,
    async |server: &TestServer| {
        let body = json!({"event_id": "904", "event_value": "1", "event_nseverity": "9"});
        let (status, answer) = deliver(server, &body.to_string()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(answer["error"]["field"], "event_nseverity", "{answer}");
        assert!(
            answer["error"]["message"].as_str().unwrap().contains("«9»"),
            "{answer}"
        );
        let (total, _) = tickets_by_event(server).await;
        assert_eq!(total, 0);
    }
);

web_test!(
    long_message_still_makes_ticket,
    async |server: &TestServer| {
        let body = json!({"event_id": "905", "event_value": "1",
            "alert_subject": "Длинное сообщение", "alert_message": "я".repeat(400_000)});
        let (status, answer) = deliver(server, &body.to_string()).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        let (total, by_event) = tickets_by_event(server).await;
        assert_eq!(total, 1);
        assert!(by_event.contains_key(&905));
    }
);

web_test!(
    lowercase_bearer_scheme_is_accepted,
    async |server: &TestServer| {
        let body = json!({"event_id": "906", "event_value": "1"}).to_string();
        let response = reqwest::Client::new()
            .post(format!("{}{ENDPOINT}", server.url))
            .header("authorization", format!("bearer {ZABBIX_SECRET}"))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }
);
