//! ОГРН (основной государственный регистрационный номер) of a legal entity, 13 digits, and
//! ОГРНИП of an individual entrepreneur, 15 digits. Entrepreneurs keep the ОГРНИП in the
//! same `ogrn` field.

use serde::{Deserialize, Serialize};

use super::{ClientKind, DigitKeys, check_digits, check_only_digits};
use crate::Invalid;

const KEYS: DigitKeys = DigitKeys {
    not_digits: "crm-ogrn-not-digits",
    length: "crm-ogrn-length",
    all_zeros: "crm-ogrn-all-zeros",
};

/// A checked ОГРН (13 digits) or ОГРНИП (15 digits).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Ogrn(String);

impl Ogrn {
    /// Checks an ОГРН or ОГРНИП, telling them apart by length.
    pub fn parse(field: &str, value: &str) -> Result<Self, Invalid> {
        let value = value.trim();
        check_only_digits(field, value, KEYS.not_digits)?;

        match value.len() {
            15 => Self::parse_for(ClientKind::Entrepreneur, field, value),
            13 => Self::parse_for(ClientKind::LegalEntity, field, value),
            length => Err(Invalid::new(field, "crm-ogrn-length-any")
                .arg("value", value)
                .arg("length", length)),
        }
    }

    /// Checks the registration number of `kind`: a 13-digit ОГРН starting with 1 or 5 for a
    /// legal entity, a 15-digit ОГРНИП starting with 3 for an entrepreneur. Other kinds
    /// have none, so their number is rejected.
    pub fn parse_for(kind: ClientKind, field: &str, value: &str) -> Result<Self, Invalid> {
        let value = value.trim();
        let Some(length) = kind.ogrn_length() else {
            return Err(Invalid::new(field, "crm-requisite-not-for-kind")
                .arg("value", value)
                .arg("kind", kind));
        };
        check_digits(field, value, length, &KEYS)?;

        let first_digits: &[u8] = if length == 15 { b"3" } else { b"15" };
        if !first_digits.contains(&value.as_bytes()[0]) {
            let key = if length == 15 {
                "crm-ogrnip-first-digit"
            } else {
                "crm-ogrn-first-digit"
            };
            return Err(Invalid::new(field, key).arg("value", value));
        }

        // The check digit is the number before it, mod 11 for ОГРН or 13 for ОГРНИП, then
        // mod 10, so a remainder of 10 gives 0.
        let modulus = if length == 15 { 13 } else { 11 };
        let (body, last) = value.split_at(length - 1);
        let expected = body.parse::<u64>().map(|n| n % modulus % 10).ok();
        let actual = last.parse::<u64>().ok();
        if expected.is_none() || expected != actual {
            return Err(Invalid::new(field, "crm-ogrn-checksum").arg("value", value));
        }
        Ok(Self(value.to_string()))
    }

    /// The registration number's digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Returns whether this is an entrepreneur's ОГРНИП rather than a legal entity's ОГРН.
    pub fn is_entrepreneur(&self) -> bool {
        self.0.len() == 15
    }
}

impl std::fmt::Display for Ogrn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(value: &str) -> &'static str {
        Ogrn::parse("ogrn", value).unwrap_err().key
    }

    #[test]
    fn ogrn_accepts_valid_number() {
        assert!(Ogrn::parse("ogrn", "1027700132195").is_ok());
    }

    #[test]
    fn ogrn_accepts_remainder_ten_as_zero() {
        assert!(Ogrn::parse("ogrn", "1027700132130").is_ok());
    }

    #[test]
    fn ogrn_rejects_wrong_check_digit() {
        assert_eq!(key("1027700132196"), "crm-ogrn-checksum");
    }

    #[test]
    fn ogrn_rejects_all_zero() {
        assert_eq!(key("0000000000000"), "crm-ogrn-all-zeros");
    }

    #[test]
    fn ogrn_rejects_first_digit_two() {
        assert_eq!(key("2027700132195"), "crm-ogrn-first-digit");
    }

    #[test]
    fn ogrnip_accepts_valid_number() {
        let ogrn = Ogrn::parse("ogrn", "304500116000157").unwrap();
        assert!(ogrn.is_entrepreneur());
    }

    #[test]
    fn ogrnip_accepts_remainder_ten_as_zero() {
        assert!(Ogrn::parse("ogrn", "304500116000180").is_ok());
    }

    #[test]
    fn ogrnip_rejects_wrong_check_digit() {
        assert_eq!(key("304500116000158"), "crm-ogrn-checksum");
    }

    #[test]
    fn ogrnip_rejects_all_zero() {
        assert_eq!(key("000000000000000"), "crm-ogrn-all-zeros");
    }

    #[test]
    fn ogrnip_rejects_first_digit_other_than_three() {
        assert_eq!(key("104500116000157"), "crm-ogrnip-first-digit");
    }

    #[test]
    fn ogrn_rejects_fourteen_digits() {
        assert_eq!(key("10277001321950"), "crm-ogrn-length-any");
    }

    #[test]
    fn ogrn_rejects_letters() {
        assert_eq!(key("10277OO132195"), "crm-ogrn-not-digits");
    }

    #[test]
    fn ogrn_for_legal_entity_rejects_ogrnip() {
        let error = Ogrn::parse_for(ClientKind::LegalEntity, "ogrn", "304500116000157");
        assert_eq!(error.unwrap_err().key, "crm-ogrn-length");
    }

    #[test]
    fn ogrn_for_person_is_rejected() {
        let error = Ogrn::parse_for(ClientKind::Person, "ogrn", "1027700132195");
        assert_eq!(error.unwrap_err().key, "crm-requisite-not-for-kind");
    }
}
