//! `vitrina shop add`, `vitrina import rates` and `vitrina import rees46` through the real
//! binary, with the summary read back from `vitrina serve`, on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used)]

mod common;

use common::{Setup, analyst_token, assert_success, served_summary, stderr, stdout};
use serde_json::Value;

/// The shared REES46 sample: the first 9,999 rows of October 2019.
const REES46: &str = "../../../shared/data/ecommerce/rees46_2019-Oct_first10k.csv";

async fn shop_count(setup: &Setup) -> i64 {
    let db = setup.db().await;
    let count = db
        .fetch_scalar("SELECT COUNT(*) FROM shops", Vec::new())
        .await
        .unwrap();
    db.close().await;
    count
}

cli_test!(shop_add_prints_key_alone, async |setup: &Setup| {
    let output = setup
        .run(&[
            "shop",
            "add",
            "flowers",
            "--name",
            "Цветы",
            "--tz",
            "Europe/Moscow",
        ])
        .await;
    assert_success(&output);
    let printed = stdout(&output);
    assert_eq!(printed.lines().count(), 1, "{printed}");
    assert!(printed.starts_with("vik_"), "{printed}");

    let listed = setup.run(&["shop", "list"]).await;
    assert_success(&listed);
    assert!(stdout(&listed).contains("flowers\tEurope/Moscow"));
    assert!(
        !stdout(&listed).contains(printed.trim()),
        "the key is shown once"
    );
});

cli_test!(shop_add_rejects_bad_input, async |setup: &Setup| {
    let cases: [(&[&str], &str); 4] = [
        (
            &[
                "shop",
                "add",
                "Цветы",
                "--name",
                "x",
                "--tz",
                "Europe/Moscow",
            ],
            "slug",
        ),
        (
            &["shop", "add", "flowers", "--name", "x", "--tz", "Moscow"],
            "tz",
        ),
        (
            &[
                "shop", "add", "flowers", "--name", "x", "--tz", "UTC", "--client", "42",
            ],
            "client",
        ),
        (
            &[
                "shop", "add", "flowers", "--name", "x", "--tz", "UTC", "--client", "abc",
            ],
            "--client",
        ),
    ];
    for (args, field) in cases {
        let output = setup.run(args).await;
        assert!(!output.status.success(), "{args:?}");
        assert!(stdout(&output).is_empty(), "{args:?}: {}", stdout(&output));
        assert!(
            stderr(&output).contains(field),
            "{args:?}: {}",
            stderr(&output)
        );
    }
    assert_eq!(shop_count(setup).await, 0);
});

cli_test!(import_rates_reports_rejected, async |setup: &Setup| {
    let file = setup.data_dir().join("rates.csv");
    std::fs::write(
        &file,
        "date,currency,nominal,rate\n2026-03-01,USD,1,\"92,5058\"\n2026-03-01,JPY,100,61.2345\n\
         2026-03-02,RUB,1,1\n",
    )
    .unwrap();
    let output = setup
        .run(&["import", "rates", file.to_str().unwrap()])
        .await;
    assert_success(&output);
    let printed = stdout(&output);
    assert!(
        printed.contains("Imported 2 rates. Rejected rows: 1."),
        "{printed}"
    );
    assert!(printed.contains("line 4"), "{printed}");

    let db = setup.db().await;
    let yen: i64 = db
        .fetch_scalar(
            "SELECT value_ten_thousandths FROM exchange_rates WHERE currency = 'JPY'",
            Vec::new(),
        )
        .await
        .unwrap();
    db.close().await;
    assert_eq!(yen, 61_2345);
});

cli_test!(
    import_rees46_matches_measured_figures,
    async |setup: &Setup| {
        let add = [
            "shop",
            "add",
            "rees46",
            "--name",
            "REES46",
            "--tz",
            "Europe/Moscow",
        ];
        assert_success(&setup.run(&add).await);
        let output = setup
            .run(&["import", "rees46", REES46, "--shop", "rees46"])
            .await;
        assert_success(&output);
        let printed = stdout(&output);
        assert!(
            printed.contains("Read 9999 rows into shop rees46: 9995 events stored"),
            "{printed}"
        );
        assert!(
            printed.contains("Exact duplicate rows dropped: 4."),
            "{printed}"
        );
        assert!(printed.contains("Rejected rows: 0."), "{printed}");

        let again = setup
            .run(&["import", "rees46", REES46, "--shop", "rees46"])
            .await;
        assert_success(&again);
        assert!(
            stdout(&again).contains("0 events stored, 9995 already stored before"),
            "{}",
            stdout(&again)
        );

        let token = analyst_token(setup).await;
        let body = served_summary(setup, &token, "shop=rees46&from=2019-10-01&to=2019-10-01").await;
        assert_eq!(body["visitors"], 2867, "{body}");
        assert_eq!(body["sessions"], 3188);
        assert_eq!(body["product_views"], 9780);
        assert_eq!(body["add_to_carts"], 97);
        assert_eq!(body["orders"], 111);
        assert_eq!(body["revenue_gross_kopecks"], 3_575_722);
        assert_eq!(body["revenue_net_kopecks"], 3_575_722);
        let by_session = body["conversion_sessions"].as_f64().unwrap();
        assert_eq!(by_session, 111.0 / 3188.0);
        assert_eq!(format!("{:.2}", by_session * 100.0), "3.48");
        let by_visitor = body["conversion_visitors"].as_f64().unwrap();
        assert_eq!(by_visitor, 109.0 / 2867.0);
        assert_eq!(format!("{:.2}", by_visitor * 100.0), "3.80");
        assert_eq!(body["visitor_window"], Value::Null);
    }
);

cli_test!(import_rees46_unknown_shop_fails, async |setup: &Setup| {
    let output = setup
        .run(&["import", "rees46", REES46, "--shop", "missing"])
        .await;
    assert!(!output.status.success());
    assert!(stderr(&output).contains("--shop"), "{}", stderr(&output));
});

cli_test!(import_rees46_bad_rows_listed, async |setup: &Setup| {
    let add = [
        "shop",
        "add",
        "small",
        "--name",
        "Small",
        "--tz",
        "Europe/Moscow",
    ];
    assert_success(&setup.run(&add).await);
    let file = setup.data_dir().join("small.csv");
    std::fs::write(
        &file,
        "event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session\n\
         2019-10-01 00:00:00 UTC,view,1,2,electronics.smartphone,apple,10.50,7,s1\n\
         2019-10-01 00:01:00 UTC,click,1,2,,,10.50,7,s1\n\
         2019-10-01 00:02:00 UTC,purchase,1,2,,,abc,7,s1\n",
    )
    .unwrap();
    let output = setup
        .run(&[
            "import",
            "rees46",
            file.to_str().unwrap(),
            "--shop",
            "small",
        ])
        .await;
    assert_success(&output);
    let printed = stdout(&output);
    assert!(printed.contains("1 events stored"), "{printed}");
    assert!(printed.contains("Rejected rows: 2."), "{printed}");
    assert!(printed.contains("line 3"), "{printed}");
    assert!(printed.contains("line 4"), "{printed}");

    let header_only = setup.data_dir().join("wrong.csv");
    std::fs::write(&header_only, "time,type\n").unwrap();
    let failed = setup
        .run(&[
            "import",
            "rees46",
            header_only.to_str().unwrap(),
            "--shop",
            "small",
        ])
        .await;
    assert!(!failed.status.success());
    assert!(stderr(&failed).contains("header"), "{}", stderr(&failed));
});

cli_test!(bench_ingest_reports_throughput, async |setup: &Setup| {
    for mode in ["batch", "single"] {
        let args = [
            "bench",
            "ingest",
            "--mode",
            mode,
            "--seconds",
            "1",
            "--concurrency",
            "2",
        ];
        let output = setup.run(&args).await;
        assert_success(&output);
        let printed = stdout(&output);
        assert!(printed.contains("(failed 0)"), "{mode}: {printed}");
        assert!(printed.contains("events/s"), "{mode}: {printed}");
        assert!(
            printed.contains("MiB per million events"),
            "{mode}: {printed}"
        );
    }
    let db = setup.db().await;
    let shops: i64 = db
        .fetch_scalar("SELECT COUNT(*) FROM shops", Vec::new())
        .await
        .unwrap();
    db.close().await;
    assert_eq!(shops, 2);
});
