//! Validation of `POST /api/v1/events` batches into typed events with field-level errors.
//!
//! Required fields: `id`, `type`, `time`, `visitor`. Unknown fields are ignored, so senders
//! can add fields before Vitrina reads them. Identifiers may arrive as JSON numbers and are
//! kept as their decimal text. `price_kopecks` and `revenue_kopecks` are integers in the
//! minor unit of `currency` (kopecks for the default RUB).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use serde_json::{Map, Value};

use super::event::{
    AMOUNT_MAX_MINOR, BATCH_MAX_EVENTS, CATEGORY_MAX_CHARS, EARLIEST_EVENT_TIME, Event, EventType,
    FUTURE_TOLERANCE_HOURS, ID_MAX_CHARS, QUANTITY_MAX, URL_MAX_CHARS, USER_AGENT_MAX_CHARS,
};
use super::money::Currency;
use crate::Invalid;

/// An event of a batch that failed validation: its position and every field error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// Position of the event in the batch, from 0.
    pub index: usize,
    /// One error per invalid field, in field order.
    pub errors: Vec<Invalid>,
}

/// Messages whose `value` argument is the rejected field's JSON text rather than a string the
/// user typed, because the value has the wrong type or is no accepted code.
pub const JSON_TEXT_KEYS: [&str; 7] = [
    "analytics-field-not-text",
    "analytics-amount-not-integer",
    "analytics-amount-negative",
    "analytics-amount-too-large",
    "analytics-quantity-invalid",
    "analytics-currency-invalid",
    "analytics-currency-unknown",
];

/// A validated batch: the valid events are accepted even when others are rejected.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Batch {
    pub accepted: Vec<Event>,
    /// Position in the batch of each event of `accepted`, from 0.
    pub accepted_indices: Vec<usize>,
    /// Rejected events in batch order.
    pub rejected: Vec<Rejected>,
}

/// Validates a batch body: a JSON array of at most [`BATCH_MAX_EVENTS`] events.
///
/// Returns an error for the batch as a whole when the body is not an array or is too long.
/// Otherwise each event is validated on its own. `received_at` bounds how far in the future
/// an event time may lie.
pub fn validate_batch(body: Value, received_at: DateTime<Utc>) -> Result<Batch, Invalid> {
    let Value::Array(items) = body else {
        return Err(Invalid::new("body", "analytics-batch-not-array"));
    };
    if items.len() > BATCH_MAX_EVENTS {
        return Err(Invalid::new("body", "analytics-batch-too-large")
            .arg("count", items.len())
            .arg("max", BATCH_MAX_EVENTS));
    }

    let mut batch = Batch {
        accepted: Vec::with_capacity(items.len()),
        accepted_indices: Vec::with_capacity(items.len()),
        rejected: Vec::new(),
    };
    for (index, item) in items.into_iter().enumerate() {
        match validate_event(item, received_at) {
            Ok(event) => {
                batch.accepted.push(event);
                batch.accepted_indices.push(index);
            }
            Err(errors) => batch.rejected.push(Rejected { index, errors }),
        }
    }
    Ok(batch)
}

/// Validates one event and normalises it. Takes the value by ownership so that its strings
/// move into the event without copies. Returns every field error, not only the first.
pub fn validate_event(value: Value, received_at: DateTime<Utc>) -> Result<Event, Vec<Invalid>> {
    let Value::Object(mut fields) = value else {
        return Err(vec![Invalid::new("event", "analytics-event-not-object")]);
    };
    let mut errors = Vec::new();
    let mut reader = Reader {
        fields: &mut fields,
        errors: &mut errors,
    };

    let id = reader.required_text("id", ID_MAX_CHARS);
    let kind = reader.event_type();
    let time = reader.time(received_at);
    let visitor = reader.required_text("visitor", ID_MAX_CHARS);
    let session = reader.text("session", ID_MAX_CHARS);
    let url = reader.text("url", URL_MAX_CHARS);
    let referrer = reader.text("referrer", URL_MAX_CHARS);
    let user_agent = reader.text("user_agent", USER_AGENT_MAX_CHARS);
    let ip = reader.ip();
    let product_id = reader.text("product_id", ID_MAX_CHARS);
    let category = reader.text("category", CATEGORY_MAX_CHARS);
    let price_minor = reader.amount("price_kopecks");
    let quantity = reader.quantity();
    let currency = reader.currency();
    let order_id = reader.text("order_id", ID_MAX_CHARS);
    let revenue_minor = reader.amount("revenue_kopecks");
    let customer_id = reader.text("customer_id", ID_MAX_CHARS);

    if kind == Some(EventType::Refund) {
        check_refund(
            order_id.is_some(),
            revenue_minor.or(price_minor),
            &mut errors,
        );
    }

    let (Some(id), Some(kind), Some(time), Some(visitor)) = (id, kind, time, visitor) else {
        return Err(errors);
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Event {
        id,
        kind,
        time,
        visitor,
        session,
        url,
        referrer,
        user_agent,
        ip,
        product_id,
        category,
        price_minor,
        quantity,
        currency,
        order_id,
        revenue_minor,
        customer_id,
    })
}

/// Requires a refund to name its order and the amount returned, because a refund is checked
/// against its order's purchase and reduces net revenue by that amount.
fn check_refund(has_order: bool, amount: Option<i64>, errors: &mut Vec<Invalid>) {
    if !has_order && !errors.iter().any(|error| error.field == "order_id") {
        errors.push(Invalid::new("order_id", "analytics-refund-order-missing"));
    }
    let amount_rejected = errors
        .iter()
        .any(|error| matches!(error.field.as_str(), "revenue_kopecks" | "price_kopecks"));
    if amount.is_none() && !amount_rejected {
        errors.push(Invalid::new(
            "revenue_kopecks",
            "analytics-refund-amount-missing",
        ));
    }
}

/// The stored state of one order before a batch is stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoredOrder {
    /// The order's first purchase by event time; `None` when only refunds are stored.
    pub first_purchase: Option<OrderPurchase>,
    /// Stored refunds' amounts by currency, in minor units.
    pub refunded_minor: BTreeMap<Currency, i64>,
    /// Stored refunds' event ids, so that a refund sent again is left to the duplicate check.
    pub refund_ids: HashSet<String>,
}

/// The purchase an order counts by: its time, amount and currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderPurchase {
    pub time: DateTime<Utc>,
    /// Order total in minor units of `currency`; `None` when the purchase carried no amount.
    pub amount_minor: Option<i64>,
    pub currency: Currency,
}

impl OrderPurchase {
    fn of(event: &Event) -> OrderPurchase {
        OrderPurchase {
            time: event.time,
            amount_minor: event.order_amount_minor(),
            currency: event.currency,
        }
    }
}

/// Returns the order ids of the batch's purchases and refunds, which [`check_orders`] needs
/// the stored state of.
pub fn order_ids(batch: &Batch) -> Vec<&str> {
    let mut ids: Vec<&str> = batch
        .accepted
        .iter()
        .filter(|event| matches!(event.kind, EventType::Purchase | EventType::Refund))
        .filter_map(|event| event.order_id.as_deref())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Checks the batch's purchases and refunds against their orders and moves the events that
/// fail to `rejected`. `stored` contains the stored state of the orders that [`order_ids`]
/// lists; an order missing from it has nothing stored. Events are checked in batch order, and
/// each accepted one counts for the events after it.
///
/// - A refund needs a purchase of its order, stored or earlier in the batch. It must be in
///   the order's currency, and the order's refunds together must not exceed the order's
///   amount. A refund of an order whose purchase carried no amount is not capped.
/// - The first stored purchase of an order is the one whose amount counts. A repeat dated at
///   or before it with another amount or currency is rejected, because storing it would make
///   it the first and replace the counted amount. A repeat with the same amount is accepted,
///   and one dated earlier moves the order to its day.
pub fn check_orders(batch: &mut Batch, stored: &HashMap<String, StoredOrder>) {
    let mut orders: HashMap<String, StoredOrder> = HashMap::new();
    let events = std::mem::take(&mut batch.accepted);
    let indices = std::mem::take(&mut batch.accepted_indices);
    let mut newly_rejected = Vec::new();
    for (event, index) in events.into_iter().zip(indices) {
        let order = event
            .order_id
            .as_ref()
            .filter(|_| matches!(event.kind, EventType::Purchase | EventType::Refund));
        if let Some(order_id) = order {
            let state = orders
                .entry(order_id.clone())
                .or_insert_with(|| stored.get(order_id).cloned().unwrap_or_default());
            if let Err(error) = check_against_order(&event, order_id, state) {
                newly_rejected.push(Rejected {
                    index,
                    errors: vec![error],
                });
                continue;
            }
        }
        batch.accepted.push(event);
        batch.accepted_indices.push(index);
    }
    if !newly_rejected.is_empty() {
        batch.rejected.append(&mut newly_rejected);
        batch.rejected.sort_by_key(|rejected| rejected.index);
    }
}

/// Checks one purchase or refund against its order and, when it passes, records it there.
fn check_against_order(
    event: &Event,
    order_id: &str,
    order: &mut StoredOrder,
) -> Result<(), Invalid> {
    if event.kind == EventType::Purchase {
        let Some(first) = &order.first_purchase else {
            order.first_purchase = Some(OrderPurchase::of(event));
            return Ok(());
        };
        if event.time > first.time {
            return Ok(());
        }
        let amount = event.order_amount_minor();
        if amount != first.amount_minor || event.currency != first.currency {
            return Err(
                Invalid::new("revenue_kopecks", "analytics-order-repeat-earlier")
                    .arg("order", order_id)
                    .arg("value", event.time.to_rfc3339())
                    .arg("stored", first.time.to_rfc3339())
                    .arg("amount", describe_amount(amount, event.currency))
                    .arg(
                        "stored_amount",
                        describe_amount(first.amount_minor, first.currency),
                    ),
            );
        }
        // A late delivery of the order's true first purchase moves the order to its day.
        order.first_purchase = Some(OrderPurchase::of(event));
        return Ok(());
    }

    if order.refund_ids.contains(&event.id) {
        return Ok(());
    }
    let Some(purchase) = &order.first_purchase else {
        return Err(
            Invalid::new("order_id", "analytics-refund-order-unknown").arg("order", order_id)
        );
    };
    if event.time < purchase.time {
        return Err(Invalid::new("time", "analytics-refund-before-purchase")
            .arg("order", order_id)
            .arg("value", event.time.to_rfc3339())
            .arg("purchase_time", purchase.time.to_rfc3339()));
    }
    if event.currency != purchase.currency {
        return Err(Invalid::new("currency", "analytics-refund-currency")
            .arg("order", order_id)
            .arg("value", event.currency)
            .arg("order_currency", purchase.currency));
    }
    // Validation requires an amount on every refund, so 0 is never used here.
    let amount = event.order_amount_minor().unwrap_or(0);
    let refunded = order
        .refunded_minor
        .get(&event.currency)
        .copied()
        .unwrap_or(0);
    if let Some(order_amount) = purchase.amount_minor {
        let remaining = order_amount.saturating_sub(refunded);
        if amount > remaining {
            return Err(
                Invalid::new("revenue_kopecks", "analytics-refund-exceeds-order")
                    .arg("order", order_id)
                    .arg("value", amount)
                    .arg("order_amount", order_amount)
                    .arg("refunded", refunded)
                    .arg("remaining", remaining.max(0)),
            );
        }
    }
    order
        .refunded_minor
        .insert(event.currency, refunded.saturating_add(amount));
    order.refund_ids.insert(event.id.clone());
    Ok(())
}

/// Formats an amount for a message: `1999000 RUB`, or `—` when there is none.
fn describe_amount(amount_minor: Option<i64>, currency: Currency) -> String {
    match amount_minor {
        Some(amount) => format!("{amount} {currency}"),
        None => "—".to_string(),
    }
}

/// Takes fields out of one event object and records an error for each invalid one.
struct Reader<'a> {
    fields: &'a mut Map<String, Value>,
    errors: &'a mut Vec<Invalid>,
}

impl Reader<'_> {
    fn reject(&mut self, error: Invalid) {
        self.errors.push(error);
    }

    /// Takes a field; JSON `null` and blank strings count as absent.
    fn take(&mut self, field: &str) -> Option<Value> {
        match self.fields.remove(field)? {
            Value::Null => None,
            Value::String(text) if text.trim().is_empty() => None,
            value => Some(value),
        }
    }

    fn text(&mut self, field: &'static str, max_chars: usize) -> Option<String> {
        let text = match self.take(field)? {
            Value::String(text) => trimmed(text),
            Value::Number(number) => number.to_string(),
            other => {
                self.reject(
                    Invalid::new(field, "analytics-field-not-text")
                        .arg("field", field)
                        .arg("value", json_text(&other)),
                );
                return None;
            }
        };
        // Bytes bound characters from above, so most values skip the character count.
        if text.len() > max_chars && text.chars().count() > max_chars {
            self.reject(
                Invalid::new(field, "analytics-field-too-long")
                    .arg("field", field)
                    .arg("length", text.chars().count())
                    .arg("max", max_chars),
            );
            return None;
        }
        Some(text)
    }

    fn required_text(&mut self, field: &'static str, max_chars: usize) -> Option<String> {
        let present = self.fields.get(field).is_some_and(is_present);
        if !present {
            self.fields.remove(field);
            self.reject(missing(field));
            return None;
        }
        self.text(field, max_chars)
    }

    fn event_type(&mut self) -> Option<EventType> {
        let Some(value) = self.take("type") else {
            self.reject(missing("type"));
            return None;
        };
        let name = value.as_str().map(str::trim);
        if let Some(kind) = name.and_then(EventType::parse) {
            return Some(kind);
        }
        let rejected_value = name.map_or_else(|| value.to_string(), str::to_string);
        self.reject(
            Invalid::new("type", "analytics-type-unknown")
                .arg("value", shorten(&rejected_value))
                .arg("allowed", EventType::names().join(", ")),
        );
        None
    }

    fn time(&mut self, received_at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let Some(value) = self.take("time") else {
            self.reject(missing("time"));
            return None;
        };
        let parsed = value
            .as_str()
            .and_then(|text| DateTime::parse_from_rfc3339(text.trim()).ok());
        let Some(time) = parsed.map(|time| time.with_timezone(&Utc)) else {
            self.reject(
                Invalid::new("time", "analytics-time-invalid")
                    .arg("value", shorten(&display(&value))),
            );
            return None;
        };
        if time < EARLIEST_EVENT_TIME {
            self.reject(
                Invalid::new("time", "analytics-time-too-early")
                    .arg("value", display(&value))
                    .arg("earliest", EARLIEST_EVENT_TIME.to_rfc3339()),
            );
            return None;
        }
        let latest = received_at + Duration::hours(FUTURE_TOLERANCE_HOURS);
        if time > latest {
            self.reject(
                Invalid::new("time", "analytics-time-in-future")
                    .arg("value", display(&value))
                    .arg("received", received_at.to_rfc3339()),
            );
            return None;
        }
        Some(time)
    }

    fn ip(&mut self) -> Option<IpAddr> {
        let value = self.take("ip")?;
        let parsed = value.as_str().and_then(|text| text.trim().parse().ok());
        if parsed.is_none() {
            self.reject(
                Invalid::new("ip", "analytics-ip-invalid").arg("value", shorten(&display(&value))),
            );
        }
        parsed
    }

    fn amount(&mut self, field: &'static str) -> Option<i64> {
        let value = self.take(field)?;
        let error = match value.as_i64() {
            Some(amount) if amount < 0 => "analytics-amount-negative",
            Some(amount) if amount > AMOUNT_MAX_MINOR => "analytics-amount-too-large",
            Some(amount) => return Some(amount),
            None if value.as_u64().is_some() => "analytics-amount-too-large",
            None => "analytics-amount-not-integer",
        };
        self.reject(
            Invalid::new(field, error)
                .arg("field", field)
                .arg("value", json_text(&value))
                .arg("max", AMOUNT_MAX_MINOR),
        );
        None
    }

    fn quantity(&mut self) -> u32 {
        let Some(value) = self.take("quantity") else {
            return 1;
        };
        let valid = value
            .as_u64()
            .filter(|quantity| (1..=u64::from(QUANTITY_MAX)).contains(quantity))
            .and_then(|quantity| u32::try_from(quantity).ok());
        if let Some(quantity) = valid {
            return quantity;
        }
        self.reject(
            Invalid::new("quantity", "analytics-quantity-invalid")
                .arg("value", json_text(&value))
                .arg("max", QUANTITY_MAX),
        );
        1
    }

    fn currency(&mut self) -> Currency {
        // Only an absent or null currency defaults to RUB. An empty string is rejected like
        // any other non-code, because a storefront that sends one has lost the real currency.
        let value = match self.fields.remove("currency") {
            None | Some(Value::Null) => return Currency::RUB,
            Some(value) => value,
        };
        let code = value.as_str().map(str::trim);
        let parsed = code.and_then(Currency::parse);
        if let Some(currency) = parsed.filter(|currency| currency.is_iso_4217()) {
            return currency;
        }
        // Three letters that are no accepted code (XXX, RUR, ABC) get their own message.
        let key = if parsed.is_some() {
            "analytics-currency-unknown"
        } else {
            "analytics-currency-invalid"
        };
        self.reject(Invalid::new("currency", key).arg("value", json_text(&value)));
        Currency::RUB
    }
}

fn is_present(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::String(text) => !text.trim().is_empty(),
        _ => true,
    }
}

fn missing(field: &'static str) -> Invalid {
    Invalid::new(field, "analytics-field-missing").arg("field", field)
}

/// Trims in place when needed, so an already clean string is moved without a copy.
fn trimmed(text: String) -> String {
    let trimmed = text.trim();
    if trimmed.len() == text.len() {
        return text;
    }
    trimmed.to_string()
}

/// Formats a JSON value as a user would type it: strings without quotes.
fn display(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// Formats a value of the wrong type as JSON text (`"100"` with its quotes), cut like
/// [`shorten`]. serde_json writes some numbers otherwise than they were sent (`1e20` as
/// `1e+20`), so the web layer replaces the `value` of [`JSON_TEXT_KEYS`] with the sent text.
fn json_text(value: &Value) -> String {
    shorten(&value.to_string())
}

/// Cuts a rejected value to 100 characters, so error reports stay small.
fn shorten(text: &str) -> String {
    const SHOWN_CHARS: usize = 100;
    match text.char_indices().nth(SHOWN_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use serde_json::json;

    fn received() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap()
    }

    fn sample() -> Value {
        json!({
            "id": "b1f0", "type": "purchase", "time": "2026-03-01T10:15:00Z",
            "visitor": "v-123", "session": "s-456", "url": "/catalog/phones/x1",
            "referrer": "https://ya.ru/", "user_agent": "Mozilla/5.0", "ip": "203.0.113.7",
            "product_id": "x1", "category": "electronics.smartphone",
            "price_kopecks": 1999000, "quantity": 1, "currency": "RUB",
            "order_id": "A-1001", "revenue_kopecks": 1999000
        })
    }

    fn with(field: &str, value: Value) -> Value {
        let mut event = sample();
        event[field] = value;
        event
    }

    fn errors_of(value: Value) -> Vec<Invalid> {
        validate_event(value, received()).unwrap_err()
    }

    fn only_key(value: Value) -> &'static str {
        let errors = errors_of(value);
        assert_eq!(errors.len(), 1, "{errors:?}");
        errors[0].key
    }

    #[test]
    fn validate_event_accepts_sample() {
        let event = validate_event(sample(), received()).unwrap();
        assert_eq!(event.kind, EventType::Purchase);
        assert_eq!(event.revenue_minor, Some(1999000));
        assert_eq!(event.ip, Some("203.0.113.7".parse().unwrap()));
    }

    #[test]
    fn validate_event_defaults_currency_and_quantity() {
        let event = json!({"id": 1, "type": "page_view", "time": "2026-03-01T10:15:00+03:00",
                           "visitor": "v"});
        let event = validate_event(event, received()).unwrap();
        assert_eq!(event.currency, Currency::RUB);
        assert_eq!(event.quantity, 1);
        assert_eq!(event.id, "1");
        assert_eq!(
            event.time,
            Utc.with_ymd_and_hms(2026, 3, 1, 7, 15, 0).unwrap()
        );
    }

    #[test]
    fn validate_event_lists_every_missing_field() {
        let errors = errors_of(json!({"visitor": " "}));
        let fields: Vec<&str> = errors.iter().map(|error| error.field.as_str()).collect();
        assert_eq!(fields, ["id", "type", "time", "visitor"]);
        assert!(
            errors
                .iter()
                .all(|error| error.key == "analytics-field-missing")
        );
    }

    #[test]
    fn validate_event_unknown_type_names_allowed() {
        let errors = errors_of(with("type", json!("view")));
        assert_eq!(errors[0].key, "analytics-type-unknown");
        assert!(errors[0].args.contains(&("value", "view".to_string())));
        let allowed = &errors[0].args[1].1;
        assert!(allowed.contains("product_view"), "{allowed}");
    }

    #[test]
    fn validate_event_rejects_non_rfc3339_time() {
        for time in [
            "2026-03-01 10:15:00",
            "2026-03-01T10:15:00",
            "1709288100",
            "01.03.2026",
        ] {
            assert_eq!(
                only_key(with("time", json!(time))),
                "analytics-time-invalid",
                "{time}"
            );
        }
    }

    #[test]
    fn validate_event_rejects_far_future_time() {
        let key = only_key(with("time", json!("2026-03-03T12:00:00Z")));
        assert_eq!(key, "analytics-time-in-future");
    }

    #[test]
    fn validate_event_rejects_negative_amount() {
        assert_eq!(
            only_key(with("price_kopecks", json!(-1))),
            "analytics-amount-negative"
        );
    }

    #[test]
    fn validate_event_rejects_fractional_amount() {
        let key = only_key(with("revenue_kopecks", json!(19990.5)));
        assert_eq!(key, "analytics-amount-not-integer");
    }

    #[test]
    fn validate_event_rejects_amount_as_text() {
        let key = only_key(with("price_kopecks", json!("1999000")));
        assert_eq!(key, "analytics-amount-not-integer");
    }

    #[test]
    fn validate_event_rejects_huge_amount() {
        let key = only_key(with("price_kopecks", json!(u64::MAX)));
        assert_eq!(key, "analytics-amount-too-large");
    }

    #[test]
    fn validate_event_rejects_bad_currency() {
        assert_eq!(
            only_key(with("currency", json!("рубль"))),
            "analytics-currency-invalid"
        );
    }

    #[test]
    fn validate_event_rejects_empty_currency() {
        for empty in ["", "  "] {
            let errors = errors_of(with("currency", json!(empty)));
            assert_eq!(errors.len(), 1, "{empty:?}: {errors:?}");
            assert_eq!(errors[0].key, "analytics-currency-invalid");
            assert!(errors[0].args.contains(&("value", format!("\"{empty}\""))));
        }
    }

    #[test]
    fn validate_event_null_currency_is_rub() {
        let event = validate_event(with("currency", Value::Null), received()).unwrap();
        assert_eq!(event.currency, Currency::RUB);
    }

    #[test]
    fn validate_event_rejects_unlisted_currency() {
        for code in ["ABC", "RUR", "XXX", "BTC"] {
            let errors = errors_of(with("currency", json!(code)));
            assert_eq!(errors.len(), 1, "{code}: {errors:?}");
            assert_eq!(errors[0].key, "analytics-currency-unknown", "{code}");
            assert!(errors[0].args.contains(&("value", format!("\"{code}\""))));
        }
    }

    #[test]
    fn validate_event_rejects_time_before_2000() {
        for time in [
            "1970-01-01T00:00:00Z",
            "1999-12-31T23:59:59Z",
            "2000-01-01T02:59:59+03:00",
        ] {
            let errors = errors_of(with("time", json!(time)));
            assert_eq!(errors.len(), 1, "{time}: {errors:?}");
            assert_eq!(errors[0].key, "analytics-time-too-early", "{time}");
            assert!(errors[0].args.contains(&("value", time.to_string())));
        }
    }

    #[test]
    fn validate_event_accepts_time_of_2000() {
        let event = validate_event(with("time", json!("2000-01-01T00:00:00Z")), received());
        assert!(event.is_ok(), "{event:?}");
    }

    #[test]
    fn validate_event_refund_needs_order() {
        let mut refund = with("type", json!("refund"));
        refund["order_id"] = Value::Null;
        assert_eq!(only_key(refund), "analytics-refund-order-missing");
    }

    #[test]
    fn validate_event_refund_needs_amount() {
        let mut refund = with("type", json!("refund"));
        refund["revenue_kopecks"] = Value::Null;
        refund["price_kopecks"] = Value::Null;
        let errors = errors_of(refund);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].key, "analytics-refund-amount-missing");
        assert_eq!(errors[0].field, "revenue_kopecks");
    }

    #[test]
    fn validate_event_refund_bad_amount_once() {
        let refund = json!({"id": "r", "type": "refund", "time": "2026-03-01T10:15:00Z",
                            "visitor": "v", "order_id": "A", "revenue_kopecks": -5});
        assert_eq!(only_key(refund), "analytics-amount-negative");
    }

    #[test]
    fn validate_event_accepts_refund_with_price() {
        let mut refund = with("type", json!("refund"));
        refund["revenue_kopecks"] = Value::Null;
        assert!(validate_event(refund, received()).is_ok());
    }

    #[test]
    fn validate_event_uppercases_currency() {
        let event = validate_event(with("currency", json!("usd")), received()).unwrap();
        assert_eq!(event.currency.as_str(), "USD");
    }

    #[test]
    fn validate_event_rejects_zero_quantity() {
        assert_eq!(
            only_key(with("quantity", json!(0))),
            "analytics-quantity-invalid"
        );
    }

    #[test]
    fn validate_event_rejects_long_id() {
        let errors = errors_of(with("order_id", json!("x".repeat(ID_MAX_CHARS + 1))));
        assert_eq!(errors[0].key, "analytics-field-too-long");
        assert!(errors[0].args.contains(&("length", "129".to_string())));
    }

    #[test]
    fn validate_event_counts_characters_not_bytes() {
        let category = "э".repeat(CATEGORY_MAX_CHARS);
        let event = validate_event(with("category", json!(category)), received()).unwrap();
        assert_eq!(
            event.category.map(|c| c.chars().count()),
            Some(CATEGORY_MAX_CHARS)
        );
    }

    #[test]
    fn validate_event_rejects_bad_ip() {
        assert_eq!(
            only_key(with("ip", json!("203.0.113"))),
            "analytics-ip-invalid"
        );
    }

    #[test]
    fn validate_event_rejects_object_as_text() {
        assert_eq!(
            only_key(with("url", json!({"a": 1}))),
            "analytics-field-not-text"
        );
    }

    #[test]
    fn validate_event_rejects_non_object() {
        assert_eq!(only_key(json!([1, 2])), "analytics-event-not-object");
    }

    #[test]
    fn validate_event_trims_text() {
        let event = validate_event(with("visitor", json!("  v-1 ")), received()).unwrap();
        assert_eq!(event.visitor, "v-1");
    }

    #[test]
    fn validate_batch_reports_rejected_with_index() {
        let body = json!([sample(), with("type", json!("click")), sample()]);
        let batch = validate_batch(body, received()).unwrap();
        assert_eq!(batch.accepted.len(), 2);
        assert_eq!(batch.rejected.len(), 1);
        assert_eq!(batch.rejected[0].index, 1);
        assert_eq!(batch.rejected[0].errors[0].field, "type");
    }

    #[test]
    fn validate_batch_keeps_accepted_indices() {
        let body = json!([with("type", json!("click")), sample(), sample()]);
        let batch = validate_batch(body, received()).unwrap();
        assert_eq!(batch.accepted_indices, [1, 2]);
    }

    fn money_event(id: &str, kind: &str, time: &str, amount: i64) -> Value {
        json!({"id": id, "type": kind, "time": time, "visitor": "v", "order_id": "A-1",
               "revenue_kopecks": amount})
    }

    fn checked(events: Vec<Value>, stored: &HashMap<String, StoredOrder>) -> Batch {
        let mut batch = validate_batch(Value::Array(events), received()).unwrap();
        check_orders(&mut batch, stored);
        batch
    }

    fn stored_order(time: &str, amount: i64, refunded: i64) -> HashMap<String, StoredOrder> {
        let purchase = OrderPurchase {
            time: DateTime::parse_from_rfc3339(time).unwrap().to_utc(),
            amount_minor: Some(amount),
            currency: Currency::RUB,
        };
        let order = StoredOrder {
            first_purchase: Some(purchase),
            refunded_minor: BTreeMap::from([(Currency::RUB, refunded)]),
            refund_ids: HashSet::from(["r-old".to_string()]),
        };
        HashMap::from([("A-1".to_string(), order)])
    }

    fn rejected_keys(batch: &Batch) -> Vec<(usize, &'static str)> {
        batch
            .rejected
            .iter()
            .map(|rejected| (rejected.index, rejected.errors[0].key))
            .collect()
    }

    #[test]
    fn check_orders_rejects_refund_of_unknown_order() {
        let refund = money_event("r", "refund", "2026-03-01T10:00:00Z", 100);
        let batch = checked(vec![sample(), refund], &HashMap::new());
        assert_eq!(
            rejected_keys(&batch),
            [(1, "analytics-refund-order-unknown")]
        );
        assert_eq!(batch.accepted_indices, [0]);
    }

    #[test]
    fn check_orders_accepts_refund_after_purchase_in_batch() {
        let purchase = money_event("p", "purchase", "2026-03-01T09:00:00Z", 1000);
        let refund = money_event("r", "refund", "2026-03-01T10:00:00Z", 1000);
        let batch = checked(vec![purchase, refund], &HashMap::new());
        assert!(batch.rejected.is_empty(), "{:?}", batch.rejected);
        assert_eq!(batch.accepted.len(), 2);
    }

    #[test]
    fn check_orders_rejects_refund_beyond_order() {
        let stored = stored_order("2026-03-01T09:00:00Z", 1000, 300);
        let within = money_event("r1", "refund", "2026-03-01T10:00:00Z", 700);
        let beyond = money_event("r2", "refund", "2026-03-01T11:00:00Z", 1);
        let batch = checked(vec![within, beyond], &stored);
        assert_eq!(
            rejected_keys(&batch),
            [(1, "analytics-refund-exceeds-order")]
        );
        let args = &batch.rejected[0].errors[0].args;
        assert!(args.contains(&("remaining", "0".to_string())), "{args:?}");
        assert!(args.contains(&("refunded", "1000".to_string())), "{args:?}");
    }

    #[test]
    fn check_orders_leaves_refund_resend_to_duplicates() {
        let stored = stored_order("2026-03-01T09:00:00Z", 1000, 1000);
        let resend = money_event("r-old", "refund", "2026-03-01T10:00:00Z", 1000);
        let batch = checked(vec![resend], &stored);
        assert!(batch.rejected.is_empty(), "{:?}", batch.rejected);
    }

    #[test]
    fn check_orders_rejects_refund_before_purchase() {
        let stored = stored_order("2026-03-01T09:00:00Z", 1000, 0);
        let refund = money_event("r", "refund", "2026-03-01T08:00:00Z", 10);
        let batch = checked(vec![refund], &stored);
        assert_eq!(
            rejected_keys(&batch),
            [(0, "analytics-refund-before-purchase")]
        );
        let args = &batch.rejected[0].errors[0].args;
        let purchase_time = ("purchase_time", "2026-03-01T09:00:00+00:00".to_string());
        assert!(args.contains(&purchase_time), "{args:?}");
    }

    #[test]
    fn check_orders_rejects_refund_in_other_currency() {
        let stored = stored_order("2026-03-01T09:00:00Z", 1000, 0);
        let mut refund = money_event("r", "refund", "2026-03-01T10:00:00Z", 10);
        refund["currency"] = json!("USD");
        let batch = checked(vec![refund], &stored);
        assert_eq!(rejected_keys(&batch), [(0, "analytics-refund-currency")]);
    }

    #[test]
    fn check_orders_rejects_earlier_repeat() {
        let stored = stored_order("2026-03-01T09:00:00Z", 1000, 0);
        let earlier = money_event("p2", "purchase", "2026-03-01T08:00:00Z", 5000);
        let later = money_event("p3", "purchase", "2026-03-01T10:00:00Z", 5000);
        let batch = checked(vec![earlier, later], &stored);
        assert_eq!(
            rejected_keys(&batch),
            [(0, "analytics-order-repeat-earlier")]
        );
        assert_eq!(batch.accepted_indices, [1]);
        let args = &batch.rejected[0].errors[0].args;
        assert!(
            args.contains(&("stored_amount", "1000 RUB".to_string())),
            "{args:?}"
        );
        assert!(
            args.contains(&("amount", "5000 RUB".to_string())),
            "{args:?}"
        );
    }

    #[test]
    fn check_orders_accepts_earlier_same_amount() {
        // A late delivery of the true first purchase becomes the first.
        let stored = stored_order("2026-03-04T09:00:00Z", 1000, 0);
        let earlier = money_event("p1", "purchase", "2026-03-01T09:00:00Z", 1000);
        let other = money_event("p2", "purchase", "2026-03-01T08:00:00Z", 7000);
        let batch = checked(vec![earlier, other], &stored);
        assert_eq!(
            rejected_keys(&batch),
            [(1, "analytics-order-repeat-earlier")]
        );
        assert_eq!(batch.accepted_indices, [0]);
    }

    #[test]
    fn check_orders_first_in_batch_wins() {
        let first = money_event("p1", "purchase", "2026-03-01T09:00:00Z", 1000);
        let earlier = money_event("p2", "purchase", "2026-03-01T08:00:00Z", 2000);
        let batch = checked(vec![first, earlier], &HashMap::new());
        assert_eq!(
            rejected_keys(&batch),
            [(1, "analytics-order-repeat-earlier")]
        );
    }

    #[test]
    fn check_orders_same_time_other_amount() {
        let stored = stored_order("2026-03-01T09:00:00Z", 1000, 0);
        let same = money_event("p1", "purchase", "2026-03-01T09:00:00Z", 1000);
        let other = money_event("p2", "purchase", "2026-03-01T09:00:00Z", 2000);
        let batch = checked(vec![same, other], &stored);
        assert_eq!(
            rejected_keys(&batch),
            [(1, "analytics-order-repeat-earlier")]
        );
    }

    #[test]
    fn check_orders_keeps_rejected_sorted() {
        let refund = money_event("r", "refund", "2026-03-01T10:00:00Z", 100);
        let batch = checked(vec![refund, with("type", json!("click"))], &HashMap::new());
        let indices: Vec<usize> = batch.rejected.iter().map(|r| r.index).collect();
        assert_eq!(indices, [0, 1]);
    }

    #[test]
    fn validate_batch_rejects_oversized() {
        let body = Value::Array(vec![sample(); BATCH_MAX_EVENTS + 1]);
        let error = validate_batch(body, received()).unwrap_err();
        assert_eq!(error.key, "analytics-batch-too-large");
    }

    #[test]
    fn validate_batch_rejects_object_body() {
        let error = validate_batch(sample(), received()).unwrap_err();
        assert_eq!(error.key, "analytics-batch-not-array");
    }
}
