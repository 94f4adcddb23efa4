//! The analytics dashboard page (`/analytics`): the summary of a range as a table and a daily
//! chart drawn with ECharts from `/api/v1/analytics/daily`.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::Days;
use domain::analytics::session::local_date;

use super::sections::{self, Sections, percent};
use super::summary::{PLATFORM_ZONE, SummaryJson, SummaryParams, compute, present};
use crate::context::{Auth, Context};
use crate::error::AppResult;
use crate::pages::{Page, render};
use crate::state::AppState;

/// Days shown when the request names no range: the last 30, today included.
const DEFAULT_DAYS: u64 = 30;

#[derive(Template)]
#[template(path = "analytics/dashboard.html")]
struct DashboardPage {
    page: Page,
    shop: String,
    summary: SummaryJson,
    conversion_visitors: String,
    conversion_sessions: String,
    daily_url: String,
    sections: Sections,
}

/// Shows the dashboard of a shop (`?shop=SLUG`) or of the platform.
pub async fn show(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Query(mut params): Query<SummaryParams>,
) -> AppResult<Response> {
    if present(&params.from).is_none() && present(&params.to).is_none() {
        let today = local_date(domain::time::now(), PLATFORM_ZONE);
        let first = today.checked_sub_days(Days::new(DEFAULT_DAYS - 1));
        params.from = first.map(|day| day.to_string());
        params.to = Some(today.to_string());
    }
    let summary = compute(&state, &identity, &params).await?;
    let shop = summary.shop.clone().unwrap_or_default();
    let daily_url = format!(
        "/api/v1/analytics/daily?shop={}&from={}&to={}",
        crate::pages::encode_query(&shop),
        summary.from,
        summary.to
    );
    let page = Page::new(&state, &context, "analytics-dashboard-title");
    let sections =
        sections::build(&state, &identity, &summary, &page.t("analytics-change-new")).await?;
    let page = DashboardPage {
        page,
        sections,
        conversion_visitors: percent(summary.conversion_visitors),
        conversion_sessions: percent(summary.conversion_sessions),
        shop,
        summary,
        daily_url,
    };
    render(&page)
}
