//! The Zabbix webhook: `POST /api/v1/integrations/zabbix/events`.
//!
//! Every authenticated delivery with a valid `event_id` and `event_value` is stored raw
//! before it is processed, so a processing failure loses nothing: the delivery is marked
//! failed, Zabbix gets a 500 and retries, and the stored copy can be replayed.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use domain::servicedesk::zabbix::{self as rules, DeliveryKind, Parsed};
use secrecy::ExposeSecret;
use serde::Serialize;
use sha2::{Digest, Sha256};
use store::servicedesk::zabbix::{self as deliveries, Initial};
use utoipa::ToSchema;

use crate::api::json::syntax_problem;
use crate::context::constant_time_eq;
use crate::error::{AppError, AppResult, Problem};
use crate::i18n::Lang;
use crate::state::AppState;

/// Maximum wait for a new problem's start time from the Zabbix API, because Zabbix waits for
/// the webhook's response meanwhile.
const EVENT_CLOCK_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(3);

/// Tag names the media type writes back into the Zabbix event; `{EVENT.TAGS.…}` macros of
/// later deliveries and the event menu read them.
pub const TAG_TICKET_ID: &str = "__zbx_vitrina_ticket_id";
pub const TAG_TICKET_NUMBER: &str = "__zbx_vitrina_ticket_number";
pub const TAG_TICKET_URL: &str = "__zbx_vitrina_ticket_url";

/// The answer to an accepted delivery.
#[derive(Debug, Serialize, ToSchema)]
pub struct Accepted {
    /// `created`, `updated`, `repeat`, `ignored` or `test`.
    pub status: &'static str,
    /// The ticket's id, when the delivery concerns one.
    pub id: Option<i64>,
    /// The ticket's human number.
    pub number: Option<String>,
    /// The ticket's absolute URL, for the event menu in Zabbix.
    pub url: Option<String>,
    /// Event tags for the media type to return to Zabbix.
    pub tags: Option<serde_json::Value>,
    /// What happened, in words.
    pub message: String,
}

/// Receives one webhook delivery from Zabbix.
#[utoipa::path(post, path = "/api/v1/integrations/zabbix/events", tag = "integrations",
    request_body(content = serde_json::Value, description = "The media type's parameters: a JSON object of strings"),
    responses((status = 200, body = Accepted), (status = 400), (status = 401), (status = 413), (status = 503)),
    security(("zabbix_secret" = [])))]
pub async fn receive(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> AppResult<Response> {
    let Some(secret) = &state.config.zabbix_webhook_secret else {
        state.metrics.zabbix_delivery("not_configured");
        tracing::warn!("zabbix delivery refused: no webhook secret is configured");
        return Err(Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "not_configured",
            "error-zabbix-not-configured",
        )
        .into());
    };
    let provided = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(crate::context::bearer_credentials)
        .unwrap_or("");
    if !constant_time_eq(provided.trim(), secret.expose_secret()) {
        state.metrics.zabbix_delivery("unauthorized");
        tracing::warn!("zabbix delivery refused: wrong or missing secret");
        return Err(Problem::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "error-zabbix-secret",
        )
        .into());
    }

    // A body over the limit is rejected here, after the secret check, as a JSON problem
    // like every other API error.
    let body = body.map_err(|rejection| Problem::body_rejection(rejection.status(), &headers))?;
    let accepted = accept(&state, &body).await?;
    Ok(Json(accepted).into_response())
}

/// Parses, stores and processes one delivery body. The demo data generator feeds its
/// generated deliveries through here too.
pub async fn accept(state: &AppState, body: &[u8]) -> AppResult<Accepted> {
    let lang = Lang::Ru;
    // serde_json rejects bytes that are not UTF-8 with a position, so the text is valid once
    // the value parses.
    let value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|error| reject(state, syntax_problem("error-json-syntax", &error)))?;
    let text = std::str::from_utf8(body).map_err(|_| {
        let problem = Problem::from_status(StatusCode::BAD_REQUEST);
        reject(state, problem)
    })?;
    let parsed = rules::parse(&value).map_err(|invalid| {
        let mut problem =
            Problem::new(StatusCode::BAD_REQUEST, "bad_request", invalid.key).field(invalid.field);
        problem.args = invalid.args;
        reject(state, problem)
    })?;
    let now = domain::time::now();
    let sha = hex::encode(Sha256::digest(text.as_bytes()));

    let delivery = match parsed {
        Parsed::TestForm => {
            deliveries::store(&state.db, text, &sha, None, None, Initial::Test, now).await?;
            state.metrics.zabbix_delivery("test");
            tracing::info!("zabbix test delivery received");
            return Ok(answer(state, lang, "test", None, "zabbix-test-received"));
        }
        Parsed::Event(delivery) => delivery,
    };
    let kind = delivery.kind();
    if !delivery.is_trigger_event() {
        deliveries::store(
            &state.db,
            text,
            &sha,
            Some(delivery.event_id),
            Some(kind),
            Initial::Ignored,
            now,
        )
        .await?;
        state.metrics.zabbix_delivery("ignored");
        tracing::info!(
            zabbix_event_id = delivery.event_id,
            source = delivery.source,
            "zabbix delivery ignored: not a trigger event"
        );
        return Ok(answer(
            state,
            lang,
            "ignored",
            None,
            "zabbix-ignored-source",
        ));
    }

    let delivery_id = deliveries::store(
        &state.db,
        text,
        &sha,
        Some(delivery.event_id),
        Some(kind),
        Initial::Received,
        now,
    )
    .await?;
    let api_time = match kind {
        DeliveryKind::Problem => event_clock(state, delivery.event_id).await,
        _ => None,
    };
    let event_time = api_time.or_else(|| delivery.event_instant(state.config.zabbix_server_zone));
    let outcome = deliveries::process(
        &state.db,
        delivery_id,
        &delivery,
        &sha,
        &state.config.zabbix,
        event_time,
        now,
    )
    .await
    .inspect_err(|_| state.metrics.zabbix_delivery("failed"))?;

    let status = match (outcome.created, outcome.repeat) {
        (true, _) => "created",
        (false, true) => "repeat",
        (false, false) => "updated",
    };
    state.metrics.zabbix_delivery(status);
    tracing::info!(
        delivery_id,
        zabbix_event_id = delivery.event_id,
        ticket_id = outcome.ticket_id,
        kind = kind.as_str(),
        status,
        "zabbix delivery processed"
    );
    let key = match status {
        "created" => "zabbix-ticket-created",
        "repeat" => "zabbix-ticket-repeat",
        _ => "zabbix-ticket-updated",
    };
    Ok(answer(
        state,
        lang,
        status,
        Some((outcome.ticket_id, outcome.number)),
        key,
    ))
}

/// Reads a problem event's start from the Zabbix API (`event.get`'s `clock`), which carries
/// its zone, unlike `event_date` and `event_time`. Returns `None` without an API, or when the
/// API fails or takes longer than [`EVENT_CLOCK_TIMEOUT`], so a delivery waits at most that
/// long for it.
async fn event_clock(state: &AppState, event_id: i64) -> Option<DateTime<Utc>> {
    let api = state.config.zabbix_api.as_ref()?;
    let events = match tokio::time::timeout(EVENT_CLOCK_TIMEOUT, api.events(&[event_id])).await {
        Ok(Ok(events)) => events,
        Ok(Err(error)) => {
            tracing::warn!(zabbix_event_id = event_id, %error, "zabbix event time lookup failed; using event_date and event_time");
            return None;
        }
        Err(_) => {
            tracing::warn!(
                zabbix_event_id = event_id,
                "zabbix event time lookup timed out; using event_date and event_time"
            );
            return None;
        }
    };
    let seconds = events.first()?.clock_seconds()?;
    DateTime::from_timestamp(seconds, 0)
}

fn answer(
    state: &AppState,
    lang: Lang,
    status: &'static str,
    ticket: Option<(i64, String)>,
    key: &str,
) -> Accepted {
    let (id, number) = match ticket {
        Some((id, number)) => (Some(id), Some(number)),
        None => (None, None),
    };
    let url = id.map(|id| format!("{}/tickets/{id}", state.config.public_url));
    let tags = match (id, &number, &url) {
        (Some(id), Some(number), Some(url)) => Some(serde_json::json!({
            TAG_TICKET_ID: id.to_string(), TAG_TICKET_NUMBER: number, TAG_TICKET_URL: url})),
        _ => None,
    };
    let args = number
        .as_ref()
        .map(|n| vec![("number", crate::i18n::Arg::Text(n.clone()))])
        .unwrap_or_default();
    Accepted {
        status,
        message: state.i18n.format(lang, key, &args),
        id,
        number,
        url,
        tags,
    }
}

/// Counts and logs a rejected delivery; nothing is stored.
fn reject(state: &AppState, problem: Problem) -> AppError {
    state.metrics.zabbix_delivery("rejected");
    tracing::warn!(code = problem.code, field = ?problem.field, "zabbix delivery rejected");
    problem.into()
}
