//! Work per decision that a busy CPU cannot blur, for scripts/decide-instructions.sh:
//! `decide_cost decide N` decides the example's 804 keys (every unit without conditions
//! in four channels) N times, each in `one` as the bench's loop does it: an `Inquiry`
//! built from the borrowed strings, then `Engine::decide`; `decide_cost floor
//! N` looks the same keys up N times in a map of precomputed outcomes behind one FxHash
//! of the borrowed strings (the floor of benches/engine.rs), each in `floor_one`.
//! Callgrind counts both functions' instructions and mispredicted branches.

use rosa::{Engine, Inquiry, Outcome, Ruleset};
use rustc_hash::FxHashMap;
use std::hash::{Hash, Hasher};
use std::hint::black_box;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [mode, rounds] = args.as_slice() else {
        return Err("usage: decide_cost decide|floor ROUNDS".into());
    };
    let rounds: usize = rounds.parse()?;
    let example = Ruleset::load("rulesets/exempelkommun").map_err(|d| d.to_string())?;
    let engine = Engine::new(&example);
    let keys = keys(&example, &engine);
    let floor: FxHashMap<u64, Outcome> = keys
        .iter()
        .map(|(t, p, c)| {
            let outcome = engine.decide(&inquiry(t, p.as_deref(), c)).outcome;
            (key_hash(t, p.as_deref(), c), outcome)
        })
        .collect();
    let mut handled = 0usize;
    for _ in 0..rounds {
        if mode == "decide" {
            for (t, p, c) in &keys {
                handled += usize::from(one(&engine, t, p.as_deref(), c));
            }
        } else {
            for (t, p, c) in &keys {
                handled += usize::from(floor_one(&floor, black_box(t), p.as_deref(), c));
            }
        }
    }
    println!("{} keys, {handled} handled", keys.len());
    Ok(())
}

type Key = (String, Option<String>, &'static str);

fn keys(example: &Ruleset, engine: &Engine) -> Vec<Key> {
    let mut keys = Vec::new();
    for (t, typ) in example.arendetyper().iter().enumerate() {
        for (u, unit) in typ.units.iter().enumerate() {
            if engine.has_conditions(t, u) {
                continue;
            }
            for channel in ["telefon", "e-post", "besök", "chatt"] {
                keys.push((typ.id.clone(), unit.part.clone(), channel));
            }
        }
    }
    keys
}

fn inquiry<'a>(case_type: &'a str, part: Option<&'a str>, channel: &'a str) -> Inquiry<'a> {
    let mut inquiry = Inquiry::new(case_type).channel(channel);
    inquiry.part = part;
    inquiry
}

fn key_hash(case_type: &str, part: Option<&str>, channel: &str) -> u64 {
    let mut hasher = rustc_hash::FxHasher::default();
    (case_type, part, channel).hash(&mut hasher);
    hasher.finish()
}

/// One iteration of the bench: the inquiry built from borrowed strings, then decided.
#[inline(never)]
fn one(engine: &Engine, case_type: &str, part: Option<&str>, channel: &str) -> bool {
    let inquiry = inquiry(case_type, part, channel);
    engine
        .decide(black_box(&inquiry))
        .outcome
        .handled_by_kundtjanst()
}

#[inline(never)]
fn floor_one(
    floor: &FxHashMap<u64, Outcome>,
    case_type: &str,
    part: Option<&str>,
    channel: &str,
) -> bool {
    let key = key_hash(case_type, part, channel);
    floor.get(&key).is_some_and(|o| o.handled_by_kundtjanst())
}
