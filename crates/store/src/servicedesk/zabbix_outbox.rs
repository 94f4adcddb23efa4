//! The Zabbix outbox: calls back to the Zabbix API, queued in the transaction of the ticket
//! change that causes them and sent later by `serve`.
//!
//! A sender claims one row at a time with a lease (`claimed_by`, `claimed_until`), so of
//! several instances only one sends a row, and a row whose sender crashed is claimed again
//! once the lease expires. Rows of one ticket are sent in the order they were queued: a row
//! waits while an earlier row of its ticket is unsent.

use chrono::{DateTime, Duration, Utc};
use domain::servicedesk::zabbix_outbox::{Action, retry_delay};

use super::tickets::Ticket;
use crate::identity::audit::Author;
use crate::{Db, Error, Result, Tx, args};

/// The sending state of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Not tried yet.
    Pending,
    /// The last attempt failed; the next one is at `next_attempt_at`.
    Failed,
    /// Zabbix accepted the call.
    Sent,
}

impl State {
    /// Returns the stored name, which the API also shows.
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

/// The effect of a sent call in Zabbix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The event was acknowledged with a message.
    Acknowledged,
    /// The problem was closed with a message.
    Closed,
    /// Only a message was added, because the trigger does not allow manual close.
    Message,
}

impl Outcome {
    /// Returns the stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Acknowledged => "acknowledged",
            Outcome::Closed => "closed",
            Outcome::Message => "message",
        }
    }
}

/// One queued call.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: i64,
    pub ticket_id: i64,
    pub event_id: i64,
    /// The event's trigger, when the webhook delivered it.
    pub trigger_id: Option<i64>,
    pub action: Action,
    /// The engineer the message names.
    pub actor_login: String,
    pub actor_name: String,
    pub state: State,
    /// Attempts made so far, successful or not.
    pub attempts: i64,
    pub created_at: DateTime<Utc>,
    pub next_attempt_at: DateTime<Utc>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    /// `acknowledged`, `closed` or `message` once sent.
    pub outcome: Option<String>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    ticket_id: i64,
    event_id: i64,
    trigger_id: Option<i64>,
    action: String,
    actor_login: String,
    actor_name: String,
    state: String,
    attempts: i64,
    created_at: DateTime<Utc>,
    next_attempt_at: DateTime<Utc>,
    last_attempt_at: Option<DateTime<Utc>>,
    last_error: Option<String>,
    sent_at: Option<DateTime<Utc>>,
    outcome: Option<String>,
}

impl TryFrom<Row> for Entry {
    type Error = Error;

    fn try_from(row: Row) -> Result<Entry> {
        let corrupt = |what: &str, value: &str| {
            Error::Corrupt(format!("zabbix_outbox {}: {what} {value:?}", row.id))
        };
        Ok(Entry {
            action: Action::parse(&row.action).ok_or_else(|| corrupt("action", &row.action))?,
            state: State::parse(&row.state).ok_or_else(|| corrupt("state", &row.state))?,
            id: row.id,
            ticket_id: row.ticket_id,
            event_id: row.event_id,
            trigger_id: row.trigger_id,
            actor_login: row.actor_login,
            actor_name: row.actor_name,
            attempts: row.attempts,
            created_at: row.created_at,
            next_attempt_at: row.next_attempt_at,
            last_attempt_at: row.last_attempt_at,
            last_error: row.last_error,
            sent_at: row.sent_at,
            outcome: row.outcome,
        })
    }
}

/// Candidates [`claim`] tries before it gives up until the next poll.
const CLAIM_TRIES: usize = 3;

const COLUMNS: &str = "id, ticket_id, event_id, trigger_id, action, actor_login, actor_name, \
    state, attempts, created_at, next_attempt_at, last_attempt_at, last_error, sent_at, outcome";

/// Queues acknowledgement of the ticket's Zabbix events, naming the assignee `user_id`,
/// unless an acknowledgement was queued for the ticket before. Returns whether it queued any.
pub async fn queue_acknowledge_in(
    tx: &mut Tx,
    ticket: &Ticket,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<bool> {
    let queued_before: i64 = tx
        .fetch_scalar(
            "SELECT COUNT(*) FROM zabbix_outbox WHERE ticket_id = $1 AND action = 'acknowledge'",
            args![ticket.id],
        )
        .await?;
    if queued_before > 0 {
        return Ok(false);
    }
    let events = events_in(tx, ticket, false).await?;
    queue_in(tx, ticket.id, &events, Action::Acknowledge, user_id, now).await
}

/// Queues the resolution of the ticket's Zabbix events that have not recovered, naming
/// `author`. Changes by integrations, such as a Zabbix recovery, queue nothing. Returns
/// whether it queued any.
pub async fn queue_resolve_in(
    tx: &mut Tx,
    ticket: &Ticket,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<bool> {
    let Some(user_id) = author.user_id.filter(|_| author.person) else {
        return Ok(false);
    };
    let events = events_in(tx, ticket, true).await?;
    queue_in(tx, ticket.id, &events, Action::Resolve, user_id, now).await
}

/// Lists the ticket's Zabbix events with their triggers, the ticket's own event first.
async fn events_in(
    tx: &mut Tx,
    ticket: &Ticket,
    open_only: bool,
) -> Result<Vec<(i64, Option<i64>)>> {
    let Some(own_event) = ticket.zabbix_event_id else {
        return Ok(Vec::new());
    };
    let rows: Vec<(i64, Option<i64>, Option<DateTime<Utc>>)> = tx
        .fetch_all(
            "SELECT event_id, trigger_id, recovered_at FROM zabbix_events \
             WHERE ticket_id = $1 ORDER BY event_id",
            args![ticket.id],
        )
        .await?;
    let own_recovered = rows
        .iter()
        .any(|(event, _, recovered)| *event == own_event && recovered.is_some());
    let mut events = Vec::new();
    if !(open_only && own_recovered) {
        events.push((own_event, ticket.zabbix_trigger_id));
    }
    for (event, trigger, recovered) in rows {
        if event != own_event && !(open_only && recovered.is_some()) {
            events.push((event, trigger.or(ticket.zabbix_trigger_id)));
        }
    }
    Ok(events)
}

async fn queue_in(
    tx: &mut Tx,
    ticket_id: i64,
    events: &[(i64, Option<i64>)],
    action: Action,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<bool> {
    if events.is_empty() {
        return Ok(false);
    }
    let actor: Option<(String, String)> = tx
        .fetch_optional(
            "SELECT login, display_name FROM users WHERE id = $1",
            args![user_id],
        )
        .await?;
    let (login, name) =
        actor.ok_or_else(|| Error::Corrupt(format!("user {user_id} is missing")))?;
    for (event_id, trigger_id) in events {
        tx.execute(
            "INSERT INTO zabbix_outbox (ticket_id, event_id, trigger_id, action, actor_login, \
             actor_name, state, attempts, created_at, next_attempt_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, $7)",
            args![
                ticket_id,
                *event_id,
                *trigger_id,
                action.as_str(),
                login.as_str(),
                name.as_str(),
                now
            ],
        )
        .await?;
    }
    tracing::info!(
        ticket_id,
        action = action.as_str(),
        events = events.len(),
        "zabbix call queued"
    );
    Ok(true)
}

/// Claims the oldest due row for `holder` until `now + lease`, skipping rows that wait for
/// an earlier unsent row of their ticket. Returns `None` when nothing is due.
pub async fn claim(
    db: &Db,
    holder: &str,
    now: DateTime<Utc>,
    lease: Duration,
) -> Result<Option<Entry>> {
    let mut tx = db.begin().await?;
    // Another instance may claim the row between the two statements. Then the next candidate
    // is tried, a few times at most, so that instance's claims cannot keep this loop busy.
    for _ in 0..CLAIM_TRIES {
        let candidate: Option<(i64,)> = tx
            .fetch_optional(
                "SELECT o.id FROM zabbix_outbox o \
                 WHERE o.state IN ('pending', 'failed') AND o.next_attempt_at <= $1 \
                 AND (o.claimed_until IS NULL OR o.claimed_until < $1) \
                 AND NOT EXISTS (SELECT 1 FROM zabbix_outbox p WHERE p.ticket_id = o.ticket_id \
                     AND p.id < o.id AND p.state <> 'sent') \
                 ORDER BY o.id LIMIT 1",
                args![now],
            )
            .await?;
        let Some((id,)) = candidate else {
            break;
        };
        // The condition is checked again, so of two instances that saw the same row only
        // one claims it.
        let claimed = tx
            .execute(
                "UPDATE zabbix_outbox SET claimed_by = $1, claimed_until = $2 \
                 WHERE id = $3 AND state <> 'sent' \
                 AND (claimed_until IS NULL OR claimed_until < $4)",
                args![holder, now + lease, id, now],
            )
            .await?;
        if claimed == 1 {
            let entry = get_in(&mut tx, id).await?;
            tx.commit().await?;
            return Ok(entry);
        }
    }
    tx.commit().await?;
    Ok(None)
}

async fn get_in(tx: &mut Tx, id: i64) -> Result<Option<Entry>> {
    let row: Option<Row> = tx
        .fetch_optional(
            crate::Sql::assembled(format!("SELECT {COLUMNS} FROM zabbix_outbox WHERE id = $1")),
            args![id],
        )
        .await?;
    row.map(Entry::try_from).transpose()
}

/// Records that Zabbix accepted row `id`, if the claim of `holder` is still current. Returns whether
/// it did.
pub async fn mark_sent(
    db: &Db,
    id: i64,
    holder: &str,
    outcome: Outcome,
    now: DateTime<Utc>,
) -> Result<bool> {
    let changed = db
        .execute(
            "UPDATE zabbix_outbox SET state = 'sent', outcome = $1, sent_at = $2, \
             last_attempt_at = $2, attempts = attempts + 1, last_error = NULL, \
             claimed_by = NULL, claimed_until = NULL WHERE id = $3 AND claimed_by = $4",
            args![outcome.as_str(), now, id, holder],
        )
        .await?;
    Ok(changed == 1)
}

/// Records a failed attempt of row `id`, if the claim of `holder` is still current, and schedules
/// the next one after [`retry_delay`]. Returns the time of the next attempt.
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
            "SELECT attempts FROM zabbix_outbox WHERE id = $1 AND claimed_by = $2",
            args![id, holder],
        )
        .await?;
    let Some((attempts,)) = attempts else {
        return Ok(None);
    };
    let attempts = attempts + 1;
    let next = now + retry_delay(attempts);
    tx.execute(
        "UPDATE zabbix_outbox SET state = 'failed', attempts = $1, last_attempt_at = $2, \
         last_error = $3, next_attempt_at = $4, claimed_by = NULL, claimed_until = NULL \
         WHERE id = $5",
        args![attempts, now, error, next, id],
    )
    .await?;
    tx.commit().await?;
    Ok(Some(next))
}

/// Counts rows by state, for the metrics endpoint.
pub async fn count_by_state(db: &Db) -> Result<Vec<(String, i64)>> {
    db.fetch_all(
        "SELECT state, COUNT(*) FROM zabbix_outbox GROUP BY state ORDER BY state",
        Vec::new(),
    )
    .await
}

/// Lists a ticket's rows, oldest first.
pub async fn for_ticket(db: &Db, ticket_id: i64) -> Result<Vec<Entry>> {
    let rows: Vec<Row> = db
        .fetch_all(
            crate::Sql::assembled(format!(
                "SELECT {COLUMNS} FROM zabbix_outbox WHERE ticket_id = $1 ORDER BY id"
            )),
            args![ticket_id],
        )
        .await?;
    rows.into_iter().map(Entry::try_from).collect()
}
