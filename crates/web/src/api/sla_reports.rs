//! SLA reports in the API: MTTA, MTTR and compliance per client and queue for a month, and
//! a contract's SLA breaches in a month with their downtime.

use axum::Json;
use axum::extract::{Path, State};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use domain::identity::{Action, Object};
use domain::notify::target_name;
use domain::sla::report::{Compliance, parse_month};
use serde::{Deserialize, Serialize};
use store::servicedesk::sla_report::{self, Breach, GroupFigures, MonthReport};
use utoipa::{IntoParams, ToSchema};

use super::contracts::{readable_contract, today};
use super::tickets::path_id;
use crate::context::Auth;
use crate::error::AppResult;
use crate::query::Query;
use crate::servicedesk::access::authorize;
use crate::state::AppState;

/// Query of the SLA report routes.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MonthParams {
    /// `YYYY-MM`; the current month (Moscow) when absent.
    pub month: Option<String>,
}

/// Reads the `month` parameter, or the current month.
pub fn month_of(params: &MonthParams) -> AppResult<NaiveDate> {
    match params
        .month
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
    {
        Some(text) => Ok(parse_month("month", text)?),
        None => {
            let today = today();
            Ok(today.with_day(1).unwrap_or(today))
        }
    }
}

/// Formats a month as `YYYY-MM`.
fn month_text(month: NaiveDate) -> String {
    month.format("%Y-%m").to_string()
}

/// MTTA, MTTR and compliance of a set of tickets.
#[derive(Debug, Serialize, ToSchema)]
pub struct FiguresJson {
    pub tickets: i64,
    pub responded: i64,
    pub resolved: i64,
    /// Mean business minutes to the first public staff comment.
    pub mtta_minutes: Option<i64>,
    /// Mean business minutes to resolution.
    pub mttr_minutes: Option<i64>,
    /// Tickets with at least one breached target.
    pub breached: i64,
    /// Share of tickets without a breached target, in percent; `null` without tickets.
    pub compliance_percent: Option<f64>,
}

impl From<Compliance> for FiguresJson {
    fn from(figures: Compliance) -> Self {
        FiguresJson {
            tickets: figures.tickets,
            responded: figures.responded,
            resolved: figures.resolved,
            mtta_minutes: figures.mtta_minutes,
            mttr_minutes: figures.mttr_minutes,
            breached: figures.breached,
            compliance_percent: figures.compliance_percent,
        }
    }
}

/// The figures of one client or queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupJson {
    /// The client's or queue's id; `null` for tickets without a client.
    pub id: Option<i64>,
    /// The client's name or the queue's code; empty for tickets without a client.
    pub name: String,
    #[serde(flatten)]
    pub figures: FiguresJson,
}

impl From<GroupFigures> for GroupJson {
    fn from(group: GroupFigures) -> Self {
        GroupJson {
            id: group.id,
            name: group.name,
            figures: group.figures.into(),
        }
    }
}

/// The SLA report of a month, over the tickets created in it (Moscow time).
#[derive(Debug, Serialize, ToSchema)]
pub struct SlaReportJson {
    /// `YYYY-MM`.
    pub month: String,
    pub total: FiguresJson,
    pub by_client: Vec<GroupJson>,
    pub by_queue: Vec<GroupJson>,
}

impl From<MonthReport> for SlaReportJson {
    fn from(report: MonthReport) -> Self {
        SlaReportJson {
            month: month_text(report.month),
            total: report.total.into(),
            by_client: report.by_client.into_iter().map(Into::into).collect(),
            by_queue: report.by_queue.into_iter().map(Into::into).collect(),
        }
    }
}

/// Reads MTTA, MTTR and SLA compliance per client and queue for the tickets created in a
/// month. Staff only.
#[utoipa::path(get, path = "/api/v1/reports/sla", tag = "tickets", params(MonthParams),
    responses((status = 200, body = SlaReportJson), (status = 403), (status = 422)))]
pub async fn report(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Query(params): Query<MonthParams>,
) -> AppResult<Json<SlaReportJson>> {
    authorize(&identity, Action::ReadSlaReports, Object::System)?;
    let month = month_of(&params)?;
    let report = sla_report::month_report(&state.db, month, domain::time::now()).await?;
    Ok(Json(report.into()))
}

/// One breached target of a ticket.
#[derive(Debug, Serialize, ToSchema)]
pub struct BreachJson {
    pub ticket_id: i64,
    pub number: String,
    pub title: String,
    /// `first_response` or `resolution`.
    pub target: String,
    pub due: DateTime<Utc>,
    /// When the target was met late; `null` while it is unmet.
    pub met_at: Option<DateTime<Utc>>,
    /// Business minutes past the deadline.
    pub overdue_minutes: i64,
    /// Wall-clock minutes from the ticket's creation to its resolution, or to now.
    pub downtime_minutes: i64,
}

impl From<Breach> for BreachJson {
    fn from(breach: Breach) -> Self {
        BreachJson {
            ticket_id: breach.ticket_id,
            number: breach.number,
            title: breach.title,
            target: target_name(breach.target).to_string(),
            due: breach.due,
            met_at: breach.met_at,
            overdue_minutes: breach.overdue_minutes,
            downtime_minutes: breach.downtime_minutes,
        }
    }
}

/// A contract's SLA breaches in a month.
#[derive(Debug, Serialize, ToSchema)]
pub struct BreachesJson {
    pub contract_id: i64,
    pub number: String,
    /// `YYYY-MM`.
    pub month: String,
    pub breaches: Vec<BreachJson>,
    /// Downtime of the breached tickets, each counted once, in minutes.
    pub total_downtime_minutes: i64,
}

/// Lists the SLA breaches of a contract whose deadline falls in a month, with their
/// downtime, ready to attach to a claim. The contract's client sees its own contract.
#[utoipa::path(get, path = "/api/v1/contracts/{id}/sla-breaches", tag = "contracts",
    params(("id" = i64, Path, description = "Contract id"), MonthParams),
    responses((status = 200, body = BreachesJson), (status = 404), (status = 422)))]
pub async fn contract_breaches(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Path(id): Path<String>,
    Query(params): Query<MonthParams>,
) -> AppResult<Json<BreachesJson>> {
    let contract = readable_contract(&state, &identity, path_id(&id)?).await?;
    let month = month_of(&params)?;
    let breaches =
        sla_report::contract_breaches(&state.db, contract.id, month, domain::time::now()).await?;
    let mut counted = std::collections::BTreeMap::new();
    for breach in &breaches {
        counted.insert(breach.ticket_id, breach.downtime_minutes);
    }
    Ok(Json(BreachesJson {
        contract_id: contract.id,
        number: contract.number.to_string(),
        month: month_text(month),
        total_downtime_minutes: counted.values().sum(),
        breaches: breaches.into_iter().map(Into::into).collect(),
    }))
}
