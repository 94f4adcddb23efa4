//! Forecasts with a prediction band over a horizon, for the forecast API and the host card's
//! chart. A result contains the window's samples, the model's values over them, one forecast
//! point per hour with its band, R², and the threshold crossing.
//!
//! A trend fit (`linear`, `polynomialN`, `exponential`, `logarithmic`, `power`) gets the
//! least-squares prediction interval of its linearised fit; Holt-Winters gets its own
//! analytic interval and falls back to linear with a note when the window holds fewer than
//! two seasons (see [`seasonal_forecast`]).

use std::fmt;

use chrono::{DateTime, Duration, Utc};
use serde::{Serialize, Serializer};

use super::Note;
use super::fit::Fit;
use super::forecast::{Limit, TimeleftRequest, check_threshold, clamp_for, fit_window, timeleft};
use super::holt_winters::{
    BandPoint, Coverage, Season, SeasonalForecast, SeasonalMethod, SeasonalRequest,
    seasonal_forecast,
};
use super::series::{Sample, Series};
use super::units::Unit;
use super::window::{Window, format_duration};
use crate::Invalid;

const HOUR_SECONDS: i64 = 3600;
/// The longest horizon: 90 days of hourly points (2,160), which keeps the response under about
/// 200 KB and the Holt-Winters band from growing meaningless.
pub const MAX_HORIZON_SECONDS: i64 = 90 * 24 * HOUR_SECONDS;
/// The API name of the seasonal model.
const HOLT_WINTERS: &str = "holt_winters";

/// The model to forecast with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Model {
    /// A least-squares curve as Zabbix fits it.
    Trend(Fit),
    /// Additive Holt-Winters with this season; `None` picks weekly when the window contains two
    /// weeks of hourly means, and daily otherwise.
    HoltWinters(Option<Season>),
}

impl Default for Model {
    fn default() -> Self {
        Model::Trend(Fit::Linear)
    }
}

impl Model {
    /// Parses `holt_winters` or a Zabbix fit name; an empty value is `linear`. A rejected
    /// value gets an error naming `field` and every accepted name.
    pub fn parse(field: &str, value: &str) -> Result<Model, Invalid> {
        if value.trim() == HOLT_WINTERS {
            return Ok(Model::HoltWinters(None));
        }
        Fit::parse(field, value)
            .map(Model::Trend)
            .map_err(|error| match error.key {
                "infra-fit-polynomial-degree" => error,
                _ => Invalid::not_one_of(field, value, &Model::names()),
            })
    }

    /// Returns every model name the parser accepts.
    pub fn names() -> Vec<&'static str> {
        let mut names = Fit::names();
        names.push(HOLT_WINTERS);
        names
    }
}

impl fmt::Display for Model {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Model::Trend(fit) => fit.fmt(f),
            Model::HoltWinters(_) => f.write_str(HOLT_WINTERS),
        }
    }
}

impl Serialize for Model {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The parameters of a band forecast.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct BandRequest {
    /// The model requested.
    pub model: Model,
    /// The samples to fit.
    pub window: Window,
    /// Seconds after the evaluation time, from 1 to [`MAX_HORIZON_SECONDS`].
    pub horizon_seconds: i64,
    /// The threshold whose crossing to find, in the series' unit.
    pub threshold: Option<f64>,
    /// The band's coverage.
    pub coverage: Coverage,
    /// The evaluation time; `None` is the newest sample.
    pub evaluated_at: Option<DateTime<Utc>>,
}

/// Checks a horizon against [`MAX_HORIZON_SECONDS`].
pub fn check_horizon(field: &str, seconds: i64) -> Result<i64, Invalid> {
    if (1..=MAX_HORIZON_SECONDS).contains(&seconds) {
        return Ok(seconds);
    }
    Err(Invalid::new(field, "infra-forecast-horizon-too-long")
        .arg("value", format_duration(seconds))
        .arg("max", format_duration(MAX_HORIZON_SECONDS)))
}

/// The direction in which the forecast crosses the threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// From below the threshold to at or above it.
    Up,
    /// From at or above the threshold to below it.
    Down,
}

/// The point at which the forecast meets the threshold within the horizon.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ThresholdCrossing {
    /// The threshold, in the series' unit.
    pub threshold: f64,
    /// Whether the model's value at the evaluation time is at or above the threshold.
    pub above_now: bool,
    /// `up` when the forecast rises to the threshold, `down` when it falls below it;
    /// `None` when it stays on its side until the horizon.
    pub direction: Option<Direction>,
    /// When the crossing happens; `None` exactly when `direction` is.
    pub time: Option<DateTime<Utc>>,
}

/// A forecast with its band, the data it rests on and how well the model fits.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BandForecast {
    /// The model used: the one requested, or `linear` when Holt-Winters fell back.
    pub fit: Model,
    /// The season Holt-Winters used; `None` for a trend fit and for the fallback.
    pub season: Option<Season>,
    /// The unit of every value.
    pub unit: Unit,
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
    /// The band's coverage.
    pub coverage: Coverage,
    /// Coefficient of determination of the model on the data; `None` when the data is flat.
    pub r2: Option<f64>,
    /// The samples in the window.
    pub history: Vec<Sample>,
    /// The model's values over the window.
    pub fitted: Vec<Sample>,
    /// One point per forecast hour, the last one at the horizon.
    pub points: Vec<BandPoint>,
    /// The threshold crossing, when a threshold was given.
    pub crossing: Option<ThresholdCrossing>,
    /// Whether any fitted value, forecast value or band edge was clamped to 0–100.
    pub clamped: bool,
    /// The reason Holt-Winters fell back to linear, when it did.
    pub note: Option<Note>,
}

/// Forecasts `series` over the horizon with a prediction band. Errors as for
/// [`crate::infra::forecast()`], including a value or band edge that overflows, and a window
/// with no more values than the fit has coefficients, because such a fit leaves no residuals
/// to size the band with.
pub fn band_forecast(series: &Series, request: &BandRequest) -> Result<BandForecast, Invalid> {
    check_horizon("horizon", request.horizon_seconds)?;
    match request.model {
        Model::Trend(fit) => trend_forecast(series, fit, request),
        Model::HoltWinters(season) => holt_winters_forecast(series, season, request),
    }
}

fn trend_forecast(
    series: &Series,
    fit: Fit,
    request: &BandRequest,
) -> Result<BandForecast, Invalid> {
    let fitted = fit_window(series, request.window, fit, request.evaluated_at)?;
    let too_few = || {
        Invalid::new("window", "infra-forecast-too-few-values")
            .arg("fit", fit)
            .arg("points", fitted.samples.len())
            .arg("needed", fit.degree() + 2)
    };
    let curve = fitted.curve.as_ref().ok_or_else(too_few)?;
    let interval = curve
        .prediction_interval(&fitted.times, &fitted.values)
        .ok_or_else(too_few)?;
    let unit = series.unit();
    let z = request.coverage.z();

    let (fitted_values, mut clamped) = fitted.fitted_samples(curve, unit);
    let points = hourly_offsets(request.horizon_seconds)
        .map(|offset| {
            let t = fitted.now + offset as f64;
            let (lower, upper) = interval.edges(t, z);
            let (value, value_clamped) = clamp_for(unit, curve.value(t));
            let (lower, lower_clamped) = clamp_for(unit, lower);
            let (upper, upper_clamped) = clamp_for(unit, upper);
            clamped |= value_clamped || lower_clamped || upper_clamped;
            BandPoint {
                time: fitted.evaluated_at + Duration::seconds(offset),
                value,
                lower,
                upper,
            }
        })
        .collect::<Vec<BandPoint>>();
    let finite = |p: &BandPoint| p.value.is_finite() && p.lower.is_finite() && p.upper.is_finite();
    if !points.iter().all(finite) {
        return Err(Invalid::new("horizon", "infra-forecast-overflow")
            .arg("fit", fit)
            .arg("horizon", request.horizon_seconds));
    }
    let crossing = match request.threshold {
        Some(threshold) => Some(trend_crossing(series, fit, request, threshold)?),
        None => None,
    };

    Ok(BandForecast {
        fit: Model::Trend(fit),
        season: None,
        unit,
        window: request.window,
        window_points: fitted.samples.len(),
        window_start: fitted.samples[0].time,
        window_end: fitted.samples[fitted.samples.len() - 1].time,
        evaluated_at: fitted.evaluated_at,
        horizon_seconds: request.horizon_seconds,
        coverage: request.coverage,
        r2: fitted.r2,
        history: fitted.samples.to_vec(),
        fitted: fitted_values,
        points,
        crossing,
        clamped,
        note: None,
    })
}

/// Seconds after the evaluation time of each forecast point: every full hour, and the
/// horizon itself.
fn hourly_offsets(horizon_seconds: i64) -> impl Iterator<Item = i64> {
    let steps = (horizon_seconds + HOUR_SECONDS - 1) / HOUR_SECONDS;
    (1..=steps).map(move |step| (step * HOUR_SECONDS).min(horizon_seconds))
}

/// Finds the crossing with `timeleft`: upwards from below, or downwards when the fitted value
/// is already at or above the threshold. A crossing after the horizon is not reported.
fn trend_crossing(
    series: &Series,
    fit: Fit,
    request: &BandRequest,
    threshold: f64,
) -> Result<ThresholdCrossing, Invalid> {
    let timeleft_request = TimeleftRequest {
        window: request.window,
        threshold,
        limit: Limit::Upper,
        fit,
        evaluated_at: request.evaluated_at,
    };
    let upward = timeleft(series, &timeleft_request)?;
    let above_now = upward.already_above;
    let result = if above_now {
        timeleft(
            series,
            &TimeleftRequest {
                limit: Limit::Lower,
                ..timeleft_request
            },
        )?
    } else {
        upward
    };
    let horizon = request.horizon_seconds as f64;
    let time = result
        .seconds
        .filter(|seconds| *seconds <= horizon)
        .and(result.reaches_at);
    Ok(ThresholdCrossing {
        threshold,
        above_now,
        direction: time.map(|_| direction(above_now)),
        time,
    })
}

fn direction(above_now: bool) -> Direction {
    if above_now {
        Direction::Down
    } else {
        Direction::Up
    }
}

fn holt_winters_forecast(
    series: &Series,
    season: Option<Season>,
    request: &BandRequest,
) -> Result<BandForecast, Invalid> {
    if let Some(threshold) = request.threshold {
        check_threshold(series.unit(), threshold)?;
    }
    // The window's samples and evaluation time, selected as for a linear fit.
    let window = fit_window(series, request.window, Fit::Linear, request.evaluated_at)?;
    let horizon_hours = hourly_offsets(request.horizon_seconds).count();
    let seasonal_request = |season| SeasonalRequest {
        season,
        horizon_hours,
        coverage: request.coverage,
        window: request.window,
        evaluated_at: request.evaluated_at,
    };
    let result = match season {
        Some(season) => seasonal_forecast(series, &seasonal_request(season))?,
        None => {
            let weekly = seasonal_forecast(series, &seasonal_request(Season::Weekly))?;
            if weekly.method == SeasonalMethod::HoltWinters {
                weekly
            } else {
                seasonal_forecast(series, &seasonal_request(Season::Daily))?
            }
        }
    };
    let crossing = request
        .threshold
        .map(|threshold| seasonal_crossing(&result, threshold));
    let holt_winters = result.method == SeasonalMethod::HoltWinters;

    Ok(BandForecast {
        fit: if holt_winters {
            Model::HoltWinters(Some(result.season))
        } else {
            Model::Trend(Fit::Linear)
        },
        season: holt_winters.then_some(result.season),
        unit: result.unit,
        window: request.window,
        window_points: window.samples.len(),
        window_start: window.samples[0].time,
        window_end: window.samples[window.samples.len() - 1].time,
        evaluated_at: window.evaluated_at,
        horizon_seconds: request.horizon_seconds,
        coverage: request.coverage,
        r2: result.r2,
        history: window.samples.to_vec(),
        fitted: result.fitted,
        points: result.points,
        crossing,
        clamped: result.clamped,
        note: result.note,
    })
}

/// Finds the first forecast hour on the other side of the threshold from the last fitted
/// value, and interpolates linearly between it and the value before it.
fn seasonal_crossing(result: &SeasonalForecast, threshold: f64) -> ThresholdCrossing {
    let Some(last) = result.fitted.last() else {
        return ThresholdCrossing {
            threshold,
            above_now: false,
            direction: None,
            time: None,
        };
    };
    let above_now = last.value >= threshold;
    let mut previous = *last;
    let mut time = None;
    for point in &result.points {
        if (point.value >= threshold) != above_now {
            let share = (threshold - previous.value) / (point.value - previous.value);
            let span = (point.time - previous.time).num_milliseconds() as f64;
            let offset = (share.clamp(0.0, 1.0) * span).round() as i64;
            time = Some(previous.time + Duration::milliseconds(offset));
            break;
        }
        previous = Sample {
            time: point.time,
            value: point.value,
        };
    }
    ThresholdCrossing {
        threshold,
        above_now,
        direction: time.map(|_| direction(above_now)),
        time,
    }
}

#[cfg(test)]
#[path = "band_tests.rs"]
mod tests;
