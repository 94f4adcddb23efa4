//! Queues (support groups) and who belongs to them.

use crate::{Db, Result, Tx, args};

/// A queue.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Queue {
    pub id: i64,
    pub code: String,
    pub name_ru: String,
    pub name_en: String,
}

impl Queue {
    /// The queue's name in `locale` (`ru` or `en`).
    pub fn name(&self, locale: &str) -> &str {
        if locale == "en" {
            &self.name_en
        } else {
            &self.name_ru
        }
    }
}

/// Lists every queue in creation order.
pub async fn list(db: &Db) -> Result<Vec<Queue>> {
    db.fetch_all(
        "SELECT id, code, name_ru, name_en FROM queues ORDER BY id",
        Vec::new(),
    )
    .await
}

/// Finds a queue by its code inside a transaction.
pub async fn find_in(tx: &mut Tx, code: &str) -> Result<Option<Queue>> {
    tx.fetch_optional(
        "SELECT id, code, name_ru, name_en FROM queues WHERE code = $1",
        args![code],
    )
    .await
}

/// A queue member, for assignment lists.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Member {
    pub queue_code: String,
    pub user_id: i64,
    pub login: String,
    pub display_name: String,
}

/// Lists the active members of every queue, by queue and login.
pub async fn members(db: &Db) -> Result<Vec<Member>> {
    db.fetch_all(
        "SELECT q.code AS queue_code, u.id AS user_id, u.login, u.display_name \
         FROM queue_members m JOIN queues q ON q.id = m.queue_id JOIN users u ON u.id = m.user_id \
         WHERE u.disabled = FALSE ORDER BY q.id, u.login",
        Vec::new(),
    )
    .await
}

/// Whether `user_id` is an active member of queue `queue_id`.
pub async fn is_member_in(tx: &mut Tx, queue_id: i64, user_id: i64) -> Result<bool> {
    let count: i64 = tx
        .fetch_scalar(
            "SELECT COUNT(*) FROM queue_members m JOIN users u ON u.id = m.user_id \
             WHERE m.queue_id = $1 AND m.user_id = $2 AND u.disabled = FALSE",
            args![queue_id, user_id],
        )
        .await?;
    Ok(count > 0)
}
