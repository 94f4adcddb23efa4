//! SLA reports: MTTA, MTTR and compliance per client and queue for a month, and the SLA
//! breaches of a contract in a month with their downtime. Months are read in Moscow time,
//! like contract dates. Figures are computed from each ticket's SLA clocks at `now`.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use domain::sla::report::{Compliance, TicketOutcome, next_month};
use domain::sla::{TargetKind, TargetState};

use super::sla;
use super::tickets::{self, Ticket};
use crate::{Db, Result, args};

/// The figures of one client or queue.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupFigures {
    /// The client's or queue's id; `None` for tickets without a client.
    pub id: Option<i64>,
    /// The client's name or the queue's code; empty for tickets without a client.
    pub name: String,
    pub figures: Compliance,
}

/// The SLA report of one month, over the tickets created in it.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthReport {
    /// The month's first day.
    pub month: NaiveDate,
    pub total: Compliance,
    /// By client, by name; tickets without a client last.
    pub by_client: Vec<GroupFigures>,
    /// By queue code.
    pub by_queue: Vec<GroupFigures>,
}

/// Returns the first instant of `date` in Moscow.
fn moscow_start(date: NaiveDate) -> DateTime<Utc> {
    let midnight = date.and_hms_opt(0, 0, 0).unwrap_or_default();
    chrono_tz::Europe::Moscow
        .from_local_datetime(&midnight)
        .earliest()
        .map_or_else(|| midnight.and_utc(), |local| local.with_timezone(&Utc))
}

/// Business minutes counted to a met target.
fn minutes_to_met(state: &TargetState) -> Option<i64> {
    state
        .met_at
        .map(|_| state.target_minutes - state.remaining_minutes)
}

/// Computes how one ticket did against its targets at `now`; `None` when its calendar is
/// missing.
async fn outcome(db: &Db, ticket: &Ticket, now: DateTime<Utc>) -> Result<Option<TicketOutcome>> {
    let view = sla::view(db, ticket, now).await?;
    Ok(view.sla.map(|sla| TicketOutcome {
        first_response_minutes: minutes_to_met(&sla.first_response),
        resolution_minutes: minutes_to_met(&sla.resolution),
        first_response_breached: sla.first_response.breached,
        resolution_breached: sla.resolution.breached,
    }))
}

/// Builds the report of `month` (its first day) at `now`.
pub async fn month_report(db: &Db, month: NaiveDate, now: DateTime<Utc>) -> Result<MonthReport> {
    let rows: Vec<(i64, Option<String>)> = db
        .fetch_all(
            "SELECT t.id, c.name FROM tickets t LEFT JOIN clients c ON c.id = t.client_id \
             WHERE t.created_at >= $1 AND t.created_at < $2 ORDER BY t.id",
            args![moscow_start(month), moscow_start(next_month(month))],
        )
        .await?;
    let mut all = Vec::new();
    let mut clients: BTreeMap<(bool, String, Option<i64>), Vec<TicketOutcome>> = BTreeMap::new();
    let mut queues: BTreeMap<(String, i64), Vec<TicketOutcome>> = BTreeMap::new();
    for (id, client_name) in rows {
        let Some(ticket) = tickets::get(db, id).await? else {
            continue;
        };
        let Some(outcome) = outcome(db, &ticket, now).await? else {
            continue;
        };
        all.push(outcome);
        let client_key = (
            ticket.client_id.is_none(),
            client_name.unwrap_or_default(),
            ticket.client_id,
        );
        clients.entry(client_key).or_default().push(outcome);
        queues
            .entry((ticket.queue.clone(), ticket.queue_id))
            .or_default()
            .push(outcome);
    }
    Ok(MonthReport {
        month,
        total: Compliance::of(&all),
        by_client: clients
            .into_iter()
            .map(|((_, name, id), outcomes)| GroupFigures {
                id,
                name,
                figures: Compliance::of(&outcomes),
            })
            .collect(),
        by_queue: queues
            .into_iter()
            .map(|((name, id), outcomes)| GroupFigures {
                id: Some(id),
                name,
                figures: Compliance::of(&outcomes),
            })
            .collect(),
    })
}

/// One breached target of a ticket.
#[derive(Debug, Clone, PartialEq)]
pub struct Breach {
    pub ticket_id: i64,
    pub number: String,
    pub title: String,
    pub target: TargetKind,
    pub due: DateTime<Utc>,
    /// When the target was met late; `None` while it is still unmet.
    pub met_at: Option<DateTime<Utc>>,
    /// Business minutes past the deadline, to `met_at` or `now`.
    pub overdue_minutes: i64,
    /// Wall-clock minutes from the ticket's creation to its resolution, or to `now` while it
    /// is unresolved: how long the client's service was affected.
    pub downtime_minutes: i64,
}

/// Lists the breaches of `contract_id` whose deadline falls in `month` (its first day),
/// computed at `now`, by deadline.
pub async fn contract_breaches(
    db: &Db,
    contract_id: i64,
    month: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Vec<Breach>> {
    let start = moscow_start(month);
    let end = moscow_start(next_month(month));
    let ids: Vec<(i64,)> = db
        .fetch_all(
            "SELECT t.id FROM tickets t JOIN ticket_sla s ON s.ticket_id = t.id \
             WHERE s.contract_id = $1 AND t.created_at < $2 ORDER BY t.id",
            args![contract_id, end],
        )
        .await?;
    let mut breaches = Vec::new();
    for (id,) in ids {
        let Some(ticket) = tickets::get(db, id).await? else {
            continue;
        };
        let Some(sla) = sla::view(db, &ticket, now).await?.sla else {
            continue;
        };
        let downtime_until = ticket.resolved_at.unwrap_or(now);
        let downtime_minutes = (downtime_until - ticket.created_at).num_minutes().max(0);
        for (target, state) in [
            (TargetKind::FirstResponse, sla.first_response),
            (TargetKind::Resolution, sla.resolution),
        ] {
            let Some(due) = state
                .due
                .filter(|due| state.breached && *due >= start && *due < end)
            else {
                continue;
            };
            breaches.push(Breach {
                ticket_id: ticket.id,
                number: ticket.number.clone(),
                title: ticket.title.clone(),
                target,
                due,
                met_at: state.met_at,
                overdue_minutes: -state.remaining_minutes,
                downtime_minutes,
            });
        }
    }
    breaches.sort_by_key(|breach| (breach.due, breach.ticket_id));
    Ok(breaches)
}
