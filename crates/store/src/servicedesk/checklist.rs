//! Ticket checklists: items with a done flag and who ticked them when. Every change locks
//! the ticket row first, so a resolution that checks the checklist and a concurrent untick
//! cannot both succeed.

use chrono::{DateTime, Utc};
use domain::servicedesk::Status;
use domain::servicedesk::checklist::{self as rules, MAX_ITEMS};
use domain::{Error as DomainError, Invalid};
use serde_json::json;

use super::history::{self, NewLine};
use crate::identity::audit::{self, Author};
use crate::{Db, Result, Tx, args};

/// One checklist item.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ChecklistItem {
    pub id: i64,
    pub ticket_id: i64,
    /// Display order within the ticket, starting at 1.
    pub position: i64,
    pub text: String,
    pub done: bool,
    /// The user who ticked the item, while it is done.
    pub done_by: Option<i64>,
    /// That user's login, or `system`.
    pub done_by_label: Option<String>,
    pub done_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// Increases with every change. A change must name the version it is based on.
    pub version: i64,
}

const SELECT: &str = "SELECT id, ticket_id, position, text, done, done_by, done_by_label, \
    done_at, created_at, version FROM ticket_checklist_items";

/// Lists a ticket's checklist in display order.
pub async fn list(db: &Db, ticket_id: i64) -> Result<Vec<ChecklistItem>> {
    db.fetch_all(
        crate::Sql::assembled(format!(
            "{SELECT} WHERE ticket_id = $1 ORDER BY position, id"
        )),
        args![ticket_id],
    )
    .await
}

async fn list_in(tx: &mut Tx, ticket_id: i64) -> Result<Vec<ChecklistItem>> {
    tx.fetch_all(
        crate::Sql::assembled(format!(
            "{SELECT} WHERE ticket_id = $1 ORDER BY position, id"
        )),
        args![ticket_id],
    )
    .await
}

/// Marks the ticket as changed by `author` and locks its row until the transaction ends.
/// A resolved, closed or cancelled ticket's checklist is frozen: reopen the ticket first.
async fn lock_open_ticket(
    tx: &mut Tx,
    ticket_id: i64,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<()> {
    let status: Option<(String,)> = tx
        .fetch_optional(
            "UPDATE tickets SET updated_at = $1, touched_by_person = (touched_by_person OR $2) \
             WHERE id = $3 RETURNING status",
            args![now, author.person, ticket_id],
        )
        .await?;
    let (status,) = status.ok_or(DomainError::NotFound)?;
    let frozen = [Status::Resolved, Status::Closed, Status::Cancelled]
        .iter()
        .any(|s| s.as_ref() == status);
    if frozen {
        return Err(Invalid::new("ticket", "ticket-checklist-frozen")
            .arg("status", status)
            .into());
    }
    Ok(())
}

/// Adds an item at the end of a ticket's checklist.
pub async fn add(
    db: &Db,
    ticket_id: i64,
    text: &str,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<ChecklistItem> {
    let mut tx = db.begin().await?;
    let item = add_in(&mut tx, ticket_id, text, author, now).await?;
    tx.commit().await?;
    Ok(item)
}

/// Adds an item inside a transaction; see [`add`]. A checklist holds at most
/// [`MAX_ITEMS`] items.
pub async fn add_in(
    tx: &mut Tx,
    ticket_id: i64,
    text: &str,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<ChecklistItem> {
    let text = rules::check_item_text(text)?;
    lock_open_ticket(tx, ticket_id, author, now).await?;
    let (count, last): (i64, Option<i64>) = tx
        .fetch_optional(
            "SELECT COUNT(*), MAX(position) FROM ticket_checklist_items WHERE ticket_id = $1",
            args![ticket_id],
        )
        .await?
        .unwrap_or((0, None));
    if usize::try_from(count).unwrap_or(usize::MAX) >= MAX_ITEMS {
        return Err(Invalid::new("text", "ticket-checklist-full")
            .arg("max", MAX_ITEMS)
            .into());
    }
    let item: ChecklistItem = tx
        .fetch_optional(
            "INSERT INTO ticket_checklist_items (ticket_id, position, text, done, created_at, \
             version) VALUES ($1, $2, $3, FALSE, $4, 1) \
             RETURNING id, ticket_id, position, text, done, done_by, done_by_label, done_at, \
             created_at, version",
            args![ticket_id, last.unwrap_or(0) + 1, text.as_str(), now],
        )
        .await?
        .ok_or(DomainError::NotFound)?;
    let line = NewLine {
        field: "checklist_added",
        new_value: Some(text.clone()),
        ..NewLine::default()
    };
    history::write(tx, ticket_id, author, line, now).await?;
    audit::record(
        tx,
        author,
        "ticket.checklist_add",
        ("ticket", ticket_id),
        None,
        Some(json!({"item_id": item.id, "text": text})),
        now,
    )
    .await?;
    Ok(item)
}

/// Ticks or unticks item `item_id` of ticket `ticket_id` if `version` is still the item's
/// version. Setting the flag it already has changes nothing and keeps the version.
pub async fn set_done(
    db: &Db,
    ticket_id: i64,
    item_id: i64,
    version: i64,
    done: bool,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<ChecklistItem> {
    let mut tx = db.begin().await?;
    lock_open_ticket(&mut tx, ticket_id, author, now).await?;
    let current: ChecklistItem = tx
        .fetch_optional(
            crate::Sql::assembled(format!("{SELECT} WHERE id = $1 AND ticket_id = $2")),
            args![item_id, ticket_id],
        )
        .await?
        .ok_or(DomainError::NotFound)?;
    if current.version != version {
        return Err(DomainError::Conflict {
            expected: version,
            current: current.version,
        }
        .into());
    }
    if current.done == done {
        // Dropping the transaction rolls the ticket's `updated_at` back.
        return Ok(current);
    }

    let (done_by, done_by_label, done_at) = if done {
        (author.user_id, Some(author.label.clone()), Some(now))
    } else {
        (None, None, None)
    };
    let item: ChecklistItem = tx
        .fetch_optional(
            "UPDATE ticket_checklist_items SET done = $1, done_by = $2, done_by_label = $3, \
             done_at = $4, version = version + 1 WHERE id = $5 AND version = $6 \
             RETURNING id, ticket_id, position, text, done, done_by, done_by_label, done_at, \
             created_at, version",
            args![done, done_by, done_by_label, done_at, item_id, version],
        )
        .await?
        .ok_or(DomainError::Conflict {
            expected: version,
            current: version + 1,
        })?;
    let line = NewLine {
        field: if done {
            "checklist_done"
        } else {
            "checklist_undone"
        },
        new_value: Some(item.text.clone()),
        ..NewLine::default()
    };
    history::write(&mut tx, ticket_id, author, line, now).await?;
    audit::record(
        &mut tx,
        author,
        "ticket.checklist_done",
        ("ticket", ticket_id),
        Some(json!({"item_id": item_id, "done": current.done})),
        Some(json!({"item_id": item_id, "done": done})),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(item)
}

/// Checks that every item of a ticket's checklist is done, so the ticket may be resolved.
/// Call it after the status update has locked the ticket row.
pub(crate) async fn check_resolvable_in(tx: &mut Tx, ticket_id: i64) -> Result<()> {
    let items = list_in(tx, ticket_id).await?;
    let open: Vec<&ChecklistItem> = items.iter().filter(|item| !item.done).collect();
    rules::check_resolvable(open.len(), open.first().map(|item| item.text.as_str()))?;
    Ok(())
}
