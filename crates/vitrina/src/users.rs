//! `vitrina user …`: staff users from the command line.

use std::io::Read;

use anyhow::{Context as _, bail};
use domain::identity::Role;
use store::Db;
use store::identity::users::{self, NewUser, UserChange};
use store::identity::{Author, User};
use web::i18n::I18n;
use web::identity::password;

use crate::cli::{SetPasswordArgs, UserAddArgs, UserCommand};
use crate::messages::explain;

/// Runs a `user` subcommand.
pub async fn run(db: &Db, command: UserCommand) -> anyhow::Result<()> {
    let i18n = I18n::load().map_err(|error| anyhow::anyhow!("translations: {error}"))?;
    match command {
        UserCommand::Add(args) => add(db, &i18n, args).await,
        UserCommand::List => list(db).await,
        UserCommand::Disable(args) => set_disabled(db, &i18n, &args.login, true).await,
        UserCommand::Enable(args) => set_disabled(db, &i18n, &args.login, false).await,
        UserCommand::SetPassword(args) => set_password(db, &i18n, args).await,
    }
}

async fn add(db: &Db, i18n: &I18n, args: UserAddArgs) -> anyhow::Result<()> {
    // TODO: accept --client-id once client companies can be created; until then client
    // users have no company to belong to.
    let role = Role::parse("role", args.role.trim())
        .ok()
        .filter(|role| !role.is_client())
        .ok_or_else(|| {
            anyhow::anyhow!(
                "invalid --role {:?}: the command line creates staff users; choose one of \
                 admin, support, support_lead, developer, analyst, sales",
                args.role
            )
        })?;
    let (secret, generated) = new_password(i18n, args.password_stdin)?;
    let hash = hash(secret.clone()).await?;
    let now = domain::time::now();
    let author = Author::system();
    let new = NewUser {
        display_name: args.name.clone().unwrap_or_else(|| args.login.clone()),
        login: args.login.clone(),
        email: args.email.clone().filter(|e| !e.trim().is_empty()),
        role,
        client_id: None,
        password_hash: Some(hash),
        locale: args.locale.clone(),
    };
    if !matches!(new.locale.as_str(), "ru" | "en") {
        bail!("invalid --locale {:?}: use ru or en", new.locale);
    }
    // Queue codes are checked before the user exists, so a typo leaves nothing behind.
    let known: Vec<String> = store::servicedesk::queues::list(db)
        .await
        .map_err(|e| explain(i18n, e))?
        .into_iter()
        .map(|queue| queue.code)
        .collect();
    if let Some(unknown) = args.queues.iter().find(|code| !known.contains(code)) {
        bail!(
            "invalid --queue {unknown:?}: choose one of {}",
            known.join(", ")
        );
    }

    let user = users::create(db, &new, &author, now)
        .await
        .map_err(|e| explain(i18n, e))?;
    if !args.queues.is_empty() {
        users::set_queues(db, user.id, &args.queues, &author, now)
            .await
            .map_err(|e| explain(i18n, e))?;
    }
    tracing::info!(user_id = user.id, login = %user.login, role = %user.role, "user created");
    println!("Created user {} ({}).", user.login, user.role);
    if generated {
        println!("Generated password, shown only once: {secret}");
    }
    Ok(())
}

/// Reads the new password from stdin with the flag, else generates one. Returns whether it
/// was generated, so the caller prints it.
fn new_password(i18n: &I18n, from_stdin: bool) -> anyhow::Result<(String, bool)> {
    if !from_stdin {
        return Ok((password::generate_password(), true));
    }
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .context("cannot read the password from standard input")?;
    let secret = strip_newline(&input).to_string();
    if let Err(invalid) = domain::identity::check_password(&secret) {
        let message = explain(i18n, invalid.into());
        bail!("{message} (the password was read from standard input)");
    }
    Ok((secret, false))
}

/// Drops one line ending: `echo` and here-strings add it, and it is not part of the password.
fn strip_newline(input: &str) -> &str {
    input
        .strip_suffix("\r\n")
        .or_else(|| input.strip_suffix('\n'))
        .unwrap_or(input)
}

async fn hash(secret: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || password::hash(&secret))
        .await
        .context("password hashing stopped")?
        .map_err(|error| anyhow::anyhow!("password hashing failed: {error}"))
}

async fn list(db: &Db) -> anyhow::Result<()> {
    let users = users::list(db).await.context("cannot list users")?;
    println!(
        "{:<24} {:<13} {:<8} {:<30} {:<28} NAME",
        "LOGIN", "ROLE", "STATE", "QUEUES", "CREATED (UTC)"
    );
    for user in users {
        let queues = users::queues_of(db, user.id)
            .await
            .context("cannot list queues")?;
        let state = if user.disabled { "disabled" } else { "active" };
        println!(
            "{:<24} {:<13} {:<8} {:<30} {:<28} {}",
            user.login,
            user.role,
            state,
            queues.join(","),
            user.created_at.format("%Y-%m-%d %H:%M"),
            user.display_name
        );
    }
    Ok(())
}

/// Finds a user by login, or fails naming it.
pub async fn find(db: &Db, login: &str) -> anyhow::Result<User> {
    users::find_by_login(db, login)
        .await
        .context("cannot look up the user")?
        .ok_or_else(|| {
            anyhow::anyhow!("user {login:?} not found; `vitrina user list` shows every login")
        })
}

/// Applies an administrator's change to `user`, whatever its current version.
async fn change_user(db: &Db, i18n: &I18n, user: &User, change: &UserChange) -> anyhow::Result<()> {
    let now = domain::time::now();
    users::update(db, user.id, None, change, &Author::system(), now)
        .await
        .map_err(|e| explain(i18n, e))?;
    Ok(())
}

async fn set_disabled(db: &Db, i18n: &I18n, login: &str, disabled: bool) -> anyhow::Result<()> {
    let user = find(db, login).await?;
    let change = UserChange {
        disabled: Some(disabled),
        ..UserChange::default()
    };
    change_user(db, i18n, &user, &change).await?;
    let state = if disabled { "disabled" } else { "enabled" };
    tracing::info!(user_id = user.id, login = %user.login, state, "user state changed");
    println!("User {} {state}.", user.login);
    Ok(())
}

async fn set_password(db: &Db, i18n: &I18n, args: SetPasswordArgs) -> anyhow::Result<()> {
    let user = find(db, &args.login).await?;
    let (secret, generated) = new_password(i18n, args.password_stdin)?;
    let change = UserChange {
        password_hash: Some(hash(secret.clone()).await?),
        ..UserChange::default()
    };
    change_user(db, i18n, &user, &change).await?;
    tracing::info!(user_id = user.id, login = %user.login, "password changed; sessions ended");
    println!("Password of {} changed; their sessions ended.", user.login);
    if generated {
        println!("Generated password, shown only once: {secret}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strip_newline_drops_one_line_ending() {
        assert_eq!(strip_newline("secret phrase\n"), "secret phrase");
        assert_eq!(strip_newline("secret phrase\r\n"), "secret phrase");
        assert_eq!(strip_newline("secret phrase\n\n"), "secret phrase\n");
        assert_eq!(strip_newline("secret phrase "), "secret phrase ");
    }
}
