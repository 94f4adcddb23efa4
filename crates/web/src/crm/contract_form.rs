//! The form that creates a contract: a draft, or a contract concluded at once by signature
//! or by accepting the public offer, which is then active.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::crm::contract::{Signatory, check_transition};
use domain::crm::{Conclusion, ContractStatus, OfferAcceptance};
use domain::identity::{Action, Object};
use domain::money::Money;
use store::crm::contracts::{self, NewContract, parse_method};

use crate::api::contracts::{DEFAULT_SERIES, today};
use crate::api::tariffs::parse_date;
use crate::api::tickets::parse_bounded;
use crate::context::{Auth, Context, Identity};
use crate::crm::choices;
use crate::error::{AppError, AppResult};
use crate::form::Form;
use crate::pages::{Choice, FieldErrors, Page, render};
use crate::servicedesk::access::{author, authorize};
use crate::state::AppState;

/// Fields of the contract form, as typed.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(default)]
pub struct ContractForm {
    client_id: String,
    plan_id: String,
    series: String,
    starts_on: String,
    ends_on: String,
    auto_prolongation: String,
    monthly_price: String,
    signatory_name: String,
    signatory_position: String,
    signatory_authority: String,
    /// `draft`, `signed` or `offer`.
    conclusion: String,
    signed_on: String,
    accepted_on: String,
    offer_version: String,
    method: String,
}

impl Default for ContractForm {
    fn default() -> Self {
        ContractForm {
            client_id: String::new(),
            plan_id: String::new(),
            series: DEFAULT_SERIES.into(),
            starts_on: today().to_string(),
            ends_on: String::new(),
            auto_prolongation: String::new(),
            monthly_price: String::new(),
            signatory_name: String::new(),
            signatory_position: String::new(),
            signatory_authority: String::new(),
            conclusion: "draft".into(),
            signed_on: String::new(),
            accepted_on: String::new(),
            offer_version: String::new(),
            method: "payment".into(),
        }
    }
}

/// The form's fields; an error about any other field shows above the form.
const FIELDS: &[&str] = &[
    "client_id",
    "plan_id",
    "series",
    "starts_on",
    "ends_on",
    "monthly_price",
    "signatory",
    "signed_on",
    "accepted_on",
    "offer_version",
    "method",
];

impl ContractForm {
    fn contract(&self) -> Result<NewContract, domain::Invalid> {
        let required_id = |field: &str, value: &str| match value.trim() {
            "" => Err(domain::Invalid::missing(field)),
            text => parse_bounded(field, text, 1, i64::MAX),
        };
        let names = [
            self.signatory_name.trim(),
            self.signatory_position.trim(),
            self.signatory_authority.trim(),
        ];
        let signatory = match names {
            ["", "", ""] => None,
            [full_name, position, authority]
                if !full_name.is_empty() && !position.is_empty() && !authority.is_empty() =>
            {
                Some(Signatory {
                    full_name: full_name.into(),
                    position: position.into(),
                    authority: authority.into(),
                })
            }
            _ => {
                return Err(domain::Invalid::new(
                    "signatory",
                    "contract-signatory-partial",
                ));
            }
        };
        Ok(NewContract {
            series: self.series.trim().to_string(),
            client_id: required_id("client_id", &self.client_id)?,
            plan_id: required_id("plan_id", &self.plan_id)?,
            starts_on: parse_date("starts_on", &self.starts_on)?,
            ends_on: match self.ends_on.trim() {
                "" => None,
                date => Some(parse_date("ends_on", date)?),
            },
            auto_prolongation: self.auto_prolongation == "yes",
            monthly_price: match self.monthly_price.trim() {
                "" => None,
                price => Some(Money::parse("monthly_price", price)?),
            },
            third_party_stops_clock: false,
            signatory,
        })
    }

    /// Reads the signature or the offer acceptance, `None` for a draft.
    fn conclusion(&self) -> Result<Option<Conclusion>, domain::Invalid> {
        let required = |field: &str, value: &str| match value.trim() {
            "" => Err(domain::Invalid::missing(field)),
            text => Ok(text.to_string()),
        };
        match self.conclusion.as_str() {
            "signed" => Ok(Some(Conclusion::Signed {
                signed_on: parse_date("signed_on", &required("signed_on", &self.signed_on)?)?,
            })),
            "offer" => Ok(Some(Conclusion::Offer(OfferAcceptance {
                accepted_on: parse_date(
                    "accepted_on",
                    &required("accepted_on", &self.accepted_on)?,
                )?,
                offer_version: required("offer_version", &self.offer_version)?,
                method: parse_method("method", &self.method)?,
            }))),
            "draft" | "" => Ok(None),
            other => Err(domain::Invalid::not_one_of(
                "conclusion",
                other,
                &["draft", "signed", "offer"],
            )),
        }
    }
}

#[derive(Template)]
#[template(path = "contracts/form.html")]
struct FormPage {
    page: Page,
    form: ContractForm,
    clients: Vec<Choice>,
    plans: Vec<Choice>,
    conclusions: Vec<Choice>,
    methods: Vec<Choice>,
    errors: FieldErrors,
}

/// Shows the empty contract form.
pub async fn new(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
) -> AppResult<Response> {
    authorize(&identity, Action::ManageContracts, Object::System)?;
    let form = ContractForm::default();
    show_form(
        &state,
        &context,
        form,
        FieldErrors::new(FIELDS),
        StatusCode::OK,
    )
    .await
}

/// Creates a contract from the form: a draft, or with a conclusion an active contract, both
/// steps checked before the first is stored. Invalid input shows the form again.
pub async fn create(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Form(form): Form<ContractForm>,
) -> AppResult<Response> {
    authorize(&identity, Action::ManageContracts, Object::System)?;
    match save(&state, &identity, &form).await {
        Ok(id) => Ok(
            Redirect::to(&format!("/contracts/{id}?done=contract-done-created")).into_response(),
        ),
        Err(AppError::Problem(problem)) if problem.status.is_client_error() => {
            let mut errors = FieldErrors::new(FIELDS);
            errors.add_problem(&state.i18n, context.lang, &problem);
            show_form(&state, &context, form, errors, problem.status).await
        }
        Err(error) => Err(error),
    }
}

async fn save(state: &AppState, identity: &Identity, form: &ContractForm) -> AppResult<i64> {
    let new = form.contract()?;
    let conclusion = form.conclusion()?;
    if let Some(conclusion) = &conclusion {
        // Checked before the draft is stored, so a rejected conclusion leaves no draft.
        check_transition(
            ContractStatus::Draft,
            ContractStatus::Active,
            Some(conclusion),
        )?;
    }
    let client = crate::crm::access::readable_client(state, identity, new.client_id)
        .await
        .map_err(|_| {
            AppError::from(
                domain::Invalid::new("client_id", "crm-client-unknown").arg("value", new.client_id),
            )
        })?;
    authorize(
        identity,
        Action::ManageContracts,
        Object::Client { id: client.id },
    )?;

    let now = domain::time::now();
    let contract = contracts::create(&state.db, &new, &author(identity), now).await?;
    tracing::info!(contract_id = contract.id, number = %contract.number, "contract created");
    let Some(conclusion) = conclusion else {
        return Ok(contract.id);
    };
    let active = contracts::transition(
        &state.db,
        contract.id,
        contract.version,
        ContractStatus::Active,
        Some(&conclusion),
        &author(identity),
        now,
    )
    .await?;
    tracing::info!(contract_id = active.id, status = %active.status, "contract status changed");
    Ok(active.id)
}

async fn show_form(
    state: &AppState,
    context: &Context,
    form: ContractForm,
    errors: FieldErrors,
    status: StatusCode,
) -> AppResult<Response> {
    let page = Page::new(state, context, "contract-new-title");
    let client_choices = choices::clients(state, &page, &form.client_id).await?;
    let plans = choices::plans(state, &page, &form.plan_id).await?;
    let conclusions = page.choices(
        "contract-conclusion",
        &["draft", "signed", "offer"],
        &[form.conclusion.as_str()],
    );
    let methods = page.choices(
        "contract-method",
        &["payment", "portal_checkbox", "signed_application"],
        &[form.method.as_str()],
    );
    let html = render(&FormPage {
        clients: client_choices,
        plans,
        conclusions,
        methods,
        errors,
        form,
        page,
    })?;
    Ok((status, html).into_response())
}
