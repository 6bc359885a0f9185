//! Decision benchmarks: a type without conditions, one Rhai condition, a mixed stream
//! over the example kommun, and side by side two floors measured in the same run: a
//! bare FxHash lookup of the same key (what a precomputed outcome costs at best) and a
//! naive baseline that evaluates the method as a Rhai script per inquiry.
//!
//! Run: `cargo bench --bench engine`

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rosa::{AttrValue, Attributes, Engine, Inquiry, OwnedInquiry, Ruleset};
use rosa::{SourceFile, SourceMap};
use std::hint::black_box;

const EXAMPLE: &str = "rulesets/exempelkommun";

/// One förvaltning, one type without conditions, one type with exactly one condition.
fn fixture() -> Ruleset {
    let mut sources = SourceMap::default();
    sources.add(SourceFile::new(
        "fixture.rosa",
        r#"
kundtjänst "K" {
    kommun "Benchkommun" kommunkod 9999
    system Webbplats
    kanaler telefon, e-post
    attribut belopp tal
    frekvensgräns 10 per månad
    reserv vidarekoppla till f
}
förvaltning f "F" {
    vidarekoppla kö "F"
    ärendetyp enkel "Enkel" { rosa 1  frekvens 100 per månad }
    ärendetyp villkor "Villkor" {
        rosa 1
        frekvens 100 per månad
        om `kanal == "telefon" && attr.belopp < 5000` => vidarekoppla
    }
}
"#,
    ));
    Ruleset::from_sources(".", sources, vec![]).expect("the fixture loads")
}

/// The ROSA method as one Rhai script, evaluated per inquiry: what a general-purpose
/// engine does when the rules are scripts. The data a script needs comes from a scope.
struct NaiveBaseline {
    engine: rhai::Engine,
    ast: rhai::AST,
}

impl NaiveBaseline {
    fn new() -> Self {
        let engine = rhai::Engine::new();
        let ast = engine
            .compile(
                r#"
                if level > scripted_max || sekretess || !channel_served || !systems_ok { "forwarded" }
                else if level <= direct_max { "kundtjanst" }
                else if frekvens >= threshold && has_script { "scripted" }
                else { "forwarded" }
                "#,
            )
            .expect("the baseline compiles");
        NaiveBaseline { engine, ast }
    }

    fn decide(&self, ruleset: &Ruleset, inquiry: &Inquiry) -> String {
        let Some(typ) = ruleset
            .arendetyper()
            .iter()
            .find(|t| t.id == inquiry.case_type)
        else {
            return "forwarded".into();
        };
        let unit = &typ.units[0];
        let channel = inquiry.channel.and_then(rosa::model::Channel::parse);
        let mut scope = rhai::Scope::new();
        scope.push("level", i64::from(unit.level));
        scope.push(
            "scripted_max",
            i64::from(*ruleset.policy().scripted_levels.end()),
        );
        scope.push(
            "direct_max",
            i64::from(*ruleset.policy().direct_levels.end()),
        );
        scope.push("sekretess", unit.sekretess);
        scope.push(
            "channel_served",
            channel.is_some_and(|c| ruleset.policy().channels.contains(c)),
        );
        scope.push(
            "systems_ok",
            unit.systems.iter().all(|&s| ruleset.systems()[s].access),
        );
        scope.push("frekvens", unit.frekvens.unwrap_or(0.0));
        scope.push("threshold", ruleset.policy().frequency_threshold_per_year);
        scope.push("has_script", unit.script.is_some());
        self.engine
            .eval_ast_with_scope::<String>(&mut scope, &self.ast)
            .unwrap_or_default()
    }
}

/// Inquiries from the start of the bundled log, for a realistic mix.
fn mixed_inquiries(limit: usize) -> Vec<OwnedInquiry> {
    let mut reader =
        csv::Reader::from_path(format!("{EXAMPLE}/logg/2026.csv")).expect("the bundled log exists");
    let headers = reader.headers().expect("a header row").clone();
    reader
        .records()
        .filter_map(Result::ok)
        .filter(|r| !r[1].is_empty())
        .take(limit)
        .map(|r| {
            let attributes = headers.iter().zip(r.iter()).skip(4);
            OwnedInquiry {
                case_type: r[1].to_string(),
                part: Some(r[2].to_string()).filter(|p| !p.is_empty()),
                channel: Some(r[3].to_string()),
                time: Some(r[0].to_string()),
                attributes: attributes
                    .map(|(name, value)| (name.to_string().into(), AttrValue::from_text(value)))
                    .collect(),
            }
        })
        .collect()
}

fn decisions(c: &mut Criterion) {
    let fixture = fixture();
    let engine = Engine::new(&fixture);
    let plain = Inquiry::new("enkel").channel("telefon");
    let amount = Attributes::new().with("belopp", 6000.0);
    let conditioned = Inquiry::new("villkor")
        .channel("telefon")
        .attributes(&amount);
    c.bench_function("decide/no_conditions", |b| {
        b.iter(|| black_box(engine.decide(black_box(&plain)).outcome))
    });
    c.bench_function("decide/one_condition", |b| {
        b.iter(|| black_box(engine.decide(black_box(&conditioned)).outcome))
    });

    let example = Ruleset::load(EXAMPLE).expect("the example loads");
    let engine = Engine::new(&example);
    let status = Inquiry::new("bygglov-status").channel("telefon");
    c.bench_function("decide/example_no_conditions", |b| {
        b.iter(|| black_box(engine.decide(black_box(&status)).outcome))
    });
    // The API as a case system calls it: each inquiry built from strings it holds,
    // over every unit without conditions in every channel, against the floor: a bare
    // FxHash lookup of the same ärendetyp key in a map of the same size.
    let keys: Vec<(String, Option<String>, &str)> = example
        .arendetyper()
        .iter()
        .enumerate()
        .flat_map(|(t, typ)| {
            let engine = &engine;
            typ.units
                .iter()
                .enumerate()
                .filter(move |&(u, _)| !engine.has_conditions(t, u))
                .flat_map(move |(_, unit)| {
                    ["telefon", "e-post", "besök", "chatt"]
                        .into_iter()
                        .map(move |c| (typ.id.clone(), unit.part.clone(), c))
                })
        })
        .collect();
    let mut group = c.benchmark_group("borrowed_inquiry_vs_floor");
    group.throughput(Throughput::Elements(keys.len() as u64));
    group.bench_function("decide", |b| {
        b.iter(|| {
            let mut handled = 0usize;
            for (case_type, part, channel) in &keys {
                let mut inquiry = Inquiry::new(case_type.as_str()).channel(channel);
                inquiry.part = part.as_deref();
                handled += usize::from(
                    engine
                        .decide(black_box(&inquiry))
                        .outcome
                        .handled_by_kundtjanst(),
                );
            }
            handled
        })
    });
    // The floor: the outcome precomputed per inquiry key (ärendetyp, delmoment,
    // channel) behind one FxHash lookup, the key hashed from the same borrowed strings.
    let key_hash = |case_type: &str, part: Option<&str>, channel: &str| {
        use std::hash::{Hash, Hasher};
        let mut h = rustc_hash::FxHasher::default();
        (case_type, part, channel).hash(&mut h);
        h.finish()
    };
    let floor: rustc_hash::FxHashMap<u64, rosa::Outcome> = keys
        .iter()
        .map(|(t, p, c)| {
            let mut inquiry = Inquiry::new(t.as_str()).channel(c);
            inquiry.part = p.as_deref();
            let outcome = engine.decide(&inquiry).outcome;
            (key_hash(t, p.as_deref(), c), outcome)
        })
        .collect();
    group.bench_function("floor_fxhash_lookup", |b| {
        b.iter(|| {
            let mut handled = 0usize;
            for (case_type, part, channel) in &keys {
                let key = key_hash(black_box(case_type.as_str()), part.as_deref(), channel);
                handled += usize::from(floor.get(&key).is_some_and(|o| o.handled_by_kundtjanst()));
            }
            handled
        })
    });
    // The same floor, but sure that the entry it finds is the key asked about, as the
    // engine must be: each entry keeps its key's strings and compares them on lookup.
    // How far it is above the bare floor is work no correct engine can skip.
    type Verified<'k> = (&'k str, Option<&'k str>, &'k str, rosa::Outcome);
    let verified: rustc_hash::FxHashMap<u64, Verified> = keys
        .iter()
        .map(|(t, p, c)| {
            let key = key_hash(t, p.as_deref(), c);
            (key, (t.as_str(), p.as_deref(), *c, floor[&key]))
        })
        .collect();
    group.bench_function("floor_fxhash_lookup_verified", |b| {
        b.iter(|| {
            let mut handled = 0usize;
            for (case_type, part, channel) in &keys {
                let case_type = black_box(case_type.as_str());
                let key = key_hash(case_type, part.as_deref(), channel);
                handled += usize::from(verified.get(&key).is_some_and(|&(t, p, c, o)| {
                    t == case_type
                        && p == part.as_deref()
                        && c == *channel
                        && o.handled_by_kundtjanst()
                }));
            }
            handled
        })
    });
    group.finish();
    let baseline = NaiveBaseline::new();
    c.bench_function("baseline_rhai_script/example_no_conditions", |b| {
        b.iter(|| black_box(baseline.decide(&example, black_box(&status))))
    });

    let owned = mixed_inquiries(10_000);
    let stream: Vec<Inquiry> = owned.iter().map(OwnedInquiry::view).collect();
    let mut group = c.benchmark_group("mixed_stream_10k");
    group.throughput(Throughput::Elements(stream.len() as u64));
    group.bench_function("engine", |b| {
        b.iter(|| {
            stream
                .iter()
                .filter(|i| engine.decide(i).outcome.handled_by_kundtjanst())
                .count()
        })
    });
    group.bench_function("baseline_rhai_script", |b| {
        b.iter(|| {
            stream
                .iter()
                .filter(|i| baseline.decide(&example, i) != "forwarded")
                .count()
        })
    });
    group.bench_function("engine_with_explanation", |b| {
        b.iter(|| {
            stream
                .iter()
                .map(|i| engine.decide_record(i).criteria.len())
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, decisions);
criterion_main!(benches);
