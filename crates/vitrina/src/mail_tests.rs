//! The mail sender against a real SMTP server on 127.0.0.1: the aiosmtpd sink of
//! `tests/smtp/sink.py`, started by each test, on both database engines.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use domain::identity::Role;
use domain::notify::MailTemplate;
use domain::servicedesk::{Kind, Priority, Source};
use integrations::mail::{Mailer, SmtpConfig, TlsMode};
use store::identity::{Author, User, users};
use store::notify::mail::{self as outbox, State};
use store::servicedesk::tickets::{self, NewTicket, Ticket, TicketChange};
use store::testing::resolve_as;
use store::{Db, args, storage_test};
use web::i18n::I18n;

use super::MailSender;

const PUBLIC_URL: &str = "https://vitrina.example.ru";

/// A running SMTP sink and the directory it writes messages to; dropping it stops the sink.
struct Sink {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Sink {
    /// Starts the sink and waits until it accepts connections.
    fn start() -> Sink {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/smtp/sink.py");
        let dir = tempfile::tempdir().unwrap();
        let mut child = Command::new("python3")
            .arg(&script)
            .arg(dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect(
                "python3 starts; the SMTP sink needs python3 with aiosmtpd (pip install aiosmtpd)",
            );
        let mut line = String::new();
        let stdout = child.stdout.take().unwrap();
        std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line).unwrap();
        let port = line.trim().parse().unwrap_or_else(|_| {
            panic!("the SMTP sink did not start; is aiosmtpd installed (pip install aiosmtpd)? it printed {line:?}")
        });
        Sink { child, port, dir }
    }

    /// Reads the messages received so far, in order.
    fn messages(&self) -> Vec<serde_json::Value> {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|e| e == "json"))
            .collect();
        paths.sort();
        paths
            .iter()
            .map(|path| serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap())
            .collect()
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn smtp_config(port: u16) -> SmtpConfig {
    SmtpConfig {
        host: "127.0.0.1".into(),
        port,
        from: "Витрина <support@vitrina.example.ru>".into(),
        tls: TlsMode::None,
        username: None,
        password: None,
        timeout: StdDuration::from_secs(10),
    }
}

fn sender(db: &Db, port: Option<u16>) -> MailSender {
    MailSender {
        db: db.clone(),
        mailer: port.map(|port| Arc::new(Mailer::new(&smtp_config(port)).unwrap())),
        i18n: I18n::load().unwrap(),
        public_url: PUBLIC_URL.into(),
        holder: "test-instance".into(),
    }
}

/// Returns a port on 127.0.0.1 where nothing listens.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

async fn client_company(db: &Db, name: &str) -> i64 {
    let mut tx = db.begin().await.unwrap();
    let id = tx
        .fetch_scalar(
            "INSERT INTO clients (name, name_folded, created_at, updated_at) \
             VALUES ($1, $2, $3, $3) RETURNING id",
            args![name, name.to_lowercase(), domain::time::now()],
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

async fn user(db: &Db, login: &str, role: Role, client_id: Option<i64>, locale: &str) -> User {
    let new = users::NewUser {
        login: login.into(),
        display_name: format!("Пользователь {login}"),
        email: Some(format!("{login}@example.ru")),
        role,
        client_id,
        password_hash: None,
        locale: locale.into(),
    };
    let user = users::create(db, &new, &Author::system(), domain::time::now())
        .await
        .unwrap();
    if !role.is_client() {
        users::set_queues(
            db,
            user.id,
            &["L1".into()],
            &Author::system(),
            domain::time::now(),
        )
        .await
        .unwrap();
    }
    user
}

async fn client_ticket(db: &Db, client_id: i64, title: &str) -> Ticket {
    let new = NewTicket {
        kind: Kind::Incident,
        source: Source::Portal,
        priority: Priority::P3,
        queue: "L1".into(),
        title: title.into(),
        description: "Магазин не открывается".into(),
        client_id: Some(client_id),
        zabbix: None,
    };
    tickets::create(db, &new, &Author::system(), domain::time::now())
        .await
        .unwrap()
}

async fn assign(db: &Db, ticket: &Ticket, assignee: &User, by: &User) -> Ticket {
    let change = TicketChange {
        assignee: Some(Some(assignee.login.clone())),
        ..TicketChange::default()
    };
    let author = Author::person(by.id, &by.login);
    tickets::update(
        db,
        ticket.id,
        ticket.version,
        &change,
        &author,
        domain::time::now(),
    )
    .await
    .unwrap()
}

fn later() -> DateTime<Utc> {
    domain::time::now() + Duration::seconds(1)
}

storage_test!(public_comment_mails_client_in_russian, async |db: Db| {
    let sink = Sink::start();
    let client_id = client_company(&db, "ООО «Ромашка»").await;
    let owner = user(&db, "romashka", Role::ClientAdmin, Some(client_id), "ru").await;
    let engineer = user(&db, "ivanov", Role::Support, None, "ru").await;
    let ticket = client_ticket(&db, client_id, "Не работает <корзина>").await;

    let author = Author::person(engineer.id, &engineer.login);
    tickets::add_comment(
        &db,
        ticket.id,
        "Перезапустили сервис, проверьте.",
        true,
        &author,
        domain::time::now(),
    )
    .await
    .unwrap();
    let report = sender(&db, Some(sink.port))
        .run_once(later())
        .await
        .unwrap();

    assert_eq!(report.sent, 1);
    let messages = sink.messages();
    assert_eq!(messages.len(), 1);
    let message = &messages[0];
    assert_eq!(message["rcpt_tos"][0], owner.email.clone().unwrap());
    let subject = message["subject"].as_str().unwrap();
    assert!(subject.contains(&ticket.number), "{subject}");
    assert!(subject.contains("Новый ответ"), "{subject}");
    let body = message["body"].as_str().unwrap();
    assert!(body.contains("Перезапустили сервис, проверьте."), "{body}");
    assert!(body.contains("Не работает <корзина>"), "{body}");
    assert!(
        body.contains(&format!("{PUBLIC_URL}/tickets/{}", ticket.id)),
        "{body}"
    );
    let rows = outbox::for_ticket(&db, ticket.id).await.unwrap();
    assert_eq!(rows[0].state, State::Sent);
});

storage_test!(internal_comment_mails_nobody, async |db: Db| {
    let client_id = client_company(&db, "ИП Сидоров").await;
    user(&db, "sidorov", Role::ClientUser, Some(client_id), "ru").await;
    let engineer = user(&db, "ivanov", Role::Support, None, "ru").await;
    let ticket = client_ticket(&db, client_id, "Вопрос по тарифу").await;

    let author = Author::person(engineer.id, &engineer.login);
    tickets::add_comment(
        &db,
        ticket.id,
        "Внутренняя заметка",
        false,
        &author,
        domain::time::now(),
    )
    .await
    .unwrap();

    assert!(outbox::for_ticket(&db, ticket.id).await.unwrap().is_empty());
});

storage_test!(resolution_mails_client_in_its_language, async |db: Db| {
    let sink = Sink::start();
    let client_id = client_company(&db, "Acme Trading").await;
    let owner = user(&db, "acme", Role::ClientAdmin, Some(client_id), "en").await;
    let engineer = user(&db, "ivanov", Role::Support, None, "ru").await;
    let lead = user(&db, "lead", Role::SupportLead, None, "ru").await;
    let ticket = client_ticket(&db, client_id, "Checkout fails").await;
    let ticket = assign(&db, &ticket, &engineer, &lead).await;

    resolve_as(&db, &ticket, &Author::person(engineer.id, &engineer.login)).await;
    sender(&db, Some(sink.port))
        .run_once(later())
        .await
        .unwrap();

    let messages = sink.messages();
    let to_client: Vec<_> = messages
        .iter()
        .filter(|m| m["rcpt_tos"][0] == owner.email.clone().unwrap())
        .collect();
    assert_eq!(to_client.len(), 1);
    let subject = to_client[0]["subject"].as_str().unwrap();
    assert!(subject.contains("Ticket resolved"), "{subject}");
    assert!(subject.contains(&ticket.number), "{subject}");
});

storage_test!(assignment_mails_assignee, async |db: Db| {
    let sink = Sink::start();
    let client_id = client_company(&db, "ООО «Ландыш»").await;
    let engineer = user(&db, "ivanov", Role::Support, None, "ru").await;
    let lead = user(&db, "lead", Role::SupportLead, None, "ru").await;
    let ticket = client_ticket(&db, client_id, "Медленно грузится каталог").await;

    assign(&db, &ticket, &engineer, &lead).await;
    sender(&db, Some(sink.port))
        .run_once(later())
        .await
        .unwrap();

    let messages = sink.messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0]["rcpt_tos"][0], engineer.email.clone().unwrap());
    let subject = messages[0]["subject"].as_str().unwrap();
    assert!(subject.contains("Вам назначена заявка"), "{subject}");
    assert!(subject.contains(&ticket.number), "{subject}");
});

storage_test!(self_assignment_mails_nobody, async |db: Db| {
    let client_id = client_company(&db, "ООО «Ландыш»").await;
    let engineer = user(&db, "ivanov", Role::Support, None, "ru").await;
    let ticket = client_ticket(&db, client_id, "Медленно грузится каталог").await;

    assign(&db, &ticket, &engineer, &engineer).await;

    assert!(outbox::for_ticket(&db, ticket.id).await.unwrap().is_empty());
});

storage_test!(failing_server_keeps_message_for_retry, async |db: Db| {
    let client_id = client_company(&db, "ООО «Ромашка»").await;
    user(&db, "romashka", Role::ClientUser, Some(client_id), "ru").await;
    let engineer = user(&db, "ivanov", Role::Support, None, "ru").await;
    let ticket = client_ticket(&db, client_id, "Не работает оплата").await;
    let author = Author::person(engineer.id, &engineer.login);
    tickets::add_comment(
        &db,
        ticket.id,
        "Смотрим.",
        true,
        &author,
        domain::time::now(),
    )
    .await
    .unwrap();

    let now = later();
    let report = sender(&db, Some(closed_port()))
        .run_once(now)
        .await
        .unwrap();

    assert_eq!(report.failed, 1);
    let rows = outbox::for_ticket(&db, ticket.id).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].state, State::Failed);
    assert_eq!(rows[0].attempts, 1);
    assert!(rows[0].last_error.is_some());
    assert_eq!(rows[0].next_attempt_at, now + Duration::minutes(1));

    // Before the retry is due nothing is tried; then a working server gets the message.
    let sink = Sink::start();
    let working = sender(&db, Some(sink.port));
    let early = working.run_once(now + Duration::seconds(30)).await.unwrap();
    assert_eq!(early.sent, 0);
    let retried = working.run_once(now + Duration::minutes(1)).await.unwrap();
    assert_eq!(retried.sent, 1);
    assert_eq!(sink.messages().len(), 1);
    let rows = outbox::for_ticket(&db, ticket.id).await.unwrap();
    assert_eq!(rows[0].state, State::Sent);
    assert_eq!(rows[0].attempts, 2);
});

storage_test!(without_smtp_mail_stays_queued_rendered, async |db: Db| {
    let client_id = client_company(&db, "ООО «Ромашка»").await;
    user(&db, "romashka", Role::ClientUser, Some(client_id), "ru").await;
    let engineer = user(&db, "ivanov", Role::Support, None, "ru").await;
    let ticket = client_ticket(&db, client_id, "Не работает оплата").await;
    let author = Author::person(engineer.id, &engineer.login);
    tickets::add_comment(
        &db,
        ticket.id,
        "Смотрим.",
        true,
        &author,
        domain::time::now(),
    )
    .await
    .unwrap();

    let report = sender(&db, None).run_once(later()).await.unwrap();

    assert_eq!(report.rendered, 1);
    assert_eq!(report.sent, 0);
    let rows = outbox::for_ticket(&db, ticket.id).await.unwrap();
    assert_eq!(rows[0].state, State::Pending);
    assert_eq!(rows[0].template, MailTemplate::TicketComment);
    let subject = rows[0].subject.clone().unwrap();
    assert!(
        subject.starts_with(&format!("[{}]", ticket.number)),
        "{subject}"
    );
});
