//! The ticket creation form (`/tickets/new`). Invalid input shows the form again with the
//! values kept and the message next to the field at fault.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::Invalid;
use domain::identity::{Action, Object};
use domain::infra::EnvironmentKind;
use domain::servicedesk::Kind;
use serde::Deserialize;
use store::servicedesk::{Ticket, queues, tickets};

use crate::api::environment_requests::{
    self as environment_requests, CreateEnvironmentRequest, RequestedEnvironment, checked_request,
};
use crate::api::tickets::{CreateTicket, new_ticket};
use crate::context::{Auth, Context, Identity};
use crate::error::{AppError, AppResult};
use crate::form::Form;
use crate::pages::{Choice, FieldErrors, Page, render};
use crate::servicedesk::access::{self, authorize};
use crate::state::AppState;

/// The form's fields; an error about any other field shows above the form.
const FIELDS: [&str; 9] = [
    "kind",
    "title",
    "description",
    "priority",
    "queue",
    "client_id",
    "environment.name",
    "environment.kind",
    "cluster_id",
];

#[derive(Template)]
#[template(path = "tickets/new.html")]
struct NewPage {
    page: Page,
    form: NewForm,
    kinds: Vec<Choice>,
    priorities: Vec<Choice>,
    /// Empty for client users, whose tickets always go to the first line.
    queues: Vec<Choice>,
    /// Empty for client users, whose tickets are always their company's.
    clients: Vec<Choice>,
    /// Environment kinds of an environment request; empty for users who may not keep the
    /// inventory, which hides those fields.
    environment_kinds: Vec<Choice>,
    errors: FieldErrors,
}

/// Fields of the creation form.
#[derive(Debug, Clone, Deserialize)]
pub struct NewForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    priority: String,
    #[serde(default)]
    queue: String,
    /// A client id as chosen; empty for none.
    #[serde(default)]
    client_id: String,
    /// The environment a `request` asks for; empty for other tickets.
    #[serde(default)]
    environment_name: String,
    #[serde(default)]
    environment_kind: String,
    /// A cluster id, or empty.
    #[serde(default)]
    environment_cluster: String,
}

impl Default for NewForm {
    fn default() -> Self {
        NewForm {
            kind: "incident".into(),
            title: String::new(),
            description: String::new(),
            priority: "P3".into(),
            queue: "L1".into(),
            client_id: String::new(),
            environment_name: String::new(),
            environment_kind: "test".into(),
            environment_cluster: String::new(),
        }
    }
}

/// Shows an empty creation form.
pub async fn form(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
) -> AppResult<Response> {
    authorize(&identity, Action::CreateTicket, Object::System)?;
    show(
        &state,
        &context,
        &identity,
        NewForm::default(),
        FieldErrors::new(&FIELDS),
    )
    .await
}

/// Creates the ticket and opens it; client users' tickets belong to their company and come
/// from the portal, staff's from `staff`.
pub async fn submit(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Form(form): Form<NewForm>,
) -> AppResult<Response> {
    authorize(&identity, Action::CreateTicket, Object::System)?;
    if !form.environment_name.trim().is_empty() {
        return submit_environment_request(&state, &context, &identity, form).await;
    }
    let client = identity.actor.role.is_client();
    let body = CreateTicket {
        kind: form.kind.clone(),
        title: form.title.clone(),
        description: form.description.clone(),
        priority: Some(form.priority.clone()).filter(|p| !p.trim().is_empty()),
        queue: Some(form.queue.clone()).filter(|q| !client && !q.trim().is_empty()),
        client_id: None,
    };
    let body = match form.client_id.trim() {
        "" => body,
        _ if client => body,
        chosen => match chosen.parse::<i64>() {
            Ok(id) => CreateTicket {
                client_id: Some(id),
                ..body
            },
            Err(_) => {
                let invalid =
                    Invalid::new("client_id", "ticket-client-unknown").arg("value", chosen);
                return invalid_form(&state, &context, &identity, form, invalid).await;
            }
        },
    };
    let new = match new_ticket(&identity, &body) {
        Ok(new) => new,
        Err(invalid) => return invalid_form(&state, &context, &identity, form, invalid).await,
    };
    if let Err(error) = crate::api::tickets::check_client(&state, &new).await {
        return match error {
            AppError::Problem(problem) if problem.key == "ticket-client-unknown" => {
                let invalid = Invalid::new("client_id", "ticket-client-unknown")
                    .arg("value", &form.client_id);
                invalid_form(&state, &context, &identity, form, invalid).await
            }
            other => Err(other),
        };
    }
    let target = Object::Ticket {
        queue: &new.queue,
        client_id: new.client_id,
    };
    authorize(&identity, Action::CreateTicket, target)?;

    let author = access::author(&identity);
    let created = tickets::create(&state.db, &new, &author, domain::time::now()).await;
    opened(&state, &context, &identity, form, created).await
}

/// Creates an environment request from the form: a `request` ticket with the environment
/// fields filled in, for staff who may keep the inventory.
async fn submit_environment_request(
    state: &AppState,
    context: &Context,
    identity: &Identity,
    form: NewForm,
) -> AppResult<Response> {
    authorize(identity, Action::ManageInventory, Object::System)?;
    if form.kind.trim() != Kind::Request.to_string() {
        let invalid =
            Invalid::new("kind", "environment-request-kind").arg("value", form.kind.trim());
        return invalid_form(state, context, identity, form, invalid).await;
    }
    let cluster_id = match form.environment_cluster.trim() {
        "" => None,
        text => match text.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => {
                let invalid =
                    Invalid::new("cluster_id", "inventory-unknown-reference").arg("value", text);
                return invalid_form(state, context, identity, form, invalid).await;
            }
        },
    };
    let body = CreateEnvironmentRequest {
        environment: RequestedEnvironment {
            name: form.environment_name.clone(),
            kind: form.environment_kind.clone(),
            cluster_id,
        },
        title: Some(form.title.clone()),
        description: form.description.clone(),
        priority: Some(form.priority.clone()).filter(|p| !p.trim().is_empty()),
        queue: Some(form.queue.clone()).filter(|q| !q.trim().is_empty()),
        checklist: None,
    };
    let new = match checked_request(state, identity, context.lang, &body) {
        Ok(new) => new,
        Err(invalid) => return invalid_form(state, context, identity, form, invalid).await,
    };
    match environment_requests::submit(state, identity, &new).await {
        Ok(ticket) => opened(state, context, identity, form, Ok(ticket)).await,
        Err(AppError::Problem(problem))
            if matches!(
                problem.status,
                StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT
            ) =>
        {
            let mut errors = FieldErrors::new(&FIELDS);
            errors.add_problem(&state.i18n, context.lang, &problem);
            let page = show(state, context, identity, form, errors).await?;
            Ok((problem.status, page).into_response())
        }
        Err(error) => Err(error),
    }
}

/// Opens a created ticket, or shows the form again with the reason it was rejected.
async fn opened(
    state: &AppState,
    context: &Context,
    identity: &Identity,
    form: NewForm,
    created: Result<Ticket, store::Error>,
) -> AppResult<Response> {
    match created {
        Ok(ticket) => {
            tracing::info!(ticket_id = ticket.id, number = %ticket.number, "ticket created");
            let url = format!("/tickets/{}?done=ticket-done-created", ticket.id);
            Ok(Redirect::to(&url).into_response())
        }
        Err(store::Error::Domain(domain::Error::Invalid(invalid))) => {
            invalid_form(state, context, identity, form, invalid).await
        }
        Err(error) => Err(error.into()),
    }
}

async fn invalid_form(
    state: &AppState,
    context: &Context,
    identity: &Identity,
    form: NewForm,
    invalid: Invalid,
) -> AppResult<Response> {
    let mut errors = FieldErrors::new(&FIELDS);
    errors.add(&state.i18n, context.lang, invalid);
    let page = show(state, context, identity, form, errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

async fn show(
    state: &AppState,
    context: &Context,
    identity: &Identity,
    form: NewForm,
    errors: FieldErrors,
) -> AppResult<Response> {
    let page = Page::new(state, context, "ticket-new-title");
    let queues = if identity.actor.role.is_client() {
        Vec::new()
    } else {
        queues::list(&state.db)
            .await?
            .into_iter()
            .map(|q| Choice::new(&q.code, q.name(page.lang_code()), q.code == form.queue))
            .collect()
    };
    let clients = if identity.actor.role.is_client() {
        Vec::new()
    } else {
        let mut choices = crate::crm::choices::clients(state, &page, &form.client_id).await?;
        if let Some(none) = choices.first_mut() {
            none.label = page.t("ticket-no-client");
        }
        choices
    };
    let environment_kinds = if access::allows(identity, Action::ManageInventory, Object::System) {
        page.choices(
            "inventory-environment-kind",
            &EnvironmentKind::names(),
            &[form.environment_kind.as_str()],
        )
    } else {
        Vec::new()
    };
    render(&NewPage {
        environment_kinds,
        kinds: page.choices("ticket-kind", &Kind::names(), &[form.kind.as_str()]),
        priorities: page.choices(
            "ticket-priority",
            &["P1", "P2", "P3", "P4"],
            &[form.priority.as_str()],
        ),
        queues,
        clients,
        page,
        form,
        errors,
    })
}
