//! VAT (НДС): rates as dated data, VAT included in or added to an amount, and "без НДС"
//! with its legal basis.
//!
//! The rate in force follows the shipment (act) date. An advance is taxed at the rate in
//! force when it is paid, in the included form (20/120), so an advance paid in 2025 for
//! services of 2026 carries 20/120 and the act carries 22 %.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use strum::{AsRefStr, Display, EnumString, IntoStaticStr, VariantArray};

use crate::Invalid;
use crate::money::Money;

/// The kind of rate a price is taxed at; the percentage comes from the dated rate table.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    Display,
    EnumString,
    AsRefStr,
    IntoStaticStr,
    VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum VatCategory {
    /// The general rate (Tax Code art. 164 p. 3).
    Standard,
    /// The reduced rate for listed goods (art. 164 p. 2).
    Reduced,
    /// Exports and the like (art. 164 p. 1).
    Zero,
    /// The 5 % rate a simplified-tax (УСН) payer above the VAT threshold may choose.
    Simplified5,
    /// The 7 % rate a simplified-tax (УСН) payer above the VAT threshold may choose.
    Simplified7,
}

/// A VAT rate in whole percent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct VatRate(u32);

impl VatRate {
    /// Creates a rate of `percent` %.
    pub const fn new(percent: u32) -> Self {
        Self(percent)
    }

    /// The rate in percent.
    pub const fn percent(self) -> u32 {
        self.0
    }

    /// The included-rate form (расчётная ставка) as printed: `22/122`.
    pub fn included_form(self) -> String {
        format!("{}/{}", self.0, 100 + self.0)
    }

    /// VAT contained in a gross amount: gross × r / (100 + r), rounded half-up to the kopeck.
    pub fn included_in(self, gross: Money) -> Money {
        // The ratio is below 1, so the product cannot overflow and `mul_ratio` returns `Some`.
        let rate = i64::from(self.0);
        gross.mul_ratio(rate, 100 + rate).unwrap_or(Money::ZERO)
    }

    /// VAT charged on top of a net amount: net × r / 100, rounded half-up to the kopeck.
    /// Gives zero only if the result overflows `i64`, which needs a rate far above 100 %.
    pub fn added_to(self, net: Money) -> Money {
        net.mul_ratio(i64::from(self.0), 100).unwrap_or(Money::ZERO)
    }
}

/// One row of the rate table: a category's percentage and the dates it applies to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VatRateEntry {
    pub category: VatCategory,
    pub rate: VatRate,
    /// First day the rate applies; `None` for since always.
    pub valid_from: Option<NaiveDate>,
    /// Last day the rate applies; `None` while in force.
    pub valid_to: Option<NaiveDate>,
}

impl VatRateEntry {
    fn applies_on(&self, category: VatCategory, date: NaiveDate) -> bool {
        self.category == category
            && self.valid_from.is_none_or(|from| from <= date)
            && self.valid_to.is_none_or(|to| date <= to)
    }
}

/// Builds the Russian rate table to seed the database with: 18 % until 2018-12-31, 20 % until
/// 2025-12-31 and 22 % from 2026-01-01 (Federal law 425-ФЗ of 28.11.2025); 10 % and 0 %;
/// 5 % and 7 % for simplified-tax payers from 2025-01-01.
pub fn russian_rates() -> Vec<VatRateEntry> {
    let date = NaiveDate::from_ymd_opt;
    let entry = |category, percent, valid_from, valid_to| VatRateEntry {
        category,
        rate: VatRate::new(percent),
        valid_from,
        valid_to,
    };
    vec![
        entry(VatCategory::Standard, 18, None, date(2018, 12, 31)),
        entry(
            VatCategory::Standard,
            20,
            date(2019, 1, 1),
            date(2025, 12, 31),
        ),
        entry(VatCategory::Standard, 22, date(2026, 1, 1), None),
        entry(VatCategory::Reduced, 10, None, None),
        entry(VatCategory::Zero, 0, None, None),
        entry(VatCategory::Simplified5, 5, date(2025, 1, 1), None),
        entry(VatCategory::Simplified7, 7, date(2025, 1, 1), None),
    ]
}

/// Finds the rate of `category` in force on `date`, the act date for a shipment.
pub fn rate_on(
    table: &[VatRateEntry],
    category: VatCategory,
    date: NaiveDate,
) -> Result<VatRate, Invalid> {
    table
        .iter()
        .find(|entry| entry.applies_on(category, date))
        .map(|entry| entry.rate)
        .ok_or_else(|| {
            Invalid::new("vat_category", "vat-no-rate")
                .arg("category", category)
                .arg("date", date)
        })
}

/// Returns the rate and the VAT contained in an advance of `amount` paid on `paid_on`: the
/// rate in force on the payment date, in its included form.
pub fn advance_vat(
    table: &[VatRateEntry],
    category: VatCategory,
    paid_on: NaiveDate,
    amount: Money,
) -> Result<(VatRate, Money), Invalid> {
    let rate = rate_on(table, category, paid_on)?;
    Ok((rate, rate.included_in(amount)))
}

/// The legal basis of a sale without VAT, printed as «Без НДС» with it, unlike a 0 % rate.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "basis")]
pub enum VatExemption {
    /// A simplified-tax (УСН) payer under the VAT threshold, exempt by Tax Code art. 145.
    SimplifiedTax,
    /// Exemption of a small taxpayer by Tax Code art. 145 on other tax systems.
    Article145,
    /// A transaction exempt by Tax Code art. 149; `clause` is the sub-clause as printed.
    Article149 { clause: String },
    /// Another basis, printed as given.
    Other { text: String },
}

/// The taxation of a price line.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Vat {
    /// Taxed at a rate, 0 % included.
    Rate { rate: VatRate },
    /// Not taxed («Без НДС»), with the basis.
    Exempt { exemption: VatExemption },
}

/// Whether a price already contains VAT or VAT is charged on top of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PriceMode {
    VatIncluded,
    VatOnTop,
}

/// An amount split into net, VAT and gross, where net + VAT = gross to the kopeck.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct VatBreakdown {
    pub net: Money,
    /// `None` for an exempt sale, which prints «Без НДС» instead of a zero.
    pub vat: Option<Money>,
    pub gross: Money,
}

/// Splits a price of `amount` taxed as `vat` into net, VAT and gross.
pub fn breakdown(amount: Money, vat: &Vat, mode: PriceMode) -> VatBreakdown {
    let rate = match vat {
        Vat::Exempt { .. } => {
            return VatBreakdown {
                net: amount,
                vat: None,
                gross: amount,
            };
        }
        Vat::Rate { rate } => *rate,
    };

    match mode {
        PriceMode::VatIncluded => {
            let tax = rate.included_in(amount);
            VatBreakdown {
                net: amount - tax,
                vat: Some(tax),
                gross: amount,
            }
        }
        PriceMode::VatOnTop => {
            let tax = rate.added_to(amount);
            VatBreakdown {
                net: amount,
                vat: Some(tax),
                gross: amount + tax,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(value: &str) -> NaiveDate {
        value.parse().unwrap()
    }

    fn rub(kopecks: i64) -> Money {
        Money::from_kopecks(kopecks)
    }

    fn standard_on(value: &str) -> u32 {
        rate_on(&russian_rates(), VatCategory::Standard, date(value))
            .unwrap()
            .percent()
    }

    #[test]
    fn standard_rate_is_20_until_2025_end() {
        assert_eq!(standard_on("2025-12-31"), 20);
    }

    #[test]
    fn standard_rate_is_22_from_2026() {
        assert_eq!(standard_on("2026-01-01"), 22);
    }

    #[test]
    fn standard_rate_was_18_in_2018() {
        assert_eq!(standard_on("2018-12-31"), 18);
    }

    #[test]
    fn reduced_and_zero_rates_stay() {
        let table = russian_rates();
        let on = date("2026-06-01");
        assert_eq!(
            rate_on(&table, VatCategory::Reduced, on).unwrap().percent(),
            10
        );
        assert_eq!(rate_on(&table, VatCategory::Zero, on).unwrap().percent(), 0);
    }

    #[test]
    fn simplified_rates_start_in_2025() {
        let table = russian_rates();
        let error = rate_on(&table, VatCategory::Simplified5, date("2024-12-31")).unwrap_err();
        assert_eq!(error.key, "vat-no-rate");
        let seven = rate_on(&table, VatCategory::Simplified7, date("2025-01-01")).unwrap();
        assert_eq!(seven.percent(), 7);
    }

    #[test]
    fn included_forms_print_as_fractions() {
        let forms: Vec<String> = [22, 20, 10, 5, 7]
            .map(|p| VatRate::new(p).included_form())
            .to_vec();
        assert_eq!(forms, ["22/122", "20/120", "10/110", "5/105", "7/107"]);
    }

    #[test]
    fn included_vat_at_20_of_hundred() {
        assert_eq!(VatRate::new(20).included_in(rub(10_000)), rub(1667));
    }

    #[test]
    fn included_vat_at_22_of_hundred() {
        assert_eq!(VatRate::new(22).included_in(rub(10_000)), rub(1803));
    }

    #[test]
    fn included_vat_at_22_of_one_ruble() {
        assert_eq!(VatRate::new(22).included_in(rub(100)), rub(18));
    }

    #[test]
    fn added_vat_at_22() {
        assert_eq!(VatRate::new(22).added_to(rub(10_000)), rub(2200));
    }

    #[test]
    fn advance_in_2025_taxed_20_of_120() {
        let (rate, tax) = advance_vat(
            &russian_rates(),
            VatCategory::Standard,
            date("2025-12-15"),
            rub(12_000),
        )
        .unwrap();
        assert_eq!(rate.included_form(), "20/120");
        assert_eq!(tax, rub(2000));
    }

    #[test]
    fn act_in_2026_taxed_22() {
        assert_eq!(standard_on("2026-01-20"), 22);
    }

    #[test]
    fn breakdown_included_sums_to_gross() {
        let vat = Vat::Rate {
            rate: VatRate::new(22),
        };
        let split = breakdown(rub(10_000), &vat, PriceMode::VatIncluded);
        assert_eq!(split.vat, Some(rub(1803)));
        assert_eq!(split.net + rub(1803), split.gross);
    }

    #[test]
    fn breakdown_on_top_adds_vat() {
        let vat = Vat::Rate {
            rate: VatRate::new(20),
        };
        let split = breakdown(rub(10_000), &vat, PriceMode::VatOnTop);
        assert_eq!(split.gross, rub(12_000));
    }

    #[test]
    fn exempt_differs_from_zero_rate() {
        let exempt = Vat::Exempt {
            exemption: VatExemption::SimplifiedTax,
        };
        let zero = Vat::Rate {
            rate: VatRate::new(0),
        };
        assert_eq!(
            breakdown(rub(500), &exempt, PriceMode::VatIncluded).vat,
            None
        );
        assert_eq!(
            breakdown(rub(500), &zero, PriceMode::VatIncluded).vat,
            Some(Money::ZERO)
        );
    }
}
