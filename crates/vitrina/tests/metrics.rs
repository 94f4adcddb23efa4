//! `vitrina import metrics`, `forecast` and `timeleft` end to end on the six real NAB series,
//! on SQLite and PostgreSQL: what the import stores, and that the commands print what the
//! domain functions compute from the stored series.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::{DateTime, TimeZone, Utc};
use common::{Setup, assert_success, stderr, stdout};
use domain::infra::{Fit, ForecastRequest, Mode, Series, TimeleftRequest, Window};

const METRICS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/metrics/");
const TREND: &str = "ec2_cpu_utilization_ac20cd.csv";
const SATURATED: &str = "ec2_cpu_utilization_825cc2.csv";

/// The six files, the import options of each and the samples they must store: the DST file
/// repeats 2014-03-09 03:00:00 twelve times, so 11 of its 4730 rows are dropped.
const SERIES: [(&str, &str, &str, Option<&str>, i64); 6] = [
    (TREND, "cpu", "percent", None, 4032),
    (
        "rds_cpu_utilization_e47b3b.csv",
        "cpu",
        "percent",
        None,
        4032,
    ),
    (SATURATED, "cpu", "percent", None, 4032),
    (
        "ec2_network_in_257a54.csv",
        "net_in",
        "bytes_per_period",
        Some("5m"),
        4032,
    ),
    (
        "ec2_disk_write_bytes_1ef3de.csv",
        "disk_write",
        "bytes",
        None,
        4719,
    ),
    (
        "ambient_temperature_system_failure.csv",
        "temperature",
        "fahrenheit",
        None,
        7267,
    ),
];

fn path(file: &str) -> String {
    format!("{METRICS}{file}")
}

/// Imports `file` as `metric` of a host named after the file, and returns the host name.
async fn import(
    setup: &Setup,
    file: &str,
    metric: &str,
    unit: &str,
    period: Option<&str>,
) -> String {
    let host = file.trim_end_matches(".csv").to_string();
    let file = path(file);
    let mut args = vec![
        "import", "metrics", &file, "--host", &host, "--metric", metric, "--unit", unit,
    ];
    if let Some(period) = period {
        args.extend(["--period", period]);
    }
    let output = setup.run(&args).await;
    assert_success(&output);
    host
}

async fn stored_series(setup: &Setup, host: &str, metric: &str) -> Series {
    let db = setup.db().await;
    let found = store::metrics::find_host(&db, host).await.unwrap().unwrap();
    let series = store::metrics::load_series(&db, found.id, metric)
        .await
        .unwrap()
        .unwrap();
    db.close().await;
    series
}

fn json(output: &std::process::Output) -> serde_json::Value {
    assert_success(output);
    serde_json::from_str(&stdout(output)).unwrap()
}

fn relative_difference(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs().max(f64::MIN_POSITIVE)
}

cli_test!(
    import_metrics_loads_six_real_series,
    async |setup: &Setup| {
        for (file, metric, unit, period, _) in SERIES {
            import(setup, file, metric, unit, period).await;
        }
        let db = setup.db().await;
        for (file, metric, _, _, expected) in SERIES {
            let host = store::metrics::find_host(&db, file.trim_end_matches(".csv"))
                .await
                .unwrap()
                .unwrap();
            let count = store::metrics::count_samples(&db, host.id, metric)
                .await
                .unwrap();
            assert_eq!(count, expected, "{file}");
        }
        db.close().await;

        // Fahrenheit becomes Celsius: the first row is 69.88083514 °F.
        let temperature =
            stored_series(setup, "ambient_temperature_system_failure", "temperature").await;
        let first = temperature.samples()[0].value;
        assert!(
            (first - (69.88083514 - 32.0) * 5.0 / 9.0).abs() < 1e-9,
            "{first}"
        );
        // Bytes per five minutes become bytes per second: the first row is 251643 bytes.
        let network = stored_series(setup, "ec2_network_in_257a54", "net_in").await;
        assert_eq!(network.unit(), domain::infra::Unit::BytesPerSecond);
        assert!((network.samples()[0].value - 251_643.0 / 300.0).abs() < 1e-9);
    }
);

cli_test!(
    import_metrics_keeps_last_of_dst_duplicates,
    async |setup: &Setup| {
        let file = path("ec2_disk_write_bytes_1ef3de.csv");
        let args = [
            "import", "metrics", &file, "--host", "disk", "--metric", "write", "--unit", "bytes",
        ];
        let output = setup.run(&args).await;
        assert_success(&output);
        let printed = stdout(&output);
        assert!(printed.contains("2014-03-09 03:00:00: kept"), "{printed}");
        assert!(printed.contains("dropped 11"), "{printed}");
        assert!(printed.contains("Rejected rows: 0."), "{printed}");

        // The real file repeats only zeros, so distinct repeated values check which is kept:
        // the last in file order, also when a later import repeats the time again.
        let repeated = setup.data_dir().join("repeated.csv");
        std::fs::write(
            &repeated,
            "timestamp,value\n2014-03-09 03:00:00,1\n2014-03-09 03:00:00,3\n\
             2014-03-09 03:00:00,2\n2014-03-09 03:04:00,4\n",
        )
        .unwrap();
        let repeated = repeated.to_string_lossy().into_owned();
        let args = [
            "import", "metrics", &repeated, "--host", "disk", "--metric", "write", "--unit",
            "bytes",
        ];
        let output = setup.run(&args).await;
        assert_success(&output);
        assert!(
            stdout(&output).contains("kept 2, dropped 2"),
            "{}",
            stdout(&output)
        );
        let series = stored_series(setup, "disk", "write").await;
        let at: DateTime<Utc> = Utc.with_ymd_and_hms(2014, 3, 9, 3, 0, 0).unwrap();
        let kept = series.samples().iter().find(|s| s.time == at).unwrap();
        assert_eq!(kept.value, 2.0);
        assert_eq!(series.samples().len(), 4719);
    }
);

cli_test!(
    import_metrics_reports_rejected_rows,
    async |setup: &Setup| {
        let file = setup.data_dir().join("broken.csv");
        std::fs::write(
            &file,
            "timestamp,value\n2014-01-01 00:00:00,5\nnot a row\n2014-01-01 00:05:00,abc\n\
         2014-01-01 00:10:00,150\n2014-01-01 00:15:00,7\n",
        )
        .unwrap();
        let file = file.to_string_lossy().into_owned();
        let args = [
            "import", "metrics", &file, "--host", "web-01", "--metric", "cpu", "--unit", "percent",
        ];
        let output = setup.run(&args).await;
        assert_success(&output);
        let printed = stdout(&output);
        assert!(printed.contains("Rejected rows: 3."), "{printed}");
        assert!(printed.contains("line 3: Row \"not a row\""), "{printed}");
        assert!(printed.contains("line 4: Value \"abc\""), "{printed}");
        assert!(
            printed.contains("line 5: A percentage must be between 0 and 100, got 150"),
            "{printed}"
        );
        assert_eq!(
            stored_series(setup, "web-01", "cpu").await.samples().len(),
            2
        );
    }
);

cli_test!(
    import_metrics_unknown_unit_fails_without_host,
    async |setup: &Setup| {
        let file = path(TREND);
        let args = [
            "import", "metrics", &file, "--host", "web-01", "--metric", "cpu", "--unit", "furlongs",
        ];
        let output = setup.run(&args).await;
        assert!(!output.status.success());
        let error = stderr(&output);
        assert!(
            error.contains("--unit") && error.contains("furlongs"),
            "{error}"
        );
        let db = setup.db().await;
        assert!(
            store::metrics::find_host(&db, "web-01")
                .await
                .unwrap()
                .is_none()
        );
        db.close().await;
    }
);

cli_test!(
    forecast_prints_domain_result_for_stored_series,
    async |setup: &Setup| {
        let host = import(setup, TREND, "cpu", "percent", None).await;
        let series = stored_series(setup, &host, "cpu").await;
        for (window, expected_window) in [
            ("all", Window::All),
            ("7d", Window::Seconds(7 * 86_400)),
            ("500", Window::LastValues(500)),
        ] {
            let args = [
                "forecast",
                "--host",
                &host,
                "--metric",
                "cpu",
                "--horizon",
                "7d",
                "--fit",
                "linear",
                "--mode",
                "value",
                "--window",
                window,
            ];
            let printed = json(&setup.run(&args).await);
            let request = ForecastRequest {
                window: expected_window,
                horizon_seconds: 7 * 86_400,
                fit: Fit::Linear,
                mode: Mode::Value,
                evaluated_at: None,
            };
            let expected = domain::infra::forecast(&series, &request).unwrap();
            let value = printed["value"].as_f64().unwrap();
            assert!(
                relative_difference(value, expected.value) < 1e-12,
                "{window}: {printed}"
            );
            assert_eq!(printed["window_points"], expected.window_points, "{window}");
            let r2 = printed["r2"].as_f64().unwrap();
            assert!(
                relative_difference(r2, expected.r2.unwrap()) < 1e-12,
                "{window}"
            );
            assert_eq!(printed["fit"], "linear");
            assert_eq!(printed["clamped"], expected.clamped);
            assert_eq!(printed["never"], false);
            assert_eq!(printed["already_above"], false);
        }
    }
);

cli_test!(forecast_default_window_and_at, async |setup: &Setup| {
    let host = import(setup, TREND, "cpu", "percent", None).await;
    let series = stored_series(setup, &host, "cpu").await;
    let at = Utc.with_ymd_and_hms(2014, 4, 10, 0, 0, 0).unwrap();
    let args = [
        "forecast",
        "--host",
        &host,
        "--metric",
        "cpu",
        "--horizon",
        "1d",
        "--window",
        "24h",
        "--at",
        "2014-04-10 00:00:00",
    ];
    let printed = json(&setup.run(&args).await);
    let request = ForecastRequest {
        window: Window::Seconds(86_400),
        horizon_seconds: 86_400,
        evaluated_at: Some(at),
        ..ForecastRequest::default()
    };
    let expected = domain::infra::forecast(&series, &request).unwrap();
    assert!(relative_difference(printed["value"].as_f64().unwrap(), expected.value) < 1e-12);
    assert_eq!(printed["window_points"], expected.window_points);
    assert_eq!(printed["evaluated_at"], "2014-04-10T00:00:00Z");

    // Without --window the last 30 days are read: all 14 days of the file.
    let args = [
        "forecast",
        "--host",
        &host,
        "--metric",
        "cpu",
        "--horizon",
        "1d",
    ];
    let printed = json(&setup.run(&args).await);
    assert_eq!(printed["window"], "30d");
    assert_eq!(printed["window_points"], series.samples().len());
});

cli_test!(
    timeleft_prints_domain_result_for_stored_series,
    async |setup: &Setup| {
        let host = import(setup, TREND, "cpu", "percent", None).await;
        let series = stored_series(setup, &host, "cpu").await;
        let args = [
            "timeleft",
            "--host",
            &host,
            "--metric",
            "cpu",
            "--threshold",
            "90",
            "--fit",
            "linear",
            "--window",
            "all",
        ];
        let printed = json(&setup.run(&args).await);
        let request = TimeleftRequest {
            window: Window::All,
            threshold: 90.0,
            fit: Fit::Linear,
            ..TimeleftRequest::default()
        };
        let expected = domain::infra::timeleft(&series, &request).unwrap();
        let seconds = printed["seconds"].as_f64().unwrap();
        assert!(
            relative_difference(seconds, expected.seconds.unwrap()) < 1e-12,
            "{printed}"
        );
        assert_eq!(printed["window_points"], expected.window_points);
        assert_eq!(printed["never"], false);
        assert_eq!(printed["already_above"], false);
        assert_eq!(printed["clamped"], expected.clamped);
    }
);

cli_test!(
    timeleft_already_above_has_no_seconds,
    async |setup: &Setup| {
        let host = import(setup, SATURATED, "cpu", "percent", None).await;
        let args = [
            "timeleft",
            "--host",
            &host,
            "--metric",
            "cpu",
            "--threshold",
            "50",
            "--window",
            "all",
        ];
        let printed = json(&setup.run(&args).await);
        assert_eq!(printed["already_above"], true, "{printed}");
        assert_eq!(printed["never"], false);
        assert!(printed["seconds"].is_null());
    }
);

cli_test!(
    forecast_bad_options_name_option_and_value,
    async |setup: &Setup| {
        let host = import(setup, TREND, "cpu", "percent", None).await;
        for (option, value) in [
            ("--window", "0"),
            ("--window", "3y"),
            ("--horizon", "7x"),
            ("--fit", "cubic"),
            ("--mode", "median"),
            ("--at", "yesterday"),
        ] {
            let mut args = vec![
                "forecast", "--host", &host, "--metric", "cpu", option, value,
            ];
            if option != "--horizon" {
                args.extend(["--horizon", "1d"]);
            }
            let output = setup.run(&args).await;
            assert!(!output.status.success(), "{option} {value}");
            let error = stderr(&output);
            assert!(
                error.contains(&format!("invalid {option}")) && error.contains(value),
                "{option} {value}: {error}"
            );
        }
        let args = [
            "timeleft",
            "--host",
            &host,
            "--metric",
            "memory",
            "--threshold",
            "90",
        ];
        let output = setup.run(&args).await;
        assert!(!output.status.success());
        assert!(stderr(&output).contains("--metric"), "{}", stderr(&output));
    }
);

cli_test!(
    forecast_percent_clamped_to_hundred,
    async |setup: &Setup| {
        let host = import(setup, TREND, "cpu", "percent", None).await;
        let args = [
            "forecast",
            "--host",
            &host,
            "--metric",
            "cpu",
            "--horizon",
            "30d",
            "--window",
            "all",
        ];
        let printed = json(&setup.run(&args).await);
        assert_eq!(printed["clamped"], true, "{printed}");
        assert_eq!(printed["value"], 100.0);
        assert!(printed["unclamped_value"].as_f64().unwrap() > 100.0);
    }
);
