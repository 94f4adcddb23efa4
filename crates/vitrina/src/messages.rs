//! Words storage errors for the command line, in English, from the same Fluent messages the
//! web interface shows.

use web::AppError;
use web::i18n::{Arg, I18n, Lang};

/// Turns a storage error into one line: the field at fault and what to do about it.
pub fn explain(i18n: &I18n, error: store::Error) -> anyhow::Error {
    match AppError::from(error) {
        AppError::Problem(problem) => {
            let args: Vec<(&str, Arg)> = problem
                .args
                .iter()
                .map(|(name, value)| (*name, Arg::Text(value.clone())))
                .collect();
            let message = i18n.format(Lang::En, problem.key, &args);
            match problem.field {
                Some(field) => anyhow::anyhow!("invalid {field}: {message}"),
                None => anyhow::anyhow!("{message}"),
            }
        }
        AppError::Internal(message) => anyhow::anyhow!("{message}"),
    }
}
