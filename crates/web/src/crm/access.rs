//! Helpers the client pages and API routes share: the permission check on a card, the list
//! restriction for client users, duplicate reporting and the logged save.

use domain::crm::ClientDraft;
use domain::identity::{Action, Object};
use store::crm::clients::{self, Client, ClientListQuery, PhoneMatch};
use store::crm::contacts::Contact;

use crate::context::Identity;
use crate::error::{AppError, AppResult, Problem};
use crate::servicedesk::access::{author, authorize};
use crate::state::AppState;

/// Loads a client the user may read; a missing or invisible client is the same 404.
pub async fn readable_client(state: &AppState, identity: &Identity, id: i64) -> AppResult<Client> {
    let client = clients::get(&state.db, id)
        .await?
        .ok_or_else(AppError::not_found)?;
    authorize(
        identity,
        Action::ReadClient,
        Object::Client { id: client.id },
    )?;
    Ok(client)
}

/// Loads a client the user may change: a 404 when they may not read it, a 403 when they
/// may only read it.
pub async fn manageable_client(
    state: &AppState,
    identity: &Identity,
    id: i64,
) -> AppResult<Client> {
    let client = readable_client(state, identity, id).await?;
    authorize(
        identity,
        Action::ManageClients,
        Object::Client { id: client.id },
    )?;
    Ok(client)
}

/// Restricts a list query to what the user may see: client users see their company only.
pub fn restrict(identity: &Identity, query: &mut ClientListQuery) {
    if identity.actor.role.is_client() {
        // A client user without a company gets an empty list, because -1 matches no client.
        query.client_id = Some(identity.actor.client_id.unwrap_or(-1));
    }
}

/// Finds other clients sharing the main phone or a contact's phone of `client`. Client users
/// get none, because the matches name other companies, which they may not see.
pub async fn phone_duplicates(
    state: &AppState,
    identity: &Identity,
    client: &Client,
    contacts: &[Contact],
) -> AppResult<Vec<PhoneMatch>> {
    if identity.actor.role.is_client() {
        return Ok(Vec::new());
    }
    let mut phones: Vec<String> = client.phone.iter().cloned().collect();
    phones.extend(contacts.iter().filter_map(|c| c.phone.clone()));
    phones.sort();
    phones.dedup();
    Ok(clients::phone_matches(&state.db, &phones, client.id).await?)
}

/// Builds the 409 for an ИНН and КПП that `existing` has already, naming that client.
fn duplicate(existing: &Client) -> AppError {
    Problem::new(
        axum::http::StatusCode::CONFLICT,
        "duplicate",
        "client-duplicate",
    )
    .arg("inn", existing.inn.clone().unwrap_or_default())
    .arg("kpp", existing.kpp.clone().unwrap_or_else(|| "-".into()))
    .arg("name", &existing.name)
    .arg("id", existing.id)
    .field("inn")
    .into()
}

/// Creates a client after the duplicate check, and logs it.
pub async fn create(
    state: &AppState,
    identity: &Identity,
    draft: &ClientDraft,
    manager: Option<&str>,
) -> AppResult<Client> {
    if let Some(existing) = clients::find_duplicate(&state.db, draft, None).await? {
        return Err(duplicate(&existing));
    }
    let client = clients::create(
        &state.db,
        draft,
        manager,
        &author(identity),
        domain::time::now(),
    )
    .await?;
    tracing::info!(client_id = client.id, "client created");
    Ok(client)
}

/// Saves a client's card if `version` is current, after the duplicate check, and logs it.
pub async fn update(
    state: &AppState,
    identity: &Identity,
    id: i64,
    version: i64,
    draft: &ClientDraft,
    manager: Option<&str>,
) -> AppResult<Client> {
    if let Some(existing) = clients::find_duplicate(&state.db, draft, Some(id)).await? {
        return Err(duplicate(&existing));
    }
    let client = clients::update(
        &state.db,
        id,
        version,
        draft,
        manager,
        &author(identity),
        domain::time::now(),
    )
    .await?;
    tracing::info!(
        client_id = client.id,
        version = client.version,
        "client saved"
    );
    Ok(client)
}
