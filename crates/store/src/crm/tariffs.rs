//! Tariff plan versions. A version that a contract or an amendment uses is never edited:
//! a change makes a new version and closes the old one the day before.

use chrono::{DateTime, NaiveDate, Utc};
use domain::crm::tariff::revise_plan;
use domain::crm::{Limits, PlanVat, TariffPlan};
use domain::money::Money;
use domain::servicedesk::Priority;
use domain::sla::SlaPolicy;
use domain::{Error as DomainError, Invalid};
use serde_json::{Value as Json, json};

use crate::identity::audit::{self, Author};
use crate::{Db, Error, Result, Sql, Tx, args};

/// A stored plan version.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub id: i64,
    pub plan: TariffPlan,
    pub vat: PlanVat,
    pub created_at: DateTime<Utc>,
    /// Edit counter of this row, raised by every save: a change based on an older one is a
    /// conflict. Not the plan's `version`, which numbers the plan's published versions.
    pub revision: i64,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    code: String,
    version: i64,
    name: String,
    monthly_price_kopecks: i64,
    vat_category: String,
    vat_exemption: Option<String>,
    vat_included: bool,
    limit_products: Option<i64>,
    limit_orders_per_month: Option<i64>,
    limit_staff_accounts: Option<i64>,
    limit_storage_bytes: Option<i64>,
    sla: String,
    valid_from: NaiveDate,
    valid_to: Option<NaiveDate>,
    created_at: DateTime<Utc>,
    revision: i64,
}

/// The `vat_category` column's value for a price without VAT.
const EXEMPT: &str = "exempt";

impl TryFrom<Row> for Plan {
    type Error = Error;

    fn try_from(row: Row) -> Result<Plan> {
        let corrupt = |what: &str, value: &str| {
            Error::Corrupt(format!("tariff plan {}: {what} {value:?}", row.id))
        };
        let category = match row.vat_category.as_str() {
            EXEMPT => None,
            other => Some(other.parse().map_err(|_| corrupt("vat_category", other))?),
        };
        let sla: SlaPolicy =
            serde_json::from_str(&row.sla).map_err(|_| corrupt("sla", &row.sla))?;
        let limit = |value: Option<i64>| value.and_then(|v| u64::try_from(v).ok());
        let version =
            u32::try_from(row.version).map_err(|_| corrupt("version", &row.version.to_string()))?;
        Ok(Plan {
            id: row.id,
            plan: TariffPlan {
                code: row.code,
                version,
                name: row.name,
                monthly_price: Money::from_kopecks(row.monthly_price_kopecks),
                limits: Limits {
                    products: limit(row.limit_products),
                    orders_per_month: limit(row.limit_orders_per_month),
                    staff_accounts: limit(row.limit_staff_accounts),
                    storage_bytes: limit(row.limit_storage_bytes),
                },
                sla,
                valid_from: row.valid_from,
                valid_to: row.valid_to,
            },
            vat: PlanVat {
                category,
                exemption: row.vat_exemption,
                included: row.vat_included,
            },
            created_at: row.created_at,
            revision: row.revision,
        })
    }
}

const SELECT: &str = "SELECT id, code, version, name, monthly_price_kopecks, vat_category, \
    vat_exemption, vat_included, limit_products, limit_orders_per_month, limit_staff_accounts, \
    limit_storage_bytes, sla, valid_from, valid_to, created_at, revision FROM tariff_plans";

/// Finds a plan version by id.
pub async fn get(db: &Db, id: i64) -> Result<Option<Plan>> {
    let row: Option<Row> = db
        .fetch_optional(Sql::assembled(format!("{SELECT} WHERE id = $1")), args![id])
        .await?;
    row.map(Plan::try_from).transpose()
}

/// Finds a plan version by id inside a transaction.
pub async fn get_in(tx: &mut Tx, id: i64) -> Result<Option<Plan>> {
    let row: Option<Row> = tx
        .fetch_optional(Sql::assembled(format!("{SELECT} WHERE id = $1")), args![id])
        .await?;
    row.map(Plan::try_from).transpose()
}

/// Finds a plan version by code and version.
pub async fn find(db: &Db, code: &str, version: u32) -> Result<Option<Plan>> {
    let row: Option<Row> = db
        .fetch_optional(
            Sql::assembled(format!("{SELECT} WHERE code = $1 AND version = $2")),
            args![code, i64::from(version)],
        )
        .await?;
    row.map(Plan::try_from).transpose()
}

/// Finds a plan version by code and version inside a transaction.
pub async fn find_in(tx: &mut Tx, code: &str, version: u32) -> Result<Option<Plan>> {
    let row: Option<Row> = tx
        .fetch_optional(
            Sql::assembled(format!("{SELECT} WHERE code = $1 AND version = $2")),
            args![code, i64::from(version)],
        )
        .await?;
    row.map(Plan::try_from).transpose()
}

/// Finds the newest version of the plan `code` inside a transaction.
pub async fn latest_in(tx: &mut Tx, code: &str) -> Result<Option<Plan>> {
    let row: Option<Row> = tx
        .fetch_optional(
            Sql::assembled(format!(
                "{SELECT} WHERE code = $1 ORDER BY version DESC LIMIT 1"
            )),
            args![code],
        )
        .await?;
    row.map(Plan::try_from).transpose()
}

/// Lists plans by code and version: every version, or only each code's newest.
pub async fn list(db: &Db, all_versions: bool) -> Result<Vec<Plan>> {
    let filter = if all_versions {
        ""
    } else {
        " WHERE version = (SELECT MAX(p.version) FROM tariff_plans p \
          WHERE p.code = tariff_plans.code)"
    };
    let rows: Vec<Row> = db
        .fetch_all(
            Sql::assembled(format!("{SELECT}{filter} ORDER BY code, version")),
            args![],
        )
        .await?;
    rows.into_iter().map(Plan::try_from).collect()
}

/// Lists the versions of the plan `code`, oldest first.
pub async fn versions(db: &Db, code: &str) -> Result<Vec<Plan>> {
    let rows: Vec<Row> = db
        .fetch_all(
            Sql::assembled(format!("{SELECT} WHERE code = $1 ORDER BY version")),
            args![code],
        )
        .await?;
    rows.into_iter().map(Plan::try_from).collect()
}

/// Checks a plan's fields, its VAT and that every priority's targets fit a calendar that
/// exists, and returns the first error.
pub async fn check(db: &Db, plan: &TariffPlan, vat: &PlanVat) -> Result<()> {
    if let Err(errors) = plan.check()
        && let Some(first) = errors.into_iter().next()
    {
        return Err(first.into());
    }
    vat.check()?;
    check_sla(db, &plan.sla, plan.valid_from).await
}

/// Checks that each priority names a stored calendar and that its targets are valid there.
pub async fn check_sla(db: &Db, sla: &SlaPolicy, from: NaiveDate) -> Result<()> {
    use chrono::Datelike;
    for priority in [Priority::P1, Priority::P2, Priority::P3, Priority::P4] {
        let targets = sla.targets(priority);
        let field = format!("sla.{}.calendar", priority.as_str().to_lowercase());
        let years = from.year()..=from.year();
        let Some(calendar) = crate::calendar::load(db, &targets.calendar, years).await? else {
            return Err(Invalid::new(field, "crm-calendar-unknown")
                .arg("value", &targets.calendar)
                .into());
        };
        targets.check(priority, &calendar).map_err(|mut invalid| {
            invalid.field = format!("sla.{}.{}", priority.as_str().to_lowercase(), invalid.field);
            invalid
        })?;
    }
    Ok(())
}

/// Creates version 1 of a new plan. A code that exists is a [`DomainError::Duplicate`].
pub async fn create(
    db: &Db,
    plan: &TariffPlan,
    vat: &PlanVat,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<Plan> {
    let plan = TariffPlan {
        version: 1,
        ..plan.clone()
    };
    check(db, &plan, vat).await?;
    let mut tx = db.begin().await?;
    if latest_in(&mut tx, &plan.code).await?.is_some() {
        return Err(DomainError::Duplicate {
            field: "code".into(),
            value: plan.code.clone(),
        }
        .into());
    }
    let id = insert_in(&mut tx, &plan, vat, now).await?;
    audit::record(
        &mut tx,
        author,
        "tariff.create",
        ("tariff_plan", id),
        None,
        Some(snapshot(&plan, vat)),
        now,
    )
    .await?;
    let created = get_in(&mut tx, id).await?.ok_or(DomainError::NotFound)?;
    tx.commit().await?;
    Ok(created)
}

async fn insert_in(
    tx: &mut Tx,
    plan: &TariffPlan,
    vat: &PlanVat,
    now: DateTime<Utc>,
) -> Result<i64> {
    let sla = serde_json::to_string(&plan.sla)
        .map_err(|e| Error::Corrupt(format!("tariff plan SLA: {e}")))?;
    let limit = |value: Option<u64>| value.and_then(|v| i64::try_from(v).ok());
    let category = vat.category.map_or(EXEMPT, |c| c.into());
    let id = tx
        .fetch_scalar(
            "INSERT INTO tariff_plans (code, version, name, monthly_price_kopecks, vat_category, \
             vat_exemption, vat_included, limit_products, limit_orders_per_month, \
             limit_staff_accounts, limit_storage_bytes, sla, valid_from, valid_to, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
             RETURNING id",
            args![
                plan.code.as_str(),
                i64::from(plan.version),
                plan.name.trim(),
                plan.monthly_price.kopecks(),
                category,
                vat.exemption.as_deref().map(str::trim),
                vat.included,
                limit(plan.limits.products),
                limit(plan.limits.orders_per_month),
                limit(plan.limits.staff_accounts),
                limit(plan.limits.storage_bytes),
                sla,
                plan.valid_from,
                plan.valid_to,
                now,
            ],
        )
        .await?;
    Ok(id)
}

fn snapshot(plan: &TariffPlan, vat: &PlanVat) -> Json {
    json!({"code": plan.code, "version": plan.version, "name": plan.name,
           "monthly_price_kopecks": plan.monthly_price.kopecks(), "vat": vat,
           "limits": plan.limits, "sla": plan.sla, "valid_from": plan.valid_from,
           "valid_to": plan.valid_to})
}

/// Returns whether a contract or an amendment uses the plan version `id`.
pub async fn in_use_in(tx: &mut Tx, id: i64) -> Result<bool> {
    let count: i64 = tx
        .fetch_scalar(
            "SELECT (SELECT COUNT(*) FROM contracts WHERE plan_id = $1) + \
             (SELECT COUNT(*) FROM contract_amendments WHERE plan_id = $1)",
            args![id],
        )
        .await?;
    Ok(count > 0)
}

/// The result of [`revise`].
#[derive(Debug, Clone, PartialEq)]
pub struct Revision {
    pub plan: Plan,
    /// Whether a new version was made because contracts use the old one.
    pub new_version: bool,
}

/// Changes the newest version `id` of a plan to `edited`. A version in use is never edited:
/// a new version starts on `effective_on` and the old one ends the day before. Changing an
/// older version is an error on `version`; a change based on a `revision` other than the
/// stored one is a [`DomainError::Conflict`], so two people editing at once cannot overwrite
/// each other.
#[allow(clippy::too_many_arguments)]
pub async fn revise(
    db: &Db,
    id: i64,
    revision: i64,
    edited: &TariffPlan,
    vat: &PlanVat,
    effective_on: NaiveDate,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<Revision> {
    let mut tx = db.begin().await?;
    let current = get_in(&mut tx, id).await?.ok_or(DomainError::NotFound)?;
    let latest = latest_in(&mut tx, &current.plan.code)
        .await?
        .ok_or(DomainError::NotFound)?;
    if latest.id != current.id {
        return Err(Invalid::new("version", "crm-plan-not-latest")
            .arg("value", current.plan.version)
            .arg("latest", latest.plan.version)
            .into());
    }
    if current.revision != revision {
        return Err(DomainError::Conflict {
            expected: revision,
            current: current.revision,
        }
        .into());
    }
    let in_use = in_use_in(&mut tx, id).await?;
    let expected = revision;
    let revision = revise_plan(&current.plan, edited.clone(), in_use, effective_on)?;
    // The check reads calendars through the pool, so it runs before anything is written;
    // SQLite's pool reads committed data only.
    check(db, &revision.saved, vat).await?;

    let saved_id = match &revision.closed {
        Some(closed) => {
            let changed = tx
                .execute(
                    "UPDATE tariff_plans SET valid_to = $1, revision = revision + 1 \
                     WHERE id = $2 AND revision = $3",
                    args![closed.valid_to, id, expected],
                )
                .await?;
            conflict_unless_saved(&mut tx, id, changed, expected).await?;
            insert_in(&mut tx, &revision.saved, vat, now).await?
        }
        None => {
            let changed = replace_in(&mut tx, id, expected, &revision.saved, vat).await?;
            conflict_unless_saved(&mut tx, id, changed, expected).await?;
            id
        }
    };
    audit::record(
        &mut tx,
        author,
        if in_use {
            "tariff.new_version"
        } else {
            "tariff.update"
        },
        ("tariff_plan", saved_id),
        Some(snapshot(&current.plan, &current.vat)),
        Some(snapshot(&revision.saved, vat)),
        now,
    )
    .await?;
    let plan = get_in(&mut tx, saved_id)
        .await?
        .ok_or(DomainError::NotFound)?;
    tx.commit().await?;
    Ok(Revision {
        plan,
        new_version: in_use,
    })
}

/// Turns an update that matched no row into a conflict naming the stored revision, which
/// another save raised after this transaction read the plan.
async fn conflict_unless_saved(tx: &mut Tx, id: i64, changed: u64, expected: i64) -> Result<()> {
    if changed == 1 {
        return Ok(());
    }
    let current: i64 = tx
        .fetch_scalar("SELECT revision FROM tariff_plans WHERE id = $1", args![id])
        .await?;
    Err(DomainError::Conflict { expected, current }.into())
}

async fn replace_in(
    tx: &mut Tx,
    id: i64,
    expected: i64,
    plan: &TariffPlan,
    vat: &PlanVat,
) -> Result<u64> {
    let sla = serde_json::to_string(&plan.sla)
        .map_err(|e| Error::Corrupt(format!("tariff plan SLA: {e}")))?;
    let limit = |value: Option<u64>| value.and_then(|v| i64::try_from(v).ok());
    let category = vat.category.map_or(EXEMPT, |c| c.into());
    tx.execute(
        "UPDATE tariff_plans SET name = $1, monthly_price_kopecks = $2, vat_category = $3, \
         vat_exemption = $4, vat_included = $5, limit_products = $6, \
         limit_orders_per_month = $7, limit_staff_accounts = $8, limit_storage_bytes = $9, \
         sla = $10, valid_from = $11, valid_to = $12, revision = revision + 1 \
         WHERE id = $13 AND revision = $14",
        args![
            plan.name.trim(),
            plan.monthly_price.kopecks(),
            category,
            vat.exemption.as_deref().map(str::trim),
            vat.included,
            limit(plan.limits.products),
            limit(plan.limits.orders_per_month),
            limit(plan.limits.staff_accounts),
            limit(plan.limits.storage_bytes),
            sla,
            plan.valid_from,
            plan.valid_to,
            id,
            expected,
        ],
    )
    .await
}
