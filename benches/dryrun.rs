//! Dry-run throughput from a CSV log (issue 4's bar: ≥ 1 million rows/s on 2 cores).
//! The log is generated once (500,000 rows) into the temp directory.
//!
//! Also the studio's live what-if: one workshop change recomputed from declared
//! volumes (issue 13's bar: ≤ 200 ms per change), against loading the ruleset.
//!
//! Run: `cargo bench --bench dryrun`

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rosa::Ruleset;
use rosa::dryrun::{GenerateOptions, generate};
use rosa::dryrun::{Options, Scenario, run};
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

/// What the studio computes for each change in the room: the scenario applied to the
/// saved ruleset and its declared dry-run (the baseline is cached). The floor is
/// loading the ruleset from disk, which every `rosa` command pays.
fn what_if(c: &mut Criterion) {
    let ruleset = Ruleset::load("rulesets/exempelkommun").expect("the example loads");
    let mut group = c.benchmark_group("studio_what_if");
    group.sample_size(20);
    group.bench_function("floor_load_ruleset", |b| {
        b.iter(|| black_box(Ruleset::load("rulesets/exempelkommun").map(|r| r.id().len())))
    });
    let trials = [
        (
            "grant_system",
            Scenario {
                grant_systems: vec!["Ecos".into()],
                ..Scenario::default()
            },
        ),
        (
            "set_level",
            Scenario {
                set_levels: vec![("bygglov-status".into(), None, 4)],
                ..Scenario::default()
            },
        ),
    ];
    for (name, scenario) in trials {
        group.bench_function(name, |b| {
            b.iter(|| {
                let changed = scenario.apply(&ruleset).expect("the scenario applies");
                black_box(run(&changed, &Options::default()).map(|r| r.total.share))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, dryrun, what_if);
criterion_main!(benches);
