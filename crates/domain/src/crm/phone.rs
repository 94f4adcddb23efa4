//! Phone numbers in E.164 (`+79261234567`), with an extension kept apart.
//!
//! Hand-written rather than the `phonenumber` crate: its version 0.3.10 turns
//! `+7 812 123 4567` into `+7121234567` and `8-800-2000-200` into `+7002000200`, and it
//! rejects the Russian extension word «доб.».

use serde::{Deserialize, Serialize};

use crate::Invalid;

/// Words that start an extension, in lower case: Russian «доб.» and the usual Latin ones.
const EXTENSION_MARKERS: [&str; 5] = ["доб", "ext", "x", "#", "вн"];

/// E.164 allows at most 15 digits after `+`; fewer than 8 is no complete number anywhere.
const E164_DIGITS: std::ops::RangeInclusive<usize> = 8..=15;

/// Country of a `+7` number: Russia and Kazakhstan share the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhoneCountry {
    Russia,
    /// `+7 6xx` and `+7 7xx`.
    Kazakhstan,
    /// Any other country code; the number is kept as written, without a numbering-plan check.
    Other,
}

/// A normalised phone number. Duplicates compare `e164` only.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Phone {
    /// `+` and up to 15 digits.
    pub e164: String,
    /// Extension digits, dialled after the connection.
    pub extension: Option<String>,
    pub country: PhoneCountry,
}

impl Phone {
    /// Normalises a number as people write it in Russia.
    ///
    /// `8 926 1234567` and a bare `9261234567` become `+79261234567`. An 11-digit number
    /// starting with `7` or `8` is in Russian trunk format, but `+7 812 …` keeps its area
    /// code starting with 8. `8 10 …` is the Russian international prefix. `доб. 123`,
    /// `ext. 123` and `x123` go to `extension`. Separators `space - ( ) .` are ignored.
    pub fn parse(field: &str, value: &str) -> Result<Self, Invalid> {
        let value = value.trim();
        if value.is_empty() {
            return Err(Invalid::missing(field));
        }
        let (number, extension) = split_extension(field, value)?;
        let (international, digits) = number_digits(field, value, number)?;
        let e164_digits = to_e164_digits(field, value, international, &digits)?;

        let country = country_of(&e164_digits);
        Ok(Self {
            e164: format!("+{e164_digits}"),
            extension,
            country,
        })
    }
}

impl std::fmt::Display for Phone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.e164)?;
        if let Some(extension) = &self.extension {
            write!(f, ";ext={extension}")?;
        }
        Ok(())
    }
}

/// Splits `value` at the first extension marker, returning the number part and the
/// extension's digits.
fn split_extension<'a>(field: &str, value: &'a str) -> Result<(&'a str, Option<String>), Invalid> {
    let lower = value.to_lowercase();
    // Lower-casing keeps byte offsets for the Cyrillic and ASCII letters matched here,
    // so an offset found in `lower` is valid in `value`.
    if lower.len() != value.len() {
        return Ok((value, None));
    }
    let found = EXTENSION_MARKERS
        .iter()
        .filter_map(|marker| lower.find(marker).map(|at| (at, marker.len())))
        .min();
    let Some((at, marker_len)) = found else {
        return Ok((value, None));
    };

    let rest = value[at + marker_len..].trim_start_matches(|c: char| {
        c.is_alphabetic() || c == '.' || c == ':' || c.is_whitespace()
    });
    let extension = rest.trim();
    if extension.is_empty() || !extension.chars().all(|c| c.is_ascii_digit()) {
        return Err(Invalid::new(field, "crm-phone-extension").arg("value", value));
    }
    let number = value[..at].trim_end_matches(|c: char| c == ',' || c.is_whitespace());
    Ok((number, Some(extension.to_string())))
}

/// Collects the digits of the number part; reports whether it started with `+`.
fn number_digits(field: &str, value: &str, number: &str) -> Result<(bool, String), Invalid> {
    let number = number.trim();
    let international = number.starts_with('+');
    let body = number.strip_prefix('+').unwrap_or(number);

    let mut digits = String::with_capacity(body.len());
    for c in body.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else if !(c.is_whitespace()
            || matches!(c, '-' | '(' | ')' | '.' | '\u{2010}'..='\u{2015}'))
        {
            return Err(Invalid::new(field, "crm-phone-invalid-char")
                .arg("value", value)
                .arg("char", c));
        }
    }
    Ok((international, digits))
}

fn to_e164_digits(
    field: &str,
    value: &str,
    international: bool,
    digits: &str,
) -> Result<String, Invalid> {
    let length_error = || {
        Invalid::new(field, "crm-phone-length")
            .arg("value", value)
            .arg("length", digits.len())
    };

    let e164 = if international {
        digits.to_string()
    } else if let Some(abroad) = digits.strip_prefix("810").filter(|_| digits.len() > 11) {
        abroad.to_string()
    } else {
        match digits.len() {
            10 => format!("7{digits}"),
            11 if digits.starts_with('8') || digits.starts_with('7') => {
                format!("7{}", &digits[1..])
            }
            _ => return Err(length_error()),
        }
    };

    if !E164_DIGITS.contains(&e164.len()) {
        return Err(length_error());
    }
    if e164.starts_with('0') {
        return Err(Invalid::new(field, "crm-phone-country-code").arg("value", value));
    }
    if e164.starts_with('7') && e164.len() != 11 {
        return Err(length_error());
    }
    Ok(e164)
}

fn country_of(e164_digits: &str) -> PhoneCountry {
    match e164_digits.as_bytes() {
        [b'7', b'6' | b'7', ..] => PhoneCountry::Kazakhstan,
        [b'7', ..] => PhoneCountry::Russia,
        _ => PhoneCountry::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e164(value: &str) -> String {
        Phone::parse("phone", value).unwrap().e164
    }

    fn key(value: &str) -> &'static str {
        Phone::parse("phone", value).unwrap_err().key
    }

    #[test]
    fn phone_strips_trunk_eight() {
        assert_eq!(e164("8 926 1234567"), "+79261234567");
    }

    #[test]
    fn phone_keeps_area_code_starting_with_eight() {
        assert_eq!(e164("+7 812 123 4567"), "+78121234567");
    }

    #[test]
    fn phone_keeps_toll_free_eight_hundred() {
        assert_eq!(e164("8-800-2000-200"), "+78002000200");
    }

    #[test]
    fn phone_prefixes_bare_ten_digits() {
        assert_eq!(e164("9261234567"), "+79261234567");
    }

    #[test]
    fn phone_reads_ten_digits_with_area_code_eight() {
        assert_eq!(e164("812 123-45-67"), "+78121234567");
    }

    #[test]
    fn phone_accepts_seven_without_plus() {
        assert_eq!(e164("7 (926) 123-45-67"), "+79261234567");
    }

    #[test]
    fn phone_keeps_extension_apart() {
        let phone = Phone::parse("phone", "+7 495 123-45-67 доб. 123").unwrap();
        assert_eq!(phone.e164, "+74951234567");
        assert_eq!(phone.extension.as_deref(), Some("123"));
    }

    #[test]
    fn phone_reads_latin_extension() {
        let phone = Phone::parse("phone", "8 (495) 123-45-67, ext. 45").unwrap();
        assert_eq!(phone.extension.as_deref(), Some("45"));
    }

    #[test]
    fn phone_rejects_empty_extension() {
        assert_eq!(key("+7 495 123-45-67 доб."), "crm-phone-extension");
    }

    #[test]
    fn phone_tells_kazakhstan_from_russia() {
        let almaty = Phone::parse("phone", "+7 727 123 4567").unwrap();
        let mobile = Phone::parse("phone", "+7 701 123 4567").unwrap();
        let six = Phone::parse("phone", "+7 600 123 4567").unwrap();
        assert_eq!(almaty.country, PhoneCountry::Kazakhstan);
        assert_eq!(mobile.country, PhoneCountry::Kazakhstan);
        assert_eq!(six.country, PhoneCountry::Kazakhstan);
    }

    #[test]
    fn phone_marks_russian_numbers() {
        let phone = Phone::parse("phone", "8 926 1234567").unwrap();
        assert_eq!(phone.country, PhoneCountry::Russia);
    }

    #[test]
    fn phone_keeps_other_countries() {
        let phone = Phone::parse("phone", "+49 30 12345678").unwrap();
        assert_eq!(phone.e164, "+493012345678");
        assert_eq!(phone.country, PhoneCountry::Other);
    }

    #[test]
    fn phone_reads_russian_international_prefix() {
        assert_eq!(e164("8 10 49 30 12345678"), "+493012345678");
    }

    #[test]
    fn phone_rejects_short_number() {
        assert_eq!(key("123-45-67"), "crm-phone-length");
    }

    #[test]
    fn phone_rejects_russian_number_of_twelve_digits() {
        assert_eq!(key("+7 926 123 45 678"), "crm-phone-length");
    }

    #[test]
    fn phone_rejects_letters() {
        assert_eq!(key("+7 926 ABC 4567"), "crm-phone-invalid-char");
    }

    #[test]
    fn phone_rejects_empty() {
        assert_eq!(key(" \u{a0}"), "error-missing");
    }

    #[test]
    fn phone_duplicates_compare_equal() {
        assert_eq!(e164("8 (926) 123-45-67"), e164("+7 926 1234567"));
    }

    #[test]
    fn phone_displays_extension_as_rfc3966_parameter() {
        let phone = Phone::parse("phone", "+7 495 123-45-67 доб. 123").unwrap();
        assert_eq!(phone.to_string(), "+74951234567;ext=123");
    }
}
