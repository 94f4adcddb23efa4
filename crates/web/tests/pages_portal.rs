//! The client portal: the home page, the navigation for client users, a client
//! administrator's invitations and deactivations, and the set-password links, on both
//! engines.
#![allow(clippy::unwrap_used)]

mod common;

use domain::identity::Role;
use reqwest::StatusCode;
use store::identity::users;

use common::{Browser, PASSWORD, TestServer};

/// Finds the set-password link in the invitation page.
fn invite_link(html: &str) -> String {
    let start = html.find("/set-password/").expect("a set-password link");
    let end = html[start..].find('<').unwrap() + start;
    html[start..end].to_string()
}

/// Invites `login` as `role` through the form and returns the link path.
async fn invite(browser: &Browser, login: &str, role: &str) -> String {
    let response = browser
        .post_form(
            "/portal/users",
            "/portal/users",
            &[
                ("login", login),
                ("display_name", "Пётр Петров"),
                ("email", "petrov@example.ru"),
                ("role", role),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    invite_link(&response.text().await.unwrap())
}

web_test!(root_sends_client_to_portal, async |server: &TestServer| {
    let company = server.client_company("ООО «Альфа»").await;
    server.client_user("alpha", company).await;
    server.user("support", Role::Support, &["L1"]).await;

    let client = server.browser("alpha").await;
    let response = client
        .client
        .get(format!("{}/", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["location"], "/portal");
    let staff = server.browser("support").await;
    let response = staff
        .client
        .get(format!("{}/", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["location"], "/tickets");
});

web_test!(
    portal_shows_own_company_only,
    async |server: &TestServer| {
        let support = server.user("support", Role::Support, &["L1"]).await;
        let alpha = server.client_company("ООО «Альфа»").await;
        let beta = server.client_company("ООО «Бета»").await;
        server.client_user("alpha", alpha).await;
        server
            .ticket(&support, "Не работает корзина Альфы", "L1", Some(alpha))
            .await;
        server
            .ticket(&support, "Падает склад Беты", "L1", Some(beta))
            .await;

        let browser = server.browser("alpha").await;
        let (status, html) = browser.get("/portal").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("ООО «Альфа»"), "company name");
        assert!(html.contains("Не работает корзина Альфы"), "own ticket");
        assert!(
            !html.contains("Падает склад Беты"),
            "other company's ticket"
        );
        assert!(!html.contains("ООО «Бета»"), "other company's name");
    }
);

web_test!(
    portal_nav_shows_client_items_only,
    async |server: &TestServer| {
        let alpha = server.client_company("ООО «Альфа»").await;
        server.client_user("alpha", alpha).await;
        let browser = server.browser("alpha").await;
        let (_, html) = browser.get("/portal").await;
        assert!(html.contains("href=\"/portal\""));
        assert!(html.contains("href=\"/tickets/new\""));
        assert!(html.contains("href=\"/contracts\""));
        assert!(!html.contains("href=\"/my\""), "staff's own ticket list");
        assert!(!html.contains("href=\"/clients\""), "client list");
        assert!(!html.contains("href=\"/admin/users\""), "administration");
        assert!(
            !html.contains("href=\"/portal/users\""),
            "user administration"
        );
    }
);

web_test!(portal_is_forbidden_to_staff, async |server: &TestServer| {
    server.user("support", Role::Support, &["L1"]).await;
    let browser = server.browser("support").await;
    let (status, _) = browser.get("/portal").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = browser.get("/portal/users").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
});

web_test!(
    client_user_cannot_manage_users,
    async |server: &TestServer| {
        let alpha = server.client_company("ООО «Альфа»").await;
        server.client_user("alpha", alpha).await;
        let browser = server.browser("alpha").await;
        let (status, _) = browser.get("/portal/users").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let response = browser
            .post_form(
                "/portal/users",
                "/portal",
                &[
                    ("login", "x1"),
                    ("display_name", "X"),
                    ("role", "client_user"),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert!(
            users::find_by_login(&server.state.db, "x1")
                .await
                .unwrap()
                .is_none()
        );
    }
);

web_test!(
    invited_user_sets_password_once,
    async |server: &TestServer| {
        let alpha = server.client_company("ООО «Альфа»").await;
        server.client_admin("alpha-admin", alpha).await;
        let admin = server.browser("alpha-admin").await;
        let (status, html) = admin.get("/portal/users").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("data-login=\"alpha-admin\""));

        let link = invite(&admin, "petrov", "client_user").await;
        let invited = users::find_by_login(&server.state.db, "petrov")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(invited.client_id, Some(alpha));
        assert_eq!(invited.role, "client_user");
        assert!(invited.password_hash.is_none());
        let (_, list) = admin.get("/portal/users").await;
        assert!(list.contains("data-state=\"invited\""), "{list}");

        let visitor = Browser::new(&server.url);
        let (status, form) = visitor.get(&link).await;
        assert_eq!(status, StatusCode::OK);
        assert!(form.contains("petrov"));
        let response = visitor
            .post_form(
                &link,
                &link,
                &[("password", PASSWORD), ("confirmation", PASSWORD)],
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            visitor.login("petrov", PASSWORD).await,
            StatusCode::SEE_OTHER
        );

        let again = Browser::new(&server.url);
        let (status, page) = again.get(&link).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(page.contains("data-test=\"link-invalid\""));
        let response = again
            .post_form(
                &link,
                "/login",
                &[
                    ("password", "another long password"),
                    ("confirmation", "another long password"),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert_eq!(
            again.login("petrov", "another long password").await,
            StatusCode::UNAUTHORIZED
        );
    }
);

web_test!(
    set_password_rejects_mismatch,
    async |server: &TestServer| {
        let alpha = server.client_company("ООО «Альфа»").await;
        server.client_admin("alpha-admin", alpha).await;
        let admin = server.browser("alpha-admin").await;
        let link = invite(&admin, "petrov", "client_admin").await;

        let visitor = Browser::new(&server.url);
        let response = visitor
            .post_form(
                &link,
                &link,
                &[
                    ("password", PASSWORD),
                    ("confirmation", "something else entirely"),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        assert!(html.contains("data-test=\"error-confirmation\""), "{html}");
        let stored = users::find_by_login(&server.state.db, "petrov")
            .await
            .unwrap()
            .unwrap();
        assert!(stored.password_hash.is_none());
        assert_eq!(stored.role, "client_admin");
    }
);

web_test!(invite_rejects_staff_role, async |server: &TestServer| {
    let alpha = server.client_company("ООО «Альфа»").await;
    server.client_admin("alpha-admin", alpha).await;
    let admin = server.browser("alpha-admin").await;
    let response = admin
        .post_form(
            "/portal/users",
            "/portal/users",
            &[
                ("login", "boss"),
                ("display_name", "Босс"),
                ("role", "admin"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("data-test=\"error-role\""), "{html}");
    assert!(
        users::find_by_login(&server.state.db, "boss")
            .await
            .unwrap()
            .is_none()
    );
});

web_test!(invite_rejects_taken_login, async |server: &TestServer| {
    let alpha = server.client_company("ООО «Альфа»").await;
    server.client_admin("alpha-admin", alpha).await;
    server.user("support", Role::Support, &["L1"]).await;
    let admin = server.browser("alpha-admin").await;
    let response = admin
        .post_form(
            "/portal/users",
            "/portal/users",
            &[
                ("login", "Support"),
                ("display_name", "Самозванец"),
                ("role", "client_user"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let html = response.text().await.unwrap();
    assert!(html.contains("data-test=\"error-login\""), "{html}");
    let staff = users::find_by_login(&server.state.db, "support")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(staff.role, "support");
    assert_eq!(staff.client_id, None);
});

web_test!(deactivate_ends_user_access, async |server: &TestServer| {
    let alpha = server.client_company("ООО «Альфа»").await;
    server.client_admin("alpha-admin", alpha).await;
    let user = server.client_user("alpha-user", alpha).await;
    let session = server.browser("alpha-user").await;
    let admin = server.browser("alpha-admin").await;

    let response = admin
        .post_form(
            &format!("/portal/users/{}/deactivate", user.id),
            "/portal/users",
            &[("version", &user.version.to_string())],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let stored = users::get(&server.state.db, user.id)
        .await
        .unwrap()
        .unwrap();
    assert!(stored.disabled);
    let (status, _) = session.get("/portal").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "the session ended");
});

web_test!(
    deactivate_with_old_version_conflicts,
    async |server: &TestServer| {
        let alpha = server.client_company("ООО «Альфа»").await;
        server.client_admin("alpha-admin", alpha).await;
        let user = server.client_user("alpha-user", alpha).await;
        let admin = server.browser("alpha-admin").await;
        let stale = (user.version - 1).to_string();
        let response = admin
            .post_form(
                &format!("/portal/users/{}/deactivate", user.id),
                "/portal/users",
                &[("version", &stale)],
            )
            .await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        let stored = users::get(&server.state.db, user.id)
            .await
            .unwrap()
            .unwrap();
        assert!(!stored.disabled);
    }
);

web_test!(
    deactivate_other_company_is_404,
    async |server: &TestServer| {
        let alpha = server.client_company("ООО «Альфа»").await;
        let beta = server.client_company("ООО «Бета»").await;
        server.client_admin("alpha-admin", alpha).await;
        let foreign = server.client_user("beta-user", beta).await;
        let staff = server.user("support", Role::Support, &["L1"]).await;
        let admin = server.browser("alpha-admin").await;

        for target in [&foreign, &staff] {
            let response = admin
                .post_form(
                    &format!("/portal/users/{}/deactivate", target.id),
                    "/portal/users",
                    &[("version", &target.version.to_string())],
                )
                .await;
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{}", target.login);
            let stored = users::get(&server.state.db, target.id)
                .await
                .unwrap()
                .unwrap();
            assert!(!stored.disabled, "{}", target.login);
        }
        let (_, list) = admin.get("/portal/users").await;
        assert!(!list.contains("beta-user"));
        assert!(!list.contains("data-login=\"support\""));
    }
);

web_test!(admin_cannot_deactivate_self, async |server: &TestServer| {
    let alpha = server.client_company("ООО «Альфа»").await;
    let me = server.client_admin("alpha-admin", alpha).await;
    let admin = server.browser("alpha-admin").await;
    let response = admin
        .post_form(
            &format!("/portal/users/{}/deactivate", me.id),
            "/portal/users",
            &[("version", &me.version.to_string())],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let stored = users::get(&server.state.db, me.id).await.unwrap().unwrap();
    assert!(!stored.disabled);
});
