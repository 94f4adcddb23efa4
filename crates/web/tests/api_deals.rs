//! The deal pipeline through the API, on both engines: creation, filters, stage changes
//! with their conflicts and rejections, the draft contract of a win and who may see deals.
#![allow(clippy::unwrap_used)]

mod common;

use domain::identity::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use common::{Api, TestServer};

async fn create_plan(api: &Api) -> i64 {
    let plan = json!({"code": "start", "name": "Старт", "monthly_price_kopecks": 199_000,
                      "limits": {"products": 500}, "valid_from": "2026-01-01"});
    let (status, plan) = api.post("/api/v1/tariffs", plan).await;
    assert_eq!(status, StatusCode::CREATED, "{plan}");
    plan["id"].as_i64().unwrap()
}

async fn create_deal(api: &Api, body: Value) -> Value {
    let (status, deal) = api.post("/api/v1/deals", body).await;
    assert_eq!(status, StatusCode::CREATED, "{deal}");
    deal
}

/// Moves a deal to `stage` from its current version and returns the answer.
async fn move_to(api: &Api, deal: &Value, stage: &str) -> (StatusCode, Value) {
    api.patch(
        &format!("/api/v1/deals/{}", deal["id"]),
        json!({"stage": stage, "version": deal["version"]}),
    )
    .await
}

web_test!(deal_create_and_filter, async |server: &TestServer| {
    let petrova = server.user("petrova", Role::Sales, &[]).await;
    let sidorov = server.user("sidorov", Role::Sales, &[]).await;
    let api = server.api(&petrova).await;
    let client_id = server.client_company("ООО «Ромашка»").await;

    let deal = create_deal(
        &api,
        json!({"title": "Магазин цветов", "client_id": client_id, "amount_kopecks": 2_388_000,
               "expected_close_on": "2026-12-25"}),
    )
    .await;
    assert_eq!(deal["stage"], "new");
    assert_eq!(deal["owner_id"], petrova.id);
    assert_eq!(deal["client_name"], "ООО «Ромашка»");
    create_deal(
        &api,
        json!({"title": "Второй магазин", "client_id": client_id, "amount_kopecks": 100,
               "owner_id": sidorov.id}),
    )
    .await;

    let (status, list) = api
        .get(&format!("/api/v1/deals?owner_id={}", sidorov.id))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["title"], "Второй магазин");

    let (_, list) = api.get("/api/v1/deals?stage=qualified").await;
    assert_eq!(list["total"], 0);

    let (status, error) = api.get("/api/v1/deals?stage=closed").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error["error"]["field"], "stage");

    let (status, read) = api.get(&format!("/api/v1/deals/{}", deal["id"])).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read["amount_kopecks"], 2_388_000);
});

web_test!(
    deal_create_rejects_unknown_client,
    async |server: &TestServer| {
        let petrova = server.user("petrova", Role::Sales, &[]).await;
        let api = server.api(&petrova).await;

        let (status, error) = api
            .post(
                "/api/v1/deals",
                json!({"title": "Магазин", "client_id": 404, "amount_kopecks": 100}),
            )
            .await;

        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(error["error"]["code"], "invalid_value");
        assert_eq!(error["error"]["field"], "client_id");
    }
);

web_test!(deal_stage_errors, async |server: &TestServer| {
    let petrova = server.user("petrova", Role::Sales, &[]).await;
    let api = server.api(&petrova).await;
    let client_id = server.client_company("ООО «Ромашка»").await;
    let deal = create_deal(
        &api,
        json!({"title": "Магазин", "client_id": client_id, "amount_kopecks": 100}),
    )
    .await;

    let (status, error) = move_to(&api, &deal, "negotiation").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
    assert_eq!(error["error"]["code"], "invalid_transition");

    let (status, error) = move_to(&api, &deal, "lost").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
    assert_eq!(error["error"]["field"], "lost_reason");

    let (status, qualified) = move_to(&api, &deal, "qualified").await;
    assert_eq!(status, StatusCode::OK, "{qualified}");
    assert_eq!(qualified["version"], 2);

    let (status, error) = move_to(&api, &deal, "new").await;
    assert_eq!(status, StatusCode::CONFLICT, "stale version 1");
    assert_eq!(error["error"]["code"], "conflict");

    let (status, lost) = api
        .patch(
            &format!("/api/v1/deals/{}", deal["id"]),
            json!({"stage": "lost", "version": 2, "lost_reason": "competitor"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{lost}");
    assert_eq!(lost["lost_reason"], "competitor");
});

web_test!(
    deal_won_links_draft_contract,
    async |server: &TestServer| {
        let petrova = server.user("petrova", Role::Sales, &[]).await;
        let api = server.api(&petrova).await;
        let client_id = server.client_company("ООО «Ромашка»").await;
        let plan_id = create_plan(&api).await;
        let mut deal = create_deal(
            &api,
            json!({"title": "Магазин", "client_id": client_id, "plan_id": plan_id,
               "amount_kopecks": 199_000}),
        )
        .await;

        for stage in ["qualified", "proposal", "won"] {
            let (status, moved) = move_to(&api, &deal, stage).await;
            assert_eq!(status, StatusCode::OK, "{stage}: {moved}");
            deal = moved;
        }

        let contract_id = deal["contract_id"]
            .as_i64()
            .expect("won deal links a contract");
        let (status, contract) = api.get(&format!("/api/v1/contracts/{contract_id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(contract["status"], "draft");
        assert_eq!(contract["client_id"], client_id);
        assert_eq!(contract["plan"]["id"], plan_id);
        assert_eq!(deal["contract_number"], contract["number"]);
    }
);

web_test!(deals_visible_by_role, async |server: &TestServer| {
    let petrova = server.user("petrova", Role::Sales, &[]).await;
    let sales = server.api(&petrova).await;
    let client_id = server.client_company("ООО «Ромашка»").await;
    let deal = create_deal(
        &sales,
        json!({"title": "Магазин", "client_id": client_id, "amount_kopecks": 100}),
    )
    .await;
    let path = format!("/api/v1/deals/{}", deal["id"]);

    let analyst = server.user("analyst", Role::Analyst, &[]).await;
    let analyst = server.api(&analyst).await;
    assert_eq!(analyst.get(&path).await.0, StatusCode::OK);
    let (status, _) = analyst
        .post(
            "/api/v1/deals",
            json!({"title": "Ещё", "client_id": client_id, "amount_kopecks": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "analyst creates a deal");
    assert_eq!(
        move_to(&analyst, &deal, "qualified").await.0,
        StatusCode::FORBIDDEN
    );

    let support = server.user("support", Role::Support, &["L1"]).await;
    let developer = server
        .user("developer", Role::Developer, &["development"])
        .await;
    let client = server.client_user("client", client_id).await;
    for user in [support, developer, client] {
        let api = server.api(&user).await;
        assert_eq!(
            api.get(&path).await.0,
            StatusCode::NOT_FOUND,
            "{}",
            user.login
        );
        let (status, _) = api.get("/api/v1/deals").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{} lists deals", user.login);
    }
});
