//! `GET /api/v1/analytics/daily`: the summary figures per calendar day of a range, for one
//! shop (days in its zone) or the whole platform (days in Moscow).

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use domain::analytics::days::{DayFigures, combine};
use domain::analytics::identity::IdentityWindow;
use domain::analytics::session::{SessionRules, day_start};
use domain::analytics::summary::{Summary, summarize_daily};
use serde::Serialize;
use store::analytics::events::{self, Range};
use utoipa::ToSchema;

use super::days::DayQuery;
use super::summary::{
    PLATFORM_ZONE, SummaryParams, authorized_shop, next_day, parse_flag, parse_range, shop_zones,
};
use crate::context::Auth;
use crate::error::AppResult;
use crate::query::Query;
use crate::state::AppState;

/// Figures of one day.
#[derive(Debug, Serialize, ToSchema)]
pub struct DayJson {
    pub date: NaiveDate,
    pub visitors: u64,
    pub sessions: u64,
    /// Page loads: `page_view` and `product_view` events.
    pub page_views: u64,
    pub product_views: u64,
    pub add_to_carts: u64,
    /// Orders first counted on this day, including those in `orders_without_revenue`.
    pub orders: u64,
    /// Orders of `orders` whose amount is not in the revenue: the purchase carried none, or
    /// its currency had no rate.
    pub orders_without_revenue: u64,
    pub revenue_gross_kopecks: i64,
    pub revenue_net_kopecks: i64,
    /// Visitors with a purchase / visitors of the day; `null` without visitors.
    pub conversion_visitors: Option<f64>,
    /// Sessions with a purchase / sessions of the day; `null` without sessions.
    pub conversion_sessions: Option<f64>,
}

/// A daily series.
#[derive(Debug, Serialize, ToSchema)]
pub struct DailyJson {
    /// The shop's slug, or `null` for the platform.
    pub shop: Option<String>,
    pub time_zone: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The visitor identity window as an ISO 8601 duration, or `null` because visitor ids
    /// come from the sender and are stable. A visitor of two days counts on each day.
    pub visitor_window: Option<String>,
    pub bots_included: bool,
    /// One entry per day from `from` to `to`, days without events included.
    pub days: Vec<DayJson>,
}

/// Returns the figures of every day of a range.
#[utoipa::path(get, path = "/api/v1/analytics/daily", tag = "analytics", params(SummaryParams),
    responses((status = 200, body = DailyJson), (status = 401), (status = 403), (status = 404), (status = 422)))]
pub async fn get(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Query(params): Query<SummaryParams>,
) -> AppResult<Json<DailyJson>> {
    let shop = authorized_shop(&state, &identity, &params.shop).await?;
    let events_db = super::events_db(&state)?;

    let zone = match &shop {
        Some(shop) => shop.zone()?,
        None => PLATFORM_ZONE,
    };
    let (from, to) = parse_range(&params)?;
    let include_bots = parse_flag("include_bots", params.include_bots.as_deref())?;
    let range = Range {
        shop_id: shop.as_ref().map(|shop| shop.id),
        from: day_start(from, zone),
        to: day_start(next_day(to)?, zone),
        include_bots,
    };

    let rates = store::analytics::rates::load(&state.db).await?;
    let zones = shop_zones(&state, shop.as_ref()).await?;
    let stored = super::days::read(
        &state,
        &DayQuery {
            shop_id: range.shop_id,
            days: (from, to),
            include_bots,
            zones: &zones,
            fallback_zone: zone,
            rates: &rates,
            sketches: false,
        },
    )
    .await?;
    let daily = if super::days::too_many_events(&state, &stored) {
        by_day(&stored, (from, to))
    } else {
        let rows = events::summary_events(events_db, &range).await?;
        let counted_before = events::orders_counted_before(events_db, &range).await?;
        let rules = |shop_id: i64| SessionRules::new(zones.get(&shop_id).copied().unwrap_or(zone));
        summarize_daily(&rows, (from, to), zone, rules, &counted_before, &rates)
    };

    let days = daily
        .into_iter()
        .map(|(date, summary)| DayJson {
            date,
            visitors: summary.visitors,
            sessions: summary.sessions,
            page_views: summary.page_views,
            product_views: summary.product_views,
            add_to_carts: summary.add_to_carts,
            orders: summary.revenue.orders,
            orders_without_revenue: summary.revenue.orders_without_revenue,
            revenue_gross_kopecks: summary.revenue.gross_kopecks,
            revenue_net_kopecks: summary.revenue.net_kopecks(),
            conversion_visitors: summary.conversion_visitors.ratio(),
            conversion_sessions: summary.conversion_sessions.ratio(),
        })
        .collect();
    Ok(Json(DailyJson {
        shop: shop.map(|shop| shop.slug),
        time_zone: zone.name().to_string(),
        from,
        to,
        visitor_window: IdentityWindow::SourceIds.iso8601(),
        bots_included: include_bots,
        days,
    }))
}

/// Adds up the stored rows of each day (one per shop), days without rows included. Visitors
/// stay exact: a day's rows belong to different shops, whose visitors are counted apart.
fn by_day(stored: &[DayFigures], (from, to): (NaiveDate, NaiveDate)) -> Vec<(NaiveDate, Summary)> {
    let mut rows: BTreeMap<NaiveDate, Vec<DayFigures>> = BTreeMap::new();
    for day in stored {
        rows.entry(day.day).or_default().push(day.clone());
    }
    from.iter_days()
        .take_while(|day| *day <= to)
        .map(|day| {
            let of_day = rows.remove(&day).unwrap_or_default();
            (day, combine(&of_day).summary)
        })
        .collect()
}
