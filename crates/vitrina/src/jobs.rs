//! The background scheduler of `serve`: periodic jobs, each run under a database lease so
//! that of several instances on one database only one runs a job at a time.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use store::Db;
use tokio::sync::watch;
use web::context::{SESSION_ABSOLUTE, SESSION_IDLE};

/// How often the scheduler wakes up.
const TICK: StdDuration = StdDuration::from_secs(60);
/// How long a lease lasts: longer than any run, so a crashed holder frees it within minutes.
const LEASE: Duration = Duration::minutes(5);
/// Failed-login rows older than this no longer count towards the hourly limit.
const FAILURES_KEPT: Duration = Duration::hours(1);
/// How often the Zabbix host sync runs when the Zabbix API is configured.
const HOST_SYNC_EVERY: Duration = Duration::hours(1);
/// How often item values are imported from Zabbix when the Zabbix API is configured.
const METRIC_IMPORT_EVERY: Duration = Duration::minutes(10);
/// How far back the import starts for a metric with no stored samples.
const METRIC_BACKFILL: Duration = Duration::days(30);

/// Settings of the scheduled jobs.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Names this instance in lease rows.
    pub instance_id: String,
    /// Resolved tickets close after this many days.
    pub auto_close_days: i64,
    /// The Zabbix API client, when configured: the host sync runs hourly with it.
    pub zabbix: Option<Arc<integrations::zabbix::Client>>,
    /// The Zabbix items the metric import reads.
    pub metric_items: Vec<domain::infra::ItemMapping>,
    /// Renders and sends queued mail every run.
    pub mail: crate::mail::MailSender,
    /// Escalation levels and the head of support.
    pub escalation: store::notify::escalation::Settings,
}

/// Runs the jobs every minute until `shutdown` turns true. The first run is at once.
pub async fn run(db: Db, settings: Settings, mut shutdown: watch::Receiver<bool>) {
    tracing::info!(instance_id = %settings.instance_id, "scheduler started");
    let mut interval = tokio::time::interval(TICK);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = interval.tick() => run_due(&db, &settings).await,
            _ = shutdown.changed() => break,
        }
    }
    tracing::info!(instance_id = %settings.instance_id, "scheduler stopped");
}

/// Runs every job once.
pub async fn run_due(db: &Db, settings: &Settings) {
    let days = settings.auto_close_days;
    run_job(db, &settings.instance_id, "auto_close", |now| async move {
        let cutoff = now - Duration::days(days);
        let closed = store::servicedesk::tickets::close_resolved_before(db, cutoff, now).await?;
        Ok((
            closed as u64,
            format!("closed {closed} tickets resolved before {cutoff}"),
        ))
    })
    .await;
    run_job(
        db,
        &settings.instance_id,
        "session_purge",
        |now| async move {
            let deleted = store::identity::sessions::purge_expired(
                db,
                now - SESSION_ABSOLUTE,
                now - SESSION_IDLE,
                now - FAILURES_KEPT,
            )
            .await?;
            Ok((deleted, format!("deleted {deleted} expired sessions")))
        },
    )
    .await;
    run_job(
        db,
        &settings.instance_id,
        "contract_expiry",
        |now| async move {
            // Contract dates are calendar dates in Moscow, where the company signs them.
            let today = now.with_timezone(&chrono_tz::Europe::Moscow).date_naive();
            let expired = store::crm::contracts::expire_ended(db, today, now).await?;
            Ok((
                expired.len() as u64,
                format!("expired {} contracts ended before {today}", expired.len()),
            ))
        },
    )
    .await;
    if let Some(client) = &settings.zabbix {
        run_host_sync(db, &settings.instance_id, client).await;
        run_metric_import(db, settings, client).await;
    }
    let escalation = &settings.escalation;
    run_job(
        db,
        &settings.instance_id,
        "sla_escalation",
        |now| async move {
            let fired = store::notify::escalation::run(db, escalation, now).await?;
            Ok((fired, format!("fired {fired} escalation levels")))
        },
    )
    .await;
    // After the escalations, so their mail goes out in the same run.
    let mail = &settings.mail;
    run_job(db, &settings.instance_id, "mail_send", |now| async move {
        let report = mail.run_once(now).await?;
        Ok((
            report.rendered + report.sent + report.failed,
            format!(
                "{} rendered, {} sent, {} failed",
                report.rendered, report.sent, report.failed
            ),
        ))
    })
    .await;
}

/// Imports item values from Zabbix when the last import finished ten minutes ago or more.
async fn run_metric_import(db: &Db, settings: &Settings, client: &integrations::zabbix::Client) {
    const NAME: &str = "zabbix_metric_import";
    match store::jobs::last_finished(db, NAME).await {
        Ok(Some(finished)) if domain::time::now() - finished < METRIC_IMPORT_EVERY => return,
        Ok(_) => {}
        Err(error) => {
            tracing::error!(job = NAME, %error, "job state unreadable");
            return;
        }
    }
    let i18n = match crate::metrics::translations() {
        Ok(i18n) => i18n,
        Err(error) => {
            tracing::error!(job = NAME, %error, "translations unreadable");
            return;
        }
    };
    let mappings = &settings.metric_items;
    run_job(db, &settings.instance_id, NAME, |now| async move {
        let report = crate::metric_import::import_once(
            db,
            client,
            &i18n,
            mappings,
            crate::metric_import::Source::History,
            now,
            now - METRIC_BACKFILL,
        )
        .await?;
        for item in report.items.iter().filter(|item| item.error.is_some()) {
            tracing::warn!(host = %item.host, key = %item.key, error = ?item.error, "zabbix item not imported");
        }
        let stored = report.stored();
        Ok((
            stored as u64,
            format!(
                "{} samples stored from {} items of {} hosts; {} mapped items missing",
                stored,
                report.items.len(),
                report.hosts,
                report.missing.len()
            ),
        ))
    })
    .await;
}

/// Runs the Zabbix host sync when the last run finished an hour ago or more.
async fn run_host_sync(db: &Db, holder: &str, client: &integrations::zabbix::Client) {
    const NAME: &str = "zabbix_host_sync";
    match store::jobs::last_finished(db, NAME).await {
        Ok(Some(finished)) if domain::time::now() - finished < HOST_SYNC_EVERY => return,
        Ok(_) => {}
        Err(error) => {
            tracing::error!(job = NAME, %error, "job state unreadable");
            return;
        }
    }
    run_job(db, holder, NAME, |now| async move {
        let report = crate::host_sync::sync_once(db, client, now).await?;
        let changed = report.linked.len() + report.vanished.len();
        Ok((
            changed as u64,
            format!(
                "{} Zabbix hosts: {} linked, {} new in Zabbix, {} vanished, {} conflicts",
                report.zabbix_hosts,
                report.linked.len(),
                report.new_in_zabbix.len(),
                report.vanished.len(),
                report.conflicts.len()
            ),
        ))
    })
    .await;
}

/// Runs `job` if this instance gets the lease, logs its start and end, and records the
/// outcome in the lease row. `job` returns how many rows it changed and a summary.
///
/// Runs that change nothing log at `debug`, so an idle instance does not write two lines a
/// minute; `RUST_LOG=vitrina=debug` shows every run.
async fn run_job<F, Fut>(db: &Db, holder: &str, name: &str, job: F)
where
    F: FnOnce(DateTime<Utc>) -> Fut,
    Fut: Future<Output = anyhow::Result<(u64, String)>>,
{
    let now = domain::time::now();
    match store::jobs::try_lease(db, name, holder, now, LEASE).await {
        Ok(true) => {}
        Ok(false) => {
            tracing::debug!(job = name, "job skipped: another instance has its lease");
            return;
        }
        Err(error) => {
            tracing::error!(job = name, %error, "job lease failed");
            return;
        }
    }

    tracing::debug!(job = name, instance_id = holder, "job started");
    let result = job(now).await;
    let error = match &result {
        Ok((0, summary)) => {
            tracing::debug!(job = name, instance_id = holder, summary = %summary, "job finished");
            None
        }
        Ok((_, summary)) => {
            tracing::info!(job = name, instance_id = holder, summary = %summary, "job finished");
            None
        }
        Err(error) => {
            let error = format!("{error:#}");
            tracing::error!(job = name, instance_id = holder, %error, "job failed");
            Some(error)
        }
    };
    if let Err(release_error) =
        store::jobs::release(db, name, holder, domain::time::now(), error.as_deref()).await
    {
        tracing::error!(job = name, error = %release_error, "job lease release failed");
    }
}
