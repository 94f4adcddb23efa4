//! Russian requisites (реквизиты) of a client: ИНН, КПП, ОГРН / ОГРНИП, БИК and bank accounts,
//! which of them each client kind has, and the set in force on a document's date.
//!
//! Every check trims surrounding whitespace, non-breaking spaces included, and rejects a bad
//! value with its own Fluent message id in `locales/*/crm.ftl`, with the value as `$value`.

mod bank;
mod inn;
mod kpp;
mod ogrn;

pub use bank::{Account, Bik, BikKind};
pub use inn::Inn;
pub use kpp::Kpp;
pub use ogrn::Ogrn;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use strum::{AsRefStr, Display, EnumString, IntoStaticStr, VariantArray};

use crate::Invalid;

/// The legal form of a client, which decides the requisites it has.
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
pub enum ClientKind {
    /// A legal entity (юридическое лицо): ООО, АО and the like.
    LegalEntity,
    /// An individual entrepreneur (индивидуальный предприниматель, ИП).
    Entrepreneur,
    /// A self-employed person (самозанятый) paying the professional income tax.
    SelfEmployed,
    /// A private person.
    Person,
}

impl ClientKind {
    /// Returns every kind's API name.
    pub fn names() -> Vec<&'static str> {
        Self::VARIANTS.iter().map(|v| v.into()).collect()
    }

    /// Parses an API name, or returns an error naming `field` and the allowed values.
    pub fn parse(field: &str, value: &str) -> Result<Self, Invalid> {
        let names: Vec<&str> = Self::VARIANTS.iter().map(|v| v.into()).collect();
        value
            .trim()
            .parse()
            .map_err(|_| Invalid::not_one_of(field, value, &names))
    }

    /// Number of digits in this kind's ИНН: 10 for a legal entity, 12 for a natural person.
    pub fn inn_length(self) -> usize {
        match self {
            ClientKind::LegalEntity => 10,
            _ => 12,
        }
    }

    /// Returns whether the kind must give an ИНН. A private person may have none on record.
    pub fn requires_inn(self) -> bool {
        self != ClientKind::Person
    }

    /// Returns whether the kind has a КПП, which only legal entities do.
    pub fn has_kpp(self) -> bool {
        self == ClientKind::LegalEntity
    }

    /// Digits in the state registration number: 13 (ОГРН) for a legal entity, 15 (ОГРНИП)
    /// for an entrepreneur, none for the self-employed and private persons.
    pub fn ogrn_length(self) -> Option<usize> {
        match self {
            ClientKind::LegalEntity => Some(13),
            ClientKind::Entrepreneur => Some(15),
            ClientKind::SelfEmployed | ClientKind::Person => None,
        }
    }
}

/// Requisites as a form or an API request sends them, before any check.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequisitesInput {
    pub inn: Option<String>,
    pub kpp: Option<String>,
    /// ОГРН for a legal entity, ОГРНИП for an entrepreneur.
    pub ogrn: Option<String>,
    pub bik: Option<String>,
    pub settlement_account: Option<String>,
    pub correspondent_account: Option<String>,
}

/// Checked requisites of one client kind, each in its canonical form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requisites {
    pub kind: ClientKind,
    pub inn: Option<Inn>,
    pub kpp: Option<Kpp>,
    pub ogrn: Option<Ogrn>,
    pub bik: Option<Bik>,
    pub settlement_account: Option<Account>,
    pub correspondent_account: Option<Account>,
}

impl Requisites {
    /// Checks every field of `input` for a client of `kind` and returns all errors at once,
    /// so a form can mark each bad field. A field the kind does not have must be empty.
    pub fn check(kind: ClientKind, input: &RequisitesInput) -> Result<Self, Vec<Invalid>> {
        let mut errors = Vec::new();
        let inn = check_inn_field(kind, input.inn.as_deref(), &mut errors);
        let kpp = check_kpp_field(kind, input.kpp.as_deref(), &mut errors);
        let ogrn = check_ogrn_field(kind, input.ogrn.as_deref(), &mut errors);
        let bank = check_bank_fields(input, &mut errors);

        if !errors.is_empty() {
            return Err(errors);
        }
        let (bik, settlement_account, correspondent_account) = bank;
        Ok(Self {
            kind,
            inn,
            kpp,
            ogrn,
            bik,
            settlement_account,
            correspondent_account,
        })
    }
}

/// Requisites with the dates they are in force, so a document prints those of its own date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatedRequisites {
    pub requisites: Requisites,
    /// First day in force.
    pub valid_from: NaiveDate,
    /// Last day in force; `None` while current.
    pub valid_to: Option<NaiveDate>,
}

/// Returns the requisites in force on `date`; the latest `valid_from` wins if ranges overlap.
pub fn requisites_on(history: &[DatedRequisites], date: NaiveDate) -> Option<&DatedRequisites> {
    history
        .iter()
        .filter(|dated| dated.valid_from <= date && dated.valid_to.is_none_or(|to| date <= to))
        .max_by_key(|dated| dated.valid_from)
}

/// Trims whitespace at both ends, non-breaking spaces included, and treats blank as absent.
pub(crate) fn trimmed(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|value| !value.is_empty())
}

/// Fluent message ids for the failures every all-digit requisite shares.
pub(crate) struct DigitKeys {
    pub not_digits: &'static str,
    pub length: &'static str,
    pub all_zeros: &'static str,
}

/// Checks that `value` (already trimmed) is `length` ASCII digits and not all zeros, in that
/// order, because zeros pass every checksum.
pub(crate) fn check_digits(
    field: &str,
    value: &str,
    length: usize,
    keys: &DigitKeys,
) -> Result<(), Invalid> {
    check_only_digits(field, value, keys.not_digits)?;

    let actual = value.chars().count();
    if actual != length {
        return Err(Invalid::new(field, keys.length)
            .arg("value", value)
            .arg("length", actual)
            .arg("expected", length));
    }

    if value.bytes().all(|b| b == b'0') {
        return Err(Invalid::new(field, keys.all_zeros).arg("value", value));
    }
    Ok(())
}

/// Rejects the first character that is not an ASCII digit, naming it and its 1-based position.
pub(crate) fn check_only_digits(
    field: &str,
    value: &str,
    key: &'static str,
) -> Result<(), Invalid> {
    let Some((index, bad)) = value.chars().enumerate().find(|(_, c)| !c.is_ascii_digit()) else {
        return Ok(());
    };
    Err(Invalid::new(field, key)
        .arg("value", value)
        .arg("char", bad)
        .arg("position", index + 1))
}

/// Converts ASCII digits to their values; callers check the digits first.
pub(crate) fn digit_values(value: &str) -> Vec<u32> {
    value
        .bytes()
        .map(|b| u32::from(b.wrapping_sub(b'0')))
        .collect()
}

fn check_inn_field(
    kind: ClientKind,
    value: Option<&str>,
    errors: &mut Vec<Invalid>,
) -> Option<Inn> {
    match trimmed(value) {
        None if kind.requires_inn() => {
            errors.push(Invalid::missing("inn"));
            None
        }
        None => None,
        Some(value) => Inn::parse_for(kind, "inn", value)
            .map_err(|error| errors.push(error))
            .ok(),
    }
}

fn check_kpp_field(
    kind: ClientKind,
    value: Option<&str>,
    errors: &mut Vec<Invalid>,
) -> Option<Kpp> {
    match trimmed(value) {
        None if kind.has_kpp() => {
            errors.push(Invalid::missing("kpp"));
            None
        }
        None => None,
        Some(value) if !kind.has_kpp() => {
            errors.push(not_for_kind("kpp", kind, value));
            None
        }
        Some(value) => Kpp::parse("kpp", value)
            .map_err(|error| errors.push(error))
            .ok(),
    }
}

fn check_ogrn_field(
    kind: ClientKind,
    value: Option<&str>,
    errors: &mut Vec<Invalid>,
) -> Option<Ogrn> {
    let value = trimmed(value)?;
    if kind.ogrn_length().is_none() {
        errors.push(not_for_kind("ogrn", kind, value));
        return None;
    }
    Ogrn::parse_for(kind, "ogrn", value)
        .map_err(|error| errors.push(error))
        .ok()
}

type BankFields = (Option<Bik>, Option<Account>, Option<Account>);

fn check_bank_fields(input: &RequisitesInput, errors: &mut Vec<Invalid>) -> BankFields {
    let settlement = trimmed(input.settlement_account.as_deref());
    let correspondent = trimmed(input.correspondent_account.as_deref());
    let bik = match trimmed(input.bik.as_deref()) {
        Some(value) => match Bik::parse("bik", value) {
            Ok(bik) => bik,
            Err(error) => {
                errors.push(error);
                return (None, None, None);
            }
        },
        None if settlement.is_some() || correspondent.is_some() => {
            errors.push(Invalid::missing("bik"));
            return (None, None, None);
        }
        None => return (None, None, None),
    };

    let settlement = settlement.and_then(|value| {
        Account::parse_settlement("settlement_account", &bik, value)
            .map_err(|error| errors.push(error))
            .ok()
    });
    let correspondent = correspondent.and_then(|value| {
        Account::parse_correspondent("correspondent_account", &bik, value)
            .map_err(|error| errors.push(error))
            .ok()
    });
    (Some(bik), settlement, correspondent)
}

fn not_for_kind(field: &str, kind: ClientKind, value: &str) -> Invalid {
    Invalid::new(field, "crm-requisite-not-for-kind")
        .arg("value", value)
        .arg("kind", kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn legal_entity_input() -> RequisitesInput {
        RequisitesInput {
            inn: Some("7707083893".into()),
            kpp: Some("773601001".into()),
            ogrn: Some("1027700132195".into()),
            bik: Some("044525225".into()),
            settlement_account: Some("40702810200000000001".into()),
            correspondent_account: Some("30101810400000000225".into()),
        }
    }

    fn entrepreneur_input() -> RequisitesInput {
        RequisitesInput {
            inn: Some("500100732259".into()),
            ogrn: Some("304500116000157".into()),
            ..RequisitesInput::default()
        }
    }

    #[test]
    fn legal_entity_accepts_full_set() {
        let requisites = Requisites::check(ClientKind::LegalEntity, &legal_entity_input());
        assert!(requisites.is_ok(), "{requisites:?}");
    }

    #[test]
    fn legal_entity_requires_kpp() {
        let mut input = legal_entity_input();
        input.kpp = None;
        let errors = Requisites::check(ClientKind::LegalEntity, &input).unwrap_err();
        assert_eq!(errors, vec![Invalid::missing("kpp")]);
    }

    #[test]
    fn legal_entity_rejects_twelve_digit_inn() {
        let mut input = legal_entity_input();
        input.inn = Some("500100732259".into());
        let errors = Requisites::check(ClientKind::LegalEntity, &input).unwrap_err();
        assert_eq!(errors[0].key, "crm-inn-length");
    }

    #[test]
    fn entrepreneur_accepts_inn_and_ogrnip() {
        let requisites = Requisites::check(ClientKind::Entrepreneur, &entrepreneur_input());
        assert!(requisites.is_ok(), "{requisites:?}");
    }

    #[test]
    fn entrepreneur_rejects_kpp() {
        let mut input = entrepreneur_input();
        input.kpp = Some("773601001".into());
        let errors = Requisites::check(ClientKind::Entrepreneur, &input).unwrap_err();
        assert_eq!(errors[0].key, "crm-requisite-not-for-kind");
        assert_eq!(errors[0].field, "kpp");
    }

    #[test]
    fn entrepreneur_rejects_legal_entity_ogrn() {
        let mut input = entrepreneur_input();
        input.ogrn = Some("1027700132195".into());
        let errors = Requisites::check(ClientKind::Entrepreneur, &input).unwrap_err();
        assert_eq!(errors[0].key, "crm-ogrn-length");
    }

    #[test]
    fn self_employed_rejects_ogrn() {
        let input = RequisitesInput {
            inn: Some("500100732259".into()),
            ogrn: Some("304500116000157".into()),
            ..RequisitesInput::default()
        };
        let errors = Requisites::check(ClientKind::SelfEmployed, &input).unwrap_err();
        assert_eq!(errors[0].key, "crm-requisite-not-for-kind");
    }

    #[test]
    fn self_employed_requires_inn() {
        let errors =
            Requisites::check(ClientKind::SelfEmployed, &RequisitesInput::default()).unwrap_err();
        assert_eq!(errors, vec![Invalid::missing("inn")]);
    }

    #[test]
    fn person_may_have_no_requisites() {
        let requisites = Requisites::check(ClientKind::Person, &RequisitesInput::default());
        assert!(requisites.is_ok());
    }

    #[test]
    fn check_reports_every_bad_field() {
        let mut input = legal_entity_input();
        input.inn = Some("7707083894".into());
        input.kpp = Some("7736ab001".into());
        input.settlement_account = Some("40702810200000000002".into());
        let errors = Requisites::check(ClientKind::LegalEntity, &input).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["inn", "kpp", "settlement_account"]);
    }

    #[test]
    fn account_without_bik_is_missing_bik() {
        let mut input = legal_entity_input();
        input.bik = None;
        let errors = Requisites::check(ClientKind::LegalEntity, &input).unwrap_err();
        assert_eq!(errors, vec![Invalid::missing("bik")]);
    }

    #[test]
    fn check_trims_non_breaking_spaces() {
        let mut input = legal_entity_input();
        input.inn = Some("\u{a0} 7707083893\u{a0}".into());
        let requisites = Requisites::check(ClientKind::LegalEntity, &input).unwrap();
        assert_eq!(requisites.inn.unwrap().as_str(), "7707083893");
    }

    #[test]
    fn client_kind_parses_api_names() {
        assert_eq!(
            ClientKind::parse("kind", "self_employed"),
            Ok(ClientKind::SelfEmployed)
        );
        assert_eq!(
            ClientKind::parse("kind", "ooo").unwrap_err().key,
            "error-not-one-of"
        );
    }

    #[test]
    fn requisites_on_picks_range_of_date() {
        let requisites =
            Requisites::check(ClientKind::Person, &RequisitesInput::default()).unwrap();
        let date = |d: &str| d.parse::<NaiveDate>().unwrap();
        let old = DatedRequisites {
            requisites: requisites.clone(),
            valid_from: date("2024-01-01"),
            valid_to: Some(date("2025-06-30")),
        };
        let new = DatedRequisites {
            requisites,
            valid_from: date("2025-07-01"),
            valid_to: None,
        };
        let history = [old, new];
        assert_eq!(
            requisites_on(&history, date("2025-06-30")).map(|r| r.valid_from),
            Some(date("2024-01-01"))
        );
        assert_eq!(
            requisites_on(&history, date("2025-07-01")).map(|r| r.valid_from),
            Some(date("2025-07-01"))
        );
        assert_eq!(requisites_on(&history, date("2023-12-31")), None);
    }
}
