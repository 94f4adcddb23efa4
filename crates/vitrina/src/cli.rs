//! The command line: global options, subcommands and their help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Vitrina: service desk, commercial and analytics system of the e-commerce platform.
///
/// Every subcommand that opens the database creates it when missing and applies pending
/// migrations first.
#[derive(Debug, Parser)]
#[command(name = "vitrina", version, about, long_about)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// Options that apply to every subcommand.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Data directory: the SQLite database and the default configuration file
    /// [default: ./data]
    #[arg(long, global = true, env = "VITRINA_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// PostgreSQL URL (postgres://user:password@host:port/database); without it Vitrina
    /// uses SQLite in the data directory
    #[arg(
        long,
        global = true,
        env = "VITRINA_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,

    /// TOML configuration file [default: DATA_DIR/vitrina.toml when it exists]
    #[arg(long, global = true, env = "VITRINA_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Log format on stderr; the level comes from RUST_LOG [default: text]
    #[arg(
        long,
        global = true,
        env = "VITRINA_LOG_FORMAT",
        value_name = "FORMAT",
        value_enum
    )]
    pub log_format: Option<LogFormat>,
}

/// Log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// One human-readable line per event.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web interface, the JSON API and the Zabbix webhook
    Serve(ServeArgs),
    /// Create the database if missing and apply pending migrations
    Migrate,
    /// Load demo data (staff, tickets, Zabbix incidents) unless the database has tickets; with
    /// --events, write generated storefront traffic of demo shops instead
    Demo(DemoArgs),
    /// Manage staff users
    #[command(subcommand)]
    User(UserCommand),
    /// Manage API tokens
    #[command(subcommand)]
    Token(TokenCommand),
    /// Manage shops and their event ingestion keys
    #[command(subcommand)]
    Shop(ShopCommand),
    /// Measure performance on this machine
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Zabbix webhook deliveries and the host sync
    #[command(subcommand)]
    Zabbix(ZabbixCommand),
    /// Write a consistent copy of the running database to DEST (SQLite: VACUUM INTO;
    /// PostgreSQL: pg_dump in its custom format)
    Backup(BackupArgs),
    /// Import data from files
    #[command(subcommand)]
    Import(ImportCommand),
    /// Forecast a stored metric as Zabbix's forecast() does and print JSON
    Forecast(ForecastArgs),
    /// Compute the time until a stored metric's fitted curve reaches a threshold, as Zabbix's
    /// timeleft() does, and print JSON
    Timeleft(TimeleftArgs),
}

/// Options of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on, IP:PORT; port 0 picks a free port
    /// [default: 127.0.0.1:8080]
    #[arg(long, env = "VITRINA_LISTEN", value_name = "ADDR")]
    pub listen: Option<String>,

    /// Load demo data when the database has no tickets, and accept Zabbix deliveries with a
    /// generated secret when none is configured
    #[arg(long)]
    pub demo: bool,
}

/// Options of `demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Write this many storefront events (repeated deliveries included) over the last --days
    /// days, ending now, into the demo shops demo-shop-01 to demo-shop-NN, creating missing
    /// shops. Without it, `demo` loads the service desk demo data
    #[arg(long, value_name = "N")]
    pub events: Option<u64>,

    /// Number of demo shops, 1 to 99
    #[arg(long, default_value_t = 20, requires = "events", value_parser = clap::value_parser!(u32).range(1..=99))]
    pub shops: u32,

    /// Length of the period in days, 1 to 3660
    #[arg(long, default_value_t = 90, requires = "events", value_parser = clap::value_parser!(u32).range(1..=3660))]
    pub days: u32,

    /// Seed of the generator: the same seed and options give the same events
    #[arg(long, default_value_t = 1, requires = "events")]
    pub seed: u64,
}

/// `user` subcommands.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a staff user; prints a generated password once unless --password-stdin is given
    Add(UserAddArgs),
    /// List users with their roles, queues and state
    List,
    /// Disable a user: they cannot sign in and their sessions end
    Disable(LoginArg),
    /// Enable a disabled user
    Enable(LoginArg),
    /// Set a new password; prints a generated one once unless --password-stdin is given
    SetPassword(SetPasswordArgs),
}

/// Options of `user add`.
#[derive(Debug, Args)]
pub struct UserAddArgs {
    /// Login: 2 to 64 Latin letters, digits, `.`, `_`, `-` or `@`; compared case-insensitively
    pub login: String,

    /// Role: admin, support, support_lead, developer, analyst or sales
    #[arg(long)]
    pub role: String,

    /// Read the password from standard input (12 to 256 characters; one trailing newline
    /// is dropped)
    #[arg(long)]
    pub password_stdin: bool,

    /// Name shown in the interface [default: the login]
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// E-mail address for notifications
    #[arg(long)]
    pub email: Option<String>,

    /// Queue the user works in (L1, L2, infrastructure, development); repeat for several
    #[arg(long = "queue", value_name = "CODE")]
    pub queues: Vec<String>,

    /// Interface language: ru or en
    #[arg(long, default_value = "ru")]
    pub locale: String,
}

/// A user's login.
#[derive(Debug, Args)]
pub struct LoginArg {
    /// The user's login
    pub login: String,
}

/// Options of `user set-password`.
#[derive(Debug, Args)]
pub struct SetPasswordArgs {
    /// The user's login
    pub login: String,

    /// Read the password from standard input (12 to 256 characters; one trailing newline
    /// is dropped)
    #[arg(long)]
    pub password_stdin: bool,
}

/// `token` subcommands.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token for a user and print it alone on stdout, once; only its SHA-256
    /// is stored
    Create(TokenCreateArgs),
    /// List tokens (never their secrets), of one user or of everyone
    List(TokenListArgs),
    /// Revoke a token by its id
    Revoke(TokenRevokeArgs),
}

/// Options of `token create`.
#[derive(Debug, Args)]
pub struct TokenCreateArgs {
    /// The login of the token's owner; requests with the token act as this user
    pub login: String,

    /// Purpose of the token, such as "zabbix-export"
    #[arg(long)]
    pub name: String,
}

/// Options of `token list`.
#[derive(Debug, Args)]
pub struct TokenListArgs {
    /// Only this user's tokens
    pub login: Option<String>,
}

/// Options of `token revoke`.
#[derive(Debug, Args)]
pub struct TokenRevokeArgs {
    /// The token's id, as `token list` shows it
    pub id: i64,
}

/// `zabbix` subcommands.
#[derive(Debug, Subcommand)]
pub enum ZabbixCommand {
    /// Process stored deliveries again from their raw bodies; processed ones are left alone
    Replay(ReplayArgs),
    /// Match the hosts of the Zabbix API (host.get) to inventory hosts by technical name,
    /// store their Zabbix host ids and print a JSON report of new, vanished and conflicting
    /// hosts. Nothing is deleted. Needs zabbix_api_url and credentials
    SyncHosts,
    /// Import the values of the mapped items (zabbix_metric_items) of every host linked to
    /// Zabbix as metric samples, continuing after the latest stored sample, and print a JSON
    /// report. Needs zabbix_api_url and credentials
    ImportMetrics(ZabbixImportArgs),
}

/// Options of `zabbix import-metrics`.
#[derive(Debug, Args)]
pub struct ZabbixImportArgs {
    /// history: every value (history.get); trends: hourly averages of completed hours
    /// (trend.get), for periods Zabbix keeps no history of
    #[arg(long, value_enum, default_value = "history")]
    pub source: crate::metric_import::Source,

    /// Where a metric with no stored samples starts: a duration before now (30d, 24h,
    /// 3600) or an RFC 3339 time (2026-11-01T00:00:00Z)
    #[arg(long, value_name = "DURATION|TIME", default_value = "30d")]
    pub since: String,
}

/// Options of `zabbix replay`.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct ReplayArgs {
    /// Replay every delivery whose processing failed, oldest first
    #[arg(long)]
    pub failed: bool,

    /// Replay the delivery with this id
    #[arg(long, value_name = "N")]
    pub id: Option<i64>,
}

/// Options of `backup`.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// File to write; it must not exist yet
    pub dest: PathBuf,
}

/// `import` subcommands.
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import a `timestamp,value` CSV file (timestamps `YYYY-MM-DD HH:MM:SS` in UTC) as one
    /// metric of one host; an unknown host is created. Rejected rows are listed with their
    /// line numbers. The exit code is 0 whenever the file was read
    Metrics(ImportMetricsArgs),
    /// Import Bank of Russia exchange rates from a CSV file with the header date,currency,rate
    /// or date,currency,nominal,rate (roubles for NOMINAL units, up to four decimals); a rate
    /// of the same currency and date is replaced
    Rates(ImportRatesArgs),
    /// Import a REES46 "eCommerce behavior data" CSV file as storefront events of a shop.
    /// Prices are read as roubles, purchase rows of one session form one order, exact
    /// duplicate rows are dropped and rejected rows listed. The exit code is 0 whenever the
    /// file was read
    Rees46(ImportRees46Args),
}

/// Options of `import rates`.
#[derive(Debug, Args)]
pub struct ImportRatesArgs {
    /// The CSV file
    pub file: PathBuf,
}

/// Options of `import rees46`.
#[derive(Debug, Args)]
pub struct ImportRees46Args {
    /// The CSV file
    pub file: PathBuf,

    /// Slug of the shop the events belong to
    #[arg(long)]
    pub shop: String,
}

/// `bench` subcommands.
#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Send storefront events to POST /api/v1/events for a fixed time and print throughput
    /// and latency. Without --url it serves the configured databases in this process, creates
    /// a shop for the run and prints the storage used per million events
    Ingest(BenchIngestArgs),
    /// Request the analytics reports (summary, daily series, categories, heatmap, trends) for
    /// the 30 days ending at the last day with events, per shop and platform-wide, and print
    /// latency percentiles. Without --url it serves the configured databases in this process
    /// with a temporary API token, and prints the peak memory and the storage per million
    /// events
    Queries(BenchQueriesArgs),
}

/// Options of `bench queries`.
#[derive(Debug, Args)]
pub struct BenchQueriesArgs {
    /// Measured requests per endpoint and scope, after 5 warm-up requests
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..))]
    pub requests: u32,

    /// Address of a running Vitrina, such as http://127.0.0.1:8080; needs --token
    #[arg(long, requires = "token")]
    pub url: Option<String>,

    /// API token of an analyst or admin on that server
    #[arg(long, requires = "url", hide_env_values = true)]
    pub token: Option<String>,

    /// Shop slugs to rotate over [default: every shop, when serving locally; none with --url]
    #[arg(long = "shop", value_name = "SLUG")]
    pub shops: Vec<String>,

    /// Last day of the 30-day range, YYYY-MM-DD [default: the Moscow date of the latest
    /// event, when serving locally; today in Moscow with --url]
    #[arg(long, value_name = "DATE")]
    pub to: Option<chrono::NaiveDate>,
}

/// Request shape of the benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BenchMode {
    /// Batches of --batch-size events per request.
    Batch,
    /// One event per request.
    Single,
}

/// Options of `bench ingest`.
#[derive(Debug, Args)]
pub struct BenchIngestArgs {
    /// batch or single
    #[arg(long, value_enum, default_value = "batch")]
    pub mode: BenchMode,

    /// Seconds to send for
    #[arg(long, default_value_t = 60)]
    pub seconds: u64,

    /// Events per request in batch mode, 1 to 1000
    #[arg(long, default_value_t = 1000)]
    pub batch_size: usize,

    /// Requests in flight at once [default: 4 in batch mode, 32 in single mode]
    #[arg(long)]
    pub concurrency: Option<usize>,

    /// Address of a running Vitrina, such as http://127.0.0.1:8080; needs --key
    #[arg(long, requires = "key")]
    pub url: Option<String>,

    /// Ingestion key of a shop on that server
    #[arg(long, requires = "url", hide_env_values = true)]
    pub key: Option<String>,
}

/// `shop` subcommands.
#[derive(Debug, Subcommand)]
pub enum ShopCommand {
    /// Create a shop and print its event ingestion key alone on stdout, once; only its
    /// SHA-256 is stored
    Add(ShopAddArgs),
    /// List shops with their zones, owners and key prefixes
    List,
}

/// Options of `shop add`.
#[derive(Debug, Args)]
pub struct ShopAddArgs {
    /// Slug: 2 to 64 lower-case Latin letters, digits and inner hyphens, such as flowers-spb
    pub slug: String,

    /// Name shown in the interface
    #[arg(long)]
    pub name: String,

    /// IANA time zone of the shop, such as Europe/Moscow; its days start at midnight there
    #[arg(long, value_name = "ZONE")]
    pub tz: String,

    /// Id of the client company that owns the shop
    #[arg(long, value_name = "ID")]
    pub client: Option<i64>,
}

/// Options of `import metrics`.
#[derive(Debug, Args)]
pub struct ImportMetricsArgs {
    /// The CSV file
    pub file: PathBuf,

    /// Technical name of the host, such as db-01
    #[arg(long)]
    pub host: String,

    /// Metric name, such as cpu_utilization
    #[arg(long)]
    pub metric: String,

    /// Unit of the file's values: percent, fraction, bytes, kibibytes, mebibytes, gibibytes,
    /// bytes_per_second, bits_per_second, bytes_per_period, bits_per_period, cores, count,
    /// celsius or fahrenheit; values are stored in the canonical unit
    #[arg(long)]
    pub unit: String,

    /// Sampling period (300, 5m): required for bytes_per_period and bits_per_period, whose
    /// values are divided by it to become rates
    #[arg(long, value_name = "DURATION")]
    pub period: Option<String>,

    /// gauge (each value is a level) or counter (a running byte total, stored as a rate)
    #[arg(long, default_value = "gauge")]
    pub kind: String,
}

/// Options that select a stored series and the samples a fit reads.
#[derive(Debug, Args)]
pub struct SeriesArgs {
    /// Technical name of the host
    #[arg(long)]
    pub host: String,

    /// Metric name, as imported
    #[arg(long)]
    pub metric: String,

    /// Curve: linear, polynomial1 to polynomial6, exponential, logarithmic or power
    #[arg(long, default_value = "linear")]
    pub fit: String,

    /// Samples to fit: all, N (the last N values) or a duration before the evaluation time
    /// (7d, 24h)
    #[arg(long, default_value = "30d")]
    pub window: String,

    /// Evaluation time, `YYYY-MM-DD HH:MM:SS` in UTC or RFC 3339 [default: the last
    /// sample's time]
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
}

/// Options of `forecast`.
#[derive(Debug, Args)]
pub struct ForecastArgs {
    #[command(flatten)]
    pub series: SeriesArgs,

    /// How far after the evaluation time (1h, 7d; a leading minus looks back)
    #[arg(long, allow_hyphen_values = true)]
    pub horizon: String,

    /// value (at the horizon), max, min, delta (max − min) or avg over the horizon
    #[arg(long, default_value = "value")]
    pub mode: String,
}

/// Options of `timeleft`.
#[derive(Debug, Args)]
pub struct TimeleftArgs {
    #[command(flatten)]
    pub series: SeriesArgs,

    /// The upper limit in the metric's canonical unit, such as 90 for 90 %
    #[arg(long, allow_hyphen_values = true)]
    pub threshold: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn replay_requires_failed_or_id() {
        let parsed = Cli::try_parse_from(["vitrina", "zabbix", "replay"]);
        assert!(parsed.is_err());
        let both = Cli::try_parse_from(["vitrina", "zabbix", "replay", "--failed", "--id", "3"]);
        assert!(both.is_err());
    }
}
