//! The SLA of each ticket. A ticket takes its policy at creation from the terms of its
//! client's contract in force that day, or else the internal policy. Its pending intervals
//! and the deadlines computed last are stored beside it, so the list can filter on them.

use chrono::{DateTime, NaiveDate, Utc};
use domain::crm::terms_on;
use domain::servicedesk::{PendingReason, Priority, Status};
use domain::sla::{
    Candidate, ClockRules, Pause, SlaPolicy, TicketSla, TicketTimes, strictest, ticket_sla,
};

use super::tickets::{self, Ticket};
use crate::calendar;
use crate::crm::{amendments, contracts, tariffs};
use crate::{Db, Error, Result, Tx, args};

/// The code of the editable internal policy in `sla_policies`.
const INTERNAL: &str = "internal";

/// A ticket's policy and the contract it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct TicketPolicy {
    /// The contract whose terms gave the policy; `None` for the internal policy.
    pub contract_id: Option<i64>,
    /// Whether the contract was chosen as the strictest of those of the clients affected by
    /// a Zabbix incident's host, rather than being the ticket's own client's contract.
    pub strictest: bool,
    pub policy: SlaPolicy,
    pub rules: ClockRules,
}

/// Returns the calendar date of an instant in Moscow, where contract dates are read.
fn contract_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&chrono_tz::Europe::Moscow).date_naive()
}

/// Finds the policy for a ticket of `client_id` created at `at`: the SLA of the terms on
/// that day of the client's active or suspended contract in force then (the latest started
/// when several are), else the internal policy.
pub async fn policy_for_in(
    tx: &mut Tx,
    client_id: Option<i64>,
    at: DateTime<Utc>,
) -> Result<TicketPolicy> {
    let date = contract_date(at);
    if let Some(client_id) = client_id {
        let ids: Vec<(i64,)> = tx
            .fetch_all(
                "SELECT id FROM contracts WHERE client_id = $1 \
                 AND status IN ('active', 'suspended') AND starts_on <= $2 \
                 ORDER BY starts_on DESC, id DESC",
                args![client_id, date],
            )
            .await?;
        for (id,) in ids {
            let Some(contract) = contracts::get_in(tx, id).await? else {
                continue;
            };
            let Some(plan) = tariffs::get_in(tx, contract.plan_id).await? else {
                continue;
            };
            let stored = amendments::list_in(tx, id).await?;
            let all: Vec<_> = stored.into_iter().map(|a| a.amendment).collect();
            let terms = terms_on(&amendments::base_terms(&contract, &plan), &all, date).terms;
            let ended = !terms.auto_prolongation && terms.ends_on.is_some_and(|end| end < date);
            if !ended {
                return Ok(TicketPolicy {
                    contract_id: Some(id),
                    strictest: false,
                    policy: terms.sla,
                    rules: terms.clock_rules,
                });
            }
        }
    }
    Ok(TicketPolicy {
        contract_id: None,
        strictest: false,
        policy: internal_policy_in(tx).await?,
        rules: ClockRules::default(),
    })
}

/// Returns the internal policy: the stored one, or the built-in defaults.
pub async fn internal_policy_in(tx: &mut Tx) -> Result<SlaPolicy> {
    let stored: Option<(String,)> = tx
        .fetch_optional(
            "SELECT policy FROM sla_policies WHERE code = $1",
            args![INTERNAL],
        )
        .await?;
    match stored {
        Some((json,)) => serde_json::from_str(&json)
            .map_err(|e| Error::Corrupt(format!("internal SLA policy: {e}"))),
        None => Ok(SlaPolicy::internal_default()),
    }
}

/// Returns the internal policy outside a transaction.
pub async fn internal_policy(db: &Db) -> Result<SlaPolicy> {
    let stored: Option<(String,)> = db
        .fetch_optional(
            "SELECT policy FROM sla_policies WHERE code = $1",
            args![INTERNAL],
        )
        .await?;
    match stored {
        Some((json,)) => serde_json::from_str(&json)
            .map_err(|e| Error::Corrupt(format!("internal SLA policy: {e}"))),
        None => Ok(SlaPolicy::internal_default()),
    }
}

/// Replaces the internal policy after checking its calendars and targets.
pub async fn set_internal_policy(db: &Db, policy: &SlaPolicy, now: DateTime<Utc>) -> Result<()> {
    tariffs::check_sla(db, policy, contract_date(now)).await?;
    let json = serde_json::to_string(policy)
        .map_err(|e| Error::Corrupt(format!("internal SLA policy: {e}")))?;
    let mut tx = db.begin().await?;
    tx.execute("DELETE FROM sla_policies WHERE code = $1", args![INTERNAL])
        .await?;
    tx.execute(
        "INSERT INTO sla_policies (code, policy, updated_at) VALUES ($1, $2, $3)",
        args![INTERNAL, json, now],
    )
    .await?;
    tx.commit().await
}

/// Records a new ticket's policy and computes its deadlines. A ticket without a client that
/// a Zabbix event raised on `zabbix_host` takes the strictest contract of the clients that
/// host serves, when any of them has one.
pub async fn attach_in(
    tx: &mut Tx,
    ticket_id: i64,
    client_id: Option<i64>,
    zabbix_host: Option<&str>,
    priority: Priority,
    created: DateTime<Utc>,
) -> Result<()> {
    let affected = match (client_id, zabbix_host) {
        (None, Some(host)) => strictest_for_host_in(tx, host, priority, created).await?,
        _ => None,
    };
    let found = match affected {
        Some(found) => found,
        None => policy_for_in(tx, client_id, created).await?,
    };
    let json = serde_json::to_string(&found.policy)
        .map_err(|e| Error::Corrupt(format!("ticket {ticket_id} SLA policy: {e}")))?;
    tx.execute(
        "INSERT INTO ticket_sla (ticket_id, contract_id, strictest, policy, \
         third_party_stops_clock, refreshed_at) VALUES ($1, $2, $3, $4, $5, $6)",
        args![
            ticket_id,
            found.contract_id,
            found.strictest,
            json,
            found.rules.third_party_stops_clock,
            created
        ],
    )
    .await?;
    if let Some(contract_id) = found.contract_id.filter(|_| found.strictest) {
        tracing::info!(
            ticket_id,
            contract_id,
            "strictest affected contract gives the SLA"
        );
    }
    refresh_in(tx, ticket_id, created).await
}

/// Lists the client companies served by the environments on the inventory host named
/// `technical_name`: linked to an environment directly or owning a shop that runs there.
pub async fn affected_clients_in(tx: &mut Tx, technical_name: &str) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = tx
        .fetch_all(
            "SELECT ec.client_id FROM metric_hosts h \
             JOIN environment_hosts eh ON eh.host_id = h.id \
             JOIN environment_clients ec ON ec.environment_id = eh.environment_id \
             WHERE h.technical_name = $1 \
             UNION \
             SELECT s.client_id FROM metric_hosts h \
             JOIN environment_hosts eh ON eh.host_id = h.id \
             JOIN environment_shops es ON es.environment_id = eh.environment_id \
             JOIN shops s ON s.id = es.shop_id \
             WHERE h.technical_name = $1 AND s.client_id IS NOT NULL \
             ORDER BY 1",
            args![technical_name],
        )
        .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Finds the strictest contract policy among the clients affected by an incident of
/// `priority` on the host named `technical_name` at `at`; `None` when none of them has a
/// contract in force. Strictest is the earliest resolution deadline from `at` on each
/// contract's calendar, then the earliest first-response deadline.
///
/// NOTE: the choice is made once, for the priority at creation. A later priority change
/// keeps the chosen contract's policy and does not compare the contracts again.
pub async fn strictest_for_host_in(
    tx: &mut Tx,
    technical_name: &str,
    priority: Priority,
    at: DateTime<Utc>,
) -> Result<Option<TicketPolicy>> {
    let mut found: Vec<TicketPolicy> = Vec::new();
    for client_id in affected_clients_in(tx, technical_name).await? {
        let policy = policy_for_in(tx, Some(client_id), at).await?;
        let known = found.iter().any(|p| p.contract_id == policy.contract_id);
        if policy.contract_id.is_some() && !known {
            found.push(policy);
        }
    }

    let years = calendar::clock_years(at);
    let mut candidates = Vec::with_capacity(found.len());
    for (index, policy) in found.iter().enumerate() {
        let targets = policy.policy.targets(priority);
        let times = TicketTimes {
            created: at,
            first_response_at: None,
            resolved_at: None,
            pauses: &[],
        };
        let sla = calendar::load_in(tx, &targets.calendar, years.clone())
            .await?
            .map(|calendar| ticket_sla(&calendar, targets, policy.rules, times, at));
        candidates.push(Candidate {
            id: index,
            resolution_due: sla.and_then(|s| s.resolution.due),
            first_response_due: sla.and_then(|s| s.first_response.due),
        });
    }

    let Some(index) = strictest(candidates) else {
        return Ok(None);
    };
    let mut chosen = found.swap_remove(index);
    chosen.strictest = true;
    Ok(Some(chosen))
}

/// Records the pending intervals of a status change: leaving `pending` ends the open
/// interval, entering it starts one with `reason`. Then recomputes the deadlines.
pub async fn on_status_in(
    tx: &mut Tx,
    ticket_id: i64,
    from: Status,
    to: Status,
    reason: Option<PendingReason>,
    now: DateTime<Utc>,
) -> Result<()> {
    if from == Status::Pending {
        tx.execute(
            "UPDATE ticket_pauses SET ended_at = $1 WHERE ticket_id = $2 AND ended_at IS NULL",
            args![now, ticket_id],
        )
        .await?;
    }
    if to == Status::Pending {
        let reason = reason.unwrap_or(PendingReason::Client);
        tx.execute(
            "INSERT INTO ticket_pauses (ticket_id, reason, started_at) VALUES ($1, $2, $3)",
            args![ticket_id, reason.as_ref(), now],
        )
        .await?;
    }
    refresh_in(tx, ticket_id, now).await
}

#[derive(sqlx::FromRow)]
struct SlaRow {
    contract_id: Option<i64>,
    strictest: bool,
    policy: String,
    third_party_stops_clock: bool,
}

#[derive(sqlx::FromRow)]
struct PauseRow {
    reason: String,
    started_at: DateTime<Utc>,
    ended_at: Option<DateTime<Utc>>,
}

fn pauses_of(rows: Vec<PauseRow>, ticket_id: i64) -> Result<Vec<Pause>> {
    rows.into_iter()
        .map(|row| {
            let reason = row.reason.parse().map_err(|_| {
                Error::Corrupt(format!("ticket {ticket_id}: pause reason {:?}", row.reason))
            })?;
            Ok(Pause {
                start: row.started_at,
                end: row.ended_at,
                reason,
            })
        })
        .collect()
}

fn policy_of(row: &SlaRow, ticket_id: i64) -> Result<TicketPolicy> {
    let policy = serde_json::from_str(&row.policy)
        .map_err(|e| Error::Corrupt(format!("ticket {ticket_id} SLA policy: {e}")))?;
    Ok(TicketPolicy {
        contract_id: row.contract_id,
        strictest: row.strictest,
        policy,
        rules: ClockRules {
            third_party_stops_clock: row.third_party_stops_clock,
        },
    })
}

/// Loads a ticket's pending intervals in order.
async fn pauses_in(tx: &mut Tx, ticket_id: i64) -> Result<Vec<Pause>> {
    let rows: Vec<PauseRow> = tx
        .fetch_all(
            "SELECT reason, started_at, ended_at FROM ticket_pauses WHERE ticket_id = $1 \
             ORDER BY started_at, id",
            args![ticket_id],
        )
        .await?;
    pauses_of(rows, ticket_id)
}

/// The inputs of a ticket's SLA clocks.
#[derive(Debug, Clone)]
pub struct ClockInputs {
    pub policy: TicketPolicy,
    /// The calendar of the ticket's priority.
    pub calendar: domain::calendar::Calendar,
    pub pauses: Vec<Pause>,
}

/// Loads the inputs of a ticket's SLA clocks. `None` for a ticket without a stored policy or
/// whose calendar is missing.
pub async fn clock_inputs_in(tx: &mut Tx, ticket: &Ticket) -> Result<Option<ClockInputs>> {
    let row: Option<SlaRow> = tx
        .fetch_optional(
            "SELECT contract_id, strictest, policy, third_party_stops_clock FROM ticket_sla \
             WHERE ticket_id = $1",
            args![ticket.id],
        )
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let policy = policy_of(&row, ticket.id)?;
    let pauses = pauses_in(tx, ticket.id).await?;
    let code = &policy.policy.targets(ticket.priority).calendar;
    let years = calendar::clock_years(ticket.created_at);
    let Some(calendar) = calendar::load_in(tx, code, years).await? else {
        return Ok(None);
    };
    Ok(Some(ClockInputs {
        policy,
        calendar,
        pauses,
    }))
}

/// Recomputes and stores a ticket's deadlines at `now`. A ticket without a stored policy
/// (created before ticket SLAs were stored) is left alone, and a policy that names a
/// missing calendar leaves the deadlines empty with a warning instead of failing the change.
pub async fn refresh_in(tx: &mut Tx, ticket_id: i64, now: DateTime<Utc>) -> Result<()> {
    let row: Option<SlaRow> = tx
        .fetch_optional(
            "SELECT contract_id, strictest, policy, third_party_stops_clock FROM ticket_sla \
             WHERE ticket_id = $1",
            args![ticket_id],
        )
        .await?;
    let Some(row) = row else {
        return Ok(());
    };
    let Some(ticket) = tickets::get_in(tx, ticket_id).await? else {
        return Ok(());
    };
    let policy = policy_of(&row, ticket_id)?;
    let pauses = pauses_in(tx, ticket_id).await?;
    let targets = policy.policy.targets(ticket.priority);
    let years = calendar::clock_years(ticket.created_at);
    let sla = match calendar::load_in(tx, &targets.calendar, years).await? {
        Some(calendar) => Some(compute(&calendar, &ticket, &policy, &pauses, now)),
        None => {
            tracing::warn!(
                ticket_id,
                calendar = %targets.calendar,
                "SLA calendar not found; the ticket has no deadlines"
            );
            None
        }
    };
    tx.execute(
        "UPDATE ticket_sla SET first_response_due = $1, resolution_due = $2, \
         first_response_at_risk = $3, resolution_at_risk = $4, paused_since = $5, \
         refreshed_at = $6 WHERE ticket_id = $7",
        args![
            sla.and_then(|s| s.first_response.due),
            sla.and_then(|s| s.resolution.due),
            sla.and_then(|s| s.first_response.at_risk_from),
            sla.and_then(|s| s.resolution.at_risk_from),
            sla.and_then(|s| s.paused_since),
            now,
            ticket_id,
        ],
    )
    .await?;
    Ok(())
}

fn compute(
    calendar: &domain::calendar::Calendar,
    ticket: &Ticket,
    policy: &TicketPolicy,
    pauses: &[Pause],
    now: DateTime<Utc>,
) -> TicketSla {
    let times = TicketTimes {
        created: ticket.created_at,
        first_response_at: ticket.first_response_at,
        resolved_at: ticket.resolved_at,
        pauses,
    };
    ticket_sla(
        calendar,
        policy.policy.targets(ticket.priority),
        policy.rules,
        times,
        now,
    )
}

/// A ticket's SLA as pages and the API show it.
#[derive(Debug, Clone, PartialEq)]
pub struct TicketSlaView {
    pub policy: TicketPolicy,
    /// The calendar code of the ticket's priority.
    pub calendar: String,
    /// `None` when that calendar is missing.
    pub sla: Option<TicketSla>,
}

/// Computes a ticket's SLA at `now`. A ticket created before ticket SLAs were stored uses
/// the internal policy.
pub async fn view(db: &Db, ticket: &Ticket, now: DateTime<Utc>) -> Result<TicketSlaView> {
    let row: Option<SlaRow> = db
        .fetch_optional(
            "SELECT contract_id, strictest, policy, third_party_stops_clock FROM ticket_sla \
             WHERE ticket_id = $1",
            args![ticket.id],
        )
        .await?;
    let policy = match &row {
        Some(row) => policy_of(row, ticket.id)?,
        None => TicketPolicy {
            contract_id: None,
            strictest: false,
            policy: internal_policy(db).await?,
            rules: ClockRules::default(),
        },
    };
    let rows: Vec<PauseRow> = db
        .fetch_all(
            "SELECT reason, started_at, ended_at FROM ticket_pauses WHERE ticket_id = $1 \
             ORDER BY started_at, id",
            args![ticket.id],
        )
        .await?;
    let pauses = pauses_of(rows, ticket.id)?;
    let code = policy.policy.targets(ticket.priority).calendar.clone();
    let years = calendar::clock_years(ticket.created_at);
    let sla = calendar::load(db, &code, years)
        .await?
        .map(|calendar| compute(&calendar, ticket, &policy, &pauses, now));
    Ok(TicketSlaView {
        policy,
        calendar: code,
        sla,
    })
}

/// The SLA states the ticket list filters on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlaState {
    /// Open, unbreached, with a running clock past [`domain::sla::AT_RISK_PERCENT`] of an
    /// unmet target.
    AtRisk,
    /// Open, with an unmet target past its deadline.
    Breached,
}

impl SlaState {
    /// The API names.
    pub const NAMES: [&'static str; 2] = ["at_risk", "breached"];

    /// Parses an API name.
    pub fn parse(field: &str, value: &str) -> Result<SlaState, domain::Invalid> {
        match value.trim() {
            "at_risk" => Ok(SlaState::AtRisk),
            "breached" => Ok(SlaState::Breached),
            other => Err(domain::Invalid::not_one_of(field, other, &SlaState::NAMES)),
        }
    }
}

/// Builds the list condition for `state` at the instant bound as `now`, on tickets `t`. A
/// stored deadline of a paused ticket assumed the clock restarted at its last refresh, so
/// while paused only a deadline before the pause began counts as breached.
pub(crate) fn condition(state: SlaState, now: &str) -> String {
    let open = "t.status NOT IN ('resolved', 'closed', 'cancelled')";
    let breached = format!(
        "((t.first_response_at IS NULL AND s.first_response_due < {now} \
           AND (s.paused_since IS NULL OR s.first_response_due <= s.paused_since)) \
          OR (s.resolution_due < {now} \
           AND (s.paused_since IS NULL OR s.resolution_due <= s.paused_since)))"
    );
    let inner = match state {
        SlaState::Breached => breached,
        SlaState::AtRisk => format!(
            "NOT {breached} AND s.paused_since IS NULL \
             AND ((t.first_response_at IS NULL AND s.first_response_at_risk <= {now}) \
              OR s.resolution_at_risk <= {now})"
        ),
    };
    format!("{open} AND EXISTS (SELECT 1 FROM ticket_sla s WHERE s.ticket_id = t.id AND {inner})")
}
