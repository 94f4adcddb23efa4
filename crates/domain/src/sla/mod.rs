//! The SLA: targets per priority in business time of a calendar, and the clock that turns
//! a ticket's creation, pending intervals and the calendar into deadlines, remaining time,
//! escalation instants and KPI minutes.

mod clock;
mod policy;
pub mod report;
mod strictest;
mod ticket;

pub use clock::{Escalation, KpiMinutes, Pause, SlaClock, SlaStatus, StopReason, kpi_minutes};
pub use policy::{
    CALENDAR_24X7, CALENDAR_OFFICE, ClockRules, EscalationLevel, PriorityTargets, SlaPolicy,
    SlaTarget, TargetKind,
};
pub use strictest::{Candidate, strictest};
pub use ticket::{AT_RISK_PERCENT, TargetState, TicketSla, TicketTimes, ticket_sla};

#[cfg(test)]
mod tests;
