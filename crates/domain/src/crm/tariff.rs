//! Tariff plans and their limits. A plan that a contract uses is never edited: a change
//! makes a new version, so every contract keeps the terms it was signed on.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use strum::{AsRefStr, Display, EnumString, IntoStaticStr, VariantArray};

use crate::Invalid;
use crate::money::Money;
use crate::sla::SlaPolicy;
use crate::vat::{VatCategory, VatRate, VatRateEntry, rate_on};

/// Maximum plan name length in characters.
pub const PLAN_NAME_MAX_CHARS: usize = 200;

/// A limit of a plan.
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
pub enum LimitKind {
    Products,
    OrdersPerMonth,
    StaffAccounts,
    StorageBytes,
}

/// The limits of a plan; `None` is unlimited.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Limits {
    pub products: Option<u64>,
    pub orders_per_month: Option<u64>,
    pub staff_accounts: Option<u64>,
    pub storage_bytes: Option<u64>,
}

impl Limits {
    /// Returns the limit of `kind`, where `None` is unlimited.
    pub fn get(&self, kind: LimitKind) -> Option<u64> {
        match kind {
            LimitKind::Products => self.products,
            LimitKind::OrdersPerMonth => self.orders_per_month,
            LimitKind::StaffAccounts => self.staff_accounts,
            LimitKind::StorageBytes => self.storage_bytes,
        }
    }

    /// Sets the limit of `kind`; `None` makes it unlimited.
    pub fn set(&mut self, kind: LimitKind, value: Option<u64>) {
        let slot = match kind {
            LimitKind::Products => &mut self.products,
            LimitKind::OrdersPerMonth => &mut self.orders_per_month,
            LimitKind::StaffAccounts => &mut self.staff_accounts,
            LimitKind::StorageBytes => &mut self.storage_bytes,
        };
        *slot = value;
    }

    /// Checks that `used` units of `kind` plus `adding` more stay within the limit, or
    /// returns the error a shop shows when the plan's limit is reached.
    pub fn check_room(&self, kind: LimitKind, used: u64, adding: u64) -> Result<(), Invalid> {
        let Some(limit) = self.get(kind) else {
            return Ok(());
        };
        if used.saturating_add(adding) > limit {
            return Err(Invalid::new(kind.as_ref(), "crm-limit-reached")
                .arg("kind", kind)
                .arg("limit", limit)
                .arg("used", used));
        }
        Ok(())
    }
}

/// A plan version as contracts refer to it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PlanRef {
    pub code: String,
    pub version: u32,
}

/// One version of a tariff plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TariffPlan {
    /// Stable code shared by all versions: `a-z`, `0-9` and `-`, 2 to 32 characters.
    pub code: String,
    /// 1 for the first version.
    pub version: u32,
    pub name: String,
    pub monthly_price: Money,
    pub limits: Limits,
    pub sla: SlaPolicy,
    pub valid_from: NaiveDate,
    /// Last day this version may be chosen; `None` while current.
    pub valid_to: Option<NaiveDate>,
}

impl TariffPlan {
    /// This version as contracts refer to it.
    pub fn reference(&self) -> PlanRef {
        PlanRef {
            code: self.code.clone(),
            version: self.version,
        }
    }

    /// Checks the code, the name, a non-negative price and the validity dates, returning
    /// every error at once.
    pub fn check(&self) -> Result<(), Vec<Invalid>> {
        let mut errors = Vec::new();
        let code_chars = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
        let code_ok = (2..=32).contains(&self.code.len())
            && self.code.chars().all(code_chars)
            && !self.code.starts_with('-');
        if !code_ok {
            errors.push(Invalid::new("code", "crm-plan-code").arg("value", &self.code));
        }

        let name = self.name.trim();
        if name.is_empty() {
            errors.push(Invalid::missing("name"));
        } else if name.chars().count() > PLAN_NAME_MAX_CHARS {
            errors.push(Invalid::new("name", "error-too-long").arg("max", PLAN_NAME_MAX_CHARS));
        }

        if self.monthly_price < Money::ZERO {
            errors.push(
                Invalid::new("monthly_price", "crm-price-negative")
                    .arg("value", self.monthly_price),
            );
        }
        if self.valid_to.is_some_and(|to| to < self.valid_from) {
            errors.push(
                Invalid::new("valid_to", "crm-end-before-start")
                    .arg("start", self.valid_from)
                    .arg("end", self.valid_to.unwrap_or(self.valid_from)),
            );
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// The result of saving an edited plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanRevision {
    /// The version to store: the edited plan under its old version when no contract uses
    /// it, else a new version.
    pub saved: TariffPlan,
    /// The previous version, closed the day before the new one starts; `None` when the
    /// plan was edited in place.
    pub closed: Option<TariffPlan>,
}

/// Applies an edit of `current` to give `edited`. A plan that contracts use is never
/// edited in place: a new version starts on `effective_on`, which must be after the old
/// version's start, and the old one closes the day before.
pub fn revise_plan(
    current: &TariffPlan,
    edited: TariffPlan,
    in_use: bool,
    effective_on: NaiveDate,
) -> Result<PlanRevision, Invalid> {
    if edited.code != current.code {
        return Err(Invalid::new("code", "crm-plan-code-changed")
            .arg("value", &edited.code)
            .arg("code", &current.code));
    }
    if !in_use {
        let saved = TariffPlan {
            version: current.version,
            ..edited
        };
        return Ok(PlanRevision {
            saved,
            closed: None,
        });
    }
    if effective_on <= current.valid_from {
        return Err(Invalid::new("valid_from", "crm-plan-version-date")
            .arg("value", effective_on)
            .arg("start", current.valid_from));
    }

    let previous = TariffPlan {
        valid_to: Some(effective_on - Duration::days(1)),
        ..current.clone()
    };
    let current = TariffPlan {
        version: current.version + 1,
        valid_from: effective_on,
        ..edited
    };
    Ok(PlanRevision {
        saved: current,
        closed: Some(previous),
    })
}

/// The taxation of a plan's price: a VAT category whose rate follows the date, or «Без НДС»
/// with its basis, and whether the price already contains the VAT.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PlanVat {
    /// `None` for a price without VAT.
    pub category: Option<VatCategory>,
    /// The legal basis of a price without VAT, as printed; `None` when taxed.
    pub exemption: Option<String>,
    pub included: bool,
}

/// The VAT of a monthly price on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct VatOnDate {
    /// `None` for a price without VAT.
    pub rate: Option<VatRate>,
    /// The VAT in the price (included) or on top of it; `None` without VAT.
    pub amount: Option<Money>,
}

impl PlanVat {
    /// Checks that a price without VAT names its basis and a taxed one does not.
    pub fn check(&self) -> Result<(), Invalid> {
        let basis = self.exemption.as_deref().map(str::trim).unwrap_or("");
        match (self.category, basis.is_empty()) {
            (None, true) => Err(Invalid::missing("vat_exemption")),
            (Some(_), false) => Err(Invalid::new("vat_exemption", "crm-vat-exemption-taxed")),
            _ => Ok(()),
        }
    }

    /// Computes the rate and amount of VAT on `price` on `date`, the act date, from the rate
    /// `table`.
    pub fn on(
        &self,
        table: &[VatRateEntry],
        price: Money,
        date: NaiveDate,
    ) -> Result<VatOnDate, Invalid> {
        let Some(category) = self.category else {
            return Ok(VatOnDate {
                rate: None,
                amount: None,
            });
        };
        let rate = rate_on(table, category, date)?;
        let amount = if self.included {
            rate.included_in(price)
        } else {
            rate.added_to(price)
        };
        Ok(VatOnDate {
            rate: Some(rate),
            amount: Some(amount),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(value: &str) -> NaiveDate {
        value.parse().unwrap()
    }

    fn start_plan() -> TariffPlan {
        TariffPlan {
            code: "start".into(),
            version: 1,
            name: "Старт".into(),
            monthly_price: Money::from_kopecks(199_000),
            limits: Limits {
                products: Some(500),
                orders_per_month: Some(1000),
                staff_accounts: Some(3),
                storage_bytes: None,
            },
            sla: SlaPolicy::internal_default(),
            valid_from: date("2026-01-01"),
            valid_to: None,
        }
    }

    #[test]
    fn plan_in_use_gets_new_version() {
        let mut edited = start_plan();
        edited.monthly_price = Money::from_kopecks(249_000);
        let revision = revise_plan(&start_plan(), edited, true, date("2026-07-01")).unwrap();
        let current = revision.saved;
        let previous = revision.closed.unwrap();
        assert_eq!(previous.valid_to, Some(date("2026-06-30")));
        assert_eq!(previous.monthly_price, Money::from_kopecks(199_000));
        assert_eq!(current.version, 2);
        assert_eq!(current.valid_from, date("2026-07-01"));
        assert_eq!(current.monthly_price, Money::from_kopecks(249_000));
    }

    #[test]
    fn unused_plan_is_edited_in_place() {
        let mut edited = start_plan();
        edited.name = "Старт+".into();
        let revision = revise_plan(&start_plan(), edited, false, date("2026-07-01")).unwrap();
        assert_eq!(revision.saved.version, 1);
        assert_eq!(revision.saved.name, "Старт+");
        assert_eq!(revision.closed, None);
    }

    #[test]
    fn new_version_cannot_start_before_old_one() {
        let error = revise_plan(&start_plan(), start_plan(), true, date("2026-01-01"));
        assert_eq!(error.unwrap_err().key, "crm-plan-version-date");
    }

    #[test]
    fn plan_code_cannot_change() {
        let mut edited = start_plan();
        edited.code = "business".into();
        let error = revise_plan(&start_plan(), edited, false, date("2026-07-01"));
        assert_eq!(error.unwrap_err().key, "crm-plan-code-changed");
    }

    #[test]
    fn plan_check_accepts_valid_plan() {
        assert_eq!(start_plan().check(), Ok(()));
    }

    #[test]
    fn plan_check_rejects_bad_code_and_negative_price() {
        let mut plan = start_plan();
        plan.code = "Старт".into();
        plan.monthly_price = Money::from_kopecks(-1);
        let keys: Vec<&str> = plan.check().unwrap_err().iter().map(|e| e.key).collect();
        assert_eq!(keys, ["crm-plan-code", "crm-price-negative"]);
    }

    #[test]
    fn plan_check_rejects_end_before_start() {
        let mut plan = start_plan();
        plan.valid_to = Some(date("2025-12-31"));
        let errors = plan.check().unwrap_err();
        assert_eq!(errors[0].key, "crm-end-before-start");
    }

    #[test]
    fn limit_blocks_past_maximum() {
        let limits = start_plan().limits;
        let error = limits
            .check_room(LimitKind::StaffAccounts, 3, 1)
            .unwrap_err();
        assert_eq!(error.key, "crm-limit-reached");
        assert!(error.args.contains(&("limit", "3".to_string())));
    }

    #[test]
    fn limit_allows_up_to_maximum() {
        let limits = start_plan().limits;
        assert_eq!(limits.check_room(LimitKind::StaffAccounts, 2, 1), Ok(()));
    }

    #[test]
    fn unlimited_storage_never_blocks() {
        let limits = start_plan().limits;
        assert_eq!(
            limits.check_room(LimitKind::StorageBytes, u64::MAX, 1),
            Ok(())
        );
    }
    #[test]
    fn plan_vat_follows_act_date() {
        let vat = PlanVat {
            category: Some(VatCategory::Standard),
            exemption: None,
            included: true,
        };
        let table = crate::vat::russian_rates();
        let price = Money::from_kopecks(10_000);
        let old = vat.on(&table, price, date("2025-12-31")).unwrap();
        let new = vat.on(&table, price, date("2026-01-01")).unwrap();
        assert_eq!(old.amount, Some(Money::from_kopecks(1_667)));
        assert_eq!(new.rate, Some(VatRate::new(22)));
        assert_eq!(new.amount, Some(Money::from_kopecks(1_803)));
    }

    #[test]
    fn plan_vat_exempt_needs_basis() {
        let vat = PlanVat {
            category: None,
            exemption: Some(" ".into()),
            included: true,
        };
        assert_eq!(vat.check(), Err(Invalid::missing("vat_exemption")));
    }
}
