//! Deliveries of Vitrina's Zabbix 6.0 webhook media type: parsing and what each one does to
//! a ticket.
//!
//! Zabbix sends the media type's parameters as a JSON object of strings. Macros it could not
//! resolve arrive as their literal text (`{EVENT.RECOVERY.ID}`) or as `*UNKNOWN*`; both count
//! as absent and are never parsed.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde_json::{Map, Value};

use super::workflow;
use super::{Priority, Status};
use crate::Invalid;

/// The literal `event_id` that Zabbix's media type test form sends.
pub const TEST_FORM_EVENT_ID: &str = "{EVENT.ID}";

/// What a delivery means, from `event_value` and `event_update_status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryKind {
    /// A new problem: `event_value=1`, `event_update_status=0`.
    Problem,
    /// An update operation (acknowledge, comment, severity change, close):
    /// `event_update_status=1`.
    Update,
    /// The problem recovered: `event_value=0`, `event_update_status=0`.
    Recovery,
}

impl DeliveryKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryKind::Problem => "problem",
            DeliveryKind::Update => "update",
            DeliveryKind::Recovery => "recovery",
        }
    }
}

/// One webhook delivery, with unresolved macros removed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Delivery {
    /// The problem event's id (`{EVENT.ID}`): the key that ties every delivery to one ticket.
    pub event_id: i64,
    /// 1 problem, 0 recovery.
    pub event_value: u8,
    /// Whether an update operation caused the delivery.
    pub update: bool,
    /// 0 for trigger events; other sources create no ticket.
    pub source: u32,
    /// Numeric severity 0 (not classified) to 5 (disaster).
    pub nseverity: Option<u8>,
    pub severity: Option<String>,
    pub update_action: Option<String>,
    pub update_message: Option<String>,
    pub recovery_event_id: Option<i64>,
    pub tags: Vec<(String, String)>,
    pub trigger_id: Option<i64>,
    /// The host's technical name.
    pub host_host: Option<String>,
    /// The host's visible name.
    pub host_name: Option<String>,
    pub subject: Option<String>,
    pub message: Option<String>,
    pub event_date: Option<String>,
    pub event_time: Option<String>,
    pub opdata: Option<String>,
    pub zabbix_url: Option<String>,
}

/// A parsed delivery, or the connection test from Zabbix's media type form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    Event(Box<Delivery>),
    TestForm,
}

impl Delivery {
    /// What the delivery means.
    pub fn kind(&self) -> DeliveryKind {
        if self.update {
            DeliveryKind::Update
        } else if self.event_value == 1 {
            DeliveryKind::Problem
        } else {
            DeliveryKind::Recovery
        }
    }

    /// Whether the event comes from a trigger, the only source that makes tickets.
    pub fn is_trigger_event(&self) -> bool {
        self.source == 0
    }

    /// The ticket priority for this delivery's severity; P3 when Zabbix sent none.
    pub fn priority(&self) -> Priority {
        self.nseverity
            .map(Priority::from_zabbix_severity)
            .unwrap_or(Priority::P3)
    }

    /// A ticket title: the alert subject, or the host and event id when there is none.
    pub fn title(&self) -> String {
        let title = match (&self.subject, &self.host_name, &self.host_host) {
            (Some(subject), _, _) => subject.clone(),
            (None, Some(host), _) | (None, None, Some(host)) => {
                format!("Zabbix {}: {host}", self.event_id)
            }
            (None, None, None) => format!("Zabbix {}", self.event_id),
        };
        crate::text::strip_forbidden(&title)
            .chars()
            .take(super::ticket::TITLE_MAX_CHARS)
            .collect()
    }

    /// Returns the ticket description: the alert message, cut to fit a ticket body. A Zabbix
    /// message can be longer than any ticket text (a large `{ITEM.VALUE}`). Rejecting it would
    /// make Zabbix retry in vain and lose the incident, so it is cut. The raw delivery keeps
    /// the whole text.
    pub fn description(&self) -> String {
        fit_body(self.message.as_deref().unwrap_or_default())
    }

    /// The event's start as the Zabbix server wrote it, read in the server's time zone.
    /// `None` when the date or time is absent or malformed.
    pub fn event_instant(&self, server_zone: Tz) -> Option<DateTime<Utc>> {
        let date = NaiveDate::parse_from_str(self.event_date.as_deref()?, "%Y.%m.%d").ok()?;
        let time = NaiveTime::parse_from_str(self.event_time.as_deref()?, "%H:%M:%S").ok()?;
        let local = NaiveDateTime::new(date, time);
        // An ambiguous local time (the hour repeated when DST ends) takes the earlier instant.
        let instant = server_zone.from_local_datetime(&local).earliest()?;
        Some(instant.with_timezone(&Utc))
    }
}

/// Returns the value, or `None` when it is empty, `*UNKNOWN*` or an unresolved macro.
pub fn resolved(value: &str) -> Option<&str> {
    let trimmed = value.trim();
    if trimmed.is_empty() || trimmed == "*UNKNOWN*" || is_unresolved_macro(trimmed) {
        return None;
    }
    Some(value)
}

/// Whether `text` is the literal name of a Zabbix macro, such as `{EVENT.RECOVERY.ID}` or
/// `{$ZABBIX.URL}`.
pub fn is_unresolved_macro(text: &str) -> bool {
    let Some(inner) = text.strip_prefix('{').and_then(|t| t.strip_suffix('}')) else {
        return false;
    };
    !inner.is_empty()
        && inner
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '$' | '#' | ':'))
}

/// Parses a delivery body. Only `event_id` and `event_value` are required; unknown parameters
/// are ignored (the raw body keeps them).
pub fn parse(body: &Value) -> Result<Parsed, Invalid> {
    let Some(params) = body.as_object() else {
        return Err(Invalid::new("body", "error-zabbix-not-object"));
    };

    let raw_event_id = text(params, "event_id").ok_or_else(|| Invalid::missing("event_id"))?;
    if raw_event_id.trim() == TEST_FORM_EVENT_ID {
        return Ok(Parsed::TestForm);
    }
    let event_id = raw_event_id
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|id| *id >= 1)
        .ok_or_else(|| {
            Invalid::new("event_id", "error-zabbix-event-id").arg("value", &raw_event_id)
        })?;

    let raw_value = text(params, "event_value").ok_or_else(|| Invalid::missing("event_value"))?;
    let event_value = match raw_value.trim() {
        "0" => 0,
        "1" => 1,
        _ => {
            return Err(
                Invalid::new("event_value", "error-zabbix-event-value").arg("value", &raw_value)
            );
        }
    };

    let delivery = Delivery {
        event_id,
        event_value,
        update: checked_number(params, "event_update_status", 0, 1)? == Some(1),
        source: checked_number(params, "event_source", 0, 4)?
            .map(u32::from)
            .unwrap_or(0),
        nseverity: checked_number(params, "event_nseverity", 0, 5)?,
        severity: optional(params, "event_severity"),
        update_action: optional(params, "event_update_action"),
        update_message: optional(params, "event_update_message"),
        recovery_event_id: number::<i64>(params, "event_recovery_id").filter(|id| *id >= 0),
        tags: optional(params, "event_tags")
            .map(|json| parse_tags(&json))
            .unwrap_or_default(),
        trigger_id: number(params, "trigger_id"),
        host_host: optional(params, "host_host"),
        host_name: optional(params, "host_name"),
        subject: optional(params, "alert_subject"),
        message: optional(params, "alert_message"),
        event_date: optional(params, "event_date"),
        event_time: optional(params, "event_time"),
        opdata: optional(params, "event_opdata"),
        zabbix_url: optional(params, "zabbix_url"),
    };
    Ok(Parsed::Event(Box::new(delivery)))
}

/// The parameter as text; numbers are accepted too, since a hand-written media type may send them.
fn text(params: &Map<String, Value>, name: &str) -> Option<String> {
    match params.get(name)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn optional(params: &Map<String, Value>, name: &str) -> Option<String> {
    text(params, name).and_then(|value| resolved(&value).map(str::to_string))
}

/// Reads an optional small number that Zabbix always sends within `min..=max`: absent or
/// unresolved is `None`, anything else outside the range is an error naming the parameter.
fn checked_number(
    params: &Map<String, Value>,
    name: &str,
    min: u8,
    max: u8,
) -> Result<Option<u8>, Invalid> {
    let Some(value) = optional(params, name) else {
        return Ok(None);
    };
    match value.trim().parse::<u8>() {
        Ok(number) if (min..=max).contains(&number) => Ok(Some(number)),
        _ => Err(Invalid::new(name, "error-zabbix-parameter-range")
            .arg("name", name)
            .arg("value", &value)
            .arg("min", min)
            .arg("max", max)),
    }
}

fn number<T: std::str::FromStr>(params: &Map<String, Value>, name: &str) -> Option<T> {
    optional(params, name).and_then(|value| value.trim().parse().ok())
}

/// Reads `{EVENT.TAGSJSON}`: a JSON array of `{"tag": …, "value": …}` encoded as a string.
fn parse_tags(json: &str) -> Vec<(String, String)> {
    let Ok(Value::Array(items)) = serde_json::from_str::<Value>(json) else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| {
            let tag = item.get("tag")?.as_str()?;
            let value = item.get("value").and_then(Value::as_str).unwrap_or("");
            Some((tag.to_string(), value.to_string()))
        })
        .collect()
}

/// The state of an existing ticket that decides what a delivery does to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TicketState {
    pub status: Status,
    pub priority: Priority,
    /// Whether a Vitrina user has commented, assigned or changed the status.
    pub touched_by_person: bool,
}

/// One change a delivery makes. The store applies them in order, in one transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Create the ticket, open.
    Create,
    /// Create the ticket and resolve it at once: its problem delivery never arrived.
    CreateResolved,
    /// Record a line in the ticket's history with this Fluent message id.
    Note(&'static str),
    /// Add an internal comment from Zabbix.
    Comment(String),
    /// Change the priority because Zabbix changed the severity.
    SetPriority(Priority),
    /// The system transition: resolve a ticket that no person has acted on.
    Resolve,
}

/// Decides what a delivery does, given the ticket that already exists for its event.
/// `repeat` is true when an identical delivery was already processed (a Zabbix retry).
pub fn plan(delivery: &Delivery, ticket: Option<TicketState>, repeat: bool) -> Vec<Step> {
    let Some(ticket) = ticket else {
        return plan_without_ticket(delivery);
    };
    if repeat {
        return vec![Step::Note("history-zabbix-repeat")];
    }
    match delivery.kind() {
        DeliveryKind::Problem => vec![Step::Note("history-zabbix-repeat")],
        DeliveryKind::Update => plan_update(delivery, ticket),
        DeliveryKind::Recovery => plan_recovery(ticket),
    }
}

fn plan_without_ticket(delivery: &Delivery) -> Vec<Step> {
    match delivery.kind() {
        DeliveryKind::Problem => vec![Step::Create],
        DeliveryKind::Update => {
            let mut steps = vec![
                Step::Create,
                Step::Note("history-zabbix-created-from-update"),
            ];
            steps.extend(update_comment(delivery).map(Step::Comment));
            steps
        }
        DeliveryKind::Recovery => vec![
            Step::CreateResolved,
            Step::Note("history-zabbix-created-from-recovery"),
        ],
    }
}

fn plan_update(delivery: &Delivery, ticket: TicketState) -> Vec<Step> {
    let mut steps = vec![Step::Note("history-zabbix-update")];
    steps.extend(update_comment(delivery).map(Step::Comment));
    if delivery.nseverity.is_some() {
        let priority = delivery.priority();
        if priority != ticket.priority {
            steps.push(Step::SetPriority(priority));
        }
    }
    steps
}

fn plan_recovery(ticket: TicketState) -> Vec<Step> {
    if !ticket.status.is_open() {
        return vec![Step::Note("history-zabbix-recovery-after-close")];
    }
    if workflow::recovery_resolves(ticket.status, ticket.touched_by_person) {
        return vec![Step::Resolve];
    }
    vec![Step::Note("history-zabbix-recovery-while-worked")]
}

/// The comment an update carries: its message, headed by the action Zabbix names.
fn update_comment(delivery: &Delivery) -> Option<String> {
    let message = delivery.update_message.as_deref()?.trim();
    if message.is_empty() {
        return None;
    }
    let comment = match delivery.update_action.as_deref() {
        Some(action) => format!("Zabbix ({action}): {message}"),
        None => format!("Zabbix: {message}"),
    };
    Some(fit_body(&comment))
}

/// Marks text cut by [`fit_body`]; the raw delivery keeps the whole text.
const CUT_MARK: &str = "\n[…]";

/// Cuts `text` to the longest ticket body, ending it with [`CUT_MARK`] when it was cut.
fn fit_body(text: &str) -> String {
    // Zabbix text is kept, not rejected, so characters a ticket may not contain are dropped.
    let text = &crate::text::strip_forbidden(text);
    let max = super::ticket::BODY_MAX_CHARS;
    if text.chars().count() <= max {
        return text.to_string();
    }
    let kept: String = text.chars().take(max - CUT_MARK.chars().count()).collect();
    kept + CUT_MARK
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn long_message_is_cut_to_body_size() {
        let long = "я".repeat(super::super::ticket::BODY_MAX_CHARS + 10);
        let delivery = event(json!({"event_id": "7", "event_value": "1", "alert_message": long}));
        let description = delivery.description();
        assert_eq!(
            description.chars().count(),
            super::super::ticket::BODY_MAX_CHARS
        );
        assert!(description.ends_with(CUT_MARK));

        let short = event(json!({"event_id": "7", "event_value": "1", "alert_message": "ok"}));
        assert_eq!(short.description(), "ok");
    }

    #[test]
    fn out_of_range_numbers_are_rejected() {
        for (name, value) in [
            ("event_update_status", "7"),
            ("event_source", "abc"),
            ("event_nseverity", "9"),
            ("event_nseverity", "-1"),
        ] {
            let mut body = json!({"event_id": "7", "event_value": "1"});
            body[name] = json!(value);
            let error = parse(&body).unwrap_err();
            assert_eq!(error.field, name, "{name}={value}");
        }
        let zero = parse(&json!({"event_id": "0", "event_value": "1"})).unwrap_err();
        assert_eq!(zero.field, "event_id");
        let unresolved = parse(&json!({"event_id": "7", "event_value": "1",
            "event_nseverity": "{EVENT.NSEVERITY}"}));
        assert!(unresolved.is_ok());
    }

    fn event(body: Value) -> Delivery {
        match parse(&body) {
            Ok(Parsed::Event(delivery)) => *delivery,
            other => panic!("expected an event, got {other:?}"),
        }
    }

    fn problem() -> Delivery {
        event(
            json!({"event_id": "18", "event_value": "1", "event_update_status": "0",
            "event_nseverity": "4", "event_source": "0",
            "event_recovery_id": "{EVENT.RECOVERY.ID}"}),
        )
    }

    fn open(touched: bool) -> TicketState {
        TicketState {
            status: Status::New,
            priority: Priority::P2,
            touched_by_person: touched,
        }
    }

    #[test]
    fn unresolved_macros_are_absent() {
        assert_eq!(resolved("{EVENT.RECOVERY.ID}"), None);
        assert_eq!(resolved("{EVENT.TAGS.__zbx_ticket_id}"), None);
        assert_eq!(resolved("{$ZABBIX.URL}"), None);
        assert_eq!(resolved("*UNKNOWN*"), None);
        assert_eq!(resolved("  "), None);
        assert_eq!(resolved("{not a macro}"), Some("{not a macro}"));
    }

    #[test]
    fn problem_is_dispatched_as_problem() {
        let delivery = problem();
        assert_eq!(delivery.kind(), DeliveryKind::Problem);
        assert_eq!(delivery.recovery_event_id, None);
        assert_eq!(delivery.priority(), Priority::P2);
    }

    #[test]
    fn update_status_wins_over_value() {
        let delivery = event(json!({"event_id": "26", "event_value": "0",
            "event_update_status": "1"}));
        assert_eq!(delivery.kind(), DeliveryKind::Update);
    }

    #[test]
    fn recovery_is_dispatched_as_recovery() {
        let delivery = event(json!({"event_id": "26", "event_value": "0",
            "event_update_status": "0", "event_recovery_id": "27"}));
        assert_eq!(delivery.kind(), DeliveryKind::Recovery);
        assert_eq!(delivery.recovery_event_id, Some(27));
    }

    #[test]
    fn test_form_event_id_is_recognised() {
        let parsed = parse(&json!({"event_id": "{EVENT.ID}", "event_value": "{EVENT.VALUE}"}));
        assert_eq!(parsed, Ok(Parsed::TestForm));
    }

    #[test]
    fn other_macro_event_id_is_invalid() {
        let error =
            parse(&json!({"event_id": "{EVENT.RECOVERY.ID}", "event_value": "1"})).unwrap_err();
        assert_eq!(error.field, "event_id");
    }

    #[test]
    fn missing_event_value_is_invalid() {
        let error = parse(&json!({"event_id": "5"})).unwrap_err();
        assert_eq!(error.field, "event_value");
        assert_eq!(error.key, "error-missing");
    }

    #[test]
    fn malformed_event_value_is_invalid() {
        let error = parse(&json!({"event_id": "5", "event_value": "2"})).unwrap_err();
        assert_eq!(error.key, "error-zabbix-event-value");
    }

    #[test]
    fn negative_event_id_is_invalid() {
        let error = parse(&json!({"event_id": "-5", "event_value": "1"})).unwrap_err();
        assert_eq!(error.field, "event_id");
    }

    #[test]
    fn non_object_body_is_invalid() {
        assert_eq!(parse(&json!([1, 2])).unwrap_err().field, "body");
    }

    #[test]
    fn tags_are_read_from_json_string() {
        let delivery = event(json!({"event_id": "1", "event_value": "1",
            "event_tags": "[{\"tag\":\"tenant\",\"value\":\"42\"}]"}));
        assert_eq!(
            delivery.tags,
            vec![("tenant".to_string(), "42".to_string())]
        );
    }

    #[test]
    fn event_time_is_read_in_server_zone() {
        let delivery = event(json!({"event_id": "1", "event_value": "1",
            "event_date": "2026.12.04", "event_time": "19:19:43"}));
        let instant = delivery.event_instant(chrono_tz::Europe::Moscow).unwrap();
        assert_eq!(instant.to_rfc3339(), "2026-12-04T16:19:43+00:00");
    }

    #[test]
    fn first_problem_creates_ticket() {
        assert_eq!(plan(&problem(), None, false), vec![Step::Create]);
    }

    #[test]
    fn repeated_problem_is_one_history_line() {
        assert_eq!(
            plan(&problem(), Some(open(false)), false),
            vec![Step::Note("history-zabbix-repeat")]
        );
    }

    #[test]
    fn recovery_without_ticket_creates_resolved() {
        let recovery = event(json!({"event_id": "28", "event_value": "0"}));
        assert_eq!(plan(&recovery, None, false)[0], Step::CreateResolved);
    }

    #[test]
    fn update_without_ticket_creates_open_with_comment() {
        let update = event(json!({"event_id": "9", "event_value": "1",
            "event_update_status": "1", "event_update_message": "смотрю"}));
        let steps = plan(&update, None, false);
        assert_eq!(steps[0], Step::Create);
        assert!(
            steps
                .iter()
                .any(|s| matches!(s, Step::Comment(c) if c.contains("смотрю")))
        );
    }

    #[test]
    fn update_raising_severity_changes_priority() {
        let update = event(json!({"event_id": "26", "event_value": "1",
            "event_update_status": "1", "event_nseverity": "5",
            "event_update_action": "acknowledged, commented and changed severity",
            "event_update_message": "Look"}));
        let steps = plan(&update, Some(open(false)), false);
        assert!(steps.contains(&Step::SetPriority(Priority::P1)));
        assert!(steps.contains(&Step::Comment(
            "Zabbix (acknowledged, commented and changed severity): Look".into()
        )));
    }

    #[test]
    fn recovery_resolves_untouched_ticket() {
        let recovery = event(json!({"event_id": "18", "event_value": "0"}));
        assert_eq!(
            plan(&recovery, Some(open(false)), false),
            vec![Step::Resolve]
        );
    }

    #[test]
    fn recovery_only_notes_worked_ticket() {
        let recovery = event(json!({"event_id": "18", "event_value": "0"}));
        assert_eq!(
            plan(&recovery, Some(open(true)), false),
            vec![Step::Note("history-zabbix-recovery-while-worked")]
        );
    }

    #[test]
    fn recovery_after_resolution_changes_nothing() {
        let recovery = event(json!({"event_id": "18", "event_value": "0"}));
        let mut ticket = open(true);
        ticket.status = Status::Resolved;
        assert_eq!(
            plan(&recovery, Some(ticket), false),
            vec![Step::Note("history-zabbix-recovery-after-close")]
        );
    }

    #[test]
    fn repeated_update_adds_no_comment() {
        let update = event(json!({"event_id": "26", "event_value": "1",
            "event_update_status": "1", "event_update_message": "Look"}));
        assert_eq!(
            plan(&update, Some(open(false)), true),
            vec![Step::Note("history-zabbix-repeat")]
        );
    }

    #[test]
    fn internal_event_source_is_not_trigger() {
        let delivery = event(json!({"event_id": "3", "event_value": "1", "event_source": "3"}));
        assert!(!delivery.is_trigger_event());
    }
}
