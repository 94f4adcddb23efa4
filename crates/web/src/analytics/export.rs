//! `GET /api/v1/analytics/export`: a breakdown, the top products, the heatmap, a heatmap cell's
//! products or the trends as CSV or XLSX, with the numbers of the API and the pages. Numbers are written as
//! numbers; text cells that a spreadsheet would read as a formula are neutralised. Column
//! headers are in the requester's language (`Accept-Language`, Russian by default).

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::Invalid;
use domain::analytics::export::{Cell, Table, neutralise};
use domain::analytics::trends::{Growth, growth};
use rust_xlsxwriter::Workbook;
use serde::Deserialize;
use utoipa::IntoParams;

use super::breakdown::{BreakdownJson, BreakdownParams, breakdown};
use super::drilldown::{DrilldownJson, DrilldownParams, drilldown};
use super::heatmap::{HeatmapJson, heatmap};
use super::top_products::{TopProductsJson, TopProductsParams, top_products};
use super::trends::{self, TrendsJson, TrendsParams};
use crate::context::{Auth, Context};
use crate::error::{AppError, AppResult};
use crate::i18n::{I18n, Lang};
use crate::query::Query;
use crate::state::AppState;

/// Parameters of an export: the report, the file format and the report's own parameters.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// `breakdown` (default), `top_products`, `heatmap`, `products` (a heatmap cell's
    /// products) or `trends`.
    pub report: Option<String>,
    /// `csv` (default) or `xlsx`.
    pub format: Option<String>,
    /// The shop's slug; without it, every shop of the platform.
    pub shop: Option<String>,
    /// First day, `YYYY-MM-DD`.
    pub from: Option<String>,
    /// Last day, included.
    pub to: Option<String>,
    /// `true` counts bot events too.
    pub include_bots: Option<String>,
    /// As in the breakdown or heatmap.
    pub by: Option<String>,
    /// Rows, as in the breakdown or the products of a cell.
    pub limit: Option<String>,
    /// Top products: the ranking, as in the top products.
    pub sort: Option<String>,
    /// Products: the segment of the cell.
    pub segment: Option<String>,
    /// Products: the top-level category of the cell.
    pub category: Option<String>,
    /// Trends: the last day of the current period.
    pub date: Option<String>,
    /// Trends: `week` or `month`.
    pub period: Option<String>,
    /// Trends: `views`, `add_to_carts`, `purchases`, `orders` or `revenue`.
    pub metric: Option<String>,
}

/// The media type of an XLSX workbook.
pub const XLSX_CONTENT_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    Xlsx,
}

/// Returns a breakdown, the top products, the heatmap, a cell's products or the trends as a CSV or XLSX file.
#[utoipa::path(get, path = "/api/v1/analytics/export", tag = "analytics", params(ExportParams),
    responses((status = 200, description = "The file", content_type = "text/csv"),
        (status = 401), (status = 403), (status = 404), (status = 422)))]
pub async fn get(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Query(params): Query<ExportParams>,
) -> AppResult<Response> {
    let format = parse_format(params.format.as_deref())?;
    let report = params
        .report
        .as_deref()
        .map(str::trim)
        .unwrap_or("breakdown");
    let trends_params = TrendsParams {
        shop: params.shop.clone(),
        date: params.date,
        period: params.period,
        metric: params.metric,
        min_volume: None,
        include_bots: params.include_bots.clone(),
    };
    let products_params = DrilldownParams {
        shop: params.shop.clone(),
        from: params.from.clone(),
        to: params.to.clone(),
        include_bots: params.include_bots.clone(),
        by: params.by.clone(),
        segment: params.segment,
        category: params.category,
        limit: params.limit.clone(),
    };
    let top_params = TopProductsParams {
        shop: params.shop.clone(),
        from: params.from.clone(),
        to: params.to.clone(),
        include_bots: params.include_bots.clone(),
        sort: params.sort,
        limit: params.limit.clone(),
    };
    let report_params = BreakdownParams {
        shop: params.shop,
        from: params.from,
        to: params.to,
        include_bots: params.include_bots,
        by: params.by,
        limit: params.limit,
    };
    let (name, mut table) = match report {
        "" | "breakdown" => {
            let data = breakdown(&state, &identity, &report_params).await?;
            let name = format!("breakdown-{}-{}-{}", data.by, data.from, data.to);
            (name, breakdown_table(&data))
        }
        "top_products" => {
            let data = top_products(&state, &identity, &top_params).await?;
            let name = format!("top-products-{}-{}-{}", data.sort, data.from, data.to);
            (name, top_products_table(&data))
        }
        "heatmap" => {
            let data = heatmap(&state, &identity, &report_params).await?;
            let name = format!("heatmap-{}-{}-{}", data.segment, data.from, data.to);
            (name, heatmap_table(&data))
        }
        "products" => {
            let data = drilldown(&state, &identity, &products_params).await?;
            let name = format!(
                "products-{}-{}-{}-{}",
                data.by, data.segment, data.from, data.to
            );
            (name, products_table(&data))
        }
        "trends" => {
            let data = trends::compute(&state, &identity, &trends_params).await?;
            let name = format!(
                "trends-{}-{}-{}",
                data.metric, data.current_from, data.current_to
            );
            (name, trends_table(&data))
        }
        other => {
            return Err(Invalid::not_one_of(
                "report",
                other,
                &["breakdown", "top_products", "heatmap", "products", "trends"],
            )
            .into());
        }
    };
    localize_headers(&state.i18n, context.lang, &mut table);
    file_response(format, &name, &table)
}

/// Replaces the tables' column names (`page_views`) with their labels in `lang`, from the
/// messages `analytics-export-page-views` and so on.
fn localize_headers(i18n: &I18n, lang: Lang, table: &mut Table) {
    for header in &mut table.headers {
        *header = i18n.format(lang, &header_key(header), &[]);
    }
}

/// Returns the message id of a column name.
fn header_key(column: &str) -> String {
    format!("analytics-export-{}", column.replace('_', "-"))
}

fn parse_format(value: Option<&str>) -> Result<Format, Invalid> {
    match value.map(str::trim) {
        None | Some("") | Some("csv") => Ok(Format::Csv),
        Some("xlsx") => Ok(Format::Xlsx),
        Some(other) => Err(Invalid::not_one_of("format", other, &["csv", "xlsx"])),
    }
}

fn change(current: i64, previous: i64) -> Cell {
    match growth(current, previous) {
        Growth::Relative(ratio) => Cell::Fraction(ratio),
        Growth::New | Growth::None => Cell::Empty,
    }
}

/// Breakdown columns after the dimension.
const BREAKDOWN_COLUMNS: [&str; 9] = [
    "page_views",
    "previous_page_views",
    "page_views_change",
    "product_views",
    "previous_product_views",
    "add_to_carts",
    "checkouts",
    "purchases",
    "refunds",
];
/// Heatmap columns after the segment.
const HEATMAP_COLUMNS: [&str; 9] = [
    "category",
    "product_views",
    "share_of_segment",
    "add_to_carts",
    "purchases",
    "purchases_per_view",
    "visitors",
    "buyers",
    "conversion",
];
const PRODUCTS_COLUMNS: [&str; 5] = [
    "shop",
    "product_id",
    "product_views",
    "add_to_carts",
    "purchases",
];
const TOP_PRODUCTS_COLUMNS: [&str; 13] = [
    "shop",
    "product_id",
    "category",
    "revenue_kopecks",
    "previous_revenue_kopecks",
    "revenue_change",
    "orders",
    "units",
    "product_views",
    "previous_product_views",
    "add_to_carts",
    "purchases",
    "lines_without_revenue",
];
const TRENDS_COLUMNS: [&str; 4] = ["category", "current", "previous", "growth"];
/// Trends columns of the revenue metric, whose figures are in kopecks.
const TRENDS_REVENUE_COLUMNS: [&str; 4] =
    ["category", "current_kopecks", "previous_kopecks", "growth"];

/// The breakdown as a table: the dashboard's columns, with the change as a fraction.
pub fn breakdown_table(data: &BreakdownJson) -> Table {
    let headers = std::iter::once(data.by.as_str()).chain(BREAKDOWN_COLUMNS);
    let rows = data
        .rows
        .iter()
        .map(|row| {
            let (now, before) = (&row.current, &row.previous);
            vec![
                Cell::Text(row.key.clone()),
                Cell::Integer(now.page_views),
                Cell::Integer(before.page_views),
                change(now.page_views, before.page_views),
                Cell::Integer(now.product_views),
                Cell::Integer(before.product_views),
                Cell::Integer(now.add_to_carts),
                Cell::Integer(now.checkouts),
                Cell::Integer(now.purchases),
                Cell::Integer(now.refunds),
            ]
        })
        .collect();
    Table {
        headers: headers.map(str::to_string).collect(),
        rows,
    }
}

/// Builds the table of the top products in the API's order, with the change of revenue as
/// a fraction.
pub fn top_products_table(data: &TopProductsJson) -> Table {
    let rows = data
        .products
        .iter()
        .map(|product| {
            let (now, before) = (&product.current, &product.previous);
            vec![
                Cell::Text(product.shop.clone()),
                Cell::Text(product.product_id.clone()),
                Cell::Text(product.category.clone()),
                Cell::Integer(now.revenue_kopecks),
                Cell::Integer(before.revenue_kopecks),
                change(now.revenue_kopecks, before.revenue_kopecks),
                Cell::Integer(now.orders),
                Cell::Integer(now.units),
                Cell::Integer(now.product_views),
                Cell::Integer(before.product_views),
                Cell::Integer(now.add_to_carts),
                Cell::Integer(now.purchases),
                Cell::Integer(now.lines_without_revenue),
            ]
        })
        .collect();
    Table {
        headers: TOP_PRODUCTS_COLUMNS.map(str::to_string).to_vec(),
        rows,
    }
}

/// The heatmap as a table, one row per cell.
pub fn heatmap_table(data: &HeatmapJson) -> Table {
    let fraction = |value: Option<f64>| value.map_or(Cell::Empty, Cell::Fraction);
    let headers = std::iter::once(data.segment.as_str()).chain(HEATMAP_COLUMNS);
    let rows = data
        .cells
        .iter()
        .map(|cell| {
            vec![
                Cell::Text(cell.segment.clone()),
                Cell::Text(cell.category.clone()),
                Cell::Integer(cell.product_views),
                fraction(cell.share_of_segment),
                Cell::Integer(cell.add_to_carts),
                Cell::Integer(cell.purchases),
                fraction(cell.purchases_per_view),
                Cell::Integer(cell.visitors),
                Cell::Integer(cell.buyers),
                fraction(cell.conversion),
            ]
        })
        .collect();
    Table {
        headers: headers.map(str::to_string).collect(),
        rows,
    }
}

/// Builds the table of a heatmap cell's products, the most viewed first.
pub fn products_table(data: &DrilldownJson) -> Table {
    let headers = PRODUCTS_COLUMNS;
    let rows = data
        .products
        .iter()
        .map(|product| {
            vec![
                Cell::Text(product.shop.clone()),
                Cell::Text(product.product_id.clone()),
                Cell::Integer(product.counts.product_views),
                Cell::Integer(product.counts.add_to_carts),
                Cell::Integer(product.counts.purchases),
            ]
        })
        .collect();
    Table {
        headers: headers.iter().map(|header| header.to_string()).collect(),
        rows,
    }
}

/// Builds the trends table: every category with both periods and the growth as a fraction.
/// Revenue columns are named for their unit, kopecks.
pub fn trends_table(data: &TrendsJson) -> Table {
    let headers = if data.metric == "revenue" {
        TRENDS_REVENUE_COLUMNS
    } else {
        TRENDS_COLUMNS
    };
    let rows = data
        .categories
        .iter()
        .map(|trend| {
            vec![
                Cell::Text(trend.category.clone()),
                Cell::Integer(trend.current),
                Cell::Integer(trend.previous),
                trend.growth.map_or(Cell::Empty, Cell::Fraction),
            ]
        })
        .collect();
    Table {
        headers: headers.iter().map(|header| header.to_string()).collect(),
        rows,
    }
}

fn file_response(format: Format, name: &str, table: &Table) -> AppResult<Response> {
    let (bytes, content_type, extension) = match format {
        Format::Csv => (to_csv(table)?, "text/csv; charset=utf-8", "csv"),
        Format::Xlsx => (to_xlsx(table)?, XLSX_CONTENT_TYPE, "xlsx"),
    };
    let file_name = format!("analytics-{name}.{extension}");
    Ok(attachment(content_type, &file_name, bytes))
}

/// Builds a 200 response that a browser saves as the file `file_name`.
pub fn attachment(content_type: &str, file_name: &str, bytes: Vec<u8>) -> Response {
    let disposition = format!("attachment; filename=\"{file_name}\"");
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

/// Writes `table` as UTF-8 CSV with a header row.
pub fn to_csv(table: &Table) -> AppResult<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let failed = |error: csv::Error| AppError::Internal(format!("CSV export failed: {error}"));
    let headers: Vec<String> = table
        .headers
        .iter()
        .map(|header| neutralise(header).into_owned())
        .collect();
    writer.write_record(&headers).map_err(failed)?;
    for row in &table.rows {
        let fields: Vec<String> = row.iter().map(csv_field).collect();
        writer.write_record(&fields).map_err(failed)?;
    }
    writer
        .into_inner()
        .map_err(|error| AppError::Internal(format!("CSV export failed: {error}")))
}

fn csv_field(cell: &Cell) -> String {
    match cell {
        Cell::Text(text) => neutralise(text).into_owned(),
        Cell::Integer(value) => value.to_string(),
        Cell::Fraction(value) | Cell::Number(value) => value.to_string(),
        Cell::Empty => String::new(),
    }
}

fn xlsx_failed(error: rust_xlsxwriter::XlsxError) -> AppError {
    AppError::Internal(format!("XLSX export failed: {error}"))
}

/// Writes `table` as an XLSX workbook of one sheet with a header row.
pub fn to_xlsx(table: &Table) -> AppResult<Vec<u8>> {
    let mut workbook = Workbook::new();
    write_sheet(workbook.add_worksheet(), table)?;
    workbook.save_to_buffer().map_err(xlsx_failed)
}

/// Writes an XLSX workbook with one sheet per named table, in order. A sheet name is at most
/// 31 characters and has none of `[]:*?/\`.
pub fn to_xlsx_sheets(sheets: &[(String, Table)]) -> AppResult<Vec<u8>> {
    let mut workbook = Workbook::new();
    for (name, table) in sheets {
        let sheet = workbook.add_worksheet();
        sheet.set_name(name).map_err(xlsx_failed)?;
        write_sheet(sheet, table)?;
    }
    workbook.save_to_buffer().map_err(xlsx_failed)
}

/// Writes a header row and the rows of `table`: text neutralised, numbers as numbers.
fn write_sheet(sheet: &mut rust_xlsxwriter::Worksheet, table: &Table) -> AppResult<()> {
    let failed = xlsx_failed;
    for (column, header) in (0u16..).zip(&table.headers) {
        sheet
            .write_string(0, column, neutralise(header))
            .map_err(failed)?;
    }
    for (row, cells) in (1u32..).zip(&table.rows) {
        for (column, cell) in (0u16..).zip(cells) {
            match cell {
                Cell::Text(text) => sheet.write_string(row, column, neutralise(text)),
                // Counts stay far below 2^53, where f64 stops being exact.
                Cell::Integer(value) => sheet.write_number(row, column, *value as f64),
                Cell::Fraction(value) | Cell::Number(value) => {
                    sheet.write_number(row, column, *value)
                }
                Cell::Empty => continue,
            }
            .map_err(failed)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Dimensions that name the first column of a breakdown or heatmap.
    const DIMENSION_COLUMNS: [&str; 7] = [
        "category",
        "source",
        "device",
        "recency",
        "account",
        "buyer",
        "price_tier",
    ];

    #[test]
    fn every_header_has_a_label() {
        let i18n = I18n::load().unwrap();
        let columns = DIMENSION_COLUMNS
            .iter()
            .chain(&BREAKDOWN_COLUMNS)
            .chain(&HEATMAP_COLUMNS)
            .chain(&PRODUCTS_COLUMNS)
            .chain(&TRENDS_COLUMNS)
            .chain(&TRENDS_REVENUE_COLUMNS);
        for header in columns {
            for lang in [Lang::Ru, Lang::En] {
                assert!(i18n.has(lang, &header_key(header)), "{header} in {lang:?}");
            }
        }
    }
}
