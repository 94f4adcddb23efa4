//! The deal pipeline: creation, filters, stage changes, the draft contract of a win and the
//! funnel, on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::NaiveDate;
use common::{author, staff};
use domain::Error as DomainError;
use domain::crm::{ContractStatus, DealStage, Limits, LostReason, PlanVat, TariffPlan};
use domain::identity::Role;
use domain::money::Money;
use domain::sla::SlaPolicy;
use domain::vat::VatCategory;
use store::crm::contracts;
use store::crm::deals::{self, Deal, ListQuery, NewDeal, StageRequest};
use store::crm::tariffs;
use store::identity::audit::{self, Filter};
use store::identity::{Author, User};
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

async fn plan(db: &Db) -> i64 {
    let plan = TariffPlan {
        code: "start".into(),
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
    tariffs::create(db, &plan, &vat, &Author::system(), domain::time::now())
        .await
        .unwrap()
        .id
}

fn new_deal(client_id: i64, owner: &User, plan_id: Option<i64>, kopecks: i64) -> NewDeal {
    NewDeal {
        title: "  Магазин на платформе  ".into(),
        client_id,
        owner_id: owner.id,
        plan_id,
        amount: Money::from_kopecks(kopecks),
        expected_close_on: Some(date("2026-12-20")),
    }
}

fn request(to: DealStage) -> StageRequest {
    StageRequest {
        to,
        lost_reason: None,
        lost_comment: None,
        contract_series: "ДУ".into(),
        contract_starts_on: date("2026-12-07"),
    }
}

async fn create(db: &Db, new: &NewDeal, owner: &User) -> Deal {
    deals::create(db, new, &author(owner), domain::time::now())
        .await
        .unwrap()
}

/// Moves `deal` along `stages` and returns it at the last one.
async fn walk(db: &Db, deal: Deal, stages: &[DealStage], owner: &User) -> Deal {
    let mut deal = deal;
    for stage in stages {
        deal = deals::change_stage(
            db,
            deal.id,
            deal.version,
            &request(*stage),
            &author(owner),
            domain::time::now(),
        )
        .await
        .unwrap();
    }
    deal
}

storage_test!(deal_create_trims_title, async |db: Db| {
    let owner = staff(&db, "petrova", Role::Sales, &[]).await;
    let client_id = client(&db, "ООО «Ромашка»").await;

    let deal = create(&db, &new_deal(client_id, &owner, None, 1_200_000), &owner).await;

    assert_eq!(deal.title, "Магазин на платформе");
    assert_eq!(deal.stage, DealStage::New);
    assert_eq!(deal.amount, Money::from_kopecks(1_200_000));
    assert_eq!(deal.owner_id, owner.id);
    assert_eq!(deal.client_name, "ООО «Ромашка»");
    assert_eq!(deal.version, 1);
});

storage_test!(deal_create_rejects_bad_input, async |db: Db| {
    let owner = staff(&db, "petrova", Role::Sales, &[]).await;
    let client_id = client(&db, "ООО «Ромашка»").await;
    let by = author(&owner);
    let now = domain::time::now();

    let mut blank = new_deal(client_id, &owner, None, 100);
    blank.title = "   ".into();
    let error = deals::create(&db, &blank, &by, now).await.unwrap_err();
    assert!(matches!(error, Error::Domain(DomainError::Invalid(ref i)) if i.field == "title"));

    let negative = new_deal(client_id, &owner, None, -1);
    let error = deals::create(&db, &negative, &by, now).await.unwrap_err();
    assert!(
        matches!(error, Error::Domain(DomainError::Invalid(ref i)) if i.field == "amount_kopecks")
    );

    let unknown_client = new_deal(client_id + 100, &owner, None, 100);
    let error = deals::create(&db, &unknown_client, &by, now)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Domain(DomainError::Invalid(ref i)) if i.field == "client_id"));

    let unknown_plan = new_deal(client_id, &owner, Some(999), 100);
    let error = deals::create(&db, &unknown_plan, &by, now)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Domain(DomainError::Invalid(ref i)) if i.field == "plan_id"));

    let (_, total) = deals::list(
        &db,
        &ListQuery {
            limit: 10,
            ..ListQuery::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(total, 0, "nothing stored");
});

storage_test!(deal_owner_must_be_staff, async |db: Db| {
    let owner = staff(&db, "petrova", Role::Sales, &[]).await;
    let client_id = client(&db, "ООО «Ромашка»").await;
    let mut deal = new_deal(client_id, &owner, None, 100);
    deal.owner_id = owner.id + 100;

    let error = deals::create(&db, &deal, &author(&owner), domain::time::now())
        .await
        .unwrap_err();

    assert!(matches!(error, Error::Domain(DomainError::Invalid(ref i)) if i.field == "owner_id"));
});

storage_test!(deal_list_filters_stage_owner, async |db: Db| {
    let petrova = staff(&db, "petrova", Role::Sales, &[]).await;
    let sidorov = staff(&db, "sidorov", Role::Sales, &[]).await;
    let client_id = client(&db, "ООО «Ромашка»").await;
    let first = create(&db, &new_deal(client_id, &petrova, None, 100), &petrova).await;
    walk(&db, first, &[DealStage::Qualified], &petrova).await;
    create(&db, &new_deal(client_id, &petrova, None, 200), &petrova).await;
    create(&db, &new_deal(client_id, &sidorov, None, 300), &sidorov).await;

    let query = ListQuery {
        stage: Some(DealStage::New),
        owner_id: Some(petrova.id),
        limit: 50,
        ..ListQuery::default()
    };
    let (found, total) = deals::list(&db, &query).await.unwrap();
    assert_eq!(total, 1);
    assert_eq!(found[0].amount, Money::from_kopecks(200));

    let by_owner = ListQuery {
        owner_id: Some(sidorov.id),
        limit: 50,
        ..ListQuery::default()
    };
    let (found, _) = deals::list(&db, &by_owner).await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].owner_name, "SIDOROV");
});

storage_test!(deal_stage_conflict_on_stale_version, async |db: Db| {
    let owner = staff(&db, "petrova", Role::Sales, &[]).await;
    let client_id = client(&db, "ООО «Ромашка»").await;
    let deal = create(&db, &new_deal(client_id, &owner, None, 100), &owner).await;
    walk(&db, deal.clone(), &[DealStage::Qualified], &owner).await;

    let error = deals::change_stage(
        &db,
        deal.id,
        deal.version,
        &request(DealStage::New),
        &author(&owner),
        domain::time::now(),
    )
    .await
    .unwrap_err();

    assert!(matches!(
        error,
        Error::Domain(DomainError::Conflict {
            expected: 1,
            current: 2
        })
    ));
});

storage_test!(deal_lost_needs_reason, async |db: Db| {
    let owner = staff(&db, "petrova", Role::Sales, &[]).await;
    let client_id = client(&db, "ООО «Ромашка»").await;
    let deal = create(&db, &new_deal(client_id, &owner, None, 100), &owner).await;

    let error = deals::change_stage(
        &db,
        deal.id,
        deal.version,
        &request(DealStage::Lost),
        &author(&owner),
        domain::time::now(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(error, Error::Domain(DomainError::Invalid(ref i)) if i.field == "lost_reason")
    );

    let mut lost = request(DealStage::Lost);
    lost.lost_reason = Some(LostReason::Price);
    lost.lost_comment = Some(" дорого ".into());
    let updated = deals::change_stage(
        &db,
        deal.id,
        deal.version,
        &lost,
        &author(&owner),
        domain::time::now(),
    )
    .await
    .unwrap();
    assert_eq!(updated.stage, DealStage::Lost);
    assert_eq!(updated.lost_reason, Some(LostReason::Price));
    assert_eq!(updated.lost_comment.as_deref(), Some("дорого"));
    assert_eq!(updated.contract_id, None);
});

storage_test!(deal_won_creates_draft_contract, async |db: Db| {
    let owner = staff(&db, "petrova", Role::Sales, &[]).await;
    let client_id = client(&db, "ООО «Ромашка»").await;
    let plan_id = plan(&db).await;
    let deal = create(
        &db,
        &new_deal(client_id, &owner, Some(plan_id), 100),
        &owner,
    )
    .await;

    let won = walk(
        &db,
        deal,
        &[DealStage::Qualified, DealStage::Proposal, DealStage::Won],
        &owner,
    )
    .await;

    assert_eq!(won.stage, DealStage::Won);
    let contract_id = won.contract_id.expect("a win links a contract");
    let contract = contracts::get(&db, contract_id).await.unwrap().unwrap();
    assert_eq!(contract.status, ContractStatus::Draft);
    assert_eq!(contract.client_id, client_id);
    assert_eq!(contract.plan_id, plan_id);
    assert_eq!(contract.starts_on, date("2026-12-07"));
    assert_eq!(won.contract_number.as_deref(), Some("ДУ-00001"));

    let filter = Filter {
        object_type: Some("deal".into()),
        object_id: Some(won.id.to_string()),
        ..Filter::default()
    };
    let (entries, _) = audit::list(&db, &filter, 50, 0).await.unwrap();
    let stage_entries = entries.iter().filter(|e| e.action == "deal.stage").count();
    assert_eq!(stage_entries, 3);
});

storage_test!(deal_won_without_plan_changes_nothing, async |db: Db| {
    let owner = staff(&db, "petrova", Role::Sales, &[]).await;
    let client_id = client(&db, "ООО «Ромашка»").await;
    let deal = create(&db, &new_deal(client_id, &owner, None, 100), &owner).await;
    let deal = walk(
        &db,
        deal,
        &[DealStage::Qualified, DealStage::Proposal],
        &owner,
    )
    .await;

    let error = deals::change_stage(
        &db,
        deal.id,
        deal.version,
        &request(DealStage::Won),
        &author(&owner),
        domain::time::now(),
    )
    .await
    .unwrap_err();

    assert!(matches!(error, Error::Domain(DomainError::Invalid(ref i)) if i.field == "plan_id"));
    let stored = deals::get(&db, deal.id).await.unwrap().unwrap();
    assert_eq!(stored.stage, DealStage::Proposal);
    assert_eq!(stored.version, deal.version);
    let (_, contracts) = contracts::list(
        &db,
        &contracts::ListQuery {
            limit: 10,
            ..contracts::ListQuery::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(contracts, 0);
});

storage_test!(deal_skipping_stage_is_rejected, async |db: Db| {
    let owner = staff(&db, "petrova", Role::Sales, &[]).await;
    let client_id = client(&db, "ООО «Ромашка»").await;
    let deal = create(&db, &new_deal(client_id, &owner, None, 100), &owner).await;

    let error = deals::change_stage(
        &db,
        deal.id,
        deal.version,
        &request(DealStage::Negotiation),
        &author(&owner),
        domain::time::now(),
    )
    .await
    .unwrap_err();

    assert!(matches!(
        error,
        Error::Domain(DomainError::InvalidTransition { .. })
    ));
});

storage_test!(funnel_counts_every_stage, async |db: Db| {
    let owner = staff(&db, "petrova", Role::Sales, &[]).await;
    let client_id = client(&db, "ООО «Ромашка»").await;
    create(&db, &new_deal(client_id, &owner, None, 10_000), &owner).await;
    create(&db, &new_deal(client_id, &owner, None, 25_000), &owner).await;
    let third = create(&db, &new_deal(client_id, &owner, None, 100_000), &owner).await;
    walk(
        &db,
        third,
        &[DealStage::Qualified, DealStage::Proposal],
        &owner,
    )
    .await;

    let funnel = deals::funnel(&db).await.unwrap();

    let stages: Vec<DealStage> = funnel.iter().map(|s| s.stage).collect();
    assert_eq!(
        stages,
        [
            DealStage::New,
            DealStage::Qualified,
            DealStage::Proposal,
            DealStage::Negotiation,
            DealStage::Won,
            DealStage::Lost
        ]
    );
    assert_eq!(funnel[0].count, 2);
    assert_eq!(funnel[0].amount, Money::from_kopecks(35_000));
    assert_eq!(funnel[1].count, 0);
    assert_eq!(funnel[2].count, 1);
    assert_eq!(funnel[2].amount, Money::from_kopecks(100_000));
    assert_eq!(funnel[5].amount, Money::ZERO);
});
