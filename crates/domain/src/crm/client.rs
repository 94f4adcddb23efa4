//! A client card as a form or an API request sends it: kind, name, requisites, main phone,
//! e-mail, addresses and status, checked together so every bad field gets its message.

use serde::{Deserialize, Serialize};
use strum::{AsRefStr, Display, EnumString, IntoStaticStr, VariantArray};

use super::phone::Phone;
use super::requisites::{ClientKind, Requisites, RequisitesInput, trimmed};
use crate::Invalid;

/// Maximum length of a client's name, in characters.
pub const NAME_MAX_CHARS: usize = 300;
/// Maximum length of an address, in characters.
pub const ADDRESS_MAX_CHARS: usize = 500;
/// Maximum length of an e-mail address (the RFC 5321 path limit).
pub const EMAIL_MAX_CHARS: usize = 254;

/// The order in which errors are reported: the API names the first one, and `inn`, `kpp`,
/// `ogrn`, `phone` come first in that order as the API documents.
pub const FIELD_ORDER: [&str; 13] = [
    "kind",
    "inn",
    "kpp",
    "ogrn",
    "phone",
    "name",
    "bik",
    "settlement_account",
    "correspondent_account",
    "email",
    "legal_address",
    "postal_address",
    "status",
];

/// The stage of a client's relationship with the company.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
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
pub enum ClientStatus {
    /// Talking to sales, no contract yet.
    Prospect,
    /// Has a contract in force.
    #[default]
    Active,
    /// Service stopped for a while, for example for unpaid bills.
    Suspended,
    /// No longer a client.
    Closed,
}

impl ClientStatus {
    /// Returns every status's API name.
    pub fn names() -> Vec<&'static str> {
        Self::VARIANTS.iter().map(|s| s.into()).collect()
    }

    /// Parses an API name, or returns an error naming `field` and the allowed values.
    pub fn parse(field: &str, value: &str) -> Result<Self, Invalid> {
        value
            .trim()
            .parse()
            .map_err(|_| Invalid::not_one_of(field, value, &Self::names()))
    }
}

/// A client's fields before any check; absent and blank mean the same.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientInput {
    pub kind: String,
    pub name: String,
    pub requisites: RequisitesInput,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub legal_address: Option<String>,
    pub postal_address: Option<String>,
    /// `active` when absent.
    pub status: Option<String>,
}

/// A checked client card, each value in its canonical form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientDraft {
    pub name: String,
    pub requisites: Requisites,
    pub phone: Option<Phone>,
    pub email: Option<String>,
    pub legal_address: Option<String>,
    pub postal_address: Option<String>,
    pub status: ClientStatus,
}

impl ClientDraft {
    /// Checks every field and returns all errors in [`FIELD_ORDER`]. An unknown kind stops
    /// the check at once, because the requisites' rules depend on it. Every kind needs an
    /// ИНН here, a private person included, so that duplicates can be found.
    pub fn check(input: &ClientInput) -> Result<Self, Vec<Invalid>> {
        let kind = ClientKind::parse("kind", &input.kind).map_err(|error| vec![error])?;
        let mut errors = Vec::new();

        let requisites = match Requisites::check(kind, &input.requisites) {
            Ok(requisites) => Some(requisites),
            Err(found) => {
                errors.extend(found);
                None
            }
        };
        if !kind.requires_inn() && trimmed(input.requisites.inn.as_deref()).is_none() {
            errors.push(Invalid::missing("inn"));
        }
        let phone = trimmed(input.phone.as_deref()).and_then(|value| {
            Phone::parse("phone", value)
                .map_err(|error| errors.push(error))
                .ok()
        });
        let name = check_text("name", &input.name, NAME_MAX_CHARS, &mut errors);
        let email = trimmed(input.email.as_deref())
            .and_then(|value| check_email(value).map_err(|error| errors.push(error)).ok());
        let legal_address =
            optional_text("legal_address", input.legal_address.as_deref(), &mut errors);
        let postal_address = optional_text(
            "postal_address",
            input.postal_address.as_deref(),
            &mut errors,
        );
        let status = match trimmed(input.status.as_deref()) {
            Some(value) => ClientStatus::parse("status", value)
                .map_err(|error| errors.push(error))
                .unwrap_or_default(),
            None => ClientStatus::default(),
        };

        if !errors.is_empty() {
            errors.sort_by_key(|error| field_rank(&error.field));
            return Err(errors);
        }
        let (Some(requisites), Some(name)) = (requisites, name) else {
            return Err(vec![Invalid::missing("name")]);
        };
        Ok(ClientDraft {
            name,
            requisites,
            phone,
            email,
            legal_address,
            postal_address,
            status,
        })
    }

    /// The client's kind, which its requisites were checked for.
    pub fn kind(&self) -> ClientKind {
        self.requisites.kind
    }

    /// The key two clients may not share: ИНН and КПП joined by `/`, so a branch with the
    /// same ИНН and its own КПП is another client. `None` without an ИНН.
    pub fn inn_key(&self) -> Option<String> {
        inn_key(
            self.requisites.inn.as_ref().map(|inn| inn.as_str()),
            self.requisites.kpp.as_ref().map(|kpp| kpp.as_str()),
        )
    }
}

/// A contact person's fields before any check.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactInput {
    pub name: String,
    pub position: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// A checked contact person: a name and at least a phone or an e-mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactDraft {
    pub name: String,
    pub position: Option<String>,
    pub phone: Option<Phone>,
    pub email: Option<String>,
}

impl ContactDraft {
    /// Checks a contact's fields and returns every error, the name's first.
    pub fn check(input: &ContactInput) -> Result<Self, Vec<Invalid>> {
        let mut errors = Vec::new();
        let name = check_text("contact_name", &input.name, NAME_MAX_CHARS, &mut errors);
        let position = trimmed(input.position.as_deref())
            .and_then(|value| check_text("contact_position", value, NAME_MAX_CHARS, &mut errors));
        let phone = trimmed(input.phone.as_deref()).and_then(|value| {
            Phone::parse("contact_phone", value)
                .map_err(|error| errors.push(error))
                .ok()
        });
        let email = trimmed(input.email.as_deref()).and_then(|value| {
            check_email(value)
                .map_err(|error| {
                    errors.push(Invalid {
                        field: "contact_email".into(),
                        ..error
                    })
                })
                .ok()
        });
        let unreachable =
            trimmed(input.phone.as_deref()).is_none() && trimmed(input.email.as_deref()).is_none();
        if unreachable {
            errors.push(Invalid::new("contact_phone", "crm-contact-unreachable"));
        }
        match name {
            Some(name) if errors.is_empty() => Ok(ContactDraft {
                name,
                position,
                phone,
                email,
            }),
            _ => Err(errors),
        }
    }
}

/// Joins an ИНН and a КПП into the duplicate key; see [`ClientDraft::inn_key`].
pub fn inn_key(inn: Option<&str>, kpp: Option<&str>) -> Option<String> {
    inn.map(|inn| format!("{inn}/{}", kpp.unwrap_or_default()))
}

fn field_rank(field: &str) -> usize {
    FIELD_ORDER
        .iter()
        .position(|known| *known == field)
        .unwrap_or(FIELD_ORDER.len())
}

fn check_text(field: &str, value: &str, max: usize, errors: &mut Vec<Invalid>) -> Option<String> {
    let value = value.trim();
    if value.is_empty() {
        errors.push(Invalid::missing(field));
        return None;
    }
    if value.chars().count() > max {
        errors.push(Invalid::new(field, "error-too-long").arg("max", max));
        return None;
    }
    if let Err(invalid) = crate::text::check_characters(field, value) {
        errors.push(invalid);
        return None;
    }
    Some(value.to_string())
}

fn optional_text(field: &str, value: Option<&str>, errors: &mut Vec<Invalid>) -> Option<String> {
    let value = trimmed(value)?;
    check_text(field, value, ADDRESS_MAX_CHARS, errors)
}

/// Checks the shape of an e-mail address: one `@` with text on both sides, a dot in the
/// domain and no spaces. Whether the mailbox exists only a sent message can tell.
pub fn check_email(value: &str) -> Result<String, Invalid> {
    let value = value.trim();
    let invalid = || Invalid::new("email", "crm-email-invalid").arg("value", value);
    if value.chars().count() > EMAIL_MAX_CHARS || value.chars().any(char::is_whitespace) {
        return Err(invalid());
    }
    let Some((local, domain)) = value.split_once('@') else {
        return Err(invalid());
    };
    let domain_ok = domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@');
    if local.is_empty() || !domain_ok {
        return Err(invalid());
    }
    Ok(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(kind: &str, inn: &str) -> ClientInput {
        ClientInput {
            kind: kind.into(),
            name: "ООО «Ёлка»".into(),
            requisites: RequisitesInput {
                inn: Some(inn.into()),
                ..RequisitesInput::default()
            },
            ..ClientInput::default()
        }
    }

    fn fields(errors: &[Invalid]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn client_check_accepts_entrepreneur() {
        let mut entrepreneur = input("entrepreneur", "500100732259");
        entrepreneur.requisites.ogrn = Some("304500116000180".into());
        entrepreneur.phone = Some("8 926 1234567".into());
        let draft = ClientDraft::check(&entrepreneur).unwrap();
        assert_eq!(draft.kind(), ClientKind::Entrepreneur);
        assert_eq!(draft.phone.as_ref().unwrap().e164, "+79261234567");
        assert_eq!(draft.status, ClientStatus::Active);
        assert_eq!(draft.inn_key().as_deref(), Some("500100732259/"));
    }

    #[test]
    fn client_check_orders_inn_kpp_ogrn_phone() {
        let mut bad = input("entrepreneur", "500100732258");
        bad.name = String::new();
        bad.requisites.kpp = Some("773601001".into());
        bad.requisites.ogrn = Some("304500116000158".into());
        bad.phone = Some("12".into());
        bad.requisites.bik = Some("123".into());
        let errors = ClientDraft::check(&bad).unwrap_err();
        assert_eq!(
            fields(&errors),
            ["inn", "kpp", "ogrn", "phone", "name", "bik"]
        );
    }

    #[test]
    fn client_check_stops_at_unknown_kind() {
        let errors = ClientDraft::check(&input("ooo", "bad")).unwrap_err();
        assert_eq!(fields(&errors), ["kind"]);
    }

    #[test]
    fn person_needs_inn_here() {
        let errors = ClientDraft::check(&input("person", " ")).unwrap_err();
        assert_eq!(errors, vec![Invalid::missing("inn")]);
    }

    #[test]
    fn legal_entity_key_includes_kpp() {
        let mut entity = input("legal_entity", "7707083893");
        entity.requisites.kpp = Some("773601001".into());
        let draft = ClientDraft::check(&entity).unwrap();
        assert_eq!(draft.inn_key().as_deref(), Some("7707083893/773601001"));
    }

    #[test]
    fn client_check_rejects_unknown_status() {
        let mut client = input("self_employed", "500100732259");
        client.status = Some("vip".into());
        let errors = ClientDraft::check(&client).unwrap_err();
        assert_eq!(errors[0].key, "error-not-one-of");
    }

    #[test]
    fn email_needs_domain_with_dot() {
        assert!(check_email("sales@example.ru").is_ok());
        assert_eq!(
            check_email("sales@localhost").unwrap_err().key,
            "crm-email-invalid"
        );
        assert_eq!(
            check_email("a b@example.ru").unwrap_err().key,
            "crm-email-invalid"
        );
        assert_eq!(
            check_email("@example.ru").unwrap_err().key,
            "crm-email-invalid"
        );
    }

    #[test]
    fn contact_needs_phone_or_email() {
        let input = ContactInput {
            name: "Пётр".into(),
            ..ContactInput::default()
        };
        let errors = ContactDraft::check(&input).unwrap_err();
        assert_eq!(errors[0].key, "crm-contact-unreachable");
    }

    #[test]
    fn contact_phone_is_normalised() {
        let input = ContactInput {
            name: "Пётр".into(),
            phone: Some("8-800-2000-200".into()),
            ..ContactInput::default()
        };
        let contact = ContactDraft::check(&input).unwrap();
        assert_eq!(contact.phone.unwrap().e164, "+78002000200");
    }

    #[test]
    fn long_name_is_rejected() {
        let mut client = input("self_employed", "500100732259");
        client.name = "я".repeat(NAME_MAX_CHARS + 1);
        let errors = ClientDraft::check(&client).unwrap_err();
        assert_eq!(errors[0].key, "error-too-long");
    }
}
