use chrono::TimeZone;

use super::*;

const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 5, 0, 0, 0).unwrap()
}

/// Hourly samples of `value(hour)` for `hours` hours.
fn hourly(unit: Unit, hours: i64, value: impl Fn(i64) -> f64) -> Series {
    let samples = (0..hours)
        .map(|h| Sample {
            time: start() + Duration::hours(h),
            value: value(h),
        })
        .collect();
    Series::new(unit, samples).unwrap()
}

/// Returns a deterministic wobble in [−1, 1], so that fits leave residuals.
fn wobble(hour: i64) -> f64 {
    ((hour * 7919) % 13) as f64 / 6.0 - 1.0
}

/// Returns a daily cycle of ±10 around 50, plus the wobble.
fn daily(hour: i64) -> f64 {
    let phase = 2.0 * std::f64::consts::PI * (hour % 24) as f64 / 24.0;
    50.0 + 10.0 * phase.sin() + wobble(hour)
}

fn request(model: Model, horizon_seconds: i64, threshold: Option<f64>) -> BandRequest {
    BandRequest {
        model,
        window: Window::All,
        horizon_seconds,
        threshold,
        ..BandRequest::default()
    }
}

#[test]
fn model_parses_fits_and_holt_winters() {
    assert_eq!(
        Model::parse("fit", "holt_winters").unwrap(),
        Model::HoltWinters(None)
    );
    assert_eq!(
        Model::parse("fit", "polynomial3").unwrap(),
        Model::Trend(Fit::Polynomial(3))
    );
    assert_eq!(Model::parse("fit", "").unwrap(), Model::Trend(Fit::Linear));
    let error = Model::parse("fit", "cubic").unwrap_err();
    assert_eq!(error.key, "error-not-one-of");
    assert!(error.args.iter().any(|(_, v)| v.contains("holt_winters")));
    let error = Model::parse("fit", "polynomial9").unwrap_err();
    assert_eq!(error.key, "infra-fit-polynomial-degree");
}

#[test]
fn horizon_beyond_maximum_rejected() {
    let series = hourly(Unit::Percent, 48, |h| 10.0 + wobble(h));
    let error = band_forecast(&series, &request(Model::default(), 91 * DAY, None)).unwrap_err();
    assert_eq!(error.field, "horizon");
    assert_eq!(error.key, "infra-forecast-horizon-too-long");
    assert!(band_forecast(&series, &request(Model::default(), 90 * DAY, None)).is_ok());
}

#[test]
fn linear_band_matches_least_squares_interval() {
    let series = hourly(Unit::Count, 48, |h| 100.0 + 2.0 * h as f64 + wobble(h));
    let result = band_forecast(&series, &request(Model::default(), 5 * HOUR, None)).unwrap();

    // The textbook interval ŷ ± z·s·√(1 + 1/n + (t − t̄)²/Sₜₜ), on hours since the start.
    let n = 48.0;
    let times: Vec<f64> = (0..48).map(|h| h as f64).collect();
    let values: Vec<f64> = (0..48)
        .map(|h| 100.0 + 2.0 * h as f64 + wobble(h))
        .collect();
    let mean_t = times.iter().sum::<f64>() / n;
    let mean_v = values.iter().sum::<f64>() / n;
    let spread: f64 = times.iter().map(|t| (t - mean_t).powi(2)).sum();
    let slope: f64 = times
        .iter()
        .zip(&values)
        .map(|(t, v)| (t - mean_t) * (v - mean_v))
        .sum::<f64>()
        / spread;
    let intercept = mean_v - slope * mean_t;
    let sse: f64 = times
        .iter()
        .zip(&values)
        .map(|(t, v)| (v - intercept - slope * t).powi(2))
        .sum();
    let s = (sse / (n - 2.0)).sqrt();

    assert_eq!(result.points.len(), 5);
    for (step, point) in result.points.iter().enumerate() {
        let t = 47.0 + (step + 1) as f64;
        let expected = intercept + slope * t;
        let half =
            Coverage::Percent95.z() * s * (1.0 + 1.0 / n + (t - mean_t).powi(2) / spread).sqrt();
        assert!(
            (point.value - expected).abs() < 1e-6,
            "{point:?} vs {expected}"
        );
        assert!((point.upper - (expected + half)).abs() < 1e-6, "{point:?}");
        assert!((point.lower - (expected - half)).abs() < 1e-6, "{point:?}");
    }
    assert_eq!(result.fitted.len(), 48);
    assert_eq!(result.history.len(), 48);
    assert_eq!(result.fit, Model::Trend(Fit::Linear));
}

#[test]
fn exponential_band_is_wider_above() {
    let series = hourly(Unit::Count, 48, |h| {
        100.0 * (0.01 * h as f64).exp() * (1.0 + 0.01 * wobble(h))
    });
    let result = band_forecast(
        &series,
        &request(Model::Trend(Fit::Exponential), 24 * HOUR, None),
    )
    .unwrap();
    let last = result.points.last().unwrap();
    assert!(
        last.lower < last.value && last.value < last.upper,
        "{last:?}"
    );
    assert!(
        last.upper - last.value > last.value - last.lower,
        "{last:?}"
    );
}

#[test]
fn partial_hour_horizon_ends_at_horizon() {
    let series = hourly(Unit::Count, 48, |h| 10.0 + wobble(h));
    let result = band_forecast(&series, &request(Model::default(), 90 * 60 + 30, None)).unwrap();
    let times: Vec<_> = result.points.iter().map(|p| p.time).collect();
    let last = start() + Duration::hours(47);
    assert_eq!(
        times,
        vec![
            last + Duration::hours(1),
            last + Duration::seconds(90 * 60 + 30)
        ]
    );
}

#[test]
fn trend_too_few_values_for_band() {
    let series = hourly(Unit::Count, 2, |h| h as f64);
    let error = band_forecast(&series, &request(Model::default(), HOUR, None)).unwrap_err();
    assert_eq!(error.key, "infra-forecast-too-few-values");
    assert_eq!(error.field, "window");
}

#[test]
fn rising_percentage_clamped_and_crosses_up() {
    // One point an hour from 50 %: the line reaches 90 % at hour 40 and passes 100 % at 50.
    let series = hourly(Unit::Percent, 30, |h| 50.0 + h as f64 + 0.1 * wobble(h));
    let result = band_forecast(&series, &request(Model::default(), 2 * DAY, Some(90.0))).unwrap();
    assert!(result.clamped);
    assert!(
        result
            .points
            .iter()
            .all(|p| p.upper <= 100.0 && p.value <= 100.0)
    );
    let crossing = result.crossing.unwrap();
    assert!(!crossing.above_now);
    assert_eq!(crossing.direction, Some(Direction::Up));
    let hours = (crossing.time.unwrap() - start()).num_minutes() as f64 / 60.0;
    assert!((hours - 40.0).abs() < 0.2, "{hours}");
}

#[test]
fn falling_series_crosses_down() {
    // Half a point an hour down from 95 %: 85.5 % at hour 19, 85 % at hour 20.
    let series = hourly(Unit::Percent, 20, |h| {
        95.0 - 0.5 * h as f64 + 0.1 * wobble(h)
    });
    let result = band_forecast(&series, &request(Model::default(), 2 * DAY, Some(85.0))).unwrap();
    let crossing = result.crossing.unwrap();
    assert!(crossing.above_now);
    assert_eq!(crossing.direction, Some(Direction::Down));
    let hours = (crossing.time.unwrap() - start()).num_minutes() as f64 / 60.0;
    assert!((hours - 20.0).abs() < 0.5, "{hours}");
}

#[test]
fn crossing_after_horizon_not_reported() {
    let series = hourly(Unit::Percent, 30, |h| 50.0 + h as f64 + 0.1 * wobble(h));
    let result = band_forecast(&series, &request(Model::default(), 5 * HOUR, Some(90.0))).unwrap();
    let crossing = result.crossing.unwrap();
    assert_eq!(crossing.direction, None);
    assert_eq!(crossing.time, None);
}

#[test]
fn holt_winters_auto_picks_weekly_with_two_weeks() {
    let series = hourly(Unit::Percent, 14 * 24, daily);
    let result = band_forecast(&series, &request(Model::HoltWinters(None), DAY, None)).unwrap();
    assert_eq!(result.fit, Model::HoltWinters(Some(Season::Weekly)));
    assert_eq!(result.season, Some(Season::Weekly));
    assert_eq!(result.note, None);
    assert_eq!(result.points.len(), 24);
    assert_eq!(result.fitted.len(), 14 * 24);
    assert!(result.r2.unwrap() > 0.8, "{:?}", result.r2);
}

#[test]
fn holt_winters_auto_picks_daily_with_three_days() {
    let series = hourly(Unit::Percent, 3 * 24, daily);
    let result = band_forecast(&series, &request(Model::HoltWinters(None), DAY, None)).unwrap();
    assert_eq!(result.season, Some(Season::Daily));
    for point in &result.points {
        assert!(
            point.lower <= point.value && point.value <= point.upper,
            "{point:?}"
        );
        assert!(point.lower < point.upper, "{point:?}");
    }
}

#[test]
fn holt_winters_short_series_falls_back_with_note() {
    let series = hourly(Unit::Percent, 30, daily);
    let result = band_forecast(&series, &request(Model::HoltWinters(None), DAY, None)).unwrap();
    assert_eq!(result.fit, Model::Trend(Fit::Linear));
    assert_eq!(result.season, None);
    assert_eq!(result.note.unwrap().key, "infra-holt-winters-fallback");
}

#[test]
fn holt_winters_crossing_follows_daily_cycle() {
    // The cycle peaks at 60 % at 06:00; the last sample is at 23:00, near 47.4 %.
    let series = hourly(Unit::Percent, 3 * 24, |h| daily(h) - wobble(h));
    let result = band_forecast(
        &series,
        &request(Model::HoltWinters(Some(Season::Daily)), DAY, Some(55.0)),
    )
    .unwrap();
    let crossing = result.crossing.unwrap();
    assert!(!crossing.above_now);
    assert_eq!(crossing.direction, Some(Direction::Up));
    // 50 + 10·sin(2π·h/24) = 55 at h = 2 hours after midnight.
    let expected = start() + Duration::days(3) + Duration::hours(2);
    let off = (crossing.time.unwrap() - expected).num_minutes().abs();
    assert!(off <= 15, "{:?}", crossing.time);
}

#[test]
fn holt_winters_rejects_percent_threshold_over_100() {
    let series = hourly(Unit::Percent, 3 * 24, daily);
    let error = band_forecast(
        &series,
        &request(Model::HoltWinters(None), DAY, Some(150.0)),
    )
    .unwrap_err();
    assert_eq!(error.field, "threshold");
}

#[test]
fn exponential_overflow_rejected() {
    // Growing by e^0.5 an hour, the curve passes f64::MAX (about e^709) within 90 days.
    let series = hourly(Unit::Count, 10, |h| 100.0 * (0.5 * h as f64).exp());
    let error = band_forecast(
        &series,
        &request(Model::Trend(Fit::Exponential), 90 * DAY, None),
    )
    .unwrap_err();
    assert_eq!(error.field, "horizon");
    assert_eq!(error.key, "infra-forecast-overflow");
}
