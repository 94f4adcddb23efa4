use chrono::TimeZone;

use super::*;

const HOUR: i64 = 3600;

fn at(seconds: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_700_000_000 + seconds, 0).unwrap()
}

fn series(unit: Unit, points: &[(i64, f64)]) -> Series {
    let samples = points
        .iter()
        .map(|(seconds, value)| Sample {
            time: at(*seconds),
            value: *value,
        })
        .collect();
    Series::new(unit, samples).unwrap()
}

/// Hourly samples of `f(hour)` for `hours` hours.
fn hourly(unit: Unit, hours: i64, f: impl Fn(f64) -> f64) -> Series {
    let points: Vec<(i64, f64)> = (0..hours).map(|h| (h * HOUR, f(h as f64))).collect();
    series(unit, &points)
}

fn forecast_request(fit: Fit, mode: Mode, horizon_seconds: i64) -> ForecastRequest {
    ForecastRequest {
        window: Window::All,
        horizon_seconds,
        fit,
        mode,
        evaluated_at: None,
    }
}

fn timeleft_request(fit: Fit, threshold: f64) -> TimeleftRequest {
    TimeleftRequest {
        window: Window::All,
        threshold,
        limit: Limit::Upper,
        fit,
        evaluated_at: None,
    }
}

fn close(actual: f64, expected: f64, relative: f64) -> bool {
    (actual - expected).abs() <= relative * expected.abs().max(1e-300)
}

#[test]
fn forecast_empty_series_is_error() {
    let empty = Series::new(Unit::Percent, Vec::new()).unwrap();
    let error = forecast(&empty, &ForecastRequest::default()).unwrap_err();
    assert_eq!(error.key, "infra-forecast-no-values");
}

#[test]
fn forecast_empty_window_is_error() {
    let data = series(Unit::Count, &[(0, 1.0), (HOUR, 2.0)]);
    let request = ForecastRequest {
        evaluated_at: Some(at(-HOUR)),
        ..ForecastRequest::default()
    };
    let error = forecast(&data, &request).unwrap_err();
    assert_eq!(error.key, "infra-forecast-no-values");
}

#[test]
fn forecast_one_value_returns_it() {
    let data = series(Unit::Count, &[(0, 7.0)]);
    let result = forecast(&data, &forecast_request(Fit::Linear, Mode::Value, HOUR)).unwrap();
    assert_eq!(result.value, 7.0);
    assert_eq!(result.window_points, 1);
    assert_eq!(result.r2, None);
}

#[test]
fn forecast_one_value_delta_is_zero() {
    let data = series(Unit::Count, &[(0, 7.0)]);
    let result = forecast(&data, &forecast_request(Fit::Linear, Mode::Delta, HOUR)).unwrap();
    assert_eq!(result.value, 0.0);
}

#[test]
fn forecast_linear_extends_line() {
    let data = hourly(Unit::Count, 10, |h| 5.0 + 2.0 * h);
    let result = forecast(&data, &forecast_request(Fit::Linear, Mode::Value, 5 * HOUR)).unwrap();
    assert!(
        close(result.value, 5.0 + 2.0 * 14.0, 1e-9),
        "{}",
        result.value
    );
    assert!(close(result.r2.unwrap(), 1.0, 1e-12));
}

#[test]
fn forecast_linear_avg_is_midpoint() {
    let data = hourly(Unit::Count, 10, |h| 5.0 + 2.0 * h);
    let result = forecast(&data, &forecast_request(Fit::Linear, Mode::Avg, 4 * HOUR)).unwrap();
    assert!(
        close(result.value, 5.0 + 2.0 * 11.0, 1e-9),
        "{}",
        result.value
    );
}

#[test]
fn forecast_zero_horizon_avg_is_value_now() {
    let data = hourly(Unit::Count, 10, |h| 5.0 + 2.0 * h);
    let result = forecast(&data, &forecast_request(Fit::Linear, Mode::Avg, 0)).unwrap();
    assert!(close(result.value, 23.0, 1e-9), "{}", result.value);
}

#[test]
fn forecast_polynomial_max_finds_interior_peak() {
    // Peak of 100 − (h − 12)² at hour 12, between now (hour 9) and hour 15.
    let data = hourly(Unit::Count, 10, |h| 100.0 - (h - 12.0).powi(2));
    let request = forecast_request(Fit::Polynomial(2), Mode::Max, 6 * HOUR);
    let result = forecast(&data, &request).unwrap();
    assert!(close(result.value, 100.0, 1e-9), "{}", result.value);
}

#[test]
fn forecast_polynomial_min_and_delta_over_interval() {
    let data = hourly(Unit::Count, 10, |h| 100.0 - (h - 12.0).powi(2));
    let min = forecast(
        &data,
        &forecast_request(Fit::Polynomial(2), Mode::Min, 6 * HOUR),
    )
    .unwrap();
    let delta = forecast(
        &data,
        &forecast_request(Fit::Polynomial(2), Mode::Delta, 6 * HOUR),
    )
    .unwrap();
    // At hour 9 the value is 91 and at hour 15 also 91; the peak is 100.
    assert!(close(min.value, 91.0, 1e-9), "{}", min.value);
    assert!(close(delta.value, 9.0, 1e-9), "{}", delta.value);
}

#[test]
fn forecast_polynomial_needs_degree_plus_one_values() {
    let data = hourly(Unit::Count, 3, |h| h);
    let error = forecast(&data, &forecast_request(Fit::Polynomial(3), Mode::Value, 0)).unwrap_err();
    assert_eq!(error.key, "infra-forecast-too-few-values");
}

#[test]
fn forecast_exponential_with_zero_is_error() {
    let data = hourly(Unit::Count, 5, |h| h);
    let error = forecast(&data, &forecast_request(Fit::Exponential, Mode::Value, 0)).unwrap_err();
    assert_eq!(error.key, "infra-forecast-nonpositive-value");
}

#[test]
fn forecast_power_with_negative_is_error() {
    let data = hourly(Unit::Celsius, 5, |h| h - 2.0);
    let error = forecast(&data, &forecast_request(Fit::Power, Mode::Value, 0)).unwrap_err();
    assert_eq!(error.key, "infra-forecast-nonpositive-value");
}

#[test]
fn forecast_percent_above_hundred_clamped() {
    let data = hourly(Unit::Percent, 10, |h| 50.0 + 5.0 * h);
    let result = forecast(
        &data,
        &forecast_request(Fit::Linear, Mode::Value, 24 * HOUR),
    )
    .unwrap();
    assert_eq!(result.value, 100.0);
    assert!(result.clamped);
    assert!(result.unclamped_value > 100.0);
}

#[test]
fn forecast_percent_below_zero_clamped() {
    let data = hourly(Unit::Percent, 10, |h| 50.0 - 5.0 * h);
    let result = forecast(
        &data,
        &forecast_request(Fit::Linear, Mode::Value, 24 * HOUR),
    )
    .unwrap();
    assert_eq!(result.value, 0.0);
    assert!(result.clamped);
}

#[test]
fn forecast_count_not_clamped() {
    let data = hourly(Unit::Count, 10, |h| 50.0 + 5.0 * h);
    let result = forecast(
        &data,
        &forecast_request(Fit::Linear, Mode::Value, 24 * HOUR),
    )
    .unwrap();
    assert!(!result.clamped);
}

#[test]
fn forecast_default_window_is_thirty_days() {
    let mut points: Vec<(i64, f64)> = vec![(0, 1000.0)];
    points.extend((0..10).map(|h| (40 * 24 * HOUR + h * HOUR, 1.0)));
    let data = series(Unit::Count, &points);
    let result = forecast(&data, &ForecastRequest::default()).unwrap();
    assert_eq!(result.window_points, 10);
}

#[test]
fn forecast_request_parses_zabbix_defaults() {
    let request = ForecastRequest::parse("", "1h", "", "").unwrap();
    assert_eq!(request.window, Window::default());
    assert_eq!(request.fit, Fit::Linear);
    assert_eq!(request.mode, Mode::Value);
}

#[test]
fn forecast_request_unknown_mode_names_allowed() {
    let error = ForecastRequest::parse("7d", "1h", "linear", "median").unwrap_err();
    assert!(error.args.iter().any(|(_, v)| v.contains("delta")));
}

#[test]
fn horizon_parses_negative_and_zero() {
    assert_eq!(parse_horizon_seconds("horizon", "-2h"), Ok(-2 * HOUR));
    assert_eq!(parse_horizon_seconds("horizon", "0"), Ok(0));
}

#[test]
fn logarithmic_horizon_before_window_is_error() {
    let data = hourly(Unit::Count, 5, |h| 1.0 + h);
    let request = forecast_request(Fit::Logarithmic, Mode::Value, -10 * HOUR);
    let error = forecast(&data, &request).unwrap_err();
    assert_eq!(error.key, "infra-forecast-horizon-before-window");
}

#[test]
fn zabbix_time_puts_oldest_at_one_nanosecond() {
    assert_eq!(zabbix_time(at(0), at(0)), 1e-9);
}

#[test]
fn zabbix_now_subtracts_one_nanosecond() {
    assert_eq!(zabbix_now(at(0), at(10)), 10.0 - 1e-9);
}

#[test]
fn linear_far_from_epoch_recovers_line() {
    // t ≈ 1.8e9 s (the year 2027): squaring raw Unix seconds would lose every digit.
    let start = Utc.timestamp_opt(1_800_000_000, 0).unwrap();
    let (intercept, slope) = (42.0, 3.0e-5);
    let samples: Vec<Sample> = (0..2016)
        .map(|i| Sample {
            time: start + chrono::Duration::seconds(300 * i),
            value: intercept + slope * (300 * i) as f64,
        })
        .collect();
    let data = Series::new(Unit::Count, samples).unwrap();
    let fitted = fit_window(&data, Window::All, Fit::Linear, None).unwrap();
    let coefficients = fitted.curve.unwrap().coefficients();
    // The axis starts 1 ns after the oldest value, so the intercept at t = 0 is shifted by it.
    let expected_intercept = intercept - slope * 1e-9;
    assert!(close(coefficients[1], slope, 1e-9), "{}", coefficients[1]);
    assert!(
        close(coefficients[0], expected_intercept, 1e-9),
        "{}",
        coefficients[0]
    );
}

#[test]
fn timeleft_linear_reaches_threshold() {
    let data = hourly(Unit::Percent, 10, |h| 10.0 + h);
    let result = timeleft(&data, &timeleft_request(Fit::Linear, 50.0)).unwrap();
    // The line is at 19 at hour 9 and reaches 50 at hour 40.
    assert!(close(result.seconds.unwrap(), 31.0 * 3600.0, 1e-9));
    assert_eq!(result.crossing, Some(Crossing::Rising));
    assert!(!result.never);
}

#[test]
fn timeleft_reaches_at_is_evaluation_plus_seconds() {
    let data = hourly(Unit::Percent, 10, |h| 10.0 + h);
    let result = timeleft(&data, &timeleft_request(Fit::Linear, 50.0)).unwrap();
    assert_eq!(result.reaches_at, Some(at(40 * HOUR)));
}

#[test]
fn timeleft_already_above_has_no_time() {
    let data = hourly(Unit::Percent, 10, |h| 60.0 + h);
    let result = timeleft(&data, &timeleft_request(Fit::Linear, 50.0)).unwrap();
    assert!(result.already_above);
    assert_eq!(result.seconds, None);
    assert!(!result.never);
}

#[test]
fn timeleft_exactly_at_threshold_is_already_above() {
    let data = hourly(Unit::Count, 10, |_| 50.0);
    let result = timeleft(&data, &timeleft_request(Fit::Linear, 50.0)).unwrap();
    assert!(result.already_above);
}

#[test]
fn timeleft_falling_is_never() {
    let data = hourly(Unit::Percent, 10, |h| 40.0 - h);
    let result = timeleft(&data, &timeleft_request(Fit::Linear, 50.0)).unwrap();
    assert!(result.never);
    assert_eq!(result.seconds, None);
    assert_eq!(result.crossing, None);
}

#[test]
fn timeleft_flat_is_never() {
    let data = hourly(Unit::Percent, 10, |_| 40.0);
    let result = timeleft(&data, &timeleft_request(Fit::Linear, 50.0)).unwrap();
    assert!(result.never);
}

#[test]
fn timeleft_one_value_below_is_never() {
    let data = series(Unit::Percent, &[(0, 40.0)]);
    let result = timeleft(&data, &timeleft_request(Fit::Linear, 50.0)).unwrap();
    assert!(result.never);
}

#[test]
fn timeleft_one_value_above_is_already_above() {
    let data = series(Unit::Percent, &[(0, 60.0)]);
    let result = timeleft(&data, &timeleft_request(Fit::Linear, 50.0)).unwrap();
    assert!(result.already_above);
}

#[test]
fn timeleft_empty_series_is_error() {
    let empty = Series::new(Unit::Percent, Vec::new()).unwrap();
    let error = timeleft(&empty, &timeleft_request(Fit::Linear, 50.0)).unwrap_err();
    assert_eq!(error.key, "infra-forecast-no-values");
}

#[test]
fn timeleft_exponential_with_zero_is_error() {
    let data = hourly(Unit::Count, 5, |h| h);
    let error = timeleft(&data, &timeleft_request(Fit::Exponential, 50.0)).unwrap_err();
    assert_eq!(error.key, "infra-forecast-nonpositive-value");
}

#[test]
fn timeleft_percent_threshold_over_hundred_is_error() {
    let data = hourly(Unit::Percent, 5, |h| h);
    let error = timeleft(&data, &timeleft_request(Fit::Linear, 120.0)).unwrap_err();
    assert_eq!(error.key, "infra-threshold-percent-out-of-range");
}

#[test]
fn timeleft_fitted_now_above_hundred_clamped() {
    // The line through 90, 96, 100 is at 100.33 at the last hour.
    let data = series(Unit::Percent, &[(0, 90.0), (HOUR, 96.0), (2 * HOUR, 100.0)]);
    let result = timeleft(&data, &timeleft_request(Fit::Linear, 100.0)).unwrap();
    assert!(result.already_above);
    assert!(result.clamped);
    assert_eq!(result.fitted_now, 100.0);
}

#[test]
fn timeleft_polynomial_after_dip() {
    // (h − 12)² + 10 falls until hour 12 and reaches 35 again at hour 17.
    let data = hourly(Unit::Count, 10, |h| (h - 12.0).powi(2) + 10.0);
    let result = timeleft(&data, &timeleft_request(Fit::Polynomial(2), 35.0)).unwrap();
    assert!(
        close(result.seconds.unwrap(), 8.0 * 3600.0, 1e-9),
        "{:?}",
        result.seconds
    );
}

#[test]
fn timeleft_polynomial_turning_back_is_never() {
    // 30 − (h − 12)² peaks at 30 at hour 12, below the threshold 35.
    let data = hourly(Unit::Count, 10, |h| 30.0 - (h - 12.0).powi(2));
    let result = timeleft(&data, &timeleft_request(Fit::Polynomial(2), 35.0)).unwrap();
    assert!(result.never);
}

#[test]
fn timeleft_lower_limit_falls() {
    let data = hourly(Unit::Bytes, 10, |h| 1000.0 - 10.0 * h);
    let request = TimeleftRequest {
        limit: Limit::Lower,
        ..timeleft_request(Fit::Linear, 500.0)
    };
    let result = timeleft(&data, &request).unwrap();
    assert!(close(result.seconds.unwrap(), 41.0 * 3600.0, 1e-9));
    assert_eq!(result.crossing, Some(Crossing::Falling));
}

#[test]
fn timeleft_lower_limit_already_below() {
    let data = hourly(Unit::Bytes, 10, |h| 400.0 - h);
    let request = TimeleftRequest {
        limit: Limit::Lower,
        ..timeleft_request(Fit::Linear, 500.0)
    };
    let result = timeleft(&data, &request).unwrap();
    assert!(result.already_below);
    assert!(!result.already_above);
}

#[test]
fn timeleft_exponential_grows_to_threshold() {
    let data = hourly(Unit::Count, 10, |h| 2.0 * (0.1 * h).exp());
    let result = timeleft(&data, &timeleft_request(Fit::Exponential, 40.0)).unwrap();
    // 2·e^(0.1·h) = 40 at h = 10·ln 20; now is hour 9.
    let expected = (10.0 * 20.0_f64.ln() - 9.0) * 3600.0;
    assert!(
        close(result.seconds.unwrap(), expected, 1e-6),
        "{:?}",
        result.seconds
    );
}
