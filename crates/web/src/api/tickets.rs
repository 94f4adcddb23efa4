//! Ticket routes of the JSON API.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use domain::Invalid;
use domain::identity::{Action, Object};
use domain::servicedesk::ticket::comment_is_public;
use domain::servicedesk::workflow;
use domain::servicedesk::{Kind, LinkKind, PendingReason, Priority, Source, Status};
use serde::{Deserialize, Serialize};
use store::servicedesk::sla::SlaState;
use store::servicedesk::tickets::{
    self, AssigneeFilter, ListQuery, NewTicket, SortColumn, Ticket, TicketChange,
};
use store::servicedesk::{history, queues, zabbix_outbox};
use utoipa::{IntoParams, ToSchema};

use super::json::{ApiJson, double_option};
use crate::context::{Auth, Via};
use crate::error::{AppError, AppResult};
use crate::query::Query;
use crate::servicedesk::access::{self, authorize};
use crate::state::AppState;

/// Largest page of the ticket list.
pub const MAX_LIMIT: i64 = 1000;
/// Page size when the request names none.
pub const DEFAULT_LIMIT: i64 = 50;

/// A ticket as the API returns it.
#[derive(Debug, Serialize, ToSchema)]
pub struct TicketJson {
    pub id: i64,
    /// Human number, such as `INC-000123`.
    pub number: String,
    /// `incident`, `request`, `question`, `problem` or `bug`.
    pub kind: String,
    /// `new`, `assigned`, `in_progress`, `pending`, `resolved`, `closed` or `cancelled`.
    pub status: String,
    /// `client` or `third_party` while pending.
    pub pending_reason: Option<String>,
    /// `P1` (critical) to `P4` (low).
    pub priority: String,
    /// The queue's code.
    pub queue: String,
    /// The assignee's login.
    pub assignee: Option<String>,
    /// `portal`, `staff`, `zabbix`, `api` or `email`.
    pub source: String,
    pub title: String,
    pub description: String,
    pub client_id: Option<i64>,
    /// Increases with every change; send it back to change the ticket.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    /// The Zabbix problem event that raised the ticket.
    pub zabbix_event_id: Option<i64>,
    /// The Zabbix host's technical name.
    pub zabbix_host: Option<String>,
    /// The Zabbix host's visible name.
    pub zabbix_host_name: Option<String>,
    /// When the Zabbix problem started.
    pub zabbix_started_at: Option<DateTime<Utc>>,
    /// The ticket's page.
    pub url: String,
}

impl TicketJson {
    /// Converts a stored ticket; `public_url` makes the page link absolute.
    pub fn new(ticket: Ticket, public_url: &str) -> TicketJson {
        TicketJson {
            url: format!("{public_url}/tickets/{}", ticket.id),
            id: ticket.id,
            number: ticket.number,
            kind: ticket.kind.to_string(),
            status: ticket.status.to_string(),
            pending_reason: ticket.pending_reason.map(|r| r.to_string()),
            priority: ticket.priority.to_string(),
            queue: ticket.queue,
            assignee: ticket.assignee,
            source: ticket.source.to_string(),
            title: ticket.title,
            description: ticket.description,
            client_id: ticket.client_id,
            version: ticket.version,
            created_at: ticket.created_at,
            updated_at: ticket.updated_at,
            first_response_at: ticket.first_response_at,
            resolved_at: ticket.resolved_at,
            closed_at: ticket.closed_at,
            zabbix_event_id: ticket.zabbix_event_id,
            zabbix_host: ticket.zabbix_host,
            zabbix_host_name: ticket.zabbix_host_name,
            zabbix_started_at: ticket.zabbix_started_at,
        }
    }
}

/// A page of tickets.
#[derive(Debug, Serialize, ToSchema)]
pub struct TicketList {
    pub items: Vec<TicketJson>,
    /// Matches in total, for paging.
    pub total: i64,
}

/// A comment.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommentJson {
    pub id: i64,
    /// The author's login, or `zabbix`.
    pub author: String,
    pub body: String,
    /// Whether the client sees it.
    pub public: bool,
    pub created_at: DateTime<Utc>,
}

impl From<tickets::Comment> for CommentJson {
    fn from(comment: tickets::Comment) -> Self {
        CommentJson {
            id: comment.id,
            author: comment.author_label,
            body: comment.body,
            public: comment.public,
            created_at: comment.created_at,
        }
    }
}

/// A history line.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryJson {
    pub at: DateTime<Utc>,
    /// The author's login, `zabbix` or `system`.
    pub actor: String,
    /// The changed field or event.
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    /// Explanation of a system line, in the requester's language.
    pub note: Option<String>,
}

/// A link to another ticket.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkJson {
    /// `duplicate_of`, `caused_by` or `relates_to`.
    pub kind: String,
    /// Whether this ticket is the link's source.
    pub outgoing: bool,
    pub ticket_id: i64,
    pub number: String,
    pub title: String,
    pub status: String,
}

/// One call back to Zabbix that a change of this ticket queued.
#[derive(Debug, Serialize, ToSchema)]
pub struct ZabbixSyncJson {
    /// `acknowledge` (first assignment) or `resolve` (a person resolved the ticket).
    pub action: String,
    pub event_id: i64,
    /// `pending` (not tried yet), `failed` (will be retried at `next_attempt_at`) or `sent`.
    pub state: String,
    /// The state in the requester's language.
    pub state_label: String,
    /// Attempts made so far.
    pub attempts: i64,
    /// The error of the last failed attempt.
    pub last_error: Option<String>,
    /// When the next attempt is due; `None` once sent.
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub sent_at: Option<DateTime<Utc>>,
    /// The effect of the sent call: `acknowledged`, `closed`, or `message` when the trigger
    /// does not allow manual close.
    pub outcome: Option<String>,
}

impl ZabbixSyncJson {
    fn new(entry: zabbix_outbox::Entry, state_label: String) -> ZabbixSyncJson {
        let sent = entry.state == zabbix_outbox::State::Sent;
        ZabbixSyncJson {
            action: entry.action.as_str().to_string(),
            event_id: entry.event_id,
            state: entry.state.as_str().to_string(),
            state_label,
            attempts: entry.attempts,
            last_error: entry.last_error,
            next_attempt_at: (!sent).then_some(entry.next_attempt_at),
            sent_at: entry.sent_at,
            outcome: entry.outcome,
        }
    }
}

/// A ticket with its comments, history and links.
#[derive(Debug, Serialize, ToSchema)]
pub struct TicketDetail {
    #[serde(flatten)]
    pub ticket: TicketJson,
    /// Comments the requester may see, oldest first.
    pub comments: Vec<CommentJson>,
    /// Every change, oldest first.
    pub history: Vec<HistoryJson>,
    pub links: Vec<LinkJson>,
    /// Statuses the requester may move the ticket to now.
    pub allowed_transitions: Vec<String>,
    /// Calls back to Zabbix, oldest first; empty for requesters who may not read internal
    /// comments.
    pub zabbix_sync: Vec<ZabbixSyncJson>,
    /// Deadlines and clock state; `null` when the ticket's SLA calendar is missing.
    pub sla: Option<super::ticket_sla::TicketSlaJson>,
    /// The checklist in display order; empty when the ticket has none.
    pub checklist: Vec<super::checklist::ChecklistItemJson>,
    /// The environment an environment request asks for; `null` for other tickets and for
    /// requesters who may not read the inventory.
    pub environment_request: Option<super::environment_requests::EnvironmentRequestJson>,
}

/// Filters, sorting and paging of `GET /tickets`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// One source.
    pub source: Option<String>,
    /// One status, or several separated by commas.
    pub status: Option<String>,
    /// `P1`..`P4`.
    pub priority: Option<String>,
    /// A queue code.
    pub queue: Option<String>,
    /// An assignee's login, or `none` for unassigned tickets.
    pub assignee: Option<String>,
    /// One kind.
    pub kind: Option<String>,
    /// Text in the number, title, description or host; `ё` matches `е`.
    pub q: Option<String>,
    /// `created_at`, `updated_at`, `priority` or `status`; prefix `-` for descending.
    pub sort: Option<String>,
    /// Page size, 1 to 1000 (default 50).
    pub limit: Option<String>,
    /// Tickets to skip (default 0).
    pub offset: Option<String>,
    /// `at_risk` or `breached`: open tickets in that SLA state now.
    pub sla: Option<String>,
}

impl ListParams {
    /// Validates the parameters into a store query.
    pub fn to_query(&self) -> Result<ListQuery, Invalid> {
        let present = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        let mut query = ListQuery::default();
        if let Some(statuses) = present(&self.status) {
            query.statuses = statuses
                .split(',')
                .filter(|s| !s.trim().is_empty())
                .map(|s| Status::parse("status", s))
                .collect::<Result<_, _>>()?;
        }
        query.source = present(&self.source)
            .map(|s| Source::parse("source", &s))
            .transpose()?;
        query.priority = present(&self.priority)
            .map(|p| Priority::parse("priority", &p))
            .transpose()?;
        query.kind = present(&self.kind)
            .map(|k| Kind::parse("kind", &k))
            .transpose()?;
        query.queue = present(&self.queue);
        query.assignee = present(&self.assignee).map(|login| {
            if login.eq_ignore_ascii_case("none") {
                AssigneeFilter::Unassigned
            } else {
                AssigneeFilter::Login(login)
            }
        });
        query.text = present(&self.q);
        query.sla = present(&self.sla)
            .map(|state| SlaState::parse("sla", &state))
            .transpose()?
            .map(|state| (state, domain::time::now()));
        if let Some(sort) = present(&self.sort) {
            let (column, descending) = SortColumn::parse(&sort)?;
            query.sort = column;
            query.descending = descending;
        }
        query.limit = match present(&self.limit) {
            Some(limit) => parse_bounded("limit", &limit, 1, MAX_LIMIT)?,
            None => DEFAULT_LIMIT,
        };
        query.offset = match present(&self.offset) {
            Some(offset) => parse_bounded("offset", &offset, 0, i64::MAX)?,
            None => 0,
        };
        Ok(query)
    }
}

/// Parses an integer parameter and checks that it lies in `min..=max`.
pub(crate) fn parse_bounded(field: &str, value: &str, min: i64, max: i64) -> Result<i64, Invalid> {
    value
        .parse::<i64>()
        .ok()
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| {
            Invalid::new(field, "error-out-of-range")
                .arg("value", value)
                .arg("min", min)
                .arg("max", max)
        })
}

/// Lists tickets the requester may see.
#[utoipa::path(get, path = "/api/v1/tickets", tag = "tickets", params(ListParams),
    responses((status = 200, body = TicketList), (status = 401), (status = 422)))]
pub async fn list(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Query(params): Query<ListParams>,
) -> AppResult<Json<TicketList>> {
    authorize(&identity, Action::ReadTicket, Object::System)?;
    let mut query = params.to_query()?;
    access::restrict(&identity, &mut query);
    let (items, total) = tickets::list(&state.db, &query).await?;
    let items = items
        .into_iter()
        .map(|t| TicketJson::new(t, &state.config.public_url))
        .collect();
    Ok(Json(TicketList { items, total }))
}

/// Reads one ticket with its comments (internal ones only for staff allowed to), history and links.
#[utoipa::path(get, path = "/api/v1/tickets/{id}", tag = "tickets",
    params(("id" = i64, Path, description = "Ticket id")),
    responses((status = 200, body = TicketDetail), (status = 404)))]
pub async fn get(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Path(id): Path<String>,
) -> AppResult<Json<TicketDetail>> {
    let id = path_id(&id)?;
    let ticket = access::readable_ticket(&state, &identity, id).await?;
    Ok(Json(
        detail(
            &state,
            &identity,
            ticket,
            crate::i18n::Lang::parse(&identity.user.locale).unwrap_or_default(),
        )
        .await?,
    ))
}

/// Checks whether `line` records a link to one of `hidden_targets` (ticket ids as text).
/// Link lines store `KIND ID`, as in `relates_to 42`.
fn hides_link(line: &HistoryJson, hidden_targets: &[String]) -> bool {
    if line.field != "link" {
        return false;
    }
    [&line.old_value, &line.new_value]
        .into_iter()
        .flatten()
        .filter_map(|value| value.rsplit(' ').next())
        .any(|id| hidden_targets.iter().any(|hidden| hidden == id))
}

/// Assembles a ticket with what the requester may see of its comments, history, links and
/// calls back to Zabbix.
pub async fn detail(
    state: &AppState,
    identity: &crate::context::Identity,
    ticket: Ticket,
    lang: crate::i18n::Lang,
) -> AppResult<TicketDetail> {
    let internal = access::allows(identity, Action::ReadInternal, access::object(&ticket));
    let comments = tickets::comments(&state.db, ticket.id, internal)
        .await?
        .into_iter()
        .map(CommentJson::from)
        .collect();
    let history: Vec<HistoryJson> = history::list(&state.db, ticket.id)
        .await?
        .into_iter()
        .filter(|line| internal || line.field != "comment_internal")
        .map(|line| HistoryJson {
            note: line
                .note_key
                .as_deref()
                .map(|key| state.i18n.format(lang, key, &[])),
            at: line.at,
            actor: line.actor_label,
            field: line.field,
            old_value: line.old_value,
            new_value: line.new_value,
        })
        .collect();
    // A link may point to a ticket the requester cannot read (another client's), so links
    // and link history lines are shown only when their target is readable.
    let mut hidden_targets = Vec::new();
    let mut readable_links = Vec::new();
    for link in tickets::links(&state.db, ticket.id).await? {
        let other = tickets::get(&state.db, link.other_id).await?;
        let readable =
            other.is_some_and(|o| access::allows(identity, Action::ReadTicket, access::object(&o)));
        if readable {
            readable_links.push(link);
        } else {
            hidden_targets.push(link.other_id.to_string());
        }
    }
    let history = history
        .into_iter()
        .filter(|line: &HistoryJson| !hides_link(line, &hidden_targets))
        .collect();
    let links = readable_links
        .into_iter()
        .map(|link| LinkJson {
            kind: link.kind,
            outgoing: link.outgoing,
            ticket_id: link.other_id,
            number: link.other_number,
            title: link.other_title,
            status: link.other_status,
        })
        .collect();
    let allowed_transitions =
        if access::allows(identity, Action::UpdateTicket, access::object(&ticket)) {
            workflow::targets(ticket.status)
                .into_iter()
                .map(|s| s.to_string())
                .collect()
        } else {
            Vec::new()
        };
    let zabbix_sync = if internal {
        zabbix_outbox::for_ticket(&state.db, ticket.id)
            .await?
            .into_iter()
            .map(|entry| {
                let key = format!("ticket-zabbix-sync-state-{}", entry.state.as_str());
                ZabbixSyncJson::new(entry, state.i18n.format(lang, &key, &[]))
            })
            .collect()
    } else {
        Vec::new()
    };
    let sla = super::ticket_sla::ticket_sla_json(state, &ticket).await?;
    let checklist = store::servicedesk::checklist::list(&state.db, ticket.id)
        .await?
        .into_iter()
        .map(super::checklist::ChecklistItemJson::from)
        .collect();
    let environment_request = if access::allows(identity, Action::ReadInventory, Object::System) {
        store::servicedesk::environment_requests::get(&state.db, ticket.id)
            .await?
            .map(|request| {
                super::environment_requests::EnvironmentRequestJson::new(
                    request,
                    &state.config.public_url,
                )
            })
    } else {
        None
    };
    Ok(TicketDetail {
        sla,
        checklist,
        environment_request,
        ticket: TicketJson::new(ticket, &state.config.public_url),
        comments,
        history,
        links,
        allowed_transitions,
        zabbix_sync,
    })
}

/// Reads a path id; anything but a positive integer is a 404, like a missing ticket.
pub fn path_id(raw: &str) -> AppResult<i64> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(AppError::not_found)
}

/// Body of `POST /tickets`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTicket {
    /// `incident`, `request`, `question`, `problem` or `bug`.
    pub kind: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// `P1`..`P4`; P3 when absent.
    pub priority: Option<String>,
    /// A queue code; `L1` when absent.
    pub queue: Option<String>,
    /// The client the ticket is for, which sets its SLA from the client's contract. Staff
    /// only: a client user's tickets always belong to their own company.
    #[serde(default)]
    pub client_id: Option<i64>,
}

/// Creates a ticket. Client users' tickets belong to their company and come from the portal.
#[utoipa::path(post, path = "/api/v1/tickets", tag = "tickets", request_body = CreateTicket,
    responses((status = 201, body = TicketJson), (status = 400), (status = 403), (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    Auth(identity): Auth,
    ApiJson(body): ApiJson<CreateTicket>,
) -> AppResult<Response> {
    let new = new_ticket(&identity, &body)?;
    check_client(&state, &new).await?;
    authorize(
        &identity,
        Action::CreateTicket,
        Object::Ticket {
            queue: &new.queue,
            client_id: new.client_id,
        },
    )?;
    let ticket = tickets::create(
        &state.db,
        &new,
        &access::author(&identity),
        domain::time::now(),
    )
    .await?;
    tracing::info!(ticket_id = ticket.id, number = %ticket.number, "ticket created");
    Ok((
        StatusCode::CREATED,
        Json(TicketJson::new(ticket, &state.config.public_url)),
    )
        .into_response())
}

/// Validates a creation request into a store value, in the order the fields are documented.
pub fn new_ticket(
    identity: &crate::context::Identity,
    body: &CreateTicket,
) -> Result<NewTicket, Invalid> {
    let kind = Kind::parse("kind", &body.kind)?;
    let title = domain::servicedesk::ticket::check_title(&body.title)?;
    let priority = match body.priority.as_deref() {
        Some(p) => Priority::parse("priority", p)?,
        None => Priority::P3,
    };
    let client = identity.actor.role.is_client();
    // Clients raise tickets to the first line; support moves them on from there.
    if client
        && body
            .queue
            .as_deref()
            .is_some_and(|queue| queue.trim() != "L1")
    {
        return Err(Invalid::new("queue", "ticket-queue-client-fixed")
            .arg("value", body.queue.as_deref().unwrap_or_default()));
    }
    // A client user's tickets are their company's; naming any other client is refused the
    // same way whether that client exists or not.
    if client
        && let Some(named) = body.client_id
        && Some(named) != identity.actor.client_id
    {
        return Err(Invalid::new("client_id", "ticket-client-fixed").arg("value", named));
    }
    let source = match (&identity.via, client) {
        (_, true) => Source::Portal,
        (Via::Token { .. }, false) => Source::Api,
        (Via::Session { .. }, false) => Source::Staff,
    };
    Ok(NewTicket {
        kind,
        source,
        priority,
        queue: body.queue.clone().unwrap_or_else(|| "L1".into()),
        title,
        description: body.description.clone(),
        client_id: if client {
            identity.actor.client_id
        } else {
            body.client_id
        },
        zabbix: None,
    })
}

/// Checks that the client a staff member named exists.
pub async fn check_client(state: &AppState, new: &NewTicket) -> AppResult<()> {
    if let Some(id) = new.client_id
        && store::crm::clients::get(&state.db, id).await?.is_none()
    {
        return Err(Invalid::new("client_id", "ticket-client-unknown")
            .arg("value", id)
            .into());
    }
    Ok(())
}

/// Body of `PATCH /tickets/{id}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTicket {
    pub title: Option<String>,
    pub priority: Option<String>,
    pub queue: Option<String>,
    /// A login, or `null` to unassign.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub assignee: Option<Option<String>>,
    /// The version the change is based on.
    pub version: i64,
}

/// Changes fields of a ticket. A stale `version` is a 409 `conflict`.
#[utoipa::path(patch, path = "/api/v1/tickets/{id}", tag = "tickets", request_body = UpdateTicket,
    params(("id" = i64, Path, description = "Ticket id")),
    responses((status = 200, body = TicketJson), (status = 409), (status = 422)))]
pub async fn update(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UpdateTicket>,
) -> AppResult<Json<TicketJson>> {
    let ticket = access::readable_ticket(&state, &identity, path_id(&id)?).await?;
    authorize(&identity, Action::UpdateTicket, access::object(&ticket))?;
    let change = TicketChange {
        title: body.title.clone(),
        priority: body
            .priority
            .as_deref()
            .map(|p| Priority::parse("priority", p))
            .transpose()?,
        queue: body.queue.clone(),
        assignee: body.assignee.clone(),
    };
    if let Some(queue) = &change.queue {
        let target = Object::Ticket {
            queue,
            client_id: ticket.client_id,
        };
        authorize(&identity, Action::UpdateTicket, target)?;
    }
    let ticket = tickets::update(
        &state.db,
        ticket.id,
        body.version,
        &change,
        &access::author(&identity),
        domain::time::now(),
    )
    .await?;
    Ok(Json(TicketJson::new(ticket, &state.config.public_url)))
}

/// Body of `POST /tickets/{id}/comments`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateComment {
    pub body: String,
    /// Whether the client sees it. Staff comments are internal when absent; client users'
    /// comments are always public, and `false` from a client user is a 422.
    #[serde(default)]
    pub public: Option<bool>,
}

/// Adds a comment. Client users' comments are always public; a client user's internal note
/// is rejected with 422 and nothing stored.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/comments", tag = "tickets", request_body = CreateComment,
    params(("id" = i64, Path, description = "Ticket id")),
    responses((status = 201, body = CommentJson), (status = 403), (status = 422)))]
pub async fn comment(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<CreateComment>,
) -> AppResult<Response> {
    let ticket = access::readable_ticket(&state, &identity, path_id(&id)?).await?;
    let public = comment_is_public("public", identity.actor.role.is_client(), body.public)?;
    let action = if public {
        Action::CommentPublic
    } else {
        Action::CommentInternal
    };
    authorize(&identity, action, access::object(&ticket))?;
    let comment = tickets::add_comment(
        &state.db,
        ticket.id,
        &body.body,
        public,
        &access::author(&identity),
        domain::time::now(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(CommentJson::from(comment))).into_response())
}

/// Body of `POST /tickets/{id}/transitions`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTransition {
    /// The target status.
    pub to: String,
    /// `client` or `third_party`; required for `pending`.
    pub reason: Option<String>,
    /// The version the change is based on.
    pub version: i64,
}

/// Moves a ticket to another status. A move the workflow forbids is a 409 `invalid_transition`.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/transitions", tag = "tickets", request_body = CreateTransition,
    params(("id" = i64, Path, description = "Ticket id")),
    responses((status = 200, body = TicketJson), (status = 409), (status = 422)))]
pub async fn transition(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<CreateTransition>,
) -> AppResult<Json<TicketJson>> {
    let ticket = access::readable_ticket(&state, &identity, path_id(&id)?).await?;
    authorize(&identity, Action::UpdateTicket, access::object(&ticket))?;
    let to = Status::parse("to", &body.to)?;
    let reason = body
        .reason
        .as_deref()
        .filter(|r| !r.trim().is_empty())
        .map(|r| PendingReason::parse("reason", r))
        .transpose()?;
    let ticket = tickets::transition(
        &state.db,
        ticket.id,
        body.version,
        to,
        reason,
        &access::author(&identity),
        domain::time::now(),
    )
    .await?;
    Ok(Json(TicketJson::new(ticket, &state.config.public_url)))
}

/// Body of `POST /tickets/{id}/links`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateLink {
    /// `duplicate_of`, `caused_by` or `relates_to`.
    pub kind: String,
    /// The other ticket's id.
    pub target: i64,
}

/// Links the ticket to another one the requester may also read.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/links", tag = "tickets", request_body = CreateLink,
    params(("id" = i64, Path, description = "Ticket id")),
    responses((status = 201), (status = 404), (status = 409), (status = 422)))]
pub async fn link(
    State(state): State<AppState>,
    Auth(identity): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<CreateLink>,
) -> AppResult<StatusCode> {
    let ticket = access::readable_ticket(&state, &identity, path_id(&id)?).await?;
    authorize(&identity, Action::UpdateTicket, access::object(&ticket))?;
    let kind = LinkKind::parse("kind", &body.kind)?;
    let target = access::readable_ticket(&state, &identity, body.target).await?;
    tickets::add_link(
        &state.db,
        ticket.id,
        target.id,
        kind,
        &access::author(&identity),
        domain::time::now(),
    )
    .await?;
    Ok(StatusCode::CREATED)
}

/// A queue with its active members.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueueJson {
    pub code: String,
    pub name: String,
    /// Logins of the members, who may be assigned its tickets.
    pub members: Vec<String>,
}

/// Lists queues and their members.
#[utoipa::path(get, path = "/api/v1/queues", tag = "tickets", responses((status = 200, body = Vec<QueueJson>)))]
pub async fn queues(
    State(state): State<AppState>,
    Auth(identity): Auth,
) -> AppResult<Json<Vec<QueueJson>>> {
    if identity.actor.role.is_client() {
        return Err(AppError::forbidden());
    }
    let members = queues::members(&state.db).await?;
    let lang = identity.user.locale.clone();
    let list = queues::list(&state.db)
        .await?
        .into_iter()
        .map(|queue| QueueJson {
            members: members
                .iter()
                .filter(|m| m.queue_code == queue.code)
                .map(|m| m.login.clone())
                .collect(),
            name: queue.name(&lang).to_string(),
            code: queue.code,
        })
        .collect();
    Ok(Json(list))
}

/// The requester's account.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeJson {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub role: String,
    pub client_id: Option<i64>,
    pub locale: String,
}

/// Returns the requester's account.
#[utoipa::path(get, path = "/api/v1/me", tag = "identity", responses((status = 200, body = MeJson), (status = 401)))]
pub async fn me(Auth(identity): Auth) -> Json<MeJson> {
    let user = identity.user;
    Json(MeJson {
        id: user.id,
        role: user.role.clone(),
        login: user.login,
        display_name: user.display_name,
        client_id: user.client_id,
        locale: user.locale,
    })
}
