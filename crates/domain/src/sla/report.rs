//! SLA reports: MTTA, MTTR and compliance over a set of tickets, and the month a report
//! covers.

use chrono::NaiveDate;
use serde::Serialize;

use crate::Invalid;

/// Parses a report month written `YYYY-MM` and returns its first day.
pub fn parse_month(field: &str, value: &str) -> Result<NaiveDate, Invalid> {
    let invalid = || Invalid::new(field, "error-month-format").arg("value", value);
    let (year, month) = value.trim().split_once('-').ok_or_else(invalid)?;
    if year.len() != 4 || month.len() != 2 {
        return Err(invalid());
    }
    let year: i32 = year.parse().map_err(|_| invalid())?;
    let month: u32 = month.parse().map_err(|_| invalid())?;
    NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(invalid)
}

/// Returns the first day of the month after `month`.
pub fn next_month(month: NaiveDate) -> NaiveDate {
    month
        .checked_add_months(chrono::Months::new(1))
        .unwrap_or(NaiveDate::MAX)
}

/// How one ticket did against its targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TicketOutcome {
    /// Business minutes to the first public staff comment, once there is one.
    pub first_response_minutes: Option<i64>,
    /// Business minutes to resolution, once resolved.
    pub resolution_minutes: Option<i64>,
    pub first_response_breached: bool,
    pub resolution_breached: bool,
}

/// MTTA, MTTR and compliance of a set of tickets.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Compliance {
    pub tickets: i64,
    /// Tickets with a first response.
    pub responded: i64,
    pub resolved: i64,
    /// Mean business minutes to the first response (mean time to acknowledge), rounded down.
    pub mtta_minutes: Option<i64>,
    /// Mean business minutes to resolution (mean time to resolve), rounded down.
    pub mttr_minutes: Option<i64>,
    /// Tickets with at least one breached target.
    pub breached: i64,
    /// Share of tickets without a breached target, in percent with one decimal; `None`
    /// without tickets.
    pub compliance_percent: Option<f64>,
}

impl Compliance {
    /// Computes the figures of `outcomes`.
    pub fn of(outcomes: &[TicketOutcome]) -> Compliance {
        let mean = |values: Vec<i64>| {
            let count = i64::try_from(values.len()).unwrap_or(i64::MAX);
            (count > 0).then(|| values.iter().sum::<i64>() / count)
        };
        let responded: Vec<i64> = outcomes
            .iter()
            .filter_map(|o| o.first_response_minutes)
            .collect();
        let resolved: Vec<i64> = outcomes
            .iter()
            .filter_map(|o| o.resolution_minutes)
            .collect();
        let tickets = i64::try_from(outcomes.len()).unwrap_or(i64::MAX);
        let breached = i64::try_from(
            outcomes
                .iter()
                .filter(|o| o.first_response_breached || o.resolution_breached)
                .count(),
        )
        .unwrap_or(i64::MAX);
        let compliance_percent = (tickets > 0).then(|| {
            let permille = (tickets - breached) * 1000 / tickets;
            permille as f64 / 10.0
        });
        Compliance {
            tickets,
            responded: i64::try_from(responded.len()).unwrap_or(i64::MAX),
            resolved: i64::try_from(resolved.len()).unwrap_or(i64::MAX),
            mtta_minutes: mean(responded),
            mttr_minutes: mean(resolved),
            breached,
            compliance_percent,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_parses_first_day() {
        assert_eq!(
            parse_month("month", "2026-03"),
            Ok(NaiveDate::from_ymd_opt(2026, 3, 1).unwrap())
        );
    }

    #[test]
    fn month_rejects_other_forms() {
        for value in ["2026-3", "2026-13", "03-2026", "2026/03", "", "2026-03-01"] {
            let error = parse_month("month", value).unwrap_err();
            assert_eq!(error.key, "error-month-format", "{value}");
        }
    }

    #[test]
    fn next_month_wraps_year() {
        let december = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(
            next_month(december),
            NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()
        );
    }

    #[test]
    fn compliance_means_and_share() {
        let outcomes = [
            TicketOutcome {
                first_response_minutes: Some(30),
                resolution_minutes: Some(300),
                ..TicketOutcome::default()
            },
            TicketOutcome {
                first_response_minutes: Some(90),
                resolution_breached: true,
                ..TicketOutcome::default()
            },
            TicketOutcome::default(),
        ];
        let figures = Compliance::of(&outcomes);
        assert_eq!(figures.tickets, 3);
        assert_eq!(figures.responded, 2);
        assert_eq!(figures.resolved, 1);
        assert_eq!(figures.mtta_minutes, Some(60));
        assert_eq!(figures.mttr_minutes, Some(300));
        assert_eq!(figures.breached, 1);
        assert_eq!(figures.compliance_percent, Some(66.6));
    }

    #[test]
    fn compliance_of_nothing_is_empty() {
        let figures = Compliance::of(&[]);
        assert_eq!(figures.tickets, 0);
        assert_eq!(figures.mtta_minutes, None);
        assert_eq!(figures.compliance_percent, None);
    }
}
