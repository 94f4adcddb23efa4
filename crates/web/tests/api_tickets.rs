//! The ticket API against a real router on both engines.
#![allow(clippy::unwrap_used)]

mod common;

use domain::identity::Role;
use reqwest::StatusCode;
use serde_json::json;

use common::TestServer;

web_test!(create_then_read_ticket, async |server: &TestServer| {
    let engineer = server.user("ivanov", Role::Support, &["L1"]).await;
    let api = server.api(&engineer).await;
    let (status, created) = api
        .post(
            "/api/v1/tickets",
            json!({"kind": "incident", "title": "Не грузится каталог",
            "description": "Ошибка 502", "priority": "P2", "queue": "L1"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["number"], "INC-000001");
    assert_eq!(created["status"], "new");
    assert_eq!(created["priority"], "P2");
    assert_eq!(created["source"], "api");
    assert_eq!(created["assignee"], serde_json::Value::Null);
    assert!(created["created_at"].as_str().unwrap().ends_with('Z'));

    let id = created["id"].as_i64().unwrap();
    let (status, detail) = api.get(&format!("/api/v1/tickets/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(detail["title"], "Не грузится каталог");
    assert_eq!(detail["history"][0]["field"], "created");
    assert_eq!(
        detail["allowed_transitions"],
        json!(["assigned", "cancelled"])
    );
});

web_test!(
    unknown_kind_is_422_naming_field,
    async |server: &TestServer| {
        let engineer = server.user("ivanov", Role::Support, &["L1"]).await;
        let api = server.api(&engineer).await;
        let (status, body) = api
            .post("/api/v1/tickets", json!({"kind": "outage", "title": "x"}))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["error"]["code"], "invalid_value");
        assert_eq!(body["error"]["field"], "kind");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains("outage"), "{message}");
        assert!(message.contains("incident"), "{message}");
        let (_, list) = api.get("/api/v1/tickets").await;
        assert_eq!(list["total"], 0);
    }
);

web_test!(malformed_json_is_400, async |server: &TestServer| {
    let engineer = server.user("ivanov", Role::Support, &["L1"]).await;
    let api = server.api(&engineer).await;
    let response = api
        .client
        .post(format!("{}/api/v1/tickets", server.url))
        .bearer_auth(&api.token)
        .header("content-type", "application/json")
        .body("{\"kind\": ")
        .send()
        .await
        .unwrap();
    let (status, body) = common::json_of(response).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "malformed_json");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("строке 1, столбце 9"), "{message}");
    assert!(!message.contains("EOF"), "no serde text: {message}");
});

web_test!(wrong_type_names_field, async |server: &TestServer| {
    let engineer = server.user("ivanov", Role::Support, &["L1"]).await;
    let api = server.api(&engineer).await;
    let (_, created) = api
        .post("/api/v1/tickets", json!({"kind": "question", "title": "x"}))
        .await;
    let id = created["id"].as_i64().unwrap();
    let (status, body) = api
        .post(
            &format!("/api/v1/tickets/{id}/comments"),
            json!({"body": "hi", "public": "yes"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "public");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("«public»"), "{message}");
    assert!(message.contains("true или false"), "{message}");
    assert!(message.contains("\"yes\" (строка)"), "{message}");
    assert!(
        !message.contains("invalid type"),
        "no serde text: {message}"
    );

    let (status, body) = api
        .post(
            &format!("/api/v1/tickets/{id}/comments"),
            json!({"public": true}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "body");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("обязательное поле «body»"), "{message}");
});

web_test!(unknown_field_is_rejected, async |server: &TestServer| {
    let engineer = server.user("ivanov", Role::Support, &["L1"]).await;
    let api = server.api(&engineer).await;
    let (_, created) = api
        .post("/api/v1/tickets", json!({"kind": "question", "title": "x"}))
        .await;
    let id = created["id"].as_i64().unwrap();
    let (status, body) = api
        .patch(
            &format!("/api/v1/tickets/{id}"),
            json!({"asignee": "ivanov", "version": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("asignee")
    );
});

web_test!(oversized_body_is_413, async |server: &TestServer| {
    let engineer = server.user("ivanov", Role::Support, &["L1"]).await;
    let api = server.api(&engineer).await;
    let huge = "я".repeat(700_000);
    let (status, body) = api
        .post(
            "/api/v1/tickets",
            json!({"kind": "question", "title": "x", "description": huge}),
        )
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(body["error"]["code"], "too_large");
});

web_test!(
    stale_version_is_409_conflict,
    async |server: &TestServer| {
        let engineer = server.user("ivanov", Role::Support, &["L1"]).await;
        let api = server.api(&engineer).await;
        let (_, created) = api
            .post("/api/v1/tickets", json!({"kind": "incident", "title": "x"}))
            .await;
        let id = created["id"].as_i64().unwrap();
        let path = format!("/api/v1/tickets/{id}");
        let (status, _) = api
            .patch(&path, json!({"title": "first", "version": 1}))
            .await;
        assert_eq!(status, StatusCode::OK);
        let (status, body) = api
            .patch(&path, json!({"title": "second", "version": 1}))
            .await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(body["error"]["code"], "conflict");
        let (_, detail) = api.get(&path).await;
        assert_eq!(detail["title"], "first");
    }
);

web_test!(work_ticket_to_close, async |server: &TestServer| {
    let engineer = server.user("ivanov", Role::Support, &["L1"]).await;
    let api = server.api(&engineer).await;
    let (_, t) = api
        .post("/api/v1/tickets", json!({"kind": "incident", "title": "x"}))
        .await;
    let id = t["id"].as_i64().unwrap();
    let path = format!("/api/v1/tickets/{id}");
    let (status, t) = api
        .patch(&path, json!({"assignee": "ivanov", "version": 1}))
        .await;
    assert_eq!(status, StatusCode::OK, "{t}");
    assert_eq!(t["status"], "assigned");
    let transitions = format!("{path}/transitions");
    let mut version = t["version"].as_i64().unwrap();
    for (to, reason) in [
        ("in_progress", None),
        ("pending", Some("client")),
        ("in_progress", None),
        ("resolved", None),
        ("closed", None),
    ] {
        let (status, t) = api
            .post(
                &transitions,
                json!({"to": to, "reason": reason, "version": version}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{to}: {t}");
        assert_eq!(t["status"], to);
        version = t["version"].as_i64().unwrap();
    }
    let (status, body) = api
        .post(
            &transitions,
            json!({"to": "in_progress", "version": version}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "invalid_transition");
});

web_test!(list_filters_and_validates, async |server: &TestServer| {
    let engineer = server.user("ivanov", Role::Support, &["L1"]).await;
    let api = server.api(&engineer).await;
    for (title, priority) in [("Ёлка", "P1"), ("Сайт", "P2"), ("Почта", "P2")] {
        api.post(
            "/api/v1/tickets",
            json!({"kind": "incident", "title": title, "priority": priority}),
        )
        .await;
    }
    let (_, body) = api.get("/api/v1/tickets?priority=P2").await;
    assert_eq!(body["total"], 2);
    let (_, body) = api.get("/api/v1/tickets?q=%D0%B5%D0%BB%D0%BA%D0%B0").await;
    assert_eq!(body["total"], 1);
    let (_, body) = api.get("/api/v1/tickets?sort=-priority&limit=1").await;
    assert_eq!(body["items"][0]["priority"], "P2");
    assert_eq!(body["items"].as_array().unwrap().len(), 1);
    let (status, body) = api.get("/api/v1/tickets?sort=title").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "sort");
    let (status, _) = api.get("/api/v1/tickets?limit=1001").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = api.get("/api/v1/tickets?status=bogus").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
});

web_test!(
    client_internal_comment_rejected,
    async |server: &TestServer| {
        let engineer = server.user("ivanov", Role::Support, &["L1"]).await;
        let company = server.client_company("ООО «Ромашка»").await;
        let client = server.client_user("romashka", company).await;
        let ticket = server
            .ticket(&engineer, "Не открывается магазин", "L1", Some(company))
            .await;
        let api = server.api(&client).await;
        let path = format!("/api/v1/tickets/{}/comments", ticket.id);

        let (status, body) = api
            .post(&path, json!({"body": "секрет", "public": false}))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["error"]["field"], "public");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains("внутренние комментарии"), "{message}");

        // Without `public` a client's comment is public, as before.
        let (status, body) = api.post(&path, json!({"body": "вопрос"})).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["public"], true);
        let (_, detail) = server
            .api(&engineer)
            .await
            .get(&format!("/api/v1/tickets/{}", ticket.id))
            .await;
        let bodies: Vec<&str> = detail["comments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|comment| comment["body"].as_str().unwrap())
            .collect();
        assert_eq!(bodies, ["вопрос"], "the rejected note is not stored");
    }
);

web_test!(
    sales_cannot_change_or_read_internal,
    async |server: &TestServer| {
        let engineer = server.user("ivanov", Role::Support, &["L1"]).await;
        let sales = server.user("sidorova", Role::Sales, &[]).await;
        let support = server.api(&engineer).await;
        let seller = server.api(&sales).await;
        let (_, t) = support
            .post("/api/v1/tickets", json!({"kind": "question", "title": "x"}))
            .await;
        let id = t["id"].as_i64().unwrap();
        support
            .post(
                &format!("/api/v1/tickets/{id}/comments"),
                json!({"body": "внутреннее", "public": false}),
            )
            .await;
        support
            .post(
                &format!("/api/v1/tickets/{id}/comments"),
                json!({"body": "ответ клиенту", "public": true}),
            )
            .await;

        let (status, detail) = seller.get(&format!("/api/v1/tickets/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        let comments = detail["comments"].as_array().unwrap();
        assert_eq!(comments.len(), 1);
        assert_eq!(comments[0]["body"], "ответ клиенту");
        let (status, _) = seller
            .patch(
                &format!("/api/v1/tickets/{id}"),
                json!({"title": "y", "version": 1}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
);

web_test!(missing_ticket_is_404, async |server: &TestServer| {
    let engineer = server.user("ivanov", Role::Support, &["L1"]).await;
    let api = server.api(&engineer).await;
    for path in [
        "/api/v1/tickets/999999",
        "/api/v1/tickets/abc",
        "/api/v1/tickets/-1",
    ] {
        let (status, body) = api.get(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(body["error"]["code"], "not_found");
    }
});

web_test!(api_needs_token, async |server: &TestServer| {
    let client = reqwest::Client::new();
    let response = client
        .get(format!("{}/api/v1/tickets", server.url))
        .send()
        .await
        .unwrap();
    let (status, body) = common::json_of(response).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], "unauthorized");
    let response = client
        .get(format!("{}/api/v1/tickets", server.url))
        .bearer_auth("vtr_not_a_token")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
});

web_test!(openapi_lists_ticket_routes, async |server: &TestServer| {
    let response = reqwest::get(format!("{}/api/openapi.json", server.url))
        .await
        .unwrap();
    let (status, doc) = common::json_of(response).await;
    assert_eq!(status, StatusCode::OK);
    for path in [
        "/api/v1/tickets",
        "/api/v1/tickets/{id}",
        "/api/v1/tickets/{id}/transitions",
        "/api/v1/integrations/zabbix/events",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} missing");
    }
});

web_test!(
    links_to_foreign_tickets_are_hidden,
    async |server: &TestServer| {
        let engineer = server.user("ivanov", Role::Support, &["L1"]).await;
        let romashka = server.client_company("ООО «Ромашка»").await;
        let veter = server.client_company("АО «Северный ветер»").await;
        let own = server
            .ticket(&engineer, "Заявка Ромашки", "L1", Some(romashka))
            .await;
        let sibling = server
            .ticket(&engineer, "Ещё заявка Ромашки", "L1", Some(romashka))
            .await;
        let foreign = server
            .ticket(&engineer, "Тайна ветра", "L1", Some(veter))
            .await;
        let staff = server.api(&engineer).await;
        for target in [foreign.id, sibling.id] {
            let (status, answer) = staff
                .post(
                    &format!("/api/v1/tickets/{}/links", own.id),
                    json!({"kind": "relates_to", "target": target}),
                )
                .await;
            assert!(status.is_success(), "{answer}");
        }

        let path = format!("/api/v1/tickets/{}", own.id);
        let (_, for_staff) = staff.get(&path).await;
        assert_eq!(for_staff["links"].as_array().unwrap().len(), 2);

        let member = server.client_user("romashka", romashka).await;
        let (status, for_client) = server.api(&member).await.get(&path).await;
        assert_eq!(status, StatusCode::OK, "{for_client}");
        let links = for_client["links"].as_array().unwrap();
        assert_eq!(links.len(), 1, "{for_client}");
        assert_eq!(links[0]["ticket_id"], sibling.id);
        let text = for_client.to_string();
        assert!(!text.contains("Тайна ветра"), "{text}");
        assert!(
            !text.contains(&format!("relates_to {}", foreign.id)),
            "{text}"
        );
        assert!(!text.contains(&foreign.number), "{text}");
    }
);

web_test!(
    control_characters_are_rejected,
    async |server: &TestServer| {
        let engineer = server.user("ivanov", Role::Support, &["L1"]).await;
        let api = server.api(&engineer).await;
        for (field, body) in [
            (
                "title",
                json!({"kind": "question", "title": "nul\u{0}title", "description": "d"}),
            ),
            (
                "title",
                json!({"kind": "question", "title": "invoice \u{202E}fdp.exe", "description": "d"}),
            ),
            (
                "description",
                json!({"kind": "question", "title": "ok", "description": "d\u{0}"}),
            ),
        ] {
            let (status, answer) = api.post("/api/v1/tickets", body).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
            assert_eq!(answer["error"]["field"], field, "{answer}");
        }
        let (_, list) = api.get("/api/v1/tickets").await;
        assert_eq!(list["total"], 0);
    }
);

web_test!(
    clients_cannot_choose_the_queue,
    async |server: &TestServer| {
        let romashka = server.client_company("ООО «Ромашка»").await;
        let member = server.client_user("romashka", romashka).await;
        let api = server.api(&member).await;
        let (status, answer) = api
            .post(
                "/api/v1/tickets",
                json!({"kind": "incident", "title": "Не работает оплата", "description": "d",
                       "queue": "infrastructure", "priority": "P1"}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert_eq!(answer["error"]["field"], "queue", "{answer}");
        assert!(
            answer["error"]["message"]
                .as_str()
                .unwrap()
                .contains("infrastructure"),
            "{answer}"
        );
        let (_, list) = api.get("/api/v1/tickets").await;
        assert_eq!(list["total"], 0);

        let (status, ticket) = api
            .post(
                "/api/v1/tickets",
                json!({"kind": "incident", "title": "Не работает оплата", "description": "d"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{ticket}");
        assert_eq!(ticket["queue"], "L1");
    }
);
