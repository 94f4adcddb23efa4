//! The client card (`/clients/{id}`): requisites and their history, addresses, contacts,
//! other clients with the same phone, and the change log. Contacts are added and removed
//! here too.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::crm::client::{ContactDraft, ContactInput};
use domain::identity::{Action, Object};
use serde::Deserialize;
use serde_json::{Map, Value as Json};
use store::crm::clients::{self, Client, PhoneMatch, RequisitesPeriod};
use store::crm::contacts::{self, Contact};
use store::identity::audit::{self, Filter};

use crate::api::tickets::path_id;
use crate::context::{Auth, Context, Identity};
use crate::crm::access::{self, manageable_client, readable_client};
use crate::error::{AppError, AppResult};
use crate::form::Form;
use crate::pages::{DoneQuery, FieldErrors, Page, render};
use crate::query::Query;
use crate::servicedesk::access::{allows, author};
use crate::state::AppState;

/// Notices a redirect to the card may ask for with `?done=KEY`.
const DONE_KEYS: &[&str] = &[
    "client-done-created",
    "client-done-saved",
    "client-done-contact-added",
    "client-done-contact-removed",
];

/// Fields of the contact form.
const CONTACT_FIELDS: &[&str] = &[
    "contact_name",
    "contact_position",
    "contact_phone",
    "contact_email",
];

/// Change log entries the card shows, newest first.
const LOG_LIMIT: i64 = 100;

/// Fields whose labels the change log translates besides the card form's; any other key is
/// shown as stored.
const LOGGED_EXTRA_FIELDS: &[&str] = &["phone_extension", "position"];

#[derive(Template)]
#[template(path = "clients/card.html")]
struct CardPage {
    page: Page,
    client: Client,
    kind: String,
    status: String,
    can_manage: bool,
    contacts: Vec<Contact>,
    duplicates: Vec<PhoneMatch>,
    history: Vec<RequisitesPeriod>,
    log: Vec<LogLine>,
    contact: ContactForm,
    errors: FieldErrors,
}

/// One change of the card as the log shows it.
struct LogLine {
    at: String,
    actor: String,
    action: String,
    changes: Vec<String>,
}

impl LogLine {
    fn new(page: &Page, entry: audit::Entry) -> LogLine {
        let parse = |text: &Option<String>| -> Map<String, Json> {
            text.as_deref()
                .and_then(|t| serde_json::from_str::<Map<String, Json>>(t).ok())
                .unwrap_or_default()
        };
        let old = parse(&entry.old_value);
        let new = parse(&entry.new_value);
        let mut keys: Vec<&String> = Vec::new();
        for key in new.keys().chain(old.keys()) {
            if !keys.contains(&key) && key != "contact_id" {
                keys.push(key);
            }
        }
        let mut changes = Vec::new();
        for key in keys {
            let known = super::form::FIELDS.contains(&key.as_str())
                || LOGGED_EXTRA_FIELDS.contains(&key.as_str());
            let label = if known {
                page.label("client-field", key)
            } else {
                key.clone()
            };
            let before = old.get(key).map(show_json);
            let after = new.get(key).map(show_json);
            let line = match (before, after) {
                (Some(before), Some(after)) => format!("{label}: {before} → {after}"),
                (None, Some(value)) | (Some(value), None) => format!("{label}: {value}"),
                (None, None) => continue,
            };
            changes.push(line);
        }
        LogLine {
            at: page.datetime(&entry.at),
            actor: entry.actor_label,
            action: page.label("client-action", &entry.action.replace('.', "-")),
            changes,
        }
    }
}

fn show_json(value: &Json) -> String {
    match value {
        Json::Null => "—".into(),
        Json::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// Fields of the form that adds a contact.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ContactForm {
    pub contact_name: String,
    pub contact_position: String,
    pub contact_phone: String,
    pub contact_email: String,
}

/// Shows a client's card.
pub async fn show(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Path(id): Path<String>,
    Query(query): Query<DoneQuery>,
) -> AppResult<Response> {
    let client = readable_client(&state, &identity, path_id(&id)?).await?;
    let page =
        Page::new(&state, &context, "client-card-title").with_notice(query.notice(DONE_KEYS));
    let extras = CardExtras {
        contact: ContactForm::default(),
        errors: FieldErrors::new(CONTACT_FIELDS),
    };
    card(&state, &identity, page, client, extras, StatusCode::OK).await
}

/// The contact form's values and errors, shown on the card beside the stored data.
struct CardExtras {
    contact: ContactForm,
    errors: FieldErrors,
}

async fn card(
    state: &AppState,
    identity: &Identity,
    mut page: Page,
    client: Client,
    extras: CardExtras,
    status: StatusCode,
) -> AppResult<Response> {
    page.title = format!("{} · {}", client.name, page.title);
    let contacts = contacts::list(&state.db, client.id).await?;
    let duplicates = access::phone_duplicates(state, identity, &client, &contacts).await?;
    let history = clients::requisites_history(&state.db, client.id).await?;
    let filter = Filter {
        object_type: Some("client".into()),
        object_id: Some(client.id.to_string()),
        actor: None,
    };
    // Client users see their card, not who changed it.
    let log = if identity.actor.role.is_client() {
        Vec::new()
    } else {
        let (entries, _) = audit::list(&state.db, &filter, LOG_LIMIT, 0).await?;
        entries
            .into_iter()
            .map(|e| LogLine::new(&page, e))
            .collect()
    };
    let html = render(&CardPage {
        kind: page.label("client-kind", client.kind.as_ref()),
        status: page.label("client-status", client.status.as_ref()),
        can_manage: allows(
            identity,
            Action::ManageClients,
            Object::Client { id: client.id },
        ),
        contacts,
        duplicates,
        history,
        log,
        contact: extras.contact,
        errors: extras.errors,
        client,
        page,
    })?;
    Ok((status, html).into_response())
}

/// Adds a contact person; invalid input shows the card with the form's messages.
pub async fn add_contact(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Path(id): Path<String>,
    Form(form): Form<ContactForm>,
) -> AppResult<Response> {
    let client = manageable_client(&state, &identity, path_id(&id)?).await?;
    let input = ContactInput {
        name: form.contact_name.clone(),
        position: Some(form.contact_position.clone()),
        phone: Some(form.contact_phone.clone()),
        email: Some(form.contact_email.clone()),
    };
    let draft = match ContactDraft::check(&input) {
        Ok(draft) => draft,
        Err(found) => {
            let mut errors = FieldErrors::new(CONTACT_FIELDS);
            for invalid in found {
                errors.add(&state.i18n, context.lang, invalid);
            }
            let page = Page::new(&state, &context, "client-card-title");
            let extras = CardExtras {
                contact: form,
                errors,
            };
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return card(&state, &identity, page, client, extras, status).await;
        }
    };
    let contact_id = contacts::add(
        &state.db,
        client.id,
        &draft,
        &author(&identity),
        domain::time::now(),
    )
    .await?;
    tracing::info!(client_id = client.id, contact_id, "client contact added");
    let url = format!("/clients/{}?done=client-done-contact-added", client.id);
    Ok(Redirect::to(&url).into_response())
}

/// Removes a contact person of the client.
pub async fn remove_contact(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Path((id, contact_id)): Path<(String, String)>,
) -> AppResult<Response> {
    let client = manageable_client(&state, &identity, path_id(&id)?).await?;
    let contact_id = path_id(&contact_id)?;
    let removed = contacts::remove(
        &state.db,
        client.id,
        contact_id,
        &author(&identity),
        domain::time::now(),
    )
    .await?;
    if !removed {
        return Err(AppError::not_found());
    }
    tracing::info!(client_id = client.id, contact_id, "client contact removed");
    let url = format!("/clients/{}?done=client-done-contact-removed", client.id);
    Ok(Redirect::to(&url).into_response())
}
