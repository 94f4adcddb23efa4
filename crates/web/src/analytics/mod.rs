//! Shop analytics over HTTP: storefront event intake with a shop's ingestion key, and the
//! summary of a date range for one shop or the whole platform.

pub mod breakdown;
pub mod daily;
mod days;
pub mod drilldown;
pub mod drilldown_page;
pub mod export;
pub mod heatmap;
pub mod ingest;
pub mod page;
pub mod sections;
pub mod summary;
pub mod top_products;
pub mod trends;
pub mod trends_page;

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::{get, post};
use store::Db;
use store::shops::{self, Shop};

use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// How long a shop found by its ingestion key is reused without reading the database again.
const KEY_CACHE_TTL: Duration = Duration::from_secs(60);
/// Maximum number of cached keys; the cache is emptied when it grows past this.
const KEY_CACHE_MAX: usize = 10_000;

/// Routes under `/api/v1`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/events", post(ingest::receive))
        .route("/analytics/summary", get(summary::get))
        .route("/analytics/daily", get(daily::get))
        .route("/analytics/breakdown", get(breakdown::get))
        .route("/analytics/heatmap", get(heatmap::get))
        .route("/analytics/heatmap/products", get(drilldown::get))
        .route("/analytics/products", get(top_products::get))
        .route("/analytics/export", get(export::get))
        .route("/analytics/trends", get(trends::get))
}

/// Shops recently found by their ingestion key, by the key's hash.
#[derive(Debug, Default)]
pub struct ShopKeys {
    found: Mutex<HashMap<String, (Shop, Instant)>>,
}

impl ShopKeys {
    /// Returns the shop of `key`, from the cache when it was looked up less than a minute ago.
    pub async fn shop(&self, db: &Db, key: &str) -> store::Result<Option<Shop>> {
        let hash = shops::key_hash(key);
        if let Some(shop) = self.cached(&hash) {
            return Ok(Some(shop));
        }
        let Some(shop) = shops::find_by_key(db, key).await? else {
            return Ok(None);
        };
        if let Ok(mut found) = self.found.lock() {
            if found.len() >= KEY_CACHE_MAX {
                found.clear();
            }
            found.insert(hash, (shop.clone(), Instant::now()));
        }
        Ok(Some(shop))
    }

    fn cached(&self, hash: &str) -> Option<Shop> {
        let found = self.found.lock().ok()?;
        let (shop, at) = found.get(hash)?;
        (at.elapsed() < KEY_CACHE_TTL).then(|| shop.clone())
    }
}

/// Returns the events database, or a 503 when the server runs without one.
fn events_db(state: &AppState) -> AppResult<&Db> {
    state.events.as_ref().ok_or_else(|| {
        AppError::from(crate::error::Problem::new(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "analytics-events-unavailable",
        ))
    })
}
