//! Context derived from one event at intake: page path, UTM tags, traffic source, device
//! class and bot class. The store keeps these instead of the raw address.

use super::bots::{BotKind, BotRules};
use super::event::Event;
use super::source::{DeviceClass, TrafficSource, classify_device, classify_source};
use super::url::{Utm, page_path};

/// Derived fields of one event, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventContext {
    /// Decoded page path without query and fragment; `None` when the event has no URL.
    pub page_path: Option<String>,
    pub utm: Utm,
    /// Traffic source of this event's landing. Reports use the first event of a visit.
    pub source: TrafficSource,
    pub device: DeviceClass,
    /// `None` for a person; a bot event is kept and left out of default views.
    pub bot: Option<BotKind>,
}

/// Derives the context of `event`. `shop_host` is the shop's own host name, whose
/// referrers count as direct traffic.
pub fn describe(event: &Event, bots: &BotRules, shop_host: Option<&str>) -> EventContext {
    let url = event.url.as_deref();
    let utm = url.map(Utm::from_url).unwrap_or_default();
    let user_agent = event.user_agent.as_deref();
    let bot = bots.classify(user_agent, event.ip);

    EventContext {
        page_path: url.map(|url| page_path(url).into_owned()),
        source: classify_source(event.referrer.as_deref(), &utm, shop_host),
        device: classify_device(user_agent, bot),
        utm,
        bot,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::bots::IpRanges;
    use crate::analytics::validate::validate_event;
    use chrono::{TimeZone, Utc};
    use serde_json::json;

    fn event(user_agent: &str, ip: &str) -> Event {
        let value = json!({
            "id": "e1", "type": "page_view", "time": "2026-03-01T10:15:00Z", "visitor": "v",
            "url": "https://shop.ru/%D0%BA%D0%B0%D1%82%D0%B0%D0%BB%D0%BE%D0%B3?utm_source=vk&utm_medium=social",
            "referrer": "https://vk.com/", "user_agent": user_agent, "ip": ip
        });
        let received = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap();
        validate_event(value, received).unwrap()
    }

    #[test]
    fn describe_person_on_phone() {
        let user_agent = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Mobile/15E148";
        let context = describe(
            &event(user_agent, "203.0.113.7"),
            &BotRules::default(),
            None,
        );
        assert_eq!(context.page_path.as_deref(), Some("/каталог"));
        assert_eq!(context.source, TrafficSource::Social);
        assert_eq!(context.device, DeviceClass::Mobile);
        assert_eq!(context.bot, None);
    }

    #[test]
    fn describe_data_centre_is_bot() {
        let rules = BotRules {
            data_centres: IpRanges::parse(["198.51.100.0/24"]).unwrap(),
        };
        let context = describe(&event("Mozilla/5.0", "198.51.100.1"), &rules, None);
        assert_eq!(context.bot, Some(BotKind::DataCentre));
        assert_eq!(context.device, DeviceClass::Bot);
    }
}
