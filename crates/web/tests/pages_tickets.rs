//! The ticket pages through their forms, as a browser without JavaScript and as htmx uses
//! them, on both engines.
#![allow(clippy::unwrap_used)]

mod common;

use domain::identity::Role;
use domain::servicedesk::{Priority, Status};
use reqwest::{StatusCode, header};
use store::identity::Author;
use store::servicedesk::tickets::{self, TicketChange};

use common::{Browser, TestServer};

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get(header::LOCATION)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

/// Returns the ticket numbers a list page shows, in order.
fn numbers(html: &str) -> Vec<String> {
    html.split("data-test=\"ticket-row\"")
        .skip(1)
        .filter_map(|row| {
            let link = row.find("<a href=\"/tickets/")?;
            let start = row[link..].find("\">")? + link + 2;
            let end = row[start..].find('<')? + start;
            Some(row[start..end].to_string())
        })
        .collect()
}

async fn set_priority(server: &TestServer, id: i64, priority: Priority) {
    let ticket = server.stored_ticket(id).await;
    let change = TicketChange {
        priority: Some(priority),
        ..TicketChange::default()
    };
    tickets::update(
        &server.state.db,
        id,
        ticket.version,
        &change,
        &Author::system(),
        domain::time::now(),
    )
    .await
    .unwrap();
}

web_test!(list_filters_sorts_and_pages, async |server: &TestServer| {
    let ivanov = server.user("ivanov", Role::Support, &["L1", "L2"]).await;
    let first = server.ticket(&ivanov, "Ёлка не грузится", "L1", None).await;
    let second = server.ticket(&ivanov, "Медленный поиск", "L2", None).await;
    let third = server.ticket(&ivanov, "Ошибка оплаты", "L1", None).await;
    set_priority(server, second.id, Priority::P1).await;
    let browser = server.browser("ivanov").await;

    let (_, body) = browser.get("/tickets?q=елка").await;
    assert_eq!(numbers(&body), vec![first.number.clone()]);
    assert!(body.contains("1 заявка"), "{body}");

    let (_, body) = browser.get("/tickets?queue=L1&sort=created_at").await;
    assert_eq!(
        numbers(&body),
        vec![first.number.clone(), third.number.clone()]
    );
    assert!(body.contains("2 заявки"));

    let (_, body) = browser.get("/tickets?sort=priority").await;
    assert_eq!(numbers(&body)[0], second.number);
    // The priority header now links to the descending order.
    assert!(body.contains("sort=-priority"));

    let (_, body) = browser
        .get("/tickets?status=new&status=assigned&priority=P1")
        .await;
    assert_eq!(numbers(&body), vec![second.number.clone()]);

    let (_, page1) = browser.get("/tickets?per_page=2&sort=created_at").await;
    assert_eq!(
        numbers(&page1),
        vec![first.number.clone(), second.number.clone()]
    );
    assert!(page1.contains("3 заявки"));
    assert!(page1.contains("Страница 1 из 2"));
    let (_, page2) = browser
        .get("/tickets?per_page=2&sort=created_at&page=2")
        .await;
    assert_eq!(numbers(&page2), vec![third.number.clone()]);

    let (status, _) = browser.get("/tickets?sort=title").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
});

web_test!(
    list_assignee_me_and_unassigned,
    async |server: &TestServer| {
        let ivanov = server.user("ivanov", Role::Support, &["L1"]).await;
        let mine = server.ticket(&ivanov, "Моя заявка", "L1", None).await;
        let free = server.ticket(&ivanov, "Ничья заявка", "L1", None).await;
        let change = TicketChange {
            assignee: Some(Some("ivanov".into())),
            ..TicketChange::default()
        };
        let author = Author::person(ivanov.id, "ivanov");
        tickets::update(
            &server.state.db,
            mine.id,
            1,
            &change,
            &author,
            domain::time::now(),
        )
        .await
        .unwrap();
        let browser = server.browser("ivanov").await;

        let (_, body) = browser.get("/tickets?assignee=me").await;
        assert_eq!(numbers(&body), vec![mine.number.clone()]);
        let (_, body) = browser.get("/tickets?assignee=none").await;
        assert_eq!(numbers(&body), vec![free.number.clone()]);

        let (_, body) = browser.get("/my").await;
        assert!(body.contains(&mine.number));
        assert!(body.contains(&free.number));
    }
);

web_test!(list_htmx_swaps_table_only, async |server: &TestServer| {
    let ivanov = server.user("ivanov", Role::Support, &["L1"]).await;
    let ticket = server
        .ticket(&ivanov, "Не грузится каталог", "L1", None)
        .await;
    let browser = server.browser("ivanov").await;
    let (status, body) = browser.get_htmx("/tickets?q=каталог", "ticket-table").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.trim_start().starts_with("<div id=\"ticket-table\""),
        "{body}"
    );
    assert!(body.contains(&ticket.number));
    assert!(!body.contains("<html"));
    assert!(!body.contains("ticket-filters"));
});

web_test!(ticket_worked_through_forms, async |server: &TestServer| {
    let ivanov = server.user("ivanov", Role::Support, &["L1"]).await;
    let ticket = server
        .ticket(&ivanov, "Не работает оплата", "L1", None)
        .await;
    let browser = server.browser("ivanov").await;
    let page = format!("/tickets/{}", ticket.id);

    let response = browser
        .post_form(
            &format!("{page}/assign"),
            &page,
            &[("queue", "L1"), ("assignee", "ivanov"), ("version", "1")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&response),
        format!("{page}?done=ticket-done-assigned")
    );
    assert_eq!(
        server.stored_ticket(ticket.id).await.status,
        Status::Assigned
    );

    let steps = [
        ("in_progress", None, Status::InProgress),
        ("pending", Some("client"), Status::Pending),
        ("in_progress", None, Status::InProgress),
        ("resolved", None, Status::Resolved),
        ("closed", None, Status::Closed),
    ];
    for (to, reason, expected) in steps {
        let version = server.stored_ticket(ticket.id).await.version.to_string();
        let mut fields = vec![("to", to), ("version", version.as_str())];
        if let Some(reason) = reason {
            fields.push(("reason", reason));
        }
        let response = browser
            .post_form(&format!("{page}/status"), &page, &fields)
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "to {to}");
        let stored = server.stored_ticket(ticket.id).await;
        assert_eq!(stored.status, expected, "to {to}");
    }

    let (_, body) = browser
        .get(&format!("{page}?done=ticket-done-status"))
        .await;
    assert!(body.contains("Статус изменён."));
    assert!(body.contains("Закрыта"));
    assert!(body.contains("Ожидание (ответ клиента)"), "{body}");
    assert!(!body.contains("data-test=\"transition-"));
});

web_test!(
    pending_button_carries_reason,
    async |server: &TestServer| {
        let ivanov = server.user("ivanov", Role::Support, &["L1"]).await;
        let ticket = server.ticket(&ivanov, "Тема", "L1", None).await;
        let browser = server.browser("ivanov").await;
        let page = format!("/tickets/{}", ticket.id);
        browser
            .post_form(&format!("{page}/take"), &page, &[("version", "1")])
            .await;
        browser
            .post_form(
                &format!("{page}/status"),
                &page,
                &[("to", "in_progress"), ("version", "2")],
            )
            .await;

        let (_, body) = browser.get(&page).await;
        assert!(body.contains("name=\"reason\" value=\"client\""));
        assert!(body.contains("name=\"reason\" value=\"third_party\""));
        let response = browser
            .post_form(
                &format!("{page}/status"),
                &page,
                &[("to", "pending"), ("version", "3")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            server.stored_ticket(ticket.id).await.status,
            Status::InProgress
        );
    }
);

web_test!(htmx_change_returns_panel, async |server: &TestServer| {
    let ivanov = server.user("ivanov", Role::Support, &["L1"]).await;
    let ticket = server.ticket(&ivanov, "Тема", "L1", None).await;
    let browser = server.browser("ivanov").await;
    let page = format!("/tickets/{}", ticket.id);
    let response = browser
        .post_htmx(
            &format!("{page}/edit"),
            &page,
            &[
                ("title", "Новая тема"),
                ("priority", "P2"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.text().await.unwrap();
    assert!(body.contains("id=\"ticket-panel\""));
    assert!(!body.contains("<html"));
    assert!(body.contains("name=\"version\" value=\"2\""));
    assert!(!body.contains("name=\"version\" value=\"1\""));
    assert!(body.contains("hx-swap-oob"));
    assert!(body.contains("Изменения сохранены."));
});

web_test!(stale_version_shows_conflict, async |server: &TestServer| {
    let ivanov = server.user("ivanov", Role::Support, &["L1"]).await;
    server.user("petrov", Role::Support, &["L1"]).await;
    let ticket = server.ticket(&ivanov, "Исходная тема", "L1", None).await;
    let first = server.browser("ivanov").await;
    let second = server.browser("petrov").await;
    let page = format!("/tickets/{}", ticket.id);
    let edit = format!("{page}/edit");

    let saved = first
        .post_form(
            &edit,
            &page,
            &[
                ("title", "Тема Иванова"),
                ("priority", "P3"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);

    // Petrov's edit was based on version 1, which Ivanov's save replaced.
    let petrov = [
        ("title", "Тема Петрова"),
        ("priority", "P3"),
        ("version", "1"),
    ];
    let stale = second.post_form(&edit, &page, &petrov).await;
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    let body = stale.text().await.unwrap();
    assert!(body.contains("Запись изменил кто-то другой"), "{body}");
    assert!(body.contains("data-test=\"ticket-reload\""));
    assert!(body.contains("Тема Иванова"));
    // The edit form keeps the user's input and the version it was based on.
    let start = body.find("data-test=\"edit-form\"").unwrap();
    let edit_form = &body[start..];
    let edit_form = &edit_form[..edit_form.find("</form>").unwrap()];
    assert!(
        edit_form.contains("name=\"version\" value=\"1\""),
        "{edit_form}"
    );
    assert!(edit_form.contains("value=\"Тема Петрова\""), "{edit_form}");
    let again = second.post_form(&edit, &page, &petrov).await;
    assert_eq!(
        again.status(),
        StatusCode::CONFLICT,
        "saving again conflicts"
    );

    let htmx = second.post_htmx(&edit, &page, &petrov).await;
    assert_eq!(htmx.status(), StatusCode::CONFLICT);
    assert_eq!(htmx.headers()["hx-retarget"], "#flash");
    let fragment = htmx.text().await.unwrap();
    assert!(fragment.contains("Запись изменил кто-то другой"));
    assert!(fragment.contains(&format!("href=\"{page}\"")));

    assert_eq!(server.stored_ticket(ticket.id).await.title, "Тема Иванова");
});

web_test!(comments_public_and_internal, async |server: &TestServer| {
    let ivanov = server.user("ivanov", Role::Support, &["L1"]).await;
    let client_id = server.client_company("ООО «Ромашка»").await;
    server.client_user("romashka", client_id).await;
    let ticket = server
        .ticket(&ivanov, "Не открывается магазин", "L1", Some(client_id))
        .await;
    let staff = server.browser("ivanov").await;
    let page = format!("/tickets/{}", ticket.id);
    let comments = format!("{page}/comments");

    staff
        .post_form(
            &comments,
            &page,
            &[("body", "Видно клиенту"), ("visibility", "public")],
        )
        .await;
    let response = staff
        .post_form(
            &comments,
            &page,
            &[("body", "Только для своих"), ("visibility", "internal")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, body) = staff.get(&page).await;
    assert!(body.contains("Только для своих"));
    assert!(body.contains("data-test=\"comment-internal\""));
    // The history names each comment by the start of its text, once more than the comment.
    assert_eq!(body.matches("Только для своих").count(), 2, "{body}");
    assert_eq!(body.matches("Видно клиенту").count(), 2, "{body}");

    let client = server.browser("romashka").await;
    let (status, body) = client.get(&page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Видно клиенту"));
    assert!(!body.contains("Только для своих"));
    assert!(!body.contains("Внутренний комментарий"));
    assert!(!body.contains("data-test=\"status-actions\""));

    // A client cannot post an internal note: 422, and nothing is stored.
    let response = client
        .post_form(
            &comments,
            &page,
            &[("body", "Заметка клиента"), ("visibility", "internal")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("внутренние комментарии"), "{html}");
    let (_, body) = staff.get(&page).await;
    assert!(!body.contains("Заметка клиента"), "{body}");

    let response = client
        .post_form(
            &format!("{page}/status"),
            &page,
            &[("to", "cancelled"), ("version", "1")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
});

web_test!(
    client_cannot_open_other_client,
    async |server: &TestServer| {
        let ivanov = server.user("ivanov", Role::Support, &["L1"]).await;
        let own_company = server.client_company("ИП Иванов").await;
        let other_company = server.client_company("ООО «Лютик»").await;
        server.client_user("client", own_company).await;
        let own = server
            .ticket(&ivanov, "Наша заявка", "L1", Some(own_company))
            .await;
        let foreign = server
            .ticket(&ivanov, "Чужая заявка", "L1", Some(other_company))
            .await;
        let client = server.browser("client").await;

        let (status, _) = client.get(&format!("/tickets/{}", foreign.id)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = client.get(&format!("/tickets/{}", own.id)).await;
        assert_eq!(status, StatusCode::OK);
        let (_, list) = client.get("/tickets").await;
        assert_eq!(numbers(&list), vec![own.number.clone()]);
        let (_, list) = client.get(&format!("/tickets?q={}", foreign.number)).await;
        assert!(numbers(&list).is_empty());
        let page = format!("/tickets/{}", own.id);
        let response = client
            .post_form(
                &format!("/tickets/{}/comments", foreign.id),
                &page,
                &[("body", "x")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
    }
);

web_test!(create_form_keeps_values, async |server: &TestServer| {
    server.user("ivanov", Role::Support, &["L1"]).await;
    let browser = server.browser("ivanov").await;
    let response = browser
        .post_form(
            "/tickets/new",
            "/tickets/new",
            &[
                ("kind", "request"),
                ("title", "  "),
                ("description", "Нужен доступ <b>срочно</b>"),
                ("priority", "P2"),
                ("queue", "L2"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = response.text().await.unwrap();
    assert!(body.contains("data-test=\"error-title\""));
    assert!(body.contains("Поле не заполнено"));
    assert!(body.contains("Нужен доступ &#60;b&#62;срочно&#60;/b&#62;"));
    assert!(body.contains("<option value=\"request\" selected>"));
    assert!(body.contains("<option value=\"L2\" selected>"));

    let response = browser
        .post_form(
            "/tickets/new",
            "/tickets/new",
            &[
                ("kind", "request"),
                ("title", "Доступ к тестовой среде"),
                ("description", ""),
                ("priority", "P2"),
                ("queue", "L2"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(location(&response).ends_with("?done=ticket-done-created"));
    let (_, body) = browser.get(&location(&response)).await;
    assert!(body.contains("REQ-000001"));
    assert!(body.contains("Заявка создана."));
    assert!(body.contains("Сотрудник</dd>"));
});

web_test!(client_creates_portal_ticket, async |server: &TestServer| {
    let company = server.client_company("ООО «Ромашка»").await;
    server.client_user("romashka", company).await;
    let browser = server.browser("romashka").await;
    let (_, form) = browser.get("/tickets/new").await;
    assert!(!form.contains("name=\"queue\""));
    let response = browser
        .post_form(
            "/tickets/new",
            "/tickets/new",
            &[
                ("kind", "question"),
                ("title", "Как выгрузить заказы?"),
                ("priority", "P4"),
                ("queue", "development"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (found, _) = tickets::list(&server.state.db, &Default::default())
        .await
        .unwrap();
    assert_eq!(found[0].client_id, Some(company));
    assert_eq!(found[0].queue, "L1");
    assert_eq!(found[0].source.as_ref(), "portal");
});

web_test!(links_added_by_number, async |server: &TestServer| {
    let ivanov = server.user("ivanov", Role::Support, &["L1"]).await;
    let incident = server.ticket(&ivanov, "Сбой оплаты", "L1", None).await;
    let other = server
        .ticket(&ivanov, "Сбой оплаты снова", "L1", None)
        .await;
    let browser = server.browser("ivanov").await;
    let page = format!("/tickets/{}", incident.id);
    let response = browser
        .post_form(
            &format!("{page}/links"),
            &page,
            &[
                ("kind", "duplicate_of"),
                ("number", &other.number.to_lowercase()),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, body) = browser.get(&page).await;
    assert!(body.contains("Дубликат заявки"));
    assert!(body.contains(&format!("href=\"/tickets/{}\"", other.id)));
    let (_, body) = browser.get(&format!("/tickets/{}", other.id)).await;
    assert!(body.contains("Есть дубликат"));

    let response = browser
        .post_form(
            &format!("{page}/links"),
            &page,
            &[("kind", "relates_to"), ("number", "INC-999999")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("INC-999999"));
});

web_test!(zabbix_ticket_shows_origin, async |server: &TestServer| {
    server
        .user("ivanov", Role::Support, &["infrastructure"])
        .await;
    let new = store::servicedesk::NewTicket {
        kind: domain::servicedesk::Kind::Incident,
        source: domain::servicedesk::Source::Zabbix,
        priority: Priority::P1,
        queue: "infrastructure".into(),
        title: "Нет связи с db-01".into(),
        description: String::new(),
        client_id: None,
        zabbix: Some(store::servicedesk::tickets::ZabbixOrigin {
            event_id: 4242,
            trigger_id: Some(7),
            host: Some("db-01.dc1".into()),
            host_name: Some("База <основная>".into()),
            started_at: Some(domain::time::now()),
        }),
    };
    let ticket = tickets::create(
        &server.state.db,
        &new,
        &Author::integration("zabbix"),
        domain::time::now(),
    )
    .await
    .unwrap();
    let browser = server.browser("ivanov").await;
    let (_, body) = browser.get(&format!("/tickets/{}", ticket.id)).await;
    assert!(body.contains("data-test=\"zabbix-origin\""));
    assert!(body.contains("4242"));
    assert!(body.contains("db-01.dc1"));
    assert!(body.contains("База &#60;основная&#62;"));
    assert!(body.contains("data-test=\"take\""));
});

web_test!(
    assignee_select_follows_queue,
    async |server: &TestServer| {
        let ivanov = server.user("ivanov", Role::Support, &["L1"]).await;
        server.user("sidorov", Role::Support, &["L2"]).await;
        let ticket = server.ticket(&ivanov, "Тема", "L1", None).await;
        let browser = server.browser("ivanov").await;
        let (status, body) = browser
            .get_htmx(
                &format!("/tickets/{}/assignees?queue=L2", ticket.id),
                "assignee",
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains("value=\"sidorov\""));
        assert!(!body.contains("value=\"ivanov\""));
    }
);

web_test!(staff_set_ticket_client, async |server: &TestServer| {
    server.user("ivanov", Role::Support, &["L1"]).await;
    let company = server.client_company("ООО «Ромашка»").await;
    let browser = server.browser("ivanov").await;
    let (_, form) = browser.get("/tickets/new").await;
    assert!(form.contains("data-test=\"ticket-client-select\""));
    assert!(form.contains(&format!(
        "<option value=\"{company}\">ООО «Ромашка»</option>"
    )));

    let before = tickets::list(&server.state.db, &Default::default())
        .await
        .unwrap()
        .1;
    for (value, shown) in [("999999", "999999"), ("abc", "abc")] {
        let response = browser
            .post_form(
                "/tickets/new",
                "/tickets/new",
                &[
                    ("kind", "incident"),
                    ("title", "Магазин не открывается"),
                    ("priority", "P2"),
                    ("queue", "L1"),
                    ("client_id", value),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = response.text().await.unwrap();
        assert!(body.contains("data-test=\"error-client_id\""), "{body}");
        assert!(body.contains(&format!("Клиента с номером «{shown}» нет")));
    }
    let after = tickets::list(&server.state.db, &Default::default())
        .await
        .unwrap()
        .1;
    assert_eq!(before, after, "a refused form creates nothing");

    let response = browser
        .post_form(
            "/tickets/new",
            "/tickets/new",
            &[
                ("kind", "incident"),
                ("title", "Магазин не открывается"),
                ("priority", "P2"),
                ("queue", "L1"),
                ("client_id", &company.to_string()),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, body) = browser.get(&location(&response)).await;
    assert!(body.contains(&format!(
        "data-test=\"ticket-client\"><a href=\"/clients/{company}\">ООО «Ромашка»</a>"
    )));
});

web_test!(malformed_form_is_explained, async |server: &TestServer| {
    server.user("ivanov", Role::Support, &["L1"]).await;
    let browser = Browser::new(&server.url);
    let response = browser
        .post_form("/login", "/login", &[("login", "ivanov")])
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = response.text().await.unwrap();
    assert!(body.contains("В форме нет поля «password»"), "{body}");
    assert!(!body.contains("Failed to deserialize"));
});
