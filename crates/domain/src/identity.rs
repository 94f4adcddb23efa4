//! Users, roles and the one permission check that sits between every handler and the data.

use serde::{Deserialize, Serialize};
use strum::{AsRefStr, Display, EnumString, IntoStaticStr, VariantArray};

use crate::Invalid;

/// Minimum password length in characters (NIST SP 800-63B: length, no composition rules).
pub const PASSWORD_MIN_CHARS: usize = 12;
/// Maximum password length in characters, so hashing cost stays bounded.
pub const PASSWORD_MAX_CHARS: usize = 256;

/// A user's role. Staff roles work across clients; client roles are bound to one client.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    Display,
    EnumString,
    AsRefStr,
    IntoStaticStr,
    VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Role {
    Admin,
    Support,
    SupportLead,
    Developer,
    Analyst,
    Sales,
    /// A client company's administrator: manages that company's users.
    ClientAdmin,
    /// A client company's employee.
    ClientUser,
}

impl Role {
    /// Every role's API name, for error messages and forms.
    pub fn names() -> Vec<&'static str> {
        Role::VARIANTS.iter().map(|r| r.into()).collect()
    }

    /// Parses a role name, or returns an error naming the allowed ones.
    pub fn parse(field: &str, value: &str) -> Result<Role, Invalid> {
        value
            .parse()
            .map_err(|_| Invalid::not_one_of(field, value, &Role::names()))
    }

    /// Whether the role belongs to a client company rather than to staff.
    pub fn is_client(self) -> bool {
        matches!(self, Role::ClientAdmin | Role::ClientUser)
    }
}

/// Checks a login: 2 to 64 characters of Latin letters, digits, `.`, `_`, `-` and `@`.
/// Returns it in lower case, because logins compare case-insensitively.
pub fn normalize_login(login: &str) -> Result<String, Invalid> {
    let login = login.trim().to_lowercase();
    let length = login.chars().count();
    if !(2..=64).contains(&length) {
        return Err(Invalid::new("login", "error-login-length").arg("value", login));
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@');
    if let Some(bad) = login.chars().find(|c| !allowed(*c)) {
        return Err(Invalid::new("login", "error-login-chars")
            .arg("value", &login)
            .arg("char", bad));
    }
    Ok(login)
}

/// Checks a new password's length; no composition rules apply.
pub fn check_password(password: &str) -> Result<(), Invalid> {
    let length = password.chars().count();
    if length < PASSWORD_MIN_CHARS {
        return Err(Invalid::new("password", "error-password-short")
            .arg("min", PASSWORD_MIN_CHARS)
            .arg("length", length));
    }
    if length > PASSWORD_MAX_CHARS {
        return Err(Invalid::new("password", "error-password-long").arg("max", PASSWORD_MAX_CHARS));
    }
    Ok(())
}

/// Who performs a request: a signed-in user, an API token's owner or an integration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: i64,
    pub login: String,
    pub role: Role,
    /// The client company of a client user; `None` for staff.
    pub client_id: Option<i64>,
}

/// An action an actor requests. The variant names are the action names of the table in
/// `docs/PERMISSIONS.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumString, IntoStaticStr, VariantArray)]
pub enum Action {
    /// See a ticket and its public comments.
    ReadTicket,
    /// See internal comments and the full history.
    ReadInternal,
    CreateTicket,
    /// Change fields, assignment or status.
    UpdateTicket,
    CommentPublic,
    CommentInternal,
    /// Manage users, roles and other people's API tokens.
    ManageUsers,
    ReadAudit,
    /// See a client card: requisites, contacts, account manager and its change log.
    ReadClient,
    /// Create and edit client cards and their contacts.
    ManageClients,
    /// See a shop's analytics (traffic, orders, revenue) or, on [`Object::System`], the
    /// platform-wide figures.
    ReadAnalytics,
    /// See contracts, their amendments and terms, and the tariff plans.
    ReadContract,
    /// Create tariff plans, contracts and amendments, and change a contract's status.
    ManageContracts,
    /// Edit business calendars: weekly hours, exceptions, zones.
    ManageCalendars,
    /// See the inventory: sites, hosts, clusters, environments, services, releases,
    /// deployments and capacity advice.
    ReadInventory,
    /// Create and change sites, racks, clusters, hosts, environments and services.
    ManageInventory,
    /// Record releases and deployments and link bug tickets to their fixing release.
    RecordDeployments,
    // Sales pipeline and disputes.
    /// See deals, the pipeline board and the sales reports.
    ReadDeals,
    /// Create deals and move them between stages.
    ManageDeals,
    /// See claims (претензии) and their answer deadlines.
    ReadDisputes,
    /// Register claims and change their status and outcome.
    ManageDisputes,
    // Notifications and SLA reports.
    /// See and mark read one's own in-app notifications (staff only).
    ReadNotifications,
    /// See MTTA, MTTR and SLA compliance of all clients and queues (staff only).
    ReadSlaReports,
}

/// The object an action applies to, with the attributes permissions depend on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Object<'a> {
    /// A ticket in queue `queue`, of client `client_id` if any.
    Ticket {
        queue: &'a str,
        client_id: Option<i64>,
    },
    /// A client company's card.
    Client { id: i64 },
    /// A shop on the platform, owned by client `client_id` if any.
    Shop { client_id: Option<i64> },
    /// Anything system-wide: users, audit log, the ticket list as a whole.
    System,
}

/// The outcome of a permission check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// The actor may see the object but not do this (HTTP 403).
    Forbidden,
    /// The actor may not even know the object exists (HTTP 404).
    Hidden,
}

/// The queue whose tickets developers work.
pub const DEVELOPMENT_QUEUE: &str = "development";

/// Decides whether `actor` may perform `action` on `object`. Every handler calls this, and
/// nothing else grants access.
pub fn decide(actor: &Actor, action: Action, object: Object<'_>) -> Decision {
    if let Some(decision) = decide_sales(actor.role, action) {
        return decision;
    }
    if actor.role.is_client() {
        return decide_client(actor, action, object);
    }
    if let Some(decision) = decide_client_card(actor.role, action) {
        return decision;
    }
    if let Some(decision) = decide_inventory(actor.role, action) {
        return decision;
    }
    // Notifications and SLA reports: every staff member reads their own notifications and
    // the reports; clients were decided above.
    if matches!(action, Action::ReadNotifications | Action::ReadSlaReports) {
        return Decision::Allow;
    }
    let allowed = match actor.role {
        Role::Admin => true,
        Role::Support | Role::SupportLead => !matches!(
            action,
            Action::ManageUsers | Action::ReadAudit | Action::ReadAnalytics
        ),
        Role::Developer => match action {
            Action::ReadTicket | Action::ReadInternal | Action::CreateTicket => true,
            Action::UpdateTicket | Action::CommentPublic | Action::CommentInternal => {
                matches!(object, Object::Ticket { queue, .. } if queue == DEVELOPMENT_QUEUE)
            }
            // The client-card and inventory actions are decided above, and developers see
            // no analytics, contracts or calendars.
            Action::ManageUsers
            | Action::ReadAudit
            | Action::ReadClient
            | Action::ManageClients
            | Action::ReadAnalytics
            | Action::ReadContract
            | Action::ManageContracts
            | Action::ManageCalendars
            | Action::ReadInventory
            | Action::ManageInventory
            | Action::RecordDeployments
            | Action::ReadDeals
            | Action::ManageDeals
            | Action::ReadDisputes
            | Action::ManageDisputes
            | Action::ReadNotifications
            | Action::ReadSlaReports => false,
        },
        Role::Analyst => matches!(
            action,
            Action::ReadTicket | Action::ReadInternal | Action::ReadAnalytics | Action::ReadAudit
        ),
        Role::Sales => action == Action::ReadTicket,
        Role::ClientAdmin | Role::ClientUser => false,
    };
    if allowed {
        Decision::Allow
    } else {
        Decision::Forbidden
    }
}

/// Decides the commercial actions for staff: every staff role reads client cards,
/// contracts and plans, administrators and sales change them, and only administrators edit
/// calendars. `None` for any other action.
fn decide_client_card(role: Role, action: Action) -> Option<Decision> {
    let allowed = match action {
        Action::ReadClient | Action::ReadContract => true,
        Action::ManageClients | Action::ManageContracts => {
            matches!(role, Role::Admin | Role::Sales)
        }
        Action::ManageCalendars => role == Role::Admin,
        _ => return None,
    };
    Some(if allowed {
        Decision::Allow
    } else {
        Decision::Forbidden
    })
}

/// Decides the inventory actions for staff: every staff role but sales reads the inventory,
/// support and administrators change it, and development, support and administrators record
/// releases and deployments. `None` for any other action.
fn decide_inventory(role: Role, action: Action) -> Option<Decision> {
    let allowed = match action {
        Action::ReadInventory => role != Role::Sales,
        Action::ManageInventory => matches!(role, Role::Admin | Role::Support | Role::SupportLead),
        Action::RecordDeployments => matches!(
            role,
            Role::Admin | Role::Support | Role::SupportLead | Role::Developer
        ),
        _ => return None,
    };
    Some(if allowed {
        Decision::Allow
    } else {
        Decision::Forbidden
    })
}

/// Decides the sales pipeline and dispute actions: sales and administrators change deals
/// and claims, analysts read both, support reads claims (their evidence is tickets), and
/// everyone else, client users included, may not know they exist. `None` for any other
/// action.
fn decide_sales(role: Role, action: Action) -> Option<Decision> {
    let manages = matches!(role, Role::Admin | Role::Sales);
    let reads = match action {
        Action::ReadDeals | Action::ManageDeals => manages || role == Role::Analyst,
        Action::ReadDisputes | Action::ManageDisputes => {
            manages || matches!(role, Role::Analyst | Role::Support | Role::SupportLead)
        }
        _ => return None,
    };
    let changes = matches!(action, Action::ManageDeals | Action::ManageDisputes);
    Some(match (reads, changes) {
        (false, _) => Decision::Hidden,
        (true, true) if !manages => Decision::Forbidden,
        (true, _) => Decision::Allow,
    })
}

fn decide_client(actor: &Actor, action: Action, object: Object<'_>) -> Decision {
    let own = match object {
        Object::Ticket { client_id, .. } => client_id.is_some() && client_id == actor.client_id,
        Object::Client { id } => Some(id) == actor.client_id,
        Object::Shop { client_id } => client_id.is_some() && client_id == actor.client_id,
        Object::System => true,
    };
    if !own {
        return Decision::Hidden;
    }
    match action {
        // A client reads its own shops' analytics, never the platform's.
        Action::ReadAnalytics if object == Object::System => Decision::Forbidden,
        Action::ReadAnalytics => Decision::Allow,
        Action::ReadTicket
        | Action::CreateTicket
        | Action::CommentPublic
        | Action::ReadClient
        | Action::ReadContract => Decision::Allow,
        Action::ReadInternal => Decision::Hidden,
        // A client administrator manages the users of its own company, checked on that
        // company's card. The system-wide user administration stays staff-only.
        Action::ManageUsers
            if actor.role == Role::ClientAdmin && matches!(object, Object::Client { .. }) =>
        {
            Decision::Allow
        }
        _ => Decision::Forbidden,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, client_id: Option<i64>) -> Actor {
        Actor {
            user_id: 1,
            login: "u".into(),
            role,
            client_id,
        }
    }

    const L1: Object<'static> = Object::Ticket {
        queue: "L1",
        client_id: None,
    };
    const DEV: Object<'static> = Object::Ticket {
        queue: "development",
        client_id: None,
    };

    #[test]
    fn login_is_lowercased() {
        assert_eq!(normalize_login(" Ivanov.A ").as_deref(), Ok("ivanov.a"));
    }

    #[test]
    fn login_rejects_cyrillic() {
        let error = normalize_login("иванов").unwrap_err();
        assert_eq!(error.key, "error-login-chars");
    }

    #[test]
    fn password_of_eleven_chars_is_short() {
        assert_eq!(
            check_password("абвгдежзийк").unwrap_err().key,
            "error-password-short"
        );
    }

    #[test]
    fn password_of_twelve_cyrillic_chars_passes() {
        assert!(check_password("абвгдежзийкл").is_ok());
    }

    #[test]
    fn role_parse_names_allowed_values() {
        let error = Role::parse("role", "root").unwrap_err();
        assert_eq!(error.key, "error-not-one-of");
        assert!(error.args.iter().any(|(_, v)| v.contains("support_lead")));
    }

    #[test]
    fn sales_reads_but_cannot_change_tickets() {
        let sales = actor(Role::Sales, None);
        assert_eq!(decide(&sales, Action::ReadTicket, L1), Decision::Allow);
        assert_eq!(
            decide(&sales, Action::ReadInternal, L1),
            Decision::Forbidden
        );
        assert_eq!(
            decide(&sales, Action::UpdateTicket, L1),
            Decision::Forbidden
        );
    }

    #[test]
    fn developer_works_only_development_queue() {
        let dev = actor(Role::Developer, None);
        assert_eq!(decide(&dev, Action::UpdateTicket, DEV), Decision::Allow);
        assert_eq!(decide(&dev, Action::UpdateTicket, L1), Decision::Forbidden);
    }

    #[test]
    fn analyst_changes_nothing() {
        let analyst = actor(Role::Analyst, None);
        assert_eq!(decide(&analyst, Action::ReadInternal, L1), Decision::Allow);
        assert_eq!(
            decide(&analyst, Action::CommentInternal, L1),
            Decision::Forbidden
        );
    }

    #[test]
    fn client_cannot_see_other_company_ticket() {
        let client = actor(Role::ClientUser, Some(7));
        let foreign = Object::Ticket {
            queue: "L1",
            client_id: Some(8),
        };
        assert_eq!(
            decide(&client, Action::ReadTicket, foreign),
            Decision::Hidden
        );
    }

    #[test]
    fn client_never_sees_internal_comments() {
        let client = actor(Role::ClientAdmin, Some(7));
        let own = Object::Ticket {
            queue: "L1",
            client_id: Some(7),
        };
        assert_eq!(decide(&client, Action::ReadTicket, own), Decision::Allow);
        assert_eq!(decide(&client, Action::ReadInternal, own), Decision::Hidden);
    }

    #[test]
    fn admin_and_sales_manage_clients() {
        let card = Object::Client { id: 3 };
        for role in [Role::Admin, Role::Sales] {
            let decision = decide(&actor(role, None), Action::ManageClients, card);
            assert_eq!(decision, Decision::Allow, "{role}");
        }
    }

    #[test]
    fn other_staff_only_read_clients() {
        let card = Object::Client { id: 3 };
        for role in [
            Role::Support,
            Role::SupportLead,
            Role::Developer,
            Role::Analyst,
        ] {
            let reader = actor(role, None);
            assert_eq!(decide(&reader, Action::ReadClient, card), Decision::Allow);
            assert_eq!(
                decide(&reader, Action::ManageClients, card),
                Decision::Forbidden,
                "{role}"
            );
        }
    }

    #[test]
    fn client_user_sees_only_own_card() {
        let client = actor(Role::ClientAdmin, Some(7));
        let own = Object::Client { id: 7 };
        let foreign = Object::Client { id: 8 };
        assert_eq!(decide(&client, Action::ReadClient, own), Decision::Allow);
        assert_eq!(
            decide(&client, Action::ReadClient, foreign),
            Decision::Hidden
        );
        assert_eq!(
            decide(&client, Action::ManageClients, own),
            Decision::Forbidden
        );
    }

    #[test]
    fn support_and_admin_manage_inventory() {
        for role in [Role::Admin, Role::Support, Role::SupportLead] {
            let decision = decide(&actor(role, None), Action::ManageInventory, Object::System);
            assert_eq!(decision, Decision::Allow, "{role}");
        }
    }

    #[test]
    fn analyst_and_developer_only_read_inventory() {
        for role in [Role::Analyst, Role::Developer] {
            let reader = actor(role, None);
            assert_eq!(
                decide(&reader, Action::ReadInventory, Object::System),
                Decision::Allow
            );
            assert_eq!(
                decide(&reader, Action::ManageInventory, Object::System),
                Decision::Forbidden,
                "{role}"
            );
        }
    }

    #[test]
    fn developer_records_deployments() {
        let dev = actor(Role::Developer, None);
        let decision = decide(&dev, Action::RecordDeployments, Object::System);
        assert_eq!(decision, Decision::Allow);
        let analyst = actor(Role::Analyst, None);
        let decision = decide(&analyst, Action::RecordDeployments, Object::System);
        assert_eq!(decision, Decision::Forbidden);
    }

    #[test]
    fn clients_and_sales_see_no_inventory() {
        for role in [Role::ClientAdmin, Role::ClientUser, Role::Sales] {
            let user = actor(role, Some(7).filter(|_| role.is_client()));
            let decision = decide(&user, Action::ReadInventory, Object::System);
            assert_eq!(decision, Decision::Forbidden, "{role}");
        }
    }

    #[test]
    fn only_admin_manages_staff_users() {
        assert_eq!(
            decide(
                &actor(Role::Admin, None),
                Action::ManageUsers,
                Object::System
            ),
            Decision::Allow
        );
        assert_eq!(
            decide(
                &actor(Role::SupportLead, None),
                Action::ManageUsers,
                Object::System
            ),
            Decision::Forbidden
        );
    }

    #[test]
    fn analytics_read_by_analyst_and_admin_only() {
        let shop = Object::Shop { client_id: Some(7) };
        for role in [Role::Admin, Role::Analyst] {
            assert_eq!(
                decide(&actor(role, None), Action::ReadAnalytics, shop),
                Decision::Allow,
                "{role:?}"
            );
            assert_eq!(
                decide(&actor(role, None), Action::ReadAnalytics, Object::System),
                Decision::Allow,
                "{role:?}"
            );
        }
        for role in [
            Role::Support,
            Role::SupportLead,
            Role::Developer,
            Role::Sales,
        ] {
            assert_eq!(
                decide(&actor(role, None), Action::ReadAnalytics, shop),
                Decision::Forbidden,
                "{role:?}"
            );
        }
    }

    #[test]
    fn analytics_client_sees_own_shop_only() {
        let client = actor(Role::ClientUser, Some(7));
        let own = Object::Shop { client_id: Some(7) };
        let foreign = Object::Shop { client_id: Some(8) };
        let unowned = Object::Shop { client_id: None };
        assert_eq!(decide(&client, Action::ReadAnalytics, own), Decision::Allow);
        assert_eq!(
            decide(&client, Action::ReadAnalytics, foreign),
            Decision::Hidden
        );
        assert_eq!(
            decide(&client, Action::ReadAnalytics, unowned),
            Decision::Hidden
        );
        assert_eq!(
            decide(&client, Action::ReadAnalytics, Object::System),
            Decision::Forbidden
        );
    }

    #[test]
    fn support_cannot_change_contracts() {
        let contract = Object::Client { id: 3 };
        for role in [
            Role::Support,
            Role::SupportLead,
            Role::Developer,
            Role::Analyst,
        ] {
            let decision = decide(&actor(role, None), Action::ManageContracts, contract);
            assert_eq!(decision, Decision::Forbidden, "{role}");
        }
        let decision = decide(&actor(Role::Sales, None), Action::ManageContracts, contract);
        assert_eq!(decision, Decision::Allow);
    }

    #[test]
    fn client_reads_only_own_contracts() {
        let user = actor(Role::ClientAdmin, Some(7));
        let own = Object::Client { id: 7 };
        let foreign = Object::Client { id: 8 };
        assert_eq!(decide(&user, Action::ReadContract, own), Decision::Allow);
        assert_eq!(
            decide(&user, Action::ReadContract, foreign),
            Decision::Hidden
        );
        assert_eq!(
            decide(&user, Action::ManageContracts, own),
            Decision::Forbidden
        );
    }

    #[test]
    fn only_admin_edits_calendars() {
        for role in Role::VARIANTS {
            let expected = if *role == Role::Admin {
                Decision::Allow
            } else {
                Decision::Forbidden
            };
            let decision = decide(
                &actor(*role, Some(1)),
                Action::ManageCalendars,
                Object::System,
            );
            assert_eq!(decision, expected, "{role}");
        }
    }
    // Sales pipeline and disputes.
    #[test]
    fn sales_and_admin_manage_deals() {
        for role in [Role::Sales, Role::Admin] {
            let decision = decide(&actor(role, None), Action::ManageDeals, Object::System);
            assert_eq!(decision, Decision::Allow, "{role}");
        }
    }

    #[test]
    fn analyst_reads_deals_only() {
        let analyst = actor(Role::Analyst, None);
        assert_eq!(
            decide(&analyst, Action::ReadDeals, Object::System),
            Decision::Allow
        );
        assert_eq!(
            decide(&analyst, Action::ManageDeals, Object::System),
            Decision::Forbidden
        );
    }

    #[test]
    fn deals_hidden_from_support_developer_clients() {
        for (role, client_id) in [
            (Role::Support, None),
            (Role::SupportLead, None),
            (Role::Developer, None),
            (Role::ClientAdmin, Some(7)),
            (Role::ClientUser, Some(7)),
        ] {
            for action in [Action::ReadDeals, Action::ManageDeals] {
                let decision = decide(&actor(role, client_id), action, Object::System);
                assert_eq!(decision, Decision::Hidden, "{role} {action:?}");
            }
        }
    }

    #[test]
    fn support_reads_but_cannot_change_disputes() {
        let support = actor(Role::Support, None);
        assert_eq!(
            decide(&support, Action::ReadDisputes, Object::System),
            Decision::Allow
        );
        assert_eq!(
            decide(&support, Action::ManageDisputes, Object::System),
            Decision::Forbidden
        );
    }

    #[test]
    fn disputes_hidden_from_developer_and_clients() {
        for (role, client_id) in [(Role::Developer, None), (Role::ClientAdmin, Some(7))] {
            let decision = decide(
                &actor(role, client_id),
                Action::ReadDisputes,
                Object::System,
            );
            assert_eq!(decision, Decision::Hidden, "{role}");
        }
    }

    // Notifications and SLA reports.
    #[test]
    fn staff_read_notifications_and_reports_clients_do_not() {
        for action in [Action::ReadNotifications, Action::ReadSlaReports] {
            for role in Role::VARIANTS {
                let client_id = role.is_client().then_some(1);
                let decision = decide(&actor(*role, client_id), action, Object::System);
                let expected = if role.is_client() {
                    Decision::Forbidden
                } else {
                    Decision::Allow
                };
                assert_eq!(decision, expected, "{role} {action:?}");
            }
        }
    }
}
