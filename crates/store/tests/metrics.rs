//! Metric hosts and samples on SQLite and PostgreSQL: batched upserts, repeated times and the
//! unit of a stored metric.
#![allow(clippy::unwrap_used)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::infra::{Sample, Unit};
use store::metrics::{count_samples, ensure_host, find_host, load_series, upsert_samples};
use store::{Db, storage_test};

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2014, 3, 9, 0, 0, 0).unwrap()
}

/// `count` five-minute samples whose value is their index.
fn samples(count: usize) -> Vec<Sample> {
    (0..count)
        .map(|i| Sample {
            time: start() + Duration::minutes(5 * i as i64),
            value: i as f64,
        })
        .collect()
}

storage_test!(metric_host_created_once, async |db: Db| {
    let (first, created) = ensure_host(&db, "db-01", start()).await.unwrap();
    let (again, created_again) = ensure_host(&db, " db-01 ", start()).await.unwrap();
    assert!(created);
    assert!(!created_again);
    assert_eq!(first, again);
    assert_eq!(find_host(&db, "db-01").await.unwrap(), Some(first));
    assert_eq!(find_host(&db, "db-02").await.unwrap(), None);
});

storage_test!(metric_host_empty_name_rejected, async |db: Db| {
    let error = ensure_host(&db, "  ", start()).await.unwrap_err();
    assert!(error.to_string().contains("host"), "{error}");
});

storage_test!(metric_samples_round_trip_across_batches, async |db: Db| {
    let (host, _) = ensure_host(&db, "db-01", start()).await.unwrap();
    let written = samples(1234);
    let stored = upsert_samples(&db, host.id, "cpu", Unit::Percent, &written)
        .await
        .unwrap();
    assert_eq!(stored, 1234);
    let series = load_series(&db, host.id, "cpu").await.unwrap().unwrap();
    assert_eq!(series.unit(), Unit::Percent);
    assert_eq!(series.samples(), written.as_slice());
});

storage_test!(metric_samples_upsert_replaces_value, async |db: Db| {
    let (host, _) = ensure_host(&db, "db-01", start()).await.unwrap();
    upsert_samples(&db, host.id, "cpu", Unit::Percent, &samples(10))
        .await
        .unwrap();
    let replacement = [Sample {
        time: start() + Duration::minutes(5),
        value: 42.5,
    }];
    upsert_samples(&db, host.id, "cpu", Unit::Percent, &replacement)
        .await
        .unwrap();
    assert_eq!(count_samples(&db, host.id, "cpu").await.unwrap(), 10);
    let series = load_series(&db, host.id, "cpu").await.unwrap().unwrap();
    assert_eq!(series.samples()[1].value, 42.5);
});

storage_test!(metric_samples_other_unit_rejected, async |db: Db| {
    let (host, _) = ensure_host(&db, "db-01", start()).await.unwrap();
    upsert_samples(&db, host.id, "cpu", Unit::Percent, &samples(3))
        .await
        .unwrap();
    let error = upsert_samples(&db, host.id, "cpu", Unit::Cores, &samples(5))
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("infra-metric-unit-mismatch"),
        "{error}"
    );
    assert_eq!(count_samples(&db, host.id, "cpu").await.unwrap(), 3);
});

storage_test!(
    metric_series_separate_per_metric_and_host,
    async |db: Db| {
        let (one, _) = ensure_host(&db, "db-01", start()).await.unwrap();
        let (two, _) = ensure_host(&db, "db-02", start()).await.unwrap();
        upsert_samples(&db, one.id, "cpu", Unit::Percent, &samples(4))
            .await
            .unwrap();
        upsert_samples(&db, one.id, "net", Unit::BytesPerSecond, &samples(6))
            .await
            .unwrap();
        assert_eq!(count_samples(&db, one.id, "cpu").await.unwrap(), 4);
        assert_eq!(count_samples(&db, one.id, "net").await.unwrap(), 6);
        assert!(load_series(&db, two.id, "cpu").await.unwrap().is_none());
    }
);
