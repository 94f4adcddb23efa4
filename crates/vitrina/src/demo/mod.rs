//! Demo data, so a new installation's first page is never empty: staff of every role,
//! clients of every kind with two client users of one of them, tariff plans, contracts,
//! demo shops with a month of storefront traffic, deals and a claim, tickets of every kind in every status, and incidents raised
//! by Zabbix deliveries. Some contracts, shops and tickets belong to the client users'
//! company, so its portal is not empty.
//!
//! Loading is skipped when the database has any ticket, so running it again, or on a
//! database in use, adds nothing.

mod clients;
mod infra;
mod portal;
mod sales;
mod staff;
mod tickets;
pub mod traffic;
mod zabbix;

use anyhow::Context as _;
use store::Db;
use web::AppState;
use web::identity::password;

pub use staff::STAFF;

/// The password of every demo user. It is printed and documented, so demo users must be
/// disabled before real data goes in (`vitrina user disable LOGIN`).
pub const PASSWORD: &str = "vitrina-demo-2026";

/// Demo shops created with the demo data: one of the portal's demo company and one of
/// another client. `vitrina demo --events` fills them and adds more.
const DEMO_SHOPS: u32 = 2;
/// Storefront events generated for the demo shops, so the analytics pages have figures.
const DEMO_EVENTS: u64 = 30_000;
/// Days of demo traffic, up to now: the dashboard's default range.
const DEMO_DAYS: u32 = 30;

/// Lease name that keeps two instances from loading demo data at once.
const LEASE: &str = "demo_load";

/// The result of loading demo data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Loaded {
        tickets: i64,
        deliveries: usize,
    },
    /// The database had tickets already; nothing was added.
    AlreadyPresent,
    /// Another instance is loading demo data right now.
    Busy,
}

/// Loads the demo data unless the database has tickets.
pub async fn load(state: &AppState) -> anyhow::Result<Outcome> {
    let db = &state.db;
    let holder = format!("demo-{}", password::random_token(8));
    let now = domain::time::now();
    if !store::jobs::try_lease(db, LEASE, &holder, now, chrono::Duration::minutes(10)).await? {
        return Ok(Outcome::Busy);
    }
    let result = load_unless_present(state).await;
    let error = result.as_ref().err().map(|e| format!("{e:#}"));
    store::jobs::release(db, LEASE, &holder, domain::time::now(), error.as_deref()).await?;
    result
}

async fn load_unless_present(state: &AppState) -> anyhow::Result<Outcome> {
    let db = &state.db;
    if ticket_count(db).await? > 0 {
        return Ok(Outcome::AlreadyPresent);
    }
    tracing::info!("loading demo data");
    let staff = staff::ensure(db).await?;
    let now = domain::time::now();
    let clients = clients::load(db, now).await?;
    tracing::info!(clients, "demo clients loaded");
    portal::ensure(db).await?;
    let shops = traffic::ensure_shops(db, DEMO_SHOPS, now).await?;
    tracing::info!(
        shops = shops.len(),
        "demo shops of the portal's clients loaded"
    );
    if let Some(writer) = &state.event_writer {
        let options = traffic::Options {
            events: DEMO_EVENTS,
            shops: DEMO_SHOPS,
            days: DEMO_DAYS,
            seed: 1,
            end: now,
        };
        let report = traffic::run(db, writer, &options).await?;
        tracing::info!(events = report.stored, "demo storefront traffic loaded");
    }
    sales::load(db, &staff, now).await?;
    tracing::info!("demo plans, contract, deals and claim loaded");
    tickets::load(db, &staff, now).await?;
    let hosts = infra::load(db, now).await?;
    tracing::info!(hosts, "demo hosts and their metrics loaded");
    let deliveries = zabbix::load(state, &staff, now).await?;
    let tickets = ticket_count(db).await?;
    tracing::info!(tickets, deliveries, "demo data loaded");
    Ok(Outcome::Loaded {
        tickets,
        deliveries,
    })
}

/// Counts every ticket, whatever its status.
pub async fn ticket_count(db: &Db) -> anyhow::Result<i64> {
    let counts = store::servicedesk::tickets::count_by_status(db)
        .await
        .context("cannot count tickets")?;
    Ok(counts.iter().map(|(_, count)| count).sum())
}

/// Prints what loading did and the demo logins that exist, with their password.
pub async fn print_summary(db: &Db, outcome: &Outcome) -> anyhow::Result<()> {
    match outcome {
        Outcome::Loaded {
            tickets,
            deliveries,
        } => println!("Demo data loaded: {tickets} tickets and {deliveries} Zabbix deliveries."),
        Outcome::AlreadyPresent => {
            println!("The database has tickets already; no demo data was added.")
        }
        Outcome::Busy => println!("Another Vitrina instance is loading demo data right now."),
    }
    let mut rows = Vec::new();
    for member in STAFF.iter().chain(&portal::CLIENT_USERS) {
        let user = store::identity::users::find_by_login(db, member.login)
            .await
            .context("cannot read demo users")?;
        if let Some(user) = user.filter(|u| !u.disabled) {
            rows.push((member.login, user.role, member.name));
        }
    }
    if rows.is_empty() {
        return Ok(());
    }
    println!("Demo logins (every password: {PASSWORD}):");
    for (login, role, name) in rows {
        println!("  {login:<14} {PASSWORD}  {role:<13} {name}");
    }
    Ok(())
}
