//! Group commit of event batches: concurrent intake requests queue their events, and a writer
//! task stores everything queued in one transaction, so many small requests share one commit
//! (and on SQLite one `fsync`) instead of waiting for one commit each.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use domain::analytics::rollup::Rollup;
use tokio::sync::{Mutex, mpsc, oneshot};

use super::events::{self, NewEvent, ShopZone};
use super::rollups;
use crate::{Db, Error, Result};

/// Maximum number of events one group transaction stores; more queued events wait for the
/// next transaction.
pub const GROUP_MAX_EVENTS: usize = 10_000;
/// Requests that may wait in the queue before senders wait for room.
const QUEUE_REQUESTS: usize = 1024;

struct Job {
    shop: ShopZone,
    events: Vec<NewEvent>,
    received_at: DateTime<Utc>,
    reply: oneshot::Sender<std::result::Result<u64, String>>,
}

/// A handle to the writer tasks; cheap to clone. The tasks end when every handle is dropped.
#[derive(Clone)]
pub struct EventWriter {
    sender: mpsc::Sender<Job>,
}

impl std::fmt::Debug for EventWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventWriter").finish_non_exhaustive()
    }
}

impl EventWriter {
    /// Starts `workers` writer tasks on the current Tokio runtime. SQLite has one writer
    /// connection, so one worker suffices there; PostgreSQL commits several groups at once.
    pub fn spawn(events_db: Db, workers: usize) -> EventWriter {
        let (sender, receiver) = mpsc::channel(QUEUE_REQUESTS);
        let receiver = Arc::new(Mutex::new(receiver));
        for _ in 0..workers.max(1) {
            tokio::spawn(run(events_db.clone(), receiver.clone()));
        }
        EventWriter { sender }
    }

    /// Stores a shop's events and returns how many were new, once they are committed.
    pub async fn insert(
        &self,
        shop: ShopZone,
        events: Vec<NewEvent>,
        received_at: DateTime<Utc>,
    ) -> Result<u64> {
        let (reply, answer) = oneshot::channel();
        let job = Job {
            shop,
            events,
            received_at,
            reply,
        };
        self.sender
            .send(job)
            .await
            .map_err(|_| Error::EventWriter("the writer has stopped".into()))?;
        answer
            .await
            .map_err(|_| Error::EventWriter("the writer dropped the request".into()))?
            .map_err(Error::EventWriter)
    }
}

async fn run(events_db: Db, receiver: Arc<Mutex<mpsc::Receiver<Job>>>) {
    loop {
        let jobs = {
            let mut receiver = receiver.lock().await;
            let Some(first) = receiver.recv().await else {
                return;
            };
            let mut queued = first.events.len();
            let mut jobs = vec![first];
            while queued < GROUP_MAX_EVENTS {
                let Ok(job) = receiver.try_recv() else {
                    break;
                };
                queued += job.events.len();
                jobs.push(job);
            }
            jobs
        };
        write_group(&events_db, jobs).await;
    }
}

/// Commits the jobs together. When the group fails, each job is retried in a transaction of
/// its own, so one bad request cannot fail the others.
// NOTE: no test makes a group commit fail, so the per-request retry has not been run.
async fn write_group(events_db: &Db, jobs: Vec<Job>) {
    match insert_all(events_db, &jobs).await {
        Ok(counts) => {
            for (job, inserted) in jobs.into_iter().zip(counts) {
                // The requester may have gone; its events are stored all the same.
                let _ = job.reply.send(Ok(inserted));
            }
        }
        Err(error) if jobs.len() > 1 => {
            tracing::warn!(%error, jobs = jobs.len(), "group commit of events failed, retrying each request");
            for job in jobs {
                let result = events::insert(events_db, job.shop, &job.events, job.received_at)
                    .await
                    .map_err(|error| {
                        tracing::error!(%error, shop_id = job.shop.id, "storing events failed");
                        error.to_string()
                    });
                let _ = job.reply.send(result);
            }
        }
        Err(error) => {
            let shop_id = jobs.first().map(|job| job.shop.id);
            tracing::error!(%error, ?shop_id, "storing events failed");
            for job in jobs {
                let _ = job.reply.send(Err(error.to_string()));
            }
        }
    }
}

async fn insert_all(events_db: &Db, jobs: &[Job]) -> Result<Vec<u64>> {
    let mut tx = events_db.begin().await?;
    let mut counts = Vec::with_capacity(jobs.len());
    let mut rollups: BTreeMap<i64, Rollup> = BTreeMap::new();
    for job in jobs {
        let (inserted, rollup) =
            events::insert_rows_in(&mut tx, job.shop, &job.events, job.received_at).await?;
        counts.push(inserted);
        rollups.entry(job.shop.id).or_default().merge(rollup);
    }
    for (shop_id, rollup) in &rollups {
        rollups::add_in(&mut tx, *shop_id, rollup).await?;
    }
    tx.commit().await?;
    Ok(counts)
}
