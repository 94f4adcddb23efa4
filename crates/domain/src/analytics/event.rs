//! Storefront events: the type vocabulary, the validated event and the length limits.

use std::net::IpAddr;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use strum::{AsRefStr, Display, IntoStaticStr, VariantArray};

use super::money::Currency;

/// Maximum number of events in one `POST /api/v1/events` batch.
pub const BATCH_MAX_EVENTS: usize = 1000;
/// Maximum length in characters of identifiers: `id`, `visitor`, `session`, `product_id`,
/// `order_id`, `customer_id`. A UUID has 36 characters, so this leaves room for prefixed ids.
pub const ID_MAX_CHARS: usize = 128;
/// Maximum length in characters of `url` and `referrer`. 2,048 is a common practical URL
/// limit of browsers and crawlers; storefront URLs are far shorter (an estimate, not a
/// standard).
pub const URL_MAX_CHARS: usize = 2048;
/// Maximum length in characters of `user_agent`. Browser user agents are usually a few hundred
/// characters (an estimate), so this leaves room for many extension tokens.
pub const USER_AGENT_MAX_CHARS: usize = 1024;
/// Maximum length in characters of `category`, a dotted path such as `electronics.smartphone`.
pub const CATEGORY_MAX_CHARS: usize = 255;
/// Maximum amount in minor units (10¹⁵ kopecks are 10 trillion roubles), so that price ×
/// quantity and every sum over a day still fit in an `i64`.
pub const AMOUNT_MAX_MINOR: i64 = 1_000_000_000_000_000;
/// Maximum `quantity` of one line.
pub const QUANTITY_MAX: u32 = 1_000_000;
/// Maximum time that an event's `time` may lie ahead of its receipt, for devices whose
/// clock runs fast; later times are rejected as wrong.
pub const FUTURE_TOLERANCE_HOURS: i64 = 24;

/// Earliest event time accepted, 2000-01-01 00:00 UTC. Earlier times come from devices with
/// an unset clock (1970 is Unix time 0) or from a wrong unit, and would open years of empty days.
pub const EARLIEST_EVENT_TIME: DateTime<Utc> = match NaiveDate::from_ymd_opt(2000, 1, 1) {
    Some(date) => date.and_time(NaiveTime::MIN).and_utc(),
    None => DateTime::<Utc>::MIN_UTC,
};

/// Event type: the storefront action that the event records.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    Display,
    AsRefStr,
    IntoStaticStr,
    VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum EventType {
    /// A page loaded that is not a product page.
    PageView,
    /// A product page loaded. Storefronts send this instead of `page_view` on product pages.
    ProductView,
    AddToCart,
    RemoveFromCart,
    /// The checkout form opened.
    Checkout,
    /// An order was placed; `order_id` ties repeated deliveries of one order together.
    Purchase,
    /// Money of an order was returned; reduces net revenue, never gross.
    Refund,
}

impl EventType {
    /// Parses the API name without allocating. Returns `None` for an unknown name.
    pub fn parse(name: &str) -> Option<EventType> {
        let kind = match name {
            "page_view" => EventType::PageView,
            "product_view" => EventType::ProductView,
            "add_to_cart" => EventType::AddToCart,
            "remove_from_cart" => EventType::RemoveFromCart,
            "checkout" => EventType::Checkout,
            "purchase" => EventType::Purchase,
            "refund" => EventType::Refund,
            _ => return None,
        };
        Some(kind)
    }

    /// Returns every API name in funnel order, for error messages.
    pub fn names() -> Vec<&'static str> {
        EventType::VARIANTS.iter().map(|kind| kind.into()).collect()
    }

    /// Returns whether the event is a page load, which counts as a page view for visits and bounces.
    pub fn is_page_view(self) -> bool {
        matches!(self, EventType::PageView | EventType::ProductView)
    }
}

/// One validated storefront event, normalised: trimmed text, absent optional fields as `None`,
/// the currency defaulted to RUB and amounts in minor units of `currency`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Sender's event id, unique per shop; the store ignores a repeated id.
    pub id: String,
    pub kind: EventType,
    /// When the event happened, UTC.
    pub time: DateTime<Utc>,
    /// Sender's visitor id (a cookie id, a salted hash, or an imported user id).
    pub visitor: String,
    /// Sender's session id, kept as given; visits are computed by [`super::session`] rules.
    pub session: Option<String>,
    pub url: Option<String>,
    pub referrer: Option<String>,
    pub user_agent: Option<String>,
    /// Client address, for bot and identity rules only. The store must never persist it.
    pub ip: Option<IpAddr>,
    pub product_id: Option<String>,
    /// Dotted category path such as `electronics.smartphone`.
    pub category: Option<String>,
    /// Unit price in minor units of `currency`.
    pub price_minor: Option<i64>,
    /// Units of the product; 1 when the sender gave none.
    pub quantity: u32,
    pub currency: Currency,
    pub order_id: Option<String>,
    /// Order total (purchase) or amount returned (refund), in minor units of `currency`.
    pub revenue_minor: Option<i64>,
    /// The shop's customer account id when the visitor is signed in; `None` for a guest.
    pub customer_id: Option<String>,
}

impl Event {
    /// Returns the order's amount in minor units: `revenue_minor` when given, else price ×
    /// quantity.
    /// `None` when neither is known.
    pub fn order_amount_minor(&self) -> Option<i64> {
        if let Some(revenue) = self.revenue_minor {
            return Some(revenue);
        }
        self.price_minor?.checked_mul(i64::from(self.quantity))
    }

    /// Returns whether the visitor was signed in to a customer account.
    pub fn is_registered(&self) -> bool {
        self.customer_id.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_type_parse_roundtrips_names() {
        for name in EventType::names() {
            let kind = EventType::parse(name).unwrap();
            assert_eq!(kind.as_ref(), name);
        }
    }

    #[test]
    fn event_type_parse_rejects_unknown() {
        assert_eq!(EventType::parse("view"), None);
    }

    #[test]
    fn event_type_page_views_are_loads() {
        assert!(EventType::ProductView.is_page_view());
        assert!(!EventType::AddToCart.is_page_view());
    }
}
