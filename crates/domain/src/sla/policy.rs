//! SLA targets: what the tariff plan or the internal policy promises per priority.

use serde::{Deserialize, Serialize};

use crate::Invalid;
use crate::calendar::Calendar;
use crate::servicedesk::Priority;

/// Code of the 24×7 calendar, which the store keys calendars by.
pub const CALENDAR_24X7: &str = "24x7";
/// Code of the default office-hours calendar, which follows the Russian production calendar.
pub const CALENDAR_OFFICE: &str = "office";

/// A target length in business time of the priority's calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlaTarget {
    /// Business minutes.
    Minutes(u32),
    /// Business days, each as long as the calendar's usual working day: 1 business day on
    /// Mon–Fri 09:00–18:00 is 540 business minutes, on a 24×7 calendar 1440.
    BusinessDays(u32),
}

impl SlaTarget {
    /// Creates a target of whole business hours.
    pub const fn hours(hours: u32) -> Self {
        SlaTarget::Minutes(hours * 60)
    }

    /// Converts the target to business minutes on `calendar`.
    pub fn minutes(self, calendar: &Calendar) -> i64 {
        match self {
            SlaTarget::Minutes(minutes) => i64::from(minutes),
            SlaTarget::BusinessDays(days) => {
                i64::from(days) * i64::from(calendar.business_day_minutes())
            }
        }
    }

    fn is_zero(self) -> bool {
        matches!(self, SlaTarget::Minutes(0) | SlaTarget::BusinessDays(0))
    }
}

/// One of a ticket's two clocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    /// Until the first public comment by staff.
    FirstResponse,
    /// Until the ticket is resolved.
    Resolution,
}

/// The targets of one priority and the calendar their clocks run on.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PriorityTargets {
    /// Calendar code, such as [`CALENDAR_24X7`] or [`CALENDAR_OFFICE`].
    pub calendar: String,
    pub first_response: SlaTarget,
    pub resolution: SlaTarget,
}

impl PriorityTargets {
    /// Returns the target of `kind`.
    pub fn target(&self, kind: TargetKind) -> SlaTarget {
        match kind {
            TargetKind::FirstResponse => self.first_response,
            TargetKind::Resolution => self.resolution,
        }
    }

    /// Checks that both targets are longer than zero and the first response does not come
    /// after the resolution on `calendar`.
    pub fn check(&self, priority: Priority, calendar: &Calendar) -> Result<(), Invalid> {
        for (field, target) in [
            ("first_response", self.first_response),
            ("resolution", self.resolution),
        ] {
            if target.is_zero() {
                return Err(Invalid::new(field, "sla-target-zero").arg("priority", priority));
            }
        }
        if self.first_response.minutes(calendar) > self.resolution.minutes(calendar) {
            return Err(
                Invalid::new("first_response", "sla-response-after-resolution")
                    .arg("priority", priority),
            );
        }
        Ok(())
    }
}

/// Targets for every priority.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SlaPolicy {
    pub p1: PriorityTargets,
    pub p2: PriorityTargets,
    pub p3: PriorityTargets,
    pub p4: PriorityTargets,
}

impl SlaPolicy {
    /// Creates the internal policy for tickets without a client, which admins may edit.
    /// First response / resolution: P1 1 h / 4 h on 24×7, and on office hours P2 4 h /
    /// 1 business day, P3 8 h / 3 business days, P4 2 / 10 business days.
    pub fn internal_default() -> Self {
        let office = |first_response, resolution| PriorityTargets {
            calendar: CALENDAR_OFFICE.to_string(),
            first_response,
            resolution,
        };
        Self {
            p1: PriorityTargets {
                calendar: CALENDAR_24X7.to_string(),
                first_response: SlaTarget::hours(1),
                resolution: SlaTarget::hours(4),
            },
            p2: office(SlaTarget::hours(4), SlaTarget::BusinessDays(1)),
            p3: office(SlaTarget::hours(8), SlaTarget::BusinessDays(3)),
            p4: office(SlaTarget::BusinessDays(2), SlaTarget::BusinessDays(10)),
        }
    }

    /// Returns the targets of `priority`.
    pub fn targets(&self, priority: Priority) -> &PriorityTargets {
        match priority {
            Priority::P1 => &self.p1,
            Priority::P2 => &self.p2,
            Priority::P3 => &self.p3,
            Priority::P4 => &self.p4,
        }
    }

    /// Replaces the targets of `priority`, as an amendment does.
    pub fn set_targets(&mut self, priority: Priority, targets: PriorityTargets) {
        match priority {
            Priority::P1 => self.p1 = targets,
            Priority::P2 => self.p2 = targets,
            Priority::P3 => self.p3 = targets,
            Priority::P4 => self.p4 = targets,
        }
    }
}

/// Contract clauses that change how the clock runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ClockRules {
    /// Whether waiting on a third party (vendor, provider) stops the clock; by default it
    /// keeps running, and only waiting on the client stops it.
    pub third_party_stops_clock: bool,
}

/// An escalation level. The store decides whom to notify, and the domain computes when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EscalationLevel {
    /// 1 for the first level, such as the queue lead.
    pub level: u8,
    /// The deadline the offset refers to.
    pub target: TargetKind,
    /// Business minutes from the deadline: negative before it, 0 at breach, positive after.
    pub offset_minutes: i64,
}

impl EscalationLevel {
    /// Creates the default levels: the queue lead 1 business hour before the resolution deadline,
    /// the head of support at breach.
    pub fn defaults() -> Vec<EscalationLevel> {
        vec![
            EscalationLevel {
                level: 1,
                target: TargetKind::Resolution,
                offset_minutes: -60,
            },
            EscalationLevel {
                level: 2,
                target: TargetKind::Resolution,
                offset_minutes: 0,
            },
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{DayHours, WeeklyHours};

    fn office() -> Calendar {
        let hours = DayHours::parse("hours", "09:00-18:00").unwrap();
        Calendar::new(
            chrono_tz::Europe::Moscow,
            WeeklyHours::five_day(hours),
            Vec::new(),
            true,
        )
        .unwrap()
    }

    #[test]
    fn internal_p1_runs_around_the_clock() {
        let policy = SlaPolicy::internal_default();
        assert_eq!(policy.targets(Priority::P1).calendar, CALENDAR_24X7);
        assert_eq!(policy.p1.first_response, SlaTarget::Minutes(60));
        assert_eq!(policy.p1.resolution, SlaTarget::Minutes(240));
    }

    #[test]
    fn internal_p2_resolves_in_one_business_day() {
        let policy = SlaPolicy::internal_default();
        assert_eq!(policy.p2.first_response, SlaTarget::Minutes(240));
        assert_eq!(policy.p2.resolution.minutes(&office()), 540);
    }

    #[test]
    fn internal_p3_resolves_in_three_business_days() {
        let policy = SlaPolicy::internal_default();
        assert_eq!(policy.p3.first_response, SlaTarget::Minutes(480));
        assert_eq!(policy.p3.resolution.minutes(&office()), 3 * 540);
    }

    #[test]
    fn internal_p4_answers_in_two_business_days() {
        let policy = SlaPolicy::internal_default();
        assert_eq!(policy.p4.first_response.minutes(&office()), 2 * 540);
        assert_eq!(policy.p4.resolution.minutes(&office()), 10 * 540);
    }

    #[test]
    fn internal_targets_pass_check() {
        let policy = SlaPolicy::internal_default();
        for priority in [Priority::P1, Priority::P2, Priority::P3, Priority::P4] {
            assert_eq!(policy.targets(priority).check(priority, &office()), Ok(()));
        }
    }

    #[test]
    fn check_rejects_zero_target() {
        let mut targets = SlaPolicy::internal_default().p2;
        targets.resolution = SlaTarget::BusinessDays(0);
        let error = targets.check(Priority::P2, &office()).unwrap_err();
        assert_eq!(error.key, "sla-target-zero");
    }

    #[test]
    fn check_rejects_response_after_resolution() {
        let mut targets = SlaPolicy::internal_default().p3;
        targets.first_response = SlaTarget::BusinessDays(4);
        let error = targets.check(Priority::P3, &office()).unwrap_err();
        assert_eq!(error.key, "sla-response-after-resolution");
    }

    #[test]
    fn set_targets_replaces_one_priority() {
        let mut policy = SlaPolicy::internal_default();
        let mut targets = policy.p3.clone();
        targets.resolution = SlaTarget::BusinessDays(5);
        policy.set_targets(Priority::P3, targets.clone());
        assert_eq!(policy.targets(Priority::P3), &targets);
        assert_eq!(policy.p2, SlaPolicy::internal_default().p2);
    }
}
