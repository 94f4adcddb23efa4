//! Metric units. Every stored value has one canonical unit per dimension. Other units exist
//! only at import ([`ImportUnit`]) and at display ([`Quantity::convert`]).

use serde::{Deserialize, Serialize};
use strum::{AsRefStr, Display, EnumString, IntoStaticStr, VariantArray};

use crate::Invalid;

/// Bits in a byte: the only factor between byte and bit rates.
const BITS_PER_BYTE: f64 = 8.0;
/// Absolute zero in degrees Celsius.
const ABSOLUTE_ZERO_CELSIUS: f64 = -273.15;

/// The canonical unit a stored metric value is in.
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
pub enum Unit {
    /// Utilisation from 0 to 100.
    Percent,
    Bytes,
    BytesPerSecond,
    BitsPerSecond,
    /// CPU cores, possibly fractional (a load of 2.5 cores).
    Cores,
    /// A dimensionless count: processes, connections, orders.
    Count,
    /// Degrees Celsius.
    Celsius,
}
parse_with_allowed!(Unit);

impl Unit {
    /// Whether values are bounded to 0–100, so forecasts clamp to that range.
    pub fn is_percent(self) -> bool {
        self == Unit::Percent
    }
}

/// A unit a source system reports values in, converted to a canonical [`Unit`] on import.
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
pub enum ImportUnit {
    /// 0–100.
    Percent,
    /// 0–1, multiplied by 100.
    Fraction,
    Bytes,
    /// 1024 bytes.
    Kibibytes,
    /// 1024² bytes.
    Mebibytes,
    /// 1024³ bytes.
    Gibibytes,
    BytesPerSecond,
    BitsPerSecond,
    /// Bytes summed over each sampling period (CloudWatch `Sum` per 5 minutes), divided by
    /// the period to become bytes per second.
    BytesPerPeriod,
    /// Bits summed over each sampling period, divided by the period to become bits per second.
    BitsPerPeriod,
    Cores,
    Count,
    Celsius,
    /// Degrees Fahrenheit, converted to Celsius.
    Fahrenheit,
}
parse_with_allowed!(ImportUnit);

impl ImportUnit {
    /// Returns the canonical unit that values in this unit are stored in.
    pub fn canonical(self) -> Unit {
        match self {
            ImportUnit::Percent | ImportUnit::Fraction => Unit::Percent,
            ImportUnit::Bytes | ImportUnit::Kibibytes => Unit::Bytes,
            ImportUnit::Mebibytes | ImportUnit::Gibibytes => Unit::Bytes,
            ImportUnit::BytesPerSecond | ImportUnit::BytesPerPeriod => Unit::BytesPerSecond,
            ImportUnit::BitsPerSecond | ImportUnit::BitsPerPeriod => Unit::BitsPerSecond,
            ImportUnit::Cores => Unit::Cores,
            ImportUnit::Count => Unit::Count,
            ImportUnit::Celsius | ImportUnit::Fahrenheit => Unit::Celsius,
        }
    }

    /// Whether converting needs the sampling period in seconds.
    pub fn needs_period(self) -> bool {
        matches!(self, ImportUnit::BytesPerPeriod | ImportUnit::BitsPerPeriod)
    }

    /// Checks the sampling period for units that need it: present, finite and positive.
    pub fn check_period(self, period_seconds: Option<f64>) -> Result<(), Invalid> {
        self.period_divisor(period_seconds).map(|_| ())
    }

    /// Returns what a value is divided by: the period for per-period units, else 1.
    fn period_divisor(self, period_seconds: Option<f64>) -> Result<f64, Invalid> {
        if !self.needs_period() {
            return Ok(1.0);
        }
        match period_seconds {
            None => Err(Invalid::new("period", "infra-unit-period-missing").arg("unit", self)),
            Some(period) if !(period.is_finite() && period > 0.0) => {
                Err(Invalid::new("period", "infra-unit-period-invalid").arg("value", period))
            }
            Some(period) => Ok(period),
        }
    }

    /// Converts one imported value to the canonical unit. Rejects values that cannot be
    /// right: a percentage outside 0–100, a negative size or rate, a temperature below
    /// absolute zero.
    pub fn to_canonical(self, value: f64, period_seconds: Option<f64>) -> Result<f64, Invalid> {
        if !value.is_finite() {
            return Err(Invalid::new("value", "infra-unit-not-finite").arg("value", value));
        }
        let divisor = self.period_divisor(period_seconds)?;

        let converted = match self {
            ImportUnit::Fraction => value * 100.0,
            ImportUnit::Kibibytes => value * 1024.0,
            ImportUnit::Mebibytes => value * 1024.0 * 1024.0,
            ImportUnit::Gibibytes => value * 1024.0 * 1024.0 * 1024.0,
            ImportUnit::BytesPerPeriod | ImportUnit::BitsPerPeriod => value / divisor,
            ImportUnit::Fahrenheit => (value - 32.0) * 5.0 / 9.0,
            _ => value,
        };
        check_range(self, value, converted)?;
        Ok(converted)
    }
}

fn check_range(unit: ImportUnit, original: f64, converted: f64) -> Result<(), Invalid> {
    let canonical = unit.canonical();
    if canonical == Unit::Percent && !(0.0..=100.0).contains(&converted) {
        return Err(Invalid::new("value", "infra-unit-percent-out-of-range")
            .arg("value", original)
            .arg("unit", unit));
    }
    if canonical == Unit::Celsius {
        if converted < ABSOLUTE_ZERO_CELSIUS {
            return Err(Invalid::new("value", "infra-unit-below-absolute-zero")
                .arg("value", original)
                .arg("unit", unit));
        }
        return Ok(());
    }
    if converted < 0.0 {
        return Err(Invalid::new("value", "infra-unit-negative")
            .arg("value", original)
            .arg("unit", unit));
    }
    Ok(())
}

/// A value with its canonical unit. Conversions change the unit with the value, so a byte
/// rate is multiplied by 8 once on its way to bits and never again.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Quantity {
    /// The number in `unit`.
    pub value: f64,
    /// The unit `value` is in.
    pub unit: Unit,
}

impl Quantity {
    /// Creates a quantity.
    pub fn new(value: f64, unit: Unit) -> Self {
        Self { value, unit }
    }

    /// Converts for display. Converting to the same unit returns the quantity unchanged;
    /// the only other conversions are between byte and bit rates.
    pub fn convert(self, to: Unit) -> Result<Quantity, Invalid> {
        let value = match (self.unit, to) {
            (from, to) if from == to => self.value,
            (Unit::BytesPerSecond, Unit::BitsPerSecond) => self.value * BITS_PER_BYTE,
            (Unit::BitsPerSecond, Unit::BytesPerSecond) => self.value / BITS_PER_BYTE,
            (from, to) => {
                return Err(Invalid::new("unit", "infra-unit-incompatible")
                    .arg("from", from)
                    .arg("to", to));
            }
        };
        Ok(Quantity::new(value, to))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_unit_unknown_names_allowed() {
        let error = ImportUnit::parse("unit", "furlongs").unwrap_err();
        assert_eq!(error.key, "error-not-one-of");
        assert!(
            error
                .args
                .iter()
                .any(|(_, v)| v.contains("bytes_per_period"))
        );
    }

    #[test]
    fn fahrenheit_converts_to_celsius() {
        let celsius = ImportUnit::Fahrenheit.to_canonical(212.0, None).unwrap();
        assert!((celsius - 100.0).abs() < 1e-12);
    }

    #[test]
    fn fahrenheit_freezing_point_is_zero() {
        let celsius = ImportUnit::Fahrenheit.to_canonical(32.0, None).unwrap();
        assert_eq!(celsius, 0.0);
    }

    #[test]
    fn fahrenheit_below_absolute_zero_rejected() {
        let error = ImportUnit::Fahrenheit
            .to_canonical(-500.0, None)
            .unwrap_err();
        assert_eq!(error.key, "infra-unit-below-absolute-zero");
    }

    #[test]
    fn bytes_per_period_divides_by_period() {
        let rate = ImportUnit::BytesPerPeriod
            .to_canonical(300_000.0, Some(300.0))
            .unwrap();
        assert_eq!(rate, 1000.0);
    }

    #[test]
    fn bytes_per_period_requires_period() {
        let error = ImportUnit::BytesPerPeriod
            .to_canonical(1.0, None)
            .unwrap_err();
        assert_eq!(error.key, "infra-unit-period-missing");
    }

    #[test]
    fn bytes_per_period_rejects_zero_period() {
        let error = ImportUnit::BytesPerPeriod
            .to_canonical(1.0, Some(0.0))
            .unwrap_err();
        assert_eq!(error.key, "infra-unit-period-invalid");
    }

    #[test]
    fn bytes_per_period_maps_to_byte_rate() {
        assert_eq!(ImportUnit::BytesPerPeriod.canonical(), Unit::BytesPerSecond);
    }

    #[test]
    fn percent_above_hundred_rejected() {
        let error = ImportUnit::Percent.to_canonical(100.5, None).unwrap_err();
        assert_eq!(error.key, "infra-unit-percent-out-of-range");
    }

    #[test]
    fn fraction_becomes_percent() {
        assert_eq!(ImportUnit::Fraction.to_canonical(0.25, None), Ok(25.0));
    }

    #[test]
    fn negative_bytes_rejected() {
        let error = ImportUnit::Bytes.to_canonical(-1.0, None).unwrap_err();
        assert_eq!(error.key, "infra-unit-negative");
    }

    #[test]
    fn not_finite_value_rejected() {
        let error = ImportUnit::Count.to_canonical(f64::NAN, None).unwrap_err();
        assert_eq!(error.key, "infra-unit-not-finite");
    }

    #[test]
    fn byte_rate_to_bits_multiplies_once() {
        let bytes = Quantity::new(1000.0, Unit::BytesPerSecond);
        let bits = bytes.convert(Unit::BitsPerSecond).unwrap();
        let again = bits.convert(Unit::BitsPerSecond).unwrap();
        assert_eq!(bits.value, 8000.0);
        assert_eq!(again, bits);
    }

    #[test]
    fn bits_to_bytes_divides() {
        let bits = Quantity::new(8000.0, Unit::BitsPerSecond);
        assert_eq!(bits.convert(Unit::BytesPerSecond).unwrap().value, 1000.0);
    }

    #[test]
    fn bytes_to_percent_incompatible() {
        let error = Quantity::new(1.0, Unit::Bytes)
            .convert(Unit::Percent)
            .unwrap_err();
        assert_eq!(error.key, "infra-unit-incompatible");
    }
}
