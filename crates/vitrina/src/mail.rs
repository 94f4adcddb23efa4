//! The mail sender of `serve`: renders queued mail in the recipient's language and sends it
//! through SMTP, retrying failures with a growing delay.
//!
//! It runs as a scheduled job. Rows are rendered even without SMTP settings, so the admin
//! page shows what waits. Each row is claimed with a lease before it is sent; a crash
//! between the send and its record sends the message again after the lease.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use integrations::mail::Mailer;
use store::Db;
use store::notify::mail::{self as outbox, Entry};
use web::i18n::{Arg, I18n, Lang};

/// How long a claim lasts: longer than one SMTP exchange with its command timeouts.
const LEASE: Duration = Duration::minutes(5);
/// Rows rendered or sent in one run at most, so a long queue does not hold the lease for
/// hours; the rest go in the next runs.
const BATCH: i64 = 200;

/// Renders and sends the mail outbox.
#[derive(Clone)]
pub struct MailSender {
    pub db: Db,
    /// `None` without SMTP settings: rows are rendered and stay queued.
    pub mailer: Option<Arc<Mailer>>,
    pub i18n: Arc<I18n>,
    /// Vitrina's address, for ticket links in the messages.
    pub public_url: String,
    /// Names this instance in claims.
    pub holder: String,
}

impl std::fmt::Debug for MailSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailSender")
            .field("mailer", &self.mailer)
            .field("holder", &self.holder)
            .finish()
    }
}

/// What one run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Report {
    pub rendered: u64,
    pub sent: u64,
    pub failed: u64,
}

impl MailSender {
    /// Renders unrendered rows, then sends the due ones when SMTP is configured.
    pub async fn run_once(&self, now: DateTime<Utc>) -> Result<Report, store::Error> {
        let mut report = Report::default();
        for entry in outbox::unrendered(&self.db, BATCH).await? {
            let (subject, body) = self.render(&entry);
            outbox::set_rendered(&self.db, entry.id, &subject, &body).await?;
            report.rendered += 1;
        }
        let Some(mailer) = &self.mailer else {
            return Ok(report);
        };
        for _ in 0..BATCH {
            let Some(entry) = outbox::claim(&self.db, &self.holder, now, LEASE).await? else {
                break;
            };
            if self.send(mailer, &entry, now).await? {
                report.sent += 1;
            } else {
                report.failed += 1;
            }
        }
        Ok(report)
    }

    /// Sends one claimed row and records the outcome. Returns whether the server accepted it.
    async fn send(
        &self,
        mailer: &Mailer,
        entry: &Entry,
        now: DateTime<Utc>,
    ) -> Result<bool, store::Error> {
        let subject = entry.subject.as_deref().unwrap_or_default();
        let body = entry.body.as_deref().unwrap_or_default();
        match mailer.send(&entry.recipient, subject, body).await {
            Ok(()) => {
                outbox::mark_sent(&self.db, entry.id, &self.holder, domain::time::now()).await?;
                tracing::info!(
                    mail_id = entry.id,
                    ticket_id = entry.ticket_id,
                    template = entry.template.as_str(),
                    server = mailer.endpoint(),
                    "mail sent"
                );
                Ok(true)
            }
            Err(error) => {
                let message = error.to_string();
                let next =
                    outbox::mark_failed(&self.db, entry.id, &self.holder, &message, now).await?;
                tracing::warn!(
                    mail_id = entry.id,
                    ticket_id = entry.ticket_id,
                    attempts = entry.attempts + 1,
                    next_attempt_at = ?next,
                    error = %message,
                    "mail failed; retrying later"
                );
                Ok(false)
            }
        }
    }

    /// Renders the subject and text body of a row. Every string or number of the stored
    /// arguments is a Fluent argument, with `url` added for the ticket page.
    pub fn render(&self, entry: &Entry) -> (String, String) {
        let lang = Lang::parse(&entry.language).unwrap_or_default();
        let mut args: Vec<(String, Arg)> = Vec::new();
        if let Some(fields) = entry.params.as_object() {
            for (name, value) in fields {
                let arg = match value {
                    serde_json::Value::String(text) => Arg::from(text.as_str()),
                    serde_json::Value::Number(number) => match number.as_i64() {
                        Some(n) => Arg::from(n),
                        None => Arg::from(number.to_string()),
                    },
                    _ => continue,
                };
                args.push((name.clone(), arg));
            }
        }
        if let Some(ticket_id) = entry.ticket_id {
            args.push((
                "url".into(),
                Arg::from(format!("{}/tickets/{ticket_id}", self.public_url)),
            ));
        }
        let args: Vec<(&str, Arg)> = args
            .iter()
            .map(|(name, arg)| (name.as_str(), arg.clone()))
            .collect();
        let subject = self.i18n.format(lang, &entry.template.subject_key(), &args);
        let body = self.i18n.format(lang, &entry.template.body_key(), &args);
        (domain::notify::header_text(&subject), body)
    }
}

#[cfg(test)]
#[path = "mail_tests.rs"]
mod tests;
