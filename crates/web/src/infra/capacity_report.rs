//! The quarterly capacity report as a page (`/reports/capacity`) and as an XLSX workbook
//! (`/reports/capacity.xlsx`), both from the figures of `GET /api/v1/reports/capacity`.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use domain::analytics::export::{Cell, Table};
use domain::identity::{Action as Permission, Object};
use domain::infra::quarter::Quarter;
use domain::infra::{ACTION_KINDS, Action, Resource};
use serde::Serialize;
use strum::VariantArray;

use super::forecast::script_json;
use super::hosts::{action_text, eta_text};
use crate::analytics::export::{XLSX_CONTENT_TYPE, attachment, to_xlsx_sheets};
use crate::api::capacity_report::{
    CapacityQuarterReport, QuarterParams, RecommendationJson, ResourceGrowthJson, build,
};
use crate::api::contracts::today;
use crate::context::{Auth, Context, Identity};
use crate::error::AppResult;
use crate::pages::{Choice, Page, render};
use crate::query::Query;
use crate::servicedesk::access::authorize;
use crate::state::AppState;

/// Quarters the selector offers: the current one and the seven before it.
const SELECTOR_QUARTERS: usize = 8;
const GIB: f64 = (1u64 << 30) as f64;

/// A site's hardware as the page shows it.
struct SiteRow {
    name: String,
    kind: String,
    placement: String,
    hosts: i64,
    described_hosts: i64,
    cores: i64,
    ram: String,
    storage: String,
}

/// The growth of one resource of a site or placement, formatted.
struct GrowthRow {
    owner: String,
    resource: String,
    start: String,
    end: String,
    points: String,
    relative: String,
    basis: String,
}

/// Own data centres or cloud regions taken together, formatted.
struct PlacementRow {
    label: String,
    sites: i64,
    hosts: i64,
    cores: i64,
    ram: String,
    storage: String,
    /// Recommendations per action kind, in [`ACTION_KINDS`] order.
    actions: Vec<i64>,
}

/// One recommendation, formatted.
struct RecommendationRow {
    scope: String,
    name: String,
    /// The host card, for a host.
    link: Option<String>,
    placement: String,
    metric: String,
    resource: String,
    action: String,
    action_kind: &'static str,
    current: String,
    target: String,
    projected: String,
    exhaustion: String,
    reasons: Vec<String>,
}

/// Growth per site and resource in percentage points, for the bar chart.
#[derive(Serialize)]
struct ChartData {
    sites: Vec<String>,
    series: Vec<ChartSeries>,
}

#[derive(Serialize)]
struct ChartSeries {
    name: String,
    /// Growth points per site, `null` where the site has no data for the resource.
    data: Vec<Option<f64>>,
}

#[derive(Template)]
#[template(path = "reports/capacity.html")]
struct CapacityPage {
    page: Page,
    quarter: String,
    quarters: Vec<Choice>,
    action_labels: Vec<String>,
    sites: Vec<SiteRow>,
    growth: Vec<GrowthRow>,
    placements: Vec<PlacementRow>,
    placement_growth: Vec<GrowthRow>,
    recommendations: Vec<RecommendationRow>,
    skipped: Vec<(String, String, String)>,
    chart: String,
    xlsx_url: String,
}

/// Checks the permission and the quarter, then builds the report and the page it is worded
/// for.
async fn load(
    state: &AppState,
    context: &Context,
    identity: &Identity,
    params: &QuarterParams,
) -> AppResult<(Quarter, CapacityQuarterReport, Page)> {
    authorize(identity, Permission::ReadInventory, Object::System)?;
    let quarter = params.quarter()?;
    let report = build(state, context.lang, quarter).await?;
    let page = Page::new(state, context, "report-capacity-title");
    Ok((quarter, report, page))
}

/// Shows the capacity report of the quarter `quarter` (the current one by default).
pub async fn page(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Query(params): Query<QuarterParams>,
) -> AppResult<Response> {
    let (quarter, report, page) = load(&state, &context, &identity, &params).await?;
    let view = View::new(&page, &report);
    render(&CapacityPage {
        quarter: report.quarter.clone(),
        quarters: quarter_choices(quarter),
        action_labels: ACTION_KINDS
            .iter()
            .map(|kind| page.label("report-capacity-action", kind))
            .collect(),
        sites: view.site_rows(),
        growth: view.site_growth_rows(),
        placements: view.placement_rows(),
        placement_growth: view.placement_growth_rows(),
        recommendations: view.recommendation_rows(),
        skipped: report
            .skipped
            .iter()
            .map(|s| {
                let scope = page.label("report-capacity-scope", &s.scope);
                (
                    format!("{scope} {}", s.name),
                    s.metric.metric.clone(),
                    s.metric.message.clone(),
                )
            })
            .collect(),
        chart: script_json(&view.chart())?,
        xlsx_url: format!("/reports/capacity.xlsx?quarter={}", report.quarter),
        page,
    })
}

/// Returns the capacity report of the quarter `quarter` as an XLSX workbook with the page's
/// tables, one sheet each.
pub async fn xlsx(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Query(params): Query<QuarterParams>,
) -> AppResult<Response> {
    let (_, report, page) = load(&state, &context, &identity, &params).await?;
    let view = View::new(&page, &report);
    let sheets = vec![
        (page.t("report-capacity-sheet-sites"), view.sites_table()),
        (page.t("report-capacity-sheet-growth"), view.growth_table()),
        (
            page.t("report-capacity-sheet-placements"),
            view.placements_table(),
        ),
        (
            page.t("report-capacity-sheet-recommendations"),
            view.recommendations_table(),
        ),
    ];
    let bytes = to_xlsx_sheets(&sheets)?;
    let name = format!("capacity-{}.xlsx", report.quarter);
    Ok(attachment(XLSX_CONTENT_TYPE, &name, bytes))
}

/// Builds the selector's options: the current quarter and the ones before it, with
/// `selected` chosen. A selected quarter older than those is added at the end.
fn quarter_choices(selected: Quarter) -> Vec<Choice> {
    let mut quarter = Quarter::containing(today());
    let mut choices = Vec::new();
    for _ in 0..SELECTOR_QUARTERS {
        choices.push(Choice::new(
            quarter.to_string(),
            quarter.to_string(),
            quarter == selected,
        ));
        quarter = quarter.previous();
    }
    if !choices.iter().any(|c| c.selected) {
        choices.push(Choice::new(
            selected.to_string(),
            selected.to_string(),
            true,
        ));
    }
    choices
}

fn percent(value: f64) -> String {
    format!("{value:.1} %")
}

fn gib(bytes: i64) -> f64 {
    bytes as f64 / GIB
}

/// The report worded for one page language; the page and the workbook read it alike.
struct View<'a> {
    page: &'a Page,
    report: &'a CapacityQuarterReport,
}

impl<'a> View<'a> {
    fn new(page: &'a Page, report: &'a CapacityQuarterReport) -> Self {
        View { page, report }
    }

    fn gibibytes(&self, bytes: i64) -> String {
        self.page
            .t1("inventory-gibibytes", "value", format!("{:.1}", gib(bytes)))
    }

    fn placement(&self, placement: Option<&str>) -> String {
        placement.map_or_else(
            || "—".to_string(),
            |p| self.page.label("report-capacity-placement", p),
        )
    }

    fn resource(&self, resource: &str) -> String {
        self.page.label("inventory-capacity-resource", resource)
    }

    fn site_rows(&self) -> Vec<SiteRow> {
        self.report
            .sites
            .iter()
            .map(|site| SiteRow {
                name: site.name.clone(),
                kind: self.page.label("inventory-site-kind", &site.kind),
                placement: self.placement(Some(&site.placement)),
                hosts: site.hardware.hosts,
                described_hosts: site.hardware.described_hosts,
                cores: site.hardware.cores,
                ram: self.gibibytes(site.hardware.ram_bytes),
                storage: self.gibibytes(site.hardware.storage_bytes),
            })
            .collect()
    }

    fn growth_row(&self, owner: &str, row: &ResourceGrowthJson) -> GrowthRow {
        GrowthRow {
            owner: owner.to_string(),
            resource: self.resource(&row.resource),
            start: percent(row.start_percent),
            end: percent(row.end_percent),
            points: format!("{:+.1}", row.growth_points),
            relative: row
                .growth_percent
                .map_or_else(|| "—".to_string(), |g| format!("{g:+.1} %")),
            basis: self.page.t2(
                "report-capacity-basis",
                "window",
                row.window_days,
                "days",
                row.days as i64,
            ),
        }
    }

    fn site_growth_rows(&self) -> Vec<GrowthRow> {
        self.report
            .sites
            .iter()
            .flat_map(|site| {
                site.resources
                    .iter()
                    .map(|row| self.growth_row(&site.name, row))
            })
            .collect()
    }

    fn placement_rows(&self) -> Vec<PlacementRow> {
        self.report
            .comparison
            .iter()
            .map(|group| PlacementRow {
                label: self.placement(Some(&group.placement)),
                sites: group.sites,
                hosts: group.hardware.hosts,
                cores: group.hardware.cores,
                ram: self.gibibytes(group.hardware.ram_bytes),
                storage: self.gibibytes(group.hardware.storage_bytes),
                actions: ACTION_KINDS
                    .iter()
                    .map(|kind| group.actions.get(*kind).copied().unwrap_or(0))
                    .collect(),
            })
            .collect()
    }

    fn placement_growth_rows(&self) -> Vec<GrowthRow> {
        self.report
            .comparison
            .iter()
            .flat_map(|group| {
                let label = self.placement(Some(&group.placement));
                group
                    .resources
                    .iter()
                    .map(move |row| self.growth_row(&label, row))
            })
            .collect()
    }

    fn recommendation_row(&self, recommendation: &RecommendationJson) -> RecommendationRow {
        let advice = &recommendation.item.advice;
        let (action_kind, action) = action_text(self.page, &advice.action);
        RecommendationRow {
            scope: self
                .page
                .label("report-capacity-scope", &recommendation.scope),
            name: recommendation.name.clone(),
            link: (recommendation.scope == "host")
                .then(|| format!("/infra/hosts/{}", recommendation.id)),
            placement: self.placement(recommendation.placement.as_deref()),
            metric: recommendation.item.metric.clone(),
            resource: self.resource(advice.resource.as_ref()),
            action,
            action_kind,
            current: percent(advice.current_percent),
            target: percent(advice.target_percent),
            projected: percent(advice.projected_percent),
            exhaustion: eta_text(self.page, &advice.time_to_exhaustion),
            reasons: recommendation.item.messages.clone(),
        }
    }

    fn recommendation_rows(&self) -> Vec<RecommendationRow> {
        self.report
            .recommendations
            .iter()
            .map(|r| self.recommendation_row(r))
            .collect()
    }

    fn chart(&self) -> ChartData {
        let resources: Vec<&str> = Resource::VARIANTS
            .iter()
            .map(|resource| resource.as_ref())
            .filter(|resource| {
                self.report
                    .sites
                    .iter()
                    .any(|s| s.resources.iter().any(|r| r.resource == *resource))
            })
            .collect();
        ChartData {
            sites: self.report.sites.iter().map(|s| s.name.clone()).collect(),
            series: resources
                .into_iter()
                .map(|resource| ChartSeries {
                    name: self.resource(resource),
                    data: self
                        .report
                        .sites
                        .iter()
                        .map(|site| {
                            site.resources
                                .iter()
                                .find(|r| r.resource == resource)
                                .map(|r| r.growth_points)
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    fn headers(&self, keys: &[&str]) -> Vec<String> {
        keys.iter().map(|key| self.page.t(key)).collect()
    }

    fn sites_table(&self) -> Table {
        let rows = self
            .report
            .sites
            .iter()
            .map(|site| {
                vec![
                    Cell::Text(site.name.clone()),
                    Cell::Text(self.page.label("inventory-site-kind", &site.kind)),
                    Cell::Text(self.placement(Some(&site.placement))),
                    Cell::Integer(site.hardware.hosts),
                    Cell::Integer(site.hardware.described_hosts),
                    Cell::Integer(site.hardware.cores),
                    Cell::Number(gib(site.hardware.ram_bytes)),
                    Cell::Number(gib(site.hardware.storage_bytes)),
                ]
            })
            .collect();
        Table {
            headers: self.headers(&[
                "report-capacity-site",
                "report-capacity-kind",
                "report-capacity-placement",
                "report-capacity-hosts",
                "report-capacity-described-hosts",
                "report-capacity-cores",
                "report-capacity-ram-gib",
                "report-capacity-storage-gib",
            ]),
            rows,
        }
    }

    fn growth_cells(&self, owner: &str, row: &ResourceGrowthJson) -> Vec<Cell> {
        vec![
            Cell::Text(owner.to_string()),
            Cell::Text(self.resource(&row.resource)),
            Cell::Number(row.start_percent),
            Cell::Number(row.end_percent),
            Cell::Number(row.growth_points),
            row.growth_percent.map_or(Cell::Empty, Cell::Number),
            Cell::Integer(row.window_days),
            Cell::Integer(row.days as i64),
        ]
    }

    /// Growth per site and resource, then per placement and resource.
    fn growth_table(&self) -> Table {
        let mut rows = Vec::new();
        for site in &self.report.sites {
            for row in &site.resources {
                rows.push(self.growth_cells(&site.name, row));
            }
        }
        for group in &self.report.comparison {
            let label = self.placement(Some(&group.placement));
            for row in &group.resources {
                rows.push(self.growth_cells(&label, row));
            }
        }
        Table {
            headers: self.headers(&[
                "report-capacity-site",
                "report-capacity-resource",
                "report-capacity-start",
                "report-capacity-end",
                "report-capacity-growth-points",
                "report-capacity-growth-percent",
                "report-capacity-window-days",
                "report-capacity-days",
            ]),
            rows,
        }
    }

    fn placements_table(&self) -> Table {
        let mut headers = self.headers(&[
            "report-capacity-placement",
            "report-capacity-sites",
            "report-capacity-hosts",
            "report-capacity-cores",
            "report-capacity-ram-gib",
            "report-capacity-storage-gib",
        ]);
        headers.extend(
            ACTION_KINDS
                .iter()
                .map(|kind| self.page.label("report-capacity-action", kind)),
        );
        let rows = self
            .report
            .comparison
            .iter()
            .map(|group| {
                let mut cells = vec![
                    Cell::Text(self.placement(Some(&group.placement))),
                    Cell::Integer(group.sites),
                    Cell::Integer(group.hardware.hosts),
                    Cell::Integer(group.hardware.cores),
                    Cell::Number(gib(group.hardware.ram_bytes)),
                    Cell::Number(gib(group.hardware.storage_bytes)),
                ];
                cells.extend(
                    ACTION_KINDS
                        .iter()
                        .map(|kind| Cell::Integer(group.actions.get(*kind).copied().unwrap_or(0))),
                );
                cells
            })
            .collect();
        Table { headers, rows }
    }

    fn recommendations_table(&self) -> Table {
        let rows = self
            .report
            .recommendations
            .iter()
            .map(|recommendation| {
                let advice = &recommendation.item.advice;
                let row = self.recommendation_row(recommendation);
                let exhaustion = &advice.time_to_exhaustion;
                vec![
                    Cell::Text(row.scope),
                    Cell::Text(row.name),
                    Cell::Text(row.placement),
                    Cell::Text(row.metric),
                    Cell::Text(row.resource),
                    Cell::Text(row.action),
                    action_factor(&advice.action).map_or(Cell::Empty, Cell::Number),
                    action_nodes(&advice.action).map_or(Cell::Empty, Cell::Integer),
                    Cell::Number(advice.current_percent),
                    Cell::Number(advice.target_percent),
                    Cell::Number(advice.headroom_points),
                    Cell::Number(advice.projected_percent),
                    exhaustion
                        .seconds
                        .map_or(Cell::Empty, |s| Cell::Number(s / 86_400.0)),
                    Cell::Text(row.exhaustion),
                    Cell::Text(row.reasons.join(" ")),
                ]
            })
            .collect();
        Table {
            headers: self.headers(&[
                "report-capacity-scope",
                "report-capacity-name",
                "report-capacity-placement",
                "report-capacity-metric",
                "report-capacity-resource",
                "report-capacity-action",
                "report-capacity-factor",
                "report-capacity-nodes",
                "report-capacity-current",
                "report-capacity-target",
                "report-capacity-headroom",
                "report-capacity-projected",
                "report-capacity-exhaustion-days",
                "report-capacity-exhaustion",
                "report-capacity-reasons",
            ]),
            rows,
        }
    }
}

/// Returns the capacity factor of an action, when it has one.
fn action_factor(action: &Action) -> Option<f64> {
    match *action {
        Action::Keep | Action::AddNodes { .. } => None,
        Action::ScaleUp { capacity_factor }
        | Action::MoveToCloud {
            capacity_factor, ..
        }
        | Action::Shrink {
            capacity_factor, ..
        } => Some(capacity_factor),
    }
}

/// Returns the nodes an action adds (positive) or removes (negative), when it counts nodes.
fn action_nodes(action: &Action) -> Option<i64> {
    match *action {
        Action::Keep | Action::ScaleUp { .. } => None,
        Action::AddNodes { count } => Some(i64::from(count)),
        Action::MoveToCloud { nodes_to_add, .. } => nodes_to_add.map(i64::from),
        Action::Shrink {
            nodes_to_remove, ..
        } => nodes_to_remove.map(|n| -i64::from(n)),
    }
}
