//! Inventory hosts: the rows of `metric_hosts` with their kind, hardware, place, lifecycle
//! status and Zabbix host id.

use chrono::{DateTime, Utc};
use domain::Error as DomainError;
use domain::infra::inventory::{HostResources, check_host_transition};
use domain::infra::{HostKind, HostStatus};
use serde_json::{Map, Value as Json, json};

use super::sites::{rack_in, require_cluster, require_site, unknown_reference};
use super::{corrupt, duplicate_on};
use crate::identity::audit::{self, Author};
use crate::{Db, Result, Sql, Tx, Value, args};

/// A host of the inventory. Hosts that only a metric import created have no kind and no
/// hardware until staff describe them.
#[derive(Debug, Clone, PartialEq)]
pub struct Host {
    pub id: i64,
    /// The name imports and Zabbix use, such as `db-01`.
    pub technical_name: String,
    pub kind: Option<HostKind>,
    pub status: HostStatus,
    pub site_id: Option<i64>,
    pub site_name: Option<String>,
    pub rack_id: Option<i64>,
    pub rack_name: Option<String>,
    pub cluster_id: Option<i64>,
    pub cluster_name: Option<String>,
    /// Cores, RAM and storage; `None` until the host is described.
    pub resources: Option<HostResources>,
    /// Zabbix's `hostid`.
    pub zabbix_host_id: Option<i64>,
    /// When the last host sync found the host in Zabbix.
    pub zabbix_seen_at: Option<DateTime<Utc>>,
    /// Since when a host sync has not found the host in Zabbix.
    pub zabbix_missing_since: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl Host {
    fn snapshot(&self) -> Map<String, Json> {
        let resources = self.resources;
        let mut map = Map::new();
        for (name, value) in [
            ("technical_name", json!(self.technical_name)),
            ("kind", json!(self.kind)),
            ("status", json!(self.status)),
            ("site_id", json!(self.site_id)),
            ("rack_id", json!(self.rack_id)),
            ("cluster_id", json!(self.cluster_id)),
            ("cores", json!(resources.map(|r| r.cores))),
            ("ram_bytes", json!(resources.map(|r| r.ram_bytes))),
            ("storage_bytes", json!(resources.map(|r| r.storage_bytes))),
            ("zabbix_host_id", json!(self.zabbix_host_id)),
        ] {
            map.insert(name.into(), value);
        }
        map
    }
}

/// A checked host to store. The status of a new host is `planned` or `active`; a change of
/// status must be one lifecycle step.
#[derive(Debug, Clone, PartialEq)]
pub struct HostDraft {
    pub technical_name: String,
    pub kind: HostKind,
    pub status: HostStatus,
    pub site_id: Option<i64>,
    pub rack_id: Option<i64>,
    pub cluster_id: Option<i64>,
    pub resources: HostResources,
    pub zabbix_host_id: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    technical_name: String,
    kind: Option<String>,
    status: String,
    site_id: Option<i64>,
    site_name: Option<String>,
    rack_id: Option<i64>,
    rack_name: Option<String>,
    cluster_id: Option<i64>,
    cluster_name: Option<String>,
    cores: Option<i64>,
    ram_bytes: Option<i64>,
    storage_bytes: Option<i64>,
    zabbix_host_id: Option<i64>,
    zabbix_seen_at: Option<DateTime<Utc>>,
    zabbix_missing_since: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: Option<DateTime<Utc>>,
    version: i64,
}

impl TryFrom<Row> for Host {
    type Error = crate::Error;

    fn try_from(row: Row) -> Result<Host> {
        let kind = match row.kind.as_deref() {
            Some(kind) => Some(
                kind.parse()
                    .map_err(|_| corrupt("host", row.id, "kind", kind))?,
            ),
            None => None,
        };
        let status = row
            .status
            .parse()
            .map_err(|_| corrupt("host", row.id, "status", &row.status))?;
        let resources = match (row.cores, row.ram_bytes, row.storage_bytes) {
            (Some(cores), Some(ram_bytes), Some(storage_bytes)) => Some(HostResources {
                cores,
                ram_bytes,
                storage_bytes,
            }),
            _ => None,
        };
        Ok(Host {
            id: row.id,
            technical_name: row.technical_name,
            kind,
            status,
            site_id: row.site_id,
            site_name: row.site_name,
            rack_id: row.rack_id,
            rack_name: row.rack_name,
            cluster_id: row.cluster_id,
            cluster_name: row.cluster_name,
            resources,
            zabbix_host_id: row.zabbix_host_id,
            zabbix_seen_at: row.zabbix_seen_at,
            zabbix_missing_since: row.zabbix_missing_since,
            created_at: row.created_at,
            updated_at: row.updated_at.unwrap_or(row.created_at),
            version: row.version,
        })
    }
}

const SELECT: &str = "SELECT h.id, h.technical_name, h.kind, h.status, h.site_id, \
    s.name AS site_name, h.rack_id, r.name AS rack_name, h.cluster_id, c.name AS cluster_name, \
    h.cores, h.ram_bytes, h.storage_bytes, h.zabbix_host_id, h.zabbix_seen_at, \
    h.zabbix_missing_since, h.created_at, h.updated_at, h.version \
    FROM metric_hosts h LEFT JOIN sites s ON s.id = h.site_id \
    LEFT JOIN racks r ON r.id = h.rack_id LEFT JOIN clusters c ON c.id = h.cluster_id";

/// Finds a host by id.
pub async fn get(db: &Db, id: i64) -> Result<Option<Host>> {
    let row: Option<Row> = db
        .fetch_optional(
            Sql::assembled(format!("{SELECT} WHERE h.id = $1")),
            args![id],
        )
        .await?;
    row.map(Host::try_from).transpose()
}

async fn get_in(tx: &mut Tx, id: i64) -> Result<Option<Host>> {
    let row: Option<Row> = tx
        .fetch_optional(
            Sql::assembled(format!("{SELECT} WHERE h.id = $1")),
            args![id],
        )
        .await?;
    row.map(Host::try_from).transpose()
}

/// Creates a host, or describes the host of that technical name that a metric import created
/// and nobody described yet, so its metrics stay attached. A described host with the name
/// is a [`DomainError::Duplicate`] on `technical_name`.
pub async fn create(
    db: &Db,
    draft: &HostDraft,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<Host> {
    if !matches!(draft.status, HostStatus::Planned | HostStatus::Active) {
        return Err(
            domain::Invalid::new("status", "inventory-host-initial-status")
                .arg("value", draft.status)
                .into(),
        );
    }
    let mut tx = db.begin().await?;
    let site_id = check_references(&mut tx, draft).await?;
    let existing: Option<(i64, Option<String>)> = tx
        .fetch_optional(
            "SELECT id, kind FROM metric_hosts WHERE technical_name = $1",
            args![draft.technical_name.as_str()],
        )
        .await?;
    let id = match existing {
        Some((_, Some(_))) => {
            return Err(DomainError::Duplicate {
                field: "technical_name".into(),
                value: draft.technical_name.clone(),
            }
            .into());
        }
        Some((id, None)) => {
            write(&mut tx, id, None, draft, site_id, now).await?;
            id
        }
        None => {
            let mut values = columns(draft, site_id);
            values.push(now.into());
            tx.fetch_scalar(
                "INSERT INTO metric_hosts (technical_name, kind, status, site_id, rack_id, \
                 cluster_id, cores, ram_bytes, storage_bytes, zabbix_host_id, created_at, \
                 updated_at, version) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, 1) RETURNING id",
                values,
            )
            .await
            .map_err(duplicate_zabbix_id(draft))?
        }
    };
    let host = get_in(&mut tx, id).await?.ok_or(DomainError::NotFound)?;
    audit::record(
        &mut tx,
        author,
        "host.create",
        ("host", id),
        None,
        Some(Json::Object(host.snapshot())),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(host)
}

/// Replaces a host's fields if `version` is still current. A status change must be one step
/// of the lifecycle ([`DomainError::InvalidTransition`] otherwise). A save that changes
/// nothing keeps the version.
pub async fn update(
    db: &Db,
    id: i64,
    version: i64,
    draft: &HostDraft,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<Host> {
    let mut tx = db.begin().await?;
    let current = get_in(&mut tx, id).await?.ok_or(DomainError::NotFound)?;
    if current.version != version {
        return Err(DomainError::Conflict {
            expected: version,
            current: current.version,
        }
        .into());
    }
    if current.status != draft.status {
        check_host_transition(current.status, draft.status)?;
    }
    let site_id = check_references(&mut tx, draft).await?;
    let taken: Option<(i64,)> = tx
        .fetch_optional(
            "SELECT id FROM metric_hosts WHERE technical_name = $1 AND id <> $2",
            args![draft.technical_name.as_str(), id],
        )
        .await?;
    if taken.is_some() {
        return Err(DomainError::Duplicate {
            field: "technical_name".into(),
            value: draft.technical_name.clone(),
        }
        .into());
    }
    write(&mut tx, id, Some(version), draft, site_id, now).await?;
    let updated = get_in(&mut tx, id).await?.ok_or(DomainError::NotFound)?;

    let (old, new) = changed_fields(&current, &updated);
    if new.is_empty() {
        // Dropping the transaction rolls the version bump back.
        return Ok(current);
    }
    audit::record(
        &mut tx,
        author,
        "host.update",
        ("host", id),
        Some(Json::Object(old)),
        Some(Json::Object(new)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(updated)
}

fn changed_fields(before: &Host, after: &Host) -> (Map<String, Json>, Map<String, Json>) {
    let old_values = before.snapshot();
    let mut old = Map::new();
    let mut new = Map::new();
    for (name, value) in after.snapshot() {
        let previous = old_values.get(&name).cloned().unwrap_or(Json::Null);
        if previous != value {
            old.insert(name.clone(), previous);
            new.insert(name, value);
        }
    }
    (old, new)
}

/// Writes a draft over row `id`; with `version`, only if it is still current.
async fn write(
    tx: &mut Tx,
    id: i64,
    version: Option<i64>,
    draft: &HostDraft,
    site_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut values = columns(draft, site_id);
    values.extend([Value::from(now), Value::from(id)]);
    let mut sql = String::from(
        "UPDATE metric_hosts SET technical_name = $1, kind = $2, status = $3, site_id = $4, \
         rack_id = $5, cluster_id = $6, cores = $7, ram_bytes = $8, storage_bytes = $9, \
         zabbix_host_id = $10, updated_at = $11, version = version + 1 WHERE id = $12",
    );
    if let Some(version) = version {
        values.push(version.into());
        sql.push_str(" AND version = $13");
    }
    let changed = tx
        .execute(Sql::assembled(sql), values)
        .await
        .map_err(duplicate_zabbix_id(draft))?;
    if changed == 0 {
        return Err(DomainError::Conflict {
            expected: version.unwrap_or_default(),
            current: version.unwrap_or_default() + 1,
        }
        .into());
    }
    Ok(())
}

/// Builds the values of columns 1–10 of the INSERT and UPDATE statements.
fn columns(draft: &HostDraft, site_id: Option<i64>) -> Vec<Value> {
    args![
        draft.technical_name.as_str(),
        draft.kind.as_ref(),
        draft.status.as_ref(),
        site_id,
        draft.rack_id,
        draft.cluster_id,
        draft.resources.cores,
        draft.resources.ram_bytes,
        draft.resources.storage_bytes,
        draft.zabbix_host_id,
    ]
}

fn duplicate_zabbix_id(draft: &HostDraft) -> impl FnOnce(crate::Error) -> crate::Error + use<> {
    let value = draft.zabbix_host_id.unwrap_or_default().to_string();
    duplicate_on("zabbix_host_id", &value)
}

/// Checks the site, rack and cluster a draft names, and returns the host's site: the one
/// named, or the rack's. A rack of another site than the one named is an invalid `rack_id`.
async fn check_references(tx: &mut Tx, draft: &HostDraft) -> Result<Option<i64>> {
    if let Some(site_id) = draft.site_id {
        require_site(tx, site_id).await?;
    }
    if let Some(cluster_id) = draft.cluster_id {
        require_cluster(tx, cluster_id).await?;
    }
    let Some(rack_id) = draft.rack_id else {
        return Ok(draft.site_id);
    };
    let rack = rack_in(tx, rack_id)
        .await?
        .ok_or_else(|| unknown_reference("rack_id", rack_id))?;
    match draft.site_id {
        Some(site_id) if site_id != rack.site_id => {
            Err(domain::Invalid::new("rack_id", "inventory-rack-other-site")
                .arg("rack", &rack.name)
                .arg("site", site_id)
                .into())
        }
        _ => Ok(Some(rack.site_id)),
    }
}

/// Filters and paging of the host list; empty filters match everything.
#[derive(Debug, Clone)]
pub struct HostListQuery {
    /// Text in the technical name.
    pub text: Option<String>,
    pub status: Option<HostStatus>,
    pub site_id: Option<i64>,
    pub cluster_id: Option<i64>,
    pub limit: i64,
    pub offset: i64,
}

impl Default for HostListQuery {
    fn default() -> Self {
        Self {
            text: None,
            status: None,
            site_id: None,
            cluster_id: None,
            limit: 50,
            offset: 0,
        }
    }
}

/// Lists hosts by technical name and returns them with the number of matches.
pub async fn list(db: &Db, query: &HostListQuery) -> Result<(Vec<Host>, i64)> {
    let mut conditions: Vec<String> = Vec::new();
    let mut values: Vec<Value> = Vec::new();
    let mut bind = |value: Value| {
        values.push(value);
        format!("${}", values.len())
    };
    if let Some(status) = query.status {
        conditions.push(format!("h.status = {}", bind(status.as_ref().into())));
    }
    if let Some(site_id) = query.site_id {
        conditions.push(format!("h.site_id = {}", bind(site_id.into())));
    }
    if let Some(cluster_id) = query.cluster_id {
        conditions.push(format!("h.cluster_id = {}", bind(cluster_id.into())));
    }
    if let Some(text) = query
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        let pattern = format!("%{}%", domain::text::escape_like(&text.to_lowercase()));
        conditions.push(format!(
            "LOWER(h.technical_name) LIKE {} ESCAPE '\\'",
            bind(pattern.into())
        ));
    }
    let where_clause = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };

    let total: i64 = db
        .fetch_scalar(
            Sql::assembled(format!(
                "SELECT COUNT(*) FROM metric_hosts h {where_clause}"
            )),
            values.clone(),
        )
        .await?;
    let limit = values.len() + 1;
    values.extend([Value::from(query.limit), Value::from(query.offset)]);
    let sql = format!(
        "{SELECT} {where_clause} ORDER BY h.technical_name, h.id LIMIT ${limit} OFFSET ${}",
        limit + 1
    );
    let rows: Vec<Row> = db.fetch_all(Sql::assembled(sql), values).await?;
    let hosts = rows
        .into_iter()
        .map(Host::try_from)
        .collect::<Result<_>>()?;
    Ok((hosts, total))
}

/// A metric stored for a host.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct HostMetric {
    pub metric: String,
    /// The canonical unit, such as `percent`.
    pub unit: String,
    pub samples: i64,
    pub first: DateTime<Utc>,
    pub last: DateTime<Utc>,
}

/// Lists the metrics stored for a host, by name.
pub async fn metrics_of(db: &Db, host_id: i64) -> Result<Vec<HostMetric>> {
    db.fetch_all(
        "SELECT metric, MIN(unit) AS unit, COUNT(*) AS samples, MIN(time) AS first, \
         MAX(time) AS last FROM metric_samples WHERE host_id = $1 GROUP BY metric \
         ORDER BY metric",
        args![host_id],
    )
    .await
}
