//! Reading query strings with errors worded for the user, in their language.
//!
//! axum's own `Query` rejects a bad query string with a plain-text English 400 ("Failed to
//! deserialize query string…"). This extractor returns a 422 that names the parameter and
//! the value instead, through the same [`Problem`] rendering as every other error: JSON under
//! `/api/`, an error page or an htmx alert elsewhere.

use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::api::json::{allowed_names, quoted_after};
use crate::error::{AppError, Problem, shorten};

/// A query string parsed into `T`. A repeated parameter, a missing required one or a value
/// of the wrong kind is a 422 naming the parameter and the value sent.
#[derive(Debug, Clone)]
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parse(parts.uri.query().unwrap_or_default()).map(Query)
    }
}

/// Parses a query string (without the `?`) into `T` with the error rules of [`Query`].
pub fn parse<T: DeserializeOwned>(query: &str) -> Result<T, AppError> {
    let pairs = url::form_urlencoded::parse(query.as_bytes());
    let deserializer = serde_urlencoded::Deserializer::new(pairs);
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let path = error.path().to_string();
        AppError::from(problem(query, &path, &error.inner().to_string()))
    })
}

/// Words serde's error `message` about the parameter at `path` as a 422. serde reports names
/// only inside its English sentences, so they are parsed out and never shown as they are.
fn problem(query: &str, path: &str, message: &str) -> Problem {
    let invalid = |key| Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_value", key);

    if let Some(name) = quoted_after(message, "duplicate field ") {
        let values: Vec<String> = values_of(query, name)
            .iter()
            .map(|value| format!("\"{value}\""))
            .collect();
        return invalid("error-query-duplicate")
            .arg("parameter", name)
            .arg("values", values.join(", "))
            .field(name);
    }
    if let Some(name) = quoted_after(message, "missing field ") {
        return invalid("error-query-missing")
            .arg("parameter", name)
            .field(name);
    }
    if let Some(name) = quoted_after(message, "unknown field ") {
        return invalid("error-query-unknown")
            .arg("parameter", name)
            .arg("allowed", allowed_names(message))
            .field(name);
    }

    // The path names the parameter whose value failed, or is "?" when serde lost it.
    let name = path.split('.').next().unwrap_or_default();
    let value = values_of(query, name).pop().unwrap_or_default();
    if let Some(variant) = quoted_after(message, "unknown variant ") {
        return invalid("error-query-unknown-variant")
            .arg("parameter", name)
            .arg("value", shorten(variant))
            .arg("allowed", allowed_names(message))
            .field(name);
    }
    let problem = invalid("error-query-value")
        .arg("parameter", name)
        .arg("value", value)
        .arg("expected", expected_kind(message));
    if name.is_empty() || name == "?" || name == "." {
        return problem;
    }
    problem.field(name)
}

/// Returns every value sent for the parameter `name`, decoded and shortened, in order.
fn values_of(query: &str, name: &str) -> Vec<String> {
    url::form_urlencoded::parse(query.as_bytes())
        .filter(|(key, _)| key == name)
        .map(|(_, value)| shorten(&value))
        .collect()
}

/// Classifies the parse error of a single value as the kind of value expected, which the
/// locale files word: the standard library's bool and number errors and chrono's date errors.
fn expected_kind(message: &str) -> &'static str {
    if message.contains("`true` or `false`") {
        return "boolean";
    }
    let integer_errors = [
        "invalid digit",
        "number too large",
        "number too small",
        "cannot parse integer",
    ];
    if integer_errors.iter().any(|error| message.contains(error)) {
        return "integer";
    }
    if message.contains("invalid float literal") {
        return "number";
    }
    let date_errors = [
        "input contains invalid characters",
        "premature end of input",
        "trailing input",
        "input is out of range",
        "input is not enough",
        "no possible date",
    ];
    if date_errors.iter().any(|error| message.contains(error)) {
        return "date";
    }
    "other"
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Period {
        Week,
        Month,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Sample {
        shop: Option<String>,
        period: Option<Period>,
        day: Option<chrono::NaiveDate>,
        overdue: Option<bool>,
        limit: Option<u32>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Strict {
        month: String,
    }

    fn problem_of<T: DeserializeOwned + std::fmt::Debug>(query: &str) -> Problem {
        match parse::<T>(query) {
            Err(AppError::Problem(problem)) => problem,
            other => panic!("expected a problem, got {other:?}"),
        }
    }

    fn arg<'a>(problem: &'a Problem, name: &str) -> &'a str {
        let found = problem.args.iter().find(|(key, _)| *key == name);
        found.map_or("", |(_, value)| value.as_str())
    }

    #[test]
    fn parse_accepts_valid_query() {
        let sample: Sample = parse("shop=a&period=month&day=2026-03-01&overdue=true").unwrap();
        assert_eq!(sample.shop.as_deref(), Some("a"));
        assert!(matches!(sample.period, Some(Period::Month)));
    }

    #[test]
    fn parse_names_repeated_parameter() {
        let problem = problem_of::<Sample>("shop=a&shop=b%20c");
        assert_eq!(problem.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problem.key, "error-query-duplicate");
        assert_eq!(problem.field.as_deref(), Some("shop"));
        assert_eq!(arg(&problem, "values"), "\"a\", \"b c\"");
    }

    #[test]
    fn parse_names_unknown_variant() {
        let problem = problem_of::<Sample>("period=year");
        assert_eq!(problem.key, "error-query-unknown-variant");
        assert_eq!(problem.field.as_deref(), Some("period"));
        assert_eq!(arg(&problem, "value"), "year");
        assert_eq!(arg(&problem, "allowed"), "week, month");
    }

    #[test]
    fn parse_names_malformed_date() {
        let problem = problem_of::<Sample>("day=01.03.2026");
        assert_eq!(problem.key, "error-query-value");
        assert_eq!(problem.field.as_deref(), Some("day"));
        assert_eq!(arg(&problem, "value"), "01.03.2026");
        assert_eq!(arg(&problem, "expected"), "date");
    }

    #[test]
    fn parse_names_bad_boolean_and_integer() {
        let problem = problem_of::<Sample>("overdue=yes");
        assert_eq!(arg(&problem, "expected"), "boolean");
        assert_eq!(problem.field.as_deref(), Some("overdue"));
        let problem = problem_of::<Sample>("limit=ten");
        assert_eq!(arg(&problem, "expected"), "integer");
        assert_eq!(arg(&problem, "value"), "ten");
    }

    #[test]
    fn parse_names_missing_and_unknown() {
        let problem = problem_of::<Strict>("");
        assert_eq!(problem.key, "error-query-missing");
        assert_eq!(problem.field.as_deref(), Some("month"));
        let problem = problem_of::<Strict>("month=2026-03&mnth=1");
        assert_eq!(problem.key, "error-query-unknown");
        assert_eq!(arg(&problem, "allowed"), "month");
    }

    #[test]
    fn parse_shortens_long_values() {
        let long = "x".repeat(100);
        let problem = problem_of::<Sample>(&format!("day={long}"));
        assert_eq!(arg(&problem, "value").chars().count(), 41);
        assert!(arg(&problem, "value").ends_with('…'));
    }

    #[test]
    fn problems_carry_no_serde_text() {
        for query in [
            "shop=a&shop=b",
            "period=year",
            "day=x",
            "overdue=1",
            "limit=-1",
        ] {
            let problem = problem_of::<Sample>(query);
            for (_, value) in &problem.args {
                assert!(!value.contains("expected"), "{query}: {value}");
                assert!(!value.contains("invalid"), "{query}: {value}");
            }
        }
    }
}
