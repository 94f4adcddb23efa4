//! Claims and the sales report through the API and the pages, on both engines.
#![allow(clippy::unwrap_used)]

mod common;

use domain::identity::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use common::{Api, TestServer};

/// Creates a plan and a signed contract of `client_id`; returns the contract id.
async fn signed_contract(api: &Api, client_id: i64) -> i64 {
    let plan = json!({"code": "start", "name": "Старт", "monthly_price_kopecks": 199_000,
                      "valid_from": "2026-01-01"});
    let (status, plan) = api.post("/api/v1/tariffs", plan).await;
    assert_eq!(status, StatusCode::CREATED, "{plan}");
    let body = json!({"client_id": client_id, "plan_id": plan["id"], "starts_on": "2026-02-01",
                      "ends_on": "2026-12-31"});
    let (status, draft) = api.post("/api/v1/contracts", body).await;
    assert_eq!(status, StatusCode::CREATED, "{draft}");
    let id = draft["id"].as_i64().unwrap();
    let (status, active) = api
        .post(
            &format!("/api/v1/contracts/{id}/transitions"),
            json!({"to": "active", "version": 1,
                   "conclusion": {"kind": "signed", "signed_on": "2026-01-28"}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{active}");
    id
}

async fn register(api: &Api, body: Value) -> Value {
    let (status, claim) = api.post("/api/v1/disputes", body).await;
    assert_eq!(status, StatusCode::CREATED, "{claim}");
    claim
}

web_test!(
    dispute_deadline_and_evidence,
    async |server: &TestServer| {
        let manager = server.user("petrova", Role::Sales, &[]).await;
        let api = server.api(&manager).await;
        let client_id = server.client_company("ООО «Ромашка»").await;
        let contract_id = signed_contract(&api, client_id).await;
        let admin = server.user("admin", Role::Admin, &[]).await;
        let ticket = server
            .ticket(&admin, "Магазин недоступен", "L1", Some(client_id))
            .await
            .id;

        let claim = register(
            &api,
            json!({"direction": "incoming", "contract_id": contract_id,
               "subject": "Простой магазина", "claimed_kopecks": 1_500_000,
               "sent_on": "2026-04-01", "ticket_ids": [ticket]}),
        )
        .await;

        assert_eq!(claim["answer_due_on"], "2026-05-04");
        assert_eq!(claim["status"], "received");
        assert_eq!(claim["deadline"]["overdue"], true, "4 May 2026 has passed");
        let (_, read) = api.get(&format!("/api/v1/disputes/{}", claim["id"])).await;
        assert_eq!(read["tickets"][0]["id"], ticket);

        let working = register(
            &api,
            json!({"direction": "outgoing", "contract_id": contract_id,
               "subject": "Неоплата", "claimed_kopecks": 100,
               "sent_on": "2026-04-27", "received_on": "2026-04-29",
               "answer_term": {"kind": "working_days_from_receipt", "days": 5}}),
        )
        .await;
        assert_eq!(working["answer_due_on"], "2026-05-07");
    }
);

web_test!(dispute_rejects_bad_input, async |server: &TestServer| {
    let manager = server.user("petrova", Role::Sales, &[]).await;
    let api = server.api(&manager).await;
    let client_id = server.client_company("ООО «Ромашка»").await;
    let contract_id = signed_contract(&api, client_id).await;

    let (status, error) = api
        .post(
            "/api/v1/disputes",
            json!({"direction": "incoming", "contract_id": contract_id, "subject": "Простой",
                   "claimed_kopecks": 0, "sent_on": "2026-04-01"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error["error"]["field"], "claimed_kopecks");

    let (status, error) = api
        .post(
            "/api/v1/disputes",
            json!({"direction": "sideways", "contract_id": contract_id, "subject": "Простой",
                   "claimed_kopecks": 10, "sent_on": "2026-04-01"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error["error"]["field"], "direction");

    let (_, list) = api.get("/api/v1/disputes").await;
    assert_eq!(list["total"], 0);
});

web_test!(dispute_workflow_through_api, async |server: &TestServer| {
    let manager = server.user("petrova", Role::Sales, &[]).await;
    let api = server.api(&manager).await;
    let client_id = server.client_company("ООО «Ромашка»").await;
    let contract_id = signed_contract(&api, client_id).await;
    let claim = register(
        &api,
        json!({"direction": "incoming", "contract_id": contract_id, "subject": "Простой",
               "claimed_kopecks": 1000, "sent_on": "2026-04-01"}),
    )
    .await;
    let path = format!("/api/v1/disputes/{}/transitions", claim["id"]);

    let (status, error) = api
        .post(&path, json!({"to": "accepted", "version": 1}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error["error"]["code"], "invalid_transition");

    let (status, _) = api
        .post(&path, json!({"to": "under_review", "version": 1}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, error) = api
        .post(
            &path,
            json!({"to": "partly_accepted", "version": 2, "outcome_kopecks": 1000}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error["error"]["field"], "outcome_kopecks");
    let (status, partly) = api
        .post(
            &path,
            json!({"to": "partly_accepted", "version": 2, "outcome_kopecks": 400}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{partly}");
    assert_eq!(partly["outcome_kopecks"], 400);
    assert!(partly["deadline"].is_null(), "answered");
});

web_test!(disputes_visible_by_role, async |server: &TestServer| {
    let manager = server.user("petrova", Role::Sales, &[]).await;
    let api = server.api(&manager).await;
    let client_id = server.client_company("ООО «Ромашка»").await;
    let contract_id = signed_contract(&api, client_id).await;
    let claim = register(
        &api,
        json!({"direction": "incoming", "contract_id": contract_id, "subject": "Простой",
               "claimed_kopecks": 1000, "sent_on": "2026-04-01"}),
    )
    .await;
    let path = format!("/api/v1/disputes/{}", claim["id"]);

    let support = server.user("support", Role::Support, &["L1"]).await;
    let support = server.api(&support).await;
    assert_eq!(support.get(&path).await.0, StatusCode::OK);
    let (status, _) = support
        .post(
            &format!("{path}/transitions"),
            json!({"to": "under_review", "version": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let client = server.client_user("client", client_id).await;
    let client = server.api(&client).await;
    assert_eq!(client.get(&path).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        client.get("/api/v1/reports/sales").await.0,
        StatusCode::NOT_FOUND
    );
});

web_test!(sales_report_figures, async |server: &TestServer| {
    let manager = server.user("petrova", Role::Sales, &[]).await;
    let api = server.api(&manager).await;
    let client_id = server.client_company("ООО «Ромашка»").await;
    let contract_id = signed_contract(&api, client_id).await;
    register(
        &api,
        json!({"direction": "incoming", "contract_id": contract_id, "subject": "Простой",
               "claimed_kopecks": 1000, "sent_on": "2026-04-01"}),
    )
    .await;
    let (_, deal) = api
        .post(
            "/api/v1/deals",
            json!({"title": "Магазин", "client_id": client_id, "amount_kopecks": 5000}),
        )
        .await;
    assert_eq!(deal["stage"], "new");

    let (status, report) = api
        .get("/api/v1/reports/sales?from=2026-01-15&months=3")
        .await;

    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["funnel"][0]["stage"], "new");
    assert_eq!(report["funnel"][0]["count"], 1);
    assert_eq!(report["funnel"][0]["amount_kopecks"], 5000);
    let months: Vec<&str> = report["mrr"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["month"].as_str().unwrap())
        .collect();
    assert_eq!(months, ["2026-01-01", "2026-02-01", "2026-03-01"]);
    assert_eq!(report["mrr"][0]["mrr_kopecks"], 0);
    assert_eq!(report["mrr"][1]["mrr_kopecks"], 199_000);
    assert_eq!(report["mrr"][1]["new_kopecks"], 199_000);
    assert_eq!(report["overdue_disputes"][0]["answer_due_on"], "2026-05-04");

    let (status, error) = api.get("/api/v1/reports/sales?months=40").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error["error"]["field"], "months");

    let browser = server.browser("petrova").await;
    let (status, page) = browser.get("/reports/sales?from=2026-01-15&months=3").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("1\u{a0}990,00\u{a0}₽"), "{page}");
});

web_test!(
    dispute_pages_register_and_move,
    async |server: &TestServer| {
        let manager = server.user("petrova", Role::Sales, &[]).await;
        let api = server.api(&manager).await;
        let client_id = server.client_company("ООО «Ромашка»").await;
        let contract_id = signed_contract(&api, client_id).await.to_string();
        let browser = server.browser("petrova").await;

        let response = browser
            .post_form(
                "/disputes/new",
                "/disputes/new",
                &[
                    ("direction", "incoming"),
                    ("contract_id", &contract_id),
                    ("subject", "Простой магазина"),
                    ("claimed", "15 000,00"),
                    ("sent_on", "2026-04-01"),
                    ("term", "calendar"),
                    ("term_days", "30"),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let location = response.headers()["location"].to_str().unwrap().to_string();
        let (_, card) = browser.get(&location).await;
        assert!(card.contains("04.05.2026"), "{card}");
        let id = location
            .trim_start_matches("/disputes/")
            .split('?')
            .next()
            .unwrap()
            .to_string();

        let response = browser
            .post_form(
                &format!("/disputes/{id}/status"),
                &location,
                &[("to", "under_review"), ("version", "1")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let (_, list) = browser.get("/disputes?overdue=1").await;
        assert!(list.contains("Простой магазина"), "overdue list: {list}");
        assert!(list.contains("data-status=\"under_review\""));
    }
);
