//! Clients of other systems: the Zabbix 6.0 JSON-RPC API, and the TLS set-up they share.

pub mod tls;
