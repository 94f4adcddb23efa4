//! Sign-in, sessions, CSRF, escaping and language of the HTML pages, on both engines.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::Duration;
use domain::identity::Role;
use reqwest::{Client, StatusCode, header};

use common::{Browser, PASSWORD, TestServer, csrf_from};

/// Builds a client without a cookie store, so each request carries exactly the cookies given.
fn bare_client() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Returns the value the response sets for cookie `name`, if any.
fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix(&format!("{name}=")))
        .map(|v| v.split(';').next().unwrap_or_default().to_string())
}

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get(header::LOCATION)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

/// Signs in with `cookie` sent as is and returns the new session cookie's value.
async fn sign_in(server: &TestServer, cookie: &str, csrf: &str) -> reqwest::Response {
    bare_client()
        .post(format!("{}/login", server.url))
        .header(header::COOKIE, cookie)
        .form(&[
            ("login", "ivanov"),
            ("password", PASSWORD),
            ("csrf_token", csrf),
        ])
        .send()
        .await
        .unwrap()
}

async fn get_with_cookie(server: &TestServer, path: &str, cookie: &str) -> reqwest::Response {
    bare_client()
        .get(format!("{}{path}", server.url))
        .header(header::COOKIE, cookie)
        .send()
        .await
        .unwrap()
}

async fn set_session_times(server: &TestServer, created_back: Duration, seen_back: Duration) {
    let now = domain::time::now();
    server
        .state
        .db
        .execute(
            "UPDATE sessions SET created_at = $1, last_seen_at = $2",
            store::args![now - created_back, now - seen_back],
        )
        .await
        .unwrap();
}

web_test!(login_then_logout, async |server: &TestServer| {
    server.user("ivanov", Role::Support, &["L1"]).await;
    let browser = server.browser("ivanov").await;
    let (status, body) = browser.get("/tickets").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Сотрудник ivanov"), "{body}");

    let response = browser.post_form("/logout", "/tickets", &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/login");
    let (status, _) = browser.get("/tickets").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
});

web_test!(login_wrong_password_is_401, async |server: &TestServer| {
    server.user("ivanov", Role::Support, &["L1"]).await;
    let browser = Browser::new(&server.url);
    assert_eq!(
        browser.login("ivanov", "wrong password!").await,
        StatusCode::UNAUTHORIZED
    );
    let (status, _) = browser.get("/tickets").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
});

web_test!(login_rotates_session_cookie, async |server: &TestServer| {
    server.user("ivanov", Role::Support, &["L1"]).await;
    let page = bare_client()
        .get(format!("{}/login", server.url))
        .send()
        .await
        .unwrap();
    let anonymous = set_cookie(&page, "vitrina_csrf").unwrap();
    let csrf = csrf_from(&page.text().await.unwrap()).unwrap();
    let first = sign_in(server, &format!("vitrina_csrf={anonymous}"), &csrf).await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    let old = set_cookie(&first, "vitrina_session").unwrap();

    // Signing in again from the signed-in session must issue a different session.
    let old_cookie = format!("vitrina_session={old}");
    let tickets = get_with_cookie(server, "/tickets", &old_cookie).await;
    let session_csrf = csrf_from(&tickets.text().await.unwrap()).unwrap();
    let second = sign_in(server, &old_cookie, &session_csrf).await;
    let new = set_cookie(&second, "vitrina_session").unwrap();
    assert_ne!(old, new);

    let stale = get_with_cookie(server, "/tickets", &old_cookie).await;
    assert_eq!(stale.status(), StatusCode::SEE_OTHER);
    assert!(location(&stale).starts_with("/login"));
    let fresh = get_with_cookie(server, "/tickets", &format!("vitrina_session={new}")).await;
    assert_eq!(fresh.status(), StatusCode::OK);
});

web_test!(idle_session_expires, async |server: &TestServer| {
    server.user("ivanov", Role::Support, &["L1"]).await;
    let browser = server.browser("ivanov").await;
    set_session_times(server, Duration::minutes(40), Duration::minutes(31)).await;
    let (status, _) = browser.get("/tickets").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
});

web_test!(
    session_expires_after_twelve_hours,
    async |server: &TestServer| {
        server.user("ivanov", Role::Support, &["L1"]).await;
        let browser = server.browser("ivanov").await;
        set_session_times(
            server,
            Duration::hours(12) + Duration::minutes(1),
            Duration::zero(),
        )
        .await;
        let (status, _) = browser.get("/my").await;
        assert_eq!(status, StatusCode::SEE_OTHER);
    }
);

web_test!(active_session_stays_valid, async |server: &TestServer| {
    server.user("ivanov", Role::Support, &["L1"]).await;
    let browser = server.browser("ivanov").await;
    set_session_times(server, Duration::hours(11), Duration::minutes(29)).await;
    let (status, _) = browser.get("/tickets").await;
    assert_eq!(status, StatusCode::OK);
});

web_test!(
    hundred_failures_lock_account,
    async |server: &TestServer| {
        server.user("ivanov", Role::Support, &["L1"]).await;
        let now = domain::time::now();
        for minute in 0..100 {
            server
                .state
                .db
                .execute(
                    "INSERT INTO login_failures (login, failed_at) VALUES ($1, $2)",
                    store::args!["ivanov", now - Duration::seconds(30 * minute)],
                )
                .await
                .unwrap();
        }
        let browser = Browser::new(&server.url);
        assert_eq!(
            browser.login("ivanov", PASSWORD).await,
            StatusCode::TOO_MANY_REQUESTS
        );
        let (status, _) = browser.get("/tickets").await;
        assert_eq!(status, StatusCode::SEE_OTHER);
    }
);

web_test!(form_without_csrf_is_403, async |server: &TestServer| {
    let ivanov = server.user("ivanov", Role::Support, &["L1"]).await;
    let ticket = server
        .ticket(&ivanov, "Не грузится каталог", "L1", None)
        .await;
    let browser = server.browser("ivanov").await;
    let path = format!("/tickets/{}/edit", ticket.id);
    let fields = [
        ("title", "Подменённая тема"),
        ("priority", "P1"),
        ("version", "1"),
    ];

    let response = browser.post_raw(&path, &fields).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let wrong = browser
        .post_raw(
            &path,
            &[
                ("title", "x"),
                ("priority", "P1"),
                ("version", "1"),
                ("csrf_token", "forged"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);

    let stored = server.stored_ticket(ticket.id).await;
    assert_eq!(stored.title, "Не грузится каталог");
    assert_eq!(stored.version, 1);
});

web_test!(hostile_title_is_escaped, async |server: &TestServer| {
    let ivanov = server.user("ivanov", Role::Support, &["L1"]).await;
    let hostile = "<img src=x onerror=alert(1)>";
    let ticket = server.ticket(&ivanov, hostile, "L1", None).await;
    let browser = server.browser("ivanov").await;
    let escaped = "&#60;img src=x onerror=alert(1)&#62;";

    let (_, list) = browser.get("/tickets").await;
    assert!(!list.contains(hostile));
    assert!(list.contains(escaped), "{list}");
    let (_, detail) = browser.get(&format!("/tickets/{}", ticket.id)).await;
    assert!(!detail.contains(hostile));
    assert!(detail.contains(escaped));
});

web_test!(pages_have_no_inline_code, async |server: &TestServer| {
    let ivanov = server.user("ivanov", Role::Admin, &["L1"]).await;
    let ticket = server.ticket(&ivanov, "Тема", "L1", None).await;
    let browser = server.browser("ivanov").await;
    let ticket_path = format!("/tickets/{}", ticket.id);
    let paths = [
        "/tickets",
        "/my",
        "/tickets/new",
        ticket_path.as_str(),
        "/profile",
        "/admin/users",
        "/admin/audit",
        "/admin/zabbix",
    ];
    for path in paths {
        let (status, body) = browser.get(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        for banned in [" style=", " onclick=", "hx-on", "javascript:", "<script>"] {
            assert!(!body.contains(banned), "{path} contains {banned}");
        }
    }
});

web_test!(language_switch_round_trip, async |server: &TestServer| {
    server.user("ivanov", Role::Support, &["L1"]).await;
    let browser = server.browser("ivanov").await;
    let (_, russian) = browser.get("/tickets").await;
    assert!(russian.contains("<html lang=\"ru\">"));
    assert!(russian.contains("Исполнитель"));

    let response = browser
        .post_form(
            "/settings/language",
            "/tickets",
            &[("lang", "en"), ("next", "/tickets")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, english) = browser.get("/tickets").await;
    assert!(english.contains("<html lang=\"en\">"));
    assert!(english.contains("Assignee"));
    assert!(!english.contains("Исполнитель"));

    browser
        .post_form(
            "/settings/language",
            "/tickets",
            &[("lang", "ru"), ("next", "/tickets")],
        )
        .await;
    let (_, back) = browser.get("/tickets").await;
    assert!(back.contains("<html lang=\"ru\">"));
    assert!(back.contains("Исполнитель"));
});

web_test!(language_switch_keeps_query, async |server: &TestServer| {
    server.user("ivanov", Role::Support, &["L1"]).await;
    let browser = server.browser("ivanov").await;
    let (status, body) = browser.get("/tickets?status=new&priority=P1").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains(r#"name="next" value="/tickets?status=new&#38;priority=P1""#),
        "the language form's next field lost the query"
    );
});

web_test!(login_redirect_keeps_query, async |server: &TestServer| {
    let response = bare_client()
        .get(format!("{}/tickets?status=new&page=2", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&response),
        "/login?next=%2Ftickets%3Fstatus%3Dnew%26page%3D2"
    );
});

web_test!(error_page_links_to_tickets, async |server: &TestServer| {
    server.user("ivanov", Role::Support, &["L1"]).await;
    let browser = server.browser("ivanov").await;
    let (status, body) = browser.get("/tickets/999999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("href=\"/tickets\""));
    assert!(!body.contains("javascript:"));
});
