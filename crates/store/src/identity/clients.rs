//! Client companies as the identity area sees them: a name to bind client users to. The
//! commercial area owns their requisites and contracts.

use crate::{Db, Result, args};

/// A client company's id and name.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ClientRef {
    pub id: i64,
    pub name: String,
}

/// Lists client companies by name.
pub async fn list(db: &Db) -> Result<Vec<ClientRef>> {
    db.fetch_all("SELECT id, name FROM clients ORDER BY name, id", Vec::new())
        .await
}

/// Finds a client company by id.
pub async fn get(db: &Db, id: i64) -> Result<Option<ClientRef>> {
    db.fetch_optional("SELECT id, name FROM clients WHERE id = $1", args![id])
        .await
}
