//! The dashboard's rollup sections: top products, categories, sources and devices against the
//! previous period, and the segment × category table, shaped for the template.

use domain::analytics::segment_day::Dimension;
use domain::analytics::trends::{Growth, growth};
use domain::money::Money;

use super::breakdown::{BreakdownJson, BreakdownParams, breakdown};
use super::heatmap::{HeatmapJson, heatmap};
use super::summary::SummaryJson;
use super::top_products::{TopProductsJson, TopProductsParams, top_products};
use crate::context::Identity;
use crate::error::AppResult;
use crate::pages::encode_query;
use crate::state::AppState;

/// Rows of each breakdown table on the dashboard.
const DASHBOARD_ROWS: &str = "10";

/// One row of a breakdown table.
pub struct BreakdownRowView {
    pub key: String,
    pub page_views: i64,
    pub previous_page_views: i64,
    /// The change of page views against the previous period, such as `+12.5 %` or `—`.
    pub change: String,
    pub product_views: i64,
    pub add_to_carts: i64,
    pub purchases: i64,
}

/// One breakdown table with its title and export links.
pub struct BreakdownView {
    /// `category`, `source` or `device`.
    pub by: String,
    /// Fluent message id of the table's title.
    pub title_key: String,
    pub rows: Vec<BreakdownRowView>,
    pub csv_url: String,
    pub xlsx_url: String,
}

/// One row of the top products table.
pub struct TopProductView {
    pub shop: String,
    pub product_id: String,
    pub category: String,
    /// Revenue of the product's order lines in roubles, such as `1 234,50 ₽`.
    pub revenue: String,
    /// The change of revenue against the previous period, such as `+12.5 %` or `—`.
    pub revenue_change: String,
    pub orders: i64,
    pub units: i64,
    pub product_views: i64,
    pub add_to_carts: i64,
}

/// The top products table with its export links.
pub struct TopProductsView {
    pub rows: Vec<TopProductView>,
    /// Products sold in the range, also those not listed.
    pub product_count: i64,
    /// Whether some listed product has lines without revenue (no price or no rate).
    pub revenue_incomplete: bool,
    pub csv_url: String,
    pub xlsx_url: String,
}

/// One row of the segment × category table.
pub struct HeatmapRowView {
    pub segment: String,
    pub category: String,
    pub product_views: i64,
    pub share: String,
    pub add_to_carts: i64,
    pub purchases: i64,
    pub purchases_per_view: String,
    pub visitors: i64,
    pub buyers: i64,
    pub conversion: String,
    /// The page of the cell's products.
    pub products_url: String,
}

/// A link that shows the heatmap by another dimension.
pub struct DimensionLink {
    /// Fluent message id of the dimension's name.
    pub label: String,
    pub url: String,
    pub selected: bool,
}

/// Everything the dashboard shows below the summary.
pub struct Sections {
    pub top_products: TopProductsView,
    pub breakdowns: Vec<BreakdownView>,
    /// The heatmap's dimension.
    pub heatmap_by: String,
    pub heatmap_dimensions: Vec<DimensionLink>,
    pub heatmap: Vec<HeatmapRowView>,
    pub heatmap_url: String,
    /// The products page of the heatmap's dimension, without segment and category.
    pub heatmap_products_url: String,
    pub heatmap_csv_url: String,
    pub heatmap_xlsx_url: String,
}

/// Formats a fraction as a percentage with two decimals, or `—` without one.
pub fn percent(ratio: Option<f64>) -> String {
    ratio.map_or_else(|| "—".to_string(), |r| format!("{:.2} %", r * 100.0))
}

/// Formats the growth from `previous` to `current`; `new_label` stands for growth from zero.
pub fn change(current: i64, previous: i64, new_label: &str) -> String {
    match growth(current, previous) {
        Growth::Relative(ratio) => format!("{:+.1} %", ratio * 100.0),
        Growth::New => new_label.to_string(),
        Growth::None => "—".to_string(),
    }
}

/// Builds the sections for the range of `summary`, after the same permission check, with
/// the heatmap by `dimension`. `new_label` is the translated word for a figure that grew
/// from zero.
pub async fn build(
    state: &AppState,
    identity: &Identity,
    summary: &SummaryJson,
    new_label: &str,
    dimension: Dimension,
) -> AppResult<Sections> {
    let query = format!(
        "shop={}&from={}&to={}",
        encode_query(summary.shop.as_deref().unwrap_or_default()),
        summary.from,
        summary.to
    );
    let params = |by: &str| BreakdownParams {
        shop: summary.shop.clone(),
        from: Some(summary.from.to_string()),
        to: Some(summary.to.to_string()),
        include_bots: None,
        by: Some(by.to_string()),
        limit: Some(DASHBOARD_ROWS.to_string()),
    };

    let top = top_products(
        state,
        identity,
        &TopProductsParams {
            shop: summary.shop.clone(),
            from: Some(summary.from.to_string()),
            to: Some(summary.to.to_string()),
            include_bots: None,
            sort: None,
            limit: Some(DASHBOARD_ROWS.to_string()),
        },
    )
    .await?;
    let top_products = top_products_view(&query, top, new_label);

    let mut breakdowns = Vec::new();
    for by in ["category", "source", "device"] {
        let data = breakdown(state, identity, &params(by)).await?;
        breakdowns.push(breakdown_view(by, &query, data, new_label));
    }
    let by = dimension.name();
    let cells = heatmap(state, identity, &params(by)).await?;
    let products_url = format!("/analytics/heatmap/products?{query}&by={by}");
    let heatmap_dimensions = Dimension::ALL
        .into_iter()
        .map(|other| DimensionLink {
            label: format!("analytics-dimension-{}", other.name().replace('_', "-")),
            url: format!("/analytics?{query}&heatmap={}", other.name()),
            selected: other == dimension,
        })
        .collect();
    Ok(Sections {
        top_products,
        breakdowns,
        heatmap_by: by.to_string(),
        heatmap_dimensions,
        heatmap: heatmap_rows(cells, &products_url),
        heatmap_url: format!("/api/v1/analytics/heatmap?{query}&by={by}"),
        heatmap_csv_url: format!(
            "/api/v1/analytics/export?{query}&report=heatmap&by={by}&format=csv"
        ),
        heatmap_xlsx_url: format!(
            "/api/v1/analytics/export?{query}&report=heatmap&by={by}&format=xlsx"
        ),
        heatmap_products_url: products_url,
    })
}

fn top_products_view(query: &str, data: TopProductsJson, new_label: &str) -> TopProductsView {
    let revenue_incomplete = data
        .products
        .iter()
        .any(|product| product.current.lines_without_revenue > 0);
    let rows = data
        .products
        .into_iter()
        .map(|product| {
            let (now, before) = (product.current, product.previous);
            TopProductView {
                shop: product.shop,
                product_id: product.product_id,
                category: product.category,
                revenue: Money::from_kopecks(now.revenue_kopecks).to_string(),
                revenue_change: change(now.revenue_kopecks, before.revenue_kopecks, new_label),
                orders: now.orders,
                units: now.units,
                product_views: now.product_views,
                add_to_carts: now.add_to_carts,
            }
        })
        .collect();
    let export = |format: &str| {
        format!(
            "/api/v1/analytics/export?{query}&report=top_products&limit={DASHBOARD_ROWS}&format={format}"
        )
    };
    TopProductsView {
        rows,
        product_count: data.product_count,
        revenue_incomplete,
        csv_url: export("csv"),
        xlsx_url: export("xlsx"),
    }
}

fn breakdown_view(by: &str, query: &str, data: BreakdownJson, new_label: &str) -> BreakdownView {
    let rows = data
        .rows
        .into_iter()
        .map(|row| BreakdownRowView {
            change: change(row.current.page_views, row.previous.page_views, new_label),
            key: row.key,
            page_views: row.current.page_views,
            previous_page_views: row.previous.page_views,
            product_views: row.current.product_views,
            add_to_carts: row.current.add_to_carts,
            purchases: row.current.purchases,
        })
        .collect();
    let export = |format: &str| {
        format!(
            "/api/v1/analytics/export?{query}&report=breakdown&by={by}&limit={DASHBOARD_ROWS}&format={format}"
        )
    };
    BreakdownView {
        by: by.to_string(),
        title_key: format!("analytics-breakdown-{by}"),
        rows,
        csv_url: export("csv"),
        xlsx_url: export("xlsx"),
    }
}

fn heatmap_rows(data: HeatmapJson, products_url: &str) -> Vec<HeatmapRowView> {
    data.cells
        .into_iter()
        .map(|cell| HeatmapRowView {
            share: percent(cell.share_of_segment),
            purchases_per_view: percent(cell.purchases_per_view),
            conversion: percent(cell.conversion),
            products_url: format!(
                "{products_url}&segment={}&category={}",
                encode_query(&cell.segment),
                encode_query(&cell.category)
            ),
            segment: cell.segment,
            category: cell.category,
            product_views: cell.product_views,
            add_to_carts: cell.add_to_carts,
            purchases: cell.purchases,
            visitors: cell.visitors,
            buyers: cell.buyers,
        })
        .collect()
}
