//! The user's own profile (`/profile`): language, password and API tokens.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::Invalid;
use serde::Deserialize;
use store::identity::{sessions, users};

use super::api_tokens::{self, Issued, TokenView};
use super::login::start_session;
use super::password;
use crate::context::{Auth, Context, Identity};
use crate::error::{AppError, AppResult};
use crate::form::Form;
use crate::pages::{Choice, DoneQuery, FieldErrors, Page, render};
use crate::query::Query;
use crate::servicedesk::access;
use crate::state::AppState;

/// Notices a redirect back to the profile may ask for with `?done=KEY`.
const DONE_KEYS: &[&str] = &["profile-done-password", "profile-done-token-revoked"];
/// Fields of the password form.
const PASSWORD_FIELDS: [&str; 3] = ["current_password", "password", "confirm_password"];

/// Routes of the profile page.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/profile", get(show))
        .route("/profile/password", post(change_password))
        .route("/profile/tokens", post(create_token))
        .route("/profile/tokens/{id}/revoke", post(revoke_token))
}

#[derive(Template)]
#[template(path = "profile.html")]
struct ProfilePage {
    page: Page,
    login: String,
    display_name: String,
    email: String,
    role: String,
    languages: Vec<Choice>,
    tokens: Vec<TokenView>,
    issued: Option<Issued>,
    errors: FieldErrors,
}

/// Shows the profile.
pub async fn show(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Query(query): Query<DoneQuery>,
) -> AppResult<Response> {
    let notice = query.notice(DONE_KEYS);
    let errors = FieldErrors::new(&PASSWORD_FIELDS);
    profile(&state, &context, &identity, notice, None, errors).await
}

async fn profile(
    state: &AppState,
    context: &Context,
    identity: &Identity,
    notice: Option<&str>,
    issued: Option<Issued>,
    errors: FieldErrors,
) -> AppResult<Response> {
    let page = Page::new(state, context, "profile-title").with_notice(notice);
    let user = &identity.user;
    let languages = vec![
        Choice::new("ru", "Русский", page.lang_code() == "ru"),
        Choice::new("en", "English", page.lang_code() == "en"),
    ];
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let html = render(&ProfilePage {
        tokens: api_tokens::list(state, &page, user.id).await?,
        login: user.login.clone(),
        display_name: user.display_name.clone(),
        email: user.email.clone().unwrap_or_default(),
        role: page.label("role", identity.actor.role.as_ref()),
        languages,
        issued,
        errors,
        page,
    })?;
    Ok((status, html).into_response())
}

/// Fields of the password form.
#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm_password: String,
}

/// Changes the user's password. The store ends every session of the user, so the user is
/// signed in again here with a fresh session. A wrong current password counts as a failed
/// login, so this form cannot be used to guess passwords past the login limit.
pub async fn change_password(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Form(form): Form<PasswordForm>,
) -> AppResult<Response> {
    let now = domain::time::now();
    let login = identity.user.login.clone();
    let attempt = super::login::reserve_attempt(&state, &login, now).await?;
    let Some(attempt) = attempt else {
        tracing::warn!(
            user_id = identity.user.id,
            "password change rejected: too many failures"
        );
        return locked(&state, &context, &identity).await;
    };

    let stored = identity.user.password_hash.clone().unwrap_or_default();
    let matches = password::verify_off_thread(form.current_password.clone(), stored).await?;
    if matches {
        sessions::release_attempt(&state.db, attempt).await?;
    }
    if let Err(invalid) = check_new_password(matches, &form) {
        let mut errors = FieldErrors::new(&PASSWORD_FIELDS);
        errors.add(&state.i18n, context.lang, invalid);
        return profile(&state, &context, &identity, None, None, errors).await;
    }

    let hash = password::hash_off_thread(form.password.clone()).await?;
    let change = users::UserChange {
        password_hash: Some(hash),
        ..Default::default()
    };
    let author = access::author(&identity);
    users::update(&state.db, identity.user.id, None, &change, &author, now).await?;
    tracing::info!(
        user_id = identity.user.id,
        "password changed; other sessions ended"
    );
    start_session(
        &state,
        identity.user.id,
        "/profile?done=profile-done-password",
        now,
    )
    .await
}

/// Shows the profile with the lockout message and status 429, as the login form does.
async fn locked(state: &AppState, context: &Context, identity: &Identity) -> AppResult<Response> {
    let mut errors = FieldErrors::new(&PASSWORD_FIELDS);
    errors.add(
        &state.i18n,
        context.lang,
        Invalid::new("current_password", "login-locked"),
    );
    let page = profile(state, context, identity, None, None, errors).await?;
    Ok((StatusCode::TOO_MANY_REQUESTS, page).into_response())
}

fn check_new_password(current_matches: bool, form: &PasswordForm) -> Result<(), Invalid> {
    if !current_matches {
        return Err(Invalid::new("current_password", "profile-password-wrong"));
    }
    domain::identity::check_password(&form.password)?;
    if form.password != form.confirm_password {
        return Err(Invalid::new(
            "confirm_password",
            "profile-password-mismatch",
        ));
    }
    Ok(())
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
    Form(form): Form<TokenForm>,
) -> AppResult<Response> {
    let author = access::author(&identity);
    let issued = match api_tokens::issue(&state, identity.user.id, &form.name, &author).await {
        Ok(issued) => issued,
        Err(AppError::Problem(problem)) if problem.field.as_deref() == Some("name") => {
            let mut errors = FieldErrors::new(&["name"]);
            errors.add(&state.i18n, context.lang, Invalid::missing("name"));
            return profile(&state, &context, &identity, None, None, errors).await;
        }
        Err(error) => return Err(error),
    };
    profile(
        &state,
        &context,
        &identity,
        None,
        Some(issued),
        FieldErrors::new(&[]),
    )
    .await
}

/// Revokes one of the user's own tokens; another user's token is a 404.
pub async fn revoke_token(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let token_id = crate::api::tickets::path_id(&id)?;
    let author = access::author(&identity);
    if !api_tokens::revoke_own(&state, identity.user.id, token_id, &author).await? {
        return Err(AppError::not_found());
    }
    Ok(Redirect::to("/profile?done=profile-done-token-revoked").into_response())
}
