//! The login form, logout and the language switch.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Duration;
use serde::Deserialize;
use store::identity::{sessions, users};

use super::password;
use crate::context::{self, Context, Via};
use crate::error::AppResult;
use crate::form::Form;
use crate::i18n::Lang;
use crate::pages::{Page, render};
use crate::query::Query;
use crate::state::AppState;

/// Failed logins allowed per account per hour; further attempts are refused unchecked.
pub const MAX_FAILURES_PER_HOUR: i64 = 100;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    page: Page,
    next: String,
    login: String,
    error: Option<String>,
}

/// Query of the login page: where to go after signing in.
#[derive(Debug, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Shows the login form; a signed-in user goes straight on.
pub async fn form(
    State(state): State<AppState>,
    context: Context,
    Query(query): Query<NextQuery>,
) -> AppResult<Response> {
    let next = safe_next(query.next.as_deref());
    if context.identity.is_some() {
        return Ok(Redirect::to(&next).into_response());
    }
    render(&LoginPage {
        page: Page::new(&state, &context, "login-title"),
        next,
        login: String::new(),
        error: None,
    })
}

/// The login form's fields.
#[derive(Deserialize)]
pub struct LoginForm {
    login: String,
    password: String,
    next: Option<String>,
}

/// Checks the password, replaces any previous session with a new one (new token and new
/// CSRF token) and redirects. After 100 failures in an hour the account refuses logins
/// for the rest of that hour without checking the password.
pub async fn submit(
    State(state): State<AppState>,
    context: Context,
    Form(form): Form<LoginForm>,
) -> AppResult<Response> {
    let now = domain::time::now();
    let login = form.login.trim().to_lowercase();
    let next = safe_next(form.next.as_deref());

    let attempt = reserve_attempt(&state, &login, now).await?;
    let Some(attempt) = attempt else {
        tracing::warn!(login = %login, "login rejected: too many failures");
        let message = state.i18n.format(context.lang, "login-locked", &[]);
        return login_failed(
            &state,
            &context,
            next,
            login,
            message,
            StatusCode::TOO_MANY_REQUESTS,
        );
    };

    let user = users::find_by_login(&state.db, &login).await?;
    let hash = user
        .as_ref()
        .and_then(|u| u.password_hash.clone())
        .unwrap_or_else(|| password::dummy_hash().to_string());
    let matches = password::verify_off_thread(form.password.clone(), hash).await?;
    let user = match user {
        Some(user) if matches && !user.disabled && user.password_hash.is_some() => user,
        _ => {
            // The reserved attempt stays stored as the failure.
            tracing::info!(login = %login, "login failed");
            let message = state.i18n.format(context.lang, "login-failed", &[]);
            return login_failed(
                &state,
                &context,
                next,
                login,
                message,
                StatusCode::UNAUTHORIZED,
            );
        }
    };
    sessions::release_attempt(&state.db, attempt).await?;

    if let Some(identity) = &context.identity
        && let Via::Session { token_hash } = &identity.via
    {
        sessions::delete(&state.db, token_hash).await?;
    }
    let response = start_session(&state, user.id, &next, now).await?;
    tracing::info!(user_id = user.id, "login succeeded");
    Ok(response)
}

/// Reserves one password check for `login` against the limit of failures per hour; `None`
/// when the account is locked. The login form and the password change form share it.
pub async fn reserve_attempt(
    state: &AppState,
    login: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<Option<i64>> {
    let since = now - Duration::hours(1);
    let attempt = sessions::reserve_attempt(&state.db, login, now, since, MAX_FAILURES_PER_HOUR);
    Ok(attempt.await?)
}

/// Stores a new session (new token, new CSRF token) for `user_id` and returns a redirect to
/// `to` that sets its cookie.
pub async fn start_session(
    state: &AppState,
    user_id: i64,
    to: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<Response> {
    let token = password::random_token(32);
    let csrf = password::random_token(32);
    sessions::create(
        &state.db,
        &password::secret_hash(&token),
        user_id,
        &csrf,
        now,
    )
    .await?;
    let secure = state.config.secure_cookies();
    let mut response = Redirect::to(to).into_response();
    context::append_cookie(
        &mut response,
        context::cookie(context::SESSION_COOKIE, token, secure),
    );
    Ok(response)
}

fn login_failed(
    state: &AppState,
    context: &Context,
    next: String,
    login: String,
    message: String,
    status: StatusCode,
) -> AppResult<Response> {
    let page = render(&LoginPage {
        page: Page::new(state, context, "login-title"),
        next,
        login,
        error: Some(message),
    })?;
    Ok((status, page).into_response())
}

/// Ends the session.
pub async fn logout(State(state): State<AppState>, context: Context) -> AppResult<Response> {
    if let Some(identity) = &context.identity
        && let Via::Session { token_hash } = &identity.via
    {
        sessions::delete(&state.db, token_hash).await?;
        tracing::info!(user_id = identity.user.id, "logout");
    }
    let mut response = Redirect::to("/login").into_response();
    context::append_cookie(
        &mut response,
        context::removal(context::SESSION_COOKIE, state.config.secure_cookies()),
    );
    Ok(response)
}

/// The language switch's fields.
#[derive(Deserialize)]
pub struct LanguageForm {
    lang: String,
    next: Option<String>,
}

/// Switches the interface language: stored on the user when signed in, and in a cookie.
pub async fn language(
    State(state): State<AppState>,
    context: Context,
    Form(form): Form<LanguageForm>,
) -> AppResult<Response> {
    let lang = Lang::parse(&form.lang)
        .ok_or_else(|| domain::Invalid::not_one_of("lang", &form.lang, &["ru", "en"]))?;
    if let Some(identity) = &context.identity {
        let change = users::UserChange {
            locale: Some(lang.code().to_string()),
            ..Default::default()
        };
        let author = store::identity::Author::person(identity.user.id, &identity.user.login);
        users::update(
            &state.db,
            identity.user.id,
            None,
            &change,
            &author,
            domain::time::now(),
        )
        .await?;
    }
    let mut response = Redirect::to(&safe_next(form.next.as_deref())).into_response();
    context::append_cookie(
        &mut response,
        context::cookie(
            context::LANG_COOKIE,
            lang.code().to_string(),
            state.config.secure_cookies(),
        ),
    );
    Ok(response)
}

/// Keeps redirects on this site: only local paths like `/tickets?x=1` are followed.
pub fn safe_next(next: Option<&str>) -> String {
    // Browsers drop tabs and line breaks from a URL before reading it, so `/\t/evil` is
    // `//evil` to them; and a line break cannot go into a Location header at all.
    let local = |path: &str| {
        path.starts_with('/')
            && !path.starts_with("//")
            && !path.contains('\\')
            && !path.chars().any(|c| c.is_control() || c.is_whitespace())
    };
    match next {
        Some(path) if local(path) => path.to_string(),
        _ => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_keeps_local_paths() {
        assert_eq!(safe_next(Some("/tickets?page=2")), "/tickets?page=2");
    }

    #[test]
    fn next_rejects_other_sites() {
        assert_eq!(safe_next(Some("https://evil.example/")), "/");
        assert_eq!(safe_next(Some("//evil.example/")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(Some("/\t/evil.example/")), "/");
        assert_eq!(safe_next(Some("/\n/x")), "/");
        assert_eq!(safe_next(Some("/ /evil.example/")), "/");
    }
}
