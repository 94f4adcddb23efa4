//! The site forms: a new site (`/infra/sites/new`) and a site's edit form
//! (`/infra/sites/{id}/edit`). The fields are checked as `POST /api/v1/sites` checks them:
//! a cloud region needs a provider, an account and a region, other kinds none of them.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use domain::identity::{Action, Object};
use domain::infra::SiteKind;
use serde::Deserialize;
use store::infra::sites::{self, Site};

use super::form::{Rejection, new_or_edit, respond, saved, whole_number};
use crate::api::inventory::CreateSite;
use crate::api::tickets::path_id;
use crate::context::{Auth, Context, Identity};
use crate::error::{AppError, AppResult};
use crate::form::Form;
use crate::pages::{Choice, FieldErrors, Page, render};
use crate::servicedesk::access::{author, authorize};
use crate::state::AppState;

/// The fields the form shows messages beside.
const FIELDS: &[&str] = &[
    "name",
    "kind",
    "cloud_provider",
    "cloud_account",
    "cloud_region",
];

/// The site form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SiteForm {
    pub name: String,
    pub kind: String,
    pub cloud_provider: String,
    pub cloud_account: String,
    pub cloud_region: String,
    /// The version the edit is based on; empty on creation.
    pub version: String,
}

impl SiteForm {
    fn of(site: &Site) -> SiteForm {
        let cloud =
            site.cloud
                .clone()
                .unwrap_or_else(|| domain::infra::inventory::CloudPlacement {
                    provider: String::new(),
                    account: String::new(),
                    region: String::new(),
                });
        SiteForm {
            name: site.name.clone(),
            kind: site.kind.to_string(),
            cloud_provider: cloud.provider,
            cloud_account: cloud.account,
            cloud_region: cloud.region,
            version: site.version.to_string(),
        }
    }

    /// Checks the fields with the API's checks. The cloud fields of another kind are ignored,
    /// because the form hides them rather than clearing them.
    fn draft(&self) -> Result<store::infra::SiteDraft, domain::Invalid> {
        let cloud = self.kind.trim() == SiteKind::CloudRegion.to_string();
        let cloud_field = |value: &str| cloud.then(|| value.to_string());
        CreateSite {
            name: self.name.clone(),
            kind: self.kind.clone(),
            cloud_provider: cloud_field(&self.cloud_provider),
            cloud_account: cloud_field(&self.cloud_account),
            cloud_region: cloud_field(&self.cloud_region),
        }
        .check()
    }
}

#[derive(Template)]
#[template(path = "infra/site_form.html")]
struct FormPage {
    page: Page,
    id: Option<i64>,
    action: String,
    form: SiteForm,
    kinds: Vec<Choice>,
    errors: FieldErrors,
    conflict: bool,
}

/// Shows an empty site form.
pub async fn new(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
) -> AppResult<Response> {
    authorize(&identity, Action::ManageInventory, Object::System)?;
    let form = SiteForm {
        kind: SiteKind::OwnDataCentre.to_string(),
        ..SiteForm::default()
    };
    show(&state, &context, None, form, Rejection::none(FIELDS))
}

/// Creates the site and opens its page.
pub async fn create(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Form(form): Form<SiteForm>,
) -> AppResult<Response> {
    authorize(&identity, Action::ManageInventory, Object::System)?;
    match save_new(&state, &identity, &form).await {
        Ok(site) => saved(
            &format!("/infra/sites/{}", site.id),
            "inventory-done-site-created",
        ),
        Err(error) => {
            let rejection = Rejection::of(&state, &context, FIELDS, error)?;
            show(&state, &context, None, form, rejection)
        }
    }
}

async fn save_new(state: &AppState, identity: &Identity, form: &SiteForm) -> AppResult<Site> {
    let draft = form.draft()?;
    let site =
        sites::create_site(&state.db, &draft, &author(identity), domain::time::now()).await?;
    tracing::info!(site_id = site.id, "site created");
    Ok(site)
}

/// Loads a site for its pages: a 403 without inventory access, a 404 for a missing site.
pub async fn readable_site(state: &AppState, identity: &Identity, id: &str) -> AppResult<Site> {
    authorize(identity, Action::ReadInventory, Object::System)?;
    sites::get_site(&state.db, path_id(id)?)
        .await?
        .ok_or_else(AppError::not_found)
}

/// Shows a site's edit form.
pub async fn edit(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let site = readable_site(&state, &identity, &id).await?;
    authorize(&identity, Action::ManageInventory, Object::System)?;
    let form = SiteForm::of(&site);
    show(
        &state,
        &context,
        Some(site.id),
        form,
        Rejection::none(FIELDS),
    )
}

/// Saves the edit form if the site's `version` is still current. Otherwise it shows the form
/// again with the conflict, keeping the version the edit was based on, so saving again
/// conflicts again until the user reopens the current record.
pub async fn update(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Path(id): Path<String>,
    Form(form): Form<SiteForm>,
) -> AppResult<Response> {
    let site = readable_site(&state, &identity, &id).await?;
    authorize(&identity, Action::ManageInventory, Object::System)?;
    match save_edit(&state, &identity, site.id, &form).await {
        Ok(stored) => saved(
            &format!("/infra/sites/{}", stored.id),
            "inventory-done-site-saved",
        ),
        Err(error) => {
            let rejection = Rejection::of(&state, &context, FIELDS, error)?;
            show(&state, &context, Some(site.id), form, rejection)
        }
    }
}

async fn save_edit(
    state: &AppState,
    identity: &Identity,
    id: i64,
    form: &SiteForm,
) -> AppResult<Site> {
    let version = whole_number("version", &form.version)?;
    let draft = form.draft()?;
    let saved = sites::update_site(
        &state.db,
        id,
        version,
        &draft,
        &author(identity),
        domain::time::now(),
    )
    .await?;
    tracing::info!(site_id = saved.id, version = saved.version, "site saved");
    Ok(saved)
}

fn show(
    state: &AppState,
    context: &Context,
    id: Option<i64>,
    form: SiteForm,
    rejection: Rejection,
) -> AppResult<Response> {
    let (title, action) = new_or_edit(
        "/infra/sites",
        id,
        "inventory-site-new-title",
        "inventory-site-edit-title",
    );
    let page = Page::new(state, context, title);
    let html = render(&FormPage {
        action,
        kinds: page.choices(
            "inventory-site-kind",
            &SiteKind::names(),
            &[form.kind.as_str()],
        ),
        errors: rejection.errors,
        conflict: rejection.conflict,
        id,
        form,
        page,
    });
    respond(rejection.status, html)
}
