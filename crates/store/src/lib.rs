//! Vitrina's storage: the database handle for SQLite and PostgreSQL, migrations for both, and
//! one repository module per business area.

#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod analytics;
pub mod calendar;
pub mod crm;
pub mod db;
pub mod identity;
pub mod infra;
pub mod jobs;
pub mod metrics;
pub mod migrate;
pub mod notify;
pub mod servicedesk;
pub mod shops;
pub mod testing;

use std::path::PathBuf;

pub use db::{Args, Db, Engine, Location, OpenOptions, Record, Scalar, Sql, Tx, Value};

/// A storage failure: a broken business rule, or a database or file error.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Domain(#[from] domain::Error),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("cannot encode a query argument: {0}")]
    Encode(sqlx::error::BoxDynError),
    #[error("cannot create {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    #[error("storing events failed: {0}")]
    EventWriter(String),
}

impl Error {
    /// Whether the error is a unique-constraint violation.
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, Error::Database(sqlx::Error::Database(e)) if e.is_unique_violation())
    }
}

impl From<domain::Invalid> for Error {
    fn from(value: domain::Invalid) -> Self {
        Error::Domain(value.into())
    }
}

/// Result of a storage operation.
pub type Result<T, E = Error> = std::result::Result<T, E>;
