//! In-app notifications for staff. Each row belongs to one user, and every read and change
//! here is limited to that user's rows.

use chrono::{DateTime, Utc};
use domain::notify::MailTemplate;
use serde_json::Value as Json;

use crate::{Db, Error, Result, Tx, args};

/// One notification.
#[derive(Debug, Clone)]
pub struct Notification {
    pub id: i64,
    pub user_id: i64,
    pub ticket_id: Option<i64>,
    /// `TicketAssigned` or `TicketEscalated`: the kinds share the mail templates' names.
    pub kind: MailTemplate,
    /// Message arguments as a JSON object.
    pub params: Json,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    user_id: i64,
    ticket_id: Option<i64>,
    kind: String,
    params: String,
    created_at: DateTime<Utc>,
    read_at: Option<DateTime<Utc>>,
}

impl TryFrom<Row> for Notification {
    type Error = Error;

    fn try_from(row: Row) -> Result<Notification> {
        let corrupt = |what: &str, value: &str| {
            Error::Corrupt(format!("notification {}: {what} {value:?}", row.id))
        };
        Ok(Notification {
            kind: MailTemplate::parse(&row.kind).ok_or_else(|| corrupt("kind", &row.kind))?,
            params: serde_json::from_str(&row.params)
                .map_err(|_| corrupt("params", &row.params))?,
            id: row.id,
            user_id: row.user_id,
            ticket_id: row.ticket_id,
            created_at: row.created_at,
            read_at: row.read_at,
        })
    }
}

/// Creates a notification of `kind` for `user_id` about `ticket_id`.
pub async fn create_in(
    tx: &mut Tx,
    user_id: i64,
    ticket_id: Option<i64>,
    kind: MailTemplate,
    params: &Json,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.execute(
        "INSERT INTO notifications (user_id, ticket_id, kind, params, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
        args![user_id, ticket_id, kind.as_str(), params.to_string(), now],
    )
    .await?;
    Ok(())
}

/// Lists the newest `limit` notifications of `user_id`, newest first.
pub async fn list(db: &Db, user_id: i64, limit: i64) -> Result<Vec<Notification>> {
    let rows: Vec<Row> = db
        .fetch_all(
            "SELECT id, user_id, ticket_id, kind, params, created_at, read_at \
             FROM notifications WHERE user_id = $1 ORDER BY id DESC LIMIT $2",
            args![user_id, limit],
        )
        .await?;
    rows.into_iter().map(Notification::try_from).collect()
}

/// Counts the unread notifications of `user_id`.
pub async fn unread_count(db: &Db, user_id: i64) -> Result<i64> {
    db.fetch_scalar(
        "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL",
        args![user_id],
    )
    .await
}

/// Marks notification `id` of `user_id` read. Returns whether such a notification exists;
/// another user's notification counts as missing.
pub async fn mark_read(db: &Db, user_id: i64, id: i64, now: DateTime<Utc>) -> Result<bool> {
    let found: i64 = db
        .fetch_scalar(
            "SELECT COUNT(*) FROM notifications WHERE id = $1 AND user_id = $2",
            args![id, user_id],
        )
        .await?;
    if found == 0 {
        return Ok(false);
    }
    db.execute(
        "UPDATE notifications SET read_at = $1 WHERE id = $2 AND user_id = $3 \
         AND read_at IS NULL",
        args![now, id, user_id],
    )
    .await?;
    Ok(true)
}

/// Marks every notification of `user_id` read and returns how many were unread.
pub async fn mark_all_read(db: &Db, user_id: i64, now: DateTime<Utc>) -> Result<u64> {
    db.execute(
        "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL",
        args![now, user_id],
    )
    .await
}
