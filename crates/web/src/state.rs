//! What every handler shares: the database, settings, translations and metrics.

use std::sync::Arc;

use chrono_tz::Tz;
use secrecy::SecretString;
use store::Db;

use crate::i18n::I18n;
use crate::ops::Metrics;

/// Settings of the web layer, read once at start.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// The address users and Zabbix reach Vitrina at, without a trailing slash; links that
    /// leave Vitrina (ticket URLs sent to Zabbix, e-mails) are built from it.
    pub public_url: String,
    /// The bearer secret Zabbix's webhook must send; `None` makes the endpoint refuse everything.
    pub zabbix_webhook_secret: Option<SecretString>,
    /// How Zabbix deliveries become tickets.
    pub zabbix: store::servicedesk::zabbix::Settings,
    /// The Zabbix server's time zone, to read `event_date` and `event_time`.
    pub zabbix_server_zone: Tz,
    /// The zone dates and times are shown in.
    pub display_zone: Tz,
    /// Days after resolution when a ticket closes by itself.
    pub auto_close_days: i64,
    /// The Zabbix API, when configured: the webhook reads a new problem's start time from it.
    pub zabbix_api: Option<Arc<integrations::zabbix::Client>>,
    /// Whether an SMTP server is configured; without one, mail stays queued.
    pub smtp_configured: bool,
    /// Events up to which the analytics summary and daily series read the raw events, so
    /// unique visitors are exact. A range with more adds up the stored day summaries.
    pub analytics_exact_events: i64,
}

/// Default of [`WebConfig::analytics_exact_events`]. Small ranges stay exact; a month of a
/// busy shop reads one row per day instead of every event.
pub const DEFAULT_ANALYTICS_EXACT_EVENTS: i64 = 20_000;

impl WebConfig {
    /// Whether cookies must carry `Secure`: when users reach Vitrina over HTTPS.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            public_url: "http://127.0.0.1:8080".into(),
            zabbix_webhook_secret: None,
            zabbix: Default::default(),
            zabbix_server_zone: chrono_tz::Europe::Moscow,
            display_zone: chrono_tz::Europe::Moscow,
            auto_close_days: 7,
            zabbix_api: None,
            smtp_configured: false,
            analytics_exact_events: DEFAULT_ANALYTICS_EXACT_EVENTS,
        }
    }
}

/// Writer tasks on PostgreSQL, each committing its own group of queued events.
const EVENT_WRITERS_POSTGRES: usize = 4;

/// The state handed to every handler.
#[derive(Clone, Debug)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<WebConfig>,
    pub i18n: Arc<I18n>,
    pub metrics: Arc<Metrics>,
    /// The storefront events database, set by [`AppState::with_events`]. While it is `None`,
    /// the analytics endpoints return 503.
    pub events: Option<Db>,
    /// The group-commit writer of the events database, started with it.
    pub event_writer: Option<store::analytics::writer::EventWriter>,
    /// Shops by ingestion key hash, so event intake does not read the main database.
    pub shop_keys: Arc<crate::analytics::ShopKeys>,
}

impl AppState {
    /// Builds the state; fails when the embedded translations do not load.
    pub fn new(db: Db, config: WebConfig) -> Result<AppState, String> {
        Ok(AppState {
            db,
            config: Arc::new(config),
            i18n: I18n::load()?,
            metrics: Arc::new(Metrics::new()),
            events: None,
            event_writer: None,
            shop_keys: Arc::default(),
        })
    }

    /// Returns the state with the storefront events database, which the analytics endpoints
    /// need, and starts its group-commit writer on the current Tokio runtime.
    pub fn with_events(mut self, events: Db) -> AppState {
        let workers = match events.engine() {
            store::Engine::Sqlite => 1,
            store::Engine::Postgres => EVENT_WRITERS_POSTGRES,
        };
        self.event_writer = Some(store::analytics::writer::EventWriter::spawn(
            events.clone(),
            workers,
        ));
        self.events = Some(events);
        self
    }
}
