//! The service desk: tickets, their workflow and incidents raised by Zabbix.

pub mod checklist;
pub mod ticket;
pub mod workflow;
pub mod zabbix;
pub mod zabbix_outbox;

pub use ticket::{Kind, LinkKind, PendingReason, Priority, Source, Status};
