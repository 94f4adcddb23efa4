//! The dashboard's rollup sections: top categories, sources and devices against the
//! previous period, and the segment × category table, shaped for the template.

use domain::analytics::trends::{Growth, growth};

use super::breakdown::{BreakdownJson, BreakdownParams, HeatmapJson, breakdown, heatmap};
use super::summary::SummaryJson;
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

/// One row of the segment × category table.
pub struct HeatmapRowView {
    pub segment: String,
    pub category: String,
    pub product_views: i64,
    pub share: String,
    pub purchases: i64,
    pub purchases_per_view: String,
}

/// Everything the dashboard shows below the summary.
pub struct Sections {
    pub breakdowns: Vec<BreakdownView>,
    pub heatmap: Vec<HeatmapRowView>,
    pub heatmap_url: String,
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

/// Builds the sections for the range of `summary`, after the same permission check.
/// `new_label` is the translated word for a figure that grew from zero.
pub async fn build(
    state: &AppState,
    identity: &Identity,
    summary: &SummaryJson,
    new_label: &str,
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

    let mut breakdowns = Vec::new();
    for by in ["category", "source", "device"] {
        let data = breakdown(state, identity, &params(by)).await?;
        breakdowns.push(breakdown_view(by, &query, data, new_label));
    }
    let cells = heatmap(state, identity, &params("device")).await?;
    Ok(Sections {
        breakdowns,
        heatmap: heatmap_rows(cells),
        heatmap_url: format!("/api/v1/analytics/heatmap?{query}&by=device"),
        heatmap_csv_url: format!(
            "/api/v1/analytics/export?{query}&report=heatmap&by=device&format=csv"
        ),
        heatmap_xlsx_url: format!(
            "/api/v1/analytics/export?{query}&report=heatmap&by=device&format=xlsx"
        ),
    })
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

fn heatmap_rows(data: HeatmapJson) -> Vec<HeatmapRowView> {
    data.cells
        .into_iter()
        .map(|cell| HeatmapRowView {
            share: percent(cell.share_of_segment),
            purchases_per_view: percent(cell.purchases_per_view),
            segment: cell.segment,
            category: cell.category,
            product_views: cell.product_views,
            purchases: cell.purchases,
        })
        .collect()
}
