//! `vitrina bench queries`: latency of the analytics reports over a 30-day range, per shop
//! and platform-wide. Without `--url` it serves the real router in this process over the
//! configured databases, with a temporary API token of an analyst, and samples the process's
//! resident memory while the requests run.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use chrono::{DateTime, NaiveDate, Utc};
use domain::analytics::money::moscow_date;
use domain::identity::Role;
use store::Db;
use store::identity::users::{self, NewUser};
use store::identity::{Author, tokens};
use web::identity::password;

use super::{percentile, serve_local, storage};
use crate::cli::BenchQueriesArgs;
use crate::config::Config;
use crate::database;

/// Login of the analyst whose temporary token the local run uses; created when missing.
const BENCH_LOGIN: &str = "bench-queries";
/// Days in the requested range, both ends included.
const RANGE_DAYS: i64 = 30;
/// Unmeasured requests per endpoint and scope before the measured ones.
const WARM_UP_REQUESTS: u32 = 5;
/// Maximum seconds spent on one endpoint and scope, and the timeout of one request. Requests
/// left when the time is up are skipped, and the table shows how many were measured.
const CASE_SECONDS: u64 = 60;
/// Interval of the memory samples.
const RSS_SAMPLE_MS: u64 = 100;

/// The reports measured, as (name, path and fixed parameters).
const ENDPOINTS: [(&str, &str); 8] = [
    ("summary", "/api/v1/analytics/summary?"),
    ("daily", "/api/v1/analytics/daily?"),
    ("categories", "/api/v1/analytics/breakdown?by=category&"),
    ("top-products", "/api/v1/analytics/products?"),
    ("heatmap", "/api/v1/analytics/heatmap?"),
    ("heatmap-recency", "/api/v1/analytics/heatmap?by=recency&"),
    ("trends", "/api/v1/analytics/trends?period=month&"),
    (
        "trends-revenue",
        "/api/v1/analytics/trends?period=month&metric=revenue&",
    ),
];

/// A server and token started by the benchmark in this process.
struct Local {
    db: Db,
    events: Db,
    token_id: i64,
    server: tokio::task::JoinHandle<()>,
}

/// Latencies of one endpoint in one scope.
struct Case {
    endpoint: &'static str,
    scope: &'static str,
    /// Latencies of the measured requests, failed ones included.
    latencies: Vec<Duration>,
    /// Requests that failed or timed out, warm-up requests included.
    failed: u32,
    skipped: u32,
}

/// Runs the query benchmark and prints its results.
pub async fn run(config: &Config, args: &BenchQueriesArgs) -> anyhow::Result<()> {
    let rss = RssSampler::start();
    let (url, token, mut shops, last_day, local) = match (&args.url, &args.token) {
        (Some(url), Some(token)) => {
            let url = url.trim_end_matches('/').to_string();
            let today = moscow_date(domain::time::now());
            (url, token.clone(), Vec::new(), today, None)
        }
        (None, None) => {
            let (url, token, shops, last_day, local) = start_local(config).await?;
            (url, token, shops, last_day, Some(local))
        }
        _ => bail!("invalid options: give --url and --token together, or neither"),
    };
    if !args.shops.is_empty() {
        shops.clone_from(&args.shops);
    }
    let to = args.to.unwrap_or(last_day);
    let from = to - chrono::Duration::days(RANGE_DAYS - 1);
    println!(
        "Range {from} to {to}; {} measured requests per endpoint and scope, rotating over {} \
         shops.",
        args.requests,
        shops.len()
    );

    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(CASE_SECONDS))
        .build()
        .context("cannot build the HTTP client")?;
    let measure = Measure {
        client,
        url,
        token,
        from,
        to,
        requests: args.requests,
    };
    let mut cases = Vec::new();
    for (endpoint, path) in ENDPOINTS {
        if !shops.is_empty() {
            cases.push(measure.case(endpoint, path, "shop", &shops).await);
        }
        cases.push(measure.case(endpoint, path, "platform", &[]).await);
    }
    print_table(&cases);
    let peak = rss.stop();
    match read_status_kib("VmHWM:") {
        Some(hwm) => println!(
            "resident memory: peak of 100 ms samples {:.1} MiB, VmHWM {:.1} MiB",
            peak as f64 / 1024.0,
            hwm as f64 / 1024.0
        ),
        None => println!("resident memory: not available (no /proc/self/status)"),
    }

    if let Some(local) = local {
        storage(config, &local.events, None).await?;
        tokens::revoke(
            &local.db,
            local.token_id,
            &Author::system(),
            domain::time::now(),
        )
        .await
        .context("cannot revoke the benchmark token")?;
        local.server.abort();
        // A report that timed out on the client may still run on the server, and closing the
        // pools waits for its connection, so the wait is cut short.
        let closing = async {
            local.events.close().await;
            local.db.close().await;
        };
        if tokio::time::timeout(Duration::from_secs(5), closing)
            .await
            .is_err()
        {
            tracing::warn!("database pools still busy after 5 s; exiting without waiting");
        }
    }
    Ok(())
}

/// Opens the databases, creates a token for the benchmark analyst and serves the router on
/// 127.0.0.1. Returns the URL, the token, the shop slugs and the Moscow date of the latest
/// event.
async fn start_local(
    config: &Config,
) -> anyhow::Result<(String, String, Vec<String>, NaiveDate, Local)> {
    let db = database::open(config).await?;
    let events = database::open_events(config).await?;
    crate::analytics::backfill_rollups(&db, &events).await?;
    // `serve` computes queued day summaries in the background; the benchmark computes them
    // all first, so the reports are measured on a caught-up database.
    let started = std::time::Instant::now();
    let computed = crate::analytics::compute_queued_day_summaries(&db, &events).await?;
    println!(
        "Computed {computed} queued day summaries in {:.1} s.",
        started.elapsed().as_secs_f64()
    );
    let latest: Option<DateTime<Utc>> = events
        .fetch_scalar("SELECT MAX(occurred_at) FROM events", Vec::new())
        .await
        .context("cannot read the latest event time")?;
    let Some(latest) = latest else {
        bail!("the events database is empty; write events first with `vitrina demo --events N`");
    };
    let shops = store::shops::list(&db)
        .await?
        .into_iter()
        .map(|shop| shop.slug)
        .collect();

    let user = match users::find_by_login(&db, BENCH_LOGIN).await? {
        Some(user) => user,
        None => {
            let new = NewUser {
                login: BENCH_LOGIN.into(),
                display_name: "Benchmark".into(),
                email: None,
                role: Role::Analyst,
                client_id: None,
                password_hash: None,
                locale: "en".into(),
            };
            users::create(&db, &new, &Author::system(), domain::time::now())
                .await
                .context("cannot create the benchmark analyst")?
        }
    };
    if user.disabled || !matches!(user.role.as_str(), "analyst" | "admin") {
        bail!(
            "user {BENCH_LOGIN} is disabled or not an analyst; enable it or give --url and --token"
        );
    }
    let secret = format!("vtr_{}", password::random_token(32));
    let token = tokens::create(
        &db,
        user.id,
        "bench queries",
        &password::secret_hash(&secret),
        &secret[..12],
        &Author::system(),
        domain::time::now(),
    )
    .await
    .context("cannot create the benchmark token")?;

    let (url, server) = serve_local(config, db.clone(), &events).await?;
    let local = Local {
        db,
        events,
        token_id: token.id,
        server,
    };
    Ok((url, secret, shops, moscow_date(latest), local))
}

/// Client, server, token and range shared by every request.
struct Measure {
    client: reqwest::Client,
    url: String,
    token: String,
    from: NaiveDate,
    to: NaiveDate,
    requests: u32,
}

impl Measure {
    /// Sends the warm-up and measured requests of one endpoint, one at a time, rotating over
    /// `shops`, or without a shop when `shops` is empty.
    async fn case(
        &self,
        endpoint: &'static str,
        path: &str,
        scope: &'static str,
        shops: &[String],
    ) -> Case {
        let mut case = Case {
            endpoint,
            scope,
            latencies: Vec::with_capacity(self.requests as usize),
            failed: 0,
            skipped: 0,
        };
        let deadline = Instant::now() + Duration::from_secs(CASE_SECONDS);
        let total = WARM_UP_REQUESTS + self.requests;
        for number in 0..total {
            if Instant::now() >= deadline {
                case.skipped = total - number.max(WARM_UP_REQUESTS);
                tracing::warn!(endpoint, scope, "time limit reached, requests skipped");
                break;
            }
            let mut url = format!("{}{path}", self.url);
            if !shops.is_empty() {
                let shop = &shops[number as usize % shops.len()];
                url.push_str(&format!("shop={shop}&"));
            }
            if endpoint.starts_with("trends") {
                url.push_str(&format!("date={}", self.to));
            } else {
                url.push_str(&format!("from={}&to={}", self.from, self.to));
            }
            let sent = Instant::now();
            let ok = self.get(&url).await;
            let elapsed = sent.elapsed();
            if !ok {
                case.failed += 1;
            }
            if number >= WARM_UP_REQUESTS {
                case.latencies.push(elapsed);
            }
        }
        case
    }

    /// Sends one request and reads the whole body; returns whether the status was 200.
    async fn get(&self, url: &str) -> bool {
        let response = self.client.get(url).bearer_auth(&self.token).send().await;
        match response {
            Ok(response) => {
                let status = response.status();
                let body = response.bytes().await;
                if status != reqwest::StatusCode::OK || body.is_err() {
                    tracing::warn!(%status, url, "benchmark request failed");
                    return false;
                }
                true
            }
            Err(error) => {
                tracing::warn!(%error, url, "benchmark request failed");
                false
            }
        }
    }
}

fn print_table(cases: &[Case]) {
    println!(
        "{:<11} {:<9} {:>8} {:>9} {:>9} {:>9} {:>7} {:>8}",
        "endpoint", "scope", "measured", "p50 ms", "p95 ms", "p99 ms", "failed", "skipped"
    );
    for case in cases {
        let mut sorted = case.latencies.clone();
        sorted.sort();
        println!(
            "{:<11} {:<9} {:>8} {:>9.1} {:>9.1} {:>9.1} {:>7} {:>8}",
            case.endpoint,
            case.scope,
            sorted.len(),
            percentile(&sorted, 0.50),
            percentile(&sorted, 0.95),
            percentile(&sorted, 0.99),
            case.failed,
            case.skipped
        );
    }
}

/// Samples this process's resident memory (VmRSS) every 100 ms on a thread of its own, so a
/// busy async runtime cannot delay the samples.
struct RssSampler {
    peak_kib: Arc<AtomicU64>,
    stop: Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl RssSampler {
    fn start() -> RssSampler {
        let peak_kib = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let thread = {
            let (peak_kib, stop) = (peak_kib.clone(), stop.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    if let Some(rss) = read_status_kib("VmRSS:") {
                        peak_kib.fetch_max(rss, Ordering::Relaxed);
                    }
                    std::thread::sleep(Duration::from_millis(RSS_SAMPLE_MS));
                }
            })
        };
        RssSampler {
            peak_kib,
            stop,
            thread: Some(thread),
        }
    }

    /// Stops sampling and returns the largest sample in KiB.
    fn stop(mut self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        self.peak_kib.load(Ordering::Relaxed)
    }
}

/// Reads a `NAME: VALUE kB` line of /proc/self/status, such as `VmRSS:`, in KiB.
fn read_status_kib(name: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    parse_status_kib(&status, name)
}

fn parse_status_kib(status: &str, name: &str) -> Option<u64> {
    let line = status.lines().find(|line| line.starts_with(name))?;
    line[name.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_line_parses_in_kib() {
        let status = "Name:\tvitrina\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\n";
        assert_eq!(parse_status_kib(status, "VmRSS:"), Some(102_400));
        assert_eq!(parse_status_kib(status, "VmHWM:"), Some(204_800));
        assert_eq!(parse_status_kib(status, "VmSwap:"), None);
    }

    #[test]
    fn sampler_sees_this_process() {
        let sampler = RssSampler::start();
        std::thread::sleep(Duration::from_millis(250));
        assert!(sampler.stop() > 0);
    }
}
