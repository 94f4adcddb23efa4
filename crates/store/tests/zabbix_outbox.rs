//! The Zabbix outbox on SQLite and PostgreSQL: what ticket changes queue, and how a sender
//! claims, retries and finishes rows.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use common::{author, staff};
use domain::identity::Role;
use domain::servicedesk::Status;
use domain::servicedesk::zabbix::Delivery;
use domain::servicedesk::zabbix_outbox::Action;
use futures::FutureExt;
use store::identity::User;
use store::servicedesk::tickets::{self, Ticket, TicketChange};
use store::servicedesk::zabbix_outbox::{self as outbox, Outcome, State};
use store::testing::{deliver_zabbix, resolve_as};
use store::{Db, storage_test};
use tokio::sync::Notify;

const LEASE: Duration = Duration::minutes(2);

/// Returns `db` with the outbox on, and the notifier the sender would wait on.
fn with_outbox(db: &Db) -> (Db, Arc<Notify>) {
    let notify = Arc::new(Notify::new());
    (db.clone().with_zabbix_outbox(notify.clone()), notify)
}

/// Delivers a problem (`event_value` 1) or recovery (0) of `event_id` through the webhook's
/// store functions.
async fn deliver(db: &Db, event_id: i64, event_value: u8, now: DateTime<Utc>) -> Ticket {
    let delivery = Delivery {
        event_id,
        event_value,
        nseverity: Some(4),
        trigger_id: Some(23_000 + event_id),
        host_host: Some("db-01".into()),
        host_name: Some("База данных 01".into()),
        subject: Some(format!("Проблема {event_id}")),
        ..Delivery::default()
    };
    deliver_zabbix(db, &delivery, now).await
}

async fn assign(db: &Db, ticket: &Ticket, user: Option<&User>, by: &User) -> Ticket {
    let change = TicketChange {
        assignee: Some(user.map(|u| u.login.clone())),
        ..TicketChange::default()
    };
    tickets::update(
        db,
        ticket.id,
        ticket.version,
        &change,
        &author(by),
        domain::time::now(),
    )
    .await
    .unwrap()
}

async fn resolve(db: &Db, ticket: &Ticket, by: &User) -> Ticket {
    resolve_as(db, ticket, &author(by)).await
}

storage_test!(first_assignment_queues_acknowledge, async |db: Db| {
    let (db, notify) = with_outbox(&db);
    let engineer = staff(&db, "petrov", Role::Support, &["infrastructure"]).await;
    let ticket = deliver(&db, 5001, 1, domain::time::now()).await;

    let ticket = assign(&db, &ticket, Some(&engineer), &engineer).await;
    let rows = outbox::for_ticket(&db, ticket.id).await.unwrap();
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row.action, Action::Acknowledge);
    assert_eq!(row.event_id, 5001);
    assert_eq!(row.trigger_id, Some(28_001));
    assert_eq!(row.actor_login, "petrov");
    assert_eq!(row.actor_name, "PETROV");
    assert_eq!(row.state, State::Pending);
    assert_eq!(row.attempts, 0);
    assert!(
        notify.notified().now_or_never().is_some(),
        "the sender was not woken"
    );

    // Unassigning and assigning again is not a first assignment.
    let ticket = assign(&db, &ticket, None, &engineer).await;
    assign(&db, &ticket, Some(&engineer), &engineer).await;
    assert_eq!(outbox::for_ticket(&db, ticket.id).await.unwrap().len(), 1);
});

storage_test!(stale_assignment_queues_nothing, async |db: Db| {
    let (db, _notify) = with_outbox(&db);
    let engineer = staff(&db, "petrov", Role::Support, &["infrastructure"]).await;
    let ticket = deliver(&db, 5002, 1, domain::time::now()).await;
    let change = TicketChange {
        assignee: Some(Some("petrov".into())),
        ..TicketChange::default()
    };
    let stale = ticket.version + 1;
    let result = tickets::update(
        &db,
        ticket.id,
        stale,
        &change,
        &author(&engineer),
        domain::time::now(),
    )
    .await;
    assert!(result.is_err());
    assert!(outbox::for_ticket(&db, ticket.id).await.unwrap().is_empty());
});

storage_test!(outbox_off_queues_nothing, async |db: Db| {
    let engineer = staff(&db, "petrov", Role::Support, &["infrastructure"]).await;
    let ticket = deliver(&db, 5003, 1, domain::time::now()).await;
    let ticket = assign(&db, &ticket, Some(&engineer), &engineer).await;
    let ticket = resolve(&db, &ticket, &engineer).await;
    assert_eq!(ticket.status, Status::Resolved);
    assert!(outbox::for_ticket(&db, ticket.id).await.unwrap().is_empty());
});

storage_test!(recovery_resolution_queues_nothing, async |db: Db| {
    let (db, _notify) = with_outbox(&db);
    let now = domain::time::now();
    deliver(&db, 5004, 1, now).await;
    let ticket = deliver(&db, 5004, 0, now + Duration::minutes(3)).await;
    assert_eq!(ticket.status, Status::Resolved);
    assert!(outbox::for_ticket(&db, ticket.id).await.unwrap().is_empty());
});

storage_test!(person_resolution_queues_resolve, async |db: Db| {
    let (db, _notify) = with_outbox(&db);
    let engineer = staff(&db, "petrov", Role::Support, &["infrastructure"]).await;
    let lead = staff(&db, "sidorova", Role::Support, &["infrastructure"]).await;
    let ticket = deliver(&db, 5005, 1, domain::time::now()).await;
    let ticket = assign(&db, &ticket, Some(&engineer), &lead).await;
    resolve(&db, &ticket, &lead).await;

    let rows = outbox::for_ticket(&db, ticket.id).await.unwrap();
    let actions: Vec<Action> = rows.iter().map(|row| row.action).collect();
    assert_eq!(actions, [Action::Acknowledge, Action::Resolve]);
    assert_eq!(rows[0].actor_login, "petrov", "the assignee is named");
    assert_eq!(rows[1].actor_login, "sidorova", "the resolver is named");
    assert_eq!(rows[1].event_id, 5005);
});

storage_test!(resolution_skips_recovered_events, async |db: Db| {
    let (db, _notify) = with_outbox(&db);
    let engineer = staff(&db, "petrov", Role::Support, &["infrastructure"]).await;
    let now = domain::time::now();
    let ticket = deliver(&db, 5006, 1, now).await;
    let ticket = assign(&db, &ticket, Some(&engineer), &engineer).await;
    // The engineer is working on it, so the recovery leaves the ticket open.
    deliver(&db, 5006, 0, now).await;
    let ticket = tickets::get(&db, ticket.id).await.unwrap().unwrap();
    assert_eq!(ticket.status, Status::Assigned);
    resolve(&db, &ticket, &engineer).await;

    let rows = outbox::for_ticket(&db, ticket.id).await.unwrap();
    let actions: Vec<Action> = rows.iter().map(|row| row.action).collect();
    assert_eq!(actions, [Action::Acknowledge]);
});

storage_test!(failed_attempts_back_off, async |db: Db| {
    let (db, _notify) = with_outbox(&db);
    let engineer = staff(&db, "petrov", Role::Support, &["infrastructure"]).await;
    let ticket = deliver(&db, 5007, 1, domain::time::now()).await;
    assign(&db, &ticket, Some(&engineer), &engineer).await;
    let t0 = domain::time::now() + Duration::seconds(1);

    let mut at = t0;
    let mut waits = Vec::new();
    for _ in 0..8 {
        let row = outbox::claim(&db, "a", at, LEASE).await.unwrap().unwrap();
        let next = outbox::mark_failed(&db, row.id, "a", "HTTP 502", at)
            .await
            .unwrap()
            .unwrap();
        assert!(
            outbox::claim(&db, "a", next - Duration::seconds(1), LEASE)
                .await
                .unwrap()
                .is_none(),
            "claimed before its next attempt"
        );
        waits.push((next - at).num_minutes());
        at = next;
    }
    assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60]);

    let rows = outbox::for_ticket(&db, ticket.id).await.unwrap();
    assert_eq!(rows[0].state, State::Failed);
    assert_eq!(rows[0].attempts, 8);
    assert_eq!(rows[0].last_error.as_deref(), Some("HTTP 502"));
    assert_eq!(rows[0].next_attempt_at, at);
});

storage_test!(sent_row_is_done, async |db: Db| {
    let (db, _notify) = with_outbox(&db);
    let engineer = staff(&db, "petrov", Role::Support, &["infrastructure"]).await;
    let ticket = deliver(&db, 5008, 1, domain::time::now()).await;
    assign(&db, &ticket, Some(&engineer), &engineer).await;
    let now = domain::time::now() + Duration::seconds(1);

    let row = outbox::claim(&db, "a", now, LEASE).await.unwrap().unwrap();
    outbox::mark_failed(&db, row.id, "a", "timed out", now)
        .await
        .unwrap();
    let later = now + Duration::minutes(1);
    let row = outbox::claim(&db, "a", later, LEASE)
        .await
        .unwrap()
        .unwrap();
    assert!(
        outbox::mark_sent(&db, row.id, "a", Outcome::Acknowledged, later)
            .await
            .unwrap()
    );

    let rows = outbox::for_ticket(&db, ticket.id).await.unwrap();
    assert_eq!(rows[0].state, State::Sent);
    assert_eq!(rows[0].attempts, 2);
    assert_eq!(rows[0].outcome.as_deref(), Some("acknowledged"));
    assert_eq!(rows[0].sent_at, Some(later));
    assert_eq!(rows[0].last_error, None);
    let far = later + Duration::days(1);
    assert!(outbox::claim(&db, "a", far, LEASE).await.unwrap().is_none());
});

storage_test!(claim_holds_until_lease_expires, async |db: Db| {
    let (db, _notify) = with_outbox(&db);
    let engineer = staff(&db, "petrov", Role::Support, &["infrastructure"]).await;
    let ticket = deliver(&db, 5009, 1, domain::time::now()).await;
    assign(&db, &ticket, Some(&engineer), &engineer).await;
    let now = domain::time::now() + Duration::seconds(1);

    let first = outbox::claim(&db, "a", now, LEASE).await.unwrap().unwrap();
    assert!(outbox::claim(&db, "b", now, LEASE).await.unwrap().is_none());

    // Holder `a` crashed: after its lease, `b` takes the row and `a` can no longer finish it.
    let after = now + LEASE + Duration::seconds(1);
    let second = outbox::claim(&db, "b", after, LEASE)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(second.id, first.id);
    assert!(
        !outbox::mark_sent(&db, first.id, "a", Outcome::Acknowledged, after)
            .await
            .unwrap()
    );
    assert!(
        outbox::mark_sent(&db, first.id, "b", Outcome::Acknowledged, after)
            .await
            .unwrap()
    );
});

storage_test!(ticket_rows_go_in_order, async |db: Db| {
    let (db, _notify) = with_outbox(&db);
    let engineer = staff(&db, "petrov", Role::Support, &["infrastructure"]).await;
    let first = deliver(&db, 5010, 1, domain::time::now()).await;
    let second = deliver(&db, 5011, 1, domain::time::now()).await;
    let first = assign(&db, &first, Some(&engineer), &engineer).await;
    resolve(&db, &first, &engineer).await;
    assign(&db, &second, Some(&engineer), &engineer).await;
    let now = domain::time::now() + Duration::seconds(1);

    let ack = outbox::claim(&db, "a", now, LEASE).await.unwrap().unwrap();
    assert_eq!((ack.ticket_id, ack.action), (first.id, Action::Acknowledge));
    outbox::mark_failed(&db, ack.id, "a", "HTTP 500", now)
        .await
        .unwrap();

    // The first ticket's resolution waits behind its failed acknowledgement; the second
    // ticket's row does not.
    let next = outbox::claim(&db, "a", now, LEASE).await.unwrap().unwrap();
    assert_eq!(next.ticket_id, second.id);
    outbox::mark_sent(&db, next.id, "a", Outcome::Acknowledged, now)
        .await
        .unwrap();
    assert!(outbox::claim(&db, "a", now, LEASE).await.unwrap().is_none());

    let later = now + Duration::minutes(1);
    let retried = outbox::claim(&db, "a", later, LEASE)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(retried.id, ack.id);
    outbox::mark_sent(&db, retried.id, "a", Outcome::Acknowledged, later)
        .await
        .unwrap();
    let resolution = outbox::claim(&db, "a", later, LEASE)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (resolution.ticket_id, resolution.action),
        (first.id, Action::Resolve)
    );
});

storage_test!(concurrent_claims_take_different_rows, async |db: Db| {
    let (db, _notify) = with_outbox(&db);
    let engineer = staff(&db, "petrov", Role::Support, &["infrastructure"]).await;
    for event_id in [5012, 5013] {
        let ticket = deliver(&db, event_id, 1, domain::time::now()).await;
        assign(&db, &ticket, Some(&engineer), &engineer).await;
    }
    let now = domain::time::now() + Duration::seconds(1);

    let (a, b) = tokio::join!(
        outbox::claim(&db, "a", now, LEASE),
        outbox::claim(&db, "b", now, LEASE)
    );
    let (a, b) = (a.unwrap().unwrap(), b.unwrap().unwrap());
    assert_ne!(a.id, b.id);
    assert!(outbox::claim(&db, "c", now, LEASE).await.unwrap().is_none());
});
