//! Environments (dev, test, staging, prod) with the hosts they run on and the shops and
//! client companies they serve, and the services deployed to them.

use chrono::{DateTime, Utc};
use domain::Error as DomainError;
use domain::infra::EnvironmentKind;
use serde_json::{Value as Json, json};

use super::sites::{require_cluster, unknown_reference};
use super::{corrupt, duplicate_on};
use crate::identity::audit::{self, Author};
use crate::{Db, Result, Sql, Tx, args};

/// An environment.
#[derive(Debug, Clone, PartialEq)]
pub struct Environment {
    pub id: i64,
    pub name: String,
    pub kind: EnvironmentKind,
    pub cluster_id: Option<i64>,
    pub cluster_name: Option<String>,
    pub description: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

/// A checked environment to store, with the full lists of its hosts, clients and shops.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvironmentDraft {
    pub name: String,
    pub kind: EnvironmentKind,
    pub cluster_id: Option<i64>,
    pub description: Option<String>,
    pub host_ids: Vec<i64>,
    pub client_ids: Vec<i64>,
    pub shop_ids: Vec<i64>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    name: String,
    kind: String,
    cluster_id: Option<i64>,
    cluster_name: Option<String>,
    description: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    version: i64,
}

impl TryFrom<Row> for Environment {
    type Error = crate::Error;

    fn try_from(row: Row) -> Result<Environment> {
        let kind = row
            .kind
            .parse()
            .map_err(|_| corrupt("environment", row.id, "kind", &row.kind))?;
        Ok(Environment {
            id: row.id,
            name: row.name,
            kind,
            cluster_id: row.cluster_id,
            cluster_name: row.cluster_name,
            description: row.description,
            created_at: row.created_at,
            updated_at: row.updated_at,
            version: row.version,
        })
    }
}

const SELECT: &str = "SELECT e.id, e.name, e.kind, e.cluster_id, c.name AS cluster_name, \
    e.description, e.created_at, e.updated_at, e.version \
    FROM environments e LEFT JOIN clusters c ON c.id = e.cluster_id";

/// Finds an environment by id.
pub async fn get(db: &Db, id: i64) -> Result<Option<Environment>> {
    let row: Option<Row> = db
        .fetch_optional(
            Sql::assembled(format!("{SELECT} WHERE e.id = $1")),
            args![id],
        )
        .await?;
    row.map(Environment::try_from).transpose()
}

async fn get_in(tx: &mut Tx, id: i64) -> Result<Option<Environment>> {
    let row: Option<Row> = tx
        .fetch_optional(
            Sql::assembled(format!("{SELECT} WHERE e.id = $1")),
            args![id],
        )
        .await?;
    row.map(Environment::try_from).transpose()
}

/// Lists environments by name, of one kind or of every kind.
pub async fn list(db: &Db, kind: Option<EnvironmentKind>) -> Result<Vec<Environment>> {
    let rows: Vec<Row> = match kind {
        Some(kind) => {
            db.fetch_all(
                Sql::assembled(format!("{SELECT} WHERE e.kind = $1 ORDER BY e.name, e.id")),
                args![kind.as_ref()],
            )
            .await?
        }
        None => {
            db.fetch_all(
                Sql::assembled(format!("{SELECT} ORDER BY e.name, e.id")),
                Vec::new(),
            )
            .await?
        }
    };
    rows.into_iter().map(Environment::try_from).collect()
}

/// Creates an environment with its hosts and clients. A name another environment has is a
/// [`DomainError::Duplicate`] on `name`; an unknown cluster, host or client id is invalid.
pub async fn create(
    db: &Db,
    draft: &EnvironmentDraft,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<Environment> {
    let mut tx = db.begin().await?;
    let environment = create_in(&mut tx, draft, author, now).await?;
    tx.commit().await?;
    Ok(environment)
}

/// Creates an environment inside a transaction; see [`create`].
pub async fn create_in(
    tx: &mut Tx,
    draft: &EnvironmentDraft,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<Environment> {
    if let Some(cluster_id) = draft.cluster_id {
        require_cluster(tx, cluster_id).await?;
    }
    let id: i64 = tx
        .fetch_scalar(
            "INSERT INTO environments (name, kind, cluster_id, description, created_at, \
             updated_at, version) VALUES ($1, $2, $3, $4, $5, $5, 1) RETURNING id",
            args![
                draft.name.as_str(),
                draft.kind.as_ref(),
                draft.cluster_id,
                draft.description.as_deref(),
                now,
            ],
        )
        .await
        .map_err(duplicate_on("name", &draft.name))?;
    replace_links(tx, id, draft).await?;
    let environment = get_in(tx, id).await?.ok_or(DomainError::NotFound)?;
    audit::record(
        tx,
        author,
        "environment.create",
        ("environment", id),
        None,
        Some(snapshot(draft)),
        now,
    )
    .await?;
    Ok(environment)
}

/// Replaces an environment's fields, hosts and clients if `version` is still current.
pub async fn update(
    db: &Db,
    id: i64,
    version: i64,
    draft: &EnvironmentDraft,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<Environment> {
    let mut tx = db.begin().await?;
    let current = get_in(&mut tx, id).await?.ok_or(DomainError::NotFound)?;
    if current.version != version {
        return Err(DomainError::Conflict {
            expected: version,
            current: current.version,
        }
        .into());
    }
    if let Some(cluster_id) = draft.cluster_id {
        require_cluster(&mut tx, cluster_id).await?;
    }
    let before = json!({
        "name": current.name,
        "kind": current.kind,
        "cluster_id": current.cluster_id,
        "description": current.description,
        "host_ids": host_ids_in(&mut tx, id).await?,
        "client_ids": client_ids_in(&mut tx, id).await?,
        "shop_ids": shop_ids_in(&mut tx, id).await?,
    });
    tx.execute(
        "UPDATE environments SET name = $1, kind = $2, cluster_id = $3, description = $4, \
         updated_at = $5, version = version + 1 WHERE id = $6 AND version = $7",
        args![
            draft.name.as_str(),
            draft.kind.as_ref(),
            draft.cluster_id,
            draft.description.as_deref(),
            now,
            id,
            version,
        ],
    )
    .await
    .map_err(duplicate_on("name", &draft.name))?;
    replace_links(&mut tx, id, draft).await?;
    let after = snapshot(draft);
    if before == after {
        // Dropping the transaction rolls the version bump back.
        return Ok(current);
    }
    audit::record(
        &mut tx,
        author,
        "environment.update",
        ("environment", id),
        Some(before),
        Some(after),
        now,
    )
    .await?;
    let updated = get_in(&mut tx, id).await?.ok_or(DomainError::NotFound)?;
    tx.commit().await?;
    Ok(updated)
}

fn snapshot(draft: &EnvironmentDraft) -> Json {
    let mut hosts = draft.host_ids.clone();
    hosts.sort_unstable();
    hosts.dedup();
    let mut clients = draft.client_ids.clone();
    clients.sort_unstable();
    clients.dedup();
    let mut shops = draft.shop_ids.clone();
    shops.sort_unstable();
    shops.dedup();
    json!({
        "name": draft.name,
        "kind": draft.kind,
        "cluster_id": draft.cluster_id,
        "description": draft.description,
        "host_ids": hosts,
        "client_ids": clients,
        "shop_ids": shops,
    })
}

/// Replaces the host and client links of environment `id` with the draft's, checking that
/// every id exists.
async fn replace_links(tx: &mut Tx, id: i64, draft: &EnvironmentDraft) -> Result<()> {
    tx.execute(
        "DELETE FROM environment_hosts WHERE environment_id = $1",
        args![id],
    )
    .await?;
    tx.execute(
        "DELETE FROM environment_clients WHERE environment_id = $1",
        args![id],
    )
    .await?;
    tx.execute(
        "DELETE FROM environment_shops WHERE environment_id = $1",
        args![id],
    )
    .await?;
    let mut hosts = draft.host_ids.clone();
    hosts.sort_unstable();
    hosts.dedup();
    for host_id in hosts {
        let found: Option<(i64,)> = tx
            .fetch_optional("SELECT id FROM metric_hosts WHERE id = $1", args![host_id])
            .await?;
        if found.is_none() {
            return Err(unknown_reference("host_ids", host_id));
        }
        tx.execute(
            "INSERT INTO environment_hosts (environment_id, host_id) VALUES ($1, $2)",
            args![id, host_id],
        )
        .await?;
    }
    let mut clients = draft.client_ids.clone();
    clients.sort_unstable();
    clients.dedup();
    for client_id in clients {
        let found: Option<(i64,)> = tx
            .fetch_optional("SELECT id FROM clients WHERE id = $1", args![client_id])
            .await?;
        if found.is_none() {
            return Err(unknown_reference("client_ids", client_id));
        }
        tx.execute(
            "INSERT INTO environment_clients (environment_id, client_id) VALUES ($1, $2)",
            args![id, client_id],
        )
        .await?;
    }
    let mut shops = draft.shop_ids.clone();
    shops.sort_unstable();
    shops.dedup();
    for shop_id in shops {
        let found: Option<(i64,)> = tx
            .fetch_optional("SELECT id FROM shops WHERE id = $1", args![shop_id])
            .await?;
        if found.is_none() {
            return Err(unknown_reference("shop_ids", shop_id));
        }
        tx.execute(
            "INSERT INTO environment_shops (environment_id, shop_id) VALUES ($1, $2)",
            args![id, shop_id],
        )
        .await?;
    }
    Ok(())
}

async fn shop_ids_in(tx: &mut Tx, id: i64) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = tx
        .fetch_all(
            "SELECT shop_id FROM environment_shops WHERE environment_id = $1 ORDER BY shop_id",
            args![id],
        )
        .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Lists the shops an environment serves, by name.
pub async fn shops_of(db: &Db, environment_id: i64) -> Result<Vec<Member>> {
    db.fetch_all(
        "SELECT s.id, s.name FROM environment_shops es JOIN shops s ON s.id = es.shop_id \
         WHERE es.environment_id = $1 ORDER BY s.name, s.id",
        args![environment_id],
    )
    .await
}

async fn host_ids_in(tx: &mut Tx, id: i64) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = tx
        .fetch_all(
            "SELECT host_id FROM environment_hosts WHERE environment_id = $1 ORDER BY host_id",
            args![id],
        )
        .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

async fn client_ids_in(tx: &mut Tx, id: i64) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = tx
        .fetch_all(
            "SELECT client_id FROM environment_clients WHERE environment_id = $1 \
             ORDER BY client_id",
            args![id],
        )
        .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// A host or client linked to an environment, by id and name.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Member {
    pub id: i64,
    pub name: String,
}

/// Lists the hosts an environment runs on, by technical name.
pub async fn hosts_of(db: &Db, environment_id: i64) -> Result<Vec<Member>> {
    db.fetch_all(
        "SELECT h.id, h.technical_name AS name FROM environment_hosts eh \
         JOIN metric_hosts h ON h.id = eh.host_id WHERE eh.environment_id = $1 \
         ORDER BY h.technical_name, h.id",
        args![environment_id],
    )
    .await
}

/// Lists the client companies an environment serves, by name.
pub async fn clients_of(db: &Db, environment_id: i64) -> Result<Vec<Member>> {
    db.fetch_all(
        "SELECT c.id, c.name FROM environment_clients ec JOIN clients c ON c.id = ec.client_id \
         WHERE ec.environment_id = $1 ORDER BY c.name, c.id",
        args![environment_id],
    )
    .await
}

/// Lists the environments a host serves, by name.
pub async fn environments_of_host(db: &Db, host_id: i64) -> Result<Vec<Member>> {
    db.fetch_all(
        "SELECT e.id, e.name FROM environment_hosts eh JOIN environments e \
         ON e.id = eh.environment_id WHERE eh.host_id = $1 ORDER BY e.name, e.id",
        args![host_id],
    )
    .await
}

/// A deployable piece of software, such as `storefront` or `checkout`.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Service {
    pub id: i64,
    pub name: String,
    pub description: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Creates a service. A name another service has is a [`DomainError::Duplicate`] on `name`.
pub async fn create_service(
    db: &Db,
    name: &str,
    description: Option<&str>,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<Service> {
    let mut tx = db.begin().await?;
    let service: Service = tx
        .fetch_optional(
            "INSERT INTO services (name, description, created_at) VALUES ($1, $2, $3) \
             RETURNING id, name, description, created_at",
            args![name, description, now],
        )
        .await
        .map_err(duplicate_on("name", name))?
        .ok_or(DomainError::NotFound)?;
    audit::record(
        &mut tx,
        author,
        "service.create",
        ("service", service.id),
        None,
        Some(json!({"name": name, "description": description})),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(service)
}

/// Lists every service by name.
pub async fn list_services(db: &Db) -> Result<Vec<Service>> {
    db.fetch_all(
        "SELECT id, name, description, created_at FROM services ORDER BY name, id",
        Vec::new(),
    )
    .await
}

/// Finds a service by name.
pub async fn find_service(db: &Db, name: &str) -> Result<Option<Service>> {
    db.fetch_optional(
        "SELECT id, name, description, created_at FROM services WHERE name = $1",
        args![name],
    )
    .await
}
