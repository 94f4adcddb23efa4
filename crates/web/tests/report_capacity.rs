//! The quarterly capacity report (API, page and XLSX) on both engines, checked against
//! figures computed by hand for daily peaks that rise linearly over 2026-Q3.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::identity::Role;
use domain::infra::{Sample, Unit};
use reqwest::StatusCode;
use serde_json::{Value, json};

use common::{Api, TestServer};

/// Days of 2026-Q3: 1 July to 30 September.
const QUARTER_DAYS: i64 = 92;
const GIB: i64 = 1 << 30;

fn close(actual: &Value, expected: f64) -> bool {
    let actual = actual.as_f64().unwrap();
    (actual - expected).abs() <= 1e-6 * expected.abs().max(1.0)
}

/// Returns the first UTC midnight of 2026-Q3. The quarter itself starts three hours
/// earlier, at midnight in Moscow.
fn quarter_start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 7, 1, 0, 0, 0).unwrap()
}

/// Samples at 00, 06, 12 and 18 UTC of `days` days from `start`: `peak(d)` at 12:00 of day
/// `d`, `low` at the other hours.
fn samples(start: DateTime<Utc>, days: i64, low: f64, peak: impl Fn(i64) -> f64) -> Vec<Sample> {
    (0..days * 4)
        .map(|step| Sample {
            time: start + Duration::hours(step * 6),
            value: if step % 4 == 2 { peak(step / 4) } else { low },
        })
        .collect()
}

async fn created(api: &Api, path: &str, body: Value) -> i64 {
    let (status, answer) = api.post(path, body).await;
    assert_eq!(status, StatusCode::CREATED, "{path}: {answer}");
    answer["id"].as_i64().unwrap()
}

async fn store_cpu(server: &TestServer, host_id: i64, samples: &[Sample]) {
    store::metrics::upsert_samples(
        &server.state.db,
        host_id,
        "cpu_utilization",
        Unit::Percent,
        samples,
    )
    .await
    .unwrap();
}

/// The ids of the seeded sites.
struct Seeded {
    moscow: i64,
    colo: i64,
    cloud: i64,
}

/// Seeds three sites. The own data centre has db-01 in cluster `db` (daily peak 40 + 0.25 d,
/// and 99 in October, after the quarter) and a planned host. The colocation site, named like
/// a formula, has app-01 (flat 30). The cloud region has web-cloud-01 (peak 20 + 0.5 d).
async fn seed(server: &TestServer) -> Seeded {
    let admin = server.user("admin", Role::Admin, &[]).await;
    let api = server.api(&admin).await;
    let moscow = created(
        &api,
        "/api/v1/sites",
        json!({"name": "ЦОД Москва", "kind": "own_data_centre"}),
    )
    .await;
    let colo = created(
        &api,
        "/api/v1/sites",
        json!({"name": "=Colo", "kind": "colocation"}),
    )
    .await;
    let cloud = created(
        &api,
        "/api/v1/sites",
        json!({"name": "Yandex", "kind": "cloud_region", "cloud_provider": "Yandex Cloud",
               "cloud_account": "b1g-folder", "cloud_region": "ru-central1"}),
    )
    .await;
    let cluster = created(
        &api,
        "/api/v1/clusters",
        json!({"name": "db", "site_id": moscow}),
    )
    .await;
    let host = |name: &str, site: i64, cores: i64, ram_gib: i64, storage: i64| {
        json!({"technical_name": name, "kind": "virtual", "status": "active", "cores": cores,
               "ram_bytes": ram_gib * GIB, "storage_bytes": storage, "site_id": site})
    };
    let mut db = host("db-01", moscow, 16, 64, 2_000_000_000_000);
    db["cluster_id"] = json!(cluster);
    let db = created(&api, "/api/v1/hosts", db).await;
    let app = created(
        &api,
        "/api/v1/hosts",
        host("app-01", colo, 8, 32, 500_000_000_000),
    )
    .await;
    let web = created(
        &api,
        "/api/v1/hosts",
        host("web-cloud-01", cloud, 4, 8, 100_000_000_000),
    )
    .await;
    // A planned host is not counted.
    let mut spare = host("spare-01", moscow, 32, 128, 0);
    spare["status"] = json!("planned");
    created(&api, "/api/v1/hosts", spare).await;

    let start = quarter_start();
    store_cpu(
        server,
        db,
        &samples(start, QUARTER_DAYS, 5.0, |d| 40.0 + 0.25 * d as f64),
    )
    .await;
    let october = start + Duration::days(QUARTER_DAYS);
    store_cpu(server, db, &samples(october, 8, 99.0, |_| 99.0)).await;
    store_cpu(server, app, &samples(start, QUARTER_DAYS, 30.0, |_| 30.0)).await;
    store_cpu(
        server,
        web,
        &samples(start, QUARTER_DAYS, 5.0, |d| 20.0 + 0.5 * d as f64),
    )
    .await;
    Seeded {
        moscow,
        colo,
        cloud,
    }
}

async fn analyst(server: &TestServer) -> Api {
    let user = server.user("analyst", Role::Analyst, &[]).await;
    server.api(&user).await
}

fn site(report: &Value, id: i64) -> &Value {
    report["sites"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .unwrap()
}

fn placement<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["comparison"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["placement"] == name)
        .unwrap()
}

fn recommendation<'a>(report: &'a Value, scope: &str, name: &str) -> &'a Value {
    report["recommendations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["scope"] == scope && r["name"] == name)
        .unwrap_or_else(|| panic!("no recommendation for {scope} {name}: {report}"))
}

web_test!(
    capacity_report_matches_hand_computation,
    async |server: &TestServer| {
        let seeded = seed(server).await;
        let api = analyst(server).await;
        let (status, report) = api.get("/api/v1/reports/capacity?quarter=2026-Q3").await;
        assert_eq!(status, StatusCode::OK, "{report}");
        assert_eq!(report["quarter"], "2026-Q3");
        assert_eq!(report["from"], "2026-06-30T21:00:00Z");
        assert_eq!(report["to"], "2026-09-30T21:00:00Z");

        let moscow = site(&report, seeded.moscow);
        assert_eq!(moscow["placement"], "own");
        assert_eq!(moscow["hardware"]["hosts"], 1, "{moscow}");
        assert_eq!(moscow["hardware"]["cores"], 16);
        assert_eq!(moscow["hardware"]["ram_bytes"], 64 * GIB);
        let cpu = &moscow["resources"][0];
        assert_eq!(cpu["resource"], "cpu");
        assert_eq!(cpu["window_days"], 30);
        assert_eq!(cpu["days"], 92);
        // Days 0–29 peak at 40..47.25: rank 0.95 × 29 = 27.55 → 40 + 0.25 × 27.55.
        assert!(close(&cpu["start_percent"], 46.8875), "{cpu}");
        // Days 62–91: 55.5 + 0.25 × 27.55; October's 99 % is after the quarter.
        assert!(close(&cpu["end_percent"], 62.3875), "{cpu}");
        assert!(close(&cpu["growth_points"], 15.5), "{cpu}");
        assert!(
            close(&cpu["growth_percent"], 15.5 / 46.8875 * 100.0),
            "{cpu}"
        );

        let colo = site(&report, seeded.colo);
        assert_eq!(colo["placement"], "own");
        assert!(close(&colo["resources"][0]["growth_points"], 0.0), "{colo}");
        let cloud = site(&report, seeded.cloud);
        assert_eq!(cloud["placement"], "cloud");
        assert!(
            close(&cloud["resources"][0]["start_percent"], 33.775),
            "{cloud}"
        );
        assert!(
            close(&cloud["resources"][0]["end_percent"], 64.775),
            "{cloud}"
        );

        // Own: db-01 and app-01; the hourly mean peaks at (40 + 0.25 d + 30) / 2.
        let own = placement(&report, "own");
        assert_eq!(own["sites"], 2);
        assert_eq!(own["hardware"]["hosts"], 2, "{own}");
        assert_eq!(own["hardware"]["cores"], 24);
        assert_eq!(own["hardware"]["ram_bytes"], 96 * GIB);
        assert_eq!(own["hardware"]["storage_bytes"], 2_500_000_000_000_i64);
        let own_cpu = &own["resources"][0];
        assert!(
            close(&own_cpu["start_percent"], 35.0 + 0.125 * 27.55),
            "{own_cpu}"
        );
        assert!(
            close(&own_cpu["end_percent"], 42.75 + 0.125 * 27.55),
            "{own_cpu}"
        );
        assert!(close(&own_cpu["growth_points"], 7.75), "{own_cpu}");
        let cloud_group = placement(&report, "cloud");
        assert_eq!(cloud_group["sites"], 1);
        assert_eq!(cloud_group["hardware"]["cores"], 4);
        assert!(
            close(&cloud_group["resources"][0]["growth_points"], 31.0),
            "{cloud_group}"
        );

        // db-01 as of the quarter's end: p95 of 92 peaks = 40 + 0.25 × 86.45, growing 14
        // points over the 8-week lead time past the 75 % target.
        let db = recommendation(&report, "host", "db-01");
        assert!(close(&db["advice"]["current_percent"], 61.6125), "{db}");
        assert!(close(&db["advice"]["projected_percent"], 75.6125), "{db}");
        assert_eq!(db["advice"]["action"]["kind"], "scale_up", "{db}");
        assert!(
            close(
                &db["advice"]["time_to_exhaustion"]["seconds"],
                38.3875 / 0.25 * 86_400.0
            ),
            "{db}"
        );
        assert!(!db["messages"].as_array().unwrap().is_empty());
        let app = recommendation(&report, "host", "app-01");
        assert_eq!(app["advice"]["action"]["kind"], "keep", "{app}");
        let cluster = recommendation(&report, "cluster", "db");
        assert_eq!(
            cluster["advice"]["action"]["kind"], "add_nodes",
            "{cluster}"
        );
        assert_eq!(cluster["placement"], "own");
        let web = recommendation(&report, "host", "web-cloud-01");
        assert_eq!(web["placement"], "cloud");
        assert_eq!(web["advice"]["action"]["kind"], "scale_up", "{web}");
        recommendation(&report, "site", "Yandex");
        let planned = report["recommendations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["name"] == "spare-01");
        assert!(!planned, "a planned host gets no advice");

        // Own: db-01 scale up, app-01 keep, cluster db and site Moscow add nodes, =Colo keep.
        assert_eq!(
            own["actions"],
            json!({"keep": 2, "scale_up": 1, "add_nodes": 2, "move_to_cloud": 0, "shrink": 0})
        );
        assert_eq!(
            cloud_group["actions"],
            json!({"keep": 0, "scale_up": 1, "add_nodes": 1, "move_to_cloud": 0, "shrink": 0})
        );
    }
);

web_test!(
    capacity_report_default_quarter_is_current,
    async |server: &TestServer| {
        let api = analyst(server).await;
        let (status, report) = api.get("/api/v1/reports/capacity").await;
        assert_eq!(status, StatusCode::OK, "{report}");
        let today = domain::time::now()
            .with_timezone(&chrono_tz::Europe::Moscow)
            .date_naive();
        let current = domain::infra::quarter::Quarter::containing(today);
        assert_eq!(report["quarter"], current.to_string());
        assert_eq!(report["sites"], json!([]));
        assert_eq!(report["recommendations"], json!([]));
    }
);

web_test!(
    capacity_report_rejects_bad_quarter,
    async |server: &TestServer| {
        let api = analyst(server).await;
        for value in ["2026-Q5", "2026-4", "Q4-2026"] {
            let (status, answer) = api
                .get(&format!("/api/v1/reports/capacity?quarter={value}"))
                .await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{value}: {answer}"
            );
            assert_eq!(answer["error"]["field"], "quarter", "{answer}");
            let message = answer["error"]["message"].as_str().unwrap();
            assert!(message.contains(value), "{message}");
            assert!(message.contains("QN"), "{message}");
        }

        server.user("lead", Role::SupportLead, &[]).await;
        let browser = server.browser("lead").await;
        let (status, page) = browser.get("/reports/capacity?quarter=2026-Q9").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("2026-Q9"), "{page}");
        let (status, _) = browser.get("/reports/capacity.xlsx?quarter=x").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }
);

web_test!(
    capacity_report_denied_to_clients_and_sales,
    async |server: &TestServer| {
        let company = server.client_company("ООО «Ромашка»").await;
        let client = server.client_admin("client", company).await;
        let api = server.api(&client).await;
        let (status, _) = api.get("/api/v1/reports/capacity").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let browser = server.browser("client").await;
        for path in ["/reports/capacity", "/reports/capacity.xlsx"] {
            let (status, _) = browser.get(path).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        }
        let (_, home) = browser.get("/tickets").await;
        assert!(!home.contains("nav-capacity-report"), "{home}");

        let sales = server.user("sales", Role::Sales, &[]).await;
        let (status, _) = server
            .api(&sales)
            .await
            .get("/api/v1/reports/capacity")
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
);

web_test!(
    capacity_report_page_shows_tables,
    async |server: &TestServer| {
        seed(server).await;
        server.user("lead", Role::SupportLead, &[]).await;
        let browser = server.browser("lead").await;
        let (status, page) = browser.get("/reports/capacity?quarter=2026-Q3").await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(
            page.contains("data-test=\"nav-capacity-report\""),
            "nav link missing"
        );
        assert!(
            page.contains("<option value=\"2026-Q3\" selected>"),
            "{page}"
        );
        assert!(page.contains("ЦОД Москва"));
        assert!(page.contains("=Colo"));
        assert!(page.contains("свой ЦОД и колокейшн"), "{page}");
        // Moscow's CPU start, end and growth.
        assert!(page.contains("46.9 %"), "{page}");
        assert!(page.contains("62.4 %"), "{page}");
        assert!(page.contains("+15.5"), "{page}");
        assert_eq!(page.matches("data-test=\"recommendation-row\"").count(), 7);
        assert!(page.contains("href=\"/infra/hosts/"), "host links missing");
        assert!(page.contains("id=\"capacity-data\""), "chart data missing");
        assert!(
            page.contains("\"series\":[{\"name\":\"процессор\""),
            "chart series missing"
        );
    }
);

web_test!(
    capacity_report_xlsx_has_page_numbers,
    async |server: &TestServer| {
        seed(server).await;
        server.user("analyst", Role::Analyst, &[]).await;
        let browser = server.browser("analyst").await;
        let response = browser
            .client
            .get(format!(
                "{}/reports/capacity.xlsx?quarter=2026-Q3",
                browser.url
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let content_type = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(content_type.contains("spreadsheetml"), "{content_type}");
        let bytes = response.bytes().await.unwrap().to_vec();

        use calamine::{Data, Reader, Xlsx};
        let mut workbook: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(
            workbook.sheet_names(),
            [
                "Площадки",
                "Рост загрузки",
                "Свой ЦОД и облако",
                "Рекомендации"
            ]
        );
        let sites = workbook.worksheet_range("Площадки").unwrap();
        assert_eq!(sites.get((0, 0)), Some(&Data::String("Площадка".into())));
        // Sites are listed by name: "=Colo" sorts first and is neutralised.
        assert_eq!(sites.get((1, 0)), Some(&Data::String("'=Colo".into())));
        assert_eq!(sites.get((1, 5)), Some(&Data::Float(8.0)));
        assert_eq!(sites.get((1, 6)), Some(&Data::Float(32.0)));

        let growth = workbook.worksheet_range("Рост загрузки").unwrap();
        let moscow_name = Data::String("ЦОД Москва".into());
        let moscow = (1..growth.height())
            .find(|row| growth.get((*row, 0)) == Some(&moscow_name))
            .unwrap();
        let number = |column: usize| match growth.get((moscow, column)) {
            Some(Data::Float(value)) => *value,
            other => panic!("column {column}: {other:?}"),
        };
        assert!((number(2) - 46.8875).abs() < 1e-9);
        assert!((number(3) - 62.3875).abs() < 1e-9);
        assert!((number(4) - 15.5).abs() < 1e-9);

        let placements = workbook.worksheet_range("Свой ЦОД и облако").unwrap();
        assert_eq!(placements.get((1, 1)), Some(&Data::Float(2.0)), "own sites");
        assert_eq!(
            placements.get((1, 3)),
            Some(&Data::Float(24.0)),
            "own cores"
        );
        // Keep, scale up, add nodes.
        assert_eq!(placements.get((1, 6)), Some(&Data::Float(2.0)));
        assert_eq!(placements.get((1, 7)), Some(&Data::Float(1.0)));
        assert_eq!(placements.get((1, 8)), Some(&Data::Float(2.0)));

        let recommendations = workbook.worksheet_range("Рекомендации").unwrap();
        assert_eq!(
            recommendations.height(),
            8,
            "a header and 7 recommendations"
        );
    }
);
