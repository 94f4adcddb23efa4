//! The analytics dashboard page (`/analytics`): the summary of a range as a table and a daily
//! chart drawn with ECharts from `/api/v1/analytics/daily`.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Days, NaiveDate};
use domain::analytics::session::local_date;
use domain::money::Money;
use store::shops;

use super::heatmap::parse_dimension;
use super::sections::{self, Sections, percent};
use super::summary::{
    PLATFORM_ZONE, SummaryJson, SummaryParams, authorized_shop, compute, compute_days, present,
};
use crate::context::{Auth, Context};
use crate::error::AppResult;
use crate::pages::{Page, render};
use crate::query::Query;
use crate::state::AppState;

/// Days shown when the request names no range: the last 30, today included.
const DEFAULT_DAYS: u64 = 30;

/// The dashboard's own parameter beside the summary's.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct DashboardParams {
    /// The heatmap's segment dimension, `device` by default.
    pub heatmap: Option<String>,
}

/// The dashboard of a client company without shops.
#[derive(Template)]
#[template(path = "analytics/no_shop.html")]
struct NoShopPage {
    page: Page,
}

#[derive(Template)]
#[template(path = "analytics/dashboard.html")]
struct DashboardPage {
    page: Page,
    shop: String,
    summary: SummaryJson,
    previous: SummaryJson,
    figures: Vec<FigureRow>,
    funnel: Vec<FunnelRow>,
    daily_url: String,
    sections: Sections,
}

/// One line of the summary table: the range's figure, the previous period's and the change.
struct FigureRow {
    /// Fluent message id of the label.
    label: &'static str,
    /// `data-test` name of the value cell, or empty.
    test: &'static str,
    value: String,
    previous: String,
    change: String,
}

/// One step of the funnel table.
struct FunnelRow {
    /// Fluent message id of the step.
    label: String,
    sessions: u64,
    reached: u64,
    /// Visits that reached the step / all visits of the range.
    share: String,
    skipped_earlier: u64,
}

fn funnel_rows(summary: &SummaryJson) -> Vec<FunnelRow> {
    summary
        .funnel
        .iter()
        .map(|step| FunnelRow {
            label: format!("analytics-funnel-{}", step.step.replace('_', "-")),
            sessions: step.sessions,
            reached: step.reached,
            share: percent(
                (summary.sessions > 0).then(|| step.reached as f64 / summary.sessions as f64),
            ),
            skipped_earlier: step.skipped_earlier,
        })
        .collect()
}

/// Formats kopecks as roubles, such as `1 234,50 ₽`.
fn roubles(kopecks: i64) -> String {
    Money::from_kopecks(kopecks).to_string()
}

/// Builds the summary table of `current` against `previous`.
fn figures(current: &SummaryJson, previous: &SummaryJson, page: &Page) -> Vec<FigureRow> {
    let new_label = page.t("analytics-change-new");
    let new_label = new_label.as_str();
    let count = |label, test, now: u64, before: u64| FigureRow {
        label,
        test,
        value: now.to_string(),
        previous: before.to_string(),
        change: sections::change(
            i64::try_from(now).unwrap_or(i64::MAX),
            i64::try_from(before).unwrap_or(i64::MAX),
            new_label,
        ),
    };
    let money = |label, test, now: i64, before: i64| FigureRow {
        label,
        test,
        value: roubles(now),
        previous: roubles(before),
        change: sections::change(now, before, new_label),
    };
    let ratio = |label, test, now: Option<f64>, before: Option<f64>| FigureRow {
        label,
        test,
        value: percent(now),
        previous: percent(before),
        change: match (now, before) {
            (Some(now), Some(before)) => page.t1(
                "analytics-change-points",
                "value",
                format!("{:+.2}", (now - before) * 100.0),
            ),
            _ => "—".to_string(),
        },
    };
    let estimated = |row: FigureRow, now: bool, before: bool| FigureRow {
        value: if now {
            format!("≈ {}", row.value)
        } else {
            row.value
        },
        previous: if before {
            format!("≈ {}", row.previous)
        } else {
            row.previous
        },
        ..row
    };
    let (c, p) = (current, previous);
    vec![
        estimated(
            count(
                "analytics-dashboard-visitors",
                "visitors",
                c.visitors,
                p.visitors,
            ),
            c.visitors_estimated,
            p.visitors_estimated,
        ),
        count(
            "analytics-dashboard-sessions",
            "sessions",
            c.sessions,
            p.sessions,
        ),
        count(
            "analytics-dashboard-page-views",
            "",
            c.page_views,
            p.page_views,
        ),
        count(
            "analytics-dashboard-product-views",
            "",
            c.product_views,
            p.product_views,
        ),
        count(
            "analytics-dashboard-add-to-carts",
            "",
            c.add_to_carts,
            p.add_to_carts,
        ),
        count("analytics-dashboard-orders", "orders", c.orders, p.orders),
        money(
            "analytics-dashboard-revenue-gross",
            "revenue-gross",
            c.revenue_gross_kopecks,
            p.revenue_gross_kopecks,
        ),
        money(
            "analytics-dashboard-refunds",
            "refunds",
            c.refunds_kopecks,
            p.refunds_kopecks,
        ),
        money(
            "analytics-dashboard-revenue-net",
            "revenue-net",
            c.revenue_net_kopecks,
            p.revenue_net_kopecks,
        ),
        FigureRow {
            value: c.average_order_kopecks.map_or_else(|| "—".into(), roubles),
            previous: p.average_order_kopecks.map_or_else(|| "—".into(), roubles),
            change: match (c.average_order_kopecks, p.average_order_kopecks) {
                (Some(now), Some(before)) => sections::change(now, before, new_label),
                _ => "—".to_string(),
            },
            label: "analytics-dashboard-average-order",
            test: "average-order",
        },
        estimated(
            ratio(
                "analytics-dashboard-conversion-visitors",
                "conversion-visitors",
                c.conversion_visitors,
                p.conversion_visitors,
            ),
            c.visitors_estimated,
            p.visitors_estimated,
        ),
        ratio(
            "analytics-dashboard-conversion-sessions",
            "conversion-sessions",
            c.conversion_sessions,
            p.conversion_sessions,
        ),
    ]
}

/// Shows the dashboard of a shop (`?shop=SLUG`) or of the platform. A client user, who may
/// not see the platform, is sent to its company's first shop by slug instead.
pub async fn show(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Query(mut params): Query<SummaryParams>,
    Query(dashboard): Query<DashboardParams>,
) -> AppResult<Response> {
    if present(&params.shop).is_none()
        && let Some(client_id) = identity.actor.client_id
    {
        return own_shop(&state, &context, client_id).await;
    }
    let dimension = parse_dimension(dashboard.heatmap.as_deref())?;
    if present(&params.from).is_none() && present(&params.to).is_none() {
        let today = local_date(domain::time::now(), PLATFORM_ZONE);
        let first = today.checked_sub_days(Days::new(DEFAULT_DAYS - 1));
        params.from = first.map(|day| day.to_string());
        params.to = Some(today.to_string());
    }
    let summary = compute(&state, &identity, &params).await?;
    let shop = authorized_shop(&state, &identity, &params.shop).await?;
    let previous = compute_days(&state, shop, previous_days(&summary), &params).await?;
    let shop = summary.shop.clone().unwrap_or_default();
    let daily_url = format!(
        "/api/v1/analytics/daily?shop={}&from={}&to={}",
        crate::pages::encode_query(&shop),
        summary.from,
        summary.to
    );
    let page = Page::new(&state, &context, "analytics-dashboard-title");
    let new_label = page.t("analytics-change-new");
    let sections = sections::build(&state, &identity, &summary, &new_label, dimension).await?;
    let figures = figures(&summary, &previous, &page);
    let page = DashboardPage {
        page,
        sections,
        figures,
        funnel: funnel_rows(&summary),
        shop,
        summary,
        previous,
        daily_url,
    };
    render(&page)
}

/// Returns the same number of days just before the range of `summary`.
fn previous_days(summary: &SummaryJson) -> (NaiveDate, NaiveDate) {
    let days = (summary.to - summary.from).num_days() + 1;
    let shift = |day: NaiveDate| {
        day.checked_sub_days(Days::new(days.unsigned_abs()))
            .unwrap_or(day)
    };
    (shift(summary.from), shift(summary.to))
}

/// Redirects a client user to the dashboard of its company's first shop by slug, keeping the
/// other parameters, or shows a page saying that the company has no shop yet.
async fn own_shop(state: &AppState, context: &Context, client_id: i64) -> AppResult<Response> {
    let shops = shops::list_of_client(&state.db, client_id).await?;
    let Some(first) = shops.first() else {
        let page = NoShopPage {
            page: Page::new(state, context, "analytics-dashboard-title"),
        };
        return render(&page);
    };

    let query = context
        .path_and_query
        .split_once('?')
        .map_or("", |(_, query)| query);
    let mut target = url::form_urlencoded::Serializer::new(String::new());
    target.append_pair("shop", &first.slug);
    for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
        if name != "shop" {
            target.append_pair(&name, &value);
        }
    }
    Ok(Redirect::to(&format!("/analytics?{}", target.finish())).into_response())
}
