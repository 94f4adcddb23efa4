//! Contract pages for sales: the list, the card with the terms on any date and the change
//! history, the status change, and the amendment form. Client users read their company's
//! contracts here too.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use domain::crm::contract::is_allowed;
use domain::crm::{Conclusion, ContractStatus, LimitKind, TermsChange};
use domain::identity::{Action, Object};
use domain::money::Money;
use store::crm::amendments::{self, HistoryStep, NewAmendment};
use store::crm::contracts::{self, Contract};
use store::crm::tariffs;
use strum::VariantArray;

use crate::api::contracts::{
    TermsJson, manageable_contract, parse_status, readable_contract, terms_json, today,
};
use crate::api::tariffs::parse_date;
use crate::api::tickets::path_id;
use crate::context::{Auth, Context, Identity};
use crate::error::{AppError, AppResult};
use crate::form::Form;
use crate::pages::{Choice, DoneQuery, Page, Params, problem_message, render};
use crate::query::Query;
use crate::servicedesk::access::{allows, author, authorize};
use crate::state::AppState;

/// Notices a redirect to the card may ask for with `?done=KEY`.
const DONE_KEYS: &[&str] = &[
    "contract-done-amendment",
    "contract-done-status",
    "contract-done-created",
];

#[derive(Template)]
#[template(path = "contracts/list.html")]
struct ListPage {
    page: Page,
    rows: Vec<Row>,
    total: String,
    can_manage: bool,
}

struct Row {
    id: i64,
    number: String,
    client_id: i64,
    client: String,
    plan: String,
    status: String,
    status_label: String,
    starts_on: String,
    ends_on: String,
    price: String,
}

impl Row {
    fn new(page: &Page, contract: &Contract) -> Row {
        Row {
            id: contract.id,
            number: contract.number.to_string(),
            client_id: contract.client_id,
            client: contract.client_name.clone(),
            plan: format!("{} v{}", contract.plan_name, contract.plan.version),
            status: contract.status.to_string(),
            status_label: page.label("contract-status", contract.status.as_ref()),
            starts_on: page.date(&contract.starts_on),
            ends_on: end_date(page, contract.ends_on),
            price: contract.monthly_price.to_string(),
        }
    }
}

fn end_date(page: &Page, ends_on: Option<NaiveDate>) -> String {
    ends_on
        .map(|date| page.date(&date))
        .unwrap_or_else(|| page.t("contract-open-ended"))
}

/// Lists the contracts the user may see, newest first.
pub async fn list(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Query(pairs): Query<Vec<(String, String)>>,
) -> AppResult<Response> {
    authorize(&identity, Action::ReadContract, Object::System)?;
    let params = Params::new("/contracts", &pairs);
    let mut query = contracts::ListQuery {
        status: params
            .get("status")
            .map(|s| parse_status("status", s))
            .transpose()?,
        limit: 500,
        ..contracts::ListQuery::default()
    };
    if identity.actor.role.is_client() {
        query.client_id = Some(identity.actor.client_id.unwrap_or(-1));
    }
    let (found, total) = contracts::list(&state.db, &query).await?;
    let page = Page::new(&state, &context, "contracts-title");
    render(&ListPage {
        rows: found.iter().map(|c| Row::new(&page, c)).collect(),
        total: page.tn("contracts-count", "count", total),
        can_manage: allows(&identity, Action::ManageContracts, Object::System),
        page,
    })
}

#[derive(Template)]
#[template(path = "contracts/card.html")]
struct CardPage {
    page: Page,
    card: Card,
}

/// The contract card's content.
struct Card {
    id: i64,
    number: String,
    client_id: i64,
    client: String,
    status: String,
    status_label: String,
    conclusion: String,
    starts_on: String,
    ends_on: String,
    auto_prolongation: bool,
    signatory: Option<String>,
    date: String,
    terms: Option<TermsView>,
    /// The reason the terms are missing, such as a date before the start.
    terms_error: Option<String>,
    history: Vec<HistoryView>,
    amendments: Vec<AmendmentRow>,
    can_manage: bool,
    can_amend: bool,
    statuses: Vec<Choice>,
    plans: Vec<Choice>,
    version: i64,
    error: Option<String>,
    form: AmendmentInput,
}

/// The terms on the chosen date, formatted.
struct TermsView {
    plan: String,
    price: String,
    vat: String,
    limits: Vec<(String, String)>,
    sla: Vec<(String, String, String, String)>,
    end_date: String,
    in_force: bool,
    amendments: String,
}

struct HistoryView {
    from: String,
    source: String,
    summary: String,
}

struct AmendmentRow {
    id: i64,
    number: String,
    signed_on: String,
    effective_on: String,
}

/// The amendment form's values as typed, so an invalid form shows them again.
#[derive(Debug, Clone, Default)]
struct AmendmentInput {
    number: String,
    signed_on: String,
    effective_on: String,
    plan_id: String,
    monthly_price: String,
    products: String,
    ends_on: String,
    auto_prolongation: String,
}

impl AmendmentInput {
    fn read(params: &Params) -> AmendmentInput {
        let text = |key: &str| params.get(key).unwrap_or_default().trim().to_string();
        AmendmentInput {
            number: text("number"),
            signed_on: text("signed_on"),
            effective_on: text("effective_on"),
            plan_id: text("plan_id"),
            monthly_price: text("monthly_price"),
            products: text("products"),
            ends_on: text("ends_on"),
            auto_prolongation: text("auto_prolongation"),
        }
    }

    fn amendment(&self) -> Result<NewAmendment, domain::Invalid> {
        let mut changes = TermsChange::default();
        if !self.monthly_price.is_empty() {
            let price = Money::parse("monthly_price", &self.monthly_price)?;
            if price < Money::ZERO {
                return Err(
                    domain::Invalid::new("monthly_price", "crm-price-negative").arg("value", price)
                );
            }
            changes.monthly_price = Some(price);
        }
        match self.products.as_str() {
            "" => {}
            "-" => changes.limits.push((LimitKind::Products, None)),
            value => {
                let limit = value.parse::<u64>().map_err(|_| {
                    domain::Invalid::new("products", "contract-limit-invalid").arg("value", value)
                })?;
                changes.limits.push((LimitKind::Products, Some(limit)));
            }
        }
        if !self.ends_on.is_empty() {
            changes.ends_on = Some(Some(parse_date("ends_on", &self.ends_on)?));
        }
        changes.auto_prolongation = match self.auto_prolongation.as_str() {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        };
        let plan_id = match self.plan_id.as_str() {
            "" => None,
            id => Some(id.parse::<i64>().map_err(|_| {
                domain::Invalid::new("plan_id", "crm-plan-unknown").arg("value", id)
            })?),
        };
        let required = |field: &str, value: &str| {
            if value.is_empty() {
                Err(domain::Invalid::missing(field))
            } else {
                parse_date(field, value)
            }
        };
        Ok(NewAmendment {
            number: Some(self.number.clone()).filter(|n| !n.is_empty()),
            signed_on: Some(required("signed_on", &self.signed_on)?),
            effective_on: Some(required("effective_on", &self.effective_on)?),
            changes,
            plan_id,
        })
    }
}

/// Shows a contract card with the terms on `?date=` (today in Moscow by default).
pub async fn show(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Path(id): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> AppResult<Response> {
    let contract = readable_contract(&state, &identity, path_id(&id)?).await?;
    let params = Params::new("", &pairs);
    let done = DoneQuery {
        done: params.get("done").map(str::to_string),
    };
    let page = Page::new(&state, &context, "contract-title").with_notice(done.notice(DONE_KEYS));
    let date = match params.get("date") {
        Some(text) => parse_date("date", text)?,
        None => today().max(contract.starts_on),
    };
    let card = card(
        &state,
        &page,
        &identity,
        &contract,
        date,
        AmendmentInput::default(),
    )
    .await?;
    render(&CardPage { page, card })
}

async fn card(
    state: &AppState,
    page: &Page,
    identity: &Identity,
    contract: &Contract,
    date: NaiveDate,
    form: AmendmentInput,
) -> AppResult<Card> {
    let object = Object::Client {
        id: contract.client_id,
    };
    let can_manage = allows(identity, Action::ManageContracts, object);
    let (terms, terms_error) = match amendments::terms(&state.db, contract, date).await {
        Ok(terms) => (
            Some(terms_view(page, &terms_json(state, &terms).await?)),
            None,
        ),
        Err(error) => match AppError::from(error) {
            AppError::Problem(problem) => {
                (None, Some(problem_message(&page.i18n, page.lang, &problem)))
            }
            internal => return Err(internal),
        },
    };
    let history = amendments::history(&state.db, contract)
        .await?
        .iter()
        .map(|step| history_view(page, step))
        .collect();
    let stored = amendments::list(&state.db, contract.id).await?;
    let statuses = ContractStatus::VARIANTS
        .iter()
        .filter(|to| is_allowed(contract.status, **to))
        .map(|to| {
            Choice::new(
                to.as_ref(),
                page.label("contract-status", to.as_ref()),
                false,
            )
        })
        .collect();
    let mut plans = vec![Choice::new(
        "",
        page.t("contract-plan-unchanged"),
        form.plan_id.is_empty(),
    )];
    if can_manage {
        for plan in tariffs::list(&state.db, false).await? {
            let id = plan.id.to_string();
            let label = format!(
                "{} v{} ({})",
                plan.plan.name, plan.plan.version, plan.plan.code
            );
            let selected = form.plan_id == id;
            plans.push(Choice::new(id, label, selected));
        }
    }
    Ok(Card {
        id: contract.id,
        number: contract.number.to_string(),
        client_id: contract.client_id,
        client: contract.client_name.clone(),
        status: contract.status.to_string(),
        status_label: page.label("contract-status", contract.status.as_ref()),
        conclusion: conclusion_text(page, contract.conclusion.as_ref()),
        starts_on: page.date(&contract.starts_on),
        ends_on: end_date(page, contract.ends_on),
        auto_prolongation: contract.auto_prolongation,
        signatory: contract
            .signatory
            .as_ref()
            .map(|s| format!("{} {}, {}", s.position, s.full_name, s.authority)),
        date: date.to_string(),
        terms,
        terms_error,
        history,
        amendments: stored
            .iter()
            .map(|a| AmendmentRow {
                id: a.id,
                number: a.amendment.number.clone(),
                signed_on: page.date(&a.amendment.signed_on),
                effective_on: page.date(&a.amendment.effective_on),
            })
            .collect(),
        can_manage,
        can_amend: can_manage && contract.status.is_in_force(),
        statuses,
        plans,
        version: contract.version,
        error: None,
        form,
    })
}

fn conclusion_text(page: &Page, conclusion: Option<&Conclusion>) -> String {
    match conclusion {
        None => page.t("contract-not-concluded"),
        Some(Conclusion::Signed { signed_on }) => {
            page.t1("contract-signed-on", "date", page.date(signed_on))
        }
        Some(Conclusion::Offer(acceptance)) => page.i18n.format(
            page.lang,
            "contract-offer-accepted",
            &[
                (
                    "date",
                    crate::i18n::Arg::Text(page.date(&acceptance.accepted_on)),
                ),
                (
                    "version",
                    crate::i18n::Arg::Text(acceptance.offer_version.clone()),
                ),
            ],
        ),
    }
}

fn limit_text(page: &Page, value: Option<u64>) -> String {
    value
        .map(|v| v.to_string())
        .unwrap_or_else(|| page.t("contract-unlimited"))
}

fn terms_view(page: &Page, terms: &TermsJson) -> TermsView {
    let vat = match (terms.vat.rate_percent, terms.vat.amount_kopecks) {
        (Some(rate), Some(amount)) => page.i18n.format(
            page.lang,
            if terms.vat.included {
                "contract-vat-included"
            } else {
                "contract-vat-on-top"
            },
            &[
                ("rate", crate::i18n::Arg::from(i64::from(rate))),
                (
                    "amount",
                    crate::i18n::Arg::Text(Money::from_kopecks(amount).to_string()),
                ),
            ],
        ),
        _ => page.t1(
            "contract-vat-exempt",
            "basis",
            terms.vat.exemption.clone().unwrap_or_default(),
        ),
    };
    let limits = [
        ("products", terms.limits.products),
        ("orders_per_month", terms.limits.orders_per_month),
        ("staff_accounts", terms.limits.staff_accounts),
        ("storage_bytes", terms.limits.storage_bytes),
    ]
    .into_iter()
    .map(|(name, value)| (page.label("contract-limit", name), limit_text(page, value)))
    .collect();
    let hours = |minutes: i64| crate::servicedesk::pages::sla_duration(page, minutes);
    let sla = [
        ("P1", &terms.sla.p1),
        ("P2", &terms.sla.p2),
        ("P3", &terms.sla.p3),
        ("P4", &terms.sla.p4),
    ]
    .into_iter()
    .map(|(priority, targets)| {
        (
            priority.to_string(),
            targets.calendar.clone(),
            hours(targets.first_response_minutes),
            hours(targets.resolution_minutes),
        )
    })
    .collect();
    TermsView {
        plan: format!(
            "{} ({} v{})",
            terms.plan.name.clone().unwrap_or_default(),
            terms.plan.code,
            terms.plan.version
        ),
        price: Money::from_kopecks(terms.monthly_price_kopecks).to_string(),
        vat,
        limits,
        sla,
        end_date: end_date(page, terms.end_date),
        in_force: terms.in_force,
        amendments: if terms.amendments.is_empty() {
            "—".to_string()
        } else {
            terms.amendments.join(", ")
        },
    }
}

fn history_view(page: &Page, step: &HistoryStep) -> HistoryView {
    let source = match &step.amendment {
        None => page.t("contract-history-base"),
        Some(stored) => page.i18n.format(
            page.lang,
            "contract-history-amendment",
            &[
                (
                    "number",
                    crate::i18n::Arg::Text(stored.amendment.number.clone()),
                ),
                (
                    "date",
                    crate::i18n::Arg::Text(page.date(&stored.amendment.signed_on)),
                ),
            ],
        ),
    };
    let terms = &step.terms;
    HistoryView {
        from: page.date(&step.from),
        source,
        summary: format!(
            "{} v{} · {} · {}",
            terms.plan.code,
            terms.plan.version,
            terms.monthly_price,
            end_date(page, terms.ends_on)
        ),
    }
}

/// Adds an amendment from the card's form; an invalid form shows the card again with the
/// error and the values as typed.
pub async fn add_amendment(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let contract = manageable_contract(&state, &identity, path_id(&id)?).await?;
    let params = Params::new("", &pairs);
    let input = AmendmentInput::read(&params);
    let result = match input.amendment() {
        Ok(new) => amendments::add(
            &state.db,
            contract.id,
            &new,
            &author(&identity),
            domain::time::now(),
        )
        .await
        .map_err(AppError::from),
        Err(invalid) => Err(AppError::from(invalid)),
    };
    match result {
        Ok(stored) => {
            tracing::info!(
                contract_id = contract.id,
                amendment_id = stored.id,
                "contract amendment added"
            );
            let url = format!(
                "/contracts/{}?done=contract-done-amendment&date={}",
                contract.id, stored.amendment.effective_on
            );
            Ok(Redirect::to(&url).into_response())
        }
        Err(AppError::Problem(problem)) => {
            let page = Page::new(&state, &context, "contract-title");
            let date = today().max(contract.starts_on);
            let mut card = card(&state, &page, &identity, &contract, date, input).await?;
            card.error = Some(problem_message(&page.i18n, page.lang, &problem));
            let mut response = render(&CardPage { page, card })?;
            *response.status_mut() = problem.status;
            Ok(response)
        }
        Err(internal) => Err(internal),
    }
}

/// Changes a contract's status from the card. Activating a draft records its signing date.
pub async fn change_status(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let contract = manageable_contract(&state, &identity, path_id(&id)?).await?;
    let params = Params::new("", &pairs);
    let to = parse_status("to", params.get("to").unwrap_or_default())?;
    // The form sends the version it was rendered with; without it a stale page could
    // change a contract someone else has just changed.
    let version = params
        .get("version")
        .and_then(|v| v.trim().parse::<i64>().ok())
        .ok_or_else(|| domain::Invalid::missing("version"))?;
    let conclusion = match params.get("signed_on") {
        Some(date) if contract.status == ContractStatus::Draft => Some(Conclusion::Signed {
            signed_on: parse_date("signed_on", date)?,
        }),
        _ => None,
    };
    let updated = contracts::transition(
        &state.db,
        contract.id,
        version,
        to,
        conclusion.as_ref(),
        &author(&identity),
        domain::time::now(),
    )
    .await?;
    tracing::info!(contract_id = updated.id, status = %updated.status, "contract status changed");
    let url = format!("/contracts/{}?done=contract-done-status", updated.id);
    Ok(Redirect::to(&url).into_response())
}
