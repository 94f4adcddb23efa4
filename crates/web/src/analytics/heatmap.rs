//! `GET /api/v1/analytics/heatmap`: "who looks at what", product views, adds to cart,
//! purchases and conversion by visitor segment and top-level category. Reads the per-day
//! segment rows, never the raw events.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use domain::Invalid;
use domain::analytics::segment_day::Dimension;
use serde::Serialize;
use store::analytics::day_segments::{self, CellGroup};
use utoipa::ToSchema;

use super::breakdown::{BreakdownParams, report};
use crate::context::{Auth, Identity};
use crate::error::AppResult;
use crate::query::Query;
use crate::state::AppState;

/// One cell of the segment × category matrix.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HeatmapCell {
    /// The segment within the dimension, such as `mobile`, `returning` or `high`.
    pub segment: String,
    /// Top-level category, `(none)` for events without one.
    pub category: String,
    pub product_views: i64,
    /// This cell's product views / all product views of the segment, unrounded; `null` when
    /// the segment has none.
    pub share_of_segment: Option<f64>,
    pub add_to_carts: i64,
    /// Purchase events, so an order sent twice counts twice here.
    pub purchases: i64,
    /// Purchase events / product views of the cell, unrounded; `null` without views.
    pub purchases_per_view: Option<f64>,
    /// Visitors with a product view in the cell, counted per day and added up over the days
    /// (visitor-days), so a visitor seen on two days counts twice.
    pub visitors: i64,
    /// Those of `visitors` who bought a product of the category on the same day.
    pub buyers: i64,
    /// `buyers` / `visitors`, unrounded; `null` without visitors.
    pub conversion: Option<f64>,
}

/// "Who looks at what": the cells of one segment dimension by top-level category.
///
/// Segments are fixed per shop-local day. A visitor is `new` on the first day the shop has
/// events of them, `registered` when some event of the day carried a customer id, and a
/// `buyer` when they sent a purchase that day (a repeated order included). Price tiers are tertiles
/// of the day's priced product views in the category (in the whole shop when the category
/// has fewer than 30), with prices compared in their own currency. Device and source are
/// those of each event.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HeatmapJson {
    pub shop: Option<String>,
    /// The dimension: `recency`, `device`, `source`, `account`, `buyer` or `price_tier`.
    pub segment: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub bots_included: bool,
    /// Cells with at least one product view, add to cart or purchase, ordered by segment and
    /// category.
    pub cells: Vec<HeatmapCell>,
}

/// Parses the segment dimension; `device` by default.
pub(super) fn parse_dimension(value: Option<&str>) -> Result<Dimension, Invalid> {
    let name = value.map(str::trim).filter(|name| !name.is_empty());
    let Some(name) = name else {
        return Ok(Dimension::Device);
    };
    Dimension::parse(name).ok_or_else(|| {
        let names: Vec<&str> = Dimension::ALL.iter().map(|d| d.name()).collect();
        Invalid::not_one_of("by", name, &names)
    })
}

/// Returns the segment × category matrix of a range.
#[utoipa::path(get, path = "/api/v1/analytics/heatmap", tag = "analytics", params(BreakdownParams),
    responses((status = 200, body = HeatmapJson), (status = 401), (status = 403), (status = 404), (status = 422)))]
pub async fn get(
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
    let dimension = parse_dimension(params.by.as_deref())?;
    let report = report(state, identity, params).await?;
    let events_db = super::events_db(state)?;
    let groups = day_segments::cells(events_db, &report.current, dimension).await?;

    Ok(HeatmapJson {
        shop: report.slug(),
        segment: dimension.name().to_string(),
        from: report.current.from,
        to: report.current.to,
        bots_included: report.current.include_bots,
        cells: cells(groups),
    })
}

fn ratio(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// Turns summed cells into the response's cells with their shares and ratios.
fn cells(groups: Vec<CellGroup>) -> Vec<HeatmapCell> {
    let mut segment_views: BTreeMap<String, i64> = BTreeMap::new();
    for group in &groups {
        *segment_views.entry(group.segment.clone()).or_default() += group.counts.product_views;
    }
    groups
        .into_iter()
        .map(|group| {
            let counts = group.counts;
            let segment_total = segment_views.get(&group.segment).copied().unwrap_or(0);
            HeatmapCell {
                share_of_segment: ratio(counts.product_views, segment_total),
                purchases_per_view: ratio(counts.purchases, counts.product_views),
                conversion: ratio(counts.buyers, counts.visitors),
                product_views: counts.product_views,
                add_to_carts: counts.add_to_carts,
                purchases: counts.purchases,
                visitors: counts.visitors,
                buyers: counts.buyers,
                segment: group.segment,
                category: group.category,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::analytics::segment_day::CellCounts;

    fn group(segment: &str, category: &str, views: i64, visitors: i64, buyers: i64) -> CellGroup {
        CellGroup {
            segment: segment.into(),
            category: category.into(),
            counts: CellCounts {
                product_views: views,
                visitors,
                buyers,
                ..CellCounts::default()
            },
        }
    }

    #[test]
    fn cells_share_is_within_segment() {
        let cells = cells(vec![
            group("new", "books", 3, 2, 1),
            group("new", "toys", 1, 1, 0),
            group("returning", "books", 2, 1, 1),
        ]);
        let shares: Vec<Option<f64>> = cells.iter().map(|c| c.share_of_segment).collect();
        assert_eq!(shares, [Some(0.75), Some(0.25), Some(1.0)]);
        assert_eq!(cells[0].conversion, Some(0.5));
    }

    #[test]
    fn parse_dimension_defaults_to_device() {
        assert_eq!(parse_dimension(None), Ok(Dimension::Device));
        assert_eq!(parse_dimension(Some("recency")), Ok(Dimension::Recency));
        assert!(parse_dimension(Some("category")).is_err());
    }
}
