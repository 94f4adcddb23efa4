//! Clients of other systems: the Zabbix 6.0 JSON-RPC API, and the TLS set-up they share.

#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod tls;
pub mod zabbix;
