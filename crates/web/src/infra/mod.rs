//! Inventory pages for staff: hosts, environments with what runs there, sites with their
//! racks, clusters, and releases with their deployments. The forms store through the same
//! checks and store functions as the JSON API.

mod capacity_report;
mod deployment_form;
mod environment_form;
mod environments;
mod forecast;
pub(crate) mod form;
mod host_form;
mod hosts;
mod releases;
mod site_form;
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
        .route(
            "/infra/hosts/new",
            get(host_form::new).post(host_form::create),
        )
        .route("/infra/hosts/{id}", get(hosts::card))
        .route(
            "/infra/hosts/{id}/edit",
            get(host_form::edit).post(host_form::update),
        )
        .route("/infra/hosts/{id}/status", post(hosts::step))
        .route("/infra/environments", get(environments::list))
        .route(
            "/infra/environments/new",
            get(environment_form::new).post(environment_form::create),
        )
        .route("/infra/environments/{id}", get(environments::card))
        .route(
            "/infra/environments/{id}/edit",
            get(environment_form::edit).post(environment_form::update),
        )
        .route("/infra/sites", get(sites::list))
        .route(
            "/infra/sites/new",
            get(site_form::new).post(site_form::create),
        )
        .route("/infra/sites/{id}", get(sites::card))
        .route(
            "/infra/sites/{id}/edit",
            get(site_form::edit).post(site_form::update),
        )
        .route("/infra/sites/{id}/racks", post(sites::create_rack))
        .route(
            "/infra/clusters",
            get(sites::clusters).post(sites::create_cluster),
        )
        .route("/releases", get(releases::list))
        .route("/releases/new", get(releases::new).post(releases::create))
        .route("/releases/{id}", get(releases::card))
        .route(
            "/deployments/new",
            get(deployment_form::new).post(deployment_form::create),
        )
        .route("/tickets/{id}/fixed-in", post(ticket::fixed_in))
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
