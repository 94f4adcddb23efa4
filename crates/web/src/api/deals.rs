//! Deal routes of the JSON API: create, list and read deals, and move a deal between stages.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use domain::Invalid;
use domain::crm::{DealStage, LostReason};
use domain::identity::{Action, Object};
use domain::money::Money;
use serde::{Deserialize, Serialize};
use store::crm::deals::{self, Deal, NewDeal, StageRequest};
use strum::VariantArray;
use utoipa::{IntoParams, ToSchema};

use super::contracts::{DEFAULT_SERIES, today};
use super::json::ApiJson;
use super::tariffs::parse_date;
use super::tickets::{DEFAULT_LIMIT, MAX_LIMIT, parse_bounded, path_id};
use crate::context::Auth;
use crate::context::Identity;
use crate::error::{AppError, AppResult, Problem};
use crate::query::Query;
use crate::servicedesk::access::{author, authorize};
use crate::state::AppState;

/// A deal as the API returns it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DealJson {
    pub id: i64,
    pub title: String,
    pub client_id: i64,
    pub client_name: String,
    /// The staff user who works the deal.
    pub owner_id: i64,
    pub owner_name: String,
    /// The plan version offered; winning needs one.
    pub plan_id: Option<i64>,
    pub plan: Option<String>,
    pub amount_kopecks: i64,
    /// `new`, `qualified`, `proposal`, `negotiation`, `won` or `lost`.
    pub stage: String,
    pub expected_close_on: Option<NaiveDate>,
    /// Set for a lost deal: `price`, `competitor`, `no_budget`, `no_response`,
    /// `missing_feature` or `other`.
    pub lost_reason: Option<String>,
    pub lost_comment: Option<String>,
    /// The draft contract a win created.
    pub contract_id: Option<i64>,
    pub contract_number: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The deal's card.
    pub url: String,
}

impl DealJson {
    /// Converts a stored deal; `public_url` makes the card link absolute.
    pub fn new(deal: &Deal, public_url: &str) -> DealJson {
        DealJson {
            id: deal.id,
            title: deal.title.clone(),
            client_id: deal.client_id,
            client_name: deal.client_name.clone(),
            owner_id: deal.owner_id,
            owner_name: deal.owner_name.clone(),
            plan_id: deal.plan_id,
            plan: deal.plan_label.clone(),
            amount_kopecks: deal.amount.kopecks(),
            stage: deal.stage.to_string(),
            expected_close_on: deal.expected_close_on,
            lost_reason: deal.lost_reason.map(|r| r.to_string()),
            lost_comment: deal.lost_comment.clone(),
            contract_id: deal.contract_id,
            contract_number: deal.contract_number.clone(),
            version: deal.version,
            created_at: deal.created_at,
            updated_at: deal.updated_at,
            url: format!("{public_url}/deals/{}", deal.id),
        }
    }
}

/// A page of deals.
#[derive(Debug, Serialize, ToSchema)]
pub struct DealList {
    pub items: Vec<DealJson>,
    /// Matches in total, for paging.
    pub total: i64,
}

/// Filters and paging of `GET /deals`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DealListParams {
    /// One stage.
    pub stage: Option<String>,
    /// The owner's user id.
    pub owner_id: Option<String>,
    pub client_id: Option<String>,
    /// Page size, 1 to 1000 (default 50).
    pub limit: Option<String>,
    /// Deals to skip (default 0).
    pub offset: Option<String>,
}

impl DealListParams {
    /// Validates the parameters into a store query.
    pub fn to_query(&self) -> Result<deals::ListQuery, Invalid> {
        let present = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        Ok(deals::ListQuery {
            stage: present(&self.stage)
                .map(|s| parse_stage("stage", &s))
                .transpose()?,
            owner_id: present(&self.owner_id)
                .map(|id| parse_bounded("owner_id", &id, 1, i64::MAX))
                .transpose()?,
            client_id: present(&self.client_id)
                .map(|id| parse_bounded("client_id", &id, 1, i64::MAX))
                .transpose()?,
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

/// Parses a deal stage, naming the allowed ones on error.
pub fn parse_stage(field: &str, value: &str) -> Result<DealStage, Invalid> {
    value.trim().parse().map_err(|_| {
        let allowed: Vec<&str> = DealStage::VARIANTS.iter().map(|s| s.into()).collect();
        Invalid::not_one_of(field, value.trim(), &allowed)
    })
}

/// Parses a lost reason, naming the allowed ones on error.
pub fn parse_lost_reason(field: &str, value: &str) -> Result<LostReason, Invalid> {
    value.trim().parse().map_err(|_| {
        let allowed: Vec<&str> = LostReason::VARIANTS.iter().map(|s| s.into()).collect();
        Invalid::not_one_of(field, value.trim(), &allowed)
    })
}

/// Loads a deal the user may read; a missing deal and a user who may not see deals get the
/// same 404.
pub async fn readable_deal(state: &AppState, identity: &Identity, id: i64) -> AppResult<Deal> {
    authorize(identity, Action::ReadDeals, Object::System)?;
    deals::get(&state.db, id)
        .await?
        .ok_or_else(AppError::not_found)
}

/// Moves a deal to `request.to` if `version` is current, and logs it. A transition the
/// pipeline forbids is a 422 on `stage`, a stale version a 409.
pub async fn change_stage(
    state: &AppState,
    identity: &Identity,
    deal: &Deal,
    version: i64,
    request: &StageRequest,
) -> AppResult<Deal> {
    authorize(identity, Action::ManageDeals, Object::System)?;
    let result = deals::change_stage(
        &state.db,
        deal.id,
        version,
        request,
        &author(identity),
        domain::time::now(),
    )
    .await;
    let updated = match result {
        Ok(updated) => updated,
        Err(store::Error::Domain(domain::Error::InvalidTransition { from, to, labels })) => {
            return Err(Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_transition",
                "error-invalid-transition",
            )
            .arg("from", from)
            .arg("to", to)
            .arg("labels", labels)
            .field("stage")
            .into());
        }
        Err(error) => return Err(error.into()),
    };
    tracing::info!(
        deal_id = updated.id,
        stage = %updated.stage,
        contract_id = ?updated.contract_id,
        "deal stage changed"
    );
    Ok(updated)
}

/// Builds the stage request a person asked for; a win's draft contract starts today.
pub fn stage_request(
    to: DealStage,
    lost_reason: Option<&str>,
    lost_comment: Option<&str>,
) -> Result<StageRequest, Invalid> {
    let lost_reason = lost_reason
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(|r| parse_lost_reason("lost_reason", r))
        .transpose()?;
    Ok(StageRequest {
        to,
        lost_reason,
        lost_comment: lost_comment.map(str::to_string),
        contract_series: DEFAULT_SERIES.into(),
        contract_starts_on: today(),
    })
}

/// Lists deals, the nearest expected close first.
#[utoipa::path(get, path = "/api/v1/deals", tag = "deals", params(DealListParams),
    responses((status = 200, body = DealList), (status = 401), (status = 404),
        (status = 422)))]
pub async fn list(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Query(params): Query<DealListParams>,
) -> AppResult<Json<DealList>> {
    authorize(&identity, Action::ReadDeals, Object::System)?;
    let query = params.to_query()?;
    let (found, total) = deals::list(&state.db, &query).await?;
    let items = found
        .iter()
        .map(|d| DealJson::new(d, &state.config.public_url))
        .collect();
    Ok(Json(DealList { items, total }))
}

/// Reads a deal.
#[utoipa::path(get, path = "/api/v1/deals/{id}", tag = "deals",
    params(("id" = i64, Path, description = "Deal id")),
    responses((status = 200, body = DealJson), (status = 404)))]
pub async fn get(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Path(id): Path<String>,
) -> AppResult<Json<DealJson>> {
    let deal = readable_deal(&state, &identity, path_id(&id)?).await?;
    Ok(Json(DealJson::new(&deal, &state.config.public_url)))
}

/// Body of `POST /deals`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDeal {
    /// 1 to 200 characters.
    pub title: String,
    pub client_id: i64,
    /// A staff user's id; the requester when absent.
    pub owner_id: Option<i64>,
    /// The plan version offered; needed before the deal can be won.
    pub plan_id: Option<i64>,
    /// Zero or more.
    pub amount_kopecks: i64,
    /// `YYYY-MM-DD`.
    pub expected_close_on: Option<String>,
}

/// Creates a deal at stage `new` after checking that the requester may read its client.
pub async fn create_deal(state: &AppState, identity: &Identity, new: &NewDeal) -> AppResult<Deal> {
    authorize(identity, Action::ManageDeals, Object::System)?;
    crate::crm::access::readable_client(state, identity, new.client_id)
        .await
        .map_err(|_| {
            AppError::from(
                Invalid::new("client_id", "crm-client-unknown").arg("value", new.client_id),
            )
        })?;
    let deal = deals::create(&state.db, new, &author(identity), domain::time::now()).await?;
    tracing::info!(
        deal_id = deal.id,
        client_id = deal.client_id,
        "deal created"
    );
    Ok(deal)
}

/// Creates a deal at stage `new`.
#[utoipa::path(post, path = "/api/v1/deals", tag = "deals", request_body = CreateDeal,
    responses((status = 201, body = DealJson), (status = 403), (status = 404),
        (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    Auth(identity): Auth,
    ApiJson(body): ApiJson<CreateDeal>,
) -> AppResult<Response> {
    authorize(&identity, Action::ManageDeals, Object::System)?;
    let new = NewDeal {
        title: body.title.clone(),
        client_id: body.client_id,
        owner_id: body.owner_id.unwrap_or(identity.user.id),
        plan_id: body.plan_id,
        amount: Money::from_kopecks(body.amount_kopecks),
        expected_close_on: body
            .expected_close_on
            .as_deref()
            .filter(|d| !d.trim().is_empty())
            .map(|d| parse_date("expected_close_on", d))
            .transpose()?,
    };
    let deal = create_deal(&state, &identity, &new).await?;
    let json = DealJson::new(&deal, &state.config.public_url);
    Ok((StatusCode::CREATED, Json(json)).into_response())
}

/// Body of `PATCH /deals/{id}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateDeal {
    /// The stage to move to.
    pub stage: String,
    /// The version the change is based on.
    pub version: i64,
    /// Required for `lost`.
    pub lost_reason: Option<String>,
    /// Required for `lost` with reason `other`; up to 1000 characters.
    pub lost_comment: Option<String>,
}

/// Moves a deal to another stage: one stage forward, back to an earlier open stage, `lost`
/// from any open stage (with a reason), `won` from `proposal` or `negotiation`. Winning
/// creates a draft contract for the deal's client and plan and links it. A forbidden move
/// is a 422, a stale `version` a 409.
#[utoipa::path(patch, path = "/api/v1/deals/{id}", tag = "deals", request_body = UpdateDeal,
    params(("id" = i64, Path, description = "Deal id")),
    responses((status = 200, body = DealJson), (status = 403), (status = 404),
        (status = 409), (status = 422)))]
pub async fn update(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UpdateDeal>,
) -> AppResult<Json<DealJson>> {
    let deal = readable_deal(&state, &identity, path_id(&id)?).await?;
    authorize(&identity, Action::ManageDeals, Object::System)?;
    let to = parse_stage("stage", &body.stage)?;
    let request = stage_request(
        to,
        body.lost_reason.as_deref(),
        body.lost_comment.as_deref(),
    )?;
    let updated = change_stage(&state, &identity, &deal, body.version, &request).await?;
    Ok(Json(DealJson::new(&updated, &state.config.public_url)))
}
