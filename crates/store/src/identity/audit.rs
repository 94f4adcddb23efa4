//! The audit log: who changed what, when, from which value to which.

use chrono::{DateTime, Utc};
use serde_json::Value as Json;

use crate::{Db, Result, Sql, Tx, args};

/// Who made a change: a person, an integration or Vitrina itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    pub user_id: Option<i64>,
    /// The login of a person, or the name of an integration (`zabbix`, `system`).
    pub label: String,
    /// Whether a person made the change; integrations and scheduled jobs are not people.
    pub person: bool,
}

impl Author {
    /// A signed-in user or an API token's owner.
    pub fn person(user_id: i64, login: &str) -> Author {
        Author {
            user_id: Some(user_id),
            label: login.to_string(),
            person: true,
        }
    }

    /// An integration such as `zabbix`.
    pub fn integration(name: &str) -> Author {
        Author {
            user_id: None,
            label: name.to_string(),
            person: false,
        }
    }

    /// Vitrina's own scheduled jobs and command-line administration.
    pub fn system() -> Author {
        Author::integration("system")
    }
}

/// One recorded change.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Entry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_user_id: Option<i64>,
    pub actor_label: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    /// JSON of the changed fields before the change; `None` for creations.
    pub old_value: Option<String>,
    /// JSON of the changed fields after the change; `None` for deletions.
    pub new_value: Option<String>,
}

/// Records a change inside the transaction that makes it, so both commit or neither does.
pub async fn record(
    tx: &mut Tx,
    author: &Author,
    action: &str,
    object: (&str, i64),
    old: Option<Json>,
    new: Option<Json>,
    at: DateTime<Utc>,
) -> Result<()> {
    tx.execute(
        "INSERT INTO audit_log (at, actor_user_id, actor_label, action, object_type, object_id, \
         old_value, new_value) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        args![
            at,
            author.user_id,
            author.label.as_str(),
            action,
            object.0,
            object.1.to_string(),
            old.map(|v| v.to_string()),
            new.map(|v| v.to_string()),
        ],
    )
    .await?;
    Ok(())
}

/// Filters for the audit log page; empty fields match everything.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub actor: Option<String>,
}

/// Lists audit entries, newest first, with the total count for paging.
pub async fn list(db: &Db, filter: &Filter, limit: i64, offset: i64) -> Result<(Vec<Entry>, i64)> {
    let mut conditions = Vec::new();
    let mut values = Vec::new();
    for (column, value) in [
        ("object_type", &filter.object_type),
        ("object_id", &filter.object_id),
        ("actor_label", &filter.actor),
    ] {
        if let Some(value) = value.as_deref().filter(|v| !v.is_empty()) {
            values.push(crate::Value::from(value));
            conditions.push(format!("{column} = ${}", values.len()));
        }
    }
    let where_clause = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };

    let total: i64 = db
        .fetch_scalar(
            Sql::assembled(format!("SELECT COUNT(*) FROM audit_log {where_clause}")),
            values.clone(),
        )
        .await?;
    let mut page_args = values;
    page_args.push(limit.into());
    page_args.push(offset.into());
    let n = page_args.len();
    let entries = db
        .fetch_all(
            Sql::assembled(format!(
                "SELECT id, at, actor_user_id, actor_label, action, object_type, object_id, \
                 old_value, new_value FROM audit_log {where_clause} \
                 ORDER BY at DESC, id DESC LIMIT ${} OFFSET ${n}",
                n - 1
            )),
            page_args,
        )
        .await?;
    Ok((entries, total))
}
