//! The trend import against a stand-in Zabbix API that answers with the `item.get` and
//! `trend.get` results a real Zabbix 6.0 gave in `zabbix_e2e_import_metrics`
//! (`tests/data/zabbix-6.0-trends.json`, written by that test with `ZABBIX_E2E_RECORD`).
//! The stand-in applies `time_from` and `time_till` to the recorded rows the way Zabbix
//! does; everything else is the recorded answer.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use axum::body::Bytes;
use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use integrations::zabbix::{Auth, Client, Config};
use secrecy::SecretString;
use serde_json::{Value, json};
use store::Db;

use super::{Source, import_once};

const RECORDING: &str = include_str!("../../tests/data/zabbix-6.0-trends.json");

fn recording() -> Value {
    serde_json::from_str(RECORDING).unwrap()
}

/// Returns the recorded result of `method`.
fn recorded(recording: &Value, method: &str) -> Value {
    recording["exchanges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|exchange| exchange["method"] == method)
        .map(|exchange| exchange["result"].clone())
        .unwrap_or_else(|| panic!("no recorded {method}"))
}

fn number(value: &Value) -> i64 {
    match value {
        Value::String(text) => text.parse().unwrap(),
        other => other.as_i64().unwrap(),
    }
}

/// Answers one JSON-RPC call; Zabbix clients send `application/json-rpc`, which axum's
/// `Json` extractor refuses, so the body is read as bytes.
async fn answer(State(recording): State<Arc<Value>>, body: Bytes) -> Json<Value> {
    let request: Value = serde_json::from_slice(&body).unwrap();
    let method = request["method"].as_str().unwrap_or_default();
    let mut result = recorded(&recording, method);
    if method == "trend.get" {
        let (from, till) = (
            number(&request["params"]["time_from"]),
            number(&request["params"]["time_till"]),
        );
        result
            .as_array_mut()
            .unwrap()
            .retain(|row| (from..=till).contains(&number(&row["clock"])));
    }
    Json(json!({"jsonrpc": "2.0", "result": result, "id": request["id"]}))
}

/// Serves the recording on a free loopback port.
async fn stand_in() -> SocketAddr {
    let app = Router::new()
        .route("/api_jsonrpc.php", post(answer))
        .with_state(Arc::new(recording()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    address
}

fn client(address: SocketAddr) -> Client {
    integrations::tls::install_crypto_provider();
    Client::new(Config {
        url: format!("http://{address}/"),
        auth: Auth::Token(SecretString::from("recorded")),
        timeout: StdDuration::from_secs(10),
    })
    .unwrap()
}

fn at(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(seconds, 0).unwrap()
}

async fn linked_host(db: &Db, recording: &Value) -> i64 {
    let name = recording["host"].as_str().unwrap();
    let (host, _) = store::metrics::ensure_host(db, name, at(0)).await.unwrap();
    db.execute(
        "UPDATE metric_hosts SET zabbix_host_id = $1 WHERE id = $2",
        store::args![number(&recording["host_id"]), host.id],
    )
    .await
    .unwrap();
    host.id
}

fn stored(series: &domain::infra::Series) -> Vec<(i64, f64)> {
    series
        .samples()
        .iter()
        .map(|sample| (sample.time.timestamp(), sample.value))
        .collect()
}

store::storage_test!(
    trend_import_stores_completed_hours_of_a_recorded_zabbix,
    |db: Db| async move {
        let recording = recording();
        let trends = recorded(&recording, "trend.get");
        let rows = trends.as_array().unwrap();
        assert!(rows.len() >= 2, "the recording needs two hours: {trends}");
        let expected: Vec<(i64, f64)> = rows
            .iter()
            .map(|row| {
                let average: f64 = row["value_avg"].as_str().unwrap().parse().unwrap();
                (number(&row["clock"]), average)
            })
            .collect();
        let last_hour = expected.last().unwrap().0;
        let host = linked_host(&db, &recording).await;
        let i18n = crate::metrics::translations().unwrap();
        let mappings =
            domain::infra::parse_item_mappings(&format!("{}=cpu:percent", "vitrina.e2e.cpu"))
                .unwrap();
        let client = client(stand_in().await);
        let start = at(expected[0].0 - 3600);

        // Half way through the last recorded hour, that hour is not complete yet.
        let report = import_once(
            &db,
            &client,
            &i18n,
            &mappings,
            Source::Trends,
            at(last_hour + 1800),
            start,
        )
        .await
        .unwrap();
        assert_eq!(report.items.len(), 1, "{report:?}");
        assert_eq!(report.items[0].stored, expected.len() - 1, "{report:?}");
        let series = store::metrics::load_series(&db, host, "cpu")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored(&series), expected[..expected.len() - 1]);

        // An hour later it is, and the import continues after the stored hours.
        let report = import_once(
            &db,
            &client,
            &i18n,
            &mappings,
            Source::Trends,
            at(last_hour + 3600 + 60),
            start,
        )
        .await
        .unwrap();
        assert_eq!(report.items[0].stored, 1, "{report:?}");
        assert_eq!(report.items[0].read, 1, "{report:?}");
        let series = store::metrics::load_series(&db, host, "cpu")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored(&series), expected);
        assert!(report.missing.is_empty(), "{report:?}");
    }
);
