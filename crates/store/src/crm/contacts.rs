//! Contact persons of a client, each with a phone in E.164 or an e-mail.

use chrono::{DateTime, Utc};
use domain::Error as DomainError;
use domain::crm::client::ContactDraft;
use serde_json::json;

use super::clients::refresh_search_in;
use crate::identity::audit::{self, Author};
use crate::{Db, Result, args};

/// A contact person as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Contact {
    pub id: i64,
    pub client_id: i64,
    pub name: String,
    pub position: Option<String>,
    /// The phone in E.164.
    pub phone: Option<String>,
    pub phone_extension: Option<String>,
    pub email: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Lists a client's contacts in the order they were added.
pub async fn list(db: &Db, client_id: i64) -> Result<Vec<Contact>> {
    db.fetch_all(
        "SELECT id, client_id, name, position, phone, phone_extension, email, created_at \
         FROM client_contacts WHERE client_id = $1 ORDER BY id",
        args![client_id],
    )
    .await
}

/// Adds a contact to a client and returns its id; a missing client is
/// [`DomainError::NotFound`].
pub async fn add(
    db: &Db,
    client_id: i64,
    contact: &ContactDraft,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<i64> {
    let mut tx = db.begin().await?;
    let exists: Option<(i64,)> = tx
        .fetch_optional("SELECT id FROM clients WHERE id = $1", args![client_id])
        .await?;
    if exists.is_none() {
        return Err(DomainError::NotFound.into());
    }
    let phone = contact.phone.as_ref().map(|p| p.e164.clone());
    let extension = contact.phone.as_ref().and_then(|p| p.extension.clone());
    let id: i64 = tx
        .fetch_scalar(
            "INSERT INTO client_contacts (client_id, name, position, phone, phone_extension, \
             email, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            args![
                client_id,
                contact.name.as_str(),
                contact.position.as_deref(),
                phone.as_deref(),
                extension.as_deref(),
                contact.email.as_deref(),
                now,
            ],
        )
        .await?;
    refresh_search_in(&mut tx, client_id).await?;
    audit::record(
        &mut tx,
        author,
        "client.contact_add",
        ("client", client_id),
        None,
        Some(
            json!({"contact_id": id, "name": contact.name, "position": contact.position,
                    "phone": phone, "phone_extension": extension, "email": contact.email}),
        ),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Removes a contact of `client_id`; returns `false` when the client has no such contact.
pub async fn remove(
    db: &Db,
    client_id: i64,
    contact_id: i64,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<bool> {
    let mut tx = db.begin().await?;
    let found: Option<Contact> = tx
        .fetch_optional(
            "SELECT id, client_id, name, position, phone, phone_extension, email, created_at \
             FROM client_contacts WHERE id = $1 AND client_id = $2",
            args![contact_id, client_id],
        )
        .await?;
    let Some(contact) = found else {
        return Ok(false);
    };
    tx.execute(
        "DELETE FROM client_contacts WHERE id = $1",
        args![contact_id],
    )
    .await?;
    refresh_search_in(&mut tx, client_id).await?;
    audit::record(
        &mut tx,
        author,
        "client.contact_remove",
        ("client", client_id),
        Some(
            json!({"contact_id": contact.id, "name": contact.name, "phone": contact.phone,
                    "email": contact.email}),
        ),
        None,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}
