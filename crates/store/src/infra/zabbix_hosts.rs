//! The Zabbix host sync: matches the hosts of Zabbix's `host.get` to inventory hosts by
//! technical name, links them by Zabbix host id, and reports hosts that are new in Zabbix or
//! have vanished from it. It never deletes a host.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;

use crate::identity::audit::{self, Author};
use crate::{Db, Result, args};

/// A host as Zabbix lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ZabbixHost {
    /// Zabbix's `hostid`.
    pub zabbix_host_id: i64,
    /// The technical name (`host`), which inventory hosts are matched on.
    pub technical_name: String,
    /// The visible name (`name`).
    pub visible_name: String,
}

/// An inventory host in a sync report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncedHost {
    pub host_id: i64,
    pub technical_name: String,
    /// The Zabbix host id stored after the sync.
    pub zabbix_host_id: Option<i64>,
}

/// An inventory host whose Zabbix host id now belongs to a Zabbix host of another name, or
/// whose name's Zabbix host id another inventory host holds. Nothing is changed for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncConflict {
    pub host_id: i64,
    pub technical_name: String,
    pub zabbix_host_id: i64,
    /// The technical name Zabbix has for `zabbix_host_id`.
    pub zabbix_technical_name: String,
}

/// The outcome of a sync: the hosts it found and changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    /// Hosts Zabbix listed.
    pub zabbix_hosts: usize,
    /// Inventory hosts found in Zabbix under the Zabbix host id they had.
    pub confirmed: usize,
    /// Inventory hosts whose Zabbix host id was set or changed by this sync.
    pub linked: Vec<SyncedHost>,
    /// Zabbix hosts no inventory host matches; add them to the inventory to track them.
    pub new_in_zabbix: Vec<ZabbixHost>,
    /// Inventory hosts Zabbix listed before and no longer lists, except retired ones.
    pub vanished: Vec<SyncedHost>,
    /// Inventory hosts Zabbix has never listed, except retired ones.
    pub unmonitored: Vec<SyncedHost>,
    pub conflicts: Vec<SyncConflict>,
}

#[derive(sqlx::FromRow)]
struct InventoryRow {
    id: i64,
    technical_name: String,
    status: String,
    zabbix_host_id: Option<i64>,
    zabbix_seen_at: Option<DateTime<Utc>>,
}

impl InventoryRow {
    fn synced(&self, zabbix_host_id: Option<i64>) -> SyncedHost {
        SyncedHost {
            host_id: self.id,
            technical_name: self.technical_name.clone(),
            zabbix_host_id,
        }
    }
}

/// Matches `zabbix` (every host `host.get` returned) to the inventory in one transaction and
/// returns the report. A matched host is stamped as seen at `now`. A host Zabbix listed
/// before and lists no longer is stamped missing since `now`, unless it was already.
pub async fn sync(db: &Db, zabbix: &[ZabbixHost], now: DateTime<Utc>) -> Result<SyncReport> {
    let by_name: BTreeMap<&str, &ZabbixHost> = zabbix
        .iter()
        .map(|host| (host.technical_name.as_str(), host))
        .collect();
    let by_id: BTreeMap<i64, &ZabbixHost> = zabbix
        .iter()
        .map(|host| (host.zabbix_host_id, host))
        .collect();

    let mut tx = db.begin().await?;
    let inventory: Vec<InventoryRow> = tx
        .fetch_all(
            "SELECT id, technical_name, status, zabbix_host_id, zabbix_seen_at FROM metric_hosts \
             ORDER BY technical_name, id",
            Vec::new(),
        )
        .await?;
    let holders: BTreeMap<i64, i64> = inventory
        .iter()
        .filter_map(|row| row.zabbix_host_id.map(|zid| (zid, row.id)))
        .collect();
    let names: BTreeSet<&str> = inventory
        .iter()
        .map(|row| row.technical_name.as_str())
        .collect();

    let mut report = SyncReport {
        zabbix_hosts: zabbix.len(),
        ..SyncReport::default()
    };
    let author = Author::integration("zabbix");
    for row in &inventory {
        let retired = row.status == "retired";
        if let Some(found) = by_name.get(row.technical_name.as_str()) {
            let zid = found.zabbix_host_id;
            if row.zabbix_host_id == Some(zid) {
                report.confirmed += 1;
            } else if holders.get(&zid).is_some_and(|holder| *holder != row.id) {
                report.conflicts.push(conflict(row, found));
                continue;
            } else {
                tx.execute(
                    "UPDATE metric_hosts SET zabbix_host_id = $1 WHERE id = $2",
                    args![zid, row.id],
                )
                .await?;
                audit::record(
                    &mut tx,
                    &author,
                    "host.zabbix_link",
                    ("host", row.id),
                    Some(json!({"zabbix_host_id": row.zabbix_host_id})),
                    Some(json!({"zabbix_host_id": zid})),
                    now,
                )
                .await?;
                report.linked.push(row.synced(Some(zid)));
            }
            tx.execute(
                "UPDATE metric_hosts SET zabbix_seen_at = $1, zabbix_missing_since = NULL \
                 WHERE id = $2",
                args![now, row.id],
            )
            .await?;
            continue;
        }
        if let Some(found) = row.zabbix_host_id.and_then(|zid| by_id.get(&zid)) {
            report.conflicts.push(conflict(row, found));
            continue;
        }
        if row.zabbix_host_id.is_some() || row.zabbix_seen_at.is_some() {
            tx.execute(
                "UPDATE metric_hosts SET zabbix_missing_since = $1 \
                 WHERE id = $2 AND zabbix_missing_since IS NULL",
                args![now, row.id],
            )
            .await?;
            if !retired {
                report.vanished.push(row.synced(row.zabbix_host_id));
            }
        } else if !retired {
            report.unmonitored.push(row.synced(None));
        }
    }
    tx.commit().await?;

    report.new_in_zabbix = zabbix
        .iter()
        .filter(|host| {
            !names.contains(host.technical_name.as_str())
                && !holders.contains_key(&host.zabbix_host_id)
        })
        .cloned()
        .collect();
    Ok(report)
}

fn conflict(row: &InventoryRow, found: &ZabbixHost) -> SyncConflict {
    SyncConflict {
        host_id: row.id,
        technical_name: row.technical_name.clone(),
        zabbix_host_id: found.zabbix_host_id,
        zabbix_technical_name: found.technical_name.clone(),
    }
}
