//! `rosa uppföljning` against the floor of its work: reading the same decision-log
//! lines and parsing each as JSON (`serde_json::Value`), nothing else.
//!
//! Not a criterion bench: one run over millions of lines is the measurement. Run
//! `cargo bench --bench followup -- 10000000` (lines; default 1,000,000), or
//! `scripts/followup-speed.sh`, which also reports the peak memory.

use rosa::Ruleset;
use rosa::followup::{self, Options};
use std::io::{BufRead, BufWriter, Write};
use std::path::Path;
use std::time::Instant;

fn main() {
    let lines: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let ruleset = Ruleset::load("rulesets/exempelkommun").expect("the example");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("beslut.jsonl");
    let bytes = write_log(&ruleset, &path, lines);
    println!("{lines} rader, {:.0} MB", bytes as f64 / 1e6);
    let start = Instant::now();
    let parsed = floor(&path);
    let floor_s = start.elapsed().as_secs_f64();
    assert_eq!(parsed, lines);
    let start = Instant::now();
    let report = followup::run(
        &ruleset,
        &[],
        &Options {
            logs: vec![path.clone()],
            ..Options::default()
        },
    )
    .expect("a report");
    let run_s = start.elapsed().as_secs_f64();
    assert_eq!(report.lines.counted, lines);
    println!("läsa + JSON-tolka (golvet): {floor_s:.2} s");
    println!("rosa uppföljning:           {run_s:.2} s");
    println!("kvot:                       {:.2}", run_s / floor_s);
    println!("rader per sekund:           {:.0}", lines as f64 / run_s);
}

/// Read every line and parse it as JSON: what any reader of the log must do.
fn floor(path: &Path) -> u64 {
    let file = std::fs::File::open(path).expect("log");
    let mut reader = std::io::BufReader::with_capacity(1 << 16, file);
    let mut line = String::new();
    let mut n = 0;
    while reader.read_line(&mut line).expect("read") > 0 {
        let v: serde_json::Value = serde_json::from_str(&line).expect("json");
        std::hint::black_box(v);
        n += 1;
        line.clear();
    }
    n
}

/// `lines` decision-log lines over a year, cycling through the example's ärendetyper.
fn write_log(ruleset: &Ruleset, path: &Path, lines: u64) -> u64 {
    let types: Vec<&str> = ruleset
        .arendetyper()
        .iter()
        .map(|t| t.id.as_str())
        .collect();
    let outcomes = ["kundtjanst", "scripted", "forwarded"];
    let channels = ["telefon", "e-post", "webb", "chatt"];
    let mut out = BufWriter::new(std::fs::File::create(path).expect("create"));
    let mut bytes = 0;
    for i in 0..lines {
        let day = i * 365 / lines.max(1);
        let (month, dom) = (1 + day / 31 % 12, 1 + day % 28);
        let line = format!(
            r#"{{"time":"2026-{month:02}-{dom:02}T{:02}:{:02}:00.000Z","kommunkod":"1299","ruleset":"{}","case_type":"{}","part":null,"channel":"{}","attributes":[],"outcome":"{}","basis":"method","request_id":"r-{i}"}}"#,
            7 + i % 9,
            i % 60,
            ruleset.id(),
            types[(i as usize * 7) % types.len()],
            channels[i as usize % channels.len()],
            outcomes[(i as usize / 3) % outcomes.len()],
        );
        out.write_all(line.as_bytes()).expect("write");
        out.write_all(b"\n").expect("write");
        bytes += line.len() as u64 + 1;
    }
    out.flush().expect("flush");
    bytes
}
