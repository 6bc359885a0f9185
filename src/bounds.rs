//! How much of a text that came from outside (an inquiry, a log) rosa echoes back: an
//! answer, an error and a log line stay small whatever the input held.

/// Longest echoed text, in characters. Longer text is cut and ends in `…`.
pub(crate) const MAX_TEXT_CHARS: usize = 300;

/// Where [`bounded`] cuts `text` (a byte index), when it is longer than the limit: for
/// writers that cut without building the cut string.
pub(crate) fn cut_at(text: &str) -> Option<usize> {
    text.char_indices().nth(MAX_TEXT_CHARS).map(|(end, _)| end)
}

/// `text` cut to [`MAX_TEXT_CHARS`] characters, ending in `…` when it was cut.
pub(crate) fn bounded(text: &str) -> String {
    match cut_at(text) {
        Some(end) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_on_a_character_boundary() {
        assert_eq!(bounded("kort"), "kort");
        let long = "å".repeat(MAX_TEXT_CHARS + 5);
        let cut = bounded(&long);
        assert_eq!(cut.chars().count(), MAX_TEXT_CHARS + 1);
        assert!(cut.ends_with('…'));
    }
}
