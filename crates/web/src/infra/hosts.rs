//! The host list (`/infra/hosts`) and the host card (`/infra/hosts/{id}`) with its
//! environments and lifecycle step.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::identity::{Action, Object};
use domain::infra::{Action as CapacityAction, Eta, HostStatus};
use serde::Deserialize;
use store::infra::environments::{self, Member};
use store::infra::hosts::{self, Host};

use super::forecast::{ForecastSection, forecast_section};
use super::gibibytes;
use crate::api::capacity::{CapacityItem, CapacityParams, capacity_report};
use crate::api::forecast::ForecastParams;
use crate::api::hosts::{HostListParams, readable_host};
use crate::api::tickets::path_id;
use crate::context::{Auth, Context};
use crate::error::AppResult;
use crate::form::Form;
use crate::pages::{Choice, DoneQuery, Page, Pager, Params, render};
use crate::query::Query;
use crate::servicedesk::access::{allows, author, authorize};
use crate::state::AppState;

/// Hosts per page.
const PER_PAGE: i64 = 50;

/// Notices a redirect to the card may ask for with `?done=KEY`.
const DONE_KEYS: &[&str] = &[
    "inventory-done-status",
    "inventory-done-host-created",
    "inventory-done-host-saved",
];

/// One host as the list shows it.
struct Row {
    id: i64,
    name: String,
    kind: String,
    status: String,
    status_label: String,
    site: String,
    cluster: String,
    cores: String,
    ram: String,
}

impl Row {
    fn new(page: &Page, host: Host) -> Row {
        Row {
            id: host.id,
            kind: host
                .kind
                .map(|k| page.label("inventory-host-kind", k.as_ref()))
                .unwrap_or_else(|| page.t("inventory-host-undescribed")),
            status: host.status.to_string(),
            status_label: page.label("inventory-host-status", host.status.as_ref()),
            site: host.site_name.unwrap_or_default(),
            cluster: host.cluster_name.unwrap_or_default(),
            cores: host
                .resources
                .map(|r| r.cores.to_string())
                .unwrap_or_else(|| "—".into()),
            ram: gibibytes(page, host.resources.map(|r| r.ram_bytes)),
            name: host.technical_name,
        }
    }
}

#[derive(Template)]
#[template(path = "infra/hosts.html")]
struct ListPage {
    page: Page,
    text: String,
    statuses: Vec<Choice>,
    rows: Vec<Row>,
    total: String,
    pager: Pager,
    /// "Page 2 of 5".
    position: String,
    query: Params,
}

impl ListPage {
    fn page_url(&self, page: i64) -> String {
        self.query.with("page", &page.to_string())
    }
}

/// Shows the host list with search by technical name and a status filter.
pub async fn list(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Query(pairs): Query<Vec<(String, String)>>,
) -> AppResult<Response> {
    authorize(&identity, Action::ReadInventory, Object::System)?;
    let params = Params::new("/infra/hosts", &pairs);
    let mut pager = Pager::new(params.get("page"), PER_PAGE);
    let owned = |key: &str| params.get(key).map(str::to_string);
    let api_params = HostListParams {
        q: owned("q"),
        status: owned("status"),
        site_id: owned("site_id"),
        cluster_id: owned("cluster_id"),
        limit: Some(pager.per_page.to_string()),
        offset: Some(pager.offset().to_string()),
    };
    let query = api_params.to_query()?;
    let (found, total) = hosts::list(&state.db, &query).await?;
    pager.total = total;

    let page = Page::new(&state, &context, "inventory-hosts-title");
    let status = params.get("status").unwrap_or_default();
    let mut statuses = vec![Choice::new(
        "",
        page.t("inventory-filter-any-status"),
        false,
    )];
    statuses.extend(page.choices("inventory-host-status", &HostStatus::names(), &[status]));
    render(&ListPage {
        text: params.get("q").unwrap_or_default().to_string(),
        statuses,
        rows: found.into_iter().map(|h| Row::new(&page, h)).collect(),
        total: page.tn("inventory-hosts-count", "count", total),
        position: page.t2(
            "tickets-page-of",
            "page",
            pager.page,
            "pages",
            pager.pages(),
        ),
        pager,
        query: params.clone(),
        page,
    })
}

#[derive(Template)]
#[template(path = "infra/host.html")]
struct CardPage {
    page: Page,
    host: Host,
    kind: String,
    status: String,
    ram: String,
    storage: String,
    environments: Vec<Member>,
    /// The next lifecycle status and its label, when the user may move the host there.
    next: Option<(String, String)>,
    capacity: Vec<CapacityRow>,
    /// Metrics without advice, with the reason.
    capacity_skipped: Vec<(String, String)>,
    forecast: ForecastSection,
}

/// Capacity advice for one metric as the card shows it.
struct CapacityRow {
    metric: String,
    resource: String,
    current: String,
    target: String,
    headroom: String,
    exhaustion: String,
    action: String,
    action_kind: &'static str,
    reasons: Vec<String>,
    basis: String,
}

impl CapacityRow {
    fn new(page: &Page, item: CapacityItem) -> CapacityRow {
        let advice = &item.advice;
        let (action_kind, action) = action_text(page, &advice.action);
        CapacityRow {
            resource: page.label("inventory-capacity-resource", advice.resource.as_ref()),
            current: format!("{:.1} %", advice.current_percent),
            target: format!("{:.0} %", advice.target_percent),
            headroom: format!("{:+.1}", advice.headroom_points),
            exhaustion: eta_text(page, &advice.time_to_exhaustion),
            action,
            action_kind,
            basis: page.t2(
                "inventory-capacity-basis",
                "days",
                advice.days as i64,
                "points",
                advice.window_points as i64,
            ),
            reasons: item.messages,
            metric: item.metric,
        }
    }
}

/// Returns the action's kind and its wording with the numbers.
pub(super) fn action_text(page: &Page, action: &CapacityAction) -> (&'static str, String) {
    let factor = |value: f64| format!("{value:.2}");
    match *action {
        CapacityAction::Keep => ("keep", page.t("inventory-capacity-action-keep")),
        CapacityAction::ScaleUp { capacity_factor } => (
            "scale_up",
            page.t1(
                "inventory-capacity-action-scale_up",
                "factor",
                factor(capacity_factor),
            ),
        ),
        CapacityAction::AddNodes { count } => (
            "add_nodes",
            page.tn(
                "inventory-capacity-action-add_nodes",
                "count",
                i64::from(count),
            ),
        ),
        CapacityAction::MoveToCloud {
            capacity_factor, ..
        } => (
            "move_to_cloud",
            page.t1(
                "inventory-capacity-action-move_to_cloud",
                "factor",
                factor(capacity_factor),
            ),
        ),
        CapacityAction::Shrink {
            capacity_factor, ..
        } => (
            "shrink",
            page.t1(
                "inventory-capacity-action-shrink",
                "factor",
                factor(capacity_factor),
            ),
        ),
    }
}

/// Words a time to a level: already reached, never on the trend, or in days.
pub(super) fn eta_text(page: &Page, eta: &Eta) -> String {
    if eta.already {
        return page.t("inventory-capacity-eta-already");
    }
    match eta.seconds {
        Some(seconds) => page.t1(
            "inventory-capacity-eta-days",
            "days",
            format!("{:.1}", seconds / 86_400.0),
        ),
        None => page.t("inventory-capacity-eta-never"),
    }
}

/// Shows a host's card, with the forecast chosen by the query's forecast options.
pub async fn card(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Path(id): Path<String>,
    Query(query): Query<DoneQuery>,
    Query(forecast_params): Query<ForecastParams>,
) -> AppResult<Response> {
    let host = readable_host(&state, &identity, path_id(&id)?).await?;
    let page =
        Page::new(&state, &context, "inventory-host-title").with_notice(query.notice(DONE_KEYS));
    let environments = environments::environments_of_host(&state.db, host.id).await?;
    let may_manage = allows(&identity, Action::ManageInventory, Object::System);
    let options = CapacityParams::default().check()?;
    let report = capacity_report(&state, context.lang, &host, None, &options).await?;
    let capacity = report
        .items
        .into_iter()
        .map(|item| CapacityRow::new(&page, item))
        .collect();
    let capacity_skipped = report
        .skipped
        .into_iter()
        .map(|s| (s.metric, s.message))
        .collect();
    let forecast = forecast_section(&state, &page, &host, forecast_params).await?;
    let next = next_status(host.status)
        .filter(|_| may_manage && host.kind.is_some())
        .map(|s| (s.to_string(), page.label("inventory-host-step", s.as_ref())));
    render(&CardPage {
        kind: host
            .kind
            .map(|k| page.label("inventory-host-kind", k.as_ref()))
            .unwrap_or_else(|| page.t("inventory-host-undescribed")),
        status: page.label("inventory-host-status", host.status.as_ref()),
        ram: gibibytes(&page, host.resources.map(|r| r.ram_bytes)),
        storage: gibibytes(&page, host.resources.map(|r| r.storage_bytes)),
        environments,
        next,
        capacity,
        capacity_skipped,
        forecast,
        host,
        page,
    })
}

/// Returns the status one lifecycle step after `status`, if any.
fn next_status(status: HostStatus) -> Option<HostStatus> {
    HostStatus::names()
        .into_iter()
        .filter_map(|name| name.parse::<HostStatus>().ok())
        .find(|candidate| status.can_move_to(*candidate))
}

/// Form of the lifecycle step button.
#[derive(Debug, Deserialize)]
pub struct StepForm {
    pub to: String,
    pub version: i64,
}

/// Moves a host one lifecycle step and returns to its card.
pub async fn step(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Path(id): Path<String>,
    Form(form): Form<StepForm>,
) -> AppResult<Response> {
    let host = readable_host(&state, &identity, path_id(&id)?).await?;
    authorize(&identity, Action::ManageInventory, Object::System)?;
    let to = HostStatus::parse("to", &form.to)?;
    let Some(kind) = host.kind else {
        return Err(domain::Invalid::missing("kind").into());
    };
    let Some(resources) = host.resources else {
        return Err(domain::Invalid::missing("cores").into());
    };
    let draft = store::infra::HostDraft {
        technical_name: host.technical_name.clone(),
        kind,
        status: to,
        site_id: host.site_id,
        rack_id: host.rack_id,
        cluster_id: host.cluster_id,
        resources,
        zabbix_host_id: host.zabbix_host_id,
    };
    let saved = hosts::update(
        &state.db,
        host.id,
        form.version,
        &draft,
        &author(&identity),
        domain::time::now(),
    )
    .await?;
    tracing::info!(host_id = saved.id, status = %saved.status, "host status changed");
    Ok(Redirect::to(&format!(
        "/infra/hosts/{}?done=inventory-done-status",
        saved.id
    ))
    .into_response())
}
