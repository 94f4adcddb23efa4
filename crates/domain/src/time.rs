//! Instants as Vitrina stores them.

use chrono::{DateTime, SubsecRound, Utc};

/// Truncates an instant to whole microseconds, the precision both databases keep, so a value
/// read back compares equal to the value written.
pub fn to_stored(instant: DateTime<Utc>) -> DateTime<Utc> {
    instant.trunc_subsecs(6)
}

/// Returns the current instant at storage precision.
pub fn now() -> DateTime<Utc> {
    to_stored(Utc::now())
}
