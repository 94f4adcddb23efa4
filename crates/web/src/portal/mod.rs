//! The client portal: a client company's home page with its contracts and tickets, the
//! user administration of a client administrator, and the one-time links invited users
//! set their password with. Tickets and contracts themselves are the shared pages under
//! `/tickets` and `/contracts`, which already restrict client users to their company.

mod home;
mod set_password;
mod users;

use axum::Router;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use crate::context::{Context, Identity};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// Routes of the client portal and of the password links.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(root))
        .route("/portal", get(home::show))
        .route("/portal/users", get(users::list).post(users::invite))
        .route("/portal/users/{id}/deactivate", post(users::deactivate))
        .route(
            "/set-password/{token}",
            get(set_password::form).post(set_password::submit),
        )
}

/// Sends client users to the portal and staff to the ticket list.
async fn root(context: Context) -> Response {
    let client = context
        .identity
        .as_ref()
        .is_some_and(|identity| identity.actor.role.is_client());
    Redirect::to(if client { "/portal" } else { "/tickets" }).into_response()
}

/// Returns the company of a client user; staff get a 403, because the portal shows one
/// company and staff belong to none.
fn company_of(identity: &Identity) -> AppResult<i64> {
    match identity.actor.client_id {
        Some(client_id) if identity.actor.role.is_client() => Ok(client_id),
        _ => Err(AppError::forbidden()),
    }
}
