//! Stored Zabbix webhook deliveries (`/admin/zabbix`), to see what Zabbix sent and why a
//! delivery failed.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use domain::Invalid;
use domain::identity::Action;
use store::servicedesk::zabbix::{self, StoredDelivery};

use super::require;
use crate::context::{Auth, Context};
use crate::error::AppResult;
use crate::pages::{Choice, Page, Pager, Params, render};
use crate::query::Query;
use crate::state::AppState;

/// Deliveries per page.
const PER_PAGE: i64 = 50;
/// The statuses a stored delivery can have, as the database's CHECK constraint lists them.
const STATUSES: [&str; 6] = [
    "received",
    "processed",
    "repeat",
    "ignored",
    "test",
    "failed",
];

#[derive(Template)]
#[template(path = "admin/zabbix.html")]
struct DeliveriesPage {
    page: Page,
    statuses: Vec<Choice>,
    deliveries: Vec<DeliveryView>,
    pager: Pager,
    has_next: bool,
    prev_url: String,
    next_url: String,
}

struct DeliveryView {
    id: i64,
    received: String,
    processed: String,
    event_id: String,
    kind: String,
    status: String,
    error: Option<String>,
    ticket_id: Option<i64>,
    body: String,
}

impl DeliveryView {
    fn new(page: &Page, delivery: StoredDelivery) -> DeliveryView {
        DeliveryView {
            id: delivery.id,
            received: page.datetime(&delivery.received_at),
            processed: page.datetime_opt(&delivery.processed_at),
            event_id: delivery
                .event_id
                .map(|id| id.to_string())
                .unwrap_or_else(|| "—".into()),
            kind: delivery.kind.unwrap_or_else(|| "—".into()),
            status: delivery.status,
            error: delivery.error,
            ticket_id: delivery.ticket_id,
            body: delivery.body,
        }
    }
}

/// Lists deliveries, newest first, optionally of one status.
pub async fn list(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Query(pairs): Query<Vec<(String, String)>>,
) -> AppResult<Response> {
    require(&identity, Action::ReadAudit)?;
    let params = Params::new("/admin/zabbix", &pairs);
    let status = params.get("status");
    if let Some(status) = status.filter(|s| !STATUSES.contains(s)) {
        return Err(Invalid::not_one_of("status", status, &STATUSES).into());
    }
    let pager = Pager::new(params.get("page"), PER_PAGE);
    // One row more than a page tells whether a next page exists without counting them all.
    let mut found = zabbix::list(&state.db, status, PER_PAGE + 1, pager.offset()).await?;
    let has_next = found.len() as i64 > PER_PAGE;
    found.truncate(PER_PAGE as usize);

    let page = Page::new(&state, &context, "admin-zabbix-title");
    let mut statuses = vec![Choice::new("", page.t("tickets-filter-any"), false)];
    statuses.extend(page.choices(
        "zabbix-status",
        &STATUSES,
        &status.into_iter().collect::<Vec<_>>(),
    ));
    render(&DeliveriesPage {
        statuses,
        deliveries: found
            .into_iter()
            .map(|d| DeliveryView::new(&page, d))
            .collect(),
        has_next,
        prev_url: params.with("page", &(pager.page - 1).to_string()),
        next_url: params.with("page", &(pager.page + 1).to_string()),
        pager,
        page,
    })
}
