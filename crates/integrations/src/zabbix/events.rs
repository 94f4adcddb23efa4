//! Problems and events: `problem.get`, `event.acknowledge`.

use serde::Deserialize;
use serde_json::json;

use super::{Client, Error};

/// Bits of the `action` parameter of `event.acknowledge` in Zabbix 6.0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AckAction(pub u32);

impl AckAction {
    /// Close the problem; the trigger must allow manual close.
    pub const CLOSE: AckAction = AckAction(1);
    pub const ACKNOWLEDGE: AckAction = AckAction(2);
    pub const MESSAGE: AckAction = AckAction(4);
    pub const CHANGE_SEVERITY: AckAction = AckAction(8);
    pub const UNACKNOWLEDGE: AckAction = AckAction(16);

    /// Both actions at once.
    pub fn with(self, other: AckAction) -> AckAction {
        AckAction(self.0 | other.0)
    }
}

/// A problem as `problem.get` returns it (Zabbix sends numbers as strings).
#[derive(Debug, Clone, Deserialize)]
pub struct Problem {
    pub eventid: String,
    pub objectid: String,
    pub clock: String,
    pub name: String,
    pub severity: String,
    pub acknowledged: String,
    #[serde(default)]
    pub r_eventid: String,
}

impl Client {
    /// Acknowledges, comments on or closes events.
    pub async fn acknowledge(
        &self,
        event_ids: &[i64],
        action: AckAction,
        message: Option<&str>,
    ) -> Result<(), Error> {
        let mut params = json!({"eventids": event_ids.iter().map(|id| id.to_string()).collect::<Vec<_>>(),
                                "action": action.0});
        if let Some(message) = message {
            params["message"] = json!(message);
        }
        let _: serde_json::Value = self.call("event.acknowledge", params).await?;
        Ok(())
    }

    /// Reads the current problems of the given events; recovered ones are absent.
    pub async fn problems(&self, event_ids: &[i64]) -> Result<Vec<Problem>, Error> {
        let ids: Vec<String> = event_ids.iter().map(|id| id.to_string()).collect();
        self.call("problem.get", json!({"eventids": ids, "output": "extend"}))
            .await
    }
}
