//! Demo Zabbix incidents, raised by generated webhook deliveries fed through the same
//! `accept` path that real deliveries take.
//!
//! The bodies have the shape Vitrina's Zabbix 6.0 media type sends: a JSON object whose
//! values are all strings, with unresolved macros left as their literal text.

use anyhow::Context as _;
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};
use store::identity::{Author, User};
use store::servicedesk::tickets::{self, TicketChange};
use web::AppState;

/// First event id of the demo; real Zabbix event ids of a new server start far below it.
const FIRST_EVENT_ID: i64 = 900_000_001;

/// A monitored host.
struct Host {
    /// Technical name (`{HOST.HOST}`).
    host: &'static str,
    /// Visible name (`{HOST.NAME}`).
    name: &'static str,
    tags: &'static [(&'static str, &'static str)],
}

/// A trigger on a host.
struct Trigger {
    id: i64,
    /// The problem name, `{EVENT.NAME}`.
    name: &'static str,
    /// Zabbix numeric severity, 0 to 5.
    severity: u8,
    opdata: &'static str,
}

/// The course of a problem after it starts.
enum Then {
    /// Stays open.
    Nothing,
    /// Recovers after this many minutes, before anyone touched the ticket.
    Recovers(i64),
    /// Zabbix delivers the same problem again, as it does after a timeout.
    Retried,
    /// An operator acknowledges it in Zabbix and raises the severity to Disaster.
    EscalatedToDisaster,
    /// An engineer takes the ticket, then the problem recovers: the ticket stays in work.
    WorkedThenRecovers(i64),
}

struct Scenario {
    host: Host,
    trigger: Trigger,
    /// Minutes before now when the problem started.
    started_minutes_ago: i64,
    then: Then,
}

fn scenarios() -> Vec<Scenario> {
    vec![
        Scenario {
            host: Host {
                host: "shop-romashka-01",
                name: "Магазин «Ромашка» (tenant 42)",
                tags: &[("tenant", "42"), ("service", "storefront")],
            },
            trigger: Trigger {
                id: 23133,
                name: "Магазин недоступен: Магазин «Ромашка» (tenant 42)",
                severity: 4,
                opdata: "503",
            },
            started_minutes_ago: 3 * 24 * 60,
            then: Then::Recovers(14),
        },
        Scenario {
            host: Host {
                host: "db-main-01",
                name: "БД-кластер «Основной», узел 1",
                tags: &[("service", "postgresql"), ("component", "disk")],
            },
            trigger: Trigger {
                id: 24010,
                name: "Мало места на /var/lib/postgresql: свободно 8%",
                severity: 3,
                opdata: "8 %",
            },
            started_minutes_ago: 5 * 60,
            then: Then::EscalatedToDisaster,
        },
        Scenario {
            host: Host {
                host: "lb-edge-02",
                name: "Балансировщик «Край-2»",
                tags: &[("service", "balancer"), ("component", "http")],
            },
            trigger: Trigger {
                id: 24117,
                name: "Доля ответов 5xx на <b>\"checkout\"</b> выше 5%",
                severity: 4,
                opdata: "7.4 %",
            },
            started_minutes_ago: 40,
            then: Then::Nothing,
        },
        Scenario {
            host: Host {
                host: "search-03",
                name: "Поиск по каталогу, узел 3",
                tags: &[("service", "search"), ("component", "cpu")],
            },
            trigger: Trigger {
                id: 24230,
                name: "Загрузка CPU выше 90% дольше 5 минут",
                severity: 2,
                opdata: "96 %",
            },
            started_minutes_ago: 2 * 24 * 60,
            then: Then::Recovers(25),
        },
        Scenario {
            host: Host {
                host: "shop-chai-07",
                name: "Магазин «Чайный домик» (tenant 117)",
                tags: &[
                    ("tenant", "117"),
                    ("service", "storefront"),
                    ("component", "tls"),
                ],
            },
            trigger: Trigger {
                id: 24301,
                name: "Сертификат TLS магазина «Чайный домик» истекает через 7 дней",
                severity: 3,
                opdata: "7d",
            },
            started_minutes_ago: 24 * 60,
            then: Then::Retried,
        },
        Scenario {
            host: Host {
                host: "mq-01",
                name: "Очередь сообщений «Заказы»",
                tags: &[("service", "queue"), ("component", "orders")],
            },
            trigger: Trigger {
                id: 24412,
                name: "Очередь заказов растёт: больше 1000 сообщений",
                severity: 4,
                opdata: "1532",
            },
            started_minutes_ago: 6 * 60,
            then: Then::WorkedThenRecovers(90),
        },
    ]
}

/// Raises the demo incidents and returns how many deliveries were accepted.
pub async fn load(state: &AppState, staff: &[User], now: DateTime<Utc>) -> anyhow::Result<usize> {
    let zone = state.config.zabbix_server_zone;
    let mut delivered = 0;
    for (index, scenario) in scenarios().into_iter().enumerate() {
        let event_id = FIRST_EVENT_ID + 2 * index as i64;
        let started = now - Duration::minutes(scenario.started_minutes_ago);
        let event = Event {
            scenario: &scenario,
            event_id,
            started,
            zone,
        };

        let problem = event.problem();
        let accepted = send(state, &problem).await?;
        delivered += 1;
        let ticket_id = accepted
            .id
            .ok_or_else(|| anyhow::anyhow!("demo Zabbix event {event_id} made no ticket"))?;

        match scenario.then {
            Then::Nothing => {}
            Then::Recovers(minutes) => {
                send(state, &event.recovery(event_id + 1, minutes)).await?;
                delivered += 1;
            }
            Then::Retried => {
                send(state, &problem).await?;
                delivered += 1;
            }
            Then::EscalatedToDisaster => {
                send(state, &event.escalation(now)).await?;
                delivered += 1;
                assign(state, staff, ticket_id, now).await?;
            }
            Then::WorkedThenRecovers(minutes) => {
                assign(state, staff, ticket_id, now).await?;
                send(state, &event.recovery(event_id + 1, minutes)).await?;
                delivered += 1;
            }
        }
    }
    Ok(delivered)
}

async fn send(
    state: &AppState,
    body: &Value,
) -> anyhow::Result<web::servicedesk::zabbix::Accepted> {
    let text = body.to_string();
    web::servicedesk::zabbix::accept(state, text.as_bytes())
        .await
        .map_err(|error| anyhow::anyhow!("demo Zabbix delivery rejected: {error:?}"))
}

/// Gives the ticket to the infrastructure engineer, who starts work on it.
async fn assign(
    state: &AppState,
    staff: &[User],
    ticket_id: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let engineer = staff
        .iter()
        .find(|user| user.login == "infra")
        .ok_or_else(|| anyhow::anyhow!("demo user infra is missing"))?;
    let author = Author::person(engineer.id, &engineer.login);
    let ticket = tickets::get(&state.db, ticket_id)
        .await?
        .context("demo Zabbix ticket vanished")?;
    let change = TicketChange {
        assignee: Some(Some(engineer.login.clone())),
        ..TicketChange::default()
    };
    let ticket = tickets::update(&state.db, ticket.id, ticket.version, &change, &author, now)
        .await
        .context("cannot assign a demo Zabbix ticket")?;
    tickets::transition(
        &state.db,
        ticket.id,
        ticket.version,
        domain::servicedesk::Status::InProgress,
        None,
        &author,
        now,
    )
    .await
    .context("cannot start work on a demo Zabbix ticket")?;
    Ok(())
}

/// One problem event and the deliveries it causes.
struct Event<'a> {
    scenario: &'a Scenario,
    event_id: i64,
    started: DateTime<Utc>,
    zone: chrono_tz::Tz,
}

impl Event<'_> {
    fn problem(&self) -> Value {
        let name = self.scenario.trigger.name;
        let mut body = self.base(self.scenario.trigger.severity);
        body["event_value"] = json!("1");
        body["alert_subject"] = json!(format!("Problem: {name}"));
        body["alert_message"] = json!(format!(
            "Problem started at {} on {}\nProblem name: {name}\nHost: {}\nSeverity: {}\n\
             Operational data: {}\nOriginal problem ID: {}\n",
            self.local_time(self.started),
            self.local_date(self.started),
            self.scenario.host.name,
            severity_name(self.scenario.trigger.severity),
            self.scenario.trigger.opdata,
            self.event_id
        ));
        body
    }

    fn recovery(&self, recovery_event_id: i64, after_minutes: i64) -> Value {
        let name = self.scenario.trigger.name;
        let recovered = self.started + Duration::minutes(after_minutes);
        let mut body = self.base(self.scenario.trigger.severity);
        body["event_value"] = json!("0");
        body["event_recovery_id"] = json!(recovery_event_id.to_string());
        body["event_recovery_value"] = json!("0");
        body["alert_subject"] = json!(format!("Resolved in {after_minutes}m: {name}"));
        body["alert_message"] = json!(format!(
            "Problem has been resolved at {} on {}\nProblem name: {name}\n\
             Problem duration: {after_minutes}m\nHost: {}\nSeverity: {}\n\
             Original problem ID: {}\n",
            self.local_time(recovered),
            self.local_date(recovered),
            self.scenario.host.name,
            severity_name(self.scenario.trigger.severity),
            self.event_id
        ));
        body
    }

    fn escalation(&self, now: DateTime<Utc>) -> Value {
        let name = self.scenario.trigger.name;
        let from = severity_name(self.scenario.trigger.severity);
        let action =
            format!("acknowledged, commented and changed severity from {from} to Disaster");
        let message = "Принято, расширяем том. Повышаю важность: место кончится через час.";
        let mut body = self.base(5);
        body["event_value"] = json!("1");
        body["event_update_status"] = json!("1");
        body["event_update_action"] = json!(action);
        body["event_update_message"] = json!(message);
        body["event_ack_status"] = json!("Yes");
        body["alert_subject"] = json!(format!("Updated problem: {name}"));
        body["alert_message"] = json!(format!(
            "operator1 {action} problem at {} {}.\n{message}\n\n\
             Current problem status is PROBLEM, acknowledged: Yes.",
            self.local_date(now),
            self.local_time(now)
        ));
        body
    }

    /// Builds the parameters every delivery carries; Zabbix sends unresolved macros verbatim.
    fn base(&self, severity: u8) -> Value {
        let tags: Vec<Value> = self
            .scenario
            .host
            .tags
            .iter()
            .map(|(tag, value)| json!({"tag": tag, "value": value}))
            .collect();
        json!({
            "event_id": self.event_id.to_string(),
            "event_value": "1",
            "event_source": "0",
            "event_severity": severity_name(severity),
            "event_nseverity": severity.to_string(),
            "event_update_status": "0",
            "event_update_action": "{EVENT.UPDATE.ACTION}",
            "event_update_message": "{EVENT.UPDATE.MESSAGE}",
            "event_recovery_id": "{EVENT.RECOVERY.ID}",
            "event_recovery_value": "{EVENT.RECOVERY.VALUE}",
            "event_tags": Value::Array(tags).to_string(),
            "trigger_id": self.scenario.trigger.id.to_string(),
            "host_name": self.scenario.host.name,
            "host_host": self.scenario.host.host,
            "alert_sendto": "vitrina",
            "zabbix_url": "http://127.0.0.1/zabbix/",
            "ticket_id": "{EVENT.TAGS.__zbx_vitrina_ticket_id}",
            "event_date": self.local_date(self.started),
            "event_time": self.local_time(self.started),
            "event_ack_status": "No",
            "event_opdata": self.scenario.trigger.opdata,
        })
    }

    /// `{EVENT.DATE}` as the Zabbix server writes it: its local date, `YYYY.MM.DD`.
    fn local_date(&self, instant: DateTime<Utc>) -> String {
        instant
            .with_timezone(&self.zone)
            .format("%Y.%m.%d")
            .to_string()
    }

    /// `{EVENT.TIME}`: the server's local time, `HH:MM:SS`, without a zone.
    fn local_time(&self, instant: DateTime<Utc>) -> String {
        instant
            .with_timezone(&self.zone)
            .format("%H:%M:%S")
            .to_string()
    }
}

/// Zabbix's severity names, 0 to 5.
fn severity_name(severity: u8) -> &'static str {
    match severity {
        0 => "Not classified",
        1 => "Information",
        2 => "Warning",
        3 => "Average",
        4 => "High",
        _ => "Disaster",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::servicedesk::zabbix::{DeliveryKind, Parsed, parse};

    fn event(scenario: &Scenario) -> Event<'_> {
        Event {
            scenario,
            event_id: FIRST_EVENT_ID,
            started: Utc::now(),
            zone: chrono_tz::Europe::Moscow,
        }
    }

    fn parsed(body: &Value) -> domain::servicedesk::zabbix::Delivery {
        match parse(body).unwrap() {
            Parsed::Event(delivery) => *delivery,
            Parsed::TestForm => panic!("parsed as the test form"),
        }
    }

    #[test]
    fn bodies_are_objects_of_strings() {
        let scenarios = scenarios();
        let body = event(&scenarios[0]).problem();
        let object = body.as_object().unwrap();
        assert!(object.values().all(Value::is_string), "{body}");
    }

    #[test]
    fn generated_deliveries_parse_as_their_kind() {
        let scenarios = scenarios();
        let event = event(&scenarios[1]);
        assert_eq!(parsed(&event.problem()).kind(), DeliveryKind::Problem);
        assert_eq!(parsed(&event.recovery(2, 5)).kind(), DeliveryKind::Recovery);
        let update = parsed(&event.escalation(Utc::now()));
        assert_eq!(update.kind(), DeliveryKind::Update);
        assert_eq!(update.nseverity, Some(5));
    }

    #[test]
    fn markup_in_trigger_name_is_kept() {
        let scenarios = scenarios();
        let delivery = parsed(&event(&scenarios[2]).problem());
        assert!(delivery.title().contains("<b>\"checkout\"</b>"));
    }

    #[test]
    fn event_time_reads_back_in_server_zone() {
        let scenarios = scenarios();
        let event = event(&scenarios[0]);
        let delivery = parsed(&event.problem());
        let instant = delivery.event_instant(chrono_tz::Europe::Moscow).unwrap();
        assert!((instant - event.started).num_seconds().abs() < 1);
    }
}
