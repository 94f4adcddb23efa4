//! Shops of the platform: the slug that names a shop in URLs and commands, its display name
//! and its IANA time zone, which decides where a shop's calendar days start.

use chrono_tz::Tz;

use crate::Invalid;

/// Minimum length of a slug in characters.
pub const SLUG_MIN_CHARS: usize = 2;
/// Maximum length of a slug in characters.
pub const SLUG_MAX_CHARS: usize = 64;
/// Maximum length of a shop's name in characters.
pub const NAME_MAX_CHARS: usize = 200;

/// Checks a slug: 2 to 64 lower-case Latin letters, digits and inner hyphens, such as
/// `flowers-spb`. Upper-case letters are lowered and surrounding spaces trimmed.
pub fn normalize_slug(slug: &str) -> Result<String, Invalid> {
    let slug = slug.trim().to_ascii_lowercase();
    let invalid = || Invalid::new("slug", "shop-slug-invalid").arg("value", &slug);
    let length = slug.chars().count();
    if !(SLUG_MIN_CHARS..=SLUG_MAX_CHARS).contains(&length) {
        return Err(invalid());
    }
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
    if !slug.chars().all(allowed) || slug.starts_with('-') || slug.ends_with('-') {
        return Err(invalid());
    }
    Ok(slug)
}

/// Checks a shop's name: not blank, at most 200 characters, no control characters.
pub fn normalize_name(name: &str) -> Result<String, Invalid> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Invalid::missing("name"));
    }
    if name.chars().count() > NAME_MAX_CHARS {
        return Err(Invalid::new("name", "error-too-long").arg("max", NAME_MAX_CHARS));
    }
    crate::text::check_characters("name", name)?;
    Ok(name.to_string())
}

/// Parses an IANA time zone name such as `Europe/Moscow` or `America/Bogota`.
pub fn parse_zone(field: &str, zone: &str) -> Result<Tz, Invalid> {
    zone.trim()
        .parse::<Tz>()
        .map_err(|_| Invalid::new(field, "shop-zone-invalid").arg("value", zone.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slug_lowercases_and_trims() {
        assert_eq!(normalize_slug(" Flowers-SPB ").unwrap(), "flowers-spb");
    }

    #[test]
    fn slug_rejects_bad_values() {
        for slug in ["a", "-shop", "shop-", "цветы", "my shop", "shop_1", ""] {
            let error = normalize_slug(slug).unwrap_err();
            assert_eq!(error.key, "shop-slug-invalid", "{slug}");
        }
    }

    #[test]
    fn slug_rejects_too_long() {
        assert!(normalize_slug(&"a".repeat(SLUG_MAX_CHARS + 1)).is_err());
        assert!(normalize_slug(&"a".repeat(SLUG_MAX_CHARS)).is_ok());
    }

    #[test]
    fn name_rejects_blank_and_control() {
        assert_eq!(normalize_name("  ").unwrap_err().key, "error-missing");
        assert!(normalize_name("Цветы\u{7}").is_err());
        assert_eq!(normalize_name(" Цветы ").unwrap(), "Цветы");
    }

    #[test]
    fn zone_parses_iana_names() {
        assert_eq!(
            parse_zone("tz", "Europe/Moscow").unwrap(),
            Tz::Europe__Moscow
        );
        let error = parse_zone("tz", "Mars/Olympus").unwrap_err();
        assert_eq!(error.key, "shop-zone-invalid");
        assert_eq!(error.field, "tz");
    }
}
