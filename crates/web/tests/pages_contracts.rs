//! Contract pages, the amendment form and the print views, on both engines.
#![allow(clippy::unwrap_used)]

mod common;

use domain::identity::Role;
use reqwest::StatusCode;
use serde_json::json;

use common::{Api, TestServer};

/// Creates a plan and a signed contract of `client_id` with a signatory; returns its id.
async fn signed_contract(api: &Api, client_id: i64, code: &str) -> i64 {
    let plan = json!({"code": code, "name": "Старт", "monthly_price_kopecks": 199_000,
                      "limits": {"products": 500}, "valid_from": "2026-01-01"});
    let (status, plan) = api.post("/api/v1/tariffs", plan).await;
    assert_eq!(status, StatusCode::CREATED, "{plan}");
    let body = json!({"client_id": client_id, "plan_id": plan["id"], "starts_on": "2026-02-01",
        "ends_on": "2026-12-31",
        "signatory": {"full_name": "Иванова Ивана Ивановича",
                      "position": "генерального директора", "authority": "Устава"}});
    let (status, draft) = api.post("/api/v1/contracts", body).await;
    assert_eq!(status, StatusCode::CREATED, "{draft}");
    let id = draft["id"].as_i64().unwrap();
    let (status, _) = api
        .post(
            &format!("/api/v1/contracts/{id}/transitions"),
            json!({"to": "active", "version": 1,
                   "conclusion": {"kind": "signed", "signed_on": "2026-01-28"}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    id
}

web_test!(card_shows_terms_on_date, async |server: &TestServer| {
    let manager = server.user("petrova", Role::Sales, &[]).await;
    let api = server.api(&manager).await;
    let client_id = server.client_company("ООО «Ромашка»").await;
    let id = signed_contract(&api, client_id, "start").await;
    let browser = server.browser("petrova").await;

    let (status, list) = browser.get("/contracts").await;
    assert_eq!(status, StatusCode::OK);
    assert!(list.contains("ДУ-00001"), "{list}");

    let response = browser
        .post_form(
            &format!("/contracts/{id}/amendments"),
            &format!("/contracts/{id}"),
            &[
                ("signed_on", "2026-04-20"),
                ("effective_on", "2026-05-01"),
                ("monthly_price", "1 790,00"),
                ("products", "-"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    let (_, before) = browser
        .get(&format!("/contracts/{id}?date=2026-04-30"))
        .await;
    assert!(
        before.contains("1\u{a0}990,00\u{a0}₽"),
        "base price on 30 April"
    );
    let (_, after) = browser
        .get(&format!("/contracts/{id}?date=2026-05-01"))
        .await;
    assert!(
        after.contains("1\u{a0}790,00\u{a0}₽"),
        "amended price from 1 May"
    );
    assert!(after.contains("без ограничений"));
    assert!(
        after.contains("Доп. соглашение № 1 от 20.04.2026"),
        "history lists the amendment"
    );

    let response = browser
        .post_form(
            &format!("/contracts/{id}/amendments"),
            &format!("/contracts/{id}"),
            &[("signed_on", "2026-04-20"), ("effective_on", "2026-05-01")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("ничего не меняет"),
        "an empty amendment is explained"
    );
});

web_test!(
    print_view_follows_conventions,
    async |server: &TestServer| {
        let manager = server.user("petrova", Role::Sales, &[]).await;
        let api = server.api(&manager).await;
        let client_id = server.client_company("ООО «Ромашка»").await;
        let id = signed_contract(&api, client_id, "start").await;
        let (status, amendment) = api
            .post(
                &format!("/api/v1/contracts/{id}/amendments"),
                json!({"signed_on": "2026-04-20", "effective_on": "2026-05-01",
                   "monthly_price_kopecks": 179_000}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
        let browser = server.browser("petrova").await;

        let (status, html) = browser.get(&format!("/contracts/{id}/print")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("/static/print.css"));
        assert!(!html.contains("<nav"), "no navigation in the print view");
        assert!(html.contains("«28» января 2026 г."), "{html}");
        assert!(html.contains("в лице генерального директора Иванова Ивана Ивановича, действующего на основании Устава"));
        assert!(html.contains("в том числе НДС 22 %"));

        let amendment_id = amendment["id"].as_i64().unwrap();
        let (status, html) = browser
            .get(&format!("/contracts/{id}/amendments/{amendment_id}/print"))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains("к договору № ДУ-00001 от «28» января 2026 г."),
            "{html}"
        );
        assert!(html.contains("1\u{a0}790,00\u{a0}₽"));

        let (status, css) = browser.get("/static/print.css").await;
        assert_eq!(status, StatusCode::OK);
        assert!(css.contains("@media print"));
        assert!(css.contains("size: A4"));
    }
);

web_test!(
    client_sees_only_own_contract_pages,
    async |server: &TestServer| {
        let manager = server.user("petrova", Role::Sales, &[]).await;
        let api = server.api(&manager).await;
        let own_company = server.client_company("ООО «Ромашка»").await;
        let other_company = server.client_company("ООО «Лютик»").await;
        let own = signed_contract(&api, own_company, "start").await;
        let other = signed_contract(&api, other_company, "business").await;
        server.client_user("romashka", own_company).await;
        let client = server.browser("romashka").await;

        let (status, html) = client.get(&format!("/contracts/{own}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            !html.contains("data-test=\"amendment-form\""),
            "clients cannot amend"
        );
        let (_, list) = client.get("/contracts").await;
        assert!(list.contains("ДУ-00001"));
        assert!(!list.contains("ДУ-00002"), "{list}");
        for path in [
            format!("/contracts/{other}"),
            format!("/contracts/{other}/print"),
        ] {
            let (status, _) = client.get(&path).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        }
        let response = client
            .post_form(
                &format!("/contracts/{own}/amendments"),
                &format!("/contracts/{own}"),
                &[
                    ("signed_on", "2026-04-20"),
                    ("effective_on", "2026-05-01"),
                    ("products", "10"),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
    }
);

web_test!(
    status_form_needs_the_version_it_was_shown,
    async |server: &TestServer| {
        let manager = server.user("petrova", Role::Sales, &[]).await;
        let api = server.api(&manager).await;
        let client_id = server.client_company("ООО «Ромашка»").await;
        let id = signed_contract(&api, client_id, "start").await;
        let browser = server.browser("petrova").await;
        let card = format!("/contracts/{id}");
        let status_path = format!("/contracts/{id}/status");

        let response = browser
            .post_form(&status_path, &card, &[("to", "suspended")])
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let response = browser
            .post_form(
                &status_path,
                &card,
                &[("to", "suspended"), ("version", "1")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::CONFLICT, "a stale version");
        let (_, contract) = api.get(&format!("/api/v1/contracts/{id}")).await;
        assert_eq!(contract["status"], "active", "{contract}");

        let version = contract["version"].as_i64().unwrap().to_string();
        let response = browser
            .post_form(
                &status_path,
                &card,
                &[("to", "suspended"), ("version", &version)],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let (_, contract) = api.get(&format!("/api/v1/contracts/{id}")).await;
        assert_eq!(contract["status"], "suspended", "{contract}");
    }
);
