//! The site list (`/infra/sites`): own data centres, colocation and cloud regions with
//! their racks.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use domain::identity::{Action, Object};
use store::infra::sites;

use crate::context::{Auth, Context};
use crate::error::AppResult;
use crate::pages::{Page, render};
use crate::servicedesk::access::authorize;
use crate::state::AppState;

/// One site as the list shows it.
struct Row {
    id: i64,
    name: String,
    kind: String,
    /// Provider, account and region of a cloud region, joined for display.
    cloud: String,
    racks: String,
}

#[derive(Template)]
#[template(path = "infra/sites.html")]
struct ListPage {
    page: Page,
    rows: Vec<Row>,
}

/// Shows every site with its racks.
pub async fn list(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
) -> AppResult<Response> {
    authorize(&identity, Action::ReadInventory, Object::System)?;
    let page = Page::new(&state, &context, "inventory-sites-title");
    let mut rows = Vec::new();
    for site in sites::list_sites(&state.db).await? {
        let racks = sites::list_racks(&state.db, site.id).await?;
        let names: Vec<String> = racks.into_iter().map(|r| r.name).collect();
        rows.push(Row {
            id: site.id,
            kind: page.label("inventory-site-kind", site.kind.as_ref()),
            cloud: site
                .cloud
                .map(|c| format!("{} · {} · {}", c.provider, c.account, c.region))
                .unwrap_or_default(),
            racks: names.join(", "),
            name: site.name,
        });
    }
    render(&ListPage { page, rows })
}
