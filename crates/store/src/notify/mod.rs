//! Notifications: the mail outbox, in-app notifications, and the ticket events and SLA
//! escalations that create them.

pub mod escalation;
pub mod events;
pub mod inbox;
pub mod mail;
