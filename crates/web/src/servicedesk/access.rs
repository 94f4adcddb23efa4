//! The permission check applied to tickets, shared by pages and API handlers.

use domain::identity::{Action, Decision, Object, decide};
use store::identity::Author;
use store::servicedesk::tickets::{self, Ticket};

use crate::context::Identity;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// The permission object for a ticket.
pub fn object(ticket: &Ticket) -> Object<'_> {
    Object::Ticket {
        queue: &ticket.queue,
        client_id: ticket.client_id,
    }
}

/// Checks `action` on `object`: hidden objects are a 404, forbidden actions a 403.
pub fn authorize(identity: &Identity, action: Action, object: Object<'_>) -> AppResult<()> {
    match decide(&identity.actor, action, object) {
        Decision::Allow => Ok(()),
        Decision::Forbidden => Err(AppError::forbidden()),
        Decision::Hidden => Err(AppError::not_found()),
    }
}

/// Whether `identity` may perform `action` on `object`, for showing or hiding controls.
pub fn allows(identity: &Identity, action: Action, object: Object<'_>) -> bool {
    decide(&identity.actor, action, object) == Decision::Allow
}

/// Loads a ticket the user may read; a missing or invisible ticket is the same 404.
pub async fn readable_ticket(state: &AppState, identity: &Identity, id: i64) -> AppResult<Ticket> {
    let ticket = tickets::get(&state.db, id)
        .await?
        .ok_or_else(AppError::not_found)?;
    authorize(identity, Action::ReadTicket, object(&ticket))?;
    Ok(ticket)
}

/// The author of changes made by `identity`.
pub fn author(identity: &Identity) -> Author {
    Author::person(identity.user.id, &identity.user.login)
}

/// Restricts a list query to what the user may see: client users see their company only.
pub fn restrict(identity: &Identity, query: &mut tickets::ListQuery) {
    if identity.actor.role.is_client() {
        // A client user without a company sees nothing; -1 matches no ticket.
        query.client_id = Some(identity.actor.client_id.unwrap_or(-1));
    }
}
