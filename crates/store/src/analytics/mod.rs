//! Analytics storage: storefront events in their own database, the rows the summary reads,
//! their daily rollups, and the Bank of Russia rates in the main database.

pub mod day_products;
pub mod day_segments;
pub mod day_summaries;
pub mod events;
pub mod orders;
pub mod rates;
pub mod rollups;
pub mod writer;
