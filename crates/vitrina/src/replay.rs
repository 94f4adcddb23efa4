//! `vitrina zabbix replay`: processes stored Zabbix deliveries again from their raw bodies.
//!
//! Only deliveries that did not finish (`failed`, or `received` after a crash) are
//! processed, so replaying twice changes nothing the second time: a processed delivery's
//! update comment would otherwise be added again.

use anyhow::Context as _;
use domain::servicedesk::zabbix::{self as rules, Parsed};
use store::Db;
use store::servicedesk::zabbix::{self as deliveries, StoredDelivery};

use crate::cli::ReplayArgs;
use crate::config::Config;
use crate::messages::explain;
use web::i18n::I18n;

/// Deliveries read per page when collecting failed ones.
const PAGE: i64 = 500;

/// Runs `zabbix replay`.
pub async fn run(db: &Db, config: &Config, args: ReplayArgs) -> anyhow::Result<()> {
    let targets = match args.id {
        Some(id) => {
            let delivery = deliveries::get(db, id)
                .await
                .context("cannot read the delivery")?
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "Zabbix delivery {id} not found; --failed replays every failed delivery"
                    )
                })?;
            vec![delivery]
        }
        None => failed(db).await?,
    };
    if targets.is_empty() {
        println!("No failed Zabbix deliveries to replay.");
        return Ok(());
    }

    let (mut replayed, mut skipped, mut errors) = (0, 0, 0);
    for delivery in targets {
        match replay(db, config, &delivery).await {
            Ok(Some(outcome)) => {
                replayed += 1;
                println!("Delivery {}: {outcome}", delivery.id);
            }
            Ok(None) => {
                skipped += 1;
                println!(
                    "Delivery {}: left alone, its status is {}",
                    delivery.id, delivery.status
                );
            }
            Err(error) => {
                errors += 1;
                tracing::error!(delivery_id = delivery.id, error = %format!("{error:#}"), "zabbix replay failed");
                println!("Delivery {}: failed again: {error:#}", delivery.id);
            }
        }
    }
    println!("Replayed {replayed}, left alone {skipped}, failed {errors}.");
    if errors > 0 {
        anyhow::bail!(
            "{errors} deliveries failed again; see the messages above, fix the cause and replay again"
        );
    }
    Ok(())
}

/// Lists every failed delivery, oldest first, so a problem is replayed before its update.
async fn failed(db: &Db) -> anyhow::Result<Vec<StoredDelivery>> {
    let mut all = Vec::new();
    let mut offset = 0;
    loop {
        let page = deliveries::list(db, Some("failed"), PAGE, offset)
            .await
            .context("cannot list failed deliveries")?;
        let count = page.len() as i64;
        all.extend(page);
        if count < PAGE {
            break;
        }
        offset += PAGE;
    }
    all.sort_by_key(|delivery| delivery.id);
    Ok(all)
}

fn i18n() -> anyhow::Result<std::sync::Arc<I18n>> {
    I18n::load().map_err(|error| anyhow::anyhow!("translations: {error}"))
}

/// Processes one delivery again. Returns `None` when its status leaves nothing to do.
async fn replay(
    db: &Db,
    config: &Config,
    stored: &StoredDelivery,
) -> anyhow::Result<Option<String>> {
    if !matches!(stored.status.as_str(), "failed" | "received") {
        return Ok(None);
    }
    let body: serde_json::Value =
        serde_json::from_str(&stored.body).context("the stored body is not JSON")?;
    let delivery = match rules::parse(&body) {
        Ok(Parsed::Event(delivery)) => delivery,
        Ok(Parsed::TestForm) => return Ok(None),
        Err(invalid) => {
            let reason = explain(&*i18n()?, invalid.into());
            anyhow::bail!("the stored body is not a valid delivery: {reason}")
        }
    };
    if !delivery.is_trigger_event() {
        return Ok(None);
    }
    let settings = config.web().zabbix;
    let event_time = delivery.event_instant(config.zabbix_server_zone);
    let outcome = deliveries::process(
        db,
        stored.id,
        &delivery,
        &stored.body_sha256,
        &settings,
        event_time,
        domain::time::now(),
    )
    .await
    .map_err(|error| match i18n() {
        Ok(i18n) => explain(&i18n, error),
        Err(load) => load,
    })?;
    tracing::info!(
        delivery_id = stored.id,
        zabbix_event_id = delivery.event_id,
        ticket_id = outcome.ticket_id,
        "zabbix delivery replayed"
    );
    let verb = if outcome.created {
        "created"
    } else {
        "updated"
    };
    Ok(Some(format!("{verb} ticket {}", outcome.number)))
}
