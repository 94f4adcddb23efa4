//! Capacity advice for a host, cluster or site from its utilisation series: current use,
//! headroom against a target, time to the target and to exhaustion, and one action with the
//! numbers behind it.
//!
//! Current use is the 95th percentile of daily peaks (UTC days), so one spike does not
//! decide and a daily rush hour does. The trend is the chosen fit over the daily peaks,
//! shifted to pass through the current use. Times to the target and to 100 % are read from
//! that shifted curve, so all figures agree with each other.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;
use strum::{AsRefStr, Display, EnumString, IntoStaticStr, VariantArray};

use super::Note;
use super::fit::{Curve, Fit};
use super::forecast::{WindowFit, fit_window};
use super::series::{Sample, Series};
use super::units::Unit;
use super::window::Window;
use crate::Invalid;

const DAY_SECONDS: i64 = 86_400;
/// Hardware lead time when none is configured: 8 weeks.
pub const DEFAULT_LEAD_TIME_SECONDS: i64 = 8 * 7 * DAY_SECONDS;
/// Peak use under this share for [`DEFAULT_SHRINK_AFTER_SECONDS`] suggests shrinking.
pub const DEFAULT_SHRINK_BELOW_PERCENT: f64 = 25.0;
/// How long peak use must stay low before shrinking is suggested: 4 weeks.
pub const DEFAULT_SHRINK_AFTER_SECONDS: i64 = 28 * DAY_SECONDS;
/// The percentile of daily peaks taken as current use.
const CURRENT_PERCENTILE: f64 = 0.95;
/// Node counts are rounded up, minus this slack so 4 × 1.25 stays 5 and not 6.
const ROUNDING_SLACK: f64 = 1e-9;

/// The resource a utilisation series measures.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Display,
    EnumString,
    AsRefStr,
    IntoStaticStr,
    VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Resource {
    Cpu,
    Memory,
    Disk,
    Network,
}
parse_with_allowed!(Resource);

impl Resource {
    /// Guesses the resource a metric measures from words in its name (`cpu_utilization`,
    /// `mem_used_percent`, `disk_usage`, `net_in`), or `None` when no word matches.
    pub fn from_metric_name(metric: &str) -> Option<Resource> {
        let name = metric.to_ascii_lowercase();
        let words: Vec<&str> = name
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        let has = |candidates: &[&str]| words.iter().any(|w| candidates.contains(w));
        if has(&["cpu", "processor", "load"]) {
            Some(Resource::Cpu)
        } else if has(&["memory", "mem", "ram", "swap"]) {
            Some(Resource::Memory)
        } else if has(&["disk", "fs", "filesystem", "storage", "volume", "vfs"]) {
            Some(Resource::Disk)
        } else if has(&["network", "net", "interface", "if", "bandwidth"]) {
            Some(Resource::Network)
        } else {
            None
        }
    }

    /// The default target utilisation: CPU 75 %, disk 85 %; memory and network have none, so
    /// their target must be configured.
    pub fn default_target_percent(self) -> Option<f64> {
        match self {
            Resource::Cpu => Some(75.0),
            Resource::Disk => Some(85.0),
            Resource::Memory | Resource::Network => None,
        }
    }
}

/// The part of the infrastructure a series covers: one host, or the mean use of a cluster's
/// or site's nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Scope {
    /// One host: it can only be made bigger or smaller.
    Host,
    /// A cluster of interchangeable nodes.
    Cluster { nodes: u32 },
    /// A site's hosts taken together.
    Site { hosts: u32 },
}

impl Scope {
    fn nodes(self) -> Option<u32> {
        match self {
            Scope::Host => None,
            Scope::Cluster { nodes } => Some(nodes),
            Scope::Site { hosts } => Some(hosts),
        }
    }
}

/// The rules advice is computed with.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CapacityPolicy {
    /// Utilisation to stay under, 0–100.
    pub target_percent: f64,
    /// Time from ordering hardware to having it in service, in seconds.
    pub lead_time_seconds: i64,
    /// Peak use under this share for `shrink_after_seconds` suggests shrinking.
    pub shrink_below_percent: f64,
    /// How long peak use must stay low, in seconds.
    pub shrink_after_seconds: i64,
    /// The daily peaks the trend is fitted to.
    pub window: Window,
    /// The trend's curve.
    pub fit: Fit,
}

impl CapacityPolicy {
    /// Creates the default policy with `target_percent`.
    pub fn with_target(target_percent: f64) -> Self {
        Self {
            target_percent,
            lead_time_seconds: DEFAULT_LEAD_TIME_SECONDS,
            shrink_below_percent: DEFAULT_SHRINK_BELOW_PERCENT,
            shrink_after_seconds: DEFAULT_SHRINK_AFTER_SECONDS,
            window: Window::default(),
            fit: Fit::Linear,
        }
    }

    /// Returns the default policy for `resource`, or an error when it has no default target.
    pub fn for_resource(resource: Resource) -> Result<Self, Invalid> {
        resource
            .default_target_percent()
            .map(Self::with_target)
            .ok_or_else(|| {
                Invalid::new("target_percent", "infra-capacity-target-missing")
                    .arg("resource", resource)
            })
    }

    fn check(&self) -> Result<(), Invalid> {
        let target = self.target_percent;
        if !(target > 0.0 && target <= 100.0) {
            return Err(
                Invalid::new("target_percent", "infra-capacity-target-invalid")
                    .arg("value", target),
            );
        }
        if !(self.shrink_below_percent >= 0.0 && self.shrink_below_percent < target) {
            return Err(
                Invalid::new("shrink_below_percent", "infra-capacity-shrink-invalid")
                    .arg("value", self.shrink_below_percent)
                    .arg("target", target),
            );
        }
        if self.lead_time_seconds < 0 || self.shrink_after_seconds <= 0 {
            return Err(Invalid::new("lead_time", "infra-capacity-period-invalid")
                .arg("lead_time", self.lead_time_seconds)
                .arg("shrink_after", self.shrink_after_seconds));
        }
        Ok(())
    }
}

/// The advised change, with its size.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Action {
    /// Capacity fits: the projected peak stays under the target and use is not low.
    Keep,
    /// Make the host bigger: multiply its capacity by `capacity_factor`.
    ScaleUp { capacity_factor: f64 },
    /// Add `count` nodes of the current size.
    AddNodes { count: u32 },
    /// Use will reach 100 % before ordered hardware arrives: move load to the cloud now and
    /// order the capacity (factor, and nodes for a cluster or site).
    MoveToCloud {
        capacity_factor: f64,
        nodes_to_add: Option<u32>,
    },
    /// Peak use stayed low: the capacity can shrink to `capacity_factor` of today's, or lose
    /// `nodes_to_remove` nodes.
    Shrink {
        capacity_factor: f64,
        nodes_to_remove: Option<u32>,
    },
}

impl Action {
    /// Returns the action's name as the JSON field `kind` spells it: `keep`, `scale_up`,
    /// `add_nodes`, `move_to_cloud` or `shrink`.
    pub fn kind(&self) -> &'static str {
        match self {
            Action::Keep => "keep",
            Action::ScaleUp { .. } => "scale_up",
            Action::AddNodes { .. } => "add_nodes",
            Action::MoveToCloud { .. } => "move_to_cloud",
            Action::Shrink { .. } => "shrink",
        }
    }
}

/// The action kinds in the order reports list them.
pub const ACTION_KINDS: [&str; 5] = ["keep", "scale_up", "add_nodes", "move_to_cloud", "shrink"];

/// When a level is reached: already, after some seconds, or never on the current trend.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Eta {
    /// Seconds from the evaluation time; `None` when already reached or never.
    pub seconds: Option<f64>,
    /// Current use is already at or above the level.
    pub already: bool,
    /// The trend does not reach the level.
    pub never: bool,
}

impl Eta {
    fn within(self, seconds: i64) -> bool {
        self.already || self.seconds.is_some_and(|s| s < seconds as f64)
    }
}

/// Advice with every number that justifies it, for the UI to print.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CapacityAdvice {
    /// The resource measured.
    pub resource: Resource,
    /// What the series covers.
    pub scope: Scope,
    /// The advised action.
    pub action: Action,
    /// Why, as messages with their numbers.
    pub reasons: Vec<Note>,
    /// The target, 0–100.
    pub target_percent: f64,
    /// The 95th percentile of daily peaks.
    pub current_percent: f64,
    /// Target minus current use, in percentage points; negative when over target.
    pub headroom_points: f64,
    /// Days with at least one sample.
    pub days: usize,
    /// Change of the daily-peak trend over the next day, in percentage points.
    pub trend_points_per_day: Option<f64>,
    /// Current use plus the trend's growth over the lead time (never less than current use).
    pub projected_percent: f64,
    /// When use reaches the target.
    pub time_to_target: Eta,
    /// When use reaches 100 %.
    pub time_to_exhaustion: Eta,
    /// The hardware lead time in seconds.
    pub lead_time_seconds: i64,
    /// The highest daily peak over the shrink period, when the data covers it.
    pub recent_max_peak_percent: Option<f64>,
    /// The trend's fit.
    pub fit: Fit,
    /// The trend's window over daily peaks.
    pub window: Window,
    /// Daily peaks in the trend's window.
    pub window_points: usize,
    /// How well the trend follows the daily peaks.
    pub r2: Option<f64>,
    /// The time of the newest sample, which the figures count from.
    pub evaluated_at: DateTime<Utc>,
}

/// The fitted daily-peak curve shifted by `offset` to pass through the current use.
struct Trend {
    /// `None` when the window held one daily peak.
    curve: Option<Curve>,
    /// The evaluation time on the Zabbix time axis.
    now: f64,
    offset: f64,
}

impl Trend {
    fn new(fitted: &WindowFit<'_>, current: f64) -> Trend {
        let offset = fitted
            .curve
            .as_ref()
            .map_or(0.0, |curve| current - curve.value(fitted.now));
        Trend {
            curve: fitted.curve.clone(),
            now: fitted.now,
            offset,
        }
    }

    /// How much the curve rises (or falls) over the next `seconds`.
    fn growth(&self, seconds: f64) -> Option<f64> {
        let curve = self.curve.as_ref()?;
        Some(curve.value(self.now + seconds) - curve.value(self.now))
    }

    /// Seconds until the shifted curve reaches `level` from below.
    fn seconds_to(&self, level: f64) -> Option<f64> {
        let curve = self.curve.as_ref()?;
        let reached = curve.first_reach(self.now, level - self.offset, true)?;
        Some(reached - self.now)
    }
}

/// Computes capacity advice from a utilisation series in percent.
pub fn advise(
    series: &Series,
    resource: Resource,
    scope: Scope,
    policy: &CapacityPolicy,
) -> Result<CapacityAdvice, Invalid> {
    if series.unit() != Unit::Percent {
        return Err(Invalid::new("unit", "infra-capacity-needs-percent").arg("unit", series.unit()));
    }
    policy.check()?;
    if scope.nodes() == Some(0) {
        return Err(Invalid::new("nodes", "infra-capacity-no-nodes"));
    }
    let peaks = daily_peaks(series)?;
    let Some(evaluated_at) = series.samples().last().map(|s| s.time) else {
        return Err(Invalid::new("window", "infra-forecast-no-values").arg("window", policy.window));
    };

    let mut sorted: Vec<f64> = peaks.samples().iter().map(|s| s.value).collect();
    sorted.sort_by(f64::total_cmp);
    let current = percentile(&sorted, CURRENT_PERCENTILE);

    let fitted = fit_window(&peaks, policy.window, policy.fit, Some(evaluated_at))?;
    let trend = Trend::new(&fitted, current);
    let growth = trend.growth(policy.lead_time_seconds as f64).unwrap_or(0.0);
    let projected = current + growth.max(0.0);
    let time_to_target = eta(&trend, current, policy.target_percent);
    let time_to_exhaustion = eta(&trend, current, 100.0);
    let recent_max = recent_max_peak(series, &peaks, evaluated_at, policy.shrink_after_seconds);

    let figures = Figures {
        current,
        projected,
        time_to_exhaustion,
        recent_max,
    };
    let (action, reasons) = decide(scope, policy, &figures, fitted.curve.is_some());

    Ok(CapacityAdvice {
        resource,
        scope,
        action,
        reasons,
        target_percent: policy.target_percent,
        current_percent: current,
        headroom_points: policy.target_percent - current,
        days: peaks.samples().len(),
        trend_points_per_day: trend.growth(DAY_SECONDS as f64),
        projected_percent: projected,
        time_to_target,
        time_to_exhaustion,
        lead_time_seconds: policy.lead_time_seconds,
        recent_max_peak_percent: recent_max,
        fit: policy.fit,
        window: policy.window,
        window_points: fitted.samples.len(),
        r2: fitted.r2,
        evaluated_at,
    })
}

/// Length of the buckets a group's series is averaged over: one hour.
const GROUP_BUCKET_SECONDS: i64 = 3600;

/// The mean use of a cluster's or site's nodes: each node's highest sample of every UTC hour,
/// averaged over the nodes that reported in that hour and stamped at the hour's start. A node
/// that reported nothing in an hour does not pull the mean down; the node count of the scope
/// still says how many nodes share the load.
pub fn mean_of_nodes(series: &[Series]) -> Result<Series, Invalid> {
    let mut hours: BTreeMap<i64, (f64, u32)> = BTreeMap::new();
    for node in series {
        if node.unit() != Unit::Percent {
            return Err(
                Invalid::new("unit", "infra-capacity-needs-percent").arg("unit", node.unit())
            );
        }
        let mut peaks: BTreeMap<i64, f64> = BTreeMap::new();
        for sample in node.samples() {
            let hour = sample.time.timestamp().div_euclid(GROUP_BUCKET_SECONDS);
            let peak = peaks.entry(hour).or_insert(sample.value);
            *peak = peak.max(sample.value);
        }
        for (hour, peak) in peaks {
            let (sum, count) = hours.entry(hour).or_insert((0.0, 0));
            *sum += peak;
            *count += 1;
        }
    }
    let samples = hours
        .into_iter()
        .filter_map(|(hour, (sum, count))| {
            DateTime::from_timestamp(hour * GROUP_BUCKET_SECONDS, 0).map(|time| Sample {
                time,
                value: sum / f64::from(count),
            })
        })
        .collect();
    Series::new(Unit::Percent, samples)
}

/// The highest sample of each UTC day, stamped at that sample's time.
// NOTE: days are UTC days. A site whose evening peak crosses UTC midnight (Moscow after
// 03:00 local) gets it counted on the next day; no site time zone is taken yet.
pub(super) fn daily_peaks(series: &Series) -> Result<Series, Invalid> {
    let mut peaks: Vec<(NaiveDate, Sample)> = Vec::new();
    for sample in series.samples() {
        let day = sample.time.date_naive();
        match peaks.last_mut() {
            Some((last_day, peak)) if *last_day == day => {
                if sample.value >= peak.value {
                    *peak = *sample;
                }
            }
            _ => peaks.push((day, *sample)),
        }
    }
    Series::new(Unit::Percent, peaks.into_iter().map(|(_, s)| s).collect())
}

/// The `p`-quantile of sorted values with linear interpolation between ranks (numpy's
/// default method); 0 for no values.
pub(super) fn percentile(sorted: &[f64], p: f64) -> f64 {
    let Some(last) = sorted.len().checked_sub(1) else {
        return 0.0;
    };
    let rank = p * last as f64;
    let (low, high) = (rank.floor() as usize, rank.ceil() as usize);
    sorted[low] + (sorted[high] - sorted[low]) * (rank - low as f64)
}

fn eta(trend: &Trend, current: f64, level: f64) -> Eta {
    if current >= level {
        return Eta {
            seconds: None,
            already: true,
            never: false,
        };
    }
    let seconds = trend.seconds_to(level);
    Eta {
        seconds,
        already: false,
        never: seconds.is_none(),
    }
}

/// The highest daily peak since `evaluated_at − period`, or `None` when the series starts
/// later than that, so low use has not been seen for the whole period.
fn recent_max_peak(
    series: &Series,
    peaks: &Series,
    evaluated_at: DateTime<Utc>,
    period_seconds: i64,
) -> Option<f64> {
    let since = evaluated_at - Duration::seconds(period_seconds);
    let first = series.samples().first()?;
    if first.time > since {
        return None;
    }
    peaks
        .samples()
        .iter()
        .filter(|s| s.time > since)
        .map(|s| s.value)
        .reduce(f64::max)
}

/// The figures a decision rests on.
struct Figures {
    current: f64,
    projected: f64,
    time_to_exhaustion: Eta,
    recent_max: Option<f64>,
}

fn decide(
    scope: Scope,
    policy: &CapacityPolicy,
    figures: &Figures,
    has_trend: bool,
) -> (Action, Vec<Note>) {
    let target = policy.target_percent;
    let mut reasons = Vec::new();
    if !has_trend {
        reasons.push(Note::new("infra-advice-trend-unknown"));
    }

    if figures.projected > target {
        reasons.push(growth_reason(policy, figures));
        return grow(scope, policy, figures, reasons);
    }

    if let Some(peak) = figures
        .recent_max
        .filter(|p| *p < policy.shrink_below_percent)
    {
        reasons.push(
            Note::new("infra-advice-low-use")
                .arg("peak", format_percent(peak))
                .arg("below", format_percent(policy.shrink_below_percent))
                .arg("days", policy.shrink_after_seconds / DAY_SECONDS),
        );
        return shrink(scope, target, peak, reasons);
    }

    reasons.push(
        Note::new("infra-advice-within-target")
            .arg("projected", format_percent(figures.projected))
            .arg("target", format_percent(target)),
    );
    (Action::Keep, reasons)
}

fn growth_reason(policy: &CapacityPolicy, figures: &Figures) -> Note {
    let target = format_percent(policy.target_percent);
    if figures.current >= policy.target_percent {
        return Note::new("infra-advice-over-target")
            .arg("current", format_percent(figures.current))
            .arg("target", target);
    }
    Note::new("infra-advice-crosses-target")
        .arg("projected", format_percent(figures.projected))
        .arg("target", target)
        .arg("weeks", policy.lead_time_seconds / (7 * DAY_SECONDS))
}

fn grow(
    scope: Scope,
    policy: &CapacityPolicy,
    figures: &Figures,
    mut reasons: Vec<Note>,
) -> (Action, Vec<Note>) {
    let factor = figures.projected / policy.target_percent;
    let nodes_to_add = scope.nodes().map(|nodes| {
        let needed = (f64::from(nodes) * factor - ROUNDING_SLACK).ceil() as u32;
        needed.saturating_sub(nodes).max(1)
    });

    if figures.time_to_exhaustion.within(policy.lead_time_seconds) {
        reasons.push(
            Note::new("infra-advice-exhaustion-before-lead-time")
                .arg("weeks", policy.lead_time_seconds / (7 * DAY_SECONDS)),
        );
        reasons.push(Note::new("infra-advice-cloud-personal-data"));
        let action = Action::MoveToCloud {
            capacity_factor: factor,
            nodes_to_add,
        };
        return (action, reasons);
    }
    let action = match nodes_to_add {
        Some(count) => Action::AddNodes { count },
        None => Action::ScaleUp {
            capacity_factor: factor,
        },
    };
    (action, reasons)
}

fn shrink(scope: Scope, target: f64, peak: f64, mut reasons: Vec<Note>) -> (Action, Vec<Note>) {
    let factor = peak / target;
    let Some(nodes) = scope.nodes() else {
        let action = Action::Shrink {
            capacity_factor: factor,
            nodes_to_remove: None,
        };
        return (action, reasons);
    };
    let keep = ((f64::from(nodes) * factor - ROUNDING_SLACK).ceil() as u32).max(1);
    if keep >= nodes {
        reasons.push(Note::new("infra-advice-shrink-minimum").arg("nodes", nodes));
        return (Action::Keep, reasons);
    }
    let action = Action::Shrink {
        capacity_factor: factor,
        nodes_to_remove: Some(nodes - keep),
    };
    (action, reasons)
}

fn format_percent(value: f64) -> String {
    format!("{value:.1}")
}

#[cfg(test)]
#[path = "capacity_tests.rs"]
mod tests;
