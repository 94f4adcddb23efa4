//! The dates that analytics reports accept: the summary's `from` and `to` and the trends'
//! `date`.

use chrono::{Days, NaiveDate};

use super::event::EARLIEST_EVENT_TIME;
use crate::Invalid;

/// Days after today that a report may reach: a year, so that a planned period such as the
/// whole current year fits, while a mistyped year (2062 for 2026) is rejected.
pub const MAX_DAYS_AHEAD: u64 = 366;

/// Returns the earliest date a report may cover: the day of [`EARLIEST_EVENT_TIME`]
/// (2000-01-01), because intake rejects earlier events, so earlier days hold none.
pub fn earliest_report_date() -> NaiveDate {
    EARLIEST_EVENT_TIME.date_naive()
}

/// Returns the latest date a report may cover when today is `today`.
pub fn latest_report_date(today: NaiveDate) -> NaiveDate {
    today
        .checked_add_days(Days::new(MAX_DAYS_AHEAD))
        .unwrap_or(NaiveDate::MAX)
}

/// Checks that `date`, sent as the parameter `field`, lies from 2000-01-01 to a year after
/// `today`, both included.
pub fn check_report_date(
    field: &'static str,
    date: NaiveDate,
    today: NaiveDate,
) -> Result<NaiveDate, Invalid> {
    let earliest = earliest_report_date();
    if date < earliest {
        return Err(Invalid::new(field, "analytics-date-too-early")
            .arg("value", date)
            .arg("earliest", earliest));
    }
    let latest = latest_report_date(today);
    if date > latest {
        return Err(Invalid::new(field, "analytics-date-too-late")
            .arg("value", date)
            .arg("latest", latest));
    }
    Ok(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn check_report_date_accepts_bounds() {
        let today = day("2026-03-01");
        assert_eq!(
            check_report_date("to", day("2000-01-01"), today),
            Ok(day("2000-01-01"))
        );
        assert_eq!(
            check_report_date("to", day("2027-03-02"), today),
            Ok(day("2027-03-02"))
        );
    }

    #[test]
    fn check_report_date_rejects_before_2000() {
        for date in ["1970-01-01", "1999-12-31"] {
            let error = check_report_date("from", day(date), day("2026-03-01")).unwrap_err();
            assert_eq!(error.key, "analytics-date-too-early", "{date}");
            assert_eq!(error.field, "from");
            assert!(error.args.contains(&("earliest", "2000-01-01".to_string())));
        }
    }

    #[test]
    fn check_report_date_rejects_far_future() {
        for date in ["2027-03-03", "2062-01-01", "9999-12-31"] {
            let error = check_report_date("date", day(date), day("2026-03-01")).unwrap_err();
            assert_eq!(error.key, "analytics-date-too-late", "{date}");
            assert!(error.args.contains(&("latest", "2027-03-02".to_string())));
        }
    }
}
