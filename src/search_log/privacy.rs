//! What of the citizen's words may be kept: only words the ruleset itself uses or a
//! Swedish word list knows, never digits, addresses or anything shaped like a
//! personnummer, phone number, e-mail address or URL. A surname the list does not hold
//! is dropped with the rest, so a log line cannot name the caller.

use crate::model::Ruleset;
use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Most words kept from one search.
pub const MAX_KEPT_WORDS: usize = 12;
/// Longest word kept, in characters; longer ones are dropped, not cut.
pub const MAX_WORD_CHARS: usize = 40;
/// Largest word list read, in bytes (Debian's Swedish list is about 4 MiB).
pub const MAX_WORD_LIST_BYTES: u64 = 32 * 1024 * 1024;
/// Where Debian's `wswedish` puts its list; the default word list when present.
pub const SYSTEM_WORD_LIST: &str = "/usr/share/dict/swedish";

/// Words that may be kept: lower-case, letters and inner hyphens only.
#[derive(Debug, Default, Clone)]
pub struct Vocabulary {
    words: HashSet<String>,
}

impl Vocabulary {
    /// Every word the ruleset uses to speak about its units: the names of its
    /// förvaltningar, ärendetyper and delmoment, its `sökord`, `synonymer`, `svar` and
    /// `manus` text.
    pub fn of_ruleset(ruleset: &Ruleset) -> Vocabulary {
        let mut vocabulary = Vocabulary::default();
        for forvaltning in ruleset.forvaltningar() {
            vocabulary.add_text(&forvaltning.name);
        }
        for typ in ruleset.arendetyper() {
            vocabulary.add_text(&typ.name);
            typ.search_words.iter().for_each(|w| vocabulary.add_text(w));
            for unit in &typ.units {
                vocabulary.add_text(&unit.name);
                unit.search_words
                    .iter()
                    .for_each(|w| vocabulary.add_text(w));
                if let Some(answer) = &unit.answer {
                    vocabulary.add_text(&answer.markdown);
                }
            }
        }
        for group in ruleset.synonyms() {
            group.iter().for_each(|w| vocabulary.add_text(w));
        }
        for script in ruleset.scripts() {
            vocabulary.add_text(&script.text);
        }
        vocabulary
    }

    /// A word list with one word per line (`/usr/share/dict/swedish`), read as UTF-8 or,
    /// failing that, Latin-1, at most [`MAX_WORD_LIST_BYTES`]. Capitalised entries are
    /// names and are left out.
    ///
    /// # Errors
    ///
    /// The file cannot be read, is not a regular file or is too large; in Swedish.
    pub fn read_word_list(path: &Path) -> Result<Vocabulary, String> {
        let shown = path.display();
        let (file, meta) = crate::files::open_regular(path)
            .map_err(|refusal| format!("ordlistan `{shown}` {}", refusal.reason()))?;
        if meta.len() > MAX_WORD_LIST_BYTES {
            return Err(format!(
                "ordlistan `{shown}` är större än gränsen {}",
                crate::files::mib(MAX_WORD_LIST_BYTES)
            ));
        }
        let mut bytes = Vec::new();
        file.take(MAX_WORD_LIST_BYTES)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("ordlistan `{shown}` {}", crate::files::io_reason(&e)))?;
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => e.into_bytes().iter().map(|&b| char::from(b)).collect(),
        };
        let mut vocabulary = Vocabulary::default();
        // A capitalised entry is a name (Anna, Karlsson): a caller's, perhaps.
        let common = |line: &&str| !line.chars().next().is_some_and(char::is_uppercase);
        for line in text.lines().filter(common) {
            vocabulary.add_text(line);
        }
        Ok(vocabulary)
    }

    /// [`SYSTEM_WORD_LIST`] when it exists.
    pub fn system_word_list() -> Option<PathBuf> {
        let path = PathBuf::from(SYSTEM_WORD_LIST);
        path.is_file().then_some(path)
    }

    /// Whether `word` (already lower-case) is known.
    pub fn contains(&self, word: &str) -> bool {
        self.words.contains(word)
    }

    /// How many words it holds.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether it holds no word.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    fn add_text(&mut self, text: &str) {
        for token in text.split_whitespace() {
            for word in words_of(token) {
                self.words.insert(word);
            }
        }
    }
}

/// The words of `text` that may be kept: known to `ruleset` or `word_list`, in the
/// order typed, each once, at most [`MAX_KEPT_WORDS`].
pub fn kept_words(text: &str, ruleset: &Vocabulary, word_list: Option<&Vocabulary>) -> Vec<String> {
    let known = |w: &str| ruleset.contains(w) || word_list.is_some_and(|list| list.contains(w));
    let mut kept: Vec<String> = Vec::new();
    for token in text.split_whitespace().filter(|t| !personal(t)) {
        for word in words_of(token) {
            if kept.len() == MAX_KEPT_WORDS {
                return kept;
            }
            if known(&word) && !kept.contains(&word) {
                kept.push(word);
            }
        }
    }
    kept
}

/// A token that is, or may be part of, something personal: any digit (personnummer,
/// phone number, address, case number), an e-mail address, a URL or a domain name.
fn personal(token: &str) -> bool {
    let lower = token.to_lowercase();
    token.chars().any(|c| c.is_numeric())
        || token.contains('@')
        || lower.contains("://")
        || lower.starts_with("www.")
        || has_inner_dot(token)
}

/// `kommun.se`, `anna.svensson`: a dot with a letter on both sides.
fn has_inner_dot(token: &str) -> bool {
    let chars: Vec<char> = token.chars().collect();
    chars
        .windows(3)
        .any(|w| w[1] == '.' && w[0].is_alphabetic() && w[2].is_alphabetic())
}

/// The lower-case words of one token: runs of letters, with inner hyphens (`e-post`).
fn words_of(token: &str) -> impl Iterator<Item = String> + '_ {
    token
        .split(|c: char| !(c.is_alphabetic() || c == '-'))
        .map(|w| w.trim_matches('-'))
        .filter(|w| w.chars().count() >= 2 && w.chars().count() <= MAX_WORD_CHARS)
        .map(str::to_lowercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocabulary(words: &str) -> Vocabulary {
        let mut v = Vocabulary::default();
        v.add_text(words);
        v
    }

    #[test]
    fn personal_tokens_are_dropped_whole() {
        let known = vocabulary("ring anna svensson se kommun soptunnan");
        let kept = kept_words(
            "Soptunnan ring 070-123 45 67 anna.svensson@kommun.se www.kommun.se 19800101-1234",
            &known,
            None,
        );
        assert_eq!(kept, ["soptunnan", "ring"]);
    }

    #[test]
    fn unknown_words_are_dropped_and_the_list_adds_words() {
        let ruleset = vocabulary("soptunnan");
        let list = vocabulary("tömd inte");
        let text = "Soptunnan är inte tömd, Karlqvist";
        assert_eq!(kept_words(text, &ruleset, None), ["soptunnan"]);
        assert_eq!(
            kept_words(text, &ruleset, Some(&list)),
            ["soptunnan", "inte", "tömd"]
        );
    }

    #[test]
    fn names_in_the_word_list_are_left_out() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("ord");
        std::fs::write(&path, "Anna\nsoptunnan\n").expect("writes");
        let list = Vocabulary::read_word_list(&path).expect("reads");
        assert!(list.contains("soptunnan") && !list.contains("anna"));
    }

    #[test]
    fn at_most_the_bound_of_words_is_kept() {
        let many: Vec<String> = (0..40)
            .map(|i| format!("ord{}", "a".repeat(i % 20 + 1)))
            .collect();
        let text = many
            .iter()
            .map(|w| w.replace(|c: char| c.is_numeric(), ""))
            .collect::<Vec<_>>()
            .join(" ");
        let known = vocabulary(&text);
        assert_eq!(kept_words(&text, &known, None).len(), MAX_KEPT_WORDS);
    }
}
