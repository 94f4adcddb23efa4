//! `vitrina demo --events N`: storefront traffic of several demo shops over the last days,
//! stored through the event writer that `POST /api/v1/events` uses, so rollups are kept and
//! repeated event ids are counted as duplicates exactly as on ingestion.

pub mod generate;
mod sample;

use std::time::{Duration as StdDuration, Instant};

use anyhow::Context as _;
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use domain::analytics::bots::BotRules;
use domain::analytics::context::describe;
use domain::analytics::money::{Currency, Rate, RateLookup as _, moscow_date};
use domain::analytics::rates::RateRow;
use store::Db;
use store::analytics::events::{NewEvent, ShopZone};
use store::analytics::writer::EventWriter;
use store::shops::{self, NewShop};
use tokio::task::JoinSet;

use generate::{Generated, Generator, Plan, ZONES};

/// Events per writer request, the largest batch `POST /api/v1/events` accepts.
const REQUEST_EVENTS: usize = 1000;
/// Writer requests in flight. The writer commits up to 10,000 queued events in one
/// transaction, so this keeps two transactions' worth queued while the generator works.
const REQUESTS_IN_FLIGHT: usize = 20;
/// Seconds between progress lines.
const PROGRESS_SECONDS: u64 = 5;
/// Demo exchange rates in ten-thousandths of a rouble per unit, before a small daily wave.
const DEMO_RATES: [(&str, i64); 2] = [("USD", 91_0000), ("EUR", 100_0000)];

/// Options of a traffic run.
#[derive(Debug, Clone)]
pub struct Options {
    pub events: u64,
    pub shops: u32,
    pub days: u32,
    pub seed: u64,
    /// The end of the period, normally now.
    pub end: DateTime<Utc>,
}

/// Counts of a finished run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Report {
    /// Events sent to the writer, repeated deliveries included.
    pub sent: u64,
    /// Events stored as new.
    pub stored: u64,
    /// Events whose id the shop had already: repeated deliveries, or every event of an
    /// earlier run with the same options.
    pub duplicates: u64,
    pub seconds: f64,
}

/// Creates the demo shops that are missing, fills missing USD and EUR rates of the period,
/// and stores the generated events, printing progress on stdout.
pub async fn run(db: &Db, writer: &EventWriter, options: &Options) -> anyhow::Result<Report> {
    if options.shops == 0 || options.days == 0 {
        anyhow::bail!(
            "invalid --shops {} or --days {}: both must be at least 1",
            options.shops,
            options.days
        );
    }
    let shops = ensure_shops(db, options.shops, options.end).await?;
    let start = options.end - Duration::days(i64::from(options.days));
    let rates = fill_rates(db, start, options.end).await?;
    println!(
        "Writing {} events of {} shops over {} days (seed {}); {rates} exchange rates added.",
        options.events,
        shops.len(),
        options.days,
        options.seed
    );

    let plan = Plan {
        events: options.events,
        shops: shops
            .iter()
            .map(|(slug, shop)| (slug.clone(), shop.zone))
            .collect(),
        days: options.days,
        seed: options.seed,
        end: options.end,
    };
    let mut generator = Generator::new(plan)?;
    let rules = BotRules::default();
    let started = Instant::now();
    let mut last_progress = Instant::now();
    let mut sending = Sending::default();
    while let Some(day) = generator.next_day() {
        let mut batches: Vec<Vec<NewEvent>> = vec![Vec::new(); shops.len()];
        for Generated { shop, event } in day {
            batches[shop].push(NewEvent {
                context: describe(&event, &rules, None),
                event,
                session_given: false,
            });
            if batches[shop].len() >= REQUEST_EVENTS {
                let batch = std::mem::take(&mut batches[shop]);
                sending.send(writer, shops[shop].1, batch).await?;
            }
        }
        for (shop, batch) in batches.into_iter().enumerate() {
            sending.send(writer, shops[shop].1, batch).await?;
        }
        if last_progress.elapsed() >= StdDuration::from_secs(PROGRESS_SECONDS) {
            last_progress = Instant::now();
            let (done, days) = generator.progress();
            let seconds = started.elapsed().as_secs_f64();
            println!(
                "day {done} of {days}: {} of {} events sent, {:.0} events/s",
                generator.sent(),
                options.events,
                generator.sent() as f64 / seconds
            );
        }
    }
    sending.finish().await?;
    let report = Report {
        sent: sending.sent,
        stored: sending.stored,
        duplicates: sending.sent - sending.stored,
        seconds: started.elapsed().as_secs_f64(),
    };
    println!(
        "Stored {} events ({} duplicates) in {:.1} s: {:.0} events/s.",
        report.stored,
        report.duplicates,
        report.seconds,
        report.sent as f64 / report.seconds
    );
    Ok(report)
}

/// Writer requests in flight and the counts of the finished ones.
#[derive(Default)]
struct Sending {
    tasks: JoinSet<store::Result<(u64, u64)>>,
    sent: u64,
    stored: u64,
}

impl Sending {
    async fn send(
        &mut self,
        writer: &EventWriter,
        shop: ShopZone,
        batch: Vec<NewEvent>,
    ) -> anyhow::Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        while self.tasks.len() >= REQUESTS_IN_FLIGHT {
            self.collect_one().await?;
        }
        let writer = writer.clone();
        let size = batch.len() as u64;
        self.tasks.spawn(async move {
            let stored = writer.insert(shop, batch, domain::time::now()).await?;
            Ok((size, stored))
        });
        Ok(())
    }

    async fn collect_one(&mut self) -> anyhow::Result<()> {
        if let Some(joined) = self.tasks.join_next().await {
            let (size, stored) = joined
                .context("an event writer request failed")?
                .context("cannot store the events")?;
            self.sent += size;
            self.stored += stored;
        }
        Ok(())
    }

    async fn finish(&mut self) -> anyhow::Result<()> {
        while !self.tasks.is_empty() {
            self.collect_one().await?;
        }
        Ok(())
    }
}

/// Returns the slug of demo shop `number`, counted from 1.
pub fn shop_slug(number: u32) -> String {
    format!("demo-shop-{number:02}")
}

/// Owners of the first demo shops, by shop number from 1; later shops have no owner.
const SHOP_OWNERS: [&str; 2] = [super::portal::COMPANY, super::portal::OTHER_COMPANY];

/// Finds or creates the demo shops `demo-shop-01` to `demo-shop-NN`, with zones in turn from
/// [`ZONES`] and the owners of [`SHOP_OWNERS`] when those clients exist. An existing shop
/// keeps its zone and its owner.
pub(crate) async fn ensure_shops(
    db: &Db,
    count: u32,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<(String, ShopZone)>> {
    let mut found = Vec::with_capacity(count as usize);
    for number in 1..=count {
        let slug = shop_slug(number);
        let shop = match shops::find_by_slug(db, &slug).await? {
            Some(shop) => shop,
            None => {
                let zone = ZONES[(number as usize - 1) % ZONES.len()];
                let client_id = match SHOP_OWNERS.get(number as usize - 1) {
                    Some(owner) => super::portal::company_id(db, owner).await?,
                    None => None,
                };
                let new = NewShop {
                    slug: slug.clone(),
                    name: format!("Демо-магазин {number:02}"),
                    time_zone: zone.to_string(),
                    client_id,
                };
                let (shop, _key) = shops::create(db, &new, now)
                    .await
                    .with_context(|| format!("cannot create the demo shop {slug}"))?;
                tracing::info!(shop_id = shop.id, %slug, zone, ?client_id, "demo shop created");
                shop
            }
        };
        let zone: Tz = shop.zone()?;
        found.push((slug, ShopZone { id: shop.id, zone }));
    }
    Ok(found)
}

/// Adds a demo USD and EUR rate for each Moscow date of the period that has no rate in force,
/// so stored rates are never replaced. Returns the number added.
async fn fill_rates(db: &Db, start: DateTime<Utc>, end: DateTime<Utc>) -> anyhow::Result<usize> {
    let table = store::analytics::rates::load(db).await?;
    let mut rows = Vec::new();
    let (first, last) = (moscow_date(start), moscow_date(end));
    for (code, base) in DEMO_RATES {
        let currency =
            Currency::parse(code).ok_or_else(|| anyhow::anyhow!("invalid currency code {code}"))?;
        let mut date = first;
        let mut day = 0i64;
        while date <= last {
            if table.rate(currency, date).is_none() {
                rows.push(RateRow {
                    date,
                    currency,
                    rate: Rate {
                        nominal: 1,
                        // Up to ±1.5 roubles over a two-week cycle.
                        value_ten_thousandths: base + (day % 14 - 7) * 2000,
                    },
                });
            }
            day += 1;
            match date.succ_opt() {
                Some(next) => date = next,
                None => break,
            }
        }
    }
    Ok(store::analytics::rates::upsert(db, &rows).await?)
}
