//! The environment list (`/infra/environments`) and an environment's page with its hosts,
//! the clients and shops it serves, and what runs there.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use domain::identity::{Action, Object};
use store::infra::environments::{self, Environment, Member};
use store::infra::releases::{self, DeploymentFilter};

use crate::api::environments::readable_environment;
use crate::api::tickets::path_id;
use crate::context::{Auth, Context};
use crate::error::AppResult;
use crate::pages::{DoneQuery, Page, render};
use crate::query::Query;
use crate::servicedesk::access::authorize;
use crate::state::AppState;

/// One environment as the list shows it.
struct Row {
    id: i64,
    name: String,
    kind: String,
    cluster: String,
}

#[derive(Template)]
#[template(path = "infra/environments.html")]
struct ListPage {
    page: Page,
    rows: Vec<Row>,
}

/// Shows every environment by name.
pub async fn list(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
) -> AppResult<Response> {
    authorize(&identity, Action::ReadInventory, Object::System)?;
    let page = Page::new(&state, &context, "inventory-environments-title");
    let rows = environments::list(&state.db, None)
        .await?
        .into_iter()
        .map(|e| Row {
            id: e.id,
            kind: page.label("inventory-environment-kind", e.kind.as_ref()),
            cluster: e.cluster_name.unwrap_or_default(),
            name: e.name,
        })
        .collect();
    render(&ListPage { page, rows })
}

#[derive(Template)]
#[template(path = "infra/environment.html")]
struct CardPage {
    page: Page,
    environment: Environment,
    kind: String,
    hosts: Vec<Member>,
    clients: Vec<Member>,
    shops: Vec<Member>,
    running: Vec<RunningRow>,
    deployments: Vec<DeploymentRow>,
    /// The request ticket the environment was created for.
    request: Option<RequestLink>,
}

/// A link to a ticket by its id and number.
struct RequestLink {
    ticket_id: i64,
    number: String,
}

/// A service's running version as the page shows it.
struct RunningRow {
    service: String,
    version: String,
    deployed_at: String,
    deployed_by: String,
}

/// A recent deployment as the page shows it.
struct DeploymentRow {
    at: String,
    service: String,
    version: String,
    by: String,
    result: String,
    result_label: String,
}

/// Notices a redirect to the page may ask for with `?done=KEY`.
const DONE_KEYS: &[&str] = &[
    "inventory-done-environment-created",
    "inventory-done-environment-saved",
];

/// Recent deployments the page lists, newest first.
const RECENT_DEPLOYMENTS: i64 = 20;

/// Shows an environment with its hosts and clients.
pub async fn card(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Path(id): Path<String>,
    Query(query): Query<DoneQuery>,
) -> AppResult<Response> {
    let environment = readable_environment(&state, &identity, path_id(&id)?).await?;
    let page = Page::new(&state, &context, "inventory-environment-title")
        .with_notice(query.notice(DONE_KEYS));
    let hosts = environments::hosts_of(&state.db, environment.id).await?;
    let clients = environments::clients_of(&state.db, environment.id).await?;
    let shops = environments::shops_of(&state.db, environment.id).await?;
    let running = releases::running_in(&state.db, environment.id)
        .await?
        .into_iter()
        .map(|r| RunningRow {
            deployed_at: page.datetime(&r.deployed_at),
            service: r.service,
            version: r.version,
            deployed_by: r.deployed_by,
        })
        .collect();
    let filter = DeploymentFilter {
        environment_id: Some(environment.id),
        ..DeploymentFilter::default()
    };
    let deployments = releases::list_deployments(&state.db, &filter, RECENT_DEPLOYMENTS)
        .await?
        .into_iter()
        .map(|d| DeploymentRow {
            at: page.datetime(&d.deployed_at),
            result: d.result.to_string(),
            result_label: page.label("inventory-deployment-result", d.result.as_ref()),
            service: d.service,
            version: d.version,
            by: d.deployed_by,
        })
        .collect();
    let request =
        store::servicedesk::environment_requests::ticket_of_environment(&state.db, environment.id)
            .await?
            .map(|(ticket_id, number)| RequestLink { ticket_id, number });
    render(&CardPage {
        running,
        deployments,
        request,
        kind: page.label("inventory-environment-kind", environment.kind.as_ref()),
        environment,
        hosts,
        clients,
        shops,
        page,
    })
}
