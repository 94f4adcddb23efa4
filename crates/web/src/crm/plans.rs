//! Tariff plan pages: the list of each plan's newest version and the form that creates
//! version 1 of a plan. A plan created here gets the internal SLA policy; the API sets
//! other targets.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::identity::{Action, Object};
use domain::money::Money;
use domain::vat::VatCategory;
use store::crm::tariffs;
use strum::VariantArray;

use crate::api::tariffs::{LimitsJson, PlanBody, vat_name};
use crate::context::{Auth, Context};
use crate::error::{AppError, AppResult};
use crate::form::Form;
use crate::pages::{Choice, DoneQuery, FieldErrors, Page, render};
use crate::query::Query;
use crate::servicedesk::access::{allows, author, authorize};
use crate::state::AppState;

struct PlanRow {
    code: String,
    version: u32,
    name: String,
    price: String,
    vat: String,
    valid_from: String,
}

#[derive(Template)]
#[template(path = "plans/list.html")]
struct ListPage {
    page: Page,
    rows: Vec<PlanRow>,
    can_manage: bool,
}

/// Lists each plan's newest version.
pub async fn list(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Query(done): Query<DoneQuery>,
) -> AppResult<Response> {
    authorize(&identity, Action::ReadContract, Object::System)?;
    if identity.actor.role.is_client() {
        return Err(AppError::not_found());
    }
    let page =
        Page::new(&state, &context, "plans-title").with_notice(done.notice(&["plan-done-created"]));
    let rows = tariffs::list(&state.db, false)
        .await?
        .iter()
        .map(|stored| PlanRow {
            code: stored.plan.code.clone(),
            version: stored.plan.version,
            name: stored.plan.name.clone(),
            price: stored.plan.monthly_price.to_string(),
            vat: page.label("plan-vat", vat_name(&stored.vat)),
            valid_from: page.date(&stored.plan.valid_from),
        })
        .collect();
    render(&ListPage {
        rows,
        can_manage: allows(&identity, Action::ManageContracts, Object::System),
        page,
    })
}

/// Fields of the plan form, as typed.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(default)]
pub struct PlanForm {
    code: String,
    name: String,
    monthly_price: String,
    vat: String,
    vat_exemption: String,
    vat_included: String,
    products: String,
    orders_per_month: String,
    staff_accounts: String,
    storage_bytes: String,
    valid_from: String,
}

impl Default for PlanForm {
    fn default() -> Self {
        PlanForm {
            code: String::new(),
            name: String::new(),
            monthly_price: String::new(),
            vat: "standard".into(),
            vat_exemption: String::new(),
            vat_included: "yes".into(),
            products: String::new(),
            orders_per_month: String::new(),
            staff_accounts: String::new(),
            storage_bytes: String::new(),
            valid_from: crate::api::contracts::today().to_string(),
        }
    }
}

/// The form's fields; an error about any other field shows above the form.
const FIELDS: &[&str] = &[
    "code",
    "name",
    "monthly_price",
    "vat",
    "vat_exemption",
    "limits.products",
    "limits.orders_per_month",
    "limits.staff_accounts",
    "limits.storage_bytes",
    "valid_from",
];

impl PlanForm {
    /// Converts the form into the API's body, so both check a plan the same way.
    fn body(&self) -> Result<PlanBody, domain::Invalid> {
        let limit = |field: &str, value: &str| match value.trim() {
            "" => Ok(None),
            text => text.parse::<u64>().map(Some).map_err(|_| {
                domain::Invalid::new(format!("limits.{field}"), "contract-limit-invalid")
                    .arg("value", text)
            }),
        };
        let price = Money::parse("monthly_price", &self.monthly_price)?;
        Ok(PlanBody {
            code: self.code.clone(),
            name: self.name.clone(),
            monthly_price_kopecks: price.kopecks(),
            vat: Some(self.vat.clone()),
            vat_exemption: Some(self.vat_exemption.clone()).filter(|e| !e.trim().is_empty()),
            vat_included: Some(self.vat_included == "yes"),
            limits: LimitsJson {
                products: limit("products", &self.products)?,
                orders_per_month: limit("orders_per_month", &self.orders_per_month)?,
                staff_accounts: limit("staff_accounts", &self.staff_accounts)?,
                storage_bytes: limit("storage_bytes", &self.storage_bytes)?,
            },
            sla: None,
            valid_from: self.valid_from.clone(),
            revision: None,
        })
    }
}

#[derive(Template)]
#[template(path = "plans/form.html")]
struct FormPage {
    page: Page,
    form: PlanForm,
    vats: Vec<Choice>,
    /// (input name, error field, value as typed) of each limit.
    limits: Vec<(&'static str, &'static str, String)>,
    errors: FieldErrors,
}

/// Shows the empty plan form.
pub async fn new(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
) -> AppResult<Response> {
    authorize(&identity, Action::ManageContracts, Object::System)?;
    show_form(
        &state,
        &context,
        PlanForm::default(),
        FieldErrors::new(FIELDS),
        StatusCode::OK,
    )
}

/// Creates version 1 of a plan from the form; invalid input shows the form again.
pub async fn create(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Form(form): Form<PlanForm>,
) -> AppResult<Response> {
    authorize(&identity, Action::ManageContracts, Object::System)?;
    let result = match form.body().and_then(|body| body.plan()) {
        Ok((plan, vat)) => tariffs::create(
            &state.db,
            &plan,
            &vat,
            &author(&identity),
            domain::time::now(),
        )
        .await
        .map_err(AppError::from),
        Err(invalid) => Err(AppError::from(invalid)),
    };
    match result {
        Ok(created) => {
            tracing::info!(plan_id = created.id, code = %created.plan.code, "tariff plan created");
            Ok(Redirect::to("/tariffs?done=plan-done-created").into_response())
        }
        Err(AppError::Problem(problem)) if problem.status.is_client_error() => {
            let mut errors = FieldErrors::new(FIELDS);
            errors.add_problem(&state.i18n, context.lang, &problem);
            show_form(&state, &context, form, errors, problem.status)
        }
        Err(error) => Err(error),
    }
}

fn show_form(
    state: &AppState,
    context: &Context,
    form: PlanForm,
    errors: FieldErrors,
    status: StatusCode,
) -> AppResult<Response> {
    let page = Page::new(state, context, "plan-new-title");
    let mut names: Vec<&str> = VatCategory::VARIANTS.iter().map(|c| c.into()).collect();
    names.push("exempt");
    let vats = page.choices("plan-vat", &names, &[form.vat.as_str()]);
    let limits = vec![
        ("products", "limits.products", form.products.clone()),
        (
            "orders_per_month",
            "limits.orders_per_month",
            form.orders_per_month.clone(),
        ),
        (
            "staff_accounts",
            "limits.staff_accounts",
            form.staff_accounts.clone(),
        ),
        (
            "storage_bytes",
            "limits.storage_bytes",
            form.storage_bytes.clone(),
        ),
    ];
    let html = render(&FormPage {
        vats,
        limits,
        errors,
        form,
        page,
    })?;
    Ok((status, html).into_response())
}
