//! Text normalisation for search, and the check for characters no stored text may contain.

/// Folds text for case-insensitive search: lower case in every script and `ё` read as `е`.
///
/// SQLite's `LIKE`, `lower()` and `NOCASE` fold ASCII only, so searchable columns store this
/// folded copy beside the original and queries fold the search string the same way.
pub fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'ё' { 'е' } else { c })
        .collect()
}

/// Escapes `%`, `_` and `\` so user text matches literally inside `LIKE … ESCAPE '\'`.
pub fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// Checks whether `c` may not appear in stored text. That covers control characters other than tab,
/// line feed and carriage return, because PostgreSQL cannot store NUL at all. It also covers
/// the Unicode bidirectional embedding, override and isolate characters, which can make text
/// display in another order than it is stored in.
pub fn is_forbidden(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Rejects text with a character that [`is_forbidden`], naming the field and the character's
/// code point.
pub fn check_characters(field: &str, text: &str) -> Result<(), crate::Invalid> {
    match text.chars().find(|c| is_forbidden(*c)) {
        Some(c) => Err(crate::Invalid::new(field, "error-forbidden-character")
            .arg("code", format!("U+{:04X}", u32::from(c)))),
        None => Ok(()),
    }
}

/// Removes every character that [`is_forbidden`], for text from other systems that must be
/// kept rather than rejected.
pub fn strip_forbidden(text: &str) -> String {
    text.chars().filter(|c| !is_forbidden(*c)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_characters_are_named() {
        for (text, code) in [
            ("nul\u{0}", "U+0000"),
            ("esc\u{1b}[31m", "U+001B"),
            ("gnp.exe\u{202E}", "U+202E"),
            ("c1\u{85}", "U+0085"),
        ] {
            let error = check_characters("title", text).unwrap_err();
            assert_eq!(error.field, "title");
            assert_eq!(error.args[0].1, code, "{text:?}");
        }
        assert!(check_characters("title", "Строка\tс\r\nпереводом").is_ok());
        assert_eq!(strip_forbidden("a\u{0}b\u{202E}c\nd"), "abc\nd");
    }

    #[test]
    fn fold_reads_yo_as_ye() {
        assert_eq!(fold("Ёлка ЁЖ"), "елка еж");
    }

    #[test]
    fn fold_lowercases_cyrillic_and_latin() {
        assert_eq!(fold("Магазин SHOP"), "магазин shop");
    }

    #[test]
    fn escape_like_escapes_wildcards() {
        assert_eq!(escape_like(r"50%_a\b"), r"50\%\_a\\b");
    }
}
