//! The inventory's storage: sites with their racks and clusters, hosts with their hardware
//! and lifecycle, environments with the hosts and clients they serve, and services.
//!
//! Hosts are the rows of `metric_hosts`, so metric imports and forecasts by technical name
//! attach to the inventory host of that name.

pub mod environments;
pub mod hosts;
pub mod releases;
pub mod sites;
pub mod zabbix_hosts;

pub use environments::{Environment, EnvironmentDraft, Service};
pub use hosts::{Host, HostDraft, HostListQuery};
pub use sites::{Cluster, Rack, Site, SiteDraft};

use domain::Error as DomainError;

/// Turns a unique-constraint violation into [`DomainError::Duplicate`] on `field`, so two
/// requests racing past a check get the same error as the check returns.
pub(crate) fn duplicate_on(
    field: &str,
    value: &str,
) -> impl FnOnce(crate::Error) -> crate::Error + use<> {
    let (field, value) = (field.to_string(), value.to_string());
    move |error| {
        if error.is_unique_violation() {
            DomainError::Duplicate { field, value }.into()
        } else {
            error
        }
    }
}

/// Returns the error for a stored enumeration value this build does not know.
pub(crate) fn corrupt(table: &str, id: i64, column: &str, value: &str) -> crate::Error {
    crate::Error::Corrupt(format!("{table} {id}: unknown {column} {value:?}"))
}
