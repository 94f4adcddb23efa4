//! The forecast section of the host card: a GET form that chooses the metric, fit, season,
//! window, horizon and threshold, the chart's data as a JSON block that `static/forecast.js`
//! draws, and the numbers the forecast rests on.

use axum::http::StatusCode;
use domain::infra::{Model, Season, Unit};
use store::infra::hosts::{self, Host};

use crate::api::forecast::{DEFAULT_HORIZON, ForecastParams, ForecastReport, forecast_report};
use crate::error::{AppError, AppResult};
use crate::pages::{Choice, Page, problem_message};
use crate::state::AppState;

/// The window the form shows when none is chosen.
const DEFAULT_WINDOW: &str = "30d";

/// The forecast section as the card shows it.
pub struct ForecastSection {
    /// The host's metrics. When there are none, the section shows a note instead of a form.
    pub metrics: Vec<Choice>,
    pub fits: Vec<Choice>,
    pub seasons: Vec<Choice>,
    pub window: String,
    pub horizon: String,
    pub threshold: String,
    /// The forecast, unless the options were invalid.
    pub figures: Option<ForecastFigures>,
    /// The reason there is no forecast, in the user's language.
    pub error: Option<String>,
}

/// The numbers beside the chart, worded for the page, and the chart's data.
pub struct ForecastFigures {
    /// (label, value) rows.
    pub rows: Vec<(String, String)>,
    pub clamped: bool,
    /// The reason Holt-Winters fell back to linear, when it did.
    pub message: Option<String>,
    /// The report as JSON that is safe inside a `<script>` element.
    pub data: String,
}

/// Builds the forecast section of `host`'s card for the options in `params`. An invalid
/// option or metric gives a section with the error message instead of a failed page.
pub async fn forecast_section(
    state: &AppState,
    page: &Page,
    host: &Host,
    mut params: ForecastParams,
) -> AppResult<ForecastSection> {
    let metrics = hosts::metrics_of(&state.db, host.id).await?;
    if params.metric.as_deref().is_none_or(|m| m.trim().is_empty()) {
        let preferred = metrics
            .iter()
            .find(|m| m.unit == Unit::Percent.as_ref())
            .or(metrics.first());
        params.metric = preferred.map(|m| m.metric.clone());
    }
    let chosen = |value: &Option<String>| value.as_deref().unwrap_or_default().trim().to_string();
    let metric = chosen(&params.metric);
    let fit = chosen(&params.fit);
    let season = chosen(&params.season);
    let mut section = ForecastSection {
        metrics: metrics
            .iter()
            .map(|m| Choice::new(&m.metric, &m.metric, m.metric == metric))
            .collect(),
        fits: Model::names()
            .into_iter()
            .map(|name| Choice::new(name, fit_label(page, name), name == fit))
            .collect(),
        seasons: season_choices(page, &season),
        window: non_empty(chosen(&params.window), DEFAULT_WINDOW),
        horizon: non_empty(chosen(&params.horizon), DEFAULT_HORIZON),
        threshold: chosen(&params.threshold),
        figures: None,
        error: None,
    };
    if metrics.is_empty() {
        return Ok(section);
    }

    match forecast_report(state, page.lang, host, &params).await {
        Ok(report) => section.figures = Some(figures(page, &report)?),
        Err(AppError::Problem(problem)) if problem.status == StatusCode::UNPROCESSABLE_ENTITY => {
            section.error = Some(problem_message(&state.i18n, page.lang, &problem));
        }
        Err(error) => return Err(error),
    }
    Ok(section)
}

fn non_empty(value: String, default: &str) -> String {
    if value.is_empty() {
        default.to_string()
    } else {
        value
    }
}

/// Labels a fit by its Zabbix name, which support staff know, and Holt-Winters in words.
fn fit_label(page: &Page, name: &str) -> String {
    if name == Model::HoltWinters(None).to_string() {
        page.t("inventory-forecast-fit-holt_winters")
    } else {
        name.to_string()
    }
}

fn season_choices(page: &Page, selected: &str) -> Vec<Choice> {
    let mut choices = vec![Choice::new(
        "",
        page.t("inventory-forecast-season-auto"),
        selected.is_empty(),
    )];
    choices.extend(page.choices("inventory-forecast-season", &Season::names(), &[selected]));
    choices
}

fn figures(page: &Page, report: &ForecastReport) -> AppResult<ForecastFigures> {
    let fit = match &report.season {
        Some(season) => format!(
            "{} ({})",
            fit_label(page, &report.fit),
            page.label("inventory-forecast-season", season)
        ),
        None => fit_label(page, &report.fit),
    };
    let number = |value: Option<f64>| value.map_or_else(|| "—".to_string(), |v| format!("{v}"));
    let rows = vec![
        (
            page.t("inventory-forecast-metric"),
            format!("{} ({})", report.metric, report.unit),
        ),
        (page.t("inventory-forecast-fit"), fit),
        (
            page.t("inventory-forecast-window"),
            format!(
                "{}: {} – {}",
                report.window,
                page.datetime(&report.window_start),
                page.datetime(&report.window_end)
            ),
        ),
        (
            page.t("inventory-forecast-points"),
            report.window_points.to_string(),
        ),
        (
            page.t("inventory-forecast-r2"),
            report
                .r2
                .map_or_else(|| "—".to_string(), |r2| format!("{r2:.3}")),
        ),
        (
            page.t("inventory-forecast-threshold"),
            number(report.threshold),
        ),
        (
            page.t("inventory-forecast-crossing"),
            crossing_text(page, report),
        ),
        (
            page.t("inventory-forecast-clamped"),
            page.t(if report.clamped {
                "inventory-forecast-clamped-yes"
            } else {
                "inventory-forecast-clamped-no"
            }),
        ),
    ];
    Ok(ForecastFigures {
        rows,
        clamped: report.clamped,
        message: report.message.clone(),
        data: script_json(report)?,
    })
}

/// Words the threshold crossing: its direction and time, or that there is none.
fn crossing_text(page: &Page, report: &ForecastReport) -> String {
    let Some(crossing) = &report.crossing else {
        return page.t("inventory-forecast-crossing-no-threshold");
    };
    match (crossing.direction.as_deref(), &crossing.time) {
        (Some("up"), Some(time)) => page.t1(
            "inventory-forecast-crossing-up",
            "time",
            page.datetime(time),
        ),
        (Some("down"), Some(time)) => page.t1(
            "inventory-forecast-crossing-down",
            "time",
            page.datetime(time),
        ),
        _ if crossing.above_now => page.t("inventory-forecast-crossing-stays-above"),
        _ => page.t("inventory-forecast-crossing-stays-below"),
    }
}

/// Serialises `value` as JSON and escapes `<`, `>` and `&`, so no value can close the
/// `<script type="application/json">` element it is put in.
pub(super) fn script_json(value: &impl serde::Serialize) -> AppResult<String> {
    let json = serde_json::to_string(value)
        .map_err(|e| AppError::Internal(format!("chart data to JSON: {e}")))?;
    Ok(json
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026"))
}
