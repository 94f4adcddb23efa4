//! Leases for background jobs, so that of several Vitrina instances on one database only
//! one runs a given job at a time.

use chrono::{DateTime, Duration, Utc};

use crate::{Db, Result, args};

/// Takes the lease on job `name` for `holder` until `now + ttl`, if no other holder has an
/// unexpired lease. Returns whether the lease was taken.
pub async fn try_lease(
    db: &Db,
    name: &str,
    holder: &str,
    now: DateTime<Utc>,
    ttl: Duration,
) -> Result<bool> {
    let mut tx = db.begin().await?;
    tx.execute(
        "INSERT INTO job_leases (name) VALUES ($1) ON CONFLICT (name) DO NOTHING",
        args![name],
    )
    .await?;
    let taken = tx
        .execute(
            "UPDATE job_leases SET holder = $1, leased_until = $2, last_started_at = $3 \
             WHERE name = $4 AND (holder IS NULL OR holder = $1 OR leased_until < $3)",
            args![holder, now + ttl, now, name],
        )
        .await?;
    tx.commit().await?;
    Ok(taken == 1)
}

/// Releases the lease and records how the run ended.
pub async fn release(
    db: &Db,
    name: &str,
    holder: &str,
    now: DateTime<Utc>,
    error: Option<&str>,
) -> Result<()> {
    db.execute(
        "UPDATE job_leases SET holder = NULL, leased_until = NULL, last_finished_at = $1, \
         last_error = $2 WHERE name = $3 AND holder = $4",
        args![now, error, name, holder],
    )
    .await?;
    Ok(())
}

/// Returns when job `name` last finished, if it ever did.
pub async fn last_finished(db: &Db, name: &str) -> Result<Option<DateTime<Utc>>> {
    let row: Option<(Option<DateTime<Utc>>,)> = db
        .fetch_optional(
            "SELECT last_finished_at FROM job_leases WHERE name = $1",
            args![name],
        )
        .await?;
    Ok(row.and_then(|(finished,)| finished))
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::storage_test!(second_holder_waits_for_expiry, async |db: Db| {
        let now = domain::time::now();
        let ttl = Duration::minutes(5);
        assert!(try_lease(&db, "auto_close", "a", now, ttl).await.unwrap());
        assert!(!try_lease(&db, "auto_close", "b", now, ttl).await.unwrap());
        let later = now + Duration::minutes(6);
        assert!(try_lease(&db, "auto_close", "b", later, ttl).await.unwrap());
    });

    crate::storage_test!(last_finished_after_release, async |db: Db| {
        let now = domain::time::now();
        assert_eq!(last_finished(&db, "job").await.unwrap(), None);
        assert!(
            try_lease(&db, "job", "a", now, Duration::minutes(5))
                .await
                .unwrap()
        );
        assert_eq!(last_finished(&db, "job").await.unwrap(), None);
        release(&db, "job", "a", now, None).await.unwrap();
        assert_eq!(last_finished(&db, "job").await.unwrap(), Some(now));
    });

    crate::storage_test!(released_lease_is_free, async |db: Db| {
        let now = domain::time::now();
        let ttl = Duration::minutes(5);
        assert!(try_lease(&db, "job", "a", now, ttl).await.unwrap());
        release(&db, "job", "a", now, Some("boom")).await.unwrap();
        assert!(try_lease(&db, "job", "b", now, ttl).await.unwrap());
    });
}
