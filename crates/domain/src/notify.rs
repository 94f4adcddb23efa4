//! Notifications: the e-mail templates Vitrina sends about tickets and the retry schedule of
//! the mail outbox.

use chrono::Duration;

use crate::sla::{EscalationLevel, TargetKind};

/// An e-mail template. Its subject and body are the Fluent messages `mail-<name>-subject`
/// and `mail-<name>-body` in the recipient's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MailTemplate {
    /// To the client: a staff member wrote a public comment on the client's ticket.
    TicketComment,
    /// To the client: the ticket was resolved.
    TicketResolved,
    /// To a staff member: a ticket was assigned to them.
    TicketAssigned,
    /// To a staff member: a ticket of their queue reached an escalation level.
    TicketEscalated,
}

impl MailTemplate {
    /// Every template, in the order the admin page lists them.
    pub const ALL: [MailTemplate; 4] = [
        MailTemplate::TicketComment,
        MailTemplate::TicketResolved,
        MailTemplate::TicketAssigned,
        MailTemplate::TicketEscalated,
    ];

    /// Returns the stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            MailTemplate::TicketComment => "ticket_comment",
            MailTemplate::TicketResolved => "ticket_resolved",
            MailTemplate::TicketAssigned => "ticket_assigned",
            MailTemplate::TicketEscalated => "ticket_escalated",
        }
    }

    /// Parses a stored name.
    pub fn parse(name: &str) -> Option<MailTemplate> {
        MailTemplate::ALL
            .into_iter()
            .find(|template| template.as_str() == name)
    }

    /// The Fluent message id of the subject.
    pub fn subject_key(self) -> String {
        format!("mail-{}-subject", self.as_str().replace('_', "-"))
    }

    /// The Fluent message id of the text body.
    pub fn body_key(self) -> String {
        format!("mail-{}-body", self.as_str().replace('_', "-"))
    }
}

/// Level 1 notifies the members of the ticket's queue with the `support_lead` role.
pub const LEVEL_QUEUE_LEADS: u8 = 1;
/// Level 2 notifies the configured head of support.
pub const LEVEL_HEAD_OF_SUPPORT: u8 = 2;

/// Returns the default escalation levels of both clocks: the queue's leads 1 business hour
/// before the deadline, the head of support at breach.
pub fn escalation_levels() -> Vec<EscalationLevel> {
    escalation_levels_at(60, 0)
}

/// The two levels for both clocks, with the queue's leads notified `leads_before` business
/// minutes before a deadline and the head of support `head_after` minutes after it.
pub fn escalation_levels_at(leads_before: i64, head_after: i64) -> Vec<EscalationLevel> {
    let mut levels = Vec::new();
    for target in [TargetKind::FirstResponse, TargetKind::Resolution] {
        levels.push(EscalationLevel {
            level: LEVEL_QUEUE_LEADS,
            target,
            offset_minutes: -leads_before,
        });
        levels.push(EscalationLevel {
            level: LEVEL_HEAD_OF_SUPPORT,
            target,
            offset_minutes: head_after,
        });
    }
    levels
}

/// Returns the stored name of a clock: `first_response` or `resolution`.
pub fn target_name(target: TargetKind) -> &'static str {
    match target {
        TargetKind::FirstResponse => "first_response",
        TargetKind::Resolution => "resolution",
    }
}

/// Returns the wait before the next attempt after `attempts` failed ones: 1 minute, doubling
/// up to 1 hour, the same schedule as calls back to Zabbix.
pub fn retry_delay(attempts: i64) -> Duration {
    crate::servicedesk::zabbix_outbox::retry_delay(attempts)
}

/// Removes line breaks from a header value such as a subject, so a ticket title cannot add
/// headers or end them early.
pub fn header_text(value: &str) -> String {
    value
        .split(['\r', '\n'])
        .filter(|part| !part.trim().is_empty())
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_names_round_trip() {
        for template in MailTemplate::ALL {
            assert_eq!(MailTemplate::parse(template.as_str()), Some(template));
        }
        assert_eq!(MailTemplate::parse("ticket_deleted"), None);
    }

    #[test]
    fn template_keys_use_dashes() {
        assert_eq!(
            MailTemplate::TicketComment.subject_key(),
            "mail-ticket-comment-subject"
        );
        assert_eq!(
            MailTemplate::TicketEscalated.body_key(),
            "mail-ticket-escalated-body"
        );
    }

    #[test]
    fn retry_delay_grows_to_an_hour() {
        assert_eq!(retry_delay(1), Duration::minutes(1));
        assert_eq!(retry_delay(3), Duration::minutes(4));
        assert_eq!(retry_delay(50), Duration::hours(1));
    }

    #[test]
    fn escalation_levels_cover_both_clocks() {
        let levels = escalation_levels();
        assert_eq!(levels.len(), 4);
        let first_response: Vec<_> = levels
            .iter()
            .filter(|level| level.target == TargetKind::FirstResponse)
            .map(|level| (level.level, level.offset_minutes))
            .collect();
        assert_eq!(first_response, vec![(1, -60), (2, 0)]);
    }

    #[test]
    fn header_text_drops_line_breaks() {
        assert_eq!(
            header_text("Сбой\r\nBcc: x@example.ru"),
            "Сбой Bcc: x@example.ru"
        );
        assert_eq!(header_text("одна строка"), "одна строка");
    }
}
