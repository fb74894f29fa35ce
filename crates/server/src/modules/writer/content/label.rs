//! The label an Offline-provider article carries in its body until an editor rewrites it, and the check that
//! reads it (an approval warns, a publisher asks for a confirmation).

/// The note written right after an offline article's introduction.
pub const OFFLINE_NOTE: &str = "Offline draft: written by the built-in offline provider from the outline, without a \
                                language model. Review and rewrite before publishing.";

/// Whether an article is an offline draft that still carries its label: written by the Offline provider, with the
/// note not taken out of the body yet (which an editor does once the text is rewritten).
pub fn still_offline_draft(source: &str, html: &str) -> bool {
    source == "offline" && html.contains("Offline draft:")
}
