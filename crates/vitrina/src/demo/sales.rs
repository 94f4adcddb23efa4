//! Demo commercial data: two tariff plans, signed contracts of the portal's demo company and
//! of another client, deals at several stages of the pipeline and one claim. They fill the
//! deal board, the claims, the sales report and the client portal.

use anyhow::Context as _;
use chrono::{DateTime, NaiveDate, Utc};
use domain::crm::{
    ClaimDirection, Conclusion, ContractStatus, DealStage, Limits, LostReason, PlanVat, TariffPlan,
};
use domain::money::Money;
use domain::sla::SlaPolicy;
use domain::vat::VatCategory;
use store::Db;
use store::crm::clients::{self, ClientListQuery};
use store::crm::contracts::{self, NewContract};
use store::crm::deals::{self, NewDeal, StageRequest};
use store::crm::{claims, tariffs};
use store::identity::{Author, User};

use super::portal;

/// The login of the demo sales manager, who owns the demo deals.
const OWNER: &str = "sales";

fn date(year: i32, month: u32, day: u32) -> anyhow::Result<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day).context("invalid demo date")
}

/// Creates an active contract of `client_id` on the plan, signed on 28 January 2026 and in
/// force from 1 February to 31 December 2026.
async fn signed_contract(
    db: &Db,
    client_id: i64,
    plan_id: i64,
    author: &Author,
    now: DateTime<Utc>,
) -> anyhow::Result<contracts::Contract> {
    let contract = contracts::create(
        db,
        &NewContract {
            series: "ДУ".into(),
            client_id,
            plan_id,
            starts_on: date(2026, 2, 1)?,
            ends_on: Some(date(2026, 12, 31)?),
            auto_prolongation: true,
            monthly_price: None,
            third_party_stops_clock: false,
            signatory: None,
        },
        author,
        now,
    )
    .await
    .context("cannot create a demo contract")?;
    let signed = Conclusion::Signed {
        signed_on: date(2026, 1, 28)?,
    };
    contracts::transition(
        db,
        contract.id,
        contract.version,
        ContractStatus::Active,
        Some(&signed),
        author,
        now,
    )
    .await
    .context("cannot sign a demo contract")
}

fn plan(code: &str, name: &str, roubles: i64, products: Option<u64>) -> anyhow::Result<TariffPlan> {
    Ok(TariffPlan {
        code: code.into(),
        version: 1,
        name: name.into(),
        monthly_price: Money::from_kopecks(roubles * 100),
        limits: Limits {
            products,
            ..Limits::default()
        },
        sla: SlaPolicy::internal_default(),
        valid_from: date(2026, 1, 1)?,
        valid_to: None,
    })
}

/// Creates the demo plans, contract, deals and claim.
pub async fn load(db: &Db, staff: &[User], now: DateTime<Utc>) -> anyhow::Result<()> {
    let owner = staff
        .iter()
        .find(|user| user.login == OWNER)
        .context("the demo sales manager is missing")?;
    let author = Author::person(owner.id, &owner.login);
    let vat = PlanVat {
        category: Some(VatCategory::Standard),
        exemption: None,
        included: true,
    };
    let start = tariffs::create(
        db,
        &plan("start", "Старт", 1990, Some(500))?,
        &vat,
        &author,
        now,
    )
    .await
    .context("cannot create the demo plan start")?;
    let business = tariffs::create(
        db,
        &plan("biznes", "Бизнес", 4990, Some(5000))?,
        &vat,
        &author,
        now,
    )
    .await
    .context("cannot create the demo plan biznes")?;

    let query = ClientListQuery {
        limit: 10,
        ..ClientListQuery::default()
    };
    let (found, _) = clients::list(db, &query).await?;
    let client_ids: Vec<i64> = found.iter().map(|client| client.id).collect();
    let [_, second, third, ..] = client_ids[..] else {
        anyhow::bail!("the demo needs at least three clients");
    };
    let first = portal::company_id(db, portal::COMPANY)
        .await?
        .with_context(|| format!("the demo client {} is missing", portal::COMPANY))?;
    let other = portal::company_id(db, portal::OTHER_COMPANY)
        .await?
        .with_context(|| format!("the demo client {} is missing", portal::OTHER_COMPANY))?;

    let contract = signed_contract(db, first, start.id, &author, now).await?;
    signed_contract(db, other, business.id, &author, now).await?;

    let production = claims::production_calendar(db).await?;
    claims::create(
        db,
        &claims::NewClaim {
            direction: ClaimDirection::Incoming,
            contract_id: contract.id,
            subject: "Простой магазина 3 часа 14 ноября, просим вернуть плату за день".into(),
            claimed: Money::from_kopecks(6_633),
            sent_on: date(2026, 11, 16)?,
            received_on: Some(date(2026, 11, 18)?),
            term: None,
            ticket_ids: Vec::new(),
        },
        &production,
        &author,
        now,
    )
    .await
    .context("cannot create the demo claim")?;

    let demo_deals = [
        (
            "Интернет-магазин цветов",
            second,
            Some(business.id),
            5_988_000,
            &[][..],
        ),
        (
            "Переход на тариф «Бизнес»",
            first,
            Some(business.id),
            3_600_000,
            &[DealStage::Qualified][..],
        ),
        (
            "Магазин стройматериалов",
            third,
            Some(start.id),
            2_388_000,
            &[DealStage::Qualified, DealStage::Proposal][..],
        ),
        (
            "Второй магазин клиента",
            second,
            Some(start.id),
            2_388_000,
            &[
                DealStage::Qualified,
                DealStage::Proposal,
                DealStage::Negotiation,
            ][..],
        ),
        (
            "Маркетплейс одежды",
            third,
            None,
            12_000_000,
            &[DealStage::Qualified, DealStage::Lost][..],
        ),
    ];
    for (title, client_id, plan_id, kopecks, stages) in demo_deals {
        let mut deal = deals::create(
            db,
            &NewDeal {
                title: title.into(),
                client_id,
                owner_id: owner.id,
                plan_id,
                amount: Money::from_kopecks(kopecks),
                expected_close_on: Some(date(2026, 12, 25)?),
            },
            &author,
            now,
        )
        .await
        .with_context(|| format!("cannot create the demo deal {title}"))?;
        for stage in stages {
            let request = StageRequest {
                to: *stage,
                lost_reason: (*stage == DealStage::Lost).then_some(LostReason::Price),
                lost_comment: None,
                contract_series: "ДУ".into(),
                contract_starts_on: date(2026, 12, 1)?,
            };
            deal = deals::change_stage(db, deal.id, deal.version, &request, &author, now)
                .await
                .with_context(|| format!("cannot move the demo deal {title}"))?;
        }
    }
    Ok(())
}
