//! Both SLA clocks of one ticket, first response and resolution, as the ticket page, the API
//! and the list's at-risk and breached filters read them.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::{ClockRules, Pause, PriorityTargets, SlaClock, SlaTarget, StopReason};
use crate::calendar::Calendar;

/// The share of a target's business time after which the ticket counts as at risk, in
/// percent.
pub const AT_RISK_PERCENT: i64 = 80;

/// One target's clock at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetState {
    /// The target in business minutes.
    pub target_minutes: i64,
    /// The deadline. While a pending interval stops the clock, this assumes the clock
    /// restarts now, so it moves later the longer the ticket waits. `None` only when the
    /// calendar does not hold that much business time within ten years.
    pub due: Option<DateTime<Utc>>,
    /// When [`AT_RISK_PERCENT`] of the target has passed, projected like `due`.
    pub at_risk_from: Option<DateTime<Utc>>,
    /// When the target was met (first public staff comment, resolution), if it was.
    pub met_at: Option<DateTime<Utc>>,
    /// Business minutes left, counted to `met_at` for a met target; negative once breached.
    pub remaining_minutes: i64,
    pub breached: bool,
    /// Whether [`AT_RISK_PERCENT`] of the target has passed on an unmet, unbreached target.
    pub at_risk: bool,
}

/// Both clocks of a ticket at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketSla {
    pub first_response: TargetState,
    pub resolution: TargetState,
    /// Start of the pending interval that stops both clocks now, if one does.
    pub paused_since: Option<DateTime<Utc>>,
    /// The reason the clocks do not run now; `None` while they run.
    pub stopped: Option<StopReason>,
}

impl TicketSla {
    /// Returns whether a pending interval stops the clocks now.
    pub fn paused(&self) -> bool {
        self.paused_since.is_some()
    }
}

/// The facts of a ticket that its clocks depend on.
#[derive(Debug, Clone, Copy)]
pub struct TicketTimes<'a> {
    pub created: DateTime<Utc>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub pauses: &'a [Pause],
}

/// Computes both clocks of a ticket at `now` on `calendar` with the targets of its priority.
pub fn ticket_sla(
    calendar: &Calendar,
    targets: &PriorityTargets,
    rules: ClockRules,
    times: TicketTimes<'_>,
    now: DateTime<Utc>,
) -> TicketSla {
    // An open pause is projected to end now, which gives the earliest deadline possible.
    let projected: Vec<Pause> = times
        .pauses
        .iter()
        .map(|pause| Pause {
            end: Some(pause.end.unwrap_or(now).max(pause.start)),
            ..*pause
        })
        .collect();
    let state = |target: SlaTarget, met_at: Option<DateTime<Utc>>| {
        let target_minutes = target.minutes(calendar);
        let actual = SlaClock {
            calendar,
            created: times.created,
            target_minutes,
            pauses: times.pauses,
            rules,
        };
        let projection = SlaClock {
            pauses: &projected,
            ..actual
        };
        // NOTE: a reopened ticket has no `resolved_at`, so the time it spent resolved counts
        // as business time of its resolution clock.
        let until = met_at.unwrap_or(now);
        let elapsed = actual.elapsed(until);
        let due = projection.deadline();
        // No business time passes after closing, so a target used up at 18:00 is breached
        // from the deadline on, not from the next opening.
        let breached = elapsed > Duration::minutes(target_minutes)
            || (elapsed >= Duration::minutes(target_minutes) && due.is_some_and(|due| until > due));
        let at_risk_minutes = target_minutes * AT_RISK_PERCENT / 100;
        TargetState {
            target_minutes,
            due,
            at_risk_from: projection.instant_at(at_risk_minutes),
            met_at,
            remaining_minutes: target_minutes - elapsed.num_minutes(),
            breached,
            at_risk: met_at.is_none() && !breached && elapsed >= Duration::minutes(at_risk_minutes),
        }
    };

    let clock = SlaClock {
        calendar,
        created: times.created,
        target_minutes: 0,
        pauses: times.pauses,
        rules,
    };
    let stopped = clock.stop_reason(now);
    let paused_since = match stopped {
        Some(StopReason::Pending { .. }) => times
            .pauses
            .iter()
            .filter(|pause| pause.start <= now && pause.end.is_none_or(|end| now < end))
            .map(|pause| pause.start)
            .max(),
        _ => None,
    };
    TicketSla {
        first_response: state(targets.first_response, times.first_response_at),
        resolution: state(targets.resolution, times.resolved_at),
        paused_since,
        stopped,
    }
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDateTime, TimeZone};
    use chrono_tz::Europe::Moscow;

    use super::*;
    use crate::calendar::{DayHours, WeeklyHours};
    use crate::servicedesk::PendingReason;
    use crate::sla::SlaTarget;

    fn at(local: &str) -> DateTime<Utc> {
        let local: NaiveDateTime = local.parse().unwrap();
        Moscow
            .from_local_datetime(&local)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn office() -> Calendar {
        let hours = DayHours::parse("hours", "08:00-18:00").unwrap();
        Calendar::new(Moscow, WeeklyHours::five_day(hours), Vec::new(), true).unwrap()
    }

    fn targets() -> PriorityTargets {
        PriorityTargets {
            calendar: "office".into(),
            first_response: SlaTarget::hours(4),
            resolution: SlaTarget::BusinessDays(1),
        }
    }

    fn sla(pauses: &[Pause], first_response_at: Option<DateTime<Utc>>, now: &str) -> TicketSla {
        let times = TicketTimes {
            created: at("2026-03-02T17:00:00"),
            first_response_at,
            resolved_at: None,
            pauses,
        };
        ticket_sla(&office(), &targets(), ClockRules::default(), times, at(now))
    }

    #[test]
    fn monday_five_pm_due_tuesday_eleven() {
        let state = sla(&[], None, "2026-03-02T17:30:00");
        assert_eq!(state.first_response.due, Some(at("2026-03-03T11:00:00")));
        assert_eq!(state.resolution.due, Some(at("2026-03-03T17:00:00")));
        assert_eq!(state.first_response.remaining_minutes, 210);
        assert!(!state.paused());
    }

    #[test]
    fn at_risk_after_eighty_percent() {
        let early = sla(&[], None, "2026-03-03T09:00:00");
        assert!(!early.first_response.at_risk, "2 of 4 hours passed");
        let late = sla(&[], None, "2026-03-03T10:15:00");
        assert!(late.first_response.at_risk, "3 h 15 min of 4 hours passed");
        assert_eq!(
            late.first_response.at_risk_from,
            Some(at("2026-03-03T10:12:00"))
        );
    }

    #[test]
    fn breached_after_due() {
        let state = sla(&[], None, "2026-03-03T11:01:00");
        assert!(state.first_response.breached);
        assert!(!state.first_response.at_risk);
        assert_eq!(state.first_response.remaining_minutes, -1);
    }

    #[test]
    fn deadline_at_closing_time_is_breached_that_evening() {
        let times = TicketTimes {
            created: at("2026-03-02T08:00:00"),
            first_response_at: Some(at("2026-03-02T09:00:00")),
            resolved_at: None,
            pauses: &[],
        };
        let at_now = |now: &str| {
            ticket_sla(&office(), &targets(), ClockRules::default(), times, at(now)).resolution
        };
        let closing = at_now("2026-03-02T18:00:00");
        assert_eq!(closing.due, Some(at("2026-03-02T18:00:00")));
        assert!(!closing.breached, "the deadline itself is still in time");
        let evening = at_now("2026-03-02T19:30:00");
        assert!(evening.breached, "{evening:?}");
        assert!(!evening.at_risk);
        assert_eq!(evening.remaining_minutes, 0);
        let saturday = at_now("2026-03-07T12:00:00");
        assert!(saturday.breached, "{saturday:?}");
    }

    #[test]
    fn met_target_stops_counting() {
        let state = sla(&[], Some(at("2026-03-03T09:00:00")), "2026-03-05T12:00:00");
        assert!(!state.first_response.breached);
        assert_eq!(state.first_response.remaining_minutes, 120);
        assert!(state.resolution.breached);
    }

    #[test]
    fn client_pause_moves_due() {
        let pauses = [Pause {
            start: at("2026-03-03T09:00:00"),
            end: None,
            reason: PendingReason::Client,
        }];
        let state = sla(&pauses, None, "2026-03-03T12:00:00");
        assert_eq!(state.paused_since, Some(at("2026-03-03T09:00:00")));
        assert!(state.paused());
        assert!(!state.first_response.breached);
        assert_eq!(state.first_response.remaining_minutes, 120);
        // Two business hours remain from noon if the pause ended now.
        assert_eq!(state.first_response.due, Some(at("2026-03-03T14:00:00")));
    }

    #[test]
    fn third_party_pause_keeps_clock_running() {
        let pauses = [Pause {
            start: at("2026-03-03T09:00:00"),
            end: None,
            reason: PendingReason::ThirdParty,
        }];
        let state = sla(&pauses, None, "2026-03-03T12:00:00");
        assert!(!state.paused());
        assert!(state.first_response.breached);
    }
}
