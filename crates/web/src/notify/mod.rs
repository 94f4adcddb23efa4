//! Notification pages: the signed-in staff member's in-app notifications
//! (`/notifications`), the unread count in the header, the mail outbox for administrators
//! (`/admin/mail`), and the SLA report (`/reports/sla`).

mod reports;

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::identity::{Action, Object};
use store::notify::{inbox, mail};

use crate::context::{Auth, Context, Identity};
use crate::error::{AppError, AppResult};
use crate::i18n::Arg;
use crate::pages::{Page, render};
use crate::servicedesk::access::authorize;
use crate::state::AppState;

/// Notifications the page lists, newest first.
const SHOWN: i64 = 100;
/// Outbox rows the admin page lists, newest first.
const OUTBOX_SHOWN: i64 = 200;

/// Routes of the notification pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/notifications", get(list))
        .route("/notifications/count", get(count))
        .route("/notifications/read", post(mark_all_read))
        .route("/notifications/{id}/read", post(mark_read))
        .route("/admin/mail", get(outbox))
        .route("/reports/sla", get(reports::show))
}

fn require(identity: &Identity) -> AppResult<()> {
    authorize(identity, Action::ReadNotifications, Object::System)
}

#[derive(Template)]
#[template(path = "notify/list.html")]
struct ListPage {
    page: Page,
    notifications: Vec<NotificationView>,
    unread: usize,
}

struct NotificationView {
    id: i64,
    created: String,
    text: String,
    ticket_id: Option<i64>,
    read: bool,
}

/// Lists the user's notifications, newest first.
pub async fn list(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
) -> AppResult<Response> {
    require(&identity)?;
    let page = Page::new(&state, &context, "notifications-title");
    let stored = inbox::list(&state.db, identity.user.id, SHOWN).await?;
    let notifications: Vec<NotificationView> = stored
        .into_iter()
        .map(|notification| NotificationView {
            id: notification.id,
            created: page.datetime(&notification.created_at),
            text: describe(&state, &context, &notification),
            ticket_id: notification.ticket_id,
            read: notification.read_at.is_some(),
        })
        .collect();
    let unread = notifications.iter().filter(|n| !n.read).count();
    render(&ListPage {
        page,
        notifications,
        unread,
    })
}

/// Words a notification with the message `notification-<kind>` and its stored arguments.
fn describe(state: &AppState, context: &Context, notification: &inbox::Notification) -> String {
    let mut args: Vec<(String, Arg)> = Vec::new();
    if let Some(fields) = notification.params.as_object() {
        for (name, value) in fields {
            match value {
                serde_json::Value::String(text) => {
                    args.push((name.clone(), Arg::from(text.as_str())))
                }
                serde_json::Value::Number(number) => {
                    args.push((name.clone(), Arg::from(number.to_string())))
                }
                _ => {}
            }
        }
    }
    let args: Vec<(&str, Arg)> = args
        .iter()
        .map(|(name, arg)| (name.as_str(), arg.clone()))
        .collect();
    let key = format!("notification-{}", notification.kind.as_str());
    state.i18n.format(context.lang, &key, &args)
}

/// Returns the unread count as a header badge fragment; empty when nothing is unread or the
/// user has no notifications page.
pub async fn count(State(state): State<AppState>, Auth(identity): Auth) -> AppResult<Response> {
    if require(&identity).is_err() {
        return Ok(Html(String::new()).into_response());
    }
    let unread = inbox::unread_count(&state.db, identity.user.id).await?;
    let html = if unread == 0 {
        String::new()
    } else {
        format!(
            "<span class=\"badge rounded-pill text-bg-danger\" data-test=\"notifications-unread\">{unread}</span>"
        )
    };
    Ok(Html(html).into_response())
}

/// Marks one of the user's notifications read; another user's is a 404.
pub async fn mark_read(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    require(&identity)?;
    let found = inbox::mark_read(&state.db, identity.user.id, id, domain::time::now()).await?;
    if !found {
        return Err(AppError::not_found());
    }
    Ok(Redirect::to("/notifications").into_response())
}

/// Marks all of the user's notifications read.
pub async fn mark_all_read(
    State(state): State<AppState>,
    Auth(identity): Auth,
) -> AppResult<Response> {
    require(&identity)?;
    inbox::mark_all_read(&state.db, identity.user.id, domain::time::now()).await?;
    Ok(Redirect::to("/notifications").into_response())
}

#[derive(Template)]
#[template(path = "notify/outbox.html")]
struct OutboxPage {
    page: Page,
    smtp_configured: bool,
    rows: Vec<OutboxView>,
}

struct OutboxView {
    id: i64,
    created: String,
    recipient: String,
    template: String,
    subject: String,
    state: String,
    attempts: i64,
    next_attempt: String,
    last_error: Option<String>,
    ticket_id: Option<i64>,
}

/// Lists the newest outbox rows for administrators: what waits, what failed and why.
pub async fn outbox(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
) -> AppResult<Response> {
    authorize(&identity, Action::ReadAudit, Object::System)?;
    let page = Page::new(&state, &context, "admin-mail-title");
    let rows = mail::recent(&state.db, OUTBOX_SHOWN)
        .await?
        .into_iter()
        .map(|entry| OutboxView {
            id: entry.id,
            created: page.datetime(&entry.created_at),
            recipient: entry.recipient,
            template: entry.template.as_str().to_string(),
            subject: entry.subject.unwrap_or_default(),
            state: entry.state.as_str().to_string(),
            attempts: entry.attempts,
            next_attempt: match entry.state {
                mail::State::Sent => page.datetime_opt(&entry.sent_at),
                _ => page.datetime(&entry.next_attempt_at),
            },
            last_error: entry.last_error,
            ticket_id: entry.ticket_id,
        })
        .collect();
    render(&OutboxPage {
        smtp_configured: state.config.smtp_configured,
        page,
        rows,
    })
}
