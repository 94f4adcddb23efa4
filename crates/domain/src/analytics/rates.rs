//! Rows of a Bank of Russia rates file: `date,currency,rate` or `date,currency,nominal,rate`,
//! where `rate` is the roubles paid for `nominal` units (1 when the column is absent) with at
//! most four decimals, as the Bank of Russia publishes them. A decimal comma (`92,5058`) reads
//! like a dot when the field is quoted.

use chrono::NaiveDate;

use super::money::{Currency, Rate};
use crate::Invalid;

/// Maximum number of decimals of a published rate.
const RATE_DECIMALS: usize = 4;

/// One rate in force from `date` on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateRow {
    pub date: NaiveDate,
    pub currency: Currency,
    pub rate: Rate,
}

/// The column layout of a rates file, read from its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RatesLayout {
    /// `date,currency,rate`: the rate of one unit.
    PerUnit,
    /// `date,currency,nominal,rate`.
    WithNominal,
}

/// Reads the header of a rates file.
pub fn parse_header<'a>(fields: impl IntoIterator<Item = &'a str>) -> Result<RatesLayout, Invalid> {
    let found: Vec<String> = fields
        .into_iter()
        .map(|field| field.trim().to_ascii_lowercase())
        .collect();
    match found.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["date", "currency", "rate"] => Ok(RatesLayout::PerUnit),
        ["date", "currency", "nominal", "rate"] => Ok(RatesLayout::WithNominal),
        _ => Err(Invalid::new("header", "analytics-rates-header").arg("found", found.join(","))),
    }
}

/// Parses one data row. `line` is the 1-based line number, for errors.
pub fn parse_row<'a>(
    layout: RatesLayout,
    fields: impl IntoIterator<Item = &'a str>,
    line: u64,
) -> Result<RateRow, Invalid> {
    let fields: Vec<&str> = fields.into_iter().map(str::trim).collect();
    let expected = match layout {
        RatesLayout::PerUnit => 3,
        RatesLayout::WithNominal => 4,
    };
    if fields.len() != expected {
        return Err(Invalid::new("row", "analytics-rates-columns")
            .arg("line", line)
            .arg("count", fields.len())
            .arg("expected", expected));
    }
    let date = NaiveDate::parse_from_str(fields[0], "%Y-%m-%d")
        .map_err(|_| row_error("date", "analytics-rates-date", line, fields[0]))?;
    let currency = Currency::parse_iso(fields[1])
        .filter(|currency| *currency != Currency::RUB)
        .ok_or_else(|| row_error("currency", "analytics-rates-currency", line, fields[1]))?;
    let (nominal, value) = match layout {
        RatesLayout::PerUnit => ("1", fields[2]),
        RatesLayout::WithNominal => (fields[2], fields[3]),
    };
    let nominal = nominal
        .parse::<u32>()
        .ok()
        .filter(|nominal| *nominal > 0)
        .ok_or_else(|| row_error("nominal", "analytics-rates-nominal", line, nominal))?;
    let value_ten_thousandths = parse_rate_value(value)
        .ok_or_else(|| row_error("rate", "analytics-rates-value", line, value))?;
    Ok(RateRow {
        date,
        currency,
        rate: Rate {
            nominal,
            value_ten_thousandths,
        },
    })
}

/// Reads a positive decimal with at most four decimals as ten-thousandths, exactly.
fn parse_rate_value(text: &str) -> Option<i64> {
    let text = text.replace(',', ".");
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
    if whole.is_empty() || fraction.len() > RATE_DECIMALS || !digits(whole) || !digits(fraction) {
        return None;
    }
    let scale = 10_i64.pow(u32::try_from(RATE_DECIMALS - fraction.len()).ok()?);
    let fraction = if fraction.is_empty() {
        0
    } else {
        fraction.parse::<i64>().ok()? * scale
    };
    let value = whole
        .parse::<i64>()
        .ok()?
        .checked_mul(10_000)?
        .checked_add(fraction)?;
    (value > 0).then_some(value)
}

fn row_error(column: &'static str, key: &'static str, line: u64, value: &str) -> Invalid {
    Invalid::new(column, key)
        .arg("line", line)
        .arg("value", value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_header_reads_both_layouts() {
        assert_eq!(
            parse_header(["date", "currency", "rate"]),
            Ok(RatesLayout::PerUnit)
        );
        assert_eq!(
            parse_header(["Date", "Currency", "Nominal", "Rate"]),
            Ok(RatesLayout::WithNominal)
        );
        assert_eq!(
            parse_header(["day", "rate"]).unwrap_err().key,
            "analytics-rates-header"
        );
    }

    #[test]
    fn parse_row_reads_decimal_comma() {
        let row = parse_row(RatesLayout::PerUnit, ["2026-03-01", "usd", "92,5058"], 2).unwrap();
        assert_eq!(row.currency.as_str(), "USD");
        assert_eq!(row.rate.value_ten_thousandths, 92_5058);
        assert_eq!(row.rate.nominal, 1);
    }

    #[test]
    fn parse_row_reads_nominal() {
        let fields = ["2026-03-01", "JPY", "100", "61.2"];
        let row = parse_row(RatesLayout::WithNominal, fields, 2).unwrap();
        assert_eq!(row.rate.nominal, 100);
        assert_eq!(row.rate.value_ten_thousandths, 61_2000);
    }

    #[test]
    fn parse_row_rejects_bad_fields() {
        let cases = [
            (["2026-13-01", "USD", "90"], "analytics-rates-date"),
            (["2026-03-01", "RUB", "1"], "analytics-rates-currency"),
            (["2026-03-01", "US", "90"], "analytics-rates-currency"),
            (["2026-03-01", "ABC", "90"], "analytics-rates-currency"),
            (["2026-03-01", "USD", "-90"], "analytics-rates-value"),
            (["2026-03-01", "USD", "0"], "analytics-rates-value"),
            (["2026-03-01", "USD", "90.12345"], "analytics-rates-value"),
        ];
        for (fields, key) in cases {
            let error = parse_row(RatesLayout::PerUnit, fields, 3).unwrap_err();
            assert_eq!(error.key, key, "{fields:?}");
            assert!(error.args.contains(&("line", "3".to_string())));
        }
    }

    #[test]
    fn parse_row_rejects_wrong_column_count() {
        let error = parse_row(RatesLayout::WithNominal, ["2026-03-01", "USD", "90"], 4);
        assert_eq!(error.unwrap_err().key, "analytics-rates-columns");
    }
}
