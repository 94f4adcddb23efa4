//! Health, readiness and metrics endpoints, on both engines.
#![allow(clippy::unwrap_used)]

mod common;

use reqwest::{Client, Method, StatusCode};

use common::TestServer;

web_test!(metrics_fold_unknown_methods, async |server: &TestServer| {
    let client = Client::new();
    for name in ["MADEUP1", "MADEUP2", "MADEUP3"] {
        let method = Method::from_bytes(name.as_bytes()).unwrap();
        let answer = client
            .request(method, format!("{}/healthz", server.url))
            .send()
            .await
            .unwrap();
        assert_ne!(answer.status(), StatusCode::OK);
    }
    let health = client.get(format!("{}/healthz", server.url)).send().await;
    assert_eq!(health.unwrap().status(), StatusCode::OK);

    let metrics = client
        .get(format!("{}/metrics", server.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!metrics.contains("MADEUP"), "{metrics}");
    assert!(metrics.contains("method=\"other\""), "{metrics}");
    assert!(metrics.contains("method=\"GET\""), "{metrics}");
});

web_test!(metrics_start_states_at_zero, async |server: &TestServer| {
    let metrics = Client::new()
        .get(format!("{}/metrics", server.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // Every state has a series from the start, 0 while nothing is in it.
    for series in [
        "vitrina_zabbix_outbox{status=\"failed\"} 0",
        "vitrina_zabbix_outbox{status=\"pending\"} 0",
        "vitrina_tickets{status=\"closed\"} 0",
    ] {
        assert!(metrics.contains(series), "no {series} in {metrics}");
    }
});
