//! `POST /api/v1/events`: a batch of storefront events sent with a shop's ingestion key.
//!
//! The key decides the shop. Valid events are stored even when others of the batch are
//! rejected, and the response is sent only after the stored events are committed. A body
//! that is not JSON (400), not a batch (400) or over a limit (413) is rejected whole.

use axum::Json;
use axum::body::to_bytes;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::Invalid;
use domain::analytics::bots::BotRules;
use domain::analytics::context::describe;
use domain::analytics::validate::{JSON_TEXT_KEYS, Rejected, validate_batch};
use serde::Serialize;
use serde_json::Value;
use serde_json::value::RawValue;
use store::analytics::events::{self, NewEvent, ShopZone};
use utoipa::ToSchema;

use crate::api::json::{Step, raw_at, raw_root, raw_text, syntax_problem};
use crate::context::Context;
use crate::error::{AppError, AppResult, Problem, content_length};
use crate::i18n::{Arg, Lang};
use crate::state::AppState;

/// Largest batch body in bytes (1 MiB).
pub const BODY_LIMIT: usize = 1024 * 1024;

/// The response to an accepted batch.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchResult {
    /// Events stored now.
    pub accepted: u64,
    /// Valid events whose id the shop had already; they were not stored again.
    pub duplicates: u64,
    /// One entry per invalid field of each rejected event.
    pub rejected: Vec<RejectedField>,
}

/// A field error of a rejected event.
#[derive(Debug, Serialize, ToSchema)]
pub struct RejectedField {
    /// Position of the event in the batch, from 0.
    pub index: usize,
    pub field: String,
    /// The error in the requester's language (`Accept-Language`, Russian by default).
    pub message: String,
}

/// Stores a batch of storefront events.
#[utoipa::path(post, path = "/api/v1/events", tag = "analytics",
    request_body(content = serde_json::Value, description = "`{\"events\": [...]}` with at most 1,000 events and 1 MiB; each event needs `id`, `type`, `time` (RFC 3339) and `visitor`. Amounts are integers in minor units (`price_kopecks`, `revenue_kopecks`); `currency` defaults to RUB. `ip` is used for bot rules and never stored."),
    responses((status = 202, body = BatchResult), (status = 400), (status = 401), (status = 403), (status = 413), (status = 503)),
    security(("ingestion_key" = [])))]
pub async fn receive(
    State(state): State<AppState>,
    context: Context,
    request: Request,
) -> AppResult<Response> {
    let events_db = super::events_db(&state)?.clone();
    let key = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(crate::context::bearer_credentials)
        .map(str::trim)
        .unwrap_or("")
        .to_string();
    let shop = if key.is_empty() {
        None
    } else {
        state.shop_keys.shop(&state.db, &key).await?
    };
    let Some(shop) = shop else {
        tracing::warn!("event batch rejected: invalid or missing ingestion key");
        return Err(Problem::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "analytics-key-invalid",
        )
        .into());
    };

    let announced = content_length(request.headers());
    let body = to_bytes(request.into_body(), BODY_LIMIT)
        .await
        .map_err(|_| Problem::too_large(BODY_LIMIT, announced))?;
    let items = batch_items(&body, &shop.slug)?;
    let received_at = domain::time::now();
    let mut batch = validate_batch(items, received_at).map_err(batch_problem)?;
    if !batch.rejected.is_empty() {
        echo_sent_values(&body, &mut batch.rejected);
    }
    store::analytics::orders::check_batch(&events_db, shop.id, &mut batch).await?;

    let rules = BotRules::default();
    let valid = batch.accepted.len() as u64;
    let new_events: Vec<NewEvent> = batch
        .accepted
        .into_iter()
        .map(|event| NewEvent {
            context: describe(&event, &rules, None),
            event,
            session_given: false,
        })
        .collect();
    let target = ShopZone {
        id: shop.id,
        zone: shop.zone()?,
    };
    let accepted = match &state.event_writer {
        Some(writer) => writer.insert(target, new_events, received_at).await?,
        None => events::insert(&events_db, target, &new_events, received_at).await?,
    };

    let rejected = rejected_fields(&state, context.lang, &batch.rejected);
    tracing::debug!(
        shop_id = shop.id,
        accepted,
        rejected = batch.rejected.len(),
        "event batch stored"
    );
    let result = BatchResult {
        accepted,
        duplicates: valid - accepted,
        rejected,
    };
    Ok((StatusCode::ACCEPTED, Json(result)).into_response())
}

/// Parses the body into the array of events: `{"events": [...]}`, or a bare array. A
/// `shop` field naming another shop than the key's is rejected with 403.
fn batch_items(body: &[u8], key_shop: &str) -> AppResult<Value> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|error| syntax_problem("analytics-batch-json", &error))?;
    let mut object = match value {
        Value::Array(_) => return Ok(value),
        Value::Object(object) => object,
        _ => return Err(not_a_batch()),
    };
    if let Some(named) = object.get("shop").and_then(Value::as_str)
        && !named.trim().eq_ignore_ascii_case(key_shop)
    {
        return Err(Problem::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "analytics-shop-mismatch",
        )
        .arg("key_shop", key_shop)
        .arg("value", named.trim())
        .field("shop")
        .into());
    }
    match object.remove("events") {
        Some(events @ Value::Array(_)) => Ok(events),
        _ => Err(not_a_batch()),
    }
}

/// Replaces the `value` of each type error with the field's JSON text exactly as sent, which
/// the parsed events no longer hold (serde_json writes `1e20` as `1e+20`).
fn echo_sent_values(body: &[u8], rejected: &mut [Rejected]) {
    let Some(root) = raw_root(body) else {
        return;
    };
    let bare = root.get().trim_start().starts_with('[');
    let prefix: &[Step] = if bare { &[] } else { &[Step::Key("events")] };
    let Some(events) = raw_at(root, prefix) else {
        return;
    };
    let Ok(events) = serde_json::from_str::<Vec<&RawValue>>(events.get()) else {
        return;
    };
    for event in rejected {
        let Some(raw_event) = events.get(event.index) else {
            continue;
        };
        for error in &mut event.errors {
            if !JSON_TEXT_KEYS.contains(&error.key) {
                continue;
            }
            let Some(sent) = raw_at(raw_event, &[Step::Key(&error.field)]) else {
                continue;
            };
            for (name, value) in &mut error.args {
                if *name == "value" {
                    *value = raw_text(sent);
                }
            }
        }
    }
}

fn not_a_batch() -> AppError {
    Problem::new(
        StatusCode::BAD_REQUEST,
        "bad_request",
        "analytics-batch-not-array",
    )
    .field("events")
    .into()
}

/// Maps a whole-batch error: too many events is 413, anything else 400.
fn batch_problem(invalid: Invalid) -> AppError {
    let status = if invalid.key == "analytics-batch-too-large" {
        StatusCode::PAYLOAD_TOO_LARGE
    } else {
        StatusCode::BAD_REQUEST
    };
    let code = if status == StatusCode::PAYLOAD_TOO_LARGE {
        "too_large"
    } else {
        "bad_request"
    };
    let mut problem = Problem::new(status, code, invalid.key).field("events");
    problem.args = invalid.args;
    problem.into()
}

fn rejected_fields(state: &AppState, lang: Lang, rejected: &[Rejected]) -> Vec<RejectedField> {
    let mut fields = Vec::new();
    for event in rejected {
        for error in &event.errors {
            let args: Vec<(&str, Arg)> = error
                .args
                .iter()
                .map(|(name, value)| (*name, Arg::Text(value.clone())))
                .collect();
            fields.push(RejectedField {
                index: event.index,
                field: error.field.clone(),
                message: state.i18n.format(lang, error.key, &args),
            });
        }
    }
    fields
}
