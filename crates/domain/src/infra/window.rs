//! The samples a forecast reads: all of them, the last N, or a duration before the
//! evaluation time, written as Zabbix writes its function periods (`#10`, `7d`, `24h`).

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Serialize, Serializer};

use super::series::Sample;
use crate::Invalid;

const MINUTE: i64 = 60;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;
const WEEK: i64 = 7 * DAY;

/// A forecast's sample window, counted back from the evaluation time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// Every sample up to the evaluation time.
    All,
    /// The last N samples up to the evaluation time (Zabbix `#N`); N is at least 1.
    LastValues(usize),
    /// Samples newer than the evaluation time minus this many seconds, as Zabbix's value
    /// cache selects them: the interval (evaluated_at − seconds, evaluated_at].
    Seconds(i64),
}

impl Default for Window {
    /// Thirty days, the default of the product.
    fn default() -> Self {
        Window::Seconds(30 * DAY)
    }
}

impl Window {
    /// Parses `all`, `#N` or a duration (`3600`, `30m`, `24h`, `7d`, `2w`); an empty value
    /// is the default of 30 days.
    pub fn parse(field: &str, value: &str) -> Result<Window, Invalid> {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            return Ok(Window::default());
        }
        if trimmed.eq_ignore_ascii_case("all") {
            return Ok(Window::All);
        }
        if let Some(count) = trimmed.strip_prefix('#') {
            return match count.parse::<usize>() {
                Ok(count) if count >= 1 => Ok(Window::LastValues(count)),
                _ => Err(Invalid::new(field, "infra-window-invalid").arg("value", value)),
            };
        }
        parse_duration_seconds(field, trimmed)
            .map(Window::Seconds)
            .map_err(|_| Invalid::new(field, "infra-window-invalid").arg("value", value))
    }

    /// Selects the samples in the window. `samples` must be sorted by time; samples after
    /// `evaluated_at` are left out, as Zabbix leaves out values newer than its evaluation time.
    pub fn select(self, samples: &[Sample], evaluated_at: DateTime<Utc>) -> &[Sample] {
        let end = samples.partition_point(|s| s.time <= evaluated_at);
        let upto = &samples[..end];
        match self {
            Window::All => upto,
            Window::LastValues(count) => &upto[upto.len().saturating_sub(count)..],
            Window::Seconds(seconds) => {
                let start = evaluated_at - chrono::Duration::seconds(seconds);
                let first = upto.partition_point(|s| s.time <= start);
                &upto[first..]
            }
        }
    }
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Window::All => f.write_str("all"),
            Window::LastValues(count) => write!(f, "#{count}"),
            Window::Seconds(seconds) => f.write_str(&format_duration(*seconds)),
        }
    }
}

impl Serialize for Window {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Parses a positive duration: whole seconds with an optional suffix `s`, `m`, `h`, `d` or `w`,
/// as in Zabbix function parameters.
pub fn parse_duration_seconds(field: &str, value: &str) -> Result<i64, Invalid> {
    let invalid = || Invalid::new(field, "infra-duration-invalid").arg("value", value);
    let trimmed = value.trim();
    let (digits, multiplier) = match trimmed.char_indices().last() {
        Some((at, 's')) => (&trimmed[..at], 1),
        Some((at, 'm')) => (&trimmed[..at], MINUTE),
        Some((at, 'h')) => (&trimmed[..at], HOUR),
        Some((at, 'd')) => (&trimmed[..at], DAY),
        Some((at, 'w')) => (&trimmed[..at], WEEK),
        _ => (trimmed, 1),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    let count: i64 = digits.parse().map_err(|_| invalid())?;
    let seconds = count.checked_mul(multiplier).ok_or_else(invalid)?;
    if seconds <= 0 {
        return Err(invalid());
    }
    Ok(seconds)
}

/// Formats seconds in the largest unit up to days that divides them exactly (`7d`, `90m`,
/// `45s`). Weeks are shown as days because windows are usually written that way.
pub fn format_duration(seconds: i64) -> String {
    for (unit, size) in [("d", DAY), ("h", HOUR), ("m", MINUTE)] {
        if seconds != 0 && seconds % size == 0 {
            return format!("{}{unit}", seconds / size);
        }
    }
    format!("{seconds}s")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(minute: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_700_000_000 + minute * 60, 0).unwrap()
    }

    fn samples() -> Vec<Sample> {
        (0..10)
            .map(|i| Sample {
                time: at(i),
                value: i as f64,
            })
            .collect()
    }

    #[test]
    fn window_default_is_thirty_days() {
        assert_eq!(Window::parse("window", ""), Ok(Window::Seconds(30 * DAY)));
    }

    #[test]
    fn window_parses_all_count_and_duration() {
        assert_eq!(Window::parse("window", "all"), Ok(Window::All));
        assert_eq!(Window::parse("window", "#12"), Ok(Window::LastValues(12)));
        assert_eq!(Window::parse("window", "24h"), Ok(Window::Seconds(DAY)));
        assert_eq!(Window::parse("window", "7d"), Ok(Window::Seconds(WEEK)));
    }

    #[test]
    fn window_rejects_zero_count() {
        let error = Window::parse("window", "#0").unwrap_err();
        assert_eq!(error.key, "infra-window-invalid");
    }

    #[test]
    fn window_rejects_unknown_suffix() {
        assert!(Window::parse("window", "3y").is_err());
    }

    #[test]
    fn duration_rejects_negative() {
        assert!(parse_duration_seconds("horizon", "-1h").is_err());
    }

    #[test]
    fn window_displays_as_parsed() {
        for text in ["all", "#5", "7d", "30d", "1d", "90m", "45s"] {
            assert_eq!(Window::parse("window", text).unwrap().to_string(), text);
        }
    }

    #[test]
    fn window_weeks_display_as_days() {
        assert_eq!(Window::parse("window", "2w").unwrap().to_string(), "14d");
    }

    #[test]
    fn window_last_values_takes_tail() {
        let samples = samples();
        let selected = Window::LastValues(3).select(&samples, at(9));
        assert_eq!(selected.first().unwrap().value, 7.0);
    }

    #[test]
    fn window_duration_excludes_start() {
        let samples = samples();
        let selected = Window::Seconds(5 * MINUTE).select(&samples, at(9));
        assert_eq!(selected.len(), 5);
        assert_eq!(selected.first().unwrap().value, 5.0);
    }

    #[test]
    fn window_leaves_out_later_samples() {
        let samples = samples();
        let selected = Window::All.select(&samples, at(4));
        assert_eq!(selected.last().unwrap().value, 4.0);
    }
}
