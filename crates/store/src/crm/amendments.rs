//! Amendments (дополнительные соглашения) to concluded contracts, and the terms a contract
//! grants on a date: the base terms with every amendment effective by then applied.

use chrono::{DateTime, NaiveDate, Utc};
use domain::crm::amendment::terms_history;
use domain::crm::{Amendment, ContractStatus, PlanVat, Terms, TermsChange, TermsOnDate, terms_on};
use domain::sla::ClockRules;
use domain::{Error as DomainError, Invalid};
use serde_json::json;

use super::contracts::{self, Contract};
use super::tariffs::{self, Plan};
use crate::identity::audit::{self, Author};
use crate::{Db, Error, Result, Tx, args};

/// A stored amendment.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredAmendment {
    pub id: i64,
    pub contract_id: i64,
    pub amendment: Amendment,
    /// The plan version the amendment moves the contract to, if it changes the plan.
    pub plan_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    contract_id: i64,
    number: String,
    signed_on: NaiveDate,
    effective_on: NaiveDate,
    changes: String,
    plan_id: Option<i64>,
    created_at: DateTime<Utc>,
}

impl TryFrom<Row> for StoredAmendment {
    type Error = Error;

    fn try_from(row: Row) -> Result<StoredAmendment> {
        let changes: TermsChange = serde_json::from_str(&row.changes)
            .map_err(|e| Error::Corrupt(format!("amendment {}: changes {e}", row.id)))?;
        Ok(StoredAmendment {
            id: row.id,
            contract_id: row.contract_id,
            amendment: Amendment {
                number: row.number,
                signed_on: row.signed_on,
                effective_on: row.effective_on,
                changes,
            },
            plan_id: row.plan_id,
            created_at: row.created_at,
        })
    }
}

const SELECT: &str = "SELECT id, contract_id, number, signed_on, effective_on, changes, plan_id, \
    created_at FROM contract_amendments";

/// Lists a contract's amendments in the order they apply.
pub async fn list(db: &Db, contract_id: i64) -> Result<Vec<StoredAmendment>> {
    let rows: Vec<Row> = db
        .fetch_all(
            crate::Sql::assembled(format!(
                "{SELECT} WHERE contract_id = $1 ORDER BY effective_on, signed_on, number"
            )),
            args![contract_id],
        )
        .await?;
    rows.into_iter().map(StoredAmendment::try_from).collect()
}

/// Lists a contract's amendments inside a transaction, in the order they were added.
pub async fn list_in(tx: &mut Tx, contract_id: i64) -> Result<Vec<StoredAmendment>> {
    let rows: Vec<Row> = tx
        .fetch_all(
            crate::Sql::assembled(format!("{SELECT} WHERE contract_id = $1 ORDER BY id")),
            args![contract_id],
        )
        .await?;
    rows.into_iter().map(StoredAmendment::try_from).collect()
}

/// Finds an amendment by id.
pub async fn get(db: &Db, id: i64) -> Result<Option<StoredAmendment>> {
    let row: Option<Row> = db
        .fetch_optional(
            crate::Sql::assembled(format!("{SELECT} WHERE id = $1")),
            args![id],
        )
        .await?;
    row.map(StoredAmendment::try_from).transpose()
}

/// An amendment to add.
#[derive(Debug, Clone, Default)]
pub struct NewAmendment {
    /// The amendment's number; the next free whole number within the contract when `None`.
    pub number: Option<String>,
    pub signed_on: Option<NaiveDate>,
    pub effective_on: Option<NaiveDate>,
    /// The changed terms. A plan change goes in `plan_id` instead of `changes.plan`.
    pub changes: TermsChange,
    /// The plan version to move to. Its price, limits and SLA come with it unless `changes`
    /// sets them too.
    pub plan_id: Option<i64>,
}

/// Builds the base terms of a contract: its dates, price and clock rules with the limits and
/// SLA of the plan version it was concluded on.
pub fn base_terms(contract: &Contract, plan: &Plan) -> Terms {
    Terms {
        plan: plan.plan.reference(),
        monthly_price: contract.monthly_price,
        limits: plan.plan.limits,
        starts_on: contract.starts_on,
        ends_on: contract.ends_on,
        auto_prolongation: contract.auto_prolongation,
        sla: plan.plan.sla.clone(),
        clock_rules: ClockRules {
            third_party_stops_clock: contract.third_party_stops_clock,
        },
    }
}

/// Adds an amendment to an active or suspended contract; a draft is edited instead, and an
/// ended contract takes no amendments. The number must be new within the contract.
pub async fn add(
    db: &Db,
    contract_id: i64,
    new: &NewAmendment,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<StoredAmendment> {
    let signed_on = new.signed_on.ok_or_else(|| Invalid::missing("signed_on"))?;
    let effective_on = new
        .effective_on
        .ok_or_else(|| Invalid::missing("effective_on"))?;
    if let Some(plan_id) = new.plan_id {
        let plan = tariffs::get(db, plan_id).await?;
        if let Some(plan) = &plan {
            tariffs::check_sla(db, &plan.plan.sla, effective_on).await?;
        }
    }
    for (priority, targets) in new.changes.sla.changed() {
        let mut policy = domain::sla::SlaPolicy::internal_default();
        policy.set_targets(priority, targets.clone());
        tariffs::check_sla(db, &policy, effective_on).await?;
    }

    let mut tx = db.begin().await?;
    let contract = contracts::get_in(&mut tx, contract_id)
        .await?
        .ok_or(DomainError::NotFound)?;
    if !contract.status.is_in_force() {
        let key = if contract.status == ContractStatus::Draft {
            "crm-amendment-draft"
        } else {
            "crm-amendment-ended"
        };
        return Err(Invalid::new("contract", key)
            .arg("number", contract.number.to_string())
            .arg("status", contract.status)
            .into());
    }
    if effective_on < contract.starts_on {
        return Err(Invalid::new("effective_on", "crm-amendment-before-start")
            .arg("value", effective_on)
            .arg("start", contract.starts_on)
            .into());
    }
    let existing = list_in(&mut tx, contract_id).await?;
    let number = match new
        .number
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        Some(number) => number.to_string(),
        None => next_number(&existing),
    };
    if existing.iter().any(|a| a.amendment.number == number) {
        return Err(DomainError::Duplicate {
            field: "number".into(),
            value: number,
        }
        .into());
    }

    let mut changes = new.changes.clone();
    changes.plan = None;
    let mut plan_id = None;
    if let Some(id) = new.plan_id {
        let plan = tariffs::get_in(&mut tx, id)
            .await?
            .ok_or_else(|| Invalid::new("plan_id", "crm-plan-unknown").arg("value", id))?;
        if plan.plan.valid_to.is_some_and(|to| to < effective_on) {
            return Err(Invalid::new("plan_id", "crm-plan-closed")
                .arg("code", &plan.plan.code)
                .arg("version", plan.plan.version)
                .arg("date", plan.plan.valid_to.unwrap_or(effective_on))
                .into());
        }
        fill_from_plan(&mut changes, &plan);
        plan_id = Some(plan.id);
    }
    let amendment = Amendment {
        number,
        signed_on,
        effective_on,
        changes,
    };
    let base_plan = tariffs::get_in(&mut tx, contract.plan_id)
        .await?
        .ok_or(DomainError::NotFound)?;
    amendment.check(&base_terms(&contract, &base_plan))?;

    let changes_json = serde_json::to_string(&amendment.changes)
        .map_err(|e| Error::Corrupt(format!("amendment changes: {e}")))?;
    let id: i64 = tx
        .fetch_scalar(
            "INSERT INTO contract_amendments (contract_id, number, signed_on, effective_on, \
             changes, plan_id, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            args![
                contract_id,
                amendment.number.as_str(),
                signed_on,
                effective_on,
                changes_json,
                plan_id,
                author.user_id,
                now,
            ],
        )
        .await?;
    tx.execute(
        "UPDATE contracts SET updated_at = $1 WHERE id = $2",
        args![now, contract_id],
    )
    .await?;
    audit::record(
        &mut tx,
        author,
        "contract.amendment",
        ("contract", contract_id),
        None,
        Some(json!({"amendment_id": id, "number": amendment.number,
                    "signed_on": signed_on, "effective_on": effective_on,
                    "changes": amendment.changes})),
        now,
    )
    .await?;
    tx.commit().await?;
    get(db, id).await?.ok_or(DomainError::NotFound.into())
}

/// Returns one more than the largest whole-number amendment number, or 1.
fn next_number(existing: &[StoredAmendment]) -> String {
    let last = existing
        .iter()
        .filter_map(|a| a.amendment.number.parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    last.saturating_add(1).to_string()
}

/// Moves a change onto `plan`: its reference always, its price, limits and SLA unless the
/// change sets them itself.
fn fill_from_plan(changes: &mut TermsChange, plan: &Plan) {
    use domain::crm::LimitKind;
    use domain::servicedesk::Priority;

    changes.plan = Some(plan.plan.reference());
    if changes.monthly_price.is_none() {
        changes.monthly_price = Some(plan.plan.monthly_price);
    }
    for kind in [
        LimitKind::Products,
        LimitKind::OrdersPerMonth,
        LimitKind::StaffAccounts,
        LimitKind::StorageBytes,
    ] {
        if !changes.limits.iter().any(|(changed, _)| *changed == kind) {
            changes.limits.push((kind, plan.plan.limits.get(kind)));
        }
    }
    let sla = &mut changes.sla;
    for (slot, priority) in [
        (&mut sla.p1, Priority::P1),
        (&mut sla.p2, Priority::P2),
        (&mut sla.p3, Priority::P3),
        (&mut sla.p4, Priority::P4),
    ] {
        if slot.is_none() {
            *slot = Some(plan.plan.sla.targets(priority).clone());
        }
    }
}

/// The terms of a contract on a date with the VAT of the plan in force then.
#[derive(Debug, Clone, PartialEq)]
pub struct ContractTerms {
    pub contract: Contract,
    pub date: NaiveDate,
    pub on_date: TermsOnDate,
    /// The plan version in force on the date.
    pub plan: Plan,
    /// The VAT treatment of the plan in force.
    pub vat: PlanVat,
}

/// Computes the terms of `contract` on `date`. A date before the contract starts is an error
/// on `date`.
pub async fn terms(db: &Db, contract: &Contract, date: NaiveDate) -> Result<ContractTerms> {
    if date < contract.starts_on {
        return Err(Invalid::new("date", "crm-terms-before-start")
            .arg("value", date)
            .arg("start", contract.starts_on)
            .into());
    }
    let base_plan = tariffs::get(db, contract.plan_id)
        .await?
        .ok_or(DomainError::NotFound)?;
    let amendments: Vec<Amendment> = list(db, contract.id)
        .await?
        .into_iter()
        .map(|a| a.amendment)
        .collect();
    let on_date = terms_on(&base_terms(contract, &base_plan), &amendments, date);
    let plan = if on_date.terms.plan == base_plan.plan.reference() {
        base_plan
    } else {
        let found = tariffs::find(db, &on_date.terms.plan.code, on_date.terms.plan.version).await?;
        found.ok_or_else(|| {
            Error::Corrupt(format!(
                "contract {}: plan {:?} of an amendment is missing",
                contract.id, on_date.terms.plan
            ))
        })?
    };
    Ok(ContractTerms {
        contract: contract.clone(),
        date,
        vat: plan.vat.clone(),
        plan,
        on_date,
    })
}

/// One step of a contract's change history: the base terms, then each amendment.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryStep {
    /// `None` for the base terms.
    pub amendment: Option<StoredAmendment>,
    pub from: NaiveDate,
    pub terms: Terms,
}

/// Lists the contract's terms over time: the base terms from the start, then the terms
/// after each amendment from its effective date, in the order applied.
pub async fn history(db: &Db, contract: &Contract) -> Result<Vec<HistoryStep>> {
    let base_plan = tariffs::get(db, contract.plan_id)
        .await?
        .ok_or(DomainError::NotFound)?;
    let base = base_terms(contract, &base_plan);
    let stored = list(db, contract.id).await?;
    let amendments: Vec<Amendment> = stored.iter().map(|a| a.amendment.clone()).collect();
    let mut steps = vec![HistoryStep {
        amendment: None,
        from: contract.starts_on,
        terms: base.clone(),
    }];
    for (effective_on, number, terms) in terms_history(&base, &amendments) {
        let amendment = stored
            .iter()
            .find(|a| a.amendment.number == number)
            .cloned();
        steps.push(HistoryStep {
            amendment,
            from: effective_on,
            terms,
        });
    }
    Ok(steps)
}
