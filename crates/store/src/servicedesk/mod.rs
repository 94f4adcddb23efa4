//! Service desk storage: queues, tickets with their comments, history and links, Zabbix
//! deliveries and the calls queued back to Zabbix.

pub mod checklist;
pub mod environment_requests;
pub mod history;
pub mod queues;
pub mod sla;
pub mod sla_report;
pub mod tickets;
pub mod zabbix;
pub mod zabbix_outbox;

pub use tickets::{Comment, ListQuery, NewTicket, SortColumn, Ticket, TicketChange};
