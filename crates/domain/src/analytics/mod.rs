//! Shop analytics: storefront events, visits, visitor identity, bots, traffic sources,
//! revenue, funnels, segments, unique-visitor sketches, market trends and the REES46 import.
//!
//! Everything here is pure: the store and the web layer pass data in and persist what comes
//! out.

pub mod bots;
pub mod event;
pub mod funnel;
pub mod identity;
pub mod money;
pub mod orders;
pub mod segment;
pub mod session;
pub mod sketch;
pub mod source;
pub mod trends;
pub mod url;
pub mod validate;

pub use event::{Event, EventType};

