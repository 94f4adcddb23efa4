//! The Zabbix host sync of `vitrina zabbix sync-hosts` and of the scheduler: lists every
//! Zabbix host with `host.get` and matches them to inventory hosts by technical name. It
//! reports new and vanished hosts and never deletes one.

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use domain::infra::inventory::parse_zabbix_host_id;
use integrations::zabbix::Client;
use store::Db;
use store::infra::zabbix_hosts::{self, SyncReport, ZabbixHost};

use crate::config::Config;

/// Reads the hosts from Zabbix and matches them to the inventory at `now`. A host whose
/// `hostid` is not a positive integer is skipped and logged.
pub async fn sync_once(db: &Db, client: &Client, now: DateTime<Utc>) -> anyhow::Result<SyncReport> {
    let listed = client
        .all_hosts()
        .await
        .context("cannot list the hosts of Zabbix (host.get)")?;
    let mut hosts = Vec::with_capacity(listed.len());
    for host in listed {
        let id = parse_zabbix_host_id("hostid", &host.hostid)
            .ok()
            .and_then(|id| i64::try_from(id).ok());
        let Some(zabbix_host_id) = id else {
            tracing::warn!(hostid = %host.hostid, host = %host.host, "zabbix host skipped: its hostid is not a positive integer");
            continue;
        };
        hosts.push(ZabbixHost {
            zabbix_host_id,
            technical_name: host.host,
            visible_name: host.name,
        });
    }
    let report = zabbix_hosts::sync(db, &hosts, now)
        .await
        .context("cannot store the host sync")?;
    tracing::info!(
        zabbix_hosts = report.zabbix_hosts,
        confirmed = report.confirmed,
        linked = report.linked.len(),
        new_in_zabbix = report.new_in_zabbix.len(),
        vanished = report.vanished.len(),
        conflicts = report.conflicts.len(),
        "zabbix host sync finished"
    );
    Ok(report)
}

/// Runs `zabbix sync-hosts`: one sync, with the report printed as JSON.
pub async fn run(db: &Db, config: &Config) -> anyhow::Result<()> {
    let Some(client) = crate::serve::zabbix_client(config)? else {
        anyhow::bail!(
            "the Zabbix API is not configured: set zabbix_api_url and either \
             zabbix_api_token or zabbix_api_username with zabbix_api_password \
             (VITRINA_ZABBIX_API_URL and so on)"
        );
    };
    let report = sync_once(db, &client, domain::time::now()).await?;
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}
