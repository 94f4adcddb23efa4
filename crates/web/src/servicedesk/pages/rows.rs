//! A ticket as a row of the list pages shows it.

use store::servicedesk::queues::Queue;
use store::servicedesk::tickets::Ticket;

use crate::pages::Page;

/// One ticket in a list, with its values already translated.
#[derive(Debug, Clone)]
pub struct Row {
    pub id: i64,
    pub number: String,
    pub title: String,
    pub status: String,
    pub status_label: String,
    pub priority: String,
    pub priority_label: String,
    pub queue: String,
    pub assignee: String,
    pub source: String,
    pub updated: String,
    /// The SLA badge; `None` for closed tickets and on pages that do not compute it.
    pub sla: Option<super::sla::SlaCell>,
}

impl Row {
    /// Converts a stored ticket; `queues` gives the queue's name in the page's language.
    pub fn new(page: &Page, queues: &[Queue], ticket: &Ticket) -> Row {
        Row {
            id: ticket.id,
            number: ticket.number.clone(),
            title: ticket.title.clone(),
            status: ticket.status.to_string(),
            status_label: page.label("ticket-status", ticket.status.as_ref()),
            priority: ticket.priority.to_string(),
            priority_label: page.label("ticket-priority", ticket.priority.as_str()),
            queue: queue_name(page, queues, &ticket.queue),
            assignee: ticket
                .assignee_name
                .clone()
                .unwrap_or_else(|| "—".to_string()),
            source: page.label("ticket-source", ticket.source.as_ref()),
            updated: page.datetime(&ticket.updated_at),
            sla: None,
        }
    }
}

/// The name of queue `code` in the page's language; the code itself for an unknown queue.
pub fn queue_name(page: &Page, queues: &[Queue], code: &str) -> String {
    queues
        .iter()
        .find(|queue| queue.code == code)
        .map(|queue| queue.name(page.lang_code()).to_string())
        .unwrap_or_else(|| code.to_string())
}
