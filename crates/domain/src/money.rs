//! Money as integer kopecks: arithmetic, display as `1 234 567,89 ₽`, and splitting an
//! amount into parts that sum to it exactly.

use std::iter::Sum;
use std::num::NonZeroUsize;
use std::ops::{Add, Neg, Sub};

use serde::{Deserialize, Serialize};

use crate::Invalid;

/// Non-breaking space, which Russian typography puts between digit groups and before `₽`.
const NBSP: char = '\u{a0}';

/// An amount in roubles, stored as whole kopecks.
///
/// The operators overflow beyond ±92 233 720 368 547 758,07 ₽ as `i64` does; `checked_*`
/// methods return `None` there instead.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Money(i64);

impl Money {
    /// Zero roubles.
    pub const ZERO: Money = Money(0);

    /// Creates an amount from kopecks.
    pub const fn from_kopecks(kopecks: i64) -> Self {
        Self(kopecks)
    }

    /// The amount in kopecks, as the database stores it.
    pub const fn kopecks(self) -> i64 {
        self.0
    }

    /// Creates an amount from whole roubles, or `None` on overflow.
    pub fn from_rubles(rubles: i64) -> Option<Self> {
        rubles.checked_mul(100).map(Self)
    }

    /// Parses an amount as people type it: `1234.5`, `1 234,50`, `-15`, `1 234,50 ₽`.
    /// Spaces and non-breaking spaces group digits; a comma or a dot separates at most two
    /// kopeck digits.
    pub fn parse(field: &str, value: &str) -> Result<Self, Invalid> {
        let trimmed = value.trim();
        let invalid = || Invalid::new(field, "money-invalid").arg("value", trimmed);

        let number = trimmed
            .strip_suffix('₽')
            .or_else(|| trimmed.strip_suffix("руб."))
            .unwrap_or(trimmed);
        let compact: String = number
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '\'')
            .collect();
        let (negative, unsigned) = match compact.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, compact.as_str()),
        };

        let (rubles, kopecks) = unsigned.split_once([',', '.']).unwrap_or((unsigned, ""));
        let all_digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
        if rubles.is_empty() || !all_digits(rubles) || !all_digits(kopecks) {
            return Err(invalid());
        }
        if kopecks.len() > 2 {
            return Err(Invalid::new(field, "money-fraction").arg("value", trimmed));
        }

        let kopecks = format!("{kopecks:0<2}");
        let amount = rubles
            .parse::<i64>()
            .ok()
            .and_then(|r| r.checked_mul(100))
            .and_then(|r| r.checked_add(kopecks.parse::<i64>().ok()?))
            .ok_or_else(invalid)?;
        Ok(Self(if negative { -amount } else { amount }))
    }

    /// Adds, or `None` on overflow.
    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }

    /// Subtracts, or `None` on overflow.
    pub fn checked_sub(self, other: Money) -> Option<Money> {
        self.0.checked_sub(other.0).map(Money)
    }

    /// Multiplies by a whole quantity, or `None` on overflow.
    pub fn checked_mul(self, quantity: i64) -> Option<Money> {
        self.0.checked_mul(quantity).map(Money)
    }

    /// Multiplies by `numerator / denominator`, rounding half away from zero to the kopeck
    /// (half-up for positive amounts). Returns `None` for a zero denominator or on overflow.
    pub fn mul_ratio(self, numerator: i64, denominator: i64) -> Option<Money> {
        if denominator == 0 {
            return None;
        }
        let product = i128::from(self.0) * i128::from(numerator);
        let denominator = i128::from(denominator);
        let quotient = (2 * product.abs() + denominator.abs()) / (2 * denominator.abs());
        let negative = (product < 0) != (denominator < 0);
        let rounded = if negative { -quotient } else { quotient };
        i64::try_from(rounded).ok().map(Money)
    }

    /// Splits the amount into `parts` amounts that sum to it exactly. The first parts take
    /// the leftover kopecks, so 100,00 in three is 33,34 + 33,33 + 33,33.
    pub fn split(self, parts: NonZeroUsize) -> Vec<Money> {
        let weights = vec![1; parts.get()];
        self.allocate(&weights).unwrap_or_default()
    }

    /// Splits the amount in proportion to `weights` with the largest-remainder method, so
    /// the parts sum to the amount exactly; ties go to the earlier part. Returns `None`
    /// when the weights are empty or sum to zero.
    pub fn allocate(self, weights: &[u64]) -> Option<Vec<Money>> {
        let total_weight: u128 = weights.iter().map(|&w| u128::from(w)).sum();
        if total_weight == 0 {
            return None;
        }
        let amount = u128::from(self.0.unsigned_abs());

        let mut parts: Vec<u128> = Vec::with_capacity(weights.len());
        let mut remainders: Vec<(u128, usize)> = Vec::with_capacity(weights.len());
        for (index, &weight) in weights.iter().enumerate() {
            let exact = amount * u128::from(weight);
            parts.push(exact / total_weight);
            remainders.push((exact % total_weight, index));
        }

        // The floors leave fewer kopecks than there are parts; give one each to the parts
        // with the largest remainders.
        let leftover = amount - parts.iter().sum::<u128>();
        remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        for &(_, index) in remainders.iter().take(usize::try_from(leftover).ok()?) {
            parts[index] += 1;
        }

        let sign = if self.0 < 0 { -1 } else { 1 };
        parts
            .into_iter()
            .map(|part| i64::try_from(part).ok().map(|k| Money(sign * k)))
            .collect()
    }

    /// Formats the amount as a plain decimal with a dot, `-1234.50`, for exports and APIs.
    pub fn to_decimal_string(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

/// Formats as Russian text: `1 234 567,89 ₽` with non-breaking spaces between digit
/// groups and before the sign.
impl std::fmt::Display for Money {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let abs = self.0.unsigned_abs();
        let rubles = (abs / 100).to_string();
        if self.0 < 0 {
            f.write_str("-")?;
        }
        for (index, digit) in rubles.chars().enumerate() {
            if index > 0 && (rubles.len() - index).is_multiple_of(3) {
                write!(f, "{NBSP}")?;
            }
            write!(f, "{digit}")?;
        }
        write!(f, ",{:02}{NBSP}₽", abs % 100)
    }
}

impl Add for Money {
    type Output = Money;

    fn add(self, other: Money) -> Money {
        Money(self.0 + other.0)
    }
}

impl Sub for Money {
    type Output = Money;

    fn sub(self, other: Money) -> Money {
        Money(self.0 - other.0)
    }
}

impl Neg for Money {
    type Output = Money;

    fn neg(self) -> Money {
        Money(-self.0)
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rub(kopecks: i64) -> Money {
        Money::from_kopecks(kopecks)
    }

    fn parts(n: usize) -> NonZeroUsize {
        NonZeroUsize::new(n).unwrap()
    }

    #[test]
    fn display_groups_with_non_breaking_spaces() {
        assert_eq!(
            rub(123_456_789).to_string(),
            "1\u{a0}234\u{a0}567,89\u{a0}₽"
        );
    }

    #[test]
    fn display_small_amounts() {
        assert_eq!(rub(5).to_string(), "0,05\u{a0}₽");
        assert_eq!(rub(100_000).to_string(), "1\u{a0}000,00\u{a0}₽");
        assert_eq!(rub(99_999).to_string(), "999,99\u{a0}₽");
    }

    #[test]
    fn display_negative_amount() {
        assert_eq!(rub(-123_450).to_string(), "-1\u{a0}234,50\u{a0}₽");
    }

    #[test]
    fn parse_reads_grouped_comma_amount() {
        assert_eq!(
            Money::parse("price", "1 234 567,89 ₽"),
            Ok(rub(123_456_789))
        );
    }

    #[test]
    fn parse_reads_non_breaking_groups() {
        assert_eq!(Money::parse("price", "1\u{a0}234,5"), Ok(rub(123_450)));
    }

    #[test]
    fn parse_reads_dot_and_whole_rubles() {
        assert_eq!(Money::parse("price", "1234.05"), Ok(rub(123_405)));
        assert_eq!(Money::parse("price", "15"), Ok(rub(1500)));
        assert_eq!(Money::parse("price", "-15"), Ok(rub(-1500)));
    }

    #[test]
    fn parse_rejects_three_kopeck_digits() {
        let error = Money::parse("price", "1.234").unwrap_err();
        assert_eq!(error.key, "money-fraction");
    }

    #[test]
    fn parse_rejects_letters() {
        let error = Money::parse("price", "12a").unwrap_err();
        assert_eq!(error.key, "money-invalid");
    }

    #[test]
    fn parse_rejects_overflow() {
        let error = Money::parse("price", "999999999999999999999").unwrap_err();
        assert_eq!(error.key, "money-invalid");
    }

    #[test]
    fn split_hundred_into_three() {
        assert_eq!(
            rub(10_000).split(parts(3)),
            [rub(3334), rub(3333), rub(3333)]
        );
    }

    #[test]
    fn split_negative_amount_mirrors_positive() {
        assert_eq!(
            rub(-10_000).split(parts(3)),
            [rub(-3334), rub(-3333), rub(-3333)]
        );
    }

    #[test]
    fn allocate_sums_exactly() {
        let lines = rub(100_001).allocate(&[3, 3, 1, 7]).unwrap();
        assert_eq!(lines.iter().copied().sum::<Money>(), rub(100_001));
    }

    #[test]
    fn allocate_follows_weights() {
        let lines = rub(1000).allocate(&[1, 3]).unwrap();
        assert_eq!(lines, [rub(250), rub(750)]);
    }

    #[test]
    fn allocate_rejects_zero_weights() {
        assert_eq!(rub(1000).allocate(&[0, 0]), None);
        assert_eq!(rub(1000).allocate(&[]), None);
    }

    #[test]
    fn mul_ratio_rounds_half_up() {
        assert_eq!(rub(1).mul_ratio(1, 2), Some(rub(1)));
        assert_eq!(rub(-1).mul_ratio(1, 2), Some(rub(-1)));
        assert_eq!(rub(10_000).mul_ratio(20, 120), Some(rub(1667)));
    }

    #[test]
    fn decimal_string_for_exports() {
        assert_eq!(rub(-123_450).to_decimal_string(), "-1234.50");
    }
}
