//! `GET /api/v1/analytics/heatmap/products`: the products behind one heatmap cell (a segment
//! × a top-level category), with their product views, adds to cart and purchases.
//!
//! The cell's day rows keep no products, so this reads the cell's days of raw events and
//! classifies them with the same rules as the day rows. The products therefore add up to
//! the cell.

use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use chrono::{Days, NaiveDate};
use chrono_tz::Tz;
use domain::Invalid;
use domain::analytics::segment_day::{DetailEvent, Dimension, ProductCounts, SegmentDay};
use domain::analytics::session::day_start;
use serde::{Deserialize, Serialize};
use store::analytics::day_segments;
use store::shops;
use utoipa::{IntoParams, ToSchema};

use super::breakdown::{BreakdownParams, parse_limit, report};
use super::heatmap::parse_dimension;
use super::summary::present;
use crate::context::{Auth, Identity};
use crate::error::AppResult;
use crate::query::Query;
use crate::state::AppState;

/// Parameters of a drill-down: the heatmap's parameters and the cell.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DrilldownParams {
    /// The shop's slug; without it, every shop of the platform.
    pub shop: Option<String>,
    /// First day, `YYYY-MM-DD`, in the shop's zone.
    pub from: Option<String>,
    /// Last day, included.
    pub to: Option<String>,
    /// `true` counts bot events too.
    pub include_bots: Option<String>,
    /// The segment dimension, as in the heatmap; `device` by default.
    pub by: Option<String>,
    /// The segment within the dimension, such as `mobile`.
    pub segment: Option<String>,
    /// The top-level category, `(none)` for events without one.
    pub category: Option<String>,
    /// Products returned, the most viewed first; 20 by default, at most 1000.
    pub limit: Option<String>,
}

/// Counts of one product, or of every product of the cell.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct ProductCountsJson {
    pub product_views: i64,
    pub add_to_carts: i64,
    /// Purchase events, as in the heatmap cell.
    pub purchases: i64,
}

impl From<ProductCounts> for ProductCountsJson {
    fn from(counts: ProductCounts) -> Self {
        ProductCountsJson {
            product_views: counts.product_views,
            add_to_carts: counts.add_to_carts,
            purchases: counts.purchases,
        }
    }
}

/// One product of the cell.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DrilldownProduct {
    /// The slug of the product's shop.
    pub shop: String,
    /// The sender's product id, `""` for events without one.
    pub product_id: String,
    #[serde(flatten)]
    pub counts: ProductCountsJson,
}

/// The products of one heatmap cell.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DrilldownJson {
    pub shop: Option<String>,
    /// The dimension, as `segment` of the heatmap.
    pub by: String,
    pub segment: String,
    pub category: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub bots_included: bool,
    /// The most viewed products first (then by adds to cart, shop and id), at most `limit`.
    pub products: Vec<DrilldownProduct>,
    /// Products of the cell, also those past `limit`.
    pub product_count: usize,
    /// Sums over every product of the cell: the heatmap cell's counts.
    pub total: ProductCountsJson,
}

/// Checks that `segment` belongs to `dimension`.
fn parse_segment(dimension: Dimension, value: Option<&str>) -> Result<String, Invalid> {
    let segment = value.ok_or_else(|| Invalid::missing("segment"))?;
    if dimension.segments().contains(&segment) {
        Ok(segment.to_string())
    } else {
        Err(Invalid::not_one_of(
            "segment",
            segment,
            dimension.segments(),
        ))
    }
}

/// Returns the products of one heatmap cell.
#[utoipa::path(get, path = "/api/v1/analytics/heatmap/products", tag = "analytics",
    params(DrilldownParams),
    responses((status = 200, body = DrilldownJson), (status = 401), (status = 403), (status = 404), (status = 422)))]
pub async fn get(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Query(params): Query<DrilldownParams>,
) -> AppResult<Json<DrilldownJson>> {
    drilldown(&state, &identity, &params).await.map(Json)
}

/// Computes the drill-down that `params` select, after the permission check; the API, the
/// page and the export share it.
pub async fn drilldown(
    state: &AppState,
    identity: &Identity,
    params: &DrilldownParams,
) -> AppResult<DrilldownJson> {
    // The shop is checked first, so another company's shop is 404 whatever else is sent.
    let report = report(
        state,
        identity,
        &BreakdownParams {
            shop: params.shop.clone(),
            from: params.from.clone(),
            to: params.to.clone(),
            include_bots: params.include_bots.clone(),
            by: None,
            limit: None,
        },
    )
    .await?;
    let dimension = parse_dimension(params.by.as_deref())?;
    let segment = parse_segment(dimension, present(&params.segment))?;
    let category = present(&params.category)
        .ok_or_else(|| Invalid::missing("category"))?
        .to_string();
    let limit = parse_limit(params.limit.as_deref())?;
    let range = report.current;
    let shops = match &report.shop {
        Some(shop) => vec![shop.clone()],
        None => shops::list(&state.db).await?,
    };

    let cell = Cell {
        dimension,
        segment: &segment,
        category: &category,
        include_bots: range.include_bots,
    };
    let mut products: Vec<DrilldownProduct> = Vec::new();
    for shop in shops {
        let counts =
            shop_products(state, shop.id, shop.zone()?, (range.from, range.to), &cell).await?;
        products.extend(
            counts
                .into_iter()
                .map(|(product_id, counts)| DrilldownProduct {
                    shop: shop.slug.clone(),
                    product_id,
                    counts: counts.into(),
                }),
        );
    }

    let mut total = ProductCountsJson::default();
    for product in &products {
        total.product_views += product.counts.product_views;
        total.add_to_carts += product.counts.add_to_carts;
        total.purchases += product.counts.purchases;
    }
    products.sort_by(|a, b| {
        (
            b.counts.product_views,
            b.counts.add_to_carts,
            &a.shop,
            &a.product_id,
        )
            .cmp(&(
                a.counts.product_views,
                a.counts.add_to_carts,
                &b.shop,
                &b.product_id,
            ))
    });
    let product_count = products.len();
    products.truncate(limit);
    Ok(DrilldownJson {
        shop: report.slug(),
        by: dimension.name().to_string(),
        segment,
        category,
        from: range.from,
        to: range.to,
        bots_included: range.include_bots,
        products,
        product_count,
        total,
    })
}

/// The cell a drill-down reads.
struct Cell<'a> {
    dimension: Dimension,
    segment: &'a str,
    category: &'a str,
    include_bots: bool,
}

/// Counts the products of `cell` in one shop, one day at a time, so at most one day of the
/// shop's events is in memory.
// NOTE: this reads every event of the range, so its time grows with the events; it was not
// measured at the 10-million-event scale.
async fn shop_products(
    state: &AppState,
    shop_id: i64,
    zone: Tz,
    days: (NaiveDate, NaiveDate),
    cell: &Cell<'_>,
) -> AppResult<HashMap<String, ProductCounts>> {
    let events_db = super::events_db(state)?;
    let mut products = HashMap::new();
    for day in days.0.iter_days().take_while(|day| *day <= days.1) {
        let next = day.checked_add_days(Days::new(1)).unwrap_or(day);
        let mut events: Vec<DetailEvent> = day_segments::detail_events(
            events_db,
            shop_id,
            day_start(day, zone),
            day_start(next, zone),
        )
        .await?;
        if events.is_empty() {
            continue;
        }
        if !cell.include_bots {
            events.retain(|event| !event.bot);
        }
        let new = day_segments::new_visitors(events_db, shop_id, day).await?;
        SegmentDay::new(&events, &new).add_products(
            cell.dimension,
            cell.segment,
            cell.category,
            &mut products,
        );
    }
    Ok(products)
}
