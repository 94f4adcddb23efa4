//! Walks the role × action table of `docs/PERMISSIONS.md` row by row against `decide`, so
//! the document and the code cannot drift apart.

#![allow(clippy::unwrap_used, clippy::panic)]

use std::collections::HashSet;

use domain::identity::{Action, Actor, Decision, Object, Role, decide};
use strum::VariantArray;

const TABLE: &str = include_str!("../../../docs/PERMISSIONS.md");

/// The company of the client actors; objects of [`OTHER`] belong to another company.
const OWN: i64 = 7;
const OTHER: i64 = 8;

/// One cell of the table with the line it came from.
struct Cell {
    line: usize,
    action: Action,
    object_name: String,
    role: Role,
    expected: Decision,
}

/// Maps an entry of the `object` column to the object `decide` is asked about.
fn object(name: &str) -> Option<Object<'static>> {
    let ticket = |queue, client_id| Object::Ticket { queue, client_id };
    Some(match name {
        "system" => Object::System,
        "ticket in L1" => ticket("L1", None),
        "ticket in development" => ticket("development", None),
        "ticket of own company" => ticket("L1", Some(OWN)),
        "ticket of another company" => ticket("L1", Some(OTHER)),
        "own company" => Object::Client { id: OWN },
        "another company" => Object::Client { id: OTHER },
        "shop of own company" => Object::Shop {
            client_id: Some(OWN),
        },
        "shop of another company" => Object::Shop {
            client_id: Some(OTHER),
        },
        "shop without client" => Object::Shop { client_id: None },
        _ => return None,
    })
}

fn decision(name: &str) -> Option<Decision> {
    match name {
        "Allow" => Some(Decision::Allow),
        "Forbidden" => Some(Decision::Forbidden),
        "Hidden" => Some(Decision::Hidden),
        _ => None,
    }
}

fn actor(role: Role) -> Actor {
    Actor {
        user_id: 1,
        login: "actor".into(),
        role,
        client_id: role.is_client().then_some(OWN),
    }
}

fn split_row(line: &str) -> Vec<String> {
    line.trim()
        .trim_matches('|')
        .split('|')
        .map(|cell| cell.trim().to_string())
        .collect()
}

/// Parses the table under the `## Table` heading. Every malformed row panics with its line
/// number, so a typo in the document cannot silently skip a check.
fn cells() -> Vec<Cell> {
    let lines: Vec<(usize, &str)> = TABLE
        .lines()
        .enumerate()
        .map(|(index, line)| (index + 1, line))
        .skip_while(|(_, line)| line.trim() != "## Table")
        .filter(|(_, line)| line.trim_start().starts_with('|'))
        .collect();
    let Some(((_, header), rows)) = lines.split_first() else {
        panic!("docs/PERMISSIONS.md has no table under `## Table`");
    };
    let header = split_row(header);
    assert_eq!(header[0], "action", "first column");
    assert_eq!(header[1], "object", "second column");
    let roles: Vec<Role> = header[2..]
        .iter()
        .map(|name| Role::parse("role", name).unwrap_or_else(|_| panic!("unknown role {name}")))
        .collect();

    let mut cells = Vec::new();
    for (line, row) in rows.iter().skip(1) {
        let row = split_row(row);
        assert_eq!(row.len(), header.len(), "line {line}: column count");
        let action: Action = row[0]
            .parse()
            .unwrap_or_else(|_| panic!("line {line}: unknown action {}", row[0]));
        assert!(
            object(&row[1]).is_some(),
            "line {line}: unknown object {}",
            row[1]
        );
        for (role, value) in roles.iter().zip(&row[2..]) {
            let expected =
                decision(value).unwrap_or_else(|| panic!("line {line}: unknown decision {value}"));
            cells.push(Cell {
                line: *line,
                action,
                object_name: row[1].clone(),
                role: *role,
                expected,
            });
        }
    }
    cells
}

#[test]
fn table_matches_decide() {
    let mismatches: Vec<String> = cells()
        .iter()
        .filter_map(|cell| {
            let object = object(&cell.object_name).unwrap();
            let actual = decide(&actor(cell.role), cell.action, object);
            (actual != cell.expected).then(|| {
                format!(
                    "line {}: {} may {:?} on {}: table says {:?}, decide returns {:?}",
                    cell.line, cell.role, cell.action, cell.object_name, cell.expected, actual
                )
            })
        })
        .collect();
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn table_has_every_role_column() {
    let columns: HashSet<Role> = cells().iter().map(|cell| cell.role).collect();
    for role in Role::VARIANTS {
        assert!(columns.contains(role), "no column for role {role}");
    }
}

#[test]
fn table_has_every_action() {
    let rows: HashSet<&'static str> = cells().iter().map(|cell| cell.action.into()).collect();
    for action in Action::VARIANTS {
        let name: &'static str = action.into();
        assert!(
            rows.contains(name),
            "docs/PERMISSIONS.md has no row for {name}"
        );
    }
}

#[test]
fn table_rows_are_unique() {
    let mut seen = HashSet::new();
    for cell in cells() {
        let key = (cell.action as usize, cell.object_name.clone(), cell.role);
        assert!(
            seen.insert(key),
            "line {}: a second row for {:?} on {}",
            cell.line,
            cell.action,
            cell.object_name
        );
    }
}

/// Guards the parser itself: a table it read as empty would pass every other test.
#[test]
fn table_is_read() {
    let cells = cells();
    assert!(
        cells.len() >= 8 * Action::VARIANTS.len(),
        "{} cells",
        cells.len()
    );
}
