//! The deployment form (`/deployments/new`): what a deployment tool posts to
//! `POST /api/v1/deployments`, typed by a person. The deployer is the signed-in user and the
//! time is local to the display zone, now by default.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::{NaiveDateTime, TimeZone, Utc};
use domain::identity::{Action, Object};
use domain::infra::DeploymentResult;
use serde::Deserialize;
use store::infra::environments;

use super::form::{Rejection, respond, saved as redirect_saved};
use super::releases::service_choices;
use crate::api::deployments::{CreateDeployment, record_deployment};
use crate::context::{Auth, Context};
use crate::error::AppResult;
use crate::form::Form;
use crate::pages::{Choice, FieldErrors, Page, render};
use crate::query::Query;
use crate::servicedesk::access::authorize;
use crate::state::AppState;

/// The fields the form shows messages beside.
const FIELDS: &[&str] = &["service", "version", "environment", "result", "deployed_at"];

/// The format of an `<input type="datetime-local">` value.
const LOCAL_TIME_FORMAT: &str = "%Y-%m-%dT%H:%M";

/// The deployment form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DeploymentForm {
    pub service: String,
    pub version: String,
    pub environment: String,
    pub result: String,
    /// Local time in the display zone, such as `2026-12-05T14:30`.
    pub deployed_at: String,
}

#[derive(Template)]
#[template(path = "infra/deployment_form.html")]
struct FormPage {
    page: Page,
    form: DeploymentForm,
    services: Vec<Choice>,
    environments: Vec<Choice>,
    results: Vec<Choice>,
    errors: FieldErrors,
}

/// Query of the form: the service and version to fill in, as a release's card links them.
#[derive(Debug, Default, Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    service: String,
    #[serde(default)]
    version: String,
}

/// Shows the deployment form, set to a successful deployment that finished now.
pub async fn new(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Query(query): Query<NewQuery>,
) -> AppResult<Response> {
    authorize(&identity, Action::RecordDeployments, Object::System)?;
    let now = domain::time::now().with_timezone(&state.config.display_zone);
    let form = DeploymentForm {
        service: query.service,
        version: query.version,
        result: DeploymentResult::Succeeded.to_string(),
        deployed_at: now.format(LOCAL_TIME_FORMAT).to_string(),
        ..DeploymentForm::default()
    };
    show(&state, &context, form, Rejection::none(FIELDS)).await
}

/// Records the deployment by the signed-in user and opens its release's card.
pub async fn create(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Form(form): Form<DeploymentForm>,
) -> AppResult<Response> {
    authorize(&identity, Action::RecordDeployments, Object::System)?;
    let saved = match deployed_at(&state, &form.deployed_at) {
        Ok(time) => {
            let body = CreateDeployment {
                service: form.service.clone(),
                version: form.version.clone(),
                environment: form.environment.clone(),
                result: form.result.clone(),
                deployed_at: Some(time),
                deployed_by: None,
            };
            record_deployment(&state, &identity, &body).await
        }
        Err(invalid) => Err(invalid.into()),
    };
    match saved {
        Ok((deployment, _)) => redirect_saved(
            &format!("/releases/{}", deployment.release_id),
            "inventory-done-deployment-recorded",
        ),
        Err(error) => {
            let rejection = Rejection::of(&state, &context, FIELDS, error)?;
            show(&state, &context, form, rejection).await
        }
    }
}

/// Reads the local time typed into `deployed_at` in the display zone. A time that the zone
/// skips (a clock change) is invalid; one it repeats is read as the earlier instant.
fn deployed_at(state: &AppState, value: &str) -> Result<chrono::DateTime<Utc>, domain::Invalid> {
    let typed = value.trim();
    if typed.is_empty() {
        return Err(domain::Invalid::missing("deployed_at"));
    }
    let invalid =
        || domain::Invalid::new("deployed_at", "inventory-form-time-invalid").arg("value", typed);
    let local = NaiveDateTime::parse_from_str(typed, LOCAL_TIME_FORMAT).map_err(|_| invalid())?;
    let instant = state
        .config
        .display_zone
        .from_local_datetime(&local)
        .earliest()
        .ok_or_else(invalid)?;
    Ok(instant.with_timezone(&Utc))
}

async fn show(
    state: &AppState,
    context: &Context,
    form: DeploymentForm,
    rejection: Rejection,
) -> AppResult<Response> {
    let page = Page::new(state, context, "inventory-deployment-new-title");
    let services = service_choices(state, &page, &form.service).await?;
    let mut environments = vec![Choice::new(
        "",
        page.t("inventory-form-choose"),
        form.environment.is_empty(),
    )];
    for environment in environments::list(&state.db, None).await? {
        let chosen = environment.name == form.environment;
        let label = format!(
            "{} ({})",
            environment.name,
            page.label("inventory-environment-kind", environment.kind.as_ref())
        );
        environments.push(Choice::new(&environment.name, label, chosen));
    }
    let html = render(&FormPage {
        services,
        environments,
        results: page.choices(
            "inventory-deployment-result",
            &DeploymentResult::names(),
            &[form.result.as_str()],
        ),
        errors: rejection.errors,
        form,
        page,
    });
    respond(rejection.status, html)
}
