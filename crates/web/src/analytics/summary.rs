//! `GET /api/v1/analytics/summary`: traffic, orders, revenue and conversion of a date range,
//! for one shop (days in its zone) or the whole platform (days in Moscow).

use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use chrono::{Days, NaiveDate};
use chrono_tz::Tz;
use domain::Invalid;
use domain::analytics::days::combine;
use domain::analytics::identity::IdentityWindow;
use domain::analytics::report_dates::check_report_date;
use domain::analytics::session::{SessionRules, day_start, local_date};
use domain::analytics::summary::summarize;
use domain::identity::{Action, Object};
use serde::{Deserialize, Serialize};
use store::analytics::events::{self, Range};
use store::shops::{self, Shop};
use utoipa::{IntoParams, ToSchema};

use super::days::DayQuery;
use crate::context::{Auth, Identity};
use crate::error::{AppError, AppResult, Problem};
use crate::query::Query;
use crate::servicedesk::access::authorize;
use crate::state::AppState;

/// Zone of the platform-wide figures' days.
pub const PLATFORM_ZONE: Tz = chrono_tz::Europe::Moscow;
/// Maximum length of a range in days, both ends included.
pub const MAX_RANGE_DAYS: i64 = 366;

/// Parameters of the summary.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SummaryParams {
    /// The shop's slug; without it, every shop of the platform.
    pub shop: Option<String>,
    /// First day, `YYYY-MM-DD`, in the shop's zone (the platform: Europe/Moscow).
    pub from: Option<String>,
    /// Last day, included.
    pub to: Option<String>,
    /// `true` counts bot events too; by default they are left out.
    pub include_bots: Option<String>,
}

/// An amount left out of revenue because no rate was in force for its currency.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnconvertedAmount {
    pub currency: String,
    /// Minor units of `currency`; refunds count negative.
    pub amount_minor: i64,
}

/// One step of the visit funnel.
#[derive(Debug, Serialize, ToSchema)]
pub struct FunnelStepJson {
    /// `product_view`, `add_to_cart`, `checkout` or `purchase`.
    pub step: String,
    /// Visits with an event of this step.
    pub sessions: u64,
    /// Visits with this step or a later one: a purchase without a cart event counts as
    /// having reached the cart.
    pub reached: u64,
    /// Visits that did this step without some earlier one.
    pub skipped_earlier: u64,
}

/// Figures of a range.
#[derive(Debug, Serialize, ToSchema)]
pub struct SummaryJson {
    /// The shop's slug, or `null` for the platform.
    pub shop: Option<String>,
    /// Zone whose calendar days `from` and `to` are.
    pub time_zone: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Distinct visitor ids (per shop).
    pub visitors: u64,
    /// Visits: the sender's session ids where the source defines them, else 30 minutes of
    /// inactivity or the shop's midnight end a visit.
    pub sessions: u64,
    /// Page loads: `page_view` and `product_view` events.
    pub page_views: u64,
    pub product_views: u64,
    pub add_to_carts: u64,
    pub checkouts: u64,
    /// Distinct orders by (shop, order id); an order counted before the range is not counted
    /// again. Includes the orders of `orders_without_revenue`.
    pub orders: u64,
    /// Orders counted in `orders` whose amount is not in the revenue figures: the purchase
    /// carried no amount (`without_amount`), or its currency had no rate on its Moscow date
    /// (its amount is in `unconverted`).
    pub orders_without_revenue: u64,
    pub revenue_gross_kopecks: i64,
    pub refunds_kopecks: i64,
    /// Gross revenue less refunds.
    pub revenue_net_kopecks: i64,
    /// Gross revenue / orders whose amount is in it (`orders` − `orders_without_revenue`),
    /// rounded to the kopeck; `null` without such orders.
    pub average_order_kopecks: Option<i64>,
    /// Visitors with at least one purchase / visitors, unrounded; `null` without visitors.
    pub conversion_visitors: Option<f64>,
    /// Sessions with at least one purchase / sessions, unrounded; `null` without sessions.
    pub conversion_sessions: Option<f64>,
    /// The visitor identity window as an ISO 8601 duration, or `null` because visitor ids come
    /// from the sender (a cookie or an imported user id) and are stable.
    pub visitor_window: Option<String>,
    /// Whether `visitors` and `conversion_visitors` are HyperLogLog estimates (standard error
    /// 0.81 %). A range holding more events than the `analytics_exact_events` setting adds up
    /// stored day summaries, and then the platform's days are each shop's own calendar days.
    pub visitors_estimated: bool,
    /// Visits through product view, add to cart, checkout and purchase; skipped steps are
    /// tolerated.
    pub funnel: Vec<FunnelStepJson>,
    /// Whether bot events were counted.
    pub bots_included: bool,
    /// Purchase events that repeated an order already counted.
    pub duplicate_purchases: u64,
    /// Purchases and refunds without an amount.
    pub without_amount: u64,
    /// Whether some amounts were left out of revenue for lack of an exchange rate.
    pub revenue_incomplete: bool,
    /// Amounts left out of revenue for lack of a rate, per currency in its minor units; their
    /// orders are counted in `orders` and `orders_without_revenue`.
    pub unconverted: Vec<UnconvertedAmount>,
}

/// Returns the summary of a date range.
#[utoipa::path(get, path = "/api/v1/analytics/summary", tag = "analytics", params(SummaryParams),
    responses((status = 200, body = SummaryJson), (status = 401), (status = 403), (status = 404), (status = 422)))]
pub async fn get(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Query(params): Query<SummaryParams>,
) -> AppResult<Json<SummaryJson>> {
    compute(&state, &identity, &params).await.map(Json)
}

/// Computes the summary that `params` select, after the permission check; the API and the
/// dashboard page share it.
pub async fn compute(
    state: &AppState,
    identity: &Identity,
    params: &SummaryParams,
) -> AppResult<SummaryJson> {
    let shop = authorized_shop(state, identity, &params.shop).await?;
    let days = parse_range(params)?;
    compute_days(state, shop, days, params).await
}

/// Computes the summary of the days `from` to `to`, both included, of `shop` (`None` for the
/// platform), which the caller has checked with [`authorized_shop`], and of the flags in
/// `params`. The range is not checked against the report date bounds, so the dashboard also
/// compares a range that starts on 2000-01-01 with the days before it.
pub async fn compute_days(
    state: &AppState,
    shop: Option<Shop>,
    (from, to): (NaiveDate, NaiveDate),
    params: &SummaryParams,
) -> AppResult<SummaryJson> {
    let events_db = super::events_db(state)?;
    let zone = match &shop {
        Some(shop) => shop.zone()?,
        None => PLATFORM_ZONE,
    };
    let include_bots = parse_flag("include_bots", params.include_bots.as_deref())?;
    let range = Range {
        shop_id: shop.as_ref().map(|shop| shop.id),
        from: day_start(from, zone),
        to: day_start(next_day(to)?, zone),
        include_bots,
    };

    let rates = store::analytics::rates::load(&state.db).await?;
    let zones = shop_zones(state, shop.as_ref()).await?;
    let days = super::days::read(
        state,
        &DayQuery {
            shop_id: range.shop_id,
            days: (from, to),
            include_bots,
            zones: &zones,
            fallback_zone: zone,
            rates: &rates,
            sketches: true,
        },
    )
    .await?;
    let (summary, visitors_estimated) = if super::days::too_many_events(state, &days) {
        let combined = combine(&days);
        (combined.summary, combined.visitors_estimated)
    } else {
        let rows = events::summary_events(events_db, &range).await?;
        let counted_before = events::orders_counted_before(events_db, &range).await?;
        let rules = |shop_id: i64| SessionRules::new(zones.get(&shop_id).copied().unwrap_or(zone));
        (summarize(&rows, rules, &counted_before, &rates), false)
    };

    let revenue = &summary.revenue;
    Ok(SummaryJson {
        shop: shop.map(|shop| shop.slug),
        time_zone: zone.name().to_string(),
        from,
        to,
        visitors: summary.visitors,
        sessions: summary.sessions,
        page_views: summary.page_views,
        product_views: summary.product_views,
        add_to_carts: summary.add_to_carts,
        checkouts: summary.checkouts,
        orders: revenue.orders,
        orders_without_revenue: revenue.orders_without_revenue,
        revenue_gross_kopecks: revenue.gross_kopecks,
        refunds_kopecks: revenue.refunds_kopecks,
        revenue_net_kopecks: revenue.net_kopecks(),
        average_order_kopecks: average_order(revenue.gross_kopecks, revenue.orders_with_revenue()),
        conversion_visitors: summary.conversion_visitors.ratio(),
        conversion_sessions: summary.conversion_sessions.ratio(),
        visitor_window: IdentityWindow::SourceIds.iso8601(),
        visitors_estimated,
        funnel: summary
            .funnel
            .steps()
            .iter()
            .map(|step| FunnelStepJson {
                step: step.step.as_ref().to_string(),
                sessions: step.did,
                reached: step.reached,
                skipped_earlier: step.skipped_earlier,
            })
            .collect(),
        bots_included: include_bots,
        duplicate_purchases: revenue.duplicate_purchases,
        without_amount: revenue.without_amount,
        revenue_incomplete: revenue.is_incomplete(),
        unconverted: revenue
            .unconverted_minor
            .iter()
            .map(|(currency, amount)| UnconvertedAmount {
                currency: currency.to_string(),
                amount_minor: *amount,
            })
            .collect(),
    })
}

/// Gross revenue per order, rounded half away from zero to the kopeck.
fn average_order(gross_kopecks: i64, orders: u64) -> Option<i64> {
    let orders = i64::try_from(orders).ok().filter(|orders| *orders > 0)?;
    let doubled = gross_kopecks.saturating_mul(2) / orders;
    Some((doubled + doubled.signum()) / 2)
}

/// Finds the shop that `slug` names, or none for the platform, and checks that `identity` may
/// read its analytics. A shop of another client answers 404 like an unknown one.
pub(super) async fn authorized_shop(
    state: &AppState,
    identity: &Identity,
    slug: &Option<String>,
) -> AppResult<Option<Shop>> {
    let shop = match present(slug) {
        Some(slug) => {
            let found = shops::find_by_slug(&state.db, slug).await?;
            if found.is_none() {
                // A user who may not see every shop gets the same 404 as for another company's
                // shop, so that the response does not reveal which slugs exist.
                let unowned = Object::Shop { client_id: None };
                authorize(identity, Action::ReadAnalytics, unowned)?;
            }
            Some(found.ok_or_else(|| unknown_shop(slug))?)
        }
        None => None,
    };
    let object = match &shop {
        Some(shop) => Object::Shop {
            client_id: shop.client_id,
        },
        None => Object::System,
    };
    authorize(identity, Action::ReadAnalytics, object)?;
    Ok(shop)
}

pub(super) fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// Returns the 404 of a slug that no shop has, naming it.
fn unknown_shop(slug: &str) -> AppError {
    Problem::new(
        axum::http::StatusCode::NOT_FOUND,
        "not_found",
        "analytics-shop-unknown",
    )
    .arg("value", slug)
    .field("shop")
    .into()
}

/// Returns the zone of every shop, for the platform view, or of the one shop.
pub(super) async fn shop_zones(
    state: &AppState,
    shop: Option<&Shop>,
) -> AppResult<HashMap<i64, Tz>> {
    let shops = match shop {
        Some(shop) => vec![shop.clone()],
        None => shops::list(&state.db).await?,
    };
    let mut zones = HashMap::new();
    for shop in shops {
        zones.insert(shop.id, shop.zone()?);
    }
    Ok(zones)
}

/// Parses `from` and `to`: both required, from 2000-01-01 to a year after today in Moscow,
/// `from` not after `to`, at most 366 days.
pub(super) fn parse_range(params: &SummaryParams) -> Result<(NaiveDate, NaiveDate), Invalid> {
    let today = local_date(domain::time::now(), PLATFORM_ZONE);
    let from = parse_date("from", present(&params.from))?;
    let from = check_report_date("from", from, today)?;
    let to = parse_date("to", present(&params.to))?;
    let to = check_report_date("to", to, today)?;
    if from > to {
        return Err(Invalid::new("from", "analytics-range-reversed")
            .arg("from", from)
            .arg("to", to));
    }
    let days = (to - from).num_days() + 1;
    if days > MAX_RANGE_DAYS {
        return Err(Invalid::new("to", "analytics-range-too-long")
            .arg("days", days)
            .arg("max", MAX_RANGE_DAYS));
    }
    Ok((from, to))
}

fn parse_date(field: &'static str, value: Option<&str>) -> Result<NaiveDate, Invalid> {
    let value = value.ok_or_else(|| Invalid::missing(field))?;
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map_err(|_| Invalid::new(field, "analytics-date-invalid").arg("value", value))
}

pub(super) fn next_day(date: NaiveDate) -> Result<NaiveDate, Invalid> {
    date.checked_add_days(Days::new(1))
        .ok_or_else(|| Invalid::new("to", "analytics-date-invalid").arg("value", date))
}

pub(super) fn parse_flag(field: &str, value: Option<&str>) -> Result<bool, Invalid> {
    match value.map(str::trim) {
        None | Some("") | Some("false") | Some("0") => Ok(false),
        Some("true") | Some("1") => Ok(true),
        Some(other) => Err(Invalid::not_one_of(field, other, &["true", "false"])),
    }
}
