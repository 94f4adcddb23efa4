//! Release and deployment routes of the JSON API. A deployment tool posts each deployment
//! with an API token whose owner may record deployments (developer, support or admin).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, Utc};
use domain::identity::{Action, Object};
use domain::infra::DeploymentResult;
use domain::infra::inventory::check_name;
use serde::{Deserialize, Serialize};
use store::infra::environments;
use store::infra::releases::{
    self, Deployment, DeploymentFilter, FixedTicket, NewDeployment, Release, Running,
};
use utoipa::{IntoParams, ToSchema};

use super::inventory::optional_text;
use super::json::ApiJson;
use super::tickets::{DEFAULT_LIMIT, MAX_LIMIT, parse_bounded, path_id};
use crate::context::{Auth, Identity};
use crate::error::{AppError, AppResult};
use crate::query::Query;
use crate::servicedesk::access::{author, authorize, readable_ticket};
use crate::state::AppState;

/// How far a reported deployment time may lie ahead of the server's clock, for clock skew.
const CLOCK_SKEW: Duration = Duration::minutes(5);

/// A release as the API returns it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReleaseJson {
    pub id: i64,
    pub service: String,
    pub version: String,
    pub notes: Option<String>,
    /// The login of the user who recorded it.
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<Release> for ReleaseJson {
    fn from(release: Release) -> Self {
        ReleaseJson {
            id: release.id,
            service: release.service,
            version: release.version,
            notes: release.notes,
            created_by: release.created_by,
            created_at: release.created_at,
        }
    }
}

/// A deployment as the API returns it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeploymentJson {
    pub id: i64,
    pub release_id: i64,
    pub service: String,
    pub version: String,
    pub environment: String,
    pub environment_id: i64,
    /// When the deployment finished.
    pub deployed_at: DateTime<Utc>,
    pub deployed_by: String,
    /// `succeeded`, `failed` or `rolled_back`.
    pub result: String,
    pub recorded_at: DateTime<Utc>,
}

impl From<Deployment> for DeploymentJson {
    fn from(deployment: Deployment) -> Self {
        DeploymentJson {
            id: deployment.id,
            release_id: deployment.release_id,
            service: deployment.service,
            version: deployment.version,
            environment: deployment.environment,
            environment_id: deployment.environment_id,
            deployed_at: deployment.deployed_at,
            deployed_by: deployment.deployed_by,
            result: deployment.result.to_string(),
            recorded_at: deployment.recorded_at,
        }
    }
}

/// The version of a service that runs in an environment.
#[derive(Debug, Serialize, ToSchema)]
pub struct RunningJson {
    pub service: String,
    pub version: String,
    pub release_id: i64,
    /// When the deployment that put this version there finished.
    pub deployed_at: DateTime<Utc>,
    pub deployed_by: String,
}

impl From<Running> for RunningJson {
    fn from(running: Running) -> Self {
        RunningJson {
            service: running.service,
            version: running.version,
            release_id: running.release_id,
            deployed_at: running.deployed_at,
            deployed_by: running.deployed_by,
        }
    }
}

/// A bug ticket a release fixes.
#[derive(Debug, Serialize, ToSchema)]
pub struct FixedTicketJson {
    pub id: i64,
    pub number: String,
    pub title: String,
    pub status: String,
}

impl From<FixedTicket> for FixedTicketJson {
    fn from(ticket: FixedTicket) -> Self {
        FixedTicketJson {
            id: ticket.id,
            number: ticket.number,
            title: ticket.title,
            status: ticket.status,
        }
    }
}

/// A release with its deployments and the bugs it fixes.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReleaseDetail {
    #[serde(flatten)]
    pub release: ReleaseJson,
    /// Newest first.
    pub deployments: Vec<DeploymentJson>,
    pub fixes: Vec<FixedTicketJson>,
}

/// Releases, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReleaseList {
    pub items: Vec<ReleaseJson>,
}

/// Filters of `GET /releases`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReleaseListParams {
    /// One service's releases, by name.
    pub service: Option<String>,
    /// Only the release that fixes this ticket.
    pub ticket_id: Option<String>,
    /// At most this many, 1 to 1000 (default 50).
    pub limit: Option<String>,
}

/// Lists releases newest first.
#[utoipa::path(get, path = "/api/v1/releases", tag = "deployments", params(ReleaseListParams),
    responses((status = 200, body = ReleaseList), (status = 403), (status = 422)))]
pub async fn list_releases(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Query(params): Query<ReleaseListParams>,
) -> AppResult<Json<ReleaseList>> {
    authorize(&identity, Action::ReadInventory, Object::System)?;
    let limit = limit_of(params.limit.as_deref())?;
    if let Some(ticket) = present(params.ticket_id.as_deref()) {
        let ticket = readable_ticket(&state, &identity, path_id(ticket)?).await?;
        let release = releases::release_fixing(&state.db, ticket.id).await?;
        let items = release.into_iter().map(ReleaseJson::from).collect();
        return Ok(Json(ReleaseList { items }));
    }
    let service_id = match present(params.service.as_deref()) {
        Some(name) => Some(service_named(&state, name).await?),
        None => None,
    };
    let items = releases::list_releases(&state.db, service_id, limit)
        .await?
        .into_iter()
        .map(ReleaseJson::from)
        .collect();
    Ok(Json(ReleaseList { items }))
}

fn present(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

fn limit_of(value: Option<&str>) -> Result<i64, domain::Invalid> {
    match present(value) {
        Some(limit) => parse_bounded("limit", limit, 1, MAX_LIMIT),
        None => Ok(DEFAULT_LIMIT),
    }
}

/// Finds a service's id by name, or returns an invalid `service`.
async fn service_named(state: &AppState, name: &str) -> AppResult<i64> {
    let service = environments::find_service(&state.db, name).await?;
    service.map(|s| s.id).ok_or_else(|| {
        domain::Invalid::new("service", "inventory-unknown-service")
            .arg("value", name)
            .into()
    })
}

/// Reads a release with its deployments and the bugs it fixes.
#[utoipa::path(get, path = "/api/v1/releases/{id}", tag = "deployments",
    params(("id" = i64, Path, description = "Release id")),
    responses((status = 200, body = ReleaseDetail), (status = 403), (status = 404)))]
pub async fn get_release(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Path(id): Path<String>,
) -> AppResult<Json<ReleaseDetail>> {
    authorize(&identity, Action::ReadInventory, Object::System)?;
    let release = releases::get_release(&state.db, path_id(&id)?)
        .await?
        .ok_or_else(AppError::not_found)?;
    Ok(Json(release_detail(&state, release).await?))
}

async fn release_detail(state: &AppState, release: Release) -> AppResult<ReleaseDetail> {
    let filter = DeploymentFilter {
        release_id: Some(release.id),
        ..DeploymentFilter::default()
    };
    let deployments = releases::list_deployments(&state.db, &filter, MAX_LIMIT).await?;
    let fixes = releases::fixed_tickets(&state.db, release.id).await?;
    Ok(ReleaseDetail {
        release: release.into(),
        deployments: deployments.into_iter().map(DeploymentJson::from).collect(),
        fixes: fixes.into_iter().map(FixedTicketJson::from).collect(),
    })
}

/// Body of `POST /releases`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRelease {
    /// The service's name.
    pub service: String,
    /// Unique within the service, such as `2.4.1`.
    pub version: String,
    pub notes: Option<String>,
}

/// Records a release. An unknown service is a 422; a version the service has already is a
/// 409 `duplicate`.
#[utoipa::path(post, path = "/api/v1/releases", tag = "deployments", request_body = CreateRelease,
    responses((status = 201, body = ReleaseJson), (status = 403), (status = 409),
        (status = 422)))]
pub async fn create_release(
    State(state): State<AppState>,
    Auth(identity): Auth,
    ApiJson(body): ApiJson<CreateRelease>,
) -> AppResult<Response> {
    authorize(&identity, Action::RecordDeployments, Object::System)?;
    let release = record_release(&state, &identity, &body).await?;
    Ok((StatusCode::CREATED, Json(ReleaseJson::from(release))).into_response())
}

/// Checks a release in the order `service`, `version`, `notes` and records it, for the API
/// and the release form.
pub async fn record_release(
    state: &AppState,
    identity: &Identity,
    body: &CreateRelease,
) -> AppResult<Release> {
    let service = check_name("service", &body.service)?;
    let version = check_name("version", &body.version)?;
    let notes = optional_text("notes", body.notes.as_deref())?;
    let release = releases::create_release(
        &state.db,
        &service,
        &version,
        notes.as_deref(),
        &author(identity),
        domain::time::now(),
    )
    .await?;
    tracing::info!(release_id = release.id, service = %release.service, version = %release.version, "release recorded");
    Ok(release)
}

/// Body of `POST /releases/{id}/fixes`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkFix {
    /// A bug ticket; an earlier link of the ticket to another release is replaced.
    pub ticket_id: i64,
}

/// Links a bug ticket to the release that fixes it and returns the release. A ticket of
/// another kind is a 422; a ticket the user may not see is a 404.
#[utoipa::path(post, path = "/api/v1/releases/{id}/fixes", tag = "deployments",
    request_body = LinkFix, params(("id" = i64, Path, description = "Release id")),
    responses((status = 200, body = ReleaseDetail), (status = 403), (status = 404),
        (status = 422)))]
pub async fn link_fix(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<LinkFix>,
) -> AppResult<Json<ReleaseDetail>> {
    authorize(&identity, Action::RecordDeployments, Object::System)?;
    let release = releases::get_release(&state.db, path_id(&id)?)
        .await?
        .ok_or_else(AppError::not_found)?;
    let ticket = readable_ticket(&state, &identity, body.ticket_id).await?;
    link_release_fix(&state, &identity, &release, ticket.id).await?;
    Ok(Json(release_detail(&state, release).await?))
}

/// Links a bug ticket the user may read to the release that fixes it, for the API and the
/// ticket page. A ticket of another kind is an invalid `ticket_id`.
pub async fn link_release_fix(
    state: &AppState,
    identity: &Identity,
    release: &Release,
    ticket_id: i64,
) -> AppResult<()> {
    releases::link_fix(
        &state.db,
        release.id,
        ticket_id,
        &author(identity),
        domain::time::now(),
    )
    .await?;
    tracing::info!(
        release_id = release.id,
        ticket_id,
        "bug linked to its fixing release"
    );
    Ok(())
}

/// Body of `POST /deployments`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDeployment {
    /// The service's name.
    pub service: String,
    /// The deployed version; a release of it is recorded when missing.
    pub version: String,
    /// The environment's name.
    pub environment: String,
    /// `succeeded`, `failed` or `rolled_back`.
    pub result: String,
    /// When the deployment finished, RFC 3339; now when absent.
    pub deployed_at: Option<DateTime<Utc>>,
    /// The person or tool that deployed, such as the one who started the pipeline; the
    /// token owner's login when absent.
    pub deployed_by: Option<String>,
}

/// The response to `POST /deployments`.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeploymentSaved {
    #[serde(flatten)]
    pub deployment: DeploymentJson,
    /// Whether the release was recorded by this request.
    pub release_created: bool,
}

/// Records a deployment of a service version to an environment, for a deployment tool. An
/// unknown service or environment, or a time in the future, is a 422 naming the field.
#[utoipa::path(post, path = "/api/v1/deployments", tag = "deployments",
    request_body = CreateDeployment,
    responses((status = 201, body = DeploymentSaved), (status = 401), (status = 403),
        (status = 422)))]
pub async fn create_deployment(
    State(state): State<AppState>,
    Auth(identity): Auth,
    ApiJson(body): ApiJson<CreateDeployment>,
) -> AppResult<Response> {
    authorize(&identity, Action::RecordDeployments, Object::System)?;
    let (deployment, release_created) = record_deployment(&state, &identity, &body).await?;
    let saved = DeploymentSaved {
        deployment: deployment.into(),
        release_created,
    };
    Ok((StatusCode::CREATED, Json(saved)).into_response())
}

/// Checks a deployment and records it, with its release when the version is new, for the API
/// and the deployment form. Returns the deployment and whether its release was recorded now.
pub async fn record_deployment(
    state: &AppState,
    identity: &Identity,
    body: &CreateDeployment,
) -> AppResult<(Deployment, bool)> {
    let now = domain::time::now();
    let service = check_name("service", &body.service)?;
    let version = check_name("version", &body.version)?;
    let environment = check_name("environment", &body.environment)?;
    let result = DeploymentResult::parse("result", &body.result)?;

    let deployed_at = body.deployed_at.unwrap_or(now);
    if deployed_at > now + CLOCK_SKEW {
        return Err(
            domain::Invalid::new("deployed_at", "inventory-deployed-in-future")
                .arg("value", deployed_at.to_rfc3339())
                .into(),
        );
    }
    let deployed_by = match present(body.deployed_by.as_deref()) {
        Some(name) => check_name("deployed_by", name)?,
        None => identity.user.login.clone(),
    };

    let new = NewDeployment {
        service,
        version,
        environment,
        result,
        deployed_at,
        deployed_by,
    };
    let (deployment, release_created) =
        releases::record_deployment(&state.db, &new, &author(identity), now).await?;
    tracing::info!(
        deployment_id = deployment.id,
        release_id = deployment.release_id,
        environment_id = deployment.environment_id,
        result = %deployment.result,
        "deployment recorded"
    );
    Ok((deployment, release_created))
}

/// Filters of `GET /deployments`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeploymentListParams {
    /// One environment's deployments, by name.
    pub environment: Option<String>,
    /// One service's deployments, by name.
    pub service: Option<String>,
    /// At most this many, 1 to 1000 (default 50).
    pub limit: Option<String>,
}

/// Deployments, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeploymentList {
    pub items: Vec<DeploymentJson>,
}

/// Lists deployments newest first.
#[utoipa::path(get, path = "/api/v1/deployments", tag = "deployments",
    params(DeploymentListParams),
    responses((status = 200, body = DeploymentList), (status = 403), (status = 422)))]
pub async fn list_deployments(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Query(params): Query<DeploymentListParams>,
) -> AppResult<Json<DeploymentList>> {
    authorize(&identity, Action::ReadInventory, Object::System)?;
    let limit = limit_of(params.limit.as_deref())?;
    let mut filter = DeploymentFilter::default();
    if let Some(name) = present(params.service.as_deref()) {
        filter.service_id = Some(service_named(&state, name).await?);
    }
    if let Some(name) = present(params.environment.as_deref()) {
        let found = environments::list(&state.db, None)
            .await?
            .into_iter()
            .find(|e| e.name == name);
        let Some(environment) = found else {
            return Err(
                domain::Invalid::new("environment", "inventory-unknown-environment")
                    .arg("value", name)
                    .into(),
            );
        };
        filter.environment_id = Some(environment.id);
    }
    let items = releases::list_deployments(&state.db, &filter, limit)
        .await?
        .into_iter()
        .map(DeploymentJson::from)
        .collect();
    Ok(Json(DeploymentList { items }))
}
