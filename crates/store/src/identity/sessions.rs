//! Server-side login sessions and failed-login counting.
//!
//! The cookie carries a random token; the table keeps only its SHA-256, so a copy of the
//! database does not let anyone sign in.

use chrono::{DateTime, Utc};

use super::users::User;
use crate::{Db, Engine, Result, Sql, args};

/// A stored session with its user.
#[derive(Debug, Clone)]
pub struct Session {
    pub token_hash: String,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub user: User,
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    token_hash: String,
    csrf_token: String,
    created_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
    user_id: i64,
}

/// Stores a new session for `user_id`.
pub async fn create(
    db: &Db,
    token_hash: &str,
    user_id: i64,
    csrf_token: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    db.execute(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at) \
         VALUES ($1, $2, $3, $4, $4)",
        args![token_hash, user_id, csrf_token, now],
    )
    .await?;
    Ok(())
}

/// Finds a session and its user by the token's hash.
pub async fn find(db: &Db, token_hash: &str) -> Result<Option<Session>> {
    let row: Option<SessionRow> = db
        .fetch_optional(
            "SELECT token_hash, csrf_token, created_at, last_seen_at, user_id FROM sessions \
             WHERE token_hash = $1",
            args![token_hash],
        )
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let Some(user) = super::users::get(db, row.user_id).await? else {
        return Ok(None);
    };
    Ok(Some(Session {
        token_hash: row.token_hash,
        csrf_token: row.csrf_token,
        created_at: row.created_at,
        last_seen_at: row.last_seen_at,
        user,
    }))
}

/// Records activity on a session, which extends its idle expiry.
pub async fn touch(db: &Db, token_hash: &str, now: DateTime<Utc>) -> Result<()> {
    db.execute(
        "UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2",
        args![now, token_hash],
    )
    .await?;
    Ok(())
}

/// Ends a session.
pub async fn delete(db: &Db, token_hash: &str) -> Result<()> {
    db.execute(
        "DELETE FROM sessions WHERE token_hash = $1",
        args![token_hash],
    )
    .await?;
    Ok(())
}

/// Deletes sessions created before `absolute_cutoff` or idle since before `idle_cutoff`, and
/// failed-login records older than `failures_cutoff`. Returns the sessions deleted.
pub async fn purge_expired(
    db: &Db,
    absolute_cutoff: DateTime<Utc>,
    idle_cutoff: DateTime<Utc>,
    failures_cutoff: DateTime<Utc>,
) -> Result<u64> {
    let deleted = db
        .execute(
            "DELETE FROM sessions WHERE created_at < $1 OR last_seen_at < $2",
            args![absolute_cutoff, idle_cutoff],
        )
        .await?;
    db.execute(
        "DELETE FROM login_failures WHERE failed_at < $1",
        args![failures_cutoff],
    )
    .await?;
    Ok(deleted)
}

/// Reserves one password check for `login` (which need not exist): unless `max` failures
/// already fall at or after `since`, stores a failure row and returns its id, so that
/// concurrent checks count against the limit before any of them finishes. The caller
/// deletes the row with [`release_attempt`] when the password was right; a crash during the
/// check leaves it counted as a failure. Returns `None` when the limit is reached.
pub async fn reserve_attempt(
    db: &Db,
    login: &str,
    now: DateTime<Utc>,
    since: DateTime<Utc>,
    max: i64,
) -> Result<Option<i64>> {
    let login = login.trim().to_lowercase();
    let mut tx = db.begin().await?;
    if tx.engine() == Engine::Postgres {
        // SQLite transactions here start with BEGIN IMMEDIATE and so run one at a time;
        // PostgreSQL needs a lock per login to make the count and the insert one step.
        tx.execute(
            "SELECT pg_advisory_xact_lock(hashtext('login_failures:' || $1))",
            args![login.clone()],
        )
        .await?;
    }
    let failures: i64 = tx
        .fetch_scalar(
            Sql::from("SELECT COUNT(*) FROM login_failures WHERE login = $1 AND failed_at >= $2"),
            args![login.clone(), since],
        )
        .await?;
    if failures >= max {
        return Ok(None);
    }
    let id: i64 = tx
        .fetch_scalar(
            Sql::from("INSERT INTO login_failures (login, failed_at) VALUES ($1, $2) RETURNING id"),
            args![login, now],
        )
        .await?;
    tx.commit().await?;
    Ok(Some(id))
}

/// Deletes the failure row of a password check that succeeded.
pub async fn release_attempt(db: &Db, attempt_id: i64) -> Result<()> {
    db.execute(
        "DELETE FROM login_failures WHERE id = $1",
        args![attempt_id],
    )
    .await?;
    Ok(())
}

/// Counts failed logins for `login` since `since`.
pub async fn failures_since(db: &Db, login: &str, since: DateTime<Utc>) -> Result<i64> {
    db.fetch_scalar(
        Sql::from("SELECT COUNT(*) FROM login_failures WHERE login = $1 AND failed_at >= $2"),
        args![login.trim().to_lowercase(), since],
    )
    .await
}
