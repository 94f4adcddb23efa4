//! The market trends page (`/analytics/trends`): growth per top-level category across all
//! shops or one, week over week or month over month, with the fastest growing and falling
//! categories, a chart of the daily series and CSV / XLSX export.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use domain::money::Money;

use super::sections::percent;
use super::summary::present;
use super::trends::{TrendJson, TrendsJson, TrendsParams, compute};
use crate::context::{Auth, Context};
use crate::error::AppResult;
use crate::pages::{Page, encode_query, render};
use crate::query::Query;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "analytics/trends.html")]
struct TrendsPage {
    page: Page,
    shop: String,
    trends: TrendsJson,
    tables: Vec<TrendTable>,
    chart_url: String,
    csv_url: String,
    xlsx_url: String,
}

/// One table of categories with its title.
struct TrendTable {
    /// Fluent message id of the title.
    title: &'static str,
    /// `data-test` name.
    test: &'static str,
    rows: Vec<TrendRow>,
}

struct TrendRow {
    category: String,
    /// The count, or roubles for revenue.
    current: String,
    previous: String,
    growth: String,
}

fn rows(trends: &[TrendJson], metric: &str, new_label: &str) -> Vec<TrendRow> {
    let value = |value: i64| {
        if metric == "revenue" {
            Money::from_kopecks(value).to_string()
        } else {
            value.to_string()
        }
    };
    trends
        .iter()
        .map(|trend| TrendRow {
            category: trend.category.clone(),
            current: value(trend.current),
            previous: value(trend.previous),
            growth: match trend.growth {
                Some(ratio) => format!("{:+.1} %", ratio * 100.0),
                None if trend.previous == 0 && trend.current > 0 => new_label.to_string(),
                None => percent(None),
            },
        })
        .collect()
}

/// Shows the trends that the query selects; the same parameters as the API.
pub async fn show(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Query(params): Query<TrendsParams>,
) -> AppResult<Response> {
    let trends = compute(&state, &identity, &params).await?;
    let page = Page::new(&state, &context, "analytics-trends-title");
    let new_label = page.t("analytics-change-new");
    let tables = vec![
        TrendTable {
            title: "analytics-trends-growing",
            test: "trends-growing",
            rows: rows(&trends.growing, &trends.metric, &new_label),
        },
        TrendTable {
            title: "analytics-trends-falling",
            test: "trends-falling",
            rows: rows(&trends.falling, &trends.metric, &new_label),
        },
        TrendTable {
            title: "analytics-trends-new",
            test: "trends-new",
            rows: rows(&trends.new, &trends.metric, &new_label),
        },
        TrendTable {
            title: "analytics-trends-all",
            test: "trends-all",
            rows: rows(&trends.categories, &trends.metric, &new_label),
        },
    ];
    let shop = present(&params.shop).unwrap_or_default().to_string();
    let query = format!(
        "shop={}&date={}&period={}&metric={}",
        encode_query(&shop),
        trends.current_to,
        trends.period,
        trends.metric
    );
    let page = TrendsPage {
        page,
        chart_url: format!("/api/v1/analytics/trends?{query}"),
        csv_url: format!("/api/v1/analytics/export?report=trends&format=csv&{query}"),
        xlsx_url: format!("/api/v1/analytics/export?report=trends&format=xlsx&{query}"),
        shop,
        trends,
        tables,
    };
    render(&page)
}
