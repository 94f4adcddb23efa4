//! The client forms: creation (`/clients/new`) and editing (`/clients/{id}/edit`). Invalid
//! input shows the form again with the values kept and every message beside its field.
//! Another client with the same phone is only a warning, shown live with htmx and on the
//! form shown again.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::crm::requisites::RequisitesInput;
use domain::crm::{ClientDraft, ClientInput, ClientKind, ClientStatus, Phone};
use domain::identity::{Action, Object};
use serde::Deserialize;
use store::crm::clients::{self, Client, PhoneMatch};
use store::identity::users;

use crate::api::tickets::path_id;
use crate::context::{Auth, Context, Identity};
use crate::crm::access::{self, manageable_client};
use crate::error::{AppError, AppResult};
use crate::form::Form;
use crate::pages::{Choice, FieldErrors, Page, render};
use crate::query::Query;
use crate::servicedesk::access::authorize;
use crate::state::AppState;

/// The form's fields; an error about any other field shows above the form.
pub const FIELDS: &[&str] = &[
    "kind",
    "name",
    "status",
    "inn",
    "kpp",
    "ogrn",
    "bik",
    "settlement_account",
    "correspondent_account",
    "legal_address",
    "postal_address",
    "phone",
    "email",
    "manager",
];

/// Fields of the client form, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ClientForm {
    pub kind: String,
    pub name: String,
    pub status: String,
    pub inn: String,
    pub kpp: String,
    pub ogrn: String,
    pub bik: String,
    pub settlement_account: String,
    pub correspondent_account: String,
    pub legal_address: String,
    pub postal_address: String,
    pub phone: String,
    pub email: String,
    pub manager: String,
    /// The version the edit is based on; empty on creation.
    pub version: String,
}

impl ClientForm {
    /// Returns a new card's defaults: a legal entity, active, managed by the signed-in user
    /// when they are in sales.
    fn blank(identity: &Identity) -> ClientForm {
        let manager = if identity.actor.role == domain::identity::Role::Sales {
            identity.user.login.clone()
        } else {
            String::new()
        };
        ClientForm {
            kind: ClientKind::LegalEntity.to_string(),
            status: ClientStatus::Active.to_string(),
            manager,
            ..ClientForm::default()
        }
    }

    /// Returns the stored card as the form shows it, the phone with its extension.
    fn of(client: &Client) -> ClientForm {
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        let phone = match (&client.phone, &client.phone_extension) {
            (Some(phone), Some(extension)) => format!("{phone} доб. {extension}"),
            (phone, _) => text(phone),
        };
        ClientForm {
            kind: client.kind.to_string(),
            name: client.name.clone(),
            status: client.status.to_string(),
            inn: text(&client.inn),
            kpp: text(&client.kpp),
            ogrn: text(&client.ogrn),
            bik: text(&client.bik),
            settlement_account: text(&client.settlement_account),
            correspondent_account: text(&client.correspondent_account),
            legal_address: text(&client.legal_address),
            postal_address: text(&client.postal_address),
            phone,
            email: text(&client.email),
            manager: text(&client.manager_login),
            version: client.version.to_string(),
        }
    }

    /// Returns the value typed into `field`, for templates that loop over fields.
    pub fn value(&self, field: &str) -> &str {
        match field {
            "inn" => &self.inn,
            "kpp" => &self.kpp,
            "ogrn" => &self.ogrn,
            "bik" => &self.bik,
            "settlement_account" => &self.settlement_account,
            "correspondent_account" => &self.correspondent_account,
            "legal_address" => &self.legal_address,
            "postal_address" => &self.postal_address,
            _ => "",
        }
    }

    fn input(&self) -> ClientInput {
        let some = |value: &str| Some(value.to_string());
        ClientInput {
            kind: self.kind.clone(),
            name: self.name.clone(),
            requisites: RequisitesInput {
                inn: some(&self.inn),
                kpp: some(&self.kpp),
                ogrn: some(&self.ogrn),
                bik: some(&self.bik),
                settlement_account: some(&self.settlement_account),
                correspondent_account: some(&self.correspondent_account),
            },
            phone: some(&self.phone),
            email: some(&self.email),
            legal_address: some(&self.legal_address),
            postal_address: some(&self.postal_address),
            status: some(&self.status),
        }
    }
}

#[derive(Template)]
#[template(path = "clients/form.html")]
struct FormPage {
    page: Page,
    /// `None` on creation.
    id: Option<i64>,
    action: String,
    form: ClientForm,
    kinds: Vec<Choice>,
    statuses: Vec<Choice>,
    managers: Vec<Choice>,
    errors: FieldErrors,
    /// Whether the save failed because someone else saved the card first.
    conflict: bool,
    duplicates: Vec<PhoneMatch>,
}

#[derive(Template)]
#[template(path = "clients/phone_warning.html")]
struct PhoneWarning {
    page: Page,
    duplicates: Vec<PhoneMatch>,
}

/// Shows an empty creation form.
pub async fn new(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
) -> AppResult<Response> {
    authorize(&identity, Action::ManageClients, Object::System)?;
    let form = ClientForm::blank(&identity);
    show(&state, &context, None, form, Outcome::default()).await
}

/// Creates the client and opens its card, where other clients with the same phone are
/// listed.
pub async fn create(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Form(form): Form<ClientForm>,
) -> AppResult<Response> {
    authorize(&identity, Action::ManageClients, Object::System)?;
    let draft = match ClientDraft::check(&form.input()) {
        Ok(draft) => draft,
        Err(found) => return invalid(&state, &context, None, form, found).await,
    };
    let manager = Some(form.manager.as_str());
    match access::create(&state, &identity, &draft, manager).await {
        Ok(client) => {
            let url = format!("/clients/{}?done=client-done-created", client.id);
            Ok(Redirect::to(&url).into_response())
        }
        Err(error) => rejected(&state, &context, None, form, error).await,
    }
}

/// Shows the edit form of a client.
pub async fn edit(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let client = manageable_client(&state, &identity, path_id(&id)?).await?;
    let form = ClientForm::of(&client);
    show(&state, &context, Some(client.id), form, Outcome::default()).await
}

/// Saves the edit form if the card's `version` is still current.
pub async fn update(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Path(id): Path<String>,
    Form(form): Form<ClientForm>,
) -> AppResult<Response> {
    let client = manageable_client(&state, &identity, path_id(&id)?).await?;
    let Ok(version) = form.version.trim().parse::<i64>() else {
        let invalid =
            domain::Invalid::new("version", "client-version-invalid").arg("value", &form.version);
        return invalid_one(&state, &context, Some(client.id), form, invalid).await;
    };
    let draft = match ClientDraft::check(&form.input()) {
        Ok(draft) => draft,
        Err(found) => return invalid(&state, &context, Some(client.id), form, found).await,
    };
    let manager = Some(form.manager.as_str());
    match access::update(&state, &identity, client.id, version, &draft, manager).await {
        Ok(saved) => {
            let url = format!("/clients/{}?done=client-done-saved", saved.id);
            Ok(Redirect::to(&url).into_response())
        }
        Err(error) => rejected(&state, &context, Some(client.id), form, error).await,
    }
}

/// Query of the live phone check.
#[derive(Debug, Deserialize)]
pub struct PhoneQuery {
    #[serde(default)]
    phone: String,
    /// The client being edited, whose own phone is no duplicate.
    #[serde(default)]
    except: String,
}

/// Returns the warning fragment about other clients with the typed phone; empty when none
/// or when the phone does not parse (the save reports that).
pub async fn phone_check(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Query(query): Query<PhoneQuery>,
) -> AppResult<Response> {
    authorize(&identity, Action::ReadClient, Object::System)?;
    if identity.actor.role.is_client() {
        return Err(AppError::not_found());
    }
    let except = query.except.trim().parse::<i64>().unwrap_or(0);
    let duplicates = match Phone::parse("phone", &query.phone) {
        Ok(phone) => clients::phone_matches(&state.db, &[phone.e164], except).await?,
        Err(_) => Vec::new(),
    };
    let page = Page::new(&state, &context, "clients-title");
    render(&PhoneWarning { page, duplicates })
}

/// The errors and status of a rejected save, shown beside the form's values.
#[derive(Default)]
struct Outcome {
    errors: Option<FieldErrors>,
    conflict: bool,
    status: Option<StatusCode>,
}

async fn invalid(
    state: &AppState,
    context: &Context,
    id: Option<i64>,
    form: ClientForm,
    found: Vec<domain::Invalid>,
) -> AppResult<Response> {
    let mut errors = FieldErrors::new(FIELDS);
    for invalid in found {
        errors.add(&state.i18n, context.lang, invalid);
    }
    let outcome = Outcome {
        errors: Some(errors),
        status: Some(StatusCode::UNPROCESSABLE_ENTITY),
        ..Outcome::default()
    };
    show(state, context, id, form, outcome).await
}

async fn invalid_one(
    state: &AppState,
    context: &Context,
    id: Option<i64>,
    form: ClientForm,
    found: domain::Invalid,
) -> AppResult<Response> {
    invalid(state, context, id, form, vec![found]).await
}

/// Shows the form again for a rejected save: a bad value, a duplicate or a conflict.
async fn rejected(
    state: &AppState,
    context: &Context,
    id: Option<i64>,
    form: ClientForm,
    error: AppError,
) -> AppResult<Response> {
    let AppError::Problem(problem) = error else {
        return Err(error);
    };
    if !problem.status.is_client_error() {
        return Err(AppError::Problem(problem));
    }
    // The form keeps the version the edit was based on, so saving again conflicts again
    // until the user reopens the current record.
    let conflict = problem.code == "conflict";
    let mut errors = FieldErrors::new(FIELDS);
    errors.add_problem(&state.i18n, context.lang, &problem);
    let outcome = Outcome {
        errors: Some(errors),
        conflict,
        status: Some(problem.status),
    };
    show(state, context, id, form, outcome).await
}

async fn show(
    state: &AppState,
    context: &Context,
    id: Option<i64>,
    form: ClientForm,
    outcome: Outcome,
) -> AppResult<Response> {
    let title = if id.is_some() {
        "client-edit-title"
    } else {
        "client-new-title"
    };
    let page = Page::new(state, context, title);
    let kinds = ClientKind::names();
    let duplicates = match Phone::parse("phone", &form.phone) {
        Ok(phone) => clients::phone_matches(&state.db, &[phone.e164], id.unwrap_or(0)).await?,
        Err(_) => Vec::new(),
    };
    let managers = manager_choices(state, &page, &form.manager).await?;
    let html = render(&FormPage {
        action: match id {
            Some(id) => format!("/clients/{id}/edit"),
            None => "/clients/new".into(),
        },
        kinds: page.choices("client-kind", &kinds, &[form.kind.as_str()]),
        statuses: page.choices(
            "client-status",
            &ClientStatus::names(),
            &[form.status.as_str()],
        ),
        managers,
        errors: outcome.errors.unwrap_or_else(|| FieldErrors::new(FIELDS)),
        conflict: outcome.conflict,
        duplicates,
        id,
        form,
        page,
    })?;
    Ok((outcome.status.unwrap_or(StatusCode::OK), html).into_response())
}

/// Active staff users who may manage a client, with "nobody" first.
async fn manager_choices(state: &AppState, page: &Page, selected: &str) -> AppResult<Vec<Choice>> {
    let mut choices = vec![Choice::new(
        "",
        page.t("client-manager-none"),
        selected.is_empty(),
    )];
    for user in users::list(&state.db).await? {
        if user.disabled || user.role().is_client() {
            continue;
        }
        let label = format!("{} ({})", user.display_name, user.login);
        let chosen = user.login == selected;
        choices.push(Choice::new(user.login, label, chosen));
    }
    Ok(choices)
}
