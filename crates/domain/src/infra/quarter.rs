//! Calendar quarters and the growth of utilisation over one, for the quarterly capacity
//! report.
//!
//! Utilisation at the start and at the end of a quarter is the 95th percentile of daily
//! peaks (UTC days, as in [`super::capacity`]) over the first and the last
//! [`EDGE_WINDOW_DAYS`] days of the quarter that have data. When the data covers fewer than
//! twice that many days, each window is half of the covered days, so the two never overlap.

use std::fmt;

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use serde::Serialize;

use super::capacity::{daily_peaks, percentile};
use super::series::Series;
use super::units::Unit;
use crate::Invalid;

/// Days at each end of a quarter whose daily peaks give the start and end utilisation.
pub const EDGE_WINDOW_DAYS: i64 = 30;
/// The percentile of daily peaks taken as the utilisation of a window.
const EDGE_PERCENTILE: f64 = 0.95;

/// A calendar quarter, written `YYYY-QN` (`2026-Q4`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Quarter {
    pub year: i32,
    /// 1 to 4.
    pub number: u32,
}

impl Quarter {
    /// Parses `YYYY-QN` (the `Q` in either case), naming `field` and the value when invalid.
    pub fn parse(field: &str, value: &str) -> Result<Quarter, Invalid> {
        let invalid = || Invalid::new(field, "error-quarter-format").arg("value", value);
        let text = value.trim();
        let (year, number) = text.split_once('-').ok_or_else(invalid)?;
        let number = number
            .strip_prefix('Q')
            .or_else(|| number.strip_prefix('q'))
            .ok_or_else(invalid)?;
        if year.len() != 4 || number.len() != 1 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid());
        }
        let year: i32 = year.parse().map_err(|_| invalid())?;
        let number: u32 = number.parse().map_err(|_| invalid())?;
        if !(1..=4).contains(&number) {
            return Err(invalid());
        }
        Ok(Quarter { year, number })
    }

    /// Returns the quarter `date` falls in.
    pub fn containing(date: NaiveDate) -> Quarter {
        Quarter {
            year: date.year(),
            number: date.month0() / 3 + 1,
        }
    }

    /// Returns the quarter before this one.
    pub fn previous(self) -> Quarter {
        if self.number == 1 {
            Quarter {
                year: self.year - 1,
                number: 4,
            }
        } else {
            Quarter {
                year: self.year,
                number: self.number - 1,
            }
        }
    }

    /// Returns the quarter's first day.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, (self.number - 1) * 3 + 1, 1).unwrap_or(NaiveDate::MIN)
    }

    /// Returns the first day of the next quarter.
    pub fn end_day(self) -> NaiveDate {
        self.first_day()
            .checked_add_months(chrono::Months::new(3))
            .unwrap_or(NaiveDate::MAX)
    }

    /// Returns the quarter's start (included) and end (excluded) as instants, taking its days
    /// at midnight in `zone`.
    pub fn bounds<Z: TimeZone>(self, zone: &Z) -> (DateTime<Utc>, DateTime<Utc>) {
        let midnight = |day: NaiveDate| {
            let local = day.and_hms_opt(0, 0, 0).unwrap_or_default();
            zone.from_local_datetime(&local)
                .earliest()
                .map_or_else(|| local.and_utc(), |t| t.with_timezone(&Utc))
        };
        (midnight(self.first_day()), midnight(self.end_day()))
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-Q{}", self.year, self.number)
    }
}

/// Utilisation at the start and the end of a period, and its change.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct UtilisationGrowth {
    /// The 95th percentile of daily peaks over the first window, in percent.
    pub start_percent: f64,
    /// The 95th percentile of daily peaks over the last window, in percent.
    pub end_percent: f64,
    /// End minus start, in percentage points.
    pub growth_points: f64,
    /// Growth relative to the start, in percent; `None` when the start is 0.
    pub growth_percent: Option<f64>,
    /// Days in each window.
    pub window_days: i64,
    /// The first and the last UTC day with data in the period.
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    /// Days with at least one sample in the period.
    pub days: usize,
}

/// Computes the growth of a utilisation series in percent over `[from, to)`, or `None`
/// when the period has no samples.
pub fn utilisation_growth(
    series: &Series,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Option<UtilisationGrowth>, Invalid> {
    if series.unit() != Unit::Percent {
        return Err(Invalid::new("unit", "infra-capacity-needs-percent").arg("unit", series.unit()));
    }
    let peaks = daily_peaks(&series.between(from, to))?;
    let (Some(first), Some(last)) = (peaks.samples().first(), peaks.samples().last()) else {
        return Ok(None);
    };
    let first_day = first.time.date_naive();
    let last_day = last.time.date_naive();
    let covered_days = (last_day - first_day).num_days() + 1;
    let window_days = (covered_days / 2).clamp(1, EDGE_WINDOW_DAYS);

    let start_end = first_day + Duration::days(window_days);
    let end_start = last_day - Duration::days(window_days);
    let window_percentile = |keep: &dyn Fn(NaiveDate) -> bool| {
        let mut values: Vec<f64> = peaks
            .samples()
            .iter()
            .filter(|s| keep(s.time.date_naive()))
            .map(|s| s.value)
            .collect();
        values.sort_by(f64::total_cmp);
        percentile(&values, EDGE_PERCENTILE)
    };
    let start_percent = window_percentile(&|day| day < start_end);
    let end_percent = window_percentile(&|day| day > end_start);
    let growth_points = end_percent - start_percent;
    Ok(Some(UtilisationGrowth {
        start_percent,
        end_percent,
        growth_points,
        growth_percent: (start_percent != 0.0).then(|| growth_points / start_percent * 100.0),
        window_days,
        first_day,
        last_day,
        days: peaks.samples().len(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::infra::series::Sample;

    #[test]
    fn quarter_parses_and_prints() {
        let quarter = Quarter::parse("quarter", " 2026-q4 ").unwrap();
        assert_eq!(
            quarter,
            Quarter {
                year: 2026,
                number: 4
            }
        );
        assert_eq!(quarter.to_string(), "2026-Q4");
    }

    #[test]
    fn quarter_rejects_bad_values() {
        for value in [
            "", "2026", "2026-Q5", "2026-Q0", "26-Q1", "2026-4", "2026-Q12", "abcd-Q1",
        ] {
            let error = Quarter::parse("quarter", value).unwrap_err();
            assert_eq!(error.key, "error-quarter-format", "{value:?}");
            assert_eq!(error.field, "quarter", "{value:?}");
        }
    }

    #[test]
    fn quarter_bounds_in_moscow() {
        let quarter = Quarter {
            year: 2026,
            number: 4,
        };
        let (from, to) = quarter.bounds(&chrono_tz::Europe::Moscow);
        assert_eq!(from, Utc.with_ymd_and_hms(2026, 9, 30, 21, 0, 0).unwrap());
        assert_eq!(to, Utc.with_ymd_and_hms(2026, 12, 31, 21, 0, 0).unwrap());
    }

    #[test]
    fn quarter_containing_and_previous() {
        let date = NaiveDate::from_ymd_opt(2026, 1, 15).unwrap();
        assert_eq!(
            Quarter::containing(date),
            Quarter {
                year: 2026,
                number: 1
            }
        );
        assert_eq!(
            Quarter::containing(date).previous(),
            Quarter {
                year: 2025,
                number: 4
            }
        );
    }

    /// One sample a day at noon from `start`, day `d` valued `value(d)`.
    fn daily(start: NaiveDate, days: i64, value: impl Fn(i64) -> f64) -> Series {
        let samples = (0..days)
            .map(|d| Sample {
                time: (start + Duration::days(d))
                    .and_hms_opt(12, 0, 0)
                    .unwrap()
                    .and_utc(),
                value: value(d),
            })
            .collect();
        Series::new(Unit::Percent, samples).unwrap()
    }

    #[test]
    fn growth_over_full_quarter() {
        let quarter = Quarter {
            year: 2026,
            number: 4,
        };
        let (from, to) = quarter.bounds(&Utc);
        // 92 days, day d peaks at 10 + d / 2.
        let series = daily(quarter.first_day(), 92, |d| 10.0 + d as f64 / 2.0);
        let growth = utilisation_growth(&series, from, to).unwrap().unwrap();
        assert_eq!(growth.window_days, 30);
        assert_eq!(growth.days, 92);
        // First window: days 0..29, values 10..24.5; rank 0.95 × 29 = 27.55 → 10 + 13.775.
        assert!((growth.start_percent - 23.775).abs() < 1e-9, "{growth:?}");
        // Last window: days 62..91, values 41..55.5 → 41 + 13.775.
        assert!((growth.end_percent - 54.775).abs() < 1e-9, "{growth:?}");
        assert!((growth.growth_points - 31.0).abs() < 1e-9, "{growth:?}");
        let relative = growth.growth_percent.unwrap();
        assert!(
            (relative - 31.0 / 23.775 * 100.0).abs() < 1e-9,
            "{growth:?}"
        );
    }

    #[test]
    fn growth_short_data_uses_halves() {
        let start = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        let from = start.and_hms_opt(0, 0, 0).unwrap().and_utc();
        let series = daily(start, 10, |d| d as f64);
        let growth = utilisation_growth(&series, from, from + Duration::days(60))
            .unwrap()
            .unwrap();
        assert_eq!(growth.window_days, 5);
        // Days 0..4 → rank 3.8 → 3.8; days 5..9 → 8.8.
        assert!((growth.start_percent - 3.8).abs() < 1e-9, "{growth:?}");
        assert!((growth.end_percent - 8.8).abs() < 1e-9, "{growth:?}");
    }

    #[test]
    fn growth_zero_start_has_no_relative() {
        let start = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        let from = start.and_hms_opt(0, 0, 0).unwrap().and_utc();
        let series = daily(start, 4, |d| if d < 2 { 0.0 } else { 5.0 });
        let growth = utilisation_growth(&series, from, from + Duration::days(60))
            .unwrap()
            .unwrap();
        assert_eq!(growth.start_percent, 0.0);
        assert_eq!(growth.growth_percent, None);
    }

    #[test]
    fn growth_ignores_samples_outside_period() {
        let start = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        let from = start.and_hms_opt(0, 0, 0).unwrap().and_utc();
        let series = daily(start, 10, |d| d as f64);
        let none = utilisation_growth(&series, from - Duration::days(30), from).unwrap();
        assert_eq!(none, None);
    }
}
