//! Tries every route of the router as a client administrator of company A with the ids of
//! company B's objects, on both engines. Each of B's objects must get the same status as an
//! id that does not exist (404, or 403 where the route is for staff only), no response may
//! contain B's data, and nothing of B may change. [`ROUTES`] is checked against the
//! router's source and the OpenAPI document, so a new route cannot be left out.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::collections::BTreeSet;

use domain::identity::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use store::identity::{User, tokens, users};
use store::{Db, args};

use common::{Api, Browser, TestServer};

/// Every route of the router, API routes with their `/api/v1` prefix. Placeholders are
/// filled by [`fill`].
const ROUTES: &[&str] = &[
    "/",
    "/login",
    "/logout",
    "/settings/language",
    "/profile",
    "/profile/password",
    "/profile/tokens",
    "/profile/tokens/{id}/revoke",
    "/tickets",
    "/my",
    "/tickets/new",
    "/tickets/{id}",
    "/tickets/{id}/assignees",
    "/tickets/{id}/comments",
    "/tickets/{id}/status",
    "/tickets/{id}/edit",
    "/tickets/{id}/assign",
    "/tickets/{id}/take",
    "/tickets/{id}/links",
    "/tickets/{id}/checklist",
    "/tickets/{id}/checklist/{item}",
    "/clients",
    "/clients/new",
    "/clients/phone-check",
    "/clients/{id}",
    "/clients/{id}/edit",
    "/clients/{id}/contacts",
    "/clients/{id}/contacts/{contact_id}/remove",
    "/contracts",
    "/contracts/{id}",
    "/contracts/{id}/status",
    "/contracts/{id}/amendments",
    "/contracts/{id}/print",
    "/contracts/{id}/amendments/{amendment_id}/print",
    "/contracts/new",
    "/tariffs",
    "/tariffs/new",
    "/deals",
    "/deals/new",
    "/deals/{id}",
    "/deals/{id}/stage",
    "/disputes",
    "/disputes/new",
    "/disputes/{id}",
    "/disputes/{id}/status",
    "/reports/sales",
    "/reports/sla",
    "/reports/capacity",
    "/reports/capacity.xlsx",
    "/notifications",
    "/notifications/count",
    "/notifications/read",
    "/notifications/{id}/read",
    "/infra",
    "/infra/hosts",
    "/infra/hosts/new",
    "/infra/hosts/{id}",
    "/infra/hosts/{id}/edit",
    "/infra/hosts/{id}/status",
    "/infra/environments",
    "/infra/environments/new",
    "/infra/environments/{id}",
    "/infra/environments/{id}/edit",
    "/infra/sites",
    "/infra/sites/new",
    "/infra/sites/{id}",
    "/infra/sites/{id}/edit",
    "/infra/sites/{id}/racks",
    "/infra/clusters",
    "/releases",
    "/releases/new",
    "/releases/{id}",
    "/deployments/new",
    "/tickets/{id}/fixed-in",
    "/admin",
    "/admin/users",
    "/admin/users/{id}",
    "/admin/users/{id}/password",
    "/admin/users/{id}/tokens",
    "/admin/users/{id}/tokens/{token}/revoke",
    "/admin/audit",
    "/admin/zabbix",
    "/admin/calendars",
    "/admin/calendars/{code}",
    "/admin/calendars/{code}/exceptions",
    "/admin/mail",
    "/analytics",
    "/analytics/trends",
    "/analytics/heatmap/products",
    "/portal",
    "/portal/users",
    "/portal/users/{id}/deactivate",
    "/set-password/{token}",
    "/api/openapi.json",
    "/healthz",
    "/readyz",
    "/metrics",
    "/static/{*path}",
    "/api/v1/tickets",
    "/api/v1/tickets/{id}",
    "/api/v1/tickets/{id}/comments",
    "/api/v1/tickets/{id}/transitions",
    "/api/v1/tickets/{id}/links",
    "/api/v1/tickets/{id}/checklist",
    "/api/v1/tickets/{id}/checklist/{item}",
    "/api/v1/environment-requests",
    "/api/v1/clients",
    "/api/v1/clients/{id}",
    "/api/v1/clients/{id}/requisites",
    "/api/v1/clients/{id}/contacts",
    "/api/v1/clients/{id}/contacts/{contact_id}",
    "/api/v1/sites",
    "/api/v1/sites/{id}",
    "/api/v1/sites/{id}/racks",
    "/api/v1/clusters",
    "/api/v1/hosts",
    "/api/v1/hosts/{id}",
    "/api/v1/hosts/{id}/capacity",
    "/api/v1/hosts/{id}/forecast",
    "/api/v1/clusters/{id}/capacity",
    "/api/v1/sites/{id}/capacity",
    "/api/v1/environments",
    "/api/v1/environments/{id}",
    "/api/v1/services",
    "/api/v1/releases",
    "/api/v1/releases/{id}",
    "/api/v1/releases/{id}/fixes",
    "/api/v1/deployments",
    "/api/v1/tariffs",
    "/api/v1/tariffs/{id}",
    "/api/v1/contracts",
    "/api/v1/contracts/{id}",
    "/api/v1/contracts/{id}/transitions",
    "/api/v1/contracts/{id}/amendments",
    "/api/v1/contracts/{id}/terms",
    "/api/v1/contracts/{id}/sla-breaches",
    "/api/v1/deals",
    "/api/v1/deals/{id}",
    "/api/v1/disputes",
    "/api/v1/disputes/{id}",
    "/api/v1/disputes/{id}/transitions",
    "/api/v1/reports/sales",
    "/api/v1/reports/sla",
    "/api/v1/reports/capacity",
    "/api/v1/queues",
    "/api/v1/me",
    "/api/v1/integrations/zabbix/events",
    "/api/v1/events",
    "/api/v1/analytics/summary",
    "/api/v1/analytics/daily",
    "/api/v1/analytics/breakdown",
    "/api/v1/analytics/heatmap",
    "/api/v1/analytics/heatmap/products",
    "/api/v1/analytics/products",
    "/api/v1/analytics/trends",
    "/api/v1/analytics/export",
];

/// Methods tried on every route; a method that a route does not serve returns 405.
const METHODS: &[Method] = &[
    Method::GET,
    Method::POST,
    Method::PATCH,
    Method::PUT,
    Method::DELETE,
];

/// An id that no object has.
const MISSING: i64 = 987_654_321;

/// Company B's objects.
struct Beta {
    client: i64,
    ticket: i64,
    /// An item of the ticket's checklist.
    checklist_item: i64,
    contract: i64,
    amendment: i64,
    contact: i64,
    user: User,
    token: i64,
    shop_slug: String,
    /// Texts of B that no response to A may contain.
    markers: Vec<String>,
    name: String,
    inn: String,
    phone: String,
}

/// Replaces the placeholders of `route` with B's ids, or with ids no object has.
fn fill(route: &str, beta: &Beta, missing: bool) -> String {
    let segments: Vec<&str> = route.split('/').collect();
    let mut filled = Vec::with_capacity(segments.len());
    for (index, segment) in segments.iter().enumerate() {
        let previous = index.checked_sub(1).map_or("", |i| segments[i]);
        let (value, value_if_missing) = placeholder(segment, previous, beta);
        filled.push(if missing { value_if_missing } else { value });
    }
    let path = filled.join("/");
    if route.ends_with("/analytics") || route.contains("/analytics/") {
        let shop = if missing {
            "no-such-shop"
        } else {
            &beta.shop_slug
        };
        return format!("{path}?shop={shop}");
    }
    path
}

/// Returns what a path segment becomes for B's objects and for a missing object. Segments
/// that are no placeholder, and objects of no company, stay the same in both.
fn placeholder(segment: &str, previous: &str, beta: &Beta) -> (String, String) {
    let own = |id: i64| (id.to_string(), MISSING.to_string());
    let same = |value: &str| (value.to_string(), value.to_string());
    match (segment, previous) {
        ("{id}", "tickets") => own(beta.ticket),
        ("{id}", "clients") => own(beta.client),
        ("{id}", "contracts") => own(beta.contract),
        ("{id}", "users") => own(beta.user.id),
        ("{id}" | "{token}", "tokens") => own(beta.token),
        ("{contact_id}", _) => own(beta.contact),
        ("{item}", _) => own(beta.checklist_item),
        ("{amendment_id}", _) => own(beta.amendment),
        // Inventory, tariffs and calendars belong to no company, so only ids that do not
        // exist are tried; the staff-only check still has to respond.
        ("{id}", _) => same(&MISSING.to_string()),
        ("{code}", _) => same("office"),
        ("{token}", _) => same("no-such-link-secret"),
        ("{*path}", _) => same("app.css"),
        (other, _) => {
            assert!(!other.starts_with('{'), "unknown placeholder {other}");
            same(other)
        }
    }
}

/// Returns whether `route` names one of B's objects by id.
fn names_beta_object(route: &str, beta: &Beta) -> bool {
    fill(route, beta, false) != fill(route, beta, true)
}

/// Fields that many handlers need, with B's ids wherever an id fits, so requests get past
/// body parsing to the permission check.
fn hostile_json(beta: &Beta, own_ticket: i64) -> Value {
    json!({
        "client_id": beta.client, "contract_id": beta.contract, "ticket_id": beta.ticket,
        "target_id": own_ticket, "user_id": beta.user.id, "plan_id": 1, "id": beta.ticket,
        "shop": beta.shop_slug, "version": 1, "kind": "relates_to", "to": "in_progress",
        "title": "Попытка", "description": "Попытка", "body": "Попытка", "public": true,
        "visibility": "public", "queue": "L1", "priority": "P3", "status": "in_progress",
        "name": "Попытка", "signed_on": "2026-04-20", "effective_on": "2026-05-01",
        "monthly_price_kopecks": 1, "phone": "+79261234567", "email": "a@example.ru",
        "assignee": "alpha-admin", "login": "alpha-admin", "display_name": "Попытка",
        "role": "client_admin", "disabled": true, "password": "a long enough password",
        "date": "2026-05-01", "lang": "en",
    })
}

/// Returns the body a JSON API route accepts, so that a request gets past body parsing to the
/// lookup of B's object, because the API rejects unknown fields. Other routes get
/// [`hostile_json`].
fn api_body(method: &Method, route: &str, beta: &Beta, own_ticket: i64) -> Value {
    let route = route.strip_prefix("/api/v1").unwrap_or(route);
    match (method.as_str(), route) {
        ("PATCH", "/tickets/{id}") => json!({"title": "Попытка", "version": 1}),
        ("POST", "/tickets/{id}/comments") => json!({"body": "Попытка", "public": true}),
        ("POST", "/tickets/{id}/transitions") => json!({"to": "in_progress", "version": 1}),
        ("POST", "/tickets/{id}/links") => json!({"kind": "relates_to", "target": own_ticket}),
        ("POST", "/tickets/{id}/checklist") => json!({"text": "Попытка"}),
        ("PATCH", "/tickets/{id}/checklist/{item}") => json!({"done": true, "version": 1}),
        ("POST", "/environment-requests") => {
            json!({"environment": {"name": "Попытка", "kind": "test"}})
        }
        ("PATCH", "/clients/{id}") => json!({"name": "Попытка", "version": 1}),
        ("POST", "/clients/{id}/contacts") => {
            json!({"name": "Попытка", "phone": "+79261234567"})
        }
        ("POST", "/contracts") => {
            json!({"client_id": beta.client, "plan_id": 1, "starts_on": "2026-02-01"})
        }
        ("POST", "/contracts/{id}/transitions") => json!({"to": "terminated", "version": 1}),
        ("POST", "/contracts/{id}/amendments") => json!({"signed_on": "2026-04-20",
            "effective_on": "2026-05-01", "monthly_price_kopecks": 1}),
        _ => hostile_json(beta, own_ticket),
    }
}

fn hostile_form(json: &Value) -> Vec<(String, String)> {
    let Value::Object(fields) = json else {
        return Vec::new();
    };
    fields
        .iter()
        .map(|(name, value)| {
            let text = match value {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            (name.clone(), text)
        })
        .collect()
}

/// Sends one request with A's session cookie and CSRF token.
async fn send(
    browser: &Browser,
    csrf: &str,
    method: &Method,
    path: &str,
    body: &Value,
) -> (StatusCode, String) {
    let mut request = browser
        .client
        .request(method.clone(), format!("{}{path}", browser.url))
        .header("x-csrf-token", csrf);
    if *method != Method::GET {
        request = if path.starts_with("/api/") {
            request.json(body)
        } else {
            let mut form = hostile_form(body);
            form.push(("csrf_token".into(), csrf.to_string()));
            request.form(&form)
        };
    }
    let response = request.send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

/// Dumps everything of B that a request could change.
async fn snapshot(db: &Db, beta: &Beta) -> Vec<String> {
    let mut lines = Vec::new();
    let client: Vec<(i64, String, i64)> = db
        .fetch_all(
            "SELECT id, name, version FROM clients WHERE id = $1",
            args![beta.client],
        )
        .await
        .unwrap();
    lines.push(format!("client {client:?}"));
    let tickets: Vec<(i64, String, String, i64)> = db
        .fetch_all(
            "SELECT id, title, status, version FROM tickets WHERE client_id = $1 ORDER BY id",
            args![beta.client],
        )
        .await
        .unwrap();
    lines.push(format!("tickets {tickets:?}"));
    let checklist: Vec<(i64, String, bool, i64)> = db
        .fetch_all(
            "SELECT id, text, done, version FROM ticket_checklist_items WHERE ticket_id = $1 \
             ORDER BY id",
            args![beta.ticket],
        )
        .await
        .unwrap();
    lines.push(format!("checklist {checklist:?}"));
    for (table, column) in [
        ("ticket_comments", "ticket_id"),
        ("ticket_history", "ticket_id"),
        ("ticket_links", "ticket_id"),
        ("ticket_links", "target_ticket_id"),
    ] {
        let count: i64 = db
            .fetch_scalar(
                store::Sql::assembled(format!("SELECT COUNT(*) FROM {table} WHERE {column} = $1")),
                args![beta.ticket],
            )
            .await
            .unwrap();
        lines.push(format!("{table}.{column} {count}"));
    }
    let contracts: Vec<(i64, String, i64)> = db
        .fetch_all(
            "SELECT id, status, version FROM contracts WHERE client_id = $1 ORDER BY id",
            args![beta.client],
        )
        .await
        .unwrap();
    lines.push(format!("contracts {contracts:?}"));
    let amendments: i64 = db
        .fetch_scalar(
            "SELECT COUNT(*) FROM contract_amendments WHERE contract_id = $1",
            args![beta.contract],
        )
        .await
        .unwrap();
    lines.push(format!("amendments {amendments}"));
    let contacts: Vec<(i64, String)> = db
        .fetch_all(
            "SELECT id, name FROM client_contacts WHERE client_id = $1 ORDER BY id",
            args![beta.client],
        )
        .await
        .unwrap();
    lines.push(format!("contacts {contacts:?}"));
    let people: Vec<(i64, String, String, bool, i64)> = db
        .fetch_all(
            "SELECT id, login, role, disabled, version FROM users WHERE client_id = $1 \
             ORDER BY id",
            args![beta.client],
        )
        .await
        .unwrap();
    lines.push(format!("users {people:?}"));
    let tokens: Vec<(i64, bool)> = db
        .fetch_all(
            "SELECT id, revoked_at IS NULL FROM api_tokens WHERE user_id = $1 ORDER BY id",
            args![beta.user.id],
        )
        .await
        .unwrap();
    lines.push(format!("tokens {tokens:?}"));
    let shops: Vec<(i64, String)> = db
        .fetch_all(
            "SELECT id, name FROM shops WHERE client_id = $1 ORDER BY id",
            args![beta.client],
        )
        .await
        .unwrap();
    lines.push(format!("shops {shops:?}"));
    lines
}

/// Creates a plan, a signed contract of `client_id` and one amendment; returns the ids of
/// the contract and the amendment and the contract's number.
async fn contract_with_amendment(api: &Api, client_id: i64) -> (i64, i64, String) {
    let plan = json!({"code": "start", "name": "Старт", "monthly_price_kopecks": 199_000,
                      "limits": {"products": 500}, "valid_from": "2026-01-01"});
    let (status, plan) = api.post("/api/v1/tariffs", plan).await;
    assert_eq!(status, StatusCode::CREATED, "{plan}");
    let body = json!({"client_id": client_id, "plan_id": plan["id"], "starts_on": "2026-02-01",
        "ends_on": "2026-12-31",
        "signatory": {"full_name": "Бетова Бориса Борисовича",
                      "position": "генерального директора", "authority": "Устава"}});
    let (status, draft) = api.post("/api/v1/contracts", body).await;
    assert_eq!(status, StatusCode::CREATED, "{draft}");
    let id = draft["id"].as_i64().unwrap();
    let (status, active) = api
        .post(
            &format!("/api/v1/contracts/{id}/transitions"),
            json!({"to": "active", "version": draft["version"],
                   "conclusion": {"kind": "signed", "signed_on": "2026-01-28"}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{active}");
    let (status, amendment) = api
        .post(
            &format!("/api/v1/contracts/{id}/amendments"),
            json!({"signed_on": "2026-04-20", "effective_on": "2026-05-01",
                   "monthly_price_kopecks": 179_000}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{amendment}");
    let number = draft["number"].as_str().unwrap().to_string();
    (id, amendment["id"].as_i64().unwrap(), number)
}

/// Creates company B with a ticket (a public and an internal comment), a contact, a
/// contract with an amendment, a shop and a client administrator with an API token.
async fn beta(server: &TestServer, staff: &Api) -> Beta {
    let name = "ООО «Бетасекрет»".to_string();
    let inn = "7736207543".to_string();
    let (status, client) = staff
        .post(
            "/api/v1/clients",
            json!({"kind": "legal_entity", "name": name, "inn": inn, "kpp": "773601001",
                   "phone": "+7 926 555-44-33"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{client}");
    let client = client["id"].as_i64().unwrap();
    let (status, contact) = staff
        .post(
            &format!("/api/v1/clients/{client}/contacts"),
            json!({"name": "Бетов Борис", "phone": "+7 926 555-44-34"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{contact}");

    let admin = users::find_by_login(&server.state.db, "admin")
        .await
        .unwrap()
        .unwrap();
    let ticket = server
        .ticket(&admin, "Бетасекрет: склад не грузится", "L1", Some(client))
        .await;
    for (text, public) in [
        ("Бетасекрет публичный ответ", true),
        ("Бетасекрет внутренняя заметка", false),
    ] {
        let (status, comment) = staff
            .post(
                &format!("/api/v1/tickets/{}/comments", ticket.id),
                json!({"body": text, "public": public}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{comment}");
    }
    let (status, item) = staff
        .post(
            &format!("/api/v1/tickets/{}/checklist", ticket.id),
            json!({"text": "Бетасекрет: проверить склад"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{item}");
    let (contract, amendment, number) = contract_with_amendment(staff, client).await;

    let shop = store::shops::NewShop {
        slug: "betasecret-shop".into(),
        name: "Магазин Бетасекрет".into(),
        time_zone: "Europe/Moscow".into(),
        client_id: Some(client),
    };
    store::shops::create(&server.state.db, &shop, domain::time::now())
        .await
        .unwrap();

    let user = server.client_admin("betasecret-admin", client).await;
    server.token(&user).await;
    let token = tokens::list(&server.state.db, Some(user.id)).await.unwrap()[0].id;
    Beta {
        client,
        ticket: ticket.id,
        checklist_item: item["id"].as_i64().unwrap(),
        contract,
        amendment,
        contact: contact["id"].as_i64().unwrap(),
        token,
        shop_slug: "betasecret-shop".into(),
        markers: vec![
            "Бетасекрет".into(),
            "бетасекрет".into(),
            inn.clone(),
            "79265554433".into(),
            "Бетов Борис".into(),
            number,
            user.login.clone(),
        ],
        user,
        name,
        inn,
        phone: "+79265554433".into(),
    }
}

fn leaked<'a>(body: &str, beta: &'a Beta) -> Option<&'a str> {
    beta.markers
        .iter()
        .find(|marker| body.contains(marker.as_str()))
        .map(String::as_str)
}

/// Reads the first string argument of every `.route(` call under `dir`.
fn route_literals(dir: &std::path::Path, found: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            route_literals(&path, found);
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let source = std::fs::read_to_string(&path).unwrap();
        for (start, _) in source.match_indices(".route(") {
            let rest = source[start + ".route(".len()..].trim_start();
            let Some(literal) = rest.strip_prefix('"') else {
                continue;
            };
            let end = literal.find('"').unwrap();
            found.insert(literal[..end].to_string());
        }
    }
}

#[test]
fn routes_list_matches_router_source() {
    let mut found = BTreeSet::new();
    route_literals(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut found,
    );
    let listed: BTreeSet<String> = ROUTES
        .iter()
        .map(|route| route.strip_prefix("/api/v1").unwrap_or(route).to_string())
        .collect();
    let unlisted: Vec<&String> = found.difference(&listed).collect();
    assert!(
        unlisted.is_empty(),
        "routes missing from ROUTES: {unlisted:?}"
    );
    let stale: Vec<&String> = listed.difference(&found).collect();
    assert!(
        stale.is_empty(),
        "ROUTES lists routes the router lacks: {stale:?}"
    );
}

web_test!(routes_list_covers_openapi, async |server: &TestServer| {
    let (status, document) = Browser::new(&server.url).get("/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    let document: Value = serde_json::from_str(&document).unwrap();
    let paths = document["paths"].as_object().unwrap();
    assert!(paths.len() > 20, "{} paths", paths.len());
    for path in paths.keys() {
        assert!(ROUTES.contains(&path.as_str()), "{path} is not in ROUTES");
    }
});

web_test!(
    client_admin_cannot_reach_other_company,
    async |server: &TestServer| {
        let staff_user = server.user("admin", Role::Admin, &["L1"]).await;
        let staff = server.api(&staff_user).await;
        let alpha = server.client_company("ООО «Альфа»").await;
        server.client_admin("alpha-admin", alpha).await;
        let own_ticket = server
            .ticket(&staff_user, "Заявка Альфы", "L1", Some(alpha))
            .await;
        let beta = beta(server, &staff).await;

        // The ids and markers are right: staff see B's objects through the same routes.
        let staff_browser = server.browser("admin").await;
        for path in [
            format!("/tickets/{}", beta.ticket),
            format!("/clients/{}", beta.client),
            format!("/contracts/{}", beta.contract),
            format!("/clients?q={}", web::pages::encode_query(&beta.inn)),
        ] {
            let (status, body) = staff_browser.get(&path).await;
            assert_eq!(status, StatusCode::OK, "staff {path}");
            assert!(leaked(&body, &beta).is_some(), "staff sees B on {path}");
        }

        let before = snapshot(&server.state.db, &beta).await;
        let browser = server.browser("alpha-admin").await;
        let csrf = browser.csrf("/portal").await;
        let mut failures = Vec::new();
        for route in ROUTES {
            for method in METHODS {
                // Signing out would end the session the rest of the walk uses.
                if *route == "/logout" && *method == Method::POST {
                    continue;
                }
                let path = fill(route, &beta, false);
                let body = api_body(method, route, &beta, own_ticket.id);
                let (status, text) = send(&browser, &csrf, method, &path, &body).await;
                if status.is_server_error() {
                    failures.push(format!("{method} {path}: {status}"));
                }
                if let Some(marker) = leaked(&text, &beta) {
                    failures.push(format!("{method} {path}: {status} shows {marker:?}"));
                }
                if !names_beta_object(route, &beta) {
                    continue;
                }
                let missing_path = fill(route, &beta, true);
                let (missing, _) = send(&browser, &csrf, method, &missing_path, &body).await;
                if status != missing {
                    failures.push(format!(
                        "{method} {path}: {status}, but {missing} for an id that does not exist"
                    ));
                }
                let allowed = [
                    StatusCode::NOT_FOUND,
                    StatusCode::FORBIDDEN,
                    StatusCode::METHOD_NOT_ALLOWED,
                ];
                if !allowed.contains(&status) {
                    let excerpt: String = text.chars().take(300).collect();
                    failures.push(format!(
                        "{method} {path}: {status}, expected 404 or 403: {excerpt}"
                    ));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        assert_eq!(snapshot(&server.state.db, &beta).await, before);
    }
);

web_test!(
    client_admin_token_cannot_reach_other_company,
    async |server: &TestServer| {
        let staff_user = server.user("admin", Role::Admin, &["L1"]).await;
        let staff = server.api(&staff_user).await;
        let alpha = server.client_company("ООО «Альфа»").await;
        let alpha_admin = server.client_admin("alpha-admin", alpha).await;
        let own_ticket = server
            .ticket(&staff_user, "Заявка Альфы", "L1", Some(alpha))
            .await;
        let beta = beta(server, &staff).await;
        let before = snapshot(&server.state.db, &beta).await;

        let api = server.api(&alpha_admin).await;
        let mut failures = Vec::new();
        for route in ROUTES.iter().filter(|route| route.starts_with("/api/v1/")) {
            for method in METHODS {
                let path = fill(route, &beta, false);
                let body = api_body(method, route, &beta, own_ticket.id);
                let (status, answer) = api.send(method.clone(), &path, body.clone()).await;
                if status.is_server_error() {
                    failures.push(format!("{method} {path}: {status}"));
                }
                if let Some(marker) = leaked(&answer.to_string(), &beta) {
                    failures.push(format!("{method} {path}: {status} shows {marker:?}"));
                }
                if !names_beta_object(route, &beta) {
                    continue;
                }
                let missing_path = fill(route, &beta, true);
                let (missing, _) = api.send(method.clone(), &missing_path, body.clone()).await;
                if status != missing {
                    failures.push(format!(
                        "{method} {path}: {status}, but {missing} for an id that does not exist"
                    ));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        assert_eq!(snapshot(&server.state.db, &beta).await, before);
    }
);

web_test!(
    search_finds_nothing_of_other_company,
    async |server: &TestServer| {
        let staff_user = server.user("admin", Role::Admin, &["L1"]).await;
        let staff = server.api(&staff_user).await;
        let alpha = server.client_company("ООО «Альфа»").await;
        server.client_admin("alpha-admin", alpha).await;
        let beta = beta(server, &staff).await;
        let browser = server.browser("alpha-admin").await;
        let staff_browser = server.browser("admin").await;

        for term in [
            beta.name.as_str(),
            "бетасекрет",
            beta.inn.as_str(),
            beta.phone.as_str(),
        ] {
            let query = web::pages::encode_query(term);
            for list in [
                "/tickets",
                "/clients",
                "/contracts",
                "/api/v1/tickets",
                "/api/v1/clients",
            ] {
                let path = format!("{list}?q={query}");
                let (status, body) = browser.get(&path).await;
                assert!(!status.is_server_error(), "{path}: {status}");
                // The filter form and the page's links show the search term itself back.
                let body = body
                    .replace(&format!("value=\"{term}\""), "")
                    .replace(&format!("q={query}"), "");
                assert_eq!(leaked(&body, &beta), None, "{path} as a client");
            }
            let (_, body) = staff_browser.get(&format!("/clients?q={query}")).await;
            assert!(leaked(&body, &beta).is_some(), "staff find B by {term}");
        }
    }
);
