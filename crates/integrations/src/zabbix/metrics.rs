//! Item values: `item.get`, `history.get` and `trend.get`, for the metric import.
//!
//! Zabbix sends every number as a string. `history.get` reads one value type per call
//! (`history` parameter: 0 float, 3 unsigned integer), and `trend.get` answers one row per
//! item and completed hour: the server writes an hour's trend only when a value of a later
//! hour arrives or the server stops, so the current hour is never in the answer.

use serde::Deserialize;
use serde_json::json;

use super::{Client, Error};

/// Value type of a numeric float item (`value_type` 0).
pub const VALUE_TYPE_FLOAT: &str = "0";
/// Value type of a numeric unsigned item (`value_type` 3).
pub const VALUE_TYPE_UNSIGNED: &str = "3";

/// An item as `item.get` returns it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Item {
    pub itemid: String,
    pub hostid: String,
    /// The item key, such as `system.cpu.util`.
    pub key_: String,
    /// `"0"` float, `"3"` unsigned; other types hold text and have no trends.
    pub value_type: String,
    /// The units the item reports in, as configured in Zabbix (`%`, `B`, `bps`).
    #[serde(default)]
    pub units: String,
}

impl Item {
    /// Returns whether the item holds numbers, so history and trends can be read.
    pub fn is_numeric(&self) -> bool {
        self.value_type == VALUE_TYPE_FLOAT || self.value_type == VALUE_TYPE_UNSIGNED
    }
}

/// One value of `history.get`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct HistoryValue {
    pub itemid: String,
    /// Unix seconds.
    pub clock: String,
    pub value: String,
}

/// One hour of one item as `trend.get` returns it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Trend {
    pub itemid: String,
    /// The hour's start, in Unix seconds.
    pub clock: String,
    /// How many values the hour had.
    pub num: String,
    pub value_min: String,
    pub value_avg: String,
    pub value_max: String,
}

impl Client {
    /// Lists the items of `host_ids` whose key is one of `keys`.
    pub async fn items(&self, host_ids: &[i64], keys: &[&str]) -> Result<Vec<Item>, Error> {
        let host_ids: Vec<String> = host_ids.iter().map(|id| id.to_string()).collect();
        let params = json!({
            "output": ["itemid", "hostid", "key_", "value_type", "units"],
            "hostids": host_ids,
            "filter": {"key_": keys},
            "sortfield": "itemid",
        });
        self.call("item.get", params).await
    }

    /// Reads the values of a numeric item from `from` to `till` (Unix seconds, both
    /// inclusive), oldest first.
    pub async fn history(
        &self,
        item: &Item,
        from: i64,
        till: i64,
    ) -> Result<Vec<HistoryValue>, Error> {
        let params = json!({
            "output": ["itemid", "clock", "value"],
            "history": item.value_type.parse::<u8>().unwrap_or(0),
            "itemids": [item.itemid],
            "time_from": from,
            "time_till": till,
            "sortfield": "clock",
            "sortorder": "ASC",
        });
        self.call("history.get", params).await
    }

    /// Reads the hourly trends of items from `from` to `till` (Unix seconds; an hour counts
    /// when its start is in the range).
    pub async fn trends(
        &self,
        item_ids: &[&str],
        from: i64,
        till: i64,
    ) -> Result<Vec<Trend>, Error> {
        let params = json!({
            "output": ["itemid", "clock", "num", "value_min", "value_avg", "value_max"],
            "itemids": item_ids,
            "time_from": from,
            "time_till": till,
        });
        self.call("trend.get", params).await
    }
}
