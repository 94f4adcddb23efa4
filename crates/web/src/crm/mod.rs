//! Commercial pages: the client list with search, the client card with its contacts and
//! change log, the create and edit forms, the contract pages with their print views, and the
//! deal pipeline with the tariff plan and contract forms it leads to, and claims.

pub mod access;
mod card;
pub(crate) mod choices;
mod contract_form;
mod contracts;
mod deals;
mod disputes;
mod form;
mod list;
mod plans;
mod print;
mod reports;

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
        // Sales pipeline and disputes.
        .route("/deals", get(deals::index))
        .route("/deals/new", get(deals::new).post(deals::create))
        .route("/deals/{id}", get(deals::show))
        .route("/deals/{id}/stage", post(deals::stage))
        .route(
            "/contracts/new",
            get(contract_form::new).post(contract_form::create),
        )
        .route("/tariffs", get(plans::list))
        .route("/tariffs/new", get(plans::new).post(plans::create))
        .route("/disputes", get(disputes::list))
        .route("/disputes/new", get(disputes::new).post(disputes::create))
        .route("/disputes/{id}", get(disputes::show))
        .route("/disputes/{id}/status", post(disputes::change_status))
        .route("/reports/sales", get(reports::sales))
}
