//! Dispute (claim) pages: the list with days left or overdue, the card with its evidence
//! and status change, and the registration form.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::crm::claim::is_allowed;
use domain::crm::{AnswerTerm, ClaimStatus};
use domain::identity::{Action, Object};
use domain::money::Money;
use store::crm::claims::{self, Claim, NewClaim, direction_name};
use store::crm::contracts;
use strum::VariantArray;

use crate::api::contracts::today;
use crate::api::disputes::{
    deadline, move_claim, parse_direction, parse_status, readable_claim, register,
};
use crate::api::tariffs::parse_date;
use crate::api::tickets::{parse_bounded, path_id};
use crate::context::{Auth, Context, Identity};
use crate::error::{AppError, AppResult};
use crate::form::Form;
use crate::pages::{Choice, DoneQuery, FieldErrors, Page, Params, problem_message, render};
use crate::query::Query;
use crate::servicedesk::access::{allows, authorize};
use crate::state::AppState;

/// Notices a redirect to the card may ask for with `?done=KEY`.
const DONE_KEYS: &[&str] = &["dispute-done-created", "dispute-done-status"];

/// Claims the list shows at most.
const PAGE_LIMIT: i64 = 500;

/// A claim as a list row or the card's header shows it.
struct ClaimView {
    id: i64,
    direction: String,
    contract_id: i64,
    contract_number: String,
    client: String,
    subject: String,
    claimed: String,
    sent_on: String,
    received_on: String,
    due_on: String,
    /// «осталось N дн.» or «просрочено на N дн.»; empty once answered.
    deadline: String,
    overdue: bool,
    status: String,
    status_label: String,
    outcome: String,
    version: i64,
}

impl ClaimView {
    fn new(page: &Page, claim: &Claim) -> ClaimView {
        let (deadline_text, overdue) = match deadline(claim, today()) {
            Some(d) if d.overdue => (page.tn("dispute-overdue", "days", -d.days_left), true),
            Some(d) => (page.tn("dispute-days-left", "days", d.days_left), false),
            None => (String::new(), false),
        };
        ClaimView {
            id: claim.id,
            direction: page.label("dispute-direction", direction_name(claim.direction)),
            contract_id: claim.contract_id,
            contract_number: claim.contract_number.clone(),
            client: claim.client_name.clone(),
            subject: claim.subject.clone(),
            claimed: claim.claimed.to_string(),
            sent_on: page.date(&claim.sent_on),
            received_on: claim.received_on.map(|d| page.date(&d)).unwrap_or_default(),
            due_on: page.date(&claim.answer_due_on),
            deadline: deadline_text,
            overdue,
            status: claim.status.to_string(),
            status_label: page.label("dispute-status", claim.status.as_ref()),
            outcome: claim.outcome.map(|o| o.to_string()).unwrap_or_default(),
            version: claim.version,
        }
    }
}

#[derive(Template)]
#[template(path = "disputes/list.html")]
struct ListPage {
    page: Page,
    rows: Vec<ClaimView>,
    total: String,
    overdue_only: bool,
    can_manage: bool,
}

/// Lists claims, the earliest deadline first; `?overdue=1` keeps overdue answers only.
pub async fn list(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Query(pairs): Query<Vec<(String, String)>>,
) -> AppResult<Response> {
    authorize(&identity, Action::ReadDisputes, Object::System)?;
    let params = Params::new("/disputes", &pairs);
    let overdue_only = params.get("overdue").is_some();
    let query = claims::ListQuery {
        status: params
            .get("status")
            .map(|s| parse_status("status", s))
            .transpose()?,
        overdue_on: overdue_only.then(today),
        limit: PAGE_LIMIT,
        ..claims::ListQuery::default()
    };
    let (found, total) = claims::list(&state.db, &query).await?;
    let page = Page::new(&state, &context, "disputes-title");
    render(&ListPage {
        rows: found.iter().map(|c| ClaimView::new(&page, c)).collect(),
        total: page.tn("disputes-count", "count", total),
        overdue_only,
        can_manage: allows(&identity, Action::ManageDisputes, Object::System),
        page,
    })
}

#[derive(Template)]
#[template(path = "disputes/card.html")]
struct CardPage {
    page: Page,
    claim: ClaimView,
    term: String,
    evidence: Vec<(i64, String, String)>,
    statuses: Vec<Choice>,
    can_manage: bool,
    error: Option<String>,
}

fn card(page: Page, identity: &Identity, claim: &Claim, error: Option<String>) -> CardPage {
    let term = match claim.term {
        AnswerTerm::CalendarDaysFromSent(days) => {
            page.tn("dispute-term-calendar", "days", i64::from(days))
        }
        AnswerTerm::WorkingDaysFromReceipt(days) => {
            page.tn("dispute-term-working", "days", i64::from(days))
        }
    };
    let statuses = ClaimStatus::VARIANTS
        .iter()
        .filter(|to| is_allowed(claim.status, **to))
        .map(|to| {
            Choice::new(
                to.as_ref(),
                page.label("dispute-status", to.as_ref()),
                false,
            )
        })
        .collect();
    CardPage {
        claim: ClaimView::new(&page, claim),
        term,
        evidence: claim
            .evidence
            .iter()
            .map(|e| (e.ticket_id, e.number.clone(), e.title.clone()))
            .collect(),
        statuses,
        can_manage: allows(identity, Action::ManageDisputes, Object::System),
        error,
        page,
    }
}

/// Shows a claim card.
pub async fn show(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Path(id): Path<String>,
    Query(done): Query<DoneQuery>,
) -> AppResult<Response> {
    let claim = readable_claim(&state, &identity, path_id(&id)?).await?;
    let page = Page::new(&state, &context, "dispute-title").with_notice(done.notice(DONE_KEYS));
    render(&card(page, &identity, &claim, None))
}

/// Changes a claim's status from the card; a rejected change shows the card with the error.
pub async fn change_status(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let claim = readable_claim(&state, &identity, path_id(&id)?).await?;
    authorize(&identity, Action::ManageDisputes, Object::System)?;
    let params = Params::new("", &pairs);
    let version = params
        .get("version")
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(claim.version);
    let parsed = parse_status("to", params.get("to").unwrap_or_default()).and_then(|to| {
        let outcome = params
            .get("outcome")
            .map(|text| Money::parse("outcome_amount", text))
            .transpose()?;
        Ok((to, outcome))
    });
    let result = match parsed {
        Ok((to, outcome)) => move_claim(&state, &identity, &claim, version, to, outcome).await,
        Err(invalid) => Err(AppError::from(invalid)),
    };
    match result {
        Ok(updated) => {
            let url = format!("/disputes/{}?done=dispute-done-status", updated.id);
            Ok(Redirect::to(&url).into_response())
        }
        Err(AppError::Problem(problem)) if problem.status.is_client_error() => {
            let page = Page::new(&state, &context, "dispute-title");
            let current = claims::get(&state.db, claim.id).await?.unwrap_or(claim);
            let message = problem_message(&page.i18n, page.lang, &problem);
            let mut response = render(&card(page, &identity, &current, Some(message)))?;
            *response.status_mut() = problem.status;
            Ok(response)
        }
        Err(error) => Err(error),
    }
}

/// Fields of the claim form, as typed.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(default)]
pub struct ClaimForm {
    direction: String,
    contract_id: String,
    subject: String,
    claimed: String,
    sent_on: String,
    received_on: String,
    /// `calendar` (the statutory 30 days from sending) or `working` days from receipt.
    term: String,
    term_days: String,
    /// Ticket ids, separated by commas, semicolons or spaces.
    tickets: String,
}

impl Default for ClaimForm {
    fn default() -> Self {
        ClaimForm {
            direction: "incoming".into(),
            contract_id: String::new(),
            subject: String::new(),
            claimed: String::new(),
            sent_on: today().to_string(),
            received_on: String::new(),
            term: "calendar".into(),
            term_days: "30".into(),
            tickets: String::new(),
        }
    }
}

/// The form's fields; an error about any other field shows above the form.
const FIELDS: &[&str] = &[
    "direction",
    "contract_id",
    "subject",
    "claimed_amount",
    "sent_on",
    "received_on",
    "answer_term",
    "ticket_ids",
];

impl ClaimForm {
    fn claim(&self) -> Result<NewClaim, domain::Invalid> {
        if self.contract_id.trim().is_empty() {
            return Err(domain::Invalid::missing("contract_id"));
        }
        let days = parse_bounded("answer_term", self.term_days.trim(), 1, i64::from(u16::MAX))?;
        let days = u16::try_from(days).unwrap_or(u16::MAX);
        let term = match self.term.as_str() {
            "working" => AnswerTerm::WorkingDaysFromReceipt(days),
            _ => AnswerTerm::CalendarDaysFromSent(days),
        };
        let ticket_ids = self
            .tickets
            .split([',', ' ', ';'])
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .map(|id| parse_bounded("ticket_ids", id, 1, i64::MAX))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(NewClaim {
            direction: parse_direction("direction", &self.direction)?,
            contract_id: parse_bounded("contract_id", self.contract_id.trim(), 1, i64::MAX)?,
            subject: self.subject.clone(),
            claimed: Money::parse("claimed_amount", &self.claimed)?,
            sent_on: parse_date("sent_on", &self.sent_on)?,
            received_on: match self.received_on.trim() {
                "" => None,
                date => Some(parse_date("received_on", date)?),
            },
            term: Some(term),
            ticket_ids,
        })
    }
}

#[derive(Template)]
#[template(path = "disputes/form.html")]
struct FormPage {
    page: Page,
    form: ClaimForm,
    contracts: Vec<Choice>,
    errors: FieldErrors,
}

/// Shows the empty claim form.
pub async fn new(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
) -> AppResult<Response> {
    authorize(&identity, Action::ManageDisputes, Object::System)?;
    let form = ClaimForm::default();
    show_form(
        &state,
        &context,
        form,
        FieldErrors::new(FIELDS),
        StatusCode::OK,
    )
    .await
}

/// Registers a claim from the form; invalid input shows the form again with the values.
pub async fn create(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Form(form): Form<ClaimForm>,
) -> AppResult<Response> {
    authorize(&identity, Action::ManageDisputes, Object::System)?;
    let result = match form.claim() {
        Ok(new) => register(&state, &identity, &new).await,
        Err(invalid) => Err(AppError::from(invalid)),
    };
    match result {
        Ok(claim) => {
            let url = format!("/disputes/{}?done=dispute-done-created", claim.id);
            Ok(Redirect::to(&url).into_response())
        }
        Err(AppError::Problem(problem)) if problem.status.is_client_error() => {
            let mut errors = FieldErrors::new(FIELDS);
            errors.add_problem(&state.i18n, context.lang, &problem);
            show_form(&state, &context, form, errors, problem.status).await
        }
        Err(error) => Err(error),
    }
}

async fn show_form(
    state: &AppState,
    context: &Context,
    form: ClaimForm,
    errors: FieldErrors,
    status: StatusCode,
) -> AppResult<Response> {
    let page = Page::new(state, context, "dispute-new-title");
    let query = contracts::ListQuery {
        limit: PAGE_LIMIT,
        ..contracts::ListQuery::default()
    };
    let (found, _) = contracts::list(&state.db, &query).await?;
    let mut choices = vec![Choice::new("", page.t("dispute-choose-contract"), false)];
    choices.extend(found.iter().map(|contract| {
        let id = contract.id.to_string();
        let label = format!("{} · {}", contract.number, contract.client_name);
        let selected = id == form.contract_id.trim();
        Choice::new(id, label, selected)
    }));
    let html = render(&FormPage {
        contracts: choices,
        errors,
        form,
        page,
    })?;
    Ok((status, html).into_response())
}
