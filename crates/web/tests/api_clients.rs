//! The client API against a real router on both engines.
#![allow(clippy::unwrap_used)]

mod common;

use domain::identity::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use common::{Api, TestServer};

async fn sales(server: &TestServer) -> Api {
    let manager = server.user("petrova", Role::Sales, &[]).await;
    server.api(&manager).await
}

fn romashka() -> Value {
    json!({"kind": "legal_entity", "name": "ООО «Ромашка»", "inn": "7707083893",
           "kpp": "773601001", "ogrn": "1027700132195", "phone": "8 (495) 123-45-67"})
}

/// Posts a client and returns the error's field and code.
async fn rejected(api: &Api, body: Value) -> (StatusCode, Value) {
    let (status, answer) = api.post("/api/v1/clients", body).await;
    (status, answer["error"].clone())
}

web_test!(
    create_client_normalises_phone,
    async |server: &TestServer| {
        let api = sales(server).await;
        let (status, created) = api.post("/api/v1/clients", romashka()).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        assert_eq!(created["phone"], "+74951234567");
        assert_eq!(created["kind"], "legal_entity");
        assert_eq!(created["kpp"], "773601001");
        assert_eq!(created["status"], "active");
        assert_eq!(created["version"], 1);
        assert_eq!(created["phone_duplicates"], json!([]));

        let id = created["id"].as_i64().unwrap();
        let (status, card) = api.get(&format!("/api/v1/clients/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(card["name"], "ООО «Ромашка»");
        assert_eq!(card["requisites_history"][0]["inn"], "7707083893");
        assert_eq!(card["requisites_history"][0]["valid_to"], Value::Null);
    }
);

web_test!(
    entrepreneur_with_ogrnip_is_created,
    async |server: &TestServer| {
        let api = sales(server).await;
        let (status, created) = api
            .post(
                "/api/v1/clients",
                json!({"kind": "entrepreneur", "name": "ИП Иванов", "inn": "500100732259",
                   "ogrn": "304500116000180", "phone": "9261234567"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        assert_eq!(created["ogrn"], "304500116000180");
        assert_eq!(created["phone"], "+79261234567");
    }
);

web_test!(
    invalid_fields_are_named_in_order,
    async |server: &TestServer| {
        let api = sales(server).await;
        let cases = [
            (
                json!({"kind": "legal_entity", "name": "x", "inn": "7707083894",
                   "kpp": "7736ab001", "ogrn": "1", "phone": "12"}),
                "inn",
            ),
            (
                json!({"kind": "legal_entity", "name": "x", "inn": "7707083893",
                   "kpp": "7736ab001", "ogrn": "1", "phone": "12"}),
                "kpp",
            ),
            (
                json!({"kind": "legal_entity", "name": "x", "inn": "7707083893",
                   "kpp": "773601001", "ogrn": "1027700132196", "phone": "12"}),
                "ogrn",
            ),
            (
                json!({"kind": "legal_entity", "name": "x", "inn": "7707083893",
                   "kpp": "773601001", "ogrn": "1027700132195", "phone": "12"}),
                "phone",
            ),
            (
                json!({"kind": "entrepreneur", "name": "ИП", "inn": "500100732259",
                   "kpp": "773601001"}),
                "kpp",
            ),
            (json!({"kind": "person", "name": "Иван"}), "inn"),
            (
                json!({"kind": "ooo", "name": "x", "inn": "7707083893"}),
                "kind",
            ),
        ];
        for (body, field) in cases {
            let (status, error) = rejected(&api, body.clone()).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
            assert_eq!(error["code"], "invalid_value", "{body}");
            assert_eq!(error["field"], field, "{body}: {error}");
            assert!(error["message"].as_str().unwrap().len() > 10, "{error}");
        }
        let (_, list) = api.get("/api/v1/clients").await;
        assert_eq!(list["total"], 0);
    }
);

/// Returns an API client of an administrator whose language is `locale`.
async fn admin_in(server: &TestServer, login: &str, locale: &str) -> Api {
    let user = server.user(login, Role::Admin, &[]).await;
    let change = store::identity::users::UserChange {
        locale: Some(locale.into()),
        ..Default::default()
    };
    let author = store::identity::Author::system();
    store::identity::users::update(
        &server.state.db,
        user.id,
        None,
        &change,
        &author,
        domain::time::now(),
    )
    .await
    .unwrap();
    server.api(&user).await
}

web_test!(inn_messages_say_why, async |server: &TestServer| {
    let english = admin_in(server, "smith", "en").await;
    let russian = admin_in(server, "ivanova", "ru").await;
    let cases = [
        ("77070838", "8 digits", "8 цифр"),
        ("7707083894", "check digits", "Контрольное число"),
        ("77O7083893", "\"O\" at position 3", "на месте 3"),
        ("0000000000", "all zeros", "одних нулей"),
    ];
    for (inn, english_words, russian_words) in cases {
        let body = json!({"kind": "legal_entity", "name": "x", "inn": inn, "kpp": "773601001"});
        let (_, error) = rejected(&english, body.clone()).await;
        let message = error["message"].as_str().unwrap();
        assert!(message.contains(english_words), "{inn}: {message}");
        assert!(message.contains("INN"), "{inn}: {message}");
        let (_, error) = rejected(&russian, body).await;
        let message = error["message"].as_str().unwrap();
        assert!(message.contains(russian_words), "{inn}: {message}");
        assert!(message.contains("ИНН"), "{inn}: {message}");
    }
});

web_test!(errors_are_worded_in_russian, async |server: &TestServer| {
    let user = server.user("ivanova", Role::Admin, &[]).await;
    let api = server.api(&user).await;
    let body = json!({"kind": "legal_entity", "name": "x", "inn": "7707083893",
                      "kpp": "7736АВ001"});
    let (status, error) = rejected(&api, body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error["field"], "kpp");
    let message = error["message"].as_str().unwrap();
    assert!(message.contains("русская буква"), "{message}");
});

web_test!(
    same_inn_and_kpp_is_409_duplicate,
    async |server: &TestServer| {
        let api = sales(server).await;
        let (status, first) = api.post("/api/v1/clients", romashka()).await;
        assert_eq!(status, StatusCode::CREATED, "{first}");
        let (status, error) = rejected(&api, romashka()).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(error["code"], "duplicate");
        assert_eq!(error["field"], "inn");
        assert!(
            error["message"].as_str().unwrap().contains("Ромашка"),
            "{error}"
        );

        let mut branch = romashka();
        branch["kpp"] = json!("784201001");
        branch["name"] = json!("ООО «Ромашка», филиал");
        let (status, created) = api.post("/api/v1/clients", branch).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        assert_eq!(created["phone_duplicates"][0]["client_id"], first["id"]);
    }
);

web_test!(
    patch_with_stale_version_is_conflict,
    async |server: &TestServer| {
        let api = sales(server).await;
        let (_, created) = api.post("/api/v1/clients", romashka()).await;
        let path = format!("/api/v1/clients/{}", created["id"]);
        let (status, saved) = api
            .patch(
                &path,
                json!({"name": "ООО «Ромашка и Ко»", "status": "suspended", "version": 1}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{saved}");
        assert_eq!(saved["version"], 2);
        assert_eq!(saved["status"], "suspended");
        assert_eq!(saved["phone"], "+74951234567");

        let (status, body) = api.patch(&path, json!({"name": "x", "version": 1})).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(body["error"]["code"], "conflict");
        let (_, card) = api.get(&path).await;
        assert_eq!(card["name"], "ООО «Ромашка и Ко»");
    }
);

web_test!(patch_rechecks_requisites, async |server: &TestServer| {
    let api = sales(server).await;
    let (_, created) = api.post("/api/v1/clients", romashka()).await;
    let path = format!("/api/v1/clients/{}", created["id"]);
    let (status, body) = api
        .patch(&path, json!({"inn": "7707083894", "version": 1}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "inn");
    let (_, card) = api.get(&path).await;
    assert_eq!(card["inn"], "7707083893");
    assert_eq!(card["version"], 1);
});

web_test!(search_by_name_inn_and_phone, async |server: &TestServer| {
    let api = sales(server).await;
    api.post("/api/v1/clients", romashka()).await;
    let (status, _) = api
        .post(
            "/api/v1/clients",
            json!({"kind": "entrepreneur", "name": "ИП Ёлкин", "inn": "500100732259",
                   "phone": "+7 926 123 45 67"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let names = async |query: &str| {
        let url = format!("/api/v1/clients?q={}", common_encode(query));
        let (status, list) = api.get(&url).await;
        assert_eq!(status, StatusCode::OK, "{list}");
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(names("елкин").await, ["ИП Ёлкин"]);
    assert_eq!(names("7707083893").await, ["ООО «Ромашка»"]);
    assert_eq!(names("8 926 123-45-67").await, ["ИП Ёлкин"]);
    assert_eq!(names("").await.len(), 2);

    let (_, page) = api.get("/api/v1/clients?limit=1&offset=1").await;
    assert_eq!(page["total"], 2);
    assert_eq!(page["items"][0]["name"], "ООО «Ромашка»");
    let (status, body) = api.get("/api/v1/clients?limit=0").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "limit");
});

fn common_encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

web_test!(
    support_reads_but_cannot_change,
    async |server: &TestServer| {
        let api = sales(server).await;
        let (_, created) = api.post("/api/v1/clients", romashka()).await;
        let path = format!("/api/v1/clients/{}", created["id"]);
        for (login, role) in [
            ("support1", Role::Support),
            ("lead1", Role::SupportLead),
            ("dev1", Role::Developer),
            ("analyst1", Role::Analyst),
        ] {
            let user = server.user(login, role, &[]).await;
            let reader = server.api(&user).await;
            let (status, _) = reader.get(&path).await;
            assert_eq!(status, StatusCode::OK, "{login}");
            let (status, _) = reader
                .patch(&path, json!({"name": "x", "version": 1}))
                .await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{login}");
            let mut other = romashka();
            other["kpp"] = json!("784201001");
            let (status, _) = reader.post("/api/v1/clients", other).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{login}");
        }
    }
);

web_test!(
    client_user_sees_only_own_company,
    async |server: &TestServer| {
        let api = sales(server).await;
        let (_, own) = api.post("/api/v1/clients", romashka()).await;
        let mut other = romashka();
        other["kpp"] = json!("784201001");
        other["name"] = json!("ООО «Другая»");
        let (_, foreign) = api.post("/api/v1/clients", other).await;

        let user = server
            .client_user("romashka", own["id"].as_i64().unwrap())
            .await;
        let client_api = server.api(&user).await;
        let (status, _) = client_api
            .get(&format!("/api/v1/clients/{}", own["id"]))
            .await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = client_api
            .get(&format!("/api/v1/clients/{}", foreign["id"]))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = client_api
            .patch(
                &format!("/api/v1/clients/{}", foreign["id"]),
                json!({"name": "x", "version": 1}),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (_, list) = client_api
            .get("/api/v1/clients?q=%D0%B4%D1%80%D1%83%D0%B3")
            .await;
        assert_eq!(list["total"], 0);
        let (_, list) = client_api.get("/api/v1/clients").await;
        assert_eq!(list["total"], 1);
    }
);

web_test!(
    contacts_are_added_and_removed,
    async |server: &TestServer| {
        let api = sales(server).await;
        let (_, created) = api.post("/api/v1/clients", romashka()).await;
        let path = format!("/api/v1/clients/{}", created["id"]);
        let (status, contact) = api
            .post(
                &format!("{path}/contacts"),
                json!({"name": "Анна Смирнова", "position": "Бухгалтер",
                   "phone": "8 916 000-11-22 доб. 5"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{contact}");
        assert_eq!(contact["phone"], "+79160001122");
        assert_eq!(contact["phone_extension"], "5");

        let (status, body) = api
            .post(&format!("{path}/contacts"), json!({"name": "Без связи"}))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["error"]["field"], "phone");

        let (_, card) = api.get(&path).await;
        assert_eq!(card["contacts"][0]["name"], "Анна Смирнова");
        let response = api
            .client
            .delete(format!("{}{path}/contacts/{}", server.url, contact["id"]))
            .bearer_auth(&api.token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        let (_, card) = api.get(&path).await;
        assert_eq!(card["contacts"], json!([]));
    }
);

web_test!(client_routes_are_documented, async |server: &TestServer| {
    let response = reqwest::get(format!("{}/api/openapi.json", server.url))
        .await
        .unwrap();
    let document: Value = response.json().await.unwrap();
    let paths = &document["paths"];
    assert!(paths["/api/v1/clients"]["post"].is_object());
    assert!(paths["/api/v1/clients"]["get"].is_object());
    assert!(paths["/api/v1/clients/{id}"]["get"].is_object());
    assert!(paths["/api/v1/clients/{id}"]["patch"].is_object());
});

web_test!(
    requisites_on_date_follow_history,
    async |server: &TestServer| {
        let api = sales(server).await;
        let (_, created) = api.post("/api/v1/clients", romashka()).await;
        let path = format!("/api/v1/clients/{}/requisites", created["id"]);
        let (status, today) = api.get(&path).await;
        assert_eq!(status, StatusCode::OK, "{today}");
        assert_eq!(today["kpp"], "773601001");
        assert_eq!(today["valid_to"], Value::Null);

        let (status, _) = api.get(&format!("{path}?date=2001-01-01")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, body) = api.get(&format!("{path}?date=01.01.2026")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["error"]["field"], "date");
    }
);

web_test!(
    client_user_sees_no_phone_duplicates,
    async |server: &TestServer| {
        let api = sales(server).await;
        let (status, first) = api.post("/api/v1/clients", romashka()).await;
        assert_eq!(status, StatusCode::CREATED, "{first}");
        let mut branch = romashka();
        branch["kpp"] = json!("784201001");
        branch["name"] = json!("ООО «Ромашка», филиал");
        let (status, second) = api.post("/api/v1/clients", branch).await;
        assert_eq!(status, StatusCode::CREATED, "{second}");

        let path = format!("/api/v1/clients/{}", first["id"]);
        let (status, for_sales) = api.get(&path).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(for_sales["phone_duplicates"][0]["client_id"], second["id"]);

        let member = server
            .client_user("romashka", first["id"].as_i64().unwrap())
            .await;
        let (status, for_client) = server.api(&member).await.get(&path).await;
        assert_eq!(status, StatusCode::OK, "{for_client}");
        assert_eq!(for_client["phone_duplicates"], json!([]));
        assert!(!for_client.to_string().contains("филиал"), "{for_client}");
    }
);

web_test!(
    control_character_in_name_is_422,
    async |server: &TestServer| {
        let api = sales(server).await;
        let mut body = romashka();
        body["name"] = json!("\u{0}nul");
        let (status, error) = rejected(&api, body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(error["field"], "name", "{error}");
        assert!(
            error["message"].as_str().unwrap().contains("U+0000"),
            "{error}"
        );
    }
);
