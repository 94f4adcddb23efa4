//! The forecast of a host metric through the API and on the host card, on both engines. The
//! cases are Holt-Winters on two weeks of hourly data with a daily cycle, the linear fallback
//! on a short series, clamping of a percentage trend, parameter errors and unknown hosts.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::identity::Role;
use domain::infra::{Sample, Unit};
use reqwest::StatusCode;
use serde_json::Value;

use common::{Api, TestServer};

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).unwrap()
}

/// Returns a deterministic wobble in [−1, 1], so that fits leave residuals and bands have
/// width.
fn wobble(hour: i64) -> f64 {
    ((hour * 7919) % 13) as f64 / 6.0 - 1.0
}

/// Returns a daily cycle of ±20 around 50 % that peaks at 06:00, plus the wobble.
fn daily_cycle(hour: i64) -> f64 {
    let phase = 2.0 * std::f64::consts::PI * (hour % 24) as f64 / 24.0;
    50.0 + 20.0 * phase.sin() + wobble(hour)
}

/// Stores `hours` hourly samples of `value(hour)` in percent as `metric` of host `name`, and
/// returns the host's id.
async fn host_with(
    server: &TestServer,
    name: &str,
    metric: &str,
    hours: i64,
    value: impl Fn(i64) -> f64,
) -> i64 {
    let db = &server.state.db;
    let (host, _) = store::metrics::ensure_host(db, name, start())
        .await
        .unwrap();
    let samples: Vec<Sample> = (0..hours)
        .map(|hour| Sample {
            time: start() + Duration::hours(hour),
            value: value(hour),
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

fn number(value: &Value) -> f64 {
    value.as_f64().unwrap()
}

/// Checks that every forecast point has lower <= value <= upper and returns how many have
/// a band of positive width.
fn check_band(report: &Value) -> usize {
    let points = report["forecast"].as_array().unwrap();
    assert!(!points.is_empty(), "{report}");
    let mut wide = 0;
    for point in points {
        let (lower, value, upper) = (
            number(&point["lower"]),
            number(&point["value"]),
            number(&point["upper"]),
        );
        assert!(lower <= value, "{point}");
        assert!(value <= upper, "{point}");
        if upper > lower {
            wide += 1;
        }
    }
    wide
}

web_test!(
    forecast_holt_winters_two_weeks,
    async |server: &TestServer| {
        let id = host_with(server, "web-01", "cpu_utilization", 14 * 24, daily_cycle).await;
        let api = analyst(server).await;
        let (status, report) = api
            .get(&format!(
                "/api/v1/hosts/{id}/forecast?metric=cpu_utilization&fit=holt_winters&window=all&horizon=2d&threshold=65"
            ))
            .await;
        assert_eq!(status, StatusCode::OK, "{report}");
        assert_eq!(report["fit"], "holt_winters", "{report}");
        assert_eq!(report["season"], "weekly", "{report}");
        assert_eq!(report["message"], Value::Null, "{report}");
        assert_eq!(report["window"], "all");
        assert_eq!(report["window_points"], 14 * 24);
        assert_eq!(report["history"].as_array().unwrap().len(), 14 * 24);
        assert_eq!(report["fitted"].as_array().unwrap().len(), 14 * 24);
        assert_eq!(report["forecast"].as_array().unwrap().len(), 48);
        assert_eq!(report["coverage"], 0.95);
        assert!(number(&report["r2"]) > 0.9, "{}", report["r2"]);
        assert_eq!(check_band(&report), 48, "every band has width");

        // The cycle is repeated: 06:00 is near 70 %, 18:00 near 30 %.
        let forecast = report["forecast"].as_array().unwrap();
        let at = |hour: usize| number(&forecast[hour]["value"]);
        assert!((at(6) - 70.0).abs() < 3.0, "{}", forecast[6]);
        assert!((at(18) - 30.0).abs() < 3.0, "{}", forecast[18]);

        // The last sample (23:00) is below 65 %, and the cycle passes 65 % on the way to 06:00.
        assert_eq!(report["threshold"], 65.0);
        let crossing = &report["crossing"];
        assert_eq!(crossing["above_now"], false, "{crossing}");
        assert_eq!(crossing["direction"], "up", "{crossing}");
        let time: DateTime<Utc> = crossing["time"].as_str().unwrap().parse().unwrap();
        let first_forecast_day = start() + Duration::days(14);
        assert!(time > first_forecast_day, "{time}");
        assert!(time < first_forecast_day + Duration::hours(6), "{time}");

        let (status, daily) = api
            .get(&format!(
                "/api/v1/hosts/{id}/forecast?metric=cpu_utilization&fit=holt_winters&season=daily"
            ))
            .await;
        assert_eq!(status, StatusCode::OK, "{daily}");
        assert_eq!(daily["season"], "daily", "{daily}");
        assert_eq!(daily["forecast"].as_array().unwrap().len(), 7 * 24);
        check_band(&daily);
    }
);

web_test!(
    forecast_short_series_falls_back,
    async |server: &TestServer| {
        let id = host_with(server, "web-02", "cpu_utilization", 30, daily_cycle).await;
        let api = analyst(server).await;
        let (status, report) = api
            .get(&format!(
                "/api/v1/hosts/{id}/forecast?metric=cpu_utilization&fit=holt_winters&horizon=1d"
            ))
            .await;
        assert_eq!(status, StatusCode::OK, "{report}");
        assert_eq!(report["fit"], "linear", "{report}");
        assert_eq!(report["season"], Value::Null, "{report}");
        let message = report["message"].as_str().unwrap();
        assert!(message.contains("Хольта — Винтерса"), "{message}");
        assert!(message.contains("48"), "{message}");
        assert_eq!(report["window_points"], 30);
        assert_eq!(report["forecast"].as_array().unwrap().len(), 24);
        assert!(check_band(&report) > 0, "{report}");
    }
);

web_test!(
    forecast_percentage_trend_clamped,
    async |server: &TestServer| {
        // Two points an hour from 40 %: past 90 % at hour 25 and past 100 % at hour 30.
        let rising = |hour: i64| 40.0 + 2.0 * hour as f64 + 0.1 * wobble(hour);
        let id = host_with(server, "db-01", "disk_utilization", 20, rising).await;
        let api = analyst(server).await;
        let (status, report) = api
            .get(&format!(
                "/api/v1/hosts/{id}/forecast?metric=disk_utilization&horizon=1d&threshold=90"
            ))
            .await;
        assert_eq!(status, StatusCode::OK, "{report}");
        assert_eq!(report["fit"], "linear");
        assert_eq!(report["window"], "30d");
        assert_eq!(report["clamped"], true, "{report}");
        for point in report["forecast"].as_array().unwrap() {
            assert!(number(&point["value"]) <= 100.0, "{point}");
            assert!(number(&point["upper"]) <= 100.0, "{point}");
        }
        check_band(&report);
        assert!(number(&report["r2"]) > 0.99, "{}", report["r2"]);
        let crossing = &report["crossing"];
        assert_eq!(crossing["direction"], "up", "{crossing}");
        let time: DateTime<Utc> = crossing["time"].as_str().unwrap().parse().unwrap();
        let hours = (time - start()).num_minutes() as f64 / 60.0;
        assert!((hours - 25.0).abs() < 0.2, "{hours}");

        // Without a threshold, a disk metric in percent gets its default target of 85 %.
        let (_, report) = api
            .get(&format!(
                "/api/v1/hosts/{id}/forecast?metric=disk_utilization"
            ))
            .await;
        assert_eq!(report["threshold"], 85.0, "{report}");
    }
);

web_test!(
    forecast_invalid_parameters_rejected,
    async |server: &TestServer| {
        let id = host_with(server, "web-03", "cpu_utilization", 72, daily_cycle).await;
        let api = analyst(server).await;
        let (status, answer) = api
            .get(&format!("/api/v1/hosts/{id}/forecast?fit=linear"))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert_eq!(answer["error"]["field"], "metric", "{answer}");

        let cases = [
            ("metric=latency", "metric", "latency"),
            ("metric=cpu_utilization&fit=cubic", "fit", "cubic"),
            (
                "metric=cpu_utilization&fit=polynomial9",
                "fit",
                "polynomial9",
            ),
            ("metric=cpu_utilization&season=monthly", "season", "monthly"),
            ("metric=cpu_utilization&window=forever", "window", "forever"),
            ("metric=cpu_utilization&horizon=soon", "horizon", "soon"),
            ("metric=cpu_utilization&horizon=91d", "horizon", "91d"),
            ("metric=cpu_utilization&horizon=-1d", "horizon", "-1d"),
            ("metric=cpu_utilization&threshold=abc", "threshold", "abc"),
            ("metric=cpu_utilization&threshold=150", "threshold", "150"),
            (
                "metric=cpu_utilization&fit=holt_winters&threshold=150",
                "threshold",
                "150",
            ),
        ];
        for (query, field, value) in cases {
            let (status, answer) = api
                .get(&format!("/api/v1/hosts/{id}/forecast?{query}"))
                .await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{query}: {answer}"
            );
            assert_eq!(answer["error"]["field"], field, "{query}: {answer}");
            let message = answer["error"]["message"].as_str().unwrap();
            assert!(message.contains(value), "{query}: {message}");
        }
    }
);

web_test!(
    forecast_unknown_host_not_found,
    async |server: &TestServer| {
        let id = host_with(server, "web-04", "cpu_utilization", 72, daily_cycle).await;
        let api = analyst(server).await;
        for path in [
            "/api/v1/hosts/987654321/forecast",
            "/api/v1/hosts/abc/forecast",
        ] {
            let (status, answer) = api.get(&format!("{path}?metric=cpu_utilization")).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {answer}");
        }

        // A client's user may not read the inventory: the capacity API gives the same status.
        let client = server.client_company("ООО «Ромашка»").await;
        let user = server.client_user("romashka", client).await;
        let api = server.api(&user).await;
        let (forecast_status, answer) = api
            .get(&format!(
                "/api/v1/hosts/{id}/forecast?metric=cpu_utilization"
            ))
            .await;
        let (capacity_status, _) = api.get(&format!("/api/v1/hosts/{id}/capacity")).await;
        assert_ne!(forecast_status, StatusCode::OK, "{answer}");
        assert_eq!(forecast_status, capacity_status, "{answer}");
        assert!(answer.get("history").is_none(), "{answer}");
    }
);

web_test!(host_card_shows_forecast, async |server: &TestServer| {
    let id = host_with(server, "web-05", "cpu_utilization", 14 * 24, daily_cycle).await;
    server.user("analyst", Role::Analyst, &[]).await;
    let browser = server.browser("analyst").await;
    let (status, card) = browser
        .get(&format!(
            "/infra/hosts/{id}?metric=cpu_utilization&fit=holt_winters&horizon=2d&threshold=65"
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(card.contains("data-test=\"forecast-section\""), "{card}");
    assert!(card.contains("data-test=\"forecast-chart\""), "{card}");
    assert!(card.contains("/static/forecast.js"), "{card}");
    assert!(
        card.contains("Хольт — Винтерс (сезонная) (недельный)"),
        "{card}"
    );
    assert!(
        card.contains("Точек в окне</dt><dd class=\"col-sm-7\">336"),
        "{card}"
    );
    assert!(card.contains("R²"), "{card}");
    assert!(card.contains("вверх, 16.03.2026"), "{card}");
    assert!(
        card.contains("<option value=\"holt_winters\" selected>"),
        "{card}"
    );

    let marker =
        "<script type=\"application/json\" id=\"forecast-data\" data-test=\"forecast-data\">";
    let start = card.find(marker).unwrap() + marker.len();
    let end = card[start..].find("</script>").unwrap() + start;
    let data: Value = serde_json::from_str(&card[start..end]).unwrap();
    assert_eq!(data["fit"], "holt_winters");
    assert_eq!(data["window_points"], 336);
    assert_eq!(data["forecast"].as_array().unwrap().len(), 48);
    assert_eq!(data["threshold"], 65.0);
});

web_test!(
    host_card_forecast_defaults_and_errors,
    async |server: &TestServer| {
        let id = host_with(server, "web-06", "cpu_utilization", 30, daily_cycle).await;
        server.user("analyst", Role::Analyst, &[]).await;
        let browser = server.browser("analyst").await;

        // No options: the first percent metric, linear, 30 days, 7 days ahead, CPU's 75 %.
        let (status, card) = browser.get(&format!("/infra/hosts/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            card.contains("<option value=\"cpu_utilization\" selected>"),
            "{card}"
        );
        assert!(card.contains("name=\"window\" value=\"30d\""), "{card}");
        assert!(card.contains("name=\"horizon\" value=\"7d\""), "{card}");
        assert!(card.contains("data-test=\"forecast-data\""), "{card}");
        assert!(card.contains("\"threshold\":75.0"), "{card}");

        // Holt-Winters on 30 hours falls back with the message beside the chart.
        let (_, card) = browser
            .get(&format!("/infra/hosts/{id}?fit=holt_winters"))
            .await;
        assert!(card.contains("data-test=\"forecast-message\""), "{card}");

        // An invalid option keeps the page and names the field's value.
        let (status, card) = browser
            .get(&format!("/infra/hosts/{id}?window=forever"))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(card.contains("data-test=\"forecast-error\""), "{card}");
        assert!(card.contains("«forever»"), "{card}");
        assert!(!card.contains("data-test=\"forecast-data\""), "{card}");
    }
);
