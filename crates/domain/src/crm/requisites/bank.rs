//! Bank requisites: БИК (банковский идентификационный код) and 20-digit accounts with the
//! Bank of Russia's control key, which ties an account to its БИК.

use serde::{Deserialize, Serialize};

use super::{DigitKeys, check_digits, digit_values};
use crate::Invalid;

const BIK_KEYS: DigitKeys = DigitKeys {
    not_digits: "crm-bik-not-digits",
    length: "crm-bik-length",
    all_zeros: "crm-bik-all-zeros",
};

const ACCOUNT_KEYS: DigitKeys = DigitKeys {
    not_digits: "crm-account-not-digits",
    length: "crm-account-length",
    all_zeros: "crm-account-all-zeros",
};

/// The kind of institution a БИК identifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BikKind {
    /// A credit institution; its БИК starts with `04`.
    Bank,
    /// A territorial body of the Federal Treasury (ТОФК); its БИК starts with `00` or `01`.
    Treasury,
}

/// A checked БИК.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Bik(String);

impl Bik {
    /// Checks a БИК: 9 digits starting with `04` (bank), `00` or `01` (treasury).
    pub fn parse(field: &str, value: &str) -> Result<Self, Invalid> {
        let value = value.trim();
        check_digits(field, value, 9, &BIK_KEYS)?;

        if !["04", "00", "01"]
            .iter()
            .any(|prefix| value.starts_with(prefix))
        {
            return Err(Invalid::new(field, "crm-bik-prefix").arg("value", value));
        }
        Ok(Self(value.to_string()))
    }

    /// The БИК digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Returns whether the БИК is a bank's or the treasury's.
    pub fn kind(&self) -> BikKind {
        if self.0.starts_with("04") {
            BikKind::Bank
        } else {
            BikKind::Treasury
        }
    }

    /// Key prefix for accounts held at the Bank of Russia (correspondent accounts and the
    /// treasury's single accounts): `0` and the БИК's 5th and 6th digits.
    fn central_bank_prefix(&self) -> String {
        format!("0{}", &self.0[4..6])
    }

    /// Key prefix for client accounts held at a bank: the БИК's last 3 digits.
    fn bank_prefix(&self) -> &str {
        &self.0[6..9]
    }
}

impl std::fmt::Display for Bik {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A checked 20-digit account number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Account(String);

impl Account {
    /// Checks a settlement account (расчётный счёт) against its БИК.
    ///
    /// A client account at a bank is keyed with the БИК's last 3 digits. The treasury's
    /// single accounts (`40102…`) and other accounts at a treasury БИК are keyed with `0` and
    /// БИК digits 5–6. Treasury accounts (казначейские счета, `03…`) have no key.
    pub fn parse_settlement(field: &str, bik: &Bik, value: &str) -> Result<Self, Invalid> {
        let value = value.trim();
        check_digits(field, value, 20, &ACCOUNT_KEYS)?;

        let prefix = match bik.kind() {
            BikKind::Treasury if value.starts_with("03") => return Ok(Self(value.to_string())),
            BikKind::Treasury => bik.central_bank_prefix(),
            BikKind::Bank if value.starts_with("40102") => bik.central_bank_prefix(),
            BikKind::Bank => bik.bank_prefix().to_string(),
        };
        Self::check_key(field, bik, value, &prefix)
    }

    /// Checks a bank's correspondent account (корреспондентский счёт) against its БИК: the
    /// account is held at the Bank of Russia, so it is keyed with `0` and БИК digits 5–6.
    pub fn parse_correspondent(field: &str, bik: &Bik, value: &str) -> Result<Self, Invalid> {
        let value = value.trim();
        check_digits(field, value, 20, &ACCOUNT_KEYS)?;
        Self::check_key(field, bik, value, &bik.central_bank_prefix())
    }

    /// The account digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn check_key(field: &str, bik: &Bik, value: &str, prefix: &str) -> Result<Self, Invalid> {
        if !key_matches(prefix, value) {
            return Err(Invalid::new(field, "crm-account-checksum")
                .arg("value", value)
                .arg("bik", bik.as_str()));
        }
        Ok(Self(value.to_string()))
    }
}

impl std::fmt::Display for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Checks the Bank of Russia's account key: over the 3-digit prefix and the 20-digit account, the
/// last digits of each digit × 7, 1, 3 (repeating) sum to a multiple of 10.
fn key_matches(prefix: &str, account: &str) -> bool {
    let digits = digit_values(&format!("{prefix}{account}"));
    let sum: u32 = digits
        .iter()
        .zip([7, 1, 3].iter().cycle())
        .map(|(digit, weight)| digit * weight % 10)
        .sum();
    sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bik(value: &str) -> Bik {
        Bik::parse("bik", value).unwrap()
    }

    fn settlement(bik_value: &str, account: &str) -> Result<Account, Invalid> {
        Account::parse_settlement("settlement_account", &bik(bik_value), account)
    }

    fn correspondent(bik_value: &str, account: &str) -> Result<Account, Invalid> {
        Account::parse_correspondent("correspondent_account", &bik(bik_value), account)
    }

    #[test]
    fn bik_accepts_bank() {
        assert_eq!(bik("044525225").kind(), BikKind::Bank);
    }

    #[test]
    fn bik_accepts_treasury_prefixes() {
        assert_eq!(bik("004525988").kind(), BikKind::Treasury);
        assert_eq!(bik("014525000").kind(), BikKind::Treasury);
    }

    #[test]
    fn bik_rejects_other_prefix() {
        let error = Bik::parse("bik", "054525225").unwrap_err();
        assert_eq!(error.key, "crm-bik-prefix");
    }

    #[test]
    fn bik_rejects_wrong_length() {
        let error = Bik::parse("bik", "04452522").unwrap_err();
        assert_eq!(error.key, "crm-bik-length");
    }

    #[test]
    fn bik_rejects_letters() {
        let error = Bik::parse("bik", "04452522O").unwrap_err();
        assert_eq!(error.key, "crm-bik-not-digits");
    }

    #[test]
    fn bik_rejects_all_zero() {
        let error = Bik::parse("bik", "000000000").unwrap_err();
        assert_eq!(error.key, "crm-bik-all-zeros");
    }

    #[test]
    fn correspondent_account_matches_sberbank_bik() {
        assert!(correspondent("044525225", "30101810400000000225").is_ok());
    }

    #[test]
    fn correspondent_account_matches_second_bank_bik() {
        assert!(correspondent("044525974", "30101810145250000974").is_ok());
    }

    #[test]
    fn correspondent_account_matches_saint_petersburg_bik() {
        assert!(correspondent("044030653", "30101810500000000653").is_ok());
    }

    #[test]
    fn correspondent_account_rejects_other_bik() {
        // BIKs 044525974 and 044525225 share digits 5–6, so the mismatch needs another region.
        let error = correspondent("044030653", "30101810400000000225").unwrap_err();
        assert_eq!(error.key, "crm-account-checksum");
    }

    #[test]
    fn settlement_account_matches_bik() {
        assert!(settlement("044525225", "40702810200000000001").is_ok());
    }

    #[test]
    fn settlement_account_rejects_wrong_key() {
        let error = settlement("044525225", "40702810200000000002").unwrap_err();
        assert_eq!(error.key, "crm-account-checksum");
        assert!(error.args.contains(&("bik", "044525225".to_string())));
    }

    #[test]
    fn settlement_account_rejects_correspondent_key_rule() {
        // Keyed for the Bank of Russia ("0" + digits 5–6), not for a client account.
        assert!(settlement("044525225", "30101810400000000225").is_err());
    }

    #[test]
    fn treasury_account_has_no_key() {
        assert!(settlement("004525988", "03100643000000017300").is_ok());
    }

    #[test]
    fn single_treasury_account_uses_central_bank_key() {
        // The Moscow treasury office's single account, keyed "025", not with "988".
        let account = "40102810545370000003";
        assert!(!key_matches("988", account));
        assert!(settlement("004525988", account).is_ok());
    }

    #[test]
    fn account_rejects_nineteen_digits() {
        let error = settlement("044525225", "4070281020000000000").unwrap_err();
        assert_eq!(error.key, "crm-account-length");
        assert!(error.args.contains(&("expected", "20".to_string())));
    }

    #[test]
    fn account_rejects_all_zero() {
        let error = settlement("044525225", "00000000000000000000").unwrap_err();
        assert_eq!(error.key, "crm-account-all-zeros");
    }

    #[test]
    fn account_rejects_letters() {
        let error = settlement("044525225", "4070281020000000000I").unwrap_err();
        assert_eq!(error.key, "crm-account-not-digits");
    }
}
