use chrono::TimeZone;

use super::*;

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).unwrap()
}

/// Hourly samples over `days`: 5 % at night and the day's peak at 14:00.
fn utilisation(days: i64, peak: impl Fn(f64) -> f64) -> Series {
    let samples = (0..days * 24)
        .map(|hour| {
            let day = (hour / 24) as f64;
            let value = if hour % 24 == 14 { peak(day) } else { 5.0 };
            Sample {
                time: start() + Duration::hours(hour),
                value,
            }
        })
        .collect();
    Series::new(Unit::Percent, samples).unwrap()
}

fn cpu() -> CapacityPolicy {
    CapacityPolicy::for_resource(Resource::Cpu).unwrap()
}

fn keys(advice: &CapacityAdvice) -> Vec<&'static str> {
    advice.reasons.iter().map(|note| note.key).collect()
}

#[test]
fn percentile_interpolates_like_numpy() {
    let values: Vec<f64> = (1..=20).map(f64::from).collect();
    assert!((percentile(&values, 0.95) - 19.05).abs() < 1e-12);
}

#[test]
fn current_is_p95_of_daily_peaks() {
    let series = utilisation(20, |day| 10.0 + day);
    let advice = advise(&series, Resource::Cpu, Scope::Host, &cpu()).unwrap();
    assert!((advice.current_percent - 28.05).abs() < 1e-9);
    assert_eq!(advice.days, 20);
}

#[test]
fn default_targets_cpu_and_disk() {
    assert_eq!(Resource::Cpu.default_target_percent(), Some(75.0));
    assert_eq!(Resource::Disk.default_target_percent(), Some(85.0));
}

#[test]
fn memory_needs_configured_target() {
    let error = CapacityPolicy::for_resource(Resource::Memory).unwrap_err();
    assert_eq!(error.key, "infra-capacity-target-missing");
}

#[test]
fn non_percent_series_rejected() {
    let series = Series::new(Unit::Bytes, Vec::new()).unwrap();
    let error = advise(&series, Resource::Disk, Scope::Host, &cpu()).unwrap_err();
    assert_eq!(error.key, "infra-capacity-needs-percent");
}

#[test]
fn target_over_hundred_rejected() {
    let series = utilisation(3, |_| 50.0);
    let policy = CapacityPolicy::with_target(120.0);
    let error = advise(&series, Resource::Cpu, Scope::Host, &policy).unwrap_err();
    assert_eq!(error.key, "infra-capacity-target-invalid");
}

#[test]
fn host_over_target_scales_up() {
    let series = utilisation(10, |_| 90.0);
    let advice = advise(&series, Resource::Cpu, Scope::Host, &cpu()).unwrap();
    assert_eq!(
        advice.action,
        Action::ScaleUp {
            capacity_factor: 1.2
        }
    );
    assert!(keys(&advice).contains(&"infra-advice-over-target"));
    assert!(advice.headroom_points < 0.0);
}

#[test]
fn flat_over_target_never_exhausts() {
    let series = utilisation(10, |_| 90.0);
    let advice = advise(&series, Resource::Cpu, Scope::Host, &cpu()).unwrap();
    assert!(advice.time_to_target.already);
    assert!(advice.time_to_exhaustion.never);
}

#[test]
fn cluster_crossing_target_adds_nodes() {
    let series = utilisation(30, |day| 50.0 + 0.5 * day);
    let scope = Scope::Cluster { nodes: 4 };
    let advice = advise(&series, Resource::Cpu, scope, &cpu()).unwrap();
    assert_eq!(advice.action, Action::AddNodes { count: 1 });
    assert!(keys(&advice).contains(&"infra-advice-crosses-target"));
}

#[test]
fn cluster_time_to_target_follows_trend() {
    let series = utilisation(30, |day| 50.0 + 0.5 * day);
    let advice = advise(&series, Resource::Cpu, Scope::Cluster { nodes: 4 }, &cpu()).unwrap();
    // Current use is 50 + 0.5 · 27.55 = 63.775; at 0.5 points a day 75 % is 22.45 days away.
    let days = advice.time_to_target.seconds.unwrap() / 86_400.0;
    assert!((days - 22.45).abs() < 1e-6, "{days}");
}

#[test]
fn exhaustion_before_lead_time_moves_to_cloud() {
    let series = utilisation(30, |day| 40.0 + 1.5 * day);
    let advice = advise(&series, Resource::Cpu, Scope::Host, &cpu()).unwrap();
    assert!(matches!(advice.action, Action::MoveToCloud { .. }));
    assert!(keys(&advice).contains(&"infra-advice-cloud-personal-data"));
}

#[test]
fn cloud_move_still_orders_nodes() {
    let series = utilisation(30, |day| 40.0 + 1.5 * day);
    let advice = advise(&series, Resource::Cpu, Scope::Site { hosts: 10 }, &cpu()).unwrap();
    let Action::MoveToCloud { nodes_to_add, .. } = advice.action else {
        panic!("expected a move to the cloud, got {:?}", advice.action);
    };
    assert!(nodes_to_add.unwrap() >= 1);
}

#[test]
fn low_use_four_weeks_shrinks_cluster() {
    let series = utilisation(35, |_| 15.0);
    let advice = advise(&series, Resource::Cpu, Scope::Cluster { nodes: 6 }, &cpu()).unwrap();
    // 15 / 75 = 0.2 of today's capacity: 6 × 0.2 = 1.2, so 2 nodes stay.
    assert_eq!(
        advice.action,
        Action::Shrink {
            capacity_factor: 0.2,
            nodes_to_remove: Some(4)
        }
    );
}

#[test]
fn low_use_under_four_weeks_keeps() {
    let series = utilisation(20, |_| 15.0);
    let advice = advise(&series, Resource::Cpu, Scope::Cluster { nodes: 6 }, &cpu()).unwrap();
    assert_eq!(advice.action, Action::Keep);
    assert_eq!(advice.recent_max_peak_percent, None);
}

#[test]
fn low_use_single_node_cluster_keeps() {
    let series = utilisation(35, |_| 15.0);
    let advice = advise(&series, Resource::Cpu, Scope::Cluster { nodes: 1 }, &cpu()).unwrap();
    assert_eq!(advice.action, Action::Keep);
    assert!(keys(&advice).contains(&"infra-advice-shrink-minimum"));
}

#[test]
fn steady_use_within_target_keeps() {
    let series = utilisation(35, |_| 50.0);
    let advice = advise(&series, Resource::Cpu, Scope::Host, &cpu()).unwrap();
    assert_eq!(advice.action, Action::Keep);
    assert!(keys(&advice).contains(&"infra-advice-within-target"));
}

#[test]
fn one_day_has_unknown_trend() {
    let series = utilisation(1, |_| 50.0);
    let advice = advise(&series, Resource::Cpu, Scope::Host, &cpu()).unwrap();
    assert!(keys(&advice).contains(&"infra-advice-trend-unknown"));
    assert_eq!(advice.trend_points_per_day, None);
}

#[test]
fn cluster_without_nodes_rejected() {
    let series = utilisation(3, |_| 50.0);
    let error = advise(&series, Resource::Cpu, Scope::Cluster { nodes: 0 }, &cpu()).unwrap_err();
    assert_eq!(error.key, "infra-capacity-no-nodes");
}

#[test]
fn resource_from_metric_name_words() {
    let cases = [
        ("cpu_utilization", Some(Resource::Cpu)),
        ("system.cpu.util", Some(Resource::Cpu)),
        ("mem_used_percent", Some(Resource::Memory)),
        ("vfs.fs.size[/,pused]", Some(Resource::Disk)),
        ("net_in", Some(Resource::Network)),
        ("request_count", None),
        // A word inside another word does not count.
        ("cpuless", None),
    ];
    for (metric, expected) in cases {
        assert_eq!(Resource::from_metric_name(metric), expected, "{metric}");
    }
}

#[test]
fn mean_of_nodes_averages_hourly_peaks_of_reporting_nodes() {
    let at = |minutes: i64| DateTime::from_timestamp(1_767_225_600 + minutes * 60, 0).unwrap();
    let node = |points: &[(i64, f64)]| {
        Series::new(
            Unit::Percent,
            points
                .iter()
                .map(|&(minutes, value)| Sample {
                    time: at(minutes),
                    value,
                })
                .collect(),
        )
        .unwrap()
    };
    // Node a peaks at 60 then 20; node b at 40 in the first hour and is silent after.
    let a = node(&[(0, 10.0), (30, 60.0), (60, 20.0)]);
    let b = node(&[(10, 40.0), (50, 30.0)]);
    let mean = mean_of_nodes(&[a, b]).unwrap();
    let values: Vec<(DateTime<Utc>, f64)> =
        mean.samples().iter().map(|s| (s.time, s.value)).collect();
    assert_eq!(values, [(at(0), 50.0), (at(60), 20.0)]);

    let bytes = Series::new(
        Unit::Bytes,
        vec![Sample {
            time: at(0),
            value: 1.0,
        }],
    )
    .unwrap();
    let error = mean_of_nodes(&[bytes]).unwrap_err();
    assert_eq!(error.key, "infra-capacity-needs-percent");
}

#[test]
fn action_kind_matches_json_tag() {
    let actions = [
        Action::Keep,
        Action::ScaleUp {
            capacity_factor: 1.5,
        },
        Action::AddNodes { count: 2 },
        Action::MoveToCloud {
            capacity_factor: 1.2,
            nodes_to_add: None,
        },
        Action::Shrink {
            capacity_factor: 0.5,
            nodes_to_remove: Some(1),
        },
    ];
    for (action, kind) in actions.iter().zip(ACTION_KINDS) {
        assert_eq!(action.kind(), kind);
        assert_eq!(serde_json::to_value(action).unwrap()["kind"], kind);
    }
}
