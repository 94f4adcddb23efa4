//! Metric series: a minimal host table that names hosts by their technical name, and the
//! samples of each host's metrics in their canonical unit.
//!
//! `metric_hosts` contains only what imports need, and the inventory will extend it.

use chrono::{DateTime, Utc};
use domain::Invalid;
use domain::infra::{Sample, Series, Unit};

use crate::{Args, Db, Result, Sql, Tx, Value, args};

/// Rows per INSERT statement: five arguments each stays far below SQLite's and
/// PostgreSQL's limits on statement arguments.
const BATCH_ROWS: usize = 500;
/// Maximum length in characters of a technical host name or a metric name.
const MAX_NAME_CHARS: usize = 255;

/// Checks a host or metric name: not empty after trimming, at most 255 characters.
fn checked_name<'a>(field: &str, value: &'a str) -> Result<&'a str, Invalid> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(Invalid::missing(field));
    }
    if trimmed.chars().count() > MAX_NAME_CHARS {
        return Err(Invalid::new(field, "error-too-long").arg("max", MAX_NAME_CHARS));
    }
    Ok(trimmed)
}

/// A host that has metrics.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct MetricHost {
    pub id: i64,
    /// The name imports and Zabbix use, such as `db-01`.
    pub technical_name: String,
}

/// Finds a host by its technical name.
pub async fn find_host(db: &Db, technical_name: &str) -> Result<Option<MetricHost>> {
    let name = checked_name("host", technical_name)?;
    db.fetch_optional(
        "SELECT id, technical_name FROM metric_hosts WHERE technical_name = $1",
        args![name],
    )
    .await
}

/// Returns the host with this technical name, creating it when missing; the flag says
/// whether it was created.
pub async fn ensure_host(
    db: &Db,
    technical_name: &str,
    now: DateTime<Utc>,
) -> Result<(MetricHost, bool)> {
    let name = checked_name("host", technical_name)?;
    let mut tx = db.begin().await?;
    let inserted = tx
        .execute(
            "INSERT INTO metric_hosts (technical_name, created_at) VALUES ($1, $2) \
             ON CONFLICT (technical_name) DO NOTHING",
            args![name, now],
        )
        .await?;
    let host: MetricHost = tx
        .fetch_optional(
            "SELECT id, technical_name FROM metric_hosts WHERE technical_name = $1",
            args![name],
        )
        .await?
        .ok_or_else(|| crate::Error::Corrupt(format!("host {name} vanished after insert")))?;
    tx.commit().await?;
    Ok((host, inserted == 1))
}

/// Stores samples of one host's metric in one transaction, replacing the value of a time
/// that is already stored. Samples of a metric share one unit: a different unit than the
/// stored one is rejected and nothing is written. Returns the number of samples written.
pub async fn upsert_samples(
    db: &Db,
    host_id: i64,
    metric: &str,
    unit: Unit,
    samples: &[Sample],
) -> Result<usize> {
    let metric = checked_name("metric", metric)?;
    let mut tx = db.begin().await?;
    check_unit(&mut tx, host_id, metric, unit).await?;
    for batch in samples.chunks(BATCH_ROWS) {
        let mut sql =
            String::from("INSERT INTO metric_samples (host_id, metric, unit, time, value) VALUES ");
        let mut values: Args = Vec::with_capacity(batch.len() * 5);
        for (index, sample) in batch.iter().enumerate() {
            let first = index * 5;
            if index > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!(
                "(${}, ${}, ${}, ${}, ${})",
                first + 1,
                first + 2,
                first + 3,
                first + 4,
                first + 5
            ));
            values.extend([
                Value::from(host_id),
                Value::from(metric),
                Value::from(unit.as_ref()),
                Value::from(sample.time),
                Value::from(sample.value),
            ]);
        }
        sql.push_str(
            " ON CONFLICT (host_id, metric, time) DO UPDATE SET value = excluded.value, \
             unit = excluded.unit",
        );
        tx.execute(Sql::assembled(sql), values).await?;
    }
    tx.commit().await?;
    Ok(samples.len())
}

/// Rejects `unit` when the metric already has samples in another unit.
async fn check_unit(tx: &mut Tx, host_id: i64, metric: &str, unit: Unit) -> Result<()> {
    let stored: Option<String> = tx
        .fetch_optional::<(String,)>(
            "SELECT unit FROM metric_samples WHERE host_id = $1 AND metric = $2 LIMIT 1",
            args![host_id, metric],
        )
        .await?
        .map(|(unit,)| unit);
    match stored {
        Some(stored) if stored != unit.as_ref() => {
            Err(Invalid::new("unit", "infra-metric-unit-mismatch")
                .arg("metric", metric)
                .arg("stored", stored)
                .arg("unit", unit)
                .into())
        }
        _ => Ok(()),
    }
}

#[derive(sqlx::FromRow)]
struct SampleRow {
    unit: String,
    time: DateTime<Utc>,
    value: f64,
}

/// Reads a host's metric as a series, oldest first; `None` when it has no samples.
pub async fn load_series(db: &Db, host_id: i64, metric: &str) -> Result<Option<Series>> {
    let metric = checked_name("metric", metric)?;
    let rows: Vec<SampleRow> = db
        .fetch_all(
            "SELECT unit, time, value FROM metric_samples \
             WHERE host_id = $1 AND metric = $2 ORDER BY time",
            args![host_id, metric],
        )
        .await?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let unit = first
        .unit
        .parse::<Unit>()
        .map_err(|_| crate::Error::Corrupt(format!("unknown metric unit {}", first.unit)))?;
    let samples = rows
        .into_iter()
        .map(|row| Sample {
            time: row.time,
            value: row.value,
        })
        .collect();
    Ok(Some(Series::new(unit, samples)?))
}

/// Counts a host's stored samples of a metric.
pub async fn count_samples(db: &Db, host_id: i64, metric: &str) -> Result<i64> {
    db.fetch_scalar(
        "SELECT COUNT(*) FROM metric_samples WHERE host_id = $1 AND metric = $2",
        args![host_id, metric],
    )
    .await
}

/// Returns the time of a host's latest stored sample of a metric, or `None` when it has
/// none: the Zabbix import continues from there.
pub async fn last_sample_time(
    db: &Db,
    host_id: i64,
    metric: &str,
) -> Result<Option<DateTime<Utc>>> {
    let metric = checked_name("metric", metric)?;
    let row: Option<(DateTime<Utc>,)> = db
        .fetch_optional(
            "SELECT time FROM metric_samples WHERE host_id = $1 AND metric = $2 \
             ORDER BY time DESC LIMIT 1",
            args![host_id, metric],
        )
        .await?;
    Ok(row.map(|(time,)| time))
}

/// A host that is linked to a Zabbix host.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct LinkedHost {
    pub id: i64,
    pub technical_name: String,
    pub zabbix_host_id: i64,
}

/// Lists the hosts that have a Zabbix host id and are not retired, by technical name.
pub async fn zabbix_linked_hosts(db: &Db) -> Result<Vec<LinkedHost>> {
    db.fetch_all(
        "SELECT id, technical_name, zabbix_host_id FROM metric_hosts \
         WHERE zabbix_host_id IS NOT NULL AND status <> 'retired' ORDER BY technical_name",
        Vec::new(),
    )
    .await
}
