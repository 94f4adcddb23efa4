//! Select options the commercial forms share: clients and the newest plan versions.

use store::crm::clients::{self, ClientListQuery};
use store::crm::tariffs;

use crate::error::AppResult;
use crate::pages::{Choice, Page};
use crate::state::AppState;

/// Clients a form offers at most, by name.
// TODO: a company with more clients needs a search field here instead of a select.
const CLIENT_LIMIT: i64 = 500;

/// Clients by name, with an empty "choose" option first; `selected` is an id as typed.
pub async fn clients(state: &AppState, page: &Page, selected: &str) -> AppResult<Vec<Choice>> {
    let query = ClientListQuery {
        limit: CLIENT_LIMIT,
        ..ClientListQuery::default()
    };
    let (found, _) = clients::list(&state.db, &query).await?;
    let mut choices = vec![Choice::new("", page.t("deal-choose-client"), false)];
    choices.extend(found.into_iter().map(|client| {
        let id = client.id.to_string();
        let chosen = id == selected.trim();
        Choice::new(id, client.name, chosen)
    }));
    Ok(choices)
}

/// Each plan's newest version, with an empty "no plan" option first; `selected` is an id
/// as typed.
pub async fn plans(state: &AppState, page: &Page, selected: &str) -> AppResult<Vec<Choice>> {
    let mut choices = vec![Choice::new(
        "",
        page.t("deal-no-plan"),
        selected.trim().is_empty(),
    )];
    for plan in tariffs::list(&state.db, false).await? {
        let id = plan.id.to_string();
        let label = format!(
            "{} v{} ({})",
            plan.plan.name, plan.plan.version, plan.plan.code
        );
        let chosen = id == selected.trim();
        choices.push(Choice::new(id, label, chosen));
    }
    Ok(choices)
}
