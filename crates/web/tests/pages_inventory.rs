//! The inventory pages against a real router on both engines: the host list and card with
//! its lifecycle step, environments and sites, and who may open them.
#![allow(clippy::unwrap_used)]

mod common;

use domain::identity::Role;
use reqwest::StatusCode;
use serde_json::json;

use common::TestServer;

/// Creates a site, a host in it and an environment on the host through the API as `admin`,
/// and returns the ids of the host and the environment.
async fn inventory(server: &TestServer) -> (i64, i64) {
    let admin = server.user("admin", Role::Admin, &[]).await;
    let api = server.api(&admin).await;
    let (_, site) = api
        .post(
            "/api/v1/sites",
            json!({"name": "ЦОД Москва", "kind": "own_data_centre"}),
        )
        .await;
    let (status, host) = api
        .post(
            "/api/v1/hosts",
            json!({"technical_name": "db-01", "kind": "physical", "cores": 16,
                   "ram_bytes": 68_719_476_736_i64, "storage_bytes": 0,
                   "site_id": site["id"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{host}");
    let company = server.client_company("ООО «Ромашка»").await;
    let (status, env) = api
        .post(
            "/api/v1/environments",
            json!({"name": "prod-msk", "kind": "prod", "host_ids": [host["id"]],
                   "client_ids": [company]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{env}");
    (host["id"].as_i64().unwrap(), env["id"].as_i64().unwrap())
}

web_test!(
    host_list_and_card_show_inventory,
    async |server: &TestServer| {
        let (id, _) = inventory(server).await;
        server.user("analyst", Role::Analyst, &[]).await;
        let browser = server.browser("analyst").await;

        let (status, list) = browser.get("/infra/hosts?q=DB").await;
        assert_eq!(status, StatusCode::OK);
        assert!(list.contains("data-test=\"host-row\""), "{list}");
        assert!(list.contains("db-01"));
        assert!(list.contains("64.0 ГиБ"), "{list}");
        assert!(
            list.contains("href=\"/infra/hosts\">Инфраструктура"),
            "nav link missing"
        );

        let (status, card) = browser.get(&format!("/infra/hosts/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(card.contains("ЦОД Москва"));
        assert!(card.contains("prod-msk"));
        assert!(card.contains("планируется"), "{card}");
        // An analyst reads but cannot move the host.
        assert!(!card.contains("data-test=\"host-step\""));

        let (status, _) = browser.get("/infra/hosts/999").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
);

web_test!(host_step_moves_lifecycle, async |server: &TestServer| {
    let (id, _) = inventory(server).await;
    server.user("sidorov", Role::Support, &["L1"]).await;
    let browser = server.browser("sidorov").await;
    let card_path = format!("/infra/hosts/{id}");
    let (_, card) = browser.get(&card_path).await;
    assert!(card.contains("Ввести в работу"), "{card}");

    let step = format!("/infra/hosts/{id}/status");
    let response = browser
        .post_raw(&step, &[("to", "active"), ("version", "1")])
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN, "no CSRF token");

    let response = browser
        .post_form(&step, &card_path, &[("to", "retired"), ("version", "1")])
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);

    let response = browser
        .post_form(&step, &card_path, &[("to", "active"), ("version", "1")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, card) = browser
        .get(&format!("{card_path}?done=inventory-done-status"))
        .await;
    assert!(card.contains("Статус хоста изменён."), "{card}");
    assert!(card.contains("в работе"));
    assert!(card.contains("Начать вывод"));
});

web_test!(
    environment_and_site_pages_list,
    async |server: &TestServer| {
        let (_, id) = inventory(server).await;
        let browser = server.browser("admin").await;
        let (status, list) = browser.get("/infra/environments").await;
        assert_eq!(status, StatusCode::OK);
        assert!(list.contains("prod-msk"));
        assert!(list.contains("продуктив"));
        let (status, page) = browser.get(&format!("/infra/environments/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("db-01"));
        assert!(page.contains("ООО «Ромашка»"));

        let (status, sites) = browser.get("/infra/sites").await;
        assert_eq!(status, StatusCode::OK);
        assert!(sites.contains("свой ЦОД"));
    }
);

web_test!(
    inventory_pages_closed_to_clients_and_sales,
    async |server: &TestServer| {
        inventory(server).await;
        let company = server.client_company("ООО «Лютик»").await;
        server.client_user("lutik", company).await;
        server.user("sales", Role::Sales, &[]).await;
        for login in ["lutik", "sales"] {
            let browser = server.browser(login).await;
            for path in ["/infra/hosts", "/infra/environments", "/infra/sites"] {
                let (status, _) = browser.get(path).await;
                assert_eq!(status, StatusCode::FORBIDDEN, "{login} {path}");
            }
            let (_, tickets) = browser.get("/tickets").await;
            assert!(
                !tickets.contains("/infra/hosts"),
                "{login} sees the nav link"
            );
        }
    }
);
