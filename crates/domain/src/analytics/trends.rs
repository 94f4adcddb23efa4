//! Market trends: week-over-week and month-over-month growth per category across all shops,
//! and the fastest growing and falling categories.
//!
//! Weeks are ISO weeks (Monday to Sunday). A period still running is compared with the same
//! number of days at the start of the previous period, so a half month is not compared with
//! a whole one.

use std::cmp::Ordering;

use chrono::{Datelike, Days, Months, NaiveDate};

/// The comparison period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// ISO week, Monday to Sunday: week-over-week.
    Week,
    /// Calendar month: month-over-month.
    Month,
}

/// A range of calendar dates, end exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Period {
    /// Returns the whole period that contains `date`.
    pub fn containing(self, date: NaiveDate) -> DateRange {
        let start = match self {
            Period::Week => date - Days::new(u64::from(date.weekday().num_days_from_monday())),
            Period::Month => date.with_day(1).unwrap_or(date),
        };
        DateRange {
            start,
            end: self.next_start(start),
        }
    }

    fn next_start(self, start: NaiveDate) -> NaiveDate {
        match self {
            Period::Week => start + Days::new(7),
            Period::Month => start + Months::new(1),
        }
    }

    /// Returns the current and the previous range to compare on `today`. The current range
    /// ends with `today`, and the previous one has as many days from the start of the previous
    /// period, capped at that period's length.
    pub fn comparison(self, today: NaiveDate) -> (DateRange, DateRange) {
        let current = DateRange {
            start: self.containing(today).start,
            end: today + Days::new(1),
        };
        let previous_whole = self.containing(current.start - Days::new(1));
        let elapsed = (current.end - current.start).num_days();
        let clipped_end = previous_whole.start + Days::new(elapsed.unsigned_abs());
        let previous = DateRange {
            start: previous_whole.start,
            end: clipped_end.min(previous_whole.end),
        };
        (current, previous)
    }
}

/// Change of a figure from the previous period to the current one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Growth {
    /// Relative change: 0.25 is +25 %, −1.0 is −100 % (the figure fell to zero).
    Relative(f64),
    /// The previous period had zero and the current one has more: no percentage exists.
    New,
    /// Both periods had zero.
    None,
}

/// Computes the growth from `previous` to `current`. A zero previous value yields
/// [`Growth::New`] or [`Growth::None`] instead of a division by zero.
pub fn growth(current: i64, previous: i64) -> Growth {
    match (previous, current) {
        (0, 0) => Growth::None,
        (0, _) => Growth::New,
        _ => Growth::Relative(
            current.saturating_sub(previous) as f64 / previous.unsigned_abs() as f64,
        ),
    }
}

/// One category's figure in two periods.
#[derive(Debug, Clone, PartialEq)]
pub struct CategoryTrend {
    pub category: String,
    pub current: i64,
    pub previous: i64,
    pub growth: Growth,
}

impl CategoryTrend {
    /// Pairs the two values and computes the growth.
    pub fn new(category: impl Into<String>, current: i64, previous: i64) -> Self {
        Self {
            category: category.into(),
            current,
            previous,
            growth: growth(current, previous),
        }
    }
}

/// Default minimum volumes for a category to enter a ranking, in the larger of its two
/// periods, so that 1 → 3 views (+200 %) does not top the list.
pub const MIN_VIEWS: i64 = 100;
/// Default minimum orders, as [`MIN_VIEWS`].
pub const MIN_ORDERS: i64 = 10;
/// Default minimum revenue in kopecks (10,000 roubles), as [`MIN_VIEWS`].
pub const MIN_REVENUE_KOPECKS: i64 = 1_000_000;

/// The fastest growing and falling categories, and those that appeared from zero.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ranking {
    /// Largest relative growth first; ties by larger absolute change, then by name.
    pub growing: Vec<CategoryTrend>,
    /// Largest relative fall first.
    pub falling: Vec<CategoryTrend>,
    /// Previous period zero: listed apart because they have no percentage, largest first.
    pub new: Vec<CategoryTrend>,
}

/// Ranks categories whose larger period reaches `min_volume`, keeping `limit` in each list.
/// Unchanged categories appear in neither list.
pub fn rank(
    trends: impl IntoIterator<Item = CategoryTrend>,
    min_volume: i64,
    limit: usize,
) -> Ranking {
    let mut ranking = Ranking::default();
    for trend in trends {
        if trend.current.max(trend.previous) < min_volume {
            continue;
        }
        match trend.growth {
            Growth::Relative(change) if change > 0.0 => ranking.growing.push(trend),
            Growth::Relative(change) if change < 0.0 => ranking.falling.push(trend),
            Growth::New => ranking.new.push(trend),
            Growth::Relative(_) | Growth::None => {}
        }
    }

    ranking
        .growing
        .sort_by(|a, b| by_change(b, a).then_with(|| a.category.cmp(&b.category)));
    ranking
        .falling
        .sort_by(|a, b| by_change(a, b).then_with(|| a.category.cmp(&b.category)));
    ranking.new.sort_by(|a, b| {
        b.current
            .cmp(&a.current)
            .then_with(|| a.category.cmp(&b.category))
    });
    ranking.growing.truncate(limit);
    ranking.falling.truncate(limit);
    ranking.new.truncate(limit);
    ranking
}

/// Orders by relative change, then by absolute change, ascending.
fn by_change(a: &CategoryTrend, b: &CategoryTrend) -> Ordering {
    let relative = |trend: &CategoryTrend| match trend.growth {
        Growth::Relative(change) => change,
        Growth::New | Growth::None => 0.0,
    };
    relative(a).total_cmp(&relative(b)).then_with(|| {
        a.current
            .saturating_sub(a.previous)
            .cmp(&b.current.saturating_sub(b.previous))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn names(list: &[CategoryTrend]) -> Vec<&str> {
        list.iter().map(|trend| trend.category.as_str()).collect()
    }

    #[test]
    fn growth_relative_change() {
        assert_eq!(growth(125, 100), Growth::Relative(0.25));
        assert_eq!(growth(0, 100), Growth::Relative(-1.0));
    }

    #[test]
    fn growth_from_zero_is_new() {
        assert_eq!(growth(5, 0), Growth::New);
    }

    #[test]
    fn growth_both_zero_is_none() {
        assert_eq!(growth(0, 0), Growth::None);
    }

    #[test]
    fn period_week_starts_monday() {
        let week = Period::Week.containing(date(2026, 3, 4));
        assert_eq!(week.start, date(2026, 3, 2));
        assert_eq!(week.end, date(2026, 3, 9));
    }

    #[test]
    fn period_comparison_clips_partial_month() {
        let (current, previous) = Period::Month.comparison(date(2026, 3, 15));
        assert_eq!(current.start, date(2026, 3, 1));
        assert_eq!(current.end, date(2026, 3, 16));
        assert_eq!(previous.start, date(2026, 2, 1));
        assert_eq!(previous.end, date(2026, 2, 16));
    }

    #[test]
    fn period_comparison_month_end_fits_shorter_month() {
        let (_, previous) = Period::Month.comparison(date(2026, 3, 31));
        assert_eq!(previous.end, date(2026, 3, 1));
    }

    #[test]
    fn period_comparison_week_over_week() {
        let (current, previous) = Period::Week.comparison(date(2026, 3, 8));
        assert_eq!(
            (current.start, current.end),
            (date(2026, 3, 2), date(2026, 3, 9))
        );
        assert_eq!(
            (previous.start, previous.end),
            (date(2026, 2, 23), date(2026, 3, 2))
        );
    }

    #[test]
    fn rank_skips_tiny_categories() {
        let trends = [
            CategoryTrend::new("tiny", 3, 1),
            CategoryTrend::new("phones", 150, 100),
            CategoryTrend::new("sofas", 120, 100),
            CategoryTrend::new("kettles", 50, 200),
        ];
        let ranking = rank(trends, MIN_VIEWS, 10);
        assert_eq!(names(&ranking.growing), ["phones", "sofas"]);
        assert_eq!(names(&ranking.falling), ["kettles"]);
    }

    #[test]
    fn rank_lists_new_apart() {
        let ranking = rank([CategoryTrend::new("drones", 400, 0)], MIN_VIEWS, 10);
        assert_eq!(names(&ranking.new), ["drones"]);
        assert!(ranking.growing.is_empty());
    }

    #[test]
    fn rank_keeps_limit() {
        let trends = (1..=5).map(|step| CategoryTrend::new(format!("c{step}"), 100 + step, 100));
        assert_eq!(rank(trends, MIN_VIEWS, 2).growing.len(), 2);
    }
}
