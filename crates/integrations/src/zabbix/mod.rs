//! A client of the Zabbix 6.0 JSON-RPC API: events, problems, hosts, triggers, and item
//! values (history and trends).
//!
//! Zabbix 6.0 takes the session id or API token in the request body's `auth` field, not in a
//! header, and `user.login` takes `username` and `password`. Every login keeps a session on
//! the server until it expires, so the client logs in once and reuses the session, logging
//! in again only when Zabbix reports it ended.

mod client;
mod events;
mod metrics;
mod objects;

pub use client::{Auth, Client, Config, Error};
pub use events::{AckAction, Problem};
pub use metrics::{HistoryValue, Item, Trend, VALUE_TYPE_FLOAT, VALUE_TYPE_UNSIGNED};
pub use objects::{Event, Host, Trigger};
