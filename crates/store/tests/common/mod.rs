//! Fixtures shared by the storage tests.

use domain::identity::Role;
use store::Db;
use store::identity::users::{self, NewUser};
use store::identity::{Author, User};

/// Creates a staff user with no password.
pub async fn staff(db: &Db, login: &str, role: Role, queues: &[&str]) -> User {
    let now = domain::time::now();
    let user = users::create(
        db,
        &NewUser {
            login: login.into(),
            display_name: login.to_uppercase(),
            email: None,
            role,
            client_id: None,
            password_hash: None,
            locale: "ru".into(),
        },
        &Author::system(),
        now,
    )
    .await
    .expect("create user");
    let codes: Vec<String> = queues.iter().map(|q| q.to_string()).collect();
    users::set_queues(db, user.id, &codes, &Author::system(), now)
        .await
        .expect("set queues");
    user
}

/// The author for a user's changes.
pub fn author(user: &User) -> Author {
    Author::person(user.id, &user.login)
}
