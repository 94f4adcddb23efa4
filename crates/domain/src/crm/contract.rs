//! Contracts (договоры): numbers, the status workflow, and how a contract is concluded,
//! by signature or by accepting the public offer (оферта).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use strum::{AsRefStr, Display, EnumString, IntoStaticStr, VariantArray};

use crate::{Error, Invalid};

/// Maximum contract series length in characters.
const SERIES_MAX_CHARS: usize = 10;

/// A contract number: a series and a sequence within it, printed `ДУ-00042`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ContractNumber {
    /// Capital letters (Cyrillic or Latin) and digits, 1 to 10 characters.
    pub series: String,
    /// 1 for the first contract of the series.
    pub sequence: u32,
}

impl ContractNumber {
    /// Creates a number, checking the series and that the sequence starts at 1.
    pub fn new(series: &str, sequence: u32) -> Result<Self, Invalid> {
        let series = series.trim();
        let allowed = |c: char| c.is_uppercase() || c.is_ascii_digit();
        let length = series.chars().count();
        if !(1..=SERIES_MAX_CHARS).contains(&length) || !series.chars().all(allowed) {
            return Err(Invalid::new("series", "crm-contract-series").arg("value", series));
        }
        if sequence == 0 {
            return Err(Invalid::new("number", "crm-contract-sequence").arg("value", sequence));
        }
        Ok(Self {
            series: series.to_string(),
            sequence,
        })
    }

    /// Creates the number after the series' last one. The database's unique constraint on
    /// the number settles two users taking the same one at once.
    pub fn next(series: &str, last_sequence: Option<u32>) -> Result<Self, Invalid> {
        let sequence = last_sequence.map_or(Some(1), |last| last.checked_add(1));
        let sequence = sequence.ok_or_else(|| {
            Invalid::new("number", "crm-contract-sequence").arg("value", u32::MAX)
        })?;
        Self::new(series, sequence)
    }

    /// Parses a printed number, `ДУ-00042`.
    pub fn parse(field: &str, value: &str) -> Result<Self, Invalid> {
        let invalid = || Invalid::new(field, "crm-contract-number").arg("value", value.trim());
        let (series, sequence) = value.trim().rsplit_once('-').ok_or_else(invalid)?;
        let sequence = sequence.parse::<u32>().map_err(|_| invalid())?;
        Self::new(series, sequence).map_err(|_| invalid())
    }
}

impl std::fmt::Display for ContractNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{:05}", self.series, self.sequence)
    }
}

/// The status of a contract in its life cycle.
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
pub enum ContractStatus {
    /// Being prepared; the only status in which the contract may be edited.
    Draft,
    /// Concluded and in force.
    Active,
    /// Services stopped for a time, for example for unpaid bills.
    Suspended,
    /// Ended early, by agreement or by one party.
    Terminated,
    /// Reached its end date without prolongation.
    Expired,
}

impl ContractStatus {
    /// Returns whether the contract still binds the parties.
    pub fn is_in_force(self) -> bool {
        matches!(self, ContractStatus::Active | ContractStatus::Suspended)
    }
}

/// Returns whether a contract may move from `from` to `to`: `draft → active ⇄ suspended`, and
/// `active` or `suspended` to `terminated` or `expired`, which are final.
pub fn is_allowed(from: ContractStatus, to: ContractStatus) -> bool {
    use ContractStatus::*;
    matches!(
        (from, to),
        (Draft, Active)
            | (Active, Suspended)
            | (Suspended, Active)
            | (Active | Suspended, Terminated)
            | (Active | Suspended, Expired)
    )
}

/// The way the client accepted the public offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AcceptanceMethod {
    /// By paying the first invoice (Civil Code art. 438 p. 3).
    Payment,
    /// By ticking the acceptance box in the client portal.
    PortalCheckbox,
    /// By sending a signed application form.
    SignedApplication,
}

/// The record of a public offer's acceptance, which concludes the contract without a
/// signature.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OfferAcceptance {
    pub accepted_on: NaiveDate,
    /// The offer text version the client accepted.
    pub offer_version: String,
    pub method: AcceptanceMethod,
}

/// The act that concluded a contract.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Conclusion {
    /// Signed by both parties on `signed_on`.
    Signed { signed_on: NaiveDate },
    /// Concluded by accepting the public offer.
    Offer(OfferAcceptance),
}

impl Conclusion {
    /// Returns the date the contract was concluded.
    pub fn concluded_on(&self) -> NaiveDate {
        match self {
            Conclusion::Signed { signed_on } => *signed_on,
            Conclusion::Offer(acceptance) => acceptance.accepted_on,
        }
    }
}

/// A person who signs for a party, printed "в лице {position} {full_name}, действующего
/// на основании {authority}".
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Signatory {
    /// Full name in the genitive case, as the phrase needs it.
    pub full_name: String,
    /// Position in the genitive case, such as «генерального директора».
    pub position: String,
    /// The document that grants authority, in the genitive case: «Устава», «доверенности
    /// № 12 от 01.02.2026».
    pub authority: String,
}

/// Checks a status change: the workflow allows it, and activating a draft needs a
/// signature or an offer acceptance.
pub fn check_transition(
    from: ContractStatus,
    to: ContractStatus,
    conclusion: Option<&Conclusion>,
) -> Result<(), Error> {
    if !is_allowed(from, to) {
        return Err(Error::InvalidTransition {
            labels: "contract-status",
            from: from.to_string(),
            to: to.to_string(),
        });
    }
    if from == ContractStatus::Draft && conclusion.is_none() {
        return Err(Invalid::new("conclusion", "crm-contract-not-concluded").into());
    }
    if let Some(Conclusion::Offer(acceptance)) = conclusion
        && acceptance.offer_version.trim().is_empty()
    {
        return Err(Invalid::missing("offer_version").into());
    }
    Ok(())
}

/// Returns whether a contract ending on `ends_on` has expired by `today`, which happens
/// the day after the end date unless the contract prolongs itself.
pub fn is_expired(ends_on: Option<NaiveDate>, auto_prolongation: bool, today: NaiveDate) -> bool {
    !auto_prolongation && ends_on.is_some_and(|end| today > end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ContractStatus::*;

    fn date(value: &str) -> NaiveDate {
        value.parse().unwrap()
    }

    fn signed() -> Conclusion {
        Conclusion::Signed {
            signed_on: date("2026-02-01"),
        }
    }

    #[test]
    fn number_prints_series_and_padded_sequence() {
        let number = ContractNumber::new("ДУ", 42).unwrap();
        assert_eq!(number.to_string(), "ДУ-00042");
    }

    #[test]
    fn number_parses_printed_form() {
        let number = ContractNumber::parse("number", "ДУ-00042").unwrap();
        assert_eq!(number, ContractNumber::new("ДУ", 42).unwrap());
    }

    #[test]
    fn number_parse_rejects_missing_sequence() {
        let error = ContractNumber::parse("number", "ДУ").unwrap_err();
        assert_eq!(error.key, "crm-contract-number");
    }

    #[test]
    fn next_number_starts_at_one() {
        assert_eq!(ContractNumber::next("OF", None).unwrap().sequence, 1);
        assert_eq!(ContractNumber::next("OF", Some(41)).unwrap().sequence, 42);
    }

    #[test]
    fn series_rejects_lowercase() {
        let error = ContractNumber::new("ду", 1).unwrap_err();
        assert_eq!(error.key, "crm-contract-series");
    }

    #[test]
    fn sequence_rejects_zero() {
        let error = ContractNumber::new("ДУ", 0).unwrap_err();
        assert_eq!(error.key, "crm-contract-sequence");
    }

    #[test]
    fn workflow_allows_main_path() {
        for (from, to) in [
            (Draft, Active),
            (Active, Suspended),
            (Suspended, Active),
            (Active, Terminated),
            (Suspended, Terminated),
            (Active, Expired),
        ] {
            assert!(is_allowed(from, to), "{from} → {to}");
        }
    }

    #[test]
    fn terminated_and_expired_are_final() {
        for from in [Terminated, Expired] {
            for to in [Draft, Active, Suspended, Terminated, Expired] {
                assert!(!is_allowed(from, to), "{from} → {to}");
            }
        }
    }

    #[test]
    fn draft_cannot_be_suspended() {
        let error = check_transition(Draft, Suspended, Some(&signed())).unwrap_err();
        assert!(matches!(error, Error::InvalidTransition { .. }));
    }

    #[test]
    fn activation_needs_conclusion() {
        let error = check_transition(Draft, Active, None).unwrap_err();
        assert!(matches!(error, Error::Invalid(i) if i.key == "crm-contract-not-concluded"));
    }

    #[test]
    fn activation_by_signature() {
        assert_eq!(check_transition(Draft, Active, Some(&signed())), Ok(()));
    }

    #[test]
    fn activation_by_offer_acceptance() {
        let acceptance = Conclusion::Offer(OfferAcceptance {
            accepted_on: date("2026-03-10"),
            offer_version: "2026-01".into(),
            method: AcceptanceMethod::Payment,
        });
        assert_eq!(check_transition(Draft, Active, Some(&acceptance)), Ok(()));
        assert_eq!(acceptance.concluded_on(), date("2026-03-10"));
    }

    #[test]
    fn offer_acceptance_needs_version() {
        let acceptance = Conclusion::Offer(OfferAcceptance {
            accepted_on: date("2026-03-10"),
            offer_version: " ".into(),
            method: AcceptanceMethod::PortalCheckbox,
        });
        let error = check_transition(Draft, Active, Some(&acceptance)).unwrap_err();
        assert_eq!(error, Invalid::missing("offer_version").into());
    }

    #[test]
    fn contract_expires_day_after_end() {
        let end = Some(date("2026-12-31"));
        assert!(!is_expired(end, false, date("2026-12-31")));
        assert!(is_expired(end, false, date("2027-01-01")));
    }

    #[test]
    fn prolonged_contract_does_not_expire() {
        assert!(!is_expired(
            Some(date("2026-12-31")),
            true,
            date("2027-01-01")
        ));
    }
}
