//! The inventory API against a real router on both engines: sites, racks, hosts and their
//! lifecycle, environments, services and who may do what.
#![allow(clippy::unwrap_used)]

mod common;

use domain::identity::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use common::{Api, TestServer};

async fn support(server: &TestServer) -> Api {
    let user = server.user("sidorov", Role::Support, &["L1"]).await;
    server.api(&user).await
}

fn host(name: &str) -> Value {
    json!({"technical_name": name, "kind": "physical", "cores": 16,
           "ram_bytes": 68_719_476_736_i64, "storage_bytes": 2_000_000_000_000_i64})
}

/// Posts `body` and returns the status and the created object's id.
async fn created(api: &Api, path: &str, body: Value) -> i64 {
    let (status, answer) = api.post(path, body).await;
    assert_eq!(status, StatusCode::CREATED, "{path}: {answer}");
    answer["id"].as_i64().unwrap()
}

web_test!(host_created_in_rack_of_site, async |server: &TestServer| {
    let api = support(server).await;
    let site = created(
        &api,
        "/api/v1/sites",
        json!({"name": "ЦОД Москва", "kind": "own_data_centre"}),
    )
    .await;
    let rack = created(
        &api,
        &format!("/api/v1/sites/{site}/racks"),
        json!({"name": "A01"}),
    )
    .await;
    let mut body = host("db-01");
    body["rack_id"] = json!(rack);
    let (status, saved) = api.post("/api/v1/hosts", body).await;
    assert_eq!(status, StatusCode::CREATED, "{saved}");
    assert_eq!(saved["site_id"], site);
    assert_eq!(saved["site"], "ЦОД Москва");
    assert_eq!(saved["rack"], "A01");
    assert_eq!(saved["status"], "planned");
    assert_eq!(saved["ram_bytes"], 68_719_476_736_i64);

    let (status, site_detail) = api.get(&format!("/api/v1/sites/{site}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(site_detail["racks"][0]["name"], "A01");
});

web_test!(
    cloud_site_needs_full_placement,
    async |server: &TestServer| {
        let api = support(server).await;
        let (status, answer) = api
            .post(
                "/api/v1/sites",
                json!({"name": "Yandex", "kind": "cloud_region", "cloud_provider": "Yandex Cloud",
                   "cloud_region": "ru-central1"}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(answer["error"]["field"], "cloud_account", "{answer}");

        let (status, answer) = api
            .post(
                "/api/v1/sites",
                json!({"name": "Colo", "kind": "colocation", "cloud_provider": "Yandex Cloud"}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(answer["error"]["field"], "cloud_provider", "{answer}");

        let (_, list) = api.get("/api/v1/sites").await;
        assert_eq!(list["items"], json!([]));

        let (status, saved) = api
            .post(
                "/api/v1/sites",
                json!({"name": "Yandex", "kind": "cloud_region", "cloud_provider": "Yandex Cloud",
                   "cloud_account": "b1g-folder", "cloud_region": "ru-central1"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{saved}");
        assert_eq!(saved["cloud_account"], "b1g-folder");

        // A cloud region has no racks of ours.
        let racks = format!("/api/v1/sites/{}/racks", saved["id"]);
        let (status, answer) = api.post(&racks, json!({"name": "R1"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert_eq!(answer["error"]["field"], "site_id");
        let message = answer["error"]["message"].as_str().unwrap();
        assert!(message.contains("Yandex"), "{message}");
    }
);

web_test!(host_invalid_fields_named, async |server: &TestServer| {
    let api = support(server).await;
    let cases = [
        (json!({"kind": "blade"}), "kind"),
        (json!({"technical_name": "  "}), "technical_name"),
        (json!({"cores": 0}), "cores"),
        (json!({"ram_bytes": -1}), "ram_bytes"),
        (json!({"storage_bytes": -1}), "storage_bytes"),
        (json!({"cores": 9_223_372_036_854_775_807_i64}), "cores"),
        (json!({"ram_bytes": 1_i64 << 60}), "ram_bytes"),
        (json!({"storage_bytes": 1_i64 << 62}), "storage_bytes"),
        (json!({"status": "retired"}), "status"),
        (json!({"zabbix_host_id": 0}), "zabbix_host_id"),
        (json!({"site_id": 999}), "site_id"),
        (json!({"cluster_id": 999}), "cluster_id"),
    ];
    for (change, field) in cases {
        let mut body = host("db-01");
        for (key, value) in change.as_object().unwrap() {
            body[key] = value.clone();
        }
        let (status, answer) = api.post("/api/v1/hosts", body.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {answer}");
        assert_eq!(answer["error"]["field"], field, "{body}: {answer}");
        assert!(
            answer["error"]["message"].as_str().unwrap().len() > 10,
            "{answer}"
        );
    }
    let (_, list) = api.get("/api/v1/hosts").await;
    assert_eq!(list["total"], 0);
});

web_test!(host_lifecycle_through_patch, async |server: &TestServer| {
    let api = support(server).await;
    let id = created(&api, "/api/v1/hosts", host("db-01")).await;
    let path = format!("/api/v1/hosts/{id}");

    let (status, answer) = api
        .patch(&path, json!({"status": "retired", "version": 1}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{answer}");
    assert_eq!(answer["error"]["code"], "invalid_transition");

    let (status, answer) = api
        .patch(&path, json!({"status": "active", "version": 1}))
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["status"], "active");
    assert_eq!(answer["version"], 2);

    let (status, answer) = api.patch(&path, json!({"cores": 32, "version": 1})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{answer}");
    assert_eq!(answer["error"]["code"], "conflict");

    let (_, stored) = api.get(&path).await;
    assert_eq!(stored["cores"], 16);
    assert_eq!(stored["status"], "active");
});

web_test!(
    imported_host_listed_and_described,
    async |server: &TestServer| {
        let api = support(server).await;
        let (imported, _) =
            store::metrics::ensure_host(&server.state.db, "web-07", domain::time::now())
                .await
                .unwrap();
        let (_, list) = api.get("/api/v1/hosts?q=WEB").await;
        assert_eq!(list["total"], 1, "{list}");
        assert_eq!(list["items"][0]["kind"], Value::Null);
        assert_eq!(list["items"][0]["status"], "active");

        let path = format!("/api/v1/hosts/{}", imported.id);
        let (status, answer) = api.patch(&path, json!({"cores": 4, "version": 1})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert_eq!(answer["error"]["field"], "kind");

        let mut body = host("web-07");
        body["kind"] = json!("virtual");
        let (status, saved) = api.post("/api/v1/hosts", body).await;
        assert_eq!(status, StatusCode::CREATED, "{saved}");
        assert_eq!(saved["id"], imported.id);
        assert_eq!(saved["kind"], "virtual");
    }
);

web_test!(
    environment_serves_hosts_and_clients,
    async |server: &TestServer| {
        let api = support(server).await;
        let db01 = created(&api, "/api/v1/hosts", host("db-01")).await;
        let client = server.client_company("ООО «Ромашка»").await;
        let (status, env) = api
            .post(
                "/api/v1/environments",
                json!({"name": "prod-msk", "kind": "prod", "host_ids": [db01],
                   "client_ids": [client], "description": "Магазины клиентов"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{env}");
        let id = env["id"].as_i64().unwrap();

        let (_, detail) = api.get(&format!("/api/v1/environments/{id}")).await;
        assert_eq!(detail["hosts"][0]["name"], "db-01");
        assert_eq!(detail["clients"][0]["name"], "ООО «Ромашка»");
        let (_, host_detail) = api.get(&format!("/api/v1/hosts/{db01}")).await;
        assert_eq!(host_detail["environments"][0]["name"], "prod-msk");

        let (status, saved) = api
            .patch(
                &format!("/api/v1/environments/{id}"),
                json!({"client_ids": [], "version": 1}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{saved}");
        let (_, detail) = api.get(&format!("/api/v1/environments/{id}")).await;
        assert_eq!(detail["clients"], json!([]));
        assert_eq!(detail["hosts"][0]["name"], "db-01");

        let (status, answer) = api
            .post(
                "/api/v1/environments",
                json!({"name": "prod-msk", "kind": "prod"}),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{answer}");
        assert_eq!(answer["error"]["code"], "duplicate");

        let (status, answer) = api
            .post("/api/v1/environments", json!({"name": "qa", "kind": "qa"}))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert_eq!(answer["error"]["field"], "kind");
        let (_, list) = api.get("/api/v1/environments?kind=prod").await;
        assert_eq!(list["items"].as_array().unwrap().len(), 1);
    }
);

web_test!(inventory_roles_enforced, async |server: &TestServer| {
    let analyst = server.user("analyst", Role::Analyst, &[]).await;
    let analyst = server.api(&analyst).await;
    let developer = server.user("dev", Role::Developer, &["development"]).await;
    let developer = server.api(&developer).await;
    let sales = server.user("sales", Role::Sales, &[]).await;
    let sales = server.api(&sales).await;
    let company = server.client_company("ООО «Ромашка»").await;
    let client = server.client_user("romashka", company).await;
    let client = server.api(&client).await;
    let admin = server.user("admin", Role::Admin, &[]).await;
    let admin = server.api(&admin).await;

    let id = created(&admin, "/api/v1/hosts", host("db-01")).await;
    let host_path = format!("/api/v1/hosts/{id}");
    for reader in [&analyst, &developer] {
        let (status, _) = reader.get(&host_path).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = reader.post("/api/v1/hosts", host("db-02")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = reader
            .patch(&host_path, json!({"cores": 2, "version": 1}))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    for outsider in [&sales, &client] {
        for path in [
            "/api/v1/hosts",
            "/api/v1/sites",
            "/api/v1/environments",
            host_path.as_str(),
        ] {
            let (status, _) = outsider.get(path).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        }
    }
    let (_, list) = admin.get("/api/v1/hosts").await;
    assert_eq!(list["total"], 1);
});

web_test!(services_and_clusters_listed, async |server: &TestServer| {
    let api = support(server).await;
    created(
        &api,
        "/api/v1/services",
        json!({"name": "storefront", "description": "Витрины магазинов"}),
    )
    .await;
    let (status, answer) = api
        .post("/api/v1/services", json!({"name": "storefront"}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{answer}");
    created(&api, "/api/v1/clusters", json!({"name": "k8s-prod"})).await;
    let (_, services) = api.get("/api/v1/services").await;
    assert_eq!(services["items"][0]["name"], "storefront");
    let (_, clusters) = api.get("/api/v1/clusters").await;
    assert_eq!(clusters["items"][0]["name"], "k8s-prod");
});

web_test!(openapi_lists_inventory, async |server: &TestServer| {
    let response = reqwest::get(format!("{}/api/openapi.json", server.url))
        .await
        .unwrap();
    let document: Value = response.json().await.unwrap();
    for path in [
        "/api/v1/hosts",
        "/api/v1/hosts/{id}",
        "/api/v1/sites",
        "/api/v1/environments",
        "/api/v1/hosts/{id}/capacity",
        "/api/v1/clusters/{id}/capacity",
        "/api/v1/sites/{id}/capacity",
    ] {
        assert!(document["paths"][path].is_object(), "{path} missing");
    }
});
