//! `vitrina bench ingest`: a load client for `POST /api/v1/events`. Without `--url` it starts
//! the real router in this process on 127.0.0.1 over the configured databases, creates a shop
//! for the run and reports the storage used as well. `vitrina bench queries` is in
//! [`queries`].

mod queries;

pub use queries::run as queries;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use store::Db;
use store::shops::{self, NewShop};
use web::AppState;

use crate::cli::{BenchIngestArgs, BenchMode};
use crate::config::Config;
use crate::database;

/// A server started by the benchmark in this process.
struct Local {
    events: Db,
    shop_id: i64,
    server: tokio::task::JoinHandle<()>,
}

/// Counts and latencies of one load task.
#[derive(Default)]
struct Measured {
    requests: u64,
    failed: u64,
    accepted: u64,
    latencies: Vec<Duration>,
}

/// Runs the ingestion benchmark and prints its results.
pub async fn ingest(config: &Config, args: &BenchIngestArgs) -> anyhow::Result<()> {
    let batch_size = match args.mode {
        BenchMode::Batch => args.batch_size.clamp(1, 1000),
        BenchMode::Single => 1,
    };
    let concurrency = args.concurrency.unwrap_or(match args.mode {
        BenchMode::Batch => 4,
        BenchMode::Single => 32,
    });
    let (url, key, local) = match (&args.url, &args.key) {
        (Some(url), Some(key)) => (url.trim_end_matches('/').to_string(), key.clone(), None),
        (None, None) => {
            let (url, key, local) = start_local(config).await?;
            (url, key, Some(local))
        }
        _ => bail!("invalid options: give --url and --key together, or neither"),
    };

    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .build()
        .context("cannot build the HTTP client")?;
    let run_id = web::identity::password::random_token(4);
    let counter = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let deadline = started + Duration::from_secs(args.seconds);
    let mut tasks = Vec::with_capacity(concurrency);
    for _ in 0..concurrency {
        let load = Load {
            client: client.clone(),
            url: format!("{url}/api/v1/events"),
            key: key.clone(),
            run_id: run_id.clone(),
            counter: counter.clone(),
            batch_size,
        };
        tasks.push(tokio::spawn(load.run(deadline)));
    }
    let mut total = Measured::default();
    for task in tasks {
        let measured = task.await.context("a load task failed")?;
        total.requests += measured.requests;
        total.failed += measured.failed;
        total.accepted += measured.accepted;
        total.latencies.extend(measured.latencies);
    }
    let elapsed = started.elapsed().as_secs_f64();
    report(args, batch_size, concurrency, elapsed, &mut total);

    if let Some(local) = local {
        storage(config, &local.events, Some(local.shop_id)).await?;
        local.server.abort();
        local.events.close().await;
    }
    Ok(())
}

async fn start_local(config: &Config) -> anyhow::Result<(String, String, Local)> {
    let db = database::open(config).await?;
    let events = database::open_events(config).await?;
    let slug = format!(
        "bench-{}",
        web::identity::password::random_token(4).to_lowercase()
    );
    let new = NewShop {
        slug: slug.chars().filter(char::is_ascii_alphanumeric).collect(),
        name: "Benchmark".into(),
        time_zone: "Europe/Moscow".into(),
        client_id: None,
    };
    let (shop, key) = shops::create(&db, &new, domain::time::now())
        .await
        .context("cannot create the benchmark shop")?;
    let (url, server) = serve_local(config, db, &events).await?;
    let local = Local {
        events,
        shop_id: shop.id,
        server,
    };
    Ok((url, key, local))
}

/// Serves the real router over `db` and `events` on a free port of 127.0.0.1 in this process,
/// and returns its URL with the server task.
async fn serve_local(
    config: &Config,
    db: Db,
    events: &Db,
) -> anyhow::Result<(String, tokio::task::JoinHandle<()>)> {
    let state = AppState::new(db, config.web())
        .map_err(|error| anyhow::anyhow!("cannot load translations: {error}"))?
        .with_events(events.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .context("cannot listen on 127.0.0.1")?;
    let url = format!("http://{}", listener.local_addr()?);
    let server = tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, web::router(state)).await {
            tracing::error!(%error, "benchmark server failed");
        }
    });
    Ok((url, server))
}

/// One load task: sends batches until the deadline.
struct Load {
    client: reqwest::Client,
    url: String,
    key: String,
    run_id: String,
    counter: Arc<AtomicU64>,
    batch_size: usize,
}

impl Load {
    async fn run(self, deadline: Instant) -> Measured {
        let mut measured = Measured::default();
        while Instant::now() < deadline {
            let first = self
                .counter
                .fetch_add(self.batch_size as u64, Ordering::Relaxed);
            let body = batch_body(&self.run_id, first, self.batch_size);
            let sent = Instant::now();
            let response = self
                .client
                .post(&self.url)
                .bearer_auth(&self.key)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await;
            measured.requests += 1;
            let accepted = match response {
                Ok(response) if response.status() == reqwest::StatusCode::ACCEPTED => response
                    .json::<serde_json::Value>()
                    .await
                    .ok()
                    .and_then(|value| value["accepted"].as_u64()),
                Ok(response) => {
                    tracing::warn!(status = %response.status(), "benchmark request rejected");
                    None
                }
                Err(error) => {
                    tracing::warn!(%error, "benchmark request failed");
                    None
                }
            };
            measured.latencies.push(sent.elapsed());
            match accepted {
                Some(accepted) => measured.accepted += accepted,
                None => measured.failed += 1,
            }
        }
        measured
    }
}

/// Builds `{"events": [...]}` with `count` events of about 300 bytes each, shaped like the
/// storefront example: mostly product views, every 50th a purchase.
fn batch_body(run_id: &str, first: u64, count: usize) -> String {
    let time = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let mut body = String::with_capacity(count * 360 + 16);
    body.push_str("{\"events\":[");
    for offset in 0..count as u64 {
        let n = first + offset;
        if offset > 0 {
            body.push(',');
        }
        let product = n % 500;
        let (kind, order) = if n.is_multiple_of(50) {
            (
                "purchase",
                format!(",\"order_id\":\"B-{run_id}-{n}\",\"revenue_kopecks\":1999000"),
            )
        } else {
            ("product_view", String::new())
        };
        body.push_str(&format!(
            "{{\"id\":\"{run_id}-{n}\",\"type\":\"{kind}\",\"time\":\"{time}\",\
             \"visitor\":\"v-{}\",\"session\":\"s-{}\",\"url\":\"/catalog/phones/x{product}\",\
             \"referrer\":\"https://ya.ru/\",\"user_agent\":\"Mozilla/5.0 (Windows NT 10.0; \
             Win64; x64) AppleWebKit/537.36 Chrome/124.0 Safari/537.36\",\"ip\":\"203.0.113.7\",\
             \"product_id\":\"x{product}\",\"category\":\"electronics.smartphone\",\
             \"price_kopecks\":1999000,\"quantity\":1,\"currency\":\"RUB\"{order}}}",
            n % 50_000,
            n % 100_000
        ));
    }
    body.push_str("]}");
    body
}

fn report(
    args: &BenchIngestArgs,
    batch_size: usize,
    concurrency: usize,
    elapsed: f64,
    total: &mut Measured,
) {
    total.latencies.sort();
    let percentile = |p: f64| percentile(&total.latencies, p);
    println!(
        "mode {:?}: {batch_size} events per request, concurrency {concurrency}, {:.1} s",
        args.mode, elapsed
    );
    println!(
        "requests {} (failed {}), events accepted {}",
        total.requests, total.failed, total.accepted
    );
    println!(
        "throughput {:.0} events/s, {:.0} requests/s",
        total.accepted as f64 / elapsed,
        total.requests as f64 / elapsed
    );
    println!(
        "latency ms: p50 {:.2}, p95 {:.2}, p99 {:.2}, max {:.2}",
        percentile(0.50),
        percentile(0.95),
        percentile(0.99),
        percentile(1.0)
    );
}

/// Returns the `p` quantile (0 to 1) of sorted latencies in milliseconds, by the nearest
/// rank; 0 for no latencies.
fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)].as_secs_f64() * 1000.0
}

/// Prints the storage the events database uses per million stored events, and the events of
/// `shop_id` when given.
async fn storage(config: &Config, events: &Db, shop_id: Option<i64>) -> anyhow::Result<()> {
    let all: i64 = events
        .fetch_scalar("SELECT COUNT(*) FROM events", Vec::new())
        .await?;
    let bytes: i64 = match events.engine() {
        store::Engine::Sqlite => {
            let file = config.data_dir.join(crate::config::EVENTS_SQLITE_FILE);
            let size = |path: std::path::PathBuf| std::fs::metadata(path).map_or(0, |m| m.len());
            let wal = file.with_extension("db-wal");
            i64::try_from(size(file) + size(wal)).unwrap_or(i64::MAX)
        }
        store::Engine::Postgres => {
            events
                .fetch_scalar("SELECT pg_total_relation_size('events')", Vec::new())
                .await?
        }
    };
    if let Some(shop_id) = shop_id {
        let stored = store::analytics::events::count(events, shop_id).await?;
        println!("events stored by this run {stored}, in the events table {all}");
    }
    if all > 0 {
        let per_million = bytes as f64 / all as f64 * 1_000_000.0 / (1024.0 * 1024.0);
        println!(
            "storage {:.1} MiB for {all} events: {per_million:.0} MiB per million events",
            bytes as f64 / (1024.0 * 1024.0)
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn millis(values: &[u64]) -> Vec<Duration> {
        values.iter().map(|ms| Duration::from_millis(*ms)).collect()
    }

    #[test]
    fn percentile_picks_nearest_rank() {
        let sorted = millis(&(1..=100).collect::<Vec<_>>());
        assert_eq!(percentile(&sorted, 0.50), 51.0);
        assert_eq!(percentile(&sorted, 0.95), 95.0);
        assert_eq!(percentile(&sorted, 0.99), 99.0);
        assert_eq!(percentile(&sorted, 1.0), 100.0);
    }

    #[test]
    fn percentile_of_one_or_none() {
        assert_eq!(percentile(&millis(&[7]), 0.95), 7.0);
        assert_eq!(percentile(&[], 0.95), 0.0);
    }
}
