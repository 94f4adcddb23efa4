//! Demo hosts with 30 days of hourly CPU and disk use, so that the host list, the capacity
//! advice and the forecast chart of a fresh demo have data to show.

use std::f64::consts::PI;

use chrono::{DateTime, Duration, DurationRound, Utc};
use domain::infra::{Sample, Unit};
use store::Db;

/// Days of hourly samples per metric.
const DAYS: i64 = 30;

/// A demo host: its technical name, then the CPU level at the start, its growth per day and
/// the daily swing, then the disk use at the start and its growth per day, all in percent.
struct DemoHost {
    name: &'static str,
    cpu_start: f64,
    cpu_growth: f64,
    cpu_swing: f64,
    disk_start: f64,
    disk_growth: f64,
}

/// A growing web server, a database whose disk fills up, and an idle cache server that
/// the advice suggests shrinking.
const HOSTS: [DemoHost; 3] = [
    DemoHost {
        name: "web-01",
        cpu_start: 35.0,
        cpu_growth: 0.6,
        cpu_swing: 15.0,
        disk_start: 40.0,
        disk_growth: 0.05,
    },
    DemoHost {
        name: "db-01",
        cpu_start: 30.0,
        cpu_growth: 0.1,
        cpu_swing: 10.0,
        disk_start: 62.0,
        disk_growth: 0.45,
    },
    DemoHost {
        name: "cache-01",
        cpu_start: 8.0,
        cpu_growth: 0.0,
        cpu_swing: 4.0,
        disk_start: 12.0,
        disk_growth: 0.0,
    },
];

/// Stores the demo hosts' samples, ending at the last full hour before `now`, and returns
/// how many hosts were loaded.
pub async fn load(db: &Db, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let end = now.duration_trunc(Duration::hours(1))?;
    let start = end - Duration::days(DAYS);
    for host in &HOSTS {
        let (stored, _) = store::metrics::ensure_host(db, host.name, now).await?;
        let cpu = series(start, |hour| {
            let day = hour as f64 / 24.0;
            // Peaks at 14:00 UTC, with a little deterministic jitter so the band has width.
            let cycle = (2.0 * PI * ((hour % 24) as f64 - 8.0) / 24.0).sin();
            let jitter = 2.0 * (hour as f64 * 1.7).sin();
            host.cpu_start + host.cpu_growth * day + host.cpu_swing * cycle + jitter
        });
        let disk = series(start, |hour| {
            host.disk_start + host.disk_growth * hour as f64 / 24.0
        });
        store::metrics::upsert_samples(db, stored.id, "cpu", Unit::Percent, &cpu).await?;
        store::metrics::upsert_samples(db, stored.id, "disk", Unit::Percent, &disk).await?;
    }
    Ok(HOSTS.len())
}

/// Builds hourly samples from `start` over [`DAYS`] days, clamped to 0–100 percent.
fn series(start: DateTime<Utc>, value: impl Fn(i64) -> f64) -> Vec<Sample> {
    (0..DAYS * 24)
        .map(|hour| Sample {
            time: start + Duration::hours(hour),
            value: value(hour).clamp(0.0, 100.0),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_is_hourly_and_clamped() {
        let start = DateTime::parse_from_rfc3339("2026-03-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let samples = series(start, |hour| hour as f64 - 10.0);
        assert_eq!(samples.len(), 720);
        assert_eq!(samples[0].value, 0.0);
        assert_eq!(samples[50].value, 40.0);
        assert_eq!(samples[719].value, 100.0);
        assert_eq!(samples[1].time - samples[0].time, Duration::hours(1));
    }
}
