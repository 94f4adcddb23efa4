//! Traffic source of a visit from its landing referrer and UTM tags, and device class from
//! the user agent.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder};
use serde::{Deserialize, Serialize};
use strum::{AsRefStr, Display, VariantArray};

use super::bots::BotKind;
use super::url::{Utm, host};

/// Traffic source of a visit, in channel groups like those of Yandex Metrica.
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
    VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum TrafficSource {
    /// Organic results of a search engine.
    Search,
    Social,
    /// No referrer, or a referrer on the shop's own site.
    Direct,
    /// A link on another site.
    Referral,
    /// Advertising: a paid `utm_medium` or an ad click id.
    Paid,
    Email,
}

/// `utm_medium` values (compared case-insensitively) and the source each means.
const MEDIUMS: &[(&str, TrafficSource)] = &[
    ("cpc", TrafficSource::Paid),
    ("ppc", TrafficSource::Paid),
    ("cpm", TrafficSource::Paid),
    ("cpa", TrafficSource::Paid),
    ("cpv", TrafficSource::Paid),
    ("paid", TrafficSource::Paid),
    ("paidsearch", TrafficSource::Paid),
    ("paid_search", TrafficSource::Paid),
    ("paid_social", TrafficSource::Paid),
    ("paid-social", TrafficSource::Paid),
    ("display", TrafficSource::Paid),
    ("banner", TrafficSource::Paid),
    ("retargeting", TrafficSource::Paid),
    ("email", TrafficSource::Email),
    ("e-mail", TrafficSource::Email),
    ("e_mail", TrafficSource::Email),
    ("newsletter", TrafficSource::Email),
    ("social", TrafficSource::Social),
    ("social-network", TrafficSource::Social),
    ("social_network", TrafficSource::Social),
    ("social-media", TrafficSource::Social),
    ("sm", TrafficSource::Social),
    ("smm", TrafficSource::Social),
    ("organic", TrafficSource::Search),
    ("referral", TrafficSource::Referral),
];

/// Referrer hosts of webmail services; a subdomain matches too.
const EMAIL_HOSTS: &[&str] = &[
    "mail.yandex.ru",
    "mail.yandex.com",
    "e.mail.ru",
    "mail.google.com",
    "outlook.live.com",
    "mail.rambler.ru",
    "com.google.android.gm",
];

/// Search engines given by their exact host, or any subdomain of it.
const SEARCH_HOSTS: &[&str] = &[
    "ya.ru",
    "bing.com",
    "duckduckgo.com",
    "search.yahoo.com",
    "go.mail.ru",
    "nova.rambler.ru",
    "search.brave.com",
    "ecosia.org",
    "baidu.com",
    "com.google.android.googlequicksearchbox",
];

/// Search engines with a country domain each: `google.ru`, `www.google.com.tr`,
/// `yandex.kz`.
const SEARCH_BRANDS: &[&str] = &["google", "yandex"];

const SOCIAL_HOSTS: &[&str] = &[
    "vk.com",
    "vk.ru",
    "ok.ru",
    "t.me",
    "telegram.org",
    "facebook.com",
    "instagram.com",
    "twitter.com",
    "t.co",
    "x.com",
    "youtube.com",
    "pinterest.com",
    "pinterest.ru",
    "linkedin.com",
    "reddit.com",
    "dzen.ru",
    "zen.yandex.ru",
    "tiktok.com",
    "my.mail.ru",
    "wa.me",
    "pikabu.ru",
];

/// Classifies a visit's source from its landing page's tags and referrer.
///
/// An ad click id means paid. Otherwise a known `utm_medium` decides, and then the referrer
/// host. Tagged traffic with an unknown medium and no referrer counts as referral.
/// `shop_host` marks the shop's own pages, whose referrers count as direct.
pub fn classify_source(
    referrer: Option<&str>,
    utm: &Utm,
    shop_host: Option<&str>,
) -> TrafficSource {
    if utm.ad_click {
        return TrafficSource::Paid;
    }
    let by_medium = utm.medium.as_deref().and_then(|medium| {
        MEDIUMS
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(medium.trim()))
            .map(|(_, source)| *source)
    });
    if let Some(source) = by_medium {
        return source;
    }

    let referrer_host = referrer.and_then(host);
    if let Some(host) = referrer_host {
        let internal = shop_host.is_some_and(|shop| is_same_or_subdomain(host, shop));
        if !internal {
            return classify_host(host);
        }
    }
    if utm.source.is_some() || utm.medium.is_some() {
        return TrafficSource::Referral;
    }
    TrafficSource::Direct
}

fn classify_host(host: &str) -> TrafficSource {
    let host = host.trim_end_matches('.');
    if EMAIL_HOSTS
        .iter()
        .any(|known| is_same_or_subdomain(host, known))
    {
        return TrafficSource::Email;
    }
    if SEARCH_HOSTS
        .iter()
        .any(|known| is_same_or_subdomain(host, known))
        || is_search_brand(host)
    {
        return TrafficSource::Search;
    }
    if SOCIAL_HOSTS
        .iter()
        .any(|known| is_same_or_subdomain(host, known))
    {
        return TrafficSource::Social;
    }
    TrafficSource::Referral
}

/// Returns whether `host` is `domain` or a subdomain of it, ignoring ASCII case.
fn is_same_or_subdomain(host: &str, domain: &str) -> bool {
    if host.len() < domain.len() {
        return false;
    }
    let split = host.len() - domain.len();
    let Some(tail) = host.get(split..) else {
        return false;
    };
    tail.eq_ignore_ascii_case(domain) && (split == 0 || host.as_bytes()[split - 1] == b'.')
}

/// Returns whether the host is `brand.tld`, `brand.co.tld` or `www.` before either.
fn is_search_brand(host: &str) -> bool {
    let host = host
        .get(..4)
        .filter(|prefix| prefix.eq_ignore_ascii_case("www."))
        .map_or(host, |_| &host[4..]);
    let Some((first, tld)) = host.split_once('.') else {
        return false;
    };
    let brand = SEARCH_BRANDS
        .iter()
        .any(|brand| first.eq_ignore_ascii_case(brand));
    brand && !tld.is_empty() && tld.split('.').count() <= 2
}

/// The kind of device behind a user agent.
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
    VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum DeviceClass {
    Desktop,
    Mobile,
    Tablet,
    Bot,
}

const DEVICE_TOKENS: &[&str] = &[
    "ipad",
    "tablet",
    "kindle",
    "silk/",
    "playbook", // tablet, indices 0..5
    "mobi",
    "iphone",
    "ipod",
    "windows phone",
    "opera mini",
    "blackberry", // mobile, 5..11
    "android",    // 11
];
const TABLET_TOKENS: u32 = 0b1_1111;
const MOBILE_TOKENS: u32 = 0b111_1110_0000;
const ANDROID_TOKEN: u32 = 1 << 11;

static DEVICE_MATCHER: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .build(DEVICE_TOKENS)
        .ok()
});

/// Classifies the device. A bot class wins, then tablet tokens (iPad, Kindle, Android
/// without "Mobile"), then mobile tokens. Anything else, including a missing user agent,
/// counts as desktop. iPadOS 13 and later send a desktop Safari user agent by default, so
/// those iPads count as desktop.
pub fn classify_device(user_agent: Option<&str>, bot: Option<BotKind>) -> DeviceClass {
    if bot.is_some() {
        return DeviceClass::Bot;
    }
    let (Some(user_agent), Some(matcher)) = (user_agent, DEVICE_MATCHER.as_ref()) else {
        return DeviceClass::Desktop;
    };
    let mut found = 0_u32;
    for token in matcher.find_overlapping_iter(user_agent) {
        found |= 1 << token.pattern().as_u32();
    }
    let android_without_mobile = found & ANDROID_TOKEN != 0 && found & MOBILE_TOKENS == 0;
    if found & TABLET_TOKENS != 0 || android_without_mobile {
        return DeviceClass::Tablet;
    }
    if found & (MOBILE_TOKENS | ANDROID_TOKEN) != 0 {
        return DeviceClass::Mobile;
    }
    DeviceClass::Desktop
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(referrer: Option<&str>, url: &str) -> TrafficSource {
        classify_source(referrer, &Utm::from_url(url), Some("shop.example.ru"))
    }

    #[test]
    fn classify_source_yandex_is_search() {
        assert_eq!(source(Some("https://ya.ru/"), "/"), TrafficSource::Search);
        assert_eq!(
            source(Some("https://yandex.ru/search/?text=x"), "/"),
            TrafficSource::Search
        );
        assert_eq!(
            source(Some("https://www.google.com.tr/"), "/"),
            TrafficSource::Search
        );
    }

    #[test]
    fn classify_source_no_referrer_is_direct() {
        assert_eq!(source(None, "/"), TrafficSource::Direct);
    }

    #[test]
    fn classify_source_own_site_is_direct() {
        let internal = Some("https://www.shop.example.ru/catalog");
        assert_eq!(source(internal, "/x"), TrafficSource::Direct);
    }

    #[test]
    fn classify_source_social_hosts() {
        assert_eq!(
            source(Some("https://m.vk.com/wall-1"), "/"),
            TrafficSource::Social
        );
        assert_eq!(
            source(Some("https://t.me/channel"), "/"),
            TrafficSource::Social
        );
    }

    #[test]
    fn classify_source_webmail_is_email() {
        assert_eq!(
            source(Some("https://e.mail.ru/inbox"), "/"),
            TrafficSource::Email
        );
    }

    #[test]
    fn classify_source_other_site_is_referral() {
        assert_eq!(
            source(Some("https://habr.com/ru/articles/1"), "/"),
            TrafficSource::Referral
        );
    }

    #[test]
    fn classify_source_cpc_beats_referrer() {
        let landing = "/x?utm_source=yandex&utm_medium=CPC";
        assert_eq!(source(Some("https://ya.ru/"), landing), TrafficSource::Paid);
    }

    #[test]
    fn classify_source_click_id_is_paid() {
        assert_eq!(
            source(Some("https://ya.ru/"), "/x?yclid=42"),
            TrafficSource::Paid
        );
    }

    #[test]
    fn classify_source_email_medium() {
        let landing = "/x?utm_source=sendsay&utm_medium=email";
        assert_eq!(source(None, landing), TrafficSource::Email);
    }

    #[test]
    fn classify_source_unknown_medium_without_referrer_is_referral() {
        let landing = "/x?utm_source=partner&utm_medium=qr";
        assert_eq!(source(None, landing), TrafficSource::Referral);
    }

    #[test]
    fn classify_source_lookalike_host_is_referral() {
        assert_eq!(
            source(Some("https://notvk.com/"), "/"),
            TrafficSource::Referral
        );
        assert_eq!(
            source(Some("https://google.evil.example.com/"), "/"),
            TrafficSource::Referral
        );
    }

    #[test]
    fn classify_device_cases() {
        let cases = [
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
                DeviceClass::Mobile,
            ),
            (
                "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/124.0 Mobile Safari/537.36",
                DeviceClass::Mobile,
            ),
            (
                "Mozilla/5.0 (Linux; Android 13; SM-X200) AppleWebKit/537.36 Chrome/124.0 Safari/537.36",
                DeviceClass::Tablet,
            ),
            (
                "Mozilla/5.0 (iPad; CPU OS 12_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
                DeviceClass::Tablet,
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/124.0 Safari/537.36",
                DeviceClass::Desktop,
            ),
        ];
        for (user_agent, class) in cases {
            assert_eq!(
                classify_device(Some(user_agent), None),
                class,
                "{user_agent}"
            );
        }
    }

    #[test]
    fn classify_device_bot_wins() {
        let device = classify_device(Some("curl/8.5.0"), Some(BotKind::HttpClient));
        assert_eq!(device, DeviceClass::Bot);
    }

    #[test]
    fn classify_device_missing_is_desktop() {
        assert_eq!(classify_device(None, None), DeviceClass::Desktop);
    }
}
