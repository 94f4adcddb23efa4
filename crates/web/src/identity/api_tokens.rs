//! Issuing API tokens and showing them, for the profile page and the administration pages.

use store::identity::{Author, tokens};

use super::password;
use crate::error::AppResult;
use crate::pages::Page;
use crate::state::AppState;

/// Random bytes in a token's secret; hex doubles them to 48 characters after `vtr_`.
const SECRET_BYTES: usize = 24;
/// Characters of the secret kept in clear, so users can tell their tokens apart.
const PREFIX_CHARS: usize = 8;

/// A token just issued: its name and its secret, which is shown this once and never stored.
#[derive(Debug, Clone)]
pub struct Issued {
    pub name: String,
    pub secret: String,
}

/// Issues an API token `vtr_` + 48 hex characters for `user_id`. The database keeps only its
/// SHA-256 and the first 8 characters.
pub async fn issue(
    state: &AppState,
    user_id: i64,
    name: &str,
    author: &Author,
) -> AppResult<Issued> {
    let secret = format!("vtr_{}", password::random_token(SECRET_BYTES));
    let prefix: String = secret.chars().take(PREFIX_CHARS).collect();
    let hash = password::secret_hash(&secret);
    let now = domain::time::now();
    let token = tokens::create(&state.db, user_id, name, &hash, &prefix, author, now).await?;
    tracing::info!(user_id, token_id = token.id, "api token issued");
    Ok(Issued {
        name: token.name,
        secret,
    })
}

/// A stored token as the token tables show it.
#[derive(Debug, Clone)]
pub struct TokenView {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub created: String,
    pub last_used: String,
    /// When it was revoked; `None` while it works.
    pub revoked: Option<String>,
}

impl TokenView {
    /// Formats a stored token for `page`.
    pub fn new(page: &Page, token: &tokens::Token) -> TokenView {
        TokenView {
            id: token.id,
            name: token.name.clone(),
            prefix: token.prefix.clone(),
            created: page.datetime(&token.created_at),
            last_used: page.datetime_opt(&token.last_used_at),
            revoked: token.revoked_at.as_ref().map(|at| page.datetime(at)),
        }
    }
}

/// Lists the tokens of `user_id` for display, newest first.
pub async fn list(state: &AppState, page: &Page, user_id: i64) -> AppResult<Vec<TokenView>> {
    let stored = tokens::list(&state.db, Some(user_id)).await?;
    Ok(stored.iter().map(|t| TokenView::new(page, t)).collect())
}

/// Revokes token `token_id` if it belongs to `user_id`; returns whether it did.
pub async fn revoke_own(
    state: &AppState,
    user_id: i64,
    token_id: i64,
    author: &Author,
) -> AppResult<bool> {
    let owned = tokens::list(&state.db, Some(user_id))
        .await?
        .iter()
        .any(|token| token.id == token_id);
    if !owned {
        return Ok(false);
    }
    tokens::revoke(&state.db, token_id, author, domain::time::now()).await?;
    tracing::info!(user_id, token_id, "api token revoked");
    Ok(true)
}
