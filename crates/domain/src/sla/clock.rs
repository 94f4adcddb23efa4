//! The SLA clock of one ticket target: it runs in the calendar's business hours from the
//! ticket's creation, and stops while the ticket waits on the client, or on a third party
//! where the contract stops the clock for that too.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::{ClockRules, EscalationLevel};
use crate::calendar::{Calendar, Span};
use crate::servicedesk::PendingReason;

/// An interval in `pending`; `end` is `None` while the ticket still waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    pub start: DateTime<Utc>,
    pub end: Option<DateTime<Utc>>,
    pub reason: PendingReason,
}

/// The reason the clock is not running at the moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum StopReason {
    /// The ticket waits, for the client or for a third party the contract excludes.
    Pending { reason: PendingReason },
    /// Outside the calendar's hours; the clock resumes at the next opening.
    OutsideBusinessHours { resumes_at: Option<DateTime<Utc>> },
}

/// The state of one target's clock at an instant, as the ticket page shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaStatus {
    /// `None` while a stop of unknown length (waiting on the client) delays the deadline.
    pub deadline: Option<DateTime<Utc>>,
    /// Business minutes counted so far.
    pub elapsed_minutes: i64,
    /// Business minutes left; negative once breached.
    pub remaining_minutes: i64,
    pub breached: bool,
    /// `Some` while the clock is not running, with the reason to show.
    pub stopped: Option<StopReason>,
}

/// When an escalation level fires; `None` while the clock is held by an open stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Escalation {
    pub level: u8,
    pub fires_at: Option<DateTime<Utc>>,
}

/// The duration of a ticket event (first response, resolution) as KPI reports read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KpiMinutes {
    /// Whole business minutes on the SLA clock: calendar hours only, clock stops excluded.
    pub business: i64,
    /// Whole wall-clock minutes from creation.
    pub wall_clock: i64,
}

/// One SLA clock: a calendar, the ticket's creation, a target and the pending intervals.
#[derive(Debug, Clone, Copy)]
pub struct SlaClock<'a> {
    pub calendar: &'a Calendar,
    pub created: DateTime<Utc>,
    /// The target in business minutes, from [`super::SlaTarget::minutes`].
    pub target_minutes: i64,
    pub pauses: &'a [Pause],
    pub rules: ClockRules,
}

impl SlaClock<'_> {
    /// When the clock starts: the creation instant, or the next opening for a ticket created
    /// outside business hours.
    pub fn start(&self) -> Option<DateTime<Utc>> {
        self.calendar.next_opening(self.created)
    }

    /// Business time counted from creation to `now`.
    pub fn elapsed(&self, now: DateTime<Utc>) -> Duration {
        let stops = self.stops(now);
        self.calendar
            .business_time_between_excluding(self.created, now, &stops)
    }

    /// Finds the instant the counted business time reaches `minutes`; a negative count means the
    /// clock's start. `None` while an open stop began before that instant.
    pub fn instant_at(&self, minutes: i64) -> Option<DateTime<Utc>> {
        let closed: Vec<Span> = self
            .stopping_pauses()
            .filter_map(|pause| Some(Span::new(pause.start, pause.end?)))
            .collect();
        let instant =
            self.calendar
                .add_business_minutes_excluding(self.created, minutes, &closed)?;

        let delayed = self
            .stopping_pauses()
            .any(|pause| pause.end.is_none() && pause.start < instant);
        (!delayed).then_some(instant)
    }

    /// Finds the deadline, the instant the counted business time reaches the target.
    pub fn deadline(&self) -> Option<DateTime<Utc>> {
        self.instant_at(self.target_minutes)
    }

    /// Computes the clock at `now`: deadline, elapsed and remaining business minutes, and why it is
    /// stopped, if it is.
    pub fn status(&self, now: DateTime<Utc>) -> SlaStatus {
        let elapsed_minutes = self.elapsed(now).num_minutes();
        let remaining_minutes = self.target_minutes - elapsed_minutes;
        let deadline = self.deadline();
        let breached = match deadline {
            Some(deadline) => deadline < now,
            None => remaining_minutes < 0,
        };
        SlaStatus {
            deadline,
            elapsed_minutes,
            remaining_minutes,
            breached,
            stopped: self.stop_reason(now),
        }
    }

    /// When each level fires: the instant the counted business time reaches the target plus
    /// the level's offset. The caller passes the levels of this clock's target kind.
    pub fn escalations(&self, levels: &[EscalationLevel]) -> Vec<Escalation> {
        levels
            .iter()
            .map(|level| Escalation {
                level: level.level,
                fires_at: self.instant_at(self.target_minutes + level.offset_minutes),
            })
            .collect()
    }

    /// Returns why the clock is not running at `now`, or `None` while it runs.
    pub fn stop_reason(&self, now: DateTime<Utc>) -> Option<StopReason> {
        let pending = self
            .stopping_pauses()
            .find(|pause| pause.start <= now && pause.end.is_none_or(|end| now < end));
        if let Some(pause) = pending {
            return Some(StopReason::Pending {
                reason: pause.reason,
            });
        }
        if self.calendar.is_open_at(now) {
            return None;
        }
        Some(StopReason::OutsideBusinessHours {
            resumes_at: self.calendar.next_opening(now),
        })
    }

    fn stopping_pauses(&self) -> impl Iterator<Item = &Pause> {
        let rules = self.rules;
        self.pauses.iter().filter(move |pause| match pause.reason {
            PendingReason::Client => true,
            PendingReason::ThirdParty => rules.third_party_stops_clock,
        })
    }

    fn stops(&self, now: DateTime<Utc>) -> Vec<Span> {
        self.stopping_pauses()
            .map(|pause| Span::new(pause.start, pause.end.unwrap_or(now).min(now)))
            .collect()
    }
}

/// KPI minutes of an event at `at` on a ticket created at `created`: business minutes on the
/// SLA clock and wall-clock minutes.
pub fn kpi_minutes(
    calendar: &Calendar,
    created: DateTime<Utc>,
    at: DateTime<Utc>,
    pauses: &[Pause],
    rules: ClockRules,
) -> KpiMinutes {
    let clock = SlaClock {
        calendar,
        created,
        target_minutes: 0,
        pauses,
        rules,
    };
    KpiMinutes {
        business: clock.elapsed(at).num_minutes(),
        wall_clock: (at - created).num_minutes().max(0),
    }
}
