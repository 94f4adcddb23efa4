//! Opening the configured database, the first step of every subcommand that uses it.

use anyhow::Context as _;
use store::{Db, Engine, OpenOptions};

use crate::config::Config;

/// Opens the database, creating a SQLite file when missing, and applies pending migrations.
pub async fn open(config: &Config) -> anyhow::Result<Db> {
    let hint = match config.database_url {
        Some(_) => "check VITRINA_DATABASE_URL and that the server accepts connections",
        None => "check that the data directory is writable, or set --data-dir",
    };
    store::migrate::open_and_migrate(&config.location(), &OpenOptions::default())
        .await
        .with_context(|| {
            format!(
                "cannot open the database {} ({hint})",
                config.database_label()
            )
        })
}

/// Opens the storefront events database and applies its pending migrations.
pub async fn open_events(config: &Config) -> anyhow::Result<Db> {
    let options = OpenOptions {
        // Event batches arrive in bursts from many storefronts; reads run the summaries.
        max_connections: 16,
        ..OpenOptions::default()
    };
    store::migrate::open_and_migrate_events(&config.events_location(), &options)
        .await
        .context("cannot open the events database (check the data directory or the database URL)")
}

/// Returns the engine's name for logs and messages.
pub fn engine_name(db: &Db) -> &'static str {
    match db.engine() {
        Engine::Sqlite => "sqlite",
        Engine::Postgres => "postgres",
    }
}
