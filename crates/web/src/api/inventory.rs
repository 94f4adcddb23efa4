//! Inventory routes of the JSON API: sites with their racks, clusters and services. Hosts
//! and environments have their own modules.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use domain::identity::{Action, Object};
use domain::infra::SiteKind;
use domain::infra::inventory::{CloudPlacement, check_name, check_site};
use serde::{Deserialize, Serialize};
use store::infra::SiteDraft;
use store::infra::environments::{self, Service};
use store::infra::sites::{self, Cluster, Rack, Site};
use utoipa::ToSchema;

use super::json::ApiJson;
use super::tickets::path_id;
use crate::context::Auth;
use crate::error::{AppError, AppResult};
use crate::servicedesk::access::{author, authorize};
use crate::state::AppState;

/// A rack in a site.
#[derive(Debug, Serialize, ToSchema)]
pub struct RackJson {
    pub id: i64,
    pub site_id: i64,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

impl From<Rack> for RackJson {
    fn from(rack: Rack) -> Self {
        RackJson {
            id: rack.id,
            site_id: rack.site_id,
            name: rack.name,
            created_at: rack.created_at,
        }
    }
}

/// A site as the API returns it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SiteJson {
    pub id: i64,
    pub name: String,
    /// `own_data_centre`, `colocation` or `cloud_region`.
    pub kind: String,
    /// Cloud regions only: the provider, such as `Yandex Cloud`.
    pub cloud_provider: Option<String>,
    /// Cloud regions only: the account, folder or contract id at the provider.
    pub cloud_account: Option<String>,
    /// Cloud regions only: the provider's region code, such as `ru-central1`.
    pub cloud_region: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Site> for SiteJson {
    fn from(site: Site) -> Self {
        let cloud = site.cloud;
        SiteJson {
            id: site.id,
            name: site.name,
            kind: site.kind.to_string(),
            cloud_provider: cloud.as_ref().map(|c| c.provider.clone()),
            cloud_account: cloud.as_ref().map(|c| c.account.clone()),
            cloud_region: cloud.map(|c| c.region),
            version: site.version,
            created_at: site.created_at,
            updated_at: site.updated_at,
        }
    }
}

/// A site with its racks.
#[derive(Debug, Serialize, ToSchema)]
pub struct SiteDetail {
    #[serde(flatten)]
    pub site: SiteJson,
    pub racks: Vec<RackJson>,
}

/// Every site.
#[derive(Debug, Serialize, ToSchema)]
pub struct SiteList {
    pub items: Vec<SiteJson>,
}

/// Body of `POST /sites`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSite {
    pub name: String,
    /// `own_data_centre`, `colocation` or `cloud_region`.
    pub kind: String,
    /// Required for a cloud region, invalid for other kinds, like the two fields below.
    pub cloud_provider: Option<String>,
    pub cloud_account: Option<String>,
    pub cloud_region: Option<String>,
}

impl CreateSite {
    /// Checks the body in the order `name`, `kind`, then the cloud placement.
    pub fn check(&self) -> Result<SiteDraft, domain::Invalid> {
        let name = check_name("name", &self.name)?;
        let kind = SiteKind::parse("kind", &self.kind)?;
        let any = [
            &self.cloud_provider,
            &self.cloud_account,
            &self.cloud_region,
        ]
        .into_iter()
        .any(|v| given(v).is_some());
        let placement = any.then(|| CloudPlacement {
            provider: given(&self.cloud_provider).unwrap_or_default().to_string(),
            account: given(&self.cloud_account).unwrap_or_default().to_string(),
            region: given(&self.cloud_region).unwrap_or_default().to_string(),
        });
        let cloud = check_site(kind, placement)?;
        for (field, value) in [
            ("cloud_provider", &self.cloud_provider),
            ("cloud_account", &self.cloud_account),
            ("cloud_region", &self.cloud_region),
        ] {
            if let Some(value) = given(value) {
                check_name(field, value)?;
            }
        }
        Ok(SiteDraft { name, kind, cloud })
    }
}

/// Returns a trimmed optional text, `None` when blank.
fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// Lists every site by name.
#[utoipa::path(get, path = "/api/v1/sites", tag = "inventory",
    responses((status = 200, body = SiteList), (status = 401), (status = 403)))]
pub async fn list_sites(
    State(state): State<AppState>,
    Auth(identity): Auth,
) -> AppResult<Json<SiteList>> {
    authorize(&identity, Action::ReadInventory, Object::System)?;
    let items = sites::list_sites(&state.db)
        .await?
        .into_iter()
        .map(SiteJson::from)
        .collect();
    Ok(Json(SiteList { items }))
}

/// Reads a site with its racks.
#[utoipa::path(get, path = "/api/v1/sites/{id}", tag = "inventory",
    params(("id" = i64, Path, description = "Site id")),
    responses((status = 200, body = SiteDetail), (status = 403), (status = 404)))]
pub async fn get_site(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Path(id): Path<String>,
) -> AppResult<Json<SiteDetail>> {
    authorize(&identity, Action::ReadInventory, Object::System)?;
    let site = sites::get_site(&state.db, path_id(&id)?)
        .await?
        .ok_or_else(AppError::not_found)?;
    let racks = sites::list_racks(&state.db, site.id).await?;
    Ok(Json(SiteDetail {
        site: site.into(),
        racks: racks.into_iter().map(RackJson::from).collect(),
    }))
}

/// Creates a site. A name another site has is a 409 `duplicate`.
#[utoipa::path(post, path = "/api/v1/sites", tag = "inventory", request_body = CreateSite,
    responses((status = 201, body = SiteJson), (status = 403), (status = 409), (status = 422)))]
pub async fn create_site(
    State(state): State<AppState>,
    Auth(identity): Auth,
    ApiJson(body): ApiJson<CreateSite>,
) -> AppResult<Response> {
    authorize(&identity, Action::ManageInventory, Object::System)?;
    let draft = body.check()?;
    let site =
        sites::create_site(&state.db, &draft, &author(&identity), domain::time::now()).await?;
    tracing::info!(site_id = site.id, "site created");
    Ok((StatusCode::CREATED, Json(SiteJson::from(site))).into_response())
}

/// Body of `POST /sites/{id}/racks`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRack {
    /// Unique within the site.
    pub name: String,
}

/// Adds a rack to a site. A name the site's other racks have is a 409 `duplicate`.
#[utoipa::path(post, path = "/api/v1/sites/{id}/racks", tag = "inventory",
    request_body = CreateRack, params(("id" = i64, Path, description = "Site id")),
    responses((status = 201, body = RackJson), (status = 403), (status = 404), (status = 409),
        (status = 422)))]
pub async fn create_rack(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<CreateRack>,
) -> AppResult<Response> {
    authorize(&identity, Action::ManageInventory, Object::System)?;
    let site_id = path_id(&id)?;
    let name = check_name("name", &body.name)?;
    let rack = sites::create_rack(
        &state.db,
        site_id,
        &name,
        &author(&identity),
        domain::time::now(),
    )
    .await?;
    tracing::info!(site_id, rack_id = rack.id, "rack created");
    Ok((StatusCode::CREATED, Json(RackJson::from(rack))).into_response())
}

/// A cluster of interchangeable hosts.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClusterJson {
    pub id: i64,
    pub name: String,
    pub site_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

impl From<Cluster> for ClusterJson {
    fn from(cluster: Cluster) -> Self {
        ClusterJson {
            id: cluster.id,
            name: cluster.name,
            site_id: cluster.site_id,
            created_at: cluster.created_at,
        }
    }
}

/// Every cluster.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClusterList {
    pub items: Vec<ClusterJson>,
}

/// Body of `POST /clusters`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCluster {
    pub name: String,
    /// The site the cluster's hosts stand at, if one.
    pub site_id: Option<i64>,
}

/// Lists every cluster by name.
#[utoipa::path(get, path = "/api/v1/clusters", tag = "inventory",
    responses((status = 200, body = ClusterList), (status = 401), (status = 403)))]
pub async fn list_clusters(
    State(state): State<AppState>,
    Auth(identity): Auth,
) -> AppResult<Json<ClusterList>> {
    authorize(&identity, Action::ReadInventory, Object::System)?;
    let items = sites::list_clusters(&state.db)
        .await?
        .into_iter()
        .map(ClusterJson::from)
        .collect();
    Ok(Json(ClusterList { items }))
}

/// Creates a cluster. A name another cluster has is a 409 `duplicate`.
#[utoipa::path(post, path = "/api/v1/clusters", tag = "inventory", request_body = CreateCluster,
    responses((status = 201, body = ClusterJson), (status = 403), (status = 409),
        (status = 422)))]
pub async fn create_cluster(
    State(state): State<AppState>,
    Auth(identity): Auth,
    ApiJson(body): ApiJson<CreateCluster>,
) -> AppResult<Response> {
    authorize(&identity, Action::ManageInventory, Object::System)?;
    let name = check_name("name", &body.name)?;
    let cluster = sites::create_cluster(
        &state.db,
        &name,
        body.site_id,
        &author(&identity),
        domain::time::now(),
    )
    .await?;
    tracing::info!(cluster_id = cluster.id, "cluster created");
    Ok((StatusCode::CREATED, Json(ClusterJson::from(cluster))).into_response())
}

/// A deployable service.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceJson {
    pub id: i64,
    pub name: String,
    pub description: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<Service> for ServiceJson {
    fn from(service: Service) -> Self {
        ServiceJson {
            id: service.id,
            name: service.name,
            description: service.description,
            created_at: service.created_at,
        }
    }
}

/// Every service.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceList {
    pub items: Vec<ServiceJson>,
}

/// Body of `POST /services`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateService {
    /// Unique, such as `storefront`; deployments name the service by it.
    pub name: String,
    pub description: Option<String>,
}

/// Lists every service by name.
#[utoipa::path(get, path = "/api/v1/services", tag = "inventory",
    responses((status = 200, body = ServiceList), (status = 401), (status = 403)))]
pub async fn list_services(
    State(state): State<AppState>,
    Auth(identity): Auth,
) -> AppResult<Json<ServiceList>> {
    authorize(&identity, Action::ReadInventory, Object::System)?;
    let items = environments::list_services(&state.db)
        .await?
        .into_iter()
        .map(ServiceJson::from)
        .collect();
    Ok(Json(ServiceList { items }))
}

/// Creates a service. A name another service has is a 409 `duplicate`.
#[utoipa::path(post, path = "/api/v1/services", tag = "inventory", request_body = CreateService,
    responses((status = 201, body = ServiceJson), (status = 403), (status = 409),
        (status = 422)))]
pub async fn create_service(
    State(state): State<AppState>,
    Auth(identity): Auth,
    ApiJson(body): ApiJson<CreateService>,
) -> AppResult<Response> {
    authorize(&identity, Action::ManageInventory, Object::System)?;
    let name = check_name("name", &body.name)?;
    let description = optional_text("description", body.description.as_deref())?;
    let service = environments::create_service(
        &state.db,
        &name,
        description.as_deref(),
        &author(&identity),
        domain::time::now(),
    )
    .await?;
    tracing::info!(service_id = service.id, "service created");
    Ok((StatusCode::CREATED, Json(ServiceJson::from(service))).into_response())
}

/// Maximum length of a free-text description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 4000;

/// Checks optional free text: blank is absent; at most [`MAX_DESCRIPTION_CHARS`] characters
/// and no control characters but tab and line breaks.
pub fn optional_text(field: &str, value: Option<&str>) -> Result<Option<String>, domain::Invalid> {
    let Some(text) = value.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if text.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(domain::Invalid::new(field, "error-too-long").arg("max", MAX_DESCRIPTION_CHARS));
    }
    domain::text::check_characters(field, text)?;
    Ok(Some(text.to_string()))
}
