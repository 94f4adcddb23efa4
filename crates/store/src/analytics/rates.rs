//! Bank of Russia exchange rates in the main database, loaded whole for conversions.

use chrono::NaiveDate;
use domain::analytics::money::{Currency, Rate, RateTable};
use domain::analytics::rates::RateRow;

use crate::{Db, Error, Result, args};

/// Stores rates, replacing a stored rate of the same currency and date. Returns the number of
/// rows written.
pub async fn upsert(db: &Db, rows: &[RateRow]) -> Result<usize> {
    let mut tx = db.begin().await?;
    for row in rows {
        tx.execute(
            "INSERT INTO exchange_rates (currency, effective_date, nominal, \
             value_ten_thousandths) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (currency, effective_date) DO UPDATE SET nominal = excluded.nominal, \
             value_ten_thousandths = excluded.value_ten_thousandths",
            args![
                row.currency.as_str(),
                row.date,
                i64::from(row.rate.nominal),
                row.rate.value_ten_thousandths
            ],
        )
        .await?;
    }
    tx.commit().await?;
    Ok(rows.len())
}

#[derive(sqlx::FromRow)]
struct StoredRate {
    currency: String,
    effective_date: NaiveDate,
    nominal: i64,
    value_ten_thousandths: i64,
}

/// Loads every stored rate into a lookup table.
pub async fn load(db: &Db) -> Result<RateTable> {
    let rows: Vec<StoredRate> = db
        .fetch_all(
            "SELECT currency, effective_date, CAST(nominal AS BIGINT) AS nominal, \
             value_ten_thousandths FROM exchange_rates",
            Vec::new(),
        )
        .await?;
    let mut table = RateTable::default();
    for row in rows {
        let currency = Currency::parse(&row.currency)
            .ok_or_else(|| Error::Corrupt(format!("unknown currency {}", row.currency)))?;
        let nominal = u32::try_from(row.nominal)
            .map_err(|_| Error::Corrupt(format!("rate nominal {}", row.nominal)))?;
        let rate = Rate {
            nominal,
            value_ten_thousandths: row.value_ten_thousandths,
        };
        table.insert(currency, row.effective_date, rate);
    }
    Ok(table)
}
