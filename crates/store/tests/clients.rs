//! Client card storage on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::{Duration, NaiveDate};
use common::{author, staff};
use domain::Error as DomainError;
use domain::crm::client::{ContactDraft, ContactInput};
use domain::crm::requisites::RequisitesInput;
use domain::crm::{ClientDraft, ClientInput, ClientKind, ClientStatus};
use domain::identity::Role;
use store::crm::clients::{self, ClientListQuery};
use store::crm::contacts;
use store::identity::Author;
use store::identity::audit::{self, Filter};
use store::{Db, Error, storage_test};

fn legal_entity(name: &str, kpp: &str) -> ClientDraft {
    ClientDraft::check(&ClientInput {
        kind: "legal_entity".into(),
        name: name.into(),
        requisites: RequisitesInput {
            inn: Some("7707083893".into()),
            kpp: Some(kpp.into()),
            ogrn: Some("1027700132195".into()),
            bik: Some("044525225".into()),
            settlement_account: Some("40702810200000000001".into()),
            correspondent_account: Some("30101810400000000225".into()),
        },
        phone: Some("+7 495 123-45-67 доб. 12".into()),
        ..ClientInput::default()
    })
    .unwrap()
}

fn entrepreneur(name: &str, phone: &str) -> ClientDraft {
    ClientDraft::check(&ClientInput {
        kind: "entrepreneur".into(),
        name: name.into(),
        requisites: RequisitesInput {
            inn: Some("500100732259".into()),
            ogrn: Some("304500116000157".into()),
            ..RequisitesInput::default()
        },
        phone: Some(phone.into()),
        ..ClientInput::default()
    })
    .unwrap()
}

async fn create(db: &Db, draft: &ClientDraft) -> clients::Client {
    clients::create(db, draft, None, &Author::system(), domain::time::now())
        .await
        .unwrap()
}

fn is_duplicate(error: &Error) -> bool {
    matches!(error, Error::Domain(DomainError::Duplicate { field, .. }) if field == "inn")
}

storage_test!(client_create_keeps_requisites, async |db: Db| {
    let client = create(&db, &legal_entity("ООО «Ромашка»", "773601001")).await;
    assert_eq!(client.kind, ClientKind::LegalEntity);
    assert_eq!(client.status, ClientStatus::Active);
    assert_eq!(client.inn.as_deref(), Some("7707083893"));
    assert_eq!(client.kpp.as_deref(), Some("773601001"));
    assert_eq!(client.phone.as_deref(), Some("+74951234567"));
    assert_eq!(client.phone_extension.as_deref(), Some("12"));
    assert_eq!(client.version, 1);
    let stored = clients::get(&db, client.id).await.unwrap().unwrap();
    assert_eq!(stored, client);
});

storage_test!(same_inn_and_kpp_is_duplicate, async |db: Db| {
    create(&db, &legal_entity("ООО «Ромашка»", "773601001")).await;
    let error = clients::create(
        &db,
        &legal_entity("ООО «Ромашка» (копия)", "773601001"),
        None,
        &Author::system(),
        domain::time::now(),
    )
    .await
    .unwrap_err();
    assert!(is_duplicate(&error), "{error:?}");
    let (_, total) = clients::list(&db, &ClientListQuery::default())
        .await
        .unwrap();
    assert_eq!(total, 1);
});

storage_test!(branch_with_own_kpp_is_allowed, async |db: Db| {
    create(&db, &legal_entity("ООО «Ромашка»", "773601001")).await;
    let branch = create(&db, &legal_entity("ООО «Ромашка», филиал", "784201001")).await;
    assert_eq!(branch.kpp.as_deref(), Some("784201001"));
});

storage_test!(same_inn_without_kpp_is_duplicate, async |db: Db| {
    create(&db, &entrepreneur("ИП Иванов", "8 926 1234567")).await;
    let error = clients::create(
        &db,
        &entrepreneur("ИП Иванов И. И.", "8 926 7654321"),
        None,
        &Author::system(),
        domain::time::now(),
    )
    .await
    .unwrap_err();
    assert!(is_duplicate(&error), "{error:?}");
});

storage_test!(phone_matches_find_other_clients, async |db: Db| {
    let first = create(&db, &entrepreneur("ИП Иванов", "8 926 1234567")).await;
    let second = create(&db, &legal_entity("ООО «Ромашка»", "773601001")).await;
    let contact = ContactDraft::check(&ContactInput {
        name: "Пётр Сидоров".into(),
        phone: Some("+7 (926) 123-45-67".into()),
        ..ContactInput::default()
    })
    .unwrap();
    contacts::add(
        &db,
        second.id,
        &contact,
        &Author::system(),
        domain::time::now(),
    )
    .await
    .unwrap();

    let matches = clients::phone_matches(&db, &["+79261234567".into()], first.id)
        .await
        .unwrap();
    assert_eq!(matches.len(), 1, "{matches:?}");
    assert_eq!(matches[0].client_id, second.id);
    assert_eq!(matches[0].contact_name.as_deref(), Some("Пётр Сидоров"));

    let from_second = clients::phone_matches(&db, &["+79261234567".into()], second.id)
        .await
        .unwrap();
    assert_eq!(from_second[0].client_id, first.id);
    assert_eq!(from_second[0].contact_name, None);
});

storage_test!(search_folds_yo_and_reads_phones, async |db: Db| {
    create(&db, &entrepreneur("ИП Ёлкин", "8 926 1234567")).await;
    create(&db, &legal_entity("ООО «Ромашка»", "773601001")).await;
    let find = async |text: &str| {
        let query = ClientListQuery {
            text: Some(text.into()),
            ..ClientListQuery::default()
        };
        let (found, _) = clients::list(&db, &query).await.unwrap();
        found.into_iter().map(|c| c.name).collect::<Vec<_>>()
    };
    assert_eq!(find("елкин").await, ["ИП Ёлкин"]);
    assert_eq!(find("ЁЛК").await, ["ИП Ёлкин"]);
    assert_eq!(find("РОМАШ").await, ["ООО «Ромашка»"]);
    assert_eq!(find("7707083893").await, ["ООО «Ромашка»"]);
    assert_eq!(find("8 (926) 123-45-67").await, ["ИП Ёлкин"]);
    assert_eq!(find("+7 495 123 4567").await, ["ООО «Ромашка»"]);
    assert!(find("100%").await.is_empty());
});

storage_test!(search_finds_contact_phone, async |db: Db| {
    let client = create(&db, &legal_entity("ООО «Ромашка»", "773601001")).await;
    let contact = ContactDraft::check(&ContactInput {
        name: "Анна".into(),
        phone: Some("8-800-2000-200".into()),
        ..ContactInput::default()
    })
    .unwrap();
    contacts::add(
        &db,
        client.id,
        &contact,
        &Author::system(),
        domain::time::now(),
    )
    .await
    .unwrap();
    let query = ClientListQuery {
        text: Some("8 800 2000200".into()),
        ..ClientListQuery::default()
    };
    let (found, total) = clients::list(&db, &query).await.unwrap();
    assert_eq!(total, 1);
    assert_eq!(found[0].id, client.id);
});

storage_test!(list_pages_by_name, async |db: Db| {
    create(&db, &legal_entity("Бета", "773601001")).await;
    create(&db, &legal_entity("Альфа", "784201001")).await;
    create(&db, &entrepreneur("Гамма", "8 926 1234567")).await;
    let query = ClientListQuery {
        limit: 2,
        offset: 1,
        ..ClientListQuery::default()
    };
    let (page, total) = clients::list(&db, &query).await.unwrap();
    assert_eq!(total, 3);
    let names: Vec<&str> = page.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Бета", "Гамма"]);
});

storage_test!(stale_client_version_is_conflict, async |db: Db| {
    let client = create(&db, &entrepreneur("ИП Иванов", "8 926 1234567")).await;
    let now = domain::time::now();
    let edited = entrepreneur("ИП Иванов Иван", "8 926 1234567");
    let saved = clients::update(&db, client.id, 1, &edited, None, &Author::system(), now)
        .await
        .unwrap();
    assert_eq!(saved.version, 2);
    let error = clients::update(&db, client.id, 1, &edited, None, &Author::system(), now)
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Domain(DomainError::Conflict {
                expected: 1,
                current: 2
            })
        ),
        "{error:?}"
    );
});

storage_test!(unchanged_save_keeps_version, async |db: Db| {
    let draft = entrepreneur("ИП Иванов", "8 926 1234567");
    let client = create(&db, &draft).await;
    let saved = clients::update(
        &db,
        client.id,
        1,
        &draft,
        None,
        &Author::system(),
        domain::time::now(),
    )
    .await
    .unwrap();
    assert_eq!(saved.version, 1);
});

storage_test!(update_is_audited_with_changes, async |db: Db| {
    let manager = staff(&db, "petrova", Role::Sales, &[]).await;
    let client = create(&db, &entrepreneur("ИП Иванов", "8 926 1234567")).await;
    let edited = entrepreneur("ИП Иванов", "8 926 7654321");
    let saved = clients::update(
        &db,
        client.id,
        1,
        &edited,
        Some("Petrova"),
        &author(&manager),
        domain::time::now(),
    )
    .await
    .unwrap();
    assert_eq!(saved.manager_login.as_deref(), Some("petrova"));

    let filter = Filter {
        object_type: Some("client".into()),
        object_id: Some(client.id.to_string()),
        ..Filter::default()
    };
    let (entries, total) = audit::list(&db, &filter, 10, 0).await.unwrap();
    assert_eq!(total, 2);
    assert_eq!(entries[0].action, "client.update");
    assert_eq!(entries[0].actor_label, "petrova");
    let old: serde_json::Value =
        serde_json::from_str(entries[0].old_value.as_deref().unwrap()).unwrap();
    let new: serde_json::Value =
        serde_json::from_str(entries[0].new_value.as_deref().unwrap()).unwrap();
    assert_eq!(old["phone"], "+79261234567");
    assert_eq!(new["phone"], "+79267654321");
    assert_eq!(new["manager"], "petrova");
    assert!(new.get("name").is_none(), "{new}");
    assert_eq!(entries[1].action, "client.create");
});

storage_test!(client_manager_must_be_staff, async |db: Db| {
    let company = create(&db, &legal_entity("ООО «Ромашка»", "773601001")).await;
    let now = domain::time::now();
    let new = store::identity::users::NewUser {
        login: "client1".into(),
        display_name: "Клиент".into(),
        email: None,
        role: Role::ClientUser,
        client_id: Some(company.id),
        password_hash: None,
        locale: "ru".into(),
    };
    store::identity::users::create(&db, &new, &Author::system(), now)
        .await
        .unwrap();
    for login in ["client1", "nobody"] {
        let error = clients::create(
            &db,
            &entrepreneur("ИП Иванов", "8 926 1234567"),
            Some(login),
            &Author::system(),
            now,
        )
        .await
        .unwrap_err();
        assert!(
            matches!(&error, Error::Domain(DomainError::Invalid(i)) if i.field == "manager"),
            "{login}: {error:?}"
        );
    }
});

storage_test!(requisites_history_keeps_old_period, async |db: Db| {
    let created_at = domain::time::now() - Duration::days(10);
    let draft = entrepreneur("ИП Иванов", "8 926 1234567");
    let client = clients::create(&db, &draft, None, &Author::system(), created_at)
        .await
        .unwrap();
    let moved = legal_entity("ООО «Иванов и партнёры»", "773601001");
    let today = domain::time::now();
    clients::update(&db, client.id, 1, &moved, None, &Author::system(), today)
        .await
        .unwrap();

    let history = clients::requisites_history(&db, client.id).await.unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].kind, "legal_entity");
    assert_eq!(history[0].valid_to, None);
    assert_eq!(history[1].kind, "entrepreneur");
    assert_eq!(
        history[1].valid_to,
        today.date_naive().pred_opt(),
        "{history:?}"
    );

    let before = created_at.date_naive() + Duration::days(1);
    let old = clients::requisites_on(&db, client.id, before)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(old.ogrn.as_deref(), Some("304500116000157"));
    let current = clients::requisites_on(&db, client.id, today.date_naive())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(current.kpp.as_deref(), Some("773601001"));
    let long_ago = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
    assert_eq!(
        clients::requisites_on(&db, client.id, long_ago)
            .await
            .unwrap(),
        None
    );
});

storage_test!(contact_removal_is_scoped_to_client, async |db: Db| {
    let first = create(&db, &entrepreneur("ИП Иванов", "8 926 1234567")).await;
    let second = create(&db, &legal_entity("ООО «Ромашка»", "773601001")).await;
    let contact = ContactDraft::check(&ContactInput {
        name: "Анна".into(),
        email: Some("anna@example.ru".into()),
        ..ContactInput::default()
    })
    .unwrap();
    let now = domain::time::now();
    let id = contacts::add(&db, first.id, &contact, &Author::system(), now)
        .await
        .unwrap();
    let removed = contacts::remove(&db, second.id, id, &Author::system(), now)
        .await
        .unwrap();
    assert!(!removed);
    assert_eq!(contacts::list(&db, first.id).await.unwrap().len(), 1);
    assert!(
        contacts::remove(&db, first.id, id, &Author::system(), now)
            .await
            .unwrap()
    );
    assert!(contacts::list(&db, first.id).await.unwrap().is_empty());
});

storage_test!(bare_identity_row_reads_as_person, async |db: Db| {
    let now = domain::time::now();
    let mut tx = db.begin().await.unwrap();
    let id: i64 = tx
        .fetch_scalar(
            "INSERT INTO clients (name, name_folded, created_at, updated_at) \
             VALUES ($1, $2, $3, $3) RETURNING id",
            store::args!["Старый клиент", "старый клиент", now],
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let client = clients::get(&db, id).await.unwrap().unwrap();
    assert_eq!(client.kind, ClientKind::Person);
    assert_eq!(client.version, 1);
    let query = ClientListQuery {
        text: Some("СТАРЫЙ".into()),
        ..ClientListQuery::default()
    };
    let (found, total) = clients::list(&db, &query).await.unwrap();
    assert_eq!(total, 1);
    assert_eq!(found[0].id, id);
});
