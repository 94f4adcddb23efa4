//! Seasonal forecasts: additive Holt-Winters on hourly means with a daily (24 h) or weekly
//! (168 h) season, with a prediction band. With fewer than two full seasons of data the
//! forecast falls back to a linear fit with its least-squares prediction band and a note.
//!
//! Method (Hyndman & Athanasopoulos, "Forecasting: Principles and Practice", 2nd ed., 7.3
//! and 7.7): level ℓ, trend b and seasonal s are updated with the one-step error e as
//! ℓ += b + α·e, b += α·β·e, s += γ·e. α, β, γ minimise the mean squared one-step error (a
//! grid search refined by halving steps). The h-step variance is
//! σ²·(1 + Σⱼ₌₁ʰ⁻¹ (α·(1 + β·j) + γ·[j mod m = 0])²), σ² the mean squared one-step error.

use chrono::{DateTime, Duration, DurationRound, Utc};
use serde::Serialize;
use strum::{AsRefStr, Display, EnumString, IntoStaticStr, VariantArray};

use super::Note;
use super::fit::Fit;
use super::forecast::{clamp_for, fit_window};
use super::series::{Sample, Series, seconds_between};
use super::units::Unit;
use super::window::Window;
use crate::Invalid;

const HOUR_SECONDS: f64 = 3600.0;
/// Coarse grid for α and γ, and for β; the best point is then refined.
const GRID: [f64; 9] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
const TREND_GRID: [f64; 5] = [0.0, 0.01, 0.05, 0.1, 0.2];
/// Refinement starts at this step and halves this many times.
const REFINE_START: f64 = 0.05;
const REFINE_ROUNDS: usize = 5;
/// Moves allowed at one step size before it is halved anyway.
const REFINE_MOVES: usize = 20;

/// The season length.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Display,
    EnumString,
    AsRefStr,
    IntoStaticStr,
    VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Season {
    /// 24 hourly steps.
    Daily,
    /// 168 hourly steps.
    Weekly,
}
parse_with_allowed!(Season);

impl Season {
    /// Hourly steps in one season.
    pub fn hours(self) -> usize {
        match self {
            Season::Daily => 24,
            Season::Weekly => 168,
        }
    }
}

/// The share of future values a band should hold, assuming normal errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Coverage {
    /// 80 %: ±1.2816 σ.
    Percent80,
    /// 95 %: ±1.96 σ (the default).
    #[default]
    Percent95,
}

impl Coverage {
    /// Returns the share of future values the band should contain, such as 0.95.
    pub fn share(self) -> f64 {
        match self {
            Coverage::Percent80 => 0.8,
            Coverage::Percent95 => 0.95,
        }
    }

    /// Returns the normal quantile the band's half-width is multiplied by.
    pub fn z(self) -> f64 {
        match self {
            Coverage::Percent80 => 1.281_551_565_545,
            Coverage::Percent95 => 1.959_963_984_540,
        }
    }
}

/// The parameters of a seasonal forecast.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SeasonalRequest {
    /// The season to model.
    pub season: Season,
    /// Hourly steps to forecast.
    pub horizon_hours: usize,
    /// The band's coverage.
    pub coverage: Coverage,
    /// The samples to use.
    pub window: Window,
    /// The evaluation time; `None` is the newest sample.
    pub evaluated_at: Option<DateTime<Utc>>,
}

/// The method that produced the forecast.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SeasonalMethod {
    /// Additive Holt-Winters on hourly means.
    HoltWinters,
    /// A linear fit, because the data held fewer than two seasons.
    Linear,
}

/// One forecast step with its band.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BandPoint {
    /// The start of the forecast hour.
    pub time: DateTime<Utc>,
    /// The point forecast.
    pub value: f64,
    /// The band's lower edge.
    pub lower: f64,
    /// The band's upper edge.
    pub upper: f64,
}

/// The smoothing parameters Holt-Winters chose.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Smoothing {
    /// Level weight.
    pub alpha: f64,
    /// Trend weight (applied to the level change).
    pub beta: f64,
    /// Seasonal weight.
    pub gamma: f64,
}

/// A seasonal forecast with its band and what it rests on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeasonalForecast {
    /// Holt-Winters, or linear as the fallback.
    pub method: SeasonalMethod,
    /// The season requested.
    pub season: Season,
    /// The unit of every value.
    pub unit: Unit,
    /// One point per forecast hour.
    pub points: Vec<BandPoint>,
    /// Holt-Winters' parameters; `None` for the linear fallback.
    pub smoothing: Option<Smoothing>,
    /// Standard deviation of one-step errors (Holt-Winters) or of residuals (linear).
    pub sigma: f64,
    /// The model's values over the window: one-step predictions at each hour start
    /// (Holt-Winters) or the fitted line at each sample (linear).
    pub fitted: Vec<Sample>,
    /// R² of `fitted` against the hourly means (Holt-Winters) or the samples (linear);
    /// `None` when all of them are equal.
    pub r2: Option<f64>,
    /// Samples in the window.
    pub window_points: usize,
    /// Hours from the first to the last hourly mean.
    pub hours: usize,
    /// Hours without samples; Holt-Winters carries its own forecast through them.
    pub missing_hours: usize,
    /// Whether any value or band edge was clamped to 0–100.
    pub clamped: bool,
    /// Why the fallback was taken, when it was.
    pub note: Option<Note>,
}

/// Forecasts with additive Holt-Winters when the window holds at least two full seasons of
/// hourly means, and with a linear fit and a note otherwise.
pub fn seasonal_forecast(
    series: &Series,
    request: &SeasonalRequest,
) -> Result<SeasonalForecast, Invalid> {
    let fitted = fit_window(series, request.window, Fit::Linear, request.evaluated_at)?;
    let hourly = HourlyMeans::from_samples(fitted.samples);
    let season = request.season.hours();
    let available = hourly.values.iter().flatten().count();

    let Some(model) = HoltWinters::fit(&hourly.values, season) else {
        let note = Note::new("infra-holt-winters-fallback")
            .arg("season", request.season)
            .arg("needed", 2 * season)
            .arg("hours", available);
        return linear_fallback(series, request, note);
    };

    let mut clamped = false;
    let fitted_values = model
        .predictions
        .iter()
        .enumerate()
        .map(|(hour, value)| {
            let (value, was_clamped) = clamp_for(series.unit(), *value);
            clamped |= was_clamped;
            Sample {
                time: hourly.start + Duration::hours(hour as i64),
                value,
            }
        })
        .collect();
    let r2 = r_squared(&hourly.values, &model.predictions);
    let z = request.coverage.z();
    let last_hour = hourly.start + Duration::hours(hourly.values.len() as i64 - 1);
    let points = (1..=request.horizon_hours)
        .map(|step| {
            let value = model.predict(step);
            let half = z * model.standard_error(step);
            let point = band_point(
                series.unit(),
                last_hour + Duration::hours(step as i64),
                value,
                half,
            );
            clamped |= point.1;
            point.0
        })
        .collect();

    Ok(SeasonalForecast {
        method: SeasonalMethod::HoltWinters,
        season: request.season,
        unit: series.unit(),
        points,
        smoothing: Some(model.smoothing),
        sigma: model.mse.sqrt(),
        fitted: fitted_values,
        r2,
        window_points: fitted.samples.len(),
        hours: hourly.values.len(),
        missing_hours: hourly.values.len() - available,
        clamped,
        note: None,
    })
}

/// Computes 1 − SSE/SST of `predictions` on the hours that have a value; `None` when those
/// values are all equal.
fn r_squared(values: &[Option<f64>], predictions: &[f64]) -> Option<f64> {
    let present: Vec<(f64, f64)> = values
        .iter()
        .zip(predictions)
        .filter_map(|(value, predicted)| value.map(|v| (v, *predicted)))
        .collect();
    let mean = present.iter().map(|(v, _)| v).sum::<f64>() / present.len().max(1) as f64;
    let total: f64 = present.iter().map(|(v, _)| (v - mean).powi(2)).sum();
    if total == 0.0 {
        return None;
    }
    let residual: f64 = present.iter().map(|(v, p)| (v - p).powi(2)).sum();
    Some(1.0 - residual / total)
}

fn band_point(unit: Unit, time: DateTime<Utc>, value: f64, half: f64) -> (BandPoint, bool) {
    let (value, a) = clamp_for(unit, value);
    let (lower, b) = clamp_for(unit, value - half);
    let (upper, c) = clamp_for(unit, value + half);
    let point = BandPoint {
        time,
        value,
        lower,
        upper,
    };
    (point, a || b || c)
}

/// The linear fit's forecast with the ordinary least-squares prediction band
/// ŷ ± z·s·√(1 + 1/n + (t − t̄)²/Sₜₜ), s² = SSE/(n − 2).
fn linear_fallback(
    series: &Series,
    request: &SeasonalRequest,
    note: Note,
) -> Result<SeasonalForecast, Invalid> {
    let fitted = fit_window(series, request.window, Fit::Linear, request.evaluated_at)?;
    let count = fitted.times.len();
    let curve = match &fitted.curve {
        Some(curve) if count >= 3 => curve,
        _ => {
            return Err(Invalid::new("window", "infra-forecast-too-few-values")
                .arg("fit", Fit::Linear)
                .arg("points", count)
                .arg("needed", 3));
        }
    };

    let n = count as f64;
    let mean_t = fitted.times.iter().sum::<f64>() / n;
    let spread: f64 = fitted.times.iter().map(|t| (t - mean_t).powi(2)).sum();
    let sse: f64 = fitted
        .times
        .iter()
        .zip(&fitted.values)
        .map(|(t, v)| (v - curve.value(*t)).powi(2))
        .sum();
    let sigma = (sse / (n - 2.0)).sqrt();

    let (fitted_values, mut clamped) = fitted.fitted_samples(curve, series.unit());
    let points = (1..=request.horizon_hours)
        .map(|step| {
            let t = fitted.now + step as f64 * HOUR_SECONDS;
            let standard_error = sigma * (1.0 + 1.0 / n + (t - mean_t).powi(2) / spread).sqrt();
            let time = fitted.evaluated_at + Duration::hours(step as i64);
            let half = request.coverage.z() * standard_error;
            let point = band_point(series.unit(), time, curve.value(t), half);
            clamped |= point.1;
            point.0
        })
        .collect();

    Ok(SeasonalForecast {
        method: SeasonalMethod::Linear,
        season: request.season,
        unit: series.unit(),
        points,
        smoothing: None,
        sigma,
        fitted: fitted_values,
        r2: fitted.r2,
        window_points: count,
        hours: 0,
        missing_hours: 0,
        clamped,
        note: Some(note),
    })
}

/// Means of the samples in each clock hour, from the first sample's hour to the last's;
/// `None` for an hour without samples.
struct HourlyMeans {
    start: DateTime<Utc>,
    values: Vec<Option<f64>>,
}

impl HourlyMeans {
    fn from_samples(samples: &[Sample]) -> HourlyMeans {
        let Some(first) = samples.first() else {
            return HourlyMeans {
                start: DateTime::<Utc>::MIN_UTC,
                values: Vec::new(),
            };
        };
        let start = first
            .time
            .duration_trunc(Duration::hours(1))
            .unwrap_or(first.time);
        let mut sums: Vec<(f64, u32)> = Vec::new();
        for sample in samples {
            let index = (seconds_between(start, sample.time) / HOUR_SECONDS) as usize;
            if sums.len() <= index {
                sums.resize(index + 1, (0.0, 0));
            }
            sums[index].0 += sample.value;
            sums[index].1 += 1;
        }
        let values = sums
            .into_iter()
            .map(|(sum, count)| (count > 0).then(|| sum / f64::from(count)))
            .collect();
        HourlyMeans { start, values }
    }
}

/// A fitted additive Holt-Winters model at the end of its data.
struct HoltWinters {
    smoothing: Smoothing,
    level: f64,
    trend: f64,
    /// Seasonal terms indexed by hour position modulo the season.
    seasonal: Vec<f64>,
    /// Hours the model has run through.
    length: usize,
    /// Mean squared one-step error.
    mse: f64,
    /// The one-step prediction of every hour of the data, missing hours included.
    predictions: Vec<f64>,
}

/// The starting state, estimated from the first two seasons.
#[derive(Clone)]
struct State {
    level: f64,
    trend: f64,
    seasonal: Vec<f64>,
}

impl HoltWinters {
    /// Fits the model, or returns `None` when the data holds fewer than two seasons of
    /// hourly means or either of the first two seasons is empty.
    fn fit(values: &[Option<f64>], season: usize) -> Option<HoltWinters> {
        let available = values.iter().flatten().count();
        if values.len() < 2 * season || available < 2 * season {
            return None;
        }
        let start = initial_state(values, season)?;
        let smoothing = optimise(|s| run(values, &start, s, None).1);
        let mut predictions = Vec::with_capacity(values.len());
        let (state, mse) = run(values, &start, smoothing, Some(&mut predictions));
        Some(HoltWinters {
            smoothing,
            level: state.level,
            trend: state.trend,
            seasonal: state.seasonal,
            length: values.len(),
            mse,
            predictions,
        })
    }

    fn predict(&self, step: usize) -> f64 {
        let position = (self.length + step - 1) % self.seasonal.len();
        self.level + step as f64 * self.trend + self.seasonal[position]
    }

    fn standard_error(&self, step: usize) -> f64 {
        let Smoothing { alpha, beta, gamma } = self.smoothing;
        let season = self.seasonal.len();
        let sum: f64 = (1..step)
            .map(|j| {
                let seasonal = if j % season == 0 { gamma } else { 0.0 };
                (alpha * (1.0 + beta * j as f64) + seasonal).powi(2)
            })
            .sum();
        (self.mse * (1.0 + sum)).sqrt()
    }
}

/// Level and trend from the means of the first two seasons, and seasonal terms as the
/// first season's deviations from that line (the second season's where an hour is missing),
/// centred to sum to zero.
fn initial_state(values: &[Option<f64>], season: usize) -> Option<State> {
    let mean = |range: &[Option<f64>]| {
        let present: Vec<f64> = range.iter().flatten().copied().collect();
        (!present.is_empty()).then(|| present.iter().sum::<f64>() / present.len() as f64)
    };
    let first = mean(&values[..season])?;
    let second = mean(&values[season..2 * season])?;
    let trend = (second - first) / season as f64;
    let middle = (season as f64 - 1.0) / 2.0;

    let mut seasonal: Vec<f64> = (0..season)
        .map(|i| {
            let offset = trend * (i as f64 - middle);
            match (values[i], values[i + season]) {
                (Some(y), _) => y - (first + offset),
                (None, Some(y)) => y - (second + offset),
                (None, None) => 0.0,
            }
        })
        .collect();
    let seasonal_mean = seasonal.iter().sum::<f64>() / season as f64;
    seasonal.iter_mut().for_each(|s| *s -= seasonal_mean);

    Some(State {
        level: first - trend * (middle + 1.0),
        trend,
        seasonal,
    })
}

/// Runs the recursions over the data and returns the final state and the mean squared
/// one-step error, and pushes each hour's one-step prediction to `predictions` when given. A
/// missing hour takes the model's own forecast, so it adds no error and changes no seasonal
/// term.
fn run(
    values: &[Option<f64>],
    start: &State,
    smoothing: Smoothing,
    mut predictions: Option<&mut Vec<f64>>,
) -> (State, f64) {
    let Smoothing { alpha, beta, gamma } = smoothing;
    let mut state = start.clone();
    let season = state.seasonal.len();
    let (mut sse, mut count) = (0.0, 0usize);
    for (t, value) in values.iter().enumerate() {
        let position = t % season;
        let predicted = state.level + state.trend + state.seasonal[position];
        if let Some(predictions) = predictions.as_deref_mut() {
            predictions.push(predicted);
        }
        let error = value.map_or(0.0, |y| y - predicted);
        if value.is_some() {
            sse += error * error;
            count += 1;
        }
        state.level += state.trend + alpha * error;
        state.trend += alpha * beta * error;
        state.seasonal[position] += gamma * error;
    }
    (state, sse / count.max(1) as f64)
}

/// Minimises `cost` over α, γ ∈ [0.001, 0.999] and β ∈ [0, 0.999]: the best point of a
/// coarse grid, then a pattern search that halves its step each round.
fn optimise(cost: impl Fn(Smoothing) -> f64) -> Smoothing {
    let mut best = Smoothing {
        alpha: 0.5,
        beta: 0.0,
        gamma: 0.5,
    };
    let mut best_cost = f64::INFINITY;
    for alpha in GRID {
        for beta in TREND_GRID {
            for gamma in GRID {
                let candidate = Smoothing { alpha, beta, gamma };
                let value = cost(candidate);
                if value < best_cost {
                    (best, best_cost) = (candidate, value);
                }
            }
        }
    }

    let mut step = REFINE_START;
    for _ in 0..REFINE_ROUNDS {
        for _ in 0..REFINE_MOVES {
            let before = best_cost;
            for candidate in neighbours(best, step) {
                let value = cost(candidate);
                if value < best_cost {
                    (best, best_cost) = (candidate, value);
                }
            }
            if best_cost >= before {
                break;
            }
        }
        step /= 2.0;
    }
    best
}

fn neighbours(centre: Smoothing, step: f64) -> Vec<Smoothing> {
    let weight = |v: f64| v.clamp(0.001, 0.999);
    let mut result = Vec::with_capacity(6);
    for delta in [-step, step] {
        result.push(Smoothing {
            alpha: weight(centre.alpha + delta),
            ..centre
        });
        result.push(Smoothing {
            beta: (centre.beta + delta).clamp(0.0, 0.999),
            ..centre
        });
        result.push(Smoothing {
            gamma: weight(centre.gamma + delta),
            ..centre
        });
    }
    result
}

#[cfg(test)]
#[path = "holt_winters_tests.rs"]
mod tests;
