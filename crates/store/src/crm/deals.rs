//! Deals of the sales pipeline: creation, the list with its filters, and stage changes. A
//! won deal creates a draft contract for its client and plan in the same transaction.

use chrono::{DateTime, NaiveDate, Utc};
use domain::crm::deal::{StageChange, check_stage_change};
use domain::crm::{DealStage, LostReason};
use domain::money::Money;
use domain::{Error as DomainError, Invalid};
use serde_json::json;

use super::contracts::{self, NewContract};
use super::tariffs;
use crate::identity::audit::{self, Author};
use crate::{Db, Error, Result, Sql, Tx, Value, args};

/// Maximum length of a deal's title in characters.
pub const TITLE_MAX_CHARS: usize = 200;

/// A stored deal with its client, owner, plan and contract resolved for display.
#[derive(Debug, Clone, PartialEq)]
pub struct Deal {
    pub id: i64,
    pub title: String,
    pub client_id: i64,
    pub client_name: String,
    /// The staff user who works the deal.
    pub owner_id: i64,
    pub owner_name: String,
    pub plan_id: Option<i64>,
    /// `Name vN (code)` of the plan version offered.
    pub plan_label: Option<String>,
    pub amount: Money,
    pub stage: DealStage,
    pub expected_close_on: Option<NaiveDate>,
    pub lost_reason: Option<LostReason>,
    pub lost_comment: Option<String>,
    /// The draft contract created when the deal was won.
    pub contract_id: Option<i64>,
    pub contract_number: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    title: String,
    client_id: i64,
    client_name: String,
    owner_id: i64,
    owner_name: String,
    plan_id: Option<i64>,
    plan_code: Option<String>,
    plan_version: Option<i64>,
    plan_name: Option<String>,
    amount_kopecks: i64,
    stage: String,
    expected_close_on: Option<NaiveDate>,
    lost_reason: Option<String>,
    lost_comment: Option<String>,
    contract_id: Option<i64>,
    contract_number: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    version: i64,
}

impl TryFrom<Row> for Deal {
    type Error = Error;

    fn try_from(row: Row) -> Result<Deal> {
        let corrupt =
            |what: &str, value: &str| Error::Corrupt(format!("deal {}: {what} {value:?}", row.id));
        let stage = row
            .stage
            .parse()
            .map_err(|_| corrupt("stage", &row.stage))?;
        let lost_reason = row
            .lost_reason
            .as_deref()
            .map(|reason| reason.parse().map_err(|_| corrupt("lost_reason", reason)))
            .transpose()?;
        let plan_label = match (row.plan_name, row.plan_version, row.plan_code) {
            (Some(name), Some(version), Some(code)) => Some(format!("{name} v{version} ({code})")),
            _ => None,
        };
        Ok(Deal {
            id: row.id,
            title: row.title,
            client_id: row.client_id,
            client_name: row.client_name,
            owner_id: row.owner_id,
            owner_name: row.owner_name,
            plan_id: row.plan_id,
            plan_label,
            amount: Money::from_kopecks(row.amount_kopecks),
            stage,
            expected_close_on: row.expected_close_on,
            lost_reason,
            lost_comment: row.lost_comment,
            contract_id: row.contract_id,
            contract_number: row.contract_number,
            created_at: row.created_at,
            updated_at: row.updated_at,
            version: row.version,
        })
    }
}

const SELECT: &str = "SELECT d.id, d.title, d.client_id, c.name AS client_name, d.owner_id, \
    u.display_name AS owner_name, d.plan_id, p.code AS plan_code, p.version AS plan_version, \
    p.name AS plan_name, d.amount_kopecks, d.stage, d.expected_close_on, d.lost_reason, \
    d.lost_comment, d.contract_id, k.number AS contract_number, d.created_at, d.updated_at, \
    d.version \
    FROM deals d JOIN clients c ON c.id = d.client_id JOIN users u ON u.id = d.owner_id \
    LEFT JOIN tariff_plans p ON p.id = d.plan_id LEFT JOIN contracts k ON k.id = d.contract_id";

/// Finds a deal by id.
pub async fn get(db: &Db, id: i64) -> Result<Option<Deal>> {
    let row: Option<Row> = db
        .fetch_optional(
            Sql::assembled(format!("{SELECT} WHERE d.id = $1")),
            args![id],
        )
        .await?;
    row.map(Deal::try_from).transpose()
}

async fn get_in(tx: &mut Tx, id: i64) -> Result<Option<Deal>> {
    let row: Option<Row> = tx
        .fetch_optional(
            Sql::assembled(format!("{SELECT} WHERE d.id = $1")),
            args![id],
        )
        .await?;
    row.map(Deal::try_from).transpose()
}

/// Filters and paging of the deal list.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub stage: Option<DealStage>,
    pub owner_id: Option<i64>,
    pub client_id: Option<i64>,
    pub limit: i64,
    pub offset: i64,
}

/// Lists deals, the nearest expected close first and deals without one last, with the total
/// count for paging.
pub async fn list(db: &Db, query: &ListQuery) -> Result<(Vec<Deal>, i64)> {
    let mut conditions = Vec::new();
    let mut values: Vec<Value> = Vec::new();
    if let Some(stage) = query.stage {
        values.push(stage.as_ref().into());
        conditions.push(format!("d.stage = ${}", values.len()));
    }
    if let Some(owner_id) = query.owner_id {
        values.push(owner_id.into());
        conditions.push(format!("d.owner_id = ${}", values.len()));
    }
    if let Some(client_id) = query.client_id {
        values.push(client_id.into());
        conditions.push(format!("d.client_id = ${}", values.len()));
    }
    let where_clause = if conditions.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conditions.join(" AND "))
    };

    let total: i64 = db
        .fetch_scalar(
            Sql::assembled(format!("SELECT COUNT(*) FROM deals d{where_clause}")),
            values.clone(),
        )
        .await?;

    values.push(query.limit.into());
    values.push(query.offset.into());
    let sql = format!(
        "{SELECT}{where_clause} ORDER BY d.expected_close_on IS NULL, d.expected_close_on, \
         d.id LIMIT ${} OFFSET ${}",
        values.len() - 1,
        values.len()
    );
    let rows: Vec<Row> = db.fetch_all(Sql::assembled(sql), values).await?;
    let deals = rows
        .into_iter()
        .map(Deal::try_from)
        .collect::<Result<Vec<_>>>()?;
    Ok((deals, total))
}

/// A deal to create at stage `new`.
#[derive(Debug, Clone)]
pub struct NewDeal {
    pub title: String,
    pub client_id: i64,
    pub owner_id: i64,
    pub plan_id: Option<i64>,
    pub amount: Money,
    pub expected_close_on: Option<NaiveDate>,
}

impl NewDeal {
    /// Checks the values that need no database: a title of 1 to [`TITLE_MAX_CHARS`]
    /// characters and an amount of zero or more.
    fn check(&self) -> Result<(), Invalid> {
        let title = self.title.trim();
        if title.is_empty() {
            return Err(Invalid::missing("title"));
        }
        if title.chars().count() > TITLE_MAX_CHARS {
            return Err(Invalid::new("title", "error-too-long").arg("max", TITLE_MAX_CHARS));
        }
        if self.amount < Money::ZERO {
            return Err(Invalid::new("amount_kopecks", "crm-deal-amount").arg("value", self.amount));
        }
        Ok(())
    }
}

/// Creates a deal at stage `new`. A missing client or plan, or an owner who is not an
/// active staff user, is an error on `client_id`, `plan_id` or `owner_id`.
pub async fn create(db: &Db, new: &NewDeal, author: &Author, now: DateTime<Utc>) -> Result<Deal> {
    new.check()?;

    let mut tx = db.begin().await?;
    let client: Option<(i64,)> = tx
        .fetch_optional("SELECT id FROM clients WHERE id = $1", args![new.client_id])
        .await?;
    if client.is_none() {
        return Err(Invalid::new("client_id", "crm-client-unknown")
            .arg("value", new.client_id)
            .into());
    }
    let owner: Option<(i64,)> = tx
        .fetch_optional(
            "SELECT id FROM users WHERE id = $1 AND client_id IS NULL AND disabled = $2",
            args![new.owner_id, false],
        )
        .await?;
    if owner.is_none() {
        return Err(Invalid::new("owner_id", "crm-deal-owner-unknown")
            .arg("value", new.owner_id)
            .into());
    }
    if let Some(plan_id) = new.plan_id
        && tariffs::get_in(&mut tx, plan_id).await?.is_none()
    {
        return Err(Invalid::new("plan_id", "crm-plan-unknown")
            .arg("value", plan_id)
            .into());
    }

    let id: i64 = tx
        .fetch_scalar(
            "INSERT INTO deals (title, client_id, owner_id, plan_id, amount_kopecks, stage, \
             expected_close_on, created_by, created_at, updated_at, version) \
             VALUES ($1, $2, $3, $4, $5, 'new', $6, $7, $8, $8, 1) RETURNING id",
            args![
                new.title.trim(),
                new.client_id,
                new.owner_id,
                new.plan_id,
                new.amount.kopecks(),
                new.expected_close_on,
                author.user_id,
                now,
            ],
        )
        .await?;
    let deal = get_in(&mut tx, id).await?.ok_or(DomainError::NotFound)?;
    audit::record(
        &mut tx,
        author,
        "deal.create",
        ("deal", id),
        None,
        Some(json!({"title": deal.title, "client_id": deal.client_id,
                    "owner_id": deal.owner_id, "plan_id": deal.plan_id,
                    "amount_kopecks": deal.amount.kopecks(),
                    "expected_close_on": deal.expected_close_on})),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(deal)
}

/// A stage change a person asked for.
#[derive(Debug, Clone)]
pub struct StageRequest {
    pub to: DealStage,
    pub lost_reason: Option<LostReason>,
    pub lost_comment: Option<String>,
    /// The number series of the draft contract a win creates.
    pub contract_series: String,
    /// The first day of service of that draft contract.
    pub contract_starts_on: NaiveDate,
}

/// Moves a deal to another stage if `version` is current. Winning needs a plan and creates
/// a draft contract for the deal's client on it, in the same transaction.
pub async fn change_stage(
    db: &Db,
    id: i64,
    version: i64,
    request: &StageRequest,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<Deal> {
    let mut tx = db.begin().await?;
    let current = get_in(&mut tx, id).await?.ok_or(DomainError::NotFound)?;
    if current.version != version {
        return Err(DomainError::Conflict {
            expected: version,
            current: current.version,
        }
        .into());
    }
    let outcome = check_stage_change(StageChange {
        from: current.stage,
        to: request.to,
        lost_reason: request.lost_reason,
        lost_comment: request.lost_comment.clone(),
    })?;

    let contract_id = if outcome.creates_draft_contract {
        let plan_id = current
            .plan_id
            .ok_or_else(|| Invalid::new("plan_id", "crm-deal-plan-missing"))?;
        let new = NewContract {
            series: request.contract_series.clone(),
            client_id: current.client_id,
            plan_id,
            starts_on: request.contract_starts_on,
            ends_on: None,
            auto_prolongation: false,
            monthly_price: None,
            third_party_stops_clock: false,
            signatory: None,
        };
        Some(contracts::create_in(&mut tx, &new, author, now).await?.id)
    } else {
        None
    };

    tx.execute(
        "UPDATE deals SET stage = $1, lost_reason = $2, lost_comment = $3, contract_id = $4, \
         updated_at = $5, version = version + 1 WHERE id = $6",
        args![
            outcome.stage.as_ref(),
            outcome.lost_reason.map(|r| r.as_ref().to_string()),
            outcome.lost_comment.clone(),
            contract_id,
            now,
            id,
        ],
    )
    .await?;
    audit::record(
        &mut tx,
        author,
        "deal.stage",
        ("deal", id),
        Some(json!({"stage": current.stage})),
        Some(
            json!({"stage": outcome.stage, "lost_reason": outcome.lost_reason,
                    "lost_comment": outcome.lost_comment, "contract_id": contract_id}),
        ),
        now,
    )
    .await?;
    let updated = get_in(&mut tx, id).await?.ok_or(DomainError::NotFound)?;
    tx.commit().await?;
    Ok(updated)
}

/// One stage of the sales funnel: how many deals are at it and their total amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunnelStage {
    pub stage: DealStage,
    pub count: i64,
    pub amount: Money,
}

/// Counts the deals at every stage, in pipeline order, stages without deals included.
pub async fn funnel(db: &Db) -> Result<Vec<FunnelStage>> {
    // PostgreSQL sums BIGINT into NUMERIC, so the cast keeps one decoded type on both engines.
    let rows: Vec<(String, i64, i64)> = db
        .fetch_all(
            "SELECT stage, COUNT(*), CAST(COALESCE(SUM(amount_kopecks), 0) AS BIGINT) \
             FROM deals GROUP BY stage",
            args![],
        )
        .await?;
    let funnel = DealStage::all()
        .iter()
        .map(|stage| {
            let found = rows.iter().find(|row| row.0 == stage.as_ref());
            FunnelStage {
                stage: *stage,
                count: found.map_or(0, |row| row.1),
                amount: Money::from_kopecks(found.map_or(0, |row| row.2)),
            }
        })
        .collect();
    Ok(funnel)
}
