//! The site list (`/infra/sites`): own data centres, colocation and cloud regions with
//! their racks; a site's page (`/infra/sites/{id}`) with the form that adds a rack; and the
//! cluster list (`/infra/clusters`) with the form that creates a cluster.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use domain::identity::{Action, Object};
use domain::infra::inventory::check_name;
use serde::Deserialize;
use store::infra::sites::{self, Rack, Site};

use super::form::{Rejection, optional_id, respond, saved as redirect_saved};
use super::site_form::readable_site;
use crate::context::{Auth, Context, Identity};
use crate::error::AppResult;
use crate::form::Form;
use crate::pages::{Choice, DoneQuery, FieldErrors, Page, render};
use crate::query::Query;
use crate::servicedesk::access::{allows, author, authorize};
use crate::state::AppState;

/// Notices a redirect to a site's page or the cluster list may ask for with `?done=KEY`.
const DONE_KEYS: &[&str] = &[
    "inventory-done-site-created",
    "inventory-done-site-saved",
    "inventory-done-rack-created",
    "inventory-done-cluster-created",
];

/// The fields of the rack and cluster forms.
const NAME_FIELDS: &[&str] = &["name", "site_id"];

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
    may_manage: bool,
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
            cloud: cloud_text(&site),
            racks: names.join(", "),
            name: site.name,
        });
    }
    let may_manage = allows(&identity, Action::ManageInventory, Object::System);
    render(&ListPage {
        page,
        rows,
        may_manage,
    })
}

fn cloud_text(site: &Site) -> String {
    site.cloud
        .as_ref()
        .map(|c| format!("{} · {} · {}", c.provider, c.account, c.region))
        .unwrap_or_default()
}

/// The rack or cluster form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct NameForm {
    pub name: String,
    /// The cluster's site; not part of the rack form.
    pub site_id: String,
}

#[derive(Template)]
#[template(path = "infra/site.html")]
struct CardPage {
    page: Page,
    site: Site,
    kind: String,
    cloud: String,
    racks: Vec<Rack>,
    may_manage: bool,
    form: NameForm,
    errors: FieldErrors,
}

/// Shows a site with its racks and, for those who manage the inventory, the rack form.
pub async fn card(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Path(id): Path<String>,
    Query(query): Query<DoneQuery>,
) -> AppResult<Response> {
    let site = readable_site(&state, &identity, &id).await?;
    let page =
        Page::new(&state, &context, "inventory-site-title").with_notice(query.notice(DONE_KEYS));
    show_card(
        &state,
        &identity,
        page,
        site,
        NameForm::default(),
        Rejection::none(NAME_FIELDS),
    )
    .await
}

async fn show_card(
    state: &AppState,
    identity: &Identity,
    page: Page,
    site: Site,
    form: NameForm,
    rejection: Rejection,
) -> AppResult<Response> {
    let racks = sites::list_racks(&state.db, site.id).await?;
    let html = render(&CardPage {
        kind: page.label("inventory-site-kind", site.kind.as_ref()),
        cloud: cloud_text(&site),
        racks,
        may_manage: allows(identity, Action::ManageInventory, Object::System),
        form,
        errors: rejection.errors,
        site,
        page,
    });
    respond(rejection.status, html)
}

/// Adds a rack to a site and returns to the site's page. A bad or taken name shows the page
/// again with the message beside the rack form.
pub async fn create_rack(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Path(id): Path<String>,
    Form(form): Form<NameForm>,
) -> AppResult<Response> {
    let site = readable_site(&state, &identity, &id).await?;
    authorize(&identity, Action::ManageInventory, Object::System)?;
    let saved: AppResult<Rack> = match check_name("name", &form.name) {
        Ok(name) => sites::create_rack(
            &state.db,
            site.id,
            &name,
            &author(&identity),
            domain::time::now(),
        )
        .await
        .map_err(Into::into),
        Err(invalid) => Err(invalid.into()),
    };
    match saved {
        Ok(rack) => {
            tracing::info!(site_id = site.id, rack_id = rack.id, "rack created");
            let page = format!("/infra/sites/{}", site.id);
            redirect_saved(&page, "inventory-done-rack-created")
        }
        Err(error) => {
            let rejection = Rejection::of(&state, &context, NAME_FIELDS, error)?;
            let page = Page::new(&state, &context, "inventory-site-title");
            show_card(&state, &identity, page, site, form, rejection).await
        }
    }
}

/// One cluster as the list shows it.
struct ClusterRow {
    id: i64,
    name: String,
    site: String,
}

#[derive(Template)]
#[template(path = "infra/clusters.html")]
struct ClustersPage {
    page: Page,
    rows: Vec<ClusterRow>,
    may_manage: bool,
    sites: Vec<Choice>,
    form: NameForm,
    errors: FieldErrors,
}

/// Shows every cluster with its site and, for those who manage the inventory, the form that
/// creates one.
pub async fn clusters(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Query(query): Query<DoneQuery>,
) -> AppResult<Response> {
    authorize(&identity, Action::ReadInventory, Object::System)?;
    let page = Page::new(&state, &context, "inventory-clusters-title")
        .with_notice(query.notice(DONE_KEYS));
    let rejection = Rejection::none(NAME_FIELDS);
    show_clusters(&state, &identity, page, NameForm::default(), rejection).await
}

async fn show_clusters(
    state: &AppState,
    identity: &Identity,
    page: Page,
    form: NameForm,
    rejection: Rejection,
) -> AppResult<Response> {
    let all_sites = sites::list_sites(&state.db).await?;
    let site_name = |id: Option<i64>| {
        all_sites
            .iter()
            .find(|s| Some(s.id) == id)
            .map(|s| s.name.clone())
            .unwrap_or_default()
    };
    let rows = sites::list_clusters(&state.db)
        .await?
        .into_iter()
        .map(|c| ClusterRow {
            id: c.id,
            site: site_name(c.site_id),
            name: c.name,
        })
        .collect();
    let none = page.t("inventory-form-none");
    let mut choices = vec![Choice::new("", none, form.site_id.is_empty())];
    for site in &all_sites {
        let value = site.id.to_string();
        let chosen = value == form.site_id;
        choices.push(Choice::new(value, site.name.clone(), chosen));
    }
    let html = render(&ClustersPage {
        rows,
        may_manage: allows(identity, Action::ManageInventory, Object::System),
        sites: choices,
        form,
        errors: rejection.errors,
        page,
    });
    respond(rejection.status, html)
}

/// Creates a cluster and returns to the cluster list; invalid input shows the list again
/// with the message beside the form.
pub async fn create_cluster(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Form(form): Form<NameForm>,
) -> AppResult<Response> {
    authorize(&identity, Action::ManageInventory, Object::System)?;
    match save_cluster(&state, &identity, &form).await {
        Ok(()) => redirect_saved("/infra/clusters", "inventory-done-cluster-created"),
        Err(error) => {
            let rejection = Rejection::of(&state, &context, NAME_FIELDS, error)?;
            let page = Page::new(&state, &context, "inventory-clusters-title");
            show_clusters(&state, &identity, page, form, rejection).await
        }
    }
}

async fn save_cluster(state: &AppState, identity: &Identity, form: &NameForm) -> AppResult<()> {
    let name = check_name("name", &form.name)?;
    let site_id = optional_id("site_id", &form.site_id)?;
    let cluster = sites::create_cluster(
        &state.db,
        &name,
        site_id,
        &author(identity),
        domain::time::now(),
    )
    .await?;
    tracing::info!(cluster_id = cluster.id, "cluster created");
    Ok(())
}
