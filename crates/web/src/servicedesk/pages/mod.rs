//! Ticket pages: the list, "my tickets", the ticket page with its forms, and creation.
//!
//! Every page works without JavaScript: forms post and redirect back (303). With htmx the
//! list swaps only its table and the ticket forms swap only the ticket panel.

mod actions;
mod create;
mod detail;
mod list;
mod rows;
mod sla;

pub(crate) use actions::finish as finish_ticket_action;
pub(crate) use sla::duration as sla_duration;

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use axum::routing::{get, post};

use crate::state::AppState;

/// Routes of the ticket pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/tickets", get(list::list))
        .route("/my", get(list::my))
        .route("/tickets/new", get(create::form).post(create::submit))
        .route("/tickets/{id}", get(detail::show))
        .route("/tickets/{id}/assignees", get(detail::assignees))
        .route("/tickets/{id}/comments", post(actions::comment))
        .route("/tickets/{id}/status", post(actions::transition))
        .route("/tickets/{id}/edit", post(actions::edit))
        .route("/tickets/{id}/assign", post(actions::assign))
        .route("/tickets/{id}/take", post(actions::take))
        .route("/tickets/{id}/links", post(actions::link))
        .route("/tickets/{id}/checklist", post(actions::checklist_add))
        .route(
            "/tickets/{id}/checklist/{item}",
            post(actions::checklist_item),
        )
}

/// Whether an htmx request asks for the element `id` alone. History restores ask for the
/// whole page even though htmx marks them as its own requests.
pub(crate) fn wants_fragment(headers: &HeaderMap, id: &str) -> bool {
    let target = headers.get("hx-target").and_then(|v| v.to_str().ok());
    target == Some(id) && !headers.contains_key("hx-history-restore-request")
}

/// Marks a response that differs between htmx and plain requests, so caches keep both.
pub(crate) fn vary_on_htmx(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::VARY,
        HeaderValue::from_static("HX-Request, HX-Target"),
    );
    response
}
