//! SLA escalation: levels fire at an offset from the deadline in business time of the
//! ticket's calendar, once per ticket, on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::{Berlin, Moscow};
use chrono_tz::Tz;
use common::{author, staff};
use domain::calendar::{DayHours, WeeklyHours};
use domain::identity::Role;
use domain::notify::MailTemplate;
use domain::servicedesk::{Kind, Priority, Source};
use domain::sla::{SlaPolicy, SlaTarget};
use store::calendar::{self, CalendarSettings};
use store::identity::Author;
use store::notify::escalation::{self, Settings};
use store::notify::inbox;
use store::servicedesk::sla;
use store::servicedesk::tickets::{self, NewTicket, Ticket};
use store::{Db, storage_test};

/// Reads a wall-clock time in `zone`.
fn local(zone: Tz, text: &str) -> DateTime<Utc> {
    let naive: NaiveDateTime = text.parse().unwrap();
    zone.from_local_datetime(&naive)
        .unwrap()
        .with_timezone(&Utc)
}

/// Sets the office calendar's zone and weekday hours, and the internal P3 first-response
/// target in business hours.
async fn office(db: &Db, zone: Tz, hours: &str, first_response_hours: u32) {
    let stored = calendar::get(db, "office").await.unwrap().unwrap();
    let settings = CalendarSettings {
        name: stored.name,
        zone,
        week: WeeklyHours::five_day(DayHours::parse("hours", hours).unwrap()),
        applies_shortened: true,
    };
    let now = domain::time::now();
    calendar::update(
        db,
        "office",
        stored.version,
        &settings,
        &Author::system(),
        now,
    )
    .await
    .unwrap();
    let mut policy = SlaPolicy::internal_default();
    policy.p3.first_response = SlaTarget::hours(first_response_hours);
    sla::set_internal_policy(db, &policy, now).await.unwrap();
}

async fn ticket_at(db: &Db, at: DateTime<Utc>) -> Ticket {
    let new = NewTicket {
        kind: Kind::Incident,
        source: Source::Staff,
        priority: Priority::P3,
        queue: "L1".into(),
        title: "Магазин не открывается".into(),
        description: "Описание".into(),
        client_id: None,
        zabbix: None,
    };
    tickets::create(db, &new, &Author::system(), at)
        .await
        .unwrap()
}

/// Counts the escalation notifications of `user_id`.
async fn escalations_of(db: &Db, user_id: i64) -> usize {
    inbox::list(db, user_id, 100)
        .await
        .unwrap()
        .iter()
        .filter(|n| n.kind == MailTemplate::TicketEscalated)
        .count()
}

storage_test!(monday_five_pm_escalates_tuesday_ten, async |db: Db| {
    office(&db, Moscow, "08:00-18:00", 4).await;
    let lead = staff(&db, "lead", Role::SupportLead, &["L1"]).await;
    let ticket = ticket_at(&db, local(Moscow, "2026-03-02T17:00:00")).await;
    let settings = Settings::default();

    let view = sla::view(&db, &ticket, local(Moscow, "2026-03-02T17:00:00"))
        .await
        .unwrap();
    let due = view.sla.unwrap().first_response.due;
    assert_eq!(due, Some(local(Moscow, "2026-03-03T11:00:00")));

    let early = escalation::run(&db, &settings, local(Moscow, "2026-03-03T09:59:00"))
        .await
        .unwrap();
    assert_eq!(early, 0);
    assert_eq!(escalations_of(&db, lead.id).await, 0);

    let due = escalation::run(&db, &settings, local(Moscow, "2026-03-03T10:00:00"))
        .await
        .unwrap();
    assert_eq!(due, 1);
    assert_eq!(escalations_of(&db, lead.id).await, 1);

    let again = escalation::run(&db, &settings, local(Moscow, "2026-03-03T10:00:00"))
        .await
        .unwrap();
    assert_eq!(again, 0);
    assert_eq!(escalations_of(&db, lead.id).await, 1);
});

storage_test!(breach_notifies_head_of_support, async |db: Db| {
    office(&db, Moscow, "08:00-18:00", 4).await;
    let lead = staff(&db, "lead", Role::SupportLead, &["L1"]).await;
    let head = staff(&db, "head", Role::SupportLead, &[]).await;
    ticket_at(&db, local(Moscow, "2026-03-02T17:00:00")).await;
    let settings = Settings {
        head_of_support: Some("head".into()),
        ..Settings::default()
    };

    let fired = escalation::run(&db, &settings, local(Moscow, "2026-03-03T11:00:00"))
        .await
        .unwrap();

    assert_eq!(fired, 2, "level 1 and, at the deadline, level 2");
    assert_eq!(escalations_of(&db, lead.id).await, 1);
    assert_eq!(escalations_of(&db, head.id).await, 1);
});

storage_test!(answered_ticket_does_not_escalate, async |db: Db| {
    office(&db, Moscow, "08:00-18:00", 4).await;
    let lead = staff(&db, "lead", Role::SupportLead, &["L1"]).await;
    let engineer = staff(&db, "ivanov", Role::Support, &["L1"]).await;
    let ticket = ticket_at(&db, local(Moscow, "2026-03-02T17:00:00")).await;
    tickets::add_comment(
        &db,
        ticket.id,
        "Смотрим.",
        true,
        &author(&engineer),
        local(Moscow, "2026-03-03T08:30:00"),
    )
    .await
    .unwrap();

    let fired = escalation::run(
        &db,
        &Settings::default(),
        local(Moscow, "2026-03-03T10:00:00"),
    )
    .await
    .unwrap();

    assert_eq!(fired, 0);
    assert_eq!(escalations_of(&db, lead.id).await, 0);
});

storage_test!(berlin_escalation_across_dst_change, async |db: Db| {
    // Clocks in Berlin go from 02:00 CET to 03:00 CEST on Sunday 29 March 2026.
    office(&db, Berlin, "09:00-17:00", 3).await;
    let lead = staff(&db, "lead", Role::SupportLead, &["L1"]).await;
    let created = local(Berlin, "2026-03-27T16:00:00");
    let ticket = ticket_at(&db, created).await;

    let view = sla::view(&db, &ticket, created).await.unwrap();
    let due = view.sla.unwrap().first_response.due.unwrap();
    assert_eq!(
        due,
        local(Berlin, "2026-03-30T11:00:00"),
        "1 h on Friday, 2 h on Monday"
    );
    assert_eq!(
        due.to_rfc3339(),
        "2026-03-30T09:00:00+00:00",
        "CEST is UTC+2"
    );

    let settings = Settings::default();
    let early = escalation::run(&db, &settings, local(Berlin, "2026-03-30T09:59:00"))
        .await
        .unwrap();
    assert_eq!(early, 0);
    let fired = escalation::run(&db, &settings, local(Berlin, "2026-03-30T10:00:00"))
        .await
        .unwrap();
    assert_eq!(fired, 1);
    assert_eq!(escalations_of(&db, lead.id).await, 1);
});

storage_test!(configured_offsets_move_the_levels, async |db: Db| {
    office(&db, Moscow, "08:00-18:00", 4).await;
    let lead = staff(&db, "lead", Role::SupportLead, &["L1"]).await;
    // Due Tuesday 11:00 (one hour on Monday, three from 08:00 on Tuesday); the leads are
    // notified two business hours before it, at 09:00, and the head 30 minutes after it.
    ticket_at(&db, local(Moscow, "2026-03-02T17:00:00")).await;
    let settings = Settings {
        levels: domain::notify::escalation_levels_at(120, 30),
        ..Settings::default()
    };
    let before = escalation::run(&db, &settings, local(Moscow, "2026-03-03T08:59:00"))
        .await
        .unwrap();
    assert_eq!(before, 0);
    let leads = escalation::run(&db, &settings, local(Moscow, "2026-03-03T09:00:00"))
        .await
        .unwrap();
    assert_eq!(leads, 1);
    assert_eq!(escalations_of(&db, lead.id).await, 1);
    let at_breach = escalation::run(&db, &settings, local(Moscow, "2026-03-03T11:00:00"))
        .await
        .unwrap();
    assert_eq!(
        at_breach, 0,
        "the head of support waits 30 minutes past the breach"
    );
    let late = escalation::run(&db, &settings, local(Moscow, "2026-03-03T11:30:00"))
        .await
        .unwrap();
    assert_eq!(late, 1);
});
