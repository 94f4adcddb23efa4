//! The background task of `serve` that computes queued day summaries, on both engines.

use std::time::Duration as StdDuration;

use chrono::{NaiveDate, TimeZone, Utc};
use domain::analytics::bots::BotRules;
use domain::analytics::context::describe;
use domain::analytics::validate::validate_event;
use serde_json::json;
use store::analytics::day_summaries::{self, DayRange};
use store::analytics::events::{self, NewEvent, ShopZone};
use store::shops::{self, NewShop};
use store::{Db, analytics_test};

use super::refresh_day_summaries;

/// Upper bound on waiting for the task, so a broken task fails the test instead of hanging.
const PATIENCE: StdDuration = StdDuration::from_secs(60);

fn view(id: &str, time: &str, visitor: &str) -> NewEvent {
    let received = Utc.with_ymd_and_hms(2026, 3, 10, 12, 0, 0).unwrap();
    let value = json!({"id": id, "type": "product_view", "time": time, "visitor": visitor});
    let event = validate_event(value, received).unwrap();
    NewEvent {
        context: describe(&event, &BotRules::default(), None),
        event,
        session_given: false,
    }
}

analytics_test!(
    background_task_computes_queue,
    async |db: Db, events_db: Db| {
        let new = NewShop {
            slug: "flowers".into(),
            name: "Цветы".into(),
            time_zone: "Europe/Moscow".into(),
            client_id: None,
        };
        let (shop, _key) = shops::create(&db, &new, Utc::now()).await.unwrap();
        let target = ShopZone {
            id: shop.id,
            zone: chrono_tz::Europe::Moscow,
        };
        let stored = [
            view("e1", "2026-03-01T10:00:00Z", "v1"),
            view("e2", "2026-03-01T11:00:00Z", "v2"),
            view("e3", "2026-03-02T10:00:00Z", "v1"),
        ];
        events::insert(&events_db, target, &stored, Utc::now())
            .await
            .unwrap();
        assert_eq!(day_summaries::queued(&events_db).await.unwrap(), 2);

        let (stop, stopped) = tokio::sync::watch::channel(false);
        let task = tokio::spawn(refresh_day_summaries(
            db.clone(),
            events_db.clone(),
            stopped,
        ));
        let emptied = tokio::time::timeout(PATIENCE, async {
            while day_summaries::queued(&events_db).await.unwrap() > 0 {
                tokio::time::sleep(StdDuration::from_millis(100)).await;
            }
        })
        .await;
        assert!(emptied.is_ok(), "the task left days queued");

        let range = DayRange {
            shop_id: Some(shop.id),
            from: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
            to: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
            include_bots: false,
            sketches: false,
        };
        let days = day_summaries::read(&events_db, &range).await.unwrap();
        let views: Vec<(NaiveDate, u64)> = days
            .iter()
            .map(|day| (day.day, day.summary.product_views))
            .collect();
        assert_eq!(
            views,
            [
                (NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(), 2),
                (NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(), 1),
            ]
        );
        assert_eq!(days[0].summary.visitors, 2);

        stop.send(true).unwrap();
        let ended = tokio::time::timeout(PATIENCE, task).await;
        assert!(ended.is_ok(), "the task did not stop when told to");
    }
);
