//! Helpers of the inventory and release forms. They turn a rejected save into messages beside
//! the form's fields and read the numbers, ids and sizes typed into text fields.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::infra::units::{ImportUnit, Unit};

use crate::context::Context;
use crate::error::{AppError, AppResult};
use crate::pages::{FieldErrors, Page};
use crate::state::AppState;

/// Units the size fields offer, converted to the bytes the store keeps.
pub const SIZE_UNITS: &[&str] = &["gibibytes", "mebibytes", "bytes"];

/// The messages of a rejected form and the response status.
pub struct Rejection {
    pub errors: FieldErrors,
    pub status: StatusCode,
    /// Whether someone else saved the record after the form was opened.
    pub conflict: bool,
}

impl Rejection {
    /// No errors, for a form shown for the first time.
    pub fn none(fields: &'static [&'static str]) -> Rejection {
        Rejection {
            errors: FieldErrors::new(fields),
            status: StatusCode::OK,
            conflict: false,
        }
    }

    /// Words a rejected save for the form with `fields`. A client error (bad value,
    /// duplicate, conflict) becomes a message; anything else is returned as the error.
    pub fn of(
        state: &AppState,
        context: &Context,
        fields: &'static [&'static str],
        error: AppError,
    ) -> AppResult<Rejection> {
        let AppError::Problem(problem) = error else {
            return Err(error);
        };
        if !problem.status.is_client_error()
            || matches!(
                problem.status,
                StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
            )
        {
            return Err(AppError::Problem(problem));
        }
        let mut errors = FieldErrors::new(fields);
        errors.add_problem(&state.i18n, context.lang, &problem);
        Ok(Rejection {
            errors,
            status: problem.status,
            conflict: problem.code == "conflict",
        })
    }
}

/// Returns the title key and the action URL of a form under `base` (such as `/infra/hosts`)
/// that creates a record when `id` is `None` and edits record `id` otherwise.
pub fn new_or_edit(
    base: &str,
    id: Option<i64>,
    new_title: &'static str,
    edit_title: &'static str,
) -> (&'static str, String) {
    match id {
        Some(id) => (edit_title, format!("{base}/{id}/edit")),
        None => (new_title, format!("{base}/new")),
    }
}

/// Redirects to a saved record's page with a notice named by its Fluent id.
pub fn saved(page: &str, notice: &str) -> AppResult<Response> {
    Ok(Redirect::to(&format!("{page}?done={notice}")).into_response())
}

/// Renders a form page with the rejection's status.
pub fn respond(status: StatusCode, html: AppResult<Response>) -> AppResult<Response> {
    Ok((status, html?).into_response())
}

/// Reads an optional id from a select, where a blank value means no object.
pub fn optional_id(field: &str, value: &str) -> Result<Option<i64>, domain::Invalid> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    whole_number(field, value).map(Some)
}

/// Reads a whole number typed into `field`.
pub fn whole_number(field: &str, value: &str) -> Result<i64, domain::Invalid> {
    let value = value.trim();
    if value.is_empty() {
        return Err(domain::Invalid::missing(field));
    }
    value
        .parse::<i64>()
        .map_err(|_| domain::Invalid::new(field, "inventory-form-not-integer").arg("value", value))
}

/// Reads a size typed as a number in one of [`SIZE_UNITS`] and returns it in bytes. A comma
/// is read as the decimal separator; fractions of a byte are rounded.
pub fn size_in_bytes(field: &str, value: &str, unit: &str) -> Result<i64, domain::Invalid> {
    let typed = value.trim();
    if typed.is_empty() {
        return Err(domain::Invalid::missing(field));
    }
    let not_a_size =
        || domain::Invalid::new(field, "inventory-form-size-invalid").arg("value", typed);
    let number: f64 = typed.replace(',', ".").parse().map_err(|_| not_a_size())?;
    let unit = ImportUnit::parse(field, unit)?;
    if unit.canonical() != Unit::Bytes {
        return Err(not_a_size());
    }
    // The conversion names its input `value`; the form's message belongs beside `field`.
    let bytes = unit
        .to_canonical(number, None)
        .map_err(|invalid| domain::Invalid {
            field: field.to_string(),
            ..invalid
        })?
        .round();
    if !bytes.is_finite() || bytes.abs() >= i64::MAX as f64 {
        return Err(not_a_size());
    }
    Ok(bytes as i64)
}

/// Splits a stored size into the number and unit the form shows: whole gibibytes or
/// mebibytes when exact, bytes otherwise, so that saving the form unchanged keeps the value.
pub fn size_fields(bytes: i64) -> (String, String) {
    const MEBIBYTE: i64 = 1 << 20;
    const GIBIBYTE: i64 = 1 << 30;
    if bytes != 0 && bytes % GIBIBYTE == 0 {
        ((bytes / GIBIBYTE).to_string(), "gibibytes".into())
    } else if bytes != 0 && bytes % MEBIBYTE == 0 {
        ((bytes / MEBIBYTE).to_string(), "mebibytes".into())
    } else {
        (bytes.to_string(), "bytes".into())
    }
}

/// Builds the unit options of a size field.
pub fn size_units(page: &Page, selected: &str) -> Vec<crate::pages::Choice> {
    page.choices("inventory-size-unit", SIZE_UNITS, &[selected])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_reads_gibibytes_with_comma() {
        assert_eq!(size_in_bytes("ram", "1,5", "gibibytes").unwrap(), 3 << 29);
    }

    #[test]
    fn size_rejects_words_and_rates() {
        assert!(size_in_bytes("ram", "много", "gibibytes").is_err());
        assert!(size_in_bytes("ram", "1", "bytes_per_second").is_err());
        assert!(size_in_bytes("ram", "1e30", "gibibytes").is_err());
    }

    #[test]
    fn size_fields_round_trip() {
        for bytes in [0, 1 << 30, 3 << 20, 1_000_001, 68_719_476_736] {
            let (number, unit) = size_fields(bytes);
            assert_eq!(size_in_bytes("ram", &number, &unit).unwrap(), bytes);
        }
    }
}
