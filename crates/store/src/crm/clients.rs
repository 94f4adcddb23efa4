//! Client cards: creation and edits under optimistic concurrency, duplicate detection by
//! ИНН / КПП and by phone, the requisites history and the searchable list.

use chrono::{DateTime, Days, NaiveDate, Utc};
use domain::crm::{ClientDraft, ClientKind, ClientStatus, Phone};
use domain::{Error as DomainError, Invalid};
use serde_json::{Map, Value as Json, json};

use crate::identity::audit::{self, Author};
use crate::{Db, Error, Result, Sql, Tx, Value, args};

/// A client card with its account manager's login and name resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Client {
    pub id: i64,
    pub name: String,
    pub kind: ClientKind,
    pub status: ClientStatus,
    pub inn: Option<String>,
    pub kpp: Option<String>,
    /// ОГРН, or ОГРНИП for an entrepreneur.
    pub ogrn: Option<String>,
    pub bik: Option<String>,
    pub settlement_account: Option<String>,
    pub correspondent_account: Option<String>,
    pub legal_address: Option<String>,
    pub postal_address: Option<String>,
    /// The main phone in E.164.
    pub phone: Option<String>,
    pub phone_extension: Option<String>,
    pub email: Option<String>,
    pub manager_id: Option<i64>,
    pub manager_login: Option<String>,
    pub manager_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    name: String,
    kind: String,
    status: String,
    inn: Option<String>,
    kpp: Option<String>,
    ogrn: Option<String>,
    bik: Option<String>,
    settlement_account: Option<String>,
    correspondent_account: Option<String>,
    legal_address: Option<String>,
    postal_address: Option<String>,
    phone: Option<String>,
    phone_extension: Option<String>,
    email: Option<String>,
    manager_id: Option<i64>,
    manager_login: Option<String>,
    manager_name: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    version: i64,
}

impl TryFrom<Row> for Client {
    type Error = Error;

    fn try_from(row: Row) -> Result<Client> {
        let corrupt = |what: &str, value: &str| {
            Error::Corrupt(format!("client {}: {what} {value:?}", row.id))
        };
        Ok(Client {
            kind: row.kind.parse().map_err(|_| corrupt("kind", &row.kind))?,
            status: row
                .status
                .parse()
                .map_err(|_| corrupt("status", &row.status))?,
            id: row.id,
            name: row.name,
            inn: row.inn,
            kpp: row.kpp,
            ogrn: row.ogrn,
            bik: row.bik,
            settlement_account: row.settlement_account,
            correspondent_account: row.correspondent_account,
            legal_address: row.legal_address,
            postal_address: row.postal_address,
            phone: row.phone,
            phone_extension: row.phone_extension,
            email: row.email,
            manager_id: row.manager_id,
            manager_login: row.manager_login,
            manager_name: row.manager_name,
            created_at: row.created_at,
            updated_at: row.updated_at,
            version: row.version,
        })
    }
}

impl Client {
    /// Returns the fields the audit log records, by name.
    fn snapshot(&self) -> Map<String, Json> {
        let mut map = Map::new();
        for (name, value) in [
            ("name", Some(self.name.as_str())),
            ("kind", Some(self.kind.as_ref())),
            ("status", Some(self.status.as_ref())),
            ("inn", self.inn.as_deref()),
            ("kpp", self.kpp.as_deref()),
            ("ogrn", self.ogrn.as_deref()),
            ("bik", self.bik.as_deref()),
            ("settlement_account", self.settlement_account.as_deref()),
            (
                "correspondent_account",
                self.correspondent_account.as_deref(),
            ),
            ("legal_address", self.legal_address.as_deref()),
            ("postal_address", self.postal_address.as_deref()),
            ("phone", self.phone.as_deref()),
            ("phone_extension", self.phone_extension.as_deref()),
            ("email", self.email.as_deref()),
            ("manager", self.manager_login.as_deref()),
        ] {
            map.insert(name.into(), json!(value));
        }
        map
    }

    /// Returns whether the requisites differ from `other`'s, which starts a new history period.
    fn requisites_differ(&self, other: &Client) -> bool {
        (
            self.kind,
            &self.inn,
            &self.kpp,
            &self.ogrn,
            &self.bik,
            &self.settlement_account,
            &self.correspondent_account,
        ) != (
            other.kind,
            &other.inn,
            &other.kpp,
            &other.ogrn,
            &other.bik,
            &other.settlement_account,
            &other.correspondent_account,
        )
    }
}

const SELECT: &str = "SELECT c.id, c.name, c.kind, c.status, c.inn, c.kpp, c.ogrn, c.bik, \
    c.settlement_account, c.correspondent_account, c.legal_address, c.postal_address, c.phone, \
    c.phone_extension, c.email, c.manager_id, u.login AS manager_login, \
    u.display_name AS manager_name, c.created_at, c.updated_at, c.version \
    FROM clients c LEFT JOIN users u ON u.id = c.manager_id";

/// Finds a client by id.
pub async fn get(db: &Db, id: i64) -> Result<Option<Client>> {
    let row: Option<Row> = db
        .fetch_optional(
            Sql::assembled(format!("{SELECT} WHERE c.id = $1")),
            args![id],
        )
        .await?;
    row.map(Client::try_from).transpose()
}

async fn get_in(tx: &mut Tx, id: i64) -> Result<Option<Client>> {
    let row: Option<Row> = tx
        .fetch_optional(
            Sql::assembled(format!("{SELECT} WHERE c.id = $1")),
            args![id],
        )
        .await?;
    row.map(Client::try_from).transpose()
}

/// Finds the client that already has the ИНН and КПП of `draft`, other than `except`.
pub async fn find_duplicate(
    db: &Db,
    draft: &ClientDraft,
    except: Option<i64>,
) -> Result<Option<Client>> {
    let Some(key) = draft.inn_key() else {
        return Ok(None);
    };
    let row: Option<Row> = db
        .fetch_optional(
            Sql::assembled(format!("{SELECT} WHERE c.inn_key = $1 AND c.id <> $2")),
            args![key, except.unwrap_or(0)],
        )
        .await?;
    row.map(Client::try_from).transpose()
}

/// Creates a client. `manager` is a staff user's login. An ИНН (with the same КПП) that
/// another client has is a [`DomainError::Duplicate`] on `inn`.
pub async fn create(
    db: &Db,
    draft: &ClientDraft,
    manager: Option<&str>,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<Client> {
    let mut tx = db.begin().await?;
    let manager_id = resolve_manager(&mut tx, manager).await?;
    check_duplicate(&mut tx, draft, 0).await?;

    let values = Columns::of(draft);
    let id: i64 = tx
        .fetch_scalar(
            "INSERT INTO clients (name, name_folded, kind, status, inn, kpp, ogrn, bik, \
             settlement_account, correspondent_account, inn_key, legal_address, postal_address, \
             phone, phone_extension, email, manager_id, search_text, created_at, updated_at, \
             version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, \
             $16, $17, '', $18, $18, 1) RETURNING id",
            values.args(manager_id, now),
        )
        .await
        .map_err(duplicate_on_race(draft))?;
    refresh_search_in(&mut tx, id).await?;

    let client = get_in(&mut tx, id).await?.ok_or(DomainError::NotFound)?;
    open_requisites_period(&mut tx, &client, now.date_naive()).await?;
    audit::record(
        &mut tx,
        author,
        "client.create",
        ("client", id),
        None,
        Some(Json::Object(client.snapshot())),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(client)
}

/// Replaces a client's card if `version` is still current, and returns the card. A save
/// that changes nothing keeps the version. Changed requisites close the current period of
/// the requisites history on the day before `now` and open a new one.
pub async fn update(
    db: &Db,
    id: i64,
    version: i64,
    draft: &ClientDraft,
    manager: Option<&str>,
    author: &Author,
    now: DateTime<Utc>,
) -> Result<Client> {
    let mut tx = db.begin().await?;
    let current = get_in(&mut tx, id).await?.ok_or(DomainError::NotFound)?;
    if current.version != version {
        return Err(DomainError::Conflict {
            expected: version,
            current: current.version,
        }
        .into());
    }
    let manager_id = resolve_manager(&mut tx, manager).await?;
    check_duplicate(&mut tx, draft, id).await?;

    let values = Columns::of(draft);
    let mut args = values.args(manager_id, now);
    args.push(id.into());
    args.push(version.into());
    let changed = tx
        .execute(
            "UPDATE clients SET name = $1, name_folded = $2, kind = $3, status = $4, inn = $5, \
             kpp = $6, ogrn = $7, bik = $8, settlement_account = $9, \
             correspondent_account = $10, inn_key = $11, legal_address = $12, \
             postal_address = $13, phone = $14, phone_extension = $15, email = $16, \
             manager_id = $17, updated_at = $18, version = version + 1 \
             WHERE id = $19 AND version = $20",
            args,
        )
        .await
        .map_err(duplicate_on_race(draft))?;
    if changed == 0 {
        return Err(DomainError::Conflict {
            expected: version,
            current: current.version,
        }
        .into());
    }
    let updated = get_in(&mut tx, id).await?.ok_or(DomainError::NotFound)?;

    let (old, new) = changed_fields(&current, &updated);
    if new.is_empty() {
        // Dropping the transaction rolls the version bump back.
        return Ok(current);
    }
    refresh_search_in(&mut tx, id).await?;
    if updated.requisites_differ(&current) {
        open_requisites_period(&mut tx, &updated, now.date_naive()).await?;
    }
    audit::record(
        &mut tx,
        author,
        "client.update",
        ("client", id),
        Some(Json::Object(old)),
        Some(Json::Object(new)),
        now,
    )
    .await?;
    tx.commit().await?;
    get(db, id).await?.ok_or(DomainError::NotFound.into())
}

/// Returns the changed fields of a client, before and after.
fn changed_fields(before: &Client, after: &Client) -> (Map<String, Json>, Map<String, Json>) {
    let old_values = before.snapshot();
    let mut old = Map::new();
    let mut new = Map::new();
    for (name, value) in after.snapshot() {
        let previous = old_values.get(&name).cloned().unwrap_or(Json::Null);
        if previous != value {
            old.insert(name.clone(), previous);
            new.insert(name, value);
        }
    }
    (old, new)
}

/// The column values of a card, in the order of the INSERT and UPDATE statements.
struct Columns {
    name: String,
    name_folded: String,
    kind: &'static str,
    status: &'static str,
    inn: Option<String>,
    kpp: Option<String>,
    ogrn: Option<String>,
    bik: Option<String>,
    settlement_account: Option<String>,
    correspondent_account: Option<String>,
    inn_key: Option<String>,
    legal_address: Option<String>,
    postal_address: Option<String>,
    phone: Option<String>,
    phone_extension: Option<String>,
    email: Option<String>,
}

impl Columns {
    fn of(draft: &ClientDraft) -> Columns {
        let requisites = &draft.requisites;
        let text = |value: Option<&str>| value.map(str::to_string);
        Columns {
            name: draft.name.clone(),
            name_folded: domain::text::fold(&draft.name),
            kind: draft.kind().into(),
            status: draft.status.into(),
            inn: text(requisites.inn.as_ref().map(|v| v.as_str())),
            kpp: text(requisites.kpp.as_ref().map(|v| v.as_str())),
            ogrn: text(requisites.ogrn.as_ref().map(|v| v.as_str())),
            bik: text(requisites.bik.as_ref().map(|v| v.as_str())),
            settlement_account: text(requisites.settlement_account.as_ref().map(|v| v.as_str())),
            correspondent_account: text(
                requisites
                    .correspondent_account
                    .as_ref()
                    .map(|v| v.as_str()),
            ),
            inn_key: draft.inn_key(),
            legal_address: draft.legal_address.clone(),
            postal_address: draft.postal_address.clone(),
            phone: draft.phone.as_ref().map(|p| p.e164.clone()),
            phone_extension: draft.phone.as_ref().and_then(|p| p.extension.clone()),
            email: draft.email.clone(),
        }
    }

    fn args(self, manager_id: Option<i64>, now: DateTime<Utc>) -> Vec<Value> {
        args![
            self.name,
            self.name_folded,
            self.kind,
            self.status,
            self.inn,
            self.kpp,
            self.ogrn,
            self.bik,
            self.settlement_account,
            self.correspondent_account,
            self.inn_key,
            self.legal_address,
            self.postal_address,
            self.phone,
            self.phone_extension,
            self.email,
            manager_id,
            now,
        ]
    }
}

/// Finds the account manager by login: an active staff user, or an error on `manager`.
async fn resolve_manager(tx: &mut Tx, login: Option<&str>) -> Result<Option<i64>> {
    let Some(login) = login.map(str::trim).filter(|l| !l.is_empty()) else {
        return Ok(None);
    };
    let found: Option<(i64, String, bool)> = tx
        .fetch_optional(
            "SELECT id, role, disabled FROM users WHERE login = $1",
            args![login.to_lowercase()],
        )
        .await?;
    match found {
        Some((id, role, false)) if !role.starts_with("client_") => Ok(Some(id)),
        _ => Err(Invalid::new("manager", "crm-manager-invalid")
            .arg("value", login)
            .into()),
    }
}

async fn check_duplicate(tx: &mut Tx, draft: &ClientDraft, except: i64) -> Result<()> {
    let Some(key) = draft.inn_key() else {
        return Ok(());
    };
    let existing: Option<(i64,)> = tx
        .fetch_optional(
            "SELECT id FROM clients WHERE inn_key = $1 AND id <> $2",
            args![key, except],
        )
        .await?;
    if existing.is_some() {
        return Err(duplicate_inn(draft));
    }
    Ok(())
}

fn duplicate_inn(draft: &ClientDraft) -> Error {
    let inn = draft.requisites.inn.as_ref().map(|inn| inn.to_string());
    DomainError::Duplicate {
        field: "inn".into(),
        value: inn.unwrap_or_default(),
    }
    .into()
}

/// Turns the unique index's violation, when two requests race past the check, into the same
/// duplicate error the check gives.
fn duplicate_on_race(draft: &ClientDraft) -> impl FnOnce(Error) -> Error + '_ {
    move |error| {
        if error.is_unique_violation() {
            duplicate_inn(draft)
        } else {
            error
        }
    }
}

/// Recomputes the folded search copy: name, ИНН, and the digits of every phone of the
/// client and its contacts, so a search by any of them finds the card.
pub(crate) async fn refresh_search_in(tx: &mut Tx, id: i64) -> Result<()> {
    let (name, inn, phone): (String, Option<String>, Option<String>) = tx
        .fetch_optional(
            "SELECT name, inn, phone FROM clients WHERE id = $1",
            args![id],
        )
        .await?
        .ok_or(DomainError::NotFound)?;
    let contacts: Vec<(String, Option<String>)> = tx
        .fetch_all(
            "SELECT name, phone FROM client_contacts WHERE client_id = $1 ORDER BY id",
            args![id],
        )
        .await?;

    let mut parts = vec![name];
    parts.extend(inn);
    parts.extend(phone.map(|p| p.trim_start_matches('+').to_string()));
    for (contact, phone) in contacts {
        parts.push(contact);
        parts.extend(phone.map(|p| p.trim_start_matches('+').to_string()));
    }
    let text = domain::text::fold(&parts.join("\n"));
    tx.execute(
        "UPDATE clients SET search_text = $1 WHERE id = $2",
        args![text, id],
    )
    .await?;
    Ok(())
}

/// One period of a client's requisites.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RequisitesPeriod {
    pub kind: String,
    pub inn: Option<String>,
    pub kpp: Option<String>,
    pub ogrn: Option<String>,
    pub bik: Option<String>,
    pub settlement_account: Option<String>,
    pub correspondent_account: Option<String>,
    /// First day in force.
    pub valid_from: NaiveDate,
    /// Last day in force; `None` for the current requisites.
    pub valid_to: Option<NaiveDate>,
}

/// Closes the open period of the client's requisites and opens one from `today` with its
/// current values. A period opened earlier today is replaced, so no period is empty.
async fn open_requisites_period(tx: &mut Tx, client: &Client, today: NaiveDate) -> Result<()> {
    tx.execute(
        "DELETE FROM client_requisites WHERE client_id = $1 AND valid_from = $2",
        args![client.id, today],
    )
    .await?;
    let yesterday = today.checked_sub_days(Days::new(1)).unwrap_or(today);
    tx.execute(
        "UPDATE client_requisites SET valid_to = $1 WHERE client_id = $2 AND valid_to IS NULL",
        args![yesterday, client.id],
    )
    .await?;
    tx.execute(
        "INSERT INTO client_requisites (client_id, kind, inn, kpp, ogrn, bik, \
         settlement_account, correspondent_account, valid_from) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        args![
            client.id,
            client.kind.as_ref(),
            client.inn.as_deref(),
            client.kpp.as_deref(),
            client.ogrn.as_deref(),
            client.bik.as_deref(),
            client.settlement_account.as_deref(),
            client.correspondent_account.as_deref(),
            today,
        ],
    )
    .await?;
    Ok(())
}

const PERIOD_COLUMNS: &str = "kind, inn, kpp, ogrn, bik, settlement_account, \
    correspondent_account, valid_from, valid_to";

/// Every period of a client's requisites, newest first.
pub async fn requisites_history(db: &Db, client_id: i64) -> Result<Vec<RequisitesPeriod>> {
    db.fetch_all(
        Sql::assembled(format!(
            "SELECT {PERIOD_COLUMNS} FROM client_requisites WHERE client_id = $1 \
             ORDER BY valid_from DESC, id DESC"
        )),
        args![client_id],
    )
    .await
}

/// The requisites in force on `date`, for a document of that date.
pub async fn requisites_on(
    db: &Db,
    client_id: i64,
    date: NaiveDate,
) -> Result<Option<RequisitesPeriod>> {
    db.fetch_optional(
        Sql::assembled(format!(
            "SELECT {PERIOD_COLUMNS} FROM client_requisites WHERE client_id = $1 \
             AND valid_from <= $2 AND (valid_to IS NULL OR valid_to >= $2) \
             ORDER BY valid_from DESC, id DESC LIMIT 1"
        )),
        args![client_id, date],
    )
    .await
}

/// Another client, or a contact of one, with the same phone number.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PhoneMatch {
    pub client_id: i64,
    pub client_name: String,
    /// The number in E.164.
    pub phone: String,
    /// The contact person with this number, when the match is a contact's phone.
    pub contact_name: Option<String>,
}

/// Finds other clients whose main phone or contact's phone is one of `phones` (E.164).
pub async fn phone_matches(db: &Db, phones: &[String], except: i64) -> Result<Vec<PhoneMatch>> {
    let mut found = Vec::new();
    for phone in phones {
        let matches: Vec<PhoneMatch> = db
            .fetch_all(
                "SELECT id AS client_id, name AS client_name, phone, \
                 CAST(NULL AS TEXT) AS contact_name FROM clients WHERE phone = $1 AND id <> $2 \
                 UNION ALL \
                 SELECT c.id, c.name, k.phone, k.name FROM client_contacts k \
                 JOIN clients c ON c.id = k.client_id WHERE k.phone = $1 AND c.id <> $2 \
                 ORDER BY 2, 1",
                args![phone.as_str(), except],
            )
            .await?;
        found.extend(matches);
    }
    found.dedup();
    Ok(found)
}

/// The phones to look for duplicates of when `draft` is saved.
pub fn draft_phones(draft: &ClientDraft) -> Vec<String> {
    draft.phone.iter().map(|p: &Phone| p.e164.clone()).collect()
}

/// Filters and paging of the client list; empty filters match everything.
#[derive(Debug, Clone)]
pub struct ClientListQuery {
    /// Text in the name, ИНН or a phone, with ё read as е and any phone notation.
    pub text: Option<String>,
    pub status: Option<ClientStatus>,
    pub kind: Option<ClientKind>,
    /// Only this client: set for client users, whatever they ask for.
    pub client_id: Option<i64>,
    pub limit: i64,
    pub offset: i64,
}

impl Default for ClientListQuery {
    fn default() -> Self {
        Self {
            text: None,
            status: None,
            kind: None,
            client_id: None,
            limit: 50,
            offset: 0,
        }
    }
}

/// Lists clients by name and returns them with the number of matches.
pub async fn list(db: &Db, query: &ClientListQuery) -> Result<(Vec<Client>, i64)> {
    let mut conditions: Vec<String> = Vec::new();
    let mut values: Vec<Value> = Vec::new();
    let bind = |values: &mut Vec<Value>, value: Value| {
        values.push(value);
        format!("${}", values.len())
    };

    if let Some(status) = query.status {
        let placeholder = bind(&mut values, status.as_ref().into());
        conditions.push(format!("c.status = {placeholder}"));
    }
    if let Some(kind) = query.kind {
        let placeholder = bind(&mut values, kind.as_ref().into());
        conditions.push(format!("c.kind = {placeholder}"));
    }
    if let Some(client_id) = query.client_id {
        let placeholder = bind(&mut values, client_id.into());
        conditions.push(format!("c.id = {placeholder}"));
    }
    if let Some(text) = query
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        let mut alternatives = Vec::new();
        let mut folded_name = None;
        for pattern in search_patterns(text) {
            let placeholder = bind(&mut values, pattern.into());
            alternatives.push(format!("c.search_text LIKE {placeholder} ESCAPE '\\'"));
            folded_name.get_or_insert(placeholder);
        }
        // Rows written without the search copy (by the identity area, before this table had
        // one) are still found by name.
        if let Some(placeholder) = folded_name {
            alternatives.push(format!(
                "(c.search_text = '' AND c.name_folded LIKE {placeholder} ESCAPE '\\')"
            ));
        }
        conditions.push(format!("({})", alternatives.join(" OR ")));
    }
    let where_clause = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };

    let total: i64 = db
        .fetch_scalar(
            Sql::assembled(format!("SELECT COUNT(*) FROM clients c {where_clause}")),
            values.clone(),
        )
        .await?;
    let limit = bind(&mut values, query.limit.into());
    let offset = bind(&mut values, query.offset.into());
    let sql = format!(
        "{SELECT} {where_clause} ORDER BY c.name_folded, c.id LIMIT {limit} OFFSET {offset}"
    );
    let rows: Vec<Row> = db.fetch_all(Sql::assembled(sql), values).await?;
    let clients = rows
        .into_iter()
        .map(Client::try_from)
        .collect::<Result<_>>()?;
    Ok((clients, total))
}

/// `LIKE` patterns for a search text: the folded text itself, and for something that reads
/// as a phone number its digits as typed and in E.164, so `8 (926) 123-45-67` finds
/// `+79261234567`.
fn search_patterns(text: &str) -> Vec<String> {
    let like = |needle: &str| format!("%{}%", domain::text::escape_like(needle));
    let mut patterns = vec![like(&domain::text::fold(text))];

    let phone_like = text
        .chars()
        .all(|c| c.is_ascii_digit() || c.is_whitespace() || "+-().".contains(c));
    if !phone_like {
        return patterns;
    }
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    if digits.len() >= 3 {
        patterns.push(like(&digits));
    }
    if let Ok(phone) = Phone::parse("q", text) {
        patterns.push(like(phone.e164.trim_start_matches('+')));
    }
    patterns.dedup();
    patterns
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_patterns_read_phone_notation() {
        let patterns = search_patterns("8 (926) 123-45-67");
        assert!(
            patterns.contains(&"%79261234567%".to_string()),
            "{patterns:?}"
        );
    }

    #[test]
    fn search_patterns_fold_yo() {
        assert_eq!(search_patterns("Ёлка"), ["%елка%"]);
    }
}
