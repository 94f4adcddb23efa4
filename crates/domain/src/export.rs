//! Spreadsheet export safety: text that Excel or LibreOffice would run as a formula.
//!
//! A CSV or XLSX cell whose text starts with `=`, `+`, `-`, `@`, a tab or a line break can
//! be read as a formula (CSV injection, OWASP). Text cells get a leading `'`, which
//! spreadsheets show as plain text; numbers are written as numbers and need no change.

use std::borrow::Cow;

/// A cell of an export row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    Text(&'a str),
    Integer(i64),
    Number(f64),
}

/// Characters that make a spreadsheet read the cell as a formula when they come first.
const FORMULA_STARTS: [char; 7] = ['=', '+', '-', '@', '\t', '\r', '\n'];

/// Returns `text` with a leading `'` when it starts like a formula, else borrows it.
pub fn neutralise_text(text: &str) -> Cow<'_, str> {
    if text.starts_with(FORMULA_STARTS) {
        return Cow::Owned(format!("'{text}"));
    }
    Cow::Borrowed(text)
}

impl Cell<'_> {
    /// Returns the cell as CSV field text: neutralised text, or the number's decimal form.
    pub fn to_csv_text(&self) -> Cow<'_, str> {
        match self {
            Cell::Text(text) => neutralise_text(text),
            Cell::Integer(value) => Cow::Owned(value.to_string()),
            Cell::Number(value) => Cow::Owned(value.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neutralise_text_prefixes_formula_starts() {
        for text in ["=SUM(A1:A9)", "+7 926", "-2+3", "@cmd", "\tx", "\rx", "\nx"] {
            assert_eq!(neutralise_text(text), format!("'{text}"), "{text:?}");
        }
    }

    #[test]
    fn neutralise_text_keeps_plain_text() {
        assert!(matches!(
            neutralise_text("Смартфон x1"),
            Cow::Borrowed("Смартфон x1")
        ));
    }

    #[test]
    fn neutralise_text_keeps_inner_equals() {
        assert_eq!(neutralise_text("a=b"), "a=b");
    }

    #[test]
    fn cell_negative_number_stays_number() {
        assert_eq!(Cell::Integer(-150).to_csv_text(), "-150");
        assert_eq!(Cell::Number(-1.5).to_csv_text(), "-1.5");
    }

    #[test]
    fn cell_text_is_neutralised() {
        assert_eq!(Cell::Text("=1+1").to_csv_text(), "'=1+1");
    }
}
