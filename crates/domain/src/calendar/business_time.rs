//! Business time on a calendar: open spans as UTC instants, adding business minutes to an
//! instant, and business minutes between two instants, optionally without stop intervals.

use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

use super::Calendar;

/// How far ahead to look for open time before giving up: ten years of days.
const SEARCH_DAYS: usize = 3660;

/// A half-open interval of instants, `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Span {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl Span {
    /// Creates a span; an `end` before `start` gives an empty span at `start`.
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>) -> Self {
        Self {
            start,
            end: end.max(start),
        }
    }

    /// Length of the span.
    pub fn duration(&self) -> Duration {
        self.end - self.start
    }

    /// The parts of this span outside `stops`, which must be sorted by start and disjoint,
    /// as [`merge`] returns them.
    pub fn minus(self, stops: &[Span]) -> Vec<Span> {
        let mut parts = Vec::new();
        let mut cursor = self.start;
        for stop in stops.iter().filter(|stop| stop.end > self.start) {
            if stop.start >= self.end {
                break;
            }
            if stop.start > cursor {
                parts.push(Span::new(cursor, stop.start));
            }
            cursor = cursor.max(stop.end);
        }
        if cursor < self.end {
            parts.push(Span::new(cursor, self.end));
        }
        parts
    }
}

/// Sorts spans and joins those that overlap or touch, dropping empty ones.
pub fn merge(spans: &[Span]) -> Vec<Span> {
    let mut sorted: Vec<Span> = spans.iter().copied().filter(|s| s.end > s.start).collect();
    sorted.sort_by_key(|span| span.start);

    let mut merged: Vec<Span> = Vec::with_capacity(sorted.len());
    for span in sorted {
        match merged.last_mut() {
            Some(last) if span.start <= last.end => last.end = last.end.max(span.end),
            _ => merged.push(span),
        }
    }
    merged
}

impl Calendar {
    /// Converts the opening hours of a local `date` to a UTC span, or `None` for a day off.
    pub fn open_span(&self, date: NaiveDate) -> Option<Span> {
        let hours = self.hours_on(date)?;
        let midnight = date.and_hms_opt(0, 0, 0)?;
        let start = midnight + Duration::minutes(i64::from(hours.start()));
        let end = midnight + Duration::minutes(i64::from(hours.end()));
        Some(Span::new(
            to_utc(self.zone(), start),
            to_utc(self.zone(), end),
        ))
    }

    /// Returns whether the calendar is open at `at`.
    pub fn is_open_at(&self, at: DateTime<Utc>) -> bool {
        let date = at.with_timezone(&self.zone()).date_naive();
        self.open_span(date)
            .is_some_and(|span| span.start <= at && at < span.end)
    }

    /// Open spans from `at` onwards, the first one clipped to start at `at`, for up to ten
    /// years.
    pub fn spans_from(&self, at: DateTime<Utc>) -> impl Iterator<Item = Span> + '_ {
        let first = at.with_timezone(&self.zone()).date_naive();
        first
            .iter_days()
            .take(SEARCH_DAYS)
            .filter_map(|date| self.open_span(date))
            .filter(move |span| span.end > at)
            .map(move |span| Span::new(span.start.max(at), span.end))
    }

    /// Finds the first open instant at or after `at`, when a ticket created out of hours
    /// starts its clock. `None` if the calendar does not open within ten years.
    pub fn next_opening(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.spans_from(at).next().map(|span| span.start)
    }

    /// Finds the instant `minutes` business minutes after `start`. A negative count counts
    /// as zero, which gives the next opening. `None` if ten years of the calendar do not hold
    /// that much business time.
    pub fn add_business_minutes(
        &self,
        start: DateTime<Utc>,
        minutes: i64,
    ) -> Option<DateTime<Utc>> {
        self.add_business_minutes_excluding(start, minutes, &[])
    }

    /// Like [`Calendar::add_business_minutes`], with the clock stopped during `stops`.
    pub fn add_business_minutes_excluding(
        &self,
        start: DateTime<Utc>,
        minutes: i64,
        stops: &[Span],
    ) -> Option<DateTime<Utc>> {
        let stops = merge(stops);
        let mut remaining = Duration::minutes(minutes.max(0));
        for span in self.spans_from(start).flat_map(|span| span.minus(&stops)) {
            if remaining <= span.duration() {
                return Some(span.start + remaining);
            }
            remaining -= span.duration();
        }
        None
    }

    /// Business time between two instants; zero when `to` is not after `from`.
    pub fn business_time_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
        self.business_time_between_excluding(from, to, &[])
    }

    /// Business time between two instants with the clock stopped during `stops`.
    pub fn business_time_between_excluding(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        stops: &[Span],
    ) -> Duration {
        let stops = merge(stops);
        self.spans_from(from)
            .take_while(|span| span.start < to)
            .map(|span| Span::new(span.start, span.end.min(to)))
            .flat_map(|span| span.minus(&stops))
            .map(|span| span.duration())
            .sum()
    }

    /// Whole business minutes between two instants, rounded down.
    pub fn business_minutes_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        self.business_time_between(from, to).num_minutes()
    }
}

/// Reads a local wall time in `zone`. A time that occurs twice (clocks going back) is the
/// first one. A time skipped by clocks going forward is read with the offset before the
/// jump, so 02:30 on a one-hour jump becomes 03:30, as java.time does.
fn to_utc(zone: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    match zone.from_local_datetime(&local) {
        LocalResult::Single(instant) => instant.with_timezone(&Utc),
        LocalResult::Ambiguous(earliest, _) => earliest.with_timezone(&Utc),
        LocalResult::None => {
            let before = zone
                .offset_from_utc_datetime(&(local - Duration::days(1)))
                .fix();
            let utc = local - Duration::seconds(i64::from(before.local_minus_utc()));
            Utc.from_utc_datetime(&utc)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{CalendarException, DayHours, ExceptionKind, WeeklyHours};
    use chrono_tz::Europe::{Berlin, Moscow};

    fn at(zone: Tz, local: &str) -> DateTime<Utc> {
        let local: NaiveDateTime = local.parse().unwrap();
        zone.from_local_datetime(&local)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn office(zone: Tz, hours: &str) -> Calendar {
        let hours = DayHours::parse("hours", hours).unwrap();
        Calendar::new(zone, WeeklyHours::five_day(hours), Vec::new(), true).unwrap()
    }

    #[test]
    fn deadline_rolls_to_next_morning() {
        let calendar = office(Moscow, "08:00-18:00");
        let deadline = calendar.add_business_minutes(at(Moscow, "2026-03-02T17:00:00"), 240);
        assert_eq!(deadline, Some(at(Moscow, "2026-03-03T11:00:00")));
    }

    #[test]
    fn deadline_may_fall_on_closing_time() {
        let calendar = office(Moscow, "08:00-18:00");
        let deadline = calendar.add_business_minutes(at(Moscow, "2026-03-02T17:00:00"), 60);
        assert_eq!(deadline, Some(at(Moscow, "2026-03-02T18:00:00")));
    }

    #[test]
    fn friday_evening_rolls_to_monday() {
        let calendar = office(Moscow, "09:00-18:00");
        let deadline = calendar.add_business_minutes(at(Moscow, "2026-03-06T17:30:00"), 60);
        assert_eq!(deadline, Some(at(Moscow, "2026-03-09T09:30:00")));
    }

    #[test]
    fn next_opening_after_hours() {
        let calendar = office(Moscow, "09:00-18:00");
        let opening = calendar.next_opening(at(Moscow, "2026-03-06T18:00:00"));
        assert_eq!(opening, Some(at(Moscow, "2026-03-09T09:00:00")));
    }

    #[test]
    fn next_opening_inside_hours_is_now() {
        let calendar = office(Moscow, "09:00-18:00");
        let now = at(Moscow, "2026-03-06T12:00:00");
        assert_eq!(calendar.next_opening(now), Some(now));
    }

    #[test]
    fn zero_minutes_start_at_next_opening() {
        let calendar = office(Moscow, "09:00-18:00");
        let start = calendar.add_business_minutes(at(Moscow, "2026-03-07T10:00:00"), 0);
        assert_eq!(start, Some(at(Moscow, "2026-03-09T09:00:00")));
    }

    #[test]
    fn minutes_between_skip_night_and_weekend() {
        let calendar = office(Moscow, "09:00-18:00");
        let minutes = calendar.business_minutes_between(
            at(Moscow, "2026-03-06T17:00:00"),
            at(Moscow, "2026-03-09T10:00:00"),
        );
        assert_eq!(minutes, 120);
    }

    #[test]
    fn minutes_between_reversed_is_zero() {
        let calendar = office(Moscow, "09:00-18:00");
        let minutes = calendar.business_minutes_between(
            at(Moscow, "2026-03-09T10:00:00"),
            at(Moscow, "2026-03-06T17:00:00"),
        );
        assert_eq!(minutes, 0);
    }

    #[test]
    fn stops_are_excluded() {
        let calendar = office(Moscow, "09:00-18:00");
        let stop = Span::new(
            at(Moscow, "2026-03-02T10:00:00"),
            at(Moscow, "2026-03-02T12:00:00"),
        );
        let minutes = calendar
            .business_time_between_excluding(
                at(Moscow, "2026-03-02T09:00:00"),
                at(Moscow, "2026-03-02T18:00:00"),
                &[stop],
            )
            .num_minutes();
        assert_eq!(minutes, 420);
    }

    #[test]
    fn holiday_is_skipped() {
        let hours = DayHours::parse("hours", "09:00-18:00").unwrap();
        let holiday = CalendarException::new("2026-03-09".parse().unwrap(), ExceptionKind::Holiday);
        let calendar =
            Calendar::new(Moscow, WeeklyHours::five_day(hours), vec![holiday], true).unwrap();
        let deadline = calendar.add_business_minutes(at(Moscow, "2026-03-06T17:30:00"), 60);
        assert_eq!(deadline, Some(at(Moscow, "2026-03-10T09:30:00")));
    }

    #[test]
    fn spring_dst_day_has_23_hours() {
        let calendar = Calendar::around_the_clock(Berlin);
        let minutes = calendar.business_minutes_between(
            at(Berlin, "2026-03-29T00:00:00"),
            at(Berlin, "2026-03-30T00:00:00"),
        );
        assert_eq!(minutes, 23 * 60);
    }

    #[test]
    fn skipped_local_time_reads_with_offset_before_jump() {
        let local: NaiveDateTime = "2026-03-29T02:30:00".parse().unwrap();
        assert_eq!(to_utc(Berlin, local), at(Berlin, "2026-03-29T03:30:00"));
    }

    #[test]
    fn repeated_local_time_reads_first_occurrence() {
        let local: NaiveDateTime = "2026-10-25T02:30:00".parse().unwrap();
        let expected: DateTime<Utc> = "2026-10-25T00:30:00Z".parse().unwrap();
        assert_eq!(to_utc(Berlin, local), expected);
    }

    #[test]
    fn merge_joins_overlapping_stops() {
        let t = |h: u32| Utc.with_ymd_and_hms(2026, 3, 2, h, 0, 0).unwrap();
        let merged = merge(&[
            Span::new(t(5), t(7)),
            Span::new(t(1), t(3)),
            Span::new(t(2), t(4)),
        ]);
        assert_eq!(merged, [Span::new(t(1), t(4)), Span::new(t(5), t(7))]);
    }
}
