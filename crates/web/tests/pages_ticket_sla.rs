//! SLA badges, the SLA filter and the stopped-clock explanation on the ticket pages, on both
//! engines.
#![allow(clippy::unwrap_used)]

mod common;

use domain::identity::Role;
use domain::servicedesk::{Kind, PendingReason, Priority, Source, Status};
use reqwest::StatusCode;
use store::identity::Author;
use store::servicedesk::tickets::{self, NewTicket, TicketChange};

use common::TestServer;

/// Returns the `data-sla` states of the SLA badges on a list page, in row order.
fn badges(html: &str) -> Vec<String> {
    html.split("data-test=\"ticket-sla\"")
        .skip(1)
        .map(|cell| {
            let end = cell.find("</td>").unwrap();
            let cell = &cell[..end];
            match cell.find("data-sla=\"") {
                Some(at) => {
                    let rest = &cell[at + 10..];
                    rest[..rest.find('"').unwrap()].to_string()
                }
                None => "none".to_string(),
            }
        })
        .collect()
}

async fn old_ticket(server: &TestServer, title: &str, days_ago: i64) -> i64 {
    let new = NewTicket {
        kind: Kind::Incident,
        source: Source::Staff,
        priority: Priority::P3,
        queue: "L1".into(),
        title: title.into(),
        description: "Описание".into(),
        client_id: None,
        zabbix: None,
    };
    let at = domain::time::now() - chrono::Duration::days(days_ago);
    tickets::create(&server.state.db, &new, &Author::system(), at)
        .await
        .unwrap()
        .id
}

web_test!(list_shows_sla_badges, async |server: &TestServer| {
    server.user("ivanov", Role::Support, &["L1"]).await;
    old_ticket(server, "Давняя заявка", 30).await;
    let browser = server.browser("ivanov").await;

    let (status, html) = browser.get("/tickets").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(badges(&html), ["breached"]);
    assert!(html.contains("просрочено на"), "the overdue time is shown");
    assert!(html.contains("data-test=\"filter-sla\""));

    let (_, filtered) = browser.get("/tickets?sla=at_risk").await;
    assert!(badges(&filtered).is_empty(), "no ticket is at risk");
    let (_, filtered) = browser.get("/tickets?sla=breached").await;
    assert_eq!(badges(&filtered), ["breached"]);
});

web_test!(
    ticket_page_explains_stopped_clock,
    async |server: &TestServer| {
        let engineer = server.user("ivanov", Role::Support, &["L1"]).await;
        let ticket = server.ticket(&engineer, "Ждём клиента", "L1", None).await;
        let author = Author::person(engineer.id, &engineer.login);
        let now = domain::time::now();
        let change = TicketChange {
            assignee: Some(Some("ivanov".into())),
            ..TicketChange::default()
        };
        let assigned = tickets::update(
            &server.state.db,
            ticket.id,
            ticket.version,
            &change,
            &author,
            now,
        )
        .await
        .unwrap();
        let working = tickets::transition(
            &server.state.db,
            ticket.id,
            assigned.version,
            Status::InProgress,
            None,
            &author,
            now,
        )
        .await
        .unwrap();
        tickets::transition(
            &server.state.db,
            ticket.id,
            working.version,
            Status::Pending,
            Some(PendingReason::Client),
            &author,
            now,
        )
        .await
        .unwrap();

        let browser = server.browser("ivanov").await;
        let (status, html) = browser.get(&format!("/tickets/{}", ticket.id)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("data-test=\"ticket-sla\""), "{html}");
        assert!(
            html.contains("заявка ждёт ответа клиента"),
            "the stop is explained"
        );
        assert!(html.contains("Внутренняя политика"));
        assert!(
            html.contains("календарь «Офис, Москва (производственный календарь)»"),
            "the calendar is named, not given by code: {html}"
        );

        let (_, list) = browser.get("/tickets").await;
        assert_eq!(badges(&list), ["paused"]);
    }
);
