//! The audit log (`/admin/audit`): who changed what and when, with the old and new values.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use domain::identity::Action;
use store::identity::audit::{self, Entry, Filter};

use super::require;
use crate::context::{Auth, Context};
use crate::error::AppResult;
use crate::pages::{Page, Pager, Params, render};
use crate::query::Query;
use crate::state::AppState;

/// Entries per page of the audit log.
const PER_PAGE: i64 = 50;

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    page: Page,
    object_type: String,
    object_id: String,
    actor: String,
    entries: Vec<EntryView>,
    total: String,
    pager: Pager,
    position: String,
    prev_url: String,
    next_url: String,
}

/// An audit entry with its JSON values pretty-printed for a `<pre>` block.
struct EntryView {
    at: String,
    actor: String,
    action: String,
    object_type: String,
    object_id: String,
    /// The page of the changed object, where Vitrina has one.
    object_url: Option<String>,
    old_value: Option<String>,
    new_value: Option<String>,
}

impl EntryView {
    fn new(page: &Page, entry: Entry) -> EntryView {
        let object_url = match entry.object_type.as_str() {
            "ticket" => Some(format!("/tickets/{}", entry.object_id)),
            "user" => Some(format!("/admin/users/{}", entry.object_id)),
            "client" => Some(format!("/clients/{}", entry.object_id)),
            _ => None,
        };
        EntryView {
            at: page.datetime(&entry.at),
            actor: entry.actor_label,
            action: entry.action,
            object_type: entry.object_type,
            object_id: entry.object_id,
            object_url,
            old_value: entry.old_value.as_deref().map(pretty_json),
            new_value: entry.new_value.as_deref().map(pretty_json),
        }
    }
}

/// Indents stored JSON for reading; text that is not JSON is shown as stored.
fn pretty_json(text: &str) -> String {
    serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|value| serde_json::to_string_pretty(&value).ok())
        .unwrap_or_else(|| text.to_string())
}

/// Lists audit entries, newest first, filtered by object type, object id and actor.
pub async fn list(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Query(pairs): Query<Vec<(String, String)>>,
) -> AppResult<Response> {
    require(&identity, Action::ReadAudit)?;
    let params = Params::new("/admin/audit", &pairs);
    let text = |key: &str| params.get(key).unwrap_or_default().trim().to_string();
    let filter = Filter {
        object_type: Some(text("object_type")).filter(|v| !v.is_empty()),
        object_id: Some(text("object_id")).filter(|v| !v.is_empty()),
        actor: Some(text("actor")).filter(|v| !v.is_empty()),
    };
    let mut pager = Pager::new(params.get("page"), PER_PAGE);
    let (entries, total) = audit::list(&state.db, &filter, PER_PAGE, pager.offset()).await?;
    pager.total = total;

    let page = Page::new(&state, &context, "admin-audit-title");
    render(&AuditPage {
        object_type: text("object_type"),
        object_id: text("object_id"),
        actor: text("actor"),
        entries: entries
            .into_iter()
            .map(|e| EntryView::new(&page, e))
            .collect(),
        total: page.tn("admin-audit-count", "count", total),
        position: page.t2(
            "tickets-page-of",
            "page",
            pager.page,
            "pages",
            pager.pages(),
        ),
        prev_url: params.with("page", &(pager.page - 1).to_string()),
        next_url: params.with("page", &(pager.page + 1).to_string()),
        pager,
        page,
    })
}
