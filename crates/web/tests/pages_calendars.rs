//! The calendar administration pages on both engines.
#![allow(clippy::unwrap_used)]

mod common;

use domain::identity::Role;
use reqwest::StatusCode;

use common::TestServer;

web_test!(
    admin_views_production_calendar,
    async |server: &TestServer| {
        server.user("admin", Role::Admin, &[]).await;
        let browser = server.browser("admin").await;

        let (status, list) = browser.get("/admin/calendars").await;
        assert_eq!(status, StatusCode::OK);
        assert!(list.contains("/admin/calendars/office"));
        assert!(list.contains("/admin/calendars/24x7"));

        let (status, html) = browser.get("/admin/calendars/office?year=2026").await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains("247 рабочих дней"),
            "the 2026 decree gives 247 working days"
        );
        assert!(html.contains("Год подтверждён"));
        assert_eq!(html.matches("data-test=\"calendar-exception\"").count(), 32);

        let (_, next_year) = browser.get("/admin/calendars/office?year=2027").await;
        assert!(
            next_year.contains("ст. 112 ТК РФ"),
            "2027 falls back to the statute"
        );
    }
);

web_test!(admin_edits_calendar, async |server: &TestServer| {
    server.user("admin", Role::Admin, &[]).await;
    let browser = server.browser("admin").await;
    let page = "/admin/calendars/office?year=2027";

    let response = browser
        .post_form(
            "/admin/calendars/office/exceptions",
            page,
            &[
                ("year", "2027"),
                ("date", "2027-03-22"),
                ("kind", "holiday"),
                ("note", "Региональный праздник"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, html) = browser.get(page).await;
    assert!(html.contains("Региональный праздник"));
    assert!(html.contains("2027-01-07"), "statutory holidays were kept");

    let version = {
        let stored = store::calendar::get(&server.state.db, "office")
            .await
            .unwrap()
            .unwrap();
        stored.version.to_string()
    };
    let response = browser
        .post_form(
            "/admin/calendars/office",
            page,
            &[
                ("version", &version),
                ("name", "Офис"),
                ("zone", "Mars/Olympus"),
                ("mon", "09:00-18:00"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("Mars/Olympus"), "the invalid zone is named");
    let stored = store::calendar::get(&server.state.db, "office")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.zone, chrono_tz::Europe::Moscow, "nothing changed");

    let response = browser
        .post_form(
            "/admin/calendars/office",
            page,
            &[
                ("version", &version),
                ("name", "Офис"),
                ("zone", "Europe/Samara"),
                ("mon", "08:00-17:00"),
                ("tue", "08:00-17:00"),
                ("applies_shortened", "on"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let stored = store::calendar::get(&server.state.db, "office")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.zone, chrono_tz::Europe::Samara);
    assert!(
        stored.week.0[2].is_none(),
        "an empty Wednesday is a day off"
    );
});

web_test!(calendars_are_admin_only, async |server: &TestServer| {
    server.user("petrova", Role::Sales, &[]).await;
    let browser = server.browser("petrova").await;
    let (status, _) = browser.get("/admin/calendars").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = browser.get("/admin/calendars/office").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
});
