//! Distributions of the generated traffic. The figures marked "measured" were counted once,
//! by a script that is not part of the repository, on the first 9,999 rows of `2019-Oct.csv`
//! of the REES46 "eCommerce behavior data from multi category store" data set (Kaggle
//! `mkechinov/ecommerce-behavior-data-from-multi-category-store`, 2019-10-01 00:00 to 02:37
//! UTC). The file is neither shipped nor read at run time. Those rows cover two and a half
//! hours of one shop and carry no referrer, device or currency, so the remaining figures are
//! assumptions of this generator and marked as such.

/// Product views by category code, measured: the 48 most viewed codes and `""` for views
/// without a category (3,241 of 9,784 views, 33 %). Together they hold 9,414 views, 96 % of
/// the sample; the 55 rarer codes are left out.
pub const CATEGORY_VIEWS: [(&str, u32); 49] = [
    ("", 3241),
    ("electronics.smartphone", 2704),
    ("electronics.clocks", 342),
    ("computers.notebook", 290),
    ("electronics.audio.headphone", 248),
    ("appliances.environment.vacuum", 149),
    ("appliances.kitchen.refrigerators", 138),
    ("electronics.video.tv", 137),
    ("appliances.kitchen.washer", 136),
    ("appliances.environment.air_heater", 132),
    ("apparel.shoes.keds", 129),
    ("auto.accessories.player", 111),
    ("apparel.shoes", 108),
    ("furniture.living_room.cabinet", 93),
    ("furniture.living_room.sofa", 78),
    ("computers.desktop", 78),
    ("appliances.kitchen.meat_grinder", 78),
    ("furniture.bedroom.bed", 68),
    ("auto.accessories.alarm", 67),
    ("appliances.environment.water_heater", 63),
    ("electronics.telephone", 62),
    ("construction.tools.drill", 50),
    ("auto.accessories.videoregister", 50),
    ("appliances.sewing_machine", 49),
    ("appliances.iron", 47),
    ("construction.tools.saw", 46),
    ("computers.peripherals.monitor", 45),
    ("appliances.kitchen.microwave", 42),
    ("appliances.kitchen.blender", 41),
    ("electronics.tablet", 39),
    ("appliances.kitchen.mixer", 38),
    ("accessories.bag", 38),
    ("appliances.kitchen.oven", 37),
    ("sport.bicycle", 36),
    ("furniture.kitchen.chair", 36),
    ("furniture.kitchen.table", 34),
    ("computers.components.videocards", 33),
    ("appliances.environment.air_conditioner", 32),
    ("computers.components.hdd", 32),
    ("electronics.audio.subwoofer", 30),
    ("construction.tools.welding", 30),
    ("kids.carriage", 29),
    ("appliances.kitchen.grill", 26),
    ("appliances.kitchen.kettle", 25),
    ("construction.tools.pump", 21),
    ("appliances.kitchen.dishwasher", 20),
    ("appliances.kitchen.hood", 20),
    ("construction.tools.generator", 18),
    ("electronics.audio.acoustic", 18),
];

/// Event mix, measured: 9,784 views, 97 adds to cart and 118 purchases of 9,999 rows
/// (97.8 %, 1.0 % and 1.2 %).
pub const VIEWS: u32 = 9784;
pub const ADDS_TO_CART: u32 = 97;
pub const PURCHASES: u32 = 118;

/// Events per session as (events, sessions), measured over the 3,188 sessions. The last entry
/// counts the sessions of 30 events or more.
pub const SESSION_EVENTS: [(u32, u32); 28] = [
    (1, 1378),
    (2, 577),
    (3, 353),
    (4, 233),
    (5, 165),
    (6, 102),
    (7, 81),
    (8, 64),
    (9, 53),
    (10, 35),
    (11, 42),
    (12, 24),
    (13, 12),
    (14, 15),
    (15, 8),
    (16, 11),
    (17, 9),
    (18, 3),
    (19, 9),
    (20, 2),
    (21, 3),
    (22, 1),
    (24, 3),
    (25, 1),
    (27, 1),
    (28, 1),
    (29, 0),
    (30, 1),
];

/// Sessions per visitor as (sessions, visitors), measured over the 2,867 users (1.11 sessions
/// per user). Over the generator's months visitors return at the same rate, an assumption.
pub const VISITOR_SESSIONS: [(u32, u32); 6] =
    [(1, 2616), (2, 201), (3, 36), (4, 9), (5, 4), (7, 1)];

/// Seconds between consecutive events of a session as (quantile, seconds), measured over
/// 6,811 gaps. The maximum is the 30-minute inactivity limit that ends a visit.
pub const GAP_SECONDS: [(f64, f64); 10] = [
    (0.0, 0.0),
    (0.10, 10.0),
    (0.25, 17.0),
    (0.50, 32.0),
    (0.75, 60.0),
    (0.90, 108.0),
    (0.95, 159.0),
    (0.99, 334.0),
    (0.999, 900.0),
    (1.0, 1800.0),
];

/// Prices above zero as (quantile, price), measured over 9,988 rows. The importer of this
/// format reads prices as roubles, and so does the generator.
pub const PRICES: [(f64, f64); 11] = [
    (0.0, 0.88),
    (0.01, 5.67),
    (0.05, 17.54),
    (0.10, 29.58),
    (0.25, 63.06),
    (0.50, 159.57),
    (0.75, 365.26),
    (0.90, 747.23),
    (0.95, 1016.73),
    (0.99, 1747.79),
    (1.0, 2574.07),
];

/// Rows with a price of 0.00 per 10,000 rows, measured: 11 of 9,999.
pub const ZERO_PRICE_PER_10000: u64 = 11;

/// Share of events by local hour of the day, an assumption: low at night, highest in the
/// evening.
pub const HOURS: [u32; 24] = [
    20, 12, 8, 6, 5, 6, 10, 18, 30, 40, 48, 52, 55, 55, 54, 54, 56, 60, 66, 72, 75, 70, 55, 35,
];

/// Traffic by weekday from Monday, an assumption: weekends a little quieter.
pub const WEEKDAYS: [f64; 7] = [1.0, 1.02, 1.0, 0.98, 0.95, 0.85, 0.9];
