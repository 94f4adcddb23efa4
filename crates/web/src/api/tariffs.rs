//! Tariff plan routes of the JSON API: list, read, create, and change a plan, which makes a
//! new version when contracts use it.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use domain::Invalid;
use domain::crm::{Limits, PlanVat, TariffPlan};
use domain::identity::{Action, Object};
use domain::money::Money;
use domain::servicedesk::Priority;
use domain::sla::{PriorityTargets, SlaPolicy, SlaTarget};
use domain::vat::VatCategory;
use serde::{Deserialize, Serialize};
use store::crm::tariffs::{self, Plan};
use strum::VariantArray;
use utoipa::{IntoParams, ToSchema};

use super::json::ApiJson;
use super::tickets::path_id;
use crate::error::{AppError, AppResult};
use crate::query::Query;
use crate::servicedesk::access::{author, authorize};
use crate::state::AppState;

/// The targets of one priority: a calendar and each target in business minutes or in
/// business days of that calendar.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetsJson {
    /// Calendar code, such as `office` or `24x7`.
    pub calendar: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_response_minutes: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_response_business_days: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolution_minutes: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolution_business_days: Option<u32>,
}

impl TargetsJson {
    /// Converts targets to the API form.
    pub fn new(targets: &PriorityTargets) -> TargetsJson {
        let mut json = TargetsJson {
            calendar: targets.calendar.clone(),
            ..TargetsJson::default()
        };
        match targets.first_response {
            SlaTarget::Minutes(m) => json.first_response_minutes = Some(m),
            SlaTarget::BusinessDays(d) => json.first_response_business_days = Some(d),
        }
        match targets.resolution {
            SlaTarget::Minutes(m) => json.resolution_minutes = Some(m),
            SlaTarget::BusinessDays(d) => json.resolution_business_days = Some(d),
        }
        json
    }

    /// Checks that each target is given once, in minutes or in business days. `prefix` is
    /// the field path of this priority, such as `sla.p2`.
    pub fn targets(&self, prefix: &str) -> Result<PriorityTargets, Invalid> {
        let target = |name: &str, minutes: Option<u32>, days: Option<u32>| match (minutes, days) {
            (Some(m), None) => Ok(SlaTarget::Minutes(m)),
            (None, Some(d)) => Ok(SlaTarget::BusinessDays(d)),
            _ => Err(Invalid::new(
                format!("{prefix}.{name}_minutes"),
                "crm-sla-target-once",
            )),
        };
        let calendar = self.calendar.trim();
        if calendar.is_empty() {
            return Err(Invalid::missing(&format!("{prefix}.calendar")));
        }
        Ok(PriorityTargets {
            calendar: calendar.to_string(),
            first_response: target(
                "first_response",
                self.first_response_minutes,
                self.first_response_business_days,
            )?,
            resolution: target(
                "resolution",
                self.resolution_minutes,
                self.resolution_business_days,
            )?,
        })
    }
}

/// SLA targets per priority.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SlaJson {
    pub p1: TargetsJson,
    pub p2: TargetsJson,
    pub p3: TargetsJson,
    pub p4: TargetsJson,
}

impl SlaJson {
    /// Converts a policy to the API form.
    pub fn new(policy: &SlaPolicy) -> SlaJson {
        SlaJson {
            p1: TargetsJson::new(&policy.p1),
            p2: TargetsJson::new(&policy.p2),
            p3: TargetsJson::new(&policy.p3),
            p4: TargetsJson::new(&policy.p4),
        }
    }

    /// Checks every priority's targets.
    pub fn policy(&self) -> Result<SlaPolicy, Invalid> {
        Ok(SlaPolicy {
            p1: self.p1.targets("sla.p1")?,
            p2: self.p2.targets("sla.p2")?,
            p3: self.p3.targets("sla.p3")?,
            p4: self.p4.targets("sla.p4")?,
        })
    }
}

/// Limits of a plan; `null` is unlimited.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LimitsJson {
    pub products: Option<u64>,
    pub orders_per_month: Option<u64>,
    pub staff_accounts: Option<u64>,
    pub storage_bytes: Option<u64>,
}

/// The largest limit the database column holds.
const LIMIT_MAX: u64 = i64::MAX as u64;

impl LimitsJson {
    /// Converts limits to the API form.
    pub fn new(limits: &Limits) -> LimitsJson {
        LimitsJson {
            products: limits.products,
            orders_per_month: limits.orders_per_month,
            staff_accounts: limits.staff_accounts,
            storage_bytes: limits.storage_bytes,
        }
    }

    /// Checks that each limit fits the database; `prefix` is the field path.
    pub fn limits(&self, prefix: &str) -> Result<Limits, Invalid> {
        for (name, value) in [
            ("products", self.products),
            ("orders_per_month", self.orders_per_month),
            ("staff_accounts", self.staff_accounts),
            ("storage_bytes", self.storage_bytes),
        ] {
            if value.is_some_and(|v| v > LIMIT_MAX) {
                return Err(
                    Invalid::new(format!("{prefix}.{name}"), "crm-limit-too-large")
                        .arg("value", value.unwrap_or_default())
                        .arg("max", LIMIT_MAX),
                );
            }
        }
        Ok(Limits {
            products: self.products,
            orders_per_month: self.orders_per_month,
            staff_accounts: self.staff_accounts,
            storage_bytes: self.storage_bytes,
        })
    }
}

/// A tariff plan version as the API returns it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanJson {
    pub id: i64,
    pub code: String,
    pub version: u32,
    pub name: String,
    pub monthly_price_kopecks: i64,
    /// `standard`, `reduced`, `zero`, `simplified5`, `simplified7` or `exempt`.
    pub vat: String,
    /// The legal basis of a price without VAT.
    pub vat_exemption: Option<String>,
    /// Whether the price contains the VAT; otherwise VAT is added on top.
    pub vat_included: bool,
    pub limits: LimitsJson,
    pub sla: SlaJson,
    pub valid_from: NaiveDate,
    /// Last day this version may be chosen; `null` while current.
    pub valid_to: Option<NaiveDate>,
    /// Edit counter of this plan version: send it back with a `PATCH`; a stale one is a
    /// 409 `conflict`.
    pub revision: i64,
}

impl From<&Plan> for PlanJson {
    fn from(stored: &Plan) -> Self {
        let plan = &stored.plan;
        PlanJson {
            id: stored.id,
            code: plan.code.clone(),
            version: plan.version,
            name: plan.name.clone(),
            monthly_price_kopecks: plan.monthly_price.kopecks(),
            vat: vat_name(&stored.vat).to_string(),
            vat_exemption: stored.vat.exemption.clone(),
            vat_included: stored.vat.included,
            limits: LimitsJson::new(&plan.limits),
            sla: SlaJson::new(&plan.sla),
            valid_from: plan.valid_from,
            valid_to: plan.valid_to,
            revision: stored.revision,
        }
    }
}

/// Returns the API name of a plan's VAT: its category, or `exempt`.
pub fn vat_name(vat: &PlanVat) -> &'static str {
    vat.category.map_or("exempt", |c| c.into())
}

/// Body of `POST /tariffs` and `PATCH /tariffs/{id}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanBody {
    /// `a-z`, `0-9` and `-`, 2 to 32 characters; fixed once created.
    pub code: String,
    pub name: String,
    pub monthly_price_kopecks: i64,
    /// `standard` (22 % from 2026), `reduced`, `zero`, `simplified5`, `simplified7` or
    /// `exempt` (без НДС, needs `vat_exemption`). `standard` when absent.
    pub vat: Option<String>,
    pub vat_exemption: Option<String>,
    /// `true` when absent.
    pub vat_included: Option<bool>,
    #[serde(default)]
    pub limits: LimitsJson,
    /// The internal policy when absent.
    pub sla: Option<SlaJson>,
    /// `YYYY-MM-DD`; for a change, the day the new version starts when contracts use the
    /// plan.
    pub valid_from: String,
    /// Required by `PATCH`: the `revision` the change is based on. Ignored by `POST`.
    pub revision: Option<i64>,
}

impl PlanBody {
    /// Checks the body into a plan version 1 and its VAT.
    pub fn plan(&self) -> Result<(TariffPlan, PlanVat), Invalid> {
        let vat = match self.vat.as_deref().map(str::trim).unwrap_or("standard") {
            "exempt" => PlanVat {
                category: None,
                exemption: self.vat_exemption.clone(),
                included: self.vat_included.unwrap_or(true),
            },
            other => {
                let category: VatCategory = other.parse().map_err(|_| {
                    let mut allowed: Vec<&str> =
                        VatCategory::VARIANTS.iter().map(|c| c.into()).collect();
                    allowed.push("exempt");
                    Invalid::not_one_of("vat", other, &allowed)
                })?;
                PlanVat {
                    category: Some(category),
                    exemption: self.vat_exemption.clone().filter(|e| !e.trim().is_empty()),
                    included: self.vat_included.unwrap_or(true),
                }
            }
        };
        if self.monthly_price_kopecks < 0 {
            return Err(Invalid::new("monthly_price_kopecks", "crm-price-negative")
                .arg("value", Money::from_kopecks(self.monthly_price_kopecks)));
        }
        let sla = match &self.sla {
            Some(sla) => sla.policy()?,
            None => SlaPolicy::internal_default(),
        };
        let plan = TariffPlan {
            code: self.code.trim().to_string(),
            version: 1,
            name: self.name.trim().to_string(),
            monthly_price: Money::from_kopecks(self.monthly_price_kopecks),
            limits: self.limits.limits("limits")?,
            sla,
            valid_from: parse_date("valid_from", &self.valid_from)?,
            valid_to: None,
        };
        Ok((plan, vat))
    }
}

/// Parses a calendar date `YYYY-MM-DD`, or returns an error naming `field`.
pub fn parse_date(field: &str, value: &str) -> Result<NaiveDate, Invalid> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
        .map_err(|_| Invalid::new(field, "crm-date-invalid").arg("value", value.trim()))
}

/// Query of `GET /tariffs`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlanListParams {
    /// `true` lists every version; otherwise only each plan's newest.
    pub all_versions: Option<bool>,
}

/// A list of plan versions.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanList {
    pub items: Vec<PlanJson>,
}

/// Lists tariff plans by code: each plan's newest version, or every version.
#[utoipa::path(get, path = "/api/v1/tariffs", tag = "contracts", params(PlanListParams),
    responses((status = 200, body = PlanList), (status = 401)))]
pub async fn list(
    State(state): State<AppState>,
    crate::context::Auth(identity): crate::context::Auth,
    Query(params): Query<PlanListParams>,
) -> AppResult<Json<PlanList>> {
    authorize(&identity, Action::ReadContract, Object::System)?;
    let plans = tariffs::list(&state.db, params.all_versions.unwrap_or(false)).await?;
    Ok(Json(PlanList {
        items: plans.iter().map(PlanJson::from).collect(),
    }))
}

/// Reads one plan version.
#[utoipa::path(get, path = "/api/v1/tariffs/{id}", tag = "contracts",
    params(("id" = i64, Path, description = "Plan version id")),
    responses((status = 200, body = PlanJson), (status = 404)))]
pub async fn get(
    State(state): State<AppState>,
    crate::context::Auth(identity): crate::context::Auth,
    Path(id): Path<String>,
) -> AppResult<Json<PlanJson>> {
    authorize(&identity, Action::ReadContract, Object::System)?;
    let plan = tariffs::get(&state.db, path_id(&id)?)
        .await?
        .ok_or_else(AppError::not_found)?;
    Ok(Json(PlanJson::from(&plan)))
}

/// Creates version 1 of a plan. An existing code is a 409 `duplicate`.
#[utoipa::path(post, path = "/api/v1/tariffs", tag = "contracts", request_body = PlanBody,
    responses((status = 201, body = PlanJson), (status = 403), (status = 409), (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    crate::context::Auth(identity): crate::context::Auth,
    ApiJson(body): ApiJson<PlanBody>,
) -> AppResult<Response> {
    authorize(&identity, Action::ManageContracts, Object::System)?;
    let (plan, vat) = body.plan()?;
    let created = tariffs::create(
        &state.db,
        &plan,
        &vat,
        &author(&identity),
        domain::time::now(),
    )
    .await?;
    tracing::info!(plan_id = created.id, code = %created.plan.code, "tariff plan created");
    Ok((StatusCode::CREATED, Json(PlanJson::from(&created))).into_response())
}

/// Changes the newest version of a plan. A version that contracts use is never edited: the
/// change becomes a new version from `valid_from` (201), else it is saved in place (200).
#[utoipa::path(patch, path = "/api/v1/tariffs/{id}", tag = "contracts", request_body = PlanBody,
    params(("id" = i64, Path, description = "Plan version id")),
    responses((status = 200, body = PlanJson), (status = 201, body = PlanJson),
        (status = 403), (status = 404), (status = 422)))]
pub async fn update(
    State(state): State<AppState>,
    crate::context::Auth(identity): crate::context::Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<PlanBody>,
) -> AppResult<Response> {
    authorize(&identity, Action::ManageContracts, Object::System)?;
    let id = path_id(&id)?;
    tariffs::get(&state.db, id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let Some(based_on) = body.revision else {
        return Err(Invalid::new("revision", "crm-plan-revision-required").into());
    };
    let (plan, vat) = body.plan()?;
    let effective_on = plan.valid_from;
    let revision = tariffs::revise(
        &state.db,
        id,
        based_on,
        &plan,
        &vat,
        effective_on,
        &author(&identity),
        domain::time::now(),
    )
    .await
    .map_err(|error| match AppError::from(error) {
        // The plan's own `version` means something else, so the conflict names `revision`.
        AppError::Problem(problem) if problem.code == "conflict" => {
            AppError::Problem(problem.field("revision"))
        }
        other => other,
    })?;
    tracing::info!(
        plan_id = revision.plan.id,
        new_version = revision.new_version,
        "tariff plan changed"
    );
    let status = if revision.new_version {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(PlanJson::from(&revision.plan))).into_response())
}

/// The priorities in API order.
pub const PRIORITIES: [Priority; 4] = [Priority::P1, Priority::P2, Priority::P3, Priority::P4];
