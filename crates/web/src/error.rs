//! The web layer's error: one status mapping, rendered as JSON for the API and as a page or
//! an htmx fragment for the UI, in the requester's language.

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// A failure to report to the client, before it is worded.
#[derive(Debug, Clone)]
pub struct Problem {
    pub status: StatusCode,
    /// Stable machine-readable code: `invalid_value`, `conflict`, `not_found`, …
    pub code: &'static str,
    /// Fluent message id of the human-readable message.
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
    /// The input field at fault, if one is.
    pub field: Option<String>,
}

impl Problem {
    /// A problem with no arguments and no field.
    pub fn new(status: StatusCode, code: &'static str, key: &'static str) -> Problem {
        Problem {
            status,
            code,
            key,
            args: Vec::new(),
            field: None,
        }
    }

    /// Adds a Fluent argument.
    pub fn arg(mut self, name: &'static str, value: impl ToString) -> Problem {
        self.args.push((name, value.to_string()));
        self
    }

    /// Names the input field at fault.
    pub fn field(mut self, field: impl Into<String>) -> Problem {
        self.field = Some(field.into());
        self
    }

    /// Returns a 413 for a request body over `limit` bytes, with the size that
    /// `Content-Length` announced when the request sent one.
    pub fn too_large(limit: usize, announced: Option<u64>) -> Problem {
        let status = StatusCode::PAYLOAD_TOO_LARGE;
        match announced {
            Some(size) => Problem::new(status, "too_large", "error-too-large-received")
                .arg("limit", limit)
                .arg("received", size),
            None => Problem::new(status, "too_large", "error-too-large").arg("limit", limit),
        }
    }

    /// Words the rejection of a body extractor whose status is `status`. A 413 names the
    /// default body limit and the size that `headers` announced.
    pub fn body_rejection(status: StatusCode, headers: &HeaderMap) -> Problem {
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            return Problem::too_large(crate::BODY_LIMIT, content_length(headers));
        }
        Problem::from_status(status)
    }

    /// The problem a bare error status stands for, when no handler described it.
    pub fn from_status(status: StatusCode) -> Problem {
        match status {
            StatusCode::NOT_FOUND => Problem::new(status, "not_found", "error-not-found"),
            StatusCode::METHOD_NOT_ALLOWED => {
                Problem::new(status, "method_not_allowed", "error-method-not-allowed")
            }
            StatusCode::PAYLOAD_TOO_LARGE => Problem::too_large(crate::BODY_LIMIT, None),
            StatusCode::UNAUTHORIZED => Problem::new(status, "unauthorized", "error-unauthorized"),
            StatusCode::FORBIDDEN => Problem::new(status, "forbidden", "error-forbidden"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => {
                Problem::new(status, "unsupported_media_type", "error-media-type")
            }
            StatusCode::REQUEST_TIMEOUT => Problem::new(status, "timeout", "error-timeout"),
            s if s.is_client_error() => Problem::new(status, "bad_request", "error-bad-request"),
            _ => Problem::new(status, "internal", "error-internal"),
        }
    }
}

/// The error type handlers return.
#[derive(Debug)]
pub enum AppError {
    /// A described problem.
    Problem(Problem),
    /// An unexpected failure: logged in full, answered with a plain 500.
    Internal(String),
}

impl AppError {
    /// A 400 for a malformed request, naming the field when there is one.
    pub fn bad_request(key: &'static str) -> AppError {
        AppError::Problem(Problem::new(StatusCode::BAD_REQUEST, "bad_request", key))
    }

    /// A 404 for an object that does not exist or is not visible to the requester.
    pub fn not_found() -> AppError {
        AppError::Problem(Problem::from_status(StatusCode::NOT_FOUND))
    }

    /// A 403 for an action the requester may not take.
    pub fn forbidden() -> AppError {
        AppError::Problem(Problem::from_status(StatusCode::FORBIDDEN))
    }

    /// A 401 for a missing or invalid login.
    pub fn unauthorized() -> AppError {
        AppError::Problem(Problem::from_status(StatusCode::UNAUTHORIZED))
    }
}

impl From<Problem> for AppError {
    fn from(problem: Problem) -> Self {
        AppError::Problem(problem)
    }
}

impl From<domain::Invalid> for AppError {
    fn from(invalid: domain::Invalid) -> Self {
        let mut problem = Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_value",
            invalid.key,
        )
        .field(invalid.field);
        problem.args = invalid.args;
        AppError::Problem(problem)
    }
}

impl From<domain::Error> for AppError {
    fn from(error: domain::Error) -> Self {
        use domain::Error as E;
        let problem = match error {
            E::Invalid(invalid) => return invalid.into(),
            E::InvalidTransition { from, to, labels } => Problem::new(
                StatusCode::CONFLICT,
                "invalid_transition",
                "error-invalid-transition",
            )
            .arg("from", from)
            .arg("to", to)
            .arg("labels", labels)
            .field("to"),
            E::Conflict { expected, current } => {
                Problem::new(StatusCode::CONFLICT, "conflict", "error-conflict")
                    .arg("expected", expected)
                    .arg("current", current)
                    .field("version")
            }
            E::Duplicate { field, value } => {
                Problem::new(StatusCode::CONFLICT, "duplicate", "error-duplicate")
                    .arg("value", value)
                    .field(field)
            }
            E::NotFound => Problem::from_status(StatusCode::NOT_FOUND),
            E::Forbidden => Problem::from_status(StatusCode::FORBIDDEN),
        };
        AppError::Problem(problem)
    }
}

impl From<store::Error> for AppError {
    fn from(error: store::Error) -> Self {
        match error {
            store::Error::Domain(error) => error.into(),
            error if error.is_unique_violation() => AppError::Problem(Problem::new(
                StatusCode::CONFLICT,
                "duplicate",
                "error-duplicate-generic",
            )),
            error => AppError::Internal(error.to_string()),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let problem = match self {
            AppError::Problem(problem) => problem,
            AppError::Internal(message) => {
                tracing::error!(error = %message, "request failed");
                Problem::from_status(StatusCode::INTERNAL_SERVER_ERROR)
            }
        };
        let mut response = problem.status.into_response();
        response.extensions_mut().insert(problem);
        response
    }
}

/// Result type of handlers.
pub type AppResult<T> = Result<T, AppError>;

/// Returns the body size in bytes that the request's `Content-Length` header announces.
pub fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Characters of a rejected value that error messages show before cutting it off.
pub const SHOWN_VALUE_CHARS: usize = 40;

/// Cuts a value shown back in an error message to [`SHOWN_VALUE_CHARS`] characters, with an
/// ellipsis when it was longer.
pub fn shorten(value: &str) -> String {
    shorten_to(value, SHOWN_VALUE_CHARS)
}

/// Cuts `value` to `max_chars` characters, with an ellipsis when it was longer.
pub fn shorten_to(value: &str, max_chars: usize) -> String {
    match value.char_indices().nth(max_chars) {
        Some((end, _)) => format!("{}…", &value[..end]),
        None => value.to_owned(),
    }
}
