//! The sales report page: the same figures as `GET /api/v1/reports/sales`, as tables.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use domain::identity::{Action, Object};
use domain::money::Money;

use crate::api::contracts::today;
use crate::api::reports::{SalesReport, SalesReportParams, build};
use crate::context::{Auth, Context};
use crate::error::AppResult;
use crate::pages::{Page, render};
use crate::query::Query;
use crate::servicedesk::access::authorize;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "reports/sales.html")]
struct SalesPage {
    page: Page,
    report: SalesReport,
    from: String,
    months: String,
}

impl SalesPage {
    fn money(&self, kopecks: &i64) -> String {
        Money::from_kopecks(*kopecks).to_string()
    }

    fn month(&self, month: &chrono::NaiveDate) -> String {
        month.format("%m.%Y").to_string()
    }
}

/// Shows the sales report; `from` and `months` choose the MRR table's months.
pub async fn sales(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Query(params): Query<SalesReportParams>,
) -> AppResult<Response> {
    authorize(&identity, Action::ReadDeals, Object::System)?;
    let report = build(&state, &params, today()).await?;
    let page = Page::new(&state, &context, "report-sales-title");
    render(&SalesPage {
        from: params.from.clone().unwrap_or_default(),
        months: params.months.clone().unwrap_or_default(),
        report,
        page,
    })
}
