//! The ticket page (`/tickets/{id}`): fields, description, comments, history, links and the
//! forms that change the ticket. htmx swaps the whole `#ticket-panel` after each change, so
//! every form shows the new version at once.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::identity::Action;
use domain::servicedesk::{LinkKind, Status};
use serde::Deserialize;
use store::servicedesk::queues::{self, Member, Queue};
use store::servicedesk::tickets::Ticket;

use super::rows::queue_name;
use crate::api::tickets::{TicketDetail, detail, path_id};
use crate::context::{Auth, Context, Identity};
use crate::error::AppResult;
use crate::pages::{Choice, DoneQuery, Page, render};
use crate::query::Query;
use crate::servicedesk::access::{self, authorize};
use crate::state::AppState;

/// Notices a redirect back to the ticket page may ask for with `?done=KEY`.
pub const DONE_KEYS: &[&str] = &[
    "ticket-done-created",
    "ticket-done-comment",
    "ticket-done-status",
    "ticket-done-saved",
    "ticket-done-assigned",
    "ticket-done-link",
    "ticket-done-checklist",
    "ticket-done-fixed-in",
];

#[derive(Template)]
#[template(path = "tickets/detail.html")]
struct DetailPage {
    page: Page,
    panel: Panel,
}

#[derive(Template)]
#[template(path = "tickets/detail.html", block = "panel")]
struct DetailPanel {
    page: Page,
    panel: Panel,
}

#[derive(Template)]
#[template(path = "tickets/assignees.html")]
struct AssigneeSelect {
    assignees: Vec<Choice>,
}

/// Everything the ticket panel shows.
pub(super) struct Panel {
    fields: Fields,
    comments: Vec<CommentView>,
    history: Vec<HistoryView>,
    links: Vec<LinkView>,
    checklist: Vec<ChecklistView>,
    /// Ticked items of the checklist.
    checklist_done: usize,
    /// Whether the user may add and tick items now: the checklist of a resolved, closed or
    /// cancelled ticket is frozen.
    checklist_editable: bool,
    /// The environment an environment request asks for, for staff who read the inventory.
    environment_request: Option<EnvironmentRequestView>,
    zabbix_sync: Vec<ZabbixSyncView>,
    /// `None` when the ticket's SLA calendar is missing.
    sla: Option<super::sla::SlaPanel>,
    /// Affected environments and clients, and the fixing release, for staff.
    infra: Option<crate::infra::TicketInfra>,
    controls: Controls,
    /// The edit form's values.
    edit: EditDraft,
    /// A success message that htmx puts into `#flash` beside the new panel.
    flash: Option<String>,
    /// The reason the last change failed, shown above the panel of a full page.
    error: Option<PanelError>,
}

/// A failed change as the panel shows it.
pub(super) struct PanelError {
    pub message: String,
    /// Whether someone else saved first, so the user should reload before trying again.
    pub conflict: bool,
    /// The rejected edit form's input, shown again instead of the stored values.
    pub draft: Option<EditDraft>,
}

/// The edit form's values: the stored ones, or after a rejected save the user's input with
/// the version the edit was based on, so saving again conflicts again until the user reopens
/// the ticket.
pub(super) struct EditDraft {
    pub title: String,
    pub priority: String,
    pub version: String,
}

/// The ticket's own values, translated for display.
struct Fields {
    id: i64,
    number: String,
    title: String,
    description: String,
    version: i64,
    kind: String,
    status: String,
    status_label: String,
    pending_reason: Option<String>,
    priority: String,
    priority_label: String,
    queue: String,
    assignee: Option<String>,
    source: String,
    created: String,
    updated: String,
    first_response: String,
    resolved: String,
    closed: String,
    zabbix: Option<ZabbixView>,
    /// The client the ticket is for, shown to staff.
    client: Option<ClientView>,
}

/// A ticket's client as staff see it, linking to the client's card.
struct ClientView {
    id: i64,
    name: String,
}

/// The Zabbix event a ticket came from.
struct ZabbixView {
    event_id: i64,
    host_name: String,
    host: String,
    started: String,
}

struct CommentView {
    author: String,
    at: String,
    body: String,
    public: bool,
}

struct HistoryView {
    at: String,
    actor: String,
    field: String,
    old_value: Option<String>,
    new_value: Option<String>,
    note: Option<String>,
}

/// One call back to Zabbix, translated for display.
struct ZabbixSyncView {
    action: String,
    event_id: i64,
    state: String,
    state_label: String,
    outcome: Option<String>,
    attempts: i64,
    next_attempt: Option<String>,
    sent_at: Option<String>,
    last_error: Option<String>,
}

/// One checklist item as the panel shows it.
struct ChecklistView {
    id: i64,
    text: String,
    done: bool,
    /// «login, time» of the tick, while the item is done.
    done_by: Option<String>,
    version: i64,
}

/// The environment a request ticket asks for.
struct EnvironmentRequestView {
    name: String,
    kind: String,
    cluster_id: Option<i64>,
    /// The id of the environment created when the ticket was resolved.
    environment_id: Option<i64>,
}

struct LinkView {
    kind: String,
    ticket_id: i64,
    number: String,
    title: String,
    status: String,
    status_label: String,
}

/// The forms the user may use; empty lists and `false` hide them.
struct Controls {
    can_update: bool,
    can_take: bool,
    comment_kinds: Vec<Choice>,
    transitions: Vec<TransitionButton>,
    queues: Vec<Choice>,
    assignees: Vec<Choice>,
    priorities: Vec<Choice>,
    link_kinds: Vec<Choice>,
}

/// One status button: its own small form with the target status and pending reason.
struct TransitionButton {
    to: String,
    reason: Option<&'static str>,
    label: String,
    style: &'static str,
}

/// Shows a ticket the user may read; others are a 404.
pub async fn show(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Path(id): Path<String>,
    Query(query): Query<DoneQuery>,
) -> AppResult<Response> {
    let ticket = access::readable_ticket(&state, &identity, path_id(&id)?).await?;
    let notice = query.notice(DONE_KEYS);
    full_page(&state, &context, &identity, ticket, notice, None).await
}

/// Renders the whole ticket page. With `error`, responds with its status and shows its message.
pub(super) async fn full_page(
    state: &AppState,
    context: &Context,
    identity: &Identity,
    ticket: Ticket,
    notice: Option<&str>,
    error: Option<(StatusCode, PanelError)>,
) -> AppResult<Response> {
    let mut page = Page::new(state, context, "ticket-page-title").with_notice(notice);
    page.title = format!("{} · {}", ticket.number, ticket.title);
    let mut panel = build(state, &page, identity, ticket).await?;
    let status = error.as_ref().map_or(StatusCode::OK, |(status, _)| *status);
    let mut error = error.map(|(_, error)| error);
    if let Some(draft) = error.as_mut().and_then(|error| error.draft.take()) {
        panel.controls.priorities = priority_choices(&page, &draft.priority);
        panel.edit = draft;
    }
    panel.error = error;
    let html = render(&DetailPage { page, panel })?;
    Ok((status, html).into_response())
}

/// Renders the ticket panel alone for htmx, with `notice` for `#flash`.
pub(super) async fn panel_fragment(
    state: &AppState,
    context: &Context,
    identity: &Identity,
    id: i64,
    notice: &str,
) -> AppResult<Response> {
    let ticket = access::readable_ticket(state, identity, id).await?;
    let page = Page::new(state, context, "ticket-page-title");
    let mut panel = build(state, &page, identity, ticket).await?;
    panel.flash = Some(page.t(notice));
    render(&DetailPanel { page, panel })
}

fn priority_choices(page: &Page, selected: &str) -> Vec<Choice> {
    page.choices("ticket-priority", &["P1", "P2", "P3", "P4"], &[selected])
}

/// Query of the assignee select.
#[derive(Debug, Deserialize)]
pub struct QueueQuery {
    #[serde(default)]
    queue: String,
}

/// Renders the assignee select of another queue, which htmx swaps in when the queue changes.
pub async fn assignees(
    State(state): State<AppState>,
    context: Context,
    Auth(identity): Auth,
    Path(id): Path<String>,
    Query(query): Query<QueueQuery>,
) -> AppResult<Response> {
    let ticket = access::readable_ticket(&state, &identity, path_id(&id)?).await?;
    authorize(&identity, Action::UpdateTicket, access::object(&ticket))?;
    let page = Page::new(&state, &context, "ticket-page-title");
    let members = queues::members(&state.db).await?;
    let assignees = assignee_choices(&page, &members, &query.queue, ticket.assignee.as_deref());
    render(&AssigneeSelect { assignees })
}

async fn build(
    state: &AppState,
    page: &Page,
    identity: &Identity,
    ticket: Ticket,
) -> AppResult<Panel> {
    let queues = queues::list(&state.db).await?;
    let members = if identity.actor.role.is_client() {
        Vec::new()
    } else {
        queues::members(&state.db).await?
    };
    let mut fields = fields(page, &queues, &ticket);
    if let Some(id) = ticket.client_id
        && !identity.actor.role.is_client()
    {
        fields.client = store::crm::clients::get(&state.db, id)
            .await?
            .map(|client| ClientView {
                id,
                name: client.name,
            });
    }
    let controls = controls(page, identity, &ticket, &queues, &members);
    let infra = crate::infra::for_ticket(state, identity, &ticket).await?;
    let frozen = matches!(
        ticket.status,
        Status::Resolved | Status::Closed | Status::Cancelled
    );
    let detail = detail(state, identity, ticket, page.lang).await?;
    let sla = match &detail.sla {
        Some(sla) => {
            let name = store::calendar::get(&state.db, &sla.calendar)
                .await?
                .map(|calendar| calendar.name);
            Some(super::sla::panel(page, sla, name))
        }
        None => None,
    };
    let checklist = checklist(page, &detail);
    let edit = EditDraft {
        title: fields.title.clone(),
        priority: fields.priority.clone(),
        version: fields.version.to_string(),
    };
    Ok(Panel {
        edit,
        checklist_done: checklist.iter().filter(|item| item.done).count(),
        checklist_editable: controls.can_update && !frozen,
        checklist,
        environment_request: environment_request(page, &detail),
        fields,
        comments: comments(page, &detail),
        history: history(page, &queues, &detail),
        links: links(page, &detail),
        zabbix_sync: zabbix_sync(page, &detail),
        sla,
        infra,
        controls: Controls {
            transitions: transitions(page, &detail),
            ..controls
        },
        flash: None,
        error: None,
    })
}

fn fields(page: &Page, queues: &[Queue], ticket: &Ticket) -> Fields {
    let zabbix = ticket.zabbix_event_id.map(|event_id| ZabbixView {
        event_id,
        host_name: ticket.zabbix_host_name.clone().unwrap_or_default(),
        host: ticket.zabbix_host.clone().unwrap_or_default(),
        started: page.datetime_opt(&ticket.zabbix_started_at),
    });
    let assignee = match (&ticket.assignee_name, &ticket.assignee) {
        (Some(name), Some(login)) => Some(format!("{name} ({login})")),
        _ => None,
    };
    Fields {
        id: ticket.id,
        number: ticket.number.clone(),
        title: ticket.title.clone(),
        description: ticket.description.clone(),
        version: ticket.version,
        kind: page.label("ticket-kind", ticket.kind.as_ref()),
        status: ticket.status.to_string(),
        status_label: page.label("ticket-status", ticket.status.as_ref()),
        pending_reason: ticket
            .pending_reason
            .map(|reason| page.label("ticket-pending", reason.as_ref())),
        priority: ticket.priority.to_string(),
        priority_label: page.label("ticket-priority", ticket.priority.as_str()),
        queue: queue_name(page, queues, &ticket.queue),
        assignee,
        source: page.label("ticket-source", ticket.source.as_ref()),
        created: page.datetime(&ticket.created_at),
        updated: page.datetime(&ticket.updated_at),
        first_response: page.datetime_opt(&ticket.first_response_at),
        resolved: page.datetime_opt(&ticket.resolved_at),
        closed: page.datetime_opt(&ticket.closed_at),
        zabbix,
        client: None,
    }
}

fn controls(
    page: &Page,
    identity: &Identity,
    ticket: &Ticket,
    queues: &[Queue],
    members: &[Member],
) -> Controls {
    let object = access::object(ticket);
    let can_update = access::allows(identity, Action::UpdateTicket, object);
    let is_member = members
        .iter()
        .any(|m| m.queue_code == ticket.queue && m.user_id == identity.user.id);
    let mut comment_kinds = Vec::new();
    if access::allows(identity, Action::CommentInternal, object) {
        comment_kinds.push(Choice::new("internal", page.t("comment-internal"), true));
    }
    if access::allows(identity, Action::CommentPublic, object) {
        let selected = comment_kinds.is_empty();
        comment_kinds.push(Choice::new("public", page.t("comment-public"), selected));
    }
    let queue_choices = queues
        .iter()
        .map(|q| Choice::new(&q.code, q.name(page.lang_code()), q.code == ticket.queue))
        .collect();
    Controls {
        can_update,
        can_take: can_update && is_member && ticket.assignee_id != Some(identity.user.id),
        comment_kinds,
        transitions: Vec::new(),
        queues: queue_choices,
        assignees: assignee_choices(page, members, &ticket.queue, ticket.assignee.as_deref()),
        priorities: priority_choices(page, ticket.priority.as_str()),
        link_kinds: page.choices("ticket-link", &LinkKind::names(), &["relates_to"]),
    }
}

/// Builds the assignee options: no assignee, then the members of `queue`.
fn assignee_choices(
    page: &Page,
    members: &[Member],
    queue: &str,
    current: Option<&str>,
) -> Vec<Choice> {
    let mut choices = vec![Choice::new(
        "",
        page.t("ticket-unassigned"),
        current.is_none(),
    )];
    choices.extend(
        members
            .iter()
            .filter(|member| member.queue_code == queue)
            .map(|member| {
                let label = format!("{} ({})", member.display_name, member.login);
                Choice::new(&member.login, label, current == Some(member.login.as_str()))
            }),
    );
    choices
}

/// Status buttons for the moves the workflow allows now. The move to `assigned` has no
/// button: the assignment form makes it by giving the ticket an assignee.
fn transitions(page: &Page, detail: &TicketDetail) -> Vec<TransitionButton> {
    let reopening = detail.ticket.status == "resolved";
    let mut buttons = Vec::new();
    for to in &detail.allowed_transitions {
        let (key, style) = match to.as_str() {
            "assigned" => continue,
            "pending" => {
                for reason in ["client", "third_party"] {
                    buttons.push(TransitionButton {
                        to: to.clone(),
                        reason: Some(reason),
                        label: page.label("ticket-action-pending", reason),
                        style: "btn-outline-secondary",
                    });
                }
                continue;
            }
            "in_progress" if reopening => ("reopen", "btn-outline-warning"),
            "resolved" => ("resolved", "btn-success"),
            "cancelled" => ("cancelled", "btn-outline-danger"),
            other => (other, "btn-primary"),
        };
        buttons.push(TransitionButton {
            to: to.clone(),
            reason: None,
            label: page.label("ticket-action", key),
            style,
        });
    }
    buttons
}

fn comments(page: &Page, detail: &TicketDetail) -> Vec<CommentView> {
    detail
        .comments
        .iter()
        .map(|comment| CommentView {
            author: comment.author.clone(),
            at: page.datetime(&comment.created_at),
            body: comment.body.clone(),
            public: comment.public,
        })
        .collect()
}

fn history(page: &Page, queues: &[Queue], detail: &TicketDetail) -> Vec<HistoryView> {
    detail
        .history
        .iter()
        .map(|line| {
            let value = |v: &Option<String>| {
                v.as_deref().map(|v| match line.field.as_str() {
                    "comment_public" | "comment_internal" => comment_excerpt(detail, v),
                    _ => history_value(page, queues, &line.field, v),
                })
            };
            HistoryView {
                at: page.datetime(&line.at),
                actor: line.actor.clone(),
                field: page.label("history-field", &line.field),
                old_value: value(&line.old_value),
                new_value: value(&line.new_value),
                note: line.note.clone(),
            }
        })
        .collect()
}

/// Maximum length of a comment excerpt in the history, in characters.
const EXCERPT_CHARS: usize = 80;

/// Shows a comment's history line as the start of its text; the line stores the comment id.
/// A comment the reader may not see shows as an empty value.
fn comment_excerpt(detail: &TicketDetail, id: &str) -> String {
    let Some(comment) = detail.comments.iter().find(|c| c.id.to_string() == id) else {
        return String::new();
    };
    let mut excerpt: String = comment.body.chars().take(EXCERPT_CHARS).collect();
    if comment.body.chars().count() > EXCERPT_CHARS {
        excerpt.push('…');
    }
    excerpt
}

/// Translates a history value where the field has named values: statuses are stored as
/// `pending (client)`, queues as codes and links as `relates_to 42`.
fn history_value(page: &Page, queues: &[Queue], field: &str, value: &str) -> String {
    match field {
        "status" => match value.split_once(" (") {
            Some((status, reason)) => format!(
                "{} ({})",
                page.label("ticket-status", status),
                page.label("ticket-pending", reason.trim_end_matches(')'))
            ),
            None => page.label("ticket-status", value),
        },
        "queue" => queue_name(page, queues, value),
        "link" => match value.split_once(' ') {
            Some((kind, target)) => format!("{} #{target}", page.label("ticket-link", kind)),
            None => value.to_string(),
        },
        _ => value.to_string(),
    }
}

fn zabbix_sync(page: &Page, detail: &TicketDetail) -> Vec<ZabbixSyncView> {
    detail
        .zabbix_sync
        .iter()
        .map(|call| ZabbixSyncView {
            action: page.label("ticket-zabbix-sync-action", &call.action),
            event_id: call.event_id,
            state: call.state.clone(),
            state_label: call.state_label.clone(),
            outcome: call
                .outcome
                .as_deref()
                .map(|outcome| page.label("ticket-zabbix-sync-outcome", outcome)),
            attempts: call.attempts,
            next_attempt: call
                .next_attempt_at
                .filter(|_| call.state == "failed")
                .map(|at| page.datetime(&at)),
            sent_at: call.sent_at.map(|at| page.datetime(&at)),
            last_error: call.last_error.clone(),
        })
        .collect()
}

fn links(page: &Page, detail: &TicketDetail) -> Vec<LinkView> {
    detail
        .links
        .iter()
        .map(|link| {
            let prefix = if link.outgoing {
                "ticket-link"
            } else {
                "ticket-link-incoming"
            };
            LinkView {
                kind: page.label(prefix, &link.kind),
                ticket_id: link.ticket_id,
                number: link.number.clone(),
                title: link.title.clone(),
                status: link.status.clone(),
                status_label: page.label("ticket-status", &link.status),
            }
        })
        .collect()
}

fn checklist(page: &Page, detail: &TicketDetail) -> Vec<ChecklistView> {
    detail
        .checklist
        .iter()
        .map(|item| ChecklistView {
            id: item.id,
            text: item.text.clone(),
            done: item.done,
            done_by: match (&item.done_by, &item.done_at) {
                (Some(login), Some(at)) => Some(format!("{login}, {}", page.datetime(at))),
                _ => None,
            },
            version: item.version,
        })
        .collect()
}

fn environment_request(page: &Page, detail: &TicketDetail) -> Option<EnvironmentRequestView> {
    detail
        .environment_request
        .as_ref()
        .map(|request| EnvironmentRequestView {
            name: request.name.clone(),
            kind: page.label("inventory-environment-kind", &request.kind),
            cluster_id: request.cluster_id,
            environment_id: request.environment_id,
        })
}
