//! Calls back to Zabbix: the action a ticket change requests, the retry schedule, and the
//! `event.acknowledge` action bits the calls use.

use chrono::Duration;

/// Wait before the first retry.
pub const FIRST_RETRY: Duration = Duration::minutes(1);
/// Maximum wait between retries.
pub const MAX_RETRY: Duration = Duration::hours(1);
/// Zabbix 6.0 stores at most this many characters of an acknowledgement message
/// (`acknowledges.message` is `varchar(2048)`).
pub const MESSAGE_MAX_CHARS: usize = 2048;

/// A call Vitrina makes to Zabbix about a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// The ticket was first assigned to a person: acknowledge the event with a message.
    Acknowledge,
    /// A person resolved the ticket: close the problem when the trigger allows manual close,
    /// else add a message.
    Resolve,
}

impl Action {
    /// Returns the stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Acknowledge => "acknowledge",
            Action::Resolve => "resolve",
        }
    }

    /// Parses a stored name.
    pub fn parse(name: &str) -> Option<Action> {
        match name {
            "acknowledge" => Some(Action::Acknowledge),
            "resolve" => Some(Action::Resolve),
            _ => None,
        }
    }
}

/// Bits of `event.acknowledge`'s `action` parameter in Zabbix 6.0.
pub mod bits {
    /// Close the problem; the trigger must allow manual close.
    pub const CLOSE: u32 = 1;
    pub const ACKNOWLEDGE: u32 = 2;
    pub const MESSAGE: u32 = 4;
}

/// Returns the `event.acknowledge` action for a resolution: close with a message when the trigger
/// allows manual close, else the message alone.
pub fn resolve_bits(manual_close: bool) -> u32 {
    if manual_close {
        bits::CLOSE | bits::MESSAGE
    } else {
        bits::MESSAGE
    }
}

/// Returns the wait after failed attempt number `attempts` (1 for the first failure): one minute,
/// doubling each time, capped at one hour.
pub fn retry_delay(attempts: i64) -> Duration {
    // 2^6 minutes already exceeds the cap, so larger exponents need not be computed.
    let exponent = attempts.saturating_sub(1).clamp(0, 6) as u32;
    let delay = FIRST_RETRY * 2_i32.pow(exponent);
    delay.min(MAX_RETRY)
}

/// Cuts `message` to what Zabbix stores, at a character boundary.
pub fn fit_message(message: &str) -> String {
    message.chars().take(MESSAGE_MAX_CHARS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_delay_doubles_to_one_hour() {
        let minutes: Vec<i64> = (1..=9).map(|n| retry_delay(n).num_minutes()).collect();
        assert_eq!(minutes, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
    }

    #[test]
    fn retry_delay_handles_extremes() {
        assert_eq!(retry_delay(0), FIRST_RETRY);
        assert_eq!(retry_delay(i64::MAX), MAX_RETRY);
    }

    #[test]
    fn resolve_bits_follow_manual_close() {
        assert_eq!(resolve_bits(true), 5);
        assert_eq!(resolve_bits(false), 4);
        assert_eq!(bits::ACKNOWLEDGE | bits::MESSAGE, 6);
    }

    #[test]
    fn fit_message_counts_characters() {
        let long = "я".repeat(MESSAGE_MAX_CHARS + 10);
        let fitted = fit_message(&long);
        assert_eq!(fitted.chars().count(), MESSAGE_MAX_CHARS);
        assert_eq!(fit_message("коротко"), "коротко");
    }

    #[test]
    fn action_names_round_trip() {
        for action in [Action::Acknowledge, Action::Resolve] {
            assert_eq!(Action::parse(action.as_str()), Some(action));
        }
        assert_eq!(Action::parse("close"), None);
    }
}
