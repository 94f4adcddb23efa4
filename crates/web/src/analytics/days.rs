//! The stored day summaries behind the summary and the daily series. Queued days of the
//! range are computed before the rows are read, so a response never misses stored events.

use std::collections::HashMap;

use chrono::NaiveDate;
use chrono_tz::Tz;
use domain::analytics::days::DayFigures;
use domain::analytics::money::RateTable;
use store::analytics::day_summaries::{self, DayRange, Scope};
use store::shops::Shop;

use crate::error::AppResult;
use crate::state::AppState;

/// Maximum queued days one request computes. The background task works off a larger
/// backlog, such as right after an upgrade, and until then the rows read may lag.
const REFRESH_LIMIT: i64 = 5_000;

/// The shops, days and options of a read.
pub(super) struct DayQuery<'a> {
    pub shop_id: Option<i64>,
    pub days: (NaiveDate, NaiveDate),
    pub include_bots: bool,
    pub zones: &'a HashMap<i64, Tz>,
    pub fallback_zone: Tz,
    pub rates: &'a RateTable,
    pub sketches: bool,
}

/// Computes the queued days of the query, then reads its day rows.
pub(super) async fn read(state: &AppState, query: &DayQuery<'_>) -> AppResult<Vec<DayFigures>> {
    let events_db = super::events_db(state)?;
    day_summaries::refresh(
        events_db,
        query.zones,
        query.fallback_zone,
        query.rates,
        Scope {
            shop_id: query.shop_id,
            days: Some(query.days),
        },
        REFRESH_LIMIT,
    )
    .await?;
    let range = DayRange {
        shop_id: query.shop_id,
        from: query.days.0,
        to: query.days.1,
        include_bots: query.include_bots,
        sketches: query.sketches,
    };
    Ok(day_summaries::read(events_db, &range).await?)
}

/// Returns whether `days` contain more events than the raw-event path reads.
pub(super) fn too_many_events(state: &AppState, days: &[DayFigures]) -> bool {
    let events: u64 = days.iter().map(|day| day.events).sum();
    i64::try_from(events).unwrap_or(i64::MAX) > state.config.analytics_exact_events
}

/// Computes the queued days of one shop, or of every shop, from `days.0` to `days.1`, so the
/// per-day rows read next include every stored event. Reads the rates and zones only when
/// some day is queued.
pub(super) async fn refresh(
    state: &AppState,
    shop: Option<&Shop>,
    days: (NaiveDate, NaiveDate),
) -> AppResult<()> {
    let events_db = super::events_db(state)?;
    let scope = Scope {
        shop_id: shop.map(|shop| shop.id),
        days: Some(days),
    };
    if !day_summaries::any_queued(events_db, scope).await? {
        return Ok(());
    }
    let rates = store::analytics::rates::load(&state.db).await?;
    let zones = super::summary::shop_zones(state, shop).await?;
    let fallback_zone = match shop {
        Some(shop) => shop.zone()?,
        None => super::summary::PLATFORM_ZONE,
    };
    day_summaries::refresh(
        events_db,
        &zones,
        fallback_zone,
        &rates,
        scope,
        REFRESH_LIMIT,
    )
    .await?;
    Ok(())
}
