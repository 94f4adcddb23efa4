//! The deterministic part of the traffic generator: visitors, sessions and their events, one
//! day at a time, from a seed. Nothing here touches a database.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};

use chrono::{DateTime, Datelike, Duration, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use domain::analytics::money::Currency;
use domain::analytics::{Event, EventType};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

use super::sample;

/// Time zones the demo shops get in turn.
pub const ZONES: [&str; 5] = [
    "Europe/Moscow",
    "Asia/Yekaterinburg",
    "Asia/Vladivostok",
    "Europe/Kaliningrad",
    "America/New_York",
];

/// Share of visitors that are crawlers, per 10,000 (an assumption).
const BOTS_PER_10000: u64 = 200;
/// Share of visitors signed in to a customer account, per 10,000 (an assumption).
const REGISTERED_PER_10000: u64 = 2500;
/// Share of events sent twice with the same id, per 100,000, as a storefront retrying a
/// request whose response it lost (an assumption).
const RESENT_EVENTS_PER_100000: u64 = 100;
/// Share of purchases sent a second time with a new event id and the same order id, per
/// 1,000 (an assumption).
const RESENT_ORDERS_PER_1000: u64 = 5;
/// Share of orders refunded in full one to five days later, per 1,000 (an assumption).
const REFUNDS_PER_1000: u64 = 30;
/// Checkouts that end in a purchase, per 100 checkouts (an assumption; the sample has no
/// checkout events). Every purchase follows a checkout of its session, and the other
/// checkouts are abandoned.
const CHECKOUT_PURCHASES_PER_100: u32 = 60;
/// Seconds from opening the checkout form to the purchase: at least the first, at most
/// their sum (an assumption).
const CHECKOUT_SECONDS: (i64, u64) = (30, 300);
/// Products per category; popularity falls steeply with the product's number.
const PRODUCTS_PER_CATEGORY: f64 = 300.0;

/// Browser user agents with their share per 1,000 visitors (an assumption).
const BROWSERS: [(&str, u32); 5] = [
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) \
         Chrome/124.0 Safari/537.36",
        350,
    ),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) \
         Version/17.4 Safari/605.1.15",
        100,
    ),
    (
        "Mozilla/5.0 (Linux; Android 14; SM-A546B) AppleWebKit/537.36 (KHTML, like Gecko) \
         Chrome/124.0 Mobile Safari/537.36",
        350,
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 \
         (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
        150,
    ),
    (
        "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) \
         Version/17.4 Mobile/15E148 Safari/604.1",
        50,
    ),
];

/// Crawler user agents that the bot rules recognise.
const CRAWLERS: [&str; 4] = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
];

/// Arrival sources of sessions with their share per 1,000 sessions (an assumption): the first
/// event's referrer and the query string of its URL.
const ARRIVALS: [(Option<&str>, &str, u32); 9] = [
    (None, "", 400),
    (Some("https://ya.ru/"), "", 180),
    (Some("https://www.google.com/"), "", 120),
    (Some("https://vk.com/"), "", 60),
    (Some("https://t.me/"), "", 40),
    (Some("https://market.example.org/review"), "", 50),
    (
        None,
        "?utm_source=yandex&utm_medium=cpc&utm_campaign=autumn",
        90,
    ),
    (
        None,
        "?utm_source=vk&utm_medium=social&utm_campaign=stories",
        40,
    ),
    (None, "?utm_source=newsletter&utm_medium=email", 20),
];

/// Currencies of visitors per 10,000 (an assumption). KZT gets no rate, so the summary
/// shows its amounts as unconverted.
const CURRENCIES: [(&str, u32); 4] = [("RUB", 9470), ("USD", 400), ("EUR", 100), ("KZT", 30)];
/// Minor units of each currency per kopeck, times 1,000, at the demo rates.
const MINOR_PER_KOPECK_THOUSANDTHS: [(&str, i64); 4] =
    [("RUB", 1000), ("USD", 11), ("EUR", 10), ("KZT", 5000)];

/// Top-level categories with their Russian URL segment and their growth over the period, an
/// assumption so that market trends show risers and fallers. A growth of 0.6 raises the
/// category's share by 60 % of its base from the first day to the last.
const TOP_LEVELS: [(&str, &str, f64); 10] = [
    ("electronics", "электроника", 0.0),
    ("appliances", "бытовая-техника", 0.5),
    ("computers", "компьютеры", -0.3),
    ("furniture", "мебель", 0.8),
    ("apparel", "одежда", -0.5),
    ("auto", "авто", 0.3),
    ("construction", "стройка", -0.2),
    ("kids", "детям", 1.0),
    ("accessories", "аксессуары", 0.0),
    ("sport", "спорт", 0.6),
];

/// Generation parameters.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Events to send, repeated ones included.
    pub events: u64,
    /// Shops as (slug, zone); the first ones get the most traffic.
    pub shops: Vec<(String, Tz)>,
    pub days: u32,
    pub seed: u64,
    /// The last instant of the period; no event is later.
    pub end: DateTime<Utc>,
}

/// A generated event of the shop at `shop` in [`Plan::shops`].
#[derive(Debug, Clone, PartialEq)]
pub struct Generated {
    pub shop: usize,
    pub event: Event,
}

/// SplitMix64 (Steele, Lea and Flood 2014): small, fast and the same on every platform, so
/// a seed always gives the same traffic.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Returns a number in `0..bound`; `bound` must be above zero.
    pub fn below(&mut self, bound: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(bound)) >> 64) as u64
    }

    /// Returns a number in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Returns whether an event of probability `per` in `of` happens.
    fn chance(&mut self, per: u64, of: u64) -> bool {
        self.below(of) < per
    }
}

/// Picks an index with probability proportional to `weights`, whose cumulative sums are given.
fn pick(rng: &mut Rng, cumulative: &[f64]) -> usize {
    let total = cumulative.last().copied().unwrap_or(0.0);
    let target = rng.unit() * total;
    cumulative
        .partition_point(|&sum| sum <= target)
        .min(cumulative.len().saturating_sub(1))
}

fn cumulative(weights: impl IntoIterator<Item = f64>) -> Vec<f64> {
    let mut sum = 0.0;
    weights
        .into_iter()
        .map(|weight| {
            sum += weight;
            sum
        })
        .collect()
}

/// Reads a value from a table of (quantile, value) pairs at quantile `q`, interpolating
/// linearly between the pairs.
fn quantile(table: &[(f64, f64)], q: f64) -> f64 {
    for pair in table.windows(2) {
        let ((q0, v0), (q1, v1)) = (pair[0], pair[1]);
        if q <= q1 {
            let part = if q1 > q0 { (q - q0) / (q1 - q0) } else { 0.0 };
            return v0 + (v1 - v0) * part;
        }
    }
    table.last().map_or(0.0, |(_, value)| *value)
}

/// A visitor: one browser of one shop.
#[derive(Debug, Clone, Copy)]
struct Visitor {
    number: u64,
    shop: usize,
    /// Index into [`BROWSERS`], or into [`CRAWLERS`] for a bot.
    agent: usize,
    bot: bool,
    registered: bool,
    currency: usize,
    ip: Ipv4Addr,
    /// Sessions still to come after the current one.
    returns: u32,
}

/// A demo shop's fixed traits.
struct ShopTraits {
    /// UTC offset in seconds at the end of the period.
    offset: i64,
    /// Relative traffic.
    size: f64,
    /// Index into [`TOP_LEVELS`] of the shop's specialty, viewed four times as often.
    specialty: usize,
    host: String,
}

/// Generates the plan's events day by day; see [`Generator::next_day`].
pub struct Generator {
    plan: Plan,
    rng: Rng,
    shops: Vec<ShopTraits>,
    shop_sizes: Vec<f64>,
    /// Cumulative event target at the end of each day, the last one equal to the plan's.
    day_targets: Vec<u64>,
    day: u32,
    /// Cumulative event target of the current day.
    target: u64,
    sent: u64,
    visitors: u64,
    sessions: u64,
    orders: u64,
    /// Returning visitors by the day of their next session.
    returning: BTreeMap<u32, Vec<Visitor>>,
    /// Refunds by the day they are sent.
    refunds: BTreeMap<u32, Vec<Generated>>,
    session_events: Vec<f64>,
    visitor_sessions: Vec<f64>,
    browsers: Vec<f64>,
    arrivals: Vec<f64>,
    currencies: Vec<f64>,
    hours: Vec<f64>,
}

impl Generator {
    /// Prepares the generator; fails on a plan without shops or days.
    pub fn new(plan: Plan) -> anyhow::Result<Generator> {
        if plan.shops.is_empty() || plan.days == 0 {
            anyhow::bail!("invalid plan: at least one shop and one day are needed");
        }
        let mut shops = Vec::with_capacity(plan.shops.len());
        for (index, (slug, zone)) in plan.shops.iter().enumerate() {
            let offset = zone
                .offset_from_utc_datetime(&plan.end.naive_utc())
                .fix()
                .local_minus_utc();
            shops.push(ShopTraits {
                offset: i64::from(offset),
                size: 1.0 / ((index + 1) as f64).powf(0.6),
                specialty: index % TOP_LEVELS.len(),
                host: format!("https://{slug}.example.ru"),
            });
        }
        let shop_sizes = cumulative(shops.iter().map(|shop| shop.size));

        let start = plan.end - Duration::days(i64::from(plan.days));
        let day_weights: Vec<f64> = (0..plan.days)
            .map(|day| {
                let date = (start + Duration::days(i64::from(day))).date_naive();
                let weekday = sample::WEEKDAYS[date.weekday().num_days_from_monday() as usize];
                weekday * (1.0 + 0.2 * f64::from(day) / f64::from(plan.days))
            })
            .collect();
        let total: f64 = day_weights.iter().sum();
        let day_targets = cumulative(day_weights)
            .into_iter()
            .map(|sum| (plan.events as f64 * sum / total).round() as u64)
            .map(|target| target.min(plan.events))
            .collect::<Vec<_>>();

        Ok(Generator {
            rng: Rng::new(plan.seed),
            shops,
            shop_sizes,
            day_targets,
            day: 0,
            target: 0,
            sent: 0,
            visitors: 0,
            sessions: 0,
            orders: 0,
            returning: BTreeMap::new(),
            refunds: BTreeMap::new(),
            session_events: cumulative(sample::SESSION_EVENTS.iter().map(|(_, n)| f64::from(*n))),
            visitor_sessions: cumulative(
                sample::VISITOR_SESSIONS.iter().map(|(_, n)| f64::from(*n)),
            ),
            browsers: cumulative(BROWSERS.iter().map(|(_, n)| f64::from(*n))),
            arrivals: cumulative(ARRIVALS.iter().map(|(_, _, n)| f64::from(*n))),
            currencies: cumulative(CURRENCIES.iter().map(|(_, n)| f64::from(*n))),
            hours: cumulative(sample::HOURS.iter().map(|n| f64::from(*n))),
            plan,
        })
    }

    /// Returns the events sent so far, repeated ones included.
    pub fn sent(&self) -> u64 {
        self.sent
    }

    /// Returns the current day's number from 0 and the number of days.
    pub fn progress(&self) -> (u32, u32) {
        (self.day, self.plan.days)
    }

    /// Returns the next day's events in time order, or `None` after the last day. The days
    /// are 24-hour spans ending at the plan's end.
    pub fn next_day(&mut self) -> Option<Vec<Generated>> {
        if self.day >= self.plan.days {
            return None;
        }
        let day = self.day;
        let day_start =
            self.plan.end - Duration::days(i64::from(self.plan.days)) + Duration::days(day.into());
        let target = self.day_targets[day as usize];
        self.target = target;
        let categories = self.category_weights(day);
        let mut events = self.refunds.remove(&day).unwrap_or_default();
        events.truncate(target.saturating_sub(self.sent) as usize);
        self.sent += events.len() as u64;

        let mut returning = self.returning.remove(&day).unwrap_or_default().into_iter();
        while self.sent < target {
            let visitor = match returning.next() {
                Some(visitor) => visitor,
                None => self.new_visitor(),
            };
            self.session(visitor, day, day_start, &categories, &mut events);
        }
        // Visitors whose return did not fit in the day's volume come back the next day.
        let left: Vec<Visitor> = returning.collect();
        if !left.is_empty() {
            self.returning.entry(day + 1).or_default().extend(left);
        }
        events.sort_by_key(|generated| generated.event.time);
        self.day += 1;
        Some(events)
    }

    /// Cumulative category weights of each shop on `day`: the sample's views, the shop's
    /// specialty four times as often, and each top level's growth over the period.
    fn category_weights(&self, day: u32) -> Vec<Vec<f64>> {
        let position = if self.plan.days > 1 {
            f64::from(day) / f64::from(self.plan.days - 1) - 0.5
        } else {
            0.0
        };
        self.shops
            .iter()
            .map(|shop| {
                cumulative(sample::CATEGORY_VIEWS.iter().map(|(code, views)| {
                    let top = code.split('.').next().unwrap_or("");
                    let mut weight = f64::from(*views);
                    if let Some(index) = TOP_LEVELS.iter().position(|(name, _, _)| *name == top) {
                        weight *= 1.0 + TOP_LEVELS[index].2 * position;
                        if index == shop.specialty {
                            weight *= 4.0;
                        }
                    }
                    weight
                }))
            })
            .collect()
    }

    fn new_visitor(&mut self) -> Visitor {
        self.visitors += 1;
        let rng = &mut self.rng;
        let bot = rng.chance(BOTS_PER_10000, 10_000);
        let agent = if bot {
            rng.below(CRAWLERS.len() as u64) as usize
        } else {
            pick(rng, &self.browsers)
        };
        let sessions = sample::VISITOR_SESSIONS[pick(rng, &self.visitor_sessions)].0;
        let registered = !bot && rng.chance(REGISTERED_PER_10000, 10_000);
        let currency = if bot { 0 } else { pick(rng, &self.currencies) };
        let ip_bits = rng.below(1 << 17) as u32;
        Visitor {
            number: self.visitors,
            shop: pick(rng, &self.shop_sizes),
            agent,
            bot,
            registered,
            currency,
            // 198.18.0.0/15 is reserved for benchmarks (RFC 2544), so no real client has it.
            ip: Ipv4Addr::from(0xc612_0000 | ip_bits),
            returns: sessions - 1,
        }
    }

    /// Appends one session of `visitor` that starts on `day`, stopping early when the day's
    /// target is reached or the period ends.
    fn session(
        &mut self,
        mut visitor: Visitor,
        day: u32,
        day_start: DateTime<Utc>,
        categories: &[Vec<f64>],
        events: &mut Vec<Generated>,
    ) {
        self.sessions += 1;
        let seed = self.plan.seed;
        let session_id = format!("s-{seed}-{}", self.sessions);
        let length = sample::SESSION_EVENTS[pick(&mut self.rng, &self.session_events)].0;
        let offset = self.shops[visitor.shop].offset;
        let hour = pick(&mut self.rng, &self.hours) as i64;
        // The local hour `hour` of this UTC day, as seconds after `day_start`.
        let start_hour = day_start.timestamp().div_euclid(3600).rem_euclid(24);
        let offset_hours = (hour - offset / 3600 - start_hour).rem_euclid(24);
        let mut time =
            day_start + Duration::seconds(offset_hours * 3600 + self.rng.below(3600) as i64);
        let arrival = ARRIVALS[pick(&mut self.rng, &self.arrivals)];
        let categories = &categories[visitor.shop];
        let mut category = pick(&mut self.rng, categories);
        let mut product = self.product_number();

        for position in 0..length {
            if self.sent >= self.target || time > self.plan.end {
                break;
            }
            if position > 0 {
                let gap = quantile(&sample::GAP_SECONDS, self.rng.unit());
                time += Duration::milliseconds((gap * 1000.0) as i64);
                if self.rng.chance(2, 10) {
                    category = pick(&mut self.rng, categories);
                }
                if self.rng.chance(6, 10) {
                    product = self.product_number();
                }
                if time > self.plan.end {
                    break;
                }
            }
            let kind = self.event_kind(visitor.bot);
            let mut first = position == 0;
            if kind == EventType::Purchase {
                // The checkout form opens first; its event takes the arrival of a first event.
                let checkout_kind = EventType::Checkout;
                let mut checkout = self.event(
                    &visitor,
                    &session_id,
                    checkout_kind,
                    time,
                    category,
                    product,
                );
                if first {
                    arrive(&mut checkout, arrival);
                    first = false;
                }
                self.push(visitor.shop, checkout, events);
                let (least, spread) = CHECKOUT_SECONDS;
                time += Duration::seconds(least + self.rng.below(spread) as i64);
                if self.sent >= self.target || time > self.plan.end {
                    break;
                }
            }
            let mut event = self.event(&visitor, &session_id, kind, time, category, product);
            if first {
                arrive(&mut event, arrival);
            }
            if kind == EventType::Purchase {
                self.purchase(&mut event, visitor.shop, day, events);
            }
            self.push(visitor.shop, event, events);
        }

        if visitor.returns > 0 {
            visitor.returns -= 1;
            let later = day + 1 + self.rng.below(14) as u32;
            if later < self.plan.days {
                self.returning.entry(later).or_default().push(visitor);
            }
        }
    }

    /// Draws the kind of a session's next step. A purchase step sends a checkout and then
    /// the purchase. The checkout events come out of the sample's views, so the share of
    /// adds to cart and purchases among all events stays the sample's.
    fn event_kind(&mut self, bot: bool) -> EventType {
        if bot {
            return EventType::ProductView;
        }
        let checkouts = sample::PURCHASES * 100 / CHECKOUT_PURCHASES_PER_100;
        let abandoned = checkouts - sample::PURCHASES;
        let views = sample::VIEWS - checkouts;
        let total = u64::from(views + sample::ADDS_TO_CART + abandoned + sample::PURCHASES);
        let draw = self.rng.below(total) as u32;
        if draw < sample::PURCHASES {
            EventType::Purchase
        } else if draw < sample::PURCHASES + abandoned {
            EventType::Checkout
        } else if draw < sample::PURCHASES + abandoned + sample::ADDS_TO_CART {
            EventType::AddToCart
        } else {
            EventType::ProductView
        }
    }

    /// Draws a product number: the first products of a category are by far the most viewed.
    fn product_number(&mut self) -> u64 {
        (PRODUCTS_PER_CATEGORY * self.rng.unit().powi(3)) as u64
    }

    fn event(
        &mut self,
        visitor: &Visitor,
        session: &str,
        kind: EventType,
        time: DateTime<Utc>,
        category: usize,
        product: u64,
    ) -> Event {
        let cyrillic = self.rng.chance(2, 10);
        let shop = &self.shops[visitor.shop];
        let code = sample::CATEGORY_VIEWS[category].0;
        let product_id = format!("p{category}-{product}");
        let path = product_path(code, &product_id, cyrillic);
        let currency_code = CURRENCIES[visitor.currency].0;
        let kopecks = product_price_kopecks(category, product);
        let per_kopeck = MINOR_PER_KOPECK_THOUSANDTHS[visitor.currency].1;
        let user_agent = if visitor.bot {
            CRAWLERS[visitor.agent]
        } else {
            BROWSERS[visitor.agent].0
        };
        Event {
            id: format!("e-{}-{}", self.plan.seed, self.sent),
            kind,
            time,
            visitor: format!("v-{}-{}", self.plan.seed, visitor.number),
            session: Some(session.to_string()),
            url: Some(format!("{}{path}", shop.host)),
            referrer: None,
            user_agent: Some(user_agent.to_string()),
            ip: Some(IpAddr::V4(visitor.ip)),
            product_id: Some(product_id),
            category: (!code.is_empty()).then(|| code.to_string()),
            price_minor: Some(kopecks * per_kopeck / 1000),
            quantity: 1,
            currency: Currency::parse(currency_code).unwrap_or(Currency::RUB),
            order_id: None,
            revenue_minor: None,
            customer_id: visitor
                .registered
                .then(|| format!("c-{}-{}", self.plan.seed, visitor.number)),
        }
    }

    /// Gives a purchase its order, and schedules a repeated delivery or a refund of it.
    fn purchase(&mut self, event: &mut Event, shop: usize, day: u32, events: &mut Vec<Generated>) {
        self.orders += 1;
        if self.rng.chance(5, 100) {
            event.quantity = 2;
        }
        let order = format!("D-{}-{}", self.plan.seed, self.orders);
        event.order_id = Some(order);
        event.revenue_minor = event
            .price_minor
            .map(|price| price * i64::from(event.quantity));
        if self.rng.chance(RESENT_ORDERS_PER_1000, 1000) {
            let mut again = event.clone();
            again.id = format!("e-{}-{}-again", self.plan.seed, self.sent);
            again.time += Duration::seconds(5);
            self.push(shop, again, events);
        }
        if self.rng.chance(REFUNDS_PER_1000, 1000) {
            let later = 1 + self.rng.below(5) as u32;
            let mut refund = event.clone();
            refund.id = format!("e-{}-{}-refund", self.plan.seed, self.sent);
            refund.kind = EventType::Refund;
            refund.time += Duration::days(later.into());
            if refund.time <= self.plan.end && day + later < self.plan.days {
                self.refunds
                    .entry(day + later)
                    .or_default()
                    .push(Generated {
                        shop,
                        event: refund,
                    });
            }
        }
    }

    /// Appends an event and, now and then, the same event again as a retried delivery, unless
    /// the day's target is reached.
    fn push(&mut self, shop: usize, event: Event, events: &mut Vec<Generated>) {
        if self.sent >= self.target {
            return;
        }
        self.sent += 1;
        if self.rng.chance(RESENT_EVENTS_PER_100000, 100_000) && self.sent < self.target {
            self.sent += 1;
            events.push(Generated {
                shop,
                event: event.clone(),
            });
        }
        events.push(Generated { shop, event });
    }
}

/// Gives the first event of a session its arrival: the referrer and the URL's query string.
fn arrive(event: &mut Event, arrival: (Option<&str>, &str, u32)) {
    event.referrer = arrival.0.map(str::to_string);
    if let Some(url) = event.url.as_mut() {
        url.push_str(arrival.1);
    }
}

/// Builds a product page's path: `/catalog/electronics/smartphone/p1-7`, or the same under
/// `/каталог/` with a Russian top level, percent-encoded as browsers send it.
fn product_path(code: &str, product_id: &str, cyrillic: bool) -> String {
    if code.is_empty() {
        return format!("/product/{product_id}");
    }
    let mut parts = code.split('.');
    let top = parts.next().unwrap_or("");
    let rest: Vec<&str> = parts.collect();
    let russian = TOP_LEVELS
        .iter()
        .find(|(name, _, _)| *name == top)
        .map(|(_, russian, _)| *russian);
    match russian {
        Some(russian) if cyrillic => {
            let mut path = format!(
                "/{}/{}",
                utf8_percent_encode("каталог", NON_ALPHANUMERIC),
                utf8_percent_encode(russian, NON_ALPHANUMERIC)
            );
            for part in rest {
                path.push('/');
                path.push_str(part);
            }
            path.push('/');
            path.push_str(product_id);
            path
        }
        _ => format!("/catalog/{}/{product_id}", code.replace('.', "/")),
    }
}

/// Returns a product's price in kopecks, the same on every view: a draw from the sample's
/// price distribution keyed by the product, zero for a few products as in the sample.
fn product_price_kopecks(category: usize, product: u64) -> i64 {
    let mut rng = Rng::new((category as u64) << 32 | product);
    let key = rng.next_u64();
    if key % 10_000 < sample::ZERO_PRICE_PER_10000 {
        return 0;
    }
    let roubles = quantile(&sample::PRICES, rng.unit());
    (roubles * 100.0).round() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(seed: u64) -> Plan {
        Plan {
            events: 20_000,
            shops: ["a", "b", "c"]
                .iter()
                .zip(ZONES)
                .map(|(slug, zone)| (slug.to_string(), zone.parse().unwrap()))
                .collect(),
            days: 7,
            seed,
            end: Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap(),
        }
    }

    fn all(plan: Plan) -> Vec<Generated> {
        let mut generator = Generator::new(plan).unwrap();
        let mut events = Vec::new();
        while let Some(day) = generator.next_day() {
            events.extend(day);
        }
        events
    }

    #[test]
    fn generator_sends_exactly_the_planned_events() {
        let events = all(plan(1));
        assert_eq!(events.len(), 20_000);
    }

    #[test]
    fn generator_is_deterministic_per_seed() {
        assert_eq!(all(plan(5)), all(plan(5)));
        assert_ne!(all(plan(5)), all(plan(6)));
    }

    #[test]
    fn generator_stays_inside_the_period() {
        let plan = plan(2);
        let (start, end) = (plan.end - Duration::days(7), plan.end);
        for generated in all(plan) {
            assert!(generated.event.time >= start, "{:?}", generated.event);
            assert!(generated.event.time <= end, "{:?}", generated.event);
        }
    }

    #[test]
    fn generator_follows_the_sample_mix() {
        let events = all(plan(3));
        let count = |kind| events.iter().filter(|g| g.event.kind == kind).count() as f64;
        let total = events.len() as f64;
        let views = count(EventType::ProductView) / total;
        let purchases = count(EventType::Purchase) / total;
        let uncategorised = events
            .iter()
            .filter(|g| g.event.kind == EventType::ProductView && g.event.category.is_none())
            .count() as f64
            / count(EventType::ProductView);
        let checkouts = count(EventType::Checkout) / total;
        assert!((0.95..0.99).contains(&views), "views {views}");
        assert!((0.008..0.016).contains(&purchases), "purchases {purchases}");
        // 60 of 100 checkouts end in a purchase; the day's cut-off may drop a few purchases.
        let completed = purchases / checkouts;
        assert!(
            (0.5..0.7).contains(&completed),
            "purchases per checkout {completed}"
        );
        assert!(
            (0.20..0.40).contains(&uncategorised),
            "uncategorised {uncategorised}"
        );
        assert!(events.iter().any(|g| g.event.kind == EventType::Refund));
        assert!(events.iter().any(|g| g.event.currency.as_str() == "USD"));
        assert!(events.iter().any(|g| {
            g.event
                .url
                .as_deref()
                .is_some_and(|url| url.contains("%D0%BA%D0%B0%D1%82%D0%B0%D0%BB%D0%BE%D0%B3"))
        }));
    }

    #[test]
    fn generator_checks_out_before_each_purchase() {
        let events = all(plan(4));
        let mut checked_out = std::collections::HashSet::new();
        let mut purchases = 0;
        for generated in &events {
            let event = &generated.event;
            let session = event.session.clone();
            match event.kind {
                EventType::Checkout => {
                    checked_out.insert(session);
                }
                EventType::Purchase if !event.id.ends_with("-again") => {
                    purchases += 1;
                    assert!(checked_out.contains(&session), "{event:?}");
                }
                _ => {}
            }
        }
        assert!(purchases > 100, "purchases {purchases}");
    }

    #[test]
    fn product_price_is_stable() {
        assert_eq!(product_price_kopecks(3, 7), product_price_kopecks(3, 7));
        let prices: Vec<i64> = (0..1000).map(|p| product_price_kopecks(1, p)).collect();
        let median = {
            let mut sorted = prices.clone();
            sorted.sort_unstable();
            sorted[500]
        };
        assert!((10_000..25_000).contains(&median), "median {median}");
    }
}
