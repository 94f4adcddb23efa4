//! Dispute (claim, претензия) routes of the JSON API: register, list and read claims with
//! their answer deadlines, and move a claim through its workflow.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use domain::Invalid;
use domain::crm::claim::deadline_state;
use domain::crm::{AnswerTerm, ClaimDirection, ClaimStatus, DeadlineState};
use domain::identity::{Action, Object};
use domain::money::Money;
use serde::{Deserialize, Serialize};
use store::crm::claims::{self, Claim, NewClaim, direction_name, term_columns};
use strum::VariantArray;
use utoipa::{IntoParams, ToSchema};

use super::contracts::today;
use super::json::ApiJson;
use super::tariffs::parse_date;
use super::tickets::{DEFAULT_LIMIT, MAX_LIMIT, parse_bounded, path_id};
use crate::context::{Auth, Identity};
use crate::error::{AppError, AppResult};
use crate::query::Query;
use crate::servicedesk::access::{author, authorize};
use crate::state::AppState;

/// The term within which a claim must be answered.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerTermJson {
    /// `calendar_days_from_sent` (the statutory term) or `working_days_from_receipt`.
    pub kind: String,
    /// 1 or more.
    pub days: u16,
}

impl AnswerTermJson {
    fn term(&self) -> Result<AnswerTerm, Invalid> {
        match self.kind.trim() {
            "calendar_days_from_sent" => Ok(AnswerTerm::CalendarDaysFromSent(self.days)),
            "working_days_from_receipt" => Ok(AnswerTerm::WorkingDaysFromReceipt(self.days)),
            other => Err(Invalid::not_one_of(
                "answer_term.kind",
                other,
                &["calendar_days_from_sent", "working_days_from_receipt"],
            )),
        }
    }
}

/// A ticket linked as evidence.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvidenceJson {
    pub id: i64,
    pub number: String,
    pub title: String,
}

/// How the answer deadline looks today, for a claim still owed an answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeadlineJson {
    /// Calendar days left, 0 on the last day; negative once overdue.
    pub days_left: i64,
    pub overdue: bool,
}

/// A claim as the API returns it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DisputeJson {
    pub id: i64,
    /// `incoming` (from the client) or `outgoing` (to the client).
    pub direction: String,
    pub contract_id: i64,
    pub contract_number: String,
    pub client_id: i64,
    pub client_name: String,
    pub subject: String,
    pub claimed_kopecks: i64,
    pub sent_on: NaiveDate,
    pub received_on: Option<NaiveDate>,
    pub answer_term: AnswerTermJson,
    /// The last day to answer, by Civil Code art. 191 and 193 on the production calendar.
    pub answer_due_on: NaiveDate,
    /// `null` once the claim is answered.
    pub deadline: Option<DeadlineJson>,
    /// `received`, `under_review`, `accepted`, `partly_accepted`, `rejected` or `settled`.
    pub status: String,
    pub outcome_kopecks: Option<i64>,
    /// Empty in lists; the single claim lists its evidence.
    pub tickets: Vec<EvidenceJson>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The claim's card.
    pub url: String,
}

/// Days left and the overdue flag of an open claim on `today`.
pub fn deadline(claim: &Claim, today: NaiveDate) -> Option<DeadlineJson> {
    if !claim.is_open() {
        return None;
    }
    let days_left = match deadline_state(claim.answer_due_on, today) {
        DeadlineState::DaysLeft(days) => days,
        DeadlineState::Overdue(days) => -days,
    };
    Some(DeadlineJson {
        days_left,
        overdue: days_left < 0,
    })
}

impl DisputeJson {
    /// Converts a stored claim; `public_url` makes the card link absolute.
    pub fn new(claim: &Claim, public_url: &str) -> DisputeJson {
        let (kind, days) = term_columns(claim.term);
        DisputeJson {
            id: claim.id,
            direction: direction_name(claim.direction).into(),
            contract_id: claim.contract_id,
            contract_number: claim.contract_number.clone(),
            client_id: claim.client_id,
            client_name: claim.client_name.clone(),
            subject: claim.subject.clone(),
            claimed_kopecks: claim.claimed.kopecks(),
            sent_on: claim.sent_on,
            received_on: claim.received_on,
            answer_term: AnswerTermJson {
                kind: kind.into(),
                days: u16::try_from(days).unwrap_or(u16::MAX),
            },
            answer_due_on: claim.answer_due_on,
            deadline: deadline(claim, today()),
            status: claim.status.to_string(),
            outcome_kopecks: claim.outcome.map(|o| o.kopecks()),
            tickets: claim
                .evidence
                .iter()
                .map(|e| EvidenceJson {
                    id: e.ticket_id,
                    number: e.number.clone(),
                    title: e.title.clone(),
                })
                .collect(),
            version: claim.version,
            created_at: claim.created_at,
            updated_at: claim.updated_at,
            url: format!("{public_url}/disputes/{}", claim.id),
        }
    }
}

/// A page of claims.
#[derive(Debug, Serialize, ToSchema)]
pub struct DisputeList {
    pub items: Vec<DisputeJson>,
    /// Matches in total, for paging.
    pub total: i64,
}

/// Filters and paging of `GET /disputes`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DisputeListParams {
    /// One status.
    pub status: Option<String>,
    pub contract_id: Option<String>,
    /// `true`: only claims still owed an answer past their deadline.
    pub overdue: Option<bool>,
    /// Page size, 1 to 1000 (default 50).
    pub limit: Option<String>,
    /// Claims to skip (default 0).
    pub offset: Option<String>,
}

impl DisputeListParams {
    /// Validates the parameters into a store query.
    pub fn to_query(&self) -> Result<claims::ListQuery, Invalid> {
        let present = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        Ok(claims::ListQuery {
            status: present(&self.status)
                .map(|s| parse_status("status", &s))
                .transpose()?,
            contract_id: present(&self.contract_id)
                .map(|id| parse_bounded("contract_id", &id, 1, i64::MAX))
                .transpose()?,
            overdue_on: self.overdue.unwrap_or(false).then(today),
            limit: match present(&self.limit) {
                Some(limit) => parse_bounded("limit", &limit, 1, MAX_LIMIT)?,
                None => DEFAULT_LIMIT,
            },
            offset: match present(&self.offset) {
                Some(offset) => parse_bounded("offset", &offset, 0, i64::MAX)?,
                None => 0,
            },
        })
    }
}

/// Parses a claim status, naming the allowed ones on error.
pub fn parse_status(field: &str, value: &str) -> Result<ClaimStatus, Invalid> {
    value.trim().parse().map_err(|_| {
        let allowed: Vec<&str> = ClaimStatus::VARIANTS.iter().map(|s| s.into()).collect();
        Invalid::not_one_of(field, value.trim(), &allowed)
    })
}

/// Parses a claim direction, naming the allowed ones on error.
pub fn parse_direction(field: &str, value: &str) -> Result<ClaimDirection, Invalid> {
    match value.trim() {
        "incoming" => Ok(ClaimDirection::Incoming),
        "outgoing" => Ok(ClaimDirection::Outgoing),
        other => Err(Invalid::not_one_of(field, other, &["incoming", "outgoing"])),
    }
}

/// Renames the domain's amount fields to the API's kopeck fields in an error.
pub fn api_field(error: AppError) -> AppError {
    match error {
        AppError::Problem(mut problem) => {
            problem.field = problem.field.map(|field| match field.as_str() {
                "claimed_amount" => "claimed_kopecks".to_string(),
                "outcome_amount" => "outcome_kopecks".to_string(),
                _ => field,
            });
            AppError::Problem(problem)
        }
        other => other,
    }
}

/// Loads a claim the user may read; a missing claim and a user who may not see claims get
/// the same 404.
pub async fn readable_claim(state: &AppState, identity: &Identity, id: i64) -> AppResult<Claim> {
    authorize(identity, Action::ReadDisputes, Object::System)?;
    claims::get(&state.db, id)
        .await?
        .ok_or_else(AppError::not_found)
}

/// Registers a claim with its deadline on the stored production calendar, and logs it.
pub async fn register(state: &AppState, identity: &Identity, new: &NewClaim) -> AppResult<Claim> {
    authorize(identity, Action::ManageDisputes, Object::System)?;
    let production = claims::production_calendar(&state.db).await?;
    let claim = claims::create(
        &state.db,
        new,
        &production,
        &author(identity),
        domain::time::now(),
    )
    .await?;
    tracing::info!(
        claim_id = claim.id,
        contract_id = claim.contract_id,
        "claim registered"
    );
    Ok(claim)
}

/// Moves a claim to `to` if `version` is current, and logs it.
pub async fn move_claim(
    state: &AppState,
    identity: &Identity,
    claim: &Claim,
    version: i64,
    to: ClaimStatus,
    outcome: Option<Money>,
) -> AppResult<Claim> {
    authorize(identity, Action::ManageDisputes, Object::System)?;
    let updated = claims::change_status(
        &state.db,
        claim.id,
        version,
        to,
        outcome,
        &author(identity),
        domain::time::now(),
    )
    .await?;
    tracing::info!(claim_id = updated.id, status = %updated.status, "claim status changed");
    Ok(updated)
}

/// Lists claims, the earliest answer deadline first.
#[utoipa::path(get, path = "/api/v1/disputes", tag = "disputes", params(DisputeListParams),
    responses((status = 200, body = DisputeList), (status = 401), (status = 404),
        (status = 422)))]
pub async fn list(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Query(params): Query<DisputeListParams>,
) -> AppResult<Json<DisputeList>> {
    authorize(&identity, Action::ReadDisputes, Object::System)?;
    let query = params.to_query()?;
    let (found, total) = claims::list(&state.db, &query).await?;
    let items = found
        .iter()
        .map(|c| DisputeJson::new(c, &state.config.public_url))
        .collect();
    Ok(Json(DisputeList { items, total }))
}

/// Reads a claim with its evidence.
#[utoipa::path(get, path = "/api/v1/disputes/{id}", tag = "disputes",
    params(("id" = i64, Path, description = "Claim id")),
    responses((status = 200, body = DisputeJson), (status = 404)))]
pub async fn get(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Path(id): Path<String>,
) -> AppResult<Json<DisputeJson>> {
    let claim = readable_claim(&state, &identity, path_id(&id)?).await?;
    Ok(Json(DisputeJson::new(&claim, &state.config.public_url)))
}

/// Body of `POST /disputes`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDispute {
    /// `incoming` or `outgoing`.
    pub direction: String,
    pub contract_id: i64,
    /// 1 to 500 characters.
    pub subject: String,
    /// More than zero.
    pub claimed_kopecks: i64,
    /// `YYYY-MM-DD`.
    pub sent_on: String,
    /// `YYYY-MM-DD`; needed for a term in working days from receipt.
    pub received_on: Option<String>,
    /// 30 calendar days from sending when absent.
    pub answer_term: Option<AnswerTermJson>,
    /// Tickets of the contract's client, as evidence.
    #[serde(default)]
    pub ticket_ids: Vec<i64>,
}

/// Registers a claim at status `received`.
#[utoipa::path(post, path = "/api/v1/disputes", tag = "disputes", request_body = CreateDispute,
    responses((status = 201, body = DisputeJson), (status = 403), (status = 404),
        (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    Auth(identity): Auth,
    ApiJson(body): ApiJson<CreateDispute>,
) -> AppResult<Response> {
    authorize(&identity, Action::ManageDisputes, Object::System)?;
    let new = NewClaim {
        direction: parse_direction("direction", &body.direction)?,
        contract_id: body.contract_id,
        subject: body.subject.clone(),
        claimed: Money::from_kopecks(body.claimed_kopecks),
        sent_on: parse_date("sent_on", &body.sent_on)?,
        received_on: body
            .received_on
            .as_deref()
            .filter(|d| !d.trim().is_empty())
            .map(|d| parse_date("received_on", d))
            .transpose()?,
        term: body.answer_term.as_ref().map(|t| t.term()).transpose()?,
        ticket_ids: body.ticket_ids.clone(),
    };
    let claim = register(&state, &identity, &new).await.map_err(api_field)?;
    let json = DisputeJson::new(&claim, &state.config.public_url);
    Ok((StatusCode::CREATED, Json(json)).into_response())
}

/// Body of `POST /disputes/{id}/transitions`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DisputeTransition {
    /// The status to move to.
    pub to: String,
    /// The version the change is based on.
    pub version: i64,
    /// Required for `partly_accepted`; the claimed amount for `accepted` and zero for
    /// `rejected` when absent.
    pub outcome_kopecks: Option<i64>,
}

/// Moves a claim: `received → under_review → accepted / partly_accepted / rejected →
/// settled`. Any other move is a 409 `invalid_transition`, a stale version a 409 `conflict`.
#[utoipa::path(post, path = "/api/v1/disputes/{id}/transitions", tag = "disputes",
    request_body = DisputeTransition, params(("id" = i64, Path, description = "Claim id")),
    responses((status = 200, body = DisputeJson), (status = 403), (status = 404),
        (status = 409), (status = 422)))]
pub async fn transition(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<DisputeTransition>,
) -> AppResult<Json<DisputeJson>> {
    let claim = readable_claim(&state, &identity, path_id(&id)?).await?;
    let to = parse_status("to", &body.to)?;
    let outcome = body.outcome_kopecks.map(Money::from_kopecks);
    let updated = move_claim(&state, &identity, &claim, body.version, to, outcome)
        .await
        .map_err(api_field)?;
    Ok(Json(DisputeJson::new(&updated, &state.config.public_url)))
}
