//! The user list (`/admin/users`) with the form that creates users.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::identity::{Action, normalize_login};
use store::identity::clients;
use store::identity::users::{self, NewUser};

use super::form::{self, UserForm, UserInput};
use super::require;
use crate::context::{Auth, Context, Identity};
use crate::error::{AppError, AppResult};
use crate::form::Form;
use crate::identity::password;
use crate::pages::{DoneQuery, FieldErrors, Page, Params, render};
use crate::query::Query;
use crate::servicedesk::access;
use crate::state::AppState;

/// Notices a redirect to the user list may ask for with `?done=KEY`.
const DONE_KEYS: &[&str] = &["admin-done-user-created"];

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    page: Page,
    users: Vec<UserRow>,
    form: UserForm,
    errors: FieldErrors,
    created: Option<Created>,
}

/// A user as the list shows them.
struct UserRow {
    id: i64,
    login: String,
    display_name: String,
    email: String,
    role: String,
    client: String,
    queues: String,
    disabled: bool,
}

/// A user just created; the password is set when Vitrina generated it, to be shown once.
struct Created {
    id: i64,
    login: String,
    password: Option<String>,
}

/// Lists users with the creation form.
pub async fn list(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Query(query): Query<DoneQuery>,
) -> AppResult<Response> {
    require(&identity, Action::ManageUsers)?;
    let notice = query.notice(DONE_KEYS);
    let input = UserInput {
        role: "support".into(),
        ..UserInput::default()
    };
    let errors = FieldErrors::new(form::FIELDS);
    show(&state, &context, notice, input, errors, None).await
}

/// Creates a user. Without a password one is generated and shown once.
pub async fn create(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    require(&identity, Action::ManageUsers)?;
    let params = Params::new("/admin/users", &pairs);
    let input = UserInput::read(&params);
    let password = params.get("password").map(str::to_string);
    match create_user(&state, &identity, &input, password).await {
        Ok(created) if created.password.is_some() => {
            let errors = FieldErrors::new(form::FIELDS);
            let input = UserInput {
                role: "support".into(),
                ..UserInput::default()
            };
            show(&state, &context, None, input, errors, Some(created)).await
        }
        Ok(_) => Ok(Redirect::to("/admin/users?done=admin-done-user-created").into_response()),
        Err(AppError::Problem(problem)) if problem.status.is_client_error() => {
            let mut errors = FieldErrors::new(form::FIELDS);
            errors.add_problem(&state.i18n, context.lang, &problem);
            let page = show(&state, &context, None, input, errors, None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(error) => Err(error),
    }
}

async fn create_user(
    state: &AppState,
    identity: &Identity,
    input: &UserInput,
    password: Option<String>,
) -> AppResult<Created> {
    let login = normalize_login(&input.login)?;
    let checked = form::check(state, input).await?;
    let generated = password.is_none();
    let password = password.unwrap_or_else(password::generate_password);
    domain::identity::check_password(&password)?;
    let hash = password::hash_off_thread(password.clone()).await?;

    let new = NewUser {
        login,
        display_name: input.display_name.clone(),
        email: checked.email,
        role: checked.role,
        client_id: checked.client_id,
        password_hash: Some(hash),
        locale: "ru".into(),
    };
    let author = access::author(identity);
    let now = domain::time::now();
    let user = users::create(&state.db, &new, &author, now).await?;
    if !checked.queues.is_empty() {
        users::set_queues(&state.db, user.id, &checked.queues, &author, now).await?;
    }
    tracing::info!(user_id = user.id, role = %user.role, "user created");
    Ok(Created {
        id: user.id,
        login: user.login,
        password: generated.then_some(password),
    })
}

async fn show(
    state: &AppState,
    context: &Context,
    notice: Option<&str>,
    input: UserInput,
    errors: FieldErrors,
    created: Option<Created>,
) -> AppResult<Response> {
    let page = Page::new(state, context, "admin-users-title").with_notice(notice);
    let form = UserForm::new(state, &page, input, &form::all_roles()).await?;
    let users = rows(state, &page).await?;
    render(&UsersPage {
        page,
        users,
        form,
        errors,
        created,
    })
}

async fn rows(state: &AppState, page: &Page) -> AppResult<Vec<UserRow>> {
    let companies = clients::list(&state.db).await?;
    let mut rows = Vec::new();
    for user in users::list(&state.db).await? {
        let client = user
            .client_id
            .and_then(|id| companies.iter().find(|c| c.id == id))
            .map(|c| c.name.clone())
            .unwrap_or_default();
        rows.push(UserRow {
            queues: users::queues_of(&state.db, user.id).await?.join(", "),
            role: page.label("role", &user.role),
            email: user.email.clone().unwrap_or_default(),
            id: user.id,
            login: user.login,
            display_name: user.display_name,
            client,
            disabled: user.disabled,
        });
    }
    Ok(rows)
}
