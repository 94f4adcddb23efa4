//! Inventory vocabulary: sites, hosts and their lifecycle, environments and deployments.

use serde::{Deserialize, Serialize};
use strum::{AsRefStr, Display, EnumString, IntoStaticStr, VariantArray};

use crate::{Error, Invalid};

/// Maximum length in characters of an inventory name (site, rack, cluster, host, environment,
/// service, release version).
pub const MAX_NAME_CHARS: usize = 255;

/// Checks an inventory name: trimmed, not empty, at most [`MAX_NAME_CHARS`] characters and
/// free of control characters. Returns the trimmed name.
pub fn check_name(field: &str, value: &str) -> Result<String, Invalid> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(Invalid::missing(field));
    }
    if trimmed.chars().count() > MAX_NAME_CHARS {
        return Err(Invalid::new(field, "error-too-long").arg("max", MAX_NAME_CHARS));
    }
    crate::text::check_characters(field, trimmed)?;
    Ok(trimmed.to_string())
}

/// The kind of place hosts run in.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    Display,
    EnumString,
    AsRefStr,
    IntoStaticStr,
    VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum SiteKind {
    /// The company's own data centre.
    OwnDataCentre,
    /// Racks rented in someone else's data centre.
    Colocation,
    /// A region of a cloud provider, rented under an account.
    CloudRegion,
}
parse_with_allowed!(SiteKind);

/// The provider, account and region of a cloud site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloudPlacement {
    /// Provider name as staff write it, such as `Yandex Cloud`.
    pub provider: String,
    /// Account, folder or contract id at the provider.
    pub account: String,
    /// Region code at the provider, such as `ru-central1`.
    pub region: String,
}

/// Checks that a cloud region has a complete placement and that other sites have none.
/// Returns the placement with its fields trimmed.
pub fn check_site(
    kind: SiteKind,
    placement: Option<CloudPlacement>,
) -> Result<Option<CloudPlacement>, Invalid> {
    let Some(placement) = placement else {
        if kind == SiteKind::CloudRegion {
            return Err(Invalid::missing("cloud_provider"));
        }
        return Ok(None);
    };

    if kind != SiteKind::CloudRegion {
        return Err(
            Invalid::new("cloud_provider", "infra-site-placement-not-cloud").arg("kind", kind),
        );
    }

    let trimmed = CloudPlacement {
        provider: placement.provider.trim().to_string(),
        account: placement.account.trim().to_string(),
        region: placement.region.trim().to_string(),
    };
    for (field, value) in [
        ("cloud_provider", &trimmed.provider),
        ("cloud_account", &trimmed.account),
        ("cloud_region", &trimmed.region),
    ] {
        if value.is_empty() {
            return Err(Invalid::missing(field));
        }
    }
    Ok(Some(trimmed))
}

/// Whether a host is a machine or a virtual machine.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    Display,
    EnumString,
    AsRefStr,
    IntoStaticStr,
    VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum HostKind {
    Physical,
    Virtual,
}
parse_with_allowed!(HostKind);

/// A host's place in its lifecycle: `planned → active → decommissioning → retired`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    Display,
    EnumString,
    AsRefStr,
    IntoStaticStr,
    VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum HostStatus {
    /// Ordered or being installed; carries no load yet.
    Planned,
    /// In service.
    Active,
    /// Load is being moved away before the host is switched off.
    Decommissioning,
    /// Switched off; kept for history.
    Retired,
}
parse_with_allowed!(HostStatus);

impl HostStatus {
    /// Whether the lifecycle allows moving from `self` to `to`: only one step forward.
    pub fn can_move_to(self, to: HostStatus) -> bool {
        matches!(
            (self, to),
            (HostStatus::Planned, HostStatus::Active)
                | (HostStatus::Active, HostStatus::Decommissioning)
                | (HostStatus::Decommissioning, HostStatus::Retired)
        )
    }

    /// Whether the host carries load and so counts in capacity figures.
    pub fn is_in_service(self) -> bool {
        matches!(self, HostStatus::Active | HostStatus::Decommissioning)
    }
}

/// Checks a host status change, or returns [`Error::InvalidTransition`] (HTTP 409).
pub fn check_host_transition(from: HostStatus, to: HostStatus) -> Result<(), Error> {
    if from.can_move_to(to) {
        return Ok(());
    }
    Err(Error::InvalidTransition {
        labels: "inventory-host-status",
        from: from.to_string(),
        to: to.to_string(),
    })
}

/// A host's hardware: CPU cores, RAM and storage in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostResources {
    /// Logical CPU cores.
    pub cores: i64,
    /// RAM in bytes.
    pub ram_bytes: i64,
    /// Local storage in bytes; 0 for a diskless host.
    pub storage_bytes: i64,
}

/// Most logical cores one host may have.
pub const MAX_HOST_CORES: i64 = 65_536;
/// Most RAM one host may have: 1 PiB.
pub const MAX_HOST_RAM_BYTES: i64 = 1 << 50;
/// Most local storage one host may have: 8 PiB, so the storage of a thousand hosts still
/// adds up within 64 bits.
pub const MAX_HOST_STORAGE_BYTES: i64 = 1 << 53;

impl HostResources {
    /// Checks that cores and RAM are positive, storage is not negative, and none is above its
    /// maximum (a typing error such as an extra digit group).
    pub fn check(self) -> Result<Self, Invalid> {
        if self.cores <= 0 {
            return Err(not_positive("cores", self.cores));
        }
        if self.ram_bytes <= 0 {
            return Err(not_positive("ram_bytes", self.ram_bytes));
        }
        if self.storage_bytes < 0 {
            return Err(
                Invalid::new("storage_bytes", "infra-host-resource-negative")
                    .arg("value", self.storage_bytes),
            );
        }
        for (field, value, max) in [
            ("cores", self.cores, MAX_HOST_CORES),
            ("ram_bytes", self.ram_bytes, MAX_HOST_RAM_BYTES),
            ("storage_bytes", self.storage_bytes, MAX_HOST_STORAGE_BYTES),
        ] {
            if value > max {
                return Err(Invalid::new(field, "infra-host-resource-too-large")
                    .arg("value", value)
                    .arg("max", max));
            }
        }
        Ok(self)
    }
}

fn not_positive(field: &str, value: i64) -> Invalid {
    Invalid::new(field, "infra-host-resource-not-positive").arg("value", value)
}

/// Checks that a rack may be added to a site of `kind` named `site_name`: a cloud region has
/// no racks of ours.
pub fn check_rack_site(kind: SiteKind, site_name: &str) -> Result<(), Invalid> {
    if kind == SiteKind::CloudRegion {
        return Err(Invalid::new("site_id", "infra-rack-cloud-site").arg("value", site_name));
    }
    Ok(())
}

/// Parses a Zabbix host id (`hostid` in the Zabbix API): a positive decimal integer.
pub fn parse_zabbix_host_id(field: &str, value: &str) -> Result<u64, Invalid> {
    let trimmed = value.trim();
    let parsed = trimmed
        .bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| trimmed.parse::<u64>().ok())
        .flatten()
        .filter(|id| *id > 0);
    parsed.ok_or_else(|| Invalid::new(field, "infra-zabbix-host-id-invalid").arg("value", value))
}

/// The stage an environment serves.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    Display,
    EnumString,
    AsRefStr,
    IntoStaticStr,
    VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum EnvironmentKind {
    Dev,
    Test,
    Staging,
    /// Production: clients' shops run here.
    Prod,
}
parse_with_allowed!(EnvironmentKind);

/// How a deployment of a service version to an environment ended.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    Display,
    EnumString,
    AsRefStr,
    IntoStaticStr,
    VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum DeploymentResult {
    /// The new version runs.
    Succeeded,
    /// The deployment failed and the previous version still runs.
    Failed,
    /// The new version ran and was replaced by the previous one.
    RolledBack,
}
parse_with_allowed!(DeploymentResult);

impl DeploymentResult {
    /// Whether the deployed version is the one running afterwards.
    pub fn is_running(self) -> bool {
        self == DeploymentResult::Succeeded
    }
}

/// Returns the version that runs after the deployments of one service to one environment,
/// given oldest first as (version, result), or `None` when no deployment succeeded.
///
/// A failed deployment leaves the running version as it was. A rolled-back deployment of the
/// running version brings back the version that ran before it; a rollback of any other
/// version reports a deployment that never took over, so it changes nothing.
pub fn running_version<'a>(
    deployments: impl IntoIterator<Item = (&'a str, DeploymentResult)>,
) -> Option<&'a str> {
    let mut history: Vec<&str> = Vec::new();
    for (version, result) in deployments {
        match result {
            DeploymentResult::Succeeded => history.push(version),
            DeploymentResult::RolledBack if history.last() == Some(&version) => {
                history.pop();
            }
            DeploymentResult::RolledBack | DeploymentResult::Failed => {}
        }
    }
    history.last().copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placement() -> CloudPlacement {
        CloudPlacement {
            provider: " Yandex Cloud ".into(),
            account: "b1g-folder".into(),
            region: "ru-central1".into(),
        }
    }

    #[test]
    fn running_version_skips_failed() {
        let deployments = [
            ("1.0", DeploymentResult::Succeeded),
            ("1.1", DeploymentResult::Failed),
        ];
        assert_eq!(running_version(deployments), Some("1.0"));
    }

    #[test]
    fn running_version_rollback_restores_previous() {
        let deployments = [
            ("1.0", DeploymentResult::Succeeded),
            ("1.1", DeploymentResult::Succeeded),
            ("1.1", DeploymentResult::RolledBack),
        ];
        assert_eq!(running_version(deployments), Some("1.0"));
    }

    #[test]
    fn running_version_ignores_rollback_of_other() {
        let deployments = [
            ("1.0", DeploymentResult::Succeeded),
            ("1.2", DeploymentResult::RolledBack),
        ];
        assert_eq!(running_version(deployments), Some("1.0"));
    }

    #[test]
    fn running_version_none_without_success() {
        assert_eq!(running_version([("1.0", DeploymentResult::Failed)]), None);
        let rolled_back = [
            ("1.0", DeploymentResult::Succeeded),
            ("1.0", DeploymentResult::RolledBack),
        ];
        assert_eq!(running_version(rolled_back), None);
    }

    #[test]
    fn name_is_trimmed() {
        assert_eq!(check_name("name", "  db-01 ").as_deref(), Ok("db-01"));
    }

    #[test]
    fn name_rejects_blank_long_and_control() {
        assert_eq!(check_name("name", " ").unwrap_err().key, "error-missing");
        let long = "x".repeat(MAX_NAME_CHARS + 1);
        assert_eq!(check_name("name", &long).unwrap_err().key, "error-too-long");
        let control = check_name("name", "db\u{0}01").unwrap_err();
        assert_eq!(control.key, "error-forbidden-character");
    }

    #[test]
    fn site_kind_parses_snake_case() {
        assert_eq!(
            SiteKind::parse("kind", "own_data_centre"),
            Ok(SiteKind::OwnDataCentre)
        );
    }

    #[test]
    fn site_kind_unknown_names_allowed() {
        let error = SiteKind::parse("kind", "basement").unwrap_err();
        assert_eq!(error.key, "error-not-one-of");
        assert!(error.args.iter().any(|(_, v)| v.contains("cloud_region")));
    }

    #[test]
    fn cloud_region_requires_placement() {
        let error = check_site(SiteKind::CloudRegion, None).unwrap_err();
        assert_eq!(error.field, "cloud_provider");
    }

    #[test]
    fn cloud_region_requires_account() {
        let mut incomplete = placement();
        incomplete.account = "  ".into();
        let error = check_site(SiteKind::CloudRegion, Some(incomplete)).unwrap_err();
        assert_eq!(error.field, "cloud_account");
    }

    #[test]
    fn cloud_placement_is_trimmed() {
        let checked = check_site(SiteKind::CloudRegion, Some(placement())).unwrap();
        assert_eq!(checked.unwrap().provider, "Yandex Cloud");
    }

    #[test]
    fn colocation_rejects_placement() {
        let error = check_site(SiteKind::Colocation, Some(placement())).unwrap_err();
        assert_eq!(error.key, "infra-site-placement-not-cloud");
    }

    #[test]
    fn host_lifecycle_moves_forward() {
        assert!(HostStatus::Planned.can_move_to(HostStatus::Active));
        assert!(HostStatus::Active.can_move_to(HostStatus::Decommissioning));
        assert!(HostStatus::Decommissioning.can_move_to(HostStatus::Retired));
    }

    #[test]
    fn host_lifecycle_rejects_skips_and_returns() {
        for (from, to) in [
            (HostStatus::Planned, HostStatus::Retired),
            (HostStatus::Active, HostStatus::Planned),
            (HostStatus::Retired, HostStatus::Active),
            (HostStatus::Active, HostStatus::Active),
        ] {
            assert!(check_host_transition(from, to).is_err(), "{from} → {to}");
        }
    }

    #[test]
    fn host_transition_error_names_statuses() {
        let error = check_host_transition(HostStatus::Retired, HostStatus::Active).unwrap_err();
        assert_eq!(
            error,
            Error::InvalidTransition {
                labels: "inventory-host-status",
                from: "retired".into(),
                to: "active".into()
            }
        );
    }

    #[test]
    fn host_resources_reject_zero_cores() {
        let resources = HostResources {
            cores: 0,
            ram_bytes: 1,
            storage_bytes: 0,
        };
        assert_eq!(resources.check().unwrap_err().field, "cores");
    }

    #[test]
    fn host_resources_reject_huge_values() {
        let largest = HostResources {
            cores: MAX_HOST_CORES,
            ram_bytes: MAX_HOST_RAM_BYTES,
            storage_bytes: MAX_HOST_STORAGE_BYTES,
        };
        assert_eq!(largest.check(), Ok(largest));
        let cores = HostResources {
            cores: MAX_HOST_CORES + 1,
            ..largest
        };
        assert_eq!(cores.check().unwrap_err().field, "cores");
        let ram = HostResources {
            ram_bytes: i64::MAX,
            ..largest
        };
        assert_eq!(ram.check().unwrap_err().field, "ram_bytes");
        let storage = HostResources {
            storage_bytes: MAX_HOST_STORAGE_BYTES + 1,
            ..largest
        };
        let error = storage.check().unwrap_err();
        assert_eq!(error.field, "storage_bytes");
        assert_eq!(error.key, "infra-host-resource-too-large");
    }

    #[test]
    fn zabbix_host_id_accepts_digits() {
        assert_eq!(parse_zabbix_host_id("zabbix_host_id", " 10084 "), Ok(10084));
    }

    #[test]
    fn zabbix_host_id_rejects_signs_and_zero() {
        for value in ["-1", "+5", "0", "", "10a", "{HOST.ID}"] {
            assert!(
                parse_zabbix_host_id("zabbix_host_id", value).is_err(),
                "{value}"
            );
        }
    }

    #[test]
    fn environment_parses_prod() {
        assert_eq!(
            EnvironmentKind::parse("environment", "prod"),
            Ok(EnvironmentKind::Prod)
        );
    }

    #[test]
    fn deployment_result_rolled_back_is_snake_case() {
        assert_eq!(DeploymentResult::RolledBack.as_ref(), "rolled_back");
    }
}
