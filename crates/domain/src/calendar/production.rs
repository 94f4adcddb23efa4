//! The Russian production calendar (производственный календарь): which dates of a year are
//! holidays, transferred working days and shortened pre-holiday days for a five-day week.
//!
//! Years are data, which the database stores and admins edit. A year the government has
//! set by decree is confirmed; a year without a decree yet falls back to the statutory
//! holidays of Labour Code art. 112 and stays unconfirmed until an admin confirms it.

use std::borrow::Cow;
use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::{Calendar, CalendarException, DayHours, ExceptionKind, WeeklyHours};
use crate::Invalid;

/// The 2026 calendar per Government decree No. 1466 of 24.09.2025, as CSV with the columns
/// `date,kind,hours,note`; lines starting with `#` are comments.
pub const RUSSIA_2026_CSV: &str = include_str!("../../../../seed/calendars/ru-2026.csv");

/// The header line every calendar CSV starts with, after its comments.
const CSV_HEADER: &str = "date,kind,hours,note";

/// Statutory non-working holidays (Labour Code art. 112 part 1) as (month, day).
const STATUTORY_HOLIDAYS: [(u32, u32); 14] = [
    (1, 1),
    (1, 2),
    (1, 3),
    (1, 4),
    (1, 5),
    (1, 6),
    (1, 7),
    (1, 8),
    (2, 23),
    (3, 8),
    (5, 1),
    (5, 9),
    (6, 12),
    (11, 4),
];

/// One dated entry of a production calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductionDay {
    pub date: NaiveDate,
    pub kind: ExceptionKind,
    /// The day's own hours, if the source sets them.
    pub hours: Option<DayHours>,
    /// Free text from the source, such as the holiday's name; empty for generated days.
    pub note: String,
}

/// Day counts of one year for a five-day week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearSummary {
    pub working_days: u32,
    pub days_off: u32,
    pub shortened_days: u32,
}

impl YearSummary {
    /// Computes the working-time norm in minutes for a week of `weekly_hours`: a fifth of the week
    /// per working day, minus one hour per shortened day.
    pub fn norm_minutes(&self, weekly_hours: u32) -> u32 {
        let day = weekly_hours * 60 / 5;
        (self.working_days * day).saturating_sub(self.shortened_days * 60)
    }
}

/// One year of the production calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductionYear {
    pub year: i32,
    /// Entries sorted by date; weekends not listed are days off.
    pub days: Vec<ProductionDay>,
    /// Whether the year comes from a government decree or an admin confirmed it.
    pub confirmed: bool,
}

impl ProductionYear {
    /// Parses a year from CSV (`date,kind,hours,note`, one header line, `#` comments) as a
    /// confirmed year. Every date must fall in `year`.
    pub fn from_csv(year: i32, text: &str) -> Result<Self, Invalid> {
        let mut days = Vec::new();
        let lines = text
            .lines()
            .enumerate()
            .map(|(index, line)| (index + 1, line));
        let mut rows = lines.filter(|(_, line)| !line.trim().is_empty() && !line.starts_with('#'));
        match rows.next() {
            Some((_, header)) if header.trim() == CSV_HEADER => {}
            Some((number, header)) => return Err(csv_error(number, header, "header")),
            None => return Err(csv_error(1, "", "header")),
        }

        for (number, line) in rows {
            let day = parse_row(number, line)?;
            if day.date.year() != year {
                return Err(csv_error(number, line, "date"));
            }
            days.push(day);
        }
        days.sort_by_key(|day| day.date);
        Ok(Self {
            year,
            days,
            confirmed: true,
        })
    }

    /// Parses the 2026 calendar shipped with Vitrina.
    pub fn russia_2026() -> Result<Self, Invalid> {
        Self::from_csv(2026, RUSSIA_2026_CSV)
    }

    /// Builds the calendar of a year without a decree: the holidays of Labour Code art. 112, a
    /// holiday on a weekend moved to the next working day except the January ones, and the
    /// working day right before a holiday shortened by an hour (art. 95). Unconfirmed.
    pub fn statutory(year: i32) -> Self {
        let holidays: Vec<NaiveDate> = STATUTORY_HOLIDAYS
            .iter()
            .filter_map(|&(month, day)| NaiveDate::from_ymd_opt(year, month, day))
            .collect();

        let mut off: BTreeMap<NaiveDate, ExceptionKind> = holidays
            .iter()
            .map(|&date| (date, ExceptionKind::Holiday))
            .collect();
        for &holiday in holidays
            .iter()
            .filter(|d| d.month() != 1 && is_weekend(**d))
        {
            let moved = next_weekday_not_in(holiday, &off);
            off.insert(moved, ExceptionKind::Holiday);
        }

        // Dec 31 precedes next year's 1 January.
        let next_new_year = NaiveDate::from_ymd_opt(year + 1, 1, 1);
        for holiday in holidays.iter().copied().chain(next_new_year) {
            let eve = holiday - Duration::days(1);
            if eve.year() == year && !is_weekend(eve) && !off.contains_key(&eve) {
                off.insert(eve, ExceptionKind::Shortened);
            }
        }

        let days = off
            .into_iter()
            .map(|(date, kind)| ProductionDay {
                date,
                kind,
                hours: None,
                note: String::new(),
            })
            .collect();
        Self {
            year,
            days,
            confirmed: false,
        }
    }

    /// Converts the entries to calendar exceptions.
    pub fn exceptions(&self) -> Vec<CalendarException> {
        self.days
            .iter()
            .map(|day| CalendarException {
                date: day.date,
                kind: day.kind,
                hours: day.hours,
            })
            .collect()
    }

    /// Returns whether `date` is a working day of a five-day week in this year.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        match self.kind_on(date) {
            Some(ExceptionKind::Holiday) => false,
            Some(ExceptionKind::WorkingDay | ExceptionKind::Shortened) => true,
            None => !is_weekend(date),
        }
    }

    /// Counts working days, days off and shortened days of the year.
    pub fn summary(&self) -> YearSummary {
        let mut summary = YearSummary {
            working_days: 0,
            days_off: 0,
            shortened_days: 0,
        };
        let Some(first) = NaiveDate::from_ymd_opt(self.year, 1, 1) else {
            return summary;
        };
        for date in first.iter_days().take_while(|d| d.year() == self.year) {
            if !self.is_working_day(date) {
                summary.days_off += 1;
                continue;
            }
            summary.working_days += 1;
            if self.kind_on(date) == Some(ExceptionKind::Shortened) {
                summary.shortened_days += 1;
            }
        }
        summary
    }

    fn kind_on(&self, date: NaiveDate) -> Option<ExceptionKind> {
        self.days
            .binary_search_by_key(&date, |day| day.date)
            .ok()
            .map(|index| self.days[index].kind)
    }
}

/// The production calendar over several years; a missing year is the statutory one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProductionCalendar {
    years: BTreeMap<i32, ProductionYear>,
}

impl ProductionCalendar {
    /// Creates a calendar from the stored years.
    pub fn new(years: Vec<ProductionYear>) -> Self {
        Self {
            years: years.into_iter().map(|year| (year.year, year)).collect(),
        }
    }

    /// Creates the Russian calendar with the shipped 2026 decree.
    pub fn russia() -> Result<Self, Invalid> {
        Ok(Self::new(vec![ProductionYear::russia_2026()?]))
    }

    /// Returns the stored year, or builds the statutory one when none is stored.
    pub fn year(&self, year: i32) -> Cow<'_, ProductionYear> {
        match self.years.get(&year) {
            Some(stored) => Cow::Borrowed(stored),
            None => Cow::Owned(ProductionYear::statutory(year)),
        }
    }

    /// Returns whether `date` is a working day of a five-day week.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        self.year(date.year()).is_working_day(date)
    }

    /// Returns `date` itself if it is a working day, else the next working day (Civil Code art. 193
    /// for a term ending on a day off).
    pub fn working_day_on_or_after(&self, date: NaiveDate) -> NaiveDate {
        date.iter_days()
            .find(|day| self.is_working_day(*day))
            .unwrap_or(date)
    }

    /// Builds an office calendar in `zone` with `hours` Monday to Friday, this calendar's entries
    /// for `years` as exceptions, and shortened days applied.
    pub fn office_calendar(
        &self,
        zone: Tz,
        hours: DayHours,
        years: std::ops::RangeInclusive<i32>,
    ) -> Result<Calendar, Invalid> {
        let exceptions = years
            .flat_map(|year| self.year(year).exceptions())
            .collect();
        Calendar::new(zone, WeeklyHours::five_day(hours), exceptions, true)
    }
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

fn next_weekday_not_in(date: NaiveDate, off: &BTreeMap<NaiveDate, ExceptionKind>) -> NaiveDate {
    date.iter_days()
        .skip(1)
        .find(|day| !is_weekend(*day) && !off.contains_key(day))
        .unwrap_or(date)
}

fn parse_row(number: usize, line: &str) -> Result<ProductionDay, Invalid> {
    let mut columns = line.splitn(4, ',').map(str::trim);
    let (Some(date), Some(kind), Some(hours)) = (columns.next(), columns.next(), columns.next())
    else {
        return Err(csv_error(number, line, "columns"));
    };
    let note = columns.next().unwrap_or_default().to_string();

    let date = date
        .parse::<NaiveDate>()
        .map_err(|_| csv_error(number, line, "date"))?;
    let kind = kind
        .parse::<ExceptionKind>()
        .map_err(|_| csv_error(number, line, "kind"))?;
    let hours = match hours {
        "" => None,
        hours => {
            Some(DayHours::parse("hours", hours).map_err(|_| csv_error(number, line, "hours"))?)
        }
    };
    Ok(ProductionDay {
        date,
        kind,
        hours,
        note,
    })
}

fn csv_error(number: usize, line: &str, column: &str) -> Invalid {
    Invalid::new("calendar", "calendar-csv-invalid")
        .arg("line", number)
        .arg("column", column)
        .arg("value", line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(value: &str) -> NaiveDate {
        value.parse().unwrap()
    }

    fn year_2026() -> ProductionYear {
        ProductionYear::russia_2026().unwrap()
    }

    #[test]
    fn russia_2026_has_247_working_days() {
        assert_eq!(year_2026().summary().working_days, 247);
    }

    #[test]
    fn russia_2026_has_118_days_off() {
        assert_eq!(year_2026().summary().days_off, 118);
    }

    #[test]
    fn russia_2026_norm_is_1972_hours() {
        assert_eq!(year_2026().summary().norm_minutes(40), 1972 * 60);
    }

    #[test]
    fn russia_2026_has_four_shortened_days() {
        let shortened: Vec<NaiveDate> = year_2026()
            .days
            .iter()
            .filter(|day| day.kind == ExceptionKind::Shortened)
            .map(|day| day.date)
            .collect();
        let expected = ["2026-04-30", "2026-05-08", "2026-06-11", "2026-11-03"].map(date);
        assert_eq!(shortened, expected);
    }

    #[test]
    fn russia_2026_moves_days_off_by_decree() {
        let year = year_2026();
        assert!(!year.is_working_day(date("2026-01-09")));
        assert!(!year.is_working_day(date("2026-12-31")));
        assert!(!year.is_working_day(date("2026-03-09")));
        assert!(!year.is_working_day(date("2026-05-11")));
    }

    #[test]
    fn russia_2026_first_working_day_is_january_12() {
        let calendar = ProductionCalendar::russia().unwrap();
        assert_eq!(
            calendar.working_day_on_or_after(date("2026-01-01")),
            date("2026-01-12")
        );
    }

    #[test]
    fn russia_2026_is_confirmed() {
        assert!(year_2026().confirmed);
    }

    #[test]
    fn statutory_2027_is_unconfirmed() {
        let calendar = ProductionCalendar::russia().unwrap();
        assert!(!calendar.year(2027).confirmed);
    }

    #[test]
    fn statutory_2027_moves_weekend_holidays() {
        let year = ProductionYear::statutory(2027);
        // 1 May and 12 June 2027 are Saturdays, 9 May a Sunday.
        assert!(!year.is_working_day(date("2027-05-03")));
        assert!(!year.is_working_day(date("2027-05-10")));
        assert!(!year.is_working_day(date("2027-06-14")));
    }

    #[test]
    fn statutory_2027_keeps_january_weekend_holidays_in_place() {
        let year = ProductionYear::statutory(2027);
        // 2 and 3 January 2027 fall on a weekend; the law does not move them.
        assert!(year.is_working_day(date("2027-01-11")));
    }

    #[test]
    fn statutory_2027_shortens_eves_of_holidays() {
        let year = ProductionYear::statutory(2027);
        let shortened: Vec<NaiveDate> = year
            .days
            .iter()
            .filter(|day| day.kind == ExceptionKind::Shortened)
            .map(|day| day.date)
            .collect();
        let expected = [
            "2027-02-22",
            "2027-04-30",
            "2027-06-11",
            "2027-11-03",
            "2027-12-31",
        ]
        .map(date);
        assert_eq!(shortened, expected);
    }

    #[test]
    fn statutory_holiday_on_weekday_stays() {
        let year = ProductionYear::statutory(2027);
        assert!(!year.is_working_day(date("2027-02-23")));
        assert!(year.is_working_day(date("2027-02-24")));
    }

    #[test]
    fn csv_rejects_unknown_kind() {
        let text = "date,kind,hours,note\n2026-01-01,vacation,,\n";
        let error = ProductionYear::from_csv(2026, text).unwrap_err();
        assert_eq!(error.key, "calendar-csv-invalid");
        assert!(error.args.contains(&("line", "2".to_string())));
        assert!(error.args.contains(&("column", "kind".to_string())));
    }

    #[test]
    fn csv_rejects_missing_header() {
        let text = "2026-01-01,holiday,,\n";
        let error = ProductionYear::from_csv(2026, text).unwrap_err();
        assert!(error.args.contains(&("column", "header".to_string())));
    }

    #[test]
    fn csv_rejects_date_of_other_year() {
        let text = "date,kind,hours,note\n2025-01-01,holiday,,\n";
        let error = ProductionYear::from_csv(2026, text).unwrap_err();
        assert!(error.args.contains(&("column", "date".to_string())));
    }

    #[test]
    fn csv_reads_own_hours() {
        let text = "date,kind,hours,note\n2026-02-28,working_day,10:00-15:00,перенос\n";
        let year = ProductionYear::from_csv(2026, text).unwrap();
        assert_eq!(year.days[0].hours, DayHours::new(600, 900).ok());
        assert_eq!(year.days[0].note, "перенос");
    }

    #[test]
    fn office_calendar_closes_early_before_may_day() {
        let production = ProductionCalendar::russia().unwrap();
        let hours = DayHours::parse("hours", "09:00-18:00").unwrap();
        let calendar = production
            .office_calendar(chrono_tz::Europe::Moscow, hours, 2026..=2026)
            .unwrap();
        assert_eq!(
            calendar.hours_on(date("2026-04-30")),
            DayHours::parse("hours", "09:00-17:00").ok()
        );
    }
}
