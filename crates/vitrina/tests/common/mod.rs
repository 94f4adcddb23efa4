//! The real `vitrina` binary on a fresh data directory, on SQLite or in a fresh PostgreSQL
//! schema, and the database it writes, opened directly to check the result.
#![allow(dead_code, clippy::unwrap_used)]

use std::path::PathBuf;
use std::process::{Output, Stdio};
use std::time::Duration;

use store::{Db, Location, OpenOptions, Sql};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, Command};

/// A data directory, and on PostgreSQL a schema, that one test owns.
pub struct Setup {
    pub dir: tempfile::TempDir,
    /// `(server URL, schema)` on PostgreSQL.
    postgres: Option<(String, String)>,
}

impl Setup {
    /// Creates a SQLite setup: the binary creates `vitrina.db` in the temporary data directory.
    pub fn sqlite() -> Setup {
        Setup {
            dir: tempfile::tempdir().unwrap(),
            postgres: None,
        }
    }

    /// Creates a PostgreSQL setup in a new empty schema, or `None` when no test server is set and
    /// the run is not CI (with `CI=true` a missing server fails the test).
    pub async fn postgres() -> Option<Setup> {
        let url = store::testing::postgres_url()?;
        let schema = format!("cli_{}", web::identity::password::random_token(6));
        let admin = admin(&url).await;
        admin
            .execute(
                Sql::assembled(format!("CREATE SCHEMA {schema}")),
                Vec::new(),
            )
            .await
            .unwrap();
        admin.close().await;
        Some(Setup {
            dir: tempfile::tempdir().unwrap(),
            postgres: Some((url, schema)),
        })
    }

    /// Returns the database URL handed to the binary: the server URL with `search_path` set to the
    /// test's schema through libpq's `options` parameter, which sqlx reads too.
    pub fn database_url(&self) -> Option<String> {
        let (url, schema) = self.postgres.as_ref()?;
        let separator = if url.contains('?') { '&' } else { '?' };
        Some(format!(
            "{url}{separator}options=-c%20search_path%3D{schema}"
        ))
    }

    /// Returns the data directory.
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }

    /// Builds a command for the binary with this setup's database and no `VITRINA_*` variables
    /// from the environment of the test run.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_vitrina"));
        for (name, _) in std::env::vars() {
            if name.starts_with("VITRINA_") {
                command.env_remove(name);
            }
        }
        command.env("RUST_LOG", "info");
        command.arg("--data-dir").arg(self.dir.path());
        if let Some(url) = self.database_url() {
            command.arg("--database-url").arg(url);
        }
        command.args(args);
        command.stdin(Stdio::null());
        command.kill_on_drop(true);
        command
    }

    /// Runs the binary to completion.
    pub async fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().await.unwrap()
    }

    /// Runs the binary with `input` on stdin.
    pub async fn run_with_stdin(&self, args: &[&str], input: &str) -> Output {
        let mut command = self.command(args);
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().unwrap();
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(input.as_bytes()).await.unwrap();
        drop(stdin);
        child.wait_with_output().await.unwrap()
    }

    /// Opens the database the binary wrote, without migrating it.
    pub async fn db(&self) -> Db {
        let location = match &self.postgres {
            Some((url, schema)) => Location::Postgres {
                url: url.clone(),
                schema: Some(schema.clone()),
            },
            None => Location::SqliteFile(self.dir.path().join("vitrina.db")),
        };
        let options = OpenOptions {
            max_connections: 2,
            ..OpenOptions::default()
        };
        Db::open(&location, &options).await.unwrap()
    }

    /// Opens the events database the binary wrote, without migrating it: `events.db` in the
    /// data directory on SQLite, the same schema as the main database on PostgreSQL.
    pub async fn events_db(&self) -> Db {
        match &self.postgres {
            Some(_) => self.db().await,
            None => {
                let location = Location::SqliteFile(self.dir.path().join("events.db"));
                let options = OpenOptions {
                    max_connections: 2,
                    ..OpenOptions::default()
                };
                Db::open(&location, &options).await.unwrap()
            }
        }
    }

    /// Drops a PostgreSQL test schema; the temporary directory goes with `self`.
    pub async fn finish(self) {
        if let Some((url, schema)) = &self.postgres {
            let admin = admin(url).await;
            let sql = Sql::assembled(format!("DROP SCHEMA {schema} CASCADE"));
            let _ = admin.execute(sql, Vec::new()).await;
            admin.close().await;
        }
    }
}

async fn admin(url: &str) -> Db {
    let location = Location::Postgres {
        url: url.to_string(),
        schema: None,
    };
    let options = OpenOptions {
        max_connections: 2,
        ..OpenOptions::default()
    };
    Db::open(&location, &options).await.unwrap()
}

/// A running `vitrina serve`.
pub struct Served {
    pub child: Child,
    /// The address it printed, without a trailing slash.
    pub url: String,
    /// Its stdout up to the address line.
    pub printed: String,
}

/// Starts `command` (a `serve`) and waits up to 120 s for the address it prints.
pub async fn start_serve(mut command: Command) -> Served {
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    // The log is read as it comes: a full pipe would block every thread of `serve` that
    // logs, which with `RUST_LOG=debug` happens after some 64 KiB.
    let mut stderr = child.stderr.take().unwrap();
    let reader = tokio::spawn(async move {
        let mut log = String::new();
        let _ = stderr.read_to_string(&mut log).await;
        log
    });
    SERVE_LOGS
        .lock()
        .unwrap()
        .push((child.id().unwrap(), reader));
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut printed = String::new();
    let url = tokio::time::timeout(Duration::from_secs(120), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            printed.push_str(&line);
            printed.push('\n');
            if let Some(url) = line.strip_prefix("Vitrina is listening on ") {
                return url.trim_end_matches('/').to_string();
            }
        }
        panic!("serve ended before listening: {printed}");
    })
    .await
    .expect("serve did not print its address within 120 s");
    Served {
        child,
        url,
        printed,
    }
}

/// Stops `serve` with SIGTERM, asserts that it exits successfully within 30 s, and returns
/// its log.
pub async fn stop_serve(mut child: Child) -> String {
    let id = child.id().unwrap();
    let pid = id.to_string();
    let killed = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .await
        .unwrap();
    assert!(killed.success());
    let status = tokio::time::timeout(Duration::from_secs(30), child.wait())
        .await
        .expect("serve did not stop within 30 s of SIGTERM")
        .unwrap();
    assert!(status.success(), "serve exited with {status}");
    let reader = {
        let mut logs = SERVE_LOGS.lock().unwrap();
        let index = logs.iter().position(|(pid, _)| *pid == id).unwrap();
        logs.swap_remove(index).1
    };
    reader.await.unwrap()
}

/// The stderr readers of running `serve` processes by process id, which [`stop_serve`]
/// collects the log from.
static SERVE_LOGS: std::sync::Mutex<Vec<(u32, tokio::task::JoinHandle<String>)>> =
    std::sync::Mutex::new(Vec::new());

/// Returns the command's stdout as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Returns the command's stderr as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Asserts that the command succeeded, showing its output when it did not.
pub fn assert_success(output: &Output) {
    assert!(
        output.status.success(),
        "status {}\nstdout: {}\nstderr: {}",
        output.status,
        stdout(output),
        stderr(output)
    );
}

/// Password of the analyst that [`analyst_token`] creates.
pub const ANALYST_PASSWORD: &str = "correct horse battery staple";

/// Creates an analyst and a token through the binary and returns the token.
pub async fn analyst_token(setup: &Setup) -> String {
    let add = [
        "user",
        "add",
        "analyst",
        "--role",
        "analyst",
        "--password-stdin",
    ];
    assert_success(&setup.run_with_stdin(&add, ANALYST_PASSWORD).await);
    let output = setup
        .run(&["token", "create", "analyst", "--name", "tests"])
        .await;
    assert_success(&output);
    stdout(&output).trim().to_string()
}

/// Starts `serve`, reads the summary at `query` with `token` and stops the server.
pub async fn served_summary(setup: &Setup, token: &str, query: &str) -> serde_json::Value {
    let Served { child, url, .. } =
        start_serve(setup.command(&["serve", "--listen", "127.0.0.1:0"])).await;
    integrations::tls::install_crypto_provider();
    let response = reqwest::Client::new()
        .get(format!("{url}/api/v1/analytics/summary?{query}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let body: serde_json::Value = response.json().await.unwrap();
    stop_serve(child).await;
    assert_eq!(status, 200, "{body}");
    body
}

/// Defines a test that runs the binary on SQLite (`NAME::sqlite`) and on PostgreSQL
/// (`NAME::postgres`). The body is an async closure taking the [`Setup`].
#[macro_export]
macro_rules! cli_test {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let setup = $crate::common::Setup::sqlite();
                ($body)(&setup).await;
                setup.finish().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(setup) = $crate::common::Setup::postgres().await else {
                    return;
                };
                ($body)(&setup).await;
                setup.finish().await;
            }
        }
    };
}
