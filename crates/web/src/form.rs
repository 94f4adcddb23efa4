//! Reading HTML form bodies with errors worded for the user, in their language.
//!
//! axum's own `Form` rejects a bad body with serde's English text ("Failed to deserialize
//! form body…"), which a Russian page would show as is. This extractor names the field and
//! the value instead, through the same [`Problem`] rendering as every other error.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::{AppError, Problem};

/// An `application/x-www-form-urlencoded` body. Another content type is a 415; a missing
/// field or a value of the wrong kind is a 422 naming the field and the value sent.
#[derive(Debug)]
pub struct Form<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Form<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !crate::context::is_form(request.headers()) {
            return Err(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "error-form-media-type",
            )
            .into());
        }
        let headers = request.headers().clone();
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| Problem::body_rejection(rejection.status(), &headers))?;
        parse(&bytes).map(Form)
    }
}

/// Parses a form body into `T` with the error rules of [`Form`]. Bytes that are not UTF-8
/// are read with replacement characters, as browsers never send them.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let deserializer = serde_urlencoded::Deserializer::new(url::form_urlencoded::parse(bytes));
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let detail = error.inner().to_string();
        if let Some(name) = missing_field(&detail) {
            return Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_value",
                "error-form-missing",
            )
            .arg("field", name)
            .field(name)
            .into();
        }
        let path = error.path().to_string();
        let field = path.split('.').next().unwrap_or_default().to_owned();
        let value = url::form_urlencoded::parse(bytes)
            .find(|(name, _)| *name == field)
            .map(|(_, value)| shorten(&value))
            .unwrap_or_default();
        let mut problem = Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_value",
            "error-form-value",
        )
        .arg("field", &field)
        .arg("value", value);
        if !field.is_empty() && field != "?" {
            problem = problem.field(field);
        }
        problem.into()
    })
}

/// Returns the field name of serde's "missing field `name`" message.
fn missing_field(detail: &str) -> Option<&str> {
    let rest = detail.strip_prefix("missing field `")?;
    rest.split('`').next().filter(|name| !name.is_empty())
}

/// Cuts a value shown back to the user to 60 characters.
fn shorten(value: &str) -> String {
    crate::error::shorten_to(value, 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Sample {
        title: String,
        version: i64,
    }

    fn problem(result: Result<Sample, AppError>) -> Problem {
        match result {
            Err(AppError::Problem(problem)) => problem,
            other => panic!("expected a problem, got {other:?}"),
        }
    }

    #[test]
    fn missing_field_is_named() {
        let problem = problem(parse(b"title=x"));
        assert_eq!(problem.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problem.key, "error-form-missing");
        assert_eq!(problem.field.as_deref(), Some("version"));
    }

    #[test]
    fn wrong_value_is_named() {
        let problem = problem(parse(b"title=x&version=seven"));
        assert_eq!(problem.key, "error-form-value");
        assert_eq!(problem.field.as_deref(), Some("version"));
        assert!(problem.args.contains(&("value", "seven".to_owned())));
    }

    #[test]
    fn non_utf8_bytes_are_replaced() {
        let sample: Sample = parse(b"title=%FF%FEx&version=3").unwrap();
        assert_eq!(sample.version, 3);
        assert!(sample.title.ends_with('x'));
    }

    #[test]
    fn long_values_are_cut() {
        let long = "9".repeat(100);
        let body = format!("title=x&version={long}");
        let problem = problem(parse(body.as_bytes()));
        let value = &problem.args.iter().find(|(n, _)| *n == "value").unwrap().1;
        assert_eq!(value.chars().count(), 61);
    }
}
