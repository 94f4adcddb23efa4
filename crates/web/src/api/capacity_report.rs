//! The quarterly capacity report (`GET /reports/capacity?quarter=2026-Q4`). Per site and
//! resource it gives the utilisation at the start and the end of the quarter and its growth,
//! and each site's hardware. It lists the capacity advice of every host, cluster and site as
//! of the quarter's end, and compares own data centres (with colocation) with cloud regions.
//! The method is in `docs/CAPACITY_REPORT.md`.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::Moscow;
use domain::identity::{Action, Object};
use domain::infra::quarter::{Quarter, UtilisationGrowth, utilisation_growth};
use domain::infra::{ACTION_KINDS, HostStatus, Resource, Series, SiteKind, Unit, mean_of_nodes};
use serde::{Deserialize, Serialize};
use store::infra::hosts::{self, Host, HostListQuery};
use store::infra::sites::{self, Site};
use strum::VariantArray;
use utoipa::{IntoParams, ToSchema};

use super::capacity::{
    CapacityItem, CapacityOptions, CapacityParams, GROUP_HOSTS_MAX, Group, SkippedMetric,
    capacity_report, group_report, load_series,
};
use super::contracts::today;
use crate::context::{Auth, Context};
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::query::Query;
use crate::servicedesk::access::authorize;
use crate::state::AppState;

/// Query of the quarterly capacity report.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QuarterParams {
    /// `YYYY-QN`, such as `2026-Q4`; the current quarter in Moscow when absent.
    pub quarter: Option<String>,
}

impl QuarterParams {
    /// Reads the quarter, or the current one in Moscow when the parameter is absent or empty.
    pub fn quarter(&self) -> Result<Quarter, domain::Invalid> {
        match self
            .quarter
            .as_deref()
            .map(str::trim)
            .filter(|q| !q.is_empty())
        {
            Some(text) => Quarter::parse("quarter", text),
            None => Ok(Quarter::containing(today())),
        }
    }
}

/// The side of the own-versus-cloud comparison a site belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Placement {
    /// Own data centres and colocation: hardware the company owns.
    Own,
    /// Cloud regions.
    Cloud,
}

impl Placement {
    /// Returns the placement of a site of `kind`.
    pub fn of(kind: SiteKind) -> Placement {
        match kind {
            SiteKind::OwnDataCentre | SiteKind::Colocation => Placement::Own,
            SiteKind::CloudRegion => Placement::Cloud,
        }
    }

    /// `own` or `cloud`.
    pub fn as_str(self) -> &'static str {
        match self {
            Placement::Own => "own",
            Placement::Cloud => "cloud",
        }
    }
}

/// The hardware of a set of hosts: those that are active or being decommissioned.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct HardwareJson {
    pub hosts: i64,
    /// Hosts whose cores, RAM and storage are recorded; the sums count only these.
    pub described_hosts: i64,
    pub cores: i64,
    pub ram_bytes: i64,
    pub storage_bytes: i64,
}

impl HardwareJson {
    fn add(&mut self, host: &Host) {
        self.hosts += 1;
        if let Some(resources) = host.resources {
            self.described_hosts += 1;
            self.cores = self.cores.saturating_add(resources.cores);
            self.ram_bytes = self.ram_bytes.saturating_add(resources.ram_bytes);
            self.storage_bytes = self.storage_bytes.saturating_add(resources.storage_bytes);
        }
    }
}

/// Utilisation of one resource at the start and the end of the quarter.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ResourceGrowthJson {
    /// `cpu`, `memory`, `disk` or `network`.
    pub resource: String,
    /// Host metrics averaged into the series.
    pub series: usize,
    /// The 95th percentile of daily peaks over the first window, in percent.
    pub start_percent: f64,
    /// The same over the last window.
    pub end_percent: f64,
    /// End minus start, in percentage points.
    pub growth_points: f64,
    /// Growth relative to the start, in percent; `null` when the start is 0.
    pub growth_percent: Option<f64>,
    /// Days in each window: 30, or half the days with data when there are fewer than 60.
    pub window_days: i64,
    /// The first and the last UTC day with data in the quarter.
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    /// Days with data in the quarter.
    pub days: usize,
}

impl ResourceGrowthJson {
    fn new(resource: Resource, series: usize, growth: UtilisationGrowth) -> Self {
        ResourceGrowthJson {
            resource: resource.to_string(),
            series,
            start_percent: growth.start_percent,
            end_percent: growth.end_percent,
            growth_points: growth.growth_points,
            growth_percent: growth.growth_percent,
            window_days: growth.window_days,
            first_day: growth.first_day,
            last_day: growth.last_day,
            days: growth.days,
        }
    }
}

/// A site with its hardware and the growth of each resource it has metrics for.
#[derive(Debug, Serialize, ToSchema)]
pub struct SiteJson {
    pub id: i64,
    pub name: String,
    /// `own_data_centre`, `colocation` or `cloud_region`.
    pub kind: String,
    /// `own` or `cloud`.
    pub placement: String,
    pub hardware: HardwareJson,
    pub resources: Vec<ResourceGrowthJson>,
}

/// The advice on one metric of a host, cluster or site.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecommendationJson {
    /// `host`, `cluster` or `site`.
    pub scope: String,
    pub id: i64,
    pub name: String,
    /// The site of the host, cluster or site, when it has one.
    pub site_id: Option<i64>,
    /// `own` or `cloud`; `null` without a site.
    pub placement: Option<String>,
    #[serde(flatten)]
    pub item: CapacityItem,
}

/// A metric of a host, cluster or site that got no advice, and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct SkippedJson {
    pub scope: String,
    pub id: i64,
    pub name: String,
    #[serde(flatten)]
    pub metric: SkippedMetric,
}

/// Own data centres (with colocation) or cloud regions taken together.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlacementJson {
    /// `own` or `cloud`.
    pub placement: String,
    pub sites: i64,
    pub hardware: HardwareJson,
    /// Growth of the mean use of all their hosts, per resource.
    pub resources: Vec<ResourceGrowthJson>,
    /// Recommendations of their hosts, clusters and sites by action kind, every kind
    /// present.
    pub actions: BTreeMap<String, i64>,
}

/// The quarterly capacity report.
#[derive(Debug, Serialize, ToSchema)]
pub struct CapacityQuarterReport {
    /// `YYYY-QN`.
    pub quarter: String,
    /// The quarter's start and end (excluded): midnight in Moscow.
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub sites: Vec<SiteJson>,
    /// Own data centres first, then cloud regions.
    pub comparison: Vec<PlacementJson>,
    /// Advice as of the quarter's end (or now), per metric of every active host, cluster
    /// and site.
    pub recommendations: Vec<RecommendationJson>,
    pub skipped: Vec<SkippedJson>,
}

/// Builds the capacity report of a quarter: utilisation growth, hardware, recommendations
/// and own data centres against cloud regions.
#[utoipa::path(get, path = "/api/v1/reports/capacity", tag = "inventory", params(QuarterParams),
    responses((status = 200, body = CapacityQuarterReport), (status = 401), (status = 403),
        (status = 422)))]
pub async fn report(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Query(params): Query<QuarterParams>,
) -> AppResult<Json<CapacityQuarterReport>> {
    authorize(&identity, Action::ReadInventory, Object::System)?;
    let quarter = params.quarter()?;
    Ok(Json(build(&state, context.lang, quarter).await?))
}

/// A counted host with its utilisation series in the quarter, per resource.
struct HostData {
    host: Host,
    series: Vec<(Resource, Series)>,
}

/// Computes the report of `quarter`, wording the advice in `lang`.
pub async fn build(
    state: &AppState,
    lang: Lang,
    quarter: Quarter,
) -> AppResult<CapacityQuarterReport> {
    let (from, to) = quarter.bounds(&Moscow);
    let options = CapacityOptions {
        until: Some(to),
        ..CapacityParams::default().check()?
    };
    let site_list = sites::list_sites(&state.db).await?;
    let hosts = quarter_hosts(state, from, to).await?;

    let mut report = CapacityQuarterReport {
        quarter: quarter.to_string(),
        from,
        to,
        sites: Vec::new(),
        comparison: Vec::new(),
        recommendations: Vec::new(),
        skipped: Vec::new(),
    };
    for site in &site_list {
        let members: Vec<&HostData> = hosts
            .iter()
            .filter(|h| h.host.site_id == Some(site.id))
            .collect();
        report.sites.push(SiteJson {
            id: site.id,
            name: site.name.clone(),
            kind: site.kind.to_string(),
            placement: Placement::of(site.kind).as_str().to_string(),
            hardware: hardware(&members),
            resources: resource_growth(&members, from, to)?,
        });
    }

    recommend(state, lang, &options, &site_list, &hosts, &mut report).await?;
    for placement in [Placement::Own, Placement::Cloud] {
        report
            .comparison
            .push(compare(placement, &site_list, &hosts, &report, from, to)?);
    }
    Ok(report)
}

/// Reads the hosts that are active or being decommissioned, with their percent metrics of
/// a known resource cut to `[from, to)`.
async fn quarter_hosts(
    state: &AppState,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> AppResult<Vec<HostData>> {
    let query = HostListQuery {
        limit: GROUP_HOSTS_MAX,
        ..HostListQuery::default()
    };
    // NOTE: reads at most GROUP_HOSTS_MAX hosts, as the cluster and site advice does.
    let (all, _) = hosts::list(&state.db, &query).await?;
    let mut counted = Vec::new();
    for host in all {
        if !matches!(
            host.status,
            HostStatus::Active | HostStatus::Decommissioning
        ) {
            continue;
        }
        let mut series = Vec::new();
        for metric in hosts::metrics_of(&state.db, host.id).await? {
            if metric.unit != Unit::Percent.as_ref() {
                continue;
            }
            let Some(resource) = Resource::from_metric_name(&metric.metric) else {
                continue;
            };
            if let Some(loaded) = load_series(state, host.id, &metric.metric, Some(to)).await? {
                let within = loaded.between(from, to);
                if !within.samples().is_empty() {
                    series.push((resource, within));
                }
            }
        }
        counted.push(HostData { host, series });
    }
    Ok(counted)
}

fn hardware(members: &[&HostData]) -> HardwareJson {
    let mut hardware = HardwareJson::default();
    for member in members {
        hardware.add(&member.host);
    }
    hardware
}

/// The growth of each resource over the mean use of `members`: every host metric of the
/// resource counts as one node of [`mean_of_nodes`].
fn resource_growth(
    members: &[&HostData],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> AppResult<Vec<ResourceGrowthJson>> {
    let mut rows = Vec::new();
    for resource in Resource::VARIANTS {
        let series: Vec<Series> = members
            .iter()
            .flat_map(|m| m.series.iter())
            .filter(|(r, _)| r == resource)
            .map(|(_, s)| s.clone())
            .collect();
        if series.is_empty() {
            continue;
        }
        let mean = mean_of_nodes(&series)?;
        if let Some(growth) = utilisation_growth(&mean, from, to)? {
            rows.push(ResourceGrowthJson::new(*resource, series.len(), growth));
        }
    }
    Ok(rows)
}

/// Adds the advice of every counted host, every cluster and every site to `report`.
async fn recommend(
    state: &AppState,
    lang: Lang,
    options: &CapacityOptions,
    site_list: &[Site],
    hosts: &[HostData],
    report: &mut CapacityQuarterReport,
) -> AppResult<()> {
    let placement_of = |site_id: Option<i64>| {
        site_id
            .and_then(|id| site_list.iter().find(|s| s.id == id))
            .map(|s| Placement::of(s.kind).as_str().to_string())
    };
    let mut push = |scope: &str, id: i64, name: &str, site_id: Option<i64>, items, skipped| {
        for item in items {
            report.recommendations.push(RecommendationJson {
                scope: scope.to_string(),
                id,
                name: name.to_string(),
                site_id,
                placement: placement_of(site_id),
                item,
            });
        }
        for metric in skipped {
            report.skipped.push(SkippedJson {
                scope: scope.to_string(),
                id,
                name: name.to_string(),
                metric,
            });
        }
    };

    for data in hosts {
        let host = &data.host;
        let advice = capacity_report(state, lang, host, None, options).await?;
        push(
            "host",
            host.id,
            &host.technical_name,
            host.site_id,
            advice.items,
            advice.skipped,
        );
    }
    for cluster in sites::list_clusters(&state.db).await? {
        let query = HostListQuery {
            cluster_id: Some(cluster.id),
            limit: GROUP_HOSTS_MAX,
            ..HostListQuery::default()
        };
        let group = Group {
            scope: "cluster",
            id: cluster.id,
            name: cluster.name.clone(),
        };
        let advice = group_report(state, lang, options, None, group, &query).await?;
        push(
            "cluster",
            cluster.id,
            &cluster.name,
            cluster.site_id,
            advice.items,
            advice.skipped,
        );
    }
    for site in site_list {
        let query = HostListQuery {
            site_id: Some(site.id),
            limit: GROUP_HOSTS_MAX,
            ..HostListQuery::default()
        };
        let group = Group {
            scope: "site",
            id: site.id,
            name: site.name.clone(),
        };
        let advice = group_report(state, lang, options, None, group, &query).await?;
        push(
            "site",
            site.id,
            &site.name,
            Some(site.id),
            advice.items,
            advice.skipped,
        );
    }
    Ok(())
}

/// Sums the sites of one placement: hardware, growth of their hosts' mean use, and their
/// recommendations by action kind.
fn compare(
    placement: Placement,
    site_list: &[Site],
    hosts: &[HostData],
    report: &CapacityQuarterReport,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> AppResult<PlacementJson> {
    let site_ids: Vec<i64> = site_list
        .iter()
        .filter(|s| Placement::of(s.kind) == placement)
        .map(|s| s.id)
        .collect();
    let members: Vec<&HostData> = hosts
        .iter()
        .filter(|h| h.host.site_id.is_some_and(|id| site_ids.contains(&id)))
        .collect();
    let mut actions: BTreeMap<String, i64> = ACTION_KINDS
        .iter()
        .map(|kind| (kind.to_string(), 0))
        .collect();
    for recommendation in &report.recommendations {
        if recommendation.placement.as_deref() == Some(placement.as_str()) {
            *actions
                .entry(recommendation.item.advice.action.kind().to_string())
                .or_default() += 1;
        }
    }
    Ok(PlacementJson {
        placement: placement.as_str().to_string(),
        sites: site_ids.len() as i64,
        hardware: hardware(&members),
        resources: resource_growth(&members, from, to)?,
        actions,
    })
}
