//! Test databases on both engines, for this crate's tests and the web layer's.
//!
//! SQLite tests get a file in a fresh temporary directory. PostgreSQL tests run when
//! `VITRINA_TEST_POSTGRES_URL` is set, each in a schema of its own that is dropped at the end.
//! With `CI=true` and no URL, a PostgreSQL test fails instead of skipping.

use std::path::PathBuf;

use crate::{Db, Location, OpenOptions};

/// Environment variable naming the PostgreSQL server for tests.
pub const POSTGRES_URL_VAR: &str = "VITRINA_TEST_POSTGRES_URL";

/// A migrated, empty database that a test owns.
pub struct TestDb {
    pub db: Db,
    /// The data directory (SQLite file, or scratch space on PostgreSQL).
    pub dir: PathBuf,
    _temp: TempDir,
    schema: Option<(String, String)>,
    /// The events database, opened by [`TestDb::events`] on first use.
    events: tokio::sync::OnceCell<Db>,
}

/// A temporary directory removed on drop.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn temp_dir() -> TempDir {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).expect("random bytes for a test directory");
    let path = std::env::temp_dir().join(format!("vitrina-test-{}", hex::encode(bytes)));
    std::fs::create_dir_all(&path).expect("create a test directory");
    TempDir(path)
}

impl TestDb {
    /// A SQLite database in a new temporary directory.
    pub async fn sqlite() -> TestDb {
        let temp = temp_dir();
        let location = Location::SqliteFile(temp.0.join("vitrina.db"));
        let db = crate::migrate::open_and_migrate(&location, &OpenOptions::default())
            .await
            .expect("open and migrate a SQLite test database");
        TestDb {
            db,
            dir: temp.0.clone(),
            _temp: temp,
            schema: None,
            events: tokio::sync::OnceCell::new(),
        }
    }

    /// A PostgreSQL database in a new schema, or `None` when no server is configured and the
    /// run is not CI.
    pub async fn postgres() -> Option<TestDb> {
        let Some(url) = postgres_url() else {
            eprintln!("skipped: {POSTGRES_URL_VAR} is not set");
            return None;
        };
        let mut bytes = [0u8; 6];
        getrandom::fill(&mut bytes).expect("random bytes for a schema name");
        let schema = format!("test_{}", hex::encode(bytes));

        let admin = Db::open(
            &Location::Postgres {
                url: url.clone(),
                schema: None,
            },
            &OpenOptions {
                max_connections: 2,
                ..OpenOptions::default()
            },
        )
        .await
        .expect("connect to the PostgreSQL test server");
        admin
            .execute(
                crate::Sql::assembled(format!("CREATE SCHEMA {schema}")),
                Vec::new(),
            )
            .await
            .expect("create a test schema");
        admin.close().await;

        let location = Location::Postgres {
            url: url.clone(),
            schema: Some(schema.clone()),
        };
        let options = OpenOptions {
            max_connections: 4,
            ..OpenOptions::default()
        };
        let db = crate::migrate::open_and_migrate(&location, &options)
            .await
            .expect("migrate the PostgreSQL test schema");
        let temp = temp_dir();
        Some(TestDb {
            db,
            dir: temp.0.clone(),
            _temp: temp,
            schema: Some((url, schema)),
            events: tokio::sync::OnceCell::new(),
        })
    }

    /// Returns the migrated events database: on SQLite `events.db` beside the main file, on
    /// PostgreSQL a second pool in the test's schema, as `vitrina serve` opens them.
    pub async fn events(&self) -> Db {
        let opened = self
            .events
            .get_or_init(|| async {
                let location = match &self.schema {
                    Some((url, schema)) => Location::Postgres {
                        url: url.clone(),
                        schema: Some(schema.clone()),
                    },
                    None => Location::SqliteFile(self.dir.join("events.db")),
                };
                let options = OpenOptions {
                    max_connections: 2,
                    ..OpenOptions::default()
                };
                crate::migrate::open_and_migrate_events(&location, &options)
                    .await
                    .expect("open and migrate the events test database")
            })
            .await;
        opened.clone()
    }

    /// Closes the database and drops a PostgreSQL test schema.
    pub async fn finish(self) {
        if let Some(events) = self.events.get() {
            events.close().await;
        }
        self.db.close().await;
        if let Some((url, schema)) = &self.schema {
            let location = Location::Postgres {
                url: url.clone(),
                schema: None,
            };
            if let Ok(admin) = Db::open(&location, &OpenOptions::default()).await {
                let sql = crate::Sql::assembled(format!("DROP SCHEMA {schema} CASCADE"));
                let _ = admin.execute(sql, Vec::new()).await;
                admin.close().await;
            }
        }
    }
}

/// The PostgreSQL test URL; panics under `CI=true` when it is missing.
pub fn postgres_url() -> Option<String> {
    match std::env::var(POSTGRES_URL_VAR) {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!(
                "{POSTGRES_URL_VAR} must be set when CI=true: PostgreSQL tests may not be skipped"
            )
        }
        _ => None,
    }
}

/// Defines a storage test that runs twice: `NAME::sqlite` and `NAME::postgres`.
/// The body is an async closure taking the test's [`Db`].
#[macro_export]
macro_rules! storage_test {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let test_db = $crate::testing::TestDb::sqlite().await;
                ($body)(test_db.db.clone()).await;
                test_db.finish().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(test_db) = $crate::testing::TestDb::postgres().await else {
                    return;
                };
                ($body)(test_db.db.clone()).await;
                test_db.finish().await;
            }
        }
    };
}

/// Defines a storage test of analytics that runs twice, `NAME::sqlite` and `NAME::postgres`.
/// The body is an async closure taking the main [`Db`] and the events [`Db`].
#[macro_export]
macro_rules! analytics_test {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let test_db = $crate::testing::TestDb::sqlite().await;
                let events = test_db.events().await;
                ($body)(test_db.db.clone(), events).await;
                test_db.finish().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(test_db) = $crate::testing::TestDb::postgres().await else {
                    return;
                };
                let events = test_db.events().await;
                ($body)(test_db.db.clone(), events).await;
                test_db.finish().await;
            }
        }
    };
}

/// Stores and processes a Zabbix webhook delivery the way the endpoint does, and returns the
/// event's ticket. The body's hash is made from the event id and value.
pub async fn deliver_zabbix(
    db: &Db,
    delivery: &domain::servicedesk::zabbix::Delivery,
    now: chrono::DateTime<chrono::Utc>,
) -> crate::servicedesk::Ticket {
    use crate::servicedesk::zabbix::{self, Initial, Settings};

    let sha = format!("sha-{}-{}", delivery.event_id, delivery.event_value);
    let kind = Some(delivery.kind());
    let id = zabbix::store(
        db,
        "{}",
        &sha,
        Some(delivery.event_id),
        kind,
        Initial::Received,
        now,
    )
    .await
    .expect("store a Zabbix delivery");
    let outcome = zabbix::process(db, id, delivery, &sha, &Settings::default(), None, now)
        .await
        .expect("process a Zabbix delivery");
    crate::servicedesk::tickets::get(db, outcome.ticket_id)
        .await
        .expect("read the ticket")
        .expect("the delivery's ticket exists")
}

/// Moves an assigned ticket to `in_progress` and then `resolved` as `author`, and returns it.
pub async fn resolve_as(
    db: &Db,
    ticket: &crate::servicedesk::Ticket,
    author: &crate::identity::audit::Author,
) -> crate::servicedesk::Ticket {
    use crate::servicedesk::tickets;
    use domain::servicedesk::Status;

    let now = domain::time::now();
    let started = tickets::transition(
        db,
        ticket.id,
        ticket.version,
        Status::InProgress,
        None,
        author,
        now,
    )
    .await
    .expect("start the ticket");
    tickets::transition(
        db,
        ticket.id,
        started.version,
        Status::Resolved,
        None,
        author,
        now,
    )
    .await
    .expect("resolve the ticket")
}
