//! The environment forms: a new environment (`/infra/environments/new`) and an
//! environment's edit form (`/infra/environments/{id}/edit`), with the hosts it runs on and
//! the client companies and shops it serves. The checks and the store calls are those of the
//! JSON API.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use domain::identity::{Action, Object};
use domain::infra::EnvironmentKind;
use domain::infra::inventory::check_name;
use store::infra::EnvironmentDraft;
use store::infra::environments::{self, Environment, Member};
use store::infra::{HostListQuery, hosts, sites};

use super::form::{Rejection, new_or_edit, optional_id, respond, saved, whole_number};
use crate::api::environments::readable_environment;
use crate::api::inventory::optional_text;
use crate::api::tickets::{MAX_LIMIT, path_id};
use crate::context::{Auth, Context, Identity};
use crate::error::AppResult;
use crate::form::Form;
use crate::pages::{Choice, FieldErrors, Page, render};
use crate::servicedesk::access::{author, authorize};
use crate::state::AppState;

/// The fields the form shows messages beside.
const FIELDS: &[&str] = &[
    "name",
    "kind",
    "cluster_id",
    "description",
    "host_ids",
    "client_ids",
    "shop_ids",
];

/// The environment form as typed; the id lists come from repeated checkboxes.
#[derive(Debug, Clone, Default)]
pub struct EnvironmentForm {
    pub name: String,
    pub kind: String,
    pub cluster_id: String,
    pub description: String,
    pub host_ids: Vec<String>,
    pub client_ids: Vec<String>,
    pub shop_ids: Vec<String>,
    /// The version the edit is based on; empty on creation.
    pub version: String,
}

impl EnvironmentForm {
    /// Reads the form's fields, keeping every value of the repeated id fields.
    fn read(pairs: Vec<(String, String)>) -> EnvironmentForm {
        let mut form = EnvironmentForm::default();
        for (name, value) in pairs {
            match name.as_str() {
                "name" => form.name = value,
                "kind" => form.kind = value,
                "cluster_id" => form.cluster_id = value,
                "description" => form.description = value,
                "host_ids" => form.host_ids.push(value),
                "client_ids" => form.client_ids.push(value),
                "shop_ids" => form.shop_ids.push(value),
                "version" => form.version = value,
                _ => {}
            }
        }
        form
    }

    async fn of(state: &AppState, environment: &Environment) -> AppResult<EnvironmentForm> {
        let ids = |members: Vec<Member>| members.into_iter().map(|m| m.id.to_string()).collect();
        Ok(EnvironmentForm {
            name: environment.name.clone(),
            kind: environment.kind.to_string(),
            cluster_id: environment
                .cluster_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
            description: environment.description.clone().unwrap_or_default(),
            host_ids: ids(environments::hosts_of(&state.db, environment.id).await?),
            client_ids: ids(environments::clients_of(&state.db, environment.id).await?),
            shop_ids: ids(environments::shops_of(&state.db, environment.id).await?),
            version: environment.version.to_string(),
        })
    }

    /// Checks the fields as `POST /api/v1/environments` does.
    fn draft(&self) -> Result<EnvironmentDraft, domain::Invalid> {
        let ids = |field: &str, values: &[String]| -> Result<Vec<i64>, domain::Invalid> {
            values.iter().map(|v| whole_number(field, v)).collect()
        };
        Ok(EnvironmentDraft {
            name: check_name("name", &self.name)?,
            kind: EnvironmentKind::parse("kind", &self.kind)?,
            cluster_id: optional_id("cluster_id", &self.cluster_id)?,
            description: optional_text("description", Some(self.description.as_str()))?,
            host_ids: ids("host_ids", &self.host_ids)?,
            client_ids: ids("client_ids", &self.client_ids)?,
            shop_ids: ids("shop_ids", &self.shop_ids)?,
        })
    }
}

#[derive(Template)]
#[template(path = "infra/environment_form.html")]
struct FormPage {
    page: Page,
    id: Option<i64>,
    action: String,
    form: EnvironmentForm,
    kinds: Vec<Choice>,
    clusters: Vec<Choice>,
    hosts: Vec<Choice>,
    clients: Vec<Choice>,
    shops: Vec<Choice>,
    errors: FieldErrors,
    conflict: bool,
}

/// Shows an empty environment form.
pub async fn new(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
) -> AppResult<Response> {
    authorize(&identity, Action::ManageInventory, Object::System)?;
    let form = EnvironmentForm {
        kind: EnvironmentKind::Test.to_string(),
        ..EnvironmentForm::default()
    };
    show(&state, &context, None, form, Rejection::none(FIELDS)).await
}

/// Creates the environment and opens its page.
pub async fn create(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    authorize(&identity, Action::ManageInventory, Object::System)?;
    let form = EnvironmentForm::read(pairs);
    match save_new(&state, &identity, &form).await {
        Ok(environment) => saved(
            &format!("/infra/environments/{}", environment.id),
            "inventory-done-environment-created",
        ),
        Err(error) => {
            let rejection = Rejection::of(&state, &context, FIELDS, error)?;
            show(&state, &context, None, form, rejection).await
        }
    }
}

async fn save_new(
    state: &AppState,
    identity: &Identity,
    form: &EnvironmentForm,
) -> AppResult<Environment> {
    let draft = form.draft()?;
    let environment =
        environments::create(&state.db, &draft, &author(identity), domain::time::now()).await?;
    tracing::info!(environment_id = environment.id, "environment created");
    Ok(environment)
}

/// Shows an environment's edit form.
pub async fn edit(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let environment = readable_environment(&state, &identity, path_id(&id)?).await?;
    authorize(&identity, Action::ManageInventory, Object::System)?;
    let form = EnvironmentForm::of(&state, &environment).await?;
    let rejection = Rejection::none(FIELDS);
    show(&state, &context, Some(environment.id), form, rejection).await
}

/// Saves the edit form if the environment's `version` is still current. Otherwise it shows the
/// form again with the conflict, keeping the version the edit was based on, so saving again
/// conflicts again until the user reopens the current record.
pub async fn update(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let environment = readable_environment(&state, &identity, path_id(&id)?).await?;
    authorize(&identity, Action::ManageInventory, Object::System)?;
    let form = EnvironmentForm::read(pairs);
    match save_edit(&state, &identity, environment.id, &form).await {
        Ok(stored) => saved(
            &format!("/infra/environments/{}", stored.id),
            "inventory-done-environment-saved",
        ),
        Err(error) => {
            let rejection = Rejection::of(&state, &context, FIELDS, error)?;
            show(&state, &context, Some(environment.id), form, rejection).await
        }
    }
}

async fn save_edit(
    state: &AppState,
    identity: &Identity,
    id: i64,
    form: &EnvironmentForm,
) -> AppResult<Environment> {
    let version = whole_number("version", &form.version)?;
    let draft = form.draft()?;
    let saved = environments::update(
        &state.db,
        id,
        version,
        &draft,
        &author(identity),
        domain::time::now(),
    )
    .await?;
    tracing::info!(
        environment_id = saved.id,
        version = saved.version,
        "environment saved"
    );
    Ok(saved)
}

async fn show(
    state: &AppState,
    context: &Context,
    id: Option<i64>,
    form: EnvironmentForm,
    rejection: Rejection,
) -> AppResult<Response> {
    let (title, action) = new_or_edit(
        "/infra/environments",
        id,
        "inventory-environment-new-title",
        "inventory-environment-edit-title",
    );
    let page = Page::new(state, context, title);
    let mut clusters = vec![Choice::new(
        "",
        page.t("inventory-form-none"),
        form.cluster_id.is_empty(),
    )];
    for cluster in sites::list_clusters(&state.db).await? {
        let value = cluster.id.to_string();
        let chosen = value == form.cluster_id;
        clusters.push(Choice::new(value, cluster.name, chosen));
    }
    let hosts = member_choices(host_members(state).await?, &form.host_ids);
    let clients = member_choices(client_members(state).await?, &form.client_ids);
    let shops = member_choices(
        store::shops::list(&state.db)
            .await?
            .into_iter()
            .map(|s| Member {
                id: s.id,
                name: s.name,
            })
            .collect(),
        &form.shop_ids,
    );
    let html = render(&FormPage {
        action,
        kinds: page.choices(
            "inventory-environment-kind",
            &EnvironmentKind::names(),
            &[form.kind.as_str()],
        ),
        clusters,
        hosts,
        clients,
        shops,
        errors: rejection.errors,
        conflict: rejection.conflict,
        id,
        form,
        page,
    });
    respond(rejection.status, html)
}

// NOTE: the host and client checkboxes list the first MAX_LIMIT of each by name. A checked
// id beyond that is still sent back, because `member_choices` adds every checked id.
async fn host_members(state: &AppState) -> AppResult<Vec<Member>> {
    let query = HostListQuery {
        limit: MAX_LIMIT,
        ..HostListQuery::default()
    };
    let (found, _) = hosts::list(&state.db, &query).await?;
    Ok(found
        .into_iter()
        .map(|h| Member {
            id: h.id,
            name: h.technical_name,
        })
        .collect())
}

async fn client_members(state: &AppState) -> AppResult<Vec<Member>> {
    let query = store::crm::clients::ClientListQuery {
        limit: MAX_LIMIT,
        ..Default::default()
    };
    let (found, _) = store::crm::clients::list(&state.db, &query).await?;
    Ok(found
        .into_iter()
        .map(|c| Member {
            id: c.id,
            name: c.name,
        })
        .collect())
}

/// Builds checkboxes over `members`, checking the ids in `checked`. A checked id that is not
/// among `members` still gets a box, named by its id, so saving the form does not drop it.
fn member_choices(members: Vec<Member>, checked: &[String]) -> Vec<Choice> {
    let mut choices: Vec<Choice> = members
        .into_iter()
        .map(|m| {
            let value = m.id.to_string();
            let chosen = checked.contains(&value);
            Choice::new(value, m.name, chosen)
        })
        .collect();
    for id in checked {
        if !choices.iter().any(|c| &c.value == id) {
            choices.push(Choice::new(id.clone(), format!("#{id}"), true));
        }
    }
    choices
}
