//! The mail outbox: e-mail queued in the transaction of the change that causes it and sent
//! later by `serve`.
//!
//! A row keeps the template, the recipient's language and the template arguments taken when
//! the event happened. The sender renders the subject and body into the row, then claims the
//! row with a lease (`claimed_by`, `claimed_until`), so of several instances only one sends
//! it, and a row whose sender crashed is claimed again once the lease expires.

use chrono::{DateTime, Duration, Utc};
use domain::notify::{MailTemplate, retry_delay};
use serde_json::Value as Json;

use crate::{Db, Error, Result, Tx, args};

/// The sending state of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Not tried yet.
    Pending,
    /// The last attempt failed; the next one is at `next_attempt_at`.
    Failed,
    /// The SMTP server accepted the message.
    Sent,
}

impl State {
    /// Returns the stored name, which the admin page also shows.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Pending => "pending",
            State::Failed => "failed",
            State::Sent => "sent",
        }
    }

    fn parse(name: &str) -> Option<State> {
        match name {
            "pending" => Some(State::Pending),
            "failed" => Some(State::Failed),
            "sent" => Some(State::Sent),
            _ => None,
        }
    }
}

/// A recipient with the language of their mail (`ru` or `en`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub email: String,
    pub language: String,
}

/// One queued message.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: i64,
    pub ticket_id: Option<i64>,
    pub recipient: String,
    /// `ru` or `en`.
    pub language: String,
    pub template: MailTemplate,
    /// Template arguments as a JSON object.
    pub params: Json,
    /// `None` until the sender renders the row.
    pub subject: Option<String>,
    pub body: Option<String>,
    pub state: State,
    /// Attempts made so far, successful or not.
    pub attempts: i64,
    pub created_at: DateTime<Utc>,
    pub next_attempt_at: DateTime<Utc>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    ticket_id: Option<i64>,
    recipient: String,
    language: String,
    template: String,
    params: String,
    subject: Option<String>,
    body: Option<String>,
    state: String,
    attempts: i64,
    created_at: DateTime<Utc>,
    next_attempt_at: DateTime<Utc>,
    last_attempt_at: Option<DateTime<Utc>>,
    last_error: Option<String>,
    sent_at: Option<DateTime<Utc>>,
}

impl TryFrom<Row> for Entry {
    type Error = Error;

    fn try_from(row: Row) -> Result<Entry> {
        let corrupt = |what: &str, value: &str| {
            Error::Corrupt(format!("mail_outbox {}: {what} {value:?}", row.id))
        };
        Ok(Entry {
            template: MailTemplate::parse(&row.template)
                .ok_or_else(|| corrupt("template", &row.template))?,
            state: State::parse(&row.state).ok_or_else(|| corrupt("state", &row.state))?,
            params: serde_json::from_str(&row.params)
                .map_err(|_| corrupt("params", &row.params))?,
            id: row.id,
            ticket_id: row.ticket_id,
            recipient: row.recipient,
            language: row.language,
            subject: row.subject,
            body: row.body,
            attempts: row.attempts,
            created_at: row.created_at,
            next_attempt_at: row.next_attempt_at,
            last_attempt_at: row.last_attempt_at,
            last_error: row.last_error,
            sent_at: row.sent_at,
        })
    }
}

const COLUMNS: &str = "id, ticket_id, recipient, language, template, params, subject, body, \
    state, attempts, created_at, next_attempt_at, last_attempt_at, last_error, sent_at";

/// Candidates [`claim`] tries before it gives up until the next run.
const CLAIM_TRIES: usize = 3;

/// Queues `template` with `params` to each of `recipients`, about `ticket_id`.
pub async fn queue_in(
    tx: &mut Tx,
    ticket_id: Option<i64>,
    recipients: &[Recipient],
    template: MailTemplate,
    params: &Json,
    now: DateTime<Utc>,
) -> Result<()> {
    let params = params.to_string();
    for recipient in recipients {
        tx.execute(
            "INSERT INTO mail_outbox (ticket_id, recipient, language, template, params, state, \
             attempts, created_at, next_attempt_at) \
             VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, $6)",
            args![
                ticket_id,
                recipient.email.as_str(),
                recipient.language.as_str(),
                template.as_str(),
                params.as_str(),
                now
            ],
        )
        .await?;
    }
    if !recipients.is_empty() {
        tracing::info!(
            ticket_id,
            template = template.as_str(),
            recipients = recipients.len(),
            "mail queued"
        );
    }
    Ok(())
}

/// Lists up to `limit` unsent rows without a rendered subject, oldest first.
pub async fn unrendered(db: &Db, limit: i64) -> Result<Vec<Entry>> {
    let rows: Vec<Row> = db
        .fetch_all(
            crate::Sql::assembled(format!(
                "SELECT {COLUMNS} FROM mail_outbox WHERE subject IS NULL AND state <> 'sent' \
                 ORDER BY id LIMIT $1"
            )),
            args![limit],
        )
        .await?;
    rows.into_iter().map(Entry::try_from).collect()
}

/// Stores the rendered subject and body of row `id`.
pub async fn set_rendered(db: &Db, id: i64, subject: &str, body: &str) -> Result<()> {
    db.execute(
        "UPDATE mail_outbox SET subject = $1, body = $2 WHERE id = $3",
        args![subject, body, id],
    )
    .await?;
    Ok(())
}

/// Claims the oldest due, rendered row for `holder` until `now + lease`. Returns `None` when
/// nothing is due.
pub async fn claim(
    db: &Db,
    holder: &str,
    now: DateTime<Utc>,
    lease: Duration,
) -> Result<Option<Entry>> {
    let mut tx = db.begin().await?;
    // Another instance may claim the row between the two statements. Then the next candidate
    // is tried, a few times at most.
    for _ in 0..CLAIM_TRIES {
        let candidate: Option<(i64,)> = tx
            .fetch_optional(
                "SELECT id FROM mail_outbox \
                 WHERE state IN ('pending', 'failed') AND next_attempt_at <= $1 \
                 AND subject IS NOT NULL \
                 AND (claimed_until IS NULL OR claimed_until < $1) \
                 ORDER BY id LIMIT 1",
                args![now],
            )
            .await?;
        let Some((id,)) = candidate else {
            break;
        };
        let claimed = tx
            .execute(
                "UPDATE mail_outbox SET claimed_by = $1, claimed_until = $2 \
                 WHERE id = $3 AND state <> 'sent' \
                 AND (claimed_until IS NULL OR claimed_until < $4)",
                args![holder, now + lease, id, now],
            )
            .await?;
        if claimed == 1 {
            let row: Option<Row> = tx
                .fetch_optional(
                    crate::Sql::assembled(format!(
                        "SELECT {COLUMNS} FROM mail_outbox WHERE id = $1"
                    )),
                    args![id],
                )
                .await?;
            tx.commit().await?;
            return row.map(Entry::try_from).transpose();
        }
    }
    tx.commit().await?;
    Ok(None)
}

/// Records that the SMTP server accepted row `id`, if the claim of `holder` is still current.
/// Returns whether it did.
pub async fn mark_sent(db: &Db, id: i64, holder: &str, now: DateTime<Utc>) -> Result<bool> {
    let changed = db
        .execute(
            "UPDATE mail_outbox SET state = 'sent', sent_at = $1, last_attempt_at = $1, \
             attempts = attempts + 1, last_error = NULL, claimed_by = NULL, \
             claimed_until = NULL WHERE id = $2 AND claimed_by = $3",
            args![now, id, holder],
        )
        .await?;
    Ok(changed == 1)
}

/// Records a failed attempt of row `id`, if the claim of `holder` is still current, and
/// schedules the next one after [`retry_delay`]. Returns the time of the next attempt.
pub async fn mark_failed(
    db: &Db,
    id: i64,
    holder: &str,
    error: &str,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>> {
    let mut tx = db.begin().await?;
    let attempts: Option<(i64,)> = tx
        .fetch_optional(
            "SELECT attempts FROM mail_outbox WHERE id = $1 AND claimed_by = $2",
            args![id, holder],
        )
        .await?;
    let Some((attempts,)) = attempts else {
        return Ok(None);
    };
    let attempts = attempts + 1;
    let next = now + retry_delay(attempts);
    tx.execute(
        "UPDATE mail_outbox SET state = 'failed', attempts = $1, last_attempt_at = $2, \
         last_error = $3, next_attempt_at = $4, claimed_by = NULL, claimed_until = NULL \
         WHERE id = $5",
        args![attempts, now, error, next, id],
    )
    .await?;
    tx.commit().await?;
    Ok(Some(next))
}

/// Lists the newest `limit` rows, newest first, for the admin page.
pub async fn recent(db: &Db, limit: i64) -> Result<Vec<Entry>> {
    let rows: Vec<Row> = db
        .fetch_all(
            crate::Sql::assembled(format!(
                "SELECT {COLUMNS} FROM mail_outbox ORDER BY id DESC LIMIT $1"
            )),
            args![limit],
        )
        .await?;
    rows.into_iter().map(Entry::try_from).collect()
}

/// Lists a ticket's rows, oldest first.
pub async fn for_ticket(db: &Db, ticket_id: i64) -> Result<Vec<Entry>> {
    let rows: Vec<Row> = db
        .fetch_all(
            crate::Sql::assembled(format!(
                "SELECT {COLUMNS} FROM mail_outbox WHERE ticket_id = $1 ORDER BY id"
            )),
            args![ticket_id],
        )
        .await?;
    rows.into_iter().map(Entry::try_from).collect()
}

/// Counts rows by state.
pub async fn count_by_state(db: &Db) -> Result<Vec<(String, i64)>> {
    db.fetch_all(
        "SELECT state, COUNT(*) FROM mail_outbox GROUP BY state ORDER BY state",
        Vec::new(),
    )
    .await
}
