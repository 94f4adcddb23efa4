//! `GET /api/v1/analytics/breakdown` and `/heatmap`: event counts of a range by category,
//! traffic source or device with the previous period beside them, and the segment ×
//! category matrix. Both read the daily rollups, never the raw events.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Query, State};
use chrono::{Days, NaiveDate};
use domain::Invalid;
use domain::analytics::rollup::KindCounts;
use domain::analytics::segment::top_level_category;
use serde::{Deserialize, Serialize};
use store::analytics::rollups::{self, DayRange, Dimension, Group};
use utoipa::{IntoParams, ToSchema};

use super::summary::{SummaryParams, authorized_shop, parse_flag, parse_range};
use crate::context::{Auth, Identity};
use crate::error::AppResult;
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
    /// Breakdown: `category` (default), `source` or `device`. Heatmap: the segment, `device`
    /// (default) or `source`.
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
    pub shop: Option<String>,
    pub current: DayRange,
    pub previous: DayRange,
}

/// Checks `params`, the caller's access to the shop, and computes both periods.
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
    Ok(Report {
        shop: shop.map(|shop| shop.slug),
        current,
        previous: previous_period(&current)?,
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

fn parse_limit(value: Option<&str>) -> Result<usize, Invalid> {
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

    let current = rollups::grouped(events_db, &report.current, by, None).await?;
    let previous = rollups::grouped(events_db, &report.previous, by, None).await?;
    let previous: BTreeMap<String, KindCounts> = previous
        .into_iter()
        .map(|group| (group.key, group.counts))
        .collect();

    let mut total = KindCounts::default();
    let mut rows: Vec<BreakdownRow> = current
        .into_iter()
        .map(|group| {
            total += group.counts;
            BreakdownRow {
                current: group.counts.into(),
                previous: previous.get(&group.key).copied().unwrap_or_default().into(),
                key: group.key,
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
        shop: report.shop,
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

/// One cell of the segment × category matrix.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HeatmapCell {
    /// The device class or traffic source.
    pub segment: String,
    /// Top-level category, `(none)` for events without one.
    pub category: String,
    pub product_views: i64,
    /// This cell's product views / all product views of the segment, unrounded; `null` when
    /// the segment has none.
    pub share_of_segment: Option<f64>,
    pub purchases: i64,
    /// Purchase events / product views of the cell, unrounded; `null` without views. Counted
    /// from events, not visitors: the visitor conversion is in the summary.
    pub purchases_per_view: Option<f64>,
}

/// "Who looks at what": product views and purchases by segment and top-level category.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HeatmapJson {
    pub shop: Option<String>,
    /// `device` or `source`.
    pub segment: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub bots_included: bool,
    /// Cells with at least one event, ordered by segment and category.
    pub cells: Vec<HeatmapCell>,
}

fn parse_segment(value: Option<&str>) -> Result<Dimension, Invalid> {
    match value.map(str::trim) {
        None | Some("") | Some("device") => Ok(Dimension::Device),
        Some("source") => Ok(Dimension::Source),
        Some(other) => Err(Invalid::not_one_of("by", other, &["device", "source"])),
    }
}

/// Returns the segment × category matrix of a range.
#[utoipa::path(get, path = "/api/v1/analytics/heatmap", tag = "analytics", params(BreakdownParams),
    responses((status = 200, body = HeatmapJson), (status = 401), (status = 403), (status = 404), (status = 422)))]
pub async fn heatmap_get(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Query(params): Query<BreakdownParams>,
) -> AppResult<Json<HeatmapJson>> {
    heatmap(&state, &identity, &params).await.map(Json)
}

/// Computes the matrix that `params` select; the API, the page and the exports share it.
pub async fn heatmap(
    state: &AppState,
    identity: &Identity,
    params: &BreakdownParams,
) -> AppResult<HeatmapJson> {
    let segment = parse_segment(params.by.as_deref())?;
    let report = report(state, identity, params).await?;
    let events_db = super::events_db(state)?;
    let groups = rollups::grouped(
        events_db,
        &report.current,
        segment,
        Some(Dimension::Category),
    )
    .await?;

    Ok(HeatmapJson {
        shop: report.shop,
        segment: dimension_name(segment).to_string(),
        from: report.current.from,
        to: report.current.to,
        bots_included: report.current.include_bots,
        cells: cells(groups),
    })
}

/// Folds (segment, category path) groups into (segment, top-level category) cells.
fn cells(groups: Vec<Group>) -> Vec<HeatmapCell> {
    let mut by_cell: BTreeMap<(String, String), KindCounts> = BTreeMap::new();
    let mut segment_views: BTreeMap<String, i64> = BTreeMap::new();
    for group in groups {
        let category = top_level_category(Some(&group.subkey)).to_string();
        *segment_views.entry(group.key.clone()).or_default() += group.counts.product_view;
        *by_cell.entry((group.key, category)).or_default() += group.counts;
    }
    let ratio = |part: i64, whole: i64| (whole > 0).then(|| part as f64 / whole as f64);
    by_cell
        .into_iter()
        .map(|((segment, category), counts)| HeatmapCell {
            share_of_segment: ratio(
                counts.product_view,
                segment_views.get(&segment).copied().unwrap_or(0),
            ),
            purchases_per_view: ratio(counts.purchase, counts.product_view),
            product_views: counts.product_view,
            purchases: counts.purchase,
            segment,
            category,
        })
        .collect()
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

    #[test]
    fn cells_share_is_within_segment() {
        let group = |segment: &str, category: &str, views: i64, purchases: i64| Group {
            key: segment.into(),
            subkey: category.into(),
            counts: KindCounts {
                product_view: views,
                purchase: purchases,
                ..KindCounts::default()
            },
        };
        let cells = cells(vec![
            group("desktop", "electronics.phones", 3, 1),
            group("desktop", "electronics.tv", 1, 0),
            group("desktop", "books", 4, 0),
            group("mobile", "books", 2, 0),
        ]);
        let summary: Vec<(&str, &str, i64, Option<f64>)> = cells
            .iter()
            .map(|c| {
                (
                    c.segment.as_str(),
                    c.category.as_str(),
                    c.product_views,
                    c.share_of_segment,
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("desktop", "books", 4, Some(0.5)),
                ("desktop", "electronics", 4, Some(0.5)),
                ("mobile", "books", 2, Some(1.0)),
            ]
        );
        assert_eq!(cells[1].purchases_per_view, Some(0.25));
    }
}
