//! The Zabbix sender of `serve`: sends the calls that ticket changes queued in the outbox,
//! in order, and retries failures with a growing delay.
//!
//! It wakes when a change on this instance queues a row and polls every few seconds for rows
//! queued by other instances or due for a retry. Each row is claimed with a lease first. A
//! crash between the call and its record leaves the row to be sent again after the lease.
//! Zabbix skips an acknowledgement or close it has applied already, so only the message
//! repeats.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use domain::servicedesk::zabbix_outbox::{self as rules, Action};
use integrations::zabbix::{AckAction, Client};
use store::Db;
use store::servicedesk::tickets;
use store::servicedesk::zabbix_outbox::{self as outbox, Entry, Outcome};
use tokio::sync::{Notify, watch};
use web::i18n::{Arg, I18n, Lang};

/// How often the sender looks for due rows without being woken.
const POLL: StdDuration = StdDuration::from_secs(5);
/// How long a claim lasts: longer than the three API calls a resolution may take with the
/// client's timeout each.
const LEASE: Duration = Duration::minutes(2);
/// Time allowed for one Zabbix API call.
pub const CALL_TIMEOUT: StdDuration = StdDuration::from_secs(20);
/// The language of messages written into Zabbix: Vitrina's first language.
const MESSAGE_LANG: Lang = Lang::Ru;

/// Sends outbox rows to one Zabbix server.
pub struct Sender {
    pub db: Db,
    pub client: Arc<Client>,
    /// Vitrina's address, for ticket links in the messages.
    pub public_url: String,
    pub i18n: Arc<I18n>,
    /// Names this instance in claims.
    pub holder: String,
}

/// A call that failed; the row is retried later.
#[derive(Debug, thiserror::Error)]
enum SendError {
    #[error(transparent)]
    Zabbix(#[from] integrations::zabbix::Error),
    #[error(transparent)]
    Store(#[from] store::Error),
    #[error("ticket {0} no longer exists")]
    TicketMissing(i64),
    #[error("Zabbix does not know event {0}")]
    EventMissing(i64),
}

impl Sender {
    /// Sends due rows until `shutdown` turns true, waking on `wake` or every few seconds.
    pub async fn run(self, wake: Arc<Notify>, mut shutdown: watch::Receiver<bool>) {
        tracing::info!(endpoint = %self.client.endpoint(), instance_id = %self.holder, "zabbix sender started");
        // While the database fails, only the first error and the recovery are logged, not
        // one line per poll.
        let mut database_failing = false;
        loop {
            while !*shutdown.borrow() {
                match self.send_next(domain::time::now()).await {
                    Ok(sent) => {
                        if database_failing {
                            tracing::info!("zabbix outbox readable again");
                            database_failing = false;
                        }
                        if !sent {
                            break;
                        }
                    }
                    Err(error) => {
                        if !database_failing {
                            tracing::error!(%error, "zabbix outbox read failed; retrying every poll");
                            database_failing = true;
                        }
                        break;
                    }
                }
            }
            tokio::select! {
                _ = wake.notified() => {}
                _ = tokio::time::sleep(POLL) => {}
                _ = shutdown.changed() => break,
            }
        }
        tracing::info!(instance_id = %self.holder, "zabbix sender stopped");
    }

    /// Claims and sends the next due row, recording the result at `now`. Returns whether a
    /// row was due.
    pub async fn send_next(&self, now: DateTime<Utc>) -> store::Result<bool> {
        let Some(entry) = outbox::claim(&self.db, &self.holder, now, LEASE).await? else {
            return Ok(false);
        };
        match self.send(&entry).await {
            Ok(outcome) => {
                outbox::mark_sent(&self.db, entry.id, &self.holder, outcome, now).await?;
                tracing::info!(
                    ticket_id = entry.ticket_id,
                    zabbix_event_id = entry.event_id,
                    action = entry.action.as_str(),
                    outcome = outcome.as_str(),
                    "zabbix call sent"
                );
            }
            // NOTE: a call Zabbix rejects for good (a deleted event, missing rights) is
            // retried hourly without end and holds back later calls of its ticket. Its error
            // shows on the ticket and in the `vitrina_zabbix_outbox` metric.
            Err(error) => {
                let message = error.to_string();
                let next =
                    outbox::mark_failed(&self.db, entry.id, &self.holder, &message, now).await?;
                tracing::warn!(
                    ticket_id = entry.ticket_id,
                    zabbix_event_id = entry.event_id,
                    action = entry.action.as_str(),
                    attempt = entry.attempts + 1,
                    next_attempt_at = ?next,
                    error = %message,
                    "zabbix call failed; it will be retried"
                );
            }
        }
        Ok(true)
    }

    async fn send(&self, entry: &Entry) -> Result<Outcome, SendError> {
        let ticket = tickets::get(&self.db, entry.ticket_id)
            .await?
            .ok_or(SendError::TicketMissing(entry.ticket_id))?;
        let args = [
            ("name", Arg::from(entry.actor_name.as_str())),
            ("login", Arg::from(entry.actor_login.as_str())),
            ("number", Arg::from(ticket.number.as_str())),
            (
                "url",
                Arg::from(format!("{}/tickets/{}", self.public_url, ticket.id)),
            ),
        ];
        let message = |key: &str| rules::fit_message(&self.i18n.format(MESSAGE_LANG, key, &args));

        let (bits, text, outcome) = match entry.action {
            Action::Acknowledge => (
                rules::bits::ACKNOWLEDGE | rules::bits::MESSAGE,
                message("zabbix-message-acknowledged"),
                Outcome::Acknowledged,
            ),
            Action::Resolve if self.manual_close(entry).await? => (
                rules::resolve_bits(true),
                message("zabbix-message-closed"),
                Outcome::Closed,
            ),
            Action::Resolve => (
                rules::resolve_bits(false),
                message("zabbix-message-resolved"),
                Outcome::Message,
            ),
        };
        self.client
            .acknowledge(&[entry.event_id], AckAction(bits), Some(&text))
            .await?;
        Ok(outcome)
    }

    /// Asks Zabbix whether the event's trigger allows manual close, finding the trigger with
    /// `event.get` when the webhook did not deliver it. A deleted trigger does not.
    async fn manual_close(&self, entry: &Entry) -> Result<bool, SendError> {
        let trigger_id = match entry.trigger_id {
            Some(id) => id,
            None => {
                let events = self.client.events(&[entry.event_id]).await?;
                events
                    .first()
                    .and_then(|event| event.objectid.parse().ok())
                    .ok_or(SendError::EventMissing(entry.event_id))?
            }
        };
        let triggers = self.client.triggers(&[trigger_id]).await?;
        Ok(triggers.iter().any(|trigger| trigger.allows_manual_close()))
    }
}

#[cfg(test)]
#[path = "zabbix_sync_tests.rs"]
mod tests;
