//! `vitrina import metrics`, `vitrina forecast` and `vitrina timeleft`: metric series from
//! CSV files into storage, and Zabbix-compatible forecasts of stored series as JSON.

use std::collections::HashSet;

use anyhow::Context as _;
use chrono::{DateTime, NaiveDateTime, Utc};
use domain::Invalid;
use domain::infra::series::{self, ImportSettings, SeriesKind};
use domain::infra::window::parse_duration_seconds;
use domain::infra::{
    Fit, ForecastRequest, ImportUnit, Mode, Series, TimeleftRequest, Window,
    forecast::parse_horizon_seconds,
};
use serde_json::json;
use store::Db;
use store::metrics;
use web::i18n::{Arg, I18n, Lang};

use crate::cli::{ForecastArgs, ImportMetricsArgs, SeriesArgs, TimeleftArgs};
use crate::messages::explain;

/// Timestamp format accepted by `--at` besides RFC 3339.
const AT_FORMAT: &str = "%Y-%m-%d %H:%M:%S";
/// Maximum number of gaps the import report lists one by one. The rest are only counted.
const GAPS_LISTED: usize = 5;

pub(crate) fn translations() -> anyhow::Result<std::sync::Arc<I18n>> {
    I18n::load().map_err(|error| anyhow::anyhow!("translations: {error}"))
}

/// Words a rule violation in English, naming the option at fault (`--window`).
pub(crate) fn invalid(i18n: &I18n, error: Invalid) -> anyhow::Error {
    anyhow::anyhow!("invalid --{}: {}", error.field, reason(i18n, &error))
}

/// The English message of a rule violation, without the field.
pub(crate) fn reason(i18n: &I18n, error: &Invalid) -> String {
    let args: Vec<(&str, Arg)> = error
        .args
        .iter()
        .map(|(name, value)| (*name, Arg::Text(value.clone())))
        .collect();
    i18n.format(Lang::En, error.key, &args)
}

/// Imports a CSV file as one metric of one host and prints what was found on the way.
pub async fn import(db: &Db, args: &ImportMetricsArgs) -> anyhow::Result<()> {
    let i18n = translations()?;
    let unit = ImportUnit::parse("unit", &args.unit).map_err(|e| invalid(&i18n, e))?;
    let kind = SeriesKind::parse("kind", &args.kind).map_err(|e| invalid(&i18n, e))?;
    let period_seconds = match &args.period {
        Some(period) => {
            Some(parse_duration_seconds("period", period).map_err(|e| invalid(&i18n, e))? as f64)
        }
        None => None,
    };
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;

    let parsed = series::parse_csv(&text);
    let sample_lines = sample_line_numbers(&text, &parsed);
    let settings = ImportSettings {
        kind,
        unit,
        period_seconds,
    };
    let prepared =
        series::prepare(parsed.samples.clone(), settings).map_err(|e| invalid(&i18n, e))?;

    let (host, created) = metrics::ensure_host(db, &args.host, domain::time::now())
        .await
        .map_err(|e| explain(&i18n, e))?;
    let samples = prepared.series.samples();
    let stored =
        metrics::upsert_samples(db, host.id, &args.metric, prepared.series.unit(), samples)
            .await
            .map_err(|e| explain(&i18n, e))?;
    tracing::info!(host = %host.technical_name, metric = %args.metric, stored, "metric samples imported");

    let created_note = if created { " (host created)" } else { "" };
    println!(
        "Imported {stored} samples of {} into host {}{created_note}, unit {}.",
        args.metric.trim(),
        host.technical_name,
        prepared.series.unit()
    );
    let rejected = parsed.rejected.len() + prepared.rejected.len();
    println!("Rejected rows: {rejected}.");
    for row in &parsed.rejected {
        println!("  line {}: {}", row.line, reason(&i18n, &row.error));
    }
    for value in &prepared.rejected {
        let line = sample_lines
            .iter()
            .rev()
            .find(|(_, sample)| sample.time == value.sample.time)
            .map_or_else(|| "?".to_string(), |(line, _)| line.to_string());
        println!("  line {line}: {}", reason(&i18n, &value.error));
    }
    let dropped: usize = prepared.duplicates.iter().map(|d| d.dropped.len()).sum();
    println!(
        "Repeated timestamps: {} (kept the last value of each, dropped {dropped}).",
        prepared.duplicates.len()
    );
    for duplicate in &prepared.duplicates {
        println!(
            "  {}: kept {}, dropped {}",
            duplicate.time.format(AT_FORMAT),
            duplicate.kept,
            duplicate.dropped.len()
        );
    }
    if prepared.out_of_order > 0 {
        println!(
            "Out of order: {} samples were sorted in by time.",
            prepared.out_of_order
        );
    }
    if !prepared.resets.is_empty() {
        println!("Counter resets: {}.", prepared.resets.len());
    }
    println!("Gaps (not interpolated): {}.", prepared.gaps.len());
    for gap in prepared.gaps.iter().take(GAPS_LISTED) {
        println!(
            "  {} → {}: {} s, about {} samples missing",
            gap.after.format(AT_FORMAT),
            gap.before.format(AT_FORMAT),
            gap.seconds,
            gap.missing_samples
        );
    }
    if prepared.gaps.len() > GAPS_LISTED {
        println!("  … and {} more", prepared.gaps.len() - GAPS_LISTED);
    }
    Ok(())
}

/// Pairs each parsed sample with its 1-based line number. `parse_csv` skips blank lines and
/// the header and lists rejected lines, so the other lines are the samples in file order.
fn sample_line_numbers(
    text: &str,
    parsed: &series::ParsedRows,
) -> Vec<(usize, domain::infra::Sample)> {
    let rejected: HashSet<usize> = parsed.rejected.iter().map(|row| row.line).collect();
    text.lines()
        .enumerate()
        .filter(|(index, line)| {
            let row = line.trim();
            let is_header = *index == 0 && row.eq_ignore_ascii_case("timestamp,value");
            !row.is_empty() && !is_header && !rejected.contains(&(index + 1))
        })
        .map(|(index, _)| index + 1)
        .zip(parsed.samples.iter().copied())
        .collect()
}

/// Parses `--window`: `all`, a bare N (the last N values), `#N`, or a duration.
fn parse_window(value: &str) -> Result<Window, Invalid> {
    let trimmed = value.trim();
    if !trimmed.is_empty() && trimmed.bytes().all(|b| b.is_ascii_digit()) {
        return match trimmed.parse::<usize>() {
            Ok(count) if count >= 1 => Ok(Window::LastValues(count)),
            _ => Err(Invalid::new("window", "infra-window-invalid").arg("value", value)),
        };
    }
    Window::parse("window", value)
}

/// Parses `--at`: RFC 3339, or `YYYY-MM-DD HH:MM:SS` in UTC.
fn parse_at(value: &str) -> anyhow::Result<DateTime<Utc>> {
    let trimmed = value.trim();
    if let Ok(time) = DateTime::parse_from_rfc3339(trimmed) {
        return Ok(time.with_timezone(&Utc));
    }
    NaiveDateTime::parse_from_str(trimmed, AT_FORMAT)
        .map(|time| time.and_utc())
        .map_err(|_| {
            anyhow::anyhow!(
                "invalid --at: {value:?} is not a time. Use YYYY-MM-DD HH:MM:SS in UTC, such as \
                 2014-03-09 03:00:00, or RFC 3339"
            )
        })
}

/// The series and parameters both commands share.
struct Selected {
    series: Series,
    window: Window,
    fit: Fit,
    evaluated_at: Option<DateTime<Utc>>,
}

async fn select(db: &Db, i18n: &I18n, args: &SeriesArgs) -> anyhow::Result<Selected> {
    let window = parse_window(&args.window).map_err(|e| invalid(i18n, e))?;
    let fit = Fit::parse("fit", &args.fit).map_err(|e| invalid(i18n, e))?;
    let evaluated_at = args.at.as_deref().map(parse_at).transpose()?;
    let host = metrics::find_host(db, &args.host)
        .await
        .map_err(|e| explain(i18n, e))?
        .ok_or_else(|| {
            anyhow::anyhow!(
                "invalid --host: host {:?} has no metrics. Import them with `vitrina import \
                 metrics FILE --host {} …`",
                args.host,
                args.host.trim()
            )
        })?;
    let series = metrics::load_series(db, host.id, &args.metric)
        .await
        .map_err(|e| explain(i18n, e))?
        .ok_or_else(|| {
            anyhow::anyhow!(
                "invalid --metric: host {} has no samples of metric {:?}. Check the name used \
                 at import",
                host.technical_name,
                args.metric
            )
        })?;
    Ok(Selected {
        series,
        window,
        fit,
        evaluated_at,
    })
}

fn print_json(value: &serde_json::Value) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// Prints `forecast(window, horizon, fit, mode)` of a stored series as JSON.
pub async fn forecast(db: &Db, args: &ForecastArgs) -> anyhow::Result<()> {
    let i18n = translations()?;
    let horizon_seconds =
        parse_horizon_seconds("horizon", &args.horizon).map_err(|e| invalid(&i18n, e))?;
    let mode = Mode::parse("mode", &args.mode).map_err(|e| invalid(&i18n, e))?;
    let selected = select(db, &i18n, &args.series).await?;
    let request = ForecastRequest {
        window: selected.window,
        horizon_seconds,
        fit: selected.fit,
        mode,
        evaluated_at: selected.evaluated_at,
    };
    let result =
        domain::infra::forecast(&selected.series, &request).map_err(|e| invalid(&i18n, e))?;
    print_json(&json!({
        "host": args.series.host.trim(),
        "metric": args.series.metric.trim(),
        "unit": result.unit,
        "value": result.value,
        "unclamped_value": result.unclamped_value,
        "mode": result.mode,
        "fit": result.fit,
        "window": result.window,
        "window_points": result.window_points,
        "window_start": result.window_start,
        "window_end": result.window_end,
        "evaluated_at": result.evaluated_at,
        "horizon_seconds": result.horizon_seconds,
        "r2": result.r2,
        "never": false,
        "already_above": false,
        "clamped": result.clamped,
    }))
}

/// Prints `timeleft(window, threshold, fit)` of a stored series as JSON.
pub async fn timeleft(db: &Db, args: &TimeleftArgs) -> anyhow::Result<()> {
    let i18n = translations()?;
    let threshold: f64 = args
        .threshold
        .trim()
        .parse()
        .ok()
        .filter(|t: &f64| t.is_finite())
        .ok_or_else(|| {
            anyhow::anyhow!(
                "invalid --threshold: {:?} is not a number. Give the limit in the metric's \
                 canonical unit, such as 90 for 90 %",
                args.threshold
            )
        })?;
    let selected = select(db, &i18n, &args.series).await?;
    let request = TimeleftRequest {
        window: selected.window,
        threshold,
        fit: selected.fit,
        evaluated_at: selected.evaluated_at,
        ..TimeleftRequest::default()
    };
    let result =
        domain::infra::timeleft(&selected.series, &request).map_err(|e| invalid(&i18n, e))?;
    print_json(&json!({
        "host": args.series.host.trim(),
        "metric": args.series.metric.trim(),
        "unit": result.unit,
        "seconds": result.seconds,
        "reaches_at": result.reaches_at,
        "crossing": result.crossing,
        "threshold": result.threshold,
        "fitted_now": result.fitted_now,
        "fit": result.fit,
        "window": result.window,
        "window_points": result.window_points,
        "window_start": result.window_start,
        "window_end": result.window_end,
        "evaluated_at": result.evaluated_at,
        "r2": result.r2,
        "never": result.never,
        "already_above": result.already_above,
        "clamped": result.clamped,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_bare_number_is_last_values() {
        assert_eq!(parse_window("100"), Ok(Window::LastValues(100)));
    }

    #[test]
    fn window_zero_rejected() {
        assert_eq!(parse_window("0").unwrap_err().key, "infra-window-invalid");
    }

    #[test]
    fn window_duration_and_all_parse() {
        assert_eq!(parse_window("7d"), Ok(Window::Seconds(7 * 86_400)));
        assert_eq!(parse_window("all"), Ok(Window::All));
    }

    #[test]
    fn at_accepts_both_formats() {
        let plain = parse_at("2014-03-09 03:00:00").unwrap();
        let rfc = parse_at("2014-03-09T04:00:00+01:00").unwrap();
        assert_eq!(plain, rfc);
    }

    #[test]
    fn at_rejects_garbage_naming_option() {
        let error = parse_at("yesterday").unwrap_err().to_string();
        assert!(
            error.contains("--at") && error.contains("yesterday"),
            "{error}"
        );
    }
}
