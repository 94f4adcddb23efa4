//! The SLA report page (`/reports/sla`): MTTA, MTTR and compliance per client and queue for
//! a month, the same figures as `GET /api/v1/reports/sla`.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use domain::identity::{Action, Object};
use store::servicedesk::sla_report::{self, GroupFigures};

use crate::api::sla_reports::{MonthParams, month_of};
use crate::context::{Auth, Context};
use crate::error::AppResult;
use crate::pages::{Page, render};
use crate::query::Query;
use crate::servicedesk::access::authorize;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "notify/sla_report.html")]
struct ReportPage {
    page: Page,
    /// `YYYY-MM`.
    month: String,
    total: RowView,
    sections: Vec<Section>,
}

/// A table of the report: by client or by queue.
struct Section {
    heading: String,
    rows: Vec<RowView>,
}

struct RowView {
    name: String,
    tickets: i64,
    mtta: String,
    mttr: String,
    breached: i64,
    compliance: String,
}

impl RowView {
    fn new(name: String, figures: &domain::sla::report::Compliance) -> RowView {
        let minutes = |value: Option<i64>| value.map_or_else(|| "—".to_string(), |m| m.to_string());
        RowView {
            name,
            tickets: figures.tickets,
            mtta: minutes(figures.mtta_minutes),
            mttr: minutes(figures.mttr_minutes),
            breached: figures.breached,
            compliance: figures
                .compliance_percent
                .map_or_else(|| "—".to_string(), |p| format!("{p:.1} %")),
        }
    }
}

/// Shows the SLA report of a month.
pub async fn show(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Query(params): Query<MonthParams>,
) -> AppResult<Response> {
    authorize(&identity, Action::ReadSlaReports, Object::System)?;
    let month = month_of(&params)?;
    let report = sla_report::month_report(&state.db, month, domain::time::now()).await?;
    let page = Page::new(&state, &context, "sla-report-title");
    let no_client = page.t("sla-report-no-client");
    let group = |group: &GroupFigures, fallback: &str| {
        let name = if group.name.is_empty() {
            fallback.to_string()
        } else {
            group.name.clone()
        };
        RowView::new(name, &group.figures)
    };
    let sections = vec![
        Section {
            heading: page.t("sla-report-by-client"),
            rows: report
                .by_client
                .iter()
                .map(|g| group(g, &no_client))
                .collect(),
        },
        Section {
            heading: page.t("sla-report-by-queue"),
            rows: report.by_queue.iter().map(|g| group(g, "")).collect(),
        },
    ];
    render(&ReportPage {
        month: month.format("%Y-%m").to_string(),
        total: RowView::new(page.t("sla-report-total"), &report.total),
        sections,
        page,
    })
}
