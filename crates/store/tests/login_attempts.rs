//! Failed-login counting on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used)]

use chrono::Duration;
use store::identity::sessions;
use store::{Db, storage_test};

const LIMIT: i64 = 5;

storage_test!(attempts_stop_at_the_limit, async |db: Db| {
    let now = domain::time::now();
    let since = now - Duration::hours(1);
    for _ in 0..LIMIT {
        let attempt = sessions::reserve_attempt(&db, "Support", now, since, LIMIT).await;
        assert!(attempt.unwrap().is_some());
    }
    let rejected = sessions::reserve_attempt(&db, "support", now, since, LIMIT).await;
    assert_eq!(rejected.unwrap(), None);
    assert_eq!(
        sessions::failures_since(&db, "support", since)
            .await
            .unwrap(),
        LIMIT
    );

    let other = sessions::reserve_attempt(&db, "analyst", now, since, LIMIT).await;
    assert!(other.unwrap().is_some());
});

storage_test!(released_attempt_is_not_a_failure, async |db: Db| {
    let now = domain::time::now();
    let since = now - Duration::hours(1);
    let attempt = sessions::reserve_attempt(&db, "support", now, since, LIMIT)
        .await
        .unwrap()
        .unwrap();
    sessions::release_attempt(&db, attempt).await.unwrap();
    assert_eq!(
        sessions::failures_since(&db, "support", since)
            .await
            .unwrap(),
        0
    );
});

storage_test!(old_failures_do_not_count, async |db: Db| {
    let now = domain::time::now();
    let two_hours_ago = now - Duration::hours(2);
    for _ in 0..LIMIT {
        let old = sessions::reserve_attempt(&db, "support", two_hours_ago, two_hours_ago, LIMIT);
        assert!(old.await.unwrap().is_some());
    }
    let fresh = sessions::reserve_attempt(&db, "support", now, now - Duration::hours(1), LIMIT);
    assert!(fresh.await.unwrap().is_some());
});

storage_test!(concurrent_attempts_respect_the_limit, async |db: Db| {
    let now = domain::time::now();
    let since = now - Duration::hours(1);
    let mut tasks = Vec::new();
    for _ in 0..(LIMIT * 4) {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            sessions::reserve_attempt(&db, "support", now, since, LIMIT)
                .await
                .unwrap()
        }));
    }
    let mut reserved = 0;
    for task in tasks {
        if task.await.unwrap().is_some() {
            reserved += 1;
        }
    }
    assert_eq!(reserved, LIMIT);
    assert_eq!(
        sessions::failures_since(&db, "support", since)
            .await
            .unwrap(),
        LIMIT
    );
});
