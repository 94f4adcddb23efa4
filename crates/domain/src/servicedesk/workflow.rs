//! The ticket workflow: which status changes people may make, and the one system transition.

use super::{PendingReason, Status};
use crate::{Error, Invalid};

/// Whether a person may move a ticket from `from` to `to`.
///
/// `new → assigned → in_progress ⇄ pending → resolved → closed`; `in_progress` may also go
/// straight to `resolved`; `cancelled` from any open status; `resolved` reopens to
/// `in_progress` until it closes.
pub fn is_allowed(from: Status, to: Status) -> bool {
    use Status::*;
    match (from, to) {
        (New, Assigned)
        | (Assigned, InProgress)
        | (InProgress, Pending)
        | (Pending, InProgress)
        | (InProgress, Resolved)
        | (Pending, Resolved)
        | (Resolved, Closed)
        | (Resolved, InProgress) => true,
        (from, Cancelled) => from.is_open(),
        _ => false,
    }
}

/// The statuses a person may move a ticket to from `from`, in workflow order.
pub fn targets(from: Status) -> Vec<Status> {
    use strum::VariantArray;
    Status::VARIANTS
        .iter()
        .copied()
        .filter(|to| is_allowed(from, *to))
        .collect()
}

/// A status change a person asked for, with what it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransitionRequest {
    pub from: Status,
    pub to: Status,
    pub reason: Option<PendingReason>,
    pub has_assignee: bool,
}

/// Checks a person's status change: the workflow allows it, `assigned` and `in_progress`
/// have an assignee, and `pending` has a reason. Returns the pending reason to store.
pub fn check(request: TransitionRequest) -> Result<Option<PendingReason>, Error> {
    if !is_allowed(request.from, request.to) {
        return Err(Error::InvalidTransition {
            labels: "ticket-status",
            from: request.from.to_string(),
            to: request.to.to_string(),
        });
    }
    let needs_assignee = matches!(request.to, Status::Assigned | Status::InProgress);
    if needs_assignee && !request.has_assignee {
        return Err(Invalid::new("assignee", "error-transition-needs-assignee")
            .arg("to", request.to)
            .into());
    }
    match (request.to, request.reason) {
        (Status::Pending, None) => Err(Invalid::missing("reason").into()),
        (Status::Pending, reason) => Ok(reason),
        _ => Ok(None),
    }
}

/// Whether a Zabbix recovery may resolve the ticket by itself: no person has acted on it
/// (Zabbix acknowledgements do not count) and it is still `new` or `assigned`.
pub fn recovery_resolves(status: Status, touched_by_person: bool) -> bool {
    !touched_by_person && matches!(status, Status::New | Status::Assigned)
}

/// The status an assignment change implies: giving a `new` ticket an assignee makes it
/// `assigned`, and removing the assignee of an `assigned` ticket makes it `new` again.
pub fn status_after_assignment(status: Status, has_assignee: bool) -> Status {
    match (status, has_assignee) {
        (Status::New, true) => Status::Assigned,
        (Status::Assigned, false) => Status::New,
        (status, _) => status,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::*;

    fn request(from: Status, to: Status) -> TransitionRequest {
        TransitionRequest {
            from,
            to,
            reason: Some(PendingReason::Client),
            has_assignee: true,
        }
    }

    #[test]
    fn main_path_is_allowed() {
        for (from, to) in [
            (New, Assigned),
            (Assigned, InProgress),
            (InProgress, Pending),
            (Pending, InProgress),
            (InProgress, Resolved),
            (Resolved, Closed),
        ] {
            assert!(is_allowed(from, to), "{from} → {to}");
        }
    }

    #[test]
    fn resolved_reopens_to_in_progress() {
        assert!(is_allowed(Resolved, InProgress));
    }

    #[test]
    fn closed_is_final() {
        for to in [New, Assigned, InProgress, Pending, Resolved, Cancelled] {
            assert!(!is_allowed(Closed, to), "closed → {to}");
        }
    }

    #[test]
    fn cancel_only_from_open() {
        for from in [New, Assigned, InProgress, Pending] {
            assert!(is_allowed(from, Cancelled), "{from}");
        }
        assert!(!is_allowed(Resolved, Cancelled));
        assert!(!is_allowed(Cancelled, Cancelled));
    }

    #[test]
    fn new_cannot_jump_to_resolved() {
        let error = check(request(New, Resolved)).unwrap_err();
        assert_eq!(
            error,
            Error::InvalidTransition {
                labels: "ticket-status",
                from: "new".into(),
                to: "resolved".into()
            }
        );
    }

    #[test]
    fn pending_requires_reason() {
        let mut req = request(InProgress, Pending);
        req.reason = None;
        assert!(matches!(check(req), Err(Error::Invalid(i)) if i.field == "reason"));
    }

    #[test]
    fn in_progress_requires_assignee() {
        let mut req = request(Assigned, InProgress);
        req.has_assignee = false;
        assert!(matches!(check(req), Err(Error::Invalid(i)) if i.field == "assignee"));
    }

    #[test]
    fn pending_keeps_reason() {
        let mut req = request(InProgress, Pending);
        req.reason = Some(PendingReason::ThirdParty);
        assert_eq!(check(req), Ok(Some(PendingReason::ThirdParty)));
    }

    #[test]
    fn recovery_resolves_untouched_new_and_assigned() {
        assert!(recovery_resolves(New, false));
        assert!(recovery_resolves(Assigned, false));
        assert!(!recovery_resolves(New, true));
        assert!(!recovery_resolves(InProgress, false));
    }

    #[test]
    fn targets_from_in_progress() {
        assert_eq!(targets(InProgress), vec![Pending, Resolved, Cancelled]);
    }

    #[test]
    fn assignment_moves_new_to_assigned() {
        assert_eq!(status_after_assignment(New, true), Assigned);
        assert_eq!(status_after_assignment(Assigned, false), New);
        assert_eq!(status_after_assignment(InProgress, false), InProgress);
    }
}
