//! Print views of a contract and of an amendment: A4 pages without navigation that follow
//! Russian document conventions («…» dates, "в лице …, действующего на основании …", the
//! client's requisites in force on the document's date).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::{Datelike, NaiveDate};
use domain::crm::Conclusion;
use domain::money::Money;
use store::crm::amendments;
use store::crm::clients::{self, RequisitesPeriod};
use store::crm::contracts::Contract;

use crate::api::contracts::{TermsJson, readable_contract, terms_json};
use crate::api::tickets::path_id;
use crate::context::{Auth, Context};
use crate::error::{AppError, AppResult};
use crate::i18n::{Arg, Lang};
use crate::pages::{Page, render};
use crate::state::AppState;

/// Month names in the genitive case, as Russian dates print them: «1» января 2026 г.
const MONTHS_GENITIVE: [&str; 12] = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
];

/// Formats a document date: «28» января 2026 г. in Russian, 28 January 2026 in English.
pub fn document_date(lang: Lang, date: NaiveDate) -> String {
    match lang {
        Lang::Ru => {
            let month = MONTHS_GENITIVE[date.month0() as usize];
            format!("«{:02}» {month} {} г.", date.day(), date.year())
        }
        Lang::En => date.format("%-d %B %Y").to_string(),
    }
}

/// The parties' paragraph and the client's requisites.
struct Parties {
    /// The client's name with "в лице …, действующего на основании …" when a signatory is
    /// recorded.
    client: String,
    requisites: Vec<(String, String)>,
}

async fn parties(
    state: &AppState,
    page: &Page,
    contract: &Contract,
    date: NaiveDate,
) -> AppResult<Parties> {
    let client = match &contract.signatory {
        Some(signatory) => page.i18n.format(
            page.lang,
            "print-client-represented",
            &[
                ("name", Arg::Text(contract.client_name.clone())),
                ("position", Arg::Text(signatory.position.clone())),
                ("person", Arg::Text(signatory.full_name.clone())),
                ("authority", Arg::Text(signatory.authority.clone())),
            ],
        ),
        None => page.t1("print-client", "name", &contract.client_name),
    };
    let period = clients::requisites_on(&state.db, contract.client_id, date).await?;
    Ok(Parties {
        client,
        requisites: period.map(|p| requisites(page, &p)).unwrap_or_default(),
    })
}

fn requisites(page: &Page, period: &RequisitesPeriod) -> Vec<(String, String)> {
    [
        ("inn", &period.inn),
        ("kpp", &period.kpp),
        ("ogrn", &period.ogrn),
        ("bik", &period.bik),
        ("settlement_account", &period.settlement_account),
        ("correspondent_account", &period.correspondent_account),
    ]
    .into_iter()
    .filter_map(|(name, value)| Some((page.label("print-requisite", name), value.clone()?)))
    .collect()
}

#[derive(Template)]
#[template(path = "contracts/print.html")]
struct ContractPrint {
    page: Page,
    id: i64,
    number: String,
    place_and_date: String,
    conclusion: String,
    parties: Parties,
    terms: PrintTerms,
}

/// The terms as the printed contract lists them.
struct PrintTerms {
    plan: String,
    price: String,
    limits: Vec<(String, String)>,
    sla: Vec<(String, String, String)>,
    term: String,
}

/// Words the monthly price with its VAT as the contract prints it.
fn price_text(page: &Page, terms: &TermsJson) -> String {
    let price = Money::from_kopecks(terms.monthly_price_kopecks).to_string();
    match (terms.vat.rate_percent, terms.vat.amount_kopecks) {
        (Some(rate), Some(amount)) => page.i18n.format(
            page.lang,
            if terms.vat.included {
                "print-price-vat-included"
            } else {
                "print-price-vat-on-top"
            },
            &[
                ("price", Arg::Text(price)),
                ("rate", Arg::from(i64::from(rate))),
                ("amount", Arg::Text(Money::from_kopecks(amount).to_string())),
            ],
        ),
        _ => page.i18n.format(
            page.lang,
            "print-price-vat-exempt",
            &[
                ("price", Arg::Text(price)),
                (
                    "basis",
                    Arg::Text(terms.vat.exemption.clone().unwrap_or_default()),
                ),
            ],
        ),
    }
}

fn print_terms(page: &Page, terms: &TermsJson) -> PrintTerms {
    let price = price_text(page, terms);
    let unlimited = || page.t("contract-unlimited");
    let limits = [
        ("products", terms.limits.products),
        ("orders_per_month", terms.limits.orders_per_month),
        ("staff_accounts", terms.limits.staff_accounts),
        ("storage_bytes", terms.limits.storage_bytes),
    ]
    .into_iter()
    .map(|(name, value)| {
        let text = value.map(|v| v.to_string()).unwrap_or_else(unlimited);
        (page.label("contract-limit", name), text)
    })
    .collect();
    let hours = |minutes: i64| crate::servicedesk::pages::sla_duration(page, minutes);
    let sla = [
        ("P1", &terms.sla.p1),
        ("P2", &terms.sla.p2),
        ("P3", &terms.sla.p3),
        ("P4", &terms.sla.p4),
    ]
    .into_iter()
    .map(|(priority, t)| {
        (
            priority.to_string(),
            hours(t.first_response_minutes),
            hours(t.resolution_minutes),
        )
    })
    .collect();
    let start = page.date(&terms.starts_on);
    let term = match terms.end_date {
        Some(end) => page.i18n.format(
            page.lang,
            if terms.auto_prolongation {
                "print-term-prolonged"
            } else {
                "print-term"
            },
            &[
                ("start", Arg::Text(start)),
                ("end", Arg::Text(page.date(&end))),
            ],
        ),
        None => page.t1("print-term-open", "start", start),
    };
    PrintTerms {
        plan: format!(
            "«{}» ({}, v{})",
            terms.plan.name.clone().unwrap_or_default(),
            terms.plan.code,
            terms.plan.version
        ),
        price,
        limits,
        sla,
        term,
    }
}

/// Returns the date a contract's document carries: its conclusion, or its start for a draft.
fn document_day(contract: &Contract) -> NaiveDate {
    contract
        .conclusion
        .as_ref()
        .map_or(contract.starts_on, Conclusion::concluded_on)
}

/// Shows the printable contract with its base terms.
pub async fn contract(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let contract = readable_contract(&state, &identity, path_id(&id)?).await?;
    let page = Page::new(&state, &context, "contract-title");
    let day = document_day(&contract);
    let terms = amendments::terms(&state.db, &contract, contract.starts_on).await?;
    let terms = terms_json(&state, &terms).await?;
    let conclusion = match &contract.conclusion {
        Some(Conclusion::Offer(acceptance)) => page.i18n.format(
            page.lang,
            "print-offer-accepted",
            &[
                (
                    "date",
                    Arg::Text(document_date(page.lang, acceptance.accepted_on)),
                ),
                ("version", Arg::Text(acceptance.offer_version.clone())),
            ],
        ),
        _ => String::new(),
    };
    render(&ContractPrint {
        id: contract.id,
        number: contract.number.to_string(),
        place_and_date: document_date(page.lang, day),
        conclusion,
        parties: parties(&state, &page, &contract, day).await?,
        terms: print_terms(&page, &terms),
        page,
    })
}

#[derive(Template)]
#[template(path = "contracts/print_amendment.html")]
struct AmendmentPrint {
    page: Page,
    contract_id: i64,
    number: String,
    /// «к договору № … от …».
    subtitle: String,
    place_and_date: String,
    effective_on: String,
    parties: Parties,
    changes: Vec<String>,
}

/// Lists an amendment's changes as the printed document words them.
fn change_lines(page: &Page, changes: &domain::crm::TermsChange) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(plan) = &changes.plan {
        lines.push(page.i18n.format(
            page.lang,
            "print-change-plan",
            &[
                ("code", Arg::Text(plan.code.clone())),
                ("version", Arg::from(i64::from(plan.version))),
            ],
        ));
    }
    if let Some(price) = changes.monthly_price {
        lines.push(page.t1("print-change-price", "price", price));
    }
    for (kind, value) in &changes.limits {
        let name = page.label("contract-limit", kind.as_ref());
        let value = value
            .map(|v| v.to_string())
            .unwrap_or_else(|| page.t("contract-unlimited"));
        lines.push(page.i18n.format(
            page.lang,
            "print-change-limit",
            &[("name", Arg::Text(name)), ("value", Arg::Text(value))],
        ));
    }
    if let Some(ends_on) = changes.ends_on {
        lines.push(match ends_on {
            Some(end) => page.t1("print-change-end", "date", page.date(&end)),
            None => page.t("print-change-open-ended"),
        });
    }
    if let Some(prolongation) = changes.auto_prolongation {
        lines.push(page.t(if prolongation {
            "print-change-prolongation-on"
        } else {
            "print-change-prolongation-off"
        }));
    }
    for (priority, targets) in changes.sla.changed() {
        lines.push(page.i18n.format(
            page.lang,
            "print-change-sla",
            &[
                ("priority", Arg::Text(priority.to_string())),
                ("calendar", Arg::Text(targets.calendar.clone())),
            ],
        ));
    }
    if let Some(rules) = changes.clock_rules {
        lines.push(page.t(if rules.third_party_stops_clock {
            "print-change-third-party-stops"
        } else {
            "print-change-third-party-runs"
        }));
    }
    lines
}

/// Shows the printable amendment.
pub async fn amendment(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Path((id, amendment_id)): Path<(String, String)>,
) -> AppResult<Response> {
    let contract = readable_contract(&state, &identity, path_id(&id)?).await?;
    let stored = amendments::get(&state.db, path_id(&amendment_id)?)
        .await?
        .filter(|a| a.contract_id == contract.id)
        .ok_or_else(AppError::not_found)?;
    let page = Page::new(&state, &context, "contract-title");
    let signed_on = stored.amendment.signed_on;
    render(&AmendmentPrint {
        contract_id: contract.id,
        number: stored.amendment.number.clone(),
        subtitle: page.i18n.format(
            page.lang,
            "print-amendment-subtitle",
            &[
                ("number", Arg::Text(contract.number.to_string())),
                (
                    "date",
                    Arg::Text(document_date(page.lang, document_day(&contract))),
                ),
            ],
        ),
        place_and_date: document_date(page.lang, signed_on),
        effective_on: page.date(&stored.amendment.effective_on),
        parties: parties(&state, &page, &contract, signed_on).await?,
        changes: change_lines(&page, &stored.amendment.changes),
        page,
    })
}
