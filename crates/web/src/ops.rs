//! Operations endpoints: liveness, readiness and Prometheus metrics, plus the middleware that
//! counts requests.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::state::AppState;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabels {
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: String,
}

/// Vitrina's own metrics in Prometheus format.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    tickets: Family<StatusLabels, Gauge>,
    zabbix_deliveries: Family<OutcomeLabels, Counter>,
    zabbix_outbox: Family<StatusLabels, Gauge>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// Creates the registry with every metric Vitrina exports.
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("vitrina");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests by route and status",
            requests.clone(),
        );
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.001, 2.0, 14))
        });
        registry.register(
            "http_request_duration_seconds",
            "HTTP request latency",
            latency.clone(),
        );
        let tickets = Family::<StatusLabels, Gauge>::default();
        registry.register("tickets", "Tickets by status", tickets.clone());
        let zabbix_deliveries = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "zabbix_deliveries",
            "Zabbix webhook deliveries by outcome",
            zabbix_deliveries.clone(),
        );
        let zabbix_outbox = Family::<StatusLabels, Gauge>::default();
        registry.register(
            "zabbix_outbox",
            "Calls back to the Zabbix API by status: pending, failed (to be retried) or sent",
            zabbix_outbox.clone(),
        );
        Metrics {
            registry,
            requests,
            latency,
            tickets,
            zabbix_deliveries,
            zabbix_outbox,
        }
    }

    /// Counts one Zabbix delivery with its outcome (`created`, `updated`, `repeat`, `rejected`, …).
    pub fn zabbix_delivery(&self, outcome: &str) {
        self.zabbix_deliveries
            .get_or_create(&OutcomeLabels {
                outcome: outcome.to_string(),
            })
            .inc();
    }

    fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&RequestLabels {
                method: method.to_string(),
                route: route.to_string(),
                status,
            })
            .inc();
        self.latency
            .get_or_create(&RouteLabels {
                method: method.to_string(),
                route: route.to_string(),
            })
            .observe(seconds);
    }
}

/// Names the HTTP method for a label. Methods outside RFC 9110 become `other`: any client
/// may send a made-up method, and a label per name would grow the metrics without bound.
fn method_label(method: &axum::http::Method) -> String {
    use axum::http::Method;
    let known = [
        Method::GET,
        Method::HEAD,
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
        Method::OPTIONS,
        Method::CONNECT,
        Method::TRACE,
    ];
    if known.contains(method) {
        method.as_str().to_string()
    } else {
        "other".to_string()
    }
}

/// Counts every request by its route pattern (never the raw path, which would make a label
/// per ticket id) and records its latency.
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = method_label(request.method());
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let response = next.run(request).await;
    state.metrics.observe(
        &method,
        &route,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

/// Liveness: the process answers.
pub async fn healthz() -> &'static str {
    "ok"
}

/// Readiness: the database answers.
pub async fn readyz(State(state): State<AppState>) -> Response {
    match state.db.ping().await {
        Ok(()) => "ready".into_response(),
        Err(error) => {
            tracing::error!(%error, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// Replaces the gauges of `family` with `counts`, one per status. Every status of `known`
/// gets a series, 0 when it has no rows, so dashboards and alerts see 0 rather than no data.
fn set_by_status(family: &Family<StatusLabels, Gauge>, known: &[&str], counts: Vec<(String, i64)>) {
    family.clear();
    for status in known {
        family
            .get_or_create(&StatusLabels {
                status: status.to_string(),
            })
            .set(0);
    }
    for (status, count) in counts {
        family.get_or_create(&StatusLabels { status }).set(count);
    }
}

/// The states of a call in the Zabbix outbox, as the `zabbix_outbox.state` column allows.
const OUTBOX_STATES: [&str; 3] = ["pending", "failed", "sent"];

/// Prometheus metrics in the OpenMetrics text format.
pub async fn metrics(State(state): State<AppState>) -> Response {
    match store::servicedesk::tickets::count_by_status(&state.db).await {
        Ok(counts) => {
            use strum::VariantArray;
            let known: Vec<&str> = domain::servicedesk::Status::VARIANTS
                .iter()
                .map(|status| status.as_ref())
                .collect();
            set_by_status(&state.metrics.tickets, &known, counts)
        }
        Err(error) => tracing::error!(%error, "ticket counts for metrics failed"),
    }
    match store::servicedesk::zabbix_outbox::count_by_state(&state.db).await {
        Ok(counts) => set_by_status(&state.metrics.zabbix_outbox, &OUTBOX_STATES, counts),
        Err(error) => tracing::error!(%error, "zabbix outbox counts for metrics failed"),
    }
    let mut body = String::new();
    if let Err(error) =
        prometheus_client::encoding::text::encode(&mut body, &state.metrics.registry)
    {
        tracing::error!(%error, "metrics encoding failed");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        body,
    )
        .into_response()
}
