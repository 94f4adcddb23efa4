//! `GET /api/v1/analytics/products`: the top products of a range by revenue, views, adds to
//! cart, orders or units, with the previous period beside them. They come from the per-day
//! product rows, never from the raw events.

use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use domain::Invalid;
use serde::{Deserialize, Serialize};
use store::analytics::day_products::{self, ProductGroup, ProductSort};
use store::shops;
use utoipa::{IntoParams, ToSchema};

use super::breakdown::{BreakdownParams, parse_limit, report};
use crate::context::{Auth, Identity};
use crate::error::AppResult;
use crate::query::Query;
use crate::state::AppState;

/// Parameters of the top products.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TopProductsParams {
    /// The shop's slug; without it, every shop of the platform, each on its own calendar days.
    pub shop: Option<String>,
    /// First day, `YYYY-MM-DD`, in the shop's zone.
    pub from: Option<String>,
    /// Last day, included.
    pub to: Option<String>,
    /// `true` counts bot events too; by default they are left out.
    pub include_bots: Option<String>,
    /// The ranking: `revenue` (default), `views`, `add_to_carts`, `orders` or `units`.
    pub sort: Option<String>,
    /// Products returned; 20 by default, at most 1000.
    pub limit: Option<String>,
}

/// Figures of one product over a period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct ProductFiguresJson {
    pub product_views: i64,
    pub add_to_carts: i64,
    /// Purchase events, repeats included, as in the breakdown.
    pub purchases: i64,
    /// Units of the product's order lines, each (order, product) counted once.
    pub units: i64,
    /// Orders with a line of the product, each counted once, as in the summary.
    pub orders: i64,
    /// Price times quantity of those lines, in kopecks.
    pub revenue_kopecks: i64,
    /// Lines without a price or without an exchange rate, left out of `revenue_kopecks`.
    pub lines_without_revenue: i64,
}

impl From<&ProductGroup> for ProductFiguresJson {
    fn from(group: &ProductGroup) -> Self {
        ProductFiguresJson {
            product_views: group.product_views,
            add_to_carts: group.add_to_carts,
            purchases: group.purchases,
            units: group.units,
            orders: group.orders,
            revenue_kopecks: group.revenue_kopecks,
            lines_without_revenue: group.lines_without_revenue,
        }
    }
}

/// One product of the top.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TopProductJson {
    /// The slug of the product's shop.
    pub shop: String,
    /// The sender's product id.
    pub product_id: String,
    /// The product's full category path, `""` without one.
    pub category: String,
    pub current: ProductFiguresJson,
    /// The same days immediately before `from`; zeros when the product had no event then.
    pub previous: ProductFiguresJson,
}

/// The top products of a range, compared with the previous period of equal length.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TopProductsJson {
    /// The shop's slug, or `null` for the platform.
    pub shop: Option<String>,
    /// `revenue`, `views`, `add_to_carts`, `orders` or `units`.
    pub sort: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub previous_from: NaiveDate,
    pub previous_to: NaiveDate,
    pub bots_included: bool,
    /// At most `limit` products, by `sort` most first, then by shop and product id. Products
    /// whose `sort` figure is zero are left out; by revenue, products sold without a price or
    /// a rate are ranked last.
    pub products: Vec<TopProductJson>,
    /// Products ranked, also those past `limit`: with a positive `sort` figure, or sold when
    /// ranked by revenue.
    pub product_count: i64,
}

fn parse_sort(value: Option<&str>) -> Result<ProductSort, Invalid> {
    let Some(name) = value.map(str::trim).filter(|name| !name.is_empty()) else {
        return Ok(ProductSort::Revenue);
    };
    ProductSort::parse(name).ok_or_else(|| {
        let names: Vec<&str> = ProductSort::ALL.iter().map(|(name, _)| *name).collect();
        Invalid::not_one_of("sort", name, &names)
    })
}

/// Returns the top products of a range.
#[utoipa::path(get, path = "/api/v1/analytics/products", tag = "analytics",
    params(TopProductsParams),
    responses((status = 200, body = TopProductsJson), (status = 401), (status = 403), (status = 404), (status = 422)))]
pub async fn get(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Query(params): Query<TopProductsParams>,
) -> AppResult<Json<TopProductsJson>> {
    top_products(&state, &identity, &params).await.map(Json)
}

/// Computes the top products that `params` select, after the permission check; the API,
/// the dashboard and the exports share it.
pub async fn top_products(
    state: &AppState,
    identity: &Identity,
    params: &TopProductsParams,
) -> AppResult<TopProductsJson> {
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
    let sort = parse_sort(params.sort.as_deref())?;
    let limit = parse_limit(params.limit.as_deref())?;
    let events_db = super::events_db(state)?;

    let top = day_products::top(events_db, &report.current, sort, limit).await?;
    let keys: Vec<(i64, String)> = top
        .products
        .iter()
        .map(|group| (group.shop_id, group.product_id.clone()))
        .collect();
    let previous: HashMap<(i64, String), ProductGroup> =
        day_products::of_products(events_db, &report.previous, &keys)
            .await?
            .into_iter()
            .map(|group| ((group.shop_id, group.product_id.clone()), group))
            .collect();
    let slugs: HashMap<i64, String> = match &report.shop {
        Some(shop) => HashMap::from([(shop.id, shop.slug.clone())]),
        None => shops::list(&state.db)
            .await?
            .into_iter()
            .map(|shop| (shop.id, shop.slug))
            .collect(),
    };

    let products = top
        .products
        .iter()
        .map(|group| {
            let key = (group.shop_id, group.product_id.clone());
            TopProductJson {
                shop: slugs.get(&group.shop_id).cloned().unwrap_or_default(),
                product_id: group.product_id.clone(),
                category: group.category.clone(),
                current: group.into(),
                previous: previous.get(&key).map(Into::into).unwrap_or_default(),
            }
        })
        .collect();
    Ok(TopProductsJson {
        shop: report.slug(),
        sort: sort.name().to_string(),
        from: report.current.from,
        to: report.current.to,
        previous_from: report.previous.from,
        previous_to: report.previous.to,
        bots_included: report.current.include_bots,
        products,
        product_count: top.count,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_defaults_to_revenue_and_rejects_unknown() {
        assert_eq!(parse_sort(None), Ok(ProductSort::Revenue));
        assert_eq!(parse_sort(Some(" ")), Ok(ProductSort::Revenue));
        assert_eq!(parse_sort(Some("units")), Ok(ProductSort::Units));
        assert!(parse_sort(Some("price")).is_err());
        assert!(parse_sort(Some("revenue_kopecks")).is_err());
    }
}
