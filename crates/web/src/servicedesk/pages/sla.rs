//! The SLA as the ticket pages show it: a badge with the remaining time in the list, and a
//! panel on the ticket page that explains a stopped clock.

use domain::servicedesk::Status;
use domain::sla::{TargetState, TicketSla};
use store::servicedesk::sla;
use store::servicedesk::tickets::Ticket;

use crate::api::ticket_sla::{TargetJson, TicketSlaJson};
use crate::error::AppResult;
use crate::i18n::Arg;
use crate::pages::Page;
use crate::state::AppState;

/// A ticket's SLA in a list row: the state as a badge and the remaining time.
#[derive(Debug, Clone)]
pub struct SlaCell {
    /// `breached`, `at_risk`, `paused` or `ok`.
    pub state: &'static str,
    /// Bootstrap classes of the badge.
    pub class: &'static str,
    /// "осталось 2 ч 15 мин" or "просрочено на 40 мин".
    pub text: String,
    /// The state's name, as the badge's tooltip.
    pub title: String,
}

/// Formats business minutes as hours and minutes: `2 ч 15 мин`.
pub fn duration(page: &Page, minutes: i64) -> String {
    let minutes = minutes.abs();
    let hours = minutes / 60;
    let rest = minutes % 60;
    if hours == 0 {
        return page.t1("sla-minutes", "minutes", rest);
    }
    page.t2("sla-duration", "hours", hours, "minutes", rest)
}

fn class_of(state: &str) -> &'static str {
    match state {
        "breached" => "text-bg-danger",
        "at_risk" => "text-bg-warning",
        "paused" => "text-bg-secondary",
        "met" => "text-bg-success",
        _ => "text-bg-light border",
    }
}

fn state_of(target: &TargetState, paused: bool) -> &'static str {
    state_name(
        target.breached,
        target.met_at.is_some(),
        paused,
        target.at_risk,
    )
}

/// Names a target's state, the most urgent first: breached, met, paused, at risk, on time.
fn state_name(breached: bool, met: bool, paused: bool, at_risk: bool) -> &'static str {
    if breached {
        "breached"
    } else if met {
        "met"
    } else if paused {
        "paused"
    } else if at_risk {
        "at_risk"
    } else {
        "ok"
    }
}

/// Builds the list cell of an open ticket from the target that runs now: the first response
/// until it is given, then the resolution. `None` for a resolved, closed or cancelled ticket.
fn cell(page: &Page, ticket: &Ticket, clock: &TicketSla) -> Option<SlaCell> {
    if matches!(
        ticket.status,
        Status::Resolved | Status::Closed | Status::Cancelled
    ) {
        return None;
    }
    let target = if clock.first_response.met_at.is_none() {
        &clock.first_response
    } else {
        &clock.resolution
    };
    let state = state_of(target, clock.paused());
    let amount = duration(page, target.remaining_minutes);
    let text = if target.remaining_minutes < 0 {
        page.t1("sla-overdue", "duration", amount)
    } else {
        page.t1("sla-remaining", "duration", amount)
    };
    Some(SlaCell {
        state,
        class: class_of(state),
        text,
        title: page.label("sla-state", state),
    })
}

/// Computes the list cells of `tickets` now, in the same order.
pub async fn cells(
    state: &AppState,
    page: &Page,
    tickets: &[Ticket],
) -> AppResult<Vec<Option<SlaCell>>> {
    let now = domain::time::now();
    let mut cells = Vec::with_capacity(tickets.len());
    for ticket in tickets {
        let view = sla::view(&state.db, ticket, now).await?;
        cells.push(view.sla.and_then(|clock| cell(page, ticket, &clock)));
    }
    Ok(cells)
}

/// One target on the ticket page.
pub struct TargetView {
    pub label: String,
    pub due: String,
    /// "осталось …", "просрочено на …" or "выполнено …".
    pub status: String,
    pub state: &'static str,
    pub class: &'static str,
    pub state_label: String,
}

/// The SLA panel of the ticket page.
pub struct SlaPanel {
    /// The source of the targets, such as «По договору клиента».
    pub policy: String,
    /// The contract page when a contract gave the targets.
    pub contract_url: Option<String>,
    pub calendar: String,
    pub targets: Vec<TargetView>,
    /// The reason the clock does not run now, in words; `None` while it runs.
    pub stopped: Option<String>,
}

fn target_view(
    page: &Page,
    key: &str,
    target: &TargetJson,
    due: String,
    paused: bool,
) -> TargetView {
    let state = state_name(
        target.breached,
        target.met_at.is_some(),
        paused,
        target.at_risk,
    );
    let amount = duration(page, target.remaining_minutes);
    let status = match &target.met_at {
        Some(at) => page.t1("sla-met", "at", page.datetime(at)),
        None if target.remaining_minutes < 0 => page.t1("sla-overdue", "duration", amount),
        None => page.t1("sla-remaining", "duration", amount),
    };
    TargetView {
        label: page.t(key),
        due,
        status,
        state,
        class: class_of(state),
        state_label: page.label("sla-state", state),
    }
}

/// Builds the ticket page's SLA panel from the API's view of the ticket. The calendar is
/// shown by `calendar_name` when it is known, else by its code.
pub fn panel(page: &Page, sla: &TicketSlaJson, calendar_name: Option<String>) -> SlaPanel {
    let calendar = calendar_name.unwrap_or_else(|| sla.calendar.clone());
    let stopped = sla.stopped.as_deref().map(|reason| match reason {
        "outside_business_hours" => page.i18n.format(
            page.lang,
            "sla-stopped-outside_business_hours",
            &[
                ("calendar", Arg::Text(calendar.clone())),
                ("at", Arg::Text(page.datetime_opt(&sla.resumes_at))),
            ],
        ),
        other => page.label("sla-stopped", other),
    });
    SlaPanel {
        policy: page.label("sla-policy", &sla.policy),
        contract_url: sla.contract_id.map(|id| format!("/contracts/{id}")),
        calendar,
        targets: vec![
            target_view(
                page,
                "sla-first-response",
                &sla.first_response,
                page.datetime_opt(&sla.first_response_due),
                sla.paused,
            ),
            target_view(
                page,
                "sla-resolution",
                &sla.resolution,
                page.datetime_opt(&sla.resolution_due),
                sla.paused,
            ),
        ],
        stopped,
    }
}
