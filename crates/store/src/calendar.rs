//! Business calendars as stored: weekly hours, dated exceptions and the zone, which admins
//! edit. [`load`] builds the domain's [`Calendar`] that the SLA clock counts on.

use std::ops::RangeInclusive;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Tz;
use domain::Invalid;
use domain::calendar::production::ProductionYear;
use domain::calendar::{Calendar, CalendarException, DayHours, ExceptionKind, WeeklyHours};
use serde_json::json;

use crate::identity::audit::{self, Author};
use crate::{Db, Error, Result, Tx, args};

/// A calendar's settings as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredCalendar {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub zone: Tz,
    pub week: WeeklyHours,
    pub applies_shortened: bool,
    /// Whether a year without entered exceptions uses the statutory holidays.
    pub follows_production: bool,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    code: String,
    name: String,
    zone: String,
    mon: Option<String>,
    tue: Option<String>,
    wed: Option<String>,
    thu: Option<String>,
    fri: Option<String>,
    sat: Option<String>,
    sun: Option<String>,
    applies_shortened: bool,
    follows_production: bool,
    updated_at: DateTime<Utc>,
    version: i64,
}

impl TryFrom<Row> for StoredCalendar {
    type Error = Error;

    fn try_from(row: Row) -> Result<StoredCalendar> {
        let corrupt = |what: &str, value: &str| {
            Error::Corrupt(format!("calendar {}: {what} {value:?}", row.code))
        };
        let zone: Tz = row.zone.parse().map_err(|_| corrupt("zone", &row.zone))?;
        let mut days = [None; 7];
        for (slot, value) in days.iter_mut().zip([
            &row.mon, &row.tue, &row.wed, &row.thu, &row.fri, &row.sat, &row.sun,
        ]) {
            if let Some(text) = value {
                *slot = Some(DayHours::parse("hours", text).map_err(|_| corrupt("hours", text))?);
            }
        }
        Ok(StoredCalendar {
            id: row.id,
            code: row.code,
            name: row.name,
            zone,
            week: WeeklyHours(days),
            applies_shortened: row.applies_shortened,
            follows_production: row.follows_production,
            updated_at: row.updated_at,
            version: row.version,
        })
    }
}

/// A dated exception as stored, with its note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredException {
    pub date: NaiveDate,
    pub kind: ExceptionKind,
    pub hours: Option<DayHours>,
    pub note: String,
}

#[derive(sqlx::FromRow)]
struct ExceptionRow {
    date: NaiveDate,
    kind: String,
    hours: Option<String>,
    note: String,
}

impl TryFrom<ExceptionRow> for StoredException {
    type Error = Error;

    fn try_from(row: ExceptionRow) -> Result<StoredException> {
        let corrupt = |what: &str, value: &str| {
            Error::Corrupt(format!("calendar exception {}: {what} {value:?}", row.date))
        };
        let kind = row.kind.parse().map_err(|_| corrupt("kind", &row.kind))?;
        let hours = match &row.hours {
            Some(text) => Some(DayHours::parse("hours", text).map_err(|_| corrupt("hours", text))?),
            None => None,
        };
        Ok(StoredException {
            date: row.date,
            kind,
            hours,
            note: row.note,
        })
    }
}

/// A year of a calendar's exceptions and whether an admin or a decree confirmed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredYear {
    pub year: i64,
    pub confirmed: bool,
}

const SELECT: &str = "SELECT id, code, name, zone, mon, tue, wed, thu, fri, sat, sun, \
    applies_shortened, follows_production, updated_at, version FROM calendars";

/// Lists every calendar by code.
pub async fn list(db: &Db) -> Result<Vec<StoredCalendar>> {
    let rows: Vec<Row> = db
        .fetch_all(
            crate::Sql::assembled(format!("{SELECT} ORDER BY code")),
            args![],
        )
        .await?;
    rows.into_iter().map(StoredCalendar::try_from).collect()
}

/// Finds a calendar by code.
pub async fn get(db: &Db, code: &str) -> Result<Option<StoredCalendar>> {
    let row: Option<Row> = db
        .fetch_optional(
            crate::Sql::assembled(format!("{SELECT} WHERE code = $1")),
            args![code],
        )
        .await?;
    row.map(StoredCalendar::try_from).transpose()
}

/// Lists the codes of every calendar, for checking the calendars a tariff plan names.
pub async fn codes(db: &Db) -> Result<Vec<String>> {
    let rows: Vec<(String,)> = db
        .fetch_all("SELECT code FROM calendars ORDER BY code", args![])
        .await?;
    Ok(rows.into_iter().map(|(code,)| code).collect())
}

/// Lists a calendar's exceptions in `years`, by date.
pub async fn exceptions(
    db: &Db,
    calendar_id: i64,
    years: RangeInclusive<i32>,
) -> Result<Vec<StoredException>> {
    let (from, to) = year_bounds(&years);
    let rows: Vec<ExceptionRow> = db
        .fetch_all(
            "SELECT date, kind, hours, note FROM calendar_exceptions \
             WHERE calendar_id = $1 AND date >= $2 AND date <= $3 ORDER BY date",
            args![calendar_id, from, to],
        )
        .await?;
    rows.into_iter().map(StoredException::try_from).collect()
}

/// Lists the years a calendar has entered exceptions for.
pub async fn years(db: &Db, calendar_id: i64) -> Result<Vec<StoredYear>> {
    db.fetch_all(
        "SELECT year, confirmed FROM calendar_years WHERE calendar_id = $1 ORDER BY year",
        args![calendar_id],
    )
    .await
}

fn year_bounds(years: &RangeInclusive<i32>) -> (Option<NaiveDate>, Option<NaiveDate>) {
    (
        NaiveDate::from_ymd_opt(*years.start(), 1, 1),
        NaiveDate::from_ymd_opt(*years.end(), 12, 31),
    )
}

/// Builds the calendar `code` for counting business time in `years`: its weekly hours, its
/// stored exceptions, and for a calendar that follows the production calendar, the
/// statutory holidays of every year in `years` that has no entered exceptions. `None` when
/// no calendar has that code.
pub async fn load(db: &Db, code: &str, years: RangeInclusive<i32>) -> Result<Option<Calendar>> {
    let Some(stored) = get(db, code).await? else {
        return Ok(None);
    };
    let stored_exceptions = exceptions(db, stored.id, years.clone()).await?;
    let entered = self::years(db, stored.id).await?;
    build(&stored, stored_exceptions, &entered, years).map(Some)
}

/// Like [`load`], inside a transaction.
pub async fn load_in(
    tx: &mut Tx,
    code: &str,
    years: RangeInclusive<i32>,
) -> Result<Option<Calendar>> {
    let Some(stored) = get_in(tx, code).await? else {
        return Ok(None);
    };
    let (from, to) = year_bounds(&years);
    let rows: Vec<ExceptionRow> = tx
        .fetch_all(
            "SELECT date, kind, hours, note FROM calendar_exceptions \
             WHERE calendar_id = $1 AND date >= $2 AND date <= $3 ORDER BY date",
            args![stored.id, from, to],
        )
        .await?;
    let stored_exceptions = rows
        .into_iter()
        .map(StoredException::try_from)
        .collect::<Result<Vec<_>>>()?;
    let entered: Vec<StoredYear> = tx
        .fetch_all(
            "SELECT year, confirmed FROM calendar_years WHERE calendar_id = $1 ORDER BY year",
            args![stored.id],
        )
        .await?;
    build(&stored, stored_exceptions, &entered, years).map(Some)
}

fn build(
    stored: &StoredCalendar,
    stored_exceptions: Vec<StoredException>,
    entered: &[StoredYear],
    years: RangeInclusive<i32>,
) -> Result<Calendar> {
    let mut exceptions: Vec<CalendarException> = stored_exceptions
        .into_iter()
        .map(|e| CalendarException {
            date: e.date,
            kind: e.kind,
            hours: e.hours,
        })
        .collect();
    if stored.follows_production {
        for year in years {
            if !entered.iter().any(|y| y.year == i64::from(year)) {
                exceptions.extend(ProductionYear::statutory(year).exceptions());
            }
        }
    }
    Calendar::new(
        stored.zone,
        stored.week,
        exceptions,
        stored.applies_shortened,
    )
    .map_err(|invalid| Error::Corrupt(format!("calendar {}: {invalid}", stored.code)))
}

/// Returns the years around `at` that an SLA clock started then may run into: that year
/// and the next two.
pub fn clock_years(at: DateTime<Utc>) -> RangeInclusive<i32> {
    let year = at.year();
    year..=year + 2
}

/// The editable settings of a calendar.
#[derive(Debug, Clone, PartialEq)]
pub struct CalendarSettings {
    pub name: String,
    pub zone: Tz,
    pub week: WeeklyHours,
    pub applies_shortened: bool,
}

/// Saves a calendar's settings if `version` is current. The domain's checks apply: at
/// least one open weekday, and no shortened days on a 24×7 week.
pub async fn update(
    db: &Db,
    code: &str,
    version: i64,
    settings: &CalendarSettings,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<StoredCalendar> {
    Calendar::new(
        settings.zone,
        settings.week,
        Vec::new(),
        settings.applies_shortened,
    )?;
    let name = settings.name.trim();
    if name.is_empty() {
        return Err(Invalid::missing("name").into());
    }

    let mut tx = db.begin().await?;
    let current = get_in(&mut tx, code)
        .await?
        .ok_or(domain::Error::NotFound)?;
    if current.version != version {
        return Err(domain::Error::Conflict {
            expected: version,
            current: current.version,
        }
        .into());
    }
    let day = |index: usize| settings.week.0[index].map(|hours| hours.to_string());
    tx.execute(
        "UPDATE calendars SET name = $1, zone = $2, mon = $3, tue = $4, wed = $5, thu = $6, \
         fri = $7, sat = $8, sun = $9, applies_shortened = $10, updated_at = $11, \
         version = version + 1 WHERE id = $12",
        args![
            name,
            settings.zone.name(),
            day(0),
            day(1),
            day(2),
            day(3),
            day(4),
            day(5),
            day(6),
            settings.applies_shortened,
            now,
            current.id,
        ],
    )
    .await?;
    audit::record(
        &mut tx,
        author,
        "calendar.update",
        ("calendar", current.id),
        Some(describe(
            &current.name,
            current.zone,
            &current.week,
            current.applies_shortened,
        )),
        Some(describe(
            name,
            settings.zone,
            &settings.week,
            settings.applies_shortened,
        )),
        now,
    )
    .await?;
    let updated = get_in(&mut tx, code)
        .await?
        .ok_or(domain::Error::NotFound)?;
    tx.commit().await?;
    Ok(updated)
}

fn describe(
    name: &str,
    zone: Tz,
    week: &WeeklyHours,
    applies_shortened: bool,
) -> serde_json::Value {
    let days: Vec<Option<String>> = week.0.iter().map(|d| d.map(|h| h.to_string())).collect();
    json!({"name": name, "zone": zone.name(), "week": days,
           "applies_shortened": applies_shortened})
}

async fn get_in(tx: &mut Tx, code: &str) -> Result<Option<StoredCalendar>> {
    let row: Option<Row> = tx
        .fetch_optional(
            crate::Sql::assembled(format!("{SELECT} WHERE code = $1")),
            args![code],
        )
        .await?;
    row.map(StoredCalendar::try_from).transpose()
}

/// Adds or replaces the exception on a date and marks its year as entered. The first edit
/// of a year that used the statutory fallback copies the statutory holidays in first, so
/// one new exception does not drop the others.
pub async fn set_exception(
    db: &Db,
    code: &str,
    exception: &StoredException,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = db.begin().await?;
    let calendar = get_in(&mut tx, code)
        .await?
        .ok_or(domain::Error::NotFound)?;
    if exception.kind == ExceptionKind::Shortened && calendar.week.is_around_the_clock() {
        return Err(Invalid::new("kind", "calendar-shortened-on-24x7").into());
    }

    let year = exception.date.year();
    if calendar.follows_production && !year_entered_in(&mut tx, calendar.id, year).await? {
        copy_statutory_in(&mut tx, calendar.id, year).await?;
    }

    let old: Option<ExceptionRow> = tx
        .fetch_optional(
            "SELECT date, kind, hours, note FROM calendar_exceptions \
             WHERE calendar_id = $1 AND date = $2",
            args![calendar.id, exception.date],
        )
        .await?;
    tx.execute(
        "DELETE FROM calendar_exceptions WHERE calendar_id = $1 AND date = $2",
        args![calendar.id, exception.date],
    )
    .await?;
    tx.execute(
        "INSERT INTO calendar_exceptions (calendar_id, date, kind, hours, note) \
         VALUES ($1, $2, $3, $4, $5)",
        args![
            calendar.id,
            exception.date,
            exception.kind.as_ref(),
            exception.hours.map(|h| h.to_string()),
            exception.note.trim(),
        ],
    )
    .await?;

    mark_year_in(&mut tx, calendar.id, year, false).await?;
    touch_in(&mut tx, calendar.id, now).await?;
    audit::record(
        &mut tx,
        author,
        "calendar.exception",
        ("calendar", calendar.id),
        old.map(|o| json!({"date": o.date, "kind": o.kind, "hours": o.hours, "note": o.note})),
        Some(json!({"date": exception.date, "kind": exception.kind,
                    "hours": exception.hours.map(|h| h.to_string()), "note": exception.note})),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Removes the exception on a date; returns whether there was one.
pub async fn remove_exception(
    db: &Db,
    code: &str,
    date: NaiveDate,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<bool> {
    let mut tx = db.begin().await?;
    let calendar = get_in(&mut tx, code)
        .await?
        .ok_or(domain::Error::NotFound)?;
    let removed = tx
        .execute(
            "DELETE FROM calendar_exceptions WHERE calendar_id = $1 AND date = $2",
            args![calendar.id, date],
        )
        .await?;
    if removed == 0 {
        return Ok(false);
    }
    touch_in(&mut tx, calendar.id, now).await?;
    audit::record(
        &mut tx,
        author,
        "calendar.exception_remove",
        ("calendar", calendar.id),
        Some(json!({"date": date})),
        None,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Confirms a year's exceptions and removes its "unconfirmed" mark. A year that used the
/// statutory fallback keeps the statutory holidays, now stored.
pub async fn confirm_year(
    db: &Db,
    code: &str,
    year: i32,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = db.begin().await?;
    let calendar = get_in(&mut tx, code)
        .await?
        .ok_or(domain::Error::NotFound)?;
    if calendar.follows_production && !year_entered_in(&mut tx, calendar.id, year).await? {
        copy_statutory_in(&mut tx, calendar.id, year).await?;
    }
    mark_year_in(&mut tx, calendar.id, year, true).await?;
    touch_in(&mut tx, calendar.id, now).await?;
    audit::record(
        &mut tx,
        author,
        "calendar.confirm_year",
        ("calendar", calendar.id),
        None,
        Some(json!({"year": year})),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn year_entered_in(tx: &mut Tx, calendar_id: i64, year: i32) -> Result<bool> {
    let found: Option<(i64,)> = tx
        .fetch_optional(
            "SELECT year FROM calendar_years WHERE calendar_id = $1 AND year = $2",
            args![calendar_id, i64::from(year)],
        )
        .await?;
    Ok(found.is_some())
}

async fn copy_statutory_in(tx: &mut Tx, calendar_id: i64, year: i32) -> Result<()> {
    for day in ProductionYear::statutory(year).days {
        tx.execute(
            "INSERT INTO calendar_exceptions (calendar_id, date, kind, hours, note) \
             VALUES ($1, $2, $3, $4, $5)",
            args![
                calendar_id,
                day.date,
                day.kind.as_ref(),
                day.hours.map(|h| h.to_string()),
                day.note,
            ],
        )
        .await?;
    }
    Ok(())
}

/// Records `year` as entered; `confirmed` only ever turns a year's mark on.
async fn mark_year_in(tx: &mut Tx, calendar_id: i64, year: i32, confirmed: bool) -> Result<()> {
    let existing: Option<(bool,)> = tx
        .fetch_optional(
            "SELECT confirmed FROM calendar_years WHERE calendar_id = $1 AND year = $2",
            args![calendar_id, i64::from(year)],
        )
        .await?;
    match existing {
        Some((was,)) => {
            tx.execute(
                "UPDATE calendar_years SET confirmed = $1 WHERE calendar_id = $2 AND year = $3",
                args![was || confirmed, calendar_id, i64::from(year)],
            )
            .await?;
        }
        None => {
            tx.execute(
                "INSERT INTO calendar_years (calendar_id, year, confirmed) VALUES ($1, $2, $3)",
                args![calendar_id, i64::from(year), confirmed],
            )
            .await?;
        }
    }
    Ok(())
}

async fn touch_in(tx: &mut Tx, calendar_id: i64, now: DateTime<Utc>) -> Result<()> {
    tx.execute(
        "UPDATE calendars SET updated_at = $1, version = version + 1 WHERE id = $2",
        args![now, calendar_id],
    )
    .await?;
    Ok(())
}
