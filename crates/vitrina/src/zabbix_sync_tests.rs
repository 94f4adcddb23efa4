//! The sender against a stand-in Zabbix 6.0 API on 127.0.0.1 (see `standin`), on both
//! database engines.

#[path = "../../integrations/tests/standin/mod.rs"]
mod standin;

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use domain::identity::Role;
use domain::servicedesk::zabbix::Delivery;
use integrations::zabbix::{Auth, Client, Config};
use secrecy::SecretString;
use standin::{PASSWORD, StandIn, USERNAME};
use store::identity::{Author, User, users};
use store::servicedesk::tickets::{self, Ticket, TicketChange};
use store::servicedesk::zabbix_outbox::{self as outbox, State};
use store::testing::{deliver_zabbix, resolve_as};
use store::{Db, storage_test};
use tokio::sync::{Notify, watch};
use web::i18n::I18n;

use super::Sender;

const PUBLIC_URL: &str = "https://vitrina.example.ru";

/// Builds a sender to `zabbix` over `db`, with the outbox switched on.
fn sender(db: &Db, zabbix: &StandIn) -> (Sender, Arc<Notify>) {
    integrations::tls::install_crypto_provider();
    let wake = Arc::new(Notify::new());
    let client = Arc::new(
        Client::new(Config {
            url: zabbix.url.clone(),
            auth: Auth::Password {
                username: USERNAME.into(),
                password: SecretString::from(PASSWORD),
            },
            timeout: std::time::Duration::from_secs(10),
        })
        .unwrap(),
    );
    let sender = Sender {
        db: db.clone().with_zabbix_outbox(wake.clone()),
        client,
        public_url: PUBLIC_URL.into(),
        i18n: I18n::load().unwrap(),
        holder: "test-instance".into(),
    };
    (sender, wake)
}

async fn engineer(db: &Db) -> User {
    let now = domain::time::now();
    let new = users::NewUser {
        login: "petrov".into(),
        display_name: "Пётр Петров".into(),
        email: None,
        role: Role::Support,
        client_id: None,
        password_hash: None,
        locale: "ru".into(),
    };
    let user = users::create(db, &new, &Author::system(), now)
        .await
        .unwrap();
    users::set_queues(
        db,
        user.id,
        &["infrastructure".into()],
        &Author::system(),
        now,
    )
    .await
    .unwrap();
    user
}

/// Delivers a problem through the webhook's store functions; `trigger_id` `None` is a
/// delivery without it.
async fn problem(db: &Db, event_id: i64, trigger_id: Option<i64>) -> Ticket {
    let delivery = Delivery {
        event_id,
        event_value: 1,
        nseverity: Some(4),
        trigger_id,
        host_host: Some("db-01".into()),
        host_name: Some("База данных 01".into()),
        subject: Some("Нет места на диске /var".into()),
        ..Delivery::default()
    };
    deliver_zabbix(db, &delivery, domain::time::now()).await
}

async fn assign(db: &Db, ticket: &Ticket, user: &User) -> Ticket {
    let change = TicketChange {
        assignee: Some(Some(user.login.clone())),
        ..TicketChange::default()
    };
    let by = Author::person(user.id, &user.login);
    tickets::update(
        db,
        ticket.id,
        ticket.version,
        &change,
        &by,
        domain::time::now(),
    )
    .await
    .unwrap()
}

async fn resolve(db: &Db, ticket: &Ticket, user: &User) {
    resolve_as(db, ticket, &Author::person(user.id, &user.login)).await;
}

/// Sends every due row at `now` and returns how many were due.
async fn drain(sender: &Sender, now: DateTime<Utc>) -> usize {
    let mut count = 0;
    while sender.send_next(now).await.unwrap() {
        count += 1;
    }
    count
}

fn later() -> DateTime<Utc> {
    domain::time::now() + Duration::seconds(1)
}

storage_test!(sender_acknowledges_then_closes, async |db: Db| {
    let zabbix = StandIn::start().await;
    zabbix.add_trigger(23001, "Нет места на диске /var", true);
    zabbix.add_event(7001, 23001, 1_764_892_800);
    let (sender, _wake) = sender(&db, &zabbix);
    let user = engineer(&sender.db).await;
    let ticket = problem(&sender.db, 7001, Some(23001)).await;

    let ticket = assign(&sender.db, &ticket, &user).await;
    resolve(&sender.db, &ticket, &user).await;
    assert_eq!(drain(&sender, later()).await, 2);

    let acks = zabbix.acks();
    assert_eq!(acks.len(), 2);
    assert_eq!((acks[0].event_id, acks[0].action), (7001, 6));
    assert_eq!((acks[1].event_id, acks[1].action), (7001, 5));
    let url = format!("{PUBLIC_URL}/tickets/{}", ticket.id);
    for ack in &acks {
        let message = ack.message.as_deref().unwrap();
        assert!(message.contains("Пётр Петров (petrov)"), "{message}");
        assert!(message.contains(&ticket.number), "{message}");
        assert!(message.contains(&url), "{message}");
    }
    assert_eq!(
        zabbix.calls_to("user.login").len(),
        1,
        "the session is reused"
    );

    let rows = outbox::for_ticket(&sender.db, ticket.id).await.unwrap();
    let states: Vec<(State, Option<&str>)> = rows
        .iter()
        .map(|row| (row.state, row.outcome.as_deref()))
        .collect();
    assert_eq!(
        states,
        [
            (State::Sent, Some("acknowledged")),
            (State::Sent, Some("closed"))
        ]
    );
    zabbix.stop();
});

storage_test!(sender_adds_message_without_manual_close, async |db: Db| {
    let zabbix = StandIn::start().await;
    zabbix.add_trigger(23002, "Нагрузка CPU", false);
    zabbix.add_event(7002, 23002, 1_764_892_800);
    let (sender, _wake) = sender(&db, &zabbix);
    let user = engineer(&sender.db).await;
    // No trigger id in the delivery: the sender finds it with event.get.
    let ticket = problem(&sender.db, 7002, None).await;

    let ticket = assign(&sender.db, &ticket, &user).await;
    resolve(&sender.db, &ticket, &user).await;
    drain(&sender, later()).await;

    let acks = zabbix.acks();
    assert_eq!(acks.len(), 2);
    assert_eq!(acks[1].action, 4);
    let message = acks[1].message.as_deref().unwrap();
    assert!(message.contains("вручную"), "{message}");
    assert_eq!(zabbix.calls_to("event.get").len(), 1);
    assert_eq!(
        zabbix.calls_to("trigger.get")[0].params["triggerids"][0],
        "23002"
    );
    let rows = outbox::for_ticket(&sender.db, ticket.id).await.unwrap();
    assert_eq!(rows[1].outcome.as_deref(), Some("message"));
    zabbix.stop();
});

storage_test!(sender_retries_failed_call, async |db: Db| {
    let zabbix = StandIn::start().await;
    zabbix.add_trigger(23003, "Диск", true);
    zabbix.add_event(7003, 23003, 1_764_892_800);
    let (sender, _wake) = sender(&db, &zabbix);
    let user = engineer(&sender.db).await;
    let ticket = problem(&sender.db, 7003, Some(23003)).await;
    assign(&sender.db, &ticket, &user).await;
    zabbix.fail_next(1);
    let now = later();

    assert_eq!(drain(&sender, now).await, 1);
    let row = outbox::for_ticket(&sender.db, ticket.id)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(row.state, State::Failed);
    assert_eq!(row.attempts, 1);
    assert!(
        row.last_error.as_deref().unwrap().contains("502"),
        "{row:?}"
    );
    assert_eq!(row.next_attempt_at, now + Duration::minutes(1));
    assert!(zabbix.acks().is_empty());

    assert_eq!(drain(&sender, now + Duration::seconds(59)).await, 0);
    assert_eq!(drain(&sender, now + Duration::minutes(1)).await, 1);
    let row = outbox::for_ticket(&sender.db, ticket.id)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(row.state, State::Sent);
    assert_eq!(row.attempts, 2);
    assert_eq!(zabbix.acks().len(), 1);
    zabbix.stop();
});

storage_test!(sender_records_refused_event, async |db: Db| {
    let zabbix = StandIn::start().await;
    let (sender, _wake) = sender(&db, &zabbix);
    let user = engineer(&sender.db).await;
    // Zabbix does not know event 7004, so it refuses the acknowledgement.
    let ticket = problem(&sender.db, 7004, Some(23004)).await;
    assign(&sender.db, &ticket, &user).await;

    drain(&sender, later()).await;

    let row = outbox::for_ticket(&sender.db, ticket.id)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(row.state, State::Failed);
    let error = row.last_error.unwrap();
    assert!(error.contains("does not exist"), "{error}");
    assert!(!error.contains(PASSWORD), "{error}");
    zabbix.stop();
});

storage_test!(sender_wakes_and_stops, async |db: Db| {
    let zabbix = StandIn::start().await;
    zabbix.add_trigger(23005, "Диск", true);
    zabbix.add_event(7005, 23005, 1_764_892_800);
    let (sender, wake) = sender(&db, &zabbix);
    let sender_db = sender.db.clone();
    let user = engineer(&sender_db).await;
    let ticket = problem(&sender_db, 7005, Some(23005)).await;
    let (stop, stopped) = watch::channel(false);
    let running = tokio::spawn(sender.run(wake, stopped));

    assign(&sender_db, &ticket, &user).await;
    // The call comes at once when the wake-up works, and within the 5 s poll otherwise; 30 s
    // only bounds a hang.
    for _ in 0..1500 {
        if !zabbix.acks().is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(
        zabbix.acks().len(),
        1,
        "the sender made no call within 30 s"
    );

    stop.send(true).unwrap();
    running.await.unwrap();
    let row = outbox::for_ticket(&sender_db, ticket.id)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(row.state, State::Sent);
    zabbix.stop();
});
