//! `vitrina backup DEST`: a consistent copy of the database while Vitrina keeps running.

use std::path::Path;

use anyhow::{Context as _, bail};
use secrecy::ExposeSecret;
use store::{Db, Engine, args};

use crate::config::Config;

/// Writes the backup to `dest`, which must not exist yet.
pub async fn run(db: &Db, config: &Config, dest: &Path) -> anyhow::Result<()> {
    if dest.exists() {
        bail!(
            "{} exists already; choose a new file name, a backup never overwrites",
            dest.display()
        );
    }
    if let Some(parent) = dest.parent().filter(|p| !p.as_os_str().is_empty())
        && !parent.is_dir()
    {
        bail!(
            "directory {} does not exist; create it first",
            parent.display()
        );
    }
    match db.engine() {
        Engine::Sqlite => sqlite(db, dest).await?,
        Engine::Postgres => postgres(config, dest).await?,
    }
    tracing::info!(dest = %dest.display(), "backup written");
    println!("Backup written to {}", dest.display());
    Ok(())
}

/// `VACUUM INTO` copies the database as of one read transaction, so writers may go on.
async fn sqlite(db: &Db, dest: &Path) -> anyhow::Result<()> {
    let Some(path) = dest.to_str() else {
        bail!(
            "the backup path {} is not valid UTF-8; choose another name",
            dest.display()
        );
    };
    db.execute("VACUUM INTO $1", args![path])
        .await
        .with_context(|| format!("VACUUM INTO {} failed", dest.display()))?;
    Ok(())
}

/// Runs `pg_dump` in its custom format; the password goes in `PGPASSWORD`, not the command
/// line, where other users could read it.
async fn postgres(config: &Config, dest: &Path) -> anyhow::Result<()> {
    let Some(url) = config.database_url.as_ref() else {
        bail!("no PostgreSQL URL is configured");
    };
    let mut parsed = url::Url::parse(url.expose_secret().trim())
        .context("the PostgreSQL URL is not a valid URL")?;
    let password = parsed.password().map(|p| {
        percent_encoding::percent_decode_str(p)
            .decode_utf8_lossy()
            .into_owned()
    });
    // `set_password` fails only for URLs without a host, and those have no password.
    let _ = parsed.set_password(None);

    let mut command = tokio::process::Command::new("pg_dump");
    command
        .arg("--format=custom")
        .arg("--file")
        .arg(dest)
        .arg("--dbname")
        .arg(parsed.as_str());
    // A URL that sets `search_path` keeps Vitrina in that schema, so only it is dumped. A dump
    // of the whole database would also read other applications' schemas and fail when one of
    // them is dropped while pg_dump runs.
    if let Some(schema) = search_path_schema(&parsed) {
        command.arg("--schema").arg(schema);
    }
    if let Some(password) = password {
        command.env("PGPASSWORD", password);
    }
    let output = match command.output().await {
        Ok(output) => output,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => bail!(
            "pg_dump is not installed; install the PostgreSQL client (Debian: apt-get install \
             postgresql-client) or run pg_dump against {} yourself",
            config.database_label()
        ),
        Err(error) => return Err(error).context("cannot start pg_dump"),
    };
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let first = stderr.lines().next().unwrap_or("no message");
        bail!(
            "pg_dump failed ({}): {first}; check the URL, and that pg_dump is not older than the server",
            output.status
        );
    }
    Ok(())
}

/// Returns the first schema of a `search_path` set through the URL's libpq `options`
/// parameter (`options=-c search_path=NAME`), if any.
fn search_path_schema(url: &url::Url) -> Option<String> {
    let options = url
        .query_pairs()
        .find(|(key, _)| key == "options")
        .map(|(_, value)| value.into_owned())?;
    let setting = options
        .split_whitespace()
        .find_map(|part| part.strip_prefix("search_path="))?;
    let first = setting.split(',').next()?.trim().trim_matches('"');
    (!first.is_empty()).then(|| first.to_owned())
}

#[cfg(test)]
mod tests {
    use super::search_path_schema;

    fn schema_of(url: &str) -> Option<String> {
        search_path_schema(&url::Url::parse(url).unwrap())
    }

    #[test]
    fn search_path_from_options() {
        let url = "postgresql://u@h/db?options=-c%20search_path%3Dcli_ab12";
        assert_eq!(schema_of(url).as_deref(), Some("cli_ab12"));
    }

    #[test]
    fn search_path_first_of_list() {
        let url = "postgresql://u@h/db?options=-c%20search_path%3Dapp,public";
        assert_eq!(schema_of(url).as_deref(), Some("app"));
    }

    #[test]
    fn search_path_absent() {
        assert_eq!(schema_of("postgresql://u@h/db"), None);
        assert_eq!(schema_of("postgresql://u@h/db?sslmode=disable"), None);
    }
}
