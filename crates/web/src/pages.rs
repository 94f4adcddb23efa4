//! What every HTML page shares: the layout's context, formatting helpers, and the error page.

use std::fmt::Display;
use std::sync::Arc;

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use domain::identity::Role;

use crate::context::Context;
use crate::error::{AppError, AppResult};
use crate::i18n::{Arg, I18n, Lang};
use crate::state::AppState;

/// The signed-in user as the layout shows them.
#[derive(Debug, Clone)]
pub struct UserView {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub role: Role,
}

/// The layout's context: language, translations, CSRF token, user and page title.
#[derive(Debug, Clone)]
pub struct Page {
    pub lang: Lang,
    pub i18n: Arc<I18n>,
    pub csrf: String,
    pub user: Option<UserView>,
    pub path: String,
    pub title: String,
    pub zone: Tz,
    /// A confirmation to show once, as a Fluent message id from an allow-list.
    pub notice: Option<String>,
}

impl Page {
    /// Builds the context for a page titled by the Fluent message `title_key`.
    pub fn new(state: &AppState, context: &Context, title_key: &str) -> Page {
        Page {
            lang: context.lang,
            i18n: state.i18n.clone(),
            csrf: context.csrf.clone(),
            user: context.identity.as_ref().map(|identity| UserView {
                id: identity.user.id,
                login: identity.user.login.clone(),
                display_name: identity.user.display_name.clone(),
                role: identity.actor.role,
            }),
            path: context.path.clone(),
            title: state.i18n.format(context.lang, title_key, &[]),
            zone: state.config.display_zone,
            notice: None,
        }
    }

    /// Shows a confirmation message (a Fluent id) on this page.
    pub fn with_notice(mut self, key: Option<&str>) -> Page {
        self.notice = key.map(str::to_string);
        self
    }

    /// The `lang` attribute of `<html>`.
    pub fn lang_code(&self) -> &'static str {
        self.lang.code()
    }

    /// Translates a message without arguments.
    pub fn t(&self, key: &str) -> String {
        self.i18n.format(self.lang, key, &[])
    }

    /// Translates a message with one text argument.
    pub fn t1(&self, key: &str, name: &str, value: impl Display) -> String {
        self.i18n
            .format(self.lang, key, &[(name, Arg::Text(value.to_string()))])
    }

    /// Translates a message with one numeric argument, which selects plural forms.
    pub fn tn(&self, key: &str, name: &str, value: i64) -> String {
        self.i18n
            .format(self.lang, key, &[(name, Arg::from(value))])
    }

    /// Formats an instant in the display zone: `04.12.2026 19:19` in Russian,
    /// `2026-12-04 19:19` in English.
    pub fn datetime(&self, instant: &DateTime<Utc>) -> String {
        let local = instant.with_timezone(&self.zone);
        match self.lang {
            Lang::Ru => local.format("%d.%m.%Y %H:%M").to_string(),
            Lang::En => local.format("%Y-%m-%d %H:%M").to_string(),
        }
    }

    /// Formats an optional instant; `—` when absent.
    pub fn datetime_opt(&self, instant: &Option<DateTime<Utc>>) -> String {
        instant
            .as_ref()
            .map(|i| self.datetime(i))
            .unwrap_or_else(|| "—".into())
    }

    /// Whether the user is an administrator.
    pub fn is_admin(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.role == Role::Admin)
    }

    /// Whether the user is staff rather than a client.
    pub fn is_staff(&self) -> bool {
        self.user.as_ref().is_some_and(|u| !u.role.is_client())
    }

    /// The class that marks the navigation link for `prefix` as current.
    pub fn nav_class(&self, prefix: &str) -> &'static str {
        if self.path == prefix || (prefix != "/" && self.path.starts_with(prefix)) {
            "nav-link active"
        } else {
            "nav-link"
        }
    }
}

/// Renders a template into an HTML response.
pub fn render(template: &impl Template) -> AppResult<Response> {
    let html = template
        .render()
        .map_err(|e| AppError::Internal(format!("template failed: {e}")))?;
    Ok(Html(html).into_response())
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    page: Page,
    status: u16,
    message: &'a str,
}

/// A full error page; the layout shows no user menu, since the failure may be the session.
pub fn error_page(state: &AppState, lang: Lang, status: StatusCode, message: &str) -> Response {
    let page = Page {
        lang,
        i18n: state.i18n.clone(),
        csrf: String::new(),
        user: None,
        path: String::new(),
        title: state.i18n.format(lang, "error-page-title", &[]),
        zone: state.config.display_zone,
        notice: None,
    };
    let template = ErrorPage {
        page,
        status: status.as_u16(),
        message,
    };
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(error) => {
            tracing::error!(%error, "error page failed to render");
            (status, message.to_string()).into_response()
        }
    }
}

#[derive(Template)]
#[template(
    source = r#"<div class="alert alert-danger alert-dismissible" role="alert">{{ message }}<button type="button" class="btn-close" data-bs-dismiss="alert"></button></div>"#,
    ext = "html"
)]
struct Alert<'a> {
    message: &'a str,
}

/// An alert fragment that htmx swaps into `#flash`.
pub fn alert_fragment(message: &str) -> Html<String> {
    Html(Alert { message }.render().unwrap_or_default())
}

/// Percent-encodes a value for a query string.
pub fn encode_query(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}
