//! The page behind an invitation link (`/set-password/{token}`): an invited user chooses
//! their first password. The link works once and for 72 hours; the store keeps only the
//! SHA-256 of its secret.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::Invalid;
use domain::identity::check_password;
use serde::Deserialize;
use store::identity::password_links;

use crate::context::Context;
use crate::error::{AppError, AppResult};
use crate::form::Form;
use crate::identity::password;
use crate::pages::{FieldErrors, Page, render};
use crate::state::AppState;

const FIELDS: &[&str] = &["password", "confirmation"];

#[derive(Template)]
#[template(path = "portal/set_password.html")]
struct SetPasswordPage {
    page: Page,
    state: LinkState,
    /// The login of the link's user, to show whom the password is for.
    login: String,
    errors: FieldErrors,
}

#[derive(PartialEq)]
enum LinkState {
    /// The link works: show the form.
    Open,
    /// The password was set just now.
    Done,
    /// The link is unknown, used, expired or its user is disabled.
    Invalid,
}

/// The form of the set-password page.
#[derive(Deserialize)]
pub struct PasswordForm {
    password: String,
    confirmation: String,
}

/// Shows the set-password form, or a notice that the link does not work.
pub async fn form(
    State(state): State<AppState>,
    context: Context,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let found = password_links::find_valid(
        &state.db,
        &password::secret_hash(&token),
        domain::time::now(),
    )
    .await?;
    let Some(user) = found else {
        return show(&state, &context, LinkState::Invalid, String::new(), None);
    };
    show(&state, &context, LinkState::Open, user.login, None)
}

/// Sets the password and uses the link up.
pub async fn submit(
    State(state): State<AppState>,
    context: Context,
    Path(token): Path<String>,
    Form(form): Form<PasswordForm>,
) -> AppResult<Response> {
    let token_hash = password::secret_hash(&token);
    let now = domain::time::now();
    let Some(user) = password_links::find_valid(&state.db, &token_hash, now).await? else {
        return show(&state, &context, LinkState::Invalid, String::new(), None);
    };
    if let Err(invalid) = check_new_password(&form) {
        return show(&state, &context, LinkState::Open, user.login, Some(invalid));
    }
    let hash = password::hash_off_thread(form.password).await?;
    match password_links::redeem(&state.db, &token_hash, &hash, now).await {
        Ok(user) => {
            tracing::info!(user_id = user.id, "password set by link");
            show(&state, &context, LinkState::Done, user.login, None)
        }
        // Another request used the link between the check above and this one.
        Err(store::Error::Domain(domain::Error::NotFound)) => {
            show(&state, &context, LinkState::Invalid, String::new(), None)
        }
        Err(error) => Err(AppError::from(error)),
    }
}

fn check_new_password(form: &PasswordForm) -> Result<(), Invalid> {
    check_password(&form.password)?;
    if form.password != form.confirmation {
        return Err(Invalid::new(
            "confirmation",
            "portal-error-password-mismatch",
        ));
    }
    Ok(())
}

fn show(
    state: &AppState,
    context: &Context,
    link: LinkState,
    login: String,
    invalid: Option<Invalid>,
) -> AppResult<Response> {
    let mut errors = FieldErrors::new(FIELDS);
    let status = match (&link, invalid) {
        (LinkState::Invalid, _) => StatusCode::NOT_FOUND,
        (_, Some(invalid)) => {
            errors.add(&state.i18n, context.lang, invalid);
            StatusCode::UNPROCESSABLE_ENTITY
        }
        _ => StatusCode::OK,
    };
    let html = render(&SetPasswordPage {
        page: Page::new(state, context, "portal-set-password-title"),
        state: link,
        login,
        errors,
    })?;
    Ok((status, html).into_response())
}
