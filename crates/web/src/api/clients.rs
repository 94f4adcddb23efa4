//! Client routes of the JSON API: create, list with search, read and change a client card,
//! and its contacts.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use domain::crm::client::{ContactDraft, ContactInput};
use domain::crm::requisites::RequisitesInput;
use domain::crm::{ClientDraft, ClientInput, ClientKind, ClientStatus};
use domain::identity::{Action, Object};
use serde::{Deserialize, Serialize};
use store::crm::clients::{self, Client, ClientListQuery, PhoneMatch, RequisitesPeriod};
use store::crm::contacts::{self, Contact};
use utoipa::{IntoParams, ToSchema};

use super::json::ApiJson;
use super::tickets::{DEFAULT_LIMIT, MAX_LIMIT, parse_bounded, path_id};
use crate::context::Auth;
use crate::crm::access::{self, readable_client};
use crate::error::{AppError, AppResult};
use crate::query::Query;
use crate::servicedesk::access::authorize;
use crate::state::AppState;

/// A client card as the API returns it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClientJson {
    pub id: i64,
    /// `legal_entity`, `entrepreneur`, `self_employed` or `person`.
    pub kind: String,
    pub name: String,
    /// `prospect`, `active`, `suspended` or `closed`.
    pub status: String,
    /// ИНН: 10 digits for a legal entity, 12 for a natural person.
    pub inn: Option<String>,
    /// КПП, legal entities only.
    pub kpp: Option<String>,
    /// ОГРН of a legal entity or ОГРНИП of an entrepreneur.
    pub ogrn: Option<String>,
    /// БИК of the bank.
    pub bik: Option<String>,
    pub settlement_account: Option<String>,
    pub correspondent_account: Option<String>,
    pub legal_address: Option<String>,
    pub postal_address: Option<String>,
    /// The main phone in E.164, such as `+79261234567`.
    pub phone: Option<String>,
    /// The extension of the main phone, digits only.
    pub phone_extension: Option<String>,
    pub email: Option<String>,
    /// The account manager's login.
    pub manager: Option<String>,
    /// Increases with every change; send it back to change the client.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The client's card.
    pub url: String,
}

impl ClientJson {
    /// Converts a stored client; `public_url` makes the card link absolute.
    pub fn new(client: Client, public_url: &str) -> ClientJson {
        ClientJson {
            url: format!("{public_url}/clients/{}", client.id),
            id: client.id,
            kind: client.kind.to_string(),
            name: client.name,
            status: client.status.to_string(),
            inn: client.inn,
            kpp: client.kpp,
            ogrn: client.ogrn,
            bik: client.bik,
            settlement_account: client.settlement_account,
            correspondent_account: client.correspondent_account,
            legal_address: client.legal_address,
            postal_address: client.postal_address,
            phone: client.phone,
            phone_extension: client.phone_extension,
            email: client.email,
            manager: client.manager_login,
            version: client.version,
            created_at: client.created_at,
            updated_at: client.updated_at,
        }
    }
}

/// Another client with the same phone number: a possible duplicate to look at.
#[derive(Debug, Serialize, ToSchema)]
pub struct PhoneDuplicateJson {
    pub client_id: i64,
    pub client_name: String,
    /// The shared number in E.164.
    pub phone: String,
    /// The other client's contact person with this number, if the match is a contact.
    pub contact_name: Option<String>,
}

impl From<PhoneMatch> for PhoneDuplicateJson {
    fn from(found: PhoneMatch) -> Self {
        PhoneDuplicateJson {
            client_id: found.client_id,
            client_name: found.client_name,
            phone: found.phone,
            contact_name: found.contact_name,
        }
    }
}

/// A client with the other clients that share its phones.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClientSaved {
    #[serde(flatten)]
    pub client: ClientJson,
    /// Other clients with the same phone number; saving is allowed, but check them.
    pub phone_duplicates: Vec<PhoneDuplicateJson>,
}

/// A contact person.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactJson {
    pub id: i64,
    pub name: String,
    pub position: Option<String>,
    /// The phone in E.164.
    pub phone: Option<String>,
    pub phone_extension: Option<String>,
    pub email: Option<String>,
}

impl From<Contact> for ContactJson {
    fn from(contact: Contact) -> Self {
        ContactJson {
            id: contact.id,
            name: contact.name,
            position: contact.position,
            phone: contact.phone,
            phone_extension: contact.phone_extension,
            email: contact.email,
        }
    }
}

/// One period of a client's requisites.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequisitesJson {
    pub kind: String,
    pub inn: Option<String>,
    pub kpp: Option<String>,
    pub ogrn: Option<String>,
    pub bik: Option<String>,
    pub settlement_account: Option<String>,
    pub correspondent_account: Option<String>,
    /// First day in force.
    pub valid_from: NaiveDate,
    /// Last day in force; `null` for the current requisites.
    pub valid_to: Option<NaiveDate>,
}

impl From<RequisitesPeriod> for RequisitesJson {
    fn from(period: RequisitesPeriod) -> Self {
        RequisitesJson {
            kind: period.kind,
            inn: period.inn,
            kpp: period.kpp,
            ogrn: period.ogrn,
            bik: period.bik,
            settlement_account: period.settlement_account,
            correspondent_account: period.correspondent_account,
            valid_from: period.valid_from,
            valid_to: period.valid_to,
        }
    }
}

/// A client card with its contacts, requisites history and phone duplicates.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClientDetail {
    #[serde(flatten)]
    pub client: ClientJson,
    pub phone_duplicates: Vec<PhoneDuplicateJson>,
    pub contacts: Vec<ContactJson>,
    /// Requisites over time, newest first.
    pub requisites_history: Vec<RequisitesJson>,
}

/// A page of clients.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClientList {
    pub items: Vec<ClientJson>,
    /// Matches in total, for paging.
    pub total: i64,
}

/// Search, filters and paging of `GET /clients`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClientListParams {
    /// Text in the name, ИНН or a phone in any notation; `ё` matches `е`.
    pub q: Option<String>,
    /// One status.
    pub status: Option<String>,
    /// One kind.
    pub kind: Option<String>,
    /// Page size, 1 to 1000 (default 50).
    pub limit: Option<String>,
    /// Clients to skip (default 0).
    pub offset: Option<String>,
}

impl ClientListParams {
    /// Validates the parameters into a store query.
    pub fn to_query(&self) -> Result<ClientListQuery, domain::Invalid> {
        let present = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        Ok(ClientListQuery {
            text: present(&self.q),
            status: present(&self.status)
                .map(|s| ClientStatus::parse("status", &s))
                .transpose()?,
            kind: present(&self.kind)
                .map(|k| ClientKind::parse("kind", &k))
                .transpose()?,
            client_id: None,
            limit: match present(&self.limit) {
                Some(limit) => parse_bounded("limit", &limit, 1, MAX_LIMIT)?,
                None => DEFAULT_LIMIT,
            },
            offset: match present(&self.offset) {
                Some(offset) => parse_bounded("offset", &offset, 0, i64::MAX)?,
                None => 0,
            },
        })
    }
}

/// Lists clients the requester may see, by name.
#[utoipa::path(get, path = "/api/v1/clients", tag = "clients", params(ClientListParams),
    responses((status = 200, body = ClientList), (status = 401), (status = 422)))]
pub async fn list(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Query(params): Query<ClientListParams>,
) -> AppResult<Json<ClientList>> {
    authorize(&identity, Action::ReadClient, Object::System)?;
    let mut query = params.to_query()?;
    access::restrict(&identity, &mut query);
    let (found, total) = clients::list(&state.db, &query).await?;
    let items = found
        .into_iter()
        .map(|c| ClientJson::new(c, &state.config.public_url))
        .collect();
    Ok(Json(ClientList { items, total }))
}

/// Reads a client card with its contacts, requisites history and phone duplicates.
#[utoipa::path(get, path = "/api/v1/clients/{id}", tag = "clients",
    params(("id" = i64, Path, description = "Client id")),
    responses((status = 200, body = ClientDetail), (status = 404)))]
pub async fn get(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Path(id): Path<String>,
) -> AppResult<Json<ClientDetail>> {
    let client = readable_client(&state, &identity, path_id(&id)?).await?;
    let contacts = contacts::list(&state.db, client.id).await?;
    let phone_duplicates = access::phone_duplicates(&state, &identity, &client, &contacts).await?;
    let requisites_history = clients::requisites_history(&state.db, client.id)
        .await?
        .into_iter()
        .map(RequisitesJson::from)
        .collect();
    Ok(Json(ClientDetail {
        client: ClientJson::new(client, &state.config.public_url),
        phone_duplicates: phone_duplicates.into_iter().map(Into::into).collect(),
        contacts: contacts.into_iter().map(ContactJson::from).collect(),
        requisites_history,
    }))
}

/// Query of `GET /clients/{id}/requisites`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RequisitesParams {
    /// The document's date, `YYYY-MM-DD`; today (UTC) when absent.
    pub date: Option<String>,
}

/// Reads the requisites in force on a date, so a document prints those of its own date.
/// A date before the first recorded requisites is a 404.
#[utoipa::path(get, path = "/api/v1/clients/{id}/requisites", tag = "clients",
    params(("id" = i64, Path, description = "Client id"), RequisitesParams),
    responses((status = 200, body = RequisitesJson), (status = 404), (status = 422)))]
pub async fn requisites(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Path(id): Path<String>,
    Query(params): Query<RequisitesParams>,
) -> AppResult<Json<RequisitesJson>> {
    let client = readable_client(&state, &identity, path_id(&id)?).await?;
    let date = match params
        .date
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        Some(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map_err(|_| domain::Invalid::new("date", "client-date-invalid").arg("value", text))?,
        None => domain::time::now().date_naive(),
    };
    let period = clients::requisites_on(&state.db, client.id, date)
        .await?
        .ok_or_else(AppError::not_found)?;
    Ok(Json(period.into()))
}

/// Body of `POST /clients`. Absent, `null` and blank values mean the same.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateClient {
    /// `legal_entity`, `entrepreneur`, `self_employed` or `person`. Required.
    pub kind: Option<String>,
    /// Required.
    pub name: Option<String>,
    /// ИНН. Required.
    pub inn: Option<String>,
    /// КПП; required for a legal entity, invalid for any other kind.
    pub kpp: Option<String>,
    /// ОГРН of a legal entity or ОГРНИП of an entrepreneur.
    pub ogrn: Option<String>,
    /// Any common notation; stored in E.164 with the extension apart.
    pub phone: Option<String>,
    pub bik: Option<String>,
    pub settlement_account: Option<String>,
    pub correspondent_account: Option<String>,
    pub legal_address: Option<String>,
    pub postal_address: Option<String>,
    pub email: Option<String>,
    /// The account manager's login: an active staff user.
    pub manager: Option<String>,
    /// `active` when absent.
    pub status: Option<String>,
}

impl CreateClient {
    /// Returns the card's fields for the domain check.
    pub fn input(&self) -> ClientInput {
        ClientInput {
            kind: self.kind.clone().unwrap_or_default(),
            name: self.name.clone().unwrap_or_default(),
            requisites: RequisitesInput {
                inn: self.inn.clone(),
                kpp: self.kpp.clone(),
                ogrn: self.ogrn.clone(),
                bik: self.bik.clone(),
                settlement_account: self.settlement_account.clone(),
                correspondent_account: self.correspondent_account.clone(),
            },
            phone: self.phone.clone(),
            email: self.email.clone(),
            legal_address: self.legal_address.clone(),
            postal_address: self.postal_address.clone(),
            status: self.status.clone(),
        }
    }
}

/// Creates a client. The 422 names the first invalid field in the order `kind`, `inn`,
/// `kpp`, `ogrn`, `phone`, then the others. An ИНН (with the same КПП) that another client
/// has is a 409 `duplicate`, but another client with the same phone is only listed.
#[utoipa::path(post, path = "/api/v1/clients", tag = "clients", request_body = CreateClient,
    responses((status = 201, body = ClientSaved), (status = 403), (status = 409),
        (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    Auth(identity): Auth,
    ApiJson(body): ApiJson<CreateClient>,
) -> AppResult<Response> {
    authorize(&identity, Action::ManageClients, Object::System)?;
    let draft = check(&body.input())?;
    let client = access::create(&state, &identity, &draft, body.manager.as_deref()).await?;
    let saved = saved(&state, &identity, client).await?;
    Ok((StatusCode::CREATED, Json(saved)).into_response())
}

/// Checks a card and turns the first error into the API's 422.
pub fn check(input: &ClientInput) -> AppResult<ClientDraft> {
    ClientDraft::check(input).map_err(|errors| match errors.into_iter().next() {
        Some(first) => AppError::from(first),
        None => AppError::Internal("client check failed without an error".into()),
    })
}

async fn saved(
    state: &AppState,
    identity: &crate::context::Identity,
    client: Client,
) -> AppResult<ClientSaved> {
    let contacts = contacts::list(&state.db, client.id).await?;
    let duplicates = access::phone_duplicates(state, identity, &client, &contacts).await?;
    Ok(ClientSaved {
        client: ClientJson::new(client, &state.config.public_url),
        phone_duplicates: duplicates.into_iter().map(Into::into).collect(),
    })
}

/// Body of `PATCH /clients/{id}`: absent fields keep their values, an empty string clears
/// an optional one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateClient {
    pub kind: Option<String>,
    pub name: Option<String>,
    pub inn: Option<String>,
    pub kpp: Option<String>,
    pub ogrn: Option<String>,
    pub phone: Option<String>,
    pub bik: Option<String>,
    pub settlement_account: Option<String>,
    pub correspondent_account: Option<String>,
    pub legal_address: Option<String>,
    pub postal_address: Option<String>,
    pub email: Option<String>,
    pub manager: Option<String>,
    pub status: Option<String>,
    /// The version the change is based on.
    pub version: i64,
}

impl UpdateClient {
    /// Applies these changes to `client` and returns the card and the manager's login.
    fn merged(&self, client: &Client) -> (ClientInput, Option<String>) {
        let keep = |change: &Option<String>, current: &Option<String>| {
            change.clone().or_else(|| current.clone())
        };
        let phone = client
            .phone
            .as_ref()
            .map(|phone| match &client.phone_extension {
                Some(extension) => format!("{phone} доб. {extension}"),
                None => phone.clone(),
            });
        let input = ClientInput {
            kind: self.kind.clone().unwrap_or_else(|| client.kind.to_string()),
            name: self.name.clone().unwrap_or_else(|| client.name.clone()),
            requisites: RequisitesInput {
                inn: keep(&self.inn, &client.inn),
                kpp: keep(&self.kpp, &client.kpp),
                ogrn: keep(&self.ogrn, &client.ogrn),
                bik: keep(&self.bik, &client.bik),
                settlement_account: keep(&self.settlement_account, &client.settlement_account),
                correspondent_account: keep(
                    &self.correspondent_account,
                    &client.correspondent_account,
                ),
            },
            phone: keep(&self.phone, &phone),
            email: keep(&self.email, &client.email),
            legal_address: keep(&self.legal_address, &client.legal_address),
            postal_address: keep(&self.postal_address, &client.postal_address),
            status: Some(
                self.status
                    .clone()
                    .unwrap_or_else(|| client.status.to_string()),
            ),
        };
        (input, keep(&self.manager, &client.manager_login))
    }
}

/// Changes a client card. A stale `version` is a 409 `conflict`, and the checks and the
/// duplicate rule are those of creation.
#[utoipa::path(patch, path = "/api/v1/clients/{id}", tag = "clients", request_body = UpdateClient,
    params(("id" = i64, Path, description = "Client id")),
    responses((status = 200, body = ClientSaved), (status = 403), (status = 404),
        (status = 409), (status = 422)))]
pub async fn update(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UpdateClient>,
) -> AppResult<Json<ClientSaved>> {
    let client = access::manageable_client(&state, &identity, path_id(&id)?).await?;
    let (input, manager) = body.merged(&client);
    let draft = check(&input)?;
    let client = access::update(
        &state,
        &identity,
        client.id,
        body.version,
        &draft,
        manager.as_deref(),
    )
    .await?;
    Ok(Json(saved(&state, &identity, client).await?))
}

/// Body of `POST /clients/{id}/contacts`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateContact {
    pub name: String,
    pub position: Option<String>,
    /// Any common notation; stored in E.164. A phone or an e-mail is required.
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// Adds a contact person to a client.
#[utoipa::path(post, path = "/api/v1/clients/{id}/contacts", tag = "clients",
    request_body = CreateContact, params(("id" = i64, Path, description = "Client id")),
    responses((status = 201, body = ContactJson), (status = 403), (status = 404),
        (status = 422)))]
pub async fn add_contact(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<CreateContact>,
) -> AppResult<Response> {
    let client = access::manageable_client(&state, &identity, path_id(&id)?).await?;
    let input = ContactInput {
        name: body.name,
        position: body.position,
        phone: body.phone,
        email: body.email,
    };
    // The form's field names carry a `contact_` prefix that the API's do not.
    let draft = ContactDraft::check(&input).map_err(|errors| match errors.into_iter().next() {
        Some(mut first) => {
            first.field = first.field.trim_start_matches("contact_").to_string();
            AppError::from(first)
        }
        None => AppError::Internal("contact check failed without an error".into()),
    })?;
    let author = crate::servicedesk::access::author(&identity);
    let contact_id =
        contacts::add(&state.db, client.id, &draft, &author, domain::time::now()).await?;
    let contact = contacts::list(&state.db, client.id)
        .await?
        .into_iter()
        .find(|c| c.id == contact_id)
        .ok_or_else(AppError::not_found)?;
    Ok((StatusCode::CREATED, Json(ContactJson::from(contact))).into_response())
}

/// Removes a contact person of a client.
#[utoipa::path(delete, path = "/api/v1/clients/{id}/contacts/{contact_id}", tag = "clients",
    params(("id" = i64, Path, description = "Client id"),
        ("contact_id" = i64, Path, description = "Contact id")),
    responses((status = 204), (status = 403), (status = 404)))]
pub async fn remove_contact(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Path((id, contact_id)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    let client = access::manageable_client(&state, &identity, path_id(&id)?).await?;
    let author = crate::servicedesk::access::author(&identity);
    let removed = contacts::remove(
        &state.db,
        client.id,
        path_id(&contact_id)?,
        &author,
        domain::time::now(),
    )
    .await?;
    if !removed {
        return Err(AppError::not_found());
    }
    Ok(StatusCode::NO_CONTENT)
}
