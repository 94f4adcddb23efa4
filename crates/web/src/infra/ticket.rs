//! The inventory's section of a ticket's page, for staff. A Zabbix incident shows its host,
//! the environments on it and the shops and client companies they serve. A bug shows the release that
//! fixes it.

use domain::identity::{Action, Object};
use store::infra::environments::{self, Member};
use store::infra::releases::{self, Release};
use store::servicedesk::tickets::Ticket;

use crate::context::Identity;
use crate::error::AppResult;
use crate::servicedesk::access::allows;
use crate::state::AppState;

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
}

impl TicketInfra {
    /// Returns whether there is nothing to show.
    pub fn is_empty(&self) -> bool {
        self.zabbix_host.is_none() && self.release.is_none()
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
    };
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
