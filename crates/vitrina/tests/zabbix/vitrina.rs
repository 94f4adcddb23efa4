//! The real `vitrina serve` on a fixed loopback port, so it can stop and start again at the
//! address Zabbix sends to, with an administrator's API token for its JSON API.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::process::Child;

use super::eventually;
use crate::common::{Setup, assert_success, stdout};

/// The administrator whose token the test uses.
pub const ADMIN: &str = "e2e-admin";
const ADMIN_PASSWORD: &str = "correct horse battery staple";
/// The webhook secret of the test instance.
const SECRET: &str = "e2e-zabbix-webhook-secret-0123456789";

/// One stored webhook delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub event_id: Option<i64>,
    pub kind: Option<String>,
    pub status: String,
}

/// A Vitrina instance with its own SQLite data directory.
pub struct Vitrina {
    setup: Setup,
    port: u16,
    /// The base address, `http://127.0.0.1:PORT`.
    pub url: String,
    extra_env: Vec<(String, String)>,
    child: Option<Child>,
    token: String,
    http: reqwest::Client,
}

impl Vitrina {
    /// Prepares a data directory with an administrator and starts `serve` on a free port,
    /// with `extra_env` added to the environment of every start.
    pub async fn start_new(extra_env: &[(&str, &str)]) -> Vitrina {
        let setup = Setup::sqlite();
        assert_success(&setup.run(&["migrate"]).await);
        let added = setup
            .run_with_stdin(
                &["user", "add", ADMIN, "--role", "admin", "--password-stdin"],
                &format!("{ADMIN_PASSWORD}\n"),
            )
            .await;
        assert_success(&added);
        let token = setup
            .run(&["token", "create", ADMIN, "--name", "zabbix-e2e"])
            .await;
        assert_success(&token);
        let token = stdout(&token).trim().to_string();

        let port = free_port();
        let mut vitrina = Vitrina {
            setup,
            port,
            url: format!("http://127.0.0.1:{port}"),
            extra_env: extra_env
                .iter()
                .map(|(name, value)| (name.to_string(), value.to_string()))
                .collect(),
            child: None,
            token,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(60))
                .build()
                .unwrap(),
        };
        vitrina.start().await;
        vitrina
    }

    /// Returns the webhook endpoint to configure in the media type.
    pub fn events_url(&self) -> String {
        format!("{}/api/v1/integrations/zabbix/events", self.url)
    }

    /// Returns the webhook secret to configure in the media type.
    pub fn secret(&self) -> &'static str {
        SECRET
    }

    /// Adds a support engineer in the infrastructure queue.
    pub async fn add_engineer(&self, login: &str, name: &str) {
        let added = self
            .setup
            .run_with_stdin(
                &[
                    "user",
                    "add",
                    login,
                    "--role",
                    "support",
                    "--name",
                    name,
                    "--queue",
                    "infrastructure",
                    "--password-stdin",
                ],
                &format!("{ADMIN_PASSWORD}\n"),
            )
            .await;
        assert_success(&added);
    }

    /// Starts `serve` and waits until `/healthz` returns 200.
    pub async fn start(&mut self) {
        assert!(self.child.is_none(), "vitrina is running already");
        let listen = format!("127.0.0.1:{}", self.port);
        let mut command = self.setup.command(&["serve", "--listen", &listen]);
        command
            .env("VITRINA_ZABBIX_WEBHOOK_SECRET", SECRET)
            .env("VITRINA_PUBLIC_URL", &self.url)
            .envs(self.extra_env.iter().map(|(n, v)| (n, v)))
            .stdout(self.log_file())
            .stderr(self.log_file());
        self.child = Some(command.spawn().unwrap());

        eventually("vitrina serves /healthz", async || {
            if let Some(status) = self.child.as_mut().unwrap().try_wait().unwrap() {
                panic!("vitrina serve exited with {status}:\n{}", self.log_tail());
            }
            match self.http.get(format!("{}/healthz", self.url)).send().await {
                Ok(response) if response.status() == 200 => Ok(()),
                Ok(response) => Err(format!("HTTP {}", response.status())),
                Err(error) => Err(error.to_string()),
            }
        })
        .await;
    }

    /// Stops `serve` with SIGTERM and waits for it to exit.
    pub async fn stop(&mut self) {
        let mut child = self.child.take().expect("vitrina is not running");
        let pid = child.id().unwrap().to_string();
        let killed = tokio::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .await
            .unwrap();
        assert!(killed.success());
        let status = tokio::time::timeout(Duration::from_secs(60), child.wait())
            .await
            .expect("vitrina did not stop within 60 s of SIGTERM")
            .unwrap();
        assert!(status.success(), "vitrina serve exited with {status}");
    }

    /// Returns the Zabbix tickets grouped by their Zabbix event id.
    pub async fn zabbix_tickets(&self) -> BTreeMap<String, Vec<Value>> {
        let list = self
            .get("/api/v1/tickets?source=zabbix&limit=1000&sort=created_at")
            .await;
        let mut by_event: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        for ticket in list["items"].as_array().unwrap() {
            let event = ticket["zabbix_event_id"].to_string();
            by_event.entry(event).or_default().push(ticket.clone());
        }
        by_event
    }

    /// Waits until Zabbix event `event_id` has a ticket, and returns it with its comments and
    /// history. More than one ticket fails the test.
    pub async fn ticket_of_event(&self, event_id: &str) -> Value {
        let ticket = eventually(
            &format!("vitrina opens a ticket for Zabbix event {event_id}"),
            async || {
                let mut tickets = self.zabbix_tickets().await;
                match tickets.remove(event_id) {
                    Some(found) if found.len() == 1 => Ok(found[0].clone()),
                    Some(found) => {
                        panic!("{} tickets for event {event_id}: {found:?}", found.len())
                    }
                    None => Err(format!("tickets of events {:?}", tickets.keys())),
                }
            },
        )
        .await;
        self.ticket(ticket["id"].as_i64().unwrap()).await
    }

    /// Returns a ticket with its comments and history.
    pub async fn ticket(&self, id: i64) -> Value {
        self.get(&format!("/api/v1/tickets/{id}")).await
    }

    /// Assigns the ticket to `login` through the API, as the administrator.
    pub async fn assign(&self, ticket: &Value, login: &str) -> Value {
        let path = format!("/api/v1/tickets/{}", ticket["id"]);
        let body = json!({"assignee": login, "version": ticket["version"]});
        self.send(self.http.patch(self.endpoint(&path)).json(&body))
            .await
    }

    /// Moves the ticket to status `to` through the API, as the administrator.
    pub async fn transition(&self, ticket: &Value, to: &str) -> Value {
        let path = format!("/api/v1/tickets/{}/transitions", ticket["id"]);
        let body = json!({"to": to, "version": ticket["version"]});
        self.send(self.http.post(self.endpoint(&path)).json(&body))
            .await
    }

    /// Returns every stored webhook delivery, oldest first, read from the database.
    pub async fn deliveries(&self) -> Vec<Delivery> {
        let db = self.setup.db().await;
        let rows: Vec<(Option<i64>, Option<String>, String)> = db
            .fetch_all(
                "SELECT event_id, kind, status FROM zabbix_deliveries ORDER BY id",
                Vec::new(),
            )
            .await
            .unwrap();
        db.close().await;
        rows.into_iter()
            .map(|(event_id, kind, status)| Delivery {
                event_id,
                kind,
                status,
            })
            .collect()
    }

    async fn get(&self, path: &str) -> Value {
        self.send(self.http.get(self.endpoint(path))).await
    }

    fn endpoint(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Value {
        let response = request.bearer_auth(&self.token).send().await.unwrap();
        let status = response.status();
        let body = response.text().await.unwrap();
        assert!(status.is_success(), "HTTP {status}: {body}");
        serde_json::from_str(&body).unwrap()
    }

    fn log_path(&self) -> std::path::PathBuf {
        self.setup.data_dir().join("serve.log")
    }

    fn log_file(&self) -> Stdio {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.log_path())
            .unwrap();
        Stdio::from(file)
    }

    fn log_tail(&self) -> String {
        let Ok(file) = std::fs::File::open(self.log_path()) else {
            return String::new();
        };
        let lines: Vec<String> = BufReader::new(file).lines().map_while(Result::ok).collect();
        lines[lines.len().saturating_sub(60)..].join("\n")
    }
}

impl Drop for Vitrina {
    /// Prints the end of the server log when a test fails. The child is killed on drop.
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!(
                "--- last lines of the vitrina serve log ---\n{}",
                self.log_tail()
            );
        }
    }
}

/// Returns a loopback port that was free a moment ago.
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}
