//! The inventory on a ticket's page, on both engines: the environments and clients a Zabbix
//! incident's host serves, and the release that fixes a bug, shown to staff only.
#![allow(clippy::unwrap_used)]

mod common;

use domain::identity::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use store::shops::{self, NewShop};

use common::{TestServer, ZABBIX_SECRET};

/// Delivers a Zabbix problem on `host` and returns the webhook's response.
async fn zabbix_problem(server: &TestServer, event_id: &str, host: &str) -> Value {
    let body = json!({"event_id": event_id, "event_value": "1", "event_update_status": "0",
                      "event_source": "0", "event_nseverity": "4", "trigger_id": "23001",
                      "host_host": host, "host_name": "База данных 01",
                      "alert_subject": "Нет места на диске /var"});
    let response = reqwest::Client::new()
        .post(format!("{}/api/v1/integrations/zabbix/events", server.url))
        .bearer_auth(ZABBIX_SECRET)
        .json(&body)
        .send()
        .await
        .unwrap();
    let (status, answer) = common::json_of(response).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    answer
}

web_test!(zabbix_ticket_shows_impact, async |server: &TestServer| {
    let admin = server.user("admin", Role::Admin, &[]).await;
    let api = server.api(&admin).await;
    let (_, host) = api
        .post(
            "/api/v1/hosts",
            json!({"technical_name": "db-01", "kind": "physical", "cores": 8,
                   "ram_bytes": 1_073_741_824_i64, "storage_bytes": 0}),
        )
        .await;
    let romashka = server.client_company("ООО «Ромашка»").await;
    let lutik = server.client_company("ООО «Лютик»").await;
    let new_shop = NewShop {
        slug: "flowers".into(),
        name: "Цветы Ромашки".into(),
        time_zone: "Europe/Moscow".into(),
        client_id: Some(romashka),
    };
    let (flowers, _) = shops::create(&server.state.db, &new_shop, domain::time::now())
        .await
        .unwrap();
    for (name, clients) in [
        ("prod-msk", vec![romashka, lutik]),
        ("staging", vec![romashka]),
    ] {
        let (status, body) = api
            .post(
                "/api/v1/environments",
                json!({"name": name, "kind": "prod", "host_ids": [host["id"]],
                       "client_ids": clients, "shop_ids": [flowers.id]}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let answer = zabbix_problem(server, "7001", "db-01").await;
    let unknown = zabbix_problem(server, "7002", "db-99").await;

    let browser = server.browser("admin").await;
    let (_, page) = browser.get(&format!("/tickets/{}", answer["id"])).await;
    let section = page.split("data-test=\"ticket-infra\"").nth(1).unwrap();
    assert!(section.contains("prod-msk"), "{section}");
    assert!(section.contains("staging"));
    // Each client once, though both environments serve ООО «Ромашка».
    assert_eq!(section.matches("ООО «Ромашка»").count(), 1, "{section}");
    assert!(section.contains("ООО «Лютик»"));
    assert_eq!(section.matches("Цветы Ромашки").count(), 1, "{section}");

    let (_, page) = browser.get(&format!("/tickets/{}", unknown["id"])).await;
    assert!(page.contains("нет в инвентаре"), "{page}");
});

web_test!(
    bug_page_shows_fixing_release,
    async |server: &TestServer| {
        let developer = server.user("dev", Role::Developer, &["development"]).await;
        let admin = server.user("admin", Role::Admin, &[]).await;
        let admin_api = server.api(&admin).await;
        let (status, _) = admin_api
            .post("/api/v1/services", json!({"name": "storefront"}))
            .await;
        assert_eq!(status, StatusCode::CREATED);
        let api = server.api(&developer).await;
        let (_, release) = api
            .post(
                "/api/v1/releases",
                json!({"service": "storefront", "version": "3.1.4"}),
            )
            .await;
        let bug = server
            .ticket(&developer, "Корзина теряет товары", "development", None)
            .await;
        // Tickets made by the helper are incidents; this one must be a bug.
        let mut tx = server.state.db.begin().await.unwrap();
        tx.execute(
            "UPDATE tickets SET kind = 'bug' WHERE id = $1",
            store::args![bug.id],
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let (status, _) = api
            .post(
                &format!("/api/v1/releases/{}/fixes", release["id"]),
                json!({"ticket_id": bug.id}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);

        let browser = server.browser("dev").await;
        let (_, page) = browser.get(&format!("/tickets/{}", bug.id)).await;
        let fixed = page.split("data-test=\"ticket-fixed-in\"").nth(1).unwrap();
        assert!(fixed.contains("3.1.4"), "{fixed}");
    }
);

web_test!(client_sees_no_infra_section, async |server: &TestServer| {
    let admin = server.user("admin", Role::Admin, &[]).await;
    let api = server.api(&admin).await;
    let (status, _) = api
        .post("/api/v1/services", json!({"name": "storefront"}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, release) = api
        .post(
            "/api/v1/releases",
            json!({"service": "storefront", "version": "3.1.4"}),
        )
        .await;
    let company = server.client_company("ООО «Ромашка»").await;
    server.client_user("romashka", company).await;
    let ticket = server
        .ticket(&admin, "Не открывается магазин", "L1", Some(company))
        .await;
    let mut tx = server.state.db.begin().await.unwrap();
    tx.execute(
        "UPDATE tickets SET kind = 'bug' WHERE id = $1",
        store::args![ticket.id],
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let (status, _) = api
        .post(
            &format!("/api/v1/releases/{}/fixes", release["id"]),
            json!({"ticket_id": ticket.id}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    let staff = server.browser("admin").await;
    let (_, page) = staff.get(&format!("/tickets/{}", ticket.id)).await;
    assert!(
        page.contains("data-test=\"ticket-infra\""),
        "staff see the release"
    );
    let client = server.browser("romashka").await;
    let (status, page) = client.get(&format!("/tickets/{}", ticket.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("data-test=\"ticket-infra\""), "{page}");
});
