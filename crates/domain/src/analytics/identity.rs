//! Visitor identity without cookies: a salted hash of (shop, IP address, user agent) whose
//! salt rotates, as Plausible Analytics does, so raw addresses are never stored.
//!
//! The hash is SipHash-2-4 keyed with a 128-bit salt. The caller generates a random salt for
//! each identity period, keeps it only while the period lasts, and then deletes it. From then
//! on the period's hashes cannot be linked back to addresses or to the next period's hashes.

use std::fmt;
use std::hash::Hasher;
use std::net::IpAddr;

use chrono::NaiveDate;
use siphasher::sip::SipHasher24;

/// A secret 128-bit salt for one identity period. `Debug` hides the bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct Salt([u8; 16]);

impl Salt {
    /// Wraps 16 random bytes from the caller's secure random source.
    pub fn from_bytes(bytes: [u8; 16]) -> Self {
        Self(bytes)
    }

    /// Returns the bytes, for the caller to store until the period ends.
    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    fn hasher(&self) -> SipHasher24 {
        SipHasher24::new_with_key(&self.0)
    }
}

impl fmt::Debug for Salt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Salt(…)")
    }
}

/// How long one visitor keeps the same identity, stated next to every unique-visitor figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentityWindow {
    /// Visitor ids come from the source (a cookie or an imported user id) and never expire.
    SourceIds,
    /// Hashed identities whose salt rotates every `days` days; a visitor seen on two periods
    /// counts twice.
    Rotating {
        /// Length of one salt period in calendar days of the shop's zone, at least 1.
        days: u32,
    },
}

impl IdentityWindow {
    /// The Plausible default: a new salt every calendar day.
    pub const DAILY: IdentityWindow = IdentityWindow::Rotating { days: 1 };

    /// Returns the window as an ISO 8601 duration (`P1D`, `P7D`), or `None` when ids come from the
    /// source and have no window.
    pub fn iso8601(self) -> Option<String> {
        match self {
            IdentityWindow::SourceIds => None,
            IdentityWindow::Rotating { days } => Some(format!("P{}D", days.max(1))),
        }
    }

    /// Returns the first date of the salt period that contains `date`. Periods are counted from
    /// 1970-01-01, so every instance of Vitrina agrees on them. Returns `date` for source ids.
    pub fn period_start(self, date: NaiveDate) -> NaiveDate {
        let IdentityWindow::Rotating { days } = self else {
            return date;
        };
        let days = i64::from(days.max(1));
        let since_epoch = (date - NaiveDate::default()).num_days();
        let offset = since_epoch.rem_euclid(days);
        date - chrono::Duration::days(offset)
    }
}

/// A hashed visitor identity. Stored as `BIGINT` through [`VisitorHash::as_i64`] and shown
/// as 16 hexadecimal digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VisitorHash(pub u64);

impl VisitorHash {
    /// Returns the same 64 bits as a signed integer, for a `BIGINT` column.
    pub fn as_i64(self) -> i64 {
        i64::from_ne_bytes(self.0.to_ne_bytes())
    }
}

impl fmt::Display for VisitorHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

/// Hashes (shop, IP address, user agent) with the salt of the current identity period.
/// IPv4 addresses and their IPv6-mapped form (`::ffff:203.0.113.7`) hash alike.
pub fn visitor_hash(salt: &Salt, shop_id: i64, ip: IpAddr, user_agent: &str) -> VisitorHash {
    let mut hasher = salt.hasher();
    hasher.write(&shop_id.to_le_bytes());
    hasher.write(&ip_octets(ip));
    // The user agent goes last, so no length prefix is needed to keep inputs apart.
    hasher.write(user_agent.as_bytes());
    VisitorHash(hasher.finish())
}

/// Hashes an IP address alone, for bot checks that count requests per address (such as a
/// rate limit) without keeping the address itself.
pub fn ip_hash(salt: &Salt, ip: IpAddr) -> u64 {
    let mut hasher = salt.hasher();
    hasher.write(&ip_octets(ip));
    hasher.finish()
}

fn ip_octets(ip: IpAddr) -> [u8; 16] {
    match ip.to_canonical() {
        IpAddr::V4(v4) => v4.to_ipv6_mapped().octets(),
        IpAddr::V6(v6) => v6.octets(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const UA: &str = "Mozilla/5.0 (X11; Linux x86_64)";

    fn salt(byte: u8) -> Salt {
        Salt::from_bytes([byte; 16])
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn visitor_hash_is_stable_within_period() {
        let first = visitor_hash(&salt(1), 7, ip("203.0.113.7"), UA);
        let second = visitor_hash(&salt(1), 7, ip("203.0.113.7"), UA);
        assert_eq!(first, second);
    }

    #[test]
    fn visitor_hash_changes_with_salt() {
        let today = visitor_hash(&salt(1), 7, ip("203.0.113.7"), UA);
        let tomorrow = visitor_hash(&salt(2), 7, ip("203.0.113.7"), UA);
        assert_ne!(today, tomorrow);
    }

    #[test]
    fn visitor_hash_differs_between_shops() {
        let shop_a = visitor_hash(&salt(1), 7, ip("203.0.113.7"), UA);
        let shop_b = visitor_hash(&salt(1), 8, ip("203.0.113.7"), UA);
        assert_ne!(shop_a, shop_b);
    }

    #[test]
    fn visitor_hash_reads_mapped_ipv4_alike() {
        let plain = visitor_hash(&salt(1), 7, ip("203.0.113.7"), UA);
        let mapped = visitor_hash(&salt(1), 7, ip("::ffff:203.0.113.7"), UA);
        assert_eq!(plain, mapped);
    }

    #[test]
    fn visitor_hash_displays_sixteen_hex_digits() {
        let hash = visitor_hash(&salt(1), 7, ip("203.0.113.7"), UA);
        assert_eq!(hash.to_string().len(), 16);
    }

    #[test]
    fn ip_hash_differs_by_address() {
        assert_ne!(
            ip_hash(&salt(1), ip("203.0.113.7")),
            ip_hash(&salt(1), ip("203.0.113.8"))
        );
    }

    #[test]
    fn salt_debug_hides_bytes() {
        assert_eq!(format!("{:?}", salt(9)), "Salt(…)");
    }

    #[test]
    fn identity_window_daily_is_p1d() {
        assert_eq!(IdentityWindow::DAILY.iso8601().as_deref(), Some("P1D"));
    }

    #[test]
    fn identity_window_source_ids_has_none() {
        assert_eq!(IdentityWindow::SourceIds.iso8601(), None);
    }

    #[test]
    fn identity_window_week_periods_align() {
        let window = IdentityWindow::Rotating { days: 7 };
        let date = NaiveDate::from_ymd_opt(2026, 3, 4).unwrap();
        let start = window.period_start(date);
        assert_eq!(
            window.period_start(start + chrono::Duration::days(6)),
            start
        );
        assert_ne!(
            window.period_start(start + chrono::Duration::days(7)),
            start
        );
    }
}
