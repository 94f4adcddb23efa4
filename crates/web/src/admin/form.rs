//! The user form shared by creation and editing: reading, checking and showing it.

use domain::Invalid;
use domain::identity::Role;
use store::identity::clients::{self, ClientRef};
use store::identity::users::User;
use store::servicedesk::queues::{self, Queue};

use crate::error::AppResult;
use crate::pages::{Choice, Page, Params};
use crate::state::AppState;

/// The user form's fields; errors about others go above the form.
pub const FIELDS: &[&str] = &[
    "login",
    "display_name",
    "email",
    "role",
    "client_id",
    "queues",
    "password",
    "disabled",
];

/// What the user form submitted, kept as typed so an invalid form shows it again.
#[derive(Debug, Clone, Default)]
pub struct UserInput {
    pub login: String,
    pub display_name: String,
    pub email: String,
    pub role: String,
    pub client_id: String,
    pub queues: Vec<String>,
    pub disabled: bool,
    pub version: String,
}

impl UserInput {
    /// Reads the submitted fields; repeated `queues` fields are all kept.
    pub fn read(params: &Params) -> UserInput {
        let text = |key: &str| params.get(key).unwrap_or_default().trim().to_string();
        UserInput {
            login: text("login"),
            display_name: text("display_name"),
            email: text("email"),
            role: text("role"),
            client_id: text("client_id"),
            queues: params
                .all("queues")
                .into_iter()
                .map(str::to_string)
                .collect(),
            disabled: params.get("disabled").is_some(),
            version: text("version"),
        }
    }

    /// The form as it shows a stored user.
    pub fn of(user: &User, queues: Vec<String>) -> UserInput {
        UserInput {
            login: user.login.clone(),
            display_name: user.display_name.clone(),
            email: user.email.clone().unwrap_or_default(),
            role: user.role.clone(),
            client_id: user.client_id.map(|id| id.to_string()).unwrap_or_default(),
            queues,
            disabled: user.disabled,
            version: user.version.to_string(),
        }
    }
}

/// The checked values of the user form.
#[derive(Debug, Clone)]
pub struct Checked {
    pub role: Role,
    pub client_id: Option<i64>,
    pub email: Option<String>,
    /// Queue codes; always empty for client roles, which belong to no queue.
    pub queues: Vec<String>,
}

/// Checks the fields both forms share: name, e-mail, role, client company and queues.
pub async fn check(state: &AppState, input: &UserInput) -> AppResult<Checked> {
    if input.display_name.is_empty() {
        return Err(Invalid::missing("display_name").into());
    }
    if !input.email.is_empty() && !input.email.contains('@') {
        return Err(Invalid::new("email", "admin-error-email")
            .arg("value", &input.email)
            .into());
    }
    let role = Role::parse("role", &input.role)?;
    let client_id = if role.is_client() {
        Some(client(state, &input.client_id).await?)
    } else {
        None
    };
    let known: Vec<String> = queues::list(&state.db)
        .await?
        .into_iter()
        .map(|queue| queue.code)
        .collect();
    if let Some(unknown) = input.queues.iter().find(|code| !known.contains(code)) {
        return Err(Invalid::new("queues", "error-unknown-queue")
            .arg("value", unknown)
            .into());
    }
    Ok(Checked {
        role,
        client_id,
        email: Some(input.email.clone()).filter(|e| !e.is_empty()),
        queues: if role.is_client() {
            Vec::new()
        } else {
            input.queues.clone()
        },
    })
}

async fn client(state: &AppState, raw: &str) -> AppResult<i64> {
    let id = raw
        .parse::<i64>()
        .map_err(|_| Invalid::new("client_id", "admin-error-client-required"))?;
    if clients::get(&state.db, id).await?.is_none() {
        return Err(Invalid::new("client_id", "admin-error-client-unknown")
            .arg("value", id)
            .into());
    }
    Ok(id)
}

/// The user form's options with the submitted values selected.
#[derive(Debug, Clone)]
pub struct UserForm {
    pub input: UserInput,
    pub roles: Vec<Choice>,
    pub clients: Vec<Choice>,
    pub queues: Vec<Choice>,
}

impl UserForm {
    /// Builds the options. `roles` limits the role list, since an existing user cannot
    /// move between staff and client roles.
    pub async fn new(
        state: &AppState,
        page: &Page,
        input: UserInput,
        roles: &[Role],
    ) -> AppResult<UserForm> {
        let role_names: Vec<&str> = roles.iter().map(|r| r.as_ref()).collect();
        let all_queues: Vec<Queue> = queues::list(&state.db).await?;
        let all_clients: Vec<ClientRef> = clients::list(&state.db).await?;
        let mut client_choices = vec![Choice::new("", "—", input.client_id.is_empty())];
        client_choices.extend(all_clients.iter().map(|c| {
            Choice::new(
                c.id.to_string(),
                &c.name,
                input.client_id == c.id.to_string(),
            )
        }));
        Ok(UserForm {
            roles: page.choices("role", &role_names, &[input.role.as_str()]),
            clients: client_choices,
            queues: all_queues
                .iter()
                .map(|q| {
                    let selected = input.queues.contains(&q.code);
                    Choice::new(&q.code, q.name(page.lang_code()), selected)
                })
                .collect(),
            input,
        })
    }
}

/// Every role, for the creation form.
pub fn all_roles() -> Vec<Role> {
    Role::names()
        .iter()
        .filter_map(|name| name.parse().ok())
        .collect()
}

/// The roles an existing user may be given: staff stay staff, client users stay client users.
pub fn roles_like(role: Role) -> Vec<Role> {
    all_roles()
        .into_iter()
        .filter(|r| r.is_client() == role.is_client())
        .collect()
}
