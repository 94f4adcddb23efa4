//! Infrastructure and capacity: the inventory vocabulary, metric units and series, forecasts
//! that match Zabbix 6.0 `forecast` and `timeleft`, Holt-Winters seasonal forecasts and
//! capacity advice. Everything here is pure: callers load samples and store results.

use serde::Serialize;

/// Implements `names()` and `parse(field, value)` for a strum enum, so a rejected value gets
/// an error that names the allowed ones.
macro_rules! parse_with_allowed {
    ($type:ty) => {
        impl $type {
            /// Every value's API name, in declaration order.
            pub fn names() -> Vec<&'static str> {
                <$type as strum::VariantArray>::VARIANTS
                    .iter()
                    .map(|v| v.into())
                    .collect()
            }

            /// Parses an API name, or returns an error naming `field` and the allowed values.
            pub fn parse(field: &str, value: &str) -> Result<Self, crate::Invalid> {
                value
                    .trim()
                    .parse()
                    .map_err(|_| crate::Invalid::not_one_of(field, value, &<$type>::names()))
            }
        }
    };
}

pub mod band;
pub mod capacity;
pub mod fit;
pub mod forecast;
pub mod holt_winters;
pub mod inventory;
mod polynomial;
pub mod quarter;
pub mod series;
pub mod units;
pub mod window;
pub mod zabbix_items;

pub use band::{BandForecast, BandRequest, Direction, Model, ThresholdCrossing, band_forecast};
pub use capacity::{
    ACTION_KINDS, Action, CapacityAdvice, CapacityPolicy, Eta, Resource, Scope, advise,
    mean_of_nodes,
};
pub use fit::{Curve, Fit};
pub use forecast::{
    Crossing, ForecastRequest, ForecastResult, Limit, Mode, TimeleftRequest, TimeleftResult,
    forecast, timeleft,
};
pub use holt_winters::{
    BandPoint, Coverage, Season, SeasonalForecast, SeasonalMethod, SeasonalRequest,
    seasonal_forecast,
};
pub use inventory::{DeploymentResult, EnvironmentKind, HostKind, HostStatus, SiteKind};
pub use series::{Gap, ImportSettings, Prepared, Sample, Series, SeriesKind};
pub use units::{ImportUnit, Quantity, Unit};
pub use window::Window;
pub use zabbix_items::{DEFAULT_ITEM_MAPPINGS, ItemMapping, parse_item_mappings};

/// A remark for the user that is not an error, such as why a fallback was taken: a Fluent
/// message id in `locales/*/infra.ftl` and its arguments.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Note {
    /// Fluent message id.
    pub key: &'static str,
    /// Fluent arguments, already formatted.
    pub args: Vec<(&'static str, String)>,
}

impl Note {
    /// Creates a note with the message `key` and no arguments.
    pub fn new(key: &'static str) -> Self {
        Self {
            key,
            args: Vec::new(),
        }
    }

    /// Adds a Fluent argument.
    pub fn arg(mut self, name: &'static str, value: impl ToString) -> Self {
        self.args.push((name, value.to_string()));
        self
    }
}
