//! Monthly recurring revenue (MRR) and its movements per month.
//!
//! Each client's MRR in a month is the sum of the monthly prices of its contracts in force
//! on the first day of that month, with the terms (amendments included) in force on that
//! day. Comparing a client's MRR with the month before splits the change into four
//! movements, so that `mrr = previous mrr + new + expansion − contraction − churn`:
//!
//! - new: the client had no MRR the month before and has some now;
//! - expansion: the client's MRR grew (an amendment raised the price, or another contract);
//! - contraction: the client's MRR fell but stays above zero;
//! - churn: the client had MRR the month before and has none now.

use std::collections::BTreeMap;

use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;

use crate::money::Money;

/// The MRR of one month and how it moved from the month before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MonthMrr {
    /// The first day of the month.
    pub month: NaiveDate,
    pub mrr: Money,
    pub new: Money,
    pub expansion: Money,
    pub contraction: Money,
    pub churn: Money,
}

/// Returns the first day of `count` consecutive months from the month of `from`.
pub fn month_starts(from: NaiveDate, count: u32) -> Vec<NaiveDate> {
    let first = from.with_day(1).unwrap_or(from);
    (0..count)
        .filter_map(|offset| first.checked_add_months(Months::new(offset)))
        .collect()
}

/// Computes the movements of `months`, given each client's MRR on the first day of the
/// month before the first one and of every month in `months`: `by_client` maps a client to
/// `months.len() + 1` amounts, the baseline first. A client with fewer amounts counts zero
/// for the missing months.
pub fn movements(months: &[NaiveDate], by_client: &BTreeMap<i64, Vec<Money>>) -> Vec<MonthMrr> {
    months
        .iter()
        .enumerate()
        .map(|(index, month)| {
            let mut row = MonthMrr {
                month: *month,
                mrr: Money::ZERO,
                new: Money::ZERO,
                expansion: Money::ZERO,
                contraction: Money::ZERO,
                churn: Money::ZERO,
            };
            for amounts in by_client.values() {
                let previous = amounts.get(index).copied().unwrap_or(Money::ZERO);
                let current = amounts.get(index + 1).copied().unwrap_or(Money::ZERO);
                row.mrr = row.mrr + current;
                if previous == Money::ZERO && current > Money::ZERO {
                    row.new = row.new + current;
                } else if previous > Money::ZERO && current == Money::ZERO {
                    row.churn = row.churn + previous;
                } else if current > previous {
                    row.expansion = row.expansion + (current - previous);
                } else if current < previous {
                    row.contraction = row.contraction + (previous - current);
                }
            }
            row
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(value: &str) -> NaiveDate {
        value.parse().unwrap()
    }

    fn rub(roubles: i64) -> Money {
        Money::from_kopecks(roubles * 100)
    }

    #[test]
    fn month_starts_cross_year() {
        let months = month_starts(date("2026-11-17"), 3);
        assert_eq!(
            months,
            [date("2026-11-01"), date("2026-12-01"), date("2027-01-01")]
        );
    }

    #[test]
    fn movements_split_change_by_client() {
        let months = month_starts(date("2026-02-01"), 2);
        let by_client = BTreeMap::from([
            // New in February, expands in March.
            (1, vec![rub(0), rub(1000), rub(1500)]),
            // Contracts in February, churns in March.
            (2, vec![rub(2000), rub(1200), rub(0)]),
            // Unchanged.
            (3, vec![rub(500), rub(500), rub(500)]),
        ]);

        let rows = movements(&months, &by_client);

        assert_eq!(rows[0].mrr, rub(2700));
        assert_eq!(rows[0].new, rub(1000));
        assert_eq!(rows[0].contraction, rub(800));
        assert_eq!(rows[0].expansion, Money::ZERO);
        assert_eq!(rows[0].churn, Money::ZERO);
        assert_eq!(rows[1].mrr, rub(2000));
        assert_eq!(rows[1].expansion, rub(500));
        assert_eq!(rows[1].churn, rub(1200));
        assert_eq!(rows[1].new, Money::ZERO);
    }

    #[test]
    fn movements_reconcile_with_previous_mrr() {
        let months = month_starts(date("2026-02-01"), 2);
        let by_client = BTreeMap::from([
            (1, vec![rub(100), rub(300), rub(0)]),
            (2, vec![rub(0), rub(0), rub(700)]),
            (3, vec![rub(900), rub(400), rub(450)]),
        ]);

        let rows = movements(&months, &by_client);

        let mut previous = rub(1000);
        for row in rows {
            let expected = previous + row.new + row.expansion - row.contraction - row.churn;
            assert_eq!(row.mrr, expected, "{}", row.month);
            previous = row.mrr;
        }
    }
}
