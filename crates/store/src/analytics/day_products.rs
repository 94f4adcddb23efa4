//! Per-day figures of each product (`day_products`), computed with the day summaries (see
//! [`super::day_segments::compute`]), and the top products of a range read from them.

use std::collections::{BTreeMap, HashMap};

use domain::analytics::product_day::ProductDayCounts;

use super::day_segments::{day_condition, insert_in};
use super::rollups::DayRange;
use crate::{Args, Db, Engine, Result, Sql, Tx, Value, args};

/// Replaces the stored products of one shop's day inside `tx`; the caller commits.
/// `products` contains the figures without bots and with them.
pub async fn store_in(
    tx: &mut Tx,
    shop_id: i64,
    day: chrono::NaiveDate,
    products: &[(bool, BTreeMap<String, ProductDayCounts>)],
) -> Result<()> {
    tx.execute(
        "DELETE FROM day_products WHERE shop_id = $1 AND day = $2",
        args![shop_id, day],
    )
    .await?;
    let mut rows: Vec<Args> = Vec::new();
    for (bots, by_product) in products {
        for (product, counts) in by_product {
            rows.push(args![
                shop_id,
                day,
                *bots,
                product,
                counts.category.as_str(),
                counts.product_views,
                counts.add_to_carts,
                counts.purchases,
                counts.units,
                counts.orders,
                counts.revenue_kopecks,
                counts.lines_without_revenue,
            ]);
        }
    }
    insert_in(
        tx,
        "INSERT INTO day_products (shop_id, day, bots, product_id, category, product_views, \
         add_to_carts, purchases, units, orders, revenue_kopecks, lines_without_revenue) VALUES ",
        12,
        rows,
    )
    .await
}

/// The figure the top products are ranked by, most first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProductSort {
    Revenue,
    Views,
    AddToCarts,
    Orders,
    Units,
}

impl ProductSort {
    /// Every sort with its name in the API.
    pub const ALL: [(&'static str, ProductSort); 5] = [
        ("revenue", ProductSort::Revenue),
        ("views", ProductSort::Views),
        ("add_to_carts", ProductSort::AddToCarts),
        ("orders", ProductSort::Orders),
        ("units", ProductSort::Units),
    ];

    /// Returns the sort named `name`.
    pub fn parse(name: &str) -> Option<ProductSort> {
        Self::ALL
            .iter()
            .find(|(known, _)| *known == name)
            .map(|(_, sort)| *sort)
    }

    /// Returns the name of the sort in the API.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, sort)| *sort == self)
            .map_or("revenue", |(name, _)| name)
    }

    /// Returns the summed column, from a fixed list, so it can be spliced into SQL.
    fn column(self) -> &'static str {
        match self {
            ProductSort::Revenue => "revenue_kopecks",
            ProductSort::Views => "product_views",
            ProductSort::AddToCarts => "add_to_carts",
            ProductSort::Orders => "orders",
            ProductSort::Units => "units",
        }
    }
}

/// Sums of one product over a range.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProductGroup {
    pub shop_id: i64,
    pub product_id: String,
    /// The greatest of the product's category paths in the range: its only one, unless the
    /// shop moved the product to another category within the range.
    pub category: String,
    pub product_views: i64,
    pub add_to_carts: i64,
    pub purchases: i64,
    pub units: i64,
    pub orders: i64,
    pub revenue_kopecks: i64,
    pub lines_without_revenue: i64,
}

#[derive(sqlx::FromRow)]
struct ProductGroupRow {
    shop_id: i64,
    product_id: String,
    category: String,
    product_views: i64,
    add_to_carts: i64,
    purchases: i64,
    units: i64,
    orders: i64,
    revenue_kopecks: i64,
    lines_without_revenue: i64,
}

impl From<ProductGroupRow> for ProductGroup {
    fn from(row: ProductGroupRow) -> Self {
        ProductGroup {
            shop_id: row.shop_id,
            product_id: row.product_id,
            category: row.category,
            product_views: row.product_views,
            add_to_carts: row.add_to_carts,
            purchases: row.purchases,
            units: row.units,
            orders: row.orders,
            revenue_kopecks: row.revenue_kopecks,
            lines_without_revenue: row.lines_without_revenue,
        }
    }
}

const SUMMED: [&str; 7] = [
    "product_views",
    "add_to_carts",
    "purchases",
    "units",
    "orders",
    "revenue_kopecks",
    "lines_without_revenue",
];

/// Returns the SQL of the sum of `column` over a group, capped at the largest BIGINT. A
/// shop may send amounts whose sum over a range exceeds 64 bits, and SQLite's SUM then fails
/// with an integer overflow and PostgreSQL's cast to BIGINT with an out-of-range error.
/// SQLite's TOTAL sums as a double, exactly below 2^53.
fn capped_sum(engine: Engine, column: &str) -> String {
    match engine {
        Engine::Sqlite => {
            format!("CAST(MIN(TOTAL({column}), 9223372036854775807.0) AS BIGINT)")
        }
        Engine::Postgres => {
            format!("CAST(LEAST(SUM({column}), 9223372036854775807) AS BIGINT)")
        }
    }
}

fn select_groups(engine: Engine, condition: &str) -> String {
    let sums: Vec<String> = SUMMED
        .iter()
        .map(|column| format!("{} AS {column}", capped_sum(engine, column)))
        .collect();
    format!(
        "SELECT shop_id, product_id, MAX(category) AS category, {} FROM day_products \
         WHERE {condition} GROUP BY shop_id, product_id",
        sums.join(", ")
    )
}

/// The top products of a range and the number of products ranked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TopProducts {
    /// At most `limit` products, by `sort` most first, then by shop and product id.
    pub products: Vec<ProductGroup>,
    /// Products whose `sort` figure is positive in the range, also those past `limit`.
    pub count: i64,
}

impl ProductSort {
    /// Returns the condition a day row meets when it adds to the figure, from a fixed list.
    /// The sales figures also name the terms of the partial index `day_products_sales`, so
    /// the ranking reads only the days a product sold or was put in a cart.
    fn row_filter(self) -> &'static str {
        match self {
            // Every counted line has units, also one at price 0 or without a price.
            ProductSort::Revenue => "(purchases > 0 OR add_to_carts > 0) AND units > 0",
            ProductSort::AddToCarts => "(purchases > 0 OR add_to_carts > 0) AND add_to_carts > 0",
            ProductSort::Orders => "(purchases > 0 OR add_to_carts > 0) AND orders > 0",
            ProductSort::Units => "(purchases > 0 OR add_to_carts > 0) AND units > 0",
            ProductSort::Views => "product_views > 0",
        }
    }
}

/// Builds the query that ranks the products of `range` by `sort`: shop id, product id, the
/// figure and the number of products ranked, at most `limit` rows.
pub fn rank_query(
    engine: Engine,
    range: &DayRange,
    sort: ProductSort,
    limit: usize,
) -> (String, Args) {
    let (condition, values) = day_condition(range);
    let filtered = format!("{condition} AND {}", sort.row_filter());
    let column = sort.column();
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    // The window counts the groups before LIMIT applies: every product ranked.
    let sql = format!(
        "SELECT shop_id, product_id, {} AS ranked, \
         CAST(COUNT(*) OVER () AS BIGINT) AS ranked_count \
         FROM day_products WHERE {filtered} GROUP BY shop_id, product_id \
         ORDER BY ranked DESC, shop_id, product_id LIMIT {limit}",
        capped_sum(engine, column)
    );
    (sql, values)
}

/// Reads the `limit` products of `range` with the most `sort`. Products whose figure is
/// zero are left out, so the ranking groups only the day rows that add to the figure. The
/// figures of the products found are then summed over all of their day rows.
///
/// NOTE: most day rows have a product view, so ranking by views groups every row of the
/// range and is the slow case (see docs/BENCHMARKS.md).
pub async fn top(
    events_db: &Db,
    range: &DayRange,
    sort: ProductSort,
    limit: usize,
) -> Result<TopProducts> {
    let (rank_sql, values) = rank_query(events_db.engine(), range, sort, limit);
    let ranked: Vec<(i64, String, i64, i64)> = events_db
        .fetch_all(Sql::assembled(rank_sql), values)
        .await?;
    let count = ranked.first().map_or(0, |(_, _, _, count)| *count);

    let keys: Vec<(i64, String)> = ranked
        .into_iter()
        .map(|(shop_id, product_id, _, _)| (shop_id, product_id))
        .collect();
    let mut figures: HashMap<(i64, String), ProductGroup> = of_products(events_db, range, &keys)
        .await?
        .into_iter()
        .map(|group| ((group.shop_id, group.product_id.clone()), group))
        .collect();
    let products = keys.iter().filter_map(|key| figures.remove(key)).collect();
    Ok(TopProducts { products, count })
}

/// (shop, product) pairs per query: SQLite rejects expressions nested more than 1,000 deep, and
/// each OR term, one per shop, nests one level.
const PAIRS_PER_QUERY: usize = 100;

/// Reads the sums of `range` of the products `keys` (shop id, product id); products
/// without a row in the range are left out.
pub async fn of_products(
    events_db: &Db,
    range: &DayRange,
    keys: &[(i64, String)],
) -> Result<Vec<ProductGroup>> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let mut groups = Vec::with_capacity(keys.len());
    for chunk in keys.chunks(PAIRS_PER_QUERY) {
        let (sql, values) = figures_query(events_db.engine(), range, chunk);
        let rows: Vec<ProductGroupRow> = events_db.fetch_all(Sql::assembled(sql), values).await?;
        groups.extend(rows.into_iter().map(ProductGroup::from));
    }
    Ok(groups)
}

/// Builds the query that sums the figures of `range` of the products `keys` (shop id,
/// product id), at most [`PAIRS_PER_QUERY`] of them.
pub fn figures_query(engine: Engine, range: &DayRange, keys: &[(i64, String)]) -> (String, Args) {
    // The terms below name the shops; a second `shop_id = ?` of the range would make
    // SQLite 3.40 read the shop's range by the primary key.
    let days = DayRange {
        shop_id: None,
        ..*range
    };
    let (mut condition, mut values) = day_condition(&days);

    let mut by_shop: BTreeMap<i64, Vec<&str>> = BTreeMap::new();
    for (shop_id, product) in keys {
        by_shop.entry(*shop_id).or_default().push(product);
    }
    // One term per shop, `shop_id = ? AND product_id IN (…)`, which SQLite 3.40 looks up in
    // the (product, shop, day) index. Several shops get an OR of bracketed terms. One shop
    // gets its term without brackets, because in brackets SQLite 3.40 reads the whole shop's
    // range by the primary key instead.
    let mut terms = Vec::with_capacity(by_shop.len());
    for (shop_id, products) in &by_shop {
        values.push(Value::from(*shop_id));
        let mut term = format!("shop_id = ${} AND product_id IN (", values.len());
        for (index, product) in products.iter().enumerate() {
            values.push(Value::from(*product));
            if index > 0 {
                term.push_str(", ");
            }
            term.push_str(&format!("${}", values.len()));
        }
        term.push(')');
        terms.push(term);
    }

    if terms.len() == 1 {
        condition.push_str(&format!(" AND {}", terms.join("")));
    } else {
        condition.push_str(&format!(" AND (({}))", terms.join(") OR (")));
    }
    (select_groups(engine, &condition), values)
}
