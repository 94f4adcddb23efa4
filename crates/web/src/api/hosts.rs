//! Host routes of the JSON API: the inventory's hosts with their hardware, place, lifecycle
//! status and environments.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use domain::identity::{Action, Object};
use domain::infra::inventory::{HostResources, check_name};
use domain::infra::{HostKind, HostStatus};
use serde::{Deserialize, Serialize};
use store::infra::environments::{self, Member};
use store::infra::hosts::{self, Host};
use store::infra::{HostDraft, HostListQuery};
use utoipa::{IntoParams, ToSchema};

use super::json::{ApiJson, double_option};
use super::tickets::{DEFAULT_LIMIT, MAX_LIMIT, parse_bounded, path_id};
use crate::context::{Auth, Identity};
use crate::error::{AppError, AppResult};
use crate::query::Query;
use crate::servicedesk::access::{author, authorize};
use crate::state::AppState;

/// A host as the API returns it.
#[derive(Debug, Serialize, ToSchema)]
pub struct HostJson {
    pub id: i64,
    /// The name imports and Zabbix use, such as `db-01`.
    pub technical_name: String,
    /// `physical` or `virtual`; `null` for a host that only a metric import created.
    pub kind: Option<String>,
    /// `planned`, `active`, `decommissioning` or `retired`.
    pub status: String,
    pub site_id: Option<i64>,
    pub site: Option<String>,
    pub rack_id: Option<i64>,
    pub rack: Option<String>,
    pub cluster_id: Option<i64>,
    pub cluster: Option<String>,
    /// Logical CPU cores.
    pub cores: Option<i64>,
    /// RAM in bytes.
    pub ram_bytes: Option<i64>,
    /// Local storage in bytes.
    pub storage_bytes: Option<i64>,
    /// Zabbix's `hostid`.
    pub zabbix_host_id: Option<i64>,
    /// When the last host sync found the host in Zabbix.
    pub zabbix_seen_at: Option<DateTime<Utc>>,
    /// Since when host syncs no longer find the host in Zabbix.
    pub zabbix_missing_since: Option<DateTime<Utc>>,
    /// Increases with every change; send it back to change the host.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The host's card.
    pub url: String,
}

impl HostJson {
    /// Converts a stored host; `public_url` makes the card link absolute.
    pub fn new(host: Host, public_url: &str) -> HostJson {
        let resources = host.resources;
        HostJson {
            url: format!("{public_url}/infra/hosts/{}", host.id),
            id: host.id,
            technical_name: host.technical_name,
            kind: host.kind.map(|k| k.to_string()),
            status: host.status.to_string(),
            site_id: host.site_id,
            site: host.site_name,
            rack_id: host.rack_id,
            rack: host.rack_name,
            cluster_id: host.cluster_id,
            cluster: host.cluster_name,
            cores: resources.map(|r| r.cores),
            ram_bytes: resources.map(|r| r.ram_bytes),
            storage_bytes: resources.map(|r| r.storage_bytes),
            zabbix_host_id: host.zabbix_host_id,
            zabbix_seen_at: host.zabbix_seen_at,
            zabbix_missing_since: host.zabbix_missing_since,
            version: host.version,
            created_at: host.created_at,
            updated_at: host.updated_at,
        }
    }
}

/// An object linked to another, by id and name.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberJson {
    pub id: i64,
    pub name: String,
}

impl From<Member> for MemberJson {
    fn from(member: Member) -> Self {
        MemberJson {
            id: member.id,
            name: member.name,
        }
    }
}

/// A host with the environments it serves.
#[derive(Debug, Serialize, ToSchema)]
pub struct HostDetail {
    #[serde(flatten)]
    pub host: HostJson,
    pub environments: Vec<MemberJson>,
}

/// A page of hosts.
#[derive(Debug, Serialize, ToSchema)]
pub struct HostList {
    pub items: Vec<HostJson>,
    /// Matches in total, for paging.
    pub total: i64,
}

/// Search, filters and paging of `GET /hosts`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HostListParams {
    /// Text in the technical name, in any letter case.
    pub q: Option<String>,
    /// One status.
    pub status: Option<String>,
    /// One site's hosts.
    pub site_id: Option<String>,
    /// One cluster's hosts.
    pub cluster_id: Option<String>,
    /// Page size, 1 to 1000 (default 50).
    pub limit: Option<String>,
    /// Hosts to skip (default 0).
    pub offset: Option<String>,
}

impl HostListParams {
    /// Validates the parameters into a store query.
    pub fn to_query(&self) -> Result<HostListQuery, domain::Invalid> {
        let present = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        let id = |field: &str, v: &Option<String>| {
            present(v)
                .map(|v| parse_bounded(field, &v, 1, i64::MAX))
                .transpose()
        };
        Ok(HostListQuery {
            text: present(&self.q),
            status: present(&self.status)
                .map(|s| HostStatus::parse("status", &s))
                .transpose()?,
            site_id: id("site_id", &self.site_id)?,
            cluster_id: id("cluster_id", &self.cluster_id)?,
            limit: match present(&self.limit) {
                Some(limit) => parse_bounded("limit", &limit, 1, MAX_LIMIT)?,
                None => DEFAULT_LIMIT,
            },
            offset: match present(&self.offset) {
                Some(offset) => parse_bounded("offset", &offset, 0, i64::MAX)?,
                None => 0,
            },
        })
    }
}

/// Lists hosts by technical name.
#[utoipa::path(get, path = "/api/v1/hosts", tag = "inventory", params(HostListParams),
    responses((status = 200, body = HostList), (status = 401), (status = 403), (status = 422)))]
pub async fn list(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Query(params): Query<HostListParams>,
) -> AppResult<Json<HostList>> {
    authorize(&identity, Action::ReadInventory, Object::System)?;
    let query = params.to_query()?;
    let (found, total) = hosts::list(&state.db, &query).await?;
    let items = found
        .into_iter()
        .map(|h| HostJson::new(h, &state.config.public_url))
        .collect();
    Ok(Json(HostList { items, total }))
}

/// Loads a host the user may read: a 403 for users without inventory access, a 404 for a
/// missing host.
pub async fn readable_host(state: &AppState, identity: &Identity, id: i64) -> AppResult<Host> {
    authorize(identity, Action::ReadInventory, Object::System)?;
    hosts::get(&state.db, id)
        .await?
        .ok_or_else(AppError::not_found)
}

/// Reads a host with the environments it serves.
#[utoipa::path(get, path = "/api/v1/hosts/{id}", tag = "inventory",
    params(("id" = i64, Path, description = "Host id")),
    responses((status = 200, body = HostDetail), (status = 403), (status = 404)))]
pub async fn get(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Path(id): Path<String>,
) -> AppResult<Json<HostDetail>> {
    let host = readable_host(&state, &identity, path_id(&id)?).await?;
    let environments = environments::environments_of_host(&state.db, host.id).await?;
    Ok(Json(HostDetail {
        host: HostJson::new(host, &state.config.public_url),
        environments: environments.into_iter().map(MemberJson::from).collect(),
    }))
}

/// Body of `POST /hosts`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateHost {
    /// The name imports and Zabbix use. A host of this name that only a metric import
    /// created is described by this request and keeps its metrics.
    pub technical_name: String,
    /// `physical` or `virtual`.
    pub kind: String,
    /// `planned` (default) or `active`.
    pub status: Option<String>,
    pub site_id: Option<i64>,
    /// A rack of the host's site; the site is taken from the rack when absent.
    pub rack_id: Option<i64>,
    pub cluster_id: Option<i64>,
    /// Logical CPU cores, at least 1.
    pub cores: i64,
    /// RAM in bytes, at least 1.
    pub ram_bytes: i64,
    /// Local storage in bytes; 0 for a diskless host.
    pub storage_bytes: i64,
    /// Zabbix's `hostid`, a positive integer.
    pub zabbix_host_id: Option<i64>,
}

/// The fields of a host before their check, from the API or the host form.
pub(crate) struct HostInput<'a> {
    pub technical_name: &'a str,
    pub kind: &'a str,
    pub status: &'a str,
    pub site_id: Option<i64>,
    pub rack_id: Option<i64>,
    pub cluster_id: Option<i64>,
    pub resources: HostResources,
    pub zabbix_host_id: Option<i64>,
}

impl HostInput<'_> {
    /// Checks the fields in the order `technical_name`, `kind`, `status`, `cores`,
    /// `ram_bytes`, `storage_bytes`, `zabbix_host_id`.
    pub fn check(&self) -> Result<HostDraft, domain::Invalid> {
        let technical_name = check_name("technical_name", self.technical_name)?;
        let kind = HostKind::parse("kind", self.kind)?;
        let status = HostStatus::parse("status", self.status)?;
        let resources = self.resources.check()?;
        if let Some(id) = self.zabbix_host_id.filter(|id| *id <= 0) {
            return Err(
                domain::Invalid::new("zabbix_host_id", "infra-zabbix-host-id-invalid")
                    .arg("value", id),
            );
        }
        Ok(HostDraft {
            technical_name,
            kind,
            status,
            site_id: self.site_id,
            rack_id: self.rack_id,
            cluster_id: self.cluster_id,
            resources,
            zabbix_host_id: self.zabbix_host_id,
        })
    }
}

/// Creates a host. A described host with the technical name or a used Zabbix host id is a
/// 409 `duplicate`. An unknown site, rack or cluster id, or a rack of another site, is a 422.
#[utoipa::path(post, path = "/api/v1/hosts", tag = "inventory", request_body = CreateHost,
    responses((status = 201, body = HostJson), (status = 403), (status = 409), (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    Auth(identity): Auth,
    ApiJson(body): ApiJson<CreateHost>,
) -> AppResult<Response> {
    authorize(&identity, Action::ManageInventory, Object::System)?;
    let input = HostInput {
        technical_name: &body.technical_name,
        kind: &body.kind,
        status: body.status.as_deref().unwrap_or("planned"),
        site_id: body.site_id,
        rack_id: body.rack_id,
        cluster_id: body.cluster_id,
        resources: HostResources {
            cores: body.cores,
            ram_bytes: body.ram_bytes,
            storage_bytes: body.storage_bytes,
        },
        zabbix_host_id: body.zabbix_host_id,
    };
    let draft = input.check()?;
    let host = hosts::create(&state.db, &draft, &author(&identity), domain::time::now()).await?;
    tracing::info!(host_id = host.id, technical_name = %host.technical_name, "host saved");
    Ok((
        StatusCode::CREATED,
        Json(HostJson::new(host, &state.config.public_url)),
    )
        .into_response())
}

/// Body of `PATCH /hosts/{id}`: absent fields keep their values, `null` clears a site, rack,
/// cluster or Zabbix host id. A status change must be one step of `planned → active →
/// decommissioning → retired`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateHost {
    pub technical_name: Option<String>,
    pub kind: Option<String>,
    pub status: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub site_id: Option<Option<i64>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub rack_id: Option<Option<i64>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub cluster_id: Option<Option<i64>>,
    pub cores: Option<i64>,
    pub ram_bytes: Option<i64>,
    pub storage_bytes: Option<i64>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub zabbix_host_id: Option<Option<i64>>,
    /// The version the change is based on.
    pub version: i64,
}

/// Changes a host. A stale `version` is a 409 `conflict`, a skipped or backward status step
/// a 409 `invalid_transition`. A host that only a metric import created needs `kind`, `cores`,
/// `ram_bytes` and `storage_bytes` in its first change.
#[utoipa::path(patch, path = "/api/v1/hosts/{id}", tag = "inventory", request_body = UpdateHost,
    params(("id" = i64, Path, description = "Host id")),
    responses((status = 200, body = HostJson), (status = 403), (status = 404), (status = 409),
        (status = 422)))]
pub async fn update(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UpdateHost>,
) -> AppResult<Json<HostJson>> {
    let host = readable_host(&state, &identity, path_id(&id)?).await?;
    authorize(&identity, Action::ManageInventory, Object::System)?;
    let draft = merged(&body, &host)?;
    let saved = hosts::update(
        &state.db,
        host.id,
        body.version,
        &draft,
        &author(&identity),
        domain::time::now(),
    )
    .await?;
    tracing::info!(host_id = saved.id, version = saved.version, "host saved");
    Ok(Json(HostJson::new(saved, &state.config.public_url)))
}

/// Applies a change to a stored host and checks the result.
fn merged(change: &UpdateHost, host: &Host) -> Result<HostDraft, domain::Invalid> {
    let current = host.resources;
    let resource = |field: &str, given: Option<i64>, stored: Option<i64>| {
        given
            .or(stored)
            .ok_or_else(|| domain::Invalid::missing(field))
    };
    let kind = match (&change.kind, host.kind) {
        (Some(kind), _) => kind.clone(),
        (None, Some(kind)) => kind.to_string(),
        (None, None) => return Err(domain::Invalid::missing("kind")),
    };
    let resources = HostResources {
        cores: resource("cores", change.cores, current.map(|r| r.cores))?,
        ram_bytes: resource("ram_bytes", change.ram_bytes, current.map(|r| r.ram_bytes))?,
        storage_bytes: resource(
            "storage_bytes",
            change.storage_bytes,
            current.map(|r| r.storage_bytes),
        )?,
    };
    let status = change
        .status
        .clone()
        .unwrap_or_else(|| host.status.to_string());
    let input = HostInput {
        technical_name: change
            .technical_name
            .as_deref()
            .unwrap_or(&host.technical_name),
        kind: &kind,
        status: &status,
        site_id: change.site_id.unwrap_or(host.site_id),
        rack_id: change.rack_id.unwrap_or(host.rack_id),
        cluster_id: change.cluster_id.unwrap_or(host.cluster_id),
        resources,
        zabbix_host_id: change.zabbix_host_id.unwrap_or(host.zabbix_host_id),
    };
    input.check()
}
