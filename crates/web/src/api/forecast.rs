//! Forecast of one host metric with its prediction band (`GET /hosts/{id}/forecast`): the
//! samples of the window, the model's fitted values, hourly forecast points with lower and
//! upper edges, R² and the threshold crossing. The host card draws its chart from the same
//! report.

use axum::Json;
use axum::extract::{Path, State};
use chrono::{DateTime, Utc};
use domain::infra::band::check_horizon;
use domain::infra::window::parse_duration_seconds;
use domain::infra::{
    BandForecast, BandRequest, Direction, Model, Resource, Sample, Season, Unit, Window,
    band_forecast,
};
use serde::{Deserialize, Serialize};
use store::infra::hosts::Host;
use utoipa::{IntoParams, ToSchema};

use super::hosts::readable_host;
use super::tickets::path_id;
use crate::context::{Auth, Context};
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::pages::note_message;
use crate::query::Query;
use crate::state::AppState;

/// The horizon when none is given.
pub const DEFAULT_HORIZON: &str = "7d";

/// Options of `GET /hosts/{id}/forecast`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ForecastParams {
    /// The metric's name, such as `cpu_utilization`; required.
    pub metric: Option<String>,
    /// `linear` (the default), `polynomial1` … `polynomial6`, `exponential`, `logarithmic`,
    /// `power` or `holt_winters`.
    pub fit: Option<String>,
    /// Holt-Winters season, `daily` or `weekly`. When absent, weekly if the window has two
    /// weeks of hourly data and daily otherwise.
    pub season: Option<String>,
    /// `all`, the last N values (`#100`) or a duration (`30d`, `24h`); `30d` when absent.
    pub window: Option<String>,
    /// How far to forecast, a duration up to `90d`; `7d` when absent.
    pub horizon: Option<String>,
    /// The threshold in the metric's unit. When absent, the default target of a CPU (75)
    /// or disk (85) metric in percent, and no threshold for other metrics.
    pub threshold: Option<String>,
}

/// Returns the trimmed value of an optional parameter, or `None` when it is absent or empty.
fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

impl ForecastParams {
    /// Returns the metric's name, or an error when it is missing.
    pub fn metric(&self) -> Result<&str, domain::Invalid> {
        present(&self.metric).ok_or_else(|| domain::Invalid::missing("metric"))
    }

    /// Checks the options other than the metric, naming the field of the first invalid one.
    pub fn check(&self) -> Result<BandRequest, domain::Invalid> {
        let mut model = Model::parse("fit", present(&self.fit).unwrap_or_default())?;
        if let Some(season) = present(&self.season) {
            let season = Season::parse("season", season)?;
            if let Model::HoltWinters(chosen) = &mut model {
                *chosen = Some(season);
            }
        }
        let horizon = present(&self.horizon).unwrap_or(DEFAULT_HORIZON);
        let horizon_seconds =
            check_horizon("horizon", parse_duration_seconds("horizon", horizon)?)?;
        let threshold = match present(&self.threshold) {
            Some(text) => Some(
                text.parse::<f64>()
                    .ok()
                    .filter(|t| t.is_finite())
                    .ok_or_else(|| {
                        domain::Invalid::new("threshold", "infra-threshold-invalid")
                            .arg("value", text)
                    })?,
            ),
            None => None,
        };
        Ok(BandRequest {
            model,
            window: Window::parse("window", present(&self.window).unwrap_or_default())?,
            horizon_seconds,
            threshold,
            ..BandRequest::default()
        })
    }
}

/// A value at a time.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TimedValue {
    pub time: DateTime<Utc>,
    pub value: f64,
}

impl From<&Sample> for TimedValue {
    fn from(sample: &Sample) -> Self {
        TimedValue {
            time: sample.time,
            value: sample.value,
        }
    }
}

/// A forecast point with its prediction band.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BandValue {
    pub time: DateTime<Utc>,
    pub value: f64,
    pub lower: f64,
    pub upper: f64,
}

/// The forecast's crossing of the threshold within the horizon.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CrossingJson {
    /// Whether the fitted value at the evaluation time is at or above the threshold.
    pub above_now: bool,
    /// `up` (rises to the threshold) or `down` (falls below it); `null` when the forecast
    /// stays on its side until the horizon.
    pub direction: Option<String>,
    /// When the crossing happens; `null` exactly when `direction` is.
    pub time: Option<DateTime<Utc>>,
}

/// A host metric's forecast with its band and the numbers it rests on.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ForecastReport {
    pub host_id: i64,
    pub technical_name: String,
    pub metric: String,
    /// The canonical unit of every value, such as `percent`.
    pub unit: String,
    /// The model used: the requested one, or `linear` when Holt-Winters had fewer than two
    /// seasons of data.
    pub fit: String,
    /// `daily` or `weekly` when Holt-Winters was used.
    pub season: Option<String>,
    /// The window, as `all`, `#N` or a duration.
    pub window: String,
    /// The number of samples in the window.
    pub window_points: usize,
    pub window_start: DateTime<Utc>,
    pub window_end: DateTime<Utc>,
    /// The newest sample's time, which the horizon counts from.
    pub evaluated_at: DateTime<Utc>,
    pub horizon_seconds: i64,
    /// The share of future values the band should contain, assuming normal errors.
    pub coverage: f64,
    /// Coefficient of determination of the fit; `null` when the data is flat.
    pub r2: Option<f64>,
    /// The samples in the window.
    // NOTE: neither this nor `fitted` is downsampled. 30 days of one-minute samples make
    // 43,200 points in each, an estimated 4 MB of JSON, also in the host card's data block.
    pub history: Vec<TimedValue>,
    /// The model's values over the window: the curve at each sample for a trend fit, the
    /// one-step prediction of each hour for Holt-Winters.
    pub fitted: Vec<TimedValue>,
    /// One point per hour after the evaluation time, the last one at the horizon.
    pub forecast: Vec<BandValue>,
    /// The threshold used, in `unit`.
    pub threshold: Option<f64>,
    /// The crossing of `threshold`; `null` without a threshold.
    pub crossing: Option<CrossingJson>,
    /// Whether a percentage (fitted value, forecast or band edge) was clamped to 0–100.
    pub clamped: bool,
    /// The reason Holt-Winters fell back to linear, in the requester's language.
    pub message: Option<String>,
}

/// Forecasts one metric of a host with a prediction band: Holt-Winters or a least-squares
/// trend fit, with the history, the fitted values and the threshold crossing.
#[utoipa::path(get, path = "/api/v1/hosts/{id}/forecast", tag = "inventory",
    params(("id" = i64, Path, description = "Host id"), ForecastParams),
    responses((status = 200, body = ForecastReport), (status = 403), (status = 404),
        (status = 422)))]
pub async fn host_forecast(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Path(id): Path<String>,
    Query(params): Query<ForecastParams>,
) -> AppResult<Json<ForecastReport>> {
    let host = readable_host(&state, &identity, path_id(&id)?).await?;
    let report = forecast_report(&state, context.lang, &host, &params).await?;
    Ok(Json(report))
}

/// Computes the forecast of metric `params.metric` of `host`. Errors: a missing or unknown
/// metric, an invalid option, and the forecast's own errors, each naming its field.
pub async fn forecast_report(
    state: &AppState,
    lang: Lang,
    host: &Host,
    params: &ForecastParams,
) -> AppResult<ForecastReport> {
    let metric = params.metric()?;
    let mut request = params.check()?;
    let series = store::metrics::load_series(&state.db, host.id, metric).await?;
    let Some(series) = series else {
        return Err(
            domain::Invalid::new("metric", "inventory-capacity-metric-unknown")
                .arg("value", metric)
                .into(),
        );
    };

    if request.threshold.is_none() {
        request.threshold = default_threshold(metric, series.unit());
    }
    let forecast = band_forecast(&series, &request)?;
    let message = forecast
        .note
        .as_ref()
        .map(|note| note_message(&state.i18n, lang, note));
    Ok(report_of(host, metric, forecast, message))
}

/// Returns the default threshold: the target utilisation of a CPU or disk metric in percent.
fn default_threshold(metric: &str, unit: Unit) -> Option<f64> {
    if !unit.is_percent() {
        return None;
    }
    Resource::from_metric_name(metric).and_then(Resource::default_target_percent)
}

fn report_of(
    host: &Host,
    metric: &str,
    forecast: BandForecast,
    message: Option<String>,
) -> ForecastReport {
    let crossing = forecast.crossing.map(|crossing| CrossingJson {
        above_now: crossing.above_now,
        direction: crossing.direction.map(|d| {
            match d {
                Direction::Up => "up",
                Direction::Down => "down",
            }
            .to_string()
        }),
        time: crossing.time,
    });
    ForecastReport {
        host_id: host.id,
        technical_name: host.technical_name.clone(),
        metric: metric.to_string(),
        unit: forecast.unit.as_ref().to_string(),
        fit: forecast.fit.to_string(),
        season: forecast.season.map(|s| s.to_string()),
        window: forecast.window.to_string(),
        window_points: forecast.window_points,
        window_start: forecast.window_start,
        window_end: forecast.window_end,
        evaluated_at: forecast.evaluated_at,
        horizon_seconds: forecast.horizon_seconds,
        coverage: forecast.coverage.share(),
        r2: forecast.r2,
        history: forecast.history.iter().map(TimedValue::from).collect(),
        fitted: forecast.fitted.iter().map(TimedValue::from).collect(),
        forecast: forecast
            .points
            .iter()
            .map(|p| BandValue {
                time: p.time,
                value: p.value,
                lower: p.lower,
                upper: p.upper,
            })
            .collect(),
        threshold: forecast.crossing.map(|c| c.threshold),
        crossing,
        clamped: forecast.clamped,
        message,
    }
}
