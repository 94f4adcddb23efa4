//! Release pages for staff: the list (`/releases`, filtered by service), a release's card
//! (`/releases/{id}`) with its deployments and the bugs it fixes, and the release form
//! (`/releases/new`). Releases are recorded through the same function as
//! `POST /api/v1/releases`.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use domain::identity::{Action, Object};
use serde::Deserialize;
use store::infra::environments;
use store::infra::releases::{self, DeploymentFilter, FixedTicket, Release};

use super::form::{Rejection, respond, saved};
use crate::api::deployments::{CreateRelease, record_release};
use crate::api::tickets::{MAX_LIMIT, path_id};
use crate::context::{Auth, Context};
use crate::error::{AppError, AppResult};
use crate::form::Form;
use crate::pages::{Choice, DoneQuery, FieldErrors, Page, Params, encode_query, render};
use crate::query::Query;
use crate::servicedesk::access::{allows, authorize};
use crate::state::AppState;

/// Releases the list shows, newest first.
const LIST_LIMIT: i64 = 200;

/// Notices a redirect to a release's card may ask for with `?done=KEY`.
const DONE_KEYS: &[&str] = &[
    "inventory-done-release-created",
    "inventory-done-deployment-recorded",
];

/// The fields the release form shows messages beside.
const FIELDS: &[&str] = &["service", "version", "notes"];

/// One release as the list shows it.
struct Row {
    id: i64,
    service: String,
    version: String,
    created_at: String,
    created_by: String,
}

#[derive(Template)]
#[template(path = "infra/releases.html")]
struct ListPage {
    page: Page,
    services: Vec<Choice>,
    rows: Vec<Row>,
    may_record: bool,
}

/// Shows the newest releases, of one service when the query names it in `service`.
pub async fn list(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Query(pairs): Query<Vec<(String, String)>>,
) -> AppResult<Response> {
    authorize(&identity, Action::ReadInventory, Object::System)?;
    let params = Params::new("/releases", &pairs);
    let chosen = params.get("service").unwrap_or_default();
    let page = Page::new(&state, &context, "inventory-releases-title");
    let all = environments::list_services(&state.db).await?;
    let service_id = match all.iter().find(|s| s.name == chosen) {
        Some(service) => Some(service.id),
        None if chosen.is_empty() => None,
        None => {
            return Err(domain::Invalid::new("service", "inventory-unknown-service")
                .arg("value", chosen)
                .into());
        }
    };
    let mut services = vec![Choice::new(
        "",
        page.t("inventory-filter-any-service"),
        chosen.is_empty(),
    )];
    services.extend(
        all.iter()
            .map(|s| Choice::new(&s.name, &s.name, s.name == chosen)),
    );
    let rows = releases::list_releases(&state.db, service_id, LIST_LIMIT)
        .await?
        .into_iter()
        .map(|r| Row {
            id: r.id,
            created_at: page.datetime(&r.created_at),
            created_by: r.created_by.unwrap_or_default(),
            service: r.service,
            version: r.version,
        })
        .collect();
    let may_record = allows(&identity, Action::RecordDeployments, Object::System);
    render(&ListPage {
        page,
        services,
        rows,
        may_record,
    })
}

/// A deployment of the release as its card shows it.
struct DeploymentRow {
    at: String,
    environment_id: i64,
    environment: String,
    by: String,
    result: String,
    result_label: String,
}

#[derive(Template)]
#[template(path = "infra/release.html")]
struct CardPage {
    page: Page,
    release: Release,
    created_at: String,
    deployments: Vec<DeploymentRow>,
    fixes: Vec<FixedTicket>,
    may_record: bool,
    /// The deployment form with this release filled in.
    deploy_url: String,
}

/// Shows a release with its deployments, newest first, and the bug tickets it fixes.
pub async fn card(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Path(id): Path<String>,
    Query(query): Query<DoneQuery>,
) -> AppResult<Response> {
    authorize(&identity, Action::ReadInventory, Object::System)?;
    let release = releases::get_release(&state.db, path_id(&id)?)
        .await?
        .ok_or_else(AppError::not_found)?;
    let page =
        Page::new(&state, &context, "inventory-release-title").with_notice(query.notice(DONE_KEYS));
    let filter = DeploymentFilter {
        release_id: Some(release.id),
        ..DeploymentFilter::default()
    };
    let deployments = releases::list_deployments(&state.db, &filter, MAX_LIMIT)
        .await?
        .into_iter()
        .map(|d| DeploymentRow {
            at: page.datetime(&d.deployed_at),
            environment_id: d.environment_id,
            result: d.result.to_string(),
            result_label: page.label("inventory-deployment-result", d.result.as_ref()),
            environment: d.environment,
            by: d.deployed_by,
        })
        .collect();
    let fixes = releases::fixed_tickets(&state.db, release.id).await?;
    let deploy_url = format!(
        "/deployments/new?service={}&version={}",
        encode_query(&release.service),
        encode_query(&release.version)
    );
    render(&CardPage {
        deploy_url,
        created_at: page.datetime(&release.created_at),
        may_record: allows(&identity, Action::RecordDeployments, Object::System),
        release,
        deployments,
        fixes,
        page,
    })
}

/// The release form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ReleaseForm {
    pub service: String,
    pub version: String,
    pub notes: String,
}

#[derive(Template)]
#[template(path = "infra/release_form.html")]
struct FormPage {
    page: Page,
    form: ReleaseForm,
    services: Vec<Choice>,
    errors: FieldErrors,
}

/// Query of the release form: the service to preselect.
#[derive(Debug, Default, Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    service: String,
}

/// Shows an empty release form.
pub async fn new(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Query(query): Query<NewQuery>,
) -> AppResult<Response> {
    authorize(&identity, Action::RecordDeployments, Object::System)?;
    let form = ReleaseForm {
        service: query.service,
        ..ReleaseForm::default()
    };
    show(&state, &context, form, Rejection::none(FIELDS)).await
}

/// Records the release and opens its card.
pub async fn create(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Form(form): Form<ReleaseForm>,
) -> AppResult<Response> {
    authorize(&identity, Action::RecordDeployments, Object::System)?;
    let body = CreateRelease {
        service: form.service.clone(),
        version: form.version.clone(),
        notes: Some(form.notes.clone()),
    };
    match record_release(&state, &identity, &body).await {
        Ok(release) => saved(
            &format!("/releases/{}", release.id),
            "inventory-done-release-created",
        ),
        Err(error) => {
            let rejection = Rejection::of(&state, &context, FIELDS, error)?;
            show(&state, &context, form, rejection).await
        }
    }
}

async fn show(
    state: &AppState,
    context: &Context,
    form: ReleaseForm,
    rejection: Rejection,
) -> AppResult<Response> {
    let page = Page::new(state, context, "inventory-release-new-title");
    let services = service_choices(state, &page, &form.service).await?;
    let html = render(&FormPage {
        page,
        form,
        services,
        errors: rejection.errors,
    });
    respond(rejection.status, html)
}

/// Options of a service select by name, with an empty "choose" option first.
pub async fn service_choices(
    state: &AppState,
    page: &Page,
    selected: &str,
) -> AppResult<Vec<Choice>> {
    let mut choices = vec![Choice::new(
        "",
        page.t("inventory-form-choose"),
        selected.is_empty(),
    )];
    for service in environments::list_services(&state.db).await? {
        let chosen = service.name == selected;
        choices.push(Choice::new(&service.name, &service.name, chosen));
    }
    Ok(choices)
}
