//! Shops: slug, name, time zone, owning client and the hash of the key that storefronts send
//! their events with. The key is generated here, returned once and stored only as SHA-256.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use domain::Invalid;
use sha2::{Digest, Sha256};

use crate::{Db, Error, Result, args};

/// Prefix of ingestion keys, so a leaked key is recognisable in logs and secret scanners.
pub const KEY_PREFIX: &str = "vik_";
/// Random bytes in an ingestion key (192 bits).
const KEY_RANDOM_BYTES: usize = 24;
/// Characters of the key kept in clear to tell keys apart: the prefix and four more.
const KEY_SHOWN_CHARS: usize = 8;

const COLUMNS: &str = "id, slug, name, time_zone, client_id, ingestion_key_prefix, created_at";

/// A shop as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Shop {
    pub id: i64,
    pub slug: String,
    pub name: String,
    /// IANA zone name, checked when the shop was created.
    pub time_zone: String,
    /// The client company that owns the shop, if any.
    pub client_id: Option<i64>,
    /// The first characters of the ingestion key.
    pub ingestion_key_prefix: String,
    pub created_at: DateTime<Utc>,
}

impl Shop {
    /// The shop's time zone.
    pub fn zone(&self) -> Result<Tz> {
        self.time_zone
            .parse::<Tz>()
            .map_err(|_| Error::Corrupt(format!("shop {} has zone {}", self.id, self.time_zone)))
    }
}

/// The fields of a new shop, as the user typed them.
#[derive(Debug, Clone)]
pub struct NewShop {
    pub slug: String,
    pub name: String,
    pub time_zone: String,
    pub client_id: Option<i64>,
}

/// Returns the stored hash of an ingestion key: SHA-256 as lower-case hex.
pub fn key_hash(key: &str) -> String {
    hex::encode(Sha256::digest(key.trim().as_bytes()))
}

fn generate_key() -> Result<String> {
    let mut bytes = [0u8; KEY_RANDOM_BYTES];
    getrandom::fill(&mut bytes)
        .map_err(|error| Error::Corrupt(format!("no secure random source: {error}")))?;
    Ok(format!("{KEY_PREFIX}{}", hex::encode(bytes)))
}

/// Creates a shop and returns it with its ingestion key, which is not stored and cannot be
/// shown again. Rejects an invalid slug, name or zone, a taken slug and an unknown client;
/// nothing is written then.
pub async fn create(db: &Db, new: &NewShop, now: DateTime<Utc>) -> Result<(Shop, String)> {
    let slug = domain::shops::normalize_slug(&new.slug)?;
    let name = domain::shops::normalize_name(&new.name)?;
    let zone = domain::shops::parse_zone("tz", &new.time_zone)?;
    let key = generate_key()?;
    let shown: String = key.chars().take(KEY_SHOWN_CHARS).collect();

    let mut tx = db.begin().await?;
    if let Some(client_id) = new.client_id {
        let found: Option<(i64,)> = tx
            .fetch_optional("SELECT id FROM clients WHERE id = $1", args![client_id])
            .await?;
        if found.is_none() {
            return Err(Invalid::new("client", "shop-client-unknown")
                .arg("value", client_id)
                .into());
        }
    }
    let taken: Option<(i64,)> = tx
        .fetch_optional("SELECT id FROM shops WHERE slug = $1", args![&slug])
        .await?;
    if taken.is_some() {
        return Err(Invalid::new("slug", "shop-slug-taken")
            .arg("value", &slug)
            .into());
    }
    let id: i64 = tx
        .fetch_scalar(
            "INSERT INTO shops (slug, name, time_zone, client_id, ingestion_key_hash, \
             ingestion_key_prefix, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            args![
                &slug,
                &name,
                zone.name(),
                new.client_id,
                key_hash(&key),
                &shown,
                now
            ],
        )
        .await?;
    tx.commit().await?;
    tracing::info!(shop_id = id, slug = %slug, "shop created");

    let shop = Shop {
        id,
        slug,
        name,
        time_zone: zone.name().to_string(),
        client_id: new.client_id,
        ingestion_key_prefix: shown,
        created_at: domain::time::to_stored(now),
    };
    Ok((shop, key))
}

/// Finds a shop by its slug, compared after the slug rules' normalisation.
pub async fn find_by_slug(db: &Db, slug: &str) -> Result<Option<Shop>> {
    let slug = slug.trim().to_ascii_lowercase();
    let sql = format!("SELECT {COLUMNS} FROM shops WHERE slug = $1");
    db.fetch_optional(crate::Sql::assembled(sql), args![slug])
        .await
}

/// Finds the shop an ingestion key belongs to.
pub async fn find_by_key(db: &Db, key: &str) -> Result<Option<Shop>> {
    let sql = format!("SELECT {COLUMNS} FROM shops WHERE ingestion_key_hash = $1");
    db.fetch_optional(crate::Sql::assembled(sql), args![key_hash(key)])
        .await
}

/// Lists every shop by slug.
pub async fn list(db: &Db) -> Result<Vec<Shop>> {
    let sql = format!("SELECT {COLUMNS} FROM shops ORDER BY slug");
    db.fetch_all(crate::Sql::assembled(sql), Vec::new()).await
}

/// Lists the shops of client company `client_id` by slug.
pub async fn list_of_client(db: &Db, client_id: i64) -> Result<Vec<Shop>> {
    let sql = format!("SELECT {COLUMNS} FROM shops WHERE client_id = $1 ORDER BY slug");
    db.fetch_all(crate::Sql::assembled(sql), args![client_id])
        .await
}
