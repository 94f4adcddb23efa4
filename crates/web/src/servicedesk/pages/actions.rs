//! The ticket page's forms: comment, status, edit, assignment, "take it", links and the
//! checklist.
//!
//! Each handler checks permissions, calls the store and answers in one of two ways: htmx
//! gets the re-rendered ticket panel, a plain form post a 303 back to the ticket page. A
//! rejected change (stale version, invalid value, forbidden move) is shown on the ticket
//! page with the current data, never applied.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use domain::Invalid;
use domain::identity::{Action, Object};
use domain::servicedesk::ticket::comment_is_public;
use domain::servicedesk::{LinkKind, PendingReason, Priority, Status};
use serde::Deserialize;
use store::servicedesk::checklist;
use store::servicedesk::tickets::{self, Ticket, TicketChange};

use super::detail::{EditDraft, PanelError, full_page, panel_fragment};
use crate::api::tickets::path_id;
use crate::context::{Auth, Context, Identity};
use crate::error::{AppError, AppResult, Problem};
use crate::form::Form;
use crate::pages::{Page, problem_message};
use crate::servicedesk::access::{self, authorize};
use crate::state::AppState;

/// Fields of the comment form.
#[derive(Debug, Deserialize)]
pub struct CommentForm {
    #[serde(default)]
    body: String,
    /// `public` or `internal`.
    #[serde(default)]
    visibility: String,
}

/// Adds a comment. Client users' comments are always public, and a client's post of an
/// internal one is rejected with nothing stored. Comments only add, so they carry no version:
/// two people commenting at once do not conflict.
pub async fn comment(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Path(id): Path<String>,
    Form(form): Form<CommentForm>,
) -> AppResult<Response> {
    let ticket = access::readable_ticket(&state, &identity, path_id(&id)?).await?;
    let is_client = identity.actor.role.is_client();
    let public = requested_visibility(&form.visibility)
        .and_then(|requested| comment_is_public("visibility", is_client, requested));
    let public = match public {
        Ok(public) => public,
        Err(invalid) => {
            let result = Err(AppError::from(invalid));
            let done = "ticket-done-comment";
            return finish(&state, &context, &identity, ticket, done, result).await;
        }
    };
    let action = if public {
        Action::CommentPublic
    } else {
        Action::CommentInternal
    };
    authorize(&identity, action, access::object(&ticket))?;
    let result = tickets::add_comment(
        &state.db,
        ticket.id,
        &form.body,
        public,
        &access::author(&identity),
        domain::time::now(),
    )
    .await
    .map(drop)
    .map_err(AppError::from);
    finish(
        &state,
        &context,
        &identity,
        ticket,
        "ticket-done-comment",
        result,
    )
    .await
}

/// Reads the comment form's `visibility`: `public`, `internal`, or empty for the default.
fn requested_visibility(value: &str) -> Result<Option<bool>, Invalid> {
    match value.trim() {
        "" => Ok(None),
        "public" => Ok(Some(true)),
        "internal" => Ok(Some(false)),
        other => Err(Invalid::not_one_of(
            "visibility",
            other,
            &["public", "internal"],
        )),
    }
}

/// Fields of a status button's form.
#[derive(Debug, Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    to: String,
    /// `client` or `third_party`; required for `pending`.
    reason: Option<String>,
    #[serde(default)]
    version: String,
}

/// Moves the ticket to another status the workflow allows.
pub async fn transition(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Path(id): Path<String>,
    Form(form): Form<StatusForm>,
) -> AppResult<Response> {
    let ticket = updatable_ticket(&state, &identity, &id).await?;
    let result = async {
        let version = parse_version(&form.version)?;
        let to = Status::parse("to", &form.to)?;
        let reason = form
            .reason
            .as_deref()
            .filter(|r| !r.trim().is_empty())
            .map(|r| PendingReason::parse("reason", r))
            .transpose()?;
        let author = access::author(&identity);
        let now = domain::time::now();
        tickets::transition(&state.db, ticket.id, version, to, reason, &author, now).await?;
        Ok(())
    }
    .await;
    finish(
        &state,
        &context,
        &identity,
        ticket,
        "ticket-done-status",
        result,
    )
    .await
}

/// Fields of the edit form.
#[derive(Debug, Deserialize)]
pub struct EditForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    priority: String,
    #[serde(default)]
    version: String,
}

/// Changes the title and the priority.
pub async fn edit(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Path(id): Path<String>,
    Form(form): Form<EditForm>,
) -> AppResult<Response> {
    let ticket = updatable_ticket(&state, &identity, &id).await?;
    let result = async {
        let version = parse_version(&form.version)?;
        let change = TicketChange {
            title: Some(form.title.clone()),
            priority: Some(Priority::parse("priority", &form.priority)?),
            ..TicketChange::default()
        };
        save(&state, &identity, &ticket, version, &change).await
    }
    .await;
    match result {
        // A plain post shows the ticket again with the user's input and the version it was
        // based on, like the inventory forms. htmx leaves the form as the user sent it.
        Err(AppError::Problem(problem)) if !context.htmx && shown_on_ticket(&problem) => {
            let draft = EditDraft {
                title: form.title,
                priority: form.priority,
                version: form.version,
            };
            rejected(&state, &context, &identity, ticket, problem, Some(draft)).await
        }
        result => {
            let done = "ticket-done-saved";
            finish(&state, &context, &identity, ticket, done, result).await
        }
    }
}

/// Fields of the assignment form.
#[derive(Debug, Deserialize)]
pub struct AssignForm {
    #[serde(default)]
    queue: String,
    /// A login, or empty for no assignee.
    #[serde(default)]
    assignee: String,
    #[serde(default)]
    version: String,
}

/// Moves the ticket to a queue and gives it an assignee from that queue, or none.
pub async fn assign(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Path(id): Path<String>,
    Form(form): Form<AssignForm>,
) -> AppResult<Response> {
    let ticket = updatable_ticket(&state, &identity, &id).await?;
    let queue = form.queue.trim();
    if !queue.is_empty() && queue != ticket.queue {
        // Moving a ticket needs the right to work on it in the new queue too.
        let target = Object::Ticket {
            queue,
            client_id: ticket.client_id,
        };
        authorize(&identity, Action::UpdateTicket, target)?;
    }
    let result = async {
        let version = parse_version(&form.version)?;
        let assignee = form.assignee.trim();
        let change = TicketChange {
            queue: (!queue.is_empty()).then(|| queue.to_string()),
            assignee: Some((!assignee.is_empty()).then(|| assignee.to_string())),
            ..TicketChange::default()
        };
        save(&state, &identity, &ticket, version, &change).await
    }
    .await;
    finish(
        &state,
        &context,
        &identity,
        ticket,
        "ticket-done-assigned",
        result,
    )
    .await
}

/// Fields of the forms that carry only the version.
#[derive(Debug, Deserialize)]
pub struct VersionForm {
    #[serde(default)]
    version: String,
}

/// Assigns the ticket to the current user, who must be a member of its queue.
pub async fn take(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Path(id): Path<String>,
    Form(form): Form<VersionForm>,
) -> AppResult<Response> {
    let ticket = updatable_ticket(&state, &identity, &id).await?;
    let result = async {
        let version = parse_version(&form.version)?;
        let change = TicketChange {
            assignee: Some(Some(identity.user.login.clone())),
            ..TicketChange::default()
        };
        save(&state, &identity, &ticket, version, &change).await
    }
    .await;
    finish(
        &state,
        &context,
        &identity,
        ticket,
        "ticket-done-assigned",
        result,
    )
    .await
}

/// Fields of the link form.
#[derive(Debug, Deserialize)]
pub struct LinkForm {
    /// The other ticket's number, such as `INC-000123`.
    #[serde(default)]
    number: String,
    #[serde(default)]
    kind: String,
}

/// Links the ticket to another one, found by its number, that the user may also read.
pub async fn link(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Path(id): Path<String>,
    Form(form): Form<LinkForm>,
) -> AppResult<Response> {
    let ticket = updatable_ticket(&state, &identity, &id).await?;
    let result = async {
        let kind = LinkKind::parse("kind", &form.kind)?;
        let target = linkable_ticket(&state, &identity, &form.number).await?;
        let author = access::author(&identity);
        let now = domain::time::now();
        tickets::add_link(&state.db, ticket.id, target.id, kind, &author, now).await?;
        Ok(())
    }
    .await;
    finish(
        &state,
        &context,
        &identity,
        ticket,
        "ticket-done-link",
        result,
    )
    .await
}

/// Fields of the checklist's add form.
#[derive(Debug, Deserialize)]
pub struct ChecklistAddForm {
    #[serde(default)]
    text: String,
}

/// Adds an item at the end of the ticket's checklist. Adding only appends, so it carries no
/// version, like a comment.
pub async fn checklist_add(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Path(id): Path<String>,
    Form(form): Form<ChecklistAddForm>,
) -> AppResult<Response> {
    let ticket = updatable_ticket(&state, &identity, &id).await?;
    let author = access::author(&identity);
    let result = checklist::add(
        &state.db,
        ticket.id,
        &form.text,
        &author,
        domain::time::now(),
    )
    .await
    .map(drop)
    .map_err(AppError::from);
    finish(
        &state,
        &context,
        &identity,
        ticket,
        "ticket-done-checklist",
        result,
    )
    .await
}

/// Fields of a checklist item's tick button.
#[derive(Debug, Deserialize)]
pub struct ChecklistItemForm {
    /// `true` to tick the item, `false` to untick it.
    #[serde(default)]
    done: String,
    /// The item's version.
    #[serde(default)]
    version: String,
}

/// Ticks or unticks a checklist item; a stale item version is a conflict.
pub async fn checklist_item(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Path((id, item)): Path<(String, String)>,
    Form(form): Form<ChecklistItemForm>,
) -> AppResult<Response> {
    let ticket = updatable_ticket(&state, &identity, &id).await?;
    let item_id = path_id(&item)?;
    let result = async {
        let version = parse_version(&form.version)?;
        let done = match form.done.trim() {
            "true" => true,
            "false" => false,
            other => return Err(Invalid::not_one_of("done", other, &["true", "false"]).into()),
        };
        let author = access::author(&identity);
        let now = domain::time::now();
        checklist::set_done(&state.db, ticket.id, item_id, version, done, &author, now).await?;
        Ok(())
    }
    .await;
    finish(
        &state,
        &context,
        &identity,
        ticket,
        "ticket-done-checklist",
        result,
    )
    .await
}

/// Finds a link target by number. A ticket the user may not read is reported exactly like
/// a missing one, so the form does not reveal other clients' tickets.
async fn linkable_ticket(state: &AppState, identity: &Identity, number: &str) -> AppResult<Ticket> {
    let not_found = || {
        AppError::from(Invalid::new("number", "ticket-link-not-found").arg("value", number.trim()))
    };
    if number.trim().is_empty() {
        return Err(Invalid::missing("number").into());
    }
    let target = tickets::find_by_number(&state.db, number)
        .await?
        .ok_or_else(not_found)?;
    if !access::allows(identity, Action::ReadTicket, access::object(&target)) {
        return Err(not_found());
    }
    Ok(target)
}

/// Loads a ticket the user may read (else 404) and change (else 403).
async fn updatable_ticket(state: &AppState, identity: &Identity, id: &str) -> AppResult<Ticket> {
    let ticket = access::readable_ticket(state, identity, path_id(id)?).await?;
    authorize(identity, Action::UpdateTicket, access::object(&ticket))?;
    Ok(ticket)
}

async fn save(
    state: &AppState,
    identity: &Identity,
    ticket: &Ticket,
    version: i64,
    change: &TicketChange,
) -> AppResult<()> {
    let author = access::author(identity);
    let now = domain::time::now();
    tickets::update(&state.db, ticket.id, version, change, &author, now).await?;
    Ok(())
}

/// Reads the hidden `version` field; a missing or garbled one is an invalid value.
fn parse_version(value: &str) -> Result<i64, Invalid> {
    value
        .trim()
        .parse()
        .map_err(|_| Invalid::new("version", "ticket-version-invalid").arg("value", value))
}

/// Answers a ticket form: the panel for htmx, a 303 back for plain posts; rejected changes
/// go to [`rejected`], other failures to the error middleware.
pub(crate) async fn finish(
    state: &AppState,
    context: &Context,
    identity: &Identity,
    ticket: Ticket,
    done: &'static str,
    result: AppResult<()>,
) -> AppResult<Response> {
    match result {
        Ok(()) if context.htmx => panel_fragment(state, context, identity, ticket.id, done).await,
        Ok(()) => Ok(Redirect::to(&format!("/tickets/{}?done={done}", ticket.id)).into_response()),
        Err(AppError::Problem(problem)) if shown_on_ticket(&problem) => {
            rejected(state, context, identity, ticket, problem, None).await
        }
        Err(error) => Err(error),
    }
}

/// Whether a failure is the user's to fix on the ticket page: a stale version, a move the
/// workflow forbids, a duplicate link or an invalid value.
fn shown_on_ticket(problem: &Problem) -> bool {
    matches!(
        problem.status,
        StatusCode::CONFLICT | StatusCode::UNPROCESSABLE_ENTITY
    )
}

#[derive(Template)]
#[template(path = "tickets/alert.html")]
struct Alert {
    page: Page,
    message: String,
    reload: Option<String>,
}

/// Shows why a change was rejected. htmx gets an alert in `#flash`, with a link to reload
/// the ticket after a conflict. A plain post gets the ticket page as it is now, with the
/// edit form's `draft` in place of the stored values when given.
async fn rejected(
    state: &AppState,
    context: &Context,
    identity: &Identity,
    ticket: Ticket,
    problem: Problem,
    draft: Option<EditDraft>,
) -> AppResult<Response> {
    let message = problem_message(&state.i18n, context.lang, &problem);
    let conflict = problem.code == "conflict";
    tracing::info!(
        ticket_id = ticket.id,
        code = problem.code,
        "ticket change rejected"
    );
    if context.htmx {
        let alert = Alert {
            page: Page::new(state, context, "ticket-page-title"),
            message,
            reload: conflict.then(|| format!("/tickets/{}", ticket.id)),
        };
        let mut response = (problem.status, crate::pages::render(&alert)?).into_response();
        let headers = response.headers_mut();
        headers.insert("hx-retarget", HeaderValue::from_static("#flash"));
        headers.insert("hx-reswap", HeaderValue::from_static("innerHTML"));
        return Ok(response);
    }
    // Show the ticket as it is now, so the user sees the other person's change.
    let current = access::readable_ticket(state, identity, ticket.id).await?;
    let error = PanelError {
        message,
        conflict,
        draft,
    };
    full_page(
        state,
        context,
        identity,
        current,
        None,
        Some((problem.status, error)),
    )
    .await
}
