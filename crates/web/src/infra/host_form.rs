//! The host forms: a new host (`/infra/hosts/new`) and a host's edit form
//! (`/infra/hosts/{id}/edit`). Both check the fields as the JSON API does and store through
//! the same functions. Sizes are typed with a unit and stored in bytes. The lifecycle status
//! changes by its own step button, so the edit form keeps it.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use domain::identity::{Action, Object};
use domain::infra::inventory::HostResources;
use domain::infra::{HostKind, HostStatus};
use serde::Deserialize;
use store::infra::hosts::{self, Host};
use store::infra::sites;

use super::form::{
    Rejection, new_or_edit, optional_id, respond, saved, size_fields, size_in_bytes, size_units,
};
use crate::api::hosts::{HostInput, readable_host};
use crate::api::tickets::path_id;
use crate::context::{Auth, Context, Identity};
use crate::error::{AppError, AppResult};
use crate::form::Form;
use crate::pages::{Choice, FieldErrors, Page, render};
use crate::servicedesk::access::{author, authorize};
use crate::state::AppState;

/// The fields the form shows messages beside, by the names the checks use.
const FIELDS: &[&str] = &[
    "technical_name",
    "kind",
    "status",
    "site_id",
    "rack_id",
    "cluster_id",
    "cores",
    "ram_bytes",
    "storage_bytes",
    "zabbix_host_id",
];

/// The host form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct HostForm {
    pub technical_name: String,
    pub kind: String,
    /// `planned` or `active`; read on creation only.
    pub status: String,
    pub site_id: String,
    pub rack_id: String,
    pub cluster_id: String,
    pub cores: String,
    /// RAM as a number in `ram_unit`.
    pub ram: String,
    pub ram_unit: String,
    /// Storage as a number in `storage_unit`.
    pub storage: String,
    pub storage_unit: String,
    pub zabbix_host_id: String,
    /// The version the edit is based on; empty on creation.
    pub version: String,
}

impl HostForm {
    fn blank() -> HostForm {
        HostForm {
            kind: HostKind::Virtual.to_string(),
            status: HostStatus::Planned.to_string(),
            ram_unit: "gibibytes".into(),
            storage: "0".into(),
            storage_unit: "gibibytes".into(),
            ..HostForm::default()
        }
    }

    /// Returns a stored host as the form shows it.
    fn of(host: &Host) -> HostForm {
        let id = |value: Option<i64>| value.map(|v| v.to_string()).unwrap_or_default();
        let resources = host.resources;
        let (ram, ram_unit) = resources.map_or((String::new(), "gibibytes".into()), |r| {
            size_fields(r.ram_bytes)
        });
        let (storage, storage_unit) = resources.map_or((String::new(), "gibibytes".into()), |r| {
            size_fields(r.storage_bytes)
        });
        HostForm {
            technical_name: host.technical_name.clone(),
            kind: host.kind.map(|k| k.to_string()).unwrap_or_default(),
            status: host.status.to_string(),
            site_id: id(host.site_id),
            rack_id: id(host.rack_id),
            cluster_id: id(host.cluster_id),
            cores: id(resources.map(|r| r.cores)),
            ram,
            ram_unit,
            storage,
            storage_unit,
            zabbix_host_id: id(host.zabbix_host_id),
            version: host.version.to_string(),
        }
    }

    /// Checks the typed values into a draft with the API's checks; `status` overrides the
    /// typed status on edits.
    fn draft(
        &self,
        status: Option<HostStatus>,
    ) -> Result<store::infra::HostDraft, domain::Invalid> {
        let cores = super::form::whole_number("cores", &self.cores)?;
        let ram_bytes = size_in_bytes("ram_bytes", &self.ram, &self.ram_unit)?;
        let storage_bytes = size_in_bytes("storage_bytes", &self.storage, &self.storage_unit)?;
        let status = status.map_or_else(|| self.status.clone(), |s| s.to_string());
        let input = HostInput {
            technical_name: &self.technical_name,
            kind: &self.kind,
            status: &status,
            site_id: optional_id("site_id", &self.site_id)?,
            rack_id: optional_id("rack_id", &self.rack_id)?,
            cluster_id: optional_id("cluster_id", &self.cluster_id)?,
            resources: HostResources {
                cores,
                ram_bytes,
                storage_bytes,
            },
            zabbix_host_id: optional_id("zabbix_host_id", &self.zabbix_host_id)?,
        };
        input.check()
    }
}

#[derive(Template)]
#[template(path = "infra/host_form.html")]
struct FormPage {
    page: Page,
    /// `None` on creation.
    id: Option<i64>,
    action: String,
    form: HostForm,
    kinds: Vec<Choice>,
    statuses: Vec<Choice>,
    sites: Vec<Choice>,
    racks: Vec<Choice>,
    clusters: Vec<Choice>,
    ram_units: Vec<Choice>,
    storage_units: Vec<Choice>,
    errors: FieldErrors,
    conflict: bool,
}

/// Shows an empty host form.
pub async fn new(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
) -> AppResult<Response> {
    authorize(&identity, Action::ManageInventory, Object::System)?;
    show(
        &state,
        &context,
        None,
        HostForm::blank(),
        Rejection::none(FIELDS),
    )
    .await
}

/// Creates the host and opens its card.
pub async fn create(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Form(form): Form<HostForm>,
) -> AppResult<Response> {
    authorize(&identity, Action::ManageInventory, Object::System)?;
    match save_new(&state, &identity, &form).await {
        Ok(host) => saved(
            &format!("/infra/hosts/{}", host.id),
            "inventory-done-host-created",
        ),
        Err(error) => {
            let rejection = Rejection::of(&state, &context, FIELDS, error)?;
            show(&state, &context, None, form, rejection).await
        }
    }
}

async fn save_new(state: &AppState, identity: &Identity, form: &HostForm) -> AppResult<Host> {
    let draft = form.draft(None)?;
    let host = hosts::create(&state.db, &draft, &author(identity), domain::time::now()).await?;
    tracing::info!(host_id = host.id, technical_name = %host.technical_name, "host saved");
    Ok(host)
}

/// Shows a host's edit form.
pub async fn edit(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let host = readable_host(&state, &identity, path_id(&id)?).await?;
    authorize(&identity, Action::ManageInventory, Object::System)?;
    let form = HostForm::of(&host);
    show(
        &state,
        &context,
        Some(host.id),
        form,
        Rejection::none(FIELDS),
    )
    .await
}

/// Saves the edit form if the host's `version` is still current. Otherwise it shows the form
/// again with the conflict, keeping the version the edit was based on, so saving again
/// conflicts again until the user reopens the current record.
pub async fn update(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Path(id): Path<String>,
    Form(form): Form<HostForm>,
) -> AppResult<Response> {
    let host = readable_host(&state, &identity, path_id(&id)?).await?;
    authorize(&identity, Action::ManageInventory, Object::System)?;
    match save_edit(&state, &identity, &host, &form).await {
        Ok(stored) => saved(
            &format!("/infra/hosts/{}", stored.id),
            "inventory-done-host-saved",
        ),
        Err(error) => {
            let rejection = Rejection::of(&state, &context, FIELDS, error)?;
            show(&state, &context, Some(host.id), form, rejection).await
        }
    }
}

async fn save_edit(
    state: &AppState,
    identity: &Identity,
    host: &Host,
    form: &HostForm,
) -> AppResult<Host> {
    let version = super::form::whole_number("version", &form.version)?;
    let draft = form.draft(Some(host.status))?;
    let saved = hosts::update(
        &state.db,
        host.id,
        version,
        &draft,
        &author(identity),
        domain::time::now(),
    )
    .await?;
    tracing::info!(host_id = saved.id, version = saved.version, "host saved");
    Ok(saved)
}

async fn show(
    state: &AppState,
    context: &Context,
    id: Option<i64>,
    form: HostForm,
    rejection: Rejection,
) -> AppResult<Response> {
    let (title, action) = new_or_edit(
        "/infra/hosts",
        id,
        "inventory-host-new-title",
        "inventory-host-edit-title",
    );
    let page = Page::new(state, context, title);
    let (sites, racks, clusters) = place_choices(state, &page, &form).await?;
    let html = render(&FormPage {
        action,
        kinds: page.choices(
            "inventory-host-kind",
            &HostKind::names(),
            &[form.kind.as_str()],
        ),
        statuses: page.choices(
            "inventory-host-status",
            &["planned", "active"],
            &[form.status.as_str()],
        ),
        sites,
        racks,
        clusters,
        ram_units: size_units(&page, &form.ram_unit),
        storage_units: size_units(&page, &form.storage_unit),
        errors: rejection.errors,
        conflict: rejection.conflict,
        id,
        form,
        page,
    });
    respond(rejection.status, html)
}

/// Options of the site, rack and cluster selects, each with "none" first. A rack is named
/// with its site.
async fn place_choices(
    state: &AppState,
    page: &Page,
    form: &HostForm,
) -> Result<(Vec<Choice>, Vec<Choice>, Vec<Choice>), AppError> {
    let none = |selected: &str| Choice::new("", page.t("inventory-form-none"), selected.is_empty());
    let mut sites = vec![none(&form.site_id)];
    let mut racks = vec![none(&form.rack_id)];
    for site in sites::list_sites(&state.db).await? {
        for rack in sites::list_racks(&state.db, site.id).await? {
            let value = rack.id.to_string();
            let label = format!("{} · {}", site.name, rack.name);
            racks.push(Choice::new(&value, label, value == form.rack_id));
        }
        let value = site.id.to_string();
        let chosen = value == form.site_id;
        sites.push(Choice::new(value, site.name, chosen));
    }
    let mut clusters = vec![none(&form.cluster_id)];
    for cluster in sites::list_clusters(&state.db).await? {
        let value = cluster.id.to_string();
        let chosen = value == form.cluster_id;
        clusters.push(Choice::new(value, cluster.name, chosen));
    }
    Ok((sites, racks, clusters))
}
