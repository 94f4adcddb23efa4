//! Service desk pages, API handlers and the Zabbix webhook.

pub mod access;
pub mod pages;
pub mod zabbix;
