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
    /// The path with its query string, for the language switch to return to.
    pub path_and_query: String,
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
            path_and_query: context.path_and_query.clone(),
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

    /// Translates a message with two numeric arguments, such as "page 2 of 5".
    pub fn t2(&self, key: &str, first: &str, a: i64, second: &str, b: i64) -> String {
        self.i18n.format(
            self.lang,
            key,
            &[(first, Arg::from(a)), (second, Arg::from(b))],
        )
    }

    /// Translates the name of an enumerated value: the message `{prefix}-{value}`, such as
    /// `ticket-status-in_progress`.
    pub fn label(&self, prefix: &str, value: &str) -> String {
        self.t(&format!("{prefix}-{value}"))
    }

    /// Builds the options of a select over enumerated `values`, named by [`Page::label`].
    pub fn choices(&self, prefix: &str, values: &[&str], selected: &[&str]) -> Vec<Choice> {
        values
            .iter()
            .map(|value| Choice::new(*value, self.label(prefix, value), selected.contains(value)))
            .collect()
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

    /// Formats a calendar date: `05.12.2026` in Russian, `2026-12-05` in English.
    pub fn date(&self, date: &chrono::NaiveDate) -> String {
        match self.lang {
            Lang::Ru => date.format("%d.%m.%Y").to_string(),
            Lang::En => date.format("%Y-%m-%d").to_string(),
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

    /// Returns whether the user administers a client company's users.
    pub fn is_client_admin(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| u.role == Role::ClientAdmin)
    }

    /// Whether the user is staff rather than a client.
    pub fn is_staff(&self) -> bool {
        self.user.as_ref().is_some_and(|u| !u.role.is_client())
    }

    /// Checks, by the one permission check, whether the user may see the inventory.
    pub fn reads_inventory(&self) -> bool {
        use domain::identity::{Action, Actor, Decision, Object, decide};
        self.user.as_ref().is_some_and(|u| {
            let actor = Actor {
                user_id: u.id,
                login: u.login.clone(),
                role: u.role,
                client_id: None,
            };
            decide(&actor, Action::ReadInventory, Object::System) == Decision::Allow
        })
    }

    /// Checks, by the one permission check, whether the user may see the platform-wide
    /// analytics.
    pub fn reads_platform_analytics(&self) -> bool {
        use domain::identity::{Action, Actor, Decision, Object, decide};
        self.user.as_ref().is_some_and(|u| {
            let actor = Actor {
                user_id: u.id,
                login: u.login.clone(),
                role: u.role,
                client_id: None,
            };
            decide(&actor, Action::ReadAnalytics, Object::System) == Decision::Allow
        })
    }

    /// Checks, by the one permission check, whether the user may perform a system-wide
    /// `action`, for showing navigation links.
    pub fn allows(&self, action: domain::identity::Action) -> bool {
        use domain::identity::{Decision, Object, decide};
        self.user.as_ref().is_some_and(|u| {
            let actor = domain::identity::Actor {
                user_id: u.id,
                login: u.login.clone(),
                role: u.role,
                client_id: None,
            };
            decide(&actor, action, Object::System) == Decision::Allow
        })
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
        path_and_query: String::new(),
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

/// One option of a `<select>`, a checkbox group or a radio group.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Choice {
    /// Builds an option from its submitted value and its visible label.
    pub fn new(value: impl Into<String>, label: impl Into<String>, selected: bool) -> Choice {
        Choice {
            value: value.into(),
            label: label.into(),
            selected,
        }
    }
}

/// Messages for the fields of a form that failed validation.
#[derive(Debug, Clone)]
pub struct FieldErrors {
    /// The fields the form shows messages beside; others go above the form.
    fields: &'static [&'static str],
    messages: Vec<(String, String)>,
}

impl FieldErrors {
    /// No errors yet, for a form with `fields`.
    pub fn new(fields: &'static [&'static str]) -> FieldErrors {
        FieldErrors {
            fields,
            messages: Vec::new(),
        }
    }

    /// Words `invalid` in `lang` and files it under its field.
    pub fn add(&mut self, i18n: &I18n, lang: Lang, invalid: domain::Invalid) {
        if let crate::error::AppError::Problem(problem) = crate::error::AppError::from(invalid) {
            self.add_problem(i18n, lang, &problem);
        }
    }

    /// Words a rejected request in `lang` and files it under the field at fault, if any.
    pub fn add_problem(&mut self, i18n: &I18n, lang: Lang, problem: &crate::error::Problem) {
        let field = problem.field.clone().unwrap_or_default();
        self.messages
            .push((field, problem_message(i18n, lang, problem)));
    }

    /// Returns the message for `field`, if it is at fault.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.messages
            .iter()
            .find(|(name, _)| name == field)
            .map(|(_, message)| message.as_str())
    }

    /// Returns a message about a field the form does not show, to put above the form.
    pub fn other(&self) -> Option<&str> {
        self.messages
            .iter()
            .find(|(name, _)| !self.fields.contains(&name.as_str()))
            .map(|(_, message)| message.as_str())
    }

    /// Returns whether no field is at fault.
    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
    }
}

/// The query of a page that a form redirects back to: `?done=KEY` names a notice to show.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct DoneQuery {
    pub done: Option<String>,
}

impl DoneQuery {
    /// Returns the notice to show when its key is in `allowed`, as [`done_notice`] does.
    pub fn notice(&self, allowed: &[&'static str]) -> Option<&'static str> {
        done_notice(self.done.as_deref(), allowed)
    }
}

/// Returns the notice named by a `?done=KEY` query when KEY is in `allowed`, so a crafted
/// link cannot make a page show an arbitrary message.
pub fn done_notice(done: Option<&str>, allowed: &[&'static str]) -> Option<&'static str> {
    let done = done?;
    allowed.iter().copied().find(|key| *key == done)
}

/// Formats a problem's message in `lang`, the way the error middleware words it.
pub fn problem_message(i18n: &I18n, lang: Lang, problem: &crate::error::Problem) -> String {
    let args: Vec<(&str, Arg)> = problem
        .args
        .iter()
        .map(|(name, value)| (*name, Arg::Text(value.clone())))
        .collect();
    i18n.format(lang, problem.key, &args)
}

/// Words a domain note (a remark that is not an error) in `lang`.
pub fn note_message(i18n: &I18n, lang: Lang, note: &domain::infra::Note) -> String {
    let args: Vec<(&str, Arg)> = note
        .args
        .iter()
        .map(|(name, value)| (*name, Arg::Text(value.clone())))
        .collect();
    i18n.format(lang, note.key, &args)
}

/// Paging of a list: the 1-based page number, the page size and the number of matches.
#[derive(Debug, Clone, Copy)]
pub struct Pager {
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
}

impl Pager {
    /// Reads a `page` parameter; anything but a positive number is the first page.
    pub fn new(page: Option<&str>, per_page: i64) -> Pager {
        let page = page
            .and_then(|p| p.trim().parse::<i64>().ok())
            .filter(|p| *p >= 1)
            .unwrap_or(1);
        Pager {
            page,
            per_page,
            total: 0,
        }
    }

    /// Rows to skip before this page.
    pub fn offset(&self) -> i64 {
        (self.page - 1).saturating_mul(self.per_page)
    }

    /// Returns the number of pages, at least 1.
    pub fn pages(&self) -> i64 {
        ((self.total + self.per_page - 1) / self.per_page.max(1)).max(1)
    }

    /// Returns whether a page comes before this one.
    pub fn has_prev(&self) -> bool {
        self.page > 1
    }

    /// Returns whether a page comes after this one.
    pub fn has_next(&self) -> bool {
        self.page < self.pages()
    }
}

/// The parameters of a request, from its query or its form body, with repeated keys kept.
/// List pages also build links from it that change one parameter and keep the others.
#[derive(Debug, Clone, Default)]
pub struct Params {
    path: String,
    pairs: Vec<(String, String)>,
}

impl Params {
    /// Keeps the non-empty parameters of a request to `path`; an empty field counts as absent.
    pub fn new(path: &str, pairs: &[(String, String)]) -> Params {
        Params {
            path: path.to_string(),
            pairs: pairs
                .iter()
                .filter(|(_, value)| !value.trim().is_empty())
                .cloned()
                .collect(),
        }
    }

    /// Returns the last value of `key`, if present.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value.as_str())
    }

    /// Returns every value of a repeated `key`.
    pub fn all(&self, key: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(name, _)| name == key)
            .map(|(_, value)| value.as_str())
            .collect()
    }

    /// This page's URL with `key` set to `value`. Any change but the page itself starts
    /// again at page 1, because the old page number means nothing under new filters.
    pub fn with(&self, key: &str, value: &str) -> String {
        let mut pairs: Vec<(String, String)> = self
            .pairs
            .iter()
            .filter(|(name, _)| name != key && (key == "page" || name != "page"))
            .cloned()
            .collect();
        pairs.push((key.to_string(), value.to_string()));
        Self::url_of(&self.path, &pairs)
    }

    /// This page's URL with its parameters.
    pub fn url(&self) -> String {
        Self::url_of(&self.path, &self.pairs)
    }

    fn url_of(path: &str, pairs: &[(String, String)]) -> String {
        if pairs.is_empty() {
            return path.to_string();
        }
        let query: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        format!("{path}?{query}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn params_with_resets_page() {
        let query = Params::new("/tickets", &pairs(&[("page", "3"), ("q", "ёж")]));
        assert_eq!(
            query.with("sort", "-priority"),
            "/tickets?q=%D1%91%D0%B6&sort=-priority"
        );
        assert_eq!(query.with("page", "4"), "/tickets?q=%D1%91%D0%B6&page=4");
    }

    #[test]
    fn params_keep_repeated_keys() {
        let query = Params::new(
            "/tickets",
            &pairs(&[("status", "new"), ("status", "pending"), ("queue", "")]),
        );
        assert_eq!(query.all("status"), vec!["new", "pending"]);
        assert_eq!(query.get("queue"), None);
    }

    #[test]
    fn pager_counts_pages() {
        let mut pager = Pager::new(Some("2"), 25);
        pager.total = 51;
        assert_eq!(pager.pages(), 3);
        assert_eq!(pager.offset(), 25);
        assert!(pager.has_prev());
        assert!(pager.has_next());
        assert_eq!(Pager::new(Some("-1"), 25).page, 1);
    }

    #[test]
    fn done_notice_allows_listed_keys_only() {
        assert_eq!(done_notice(Some("a"), &["a"]), Some("a"));
        assert_eq!(done_notice(Some("error-internal"), &["a"]), None);
    }
}
