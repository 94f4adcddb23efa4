//! Business calendars (`/admin/calendars`): weekly hours, time zone, shortened pre-holiday
//! days and dated exceptions per year, which the SLA clock counts on. Only administrators
//! edit them.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};
use chrono_tz::Tz;
use domain::Invalid;
use domain::calendar::{DayHours, ExceptionKind, WeeklyHours};
use domain::identity::Action;
use store::calendar::{self, CalendarSettings, StoredCalendar, StoredException};
use strum::VariantArray;

use super::require;
use crate::context::{Auth, Context};
use crate::error::{AppError, AppResult};
use crate::form::Form;
use crate::pages::{Choice, Page, Params, render};
use crate::query::Query;
use crate::servicedesk::access::author;
use crate::state::AppState;

/// The weekdays as the form names their fields, Monday first.
const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

#[derive(Template)]
#[template(path = "admin/calendars.html")]
struct ListPage {
    page: Page,
    calendars: Vec<CalendarRow>,
}

struct CalendarRow {
    code: String,
    name: String,
    zone: String,
    week: String,
}

fn week_text(week: &WeeklyHours) -> String {
    DAYS.iter()
        .zip(week.0.iter())
        .map(|(day, hours)| match hours {
            Some(hours) => format!("{day} {hours}"),
            None => format!("{day} —"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Lists the calendars.
pub async fn list(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
) -> AppResult<Response> {
    require(&identity, Action::ManageCalendars)?;
    let calendars = calendar::list(&state.db)
        .await?
        .iter()
        .map(|c| CalendarRow {
            code: c.code.clone(),
            name: c.name.clone(),
            zone: c.zone.name().to_string(),
            week: week_text(&c.week),
        })
        .collect();
    let page = Page::new(&state, &context, "admin-calendars-title");
    render(&ListPage { page, calendars })
}

#[derive(Template)]
#[template(path = "admin/calendar.html")]
struct CalendarPage {
    page: Page,
    code: String,
    name: String,
    zone: String,
    days: Vec<(String, String, String)>,
    applies_shortened: bool,
    version: i64,
    year: i32,
    year_state: String,
    confirmed: bool,
    exceptions: Vec<ExceptionRow>,
    kinds: Vec<Choice>,
    /// "247 рабочих дней".
    working_days: String,
    error: Option<String>,
}

struct ExceptionRow {
    date: String,
    kind: String,
    hours: String,
    note: String,
}

/// Shows a calendar's settings and its exceptions of `?year=` (this year by default).
pub async fn show(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Path(code): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> AppResult<Response> {
    require(&identity, Action::ManageCalendars)?;
    let params = Params::new("", &pairs);
    let year = match params.get("year") {
        Some(text) => text
            .parse::<i32>()
            .ok()
            .filter(|y| (2000..=2100).contains(y))
            .ok_or_else(|| {
                Invalid::new("year", "error-out-of-range")
                    .arg("value", text)
                    .arg("min", 2000)
                    .arg("max", 2100)
            })?,
        None => crate::api::contracts::today().year(),
    };
    let page = Page::new(&state, &context, "admin-calendars-title");
    let response = calendar_page(&state, page, &code, year, None).await?;
    Ok(response)
}

async fn calendar_page(
    state: &AppState,
    page: Page,
    code: &str,
    year: i32,
    error: Option<String>,
) -> AppResult<Response> {
    let stored = calendar::get(&state.db, code)
        .await?
        .ok_or_else(AppError::not_found)?;
    let exceptions = calendar::exceptions(&state.db, stored.id, year..=year).await?;
    let years = calendar::years(&state.db, stored.id).await?;
    let entered = years.iter().find(|y| y.year == i64::from(year));
    let year_state = match (entered, stored.follows_production) {
        (Some(y), _) if y.confirmed => "confirmed",
        (Some(_), _) => "unconfirmed",
        (None, true) => "statutory",
        (None, false) => "none",
    };
    let built = calendar::load(&state.db, code, year..=year)
        .await?
        .ok_or_else(AppError::not_found)?;
    let working_days = NaiveDate::from_ymd_opt(year, 1, 1)
        .map(|first| {
            first
                .iter_days()
                .take_while(|d| d.year() == year)
                .filter(|d| built.is_working_day(*d))
                .count()
        })
        .unwrap_or(0);
    render(&CalendarPage {
        code: stored.code.clone(),
        name: stored.name.clone(),
        zone: stored.zone.name().to_string(),
        days: days_of(&page, &stored),
        applies_shortened: stored.applies_shortened,
        version: stored.version,
        year,
        year_state: page.label("admin-calendar-year", year_state),
        confirmed: year_state == "confirmed",
        exceptions: exceptions
            .iter()
            .map(|e| ExceptionRow {
                date: e.date.to_string(),
                kind: page.label("admin-calendar-kind", e.kind.as_ref()),
                hours: e.hours.map(|h| h.to_string()).unwrap_or_default(),
                note: e.note.clone(),
            })
            .collect(),
        kinds: ExceptionKind::VARIANTS
            .iter()
            .map(|k| {
                Choice::new(
                    k.as_ref(),
                    page.label("admin-calendar-kind", k.as_ref()),
                    false,
                )
            })
            .collect(),
        working_days: page.tn("admin-calendar-working-days", "count", working_days as i64),
        error,
        page,
    })
}

fn days_of(page: &Page, stored: &StoredCalendar) -> Vec<(String, String, String)> {
    DAYS.iter()
        .zip(stored.week.0.iter())
        .map(|(day, hours)| {
            (
                day.to_string(),
                page.label("admin-calendar-day", day),
                hours.map(|h| h.to_string()).unwrap_or_default(),
            )
        })
        .collect()
}

/// Saves a calendar's name, zone, weekly hours and the shortened-day flag.
pub async fn update(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Path(code): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    require(&identity, Action::ManageCalendars)?;
    let params = Params::new("", &pairs);
    let result = settings(&params).map_err(AppError::from);
    let version = params
        .get("version")
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(0);
    let saved = match result {
        Ok(settings) => calendar::update(
            &state.db,
            &code,
            version,
            &settings,
            &author(&identity),
            domain::time::now(),
        )
        .await
        .map_err(AppError::from),
        Err(error) => Err(error),
    };
    redirect_or_show(&state, &context, &code, None, saved.map(|_| ())).await
}

fn settings(params: &Params) -> Result<CalendarSettings, Invalid> {
    let zone_text = params.get("zone").unwrap_or_default().trim();
    let zone: Tz = zone_text
        .parse()
        .map_err(|_| Invalid::new("zone", "admin-calendar-zone").arg("value", zone_text))?;
    let mut days = [None; 7];
    for (slot, day) in days.iter_mut().zip(DAYS) {
        if let Some(text) = params.get(day).map(str::trim).filter(|t| !t.is_empty()) {
            *slot = Some(DayHours::parse(day, text)?);
        }
    }
    Ok(CalendarSettings {
        name: params.get("name").unwrap_or_default().to_string(),
        zone,
        week: WeeklyHours(days),
        applies_shortened: params.get("applies_shortened").is_some(),
    })
}

/// Adds or replaces an exception, removes one (`remove` set), or confirms the year
/// (`confirm` set).
pub async fn exception(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Path(code): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    require(&identity, Action::ManageCalendars)?;
    let params = Params::new("", &pairs);
    let now = domain::time::now();
    let actor = author(&identity);
    let year = params.get("year").and_then(|y| y.parse::<i32>().ok());
    let result = if params.get("confirm").is_some() {
        match year {
            Some(year) => calendar::confirm_year(&state.db, &code, year, &actor, now)
                .await
                .map_err(AppError::from),
            None => Err(Invalid::missing("year").into()),
        }
    } else {
        match parse_exception(&params) {
            Ok(exception) if params.get("remove").is_some() => {
                calendar::remove_exception(&state.db, &code, exception.date, &actor, now)
                    .await
                    .map(|_| ())
                    .map_err(AppError::from)
            }
            Ok(exception) => calendar::set_exception(&state.db, &code, &exception, &actor, now)
                .await
                .map_err(AppError::from),
            Err(invalid) => Err(invalid.into()),
        }
    };
    redirect_or_show(&state, &context, &code, year, result).await
}

fn parse_exception(params: &Params) -> Result<StoredException, Invalid> {
    let date_text = params.get("date").unwrap_or_default();
    let date = crate::api::tariffs::parse_date("date", date_text)?;
    let kind_text = params.get("kind").unwrap_or("holiday");
    let kind: ExceptionKind = kind_text.parse().map_err(|_| {
        let allowed: Vec<&str> = ExceptionKind::VARIANTS.iter().map(|k| k.as_ref()).collect();
        Invalid::not_one_of("kind", kind_text, &allowed)
    })?;
    let hours = match params.get("hours").map(str::trim).filter(|h| !h.is_empty()) {
        Some(text) => Some(DayHours::parse("hours", text)?),
        None => None,
    };
    Ok(StoredException {
        date,
        kind,
        hours,
        note: params.get("note").unwrap_or_default().to_string(),
    })
}

async fn redirect_or_show(
    state: &AppState,
    context: &Context,
    code: &str,
    year: Option<i32>,
    result: AppResult<()>,
) -> AppResult<Response> {
    let year = year.unwrap_or_else(|| crate::api::contracts::today().year());
    match result {
        Ok(()) => {
            tracing::info!(calendar = code, "calendar changed");
            Ok(Redirect::to(&format!("/admin/calendars/{code}?year={year}")).into_response())
        }
        Err(AppError::Problem(problem)) if problem.status != axum::http::StatusCode::NOT_FOUND => {
            let page = Page::new(state, context, "admin-calendars-title");
            let message = crate::pages::problem_message(&page.i18n, page.lang, &problem);
            let mut response = calendar_page(state, page, code, year, Some(message)).await?;
            *response.status_mut() = problem.status;
            Ok(response)
        }
        Err(error) => Err(error),
    }
}
