//! Contract routes of the JSON API: create, list and read contracts, change their status,
//! add amendments, and read the terms in force on a date.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use domain::Invalid;
use domain::crm::contract::Signatory;
use domain::crm::{Conclusion, ContractStatus, LimitKind, OfferAcceptance, SlaChange, TermsChange};
use domain::identity::{Action, Object};
use domain::money::Money;
use domain::sla::PriorityTargets;
use serde::{Deserialize, Serialize};
use store::crm::amendments::{self, ContractTerms, NewAmendment, StoredAmendment};
use store::crm::contracts::{self, Contract, NewContract};
use utoipa::{IntoParams, ToSchema};

use super::json::{ApiJson, double_option};
use super::tariffs::{LimitsJson, PRIORITIES, TargetsJson, parse_date};
use super::tickets::{DEFAULT_LIMIT, MAX_LIMIT, parse_bounded, path_id};
use crate::context::{Auth, Identity};
use crate::error::{AppError, AppResult};
use crate::query::Query;
use crate::servicedesk::access::{author, authorize};
use crate::state::AppState;

/// The act that concluded a contract: a signature or an accepted public offer.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConclusionJson {
    /// `signed` or `offer` (an accepted public offer).
    pub kind: String,
    /// The signing date, `YYYY-MM-DD`, for `signed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signed_on: Option<String>,
    /// The acceptance date, `YYYY-MM-DD`, for `offer`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accepted_on: Option<String>,
    /// The offer text version accepted, for `offer`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offer_version: Option<String>,
    /// `payment`, `portal_checkbox` or `signed_application`, for `offer`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
}

impl ConclusionJson {
    fn new(conclusion: &Conclusion) -> ConclusionJson {
        match conclusion {
            Conclusion::Signed { signed_on } => ConclusionJson {
                kind: "signed".into(),
                signed_on: Some(signed_on.to_string()),
                accepted_on: None,
                offer_version: None,
                method: None,
            },
            Conclusion::Offer(acceptance) => ConclusionJson {
                kind: "offer".into(),
                signed_on: None,
                accepted_on: Some(acceptance.accepted_on.to_string()),
                offer_version: Some(acceptance.offer_version.clone()),
                method: Some(contracts::method_name(acceptance.method).into()),
            },
        }
    }

    fn conclusion(&self) -> Result<Conclusion, Invalid> {
        let required = |field: &str, value: &Option<String>| {
            value
                .clone()
                .filter(|v| !v.trim().is_empty())
                .ok_or_else(|| Invalid::missing(&format!("conclusion.{field}")))
        };
        match self.kind.trim() {
            "signed" => Ok(Conclusion::Signed {
                signed_on: parse_date(
                    "conclusion.signed_on",
                    &required("signed_on", &self.signed_on)?,
                )?,
            }),
            "offer" => Ok(Conclusion::Offer(OfferAcceptance {
                accepted_on: parse_date(
                    "conclusion.accepted_on",
                    &required("accepted_on", &self.accepted_on)?,
                )?,
                offer_version: required("offer_version", &self.offer_version)?,
                method: contracts::parse_method(
                    "conclusion.method",
                    &required("method", &self.method)?,
                )?,
            })),
            other => Err(Invalid::not_one_of(
                "conclusion.kind",
                other,
                &["signed", "offer"],
            )),
        }
    }
}

/// The client's signatory, each part in the genitive case.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignatoryJson {
    /// «Иванова Ивана Ивановича».
    pub full_name: String,
    /// «генерального директора».
    pub position: String,
    /// «Устава».
    pub authority: String,
}

/// The plan version a contract refers to.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanRefJson {
    pub id: Option<i64>,
    pub code: String,
    pub version: u32,
    pub name: Option<String>,
}

/// A contract as the API returns it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContractJson {
    pub id: i64,
    /// Series and sequence, `ДУ-00042`.
    pub number: String,
    pub client_id: i64,
    pub client_name: String,
    /// The plan version the contract was concluded on; amendments may change it later.
    pub plan: PlanRefJson,
    /// `draft`, `active`, `suspended`, `terminated` or `expired`.
    pub status: String,
    /// `null` for a draft not yet concluded.
    pub conclusion: Option<ConclusionJson>,
    pub starts_on: NaiveDate,
    /// Last day of service; `null` for an open-ended contract.
    pub ends_on: Option<NaiveDate>,
    pub auto_prolongation: bool,
    pub monthly_price_kopecks: i64,
    /// Whether waiting on a third party stops the SLA clock, as for waiting on the client.
    pub third_party_stops_clock: bool,
    pub signatory: Option<SignatoryJson>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The contract's card.
    pub url: String,
}

impl ContractJson {
    /// Converts a stored contract; `public_url` makes the card link absolute.
    pub fn new(contract: &Contract, public_url: &str) -> ContractJson {
        ContractJson {
            id: contract.id,
            number: contract.number.to_string(),
            client_id: contract.client_id,
            client_name: contract.client_name.clone(),
            plan: PlanRefJson {
                id: Some(contract.plan_id),
                code: contract.plan.code.clone(),
                version: contract.plan.version,
                name: Some(contract.plan_name.clone()),
            },
            status: contract.status.to_string(),
            conclusion: contract.conclusion.as_ref().map(ConclusionJson::new),
            starts_on: contract.starts_on,
            ends_on: contract.ends_on,
            auto_prolongation: contract.auto_prolongation,
            monthly_price_kopecks: contract.monthly_price.kopecks(),
            third_party_stops_clock: contract.third_party_stops_clock,
            signatory: contract.signatory.as_ref().map(|s| SignatoryJson {
                full_name: s.full_name.clone(),
                position: s.position.clone(),
                authority: s.authority.clone(),
            }),
            version: contract.version,
            created_at: contract.created_at,
            updated_at: contract.updated_at,
            url: format!("{public_url}/contracts/{}", contract.id),
        }
    }
}

/// An amendment as the API returns it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AmendmentJson {
    pub id: i64,
    pub contract_id: i64,
    pub number: String,
    pub signed_on: NaiveDate,
    pub effective_on: NaiveDate,
    /// The changed terms as stored. A plan change lists the plan's price, limits and SLA
    /// too.
    #[schema(value_type = Object)]
    pub changes: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

impl From<&StoredAmendment> for AmendmentJson {
    fn from(stored: &StoredAmendment) -> Self {
        AmendmentJson {
            id: stored.id,
            contract_id: stored.contract_id,
            number: stored.amendment.number.clone(),
            signed_on: stored.amendment.signed_on,
            effective_on: stored.amendment.effective_on,
            changes: serde_json::to_value(&stored.amendment.changes)
                .unwrap_or(serde_json::Value::Null),
            created_at: stored.created_at,
        }
    }
}

/// A contract with its amendments.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContractDetail {
    #[serde(flatten)]
    pub contract: ContractJson,
    /// In the order they apply.
    pub amendments: Vec<AmendmentJson>,
}

/// A page of contracts.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContractList {
    pub items: Vec<ContractJson>,
    /// Matches in total, for paging.
    pub total: i64,
}

/// Filters and paging of `GET /contracts`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContractListParams {
    pub client_id: Option<String>,
    /// One status.
    pub status: Option<String>,
    /// Page size, 1 to 1000 (default 50).
    pub limit: Option<String>,
    /// Contracts to skip (default 0).
    pub offset: Option<String>,
}

impl ContractListParams {
    /// Validates the parameters into a store query.
    pub fn to_query(&self) -> Result<contracts::ListQuery, Invalid> {
        let present = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        Ok(contracts::ListQuery {
            client_id: present(&self.client_id)
                .map(|id| parse_bounded("client_id", &id, 1, i64::MAX))
                .transpose()?,
            status: present(&self.status)
                .map(|s| parse_status("status", &s))
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

/// Parses a contract status, naming the allowed ones on error.
pub fn parse_status(field: &str, value: &str) -> Result<ContractStatus, Invalid> {
    use strum::VariantArray;
    value.trim().parse().map_err(|_| {
        let allowed: Vec<&str> = ContractStatus::VARIANTS.iter().map(|s| s.into()).collect();
        Invalid::not_one_of(field, value.trim(), &allowed)
    })
}

/// Loads a contract the user may read; a missing or invisible contract is the same 404.
pub async fn readable_contract(
    state: &AppState,
    identity: &Identity,
    id: i64,
) -> AppResult<Contract> {
    let contract = contracts::get(&state.db, id)
        .await?
        .ok_or_else(AppError::not_found)?;
    authorize(
        identity,
        Action::ReadContract,
        Object::Client {
            id: contract.client_id,
        },
    )?;
    Ok(contract)
}

/// Loads a contract the user may change: a 404 when they may not read it, a 403 when they
/// may only read it.
pub async fn manageable_contract(
    state: &AppState,
    identity: &Identity,
    id: i64,
) -> AppResult<Contract> {
    let contract = readable_contract(state, identity, id).await?;
    authorize(
        identity,
        Action::ManageContracts,
        Object::Client {
            id: contract.client_id,
        },
    )?;
    Ok(contract)
}

/// Lists contracts the requester may see, newest first.
#[utoipa::path(get, path = "/api/v1/contracts", tag = "contracts", params(ContractListParams),
    responses((status = 200, body = ContractList), (status = 401), (status = 422)))]
pub async fn list(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Query(params): Query<ContractListParams>,
) -> AppResult<Json<ContractList>> {
    authorize(&identity, Action::ReadContract, Object::System)?;
    let mut query = params.to_query()?;
    if identity.actor.role.is_client() {
        // A client user without a company gets an empty list, because -1 matches no client.
        query.client_id = Some(identity.actor.client_id.unwrap_or(-1));
    }
    let (found, total) = contracts::list(&state.db, &query).await?;
    let items = found
        .iter()
        .map(|c| ContractJson::new(c, &state.config.public_url))
        .collect();
    Ok(Json(ContractList { items, total }))
}

/// Reads a contract with its amendments.
#[utoipa::path(get, path = "/api/v1/contracts/{id}", tag = "contracts",
    params(("id" = i64, Path, description = "Contract id")),
    responses((status = 200, body = ContractDetail), (status = 404)))]
pub async fn get(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Path(id): Path<String>,
) -> AppResult<Json<ContractDetail>> {
    let contract = readable_contract(&state, &identity, path_id(&id)?).await?;
    let amendments = amendments::list(&state.db, contract.id).await?;
    Ok(Json(ContractDetail {
        contract: ContractJson::new(&contract, &state.config.public_url),
        amendments: amendments.iter().map(AmendmentJson::from).collect(),
    }))
}

/// Body of `POST /contracts`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateContract {
    pub client_id: i64,
    /// The plan version's id.
    pub plan_id: i64,
    /// Number series, capital letters or digits; `ДУ` when absent.
    pub series: Option<String>,
    /// First day of service, `YYYY-MM-DD`.
    pub starts_on: String,
    /// Last day of service, `YYYY-MM-DD`; open-ended when absent.
    pub ends_on: Option<String>,
    #[serde(default)]
    pub auto_prolongation: bool,
    /// The plan's price when absent.
    pub monthly_price_kopecks: Option<i64>,
    #[serde(default)]
    pub third_party_stops_clock: bool,
    pub signatory: Option<SignatoryJson>,
}

/// The series of contracts created without one.
pub const DEFAULT_SERIES: &str = "ДУ";

/// Creates a draft contract with the series' next number.
#[utoipa::path(post, path = "/api/v1/contracts", tag = "contracts", request_body = CreateContract,
    responses((status = 201, body = ContractJson), (status = 403), (status = 404),
        (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    Auth(identity): Auth,
    ApiJson(body): ApiJson<CreateContract>,
) -> AppResult<Response> {
    authorize(&identity, Action::ManageContracts, Object::System)?;
    let client = crate::crm::access::readable_client(&state, &identity, body.client_id)
        .await
        .map_err(|_| {
            AppError::from(
                Invalid::new("client_id", "crm-client-unknown").arg("value", body.client_id),
            )
        })?;
    authorize(
        &identity,
        Action::ManageContracts,
        Object::Client { id: client.id },
    )?;
    let new = NewContract {
        series: body.series.clone().unwrap_or_else(|| DEFAULT_SERIES.into()),
        client_id: client.id,
        plan_id: body.plan_id,
        starts_on: parse_date("starts_on", &body.starts_on)?,
        ends_on: body
            .ends_on
            .as_deref()
            .filter(|d| !d.trim().is_empty())
            .map(|d| parse_date("ends_on", d))
            .transpose()?,
        auto_prolongation: body.auto_prolongation,
        monthly_price: body.monthly_price_kopecks.map(Money::from_kopecks),
        third_party_stops_clock: body.third_party_stops_clock,
        signatory: body.signatory.as_ref().map(|s| Signatory {
            full_name: s.full_name.clone(),
            position: s.position.clone(),
            authority: s.authority.clone(),
        }),
    };
    let contract =
        contracts::create(&state.db, &new, &author(&identity), domain::time::now()).await?;
    tracing::info!(contract_id = contract.id, number = %contract.number, "contract created");
    let json = ContractJson::new(&contract, &state.config.public_url);
    Ok((StatusCode::CREATED, Json(json)).into_response())
}

/// Body of `POST /contracts/{id}/transitions`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContractTransition {
    /// `active`, `suspended`, `terminated` or `expired`.
    pub to: String,
    /// The version the change is based on.
    pub version: i64,
    /// Required to activate a draft: the signature or the offer acceptance.
    pub conclusion: Option<ConclusionJson>,
}

/// Changes a contract's status: `draft → active ⇄ suspended`, and `active` or `suspended`
/// to `terminated` or `expired`. Any other change is a 409 `invalid_transition`.
#[utoipa::path(post, path = "/api/v1/contracts/{id}/transitions", tag = "contracts",
    request_body = ContractTransition, params(("id" = i64, Path, description = "Contract id")),
    responses((status = 200, body = ContractJson), (status = 403), (status = 404),
        (status = 409), (status = 422)))]
pub async fn transition(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ContractTransition>,
) -> AppResult<Json<ContractJson>> {
    let contract = manageable_contract(&state, &identity, path_id(&id)?).await?;
    let to = parse_status("to", &body.to)?;
    let conclusion = body
        .conclusion
        .as_ref()
        .map(ConclusionJson::conclusion)
        .transpose()?;
    let updated = contracts::transition(
        &state.db,
        contract.id,
        body.version,
        to,
        conclusion.as_ref(),
        &author(&identity),
        domain::time::now(),
    )
    .await?;
    tracing::info!(contract_id = updated.id, status = %updated.status, "contract status changed");
    Ok(Json(ContractJson::new(&updated, &state.config.public_url)))
}

/// New values of single limits; a present `null` makes the limit unlimited, an absent key
/// keeps it.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LimitsChangeJson {
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<u64>)]
    pub products: Option<Option<u64>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<u64>)]
    pub orders_per_month: Option<Option<u64>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<u64>)]
    pub staff_accounts: Option<Option<u64>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<u64>)]
    pub storage_bytes: Option<Option<u64>>,
}

/// New SLA targets of single priorities.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SlaChangeJson {
    pub p1: Option<TargetsJson>,
    pub p2: Option<TargetsJson>,
    pub p3: Option<TargetsJson>,
    pub p4: Option<TargetsJson>,
}

/// Body of `POST /contracts/{id}/amendments`. Every term left out stays as it was.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAmendment {
    /// The next whole number within the contract when absent.
    pub number: Option<String>,
    /// `YYYY-MM-DD`.
    pub signed_on: String,
    /// First day the changes apply, `YYYY-MM-DD`; it may precede the signing date.
    pub effective_on: String,
    /// Moves the contract to this plan version with its price, limits and SLA, unless the
    /// amendment sets them too.
    pub plan_id: Option<i64>,
    pub monthly_price_kopecks: Option<i64>,
    #[serde(default)]
    pub limits: LimitsChangeJson,
    /// A new last day, `YYYY-MM-DD`; `null` makes the contract open-ended.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub ends_on: Option<Option<String>>,
    pub auto_prolongation: Option<bool>,
    #[serde(default)]
    pub sla: SlaChangeJson,
    pub third_party_stops_clock: Option<bool>,
}

impl CreateAmendment {
    fn amendment(&self) -> Result<NewAmendment, Invalid> {
        let limits_json = LimitsJson {
            products: self.limits.products.flatten(),
            orders_per_month: self.limits.orders_per_month.flatten(),
            staff_accounts: self.limits.staff_accounts.flatten(),
            storage_bytes: self.limits.storage_bytes.flatten(),
        };
        limits_json.limits("limits")?;
        let mut limits = Vec::new();
        for (kind, value) in [
            (LimitKind::Products, self.limits.products),
            (LimitKind::OrdersPerMonth, self.limits.orders_per_month),
            (LimitKind::StaffAccounts, self.limits.staff_accounts),
            (LimitKind::StorageBytes, self.limits.storage_bytes),
        ] {
            if let Some(value) = value {
                limits.push((kind, value));
            }
        }
        let target =
            |json: &Option<TargetsJson>, name: &str| -> Result<Option<PriorityTargets>, Invalid> {
                json.as_ref()
                    .map(|t| t.targets(&format!("sla.{name}")))
                    .transpose()
            };
        if let Some(price) = self.monthly_price_kopecks.filter(|p| *p < 0) {
            return Err(Invalid::new("monthly_price_kopecks", "crm-price-negative")
                .arg("value", Money::from_kopecks(price)));
        }
        let ends_on = match &self.ends_on {
            None => None,
            Some(None) => Some(None),
            Some(Some(text)) => Some(Some(parse_date("ends_on", text)?)),
        };
        let changes = TermsChange {
            plan: None,
            monthly_price: self.monthly_price_kopecks.map(Money::from_kopecks),
            limits,
            ends_on,
            auto_prolongation: self.auto_prolongation,
            sla: SlaChange {
                p1: target(&self.sla.p1, "p1")?,
                p2: target(&self.sla.p2, "p2")?,
                p3: target(&self.sla.p3, "p3")?,
                p4: target(&self.sla.p4, "p4")?,
            },
            clock_rules: self
                .third_party_stops_clock
                .map(|stops| domain::sla::ClockRules {
                    third_party_stops_clock: stops,
                }),
        };
        Ok(NewAmendment {
            number: self.number.clone(),
            signed_on: Some(parse_date("signed_on", &self.signed_on)?),
            effective_on: Some(parse_date("effective_on", &self.effective_on)?),
            changes,
            plan_id: self.plan_id,
        })
    }
}

/// Lists a contract's amendments in the order they apply.
#[utoipa::path(get, path = "/api/v1/contracts/{id}/amendments", tag = "contracts",
    params(("id" = i64, Path, description = "Contract id")),
    responses((status = 200, body = Vec<AmendmentJson>), (status = 404)))]
pub async fn list_amendments(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Vec<AmendmentJson>>> {
    let contract = readable_contract(&state, &identity, path_id(&id)?).await?;
    let amendments = amendments::list(&state.db, contract.id).await?;
    Ok(Json(amendments.iter().map(AmendmentJson::from).collect()))
}

/// Adds an amendment to an active or suspended contract.
#[utoipa::path(post, path = "/api/v1/contracts/{id}/amendments", tag = "contracts",
    request_body = CreateAmendment, params(("id" = i64, Path, description = "Contract id")),
    responses((status = 201, body = AmendmentJson), (status = 403), (status = 404),
        (status = 409), (status = 422)))]
pub async fn create_amendment(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<CreateAmendment>,
) -> AppResult<Response> {
    let contract = manageable_contract(&state, &identity, path_id(&id)?).await?;
    let new = body.amendment()?;
    let stored = amendments::add(
        &state.db,
        contract.id,
        &new,
        &author(&identity),
        domain::time::now(),
    )
    .await?;
    tracing::info!(
        contract_id = contract.id,
        amendment_id = stored.id,
        "contract amendment added"
    );
    Ok((StatusCode::CREATED, Json(AmendmentJson::from(&stored))).into_response())
}

/// One priority's targets in business minutes of its calendar.
#[derive(Debug, Serialize, ToSchema)]
pub struct TermTargetsJson {
    pub calendar: String,
    pub first_response_minutes: i64,
    pub resolution_minutes: i64,
}

/// SLA targets per priority on the date.
#[derive(Debug, Serialize, ToSchema)]
pub struct TermsSlaJson {
    pub p1: TermTargetsJson,
    pub p2: TermTargetsJson,
    pub p3: TermTargetsJson,
    pub p4: TermTargetsJson,
}

/// The VAT of the monthly price on the date.
#[derive(Debug, Serialize, ToSchema)]
pub struct TermsVatJson {
    /// `standard`, `reduced`, `zero`, `simplified5`, `simplified7` or `exempt`.
    pub category: String,
    /// The rate in percent in force on the date; `null` without VAT.
    pub rate_percent: Option<u32>,
    /// Whether the price contains the VAT; otherwise VAT is added on top.
    pub included: bool,
    /// The VAT of one month's price; `null` without VAT.
    pub amount_kopecks: Option<i64>,
    /// The legal basis of a price without VAT.
    pub exemption: Option<String>,
}

/// The terms of a contract on a date.
#[derive(Debug, Serialize, ToSchema)]
pub struct TermsJson {
    pub contract_id: i64,
    pub number: String,
    pub date: NaiveDate,
    /// Whether the date falls within the contract's term; a contract that prolongs itself
    /// stays in force after its end date.
    pub in_force: bool,
    pub plan: PlanRefJson,
    pub monthly_price_kopecks: i64,
    pub vat: TermsVatJson,
    pub limits: LimitsJson,
    pub sla: TermsSlaJson,
    pub starts_on: NaiveDate,
    /// Last day of service; `null` for an open-ended contract.
    pub end_date: Option<NaiveDate>,
    pub auto_prolongation: bool,
    pub third_party_stops_clock: bool,
    /// The numbers of the amendments applied, in the order applied.
    pub amendments: Vec<String>,
}

/// Query of `GET /contracts/{id}/terms`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TermsParams {
    /// `YYYY-MM-DD`; today (Moscow) when absent.
    pub date: Option<String>,
}

/// Builds the API form of a contract's terms, with the SLA targets in business minutes of
/// each priority's calendar.
pub async fn terms_json(state: &AppState, terms: &ContractTerms) -> AppResult<TermsJson> {
    let on = &terms.on_date.terms;
    let year = terms.date.year();
    let mut targets = Vec::new();
    for priority in PRIORITIES {
        let target = on.sla.targets(priority);
        let calendar = store::calendar::load(&state.db, &target.calendar, year..=year)
            .await?
            .ok_or_else(|| {
                AppError::Internal(format!(
                    "calendar {} of a contract is missing",
                    target.calendar
                ))
            })?;
        targets.push(TermTargetsJson {
            calendar: target.calendar.clone(),
            first_response_minutes: target.first_response.minutes(&calendar),
            resolution_minutes: target.resolution.minutes(&calendar),
        });
    }
    let [p1, p2, p3, p4]: [TermTargetsJson; 4] = targets
        .try_into()
        .map_err(|_| AppError::Internal("four priorities expected".into()))?;

    let vat = terms
        .vat
        .on(&domain::vat::russian_rates(), on.monthly_price, terms.date)?;
    let contract = &terms.contract;
    let in_force = terms.date >= on.starts_on
        && (on.auto_prolongation || on.ends_on.is_none_or(|end| terms.date <= end));
    Ok(TermsJson {
        contract_id: contract.id,
        number: contract.number.to_string(),
        date: terms.date,
        in_force,
        plan: PlanRefJson {
            id: Some(terms.plan.id),
            code: on.plan.code.clone(),
            version: on.plan.version,
            name: Some(terms.plan.plan.name.clone()),
        },
        monthly_price_kopecks: on.monthly_price.kopecks(),
        vat: TermsVatJson {
            category: super::tariffs::vat_name(&terms.vat).into(),
            rate_percent: vat.rate.map(|r| r.percent()),
            included: terms.vat.included,
            amount_kopecks: vat.amount.map(Money::kopecks),
            exemption: terms.vat.exemption.clone(),
        },
        limits: LimitsJson::new(&on.limits),
        sla: TermsSlaJson { p1, p2, p3, p4 },
        starts_on: on.starts_on,
        end_date: on.ends_on,
        auto_prolongation: on.auto_prolongation,
        third_party_stops_clock: on.clock_rules.third_party_stops_clock,
        amendments: terms.on_date.applied.clone(),
    })
}

/// Returns today's date in Moscow, where the company and its contracts are.
pub fn today() -> NaiveDate {
    domain::time::now()
        .with_timezone(&chrono_tz::Europe::Moscow)
        .date_naive()
}

/// Reads the terms in force on a date: the base terms with every amendment effective on or
/// before it applied in order of effective date. A date before the contract starts is a 422.
#[utoipa::path(get, path = "/api/v1/contracts/{id}/terms", tag = "contracts",
    params(("id" = i64, Path, description = "Contract id"), TermsParams),
    responses((status = 200, body = TermsJson), (status = 404), (status = 422)))]
pub async fn terms(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Path(id): Path<String>,
    Query(params): Query<TermsParams>,
) -> AppResult<Json<TermsJson>> {
    let contract = readable_contract(&state, &identity, path_id(&id)?).await?;
    let date = match params
        .date
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        Some(text) => parse_date("date", text)?,
        None => today(),
    };
    let terms = amendments::terms(&state.db, &contract, date).await?;
    Ok(Json(terms_json(&state, &terms).await?))
}
