//! Ticket SLA from contract terms or the internal policy, on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::Moscow;
use common::{author, staff};
use domain::calendar::{DayHours, WeeklyHours};
use domain::crm::{
    Conclusion, ContractStatus, Limits, PlanVat, SlaChange, TariffPlan, TermsChange,
};
use domain::identity::Role;
use domain::money::Money;
use domain::servicedesk::{Kind, PendingReason, Priority, Source, Status};
use domain::sla::{SlaPolicy, SlaTarget, StopReason};
use domain::vat::VatCategory;
use store::calendar::{self, CalendarSettings};
use store::crm::amendments::{self, NewAmendment};
use store::crm::contracts::{self, NewContract};
use store::crm::tariffs;
use store::identity::{Author, User};
use store::servicedesk::sla::{self, SlaState};
use store::servicedesk::tickets::{self, ListQuery, NewTicket, Ticket, TicketChange};
use store::{Db, storage_test};

/// Reads a Moscow wall-clock time.
fn msk(local: &str) -> DateTime<Utc> {
    let local: NaiveDateTime = local.parse().unwrap();
    Moscow
        .from_local_datetime(&local)
        .unwrap()
        .with_timezone(&Utc)
}

async fn ticket_at(db: &Db, client_id: Option<i64>, priority: Priority, at: &str) -> Ticket {
    let new = NewTicket {
        kind: Kind::Incident,
        source: Source::Staff,
        priority,
        queue: "L1".into(),
        title: "Магазин не открывается".into(),
        description: "Описание".into(),
        client_id,
        zabbix: None,
    };
    tickets::create(db, &new, &Author::system(), msk(at))
        .await
        .unwrap()
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

/// Makes the office calendar Mon–Fri 08:00–18:00 in Moscow, as in the known case.
async fn office_eight_to_six(db: &Db) {
    let stored = calendar::get(db, "office").await.unwrap().unwrap();
    let settings = CalendarSettings {
        name: stored.name,
        zone: Moscow,
        week: WeeklyHours::five_day(DayHours::parse("hours", "08:00-18:00").unwrap()),
        applies_shortened: true,
    };
    calendar::update(
        db,
        "office",
        stored.version,
        &settings,
        &Author::system(),
        domain::time::now(),
    )
    .await
    .unwrap();
}

/// Creates a client with an active contract from 2026-01-01 whose plan sets a P3
/// first-response target of 4 business hours on the office calendar. Returns the client
/// and contract ids.
async fn client_with_contract(db: &Db, third_party_stops_clock: bool) -> (i64, i64) {
    let mut sla = SlaPolicy::internal_default();
    sla.p3.first_response = SlaTarget::hours(4);
    sla.p3.resolution = SlaTarget::BusinessDays(2);
    let plan = TariffPlan {
        code: "business".into(),
        version: 1,
        name: "Бизнес".into(),
        monthly_price: Money::from_kopecks(499_000),
        limits: Limits::default(),
        sla,
        valid_from: "2026-01-01".parse().unwrap(),
        valid_to: None,
    };
    let vat = PlanVat {
        category: Some(VatCategory::Standard),
        exemption: None,
        included: true,
    };
    let now = domain::time::now();
    let plan = tariffs::create(db, &plan, &vat, &Author::system(), now)
        .await
        .unwrap();
    let client_id = client(db, "ООО «Ромашка»").await;
    let new = NewContract {
        series: "ДУ".into(),
        client_id,
        plan_id: plan.id,
        starts_on: "2026-01-01".parse().unwrap(),
        ends_on: None,
        auto_prolongation: false,
        monthly_price: None,
        third_party_stops_clock,
        signatory: None,
    };
    let draft = contracts::create(db, &new, &Author::system(), now)
        .await
        .unwrap();
    let signed = Conclusion::Signed {
        signed_on: "2025-12-25".parse().unwrap(),
    };
    let active = contracts::transition(
        db,
        draft.id,
        1,
        ContractStatus::Active,
        Some(&signed),
        &Author::system(),
        now,
    )
    .await
    .unwrap();
    (client_id, active.id)
}

async fn view(db: &Db, ticket: &Ticket, now: &str) -> domain::sla::TicketSla {
    let fresh = tickets::get(db, ticket.id).await.unwrap().unwrap();
    sla::view(db, &fresh, msk(now)).await.unwrap().sla.unwrap()
}

/// Assigns the ticket to `engineer` and starts work on it at `at`.
async fn start_work(db: &Db, ticket: &Ticket, engineer: &User, at: &str) -> Ticket {
    let change = TicketChange {
        assignee: Some(Some(engineer.login.clone())),
        ..TicketChange::default()
    };
    let assigned = tickets::update(
        db,
        ticket.id,
        ticket.version,
        &change,
        &author(engineer),
        msk(at),
    )
    .await
    .unwrap();
    tickets::transition(
        db,
        ticket.id,
        assigned.version,
        Status::InProgress,
        None,
        &author(engineer),
        msk(at),
    )
    .await
    .unwrap()
}

storage_test!(internal_policy_without_client, async |db: Db| {
    let ticket = ticket_at(&db, None, Priority::P3, "2026-03-02T10:00:00").await;
    let state = view(&db, &ticket, "2026-03-02T10:30:00").await;
    // P3: 8 business hours to the first response, 3 business days of 09:00–18:00 to resolve.
    assert_eq!(state.first_response.due, Some(msk("2026-03-02T18:00:00")));
    assert_eq!(state.resolution.due, Some(msk("2026-03-05T10:00:00")));
    assert!(!state.paused());

    let p1 = ticket_at(&db, None, Priority::P1, "2026-03-07T23:30:00").await;
    let state = view(&db, &p1, "2026-03-07T23:40:00").await;
    assert_eq!(
        state.first_response.due,
        Some(msk("2026-03-08T00:30:00")),
        "P1 runs 24x7"
    );
});

storage_test!(contract_terms_give_targets, async |db: Db| {
    office_eight_to_six(&db).await;
    let (client_id, _) = client_with_contract(&db, false).await;
    let ticket = ticket_at(&db, Some(client_id), Priority::P3, "2026-03-02T17:00:00").await;
    let view = sla::view(&db, &ticket, msk("2026-03-02T17:05:00"))
        .await
        .unwrap();
    assert!(view.policy.contract_id.is_some());
    assert_eq!(view.calendar, "office");
    let state = view.sla.unwrap();
    // Monday 17:00 with a 4-hour target on Mon–Fri 08:00–18:00: Tuesday 11:00.
    assert_eq!(state.first_response.due, Some(msk("2026-03-03T11:00:00")));
    assert_eq!(state.resolution.due, Some(msk("2026-03-04T17:00:00")));

    let other = client(&db, "ООО «Лютик»").await;
    let without_contract = ticket_at(&db, Some(other), Priority::P3, "2026-03-02T17:00:00").await;
    let view = sla::view(&db, &without_contract, msk("2026-03-02T17:05:00"))
        .await
        .unwrap();
    assert_eq!(view.policy.contract_id, None);
    assert_eq!(
        view.sla.unwrap().first_response.due,
        Some(msk("2026-03-03T15:00:00"))
    );
});

storage_test!(amendment_in_force_at_creation_applies, async |db: Db| {
    let (client_id, contract_id) = client_with_contract(&db, false).await;
    let mut p3 = SlaPolicy::internal_default().p3;
    p3.first_response = SlaTarget::hours(1);
    p3.resolution = SlaTarget::hours(6);
    let faster = NewAmendment {
        signed_on: Some("2026-03-01".parse().unwrap()),
        effective_on: Some("2026-03-10".parse().unwrap()),
        changes: TermsChange {
            sla: SlaChange {
                p3: Some(p3),
                ..SlaChange::default()
            },
            ..TermsChange::default()
        },
        ..NewAmendment::default()
    };
    amendments::add(
        &db,
        contract_id,
        &faster,
        &Author::system(),
        domain::time::now(),
    )
    .await
    .unwrap();

    let before = ticket_at(&db, Some(client_id), Priority::P3, "2026-03-09T10:00:00").await;
    let after = ticket_at(&db, Some(client_id), Priority::P3, "2026-03-10T10:00:00").await;
    let before = view(&db, &before, "2026-03-10T10:00:00").await;
    let after = view(&db, &after, "2026-03-10T10:00:00").await;
    assert_eq!(before.first_response.target_minutes, 240);
    assert_eq!(after.first_response.target_minutes, 60);
    assert_eq!(after.first_response.due, Some(msk("2026-03-10T11:00:00")));
});

storage_test!(out_of_hours_starts_next_opening, async |db: Db| {
    let ticket = ticket_at(&db, None, Priority::P3, "2026-03-14T12:00:00").await;
    let state = view(&db, &ticket, "2026-03-14T12:30:00").await;
    assert_eq!(
        state.first_response.due,
        Some(msk("2026-03-16T17:00:00")),
        "Monday 09:00 + 8 h"
    );

    // Saturday 7 March starts on Tuesday 10 March, because 8 and 9 March are holidays.
    let holiday = ticket_at(&db, None, Priority::P3, "2026-03-07T12:00:00").await;
    let state = view(&db, &holiday, "2026-03-07T12:30:00").await;
    assert_eq!(state.first_response.due, Some(msk("2026-03-10T17:00:00")));
    assert_eq!(state.first_response.remaining_minutes, 480);
    assert!(matches!(
        state.stopped,
        Some(StopReason::OutsideBusinessHours { .. })
    ));
});

storage_test!(shortened_day_and_holidays, async |db: Db| {
    // 30 April 2026 closes at 17:00; 1–3 May are days off.
    let ticket = ticket_at(&db, None, Priority::P3, "2026-04-30T15:00:00").await;
    let state = view(&db, &ticket, "2026-04-30T15:10:00").await;
    assert_eq!(state.first_response.due, Some(msk("2026-05-04T15:00:00")));
});

storage_test!(client_pending_stops_clock, async |db: Db| {
    let engineer = staff(&db, "ivanov", Role::Support, &["L1"]).await;
    let ticket = ticket_at(&db, None, Priority::P3, "2026-03-02T10:00:00").await;
    let working = start_work(&db, &ticket, &engineer, "2026-03-02T10:30:00").await;
    let waiting = tickets::transition(
        &db,
        ticket.id,
        working.version,
        Status::Pending,
        Some(PendingReason::Client),
        &author(&engineer),
        msk("2026-03-02T11:00:00"),
    )
    .await
    .unwrap();

    let paused = view(&db, &ticket, "2026-03-02T13:00:00").await;
    assert!(paused.paused());
    assert_eq!(paused.paused_since, Some(msk("2026-03-02T11:00:00")));
    assert_eq!(paused.first_response.remaining_minutes, 420);
    assert!(matches!(
        paused.stopped,
        Some(StopReason::Pending {
            reason: PendingReason::Client
        })
    ));

    tickets::transition(
        &db,
        ticket.id,
        waiting.version,
        Status::InProgress,
        None,
        &author(&engineer),
        msk("2026-03-02T14:00:00"),
    )
    .await
    .unwrap();
    let resumed = view(&db, &ticket, "2026-03-02T14:30:00").await;
    assert!(!resumed.paused());
    // 1 h before the pause, 4 h after it on Monday, 3 h on Tuesday.
    assert_eq!(resumed.first_response.due, Some(msk("2026-03-03T12:00:00")));
});

storage_test!(third_party_stops_clock_by_contract, async |db: Db| {
    let engineer = staff(&db, "ivanov", Role::Support, &["L1"]).await;
    let (stopping_client, _) = client_with_contract(&db, true).await;
    let ticket = ticket_at(
        &db,
        Some(stopping_client),
        Priority::P3,
        "2026-03-02T10:00:00",
    )
    .await;
    let working = start_work(&db, &ticket, &engineer, "2026-03-02T10:00:00").await;
    tickets::transition(
        &db,
        ticket.id,
        working.version,
        Status::Pending,
        Some(PendingReason::ThirdParty),
        &author(&engineer),
        msk("2026-03-02T11:00:00"),
    )
    .await
    .unwrap();
    let state = view(&db, &ticket, "2026-03-02T16:00:00").await;
    assert!(
        state.paused(),
        "the contract stops the clock for third parties"
    );
    assert_eq!(state.first_response.remaining_minutes, 180);

    let internal = ticket_at(&db, None, Priority::P3, "2026-03-02T10:00:00").await;
    let working = start_work(&db, &internal, &engineer, "2026-03-02T10:00:00").await;
    tickets::transition(
        &db,
        internal.id,
        working.version,
        Status::Pending,
        Some(PendingReason::ThirdParty),
        &author(&engineer),
        msk("2026-03-02T11:00:00"),
    )
    .await
    .unwrap();
    let state = view(&db, &internal, "2026-03-02T16:00:00").await;
    assert!(
        !state.paused(),
        "waiting on a third party keeps the clock running"
    );
    assert_eq!(state.first_response.remaining_minutes, 120);
});

storage_test!(first_public_staff_comment_responds, async |db: Db| {
    let engineer = staff(&db, "ivanov", Role::Support, &["L1"]).await;
    let ticket = ticket_at(&db, None, Priority::P3, "2026-03-02T10:00:00").await;
    tickets::add_comment(
        &db,
        ticket.id,
        "Смотрим внутри",
        false,
        &author(&engineer),
        msk("2026-03-02T11:00:00"),
    )
    .await
    .unwrap();
    let internal_only = view(&db, &ticket, "2026-03-02T12:00:00").await;
    assert_eq!(internal_only.first_response.met_at, None);

    tickets::add_comment(
        &db,
        ticket.id,
        "Здравствуйте, разбираемся",
        true,
        &author(&engineer),
        msk("2026-03-02T12:00:00"),
    )
    .await
    .unwrap();
    let answered = view(&db, &ticket, "2026-03-04T12:00:00").await;
    assert_eq!(
        answered.first_response.met_at,
        Some(msk("2026-03-02T12:00:00"))
    );
    assert!(!answered.first_response.breached);
    assert_eq!(answered.first_response.remaining_minutes, 360);
});

storage_test!(list_filters_at_risk_and_breached, async |db: Db| {
    let engineer = staff(&db, "ivanov", Role::Support, &["L1"]).await;
    // P1 runs on 24x7 with a 1 h first-response target: one ticket 2 h old, one 50 min old, one 10 min old.
    let now = domain::time::now();
    let at = |minutes_ago: i64| {
        (now - chrono::Duration::minutes(minutes_ago))
            .with_timezone(&Moscow)
            .naive_local()
            .format("%Y-%m-%dT%H:%M:%S")
            .to_string()
    };
    let breached = ticket_at(&db, None, Priority::P1, &at(120)).await;
    let at_risk = ticket_at(&db, None, Priority::P1, &at(50)).await;
    let fresh = ticket_at(&db, None, Priority::P1, &at(10)).await;
    let waiting = ticket_at(&db, None, Priority::P1, &at(55)).await;
    let working = start_work(&db, &waiting, &engineer, &at(54)).await;
    tickets::transition(
        &db,
        waiting.id,
        working.version,
        Status::Pending,
        Some(PendingReason::Client),
        &author(&engineer),
        msk(&at(53)),
    )
    .await
    .unwrap();

    let ids = |state: SlaState| {
        let db = db.clone();
        async move {
            let query = ListQuery {
                sla: Some((state, now)),
                ..ListQuery::default()
            };
            let (found, total) = tickets::list(&db, &query).await.unwrap();
            assert_eq!(found.len() as i64, total);
            let mut ids: Vec<i64> = found.iter().map(|t| t.id).collect();
            ids.sort();
            ids
        }
    };
    assert_eq!(ids(SlaState::Breached).await, vec![breached.id]);
    assert_eq!(ids(SlaState::AtRisk).await, vec![at_risk.id]);
    assert!(!ids(SlaState::AtRisk).await.contains(&fresh.id));
    assert!(
        !ids(SlaState::Breached).await.contains(&waiting.id),
        "a paused clock is not breached"
    );
});
