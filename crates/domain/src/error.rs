//! Errors that the business rules raise. Each carries a Fluent message id and its arguments,
//! so the web layer words it in the requester's language.

use std::fmt;

/// A value that breaks a rule: the input field, the Fluent message id and its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// Input field name as the API spells it (`priority`, `event_id`).
    pub field: String,
    /// Fluent message id in `locales/*/errors.ftl`.
    pub key: &'static str,
    /// Fluent arguments, such as the rejected value and the allowed ones.
    pub args: Vec<(&'static str, String)>,
}

impl Invalid {
    /// Creates an error for `field` with the message `key` and no arguments.
    pub fn new(field: impl Into<String>, key: &'static str) -> Self {
        Self {
            field: field.into(),
            key,
            args: Vec::new(),
        }
    }

    /// Adds a Fluent argument.
    pub fn arg(mut self, name: &'static str, value: impl ToString) -> Self {
        self.args.push((name, value.to_string()));
        self
    }

    /// Creates the error for a value outside an enumeration, naming the allowed values.
    pub fn not_one_of(field: &str, value: &str, allowed: &[&str]) -> Self {
        Self::new(field, "error-not-one-of")
            .arg("value", value)
            .arg("allowed", allowed.join(", "))
    }

    /// Creates the error for a required field that is missing or empty.
    pub fn missing(field: &str) -> Self {
        Self::new(field, "error-missing")
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.key)?;
        for (name, value) in &self.args {
            write!(f, " {name}={value:?}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Invalid {}

/// What a business operation can fail with, independent of storage and transport.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// An input value breaks a rule (HTTP 422).
    #[error("invalid value: {0}")]
    Invalid(Invalid),
    /// The requested status change is not allowed from the current status (HTTP 409).
    #[error("transition from {from} to {to} is not allowed")]
    InvalidTransition {
        from: String,
        to: String,
        /// Prefix of the Fluent keys that name the statuses: `ticket-status`, …
        labels: &'static str,
    },
    /// The record changed since the client read it (HTTP 409).
    #[error("record changed since version {expected}; current version is {current}")]
    Conflict { expected: i64, current: i64 },
    /// A unique value already exists (HTTP 409).
    #[error("duplicate value in {field}")]
    Duplicate { field: String, value: String },
    /// The object does not exist or the actor may not see it (HTTP 404).
    #[error("not found")]
    NotFound,
    /// The actor may see the object but not perform the action (HTTP 403).
    #[error("forbidden")]
    Forbidden,
}

impl From<Invalid> for Error {
    fn from(value: Invalid) -> Self {
        Error::Invalid(value)
    }
}
