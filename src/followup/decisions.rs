//! Reading the decision logs `rosa serve` writes (src/serve/decision_log.rs): one JSON
//! object per line. A reader hands out chunks of lines; workers parse and count them in
//! parallel. Every physical line is either counted or rejected with its reason, and a
//! file that cannot be read to its end (a truncated gzip) is reported, not fatal.

use super::known::Known;
use super::tally::{LineProblem, Tally};
use crate::clock::LocalTime;
use crate::dryrun::GuardedLines;
use crate::engine::Basis;
use crate::model::{Channel, Outcome};
use rayon::prelude::*;
use serde::Deserialize;
use std::borrow::Cow;
use std::path::PathBuf;

/// Lines per chunk: enough to keep both cores busy, few enough for flat memory.
const CHUNK_LINES: usize = 32 * 1024;
/// Lines per worker task within a chunk.
const TASK_LINES: usize = 2048;

/// One decision as `rosa serve` logs it (the fields the follow-up uses).
#[derive(Deserialize)]
struct LogLine<'a> {
    #[serde(borrow)]
    time: Cow<'a, str>,
    #[serde(borrow)]
    ruleset: Cow<'a, str>,
    #[serde(default, borrow)]
    case_type: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    part: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    channel: Option<Cow<'a, str>>,
    outcome: Outcome,
    basis: Basis,
}

/// One file read: its physical lines and what stopped it early, if anything.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct FileRead {
    pub path: PathBuf,
    pub lines: u64,
    /// Why the file ended before its end (cannot be opened, a truncated gzip), in Swedish.
    pub problem: Option<String>,
}

/// A chunk of lines: their bytes one after the other, and where each one is.
#[derive(Default)]
struct Chunk {
    bytes: Vec<u8>,
    /// (file, line number, start, end) in `bytes`.
    lines: Vec<(u32, u64, usize, usize)>,
}

impl Chunk {
    fn clear(&mut self) {
        self.bytes.clear();
        self.lines.clear();
    }
}

/// Reads the files one after the other, line by line.
struct Reader {
    files: Vec<PathBuf>,
    next_file: usize,
    current: Option<(u32, GuardedLines)>,
    read: Vec<FileRead>,
    line: Vec<u8>,
}

impl Reader {
    fn new(files: Vec<PathBuf>) -> Reader {
        Reader {
            files,
            next_file: 0,
            current: None,
            read: Vec::new(),
            line: Vec::new(),
        }
    }

    /// Fill `out` with up to [`CHUNK_LINES`] lines; lines rejected while reading (too
    /// long, blank, cut by a read error) go to `tally`. `false` when every file is read.
    fn next_chunk(&mut self, out: &mut Chunk, tally: &mut Tally) -> bool {
        out.clear();
        while out.lines.len() < CHUNK_LINES {
            let Some((file, lines)) = self.current.as_mut() else {
                if !self.open_next() {
                    return false;
                }
                continue;
            };
            let file = *file;
            match lines.next_line(&mut self.line) {
                Ok(Some(line)) => {
                    self.read[file as usize].lines += 1;
                    let text = trim_end(&self.line);
                    if line.cut {
                        tally.reject(file, line.number, LineProblem::TooLong);
                    } else if text.iter().all(u8::is_ascii_whitespace) {
                        tally.reject(file, line.number, LineProblem::Blank);
                    } else {
                        let start = out.bytes.len();
                        out.bytes.extend_from_slice(text);
                        out.lines.push((file, line.number, start, out.bytes.len()));
                    }
                }
                Ok(None) => self.current = None,
                Err(e) => self.broken_off(file, &e, tally),
            }
        }
        true
    }

    /// A read error ends the file: the line it cut is rejected, the file reported.
    fn broken_off(&mut self, file: u32, error: &std::io::Error, tally: &mut Tally) {
        let read = &mut self.read[file as usize];
        if !self.line.is_empty() {
            read.lines += 1;
            tally.reject(file, read.lines, LineProblem::Truncated);
        }
        read.problem = Some(format!(
            "filen går inte att läsa till slutet (en avkortad eller trasig gzip-fil?) efter rad {}: {error}",
            read.lines
        ));
        self.current = None;
    }

    fn open_next(&mut self) -> bool {
        let Some(path) = self.files.get(self.next_file).cloned() else {
            return false;
        };
        let file = self.next_file as u32;
        self.next_file += 1;
        match super::input::open(&path) {
            Ok(input) => {
                self.read.push(FileRead {
                    path,
                    lines: 0,
                    problem: None,
                });
                self.current = Some((file, GuardedLines::new(input)));
            }
            Err(why) => self.read.push(FileRead {
                path,
                lines: 0,
                problem: Some(format!("kan inte öppnas: {why}")),
            }),
        }
        true
    }
}

fn trim_end(line: &[u8]) -> &[u8] {
    let end = line
        .iter()
        .rposition(|b| !matches!(b, b'\n' | b'\r'))
        .map_or(0, |i| i + 1);
    &line[..end]
}

/// Read and count every line of `files`.
pub(super) fn read(files: Vec<PathBuf>, known: &Known) -> (Tally, Vec<FileRead>) {
    let mut reader = Reader::new(files);
    let mut total = Tally::for_known(known);
    let mut current = Chunk::default();
    let mut next = Chunk::default();
    let mut more = reader.next_chunk(&mut current, &mut total);
    while more || !current.lines.is_empty() {
        let mut read_side = Tally::for_known(known);
        // Read the next chunk while the workers count this one.
        let (next_more, counted) = rayon::join(
            || {
                next.clear();
                more && reader.next_chunk(&mut next, &mut read_side)
            },
            || count_chunk(&current, known),
        );
        total.merge(counted);
        total.merge(read_side);
        more = next_more;
        std::mem::swap(&mut current, &mut next);
    }
    (total, reader.read)
}

fn count_chunk(chunk: &Chunk, known: &Known) -> Tally {
    chunk
        .lines
        .par_chunks(TASK_LINES)
        .map(|lines| {
            let mut tally = Tally::for_known(known);
            for &(file, number, start, end) in lines {
                count_line(&chunk.bytes[start..end], file, number, known, &mut tally);
            }
            tally
        })
        .reduce(
            || Tally::for_known(known),
            |mut a, b| {
                a.merge(b);
                a
            },
        )
}

fn count_line(bytes: &[u8], file: u32, number: u64, known: &Known, tally: &mut Tally) {
    let line: LogLine = match serde_json::from_slice(bytes) {
        Ok(line) => line,
        Err(e) if e.classify() == serde_json::error::Category::Data => {
            return tally.reject(file, number, LineProblem::OtherFormat);
        }
        Err(_) => return tally.reject(file, number, LineProblem::InvalidJson),
    };
    let Ok(time) = LocalTime::parse(&line.time) else {
        return tally.reject(file, number, LineProblem::BadTime);
    };
    if !super::tally::PLAUSIBLE_YEARS.contains(&time.date().year()) {
        return tally.reject(file, number, LineProblem::BadTime);
    }
    let channel = line.channel.as_deref().and_then(Channel::parse);
    let case_type = match line.basis {
        Basis::UnknownCaseType => None,
        _ => line.case_type.as_deref(),
    };
    tally.decision(
        known,
        &super::tally::Decided {
            time,
            ruleset: &line.ruleset,
            case_type,
            part: line.part.as_deref(),
            phone: channel.is_some_and(|c| c.name() == "telefon"),
            outcome: line.outcome,
        },
    );
}
