//! Schema migrations: `migrations/sqlite` and `migrations/postgres` hold the same versions.

use sqlx::migrate::Migrator;

use crate::{Db, Error};

/// SQLite migrations, embedded at build time.
pub static SQLITE: Migrator = sqlx::migrate!("../../migrations/sqlite");
/// PostgreSQL migrations, embedded at build time.
pub static POSTGRES: Migrator = sqlx::migrate!("../../migrations/postgres");
/// SQLite migrations of the events database, embedded at build time.
pub static EVENTS_SQLITE: Migrator = sqlx::migrate!("../../migrations/events/sqlite");
/// PostgreSQL migrations of the events database, embedded at build time.
pub static EVENTS_POSTGRES: Migrator = sqlx::migrate!("../../migrations/events/postgres");

/// Bookkeeping table of the events migrations. It differs from the main one because on
/// PostgreSQL both sets may share a schema, and each set must see only its own versions.
pub const EVENTS_MIGRATIONS_TABLE: &str = "_sqlx_event_migrations";

/// Applies every pending migration and returns how many were applied.
pub async fn run(db: &Db) -> Result<usize, Error> {
    let before = applied_count(db).await;
    if let Some(pool) = db.sqlite_write_pool() {
        SQLITE.run(pool).await?;
    } else if let Some(pool) = db.postgres_pool() {
        POSTGRES.run(pool).await?;
    }
    let after = applied_count(db).await;
    Ok(after.saturating_sub(before))
}

async fn applied_count(db: &Db) -> usize {
    // The bookkeeping table does not exist before the first migration.
    db.fetch_scalar::<i64>(
        "SELECT COUNT(*) FROM _sqlx_migrations WHERE success",
        Vec::new(),
    )
    .await
    .map(|n| usize::try_from(n).unwrap_or(0))
    .unwrap_or(0)
}

/// Applies every pending migration of the events database.
pub async fn run_events(events: &Db) -> Result<(), Error> {
    let source = match events.engine() {
        crate::Engine::Sqlite => &EVENTS_SQLITE,
        crate::Engine::Postgres => &EVENTS_POSTGRES,
    };
    let mut migrator = Migrator::with_migrations(source.iter().cloned().collect());
    migrator.dangerous_set_table_name(EVENTS_MIGRATIONS_TABLE);
    if let Some(pool) = events.sqlite_write_pool() {
        migrator.run(pool).await?;
    } else if let Some(pool) = events.postgres_pool() {
        migrator.run(pool).await?;
    }
    Ok(())
}

/// Opens the events database at `location` and applies its pending migrations.
pub async fn open_and_migrate_events(
    location: &crate::Location,
    options: &crate::OpenOptions,
) -> Result<Db, Error> {
    let events = Db::open(location, options).await?;
    run_events(&events).await?;
    Ok(events)
}

/// Opens the database at `location` and applies pending migrations: what every command that
/// touches the database does first.
pub async fn open_and_migrate(
    location: &crate::Location,
    options: &crate::OpenOptions,
) -> Result<Db, Error> {
    let db = Db::open(location, options).await?;
    let applied = run(&db).await?;
    if applied > 0 {
        tracing::info!(applied, engine = ?db.engine(), "database migrations applied");
    }
    Ok(db)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_engines_have_the_same_versions() {
        let sqlite: Vec<_> = SQLITE
            .iter()
            .map(|m| (m.version, m.description.clone()))
            .collect();
        let postgres: Vec<_> = POSTGRES
            .iter()
            .map(|m| (m.version, m.description.clone()))
            .collect();
        assert_eq!(sqlite, postgres);
    }

    #[test]
    fn events_engines_have_the_same_versions() {
        let sqlite: Vec<_> = EVENTS_SQLITE
            .iter()
            .map(|m| (m.version, m.description.clone()))
            .collect();
        let postgres: Vec<_> = EVENTS_POSTGRES
            .iter()
            .map(|m| (m.version, m.description.clone()))
            .collect();
        assert_eq!(sqlite, postgres);
    }

    #[test]
    fn versions_increase() {
        let versions: Vec<i64> = SQLITE.iter().map(|m| m.version).collect();
        assert!(
            versions.windows(2).all(|pair| pair[0] < pair[1]),
            "{versions:?}"
        );
    }
}
