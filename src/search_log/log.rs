//! The desk's search log: one tab-separated line per choice, appended by `rosa serve`
//! and read back for proposals. A line holds the day (no time of day), the kommunkod,
//! the ruleset id, the ärendetyp, the delmoment (or nothing) and the kept words:
//!
//! `2026-12-07 ⇥ 0999 ⇥ 3f2a… ⇥ sophamtning ⇥ utebliven ⇥ soptunnan tömd` (⇥ a tab).

use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, TryLockError};

/// Largest search log written by default, in bytes; then logging stops with one warning.
pub const DEFAULT_MAX_LOG_BYTES: u64 = 64 * 1024 * 1024;
/// Largest search log read for proposals, in bytes.
pub const MAX_READ_BYTES: u64 = 256 * 1024 * 1024;
/// Most bad lines reported one by one; the rest are counted.
pub const MAX_REPORTED_BAD_LINES: usize = 20;
/// Longest id (kommunkod, ruleset, ärendetyp, delmoment) in a line, in bytes.
const MAX_ID_BYTES: usize = 200;

/// One choice at the desk: which unit staff settled on after which (kept) words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// `2026-12-07`: the day only, less personal than a time.
    pub day: String,
    /// The kommun whose desk it was.
    pub kommunkod: String,
    /// The ruleset id at the time.
    pub ruleset: String,
    /// The ärendetyp chosen.
    pub case_type: String,
    /// The delmoment chosen, when one was.
    pub part: Option<String>,
    /// The words kept by [`crate::search_log::kept_words`].
    pub words: Vec<String>,
}

impl Entry {
    /// An entry dated today (UTC).
    pub fn today(
        kommunkod: &str,
        ruleset: &str,
        case_type: &str,
        part: Option<&str>,
        words: Vec<String>,
    ) -> Entry {
        let day = jiff::Timestamp::now().strftime("%Y-%m-%d").to_string();
        Entry {
            day,
            kommunkod: kommunkod.to_string(),
            ruleset: ruleset.to_string(),
            case_type: case_type.to_string(),
            part: part.map(str::to_string),
            words,
        }
    }

    /// The line, newline included. Fields never hold a tab or line break: ids are
    /// checked by [`Entry::parse`]'s rules and words are letters only.
    pub fn line(&self) -> String {
        let clean = |s: &str| s.replace(['\t', '\n', '\r'], " ");
        format!(
            "{}\t{}\t{}\t{}\t{}\t{}\n",
            clean(&self.day),
            clean(&self.kommunkod),
            clean(&self.ruleset),
            clean(&self.case_type),
            clean(self.part.as_deref().unwrap_or("")),
            clean(&self.words.join(" "))
        )
    }

    /// One line as written by [`Entry::line`] (without its newline).
    ///
    /// # Errors
    ///
    /// Why the line is not one, in Swedish.
    pub fn parse(line: &str) -> Result<Entry, String> {
        let fields: Vec<&str> = line.split('\t').collect();
        let [day, kommunkod, ruleset, case_type, part, words] = fields[..] else {
            return Err(format!("har {} fält, men 6 väntas", fields.len()));
        };
        if day.len() != 10 || !day.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
            return Err("datumet är inte skrivet som ÅÅÅÅ-MM-DD".into());
        }
        if case_type.is_empty() {
            return Err("ärendetypen saknas".into());
        }
        if [kommunkod, ruleset, case_type, part]
            .iter()
            .any(|f| f.len() > MAX_ID_BYTES)
        {
            return Err("ett id är för långt".into());
        }
        let words: Vec<String> = words
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        if words.len() > super::MAX_KEPT_WORDS
            || words
                .iter()
                .any(|w| w.chars().count() > super::MAX_WORD_CHARS)
        {
            return Err("för många eller för långa ord".into());
        }
        Ok(Entry {
            day: day.to_string(),
            kommunkod: kommunkod.to_string(),
            ruleset: ruleset.to_string(),
            case_type: case_type.to_string(),
            part: (!part.is_empty()).then(|| part.to_string()),
            words,
        })
    }
}

/// How many lines were appended and how many were not (busy, full or failed).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LogCounts {
    /// Lines written.
    pub written: u64,
    /// Entries not written.
    pub dropped: u64,
}

/// The open search log. Appending never waits: when another request is writing, or the
/// log has reached its size, the entry is dropped and counted.
#[derive(Debug)]
pub struct SearchLog {
    file: Mutex<File>,
    size: AtomicU64,
    max_bytes: u64,
    written: AtomicU64,
    dropped: AtomicU64,
    warned_full: AtomicBool,
}

impl SearchLog {
    /// Append to `path` (created if missing; a regular file only), up to `max_bytes`.
    ///
    /// # Errors
    ///
    /// The file cannot be opened for appending; in Swedish.
    pub fn open(path: &Path, max_bytes: u64) -> Result<SearchLog, String> {
        let shown = path.display();
        let file = crate::files::append_regular(path)
            .map_err(|refusal| format!("sökloggen `{shown}` {}", refusal.reason()))?;
        let size = file
            .metadata()
            .map_err(|e| format!("sökloggen `{shown}` {}", crate::files::io_reason(&e)))?
            .len();
        Ok(SearchLog {
            file: Mutex::new(file),
            size: AtomicU64::new(size),
            max_bytes,
            written: AtomicU64::new(0),
            dropped: AtomicU64::new(0),
            warned_full: AtomicBool::new(false),
        })
    }

    /// Append one entry; whether it was written.
    pub fn record(&self, entry: &Entry) -> bool {
        let line = entry.line();
        let written = self.append(line.as_bytes());
        let counter = if written {
            &self.written
        } else {
            &self.dropped
        };
        counter.fetch_add(1, Ordering::Relaxed);
        written
    }

    /// The counts so far.
    pub fn counts(&self) -> LogCounts {
        LogCounts {
            written: self.written.load(Ordering::Relaxed),
            dropped: self.dropped.load(Ordering::Relaxed),
        }
    }

    fn append(&self, line: &[u8]) -> bool {
        let mut file = match self.file.try_lock() {
            Ok(file) => file,
            Err(TryLockError::Poisoned(p)) => p.into_inner(),
            Err(TryLockError::WouldBlock) => return false,
        };
        let size = self.size.load(Ordering::Relaxed);
        if size.saturating_add(line.len() as u64) > self.max_bytes {
            if !self.warned_full.swap(true, Ordering::Relaxed) {
                tracing::warn!(
                    max_bytes = self.max_bytes,
                    "the search log is full; no more choices are logged until it is moved away and the server restarted"
                );
            }
            return false;
        }
        match file.write_all(line) {
            Ok(()) => {
                self.size.store(size + line.len() as u64, Ordering::Relaxed);
                true
            }
            Err(e) => {
                tracing::warn!(error = %e, "a search log line could not be written");
                false
            }
        }
    }
}

/// A line of the log that was not read, by line number (from 1).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BadLine {
    /// Its line number, from 1.
    pub line: usize,
    /// Why, in Swedish.
    pub reason: String,
}

/// The log's entries, and its bad lines (at most [`MAX_REPORTED_BAD_LINES`] reported,
/// all counted).
#[derive(Debug, Default)]
pub struct ReadLog {
    /// Every entry read.
    pub entries: Vec<Entry>,
    /// The first bad lines.
    pub bad_lines: Vec<BadLine>,
    /// How many lines were bad in all.
    pub bad_count: usize,
}

/// Read a search log: a regular file of at most [`MAX_READ_BYTES`].
///
/// # Errors
///
/// The file cannot be read; in Swedish.
pub fn read_log(path: &Path) -> Result<ReadLog, String> {
    let shown = path.display();
    let (file, meta) = crate::files::open_regular(path)
        .map_err(|refusal| format!("sökloggen `{shown}` {}", refusal.reason()))?;
    if meta.len() > MAX_READ_BYTES {
        return Err(format!(
            "sökloggen `{shown}` är större än gränsen {}",
            crate::files::mib(MAX_READ_BYTES)
        ));
    }
    let mut bytes = Vec::new();
    file.take(MAX_READ_BYTES)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("sökloggen `{shown}` {}", crate::files::io_reason(&e)))?;
    Ok(parse_log(&bytes))
}

/// The entries of a log's bytes; a line that is not UTF-8 or not an entry is bad.
pub fn parse_log(bytes: &[u8]) -> ReadLog {
    let mut read = ReadLog::default();
    for (index, line) in bytes.split(|&b| b == b'\n').enumerate() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            continue;
        }
        let parsed = std::str::from_utf8(line)
            .map_err(|_| "är inte UTF-8".to_string())
            .and_then(Entry::parse);
        match parsed {
            Ok(entry) => read.entries.push(entry),
            Err(reason) => {
                read.bad_count += 1;
                if read.bad_lines.len() < MAX_REPORTED_BAD_LINES {
                    read.bad_lines.push(BadLine {
                        line: index + 1,
                        reason,
                    });
                }
            }
        }
    }
    read
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(words: &[&str]) -> Entry {
        Entry {
            day: "2026-12-07".into(),
            kommunkod: "0999".into(),
            ruleset: "abc".into(),
            case_type: "sophamtning".into(),
            part: Some("utebliven".into()),
            words: words.iter().map(|w| w.to_string()).collect(),
        }
    }

    #[test]
    fn a_line_reads_back_as_the_entry() {
        let e = entry(&["soptunnan", "tömd"]);
        let line = e.line();
        assert_eq!(
            line,
            "2026-12-07\t0999\tabc\tsophamtning\tutebliven\tsoptunnan tömd\n"
        );
        assert_eq!(Entry::parse(line.trim_end()), Ok(e));
    }

    #[test]
    fn bad_lines_are_reported_by_number() {
        let good = entry(&["sopor"]).line();
        let log = format!("{good}inte en rad\n{good}\u{0}\t\t\t\t\t\n");
        let read = parse_log(log.as_bytes());
        assert_eq!(read.entries.len(), 2);
        let numbers: Vec<usize> = read.bad_lines.iter().map(|b| b.line).collect();
        assert_eq!(numbers, [2, 4]);
    }

    #[test]
    fn logging_stops_at_the_size_limit() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("sok.tsv");
        let e = entry(&["sopor"]);
        let one = e.line().len() as u64;
        let log = SearchLog::open(&path, one * 2 + 1).expect("opens");
        assert!(log.record(&e) && log.record(&e));
        assert!(!log.record(&e));
        assert_eq!(
            log.counts(),
            LogCounts {
                written: 2,
                dropped: 1
            }
        );
        let text = std::fs::read_to_string(&path).expect("reads");
        assert_eq!(text.lines().count(), 2);
    }
}
