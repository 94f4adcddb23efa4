//! Releases of services, their deployments to environments, the version each service runs
//! in an environment, and the bug tickets a release fixes.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use domain::Error as DomainError;
use domain::Invalid;
use domain::infra::DeploymentResult;
use domain::infra::inventory::running_version;
use serde_json::json;

use super::{corrupt, duplicate_on};
use crate::identity::audit::{self, Author};
use crate::{Db, Result, Sql, Tx, Value, args};

/// A version of a service.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Release {
    pub id: i64,
    pub service_id: i64,
    pub service: String,
    pub version: String,
    pub notes: Option<String>,
    /// The login of the user who recorded it.
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
}

const RELEASE_SELECT: &str = "SELECT r.id, r.service_id, s.name AS service, r.version, r.notes, \
    u.login AS created_by, r.created_at FROM releases r JOIN services s ON s.id = r.service_id \
    LEFT JOIN users u ON u.id = r.created_by";

/// Finds the id of a service by name, or returns an invalid `service`.
async fn service_id(tx: &mut Tx, name: &str) -> Result<i64> {
    let found: Option<(i64,)> = tx
        .fetch_optional("SELECT id FROM services WHERE name = $1", args![name])
        .await?;
    found.map(|(id,)| id).ok_or_else(|| {
        Invalid::new("service", "inventory-unknown-service")
            .arg("value", name)
            .into()
    })
}

async fn release_in(tx: &mut Tx, id: i64) -> Result<Option<Release>> {
    tx.fetch_optional(
        Sql::assembled(format!("{RELEASE_SELECT} WHERE r.id = $1")),
        args![id],
    )
    .await
}

/// Records a release of a service named `service`. An unknown service is an invalid
/// `service`; a version the service has already is a [`DomainError::Duplicate`] on `version`.
pub async fn create_release(
    db: &Db,
    service: &str,
    version: &str,
    notes: Option<&str>,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<Release> {
    let mut tx = db.begin().await?;
    let service_id = service_id(&mut tx, service).await?;
    let id: i64 = tx
        .fetch_scalar(
            "INSERT INTO releases (service_id, version, notes, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
            args![service_id, version, notes, author.user_id, now],
        )
        .await
        .map_err(duplicate_on("version", version))?;
    audit::record(
        &mut tx,
        author,
        "release.create",
        ("release", id),
        None,
        Some(json!({"service": service, "version": version, "notes": notes})),
        now,
    )
    .await?;
    let release = release_in(&mut tx, id)
        .await?
        .ok_or(DomainError::NotFound)?;
    tx.commit().await?;
    Ok(release)
}

/// Finds a release by id.
pub async fn get_release(db: &Db, id: i64) -> Result<Option<Release>> {
    db.fetch_optional(
        Sql::assembled(format!("{RELEASE_SELECT} WHERE r.id = $1")),
        args![id],
    )
    .await
}

/// Lists releases newest first, of one service or of all, at most `limit`.
pub async fn list_releases(db: &Db, service_id: Option<i64>, limit: i64) -> Result<Vec<Release>> {
    match service_id {
        Some(service_id) => {
            db.fetch_all(
                Sql::assembled(format!(
                    "{RELEASE_SELECT} WHERE r.service_id = $1 \
                     ORDER BY r.created_at DESC, r.id DESC LIMIT $2"
                )),
                args![service_id, limit],
            )
            .await
        }
        None => {
            db.fetch_all(
                Sql::assembled(format!(
                    "{RELEASE_SELECT} ORDER BY r.created_at DESC, r.id DESC LIMIT $1"
                )),
                args![limit],
            )
            .await
        }
    }
}

/// A deployment to record: names as the deployment tool sends them, already checked.
#[derive(Debug, Clone, PartialEq)]
pub struct NewDeployment {
    pub service: String,
    pub version: String,
    pub environment: String,
    pub result: DeploymentResult,
    /// When the deployment finished.
    pub deployed_at: DateTime<Utc>,
    /// The login of the deployer as the tool reports it, or else the recording user's login.
    pub deployed_by: String,
}

/// A recorded deployment.
#[derive(Debug, Clone, PartialEq)]
pub struct Deployment {
    pub id: i64,
    pub release_id: i64,
    pub service: String,
    pub version: String,
    pub environment_id: i64,
    pub environment: String,
    pub deployed_at: DateTime<Utc>,
    pub deployed_by: String,
    pub result: DeploymentResult,
    pub recorded_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct DeploymentRow {
    id: i64,
    release_id: i64,
    service: String,
    version: String,
    environment_id: i64,
    environment: String,
    deployed_at: DateTime<Utc>,
    deployed_by: String,
    result: String,
    recorded_at: DateTime<Utc>,
}

impl TryFrom<DeploymentRow> for Deployment {
    type Error = crate::Error;

    fn try_from(row: DeploymentRow) -> Result<Deployment> {
        let result = row
            .result
            .parse()
            .map_err(|_| corrupt("deployment", row.id, "result", &row.result))?;
        Ok(Deployment {
            id: row.id,
            release_id: row.release_id,
            service: row.service,
            version: row.version,
            environment_id: row.environment_id,
            environment: row.environment,
            deployed_at: row.deployed_at,
            deployed_by: row.deployed_by,
            result,
            recorded_at: row.recorded_at,
        })
    }
}

const DEPLOYMENT_SELECT: &str = "SELECT d.id, d.release_id, s.name AS service, r.version, \
    d.environment_id, e.name AS environment, d.deployed_at, d.deployed_by, d.result, \
    d.recorded_at FROM deployments d JOIN releases r ON r.id = d.release_id \
    JOIN services s ON s.id = r.service_id JOIN environments e ON e.id = d.environment_id";

/// Records a deployment and returns it with whether its release was created for it: a
/// deployment tool may deploy a version nobody recorded as a release. An unknown service or
/// environment is an invalid `service` or `environment`, and nothing is written.
pub async fn record_deployment(
    db: &Db,
    new: &NewDeployment,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<(Deployment, bool)> {
    let mut tx = db.begin().await?;
    let service_id = service_id(&mut tx, &new.service).await?;
    let environment: Option<(i64,)> = tx
        .fetch_optional(
            "SELECT id FROM environments WHERE name = $1",
            args![new.environment.as_str()],
        )
        .await?;
    let Some((environment_id,)) = environment else {
        return Err(Invalid::new("environment", "inventory-unknown-environment")
            .arg("value", &new.environment)
            .into());
    };

    let created = tx
        .execute(
            "INSERT INTO releases (service_id, version, notes, created_by, created_at) \
             VALUES ($1, $2, NULL, $3, $4) ON CONFLICT (service_id, version) DO NOTHING",
            args![service_id, new.version.as_str(), author.user_id, now],
        )
        .await?
        == 1;
    let (release_id,): (i64,) = tx
        .fetch_optional(
            "SELECT id FROM releases WHERE service_id = $1 AND version = $2",
            args![service_id, new.version.as_str()],
        )
        .await?
        .ok_or_else(|| crate::Error::Corrupt(format!("release {} vanished", new.version)))?;

    let id: i64 = tx
        .fetch_scalar(
            "INSERT INTO deployments (release_id, environment_id, deployed_at, deployed_by, \
             result, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            args![
                release_id,
                environment_id,
                new.deployed_at,
                new.deployed_by.as_str(),
                new.result.as_ref(),
                author.user_id,
                now,
            ],
        )
        .await?;
    audit::record(
        &mut tx,
        author,
        "deployment.create",
        ("deployment", id),
        None,
        Some(json!({
            "service": new.service,
            "version": new.version,
            "environment": new.environment,
            "result": new.result,
            "deployed_at": new.deployed_at,
            "deployed_by": new.deployed_by,
            "release_created": created,
        })),
        now,
    )
    .await?;
    let row: DeploymentRow = tx
        .fetch_optional(
            Sql::assembled(format!("{DEPLOYMENT_SELECT} WHERE d.id = $1")),
            args![id],
        )
        .await?
        .ok_or(DomainError::NotFound)?;
    tx.commit().await?;
    Ok((row.try_into()?, created))
}

/// A filter for the deployment list. An empty field matches every deployment.
#[derive(Debug, Clone, Default)]
pub struct DeploymentFilter {
    pub environment_id: Option<i64>,
    pub service_id: Option<i64>,
    pub release_id: Option<i64>,
}

/// Lists deployments newest first, at most `limit`.
pub async fn list_deployments(
    db: &Db,
    filter: &DeploymentFilter,
    limit: i64,
) -> Result<Vec<Deployment>> {
    let mut conditions = Vec::new();
    let mut values: Vec<Value> = Vec::new();
    for (column, value) in [
        ("d.environment_id", filter.environment_id),
        ("r.service_id", filter.service_id),
        ("d.release_id", filter.release_id),
    ] {
        if let Some(value) = value {
            values.push(value.into());
            conditions.push(format!("{column} = ${}", values.len()));
        }
    }
    let where_clause = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    values.push(limit.into());
    let sql = format!(
        "{DEPLOYMENT_SELECT} {where_clause} ORDER BY d.deployed_at DESC, d.id DESC LIMIT ${}",
        values.len()
    );
    let rows: Vec<DeploymentRow> = db.fetch_all(Sql::assembled(sql), values).await?;
    rows.into_iter().map(Deployment::try_from).collect()
}

/// The version of a service that runs in an environment, with the deployment that put it
/// there.
#[derive(Debug, Clone, PartialEq)]
pub struct Running {
    pub service: String,
    pub version: String,
    pub release_id: i64,
    pub deployed_at: DateTime<Utc>,
    pub deployed_by: String,
}

/// Returns the version each service runs in an environment, by service name, following
/// [`running_version`]. Services with no running version are left out.
pub async fn running_in(db: &Db, environment_id: i64) -> Result<Vec<Running>> {
    let rows: Vec<DeploymentRow> = db
        .fetch_all(
            Sql::assembled(format!(
                "{DEPLOYMENT_SELECT} WHERE d.environment_id = $1 \
                 ORDER BY d.deployed_at, d.id"
            )),
            args![environment_id],
        )
        .await?;
    let mut by_service: BTreeMap<String, Vec<Deployment>> = BTreeMap::new();
    for row in rows {
        let deployment = Deployment::try_from(row)?;
        by_service
            .entry(deployment.service.clone())
            .or_default()
            .push(deployment);
    }

    let mut running = Vec::new();
    for (service, deployments) in by_service {
        let pairs = deployments.iter().map(|d| (d.version.as_str(), d.result));
        let Some(version) = running_version(pairs) else {
            continue;
        };
        // The last successful deployment of the running version put it there.
        let Some(last) = deployments
            .iter()
            .rev()
            .find(|d| d.version == version && d.result == DeploymentResult::Succeeded)
        else {
            continue;
        };
        running.push(Running {
            version: version.to_string(),
            release_id: last.release_id,
            deployed_at: last.deployed_at,
            deployed_by: last.deployed_by.clone(),
            service,
        });
    }
    Ok(running)
}

/// A bug ticket a release fixes.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FixedTicket {
    pub id: i64,
    pub number: String,
    pub title: String,
    pub status: String,
}

/// Links bug ticket `ticket_id` to the release that fixes it, replacing an earlier link. A
/// ticket of another kind is an invalid `ticket_id`; a missing release or ticket is
/// [`DomainError::NotFound`].
pub async fn link_fix(
    db: &Db,
    release_id: i64,
    ticket_id: i64,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = db.begin().await?;
    release_in(&mut tx, release_id)
        .await?
        .ok_or(DomainError::NotFound)?;
    let ticket: Option<(String, String)> = tx
        .fetch_optional(
            "SELECT number, kind FROM tickets WHERE id = $1",
            args![ticket_id],
        )
        .await?;
    let Some((number, kind)) = ticket else {
        return Err(DomainError::NotFound.into());
    };
    if kind != "bug" {
        return Err(Invalid::new("ticket_id", "inventory-fix-not-bug")
            .arg("number", number)
            .arg("kind", kind)
            .into());
    }
    let previous: Option<(i64,)> = tx
        .fetch_optional(
            "SELECT release_id FROM release_fixes WHERE ticket_id = $1",
            args![ticket_id],
        )
        .await?;
    tx.execute(
        "INSERT INTO release_fixes (ticket_id, release_id, linked_at) VALUES ($1, $2, $3) \
         ON CONFLICT (ticket_id) DO UPDATE SET release_id = excluded.release_id, \
         linked_at = excluded.linked_at",
        args![ticket_id, release_id, now],
    )
    .await?;
    audit::record(
        &mut tx,
        author,
        "ticket.fixed_in",
        ("ticket", ticket_id),
        previous.map(|(id,)| json!({"release_id": id})),
        Some(json!({"release_id": release_id})),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Lists the bug tickets a release fixes, by number.
pub async fn fixed_tickets(db: &Db, release_id: i64) -> Result<Vec<FixedTicket>> {
    db.fetch_all(
        "SELECT t.id, t.number, t.title, t.status FROM release_fixes f \
         JOIN tickets t ON t.id = f.ticket_id WHERE f.release_id = $1 ORDER BY t.number",
        args![release_id],
    )
    .await
}

/// Returns the release that fixes a ticket, if one is linked.
pub async fn release_fixing(db: &Db, ticket_id: i64) -> Result<Option<Release>> {
    db.fetch_optional(
        Sql::assembled(format!(
            "{RELEASE_SELECT} JOIN release_fixes f ON f.release_id = r.id WHERE f.ticket_id = $1"
        )),
        args![ticket_id],
    )
    .await
}
