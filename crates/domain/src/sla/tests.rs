//! Tests of the SLA clock against calendars, time zones and pending intervals.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::{Berlin, Moscow};
use chrono_tz::Tz;

use super::*;
use crate::calendar::production::ProductionCalendar;
use crate::calendar::{Calendar, DayHours, WeeklyHours};
use crate::servicedesk::PendingReason;

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

fn clock<'a>(
    calendar: &'a Calendar,
    created: DateTime<Utc>,
    target_minutes: i64,
    pauses: &'a [Pause],
) -> SlaClock<'a> {
    SlaClock {
        calendar,
        created,
        target_minutes,
        pauses,
        rules: ClockRules::default(),
    }
}

fn pause(start: DateTime<Utc>, end: Option<DateTime<Utc>>, reason: PendingReason) -> Pause {
    Pause { start, end, reason }
}

// Monday 2 March 2026, Mon–Fri 08:00–18:00, first-response target 4 h.
fn monday_case(calendar: &Calendar) -> SlaClock<'_> {
    clock(calendar, at(Moscow, "2026-03-02T17:00:00"), 240, &[])
}

#[test]
fn monday_five_pm_deadline_is_tuesday_eleven() {
    let calendar = office(Moscow, "08:00-18:00");
    let deadline = monday_case(&calendar).deadline();
    assert_eq!(deadline, Some(at(Moscow, "2026-03-03T11:00:00")));
}

#[test]
fn monday_five_pm_escalates_tuesday_ten() {
    let calendar = office(Moscow, "08:00-18:00");
    let level = EscalationLevel {
        level: 1,
        target: TargetKind::FirstResponse,
        offset_minutes: -60,
    };
    let escalations = monday_case(&calendar).escalations(&[level]);
    assert_eq!(
        escalations[0].fires_at,
        Some(at(Moscow, "2026-03-03T10:00:00"))
    );
}

#[test]
fn escalation_at_breach_fires_at_deadline() {
    let calendar = office(Moscow, "08:00-18:00");
    let clock = monday_case(&calendar);
    let escalations = clock.escalations(&EscalationLevel::defaults());
    assert_eq!(escalations[1].fires_at, clock.deadline());
}

#[test]
fn escalation_before_clock_start_fires_at_start() {
    let calendar = office(Moscow, "08:00-18:00");
    let created = at(Moscow, "2026-03-02T07:00:00");
    let clock = clock(&calendar, created, 30, &[]);
    let level = EscalationLevel {
        level: 1,
        target: TargetKind::Resolution,
        offset_minutes: -60,
    };
    let escalations = clock.escalations(&[level]);
    assert_eq!(
        escalations[0].fires_at,
        Some(at(Moscow, "2026-03-02T08:00:00"))
    );
}

#[test]
fn ticket_created_at_night_starts_at_opening() {
    let calendar = office(Moscow, "08:00-18:00");
    let clock = clock(&calendar, at(Moscow, "2026-03-02T22:15:00"), 60, &[]);
    assert_eq!(clock.start(), Some(at(Moscow, "2026-03-03T08:00:00")));
    assert_eq!(clock.deadline(), Some(at(Moscow, "2026-03-03T09:00:00")));
}

#[test]
fn berlin_office_deadline_across_spring_dst() {
    // Friday 27 March 2026 16:00 CET; clocks go forward on Sunday 29 March.
    let calendar = office(Berlin, "09:00-18:00");
    let clock = clock(&calendar, at(Berlin, "2026-03-27T16:00:00"), 240, &[]);
    let deadline = clock.deadline().unwrap();
    assert_eq!(deadline, at(Berlin, "2026-03-30T11:00:00"));
    assert_eq!(deadline.to_rfc3339(), "2026-03-30T09:00:00+00:00");
}

#[test]
fn berlin_office_wall_clock_loses_dst_hour() {
    let calendar = office(Berlin, "09:00-18:00");
    let created = at(Berlin, "2026-03-27T16:00:00");
    let resolved = at(Berlin, "2026-03-30T11:00:00");
    let kpi = kpi_minutes(&calendar, created, resolved, &[], ClockRules::default());
    assert_eq!(kpi.business, 240);
    assert_eq!(kpi.wall_clock, 66 * 60);
}

#[test]
fn berlin_24x7_across_dst() {
    // 4 h from Saturday 23:00 CET end at 04:00 CEST, because 02:00–03:00 never happens.
    let calendar = Calendar::around_the_clock(Berlin);
    let clock = clock(&calendar, at(Berlin, "2026-03-28T23:00:00"), 240, &[]);
    assert_eq!(clock.deadline(), Some(at(Berlin, "2026-03-29T04:00:00")));
}

#[test]
fn client_pending_stops_clock_and_hides_deadline() {
    let calendar = office(Moscow, "09:00-18:00");
    let created = at(Moscow, "2026-03-02T09:00:00");
    let pauses = [pause(
        at(Moscow, "2026-03-02T10:00:00"),
        None,
        PendingReason::Client,
    )];
    let status = clock(&calendar, created, 240, &pauses).status(at(Moscow, "2026-03-02T15:00:00"));
    assert_eq!(status.deadline, None);
    assert_eq!(status.remaining_minutes, 180);
    assert_eq!(
        status.stopped,
        Some(StopReason::Pending {
            reason: PendingReason::Client
        })
    );
}

#[test]
fn closed_client_pause_moves_deadline() {
    let calendar = office(Moscow, "09:00-18:00");
    let created = at(Moscow, "2026-03-02T09:00:00");
    let pauses = [pause(
        at(Moscow, "2026-03-02T10:00:00"),
        Some(at(Moscow, "2026-03-02T12:30:00")),
        PendingReason::Client,
    )];
    let deadline = clock(&calendar, created, 240, &pauses).deadline();
    assert_eq!(deadline, Some(at(Moscow, "2026-03-02T15:30:00")));
}

#[test]
fn open_pause_after_deadline_keeps_breach() {
    let calendar = office(Moscow, "09:00-18:00");
    let created = at(Moscow, "2026-03-02T09:00:00");
    let pauses = [pause(
        at(Moscow, "2026-03-02T14:00:00"),
        None,
        PendingReason::Client,
    )];
    let status = clock(&calendar, created, 240, &pauses).status(at(Moscow, "2026-03-02T16:00:00"));
    assert_eq!(status.deadline, Some(at(Moscow, "2026-03-02T13:00:00")));
    assert!(status.breached);
    assert_eq!(status.remaining_minutes, -60);
}

#[test]
fn third_party_pending_keeps_clock_running() {
    let calendar = office(Moscow, "09:00-18:00");
    let created = at(Moscow, "2026-03-02T09:00:00");
    let pauses = [pause(
        at(Moscow, "2026-03-02T10:00:00"),
        None,
        PendingReason::ThirdParty,
    )];
    let clock = clock(&calendar, created, 240, &pauses);
    let status = clock.status(at(Moscow, "2026-03-02T12:00:00"));
    assert_eq!(status.deadline, Some(at(Moscow, "2026-03-02T13:00:00")));
    assert_eq!(status.stopped, None);
}

#[test]
fn third_party_pending_stops_by_contract() {
    let calendar = office(Moscow, "09:00-18:00");
    let created = at(Moscow, "2026-03-02T09:00:00");
    let pauses = [pause(
        at(Moscow, "2026-03-02T10:00:00"),
        None,
        PendingReason::ThirdParty,
    )];
    let mut clock = clock(&calendar, created, 240, &pauses);
    clock.rules.third_party_stops_clock = true;
    let status = clock.status(at(Moscow, "2026-03-02T12:00:00"));
    assert_eq!(status.remaining_minutes, 180);
    assert_eq!(
        status.stopped,
        Some(StopReason::Pending {
            reason: PendingReason::ThirdParty
        })
    );
}

#[test]
fn status_outside_hours_names_resumption() {
    let calendar = office(Moscow, "09:00-18:00");
    let created = at(Moscow, "2026-03-06T17:00:00");
    let status = clock(&calendar, created, 240, &[]).status(at(Moscow, "2026-03-07T12:00:00"));
    assert_eq!(status.remaining_minutes, 180);
    assert_eq!(
        status.stopped,
        Some(StopReason::OutsideBusinessHours {
            resumes_at: Some(at(Moscow, "2026-03-09T09:00:00"))
        })
    );
}

#[test]
fn status_running_has_no_stop_reason() {
    let calendar = office(Moscow, "09:00-18:00");
    let created = at(Moscow, "2026-03-02T09:00:00");
    let status = clock(&calendar, created, 240, &[]).status(at(Moscow, "2026-03-02T10:30:00"));
    assert_eq!(status.stopped, None);
    assert_eq!(status.elapsed_minutes, 90);
    assert!(!status.breached);
}

#[test]
fn shortened_pre_holiday_day_and_may_holidays() {
    // 30 April 2026 closes at 17:00; 1–3 May are days off; work resumes on Monday 4 May.
    let production = ProductionCalendar::russia().unwrap();
    let hours = DayHours::parse("hours", "09:00-18:00").unwrap();
    let calendar = production
        .office_calendar(Moscow, hours, 2026..=2026)
        .unwrap();
    let clock = clock(&calendar, at(Moscow, "2026-04-30T16:00:00"), 120, &[]);
    assert_eq!(clock.deadline(), Some(at(Moscow, "2026-05-04T10:00:00")));
}

#[test]
fn kpi_excludes_client_pending_from_business_minutes() {
    let calendar = office(Moscow, "09:00-18:00");
    let created = at(Moscow, "2026-03-02T09:00:00");
    let resolved = at(Moscow, "2026-03-03T10:00:00");
    let pauses = [pause(
        at(Moscow, "2026-03-02T12:00:00"),
        Some(at(Moscow, "2026-03-02T13:00:00")),
        PendingReason::Client,
    )];
    let kpi = kpi_minutes(&calendar, created, resolved, &pauses, ClockRules::default());
    assert_eq!(kpi.business, 9 * 60);
    assert_eq!(kpi.wall_clock, 25 * 60);
}

#[test]
fn internal_p1_resolution_on_24x7() {
    let calendar = Calendar::around_the_clock(Moscow);
    let target = SlaPolicy::internal_default()
        .p1
        .resolution
        .minutes(&calendar);
    let clock = clock(&calendar, at(Moscow, "2026-03-07T23:00:00"), target, &[]);
    assert_eq!(clock.deadline(), Some(at(Moscow, "2026-03-08T03:00:00")));
}
