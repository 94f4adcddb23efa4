//! `vitrina token …`: API tokens from the command line.

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use store::Db;
use store::identity::{Author, tokens};
use web::i18n::I18n;
use web::identity::password;

use crate::cli::TokenCommand;
use crate::messages::explain;

/// Prefix of every API token, so a leaked one is recognisable in logs and code scanners.
const TOKEN_PREFIX: &str = "vtr_";
/// Random bytes in a token: 256 bits.
const TOKEN_BYTES: usize = 32;
/// Characters of the token kept in clear to recognise it in `token list`.
const SHOWN_CHARS: usize = 12;

/// Runs a `token` subcommand.
pub async fn run(db: &Db, command: TokenCommand) -> anyhow::Result<()> {
    let i18n = I18n::load().map_err(|error| anyhow::anyhow!("translations: {error}"))?;
    match command {
        TokenCommand::Create(args) => create(db, &i18n, &args.login, &args.name).await,
        TokenCommand::List(args) => list(db, args.login.as_deref()).await,
        TokenCommand::Revoke(args) => revoke(db, &i18n, args.id).await,
    }
}

/// Creates a token and prints it alone on stdout; the database keeps its SHA-256 only.
async fn create(db: &Db, i18n: &I18n, login: &str, name: &str) -> anyhow::Result<()> {
    let user = crate::users::find(db, login).await?;
    if user.disabled {
        anyhow::bail!(
            "user {:?} is disabled; enable them with `vitrina user enable {}` first",
            user.login,
            user.login
        );
    }
    let secret = format!("{TOKEN_PREFIX}{}", password::random_token(TOKEN_BYTES));
    let token = tokens::create(
        db,
        user.id,
        name,
        &password::secret_hash(&secret),
        &secret[..SHOWN_CHARS],
        &Author::system(),
        domain::time::now(),
    )
    .await
    .map_err(|e| explain(i18n, e))?;
    tracing::info!(token_id = token.id, user_id = user.id, prefix = %token.prefix, "API token created");
    println!("{secret}");
    Ok(())
}

async fn list(db: &Db, login: Option<&str>) -> anyhow::Result<()> {
    let owner = match login {
        Some(login) => Some(crate::users::find(db, login).await?),
        None => None,
    };
    let tokens = tokens::list(db, owner.as_ref().map(|u| u.id))
        .await
        .context("cannot list tokens")?;
    let users = store::identity::users::list(db)
        .await
        .context("cannot list users")?;
    println!(
        "{:<6} {:<20} {:<14} {:<17} {:<17} {:<17} NAME",
        "ID", "LOGIN", "PREFIX", "CREATED (UTC)", "LAST USED", "REVOKED"
    );
    for token in tokens {
        let login = users
            .iter()
            .find(|u| u.id == token.user_id)
            .map(|u| u.login.as_str())
            .unwrap_or("?");
        println!(
            "{:<6} {:<20} {:<14} {:<17} {:<17} {:<17} {}",
            token.id,
            login,
            token.prefix,
            minute(Some(token.created_at)),
            minute(token.last_used_at),
            minute(token.revoked_at),
            token.name
        );
    }
    Ok(())
}

fn minute(instant: Option<DateTime<Utc>>) -> String {
    instant
        .map(|at| at.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|| "-".into())
}

async fn revoke(db: &Db, i18n: &I18n, id: i64) -> anyhow::Result<()> {
    let exists = tokens::list(db, None)
        .await
        .context("cannot list tokens")?
        .into_iter()
        .any(|token| token.id == id);
    if !exists {
        anyhow::bail!("token {id} not found; `vitrina token list` shows every token id");
    }
    tokens::revoke(db, id, &Author::system(), domain::time::now())
        .await
        .map_err(|e| explain(i18n, e))?;
    tracing::info!(token_id = id, "API token revoked");
    println!("Token {id} revoked.");
    Ok(())
}
