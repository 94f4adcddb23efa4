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
    let old = zabbix
        .call(
            "host.get",
            json!({"filter": {"host": HOST}, "output": ["hostid"]}),
        )
        .await;
    for existing in old.as_array().unwrap() {
        zabbix
            .call("host.delete", json!([text(existing, "hostid")]))
            .await;
    }
    // "Linux servers" is one of the host groups of a fresh Zabbix 6.0 database.
    let groups = zabbix
        .call(
            "hostgroup.get",
            json!({"filter": {"name": ["Linux servers"]}, "output": ["groupid"]}),
        )
        .await;
    let group_id = text(&groups[0], "groupid");
    let created = zabbix
        .call(
            "host.create",
            json!({"host": HOST, "name": "Проверка сверки хостов",
                   "groups": [{"groupid": group_id}]}),
        )
        .await;
    let host_id: i64 = created["hostids"][0].as_str().unwrap().parse().unwrap();

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
