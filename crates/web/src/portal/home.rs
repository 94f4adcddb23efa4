//! The portal's home page (`/portal`): the company's contracts with the terms in force today
//! and its latest tickets.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use domain::identity::{Action, Object};
use store::crm::amendments;
use store::crm::contracts::{self, Contract};
use store::identity::clients;
use store::servicedesk::tickets;

use super::company_of;
use crate::api::contracts::today;
use crate::context::{Auth, Context};
use crate::error::{AppError, AppResult};
use crate::pages::{Page, render};
use crate::servicedesk::access::{self, authorize};
use crate::state::AppState;

/// How many of the latest tickets the home page lists; the ticket list has the rest.
const LATEST_TICKETS: i64 = 20;

#[derive(Template)]
#[template(path = "portal/home.html")]
struct HomePage {
    page: Page,
    company: String,
    contracts: Vec<ContractRow>,
    tickets: Vec<TicketRow>,
    /// The link text to the full ticket list, with the number of tickets.
    all_tickets: String,
    may_manage_users: bool,
}

/// A contract with the terms in force today, as the home page shows it.
struct ContractRow {
    id: i64,
    number: String,
    status_label: String,
    plan: String,
    price: String,
    ends_on: String,
    /// The numbers of the amendments in force today.
    amendments: String,
}

struct TicketRow {
    id: i64,
    number: String,
    title: String,
    status_label: String,
    updated_at: String,
}

/// Shows the portal's home page to a client user.
pub async fn show(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
) -> AppResult<Response> {
    let client_id = company_of(&identity)?;
    authorize(
        &identity,
        Action::ReadClient,
        Object::Client { id: client_id },
    )?;
    authorize(
        &identity,
        Action::ReadContract,
        Object::Client { id: client_id },
    )?;
    let company = clients::get(&state.db, client_id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let page = Page::new(&state, &context, "portal-title");

    let query = contracts::ListQuery {
        client_id: Some(client_id),
        limit: 100,
        ..contracts::ListQuery::default()
    };
    let (found, _) = contracts::list(&state.db, &query).await?;
    let mut contract_rows = Vec::with_capacity(found.len());
    for contract in &found {
        contract_rows.push(contract_row(&state, &page, contract).await?);
    }

    let mut query = tickets::ListQuery {
        limit: LATEST_TICKETS,
        ..tickets::ListQuery::default()
    };
    access::restrict(&identity, &mut query);
    let (found, ticket_total) = tickets::list(&state.db, &query).await?;
    let ticket_rows = found
        .iter()
        .map(|ticket| TicketRow {
            id: ticket.id,
            number: ticket.number.clone(),
            title: ticket.title.clone(),
            status_label: page.label("ticket-status", ticket.status.as_ref()),
            updated_at: page.datetime(&ticket.updated_at),
        })
        .collect();

    let may_manage_users = access::allows(
        &identity,
        Action::ManageUsers,
        Object::Client { id: client_id },
    );
    render(&HomePage {
        company: company.name,
        contracts: contract_rows,
        tickets: ticket_rows,
        all_tickets: page.tn("portal-tickets-all", "count", ticket_total),
        may_manage_users,
        page,
    })
}

/// Describes a contract by its terms in force today, or by its base terms when it has not
/// started yet.
async fn contract_row(
    state: &AppState,
    page: &Page,
    contract: &Contract,
) -> AppResult<ContractRow> {
    let today = today();
    let (plan, price, ends_on, applied) = if today >= contract.starts_on {
        let terms = amendments::terms(&state.db, contract, today).await?;
        let on_date = terms.on_date;
        (
            format!("{} v{}", terms.plan.plan.name, terms.plan.plan.version),
            on_date.terms.monthly_price.to_string(),
            on_date.terms.ends_on,
            on_date.applied.join(", "),
        )
    } else {
        (
            format!("{} v{}", contract.plan_name, contract.plan.version),
            contract.monthly_price.to_string(),
            contract.ends_on,
            String::new(),
        )
    };
    Ok(ContractRow {
        id: contract.id,
        number: contract.number.to_string(),
        status_label: page.label("contract-status", contract.status.as_ref()),
        plan,
        price,
        ends_on: ends_on
            .map(|date| page.date(&date))
            .unwrap_or_else(|| page.t("contract-open-ended")),
        amendments: applied,
    })
}
