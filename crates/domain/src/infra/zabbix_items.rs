//! The Zabbix item mappings: the items the metric import reads, and the metric and unit each
//! is stored as.
//!
//! A mapping is written `ITEM_KEY=METRIC:UNIT`, several separated by `;`, for example
//! `system.cpu.util=cpu:percent; vfs.fs.size[/,pused]=disk:percent`. The key is everything
//! before the last `=`, so keys with brackets and commas need no quoting. Units are the
//! import units of `vitrina import metrics`, except the per-period ones: Zabbix items
//! already report rates.

use super::ImportUnit;

/// The mappings used when the setting is absent: CPU, memory and root file system use, the
/// keys of Zabbix's standard Linux template.
pub const DEFAULT_ITEM_MAPPINGS: &str = "system.cpu.util=cpu:percent; \
     vm.memory.utilization=memory:percent; vfs.fs.size[/,pused]=disk:percent";

/// One Zabbix item key and where its values go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemMapping {
    /// The Zabbix item key, such as `system.cpu.util`.
    pub key: String,
    /// The metric name in Vitrina, such as `cpu`.
    pub metric: String,
    /// The unit Zabbix reports the values in.
    pub unit: ImportUnit,
}

/// Parses mappings written `KEY=METRIC:UNIT; …`. The error names the faulty mapping and
/// says what to write instead.
pub fn parse_item_mappings(text: &str) -> Result<Vec<ItemMapping>, String> {
    let mut mappings: Vec<ItemMapping> = Vec::new();
    for part in text
        .split(';')
        .map(str::trim)
        .filter(|part| !part.is_empty())
    {
        let Some((key, target)) = part.rsplit_once('=') else {
            return Err(format!(
                "mapping {part:?} has no '='; write ITEM_KEY=METRIC:UNIT, such as \
                 system.cpu.util=cpu:percent"
            ));
        };
        let (key, target) = (key.trim(), target.trim());
        let Some((metric, unit)) = target.split_once(':') else {
            return Err(format!(
                "mapping {part:?} has no unit; write ITEM_KEY=METRIC:UNIT, such as \
                 system.cpu.util=cpu:percent"
            ));
        };
        let (metric, unit) = (metric.trim(), unit.trim());
        if key.is_empty() || metric.is_empty() {
            return Err(format!(
                "mapping {part:?} needs both an item key and a metric name"
            ));
        }
        let unit: ImportUnit = unit.parse().map_err(|_| {
            format!(
                "mapping {part:?} has the unknown unit {unit:?}; use one of {}",
                allowed_units().join(", ")
            )
        })?;
        if unit.needs_period() {
            return Err(format!(
                "mapping {part:?} uses {unit}, which needs a sampling period; Zabbix items \
                 report rates, so use bytes_per_second or bits_per_second"
            ));
        }
        if mappings.iter().any(|known| known.key == key) {
            return Err(format!(
                "item key {key:?} is mapped twice; keep one mapping"
            ));
        }
        if mappings.iter().any(|known| known.metric == metric) {
            return Err(format!(
                "metric {metric:?} is the target of two item keys; give each its own metric"
            ));
        }
        mappings.push(ItemMapping {
            key: key.to_string(),
            metric: metric.to_string(),
            unit,
        });
    }
    if mappings.is_empty() {
        return Err("no item mapping is set; write ITEM_KEY=METRIC:UNIT".to_string());
    }
    Ok(mappings)
}

fn allowed_units() -> Vec<&'static str> {
    use strum::VariantArray as _;
    ImportUnit::VARIANTS
        .iter()
        .filter(|unit| !unit.needs_period())
        .map(|unit| unit.into())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_mappings_parse() {
        let mappings = parse_item_mappings(DEFAULT_ITEM_MAPPINGS).unwrap();
        let keys: Vec<&str> = mappings.iter().map(|m| m.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "system.cpu.util",
                "vm.memory.utilization",
                "vfs.fs.size[/,pused]"
            ]
        );
        assert_eq!(mappings[2].metric, "disk");
        assert_eq!(mappings[2].unit, ImportUnit::Percent);
    }

    #[test]
    fn key_may_contain_equals_signs_and_brackets() {
        let mappings = parse_item_mappings("custom.check[a=b,c]=queue:count").unwrap();
        assert_eq!(mappings[0].key, "custom.check[a=b,c]");
        assert_eq!(mappings[0].metric, "queue");
        assert_eq!(mappings[0].unit, ImportUnit::Count);
    }

    #[test]
    fn faulty_mappings_are_named() {
        let cases = [
            ("system.cpu.util", "has no '='"),
            ("system.cpu.util=cpu", "has no unit"),
            ("=cpu:percent", "needs both"),
            ("system.cpu.util=cpu:furlongs", "unknown unit \"furlongs\""),
            (
                "net.if.in[eth0]=net:bytes_per_period",
                "needs a sampling period",
            ),
            ("a=cpu:percent; a=mem:percent", "mapped twice"),
            ("a=cpu:percent; b=cpu:percent", "two item keys"),
            (" ; ", "no item mapping"),
        ];
        for (text, expected) in cases {
            let error = parse_item_mappings(text).unwrap_err();
            assert!(error.contains(expected), "{text}: {error}");
        }
    }
}
