//! The ticket list (`/tickets`) with filters, sorting and paging, and "my tickets" (`/my`).

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use domain::identity::{Action, Object};
use domain::servicedesk::{Kind, Source, Status};
use store::identity::users;
use store::servicedesk::queues::{self, Queue};
use store::servicedesk::sla::SlaState;
use store::servicedesk::tickets::{self, AssigneeFilter, ListQuery, SortColumn};

use super::rows::Row;
use super::{vary_on_htmx, wants_fragment};
use crate::api::tickets::ListParams;
use crate::context::{Auth, Context, Identity};
use crate::error::AppResult;
use crate::pages::{Choice, Page, Pager, Params, render};
use crate::query::Query;
use crate::servicedesk::access::{self, authorize};
use crate::state::AppState;

/// Page sizes the list offers; another size in the URL is used as long as the API allows it.
const PAGE_SIZES: [i64; 4] = [25, 50, 100, 200];
/// The list's sort when the URL names none: recently changed first.
const DEFAULT_SORT: &str = "-updated_at";
/// Maximum rows in a section of "my tickets". The section shows the total count as well.
const MY_LIMIT: i64 = 200;

#[derive(Template)]
#[template(path = "tickets/list.html")]
struct ListPage {
    page: Page,
    filters: Filters,
    table: Table,
}

#[derive(Template)]
#[template(path = "tickets/list.html", block = "table")]
struct ListTable {
    page: Page,
    table: Table,
}

/// The filter form's options, with the current choices selected.
struct Filters {
    statuses: Vec<Choice>,
    queues: Vec<Choice>,
    assignees: Vec<Choice>,
    priorities: Vec<Choice>,
    sources: Vec<Choice>,
    kinds: Vec<Choice>,
    sorts: Vec<Choice>,
    page_sizes: Vec<Choice>,
    /// Any, at risk or breached.
    sla: Vec<Choice>,
    text: String,
}

/// A column header; a sortable one links to the list sorted by it, and again toggles the
/// direction.
struct Column {
    label: String,
    url: Option<String>,
    /// `▲`, `▼` or nothing when the list is not sorted by this column.
    arrow: &'static str,
}

/// The table part of the page, which htmx swaps when filters change.
struct Table {
    rows: Vec<Row>,
    total: String,
    pager: Pager,
    /// "Page 2 of 5".
    position: String,
    query: Params,
    columns: Vec<Column>,
}

impl Table {
    fn page_url(&self, page: i64) -> String {
        self.query.with("page", &page.to_string())
    }
}

/// The list's columns with the sort column behind each sortable one. The number sorts by
/// creation time, because numbers grow with it within each kind.
const COLUMNS: [(&str, Option<&str>); 9] = [
    ("number", Some("created_at")),
    ("title", None),
    ("status", Some("status")),
    ("priority", Some("priority")),
    ("queue", None),
    ("assignee", None),
    ("source", None),
    ("updated", Some("updated_at")),
    ("sla", None),
];

/// Shows the ticket list; an htmx request for `#ticket-table` gets the table alone.
pub async fn list(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    headers: HeaderMap,
    Query(pairs): Query<Vec<(String, String)>>,
) -> AppResult<Response> {
    authorize(&identity, Action::ReadTicket, Object::System)?;
    let query_state = Params::new("/tickets", &pairs);
    let per_page = query_state
        .get("per_page")
        .and_then(|size| size.parse().ok())
        .unwrap_or(crate::api::tickets::DEFAULT_LIMIT);
    let mut pager = Pager::new(query_state.get("page"), per_page);
    let mut query = list_params(&query_state, &identity, &pager).to_query()?;
    access::restrict(&identity, &mut query);
    let (found, total) = tickets::list(&state.db, &query).await?;
    pager.total = total;

    let page = Page::new(&state, &context, "tickets-title");
    let queues = queues::list(&state.db).await?;
    let cells = super::sla::cells(&state, &page, &found).await?;
    let rows = found
        .iter()
        .zip(cells)
        .map(|(ticket, sla)| Row {
            sla,
            ..Row::new(&page, &queues, ticket)
        })
        .collect();
    let table = Table {
        rows,
        total: page.tn("tickets-count", "count", total),
        position: page.t2(
            "tickets-page-of",
            "page",
            pager.page,
            "pages",
            pager.pages(),
        ),
        pager,
        columns: columns(&page, &query_state),
        query: query_state.clone(),
    };
    if wants_fragment(&headers, "ticket-table") {
        return render(&ListTable { page, table }).map(vary_on_htmx);
    }
    let filters = filters(&state, &page, &identity, &query_state, &queues).await?;
    render(&ListPage {
        page,
        filters,
        table,
    })
    .map(vary_on_htmx)
}

/// Turns the page's query into the API's parameters, so both validate the same way.
/// `assignee=me` stands for the current user; several `status` values are all kept.
fn list_params(query: &Params, identity: &Identity, pager: &Pager) -> ListParams {
    let owned = |key: &str| query.get(key).map(str::to_string);
    let statuses = query.all("status");
    let assignee = match query.get("assignee") {
        Some("me") => Some(identity.user.login.clone()),
        other => other.map(str::to_string),
    };
    ListParams {
        source: owned("source"),
        status: (!statuses.is_empty()).then(|| statuses.join(",")),
        priority: owned("priority"),
        queue: owned("queue"),
        assignee,
        kind: owned("kind"),
        q: owned("q"),
        sort: Some(owned("sort").unwrap_or_else(|| DEFAULT_SORT.to_string())),
        limit: Some(pager.per_page.to_string()),
        offset: Some(pager.offset().to_string()),
        sla: owned("sla"),
    }
}

fn columns(page: &Page, query: &Params) -> Vec<Column> {
    let current = query.get("sort").unwrap_or(DEFAULT_SORT);
    COLUMNS
        .iter()
        .map(|(name, sort)| {
            let label = page.label("tickets-column", name);
            let Some(sort) = sort else {
                return Column {
                    label,
                    url: None,
                    arrow: "",
                };
            };
            let descending = format!("-{sort}");
            let (arrow, next) = if current == *sort {
                ("▲", descending)
            } else if current == descending {
                ("▼", sort.to_string())
            } else {
                ("", descending)
            };
            Column {
                label,
                url: Some(query.with("sort", &next)),
                arrow,
            }
        })
        .collect()
}

async fn filters(
    state: &AppState,
    page: &Page,
    identity: &Identity,
    query: &Params,
    queues: &[Queue],
) -> AppResult<Filters> {
    let one = |key: &str| query.get(key).into_iter().collect::<Vec<_>>();
    let mut queue_choices = vec![Choice::new("", page.t("tickets-filter-any"), false)];
    let mut assignees = Vec::new();
    if !identity.actor.role.is_client() {
        queue_choices.extend(queues.iter().map(|queue| {
            let selected = query.get("queue") == Some(queue.code.as_str());
            Choice::new(&queue.code, queue.name(page.lang_code()), selected)
        }));
        assignees = assignee_choices(state, page, query.get("assignee")).await?;
    }
    let with_any = |mut choices: Vec<Choice>| {
        choices.insert(0, Choice::new("", page.t("tickets-filter-any"), false));
        choices
    };
    let per_page = query.get("per_page").unwrap_or("50");
    Ok(Filters {
        statuses: page.choices("ticket-status", &Status::names(), &query.all("status")),
        queues: queue_choices,
        assignees,
        priorities: with_any(page.choices(
            "ticket-priority",
            &["P1", "P2", "P3", "P4"],
            &one("priority"),
        )),
        sources: with_any(page.choices("ticket-source", &Source::names(), &one("source"))),
        kinds: with_any(page.choices("ticket-kind", &Kind::names(), &one("kind"))),
        sorts: sort_choices(page, query.get("sort").unwrap_or(DEFAULT_SORT)),
        page_sizes: PAGE_SIZES
            .iter()
            .map(|size| {
                let size = size.to_string();
                Choice::new(&size, &size, per_page == size)
            })
            .collect(),
        sla: with_any(page.choices("tickets-filter-sla", &SlaState::NAMES, &one("sla"))),
        text: query.get("q").unwrap_or_default().to_string(),
    })
}

/// Builds the sort options: each sortable column descending, then ascending.
fn sort_choices(page: &Page, current: &str) -> Vec<Choice> {
    SortColumn::NAMES
        .iter()
        .flat_map(|column| [(format!("-{column}"), "desc"), (column.to_string(), "asc")])
        .map(|(value, direction)| {
            let column = value.trim_start_matches('-');
            let label = page.label("tickets-sort", &format!("{column}-{direction}"));
            let selected = value == current;
            Choice::new(value, label, selected)
        })
        .collect()
}

/// Builds the assignee filter options: anyone, me, no assignee, then every queue member once.
async fn assignee_choices(
    state: &AppState,
    page: &Page,
    current: Option<&str>,
) -> AppResult<Vec<Choice>> {
    let mut choices = vec![
        Choice::new("", page.t("tickets-filter-any"), false),
        Choice::new("me", page.t("tickets-filter-me"), current == Some("me")),
        Choice::new(
            "none",
            page.t("tickets-filter-unassigned"),
            current == Some("none"),
        ),
    ];
    let mut members = queues::members(&state.db).await?;
    members.sort_by(|a, b| a.display_name.cmp(&b.display_name));
    members.dedup_by(|a, b| a.user_id == b.user_id);
    for member in members {
        let selected = current == Some(member.login.as_str());
        choices.push(Choice::new(member.login, member.display_name, selected));
    }
    Ok(choices)
}

#[derive(Template)]
#[template(path = "tickets/my.html")]
struct MyPage {
    page: Page,
    sections: Vec<Section>,
}

/// One table of "my tickets".
struct Section {
    title: String,
    total: String,
    rows: Vec<Row>,
}

/// Shows open tickets assigned to the user, then the unassigned open tickets of the user's
/// queues. A client user sees the open tickets of their company instead.
pub async fn my(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
) -> AppResult<Response> {
    authorize(&identity, Action::ReadTicket, Object::System)?;
    let page = Page::new(&state, &context, "my-title");
    let queues = queues::list(&state.db).await?;

    let mut mine = open_tickets();
    if !identity.actor.role.is_client() {
        mine.assignee = Some(AssigneeFilter::Login(identity.user.login.clone()));
    }
    access::restrict(&identity, &mut mine);
    let mut sections = vec![section(&state, &page, &queues, "my-assigned", &[mine]).await?];

    if !identity.actor.role.is_client() {
        let queries: Vec<ListQuery> = users::queues_of(&state.db, identity.user.id)
            .await?
            .into_iter()
            .map(|code| ListQuery {
                queue: Some(code),
                assignee: Some(AssigneeFilter::Unassigned),
                ..open_tickets()
            })
            .collect();
        sections.push(section(&state, &page, &queues, "my-unassigned", &queries).await?);
    }
    render(&MyPage { page, sections })
}

/// Open tickets, most urgent first, then the longest untouched.
fn open_tickets() -> ListQuery {
    ListQuery {
        statuses: Status::names()
            .iter()
            .filter_map(|name| name.parse::<Status>().ok())
            .filter(|status| status.is_open())
            .collect(),
        sort: SortColumn::Priority,
        descending: false,
        limit: MY_LIMIT,
        ..ListQuery::default()
    }
}

/// Runs `queries` and shows their tickets as one table, most urgent first.
async fn section(
    state: &AppState,
    page: &Page,
    queues: &[Queue],
    title_key: &str,
    queries: &[ListQuery],
) -> AppResult<Section> {
    let mut found = Vec::new();
    let mut total = 0;
    for query in queries {
        let (tickets, count) = tickets::list(&state.db, query).await?;
        found.extend(tickets);
        total += count;
    }
    found.sort_by_key(|ticket| (ticket.priority, ticket.updated_at));
    let cells = super::sla::cells(state, page, &found).await?;
    let rows = found
        .iter()
        .zip(cells)
        .map(|(ticket, sla)| Row {
            sla,
            ..Row::new(page, queues, ticket)
        })
        .collect();
    Ok(Section {
        title: page.t(title_key),
        total: page.tn("tickets-count", "count", total),
        rows,
    })
}
