//! Logging to stderr with `tracing`: levels from `RUST_LOG`, text or JSON lines.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

use crate::cli::LogFormat;

/// The filter when `RUST_LOG` is unset: Vitrina at `info`; sqlx logs every statement at
/// `info`, so it is limited to warnings.
const DEFAULT_FILTER: &str = "info,sqlx=warn";

/// Installs the global subscriber. An unparsable `RUST_LOG` falls back to the default
/// filter with a warning, so a typo there never stops Vitrina from starting.
pub fn init(format: LogFormat) {
    let (filter, rejected) = match std::env::var("RUST_LOG") {
        Ok(value) if !value.trim().is_empty() => match EnvFilter::try_new(&value) {
            Ok(filter) => (filter, None),
            Err(error) => (EnvFilter::new(DEFAULT_FILTER), Some((value, error))),
        },
        _ => (EnvFilter::new(DEFAULT_FILTER), None),
    };
    // Colour codes only help a person at a terminal; in files and journals they are noise.
    let colour = std::io::stderr().is_terminal();
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(colour)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
    if let Some((value, error)) = rejected {
        tracing::warn!(rust_log = %value, %error, "invalid RUST_LOG ignored; using the default filter");
    }
}
