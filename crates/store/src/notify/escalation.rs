//! The escalation job: notifies staff when a ticket's SLA clock reaches a level's offset
//! from its deadline, counted in business time of the ticket's calendar. Each level fires
//! once per ticket and clock, recorded in `ticket_escalations`.

use chrono::{DateTime, Utc};
use domain::notify::{LEVEL_QUEUE_LEADS, MailTemplate, target_name};
use domain::servicedesk::Status;
use domain::sla::{EscalationLevel, SlaClock, TargetKind};
use serde_json::json;

use super::{events, inbox, mail};
use crate::servicedesk::sla;
use crate::servicedesk::tickets::{self, Ticket};
use crate::{Db, Result, Tx, args};

/// Escalation settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub levels: Vec<EscalationLevel>,
    /// Login of the head of support, whom levels above 1 notify. Without it, or when that
    /// user is missing or disabled, those levels notify the queue's leads.
    pub head_of_support: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            levels: domain::notify::escalation_levels(),
            head_of_support: None,
        }
    }
}

/// Fires every level due at `now` on open tickets and returns how many fired.
///
/// NOTE: every run loads the clocks of all open tickets with an SLA, one transaction per
/// ticket; with many thousands of open tickets, filter candidates on the stored deadlines.
pub async fn run(db: &Db, settings: &Settings, now: DateTime<Utc>) -> Result<u64> {
    let ids: Vec<(i64,)> = db
        .fetch_all(
            "SELECT t.id FROM tickets t JOIN ticket_sla s ON s.ticket_id = t.id \
             WHERE t.status NOT IN ('resolved', 'closed', 'cancelled') ORDER BY t.id",
            Vec::new(),
        )
        .await?;
    let mut fired = 0;
    for (id,) in ids {
        let mut tx = db.begin().await?;
        fired += escalate_in(&mut tx, id, settings, now).await?;
        tx.commit().await?;
    }
    Ok(fired)
}

/// Fires the due levels of one ticket that have not fired yet.
async fn escalate_in(
    tx: &mut Tx,
    ticket_id: i64,
    settings: &Settings,
    now: DateTime<Utc>,
) -> Result<u64> {
    let Some(ticket) = tickets::get_in(tx, ticket_id).await? else {
        return Ok(0);
    };
    if matches!(
        ticket.status,
        Status::Resolved | Status::Closed | Status::Cancelled
    ) {
        return Ok(0);
    }
    let Some(inputs) = sla::clock_inputs_in(tx, &ticket).await? else {
        return Ok(0);
    };

    let mut fired = 0;
    for level in &settings.levels {
        let met = match level.target {
            TargetKind::FirstResponse => ticket.first_response_at,
            TargetKind::Resolution => ticket.resolved_at,
        };
        if met.is_some() {
            continue;
        }
        let target = inputs
            .policy
            .policy
            .targets(ticket.priority)
            .target(level.target);
        let clock = SlaClock {
            calendar: &inputs.calendar,
            created: ticket.created_at,
            target_minutes: target.minutes(&inputs.calendar),
            pauses: &inputs.pauses,
            rules: inputs.policy.rules,
        };
        // An open pause holds the clock, so a held level has no instant yet.
        let Some(due) = clock.escalations(&[*level])[0].fires_at else {
            continue;
        };
        if due > now {
            continue;
        }
        let inserted = tx
            .execute(
                "INSERT INTO ticket_escalations (ticket_id, target, level, due_at, fired_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (ticket_id, target, level) DO NOTHING",
                args![
                    ticket.id,
                    target_name(level.target),
                    i64::from(level.level),
                    due,
                    now
                ],
            )
            .await?;
        if inserted == 0 {
            continue;
        }
        let deadline = clock.deadline().map_or_else(String::new, |deadline| {
            deadline
                .with_timezone(&inputs.calendar.zone())
                .format("%d.%m.%Y %H:%M %Z")
                .to_string()
        });
        notify_in(tx, &ticket, level, &deadline, settings, now).await?;
        fired += 1;
    }
    Ok(fired)
}

/// Notifies the recipients of `level` in the app and by mail.
async fn notify_in(
    tx: &mut Tx,
    ticket: &Ticket,
    level: &EscalationLevel,
    deadline: &str,
    settings: &Settings,
    now: DateTime<Utc>,
) -> Result<()> {
    let users = recipients_in(tx, ticket, level.level, settings).await?;
    let params = json!({
        "ticket_id": ticket.id,
        "number": ticket.number,
        "title": ticket.title,
        "queue": ticket.queue,
        "level": level.level,
        "target": target_name(level.target),
        "deadline": deadline,
    });
    let mut addresses = Vec::new();
    for user_id in &users {
        inbox::create_in(
            tx,
            *user_id,
            Some(ticket.id),
            MailTemplate::TicketEscalated,
            &params,
            now,
        )
        .await?;
        if let Some(recipient) = events::user_recipient_in(tx, *user_id).await? {
            addresses.push(recipient);
        }
    }
    mail::queue_in(
        tx,
        Some(ticket.id),
        &addresses,
        MailTemplate::TicketEscalated,
        &params,
        now,
    )
    .await?;
    tracing::info!(
        ticket_id = ticket.id,
        level = level.level,
        target = target_name(level.target),
        recipients = users.len(),
        "ticket escalated"
    );
    Ok(())
}

/// Lists the users a level notifies: the queue's active `support_lead` members for level 1,
/// the head of support above it (the queue's leads when no head is configured or active).
async fn recipients_in(
    tx: &mut Tx,
    ticket: &Ticket,
    level: u8,
    settings: &Settings,
) -> Result<Vec<i64>> {
    if level > LEVEL_QUEUE_LEADS
        && let Some(login) = &settings.head_of_support
    {
        let head: Option<(i64,)> = tx
            .fetch_optional(
                "SELECT id FROM users WHERE login = $1 AND NOT disabled \
                 AND role NOT IN ('client_admin', 'client_user')",
                args![login.as_str()],
            )
            .await?;
        match head {
            Some((id,)) => return Ok(vec![id]),
            None => tracing::warn!(
                ticket_id = ticket.id,
                login = %login,
                "head of support not found or disabled; notifying the queue's leads"
            ),
        }
    }
    let leads: Vec<(i64,)> = tx
        .fetch_all(
            "SELECT u.id FROM queue_members m JOIN users u ON u.id = m.user_id \
             WHERE m.queue_id = $1 AND u.role = 'support_lead' AND NOT u.disabled \
             ORDER BY u.id",
            args![ticket.queue_id],
        )
        .await?;
    Ok(leads.into_iter().map(|(id,)| id).collect())
}
