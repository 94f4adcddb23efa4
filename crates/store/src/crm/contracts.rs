//! Contracts (договоры) with their numbers, status workflow and conclusion, by signature or
//! by accepting the public offer. Only a draft may change; a concluded contract changes by
//! amendments, see [`super::amendments`].

use chrono::{DateTime, NaiveDate, Utc};
use domain::crm::contract::{AcceptanceMethod, Signatory, check_transition};
use domain::crm::{Conclusion, ContractNumber, ContractStatus, OfferAcceptance, PlanRef};
use domain::money::Money;
use domain::{Error as DomainError, Invalid};
use serde_json::json;

use super::tariffs;
use crate::identity::audit::{self, Author};
use crate::{Db, Error, Result, Sql, Tx, Value, args};

/// A stored contract with its client's name and its base plan resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Contract {
    pub id: i64,
    pub number: ContractNumber,
    pub client_id: i64,
    pub client_name: String,
    /// The plan version the contract was concluded on.
    pub plan_id: i64,
    pub plan: PlanRef,
    pub plan_name: String,
    pub status: ContractStatus,
    /// `None` for a draft not yet concluded.
    pub conclusion: Option<Conclusion>,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub auto_prolongation: bool,
    pub monthly_price: Money,
    pub third_party_stops_clock: bool,
    pub signatory: Option<Signatory>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    series: String,
    sequence: i64,
    client_id: i64,
    client_name: String,
    plan_id: i64,
    plan_code: String,
    plan_version: i64,
    plan_name: String,
    status: String,
    concluded_by: Option<String>,
    concluded_on: Option<NaiveDate>,
    offer_version: Option<String>,
    acceptance_method: Option<String>,
    starts_on: NaiveDate,
    ends_on: Option<NaiveDate>,
    auto_prolongation: bool,
    monthly_price_kopecks: i64,
    third_party_stops_clock: bool,
    signatory_name: Option<String>,
    signatory_position: Option<String>,
    signatory_authority: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    version: i64,
}

/// Returns the column value of an acceptance method.
pub fn method_name(method: AcceptanceMethod) -> &'static str {
    match method {
        AcceptanceMethod::Payment => "payment",
        AcceptanceMethod::PortalCheckbox => "portal_checkbox",
        AcceptanceMethod::SignedApplication => "signed_application",
    }
}

/// Parses an acceptance method as the API and the column spell it.
pub fn parse_method(field: &str, value: &str) -> Result<AcceptanceMethod, Invalid> {
    match value.trim() {
        "payment" => Ok(AcceptanceMethod::Payment),
        "portal_checkbox" => Ok(AcceptanceMethod::PortalCheckbox),
        "signed_application" => Ok(AcceptanceMethod::SignedApplication),
        other => Err(Invalid::not_one_of(
            field,
            other,
            &["payment", "portal_checkbox", "signed_application"],
        )),
    }
}

impl TryFrom<Row> for Contract {
    type Error = Error;

    fn try_from(row: Row) -> Result<Contract> {
        let corrupt = |what: &str, value: &str| {
            Error::Corrupt(format!("contract {}: {what} {value:?}", row.id))
        };
        let sequence = u32::try_from(row.sequence)
            .map_err(|_| corrupt("sequence", &row.sequence.to_string()))?;
        let number = ContractNumber::new(&row.series, sequence)
            .map_err(|_| corrupt("series", &row.series))?;
        let conclusion = match (row.concluded_by.as_deref(), row.concluded_on) {
            (None, _) | (_, None) => None,
            (Some("signed"), Some(signed_on)) => Some(Conclusion::Signed { signed_on }),
            (Some("offer"), Some(accepted_on)) => {
                let method = row.acceptance_method.as_deref().unwrap_or_default();
                Some(Conclusion::Offer(OfferAcceptance {
                    accepted_on,
                    offer_version: row.offer_version.clone().unwrap_or_default(),
                    method: parse_method("acceptance_method", method)
                        .map_err(|_| corrupt("acceptance_method", method))?,
                }))
            }
            (Some(other), _) => return Err(corrupt("concluded_by", other)),
        };
        let signatory = match (
            row.signatory_name,
            row.signatory_position,
            row.signatory_authority,
        ) {
            (Some(full_name), Some(position), Some(authority)) => Some(Signatory {
                full_name,
                position,
                authority,
            }),
            _ => None,
        };
        Ok(Contract {
            status: row
                .status
                .parse()
                .map_err(|_| corrupt("status", &row.status))?,
            plan: PlanRef {
                code: row.plan_code,
                version: u32::try_from(row.plan_version)
                    .map_err(|_| corrupt("plan version", &row.plan_version.to_string()))?,
            },
            id: row.id,
            number,
            client_id: row.client_id,
            client_name: row.client_name,
            plan_id: row.plan_id,
            plan_name: row.plan_name,
            conclusion,
            starts_on: row.starts_on,
            ends_on: row.ends_on,
            auto_prolongation: row.auto_prolongation,
            monthly_price: Money::from_kopecks(row.monthly_price_kopecks),
            third_party_stops_clock: row.third_party_stops_clock,
            signatory,
            created_at: row.created_at,
            updated_at: row.updated_at,
            version: row.version,
        })
    }
}

const SELECT: &str = "SELECT k.id, k.series, k.sequence, k.client_id, c.name AS client_name, \
    k.plan_id, p.code AS plan_code, p.version AS plan_version, p.name AS plan_name, k.status, \
    k.concluded_by, k.concluded_on, k.offer_version, k.acceptance_method, k.starts_on, \
    k.ends_on, k.auto_prolongation, k.monthly_price_kopecks, k.third_party_stops_clock, \
    k.signatory_name, k.signatory_position, k.signatory_authority, k.created_at, \
    k.updated_at, k.version \
    FROM contracts k JOIN clients c ON c.id = k.client_id \
    JOIN tariff_plans p ON p.id = k.plan_id";

/// Finds a contract by id.
pub async fn get(db: &Db, id: i64) -> Result<Option<Contract>> {
    let row: Option<Row> = db
        .fetch_optional(
            Sql::assembled(format!("{SELECT} WHERE k.id = $1")),
            args![id],
        )
        .await?;
    row.map(Contract::try_from).transpose()
}

/// Finds a contract by id inside a transaction.
pub async fn get_in(tx: &mut Tx, id: i64) -> Result<Option<Contract>> {
    let row: Option<Row> = tx
        .fetch_optional(
            Sql::assembled(format!("{SELECT} WHERE k.id = $1")),
            args![id],
        )
        .await?;
    row.map(Contract::try_from).transpose()
}

/// Filters and paging of the contract list.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub client_id: Option<i64>,
    pub status: Option<ContractStatus>,
    pub limit: i64,
    pub offset: i64,
}

/// Lists contracts, newest first, with the total count for paging.
pub async fn list(db: &Db, query: &ListQuery) -> Result<(Vec<Contract>, i64)> {
    let mut conditions = Vec::new();
    let mut values: Vec<Value> = Vec::new();
    if let Some(client_id) = query.client_id {
        values.push(client_id.into());
        conditions.push(format!("k.client_id = ${}", values.len()));
    }
    if let Some(status) = query.status {
        values.push(status.as_ref().into());
        conditions.push(format!("k.status = ${}", values.len()));
    }
    let where_clause = if conditions.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conditions.join(" AND "))
    };

    let total: i64 = db
        .fetch_scalar(
            Sql::assembled(format!("SELECT COUNT(*) FROM contracts k{where_clause}")),
            values.clone(),
        )
        .await?;

    values.push(query.limit.into());
    values.push(query.offset.into());
    let sql = format!(
        "{SELECT}{where_clause} ORDER BY k.created_at DESC, k.id DESC LIMIT ${} OFFSET ${}",
        values.len() - 1,
        values.len()
    );
    let rows: Vec<Row> = db.fetch_all(Sql::assembled(sql), values).await?;
    let contracts = rows
        .into_iter()
        .map(Contract::try_from)
        .collect::<Result<Vec<_>>>()?;
    Ok((contracts, total))
}

/// A contract to create as a draft.
#[derive(Debug, Clone)]
pub struct NewContract {
    /// The number series; the sequence is the series' next.
    pub series: String,
    pub client_id: i64,
    pub plan_id: i64,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub auto_prolongation: bool,
    /// The plan's price when `None`.
    pub monthly_price: Option<Money>,
    pub third_party_stops_clock: bool,
    pub signatory: Option<Signatory>,
}

/// Creates a draft contract with the series' next number. A missing client or plan is an
/// error on `client_id` or `plan_id`.
pub async fn create(
    db: &Db,
    new: &NewContract,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<Contract> {
    let mut tx = db.begin().await?;
    let contract = create_in(&mut tx, new, author, now).await?;
    tx.commit().await?;
    Ok(contract)
}

/// Creates a draft contract inside `tx`, as [`create`] does, so a caller can create it
/// together with its own changes.
pub async fn create_in(
    tx: &mut Tx,
    new: &NewContract,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<Contract> {
    if new.ends_on.is_some_and(|end| end < new.starts_on) {
        return Err(Invalid::new("ends_on", "crm-end-before-start")
            .arg("start", new.starts_on)
            .arg("end", new.ends_on.unwrap_or(new.starts_on))
            .into());
    }
    if new.monthly_price.is_some_and(|price| price < Money::ZERO) {
        return Err(Invalid::new("monthly_price_kopecks", "crm-price-negative")
            .arg("value", new.monthly_price.unwrap_or_default())
            .into());
    }
    ContractNumber::new(&new.series, 1)?;

    let client: Option<(i64,)> = tx
        .fetch_optional("SELECT id FROM clients WHERE id = $1", args![new.client_id])
        .await?;
    if client.is_none() {
        return Err(Invalid::new("client_id", "crm-client-unknown")
            .arg("value", new.client_id)
            .into());
    }
    let plan = tariffs::get_in(tx, new.plan_id)
        .await?
        .ok_or_else(|| Invalid::new("plan_id", "crm-plan-unknown").arg("value", new.plan_id))?;
    if plan.plan.valid_to.is_some_and(|to| to < new.starts_on) {
        return Err(Invalid::new("plan_id", "crm-plan-closed")
            .arg("code", &plan.plan.code)
            .arg("version", plan.plan.version)
            .arg("date", plan.plan.valid_to.unwrap_or(new.starts_on))
            .into());
    }

    let series = new.series.trim();
    let last: Option<i64> = tx
        .fetch_scalar(
            "SELECT MAX(sequence) FROM contracts WHERE series = $1",
            args![series],
        )
        .await?;
    let last = last.and_then(|value| u32::try_from(value).ok());
    let number = ContractNumber::next(series, last)?;
    let price = new.monthly_price.unwrap_or(plan.plan.monthly_price);
    let signatory = new.signatory.as_ref();
    let id: i64 = tx
        .fetch_scalar(
            "INSERT INTO contracts (series, sequence, number, client_id, plan_id, status, \
             starts_on, ends_on, auto_prolongation, monthly_price_kopecks, \
             third_party_stops_clock, signatory_name, signatory_position, \
             signatory_authority, created_by, created_at, updated_at, version) \
             VALUES ($1, $2, $3, $4, $5, 'draft', $6, $7, $8, $9, $10, $11, $12, $13, $14, \
             $15, $15, 1) RETURNING id",
            args![
                number.series.as_str(),
                i64::from(number.sequence),
                number.to_string(),
                new.client_id,
                plan.id,
                new.starts_on,
                new.ends_on,
                new.auto_prolongation,
                price.kopecks(),
                new.third_party_stops_clock,
                signatory.map(|s| s.full_name.trim()),
                signatory.map(|s| s.position.trim()),
                signatory.map(|s| s.authority.trim()),
                author.user_id,
                now,
            ],
        )
        .await?;
    let contract = get_in(tx, id).await?.ok_or(DomainError::NotFound)?;
    audit::record(
        tx,
        author,
        "contract.create",
        ("contract", id),
        None,
        Some(
            json!({"number": contract.number.to_string(), "client_id": contract.client_id,
                    "plan": contract.plan, "starts_on": contract.starts_on,
                    "ends_on": contract.ends_on,
                    "auto_prolongation": contract.auto_prolongation,
                    "monthly_price_kopecks": contract.monthly_price.kopecks(),
                    "third_party_stops_clock": contract.third_party_stops_clock}),
        ),
        now,
    )
    .await?;
    Ok(contract)
}

/// Moves a contract to `to` if `version` is current. Activating a draft records
/// `conclusion`, the signature or the offer acceptance, which is required then.
pub async fn transition(
    db: &Db,
    id: i64,
    version: i64,
    to: ContractStatus,
    conclusion: Option<&Conclusion>,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<Contract> {
    let mut tx = db.begin().await?;
    let current = get_in(&mut tx, id).await?.ok_or(DomainError::NotFound)?;
    if current.version != version {
        return Err(DomainError::Conflict {
            expected: version,
            current: current.version,
        }
        .into());
    }
    let activating = current.status == ContractStatus::Draft;
    let conclusion = if activating {
        conclusion
    } else {
        current.conclusion.as_ref()
    };
    check_transition(current.status, to, conclusion)?;

    let (by, on, offer_version, method) = match conclusion {
        Some(Conclusion::Signed { signed_on }) => (Some("signed"), Some(*signed_on), None, None),
        Some(Conclusion::Offer(acceptance)) => (
            Some("offer"),
            Some(acceptance.accepted_on),
            Some(acceptance.offer_version.trim().to_string()),
            Some(method_name(acceptance.method)),
        ),
        None => (None, None, None, None),
    };
    tx.execute(
        "UPDATE contracts SET status = $1, concluded_by = $2, concluded_on = $3, \
         offer_version = $4, acceptance_method = $5, updated_at = $6, version = version + 1 \
         WHERE id = $7",
        args![to.as_ref(), by, on, offer_version, method, now, id],
    )
    .await?;
    audit::record(
        &mut tx,
        author,
        "contract.status",
        ("contract", id),
        Some(json!({"status": current.status})),
        Some(json!({"status": to, "conclusion": conclusion})),
        now,
    )
    .await?;
    let updated = get_in(&mut tx, id).await?.ok_or(DomainError::NotFound)?;
    tx.commit().await?;
    Ok(updated)
}

/// Marks `expired` every active or suspended contract whose term, with the amendments in
/// force on `today`, ended before `today` and which does not prolong itself. A contract that
/// someone changes meanwhile is left for the next run. Returns the ids of the expired ones.
pub async fn expire_ended(db: &Db, today: NaiveDate, now: DateTime<Utc>) -> Result<Vec<i64>> {
    let rows: Vec<Row> = db
        .fetch_all(
            Sql::assembled(format!(
                "{SELECT} WHERE k.status IN ('active', 'suspended') AND k.starts_on <= $1 \
                 ORDER BY k.id"
            )),
            args![today],
        )
        .await?;
    let mut expired = Vec::new();
    for row in rows {
        let contract = Contract::try_from(row)?;
        let terms = crate::crm::amendments::terms(db, &contract, today).await?;
        let terms = &terms.on_date.terms;
        if !domain::crm::contract::is_expired(terms.ends_on, terms.auto_prolongation, today) {
            continue;
        }
        let result = transition(
            db,
            contract.id,
            contract.version,
            ContractStatus::Expired,
            None,
            &Author::system(),
            now,
        )
        .await;
        match result {
            Ok(_) => expired.push(contract.id),
            Err(Error::Domain(DomainError::Conflict { .. })) => {}
            Err(error) => return Err(error),
        }
    }
    Ok(expired)
}
