//! The release pages and forms against a real router on both engines. The tests cover the
//! release list and card, the release and deployment forms, and linking a bug ticket to the
//! release that fixes it. They also send invalid input, forms without a CSRF token and
//! requests from roles that may not record releases.
#![allow(clippy::unwrap_used)]

mod common;

use domain::identity::Role;
use reqwest::StatusCode;
use serde_json::json;
use store::infra::releases::{self, DeploymentFilter};

use common::{Browser, TestServer};

/// Creates the service `storefront` and the environment `prod-msk` through the API, and
/// signs in the developer `dev`, who records releases.
async fn setup(server: &TestServer) -> Browser {
    let support = server.user("sidorov", Role::Support, &["L1"]).await;
    let api = server.api(&support).await;
    for (path, body) in [
        ("/api/v1/services", json!({"name": "storefront"})),
        ("/api/v1/services", json!({"name": "checkout"})),
        (
            "/api/v1/environments",
            json!({"name": "prod-msk", "kind": "prod"}),
        ),
    ] {
        let (status, answer) = api.post(path, body).await;
        assert_eq!(status, StatusCode::CREATED, "{answer}");
    }
    server.user("dev", Role::Developer, &["development"]).await;
    server.browser("dev").await
}

async fn release_count(server: &TestServer) -> usize {
    releases::list_releases(&server.state.db, None, 100)
        .await
        .unwrap()
        .len()
}

/// Returns the id at the end of a redirect's path, before its query.
fn redirect_id(response: &reqwest::Response) -> i64 {
    let location = response.headers()["location"].to_str().unwrap();
    let path = location.split('?').next().unwrap();
    path.rsplit('/').next().unwrap().parse().unwrap()
}

web_test!(release_form_records_release, async |server: &TestServer| {
    let browser = setup(server).await;
    let fields = [
        ("service", "storefront"),
        ("version", "2.4.1"),
        ("notes", "Исправлена корзина"),
    ];
    let response = browser
        .post_form("/releases/new", "/releases/new", &fields)
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let id = redirect_id(&response);
    let release = releases::get_release(&server.state.db, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(release.version, "2.4.1");
    assert_eq!(release.created_by.as_deref(), Some("dev"));

    let (status, card) = browser
        .get(&format!(
            "/releases/{id}?done=inventory-done-release-created"
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(card.contains("Релиз записан."), "{card}");
    assert!(card.contains("Исправлена корзина"));

    let response = browser
        .post_form("/releases/new", "/releases/new", &fields)
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let page = response.text().await.unwrap();
    assert!(page.contains("Значение «2.4.1» уже существует"), "{page}");
    assert_eq!(release_count(server).await, 1);
});

web_test!(
    release_form_rejects_unknown_service,
    async |server: &TestServer| {
        let browser = setup(server).await;
        let fields = [("service", "no-such-service"), ("version", "1.0")];
        let response = browser
            .post_form("/releases/new", "/releases/new", &fields)
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = response.text().await.unwrap();
        assert!(page.contains("data-test=\"error-service\""), "{page}");
        assert!(
            page.contains("Сервис «no-such-service» не найден"),
            "{page}"
        );
        assert!(page.contains("value=\"1.0\""), "input kept");
        assert_eq!(release_count(server).await, 0);
    }
);

web_test!(
    release_list_filters_by_service,
    async |server: &TestServer| {
        let browser = setup(server).await;
        for (service, version) in [("storefront", "2.4.1"), ("checkout", "7.0")] {
            let fields = [("service", service), ("version", version)];
            let response = browser
                .post_form("/releases/new", "/releases/new", &fields)
                .await;
            assert_eq!(response.status(), StatusCode::SEE_OTHER);
        }
        let (status, all) = browser.get("/releases").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(all.matches("data-test=\"release-row\"").count(), 2);
        assert!(all.contains("data-test=\"nav-releases\""), "menu link");

        let (_, filtered) = browser.get("/releases?service=checkout").await;
        assert_eq!(filtered.matches("data-test=\"release-row\"").count(), 1);
        assert!(filtered.contains("7.0"));
        assert!(!filtered.contains("2.4.1"), "{filtered}");

        let (status, _) = browser.get("/releases?service=no-such-service").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }
);

web_test!(
    deployment_form_records_deployment,
    async |server: &TestServer| {
        let browser = setup(server).await;
        let (status, form) = browser.get("/deployments/new?service=storefront").await;
        assert_eq!(status, StatusCode::OK);
        assert!(form.contains("data-test=\"deployment-by\">dev<"), "{form}");

        let fields = [
            ("service", "storefront"),
            ("version", "2.5.0"),
            ("environment", "prod-msk"),
            ("result", "succeeded"),
            ("deployed_at", "2026-12-01T13:00"),
        ];
        let response = browser
            .post_form("/deployments/new", "/deployments/new", &fields)
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let release_id = redirect_id(&response);
        let filter = DeploymentFilter {
            release_id: Some(release_id),
            ..DeploymentFilter::default()
        };
        let stored = releases::list_deployments(&server.state.db, &filter, 10)
            .await
            .unwrap();
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].version, "2.5.0");
        assert_eq!(stored[0].environment, "prod-msk");
        assert_eq!(stored[0].deployed_by, "dev");
        // The form's time is Moscow time, three hours ahead of UTC.
        assert_eq!(
            stored[0].deployed_at.to_rfc3339(),
            "2026-12-01T10:00:00+00:00"
        );

        let (_, card) = browser.get(&format!("/releases/{release_id}")).await;
        assert!(card.contains("data-test=\"deployment-row\""), "{card}");
        assert!(card.contains("prod-msk"));
    }
);

web_test!(
    deployment_form_rejects_bad_time,
    async |server: &TestServer| {
        let browser = setup(server).await;
        let mut fields = vec![
            ("service", "storefront"),
            ("version", "2.5.0"),
            ("environment", "prod-msk"),
            ("result", "succeeded"),
            ("deployed_at", "вчера"),
        ];
        let response = browser
            .post_form("/deployments/new", "/deployments/new", &fields)
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = response.text().await.unwrap();
        assert!(page.contains("Время «вчера» не распознано"), "{page}");
        assert!(page.contains("value=\"2.5.0\""), "input kept");

        fields[4] = ("deployed_at", "2999-01-01T00:00");
        let response = browser
            .post_form("/deployments/new", "/deployments/new", &fields)
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = response.text().await.unwrap();
        assert!(page.contains("data-test=\"error-deployed_at\""), "{page}");

        let all = releases::list_deployments(&server.state.db, &DeploymentFilter::default(), 10)
            .await
            .unwrap();
        assert!(all.is_empty());
        assert_eq!(release_count(server).await, 0, "no release recorded either");
    }
);

/// Files a bug in the development queue as `dev` and returns its id.
async fn bug(server: &TestServer, kind: &str) -> i64 {
    let developer = server
        .user("dev-api", Role::Developer, &["development"])
        .await;
    let api = server.api(&developer).await;
    let (status, ticket) = api
        .post(
            "/api/v1/tickets",
            json!({"kind": kind, "title": "Корзина теряет товары", "description": "Шаги",
                   "queue": "development", "priority": "P3"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{ticket}");
    ticket["id"].as_i64().unwrap()
}

web_test!(
    bug_ticket_links_fixing_release,
    async |server: &TestServer| {
        let browser = setup(server).await;
        let response = browser
            .post_form(
                "/releases/new",
                "/releases/new",
                &[("service", "storefront"), ("version", "3.1")],
            )
            .await;
        let release_id = redirect_id(&response).to_string();
        let id = bug(server, "bug").await;
        let ticket = format!("/tickets/{id}");
        let (_, page) = browser.get(&ticket).await;
        assert!(
            page.contains("data-test=\"ticket-fixed-in-form\""),
            "{page}"
        );

        let path = format!("/tickets/{id}/fixed-in");
        let response = browser
            .post_form(&path, &ticket, &[("release_id", "")])
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = response.text().await.unwrap();
        assert!(page.contains("Поле не заполнено"), "{page}");
        let fixing = releases::release_fixing(&server.state.db, id)
            .await
            .unwrap();
        assert!(fixing.is_none());

        let response = browser
            .post_form(&path, &ticket, &[("release_id", &release_id)])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let fixing = releases::release_fixing(&server.state.db, id)
            .await
            .unwrap();
        assert_eq!(fixing.unwrap().version, "3.1");
        let (_, page) = browser
            .get(&format!("{ticket}?done=ticket-done-fixed-in"))
            .await;
        assert!(page.contains("Заявка связана с релизом"), "{page}");
        assert!(page.contains("data-test=\"ticket-fixed-in\""));
        let (_, card) = browser.get(&format!("/releases/{release_id}")).await;
        assert!(card.contains(&format!("href=\"/tickets/{id}\"")), "{card}");
    }
);

web_test!(
    incident_ticket_gets_no_release,
    async |server: &TestServer| {
        let browser = setup(server).await;
        let response = browser
            .post_form(
                "/releases/new",
                "/releases/new",
                &[("service", "storefront"), ("version", "3.1")],
            )
            .await;
        let release_id = redirect_id(&response).to_string();
        let id = bug(server, "incident").await;
        let ticket = format!("/tickets/{id}");
        let (_, page) = browser.get(&ticket).await;
        assert!(!page.contains("data-test=\"ticket-fixed-in-form\""));

        let response = browser
            .post_form(
                &format!("/tickets/{id}/fixed-in"),
                &ticket,
                &[("release_id", &release_id)],
            )
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = response.text().await.unwrap();
        assert!(page.contains("только ошибки"), "{page}");
        let fixing = releases::release_fixing(&server.state.db, id)
            .await
            .unwrap();
        assert!(fixing.is_none());
    }
);

web_test!(
    release_forms_need_csrf_token,
    async |server: &TestServer| {
        let browser = setup(server).await;
        let id = bug(server, "bug").await;
        let fields = [
            ("service", "storefront"),
            ("version", "9.9"),
            ("environment", "prod-msk"),
            ("result", "succeeded"),
            ("deployed_at", "2026-12-01T13:00"),
            ("release_id", "1"),
        ];
        let fixed_in = format!("/tickets/{id}/fixed-in");
        for path in ["/releases/new", "/deployments/new", fixed_in.as_str()] {
            let response = browser.post_raw(path, &fields).await;
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
        }
        assert_eq!(release_count(server).await, 0);
    }
);

web_test!(
    release_forms_closed_to_other_roles,
    async |server: &TestServer| {
        setup(server).await;
        server.user("analyst", Role::Analyst, &[]).await;
        let fields = [("service", "storefront"), ("version", "9.9")];
        let browser = server.browser("analyst").await;
        let (status, _) = browser.get("/releases").await;
        assert_eq!(status, StatusCode::OK, "analysts read releases");
        for path in ["/releases/new", "/deployments/new"] {
            let (status, _) = browser.get(path).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
            let response = browser.post_form(path, "/profile", &fields).await;
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
        }
        server.user("sales", Role::Sales, &[]).await;
        let (status, _) = server.browser("sales").await.get("/releases").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(release_count(server).await, 0);
    }
);

web_test!(
    client_cannot_link_other_ticket,
    async |server: &TestServer| {
        setup(server).await;
        let id = bug(server, "bug").await;
        let company = server.client_company("ООО «Лютик»").await;
        server.client_user("lutik", company).await;
        let browser = server.browser("lutik").await;
        let response = browser
            .post_form(
                &format!("/tickets/{id}/fixed-in"),
                "/profile",
                &[("release_id", "1")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        let (status, _) = browser.get("/releases").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
);
