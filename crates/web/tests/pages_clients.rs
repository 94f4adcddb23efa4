//! The client pages through their forms, as a browser without JavaScript and as htmx uses
//! them, on both engines.
#![allow(clippy::unwrap_used)]

mod common;

use domain::identity::Role;
use reqwest::{StatusCode, header};

use common::TestServer;

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get(header::LOCATION)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

/// Returns the names a client list shows, in order.
fn names(html: &str) -> Vec<String> {
    html.split("data-test=\"client-row\"")
        .skip(1)
        .filter_map(|row| {
            let link = row.find("<a href=\"/clients/")?;
            let start = row[link..].find("\">")? + link + 2;
            let end = row[start..].find('<')? + start;
            Some(row[start..end].to_string())
        })
        .collect()
}

const ROMASHKA: &[(&str, &str)] = &[
    ("kind", "legal_entity"),
    ("name", "ООО «Ромашка»"),
    ("status", "active"),
    ("inn", "7707083893"),
    ("kpp", "773601001"),
    ("ogrn", "1027700132195"),
    ("bik", "044525225"),
    ("settlement_account", "40702810200000000001"),
    ("correspondent_account", "30101810400000000225"),
    ("phone", "8 (495) 123-45-67"),
    ("email", "info@romashka.ru"),
    ("legal_address", "Москва, ул. Ленина, 1"),
    ("manager", "petrova"),
];

/// Creates a client through the form and returns the card's path.
async fn create_through_form(browser: &common::Browser, fields: &[(&str, &str)]) -> String {
    let response = browser
        .post_form("/clients/new", "/clients/new", fields)
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let target = location(&response);
    assert!(target.starts_with("/clients/"), "{target}");
    target.split('?').next().unwrap().to_string()
}

web_test!(
    sales_creates_client_through_form,
    async |server: &TestServer| {
        server.user("petrova", Role::Sales, &[]).await;
        let browser = server.browser("petrova").await;
        let (status, form) = browser.get("/clients/new").await;
        assert_eq!(status, StatusCode::OK);
        assert!(form.contains("data-test=\"client-form\""));
        assert!(form.contains("hx-get=\"/clients/phone-check\""));

        let card = create_through_form(&browser, ROMASHKA).await;
        let (status, html) = browser
            .get(&format!("{card}?done=client-done-created"))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Клиент создан."), "notice");
        assert!(html.contains("+74951234567"), "normalised phone");
        assert!(html.contains("773601001"));
        assert!(html.contains("Сотрудник petrova"), "manager");
        assert!(
            html.contains("data-test=\"client-log-entry\""),
            "change log"
        );
        assert!(html.contains("Клиент создан"), "log action");
    }
);

web_test!(
    invalid_form_names_every_field,
    async |server: &TestServer| {
        server.user("petrova", Role::Sales, &[]).await;
        let browser = server.browser("petrova").await;
        let mut fields = ROMASHKA.to_vec();
        for (name, value) in fields.iter_mut() {
            match *name {
                "inn" => *value = "7707083894",
                "kpp" => *value = "7736АВ001",
                "phone" => *value = "+7 926 ABC 4567",
                _ => {}
            }
        }
        let response = browser
            .post_form("/clients/new", "/clients/new", &fields)
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        assert!(html.contains("data-test=\"error-inn\""), "inn error");
        assert!(html.contains("Контрольное число ИНН"), "inn reason");
        assert!(html.contains("data-test=\"error-kpp\""), "kpp error");
        assert!(html.contains("русская буква"), "kpp reason");
        assert!(html.contains("data-test=\"error-phone\""), "phone error");
        assert!(html.contains("value=\"ООО «Ромашка»\""), "values kept");
        let (_, list) = browser.get("/clients").await;
        assert!(names(&list).is_empty());
    }
);

web_test!(
    duplicate_inn_shows_existing_client,
    async |server: &TestServer| {
        server.user("petrova", Role::Sales, &[]).await;
        let browser = server.browser("petrova").await;
        create_through_form(&browser, ROMASHKA).await;
        let response = browser
            .post_form("/clients/new", "/clients/new", ROMASHKA)
            .await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        let html = response.text().await.unwrap();
        assert!(html.contains("data-test=\"error-inn\""), "{html}");
        assert!(html.contains("уже есть"), "duplicate message");
    }
);

web_test!(
    same_phone_warns_on_form_and_card,
    async |server: &TestServer| {
        server.user("petrova", Role::Sales, &[]).await;
        let browser = server.browser("petrova").await;
        create_through_form(&browser, ROMASHKA).await;

        let (status, fragment) = browser
            .get_htmx(
                "/clients/phone-check?phone=%2B7+495+1234567",
                "phone-warning",
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            fragment.contains("data-test=\"phone-duplicates\""),
            "{fragment}"
        );
        assert!(fragment.contains("ООО «Ромашка»"));
        let (_, none) = browser
            .get_htmx("/clients/phone-check?phone=8+926+000+0000", "phone-warning")
            .await;
        assert!(!none.contains("phone-duplicates"));

        let branch: Vec<(&str, &str)> = ROMASHKA
            .iter()
            .map(|(name, value)| match *name {
                "kpp" => (*name, "784201001"),
                "name" => (*name, "ООО «Ромашка», филиал"),
                _ => (*name, *value),
            })
            .collect();
        let card = create_through_form(&browser, &branch).await;
        let (_, html) = browser.get(&card).await;
        assert!(html.contains("data-test=\"phone-duplicates\""));
        assert!(html.contains("ООО «Ромашка»</a>"), "{html}");
    }
);

web_test!(
    edit_saves_and_detects_conflict,
    async |server: &TestServer| {
        server.user("petrova", Role::Sales, &[]).await;
        let browser = server.browser("petrova").await;
        let card = create_through_form(&browser, ROMASHKA).await;
        let edit = format!("{card}/edit");
        let (status, html) = browser.get(&edit).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("name=\"version\" value=\"1\""));

        let mut fields = ROMASHKA.to_vec();
        fields.push(("version", "1"));
        fields[1] = ("name", "ООО «Ромашка и Ко»");
        let response = browser.post_form(&edit, &edit, &fields).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let (_, html) = browser.get(&card).await;
        assert!(html.contains("ООО «Ромашка и Ко»"));
        assert!(html.contains("Карточка изменена"), "log line");
        assert!(
            html.contains("ООО «Ромашка» → ООО «Ромашка и Ко»"),
            "log change"
        );

        let response = browser.post_form(&edit, &edit, &fields).await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        let html = response.text().await.unwrap();
        assert!(html.contains("data-test=\"form-error\""));
        assert!(
            html.contains("name=\"version\" value=\"1\""),
            "the stale version stays: {html}"
        );

        // Saving the shown form again conflicts again and changes nothing.
        let mut stale = ROMASHKA.to_vec();
        stale.push(("version", "1"));
        stale[1] = ("name", "ООО «Ромашка-2»");
        let response = browser.post_form(&edit, &edit, &stale).await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        let (_, html) = browser.get(&card).await;
        assert!(html.contains("ООО «Ромашка и Ко»"), "{html}");
        assert!(!html.contains("Ромашка-2"), "{html}");
    }
);

web_test!(contacts_are_added_on_card, async |server: &TestServer| {
    server.user("petrova", Role::Sales, &[]).await;
    let browser = server.browser("petrova").await;
    let card = create_through_form(&browser, ROMASHKA).await;
    let contacts = format!("{card}/contacts");
    let response = browser
        .post_form(
            &contacts,
            &card,
            &[
                ("contact_name", "Анна Смирнова"),
                ("contact_position", "Бухгалтер"),
                ("contact_phone", "8 916 000-11-22"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, html) = browser.get(&card).await;
    assert!(html.contains("Анна Смирнова"));
    assert!(html.contains("+79160001122"));

    let response = browser
        .post_form(&contacts, &card, &[("contact_name", "Без связи")])
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("data-test=\"error-contact_phone\""));

    let (_, list) = browser.get("/clients?q=916+000+11+22").await;
    assert_eq!(names(&list), ["ООО «Ромашка»"]);
});

web_test!(
    list_searches_with_yo_folding,
    async |server: &TestServer| {
        server.user("petrova", Role::Sales, &[]).await;
        let browser = server.browser("petrova").await;
        create_through_form(&browser, ROMASHKA).await;
        let elkin = [
            ("kind", "entrepreneur"),
            ("name", "ИП Ёлкин"),
            ("inn", "500100732259"),
            ("ogrn", "304500116000157"),
            ("phone", "+7 926 123 45 67"),
        ];
        create_through_form(&browser, &elkin).await;

        let (_, html) = browser.get("/clients").await;
        assert_eq!(names(&html), ["ИП Ёлкин", "ООО «Ромашка»"]);
        let (_, html) = browser.get("/clients?q=%D0%B5%D0%BB%D0%BA").await;
        assert_eq!(names(&html), ["ИП Ёлкин"]);
        let (_, html) = browser.get("/clients?q=7707083893").await;
        assert_eq!(names(&html), ["ООО «Ромашка»"]);
        let (_, html) = browser.get("/clients?kind=entrepreneur").await;
        assert_eq!(names(&html), ["ИП Ёлкин"]);

        let (status, fragment) = browser
            .get_htmx("/clients?q=8+926+1234567", "client-table")
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(!fragment.contains("<html"), "fragment only");
        assert_eq!(names(&fragment), ["ИП Ёлкин"]);
    }
);

web_test!(
    support_reads_without_edit_controls,
    async |server: &TestServer| {
        server.user("petrova", Role::Sales, &[]).await;
        server.user("ivanov", Role::Support, &["L1"]).await;
        let sales = server.browser("petrova").await;
        let card = create_through_form(&sales, ROMASHKA).await;

        let support = server.browser("ivanov").await;
        let (status, html) = support.get(&card).await;
        assert_eq!(status, StatusCode::OK);
        assert!(!html.contains("data-test=\"client-edit\""));
        assert!(!html.contains("data-test=\"contact-form\""));
        let (status, _) = support.get(&format!("{card}/edit")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = support.get("/clients/new").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let response = support
            .post_form("/clients/new", "/clients", ROMASHKA)
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
    }
);

web_test!(
    form_without_csrf_is_rejected,
    async |server: &TestServer| {
        server.user("petrova", Role::Sales, &[]).await;
        let browser = server.browser("petrova").await;
        let response = browser.post_raw("/clients/new", ROMASHKA).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let (_, list) = browser.get("/clients").await;
        assert!(names(&list).is_empty());
    }
);

web_test!(pages_speak_english, async |server: &TestServer| {
    let user = server.user("smith", Role::Admin, &[]).await;
    let change = store::identity::users::UserChange {
        locale: Some("en".into()),
        ..Default::default()
    };
    store::identity::users::update(
        &server.state.db,
        user.id,
        None,
        &change,
        &store::identity::Author::system(),
        domain::time::now(),
    )
    .await
    .unwrap();
    let browser = server.browser("smith").await;
    let (_, html) = browser.get("/clients").await;
    assert!(html.contains("New client"));
    let mut fields = ROMASHKA.to_vec();
    fields[3] = ("inn", "77070838");
    fields[12] = ("manager", "");
    let response = browser
        .post_form("/clients/new", "/clients/new", &fields)
        .await;
    let html = response.text().await.unwrap();
    assert!(html.contains("has 8 digits"), "{html}");
});

web_test!(
    client_user_cannot_open_other_card,
    async |server: &TestServer| {
        server.user("petrova", Role::Sales, &[]).await;
        let sales = server.browser("petrova").await;
        let own = create_through_form(&sales, ROMASHKA).await;
        let branch: Vec<(&str, &str)> = ROMASHKA
            .iter()
            .map(|(name, value)| match *name {
                "kpp" => (*name, "784201001"),
                "name" => (*name, "ООО «Другая»"),
                _ => (*name, *value),
            })
            .collect();
        let foreign = create_through_form(&sales, &branch).await;
        let own_id: i64 = own.trim_start_matches("/clients/").parse().unwrap();
        server.client_user("romashka", own_id).await;
        let client = server.browser("romashka").await;
        let (status, _) = client.get(&own).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = client.get(&foreign).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = client.get(&format!("{foreign}/edit")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (_, html) = client.get("/clients").await;
        assert_eq!(names(&html), ["ООО «Ромашка»"]);
    }
);
