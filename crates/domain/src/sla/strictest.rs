//! The choice of the strictest SLA among several contracts, for an incident that affects
//! several clients.

use chrono::{DateTime, Utc};

/// One contract's targets for a ticket's priority, as deadlines counted from the ticket's
/// creation on that contract's calendar. `None` is a deadline the calendar cannot give.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate<T> {
    pub id: T,
    pub resolution_due: Option<DateTime<Utc>>,
    pub first_response_due: Option<DateTime<Utc>>,
}

/// Picks the strictest candidate: the earliest resolution deadline, on a tie the earliest
/// first-response deadline, on a further tie the first in the given order. A missing
/// deadline counts as later than any other. Comparing deadlines rather than raw minutes
/// keeps targets on a 24×7 calendar and on office hours comparable.
pub fn strictest<T>(candidates: Vec<Candidate<T>>) -> Option<T> {
    let key = |c: &Candidate<T>| {
        (
            c.resolution_due.unwrap_or(DateTime::<Utc>::MAX_UTC),
            c.first_response_due.unwrap_or(DateTime::<Utc>::MAX_UTC),
        )
    };
    let mut best: Option<Candidate<T>> = None;
    for candidate in candidates {
        let better = match &best {
            Some(current) => key(&candidate) < key(current),
            None => true,
        };
        if better {
            best = Some(candidate);
        }
    }
    best.map(|c| c.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Option<DateTime<Utc>> {
        Some(text.parse().unwrap())
    }

    fn candidate(id: i64, resolution: &str, first_response: &str) -> Candidate<i64> {
        Candidate {
            id,
            resolution_due: at(resolution),
            first_response_due: at(first_response),
        }
    }

    #[test]
    fn earliest_resolution_wins() {
        let picked = strictest(vec![
            candidate(1, "2026-03-02T18:00:00Z", "2026-03-02T11:00:00Z"),
            candidate(2, "2026-03-02T14:00:00Z", "2026-03-02T12:00:00Z"),
        ]);
        assert_eq!(picked, Some(2));
    }

    #[test]
    fn tie_goes_to_earliest_first_response() {
        let picked = strictest(vec![
            candidate(1, "2026-03-02T14:00:00Z", "2026-03-02T12:00:00Z"),
            candidate(2, "2026-03-02T14:00:00Z", "2026-03-02T11:00:00Z"),
        ]);
        assert_eq!(picked, Some(2));
    }

    #[test]
    fn full_tie_keeps_first() {
        let picked = strictest(vec![
            candidate(7, "2026-03-02T14:00:00Z", "2026-03-02T11:00:00Z"),
            candidate(3, "2026-03-02T14:00:00Z", "2026-03-02T11:00:00Z"),
        ]);
        assert_eq!(picked, Some(7));
    }

    #[test]
    fn missing_deadline_counts_as_latest() {
        let missing = Candidate {
            id: 1,
            resolution_due: None,
            first_response_due: None,
        };
        let picked = strictest(vec![
            missing,
            candidate(2, "2036-03-02T14:00:00Z", "2036-03-02T11:00:00Z"),
        ]);
        assert_eq!(picked, Some(2));
    }

    #[test]
    fn no_candidates_gives_none() {
        assert_eq!(strictest::<i64>(Vec::new()), None);
    }
}
