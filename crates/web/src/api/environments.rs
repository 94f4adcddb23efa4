//! Environment routes of the JSON API: environments with the hosts they run on and the
//! client companies whose shops they serve.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use domain::identity::{Action, Object};
use domain::infra::EnvironmentKind;
use domain::infra::inventory::check_name;
use serde::{Deserialize, Serialize};
use store::infra::EnvironmentDraft;
use store::infra::environments::{self, Environment};
use store::infra::releases;
use utoipa::{IntoParams, ToSchema};

use super::deployments::RunningJson;
use super::hosts::MemberJson;
use super::inventory::optional_text;
use super::json::{ApiJson, double_option};
use super::tickets::path_id;
use crate::context::{Auth, Identity};
use crate::error::{AppError, AppResult};
use crate::query::Query;
use crate::servicedesk::access::{author, authorize};
use crate::state::AppState;

/// An environment as the API returns it.
#[derive(Debug, Serialize, ToSchema)]
pub struct EnvironmentJson {
    pub id: i64,
    pub name: String,
    /// `dev`, `test`, `staging` or `prod`.
    pub kind: String,
    pub cluster_id: Option<i64>,
    pub cluster: Option<String>,
    pub description: Option<String>,
    /// Increases with every change; send it back to change the environment.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The environment's page.
    pub url: String,
}

impl EnvironmentJson {
    /// Converts a stored environment; `public_url` makes the page link absolute.
    pub fn new(environment: Environment, public_url: &str) -> EnvironmentJson {
        EnvironmentJson {
            url: format!("{public_url}/infra/environments/{}", environment.id),
            id: environment.id,
            name: environment.name,
            kind: environment.kind.to_string(),
            cluster_id: environment.cluster_id,
            cluster: environment.cluster_name,
            description: environment.description,
            version: environment.version,
            created_at: environment.created_at,
            updated_at: environment.updated_at,
        }
    }
}

/// An environment with its hosts and clients.
#[derive(Debug, Serialize, ToSchema)]
pub struct EnvironmentDetail {
    #[serde(flatten)]
    pub environment: EnvironmentJson,
    pub hosts: Vec<MemberJson>,
    /// The client companies whose shops run here.
    pub clients: Vec<MemberJson>,
    /// The shops that run here.
    pub shops: Vec<MemberJson>,
    /// The version each service runs here, by service name.
    pub running: Vec<RunningJson>,
    /// The id of the environment request ticket it was created for.
    pub request_ticket_id: Option<i64>,
    /// That ticket's number, such as `REQ-000012`.
    pub request_ticket_number: Option<String>,
}

/// Every environment, or those of one kind.
#[derive(Debug, Serialize, ToSchema)]
pub struct EnvironmentList {
    pub items: Vec<EnvironmentJson>,
}

/// Filter of `GET /environments`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EnvironmentListParams {
    /// One kind: `dev`, `test`, `staging` or `prod`.
    pub kind: Option<String>,
}

/// Lists environments by name.
#[utoipa::path(get, path = "/api/v1/environments", tag = "inventory",
    params(EnvironmentListParams),
    responses((status = 200, body = EnvironmentList), (status = 401), (status = 403),
        (status = 422)))]
pub async fn list(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Query(params): Query<EnvironmentListParams>,
) -> AppResult<Json<EnvironmentList>> {
    authorize(&identity, Action::ReadInventory, Object::System)?;
    let kind = params
        .kind
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(|k| EnvironmentKind::parse("kind", k))
        .transpose()?;
    let items = environments::list(&state.db, kind)
        .await?
        .into_iter()
        .map(|e| EnvironmentJson::new(e, &state.config.public_url))
        .collect();
    Ok(Json(EnvironmentList { items }))
}

/// Loads an environment the user may read: a 403 for users without inventory access, a 404
/// for a missing environment.
pub async fn readable_environment(
    state: &AppState,
    identity: &Identity,
    id: i64,
) -> AppResult<Environment> {
    authorize(identity, Action::ReadInventory, Object::System)?;
    environments::get(&state.db, id)
        .await?
        .ok_or_else(AppError::not_found)
}

/// Reads an environment with its hosts and clients.
#[utoipa::path(get, path = "/api/v1/environments/{id}", tag = "inventory",
    params(("id" = i64, Path, description = "Environment id")),
    responses((status = 200, body = EnvironmentDetail), (status = 403), (status = 404)))]
pub async fn get(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Path(id): Path<String>,
) -> AppResult<Json<EnvironmentDetail>> {
    let environment = readable_environment(&state, &identity, path_id(&id)?).await?;
    let hosts = environments::hosts_of(&state.db, environment.id).await?;
    let clients = environments::clients_of(&state.db, environment.id).await?;
    let shops = environments::shops_of(&state.db, environment.id).await?;
    let running = releases::running_in(&state.db, environment.id).await?;
    let request =
        store::servicedesk::environment_requests::ticket_of_environment(&state.db, environment.id)
            .await?;
    let (request_ticket_id, request_ticket_number) = request.unzip();
    Ok(Json(EnvironmentDetail {
        request_ticket_id,
        request_ticket_number,
        environment: EnvironmentJson::new(environment, &state.config.public_url),
        hosts: hosts.into_iter().map(MemberJson::from).collect(),
        clients: clients.into_iter().map(MemberJson::from).collect(),
        shops: shops.into_iter().map(MemberJson::from).collect(),
        running: running.into_iter().map(RunningJson::from).collect(),
    }))
}

/// Body of `POST /environments`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateEnvironment {
    pub name: String,
    /// `dev`, `test`, `staging` or `prod`.
    pub kind: String,
    pub cluster_id: Option<i64>,
    pub description: Option<String>,
    /// The hosts the environment runs on.
    #[serde(default)]
    pub host_ids: Vec<i64>,
    /// The client companies whose shops it serves.
    #[serde(default)]
    pub client_ids: Vec<i64>,
    /// The shops it serves.
    #[serde(default)]
    pub shop_ids: Vec<i64>,
}

/// Creates an environment. A name another environment has is a 409 `duplicate`; an unknown
/// cluster, host or client id is a 422 naming the field.
#[utoipa::path(post, path = "/api/v1/environments", tag = "inventory",
    request_body = CreateEnvironment,
    responses((status = 201, body = EnvironmentJson), (status = 403), (status = 409),
        (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    Auth(identity): Auth,
    ApiJson(body): ApiJson<CreateEnvironment>,
) -> AppResult<Response> {
    authorize(&identity, Action::ManageInventory, Object::System)?;
    let draft = EnvironmentDraft {
        name: check_name("name", &body.name)?,
        kind: EnvironmentKind::parse("kind", &body.kind)?,
        cluster_id: body.cluster_id,
        description: optional_text("description", body.description.as_deref())?,
        host_ids: body.host_ids,
        client_ids: body.client_ids,
        shop_ids: body.shop_ids,
    };
    let environment =
        environments::create(&state.db, &draft, &author(&identity), domain::time::now()).await?;
    tracing::info!(environment_id = environment.id, "environment created");
    Ok((
        StatusCode::CREATED,
        Json(EnvironmentJson::new(environment, &state.config.public_url)),
    )
        .into_response())
}

/// Body of `PATCH /environments/{id}`: absent fields keep their values; `host_ids`,
/// `client_ids` and `shop_ids`, when present, replace the whole lists.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateEnvironment {
    pub name: Option<String>,
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub cluster_id: Option<Option<i64>>,
    /// An empty string clears the description.
    pub description: Option<String>,
    pub host_ids: Option<Vec<i64>>,
    pub client_ids: Option<Vec<i64>>,
    pub shop_ids: Option<Vec<i64>>,
    /// The version the change is based on.
    pub version: i64,
}

/// Changes an environment. A stale `version` is a 409 `conflict`.
#[utoipa::path(patch, path = "/api/v1/environments/{id}", tag = "inventory",
    request_body = UpdateEnvironment,
    params(("id" = i64, Path, description = "Environment id")),
    responses((status = 200, body = EnvironmentJson), (status = 403), (status = 404),
        (status = 409), (status = 422)))]
pub async fn update(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UpdateEnvironment>,
) -> AppResult<Json<EnvironmentJson>> {
    let current = readable_environment(&state, &identity, path_id(&id)?).await?;
    authorize(&identity, Action::ManageInventory, Object::System)?;
    let host_ids = match body.host_ids {
        Some(ids) => ids,
        None => ids_of(environments::hosts_of(&state.db, current.id).await?),
    };
    let client_ids = match body.client_ids {
        Some(ids) => ids,
        None => ids_of(environments::clients_of(&state.db, current.id).await?),
    };
    let shop_ids = match body.shop_ids {
        Some(ids) => ids,
        None => ids_of(environments::shops_of(&state.db, current.id).await?),
    };
    let description = match body.description.as_deref() {
        Some(text) => optional_text("description", Some(text))?,
        None => current.description.clone(),
    };
    let kind = match body.kind.as_deref() {
        Some(kind) => EnvironmentKind::parse("kind", kind)?,
        None => current.kind,
    };
    let draft = EnvironmentDraft {
        name: check_name("name", body.name.as_deref().unwrap_or(&current.name))?,
        kind,
        cluster_id: body.cluster_id.unwrap_or(current.cluster_id),
        description,
        host_ids,
        client_ids,
        shop_ids,
    };
    let saved = environments::update(
        &state.db,
        current.id,
        body.version,
        &draft,
        &author(&identity),
        domain::time::now(),
    )
    .await?;
    tracing::info!(
        environment_id = saved.id,
        version = saved.version,
        "environment saved"
    );
    Ok(Json(EnvironmentJson::new(saved, &state.config.public_url)))
}

fn ids_of(members: Vec<environments::Member>) -> Vec<i64> {
    members.into_iter().map(|m| m.id).collect()
}
