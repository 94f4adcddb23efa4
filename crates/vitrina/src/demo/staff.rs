//! Demo staff: one or more users of every staff role, with queue memberships.

use anyhow::Context as _;
use domain::identity::Role;
use store::Db;
use store::identity::users::{self, NewUser};
use store::identity::{Author, User};
use web::identity::password;

use super::PASSWORD;

/// A demo staff member.
#[derive(Debug, Clone, Copy)]
pub struct Member {
    pub login: &'static str,
    pub name: &'static str,
    pub role: Role,
    pub queues: &'static [&'static str],
}

/// The demo staff, in the order the logins are printed.
pub const STAFF: [Member; 8] = [
    Member {
        login: "admin",
        name: "Администратор Витрины",
        role: Role::Admin,
        queues: &[],
    },
    Member {
        login: "support",
        name: "Анна Смирнова",
        role: Role::Support,
        queues: &["L1"],
    },
    Member {
        login: "support2",
        name: "Дмитрий Козлов",
        role: Role::Support,
        queues: &["L1", "L2"],
    },
    Member {
        login: "lead",
        name: "Елена Васильева",
        role: Role::SupportLead,
        queues: &["L1", "L2", "infrastructure"],
    },
    Member {
        login: "infra",
        name: "Сергей Волков",
        role: Role::Support,
        queues: &["L2", "infrastructure"],
    },
    Member {
        login: "developer",
        name: "Игорь Новиков",
        role: Role::Developer,
        queues: &["development"],
    },
    Member {
        login: "analyst",
        name: "Мария Павлова",
        role: Role::Analyst,
        queues: &[],
    },
    Member {
        login: "sales",
        name: "Ольга Морозова",
        role: Role::Sales,
        queues: &[],
    },
];

/// Creates the demo staff that do not exist yet and returns every demo user by login.
pub async fn ensure(db: &Db) -> anyhow::Result<Vec<User>> {
    let hash = tokio::task::spawn_blocking(|| password::hash(PASSWORD))
        .await
        .context("password hashing stopped")?
        .map_err(|error| anyhow::anyhow!("password hashing failed: {error}"))?;
    let author = Author::system();
    let mut created = Vec::new();
    for member in STAFF {
        if let Some(user) = users::find_by_login(db, member.login).await? {
            created.push(user);
            continue;
        }
        let now = domain::time::now();
        let new = NewUser {
            login: member.login.into(),
            display_name: member.name.into(),
            email: None,
            role: member.role,
            client_id: None,
            // One hash serves every demo user: they share the documented demo password.
            password_hash: Some(hash.clone()),
            locale: "ru".into(),
        };
        let user = users::create(db, &new, &author, now)
            .await
            .with_context(|| format!("cannot create demo user {}", member.login))?;
        let queues: Vec<String> = member.queues.iter().map(|q| q.to_string()).collect();
        users::set_queues(db, user.id, &queues, &author, now)
            .await
            .with_context(|| format!("cannot set queues of demo user {}", member.login))?;
        created.push(user);
    }
    Ok(created)
}
