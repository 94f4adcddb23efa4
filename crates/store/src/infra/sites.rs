//! Sites (own data centre, colocation, cloud region), their racks, and clusters.

use chrono::{DateTime, Utc};
use domain::Error as DomainError;
use domain::infra::SiteKind;
use domain::infra::inventory::{CloudPlacement, check_rack_site};
use serde_json::json;

use super::{corrupt, duplicate_on};
use crate::identity::audit::{self, Author};
use crate::{Db, Result, Tx, args};

/// A place hosts run in.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    pub id: i64,
    pub name: String,
    pub kind: SiteKind,
    /// Provider, account and region; set for cloud regions only.
    pub cloud: Option<CloudPlacement>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

/// A checked site to store: the name trimmed, the placement checked by
/// [`domain::infra::inventory::check_site`].
#[derive(Debug, Clone, PartialEq)]
pub struct SiteDraft {
    pub name: String,
    pub kind: SiteKind,
    pub cloud: Option<CloudPlacement>,
}

#[derive(sqlx::FromRow)]
struct SiteRow {
    id: i64,
    name: String,
    kind: String,
    cloud_provider: Option<String>,
    cloud_account: Option<String>,
    cloud_region: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    version: i64,
}

impl TryFrom<SiteRow> for Site {
    type Error = crate::Error;

    fn try_from(row: SiteRow) -> Result<Site> {
        let kind = row
            .kind
            .parse()
            .map_err(|_| corrupt("site", row.id, "kind", &row.kind))?;
        let cloud = match (row.cloud_provider, row.cloud_account, row.cloud_region) {
            (Some(provider), Some(account), Some(region)) => Some(CloudPlacement {
                provider,
                account,
                region,
            }),
            _ => None,
        };
        Ok(Site {
            id: row.id,
            name: row.name,
            kind,
            cloud,
            created_at: row.created_at,
            updated_at: row.updated_at,
            version: row.version,
        })
    }
}

const SITE_SELECT: &str = "SELECT id, name, kind, cloud_provider, cloud_account, cloud_region, \
    created_at, updated_at, version FROM sites";

/// Creates a site. A name another site has is a [`DomainError::Duplicate`] on `name`.
pub async fn create_site(
    db: &Db,
    draft: &SiteDraft,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<Site> {
    let mut tx = db.begin().await?;
    let cloud = draft.cloud.as_ref();
    let id: i64 = tx
        .fetch_scalar(
            "INSERT INTO sites (name, kind, cloud_provider, cloud_account, cloud_region, \
             created_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $6, 1) \
             RETURNING id",
            args![
                draft.name.as_str(),
                draft.kind.as_ref(),
                cloud.map(|c| c.provider.as_str()),
                cloud.map(|c| c.account.as_str()),
                cloud.map(|c| c.region.as_str()),
                now,
            ],
        )
        .await
        .map_err(duplicate_on("name", &draft.name))?;
    let site = site_in(&mut tx, id).await?.ok_or(DomainError::NotFound)?;
    audit::record(
        &mut tx,
        author,
        "site.create",
        ("site", id),
        None,
        Some(json!({"name": site.name, "kind": site.kind, "cloud": site.cloud})),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(site)
}

/// Replaces a site's name, kind and placement if `version` is still current. A stale
/// version is a [`DomainError::Conflict`]; a name another site has is a
/// [`DomainError::Duplicate`] on `name`. Saving the same values keeps the version.
pub async fn update_site(
    db: &Db,
    id: i64,
    version: i64,
    draft: &SiteDraft,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<Site> {
    let mut tx = db.begin().await?;
    let current = site_in(&mut tx, id).await?.ok_or(DomainError::NotFound)?;
    if current.version != version {
        return Err(DomainError::Conflict {
            expected: version,
            current: current.version,
        }
        .into());
    }
    if current.name == draft.name && current.kind == draft.kind && current.cloud == draft.cloud {
        return Ok(current);
    }

    let cloud = draft.cloud.as_ref();
    tx.execute(
        "UPDATE sites SET name = $1, kind = $2, cloud_provider = $3, cloud_account = $4, \
         cloud_region = $5, updated_at = $6, version = version + 1 WHERE id = $7 AND version = $8",
        args![
            draft.name.as_str(),
            draft.kind.as_ref(),
            cloud.map(|c| c.provider.as_str()),
            cloud.map(|c| c.account.as_str()),
            cloud.map(|c| c.region.as_str()),
            now,
            id,
            version,
        ],
    )
    .await
    .map_err(duplicate_on("name", &draft.name))?;
    let site = site_in(&mut tx, id).await?.ok_or(DomainError::NotFound)?;

    audit::record(
        &mut tx,
        author,
        "site.update",
        ("site", id),
        Some(json!({"name": current.name, "kind": current.kind, "cloud": current.cloud})),
        Some(json!({"name": site.name, "kind": site.kind, "cloud": site.cloud})),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(site)
}

async fn site_in(tx: &mut Tx, id: i64) -> Result<Option<Site>> {
    let row: Option<SiteRow> = tx
        .fetch_optional(
            crate::Sql::assembled(format!("{SITE_SELECT} WHERE id = $1")),
            args![id],
        )
        .await?;
    row.map(Site::try_from).transpose()
}

/// Finds a site by id.
pub async fn get_site(db: &Db, id: i64) -> Result<Option<Site>> {
    let row: Option<SiteRow> = db
        .fetch_optional(
            crate::Sql::assembled(format!("{SITE_SELECT} WHERE id = $1")),
            args![id],
        )
        .await?;
    row.map(Site::try_from).transpose()
}

/// Lists every site by name.
pub async fn list_sites(db: &Db) -> Result<Vec<Site>> {
    let rows: Vec<SiteRow> = db
        .fetch_all(
            crate::Sql::assembled(format!("{SITE_SELECT} ORDER BY name, id")),
            Vec::new(),
        )
        .await?;
    rows.into_iter().map(Site::try_from).collect()
}

/// A rack in a site.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Rack {
    pub id: i64,
    pub site_id: i64,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

/// Adds a rack to a site. A missing site is [`DomainError::NotFound`], a cloud region (which
/// has no racks of ours) is invalid on `site_id`, and a name the site's other racks have is a
/// [`DomainError::Duplicate`] on `name`.
pub async fn create_rack(
    db: &Db,
    site_id: i64,
    name: &str,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<Rack> {
    let mut tx = db.begin().await?;
    let site = site_in(&mut tx, site_id)
        .await?
        .ok_or(DomainError::NotFound)?;
    check_rack_site(site.kind, &site.name).map_err(DomainError::from)?;
    let rack: Rack = tx
        .fetch_optional(
            "INSERT INTO racks (site_id, name, created_at) VALUES ($1, $2, $3) \
             RETURNING id, site_id, name, created_at",
            args![site_id, name, now],
        )
        .await
        .map_err(duplicate_on("name", name))?
        .ok_or(DomainError::NotFound)?;
    audit::record(
        &mut tx,
        author,
        "rack.create",
        ("rack", rack.id),
        None,
        Some(json!({"site_id": site_id, "name": name})),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(rack)
}

/// Lists the racks of a site by name.
pub async fn list_racks(db: &Db, site_id: i64) -> Result<Vec<Rack>> {
    db.fetch_all(
        "SELECT id, site_id, name, created_at FROM racks WHERE site_id = $1 ORDER BY name, id",
        args![site_id],
    )
    .await
}

/// Finds a rack by id.
pub(crate) async fn rack_in(tx: &mut Tx, id: i64) -> Result<Option<Rack>> {
    tx.fetch_optional(
        "SELECT id, site_id, name, created_at FROM racks WHERE id = $1",
        args![id],
    )
    .await
}

/// A cluster of interchangeable hosts, optionally at one site.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Cluster {
    pub id: i64,
    pub name: String,
    pub site_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

/// Creates a cluster. A missing site is an invalid `site_id`; a name another cluster has is a
/// [`DomainError::Duplicate`] on `name`.
pub async fn create_cluster(
    db: &Db,
    name: &str,
    site_id: Option<i64>,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<Cluster> {
    let mut tx = db.begin().await?;
    if let Some(site_id) = site_id {
        require_site(&mut tx, site_id).await?;
    }
    let cluster: Cluster = tx
        .fetch_optional(
            "INSERT INTO clusters (name, site_id, created_at) VALUES ($1, $2, $3) \
             RETURNING id, name, site_id, created_at",
            args![name, site_id, now],
        )
        .await
        .map_err(duplicate_on("name", name))?
        .ok_or(DomainError::NotFound)?;
    audit::record(
        &mut tx,
        author,
        "cluster.create",
        ("cluster", cluster.id),
        None,
        Some(json!({"name": name, "site_id": site_id})),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(cluster)
}

/// Reads a cluster.
pub async fn get_cluster(db: &Db, id: i64) -> Result<Option<Cluster>> {
    db.fetch_optional(
        "SELECT id, name, site_id, created_at FROM clusters WHERE id = $1",
        args![id],
    )
    .await
}

/// Lists every cluster by name.
pub async fn list_clusters(db: &Db) -> Result<Vec<Cluster>> {
    db.fetch_all(
        "SELECT id, name, site_id, created_at FROM clusters ORDER BY name, id",
        Vec::new(),
    )
    .await
}

/// Checks that a referenced site exists, or returns an invalid `site_id`.
pub(crate) async fn require_site(tx: &mut Tx, id: i64) -> Result<()> {
    if site_in(tx, id).await?.is_none() {
        return Err(unknown_reference("site_id", id));
    }
    Ok(())
}

/// Checks that a referenced cluster exists, or returns an invalid `cluster_id`.
pub(crate) async fn require_cluster(tx: &mut Tx, id: i64) -> Result<()> {
    let found: Option<(i64,)> = tx
        .fetch_optional("SELECT id FROM clusters WHERE id = $1", args![id])
        .await?;
    if found.is_none() {
        return Err(unknown_reference("cluster_id", id));
    }
    Ok(())
}

/// Builds the error for an id in a request that names no stored object.
pub(crate) fn unknown_reference(field: &str, id: i64) -> crate::Error {
    domain::Invalid::new(field, "inventory-unknown-reference")
        .arg("value", id)
        .into()
}
