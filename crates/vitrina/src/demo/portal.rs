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

/// The demo client company whose users these are. It owns the demo contract, the first
/// demo shop and some demo tickets, so the portal shows them.
pub const COMPANY: &str = "ООО «Ромашка»";
/// Another demo client with its own contract, shop and tickets, which the users of
/// [`COMPANY`] must not see.
pub const OTHER_COMPANY: &str = "Кузнецова Алёна Викторовна";

/// Returns the id of the demo client named `name`, or `None` when it is missing.
pub async fn company_id(db: &Db, name: &str) -> anyhow::Result<Option<i64>> {
    let companies = clients::list(db).await.context("cannot read clients")?;
    Ok(companies.iter().find(|c| c.name == name).map(|c| c.id))
}

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
    let Some(company_id) = company_id(db, COMPANY).await? else {
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
            client_id: Some(company_id),
            password_hash: Some(hash.clone()),
            locale: "ru".into(),
        };
        users::create(db, &new, &Author::system(), domain::time::now())
            .await
            .with_context(|| format!("cannot create demo user {}", member.login))?;
    }
    Ok(())
}
