//! Translations: Fluent bundles for Russian (the source of truth) and English.

use std::collections::BTreeSet;
use std::sync::Arc;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/locales.rs"));
}

/// A user interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    Ru,
    En,
}

impl Lang {
    /// The language tag: `ru` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }

    /// Parses `ru` or `en` (ignoring case and region, so `en-GB` is English).
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "ru" => Some(Lang::Ru),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// Picks the first supported language of an `Accept-Language` header, by quality.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut candidates: Vec<(f32, Lang)> = header
            .split(',')
            .filter_map(|part| {
                let mut pieces = part.split(';');
                let lang = Lang::parse(pieces.next()?)?;
                let quality = pieces
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.parse().ok())
                    .unwrap_or(1.0);
                Some((quality, lang))
            })
            .collect();
        candidates.sort_by(|a, b| b.0.total_cmp(&a.0));
        candidates.first().map(|(_, lang)| *lang)
    }
}

/// Both languages' bundles.
pub struct I18n {
    ru: FluentBundle<FluentResource>,
    en: FluentBundle<FluentResource>,
}

impl std::fmt::Debug for I18n {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("I18n")
    }
}

/// A Fluent argument value: text, or a number that selects plural forms.
#[derive(Debug, Clone)]
pub enum Arg {
    Text(String),
    Number(f64),
}

impl From<&str> for Arg {
    fn from(value: &str) -> Self {
        Arg::Text(value.to_string())
    }
}

impl From<String> for Arg {
    fn from(value: String) -> Self {
        Arg::Text(value)
    }
}

impl From<i64> for Arg {
    fn from(value: i64) -> Self {
        Arg::Number(value as f64)
    }
}

impl I18n {
    /// Loads the embedded Fluent files. Fails on a syntax error or a key defined twice.
    pub fn load() -> Result<Arc<I18n>, String> {
        Ok(Arc::new(I18n {
            ru: bundle(Lang::Ru)?,
            en: bundle(Lang::En)?,
        }))
    }

    fn bundle_of(&self, lang: Lang) -> &FluentBundle<FluentResource> {
        match lang {
            Lang::Ru => &self.ru,
            Lang::En => &self.en,
        }
    }

    /// Formats message `key` in `lang` with `args`. A missing key is logged and shown as is.
    pub fn format(&self, lang: Lang, key: &str, args: &[(&str, Arg)]) -> String {
        let bundle = self.bundle_of(lang);
        let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
            tracing::warn!(key, lang = lang.code(), "missing translation");
            return key.to_string();
        };
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            let value = match value {
                Arg::Text(text) => FluentValue::from(text.clone()),
                Arg::Number(n) => FluentValue::from(*n),
            };
            fluent_args.set(name.to_string(), value);
        }
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
        if !errors.is_empty() {
            tracing::warn!(
                key,
                lang = lang.code(),
                ?errors,
                "translation formatting failed"
            );
        }
        text.into_owned()
    }

    /// Whether `key` exists in `lang`.
    pub fn has(&self, lang: Lang, key: &str) -> bool {
        self.bundle_of(lang).has_message(key)
    }
}

fn bundle(lang: Lang) -> Result<FluentBundle<FluentResource>, String> {
    let id: LanguageIdentifier = lang
        .code()
        .parse()
        .map_err(|e| format!("language tag {}: {e}", lang.code()))?;
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // Unicode isolation marks around arguments would show up inside HTML attributes and JSON.
    bundle.set_use_isolating(false);
    for (file_lang, name, text) in embedded::FILES {
        if *file_lang != lang.code() {
            continue;
        }
        let resource = FluentResource::try_new(text.to_string())
            .map_err(|(_, errors)| format!("locales/{file_lang}/{name}: {errors:?}"))?;
        bundle
            .add_resource(resource)
            .map_err(|errors| format!("locales/{file_lang}/{name}: {errors:?}"))?;
    }
    Ok(bundle)
}

/// The message ids defined in `lang`'s files, for the test that both languages match.
pub fn keys(lang: Lang) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    for (file_lang, _, text) in embedded::FILES {
        if *file_lang != lang.code() {
            continue;
        }
        for line in text.lines() {
            let Some((id, _)) = line.split_once('=') else {
                continue;
            };
            let id = id.trim_end();
            let is_id = !line.starts_with([' ', '\t', '#', '.', '*', '[', '}'])
                && !id.is_empty()
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if is_id {
                keys.insert(id.to_string());
            }
        }
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_the_same_keys() {
        let ru = keys(Lang::Ru);
        let en = keys(Lang::En);
        let only_ru: Vec<_> = ru.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&ru).collect();
        assert!(only_ru.is_empty(), "missing in English: {only_ru:?}");
        assert!(only_en.is_empty(), "missing in Russian: {only_en:?}");
    }

    #[test]
    fn bundles_load_without_errors() {
        assert!(I18n::load().is_ok());
    }

    #[test]
    fn accept_language_prefers_quality() {
        assert_eq!(
            Lang::from_accept_language("de, en;q=0.8, ru;q=0.9"),
            Some(Lang::Ru)
        );
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Some(Lang::En));
        assert_eq!(Lang::from_accept_language("de"), None);
    }

    #[test]
    fn russian_plural_forms() {
        let i18n = I18n::load().unwrap();
        let format = |n: i64| i18n.format(Lang::Ru, "tickets-count", &[("count", n.into())]);
        assert_eq!(format(1), "1 заявка");
        assert_eq!(format(2), "2 заявки");
        assert_eq!(format(5), "5 заявок");
    }
}
