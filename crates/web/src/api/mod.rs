//! The JSON API under `/api/v1/`: the same store calls as the pages, with errors as
//! `{"error": {"code", "message", "field"}}`.

pub mod capacity;
pub mod capacity_report;
pub mod checklist;
pub mod clients;
pub mod contracts;
pub mod deals;
pub mod deployments;
pub mod disputes;
pub mod environment_requests;
pub mod environments;
pub mod forecast;
pub mod hosts;
pub mod inventory;
pub mod json;
pub mod openapi;
pub mod reports;
pub mod sla_reports;
pub mod tariffs;
pub mod ticket_sla;
pub mod tickets;

use axum::Router;
use axum::routing::{delete, get, patch, post};

use crate::state::AppState;

/// Routes under `/api/v1`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/tickets", get(tickets::list).post(tickets::create))
        .route("/tickets/{id}", get(tickets::get).patch(tickets::update))
        .route("/tickets/{id}/comments", post(tickets::comment))
        .route("/tickets/{id}/transitions", post(tickets::transition))
        .route("/tickets/{id}/links", post(tickets::link))
        .route(
            "/tickets/{id}/checklist",
            get(checklist::list).post(checklist::add),
        )
        .route("/tickets/{id}/checklist/{item}", patch(checklist::update))
        .route("/environment-requests", post(environment_requests::create))
        .route("/clients", get(clients::list).post(clients::create))
        .route("/clients/{id}", get(clients::get).patch(clients::update))
        .route("/clients/{id}/requisites", get(clients::requisites))
        .route("/clients/{id}/contacts", post(clients::add_contact))
        .route(
            "/clients/{id}/contacts/{contact_id}",
            delete(clients::remove_contact),
        )
        .merge(inventory_routes())
        .route("/tariffs", get(tariffs::list).post(tariffs::create))
        .route("/tariffs/{id}", get(tariffs::get).patch(tariffs::update))
        .route("/contracts", get(contracts::list).post(contracts::create))
        .route("/contracts/{id}", get(contracts::get))
        .route("/contracts/{id}/transitions", post(contracts::transition))
        .route(
            "/contracts/{id}/amendments",
            get(contracts::list_amendments).post(contracts::create_amendment),
        )
        .route("/contracts/{id}/terms", get(contracts::terms))
        // Sales pipeline and disputes.
        .route("/deals", get(deals::list).post(deals::create))
        .route("/deals/{id}", get(deals::get).patch(deals::update))
        .route("/disputes", get(disputes::list).post(disputes::create))
        .route("/disputes/{id}", get(disputes::get))
        .route("/disputes/{id}/transitions", post(disputes::transition))
        .route("/reports/sales", get(reports::sales))
        .route("/reports/capacity", get(capacity_report::report))
        // SLA reports.
        .route("/reports/sla", get(sla_reports::report))
        .route(
            "/contracts/{id}/sla-breaches",
            get(sla_reports::contract_breaches),
        )
        .route("/queues", get(tickets::queues))
        .route("/me", get(tickets::me))
        .route(
            "/integrations/zabbix/events",
            post(crate::servicedesk::zabbix::receive),
        )
        .merge(crate::analytics::routes())
}

/// Inventory routes under `/api/v1`: sites, racks, clusters, hosts, environments, services.
fn inventory_routes() -> Router<AppState> {
    Router::new()
        .route(
            "/sites",
            get(inventory::list_sites).post(inventory::create_site),
        )
        .route("/sites/{id}", get(inventory::get_site))
        .route("/sites/{id}/racks", post(inventory::create_rack))
        .route("/sites/{id}/capacity", get(capacity::site_capacity))
        .route(
            "/clusters",
            get(inventory::list_clusters).post(inventory::create_cluster),
        )
        .route("/clusters/{id}/capacity", get(capacity::cluster_capacity))
        .route("/hosts", get(hosts::list).post(hosts::create))
        .route("/hosts/{id}", get(hosts::get).patch(hosts::update))
        .route("/hosts/{id}/capacity", get(capacity::host_capacity))
        .route("/hosts/{id}/forecast", get(forecast::host_forecast))
        .route(
            "/environments",
            get(environments::list).post(environments::create),
        )
        .route(
            "/environments/{id}",
            get(environments::get).patch(environments::update),
        )
        .route(
            "/services",
            get(inventory::list_services).post(inventory::create_service),
        )
        .route(
            "/releases",
            get(deployments::list_releases).post(deployments::create_release),
        )
        .route("/releases/{id}", get(deployments::get_release))
        .route("/releases/{id}/fixes", post(deployments::link_fix))
        .route(
            "/deployments",
            get(deployments::list_deployments).post(deployments::create_deployment),
        )
}
