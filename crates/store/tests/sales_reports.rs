//! Commercial report figures against a hand-computed fixture, on SQLite and PostgreSQL.
//!
//! Fixture, prices per month:
//! - client A: contract from 1 Feb to 31 Dec 2026 at 1 990 ₽, 2 990 ₽ from 1 April by an
//!   amendment, and a draft at 5 000 ₽ that never counts;
//! - client B: contract from 15 Jan to 31 Mar 2026 at 1 500 ₽, no prolongation;
//! - client C: open-ended contract from 1 Mar 2026 at 1 000 ₽, 800 ₽ from 1 May.
//!
//! On the first of each month: January 0; February A + B = 3 490 ₽ (all new); March
//! 4 490 ₽ (C new, 1 000 ₽); April 3 990 ₽ (A expands by 1 000 ₽, B churns 1 500 ₽); May
//! 3 790 ₽ (C contracts by 200 ₽).
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use domain::crm::{Conclusion, ContractStatus, Limits, PlanVat, TariffPlan, TermsChange};
use domain::money::Money;
use domain::sla::SlaPolicy;
use domain::vat::VatCategory;
use store::crm::amendments::{self, NewAmendment};
use store::crm::contracts::{self, NewContract};
use store::crm::reports;
use store::crm::tariffs;
use store::identity::Author;
use store::{Db, storage_test};

fn date(value: &str) -> NaiveDate {
    value.parse().unwrap()
}

fn rub(roubles: i64) -> Money {
    Money::from_kopecks(roubles * 100)
}

async fn client(db: &Db, name: &str) -> i64 {
    let now = domain::time::now();
    let mut tx = db.begin().await.unwrap();
    let id = tx
        .fetch_scalar(
            "INSERT INTO clients (name, name_folded, created_at, updated_at) \
             VALUES ($1, $2, $3, $3) RETURNING id",
            store::args![name, name.to_lowercase(), now],
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

async fn plan(db: &Db) -> i64 {
    let plan = TariffPlan {
        code: "start".into(),
        version: 1,
        name: "Старт".into(),
        monthly_price: rub(1990),
        limits: Limits::default(),
        sla: SlaPolicy::internal_default(),
        valid_from: date("2026-01-01"),
        valid_to: None,
    };
    let vat = PlanVat {
        category: Some(VatCategory::Standard),
        exemption: None,
        included: true,
    };
    tariffs::create(db, &plan, &vat, &Author::system(), domain::time::now())
        .await
        .unwrap()
        .id
}

/// Creates a contract and, unless `draft`, signs it; returns its id.
async fn contract(
    db: &Db,
    client_id: i64,
    plan_id: i64,
    period: (&str, Option<&str>),
    price: Money,
    draft: bool,
) -> i64 {
    let new = NewContract {
        series: "ДУ".into(),
        client_id,
        plan_id,
        starts_on: date(period.0),
        ends_on: period.1.map(date),
        auto_prolongation: false,
        monthly_price: Some(price),
        third_party_stops_clock: false,
        signatory: None,
    };
    let now = domain::time::now();
    let created = contracts::create(db, &new, &Author::system(), now)
        .await
        .unwrap();
    if !draft {
        let signed = Conclusion::Signed {
            signed_on: date("2026-01-10"),
        };
        contracts::transition(
            db,
            created.id,
            created.version,
            ContractStatus::Active,
            Some(&signed),
            &Author::system(),
            now,
        )
        .await
        .unwrap();
    }
    created.id
}

async fn reprice(db: &Db, contract_id: i64, effective_on: &str, price: Money) {
    let new = NewAmendment {
        number: None,
        signed_on: Some(date("2026-01-20")),
        effective_on: Some(date(effective_on)),
        changes: TermsChange {
            monthly_price: Some(price),
            ..TermsChange::default()
        },
        plan_id: None,
    };
    amendments::add(
        db,
        contract_id,
        &new,
        &Author::system(),
        domain::time::now(),
    )
    .await
    .unwrap();
}

async fn fixture(db: &Db) {
    let plan_id = plan(db).await;
    let a = client(db, "Клиент А").await;
    let b = client(db, "Клиент Б").await;
    let c = client(db, "Клиент В").await;

    let a1 = contract(
        db,
        a,
        plan_id,
        ("2026-02-01", Some("2026-12-31")),
        rub(1990),
        false,
    )
    .await;
    reprice(db, a1, "2026-04-01", rub(2990)).await;
    contract(db, a, plan_id, ("2026-01-01", None), rub(5000), true).await;
    contract(
        db,
        b,
        plan_id,
        ("2026-01-15", Some("2026-03-31")),
        rub(1500),
        false,
    )
    .await;
    let c1 = contract(db, c, plan_id, ("2026-03-01", None), rub(1000), false).await;
    reprice(db, c1, "2026-05-01", rub(800)).await;
}

storage_test!(mrr_matches_hand_computed, async |db: Db| {
    fixture(&db).await;
    let months = domain::crm::mrr::month_starts(date("2026-02-01"), 4);

    let rows = reports::mrr(&db, &months).await.unwrap();

    let mrr: Vec<Money> = rows.iter().map(|r| r.mrr).collect();
    assert_eq!(mrr, [rub(3490), rub(4490), rub(3990), rub(3790)]);
    let new: Vec<Money> = rows.iter().map(|r| r.new).collect();
    assert_eq!(new, [rub(3490), rub(1000), Money::ZERO, Money::ZERO]);
    let expansion: Vec<Money> = rows.iter().map(|r| r.expansion).collect();
    assert_eq!(
        expansion,
        [Money::ZERO, Money::ZERO, rub(1000), Money::ZERO]
    );
    let contraction: Vec<Money> = rows.iter().map(|r| r.contraction).collect();
    assert_eq!(
        contraction,
        [Money::ZERO, Money::ZERO, Money::ZERO, rub(200)]
    );
    let churn: Vec<Money> = rows.iter().map(|r| r.churn).collect();
    assert_eq!(churn, [Money::ZERO, Money::ZERO, rub(1500), Money::ZERO]);
});

storage_test!(ending_contracts_by_window, async |db: Db| {
    fixture(&db).await;

    let march = reports::ending(&db, date("2026-03-10"), 30).await.unwrap();
    assert_eq!(march.len(), 1);
    assert_eq!(march[0].client_name, "Клиент Б");
    assert_eq!(march[0].days_left, 21);

    let november_30 = reports::ending(&db, date("2026-11-15"), 30).await.unwrap();
    assert!(november_30.is_empty(), "{november_30:?}");
    let november_60 = reports::ending(&db, date("2026-11-15"), 60).await.unwrap();
    assert_eq!(november_60.len(), 1);
    assert_eq!(november_60[0].client_name, "Клиент А");
    assert_eq!(november_60[0].ends_on, date("2026-12-31"));
    assert_eq!(november_60[0].days_left, 46);
});
