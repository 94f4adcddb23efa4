//! Vitrina against a real Zabbix 6.0: Zabbix is configured through its API only, problems
//! are fired with `zabbix_sender`, and every step is checked in both Vitrina's API and
//! Zabbix's `problem.get` / `event.get`.
//!
//! The tests are ignored in normal runs because they need the Zabbix server and frontend
//! that `tests/e2e/zabbix.sh` installs and starts. That script runs them one at a time,
//! because each points the one Vitrina media type at its own Vitrina.
#![allow(clippy::unwrap_used)]

mod common;
mod zabbix;

use std::collections::BTreeMap;
use std::time::Instant;

use serde_json::{Value, json};
use zabbix::vitrina::{Delivery, Vitrina};
use zabbix::{
    ACK_ACKNOWLEDGE, ACK_CLOSE, ACK_MESSAGE, ACK_SEVERITY, ALERT_FAILED, ALERT_SENT, Host,
    MEDIA_USER, OPERATOR, PASSWORD, SEVERITY_DISASTER, Setup, Zabbix, eventually, tags, text,
};

/// A value above the response trigger's threshold of 1000 ms, and one below it.
const SLOW: &str = "5000";
const FAST: &str = "120";
/// Values above and below the errors trigger's threshold of 5.
const ERRORS: &str = "9";
const NO_ERRORS: &str = "0";
/// Problems in the burst of step 5.
const BURST: usize = 100;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Zabbix 6.0 server; run tests/e2e/zabbix.sh"]
async fn zabbix_e2e_scenario() {
    let started = Instant::now();
    let zabbix = Zabbix::connect().await;
    let mut vitrina = Vitrina::start_new(&[]).await;
    let setup = zabbix
        .configure(&vitrina.events_url(), vitrina.secret())
        .await;
    let host = zabbix
        .create_host(&setup, "e2e-shop-01", "Магазин «Ромашка» (tenant 42)")
        .await;
    zabbix.reload_config_cache().await;
    println!("setup: {:?}", started.elapsed());

    let first = problem_opens_ticket(&zabbix, &vitrina, &host).await;
    println!("1. problem opened a ticket: {:?}", started.elapsed());
    acknowledgement_raises_priority(&zabbix, &vitrina, &setup, &first).await;
    println!(
        "2. acknowledgement raised the priority: {:?}",
        started.elapsed()
    );
    let recovered_note = recovery_resolves(&zabbix, &vitrina, &host, &first).await;
    println!("3. recovery resolved the ticket: {:?}", started.elapsed());
    let (missed, missed_note) = problem_while_stopped(&zabbix, &mut vitrina, &setup, &host).await;
    assert_ne!(
        missed_note, recovered_note,
        "the history says the ticket was created from a recovery"
    );
    println!("4. problem missed while stopped: {:?}", started.elapsed());
    let burst = burst_of_problems(&zabbix, &vitrina, &host).await;
    println!("5. burst of {BURST} problems: {:?}", started.elapsed());

    let tickets = vitrina.zabbix_tickets().await;
    assert_eq!(tickets.len(), 2 + BURST, "events with tickets");
    assert!(
        tickets.values().all(|found| found.len() == 1),
        "{tickets:?}"
    );

    vitrina.stop().await;
    let deliveries = per_event(&vitrina.deliveries().await);
    let mut expected = BTreeMap::new();
    expected.insert(first.event_id.clone(), (1, 1, 1));
    expected.insert(missed, (0, 0, 1));
    for event_id in burst {
        expected.insert(event_id, (1, 0, 1));
    }
    assert_eq!(
        deliveries, expected,
        "(problem, update, recovery) deliveries per event"
    );
    println!(
        "7. nothing looped; scenario done in {:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Zabbix 6.0 server; run tests/e2e/zabbix.sh"]
async fn zabbix_e2e_talkback() {
    let started = Instant::now();
    let zabbix = Zabbix::connect().await;
    let api_url = zabbix.env.url.clone();
    let mut vitrina = Vitrina::start_new(&[
        ("VITRINA_ZABBIX_API_URL", api_url.as_str()),
        ("VITRINA_ZABBIX_API_USERNAME", MEDIA_USER),
        ("VITRINA_ZABBIX_API_PASSWORD", PASSWORD),
    ])
    .await;
    let engineer = ("p.inzhenerov", "Пётр Инженеров");
    vitrina.add_engineer(engineer.0, engineer.1).await;
    let setup = zabbix
        .configure(&vitrina.events_url(), vitrina.secret())
        .await;
    let host = zabbix
        .create_host(&setup, "e2e-shop-02", "Магазин «Василёк» (tenant 42)")
        .await;
    zabbix.reload_config_cache().await;

    let problem = problem_opens_ticket(&zabbix, &vitrina, &host).await;
    println!("6. problem opened a ticket: {:?}", started.elapsed());

    // Assigning the ticket acknowledges the event, as the media user, naming the engineer.
    let ticket = vitrina.assign(&problem.ticket, engineer.0).await;
    assert_eq!(ticket["status"], "assigned");
    let number = text(&ticket, "number");
    let acknowledgement = eventually("Vitrina acknowledges the event in Zabbix", async || {
        let event = zabbix.event(&problem.event_id).await;
        let found = acknowledgements_by(&event, &setup.media_user_id)
            .into_iter()
            .find(|ack| action(ack) & ACK_ACKNOWLEDGE != 0);
        found.ok_or_else(|| format!("{}", event["acknowledges"]))
    })
    .await;
    let message = text(&acknowledgement, "message");
    assert!(
        message.contains(engineer.1) || message.contains(engineer.0),
        "the acknowledgement names the engineer: {message}"
    );
    assert!(
        message.contains(&number),
        "the acknowledgement names {number}: {message}"
    );
    assert_eq!(
        text(&zabbix.event(&problem.event_id).await, "acknowledged"),
        "1"
    );
    println!(
        "6. assignment acknowledged the event: {:?}",
        started.elapsed()
    );

    // Resolving the ticket closes the problem, and the recovery that follows changes nothing.
    let ticket = vitrina.transition(&ticket, "in_progress").await;
    let resolved = vitrina.transition(&ticket, "resolved").await;
    assert_eq!(resolved["status"], "resolved");
    eventually("Vitrina closes the problem in Zabbix", async || {
        let open = zabbix.open_problems(&host.response.trigger_id).await;
        if open.is_empty() {
            Ok(())
        } else {
            Err(format!("open problems {open:?}"))
        }
    })
    .await;
    let event = zabbix.event(&problem.event_id).await;
    assert_ne!(
        text(&event, "r_eventid"),
        "0",
        "the event has a recovery event"
    );
    let closes: Vec<Value> = acknowledgements_by(&event, &setup.media_user_id)
        .into_iter()
        .filter(|ack| action(ack) & ACK_CLOSE != 0)
        .collect();
    assert_eq!(closes.len(), 1, "close actions by the media user: {event}");

    eventually(
        "Zabbix delivers the recovery of the closed problem",
        async || {
            let recoveries =
                deliveries_of(&vitrina.deliveries().await, &problem.event_id, "recovery");
            match recoveries.as_slice() {
                [delivery] if delivery.status != "received" => Ok(()),
                other => Err(format!("{other:?}")),
            }
        },
    )
    .await;
    all_alerts_final(&zabbix, &problem.event_id).await;
    let after = vitrina.ticket(resolved["id"].as_i64().unwrap()).await;
    assert_eq!(after["status"], "resolved");
    assert_eq!(after["resolved_at"], resolved["resolved_at"]);
    assert_eq!(after["assignee"], json!(engineer.0));
    assert_eq!(after["priority"], resolved["priority"]);
    println!("6. resolution closed the problem: {:?}", started.elapsed());

    vitrina.stop().await;
    let deliveries = per_event(&vitrina.deliveries().await);
    let expected = BTreeMap::from([(problem.event_id.clone(), (1, 0, 1))]);
    assert_eq!(
        deliveries, expected,
        "(problem, update, recovery) deliveries per event"
    );
    println!(
        "7. nothing looped; talk-back done in {:?}",
        started.elapsed()
    );
}

/// A problem event and its ticket as Vitrina first showed it.
struct Problem {
    event_id: String,
    ticket: Value,
}

/// Step 1: a slow response fires the trigger. Vitrina opens one incident, and the media type
/// writes the ticket's id, number and absolute URL back into the event's tags.
async fn problem_opens_ticket(zabbix: &Zabbix, vitrina: &Vitrina, host: &Host) -> Problem {
    let before = zabbix.open_problems(&host.response.trigger_id).await;
    assert!(before.is_empty(), "open problems before step 1: {before:?}");
    zabbix.send(&host.host, &host.response.key, &[SLOW]).await;
    let event_id = eventually("the trigger fires", async || {
        match zabbix
            .open_problems(&host.response.trigger_id)
            .await
            .as_slice()
        {
            [event_id] => Ok(event_id.clone()),
            other => Err(format!("open problems {other:?}")),
        }
    })
    .await;

    let ticket = vitrina.ticket_of_event(&event_id).await;
    assert_eq!(ticket["kind"], "incident");
    assert_eq!(ticket["source"], "zabbix");
    assert_eq!(ticket["status"], "new");
    assert_eq!(ticket["priority"], "P2", "High is P2");
    assert_eq!(ticket["queue"], "infrastructure");
    assert_eq!(ticket["zabbix_host"], json!(host.host));
    assert_eq!(ticket["zabbix_host_name"], json!(host.name));
    let title = text(&ticket, "title");
    assert!(title.contains(&host.response.name), "title {title:?}");

    let tags = eventually(
        "the ticket link is written back into the event",
        async || {
            let tags = tags(&zabbix.event(&event_id).await);
            if tags.contains_key("__zbx_vitrina_ticket_url") {
                Ok(tags)
            } else {
                Err(format!("{tags:?}"))
            }
        },
    )
    .await;
    let url = text(&ticket, "url");
    assert_eq!(tags["__zbx_vitrina_ticket_id"], ticket["id"].to_string());
    assert_eq!(tags["__zbx_vitrina_ticket_number"], text(&ticket, "number"));
    assert_eq!(tags["__zbx_vitrina_ticket_url"], url);
    assert!(
        url.starts_with(&format!("{}/tickets/", vitrina.url)),
        "absolute ticket URL {url}"
    );
    assert_eq!(tags["tenant"], "42", "host tags reach the event");

    // The frontend resolves the media type's event menu entry from those tags.
    let event = zabbix.event(&event_id).await;
    let menu = event["urls"].as_array().unwrap();
    let name = format!("Vitrina: {}", text(&ticket, "number"));
    assert!(
        menu.iter()
            .any(|link| link["url"] == url && link["name"] == name),
        "no event menu link {name:?} to {url} in {menu:?}"
    );
    Problem { event_id, ticket }
}

/// Step 2: the operator acknowledges with a comment and raises the severity to Disaster, so
/// the ticket gets the comment and becomes P1.
async fn acknowledgement_raises_priority(
    zabbix: &Zabbix,
    vitrina: &Vitrina,
    setup: &Setup,
    problem: &Problem,
) {
    let comment = "Смотрю: нагрузка от «чёрной пятницы», масштабирую фронты";
    let operator = zabbix.client_as(OPERATOR, PASSWORD);
    let _: Value = operator
        .call(
            "event.acknowledge",
            json!({"eventids": [problem.event_id],
                   "action": ACK_ACKNOWLEDGE | ACK_MESSAGE | ACK_SEVERITY,
                   "message": comment, "severity": SEVERITY_DISASTER}),
        )
        .await
        .unwrap();

    let event = eventually("Zabbix raises the severity to Disaster", async || {
        let event = zabbix.event(&problem.event_id).await;
        if text(&event, "severity") == SEVERITY_DISASTER.to_string() {
            Ok(event)
        } else {
            Err(format!("{event}"))
        }
    })
    .await;
    assert_eq!(text(&event, "acknowledged"), "1");
    let by_operator = acknowledgements_by(&event, &setup.operator_id);
    assert_eq!(by_operator.len(), 1, "{event}");
    assert_eq!(text(&by_operator[0], "message"), comment);

    let id = problem.ticket["id"].as_i64().unwrap();
    let ticket = eventually("the ticket gets the comment and becomes P1", async || {
        let ticket = vitrina.ticket(id).await;
        let commented = ticket["comments"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["body"].as_str().unwrap().contains(comment));
        if commented && ticket["priority"] == "P1" {
            Ok(ticket)
        } else {
            Err(format!(
                "priority {} comments {}",
                ticket["priority"], ticket["comments"]
            ))
        }
    })
    .await;
    let comment = ticket["comments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["body"].as_str().unwrap().contains(comment))
        .unwrap();
    assert_eq!(comment["author"], "zabbix");
    assert_eq!(comment["public"], false);
    let history = ticket["history"].as_array().unwrap();
    assert!(
        history
            .iter()
            .any(|line| line["field"] == "priority" && line["new_value"] == "P1"),
        "no priority line in {history:?}"
    );
}

/// Step 3: the value recovers, so Zabbix resolves the problem and Vitrina the ticket. Returns
/// the history note of the resolution.
async fn recovery_resolves(
    zabbix: &Zabbix,
    vitrina: &Vitrina,
    host: &Host,
    problem: &Problem,
) -> String {
    zabbix.send(&host.host, &host.response.key, &[FAST]).await;
    wait_until_resolved_in_zabbix(zabbix, &host.response.trigger_id).await;
    let event = zabbix.event(&problem.event_id).await;
    assert_ne!(
        text(&event, "r_eventid"),
        "0",
        "the event has a recovery event"
    );

    let id = problem.ticket["id"].as_i64().unwrap();
    let ticket = wait_until_resolved(vitrina, id).await;
    assert!(ticket["resolved_at"].is_string(), "{ticket}");
    resolution_note(&ticket)
}

/// Step 4: a problem fires while Vitrina is stopped, and Zabbix gives up delivering it. After
/// a restart, its recovery makes one resolved ticket. Returns the event id and the history
/// note of the resolution.
async fn problem_while_stopped(
    zabbix: &Zabbix,
    vitrina: &mut Vitrina,
    setup: &Setup,
    host: &Host,
) -> (String, String) {
    vitrina.stop().await;
    zabbix.send(&host.host, &host.response.key, &[SLOW]).await;
    let event_id = eventually("the trigger fires again", async || {
        match zabbix
            .open_problems(&host.response.trigger_id)
            .await
            .as_slice()
        {
            [event_id] => Ok(event_id.clone()),
            other => Err(format!("open problems {other:?}")),
        }
    })
    .await;
    eventually("Zabbix gives up delivering the problem", async || {
        let alerts = zabbix.alerts(std::slice::from_ref(&event_id)).await;
        let failed = alerts.iter().any(|alert| {
            text(alert, "mediatypeid") == setup.mediatype_id
                && text(alert, "status") == ALERT_FAILED
        });
        if failed {
            Ok(())
        } else {
            Err(format!("{alerts:?}"))
        }
    })
    .await;
    let received = deliveries_of(&vitrina.deliveries().await, &event_id, "problem");
    assert!(
        received.is_empty(),
        "deliveries while stopped: {received:?}"
    );

    vitrina.start().await;
    zabbix.send(&host.host, &host.response.key, &[FAST]).await;
    wait_until_resolved_in_zabbix(zabbix, &host.response.trigger_id).await;
    let ticket = vitrina.ticket_of_event(&event_id).await;
    let ticket = wait_until_resolved(vitrina, ticket["id"].as_i64().unwrap()).await;
    assert_eq!(ticket["zabbix_event_id"].to_string(), event_id);
    let note = resolution_note(&ticket);
    (event_id, note)
}

/// Returns the note of the history line that resolved the ticket, which says why Zabbix
/// resolved it.
fn resolution_note(ticket: &Value) -> String {
    let history = ticket["history"].as_array().unwrap();
    let line = history
        .iter()
        .find(|line| line["field"] == "status" && line["new_value"] == "resolved")
        .unwrap_or_else(|| panic!("no resolution in {history:?}"));
    let note = line["note"].as_str().unwrap_or_default().to_string();
    assert!(!note.is_empty(), "resolution without a note: {line}");
    note
}

/// Step 5: 100 problems at once and one recovery that closes them all make 100 tickets,
/// each resolved, none twice. Returns the event ids.
async fn burst_of_problems(zabbix: &Zabbix, vitrina: &Vitrina, host: &Host) -> Vec<String> {
    let trigger = &host.errors.trigger_id;
    zabbix
        .send(&host.host, &host.errors.key, &[ERRORS; BURST])
        .await;
    let events = eventually("the trigger opens 100 problems", async || {
        let open = zabbix.open_problems(trigger).await;
        if open.len() == BURST {
            Ok(open)
        } else {
            Err(format!("{} open problems", open.len()))
        }
    })
    .await;
    eventually("Vitrina opens a ticket for each problem", async || {
        let tickets = vitrina.zabbix_tickets().await;
        let opened = events.iter().filter(|e| tickets.contains_key(*e)).count();
        if opened == BURST {
            Ok(())
        } else {
            Err(format!("{opened} tickets"))
        }
    })
    .await;
    let written_back = eventually("every event gets its ticket link", async || {
        let found = zabbix.events(&events).await;
        let linked: Vec<(String, String)> = found
            .iter()
            .filter_map(|(id, event)| {
                let tags = tags(event);
                Some((id.clone(), tags.get("__zbx_vitrina_ticket_id")?.clone()))
            })
            .collect();
        if linked.len() == BURST {
            Ok(linked)
        } else {
            Err(format!("{} events with links", linked.len()))
        }
    })
    .await;

    zabbix
        .send(&host.host, &host.errors.key, &[NO_ERRORS])
        .await;
    wait_until_resolved_in_zabbix(zabbix, trigger).await;
    let tickets = eventually("Vitrina resolves every ticket", async || {
        let tickets = vitrina.zabbix_tickets().await;
        let resolved = events
            .iter()
            .filter(|e| tickets[*e].iter().all(|t| t["status"] == "resolved"))
            .count();
        if resolved == BURST {
            Ok(tickets)
        } else {
            Err(format!("{resolved} resolved"))
        }
    })
    .await;
    for (event_id, ticket_id) in written_back {
        let found = &tickets[&event_id];
        assert_eq!(found.len(), 1, "tickets of event {event_id}: {found:?}");
        assert_eq!(found[0]["id"].to_string(), ticket_id, "event {event_id}");
    }
    let recovered = zabbix.events(&events).await;
    assert!(
        recovered
            .values()
            .all(|event| text(event, "r_eventid") != "0"),
        "every burst event has a recovery event"
    );
    events
}

async fn wait_until_resolved_in_zabbix(zabbix: &Zabbix, trigger_id: &str) {
    eventually("Zabbix resolves the problems", async || {
        let open = zabbix.open_problems(trigger_id).await;
        if open.is_empty() {
            Ok(())
        } else {
            Err(format!("open problems {open:?}"))
        }
    })
    .await
}

async fn wait_until_resolved(vitrina: &Vitrina, ticket_id: i64) -> Value {
    eventually(
        &format!("Vitrina resolves ticket {ticket_id}"),
        async || {
            let ticket = vitrina.ticket(ticket_id).await;
            if ticket["status"] == "resolved" {
                Ok(ticket)
            } else {
                Err(format!("status {}", ticket["status"]))
            }
        },
    )
    .await
}

/// Waits until every alert of the event was sent or given up, so no delivery is on its way.
async fn all_alerts_final(zabbix: &Zabbix, event_id: &str) {
    eventually("Zabbix finishes the event's alerts", async || {
        let alerts = zabbix.alerts(&[event_id.to_string()]).await;
        let pending: Vec<&Value> = alerts
            .iter()
            .filter(|a| ![ALERT_SENT, ALERT_FAILED].contains(&text(a, "status").as_str()))
            .collect();
        if pending.is_empty() {
            Ok(())
        } else {
            Err(format!("{pending:?}"))
        }
    })
    .await
}

/// Returns the event's acknowledgements made by Zabbix user `user_id`.
fn acknowledgements_by(event: &Value, user_id: &str) -> Vec<Value> {
    event["acknowledges"]
        .as_array()
        .unwrap_or_else(|| panic!("no acknowledges in {event}"))
        .iter()
        .filter(|ack| text(ack, "userid") == user_id)
        .cloned()
        .collect()
}

fn action(acknowledgement: &Value) -> i64 {
    text(acknowledgement, "action").parse().unwrap()
}

fn deliveries_of(deliveries: &[Delivery], event_id: &str, kind: &str) -> Vec<Delivery> {
    deliveries
        .iter()
        .filter(|d| d.event_id.map(|id| id.to_string()).as_deref() == Some(event_id))
        .filter(|d| d.kind.as_deref() == Some(kind))
        .cloned()
        .collect()
}

/// Counts (problem, update, recovery) deliveries per event. A failed delivery fails the test.
fn per_event(deliveries: &[Delivery]) -> BTreeMap<String, (usize, usize, usize)> {
    let mut counts: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    for delivery in deliveries {
        assert_ne!(delivery.status, "failed", "{delivery:?}");
        let event_id = delivery.event_id.unwrap().to_string();
        let entry = counts.entry(event_id).or_default();
        match delivery.kind.as_deref() {
            Some("problem") => entry.0 += 1,
            Some("update") => entry.1 += 1,
            Some("recovery") => entry.2 += 1,
            other => panic!("delivery of kind {other:?}: {delivery:?}"),
        }
    }
    counts
}

/// Host sync against the real Zabbix: `vitrina zabbix sync-hosts` signs in as `Admin`, lists
/// every host and links the inventory host of a test host's technical name to its hostid.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Zabbix 6.0 server; run tests/e2e/zabbix.sh"]
async fn zabbix_e2e_sync_hosts() {
    const HOST: &str = "e2e-sync-01";
    let zabbix = Zabbix::connect().await;
    let host_id = zabbix.plain_host(HOST, "Проверка сверки хостов").await;

    let setup = common::Setup::sqlite();
    common::assert_success(&setup.run(&["migrate"]).await);
    let db = setup.db().await;
    let (host, _) = store::metrics::ensure_host(&db, HOST, domain::time::now())
        .await
        .unwrap();
    let mut command = setup.command(&["zabbix", "sync-hosts"]);
    command
        .env("VITRINA_ZABBIX_API_URL", &zabbix.env.url)
        .env("VITRINA_ZABBIX_API_USERNAME", "Admin")
        .env("VITRINA_ZABBIX_API_PASSWORD", "zabbix");
    let output = command.output().await.unwrap();
    common::assert_success(&output);
    let report: Value = serde_json::from_str(&common::stdout(&output)).unwrap();
    let linked: Vec<&str> = report["linked"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["technical_name"].as_str().unwrap())
        .collect();
    assert_eq!(linked, [HOST], "{report}");
    assert_eq!(report["linked"][0]["zabbix_host_id"], host_id);
    let stored = store::infra::hosts::get(&db, host.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.zabbix_host_id, Some(host_id));
    db.close().await;
    zabbix
        .call("host.delete", json!([host_id.to_string()]))
        .await;
}

/// Values of the metric test: six per hour for the three completed hours before the current
/// one, at minutes 0, 10, …, 50, and one at the start of the current hour.
fn metric_values(hour_start: i64) -> Vec<(i64, f64)> {
    let mut values = Vec::new();
    for hour in 1..=3 {
        for step in 0..6 {
            let clock = hour_start - hour * 3600 + step * 600;
            values.push((clock, f64::from(u8::try_from(hour * 10 + step).unwrap())));
        }
    }
    values.push((hour_start, 55.5));
    values.sort_by_key(|(clock, _)| *clock);
    values
}

/// Runs `zabbix import-metrics` against the e2e Zabbix and returns its JSON report.
async fn import_metrics(zabbix: &Zabbix, setup: &common::Setup, args: &[&str]) -> Value {
    let mut all = vec!["zabbix", "import-metrics"];
    all.extend_from_slice(args);
    let mut command = setup.command(&all);
    command
        .env("VITRINA_ZABBIX_API_URL", &zabbix.env.url)
        .env("VITRINA_ZABBIX_API_USERNAME", "Admin")
        .env("VITRINA_ZABBIX_API_PASSWORD", "zabbix")
        .env("VITRINA_ZABBIX_METRIC_ITEMS", "vitrina.e2e.cpu=cpu:percent");
    let output = command.output().await.unwrap();
    common::assert_success(&output);
    serde_json::from_str(&common::stdout(&output)).unwrap()
}

/// Creates a Vitrina database with `host` linked to Zabbix host `host_id`.
async fn linked_setup(host: &str, host_id: i64) -> (common::Setup, i64) {
    let setup = common::Setup::sqlite();
    common::assert_success(&setup.run(&["migrate"]).await);
    let db = setup.db().await;
    let (created, _) = store::metrics::ensure_host(&db, host, domain::time::now())
        .await
        .unwrap();
    db.execute(
        "UPDATE metric_hosts SET zabbix_host_id = $1 WHERE id = $2",
        store::args![host_id, created.id],
    )
    .await
    .unwrap();
    db.close().await;
    (setup, created.id)
}

/// Values sent with `zabbix_sender` come back through `history.get` into Vitrina's samples,
/// a second import stores nothing twice, and `trend.get` gives one row per completed hour
/// only, which the trend import stores as hourly averages. With `ZABBIX_E2E_RECORD` set to
/// a file, the item.get and trend.get exchanges are written there as JSON for the replay
/// test of the trend import.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Zabbix 6.0 server; run tests/e2e/zabbix.sh"]
async fn zabbix_e2e_import_metrics() {
    const HOST: &str = "e2e-metrics-01";
    const KEY: &str = "vitrina.e2e.cpu";
    let zabbix = Zabbix::connect().await;
    let host_id = zabbix.plain_host(HOST, "Нагрузка процессора").await;
    let item = zabbix
        .call(
            "item.create",
            json!({"hostid": host_id.to_string(), "name": "CPU", "key_": KEY, "type": 2,
                   "value_type": 0, "units": "%"}),
        )
        .await;
    let item_id = text(&json!({"id": item["itemids"][0]}), "id");
    zabbix.reload_config_cache().await;

    let now = chrono::Utc::now().timestamp();
    let hour_start = now - now.rem_euclid(3600);
    let values = metric_values(hour_start);
    zabbix.send_timed(HOST, KEY, &values).await;

    // history.get: every value, then nothing new on the second run.
    let (setup, vitrina_host) = linked_setup(HOST, host_id).await;
    let report = eventually("history.get returns every value sent", async || {
        let report = import_metrics(&zabbix, &setup, &["--since", "4h"]).await;
        if report["items"][0]["stored"] == values.len() {
            Ok(report)
        } else {
            // Nothing was stored yet; the import starts again from the same point.
            let db = setup.db().await;
            db.execute("DELETE FROM metric_samples", Vec::new())
                .await
                .unwrap();
            db.close().await;
            Err(report.to_string())
        }
    })
    .await;
    assert_eq!(report["items"][0]["rejected_count"], 0, "{report}");
    let db = setup.db().await;
    let series = store::metrics::load_series(&db, vitrina_host, "cpu")
        .await
        .unwrap()
        .unwrap();
    let stored: Vec<(i64, f64)> = series
        .samples()
        .iter()
        .map(|sample| (sample.time.timestamp(), sample.value))
        .collect();
    assert_eq!(stored, values);
    db.close().await;
    let again = import_metrics(&zabbix, &setup, &["--since", "4h"]).await;
    assert_eq!(again["items"][0]["stored"], 0, "{again}");
    assert_eq!(again["items"][0]["read"], 0, "{again}");

    // trend.get: the three completed hours, never the current one.
    let trend_params = json!({
        "output": ["itemid", "clock", "num", "value_min", "value_avg", "value_max"],
        "itemids": [item_id],
        "time_from": hour_start - 4 * 3600,
        "time_till": now,
    });
    let trends = eventually("trend.get has the three completed hours", async || {
        let trends = zabbix.call("trend.get", trend_params.clone()).await;
        match trends.as_array().map(Vec::len) {
            Some(3) => Ok(trends),
            _ => Err(trends.to_string()),
        }
    })
    .await;
    for (index, trend) in trends.as_array().unwrap().iter().enumerate() {
        let hour = hour_start - (3 - i64::try_from(index).unwrap()) * 3600;
        assert_eq!(text(trend, "clock"), hour.to_string(), "{trends}");
        assert_eq!(text(trend, "num"), "6", "{trends}");
    }
    let (trend_setup, trend_host) = linked_setup(HOST, host_id).await;
    let report = import_metrics(
        &zabbix,
        &trend_setup,
        &["--source", "trends", "--since", "4h"],
    )
    .await;
    assert_eq!(report["items"][0]["stored"], 3, "{report}");
    let db = trend_setup.db().await;
    let series = store::metrics::load_series(&db, trend_host, "cpu")
        .await
        .unwrap()
        .unwrap();
    let averages: Vec<(i64, f64)> = series
        .samples()
        .iter()
        .map(|sample| (sample.time.timestamp(), sample.value))
        .collect();
    let expected: Vec<(i64, f64)> = (1..=3)
        .rev()
        .map(|hour| (hour_start - hour * 3600, (hour * 10) as f64 + 2.5))
        .collect();
    assert_eq!(averages, expected);
    db.close().await;

    if let Ok(path) = std::env::var("ZABBIX_E2E_RECORD") {
        let items = zabbix
            .call(
                "item.get",
                json!({"output": ["itemid", "hostid", "key_", "value_type", "units"],
                       "hostids": [host_id.to_string()], "filter": {"key_": [KEY]},
                       "sortfield": "itemid"}),
            )
            .await;
        let version = zabbix.client_as("Admin", "zabbix").version().await.unwrap();
        let recording = json!({
            "zabbix_version": version,
            "recorded_at": now,
            "host": HOST,
            "host_id": host_id,
            "exchanges": [
                {"method": "item.get", "result": items},
                {"method": "trend.get", "params": trend_params, "result": trends},
            ],
        });
        std::fs::write(&path, serde_json::to_string_pretty(&recording).unwrap()).unwrap();
        println!("recorded item.get and trend.get to {path}");
    }
    zabbix
        .call("host.delete", json!([host_id.to_string()]))
        .await;
}
