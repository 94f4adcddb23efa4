//! A real Zabbix 6.0 server and frontend, started by `tests/e2e/zabbix.sh` and configured
//! here through the JSON-RPC API only, and the running Vitrina binary beside it.
#![allow(dead_code, clippy::unwrap_used)]

pub mod vitrina;

use std::collections::BTreeMap;
use std::process::Stdio;
use std::time::{Duration, Instant};

use integrations::zabbix::{Auth, Client, Config};
use secrecy::SecretString;
use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;
use tokio::process::Command;

/// The media type file Vitrina ships, imported unchanged.
pub const MEDIA_TYPE_YAML: &str =
    include_str!("../../../../integrations/zabbix/vitrina_mediatype.yaml");
/// The media type's name in that file.
pub const MEDIA_TYPE: &str = "Vitrina";
/// The Zabbix user that receives the webhook media and that Vitrina signs in as.
pub const MEDIA_USER: &str = "vitrina";
/// A second Zabbix user who works on problems in the Zabbix frontend.
pub const OPERATOR: &str = "e2e-operator";
/// The password of both users, which passes Zabbix 6.0's default password policy.
pub const PASSWORD: &str = "Chamomile-e2e-2026!";
/// The host group of the test hosts, the only one the action reacts to.
pub const HOST_GROUP: &str = "Vitrina e2e";
/// The action that sends problems, updates and recoveries to the media user.
pub const ACTION: &str = "Витрина e2e";
/// How long one awaited state may take. Zabbix reacts within seconds, and the margin is for
/// a loaded CI machine.
pub const PATIENCE: Duration = Duration::from_secs(180);

/// Zabbix 6.0 trigger severities.
pub const SEVERITY_HIGH: i64 = 4;
pub const SEVERITY_DISASTER: i64 = 5;
/// `event.acknowledge` action bits in Zabbix 6.0.
pub const ACK_CLOSE: i64 = 1;
pub const ACK_ACKNOWLEDGE: i64 = 2;
pub const ACK_MESSAGE: i64 = 4;
pub const ACK_SEVERITY: i64 = 8;
/// `alert.get` statuses in Zabbix 6.0.
pub const ALERT_SENT: &str = "1";
pub const ALERT_FAILED: &str = "2";

/// Polls `probe` every half second until it returns `Ok`, and panics with `what` and the
/// last `Err` it returned when [`PATIENCE`] runs out.
pub async fn eventually<T>(what: &str, mut probe: impl AsyncFnMut() -> Result<T, String>) -> T {
    let deadline = Instant::now() + PATIENCE;
    loop {
        match probe().await {
            Ok(value) => return value,
            Err(last) if Instant::now() >= deadline => {
                panic!("{what}: not reached within {PATIENCE:?}; last seen: {last}")
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(500)).await,
        }
    }
}

/// Reads a Zabbix id or number, which the API returns as a string.
pub fn text(value: &Value, field: &str) -> String {
    match &value[field] {
        Value::String(text) => text.clone(),
        other => panic!("no string {field:?} in {value}: {other}"),
    }
}

/// Where the Zabbix started by `tests/e2e/zabbix.sh` listens.
#[derive(Debug, Clone)]
pub struct Env {
    /// The frontend's address, such as `http://127.0.0.1:8091/`.
    pub url: String,
    /// The server's configuration file, for `zabbix_server -R`.
    pub server_config: String,
    /// The server's trapper address, `host:port`, for `zabbix_sender`.
    pub trapper: String,
}

impl Env {
    /// Reads the addresses from `ZABBIX_E2E_URL`, `ZABBIX_E2E_SERVER_CONFIG` and
    /// `ZABBIX_E2E_TRAPPER`.
    pub fn from_env() -> Env {
        let read = |name: &str| {
            std::env::var(name).unwrap_or_else(|_| {
                panic!(
                    "{name} is not set; run tests/e2e/zabbix.sh, which starts Zabbix and sets it"
                )
            })
        };
        Env {
            url: read("ZABBIX_E2E_URL"),
            server_config: read("ZABBIX_E2E_SERVER_CONFIG"),
            trapper: read("ZABBIX_E2E_TRAPPER"),
        }
    }
}

/// The ids `configure` looked up or created.
#[derive(Debug, Clone)]
pub struct Setup {
    pub mediatype_id: String,
    pub group_id: String,
    pub media_user_id: String,
    pub operator_id: String,
}

/// A trapper item with its trigger.
#[derive(Debug, Clone)]
pub struct Trigger {
    pub key: String,
    pub trigger_id: String,
    pub name: String,
}

/// A test host with a single-problem trigger and a trigger in "multiple problem events" mode.
#[derive(Debug, Clone)]
pub struct Host {
    pub host: String,
    pub name: String,
    pub host_id: String,
    /// Fires above 1000, allows manual close, severity High.
    pub response: Trigger,
    /// Opens one problem per value above 5, in "multiple problem events" mode.
    pub errors: Trigger,
}

/// The Zabbix API as the `Admin` super administrator, and the server's command-line tools.
pub struct Zabbix {
    pub env: Env,
    admin: Client,
}

impl Zabbix {
    /// Signs in as `Admin` with the password of a fresh Zabbix database.
    pub async fn connect() -> Zabbix {
        integrations::tls::install_crypto_provider();
        let env = Env::from_env();
        let admin = client(&env, "Admin", "zabbix");
        let version = admin.version().await.unwrap();
        assert!(
            version.starts_with("6.0."),
            "Zabbix {version}, expected 6.0"
        );
        Zabbix { env, admin }
    }

    /// Returns a client that signs in as `username`.
    pub fn client_as(&self, username: &str, password: &str) -> Client {
        client(&self.env, username, password)
    }

    /// Calls an API method as `Admin`. A Zabbix error fails the test.
    pub async fn call(&self, method: &str, params: Value) -> Value {
        self.admin
            .call(method, params.clone())
            .await
            .unwrap_or_else(|error| panic!("{method} {params}: {error}"))
    }

    /// Reloads the server's configuration cache so API changes apply at once.
    pub async fn reload_config_cache(&self) {
        let output = Command::new("zabbix_server")
            .args(["-c", &self.env.server_config, "-R", "config_cache_reload"])
            .output()
            .await
            .unwrap();
        assert!(
            output.status.success(),
            "zabbix_server -R config_cache_reload: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// Deletes the host with technical name `host`, if there is one.
    async fn delete_host_named(&self, host: &str) {
        let old = self
            .call(
                "host.get",
                json!({"filter": {"host": host}, "output": ["hostid"]}),
            )
            .await;
        for existing in old.as_array().unwrap() {
            self.call("host.delete", json!([text(existing, "hostid")]))
                .await;
        }
    }

    /// Creates host `host` in the "Linux servers" group (one of the groups of a fresh Zabbix
    /// 6.0 database) with no items, deleting an earlier one of that name, and returns its id.
    pub async fn plain_host(&self, host: &str, name: &str) -> i64 {
        self.delete_host_named(host).await;
        let groups = self
            .call(
                "hostgroup.get",
                json!({"filter": {"name": ["Linux servers"]}, "output": ["groupid"]}),
            )
            .await;
        let created = self
            .call(
                "host.create",
                json!({"host": host, "name": name,
                       "groups": [{"groupid": text(&groups[0], "groupid")}]}),
            )
            .await;
        created["hostids"][0].as_str().unwrap().parse().unwrap()
    }

    /// Sends `values` of item `key` on `host` with `zabbix_sender` in one batch, retrying
    /// while the server's configuration cache does not know the item yet.
    pub async fn send(&self, host: &str, key: &str, values: &[&str]) {
        let input: String = values
            .iter()
            .map(|value| format!("{host} {key} {value}\n"))
            .collect();
        let what = format!("zabbix_sender delivers {key} on {host}");
        self.sender(&what, &[], &input, values.len()).await;
    }

    /// Sends `(clock, value)` pairs of item `key` on `host` with `zabbix_sender -T` in one
    /// batch, like [`Zabbix::send`].
    pub async fn send_timed(&self, host: &str, key: &str, values: &[(i64, f64)]) {
        let input: String = values
            .iter()
            .map(|(clock, value)| format!("{host} {key} {clock} {value}\n"))
            .collect();
        let what = format!("zabbix_sender delivers timed {key} on {host}");
        self.sender(&what, &["-T"], &input, values.len()).await;
    }

    /// Runs `zabbix_sender` with `input` on stdin until the server processes all `count`
    /// values.
    async fn sender(&self, what: &str, options: &[&str], input: &str, count: usize) {
        let (address, port) = self.env.trapper.rsplit_once(':').unwrap();
        let expected = format!("processed: {count}; failed: 0");
        eventually(what, async || {
            let mut child = Command::new("zabbix_sender")
                .args(["-z", address, "-p", port])
                .args(options)
                .args(["-i", "-"])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            let mut stdin = child.stdin.take().unwrap();
            stdin.write_all(input.as_bytes()).await.unwrap();
            drop(stdin);
            let output = child.wait_with_output().await.unwrap();
            let printed = String::from_utf8_lossy(&output.stdout).into_owned();
            if printed.contains(&expected) {
                return Ok(());
            }
            assert!(
                printed.contains("processed: 0;"),
                "zabbix_sender delivered only part of the batch: {printed}"
            );
            Err(format!(
                "{printed}{}",
                String::from_utf8_lossy(&output.stderr)
            ))
        })
        .await
    }

    /// Imports Vitrina's media type file and points it at `events_url`, sets `{$ZABBIX.URL}`,
    /// and creates the host group, the two users and the action unless they exist.
    pub async fn configure(&self, events_url: &str, secret: &str) -> Setup {
        let imported = self
            .call(
                "configuration.import",
                json!({
                    "format": "yaml",
                    "source": MEDIA_TYPE_YAML,
                    "rules": {"mediaTypes": {"createMissing": true, "updateExisting": true}},
                }),
            )
            .await;
        assert_eq!(imported, json!(true), "configuration.import");
        let mediatype_id = self.point_media_type(events_url, secret).await;

        self.set_global_macro("{$ZABBIX.URL}", &self.env.url).await;
        let group_id = self.host_group().await;
        let media_user_id = self.user(MEDIA_USER, Some(&mediatype_id)).await;
        let operator_id = self.user(OPERATOR, None).await;
        let setup = Setup {
            mediatype_id,
            group_id,
            media_user_id,
            operator_id,
        };
        self.action(&setup).await;
        setup
    }

    /// Sets the media type's `vitrina_url` and `vitrina_secret` and shortens its retries to
    /// two attempts two seconds apart, so a delivery to a stopped Vitrina fails quickly.
    async fn point_media_type(&self, events_url: &str, secret: &str) -> String {
        let found = self
            .call(
                "mediatype.get",
                json!({"filter": {"name": MEDIA_TYPE}, "output": "extend"}),
            )
            .await;
        let media_type = &found[0];
        let id = text(media_type, "mediatypeid");
        assert_eq!(text(media_type, "type"), "4", "the media type is a webhook");
        assert_eq!(text(media_type, "process_tags"), "1");
        assert_eq!(text(media_type, "show_event_menu"), "1");
        assert_eq!(
            text(media_type, "event_menu_url"),
            "{EVENT.TAGS.__zbx_vitrina_ticket_url}"
        );
        assert!(
            text(media_type, "event_menu_name")
                .contains("{EVENT.TAGS.__zbx_vitrina_ticket_number}"),
            "{media_type}"
        );

        let mut parameters = media_type["parameters"].as_array().unwrap().clone();
        let mut replaced = 0;
        for parameter in &mut parameters {
            let value = match parameter["name"].as_str() {
                Some("vitrina_url") => events_url,
                Some("vitrina_secret") => secret,
                _ => continue,
            };
            parameter["value"] = json!(value);
            replaced += 1;
        }
        assert_eq!(
            replaced, 2,
            "vitrina_url and vitrina_secret in {parameters:?}"
        );
        self.call(
            "mediatype.update",
            json!({"mediatypeid": id, "parameters": parameters,
                   "maxattempts": "2", "attempt_interval": "2s"}),
        )
        .await;
        id
    }

    async fn set_global_macro(&self, name: &str, value: &str) {
        let found = self
            .call(
                "usermacro.get",
                json!({"globalmacro": true, "filter": {"macro": name}}),
            )
            .await;
        match found.as_array().unwrap().first() {
            Some(existing) => {
                let id = text(existing, "globalmacroid");
                self.call(
                    "usermacro.updateglobal",
                    json!({"globalmacroid": id, "value": value}),
                )
                .await;
            }
            None => {
                self.call(
                    "usermacro.createglobal",
                    json!({"macro": name, "value": value}),
                )
                .await;
            }
        }
    }

    async fn host_group(&self) -> String {
        let found = self
            .call("hostgroup.get", json!({"filter": {"name": HOST_GROUP}}))
            .await;
        if let Some(group) = found.as_array().unwrap().first() {
            return text(group, "groupid");
        }
        let created = self
            .call("hostgroup.create", json!({"name": HOST_GROUP}))
            .await;
        first_id(&created["groupids"])
    }

    /// Returns the id of super administrator `username`, created with the media when given.
    async fn user(&self, username: &str, mediatype_id: Option<&str>) -> String {
        let found = self
            .call("user.get", json!({"filter": {"username": username}}))
            .await;
        if let Some(user) = found.as_array().unwrap().first() {
            return text(user, "userid");
        }
        let role = self
            .call(
                "role.get",
                json!({"filter": {"name": "Super admin role"}, "output": ["roleid"]}),
            )
            .await;
        let group = self
            .call(
                "usergroup.get",
                json!({"filter": {"name": "Zabbix administrators"}, "output": ["usrgrpid"]}),
            )
            .await;
        let medias: Vec<Value> = mediatype_id
            .map(|id| {
                json!({"mediatypeid": id, "sendto": username, "active": 0, "severity": 63,
                       "period": "1-7,00:00-24:00"})
            })
            .into_iter()
            .collect();
        let created = self
            .call(
                "user.create",
                json!({"username": username, "passwd": PASSWORD,
                       "roleid": text(&role[0], "roleid"),
                       "usrgrps": [{"usrgrpid": text(&group[0], "usrgrpid")}],
                       "medias": medias}),
            )
            .await;
        first_id(&created["userids"])
    }

    /// Creates the action unless it exists: problem, update and recovery operations that
    /// send to the media user through the media type.
    async fn action(&self, setup: &Setup) {
        let found = self
            .call("action.get", json!({"filter": {"name": ACTION}}))
            .await;
        if !found.as_array().unwrap().is_empty() {
            return;
        }
        let operation = json!({
            "operationtype": 0,
            "opmessage": {"default_msg": 1, "mediatypeid": setup.mediatype_id},
            "opmessage_usr": [{"userid": setup.media_user_id}],
        });
        self.call(
            "action.create",
            json!({
                "name": ACTION,
                "eventsource": 0,
                "status": 0,
                "esc_period": "1h",
                "filter": {"evaltype": 0, "conditions": [
                    {"conditiontype": 0, "operator": 0, "value": setup.group_id}
                ]},
                "operations": [operation],
                "recovery_operations": [operation],
                "update_operations": [operation],
            }),
        )
        .await;
    }

    /// Creates host `host` (deleting an old one of that name) with its two trapper items
    /// and triggers, tagged like a shop of tenant 42.
    pub async fn create_host(&self, setup: &Setup, host: &str, name: &str) -> Host {
        self.delete_host_named(host).await;
        let created = self
            .call(
                "host.create",
                json!({"host": host, "name": name,
                       "groups": [{"groupid": setup.group_id}],
                       "tags": [{"tag": "tenant", "value": "42"},
                                {"tag": "service", "value": "storefront"}]}),
            )
            .await;
        let host_id = first_id(&created["hostids"]);

        let response = self
            .trapper_trigger(
                &host_id,
                host,
                "vitrina.e2e.response",
                "Витрина «Ромашки» отвечает медленнее секунды",
                ">1000",
                0,
            )
            .await;
        let errors = self
            .trapper_trigger(
                &host_id,
                host,
                "vitrina.e2e.errors",
                "Ошибка оформления заказа в «Ромашке»",
                ">5",
                1,
            )
            .await;
        Host {
            host: host.to_string(),
            name: name.to_string(),
            host_id,
            response,
            errors,
        }
    }

    /// Creates a numeric trapper item and a High trigger on it that allows manual close;
    /// `mode` 1 opens a new problem for every bad value.
    async fn trapper_trigger(
        &self,
        host_id: &str,
        host: &str,
        key: &str,
        name: &str,
        condition: &str,
        mode: i64,
    ) -> Trigger {
        self.call(
            "item.create",
            json!({"hostid": host_id, "name": key, "key_": key, "type": 2, "value_type": 3}),
        )
        .await;
        let created = self
            .call(
                "trigger.create",
                json!({"description": name,
                       "expression": format!("last(/{host}/{key}){condition}"),
                       "priority": SEVERITY_HIGH, "manual_close": 1, "type": mode,
                       "tags": [{"tag": "component", "value": "http"}]}),
            )
            .await;
        Trigger {
            key: key.to_string(),
            trigger_id: first_id(&created["triggerids"]),
            name: name.to_string(),
        }
    }

    /// Returns the ids of the open problems of `trigger_id`, oldest first.
    pub async fn open_problems(&self, trigger_id: &str) -> Vec<String> {
        let problems = self
            .call(
                "problem.get",
                json!({"objectids": [trigger_id], "output": ["eventid"],
                       "sortfield": ["eventid"], "sortorder": "ASC"}),
            )
            .await;
        problems
            .as_array()
            .unwrap()
            .iter()
            .map(|problem| text(problem, "eventid"))
            .collect()
    }

    /// Returns problem events by id, with their tags and acknowledgements.
    pub async fn events(&self, event_ids: &[String]) -> BTreeMap<String, Value> {
        let events = self
            .call(
                "event.get",
                json!({"eventids": event_ids, "output": "extend",
                       "selectTags": "extend", "select_acknowledges": "extend"}),
            )
            .await;
        events
            .as_array()
            .unwrap()
            .iter()
            .map(|event| (text(event, "eventid"), event.clone()))
            .collect()
    }

    /// Returns one problem event.
    pub async fn event(&self, event_id: &str) -> Value {
        let mut events = self.events(&[event_id.to_string()]).await;
        events
            .remove(event_id)
            .unwrap_or_else(|| panic!("event.get found no event {event_id}"))
    }

    /// Returns the alerts Zabbix made for the events, through any media type.
    pub async fn alerts(&self, event_ids: &[String]) -> Vec<Value> {
        let alerts = self
            .call(
                "alert.get",
                json!({"eventids": event_ids, "output": "extend"}),
            )
            .await;
        alerts.as_array().unwrap().clone()
    }
}

/// Returns an event's tags as a map.
pub fn tags(event: &Value) -> BTreeMap<String, String> {
    event["tags"]
        .as_array()
        .unwrap_or_else(|| panic!("no tags in {event}"))
        .iter()
        .map(|tag| (text(tag, "tag"), text(tag, "value")))
        .collect()
}

fn first_id(ids: &Value) -> String {
    ids[0]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {ids}"))
        .to_string()
}

fn client(env: &Env, username: &str, password: &str) -> Client {
    Client::new(Config {
        url: env.url.clone(),
        auth: Auth::Password {
            username: username.to_string(),
            password: SecretString::from(password.to_string()),
        },
        timeout: Duration::from_secs(60),
    })
    .unwrap()
}
