//! Users and their queue memberships.

use chrono::{DateTime, Utc};
use domain::identity::Role;
use domain::{Error as DomainError, Invalid};
use serde_json::json;

use super::audit::{self, Author};
use crate::{Db, Error, Result, Sql, Tx, args};

/// A user as stored. The password hash stays out of `Debug` output.
#[derive(Clone, sqlx::FromRow)]
pub struct User {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub email: Option<String>,
    pub role: String,
    pub client_id: Option<i64>,
    pub password_hash: Option<String>,
    pub locale: String,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("login", &self.login)
            .field("role", &self.role)
            .field("client_id", &self.client_id)
            .field("disabled", &self.disabled)
            .finish_non_exhaustive()
    }
}

impl User {
    /// The role; a stored value outside the CHECK list cannot occur.
    pub fn role(&self) -> Role {
        self.role.parse().unwrap_or(Role::ClientUser)
    }

    /// The user as the permission check sees them.
    pub fn actor(&self) -> domain::identity::Actor {
        domain::identity::Actor {
            user_id: self.id,
            login: self.login.clone(),
            role: self.role(),
            client_id: self.client_id,
        }
    }
}

const COLUMNS: &str = "id, login, display_name, email, role, client_id, password_hash, locale, \
                       disabled, created_at, updated_at, version";

/// A user to create. `password_hash` is an Argon2id PHC string, or `None` for token-only users.
#[derive(Clone)]
pub struct NewUser {
    pub login: String,
    pub display_name: String,
    pub email: Option<String>,
    pub role: Role,
    pub client_id: Option<i64>,
    pub password_hash: Option<String>,
    pub locale: String,
}

/// Creates a user. A login that exists already is a [`DomainError::Duplicate`].
pub async fn create(db: &Db, new: &NewUser, author: &Author, now: DateTime<Utc>) -> Result<User> {
    let mut tx = db.begin().await?;
    let id = create_in(&mut tx, new, author, now).await?;
    tx.commit().await?;
    get(db, id).await?.ok_or(DomainError::NotFound.into())
}

/// Creates a user inside `tx` and returns its id, as [`create`] does.
pub async fn create_in(
    tx: &mut crate::Tx,
    new: &NewUser,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<i64> {
    let login = domain::identity::normalize_login(&new.login)?;
    if new.role.is_client() != new.client_id.is_some() {
        return Err(Invalid::new("client_id", "error-client-role-mismatch").into());
    }
    let inserted = tx
        .fetch_optional::<(i64,)>(
            "INSERT INTO users (login, display_name, email, role, client_id, password_hash, \
             locale, disabled, created_at, updated_at, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, FALSE, $8, $8, 1) \
             ON CONFLICT (login) DO NOTHING RETURNING id",
            args![
                login.as_str(),
                new.display_name.trim(),
                new.email.as_deref(),
                new.role.as_ref(),
                new.client_id,
                new.password_hash.as_deref(),
                new.locale.as_str(),
                now,
            ],
        )
        .await?;
    let Some((id,)) = inserted else {
        return Err(DomainError::Duplicate {
            field: "login".into(),
            value: login,
        }
        .into());
    };
    audit::record(
        tx,
        author,
        "user.create",
        ("user", id),
        None,
        Some(
            json!({"login": login, "role": new.role, "display_name": new.display_name,
                    "client_id": new.client_id}),
        ),
        now,
    )
    .await?;
    Ok(id)
}

/// Lists the users of client company `client_id`, by login.
pub async fn list_of_client(db: &Db, client_id: i64) -> Result<Vec<User>> {
    db.fetch_all(
        crate::Sql::assembled(format!(
            "SELECT {COLUMNS} FROM users WHERE client_id = $1 ORDER BY login"
        )),
        args![client_id],
    )
    .await
}

/// Finds a user by id.
pub async fn get(db: &Db, id: i64) -> Result<Option<User>> {
    db.fetch_optional(
        crate::Sql::assembled(format!("SELECT {COLUMNS} FROM users WHERE id = $1")),
        args![id],
    )
    .await
}

/// Finds a user by login, compared case-insensitively.
pub async fn find_by_login(db: &Db, login: &str) -> Result<Option<User>> {
    db.fetch_optional(
        crate::Sql::assembled(format!("SELECT {COLUMNS} FROM users WHERE login = $1")),
        args![login.trim().to_lowercase()],
    )
    .await
}

/// Lists users, staff first, by login.
pub async fn list(db: &Db) -> Result<Vec<User>> {
    db.fetch_all(
        crate::Sql::assembled(format!(
            "SELECT {COLUMNS} FROM users ORDER BY client_id IS NOT NULL, login"
        )),
        Vec::new(),
    )
    .await
}

/// Fields an administrator may change on a user; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct UserChange {
    pub display_name: Option<String>,
    pub email: Option<Option<String>>,
    pub role: Option<Role>,
    pub disabled: Option<bool>,
    pub locale: Option<String>,
    pub password_hash: Option<String>,
}

/// Changes a user if `version` is still current. Disabling a user ends their sessions.
pub async fn update(
    db: &Db,
    id: i64,
    version: Option<i64>,
    change: &UserChange,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<User> {
    update_with_queues(db, id, version, change, None, author, now).await
}

/// Changes a user like [`update`] and, when `queues` is given and differs, their queue
/// memberships like [`set_queues`], in one transaction: when either part is refused,
/// nothing is changed.
pub async fn update_with_queues(
    db: &Db,
    id: i64,
    version: Option<i64>,
    change: &UserChange,
    queues: Option<&[String]>,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<User> {
    let mut tx = db.begin().await?;
    update_in(&mut tx, id, version, change, author, now).await?;
    if let Some(codes) = queues {
        let old = queues_in(&mut tx, id).await?;
        if old != codes {
            set_queues_in(&mut tx, id, &old, codes, author, now).await?;
        }
    }
    tx.commit().await?;
    get(db, id)
        .await?
        .ok_or(Error::Domain(DomainError::NotFound))
}

async fn update_in(
    tx: &mut Tx,
    id: i64,
    version: Option<i64>,
    change: &UserChange,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<()> {
    let current: User = tx
        .fetch_optional(
            crate::Sql::assembled(format!("SELECT {COLUMNS} FROM users WHERE id = $1")),
            args![id],
        )
        .await?
        .ok_or(DomainError::NotFound)?;
    if let Some(expected) = version.filter(|v| *v != current.version) {
        return Err(DomainError::Conflict {
            expected,
            current: current.version,
        }
        .into());
    }
    if let Some(role) = change.role
        && role.is_client() != current.client_id.is_some()
    {
        return Err(Invalid::new("role", "error-client-role-mismatch").into());
    }
    if let Some(locale) = &change.locale
        && !matches!(locale.as_str(), "ru" | "en")
    {
        return Err(Invalid::not_one_of("locale", locale, &["ru", "en"]).into());
    }

    let display_name = change
        .display_name
        .clone()
        .unwrap_or(current.display_name.clone());
    let email = change.email.clone().unwrap_or(current.email.clone());
    let role = change
        .role
        .map(|r| r.to_string())
        .unwrap_or(current.role.clone());
    let disabled = change.disabled.unwrap_or(current.disabled);
    let locale = change.locale.clone().unwrap_or(current.locale.clone());
    let password_hash = change
        .password_hash
        .clone()
        .or(current.password_hash.clone());
    tx.execute(
        "UPDATE users SET display_name = $1, email = $2, role = $3, disabled = $4, locale = $5, \
         password_hash = $6, updated_at = $7, version = version + 1 WHERE id = $8",
        args![
            display_name.as_str(),
            email.as_deref(),
            role.as_str(),
            disabled,
            locale.as_str(),
            password_hash.as_deref(),
            now,
            id,
        ],
    )
    .await?;
    if disabled || change.password_hash.is_some() {
        tx.execute("DELETE FROM sessions WHERE user_id = $1", args![id])
            .await?;
    }
    let old = json!({"display_name": current.display_name, "email": current.email,
                     "role": current.role, "disabled": current.disabled, "locale": current.locale,
                     "password_changed": false});
    let new = json!({"display_name": display_name, "email": email, "role": role,
                     "disabled": disabled, "locale": locale,
                     "password_changed": change.password_hash.is_some()});
    audit::record(
        tx,
        author,
        "user.update",
        ("user", id),
        Some(old),
        Some(new),
        now,
    )
    .await
}

/// Reads the codes of a user's queues, in queue order.
const QUEUES_OF: &str = "SELECT q.code FROM queue_members m JOIN queues q ON q.id = m.queue_id \
     WHERE m.user_id = $1 ORDER BY q.id";

/// The codes of the queues a user belongs to.
pub async fn queues_of(db: &Db, user_id: i64) -> Result<Vec<String>> {
    let rows: Vec<(String,)> = db.fetch_all(QUEUES_OF, args![user_id]).await?;
    Ok(rows.into_iter().map(|(code,)| code).collect())
}

/// Reads a user's queue codes inside a transaction.
async fn queues_in(tx: &mut Tx, user_id: i64) -> Result<Vec<String>> {
    let rows: Vec<(String,)> = tx.fetch_all(QUEUES_OF, args![user_id]).await?;
    Ok(rows.into_iter().map(|(code,)| code).collect())
}

/// Replaces a user's queue memberships with `codes`. An unknown code is an error.
pub async fn set_queues(
    db: &Db,
    user_id: i64,
    codes: &[String],
    author: &Author,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = db.begin().await?;
    let old = queues_in(&mut tx, user_id).await?;
    set_queues_in(&mut tx, user_id, &old, codes, author, now).await?;
    tx.commit().await
}

async fn set_queues_in(
    tx: &mut Tx,
    user_id: i64,
    old: &[String],
    codes: &[String],
    author: &Author,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.execute(
        "DELETE FROM queue_members WHERE user_id = $1",
        args![user_id],
    )
    .await?;
    for code in codes {
        let added = tx
            .execute(
                "INSERT INTO queue_members (queue_id, user_id) \
                 SELECT id, $1 FROM queues WHERE code = $2",
                args![user_id, code.as_str()],
            )
            .await?;
        if added == 0 {
            return Err(Invalid::new("queues", "error-unknown-queue")
                .arg("value", code)
                .into());
        }
    }
    for removed in old.iter().filter(|code| !codes.contains(code)) {
        let assigned: i64 = tx
            .fetch_scalar(
                Sql::from(
                    "SELECT COUNT(*) FROM tickets t JOIN queues q ON q.id = t.queue_id \
                     WHERE t.assignee_id = $1 AND q.code = $2 \
                     AND t.status NOT IN ('closed', 'cancelled')",
                ),
                args![user_id, removed.as_str()],
            )
            .await?;
        // The assignee of a ticket must belong to its queue, so leaving the queue first
        // would make every later change of those tickets fail.
        if assigned > 0 {
            return Err(Invalid::new("queues", "error-queue-has-assigned-tickets")
                .arg("queue", removed)
                .arg("count", assigned)
                .into());
        }
    }
    audit::record(
        tx,
        author,
        "user.queues",
        ("user", user_id),
        Some(json!(old)),
        Some(json!(codes)),
        now,
    )
    .await
}
