//! The deal pipeline: `new → qualified → proposal → negotiation → won / lost`.

use serde::{Deserialize, Serialize};
use strum::{AsRefStr, Display, EnumString, IntoStaticStr, VariantArray};

use crate::{Error, Invalid};

/// Maximum length of a lost deal's comment in characters.
pub const LOST_COMMENT_MAX_CHARS: usize = 1000;

/// A stage of the deal pipeline, in pipeline order.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
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
pub enum DealStage {
    New,
    Qualified,
    Proposal,
    Negotiation,
    /// Final: a draft contract is created.
    Won,
    /// Final, with a reason.
    Lost,
}

impl DealStage {
    /// Every stage in pipeline order, for crates that do not use strum.
    pub fn all() -> &'static [DealStage] {
        DealStage::VARIANTS
    }

    /// Returns whether the deal is still being worked on.
    pub fn is_open(self) -> bool {
        !matches!(self, DealStage::Won | DealStage::Lost)
    }
}

/// The reason a deal was lost, for the pipeline reports.
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
pub enum LostReason {
    Price,
    Competitor,
    NoBudget,
    NoResponse,
    /// The platform lacks something the client needs.
    MissingFeature,
    /// Anything else; needs a comment.
    Other,
}

/// Returns whether a deal may move from `from` to `to`: one stage forward, back to any earlier open
/// stage, `lost` from any open stage, and `won` from `proposal` or `negotiation`, because a
/// small client often accepts the proposal as it is.
pub fn is_allowed(from: DealStage, to: DealStage) -> bool {
    use DealStage::*;
    if !from.is_open() {
        return false;
    }
    match to {
        Lost => true,
        Won => matches!(from, Proposal | Negotiation),
        Qualified | Proposal | Negotiation => to as u8 == from as u8 + 1 || to < from,
        New => from != New,
    }
}

/// A stage change a person asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageChange {
    pub from: DealStage,
    pub to: DealStage,
    pub lost_reason: Option<LostReason>,
    pub lost_comment: Option<String>,
}

/// The result of a checked stage change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageOutcome {
    pub stage: DealStage,
    pub lost_reason: Option<LostReason>,
    /// Trimmed comment; `None` when empty.
    pub lost_comment: Option<String>,
    /// Whether to create a draft contract for the deal's client.
    pub creates_draft_contract: bool,
}

/// Checks a stage change: the pipeline allows it, and `lost` has a reason (`other` with a
/// comment).
pub fn check_stage_change(change: StageChange) -> Result<StageOutcome, Error> {
    if !is_allowed(change.from, change.to) {
        return Err(Error::InvalidTransition {
            labels: "deal-stage",
            from: change.from.to_string(),
            to: change.to.to_string(),
        });
    }

    let comment = change
        .lost_comment
        .as_deref()
        .map(str::trim)
        .filter(|comment| !comment.is_empty())
        .map(str::to_string);
    if change.to != DealStage::Lost {
        return Ok(StageOutcome {
            stage: change.to,
            lost_reason: None,
            lost_comment: None,
            creates_draft_contract: change.to == DealStage::Won,
        });
    }

    let reason = change
        .lost_reason
        .ok_or_else(|| Invalid::missing("lost_reason"))?;
    if reason == LostReason::Other && comment.is_none() {
        return Err(Invalid::new("lost_comment", "crm-deal-lost-comment").into());
    }
    if comment
        .as_ref()
        .is_some_and(|c| c.chars().count() > LOST_COMMENT_MAX_CHARS)
    {
        return Err(Invalid::new("lost_comment", "error-too-long")
            .arg("max", LOST_COMMENT_MAX_CHARS)
            .into());
    }
    Ok(StageOutcome {
        stage: DealStage::Lost,
        lost_reason: Some(reason),
        lost_comment: comment,
        creates_draft_contract: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use DealStage::*;

    fn change(from: DealStage, to: DealStage) -> StageChange {
        StageChange {
            from,
            to,
            lost_reason: None,
            lost_comment: None,
        }
    }

    #[test]
    fn pipeline_moves_one_stage_forward() {
        for (from, to) in [
            (New, Qualified),
            (Qualified, Proposal),
            (Proposal, Negotiation),
        ] {
            assert!(is_allowed(from, to), "{from} → {to}");
        }
    }

    #[test]
    fn pipeline_cannot_skip_stages() {
        assert!(!is_allowed(New, Proposal));
        assert!(!is_allowed(Qualified, Negotiation));
    }

    #[test]
    fn pipeline_may_step_back() {
        assert!(is_allowed(Negotiation, Qualified));
        assert!(is_allowed(Proposal, New));
    }

    #[test]
    fn won_only_from_proposal_or_negotiation() {
        assert!(is_allowed(Negotiation, Won));
        assert!(is_allowed(Proposal, Won));
        assert!(!is_allowed(Qualified, Won));
    }

    #[test]
    fn closed_deals_are_final() {
        for to in [New, Qualified, Proposal, Negotiation, Won, Lost] {
            assert!(!is_allowed(Won, to), "won → {to}");
            assert!(!is_allowed(Lost, to), "lost → {to}");
        }
    }

    #[test]
    fn won_creates_draft_contract() {
        let outcome = check_stage_change(change(Negotiation, Won)).unwrap();
        assert!(outcome.creates_draft_contract);
    }

    #[test]
    fn lost_needs_reason() {
        let error = check_stage_change(change(Qualified, Lost)).unwrap_err();
        assert_eq!(error, Invalid::missing("lost_reason").into());
    }

    #[test]
    fn lost_for_other_reason_needs_comment() {
        let mut request = change(New, Lost);
        request.lost_reason = Some(LostReason::Other);
        request.lost_comment = Some("  ".into());
        let error = check_stage_change(request).unwrap_err();
        assert!(matches!(error, Error::Invalid(i) if i.key == "crm-deal-lost-comment"));
    }

    #[test]
    fn lost_keeps_reason_and_trimmed_comment() {
        let mut request = change(Proposal, Lost);
        request.lost_reason = Some(LostReason::Competitor);
        request.lost_comment = Some(" ушли к конкуренту ".into());
        let outcome = check_stage_change(request).unwrap();
        assert_eq!(outcome.lost_reason, Some(LostReason::Competitor));
        assert_eq!(outcome.lost_comment.as_deref(), Some("ушли к конкуренту"));
    }

    #[test]
    fn skipping_stage_is_invalid_transition() {
        let error = check_stage_change(change(New, Negotiation)).unwrap_err();
        assert!(matches!(error, Error::InvalidTransition { .. }));
    }
}
