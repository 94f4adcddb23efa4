//! Environment requests through the JSON API: a `request` ticket with the environment it
//! asks for and a starting checklist. Resolving the ticket creates the environment.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::Invalid;
use domain::identity::{Action, Object};
use domain::infra::EnvironmentKind;
use domain::infra::inventory::check_name;
use domain::servicedesk::Kind;
use serde::{Deserialize, Serialize};
use store::servicedesk::Ticket;
use store::servicedesk::checklist;
use store::servicedesk::environment_requests::{self, EnvironmentRequest, NewEnvironmentRequest};
use utoipa::ToSchema;

use super::checklist::ChecklistItemJson;
use super::json::ApiJson;
use super::tickets::{CreateTicket, TicketJson, new_ticket};
use crate::context::{Auth, Identity};
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::servicedesk::access::{self, authorize};
use crate::state::AppState;

/// Fluent keys of the checklist an environment request starts with, in order.
pub const DEFAULT_CHECKLIST: [&str; 4] = [
    "environment-request-check-resources",
    "environment-request-check-access",
    "environment-request-check-services",
    "environment-request-check-monitoring",
];

/// The queue environment requests go to when the request names none.
pub const DEFAULT_QUEUE: &str = "infrastructure";

/// The environment a request asks for, as the API returns it.
#[derive(Debug, Serialize, ToSchema)]
pub struct EnvironmentRequestJson {
    pub name: String,
    /// `dev`, `test`, `staging` or `prod`.
    pub kind: String,
    pub cluster_id: Option<i64>,
    /// The environment created when the ticket was resolved.
    pub environment_id: Option<i64>,
    /// That environment's page.
    pub environment_url: Option<String>,
}

impl EnvironmentRequestJson {
    /// Converts a stored request; `public_url` makes the page link absolute.
    pub fn new(request: EnvironmentRequest, public_url: &str) -> EnvironmentRequestJson {
        EnvironmentRequestJson {
            environment_url: request
                .environment_id
                .map(|id| format!("{public_url}/infra/environments/{id}")),
            name: request.name,
            kind: request.kind.to_string(),
            cluster_id: request.cluster_id,
            environment_id: request.environment_id,
        }
    }
}

/// The environment part of `POST /environment-requests`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestedEnvironment {
    /// A name no environment has yet.
    pub name: String,
    /// `dev`, `test`, `staging` or `prod`.
    pub kind: String,
    pub cluster_id: Option<i64>,
}

/// Body of `POST /environment-requests`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateEnvironmentRequest {
    pub environment: RequestedEnvironment,
    /// The ticket's title. When absent it is «Environment request NAME» in the requester's
    /// language.
    pub title: Option<String>,
    #[serde(default)]
    pub description: String,
    /// `P1`..`P4`; P3 when absent.
    pub priority: Option<String>,
    /// A queue code; `infrastructure` when absent.
    pub queue: Option<String>,
    /// The starting checklist; the four default steps in the requester's language when
    /// absent.
    pub checklist: Option<Vec<String>>,
}

/// A created environment request.
#[derive(Debug, Serialize, ToSchema)]
pub struct EnvironmentRequestTicket {
    #[serde(flatten)]
    pub ticket: TicketJson,
    pub environment_request: EnvironmentRequestJson,
    pub checklist: Vec<ChecklistItemJson>,
}

/// Creates a `request` ticket for a new environment with a checklist. Only staff who may keep
/// the inventory may do this. A name an environment already has is a 409 `duplicate`.
#[utoipa::path(post, path = "/api/v1/environment-requests", tag = "tickets",
    request_body = CreateEnvironmentRequest,
    responses((status = 201, body = EnvironmentRequestTicket), (status = 403), (status = 409),
        (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    Auth(identity): Auth,
    ApiJson(body): ApiJson<CreateEnvironmentRequest>,
) -> AppResult<Response> {
    authorize(&identity, Action::ManageInventory, Object::System)?;
    let lang = Lang::parse(&identity.user.locale).unwrap_or_default();
    let new = checked_request(&state, &identity, lang, &body)?;
    let ticket = submit(&state, &identity, &new).await?;
    let request = environment_requests::get(&state.db, ticket.id)
        .await?
        .ok_or_else(crate::error::AppError::not_found)?;
    let items = checklist::list(&state.db, ticket.id)
        .await?
        .into_iter()
        .map(ChecklistItemJson::from)
        .collect();
    let body = EnvironmentRequestTicket {
        ticket: TicketJson::new(ticket, &state.config.public_url),
        environment_request: EnvironmentRequestJson::new(request, &state.config.public_url),
        checklist: items,
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// Validates a request body into a store value: the environment first, then the ticket.
pub(crate) fn checked_request(
    state: &AppState,
    identity: &Identity,
    lang: Lang,
    body: &CreateEnvironmentRequest,
) -> Result<NewEnvironmentRequest, Invalid> {
    let name = check_name("environment.name", &body.environment.name)?;
    let kind = EnvironmentKind::parse("environment.kind", &body.environment.kind)?;
    let title = match body.title.as_deref().map(str::trim) {
        Some(title) if !title.is_empty() => title.to_string(),
        _ => state.i18n.format(
            lang,
            "environment-request-title",
            &[("name", name.as_str().into())],
        ),
    };
    let ticket = CreateTicket {
        kind: Kind::Request.to_string(),
        title,
        description: body.description.clone(),
        priority: body.priority.clone(),
        queue: Some(body.queue.clone().unwrap_or_else(|| DEFAULT_QUEUE.into())),
        // An environment is internal: its request belongs to no client.
        client_id: None,
    };
    let checklist = match &body.checklist {
        Some(items) => items.clone(),
        None => default_checklist(state, lang),
    };
    Ok(NewEnvironmentRequest {
        ticket: new_ticket(identity, &ticket)?,
        name,
        kind,
        cluster_id: body.environment.cluster_id,
        checklist,
    })
}

/// Returns the default checklist texts in `lang`.
pub fn default_checklist(state: &AppState, lang: Lang) -> Vec<String> {
    DEFAULT_CHECKLIST
        .iter()
        .map(|key| state.i18n.format(lang, key, &[]))
        .collect()
}

/// Checks that `identity` may open a ticket in the request's queue and keep the inventory,
/// then creates the request ticket.
pub async fn submit(
    state: &AppState,
    identity: &Identity,
    new: &NewEnvironmentRequest,
) -> AppResult<Ticket> {
    authorize(identity, Action::ManageInventory, Object::System)?;
    let target = Object::Ticket {
        queue: &new.ticket.queue,
        client_id: new.ticket.client_id,
    };
    authorize(identity, Action::CreateTicket, target)?;
    let ticket = environment_requests::create(
        &state.db,
        new,
        &access::author(identity),
        domain::time::now(),
    )
    .await?;
    tracing::info!(ticket_id = ticket.id, number = %ticket.number, "environment request created");
    Ok(ticket)
}
