//! Claims (претензии): the pre-trial dispute workflow, the outcome amount and the response
//! deadline.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use strum::{AsRefStr, Display, EnumString, IntoStaticStr, VariantArray};

use crate::calendar::production::ProductionCalendar;
use crate::money::Money;
use crate::{Error, Invalid};

/// The pre-trial term when neither the law nor the contract sets another: 30 calendar days
/// from the day the claim was sent (Arbitration Procedure Code art. 4 part 5).
pub const STATUTORY_ANSWER_DAYS: u16 = 30;

/// The direction of a claim, by who sent it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimDirection {
    /// A client's claim against the company.
    Incoming,
    /// The company's claim against a client.
    Outgoing,
}

/// The status of a claim in its workflow.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    Display,
    EnumString,
    AsRefStr,
    IntoStaticStr,
    VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ClaimStatus {
    Received,
    UnderReview,
    Accepted,
    PartlyAccepted,
    Rejected,
    /// Paid, offset or otherwise closed; final.
    Settled,
}

/// Returns whether a claim may move from `from` to `to`: `received → under_review → accepted /
/// partly_accepted / rejected → settled`.
pub fn is_allowed(from: ClaimStatus, to: ClaimStatus) -> bool {
    use ClaimStatus::*;
    matches!(
        (from, to),
        (Received, UnderReview)
            | (UnderReview, Accepted | PartlyAccepted | Rejected)
            | (Accepted | PartlyAccepted | Rejected, Settled)
    )
}

/// Checks a status change and the outcome amount it needs: the full claimed amount when
/// accepted, more than zero and less than claimed when partly accepted, zero when rejected.
/// Returns the outcome to store; an accepted claim without one gets the claimed amount.
pub fn check_transition(
    from: ClaimStatus,
    to: ClaimStatus,
    claimed: Money,
    outcome: Option<Money>,
) -> Result<Option<Money>, Error> {
    if !is_allowed(from, to) {
        return Err(Error::InvalidTransition {
            labels: "dispute-status",
            from: from.to_string(),
            to: to.to_string(),
        });
    }

    let out_of_range = |value: Money| {
        Invalid::new("outcome_amount", "crm-claim-outcome")
            .arg("status", to)
            .arg("value", value)
            .arg("claimed", claimed)
    };
    match (to, outcome) {
        (ClaimStatus::Accepted, None) => Ok(Some(claimed)),
        (ClaimStatus::Accepted, Some(value)) if value != claimed => Err(out_of_range(value).into()),
        (ClaimStatus::PartlyAccepted, None) => Err(Invalid::missing("outcome_amount").into()),
        (ClaimStatus::PartlyAccepted, Some(value)) if value <= Money::ZERO || value >= claimed => {
            Err(out_of_range(value).into())
        }
        (ClaimStatus::Rejected, Some(value)) if value != Money::ZERO => {
            Err(out_of_range(value).into())
        }
        (ClaimStatus::Rejected, None) => Ok(Some(Money::ZERO)),
        (_, outcome) => Ok(outcome),
    }
}

/// Checks the amount claimed: more than zero.
pub fn check_claimed_amount(amount: Money) -> Result<(), Invalid> {
    if amount <= Money::ZERO {
        return Err(Invalid::new("claimed_amount", "crm-claim-amount").arg("value", amount));
    }
    Ok(())
}

/// The term within which the response to a claim is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerTerm {
    /// Calendar days from the day the claim was sent: the statutory term.
    CalendarDaysFromSent(u16),
    /// Working days from the day the claim was received, as many contracts set.
    WorkingDaysFromReceipt(u16),
}

impl Default for AnswerTerm {
    fn default() -> Self {
        AnswerTerm::CalendarDaysFromSent(STATUTORY_ANSWER_DAYS)
    }
}

/// Computes the last day to respond. The term counts from the day after the start date (Civil Code
/// art. 191), and a last day that is not a working day moves to the next working day
/// (art. 193), so 30 days from 1 April 2026 end on 4 May, not on the 1 May holiday.
pub fn answer_deadline(
    term: AnswerTerm,
    sent_on: NaiveDate,
    received_on: Option<NaiveDate>,
    calendar: &ProductionCalendar,
) -> Result<NaiveDate, Invalid> {
    let term_error = |days: u16| Invalid::new("answer_term", "crm-claim-term").arg("days", days);
    match term {
        AnswerTerm::CalendarDaysFromSent(0) | AnswerTerm::WorkingDaysFromReceipt(0) => {
            Err(term_error(0))
        }
        AnswerTerm::CalendarDaysFromSent(days) => {
            let last = sent_on + Duration::days(i64::from(days));
            Ok(calendar.working_day_on_or_after(last))
        }
        AnswerTerm::WorkingDaysFromReceipt(days) => {
            let received_on = received_on.ok_or_else(|| Invalid::missing("received_on"))?;
            let mut working = received_on
                .iter_days()
                .skip(1)
                .filter(|day| calendar.is_working_day(*day));
            // Only the end of chrono's date range could run out of working days.
            working
                .nth(usize::from(days) - 1)
                .ok_or_else(|| term_error(days))
        }
    }
}

/// A deadline seen from today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state", content = "days")]
pub enum DeadlineState {
    /// Calendar days left after today; 0 when today is the last day.
    DaysLeft(i64),
    /// Calendar days since the last day.
    Overdue(i64),
}

/// Compares `today` with `deadline`, the last day to respond.
pub fn deadline_state(deadline: NaiveDate, today: NaiveDate) -> DeadlineState {
    let days = (deadline - today).num_days();
    if days >= 0 {
        DeadlineState::DaysLeft(days)
    } else {
        DeadlineState::Overdue(-days)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ClaimStatus::*;

    fn date(value: &str) -> NaiveDate {
        value.parse().unwrap()
    }

    fn russia() -> ProductionCalendar {
        ProductionCalendar::russia().unwrap()
    }

    fn rub(kopecks: i64) -> Money {
        Money::from_kopecks(kopecks)
    }

    #[test]
    fn thirty_days_from_april_first_end_may_fourth() {
        let deadline = answer_deadline(AnswerTerm::default(), date("2026-04-01"), None, &russia());
        assert_eq!(deadline, Ok(date("2026-05-04")));
    }

    #[test]
    fn thirty_days_ending_on_working_day_stay() {
        let deadline = answer_deadline(AnswerTerm::default(), date("2026-03-02"), None, &russia());
        assert_eq!(deadline, Ok(date("2026-04-01")));
    }

    #[test]
    fn calendar_term_counts_from_sent_not_received() {
        let deadline = answer_deadline(
            AnswerTerm::default(),
            date("2026-04-01"),
            Some(date("2026-04-10")),
            &russia(),
        );
        assert_eq!(deadline, Ok(date("2026-05-04")));
    }

    #[test]
    fn working_days_from_receipt_skip_holidays() {
        // Received Wednesday 29 April 2026: 30 April, then 4, 5, 6, 7 May.
        let deadline = answer_deadline(
            AnswerTerm::WorkingDaysFromReceipt(5),
            date("2026-04-20"),
            Some(date("2026-04-29")),
            &russia(),
        );
        assert_eq!(deadline, Ok(date("2026-05-07")));
    }

    #[test]
    fn working_days_need_receipt_date() {
        let deadline = answer_deadline(
            AnswerTerm::WorkingDaysFromReceipt(10),
            date("2026-04-01"),
            None,
            &russia(),
        );
        assert_eq!(deadline, Err(Invalid::missing("received_on")));
    }

    #[test]
    fn zero_day_term_is_rejected() {
        let deadline = answer_deadline(
            AnswerTerm::WorkingDaysFromReceipt(0),
            date("2026-04-01"),
            Some(date("2026-04-02")),
            &russia(),
        );
        assert_eq!(deadline.unwrap_err().key, "crm-claim-term");
    }

    #[test]
    fn deadline_state_counts_days_left() {
        let deadline = date("2026-05-04");
        assert_eq!(
            deadline_state(deadline, date("2026-04-30")),
            DeadlineState::DaysLeft(4)
        );
        assert_eq!(
            deadline_state(deadline, date("2026-05-04")),
            DeadlineState::DaysLeft(0)
        );
    }

    #[test]
    fn deadline_state_flags_overdue() {
        let state = deadline_state(date("2026-05-04"), date("2026-05-06"));
        assert_eq!(state, DeadlineState::Overdue(2));
    }

    #[test]
    fn workflow_allows_main_path() {
        for (from, to) in [
            (Received, UnderReview),
            (UnderReview, Accepted),
            (UnderReview, PartlyAccepted),
            (UnderReview, Rejected),
            (Accepted, Settled),
            (PartlyAccepted, Settled),
            (Rejected, Settled),
        ] {
            assert!(is_allowed(from, to), "{from} → {to}");
        }
    }

    #[test]
    fn received_cannot_skip_review() {
        let error = check_transition(Received, Accepted, rub(1000), None).unwrap_err();
        assert!(matches!(error, Error::InvalidTransition { .. }));
    }

    #[test]
    fn settled_is_final() {
        for to in [Received, UnderReview, Accepted, PartlyAccepted, Rejected] {
            assert!(!is_allowed(Settled, to), "settled → {to}");
        }
    }

    #[test]
    fn accepted_defaults_to_claimed_amount() {
        let outcome = check_transition(UnderReview, Accepted, rub(1000), None);
        assert_eq!(outcome, Ok(Some(rub(1000))));
    }

    #[test]
    fn partly_accepted_needs_amount_below_claimed() {
        let error = check_transition(UnderReview, PartlyAccepted, rub(1000), Some(rub(1000)));
        assert!(matches!(error, Err(Error::Invalid(i)) if i.key == "crm-claim-outcome"));
    }

    #[test]
    fn partly_accepted_keeps_amount() {
        let outcome = check_transition(UnderReview, PartlyAccepted, rub(1000), Some(rub(400)));
        assert_eq!(outcome, Ok(Some(rub(400))));
    }

    #[test]
    fn partly_accepted_requires_amount() {
        let error = check_transition(UnderReview, PartlyAccepted, rub(1000), None);
        assert_eq!(error, Err(Invalid::missing("outcome_amount").into()));
    }

    #[test]
    fn rejected_outcome_is_zero() {
        let outcome = check_transition(UnderReview, Rejected, rub(1000), None);
        assert_eq!(outcome, Ok(Some(Money::ZERO)));
        let error = check_transition(UnderReview, Rejected, rub(1000), Some(rub(1)));
        assert!(error.is_err());
    }

    #[test]
    fn claimed_amount_must_be_positive() {
        assert_eq!(
            check_claimed_amount(rub(0)).unwrap_err().key,
            "crm-claim-amount"
        );
        assert_eq!(check_claimed_amount(rub(1)), Ok(()));
    }
}
