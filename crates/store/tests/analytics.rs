//! Shops, storefront events in their own database, and exchange rates, on SQLite and
//! PostgreSQL.
#![allow(clippy::unwrap_used)]

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use domain::analytics::bots::BotRules;
use domain::analytics::context::describe;
use domain::analytics::money::{Currency, RateLookup};
use domain::analytics::rates::RateRow;
use domain::analytics::validate::validate_event;
use serde_json::{Value, json};
use store::analytics::events::{self, NewEvent, Range, ShopZone};
use store::analytics::rollups::{self, DayRange, Dimension};
use store::shops::{self, NewShop};
use store::{Db, analytics_test};

fn received() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 10, 12, 0, 0).unwrap()
}

/// A shop id with Moscow days, for rows stored without a shops table entry.
fn shop(id: i64) -> ShopZone {
    ShopZone {
        id,
        zone: chrono_tz::Europe::Moscow,
    }
}

fn new_shop(slug: &str) -> NewShop {
    NewShop {
        slug: slug.into(),
        name: "Цветы на Невском".into(),
        time_zone: "Europe/Moscow".into(),
        client_id: None,
    }
}

fn stored(value: Value) -> NewEvent {
    let event = validate_event(value, received()).unwrap();
    NewEvent {
        context: describe(&event, &BotRules::default(), None),
        event,
        session_given: false,
    }
}

fn view(id: &str, time: &str, visitor: &str) -> NewEvent {
    stored(
        json!({"id": id, "type": "page_view", "time": time, "visitor": visitor,
                  "url": "/%D0%BA%D0%B0%D1%82%D0%B0%D0%BB%D0%BE%D0%B3?utm_source=vk"}),
    )
}

fn purchase(id: &str, time: &str, order: &str) -> NewEvent {
    stored(
        json!({"id": id, "type": "purchase", "time": time, "visitor": "v1",
                  "order_id": order, "revenue_kopecks": 1999000}),
    )
}

fn march(day: u32) -> Range {
    Range {
        shop_id: Some(1),
        from: Utc.with_ymd_and_hms(2026, 3, day, 0, 0, 0).unwrap(),
        to: Utc.with_ymd_and_hms(2026, 3, day + 1, 0, 0, 0).unwrap(),
        include_bots: false,
    }
}

analytics_test!(shop_create_returns_key_once, async |db: Db, _events: Db| {
    let (shop, key) = shops::create(&db, &new_shop(" Flowers-SPB "), received())
        .await
        .unwrap();
    assert_eq!(shop.slug, "flowers-spb");
    assert!(key.starts_with(shops::KEY_PREFIX), "{key}");
    assert!(key.starts_with(&shop.ingestion_key_prefix));
    let found = shops::find_by_key(&db, &key).await.unwrap().unwrap();
    assert_eq!(found.id, shop.id);
    assert_eq!(found.time_zone, "Europe/Moscow");
    assert!(
        shops::find_by_key(&db, "vik_wrong")
            .await
            .unwrap()
            .is_none()
    );
    let by_slug = shops::find_by_slug(&db, "FLOWERS-SPB").await.unwrap();
    assert_eq!(by_slug.map(|s| s.id), Some(shop.id));
});

analytics_test!(
    shop_create_rejects_bad_input,
    async |db: Db, _events: Db| {
        let cases = [
            (
                NewShop {
                    slug: "цветы".into(),
                    ..new_shop("x")
                },
                "slug",
            ),
            (
                NewShop {
                    time_zone: "Europe/Mordor".into(),
                    ..new_shop("mordor")
                },
                "tz",
            ),
            (
                NewShop {
                    client_id: Some(999),
                    ..new_shop("orphan")
                },
                "client",
            ),
            (
                NewShop {
                    name: " ".into(),
                    ..new_shop("nameless")
                },
                "name",
            ),
        ];
        for (new, field) in cases {
            let error = shops::create(&db, &new, received()).await.unwrap_err();
            let store::Error::Domain(domain::Error::Invalid(invalid)) = error else {
                panic!("{field}: expected a rule violation, got {error:?}");
            };
            assert_eq!(invalid.field, field);
        }
        assert!(shops::list(&db).await.unwrap().is_empty());
    }
);

analytics_test!(shop_slug_taken_rejected, async |db: Db, _events: Db| {
    shops::create(&db, &new_shop("flowers"), received())
        .await
        .unwrap();
    let error = shops::create(&db, &new_shop("Flowers"), received())
        .await
        .unwrap_err();
    assert!(error.to_string().contains("slug"), "{error}");
    assert_eq!(shops::list(&db).await.unwrap().len(), 1);
});

analytics_test!(
    events_repeated_id_is_duplicate,
    async |_db: Db, events_db: Db| {
        let batch = [
            view("e1", "2026-03-01T10:00:00Z", "v1"),
            view("e2", "2026-03-01T10:01:00Z", "v1"),
            view("e1", "2026-03-01T10:02:00Z", "v1"),
        ];
        let inserted = events::insert(&events_db, shop(1), &batch, received())
            .await
            .unwrap();
        assert_eq!(inserted, 2);
        let again = events::insert(&events_db, shop(1), &batch[..1], received())
            .await
            .unwrap();
        assert_eq!(again, 0);
        // The same id in another shop is another event.
        let other = events::insert(&events_db, shop(2), &batch[..1], received())
            .await
            .unwrap();
        assert_eq!(other, 1);
        assert_eq!(events::count(&events_db, 1).await.unwrap(), 2);
    }
);

analytics_test!(events_large_batch_stored, async |_db: Db, events_db: Db| {
    let batch: Vec<NewEvent> = (0..1000)
        .map(|i| view(&format!("e{i}"), "2026-03-01T10:00:00Z", &format!("v{i}")))
        .collect();
    let inserted = events::insert(&events_db, shop(1), &batch, received())
        .await
        .unwrap();
    assert_eq!(inserted, 1000);
    let rows = events::summary_events(&events_db, &march(1)).await.unwrap();
    assert_eq!(rows.len(), 1000);
});

analytics_test!(events_read_back_by_range, async |_db: Db, events_db: Db| {
    let bot = stored(
        json!({"id": "b1", "type": "page_view", "time": "2026-03-01T11:00:00Z",
        "visitor": "crawler", "user_agent": "Mozilla/5.0 (compatible; YandexBot/3.0)"}),
    );
    let batch = [
        view("e1", "2026-03-01T10:00:00Z", "v1"),
        view("e2", "2026-03-02T10:00:00Z", "v1"),
        bot,
    ];
    events::insert(&events_db, shop(1), &batch, received())
        .await
        .unwrap();
    let rows = events::summary_events(&events_db, &march(1)).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].visitor, "v1");
    assert_eq!(
        rows[0].time,
        Utc.with_ymd_and_hms(2026, 3, 1, 10, 0, 0).unwrap()
    );
    let with_bots = Range {
        include_bots: true,
        ..march(1)
    };
    let rows = events::summary_events(&events_db, &with_bots)
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    let other_shop = Range {
        shop_id: Some(2),
        ..march(1)
    };
    assert!(
        events::summary_events(&events_db, &other_shop)
            .await
            .unwrap()
            .is_empty()
    );
});

analytics_test!(
    events_order_before_range_found,
    async |_db: Db, events_db: Db| {
        let batch = [
            purchase("p1", "2026-03-01T10:00:00Z", "A-1001"),
            purchase("p2", "2026-03-04T10:00:00Z", "A-1001"),
            purchase("p3", "2026-03-04T11:00:00Z", "A-1002"),
        ];
        events::insert(&events_db, shop(1), &batch, received())
            .await
            .unwrap();
        let before = events::orders_counted_before(&events_db, &march(4))
            .await
            .unwrap();
        assert_eq!(before.len(), 1);
        assert!(before.contains(&(1, "A-1001".to_string())));
    }
);

analytics_test!(rates_upsert_and_load, async |db: Db, _events: Db| {
    let usd = Currency::parse("USD").unwrap();
    let date = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    let row = |value| RateRow {
        date,
        currency: usd,
        rate: domain::analytics::money::Rate {
            nominal: 1,
            value_ten_thousandths: value,
        },
    };
    store::analytics::rates::upsert(&db, &[row(90_0000)])
        .await
        .unwrap();
    store::analytics::rates::upsert(&db, &[row(92_5058)])
        .await
        .unwrap();
    let table = store::analytics::rates::load(&db).await.unwrap();
    let next_day = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    let rate = table.rate(usd, next_day).unwrap();
    assert_eq!(rate.value_ten_thousandths, 92_5058);
    assert!(
        table
            .rate(usd, NaiveDate::from_ymd_opt(2026, 2, 28).unwrap())
            .is_none()
    );
});

analytics_test!(
    writer_commits_concurrent_requests,
    async |_db: Db, events_db: Db| {
        let writer = store::analytics::writer::EventWriter::spawn(events_db.clone(), 2);
        let mut tasks = Vec::new();
        for i in 0..60 {
            let writer = writer.clone();
            // Every third request repeats the id of the one before it.
            let id = format!("e{}", i - i % 3 / 2);
            tasks.push(tokio::spawn(async move {
                let event = view(&id, "2026-03-01T10:00:00Z", "v1");
                writer
                    .insert(shop(1), vec![event], received())
                    .await
                    .unwrap()
            }));
        }
        let mut inserted = 0;
        for task in tasks {
            inserted += task.await.unwrap();
        }
        assert_eq!(inserted, 40);
        assert_eq!(events::count(&events_db, 1).await.unwrap(), 40);
        let groups = rollups::grouped(&events_db, &march_days(1, 1), Dimension::Day, None)
            .await
            .unwrap();
        let page_views: Vec<i64> = groups.iter().map(|g| g.counts.page_view).collect();
        assert_eq!(page_views, [40]);
    }
);

fn march_days(from: u32, to: u32) -> DayRange {
    DayRange {
        shop_id: Some(1),
        from: NaiveDate::from_ymd_opt(2026, 3, from).unwrap(),
        to: NaiveDate::from_ymd_opt(2026, 3, to).unwrap(),
        include_bots: false,
    }
}

fn product_view(id: &str, time: &str, category: &str) -> NewEvent {
    stored(
        json!({"id": id, "type": "product_view", "time": time, "visitor": "v1",
        "category": category, "price_kopecks": 10000}),
    )
}

analytics_test!(
    rollups_count_new_events_once,
    async |_db: Db, events_db: Db| {
        let batch = [
            product_view("e1", "2026-03-01T10:00:00Z", "phones"),
            product_view("e1", "2026-03-01T10:00:00Z", "phones"),
            product_view("e2", "2026-03-01T10:01:00Z", "phones"),
            product_view("e3", "2026-03-01T10:02:00Z", "books"),
        ];
        events::insert(&events_db, shop(1), &batch, received())
            .await
            .unwrap();
        events::insert(&events_db, shop(1), &batch[..2], received())
            .await
            .unwrap();
        let groups = rollups::grouped(&events_db, &march_days(1, 1), Dimension::Category, None)
            .await
            .unwrap();
        let views: Vec<(&str, i64)> = groups
            .iter()
            .map(|g| (g.key.as_str(), g.counts.product_view))
            .collect();
        assert_eq!(views, [("books", 1), ("phones", 2)]);
    }
);

analytics_test!(
    rollups_days_follow_shop_zone,
    async |_db: Db, events_db: Db| {
        // 22:30 UTC on 1 March is 2 March in Moscow and 1 March in UTC−5.
        let late = [product_view("e1", "2026-03-01T22:30:00Z", "phones")];
        events::insert(&events_db, shop(1), &late, received())
            .await
            .unwrap();
        let west = ShopZone {
            id: 2,
            zone: chrono_tz::America::Bogota,
        };
        events::insert(&events_db, west, &late, received())
            .await
            .unwrap();
        let all_shops = DayRange {
            shop_id: None,
            ..march_days(1, 2)
        };
        let groups = rollups::grouped(&events_db, &all_shops, Dimension::Day, None)
            .await
            .unwrap();
        let days: Vec<(&str, i64)> = groups
            .iter()
            .map(|g| (g.key.as_str(), g.counts.product_view))
            .collect();
        assert_eq!(days, [("2026-03-01", 1), ("2026-03-02", 1)]);
    }
);

analytics_test!(
    rollups_leave_bots_out_by_default,
    async |_db: Db, events_db: Db| {
        let bot = stored(
            json!({"id": "b1", "type": "page_view", "time": "2026-03-01T11:00:00Z",
            "visitor": "crawler", "user_agent": "Mozilla/5.0 (compatible; YandexBot/3.0)"}),
        );
        let batch = [view("e1", "2026-03-01T10:00:00Z", "v1"), bot];
        events::insert(&events_db, shop(1), &batch, received())
            .await
            .unwrap();
        let count = |groups: Vec<rollups::Group>| -> i64 {
            groups.iter().map(|g| g.counts.page_view).sum()
        };
        let people = rollups::grouped(&events_db, &march_days(1, 1), Dimension::Device, None)
            .await
            .unwrap();
        assert_eq!(count(people), 1);
        let with_bots = DayRange {
            include_bots: true,
            ..march_days(1, 1)
        };
        let everyone = rollups::grouped(&events_db, &with_bots, Dimension::Device, None)
            .await
            .unwrap();
        assert_eq!(count(everyone), 2);
    }
);

analytics_test!(
    rollups_rebuild_matches_incremental,
    async |_db: Db, events_db: Db| {
        let batch = [
            product_view("e1", "2026-03-01T20:59:00Z", "phones"),
            product_view("e2", "2026-03-01T21:01:00Z", "phones"),
            view("e3", "2026-03-02T10:00:00Z", "v2"),
            purchase("p1", "2026-03-02T10:05:00Z", "A-1"),
        ];
        events::insert(&events_db, shop(1), &batch, received())
            .await
            .unwrap();
        let read = async || {
            rollups::grouped(
                &events_db,
                &march_days(1, 2),
                Dimension::Day,
                Some(Dimension::Category),
            )
            .await
            .unwrap()
        };
        let incremental = read().await;
        let counted = rollups::rebuild(&events_db, 1, chrono_tz::Europe::Moscow)
            .await
            .unwrap();
        assert_eq!(counted, 4);
        assert_eq!(read().await, incremental);
        assert_eq!(incremental.len(), 3, "{incremental:?}");
    }
);

analytics_test!(
    rollups_missing_after_upgrade,
    async |_db: Db, events_db: Db| {
        let batch = [product_view("e1", "2026-03-01T10:00:00Z", "phones")];
        assert!(
            !rollups::missing(&events_db, 1).await.unwrap(),
            "no events yet"
        );
        events::insert(&events_db, shop(1), &batch, received())
            .await
            .unwrap();
        assert!(!rollups::missing(&events_db, 1).await.unwrap());
        // Rows stored before the rollups existed have no rollup rows.
        events_db
            .execute("DELETE FROM event_rollups", vec![])
            .await
            .unwrap();
        assert!(rollups::missing(&events_db, 1).await.unwrap());
        rollups::rebuild(&events_db, 1, chrono_tz::Europe::Moscow)
            .await
            .unwrap();
        assert!(!rollups::missing(&events_db, 1).await.unwrap());
    }
);

analytics_test!(
    top_products_read_many_in_order,
    async |_db: Db, events_db: Db| {
        use domain::analytics::product_day::ProductDayCounts;
        use std::collections::BTreeMap;
        use store::analytics::day_products::{self, ProductSort};

        let day = NaiveDate::from_ymd_opt(2026, 3, 3).unwrap();
        // 250 sold products in two shops and one product only viewed: more pairs than one
        // figures query takes.
        for shop_id in [1, 2] {
            let mut products = BTreeMap::new();
            for number in 0..125_i64 {
                let counts = ProductDayCounts {
                    category: "books".into(),
                    product_views: 3,
                    purchases: 1,
                    units: 1,
                    orders: 1,
                    revenue_kopecks: 100 * (number + 1) + shop_id,
                    ..Default::default()
                };
                products.insert(format!("p{number}"), counts);
            }
            let viewed = ProductDayCounts {
                product_views: 50,
                ..Default::default()
            };
            products.insert("viewed".to_string(), viewed);
            let mut tx = events_db.begin().await.unwrap();
            day_products::store_in(&mut tx, shop_id, day, &[(false, products)])
                .await
                .unwrap();
            tx.commit().await.unwrap();
        }
        let range = DayRange {
            shop_id: None,
            from: day,
            to: day,
            include_bots: false,
        };

        let top = day_products::top(&events_db, &range, ProductSort::Revenue, 1000)
            .await
            .unwrap();
        assert_eq!(top.count, 250, "the product only viewed is not ranked");
        assert_eq!(top.products.len(), 250);
        assert_eq!(
            (top.products[0].shop_id, top.products[0].product_id.as_str()),
            (2, "p124")
        );
        assert_eq!(top.products[0].revenue_kopecks, 12_502);
        assert_eq!(top.products[0].product_views, 3);
        let revenues: Vec<i64> = top.products.iter().map(|p| p.revenue_kopecks).collect();
        assert!(
            revenues.windows(2).all(|pair| pair[0] >= pair[1]),
            "{revenues:?}"
        );

        let by_views = day_products::top(&events_db, &range, ProductSort::Views, 3)
            .await
            .unwrap();
        assert_eq!(by_views.count, 252);
        assert_eq!(by_views.products[0].product_id, "viewed");
        assert_eq!(by_views.products[0].shop_id, 1);
        assert_eq!(by_views.products[1].product_id, "viewed");

        let one_shop = DayRange {
            shop_id: Some(1),
            ..range
        };
        let top = day_products::top(&events_db, &one_shop, ProductSort::Orders, 10)
            .await
            .unwrap();
        assert_eq!(top.count, 125);
        assert!(top.products.iter().all(|p| p.shop_id == 1));
    }
);

/// Returns the plan of `sql` as text: SQLite's `EXPLAIN QUERY PLAN` details, or PostgreSQL's
/// `EXPLAIN` lines.
async fn query_plan(events_db: &Db, sql: &str, values: store::Args) -> String {
    match events_db.engine() {
        store::Engine::Sqlite => {
            let rows: Vec<(i64, i64, i64, String)> = events_db
                .fetch_all(
                    store::Sql::assembled(format!("EXPLAIN QUERY PLAN {sql}")),
                    values,
                )
                .await
                .unwrap();
            rows.into_iter()
                .map(|(_, _, _, detail)| detail)
                .collect::<Vec<_>>()
                .join("\n")
        }
        store::Engine::Postgres => {
            let rows: Vec<(String,)> = events_db
                .fetch_all(store::Sql::assembled(format!("EXPLAIN {sql}")), values)
                .await
                .unwrap();
            rows.into_iter()
                .map(|(line,)| line)
                .collect::<Vec<_>>()
                .join("\n")
        }
    }
}

analytics_test!(
    intake_and_ranking_use_indexes,
    async |_db: Db, events_db: Db| {
        use store::analytics::day_products::{self, ProductSort};
        use store::analytics::orders;

        let sql = orders::stored_orders_sql(2);
        let values = store::args![1_i64, "A-1", "A-2"];
        let plan = query_plan(&events_db, &sql, values).await;
        // PostgreSQL plans empty tables by scanning them, so only SQLite's plan is checked;
        // the query must still run on both.
        if events_db.engine() == store::Engine::Sqlite {
            assert!(
                plan.contains("USING INDEX events_shop_order (shop_id=? AND order_id=?)"),
                "the order lookup reads the shop's events: {plan}"
            );
        }

        let day = NaiveDate::from_ymd_opt(2026, 3, 3).unwrap();
        let range = DayRange {
            shop_id: None,
            from: day,
            to: day,
            include_bots: false,
        };
        let (sql, values) =
            day_products::rank_query(events_db.engine(), &range, ProductSort::Revenue, 20);
        let plan = query_plan(&events_db, &sql, values).await;
        if events_db.engine() == store::Engine::Sqlite {
            assert!(
                plan.contains("USING INDEX day_products_sales (day>? AND day<?)"),
                "the ranking reads every product's day rows: {plan}"
            );
        }
        let one_shop = DayRange {
            shop_id: Some(1),
            ..range
        };
        let (sql, values) =
            day_products::rank_query(events_db.engine(), &one_shop, ProductSort::Units, 20);
        let plan = query_plan(&events_db, &sql, values).await;
        if events_db.engine() == store::Engine::Sqlite {
            assert!(
                plan.contains(
                    "USING INDEX day_products_shop_sales (shop_id=? AND day>? AND day<?)"
                ),
                "the shop's ranking reads every product's day rows: {plan}"
            );
        }
        assert!(!plan.is_empty());

        let one_shop_keys = vec![(1, "p1".to_string()), (1, "p2".to_string())];
        let two_shop_keys = vec![(1, "p1".to_string()), (2, "p1".to_string())];
        for (range, keys) in [(one_shop, one_shop_keys), (range, two_shop_keys)] {
            let (sql, values) = day_products::figures_query(events_db.engine(), &range, &keys);
            let plan = query_plan(&events_db, &sql, values).await;
            if events_db.engine() == store::Engine::Sqlite {
                assert!(
                    plan.contains(
                        "USING INDEX day_products_product (product_id=? AND shop_id=? AND day>? AND day<?)"
                    ),
                    "the figures of {keys:?} read more than their rows: {plan}"
                );
                assert!(!plan.contains("autoindex"), "{plan}");
            }
            assert!(!plan.is_empty());
        }
    }
);

analytics_test!(
    top_products_cap_huge_sums,
    async |_db: Db, events_db: Db| {
        use domain::analytics::product_day::ProductDayCounts;
        use std::collections::BTreeMap;
        use store::analytics::day_products::{self, ProductSort};

        // Two days of 5·10^18 kopecks each: the sum does not fit in 64 bits.
        let first = NaiveDate::from_ymd_opt(2026, 3, 3).unwrap();
        for day in [first, first.succ_opt().unwrap()] {
            let counts = ProductDayCounts {
                purchases: 1,
                units: 1,
                orders: 1,
                revenue_kopecks: 5_000_000_000_000_000_000,
                ..Default::default()
            };
            let products = BTreeMap::from([("huge".to_string(), counts)]);
            let mut tx = events_db.begin().await.unwrap();
            day_products::store_in(&mut tx, 1, day, &[(false, products)])
                .await
                .unwrap();
            tx.commit().await.unwrap();
        }
        let range = DayRange {
            shop_id: None,
            from: first,
            to: first.succ_opt().unwrap(),
            include_bots: false,
        };
        let top = day_products::top(&events_db, &range, ProductSort::Revenue, 20)
            .await
            .unwrap();
        assert_eq!(top.products.len(), 1);
        assert_eq!(top.products[0].revenue_kopecks, i64::MAX);
        assert_eq!(top.products[0].orders, 2);
    }
);
