//! The environment list (`/infra/environments`) and an environment's page with its hosts
//! and the clients it serves.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use domain::identity::{Action, Object};
use store::infra::environments::{self, Environment, Member};

use crate::api::environments::readable_environment;
use crate::api::tickets::path_id;
use crate::context::{Auth, Context};
use crate::error::AppResult;
use crate::pages::{Page, render};
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
}

/// Shows an environment with its hosts and clients.
pub async fn card(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let environment = readable_environment(&state, &identity, path_id(&id)?).await?;
    let page = Page::new(&state, &context, "inventory-environment-title");
    let hosts = environments::hosts_of(&state.db, environment.id).await?;
    let clients = environments::clients_of(&state.db, environment.id).await?;
    render(&CardPage {
        kind: page.label("inventory-environment-kind", environment.kind.as_ref()),
        environment,
        hosts,
        clients,
        page,
    })
}
