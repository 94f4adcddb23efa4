//! Stored business calendars on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used)]

use chrono::{Datelike, NaiveDate, TimeZone, Utc};
use domain::calendar::{DayHours, ExceptionKind, WeeklyHours};
use store::calendar::{self, CalendarSettings, StoredException};
use store::identity::Author;
use store::{Db, storage_test};

fn date(value: &str) -> NaiveDate {
    value.parse().unwrap()
}

storage_test!(office_2026_has_247_working_days, async |db: Db| {
    let office = calendar::load(&db, "office", 2026..=2026)
        .await
        .unwrap()
        .unwrap();
    let days: Vec<NaiveDate> = date("2026-01-01")
        .iter_days()
        .take_while(|d| d.year() == 2026)
        .collect();
    let working = days.iter().filter(|d| office.is_working_day(**d)).count();
    assert_eq!(working, 247);
    assert_eq!(days.len() - working, 118);

    let minutes: u32 = days
        .iter()
        .filter_map(|d| office.hours_on(*d))
        .map(|h| u32::from(h.minutes()))
        .sum();
    // 247 nine-hour days (09:00–18:00, lunch not excluded) less one hour on each of the
    // four shortened days.
    assert_eq!(minutes, 247 * 540 - 4 * 60);
});

storage_test!(office_shortens_pre_holiday_days, async |db: Db| {
    let office = calendar::load(&db, "office", 2026..=2026)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        office.hours_on(date("2026-04-30")).map(|h| h.to_string()),
        Some("09:00-17:00".into())
    );
    assert_eq!(office.hours_on(date("2026-05-01")), None);
    assert_eq!(office.hours_on(date("2026-01-09")), None);
});

storage_test!(around_the_clock_never_closes, async |db: Db| {
    let always = calendar::load(&db, "24x7", 2026..=2026)
        .await
        .unwrap()
        .unwrap();
    assert!(always.week().is_around_the_clock());
    assert!(always.is_working_day(date("2026-01-01")));
    assert_eq!(always.business_day_minutes(), 1440);
});

storage_test!(year_without_decree_uses_statute, async |db: Db| {
    let office = calendar::load(&db, "office", 2027..=2027)
        .await
        .unwrap()
        .unwrap();
    assert!(!office.is_working_day(date("2027-01-07")));
    assert!(
        !office.is_working_day(date("2027-05-10")),
        "9 May 2027 is a Sunday, moved to Monday"
    );
    assert!(office.is_working_day(date("2027-01-11")));

    let stored = calendar::get(&db, "office").await.unwrap().unwrap();
    let years = calendar::years(&db, stored.id).await.unwrap();
    assert_eq!(years.len(), 1);
    assert_eq!(years[0].year, 2026);
    assert!(years[0].confirmed);
});

storage_test!(first_exception_keeps_statute, async |db: Db| {
    let extra = StoredException {
        date: date("2027-03-22"),
        kind: ExceptionKind::Holiday,
        hours: None,
        note: "Региональный праздник".into(),
    };
    let now = domain::time::now();
    calendar::set_exception(&db, "office", &extra, &Author::system(), now)
        .await
        .unwrap();
    let office = calendar::load(&db, "office", 2027..=2027)
        .await
        .unwrap()
        .unwrap();
    assert!(!office.is_working_day(date("2027-03-22")));
    assert!(
        !office.is_working_day(date("2027-01-07")),
        "statutory holidays stay"
    );

    let stored = calendar::get(&db, "office").await.unwrap().unwrap();
    let years = calendar::years(&db, stored.id).await.unwrap();
    let y2027 = years.iter().find(|y| y.year == 2027).unwrap();
    assert!(!y2027.confirmed);

    calendar::confirm_year(&db, "office", 2027, &Author::system(), now)
        .await
        .unwrap();
    let years = calendar::years(&db, stored.id).await.unwrap();
    assert!(years.iter().find(|y| y.year == 2027).unwrap().confirmed);

    assert!(
        calendar::remove_exception(&db, "office", date("2027-03-22"), &Author::system(), now)
            .await
            .unwrap()
    );
    let office = calendar::load(&db, "office", 2027..=2027)
        .await
        .unwrap()
        .unwrap();
    assert!(office.is_working_day(date("2027-03-22")));
});

storage_test!(settings_update_checks_version, async |db: Db| {
    let stored = calendar::get(&db, "office").await.unwrap().unwrap();
    let hours = DayHours::parse("hours", "08:00-18:00").unwrap();
    let settings = CalendarSettings {
        name: "Офис 8–18".into(),
        zone: chrono_tz::Europe::Berlin,
        week: WeeklyHours::five_day(hours),
        applies_shortened: true,
    };
    let now = domain::time::now();
    let saved = calendar::update(
        &db,
        "office",
        stored.version,
        &settings,
        &Author::system(),
        now,
    )
    .await
    .unwrap();
    assert_eq!(saved.zone, chrono_tz::Europe::Berlin);
    assert_eq!(saved.version, stored.version + 1);

    let stale = calendar::update(
        &db,
        "office",
        stored.version,
        &settings,
        &Author::system(),
        now,
    )
    .await;
    assert!(stale.is_err());

    let office = calendar::load(&db, "office", 2026..=2026)
        .await
        .unwrap()
        .unwrap();
    let monday = Utc.with_ymd_and_hms(2026, 3, 2, 7, 30, 0).unwrap();
    assert!(office.is_open_at(monday), "08:30 in Berlin is open");
});

storage_test!(shortened_day_rejected_on_24x7, async |db: Db| {
    let shortened = StoredException {
        date: date("2026-04-30"),
        kind: ExceptionKind::Shortened,
        hours: None,
        note: String::new(),
    };
    let error = calendar::set_exception(
        &db,
        "24x7",
        &shortened,
        &Author::system(),
        domain::time::now(),
    )
    .await
    .unwrap_err();
    assert!(
        error.to_string().contains("calendar-shortened-on-24x7"),
        "{error}"
    );
});
