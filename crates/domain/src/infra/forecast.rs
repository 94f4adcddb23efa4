//! `forecast` and `timeleft` as Zabbix 6.0 computes them, with the edge cases reported in
//! explicit fields instead of Zabbix's sentinel numbers (−1 for an empty window,
//! 999999999999.9999 for "never").
//!
//! Time axis: Zabbix measures t in seconds from the oldest value in the window plus 1 ns, so
//! the oldest value sits at t = 1 ns and ln t is defined; the evaluation time is
//! now = (evaluation second − oldest second) − (oldest nanoseconds + 1) ns.

use chrono::{DateTime, Utc};
use serde::Serialize;
use strum::{AsRefStr, Display, EnumString, IntoStaticStr, VariantArray};

use super::fit::{Curve, Fit};
use super::series::{Sample, Series};
use super::units::Unit;
use super::window::{Window, parse_duration_seconds};
use crate::Invalid;

const NANOSECOND: f64 = 1e-9;

/// The quantity `forecast` returns about the fitted curve over [now, now + horizon].
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    Serialize,
    Display,
    EnumString,
    AsRefStr,
    IntoStaticStr,
    VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Mode {
    /// The value at now + horizon (the default).
    #[default]
    Value,
    /// The maximum over the interval.
    Max,
    /// The minimum over the interval.
    Min,
    /// Maximum minus minimum over the interval.
    Delta,
    /// The mean over the interval.
    Avg,
}
parse_with_allowed!(Mode);

/// The side of the threshold that counts as reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Limit {
    /// A ceiling, such as utilisation reaching 85 % (the default).
    #[default]
    Upper,
    /// A floor, such as free space falling to 10 GiB.
    Lower,
}

/// The direction in which the fitted curve meets the threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Crossing {
    /// From below, reaching an upper limit.
    Rising,
    /// From above, reaching a lower limit.
    Falling,
}

/// The parameters of `forecast(window, horizon, fit, mode)`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ForecastRequest {
    /// The samples to fit.
    pub window: Window,
    /// Seconds after the evaluation time; negative looks back, as Zabbix allows.
    pub horizon_seconds: i64,
    /// The curve to fit.
    pub fit: Fit,
    /// The quantity to return about the curve.
    pub mode: Mode,
    /// The evaluation time; `None` is the newest sample of the series.
    pub evaluated_at: Option<DateTime<Utc>>,
}

impl ForecastRequest {
    /// Parses Zabbix-style parameters: window (`30d`, `#100`, `all`), horizon (`1h`, `-2d`,
    /// `0`), fit and mode, where empty means the default.
    pub fn parse(window: &str, horizon: &str, fit: &str, mode: &str) -> Result<Self, Invalid> {
        let mode = if mode.trim().is_empty() {
            Mode::Value
        } else {
            Mode::parse("mode", mode)?
        };
        Ok(ForecastRequest {
            window: Window::parse("window", window)?,
            horizon_seconds: parse_horizon_seconds("horizon", horizon)?,
            fit: Fit::parse("fit", fit)?,
            mode,
            evaluated_at: None,
        })
    }
}

/// Parses a horizon: `0`, or a duration with an optional leading minus.
pub fn parse_horizon_seconds(field: &str, value: &str) -> Result<i64, Invalid> {
    let trimmed = value.trim();
    if trimmed == "0" {
        return Ok(0);
    }
    match trimmed.strip_prefix('-') {
        Some(magnitude) => parse_duration_seconds(field, magnitude).map(|s| -s),
        None => parse_duration_seconds(field, trimmed),
    }
}

/// The result of `forecast`, with the inputs it was computed from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ForecastResult {
    /// The forecast in `unit`; clamped to 0–100 for percentages.
    pub value: f64,
    /// The forecast before clamping.
    pub unclamped_value: f64,
    /// Whether `value` was clamped to 0–100.
    pub clamped: bool,
    /// The unit of `value`.
    pub unit: Unit,
    /// The mode computed.
    pub mode: Mode,
    /// The fit used; with one value in the window no curve is fitted.
    pub fit: Fit,
    /// The window requested.
    pub window: Window,
    /// How many samples the window held.
    pub window_points: usize,
    /// The oldest sample used.
    pub window_start: DateTime<Utc>,
    /// The newest sample used.
    pub window_end: DateTime<Utc>,
    /// The time the horizon counts from.
    pub evaluated_at: DateTime<Utc>,
    /// The horizon in seconds.
    pub horizon_seconds: i64,
    /// How well the curve follows the window's values; `None` with one value or when all
    /// values are equal.
    pub r2: Option<f64>,
}

/// The parameters of `timeleft(window, threshold, fit)`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TimeleftRequest {
    /// The samples to fit.
    pub window: Window,
    /// The threshold in the series' unit.
    pub threshold: f64,
    /// Whether the threshold is a ceiling (the default) or a floor.
    pub limit: Limit,
    /// The curve to fit.
    pub fit: Fit,
    /// The evaluation time; `None` is the newest sample of the series.
    pub evaluated_at: Option<DateTime<Utc>>,
}

/// The result of `timeleft`. Exactly one of `seconds`, `never`, `already_above` and
/// `already_below` is set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimeleftResult {
    /// Seconds from the evaluation time until the curve reaches the threshold.
    pub seconds: Option<f64>,
    /// The instant the curve reaches the threshold, when it is representable.
    pub reaches_at: Option<DateTime<Utc>>,
    /// How the curve meets the threshold, when it does.
    pub crossing: Option<Crossing>,
    /// The curve does not reach the threshold after the evaluation time: flat, moving away,
    /// or turning back before it.
    pub never: bool,
    /// Upper limit: the fitted value at the evaluation time is already at or above it.
    pub already_above: bool,
    /// Lower limit: the fitted value at the evaluation time is already at or below it.
    pub already_below: bool,
    /// The fitted value at the evaluation time; clamped to 0–100 for percentages.
    pub fitted_now: f64,
    /// Whether `fitted_now` was clamped.
    pub clamped: bool,
    /// The threshold, in `unit`.
    pub threshold: f64,
    /// The side of the threshold that counts as reached.
    pub limit: Limit,
    /// The unit of the threshold and values.
    pub unit: Unit,
    /// The fit used.
    pub fit: Fit,
    /// The window requested.
    pub window: Window,
    /// How many samples the window held.
    pub window_points: usize,
    /// The oldest sample used.
    pub window_start: DateTime<Utc>,
    /// The newest sample used.
    pub window_end: DateTime<Utc>,
    /// The time the answer counts from.
    pub evaluated_at: DateTime<Utc>,
    /// How well the curve follows the window's values; `None` with one value or when all
    /// values are equal.
    pub r2: Option<f64>,
}

/// The samples of a window on the Zabbix time axis, with the curve fitted to them.
#[derive(Debug, Clone)]
pub(crate) struct WindowFit<'a> {
    pub samples: &'a [Sample],
    pub times: Vec<f64>,
    pub values: Vec<f64>,
    pub evaluated_at: DateTime<Utc>,
    /// The evaluation time on the Zabbix time axis.
    pub now: f64,
    /// `None` when the window holds one value.
    pub curve: Option<Curve>,
    pub r2: Option<f64>,
}

impl WindowFit<'_> {
    /// Converts an offset from the evaluation time into seconds on the time axis.
    fn at(&self, seconds_after: f64) -> f64 {
        self.now + seconds_after
    }

    /// Evaluates `curve` at every sample of the window, clamped for percentages, and returns
    /// whether any value was clamped.
    pub fn fitted_samples(&self, curve: &Curve, unit: Unit) -> (Vec<Sample>, bool) {
        let mut clamped = false;
        let samples = self
            .samples
            .iter()
            .zip(&self.times)
            .map(|(sample, t)| {
                let (value, was_clamped) = clamp_for(unit, curve.value(*t));
                clamped |= was_clamped;
                Sample {
                    time: sample.time,
                    value,
                }
            })
            .collect();
        (samples, clamped)
    }
}

/// Selects the window, places it on the Zabbix time axis and fits the curve. Fails with no
/// values, with too few values for a polynomial, and with a value ≤ 0 for the exponential
/// and power fits.
pub(crate) fn fit_window(
    series: &Series,
    window: Window,
    fit: Fit,
    evaluated_at: Option<DateTime<Utc>>,
) -> Result<WindowFit<'_>, Invalid> {
    let newest = series.samples().last().map(|s| s.time);
    let Some(evaluated_at) = evaluated_at.or(newest) else {
        return Err(Invalid::new("window", "infra-forecast-no-values").arg("window", window));
    };
    let samples = window.select(series.samples(), evaluated_at);
    let Some(oldest) = samples.first() else {
        return Err(Invalid::new("window", "infra-forecast-no-values").arg("window", window));
    };

    let times: Vec<f64> = samples
        .iter()
        .map(|s| zabbix_time(oldest.time, s.time))
        .collect();
    let values: Vec<f64> = samples.iter().map(|s| s.value).collect();
    let now = zabbix_now(oldest.time, evaluated_at);
    if samples.len() == 1 {
        return Ok(WindowFit {
            samples,
            times,
            values,
            evaluated_at,
            now,
            curve: None,
            r2: None,
        });
    }

    if samples.len() <= fit.degree() {
        return Err(Invalid::new("window", "infra-forecast-too-few-values")
            .arg("fit", fit)
            .arg("points", samples.len())
            .arg("needed", fit.degree() + 1));
    }
    let curve = Curve::fit(fit, &times, &values)?;
    let r2 = curve.r2(&times, &values);
    Ok(WindowFit {
        samples,
        times,
        values,
        evaluated_at,
        now,
        curve: Some(curve),
        r2,
    })
}

/// Seconds from `oldest` to `time` plus 1 ns, as Zabbix places values on its time axis.
fn zabbix_time(oldest: DateTime<Utc>, time: DateTime<Utc>) -> f64 {
    let seconds = (time.timestamp() - oldest.timestamp()) as f64;
    let nanos =
        i64::from(time.timestamp_subsec_nanos()) - i64::from(oldest.timestamp_subsec_nanos());
    seconds + NANOSECOND * (nanos + 1) as f64
}

/// The evaluation time on the Zabbix time axis. Zabbix reads only the evaluation second and
/// subtracts the oldest value's nanoseconds plus 1 ns.
fn zabbix_now(oldest: DateTime<Utc>, evaluated_at: DateTime<Utc>) -> f64 {
    let seconds = (evaluated_at.timestamp() - oldest.timestamp()) as f64;
    seconds - NANOSECOND * (i64::from(oldest.timestamp_subsec_nanos()) + 1) as f64
}

/// Computes Zabbix's `forecast(window, horizon, fit, mode)` on `series`.
///
/// One value in the window is returned as it is (0 for `delta`). Percentages are clamped to
/// 0–100 with `clamped` set. Errors: no values, too few values for a polynomial, a value ≤ 0
/// for the exponential and power fits, a horizon that reaches before the oldest value for the
/// logarithmic and power fits, and a result that overflows.
pub fn forecast(series: &Series, request: &ForecastRequest) -> Result<ForecastResult, Invalid> {
    let fitted = fit_window(series, request.window, request.fit, request.evaluated_at)?;
    let horizon = request.horizon_seconds as f64;
    let raw = match &fitted.curve {
        None if request.mode == Mode::Delta => 0.0,
        None => fitted.values[0],
        Some(curve) => forecast_curve(curve, &fitted, horizon, request)?,
    };
    if raw.is_nan() || (raw.is_infinite() && !series.unit().is_percent()) {
        return Err(Invalid::new("horizon", "infra-forecast-overflow")
            .arg("fit", request.fit)
            .arg("horizon", request.horizon_seconds));
    }

    let (value, clamped) = clamp_for(series.unit(), raw);
    Ok(ForecastResult {
        value,
        unclamped_value: raw,
        clamped,
        unit: series.unit(),
        mode: request.mode,
        fit: request.fit,
        window: request.window,
        window_points: fitted.samples.len(),
        window_start: fitted.samples[0].time,
        window_end: fitted.samples[fitted.samples.len() - 1].time,
        evaluated_at: fitted.evaluated_at,
        horizon_seconds: request.horizon_seconds,
        r2: fitted.r2,
    })
}

fn forecast_curve(
    curve: &Curve,
    fitted: &WindowFit<'_>,
    horizon: f64,
    request: &ForecastRequest,
) -> Result<f64, Invalid> {
    let (now, end) = (fitted.now, fitted.at(horizon));
    if request.fit.uses_log_time() && end <= 0.0 {
        return Err(
            Invalid::new("horizon", "infra-forecast-horizon-before-window")
                .arg("fit", request.fit)
                .arg("horizon", request.horizon_seconds),
        );
    }
    if request.mode == Mode::Value {
        return Ok(curve.value(end));
    }
    if horizon == 0.0 {
        // Zabbix answers an empty interval with the value at now, and 0 for delta.
        return Ok(if request.mode == Mode::Delta {
            0.0
        } else {
            curve.value(now)
        });
    }
    let (min, max) = curve.extremes(now, end);
    Ok(match request.mode {
        Mode::Value | Mode::Max => max,
        Mode::Min => min,
        Mode::Delta => max - min,
        Mode::Avg => curve.average(now, horizon),
    })
}

/// Computes Zabbix's `timeleft(window, threshold, fit)` on `series`: the seconds until the
/// fitted curve reaches the threshold after the evaluation time.
///
/// A fitted value already at or past the threshold sets `already_above` (or `already_below`
/// for a lower limit) and gives no time; a curve that never gets there sets `never`. One
/// value in the window is compared with the threshold directly. Errors as for [`forecast`],
/// and a percentage threshold outside 0–100.
pub fn timeleft(series: &Series, request: &TimeleftRequest) -> Result<TimeleftResult, Invalid> {
    check_threshold(series.unit(), request.threshold)?;
    let fitted = fit_window(series, request.window, request.fit, request.evaluated_at)?;
    let raw_now = match &fitted.curve {
        None => fitted.values[0],
        Some(curve) => curve.value(fitted.now),
    };
    let (fitted_now, clamped) = clamp_for(series.unit(), raw_now);

    let already = match request.limit {
        Limit::Upper => raw_now >= request.threshold,
        Limit::Lower => raw_now <= request.threshold,
    };
    let reach_time = match (&fitted.curve, already) {
        (Some(curve), false) => {
            curve.first_reach(fitted.now, request.threshold, request.limit == Limit::Upper)
        }
        _ => None,
    };
    let seconds = reach_time.map(|t| t - fitted.now);
    let reaches_at = seconds.and_then(|s| {
        // A crossing beyond chrono's range (about 262,000 years) has no instant, only seconds.
        chrono::Duration::try_milliseconds((s * 1000.0).round() as i64)
            .and_then(|d| fitted.evaluated_at.checked_add_signed(d))
    });
    let crossing = seconds.map(|_| match request.limit {
        Limit::Upper => Crossing::Rising,
        Limit::Lower => Crossing::Falling,
    });

    Ok(TimeleftResult {
        seconds,
        reaches_at,
        crossing,
        never: !already && seconds.is_none(),
        already_above: already && request.limit == Limit::Upper,
        already_below: already && request.limit == Limit::Lower,
        fitted_now,
        clamped,
        threshold: request.threshold,
        limit: request.limit,
        unit: series.unit(),
        fit: request.fit,
        window: request.window,
        window_points: fitted.samples.len(),
        window_start: fitted.samples[0].time,
        window_end: fitted.samples[fitted.samples.len() - 1].time,
        evaluated_at: fitted.evaluated_at,
        r2: fitted.r2,
    })
}

/// Rejects a threshold that is not finite, or outside 0–100 for a percentage.
pub(crate) fn check_threshold(unit: Unit, threshold: f64) -> Result<(), Invalid> {
    if !threshold.is_finite() {
        return Err(Invalid::new("threshold", "infra-threshold-invalid").arg("value", threshold));
    }
    if unit.is_percent() && !(0.0..=100.0).contains(&threshold) {
        return Err(
            Invalid::new("threshold", "infra-threshold-percent-out-of-range")
                .arg("value", threshold),
        );
    }
    Ok(())
}

/// Clamps percentages to 0–100 and says whether it did.
pub(crate) fn clamp_for(unit: Unit, value: f64) -> (f64, bool) {
    if !unit.is_percent() {
        return (value, false);
    }
    let clamped = value.clamp(0.0, 100.0);
    (clamped, clamped != value)
}

#[cfg(test)]
#[path = "forecast_tests.rs"]
mod tests;
