//! Service desk storage: queues, tickets with their comments, history and links, and Zabbix
//! deliveries.

pub mod history;
pub mod queues;
pub mod tickets;
pub mod zabbix;

pub use tickets::{Comment, ListQuery, NewTicket, SortColumn, Ticket, TicketChange};
