//! ИНН (идентификационный номер налогоплательщика), the taxpayer number: 10 digits for a
//! legal entity, 12 for a natural person, with check digits computed as the Federal Tax
//! Service sets them.

use serde::{Deserialize, Serialize};

use super::{ClientKind, DigitKeys, check_digits, check_only_digits, digit_values};
use crate::Invalid;

const KEYS: DigitKeys = DigitKeys {
    not_digits: "crm-inn-not-digits",
    length: "crm-inn-length",
    all_zeros: "crm-inn-all-zeros",
};

const WEIGHTS_10: [u32; 9] = [2, 4, 10, 3, 5, 9, 4, 6, 8];
const WEIGHTS_11: [u32; 10] = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
const WEIGHTS_12: [u32; 11] = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8];

/// A checked ИНН of 10 or 12 digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Inn(String);

impl Inn {
    /// Checks an ИНН of either length, for when the client kind is not known yet.
    pub fn parse(field: &str, value: &str) -> Result<Self, Invalid> {
        let value = value.trim();
        check_only_digits(field, value, KEYS.not_digits)?;

        let length = value.len();
        if length != 10 && length != 12 {
            return Err(Invalid::new(field, "crm-inn-length-any")
                .arg("value", value)
                .arg("length", length));
        }
        Self::parse_with_length(field, value, length)
    }

    /// Checks an ИНН of the length `kind` has: 10 digits for a legal entity, 12 otherwise.
    pub fn parse_for(kind: ClientKind, field: &str, value: &str) -> Result<Self, Invalid> {
        Self::parse_with_length(field, value.trim(), kind.inn_length())
    }

    /// The ИНН digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn parse_with_length(field: &str, value: &str, length: usize) -> Result<Self, Invalid> {
        check_digits(field, value, length, &KEYS)?;

        let digits = digit_values(value);
        let valid = match length {
            10 => check_digit(&digits, &WEIGHTS_10) == digits[9],
            _ => {
                check_digit(&digits, &WEIGHTS_11) == digits[10]
                    && check_digit(&digits, &WEIGHTS_12) == digits[11]
            }
        };
        if !valid {
            return Err(Invalid::new(field, "crm-inn-checksum").arg("value", value));
        }
        Ok(Self(value.to_string()))
    }
}

impl std::fmt::Display for Inn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Weighted sum of the leading digits, mod 11, mod 10: a remainder of 10 gives 0.
fn check_digit(digits: &[u32], weights: &[u32]) -> u32 {
    let sum: u32 = digits.iter().zip(weights).map(|(d, w)| d * w).sum();
    sum % 11 % 10
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(value: &str) -> &'static str {
        Inn::parse("inn", value).unwrap_err().key
    }

    #[test]
    fn inn10_accepts_valid_numbers() {
        for value in ["7707083893", "7736207543", "7700000070"] {
            assert!(Inn::parse("inn", value).is_ok(), "{value}");
        }
    }

    #[test]
    fn inn10_rejects_wrong_check_digit() {
        assert_eq!(key("7707083894"), "crm-inn-checksum");
    }

    #[test]
    fn inn10_rejects_all_zero() {
        assert_eq!(key("0000000000"), "crm-inn-all-zeros");
    }

    #[test]
    fn inn12_accepts_valid_number() {
        assert!(Inn::parse("inn", "500100732259").is_ok());
    }

    #[test]
    fn inn12_rejects_wrong_eleventh_digit() {
        assert_eq!(key("500100732269"), "crm-inn-checksum");
    }

    #[test]
    fn inn12_rejects_wrong_twelfth_digit() {
        assert_eq!(key("500100732258"), "crm-inn-checksum");
    }

    #[test]
    fn inn12_rejects_all_zero() {
        assert_eq!(key("000000000000"), "crm-inn-all-zeros");
    }

    #[test]
    fn inn_rejects_letters() {
        let error = Inn::parse("inn", "77О7083893").unwrap_err();
        assert_eq!(error.key, "crm-inn-not-digits");
        assert!(error.args.contains(&("char", "О".to_string())));
        assert!(error.args.contains(&("position", "3".to_string())));
    }

    #[test]
    fn inn_rejects_inner_space() {
        assert_eq!(key("7707 083893"), "crm-inn-not-digits");
    }

    #[test]
    fn inn_rejects_eleven_digits() {
        let error = Inn::parse("inn", "77070838931").unwrap_err();
        assert_eq!(error.key, "crm-inn-length-any");
        assert!(error.args.contains(&("length", "11".to_string())));
    }

    #[test]
    fn inn_trims_non_breaking_spaces() {
        let inn = Inn::parse("inn", "\u{a0}7707083893 \u{202f}").unwrap();
        assert_eq!(inn.as_str(), "7707083893");
    }

    #[test]
    fn inn_for_entrepreneur_needs_twelve_digits() {
        let error = Inn::parse_for(ClientKind::Entrepreneur, "inn", "7707083893").unwrap_err();
        assert_eq!(error.key, "crm-inn-length");
        assert!(error.args.contains(&("expected", "12".to_string())));
    }

    #[test]
    fn inn_for_legal_entity_accepts_ten_digits() {
        assert!(Inn::parse_for(ClientKind::LegalEntity, "inn", "7736207543").is_ok());
    }
}
