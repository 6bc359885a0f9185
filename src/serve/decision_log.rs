//! The decision log: one JSON line per decision, for audit.
//!
//! Requests never wait for the disk: they hand an [`Entry`] to a bounded queue and a
//! writer thread does the I/O. When the queue is full the line is dropped and counted;
//! the count is logged and shown on `/health`, so nothing is lost silently.
//!
//! A line is in the file whole or not at all: when a write fails part way (a full
//! disk), the part of a line that got in is cut off again and the line counted as
//! dropped, so `written` is exactly the number of lines in the file. A partial last
//! line left by a crash is cut off when the log is next opened, with a warning.
//!
//! No personal data: attribute values are never logged, and text that is not part of
//! the ruleset's own vocabulary (an unknown case type, part, channel or attribute name)
//! is withheld, since a caller could have put anything there.

use crate::Inquiry;
use crate::engine::{Basis, Decision};
use crate::model::{Channel, Outcome, Ruleset};
use serde::Serialize;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

/// Lines that may wait for the writer; at 20,000 decisions/s this is about 0.8 s.
pub(super) const QUEUE_CAPACITY: usize = 16_384;
/// How often buffered lines reach the file and dropped lines are reported.
const TICK: Duration = Duration::from_millis(100);
/// Lines buffered before a write to the file, if the tick has not come first.
const BUFFER_BYTES: usize = 64 * 1024;

/// One decision as logged.
#[derive(Debug, Clone)]
pub(super) struct Entry {
    pub at: SystemTime,
    pub kommunkod: Arc<str>,
    pub ruleset: String,
    pub case_type: Option<String>,
    pub part: Option<String>,
    pub channel: Option<&'static str>,
    /// Names of the attributes sent (never their values).
    pub attributes: Vec<String>,
    pub outcome: Outcome,
    pub basis: Basis,
    /// Fields whose text was withheld because the ruleset does not know it.
    pub withheld: Vec<&'static str>,
    /// The request's `X-Request-Id`, to find the HTTP exchange behind a line.
    pub request_id: Option<Arc<str>>,
}

impl Entry {
    pub(super) fn new(
        kommunkod: Arc<str>,
        ruleset: &Ruleset,
        inquiry: &Inquiry,
        decision: &Decision,
    ) -> Entry {
        let mut withheld = Vec::new();
        let case_type = if decision.basis == Basis::UnknownCaseType {
            withheld.push("case_type");
            None
        } else {
            // As the answer has it: the id as sent, cut like every text of a record.
            let sent = &inquiry.case_type;
            Some(match crate::bounds::cut_at(sent) {
                Some(end) => format!("{}…", &sent[..end]),
                None => sent.to_string(),
            })
        };
        let part = if decision.basis == Basis::UnknownPart {
            withheld.push("part");
            None
        } else {
            decision.unit.and_then(|u| u.part.clone())
        };
        let channel = inquiry.channel.and_then(|text| {
            let known = Channel::parse(text).map(Channel::name);
            if known.is_none() {
                withheld.push("channel");
            }
            known
        });
        let declared = &ruleset.policy.attributes;
        let (attributes, unknown): (Vec<String>, Vec<String>) = inquiry
            .attributes
            .keys()
            .map(|name| name.to_string())
            .partition(|name| declared.iter().any(|a| &a.name == name));
        if !unknown.is_empty() {
            withheld.push("attributes");
        }
        Entry {
            at: SystemTime::now(),
            kommunkod,
            ruleset: ruleset.id.clone(),
            case_type,
            part,
            channel,
            attributes,
            outcome: decision.outcome,
            basis: decision.basis,
            withheld,
            request_id: None,
        }
    }
}

#[derive(Serialize)]
struct Line<'a> {
    time: String,
    kommunkod: &'a str,
    ruleset: &'a str,
    case_type: Option<&'a str>,
    part: Option<&'a str>,
    channel: Option<&'a str>,
    attributes: &'a [String],
    outcome: Outcome,
    basis: Basis,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    withheld: &'a [&'static str],
    #[serde(skip_serializing_if = "Option::is_none")]
    request_id: Option<&'a str>,
}

impl<'a> From<&'a Entry> for Line<'a> {
    fn from(e: &'a Entry) -> Self {
        Line {
            time: super::time::rfc3339(e.at),
            kommunkod: &e.kommunkod,
            ruleset: &e.ruleset,
            case_type: e.case_type.as_deref(),
            part: e.part.as_deref(),
            channel: e.channel,
            attributes: &e.attributes,
            outcome: e.outcome,
            basis: e.basis,
            withheld: &e.withheld,
            request_id: e.request_id.as_deref(),
        }
    }
}

#[derive(Debug, Default)]
struct Counters {
    written: AtomicU64,
    dropped: AtomicU64,
}

/// What `/health` shows about the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(super) struct LogStats {
    pub enabled: bool,
    /// Lines handed to the file.
    pub written: u64,
    /// Lines lost because the queue was full or the file could not be written.
    pub dropped: u64,
}

impl LogStats {
    pub(super) const DISABLED: LogStats = LogStats {
        enabled: false,
        written: 0,
        dropped: 0,
    };
}

pub(super) struct DecisionLog {
    sender: SyncSender<Entry>,
    counters: Arc<Counters>,
    closing: Arc<AtomicBool>,
    writer: Mutex<Option<JoinHandle<()>>>,
}

impl std::fmt::Debug for DecisionLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DecisionLog")
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

impl DecisionLog {
    /// Append to `path` (created if missing). Only a regular file: a FIFO would block
    /// the start until someone reads it, a device swallows the audit trail. A partial
    /// last line (from a crash or a full disk) is cut off first.
    pub(super) fn open(path: &Path) -> std::io::Result<DecisionLog> {
        let file = crate::files::append_regular(path).map_err(|refusal| match refusal {
            crate::files::Refusal::Io(e) => e,
            _ => std::io::Error::other("it is not a regular file (a FIFO, device or socket)"),
        })?;
        if let Some(cut) = repair_tail(path, &file)? {
            tracing::warn!(
                path = %path.display(),
                bytes = cut,
                "the decision log ended in a partial line (a crash or a full disk); it was cut off"
            );
        }
        DecisionLog::start(Box::new(file), QUEUE_CAPACITY, BUFFER_BYTES)
    }

    /// A log writing each line to any sink at once, with a queue of `capacity` lines.
    #[cfg(test)]
    pub(super) fn with_writer(out: Box<dyn Sink>, capacity: usize) -> std::io::Result<DecisionLog> {
        DecisionLog::start(out, capacity, 0)
    }

    /// Lines are buffered up to `buffer` bytes (and for at most a tick) before writing.
    fn start(out: Box<dyn Sink>, capacity: usize, buffer: usize) -> std::io::Result<DecisionLog> {
        let (sender, receiver) = std::sync::mpsc::sync_channel(capacity);
        let counters = Arc::new(Counters::default());
        let closing = Arc::new(AtomicBool::new(false));
        let writer = Writer {
            out,
            buffer: Vec::with_capacity(buffer),
            buffered_lines: 0,
            buffer_bytes: buffer,
            counters: counters.clone(),
            closing: closing.clone(),
            reported_drops: 0,
            partial: 0,
        };
        let handle = std::thread::Builder::new()
            .name("decision-log".into())
            .spawn(move || writer.run(receiver))?;
        Ok(DecisionLog {
            sender,
            counters,
            closing,
            writer: Mutex::new(Some(handle)),
        })
    }

    /// Queue a line; never waits.
    pub(super) fn record(&self, entry: Entry) {
        if let Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) =
            self.sender.try_send(entry)
        {
            self.counters.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub(super) fn stats(&self) -> LogStats {
        LogStats {
            enabled: true,
            written: self.counters.written.load(Ordering::Relaxed),
            dropped: self.counters.dropped.load(Ordering::Relaxed),
        }
    }

    /// Write what is queued, flush, and stop the writer. Blocks for up to one tick.
    pub(super) fn close(&self) {
        self.closing.store(true, Ordering::Release);
        let handle = self.writer.lock().ok().and_then(|mut h| h.take());
        if let Some(handle) = handle
            && handle.join().is_err()
        {
            tracing::error!("the decision log writer panicked");
        }
    }
}

/// Where lines go: the log file, or in tests a sink that fails like a full disk.
pub(super) trait Sink: Write + Send {
    /// Remove the last `bytes` bytes written: the part of a line a failed write left.
    fn take_back(&mut self, bytes: u64) -> std::io::Result<()>;
}

impl Sink for File {
    fn take_back(&mut self, bytes: u64) -> std::io::Result<()> {
        let len = self.metadata()?.len();
        self.set_len(len.saturating_sub(bytes))
    }
}

/// Cut a last line that has no newline (the writer died or the disk filled mid-line)
/// off the file `append` writes to; returns how many bytes were cut.
fn repair_tail(path: &Path, append: &File) -> std::io::Result<Option<u64>> {
    let len = append.metadata()?.len();
    if len == 0 {
        return Ok(None);
    }
    let mut file = File::open(path)?;
    if !same_file(&file.metadata()?, &append.metadata()?) {
        return Err(std::io::Error::other(
            "the file was replaced while it was opened",
        ));
    }
    let keep = match last_newline(&mut file, len)? {
        Some(at) if at + 1 == len => return Ok(None),
        Some(at) => at + 1,
        None => 0,
    };
    append.set_len(keep)?;
    Ok(Some(len - keep))
}

/// The offset of the last `\n` in the first `len` bytes, read backwards in blocks.
fn last_newline(file: &mut File, len: u64) -> std::io::Result<Option<u64>> {
    const BLOCK: u64 = 64 * 1024;
    let mut block = vec![0u8; BLOCK as usize];
    let mut end = len;
    while end > 0 {
        let start = end.saturating_sub(BLOCK);
        let bytes = &mut block[..(end - start) as usize];
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(bytes)?;
        if let Some(i) = bytes.iter().rposition(|&b| b == b'\n') {
            return Ok(Some(start + i as u64));
        }
        end = start;
    }
    Ok(None)
}

#[cfg(unix)]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.is_file() && a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(a: &std::fs::Metadata, _: &std::fs::Metadata) -> bool {
    a.is_file()
}

struct Writer {
    out: Box<dyn Sink>,
    /// Lines not yet written: they count as written only once the sink takes them
    /// whole, so a failed write (disk full) counts every line it loses as dropped.
    buffer: Vec<u8>,
    buffered_lines: u64,
    buffer_bytes: usize,
    counters: Arc<Counters>,
    closing: Arc<AtomicBool>,
    reported_drops: u64,
    /// Bytes of a partial line in the sink that could not be taken back yet: nothing is
    /// appended after them until they are gone.
    partial: u64,
}

impl Writer {
    fn run(mut self, queue: Receiver<Entry>) {
        let mut last_flush = Instant::now();
        loop {
            match queue.recv_timeout(TICK) {
                Ok(entry) => self.write(&entry),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => break,
            }
            if self.closing.load(Ordering::Acquire) {
                while let Ok(entry) = queue.try_recv() {
                    self.write(&entry);
                }
                break;
            }
            if last_flush.elapsed() >= TICK {
                self.flush();
                last_flush = Instant::now();
            }
        }
        self.flush();
        let stats = (
            self.counters.written.load(Ordering::Relaxed),
            self.counters.dropped.load(Ordering::Relaxed),
        );
        tracing::info!(written = stats.0, dropped = stats.1, "decision log closed");
    }

    fn write(&mut self, entry: &Entry) {
        let start = self.buffer.len();
        match serde_json::to_writer(&mut self.buffer, &Line::from(entry)) {
            Ok(()) => {
                self.buffer.push(b'\n');
                self.buffered_lines += 1;
            }
            Err(e) => {
                self.buffer.truncate(start);
                tracing::error!(error = %e, "a decision log line could not be written");
                self.counters.dropped.fetch_add(1, Ordering::Relaxed);
            }
        }
        if self.buffer.len() >= self.buffer_bytes {
            self.write_buffer();
        }
    }

    /// Hand the buffered lines to the sink; count those it took whole as written, cut
    /// off the part of a line it took before failing, count the rest as dropped.
    fn write_buffer(&mut self) {
        if self.buffer.is_empty() {
            return;
        }
        let lines = std::mem::take(&mut self.buffered_lines);
        let buffer = std::mem::take(&mut self.buffer);
        let (written, failed) = if self.take_back_partial() {
            self.append(&buffer)
        } else {
            let e = std::io::Error::other("a partial line is still in the file");
            (0, Some(e))
        };
        self.counters.written.fetch_add(written, Ordering::Relaxed);
        let lost = lines - written;
        self.counters.dropped.fetch_add(lost, Ordering::Relaxed);
        if let Some(e) = failed {
            tracing::error!(error = %e, lines = lost, "decision log lines could not be written");
        }
        self.buffer = buffer;
        self.buffer.clear();
    }

    /// Write `lines` to the sink; the lines it took whole, and why it stopped. The part
    /// of a line it took before failing is cut off again.
    fn append(&mut self, lines: &[u8]) -> (u64, Option<std::io::Error>) {
        let (taken, failed) = write_some(&mut *self.out, lines);
        let whole = &lines[..taken];
        let whole_end = whole.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        self.partial = (taken - whole_end) as u64;
        self.take_back_partial();
        (bytecount_newlines(&whole[..whole_end]), failed)
    }

    /// Remove a partial line the sink holds; false while it cannot be removed.
    fn take_back_partial(&mut self) -> bool {
        if self.partial == 0 {
            return true;
        }
        match self.out.take_back(self.partial) {
            Ok(()) => {
                self.partial = 0;
                true
            }
            Err(e) => {
                tracing::error!(error = %e, bytes = self.partial, "a partial decision log line could not be cut off");
                false
            }
        }
    }

    fn flush(&mut self) {
        self.write_buffer();
        let dropped = self.counters.dropped.load(Ordering::Relaxed);
        if dropped > self.reported_drops {
            tracing::warn!(
                dropped_total = dropped,
                dropped_now = dropped - self.reported_drops,
                "decision log lines were dropped (queue full or write failed)"
            );
            self.reported_drops = dropped;
        }
    }
}

/// Write as much of `bytes` as the sink takes: how many it took, and why it stopped.
fn write_some(out: &mut dyn Sink, bytes: &[u8]) -> (usize, Option<std::io::Error>) {
    let mut taken = 0;
    while taken < bytes.len() {
        match out.write(&bytes[taken..]) {
            Ok(0) => return (taken, Some(std::io::ErrorKind::WriteZero.into())),
            Ok(n) => taken += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return (taken, Some(e)),
        }
    }
    (taken, out.flush().err())
}

fn bytecount_newlines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sink that blocks its first write until the gate opens, to fill the queue.
    struct GatedSink {
        gate: Option<std::sync::mpsc::Receiver<()>>,
        lines: Arc<Mutex<Vec<u8>>>,
    }

    impl Write for GatedSink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if let Some(gate) = self.gate.take() {
                let _ = gate.recv();
            }
            self.lines.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Sink for GatedSink {
        fn take_back(&mut self, bytes: u64) -> std::io::Result<()> {
            let mut lines = self.lines.lock().unwrap();
            let keep = lines.len().saturating_sub(bytes as usize);
            lines.truncate(keep);
            Ok(())
        }
    }

    fn entry() -> Entry {
        Entry {
            at: SystemTime::UNIX_EPOCH,
            kommunkod: "1234".into(),
            ruleset: "abc".into(),
            case_type: Some("faktura".into()),
            part: None,
            channel: Some("telefon"),
            attributes: vec!["belopp".into()],
            outcome: Outcome::Forwarded,
            basis: Basis::Rule,
            withheld: vec![],
            request_id: None,
        }
    }

    #[test]
    fn full_queue_drops_are_counted_never_blocking() {
        let (open, gate) = std::sync::mpsc::channel();
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = GatedSink {
            gate: Some(gate),
            lines: lines.clone(),
        };
        let log = DecisionLog::with_writer(Box::new(sink), 2).unwrap();
        let started = Instant::now();
        for _ in 0..50 {
            log.record(entry());
        }
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "record never waits"
        );
        open.send(()).unwrap();
        log.close();
        let stats = log.stats();
        assert_eq!(stats.written + stats.dropped, 50);
        assert!(stats.dropped >= 47, "{stats:?}");
        let text = String::from_utf8(lines.lock().unwrap().clone()).unwrap();
        assert_eq!(text.lines().count() as u64, stats.written);
    }

    /// A disk that is full: every write fails.
    struct FullDisk;

    impl Write for FullDisk {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("no space left on device"))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Sink for FullDisk {
        fn take_back(&mut self, _: u64) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// A disk with room for `room` more bytes, then ENOSPC; it takes what fits.
    struct SmallDisk {
        room: usize,
        bytes: Arc<Mutex<Vec<u8>>>,
        /// Whether a partial line can be taken back (a file that cannot be truncated).
        can_take_back: bool,
        /// Room comes back after the first failed write (another file was deleted).
        refills: bool,
    }

    impl Write for SmallDisk {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            let mut bytes = self.bytes.lock().unwrap();
            let fits = self.room.saturating_sub(bytes.len()).min(buf.len());
            if fits == 0 {
                if self.refills {
                    self.room = usize::MAX;
                }
                return Err(std::io::ErrorKind::StorageFull.into());
            }
            bytes.extend_from_slice(&buf[..fits]);
            Ok(fits)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Sink for SmallDisk {
        fn take_back(&mut self, n: u64) -> std::io::Result<()> {
            if !self.can_take_back {
                return Err(std::io::Error::other("read-only"));
            }
            let mut bytes = self.bytes.lock().unwrap();
            let keep = bytes.len().saturating_sub(n as usize);
            bytes.truncate(keep);
            Ok(())
        }
    }

    /// Send `lines` entries through a log on a small disk, in bursts so that some
    /// writes hold many lines; returns the stats and what the disk holds.
    fn fill(room: usize, can_take_back: bool, buffer: usize) -> (LogStats, String) {
        let bytes = Arc::new(Mutex::new(Vec::new()));
        let disk = SmallDisk {
            room,
            bytes: bytes.clone(),
            can_take_back,
            refills: !can_take_back,
        };
        let log = DecisionLog::start(Box::new(disk), 1000, buffer).unwrap();
        for _ in 0..200 {
            log.record(entry());
        }
        log.close();
        let text = String::from_utf8(bytes.lock().unwrap().clone()).unwrap();
        (log.stats(), text)
    }

    #[test]
    fn a_full_disk_keeps_whole_lines_and_exact_counts() {
        let line = serde_json::to_string(&Line::from(&entry())).unwrap().len() + 1;
        for buffer in [0, 1 << 20, 3 * line] {
            // Room for 7.5 lines: the 8th is cut part way.
            let (stats, text) = fill(line * 15 / 2, true, buffer);
            assert_eq!(stats.written + stats.dropped, 200, "{stats:?}");
            assert_eq!(stats.written, 7, "buffer {buffer}: {stats:?}");
            assert!(text.ends_with('\n'), "no partial line: {text:?}");
            assert_eq!(text.lines().count() as u64, stats.written);
            assert!(
                text.lines()
                    .all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok())
            );
        }
    }

    #[test]
    fn a_partial_line_that_cannot_be_cut_stops_further_lines() {
        let line = serde_json::to_string(&Line::from(&entry())).unwrap().len() + 1;
        let (stats, text) = fill(line * 5 / 2, false, 0);
        assert_eq!(stats.written, 2, "{stats:?}");
        assert_eq!(stats.dropped, 198, "{stats:?}");
        // The partial third line stays (the next start cuts it), and nothing is appended
        // after it, though the disk has room again.
        assert_eq!(text.len(), line * 5 / 2);
    }

    #[test]
    fn opening_cuts_a_partial_last_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("beslut.jsonl");
        let whole = "{\"a\":1}\n{\"a\":2}\n";
        std::fs::write(&path, format!("{whole}{{\"a\":3,\"b")).unwrap();
        let log = DecisionLog::open(&path).unwrap();
        log.record(entry());
        log.close();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with(whole), "{text}");
        assert_eq!(text.lines().count(), 3, "{text}");
        assert!(
            text.lines()
                .all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok())
        );
        // A file of one partial line, and a whole file, are left as they should be.
        std::fs::write(&path, "x".repeat(100_000)).unwrap();
        DecisionLog::open(&path).unwrap().close();
        assert_eq!(std::fs::read(&path).unwrap().len(), 0);
        std::fs::write(&path, whole).unwrap();
        DecisionLog::open(&path).unwrap().close();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), whole);
    }

    #[test]
    fn lines_lost_in_a_failed_write_are_counted_as_dropped() {
        let log = DecisionLog::start(Box::new(FullDisk), 100, 1 << 20).unwrap();
        for _ in 0..10 {
            log.record(entry());
        }
        log.close();
        assert_eq!(
            log.stats(),
            LogStats {
                enabled: true,
                written: 0,
                dropped: 10
            }
        );
    }

    #[test]
    fn line_shape() {
        let e = entry();
        let json = serde_json::to_value(Line::from(&e)).unwrap();
        assert_eq!(json["time"], "1970-01-01T00:00:00.000Z");
        assert_eq!(json["attributes"], serde_json::json!(["belopp"]));
        assert_eq!(json["outcome"], "forwarded");
        assert!(json.get("withheld").is_none());
    }
}
