//! Tables for CSV and XLSX exports: typed cells, so numbers stay numbers, and text cells
//! neutralised against formula injection before a spreadsheet opens them.

use std::borrow::Cow;

/// One cell of an exported table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Integer(i64),
    /// A fraction such as a share or a rate, unrounded.
    Fraction(f64),
    /// A measured value in its unit, such as a percentage or GiB, unrounded.
    Number(f64),
    Empty,
}

/// An exported table: a header row and data rows of equal width.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// Characters that make a spreadsheet read a text cell as a formula or split it: `=`, `+`,
/// `-`, `@`, a tab, a carriage return or a line feed at the start (the OWASP CSV injection
/// list).
const FORMULA_STARTS: [char; 7] = ['=', '+', '-', '@', '\t', '\r', '\n'];

/// Returns `text` with a leading apostrophe when it starts with a formula character, so
/// Excel and LibreOffice show it as text instead of evaluating it.
pub fn neutralise(text: &str) -> Cow<'_, str> {
    if text.starts_with(FORMULA_STARTS) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neutralise_prefixes_formula_starts() {
        for text in ["=1+1", "+7 900", "-5", "@SUM(A1)", "\tx", "\rx", "\nx"] {
            assert_eq!(neutralise(text), format!("'{text}"), "{text:?}");
        }
    }

    #[test]
    fn neutralise_keeps_plain_text() {
        for text in ["electronics.phones", "", "книги", "a=b", "1-2"] {
            assert_eq!(neutralise(text), text, "{text:?}");
        }
    }
}
