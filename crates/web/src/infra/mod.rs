//! Inventory pages for staff: the host list and card, environments with what runs there,
//! and sites. Changes go through the JSON API, except a host's lifecycle step.

mod capacity_report;
mod environments;
mod forecast;
mod hosts;
mod sites;
mod ticket;

pub use ticket::{TicketInfra, for_ticket};

use axum::Router;
use axum::routing::{get, post};

use crate::pages::Page;
use crate::state::AppState;

/// Routes of the inventory pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/infra",
            get(|| async { axum::response::Redirect::to("/infra/hosts") }),
        )
        .route("/infra/hosts", get(hosts::list))
        .route("/infra/hosts/{id}", get(hosts::card))
        .route("/infra/hosts/{id}/status", post(hosts::step))
        .route("/infra/environments", get(environments::list))
        .route("/infra/environments/{id}", get(environments::card))
        .route("/infra/sites", get(sites::list))
        .route("/reports/capacity", get(capacity_report::page))
        .route("/reports/capacity.xlsx", get(capacity_report::xlsx))
}

/// Formats a size in bytes as GiB with one decimal, such as `64.0 GiB`.
fn gibibytes(page: &Page, bytes: Option<i64>) -> String {
    match bytes {
        Some(bytes) => page.t1(
            "inventory-gibibytes",
            "value",
            format!("{:.1}", bytes as f64 / (1u64 << 30) as f64),
        ),
        None => "—".into(),
    }
}
