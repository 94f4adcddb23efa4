//! Visits (sessions) and calendar days in the shop's time zone.
//!
//! A visit ends after 30 minutes without events and, by default, at midnight in the shop's
//! zone, as in Google Analytics and Matomo. Yandex Metrica has no midnight rule, so
//! [`SessionRules::metrica`] turns it off for shops that reconcile against Metrica.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::event::EventType;

/// Default inactivity that ends a visit (Google Analytics, Matomo and Yandex Metrica all use
/// 30 minutes).
pub const VISIT_TIMEOUT_MINUTES: i64 = 30;
/// A visit with one page view that lasts less than this many seconds is a bounce (Yandex
/// Metrica's definition of "отказ").
pub const BOUNCE_MAX_SECONDS: i64 = 15;

/// Rules that group one visitor's events into visits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionRules {
    /// Maximum gap between two events of one visit; a longer gap starts a new visit.
    pub timeout: Duration,
    /// Whether a visit also ends at midnight in `zone`.
    pub split_at_midnight: bool,
    /// The shop's time zone.
    pub zone: Tz,
}

impl SessionRules {
    /// Google Analytics and Matomo rules: 30 minutes of inactivity, split at midnight.
    pub fn new(zone: Tz) -> Self {
        Self {
            timeout: Duration::minutes(VISIT_TIMEOUT_MINUTES),
            split_at_midnight: true,
            zone,
        }
    }

    /// Yandex Metrica rules: 30 minutes of inactivity, no midnight split.
    pub fn metrica(zone: Tz) -> Self {
        Self {
            split_at_midnight: false,
            ..Self::new(zone)
        }
    }

    /// Returns whether an event at `next` continues a visit whose last event was at `last`.
    /// `next` is expected not to precede `last`; see [`Visit::accepts`] for late events.
    pub fn continues(&self, last: DateTime<Utc>, next: DateTime<Utc>) -> bool {
        if next - last > self.timeout {
            return false;
        }
        !self.split_at_midnight || local_date(last, self.zone) == local_date(next, self.zone)
    }
}

/// Returns the calendar date of `instant` in `zone`.
pub fn local_date(instant: DateTime<Utc>, zone: Tz) -> NaiveDate {
    instant.with_timezone(&zone).date_naive()
}

/// Returns the UTC instants where `date` starts and ends in `zone`, end exclusive. A day is 24 hours
/// except across a DST change, where it is 23 or 25.
pub fn day_bounds(date: NaiveDate, zone: Tz) -> (DateTime<Utc>, DateTime<Utc>) {
    let end = date
        .succ_opt()
        .map_or(DateTime::<Utc>::MAX_UTC, |next| day_start(next, zone));
    (day_start(date, zone), end)
}

/// Returns the first instant of `date` in `zone`. Where a DST change skips midnight (as in zones that
/// switch at 00:00), the day starts at the first local time that exists.
pub fn day_start(date: NaiveDate, zone: Tz) -> DateTime<Utc> {
    let midnight = date.and_time(NaiveTime::MIN);
    // Gaps last at most a few hours, so stepping by 15 minutes reaches a valid time.
    for quarter in 0..=16 {
        let local = midnight + Duration::minutes(15 * quarter);
        if let Some(instant) = zone.from_local_datetime(&local).earliest() {
            return instant.with_timezone(&Utc);
        }
    }
    // No zone in the tz database has a gap of 4 hours, so this is a fallback for bad data.
    midnight.and_utc()
}

/// One visit: its time span and counts, enough to decide bounces and durations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Visit {
    pub start: DateTime<Utc>,
    /// The last event's time.
    pub end: DateTime<Utc>,
    pub events: u32,
    /// Events that load a page: `page_view` and `product_view`.
    pub page_views: u32,
}

impl Visit {
    /// Starts a visit with its first event.
    pub fn begin(time: DateTime<Utc>, kind: EventType) -> Self {
        Self {
            start: time,
            end: time,
            events: 1,
            page_views: u32::from(kind.is_page_view()),
        }
    }

    /// Returns whether an event at `time` belongs to this visit, also when it arrives late: it must
    /// lie within the timeout of the visit's span and, with the midnight split, on the start's
    /// local date.
    pub fn accepts(&self, rules: &SessionRules, time: DateTime<Utc>) -> bool {
        if time < self.start - rules.timeout || time > self.end + rules.timeout {
            return false;
        }
        !rules.split_at_midnight
            || local_date(time, rules.zone) == local_date(self.start, rules.zone)
    }

    /// Adds an event that [`Visit::accepts`] admitted.
    pub fn add(&mut self, time: DateTime<Utc>, kind: EventType) {
        self.start = self.start.min(time);
        self.end = self.end.max(time);
        self.events = self.events.saturating_add(1);
        self.page_views = self
            .page_views
            .saturating_add(u32::from(kind.is_page_view()));
    }

    /// Returns the time from the first to the last event.
    pub fn duration(&self) -> Duration {
        self.end - self.start
    }

    /// Returns whether the visit is a bounce: exactly one page view and less than 15 seconds from its
    /// first to its last event.
    pub fn is_bounce(&self) -> bool {
        self.page_views == 1 && self.duration() < Duration::seconds(BOUNCE_MAX_SECONDS)
    }
}

/// Splits one visitor's events, sorted by time, into visits.
pub fn split_visits(
    rules: &SessionRules,
    events: impl IntoIterator<Item = (DateTime<Utc>, EventType)>,
) -> Vec<Visit> {
    let mut visits: Vec<Visit> = Vec::new();
    for (time, kind) in events {
        match visits.last_mut() {
            Some(visit) if rules.continues(visit.end, time) => visit.add(time, kind),
            _ => visits.push(Visit::begin(time, kind)),
        }
    }
    visits
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::America::{Bogota, New_York};
    use chrono_tz::Europe::Moscow;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap()
    }

    fn views(times: &[DateTime<Utc>]) -> Vec<(DateTime<Utc>, EventType)> {
        times
            .iter()
            .map(|time| (*time, EventType::PageView))
            .collect()
    }

    #[test]
    fn split_visits_moscow_midnight_splits() {
        // 23:55 and 00:05 in Moscow (UTC+3).
        let events = views(&[utc(2026, 3, 1, 20, 55, 0), utc(2026, 3, 1, 21, 5, 0)]);
        assert_eq!(split_visits(&SessionRules::new(Moscow), events).len(), 2);
    }

    #[test]
    fn split_visits_moscow_metrica_keeps_one() {
        let events = views(&[utc(2026, 3, 1, 20, 55, 0), utc(2026, 3, 1, 21, 5, 0)]);
        assert_eq!(
            split_visits(&SessionRules::metrica(Moscow), events).len(),
            1
        );
    }

    #[test]
    fn split_visits_utc_midnight_irrelevant_in_moscow() {
        // 23:55 and 00:05 UTC are 02:55 and 03:05 in Moscow: one visit.
        let events = views(&[utc(2026, 3, 1, 23, 55, 0), utc(2026, 3, 2, 0, 5, 0)]);
        assert_eq!(split_visits(&SessionRules::new(Moscow), events).len(), 1);
    }

    #[test]
    fn split_visits_bogota_midnight_splits() {
        // 23:55 and 00:05 in Bogota (UTC−5).
        let events = views(&[utc(2026, 3, 2, 4, 55, 0), utc(2026, 3, 2, 5, 5, 0)]);
        assert_eq!(split_visits(&SessionRules::new(Bogota), events).len(), 2);
    }

    #[test]
    fn split_visits_new_york_winter_midnight_splits() {
        // 23:50 and 00:10 EST (UTC−5) in January.
        let events = views(&[utc(2026, 1, 15, 4, 50, 0), utc(2026, 1, 15, 5, 10, 0)]);
        assert_eq!(split_visits(&SessionRules::new(New_York), events).len(), 2);
    }

    #[test]
    fn split_visits_timeout_splits() {
        let events = views(&[utc(2026, 3, 1, 10, 0, 0), utc(2026, 3, 1, 10, 30, 1)]);
        assert_eq!(split_visits(&SessionRules::new(Moscow), events).len(), 2);
    }

    #[test]
    fn split_visits_exact_timeout_continues() {
        let events = views(&[utc(2026, 3, 1, 10, 0, 0), utc(2026, 3, 1, 10, 30, 0)]);
        assert_eq!(split_visits(&SessionRules::new(Moscow), events).len(), 1);
    }

    #[test]
    fn split_visits_continues_through_repeated_hour() {
        // New York, 1 November 2026: 01:50 EDT, then 01:10 EST twenty minutes later.
        let events = views(&[utc(2026, 11, 1, 5, 50, 0), utc(2026, 11, 1, 6, 10, 0)]);
        let visits = split_visits(&SessionRules::new(New_York), events);
        assert_eq!(visits.len(), 1);
        assert_eq!(visits[0].duration(), Duration::minutes(20));
    }

    #[test]
    fn day_bounds_dst_start_is_23_hours() {
        let date = NaiveDate::from_ymd_opt(2026, 3, 8).unwrap();
        let (start, end) = day_bounds(date, New_York);
        assert_eq!(end - start, Duration::hours(23));
    }

    #[test]
    fn day_bounds_dst_end_is_25_hours() {
        let date = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        let (start, end) = day_bounds(date, New_York);
        assert_eq!(end - start, Duration::hours(25));
    }

    #[test]
    fn day_bounds_moscow_starts_at_21_utc() {
        let date = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let (start, _) = day_bounds(date, Moscow);
        assert_eq!(start, utc(2026, 2, 28, 21, 0, 0));
    }

    #[test]
    fn day_start_skipped_midnight_moves_forward() {
        // Chile moved clocks from 00:00 to 01:00 on 12 August 2018 (tz database).
        let zone = chrono_tz::America::Santiago;
        let date = NaiveDate::from_ymd_opt(2018, 8, 12).unwrap();
        let start = day_start(date, zone);
        assert_eq!(local_date(start, zone), date);
        assert_eq!(start, utc(2018, 8, 12, 4, 0, 0));
    }

    #[test]
    fn visit_single_short_view_is_bounce() {
        let mut visit = Visit::begin(utc(2026, 3, 1, 10, 0, 0), EventType::ProductView);
        visit.add(utc(2026, 3, 1, 10, 0, 14), EventType::AddToCart);
        assert!(visit.is_bounce());
    }

    #[test]
    fn visit_fifteen_seconds_is_not_bounce() {
        let mut visit = Visit::begin(utc(2026, 3, 1, 10, 0, 0), EventType::PageView);
        visit.add(utc(2026, 3, 1, 10, 0, 15), EventType::AddToCart);
        assert!(!visit.is_bounce());
    }

    #[test]
    fn visit_two_views_is_not_bounce() {
        let mut visit = Visit::begin(utc(2026, 3, 1, 10, 0, 0), EventType::PageView);
        visit.add(utc(2026, 3, 1, 10, 0, 5), EventType::PageView);
        assert!(!visit.is_bounce());
    }

    #[test]
    fn visit_accepts_late_event() {
        let rules = SessionRules::new(Moscow);
        let visit = Visit::begin(utc(2026, 3, 1, 10, 0, 0), EventType::PageView);
        assert!(visit.accepts(&rules, utc(2026, 3, 1, 9, 45, 0)));
        assert!(!visit.accepts(&rules, utc(2026, 3, 1, 9, 29, 0)));
    }

    #[test]
    fn visit_rejects_late_event_before_midnight() {
        let rules = SessionRules::new(Moscow);
        let visit = Visit::begin(utc(2026, 3, 1, 21, 5, 0), EventType::PageView);
        assert!(!visit.accepts(&rules, utc(2026, 3, 1, 20, 55, 0)));
    }
}
