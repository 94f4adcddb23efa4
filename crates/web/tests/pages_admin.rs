//! The administration pages and the profile, on both engines.
#![allow(clippy::unwrap_used)]

mod common;

use domain::identity::Role;
use reqwest::{Client, StatusCode, header};

use common::{Browser, PASSWORD, TestServer};

/// Returns the secret a page shows once, from its `data-test="secret"` element.
fn shown_secret(html: &str) -> Option<String> {
    let marker = "data-test=\"secret\">";
    let start = html.find(marker)? + marker.len();
    let end = html[start..].find('<')? + start;
    Some(html[start..end].to_string())
}

async fn api_status(server: &TestServer, token: &str) -> StatusCode {
    Client::new()
        .get(format!("{}/api/v1/me", server.url))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
}

/// Returns the first form action of a page that revokes a token.
fn revoke_path(html: &str) -> Option<String> {
    html.split("action=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .find(|action| action.ends_with("/revoke"))
        .map(str::to_string)
}

web_test!(
    admin_pages_forbidden_for_support,
    async |server: &TestServer| {
        server.user("ivanov", Role::Support, &["L1"]).await;
        let browser = server.browser("ivanov").await;
        for path in [
            "/admin/users",
            "/admin/audit",
            "/admin/zabbix",
            "/admin/users/1",
        ] {
            let (status, _) = browser.get(path).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        }
        let response = browser
            .post_form(
                "/admin/users",
                "/tickets",
                &[
                    ("login", "hacker"),
                    ("display_name", "x"),
                    ("role", "admin"),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let (_, nav) = browser.get("/tickets").await;
        assert!(!nav.contains("href=\"/admin/users\""));
    }
);

web_test!(
    admin_pages_forbidden_for_client_admin,
    async |server: &TestServer| {
        let company = server.client_company("ООО «Ромашка»").await;
        let user = server.client_user("romashka", company).await;
        let change = store::identity::users::UserChange {
            role: Some(Role::ClientAdmin),
            ..Default::default()
        };
        store::identity::users::update(
            &server.state.db,
            user.id,
            None,
            &change,
            &store::identity::Author::system(),
            domain::time::now(),
        )
        .await
        .unwrap();
        let browser = server.browser("romashka").await;
        let (status, _) = browser.get("/admin/users").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
);

web_test!(admin_creates_user_and_token, async |server: &TestServer| {
    server.user("admin", Role::Admin, &[]).await;
    let admin = server.browser("admin").await;
    let (status, body) = admin.get("/admin/users").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Журнал аудита"));

    let response = admin
        .post_form(
            "/admin/users",
            "/admin/users",
            &[
                ("login", "Petrova"),
                ("display_name", "Петрова Анна"),
                ("email", "petrova@example.ru"),
                ("role", "support"),
                ("queues", "L1"),
                ("queues", "L2"),
                ("password", ""),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.text().await.unwrap();
    let password = shown_secret(&body).unwrap();
    assert_eq!(password.len(), 20);
    assert!(body.contains("L1, L2"));
    let (_, again) = admin.get("/admin/users").await;
    assert!(!again.contains(&password));

    let petrova = Browser::new(&server.url);
    assert_eq!(
        petrova.login("petrova", &password).await,
        StatusCode::SEE_OTHER
    );

    let user = store::identity::users::find_by_login(&server.state.db, "petrova")
        .await
        .unwrap()
        .unwrap();
    let page = format!("/admin/users/{}", user.id);
    let response = admin
        .post_form(&format!("{page}/tokens"), &page, &[("name", "выгрузка")])
        .await;
    let body = response.text().await.unwrap();
    let token = shown_secret(&body).unwrap();
    assert!(token.starts_with("vtr_"));
    assert_eq!(token.len(), 52);
    assert!(body.contains(&format!("<code>{}…</code>", &token[..8])));
    let (_, again) = admin.get(&page).await;
    assert!(!again.contains(&token));
    assert_eq!(api_status(server, &token).await, StatusCode::OK);

    let revoke = revoke_path(&again).unwrap();
    let response = admin.post_form(&revoke, &page, &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(api_status(server, &token).await, StatusCode::UNAUTHORIZED);
});

web_test!(
    admin_create_rejects_duplicate_login,
    async |server: &TestServer| {
        server.user("admin", Role::Admin, &[]).await;
        let admin = server.browser("admin").await;
        let response = admin
            .post_form(
                "/admin/users",
                "/admin/users",
                &[
                    ("login", "admin"),
                    ("display_name", "Второй"),
                    ("role", "support"),
                    ("password", "достаточно длинный пароль"),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = response.text().await.unwrap();
        assert!(body.contains("data-test=\"error-login\""));
        assert!(body.contains("value=\"Второй\""));

        let response = admin
            .post_form(
                "/admin/users",
                "/admin/users",
                &[
                    ("login", "client1"),
                    ("display_name", "Клиент"),
                    ("role", "client_user"),
                    ("password", "достаточно длинный пароль"),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            response
                .text()
                .await
                .unwrap()
                .contains("выберите компанию клиента")
        );
    }
);

web_test!(
    admin_edits_user_with_version,
    async |server: &TestServer| {
        server.user("admin", Role::Admin, &[]).await;
        let support = server.user("ivanov", Role::Support, &["L1"]).await;
        let admin = server.browser("admin").await;
        let ivanov = server.browser("ivanov").await;
        let page = format!("/admin/users/{}", support.id);
        let version = support.version.to_string();
        let fields = [
            ("display_name", "Иванов И."),
            ("email", ""),
            ("role", "support_lead"),
            ("queues", "L2"),
            ("disabled", "1"),
            ("version", version.as_str()),
        ];

        let response = admin.post_form(&page, &page, &fields).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let stored = store::identity::users::get(&server.state.db, support.id)
            .await
            .unwrap()
            .unwrap();
        assert!(stored.disabled);
        assert_eq!(stored.role, "support_lead");
        let (status, _) = ivanov.get("/tickets").await;
        assert_eq!(status, StatusCode::SEE_OTHER);

        let stale = admin.post_form(&page, &page, &fields).await;
        assert_eq!(stale.status(), StatusCode::CONFLICT);
        assert!(
            stale
                .text()
                .await
                .unwrap()
                .contains("Запись изменил кто-то другой")
        );
    }
);

web_test!(audit_shows_ticket_change, async |server: &TestServer| {
    let admin_user = server.user("admin", Role::Admin, &["L1"]).await;
    let ticket = server.ticket(&admin_user, "Старая тема", "L1", None).await;
    let admin = server.browser("admin").await;
    let page = format!("/tickets/{}", ticket.id);
    admin
        .post_form(
            &format!("{page}/edit"),
            &page,
            &[
                ("title", "Новая <тема>"),
                ("priority", "P1"),
                ("version", "1"),
            ],
        )
        .await;

    let path = format!(
        "/admin/audit?object_type=ticket&object_id={}&actor=admin",
        ticket.id
    );
    let (status, body) = admin.get(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("ticket.update"));
    assert!(
        body.contains("&#34;title&#34;: &#34;Старая тема&#34;"),
        "{body}"
    );
    assert!(body.contains("&#34;title&#34;: &#34;Новая &#60;тема&#62;&#34;"));
    assert!(body.contains("&#34;priority&#34;: &#34;P1&#34;"));
    assert!(body.contains("2 записи"));

    let (_, other) = admin.get("/admin/audit?actor=nobody").await;
    assert!(other.contains("Записей нет."));
});

web_test!(zabbix_deliveries_listed, async |server: &TestServer| {
    server.user("admin", Role::Admin, &[]).await;
    let body = serde_json::json!({
        "event_id": "{EVENT.ID}", "event_value": "1", "host_name": "<b>db</b>"
    });
    let response = Client::new()
        .post(format!("{}/api/v1/integrations/zabbix/events", server.url))
        .bearer_auth(common::ZABBIX_SECRET)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    let admin = server.browser("admin").await;
    let (status, page) = admin.get("/admin/zabbix").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("data-test=\"delivery\""));
    assert!(page.contains("&#60;b&#62;db&#60;/b&#62;"));
    assert!(!page.contains("<b>db</b>"));
    let (_, filtered) = admin.get("/admin/zabbix?status=failed").await;
    assert!(filtered.contains("Доставок нет."));
    let (status, _) = admin.get("/admin/zabbix?status=bogus").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
});

web_test!(profile_password_change, async |server: &TestServer| {
    server.user("ivanov", Role::Support, &["L1"]).await;
    let browser = server.browser("ivanov").await;
    let other = server.browser("ivanov").await;
    let new_password = "новый пароль для входа";

    let wrong = browser
        .post_form(
            "/profile/password",
            "/profile",
            &[
                ("current_password", "not it"),
                ("password", new_password),
                ("confirm_password", new_password),
            ],
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains("data-test=\"error-current_password\"")
    );
    let short = browser
        .post_form(
            "/profile/password",
            "/profile",
            &[
                ("current_password", PASSWORD),
                ("password", "короткий"),
                ("confirm_password", "короткий"),
            ],
        )
        .await;
    assert!(
        short
            .text()
            .await
            .unwrap()
            .contains("data-test=\"error-password\"")
    );

    let response = browser
        .post_form(
            "/profile/password",
            "/profile",
            &[
                ("current_password", PASSWORD),
                ("password", new_password),
                ("confirm_password", new_password),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(response.headers().get(header::SET_COOKIE).is_some());
    let (status, body) = browser.get("/profile?done=profile-done-password").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Пароль изменён"));
    let (status, _) = other.get("/profile").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        Browser::new(&server.url)
            .login("ivanov", new_password)
            .await,
        StatusCode::SEE_OTHER
    );
});

web_test!(profile_token_shown_once, async |server: &TestServer| {
    server.user("ivanov", Role::Support, &["L1"]).await;
    let browser = server.browser("ivanov").await;
    let response = browser
        .post_form("/profile/tokens", "/profile", &[("name", "скрипт")])
        .await;
    let body = response.text().await.unwrap();
    let token = shown_secret(&body).unwrap();
    assert_eq!(api_status(server, &token).await, StatusCode::OK);
    let (_, again) = browser.get("/profile").await;
    assert!(!again.contains(&token));

    let revoke = revoke_path(&again).unwrap();
    assert!(revoke.starts_with("/profile/tokens/"));
    let response = browser.post_form(&revoke, "/profile", &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(api_status(server, &token).await, StatusCode::UNAUTHORIZED);
});

web_test!(profile_password_locked_out, async |server: &TestServer| {
    server.user("ivanov", Role::Support, &["L1"]).await;
    let browser = server.browser("ivanov").await;
    let now = domain::time::now();
    for second in 0..100 {
        server
            .state
            .db
            .execute(
                "INSERT INTO login_failures (login, failed_at) VALUES ($1, $2)",
                store::args!["ivanov", now - chrono::Duration::seconds(second)],
            )
            .await
            .unwrap();
    }
    let new_password = "новый пароль для входа";
    let response = browser
        .post_form(
            "/profile/password",
            "/profile",
            &[
                ("current_password", PASSWORD),
                ("password", new_password),
                ("confirm_password", new_password),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let user = store::identity::users::find_by_login(&server.state.db, "ivanov")
        .await
        .unwrap()
        .unwrap();
    let hash = user.password_hash.unwrap();
    assert!(web::identity::password::verify(PASSWORD, &hash));
});
