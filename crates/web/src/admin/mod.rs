//! Administration pages: users, roles, API tokens, the audit log and Zabbix deliveries.

use axum::Router;

use crate::state::AppState;

/// Routes of the administration pages.
pub fn routes() -> Router<AppState> {
    Router::new()
}
