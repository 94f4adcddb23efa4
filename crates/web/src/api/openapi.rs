//! The OpenAPI document at `/api/openapi.json`, generated from the handlers' types.

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{
    capacity, capacity_report, checklist, clients, contracts, deals, deployments, disputes,
    environment_requests, environments, forecast, hosts, inventory, reports, sla_reports, tariffs,
    tickets,
};
use crate::analytics;
use crate::servicedesk::zabbix;

/// Vitrina's API description.
#[derive(OpenApi)]
#[openapi(
    info(title = "Vitrina API", description = "Service desk, commercial, analytics and infrastructure API of Vitrina. Errors are `{\"error\": {\"code\", \"message\", \"field\"}}`."),
    paths(
        tickets::list, tickets::get, tickets::create, tickets::update, tickets::comment,
        tickets::transition, tickets::link, tickets::queues, tickets::me, zabbix::receive,
        checklist::list, checklist::add, checklist::update, environment_requests::create,
        clients::list, clients::get, clients::create, clients::update, clients::add_contact,
        clients::remove_contact, clients::requisites,
        analytics::ingest::receive, analytics::summary::get, analytics::daily::get,
        analytics::breakdown::get, analytics::heatmap::get, analytics::drilldown::get,
        analytics::top_products::get,
        analytics::export::get,
        analytics::trends::get,
        tariffs::list, tariffs::get, tariffs::create, tariffs::update,
        contracts::list, contracts::get, contracts::create, contracts::transition,
        contracts::list_amendments, contracts::create_amendment, contracts::terms,
        inventory::list_sites, inventory::get_site, inventory::create_site,
        inventory::create_rack, inventory::list_clusters, inventory::create_cluster,
        inventory::list_services, inventory::create_service, hosts::list, hosts::get,
        hosts::create, hosts::update, environments::list, environments::get,
        environments::create, environments::update, deployments::list_releases,
        deployments::get_release, deployments::create_release, deployments::link_fix,
        deployments::create_deployment, deployments::list_deployments,
        capacity::host_capacity,
        capacity::cluster_capacity,
        capacity::site_capacity,
        capacity_report::report,
        forecast::host_forecast,
        deals::list, deals::get, deals::create, deals::update,
        disputes::list, disputes::get, disputes::create, disputes::transition,
        reports::sales,
        sla_reports::report, sla_reports::contract_breaches,
    ),
    modifiers(&Security),
    security(("bearer" = [])),
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let bearer = SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some("An API token from `vitrina token create`"))
                .build(),
        );
        components.add_security_scheme("bearer", bearer);
        let zabbix = SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some("The Zabbix webhook secret"))
                .build(),
        );
        components.add_security_scheme("zabbix_secret", zabbix);
        let ingestion = SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some("A shop's ingestion key from `vitrina shop add`"))
                .build(),
        );
        components.add_security_scheme("ingestion_key", ingestion);
    }
}

/// Serves the OpenAPI document.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
