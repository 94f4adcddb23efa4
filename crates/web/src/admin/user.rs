//! One user's administration page (`/admin/users/{id}`): edit with optimistic `version`,
//! disable or enable, reset the password, and manage the user's API tokens.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::Invalid;
use domain::identity::{Action, Role};
use serde::Deserialize;
use store::identity::User;
use store::identity::users::{self, UserChange};

use super::form::{self, UserForm, UserInput};
use super::require;
use crate::api::tickets::path_id;
use crate::context::{Auth, Context, Identity};
use crate::error::{AppError, AppResult};
use crate::form::Form;
use crate::identity::api_tokens::{self, TokenView};
use crate::identity::password;
use crate::pages::{DoneQuery, FieldErrors, Page, Params, render};
use crate::query::Query;
use crate::servicedesk::access;
use crate::state::AppState;

/// Notices a redirect to the user page may ask for with `?done=KEY`.
const DONE_KEYS: &[&str] = &["admin-done-user-saved", "profile-done-token-revoked"];

#[derive(Template)]
#[template(path = "admin/user.html")]
struct UserPage {
    page: Page,
    id: i64,
    form: UserForm,
    errors: FieldErrors,
    /// Whether the form failed because someone else saved the user first.
    conflict: bool,
    tokens: Vec<TokenView>,
    token_base: String,
    /// A secret to show once: `(label, secret)` for a new password or token.
    secret: Option<(String, String)>,
}

/// Page content besides the user: a notice, errors or a secret shown once.
#[derive(Default)]
struct Extras {
    notice: Option<&'static str>,
    input: Option<UserInput>,
    errors: Option<FieldErrors>,
    conflict: bool,
    secret: Option<(String, String)>,
}

/// Shows one user with the edit form and their tokens.
pub async fn show(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Path(id): Path<String>,
    Query(query): Query<DoneQuery>,
) -> AppResult<Response> {
    require(&identity, Action::ManageUsers)?;
    let user = load(&state, &id).await?;
    let extras = Extras {
        notice: query.notice(DONE_KEYS),
        ..Extras::default()
    };
    page(&state, &context, &user, extras, StatusCode::OK).await
}

async fn load(state: &AppState, id: &str) -> AppResult<User> {
    users::get(&state.db, path_id(id)?)
        .await?
        .ok_or_else(AppError::not_found)
}

async fn page(
    state: &AppState,
    context: &Context,
    user: &User,
    extras: Extras,
    status: StatusCode,
) -> AppResult<Response> {
    let mut page = Page::new(state, context, "admin-user-title").with_notice(extras.notice);
    page.title = format!("{} · {}", page.title, user.login);
    let input = match extras.input {
        Some(input) => input,
        None => UserInput::of(user, users::queues_of(&state.db, user.id).await?),
    };
    let form = UserForm::new(state, &page, input, &form::roles_like(user.role())).await?;
    let html = render(&UserPage {
        id: user.id,
        tokens: api_tokens::list(state, &page, user.id).await?,
        token_base: format!("/admin/users/{}/tokens", user.id),
        form,
        errors: extras
            .errors
            .unwrap_or_else(|| FieldErrors::new(form::FIELDS)),
        conflict: extras.conflict,
        secret: extras.secret,
        page,
    })?;
    Ok((status, html).into_response())
}

/// Saves the edit form if the user's `version` is still current.
pub async fn update(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    require(&identity, Action::ManageUsers)?;
    let user = load(&state, &id).await?;
    let mut input = UserInput::read(&Params::new("", &pairs));
    input.login = user.login.clone();
    match save(&state, &identity, &user, &input).await {
        Ok(()) => {
            let url = format!("/admin/users/{}?done=admin-done-user-saved", user.id);
            Ok(Redirect::to(&url).into_response())
        }
        Err(AppError::Problem(problem)) if problem.status.is_client_error() => {
            let mut errors = FieldErrors::new(form::FIELDS);
            errors.add_problem(&state.i18n, context.lang, &problem);
            let extras = Extras {
                conflict: problem.code == "conflict",
                input: Some(input),
                errors: Some(errors),
                ..Extras::default()
            };
            // Show the stored user after a conflict, so the form carries the new version.
            let user = load(&state, &id).await?;
            page(&state, &context, &user, extras, problem.status).await
        }
        Err(error) => Err(error),
    }
}

async fn save(
    state: &AppState,
    identity: &Identity,
    user: &User,
    input: &UserInput,
) -> AppResult<()> {
    let version: i64 = input.version.parse().map_err(|_| {
        Invalid::new("version", "ticket-version-invalid").arg("value", &input.version)
    })?;
    let checked = form::check(state, input).await?;
    if user.id == identity.user.id && (input.disabled || checked.role != Role::Admin) {
        return Err(Invalid::new("role", "admin-error-self").into());
    }
    let change = UserChange {
        display_name: Some(input.display_name.clone()),
        email: Some(checked.email.clone()),
        role: Some(checked.role),
        disabled: Some(input.disabled),
        ..UserChange::default()
    };
    let author = access::author(identity);
    let now = domain::time::now();
    users::update_with_queues(
        &state.db,
        user.id,
        Some(version),
        &change,
        Some(&checked.queues),
        &author,
        now,
    )
    .await?;
    tracing::info!(user_id = user.id, disabled = input.disabled, "user changed");
    Ok(())
}

/// Gives the user a new generated password, shown once; their sessions end.
pub async fn reset_password(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Path(id): Path<String>,
) -> AppResult<Response> {
    require(&identity, Action::ManageUsers)?;
    let user = load(&state, &id).await?;
    let generated = password::generate_password();
    let change = UserChange {
        password_hash: Some(password::hash_off_thread(generated.clone()).await?),
        ..UserChange::default()
    };
    let author = access::author(&identity);
    users::update(
        &state.db,
        user.id,
        None,
        &change,
        &author,
        domain::time::now(),
    )
    .await?;
    tracing::info!(user_id = user.id, "password reset by an administrator");

    let page_label = state
        .i18n
        .format(context.lang, "admin-password-generated", &[]);
    let extras = Extras {
        secret: Some((page_label, generated)),
        ..Extras::default()
    };
    let user = load(&state, &id).await?;
    page(&state, &context, &user, extras, StatusCode::OK).await
}

/// Fields of the token form.
#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
}

/// Issues an API token for the user and shows its secret once.
pub async fn create_token(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Path(id): Path<String>,
    Form(token): Form<TokenForm>,
) -> AppResult<Response> {
    require(&identity, Action::ManageUsers)?;
    let user = load(&state, &id).await?;
    let author = access::author(&identity);
    let extras = match api_tokens::issue(&state, user.id, &token.name, &author).await {
        Ok(issued) => Extras {
            secret: Some((
                page_token_label(&state, &context, &issued.name),
                issued.secret,
            )),
            ..Extras::default()
        },
        Err(AppError::Problem(problem)) if problem.status.is_client_error() => {
            let mut errors = FieldErrors::new(&["name"]);
            errors.add_problem(&state.i18n, context.lang, &problem);
            Extras {
                errors: Some(errors),
                ..Extras::default()
            }
        }
        Err(error) => return Err(error),
    };
    page(&state, &context, &user, extras, StatusCode::OK).await
}

fn page_token_label(state: &AppState, context: &Context, name: &str) -> String {
    let args = [("name", crate::i18n::Arg::from(name))];
    state.i18n.format(context.lang, "token-issued", &args)
}

/// Revokes one of the user's tokens; a token of another user is a 404.
pub async fn revoke_token(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Path((id, token)): Path<(String, String)>,
) -> AppResult<Response> {
    require(&identity, Action::ManageUsers)?;
    let user = load(&state, &id).await?;
    let author = access::author(&identity);
    if !api_tokens::revoke_own(&state, user.id, path_id(&token)?, &author).await? {
        return Err(AppError::not_found());
    }
    let url = format!("/admin/users/{}?done=profile-done-token-revoked", user.id);
    Ok(Redirect::to(&url).into_response())
}
