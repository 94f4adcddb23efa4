//! Ticket pages: list, detail, creation, "my tickets".

use axum::Router;

use crate::state::AppState;

/// Routes of the ticket pages.
pub fn routes() -> Router<AppState> {
    Router::new()
}
