//! Ticket attributes: kinds, sources, statuses, priorities, numbers and link kinds.

use serde::{Deserialize, Serialize};
use strum::{AsRefStr, Display, EnumString, IntoStaticStr, VariantArray};

use crate::Invalid;

/// Longest ticket title in characters.
pub const TITLE_MAX_CHARS: usize = 500;
/// Longest ticket description or comment in characters.
pub const BODY_MAX_CHARS: usize = 100_000;

macro_rules! parse_with_allowed {
    ($type:ty) => {
        impl $type {
            /// Every value's API name, in declaration order.
            pub fn names() -> Vec<&'static str> {
                <$type>::VARIANTS.iter().map(|v| v.into()).collect()
            }

            /// Parses an API name, or returns an error naming `field` and the allowed values.
            pub fn parse(field: &str, value: &str) -> Result<Self, Invalid> {
                value
                    .trim()
                    .parse()
                    .map_err(|_| Invalid::not_one_of(field, value, &<$type>::names()))
            }
        }
    };
}

/// What a ticket is about.
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
pub enum Kind {
    /// Something is broken.
    Incident,
    /// A service request: a new environment, an access, a change.
    Request,
    Question,
    /// The cause behind several incidents.
    Problem,
    /// A defect escalated to development.
    Bug,
}
parse_with_allowed!(Kind);

impl Kind {
    /// Prefix of the human ticket number, such as `INC` in `INC-000123`.
    pub fn number_prefix(self) -> &'static str {
        match self {
            Kind::Incident => "INC",
            Kind::Request => "REQ",
            Kind::Question => "QST",
            Kind::Problem => "PRB",
            Kind::Bug => "BUG",
        }
    }

    /// Formats the human number for the `sequence`-th ticket of this kind.
    pub fn number(self, sequence: i64) -> String {
        format!("{}-{:06}", self.number_prefix(), sequence)
    }
}

/// Where a ticket came from.
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
pub enum Source {
    /// A client through the portal.
    Portal,
    Staff,
    Zabbix,
    Api,
    Email,
}
parse_with_allowed!(Source);

/// A ticket's place in its workflow.
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
pub enum Status {
    New,
    Assigned,
    InProgress,
    Pending,
    Resolved,
    Closed,
    Cancelled,
}
parse_with_allowed!(Status);

impl Status {
    /// Whether work on the ticket is still expected.
    pub fn is_open(self) -> bool {
        !matches!(self, Status::Resolved | Status::Closed | Status::Cancelled)
    }
}

/// Why a ticket waits.
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
pub enum PendingReason {
    /// Waiting on the client: the SLA clock stops.
    Client,
    /// Waiting on a vendor or provider: the clock keeps running unless the contract says otherwise.
    ThirdParty,
}
parse_with_allowed!(PendingReason);

/// Urgency from P1 (critical) to P4 (low).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, VariantArray)]
pub enum Priority {
    P1,
    P2,
    P3,
    P4,
}

impl Priority {
    /// The API name, `P1` to `P4`.
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::P1 => "P1",
            Priority::P2 => "P2",
            Priority::P3 => "P3",
            Priority::P4 => "P4",
        }
    }

    /// The stored rank, 1 for P1 to 4 for P4, so sorting by rank sorts by urgency.
    pub fn rank(self) -> i64 {
        match self {
            Priority::P1 => 1,
            Priority::P2 => 2,
            Priority::P3 => 3,
            Priority::P4 => 4,
        }
    }

    /// Reads a stored rank.
    pub fn from_rank(rank: i64) -> Option<Priority> {
        match rank {
            1 => Some(Priority::P1),
            2 => Some(Priority::P2),
            3 => Some(Priority::P3),
            4 => Some(Priority::P4),
            _ => None,
        }
    }

    /// Parses `P1`..`P4` (case-insensitive), or returns an error naming the allowed values.
    pub fn parse(field: &str, value: &str) -> Result<Priority, Invalid> {
        match value.trim().to_ascii_uppercase().as_str() {
            "P1" => Ok(Priority::P1),
            "P2" => Ok(Priority::P2),
            "P3" => Ok(Priority::P3),
            "P4" => Ok(Priority::P4),
            _ => Err(Invalid::not_one_of(field, value, &["P1", "P2", "P3", "P4"])),
        }
    }

    /// Maps a Zabbix numeric severity: 5 Disaster → P1, 4 High → P2, 3 Average → P3, 0–2 → P4.
    pub fn from_zabbix_severity(nseverity: u8) -> Priority {
        match nseverity {
            5.. => Priority::P1,
            4 => Priority::P2,
            3 => Priority::P3,
            _ => Priority::P4,
        }
    }
}

impl std::fmt::Display for Priority {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Priority {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// How two tickets relate.
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
pub enum LinkKind {
    /// This ticket repeats the target.
    DuplicateOf,
    /// This incident is caused by the target problem.
    CausedBy,
    RelatesTo,
}
parse_with_allowed!(LinkKind);

/// Checks and trims a ticket title: required, at most [`TITLE_MAX_CHARS`] characters.
pub fn check_title(title: &str) -> Result<String, Invalid> {
    let title = title.trim();
    if title.is_empty() {
        return Err(Invalid::missing("title"));
    }
    check_length("title", title, TITLE_MAX_CHARS)?;
    Ok(title.to_string())
}

/// Checks that `text` has at most `max` characters and none that stored text may not contain.
pub fn check_length(field: &str, text: &str, max: usize) -> Result<(), Invalid> {
    if text.chars().count() > max {
        return Err(Invalid::new(field, "error-too-long").arg("max", max));
    }
    crate::text::check_characters(field, text)
}

/// Decides whether a new comment is public. `requested` is the visibility the author asked
/// for, `None` when none was given. Client users write public comments only, so a client's
/// request for an internal note is rejected on `field`; staff comments are internal unless
/// asked otherwise.
pub fn comment_is_public(
    field: &str,
    author_is_client: bool,
    requested: Option<bool>,
) -> Result<bool, Invalid> {
    match (author_is_client, requested) {
        (true, Some(false)) => Err(Invalid::new(field, "ticket-comment-internal-client")),
        (true, _) => Ok(true),
        (false, requested) => Ok(requested.unwrap_or(false)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_is_public_cases() {
        assert_eq!(comment_is_public("public", true, None), Ok(true));
        assert_eq!(comment_is_public("public", true, Some(true)), Ok(true));
        assert_eq!(comment_is_public("public", false, None), Ok(false));
        assert_eq!(comment_is_public("public", false, Some(true)), Ok(true));
        assert_eq!(comment_is_public("public", false, Some(false)), Ok(false));
    }

    #[test]
    fn comment_is_public_rejects_client_note() {
        let error = comment_is_public("visibility", true, Some(false)).unwrap_err();
        assert_eq!(error.key, "ticket-comment-internal-client");
        assert_eq!(error.field, "visibility");
    }

    #[test]
    fn number_is_prefixed_and_padded() {
        assert_eq!(Kind::Incident.number(123), "INC-000123");
        assert_eq!(Kind::Bug.number(1_234_567), "BUG-1234567");
    }

    #[test]
    fn severity_maps_to_priority() {
        assert_eq!(Priority::from_zabbix_severity(5), Priority::P1);
        assert_eq!(Priority::from_zabbix_severity(4), Priority::P2);
        assert_eq!(Priority::from_zabbix_severity(3), Priority::P3);
        assert_eq!(Priority::from_zabbix_severity(2), Priority::P4);
        assert_eq!(Priority::from_zabbix_severity(0), Priority::P4);
    }

    #[test]
    fn unknown_kind_names_allowed_values() {
        let error = Kind::parse("kind", "outage").unwrap_err();
        assert_eq!(error.field, "kind");
        assert!(error.args.contains(&("value", "outage".to_string())));
        assert!(error.args.iter().any(|(_, v)| v.contains("incident")));
    }

    #[test]
    fn status_names_are_snake_case() {
        assert_eq!(Status::InProgress.as_ref(), "in_progress");
        assert_eq!(Status::parse("to", "in_progress"), Ok(Status::InProgress));
    }

    #[test]
    fn empty_title_is_missing() {
        assert_eq!(check_title("  ").unwrap_err().key, "error-missing");
    }
}
