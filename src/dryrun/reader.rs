//! Streaming inquiry logs: CSV (with a header row; `,` or `;`), JSON Lines and Excel
//! workbooks (`.xlsx`: the first sheet, read cell by cell, then handed out like CSV rows).
//! Every CSV and JSON Lines line passes a [`LineGuard`]: line endings counted alike, a
//! line cut at [`MAX_LINE_BYTES`].
//!
//! The reader hands out raw rows in chunks; turning a raw row into an [`OwnedInquiry`](crate::OwnedInquiry) is
//! done by the workers in parallel ([`Columns::fill`], [`fill_json`]). Memory is one
//! chunk, whatever the size of the log. A row that cannot be used is never dropped: it
//! becomes a rejection with its line number and reason.

use crate::clock::LocalTime;
use crate::engine::OwnedInquiry;
use crate::model::AttrValue;
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use super::chunk::{Chunk, LogError, RawRow};
use super::rejection::Rejection;

/// The format of an inquiry log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// CSV with a header row, `,` or `;` between fields: `arendetyp` (or `case_type`),
    /// and optionally `delmoment`/`part`, `kanal`/`channel` and `tid`/`time`; every
    /// other column is an attribute.
    Csv,
    /// One JSON object per line, with the same fields; other keys, or an `attributes`
    /// object, are attributes.
    JsonLines,
    /// An Excel workbook (`.xlsx`): the first sheet, its first row the headers, the same
    /// columns as CSV. Rows are numbered as in the sheet.
    Xlsx,
}

impl LogFormat {
    /// By file extension: `.jsonl`, `.ndjson` and `.json` are JSON Lines, `.xlsx` and
    /// `.xlsm` Excel, the rest CSV. (A CSV log that is really a workbook is read as one:
    /// the reader looks at the first bytes.)
    pub fn of_path(path: &Path) -> LogFormat {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("jsonl" | "ndjson" | "json") => LogFormat::JsonLines,
            Some("xlsx" | "xlsm") => LogFormat::Xlsx,
            _ => LogFormat::Csv,
        }
    }
}

/// The first bytes of a zip archive, which an `.xlsx` file is.
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
/// The first bytes of an OLE compound file: an old `.xls` workbook.
const OLE_MAGIC: &[u8] = b"\xd0\xcf\x11\xe0";

/// Which CSV column holds what.
#[derive(Debug, Clone)]
pub(super) struct Columns {
    case_type: usize,
    channel: Option<usize>,
    part: Option<usize>,
    time: Option<usize>,
    attributes: Vec<(usize, String)>,
}

pub(super) struct LogReader {
    source: Source,
    /// Bytes read so far, for a progress bar.
    pub bytes_read: Arc<AtomicU64>,
    pub total_bytes: u64,
    /// Physical lines seen so far: the reader's own count, so that the report can show
    /// that every line was decided or rejected.
    lines: Arc<LineState>,
}

/// The longest line the reader takes (1 MiB; a log row is a few hundred bytes). The rest
/// of a longer line is read past, never held in memory, and the line is rejected.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// What the [`LineGuard`] has seen, shared with the parser behind it.
#[derive(Default)]
struct LineState {
    /// Line endings passed on (CRLF, LF and a lone CR each count once).
    newlines: AtomicU64,
    /// Whether the last byte passed on is inside a line (a last line without an ending).
    open_line: AtomicBool,
    /// Lines cut at [`MAX_LINE_BYTES`], not yet reported, and whether there are any
    /// (so that a log without them takes no lock per row).
    too_long: Mutex<BTreeSet<u64>>,
    any_too_long: AtomicBool,
    /// The file ended inside a quoted CSV field.
    unterminated: AtomicBool,
}

impl LineState {
    fn lines(&self) -> u64 {
        self.newlines.load(Ordering::Relaxed) + u64::from(self.open_line.load(Ordering::Relaxed))
    }

    /// Whether any of `lines` lines from `line` was cut (and forget them: reported now).
    fn take_cut(&self, line: u64, lines: u64) -> bool {
        if !self.any_too_long.load(Ordering::Relaxed) {
            return false;
        }
        let mut cut = self.too_long.lock().unwrap_or_else(PoisonError::into_inner);
        let found: Vec<u64> = cut
            .range(line..line.saturating_add(lines))
            .copied()
            .collect();
        for l in &found {
            cut.remove(l);
        }
        !found.is_empty()
    }
}

enum Source {
    Csv(csv::Reader<Box<dyn Read + Send>>, Columns),
    Json(BufReader<Box<dyn Read + Send>>, u64),
    Xlsx(super::xlsx_log::Sheet, Columns),
}

impl LogReader {
    pub(super) fn open(path: &Path, format: LogFormat) -> Result<LogReader, LogError> {
        // A FIFO or device would block or never end; only a regular file is read.
        let (file, meta) = crate::files::open_regular(path).map_err(|refusal| {
            let why = match refusal {
                crate::files::Refusal::Io(e) => e.to_string(),
                other => other.reason(),
            };
            LogError(format!("kan inte öppna loggen `{}`: {why}", path.display()))
        })?;
        let total_bytes = meta.len();
        if total_bytes == 0 {
            return Err(LogError(format!("loggen `{}` är tom", path.display())));
        }
        let bytes_read = Arc::new(AtomicU64::new(0));
        let lines = Arc::new(LineState::default());
        let mut file = file;
        let mut magic = [0u8; 4];
        let n = read_up_to(&mut file, &mut magic)?;
        let magic = &magic[..n];
        if magic == OLE_MAGIC {
            return Err(LogError(format!(
                "loggen `{}` är en äldre Excel-fil (.xls): spara den som Excel-arbetsbok (.xlsx) eller CSV UTF-8",
                path.display()
            )));
        }
        if format == LogFormat::Xlsx && magic != ZIP_MAGIC {
            return Err(LogError(format!(
                "loggen `{}` är ingen Excel-arbetsbok (en .xlsx-fil är ett zip-arkiv): är det en CSV-fil med fel filändelse? Byt namn till .csv eller ange --log-format csv",
                path.display()
            )));
        }
        let format = if magic == ZIP_MAGIC && format == LogFormat::Csv {
            LogFormat::Xlsx
        } else {
            format
        };
        std::io::Seek::rewind(&mut file).map_err(|e| {
            LogError(format!(
                "loggen `{}` går inte att läsa: {e}",
                path.display()
            ))
        })?;
        let guarded = |file, delimiter| -> Box<dyn Read + Send> {
            Box::new(LineGuard::new(
                file,
                bytes_read.clone(),
                lines.clone(),
                delimiter,
            ))
        };
        let source = match format {
            LogFormat::Csv => {
                let delimiter = csv_delimiter(&mut file).map_err(|e| {
                    LogError(format!(
                        "loggen `{}` går inte att läsa: {e}",
                        path.display()
                    ))
                })?;
                csv_source(guarded(file, Some(delimiter)), delimiter)?
            }
            LogFormat::JsonLines => {
                Source::Json(BufReader::with_capacity(1 << 16, guarded(file, None)), 0)
            }
            LogFormat::Xlsx => {
                let sheet = super::xlsx_log::Sheet::open(path, file)?;
                let columns = Columns::from_header(&sheet.header()).map_err(|e| {
                    LogError(format!("{} (första bladet i `{}`)", e.0, path.display()))
                })?;
                bytes_read.store(total_bytes, Ordering::Relaxed);
                lines.newlines.store(sheet.lines(), Ordering::Relaxed);
                Source::Xlsx(sheet, columns)
            }
        };
        Ok(LogReader {
            source,
            bytes_read,
            total_bytes,
            lines,
        })
    }

    /// Physical lines read so far (a last line without a newline counts).
    pub(super) fn lines_read(&self) -> u64 {
        self.lines.lines()
    }

    /// Lines before the first row: the CSV header.
    pub(super) fn header_lines(&self) -> u64 {
        match &self.source {
            Source::Csv(..) => 1,
            Source::Json(..) => 0,
            Source::Xlsx(sheet, _) => sheet.header_lines(),
        }
    }

    /// The CSV column map, for the workers (`None` for JSON Lines).
    pub(super) fn columns(&self) -> Option<&Columns> {
        match &self.source {
            Source::Csv(_, columns) | Source::Xlsx(_, columns) => Some(columns),
            Source::Json(..) => None,
        }
    }

    /// Fill `out` with up to `max` rows; `false` when the log is exhausted.
    pub(super) fn next_chunk(&mut self, max: usize, out: &mut Chunk) -> Result<bool, LogError> {
        out.clear();
        match &mut self.source {
            Source::Csv(reader, _) => read_csv_chunk(reader, &self.lines, max, out),
            Source::Json(reader, line) => read_json_chunk(reader, &self.lines, line, max, out),
            Source::Xlsx(sheet, _) => Ok(sheet.next_chunk(max, out)),
        }
    }
}

/// The CSV dialect from the header line: `;` where it has semicolons and no commas (what
/// Excel writes with a Swedish locale), else `,`. Read before the line guard so that the
/// guard follows quotes as the parser will; the file is left at its start.
fn csv_delimiter(file: &mut std::fs::File) -> std::io::Result<u8> {
    let mut head = vec![0u8; 64 * 1024];
    let n = read_up_to(file, &mut head).map_err(|e| std::io::Error::other(e.0))?;
    let first_line = head[..n]
        .split(|b| *b == b'\n' || *b == b'\r')
        .next()
        .unwrap_or(&[]);
    let delimiter = if first_line.contains(&b';') && !first_line.contains(&b',') {
        b';'
    } else {
        b','
    };
    std::io::Seek::rewind(file)?;
    Ok(delimiter)
}

fn csv_source(input: Box<dyn Read + Send>, delimiter: u8) -> Result<Source, LogError> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(false)
        .from_reader(input);
    let header = reader
        .byte_headers()
        .map_err(|e| LogError(format!("loggens rubrikrad går inte att läsa: {e}")))?
        .clone();
    let columns = Columns::from_header(&header)?;
    Ok(Source::Csv(reader, columns))
}

fn read_up_to(input: &mut impl Read, buf: &mut [u8]) -> Result<usize, LogError> {
    let mut filled = 0;
    while filled < buf.len() {
        match input.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(LogError(format!("loggen går inte att läsa: {e}"))),
        }
    }
    Ok(filled)
}

fn read_csv_chunk(
    reader: &mut csv::Reader<Box<dyn Read + Send>>,
    state: &LineState,
    max: usize,
    out: &mut Chunk,
) -> Result<bool, LogError> {
    while out.len < max {
        let record = out.next_csv_record();
        let read = reader.read_byte_record(record);
        let line = match &read {
            Ok(_) => record.position().map_or(0, |p| p.line()),
            Err(e) => e.position().map_or(0, |p| p.line()),
        };
        let lines = physical_lines(record);
        if !matches!(read, Ok(false))
            && let Some(row) = guarded_row(state, line, lines)
        {
            out.push(row);
            continue;
        }
        match read {
            Ok(true) => {
                if lines > 1 {
                    // A quoted field over several lines is almost always a stray quote
                    // that swallowed the rows after it: reject them, never merge them.
                    out.push(RawRow::Broken {
                        line,
                        lines,
                        reason: Rejection::Swallowed {
                            line,
                            lines,
                            also: None,
                        },
                    });
                } else {
                    out.len += 1;
                }
            }
            Ok(false) => return Ok(false),
            Err(e) => {
                out.push(csv_problem(e, lines)?);
            }
        }
    }
    Ok(true)
}

/// What the line guard knows about a record: that the file ended inside its quote, or
/// that its one line was cut at [`MAX_LINE_BYTES`]. The record that reaches the end of
/// a file ending inside a quote is the one with the quote: every line from its start to
/// the end is rejected with it.
fn guarded_row(state: &LineState, line: u64, lines: u64) -> Option<RawRow> {
    if state.unterminated.load(Ordering::Relaxed)
        && line.saturating_add(lines) > state.lines()
        && state.unterminated.swap(false, Ordering::Relaxed)
    {
        let lines = (state.lines() + 1).saturating_sub(line).max(1);
        state.take_cut(line, lines);
        return Some(RawRow::Broken {
            line,
            lines,
            reason: Rejection::UnterminatedQuote { line, lines },
        });
    }
    // A cut line inside a multi-line record is reported with that record.
    (state.take_cut(line, lines) && lines == 1).then_some(RawRow::Broken {
        line,
        lines: 1,
        reason: Rejection::LineTooLong,
    })
}

/// Lines a record covers: one, plus every newline inside its (quoted) fields.
fn physical_lines(record: &csv::ByteRecord) -> u64 {
    1 + record
        .iter()
        .map(|f| f.iter().filter(|b| **b == b'\n').count() as u64)
        .sum::<u64>()
}

/// A malformed record becomes a rejection; an I/O failure stops the run.
fn csv_problem(e: csv::Error, lines: u64) -> Result<RawRow, LogError> {
    let line = e.position().map_or(0, |p| p.line());
    let mut reason = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => Rejection::FieldCount {
            len: *len,
            expected: *expected_len,
        },
        csv::ErrorKind::Io(io) => return Err(LogError(format!("loggen går inte att läsa: {io}"))),
        _ => Rejection::Unreadable(e.to_string()),
    };
    if lines > 1 {
        reason = Rejection::Swallowed {
            line,
            lines,
            also: Some(Box::new(reason)),
        };
    }
    Ok(RawRow::Broken {
        line,
        lines,
        reason,
    })
}

fn read_json_chunk(
    reader: &mut BufReader<Box<dyn Read + Send>>,
    state: &LineState,
    line_no: &mut u64,
    max: usize,
    out: &mut Chunk,
) -> Result<bool, LogError> {
    let mut buf = Vec::new();
    while out.len < max {
        buf.clear();
        let n = reader
            .read_until(b'\n', &mut buf)
            .map_err(|e| LogError(format!("loggen går inte att läsa: {e}")))?;
        if n == 0 {
            return Ok(false);
        }
        *line_no += 1;
        let line = *line_no;
        if state.take_cut(line, 1) {
            out.push(RawRow::Broken {
                line,
                lines: 1,
                reason: Rejection::LineTooLong,
            });
            continue;
        }
        match String::from_utf8(std::mem::take(&mut buf)) {
            Ok(text) if text.trim().is_empty() => {}
            Ok(text) => out.push(RawRow::Json { line, text }),
            Err(_) => out.push(RawRow::Broken {
                line,
                lines: 1,
                reason: Rejection::NotUtf8,
            }),
        }
    }
    Ok(true)
}

impl Columns {
    pub(super) fn from_header(header: &csv::ByteRecord) -> Result<Columns, LogError> {
        let names: Vec<String> = header
            .iter()
            .map(|h| {
                std::str::from_utf8(h)
                    .map(|s| s.trim_start_matches('\u{feff}').trim().to_lowercase())
                    .map_err(|_| {
                        LogError(format!(
                            "loggens rubrikrad är inte UTF-8. {}",
                            Rejection::NotUtf8
                        ))
                    })
            })
            .collect::<Result<_, _>>()?;
        let find = |aliases: &[&str]| names.iter().position(|n| aliases.contains(&n.as_str()));
        let case_type = find(CASE_TYPE).ok_or_else(|| {
            LogError(format!(
                "loggen saknar kolumnen `arendetyp` (eller `case_type`); kolumnerna är: {}",
                names.join(", ")
            ))
        })?;
        let channel = find(CHANNEL);
        let part = find(PART);
        let time = find(TIME);
        let known = [Some(case_type), channel, part, time];
        let attributes = names
            .iter()
            .enumerate()
            .filter(|(i, n)| !known.contains(&Some(*i)) && !n.is_empty())
            .map(|(i, n)| (i, n.clone()))
            .collect();
        Ok(Columns {
            case_type,
            channel,
            part,
            time,
            attributes,
        })
    }

    /// Turn a CSV record into `inquiry` (reusing its allocations) and its time.
    pub(super) fn fill(
        &self,
        record: &csv::ByteRecord,
        inquiry: &mut OwnedInquiry,
    ) -> Result<Option<LocalTime>, Rejection> {
        let text = |i: usize| -> Result<&str, Rejection> {
            std::str::from_utf8(record.get(i).unwrap_or(&[]))
                .map(str::trim)
                .map_err(|_| Rejection::NotUtf8)
        };
        let case_type = text(self.case_type)?;
        let channel = self.channel.map(text).transpose()?.unwrap_or("");
        let part = self.part.map(text).transpose()?.unwrap_or("");
        let time = self.time.map(text).transpose()?.unwrap_or("");
        set_fields(inquiry, case_type, channel, part)?;
        // The same columns on every row: update values in place, no new keys per row.
        for (i, name) in &self.attributes {
            let value = text(*i)?;
            if value.is_empty() {
                inquiry.attributes.remove(name.as_str());
            } else if let Some(slot) = inquiry.attributes.get_mut(name.as_str()) {
                *slot = AttrValue::from_text(value);
            } else {
                inquiry
                    .attributes
                    .insert(name.clone().into(), AttrValue::from_text(value));
            }
        }
        parse_time(time, inquiry)
    }
}

const CASE_TYPE: &[&str] = &["arendetyp", "ärendetyp", "case_type"];
const CHANNEL: &[&str] = &["kanal", "channel"];
const PART: &[&str] = &["delmoment", "part"];
const TIME: &[&str] = &["tid", "time", "tidpunkt", "timestamp"];

fn set_fields(
    inquiry: &mut OwnedInquiry,
    case_type: &str,
    channel: &str,
    part: &str,
) -> Result<(), Rejection> {
    if case_type.is_empty() {
        return Err(Rejection::MissingCaseType);
    }
    replace(&mut inquiry.case_type, case_type);
    set_optional(&mut inquiry.channel, channel);
    set_optional(&mut inquiry.part, part);
    Ok(())
}

fn parse_time(time: &str, inquiry: &mut OwnedInquiry) -> Result<Option<LocalTime>, Rejection> {
    if time.is_empty() {
        inquiry.time = None;
        return Ok(None);
    }
    let parsed = LocalTime::parse(time).map_err(Rejection::BadTime)?;
    set_optional(&mut inquiry.time, time);
    Ok(Some(parsed))
}

fn replace(target: &mut String, value: &str) {
    target.clear();
    target.push_str(value);
}

fn set_optional(target: &mut Option<String>, value: &str) {
    if value.is_empty() {
        *target = None;
    } else {
        match target {
            Some(s) => replace(s, value),
            None => *target = Some(value.to_string()),
        }
    }
}

/// Turn one JSON Lines object into `inquiry`. Known keys as in CSV; `attributes` (or
/// `attribut`) may hold the attributes, and any other key is an attribute too.
pub(super) fn fill_json(
    text: &str,
    inquiry: &mut OwnedInquiry,
) -> Result<Option<LocalTime>, Rejection> {
    let object: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(text).map_err(|e| Rejection::InvalidJson(e.to_string()))?;
    let mut fields = [""; 4];
    inquiry.attributes.clear();
    for (key, value) in &object {
        let slot = [CASE_TYPE, CHANNEL, PART, TIME]
            .iter()
            .position(|aliases| aliases.contains(&key.as_str()));
        match (slot, value) {
            (Some(i), serde_json::Value::String(s)) => fields[i] = s.trim(),
            (Some(_), serde_json::Value::Null) => {}
            (Some(_), _) => return Err(Rejection::FieldNotText(key.clone())),
            (None, serde_json::Value::Object(map)) if key == "attributes" || key == "attribut" => {
                for (name, v) in map {
                    insert_json_attr(inquiry, name, v)?;
                }
            }
            (None, v) => insert_json_attr(inquiry, key, v)?,
        }
    }
    set_fields(inquiry, fields[0], fields[1], fields[2])?;
    parse_time(fields[3], inquiry)
}

fn insert_json_attr(
    inquiry: &mut OwnedInquiry,
    name: &str,
    value: &serde_json::Value,
) -> Result<(), Rejection> {
    let value = match value {
        serde_json::Value::Null => return Ok(()),
        serde_json::Value::Bool(b) => AttrValue::Bool(*b),
        serde_json::Value::Number(n) => AttrValue::Number(n.as_f64().unwrap_or(f64::NAN)),
        serde_json::Value::String(s) => AttrValue::Text(s.clone()),
        _ => return Err(Rejection::AttributeType(name.to_string())),
    };
    inquiry.attributes.insert(name.to_string().into(), value);
    Ok(())
}

/// Lines of any byte stream (a decompressed decision log, say) through a [`LineGuard`]:
/// line endings counted alike and a line cut at [`MAX_LINE_BYTES`], as for JSON Lines.
pub(crate) struct GuardedLines {
    reader: BufReader<LineGuard<Box<dyn Read + Send>>>,
    state: Arc<LineState>,
    line: u64,
}

/// One line [`GuardedLines`] handed out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct GuardedLine {
    /// 1-based.
    pub number: u64,
    /// Longer than [`MAX_LINE_BYTES`]: the rest was read past, not kept.
    pub cut: bool,
}

impl GuardedLines {
    pub(crate) fn new(input: Box<dyn Read + Send>) -> GuardedLines {
        let state = Arc::new(LineState::default());
        let guard = LineGuard::new(input, Arc::new(AtomicU64::new(0)), state.clone(), None);
        GuardedLines {
            reader: BufReader::with_capacity(1 << 16, guard),
            state,
            line: 0,
        }
    }

    /// The next line into `buf` (cleared first, line ending kept); `None` at the end. On
    /// an error `buf` holds what was read of the line before it.
    pub(crate) fn next_line(&mut self, buf: &mut Vec<u8>) -> std::io::Result<Option<GuardedLine>> {
        buf.clear();
        if self.reader.read_until(b'\n', buf)? == 0 {
            return Ok(None);
        }
        self.line += 1;
        Ok(Some(GuardedLine {
            number: self.line,
            cut: self.state.take_cut(self.line, 1),
        }))
    }
}

/// Between the file and the parser: counts bytes and lines, turns every line ending
/// Excel and old Macs write (CRLF, LF, a lone CR) into LF so that parser and count agree,
/// and cuts a line at [`MAX_LINE_BYTES`], reading past the rest of it. For CSV it also
/// follows quotes as the parser does, to close one opened on a cut line and to know when
/// the file ends inside one.
struct LineGuard<R> {
    inner: R,
    bytes: Arc<AtomicU64>,
    state: Arc<LineState>,
    /// The CSV delimiter; `None` for JSON Lines, which has no quoted fields to follow.
    delimiter: Option<u8>,
    raw: Box<[u8]>,
    raw_pos: usize,
    raw_len: usize,
    at_end: bool,
    /// The last byte was a CR: an LF right after it is the same line ending.
    after_cr: bool,
    line_len: usize,
    /// Line endings and whether a line is open, published to `state` after each read.
    newlines: u64,
    open_line: bool,
    /// Reading past the rest of a cut line.
    skipping: bool,
    /// Where the CSV parser is with quotes.
    quotes: Quotes,
}

/// A CSV field's quoting, as `csv-core` reads it: a quote opens a quoted field only as
/// the field's first byte (elsewhere it is text), and inside one a quote either closes it
/// or, doubled, stands for itself. Following anything simpler disagrees with the parser on
/// where a field ends, and with it on the lines a record covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quotes {
    /// At the start of a field, where a quote opens one.
    FieldStart,
    /// In a field that did not start with a quote.
    Unquoted,
    /// In a quoted field opened on this line.
    Quoted(u64),
    /// Just after a quote inside a quoted field (opened on this line): a second quote
    /// stays in it, anything else has closed it.
    QuoteInQuoted(u64),
}

impl Quotes {
    /// The state after `byte` (line endings already made LF); `line` is the current line.
    fn after(self, byte: u8, delimiter: u8, line: u64) -> Quotes {
        match (self, byte) {
            (Quotes::Quoted(opened), b'"') => Quotes::QuoteInQuoted(opened),
            (Quotes::Quoted(opened), _) => Quotes::Quoted(opened),
            (Quotes::QuoteInQuoted(opened), b'"') => Quotes::Quoted(opened),
            (_, b'\n') => Quotes::FieldStart,
            (_, b) if b == delimiter => Quotes::FieldStart,
            (Quotes::FieldStart, b'"') => Quotes::Quoted(line),
            _ => Quotes::Unquoted,
        }
    }
}

impl<R: Read> LineGuard<R> {
    fn new(inner: R, bytes: Arc<AtomicU64>, state: Arc<LineState>, delimiter: Option<u8>) -> Self {
        LineGuard {
            inner,
            bytes,
            state,
            delimiter,
            raw: vec![0; 1 << 16].into_boxed_slice(),
            raw_pos: 0,
            raw_len: 0,
            at_end: false,
            after_cr: false,
            line_len: 0,
            newlines: 0,
            open_line: false,
            skipping: false,
            quotes: Quotes::FieldStart,
        }
    }

    /// Refill the raw buffer; `false` at the end of the file.
    fn refill(&mut self) -> std::io::Result<bool> {
        loop {
            match self.inner.read(&mut self.raw) {
                Ok(0) => {
                    self.at_end = true;
                    if matches!(self.quotes, Quotes::Quoted(_)) {
                        self.state.unterminated.store(true, Ordering::Relaxed);
                    }
                    return Ok(false);
                }
                Ok(n) => {
                    self.bytes.fetch_add(n as u64, Ordering::Relaxed);
                    (self.raw_pos, self.raw_len) = (0, n);
                    return Ok(true);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// The line being read, 1-based.
    fn line(&self) -> u64 {
        self.newlines + 1
    }

    /// What one raw byte becomes for the parser, if anything.
    fn pass(&mut self, byte: u8) -> Option<u8> {
        if std::mem::replace(&mut self.after_cr, byte == b'\r') && byte == b'\n' {
            return None;
        }
        if byte == b'\n' || byte == b'\r' {
            self.follow_quotes(b'\n');
            self.line_len = 0;
            self.skipping = false;
            self.newlines += 1;
            self.open_line = false;
            return Some(b'\n');
        }
        if self.skipping {
            return None;
        }
        self.line_len += 1;
        if self.line_len > MAX_LINE_BYTES {
            return self.cut();
        }
        self.follow_quotes(byte);
        self.open_line = true;
        Some(byte)
    }

    /// Follow the CSV parser's quoting over a byte passed on to it.
    fn follow_quotes(&mut self, byte: u8) {
        if let Some(delimiter) = self.delimiter {
            self.quotes = self.quotes.after(byte, delimiter, self.line());
        }
    }

    /// Start reading past the rest of the line; a quote it opened is closed, so that the
    /// lines after it are read as rows.
    fn cut(&mut self) -> Option<u8> {
        self.skipping = true;
        let line = self.line();
        self.state
            .too_long
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(line);
        self.state.any_too_long.store(true, Ordering::Relaxed);
        if self.quotes == Quotes::Quoted(line) {
            self.quotes = Quotes::QuoteInQuoted(line);
            return Some(b'"');
        }
        None
    }
}

impl<R: Read> Read for LineGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut n = 0;
        while n < buf.len() {
            if self.raw_pos == self.raw_len && (n > 0 || self.at_end || !self.refill()?) {
                break;
            }
            let byte = self.raw[self.raw_pos];
            self.raw_pos += 1;
            if let Some(out) = self.pass(byte) {
                buf[n] = out;
                n += 1;
            }
        }
        self.state.newlines.store(self.newlines, Ordering::Relaxed);
        self.state
            .open_line
            .store(self.open_line, Ordering::Relaxed);
        Ok(n)
    }
}
