use chrono::TimeZone;

use super::*;

const DAY_HOURS: i64 = 24;

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 5, 0, 0, 0).unwrap()
}

/// A daily cycle of ±10 around a level rising 0.05 per hour.
fn truth(hour: i64) -> f64 {
    let phase = 2.0 * std::f64::consts::PI * (hour % DAY_HOURS) as f64 / DAY_HOURS as f64;
    40.0 + 0.05 * hour as f64 + 10.0 * phase.sin()
}

fn hourly_series(hours: i64, skip: impl Fn(i64) -> bool) -> Series {
    let samples = (0..hours)
        .filter(|h| !skip(*h))
        .map(|h| Sample {
            time: start() + Duration::hours(h),
            value: truth(h),
        })
        .collect();
    Series::new(Unit::Percent, samples).unwrap()
}

fn request(horizon_hours: usize) -> SeasonalRequest {
    SeasonalRequest {
        season: Season::Daily,
        horizon_hours,
        coverage: Coverage::Percent95,
        window: Window::All,
        evaluated_at: None,
    }
}

#[test]
fn holt_winters_used_with_two_seasons() {
    let result =
        seasonal_forecast(&hourly_series(14 * DAY_HOURS, |_| false), &request(24)).unwrap();
    assert_eq!(result.method, SeasonalMethod::HoltWinters);
    assert_eq!(result.note, None);
}

#[test]
fn holt_winters_follows_daily_cycle() {
    let hours = 14 * DAY_HOURS;
    let result = seasonal_forecast(&hourly_series(hours, |_| false), &request(24)).unwrap();
    for (step, point) in result.points.iter().enumerate() {
        let expected = truth(hours + step as i64);
        assert!(
            (point.value - expected).abs() < 0.5,
            "step {step}: {} vs {expected}",
            point.value
        );
    }
}

#[test]
fn holt_winters_first_point_is_next_hour() {
    let hours = 14 * DAY_HOURS;
    let result = seasonal_forecast(&hourly_series(hours, |_| false), &request(2)).unwrap();
    assert_eq!(result.points[0].time, start() + Duration::hours(hours));
}

#[test]
fn holt_winters_band_widens() {
    let noisy: Vec<Sample> = (0..14 * DAY_HOURS)
        .map(|h| Sample {
            time: start() + Duration::hours(h),
            value: truth(h) + if h % 2 == 0 { 1.5 } else { -1.5 },
        })
        .collect();
    let series = Series::new(Unit::Percent, noisy).unwrap();
    let result = seasonal_forecast(&series, &request(48)).unwrap();
    let first = &result.points[0];
    let last = &result.points[47];
    assert!(first.lower < first.value);
    assert!(first.value < first.upper);
    assert!(last.upper - last.lower > first.upper - first.lower);
}

#[test]
fn holt_winters_counts_missing_hours() {
    let series = hourly_series(14 * DAY_HOURS, |h| (100..106).contains(&h));
    let result = seasonal_forecast(&series, &request(24)).unwrap();
    assert_eq!(result.missing_hours, 6);
    assert_eq!(result.method, SeasonalMethod::HoltWinters);
}

#[test]
fn short_data_falls_back_to_linear() {
    let result = seasonal_forecast(&hourly_series(30, |_| false), &request(5)).unwrap();
    assert_eq!(result.method, SeasonalMethod::Linear);
    assert_eq!(result.note.unwrap().key, "infra-holt-winters-fallback");
}

#[test]
fn weekly_season_needs_two_weeks() {
    let mut weekly = request(5);
    weekly.season = Season::Weekly;
    let result = seasonal_forecast(&hourly_series(13 * DAY_HOURS, |_| false), &weekly).unwrap();
    assert_eq!(result.method, SeasonalMethod::Linear);
}

#[test]
fn linear_fallback_band_contains_value() {
    let result = seasonal_forecast(&hourly_series(30, |_| false), &request(5)).unwrap();
    let point = result.points[4];
    assert!(point.lower < point.value);
    assert!(point.value < point.upper);
}

#[test]
fn fallback_with_two_values_is_error() {
    let error = seasonal_forecast(&hourly_series(2, |_| false), &request(5)).unwrap_err();
    assert_eq!(error.key, "infra-forecast-too-few-values");
}

#[test]
fn percent_band_clamped() {
    let samples: Vec<Sample> = (0..14 * DAY_HOURS)
        .map(|h| Sample {
            time: start() + Duration::hours(h),
            value: (truth(h) + 55.0).min(100.0),
        })
        .collect();
    let series = Series::new(Unit::Percent, samples).unwrap();
    let result = seasonal_forecast(&series, &request(48)).unwrap();
    assert!(result.clamped);
    assert!(result.points.iter().all(|p| p.upper <= 100.0));
}
