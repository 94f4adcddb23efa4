//! Zabbix webhook deliveries: stored raw first, then processed idempotently per event id.

use chrono::{DateTime, Duration, Utc};
use domain::servicedesk::zabbix::{self as rules, Delivery, DeliveryKind, Step, TicketState};
use domain::servicedesk::{Kind, Source, Status};
use serde_json::json;

use super::history::{self, NewLine};
use super::tickets::{self, NewTicket, Ticket, ZabbixOrigin};
use crate::identity::audit::Author;
use crate::{Db, Result, Tx, args};

/// The name Zabbix's changes carry in history and the audit log.
pub const AUTHOR: &str = "zabbix";

/// What processing settings come from configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The queue new Zabbix tickets go to.
    pub queue: String,
    /// Flapping correlation: a new problem of the same trigger and host within this time after
    /// the previous one recovered reopens that ticket. Zero turns it off.
    pub flap_window: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            queue: "infrastructure".into(),
            flap_window: Duration::zero(),
        }
    }
}

/// A stored delivery.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredDelivery {
    pub id: i64,
    pub received_at: DateTime<Utc>,
    pub body: String,
    pub body_sha256: String,
    pub event_id: Option<i64>,
    pub kind: Option<String>,
    pub status: String,
    pub error: Option<String>,
    pub ticket_id: Option<i64>,
    pub processed_at: Option<DateTime<Utc>>,
}

/// How a delivery is filed when it is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Initial {
    /// To be processed.
    Received,
    /// Not a trigger event: kept, creates nothing.
    Ignored,
    /// Zabbix's media type test form.
    Test,
}

/// Stores a delivery's raw body before anything else happens, and returns its id.
pub async fn store(
    db: &Db,
    body: &str,
    body_sha256: &str,
    event_id: Option<i64>,
    kind: Option<DeliveryKind>,
    initial: Initial,
    now: DateTime<Utc>,
) -> Result<i64> {
    let status = match initial {
        Initial::Received => "received",
        Initial::Ignored => "ignored",
        Initial::Test => "test",
    };
    let mut tx = db.begin().await?;
    let id = tx
        .fetch_scalar(
            "INSERT INTO zabbix_deliveries (received_at, body, body_sha256, event_id, kind, status) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            args![now, body, body_sha256, event_id, kind.map(|k| k.as_str()), status],
        )
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// The result of processing one delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub ticket_id: i64,
    pub number: String,
    /// Whether this delivery created the ticket.
    pub created: bool,
    /// Whether an identical delivery had been processed before (a Zabbix retry).
    pub repeat: bool,
}

/// Processes stored delivery `delivery_id`: creates or changes the event's ticket as the
/// rules decide, in one transaction. Two identical deliveries processed at once produce one
/// ticket, because the `zabbix_events` primary key decides which one creates it.
pub async fn process(
    db: &Db,
    delivery_id: i64,
    delivery: &Delivery,
    body_sha256: &str,
    settings: &Settings,
    event_time: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<Outcome> {
    let result = process_in_transaction(
        db,
        delivery_id,
        delivery,
        body_sha256,
        settings,
        event_time,
        now,
    )
    .await;
    if let Err(error) = &result {
        tracing::error!(delivery_id, zabbix_event_id = delivery.event_id, %error, "zabbix delivery failed");
        let _ = db
            .execute(
                "UPDATE zabbix_deliveries SET status = 'failed', error = $1, processed_at = $2 \
                 WHERE id = $3",
                args![error.to_string(), now, delivery_id],
            )
            .await;
    }
    result
}

async fn process_in_transaction(
    db: &Db,
    delivery_id: i64,
    delivery: &Delivery,
    body_sha256: &str,
    settings: &Settings,
    event_time: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<Outcome> {
    let author = Author::integration(AUTHOR);
    let mut tx = db.begin().await?;

    let previous: i64 = tx
        .fetch_scalar(
            "SELECT COUNT(*) FROM zabbix_deliveries WHERE body_sha256 = $1 AND id <> $2 \
             AND status IN ('processed', 'repeat')",
            args![body_sha256, delivery_id],
        )
        .await?;
    tx.execute(
        "INSERT INTO zabbix_events (event_id, trigger_id, host, first_seen_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (event_id) DO NOTHING",
        args![
            delivery.event_id,
            delivery.trigger_id,
            delivery.host_host.as_deref(),
            now
        ],
    )
    .await?;
    let existing: Option<i64> = tx
        .fetch_scalar(
            "SELECT ticket_id FROM zabbix_events WHERE event_id = $1",
            args![delivery.event_id],
        )
        .await?;

    let mut ticket = match existing {
        Some(id) => tickets::get_in(&mut tx, id).await?,
        None if delivery.kind() == DeliveryKind::Problem => {
            flapping_ticket(&mut tx, delivery, settings, event_time.unwrap_or(now)).await?
        }
        None => None,
    };
    let reopened = existing.is_none() && ticket.is_some();
    if reopened && let Some(current) = &ticket {
        reopen(&mut tx, current, delivery.event_id, &author, now).await?;
        ticket = tickets::get_in(&mut tx, current.id).await?;
    }

    let state = ticket.as_ref().map(|t| TicketState {
        status: t.status,
        priority: t.priority,
        touched_by_person: t.touched_by_person,
    });
    let steps = if reopened {
        Vec::new()
    } else {
        rules::plan(delivery, state, previous > 0)
    };

    let mut created = false;
    for step in steps {
        if matches!(step, Step::Create | Step::CreateResolved) {
            let id = create_ticket(&mut tx, delivery, settings, event_time, &author, now).await?;
            ticket = tickets::get_in(&mut tx, id).await?;
            created = true;
        }
        let Some(current) = ticket.clone() else {
            continue;
        };
        apply(&mut tx, &current, &step, delivery, &author, now).await?;
        ticket = tickets::get_in(&mut tx, current.id).await?;
    }
    let ticket = ticket.ok_or_else(|| {
        crate::Error::Corrupt(format!("zabbix event {} has no ticket", delivery.event_id))
    })?;

    let recovered_at =
        (delivery.kind() == DeliveryKind::Recovery).then_some(event_time.unwrap_or(now));
    tx.execute(
        "UPDATE zabbix_events SET ticket_id = $1, recovered_at = COALESCE($2, recovered_at) \
         WHERE event_id = $3",
        args![ticket.id, recovered_at, delivery.event_id],
    )
    .await?;
    let status = if previous > 0 { "repeat" } else { "processed" };
    tx.execute(
        "UPDATE zabbix_deliveries SET status = $1, ticket_id = $2, processed_at = $3, error = NULL \
         WHERE id = $4",
        args![status, ticket.id, now, delivery_id],
    )
    .await?;
    tx.commit().await?;

    Ok(Outcome {
        ticket_id: ticket.id,
        number: ticket.number,
        created,
        repeat: previous > 0,
    })
}

async fn create_ticket(
    tx: &mut Tx,
    delivery: &Delivery,
    settings: &Settings,
    event_time: Option<DateTime<Utc>>,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<i64> {
    let new = NewTicket {
        kind: Kind::Incident,
        source: Source::Zabbix,
        priority: delivery.priority(),
        queue: settings.queue.clone(),
        title: delivery.title(),
        description: delivery.description(),
        client_id: None,
        zabbix: Some(ZabbixOrigin {
            event_id: delivery.event_id,
            trigger_id: delivery.trigger_id,
            host: delivery.host_host.clone(),
            host_name: delivery.host_name.clone(),
            started_at: event_time,
        }),
    };
    tickets::create_in(tx, &new, author, now).await
}

async fn apply(
    tx: &mut Tx,
    ticket: &Ticket,
    step: &Step,
    delivery: &Delivery,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<()> {
    match step {
        Step::Create => Ok(()),
        Step::CreateResolved | Step::Resolve => {
            let note = if matches!(step, Step::Resolve) {
                "history-zabbix-recovered"
            } else {
                "history-zabbix-created-from-recovery"
            };
            tickets::set_status_in(tx, ticket, Status::Resolved, None, author, now, Some(note))
                .await
        }
        Step::Note(key) => {
            let line = NewLine {
                field: "zabbix",
                new_value: Some(format!(
                    "{} {}",
                    delivery.kind().as_str(),
                    delivery.event_id
                )),
                note_key: Some(key),
                ..NewLine::default()
            };
            history::write(tx, ticket.id, author, line, now).await
        }
        Step::Comment(body) => tickets::add_comment_in(tx, ticket.id, body, false, author, now)
            .await
            .map(|_| ()),
        Step::SetPriority(priority) => {
            tickets::set_priority_in(
                tx,
                ticket,
                *priority,
                author,
                now,
                Some("history-zabbix-severity"),
            )
            .await
        }
    }
}

/// With flapping correlation on, finds the resolved ticket of the same trigger and host whose
/// problem recovered within the window before `started`.
async fn flapping_ticket(
    tx: &mut Tx,
    delivery: &Delivery,
    settings: &Settings,
    started: DateTime<Utc>,
) -> Result<Option<Ticket>> {
    if settings.flap_window <= Duration::zero() {
        return Ok(None);
    }
    let (Some(trigger_id), Some(host)) = (delivery.trigger_id, delivery.host_host.as_deref())
    else {
        return Ok(None);
    };
    let candidate: Option<(i64,)> = tx
        .fetch_optional(
            "SELECT e.ticket_id FROM zabbix_events e JOIN tickets t ON t.id = e.ticket_id \
             WHERE e.trigger_id = $1 AND e.host = $2 AND e.recovered_at >= $3 \
             AND e.event_id <> $4 AND t.status = 'resolved' \
             ORDER BY e.recovered_at DESC LIMIT 1",
            args![
                trigger_id,
                host,
                started - settings.flap_window,
                delivery.event_id
            ],
        )
        .await?;
    match candidate {
        Some((id,)) => tickets::get_in(tx, id).await,
        None => Ok(None),
    }
}

/// Reopens a flapping ticket: back to `assigned` when it has an assignee, else `new`.
async fn reopen(
    tx: &mut Tx,
    ticket: &Ticket,
    event_id: i64,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<()> {
    let to = if ticket.assignee_id.is_some() {
        Status::Assigned
    } else {
        Status::New
    };
    tickets::set_status_in(
        tx,
        ticket,
        to,
        None,
        author,
        now,
        Some("history-zabbix-flapping"),
    )
    .await?;
    let line = NewLine {
        field: "zabbix_event",
        new_value: Some(event_id.to_string()),
        note_key: Some("history-zabbix-flapping"),
        ..NewLine::default()
    };
    history::write(tx, ticket.id, author, line, now).await?;
    crate::identity::audit::record(
        tx,
        author,
        "ticket.zabbix_event",
        ("ticket", ticket.id),
        None,
        Some(json!({"event_id": event_id})),
        now,
    )
    .await
}

/// Lists deliveries, newest first, optionally only those with `status`.
pub async fn list(
    db: &Db,
    status: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<Vec<StoredDelivery>> {
    db.fetch_all(
        "SELECT id, received_at, body, body_sha256, event_id, kind, status, error, ticket_id, \
         processed_at FROM zabbix_deliveries WHERE ($1 IS NULL OR status = $1) \
         ORDER BY id DESC LIMIT $2 OFFSET $3",
        args![status, limit, offset],
    )
    .await
}

/// Lists the deliveries of one ticket, oldest first.
pub async fn for_ticket(db: &Db, ticket_id: i64) -> Result<Vec<StoredDelivery>> {
    db.fetch_all(
        "SELECT id, received_at, body, body_sha256, event_id, kind, status, error, ticket_id, \
         processed_at FROM zabbix_deliveries WHERE ticket_id = $1 ORDER BY id",
        args![ticket_id],
    )
    .await
}

/// Finds a delivery by id.
pub async fn get(db: &Db, id: i64) -> Result<Option<StoredDelivery>> {
    db.fetch_optional(
        "SELECT id, received_at, body, body_sha256, event_id, kind, status, error, ticket_id, \
         processed_at FROM zabbix_deliveries WHERE id = $1",
        args![id],
    )
    .await
}
