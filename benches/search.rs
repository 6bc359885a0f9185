//! Finding the ärendetyp from free text, on a ruleset of 5,000 ärendetyper whose names
//! and sökord are drawn from the example kommun's Swedish vocabulary, with a compound
//! word of their own each so that the vocabulary grows with the ruleset.
//!
//! Run: `cargo bench --bench search`

use criterion::{Criterion, criterion_group, criterion_main};
use rosa::{Engine, Ruleset, SourceFile, SourceMap};
use std::fmt::Write as _;
use std::hint::black_box;

const TYPES: usize = 5_000;

fn vocabulary() -> Vec<String> {
    let example = Ruleset::load("rulesets/exempelkommun").expect("the example loads");
    let mut words: Vec<String> = example
        .arendetyper()
        .iter()
        .flat_map(|t| std::iter::once(t.name.clone()).chain(t.search_words.iter().cloned()))
        .flat_map(|text| {
            text.split(|c: char| !c.is_alphanumeric())
                .filter(|w| w.chars().count() > 3)
                .map(str::to_lowercase)
                .collect::<Vec<_>>()
        })
        .collect();
    words.sort();
    words.dedup();
    words
}

fn large_ruleset() -> Ruleset {
    let words = vocabulary();
    let mut seed: u64 = 2026;
    let mut pick = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        &words[(seed >> 33) as usize % words.len()]
    };
    let mut text = String::from(
        "kundtjänst \"K\" {\n    kommun \"Stor\" kommunkod 9997\n    kanaler telefon\n    frekvensgräns 10 per månad\n    reserv vidarekoppla till f\n}\nförvaltning f \"Förvaltningen\" {\n",
    );
    for t in 0..TYPES {
        let (a, b, c, d, e) = (
            pick().clone(),
            pick().clone(),
            pick().clone(),
            pick().clone(),
            pick().clone(),
        );
        let _ = writeln!(
            text,
            "    ärendetyp t{t} \"{a} {b}{c}\" {{\n        rosa 1\n        sökord \"{d}\", \"{e}\", \"{c}{t}\"\n    }}"
        );
    }
    text.push_str("}\n");
    let mut sources = SourceMap::default();
    sources.add(SourceFile::new("stor.rosa", text));
    Ruleset::from_sources(".", sources, vec![]).expect("the generated ruleset loads")
}

fn search(c: &mut Criterion) {
    let engine = Engine::new(&large_ruleset());
    engine.search("bygglov", 5); // the index is built on the first search
    let mut group = c.benchmark_group("search_5000_types");
    for query in [
        "när kommer sopbilen",
        "bygglv status",
        "jag vill säga upp min förskoleplats",
    ] {
        group.bench_function(query, |b| {
            b.iter(|| black_box(engine.search(black_box(query), 5)))
        });
    }
    group.finish();
}

criterion_group!(benches, search);
criterion_main!(benches);
