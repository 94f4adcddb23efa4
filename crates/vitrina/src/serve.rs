//! `vitrina serve`: the web server, the background scheduler, the Zabbix sender and a
//! graceful stop.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use anyhow::{Context as _, bail};
use secrecy::{ExposeSecret, SecretString};
use store::Db;
use tokio::sync::{Notify, watch};
use web::AppState;
use web::identity::password;

use crate::config::Config;
use crate::mail::MailSender;
use crate::{analytics, database, demo, jobs, zabbix_sync};

/// Runs the server until Ctrl-C or SIGTERM, then stops the scheduler and the Zabbix sender
/// and closes the database.
pub async fn run(mut config: Config, with_demo: bool) -> anyhow::Result<()> {
    let db = database::open(&config).await?;
    check_zabbix_queue(&db, &config.zabbix_queue).await?;
    let events = database::open_events(&config).await?;
    analytics::backfill_rollups(&db, &events).await?;

    let generated_secret = with_demo && config.zabbix_webhook_secret.is_none();
    if generated_secret {
        config.zabbix_webhook_secret = Some(SecretString::from(password::random_token(24)));
    }
    // Demo data is loaded without the Zabbix API: its events exist in no Zabbix server.
    let plain_state = AppState::new(db.clone(), config.web())
        .map_err(|error| anyhow::anyhow!("cannot load translations: {error}"))?
        .with_events(events.clone());
    if with_demo {
        let outcome = demo::load(&plain_state)
            .await
            .context("cannot load demo data")?;
        demo::print_summary(&db, &outcome).await?;
    }
    let zabbix_wake = Arc::new(Notify::new());
    let zabbix_client = zabbix_client(&config)?;
    let state = match &zabbix_client {
        Some(client) => with_zabbix_api(plain_state, &config, client, &zabbix_wake),
        None => plain_state,
    };

    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| {
            format!(
                "cannot listen on {}; choose another address with --listen or VITRINA_LISTEN, \
                 or stop the program that uses it",
                config.listen
            )
        })?;
    let address = listener
        .local_addr()
        .context("cannot read the listening address")?;
    let url = format!("http://{}", browsable(address));
    if generated_secret && let Some(secret) = &config.zabbix_webhook_secret {
        print_webhook_example(&url, secret);
    }
    println!("Vitrina is listening on {url}/");

    tracing::info!(
        address = %address,
        engine = database::engine_name(&db),
        database = %config.database_label(),
        data_dir = %config.data_dir.display(),
        public_url = %config.public_url,
        zabbix_api = %config.zabbix_api.as_ref().map_or("off", |api| api.url.as_str()),
        "vitrina started"
    );

    let (stop_jobs, jobs_stopped) = watch::channel(false);
    let instance_id = format!("serve-{}", password::random_token(6));
    let zabbix_sender = zabbix_client.clone().map(|client| {
        let sender = zabbix_sync::Sender {
            db: state.db.clone(),
            client,
            public_url: config.public_url.clone(),
            i18n: state.i18n.clone(),
            holder: instance_id.clone(),
        };
        tokio::spawn(sender.run(zabbix_wake.clone(), jobs_stopped.clone()))
    });
    let mail = mail_sender(&config, &state, &instance_id)?;
    let settings = jobs::Settings {
        instance_id,
        auto_close_days: config.auto_close_days,
        zabbix: zabbix_client.clone(),
        metric_items: config.zabbix_metric_items.clone(),
        mail,
        escalation: store::notify::escalation::Settings {
            head_of_support: config.head_of_support.clone(),
            levels: domain::notify::escalation_levels_at(
                config.escalation_leads_minutes,
                config.escalation_head_minutes,
            ),
        },
    };
    let day_summaries = tokio::spawn(analytics::refresh_day_summaries(
        db.clone(),
        events.clone(),
        jobs_stopped.clone(),
    ));
    let scheduler = tokio::spawn(jobs::run(db.clone(), settings, jobs_stopped));

    let served = axum::serve(listener, web::router(state))
        .with_graceful_shutdown(shutdown_signal())
        .await;

    // The scheduler may be gone already; then there is nothing to tell it.
    let _ = stop_jobs.send(true);
    if let Err(error) = scheduler.await {
        tracing::error!(%error, "scheduler ended abnormally");
    }
    if let Err(error) = day_summaries.await {
        tracing::error!(%error, "day summary task ended abnormally");
    }
    if let Some(sender) = zabbix_sender
        && let Err(error) = sender.await
    {
        tracing::error!(%error, "zabbix sender ended abnormally");
    }
    events.close().await;
    db.close().await;
    tracing::info!(address = %address, "vitrina stopped");
    served.context("the HTTP server failed")
}

/// Builds the Zabbix API client when the API is configured; nothing is sent otherwise. The
/// webhook and the sender share it, and so one session.
pub(crate) fn zabbix_client(
    config: &Config,
) -> anyhow::Result<Option<Arc<integrations::zabbix::Client>>> {
    let Some(api) = &config.zabbix_api else {
        return Ok(None);
    };
    let client = integrations::zabbix::Client::new(integrations::zabbix::Config {
        url: api.url.clone(),
        auth: api.auth.clone(),
        timeout: zabbix_sync::CALL_TIMEOUT,
    })
    .with_context(|| format!("invalid zabbix_api_url {:?}", api.url))?;
    Ok(Some(Arc::new(client)))
}

/// Builds the mail sender; without SMTP settings it only renders queued mail.
fn mail_sender(config: &Config, state: &AppState, holder: &str) -> anyhow::Result<MailSender> {
    let mailer = match &config.smtp {
        Some(smtp) => {
            let mailer = integrations::mail::Mailer::new(smtp)
                .with_context(|| format!("invalid SMTP settings for {}", smtp.host))?;
            tracing::info!(server = mailer.endpoint(), "mail goes through SMTP");
            Some(Arc::new(mailer))
        }
        None => {
            tracing::info!("smtp_host is not set; mail stays queued in the outbox");
            None
        }
    };
    Ok(MailSender {
        db: state.db.clone(),
        mailer,
        i18n: state.i18n.clone(),
        public_url: config.public_url.clone(),
        holder: holder.to_string(),
    })
}

/// Returns `plain` with the Zabbix API on: ticket changes queue calls back to Zabbix and wake
/// the sender through `wake`, and the webhook reads problem start times from `client`.
fn with_zabbix_api(
    plain: AppState,
    config: &Config,
    client: &Arc<integrations::zabbix::Client>,
    wake: &Arc<Notify>,
) -> AppState {
    AppState {
        db: plain.db.clone().with_zabbix_outbox(wake.clone()),
        config: Arc::new(web::WebConfig {
            zabbix_api: Some(client.clone()),
            ..config.web()
        }),
        ..plain
    }
}

/// Fails unless the queue for Zabbix incidents exists, which would otherwise surface only
/// when the first delivery arrives.
async fn check_zabbix_queue(db: &Db, code: &str) -> anyhow::Result<()> {
    let queues = store::servicedesk::queues::list(db)
        .await
        .context("cannot list queues")?;
    if queues.iter().any(|queue| queue.code == code) {
        return Ok(());
    }
    let known: Vec<&str> = queues.iter().map(|queue| queue.code.as_str()).collect();
    bail!(
        "invalid zabbix_queue {code:?}: no such queue; choose one of {}",
        known.join(", ")
    )
}

/// Returns the address a browser on this machine can open: an unspecified listen address
/// (`0.0.0.0`, `[::]`) becomes loopback.
fn browsable(address: SocketAddr) -> SocketAddr {
    let ip = match address.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    SocketAddr::new(ip, address.port())
}

fn print_webhook_example(url: &str, secret: &SecretString) {
    let secret = secret.expose_secret();
    println!("Zabbix webhook secret generated for this run: {secret}");
    println!("Send a test problem:");
    println!(
        "  curl -s -X POST {url}/api/v1/integrations/zabbix/events \
         -H 'Authorization: Bearer {secret}' -H 'Content-Type: application/json' \
         -d '{{\"event_id\":\"1\",\"event_value\":\"1\",\"event_nseverity\":\"4\",\
         \"alert_subject\":\"Problem: проверка вебхука\",\"host_name\":\"Тестовый узел\"}}'"
    );
}

/// Waits for Ctrl-C or, on Unix, SIGTERM (what `docker stop` and systemd send).
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();

    tokio::select! {
        _ = ctrl_c => tracing::info!("Ctrl-C received, stopping"),
        _ = terminate => tracing::info!("SIGTERM received, stopping"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unspecified_address_becomes_loopback() {
        let any: SocketAddr = "0.0.0.0:8080".parse().unwrap();
        assert_eq!(browsable(any).to_string(), "127.0.0.1:8080");
        let any6: SocketAddr = "[::]:8080".parse().unwrap();
        assert_eq!(browsable(any6).to_string(), "[::1]:8080");
        let loopback: SocketAddr = "127.0.0.1:9000".parse().unwrap();
        assert_eq!(browsable(loopback), loopback);
    }
}
