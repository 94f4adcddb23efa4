//! Ticket checklist routes of the JSON API. Everyone who may read a ticket reads its
//! checklist. Adding and ticking items takes the right to change the ticket, so client users
//! see their own tickets' checklists read-only.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use domain::identity::Action;
use serde::{Deserialize, Serialize};
use store::servicedesk::checklist::{self, ChecklistItem};
use utoipa::ToSchema;

use super::json::ApiJson;
use super::tickets::path_id;
use crate::context::Auth;
use crate::error::AppResult;
use crate::servicedesk::access::{self, authorize};
use crate::state::AppState;

/// A checklist item.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChecklistItemJson {
    pub id: i64,
    /// Display order, starting at 1.
    pub position: i64,
    pub text: String,
    pub done: bool,
    /// The login of the user who ticked the item, while it is done.
    pub done_by: Option<String>,
    pub done_at: Option<DateTime<Utc>>,
    /// Increases with every change; send it back to tick or untick the item.
    pub version: i64,
}

impl From<ChecklistItem> for ChecklistItemJson {
    fn from(item: ChecklistItem) -> Self {
        ChecklistItemJson {
            id: item.id,
            position: item.position,
            text: item.text,
            done: item.done,
            done_by: item.done_by_label,
            done_at: item.done_at,
            version: item.version,
        }
    }
}

/// A ticket's checklist.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChecklistJson {
    pub items: Vec<ChecklistItemJson>,
}

/// Reads a ticket's checklist in display order.
#[utoipa::path(get, path = "/api/v1/tickets/{id}/checklist", tag = "tickets",
    params(("id" = i64, Path, description = "Ticket id")),
    responses((status = 200, body = ChecklistJson), (status = 404)))]
pub async fn list(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Path(id): Path<String>,
) -> AppResult<Json<ChecklistJson>> {
    let ticket = access::readable_ticket(&state, &identity, path_id(&id)?).await?;
    let items = checklist::list(&state.db, ticket.id)
        .await?
        .into_iter()
        .map(ChecklistItemJson::from)
        .collect();
    Ok(Json(ChecklistJson { items }))
}

/// Body of `POST /tickets/{id}/checklist`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateChecklistItem {
    pub text: String,
}

/// Adds an item at the end of the checklist. A resolved, closed or cancelled ticket's
/// checklist is frozen (422).
#[utoipa::path(post, path = "/api/v1/tickets/{id}/checklist", tag = "tickets",
    request_body = CreateChecklistItem,
    params(("id" = i64, Path, description = "Ticket id")),
    responses((status = 201, body = ChecklistItemJson), (status = 403), (status = 404),
        (status = 422)))]
pub async fn add(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<CreateChecklistItem>,
) -> AppResult<Response> {
    let ticket = access::readable_ticket(&state, &identity, path_id(&id)?).await?;
    authorize(&identity, Action::UpdateTicket, access::object(&ticket))?;
    let item = checklist::add(
        &state.db,
        ticket.id,
        &body.text,
        &access::author(&identity),
        domain::time::now(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(ChecklistItemJson::from(item))).into_response())
}

/// Body of `PATCH /tickets/{id}/checklist/{item}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateChecklistItem {
    pub done: bool,
    /// The item's version the change is based on.
    pub version: i64,
}

/// Ticks or unticks an item. A stale `version` is a 409 `conflict`; an item of another
/// ticket is a 404.
#[utoipa::path(patch, path = "/api/v1/tickets/{id}/checklist/{item}", tag = "tickets",
    request_body = UpdateChecklistItem,
    params(("id" = i64, Path, description = "Ticket id"),
        ("item" = i64, Path, description = "Checklist item id")),
    responses((status = 200, body = ChecklistItemJson), (status = 403), (status = 404),
        (status = 409), (status = 422)))]
pub async fn update(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Path((id, item)): Path<(String, String)>,
    ApiJson(body): ApiJson<UpdateChecklistItem>,
) -> AppResult<Json<ChecklistItemJson>> {
    let ticket = access::readable_ticket(&state, &identity, path_id(&id)?).await?;
    authorize(&identity, Action::UpdateTicket, access::object(&ticket))?;
    let item = checklist::set_done(
        &state.db,
        ticket.id,
        path_id(&item)?,
        body.version,
        body.done,
        &access::author(&identity),
        domain::time::now(),
    )
    .await?;
    Ok(Json(ChecklistItemJson::from(item)))
}
