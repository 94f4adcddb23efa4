//! Configuration: one typed struct from an optional TOML file, `VITRINA_*` environment
//! variables and command-line flags, in increasing order of precedence.
//!
//! Values are checked once at start, so a typo in a time zone or URL stops Vitrina with a
//! clear message instead of failing on the first request that needs it.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use chrono_tz::Tz;
use figment::Figment;
use figment::providers::{Format, Serialized, Toml};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use crate::cli::GlobalArgs;

mod smtp;
mod zabbix_api;

use smtp::RawSmtp;
use zabbix_api::RawZabbixApi;
pub use zabbix_api::ZabbixApi;

/// Name of the configuration file looked for in the data directory.
pub const FILE_NAME: &str = "vitrina.toml";
/// SQLite database file in the data directory.
pub const SQLITE_FILE: &str = "vitrina.db";
/// File name of the storefront events database in the data directory, on SQLite.
pub const EVENTS_SQLITE_FILE: &str = "events.db";

const DEFAULT_DATA_DIR: &str = "./data";
const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
const DEFAULT_PUBLIC_URL: &str = "http://127.0.0.1:8080";
const DEFAULT_ZABBIX_QUEUE: &str = "infrastructure";
const DEFAULT_ZONE: &str = "Europe/Moscow";
const DEFAULT_AUTO_CLOSE_DAYS: i64 = 7;
/// Maximum flapping window: one week, in seconds.
const MAX_FLAP_WINDOW_SECONDS: i64 = 7 * 24 * 3600;
/// Maximum auto-close delay in days.
const MAX_AUTO_CLOSE_DAYS: i64 = 3650;
/// Largest escalation offset: a week of business minutes around the clock.
const MAX_ESCALATION_MINUTES: i64 = 7 * 24 * 60;
/// Largest `analytics_exact_events`: ten million events would take seconds to read.
const MAX_ANALYTICS_EXACT_EVENTS: i64 = 10_000_000;

/// Settings keys that environment variables may set, each read from `VITRINA_<KEY>`.
const ENV_KEYS: [&str; 29] = [
    "data_dir",
    "database_url",
    "listen",
    "public_url",
    "zabbix_webhook_secret",
    "zabbix_webhook_secret_file",
    "zabbix_queue",
    "zabbix_flap_window_seconds",
    "zabbix_server_time_zone",
    "display_time_zone",
    "auto_close_days",
    "zabbix_api_url",
    "zabbix_api_username",
    "zabbix_api_password",
    "zabbix_api_password_file",
    "zabbix_api_token",
    "zabbix_api_token_file",
    "zabbix_metric_items",
    "smtp_host",
    "smtp_port",
    "smtp_from",
    "smtp_tls",
    "smtp_username",
    "smtp_password",
    "smtp_password_file",
    "head_of_support",
    "escalation_leads_minutes",
    "escalation_head_minutes",
    "analytics_exact_events",
];

/// Vitrina's settings after checking. Secrets stay out of `Debug` output.
#[derive(Debug, Clone)]
pub struct Config {
    /// The configuration file that was read, if any.
    pub file: Option<PathBuf>,
    /// Directory of the SQLite database and the default configuration file.
    pub data_dir: PathBuf,
    /// PostgreSQL URL; `None` selects SQLite in `data_dir`. It may carry a password.
    pub database_url: Option<SecretString>,
    /// Address `serve` listens on.
    pub listen: SocketAddr,
    /// The address users and Zabbix reach Vitrina at, without a trailing slash.
    pub public_url: String,
    /// Bearer secret of the Zabbix webhook; `None` makes the endpoint reject every delivery.
    pub zabbix_webhook_secret: Option<SecretString>,
    /// Queue code that new Zabbix incidents go to.
    pub zabbix_queue: String,
    /// Flapping window in seconds; 0 turns flapping correlation off.
    pub zabbix_flap_window_seconds: i64,
    /// Time zone of the Zabbix server, to read `event_date` and `event_time`.
    pub zabbix_server_zone: Tz,
    /// Time zone dates and times are shown in.
    pub display_zone: Tz,
    /// Days after resolution when a ticket closes by itself.
    pub auto_close_days: i64,
    /// The Zabbix API that ticket changes are reported to; `None` reports nothing.
    pub zabbix_api: Option<ZabbixApi>,
    /// The Zabbix items the metric import reads, and the metric and unit of each.
    pub zabbix_metric_items: Vec<domain::infra::ItemMapping>,
    /// The SMTP server mail goes through; `None` keeps mail queued.
    pub smtp: Option<integrations::mail::SmtpConfig>,
    /// Login of the head of support, whom escalation at an SLA breach notifies; `None`
    /// notifies the queue's leads instead.
    pub head_of_support: Option<String>,
    /// Business minutes before an SLA deadline when the queue's leads are notified.
    pub escalation_leads_minutes: i64,
    /// Events up to which a summary is counted from the raw events; larger ranges add up
    /// the stored day summaries.
    pub analytics_exact_events: i64,
    /// Business minutes after an SLA deadline when the head of support is notified.
    pub escalation_head_minutes: i64,
}

/// A setting that is missing, malformed or contradicts another one.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration file {path} does not exist; create it or drop --config/VITRINA_CONFIG")]
    FileMissing { path: PathBuf },
    /// Figment's message names the key and the file it came from.
    #[error("invalid configuration: {0}")]
    Read(String),
    #[error("invalid {key} {value:?}: {reason}")]
    Invalid {
        key: &'static str,
        value: String,
        reason: String,
    },
    #[error(
        "both zabbix_webhook_secret and zabbix_webhook_secret_file are set; keep only one of them"
    )]
    TwoSecrets,
    #[error("cannot read the Zabbix webhook secret from {path}: {source}")]
    SecretFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the Zabbix webhook secret in {origin} is empty; set a long random value")]
    EmptySecret { origin: String },
    #[error("both {key} and {key}_file are set; keep only one of them")]
    TwoSources { key: &'static str },
    #[error("cannot read {key}_file {path}: {source}")]
    KeyFile {
        key: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
}

/// A number setting: TOML gives integers, environment variables give text.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum Number {
    Int(i64),
    Text(String),
}

/// Settings as read, before checking. Every field is optional so each source may set any.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    data_dir: Option<PathBuf>,
    database_url: Option<SecretString>,
    listen: Option<String>,
    public_url: Option<String>,
    zabbix_webhook_secret: Option<SecretString>,
    zabbix_webhook_secret_file: Option<PathBuf>,
    zabbix_queue: Option<String>,
    zabbix_flap_window_seconds: Option<Number>,
    zabbix_server_time_zone: Option<String>,
    display_time_zone: Option<String>,
    auto_close_days: Option<Number>,
    zabbix_api_url: Option<String>,
    zabbix_api_username: Option<String>,
    zabbix_api_password: Option<SecretString>,
    zabbix_api_password_file: Option<PathBuf>,
    zabbix_api_token: Option<SecretString>,
    zabbix_api_token_file: Option<PathBuf>,
    zabbix_metric_items: Option<String>,
    smtp_host: Option<String>,
    smtp_port: Option<Number>,
    smtp_from: Option<String>,
    smtp_tls: Option<String>,
    smtp_username: Option<String>,
    smtp_password: Option<SecretString>,
    smtp_password_file: Option<PathBuf>,
    head_of_support: Option<String>,
    escalation_leads_minutes: Option<Number>,
    analytics_exact_events: Option<Number>,
    escalation_head_minutes: Option<Number>,
}

impl Config {
    /// Loads the settings from the file, the process environment and the flags, and checks
    /// them. `listen` is `serve --listen`.
    pub fn load(global: &GlobalArgs, listen: Option<&str>) -> Result<Config, ConfigError> {
        let environment: BTreeMap<String, String> = std::env::vars().collect();
        Config::load_from(global, listen, &environment)
    }

    /// Loads the settings with `environment` in place of the process environment, so tests
    /// do not depend on the variables of the shell that runs them.
    pub fn load_from(
        global: &GlobalArgs,
        listen: Option<&str>,
        environment: &BTreeMap<String, String>,
    ) -> Result<Config, ConfigError> {
        let from_env = env_settings(environment);
        let mut from_flags: BTreeMap<&str, String> = BTreeMap::new();
        if let Some(dir) = &global.data_dir {
            from_flags.insert("data_dir", dir.display().to_string());
        }
        if let Some(url) = &global.database_url {
            from_flags.insert("database_url", url.clone());
        }
        if let Some(listen) = listen {
            from_flags.insert("listen", listen.to_string());
        }

        // The data directory locates the default file, so it cannot come from that file.
        let data_dir = from_flags
            .get("data_dir")
            .or(from_env.get("data_dir"))
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
        let file = match &global.config {
            Some(path) if !path.is_file() => {
                return Err(ConfigError::FileMissing { path: path.clone() });
            }
            Some(path) => Some(path.clone()),
            None => Some(data_dir.join(FILE_NAME)).filter(|path| path.is_file()),
        };

        let mut figment = Figment::new();
        if let Some(path) = &file {
            figment = figment.merge(Toml::file_exact(path));
        }
        let raw: Raw = figment
            .merge(Serialized::defaults(from_env))
            .merge(Serialized::defaults(from_flags))
            .extract()
            .map_err(|error| ConfigError::Read(one_line(&error.to_string())))?;
        Config::check(raw, file)
    }

    fn check(raw: Raw, file: Option<PathBuf>) -> Result<Config, ConfigError> {
        let data_dir = raw
            .data_dir
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
        let database_url = raw
            .database_url
            .filter(|url| !url.expose_secret().trim().is_empty());
        if let Some(url) = &database_url {
            check_database_url(url.expose_secret())?;
        }
        let listen = parse_listen(raw.listen.as_deref().unwrap_or(DEFAULT_LISTEN))?;
        let public_url = check_public_url(
            raw.public_url
                .as_deref()
                .unwrap_or(DEFAULT_PUBLIC_URL)
                .trim(),
        )?;
        let zabbix_webhook_secret = webhook_secret(
            raw.zabbix_webhook_secret,
            raw.zabbix_webhook_secret_file,
            file.as_deref(),
        )?;
        let zabbix_queue =
            check_queue(raw.zabbix_queue.as_deref().unwrap_or(DEFAULT_ZABBIX_QUEUE))?;
        let zabbix_api = RawZabbixApi {
            url: raw.zabbix_api_url,
            username: raw.zabbix_api_username,
            password: raw.zabbix_api_password,
            password_file: raw.zabbix_api_password_file,
            token: raw.zabbix_api_token,
            token_file: raw.zabbix_api_token_file,
        }
        .check()?;
        let item_text = raw
            .zabbix_metric_items
            .unwrap_or_else(|| domain::infra::DEFAULT_ITEM_MAPPINGS.to_string());
        let zabbix_metric_items =
            domain::infra::parse_item_mappings(&item_text).map_err(|reason| {
                ConfigError::Invalid {
                    key: "zabbix_metric_items",
                    value: item_text.clone(),
                    reason,
                }
            })?;
        let smtp = RawSmtp {
            host: raw.smtp_host,
            port: raw.smtp_port,
            from: raw.smtp_from,
            tls: raw.smtp_tls,
            username: raw.smtp_username,
            password: raw.smtp_password,
            password_file: raw.smtp_password_file,
        }
        .check()?;

        Ok(Config {
            file,
            data_dir,
            database_url,
            listen,
            public_url,
            zabbix_webhook_secret,
            zabbix_queue,
            zabbix_flap_window_seconds: number(
                "zabbix_flap_window_seconds",
                raw.zabbix_flap_window_seconds,
                0,
                0..=MAX_FLAP_WINDOW_SECONDS,
            )?,
            zabbix_server_zone: zone("zabbix_server_time_zone", raw.zabbix_server_time_zone)?,
            display_zone: zone("display_time_zone", raw.display_time_zone)?,
            auto_close_days: number(
                "auto_close_days",
                raw.auto_close_days,
                DEFAULT_AUTO_CLOSE_DAYS,
                1..=MAX_AUTO_CLOSE_DAYS,
            )?,
            zabbix_api,
            zabbix_metric_items,
            smtp,
            head_of_support: raw
                .head_of_support
                .map(|login| login.trim().to_lowercase())
                .filter(|login| !login.is_empty()),
            escalation_leads_minutes: number(
                "escalation_leads_minutes",
                raw.escalation_leads_minutes,
                60,
                0..=MAX_ESCALATION_MINUTES,
            )?,
            escalation_head_minutes: number(
                "escalation_head_minutes",
                raw.escalation_head_minutes,
                0,
                0..=MAX_ESCALATION_MINUTES,
            )?,
            analytics_exact_events: number(
                "analytics_exact_events",
                raw.analytics_exact_events,
                web::DEFAULT_ANALYTICS_EXACT_EVENTS,
                0..=MAX_ANALYTICS_EXACT_EVENTS,
            )?,
        })
    }

    /// Returns the database location: PostgreSQL when a URL is set, else SQLite in `data_dir`.
    pub fn location(&self) -> store::Location {
        let url = self.database_url.as_ref().map(|url| url.expose_secret());
        store::Location::resolve(url, &self.data_dir, SQLITE_FILE)
    }

    /// Returns the events database location: a second pool on the same PostgreSQL database
    /// when a URL is set, else its own SQLite file in `data_dir`.
    pub fn events_location(&self) -> store::Location {
        let url = self.database_url.as_ref().map(|url| url.expose_secret());
        store::Location::resolve(url, &self.data_dir, EVENTS_SQLITE_FILE)
    }

    /// Names the database for logs and messages: the SQLite path, or the PostgreSQL URL
    /// without its password.
    pub fn database_label(&self) -> String {
        match &self.database_url {
            Some(url) => redact_url(url.expose_secret()),
            None => self.data_dir.join(SQLITE_FILE).display().to_string(),
        }
    }

    /// Builds the web layer's settings.
    pub fn web(&self) -> web::WebConfig {
        web::WebConfig {
            public_url: self.public_url.clone(),
            zabbix_webhook_secret: self.zabbix_webhook_secret.clone(),
            zabbix: store::servicedesk::zabbix::Settings {
                queue: self.zabbix_queue.clone(),
                flap_window: chrono::Duration::seconds(self.zabbix_flap_window_seconds),
            },
            zabbix_server_zone: self.zabbix_server_zone,
            display_zone: self.display_zone,
            auto_close_days: self.auto_close_days,
            // `serve` adds the client when the API is configured.
            zabbix_api: None,
            smtp_configured: self.smtp.is_some(),
            analytics_exact_events: self.analytics_exact_events,
        }
    }
}

/// Reads `VITRINA_<KEY>` for every known key, as text: numbers are parsed when checked, and
/// a secret such as `0123` keeps its leading zero.
fn env_settings(environment: &BTreeMap<String, String>) -> BTreeMap<&'static str, String> {
    ENV_KEYS
        .iter()
        .filter_map(|key| {
            let name = format!("VITRINA_{}", key.to_uppercase());
            environment.get(&name).map(|value| (*key, value.clone()))
        })
        .collect()
}

/// Figment appends the previous errors on new lines; a start-up error is one line.
fn one_line(message: &str) -> String {
    message.lines().collect::<Vec<_>>().join("; ")
}

fn check_database_url(url: &str) -> Result<(), ConfigError> {
    let parsed = url::Url::parse(url.trim()).map_err(|error| ConfigError::Invalid {
        key: "database_url",
        value: redact_url(url),
        reason: format!("{error}; expected postgres://user:password@host:5432/database"),
    })?;
    if !matches!(parsed.scheme(), "postgres" | "postgresql") {
        return Err(ConfigError::Invalid {
            key: "database_url",
            value: redact_url(url),
            reason: "only postgres:// URLs are supported; leave it unset to use SQLite".into(),
        });
    }
    Ok(())
}

/// Removes the password from a URL, for logs and error messages. Text that is not a URL is
/// replaced whole, since it may be a password pasted in the wrong place.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url.trim()) {
        Ok(mut parsed) => {
            if parsed.password().is_some() {
                // `set_password` fails only for URLs without a host, and those have no password.
                let _ = parsed.set_password(Some("***"));
            }
            parsed.to_string()
        }
        Err(_) => "(unparsable URL)".into(),
    }
}

fn parse_listen(text: &str) -> Result<SocketAddr, ConfigError> {
    text.trim()
        .parse::<SocketAddr>()
        .map_err(|_| ConfigError::Invalid {
            key: "listen",
            value: text.to_string(),
            reason: "expected IP:PORT, such as 127.0.0.1:8080 or [::1]:8080".into(),
        })
}

fn check_queue(code: &str) -> Result<String, ConfigError> {
    let code = code.trim();
    if code.is_empty() {
        return Err(ConfigError::Invalid {
            key: "zabbix_queue",
            value: code.to_string(),
            reason: "a queue code is required, such as infrastructure".into(),
        });
    }
    Ok(code.to_string())
}

fn check_public_url(text: &str) -> Result<String, ConfigError> {
    let invalid = |reason: String| ConfigError::Invalid {
        key: "public_url",
        value: text.to_string(),
        reason,
    };
    let parsed = url::Url::parse(text).map_err(|error| {
        invalid(format!(
            "{error}; expected a URL such as https://vitrina.example.ru"
        ))
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https".into()));
    }
    if parsed.host_str().is_none() {
        return Err(invalid("the URL has no host".into()));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(invalid("the URL may not have a query or fragment".into()));
    }
    Ok(text.trim_end_matches('/').to_string())
}

fn webhook_secret(
    inline: Option<SecretString>,
    file: Option<PathBuf>,
    config_file: Option<&Path>,
) -> Result<Option<SecretString>, ConfigError> {
    let (secret, origin) = match (inline, file) {
        (Some(_), Some(_)) => return Err(ConfigError::TwoSecrets),
        (Some(secret), None) => {
            let origin = match config_file {
                Some(path) => format!("VITRINA_ZABBIX_WEBHOOK_SECRET or {}", path.display()),
                None => "VITRINA_ZABBIX_WEBHOOK_SECRET".into(),
            };
            (secret, origin)
        }
        (None, Some(path)) => {
            let text =
                std::fs::read_to_string(&path).map_err(|source| ConfigError::SecretFile {
                    path: path.clone(),
                    source,
                })?;
            // Files written by `echo` or editors end with a newline that is not part of it.
            let secret = SecretString::from(text.trim_end_matches(['\r', '\n']).to_string());
            (secret, path.display().to_string())
        }
        (None, None) => return Ok(None),
    };
    if secret.expose_secret().trim().is_empty() {
        return Err(ConfigError::EmptySecret { origin });
    }
    Ok(Some(secret))
}

fn zone(key: &'static str, value: Option<String>) -> Result<Tz, ConfigError> {
    let name = value.unwrap_or_else(|| DEFAULT_ZONE.into());
    name.trim().parse::<Tz>().map_err(|_| ConfigError::Invalid {
        key,
        value: name.clone(),
        reason: "not an IANA time zone; use a name such as Europe/Moscow or Asia/Yekaterinburg"
            .into(),
    })
}

fn number(
    key: &'static str,
    value: Option<Number>,
    default: i64,
    range: std::ops::RangeInclusive<i64>,
) -> Result<i64, ConfigError> {
    let invalid = |value: String| ConfigError::Invalid {
        key,
        value,
        reason: format!(
            "expected a whole number from {} to {}",
            range.start(),
            range.end()
        ),
    };
    let number = match value {
        None => default,
        Some(Number::Int(n)) => n,
        Some(Number::Text(text)) => text.trim().parse().map_err(|_| invalid(text.clone()))?,
    };
    if !range.contains(&number) {
        return Err(invalid(number.to_string()));
    }
    Ok(number)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn global(data_dir: &Path) -> GlobalArgs {
        GlobalArgs {
            data_dir: Some(data_dir.to_path_buf()),
            database_url: None,
            config: None,
            log_format: None,
        }
    }

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_apply_without_settings() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::load_from(&global(dir.path()), None, &env(&[])).unwrap();
        assert_eq!(config.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(config.public_url, "http://127.0.0.1:8080");
        assert_eq!(config.zabbix_queue, "infrastructure");
        assert_eq!(config.zabbix_flap_window_seconds, 0);
        assert_eq!(config.zabbix_server_zone, chrono_tz::Europe::Moscow);
        assert_eq!(config.display_zone, chrono_tz::Europe::Moscow);
        assert_eq!(config.auto_close_days, 7);
        assert!(config.zabbix_webhook_secret.is_none());
        assert!(config.database_url.is_none());
        assert!(config.file.is_none());
    }

    #[test]
    fn debug_output_hides_secrets() {
        let dir = tempfile::tempdir().unwrap();
        let settings = env(&[
            ("VITRINA_ZABBIX_WEBHOOK_SECRET", "zabbix-secret-value-4242"),
            (
                "VITRINA_DATABASE_URL",
                "postgres://vitrina:db-password-4242@127.0.0.1:5432/vitrina",
            ),
        ]);
        let config = Config::load_from(&global(dir.path()), None, &settings).unwrap();
        let debug = format!("{config:?}");
        assert!(!debug.contains("zabbix-secret-value-4242"), "{debug}");
        assert!(!debug.contains("db-password-4242"), "{debug}");
        assert!(!config.database_label().contains("db-password-4242"));
    }

    #[test]
    fn unknown_time_zone_is_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let settings = env(&[("VITRINA_ZABBIX_SERVER_TIME_ZONE", "Europe/Moskva")]);
        let error = Config::load_from(&global(dir.path()), None, &settings).unwrap_err();
        let message = error.to_string();
        assert!(message.contains("zabbix_server_time_zone"), "{message}");
        assert!(message.contains("Europe/Moskva"), "{message}");
    }

    #[test]
    fn escalation_offsets_default_and_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::load_from(&global(dir.path()), None, &env(&[])).unwrap();
        assert_eq!(
            (
                config.escalation_leads_minutes,
                config.escalation_head_minutes
            ),
            (60, 0)
        );
        let settings = env(&[
            ("VITRINA_ESCALATION_LEADS_MINUTES", "120"),
            ("VITRINA_ESCALATION_HEAD_MINUTES", "30"),
        ]);
        let config = Config::load_from(&global(dir.path()), None, &settings).unwrap();
        assert_eq!(
            (
                config.escalation_leads_minutes,
                config.escalation_head_minutes
            ),
            (120, 30)
        );
        let settings = env(&[("VITRINA_ESCALATION_LEADS_MINUTES", "-5")]);
        let error = Config::load_from(&global(dir.path()), None, &settings).unwrap_err();
        let message = error.to_string();
        assert!(message.contains("escalation_leads_minutes"), "{message}");
        assert!(message.contains("-5"), "{message}");
    }

    #[test]
    fn unparsable_public_url_is_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let settings = env(&[("VITRINA_PUBLIC_URL", "vitrina.example.ru")]);
        let error = Config::load_from(&global(dir.path()), None, &settings).unwrap_err();
        assert!(error.to_string().contains("public_url"), "{error}");
    }

    #[test]
    fn public_url_loses_trailing_slash() {
        let dir = tempfile::tempdir().unwrap();
        let settings = env(&[("VITRINA_PUBLIC_URL", "https://vitrina.example.ru/")]);
        let config = Config::load_from(&global(dir.path()), None, &settings).unwrap();
        assert_eq!(config.public_url, "https://vitrina.example.ru");
    }

    #[test]
    fn file_then_env_then_flags() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(FILE_NAME),
            "listen = \"127.0.0.1:9000\"\nauto_close_days = 3\nzabbix_queue = \"L2\"\n",
        )
        .unwrap();
        let settings = env(&[("VITRINA_ZABBIX_QUEUE", "L1")]);
        let config =
            Config::load_from(&global(dir.path()), Some("127.0.0.1:9100"), &settings).unwrap();
        assert_eq!(config.file, Some(dir.path().join(FILE_NAME)));
        assert_eq!(config.auto_close_days, 3);
        assert_eq!(config.zabbix_queue, "L1");
        assert_eq!(config.listen.to_string(), "127.0.0.1:9100");
    }

    #[test]
    fn unknown_file_key_is_rejected() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE_NAME), "auto_close_dayz = 3\n").unwrap();
        let error = Config::load_from(&global(dir.path()), None, &env(&[])).unwrap_err();
        assert!(error.to_string().contains("auto_close_dayz"), "{error}");
    }

    #[test]
    fn secret_file_drops_trailing_newline() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret");
        std::fs::write(&path, "0123-secret\n").unwrap();
        let settings = env(&[("VITRINA_ZABBIX_WEBHOOK_SECRET_FILE", path.to_str().unwrap())]);
        let config = Config::load_from(&global(dir.path()), None, &settings).unwrap();
        let secret = config.zabbix_webhook_secret.unwrap();
        assert_eq!(secret.expose_secret(), "0123-secret");
    }

    #[test]
    fn two_secret_sources_are_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let settings = env(&[
            ("VITRINA_ZABBIX_WEBHOOK_SECRET", "a"),
            ("VITRINA_ZABBIX_WEBHOOK_SECRET_FILE", "/nonexistent"),
        ]);
        let error = Config::load_from(&global(dir.path()), None, &settings).unwrap_err();
        assert!(matches!(error, ConfigError::TwoSecrets), "{error}");
    }

    #[test]
    fn non_numeric_days_are_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let settings = env(&[("VITRINA_AUTO_CLOSE_DAYS", "week")]);
        let error = Config::load_from(&global(dir.path()), None, &settings).unwrap_err();
        let message = error.to_string();
        assert!(message.contains("auto_close_days"), "{message}");
        assert!(message.contains("week"), "{message}");
    }

    #[test]
    fn missing_explicit_file_is_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let mut args = global(dir.path());
        args.config = Some(dir.path().join("absent.toml"));
        let error = Config::load_from(&args, None, &env(&[])).unwrap_err();
        assert!(error.to_string().contains("absent.toml"), "{error}");
    }

    #[test]
    fn zabbix_metric_items_default_and_faulty() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::load_from(&global(dir.path()), None, &env(&[])).unwrap();
        let keys: Vec<&str> = config
            .zabbix_metric_items
            .iter()
            .map(|mapping| mapping.key.as_str())
            .collect();
        assert_eq!(
            keys,
            [
                "system.cpu.util",
                "vm.memory.utilization",
                "vfs.fs.size[/,pused]"
            ]
        );
        let settings = env(&[("VITRINA_ZABBIX_METRIC_ITEMS", "system.cpu.util=cpu")]);
        let error = Config::load_from(&global(dir.path()), None, &settings)
            .unwrap_err()
            .to_string();
        assert!(error.starts_with("invalid zabbix_metric_items"), "{error}");
        assert!(error.contains("has no unit"), "{error}");
    }

    #[test]
    fn zabbix_api_reads_password_from_env() {
        let dir = tempfile::tempdir().unwrap();
        let settings = env(&[
            ("VITRINA_ZABBIX_API_URL", "http://127.0.0.1:8081/"),
            ("VITRINA_ZABBIX_API_USERNAME", "vitrina"),
            ("VITRINA_ZABBIX_API_PASSWORD", "api-password-4242"),
        ]);
        let config = Config::load_from(&global(dir.path()), None, &settings).unwrap();
        let api = config.zabbix_api.as_ref().unwrap();
        assert_eq!(api.url, "http://127.0.0.1:8081/");
        let integrations::zabbix::Auth::Password { username, password } = &api.auth else {
            panic!("expected a password: {api:?}");
        };
        assert_eq!(username, "vitrina");
        assert_eq!(password.expose_secret(), "api-password-4242");
        let debug = format!("{config:?}");
        assert!(!debug.contains("api-password-4242"), "{debug}");
    }

    #[test]
    fn zabbix_api_reads_token_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("token");
        std::fs::write(&path, "token-4242\n").unwrap();
        std::fs::write(
            dir.path().join(FILE_NAME),
            format!(
                "zabbix_api_url = \"https://zabbix.example.ru/\"\nzabbix_api_token_file = {:?}\n",
                path.display().to_string()
            ),
        )
        .unwrap();
        let config = Config::load_from(&global(dir.path()), None, &env(&[])).unwrap();
        let api = config.zabbix_api.as_ref().unwrap();
        let integrations::zabbix::Auth::Token(token) = &api.auth else {
            panic!("expected a token: {api:?}");
        };
        assert_eq!(token.expose_secret(), "token-4242");
        assert!(!format!("{config:?}").contains("token-4242"));
    }

    #[test]
    fn zabbix_api_is_off_without_url() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::load_from(&global(dir.path()), None, &env(&[])).unwrap();
        assert!(config.zabbix_api.is_none());
    }

    #[test]
    fn invalid_listen_address_is_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let error =
            Config::load_from(&global(dir.path()), Some("localhost"), &env(&[])).unwrap_err();
        assert!(error.to_string().contains("listen"), "{error}");
    }
}
