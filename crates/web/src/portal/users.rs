//! A client administrator's user administration (`/portal/users`): the company's users, the
//! invitation form and deactivation. Every check runs through `decide` on the company the
//! user belongs to, so another company's user or a staff user is a 404.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::Invalid;
use domain::identity::{Action, Object, Role, normalize_login};
use store::identity::password_links;
use store::identity::users::{self, NewUser, User, UserChange};

use super::company_of;
use crate::api::tickets::path_id;
use crate::context::{Auth, Context, Identity};
use crate::error::{AppError, AppResult};
use crate::form::Form;
use crate::identity::password;
use crate::pages::{Choice, DoneQuery, FieldErrors, Page, Params, render};
use crate::query::Query;
use crate::servicedesk::access::{author, authorize};
use crate::state::AppState;

/// Notices a redirect to the user list may ask for with `?done=KEY`.
const DONE_KEYS: &[&str] = &["portal-done-deactivated"];

/// The invitation form's fields; errors about others go above the form.
const FIELDS: &[&str] = &["login", "display_name", "email", "role"];

/// The roles a client administrator may give.
const ROLES: &[Role] = &[Role::ClientUser, Role::ClientAdmin];

#[derive(Template)]
#[template(path = "portal/users.html")]
struct UsersPage {
    page: Page,
    users: Vec<UserRow>,
    input: InviteInput,
    roles: Vec<Choice>,
    errors: FieldErrors,
    /// The set-password link of the user just invited, shown once.
    invited: Option<Invited>,
}

struct UserRow {
    id: i64,
    login: String,
    display_name: String,
    email: String,
    role: String,
    /// `active`, `invited` (no password set yet) or `disabled`.
    state: &'static str,
    version: i64,
    /// Whether the row is the signed-in administrator, who cannot deactivate themselves.
    is_self: bool,
}

struct Invited {
    login: String,
    link: String,
}

/// The invitation form's fields as typed, so an invalid form shows them again.
#[derive(Debug, Clone, Default)]
struct InviteInput {
    login: String,
    display_name: String,
    email: String,
    role: String,
}

impl InviteInput {
    fn read(params: &Params) -> InviteInput {
        let text = |key: &str| params.get(key).unwrap_or_default().trim().to_string();
        InviteInput {
            login: text("login"),
            display_name: text("display_name"),
            email: text("email"),
            role: text("role"),
        }
    }
}

/// Checks that the signed-in user administers the users of their company, and returns it.
fn managed_company(identity: &Identity) -> AppResult<i64> {
    let client_id = company_of(identity)?;
    authorize(
        identity,
        Action::ManageUsers,
        Object::Client { id: client_id },
    )?;
    Ok(client_id)
}

/// Lists the company's users with the invitation form.
pub async fn list(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Query(query): Query<DoneQuery>,
) -> AppResult<Response> {
    let client_id = managed_company(&identity)?;
    let page =
        Page::new(&state, &context, "portal-users-title").with_notice(query.notice(DONE_KEYS));
    let input = InviteInput {
        role: Role::ClientUser.to_string(),
        ..InviteInput::default()
    };
    show(
        &state,
        &identity,
        page,
        client_id,
        input,
        FieldErrors::new(FIELDS),
        None,
    )
    .await
}

/// Invites a user into the company: creates them without a password and shows a one-time
/// link, valid for 72 hours, to set one.
pub async fn invite(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let client_id = managed_company(&identity)?;
    let input = InviteInput::read(&Params::new("/portal/users", &pairs));
    let page = Page::new(&state, &context, "portal-users-title");
    match create_invite(&state, &identity, client_id, &input).await {
        Ok(invited) => {
            let fresh = InviteInput {
                role: Role::ClientUser.to_string(),
                ..InviteInput::default()
            };
            let errors = FieldErrors::new(FIELDS);
            show(
                &state,
                &identity,
                page,
                client_id,
                fresh,
                errors,
                Some(invited),
            )
            .await
        }
        Err(AppError::Problem(problem)) if problem.status.is_client_error() => {
            let mut errors = FieldErrors::new(FIELDS);
            errors.add_problem(&state.i18n, context.lang, &problem);
            let status = problem.status;
            let page = show(&state, &identity, page, client_id, input, errors, None).await?;
            Ok((status, page).into_response())
        }
        Err(error) => Err(error),
    }
}

async fn create_invite(
    state: &AppState,
    identity: &Identity,
    client_id: i64,
    input: &InviteInput,
) -> AppResult<Invited> {
    let login = normalize_login(&input.login)?;
    if input.display_name.is_empty() {
        return Err(Invalid::missing("display_name").into());
    }
    let email = if input.email.is_empty() {
        None
    } else {
        Some(domain::crm::client::check_email(&input.email)?)
    };
    let role = Role::parse("role", &input.role)?;
    if !ROLES.contains(&role) {
        let names: Vec<&str> = ROLES.iter().map(|r| r.into()).collect();
        return Err(Invalid::not_one_of("role", &input.role, &names).into());
    }

    let secret = password::random_token(32);
    let new = NewUser {
        login,
        display_name: input.display_name.clone(),
        email,
        role,
        client_id: Some(client_id),
        password_hash: None,
        locale: identity.user.locale.clone(),
    };
    let user = password_links::invite(
        &state.db,
        &new,
        &password::secret_hash(&secret),
        &author(identity),
        domain::time::now(),
    )
    .await?;
    tracing::info!(user_id = user.id, client_id, role = %user.role, "client user invited");
    // TODO: send the link by e-mail once outgoing mail exists; the administrator passes it
    // on by hand until then.
    let base = state.config.public_url.trim_end_matches('/');
    Ok(Invited {
        login: user.login,
        link: format!("{base}/set-password/{secret}"),
    })
}

/// Deactivates a user of the company: their sessions end and their tokens stop working.
pub async fn deactivate(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let id = path_id(&id)?;

    let target = users::get(&state.db, id)
        .await?
        .ok_or_else(AppError::not_found)?;
    // Staff users belong to no company, so no client administrator may know of them.
    let target_company = target.client_id.ok_or_else(AppError::not_found)?;
    authorize(
        &identity,
        Action::ManageUsers,
        Object::Client { id: target_company },
    )?;

    if target.id == identity.user.id {
        return Err(Invalid::new("id", "portal-error-deactivate-self").into());
    }
    let params = Params::new("/portal/users", &pairs);
    let version = params
        .get("version")
        .and_then(|v| v.trim().parse::<i64>().ok())
        .ok_or_else(|| Invalid::missing("version"))?;

    let change = UserChange {
        disabled: Some(true),
        ..UserChange::default()
    };
    users::update(
        &state.db,
        target.id,
        Some(version),
        &change,
        &author(&identity),
        domain::time::now(),
    )
    .await?;
    tracing::info!(
        user_id = target.id,
        client_id = target_company,
        "client user deactivated"
    );
    Ok(Redirect::to("/portal/users?done=portal-done-deactivated").into_response())
}

async fn show(
    state: &AppState,
    identity: &Identity,
    page: Page,
    client_id: i64,
    input: InviteInput,
    errors: FieldErrors,
    invited: Option<Invited>,
) -> AppResult<Response> {
    let users = users::list_of_client(&state.db, client_id)
        .await?
        .iter()
        .map(|user| row(&page, identity, user))
        .collect();
    let roles = ROLES
        .iter()
        .map(|role| {
            let name: &str = role.into();
            Choice::new(name, page.label("role", name), input.role == name)
        })
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let html = render(&UsersPage {
        page,
        users,
        input,
        roles,
        errors,
        invited,
    })?;
    Ok((status, html).into_response())
}

fn row(page: &Page, identity: &Identity, user: &User) -> UserRow {
    let state = if user.disabled {
        "disabled"
    } else if user.password_hash.is_none() {
        "invited"
    } else {
        "active"
    };
    UserRow {
        id: user.id,
        login: user.login.clone(),
        display_name: user.display_name.clone(),
        email: user.email.clone().unwrap_or_default(),
        role: page.label("role", &user.role),
        state,
        version: user.version,
        is_self: user.id == identity.user.id,
    }
}
