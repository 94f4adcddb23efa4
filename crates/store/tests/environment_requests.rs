//! Ticket checklists, environment requests and the strictest contract SLA of a Zabbix
//! incident, on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::Moscow;
use common::{author, staff};
use domain::Error as DomainError;
use domain::crm::{Conclusion, ContractStatus, Limits, PlanVat, TariffPlan};
use domain::identity::Role;
use domain::infra::EnvironmentKind;
use domain::money::Money;
use domain::servicedesk::{Kind, Priority, Source, Status};
use domain::sla::{SlaPolicy, SlaTarget};
use domain::vat::VatCategory;
use store::crm::contracts::{self, NewContract};
use store::crm::tariffs;
use store::identity::{Author, User};
use store::infra::{EnvironmentDraft, environments};
use store::servicedesk::checklist;
use store::servicedesk::environment_requests::{self, NewEnvironmentRequest};
use store::servicedesk::sla;
use store::servicedesk::tickets::{self, NewTicket, Ticket, TicketChange, ZabbixOrigin};
use store::{Db, args, storage_test};

/// Reads a Moscow wall-clock time.
fn msk(local: &str) -> DateTime<Utc> {
    let local: NaiveDateTime = local.parse().unwrap();
    Moscow
        .from_local_datetime(&local)
        .unwrap()
        .with_timezone(&Utc)
}

fn new_ticket(kind: Kind, queue: &str) -> NewTicket {
    NewTicket {
        kind,
        source: Source::Staff,
        priority: Priority::P3,
        queue: queue.into(),
        title: "Нужен стенд".into(),
        description: String::new(),
        client_id: None,
        zabbix: None,
    }
}

fn request(name: &str) -> NewEnvironmentRequest {
    NewEnvironmentRequest {
        ticket: new_ticket(Kind::Request, "infrastructure"),
        name: name.into(),
        kind: EnvironmentKind::Test,
        cluster_id: None,
        checklist: vec!["Выделить ресурсы".into(), "Настроить доступы".into()],
    }
}

/// Assigns the ticket to `engineer` and starts work on it.
async fn start_work(db: &Db, ticket: &Ticket, engineer: &User) -> Ticket {
    let change = TicketChange {
        assignee: Some(Some(engineer.login.clone())),
        ..TicketChange::default()
    };
    let now = domain::time::now();
    let assigned = tickets::update(
        db,
        ticket.id,
        ticket.version,
        &change,
        &author(engineer),
        now,
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
        now,
    )
    .await
    .unwrap()
}

async fn resolve(db: &Db, ticket: &Ticket, engineer: &User) -> store::Result<Ticket> {
    tickets::transition(
        db,
        ticket.id,
        ticket.version,
        Status::Resolved,
        None,
        &author(engineer),
        domain::time::now(),
    )
    .await
}

async fn tick_all(db: &Db, ticket_id: i64, engineer: &User) {
    for item in checklist::list(db, ticket_id).await.unwrap() {
        checklist::set_done(
            db,
            ticket_id,
            item.id,
            item.version,
            true,
            &author(engineer),
            domain::time::now(),
        )
        .await
        .unwrap();
    }
}

async fn environment_count(db: &Db, name: &str) -> i64 {
    db.fetch_scalar(
        "SELECT COUNT(*) FROM environments WHERE name = $1",
        args![name],
    )
    .await
    .unwrap()
}

storage_test!(checklist_tick_records_who, async |db: Db| {
    let engineer = staff(&db, "engineer", Role::Support, &["L1"]).await;
    let ticket = tickets::create(
        &db,
        &new_ticket(Kind::Request, "L1"),
        &Author::system(),
        domain::time::now(),
    )
    .await
    .unwrap();
    let first = checklist::add(
        &db,
        ticket.id,
        "  Выделить ресурсы ",
        &author(&engineer),
        domain::time::now(),
    )
    .await
    .unwrap();
    let second = checklist::add(
        &db,
        ticket.id,
        "Настроить доступы",
        &author(&engineer),
        domain::time::now(),
    )
    .await
    .unwrap();
    assert_eq!(first.text, "Выделить ресурсы");
    assert_eq!((first.position, second.position), (1, 2));
    assert!(!first.done);

    let ticked = checklist::set_done(
        &db,
        ticket.id,
        first.id,
        first.version,
        true,
        &author(&engineer),
        domain::time::now(),
    )
    .await
    .unwrap();
    assert!(ticked.done);
    assert_eq!(ticked.done_by, Some(engineer.id));
    assert_eq!(ticked.done_by_label.as_deref(), Some("engineer"));
    assert!(ticked.done_at.is_some());
    assert_eq!(ticked.version, first.version + 1);

    let history: Vec<(String,)> = db
        .fetch_all(
            "SELECT field FROM ticket_history WHERE ticket_id = $1 AND field LIKE 'checklist%' \
             ORDER BY id",
            args![ticket.id],
        )
        .await
        .unwrap();
    let fields: Vec<&str> = history.iter().map(|(f,)| f.as_str()).collect();
    assert_eq!(
        fields,
        ["checklist_added", "checklist_added", "checklist_done"]
    );
});

storage_test!(checklist_stale_version_conflicts, async |db: Db| {
    let engineer = staff(&db, "engineer", Role::Support, &["L1"]).await;
    let ticket = tickets::create(
        &db,
        &new_ticket(Kind::Request, "L1"),
        &Author::system(),
        domain::time::now(),
    )
    .await
    .unwrap();
    let item = checklist::add(
        &db,
        ticket.id,
        "Проверить мониторинг",
        &author(&engineer),
        domain::time::now(),
    )
    .await
    .unwrap();
    checklist::set_done(
        &db,
        ticket.id,
        item.id,
        item.version,
        true,
        &author(&engineer),
        domain::time::now(),
    )
    .await
    .unwrap();

    let error = checklist::set_done(
        &db,
        ticket.id,
        item.id,
        item.version,
        false,
        &author(&engineer),
        domain::time::now(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(error, store::Error::Domain(DomainError::Conflict { .. })),
        "{error:?}"
    );
    let stored = checklist::list(&db, ticket.id).await.unwrap();
    assert!(stored[0].done, "the stale untick changed nothing");
});

storage_test!(checklist_item_of_other_ticket_not_found, async |db: Db| {
    let engineer = staff(&db, "engineer", Role::Support, &["L1"]).await;
    let now = domain::time::now();
    let one = tickets::create(
        &db,
        &new_ticket(Kind::Request, "L1"),
        &Author::system(),
        now,
    )
    .await
    .unwrap();
    let other = tickets::create(
        &db,
        &new_ticket(Kind::Request, "L1"),
        &Author::system(),
        now,
    )
    .await
    .unwrap();
    let item = checklist::add(&db, one.id, "Выделить ресурсы", &author(&engineer), now)
        .await
        .unwrap();
    let error = checklist::set_done(
        &db,
        other.id,
        item.id,
        item.version,
        true,
        &author(&engineer),
        now,
    )
    .await
    .unwrap_err();
    assert!(
        matches!(error, store::Error::Domain(DomainError::NotFound)),
        "{error:?}"
    );
});

storage_test!(checklist_rejects_blank_item, async |db: Db| {
    let ticket = tickets::create(
        &db,
        &new_ticket(Kind::Request, "L1"),
        &Author::system(),
        domain::time::now(),
    )
    .await
    .unwrap();
    let error = checklist::add(
        &db,
        ticket.id,
        "   ",
        &Author::system(),
        domain::time::now(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&error, store::Error::Domain(DomainError::Invalid(invalid)) if invalid.field == "text"),
        "{error:?}"
    );
    assert!(checklist::list(&db, ticket.id).await.unwrap().is_empty());
});

storage_test!(resolution_refused_while_item_open, async |db: Db| {
    let engineer = staff(&db, "engineer", Role::Support, &["infrastructure"]).await;
    let ticket = environment_requests::create(
        &db,
        &request("stage-42"),
        &author(&engineer),
        domain::time::now(),
    )
    .await
    .unwrap();
    let working = start_work(&db, &ticket, &engineer).await;
    let items = checklist::list(&db, ticket.id).await.unwrap();
    checklist::set_done(
        &db,
        ticket.id,
        items[0].id,
        items[0].version,
        true,
        &author(&engineer),
        domain::time::now(),
    )
    .await
    .unwrap();

    let error = resolve(&db, &working, &engineer).await.unwrap_err();
    match &error {
        store::Error::Domain(DomainError::Invalid(invalid)) => {
            assert_eq!(invalid.field, "checklist");
            assert!(
                invalid
                    .args
                    .contains(&("item", "Настроить доступы".to_string()))
            );
        }
        other => panic!("expected an open-checklist error, got {other:?}"),
    }
    let stored = tickets::get(&db, ticket.id).await.unwrap().unwrap();
    assert_eq!(stored.status, Status::InProgress);
    assert_eq!(environment_count(&db, "stage-42").await, 0);
});

storage_test!(environment_created_on_resolution, async |db: Db| {
    let engineer = staff(&db, "engineer", Role::Support, &["infrastructure"]).await;
    let ticket = environment_requests::create(
        &db,
        &request("stage-42"),
        &author(&engineer),
        domain::time::now(),
    )
    .await
    .unwrap();
    assert_eq!(ticket.kind, Kind::Request);
    assert_eq!(checklist::list(&db, ticket.id).await.unwrap().len(), 2);
    let working = start_work(&db, &ticket, &engineer).await;
    tick_all(&db, ticket.id, &engineer).await;
    let working = tickets::get(&db, working.id).await.unwrap().unwrap();

    let resolved = resolve(&db, &working, &engineer).await.unwrap();
    assert_eq!(resolved.status, Status::Resolved);

    let request = environment_requests::get(&db, ticket.id)
        .await
        .unwrap()
        .unwrap();
    let environment_id = request
        .environment_id
        .expect("environment linked to the ticket");
    let environment = environments::get(&db, environment_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(environment.name, "stage-42");
    assert_eq!(environment.kind, EnvironmentKind::Test);
    let link = environment_requests::ticket_of_environment(&db, environment_id)
        .await
        .unwrap();
    assert_eq!(link, Some((ticket.id, ticket.number.clone())));

    // Reopening and resolving again keeps the one environment.
    let reopened = tickets::transition(
        &db,
        ticket.id,
        resolved.version,
        Status::InProgress,
        None,
        &author(&engineer),
        domain::time::now(),
    )
    .await
    .unwrap();
    resolve(&db, &reopened, &engineer).await.unwrap();
    assert_eq!(environment_count(&db, "stage-42").await, 1);
});

storage_test!(request_rejects_taken_name, async |db: Db| {
    let engineer = staff(&db, "engineer", Role::Support, &["infrastructure"]).await;
    let draft = EnvironmentDraft {
        name: "stage-42".into(),
        kind: EnvironmentKind::Staging,
        cluster_id: None,
        description: None,
        host_ids: Vec::new(),
        client_ids: Vec::new(),
        shop_ids: Vec::new(),
    };
    environments::create(&db, &draft, &Author::system(), domain::time::now())
        .await
        .unwrap();
    let tickets_before: i64 = db
        .fetch_scalar("SELECT COUNT(*) FROM tickets", Vec::new())
        .await
        .unwrap();

    let error = environment_requests::create(
        &db,
        &request("stage-42"),
        &author(&engineer),
        domain::time::now(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&error, store::Error::Domain(DomainError::Duplicate { field, value })
            if field == "environment.name" && value == "stage-42"),
        "{error:?}"
    );
    let tickets_after: i64 = db
        .fetch_scalar("SELECT COUNT(*) FROM tickets", Vec::new())
        .await
        .unwrap();
    assert_eq!(tickets_after, tickets_before, "no ticket was created");
});

storage_test!(resolution_rejects_name_taken_since, async |db: Db| {
    let engineer = staff(&db, "engineer", Role::Support, &["infrastructure"]).await;
    let ticket = environment_requests::create(
        &db,
        &request("stage-42"),
        &author(&engineer),
        domain::time::now(),
    )
    .await
    .unwrap();
    start_work(&db, &ticket, &engineer).await;
    tick_all(&db, ticket.id, &engineer).await;
    let draft = EnvironmentDraft {
        name: "stage-42".into(),
        kind: EnvironmentKind::Prod,
        cluster_id: None,
        description: None,
        host_ids: Vec::new(),
        client_ids: Vec::new(),
        shop_ids: Vec::new(),
    };
    environments::create(&db, &draft, &Author::system(), domain::time::now())
        .await
        .unwrap();

    let working = tickets::get(&db, ticket.id).await.unwrap().unwrap();
    let error = resolve(&db, &working, &engineer).await.unwrap_err();
    assert!(
        matches!(&error, store::Error::Domain(DomainError::Duplicate { .. })),
        "{error:?}"
    );
    let stored = tickets::get(&db, ticket.id).await.unwrap().unwrap();
    assert_eq!(
        stored.status,
        Status::InProgress,
        "the resolution rolled back"
    );
    assert_eq!(environment_count(&db, "stage-42").await, 1);
    let request = environment_requests::get(&db, ticket.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(request.environment_id, None);
});

storage_test!(request_kind_must_be_request, async |db: Db| {
    let mut wrong = request("stage-42");
    wrong.ticket.kind = Kind::Incident;
    let error = environment_requests::create(&db, &wrong, &Author::system(), domain::time::now())
        .await
        .unwrap_err();
    assert!(
        matches!(&error, store::Error::Domain(DomainError::Invalid(invalid)) if invalid.field == "kind"),
        "{error:?}"
    );
});

async fn client(db: &Db, name: &str) -> i64 {
    let now = domain::time::now();
    let mut tx = db.begin().await.unwrap();
    let id = tx
        .fetch_scalar(
            "INSERT INTO clients (name, name_folded, created_at, updated_at) \
             VALUES ($1, $2, $3, $3) RETURNING id",
            args![name, name.to_lowercase(), now],
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

/// Creates an active contract from 2026-01-01 for `client_id` on a plan of `code` whose P2
/// targets are `first_response` / `resolution` business hours on the office calendar.
async fn contract(
    db: &Db,
    client_id: i64,
    code: &str,
    first_response: u32,
    resolution: u32,
) -> i64 {
    let mut sla = SlaPolicy::internal_default();
    sla.p2.first_response = SlaTarget::hours(first_response);
    sla.p2.resolution = SlaTarget::hours(resolution);
    let plan = TariffPlan {
        code: code.into(),
        version: 1,
        name: code.into(),
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
    let new = NewContract {
        series: "ДУ".into(),
        client_id,
        plan_id: plan.id,
        starts_on: "2026-01-01".parse().unwrap(),
        ends_on: None,
        auto_prolongation: false,
        monthly_price: None,
        third_party_stops_clock: false,
        signatory: None,
    };
    let draft = contracts::create(db, &new, &Author::system(), now)
        .await
        .unwrap();
    let signed = Conclusion::Signed {
        signed_on: "2025-12-25".parse().unwrap(),
    };
    contracts::transition(
        db,
        draft.id,
        1,
        ContractStatus::Active,
        Some(&signed),
        &Author::system(),
        now,
    )
    .await
    .unwrap()
    .id
}

/// Puts environment `name` on host `host` serving `client_ids` directly and the shops of
/// `shop_clients`.
async fn environment_on_host(
    db: &Db,
    name: &str,
    host: &str,
    client_ids: Vec<i64>,
    shop_clients: &[i64],
) {
    let now = domain::time::now();
    let (host, _) = store::metrics::ensure_host(db, host, now).await.unwrap();
    let mut shop_ids = Vec::new();
    for (index, client_id) in shop_clients.iter().enumerate() {
        let shop = store::shops::NewShop {
            slug: format!("{name}-shop-{index}"),
            name: format!("Магазин {index}"),
            time_zone: "Europe/Moscow".into(),
            client_id: Some(*client_id),
        };
        shop_ids.push(store::shops::create(db, &shop, now).await.unwrap().0.id);
    }
    let draft = EnvironmentDraft {
        name: name.into(),
        kind: EnvironmentKind::Prod,
        cluster_id: None,
        description: None,
        host_ids: vec![host.id],
        client_ids,
        shop_ids,
    };
    environments::create(db, &draft, &Author::system(), now)
        .await
        .unwrap();
}

async fn zabbix_incident(db: &Db, host: &str, at: &str) -> Ticket {
    let new = NewTicket {
        kind: Kind::Incident,
        source: Source::Zabbix,
        priority: Priority::P2,
        queue: "L1".into(),
        title: "Disk full".into(),
        description: String::new(),
        client_id: None,
        zabbix: Some(ZabbixOrigin {
            event_id: 5001,
            host: Some(host.into()),
            host_name: Some(host.into()),
            ..ZabbixOrigin::default()
        }),
    };
    tickets::create(db, &new, &Author::integration("zabbix"), msk(at))
        .await
        .unwrap()
}

storage_test!(strictest_contract_of_affected_clients, async |db: Db| {
    let relaxed = client(&db, "ООО «Лютик»").await;
    let strict = client(&db, "ООО «Ромашка»").await;
    contract(&db, relaxed, "basic", 4, 16).await;
    let strict_contract = contract(&db, strict, "premium", 2, 6).await;
    // The relaxed client is linked to the environment, the strict one runs a shop there.
    environment_on_host(&db, "prod-1", "db-01", vec![relaxed], &[strict]).await;

    let ticket = zabbix_incident(&db, "db-01", "2026-03-02T10:00:00").await;
    let view = sla::view(&db, &ticket, msk("2026-03-02T10:05:00"))
        .await
        .unwrap();
    assert_eq!(view.policy.contract_id, Some(strict_contract));
    assert!(view.policy.strictest);
    let state = view.sla.unwrap();
    assert_eq!(state.resolution.target_minutes, 6 * 60);
    assert_eq!(state.first_response.target_minutes, 2 * 60);
});

storage_test!(strictest_tie_takes_faster_response, async |db: Db| {
    let one = client(&db, "ООО «Лютик»").await;
    let two = client(&db, "ООО «Ромашка»").await;
    contract(&db, one, "basic", 4, 8).await;
    let faster = contract(&db, two, "premium", 1, 8).await;
    environment_on_host(&db, "prod-1", "db-01", vec![one, two], &[]).await;

    let ticket = zabbix_incident(&db, "db-01", "2026-03-02T10:00:00").await;
    let view = sla::view(&db, &ticket, msk("2026-03-02T10:05:00"))
        .await
        .unwrap();
    assert_eq!(view.policy.contract_id, Some(faster));
});

storage_test!(
    affected_clients_without_contracts_use_internal,
    async |db: Db| {
        let one = client(&db, "ООО «Лютик»").await;
        environment_on_host(&db, "prod-1", "db-01", vec![one], &[]).await;

        let ticket = zabbix_incident(&db, "db-01", "2026-03-02T10:00:00").await;
        let view = sla::view(&db, &ticket, msk("2026-03-02T10:05:00"))
            .await
            .unwrap();
        assert_eq!(view.policy.contract_id, None);
        assert!(!view.policy.strictest);
        assert_eq!(view.policy.policy, sla::internal_policy(&db).await.unwrap());
    }
);

storage_test!(unknown_host_uses_internal, async |db: Db| {
    let one = client(&db, "ООО «Лютик»").await;
    contract(&db, one, "premium", 1, 2).await;
    environment_on_host(&db, "prod-1", "db-01", vec![one], &[]).await;

    let ticket = zabbix_incident(&db, "web-07", "2026-03-02T10:00:00").await;
    let view = sla::view(&db, &ticket, msk("2026-03-02T10:05:00"))
        .await
        .unwrap();
    assert_eq!(view.policy.contract_id, None);
});
