//! Capacity advice per host (`GET /hosts/{id}/capacity`): for each utilisation metric in
//! percent, the 95th percentile of daily peaks, headroom against the target, time to the
//! target and to exhaustion, and the advised action with the numbers behind it.

use axum::Json;
use axum::extract::{Path, Query, State};
use domain::infra::window::parse_duration_seconds;
use domain::infra::{CapacityAdvice, CapacityPolicy, Fit, Resource, Scope, Unit, Window, advise};
use serde::{Deserialize, Serialize};
use store::infra::hosts::{self, Host, HostMetric};
use utoipa::{IntoParams, ToSchema};

use super::hosts::readable_host;
use super::tickets::path_id;
use crate::context::{Auth, Context};
use crate::error::AppResult;
use crate::i18n::{Arg, Lang};
use crate::pages::problem_message;
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
    let only = params
        .metric
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty());
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
        match advise_metric(state, host, &metric, options).await? {
            Ok(advice) => {
                let messages = advice
                    .reasons
                    .iter()
                    .map(|note| {
                        let args: Vec<(&str, Arg)> = note
                            .args
                            .iter()
                            .map(|(name, value)| (*name, Arg::Text(value.clone())))
                            .collect();
                        state.i18n.format(lang, note.key, &args)
                    })
                    .collect();
                report.items.push(CapacityItem {
                    metric: metric.metric,
                    advice,
                    messages,
                });
            }
            Err(invalid) => {
                let message = match crate::error::AppError::from(invalid) {
                    crate::error::AppError::Problem(problem) => {
                        problem_message(&state.i18n, lang, &problem)
                    }
                    crate::error::AppError::Internal(message) => message,
                };
                report.skipped.push(SkippedMetric {
                    metric: metric.metric,
                    unit: metric.unit,
                    message,
                });
            }
        }
    }
    Ok(report)
}

/// Advises on one metric: the outer error is a storage failure, the inner one why the metric
/// gets no advice.
async fn advise_metric(
    state: &AppState,
    host: &Host,
    metric: &HostMetric,
    options: &CapacityOptions,
) -> AppResult<Result<CapacityAdvice, domain::Invalid>> {
    let resource = match options
        .resource
        .or_else(|| Resource::from_metric_name(&metric.metric))
    {
        Some(resource) => resource,
        None => {
            return Ok(Err(domain::Invalid::new(
                "resource",
                "inventory-capacity-resource-unknown",
            )
            .arg("metric", &metric.metric)));
        }
    };
    let policy = match options.target {
        Some(target) => CapacityPolicy::with_target(target),
        None => match CapacityPolicy::for_resource(resource) {
            Ok(policy) => policy,
            Err(invalid) => return Ok(Err(invalid)),
        },
    };
    let policy = CapacityPolicy {
        lead_time_seconds: options
            .lead_time_seconds
            .unwrap_or(policy.lead_time_seconds),
        window: options.window,
        fit: options.fit,
        ..policy
    };
    let Some(series) = store::metrics::load_series(&state.db, host.id, &metric.metric).await?
    else {
        return Ok(Err(domain::Invalid::new(
            "window",
            "infra-forecast-no-values",
        )
        .arg("window", policy.window)));
    };
    Ok(advise(&series, resource, Scope::Host, &policy))
}
