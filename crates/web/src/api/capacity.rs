//! Capacity advice per host, cluster and site (`GET /hosts/{id}/capacity`,
//! `/clusters/{id}/capacity`, `/sites/{id}/capacity`): for each utilisation metric in
//! percent, the 95th percentile of daily peaks, headroom against the target, time to the
//! target and to exhaustion, and the advised action with the numbers behind it. A cluster or
//! site is advised on the mean use of its hosts (hourly peaks averaged over the hosts that
//! reported), with the number of hosts that have the metric as its node count.

use axum::Json;
use axum::extract::{Path, State};
use chrono::{DateTime, Utc};
use domain::identity::{Action, Object};
use domain::infra::window::parse_duration_seconds;
use domain::infra::{
    CapacityAdvice, CapacityPolicy, Fit, HostStatus, Resource, Scope, Series, Unit, Window, advise,
    mean_of_nodes,
};
use serde::{Deserialize, Serialize};
use store::infra::hosts::{self, Host, HostListQuery};
use store::infra::sites;
use utoipa::{IntoParams, ToSchema};

use super::hosts::readable_host;
use super::tickets::path_id;
use crate::context::{Auth, Context};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::pages::{note_message, problem_message};
use crate::query::Query;
use crate::servicedesk::access::authorize;
use crate::state::AppState;

/// Options of `GET /hosts/{id}/capacity`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CapacityParams {
    /// Only this metric; every metric in percent when absent.
    pub metric: Option<String>,
    /// `cpu`, `memory`, `disk` or `network`; guessed from the metric's name when absent.
    pub resource: Option<String>,
    /// Target utilisation in percent; CPU 75 and disk 85 when absent, required for memory
    /// and network.
    pub target: Option<String>,
    /// Hardware lead time (`8w`, `56d`); 8 weeks when absent.
    pub lead_time: Option<String>,
    /// Daily peaks the trend is fitted to: `all`, `#N` or a duration; `30d` when absent.
    pub window: Option<String>,
    /// The trend's curve, as in `forecast`; `linear` when absent.
    pub fit: Option<String>,
}

/// The checked options: an explicit resource and target, and the policy's other settings.
#[derive(Debug, Clone, Copy)]
pub struct CapacityOptions {
    pub resource: Option<Resource>,
    pub target: Option<f64>,
    pub lead_time_seconds: Option<i64>,
    pub window: Window,
    pub fit: Fit,
    /// Advice as of this instant: later samples are ignored. The quarterly report sets it to
    /// the quarter's end; the API has no parameter for it.
    pub until: Option<DateTime<Utc>>,
}

impl CapacityParams {
    /// Checks the options, naming the field of the first invalid one.
    pub fn check(&self) -> Result<CapacityOptions, domain::Invalid> {
        let present = |value: &Option<String>| {
            value
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        let target = match present(&self.target) {
            Some(text) => Some(
                text.parse::<f64>()
                    .ok()
                    .filter(|t| t.is_finite())
                    .ok_or_else(|| {
                        domain::Invalid::new("target", "infra-capacity-target-invalid")
                            .arg("value", &text)
                    })?,
            ),
            None => None,
        };
        Ok(CapacityOptions {
            resource: present(&self.resource)
                .map(|r| Resource::parse("resource", &r))
                .transpose()?,
            target,
            lead_time_seconds: present(&self.lead_time)
                .map(|t| parse_duration_seconds("lead_time", &t))
                .transpose()?,
            window: Window::parse("window", &present(&self.window).unwrap_or_default())?,
            fit: match present(&self.fit) {
                Some(fit) => Fit::parse("fit", &fit)?,
                None => Fit::Linear,
            },
            until: None,
        })
    }
}

/// Advice for one metric.
#[derive(Debug, Serialize, ToSchema)]
pub struct CapacityItem {
    pub metric: String,
    /// The figures and the action; `action.kind` is `keep`, `scale_up`, `add_nodes`,
    /// `move_to_cloud` or `shrink`, and times are in seconds.
    #[schema(value_type = Object)]
    pub advice: CapacityAdvice,
    /// The reasons, worded in the requester's language.
    pub messages: Vec<String>,
}

/// A metric no advice could be computed for, and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct SkippedMetric {
    pub metric: String,
    pub unit: String,
    pub message: String,
}

/// Capacity advice for a host's metrics.
#[derive(Debug, Serialize, ToSchema)]
pub struct CapacityReport {
    pub host_id: i64,
    pub technical_name: String,
    pub items: Vec<CapacityItem>,
    pub skipped: Vec<SkippedMetric>,
}

/// Computes capacity advice for a host's utilisation metrics in percent. A metric with no
/// known resource or default target, or no samples, is listed in `skipped` with the reason.
#[utoipa::path(get, path = "/api/v1/hosts/{id}/capacity", tag = "inventory",
    params(("id" = i64, Path, description = "Host id"), CapacityParams),
    responses((status = 200, body = CapacityReport), (status = 403), (status = 404),
        (status = 422)))]
pub async fn host_capacity(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Path(id): Path<String>,
    Query(params): Query<CapacityParams>,
) -> AppResult<Json<CapacityReport>> {
    let host = readable_host(&state, &identity, path_id(&id)?).await?;
    let options = params.check()?;
    let only = only_metric(&params);
    let report = capacity_report(&state, context.lang, &host, only, &options).await?;
    if let Some(metric) = only
        && report.items.is_empty()
        && report.skipped.is_empty()
    {
        return Err(
            domain::Invalid::new("metric", "inventory-capacity-metric-unknown")
                .arg("value", metric)
                .into(),
        );
    }
    Ok(Json(report))
}

/// Computes the advice of every percent metric of `host`, or of metric `only`.
pub async fn capacity_report(
    state: &AppState,
    lang: Lang,
    host: &Host,
    only: Option<&str>,
    options: &CapacityOptions,
) -> AppResult<CapacityReport> {
    let metrics = hosts::metrics_of(&state.db, host.id).await?;
    let mut report = CapacityReport {
        host_id: host.id,
        technical_name: host.technical_name.clone(),
        items: Vec::new(),
        skipped: Vec::new(),
    };
    for metric in metrics {
        if only.is_some_and(|name| name != metric.metric) {
            continue;
        }
        if only.is_none() && metric.unit != Unit::Percent.as_ref() {
            continue;
        }
        let series = load_series(state, host.id, &metric.metric, options.until).await?;
        let outcome = advise_metric(&metric.metric, series, Scope::Host, options);
        push_outcome(
            state,
            lang,
            &mut report.items,
            &mut report.skipped,
            metric.metric,
            metric.unit,
            outcome,
        );
    }
    Ok(report)
}

/// Reads a host's metric as a series, without the samples at or after `until`; `None` when
/// no sample is left.
pub(crate) async fn load_series(
    state: &AppState,
    host_id: i64,
    metric: &str,
    until: Option<DateTime<Utc>>,
) -> AppResult<Option<Series>> {
    let series = store::metrics::load_series(&state.db, host_id, metric).await?;
    let Some(until) = until else {
        return Ok(series);
    };
    Ok(series
        .map(|s| s.between(DateTime::<Utc>::MIN_UTC, until))
        .filter(|s| !s.samples().is_empty()))
}

/// Adds the advice on one metric to `items`, or the reason there is none to `skipped`, with
/// the messages worded in `lang`.
fn push_outcome(
    state: &AppState,
    lang: Lang,
    items: &mut Vec<CapacityItem>,
    skipped: &mut Vec<SkippedMetric>,
    metric: String,
    unit: String,
    outcome: Result<CapacityAdvice, domain::Invalid>,
) {
    match outcome {
        Ok(advice) => {
            let messages = advice
                .reasons
                .iter()
                .map(|note| note_message(&state.i18n, lang, note))
                .collect();
            items.push(CapacityItem {
                metric,
                advice,
                messages,
            });
        }
        Err(invalid) => {
            let message = match AppError::from(invalid) {
                AppError::Problem(problem) => problem_message(&state.i18n, lang, &problem),
                AppError::Internal(message) => message,
            };
            skipped.push(SkippedMetric {
                metric,
                unit,
                message,
            });
        }
    }
}

/// Advises on one metric's series, or gives the reason the metric gets no advice.
fn advise_metric(
    metric: &str,
    series: Option<Series>,
    scope: Scope,
    options: &CapacityOptions,
) -> Result<CapacityAdvice, domain::Invalid> {
    let resource = options
        .resource
        .or_else(|| Resource::from_metric_name(metric))
        .ok_or_else(|| {
            domain::Invalid::new("resource", "inventory-capacity-resource-unknown")
                .arg("metric", metric)
        })?;
    let policy = match options.target {
        Some(target) => CapacityPolicy::with_target(target),
        None => CapacityPolicy::for_resource(resource)?,
    };
    let policy = CapacityPolicy {
        lead_time_seconds: options
            .lead_time_seconds
            .unwrap_or(policy.lead_time_seconds),
        window: options.window,
        fit: options.fit,
        ..policy
    };
    let series = series.ok_or_else(|| {
        domain::Invalid::new("window", "infra-forecast-no-values").arg("window", policy.window)
    })?;
    advise(&series, resource, scope, &policy)
}

/// Capacity advice for a cluster's or site's hosts taken together.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupCapacityReport {
    /// `cluster` or `site`.
    pub scope: String,
    pub id: i64,
    pub name: String,
    /// The hosts counted: every host of the cluster or site that is active or being
    /// decommissioned.
    pub hosts: Vec<String>,
    pub items: Vec<CapacityItem>,
    pub skipped: Vec<SkippedMetric>,
}

/// The maximum number of hosts a cluster or site report reads.
pub(crate) const GROUP_HOSTS_MAX: i64 = 1000;

/// Computes capacity advice for a cluster on the mean use of its hosts, per utilisation
/// metric in percent; `add_nodes` counts nodes of the cluster's size.
#[utoipa::path(get, path = "/api/v1/clusters/{id}/capacity", tag = "inventory",
    params(("id" = i64, Path, description = "Cluster id"), CapacityParams),
    responses((status = 200, body = GroupCapacityReport), (status = 403), (status = 404),
        (status = 422)))]
pub async fn cluster_capacity(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Path(id): Path<String>,
    Query(params): Query<CapacityParams>,
) -> AppResult<Json<GroupCapacityReport>> {
    authorize(&identity, Action::ReadInventory, Object::System)?;
    let cluster = sites::get_cluster(&state.db, path_id(&id)?)
        .await?
        .ok_or_else(AppError::not_found)?;
    let query = HostListQuery {
        cluster_id: Some(cluster.id),
        limit: GROUP_HOSTS_MAX,
        ..HostListQuery::default()
    };
    let options = params.check()?;
    let report = group_report(
        &state,
        context.lang,
        &options,
        only_metric(&params),
        Group {
            scope: "cluster",
            id: cluster.id,
            name: cluster.name,
        },
        &query,
    )
    .await?;
    Ok(Json(report))
}

/// Computes capacity advice for a site on the mean use of its hosts, per utilisation metric
/// in percent.
#[utoipa::path(get, path = "/api/v1/sites/{id}/capacity", tag = "inventory",
    params(("id" = i64, Path, description = "Site id"), CapacityParams),
    responses((status = 200, body = GroupCapacityReport), (status = 403), (status = 404),
        (status = 422)))]
pub async fn site_capacity(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Path(id): Path<String>,
    Query(params): Query<CapacityParams>,
) -> AppResult<Json<GroupCapacityReport>> {
    authorize(&identity, Action::ReadInventory, Object::System)?;
    let site = sites::get_site(&state.db, path_id(&id)?)
        .await?
        .ok_or_else(AppError::not_found)?;
    let query = HostListQuery {
        site_id: Some(site.id),
        limit: GROUP_HOSTS_MAX,
        ..HostListQuery::default()
    };
    let options = params.check()?;
    let report = group_report(
        &state,
        context.lang,
        &options,
        only_metric(&params),
        Group {
            scope: "site",
            id: site.id,
            name: site.name,
        },
        &query,
    )
    .await?;
    Ok(Json(report))
}

/// A cluster or site that a group report covers.
pub(crate) struct Group {
    /// `cluster` or `site`.
    pub scope: &'static str,
    pub id: i64,
    pub name: String,
}

/// Returns the `metric` parameter when it names a metric.
fn only_metric(params: &CapacityParams) -> Option<&str> {
    params
        .metric
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
}

/// Advises on the mean use of the hosts `query` finds, for every percent metric one of them
/// has (or metric `only`), with `Scope::Cluster` or `Scope::Site` over the hosts that have
/// it.
pub(crate) async fn group_report(
    state: &AppState,
    lang: Lang,
    options: &CapacityOptions,
    only: Option<&str>,
    group: Group,
    query: &HostListQuery,
) -> AppResult<GroupCapacityReport> {
    let Group { scope, id, name } = group;
    let (members, _) = hosts::list(&state.db, query).await?;
    let members: Vec<Host> = members
        .into_iter()
        .filter(|host| {
            matches!(
                host.status,
                HostStatus::Active | HostStatus::Decommissioning
            )
        })
        .collect();
    let mut report = GroupCapacityReport {
        scope: scope.to_string(),
        id,
        name,
        hosts: members.iter().map(|h| h.technical_name.clone()).collect(),
        items: Vec::new(),
        skipped: Vec::new(),
    };
    // Metric name → (unit, series of each host that has it).
    let mut metrics: std::collections::BTreeMap<String, (String, Vec<Series>)> =
        std::collections::BTreeMap::new();
    for host in &members {
        for metric in hosts::metrics_of(&state.db, host.id).await? {
            if only.is_some_and(|name| name != metric.metric) {
                continue;
            }
            if only.is_none() && metric.unit != Unit::Percent.as_ref() {
                continue;
            }
            if let Some(series) = load_series(state, host.id, &metric.metric, options.until).await?
            {
                let entry = metrics
                    .entry(metric.metric.clone())
                    .or_insert_with(|| (metric.unit.clone(), Vec::new()));
                entry.1.push(series);
            }
        }
    }
    if let Some(metric) = only
        && metrics.is_empty()
    {
        return Err(
            domain::Invalid::new("metric", "inventory-capacity-metric-unknown")
                .arg("value", metric)
                .into(),
        );
    }
    for (metric, (unit, series)) in metrics {
        let nodes = u32::try_from(series.len()).unwrap_or(u32::MAX);
        let scope = if scope == "cluster" {
            Scope::Cluster { nodes }
        } else {
            Scope::Site { hosts: nodes }
        };
        let outcome = mean_of_nodes(&series)
            .and_then(|mean| advise_metric(&metric, Some(mean), scope, options));
        push_outcome(
            state,
            lang,
            &mut report.items,
            &mut report.skipped,
            metric,
            unit,
            outcome,
        );
    }
    Ok(report)
}
