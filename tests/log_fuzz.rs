//! Robustness of the dry-run's log reader: random and mutated CSV and JSON Lines logs
//! (every line ending, stray quotes, byte order marks, lines past the length limit,
//! invalid UTF-8) never make it panic or hang, and the lines always add up: every line
//! read is the header, a decided row, a rejected row or blank, never more.
//!
//! Quick in `cargo test`; `PROPTEST_CASES=100000 cargo test --release --test log_fuzz`
//! (or `scripts/fuzz-long.sh`) runs it longer.

use proptest::prelude::*;
use rosa::Ruleset;
use rosa::dryrun::{MAX_LINE_BYTES, Options, run};
use std::path::PathBuf;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Cases per property unless `PROPTEST_CASES` says otherwise.
const QUICK_CASES: u32 = 150;

/// A case that takes longer than this is a hang.
const DEADLINE: Duration = Duration::from_secs(20);

static RULESET: LazyLock<Ruleset> =
    LazyLock::new(|| Ruleset::load("tests/fixtures/dryrun").expect("the dry-run fixture loads"));

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(QUICK_CASES)
}

/// Pieces of a log and of trouble.
const PIECES: &[&[u8]] = &[
    b"t1",
    b"t2",
    b"okand",
    b"telefon",
    b"e-post",
    b"2026-03-02T09:00",
    b"2026-13-40T99:99",
    b",",
    b";",
    b"\"",
    b"\"\"",
    b"\n",
    b"\r\n",
    b"\r",
    b"\n\n",
    b"\r\r\n",
    b" ",
    b"\t",
    b"\xef\xbb\xbf",
    b"\xff",
    b"\xc3",
    b"\xc3\xa5",
    b"\0",
    b"{",
    b"}",
    b"[",
    b"]",
    b":",
    b"\"arendetyp\":",
    b"\"kanal\":\"telefon\"",
    b"null",
    b"1e999",
    b"true",
    b"arendetyp",
    b"kanal",
    b"tid",
    b"=1+1",
    HUGE,
];

/// Stands for a field longer than the reader's line limit.
const HUGE: &[u8] = b"<huge>";

fn expand(pieces: &[usize]) -> Vec<u8> {
    let mut out = Vec::new();
    for &i in pieces {
        match PIECES[i % PIECES.len()] {
            HUGE => out.extend(std::iter::repeat_n(b'x', MAX_LINE_BYTES + 7)),
            piece => out.extend_from_slice(piece),
        }
    }
    out
}

/// A valid log in `jsonl` or CSV form, `rows` rows.
fn valid(jsonl: bool, rows: usize) -> Vec<u8> {
    let mut out = String::new();
    if !jsonl {
        out.push_str("tid,arendetyp,delmoment,kanal,x\n");
    }
    for i in 0..rows {
        let case = if i % 2 == 0 { "t1" } else { "t2" };
        if jsonl {
            out.push_str(&format!(
                "{{\"tid\":\"2026-03-02T09:{:02}\",\"arendetyp\":\"{case}\",\"kanal\":\"telefon\"}}\n",
                i % 60
            ));
        } else {
            out.push_str(&format!("2026-03-02T09:{:02},{case},,telefon,\n", i % 60));
        }
    }
    out.into_bytes()
}

/// Line endings as Excel and old Macs write them, each once, and a last line without one.
fn physical_lines(bytes: &[u8]) -> u64 {
    let mut lines = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                lines += 1;
                i += 1;
            }
            b'\r' | b'\n' => lines += 1,
            _ => {}
        }
        i += 1;
    }
    let open = bytes.last().is_some_and(|b| *b != b'\n' && *b != b'\r');
    lines + u64::from(open)
}

static FILES: AtomicU64 = AtomicU64::new(0);

/// The dry-run over `bytes` as a log; the line figures must add up.
fn check(bytes: &[u8], jsonl: bool) -> Result<(), TestCaseError> {
    let n = FILES.fetch_add(1, Ordering::Relaxed);
    let ext = if jsonl { "jsonl" } else { "csv" };
    let path = std::env::temp_dir().join(format!("rosa-log-fuzz-{}-{n}.{ext}", std::process::id()));
    std::fs::write(&path, bytes).expect("write the log");
    let started = Instant::now();
    let result = run(&RULESET, &options(path.clone()));
    let _ = std::fs::remove_file(&path);
    prop_assert!(started.elapsed() < DEADLINE, "took {:?}", started.elapsed());
    let Ok(report) = result else {
        return Ok(()); // A clear refusal (an empty log, no header) is an answer too.
    };
    let v = &report.volumes;
    let (Some(read), Some(header), Some(decided), Some(rejected)) = (
        v.lines_read,
        v.header_lines,
        v.rows_decided,
        v.rows_rejected,
    ) else {
        return Err(TestCaseError::fail(format!("no line figures: {v:?}")));
    };
    prop_assert_eq!(read, physical_lines(bytes), "lines read");
    prop_assert!(
        header + decided + rejected <= read,
        "header {} + decided {} + rejected {} > read {}",
        header,
        decided,
        rejected,
        read
    );
    Ok(())
}

fn options(log: PathBuf) -> Options {
    Options {
        log: Some(log),
        period_days: Some(365.0),
        ..Options::default()
    }
}

/// Insert pieces at, or delete a few bytes from, positions in `bytes`.
fn mutate(mut bytes: Vec<u8>, edits: &[(usize, usize, bool)]) -> Vec<u8> {
    for &(at, piece, delete) in edits {
        let at = at % (bytes.len() + 1);
        if delete {
            let end = (at + piece % 8).min(bytes.len());
            bytes.drain(at..end);
        } else {
            let inserted = expand(&[piece]);
            bytes.splice(at..at, inserted);
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn random_logs_add_up(
        jsonl in any::<bool>(),
        header in any::<bool>(),
        pieces in proptest::collection::vec(0..PIECES.len(), 0..80),
    ) {
        let mut bytes = if header && !jsonl { b"arendetyp,kanal\n".to_vec() } else { Vec::new() };
        bytes.extend(expand(&pieces));
        check(&bytes, jsonl)?;
    }

    #[test]
    fn mutated_logs_add_up(
        jsonl in any::<bool>(),
        rows in 1usize..40,
        edits in proptest::collection::vec((any::<usize>(), 0..PIECES.len(), any::<bool>()), 1..8),
    ) {
        let bytes = mutate(valid(jsonl, rows), &edits);
        check(&bytes, jsonl)?;
    }
}

#[test]
fn the_independent_line_count_counts_like_the_reader() {
    assert_eq!(physical_lines(b"a\r\nb\rc\nd"), 4);
    assert_eq!(physical_lines(b"a\n"), 1);
    assert_eq!(physical_lines(b""), 0);
    check(b"arendetyp\r\nt1\rt2\nt1", false).unwrap();
}
