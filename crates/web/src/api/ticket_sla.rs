//! The SLA part of a ticket as the API returns it: both deadlines, whether the clock is
//! paused, and where the targets came from.

use chrono::{DateTime, Utc};
use domain::sla::{StopReason, TargetState};
use serde::Serialize;
use store::servicedesk::Ticket;
use store::servicedesk::sla;
use utoipa::ToSchema;

use crate::error::AppResult;
use crate::state::AppState;

/// One target's clock.
#[derive(Debug, Serialize, ToSchema)]
pub struct TargetJson {
    /// The target in business minutes of the calendar.
    pub target_minutes: i64,
    /// Business minutes left, counted to `met_at` once met; negative once breached.
    pub remaining_minutes: i64,
    pub breached: bool,
    /// Whether 80 % of the target's business time has passed on an unmet target.
    pub at_risk: bool,
    /// When the target was met, if it was.
    pub met_at: Option<DateTime<Utc>>,
}

impl From<&TargetState> for TargetJson {
    fn from(state: &TargetState) -> Self {
        TargetJson {
            target_minutes: state.target_minutes,
            remaining_minutes: state.remaining_minutes,
            breached: state.breached,
            at_risk: state.at_risk,
            met_at: state.met_at,
        }
    }
}

/// A ticket's SLA.
#[derive(Debug, Serialize, ToSchema)]
pub struct TicketSlaJson {
    /// Deadline of the first public comment by staff, RFC 3339 in UTC. While the clock is
    /// paused it assumes the clock restarts now.
    pub first_response_due: Option<DateTime<Utc>>,
    /// Deadline of the resolution, RFC 3339 in UTC, projected like `first_response_due`.
    pub resolution_due: Option<DateTime<Utc>>,
    /// Whether waiting in `pending` stops the clock now.
    pub paused: bool,
    /// Why the clock does not run now: `pending_client`, `pending_third_party` or
    /// `outside_business_hours`; `null` while it runs.
    pub stopped: Option<String>,
    /// When the clock starts again after business hours; `null` otherwise.
    pub resumes_at: Option<DateTime<Utc>>,
    /// `contract` (the ticket's client's contract), `contract_strictest` (the strictest
    /// contract of the clients a Zabbix incident's host serves) or `internal`.
    pub policy: String,
    /// The contract whose terms at the ticket's creation gave the targets.
    pub contract_id: Option<i64>,
    /// The calendar code of the ticket's priority.
    pub calendar: String,
    pub first_response: TargetJson,
    pub resolution: TargetJson,
}

/// Computes the SLA of `ticket` now; `None` when its calendar is missing.
pub async fn ticket_sla_json(
    state: &AppState,
    ticket: &Ticket,
) -> AppResult<Option<TicketSlaJson>> {
    let view = sla::view(&state.db, ticket, domain::time::now()).await?;
    let Some(clock) = view.sla else {
        return Ok(None);
    };
    let (stopped, resumes_at) = match clock.stopped {
        Some(StopReason::Pending { reason }) => (Some(format!("pending_{reason}")), None),
        Some(StopReason::OutsideBusinessHours { resumes_at }) => {
            (Some("outside_business_hours".to_string()), resumes_at)
        }
        None => (None, None),
    };
    Ok(Some(TicketSlaJson {
        first_response_due: clock.first_response.due,
        resolution_due: clock.resolution.due,
        paused: clock.paused(),
        stopped,
        resumes_at,
        policy: policy_name(&view.policy).to_string(),
        contract_id: view.policy.contract_id,
        calendar: view.calendar,
        first_response: TargetJson::from(&clock.first_response),
        resolution: TargetJson::from(&clock.resolution),
    }))
}

/// Names where a ticket's targets came from, as the API and the ticket page show it.
pub fn policy_name(policy: &sla::TicketPolicy) -> &'static str {
    match (policy.contract_id, policy.strictest) {
        (Some(_), true) => "contract_strictest",
        (Some(_), false) => "contract",
        (None, _) => "internal",
    }
}
