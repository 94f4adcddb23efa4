//! Releases and deployments through the API on both engines: a deployment tool's token,
//! the version an environment runs, bug tickets linked to their fixing release, and the
//! environment page.
#![allow(clippy::unwrap_used)]

mod common;

use domain::identity::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use common::{Api, TestServer};

/// Creates the service `storefront` and the environment `prod-msk` as support, and returns
/// the environment's id.
async fn setup(server: &TestServer) -> i64 {
    let support = server.user("sidorov", Role::Support, &["L1"]).await;
    let api = server.api(&support).await;
    let (status, _) = api
        .post("/api/v1/services", json!({"name": "storefront"}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, env) = api
        .post(
            "/api/v1/environments",
            json!({"name": "prod-msk", "kind": "prod"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{env}");
    env["id"].as_i64().unwrap()
}

/// Returns an API client of the deployment tool's account, a developer.
async fn deploy_tool(server: &TestServer) -> Api {
    let user = server.user("deploy-bot", Role::Developer, &[]).await;
    server.api(&user).await
}

fn deployment(version: &str, result: &str, at: &str) -> Value {
    json!({"service": "storefront", "version": version, "environment": "prod-msk",
           "result": result, "deployed_at": at, "deployed_by": "ivanov"})
}

web_test!(
    deployment_tool_posts_deployments,
    async |server: &TestServer| {
        let env = setup(server).await;
        let tool = deploy_tool(server).await;
        let steps = [
            ("2.4.0", "succeeded", "2026-12-01T10:00:00Z"),
            ("2.4.1", "succeeded", "2026-12-02T10:00:00Z"),
            ("2.4.1", "rolled_back", "2026-12-02T10:05:00Z"),
            ("2.5.0", "failed", "2026-12-03T10:00:00Z"),
        ];
        for (version, result, at) in steps {
            let (status, saved) = tool
                .post("/api/v1/deployments", deployment(version, result, at))
                .await;
            assert_eq!(status, StatusCode::CREATED, "{saved}");
            assert_eq!(saved["deployed_by"], "ivanov");
        }
        let (_, detail) = tool.get(&format!("/api/v1/environments/{env}")).await;
        assert_eq!(detail["running"][0]["service"], "storefront", "{detail}");
        assert_eq!(detail["running"][0]["version"], "2.4.0");
        assert_eq!(detail["running"][0]["deployed_at"], "2026-12-01T10:00:00Z");

        let (_, list) = tool
            .get("/api/v1/deployments?environment=prod-msk&limit=2")
            .await;
        let items = list["items"].as_array().unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0]["version"], "2.5.0");
        assert_eq!(items[0]["result"], "failed");

        let (_, releases) = tool.get("/api/v1/releases?service=storefront").await;
        assert_eq!(releases["items"].as_array().unwrap().len(), 3);
    }
);

web_test!(
    deployment_defaults_to_token_owner,
    async |server: &TestServer| {
        setup(server).await;
        let tool = deploy_tool(server).await;
        let (status, saved) = tool
            .post(
                "/api/v1/deployments",
                json!({"service": "storefront", "version": "1.0", "environment": "prod-msk",
                   "result": "succeeded"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{saved}");
        assert_eq!(saved["deployed_by"], "deploy-bot");
        assert_eq!(saved["release_created"], true);
    }
);

web_test!(deployment_bad_input_named, async |server: &TestServer| {
    setup(server).await;
    let tool = deploy_tool(server).await;
    let cases = [
        (json!({"service": "checkout"}), "service"),
        (json!({"environment": "prod-spb"}), "environment"),
        (json!({"result": "ok"}), "result"),
        (json!({"version": " "}), "version"),
        (
            json!({"deployed_at": "2999-01-01T00:00:00Z"}),
            "deployed_at",
        ),
        (json!({"deployed_at": "yesterday"}), "deployed_at"),
    ];
    for (change, field) in cases {
        let mut body = deployment("1.0", "succeeded", "2026-12-01T10:00:00Z");
        for (key, value) in change.as_object().unwrap() {
            body[key] = value.clone();
        }
        let (status, answer) = tool.post("/api/v1/deployments", body.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {answer}");
        assert_eq!(answer["error"]["field"], field, "{body}: {answer}");
    }
    let (_, list) = tool.get("/api/v1/deployments").await;
    assert_eq!(list["items"], json!([]));
    let (_, releases) = tool.get("/api/v1/releases").await;
    assert_eq!(releases["items"], json!([]));
});

web_test!(deployment_roles_enforced, async |server: &TestServer| {
    setup(server).await;
    let analyst = server.user("analyst", Role::Analyst, &[]).await;
    let analyst = server.api(&analyst).await;
    let (status, _) = analyst
        .post(
            "/api/v1/deployments",
            deployment("1.0", "succeeded", "2026-12-01T10:00:00Z"),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = analyst.get("/api/v1/deployments").await;
    assert_eq!(status, StatusCode::OK);

    let company = server.client_company("ООО «Ромашка»").await;
    let client = server.client_user("romashka", company).await;
    let client = server.api(&client).await;
    let (status, _) = client.get("/api/v1/releases").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
});

web_test!(bug_linked_to_fixing_release, async |server: &TestServer| {
    setup(server).await;
    let developer = server.user("dev", Role::Developer, &["development"]).await;
    let api = server.api(&developer).await;
    let (status, release) = api
        .post(
            "/api/v1/releases",
            json!({"service": "storefront", "version": "3.1", "notes": "Исправлена корзина"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{release}");
    let id = release["id"].as_i64().unwrap();

    let (status, answer) = api
        .post(
            "/api/v1/releases",
            json!({"service": "storefront", "version": "3.1"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{answer}");

    let (status, bug) = api
        .post(
            "/api/v1/tickets",
            json!({"kind": "bug", "title": "Корзина теряет товары", "description": "Шаги",
                   "queue": "development", "priority": "P3"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{bug}");
    let bug_id = bug["id"].as_i64().unwrap();

    let (status, detail) = api
        .post(
            &format!("/api/v1/releases/{id}/fixes"),
            json!({"ticket_id": bug_id}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    assert_eq!(detail["fixes"][0]["id"], bug_id);

    let (_, fixing) = api
        .get(&format!("/api/v1/releases?ticket_id={bug_id}"))
        .await;
    assert_eq!(fixing["items"][0]["version"], "3.1", "{fixing}");

    let (status, _) = api
        .post(
            &format!("/api/v1/releases/{id}/fixes"),
            json!({"ticket_id": 99_999}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
});

web_test!(
    environment_page_shows_running_versions,
    async |server: &TestServer| {
        let env = setup(server).await;
        let tool = deploy_tool(server).await;
        for (version, result, at) in [
            ("2.4.0", "succeeded", "2026-12-01T10:00:00Z"),
            ("2.5.0", "failed", "2026-12-03T10:00:00Z"),
        ] {
            let (status, _) = tool
                .post("/api/v1/deployments", deployment(version, result, at))
                .await;
            assert_eq!(status, StatusCode::CREATED);
        }
        let browser = server.browser("sidorov").await;
        let (status, page) = browser.get(&format!("/infra/environments/{env}")).await;
        assert_eq!(status, StatusCode::OK);
        let running = page
            .split("data-test=\"environment-running\"")
            .nth(1)
            .and_then(|rest| rest.split("</table>").next())
            .unwrap();
        assert!(running.contains("2.4.0"), "{running}");
        assert!(!running.contains("2.5.0"), "{running}");
        assert!(page.contains("ошибка"), "the failed deployment is listed");
    }
);
