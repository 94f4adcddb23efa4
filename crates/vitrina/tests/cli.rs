//! The `vitrina` binary end to end: each test runs the real executable on a fresh data
//! directory and checks what it printed and what it stored, on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used)]

mod common;

use common::{Served, Setup, assert_success, start_serve, stderr, stdout, stop_serve};
use store::identity::{tokens, users};
use web::identity::password;

const PASSWORD: &str = "correct horse battery staple";
/// The documented password of the demo users.
const DEMO_PASSWORD: &str = "vitrina-demo-2026";

cli_test!(migrate_twice_succeeds, async |setup: &Setup| {
    let first = setup.run(&["migrate"]).await;
    assert_success(&first);
    assert!(stdout(&first).contains("up to date"), "{}", stdout(&first));
    let second = setup.run(&["migrate"]).await;
    assert_success(&second);

    let db = setup.db().await;
    let versions: i64 = db
        .fetch_scalar("SELECT COUNT(*) FROM _sqlx_migrations", Vec::new())
        .await
        .unwrap();
    assert_eq!(versions as usize, store::migrate::SQLITE.iter().count());
    db.close().await;
});

cli_test!(user_add_password_stdin_then_login, async |setup: &Setup| {
    let args = [
        "user",
        "add",
        "Ivanov",
        "--role",
        "support",
        "--password-stdin",
        "--queue",
        "L1",
    ];
    let output = setup.run_with_stdin(&args, &format!("{PASSWORD}\n")).await;
    assert_success(&output);
    assert!(!stdout(&output).contains(PASSWORD));

    let db = setup.db().await;
    let user = users::find_by_login(&db, "ivanov").await.unwrap().unwrap();
    assert_eq!(user.role, "support");
    let hash = user.password_hash.clone().unwrap();
    assert!(
        password::verify(PASSWORD, &hash),
        "stored hash rejects the password"
    );
    assert!(!password::verify(&format!("{PASSWORD}\n"), &hash));
    assert_eq!(users::queues_of(&db, user.id).await.unwrap(), vec!["L1"]);
    db.close().await;
});

cli_test!(
    user_add_prints_generated_password_once,
    async |setup: &Setup| {
        let output = setup
            .run(&["user", "add", "petrova", "--role", "analyst"])
            .await;
        assert_success(&output);
        let out = stdout(&output);
        let line = out
            .lines()
            .find(|line| line.contains("Generated password"))
            .unwrap_or_else(|| panic!("no generated password in {out}"));
        let generated = line.rsplit(' ').next().unwrap();
        assert_eq!(generated.chars().count(), 20);
        assert_eq!(out.matches(generated).count(), 1, "{out}");
        assert!(!stderr(&output).contains(generated), "password in the log");

        let db = setup.db().await;
        let user = users::find_by_login(&db, "petrova").await.unwrap().unwrap();
        assert!(password::verify(generated, &user.password_hash.unwrap()));
        db.close().await;
    }
);

cli_test!(user_add_rejects_short_password, async |setup: &Setup| {
    let args = [
        "user",
        "add",
        "sidorov",
        "--role",
        "support",
        "--password-stdin",
    ];
    let output = setup.run_with_stdin(&args, "short pass\n").await;
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(message.contains("too short"), "{message}");
    assert!(message.contains("12"), "{message}");
    assert_eq!(
        message
            .trim()
            .lines()
            .last()
            .unwrap()
            .matches("error:")
            .count(),
        1
    );

    let db = setup.db().await;
    assert!(
        users::find_by_login(&db, "sidorov")
            .await
            .unwrap()
            .is_none()
    );
    db.close().await;
});

cli_test!(user_add_rejects_unknown_role, async |setup: &Setup| {
    let output = setup
        .run(&["user", "add", "kuznetsov", "--role", "boss"])
        .await;
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(message.contains("\"boss\""), "{message}");
    assert!(message.contains("support_lead"), "{message}");
});

cli_test!(token_create_prints_only_token, async |setup: &Setup| {
    add_user(setup, "zabbix-export", "admin").await;
    let output = setup
        .run(&["token", "create", "zabbix-export", "--name", "export"])
        .await;
    assert_success(&output);
    let out = stdout(&output);
    assert_eq!(out.lines().count(), 1, "{out}");
    let token = out.trim();
    assert!(token.starts_with("vtr_"), "{token}");
    assert!(!stderr(&output).contains(token), "token in the log");

    let db = setup.db().await;
    let stored: Vec<(String, String)> = db
        .fetch_all("SELECT token_hash, prefix FROM api_tokens", Vec::new())
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].0, password::secret_hash(token));
    assert!(token.starts_with(&stored[0].1));
    assert!(stored[0].1.len() < token.len());
    let found = tokens::authenticate(&db, &password::secret_hash(token), domain::time::now())
        .await
        .unwrap();
    assert_eq!(found.unwrap().1.login, "zabbix-export");
    db.close().await;
});

cli_test!(token_revoke_stops_token, async |setup: &Setup| {
    add_user(setup, "api-user", "developer").await;
    let token = create_token(setup, "api-user", "ci").await;
    let db = setup.db().await;
    let list = tokens::list(&db, None).await.unwrap();
    let id = list[0].id.to_string();

    assert_success(&setup.run(&["token", "revoke", &id]).await);
    let found = tokens::authenticate(&db, &password::secret_hash(&token), domain::time::now())
        .await
        .unwrap();
    assert!(found.is_none());
    let listed = setup.run(&["token", "list"]).await;
    assert!(stdout(&listed).contains("ci"), "{}", stdout(&listed));
    db.close().await;
});

cli_test!(user_disable_blocks_tokens, async |setup: &Setup| {
    add_user(setup, "leaver", "sales").await;
    let token = create_token(setup, "leaver", "crm").await;

    assert_success(&setup.run(&["user", "disable", "leaver"]).await);
    let db = setup.db().await;
    let found = tokens::authenticate(&db, &password::secret_hash(&token), domain::time::now())
        .await
        .unwrap();
    assert!(found.is_none());
    assert_success(&setup.run(&["user", "enable", "leaver"]).await);
    let user = users::find_by_login(&db, "leaver").await.unwrap().unwrap();
    assert!(!user.disabled);
    db.close().await;
});

/// Checks that the demo client user sees its company's tickets, contract and shop in the
/// portal, and nothing of the other demo client's.
async fn demo_portal_shows_own_data(url: &str) {
    let client = browser();
    assert_eq!(login(&client, url, "romashka", DEMO_PASSWORD).await, 303);
    let get = |path: String| {
        let request = client.get(format!("{url}{path}"));
        async move { request.send().await.unwrap() }
    };
    let portal = get("/portal".into()).await.text().await.unwrap();
    assert!(portal.contains("Каталог не грузится"), "{portal}");
    assert!(portal.contains("ДУ-"), "the contract: {portal}");
    assert!(
        !portal.contains("Чайный домик"),
        "another client's ticket: {portal}"
    );

    let tickets: serde_json::Value = get("/api/v1/tickets?limit=1000".into())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(tickets["total"], 4, "{tickets}");
    assert!(!tickets.to_string().contains("shop-lavka"), "{tickets}");
    let contracts: serde_json::Value = get("/api/v1/contracts".into()).await.json().await.unwrap();
    assert_eq!(contracts["total"], 1, "{contracts}");

    let own =
        get("/api/v1/analytics/summary?shop=demo-shop-01&from=2026-03-01&to=2026-03-01".into())
            .await;
    assert_eq!(own.status(), 200);
    let other =
        get("/api/v1/analytics/summary?shop=demo-shop-02&from=2026-03-01&to=2026-03-01".into())
            .await;
    assert_eq!(other.status(), 404, "another client's shop is hidden");
}

cli_test!(serve_demo_answers_and_stops, async |setup: &Setup| {
    let Served {
        child,
        url,
        printed,
    } = start_serve(setup.command(&["serve", "--listen", "127.0.0.1:0", "--demo"])).await;
    assert!(printed.contains("admin"), "{printed}");
    assert!(printed.contains(DEMO_PASSWORD), "{printed}");
    assert!(printed.contains("curl"), "{printed}");

    let client = browser();
    let health = client.get(format!("{url}/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    let ready = client.get(format!("{url}/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 200);
    assert_eq!(login(&client, &url, "support", DEMO_PASSWORD).await, 303);
    for login_name in ["romashka-admin", "romashka"] {
        assert!(printed.contains(login_name), "{printed}");
        let client_browser = browser();
        let status = login(&client_browser, &url, login_name, DEMO_PASSWORD).await;
        assert_eq!(status, 303, "{login_name}");
    }
    demo_portal_shows_own_data(&url).await;
    let tickets = client
        .get(format!("{url}/api/v1/tickets?limit=1000"))
        .send()
        .await
        .unwrap();
    assert_eq!(tickets.status(), 200);
    let tickets: serde_json::Value = tickets.json().await.unwrap();
    assert!(tickets["total"].as_i64().unwrap() >= 30, "{tickets}");
    assert!(tickets.to_string().contains("Ромашка"));
    // The demo has an own data centre and a cloud region with growing hosts, so the report
    // of the current quarter has growth on both sides and recommendations.
    let capacity: serde_json::Value = client
        .get(format!("{url}/api/v1/reports/capacity"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for side in ["own", "cloud"] {
        let group = capacity["comparison"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["placement"] == side)
            .unwrap();
        assert!(group["hardware"]["hosts"].as_i64().unwrap() > 0, "{group}");
        assert!(
            !group["resources"].as_array().unwrap().is_empty(),
            "{group}"
        );
    }
    assert!(
        capacity["recommendations"].as_array().unwrap().len() >= 4,
        "{capacity}"
    );
    let metrics = client
        .get(format!("{url}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for status in [
        "new",
        "assigned",
        "in_progress",
        "pending",
        "resolved",
        "closed",
        "cancelled",
    ] {
        let series = format!("vitrina_tickets{{status=\"{status}\"}}");
        assert!(metrics.contains(&series), "no {series} in {metrics}");
    }

    let log = stop_serve(child).await;
    assert!(log.contains("vitrina started"), "{log}");
    assert!(log.contains("vitrina stopped"), "{log}");

    let db = setup.db().await;
    let before = ticket_count(&db).await;
    let again = setup.run(&["demo"]).await;
    assert_success(&again);
    assert!(
        stdout(&again).contains("no demo data was added"),
        "{}",
        stdout(&again)
    );
    assert_eq!(ticket_count(&db).await, before);
    let staff: i64 = db
        .fetch_scalar(
            "SELECT COUNT(*) FROM users WHERE client_id IS NULL",
            Vec::new(),
        )
        .await
        .unwrap();
    assert_eq!(staff, 8);
    let client_users: i64 = db
        .fetch_scalar(
            "SELECT COUNT(*) FROM users u JOIN clients c ON c.id = u.client_id \
             WHERE c.name = 'ООО «Ромашка»'",
            Vec::new(),
        )
        .await
        .unwrap();
    assert_eq!(client_users, 2);
    db.close().await;
});

cli_test!(demo_covers_every_status_and_kind, async |setup: &Setup| {
    assert_success(&setup.run(&["demo"]).await);
    let events = setup.events_db().await;
    let shops_with_traffic: i64 = events
        .fetch_scalar("SELECT COUNT(DISTINCT shop_id) FROM events", Vec::new())
        .await
        .unwrap();
    assert_eq!(
        shops_with_traffic, 2,
        "both demo shops get storefront events"
    );
    let stored: i64 = events
        .fetch_scalar("SELECT COUNT(*) FROM events", Vec::new())
        .await
        .unwrap();
    assert!(stored > 25_000, "{stored} demo events");
    events.close().await;
    let db = setup.db().await;
    let statuses: Vec<(String,)> = db
        .fetch_all(
            "SELECT DISTINCT status FROM tickets ORDER BY status",
            Vec::new(),
        )
        .await
        .unwrap();
    let statuses: Vec<String> = statuses.into_iter().map(|(s,)| s).collect();
    assert_eq!(
        statuses,
        [
            "assigned",
            "cancelled",
            "closed",
            "in_progress",
            "new",
            "pending",
            "resolved"
        ]
    );
    let kinds: i64 = db
        .fetch_scalar("SELECT COUNT(DISTINCT kind) FROM tickets", Vec::new())
        .await
        .unwrap();
    assert_eq!(kinds, 5);
    let zabbix: i64 = db
        .fetch_scalar(
            "SELECT COUNT(*) FROM tickets WHERE source = 'zabbix'",
            Vec::new(),
        )
        .await
        .unwrap();
    assert!(zabbix >= 5, "{zabbix} Zabbix tickets");
    let disaster: i64 = db
        .fetch_scalar(
            "SELECT COUNT(*) FROM tickets WHERE source = 'zabbix' AND priority = 1",
            Vec::new(),
        )
        .await
        .unwrap();
    assert_eq!(disaster, 1);
    let links: i64 = db
        .fetch_scalar("SELECT COUNT(*) FROM ticket_links", Vec::new())
        .await
        .unwrap();
    assert!(links >= 4);
    let internal: i64 = db
        .fetch_scalar(
            "SELECT COUNT(*) FROM ticket_comments WHERE public = FALSE",
            Vec::new(),
        )
        .await
        .unwrap();
    assert!(internal > 0);
    db.close().await;
});

cli_test!(zabbix_replay_processes_once, async |setup: &Setup| {
    assert_success(&setup.run(&["migrate"]).await);
    let db = setup.db().await;
    let body = r#"{"event_id":"4242","event_value":"1","event_nseverity":"4","alert_subject":"Problem: Магазин недоступен","host_host":"shop-01","host_name":"Магазин «Ромашка»"}"#;
    let sha = password::secret_hash(body);
    let id = store::servicedesk::zabbix::store(
        &db,
        body,
        &sha,
        Some(4242),
        Some(domain::servicedesk::zabbix::DeliveryKind::Problem),
        store::servicedesk::zabbix::Initial::Received,
        domain::time::now(),
    )
    .await
    .unwrap();
    db.execute(
        "UPDATE zabbix_deliveries SET status = 'failed', error = 'simulated' WHERE id = $1",
        store::args![id],
    )
    .await
    .unwrap();

    let first = setup.run(&["zabbix", "replay", "--failed"]).await;
    assert_success(&first);
    assert!(
        stdout(&first).contains("created ticket INC-000001"),
        "{}",
        stdout(&first)
    );
    let again = setup
        .run(&["zabbix", "replay", "--id", &id.to_string()])
        .await;
    assert_success(&again);
    assert!(stdout(&again).contains("left alone"), "{}", stdout(&again));
    assert_eq!(ticket_count(&db).await, 1);
    let stored = store::servicedesk::zabbix::get(&db, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.status, "processed");
    db.close().await;
});

cli_test!(backup_writes_a_copy, async |setup: &Setup| {
    add_user(setup, "keeper", "admin").await;
    let dest = setup.data_dir().join("backup.db");
    let output = setup.run(&["backup", dest.to_str().unwrap()]).await;
    assert_success(&output);
    let size = std::fs::metadata(&dest).unwrap().len();
    assert!(size > 0);

    let again = setup.run(&["backup", dest.to_str().unwrap()]).await;
    assert!(!again.status.success());
    assert!(
        stderr(&again).contains("exists already"),
        "{}",
        stderr(&again)
    );
    if setup.database_url().is_none() {
        let copy = store::Db::open(
            &store::Location::SqliteFile(dest.clone()),
            &store::OpenOptions::default(),
        )
        .await
        .unwrap();
        assert!(
            users::find_by_login(&copy, "keeper")
                .await
                .unwrap()
                .is_some()
        );
        copy.close().await;
    }
});

#[tokio::test]
async fn unknown_time_zone_fails_at_start() {
    let setup = Setup::sqlite();
    let mut command = setup.command(&["migrate"]);
    command.env("VITRINA_DISPLAY_TIME_ZONE", "Europe/Moskva");
    let output = command.output().await.unwrap();
    assert!(!output.status.success());
    let message = stderr(&output);
    assert_eq!(message.trim().lines().count(), 1, "{message}");
    assert!(message.contains("display_time_zone"), "{message}");
    assert!(message.contains("Europe/Moskva"), "{message}");
    assert!(!setup.data_dir().join("vitrina.db").exists());
}

#[tokio::test]
async fn secrets_stay_out_of_logs() {
    let setup = Setup::sqlite();
    let secret = "webhook-secret-that-must-not-leak";
    let mut command = setup.command(&["migrate"]);
    command.env("VITRINA_ZABBIX_WEBHOOK_SECRET", secret);
    command.env("RUST_LOG", "trace");
    let output = command.output().await.unwrap();
    assert_success(&output);
    assert!(!stderr(&output).contains(secret));
    assert!(!stdout(&output).contains(secret));
}

#[tokio::test]
async fn help_names_units() {
    let setup = Setup::sqlite();
    let output = setup.run(&["serve", "--help"]).await;
    assert_success(&output);
    let help = stdout(&output);
    assert!(help.contains("IP:PORT"), "{help}");
    assert!(help.contains("VITRINA_LISTEN"), "{help}");
}

async fn ticket_count(db: &store::Db) -> i64 {
    db.fetch_scalar("SELECT COUNT(*) FROM tickets", Vec::new())
        .await
        .unwrap()
}

/// Creates a user with [`PASSWORD`] through the binary.
async fn add_user(setup: &Setup, login: &str, role: &str) {
    let args = ["user", "add", login, "--role", role, "--password-stdin"];
    assert_success(&setup.run_with_stdin(&args, PASSWORD).await);
}

/// Creates an API token through the binary and returns it.
async fn create_token(setup: &Setup, login: &str, name: &str) -> String {
    let output = setup.run(&["token", "create", login, "--name", name]).await;
    assert_success(&output);
    stdout(&output).trim().to_string()
}

fn browser() -> reqwest::Client {
    integrations::tls::install_crypto_provider();
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Signs in through the login form and returns the response status.
async fn login(client: &reqwest::Client, url: &str, login: &str, secret: &str) -> u16 {
    let page = client
        .get(format!("{url}/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let marker = "name=\"csrf_token\" value=\"";
    let start = page.find(marker).expect("csrf field on the login page") + marker.len();
    let end = start + page[start..].find('"').unwrap();
    let csrf = &page[start..end];
    client
        .post(format!("{url}/login"))
        .form(&[("login", login), ("password", secret), ("csrf_token", csrf)])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

cli_test!(demo_loads_clients_of_every_kind, async |setup: &Setup| {
    assert_success(&setup.run(&["demo"]).await);
    let db = setup.db().await;
    let kinds: i64 = db
        .fetch_scalar("SELECT COUNT(DISTINCT kind) FROM clients", Vec::new())
        .await
        .unwrap();
    assert_eq!(kinds, 4);
    let managed: i64 = db
        .fetch_scalar(
            "SELECT COUNT(*) FROM clients c JOIN users u ON u.id = c.manager_id \
             WHERE u.login = 'sales'",
            Vec::new(),
        )
        .await
        .unwrap();
    assert_eq!(managed, 6);
    let branches: i64 = db
        .fetch_scalar(
            "SELECT COUNT(*) FROM clients WHERE inn = '7707083893'",
            Vec::new(),
        )
        .await
        .unwrap();
    assert_eq!(branches, 2);
    db.close().await;
});
