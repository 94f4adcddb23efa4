//! Business calendars: weekly working hours, dated exceptions and an IANA time zone, and the
//! business time they give. The SLA clock and claim deadlines count on them.

mod business_time;
pub mod production;

pub use business_time::Span;

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use strum::{AsRefStr, Display, EnumString, IntoStaticStr, VariantArray};

use crate::Invalid;

/// Minutes in a day; [`DayHours`] may end here, at the next midnight.
pub const MINUTES_PER_DAY: u16 = 24 * 60;

/// How much a shortened pre-holiday day loses (Labour Code art. 95): one hour.
const SHORTENED_BY_MINUTES: u16 = 60;

/// Opening hours within one local day, in minutes after midnight: `start < end <= 1440`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DayHours {
    start: u16,
    end: u16,
}

impl DayHours {
    /// Open the whole day.
    pub const ALL_DAY: DayHours = DayHours {
        start: 0,
        end: MINUTES_PER_DAY,
    };

    /// Creates opening hours from minutes after midnight, or an error unless
    /// `start < end <= 1440`.
    pub fn new(start: u16, end: u16) -> Result<Self, Invalid> {
        if start >= end || end > MINUTES_PER_DAY {
            return Err(Invalid::new("hours", "calendar-hours-order")
                .arg("start", format_minutes(start))
                .arg("end", format_minutes(end)));
        }
        Ok(Self { start, end })
    }

    /// Parses `HH:MM-HH:MM`, where the end may be `24:00`.
    pub fn parse(field: &str, value: &str) -> Result<Self, Invalid> {
        let invalid = || Invalid::new(field, "calendar-hours-format").arg("value", value.trim());
        let (start, end) = value.trim().split_once('-').ok_or_else(invalid)?;
        let start = parse_minutes(start.trim()).ok_or_else(invalid)?;
        let end = parse_minutes(end.trim()).ok_or_else(invalid)?;
        Self::new(start, end).map_err(|error| Invalid {
            field: field.into(),
            ..error
        })
    }

    /// Opening time in minutes after midnight.
    pub fn start(self) -> u16 {
        self.start
    }

    /// Closing time in minutes after midnight; 1440 is the next midnight.
    pub fn end(self) -> u16 {
        self.end
    }

    /// Length in minutes.
    pub fn minutes(self) -> u16 {
        self.end - self.start
    }

    /// Returns the hours of a shortened pre-holiday day: closing one hour earlier, or `None` when
    /// that leaves nothing open.
    pub fn shortened(self) -> Option<DayHours> {
        let end = self.end.saturating_sub(SHORTENED_BY_MINUTES);
        (end > self.start).then_some(DayHours {
            start: self.start,
            end,
        })
    }
}

impl std::fmt::Display for DayHours {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}-{}",
            format_minutes(self.start),
            format_minutes(self.end)
        )
    }
}

fn parse_minutes(value: &str) -> Option<u16> {
    let (hours, minutes) = value.split_once(':')?;
    let hours: u16 = hours.parse().ok()?;
    let minutes: u16 = minutes.parse().ok()?;
    if minutes >= 60 || hours > 24 || (hours == 24 && minutes > 0) {
        return None;
    }
    Some(hours * 60 + minutes)
}

fn format_minutes(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// Opening hours for each day of the week, Monday first; `None` is a day off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct WeeklyHours(pub [Option<DayHours>; 7]);

impl WeeklyHours {
    /// Open every day, all day.
    pub const AROUND_THE_CLOCK: WeeklyHours = WeeklyHours([Some(DayHours::ALL_DAY); 7]);

    /// Creates a week with the same hours Monday to Friday and weekends off.
    pub fn five_day(hours: DayHours) -> Self {
        let mut days = [None; 7];
        days[..5].fill(Some(hours));
        Self(days)
    }

    /// Hours on `weekday`.
    pub fn on(&self, weekday: Weekday) -> Option<DayHours> {
        self.0[weekday.num_days_from_monday() as usize]
    }

    /// Returns whether every day is open all day (a 24×7 calendar).
    pub fn is_around_the_clock(&self) -> bool {
        *self == Self::AROUND_THE_CLOCK
    }

    /// Finds the hours most weekdays have, with ties going to the earlier weekday. A
    /// transferred working day without its own hours uses them, and they define a business day.
    pub fn usual_hours(&self) -> Option<DayHours> {
        let open: Vec<DayHours> = self.0.iter().flatten().copied().collect();
        open.iter().copied().max_by_key(|hours| {
            let count = open.iter().filter(|other| *other == hours).count();
            let first = open.iter().position(|other| other == hours).unwrap_or(0);
            (count, std::cmp::Reverse(first))
        })
    }
}

/// The kind of a dated exception.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    Display,
    EnumString,
    AsRefStr,
    IntoStaticStr,
    VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ExceptionKind {
    /// A non-working day: a public holiday or a day off moved from a weekend.
    Holiday,
    /// A working day on a usual day off, such as a transferred working Saturday.
    WorkingDay,
    /// A pre-holiday day, one hour shorter where the calendar applies shortened days.
    Shortened,
}

/// A dated change to the weekly hours.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CalendarException {
    pub date: NaiveDate,
    pub kind: ExceptionKind,
    /// The day's own hours. Without them a working day takes the usual hours and a
    /// shortened day closes one hour early; a holiday ignores them.
    pub hours: Option<DayHours>,
}

impl CalendarException {
    /// Creates an exception without its own hours.
    pub fn new(date: NaiveDate, kind: ExceptionKind) -> Self {
        Self {
            date,
            kind,
            hours: None,
        }
    }
}

/// A business calendar: weekly hours, dated exceptions and the time zone they are read in.
#[derive(Debug, Clone, PartialEq)]
pub struct Calendar {
    zone: Tz,
    week: WeeklyHours,
    exceptions: BTreeMap<NaiveDate, CalendarException>,
    applies_shortened: bool,
}

impl Calendar {
    /// Creates a calendar. Errors: no open weekday, two exceptions on one date, or
    /// shortened days applied to a 24×7 week (a 24×7 service does not close early).
    pub fn new(
        zone: Tz,
        week: WeeklyHours,
        exceptions: Vec<CalendarException>,
        applies_shortened: bool,
    ) -> Result<Self, Invalid> {
        if week.usual_hours().is_none() {
            return Err(Invalid::new("week", "calendar-never-open"));
        }
        if applies_shortened && week.is_around_the_clock() {
            return Err(Invalid::new(
                "applies_shortened",
                "calendar-shortened-on-24x7",
            ));
        }

        let mut by_date = BTreeMap::new();
        for exception in exceptions {
            let date = exception.date;
            if by_date.insert(date, exception).is_some() {
                return Err(Invalid::new("exceptions", "calendar-duplicate-date").arg("date", date));
            }
        }
        Ok(Self {
            zone,
            week,
            exceptions: by_date,
            applies_shortened,
        })
    }

    /// Creates a 24×7 calendar with no exceptions, such as P1 tickets use.
    pub fn around_the_clock(zone: Tz) -> Self {
        Self {
            zone,
            week: WeeklyHours::AROUND_THE_CLOCK,
            exceptions: BTreeMap::new(),
            applies_shortened: false,
        }
    }

    /// The time zone the hours are read in.
    pub fn zone(&self) -> Tz {
        self.zone
    }

    /// The weekly hours.
    pub fn week(&self) -> &WeeklyHours {
        &self.week
    }

    /// Returns whether shortened pre-holiday days close early on this calendar.
    pub fn applies_shortened(&self) -> bool {
        self.applies_shortened
    }

    /// The exception on `date`, if any.
    pub fn exception(&self, date: NaiveDate) -> Option<&CalendarException> {
        self.exceptions.get(&date)
    }

    /// Resolves the opening hours on a local `date` after the exceptions, or `None` for a day off.
    pub fn hours_on(&self, date: NaiveDate) -> Option<DayHours> {
        let regular = self.week.on(date.weekday());
        let Some(exception) = self.exceptions.get(&date) else {
            return regular;
        };
        let usual = || regular.or(self.week.usual_hours());

        match exception.kind {
            ExceptionKind::Holiday => None,
            ExceptionKind::WorkingDay => exception.hours.or_else(usual),
            ExceptionKind::Shortened if !self.applies_shortened => usual(),
            ExceptionKind::Shortened => exception
                .hours
                .or_else(|| usual().and_then(DayHours::shortened)),
        }
    }

    /// Returns whether the calendar opens at all on a local `date`.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        self.hours_on(date).is_some()
    }

    /// Returns the length of one business day in minutes: the usual day's hours, so 1 business day is
    /// 600 minutes on Mon–Fri 08:00–18:00 and 1440 on a 24×7 calendar.
    pub fn business_day_minutes(&self) -> u32 {
        self.week
            .usual_hours()
            .map_or(u32::from(MINUTES_PER_DAY), |hours| {
                u32::from(hours.minutes())
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hours(value: &str) -> DayHours {
        DayHours::parse("hours", value).unwrap()
    }

    fn date(value: &str) -> NaiveDate {
        value.parse().unwrap()
    }

    fn office() -> Calendar {
        let exceptions = vec![
            CalendarException::new(date("2026-05-01"), ExceptionKind::Holiday),
            CalendarException::new(date("2026-04-30"), ExceptionKind::Shortened),
            CalendarException::new(date("2026-05-16"), ExceptionKind::WorkingDay),
            CalendarException {
                date: date("2026-05-23"),
                kind: ExceptionKind::WorkingDay,
                hours: Some(hours("10:00-14:00")),
            },
        ];
        let week = WeeklyHours::five_day(hours("09:00-18:00"));
        Calendar::new(chrono_tz::Europe::Moscow, week, exceptions, true).unwrap()
    }

    #[test]
    fn day_hours_parse_until_midnight() {
        assert_eq!(hours("00:00-24:00"), DayHours::ALL_DAY);
    }

    #[test]
    fn day_hours_reject_reversed_range() {
        let error = DayHours::parse("hours", "18:00-09:00").unwrap_err();
        assert_eq!(error.key, "calendar-hours-order");
    }

    #[test]
    fn day_hours_reject_bad_format() {
        let error = DayHours::parse("hours", "9-18").unwrap_err();
        assert_eq!(error.key, "calendar-hours-format");
    }

    #[test]
    fn day_hours_display_round_trips() {
        assert_eq!(hours("08:30-24:00").to_string(), "08:30-24:00");
    }

    #[test]
    fn holiday_closes_day() {
        assert_eq!(office().hours_on(date("2026-05-01")), None);
    }

    #[test]
    fn shortened_day_closes_hour_early() {
        assert_eq!(
            office().hours_on(date("2026-04-30")),
            Some(hours("09:00-17:00"))
        );
    }

    #[test]
    fn shortened_day_ignored_when_flag_off() {
        let calendar = office();
        let calendar = Calendar::new(
            calendar.zone(),
            *calendar.week(),
            calendar.exceptions.into_values().collect(),
            false,
        )
        .unwrap();
        assert_eq!(
            calendar.hours_on(date("2026-04-30")),
            Some(hours("09:00-18:00"))
        );
    }

    #[test]
    fn working_saturday_takes_usual_hours() {
        assert_eq!(
            office().hours_on(date("2026-05-16")),
            Some(hours("09:00-18:00"))
        );
    }

    #[test]
    fn working_saturday_keeps_own_hours() {
        assert_eq!(
            office().hours_on(date("2026-05-23")),
            Some(hours("10:00-14:00"))
        );
    }

    #[test]
    fn regular_weekend_is_closed() {
        assert!(!office().is_working_day(date("2026-05-17")));
    }

    #[test]
    fn shortened_rejected_on_24x7() {
        let error = Calendar::new(
            chrono_tz::UTC,
            WeeklyHours::AROUND_THE_CLOCK,
            Vec::new(),
            true,
        )
        .unwrap_err();
        assert_eq!(error.key, "calendar-shortened-on-24x7");
    }

    #[test]
    fn calendar_rejects_closed_week() {
        let error = Calendar::new(chrono_tz::UTC, WeeklyHours([None; 7]), Vec::new(), false);
        assert_eq!(error.unwrap_err().key, "calendar-never-open");
    }

    #[test]
    fn calendar_rejects_duplicate_dates() {
        let day = CalendarException::new(date("2026-05-01"), ExceptionKind::Holiday);
        let week = WeeklyHours::five_day(hours("09:00-18:00"));
        let error = Calendar::new(chrono_tz::UTC, week, vec![day.clone(), day], false);
        assert_eq!(error.unwrap_err().key, "calendar-duplicate-date");
    }

    #[test]
    fn business_day_of_office_hours() {
        assert_eq!(office().business_day_minutes(), 540);
    }

    #[test]
    fn business_day_of_24x7() {
        let calendar = Calendar::around_the_clock(chrono_tz::UTC);
        assert_eq!(calendar.business_day_minutes(), 1440);
    }

    #[test]
    fn usual_hours_take_most_common_day() {
        let mut week = WeeklyHours::five_day(hours("09:00-18:00"));
        week.0[4] = Some(hours("09:00-16:45"));
        week.0[5] = Some(hours("10:00-14:00"));
        assert_eq!(week.usual_hours(), Some(hours("09:00-18:00")));
    }
}
