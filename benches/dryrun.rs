//! Dry-run throughput from a CSV log (issue 4's bar: ≥ 1 million rows/s on 2 cores).
//! The log is generated once (500,000 rows) into the temp directory.
//!
//! Run: `cargo bench --bench dryrun`

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rosa::Ruleset;
use rosa::dryrun::{GenerateOptions, generate};
use rosa::dryrun::{Options, run};
use std::hint::black_box;

const ROWS: u64 = 500_000;

fn dryrun(c: &mut Criterion) {
    let ruleset = Ruleset::load("rulesets/exempelkommun").expect("the example loads");
    let path = std::env::temp_dir().join(format!("rosa-bench-log-{}.csv", std::process::id()));
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).expect("temp file"));
    let options = GenerateOptions {
        rows: Some(ROWS),
        ..GenerateOptions::default()
    };
    generate(&ruleset, &options, &mut file).expect("generates");
    drop(file);
    let dry = Options {
        log: Some(path.clone()),
        ..Options::default()
    };
    let mut group = c.benchmark_group("dryrun_csv");
    group.sample_size(10);
    group.throughput(Throughput::Elements(ROWS));
    group.bench_function("500k_rows", |b| {
        b.iter(|| black_box(run(&ruleset, &dry).map(|r| r.total.volume)))
    });
    group.finish();
    let _ = std::fs::remove_file(&path);
}

criterion_group!(benches, dryrun);
criterion_main!(benches);
