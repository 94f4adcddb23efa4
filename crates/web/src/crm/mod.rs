//! Commercial pages: the client list with search, the client card with its contacts and
//! change log, the create and edit forms, and the contract pages with their print views.

pub mod access;
mod card;
mod contracts;
mod form;
mod list;
mod print;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

/// Routes of the client pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/clients", get(list::list))
        .route("/clients/new", get(form::new).post(form::create))
        .route("/clients/phone-check", get(form::phone_check))
        .route("/clients/{id}", get(card::show))
        .route("/clients/{id}/edit", get(form::edit).post(form::update))
        .route("/clients/{id}/contacts", post(card::add_contact))
        .route(
            "/clients/{id}/contacts/{contact_id}/remove",
            post(card::remove_contact),
        )
        .route("/contracts", get(contracts::list))
        .route("/contracts/{id}", get(contracts::show))
        .route("/contracts/{id}/status", post(contracts::change_status))
        .route("/contracts/{id}/amendments", post(contracts::add_amendment))
        .route("/contracts/{id}/print", get(print::contract))
        .route(
            "/contracts/{id}/amendments/{amendment_id}/print",
            get(print::amendment),
        )
}
