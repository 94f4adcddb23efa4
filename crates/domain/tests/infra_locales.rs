//! Every message id the infra rules raise exists in both locales, and the Russian and English
//! files hold the same ids.

#![allow(
    clippy::unwrap_used,
    reason = "a panic in a test helper is the failure report"
)]

use std::collections::BTreeSet;
use std::fs;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

fn locale_ids(language: &str) -> BTreeSet<String> {
    let path = format!("{ROOT}/locales/{language}/infra.ftl");
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .filter_map(|line| line.split_once(" = ").map(|(id, _)| id.trim().to_string()))
        .filter(|id| id.starts_with("infra-"))
        .collect()
}

/// Quoted `"infra-…"` literals in the infra rules and in the metric storage.
fn source_ids() -> BTreeSet<String> {
    let folder = format!("{ROOT}/crates/domain/src/infra");
    let mut files: Vec<_> = fs::read_dir(&folder)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    files.push(format!("{ROOT}/crates/store/src/metrics.rs").into());
    let mut ids = BTreeSet::new();
    for file in files {
        let text = fs::read_to_string(&file).unwrap();
        for piece in text.split('"').skip(1).step_by(2) {
            let is_id = piece.starts_with("infra-")
                && piece
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if is_id {
                ids.insert(piece.to_string());
            }
        }
    }
    ids
}

#[test]
fn locales_have_same_ids() {
    assert_eq!(locale_ids("ru"), locale_ids("en"));
}

#[test]
fn locales_cover_source_ids() {
    let russian = locale_ids("ru");
    let missing: Vec<String> = source_ids().difference(&russian).cloned().collect();
    assert!(
        missing.is_empty(),
        "missing in locales/ru/infra.ftl: {missing:?}"
    );
}

#[test]
fn locales_have_no_unused_ids() {
    let unused: Vec<String> = locale_ids("ru")
        .difference(&source_ids())
        .cloned()
        .collect();
    assert!(
        unused.is_empty(),
        "unused in locales/ru/infra.ftl: {unused:?}"
    );
}
