//! The Zabbix host sync on SQLite and PostgreSQL, fed a `host.get` response in the Zabbix 6.0
//! format (ids as JSON strings): matching by technical name, new and vanished hosts, and
//! conflicts over a Zabbix host id.
#![allow(clippy::unwrap_used)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::infra::inventory::HostResources;
use domain::infra::{HostKind, HostStatus};
use store::identity::Author;
use store::infra::zabbix_hosts::{self, ZabbixHost};
use store::infra::{HostDraft, hosts};
use store::{Db, storage_test};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 5, 9, 0, 0).unwrap()
}

/// Returns the hosts of the `host.get` response in `tests/data/zabbix_host_get.json`.
fn recorded_hosts() -> Vec<ZabbixHost> {
    let text = include_str!("data/zabbix_host_get.json");
    let response: serde_json::Value = serde_json::from_str(text).unwrap();
    response["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|host| ZabbixHost {
            zabbix_host_id: host["hostid"].as_str().unwrap().parse().unwrap(),
            technical_name: host["host"].as_str().unwrap().into(),
            visible_name: host["name"].as_str().unwrap().into(),
        })
        .collect()
}

/// Creates a host and moves it through the lifecycle to `status`, and returns its id.
async fn host(db: &Db, name: &str, status: HostStatus, zabbix_host_id: Option<i64>) -> i64 {
    let draft = HostDraft {
        technical_name: name.into(),
        kind: HostKind::Virtual,
        status: if status == HostStatus::Planned {
            HostStatus::Planned
        } else {
            HostStatus::Active
        },
        site_id: None,
        rack_id: None,
        cluster_id: None,
        resources: HostResources {
            cores: 4,
            ram_bytes: 8 << 30,
            storage_bytes: 0,
        },
        zabbix_host_id,
    };
    let created = hosts::create(db, &draft, &Author::system(), now())
        .await
        .unwrap();
    let mut version = created.version;
    let mut current = created.status;
    while current != status {
        let next = [HostStatus::Decommissioning, HostStatus::Retired]
            .into_iter()
            .find(|s| current.can_move_to(*s))
            .unwrap();
        let mut change = draft.clone();
        change.status = next;
        let saved = hosts::update(db, created.id, version, &change, &Author::system(), now())
            .await
            .unwrap();
        version = saved.version;
        current = saved.status;
    }
    created.id
}

fn names(hosts: &[store::infra::zabbix_hosts::SyncedHost]) -> Vec<&str> {
    hosts.iter().map(|h| h.technical_name.as_str()).collect()
}

storage_test!(sync_matches_by_technical_name, async |db: Db| {
    let db01 = host(&db, "db-01", HostStatus::Active, None).await;
    let web01 = host(&db, "web-01", HostStatus::Active, Some(10571)).await;
    host(&db, "mail-01", HostStatus::Active, None).await;
    host(&db, "old-01", HostStatus::Retired, None).await;

    let report = zabbix_hosts::sync(&db, &recorded_hosts(), now())
        .await
        .unwrap();
    assert_eq!(report.zabbix_hosts, 5);
    assert_eq!(report.confirmed, 1);
    assert_eq!(names(&report.linked), ["db-01"]);
    assert_eq!(report.linked[0].zabbix_host_id, Some(10570));
    let new: Vec<_> = report
        .new_in_zabbix
        .iter()
        .map(|h| h.technical_name.as_str())
        .collect();
    assert_eq!(new, ["Zabbix server", "web-02", "cache-01"]);
    assert_eq!(names(&report.unmonitored), ["mail-01"]);
    assert!(report.vanished.is_empty());
    assert!(report.conflicts.is_empty());

    let stored = hosts::get(&db, db01).await.unwrap().unwrap();
    assert_eq!(stored.zabbix_host_id, Some(10570));
    assert_eq!(stored.zabbix_seen_at, Some(now()));
    let stored = hosts::get(&db, web01).await.unwrap().unwrap();
    assert_eq!(stored.zabbix_seen_at, Some(now()));

    let again = zabbix_hosts::sync(&db, &recorded_hosts(), now())
        .await
        .unwrap();
    assert_eq!(again.confirmed, 2);
    assert!(again.linked.is_empty());
});

storage_test!(sync_reports_vanished_never_deletes, async |db: Db| {
    let db01 = host(&db, "db-01", HostStatus::Active, None).await;
    host(&db, "web-01", HostStatus::Active, None).await;
    zabbix_hosts::sync(&db, &recorded_hosts(), now())
        .await
        .unwrap();

    let without_db01: Vec<ZabbixHost> = recorded_hosts()
        .into_iter()
        .filter(|h| h.technical_name != "db-01")
        .collect();
    let later = now() + Duration::hours(1);
    let report = zabbix_hosts::sync(&db, &without_db01, later).await.unwrap();
    assert_eq!(names(&report.vanished), ["db-01"]);
    assert_eq!(report.vanished[0].zabbix_host_id, Some(10570));
    let stored = hosts::get(&db, db01).await.unwrap().unwrap();
    assert_eq!(stored.zabbix_missing_since, Some(later));
    assert_eq!(stored.zabbix_host_id, Some(10570));

    // A later sync keeps the first time it was missed; a return clears it.
    let report = zabbix_hosts::sync(&db, &without_db01, later + Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(names(&report.vanished), ["db-01"]);
    let stored = hosts::get(&db, db01).await.unwrap().unwrap();
    assert_eq!(stored.zabbix_missing_since, Some(later));
    zabbix_hosts::sync(&db, &recorded_hosts(), later)
        .await
        .unwrap();
    let stored = hosts::get(&db, db01).await.unwrap().unwrap();
    assert_eq!(stored.zabbix_missing_since, None);
});

storage_test!(sync_resolves_swapped_ids_in_two_runs, async |db: Db| {
    // The inventory's web-02 has the Zabbix id that Zabbix gives web-01.
    let web01 = host(&db, "web-01", HostStatus::Active, None).await;
    let web02 = host(&db, "web-02", HostStatus::Active, Some(10571)).await;
    let report = zabbix_hosts::sync(&db, &recorded_hosts(), now())
        .await
        .unwrap();
    let conflicts: Vec<_> = report
        .conflicts
        .iter()
        .map(|c| (c.technical_name.as_str(), c.zabbix_host_id))
        .collect();
    assert_eq!(conflicts, [("web-01", 10571)]);
    assert_eq!(names(&report.linked), ["web-02"]);
    assert_eq!(
        hosts::get(&db, web01)
            .await
            .unwrap()
            .unwrap()
            .zabbix_host_id,
        None
    );
    assert_eq!(
        hosts::get(&db, web02)
            .await
            .unwrap()
            .unwrap()
            .zabbix_host_id,
        Some(10575)
    );

    let report = zabbix_hosts::sync(&db, &recorded_hosts(), now())
        .await
        .unwrap();
    assert!(report.conflicts.is_empty(), "{:?}", report.conflicts);
    assert_eq!(names(&report.linked), ["web-01"]);
    assert_eq!(
        hosts::get(&db, web01)
            .await
            .unwrap()
            .unwrap()
            .zabbix_host_id,
        Some(10571)
    );
});

storage_test!(sync_reports_renamed_zabbix_host, async |db: Db| {
    // Zabbix lists 10580 as cache-01, while the inventory names it redis-01.
    let redis = host(&db, "redis-01", HostStatus::Active, Some(10580)).await;
    let report = zabbix_hosts::sync(&db, &recorded_hosts(), now())
        .await
        .unwrap();
    assert_eq!(report.conflicts.len(), 1);
    assert_eq!(report.conflicts[0].zabbix_technical_name, "cache-01");
    assert!(report.vanished.is_empty());
    let new: Vec<_> = report
        .new_in_zabbix
        .iter()
        .map(|h| h.technical_name.as_str())
        .collect();
    assert!(!new.contains(&"cache-01"), "{new:?}");
    let stored = hosts::get(&db, redis).await.unwrap().unwrap();
    assert_eq!(stored.zabbix_host_id, Some(10580));
});
