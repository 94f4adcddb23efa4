//! Funnels over sessions that tolerate skipped steps.
//!
//! A session that purchases without an `add_to_cart` event still counts as a purchase:
//! storefronts with "buy in one click" skip the cart, and trackers lose events. Each step
//! reports the sessions that did it, the sessions that reached it (did it or any later
//! step), and how many of those that did it skipped an earlier step.

use super::event::EventType;

/// The set of event types seen in one session.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StepSet(u8);

impl StepSet {
    /// Adds an event type.
    pub fn insert(&mut self, kind: EventType) {
        self.0 |= bit(kind);
    }

    /// Returns whether the session had an event of `kind`.
    pub fn contains(self, kind: EventType) -> bool {
        self.0 & bit(kind) != 0
    }
}

impl FromIterator<EventType> for StepSet {
    fn from_iter<I: IntoIterator<Item = EventType>>(kinds: I) -> Self {
        let mut set = StepSet::default();
        for kind in kinds {
            set.insert(kind);
        }
        set
    }
}

fn bit(kind: EventType) -> u8 {
    1 << (kind as u8)
}

/// Session counts of one funnel step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepCount {
    pub step: EventType,
    /// Sessions with an event of this step.
    pub did: u64,
    /// Sessions with an event of this step or of any later step.
    pub reached: u64,
    /// Sessions that did this step but lacked at least one earlier step.
    pub skipped_earlier: u64,
}

/// Counts sessions through an ordered list of steps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Funnel {
    counts: Vec<StepCount>,
    sessions: u64,
}

impl Funnel {
    /// Creates the shop funnel: product view, add to cart, checkout, purchase.
    pub fn shop() -> Self {
        Self::new(&[
            EventType::ProductView,
            EventType::AddToCart,
            EventType::Checkout,
            EventType::Purchase,
        ])
    }

    /// Creates a funnel of `steps` in order.
    pub fn new(steps: &[EventType]) -> Self {
        let counts = steps
            .iter()
            .map(|step| StepCount {
                step: *step,
                did: 0,
                reached: 0,
                skipped_earlier: 0,
            })
            .collect();
        Self {
            counts,
            sessions: 0,
        }
    }

    /// Adds one session, given the event types it contained.
    pub fn add(&mut self, seen: StepSet) {
        self.sessions += 1;
        let mut reached_later = false;
        for index in (0..self.counts.len()).rev() {
            let step = self.counts[index].step;
            let did = seen.contains(step);
            reached_later |= did;
            let skipped = did
                && self.counts[..index]
                    .iter()
                    .any(|earlier| !seen.contains(earlier.step));

            let count = &mut self.counts[index];
            count.did += u64::from(did);
            count.reached += u64::from(reached_later);
            count.skipped_earlier += u64::from(skipped);
        }
    }

    /// Returns the counts per step, in funnel order.
    pub fn steps(&self) -> &[StepCount] {
        &self.counts
    }

    /// Returns the number of sessions added, including those that reached no step.
    pub fn sessions(&self) -> u64 {
        self.sessions
    }

    /// Adds the sessions of `other`, a funnel of the same steps (such as another day's);
    /// a funnel of other steps is left out.
    pub fn merge(&mut self, other: &Funnel) {
        let same_steps = self.counts.len() == other.counts.len()
            && self
                .counts
                .iter()
                .zip(&other.counts)
                .all(|(mine, theirs)| mine.step == theirs.step);
        if !same_steps {
            return;
        }
        self.sessions += other.sessions;
        for (mine, theirs) in self.counts.iter_mut().zip(&other.counts) {
            mine.did += theirs.did;
            mine.reached += theirs.reached;
            mine.skipped_earlier += theirs.skipped_earlier;
        }
    }

    /// Rebuilds the shop funnel from stored counts: the sessions, then (did, reached,
    /// skipped earlier) per step in funnel order. Returns `None` when the counts do not fit.
    pub fn shop_from_counts(sessions: u64, steps: &[(u64, u64, u64)]) -> Option<Funnel> {
        let mut funnel = Funnel::shop();
        if steps.len() != funnel.counts.len() {
            return None;
        }
        funnel.sessions = sessions;
        for (count, (did, reached, skipped)) in funnel.counts.iter_mut().zip(steps) {
            count.did = *did;
            count.reached = *reached;
            count.skipped_earlier = *skipped;
        }
        Some(funnel)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(kinds: &[EventType]) -> StepSet {
        kinds.iter().copied().collect()
    }

    #[test]
    fn funnel_purchase_without_cart_counts() {
        let mut funnel = Funnel::shop();
        funnel.add(session(&[EventType::ProductView, EventType::Purchase]));
        let purchase = funnel.steps()[3];
        assert_eq!(purchase.did, 1);
        assert_eq!(purchase.skipped_earlier, 1);
    }

    #[test]
    fn funnel_later_step_implies_reached() {
        let mut funnel = Funnel::shop();
        funnel.add(session(&[EventType::ProductView, EventType::Purchase]));
        let cart = funnel.steps()[1];
        assert_eq!(cart.did, 0);
        assert_eq!(cart.reached, 1);
    }

    #[test]
    fn funnel_complete_session_skips_nothing() {
        let mut funnel = Funnel::shop();
        funnel.add(session(&[
            EventType::ProductView,
            EventType::AddToCart,
            EventType::Checkout,
            EventType::Purchase,
        ]));
        assert!(funnel.steps().iter().all(|step| step.skipped_earlier == 0));
        assert!(funnel.steps().iter().all(|step| step.reached == 1));
    }

    #[test]
    fn funnel_merge_adds_days() {
        let mut monday = Funnel::shop();
        monday.add(session(&[EventType::ProductView, EventType::Purchase]));
        let mut tuesday = Funnel::shop();
        tuesday.add(session(&[EventType::ProductView, EventType::AddToCart]));
        tuesday.add(session(&[EventType::PageView]));
        monday.merge(&tuesday);
        assert_eq!(monday.sessions(), 3);
        let steps: Vec<(u64, u64, u64)> = monday
            .steps()
            .iter()
            .map(|step| (step.did, step.reached, step.skipped_earlier))
            .collect();
        assert_eq!(steps, [(2, 2, 0), (1, 2, 0), (0, 1, 0), (1, 1, 1)]);
        let stored = Funnel::shop_from_counts(3, &steps);
        assert_eq!(stored, Some(monday));
        assert_eq!(Funnel::shop_from_counts(3, &steps[..2]), None);
    }

    #[test]
    fn funnel_counts_sessions_without_steps() {
        let mut funnel = Funnel::shop();
        funnel.add(session(&[EventType::PageView]));
        assert_eq!(funnel.sessions(), 1);
        assert_eq!(funnel.steps()[0].reached, 0);
    }
}
