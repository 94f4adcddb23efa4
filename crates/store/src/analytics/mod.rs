//! Analytics storage: storefront events in their own database, the rows the summary reads,
//! and the Bank of Russia rates in the main database.

pub mod events;
pub mod rates;
