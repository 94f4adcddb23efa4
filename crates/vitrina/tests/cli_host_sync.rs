//! `vitrina zabbix sync-hosts` against a stand-in Zabbix 6.0 API on 127.0.0.1 (see
//! `standin`), on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used)]

mod common;
#[path = "../../integrations/tests/standin/mod.rs"]
mod standin;

use common::{Setup, assert_success, stderr, stdout};
use serde_json::Value;
use standin::{PASSWORD, StandIn, USERNAME};

/// Runs `zabbix sync-hosts` with the stand-in's address and credentials.
async fn sync_hosts(setup: &Setup, zabbix: &StandIn) -> std::process::Output {
    let mut command = setup.command(&["zabbix", "sync-hosts"]);
    command
        .env("VITRINA_ZABBIX_API_URL", &zabbix.url)
        .env("VITRINA_ZABBIX_API_USERNAME", USERNAME)
        .env("VITRINA_ZABBIX_API_PASSWORD", PASSWORD);
    command.output().await.unwrap()
}

fn names(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|host| host["technical_name"].as_str().unwrap())
        .collect()
}

cli_test!(sync_hosts_links_by_name, async |setup: &Setup| {
    integrations::tls::install_crypto_provider();
    let zabbix = StandIn::start().await;
    zabbix.add_host(10570, "db-01", "База данных 1");
    zabbix.add_host(10571, "web-01", "Витрина 1");

    // The command migrates the database, so the inventory is written after a first run.
    assert_success(&setup.run(&["migrate"]).await);
    let db = setup.db().await;
    let (host, _) = store::metrics::ensure_host(&db, "db-01", domain::time::now())
        .await
        .unwrap();
    store::metrics::ensure_host(&db, "mail-01", domain::time::now())
        .await
        .unwrap();

    let output = sync_hosts(setup, &zabbix).await;
    assert_success(&output);
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["zabbix_hosts"], 2, "{report}");
    assert_eq!(names(&report["linked"]), ["db-01"]);
    assert_eq!(report["linked"][0]["zabbix_host_id"], 10570);
    assert_eq!(names(&report["new_in_zabbix"]), ["web-01"]);
    assert_eq!(names(&report["unmonitored"]), ["mail-01"]);
    assert_eq!(zabbix.calls_to("host.get").len(), 1);

    let stored = store::infra::hosts::get(&db, host.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.zabbix_host_id, Some(10570));
    assert!(stored.zabbix_seen_at.is_some());
    db.close().await;
    zabbix.stop();
});

cli_test!(sync_hosts_needs_zabbix_api, async |setup: &Setup| {
    let output = setup.run(&["zabbix", "sync-hosts"]).await;
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(message.contains("zabbix_api_url"), "{message}");
});
