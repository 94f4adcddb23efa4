//! A stand-in for the Zabbix 6.0 JSON-RPC API on 127.0.0.1, for tests of the client and of
//! the outbox sender. It is not Zabbix: the real server is exercised by the end-to-end suite.
//!
//! Its responses follow the Zabbix 6.0 API reference (zabbix.com/documentation/6.0, pages
//! `user.login`, `apiinfo.version`, `event.acknowledge`, `event.get`, `trigger.get`,
//! `host.get`): ids and numbers in results are JSON strings, `user.login` takes `username`
//! and `password` and returns the session id, the session or API token comes in the body's
//! `auth` field, `event.acknowledge` returns `{"eventids": [...]}` and rejects a close when
//! the trigger does not allow manual close, and errors are JSON-RPC error objects with
//! `code`, `message` and `data` (`-32602 Invalid params.` for a wrong password or an ended
//! session, `-32500 Application error.` for a refused operation).
#![allow(dead_code, clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};

/// The user name the stand-in accepts.
pub const USERNAME: &str = "vitrina-api";
/// The password the stand-in accepts.
pub const PASSWORD: &str = "zbx-standin-password-7319";
/// The API token the stand-in accepts.
pub const TOKEN: &str = "f2b1c0ffee0123456789abcdef0123456789abcdef0123456789abcdef012345";

/// One request the stand-in received.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    pub params: Value,
    pub auth: Option<String>,
}

/// A problem update `event.acknowledge` applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ack {
    pub event_id: i64,
    pub action: u64,
    pub message: Option<String>,
}

#[derive(Default)]
struct Inner {
    sessions: Vec<String>,
    calls: Vec<Call>,
    acks: Vec<Ack>,
    /// Trigger id → (description, manual close allowed).
    triggers: BTreeMap<i64, (String, bool)>,
    /// Event id → (trigger id, clock).
    events: BTreeMap<i64, (i64, i64)>,
    /// Host technical name → (host id, visible name).
    hosts: BTreeMap<String, (i64, String)>,
    /// Calls other than `user.login` that still get HTTP 502.
    failures: u32,
}

/// A running stand-in.
pub struct StandIn {
    /// The frontend address; the API is at `{url}/api_jsonrpc.php`.
    pub url: String,
    inner: Arc<Mutex<Inner>>,
    server: tokio::task::JoinHandle<()>,
}

impl StandIn {
    /// Starts the stand-in on a free loopback port.
    pub async fn start() -> StandIn {
        let inner = Arc::new(Mutex::new(Inner::default()));
        let app = axum::Router::new()
            .route("/api_jsonrpc.php", post(handle))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        StandIn { url, inner, server }
    }

    /// Adds a trigger and whether people may close its problems.
    pub fn add_trigger(&self, trigger_id: i64, description: &str, manual_close: bool) {
        let mut inner = self.inner.lock().unwrap();
        inner
            .triggers
            .insert(trigger_id, (description.into(), manual_close));
    }

    /// Adds a problem event of `trigger_id` that happened at `clock` (Unix seconds).
    pub fn add_event(&self, event_id: i64, trigger_id: i64, clock: i64) {
        let mut inner = self.inner.lock().unwrap();
        inner.events.insert(event_id, (trigger_id, clock));
    }

    /// Adds a host.
    pub fn add_host(&self, host_id: i64, host: &str, name: &str) {
        let mut inner = self.inner.lock().unwrap();
        inner.hosts.insert(host.into(), (host_id, name.into()));
    }

    /// Makes the next `count` calls other than `user.login` fail with HTTP 502.
    pub fn fail_next(&self, count: u32) {
        self.inner.lock().unwrap().failures = count;
    }

    /// Ends every session, as Zabbix does when a session expires.
    pub fn end_sessions(&self) {
        self.inner.lock().unwrap().sessions.clear();
    }

    /// Returns every request so far, oldest first.
    pub fn calls(&self) -> Vec<Call> {
        self.inner.lock().unwrap().calls.clone()
    }

    /// Returns the requests of one method.
    pub fn calls_to(&self, method: &str) -> Vec<Call> {
        self.calls()
            .into_iter()
            .filter(|call| call.method == method)
            .collect()
    }

    /// Returns the updates `event.acknowledge` applied, oldest first.
    pub fn acks(&self) -> Vec<Ack> {
        self.inner.lock().unwrap().acks.clone()
    }

    /// Stops the server.
    pub fn stop(self) {
        self.server.abort();
    }
}

fn error(code: i64, message: &str, data: &str) -> Value {
    json!({"jsonrpc": "2.0", "error": {"code": code, "message": message, "data": data}, "id": 1})
}

fn result(value: Value) -> Value {
    json!({"jsonrpc": "2.0", "result": value, "id": 1})
}

/// Reads `ids` as Zabbix does: one id or an array, each a string or a number.
fn ids(value: Option<&Value>) -> Vec<i64> {
    let one = |v: &Value| match v {
        Value::String(s) => s.parse().ok(),
        Value::Number(n) => n.as_i64(),
        _ => None,
    };
    match value {
        Some(Value::Array(items)) => items.iter().filter_map(one).collect(),
        Some(value) => one(value).into_iter().collect(),
        None => Vec::new(),
    }
}

/// Takes the body whatever its content type: Zabbix accepts `application/json-rpc`,
/// `application/json` and `application/jsonrequest`, and axum's `Json` only the second.
async fn handle(State(inner): State<Arc<Mutex<Inner>>>, body: axum::body::Bytes) -> Response {
    let Ok(body) = serde_json::from_slice::<Value>(&body) else {
        return Json(error(
            -32700,
            "Parse error.",
            "Invalid JSON. An error occurred on the server while parsing the JSON text.",
        ))
        .into_response();
    };
    let method = body["method"].as_str().unwrap_or_default().to_string();
    let params = body["params"].clone();
    let auth = body["auth"].as_str().map(str::to_string);
    let mut inner = inner.lock().unwrap();
    inner.calls.push(Call {
        method: method.clone(),
        params: params.clone(),
        auth: auth.clone(),
    });
    if method != "user.login" && inner.failures > 0 {
        inner.failures -= 1;
        return StatusCode::BAD_GATEWAY.into_response();
    }
    Json(answer(&mut inner, &method, &params, auth.as_deref())).into_response()
}

fn answer(inner: &mut Inner, method: &str, params: &Value, auth: Option<&str>) -> Value {
    match method {
        "apiinfo.version" | "user.login" if auth.is_some() => error(
            -32602,
            "Invalid params.",
            &format!("The \"{method}\" method must be called without the \"auth\" parameter."),
        ),
        "apiinfo.version" => result(json!("6.0.14")),
        "user.login" => login(inner, params),
        _ if !authorized(inner, auth) => error(
            -32602,
            "Invalid params.",
            "Session terminated, re-login, please.",
        ),
        "event.acknowledge" => acknowledge(inner, params),
        "event.get" => {
            let found: Vec<Value> = ids(params.get("eventids"))
                .into_iter()
                .filter_map(|id| {
                    let (trigger, clock) = inner.events.get(&id)?;
                    Some(
                        json!({"eventid": id.to_string(), "objectid": trigger.to_string(),
                                "clock": clock.to_string(), "value": "1"}),
                    )
                })
                .collect();
            result(json!(found))
        }
        "trigger.get" => {
            let found: Vec<Value> = ids(params.get("triggerids"))
                .into_iter()
                .filter_map(|id| {
                    let (description, manual) = inner.triggers.get(&id)?;
                    Some(
                        json!({"triggerid": id.to_string(), "description": description,
                                "manual_close": if *manual { "1" } else { "0" }}),
                    )
                })
                .collect();
            result(json!(found))
        }
        "host.get" => {
            // Without a filter, `host.get` lists every host.
            let names: Vec<String> = match &params["filter"]["host"] {
                Value::Array(items) => items
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect(),
                Value::String(name) => vec![name.clone()],
                _ if params.get("filter").is_none() => inner.hosts.keys().cloned().collect(),
                _ => Vec::new(),
            };
            let found: Vec<Value> = names
                .iter()
                .filter_map(|name| {
                    let (id, visible) = inner.hosts.get(name)?;
                    Some(json!({"hostid": id.to_string(), "host": name, "name": visible}))
                })
                .collect();
            result(json!(found))
        }
        other => error(
            -32601,
            "Method not found.",
            &format!(
                "Incorrect API \"{}\".",
                other.split('.').next().unwrap_or(other)
            ),
        ),
    }
}

fn login(inner: &mut Inner, params: &Value) -> Value {
    if params["username"] != USERNAME || params["password"] != PASSWORD {
        return error(
            -32602,
            "Invalid params.",
            "Incorrect user name or password or account is temporarily blocked.",
        );
    }
    let session = format!("{:032x}", inner.calls.len() as u128 * 7919 + 0x5e55_1017);
    inner.sessions.push(session.clone());
    result(json!(session))
}

fn authorized(inner: &Inner, auth: Option<&str>) -> bool {
    match auth {
        Some(TOKEN) => true,
        Some(session) => inner.sessions.iter().any(|s| s == session),
        None => false,
    }
}

fn acknowledge(inner: &mut Inner, params: &Value) -> Value {
    let events = ids(params.get("eventids"));
    let action = params["action"].as_u64().unwrap_or(0);
    let message = params["message"].as_str().map(str::to_string);
    if action == 0 || action > 31 {
        return error(
            -32602,
            "Invalid params.",
            "Invalid parameter \"/action\": value must be one of 1-31.",
        );
    }
    if action & 4 != 0 && message.as_deref().is_none_or(str::is_empty) {
        return error(
            -32602,
            "Invalid params.",
            "Invalid parameter \"/message\": cannot be empty.",
        );
    }
    for event in &events {
        let Some((trigger, _)) = inner.events.get(event) else {
            return error(
                -32500,
                "Application error.",
                "No permissions to referred object or it does not exist!",
            );
        };
        let manual = inner
            .triggers
            .get(trigger)
            .is_some_and(|(_, manual)| *manual);
        if action & 1 != 0 && !manual {
            return error(
                -32500,
                "Application error.",
                "Cannot close problem: trigger does not allow manual closing.",
            );
        }
    }
    for event in &events {
        inner.acks.push(Ack {
            event_id: *event,
            action,
            message: message.clone(),
        });
    }
    let ids: Vec<String> = events.iter().map(|id| id.to_string()).collect();
    result(json!({"eventids": ids}))
}
