//! The Zabbix metric import of `vitrina zabbix import-metrics` and of the scheduler: reads
//! the values of the mapped items of every inventory host linked to Zabbix and stores them
//! as metric samples in their canonical unit.
//!
//! Each item continues after the host's latest stored sample of its metric, or starts at
//! `start` when nothing is stored. `history.get` is read in one-day pieces, so
//! a month of minute values never sits in one answer. `trend.get` gives hourly averages and
//! only of completed hours: the current hour is left for the next run.

use anyhow::Context as _;
use chrono::{DateTime, Duration, Utc};
use domain::infra::{ImportUnit, ItemMapping, Sample};
use integrations::zabbix::{Client, Item};
use serde::Serialize;
use store::Db;
use store::metrics::LinkedHost;
use web::i18n::I18n;

use crate::config::Config;
use crate::metrics::reason;

/// The longest time span one `history.get` call asks for.
const HISTORY_PIECE: Duration = Duration::days(1);
/// Rejected values listed per item in the report; the count covers all of them.
const REJECTED_LISTED: usize = 10;
/// Seconds in an hour, the span of one trend row.
const HOUR: i64 = 3600;

/// The source of imported values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Every value as collected (`history.get`).
    History,
    /// Hourly averages of completed hours (`trend.get`).
    Trends,
}

/// The outcome of one import run.
#[derive(Debug, Serialize)]
pub struct ImportReport {
    pub source: Source,
    /// Inventory hosts linked to a Zabbix host.
    pub hosts: usize,
    pub items: Vec<ItemReport>,
    /// Mapped keys that a linked host has no item for.
    pub missing: Vec<MissingItem>,
}

impl ImportReport {
    /// Samples stored over all items.
    pub fn stored(&self) -> usize {
        self.items.iter().map(|item| item.stored).sum()
    }
}

/// The outcome for one item.
#[derive(Debug, Serialize)]
pub struct ItemReport {
    pub host: String,
    pub key: String,
    pub metric: String,
    pub itemid: String,
    /// The time span asked for, both ends inclusive; `None` when nothing was due.
    pub from: Option<DateTime<Utc>>,
    pub till: Option<DateTime<Utc>>,
    /// Values Zabbix returned.
    pub read: usize,
    /// Samples stored.
    pub stored: usize,
    pub rejected_count: usize,
    /// The first rejected values with the reason.
    pub rejected: Vec<RejectedValue>,
    /// The reason nothing of this item was stored, when the whole item failed.
    pub error: Option<String>,
}

/// A value that could not be stored.
#[derive(Debug, Serialize)]
pub struct RejectedValue {
    pub clock: String,
    pub value: String,
    pub reason: String,
}

/// A mapped key that a linked host lacks.
#[derive(Debug, Serialize)]
pub struct MissingItem {
    pub host: String,
    pub key: String,
}

/// Imports the mapped items of every linked host up to `now`; a metric with no stored
/// samples starts at `start`.
pub async fn import_once(
    db: &Db,
    client: &Client,
    i18n: &I18n,
    mappings: &[ItemMapping],
    source: Source,
    now: DateTime<Utc>,
    start: DateTime<Utc>,
) -> anyhow::Result<ImportReport> {
    let hosts = store::metrics::zabbix_linked_hosts(db)
        .await
        .context("cannot list the hosts linked to Zabbix")?;
    let mut report = ImportReport {
        source,
        hosts: hosts.len(),
        items: Vec::new(),
        missing: Vec::new(),
    };
    if hosts.is_empty() {
        return Ok(report);
    }
    let host_ids: Vec<i64> = hosts.iter().map(|host| host.zabbix_host_id).collect();
    let keys: Vec<&str> = mappings
        .iter()
        .map(|mapping| mapping.key.as_str())
        .collect();
    let items = client
        .items(&host_ids, &keys)
        .await
        .context("cannot list the items of Zabbix (item.get)")?;
    for host in &hosts {
        for mapping in mappings {
            let item = items.iter().find(|item| {
                item.key_ == mapping.key && item.hostid == host.zabbix_host_id.to_string()
            });
            match item {
                Some(item) => {
                    let item_report =
                        import_item(db, client, i18n, host, mapping, item, source, now, start)
                            .await?;
                    report.items.push(item_report);
                }
                None => report.missing.push(MissingItem {
                    host: host.technical_name.clone(),
                    key: mapping.key.clone(),
                }),
            }
        }
    }
    Ok(report)
}

/// Reads and stores one item. Zabbix and database failures end the run; an item whose
/// values cannot be stored (a non-numeric item, another unit than the stored one) is
/// reported with its error and the run goes on.
#[allow(clippy::too_many_arguments)]
async fn import_item(
    db: &Db,
    client: &Client,
    i18n: &I18n,
    host: &LinkedHost,
    mapping: &ItemMapping,
    item: &Item,
    source: Source,
    now: DateTime<Utc>,
    start: DateTime<Utc>,
) -> anyhow::Result<ItemReport> {
    let mut report = ItemReport {
        host: host.technical_name.clone(),
        key: mapping.key.clone(),
        metric: mapping.metric.clone(),
        itemid: item.itemid.clone(),
        from: None,
        till: None,
        read: 0,
        stored: 0,
        rejected_count: 0,
        rejected: Vec::new(),
        error: None,
    };
    if !item.is_numeric() {
        report.error = Some(format!(
            "item {} holds value type {}, not numbers; map a numeric item",
            item.key_, item.value_type
        ));
        return Ok(report);
    }
    let last = store::metrics::last_sample_time(db, host.id, &mapping.metric)
        .await
        .context("cannot read the latest stored sample")?;
    let from = last.map_or(start, |time| time + Duration::seconds(1));
    let till = match source {
        Source::History => now,
        // The current hour's trend is not final; stop before it begins.
        Source::Trends => {
            let hour_start = now.timestamp().div_euclid(HOUR) * HOUR;
            DateTime::from_timestamp(hour_start - 1, 0).unwrap_or(now)
        }
    };
    if from > till {
        return Ok(report);
    }
    report.from = Some(from);
    report.till = Some(till);

    let raw = match source {
        Source::History => read_history(client, item, from, till).await?,
        Source::Trends => read_trends(client, item, from, till, now).await?,
    };
    report.read = raw.len();
    let mut samples = Vec::with_capacity(raw.len());
    for (clock, value) in raw {
        match convert(i18n, &clock, &value, mapping.unit) {
            Ok(sample) => samples.push(sample),
            Err(reason) => {
                report.rejected_count += 1;
                if report.rejected.len() < REJECTED_LISTED {
                    report.rejected.push(RejectedValue {
                        clock,
                        value,
                        reason,
                    });
                }
            }
        }
    }
    match store::metrics::upsert_samples(
        db,
        host.id,
        &mapping.metric,
        mapping.unit.canonical(),
        &samples,
    )
    .await
    {
        Ok(stored) => report.stored = stored,
        Err(store::Error::Domain(domain::Error::Invalid(invalid))) => {
            report.error = Some(format!(
                "cannot store {} on {}: {}",
                mapping.metric,
                host.technical_name,
                reason(i18n, &invalid)
            ));
        }
        Err(error) => return Err(error).context("cannot store the samples"),
    }
    Ok(report)
}

/// Reads history in one-day pieces and returns (clock, value) pairs, oldest first.
async fn read_history(
    client: &Client,
    item: &Item,
    from: DateTime<Utc>,
    till: DateTime<Utc>,
) -> anyhow::Result<Vec<(String, String)>> {
    let mut values = Vec::new();
    let mut start = from;
    while start <= till {
        let end = (start + HISTORY_PIECE - Duration::seconds(1)).min(till);
        let piece = client
            .history(item, start.timestamp(), end.timestamp())
            .await
            .with_context(|| {
                format!(
                    "cannot read the history of item {} (history.get)",
                    item.itemid
                )
            })?;
        values.extend(piece.into_iter().map(|value| (value.clock, value.value)));
        start = end + Duration::seconds(1);
    }
    Ok(values)
}

/// Reads the hourly trends and returns (clock, average) pairs of completed hours.
async fn read_trends(
    client: &Client,
    item: &Item,
    from: DateTime<Utc>,
    till: DateTime<Utc>,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<(String, String)>> {
    let mut rows = client
        .trends(&[item.itemid.as_str()], from.timestamp(), till.timestamp())
        .await
        .with_context(|| format!("cannot read the trends of item {} (trend.get)", item.itemid))?;
    rows.retain(|row| {
        row.itemid == item.itemid
            && row
                .clock
                .parse::<i64>()
                .is_ok_and(|clock| clock + HOUR <= now.timestamp())
    });
    rows.sort_by_key(|row| row.clock.parse::<i64>().unwrap_or(i64::MAX));
    Ok(rows
        .into_iter()
        .map(|row| (row.clock, row.value_avg))
        .collect())
}

/// Turns one Zabbix value into a sample in the canonical unit, or gives the reason it cannot be.
fn convert(i18n: &I18n, clock: &str, value: &str, unit: ImportUnit) -> Result<Sample, String> {
    let seconds: i64 = clock
        .parse()
        .map_err(|_| format!("clock {clock:?} is not Unix seconds"))?;
    let time = DateTime::from_timestamp(seconds, 0)
        .ok_or_else(|| format!("clock {clock} is out of range"))?;
    let number: f64 = value
        .trim()
        .parse()
        .ok()
        .filter(|number: &f64| number.is_finite())
        .ok_or_else(|| format!("value {value:?} is not a finite number"))?;
    let value = unit
        .to_canonical(number, None)
        .map_err(|invalid| format!("value {number}: {}", reason(i18n, &invalid)))?;
    Ok(Sample { time, value })
}

/// Reads `--since`: a duration before now (`30d`, `24h`, `3600`) or an RFC 3339 time.
pub fn parse_since(i18n: &I18n, text: &str, now: DateTime<Utc>) -> anyhow::Result<DateTime<Utc>> {
    if let Ok(time) = DateTime::parse_from_rfc3339(text.trim()) {
        let time = time.with_timezone(&Utc);
        if time > now {
            anyhow::bail!("invalid --since {text}: the time is in the future");
        }
        return Ok(time);
    }
    let seconds = domain::infra::window::parse_duration_seconds("since", text)
        .map_err(|error| crate::metrics::invalid(i18n, error))?;
    Ok(now - Duration::seconds(seconds))
}

/// Runs `zabbix import-metrics`: one import, with the report printed as JSON. Exits non-zero
/// when an item failed as a whole, so scripts notice.
pub async fn run(db: &Db, config: &Config, source: Source, since: &str) -> anyhow::Result<()> {
    let Some(client) = crate::serve::zabbix_client(config)? else {
        anyhow::bail!(
            "the Zabbix API is not configured: set zabbix_api_url and either \
             zabbix_api_token or zabbix_api_username with zabbix_api_password \
             (VITRINA_ZABBIX_API_URL and so on)"
        );
    };
    let i18n = crate::metrics::translations()?;
    let now = domain::time::now();
    let start = parse_since(&i18n, since, now)?;
    let report = import_once(
        db,
        &client,
        &i18n,
        &config.zabbix_metric_items,
        source,
        now,
        start,
    )
    .await?;
    println!("{}", serde_json::to_string_pretty(&report)?);
    let failed: Vec<&str> = report
        .items
        .iter()
        .filter(|item| item.error.is_some())
        .map(|item| item.key.as_str())
        .collect();
    if !failed.is_empty() {
        anyhow::bail!("some items were not imported: {}", failed.join(", "));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn i18n() -> std::sync::Arc<I18n> {
        crate::metrics::translations().unwrap()
    }

    #[test]
    fn values_convert_to_the_canonical_unit() {
        let sample = convert(&i18n(), "1764547200", "0.25", ImportUnit::Fraction).unwrap();
        assert_eq!(sample.value, 25.0);
        assert_eq!(sample.time.timestamp(), 1_764_547_200);
    }

    #[test]
    fn bad_values_say_why() {
        let i18n = i18n();
        let error = |clock, value| convert(&i18n, clock, value, ImportUnit::Percent).unwrap_err();
        assert!(error("x", "1").contains("clock \"x\""));
        assert!(error("1", "abc").contains("not a finite"));
        assert!(error("1", "NaN").contains("not a finite"));
        let out_of_range = error("1", "140");
        assert!(out_of_range.starts_with("value 140: "), "{out_of_range}");
        assert!(!out_of_range.contains("infra-"), "{out_of_range}");
    }
}

#[cfg(test)]
mod replay;
