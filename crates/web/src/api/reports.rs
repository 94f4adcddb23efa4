//! The sales report of the JSON API: the deal funnel, MRR by month with its movements, the
//! contracts ending within 30, 60 and 90 days, and the claims with overdue answers.

use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use domain::Invalid;
use domain::crm::mrr::month_starts;
use domain::identity::{Action, Object};
use serde::{Deserialize, Serialize};
use store::crm::{claims, deals, reports};
use utoipa::{IntoParams, ToSchema};

use super::contracts::today;
use super::disputes::DisputeJson;
use super::tariffs::parse_date;
use super::tickets::parse_bounded;
use crate::context::Auth;
use crate::error::AppResult;
use crate::query::Query;
use crate::servicedesk::access::authorize;
use crate::state::AppState;

/// Months the report covers when the request names none.
const DEFAULT_MONTHS: i64 = 6;
/// Months the report covers at most.
const MAX_MONTHS: i64 = 36;
/// The windows, in days from today, of the contracts ending soon.
pub const ENDING_WINDOWS: [i64; 3] = [30, 60, 90];
/// Overdue claims the report lists at most.
const OVERDUE_LIMIT: i64 = 100;

/// One stage of the funnel.
#[derive(Debug, Serialize, ToSchema)]
pub struct FunnelJson {
    pub stage: String,
    pub count: i64,
    pub amount_kopecks: i64,
}

/// MRR on the first day of a month and its movements from the month before.
#[derive(Debug, Serialize, ToSchema)]
pub struct MrrJson {
    /// The first day of the month.
    pub month: NaiveDate,
    pub mrr_kopecks: i64,
    pub new_kopecks: i64,
    pub expansion_kopecks: i64,
    pub contraction_kopecks: i64,
    pub churn_kopecks: i64,
}

/// A contract in force whose last day is near.
#[derive(Debug, Serialize, ToSchema)]
pub struct EndingJson {
    pub contract_id: i64,
    pub number: String,
    pub client_id: i64,
    pub client_name: String,
    pub ends_on: NaiveDate,
    pub days_left: i64,
    pub auto_prolongation: bool,
}

/// Contracts ending within a window of days.
#[derive(Debug, Serialize, ToSchema)]
pub struct EndingWindowJson {
    pub days: i64,
    pub count: usize,
}

/// The sales report.
#[derive(Debug, Serialize, ToSchema)]
pub struct SalesReport {
    /// The day the report was computed for, in Moscow.
    pub today: NaiveDate,
    /// Deals at each stage now, in pipeline order.
    pub funnel: Vec<FunnelJson>,
    /// The contracts in force on the first of each month, at the terms in force that day.
    /// Each movement compares a client's MRR with the month before.
    pub mrr: Vec<MrrJson>,
    /// Counts within 30, 60 and 90 days; each window includes the shorter ones.
    pub ending_windows: Vec<EndingWindowJson>,
    /// The contracts ending within 90 days, the nearest first.
    pub ending: Vec<EndingJson>,
    /// Claims still owed an answer past their deadline, the oldest first.
    pub overdue_disputes: Vec<DisputeJson>,
}

/// Query of `GET /reports/sales`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SalesReportParams {
    /// First month of the MRR table, any day of it as `YYYY-MM-DD`; by default the month
    /// five months before this one.
    pub from: Option<String>,
    /// Months of the MRR table, 1 to 36 (default 6).
    pub months: Option<String>,
}

/// Computes the report for `today`.
pub async fn build(
    state: &AppState,
    params: &SalesReportParams,
    today: NaiveDate,
) -> AppResult<SalesReport> {
    let count = match params
        .months
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
    {
        Some(months) => parse_bounded("months", months, 1, MAX_MONTHS)?,
        None => DEFAULT_MONTHS,
    };
    let count = u32::try_from(count).map_err(|_| Invalid::new("months", "error-out-of-range"))?;
    let from = match params
        .from
        .as_deref()
        .map(str::trim)
        .filter(|f| !f.is_empty())
    {
        Some(from) => parse_date("from", from)?,
        None => today
            .checked_sub_months(chrono::Months::new(count - 1))
            .unwrap_or(today),
    };
    let months = month_starts(from, count);

    let funnel = deals::funnel(&state.db)
        .await?
        .into_iter()
        .map(|stage| FunnelJson {
            stage: stage.stage.to_string(),
            count: stage.count,
            amount_kopecks: stage.amount.kopecks(),
        })
        .collect();
    let mrr = reports::mrr(&state.db, &months)
        .await?
        .into_iter()
        .map(|row| MrrJson {
            month: row.month,
            mrr_kopecks: row.mrr.kopecks(),
            new_kopecks: row.new.kopecks(),
            expansion_kopecks: row.expansion.kopecks(),
            contraction_kopecks: row.contraction.kopecks(),
            churn_kopecks: row.churn.kopecks(),
        })
        .collect();
    let longest = ENDING_WINDOWS[ENDING_WINDOWS.len() - 1];
    let ending = reports::ending(&state.db, today, longest).await?;
    let ending_windows = ENDING_WINDOWS
        .iter()
        .map(|days| EndingWindowJson {
            days: *days,
            count: ending.iter().filter(|c| c.days_left <= *days).count(),
        })
        .collect();
    let overdue_query = claims::ListQuery {
        overdue_on: Some(today),
        limit: OVERDUE_LIMIT,
        ..claims::ListQuery::default()
    };
    let (overdue, _) = claims::list(&state.db, &overdue_query).await?;
    Ok(SalesReport {
        today,
        funnel,
        mrr,
        ending_windows,
        ending: ending
            .into_iter()
            .map(|c| EndingJson {
                contract_id: c.id,
                number: c.number,
                client_id: c.client_id,
                client_name: c.client_name,
                ends_on: c.ends_on,
                days_left: c.days_left,
                auto_prolongation: c.auto_prolongation,
            })
            .collect(),
        overdue_disputes: overdue
            .iter()
            .map(|c| DisputeJson::new(c, &state.config.public_url))
            .collect(),
    })
}

/// Reads the sales report.
#[utoipa::path(get, path = "/api/v1/reports/sales", tag = "reports", params(SalesReportParams),
    responses((status = 200, body = SalesReport), (status = 401), (status = 404),
        (status = 422)))]
pub async fn sales(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Query(params): Query<SalesReportParams>,
) -> AppResult<Json<SalesReport>> {
    authorize(&identity, Action::ReadDeals, Object::System)?;
    Ok(Json(build(&state, &params, today()).await?))
}
