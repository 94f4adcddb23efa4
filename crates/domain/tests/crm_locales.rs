//! Checks `locales/*/crm.ftl` against the Fluent keys the commercial, SLA, calendar, money
//! and VAT rules raise: both languages parse, have the same keys, cover every key in the
//! source, and format every message without a missing argument.

// A panic in a test helper is the failure report.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::Path;

use fluent_bundle::{FluentArgs, FluentBundle, FluentResource, FluentValue};
use unic_langid::langid;

const RU: &str = include_str!("../../../locales/ru/crm.ftl");
const EN: &str = include_str!("../../../locales/en/crm.ftl");

/// Source files and folders whose message ids live in `crm.ftl`.
const SOURCES: [&str; 5] = [
    "src/crm",
    "src/calendar",
    "src/sla",
    "src/money.rs",
    "src/vat.rs",
];
const PREFIXES: [&str; 5] = ["\"crm-", "\"calendar-", "\"sla-", "\"money-", "\"vat-"];

fn resource(text: &str) -> FluentResource {
    match FluentResource::try_new(text.to_string()) {
        Ok(resource) => resource,
        Err((_, errors)) => panic!("crm.ftl does not parse: {errors:?}"),
    }
}

fn message_ids(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter_map(|line| line.split_once(" ="))
        .map(|(id, _)| id)
        .filter(|id| !id.starts_with([' ', '#']) && !id.is_empty())
        .map(str::to_string)
        .collect()
}

fn source_keys(path: &Path, keys: &mut BTreeSet<String>) {
    if path.is_dir() {
        for entry in std::fs::read_dir(path).unwrap() {
            source_keys(&entry.unwrap().path(), keys);
        }
        return;
    }
    let text = std::fs::read_to_string(path).unwrap();
    for prefix in PREFIXES {
        for (at, _) in text.match_indices(prefix) {
            let rest = &text[at + 1..];
            let Some(end) = rest.find('"') else { continue };
            keys.insert(rest[..end].to_string());
        }
    }
}

fn sample_args() -> FluentArgs<'static> {
    let mut args = FluentArgs::new();
    for name in [
        "value", "char", "bik", "code", "start", "end", "claimed", "date", "column",
    ] {
        args.set(name, "x");
    }
    for (name, number) in [
        ("length", 11),
        ("expected", 15),
        ("position", 3),
        ("limit", 3),
        ("used", 3),
        ("days", 0),
        ("line", 2),
    ] {
        args.set(name, FluentValue::from(number));
    }
    args.set("kind", "legal_entity");
    args.set("status", "partly_accepted");
    args.set("category", "standard");
    args.set("priority", "P2");
    args
}

#[test]
fn locales_parse_with_same_keys() {
    resource(RU);
    resource(EN);
    assert_eq!(message_ids(RU), message_ids(EN));
}

#[test]
fn locales_cover_source_keys() {
    let mut keys = BTreeSet::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for source in SOURCES {
        source_keys(&root.join(source), &mut keys);
    }
    assert!(keys.len() > 40, "the scan found only {keys:?}");
    let messages = message_ids(RU);
    let missing: Vec<&String> = keys.difference(&messages).collect();
    assert!(missing.is_empty(), "keys without a message: {missing:?}");
}

#[test]
fn locales_format_without_errors() {
    for (language, text) in [(langid!("ru"), RU), (langid!("en"), EN)] {
        let mut bundle = FluentBundle::new(vec![language.clone()]);
        bundle.add_resource(resource(text)).unwrap();
        let args = sample_args();
        for id in message_ids(text) {
            let message = bundle.get_message(&id).unwrap();
            let mut errors = Vec::new();
            let pattern = message.value().unwrap();
            let formatted = bundle.format_pattern(pattern, Some(&args), &mut errors);
            assert!(errors.is_empty(), "{language} {id}: {errors:?}");
            assert!(!formatted.trim().is_empty(), "{language} {id} is empty");
        }
    }
}
