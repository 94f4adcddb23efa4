//! Metric series and their preparation on import: parsing `timestamp,value` rows, keeping
//! the last of duplicate timestamps, converting units, turning counters into rates and
//! reporting gaps. Nothing is interpolated: a gap stays a gap and is listed.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use strum::{AsRefStr, Display, EnumString, IntoStaticStr, VariantArray};

use super::units::{ImportUnit, Unit};
use crate::Invalid;

/// Timestamp format of imported rows: UTC wall time without a zone.
const TIMESTAMP_FORMAT: &str = "%Y-%m-%d %H:%M:%S";
/// A step longer than this multiple of the usual step is a gap. 1.5 flags a single missing
/// sample and tolerates jitter of a minute on a five-minute step.
const GAP_FACTOR: f64 = 1.5;

/// One measurement.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    /// When the value was measured, UTC.
    pub time: DateTime<Utc>,
    /// The value in its series' unit.
    pub value: f64,
}

/// Samples in one canonical unit, sorted by strictly increasing time, all finite.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Series {
    unit: Unit,
    samples: Vec<Sample>,
}

impl Series {
    /// Creates a series, checking that times strictly increase and values are finite.
    pub fn new(unit: Unit, samples: Vec<Sample>) -> Result<Series, Invalid> {
        for pair in samples.windows(2) {
            if pair[1].time <= pair[0].time {
                return Err(Invalid::new("samples", "infra-series-not-increasing")
                    .arg("time", pair[1].time.format(TIMESTAMP_FORMAT)));
            }
        }
        if let Some(bad) = samples.iter().find(|s| !s.value.is_finite()) {
            return Err(Invalid::new("samples", "infra-unit-not-finite").arg("value", bad.value));
        }
        Ok(Series { unit, samples })
    }

    /// The canonical unit of every value.
    pub fn unit(&self) -> Unit {
        self.unit
    }

    /// The samples, oldest first.
    pub fn samples(&self) -> &[Sample] {
        &self.samples
    }

    /// Returns the samples at or after `from` and before `to` as a series of the same unit.
    pub fn between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Series {
        let samples = self
            .samples
            .iter()
            .filter(|s| s.time >= from && s.time < to)
            .copied()
            .collect();
        Series {
            unit: self.unit,
            samples,
        }
    }
}

/// A row that was not imported, with its 1-based line number and the reason.
#[derive(Debug, Clone, PartialEq)]
pub struct RejectedRow {
    /// 1-based line number in the imported text.
    pub line: usize,
    /// The row as it was.
    pub text: String,
    /// The reason for the rejection.
    pub error: Invalid,
}

/// The result of parsing `timestamp,value` rows: the samples in file order and every
/// rejected row.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ParsedRows {
    /// Parsed samples in file order, possibly unsorted and with duplicate times.
    pub samples: Vec<Sample>,
    /// Rows that could not be parsed.
    pub rejected: Vec<RejectedRow>,
}

/// Parses CSV text of `timestamp,value` rows, the timestamp as `YYYY-MM-DD HH:MM:SS` in UTC.
/// A first line `timestamp,value` is a header, and blank lines are skipped. Every other row
/// that does not parse is listed in [`ParsedRows::rejected`].
pub fn parse_csv(text: &str) -> ParsedRows {
    let mut parsed = ParsedRows::default();
    for (index, line) in text.lines().enumerate() {
        let row = line.trim();
        let is_header = index == 0 && row.eq_ignore_ascii_case("timestamp,value");
        if row.is_empty() || is_header {
            continue;
        }
        match parse_row(row) {
            Ok(sample) => parsed.samples.push(sample),
            Err(error) => parsed.rejected.push(RejectedRow {
                line: index + 1,
                text: line.to_string(),
                error,
            }),
        }
    }
    parsed
}

fn parse_row(row: &str) -> Result<Sample, Invalid> {
    let Some((time, value)) = row.split_once(',') else {
        return Err(Invalid::new("row", "infra-series-row-invalid").arg("row", row));
    };
    let time = NaiveDateTime::parse_from_str(time.trim(), TIMESTAMP_FORMAT)
        .map_err(|_| {
            Invalid::new("timestamp", "infra-series-timestamp-invalid").arg("value", time)
        })?
        .and_utc();
    let value: f64 = value
        .trim()
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite())
        .ok_or_else(|| Invalid::new("value", "infra-series-value-invalid").arg("value", value))?;
    Ok(Sample { time, value })
}

/// The relation of imported values to time.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    Display,
    EnumString,
    AsRefStr,
    IntoStaticStr,
    VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum SeriesKind {
    /// Each value is a level at its time: utilisation, temperature, a per-period sum.
    Gauge,
    /// Each value is a running total (an interface byte counter); the series becomes the
    /// rate per second between samples.
    Counter,
}
parse_with_allowed!(SeriesKind);

/// How to prepare imported samples.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ImportSettings {
    /// Gauge or counter.
    pub kind: SeriesKind,
    /// The unit the source reports.
    pub unit: ImportUnit,
    /// The sampling period in seconds; required for per-period units and used as the
    /// expected step for gap detection. Without it the median step is expected.
    pub period_seconds: Option<f64>,
}

/// Several samples that had the same timestamp (a daylight-saving change stamped in local
/// time repeats an hour): the last one in file order was kept.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Duplicate {
    /// The repeated timestamp.
    pub time: DateTime<Utc>,
    /// The value kept: the last in file order.
    pub kept: f64,
    /// The values dropped, in file order.
    pub dropped: Vec<f64>,
}

/// A step between two consecutive samples longer than 1.5 expected steps.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Gap {
    /// The last sample before the gap.
    pub after: DateTime<Utc>,
    /// The first sample after the gap.
    pub before: DateTime<Utc>,
    /// Length of the step in seconds.
    pub seconds: f64,
    /// Samples expected in between at the expected step, rounded.
    pub missing_samples: u64,
}

/// A sample whose value was rejected during unit conversion.
#[derive(Debug, Clone, PartialEq)]
pub struct RejectedValue {
    /// The sample as imported.
    pub sample: Sample,
    /// Why its value was rejected.
    pub error: Invalid,
}

/// A prepared series with everything that was found on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    /// The series in its canonical unit.
    pub series: Series,
    /// Repeated timestamps and the values dropped for them.
    pub duplicates: Vec<Duplicate>,
    /// Samples that came earlier in the file than an older sample; they were sorted in.
    pub out_of_order: usize,
    /// Values rejected by the unit conversion.
    pub rejected: Vec<RejectedValue>,
    /// For counters: the times where the counter dropped, so no rate exists for the step
    /// that ends there.
    pub resets: Vec<DateTime<Utc>>,
    /// Steps longer than 1.5 expected steps.
    pub gaps: Vec<Gap>,
    /// The expected step in seconds gap detection used, if the series has two samples.
    pub step_seconds: Option<f64>,
}

/// Prepares imported samples: sorts them by time (stable, so file order decides among
/// equal times), keeps the last value of each repeated timestamp, converts units, turns
/// counters into rates and lists gaps.
pub fn prepare(samples: Vec<Sample>, settings: ImportSettings) -> Result<Prepared, Invalid> {
    settings.unit.check_period(settings.period_seconds)?;
    let kind = settings.kind;
    if kind == SeriesKind::Counter && settings.unit.canonical() != Unit::Bytes {
        return Err(Invalid::new("unit", "infra-series-counter-unit").arg("unit", settings.unit));
    }

    let out_of_order = samples
        .windows(2)
        .filter(|pair| pair[1].time < pair[0].time)
        .count();
    let mut sorted = samples;
    sorted.sort_by_key(|s| s.time);
    let (unique, duplicates) = keep_last_of_duplicates(sorted);

    let mut rejected = Vec::new();
    let mut converted = Vec::with_capacity(unique.len());
    for sample in unique {
        match settings
            .unit
            .to_canonical(sample.value, settings.period_seconds)
        {
            Ok(value) => converted.push(Sample { value, ..sample }),
            Err(error) => rejected.push(RejectedValue { sample, error }),
        }
    }

    let step_seconds = settings.period_seconds.or_else(|| median_step(&converted));
    let gaps = step_seconds.map_or_else(Vec::new, |step| detect_gaps(&converted, step));

    let (values, unit, resets) = match kind {
        SeriesKind::Gauge => (converted, settings.unit.canonical(), Vec::new()),
        SeriesKind::Counter => {
            let (rates, resets) = counter_to_rates(&converted);
            (rates, Unit::BytesPerSecond, resets)
        }
    };

    Ok(Prepared {
        series: Series::new(unit, values)?,
        duplicates,
        out_of_order,
        rejected,
        resets,
        gaps,
        step_seconds,
    })
}

/// Keeps the last sample of each run of equal times in `sorted` and lists what was dropped.
fn keep_last_of_duplicates(sorted: Vec<Sample>) -> (Vec<Sample>, Vec<Duplicate>) {
    let mut unique: Vec<Sample> = Vec::with_capacity(sorted.len());
    let mut duplicates: Vec<Duplicate> = Vec::new();
    for sample in sorted {
        let Some(last) = unique.last_mut().filter(|last| last.time == sample.time) else {
            unique.push(sample);
            continue;
        };
        match duplicates.last_mut().filter(|d| d.time == sample.time) {
            Some(duplicate) => duplicate.dropped.push(last.value),
            None => duplicates.push(Duplicate {
                time: sample.time,
                kept: sample.value,
                dropped: vec![last.value],
            }),
        }
        if let Some(duplicate) = duplicates.last_mut() {
            duplicate.kept = sample.value;
        }
        *last = sample;
    }
    (unique, duplicates)
}

/// Returns the median step between consecutive samples in seconds, or `None` for fewer than
/// two samples.
pub fn median_step(samples: &[Sample]) -> Option<f64> {
    let mut steps: Vec<f64> = samples
        .windows(2)
        .map(|pair| seconds_between(pair[0].time, pair[1].time))
        .collect();
    if steps.is_empty() {
        return None;
    }
    steps.sort_by(f64::total_cmp);
    Some(steps[steps.len() / 2])
}

/// Lists the steps longer than 1.5 × `step_seconds` in a sorted series.
pub fn detect_gaps(samples: &[Sample], step_seconds: f64) -> Vec<Gap> {
    samples
        .windows(2)
        .filter_map(|pair| {
            let seconds = seconds_between(pair[0].time, pair[1].time);
            (seconds > GAP_FACTOR * step_seconds).then(|| Gap {
                after: pair[0].time,
                before: pair[1].time,
                seconds,
                missing_samples: ((seconds / step_seconds).round() as u64).saturating_sub(1),
            })
        })
        .collect()
}

/// Turns a running total into rates per second, each stamped at the end of its step.
/// A drop is a counter reset: the step that ends there gets no rate (Zabbix's "change per
/// second" preprocessing discards it the same way) and its time is listed.
pub fn counter_to_rates(samples: &[Sample]) -> (Vec<Sample>, Vec<DateTime<Utc>>) {
    let mut rates = Vec::with_capacity(samples.len().saturating_sub(1));
    let mut resets = Vec::new();
    for pair in samples.windows(2) {
        let (previous, current) = (pair[0], pair[1]);
        if current.value < previous.value {
            resets.push(current.time);
            continue;
        }
        let seconds = seconds_between(previous.time, current.time);
        rates.push(Sample {
            time: current.time,
            value: (current.value - previous.value) / seconds,
        });
    }
    (rates, resets)
}

/// Returns the seconds from `from` to `to`, with nanoseconds.
pub fn seconds_between(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    let delta = to - from;
    delta.num_seconds() as f64 + f64::from(delta.subsec_nanos()) * 1e-9
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(minute: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_700_000_000 + minute * 60, 0).unwrap()
    }

    fn sample(minute: i64, value: f64) -> Sample {
        Sample {
            time: at(minute),
            value,
        }
    }

    fn gauge(unit: ImportUnit) -> ImportSettings {
        ImportSettings {
            kind: SeriesKind::Gauge,
            unit,
            period_seconds: None,
        }
    }

    #[test]
    fn csv_skips_header_and_blank_lines() {
        let parsed = parse_csv("timestamp,value\n2014-04-02 14:29:00,42.652\n\n");
        assert_eq!(parsed.samples.len(), 1);
        assert!(parsed.rejected.is_empty());
    }

    #[test]
    fn csv_reports_every_rejected_row() {
        let text = "timestamp,value\n2014-04-02 14:29:00,1\n2014-04-02 25:00:00,2\n\
                    2014-04-02 14:39:00,abc\nno comma\n2014-04-02 14:49:00,NaN\n";
        let parsed = parse_csv(text);
        let lines: Vec<usize> = parsed.rejected.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![3, 4, 5, 6]);
    }

    #[test]
    fn csv_rejected_timestamp_has_key() {
        let parsed = parse_csv("2014-04-02T14:29:00Z,1");
        assert_eq!(
            parsed.rejected[0].error.key,
            "infra-series-timestamp-invalid"
        );
    }

    #[test]
    fn series_rejects_unsorted_times() {
        let error = Series::new(Unit::Count, vec![sample(1, 0.0), sample(0, 0.0)]).unwrap_err();
        assert_eq!(error.key, "infra-series-not-increasing");
    }

    #[test]
    fn duplicates_keep_last_value() {
        let samples = vec![
            sample(0, 1.0),
            sample(5, 2.0),
            sample(5, 3.0),
            sample(5, 4.0),
        ];
        let prepared = prepare(samples, gauge(ImportUnit::Count)).unwrap();
        assert_eq!(prepared.series.samples()[1].value, 4.0);
        assert_eq!(prepared.duplicates[0].dropped, vec![2.0, 3.0]);
        assert_eq!(prepared.duplicates[0].kept, 4.0);
    }

    #[test]
    fn out_of_order_rows_sorted_and_counted() {
        let samples = vec![sample(0, 1.0), sample(10, 3.0), sample(5, 2.0)];
        let prepared = prepare(samples, gauge(ImportUnit::Count)).unwrap();
        let values: Vec<f64> = prepared.series.samples().iter().map(|s| s.value).collect();
        assert_eq!(values, vec![1.0, 2.0, 3.0]);
        assert_eq!(prepared.out_of_order, 1);
    }

    #[test]
    fn gaps_reported_not_filled() {
        let samples = vec![
            sample(0, 1.0),
            sample(5, 1.0),
            sample(10, 1.0),
            sample(30, 1.0),
        ];
        let prepared = prepare(samples, gauge(ImportUnit::Count)).unwrap();
        assert_eq!(prepared.series.samples().len(), 4);
        assert_eq!(prepared.gaps.len(), 1);
        assert_eq!(prepared.gaps[0].missing_samples, 3);
    }

    #[test]
    fn jitter_is_not_a_gap() {
        let samples = vec![
            sample(0, 1.0),
            sample(5, 1.0),
            sample(11, 1.0),
            sample(15, 1.0),
        ];
        let prepared = prepare(samples, gauge(ImportUnit::Count)).unwrap();
        assert!(prepared.gaps.is_empty());
    }

    #[test]
    fn counter_becomes_rate() {
        let (rates, _) = counter_to_rates(&[sample(0, 1000.0), sample(1, 7000.0)]);
        assert_eq!(rates[0].value, 100.0);
    }

    #[test]
    fn counter_drop_is_reset_not_negative() {
        let samples = [
            sample(0, 1000.0),
            sample(1, 7000.0),
            sample(2, 60.0),
            sample(3, 660.0),
        ];
        let (rates, resets) = counter_to_rates(&samples);
        assert!(rates.iter().all(|r| r.value >= 0.0));
        assert_eq!(resets, vec![at(2)]);
        assert_eq!(rates.len(), 2);
    }

    #[test]
    fn counter_needs_byte_unit() {
        let settings = ImportSettings {
            kind: SeriesKind::Counter,
            unit: ImportUnit::Percent,
            period_seconds: None,
        };
        let error = prepare(vec![sample(0, 1.0)], settings).unwrap_err();
        assert_eq!(error.key, "infra-series-counter-unit");
    }

    #[test]
    fn counter_series_unit_is_byte_rate() {
        let settings = ImportSettings {
            kind: SeriesKind::Counter,
            unit: ImportUnit::Bytes,
            period_seconds: None,
        };
        let prepared = prepare(vec![sample(0, 0.0), sample(1, 60.0)], settings).unwrap();
        assert_eq!(prepared.series.unit(), Unit::BytesPerSecond);
    }

    #[test]
    fn percent_out_of_range_rejected_with_sample() {
        let samples = vec![sample(0, 50.0), sample(5, 150.0)];
        let prepared = prepare(samples, gauge(ImportUnit::Percent)).unwrap();
        assert_eq!(prepared.series.samples().len(), 1);
        assert_eq!(prepared.rejected[0].sample.value, 150.0);
    }

    #[test]
    fn per_period_import_requires_period() {
        let error = prepare(vec![sample(0, 1.0)], gauge(ImportUnit::BytesPerPeriod)).unwrap_err();
        assert_eq!(error.key, "infra-unit-period-missing");
    }
}
