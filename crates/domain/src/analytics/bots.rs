//! Bot classification by user agent and by data-centre address ranges.
//!
//! Bot events are classified, not dropped: the store keeps them with their class, and the
//! default views leave them out.

use std::net::IpAddr;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use ipnet::IpNet;
use serde::{Deserialize, Serialize};
use strum::{AsRefStr, Display};

use crate::Invalid;

/// Bot class of an event: the rule that matched it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Display, AsRefStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum BotKind {
    /// A search engine's crawler: Googlebot, YandexBot, bingbot and the like.
    SearchEngine,
    /// A link preview fetcher of a messenger or social network.
    LinkPreview,
    /// Any other self-declared crawler (SEO tools, AI crawlers, generic `…bot/`).
    Crawler,
    /// A headless browser: HeadlessChrome, PhantomJS, Lighthouse.
    Headless,
    /// An HTTP library or command-line tool: curl, Wget, python-requests.
    HttpClient,
    /// A request from an address in a data-centre range.
    DataCentre,
}

/// User-agent fragments and their classes, matched case-insensitively anywhere in the string.
/// Earlier entries win when several match at the same position.
const USER_AGENT_PATTERNS: &[(&str, BotKind)] = &[
    ("googlebot", BotKind::SearchEngine),
    ("google-inspectiontool", BotKind::SearchEngine),
    ("adsbot-google", BotKind::SearchEngine),
    ("mediapartners-google", BotKind::SearchEngine),
    ("storebot-google", BotKind::SearchEngine),
    ("yandexbot", BotKind::SearchEngine),
    ("yandex.com/bots", BotKind::SearchEngine),
    ("bingbot", BotKind::SearchEngine),
    ("bingpreview", BotKind::SearchEngine),
    ("msnbot", BotKind::SearchEngine),
    ("duckduckbot", BotKind::SearchEngine),
    ("baiduspider", BotKind::SearchEngine),
    ("yahoo! slurp", BotKind::SearchEngine),
    ("applebot", BotKind::SearchEngine),
    ("petalbot", BotKind::SearchEngine),
    ("seznambot", BotKind::SearchEngine),
    ("mail.ru_bot", BotKind::SearchEngine),
    ("sogou", BotKind::SearchEngine),
    ("facebookexternalhit", BotKind::LinkPreview),
    ("telegrambot", BotKind::LinkPreview),
    ("twitterbot", BotKind::LinkPreview),
    ("vkshare", BotKind::LinkPreview),
    ("whatsapp", BotKind::LinkPreview),
    ("slackbot", BotKind::LinkPreview),
    ("discordbot", BotKind::LinkPreview),
    ("linkedinbot", BotKind::LinkPreview),
    ("headlesschrome", BotKind::Headless),
    ("phantomjs", BotKind::Headless),
    ("slimerjs", BotKind::Headless),
    ("chrome-lighthouse", BotKind::Headless),
    ("curl/", BotKind::HttpClient),
    ("wget/", BotKind::HttpClient),
    ("python-requests", BotKind::HttpClient),
    ("python-urllib", BotKind::HttpClient),
    ("python-httpx", BotKind::HttpClient),
    ("aiohttp", BotKind::HttpClient),
    ("go-http-client", BotKind::HttpClient),
    ("okhttp", BotKind::HttpClient),
    ("apache-httpclient", BotKind::HttpClient),
    ("java/", BotKind::HttpClient),
    ("libwww-perl", BotKind::HttpClient),
    ("node-fetch", BotKind::HttpClient),
    ("axios/", BotKind::HttpClient),
    ("guzzlehttp", BotKind::HttpClient),
    ("postmanruntime", BotKind::HttpClient),
    ("scrapy", BotKind::HttpClient),
    // Generic markers last. Bare "bot" would match phone brands such as Cubot.
    ("bot/", BotKind::Crawler),
    ("bot;", BotKind::Crawler),
    ("bot)", BotKind::Crawler),
    ("crawler", BotKind::Crawler),
    ("spider", BotKind::Crawler),
    ("+http", BotKind::Crawler),
];

static USER_AGENT_MATCHER: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostFirst)
        .build(USER_AGENT_PATTERNS.iter().map(|(pattern, _)| pattern))
        .ok()
});

/// Classifies a user agent by the built-in list. Returns `None` for browsers and for user
/// agents the list does not know.
pub fn classify_user_agent(user_agent: &str) -> Option<BotKind> {
    let matcher = USER_AGENT_MATCHER.as_ref()?;
    let found = matcher.find(user_agent)?;
    USER_AGENT_PATTERNS
        .get(found.pattern().as_usize())
        .map(|(_, kind)| *kind)
}

/// Address ranges given as data (for example the published ranges of cloud providers),
/// merged and sorted for binary search.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IpRanges {
    v4: Vec<(u32, u32)>,
    v6: Vec<(u128, u128)>,
}

impl IpRanges {
    /// Parses one CIDR block (`203.0.113.0/24`, `2001:db8::/32`) or bare address per line.
    /// Blank lines and `#` comments are skipped. The error names the first invalid line.
    pub fn parse<'a>(lines: impl IntoIterator<Item = &'a str>) -> Result<IpRanges, Invalid> {
        let mut ranges = IpRanges::default();
        for (number, line) in lines.into_iter().enumerate() {
            let text = line.split('#').next().unwrap_or("").trim();
            if text.is_empty() {
                continue;
            }
            let net = text
                .parse::<IpNet>()
                .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| {
                    Invalid::new("data_centre_ranges", "analytics-ip-range-invalid")
                        .arg("line", number + 1)
                        .arg("value", text)
                })?;
            ranges.push(net);
        }
        ranges.v4 = merge(std::mem::take(&mut ranges.v4), |bits| {
            bits.saturating_add(1)
        });
        ranges.v6 = merge(std::mem::take(&mut ranges.v6), |bits| {
            bits.saturating_add(1)
        });
        Ok(ranges)
    }

    fn push(&mut self, net: IpNet) {
        match net {
            IpNet::V4(net) => self
                .v4
                .push((net.network().to_bits(), net.broadcast().to_bits())),
            IpNet::V6(net) => self
                .v6
                .push((net.network().to_bits(), net.broadcast().to_bits())),
        }
    }

    /// Returns whether `ip` lies in one of the ranges. An IPv6-mapped IPv4 address is read as IPv4.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match ip.to_canonical() {
            IpAddr::V4(v4) => covers(&self.v4, v4.to_bits()),
            IpAddr::V6(v6) => covers(&self.v6, v6.to_bits()),
        }
    }

    /// Returns whether no range was given.
    pub fn is_empty(&self) -> bool {
        self.v4.is_empty() && self.v6.is_empty()
    }
}

/// Sorts ranges and joins overlapping or adjacent ones; `next` returns the following value.
fn merge<T: Ord + Copy>(mut ranges: Vec<(T, T)>, next: fn(T) -> T) -> Vec<(T, T)> {
    ranges.sort_unstable();
    let mut merged: Vec<(T, T)> = Vec::with_capacity(ranges.len());
    for (start, end) in ranges {
        match merged.last_mut() {
            Some(last) if start <= next(last.1) => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

fn covers<T: Ord + Copy>(ranges: &[(T, T)], value: T) -> bool {
    let after = ranges.partition_point(|(start, _)| *start <= value);
    after > 0 && ranges[after - 1].1 >= value
}

/// The bot rules of one installation: the built-in user-agent list and data-centre ranges.
#[derive(Debug, Clone, Default)]
pub struct BotRules {
    pub data_centres: IpRanges,
}

impl BotRules {
    /// Classifies an event by its user agent first, then by its address. `None` means the
    /// event counts as a person's.
    pub fn classify(&self, user_agent: Option<&str>, ip: Option<IpAddr>) -> Option<BotKind> {
        if let Some(kind) = user_agent.and_then(classify_user_agent) {
            return Some(kind);
        }
        ip.filter(|ip| self.data_centres.contains(*ip))
            .map(|_| BotKind::DataCentre)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHROME: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 \
                          (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";

    #[test]
    fn classify_user_agent_known_crawlers() {
        let cases = [
            (
                "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
                BotKind::SearchEngine,
            ),
            (
                "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
                BotKind::SearchEngine,
            ),
            (
                "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
                BotKind::SearchEngine,
            ),
            (
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/124.0.0.0 Safari/537.36",
                BotKind::Headless,
            ),
            ("curl/8.5.0", BotKind::HttpClient),
            ("Wget/1.21.4", BotKind::HttpClient),
            ("python-requests/2.31.0", BotKind::HttpClient),
            ("TelegramBot (like TwitterBot)", BotKind::LinkPreview),
            (
                "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
                BotKind::Crawler,
            ),
        ];
        for (user_agent, kind) in cases {
            assert_eq!(classify_user_agent(user_agent), Some(kind), "{user_agent}");
        }
    }

    #[test]
    fn classify_user_agent_browser_is_none() {
        assert_eq!(classify_user_agent(CHROME), None);
    }

    #[test]
    fn classify_user_agent_cubot_phone_is_none() {
        let cubot = "Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 \
                     (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36";
        assert_eq!(classify_user_agent(cubot), None);
    }

    #[test]
    fn ip_ranges_contains_inside_and_edges() {
        let ranges = IpRanges::parse(["203.0.113.0/24", "# cloud", "", "2001:db8::/32"]).unwrap();
        assert!(ranges.contains("203.0.113.0".parse().unwrap()));
        assert!(ranges.contains("203.0.113.255".parse().unwrap()));
        assert!(!ranges.contains("203.0.114.0".parse().unwrap()));
        assert!(ranges.contains("2001:db8:1::5".parse().unwrap()));
        assert!(ranges.contains("::ffff:203.0.113.9".parse().unwrap()));
    }

    #[test]
    fn ip_ranges_merges_adjacent() {
        let ranges = IpRanges::parse(["10.0.0.0/25", "10.0.0.128/25", "10.0.0.5"]).unwrap();
        assert_eq!(ranges.v4.len(), 1);
    }

    #[test]
    fn ip_ranges_rejects_bad_line() {
        let error = IpRanges::parse(["10.0.0.0/8", "10.0.0.0/33"]).unwrap_err();
        assert_eq!(error.key, "analytics-ip-range-invalid");
        assert!(error.args.contains(&("line", "2".to_string())));
    }

    #[test]
    fn bot_rules_flags_data_centre() {
        let rules = BotRules {
            data_centres: IpRanges::parse(["198.51.100.0/24"]).unwrap(),
        };
        let kind = rules.classify(Some(CHROME), Some("198.51.100.20".parse().unwrap()));
        assert_eq!(kind, Some(BotKind::DataCentre));
    }

    #[test]
    fn bot_rules_person_is_none() {
        let rules = BotRules::default();
        assert_eq!(
            rules.classify(Some(CHROME), Some("203.0.113.7".parse().unwrap())),
            None
        );
    }
}
