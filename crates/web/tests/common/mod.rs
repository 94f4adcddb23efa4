//! A real Vitrina router on 127.0.0.1 with a test database, and clients that talk to it.
#![allow(dead_code, clippy::unwrap_used)]

use std::sync::Once;

use domain::identity::Role;
use reqwest::{Client, StatusCode};
use secrecy::SecretString;
use store::identity::{Author, User, tokens, users};
use store::testing::TestDb;
use web::identity::password;
use web::{AppState, WebConfig};

/// The Zabbix webhook secret test servers use.
pub const ZABBIX_SECRET: &str = "test-zabbix-secret-0123456789";
/// The password of users created by [`TestServer::user`].
pub const PASSWORD: &str = "correct horse battery staple";

/// A running server and its database.
pub struct TestServer {
    pub url: String,
    pub state: AppState,
    test_db: TestDb,
    server: tokio::task::JoinHandle<()>,
}

fn install_crypto() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        integrations::tls::install_crypto_provider();
    });
}

impl TestServer {
    /// Starts the router on a free loopback port over `test_db`.
    pub async fn start(test_db: TestDb) -> TestServer {
        Self::start_with(test_db, |_| {}).await
    }

    /// Starts the router after `configure` adjusts the settings.
    pub async fn start_with(test_db: TestDb, configure: impl FnOnce(&mut WebConfig)) -> TestServer {
        install_crypto();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let mut config = WebConfig {
            public_url: url.clone(),
            zabbix_webhook_secret: Some(SecretString::from(ZABBIX_SECRET)),
            ..WebConfig::default()
        };
        configure(&mut config);
        let events = test_db.events().await;
        let state = AppState::new(test_db.db.clone(), config)
            .unwrap()
            .with_events(events);
        let app = web::router(state.clone());
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        TestServer {
            url,
            state,
            test_db,
            server,
        }
    }

    /// Stops the server and drops the test database.
    pub async fn finish(self) {
        self.server.abort();
        self.test_db.finish().await;
    }

    /// Creates a user with [`PASSWORD`] in `queues`.
    pub async fn user(&self, login: &str, role: Role, queues: &[&str]) -> User {
        let now = domain::time::now();
        let hash = password::hash(PASSWORD).unwrap();
        let new = users::NewUser {
            login: login.into(),
            display_name: format!("Сотрудник {login}"),
            email: None,
            role,
            client_id: None,
            password_hash: Some(hash),
            locale: "ru".into(),
        };
        let user = users::create(&self.state.db, &new, &Author::system(), now)
            .await
            .unwrap();
        let codes: Vec<String> = queues.iter().map(|q| q.to_string()).collect();
        users::set_queues(&self.state.db, user.id, &codes, &Author::system(), now)
            .await
            .unwrap();
        user
    }

    /// Creates an API token for `user` and returns its secret.
    pub async fn token(&self, user: &User) -> String {
        let secret = format!("vtr_{}", password::random_token(24));
        let hash = password::secret_hash(&secret);
        tokens::create(
            &self.state.db,
            user.id,
            "test",
            &hash,
            &secret[..8],
            &Author::system(),
            domain::time::now(),
        )
        .await
        .unwrap();
        secret
    }

    /// An API client authenticated by a new token of `user`.
    pub async fn api(&self, user: &User) -> Api {
        Api {
            url: self.url.clone(),
            token: self.token(user).await,
            client: Client::new(),
        }
    }

    /// A browser-like client with a cookie store, signed in as `login`.
    pub async fn browser(&self, login: &str) -> Browser {
        let browser = Browser::new(&self.url);
        let status = browser.login(login, PASSWORD).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "login as {login}");
        browser
    }
}

/// An API client with a bearer token.
pub struct Api {
    pub url: String,
    pub token: String,
    pub client: Client,
}

impl Api {
    pub async fn get(&self, path: &str) -> (StatusCode, serde_json::Value) {
        let response = self
            .client
            .get(format!("{}{path}", self.url))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        json_of(response).await
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: serde_json::Value,
    ) -> (StatusCode, serde_json::Value) {
        let response = self
            .client
            .request(method, format!("{}{path}", self.url))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .unwrap();
        json_of(response).await
    }

    pub async fn post(
        &self,
        path: &str,
        body: serde_json::Value,
    ) -> (StatusCode, serde_json::Value) {
        self.send(reqwest::Method::POST, path, body).await
    }

    pub async fn patch(
        &self,
        path: &str,
        body: serde_json::Value,
    ) -> (StatusCode, serde_json::Value) {
        self.send(reqwest::Method::PATCH, path, body).await
    }
}

/// Reads a response as JSON; a body that is not JSON becomes `Null`.
pub async fn json_of(response: reqwest::Response) -> (StatusCode, serde_json::Value) {
    let status = response.status();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
    )
}

/// A client that keeps cookies and follows no redirects, like a browser observed closely.
pub struct Browser {
    pub url: String,
    pub client: Client,
}

impl Browser {
    pub fn new(url: &str) -> Browser {
        install_crypto();
        let client = Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Browser {
            url: url.to_string(),
            client,
        }
    }

    /// Fetches a page and returns its status and body.
    pub async fn get(&self, path: &str) -> (StatusCode, String) {
        let response = self
            .client
            .get(format!("{}{path}", self.url))
            .send()
            .await
            .unwrap();
        (response.status(), response.text().await.unwrap())
    }

    /// Reads the CSRF token from a page's hidden form field.
    pub async fn csrf(&self, path: &str) -> String {
        let (_, body) = self.get(path).await;
        csrf_from(&body).unwrap_or_else(|| panic!("no csrf_token field on {path}"))
    }

    /// Posts a form with the page's CSRF token added.
    pub async fn post_form(
        &self,
        path: &str,
        csrf_page: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let token = self.csrf(csrf_page).await;
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.push(("csrf_token", &token));
        self.client
            .post(format!("{}{path}", self.url))
            .form(&form)
            .send()
            .await
            .unwrap()
    }

    /// Signs in through the login form and returns the answer's status.
    pub async fn login(&self, login: &str, password: &str) -> StatusCode {
        self.post_form(
            "/login",
            "/login",
            &[("login", login), ("password", password)],
        )
        .await
        .status()
    }
}

impl Browser {
    /// Posts a form exactly as given: no CSRF token is added.
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.url))
            .form(fields)
            .send()
            .await
            .unwrap()
    }

    /// Posts a form as htmx does: the page's CSRF token in the header and `HX-Request` set.
    pub async fn post_htmx(
        &self,
        path: &str,
        csrf_page: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let token = self.csrf(csrf_page).await;
        self.client
            .post(format!("{}{path}", self.url))
            .header("hx-request", "true")
            .header("x-csrf-token", token)
            .form(fields)
            .send()
            .await
            .unwrap()
    }

    /// Fetches a page as htmx does when it swaps the element `target`.
    pub async fn get_htmx(&self, path: &str, target: &str) -> (StatusCode, String) {
        let response = self
            .client
            .get(format!("{}{path}", self.url))
            .header("hx-request", "true")
            .header("hx-target", target)
            .send()
            .await
            .unwrap();
        (response.status(), response.text().await.unwrap())
    }
}

impl TestServer {
    /// Creates a ticket through the store, as `author`.
    pub async fn ticket(
        &self,
        author: &User,
        title: &str,
        queue: &str,
        client_id: Option<i64>,
    ) -> store::servicedesk::Ticket {
        let new = store::servicedesk::NewTicket {
            kind: domain::servicedesk::Kind::Incident,
            source: domain::servicedesk::Source::Staff,
            priority: domain::servicedesk::Priority::P3,
            queue: queue.into(),
            title: title.into(),
            description: "Описание".into(),
            client_id,
            zabbix: None,
        };
        let author = Author::person(author.id, &author.login);
        store::servicedesk::tickets::create(&self.state.db, &new, &author, domain::time::now())
            .await
            .unwrap()
    }

    /// Reads a ticket back from the store.
    pub async fn stored_ticket(&self, id: i64) -> store::servicedesk::Ticket {
        store::servicedesk::tickets::get(&self.state.db, id)
            .await
            .unwrap()
            .unwrap()
    }

    /// Inserts a client company and returns its id.
    pub async fn client_company(&self, name: &str) -> i64 {
        let now = domain::time::now();
        // A transaction, because SQLite serves plain fetches from its read-only pool.
        let mut tx = self.state.db.begin().await.unwrap();
        let id = tx
            .fetch_scalar(
                "INSERT INTO clients (name, name_folded, created_at, updated_at) \
                 VALUES ($1, $2, $3, $3) RETURNING id",
                store::args![name, name.to_lowercase(), now],
            )
            .await
            .unwrap();
        tx.commit().await.unwrap();
        id
    }

    /// Creates a `client_user` of company `client_id` with [`PASSWORD`].
    pub async fn client_user(&self, login: &str, client_id: i64) -> User {
        let new = users::NewUser {
            login: login.into(),
            display_name: format!("Клиент {login}"),
            email: None,
            role: Role::ClientUser,
            client_id: Some(client_id),
            password_hash: Some(password::hash(PASSWORD).unwrap()),
            locale: "ru".into(),
        };
        users::create(&self.state.db, &new, &Author::system(), domain::time::now())
            .await
            .unwrap()
    }
}

impl TestServer {
    /// Sets the profile language of `user`, `ru` or `en`, which its pages and API messages
    /// use.
    pub async fn set_locale(&self, user: &User, locale: &str) -> User {
        let change = users::UserChange {
            locale: Some(locale.into()),
            ..users::UserChange::default()
        };
        self.update_user(user, &change).await
    }

    /// Creates a `client_admin` of company `client_id` with [`PASSWORD`].
    pub async fn client_admin(&self, login: &str, client_id: i64) -> User {
        let user = self.client_user(login, client_id).await;
        let change = users::UserChange {
            role: Some(Role::ClientAdmin),
            ..users::UserChange::default()
        };
        self.update_user(&user, &change).await
    }

    async fn update_user(&self, user: &User, change: &users::UserChange) -> User {
        users::update(
            &self.state.db,
            user.id,
            None,
            change,
            &Author::system(),
            domain::time::now(),
        )
        .await
        .unwrap()
    }
}

/// Finds `name="csrf_token" value="…"` in a page.
pub fn csrf_from(html: &str) -> Option<String> {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_string())
}

/// Defines a test that runs against a server on SQLite (`NAME::sqlite`) and on PostgreSQL
/// (`NAME::postgres`).
#[macro_export]
macro_rules! web_test {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let server =
                    $crate::common::TestServer::start(store::testing::TestDb::sqlite().await).await;
                ($body)(&server).await;
                server.finish().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(test_db) = store::testing::TestDb::postgres().await else {
                    return;
                };
                let server = $crate::common::TestServer::start(test_db).await;
                ($body)(&server).await;
                server.finish().await;
            }
        }
    };
}
