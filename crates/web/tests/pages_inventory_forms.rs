//! The inventory forms against a real router on both engines: sites, racks, clusters, hosts
//! and environments created and edited as support, with invalid input, stale versions,
//! missing CSRF tokens and roles that may not change the inventory.
#![allow(clippy::unwrap_used)]

mod common;

use domain::identity::Role;
use reqwest::StatusCode;
use store::infra::{HostListQuery, environments, hosts, sites};

use common::{Browser, TestServer};

/// Signs in a support engineer, who may change the inventory.
async fn support(server: &TestServer) -> Browser {
    server.user("sidorov", Role::Support, &["L1"]).await;
    server.browser("sidorov").await
}

/// Returns the path a 303 response redirects to.
fn location(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_string()
}

async fn host_count(server: &TestServer) -> i64 {
    let (_, total) = hosts::list(&server.state.db, &HostListQuery::default())
        .await
        .unwrap();
    total
}

web_test!(
    site_form_creates_cloud_region,
    async |server: &TestServer| {
        let browser = support(server).await;
        let fields = [
            ("name", "Yandex Cloud ru-central1"),
            ("kind", "cloud_region"),
            ("cloud_provider", "Yandex Cloud"),
            ("cloud_account", "b1g-vitrina"),
            ("cloud_region", "ru-central1"),
        ];
        let response = browser
            .post_form("/infra/sites/new", "/infra/sites/new", &fields)
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let card = location(&response);
        assert!(
            card.ends_with("?done=inventory-done-site-created"),
            "{card}"
        );

        let stored = sites::list_sites(&server.state.db).await.unwrap();
        assert_eq!(stored.len(), 1);
        let cloud = stored[0].cloud.clone().unwrap();
        assert_eq!(cloud.provider, "Yandex Cloud");
        assert_eq!(cloud.region, "ru-central1");

        let (status, page) = browser.get(&card).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Площадка добавлена."), "{page}");
        assert!(page.contains("b1g-vitrina"));
    }
);

web_test!(
    site_form_rejects_cloud_without_provider,
    async |server: &TestServer| {
        let browser = support(server).await;
        let fields = [
            ("name", "Облако без провайдера"),
            ("kind", "cloud_region"),
            ("cloud_provider", ""),
            ("cloud_account", "b1g"),
            ("cloud_region", "ru-central1"),
        ];
        let response = browser
            .post_form("/infra/sites/new", "/infra/sites/new", &fields)
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = response.text().await.unwrap();
        assert!(
            page.contains("data-test=\"error-cloud_provider\""),
            "{page}"
        );
        assert!(page.contains("Поле не заполнено"), "{page}");
        assert!(
            page.contains("value=\"Облако без провайдера\""),
            "input kept"
        );
        assert!(
            sites::list_sites(&server.state.db)
                .await
                .unwrap()
                .is_empty()
        );
    }
);

web_test!(
    site_edit_detects_stale_version,
    async |server: &TestServer| {
        let browser = support(server).await;
        let fields = [("name", "ЦОД Москва"), ("kind", "own_data_centre")];
        let response = browser
            .post_form("/infra/sites/new", "/infra/sites/new", &fields)
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let id = sites::list_sites(&server.state.db).await.unwrap()[0].id;
        let edit = format!("/infra/sites/{id}/edit");

        let renamed = [
            ("name", "ЦОД Москва-1"),
            ("kind", "colocation"),
            ("version", "1"),
        ];
        let response = browser.post_form(&edit, &edit, &renamed).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);

        let stale = [
            ("name", "ЦОД Москва-2"),
            ("kind", "colocation"),
            ("version", "1"),
        ];
        let response = browser.post_form(&edit, &edit, &stale).await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        let page = response.text().await.unwrap();
        assert!(page.contains("изменил кто-то другой"), "{page}");
        assert!(
            page.contains("name=\"version\" value=\"1\""),
            "the stale version stays: {page}"
        );
        let site = sites::get_site(&server.state.db, id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(site.name, "ЦОД Москва-1");
    }
);

web_test!(rack_form_adds_rack_once, async |server: &TestServer| {
    let browser = support(server).await;
    let fields = [("name", "ЦОД Москва"), ("kind", "own_data_centre")];
    browser
        .post_form("/infra/sites/new", "/infra/sites/new", &fields)
        .await;
    let id = sites::list_sites(&server.state.db).await.unwrap()[0].id;
    let card = format!("/infra/sites/{id}");
    let racks = format!("/infra/sites/{id}/racks");

    let response = browser.post_form(&racks, &card, &[("name", "A-01")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let stored = sites::list_racks(&server.state.db, id).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].name, "A-01");

    let response = browser.post_form(&racks, &card, &[("name", "A-01")]).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let page = response.text().await.unwrap();
    assert!(page.contains("Значение «A-01» уже существует"), "{page}");
    assert_eq!(
        sites::list_racks(&server.state.db, id).await.unwrap().len(),
        1
    );
});

web_test!(cluster_form_creates_cluster, async |server: &TestServer| {
    let browser = support(server).await;
    let response = browser
        .post_form(
            "/infra/clusters",
            "/infra/clusters",
            &[("name", "k8s-prod")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, page) = browser.get(&location(&response)).await;
    assert!(page.contains("Кластер создан."), "{page}");
    assert!(page.contains("k8s-prod"));

    let response = browser
        .post_form(
            "/infra/clusters",
            "/infra/clusters",
            &[("name", "k8s-test"), ("site_id", "999")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("Объект с идентификатором 999 не найден"),
        "{page}"
    );
    assert!(page.contains("value=\"k8s-test\""), "input kept");
    let stored = sites::list_clusters(&server.state.db).await.unwrap();
    assert_eq!(stored.len(), 1);
});

/// Builds the fields of virtual host `app-01` with 8 cores, `ram` GiB of RAM and 1.5 GiB of
/// disk, based on `version` (empty on creation).
fn host_fields<'a>(ram: &'a str, version: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("technical_name", "app-01"),
        ("kind", "virtual"),
        ("status", "planned"),
        ("cores", "8"),
        ("ram", ram),
        ("ram_unit", "gibibytes"),
        ("storage", "1,5"),
        ("storage_unit", "gibibytes"),
        ("zabbix_host_id", "10501"),
        ("version", version),
    ]
}

web_test!(
    host_form_creates_host_in_bytes,
    async |server: &TestServer| {
        let browser = support(server).await;
        let response = browser
            .post_form(
                "/infra/hosts/new",
                "/infra/hosts/new",
                &host_fields("16", ""),
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let (found, _) = hosts::list(&server.state.db, &HostListQuery::default())
            .await
            .unwrap();
        let resources = found[0].resources.unwrap();
        assert_eq!(found[0].technical_name, "app-01");
        assert_eq!(resources.cores, 8);
        assert_eq!(resources.ram_bytes, 16 << 30);
        assert_eq!(resources.storage_bytes, 3 << 29);
        assert_eq!(found[0].zabbix_host_id, Some(10501));

        let (_, card) = browser.get(&location(&response)).await;
        assert!(card.contains("Хост добавлен."), "{card}");
    }
);

web_test!(host_form_rejects_bad_size, async |server: &TestServer| {
    let browser = support(server).await;
    let response = browser
        .post_form(
            "/infra/hosts/new",
            "/infra/hosts/new",
            &host_fields("много", ""),
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains("data-test=\"error-ram_bytes\""), "{page}");
    assert!(page.contains("Объём «много» не распознан"), "{page}");
    assert!(page.contains("value=\"много\""), "input kept");
    assert_eq!(host_count(server).await, 0);
});

web_test!(
    host_edit_detects_stale_version,
    async |server: &TestServer| {
        let browser = support(server).await;
        let response = browser
            .post_form(
                "/infra/hosts/new",
                "/infra/hosts/new",
                &host_fields("16", ""),
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let (found, _) = hosts::list(&server.state.db, &HostListQuery::default())
            .await
            .unwrap();
        let id = found[0].id;
        let edit = format!("/infra/hosts/{id}/edit");
        let (status, form) = browser.get(&edit).await;
        assert_eq!(status, StatusCode::OK);
        assert!(form.contains("value=\"16\""), "RAM shown in GiB: {form}");

        let response = browser
            .post_form(&edit, &edit, &host_fields("32", "1"))
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);

        let response = browser
            .post_form(&edit, &edit, &host_fields("64", "1"))
            .await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        let page = response.text().await.unwrap();
        assert!(page.contains("изменил кто-то другой"), "{page}");
        assert!(page.contains("data-test=\"conflict-reload\""));
        assert!(page.contains("value=\"64\""), "input kept");
        assert!(
            page.contains("name=\"version\" value=\"1\""),
            "the stale version stays, so saving again cannot overwrite: {page}"
        );
        let response = browser
            .post_form(&edit, &edit, &host_fields("64", "1"))
            .await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        let host = hosts::get(&server.state.db, id).await.unwrap().unwrap();
        assert_eq!(host.resources.unwrap().ram_bytes, 32 << 30);
        assert_eq!(host.version, 2);
    }
);

web_test!(
    environment_form_creates_and_edits,
    async |server: &TestServer| {
        let browser = support(server).await;
        browser
            .post_form(
                "/infra/hosts/new",
                "/infra/hosts/new",
                &host_fields("16", ""),
            )
            .await;
        let (found, _) = hosts::list(&server.state.db, &HostListQuery::default())
            .await
            .unwrap();
        let host = found[0].id.to_string();
        let company = server.client_company("ООО «Ромашка»").await.to_string();

        let fields = [
            ("name", "stage-msk"),
            ("kind", "staging"),
            ("description", "Предрелизное окружение"),
            ("host_ids", host.as_str()),
            ("client_ids", company.as_str()),
        ];
        let response = browser
            .post_form(
                "/infra/environments/new",
                "/infra/environments/new",
                &fields,
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let stored = environments::list(&server.state.db, None).await.unwrap();
        assert_eq!(stored.len(), 1);
        let id = stored[0].id;
        let members = environments::hosts_of(&server.state.db, id).await.unwrap();
        assert_eq!(members.len(), 1);
        let clients = environments::clients_of(&server.state.db, id)
            .await
            .unwrap();
        assert_eq!(clients[0].name, "ООО «Ромашка»");

        let edit = format!("/infra/environments/{id}/edit");
        let (_, form) = browser.get(&edit).await;
        assert!(
            form.contains(&format!("value=\"{host}\" id=\"host_ids-{host}\" checked")),
            "{form}"
        );
        let renamed = [("name", "stage-spb"), ("kind", "staging"), ("version", "1")];
        let response = browser.post_form(&edit, &edit, &renamed).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let saved = environments::get(&server.state.db, id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(saved.name, "stage-spb");
        let members = environments::hosts_of(&server.state.db, id).await.unwrap();
        assert!(members.is_empty(), "unchecked hosts are removed");

        let response = browser.post_form(&edit, &edit, &renamed).await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
    }
);

web_test!(
    environment_form_rejects_bad_kind,
    async |server: &TestServer| {
        let browser = support(server).await;
        let fields = [("name", "qa-1"), ("kind", "qa")];
        let response = browser
            .post_form(
                "/infra/environments/new",
                "/infra/environments/new",
                &fields,
            )
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = response.text().await.unwrap();
        assert!(page.contains("Значение «qa» недопустимо"), "{page}");
        assert!(page.contains("value=\"qa-1\""), "input kept");
        assert!(
            environments::list(&server.state.db, None)
                .await
                .unwrap()
                .is_empty()
        );
    }
);

/// Every inventory form, as the path to post to and the page that shows it.
const FORMS: &[(&str, &str)] = &[
    ("/infra/sites/new", "/infra/sites/new"),
    ("/infra/hosts/new", "/infra/hosts/new"),
    ("/infra/environments/new", "/infra/environments/new"),
    ("/infra/clusters", "/infra/clusters"),
];

web_test!(
    inventory_forms_need_csrf_token,
    async |server: &TestServer| {
        let browser = support(server).await;
        for (path, _) in FORMS {
            let response = browser.post_raw(path, &[("name", "без токена")]).await;
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
        }
        assert!(
            sites::list_sites(&server.state.db)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            sites::list_clusters(&server.state.db)
                .await
                .unwrap()
                .is_empty()
        );
    }
);

web_test!(
    inventory_forms_closed_to_other_roles,
    async |server: &TestServer| {
        server.user("analyst", Role::Analyst, &[]).await;
        server.user("dev", Role::Developer, &["development"]).await;
        let company = server.client_company("ООО «Лютик»").await;
        server.client_user("lutik", company).await;
        // Analysts and developers read the inventory but may not change it. Clients may not
        // see it at all (ReadInventory is Forbidden for them in docs/PERMISSIONS.md).
        for login in ["analyst", "dev", "lutik"] {
            let browser = server.browser(login).await;
            for (path, _) in FORMS {
                let (status, _) = browser.get(path).await;
                let expected = if login != "lutik" && *path == "/infra/clusters" {
                    StatusCode::OK
                } else {
                    StatusCode::FORBIDDEN
                };
                assert_eq!(status, expected, "{login} GET {path}");
                let response = browser
                    .post_form(path, "/profile", &[("name", "чужое"), ("kind", "dev")])
                    .await;
                assert_eq!(
                    response.status(),
                    StatusCode::FORBIDDEN,
                    "{login} POST {path}"
                );
            }
        }
        assert!(
            sites::list_sites(&server.state.db)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            sites::list_clusters(&server.state.db)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            environments::list(&server.state.db, None)
                .await
                .unwrap()
                .is_empty()
        );
    }
);
