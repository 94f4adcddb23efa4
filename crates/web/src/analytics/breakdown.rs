//! `GET /api/v1/analytics/breakdown`: event counts of a range by category, traffic source or
//! device with the previous period beside them. Categories come from the per-day category
//! rows, sources and devices from the daily rollups, never from the raw events.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use chrono::{Days, NaiveDate};
use domain::Invalid;
use domain::analytics::rollup::KindCounts;
use serde::{Deserialize, Serialize};
use store::analytics::day_segments;
use store::analytics::rollups::{self, DayRange, Dimension};
use store::shops::Shop;
use utoipa::{IntoParams, ToSchema};

use super::summary::{SummaryParams, authorized_shop, parse_flag, parse_range};
use crate::context::{Auth, Identity};
use crate::error::AppResult;
use crate::query::Query;
use crate::state::AppState;

/// Rows a breakdown returns unless `limit` says otherwise.
const DEFAULT_LIMIT: usize = 20;
/// Largest `limit` accepted.
const MAX_LIMIT: usize = 1000;

/// Parameters of a breakdown or heatmap.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BreakdownParams {
    /// The shop's slug; without it, every shop of the platform, each on its own calendar days.
    pub shop: Option<String>,
    /// First day, `YYYY-MM-DD`, in the shop's zone.
    pub from: Option<String>,
    /// Last day, included.
    pub to: Option<String>,
    /// `true` counts bot events too; by default they are left out.
    pub include_bots: Option<String>,
    /// Breakdown: `category` (default), `source` or `device`. Heatmap: the segment dimension,
    /// `device` (default), `recency`, `source`, `account`, `buyer` or `price_tier`.
    pub by: Option<String>,
    /// Breakdown: rows returned, the most viewed first; 20 by default, at most 1000.
    pub limit: Option<String>,
}

/// Event counts of one group. `purchases` counts purchase events, so an order sent twice
/// counts twice here; the summary's `orders` deduplicates them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, ToSchema)]
pub struct CountsJson {
    /// Page loads: `page_view` and `product_view` events.
    pub page_views: i64,
    pub product_views: i64,
    pub add_to_carts: i64,
    pub checkouts: i64,
    pub purchases: i64,
    pub refunds: i64,
}

impl From<KindCounts> for CountsJson {
    fn from(counts: KindCounts) -> Self {
        CountsJson {
            page_views: counts.page_loads(),
            product_views: counts.product_view,
            add_to_carts: counts.add_to_cart,
            checkouts: counts.checkout,
            purchases: counts.purchase,
            refunds: counts.refund,
        }
    }
}

/// One row of a breakdown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BreakdownRow {
    /// The category path (`""` for events without one), source or device class.
    pub key: String,
    pub current: CountsJson,
    /// The same days immediately before `from`.
    pub previous: CountsJson,
}

/// Counts of a range by one dimension, compared with the previous period of equal length.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BreakdownJson {
    /// The shop's slug, or `null` for the platform.
    pub shop: Option<String>,
    /// `category`, `source` or `device`.
    pub by: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub previous_from: NaiveDate,
    pub previous_to: NaiveDate,
    pub bots_included: bool,
    /// Rows of the current period, the most page views first, at most `limit`.
    pub rows: Vec<BreakdownRow>,
    /// Totals of every row, also those past `limit`.
    pub total: CountsJson,
    pub previous_total: CountsJson,
}

/// The range and options of a rollup report after validation and the permission check.
pub struct Report {
    pub shop: Option<Shop>,
    pub current: DayRange,
    pub previous: DayRange,
}

impl Report {
    /// Returns the shop's slug, or `None` for the platform.
    pub fn slug(&self) -> Option<String> {
        self.shop.as_ref().map(|shop| shop.slug.clone())
    }
}

/// Checks `params`, the caller's access to the shop, and computes both periods. Computes
/// the queued days of both periods, so the per-day rows read next are complete.
pub async fn report(
    state: &AppState,
    identity: &Identity,
    params: &BreakdownParams,
) -> AppResult<Report> {
    let shop = authorized_shop(state, identity, &params.shop).await?;
    let (from, to) = parse_range(&SummaryParams {
        shop: None,
        from: params.from.clone(),
        to: params.to.clone(),
        include_bots: None,
    })?;
    let include_bots = parse_flag("include_bots", params.include_bots.as_deref())?;
    let current = DayRange {
        shop_id: shop.as_ref().map(|shop| shop.id),
        from,
        to,
        include_bots,
    };
    let previous = previous_period(&current)?;
    super::days::refresh(state, shop.as_ref(), (previous.from, current.to)).await?;
    Ok(Report {
        shop,
        current,
        previous,
    })
}

/// The days of equal number immediately before `range`.
fn previous_period(range: &DayRange) -> Result<DayRange, Invalid> {
    let days = (range.to - range.from).num_days() + 1;
    let before = |date: NaiveDate, by: i64| {
        date.checked_sub_days(Days::new(by.unsigned_abs()))
            .ok_or_else(|| Invalid::new("from", "analytics-date-invalid").arg("value", date))
    };
    Ok(DayRange {
        from: before(range.from, days)?,
        to: before(range.from, 1)?,
        ..*range
    })
}

fn parse_breakdown_dimension(value: Option<&str>) -> Result<Dimension, Invalid> {
    match value.map(str::trim) {
        None | Some("") | Some("category") => Ok(Dimension::Category),
        Some("source") => Ok(Dimension::Source),
        Some("device") => Ok(Dimension::Device),
        Some(other) => Err(Invalid::not_one_of(
            "by",
            other,
            &["category", "source", "device"],
        )),
    }
}

pub(super) fn parse_limit(value: Option<&str>) -> Result<usize, Invalid> {
    let Some(text) = value.map(str::trim).filter(|text| !text.is_empty()) else {
        return Ok(DEFAULT_LIMIT);
    };
    text.parse::<usize>()
        .ok()
        .filter(|limit| (1..=MAX_LIMIT).contains(limit))
        .ok_or_else(|| {
            Invalid::new("limit", "analytics-limit-invalid")
                .arg("value", text)
                .arg("max", MAX_LIMIT)
        })
}

fn dimension_name(dimension: Dimension) -> &'static str {
    match dimension {
        Dimension::Day => "day",
        Dimension::Category => "category",
        Dimension::Source => "source",
        Dimension::Device => "device",
    }
}

/// Sums the counts of `range` by `by`: categories from the per-day category rows, sources
/// and devices from the rollups.
async fn grouped(
    events_db: &store::Db,
    range: &DayRange,
    by: Dimension,
) -> AppResult<Vec<(String, KindCounts)>> {
    if by == Dimension::Category {
        let groups = day_segments::categories(events_db, range, false).await?;
        return Ok(groups
            .into_iter()
            .map(|group| (group.category, group.counts.events))
            .collect());
    }
    let groups = rollups::grouped(events_db, range, by, None).await?;
    Ok(groups
        .into_iter()
        .map(|group| (group.key, group.counts))
        .collect())
}

/// Returns the counts of a range by category, source or device.
#[utoipa::path(get, path = "/api/v1/analytics/breakdown", tag = "analytics", params(BreakdownParams),
    responses((status = 200, body = BreakdownJson), (status = 401), (status = 403), (status = 404), (status = 422)))]
pub async fn get(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Query(params): Query<BreakdownParams>,
) -> AppResult<Json<BreakdownJson>> {
    breakdown(&state, &identity, &params).await.map(Json)
}

/// Computes the breakdown that `params` select; the API, the page and the exports share it.
pub async fn breakdown(
    state: &AppState,
    identity: &Identity,
    params: &BreakdownParams,
) -> AppResult<BreakdownJson> {
    let by = parse_breakdown_dimension(params.by.as_deref())?;
    let limit = parse_limit(params.limit.as_deref())?;
    let report = report(state, identity, params).await?;
    let events_db = super::events_db(state)?;

    let current = grouped(events_db, &report.current, by).await?;
    let previous: BTreeMap<String, KindCounts> = grouped(events_db, &report.previous, by)
        .await?
        .into_iter()
        .collect();

    let mut total = KindCounts::default();
    let mut rows: Vec<BreakdownRow> = current
        .into_iter()
        .map(|(key, counts)| {
            total += counts;
            BreakdownRow {
                current: counts.into(),
                previous: previous.get(&key).copied().unwrap_or_default().into(),
                key,
            }
        })
        .collect();
    rows.sort_by(|a, b| (b.current.page_views, &a.key).cmp(&(a.current.page_views, &b.key)));
    rows.truncate(limit);
    let mut previous_total = KindCounts::default();
    for counts in previous.values() {
        previous_total += *counts;
    }

    Ok(BreakdownJson {
        shop: report.slug(),
        by: dimension_name(by).to_string(),
        from: report.current.from,
        to: report.current.to,
        previous_from: report.previous.from,
        previous_to: report.previous.to,
        bots_included: report.current.include_bots,
        rows,
        total: total.into(),
        previous_total: previous_total.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(from: u32, to: u32) -> DayRange {
        DayRange {
            shop_id: None,
            from: NaiveDate::from_ymd_opt(2026, 3, from).unwrap_or_default(),
            to: NaiveDate::from_ymd_opt(2026, 3, to).unwrap_or_default(),
            include_bots: false,
        }
    }

    #[test]
    fn previous_period_has_equal_length() {
        let previous = previous_period(&range(11, 20)).unwrap_or_else(|_| range(1, 1));
        assert_eq!(
            (previous.from, previous.to),
            (range(1, 1).from, range(10, 10).to)
        );
    }

    #[test]
    fn limit_rejects_zero_and_too_large() {
        assert!(parse_limit(Some("0")).is_err());
        assert!(parse_limit(Some("1001")).is_err());
        assert_eq!(parse_limit(Some("5")), Ok(5));
        assert_eq!(parse_limit(None), Ok(DEFAULT_LIMIT));
    }
}
