//! A ticket's history: one line per changed field or system event.

use chrono::{DateTime, Utc};

use crate::identity::Author;
use crate::{Db, Result, Tx, args};

/// One history line.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Line {
    pub id: i64,
    pub ticket_id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub actor_label: String,
    /// The changed field (`status`, `priority`, …) or the event (`created`, `comment`, `zabbix`).
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    /// Fluent message id explaining a system line.
    pub note_key: Option<String>,
}

/// A history line to write.
#[derive(Debug, Clone, Default)]
pub struct NewLine<'a> {
    pub field: &'a str,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub note_key: Option<&'a str>,
}

/// Writes a history line inside the transaction that makes the change.
pub async fn write(
    tx: &mut Tx,
    ticket_id: i64,
    author: &Author,
    line: NewLine<'_>,
    at: DateTime<Utc>,
) -> Result<()> {
    tx.execute(
        "INSERT INTO ticket_history (ticket_id, at, actor_id, actor_label, field, old_value, \
         new_value, note_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        args![
            ticket_id,
            at,
            author.user_id,
            author.label.as_str(),
            line.field,
            line.old_value,
            line.new_value,
            line.note_key,
        ],
    )
    .await?;
    Ok(())
}

/// Lists a ticket's history, oldest first.
pub async fn list(db: &Db, ticket_id: i64) -> Result<Vec<Line>> {
    db.fetch_all(
        "SELECT id, ticket_id, at, actor_id, actor_label, field, old_value, new_value, note_key \
         FROM ticket_history WHERE ticket_id = $1 ORDER BY at, id",
        args![ticket_id],
    )
    .await
}
