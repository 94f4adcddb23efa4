//! Claims (претензии) under contracts: registration with tickets as evidence, the answer
//! deadline on the production calendar, the status workflow with its outcome, and the list
//! of overdue answers.

use chrono::{DateTime, NaiveDate, Utc};
use domain::calendar::production::{ProductionCalendar, ProductionDay, ProductionYear};
use domain::crm::claim::{check_claimed_amount, check_transition};
use domain::crm::{AnswerTerm, ClaimDirection, ClaimStatus, answer_deadline};
use domain::money::Money;
use domain::{Error as DomainError, Invalid};
use serde_json::json;

use crate::identity::audit::{self, Author};
use crate::{Db, Error, Result, Sql, Value, args, calendar};

/// The calendar whose holidays and transferred days are the production calendar.
pub const PRODUCTION_CALENDAR: &str = "office";

/// Maximum length of a claim's subject in characters.
pub const SUBJECT_MAX_CHARS: usize = 500;

/// A ticket linked to a claim as evidence.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Evidence {
    pub ticket_id: i64,
    pub number: String,
    pub title: String,
}

/// A stored claim with its contract and client resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    pub id: i64,
    pub direction: ClaimDirection,
    pub contract_id: i64,
    pub contract_number: String,
    pub client_id: i64,
    pub client_name: String,
    pub subject: String,
    pub claimed: Money,
    pub sent_on: NaiveDate,
    pub received_on: Option<NaiveDate>,
    pub term: AnswerTerm,
    /// The last day to answer.
    pub answer_due_on: NaiveDate,
    pub status: ClaimStatus,
    pub outcome: Option<Money>,
    pub evidence: Vec<Evidence>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl Claim {
    /// Whether the answer is still owed: the claim is received or under review.
    pub fn is_open(&self) -> bool {
        matches!(
            self.status,
            ClaimStatus::Received | ClaimStatus::UnderReview
        )
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    direction: String,
    contract_id: i64,
    contract_number: String,
    client_id: i64,
    client_name: String,
    subject: String,
    claimed_kopecks: i64,
    sent_on: NaiveDate,
    received_on: Option<NaiveDate>,
    answer_term_kind: String,
    answer_term_days: i64,
    answer_due_on: NaiveDate,
    status: String,
    outcome_kopecks: Option<i64>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    version: i64,
}

impl TryFrom<Row> for Claim {
    type Error = Error;

    fn try_from(row: Row) -> Result<Claim> {
        let corrupt =
            |what: &str, value: &str| Error::Corrupt(format!("claim {}: {what} {value:?}", row.id));
        let direction = match row.direction.as_str() {
            "incoming" => ClaimDirection::Incoming,
            "outgoing" => ClaimDirection::Outgoing,
            other => return Err(corrupt("direction", other)),
        };
        let days = u16::try_from(row.answer_term_days)
            .map_err(|_| corrupt("answer_term_days", &row.answer_term_days.to_string()))?;
        let term = match row.answer_term_kind.as_str() {
            "calendar_days_from_sent" => AnswerTerm::CalendarDaysFromSent(days),
            "working_days_from_receipt" => AnswerTerm::WorkingDaysFromReceipt(days),
            other => return Err(corrupt("answer_term_kind", other)),
        };
        Ok(Claim {
            status: row
                .status
                .parse()
                .map_err(|_| corrupt("status", &row.status))?,
            id: row.id,
            direction,
            contract_id: row.contract_id,
            contract_number: row.contract_number,
            client_id: row.client_id,
            client_name: row.client_name,
            subject: row.subject,
            claimed: Money::from_kopecks(row.claimed_kopecks),
            sent_on: row.sent_on,
            received_on: row.received_on,
            term,
            answer_due_on: row.answer_due_on,
            outcome: row.outcome_kopecks.map(Money::from_kopecks),
            evidence: Vec::new(),
            created_at: row.created_at,
            updated_at: row.updated_at,
            version: row.version,
        })
    }
}

/// Returns the column values of an answer term.
pub fn term_columns(term: AnswerTerm) -> (&'static str, i64) {
    match term {
        AnswerTerm::CalendarDaysFromSent(days) => ("calendar_days_from_sent", i64::from(days)),
        AnswerTerm::WorkingDaysFromReceipt(days) => ("working_days_from_receipt", i64::from(days)),
    }
}

/// Returns the API name of a direction.
pub fn direction_name(direction: ClaimDirection) -> &'static str {
    match direction {
        ClaimDirection::Incoming => "incoming",
        ClaimDirection::Outgoing => "outgoing",
    }
}

const SELECT: &str = "SELECT m.id, m.direction, m.contract_id, k.number AS contract_number, \
    k.client_id, c.name AS client_name, m.subject, m.claimed_kopecks, m.sent_on, \
    m.received_on, m.answer_term_kind, m.answer_term_days, m.answer_due_on, m.status, \
    m.outcome_kopecks, m.created_at, m.updated_at, m.version \
    FROM claims m JOIN contracts k ON k.id = m.contract_id JOIN clients c ON c.id = k.client_id";

/// Loads the production calendar from the stored years of [`PRODUCTION_CALENDAR`]; a year
/// without stored entries is the statutory one.
pub async fn production_calendar(db: &Db) -> Result<ProductionCalendar> {
    let Some(stored) = calendar::get(db, PRODUCTION_CALENDAR).await? else {
        return Ok(ProductionCalendar::default());
    };
    let mut years = Vec::new();
    for entered in calendar::years(db, stored.id).await? {
        let year = i32::try_from(entered.year)
            .map_err(|_| Error::Corrupt(format!("calendar year {}", entered.year)))?;
        let days = calendar::exceptions(db, stored.id, year..=year)
            .await?
            .into_iter()
            .map(|e| ProductionDay {
                date: e.date,
                kind: e.kind,
                hours: e.hours,
                note: e.note,
            })
            .collect();
        years.push(ProductionYear {
            year,
            days,
            confirmed: entered.confirmed,
        });
    }
    Ok(ProductionCalendar::new(years))
}

/// Finds a claim by id with its evidence.
pub async fn get(db: &Db, id: i64) -> Result<Option<Claim>> {
    let row: Option<Row> = db
        .fetch_optional(
            Sql::assembled(format!("{SELECT} WHERE m.id = $1")),
            args![id],
        )
        .await?;
    let Some(mut claim) = row.map(Claim::try_from).transpose()? else {
        return Ok(None);
    };
    claim.evidence = db
        .fetch_all(
            "SELECT t.id AS ticket_id, t.number, t.title FROM claim_tickets e \
             JOIN tickets t ON t.id = e.ticket_id WHERE e.claim_id = $1 ORDER BY t.id",
            args![id],
        )
        .await?;
    Ok(Some(claim))
}

/// Filters and paging of the claim list.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub status: Option<ClaimStatus>,
    pub contract_id: Option<i64>,
    /// Only claims still owed an answer whose last day is before this date.
    pub overdue_on: Option<NaiveDate>,
    pub limit: i64,
    pub offset: i64,
}

/// Lists claims, the earliest answer deadline first, with the total count for paging. The
/// list carries no evidence; [`get`] loads it.
pub async fn list(db: &Db, query: &ListQuery) -> Result<(Vec<Claim>, i64)> {
    let mut conditions = Vec::new();
    let mut values: Vec<Value> = Vec::new();
    if let Some(status) = query.status {
        values.push(status.as_ref().into());
        conditions.push(format!("m.status = ${}", values.len()));
    }
    if let Some(contract_id) = query.contract_id {
        values.push(contract_id.into());
        conditions.push(format!("m.contract_id = ${}", values.len()));
    }
    if let Some(today) = query.overdue_on {
        values.push(today.into());
        conditions.push(format!(
            "m.status IN ('received', 'under_review') AND m.answer_due_on < ${}",
            values.len()
        ));
    }
    let where_clause = if conditions.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conditions.join(" AND "))
    };

    let total: i64 = db
        .fetch_scalar(
            Sql::assembled(format!("SELECT COUNT(*) FROM claims m{where_clause}")),
            values.clone(),
        )
        .await?;

    values.push(query.limit.into());
    values.push(query.offset.into());
    let sql = format!(
        "{SELECT}{where_clause} ORDER BY m.answer_due_on, m.id LIMIT ${} OFFSET ${}",
        values.len() - 1,
        values.len()
    );
    let rows: Vec<Row> = db.fetch_all(Sql::assembled(sql), values).await?;
    let claims = rows
        .into_iter()
        .map(Claim::try_from)
        .collect::<Result<Vec<_>>>()?;
    Ok((claims, total))
}

/// A claim to register, at status `received`.
#[derive(Debug, Clone)]
pub struct NewClaim {
    pub direction: ClaimDirection,
    pub contract_id: i64,
    pub subject: String,
    pub claimed: Money,
    pub sent_on: NaiveDate,
    pub received_on: Option<NaiveDate>,
    /// The statutory 30 calendar days from sending when `None`.
    pub term: Option<AnswerTerm>,
    /// Tickets of the contract's client, as evidence.
    pub ticket_ids: Vec<i64>,
}

impl NewClaim {
    fn check(&self) -> Result<(), Invalid> {
        let subject = self.subject.trim();
        if subject.is_empty() {
            return Err(Invalid::missing("subject"));
        }
        if subject.chars().count() > SUBJECT_MAX_CHARS {
            return Err(Invalid::new("subject", "error-too-long").arg("max", SUBJECT_MAX_CHARS));
        }
        check_claimed_amount(self.claimed)?;
        if let Some(received_on) = self.received_on
            && received_on < self.sent_on
        {
            return Err(
                Invalid::new("received_on", "crm-claim-received-before-sent")
                    .arg("sent", self.sent_on)
                    .arg("received", received_on),
            );
        }
        Ok(())
    }
}

/// Registers a claim with its answer deadline on the `production` calendar. A missing contract is an
/// error on `contract_id`; a ticket that does not exist or belongs to another client is an
/// error on `ticket_ids`.
pub async fn create(
    db: &Db,
    new: &NewClaim,
    production: &ProductionCalendar,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<Claim> {
    new.check()?;
    let term = new.term.unwrap_or_default();
    // NOTE: the deadline is stored once, so a later edit of the production calendar does
    // not move the deadlines of claims already registered.
    let due = answer_deadline(term, new.sent_on, new.received_on, production)?;

    let mut tx = db.begin().await?;
    let contract: Option<(i64,)> = tx
        .fetch_optional(
            "SELECT client_id FROM contracts WHERE id = $1",
            args![new.contract_id],
        )
        .await?;
    let Some((client_id,)) = contract else {
        return Err(Invalid::new("contract_id", "crm-contract-unknown")
            .arg("value", new.contract_id)
            .into());
    };
    for ticket_id in &new.ticket_ids {
        let owner: Option<(Option<i64>,)> = tx
            .fetch_optional(
                "SELECT client_id FROM tickets WHERE id = $1",
                args![*ticket_id],
            )
            .await?;
        if owner != Some((Some(client_id),)) {
            return Err(Invalid::new("ticket_ids", "crm-claim-ticket-unknown")
                .arg("value", *ticket_id)
                .into());
        }
    }

    let (kind, days) = term_columns(term);
    let id: i64 = tx
        .fetch_scalar(
            "INSERT INTO claims (direction, contract_id, subject, claimed_kopecks, sent_on, \
             received_on, answer_term_kind, answer_term_days, answer_due_on, status, \
             created_by, created_at, updated_at, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'received', $10, $11, $11, 1) \
             RETURNING id",
            args![
                direction_name(new.direction),
                new.contract_id,
                new.subject.trim(),
                new.claimed.kopecks(),
                new.sent_on,
                new.received_on,
                kind,
                days,
                due,
                author.user_id,
                now,
            ],
        )
        .await?;
    let mut tickets = new.ticket_ids.clone();
    tickets.sort_unstable();
    tickets.dedup();
    for ticket_id in &tickets {
        tx.execute(
            "INSERT INTO claim_tickets (claim_id, ticket_id) VALUES ($1, $2)",
            args![id, *ticket_id],
        )
        .await?;
    }
    audit::record(
        &mut tx,
        author,
        "claim.create",
        ("claim", id),
        None,
        Some(
            json!({"direction": new.direction, "contract_id": new.contract_id,
                    "claimed_kopecks": new.claimed.kopecks(), "sent_on": new.sent_on,
                    "received_on": new.received_on, "answer_term": term,
                    "answer_due_on": due, "ticket_ids": tickets}),
        ),
        now,
    )
    .await?;
    tx.commit().await?;
    get(db, id)
        .await?
        .ok_or_else(|| DomainError::NotFound.into())
}

/// Moves a claim to `to` if `version` is current, with the outcome the status needs: the
/// claimed amount when accepted, less when partly accepted, zero when rejected.
pub async fn change_status(
    db: &Db,
    id: i64,
    version: i64,
    to: ClaimStatus,
    outcome: Option<Money>,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<Claim> {
    let current = get(db, id).await?.ok_or(DomainError::NotFound)?;
    if current.version != version {
        return Err(DomainError::Conflict {
            expected: version,
            current: current.version,
        }
        .into());
    }
    let outcome = check_transition(current.status, to, current.claimed, outcome)?;

    let mut tx = db.begin().await?;
    let changed = tx
        .execute(
            "UPDATE claims SET status = $1, outcome_kopecks = $2, updated_at = $3, \
             version = version + 1 WHERE id = $4 AND version = $5 AND status = $6",
            args![
                to.as_ref(),
                outcome.map(|o| o.kopecks()),
                now,
                id,
                version,
                current.status.as_ref(),
            ],
        )
        .await?;
    if changed == 0 {
        let stored: i64 = tx
            .fetch_scalar("SELECT version FROM claims WHERE id = $1", args![id])
            .await?;
        return Err(DomainError::Conflict {
            expected: version,
            current: stored,
        }
        .into());
    }
    audit::record(
        &mut tx,
        author,
        "claim.status",
        ("claim", id),
        Some(json!({"status": current.status, "outcome_kopecks": current.outcome.map(|o| o.kopecks())})),
        Some(json!({"status": to, "outcome_kopecks": outcome.map(|o| o.kopecks())})),
        now,
    )
    .await?;
    tx.commit().await?;
    get(db, id)
        .await?
        .ok_or_else(|| DomainError::NotFound.into())
}
