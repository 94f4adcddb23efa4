//! `vitrina shop …`, `vitrina import rates` and `vitrina import rees46`: shops with their
//! ingestion keys, Bank of Russia rates and REES46 clickstream files.

use std::collections::HashMap;
use std::path::Path;

use anyhow::Context as _;
use domain::Invalid;
use domain::analytics::bots::BotRules;
use domain::analytics::context::describe;
use domain::analytics::rates::{self as rate_rows, RateRow};
use domain::analytics::rees46::{self, Duplicates, SessionOrders};
use store::Db;
use store::analytics::events::{self, NewEvent, ShopZone};
use store::analytics::{day_summaries, rollups};
use store::shops::{self, NewShop};
use web::i18n::{Arg, I18n, Lang};

use crate::cli::{ImportRatesArgs, ImportRees46Args, ShopAddArgs, ShopCommand};
use crate::config::Config;
use crate::messages::explain;

/// Events stored per transaction by the REES46 import.
const IMPORT_BATCH: usize = 5_000;
/// Rejected rows listed one by one; the rest are only counted.
const REJECTED_LISTED: usize = 20;

fn translations() -> anyhow::Result<std::sync::Arc<I18n>> {
    I18n::load().map_err(|error| anyhow::anyhow!("translations: {error}"))
}

/// Formats a rule violation in English.
fn reason(i18n: &I18n, error: &Invalid) -> String {
    let args: Vec<(&str, Arg)> = error
        .args
        .iter()
        .map(|(name, value)| (*name, Arg::Text(value.clone())))
        .collect();
    i18n.format(Lang::En, error.key, &args)
}

/// Runs a `shop` subcommand.
pub async fn shop(db: &Db, command: ShopCommand) -> anyhow::Result<()> {
    match command {
        ShopCommand::Add(args) => add_shop(db, &args).await,
        ShopCommand::List => list_shops(db).await,
    }
}

/// Creates a shop and prints its ingestion key alone on stdout.
async fn add_shop(db: &Db, args: &ShopAddArgs) -> anyhow::Result<()> {
    let i18n = translations()?;
    let new = NewShop {
        slug: args.slug.clone(),
        name: args.name.clone(),
        time_zone: args.tz.clone(),
        client_id: args.client,
    };
    let (shop, key) = shops::create(db, &new, domain::time::now())
        .await
        .map_err(|error| explain(&i18n, error))?;
    tracing::info!(shop_id = shop.id, slug = %shop.slug, prefix = %shop.ingestion_key_prefix, "shop created with an ingestion key");
    println!("{key}");
    Ok(())
}

async fn list_shops(db: &Db) -> anyhow::Result<()> {
    let found = shops::list(db).await?;
    println!("ID\tSLUG\tZONE\tCLIENT\tKEY\tNAME");
    for shop in found {
        let client = shop
            .client_id
            .map_or_else(|| "-".to_string(), |id| id.to_string());
        println!(
            "{}\t{}\t{}\t{client}\t{}…\t{}",
            shop.id, shop.slug, shop.time_zone, shop.ingestion_key_prefix, shop.name
        );
    }
    Ok(())
}

fn csv_reader(file: &Path) -> anyhow::Result<csv::Reader<std::fs::File>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(file)
        .with_context(|| format!("cannot read {}", file.display()))
}

/// Imports a rates file. Rejected rows are listed; the others are stored.
/// Stored day summaries are queued again, since revenue in other currencies may change.
pub async fn import_rates(db: &Db, config: &Config, args: &ImportRatesArgs) -> anyhow::Result<()> {
    let i18n = translations()?;
    let mut reader = csv_reader(&args.file)?;
    let mut records = reader.records();
    let header = records
        .next()
        .transpose()
        .with_context(|| format!("cannot read {}", args.file.display()))?
        .ok_or_else(|| anyhow::anyhow!("{} is empty", args.file.display()))?;
    let layout = rate_rows::parse_header(header.iter())
        .map_err(|error| anyhow::anyhow!("invalid file: {}", reason(&i18n, &error)))?;

    let mut rows: Vec<RateRow> = Vec::new();
    let mut rejected: Vec<String> = Vec::new();
    for record in records {
        let record = record.with_context(|| format!("cannot read {}", args.file.display()))?;
        let line = record.position().map_or(0, |position| position.line());
        match rate_rows::parse_row(layout, record.iter(), line) {
            Ok(row) => rows.push(row),
            Err(error) => rejected.push(reason(&i18n, &error)),
        }
    }
    let stored = store::analytics::rates::upsert(db, &rows)
        .await
        .map_err(|error| explain(&i18n, error))?;
    if stored > 0 {
        let events_db = crate::database::open_events(config).await?;
        day_summaries::queue_all(&events_db).await?;
        events_db.close().await;
    }
    tracing::info!(stored, rejected = rejected.len(), "exchange rates imported");
    println!(
        "Imported {stored} rates. Rejected rows: {}.",
        rejected.len()
    );
    for message in rejected {
        println!("  {message}");
    }
    Ok(())
}

/// Counts of a REES46 import.
#[derive(Debug, Default)]
struct Rees46Report {
    rows: u64,
    stored: u64,
    already_stored: u64,
    rejected: Vec<String>,
    duplicates: u64,
}

/// How often the background task computes queued day summaries.
const DAY_SUMMARY_INTERVAL: std::time::Duration = std::time::Duration::from_secs(2);
/// Queued days the background task computes per round.
const DAY_SUMMARY_BATCH: i64 = 500;

/// Computes queued day summaries every two seconds until `stopped` turns true, so that a
/// summary request finds few days left to compute.
pub async fn refresh_day_summaries(
    db: Db,
    events_db: Db,
    mut stopped: tokio::sync::watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(DAY_SUMMARY_INTERVAL) => {}
            _ = stopped.changed() => return,
        }
        if *stopped.borrow() {
            return;
        }
        if let Err(error) = refresh_round(&db, &events_db).await {
            tracing::warn!(error = format!("{error:#}"), "day summaries not computed");
        }
    }
}

/// Computes every queued day summary and returns how many days were computed.
pub async fn compute_queued_day_summaries(db: &Db, events_db: &Db) -> anyhow::Result<usize> {
    let mut total = 0;
    loop {
        let computed = refresh_round(db, events_db).await?;
        if computed == 0 {
            return Ok(total);
        }
        total += computed;
    }
}

async fn refresh_round(db: &Db, events_db: &Db) -> anyhow::Result<usize> {
    if day_summaries::queued(events_db).await? == 0 {
        return Ok(0);
    }
    let mut zones = HashMap::new();
    for shop in shops::list(db).await? {
        zones.insert(shop.id, shop.zone()?);
    }
    let rates = store::analytics::rates::load(db).await?;
    let computed = day_summaries::refresh(
        events_db,
        &zones,
        chrono_tz::Europe::Moscow,
        &rates,
        day_summaries::Scope::default(),
        DAY_SUMMARY_BATCH,
    )
    .await?;
    tracing::debug!(computed, "day summaries computed");
    Ok(computed)
}

/// Rebuilds the rollups of every shop that has stored events but no rollup rows, such as
/// events stored before the rollups existed. New events are rolled up as they are stored.
// NOTE: two instances starting at once may both rebuild a shop; each rebuild replaces the
// shop's rows in one transaction, so the result is the same unless events arrive meanwhile.
pub async fn backfill_rollups(db: &Db, events_db: &Db) -> anyhow::Result<()> {
    for shop in shops::list(db).await? {
        if !rollups::missing(events_db, shop.id).await? {
            continue;
        }
        let counted = rollups::rebuild(events_db, shop.id, shop.zone()?)
            .await
            .with_context(|| format!("cannot rebuild the rollups of shop {}", shop.slug))?;
        tracing::info!(shop_id = shop.id, events = counted, "rollups backfilled");
    }
    Ok(())
}

/// Imports a REES46 file into a shop's events. The file is read twice: first for the order
/// totals of sessions, whose purchase events carry them, then to store the events.
pub async fn import_rees46(
    db: &Db,
    config: &Config,
    args: &ImportRees46Args,
) -> anyhow::Result<()> {
    let i18n = translations()?;
    let shop = shops::find_by_slug(db, &args.shop).await?.ok_or_else(|| {
        anyhow::anyhow!(
            "invalid --shop: shop {:?} was not found; create it with `vitrina shop add`",
            args.shop
        )
    })?;
    let orders = session_orders(&i18n, &args.file)?;

    let target = ShopZone {
        id: shop.id,
        zone: shop.zone()?,
    };
    let events_db = crate::database::open_events(config).await?;
    let result = store_rees46(&events_db, &i18n, target, &args.file, &orders).await;
    events_db.close().await;
    let report = result?;

    tracing::info!(
        shop_id = shop.id,
        rows = report.rows,
        stored = report.stored,
        duplicates = report.duplicates,
        rejected = report.rejected.len(),
        "REES46 file imported"
    );
    println!(
        "Read {} rows into shop {}: {} events stored, {} already stored before.",
        report.rows, shop.slug, report.stored, report.already_stored
    );
    println!("Exact duplicate rows dropped: {}.", report.duplicates);
    println!("Rejected rows: {}.", report.rejected.len());
    for message in report.rejected.iter().take(REJECTED_LISTED) {
        println!("  {message}");
    }
    if report.rejected.len() > REJECTED_LISTED {
        println!("  … and {} more", report.rejected.len() - REJECTED_LISTED);
    }
    Ok(())
}

/// Opens a REES46 file and checks its header; returns the reader positioned at the data.
fn rees46_records(
    i18n: &I18n,
    file: &Path,
) -> anyhow::Result<csv::StringRecordsIntoIter<std::fs::File>> {
    let mut records = csv_reader(file)?.into_records();
    let header = records
        .next()
        .transpose()
        .with_context(|| format!("cannot read {}", file.display()))?
        .ok_or_else(|| anyhow::anyhow!("{} is empty", file.display()))?;
    rees46::check_header(header.iter())
        .map_err(|error| anyhow::anyhow!("invalid file: {}", reason(i18n, &error)))?;
    Ok(records)
}

/// First pass: the order total of every session, without exact duplicate rows.
fn session_orders(i18n: &I18n, file: &Path) -> anyhow::Result<SessionOrders> {
    let mut orders = SessionOrders::default();
    let mut duplicates = Duplicates::default();
    for record in rees46_records(i18n, file)? {
        let record = record.with_context(|| format!("cannot read {}", file.display()))?;
        let line = record.position().map_or(0, |position| position.line());
        if let Ok(row) = rees46::parse_row(record.iter(), line)
            && duplicates.first_time(&row)
        {
            orders.add(&row);
        }
    }
    Ok(orders)
}

/// Second pass: maps rows to events and stores them in batches.
async fn store_rees46(
    events_db: &Db,
    i18n: &I18n,
    shop: ShopZone,
    file: &Path,
    orders: &SessionOrders,
) -> anyhow::Result<Rees46Report> {
    let rules = BotRules::default();
    let mut report = Rees46Report::default();
    let mut duplicates = Duplicates::default();
    let mut batch: Vec<NewEvent> = Vec::with_capacity(IMPORT_BATCH);
    for record in rees46_records(i18n, file)? {
        let record = record.with_context(|| format!("cannot read {}", file.display()))?;
        let line = record.position().map_or(0, |position| position.line());
        report.rows += 1;
        let row = match rees46::parse_row(record.iter(), line) {
            Ok(row) => row,
            Err(error) => {
                report.rejected.push(reason(i18n, &error));
                continue;
            }
        };
        if !duplicates.first_time(&row) {
            continue;
        }
        let event = row.into_event(orders);
        batch.push(NewEvent {
            context: describe(&event, &rules, None),
            session_given: event.session.is_some(),
            event,
        });
        if batch.len() >= IMPORT_BATCH {
            flush(events_db, shop, &mut batch, &mut report).await?;
        }
    }
    flush(events_db, shop, &mut batch, &mut report).await?;
    report.duplicates = duplicates.dropped;
    Ok(report)
}

async fn flush(
    events_db: &Db,
    shop: ShopZone,
    batch: &mut Vec<NewEvent>,
    report: &mut Rees46Report,
) -> anyhow::Result<()> {
    let stored = events::insert(events_db, shop, batch, domain::time::now())
        .await
        .context("cannot store the events")?;
    report.stored += stored;
    report.already_stored += batch.len() as u64 - stored;
    batch.clear();
    Ok(())
}

#[cfg(test)]
#[path = "analytics_tests.rs"]
mod tests;
