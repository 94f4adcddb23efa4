//! Tariff plans, contracts, amendments and terms on a date, on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::NaiveDate;
use common::{author, staff};
use domain::Error as DomainError;
use domain::crm::contract::AcceptanceMethod;
use domain::crm::{
    Conclusion, ContractStatus, LimitKind, Limits, OfferAcceptance, PlanVat, TariffPlan,
    TermsChange,
};
use domain::identity::Role;
use domain::money::Money;
use domain::sla::{SlaPolicy, SlaTarget};
use domain::vat::VatCategory;
use store::crm::amendments::{self, NewAmendment};
use store::crm::contracts::{self, Contract, NewContract};
use store::crm::tariffs;
use store::identity::Author;
use store::identity::audit::{self, Filter};
use store::{Db, Error, storage_test};

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

fn standard_vat() -> PlanVat {
    PlanVat {
        category: Some(VatCategory::Standard),
        exemption: None,
        included: true,
    }
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

async fn plan(db: &Db) -> tariffs::Plan {
    tariffs::create(
        db,
        &start_plan(),
        &standard_vat(),
        &Author::system(),
        domain::time::now(),
    )
    .await
    .unwrap()
}

async fn signed_contract(db: &Db, client_id: i64, plan_id: i64) -> Contract {
    let new = NewContract {
        series: "ДУ".into(),
        client_id,
        plan_id,
        starts_on: date("2026-02-01"),
        ends_on: Some(date("2026-12-31")),
        auto_prolongation: false,
        monthly_price: None,
        third_party_stops_clock: false,
        signatory: None,
    };
    let now = domain::time::now();
    let draft = contracts::create(db, &new, &Author::system(), now)
        .await
        .unwrap();
    let signed = Conclusion::Signed {
        signed_on: date("2026-01-28"),
    };
    contracts::transition(
        db,
        draft.id,
        draft.version,
        ContractStatus::Active,
        Some(&signed),
        &Author::system(),
        now,
    )
    .await
    .unwrap()
}

fn invalid_key(error: &Error) -> Option<(&str, &str)> {
    match error {
        Error::Domain(DomainError::Invalid(invalid)) => Some((invalid.field.as_str(), invalid.key)),
        _ => None,
    }
}

storage_test!(plan_create_and_read, async |db: Db| {
    let created = plan(&db).await;
    assert_eq!(created.plan.version, 1);
    let read = tariffs::get(&db, created.id).await.unwrap().unwrap();
    assert_eq!(read.plan, start_plan());
    assert_eq!(read.vat, standard_vat());
});

storage_test!(plan_code_is_unique, async |db: Db| {
    plan(&db).await;
    let error = tariffs::create(
        &db,
        &start_plan(),
        &standard_vat(),
        &Author::system(),
        domain::time::now(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(error, Error::Domain(DomainError::Duplicate { ref field, .. }) if field == "code")
    );
});

storage_test!(plan_rejects_unknown_calendar, async |db: Db| {
    let mut bad = start_plan();
    bad.sla.p2.calendar = "mars".into();
    let error = tariffs::create(
        &db,
        &bad,
        &standard_vat(),
        &Author::system(),
        domain::time::now(),
    )
    .await
    .unwrap_err();
    assert_eq!(
        invalid_key(&error),
        Some(("sla.p2.calendar", "crm-calendar-unknown"))
    );
    assert!(tariffs::list(&db, true).await.unwrap().is_empty());
});

storage_test!(unused_plan_is_edited_in_place, async |db: Db| {
    let created = plan(&db).await;
    let mut edited = start_plan();
    edited.name = "Старт+".into();
    let revision = tariffs::revise(
        &db,
        created.id,
        created.revision,
        &edited,
        &standard_vat(),
        date("2026-03-01"),
        &Author::system(),
        domain::time::now(),
    )
    .await
    .unwrap();
    assert!(!revision.new_version);
    assert_eq!(revision.plan.id, created.id);
    assert_eq!(revision.plan.plan.name, "Старт+");
    assert_eq!(revision.plan.revision, created.revision + 1);

    // A second editor who read the plan before the first save gets a conflict, and the first
    // save stays.
    let mut late = start_plan();
    late.name = "Старт (поздняя правка)".into();
    let error = tariffs::revise(
        &db,
        created.id,
        created.revision,
        &late,
        &standard_vat(),
        date("2026-03-01"),
        &Author::system(),
        domain::time::now(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            error,
            store::Error::Domain(DomainError::Conflict {
                expected: 1,
                current: 2
            })
        ),
        "{error:?}"
    );
    let kept = tariffs::get(&db, created.id).await.unwrap().unwrap();
    assert_eq!(kept.plan.name, "Старт+");
});

storage_test!(plan_in_use_gets_new_version, async |db: Db| {
    let created = plan(&db).await;
    let client_id = client(&db, "Ромашка").await;
    let contract = signed_contract(&db, client_id, created.id).await;

    let mut edited = start_plan();
    edited.monthly_price = Money::from_kopecks(249_000);
    let revision = tariffs::revise(
        &db,
        created.id,
        created.revision,
        &edited,
        &standard_vat(),
        date("2026-07-01"),
        &Author::system(),
        domain::time::now(),
    )
    .await
    .unwrap();
    assert!(revision.new_version);
    assert_eq!(revision.plan.plan.version, 2);
    assert_eq!(revision.plan.plan.valid_from, date("2026-07-01"));

    let old = tariffs::get(&db, created.id).await.unwrap().unwrap();
    assert_eq!(old.plan.monthly_price, Money::from_kopecks(199_000));
    assert_eq!(old.plan.valid_to, Some(date("2026-06-30")));
    let reread = contracts::get(&db, contract.id).await.unwrap().unwrap();
    assert_eq!(reread.plan.version, 1);
    assert_eq!(reread.monthly_price, Money::from_kopecks(199_000));

    let error = tariffs::revise(
        &db,
        created.id,
        old.revision,
        &edited,
        &standard_vat(),
        date("2026-08-01"),
        &Author::system(),
        domain::time::now(),
    )
    .await
    .unwrap_err();
    assert_eq!(
        invalid_key(&error),
        Some(("version", "crm-plan-not-latest"))
    );
});

storage_test!(contract_numbers_follow_series, async |db: Db| {
    let plan = plan(&db).await;
    let client_id = client(&db, "Ромашка").await;
    let first = signed_contract(&db, client_id, plan.id).await;
    let second = signed_contract(&db, client_id, plan.id).await;
    assert_eq!(first.number.to_string(), "ДУ-00001");
    assert_eq!(second.number.to_string(), "ДУ-00002");
    assert_eq!(second.status, ContractStatus::Active);
    assert_eq!(
        second.conclusion,
        Some(Conclusion::Signed {
            signed_on: date("2026-01-28")
        })
    );
});

storage_test!(offer_acceptance_activates, async |db: Db| {
    let plan = plan(&db).await;
    let client_id = client(&db, "ИП Иванов").await;
    let new = NewContract {
        series: "OF".into(),
        client_id,
        plan_id: plan.id,
        starts_on: date("2026-03-10"),
        ends_on: None,
        auto_prolongation: true,
        monthly_price: Some(Money::from_kopecks(150_000)),
        third_party_stops_clock: true,
        signatory: None,
    };
    let now = domain::time::now();
    let draft = contracts::create(&db, &new, &Author::system(), now)
        .await
        .unwrap();
    let error = contracts::transition(
        &db,
        draft.id,
        draft.version,
        ContractStatus::Active,
        None,
        &Author::system(),
        now,
    )
    .await
    .unwrap_err();
    assert_eq!(
        invalid_key(&error),
        Some(("conclusion", "crm-contract-not-concluded"))
    );

    let acceptance = Conclusion::Offer(OfferAcceptance {
        accepted_on: date("2026-03-10"),
        offer_version: "2026-01".into(),
        method: AcceptanceMethod::Payment,
    });
    let active = contracts::transition(
        &db,
        draft.id,
        draft.version,
        ContractStatus::Active,
        Some(&acceptance),
        &Author::system(),
        now,
    )
    .await
    .unwrap();
    assert_eq!(active.conclusion, Some(acceptance));
    assert_eq!(active.monthly_price, Money::from_kopecks(150_000));
});

storage_test!(terminated_contract_is_final, async |db: Db| {
    let plan = plan(&db).await;
    let client_id = client(&db, "Ромашка").await;
    let active = signed_contract(&db, client_id, plan.id).await;
    let now = domain::time::now();
    let ended = contracts::transition(
        &db,
        active.id,
        active.version,
        ContractStatus::Terminated,
        None,
        &Author::system(),
        now,
    )
    .await
    .unwrap();
    let error = contracts::transition(
        &db,
        ended.id,
        ended.version,
        ContractStatus::Active,
        None,
        &Author::system(),
        now,
    )
    .await
    .unwrap_err();
    assert!(matches!(
        error,
        Error::Domain(DomainError::InvalidTransition { .. })
    ));

    let stale = contracts::transition(
        &db,
        ended.id,
        active.version,
        ContractStatus::Expired,
        None,
        &Author::system(),
        now,
    )
    .await
    .unwrap_err();
    assert!(matches!(stale, Error::Domain(DomainError::Conflict { .. })));
});

storage_test!(terms_apply_amendments_by_date, async |db: Db| {
    let manager = staff(&db, "petrova", Role::Sales, &[]).await;
    let plan = plan(&db).await;
    let client_id = client(&db, "Ромашка").await;
    let contract = signed_contract(&db, client_id, plan.id).await;
    let now = domain::time::now();

    let price = NewAmendment {
        signed_on: Some(date("2026-04-20")),
        effective_on: Some(date("2026-05-01")),
        changes: TermsChange {
            monthly_price: Some(Money::from_kopecks(179_000)),
            limits: vec![(LimitKind::Products, Some(1000))],
            ..TermsChange::default()
        },
        ..NewAmendment::default()
    };
    let first = amendments::add(&db, contract.id, &price, &author(&manager), now)
        .await
        .unwrap();
    assert_eq!(first.amendment.number, "1");

    let mut p2 = SlaPolicy::internal_default().p2;
    p2.resolution = SlaTarget::hours(6);
    let sla = NewAmendment {
        signed_on: Some(date("2026-06-10")),
        effective_on: Some(date("2026-07-01")),
        changes: TermsChange {
            ends_on: Some(Some(date("2027-06-30"))),
            sla: domain::crm::SlaChange {
                p2: Some(p2),
                ..Default::default()
            },
            ..TermsChange::default()
        },
        ..NewAmendment::default()
    };
    let second = amendments::add(&db, contract.id, &sla, &author(&manager), now)
        .await
        .unwrap();
    assert_eq!(second.amendment.number, "2");

    let april = amendments::terms(&db, &contract, date("2026-04-30"))
        .await
        .unwrap();
    assert_eq!(april.on_date.applied, Vec::<String>::new());
    assert_eq!(
        april.on_date.terms.monthly_price,
        Money::from_kopecks(199_000)
    );

    let may = amendments::terms(&db, &contract, date("2026-05-01"))
        .await
        .unwrap();
    assert_eq!(may.on_date.applied, ["1"]);
    assert_eq!(
        may.on_date.terms.monthly_price,
        Money::from_kopecks(179_000)
    );
    assert_eq!(may.on_date.terms.limits.products, Some(1000));
    assert_eq!(may.on_date.terms.limits.staff_accounts, Some(3));

    let july = amendments::terms(&db, &contract, date("2026-07-01"))
        .await
        .unwrap();
    assert_eq!(july.on_date.applied, ["1", "2"]);
    assert_eq!(july.on_date.terms.ends_on, Some(date("2027-06-30")));
    assert_eq!(
        july.on_date.terms.sla.p2.resolution,
        SlaTarget::Minutes(360)
    );

    let history = amendments::history(&db, &contract).await.unwrap();
    assert_eq!(history.len(), 3);
    assert_eq!(history[2].from, date("2026-07-01"));

    let before = amendments::terms(&db, &contract, date("2026-01-31"))
        .await
        .unwrap_err();
    assert_eq!(
        invalid_key(&before),
        Some(("date", "crm-terms-before-start"))
    );

    let filter = Filter {
        object_type: Some("contract".into()),
        object_id: Some(contract.id.to_string()),
        ..Filter::default()
    };
    let (entries, _) = audit::list(&db, &filter, 50, 0).await.unwrap();
    let amendment_entries = entries
        .iter()
        .filter(|e| e.action == "contract.amendment")
        .count();
    assert_eq!(amendment_entries, 2);
});

storage_test!(amendment_to_new_plan_brings_its_terms, async |db: Db| {
    let start = plan(&db).await;
    let mut business = start_plan();
    business.code = "business".into();
    business.name = "Бизнес".into();
    business.monthly_price = Money::from_kopecks(499_000);
    business.limits.products = None;
    let business = tariffs::create(
        &db,
        &business,
        &standard_vat(),
        &Author::system(),
        domain::time::now(),
    )
    .await
    .unwrap();
    let client_id = client(&db, "Ромашка").await;
    let contract = signed_contract(&db, client_id, start.id).await;

    let upgrade = NewAmendment {
        signed_on: Some(date("2026-03-01")),
        effective_on: Some(date("2026-03-01")),
        plan_id: Some(business.id),
        ..NewAmendment::default()
    };
    amendments::add(
        &db,
        contract.id,
        &upgrade,
        &Author::system(),
        domain::time::now(),
    )
    .await
    .unwrap();
    let march = amendments::terms(&db, &contract, date("2026-03-15"))
        .await
        .unwrap();
    assert_eq!(march.on_date.terms.plan.code, "business");
    assert_eq!(
        march.on_date.terms.monthly_price,
        Money::from_kopecks(499_000)
    );
    assert_eq!(march.on_date.terms.limits.products, None);
    assert_eq!(march.plan.id, business.id);

    let stored = tariffs::get(&db, business.id).await.unwrap().unwrap();
    let mut edited = stored.plan;
    edited.name = "Бизнес 2".into();
    let revision = tariffs::revise(
        &db,
        business.id,
        stored.revision,
        &edited,
        &standard_vat(),
        date("2026-09-01"),
        &Author::system(),
        domain::time::now(),
    )
    .await
    .unwrap();
    assert!(revision.new_version, "a plan an amendment uses is in use");
});

storage_test!(amendment_needs_concluded_contract, async |db: Db| {
    let plan = plan(&db).await;
    let client_id = client(&db, "Ромашка").await;
    let new = NewContract {
        series: "ДУ".into(),
        client_id,
        plan_id: plan.id,
        starts_on: date("2026-02-01"),
        ends_on: None,
        auto_prolongation: false,
        monthly_price: None,
        third_party_stops_clock: false,
        signatory: None,
    };
    let draft = contracts::create(&db, &new, &Author::system(), domain::time::now())
        .await
        .unwrap();
    let change = NewAmendment {
        signed_on: Some(date("2026-03-01")),
        effective_on: Some(date("2026-03-01")),
        changes: TermsChange {
            auto_prolongation: Some(true),
            ..TermsChange::default()
        },
        ..NewAmendment::default()
    };
    let error = amendments::add(
        &db,
        draft.id,
        &change,
        &Author::system(),
        domain::time::now(),
    )
    .await
    .unwrap_err();
    assert_eq!(
        invalid_key(&error),
        Some(("contract", "crm-amendment-draft"))
    );
    assert!(amendments::list(&db, draft.id).await.unwrap().is_empty());
});

storage_test!(amendment_number_is_unique, async |db: Db| {
    let plan = plan(&db).await;
    let client_id = client(&db, "Ромашка").await;
    let contract = signed_contract(&db, client_id, plan.id).await;
    let change = NewAmendment {
        number: Some("ДС-1".into()),
        signed_on: Some(date("2026-03-01")),
        effective_on: Some(date("2026-03-01")),
        changes: TermsChange {
            auto_prolongation: Some(true),
            ..TermsChange::default()
        },
        ..NewAmendment::default()
    };
    amendments::add(
        &db,
        contract.id,
        &change,
        &Author::system(),
        domain::time::now(),
    )
    .await
    .unwrap();
    let error = amendments::add(
        &db,
        contract.id,
        &change,
        &Author::system(),
        domain::time::now(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(error, Error::Domain(DomainError::Duplicate { ref field, .. }) if field == "number")
    );

    let empty = NewAmendment {
        signed_on: Some(date("2026-03-01")),
        effective_on: Some(date("2026-03-01")),
        ..NewAmendment::default()
    };
    let error = amendments::add(
        &db,
        contract.id,
        &empty,
        &Author::system(),
        domain::time::now(),
    )
    .await
    .unwrap_err();
    assert_eq!(
        invalid_key(&error),
        Some(("changes", "crm-amendment-empty"))
    );
});

storage_test!(contract_rejects_unknown_client, async |db: Db| {
    let plan = plan(&db).await;
    let new = NewContract {
        series: "ДУ".into(),
        client_id: 999_999,
        plan_id: plan.id,
        starts_on: date("2026-02-01"),
        ends_on: None,
        auto_prolongation: false,
        monthly_price: None,
        third_party_stops_clock: false,
        signatory: None,
    };
    let error = contracts::create(&db, &new, &Author::system(), domain::time::now())
        .await
        .unwrap_err();
    assert_eq!(
        invalid_key(&error),
        Some(("client_id", "crm-client-unknown"))
    );
    let (found, total) = contracts::list(
        &db,
        &contracts::ListQuery {
            limit: 10,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(found.is_empty());
    assert_eq!(total, 0);
});

storage_test!(contracts_expire_after_end_date, async |db: Db| {
    let plan = plan(&db).await;
    // Both end on 31 December 2026; the second prolongs itself through an amendment.
    let ending = signed_contract(&db, client(&db, "Ромашка").await, plan.id).await;
    let prolonged = signed_contract(&db, client(&db, "Лютик").await, plan.id).await;
    let change = NewAmendment {
        signed_on: Some(date("2026-06-01")),
        effective_on: Some(date("2026-06-01")),
        changes: TermsChange {
            auto_prolongation: Some(true),
            ..TermsChange::default()
        },
        ..NewAmendment::default()
    };
    amendments::add(
        &db,
        prolonged.id,
        &change,
        &Author::system(),
        domain::time::now(),
    )
    .await
    .unwrap();

    let now = domain::time::now();
    let on_last_day = contracts::expire_ended(&db, date("2026-12-31"), now)
        .await
        .unwrap();
    assert!(on_last_day.is_empty(), "the last day is still in force");

    let next_day = contracts::expire_ended(&db, date("2027-01-01"), now)
        .await
        .unwrap();
    assert_eq!(next_day, vec![ending.id]);
    let expired = contracts::get(&db, ending.id).await.unwrap().unwrap();
    assert_eq!(expired.status, ContractStatus::Expired);
    assert_eq!(expired.version, ending.version + 1);
    let kept = contracts::get(&db, prolonged.id).await.unwrap().unwrap();
    assert_eq!(kept.status, ContractStatus::Active);

    let again = contracts::expire_ended(&db, date("2027-01-02"), now)
        .await
        .unwrap();
    assert!(again.is_empty(), "an expired contract is not expired twice");
});
