//! One-time links to set a password: a client administrator invites a user, and the link
//! lets that user choose their first password. The table keeps the SHA-256 of the link's
//! secret, never the secret; a link works once and only until it expires.

use chrono::{DateTime, Duration, Utc};
use domain::Error as DomainError;
use serde_json::json;

use super::audit::{self, Author};
use super::users::{self, NewUser, User};
use crate::{Db, Result, Tx, args};

/// How long an invitation link works.
pub const LINK_LIFETIME: Duration = Duration::hours(72);

/// Creates a user without a password and a link for them to set one, in one transaction.
/// `token_hash` is the SHA-256 of the link's secret. A login that exists already is a
/// [`DomainError::Duplicate`] and creates nothing.
pub async fn invite(
    db: &Db,
    new: &NewUser,
    token_hash: &str,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<User> {
    let mut tx = db.begin().await?;
    let user_id = users::create_in(&mut tx, new, author, now).await?;
    issue_in(&mut tx, user_id, token_hash, author, now).await?;
    tx.commit().await?;
    users::get(db, user_id)
        .await?
        .ok_or(DomainError::NotFound.into())
}

async fn issue_in(
    tx: &mut Tx,
    user_id: i64,
    token_hash: &str,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<()> {
    let expires_at = now + LINK_LIFETIME;
    tx.execute(
        "INSERT INTO password_links (user_id, token_hash, created_by, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
        args![user_id, token_hash, author.user_id, now, expires_at],
    )
    .await?;
    audit::record(
        tx,
        author,
        "user.password_link",
        ("user", user_id),
        None,
        Some(json!({"expires_at": expires_at})),
        now,
    )
    .await
}

/// Finds the enabled user a link belongs to, when the link is unused and has not expired.
pub async fn find_valid(db: &Db, token_hash: &str, now: DateTime<Utc>) -> Result<Option<User>> {
    let user_id: Option<(i64,)> = db
        .fetch_optional(
            "SELECT l.user_id FROM password_links l JOIN users u ON u.id = l.user_id \
             WHERE l.token_hash = $1 AND l.used_at IS NULL AND l.expires_at > $2 \
             AND NOT u.disabled",
            args![token_hash, now],
        )
        .await?;
    match user_id {
        Some((id,)) => users::get(db, id).await,
        None => Ok(None),
    }
}

/// Sets the password of a link's user and uses the link up. A link that is unknown, used,
/// expired or whose user is disabled is [`DomainError::NotFound`], and nothing changes.
/// Every other open link of the user stops working too, and the user's sessions end.
pub async fn redeem(
    db: &Db,
    token_hash: &str,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<User> {
    let mut tx = db.begin().await?;
    let found: Option<(i64, i64, String)> = tx
        .fetch_optional(
            "SELECT l.id, l.user_id, u.login FROM password_links l JOIN users u ON u.id = l.user_id \
             WHERE l.token_hash = $1 AND l.used_at IS NULL AND l.expires_at > $2 \
             AND NOT u.disabled",
            args![token_hash, now],
        )
        .await?;
    let Some((link_id, user_id, login)) = found else {
        return Err(DomainError::NotFound.into());
    };

    // The condition on used_at makes a second, concurrent redemption change no row.
    let used = tx
        .execute(
            "UPDATE password_links SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL",
            args![now, user_id],
        )
        .await?;
    if used == 0 {
        return Err(DomainError::NotFound.into());
    }

    tx.execute(
        "UPDATE users SET password_hash = $1, updated_at = $2, version = version + 1 \
         WHERE id = $3",
        args![password_hash, now, user_id],
    )
    .await?;
    tx.execute("DELETE FROM sessions WHERE user_id = $1", args![user_id])
        .await?;
    let author = Author::person(user_id, &login);
    audit::record(
        &mut tx,
        &author,
        "user.password_set",
        ("user", user_id),
        None,
        Some(json!({"link_id": link_id})),
        now,
    )
    .await?;
    tx.commit().await?;
    users::get(db, user_id)
        .await?
        .ok_or(DomainError::NotFound.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage_test;
    use domain::identity::Role;

    async fn company(db: &Db, name: &str) -> i64 {
        let mut tx = db.begin().await.unwrap();
        let id = tx
            .fetch_scalar(
                "INSERT INTO clients (name, name_folded, created_at, updated_at) \
                 VALUES ($1, $1, $2, $2) RETURNING id",
                args![name, domain::time::now()],
            )
            .await
            .unwrap();
        tx.commit().await.unwrap();
        id
    }

    fn new_user(login: &str, client_id: i64) -> NewUser {
        NewUser {
            login: login.into(),
            display_name: "Приглашённый".into(),
            email: Some("user@example.ru".into()),
            role: Role::ClientUser,
            client_id: Some(client_id),
            password_hash: None,
            locale: "ru".into(),
        }
    }

    storage_test!(link_sets_password_once, |db: Db| async move {
        let client = company(&db, "ООО Ромашка").await;
        let now = domain::time::now();
        let user = invite(
            &db,
            &new_user("petrov", client),
            "hash-1",
            &Author::system(),
            now,
        )
        .await
        .unwrap();
        assert_eq!(user.password_hash, None);
        assert_eq!(user.client_id, Some(client));

        let found = find_valid(&db, "hash-1", now).await.unwrap();
        assert_eq!(found.map(|u| u.id), Some(user.id));
        let set = redeem(&db, "hash-1", "phc-string", now).await.unwrap();
        assert_eq!(set.password_hash.as_deref(), Some("phc-string"));

        let again = redeem(&db, "hash-1", "other-phc", now).await;
        assert!(matches!(
            again,
            Err(crate::Error::Domain(DomainError::NotFound))
        ));
        let stored = users::get(&db, user.id).await.unwrap().unwrap();
        assert_eq!(stored.password_hash.as_deref(), Some("phc-string"));
        assert!(find_valid(&db, "hash-1", now).await.unwrap().is_none());
    });

    storage_test!(link_expires_after_72_hours, |db: Db| async move {
        let client = company(&db, "ООО Ромашка").await;
        let now = domain::time::now();
        invite(
            &db,
            &new_user("petrov", client),
            "hash-2",
            &Author::system(),
            now,
        )
        .await
        .unwrap();
        let before = now + LINK_LIFETIME - Duration::seconds(1);
        assert!(find_valid(&db, "hash-2", before).await.unwrap().is_some());
        let at_expiry = now + LINK_LIFETIME;
        assert!(
            find_valid(&db, "hash-2", at_expiry)
                .await
                .unwrap()
                .is_none()
        );
        let late = redeem(&db, "hash-2", "phc", at_expiry).await;
        assert!(matches!(
            late,
            Err(crate::Error::Domain(DomainError::NotFound))
        ));
    });

    storage_test!(link_of_disabled_user_fails, |db: Db| async move {
        let client = company(&db, "ООО Ромашка").await;
        let now = domain::time::now();
        let user = invite(
            &db,
            &new_user("petrov", client),
            "hash-3",
            &Author::system(),
            now,
        )
        .await
        .unwrap();
        let change = users::UserChange {
            disabled: Some(true),
            ..users::UserChange::default()
        };
        users::update(&db, user.id, None, &change, &Author::system(), now)
            .await
            .unwrap();
        let result = redeem(&db, "hash-3", "phc", now).await;
        assert!(matches!(
            result,
            Err(crate::Error::Domain(DomainError::NotFound))
        ));
    });

    storage_test!(
        invite_with_taken_login_creates_nothing,
        |db: Db| async move {
            let client = company(&db, "ООО Ромашка").await;
            let now = domain::time::now();
            invite(
                &db,
                &new_user("petrov", client),
                "hash-4",
                &Author::system(),
                now,
            )
            .await
            .unwrap();
            let second = invite(
                &db,
                &new_user("Petrov", client),
                "hash-5",
                &Author::system(),
                now,
            )
            .await;
            assert!(matches!(
                second,
                Err(crate::Error::Domain(DomainError::Duplicate { .. }))
            ));
            assert!(find_valid(&db, "hash-5", now).await.unwrap().is_none());
            assert_eq!(users::list_of_client(&db, client).await.unwrap().len(), 1);
        }
    );
}
