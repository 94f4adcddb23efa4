//! Ticket checklists, environment requests and the strictest contract SLA of a Zabbix
//! incident through the API and the pages, on both engines.
#![allow(clippy::unwrap_used)]

mod common;

use domain::identity::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use common::{Api, TestServer, ZABBIX_SECRET};

/// Assigns ticket `id` to `login` and starts work on it; returns the new version.
async fn start_work(api: &Api, id: i64, login: &str) -> Value {
    let path = format!("/api/v1/tickets/{id}");
    let (_, ticket) = api.get(&path).await;
    let (status, assigned) = api
        .patch(
            &path,
            json!({"assignee": login, "version": ticket["version"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{assigned}");
    let (status, working) = api
        .post(
            &format!("{path}/transitions"),
            json!({"to": "in_progress", "version": assigned["version"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{working}");
    working["version"].clone()
}

async fn resolve(api: &Api, id: i64) -> (StatusCode, Value) {
    let (_, ticket) = api.get(&format!("/api/v1/tickets/{id}")).await;
    api.post(
        &format!("/api/v1/tickets/{id}/transitions"),
        json!({"to": "resolved", "version": ticket["version"]}),
    )
    .await
}

async fn environment_request(api: &Api, name: &str) -> (StatusCode, Value) {
    api.post(
        "/api/v1/environment-requests",
        json!({"environment": {"name": name, "kind": "staging"}}),
    )
    .await
}

web_test!(checklist_api_adds_and_ticks, async |server: &TestServer| {
    let engineer = server.user("ivanov", Role::Support, &["L1"]).await;
    let api = server.api(&engineer).await;
    let ticket = server
        .ticket(&engineer, "Доступ к складу", "L1", None)
        .await;
    let path = format!("/api/v1/tickets/{}/checklist", ticket.id);

    let (status, item) = api.post(&path, json!({"text": "Выдать доступ"})).await;
    assert_eq!(status, StatusCode::CREATED, "{item}");
    assert_eq!(item["done"], false);
    assert_eq!(item["position"], 1);

    let item_path = format!("{path}/{}", item["id"]);
    let (status, ticked) = api
        .patch(
            &item_path,
            json!({"done": true, "version": item["version"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{ticked}");
    assert_eq!(ticked["done"], true);
    assert_eq!(ticked["done_by"], "ivanov");
    assert!(ticked["done_at"].is_string(), "{ticked}");

    let (status, stale) = api
        .patch(
            &item_path,
            json!({"done": false, "version": item["version"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{stale}");
    assert_eq!(stale["error"]["code"], "conflict");

    let (status, list) = api.get(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        list["items"][0]["done"], true,
        "the stale untick changed nothing"
    );
    let (_, detail) = api.get(&format!("/api/v1/tickets/{}", ticket.id)).await;
    assert_eq!(detail["checklist"][0]["text"], "Выдать доступ");

    let (status, blank) = api.post(&path, json!({"text": "  "})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{blank}");
    assert_eq!(blank["error"]["field"], "text");
});

web_test!(client_reads_checklist_only, async |server: &TestServer| {
    let engineer = server.user("ivanov", Role::Support, &["L1"]).await;
    let staff = server.api(&engineer).await;
    let company = server.client_company("ООО «Ромашка»").await;
    let ticket = server
        .ticket(&engineer, "Подключить домен", "L1", Some(company))
        .await;
    let path = format!("/api/v1/tickets/{}/checklist", ticket.id);
    let (_, item) = staff.post(&path, json!({"text": "Проверить DNS"})).await;

    let client = server.client_user("romashka", company).await;
    let api = server.api(&client).await;
    let (status, list) = api.get(&path).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["items"][0]["text"], "Проверить DNS");
    let (status, _) = api.post(&path, json!({"text": "Ещё пункт"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = api
        .patch(
            &format!("{path}/{}", item["id"]),
            json!({"done": true, "version": item["version"]}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let browser = server.browser("romashka").await;
    let (_, page) = browser.get(&format!("/tickets/{}", ticket.id)).await;
    assert!(page.contains("Проверить DNS"), "{page}");
    assert!(!page.contains("data-test=\"checklist-form\""));
    assert!(!page.contains("data-test=\"checklist-toggle\""));
});

web_test!(
    other_tenant_checklist_not_found,
    async |server: &TestServer| {
        let engineer = server.user("ivanov", Role::Support, &["L1"]).await;
        let staff = server.api(&engineer).await;
        let alpha = server.client_company("ООО «Альфа»").await;
        let beta = server.client_company("ООО «Бета»").await;
        let ticket = server
            .ticket(&engineer, "Склад Беты", "L1", Some(beta))
            .await;
        let path = format!("/api/v1/tickets/{}/checklist", ticket.id);
        let (_, item) = staff.post(&path, json!({"text": "Пункт Беты"})).await;

        let outsider = server.client_user("alpha-user", alpha).await;
        let api = server.api(&outsider).await;
        let (status, body) = api.get(&path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        let (status, _) = api.post(&path, json!({"text": "Попытка"})).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = api
            .patch(
                &format!("{path}/{}", item["id"]),
                json!({"done": true, "version": item["version"]}),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (_, list) = staff.get(&path).await;
        assert_eq!(list["items"][0]["done"], false);
    }
);

web_test!(
    environment_request_resolves_into_environment,
    async |server: &TestServer| {
        let engineer = server
            .user("infra", Role::Support, &["infrastructure"])
            .await;
        let api = server.api(&engineer).await;
        let (status, created) = environment_request(&api, "stage-42").await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        assert_eq!(created["kind"], "request");
        assert_eq!(created["queue"], "infrastructure");
        assert!(created["number"].as_str().unwrap().starts_with("REQ-"));
        assert_eq!(created["environment_request"]["name"], "stage-42");
        assert_eq!(
            created["environment_request"]["environment_id"],
            Value::Null
        );
        let texts: Vec<&str> = created["checklist"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| item["text"].as_str().unwrap())
            .collect();
        assert_eq!(
            texts,
            [
                "Выделить ресурсы",
                "Настроить доступы",
                "Развернуть сервисы",
                "Проверить мониторинг"
            ]
        );
        let id = created["id"].as_i64().unwrap();
        start_work(&api, id, "infra").await;

        let (status, refused) = resolve(&api, id).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
        assert_eq!(refused["error"]["field"], "checklist");
        assert!(
            refused["error"]["message"]
                .as_str()
                .unwrap()
                .contains("Выделить ресурсы"),
            "{refused}"
        );
        let (_, environments) = api.get("/api/v1/environments").await;
        assert_eq!(environments["items"].as_array().unwrap().len(), 0);

        for item in created["checklist"].as_array().unwrap() {
            let (status, ticked) = api
                .patch(
                    &format!("/api/v1/tickets/{id}/checklist/{}", item["id"]),
                    json!({"done": true, "version": item["version"]}),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{ticked}");
        }
        let (status, resolved) = resolve(&api, id).await;
        assert_eq!(status, StatusCode::OK, "{resolved}");
        assert_eq!(resolved["status"], "resolved");

        let (_, detail) = api.get(&format!("/api/v1/tickets/{id}")).await;
        let environment_id = detail["environment_request"]["environment_id"]
            .as_i64()
            .unwrap();
        let (status, environment) = api
            .get(&format!("/api/v1/environments/{environment_id}"))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(environment["name"], "stage-42");
        assert_eq!(environment["kind"], "staging");
        assert_eq!(environment["request_ticket_id"], id);

        let browser = server.browser("infra").await;
        let (_, card) = browser
            .get(&format!("/infra/environments/{environment_id}"))
            .await;
        let link = card
            .split("data-test=\"environment-request\"")
            .nth(1)
            .unwrap();
        assert!(link.contains(&format!("/tickets/{id}")), "{link}");
        let (_, page) = browser.get(&format!("/tickets/{id}")).await;
        let section = page.split("data-test=\"environment-link\"").nth(1).unwrap();
        assert!(
            section.contains(&format!("/infra/environments/{environment_id}")),
            "{section}"
        );
    }
);

web_test!(
    environment_request_rejects_taken_name,
    async |server: &TestServer| {
        let engineer = server
            .user("infra", Role::Support, &["infrastructure"])
            .await;
        let api = server.api(&engineer).await;
        let (status, _) = api
            .post(
                "/api/v1/environments",
                json!({"name": "stage-42", "kind": "test"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);

        let (status, body) = environment_request(&api, "stage-42").await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert_eq!(body["error"]["code"], "duplicate");
        assert_eq!(body["error"]["field"], "environment.name");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("stage-42")
        );
        let (_, list) = api.get("/api/v1/tickets?kind=request").await;
        assert_eq!(list["total"], 0, "no ticket was created");
    }
);

web_test!(
    environment_request_needs_inventory_right,
    async |server: &TestServer| {
        let company = server.client_company("ООО «Ромашка»").await;
        let client = server.client_user("romashka", company).await;
        let developer = server.user("dev", Role::Developer, &["development"]).await;
        for user in [client, developer] {
            let api = server.api(&user).await;
            let (status, body) = environment_request(&api, "stage-42").await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{}: {body}", user.login);
        }
        let engineer = server
            .user("infra", Role::Support, &["infrastructure"])
            .await;
        let api = server.api(&engineer).await;
        let (status, body) = api
            .post(
                "/api/v1/environment-requests",
                json!({"environment": {"name": "stage-42", "kind": "qa"}}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["error"]["field"], "environment.kind");
    }
);

web_test!(ticket_page_ticks_checklist, async |server: &TestServer| {
    server
        .user("infra", Role::Support, &["infrastructure"])
        .await;
    let browser = server.browser("infra").await;
    let response = browser
        .post_form(
            "/tickets/new",
            "/tickets/new",
            &[
                ("kind", "request"),
                ("title", "Стенд для нагрузочного теста"),
                ("priority", "P3"),
                ("queue", "infrastructure"),
                ("environment_name", "load-1"),
                ("environment_kind", "test"),
                ("environment_cluster", ""),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let id: i64 = location
        .trim_start_matches("/tickets/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let (_, page) = browser.get(&format!("/tickets/{id}")).await;
    assert!(page.contains("data-test=\"environment-request\""), "{page}");
    assert_eq!(page.matches("data-test=\"checklist-item\"").count(), 4);
    assert!(page.contains("0/4"));

    let items = store::servicedesk::checklist::list(&server.state.db, id)
        .await
        .unwrap();
    let first = &items[0];
    let response = browser
        .post_htmx(
            &format!("/tickets/{id}/checklist/{}", first.id),
            &format!("/tickets/{id}"),
            &[("done", "true"), ("version", &first.version.to_string())],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let panel = response.text().await.unwrap();
    assert!(panel.contains("1/4"), "{panel}");
    assert!(panel.contains("Чек-лист обновлён"));

    // The same stale version again: a conflict shown in the alert, nothing changed.
    let response = browser
        .post_htmx(
            &format!("/tickets/{id}/checklist/{}", first.id),
            &format!("/tickets/{id}"),
            &[("done", "false"), ("version", &first.version.to_string())],
        )
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let stored = store::servicedesk::checklist::list(&server.state.db, id)
        .await
        .unwrap();
    assert!(stored[0].done);

    let response = browser
        .post_form(
            &format!("/tickets/{id}/checklist"),
            &format!("/tickets/{id}"),
            &[("text", "Согласовать окно работ")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, page) = browser.get(&format!("/tickets/{id}")).await;
    assert!(page.contains("Согласовать окно работ"));
    assert!(page.contains("1/5"));
});

web_test!(
    new_form_rejects_environment_on_incident,
    async |server: &TestServer| {
        server
            .user("infra", Role::Support, &["infrastructure"])
            .await;
        let browser = server.browser("infra").await;
        let response = browser
            .post_form(
                "/tickets/new",
                "/tickets/new",
                &[
                    ("kind", "incident"),
                    ("title", "Стенд"),
                    ("priority", "P3"),
                    ("queue", "infrastructure"),
                    ("environment_name", "load-1"),
                    ("environment_kind", "test"),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = response.text().await.unwrap();
        let error = page.split("data-test=\"error-kind\"").nth(1).unwrap();
        assert!(error.contains("Запрос"), "{error}");
        let (_, list) = server
            .api(&server.user("admin", Role::Admin, &[]).await)
            .await
            .get("/api/v1/tickets")
            .await;
        assert_eq!(list["total"], 0);
    }
);

/// Creates an active contract of `client_id` on a plan of `code` whose P2 targets are
/// `first` / `resolution` business minutes on the office calendar.
async fn contract(sales: &Api, client_id: i64, code: &str, first: u32, resolution: u32) -> i64 {
    let targets = |calendar: &str, first: u32, resolution: u32| {
        json!({"calendar": calendar, "first_response_minutes": first,
               "resolution_minutes": resolution})
    };
    let plan = json!({"code": code, "name": code, "monthly_price_kopecks": 499_000,
        "valid_from": "2026-01-01",
        "sla": {"p1": targets("24x7", 30, 120), "p2": targets("office", first, resolution),
                "p3": targets("office", 240, 960), "p4": targets("office", 480, 2400)}});
    let (status, plan) = sales.post("/api/v1/tariffs", plan).await;
    assert_eq!(status, StatusCode::CREATED, "{plan}");
    let body = json!({"client_id": client_id, "plan_id": plan["id"], "starts_on": "2026-01-01"});
    let (_, draft) = sales.post("/api/v1/contracts", body).await;
    let id = draft["id"].as_i64().unwrap();
    let (status, active) = sales
        .post(
            &format!("/api/v1/contracts/{id}/transitions"),
            json!({"to": "active", "version": 1,
                   "conclusion": {"kind": "signed", "signed_on": "2025-12-20"}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{active}");
    id
}

web_test!(
    zabbix_incident_takes_strictest_contract,
    async |server: &TestServer| {
        let admin = server.user("admin", Role::Admin, &[]).await;
        let api = server.api(&admin).await;
        let (status, host) = api
            .post(
                "/api/v1/hosts",
                json!({"technical_name": "db-01", "kind": "physical", "cores": 8,
                   "ram_bytes": 1_073_741_824_i64, "storage_bytes": 0}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{host}");
        let relaxed = server.client_company("ООО «Лютик»").await;
        let strict = server.client_company("ООО «Ромашка»").await;
        contract(&api, relaxed, "basic", 240, 960).await;
        let strict_contract = contract(&api, strict, "premium", 60, 240).await;
        let (status, body) = api
            .post(
                "/api/v1/environments",
                json!({"name": "prod-msk", "kind": "prod", "host_ids": [host["id"]],
                   "client_ids": [relaxed, strict]}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");

        let delivery = json!({"event_id": "7001", "event_value": "1", "event_update_status": "0",
                          "event_source": "0", "event_nseverity": "4", "trigger_id": "23001",
                          "host_host": "db-01", "host_name": "База данных 01",
                          "alert_subject": "Нет места на диске /var"});
        let response = reqwest::Client::new()
            .post(format!("{}/api/v1/integrations/zabbix/events", server.url))
            .bearer_auth(ZABBIX_SECRET)
            .json(&delivery)
            .send()
            .await
            .unwrap();
        let (status, answer) = common::json_of(response).await;
        assert_eq!(status, StatusCode::OK, "{answer}");

        let (_, ticket) = api.get(&format!("/api/v1/tickets/{}", answer["id"])).await;
        assert_eq!(ticket["priority"], "P2");
        assert_eq!(
            ticket["sla"]["policy"], "contract_strictest",
            "{}",
            ticket["sla"]
        );
        assert_eq!(ticket["sla"]["contract_id"], strict_contract);
        assert_eq!(ticket["sla"]["resolution"]["target_minutes"], 240);
        assert_eq!(ticket["sla"]["first_response"]["target_minutes"], 60);

        let browser = server.browser("admin").await;
        let (_, page) = browser.get(&format!("/tickets/{}", answer["id"])).await;
        let panel = page.split("data-test=\"ticket-sla\"").nth(1).unwrap();
        assert!(
            panel.contains("Самый строгий из договоров затронутых клиентов"),
            "{panel}"
        );
        assert!(panel.contains(&format!("/contracts/{strict_contract}")));
    }
);
