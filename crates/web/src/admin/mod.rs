//! Administration pages: users, roles, API tokens, the audit log, Zabbix deliveries and
//! business calendars. Only administrators reach them.

mod audit;
mod calendars;
mod form;
mod user;
mod users;
mod zabbix;

use axum::Router;
use axum::response::Redirect;
use axum::routing::{get, post};
use domain::identity::{Action, Object};

use crate::context::Identity;
use crate::error::{AppError, AppResult};
use crate::servicedesk::access::authorize;
use crate::state::AppState;

/// Routes of the administration pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin", get(|| async { Redirect::to("/admin/users") }))
        .route("/admin/users", get(users::list).post(users::create))
        .route("/admin/users/{id}", get(user::show).post(user::update))
        .route("/admin/users/{id}/password", post(user::reset_password))
        .route("/admin/users/{id}/tokens", post(user::create_token))
        .route(
            "/admin/users/{id}/tokens/{token}/revoke",
            post(user::revoke_token),
        )
        .route("/admin/audit", get(audit::list))
        .route("/admin/zabbix", get(zabbix::list))
        .route("/admin/calendars", get(calendars::list))
        .route(
            "/admin/calendars/{code}",
            get(calendars::show).post(calendars::update),
        )
        .route(
            "/admin/calendars/{code}/exceptions",
            post(calendars::exception),
        )
}

/// Checks an administration action with the permission check on the whole system. Client
/// roles are rejected once more by name, because these pages list and change every
/// company's users, and a client administrator manages only their own company's users.
fn require(identity: &Identity, action: Action) -> AppResult<()> {
    authorize(identity, action, Object::System)?;
    if identity.actor.role.is_client() {
        return Err(AppError::forbidden());
    }
    Ok(())
}
