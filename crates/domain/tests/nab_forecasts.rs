//! Forecasts on real server metrics (NAB, MIT licence) against reference numbers that
//! `docs/forecast-reference.py` computed with numpy; they must agree to 1e-6 relative.
//! The series' quirks are checked too: gaps, daylight-saving duplicates and °F.

#![allow(
    clippy::unwrap_used,
    reason = "a panic in a test helper is the failure report"
)]

use chrono::{NaiveDate, NaiveDateTime};
use domain::infra::series::{ImportSettings, Prepared, SeriesKind, parse_csv, prepare};
use domain::infra::{
    Action, CapacityPolicy, Fit, ForecastRequest, ImportUnit, Mode, Resource, Scope, Season,
    SeasonalMethod, SeasonalRequest, Series, TimeleftRequest, Window, advise, forecast,
    seasonal_forecast, timeleft,
};

const METRICS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/metrics/");
const DAY: i64 = 86_400;
const RELATIVE: f64 = 1e-6;

// Printed by `python3 docs/forecast-reference.py` (numpy 2.4.6).
const CPU_AC20CD_7D_POINTS: usize = 2013;
const CPU_AC20CD_7D_LINEAR_VALUE_1D: f64 = 92.47990428565188;
const CPU_AC20CD_7D_LINEAR_R2: f64 = 0.5152507599677465;
const CPU_AC20CD_7D_LINEAR_TIMELEFT_95: f64 = 108987.96247607272;
const CPU_AC20CD_7D_LINEAR_UNCLAMPED_7D: f64 = 150.31679947714787;
const CPU_AC20CD_ALL_POLY2_VALUE_NOW: f64 = 87.09495157517028;
const CPU_AC20CD_ALL_POLY2_TIMELEFT_95: f64 = 47844.15196623746;
const CPU_AC20CD_3D_POWER_TIMELEFT_75: f64 = 53494.70666633226;
const RDS_ALL_POINTS: usize = 4032;
const RDS_ALL_LINEAR_VALUE_7D: f64 = 31.558575643454652;
const RDS_ALL_LINEAR_TIMELEFT_75: f64 = 4766828.331034045;
const RDS_ALL_POLY2_VALUE_7D: f64 = 20.71893088270307;
const RDS_ALL_POLY2_R2: f64 = 0.4476352517188348;
const RDS_ALL_POLY3_AVG_3D: f64 = 5.366139843639706;
const RDS_ALL_POLY3_MAX_3D: f64 = 16.90425883110724;
const RDS_ALL_POLY6_TIMELEFT_30: f64 = 110441.5626139841;
const RDS_ALL_EXPONENTIAL_VALUE_7D: f64 = 34.90093685338192;
const RDS_ALL_EXPONENTIAL_TIMELEFT_75: f64 = 2028974.132570791;
const RDS_ALL_LOGARITHMIC_TIMELEFT_30: f64 = 36000448.497172944;
const RDS_3D_POINTS: usize = 864;
const RDS_3D_POLY4_TIMELEFT_50: f64 = 93400.86244252074;
const TEMPERATURE_ALL_POINTS: usize = 7267;
const TEMPERATURE_ALL_LOGARITHMIC_VALUE_30D: f64 = 21.705311857152225;
const TEMPERATURE_ALL_POWER_VALUE_30D: f64 = 21.53664452505374;
const TEMPERATURE_ALL_POWER_R2: f64 = -0.0019857882098872626;
const NETWORK_1D_POINTS: usize = 288;
const NETWORK_1D_LINEAR_VALUE_6H: f64 = 803.3927446230359;

fn load(file: &str, unit: ImportUnit, period_seconds: Option<f64>) -> Prepared {
    let path = format!("{METRICS}{file}");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let parsed = parse_csv(&text);
    assert!(parsed.rejected.is_empty(), "{file}: {:?}", parsed.rejected);
    let settings = ImportSettings {
        kind: SeriesKind::Gauge,
        unit,
        period_seconds,
    };
    prepare(parsed.samples, settings).unwrap()
}

fn cpu_ac20cd() -> Series {
    load("ec2_cpu_utilization_ac20cd.csv", ImportUnit::Percent, None).series
}

fn rds() -> Series {
    load("rds_cpu_utilization_e47b3b.csv", ImportUnit::Percent, None).series
}

fn temperature() -> Prepared {
    load(
        "ambient_temperature_system_failure.csv",
        ImportUnit::Fahrenheit,
        None,
    )
}

fn value(series: &Series, window: Window, fit: Fit, mode: Mode, horizon_seconds: i64) -> f64 {
    let request = ForecastRequest {
        window,
        horizon_seconds,
        fit,
        mode,
        evaluated_at: None,
    };
    forecast(series, &request).unwrap().unclamped_value
}

fn seconds_left(series: &Series, window: Window, fit: Fit, threshold: f64) -> Option<f64> {
    let request = TimeleftRequest {
        window,
        threshold,
        fit,
        ..TimeleftRequest::default()
    };
    timeleft(series, &request).unwrap().seconds
}

fn assert_close(actual: f64, expected: f64) {
    let error = (actual - expected).abs() / expected.abs();
    assert!(
        error <= RELATIVE,
        "{actual} vs {expected}: relative error {error:e}"
    );
}

fn at(text: &str) -> chrono::DateTime<chrono::Utc> {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
        .unwrap()
        .and_utc()
}

#[test]
fn cpu_ac20cd_linear_7d_window_points() {
    let request = ForecastRequest {
        window: Window::Seconds(7 * DAY),
        ..ForecastRequest::default()
    };
    let result = forecast(&cpu_ac20cd(), &request).unwrap();
    assert_eq!(result.window_points, CPU_AC20CD_7D_POINTS);
}

#[test]
fn cpu_ac20cd_linear_value_matches_numpy() {
    let actual = value(
        &cpu_ac20cd(),
        Window::Seconds(7 * DAY),
        Fit::Linear,
        Mode::Value,
        DAY,
    );
    assert_close(actual, CPU_AC20CD_7D_LINEAR_VALUE_1D);
}

#[test]
fn cpu_ac20cd_linear_r2_matches_numpy() {
    let request = ForecastRequest {
        window: Window::Seconds(7 * DAY),
        ..ForecastRequest::default()
    };
    let result = forecast(&cpu_ac20cd(), &request).unwrap();
    assert_close(result.r2.unwrap(), CPU_AC20CD_7D_LINEAR_R2);
}

#[test]
fn cpu_ac20cd_linear_timeleft_matches_numpy() {
    let actual = seconds_left(&cpu_ac20cd(), Window::Seconds(7 * DAY), Fit::Linear, 95.0);
    assert_close(actual.unwrap(), CPU_AC20CD_7D_LINEAR_TIMELEFT_95);
}

#[test]
fn cpu_ac20cd_week_ahead_clamped_at_hundred() {
    let request = ForecastRequest {
        window: Window::Seconds(7 * DAY),
        horizon_seconds: 7 * DAY,
        ..ForecastRequest::default()
    };
    let result = forecast(&cpu_ac20cd(), &request).unwrap();
    assert_eq!(result.value, 100.0);
    assert!(result.clamped);
    assert_close(result.unclamped_value, CPU_AC20CD_7D_LINEAR_UNCLAMPED_7D);
}

#[test]
fn cpu_ac20cd_polynomial2_matches_numpy() {
    let series = cpu_ac20cd();
    let now = value(&series, Window::All, Fit::Polynomial(2), Mode::Value, 0);
    let left = seconds_left(&series, Window::All, Fit::Polynomial(2), 95.0);
    assert_close(now, CPU_AC20CD_ALL_POLY2_VALUE_NOW);
    assert_close(left.unwrap(), CPU_AC20CD_ALL_POLY2_TIMELEFT_95);
}

#[test]
fn cpu_ac20cd_power_timeleft_matches_numpy() {
    let actual = seconds_left(&cpu_ac20cd(), Window::Seconds(3 * DAY), Fit::Power, 75.0);
    assert_close(actual.unwrap(), CPU_AC20CD_3D_POWER_TIMELEFT_75);
}

#[test]
fn cpu_ac20cd_gaps_reported() {
    let prepared = load("ec2_cpu_utilization_ac20cd.csv", ImportUnit::Percent, None);
    let lengths: Vec<f64> = prepared.gaps.iter().map(|gap| gap.seconds).collect();
    assert_eq!(lengths, vec![900.0, 1200.0]);
}

#[test]
fn rds_window_points() {
    let result = forecast(&rds(), &ForecastRequest::default()).unwrap();
    assert_eq!(result.window_points, RDS_ALL_POINTS);
}

#[test]
fn rds_linear_matches_numpy() {
    let series = rds();
    let week = value(&series, Window::All, Fit::Linear, Mode::Value, 7 * DAY);
    let left = seconds_left(&series, Window::All, Fit::Linear, 75.0);
    assert_close(week, RDS_ALL_LINEAR_VALUE_7D);
    assert_close(left.unwrap(), RDS_ALL_LINEAR_TIMELEFT_75);
}

#[test]
fn rds_polynomial2_matches_numpy() {
    let series = rds();
    let week = value(
        &series,
        Window::All,
        Fit::Polynomial(2),
        Mode::Value,
        7 * DAY,
    );
    let request = ForecastRequest {
        window: Window::All,
        fit: Fit::Polynomial(2),
        ..ForecastRequest::default()
    };
    let r2 = forecast(&series, &request).unwrap().r2.unwrap();
    assert_close(week, RDS_ALL_POLY2_VALUE_7D);
    assert_close(r2, RDS_ALL_POLY2_R2);
}

#[test]
fn rds_polynomial3_avg_and_max_match_numpy() {
    let series = rds();
    let avg = value(&series, Window::All, Fit::Polynomial(3), Mode::Avg, 3 * DAY);
    let max = value(&series, Window::All, Fit::Polynomial(3), Mode::Max, 3 * DAY);
    assert_close(avg, RDS_ALL_POLY3_AVG_3D);
    assert_close(max, RDS_ALL_POLY3_MAX_3D);
}

#[test]
fn rds_polynomial6_timeleft_matches_numpy() {
    let actual = seconds_left(&rds(), Window::All, Fit::Polynomial(6), 30.0);
    assert_close(actual.unwrap(), RDS_ALL_POLY6_TIMELEFT_30);
}

#[test]
fn rds_polynomial4_three_days_matches_numpy() {
    let actual = seconds_left(&rds(), Window::Seconds(3 * DAY), Fit::Polynomial(4), 50.0);
    assert_close(actual.unwrap(), RDS_3D_POLY4_TIMELEFT_50);
}

#[test]
fn rds_three_day_window_points() {
    let request = ForecastRequest {
        window: Window::Seconds(3 * DAY),
        ..ForecastRequest::default()
    };
    let result = forecast(&rds(), &request).unwrap();
    assert_eq!(result.window_points, RDS_3D_POINTS);
}

#[test]
fn rds_exponential_matches_numpy() {
    let series = rds();
    let week = value(&series, Window::All, Fit::Exponential, Mode::Value, 7 * DAY);
    let left = seconds_left(&series, Window::All, Fit::Exponential, 75.0);
    assert_close(week, RDS_ALL_EXPONENTIAL_VALUE_7D);
    assert_close(left.unwrap(), RDS_ALL_EXPONENTIAL_TIMELEFT_75);
}

#[test]
fn rds_logarithmic_timeleft_matches_numpy() {
    let actual = seconds_left(&rds(), Window::All, Fit::Logarithmic, 30.0);
    assert_close(actual.unwrap(), RDS_ALL_LOGARITHMIC_TIMELEFT_30);
}

#[test]
fn temperature_fahrenheit_converted() {
    let prepared = temperature();
    let first = prepared.series.samples()[0].value;
    assert_close(first, (69.880_835_14 - 32.0) * 5.0 / 9.0);
}

#[test]
fn temperature_largest_gap_is_seven_days() {
    let prepared = temperature();
    let largest = prepared
        .gaps
        .iter()
        .max_by(|a, b| a.seconds.total_cmp(&b.seconds))
        .unwrap();
    assert_eq!(largest.after, at("2014-04-03 09:00:00"));
    assert_eq!(largest.before, at("2014-04-10 15:00:00"));
}

#[test]
fn temperature_gaps_not_filled() {
    let prepared = temperature();
    assert_eq!(prepared.series.samples().len(), TEMPERATURE_ALL_POINTS);
}

#[test]
fn temperature_logarithmic_and_power_match_numpy() {
    let series = temperature().series;
    let logarithmic = value(
        &series,
        Window::All,
        Fit::Logarithmic,
        Mode::Value,
        30 * DAY,
    );
    let power = value(&series, Window::All, Fit::Power, Mode::Value, 30 * DAY);
    assert_close(logarithmic, TEMPERATURE_ALL_LOGARITHMIC_VALUE_30D);
    assert_close(power, TEMPERATURE_ALL_POWER_VALUE_30D);
}

#[test]
fn temperature_power_r2_matches_numpy() {
    let request = ForecastRequest {
        window: Window::All,
        fit: Fit::Power,
        ..ForecastRequest::default()
    };
    let result = forecast(&temperature().series, &request).unwrap();
    assert_close(result.r2.unwrap(), TEMPERATURE_ALL_POWER_R2);
}

#[test]
fn temperature_weekly_holt_winters_counts_missing_hours() {
    let request = SeasonalRequest {
        season: Season::Weekly,
        horizon_hours: 168,
        coverage: Default::default(),
        window: Window::All,
        evaluated_at: None,
    };
    let result = seasonal_forecast(&temperature().series, &request).unwrap();
    assert_eq!(result.method, SeasonalMethod::HoltWinters);
    assert!(result.missing_hours >= 174, "{}", result.missing_hours);
}

#[test]
fn network_per_period_becomes_rate() {
    let prepared = load(
        "ec2_network_in_257a54.csv",
        ImportUnit::BytesPerPeriod,
        Some(300.0),
    );
    let first = prepared.series.samples()[0].value;
    assert_close(first, 251_643.0 / 300.0);
}

#[test]
fn network_linear_matches_numpy() {
    let prepared = load(
        "ec2_network_in_257a54.csv",
        ImportUnit::BytesPerPeriod,
        Some(300.0),
    );
    let request = ForecastRequest {
        window: Window::Seconds(DAY),
        horizon_seconds: 6 * 3600,
        ..ForecastRequest::default()
    };
    let result = forecast(&prepared.series, &request).unwrap();
    assert_eq!(result.window_points, NETWORK_1D_POINTS);
    assert_close(result.value, NETWORK_1D_LINEAR_VALUE_6H);
}

#[test]
fn disk_write_dst_duplicates_keep_last() {
    let prepared = load(
        "ec2_disk_write_bytes_1ef3de.csv",
        ImportUnit::BytesPerPeriod,
        Some(300.0),
    );
    assert_eq!(prepared.duplicates.len(), 1);
    assert_eq!(prepared.duplicates[0].time, at("2014-03-09 03:00:00"));
    assert_eq!(prepared.duplicates[0].dropped.len(), 11);
}

#[test]
fn disk_write_dst_jump_is_gap() {
    let prepared = load(
        "ec2_disk_write_bytes_1ef3de.csv",
        ImportUnit::BytesPerPeriod,
        Some(300.0),
    );
    let jump = prepared
        .gaps
        .iter()
        .find(|gap| gap.after == at("2014-03-09 01:59:00"));
    assert_eq!(jump.map(|gap| gap.seconds), Some(3660.0));
}

#[test]
fn disk_write_rows_all_kept() {
    let prepared = load(
        "ec2_disk_write_bytes_1ef3de.csv",
        ImportUnit::BytesPerPeriod,
        Some(300.0),
    );
    // 4730 rows less the 11 repeated timestamps.
    assert_eq!(prepared.series.samples().len(), 4730 - 11);
}

#[test]
fn disk_write_zeros_reject_exponential() {
    let prepared = load(
        "ec2_disk_write_bytes_1ef3de.csv",
        ImportUnit::BytesPerPeriod,
        Some(300.0),
    );
    let request = ForecastRequest {
        window: Window::All,
        fit: Fit::Exponential,
        ..ForecastRequest::default()
    };
    let error = forecast(&prepared.series, &request).unwrap_err();
    assert_eq!(error.key, "infra-forecast-nonpositive-value");
}

#[test]
fn cpu_825cc2_falling_never_reaches_hundred() {
    let series = load("ec2_cpu_utilization_825cc2.csv", ImportUnit::Percent, None).series;
    let request = TimeleftRequest {
        window: Window::All,
        threshold: 100.0,
        ..TimeleftRequest::default()
    };
    let result = timeleft(&series, &request).unwrap();
    assert!(result.never);
}

#[test]
fn rds_daily_holt_winters_band_ordered() {
    let request = SeasonalRequest {
        season: Season::Daily,
        horizon_hours: 24,
        coverage: Default::default(),
        window: Window::All,
        evaluated_at: None,
    };
    let result = seasonal_forecast(&rds(), &request).unwrap();
    assert_eq!(result.method, SeasonalMethod::HoltWinters);
    assert!(
        result
            .points
            .iter()
            .all(|p| p.lower <= p.value && p.value <= p.upper)
    );
}

#[test]
fn cpu_ac20cd_advice_moves_load_to_cloud() {
    let policy = CapacityPolicy::for_resource(Resource::Cpu).unwrap();
    let advice = advise(&cpu_ac20cd(), Resource::Cpu, Scope::Host, &policy).unwrap();
    assert!(
        matches!(advice.action, Action::MoveToCloud { .. }),
        "{:?}",
        advice.action
    );
}

#[test]
fn rds_advice_days_counted() {
    let policy = CapacityPolicy::for_resource(Resource::Cpu).unwrap();
    let advice = advise(&rds(), Resource::Cpu, Scope::Cluster { nodes: 3 }, &policy).unwrap();
    let first = NaiveDate::from_ymd_opt(2014, 4, 10).unwrap();
    let last = NaiveDate::from_ymd_opt(2014, 4, 23).unwrap();
    assert_eq!(advice.days as i64, (last - first).num_days() + 1);
}
