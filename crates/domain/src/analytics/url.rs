//! Page paths grouped decoded, and UTM tags read from the page URL.
//!
//! `/%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82` and `/привет` are the same page, so reports group
//! paths after one round of percent-decoding. Escapes of `/`, `?` and `#` stay encoded,
//! because decoding them would change where the path ends or splits.

use std::borrow::Cow;

/// Returns the path of a page URL for grouping: no scheme, host, query or fragment, percent-escapes
/// decoded once as UTF-8. A path whose decoded bytes are not UTF-8 is kept as given.
/// Borrows when nothing needs decoding.
pub fn page_path(url: &str) -> Cow<'_, str> {
    let path = strip_origin(url);
    let end = path.find(['?', '#']).unwrap_or(path.len());
    let path = &path[..end];
    if path.is_empty() {
        return Cow::Borrowed("/");
    }
    if !path.contains('%') {
        return Cow::Borrowed(path);
    }
    match decode_path(path) {
        Some(decoded) => Cow::Owned(decoded),
        None => Cow::Borrowed(path),
    }
}

/// Returns the part of `url` from its path on: `https://shop.ru/a?b` gives `/a?b`, and a relative
/// URL is returned as it is.
fn strip_origin(url: &str) -> &str {
    let Some(scheme_end) = url.find("://") else {
        return url;
    };
    if url[..scheme_end].contains(['/', '?', '#']) {
        return url;
    }
    let rest = &url[scheme_end + 3..];
    match rest.find(['/', '?', '#']) {
        Some(start) => &rest[start..],
        None => "",
    }
}

/// Returns the host of an absolute URL, without user info or port; `None` for a relative URL.
pub fn host(url: &str) -> Option<&str> {
    let (_, rest) = url.split_once("://")?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let authority = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let host = if authority.starts_with('[') {
        authority.split_once(']').map_or(authority, |(ip, _)| ip)
    } else {
        authority
            .split_once(':')
            .map_or(authority, |(host, _)| host)
    };
    (!host.is_empty()).then_some(host)
}

fn decode_path(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let escaped = (bytes[index] == b'%')
            .then(|| hex_byte(bytes.get(index + 1..index + 3)?))
            .flatten();
        match escaped {
            Some(b'/' | b'?' | b'#') | None => {
                decoded.push(bytes[index]);
                index += 1;
            }
            Some(byte) => {
                decoded.push(byte);
                index += 3;
            }
        }
    }
    String::from_utf8(decoded).ok()
}

fn hex_byte(pair: &[u8]) -> Option<u8> {
    let text = std::str::from_utf8(pair).ok()?;
    u8::from_str_radix(text, 16).ok()
}

/// Decodes one query-string value once: `+` is a space and `%XX` a byte. Keeps the raw value
/// when the decoded bytes are not UTF-8. Borrows when nothing needs decoding.
pub fn decode_query_value(raw: &str) -> Cow<'_, str> {
    if !raw.contains(['%', '+']) {
        return Cow::Borrowed(raw);
    }
    let spaced = raw.replace('+', " ");
    let decoded = percent_encoding::percent_decode_str(&spaced).decode_utf8();
    match decoded {
        Ok(text) => Cow::Owned(text.into_owned()),
        Err(_) => Cow::Borrowed(raw),
    }
}

/// Campaign tags of a landing URL: the five `utm_*` parameters and the ad click ids.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Utm {
    pub source: Option<String>,
    pub medium: Option<String>,
    pub campaign: Option<String>,
    pub term: Option<String>,
    pub content: Option<String>,
    /// An ad click id was present: `gclid` (Google Ads), `yclid` (Yandex Direct) or
    /// `msclkid` (Microsoft Advertising).
    pub ad_click: bool,
}

impl Utm {
    /// Reads the tags from a URL's query string. Values are decoded once; empty values and
    /// repeated parameters after the first are ignored.
    pub fn from_url(url: &str) -> Utm {
        let mut utm = Utm::default();
        let Some((_, after)) = url.split_once('?') else {
            return utm;
        };
        let query = after.split('#').next().unwrap_or("");
        for pair in query.split('&') {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            utm.set(name, value);
        }
        utm
    }

    fn set(&mut self, name: &str, raw: &str) {
        let slot = match name {
            "utm_source" => &mut self.source,
            "utm_medium" => &mut self.medium,
            "utm_campaign" => &mut self.campaign,
            "utm_term" => &mut self.term,
            "utm_content" => &mut self.content,
            "gclid" | "yclid" | "msclkid" => {
                self.ad_click |= !raw.is_empty();
                return;
            }
            _ => return,
        };
        if slot.is_none() && !raw.is_empty() {
            *slot = Some(decode_query_value(raw).into_owned());
        }
    }

    /// Returns whether no tag and no click id is present.
    pub fn is_empty(&self) -> bool {
        *self == Utm::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_path_decodes_cyrillic() {
        assert_eq!(
            page_path("/%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82"),
            "/привет"
        );
    }

    #[test]
    fn page_path_groups_encoded_and_plain() {
        assert_eq!(
            page_path("/%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82"),
            page_path("/привет")
        );
    }

    #[test]
    fn page_path_strips_origin_query_fragment() {
        assert_eq!(
            page_path("https://shop.ru/catalog/x1?utm_source=ya#top"),
            "/catalog/x1"
        );
    }

    #[test]
    fn page_path_bare_origin_is_root() {
        assert_eq!(page_path("https://shop.ru"), "/");
    }

    #[test]
    fn page_path_keeps_encoded_slash() {
        assert_eq!(page_path("/a%2Fb%20c"), "/a%2Fb c");
    }

    #[test]
    fn page_path_keeps_invalid_utf8() {
        assert_eq!(page_path("/%FF%FE"), "/%FF%FE");
    }

    #[test]
    fn page_path_decodes_once() {
        assert_eq!(page_path("/%2541"), "/%41");
    }

    #[test]
    fn page_path_keeps_broken_escape() {
        assert_eq!(page_path("/100%"), "/100%");
    }

    #[test]
    fn page_path_borrows_plain() {
        assert!(matches!(page_path("/catalog"), Cow::Borrowed(_)));
    }

    #[test]
    fn host_strips_port_and_user() {
        assert_eq!(host("https://user@Shop.RU:8443/a"), Some("Shop.RU"));
        assert_eq!(host("/relative"), None);
    }

    #[test]
    fn utm_from_url_decodes_once() {
        let utm = Utm::from_url(
            "/x?utm_source=yandex&utm_medium=cpc&utm_campaign=%D0%B2%D0%B5%D1%81%D0%BD%D0%B0+2026&utm_term=%2541",
        );
        assert_eq!(utm.source.as_deref(), Some("yandex"));
        assert_eq!(utm.campaign.as_deref(), Some("весна 2026"));
        assert_eq!(utm.term.as_deref(), Some("%41"));
    }

    #[test]
    fn utm_from_url_keeps_invalid_utf8() {
        let utm = Utm::from_url("/x?utm_campaign=%C0%AF");
        assert_eq!(utm.campaign.as_deref(), Some("%C0%AF"));
    }

    #[test]
    fn utm_from_url_sees_click_id() {
        assert!(Utm::from_url("/x?yclid=123").ad_click);
    }

    #[test]
    fn utm_from_url_without_query_is_empty() {
        assert!(Utm::from_url("/x#utm_source=a").is_empty());
    }
}
