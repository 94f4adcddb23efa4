//! Claims on SQLite and PostgreSQL: registration with evidence, answer deadlines on the
//! stored production calendar, the status workflow and overdue answers.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::NaiveDate;
use common::{author, staff};
use domain::Error as DomainError;
use domain::crm::{AnswerTerm, ClaimDirection, ClaimStatus, Limits, PlanVat, TariffPlan};
use domain::identity::Role;
use domain::money::Money;
use domain::servicedesk::{Kind, Priority, Source};
use domain::sla::SlaPolicy;
use domain::vat::VatCategory;
use store::crm::claims::{self, ListQuery, NewClaim};
use store::crm::contracts::{self, NewContract};
use store::crm::tariffs;
use store::identity::Author;
use store::servicedesk::tickets::{self, NewTicket};
use store::{Db, Error, storage_test};

fn date(value: &str) -> NaiveDate {
    value.parse().unwrap()
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

/// Creates a draft contract of a new client and returns (contract id, client id).
async fn contract(db: &Db, name: &str) -> (i64, i64) {
    let client_id = client(db, name).await;
    let plan = TariffPlan {
        code: format!("plan-{client_id}"),
        version: 1,
        name: "Старт".into(),
        monthly_price: Money::from_kopecks(199_000),
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
    let plan = tariffs::create(db, &plan, &vat, &Author::system(), domain::time::now())
        .await
        .unwrap();
    let new = NewContract {
        series: "ДУ".into(),
        client_id,
        plan_id: plan.id,
        starts_on: date("2026-01-01"),
        ends_on: None,
        auto_prolongation: false,
        monthly_price: None,
        third_party_stops_clock: false,
        signatory: None,
    };
    let stored = contracts::create(db, &new, &Author::system(), domain::time::now())
        .await
        .unwrap();
    (stored.id, client_id)
}

async fn ticket(db: &Db, client_id: i64) -> i64 {
    let new = NewTicket {
        kind: Kind::Incident,
        source: Source::Staff,
        priority: Priority::P2,
        queue: "L1".into(),
        title: "Магазин недоступен".into(),
        description: "Описание".into(),
        client_id: Some(client_id),
        zabbix: None,
    };
    tickets::create(db, &new, &Author::system(), domain::time::now())
        .await
        .unwrap()
        .id
}

fn new_claim(contract_id: i64, sent_on: &str) -> NewClaim {
    NewClaim {
        direction: ClaimDirection::Incoming,
        contract_id,
        subject: "Простой магазина 3 часа".into(),
        claimed: Money::from_kopecks(1_500_000),
        sent_on: date(sent_on),
        received_on: None,
        term: None,
        ticket_ids: Vec::new(),
    }
}

async fn register(db: &Db, new: &NewClaim) -> Result<claims::Claim, Error> {
    let production = claims::production_calendar(db).await.unwrap();
    claims::create(db, new, &production, &Author::system(), domain::time::now()).await
}

storage_test!(claim_statutory_term_skips_may_holidays, async |db: Db| {
    let (contract_id, _) = contract(&db, "ООО «Ромашка»").await;

    let claim = register(&db, &new_claim(contract_id, "2026-04-01"))
        .await
        .unwrap();

    // 30 days from 1 April end on Friday 1 May, a holiday; 2 and 3 May are days off too.
    assert_eq!(claim.answer_due_on, date("2026-05-04"));
    assert_eq!(claim.term, AnswerTerm::CalendarDaysFromSent(30));
    assert_eq!(claim.status, ClaimStatus::Received);
});

storage_test!(claim_working_days_from_receipt, async |db: Db| {
    let (contract_id, _) = contract(&db, "ООО «Ромашка»").await;
    let mut new = new_claim(contract_id, "2026-04-27");
    new.received_on = Some(date("2026-04-29"));
    new.term = Some(AnswerTerm::WorkingDaysFromReceipt(5));

    let claim = register(&db, &new).await.unwrap();

    // 30 April, then 4 to 7 May: 1 to 3 May are days off.
    assert_eq!(claim.answer_due_on, date("2026-05-07"));
});

storage_test!(claim_working_days_cross_new_year, async |db: Db| {
    let (contract_id, _) = contract(&db, "ООО «Ромашка»").await;
    let mut new = new_claim(contract_id, "2026-12-28");
    new.received_on = Some(date("2026-12-29"));
    new.term = Some(AnswerTerm::WorkingDaysFromReceipt(3));

    let claim = register(&db, &new).await.unwrap();

    // 30 December; 31 December 2026 is a day off by the decree; 1 to 8 January 2027 are
    // statutory holidays, so the next working days are 11 and 12 January.
    assert_eq!(claim.answer_due_on, date("2027-01-12"));
});

storage_test!(claim_working_days_need_receipt, async |db: Db| {
    let (contract_id, _) = contract(&db, "ООО «Ромашка»").await;
    let mut new = new_claim(contract_id, "2026-04-01");
    new.term = Some(AnswerTerm::WorkingDaysFromReceipt(10));

    let error = register(&db, &new).await.unwrap_err();

    assert!(
        matches!(error, Error::Domain(DomainError::Invalid(ref i)) if i.field == "received_on")
    );
});

storage_test!(claim_rejects_bad_input, async |db: Db| {
    let (contract_id, _) = contract(&db, "ООО «Ромашка»").await;

    let mut zero = new_claim(contract_id, "2026-04-01");
    zero.claimed = Money::ZERO;
    let error = register(&db, &zero).await.unwrap_err();
    assert!(
        matches!(error, Error::Domain(DomainError::Invalid(ref i)) if i.field == "claimed_amount")
    );

    let mut early = new_claim(contract_id, "2026-04-10");
    early.received_on = Some(date("2026-04-01"));
    let error = register(&db, &early).await.unwrap_err();
    assert!(
        matches!(error, Error::Domain(DomainError::Invalid(ref i)) if i.field == "received_on")
    );

    let unknown = new_claim(contract_id + 100, "2026-04-01");
    let error = register(&db, &unknown).await.unwrap_err();
    assert!(
        matches!(error, Error::Domain(DomainError::Invalid(ref i)) if i.field == "contract_id")
    );

    let (_, total) = claims::list(
        &db,
        &ListQuery {
            limit: 10,
            ..ListQuery::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(total, 0);
});

storage_test!(claim_evidence_of_own_client_only, async |db: Db| {
    let (contract_id, client_id) = contract(&db, "ООО «Ромашка»").await;
    let (_, other_client) = contract(&db, "ООО «Лютик»").await;
    let own = ticket(&db, client_id).await;
    let foreign = ticket(&db, other_client).await;

    let mut with_foreign = new_claim(contract_id, "2026-04-01");
    with_foreign.ticket_ids = vec![own, foreign];
    let error = register(&db, &with_foreign).await.unwrap_err();
    assert!(matches!(error, Error::Domain(DomainError::Invalid(ref i)) if i.field == "ticket_ids"));

    let mut with_own = new_claim(contract_id, "2026-04-01");
    with_own.ticket_ids = vec![own, own];
    let claim = register(&db, &with_own).await.unwrap();
    assert_eq!(claim.evidence.len(), 1);
    assert_eq!(claim.evidence[0].ticket_id, own);
    assert_eq!(claim.evidence[0].title, "Магазин недоступен");
});

storage_test!(claim_workflow_and_conflict, async |db: Db| {
    let manager = staff(&db, "petrova", Role::Sales, &[]).await;
    let by = author(&manager);
    let (contract_id, _) = contract(&db, "ООО «Ромашка»").await;
    let claim = register(&db, &new_claim(contract_id, "2026-04-01"))
        .await
        .unwrap();
    let now = domain::time::now();

    let review = claims::change_status(&db, claim.id, 1, ClaimStatus::UnderReview, None, &by, now)
        .await
        .unwrap();
    assert_eq!(review.version, 2);

    let stale = claims::change_status(&db, claim.id, 1, ClaimStatus::Rejected, None, &by, now)
        .await
        .unwrap_err();
    assert!(matches!(
        stale,
        Error::Domain(DomainError::Conflict { current: 2, .. })
    ));

    let partly = claims::change_status(
        &db,
        claim.id,
        2,
        ClaimStatus::PartlyAccepted,
        Some(Money::from_kopecks(500_000)),
        &by,
        now,
    )
    .await
    .unwrap();
    assert_eq!(partly.outcome, Some(Money::from_kopecks(500_000)));

    let skip = claims::change_status(&db, claim.id, 3, ClaimStatus::Received, None, &by, now)
        .await
        .unwrap_err();
    assert!(matches!(
        skip,
        Error::Domain(DomainError::InvalidTransition { .. })
    ));
});

storage_test!(overdue_lists_open_claims_only, async |db: Db| {
    let by = Author::system();
    let (contract_id, _) = contract(&db, "ООО «Ромашка»").await;
    let late = register(&db, &new_claim(contract_id, "2026-04-01"))
        .await
        .unwrap();
    let answered = register(&db, &new_claim(contract_id, "2026-04-02"))
        .await
        .unwrap();
    register(&db, &new_claim(contract_id, "2026-06-01"))
        .await
        .unwrap();
    let now = domain::time::now();
    claims::change_status(
        &db,
        answered.id,
        1,
        ClaimStatus::UnderReview,
        None,
        &by,
        now,
    )
    .await
    .unwrap();
    claims::change_status(&db, answered.id, 2, ClaimStatus::Rejected, None, &by, now)
        .await
        .unwrap();

    let query = ListQuery {
        overdue_on: Some(date("2026-05-20")),
        limit: 10,
        ..ListQuery::default()
    };
    let (found, total) = claims::list(&db, &query).await.unwrap();

    assert_eq!(total, 1);
    assert_eq!(found[0].id, late.id);
});
