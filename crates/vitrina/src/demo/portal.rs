//! Demo client users: an administrator and an employee of one demo client company, so the
//! client portal can be tried with the demo password.

use anyhow::Context as _;
use domain::identity::Role;
use store::Db;
use store::identity::users::{self, NewUser};
use store::identity::{Author, clients};
use web::identity::password;

use super::PASSWORD;
use super::staff::Member;

/// The demo client company whose users these are.
pub const COMPANY: &str = "ООО «Ромашка»";

/// The demo client users, in the order the logins are printed.
pub const CLIENT_USERS: [Member; 2] = [
    Member {
        login: "romashka-admin",
        name: "Павел Орлов",
        role: Role::ClientAdmin,
        queues: &[],
    },
    Member {
        login: "romashka",
        name: "Ирина Лебедева",
        role: Role::ClientUser,
        queues: &[],
    },
];

/// Creates the demo client users that do not exist yet. Does nothing when the demo company
/// is missing.
pub async fn ensure(db: &Db) -> anyhow::Result<()> {
    let companies = clients::list(db).await.context("cannot read clients")?;
    let Some(company) = companies.iter().find(|c| c.name == COMPANY) else {
        tracing::warn!(
            company = COMPANY,
            "demo client company missing; no client users"
        );
        return Ok(());
    };
    let hash = tokio::task::spawn_blocking(|| password::hash(PASSWORD))
        .await
        .context("password hashing stopped")?
        .map_err(|error| anyhow::anyhow!("password hashing failed: {error}"))?;
    for member in CLIENT_USERS {
        if users::find_by_login(db, member.login).await?.is_some() {
            continue;
        }
        let new = NewUser {
            login: member.login.into(),
            display_name: member.name.into(),
            email: None,
            role: member.role,
            client_id: Some(company.id),
            password_hash: Some(hash.clone()),
            locale: "ru".into(),
        };
        users::create(db, &new, &Author::system(), domain::time::now())
            .await
            .with_context(|| format!("cannot create demo user {}", member.login))?;
    }
    Ok(())
}
