//! Reading JSON request bodies with errors that name the field at fault.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

use crate::error::{AppError, Problem, shorten};

/// A JSON body. Malformed JSON is a 400; a value of the wrong type or an unknown field is a
/// 422 naming the field; a body over the limit is a 413.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json") || v.contains("+json"));
        if !is_json {
            return Err(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "error-media-type",
            )
            .into());
        }
        let headers = request.headers().clone();
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| Problem::body_rejection(rejection.status(), &headers))?;
        parse(&bytes).map(ApiJson)
    }
}

/// Parses a JSON body into `T` with the same error rules as [`ApiJson`].
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    if let Err(error) = serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
        return Err(syntax_problem("error-json-syntax", &error).into());
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let steps: Option<Vec<Step>> = error.path().iter().map(Step::of_segment).collect();
        let sent = steps.and_then(|steps| raw_text_at(bytes, &steps));
        let path = error.path().to_string();
        let parent = (path != ".").then_some(path);
        AppError::from(value_problem(parent, &error.inner().to_string(), sent))
    })
}

/// One step into a JSON document: an object's key or an array's index.
#[derive(Debug, Clone, Copy)]
pub enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

impl<'a> Step<'a> {
    /// Returns the step of a path segment: an enum variant is the key of its one-entry
    /// object. `None` for a segment serde could not name, as the path is then unknown.
    fn of_segment(segment: &'a serde_path_to_error::Segment) -> Option<Step<'a>> {
        match segment {
            serde_path_to_error::Segment::Map { key } => Some(Step::Key(key)),
            serde_path_to_error::Segment::Enum { variant } => Some(Step::Key(variant)),
            serde_path_to_error::Segment::Seq { index } => Some(Step::Index(*index)),
            serde_path_to_error::Segment::Unknown => None,
        }
    }
}

/// Returns the JSON text of the value at `steps` in `body` exactly as it was sent (`"100"`
/// with its quotes, `1e20` rather than serde_json's `1e+20`), cut to about 40 characters.
/// `None` when the body has no value there. Reads the body again, so call it on errors only.
pub fn raw_text_at(body: &[u8], steps: &[Step]) -> Option<String> {
    let root = raw_root(body)?;
    raw_at(root, steps).map(raw_text)
}

/// Returns the whole body as unparsed JSON, or `None` when it is not JSON.
pub fn raw_root(body: &[u8]) -> Option<&RawValue> {
    serde_json::from_str(std::str::from_utf8(body).ok()?).ok()
}

/// Returns the unparsed value at `steps` below `value`.
pub fn raw_at<'a>(value: &'a RawValue, steps: &[Step]) -> Option<&'a RawValue> {
    let mut current = value;
    for step in steps {
        current = match step {
            Step::Key(key) => {
                let object: HashMap<String, &RawValue> =
                    serde_json::from_str(current.get()).ok()?;
                object.get(*key).copied()?
            }
            Step::Index(index) => {
                let array: Vec<&RawValue> = serde_json::from_str(current.get()).ok()?;
                array.get(*index).copied()?
            }
        };
    }
    Some(current)
}

/// Returns the text of an unparsed value, cut to about 40 characters.
pub fn raw_text(value: &RawValue) -> String {
    shorten(value.get().trim())
}

/// Describes a body that is not JSON by the line and column where parsing stopped, instead
/// of serde_json's English message.
pub fn syntax_problem(key: &'static str, error: &serde_json::Error) -> Problem {
    Problem::new(StatusCode::BAD_REQUEST, "malformed_json", key)
        .arg("line", error.line())
        .arg("column", error.column())
}

/// Words a JSON value that does not fit the request type as a 422 naming the field, the
/// expected type and the value received. `parent` is the path where the error arose (None at
/// the top): the object for a missing field, the value for a wrong one. `message` is serde's
/// error text, which is parsed but never shown, because serde reports types and names only
/// inside its English sentences. `sent` is the JSON text of the value at fault as sent.
fn value_problem(parent: Option<String>, message: &str, sent: Option<String>) -> Problem {
    // serde_json appends the position; the path names the field better.
    let message = message
        .rsplit_once(" at line ")
        .map_or(message, |(head, _)| head);
    let problem = |key| Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_value", key);
    let child = |name: &str| match &parent {
        Some(parent) => format!("{parent}.{name}"),
        None => name.to_string(),
    };

    if let Some(name) = quoted_after(message, "missing field ") {
        let field = child(name);
        return problem("error-json-missing")
            .arg("field", &field)
            .field(field);
    }
    if let Some(name) = quoted_after(message, "unknown field ") {
        // The path of an unknown key ends with the key itself.
        let field = parent.clone().unwrap_or_else(|| name.to_string());
        return problem("error-json-unknown-field")
            .arg("field", &field)
            .arg("allowed", allowed_names(message))
            .field(field);
    }
    if let Some(name) = quoted_after(message, "duplicate field ") {
        let field = child(name);
        return problem("error-json-duplicate")
            .arg("field", &field)
            .field(field);
    }
    let Some(field) = parent else {
        let (received, _) = message
            .strip_prefix("invalid type: ")
            .and_then(|rest| rest.split_once(", expected "))
            .map_or(("other", String::new()), |(unexpected, _)| {
                received(unexpected)
            });
        return problem("error-json-body-type").arg("received", received);
    };
    if let Some(value) = quoted_after(message, "unknown variant ") {
        return problem("error-json-unknown-variant")
            .arg("field", &field)
            .arg("value", value)
            .arg("allowed", allowed_names(message))
            .field(field);
    }
    let mismatch = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "))
        .and_then(|rest| rest.split_once(", expected "));
    if let Some((unexpected, expected)) = mismatch {
        let (received, described) = received(unexpected);
        let value = sent.unwrap_or(described);
        return problem("error-json-type")
            .arg("field", &field)
            .arg("expected", expected_type(expected))
            .arg("received", received)
            .arg("value", value)
            .field(field);
    }
    problem("error-json-invalid")
        .arg("field", &field)
        .field(field)
}

/// Returns the name in backquotes after `prefix`, as in "missing field `title`".
pub(crate) fn quoted_after<'a>(message: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = message.strip_prefix(prefix)?.strip_prefix('`')?;
    rest.split('`').next()
}

/// Returns the names serde lists after "expected" ("expected one of `a`, `b`"), joined with
/// commas, or "—" when it lists none.
pub(crate) fn allowed_names(message: &str) -> String {
    let Some((_, list)) = message.split_once("expected ") else {
        return "—".into();
    };
    let names: Vec<&str> = list.split('`').skip(1).step_by(2).collect();
    if names.is_empty() {
        "—".into()
    } else {
        names.join(", ")
    }
}

/// Classifies serde's description of the value received (`string "yes"`, `integer `5``) as
/// a kind that the locale files word, and returns it with the value as JSON shows it.
fn received(unexpected: &str) -> (&'static str, String) {
    let literal = |text: &str| text.trim_matches('`').to_string();
    if let Some(text) = unexpected.strip_prefix("string ") {
        return ("string", text.to_string());
    }
    if let Some(number) = unexpected.strip_prefix("integer ") {
        return ("integer", literal(number));
    }
    if let Some(number) = unexpected.strip_prefix("floating point ") {
        return ("float", literal(number));
    }
    if let Some(value) = unexpected.strip_prefix("boolean ") {
        return ("boolean", literal(value));
    }
    match unexpected {
        "null" | "unit value" => ("null", "null".into()),
        "sequence" => ("array", "[…]".into()),
        "map" => ("object", "{…}".into()),
        _ => ("other", String::new()),
    }
}

/// Classifies serde's expectation (`i64`, `a boolean`, `struct Host`) as a type that the
/// locale files word.
fn expected_type(expected: &str) -> &'static str {
    match expected {
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => "unsigned",
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "integer",
        "f32" | "f64" => "number",
        "a boolean" => "boolean",
        "a string" | "a borrowed string" | "a character" | "char" => "string",
        "a sequence" => "array",
        "a map" => "object",
        other if other.starts_with("struct ") => "object",
        other if other.starts_with("a tuple") || other.starts_with("tuple") => "array",
        // chrono's DateTime and NaiveDate expectations.
        other if other.contains("date and time") => "datetime",
        other if other.contains("date") => "date",
        _ => "other",
    }
}

/// Deserializes a field that may be absent (`None`), `null` (`Some(None)`) or a value.
pub fn double_option<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        count: u32,
        kind: Kind,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Test,
        Prod,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Sample {
        title: String,
        public: Option<bool>,
        inner: Option<Inner>,
        day: Option<chrono::NaiveDate>,
    }

    fn problem(body: &str) -> Problem {
        match parse::<Sample>(body.as_bytes()) {
            Err(AppError::Problem(problem)) => problem,
            other => panic!("expected a problem, got {other:?}"),
        }
    }

    fn arg<'a>(problem: &'a Problem, name: &str) -> &'a str {
        let found = problem.args.iter().find(|(key, _)| *key == name);
        found.map_or("", |(_, value)| value.as_str())
    }

    #[test]
    fn parse_names_type_mismatch() {
        let problem = problem(r#"{"title": "x", "public": "yes"}"#);
        assert_eq!(problem.key, "error-json-type");
        assert_eq!(problem.field.as_deref(), Some("public"));
        assert_eq!(arg(&problem, "expected"), "boolean");
        assert_eq!(arg(&problem, "received"), "string");
        assert_eq!(arg(&problem, "value"), "\"yes\"");
    }

    #[test]
    fn parse_echoes_value_as_sent() {
        let cases = [
            (r#""100""#, r#""100""#),
            ("1e20", "1e20"),
            ("100000000000000000000", "100000000000000000000"),
            ("1.50", "1.50"),
            (r#""\u0041""#, r#""\u0041""#),
        ];
        for (sent, shown) in cases {
            let body = format!(r#"{{"title": "x", "inner": {{"count": {sent}, "kind": "test"}}}}"#);
            let problem = problem(&body);
            assert_eq!(problem.key, "error-json-type", "{sent}");
            assert_eq!(arg(&problem, "value"), shown, "{sent}");
        }
    }

    #[test]
    fn parse_shortens_long_value() {
        let long = "y".repeat(100);
        let problem = problem(&format!(r#"{{"title": "x", "public": "{long}"}}"#));
        let value = arg(&problem, "value");
        assert_eq!(value.chars().count(), 41, "{value}");
        assert!(value.starts_with("\"yyy"), "{value}");
        assert!(value.ends_with('…'), "{value}");
    }

    #[test]
    fn parse_names_nested_field() {
        let problem = problem(r#"{"title": "x", "inner": {"count": -1, "kind": "test"}}"#);
        assert_eq!(problem.key, "error-json-type");
        assert_eq!(problem.field.as_deref(), Some("inner.count"));
        assert_eq!(arg(&problem, "expected"), "unsigned");
        assert_eq!(arg(&problem, "value"), "-1");
    }

    #[test]
    fn parse_names_missing_field() {
        let problem = problem(r#"{"inner": {"kind": "test"}, "title": "x"}"#);
        assert_eq!(problem.key, "error-json-missing");
        assert_eq!(problem.field.as_deref(), Some("inner.count"));
    }

    #[test]
    fn parse_names_unknown_field() {
        let problem = problem(r#"{"title": "x", "titel": "y"}"#);
        assert_eq!(problem.key, "error-json-unknown-field");
        assert_eq!(problem.field.as_deref(), Some("titel"));
        assert_eq!(arg(&problem, "allowed"), "title, public, inner, day");
    }

    #[test]
    fn parse_names_unknown_variant() {
        let problem = problem(r#"{"title": "x", "inner": {"count": 1, "kind": "dev"}}"#);
        assert_eq!(problem.key, "error-json-unknown-variant");
        assert_eq!(arg(&problem, "value"), "dev");
        assert_eq!(arg(&problem, "allowed"), "test, prod");
    }

    #[test]
    fn parse_names_bad_date() {
        let problem = problem(r#"{"title": "x", "day": "01.03.2026"}"#);
        assert_eq!(problem.field.as_deref(), Some("day"));
        assert!(!arg(&problem, "detail").contains("input"), "{problem:?}");
    }

    #[test]
    fn parse_rejects_number_body() {
        let problem = problem("5");
        assert_eq!(problem.key, "error-json-body-type");
        assert_eq!(arg(&problem, "received"), "integer");
    }

    #[test]
    fn parse_locates_syntax_error() {
        let problem = problem("{\n  \"title\": \"x\",\n}");
        assert_eq!(problem.status, StatusCode::BAD_REQUEST);
        assert_eq!(arg(&problem, "line"), "3");
        assert_eq!(arg(&problem, "column"), "1");
    }

    #[test]
    fn problems_carry_no_serde_text() {
        let bodies = [
            r#"{"title": 5}"#,
            r#"{"title": "x", "public": "yes"}"#,
            r#"{"title": "x", "day": "01.03.2026"}"#,
            r#"{"title": "x", "inner": {"count": 1.5, "kind": "test"}}"#,
            "{",
        ];
        for body in bodies {
            let problem = problem(body);
            for (_, value) in &problem.args {
                assert!(!value.contains("invalid"), "{body}: {value}");
                assert!(!value.contains("expected"), "{body}: {value}");
            }
        }
    }
}
