//! Vitrina's HTTP layer: server-rendered pages with htmx, the JSON API under `/api/v1/` with
//! its OpenAPI document, login and sessions, CSRF protection, translations and operations
//! endpoints. Handlers stay thin: they check permissions and call the store.

#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod admin;
pub mod analytics;
pub mod api;
pub mod assets;
pub mod context;
pub mod crm;
pub mod error;
pub mod form;
pub mod i18n;
pub mod identity;
pub mod infra;
pub mod notify;
pub mod ops;
pub mod pages;
pub mod portal;
pub mod query;
pub mod servicedesk;
pub mod state;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware;
use axum::routing::{get, post};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use error::{AppError, AppResult, Problem};
pub use state::{AppState, DEFAULT_ANALYTICS_EXACT_EVENTS, WebConfig};

/// Largest request body accepted, in bytes, unless a route sets its own limit.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// The Content-Security-Policy of every response: only Vitrina's own scripts and styles.
const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
                   frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

/// Builds the application router with every route and middleware.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route(
            "/login",
            get(identity::login::form).post(identity::login::submit),
        )
        .route("/logout", post(identity::login::logout))
        .route("/settings/language", post(identity::login::language))
        .merge(identity::profile::routes())
        .merge(servicedesk::pages::routes())
        .merge(crm::routes())
        .merge(infra::routes())
        .merge(admin::routes())
        .merge(notify::routes())
        .route("/analytics", get(analytics::page::show))
        .route("/analytics/trends", get(analytics::trends_page::show))
        .route(
            "/analytics/heatmap/products",
            get(analytics::drilldown_page::show),
        )
        .merge(portal::routes())
        .nest("/api/v1", api::routes())
        .route("/api/openapi.json", get(api::openapi::document))
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .route("/static/{*path}", get(assets::serve))
        .fallback(|| async { AppError::not_found() })
        .layer(middleware::from_fn_with_state(
            state.clone(),
            context::middleware,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), ops::track))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(security_header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(security_header(header::X_FRAME_OPTIONS, "DENY"))
        .layer(security_header(header::REFERRER_POLICY, "same-origin"))
        .layer(security_header(header::CONTENT_SECURITY_POLICY, CSP))
        .layer(CatchPanicLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

fn security_header(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}
