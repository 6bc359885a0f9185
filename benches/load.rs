//! Load + check + compile of a generated ruleset with 5,000 ärendetyper in 50 files
//! (issue 2's bar: ≤ 200 ms).
//!
//! Run: `cargo bench --bench load`

use criterion::{Criterion, criterion_group, criterion_main};
use rosa::{Engine, Ruleset};
use std::fmt::Write as _;
use std::hint::black_box;
use std::path::PathBuf;

const FILES: usize = 50;
const TYPES_PER_FILE: usize = 100;

/// A ruleset like a large kommun's: every fifth type split into delmoment, some with
/// systems, scripts and a guarded rule.
fn write_ruleset() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rosa-bench-load-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("manus")).expect("temp dir");
    std::fs::write(
        dir.join("manus/standard.md"),
        "# Standardmanus\n1. Fråga efter ärendet.\n",
    )
    .expect("script");
    std::fs::write(
        dir.join("kundtjanst.rosa"),
        "kundtjänst \"Stor\" {\n    kommun \"Storkommun\" kommunkod 9998\n    system Webbplats, Diarium\n    övriga system Verksamhetssystem\n    kanaler telefon, e-post, chatt, besök\n    attribut belopp tal, skyddad_identitet ja/nej\n    frekvensgräns 10 per månad\n    reserv vidarekoppla till f0 kö \"Växeln\"\n}\n",
    )
    .expect("policy");
    for f in 0..FILES {
        let mut text = format!(
            "förvaltning f{f} \"Förvaltning {f}\" {{\n    vidarekoppla kö \"Kö {f}\" telefon \"0123-{f}\"\n"
        );
        for t in 0..TYPES_PER_FILE {
            let id = format!("typ-{f}-{t}");
            let _ = writeln!(text, "    ärendetyp {id} \"Ärendetyp {f} {t}\" {{");
            let _ = writeln!(text, "        frekvens {} per månad", 1 + (t * 7) % 90);
            let _ = writeln!(text, "        tid 4 min, förvaltning 12 min");
            let _ = writeln!(text, "        sökord \"ärende {t}\", \"förvaltning {f}\"");
            if t % 5 == 0 {
                let _ = writeln!(text, "        delmoment info \"Information\" {{ rosa 1 }}");
                let _ = writeln!(
                    text,
                    "        delmoment handling \"Handling\" {{ rosa 3  manus \"manus/standard.md\" }}"
                );
                let _ = writeln!(text, "        delmoment beslut \"Beslut\" {{ rosa 6 }}");
            } else {
                let _ = writeln!(text, "        rosa {}", 1 + t % 6);
                let _ = writeln!(
                    text,
                    "        system {}",
                    if t % 3 == 0 {
                        "Verksamhetssystem"
                    } else {
                        "Webbplats"
                    }
                );
                let _ = writeln!(text, "        manus \"manus/standard.md\"");
            }
            if t % 10 == 1 {
                let _ = writeln!(
                    text,
                    "        om `kanal == \"besök\" && attr.skyddad_identitet` => vidarekoppla"
                );
            }
            text.push_str("    }\n");
        }
        text.push_str("}\n");
        std::fs::write(dir.join(format!("f{f:02}.rosa")), text).expect("rule file");
    }
    dir
}

fn load(c: &mut Criterion) {
    let dir = write_ruleset();
    let ruleset = Ruleset::load(&dir).expect("the generated ruleset loads");
    assert_eq!(ruleset.arendetyper().len(), FILES * TYPES_PER_FILE);
    let mut group = c.benchmark_group("load_5000_types_50_files");
    group.sample_size(20);
    group.bench_function("load_check", |b| {
        b.iter(|| black_box(Ruleset::load(&dir).map(|r| r.arendetyper().len())))
    });
    group.bench_function("load_check_compile", |b| {
        b.iter(|| {
            let ruleset = Ruleset::load(&dir).expect("loads");
            black_box(Engine::new(&ruleset))
        })
    });
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, load);
criterion_main!(benches);
