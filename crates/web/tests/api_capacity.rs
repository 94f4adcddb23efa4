//! Capacity advice of a host through the API and on its card, on both engines, checked
//! against figures computed by hand for a series whose daily peak grows one point a day.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::{Duration, TimeZone, Utc};
use domain::identity::Role;
use domain::infra::{Sample, Unit};
use reqwest::StatusCode;
use serde_json::Value;

use common::{Api, TestServer};

const DAY: f64 = 86_400.0;

/// Stores 30 days of hourly samples for `metric` of host `db-01`: 5 % every hour but 14:00,
/// where day `d` (0–29) peaks at 40 + d %. Returns the host's id.
async fn growing_host(server: &TestServer, metric: &str) -> i64 {
    let db = &server.state.db;
    let start = Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).unwrap();
    let (host, _) = store::metrics::ensure_host(db, "db-01", start)
        .await
        .unwrap();
    let samples: Vec<Sample> = (0..30 * 24)
        .map(|hour| Sample {
            time: start + Duration::hours(hour),
            value: if hour % 24 == 14 {
                40.0 + (hour / 24) as f64
            } else {
                5.0
            },
        })
        .collect();
    store::metrics::upsert_samples(db, host.id, metric, Unit::Percent, &samples)
        .await
        .unwrap();
    host.id
}

async fn analyst(server: &TestServer) -> Api {
    let user = server.user("analyst", Role::Analyst, &[]).await;
    server.api(&user).await
}

fn close(actual: &Value, expected: f64) -> bool {
    let actual = actual.as_f64().unwrap();
    (actual - expected).abs() <= 1e-6 * expected.abs().max(1.0)
}

web_test!(
    capacity_figures_match_hand_computation,
    async |server: &TestServer| {
        let id = growing_host(server, "cpu_utilization").await;
        let api = analyst(server).await;
        let (status, report) = api.get(&format!("/api/v1/hosts/{id}/capacity")).await;
        assert_eq!(status, StatusCode::OK, "{report}");
        let advice = &report["items"][0]["advice"];
        assert_eq!(report["items"][0]["metric"], "cpu_utilization");
        assert_eq!(advice["resource"], "cpu");
        // The 95th percentile of the peaks 40..69: rank 0.95 × 29 = 27.55 → 67.55.
        assert!(close(&advice["current_percent"], 67.55), "{advice}");
        assert!(close(&advice["target_percent"], 75.0), "{advice}");
        assert!(close(&advice["headroom_points"], 7.45), "{advice}");
        assert!(close(&advice["trend_points_per_day"], 1.0), "{advice}");
        // Eight weeks of lead time at one point a day.
        assert!(
            close(&advice["projected_percent"], 67.55 + 56.0),
            "{advice}"
        );
        assert!(
            close(&advice["time_to_target"]["seconds"], 7.45 * DAY),
            "{advice}"
        );
        assert!(
            close(&advice["time_to_exhaustion"]["seconds"], 32.45 * DAY),
            "{advice}"
        );
        assert_eq!(advice["days"], 30);
        assert_eq!(advice["window_points"], 30);
        // 100 % comes after 32.45 days, before the 56 days hardware takes.
        assert_eq!(advice["action"]["kind"], "move_to_cloud", "{advice}");
        assert!(
            close(&advice["action"]["capacity_factor"], 123.55 / 75.0),
            "{advice}"
        );
        let messages = report["items"][0]["messages"].as_array().unwrap();
        assert!(
            messages
                .iter()
                .any(|m| m.as_str().unwrap().contains("152-ФЗ")),
            "{messages:?}"
        );
    }
);

web_test!(
    capacity_longer_lead_time_options,
    async |server: &TestServer| {
        let id = growing_host(server, "cpu_utilization").await;
        let api = analyst(server).await;
        // With a 4-week lead time, 100 % (32.45 days) comes after the hardware.
        let (status, report) = api
            .get(&format!(
                "/api/v1/hosts/{id}/capacity?lead_time=4w&target=90"
            ))
            .await;
        assert_eq!(status, StatusCode::OK, "{report}");
        let advice = &report["items"][0]["advice"];
        assert_eq!(advice["action"]["kind"], "scale_up", "{advice}");
        assert!(
            close(&advice["projected_percent"], 67.55 + 28.0),
            "{advice}"
        );
        assert!(
            close(&advice["action"]["capacity_factor"], 95.55 / 90.0),
            "{advice}"
        );

        let cases = [
            ("lead_time=soon", "lead_time"),
            ("target=abc", "target"),
            ("fit=cubic", "fit"),
            ("window=forever", "window"),
            ("resource=gpu", "resource"),
            ("metric=latency", "metric"),
        ];
        for (query, field) in cases {
            let (status, answer) = api
                .get(&format!("/api/v1/hosts/{id}/capacity?{query}"))
                .await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{query}: {answer}"
            );
            assert_eq!(answer["error"]["field"], field, "{query}: {answer}");
        }
    }
);

web_test!(capacity_memory_needs_target, async |server: &TestServer| {
    let id = growing_host(server, "memory_utilization").await;
    let api = analyst(server).await;
    let (_, report) = api.get(&format!("/api/v1/hosts/{id}/capacity")).await;
    assert_eq!(report["items"], Value::Array(vec![]), "{report}");
    assert_eq!(report["skipped"][0]["metric"], "memory_utilization");
    let message = report["skipped"][0]["message"].as_str().unwrap();
    assert!(message.contains("целевой загрузки"), "{message}");

    let (_, report) = api
        .get(&format!(
            "/api/v1/hosts/{id}/capacity?metric=memory_utilization&target=80"
        ))
        .await;
    assert_eq!(
        report["items"][0]["advice"]["resource"], "memory",
        "{report}"
    );
    assert!(close(
        &report["items"][0]["advice"]["headroom_points"],
        80.0 - 67.55
    ));
});

web_test!(host_card_shows_capacity, async |server: &TestServer| {
    let id = growing_host(server, "cpu_utilization").await;
    server.user("analyst", Role::Analyst, &[]).await;
    let browser = server.browser("analyst").await;
    let (status, card) = browser.get(&format!("/infra/hosts/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(card.contains("data-test=\"capacity-row\""), "{card}");
    // 67.55 and 32.45 are stored a little below themselves in binary, so they round down.
    assert!(card.contains("67.5 %"), "{card}");
    assert!(card.contains("32.4 дн."), "{card}");
    assert!(card.contains("×1.65"), "{card}");
    assert!(card.contains("перенести нагрузку в облако"), "{card}");
});

/// Stores 30 days of hourly samples of `cpu_utilization` for host `name`: 5 % every hour
/// but 14:00, where day `d` peaks at `base + d` %. Returns the host's id.
async fn peaking_host(server: &TestServer, name: &str, base: f64) -> i64 {
    let db = &server.state.db;
    let start = Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).unwrap();
    let (host, _) = store::metrics::ensure_host(db, name, start).await.unwrap();
    let samples: Vec<Sample> = (0..30 * 24)
        .map(|hour| Sample {
            time: start + Duration::hours(hour),
            value: if hour % 24 == 14 {
                base + (hour / 24) as f64
            } else {
                5.0
            },
        })
        .collect();
    store::metrics::upsert_samples(db, host.id, "cpu_utilization", Unit::Percent, &samples)
        .await
        .unwrap();
    host.id
}

web_test!(
    cluster_and_site_capacity_use_the_mean_of_their_hosts,
    async |server: &TestServer| {
        let admin = server.user("admin2", Role::Admin, &[]).await;
        let admin = server.api(&admin).await;
        let (status, site) = admin
            .post(
                "/api/v1/sites",
                serde_json::json!({"name": "ДЦ Москва", "kind": "own_data_centre"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{site}");
        let site_id = site["id"].as_i64().unwrap();
        let (status, cluster) = admin
            .post(
                "/api/v1/clusters",
                serde_json::json!({"name": "pg-main", "site_id": site_id}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{cluster}");
        let cluster_id = cluster["id"].as_i64().unwrap();
        // Peaks 40 + d and 20 + d at the same hour: the cluster's mean peaks at 30 + d.
        let first = peaking_host(server, "pg-01", 40.0).await;
        let second = peaking_host(server, "pg-02", 20.0).await;
        // A retired host at the site does not count, however busy it was.
        let retired = peaking_host(server, "old-01", 90.0).await;
        for (id, cluster, status) in [
            (first, Some(cluster_id), "active"),
            (second, Some(cluster_id), "active"),
            (retired, None, "retired"),
        ] {
            server
                .state
                .db
                .execute(
                    "UPDATE metric_hosts SET site_id = $1, cluster_id = $2, status = $3 \
                     WHERE id = $4",
                    store::args![site_id, cluster, status, id],
                )
                .await
                .unwrap();
        }

        let api = analyst(server).await;
        for path in [
            format!("/api/v1/clusters/{cluster_id}/capacity"),
            format!("/api/v1/sites/{site_id}/capacity"),
        ] {
            let (status, report) = api.get(&path).await;
            assert_eq!(status, StatusCode::OK, "{path}: {report}");
            assert_eq!(
                report["hosts"],
                serde_json::json!(["pg-01", "pg-02"]),
                "{report}"
            );
            let advice = &report["items"][0]["advice"];
            // The 95th percentile of the mean peaks 30..59: 30 + 27.55.
            assert!(close(&advice["current_percent"], 57.55), "{advice}");
            assert!(close(&advice["trend_points_per_day"], 1.0), "{advice}");
            assert!(
                close(&advice["time_to_exhaustion"]["seconds"], 42.45 * DAY),
                "{advice}"
            );
            assert_eq!(advice["action"]["kind"], "move_to_cloud", "{advice}");
        }
        let (_, report) = api
            .get(&format!("/api/v1/clusters/{cluster_id}/capacity"))
            .await;
        assert_eq!(report["scope"], "cluster");
        assert_eq!(report["items"][0]["advice"]["scope"]["kind"], "cluster");
        assert_eq!(report["items"][0]["advice"]["scope"]["nodes"], 2);
        let (_, report) = api.get(&format!("/api/v1/sites/{site_id}/capacity")).await;
        assert_eq!(report["items"][0]["advice"]["scope"]["kind"], "site");

        let (status, _) = api.get("/api/v1/clusters/999999/capacity").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, body) = api
            .get(&format!(
                "/api/v1/clusters/{cluster_id}/capacity?metric=nope"
            ))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    }
);
