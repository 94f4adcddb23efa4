//! Ticket storage on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::Duration;
use common::{author, staff};
use domain::Error as DomainError;
use domain::identity::Role;
use domain::servicedesk::{Kind, LinkKind, PendingReason, Priority, Source, Status};
use store::identity::Author;
use store::identity::users;
use store::servicedesk::history;
use store::servicedesk::tickets::{
    self, AssigneeFilter, ListQuery, NewTicket, SortColumn, TicketChange,
};
use store::{Db, Error, storage_test};

fn new_ticket(kind: Kind, title: &str) -> NewTicket {
    NewTicket {
        kind,
        source: Source::Staff,
        priority: Priority::P3,
        queue: "L1".into(),
        title: title.into(),
        description: "Описание".into(),
        client_id: None,
        zabbix: None,
    }
}

async fn create(db: &Db, kind: Kind, title: &str) -> tickets::Ticket {
    tickets::create(
        db,
        &new_ticket(kind, title),
        &Author::system(),
        domain::time::now(),
    )
    .await
    .unwrap()
}

storage_test!(numbers_count_per_kind, async |db: Db| {
    let first = create(&db, Kind::Incident, "one").await;
    let second = create(&db, Kind::Incident, "two").await;
    let request = create(&db, Kind::Request, "three").await;
    assert_eq!(first.number, "INC-000001");
    assert_eq!(second.number, "INC-000002");
    assert_eq!(request.number, "REQ-000001");
});

storage_test!(new_ticket_starts_new_version_one, async |db: Db| {
    let ticket = create(&db, Kind::Question, "Вопрос").await;
    assert_eq!(ticket.status, Status::New);
    assert_eq!(ticket.version, 1);
    assert_eq!(ticket.queue, "L1");
    let lines = history::list(&db, ticket.id).await.unwrap();
    assert_eq!(lines[0].field, "created");
});

storage_test!(unknown_queue_is_rejected, async |db: Db| {
    let mut new = new_ticket(Kind::Incident, "x");
    new.queue = "L9".into();
    let error = tickets::create(&db, &new, &Author::system(), domain::time::now())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Domain(DomainError::Invalid(ref i)) if i.field == "queue"));
    let (all, total) = tickets::list(&db, &ListQuery::default()).await.unwrap();
    assert_eq!(total, 0);
    assert!(all.is_empty());
});

storage_test!(stale_version_is_conflict, async |db: Db| {
    let engineer = staff(&db, "ivanov", Role::Support, &["L1"]).await;
    let ticket = create(&db, Kind::Incident, "title").await;
    let change = TicketChange {
        title: Some("first edit".into()),
        ..TicketChange::default()
    };
    let now = domain::time::now();
    tickets::update(&db, ticket.id, 1, &change, &author(&engineer), now)
        .await
        .unwrap();
    let stale = TicketChange {
        title: Some("second edit".into()),
        ..TicketChange::default()
    };
    let error = tickets::update(&db, ticket.id, 1, &stale, &author(&engineer), now)
        .await
        .unwrap_err();
    assert!(matches!(
        error,
        Error::Domain(DomainError::Conflict {
            expected: 1,
            current: 2
        })
    ));
    let stored = tickets::get(&db, ticket.id).await.unwrap().unwrap();
    assert_eq!(stored.title, "first edit");
});

storage_test!(assignee_must_be_queue_member, async |db: Db| {
    let outsider = staff(&db, "petrov", Role::Support, &["L2"]).await;
    let ticket = create(&db, Kind::Incident, "title").await;
    let change = TicketChange {
        assignee: Some(Some("petrov".into())),
        ..TicketChange::default()
    };
    let error = tickets::update(
        &db,
        ticket.id,
        1,
        &change,
        &author(&outsider),
        domain::time::now(),
    )
    .await
    .unwrap_err();
    assert!(matches!(error, Error::Domain(DomainError::Invalid(ref i)) if i.field == "assignee"));
    let stored = tickets::get(&db, ticket.id).await.unwrap().unwrap();
    assert_eq!(stored.assignee, None);
    assert_eq!(stored.version, 1);
});

storage_test!(queue_with_assigned_tickets_is_kept, async |db: Db| {
    let engineer = staff(&db, "ivanov", Role::Support, &["L1", "L2"]).await;
    let ticket = create(&db, Kind::Incident, "title").await;
    let change = TicketChange {
        assignee: Some(Some("ivanov".into())),
        ..TicketChange::default()
    };
    let now = domain::time::now();
    tickets::update(&db, ticket.id, 1, &change, &author(&engineer), now)
        .await
        .unwrap();

    let only_l2 = vec!["L2".to_string()];
    let error = users::set_queues(&db, engineer.id, &only_l2, &Author::system(), now)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Domain(DomainError::Invalid(ref i)) if i.field == "queues"));
    let kept = users::queues_of(&db, engineer.id).await.unwrap();
    assert_eq!(kept, vec!["L1".to_string(), "L2".to_string()]);

    // A refused queue change also refuses the rest of the edit.
    let before = users::get(&db, engineer.id).await.unwrap().unwrap();
    let rename = users::UserChange {
        display_name: Some("Иванов И. И.".into()),
        disabled: Some(true),
        ..users::UserChange::default()
    };
    let error = users::update_with_queues(
        &db,
        engineer.id,
        Some(before.version),
        &rename,
        Some(&only_l2),
        &Author::system(),
        now,
    )
    .await
    .unwrap_err();
    assert!(matches!(error, Error::Domain(DomainError::Invalid(ref i)) if i.field == "queues"));
    let after = users::get(&db, engineer.id).await.unwrap().unwrap();
    assert_eq!(after.display_name, before.display_name);
    assert!(!after.disabled);
    assert_eq!(after.version, before.version);

    let both_and_more = vec![
        "L1".to_string(),
        "L2".to_string(),
        "development".to_string(),
    ];
    users::set_queues(&db, engineer.id, &both_and_more, &Author::system(), now)
        .await
        .unwrap();
});

storage_test!(assignment_then_full_workflow, async |db: Db| {
    let engineer = staff(&db, "ivanov", Role::Support, &["L1"]).await;
    let by = author(&engineer);
    let now = domain::time::now();
    let ticket = create(&db, Kind::Incident, "Не открывается сайт").await;

    let change = TicketChange {
        assignee: Some(Some("IVANOV".into())),
        ..TicketChange::default()
    };
    let ticket = tickets::update(&db, ticket.id, ticket.version, &change, &by, now)
        .await
        .unwrap();
    assert_eq!(ticket.status, Status::Assigned);
    assert_eq!(ticket.assignee.as_deref(), Some("ivanov"));
    assert!(ticket.touched_by_person);

    let ticket = tickets::transition(
        &db,
        ticket.id,
        ticket.version,
        Status::InProgress,
        None,
        &by,
        now,
    )
    .await
    .unwrap();
    let ticket = tickets::transition(
        &db,
        ticket.id,
        ticket.version,
        Status::Pending,
        Some(PendingReason::Client),
        &by,
        now,
    )
    .await
    .unwrap();
    assert_eq!(ticket.pending_reason, Some(PendingReason::Client));
    let ticket = tickets::transition(
        &db,
        ticket.id,
        ticket.version,
        Status::InProgress,
        None,
        &by,
        now,
    )
    .await
    .unwrap();
    assert_eq!(ticket.pending_reason, None);
    let ticket = tickets::transition(
        &db,
        ticket.id,
        ticket.version,
        Status::Resolved,
        None,
        &by,
        now,
    )
    .await
    .unwrap();
    assert_eq!(ticket.resolved_at, Some(now));
    let ticket = tickets::transition(
        &db,
        ticket.id,
        ticket.version,
        Status::Closed,
        None,
        &by,
        now,
    )
    .await
    .unwrap();
    assert_eq!(ticket.status, Status::Closed);
    assert_eq!(ticket.closed_at, Some(now));

    let statuses: Vec<String> = history::list(&db, ticket.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|l| l.field == "status")
        .filter_map(|l| l.new_value)
        .collect();
    assert_eq!(
        statuses,
        [
            "assigned",
            "in_progress",
            "pending (client)",
            "in_progress",
            "resolved",
            "closed"
        ]
    );
});

storage_test!(forbidden_transition_changes_nothing, async |db: Db| {
    let ticket = create(&db, Kind::Incident, "x").await;
    let error = tickets::transition(
        &db,
        ticket.id,
        1,
        Status::Closed,
        None,
        &Author::system(),
        domain::time::now(),
    )
    .await
    .unwrap_err();
    assert!(matches!(
        error,
        Error::Domain(DomainError::InvalidTransition { .. })
    ));
    let stored = tickets::get(&db, ticket.id).await.unwrap().unwrap();
    assert_eq!(stored.status, Status::New);
    assert_eq!(stored.version, 1);
});

storage_test!(
    first_public_staff_comment_is_first_response,
    async |db: Db| {
        let engineer = staff(&db, "ivanov", Role::Support, &["L1"]).await;
        let ticket = create(&db, Kind::Question, "x").await;
        let t0 = domain::time::now();
        tickets::add_comment(
            &db,
            ticket.id,
            "internal note",
            false,
            &author(&engineer),
            t0,
        )
        .await
        .unwrap();
        let stored = tickets::get(&db, ticket.id).await.unwrap().unwrap();
        assert_eq!(stored.first_response_at, None);

        let t1 = t0 + Duration::minutes(5);
        tickets::add_comment(
            &db,
            ticket.id,
            "Здравствуйте!",
            true,
            &author(&engineer),
            t1,
        )
        .await
        .unwrap();
        let t2 = t1 + Duration::minutes(5);
        tickets::add_comment(&db, ticket.id, "Ещё", true, &author(&engineer), t2)
            .await
            .unwrap();
        let stored = tickets::get(&db, ticket.id).await.unwrap().unwrap();
        assert_eq!(stored.first_response_at, Some(t1));

        let public = tickets::comments(&db, ticket.id, false).await.unwrap();
        assert_eq!(public.len(), 2);
        let all = tickets::comments(&db, ticket.id, true).await.unwrap();
        assert_eq!(all.len(), 3);
    }
);

storage_test!(search_folds_yo_and_case, async |db: Db| {
    create(&db, Kind::Incident, "Ёлочные игрушки не грузятся").await;
    create(&db, Kind::Incident, "Другое").await;
    for text in ["елочные", "ЁЛОЧНЫЕ", "ИГРУШКИ"] {
        let query = ListQuery {
            text: Some(text.into()),
            ..ListQuery::default()
        };
        let (found, total) = tickets::list(&db, &query).await.unwrap();
        assert_eq!(total, 1, "{text}");
        assert_eq!(found[0].title, "Ёлочные игрушки не грузятся");
    }
});

storage_test!(search_treats_percent_literally, async |db: Db| {
    create(&db, Kind::Incident, "Скидка 50% не применилась").await;
    create(&db, Kind::Incident, "Скидка 500 рублей").await;
    let query = ListQuery {
        text: Some("50%".into()),
        ..ListQuery::default()
    };
    let (_, total) = tickets::list(&db, &query).await.unwrap();
    assert_eq!(total, 1);
});

storage_test!(list_filters_sorts_and_pages, async |db: Db| {
    let engineer = staff(&db, "ivanov", Role::Support, &["L1"]).await;
    let now = domain::time::now();
    for i in 0..7 {
        let mut new = new_ticket(Kind::Incident, &format!("ticket {i}"));
        new.priority = if i % 2 == 0 {
            Priority::P1
        } else {
            Priority::P4
        };
        tickets::create(&db, &new, &Author::system(), now + Duration::seconds(i))
            .await
            .unwrap();
    }
    let first = tickets::list(&db, &ListQuery::default()).await.unwrap().0[0].clone();
    let change = TicketChange {
        assignee: Some(Some("ivanov".into())),
        ..TicketChange::default()
    };
    tickets::update(
        &db,
        first.id,
        first.version,
        &change,
        &author(&engineer),
        now,
    )
    .await
    .unwrap();

    let p1 = ListQuery {
        priority: Some(Priority::P1),
        ..ListQuery::default()
    };
    assert_eq!(tickets::list(&db, &p1).await.unwrap().1, 4);

    let mine = ListQuery {
        assignee: Some(AssigneeFilter::Login("ivanov".into())),
        ..ListQuery::default()
    };
    assert_eq!(tickets::list(&db, &mine).await.unwrap().1, 1);
    let unassigned = ListQuery {
        assignee: Some(AssigneeFilter::Unassigned),
        ..ListQuery::default()
    };
    assert_eq!(tickets::list(&db, &unassigned).await.unwrap().1, 6);

    let page = ListQuery {
        sort: SortColumn::CreatedAt,
        descending: false,
        limit: 3,
        offset: 3,
        ..ListQuery::default()
    };
    let (items, total) = tickets::list(&db, &page).await.unwrap();
    assert_eq!(total, 7);
    let titles: Vec<&str> = items.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(titles, ["ticket 3", "ticket 4", "ticket 5"]);

    let by_priority = ListQuery {
        sort: SortColumn::Priority,
        descending: false,
        ..ListQuery::default()
    };
    let items = tickets::list(&db, &by_priority).await.unwrap().0;
    assert_eq!(items[0].priority, Priority::P1);
    assert_eq!(items[6].priority, Priority::P4);

    let statuses = ListQuery {
        statuses: vec![Status::Assigned],
        ..ListQuery::default()
    };
    assert_eq!(tickets::list(&db, &statuses).await.unwrap().1, 1);
});

storage_test!(links_show_both_directions, async |db: Db| {
    let problem = create(&db, Kind::Problem, "root cause").await;
    let incident = create(&db, Kind::Incident, "symptom").await;
    let now = domain::time::now();
    tickets::add_link(
        &db,
        incident.id,
        problem.id,
        LinkKind::CausedBy,
        &Author::system(),
        now,
    )
    .await
    .unwrap();
    let from_incident = tickets::links(&db, incident.id).await.unwrap();
    assert_eq!(from_incident.len(), 1);
    assert!(from_incident[0].outgoing);
    assert_eq!(from_incident[0].other_number, problem.number);
    let from_problem = tickets::links(&db, problem.id).await.unwrap();
    assert!(!from_problem[0].outgoing);

    let again = tickets::add_link(
        &db,
        incident.id,
        problem.id,
        LinkKind::CausedBy,
        &Author::system(),
        now,
    )
    .await;
    assert!(matches!(
        again,
        Err(Error::Domain(DomainError::Duplicate { .. }))
    ));
    let own = tickets::add_link(
        &db,
        incident.id,
        incident.id,
        LinkKind::RelatesTo,
        &Author::system(),
        now,
    )
    .await;
    assert!(matches!(own, Err(Error::Domain(DomainError::Invalid(_)))));
});

storage_test!(auto_close_after_resolution, async |db: Db| {
    let engineer = staff(&db, "ivanov", Role::Support, &["L1"]).await;
    let by = author(&engineer);
    let t0 = domain::time::now();
    let ticket = create(&db, Kind::Incident, "x").await;
    let change = TicketChange {
        assignee: Some(Some("ivanov".into())),
        ..TicketChange::default()
    };
    let ticket = tickets::update(&db, ticket.id, ticket.version, &change, &by, t0)
        .await
        .unwrap();
    let ticket = tickets::transition(
        &db,
        ticket.id,
        ticket.version,
        Status::InProgress,
        None,
        &by,
        t0,
    )
    .await
    .unwrap();
    tickets::transition(
        &db,
        ticket.id,
        ticket.version,
        Status::Resolved,
        None,
        &by,
        t0,
    )
    .await
    .unwrap();

    let six_days = t0 + Duration::days(6);
    assert_eq!(
        tickets::close_resolved_before(&db, six_days - Duration::days(7), six_days)
            .await
            .unwrap(),
        0
    );
    let eight_days = t0 + Duration::days(8);
    assert_eq!(
        tickets::close_resolved_before(&db, eight_days - Duration::days(7), eight_days)
            .await
            .unwrap(),
        1
    );
    let stored = tickets::get(&db, ticket.id).await.unwrap().unwrap();
    assert_eq!(stored.status, Status::Closed);
});

storage_test!(audit_records_old_and_new, async |db: Db| {
    let engineer = staff(&db, "ivanov", Role::Support, &["L1"]).await;
    let ticket = create(&db, Kind::Incident, "before").await;
    let change = TicketChange {
        title: Some("after".into()),
        priority: Some(Priority::P1),
        ..TicketChange::default()
    };
    tickets::update(
        &db,
        ticket.id,
        1,
        &change,
        &author(&engineer),
        domain::time::now(),
    )
    .await
    .unwrap();
    let filter = store::identity::audit::Filter {
        object_type: Some("ticket".into()),
        object_id: Some(ticket.id.to_string()),
        actor: Some("ivanov".into()),
    };
    let (entries, total) = store::identity::audit::list(&db, &filter, 10, 0)
        .await
        .unwrap();
    assert_eq!(total, 1);
    let old: serde_json::Value =
        serde_json::from_str(entries[0].old_value.as_deref().unwrap()).unwrap();
    let new: serde_json::Value =
        serde_json::from_str(entries[0].new_value.as_deref().unwrap()).unwrap();
    assert_eq!(old["title"], "before");
    assert_eq!(new["title"], "after");
    assert_eq!(new["priority"], "P1");
});

storage_test!(unchanged_save_keeps_version, async |db: Db| {
    let engineer = staff(&db, "ivanov", Role::Support, &["L1"]).await;
    let ticket = create(&db, Kind::Incident, "same").await;
    let change = TicketChange {
        title: Some("same".into()),
        priority: Some(Priority::P3),
        ..TicketChange::default()
    };
    let saved = tickets::update(
        &db,
        ticket.id,
        1,
        &change,
        &author(&engineer),
        domain::time::now(),
    )
    .await
    .unwrap();
    assert_eq!(saved.version, 1);
    let lines = history::list(&db, ticket.id).await.unwrap();
    assert_eq!(lines.len(), 1, "only the creation line");
});

storage_test!(client_answer_ends_client_wait, async |db: Db| {
    let engineer = staff(&db, "ivanov", Role::Support, &["L1"]).await;
    let by = author(&engineer);
    let now = domain::time::now();
    let mut tx = db.begin().await.unwrap();
    let company: i64 = tx
        .fetch_scalar(
            "INSERT INTO clients (name, name_folded, created_at, updated_at) \
             VALUES ($1, $2, $3, $3) RETURNING id",
            store::args!["Ромашка", "ромашка", now],
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let member = users::create(
        &db,
        &users::NewUser {
            login: "romashka".into(),
            display_name: "Ромашка".into(),
            email: None,
            role: Role::ClientUser,
            client_id: Some(company),
            password_hash: None,
            locale: "ru".into(),
        },
        &Author::system(),
        now,
    )
    .await
    .unwrap();
    let ticket = create(&db, Kind::Question, "Как выгрузить заказы?").await;
    let change = TicketChange {
        assignee: Some(Some("ivanov".into())),
        ..TicketChange::default()
    };
    let ticket = tickets::update(&db, ticket.id, ticket.version, &change, &by, now)
        .await
        .unwrap();
    let mut version = ticket.version;
    for (to, reason) in [
        (Status::InProgress, None),
        (Status::Pending, Some(PendingReason::Client)),
    ] {
        version = tickets::transition(&db, ticket.id, version, to, reason, &by, now)
            .await
            .unwrap()
            .version;
    }

    // An internal note of staff changes nothing; the client's public answer resumes work.
    tickets::add_comment(&db, ticket.id, "Ждём выгрузку", false, &by, now)
        .await
        .unwrap();
    let waiting = tickets::get(&db, ticket.id).await.unwrap().unwrap();
    assert_eq!(waiting.status, Status::Pending);
    tickets::add_comment(
        &db,
        ticket.id,
        "Выгрузка во вложении",
        true,
        &author(&member),
        now,
    )
    .await
    .unwrap();
    let resumed = tickets::get(&db, ticket.id).await.unwrap().unwrap();
    assert_eq!(resumed.status, Status::InProgress);
    assert_eq!(resumed.pending_reason, None);
    assert!(resumed.version > version);
    let lines = history::list(&db, ticket.id).await.unwrap();
    assert!(
        lines
            .iter()
            .any(|line| line.note_key.as_deref() == Some("history-client-answered"))
    );

    // A wait for a third party is not ended by the client.
    let version = tickets::transition(
        &db,
        ticket.id,
        resumed.version,
        Status::Pending,
        Some(PendingReason::ThirdParty),
        &by,
        now,
    )
    .await
    .unwrap()
    .version;
    tickets::add_comment(&db, ticket.id, "Есть новости?", true, &author(&member), now)
        .await
        .unwrap();
    let still = tickets::get(&db, ticket.id).await.unwrap().unwrap();
    assert_eq!(still.status, Status::Pending);
    assert_eq!(still.version, version);
});
