//! The `vitrina` binary: parses the command line, sets up logging and configuration, and
//! runs the subcommand. Failures end as one line on stderr and exit code 1.

#![cfg_attr(test, allow(clippy::unwrap_used))]

mod analytics;
mod backup;
mod bench;
mod cli;
mod config;
mod database;
mod demo;
mod host_sync;
mod jobs;
mod logging;
mod mail;
mod messages;
mod metric_import;
mod metrics;
mod replay;
mod serve;
mod tokens;
mod users;
mod zabbix_sync;

use std::process::ExitCode;

/// mimalloc instead of the system allocator: event intake allocates many short-lived
/// strings, and in a `perf` profile of `vitrina bench ingest` glibc's malloc and free took
/// about a quarter of the time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::Parser;

use cli::{BenchCommand, Cli, Command, ImportCommand, LogFormat, ZabbixCommand};
use config::Config;

fn main() -> ExitCode {
    let cli = Cli::parse();
    logging::init(cli.global.log_format.unwrap_or(LogFormat::Text));
    integrations::tls::install_crypto_provider();

    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => return fail(anyhow::anyhow!("cannot start the async runtime: {error}")),
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => fail(error),
    }
}

/// Prints the error with its causes on one line.
fn fail(error: anyhow::Error) -> ExitCode {
    eprintln!("error: {}", one_line(&error));
    ExitCode::FAILURE
}

/// Joins the error's causes with `: `, leaving out a cause whose text its parent's message
/// already ends with, as storage errors repeat the driver error they wrap.
fn one_line(error: &anyhow::Error) -> String {
    let mut message = String::new();
    for cause in error.chain() {
        let text = cause.to_string().replace('\n', " ");
        if message.ends_with(&text) {
            continue;
        }
        if !message.is_empty() {
            message.push_str(": ");
        }
        message.push_str(&text);
    }
    message
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let listen = match &cli.command {
        Command::Serve(args) => args.listen.as_deref(),
        _ => None,
    };
    let config = Config::load(&cli.global, listen)?;
    if let Some(file) = &config.file {
        tracing::debug!(file = %file.display(), "configuration file read");
    }

    match cli.command {
        Command::Serve(args) => serve::run(config, args.demo).await,
        command => {
            let db = database::open(&config).await?;
            let result = run_with_database(&db, &config, command).await;
            db.close().await;
            result
        }
    }
}

async fn run_with_database(
    db: &store::Db,
    config: &Config,
    command: Command,
) -> anyhow::Result<()> {
    match command {
        // `run` sends `serve` elsewhere, since it keeps the database open for its lifetime.
        Command::Serve(_) => anyhow::bail!("serve cannot run here"),
        Command::Migrate => {
            println!(
                "Database {} is up to date ({} engine).",
                config.database_label(),
                database::engine_name(db)
            );
            Ok(())
        }
        Command::Demo(args) => match args.events {
            Some(events) => demo_traffic(db, config, &args, events).await,
            None => {
                let events_db = database::open_events(config).await?;
                let state = web::AppState::new(db.clone(), config.web())
                    .map_err(|error| anyhow::anyhow!("cannot load translations: {error}"))?
                    .with_events(events_db.clone());
                let outcome = demo::load(&state).await;
                drop(state);
                events_db.close().await;
                demo::print_summary(db, &outcome?).await
            }
        },
        Command::User(command) => users::run(db, command).await,
        Command::Token(command) => tokens::run(db, command).await,
        Command::Zabbix(ZabbixCommand::Replay(args)) => replay::run(db, config, args).await,
        Command::Zabbix(ZabbixCommand::SyncHosts) => host_sync::run(db, config).await,
        Command::Zabbix(ZabbixCommand::ImportMetrics(args)) => {
            metric_import::run(db, config, args.source, &args.since).await
        }
        Command::Backup(args) => backup::run(db, config, &args.dest).await,
        Command::Import(ImportCommand::Metrics(args)) => metrics::import(db, &args).await,
        Command::Import(ImportCommand::Rates(args)) => {
            analytics::import_rates(db, config, &args).await
        }
        Command::Import(ImportCommand::Rees46(args)) => {
            analytics::import_rees46(db, config, &args).await
        }
        Command::Shop(command) => analytics::shop(db, command).await,
        Command::Bench(BenchCommand::Ingest(args)) => bench::ingest(config, &args).await,
        Command::Bench(BenchCommand::Queries(args)) => bench::queries(config, &args).await,
        Command::Forecast(args) => metrics::forecast(db, &args).await,
        Command::Timeleft(args) => metrics::timeleft(db, &args).await,
    }
}

/// Writes generated storefront traffic through the ingestion endpoint's event writer.
async fn demo_traffic(
    db: &store::Db,
    config: &Config,
    args: &cli::DemoArgs,
    events: u64,
) -> anyhow::Result<()> {
    let events_db = database::open_events(config).await?;
    let state = web::AppState::new(db.clone(), config.web())
        .map_err(|error| anyhow::anyhow!("cannot load translations: {error}"))?
        .with_events(events_db.clone());
    let writer = state
        .event_writer
        .clone()
        .ok_or_else(|| anyhow::anyhow!("the event writer did not start"))?;
    let options = demo::traffic::Options {
        events,
        shops: args.shops,
        days: args.days,
        seed: args.seed,
        end: domain::time::now(),
    };
    let result = demo::traffic::run(db, &writer, &options).await;
    drop((writer, state));
    events_db.close().await;
    result.map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_skips_repeated_cause() {
        let inner = anyhow::anyhow!("pool timed out");
        let error = inner
            .context("database error: pool timed out")
            .context("cannot open the database");
        assert_eq!(
            one_line(&error),
            "cannot open the database: database error: pool timed out"
        );
    }

    #[test]
    fn one_line_joins_lines() {
        let error = anyhow::anyhow!("first\nsecond");
        assert_eq!(one_line(&error), "first second");
    }
}
