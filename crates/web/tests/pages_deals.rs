//! Deal pages without JavaScript, on both engines: the create form, the board and its stage
//! forms, the list view, the card, and who may open them.
#![allow(clippy::unwrap_used)]

mod common;

use domain::identity::Role;
use reqwest::StatusCode;
use serde_json::json;

use common::TestServer;

/// Returns the deal id from a redirect to its card.
fn deal_id(response: &reqwest::Response) -> i64 {
    let location = response.headers()["location"].to_str().unwrap();
    let rest = location.strip_prefix("/deals/").unwrap();
    rest.split('?').next().unwrap().parse().unwrap()
}

web_test!(deal_form_creates_deal, async |server: &TestServer| {
    let petrova = server.user("petrova", Role::Sales, &[]).await;
    let client_id = server.client_company("ООО «Ромашка»").await.to_string();
    let owner_id = petrova.id.to_string();
    let browser = server.browser("petrova").await;

    let (status, form) = browser.get("/deals/new").await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("ООО «Ромашка»"), "client choices");

    let response = browser
        .post_form(
            "/deals/new",
            "/deals/new",
            &[
                ("title", "Магазин цветов"),
                ("client_id", &client_id),
                ("owner_id", &owner_id),
                ("amount", "12 000,50"),
                ("expected_close_on", "2026-12-25"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let id = deal_id(&response);

    let (status, card) = browser.get(&format!("/deals/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(card.contains("Магазин цветов"));
    assert!(card.contains("12\u{a0}000,50\u{a0}₽"), "{card}");
    assert!(card.contains("25.12.2026"));
});

web_test!(deal_form_shows_errors, async |server: &TestServer| {
    let petrova = server.user("petrova", Role::Sales, &[]).await;
    let client_id = server.client_company("ООО «Ромашка»").await.to_string();
    let owner_id = petrova.id.to_string();
    let browser = server.browser("petrova").await;

    let response = browser
        .post_form(
            "/deals/new",
            "/deals/new",
            &[
                ("title", "Магазин"),
                ("client_id", &client_id),
                ("owner_id", &owner_id),
                ("amount", "двенадцать"),
            ],
        )
        .await;

    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("data-test=\"error-amount\""), "{html}");
    assert!(html.contains("value=\"Магазин\""), "title kept");
});

web_test!(board_moves_deal_without_js, async |server: &TestServer| {
    let petrova = server.user("petrova", Role::Sales, &[]).await;
    let api = server.api(&petrova).await;
    let client_id = server.client_company("ООО «Ромашка»").await;
    let (_, deal) = api
        .post(
            "/api/v1/deals",
            json!({"title": "Магазин цветов", "client_id": client_id, "amount_kopecks": 100}),
        )
        .await;
    let id = deal["id"].as_i64().unwrap();
    let browser = server.browser("petrova").await;

    let (status, board) = browser.get("/deals").await;
    assert_eq!(status, StatusCode::OK);
    assert!(board.contains("data-test=\"deal-board\""));
    assert!(board.contains(&format!("action=\"/deals/{id}/stage\"")));

    let response = browser
        .post_form(
            &format!("/deals/{id}/stage"),
            "/deals",
            &[
                ("stage", "qualified"),
                ("version", "1"),
                ("return", "board"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/deals");

    let (_, list) = browser.get("/deals?view=list&stage=qualified").await;
    assert!(list.contains("data-test=\"deal-table\""));
    assert!(list.contains("Магазин цветов"), "{list}");

    let stale = browser
        .post_form(
            &format!("/deals/{id}/stage"),
            "/deals",
            &[("stage", "new"), ("version", "1")],
        )
        .await;
    assert_eq!(stale.status(), StatusCode::CONFLICT);

    let without_csrf = browser
        .post_raw(
            &format!("/deals/{id}/stage"),
            &[("stage", "new"), ("version", "2")],
        )
        .await;
    assert_eq!(without_csrf.status(), StatusCode::FORBIDDEN);
    let stored = store::crm::deals::get(&server.state.db, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.stage, domain::crm::DealStage::Qualified);
});

web_test!(
    deal_pages_hidden_from_support,
    async |server: &TestServer| {
        server.user("support", Role::Support, &["L1"]).await;
        let browser = server.browser("support").await;

        let (status, _) = browser.get("/deals").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = browser.get("/deals/new").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (_, tickets) = browser.get("/tickets").await;
        assert!(!tickets.contains("href=\"/deals\""), "no nav link");
    }
);

web_test!(
    plan_and_contract_forms_conclude,
    async |server: &TestServer| {
        server.user("petrova", Role::Sales, &[]).await;
        let client_id = server.client_company("ООО «Ромашка»").await.to_string();
        let browser = server.browser("petrova").await;

        let response = browser
            .post_form(
                "/tariffs/new",
                "/tariffs/new",
                &[
                    ("code", "biznes"),
                    ("name", "Бизнес"),
                    ("monthly_price", "4 990,00"),
                    ("vat", "standard"),
                    ("vat_included", "yes"),
                    ("products", "5000"),
                    ("valid_from", "2026-01-01"),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let (_, plans) = browser.get("/tariffs").await;
        assert!(plans.contains("Бизнес"), "{plans}");
        let plan = store::crm::tariffs::list(&server.state.db, false)
            .await
            .unwrap()
            .remove(0);
        let plan_id = plan.id.to_string();

        let response = browser
            .post_form(
                "/contracts/new",
                "/contracts/new",
                &[
                    ("client_id", &client_id),
                    ("plan_id", &plan_id),
                    ("series", "ДУ"),
                    ("starts_on", "2026-02-01"),
                    ("conclusion", "offer"),
                    ("accepted_on", "2026-01-30"),
                    ("offer_version", "2026-01"),
                    ("method", "payment"),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let location = response.headers()["location"].to_str().unwrap().to_string();
        let (_, card) = browser.get(&location).await;
        assert!(card.contains("data-status=\"active\""), "{card}");
        assert!(card.contains("4\u{a0}990,00\u{a0}₽"), "plan price");
    }
);

web_test!(
    contract_form_rejects_partial_offer,
    async |server: &TestServer| {
        let manager = server.user("petrova", Role::Sales, &[]).await;
        let api = server.api(&manager).await;
        let plan = json!({"code": "start", "name": "Старт", "monthly_price_kopecks": 199_000,
                      "valid_from": "2026-01-01"});
        let (_, plan) = api.post("/api/v1/tariffs", plan).await;
        let plan_id = plan["id"].to_string();
        let client_id = server.client_company("ООО «Ромашка»").await.to_string();
        let browser = server.browser("petrova").await;

        let response = browser
            .post_form(
                "/contracts/new",
                "/contracts/new",
                &[
                    ("client_id", &client_id),
                    ("plan_id", &plan_id),
                    ("series", "ДУ"),
                    ("starts_on", "2026-02-01"),
                    ("conclusion", "offer"),
                    ("accepted_on", "2026-01-30"),
                    ("method", "payment"),
                ],
            )
            .await;

        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        assert!(html.contains("data-test=\"error-offer_version\""), "{html}");
        let (_, total) = store::crm::contracts::list(
            &server.state.db,
            &store::crm::contracts::ListQuery {
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(total, 0, "no draft left behind");
    }
);
