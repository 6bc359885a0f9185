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

/// A text cut like [`bounded`] as it is written, for a sentence that names outside
/// text and goes straight to a writer (an answer escapes it into its JSON) unbuilt.
pub(crate) struct Bounded<D>(pub(crate) D);

impl<D: std::fmt::Display> std::fmt::Display for Bounded<D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut cut = Cut {
            out: f,
            left: MAX_TEXT_CHARS,
            cut: false,
        };
        std::fmt::write(&mut cut, format_args!("{}", self.0))?;
        if cut.cut {
            cut.out.write_str("…")?;
        }
        Ok(())
    }
}

/// Passes on the first `left` characters and notes whether any came after them.
struct Cut<'a, 'f> {
    out: &'a mut std::fmt::Formatter<'f>,
    left: usize,
    cut: bool,
}

impl std::fmt::Write for Cut<'_, '_> {
    fn write_str(&mut self, text: &str) -> std::fmt::Result {
        if self.cut {
            return Ok(());
        }
        match text.char_indices().nth(self.left) {
            Some((end, _)) => {
                self.cut = true;
                self.left = 0;
                self.out.write_str(&text[..end])
            }
            None => {
                self.left -= text.chars().count();
                self.out.write_str(text)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_written_in_pieces_is_cut_as_the_whole_would_be() {
        let piece = "åäö-".repeat(30);
        for pieces in [1, 2, 3, 4, 5] {
            let whole = piece.repeat(pieces);
            let written = Bounded(format_args!("{}", whole)).to_string();
            let in_pieces = Bounded(Pieces(&piece, pieces)).to_string();
            assert_eq!(written, bounded(&whole), "{pieces}");
            assert_eq!(in_pieces, bounded(&whole), "{pieces}");
        }
        assert_eq!(Bounded("").to_string(), "");
        let hundred = "a".repeat(100);
        assert_eq!(Bounded(Pieces(&hundred, 3)).to_string(), "a".repeat(300));
        let over = Bounded(format_args!("{}b", Pieces(&hundred, 3))).to_string();
        assert_eq!(over, format!("{}…", "a".repeat(300)));
    }

    /// `text` `n` times, written a piece at a time.
    struct Pieces<'a>(&'a str, usize);

    impl std::fmt::Display for Pieces<'_> {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            (0..self.1).try_for_each(|_| f.write_str(self.0))
        }
    }

    #[test]
    fn long_text_is_cut_on_a_character_boundary() {
        assert_eq!(bounded("kort"), "kort");
        let long = "å".repeat(MAX_TEXT_CHARS + 5);
        let cut = bounded(&long);
        assert_eq!(cut.chars().count(), MAX_TEXT_CHARS + 1);
        assert!(cut.ends_with('…'));
    }
}
