//! API tokens: random secrets shown once; the table keeps their SHA-256 and a short prefix
//! to recognise them by.

use chrono::{DateTime, Utc};
use serde_json::json;

use super::audit::{self, Author};
use super::users::User;
use crate::{Db, Result, args};

/// A stored token, without its secret.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Token {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "id, user_id, name, prefix, created_at, last_used_at, revoked_at";

/// Stores a new token for `user_id` and returns it.
pub async fn create(
    db: &Db,
    user_id: i64,
    name: &str,
    token_hash: &str,
    prefix: &str,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<Token> {
    let name = name.trim();
    if name.is_empty() {
        return Err(domain::Invalid::missing("name").into());
    }
    let mut tx = db.begin().await?;
    let token: Token = tx
        .fetch_optional(
            crate::Sql::assembled(format!(
                "INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING {COLUMNS}"
            )),
            args![user_id, name, token_hash, prefix, now],
        )
        .await?
        .ok_or(domain::Error::NotFound)?;
    audit::record(
        &mut tx,
        author,
        "token.create",
        ("api_token", token.id),
        None,
        Some(json!({"user_id": user_id, "name": name, "prefix": prefix})),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// Finds the user of an active token (not revoked, user not disabled) and marks it used.
pub async fn authenticate(
    db: &Db,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<(Token, User)>> {
    let token: Option<Token> = db
        .fetch_optional(
            crate::Sql::assembled(format!(
                "SELECT {COLUMNS} FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL"
            )),
            args![token_hash],
        )
        .await?;
    let Some(token) = token else {
        return Ok(None);
    };
    let Some(user) = super::users::get(db, token.user_id)
        .await?
        .filter(|u| !u.disabled)
    else {
        return Ok(None);
    };
    // One write per minute at most, so a busy API client does not write on every request.
    let stale = token
        .last_used_at
        .is_none_or(|used| now - used > chrono::Duration::minutes(1));
    if stale {
        db.execute(
            "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2",
            args![now, token.id],
        )
        .await?;
    }
    Ok(Some((token, user)))
}

/// Lists tokens, of one user or of everyone, newest first.
pub async fn list(db: &Db, user_id: Option<i64>) -> Result<Vec<Token>> {
    db.fetch_all(
        crate::Sql::assembled(format!(
            "SELECT {COLUMNS} FROM api_tokens WHERE ($1 IS NULL OR user_id = $1) \
             ORDER BY created_at DESC, id DESC"
        )),
        args![user_id],
    )
    .await
}

/// Revokes a token. Revoking twice changes nothing.
pub async fn revoke(db: &Db, id: i64, author: &Author, now: DateTime<Utc>) -> Result<()> {
    let mut tx = db.begin().await?;
    let changed = tx
        .execute(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
            args![now, id],
        )
        .await?;
    if changed > 0 {
        audit::record(
            &mut tx,
            author,
            "token.revoke",
            ("api_token", id),
            None,
            None,
            now,
        )
        .await?;
    }
    tx.commit().await
}
