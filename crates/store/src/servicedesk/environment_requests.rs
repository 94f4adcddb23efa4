//! Environment requests: `request` tickets that ask for a new inventory environment. The
//! ticket carries a checklist, and resolving it creates the environment in the same
//! transaction and links it to the ticket.

use chrono::{DateTime, Utc};
use domain::infra::EnvironmentKind;
use domain::servicedesk::Kind;
use domain::{Error as DomainError, Invalid};

use super::checklist;
use super::history::{self, NewLine};
use super::tickets::{self, NewTicket, Ticket};
use crate::identity::audit::Author;
use crate::infra::EnvironmentDraft;
use crate::infra::environments;
use crate::infra::sites::require_cluster;
use crate::{Db, Result, Tx, args};

/// The environment a request ticket asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvironmentRequest {
    pub ticket_id: i64,
    pub name: String,
    pub kind: EnvironmentKind,
    pub cluster_id: Option<i64>,
    /// The environment created when the ticket was resolved.
    pub environment_id: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct Row {
    ticket_id: i64,
    name: String,
    kind: String,
    cluster_id: Option<i64>,
    environment_id: Option<i64>,
}

impl TryFrom<Row> for EnvironmentRequest {
    type Error = crate::Error;

    fn try_from(row: Row) -> Result<EnvironmentRequest> {
        let kind = row.kind.parse().map_err(|_| {
            crate::Error::Corrupt(format!(
                "environment request {}: unknown kind {:?}",
                row.ticket_id, row.kind
            ))
        })?;
        Ok(EnvironmentRequest {
            ticket_id: row.ticket_id,
            name: row.name,
            kind,
            cluster_id: row.cluster_id,
            environment_id: row.environment_id,
        })
    }
}

const SELECT: &str =
    "SELECT ticket_id, name, kind, cluster_id, environment_id FROM environment_requests";

/// A request ticket to create with the environment it asks for.
#[derive(Debug, Clone)]
pub struct NewEnvironmentRequest {
    /// The ticket; its kind must be [`Kind::Request`].
    pub ticket: NewTicket,
    /// The environment's name, already trimmed and checked.
    pub name: String,
    pub kind: EnvironmentKind,
    pub cluster_id: Option<i64>,
    /// The texts of the checklist the ticket starts with.
    pub checklist: Vec<String>,
}

/// Creates the request ticket with its checklist. A name an environment already has is a
/// [`DomainError::Duplicate`] on `environment.name`; an unknown cluster is invalid.
pub async fn create(
    db: &Db,
    new: &NewEnvironmentRequest,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<Ticket> {
    if new.ticket.kind != Kind::Request {
        return Err(Invalid::new("kind", "environment-request-kind")
            .arg("value", new.ticket.kind)
            .into());
    }
    let mut tx = db.begin().await?;
    check_name_free_in(&mut tx, &new.name).await?;
    if let Some(cluster_id) = new.cluster_id {
        require_cluster(&mut tx, cluster_id).await?;
    }
    let ticket_id = tickets::create_in(&mut tx, &new.ticket, author, now).await?;
    tx.execute(
        "INSERT INTO environment_requests (ticket_id, name, kind, cluster_id) \
         VALUES ($1, $2, $3, $4)",
        args![
            ticket_id,
            new.name.as_str(),
            new.kind.as_ref(),
            new.cluster_id
        ],
    )
    .await?;
    for text in &new.checklist {
        checklist::add_in(&mut tx, ticket_id, text, author, now).await?;
    }
    tx.commit().await?;
    tickets::get(db, ticket_id)
        .await?
        .ok_or(DomainError::NotFound.into())
}

async fn check_name_free_in(tx: &mut Tx, name: &str) -> Result<()> {
    let taken: Option<(i64,)> = tx
        .fetch_optional("SELECT id FROM environments WHERE name = $1", args![name])
        .await?;
    if taken.is_some() {
        return Err(DomainError::Duplicate {
            field: "environment.name".into(),
            value: name.to_string(),
        }
        .into());
    }
    Ok(())
}

/// Finds the environment request of a ticket.
pub async fn get(db: &Db, ticket_id: i64) -> Result<Option<EnvironmentRequest>> {
    let row: Option<Row> = db
        .fetch_optional(
            crate::Sql::assembled(format!("{SELECT} WHERE ticket_id = $1")),
            args![ticket_id],
        )
        .await?;
    row.map(EnvironmentRequest::try_from).transpose()
}

/// The request ticket an environment was created for: `(ticket id, number)`.
pub async fn ticket_of_environment(db: &Db, environment_id: i64) -> Result<Option<(i64, String)>> {
    db.fetch_optional(
        "SELECT t.id, t.number FROM environment_requests r JOIN tickets t ON t.id = r.ticket_id \
         WHERE r.environment_id = $1",
        args![environment_id],
    )
    .await
}

/// Creates the environment a request ticket asks for, when the ticket is being resolved
/// inside `tx`, and links it to the ticket. Returns the environment's id; `None` for a
/// ticket that is no environment request. A request resolved before (and reopened since)
/// keeps the environment created then.
pub(crate) async fn fulfil_in(
    tx: &mut Tx,
    ticket: &Ticket,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<Option<i64>> {
    let row: Option<Row> = tx
        .fetch_optional(
            crate::Sql::assembled(format!("{SELECT} WHERE ticket_id = $1")),
            args![ticket.id],
        )
        .await?;
    let Some(request) = row.map(EnvironmentRequest::try_from).transpose()? else {
        return Ok(None);
    };
    if let Some(environment_id) = request.environment_id {
        return Ok(Some(environment_id));
    }

    check_name_free_in(tx, &request.name).await?;
    let draft = EnvironmentDraft {
        name: request.name.clone(),
        kind: request.kind,
        cluster_id: request.cluster_id,
        description: None,
        host_ids: Vec::new(),
        client_ids: ticket.client_id.into_iter().collect(),
        shop_ids: Vec::new(),
    };
    let environment = environments::create_in(tx, &draft, author, now).await?;
    tx.execute(
        "UPDATE environment_requests SET environment_id = $1 WHERE ticket_id = $2",
        args![environment.id, ticket.id],
    )
    .await?;
    let line = NewLine {
        field: "environment",
        new_value: Some(environment.name.clone()),
        ..NewLine::default()
    };
    history::write(tx, ticket.id, author, line, now).await?;
    tracing::info!(
        ticket_id = ticket.id,
        environment_id = environment.id,
        "environment created for its request"
    );
    Ok(Some(environment.id))
}
