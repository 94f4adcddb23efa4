//! Text normalisation for search.

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

#[cfg(test)]
mod tests {
    use super::*;

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
