//! Shop analytics: storefront events, visits, visitor identity, bots, traffic sources,
//! revenue, funnels, segments, unique-visitor sketches, market trends and the REES46 import.
//!
//! Everything here is pure: the store and the web layer pass data in and persist what comes
//! out.

pub mod bots;
pub mod context;
pub mod days;
pub mod event;
pub mod export;
pub mod funnel;
pub mod identity;
pub mod money;
pub mod orders;
pub mod product_day;
pub mod rates;
pub mod rees46;
pub mod report_dates;
pub mod rollup;
pub mod segment;
pub mod segment_day;
pub mod session;
pub mod sketch;
pub mod source;
pub mod summary;
pub mod trends;
pub mod url;
pub mod validate;

pub use event::{Event, EventType};

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use fluent_syntax::ast::Entry;

    const RUSSIAN: &str = include_str!("../../../../locales/ru/analytics.ftl");
    const ENGLISH: &str = include_str!("../../../../locales/en/analytics.ftl");
    /// Sources that raise `Invalid` errors with `analytics-*` keys.
    const SOURCES: [&str; 4] = [
        include_str!("validate.rs"),
        include_str!("bots.rs"),
        include_str!("rees46.rs"),
        include_str!("rates.rs"),
    ];

    fn message_ids(ftl: &str) -> BTreeSet<String> {
        let resource = fluent_syntax::parser::parse(ftl).unwrap();
        resource
            .body
            .iter()
            .filter_map(|entry| match entry {
                Entry::Message(message) => Some(message.id.name.to_string()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn locales_parse_without_errors() {
        assert!(fluent_syntax::parser::parse(RUSSIAN).is_ok());
        assert!(fluent_syntax::parser::parse(ENGLISH).is_ok());
    }

    #[test]
    fn locales_define_same_keys() {
        assert_eq!(message_ids(RUSSIAN), message_ids(ENGLISH));
    }

    #[test]
    fn locales_define_every_used_key() {
        let defined = message_ids(RUSSIAN);
        for source in SOURCES {
            for (start, _) in source.match_indices("\"analytics-") {
                let key = source[start + 1..].split('"').next().unwrap();
                assert!(defined.contains(key), "{key} has no message");
            }
        }
    }
}
