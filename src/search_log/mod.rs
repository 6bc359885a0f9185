//! Search that learns from the desk: the opt-in log of which unit staff chose after
//! which words (kept only through the privacy filter), and the `sökord` proposals read
//! from it. `rosa serve --soklogg` writes the log, `rosa search --forslag` and the
//! studio read it; docs/desk.md says what is kept and what is not.

mod log;
mod privacy;
mod proposals;

pub use log::{
    BadLine, DEFAULT_MAX_LOG_BYTES, Entry, LogCounts, MAX_READ_BYTES, MAX_REPORTED_BAD_LINES,
    ReadLog, SearchLog, parse_log, read_log,
};
pub use privacy::{
    MAX_KEPT_WORDS, MAX_WORD_CHARS, MAX_WORD_LIST_BYTES, SYSTEM_WORD_LIST, Vocabulary, kept_words,
};
pub use proposals::{DEFAULT_MIN_COUNT, Proposal, propose};
