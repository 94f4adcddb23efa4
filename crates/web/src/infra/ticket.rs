//! The inventory's section of a ticket's page, for staff. A Zabbix incident shows its host,
//! the environments on it and the shops and client companies they serve. A bug shows the release that
//! fixes it, and those who record releases link it there (`/tickets/{id}/fixed-in`).

use axum::extract::{Path, State};
use axum::response::Response;
use domain::identity::{Action, Object};
use domain::servicedesk::Kind;
use serde::Deserialize;
use store::infra::environments::{self, Member};
use store::infra::releases::{self, Release};
use store::servicedesk::tickets::Ticket;

use super::form::whole_number;
use crate::api::deployments::link_release_fix;
use crate::api::tickets::path_id;
use crate::context::{Auth, Context, Identity};
use crate::error::AppResult;
use crate::form::Form;
use crate::servicedesk::access::{allows, authorize, readable_ticket};
use crate::servicedesk::pages::finish_ticket_action;
use crate::state::AppState;

/// Releases the "fixed in" select offers, newest first.
const FIX_CHOICES: i64 = 200;

/// The inventory's view of a ticket.
pub struct TicketInfra {
    /// The inventory host of the Zabbix event's technical host name, when one matches.
    pub host: Option<Member>,
    /// The technical host name of the Zabbix event, when the ticket came from Zabbix.
    pub zabbix_host: Option<String>,
    pub environments: Vec<Member>,
    /// Client companies served by the affected environments.
    pub clients: Vec<Member>,
    /// Shops served by the affected environments.
    pub shops: Vec<Member>,
    /// The release that fixes the ticket.
    pub release: Option<Release>,
    /// The ticket, for the "fixed in" form.
    pub ticket_id: i64,
    /// Releases to link a bug to, newest first; empty unless the ticket is a bug and the user
    /// may record releases.
    pub fix_choices: Vec<Release>,
}

impl TicketInfra {
    /// Returns whether there is nothing to show.
    pub fn is_empty(&self) -> bool {
        self.zabbix_host.is_none() && self.release.is_none() && self.fix_choices.is_empty()
    }
}

/// Builds the inventory's view of `ticket` for staff who may read the inventory; `None` for
/// everyone else, since the impact names other client companies.
pub async fn for_ticket(
    state: &AppState,
    identity: &Identity,
    ticket: &Ticket,
) -> AppResult<Option<TicketInfra>> {
    if !allows(identity, Action::ReadInventory, Object::System) {
        return Ok(None);
    }
    let mut view = TicketInfra {
        host: None,
        zabbix_host: ticket.zabbix_host.clone(),
        environments: Vec::new(),
        clients: Vec::new(),
        shops: Vec::new(),
        release: releases::release_fixing(&state.db, ticket.id).await?,
        ticket_id: ticket.id,
        fix_choices: Vec::new(),
    };
    if ticket.kind == Kind::Bug && allows(identity, Action::RecordDeployments, Object::System) {
        view.fix_choices = releases::list_releases(&state.db, None, FIX_CHOICES).await?;
    }
    let found = match ticket.zabbix_host.as_deref() {
        // A name the inventory could never hold (blank, too long) matches no host.
        Some(name) => match store::metrics::find_host(&state.db, name).await {
            Ok(found) => found,
            Err(store::Error::Domain(_)) => None,
            Err(error) => return Err(error.into()),
        },
        None => None,
    };
    if let Some(host) = found {
        view.environments = environments::environments_of_host(&state.db, host.id).await?;
        for environment in &view.environments {
            for client in environments::clients_of(&state.db, environment.id).await? {
                if !view.clients.iter().any(|c| c.id == client.id) {
                    view.clients.push(client);
                }
            }
            for shop in environments::shops_of(&state.db, environment.id).await? {
                if !view.shops.iter().any(|s| s.id == shop.id) {
                    view.shops.push(shop);
                }
            }
        }
        view.host = Some(Member {
            id: host.id,
            name: host.technical_name,
        });
    }
    Ok((!view.is_empty()).then_some(view))
}

/// The "fixed in" form of a bug ticket.
#[derive(Debug, Deserialize)]
pub struct FixedInForm {
    #[serde(default)]
    release_id: String,
}

/// Links a bug ticket to the release that fixes it, as `POST /api/v1/releases/{id}/fixes`
/// does, and returns to the ticket. A ticket the user may not read is a 404, a user who may
/// not record releases a 403; a missing release or a ticket of another kind is shown on the
/// ticket page.
pub async fn fixed_in(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Path(id): Path<String>,
    Form(form): Form<FixedInForm>,
) -> AppResult<Response> {
    let ticket = readable_ticket(&state, &identity, path_id(&id)?).await?;
    authorize(&identity, Action::RecordDeployments, Object::System)?;
    let result = async {
        let release_id = whole_number("release_id", &form.release_id)?;
        let release = releases::get_release(&state.db, release_id)
            .await?
            .ok_or_else(|| {
                domain::Invalid::new("release_id", "inventory-unknown-reference")
                    .arg("value", release_id)
            })?;
        link_release_fix(&state, &identity, &release, ticket.id).await
    }
    .await;
    finish_ticket_action(
        &state,
        &context,
        &identity,
        ticket,
        "ticket-done-fixed-in",
        result,
    )
    .await
}
