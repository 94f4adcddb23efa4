//! Currencies and conversion to roubles at the Bank of Russia (Банк России) official rate.
//!
//! Amounts are integers in the minor unit of their currency (kopecks for RUB, cents for USD,
//! yen for JPY). A foreign amount becomes roubles at the rate in force on the event's Moscow
//! date. Rates are data that the caller looks up, never constants in code.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::Moscow;

/// An ISO 4217 alphabetic currency code, stored as three upper-case ASCII letters.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency([u8; 3]);

impl Currency {
    /// The Russian rouble, the currency of every revenue figure.
    pub const RUB: Currency = Currency(*b"RUB");

    /// Parses a code of three Latin letters in either case (`usd` reads as `USD`). Returns
    /// `None` for anything else. Whether ISO 4217 lists the code is not checked, because a rate
    /// lookup decides what can be converted.
    pub fn parse(code: &str) -> Option<Currency> {
        let bytes = code.as_bytes();
        let [a, b, c] = bytes else {
            return None;
        };
        let letters = [
            a.to_ascii_uppercase(),
            b.to_ascii_uppercase(),
            c.to_ascii_uppercase(),
        ];
        letters
            .iter()
            .all(u8::is_ascii_uppercase)
            .then_some(Currency(letters))
    }

    /// Parses a code like [`Currency::parse`] and accepts it only when [`ISO_4217_CODES`]
    /// lists it, so `ABC` or `RUR` (the rouble's code before 1998) is `None`.
    pub fn parse_iso(code: &str) -> Option<Currency> {
        Currency::parse(code).filter(|currency| currency.is_iso_4217())
    }

    /// Returns whether [`ISO_4217_CODES`] lists the code.
    pub fn is_iso_4217(self) -> bool {
        ISO_4217_CODES.binary_search(&self.as_str()).is_ok()
    }

    /// Returns the code as text, such as `RUB`.
    pub fn as_str(&self) -> &str {
        // The constructor admits ASCII letters only, so the bytes are valid UTF-8.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }

    /// Number of decimal places of the minor unit (ISO 4217): 0 for JPY and KRW, 3 for KWD
    /// and the other dinars, 2 for every other code.
    pub fn minor_unit_exponent(self) -> u32 {
        match &self.0 {
            b"BIF" | b"CLP" | b"DJF" | b"GNF" | b"ISK" | b"JPY" | b"KMF" | b"KRW" | b"PYG"
            | b"RWF" | b"UGX" | b"UYI" | b"VND" | b"VUV" | b"XAF" | b"XOF" | b"XPF" => 0,
            b"BHD" | b"IQD" | b"JOD" | b"KWD" | b"LYD" | b"OMR" | b"TND" => 3,
            _ => 2,
        }
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Currencies that events and rates files may name: the active codes of ISO 4217 List One
/// (as amended up to 2025, with XCG from March 2025 and ZWG from June 2024), sorted. Fund
/// codes (BOV, CHE, CLF …) are kept because banks quote them. Precious metals (XAU, XAG, XPD,
/// XPT), bond-market units (XBA … XBD), XDR, XSU, XUA and the codes for testing (XTS) and
/// "no currency" (XXX) are left out, because no storefront is paid in them.
pub const ISO_4217_CODES: [&str; 166] = [
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
    "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD",
    "CAD", "CDF", "CHE", "CHF", "CHW", "CLF", "CLP", "CNY", "COP", "COU", "CRC", "CUP", "CVE",
    "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL",
    "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR",
    "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD",
    "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK",
    "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MXV", "MYR", "MZN", "NAD", "NGN", "NIO",
    "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON",
    "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD",
    "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD",
    "TZS", "UAH", "UGX", "USD", "USN", "UYI", "UYU", "UYW", "UZS", "VED", "VES", "VND", "VUV",
    "WST", "XAF", "XCD", "XCG", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWG",
];

/// A Bank of Russia official rate as published: `value_ten_thousandths` / 10,000 roubles buy
/// `nominal` units of the currency (for example 100 JPY = 61.2345 RUB).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    /// Units of the foreign currency the value is quoted for: 1, 10, 100, 1,000 or 10,000.
    pub nominal: u32,
    /// Roubles for `nominal` units, in ten-thousandths of a rouble (the published 4 decimals).
    pub value_ten_thousandths: i64,
}

/// A source of Bank of Russia rates. `rate` returns the rate in force on a Moscow calendar
/// date, or `None` when there is none.
pub trait RateLookup {
    /// Returns the rate of `currency` in force on `date`.
    fn rate(&self, currency: Currency, date: NaiveDate) -> Option<Rate>;
}

impl<F> RateLookup for F
where
    F: Fn(Currency, NaiveDate) -> Option<Rate>,
{
    fn rate(&self, currency: Currency, date: NaiveDate) -> Option<Rate> {
        self(currency, date)
    }
}

/// Default for [`RateTable::max_gap_days`]. The Bank of Russia sets no rate on non-working
/// days, and the New Year holidays leave more than a week between two settings (an estimate
/// of the longest regular gap). A missing import still shows up as "no rate".
pub const RATE_MAX_GAP_DAYS: i64 = 15;

/// Rates keyed by the date from which each is in force, as imported from a rates file.
///
/// A rate stays in force until the next one for the same currency, but for at most
/// `max_gap_days` days, so a rates file that stopped being imported yields "no rate" rather
/// than a stale conversion.
#[derive(Debug, Clone)]
pub struct RateTable {
    rates: BTreeMap<(Currency, NaiveDate), Rate>,
    /// Maximum number of days a rate stays in force without a newer one.
    pub max_gap_days: i64,
}

impl Default for RateTable {
    fn default() -> Self {
        Self {
            rates: BTreeMap::new(),
            max_gap_days: RATE_MAX_GAP_DAYS,
        }
    }
}

impl RateTable {
    /// Records `rate` as in force for `currency` from `effective` on.
    pub fn insert(&mut self, currency: Currency, effective: NaiveDate, rate: Rate) {
        self.rates.insert((currency, effective), rate);
    }
}

impl RateLookup for RateTable {
    fn rate(&self, currency: Currency, date: NaiveDate) -> Option<Rate> {
        let ((found_currency, effective), rate) = self
            .rates
            .range((currency, NaiveDate::MIN)..=(currency, date))
            .next_back()?;
        let fresh = (date - *effective).num_days() <= self.max_gap_days;
        (*found_currency == currency && fresh).then_some(*rate)
    }
}

/// Returns the calendar date in Moscow (UTC+3 all year), which picks the Bank of Russia rate.
pub fn moscow_date(instant: DateTime<Utc>) -> NaiveDate {
    instant.with_timezone(&Moscow).date_naive()
}

/// An amount converted to kopecks, or the reason it could not be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Converted {
    /// The amount in kopecks.
    Kopecks(i64),
    /// No rate was in force for the currency on the date: the amount is kept as it is, left
    /// out of revenue and flagged.
    NoRate,
    /// The converted amount does not fit in 64 bits; treated like a missing rate.
    Overflow,
}

/// Converts `amount_minor` (minor units of `currency`) to kopecks at the Bank of Russia rate
/// in force on the Moscow date of `at`. Rounds half away from zero to the kopeck.
pub fn to_kopecks(
    amount_minor: i64,
    currency: Currency,
    at: DateTime<Utc>,
    rates: &impl RateLookup,
) -> Converted {
    if currency == Currency::RUB {
        return Converted::Kopecks(amount_minor);
    }
    let Some(rate) = rates.rate(currency, moscow_date(at)) else {
        return Converted::NoRate;
    };
    if rate.nominal == 0 || rate.value_ten_thousandths <= 0 {
        return Converted::NoRate;
    }

    // kopecks = amount / 10^exp × value / 10^4 / nominal × 100, exact in i128.
    let numerator = i128::from(amount_minor) * i128::from(rate.value_ten_thousandths) * 100;
    let denominator =
        10_i128.pow(currency.minor_unit_exponent()) * 10_000 * i128::from(rate.nominal);
    let kopecks = divide_rounding_half_away(numerator, denominator);
    match i64::try_from(kopecks) {
        Ok(kopecks) => Converted::Kopecks(kopecks),
        Err(_) => Converted::Overflow,
    }
}

fn divide_rounding_half_away(numerator: i128, denominator: i128) -> i128 {
    let quotient = numerator / denominator;
    let remainder = numerator % denominator;
    if remainder.abs() * 2 >= denominator {
        quotient + numerator.signum()
    } else {
        quotient
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn usd() -> Currency {
        Currency::parse("USD").unwrap()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn table() -> RateTable {
        let mut table = RateTable::default();
        let rate = Rate {
            nominal: 1,
            value_ten_thousandths: 92_5058,
        };
        table.insert(usd(), date(2026, 3, 1), rate);
        let yen = Rate {
            nominal: 100,
            value_ten_thousandths: 61_2345,
        };
        table.insert(Currency::parse("JPY").unwrap(), date(2026, 3, 1), yen);
        table
    }

    #[test]
    fn currency_parse_uppercases() {
        assert_eq!(Currency::parse("usd"), Some(usd()));
    }

    #[test]
    fn currency_parse_rejects_bad_codes() {
        for code in ["US", "USDT", "U$D", "руб", ""] {
            assert_eq!(Currency::parse(code), None, "{code}");
        }
    }

    #[test]
    fn iso_codes_sorted_and_unique() {
        assert!(ISO_4217_CODES.windows(2).all(|pair| pair[0] < pair[1]));
        assert!(
            ISO_4217_CODES
                .iter()
                .all(|code| Currency::parse(code).is_some())
        );
    }

    #[test]
    fn currency_parse_iso_accepts_listed() {
        for code in ["RUB", "usd", "EUR", "KZT", "BYN", "CNY", "JPY"] {
            assert!(Currency::parse_iso(code).is_some(), "{code}");
        }
    }

    #[test]
    fn currency_parse_iso_rejects_unlisted() {
        for code in ["ABC", "RUR", "XXX", "XTS", "XAU", "BTC", "ZZZ"] {
            assert_eq!(Currency::parse_iso(code), None, "{code}");
        }
    }

    #[test]
    fn currency_exponent_known_cases() {
        assert_eq!(Currency::parse("JPY").unwrap().minor_unit_exponent(), 0);
        assert_eq!(Currency::parse("KWD").unwrap().minor_unit_exponent(), 3);
        assert_eq!(Currency::RUB.minor_unit_exponent(), 2);
    }

    #[test]
    fn to_kopecks_keeps_roubles() {
        let at = Utc.with_ymd_and_hms(2026, 3, 1, 10, 0, 0).unwrap();
        assert_eq!(
            to_kopecks(1999000, Currency::RUB, at, &RateTable::default()),
            Converted::Kopecks(1999000)
        );
    }

    #[test]
    fn to_kopecks_converts_dollars() {
        let at = Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0).unwrap();
        // 10.00 USD × 92.5058 = 925.058 RUB → 925.06.
        assert_eq!(
            to_kopecks(1000, usd(), at, &table()),
            Converted::Kopecks(92506)
        );
    }

    #[test]
    fn to_kopecks_uses_nominal_and_exponent() {
        let at = Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0).unwrap();
        let yen = Currency::parse("JPY").unwrap();
        // 1,000 JPY × 61.2345 / 100 = 612.345 RUB → 612.35 (half away from zero).
        assert_eq!(
            to_kopecks(1000, yen, at, &table()),
            Converted::Kopecks(61235)
        );
    }

    #[test]
    fn to_kopecks_uses_moscow_date() {
        // 22:30 UTC on 28 February is 01:30 on 1 March in Moscow, when the rate is in force.
        let at = Utc.with_ymd_and_hms(2026, 2, 28, 22, 30, 0).unwrap();
        assert_eq!(
            to_kopecks(100, usd(), at, &table()),
            Converted::Kopecks(9251)
        );
    }

    #[test]
    fn to_kopecks_without_rate_is_flagged() {
        let at = Utc.with_ymd_and_hms(2026, 2, 28, 20, 0, 0).unwrap();
        assert_eq!(to_kopecks(100, usd(), at, &table()), Converted::NoRate);
    }

    #[test]
    fn rate_table_expires_stale_rates() {
        let late = date(2026, 3, 1) + chrono::Days::new(16);
        assert_eq!(table().rate(usd(), late), None);
    }

    #[test]
    fn rate_table_carries_rate_over_gap() {
        let within = date(2026, 3, 1) + chrono::Days::new(15);
        assert!(table().rate(usd(), within).is_some());
    }

    #[test]
    fn rate_lookup_accepts_closure() {
        let lookup = |_: Currency, _: NaiveDate| {
            Some(Rate {
                nominal: 1,
                value_ten_thousandths: 10_0000,
            })
        };
        let at = Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0).unwrap();
        assert_eq!(
            to_kopecks(-150, usd(), at, &lookup),
            Converted::Kopecks(-1500)
        );
    }
}
