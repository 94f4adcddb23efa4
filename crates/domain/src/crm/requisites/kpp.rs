//! КПП (код причины постановки на учёт), the registration reason code of a legal entity:
//! `NNNNPPNNN`, where `NNNN` is the tax office, `PP` the reason (digits or capital Latin
//! letters) and `NNN` a sequence. It has no check digit and is not cross-checked against the
//! ИНН, because the largest taxpayers are registered at offices `99xx` unrelated to their ИНН.

use serde::{Deserialize, Serialize};

use crate::Invalid;

/// A checked КПП.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Kpp(String);

impl Kpp {
    /// Checks a КПП. Cyrillic look-alikes (`7736АВ001` typed with Cyrillic А, В) and lower
    /// case Latin letters get their own messages, because both look right on screen.
    pub fn parse(field: &str, value: &str) -> Result<Self, Invalid> {
        let value = value.trim();
        let chars: Vec<char> = value.chars().collect();

        if let Some((index, letter)) = find_char(&chars, is_cyrillic) {
            return Err(char_error(field, "crm-kpp-cyrillic", value, index, letter));
        }

        if chars.len() != 9 {
            return Err(Invalid::new(field, "crm-kpp-length")
                .arg("value", value)
                .arg("length", chars.len())
                .arg("expected", 9));
        }

        for (index, &c) in chars.iter().enumerate() {
            let reason_code = (4..6).contains(&index);
            if c.is_ascii_digit() || (reason_code && c.is_ascii_uppercase()) {
                continue;
            }
            let key = if reason_code && c.is_ascii_lowercase() {
                "crm-kpp-lowercase"
            } else {
                "crm-kpp-format"
            };
            return Err(char_error(field, key, value, index, c));
        }

        if chars.iter().all(|&c| c == '0') {
            return Err(Invalid::new(field, "crm-kpp-all-zeros").arg("value", value));
        }
        Ok(Self(value.to_string()))
    }

    /// The КПП characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Kpp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn is_cyrillic(c: char) -> bool {
    matches!(c, '\u{0400}'..='\u{04FF}')
}

fn find_char(chars: &[char], predicate: fn(char) -> bool) -> Option<(usize, char)> {
    chars
        .iter()
        .copied()
        .enumerate()
        .find(|(_, c)| predicate(*c))
}

fn char_error(field: &str, key: &'static str, value: &str, index: usize, c: char) -> Invalid {
    Invalid::new(field, key)
        .arg("value", value)
        .arg("char", c)
        .arg("position", index + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(value: &str) -> &'static str {
        Kpp::parse("kpp", value).unwrap_err().key
    }

    #[test]
    fn kpp_accepts_digits() {
        assert!(Kpp::parse("kpp", "773601001").is_ok());
    }

    #[test]
    fn kpp_accepts_capital_latin_reason() {
        assert!(Kpp::parse("kpp", "7736AB001").is_ok());
    }

    #[test]
    fn kpp_rejects_lowercase_latin() {
        assert_eq!(key("7736ab001"), "crm-kpp-lowercase");
    }

    #[test]
    fn kpp_rejects_cyrillic_lookalikes() {
        let error = Kpp::parse("kpp", "7736АВ001").unwrap_err();
        assert_eq!(error.key, "crm-kpp-cyrillic");
        assert!(error.args.contains(&("char", "А".to_string())));
        assert!(error.args.contains(&("position", "5".to_string())));
    }

    #[test]
    fn kpp_rejects_letters_outside_reason() {
        assert_eq!(key("77A601001"), "crm-kpp-format");
    }

    #[test]
    fn kpp_rejects_wrong_length() {
        let error = Kpp::parse("kpp", "77360100").unwrap_err();
        assert_eq!(error.key, "crm-kpp-length");
        assert!(error.args.contains(&("length", "8".to_string())));
    }

    #[test]
    fn kpp_rejects_all_zero() {
        assert_eq!(key("000000000"), "crm-kpp-all-zeros");
    }

    #[test]
    fn kpp_accepts_largest_taxpayer_office() {
        assert!(Kpp::parse("kpp", "997750001").is_ok());
    }

    #[test]
    fn kpp_trims_non_breaking_spaces() {
        assert_eq!(
            Kpp::parse("kpp", "\u{a0}773601001\u{a0}").unwrap().as_str(),
            "773601001"
        );
    }
}
