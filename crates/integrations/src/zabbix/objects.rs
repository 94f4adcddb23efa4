//! Hosts, triggers and events: `host.get`, `trigger.get`, `event.get`.

use serde::Deserialize;
use serde_json::json;

use super::{Client, Error};

/// A host as `host.get` returns it (Zabbix sends ids as strings).
#[derive(Debug, Clone, Deserialize)]
pub struct Host {
    pub hostid: String,
    /// The technical name (`{HOST.HOST}`).
    pub host: String,
    /// The visible name (`{HOST.NAME}`).
    pub name: String,
}

/// A trigger as `trigger.get` returns it.
#[derive(Debug, Clone, Deserialize)]
pub struct Trigger {
    pub triggerid: String,
    #[serde(default)]
    pub description: String,
    /// `"1"` when people may close its problems by hand, `"0"` otherwise.
    pub manual_close: String,
}

impl Trigger {
    /// Returns whether `event.acknowledge` may close this trigger's problems.
    pub fn allows_manual_close(&self) -> bool {
        self.manual_close == "1"
    }
}

/// An event as `event.get` returns it.
#[derive(Debug, Clone, Deserialize)]
pub struct Event {
    pub eventid: String,
    /// The trigger's id for trigger events.
    pub objectid: String,
    /// When the event happened, in Unix seconds.
    pub clock: String,
    /// `"1"` problem, `"0"` recovery.
    pub value: String,
}

impl Event {
    /// Returns the event time in Unix seconds, or `None` when Zabbix sent something else.
    pub fn clock_seconds(&self) -> Option<i64> {
        self.clock.parse().ok()
    }
}

fn id_strings(ids: &[i64]) -> Vec<String> {
    ids.iter().map(|id| id.to_string()).collect()
}

impl Client {
    /// Finds hosts by technical name; unknown names are absent from the result.
    pub async fn hosts_by_name(&self, names: &[&str]) -> Result<Vec<Host>, Error> {
        let params = json!({"output": ["hostid", "host", "name"], "filter": {"host": names}});
        self.call("host.get", params).await
    }

    /// Lists every host the API user may read, for the inventory's host sync.
    pub async fn all_hosts(&self) -> Result<Vec<Host>, Error> {
        let params = json!({"output": ["hostid", "host", "name"], "sortfield": "host"});
        self.call("host.get", params).await
    }

    /// Reads triggers with their manual-close setting; unknown ids are absent.
    pub async fn triggers(&self, trigger_ids: &[i64]) -> Result<Vec<Trigger>, Error> {
        let params = json!({"triggerids": id_strings(trigger_ids),
                            "output": ["triggerid", "description", "manual_close"]});
        self.call("trigger.get", params).await
    }

    /// Reads events with their trigger and time; unknown ids are absent.
    pub async fn events(&self, event_ids: &[i64]) -> Result<Vec<Event>, Error> {
        let params = json!({"eventids": id_strings(event_ids),
                            "output": ["eventid", "objectid", "clock", "value"]});
        self.call("event.get", params).await
    }
}
