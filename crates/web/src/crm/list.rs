//! The client list (`/clients`): search by name, ИНН or phone, filters and paging. With
//! htmx the filter form swaps only the table.

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use domain::crm::{ClientKind, ClientStatus};
use domain::identity::{Action, Object};
use store::crm::clients::{self, Client};

use crate::api::clients::ClientListParams;
use crate::context::{Auth, Context};
use crate::crm::access;
use crate::error::AppResult;
use crate::pages::{Choice, Page, Pager, Params, render};
use crate::query::Query;
use crate::servicedesk::access::{allows, authorize};
use crate::servicedesk::pages::{vary_on_htmx, wants_fragment};
use crate::state::AppState;

/// Clients per page.
const PER_PAGE: i64 = 50;

#[derive(Template)]
#[template(path = "clients/list.html")]
struct ListPage {
    page: Page,
    text: String,
    kinds: Vec<Choice>,
    statuses: Vec<Choice>,
    can_create: bool,
    table: Table,
}

#[derive(Template)]
#[template(path = "clients/list.html", block = "table")]
struct ListTable {
    page: Page,
    table: Table,
}

/// The table part of the page, which htmx swaps when the search changes.
struct Table {
    rows: Vec<Row>,
    total: String,
    pager: Pager,
    position: String,
    query: Params,
}

impl Table {
    fn page_url(&self, page: i64) -> String {
        self.query.with("page", &page.to_string())
    }
}

/// One client as a table row shows it.
struct Row {
    id: i64,
    name: String,
    kind: String,
    inn: String,
    phone: String,
    manager: String,
    status: String,
    status_label: String,
}

impl Row {
    fn new(page: &Page, client: Client) -> Row {
        Row {
            id: client.id,
            kind: page.label("client-kind", client.kind.as_ref()),
            inn: client.inn.unwrap_or_default(),
            phone: client.phone.unwrap_or_default(),
            manager: client.manager_name.unwrap_or_default(),
            status: client.status.to_string(),
            status_label: page.label("client-status", client.status.as_ref()),
            name: client.name,
        }
    }
}

/// Shows the client list; an htmx request for `#client-table` gets the table alone.
pub async fn list(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    headers: HeaderMap,
    Query(pairs): Query<Vec<(String, String)>>,
) -> AppResult<Response> {
    authorize(&identity, Action::ReadClient, Object::System)?;
    let params = Params::new("/clients", &pairs);
    let mut pager = Pager::new(params.get("page"), PER_PAGE);
    let owned = |key: &str| params.get(key).map(str::to_string);
    let api_params = ClientListParams {
        q: owned("q"),
        status: owned("status"),
        kind: owned("kind"),
        limit: Some(pager.per_page.to_string()),
        offset: Some(pager.offset().to_string()),
    };
    let mut query = api_params.to_query()?;
    access::restrict(&identity, &mut query);
    let (found, total) = clients::list(&state.db, &query).await?;
    pager.total = total;

    let page = Page::new(&state, &context, "clients-title");
    let table = Table {
        rows: found.into_iter().map(|c| Row::new(&page, c)).collect(),
        total: page.tn("clients-count", "count", total),
        position: page.t2(
            "tickets-page-of",
            "page",
            pager.page,
            "pages",
            pager.pages(),
        ),
        pager,
        query: params.clone(),
    };
    if wants_fragment(&headers, "client-table") {
        return render(&ListTable { page, table }).map(vary_on_htmx);
    }
    let any = |prefix: &str| Choice::new("", page.t(prefix), false);
    let kind = params.get("kind").unwrap_or_default();
    let status = params.get("status").unwrap_or_default();
    let mut kinds = vec![any("clients-filter-any-kind")];
    kinds.extend(page.choices("client-kind", &ClientKind::names(), &[kind]));
    let mut statuses = vec![any("clients-filter-any-status")];
    statuses.extend(page.choices("client-status", &ClientStatus::names(), &[status]));
    render(&ListPage {
        text: params.get("q").unwrap_or_default().to_string(),
        can_create: allows(&identity, Action::ManageClients, Object::System),
        kinds,
        statuses,
        table,
        page,
    })
    .map(vary_on_htmx)
}
