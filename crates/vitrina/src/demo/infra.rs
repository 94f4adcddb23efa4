//! Demo sites (an own data centre and a cloud region) and hosts with 30 days of hourly CPU
//! and disk use. They give the host list, the capacity advice, the forecast chart and the
//! quarterly capacity report of a fresh demo data to show.

use std::f64::consts::PI;

use chrono::{DateTime, Duration, DurationRound, Utc};
use domain::infra::inventory::{CloudPlacement, HostResources};
use domain::infra::{HostKind, HostStatus, Sample, SiteKind, Unit};
use store::Db;
use store::identity::audit::Author;
use store::infra::hosts::{self, HostDraft};
use store::infra::sites::{self, SiteDraft};

/// Days of hourly samples per metric.
const DAYS: i64 = 30;

const GIB: i64 = 1 << 30;

/// A demo host: its technical name, whether it runs in the cloud region, and its hardware.
/// The CPU level at the start, its growth per day and the daily swing, and the disk use at
/// the start and its growth per day are in percent.
struct DemoHost {
    name: &'static str,
    cloud: bool,
    cores: i64,
    ram_gib: i64,
    storage_gib: i64,
    cpu_start: f64,
    cpu_growth: f64,
    cpu_swing: f64,
    disk_start: f64,
    disk_growth: f64,
}

/// The own data centre has a growing web server, a database whose disk fills up, and an
/// idle cache server that the advice suggests shrinking. The cloud region has a web server
/// that grows more slowly.
const HOSTS: [DemoHost; 4] = [
    DemoHost {
        name: "web-01",
        cloud: false,
        cores: 8,
        ram_gib: 32,
        storage_gib: 200,
        cpu_start: 35.0,
        cpu_growth: 0.6,
        cpu_swing: 15.0,
        disk_start: 40.0,
        disk_growth: 0.05,
    },
    DemoHost {
        name: "db-01",
        cloud: false,
        cores: 16,
        ram_gib: 128,
        storage_gib: 2000,
        cpu_start: 30.0,
        cpu_growth: 0.1,
        cpu_swing: 10.0,
        disk_start: 62.0,
        disk_growth: 0.45,
    },
    DemoHost {
        name: "cache-01",
        cloud: false,
        cores: 4,
        ram_gib: 64,
        storage_gib: 100,
        cpu_start: 8.0,
        cpu_growth: 0.0,
        cpu_swing: 4.0,
        disk_start: 12.0,
        disk_growth: 0.0,
    },
    DemoHost {
        name: "web-cloud-01",
        cloud: true,
        cores: 4,
        ram_gib: 16,
        storage_gib: 100,
        cpu_start: 25.0,
        cpu_growth: 0.3,
        cpu_swing: 10.0,
        disk_start: 30.0,
        disk_growth: 0.1,
    },
];

/// Creates the demo sites and active hosts and stores the hosts' samples, ending at the last
/// full hour before `now`. Returns how many hosts were loaded.
pub async fn load(db: &Db, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let author = Author::system();
    let own = SiteDraft {
        name: "ЦОД Москва".into(),
        kind: SiteKind::OwnDataCentre,
        cloud: None,
    };
    let cloud = SiteDraft {
        name: "Yandex Cloud ru-central1".into(),
        kind: SiteKind::CloudRegion,
        cloud: Some(CloudPlacement {
            provider: "Yandex Cloud".into(),
            account: "vitrina-demo".into(),
            region: "ru-central1".into(),
        }),
    };
    let own = sites::create_site(db, &own, &author, now).await?;
    let cloud = sites::create_site(db, &cloud, &author, now).await?;

    let end = now.duration_trunc(Duration::hours(1))?;
    let start = end - Duration::days(DAYS);
    for host in &HOSTS {
        let draft = HostDraft {
            technical_name: host.name.into(),
            kind: HostKind::Virtual,
            status: HostStatus::Active,
            site_id: Some(if host.cloud { cloud.id } else { own.id }),
            rack_id: None,
            cluster_id: None,
            resources: HostResources {
                cores: host.cores,
                ram_bytes: host.ram_gib * GIB,
                storage_bytes: host.storage_gib * GIB,
            },
            zabbix_host_id: None,
        };
        let stored = hosts::create(db, &draft, &author, now).await?;
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
