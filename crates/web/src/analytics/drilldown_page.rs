//! The products page of one heatmap cell (`/analytics/heatmap/products`), with CSV / XLSX
//! export; the same parameters and numbers as `/api/v1/analytics/heatmap/products`.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::drilldown::{DrilldownJson, DrilldownParams, drilldown};
use crate::context::{Auth, Context};
use crate::error::AppResult;
use crate::pages::{Page, encode_query, render};
use crate::query::Query;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "analytics/products.html")]
struct ProductsPage {
    page: Page,
    data: DrilldownJson,
    /// Fluent message id of the dimension's name.
    dimension_label: String,
    dashboard_url: String,
    csv_url: String,
    xlsx_url: String,
}

/// Shows the products of the cell that the query selects.
pub async fn show(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Query(params): Query<DrilldownParams>,
) -> AppResult<Response> {
    let data = drilldown(&state, &identity, &params).await?;
    let shop = encode_query(data.shop.as_deref().unwrap_or_default());
    let range = format!("shop={shop}&from={}&to={}", data.from, data.to);
    let include_bots = if data.bots_included {
        "&include_bots=true"
    } else {
        ""
    };
    let query = format!(
        "{range}{include_bots}&by={}&segment={}&category={}",
        data.by,
        encode_query(&data.segment),
        encode_query(&data.category)
    );
    let export =
        |format: &str| format!("/api/v1/analytics/export?report=products&format={format}&{query}");
    let page = ProductsPage {
        page: Page::new(&state, &context, "analytics-products-title"),
        dimension_label: format!("analytics-dimension-{}", data.by.replace('_', "-")),
        dashboard_url: format!("/analytics?{range}&heatmap={}", data.by),
        csv_url: export("csv"),
        xlsx_url: export("xlsx"),
        data,
    };
    render(&page)
}
