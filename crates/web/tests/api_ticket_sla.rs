//! Ticket SLA in the API: deadlines from contract terms, pauses and the list filter, on
//! both engines.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::Moscow;
use domain::identity::Role;
use domain::servicedesk::{Kind, Priority, Source};
use reqwest::StatusCode;
use serde_json::{Value, json};
use store::identity::Author;
use store::servicedesk::tickets::{self, NewTicket};

use common::{Api, TestServer};

fn msk(local: &str) -> DateTime<Utc> {
    let local: NaiveDateTime = local.parse().unwrap();
    Moscow
        .from_local_datetime(&local)
        .unwrap()
        .with_timezone(&Utc)
}

async fn ticket_at(server: &TestServer, client_id: Option<i64>, at: DateTime<Utc>) -> i64 {
    let new = NewTicket {
        kind: Kind::Incident,
        source: Source::Staff,
        priority: Priority::P3,
        queue: "L1".into(),
        title: "Магазин не открывается".into(),
        description: "Описание".into(),
        client_id,
        zabbix: None,
    };
    tickets::create(&server.state.db, &new, &Author::system(), at)
        .await
        .unwrap()
        .id
}

/// Creates a plan with a P3 first-response target of 4 business hours and an active contract of `client_id`.
async fn contract(sales: &Api, client_id: i64) -> i64 {
    let targets = |calendar: &str, first: u32, resolution: u32| {
        json!({"calendar": calendar, "first_response_minutes": first,
               "resolution_minutes": resolution})
    };
    let plan = json!({"code": "business", "name": "Бизнес", "monthly_price_kopecks": 499_000,
        "valid_from": "2026-01-01",
        "sla": {"p1": targets("24x7", 30, 120), "p2": targets("office", 60, 480),
                "p3": targets("office", 240, 960), "p4": targets("office", 480, 2400)}});
    let (status, plan) = sales.post("/api/v1/tariffs", plan).await;
    assert_eq!(status, StatusCode::CREATED, "{plan}");
    let body = json!({"client_id": client_id, "plan_id": plan["id"], "starts_on": "2026-01-01"});
    let (_, draft) = sales.post("/api/v1/contracts", body).await;
    let id = draft["id"].as_i64().unwrap();
    let (status, active) = sales
        .post(
            &format!("/api/v1/contracts/{id}/transitions"),
            json!({"to": "active", "version": 1,
                   "conclusion": {"kind": "signed", "signed_on": "2025-12-20"}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{active}");
    id
}

web_test!(ticket_sla_from_contract, async |server: &TestServer| {
    let manager = server.user("petrova", Role::Sales, &[]).await;
    let sales = server.api(&manager).await;
    let engineer = server.user("ivanov", Role::Support, &["L1"]).await;
    let support = server.api(&engineer).await;
    let client_id = server.client_company("ООО «Ромашка»").await;
    let contract_id = contract(&sales, client_id).await;

    // Monday 17:00 Moscow: one office hour that day, three more on Tuesday from 09:00.
    let id = ticket_at(server, Some(client_id), msk("2026-03-02T17:00:00")).await;
    let (status, ticket) = support.get(&format!("/api/v1/tickets/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{ticket}");
    let sla = &ticket["sla"];
    assert_eq!(sla["first_response_due"], "2026-03-03T09:00:00Z");
    assert_eq!(sla["resolution_due"], "2026-03-04T12:00:00Z");
    assert_eq!(sla["paused"], false);
    assert_eq!(sla["policy"], "contract");
    assert_eq!(sla["contract_id"], contract_id);
    assert_eq!(sla["calendar"], "office");
    assert_eq!(sla["first_response"]["target_minutes"], 240);

    let internal = ticket_at(server, None, msk("2026-03-02T17:00:00")).await;
    let (_, ticket) = support.get(&format!("/api/v1/tickets/{internal}")).await;
    assert_eq!(ticket["sla"]["policy"], "internal");
    assert_eq!(ticket["sla"]["first_response_due"], "2026-03-03T13:00:00Z");
});

web_test!(pending_client_pauses_sla, async |server: &TestServer| {
    let engineer = server.user("ivanov", Role::Support, &["L1"]).await;
    let support = server.api(&engineer).await;
    let ticket = server
        .ticket(&engineer, "Не работает оплата", "L1", None)
        .await;
    let path = format!("/api/v1/tickets/{}", ticket.id);
    let (status, assigned) = support
        .patch(
            &path,
            json!({"assignee": "ivanov", "version": ticket.version}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{assigned}");
    let mut version = assigned["version"].clone();
    for (to, reason) in [("in_progress", Value::Null), ("pending", json!("client"))] {
        let (status, moved) = support
            .post(
                &format!("{path}/transitions"),
                json!({"to": to, "reason": reason, "version": version}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{moved}");
        version = moved["version"].clone();
    }
    let (_, waiting) = support.get(&path).await;
    assert_eq!(waiting["sla"]["paused"], true, "{}", waiting["sla"]);
    assert_eq!(waiting["sla"]["stopped"], "pending_client");
    let due = waiting["sla"]["first_response_due"].as_str().unwrap();
    assert!(due.ends_with('Z'), "{due}");
    assert!(due.parse::<DateTime<Utc>>().is_ok(), "{due}");
});

web_test!(
    list_filters_breached_tickets,
    async |server: &TestServer| {
        let engineer = server.user("ivanov", Role::Support, &["L1"]).await;
        let support = server.api(&engineer).await;
        let old = ticket_at(
            server,
            None,
            domain::time::now() - chrono::Duration::days(30),
        )
        .await;
        let fresh = server.ticket(&engineer, "Свежая заявка", "L1", None).await;

        let (status, breached) = support.get("/api/v1/tickets?sla=breached").await;
        assert_eq!(status, StatusCode::OK, "{breached}");
        let ids: Vec<i64> = breached["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids, vec![old]);
        assert!(!ids.contains(&fresh.id));

        let (status, error) = support.get("/api/v1/tickets?sla=late").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(error["error"]["field"], "sla");
    }
);

web_test!(staff_name_ticket_client, async |server: &TestServer| {
    let manager = server.user("petrova", Role::Sales, &[]).await;
    let sales = server.api(&manager).await;
    let engineer = server.user("ivanov", Role::Support, &["L1"]).await;
    let support = server.api(&engineer).await;
    let romashka = server.client_company("ООО «Ромашка»").await;
    let veter = server.client_company("АО «Северный ветер»").await;
    let contract_id = contract(&sales, romashka).await;

    let body = json!({"kind": "incident", "title": "Магазин не открывается",
                      "priority": "P3", "client_id": romashka});
    let (status, ticket) = support.post("/api/v1/tickets", body).await;
    assert_eq!(status, StatusCode::CREATED, "{ticket}");
    assert_eq!(ticket["client_id"], romashka);
    let (_, ticket) = support
        .get(&format!("/api/v1/tickets/{}", ticket["id"]))
        .await;
    assert_eq!(ticket["sla"]["policy"], "contract");
    assert_eq!(ticket["sla"]["contract_id"], contract_id);

    let (status, error) = support
        .post(
            "/api/v1/tickets",
            json!({"kind": "incident", "title": "x", "client_id": 987_654}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
    assert_eq!(error["error"]["field"], "client_id");
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("987654")
    );

    // A client user cannot file a ticket for another company, nor learn whether it exists.
    let member = server.client_user("romashka", romashka).await;
    let portal = server.api(&member).await;
    for other in [veter, 987_654] {
        let (status, error) = portal
            .post(
                "/api/v1/tickets",
                json!({"kind": "question", "title": "x", "client_id": other}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
        assert_eq!(error["error"]["field"], "client_id");
    }
    let (status, own) = portal
        .post(
            "/api/v1/tickets",
            json!({"kind": "question", "title": "Как выгрузить заказы?", "client_id": romashka}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{own}");
    assert_eq!(own["client_id"], romashka);
    let (_, listed) = support.get("/api/v1/tickets").await;
    assert_eq!(
        listed["total"], 2,
        "refused requests created nothing: {listed}"
    );
});
