//! Vitrina's business rules: pure types and functions with no I/O and no async, so every rule
//! is unit-tested in milliseconds.

#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod analytics;
pub mod calendar;
pub mod crm;
pub mod error;
pub mod export;
pub mod identity;
pub mod infra;
pub mod money;
pub mod notify;
pub mod servicedesk;
pub mod shops;
pub mod sla;
pub mod text;
pub mod time;
pub mod vat;

pub use error::{Error, Invalid};
