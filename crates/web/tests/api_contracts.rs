//! Tariff plans, contracts, amendments and terms through the API on both engines.
#![allow(clippy::unwrap_used)]

mod common;

use domain::identity::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use common::{Api, TestServer};

async fn sales(server: &TestServer) -> Api {
    let manager = server.user("petrova", Role::Sales, &[]).await;
    server.api(&manager).await
}

/// Returns an API client of a sales manager whose language is `locale`.
async fn sales_in(server: &TestServer, login: &str, locale: &str) -> Api {
    let user = server.user(login, Role::Sales, &[]).await;
    let change = store::identity::users::UserChange {
        locale: Some(locale.into()),
        ..Default::default()
    };
    store::identity::users::update(
        &server.state.db,
        user.id,
        None,
        &change,
        &store::identity::Author::system(),
        domain::time::now(),
    )
    .await
    .unwrap();
    server.api(&user).await
}

fn start_plan() -> Value {
    json!({"code": "start", "name": "Старт", "monthly_price_kopecks": 199_000,
           "limits": {"products": 500, "orders_per_month": 1000, "staff_accounts": 3,
                      "storage_bytes": null},
           "valid_from": "2026-01-01"})
}

async fn create_plan(api: &Api, body: Value) -> i64 {
    let (status, plan) = api.post("/api/v1/tariffs", body).await;
    assert_eq!(status, StatusCode::CREATED, "{plan}");
    plan["id"].as_i64().unwrap()
}

/// Creates a draft contract of `client_id` on `plan_id` and signs it; returns its id.
async fn signed_contract(api: &Api, client_id: i64, plan_id: i64) -> i64 {
    let (status, draft) = api
        .post(
            "/api/v1/contracts",
            json!({"client_id": client_id, "plan_id": plan_id, "starts_on": "2026-02-01",
                   "ends_on": "2026-12-31",
                   "signatory": {"full_name": "Иванова Ивана Ивановича",
                                 "position": "генерального директора",
                                 "authority": "Устава"}}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{draft}");
    assert_eq!(draft["status"], "draft");
    let id = draft["id"].as_i64().unwrap();
    let (status, active) = api
        .post(
            &format!("/api/v1/contracts/{id}/transitions"),
            json!({"to": "active", "version": draft["version"],
                   "conclusion": {"kind": "signed", "signed_on": "2026-01-28"}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{active}");
    id
}

web_test!(
    terms_on_date_apply_amendments,
    async |server: &TestServer| {
        let api = sales(server).await;
        let client_id = server.client_company("ООО «Ромашка»").await;
        let plan_id = create_plan(&api, start_plan()).await;
        let id = signed_contract(&api, client_id, plan_id).await;

        let (status, amendment) = api
            .post(
                &format!("/api/v1/contracts/{id}/amendments"),
                json!({"signed_on": "2026-04-20", "effective_on": "2026-05-01",
                   "monthly_price_kopecks": 179_000, "limits": {"products": null},
                   "ends_on": "2027-06-30",
                   "sla": {"p2": {"calendar": "office", "first_response_minutes": 120,
                                  "resolution_minutes": 360}}}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{amendment}");
        assert_eq!(amendment["number"], "1");

        let (status, before) = api
            .get(&format!("/api/v1/contracts/{id}/terms?date=2026-04-30"))
            .await;
        assert_eq!(status, StatusCode::OK, "{before}");
        assert_eq!(before["plan"]["code"], "start");
        assert_eq!(before["plan"]["version"], 1);
        assert_eq!(before["monthly_price_kopecks"], 199_000);
        assert_eq!(before["vat"]["rate_percent"], 22);
        assert_eq!(before["vat"]["included"], true);
        assert_eq!(before["vat"]["amount_kopecks"], 35_885);
        assert_eq!(before["limits"]["products"], 500);
        assert_eq!(before["sla"]["p1"]["calendar"], "24x7");
        assert_eq!(before["sla"]["p1"]["first_response_minutes"], 60);
        assert_eq!(before["sla"]["p2"]["resolution_minutes"], 540);
        assert_eq!(before["sla"]["p4"]["first_response_minutes"], 1080);
        assert_eq!(before["end_date"], "2026-12-31");
        assert_eq!(before["amendments"], json!([]));

        let (_, after) = api
            .get(&format!("/api/v1/contracts/{id}/terms?date=2026-05-01"))
            .await;
        assert_eq!(after["monthly_price_kopecks"], 179_000);
        assert_eq!(after["vat"]["amount_kopecks"], 32_279);
        assert_eq!(after["limits"]["products"], Value::Null);
        assert_eq!(after["limits"]["staff_accounts"], 3);
        assert_eq!(after["sla"]["p2"]["first_response_minutes"], 120);
        assert_eq!(after["sla"]["p2"]["resolution_minutes"], 360);
        assert_eq!(after["end_date"], "2027-06-30");
        assert_eq!(after["amendments"], json!(["1"]));
        assert_eq!(after["in_force"], true);

        let (status, card) = api.get(&format!("/api/v1/contracts/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(card["number"], "ДУ-00001");
        assert_eq!(card["conclusion"]["kind"], "signed");
        assert_eq!(card["amendments"][0]["effective_on"], "2026-05-01");
    }
);

web_test!(terms_reject_bad_dates, async |server: &TestServer| {
    let api = sales(server).await;
    let client_id = server.client_company("ООО «Ромашка»").await;
    let plan_id = create_plan(&api, start_plan()).await;
    let id = signed_contract(&api, client_id, plan_id).await;

    let (status, error) = api
        .get(&format!("/api/v1/contracts/{id}/terms?date=2026-02-30"))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
    assert_eq!(error["error"]["field"], "date");
    assert_eq!(error["error"]["code"], "invalid_value");
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("2026-02-30")
    );

    let (status, error) = api
        .get(&format!("/api/v1/contracts/{id}/terms?date=2026-01-15"))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
    assert_eq!(error["error"]["field"], "date");
    let message = error["error"]["message"].as_str().unwrap();
    assert!(message.contains("ещё не действовал"), "{message}");

    let (status, _) = api
        .get("/api/v1/contracts/999999/terms?date=2026-03-01")
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
});

web_test!(plan_errors_name_the_field, async |server: &TestServer| {
    let russian = sales_in(server, "petrova", "ru").await;
    let english = sales_in(server, "smith", "en").await;
    let mut bad_code = start_plan();
    bad_code["code"] = json!("Старт");
    for (api, words) in [(&russian, "Код тарифа"), (&english, "plan code")] {
        let (status, error) = api.post("/api/v1/tariffs", bad_code.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
        assert_eq!(error["error"]["field"], "code");
        let message = error["error"]["message"].as_str().unwrap();
        assert!(
            message.to_lowercase().contains(&words.to_lowercase()),
            "{message}"
        );
    }

    let mut bad_calendar = start_plan();
    bad_calendar["sla"] = json!({
        "p1": {"calendar": "24x7", "first_response_minutes": 60, "resolution_minutes": 240},
        "p2": {"calendar": "mars", "first_response_minutes": 60, "resolution_minutes": 240},
        "p3": {"calendar": "office", "first_response_minutes": 60, "resolution_minutes": 240},
        "p4": {"calendar": "office", "first_response_minutes": 60,
               "resolution_business_days": 2}});
    let (status, error) = russian.post("/api/v1/tariffs", bad_calendar).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
    assert_eq!(error["error"]["field"], "sla.p2.calendar");

    let mut negative = start_plan();
    negative["monthly_price_kopecks"] = json!(-1);
    let (_, error) = russian.post("/api/v1/tariffs", negative).await;
    assert_eq!(error["error"]["field"], "monthly_price_kopecks");

    let (_, list) = russian.get("/api/v1/tariffs").await;
    assert_eq!(list["items"], json!([]), "nothing was created");

    create_plan(&russian, start_plan()).await;
    let (status, error) = russian.post("/api/v1/tariffs", start_plan()).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error["error"]["code"], "duplicate");
});

web_test!(plan_in_use_gets_new_version, async |server: &TestServer| {
    let api = sales(server).await;
    let client_id = server.client_company("ООО «Ромашка»").await;
    let plan_id = create_plan(&api, start_plan()).await;
    signed_contract(&api, client_id, plan_id).await;

    let mut changed = start_plan();
    changed["monthly_price_kopecks"] = json!(249_000);
    changed["valid_from"] = json!("2026-07-01");
    let (status, error) = api
        .patch(&format!("/api/v1/tariffs/{plan_id}"), changed.clone())
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
    assert_eq!(error["error"]["field"], "revision");
    changed["revision"] = json!(1);
    let (status, new_version) = api
        .patch(&format!("/api/v1/tariffs/{plan_id}"), changed)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{new_version}");
    assert_eq!(new_version["version"], 2);
    assert_ne!(new_version["id"].as_i64().unwrap(), plan_id);

    let (_, old) = api.get(&format!("/api/v1/tariffs/{plan_id}")).await;
    assert_eq!(old["monthly_price_kopecks"], 199_000);
    assert_eq!(old["valid_to"], "2026-06-30");
    let (_, all) = api.get("/api/v1/tariffs?all_versions=true").await;
    assert_eq!(all["items"].as_array().unwrap().len(), 2);
    let (_, latest) = api.get("/api/v1/tariffs").await;
    assert_eq!(latest["items"].as_array().unwrap().len(), 1);
});

web_test!(
    concurrent_plan_edits_conflict,
    async |server: &TestServer| {
        let api = sales(server).await;
        let plan_id = create_plan(&api, start_plan()).await;
        let (_, read) = api.get(&format!("/api/v1/tariffs/{plan_id}")).await;
        assert_eq!(read["revision"], 1);

        let mut first = start_plan();
        first["name"] = json!("Старт+");
        first["revision"] = read["revision"].clone();
        let (status, saved) = api
            .patch(&format!("/api/v1/tariffs/{plan_id}"), first)
            .await;
        assert_eq!(status, StatusCode::OK, "{saved}");
        assert_eq!(saved["revision"], 2);

        let mut second = start_plan();
        second["monthly_price_kopecks"] = json!(1);
        second["revision"] = read["revision"].clone();
        let (status, error) = api
            .patch(&format!("/api/v1/tariffs/{plan_id}"), second)
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{error}");
        assert_eq!(error["error"]["code"], "conflict");
        assert_eq!(error["error"]["field"], "revision");
        let (_, kept) = api.get(&format!("/api/v1/tariffs/{plan_id}")).await;
        assert_eq!(kept["name"], "Старт+");
        assert_eq!(
            kept["monthly_price_kopecks"],
            start_plan()["monthly_price_kopecks"]
        );
    }
);

web_test!(
    support_cannot_change_contracts,
    async |server: &TestServer| {
        let api = sales(server).await;
        let support_user = server.user("sidorov", Role::Support, &["L1"]).await;
        let support = server.api(&support_user).await;
        let client_id = server.client_company("ООО «Ромашка»").await;
        let plan_id = create_plan(&api, start_plan()).await;
        let id = signed_contract(&api, client_id, plan_id).await;

        let (status, _) = support.post("/api/v1/tariffs", start_plan()).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let body = json!({"client_id": client_id, "plan_id": plan_id, "starts_on": "2026-02-01"});
        let (status, _) = support.post("/api/v1/contracts", body).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let amendment = json!({"signed_on": "2026-03-01", "effective_on": "2026-03-01",
                           "auto_prolongation": true});
        let (status, _) = support
            .post(&format!("/api/v1/contracts/{id}/amendments"), amendment)
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = support
            .get(&format!("/api/v1/contracts/{id}/terms?date=2026-03-01"))
            .await;
        assert_eq!(status, StatusCode::OK, "support reads the terms");
    }
);

web_test!(
    client_sees_only_own_contracts,
    async |server: &TestServer| {
        let api = sales(server).await;
        let own_company = server.client_company("ООО «Ромашка»").await;
        let other_company = server.client_company("ООО «Лютик»").await;
        let plan_id = create_plan(&api, start_plan()).await;
        let own = signed_contract(&api, own_company, plan_id).await;
        let other = signed_contract(&api, other_company, plan_id).await;
        let user = server.client_user("romashka", own_company).await;
        let client = server.api(&user).await;

        let (status, _) = client
            .get(&format!("/api/v1/contracts/{own}/terms?date=2026-03-01"))
            .await;
        assert_eq!(status, StatusCode::OK);
        for path in [
            format!("/api/v1/contracts/{other}"),
            format!("/api/v1/contracts/{other}/terms?date=2026-03-01"),
            format!("/api/v1/contracts/{other}/amendments"),
        ] {
            let (status, body) = client.get(&path).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
        }
        let amendment = json!({"signed_on": "2026-03-01", "effective_on": "2026-03-01",
                           "auto_prolongation": true});
        let (status, _) = client
            .post(
                &format!("/api/v1/contracts/{other}/amendments"),
                amendment.clone(),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = client
            .post(&format!("/api/v1/contracts/{own}/amendments"), amendment)
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        let (_, list) = client
            .get(&format!("/api/v1/contracts?client_id={other_company}"))
            .await;
        assert_eq!(list["total"], 1);
        assert_eq!(list["items"][0]["id"], own);
    }
);

web_test!(activation_needs_conclusion, async |server: &TestServer| {
    let api = sales(server).await;
    let client_id = server.client_company("ИП Иванов").await;
    let plan_id = create_plan(&api, start_plan()).await;
    let (_, draft) = api
        .post(
            "/api/v1/contracts",
            json!({"client_id": client_id, "plan_id": plan_id, "series": "OF",
                   "starts_on": "2026-03-10", "auto_prolongation": true}),
        )
        .await;
    let id = draft["id"].as_i64().unwrap();
    assert_eq!(draft["number"], "OF-00001");

    let (status, error) = api
        .post(
            &format!("/api/v1/contracts/{id}/transitions"),
            json!({"to": "active", "version": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
    assert_eq!(error["error"]["field"], "conclusion");

    let (status, error) = api
        .post(
            &format!("/api/v1/contracts/{id}/transitions"),
            json!({"to": "suspended", "version": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{error}");
    assert_eq!(error["error"]["code"], "invalid_transition");
    let message = error["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("«Черновик»") && message.contains("«Приостановлен»"),
        "the statuses are worded, not given as codes: {message}"
    );

    let offer = json!({"kind": "offer", "accepted_on": "2026-03-10", "offer_version": "2026-01",
                       "method": "payment"});
    let (status, active) = api
        .post(
            &format!("/api/v1/contracts/{id}/transitions"),
            json!({"to": "active", "version": 1, "conclusion": offer}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{active}");
    assert_eq!(active["conclusion"]["method"], "payment");
    assert_eq!(active["conclusion"]["offer_version"], "2026-01");

    let (_, terms) = api
        .get(&format!("/api/v1/contracts/{id}/terms?date=2030-01-01"))
        .await;
    assert_eq!(
        terms["in_force"], true,
        "an open-ended contract stays in force"
    );
});

web_test!(
    openapi_lists_contract_routes,
    async |server: &TestServer| {
        let response = reqwest::get(format!("{}/api/openapi.json", server.url))
            .await
            .unwrap();
        let document: Value = response.json().await.unwrap();
        for path in [
            "/api/v1/tariffs",
            "/api/v1/contracts",
            "/api/v1/contracts/{id}/amendments",
            "/api/v1/contracts/{id}/terms",
        ] {
            assert!(document["paths"][path].is_object(), "{path}");
        }
    }
);
