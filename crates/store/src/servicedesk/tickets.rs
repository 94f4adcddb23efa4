//! Tickets: creation with per-kind numbers, field changes and status changes under optimistic
//! concurrency, comments, links and the filtered list.

use chrono::{DateTime, Utc};
use domain::servicedesk::workflow::{self, TransitionRequest};
use domain::servicedesk::{Kind, LinkKind, PendingReason, Priority, Source, Status};
use domain::{Error as DomainError, Invalid};
use serde_json::json;

use super::history::{self, NewLine};
use super::{checklist, environment_requests, queues, sla, zabbix_outbox};
use crate::identity::audit::{self, Author};
use crate::notify;
use crate::{Db, Error, Result, Sql, Tx, Value, args};

/// A ticket with its queue code and assignee login resolved.
#[derive(Debug, Clone)]
pub struct Ticket {
    pub id: i64,
    pub number: String,
    pub kind: Kind,
    pub source: Source,
    pub status: Status,
    pub pending_reason: Option<PendingReason>,
    pub priority: Priority,
    pub queue_id: i64,
    pub queue: String,
    pub assignee_id: Option<i64>,
    pub assignee: Option<String>,
    pub assignee_name: Option<String>,
    pub client_id: Option<i64>,
    pub title: String,
    pub description: String,
    pub created_by: Option<i64>,
    pub touched_by_person: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub zabbix_event_id: Option<i64>,
    pub zabbix_trigger_id: Option<i64>,
    pub zabbix_host: Option<String>,
    pub zabbix_host_name: Option<String>,
    pub zabbix_started_at: Option<DateTime<Utc>>,
    pub version: i64,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    number: String,
    kind: String,
    source: String,
    status: String,
    pending_reason: Option<String>,
    priority: i64,
    queue_id: i64,
    queue: String,
    assignee_id: Option<i64>,
    assignee: Option<String>,
    assignee_name: Option<String>,
    client_id: Option<i64>,
    title: String,
    description: String,
    created_by: Option<i64>,
    touched_by_person: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    first_response_at: Option<DateTime<Utc>>,
    resolved_at: Option<DateTime<Utc>>,
    closed_at: Option<DateTime<Utc>>,
    zabbix_event_id: Option<i64>,
    zabbix_trigger_id: Option<i64>,
    zabbix_host: Option<String>,
    zabbix_host_name: Option<String>,
    zabbix_started_at: Option<DateTime<Utc>>,
    version: i64,
}

impl TryFrom<Row> for Ticket {
    type Error = Error;

    fn try_from(row: Row) -> Result<Ticket> {
        let corrupt = |what: &str, value: &str| {
            Error::Corrupt(format!("ticket {}: {what} {value:?}", row.id))
        };
        Ok(Ticket {
            kind: row.kind.parse().map_err(|_| corrupt("kind", &row.kind))?,
            source: row
                .source
                .parse()
                .map_err(|_| corrupt("source", &row.source))?,
            status: row
                .status
                .parse()
                .map_err(|_| corrupt("status", &row.status))?,
            pending_reason: match &row.pending_reason {
                Some(reason) => Some(
                    reason
                        .parse()
                        .map_err(|_| corrupt("pending_reason", reason))?,
                ),
                None => None,
            },
            priority: Priority::from_rank(row.priority)
                .ok_or_else(|| corrupt("priority", &row.priority.to_string()))?,
            id: row.id,
            number: row.number,
            queue_id: row.queue_id,
            queue: row.queue,
            assignee_id: row.assignee_id,
            assignee: row.assignee,
            assignee_name: row.assignee_name,
            client_id: row.client_id,
            title: row.title,
            description: row.description,
            created_by: row.created_by,
            touched_by_person: row.touched_by_person,
            created_at: row.created_at,
            updated_at: row.updated_at,
            first_response_at: row.first_response_at,
            resolved_at: row.resolved_at,
            closed_at: row.closed_at,
            zabbix_event_id: row.zabbix_event_id,
            zabbix_trigger_id: row.zabbix_trigger_id,
            zabbix_host: row.zabbix_host,
            zabbix_host_name: row.zabbix_host_name,
            zabbix_started_at: row.zabbix_started_at,
            version: row.version,
        })
    }
}

const SELECT: &str = "SELECT t.id, t.number, t.kind, t.source, t.status, t.pending_reason, \
    t.priority, t.queue_id, q.code AS queue, t.assignee_id, u.login AS assignee, \
    u.display_name AS assignee_name, t.client_id, t.title, t.description, t.created_by, \
    t.touched_by_person, t.created_at, t.updated_at, t.first_response_at, t.resolved_at, \
    t.closed_at, t.zabbix_event_id, t.zabbix_trigger_id, t.zabbix_host, t.zabbix_host_name, \
    t.zabbix_started_at, t.version \
    FROM tickets t JOIN queues q ON q.id = t.queue_id LEFT JOIN users u ON u.id = t.assignee_id";

/// Finds a ticket by id.
pub async fn get(db: &Db, id: i64) -> Result<Option<Ticket>> {
    let row: Option<Row> = db
        .fetch_optional(
            Sql::assembled(format!("{SELECT} WHERE t.id = $1")),
            args![id],
        )
        .await?;
    row.map(Ticket::try_from).transpose()
}

/// Finds a ticket by id inside a transaction.
pub async fn get_in(tx: &mut Tx, id: i64) -> Result<Option<Ticket>> {
    let row: Option<Row> = tx
        .fetch_optional(
            Sql::assembled(format!("{SELECT} WHERE t.id = $1")),
            args![id],
        )
        .await?;
    row.map(Ticket::try_from).transpose()
}

/// Finds a ticket by its human number, such as `INC-000123`.
pub async fn find_by_number(db: &Db, number: &str) -> Result<Option<Ticket>> {
    let row: Option<Row> = db
        .fetch_optional(
            Sql::assembled(format!("{SELECT} WHERE t.number = $1")),
            args![number.trim().to_uppercase()],
        )
        .await?;
    row.map(Ticket::try_from).transpose()
}

/// Where a Zabbix ticket came from.
#[derive(Debug, Clone, Default)]
pub struct ZabbixOrigin {
    pub event_id: i64,
    pub trigger_id: Option<i64>,
    pub host: Option<String>,
    pub host_name: Option<String>,
    pub started_at: Option<DateTime<Utc>>,
}

/// A ticket to create.
#[derive(Debug, Clone)]
pub struct NewTicket {
    pub kind: Kind,
    pub source: Source,
    pub priority: Priority,
    /// The queue's code.
    pub queue: String,
    pub title: String,
    pub description: String,
    pub client_id: Option<i64>,
    pub zabbix: Option<ZabbixOrigin>,
}

/// Creates a ticket and returns it.
pub async fn create(
    db: &Db,
    new: &NewTicket,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<Ticket> {
    let mut tx = db.begin().await?;
    let id = create_in(&mut tx, new, author, now).await?;
    tx.commit().await?;
    get(db, id).await?.ok_or(DomainError::NotFound.into())
}

/// Creates a ticket inside a transaction and returns its id.
pub async fn create_in(
    tx: &mut Tx,
    new: &NewTicket,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<i64> {
    let title = domain::servicedesk::ticket::check_title(&new.title)?;
    domain::servicedesk::ticket::check_length(
        "description",
        &new.description,
        domain::servicedesk::ticket::BODY_MAX_CHARS,
    )?;
    let queue = queues::find_in(tx, &new.queue)
        .await?
        .ok_or_else(|| Invalid::new("queue", "error-unknown-queue").arg("value", &new.queue))?;

    let sequence: i64 = tx
        .fetch_scalar(
            "UPDATE ticket_sequences SET last_value = last_value + 1 WHERE kind = $1 \
             RETURNING last_value",
            args![new.kind.as_ref()],
        )
        .await?;
    let number = new.kind.number(sequence);
    let zabbix = new.zabbix.clone().unwrap_or_default();
    let search = search_text(
        &number,
        &title,
        &new.description,
        zabbix.host_name.as_deref(),
    );

    let id: i64 = tx
        .fetch_scalar(
            "INSERT INTO tickets (number, kind, source, status, priority, queue_id, client_id, \
             title, description, search_text, created_by, touched_by_person, created_at, \
             updated_at, zabbix_event_id, zabbix_trigger_id, zabbix_host, zabbix_host_name, \
             zabbix_started_at, version) \
             VALUES ($1, $2, $3, 'new', $4, $5, $6, $7, $8, $9, $10, FALSE, $11, $11, $12, $13, \
             $14, $15, $16, 1) RETURNING id",
            args![
                number.as_str(),
                new.kind.as_ref(),
                new.source.as_ref(),
                new.priority.rank(),
                queue.id,
                new.client_id,
                title.as_str(),
                new.description.as_str(),
                search,
                author.user_id,
                now,
                new.zabbix.as_ref().map(|z| z.event_id),
                zabbix.trigger_id,
                zabbix.host.as_deref(),
                zabbix.host_name.as_deref(),
                zabbix.started_at,
            ],
        )
        .await?;

    let line = NewLine {
        field: "created",
        new_value: Some(number.clone()),
        ..NewLine::default()
    };
    history::write(tx, id, author, line, now).await?;
    sla::attach_in(
        tx,
        id,
        new.client_id,
        zabbix.host.as_deref(),
        new.priority,
        now,
    )
    .await?;
    audit::record(
        tx,
        author,
        "ticket.create",
        ("ticket", id),
        None,
        Some(
            json!({"number": number, "kind": new.kind, "source": new.source,
                    "priority": new.priority.as_str(), "queue": new.queue, "title": title,
                    "client_id": new.client_id}),
        ),
        now,
    )
    .await?;
    Ok(id)
}

fn search_text(number: &str, title: &str, description: &str, host_name: Option<&str>) -> String {
    let mut text = format!("{number}\n{title}\n{description}");
    if let Some(host) = host_name {
        text.push('\n');
        text.push_str(host);
    }
    domain::text::fold(&text)
}

/// Field changes; `None` leaves a field as it is. `assignee: Some(None)` removes the assignee.
#[derive(Debug, Clone, Default)]
pub struct TicketChange {
    pub title: Option<String>,
    pub priority: Option<Priority>,
    /// The new queue's code.
    pub queue: Option<String>,
    /// The new assignee's login, or `Some(None)` to unassign.
    pub assignee: Option<Option<String>>,
}

/// Applies field changes if `version` is still the ticket's version, and returns the ticket.
///
/// The assignee must be an active member of the ticket's (new) queue. Assigning a `new`
/// ticket makes it `assigned`; unassigning an `assigned` one makes it `new` again. A person's
/// first assignment of a Zabbix ticket queues its acknowledgement when the outbox is on.
pub async fn update(
    db: &Db,
    id: i64,
    version: i64,
    change: &TicketChange,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<Ticket> {
    let mut tx = db.begin().await?;
    let current = get_in(&mut tx, id).await?.ok_or(DomainError::NotFound)?;
    check_version(&current, version)?;

    let title = match &change.title {
        Some(title) => domain::servicedesk::ticket::check_title(title)?,
        None => current.title.clone(),
    };
    let priority = change.priority.unwrap_or(current.priority);
    let (queue_id, queue_code) = match &change.queue {
        Some(code) => {
            let queue = queues::find_in(&mut tx, code)
                .await?
                .ok_or_else(|| Invalid::new("queue", "error-unknown-queue").arg("value", code))?;
            (queue.id, queue.code)
        }
        None => (current.queue_id, current.queue.clone()),
    };
    let (assignee_id, assignee_login) = match &change.assignee {
        Some(Some(login)) => {
            let user = find_staff_in(&mut tx, login).await?;
            (Some(user.0), Some(user.1))
        }
        Some(None) => (None, None),
        None => (current.assignee_id, current.assignee.clone()),
    };
    if let (Some(user_id), Some(login)) = (assignee_id, &assignee_login)
        && !queues::is_member_in(&mut tx, queue_id, user_id).await?
    {
        return Err(Invalid::new("assignee", "error-assignee-not-member")
            .arg("login", login)
            .arg("queue", &queue_code)
            .into());
    }
    let status = workflow::status_after_assignment(current.status, assignee_id.is_some());

    // A save that changes nothing keeps the version, so it cannot turn someone else's
    // concurrent edit into a conflict.
    let unchanged = title == current.title
        && priority == current.priority
        && queue_id == current.queue_id
        && assignee_id == current.assignee_id;
    if unchanged {
        return Ok(current);
    }

    let changed = tx
        .execute(
            "UPDATE tickets SET title = $1, priority = $2, queue_id = $3, assignee_id = $4, \
             status = $5, search_text = $6, touched_by_person = (touched_by_person OR $7), \
             updated_at = $8, version = version + 1 WHERE id = $9 AND version = $10",
            args![
                title.as_str(),
                priority.rank(),
                queue_id,
                assignee_id,
                status.as_ref(),
                search_text(
                    &current.number,
                    &title,
                    &current.description,
                    current.zabbix_host_name.as_deref()
                ),
                author.person,
                now,
                id,
                version,
            ],
        )
        .await?;
    if changed == 0 {
        return Err(conflict(&mut tx, id, version).await);
    }
    if priority != current.priority {
        sla::refresh_in(&mut tx, id, now).await?;
    }

    let mut lines = Vec::new();
    let mut old = serde_json::Map::new();
    let mut new = serde_json::Map::new();
    let mut diff = |field: &'static str, before: Option<String>, after: Option<String>| {
        if before != after {
            old.insert(field.into(), json!(before));
            new.insert(field.into(), json!(after));
            lines.push((field, before, after));
        }
    };
    diff("title", Some(current.title.clone()), Some(title.clone()));
    diff(
        "priority",
        Some(current.priority.to_string()),
        Some(priority.to_string()),
    );
    diff("queue", Some(current.queue.clone()), Some(queue_code));
    diff("assignee", current.assignee.clone(), assignee_login);
    diff(
        "status",
        Some(current.status.to_string()),
        Some(status.to_string()),
    );

    for (field, old_value, new_value) in lines {
        let line = NewLine {
            field,
            old_value,
            new_value,
            note_key: None,
        };
        history::write(&mut tx, id, author, line, now).await?;
    }
    if !new.is_empty() {
        audit::record(
            &mut tx,
            author,
            "ticket.update",
            ("ticket", id),
            Some(old.into()),
            Some(new.into()),
            now,
        )
        .await?;
    }
    if let Some(user_id) = assignee_id
        && assignee_id != current.assignee_id
    {
        notify::events::on_assigned_in(&mut tx, id, user_id, author, now).await?;
    }
    let mut queued = false;
    if let Some(user_id) = assignee_id
        && current.assignee_id.is_none()
        && author.person
        && db.zabbix_outbox().is_some()
    {
        queued = zabbix_outbox::queue_acknowledge_in(&mut tx, &current, user_id, now).await?;
    }
    tx.commit().await?;
    wake_zabbix_sender(db, queued);
    get(db, id).await?.ok_or(DomainError::NotFound.into())
}

/// Wakes the Zabbix sender after a commit that queued calls.
fn wake_zabbix_sender(db: &Db, queued: bool) {
    if let Some(sender) = db.zabbix_outbox().filter(|_| queued) {
        sender.notify_one();
    }
}

/// Finds an active staff user by login: `(id, login)`.
async fn find_staff_in(tx: &mut Tx, login: &str) -> Result<(i64, String)> {
    let login = login.trim().to_lowercase();
    let user: Option<(i64, String, String, bool)> = tx
        .fetch_optional(
            "SELECT id, login, role, disabled FROM users WHERE login = $1",
            args![login.as_str()],
        )
        .await?;
    match user {
        Some((id, login, role, false))
            if !matches!(role.as_str(), "client_admin" | "client_user") =>
        {
            Ok((id, login))
        }
        _ => Err(Invalid::new("assignee", "error-unknown-user")
            .arg("value", login)
            .into()),
    }
}

fn check_version(ticket: &Ticket, version: i64) -> Result<()> {
    if ticket.version != version {
        return Err(DomainError::Conflict {
            expected: version,
            current: ticket.version,
        }
        .into());
    }
    Ok(())
}

async fn conflict(tx: &mut Tx, id: i64, expected: i64) -> Error {
    match tx
        .fetch_scalar::<i64>("SELECT version FROM tickets WHERE id = $1", args![id])
        .await
    {
        Ok(current) => DomainError::Conflict { expected, current }.into(),
        Err(error) => error,
    }
}

/// Moves a ticket to `to` if the workflow allows it and `version` is current. A person's
/// resolution of a Zabbix ticket queues its close in Zabbix when the outbox is on.
pub async fn transition(
    db: &Db,
    id: i64,
    version: i64,
    to: Status,
    reason: Option<PendingReason>,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<Ticket> {
    let mut tx = db.begin().await?;
    let current = get_in(&mut tx, id).await?.ok_or(DomainError::NotFound)?;
    check_version(&current, version)?;
    let reason = workflow::check(TransitionRequest {
        from: current.status,
        to,
        reason,
        has_assignee: current.assignee_id.is_some(),
    })?;
    set_status_in(&mut tx, &current, to, reason, author, now, None).await?;
    if to == Status::Resolved {
        // After the status update, which locks the ticket row that checklist changes lock.
        checklist::check_resolvable_in(&mut tx, id).await?;
        environment_requests::fulfil_in(&mut tx, &current, author, now).await?;
    }
    let mut queued = false;
    if to == Status::Resolved && db.zabbix_outbox().is_some() {
        queued = zabbix_outbox::queue_resolve_in(&mut tx, &current, author, now).await?;
    }
    tx.commit().await?;
    wake_zabbix_sender(db, queued);
    get(db, id).await?.ok_or(DomainError::NotFound.into())
}

/// Writes a status change, its history line and audit entry. The caller has checked that the
/// change is allowed; `note_key` explains a system transition.
pub async fn set_status_in(
    tx: &mut Tx,
    current: &Ticket,
    to: Status,
    reason: Option<PendingReason>,
    author: &Author,
    now: DateTime<Utc>,
    note_key: Option<&str>,
) -> Result<()> {
    let resolved_at = match to {
        Status::Resolved => Some(now),
        Status::Closed => current.resolved_at,
        _ => None,
    };
    let closed_at = (to == Status::Closed).then_some(now);
    let changed = tx
        .execute(
            "UPDATE tickets SET status = $1, pending_reason = $2, resolved_at = $3, closed_at = $4, \
             touched_by_person = (touched_by_person OR $5), updated_at = $6, \
             version = version + 1 WHERE id = $7 AND version = $8",
            args![
                to.as_ref(),
                reason.map(|r| r.to_string()),
                resolved_at,
                closed_at,
                author.person,
                now,
                current.id,
                current.version,
            ],
        )
        .await?;
    if changed == 0 {
        return Err(conflict(tx, current.id, current.version).await);
    }
    sla::on_status_in(tx, current.id, current.status, to, reason, now).await?;
    let new_value = match reason {
        Some(reason) => format!("{to} ({reason})"),
        None => to.to_string(),
    };
    let line = NewLine {
        field: "status",
        old_value: Some(current.status.to_string()),
        new_value: Some(new_value),
        note_key,
    };
    history::write(tx, current.id, author, line, now).await?;
    if to == Status::Resolved {
        notify::events::on_resolved_in(tx, current.id, author, now).await?;
    }
    audit::record(
        tx,
        author,
        "ticket.status",
        ("ticket", current.id),
        Some(json!({"status": current.status})),
        Some(json!({"status": to, "pending_reason": reason})),
        now,
    )
    .await
}

/// Sets the priority inside a transaction with a history line explained by `note_key`.
pub async fn set_priority_in(
    tx: &mut Tx,
    current: &Ticket,
    priority: Priority,
    author: &Author,
    now: DateTime<Utc>,
    note_key: Option<&str>,
) -> Result<()> {
    tx.execute(
        "UPDATE tickets SET priority = $1, updated_at = $2, version = version + 1 WHERE id = $3",
        args![priority.rank(), now, current.id],
    )
    .await?;
    sla::refresh_in(tx, current.id, now).await?;
    let line = NewLine {
        field: "priority",
        old_value: Some(current.priority.to_string()),
        new_value: Some(priority.to_string()),
        note_key,
    };
    history::write(tx, current.id, author, line, now).await?;
    audit::record(
        tx,
        author,
        "ticket.update",
        ("ticket", current.id),
        Some(json!({"priority": current.priority.as_str()})),
        Some(json!({"priority": priority.as_str()})),
        now,
    )
    .await
}

/// A comment on a ticket.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Comment {
    pub id: i64,
    pub ticket_id: i64,
    pub author_id: Option<i64>,
    pub author_label: String,
    pub body: String,
    pub public: bool,
    pub created_at: DateTime<Utc>,
}

/// Adds a comment. A person's comment counts as acting on the ticket; a staff member's first
/// public comment is the ticket's first response.
pub async fn add_comment(
    db: &Db,
    ticket_id: i64,
    body: &str,
    public: bool,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<Comment> {
    let mut tx = db.begin().await?;
    let comment = add_comment_in(&mut tx, ticket_id, body, public, author, now).await?;
    tx.commit().await?;
    Ok(comment)
}

/// Adds a comment inside a transaction; see [`add_comment`].
pub async fn add_comment_in(
    tx: &mut Tx,
    ticket_id: i64,
    body: &str,
    public: bool,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<Comment> {
    let body = body.trim();
    if body.is_empty() {
        return Err(Invalid::missing("body").into());
    }
    domain::servicedesk::ticket::check_length(
        "body",
        body,
        domain::servicedesk::ticket::BODY_MAX_CHARS,
    )?;

    let staff = author.person && is_staff_in(tx, author.user_id).await?;
    let staff_response = public && staff;
    // A client user's public answer to a ticket waiting for the client.
    let client_answer = public && author.person && author.user_id.is_some() && !staff;
    let updated = tx
        .execute(
            "UPDATE tickets SET updated_at = $1, touched_by_person = (touched_by_person OR $2), \
             first_response_at = CASE WHEN $3 AND first_response_at IS NULL THEN $1 \
             ELSE first_response_at END WHERE id = $4",
            args![now, author.person, staff_response, ticket_id],
        )
        .await?;
    if updated == 0 {
        return Err(DomainError::NotFound.into());
    }
    if staff_response {
        sla::refresh_in(tx, ticket_id, now).await?;
    }
    let comment: Comment = tx
        .fetch_optional(
            "INSERT INTO ticket_comments (ticket_id, author_id, author_label, body, public, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6) \
             RETURNING id, ticket_id, author_id, author_label, body, public, created_at",
            args![
                ticket_id,
                author.user_id,
                author.label.as_str(),
                body,
                public,
                now
            ],
        )
        .await?
        .ok_or(DomainError::NotFound)?;
    let line = NewLine {
        field: if public {
            "comment_public"
        } else {
            "comment_internal"
        },
        new_value: Some(comment.id.to_string()),
        ..NewLine::default()
    };
    history::write(tx, ticket_id, author, line, now).await?;
    if staff_response {
        notify::events::on_public_comment_in(tx, ticket_id, body, author, now).await?;
    }
    if client_answer {
        // The client answered what support was waiting for: the ticket goes back to work
        // and its SLA clock runs again, as a person would otherwise have to remember to do.
        let current = get_in(tx, ticket_id).await?.ok_or(DomainError::NotFound)?;
        if current.status == Status::Pending
            && current.pending_reason == Some(PendingReason::Client)
        {
            set_status_in(
                tx,
                &current,
                Status::InProgress,
                None,
                author,
                now,
                Some("history-client-answered"),
            )
            .await?;
        }
    }
    audit::record(
        tx,
        author,
        "ticket.comment",
        ("ticket", ticket_id),
        None,
        Some(json!({"comment_id": comment.id, "public": public})),
        now,
    )
    .await?;
    Ok(comment)
}

async fn is_staff_in(tx: &mut Tx, user_id: Option<i64>) -> Result<bool> {
    let Some(user_id) = user_id else {
        return Ok(false);
    };
    let role: Option<(String,)> = tx
        .fetch_optional("SELECT role FROM users WHERE id = $1", args![user_id])
        .await?;
    Ok(role.is_some_and(|(role,)| !matches!(role.as_str(), "client_admin" | "client_user")))
}

/// Lists a ticket's comments, oldest first; internal ones only when `internal` is true.
pub async fn comments(db: &Db, ticket_id: i64, internal: bool) -> Result<Vec<Comment>> {
    db.fetch_all(
        "SELECT id, ticket_id, author_id, author_label, body, public, created_at \
         FROM ticket_comments WHERE ticket_id = $1 AND (public OR $2) ORDER BY created_at, id",
        args![ticket_id, internal],
    )
    .await
}

/// A link from one ticket to another, seen from the ticket it was read for.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Link {
    pub id: i64,
    pub kind: String,
    /// Whether the link points away from the ticket it was read for.
    pub outgoing: bool,
    pub other_id: i64,
    pub other_number: String,
    pub other_title: String,
    pub other_status: String,
}

/// Links `ticket_id` to `target_id`. Linking a ticket to itself or twice is an error.
pub async fn add_link(
    db: &Db,
    ticket_id: i64,
    target_id: i64,
    kind: LinkKind,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<()> {
    if ticket_id == target_id {
        return Err(Invalid::new("target", "error-link-self").into());
    }
    let mut tx = db.begin().await?;
    let inserted = tx
        .execute(
            "INSERT INTO ticket_links (ticket_id, target_ticket_id, kind, created_by, created_at) \
             SELECT $1, id, $3, $4, $5 FROM tickets WHERE id = $2 \
             ON CONFLICT (ticket_id, target_ticket_id, kind) DO NOTHING",
            args![ticket_id, target_id, kind.as_ref(), author.user_id, now],
        )
        .await?;
    if inserted == 0 {
        return Err(DomainError::Duplicate {
            field: "target".into(),
            value: target_id.to_string(),
        }
        .into());
    }
    let line = NewLine {
        field: "link",
        new_value: Some(format!("{kind} {target_id}")),
        ..NewLine::default()
    };
    history::write(&mut tx, ticket_id, author, line, now).await?;
    audit::record(
        &mut tx,
        author,
        "ticket.link",
        ("ticket", ticket_id),
        None,
        Some(json!({"kind": kind, "target": target_id})),
        now,
    )
    .await?;
    tx.commit().await
}

/// Lists the links of a ticket in both directions.
pub async fn links(db: &Db, ticket_id: i64) -> Result<Vec<Link>> {
    db.fetch_all(
        "SELECT l.id AS id, l.kind AS kind, TRUE AS outgoing, t.id AS other_id, t.number AS other_number, \
         t.title AS other_title, t.status AS other_status \
         FROM ticket_links l JOIN tickets t ON t.id = l.target_ticket_id WHERE l.ticket_id = $1 \
         UNION ALL \
         SELECT l.id AS id, l.kind AS kind, FALSE AS outgoing, t.id AS other_id, t.number AS other_number, \
         t.title AS other_title, t.status AS other_status \
         FROM ticket_links l JOIN tickets t ON t.id = l.ticket_id WHERE l.target_ticket_id = $1 \
         ORDER BY id",
        args![ticket_id],
    )
    .await
}

/// Columns the ticket list may be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortColumn {
    CreatedAt,
    UpdatedAt,
    Priority,
    Status,
}

impl SortColumn {
    /// The API names, in the order the API documents them.
    pub const NAMES: [&'static str; 4] = ["created_at", "updated_at", "priority", "status"];

    /// Parses a sort parameter such as `-updated_at`: `(column, descending)`.
    pub fn parse(value: &str) -> Result<(SortColumn, bool), Invalid> {
        let (descending, name) = match value.strip_prefix('-') {
            Some(name) => (true, name),
            None => (false, value),
        };
        let column = match name {
            "created_at" => SortColumn::CreatedAt,
            "updated_at" => SortColumn::UpdatedAt,
            "priority" => SortColumn::Priority,
            "status" => SortColumn::Status,
            _ => return Err(Invalid::not_one_of("sort", value, &SortColumn::NAMES)),
        };
        Ok((column, descending))
    }

    fn sql(self) -> &'static str {
        match self {
            SortColumn::CreatedAt => "t.created_at",
            SortColumn::UpdatedAt => "t.updated_at",
            SortColumn::Priority => "t.priority",
            SortColumn::Status => {
                "CASE t.status WHEN 'new' THEN 1 WHEN 'assigned' THEN 2 WHEN 'in_progress' THEN 3 \
                 WHEN 'pending' THEN 4 WHEN 'resolved' THEN 5 WHEN 'closed' THEN 6 ELSE 7 END"
            }
        }
    }
}

/// Who the list is filtered to by assignee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssigneeFilter {
    Login(String),
    Unassigned,
}

/// Filters, sorting and paging for the ticket list. Empty filters match everything.
#[derive(Debug, Clone)]
pub struct ListQuery {
    pub statuses: Vec<Status>,
    pub queue: Option<String>,
    pub assignee: Option<AssigneeFilter>,
    pub priority: Option<Priority>,
    pub source: Option<Source>,
    pub kind: Option<Kind>,
    /// Only this client's tickets: set for client users, whatever they ask for.
    pub client_id: Option<i64>,
    /// Text to find in the number, title, description or host, with ё read as е.
    pub text: Option<String>,
    /// Only open tickets in this SLA state at the given instant.
    pub sla: Option<(sla::SlaState, DateTime<Utc>)>,
    pub sort: SortColumn,
    pub descending: bool,
    pub limit: i64,
    pub offset: i64,
}

impl Default for ListQuery {
    fn default() -> Self {
        Self {
            statuses: Vec::new(),
            queue: None,
            assignee: None,
            priority: None,
            source: None,
            kind: None,
            client_id: None,
            text: None,
            sla: None,
            sort: SortColumn::UpdatedAt,
            descending: true,
            limit: 50,
            offset: 0,
        }
    }
}

/// Lists tickets matching `query` and returns them with the total number of matches.
pub async fn list(db: &Db, query: &ListQuery) -> Result<(Vec<Ticket>, i64)> {
    let mut conditions: Vec<String> = Vec::new();
    let mut values: Vec<Value> = Vec::new();
    let bind = |values: &mut Vec<Value>, value: Value| {
        values.push(value);
        format!("${}", values.len())
    };

    if !query.statuses.is_empty() {
        let placeholders: Vec<String> = query
            .statuses
            .iter()
            .map(|status| bind(&mut values, status.as_ref().into()))
            .collect();
        conditions.push(format!("t.status IN ({})", placeholders.join(", ")));
    }
    if let Some(queue) = &query.queue {
        conditions.push(format!("q.code = {}", bind(&mut values, queue.into())));
    }
    match &query.assignee {
        Some(AssigneeFilter::Login(login)) => {
            let login = login.trim().to_lowercase();
            conditions.push(format!("u.login = {}", bind(&mut values, login.into())));
        }
        Some(AssigneeFilter::Unassigned) => conditions.push("t.assignee_id IS NULL".into()),
        None => {}
    }
    if let Some(priority) = query.priority {
        conditions.push(format!(
            "t.priority = {}",
            bind(&mut values, priority.rank().into())
        ));
    }
    if let Some(source) = query.source {
        conditions.push(format!(
            "t.source = {}",
            bind(&mut values, source.as_ref().into())
        ));
    }
    if let Some(kind) = query.kind {
        conditions.push(format!(
            "t.kind = {}",
            bind(&mut values, kind.as_ref().into())
        ));
    }
    if let Some(client_id) = query.client_id {
        conditions.push(format!(
            "t.client_id = {}",
            bind(&mut values, client_id.into())
        ));
    }
    if let Some(text) = query
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        let pattern = format!("%{}%", domain::text::escape_like(&domain::text::fold(text)));
        conditions.push(format!(
            "t.search_text LIKE {} ESCAPE '\\'",
            bind(&mut values, pattern.into())
        ));
    }
    if let Some((state, now)) = query.sla {
        let now = bind(&mut values, now.into());
        conditions.push(sla::condition(state, &now));
    }
    let where_clause = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    let from = "FROM tickets t JOIN queues q ON q.id = t.queue_id \
                LEFT JOIN users u ON u.id = t.assignee_id";

    let total: i64 = db
        .fetch_scalar(
            Sql::assembled(format!("SELECT COUNT(*) {from} {where_clause}")),
            values.clone(),
        )
        .await?;

    let direction = if query.descending { "DESC" } else { "ASC" };
    let limit = bind(&mut values, query.limit.into());
    let offset = bind(&mut values, query.offset.into());
    let sql = format!(
        "{SELECT} {where_clause} ORDER BY {} {direction}, t.id {direction} \
         LIMIT {limit} OFFSET {offset}",
        query.sort.sql()
    );
    let rows: Vec<Row> = db.fetch_all(Sql::assembled(sql), values).await?;
    let tickets = rows
        .into_iter()
        .map(Ticket::try_from)
        .collect::<Result<_>>()?;
    Ok((tickets, total))
}

/// Counts tickets by status, for the metrics endpoint and the dashboard.
pub async fn count_by_status(db: &Db) -> Result<Vec<(String, i64)>> {
    db.fetch_all(
        "SELECT status, COUNT(*) FROM tickets GROUP BY status ORDER BY status",
        Vec::new(),
    )
    .await
}

/// Closes tickets resolved before `cutoff` and returns how many it closed.
pub async fn close_resolved_before(
    db: &Db,
    cutoff: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<usize> {
    let ids: Vec<(i64,)> = db
        .fetch_all(
            "SELECT id FROM tickets WHERE status = 'resolved' AND resolved_at < $1 ORDER BY id",
            args![cutoff],
        )
        .await?;
    let author = Author::system();
    let mut closed = 0;
    for (id,) in ids {
        let mut tx = db.begin().await?;
        let Some(ticket) = get_in(&mut tx, id).await? else {
            continue;
        };
        // Reopened since the query above: leave it alone.
        if ticket.status != Status::Resolved {
            continue;
        }
        set_status_in(
            &mut tx,
            &ticket,
            Status::Closed,
            None,
            &author,
            now,
            Some("history-auto-closed"),
        )
        .await?;
        tx.commit().await?;
        closed += 1;
    }
    Ok(closed)
}
