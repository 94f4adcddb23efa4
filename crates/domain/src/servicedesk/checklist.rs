//! Ticket checklists: the rules for item text and for resolving a ticket with a checklist.

use crate::Invalid;

/// Maximum length of a checklist item in characters.
pub const ITEM_MAX_CHARS: usize = 500;
/// Maximum number of items in one ticket's checklist.
pub const MAX_ITEMS: usize = 100;

/// Trims an item's text and checks that it is present, short enough and storable.
pub fn check_item_text(text: &str) -> Result<String, Invalid> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Invalid::missing("text"));
    }
    super::ticket::check_length("text", text, ITEM_MAX_CHARS)?;
    Ok(text.to_string())
}

/// Checks that a ticket with `open` unticked checklist items may be resolved: every item
/// must be done. `first_open` is the text of the first open item, which the error names.
pub fn check_resolvable(open: usize, first_open: Option<&str>) -> Result<(), Invalid> {
    match (open, first_open) {
        (0, _) => Ok(()),
        (count, item) => Err(Invalid::new("checklist", "ticket-checklist-open")
            .arg("count", count)
            .arg("item", item.unwrap_or_default())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_text_is_trimmed() {
        assert_eq!(
            check_item_text("  Выделить ресурсы ").unwrap(),
            "Выделить ресурсы"
        );
    }

    #[test]
    fn item_text_rejects_blank() {
        assert_eq!(check_item_text(" \n ").unwrap_err().key, "error-missing");
    }

    #[test]
    fn item_text_rejects_too_long() {
        let long = "я".repeat(ITEM_MAX_CHARS + 1);
        assert_eq!(check_item_text(&long).unwrap_err().key, "error-too-long");
    }

    #[test]
    fn resolvable_when_all_done() {
        assert!(check_resolvable(0, None).is_ok());
    }

    #[test]
    fn open_item_blocks_resolution() {
        let error = check_resolvable(2, Some("Настроить доступы")).unwrap_err();
        assert_eq!(error.field, "checklist");
        assert_eq!(error.key, "ticket-checklist-open");
        assert!(error.args.contains(&("count", "2".to_string())));
        assert!(
            error
                .args
                .contains(&("item", "Настроить доступы".to_string()))
        );
    }
}
