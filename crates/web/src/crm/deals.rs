//! Deal pages for sales: the pipeline as a board of stage columns or as a table, the deal
//! card with its stage change, and the create form. Every form works without JavaScript.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::crm::DealStage;
use domain::crm::deal::is_allowed;
use domain::identity::{Action, Object};
use domain::money::Money;
use store::crm::deals::{self, Deal, NewDeal};
use store::identity::users;
use strum::VariantArray;

use crate::api::deals::{change_stage, create_deal, parse_stage, readable_deal, stage_request};
use crate::api::tariffs::parse_date;
use crate::api::tickets::{parse_bounded, path_id};
use crate::context::{Auth, Context, Identity};
use crate::crm::choices;
use crate::error::{AppError, AppResult};
use crate::form::Form;
use crate::pages::{Choice, DoneQuery, FieldErrors, Page, Params, problem_message, render};
use crate::query::Query;
use crate::servicedesk::access::{allows, authorize};
use crate::state::AppState;

/// Notices a redirect to the card may ask for with `?done=KEY`.
const DONE_KEYS: &[&str] = &["deal-done-created", "deal-done-stage"];

/// Deals shown on the board or the list at most.
const PAGE_LIMIT: i64 = 500;

/// A deal as a board card or a table row shows it.
struct DealView {
    id: i64,
    title: String,
    client_id: i64,
    client: String,
    owner: String,
    amount: String,
    stage: String,
    stage_label: String,
    expected_close: String,
    version: i64,
    /// The stages the board's form offers; `lost` needs a reason, so only the card offers it.
    next_stages: Vec<Choice>,
}

impl DealView {
    fn new(page: &Page, deal: &Deal) -> DealView {
        DealView {
            id: deal.id,
            title: deal.title.clone(),
            client_id: deal.client_id,
            client: deal.client_name.clone(),
            owner: deal.owner_name.clone(),
            amount: deal.amount.to_string(),
            stage: deal.stage.to_string(),
            stage_label: page.label("deal-stage", deal.stage.as_ref()),
            expected_close: deal
                .expected_close_on
                .map(|date| page.date(&date))
                .unwrap_or_default(),
            version: deal.version,
            next_stages: stage_choices(page, deal.stage, false),
        }
    }
}

/// Lists the stages a deal at `from` may move to, `lost` only when `with_lost` is set.
fn stage_choices(page: &Page, from: DealStage, with_lost: bool) -> Vec<Choice> {
    DealStage::VARIANTS
        .iter()
        .filter(|to| is_allowed(from, **to) && (with_lost || **to != DealStage::Lost))
        .map(|to| Choice::new(to.as_ref(), page.label("deal-stage", to.as_ref()), false))
        .collect()
}

/// A board column: one stage with its deals and their total.
struct Column {
    stage: String,
    label: String,
    count: String,
    amount: String,
    deals: Vec<DealView>,
}

#[derive(Template)]
#[template(path = "deals/index.html")]
struct IndexPage {
    page: Page,
    board: bool,
    columns: Vec<Column>,
    rows: Vec<DealView>,
    stages: Vec<Choice>,
    owners: Vec<Choice>,
    board_url: String,
    list_url: String,
    total: String,
    can_manage: bool,
}

/// Shows the pipeline as a board (the default) or, with `?view=list`, as a table; both
/// filter on `stage` and `owner`.
pub async fn index(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Query(pairs): Query<Vec<(String, String)>>,
) -> AppResult<Response> {
    authorize(&identity, Action::ReadDeals, Object::System)?;
    let params = Params::new("/deals", &pairs);
    let query = deals::ListQuery {
        stage: params
            .get("stage")
            .map(|s| parse_stage("stage", s))
            .transpose()?,
        owner_id: params
            .get("owner")
            .map(|id| parse_bounded("owner", id, 1, i64::MAX))
            .transpose()?,
        client_id: None,
        limit: PAGE_LIMIT,
        offset: 0,
    };
    let (found, total) = deals::list(&state.db, &query).await?;
    let page = Page::new(&state, &context, "deals-title");
    let board = params.get("view") != Some("list");

    let columns = DealStage::VARIANTS
        .iter()
        .filter(|stage| query.stage.is_none_or(|chosen| chosen == **stage))
        .map(|stage| {
            let in_stage: Vec<&Deal> = found.iter().filter(|d| d.stage == *stage).collect();
            let sum = in_stage
                .iter()
                .fold(Money::ZERO, |sum, deal| sum + deal.amount);
            Column {
                stage: stage.to_string(),
                label: page.label("deal-stage", stage.as_ref()),
                count: page.tn(
                    "deals-count",
                    "count",
                    i64::try_from(in_stage.len()).unwrap_or(i64::MAX),
                ),
                amount: sum.to_string(),
                deals: in_stage.iter().map(|d| DealView::new(&page, d)).collect(),
            }
        })
        .collect();
    let chosen_stage = params.get("stage").unwrap_or_default();
    let mut stages = vec![Choice::new(
        "",
        page.t("deals-any-stage"),
        chosen_stage.is_empty(),
    )];
    stages.extend(DealStage::VARIANTS.iter().map(|stage| {
        Choice::new(
            stage.as_ref(),
            page.label("deal-stage", stage.as_ref()),
            chosen_stage == stage.as_ref(),
        )
    }));
    let owners =
        owner_choices(&state, &page, params.get("owner").unwrap_or_default(), true).await?;
    render(&IndexPage {
        board,
        columns,
        rows: found.iter().map(|d| DealView::new(&page, d)).collect(),
        stages,
        owners,
        board_url: params.with("view", "board"),
        list_url: params.with("view", "list"),
        total: page.tn("deals-count", "count", total),
        can_manage: allows(&identity, Action::ManageDeals, Object::System),
        page,
    })
}

/// Active staff users as owner choices, selected by id; with `any` an empty choice first.
async fn owner_choices(
    state: &AppState,
    page: &Page,
    selected: &str,
    any: bool,
) -> AppResult<Vec<Choice>> {
    let mut choices = Vec::new();
    if any {
        choices.push(Choice::new(
            "",
            page.t("deals-any-owner"),
            selected.is_empty(),
        ));
    }
    for user in users::list(&state.db).await? {
        if user.disabled || user.role().is_client() {
            continue;
        }
        let id = user.id.to_string();
        let chosen = id == selected;
        choices.push(Choice::new(id, user.display_name, chosen));
    }
    Ok(choices)
}

#[derive(Template)]
#[template(path = "deals/card.html")]
struct CardPage {
    page: Page,
    deal: DealView,
    plan: String,
    lost_reason: String,
    lost_comment: String,
    contract_id: Option<i64>,
    contract_number: String,
    stages: Vec<Choice>,
    reasons: Vec<Choice>,
    can_manage: bool,
    error: Option<String>,
}

/// Shows a deal card.
pub async fn show(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Path(id): Path<String>,
    Query(done): Query<DoneQuery>,
) -> AppResult<Response> {
    let deal = readable_deal(&state, &identity, path_id(&id)?).await?;
    let page = Page::new(&state, &context, "deal-title").with_notice(done.notice(DONE_KEYS));
    render(&card(page, &identity, &deal, None))
}

fn card(page: Page, identity: &Identity, deal: &Deal, error: Option<String>) -> CardPage {
    let reasons = domain::crm::LostReason::VARIANTS
        .iter()
        .map(|r| {
            Choice::new(
                r.as_ref(),
                page.label("deal-lost-reason", r.as_ref()),
                false,
            )
        })
        .collect();
    CardPage {
        deal: DealView::new(&page, deal),
        plan: deal
            .plan_label
            .clone()
            .unwrap_or_else(|| page.t("deal-no-plan")),
        lost_reason: deal
            .lost_reason
            .map(|r| page.label("deal-lost-reason", r.as_ref()))
            .unwrap_or_default(),
        lost_comment: deal.lost_comment.clone().unwrap_or_default(),
        contract_id: deal.contract_id,
        contract_number: deal.contract_number.clone().unwrap_or_default(),
        stages: stage_choices(&page, deal.stage, true),
        reasons,
        can_manage: allows(identity, Action::ManageDeals, Object::System),
        error,
        page,
    }
}

/// Moves a deal to the stage a board or card form names. A rejected change shows the card
/// with the error; a success returns to the page in `return` (`board` or `list`) or to the
/// card.
pub async fn stage(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let deal = readable_deal(&state, &identity, path_id(&id)?).await?;
    authorize(&identity, Action::ManageDeals, Object::System)?;
    let params = Params::new("", &pairs);
    let version = params
        .get("version")
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(deal.version);
    let result = match parse_stage("stage", params.get("stage").unwrap_or_default())
        .and_then(|to| stage_request(to, params.get("lost_reason"), params.get("lost_comment")))
    {
        Ok(request) => change_stage(&state, &identity, &deal, version, &request).await,
        Err(invalid) => Err(AppError::from(invalid)),
    };
    match result {
        Ok(updated) => {
            let url = match params.get("return") {
                Some("board") => "/deals".to_string(),
                Some("list") => "/deals?view=list".to_string(),
                _ => format!("/deals/{}?done=deal-done-stage", updated.id),
            };
            Ok(Redirect::to(&url).into_response())
        }
        Err(AppError::Problem(problem)) if problem.status.is_client_error() => {
            let page = Page::new(&state, &context, "deal-title");
            let current = deals::get(&state.db, deal.id).await?.unwrap_or(deal);
            let message = problem_message(&page.i18n, page.lang, &problem);
            let mut response = render(&card(page, &identity, &current, Some(message)))?;
            *response.status_mut() = problem.status;
            Ok(response)
        }
        Err(error) => Err(error),
    }
}

/// Fields of the deal form, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct DealForm {
    title: String,
    client_id: String,
    owner_id: String,
    plan_id: String,
    amount: String,
    expected_close_on: String,
}

/// The form's fields; an error about any other field shows above the form.
const FIELDS: &[&str] = &[
    "title",
    "client_id",
    "owner_id",
    "plan_id",
    "amount",
    "expected_close_on",
];

impl DealForm {
    fn deal(&self) -> Result<NewDeal, domain::Invalid> {
        let id = |field: &str, value: &str| parse_bounded(field, value.trim(), 1, i64::MAX);
        if self.client_id.trim().is_empty() {
            return Err(domain::Invalid::missing("client_id"));
        }
        let amount = match self.amount.trim() {
            "" => Money::ZERO,
            text => Money::parse("amount", text)?,
        };
        if amount < Money::ZERO {
            return Err(domain::Invalid::new("amount", "crm-deal-amount").arg("value", amount));
        }
        Ok(NewDeal {
            title: self.title.clone(),
            client_id: id("client_id", &self.client_id)?,
            owner_id: id("owner_id", &self.owner_id)?,
            plan_id: match self.plan_id.trim() {
                "" => None,
                plan => Some(id("plan_id", plan)?),
            },
            amount,
            expected_close_on: match self.expected_close_on.trim() {
                "" => None,
                date => Some(parse_date("expected_close_on", date)?),
            },
        })
    }
}

#[derive(Template)]
#[template(path = "deals/form.html")]
struct FormPage {
    page: Page,
    form: DealForm,
    clients: Vec<Choice>,
    owners: Vec<Choice>,
    plans: Vec<Choice>,
    errors: FieldErrors,
}

/// Shows the empty deal form; the requester owns the new deal unless they choose another.
pub async fn new(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
) -> AppResult<Response> {
    authorize(&identity, Action::ManageDeals, Object::System)?;
    let form = DealForm {
        owner_id: identity.user.id.to_string(),
        ..DealForm::default()
    };
    show_form(
        &state,
        &context,
        form,
        FieldErrors::new(FIELDS),
        StatusCode::OK,
    )
    .await
}

/// Creates a deal from the form; invalid input shows the form again with the values kept.
pub async fn create(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Form(form): Form<DealForm>,
) -> AppResult<Response> {
    authorize(&identity, Action::ManageDeals, Object::System)?;
    let result = match form.deal() {
        Ok(new) => create_deal(&state, &identity, &new).await,
        Err(invalid) => Err(AppError::from(invalid)),
    };
    match result {
        Ok(deal) => {
            let url = format!("/deals/{}?done=deal-done-created", deal.id);
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
    form: DealForm,
    errors: FieldErrors,
    status: StatusCode,
) -> AppResult<Response> {
    let page = Page::new(state, context, "deal-new-title");
    let client_choices = choices::clients(state, &page, &form.client_id).await?;
    let plans = choices::plans(state, &page, &form.plan_id).await?;
    let owners = owner_choices(state, &page, form.owner_id.trim(), false).await?;
    let html = render(&FormPage {
        clients: client_choices,
        owners,
        plans,
        errors,
        form,
        page,
    })?;
    Ok((status, html).into_response())
}
