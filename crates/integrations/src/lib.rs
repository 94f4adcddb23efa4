//! Clients of other systems: the Zabbix 6.0 JSON-RPC API, SMTP mail, and the TLS set-up
//! they share.

#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod mail;
pub mod tls;
pub mod zabbix;
