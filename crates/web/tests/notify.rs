//! Notifications, the SLA report and a contract's SLA breaches through the router, on both
//! engines.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::Moscow;
use domain::identity::Role;
use domain::servicedesk::{Kind, Priority, Source};
use reqwest::StatusCode;
use serde_json::json;
use store::identity::Author;
use store::notify::inbox;
use store::servicedesk::tickets::{self, NewTicket};

use common::{Api, TestServer};

fn msk(local: &str) -> DateTime<Utc> {
    let local: NaiveDateTime = local.parse().unwrap();
    Moscow
        .from_local_datetime(&local)
        .unwrap()
        .with_timezone(&Utc)
}

async fn ticket_at(server: &TestServer, client_id: Option<i64>, at: DateTime<Utc>) -> i64 {
    let new = NewTicket {
        kind: Kind::Incident,
        source: Source::Staff,
        priority: Priority::P3,
        queue: "L1".into(),
        title: "Магазин не открывается".into(),
        description: "Описание".into(),
        client_id,
        zabbix: None,
    };
    tickets::create(&server.state.db, &new, &Author::system(), at)
        .await
        .unwrap()
        .id
}

/// Creates a plan with a P3 first response of 4 business hours and an active contract of
/// `client_id`, and returns the contract's id.
async fn contract(sales: &Api, client_id: i64) -> i64 {
    let targets = |calendar: &str, first: u32, resolution: u32| {
        json!({"calendar": calendar, "first_response_minutes": first,
               "resolution_minutes": resolution})
    };
    let plan = json!({"code": "business", "name": "Бизнес", "monthly_price_kopecks": 499_000,
        "valid_from": "2026-01-01",
        "sla": {"p1": targets("24x7", 30, 120), "p2": targets("office", 60, 480),
                "p3": targets("office", 240, 960), "p4": targets("office", 480, 2400)}});
    let (status, plan) = sales.post("/api/v1/tariffs", plan).await;
    assert_eq!(status, StatusCode::CREATED, "{plan}");
    let body = json!({"client_id": client_id, "plan_id": plan["id"], "starts_on": "2026-01-01"});
    let (_, draft) = sales.post("/api/v1/contracts", body).await;
    let id = draft["id"].as_i64().unwrap();
    let (status, active) = sales
        .post(
            &format!("/api/v1/contracts/{id}/transitions"),
            json!({"to": "active", "version": 1,
                   "conclusion": {"kind": "signed", "signed_on": "2025-12-20"}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{active}");
    id
}

web_test!(sla_report_counts_mtta, async |server: &TestServer| {
    let engineer = server.user("ivanov", Role::Support, &["L1"]).await;
    let support = server.api(&engineer).await;
    let client_id = server.client_company("ООО «Ромашка»").await;
    // Internal P3 policy on the office calendar, 09:00–18:00: one hour on Monday, and the
    // reply at Tuesday 09:30 adds 30 minutes.
    let id = ticket_at(server, Some(client_id), msk("2026-03-02T17:00:00")).await;
    let author = Author::person(engineer.id, &engineer.login);
    tickets::add_comment(
        &server.state.db,
        id,
        "Смотрим.",
        true,
        &author,
        msk("2026-03-03T09:30:00"),
    )
    .await
    .unwrap();

    let (status, report) = support.get("/api/v1/reports/sla?month=2026-03").await;

    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["month"], "2026-03");
    assert_eq!(report["total"]["tickets"], 1);
    assert_eq!(report["total"]["responded"], 1);
    assert_eq!(report["total"]["mtta_minutes"], 90);
    assert_eq!(report["by_client"][0]["name"], "ООО «Ромашка»");
    assert_eq!(report["by_client"][0]["mtta_minutes"], 90);
    assert_eq!(report["by_queue"][0]["name"], "L1");
    let (_, april) = support.get("/api/v1/reports/sla?month=2026-04").await;
    assert_eq!(april["total"]["tickets"], 0);
});

web_test!(sla_report_rejects_bad_month, async |server: &TestServer| {
    let engineer = server.user("ivanov", Role::Support, &["L1"]).await;
    let support = server.api(&engineer).await;

    let (status, body) = support.get("/api/v1/reports/sla?month=2026-13").await;

    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["field"], "month");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("2026-13"), "{message}");
});

web_test!(
    sla_report_hidden_from_clients,
    async |server: &TestServer| {
        let client_id = server.client_company("ООО «Ромашка»").await;
        let user = server.client_user("romashka", client_id).await;
        let client = server.api(&user).await;

        let (status, _) = client.get("/api/v1/reports/sla?month=2026-03").await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        let browser = server.browser("romashka").await;
        let (status, _) = browser.get("/reports/sla").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
);

web_test!(
    sla_report_page_shows_clients,
    async |server: &TestServer| {
        server.user("lead", Role::SupportLead, &["L1"]).await;
        let client_id = server.client_company("ООО «Ромашка»").await;
        ticket_at(server, Some(client_id), msk("2026-03-02T17:00:00")).await;
        let browser = server.browser("lead").await;

        let (status, html) = browser.get("/reports/sla?month=2026-03").await;

        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Отчёт по SLA"), "{html}");
        assert!(html.contains("ООО «Ромашка»"), "{html}");
    }
);

web_test!(contract_breaches_of_month, async |server: &TestServer| {
    let manager = server.user("petrova", Role::Sales, &[]).await;
    let sales = server.api(&manager).await;
    let client_id = server.client_company("ООО «Ромашка»").await;
    let contract_id = contract(&sales, client_id).await;
    // Deadlines: first response Tuesday 12:00, resolution Wednesday 15:00 (Moscow); no one
    // answers, so both are breached.
    ticket_at(server, Some(client_id), msk("2026-03-02T17:00:00")).await;
    let path = format!("/api/v1/contracts/{contract_id}/sla-breaches");

    let (status, march) = sales.get(&format!("{path}?month=2026-03")).await;

    assert_eq!(status, StatusCode::OK, "{march}");
    let breaches = march["breaches"].as_array().unwrap();
    assert_eq!(breaches.len(), 2, "{march}");
    assert_eq!(breaches[0]["target"], "first_response");
    assert_eq!(breaches[0]["due"], "2026-03-03T09:00:00Z");
    assert_eq!(breaches[1]["target"], "resolution");
    assert_eq!(breaches[1]["due"], "2026-03-04T12:00:00Z");
    assert!(breaches[0]["overdue_minutes"].as_i64().unwrap() > 0);
    let downtime = breaches[0]["downtime_minutes"].as_i64().unwrap();
    assert_eq!(
        march["total_downtime_minutes"], downtime,
        "one ticket counted once"
    );
    let (_, april) = sales.get(&format!("{path}?month=2026-04")).await;
    assert_eq!(april["breaches"].as_array().unwrap().len(), 0);
});

web_test!(
    contract_breaches_foreign_client_404,
    async |server: &TestServer| {
        let manager = server.user("petrova", Role::Sales, &[]).await;
        let sales = server.api(&manager).await;
        let own_id = server.client_company("ООО «Ромашка»").await;
        let other_id = server.client_company("ООО «Ландыш»").await;
        let own_contract = contract(&sales, own_id).await;
        let user = server.client_user("landysh", other_id).await;
        let other = server.api(&user).await;

        let path = format!("/api/v1/contracts/{own_contract}/sla-breaches?month=2026-03");
        let (status, _) = other.get(&path).await;

        assert_eq!(status, StatusCode::NOT_FOUND);
    }
);

web_test!(assignment_notifies_in_app, async |server: &TestServer| {
    let lead = server.user("lead", Role::SupportLead, &["L1"]).await;
    let engineer = server.user("ivanov", Role::Support, &["L1"]).await;
    let ticket = server.ticket(&lead, "Не работает оплата", "L1", None).await;
    let api = server.api(&lead).await;
    let (status, _) = api
        .patch(
            &format!("/api/v1/tickets/{}", ticket.id),
            json!({"assignee": "ivanov", "version": ticket.version}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let browser = server.browser("ivanov").await;

    let (status, badge) = browser.get("/notifications/count").await;
    assert_eq!(status, StatusCode::OK);
    assert!(badge.contains(">1<"), "{badge}");
    let (status, html) = browser.get("/notifications").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&ticket.number), "{html}");
    assert!(html.contains("назначил(а) вам заявку"), "{html}");

    let stored = inbox::list(&server.state.db, engineer.id, 10)
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    let read_path = format!("/notifications/{}/read", stored[0].id);
    let response = browser.post_form(&read_path, "/notifications", &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, badge) = browser.get("/notifications/count").await;
    assert_eq!(badge, "");
});

web_test!(
    foreign_notification_read_404,
    async |server: &TestServer| {
        let lead = server.user("lead", Role::SupportLead, &["L1"]).await;
        let engineer = server.user("ivanov", Role::Support, &["L1"]).await;
        server.user("petrov", Role::Support, &["L1"]).await;
        let ticket = server.ticket(&lead, "Не работает оплата", "L1", None).await;
        let api = server.api(&lead).await;
        api.patch(
            &format!("/api/v1/tickets/{}", ticket.id),
            json!({"assignee": "ivanov", "version": ticket.version}),
        )
        .await;
        let stored = inbox::list(&server.state.db, engineer.id, 10)
            .await
            .unwrap();
        let browser = server.browser("petrov").await;

        let read_path = format!("/notifications/{}/read", stored[0].id);
        let response = browser.post_form(&read_path, "/notifications", &[]).await;

        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        let unread = inbox::unread_count(&server.state.db, engineer.id)
            .await
            .unwrap();
        assert_eq!(unread, 1);
    }
);

web_test!(
    notifications_post_needs_csrf,
    async |server: &TestServer| {
        server.user("ivanov", Role::Support, &["L1"]).await;
        let browser = server.browser("ivanov").await;

        let response = browser.post_raw("/notifications/read", &[]).await;

        assert_eq!(response.status(), StatusCode::FORBIDDEN);
    }
);

web_test!(admin_sees_queued_mail, async |server: &TestServer| {
    server.user("root", Role::Admin, &[]).await;
    let browser = server.browser("root").await;

    let (status, html) = browser.get("/admin/mail").await;

    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("SMTP-сервер не настроен"), "{html}");
});
