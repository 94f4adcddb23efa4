//! Commercial report figures that need every contract's terms over time: MRR by month with
//! its movements, and the contracts ending soon. See [`domain::crm::mrr`] for the method.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use domain::crm::ContractStatus;
use domain::crm::amendment::{Amendment, Terms, terms_on};
use domain::crm::mrr::{MonthMrr, movements};
use domain::money::Money;

use super::amendments::{self, base_terms};
use super::contracts::{self, Contract, ListQuery};
use super::tariffs;
use crate::{Db, Error, Result};

/// Contracts a report reads at most.
// TODO: page through contracts when a company has more than this.
const CONTRACT_LIMIT: i64 = 100_000;

/// A concluded contract with its base terms and amendments.
struct History {
    contract: Contract,
    base: Terms,
    amendments: Vec<Amendment>,
    /// The day a terminated or expired contract ended: the date of its last status change
    /// in Moscow, because a concluded contract changes only by status.
    ended_on: Option<NaiveDate>,
}

impl History {
    /// Returns the monthly price in force on `date`, or zero when the contract is not in
    /// force. A contract past its end date stays in force while it prolongs itself and is still
    /// active or suspended.
    fn price_on(&self, date: NaiveDate) -> Money {
        let terms = terms_on(&self.base, &self.amendments, date).terms;
        if date < terms.starts_on || self.ended_on.is_some_and(|end| date > end) {
            return Money::ZERO;
        }
        let in_force = match terms.ends_on {
            None => true,
            Some(end) => date <= end || (terms.auto_prolongation && self.ended_on.is_none()),
        };
        if in_force {
            terms.monthly_price
        } else {
            Money::ZERO
        }
    }
}

async fn histories(db: &Db) -> Result<Vec<History>> {
    let query = ListQuery {
        limit: CONTRACT_LIMIT,
        ..ListQuery::default()
    };
    let (found, _) = contracts::list(db, &query).await?;
    let mut histories = Vec::new();
    for contract in found {
        if contract.status == ContractStatus::Draft {
            continue;
        }
        let plan = tariffs::get(db, contract.plan_id)
            .await?
            .ok_or_else(|| Error::Corrupt(format!("contract {}: no plan", contract.id)))?;
        let base = base_terms(&contract, &plan);
        let amendments = amendments::list(db, contract.id)
            .await?
            .into_iter()
            .map(|stored| stored.amendment)
            .collect();
        let ended_on = matches!(
            contract.status,
            ContractStatus::Terminated | ContractStatus::Expired
        )
        .then(|| {
            contract
                .updated_at
                .with_timezone(&chrono_tz::Europe::Moscow)
                .date_naive()
        });
        histories.push(History {
            contract,
            base,
            amendments,
            ended_on,
        });
    }
    Ok(histories)
}

/// Computes MRR and its movements for `months` (first days of months, in order), comparing
/// the first with the month before it. Drafts are left out.
pub async fn mrr(db: &Db, months: &[NaiveDate]) -> Result<Vec<MonthMrr>> {
    let Some(first) = months.first() else {
        return Ok(Vec::new());
    };
    let baseline = first
        .checked_sub_months(chrono::Months::new(1))
        .unwrap_or(*first);
    let mut dates = vec![baseline];
    dates.extend_from_slice(months);

    let mut by_client: BTreeMap<i64, Vec<Money>> = BTreeMap::new();
    for history in histories(db).await? {
        let amounts = by_client
            .entry(history.contract.client_id)
            .or_insert_with(|| vec![Money::ZERO; dates.len()]);
        for (slot, date) in amounts.iter_mut().zip(&dates) {
            *slot = *slot + history.price_on(*date);
        }
    }
    Ok(movements(months, &by_client))
}

/// A contract in force whose last day is near.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndingContract {
    pub id: i64,
    pub number: String,
    pub client_id: i64,
    pub client_name: String,
    /// The last day of service by the terms in force today.
    pub ends_on: NaiveDate,
    /// Calendar days from today to the last day.
    pub days_left: i64,
    /// Whether the contract prolongs itself after that day.
    pub auto_prolongation: bool,
}

/// Lists active and suspended contracts whose last day, by today's terms, falls within
/// `days` days from `today` (today included), the nearest first.
pub async fn ending(db: &Db, today: NaiveDate, days: i64) -> Result<Vec<EndingContract>> {
    let mut ending = Vec::new();
    for history in histories(db).await? {
        if !matches!(
            history.contract.status,
            ContractStatus::Active | ContractStatus::Suspended
        ) {
            continue;
        }
        let terms = terms_on(&history.base, &history.amendments, today).terms;
        let Some(ends_on) = terms.ends_on else {
            continue;
        };
        let days_left = (ends_on - today).num_days();
        if !(0..=days).contains(&days_left) {
            continue;
        }
        ending.push(EndingContract {
            id: history.contract.id,
            number: history.contract.number.to_string(),
            client_id: history.contract.client_id,
            client_name: history.contract.client_name.clone(),
            ends_on,
            days_left,
            auto_prolongation: terms.auto_prolongation,
        });
    }
    ending.sort_by_key(|contract| (contract.ends_on, contract.id));
    Ok(ending)
}
