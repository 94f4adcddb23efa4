//! `GET /api/v1/analytics/trends`: week-over-week or month-over-month growth per top-level
//! category across all shops (or one), the fastest growing and falling categories, and a
//! daily series per category. Reads the per-day category rows.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use chrono::{Days, NaiveDate};
use domain::Invalid;
use domain::analytics::report_dates::check_report_date;
use domain::analytics::segment::{NO_CATEGORY, top_level_category};
use domain::analytics::segment_day::CategoryCounts;
use domain::analytics::session::local_date;
use domain::analytics::trends::{self, CategoryTrend, Growth, Period, rank};
use serde::{Deserialize, Serialize};
use store::analytics::day_segments;
use store::analytics::rollups::DayRange;
use utoipa::{IntoParams, ToSchema};

use super::summary::{PLATFORM_ZONE, authorized_shop, parse_flag, present};
use crate::context::{Auth, Identity};
use crate::error::AppResult;
use crate::query::Query;
use crate::state::AppState;

/// Categories kept in each ranking.
const RANKING_LIMIT: usize = 10;

/// Parameters of the market trends.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TrendsParams {
    /// The shop's slug; without it, every shop of the platform.
    pub shop: Option<String>,
    /// The last day of the current period, `YYYY-MM-DD`; today in Moscow by default.
    pub date: Option<String>,
    /// `week` (ISO week, default) or `month` (calendar month).
    pub period: Option<String>,
    /// `views` (product views, default), `add_to_carts`, `purchases` (purchase events),
    /// `orders` (deduplicated as in the summary) or `revenue` (gross, in kopecks).
    pub metric: Option<String>,
    /// Smallest value, in the larger of the two periods, for a category to be ranked; 100
    /// views, 10 adds to cart, purchases or orders, or 1,000,000 kopecks by default.
    pub min_volume: Option<String>,
    /// `true` counts bot events too.
    pub include_bots: Option<String>,
}

/// One category's value in both periods.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TrendJson {
    pub category: String,
    pub current: i64,
    pub previous: i64,
    /// Relative change, 0.25 for +25 %; `null` when the previous period had none.
    pub growth: Option<f64>,
}

/// One category's daily values from the start of the previous period to `date`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SeriesJson {
    pub category: String,
    /// One value per day of `days`.
    pub values: Vec<i64>,
}

/// Growth per category and the rankings.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TrendsJson {
    pub shop: Option<String>,
    /// `week` or `month`.
    pub period: String,
    /// `views`, `add_to_carts`, `purchases`, `orders` or `revenue`. Revenue values are
    /// kopecks; an order counts on the day it was first bought, under the category of that
    /// purchase event.
    pub metric: String,
    pub current_from: NaiveDate,
    pub current_to: NaiveDate,
    /// The previous period has as many days as the current one has so far.
    pub previous_from: NaiveDate,
    pub previous_to: NaiveDate,
    /// Every category with a value in either period, the largest current value first.
    pub categories: Vec<TrendJson>,
    pub growing: Vec<TrendJson>,
    pub falling: Vec<TrendJson>,
    /// Categories that had none in the previous period.
    pub new: Vec<TrendJson>,
    /// The days of the series.
    pub days: Vec<NaiveDate>,
    pub series: Vec<SeriesJson>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Metric {
    Views,
    AddToCarts,
    Purchases,
    Orders,
    Revenue,
}

impl Metric {
    const ALL: [Metric; 5] = [
        Metric::Views,
        Metric::AddToCarts,
        Metric::Purchases,
        Metric::Orders,
        Metric::Revenue,
    ];

    fn parse(value: Option<&str>) -> Result<Metric, Invalid> {
        let name = value.map(str::trim).filter(|name| !name.is_empty());
        let Some(name) = name else {
            return Ok(Metric::Views);
        };
        Metric::ALL
            .into_iter()
            .find(|metric| metric.name() == name)
            .ok_or_else(|| {
                let names: Vec<&str> = Metric::ALL.iter().map(|metric| metric.name()).collect();
                Invalid::not_one_of("metric", name, &names)
            })
    }

    fn name(self) -> &'static str {
        match self {
            Metric::Views => "views",
            Metric::AddToCarts => "add_to_carts",
            Metric::Purchases => "purchases",
            Metric::Orders => "orders",
            Metric::Revenue => "revenue",
        }
    }

    fn of(self, counts: &CategoryCounts) -> i64 {
        match self {
            Metric::Views => counts.events.product_view,
            Metric::AddToCarts => counts.events.add_to_cart,
            Metric::Purchases => counts.events.purchase,
            Metric::Orders => counts.orders,
            Metric::Revenue => counts.gross_kopecks,
        }
    }

    fn min_volume(self) -> i64 {
        match self {
            Metric::Views => trends::MIN_VIEWS,
            Metric::AddToCarts | Metric::Purchases | Metric::Orders => trends::MIN_ORDERS,
            Metric::Revenue => trends::MIN_REVENUE_KOPECKS,
        }
    }
}

fn parse_period(value: Option<&str>) -> Result<(Period, &'static str), Invalid> {
    match value.map(str::trim) {
        None | Some("") | Some("week") => Ok((Period::Week, "week")),
        Some("month") => Ok((Period::Month, "month")),
        Some(other) => Err(Invalid::not_one_of("period", other, &["week", "month"])),
    }
}

/// Parses `date`, today in Moscow when absent, within the report date bounds of the summary.
fn parse_date(value: Option<&str>) -> Result<NaiveDate, Invalid> {
    let today = local_date(domain::time::now(), PLATFORM_ZONE);
    let Some(text) = value.map(str::trim).filter(|text| !text.is_empty()) else {
        return Ok(today);
    };
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| Invalid::new("date", "analytics-date-invalid").arg("value", text))?;
    check_report_date("date", date, today)
}

fn parse_min_volume(value: Option<&str>, metric: Metric) -> Result<i64, Invalid> {
    let Some(text) = value.map(str::trim).filter(|text| !text.is_empty()) else {
        return Ok(metric.min_volume());
    };
    text.parse::<i64>()
        .ok()
        .filter(|volume| *volume >= 0)
        .ok_or_else(|| {
            Invalid::new("min_volume", "analytics-min-volume-invalid").arg("value", text)
        })
}

fn last_day(end_exclusive: NaiveDate) -> NaiveDate {
    end_exclusive
        .checked_sub_days(Days::new(1))
        .unwrap_or(end_exclusive)
}

/// Returns the category trends of the period that ends on `date`.
#[utoipa::path(get, path = "/api/v1/analytics/trends", tag = "analytics", params(TrendsParams),
    responses((status = 200, body = TrendsJson), (status = 401), (status = 403), (status = 404), (status = 422)))]
pub async fn get(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Query(params): Query<TrendsParams>,
) -> AppResult<Json<TrendsJson>> {
    compute(&state, &identity, &params).await.map(Json)
}

/// Computes the trends that `params` select, after the permission check; the API, the page
/// and the export share it.
pub async fn compute(
    state: &AppState,
    identity: &Identity,
    params: &TrendsParams,
) -> AppResult<TrendsJson> {
    let metric = Metric::parse(params.metric.as_deref())?;
    let (period, period_name) = parse_period(params.period.as_deref())?;
    let date = parse_date(present(&params.date))?;
    let min_volume = parse_min_volume(params.min_volume.as_deref(), metric)?;
    let include_bots = parse_flag("include_bots", params.include_bots.as_deref())?;
    let shop = authorized_shop(state, identity, &params.shop).await?;
    let events_db = super::events_db(state)?;

    let (current, previous) = period.comparison(date);
    let range = DayRange {
        shop_id: shop.as_ref().map(|shop| shop.id),
        from: previous.start,
        to: date,
        include_bots,
    };
    super::days::refresh(state, shop.as_ref(), (range.from, range.to)).await?;
    let groups = day_segments::categories(events_db, &range, true).await?;

    let days: Vec<NaiveDate> = previous
        .start
        .iter_days()
        .take_while(|day| *day <= date)
        .collect();
    let mut by_category: BTreeMap<String, BTreeMap<NaiveDate, i64>> = BTreeMap::new();
    for group in groups {
        let category = top_level_category(Some(&group.category));
        let value = metric.of(&group.counts);
        let Ok(day) = NaiveDate::parse_from_str(&group.day, "%Y-%m-%d") else {
            continue;
        };
        if category == NO_CATEGORY || value == 0 {
            continue;
        }
        *by_category
            .entry(category.to_string())
            .or_default()
            .entry(day)
            .or_default() += value;
    }

    let in_range = |values: &BTreeMap<NaiveDate, i64>, start: NaiveDate, end: NaiveDate| {
        values
            .range(start..end)
            .map(|(_, value)| value)
            .sum::<i64>()
    };
    let mut categories: Vec<CategoryTrend> = by_category
        .iter()
        .map(|(category, values)| {
            CategoryTrend::new(
                category.clone(),
                in_range(values, current.start, current.end),
                in_range(values, previous.start, previous.end),
            )
        })
        .collect();
    categories.sort_by(|a, b| b.current.cmp(&a.current).then(a.category.cmp(&b.category)));
    let ranking = rank(categories.clone(), min_volume, RANKING_LIMIT);
    let series = by_category
        .iter()
        .map(|(category, values)| SeriesJson {
            category: category.clone(),
            values: days
                .iter()
                .map(|day| values.get(day).copied().unwrap_or(0))
                .collect(),
        })
        .collect();

    let to_json = |trends: Vec<CategoryTrend>| trends.into_iter().map(trend_json).collect();
    Ok(TrendsJson {
        shop: shop.map(|shop| shop.slug),
        period: period_name.to_string(),
        metric: metric.name().to_string(),
        current_from: current.start,
        current_to: last_day(current.end),
        previous_from: previous.start,
        previous_to: last_day(previous.end),
        categories: to_json(categories),
        growing: to_json(ranking.growing),
        falling: to_json(ranking.falling),
        new: to_json(ranking.new),
        days,
        series,
    })
}

fn trend_json(trend: CategoryTrend) -> TrendJson {
    TrendJson {
        growth: match trend.growth {
            Growth::Relative(ratio) => Some(ratio),
            Growth::New | Growth::None => None,
        },
        category: trend.category,
        current: trend.current,
        previous: trend.previous,
    }
}
