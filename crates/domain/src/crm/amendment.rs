//! Contract terms over time. An amendment (дополнительное соглашение) changes some terms
//! from its effective date. The terms on a date are the base terms with every amendment
//! effective on or before that date applied in order of effective date.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::tariff::{LimitKind, Limits, PlanRef};
use crate::Invalid;
use crate::money::Money;
use crate::servicedesk::Priority;
use crate::sla::{ClockRules, PriorityTargets, SlaPolicy};

/// The terms a contract grants on a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Terms {
    pub plan: PlanRef,
    pub monthly_price: Money,
    pub limits: Limits,
    /// First day of service, a calendar date.
    pub starts_on: NaiveDate,
    /// Last day of service; `None` for an open-ended contract.
    pub ends_on: Option<NaiveDate>,
    pub auto_prolongation: bool,
    pub sla: SlaPolicy,
    pub clock_rules: ClockRules,
}

/// The terms an amendment changes; everything left `None` or empty stays as it was.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermsChange {
    pub plan: Option<PlanRef>,
    pub monthly_price: Option<Money>,
    /// New values of single limits; `None` as the value makes the limit unlimited.
    pub limits: Vec<(LimitKind, Option<u64>)>,
    /// A new end date; `Some(None)` makes the contract open-ended.
    pub ends_on: Option<Option<NaiveDate>>,
    pub auto_prolongation: Option<bool>,
    /// New targets of single priorities.
    pub sla: SlaChange,
    pub clock_rules: Option<ClockRules>,
}

impl TermsChange {
    /// Returns whether the change leaves every term as it was.
    pub fn is_empty(&self) -> bool {
        *self == TermsChange::default()
    }

    fn apply(&self, terms: &mut Terms) {
        if let Some(plan) = &self.plan {
            terms.plan = plan.clone();
        }
        if let Some(price) = self.monthly_price {
            terms.monthly_price = price;
        }
        for &(kind, value) in &self.limits {
            terms.limits.set(kind, value);
        }
        if let Some(ends_on) = self.ends_on {
            terms.ends_on = ends_on;
        }
        if let Some(auto_prolongation) = self.auto_prolongation {
            terms.auto_prolongation = auto_prolongation;
        }
        for (priority, targets) in self.sla.changed() {
            terms.sla.set_targets(priority, targets.clone());
        }
        if let Some(rules) = self.clock_rules {
            terms.clock_rules = rules;
        }
    }
}

/// New SLA targets of the priorities an amendment changes; `None` keeps a priority's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaChange {
    pub p1: Option<PriorityTargets>,
    pub p2: Option<PriorityTargets>,
    pub p3: Option<PriorityTargets>,
    pub p4: Option<PriorityTargets>,
}

impl SlaChange {
    /// Lists the changed priorities with their new targets.
    pub fn changed(&self) -> impl Iterator<Item = (Priority, &PriorityTargets)> {
        [
            (Priority::P1, &self.p1),
            (Priority::P2, &self.p2),
            (Priority::P3, &self.p3),
            (Priority::P4, &self.p4),
        ]
        .into_iter()
        .filter_map(|(priority, targets)| Some((priority, targets.as_ref()?)))
    }
}

/// An amendment to a contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amendment {
    /// The amendment's own number, as printed.
    pub number: String,
    pub signed_on: NaiveDate,
    /// First day the changes apply; it may precede `signed_on` (Civil Code art. 425 p. 2).
    pub effective_on: NaiveDate,
    pub changes: TermsChange,
}

impl Amendment {
    /// Checks that the amendment has a number, changes something and does not end the
    /// contract before it starts.
    pub fn check(&self, base: &Terms) -> Result<(), Invalid> {
        if self.number.trim().is_empty() {
            return Err(Invalid::missing("number"));
        }
        if self.changes.is_empty() {
            return Err(Invalid::new("changes", "crm-amendment-empty"));
        }
        if let Some(Some(end)) = self.changes.ends_on
            && end < base.starts_on
        {
            return Err(Invalid::new("ends_on", "crm-end-before-start")
                .arg("start", base.starts_on)
                .arg("end", end));
        }
        Ok(())
    }
}

/// The terms on a date and the amendments that shaped them, in the order applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermsOnDate {
    pub terms: Terms,
    pub applied: Vec<String>,
}

/// Computes the terms in force on `date`: `base` with every amendment effective on or before `date`
/// applied in order of effective date, then signing date, then number.
pub fn terms_on(base: &Terms, amendments: &[Amendment], date: NaiveDate) -> TermsOnDate {
    let mut terms = base.clone();
    let mut applied = Vec::new();
    for amendment in in_order(amendments).filter(|a| a.effective_on <= date) {
        amendment.changes.apply(&mut terms);
        applied.push(amendment.number.clone());
    }
    TermsOnDate { terms, applied }
}

/// Lists the history of changes: for each amendment in the order applied, its effective date,
/// its number and the terms from that date on.
pub fn terms_history(base: &Terms, amendments: &[Amendment]) -> Vec<(NaiveDate, String, Terms)> {
    let mut terms = base.clone();
    in_order(amendments)
        .map(|amendment| {
            amendment.changes.apply(&mut terms);
            (
                amendment.effective_on,
                amendment.number.clone(),
                terms.clone(),
            )
        })
        .collect()
}

fn in_order(amendments: &[Amendment]) -> impl Iterator<Item = &Amendment> {
    let mut sorted: Vec<&Amendment> = amendments.iter().collect();
    sorted.sort_by(|a, b| {
        (a.effective_on, a.signed_on, &a.number).cmp(&(b.effective_on, b.signed_on, &b.number))
    });
    sorted.into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sla::SlaTarget;

    fn date(value: &str) -> NaiveDate {
        value.parse().unwrap()
    }

    fn base() -> Terms {
        Terms {
            plan: PlanRef {
                code: "start".into(),
                version: 1,
            },
            monthly_price: Money::from_kopecks(199_000),
            limits: Limits {
                products: Some(500),
                ..Limits::default()
            },
            starts_on: date("2026-01-01"),
            ends_on: Some(date("2026-12-31")),
            auto_prolongation: false,
            sla: SlaPolicy::internal_default(),
            clock_rules: ClockRules::default(),
        }
    }

    fn amendment(number: &str, effective_on: &str, changes: TermsChange) -> Amendment {
        Amendment {
            number: number.into(),
            signed_on: date("2026-01-15"),
            effective_on: date(effective_on),
            changes,
        }
    }

    fn price(kopecks: i64) -> TermsChange {
        TermsChange {
            monthly_price: Some(Money::from_kopecks(kopecks)),
            ..TermsChange::default()
        }
    }

    fn amendments() -> Vec<Amendment> {
        let plan = TermsChange {
            plan: Some(PlanRef {
                code: "business".into(),
                version: 3,
            }),
            limits: vec![(LimitKind::Products, None)],
            ..TermsChange::default()
        };
        let term = TermsChange {
            ends_on: Some(Some(date("2027-12-31"))),
            auto_prolongation: Some(true),
            ..TermsChange::default()
        };
        // Listed out of order on purpose: application follows the effective date.
        vec![
            amendment("ДС-3", "2026-09-01", term),
            amendment("ДС-1", "2026-03-01", price(249_000)),
            amendment("ДС-2", "2026-06-01", plan),
        ]
    }

    #[test]
    fn terms_before_amendments_are_base() {
        let on = terms_on(&base(), &amendments(), date("2026-02-28"));
        assert_eq!(on.terms, base());
        assert!(on.applied.is_empty());
    }

    #[test]
    fn amendment_applies_from_effective_date() {
        let on = terms_on(&base(), &amendments(), date("2026-03-01"));
        assert_eq!(on.terms.monthly_price, Money::from_kopecks(249_000));
        assert_eq!(on.applied, ["ДС-1"]);
    }

    #[test]
    fn amendments_apply_in_effective_order() {
        let on = terms_on(&base(), &amendments(), date("2026-10-01"));
        assert_eq!(on.applied, ["ДС-1", "ДС-2", "ДС-3"]);
        assert_eq!(on.terms.plan.code, "business");
        assert_eq!(on.terms.limits.products, None);
        assert_eq!(on.terms.ends_on, Some(date("2027-12-31")));
        assert!(on.terms.auto_prolongation);
    }

    #[test]
    fn later_amendment_overrides_earlier_price() {
        let mut list = amendments();
        list.push(amendment("ДС-4", "2026-07-01", price(299_000)));
        let on = terms_on(&base(), &list, date("2026-07-01"));
        assert_eq!(on.terms.monthly_price, Money::from_kopecks(299_000));
    }

    #[test]
    fn same_day_amendments_follow_signing_date() {
        let mut first = amendment("ДС-9", "2026-04-01", price(100_000));
        first.signed_on = date("2026-03-01");
        let mut second = amendment("ДС-10", "2026-04-01", price(200_000));
        second.signed_on = date("2026-03-20");
        let on = terms_on(&base(), &[second, first], date("2026-04-01"));
        assert_eq!(on.terms.monthly_price, Money::from_kopecks(200_000));
    }

    #[test]
    fn amendment_changes_sla_target_of_one_priority() {
        let mut targets = SlaPolicy::internal_default().p2;
        targets.resolution = SlaTarget::hours(6);
        let change = TermsChange {
            sla: SlaChange {
                p2: Some(targets.clone()),
                ..SlaChange::default()
            },
            ..TermsChange::default()
        };
        let list = [amendment("ДС-1", "2026-05-01", change)];
        let on = terms_on(&base(), &list, date("2026-05-01"));
        assert_eq!(on.terms.sla.p2, targets);
        assert_eq!(on.terms.sla.p3, base().sla.p3);
    }

    #[test]
    fn history_lists_terms_after_each_amendment() {
        let history = terms_history(&base(), &amendments());
        let numbers: Vec<&str> = history.iter().map(|(_, n, _)| n.as_str()).collect();
        assert_eq!(numbers, ["ДС-1", "ДС-2", "ДС-3"]);
        assert_eq!(history[0].2.monthly_price, Money::from_kopecks(249_000));
    }

    #[test]
    fn empty_amendment_is_rejected() {
        let empty = amendment("ДС-1", "2026-05-01", TermsChange::default());
        assert_eq!(empty.check(&base()).unwrap_err().key, "crm-amendment-empty");
    }

    #[test]
    fn amendment_cannot_end_before_start() {
        let change = TermsChange {
            ends_on: Some(Some(date("2025-12-31"))),
            ..TermsChange::default()
        };
        let early = amendment("ДС-1", "2026-05-01", change);
        assert_eq!(
            early.check(&base()).unwrap_err().key,
            "crm-end-before-start"
        );
    }
}
