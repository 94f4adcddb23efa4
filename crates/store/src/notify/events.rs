//! Notifications of ticket events: mail to the client on a public staff comment and on
//! resolution, mail and an in-app notification to staff on assignment. Each function runs in
//! the transaction of the change.

use chrono::{DateTime, Utc};
use domain::notify::MailTemplate;
use serde_json::json;

use super::inbox;
use super::mail::{self, Recipient};
use crate::identity::audit::Author;
use crate::{Result, Tx, args};

/// The ticket facts a message names.
#[derive(Debug, Clone, sqlx::FromRow)]
struct TicketFacts {
    id: i64,
    number: String,
    title: String,
    client_id: Option<i64>,
}

async fn ticket_in(tx: &mut Tx, ticket_id: i64) -> Result<Option<TicketFacts>> {
    tx.fetch_optional(
        "SELECT id, number, title, client_id FROM tickets WHERE id = $1",
        args![ticket_id],
    )
    .await
}

/// Lists the mail recipients of a client: its active users with an e-mail address in their
/// language, then its contacts' addresses in Russian. An address is listed once.
pub async fn client_recipients_in(tx: &mut Tx, client_id: i64) -> Result<Vec<Recipient>> {
    let users: Vec<(String, String)> = tx
        .fetch_all(
            "SELECT email, locale FROM users WHERE client_id = $1 AND NOT disabled \
             AND email IS NOT NULL AND email <> '' ORDER BY id",
            args![client_id],
        )
        .await?;
    let contacts: Vec<(String,)> = tx
        .fetch_all(
            "SELECT email FROM client_contacts WHERE client_id = $1 \
             AND email IS NOT NULL AND email <> '' ORDER BY id",
            args![client_id],
        )
        .await?;
    let russian = contacts
        .into_iter()
        .map(|(email,)| (email, "ru".to_string()));
    let mut recipients: Vec<Recipient> = Vec::new();
    for (email, language) in users.into_iter().chain(russian) {
        let email = email.trim().to_string();
        if recipients
            .iter()
            .any(|known| known.email.eq_ignore_ascii_case(&email))
        {
            continue;
        }
        recipients.push(Recipient { email, language });
    }
    Ok(recipients)
}

/// Returns the mail recipient of an active user with an e-mail address.
pub async fn user_recipient_in(tx: &mut Tx, user_id: i64) -> Result<Option<Recipient>> {
    let row: Option<(Option<String>, String, bool)> = tx
        .fetch_optional(
            "SELECT email, locale, disabled FROM users WHERE id = $1",
            args![user_id],
        )
        .await?;
    Ok(match row {
        Some((Some(email), language, false)) if !email.trim().is_empty() => Some(Recipient {
            email: email.trim().to_string(),
            language,
        }),
        _ => None,
    })
}

/// Returns the display name of the person behind `author`, or its label.
async fn author_name_in(tx: &mut Tx, author: &Author) -> Result<String> {
    let Some(user_id) = author.user_id else {
        return Ok(author.label.clone());
    };
    let name: Option<(String,)> = tx
        .fetch_optional(
            "SELECT display_name FROM users WHERE id = $1",
            args![user_id],
        )
        .await?;
    Ok(name.map_or_else(|| author.label.clone(), |(name,)| name))
}

/// Queues mail to the client of ticket `ticket_id` about a staff member's public comment.
pub async fn on_public_comment_in(
    tx: &mut Tx,
    ticket_id: i64,
    body: &str,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<()> {
    let comment = Some(body);
    mail_client_in(
        tx,
        ticket_id,
        MailTemplate::TicketComment,
        comment,
        author,
        now,
    )
    .await
}

/// Queues mail to the client of ticket `ticket_id` about its resolution.
pub async fn on_resolved_in(
    tx: &mut Tx,
    ticket_id: i64,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<()> {
    mail_client_in(
        tx,
        ticket_id,
        MailTemplate::TicketResolved,
        None,
        author,
        now,
    )
    .await
}

/// Queues `template` to the client of ticket `ticket_id`, naming `author` and, when given,
/// quoting `comment`. A ticket without a client queues no mail.
async fn mail_client_in(
    tx: &mut Tx,
    ticket_id: i64,
    template: MailTemplate,
    comment: Option<&str>,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<()> {
    let Some(ticket) = ticket_in(tx, ticket_id).await? else {
        return Ok(());
    };
    let Some(client_id) = ticket.client_id else {
        return Ok(());
    };
    let recipients = client_recipients_in(tx, client_id).await?;
    let mut params = json!({
        "ticket_id": ticket.id,
        "number": ticket.number,
        "title": ticket.title,
        "author": author_name_in(tx, author).await?,
    });
    if let Some(comment) = comment {
        params["comment"] = json!(comment);
    }
    mail::queue_in(tx, Some(ticket.id), &recipients, template, &params, now).await
}

/// Notifies `assignee_id` in the app and by mail about being assigned ticket `ticket_id`,
/// unless they assigned it to themselves.
pub async fn on_assigned_in(
    tx: &mut Tx,
    ticket_id: i64,
    assignee_id: i64,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<()> {
    if author.user_id == Some(assignee_id) {
        return Ok(());
    }
    let Some(ticket) = ticket_in(tx, ticket_id).await? else {
        return Ok(());
    };
    let params = json!({
        "ticket_id": ticket.id,
        "number": ticket.number,
        "title": ticket.title,
        "author": author_name_in(tx, author).await?,
    });
    inbox::create_in(
        tx,
        assignee_id,
        Some(ticket.id),
        MailTemplate::TicketAssigned,
        &params,
        now,
    )
    .await?;
    let Some(recipient) = user_recipient_in(tx, assignee_id).await? else {
        return Ok(());
    };
    mail::queue_in(
        tx,
        Some(ticket.id),
        &[recipient],
        MailTemplate::TicketAssigned,
        &params,
        now,
    )
    .await
}
