//! The agreement as a document: per förvaltning, every ärendetyp and delmoment with
//! its level, volume, systems, manus and times, the outcome in each channel, and why a
//! forwarded unit is forwarded. What the room reads, prints and signs.

use crate::engine::{Basis, Engine, Inquiry};
use crate::html::escape;
use crate::model::{Arendetyp, Outcome, Ruleset, Unit};
use crate::numbers;
use std::collections::HashMap;
use std::fmt::Write;

/// One förvaltning's part of the agreement as a table, its rows carrying what the
/// page's filters read (level, outcomes, whether conditions decide).
pub(super) fn render(ruleset: &Ruleset, engine: &Engine, f: usize) -> String {
    let Some(forvaltning) = ruleset.forvaltningar().get(f) else {
        return String::new();
    };
    let types: Vec<(usize, &Arendetyp)> = ruleset
        .arendetyper()
        .iter()
        .enumerate()
        .filter(|(_, t)| t.forvaltning == f)
        .collect();
    let units: usize = types.iter().map(|(_, t)| t.units.len()).sum();
    let mut out = String::new();
    let _ = write!(
        out,
        "<section class=\"forvaltning\" id=\"f-{id}\" aria-labelledby=\"f-{id}-rubrik\">\n\
         <h2 id=\"f-{id}-rubrik\">Ärendetyper och utfall</h2>\n<p class=\"antal\">{types}, {units}. \
         <span id=\"filtrerat\" role=\"status\"></span></p>\n\
         <div class=\"tabell\"><table id=\"arenden\">\n<caption class=\"skarmlasare\">{name}: ärendetyper och utfall</caption>\n\
         <thead><tr><th scope=\"col\">Ärendetyp</th><th scope=\"col\">Nivå</th>\
         <th scope=\"col\">Frekvens per år</th><th scope=\"col\">System</th>\
         <th scope=\"col\">Manus</th><th scope=\"col\">Tid, kundtjänst / förvaltning</th>\
         <th scope=\"col\">Utfall per kanal</th><th scope=\"col\">Varför vidare</th>\
         <th scope=\"col\" class=\"test-kol\">Test</th></tr></thead>\n<tbody>\n",
        id = escape(&forvaltning.id),
        name = escape(&forvaltning.name),
        types = crate::numbers::count(types.len(), "ärendetyp", "ärendetyper"),
        units = crate::numbers::count(units, "enhet att avgöra", "enheter att avgöra"),
    );
    // A level save carries its file's version, so that a stale page cannot overwrite.
    let mut versions: HashMap<u32, String> = HashMap::new();
    for (t, typ) in types {
        for (u, unit) in typ.units.iter().enumerate() {
            let file = unit.level_span.file;
            let version = versions
                .entry(file)
                .or_insert_with(|| super::workspace::version(&ruleset.sources().get(file).text));
            let facts = RowFacts {
                conditional: engine.has_conditions(t, u),
                version,
            };
            row(&mut out, engine, ruleset, typ, unit, &facts);
        }
    }
    out.push_str("</tbody></table></div>\n</section>\n");
    out
}

/// One förvaltning's agreement to print and sign: each unit's outcome per channel in
/// words, and the reasons for forwarding numbered once below the table.
pub(super) fn printable(ruleset: &Ruleset, engine: &Engine, f: usize) -> String {
    let mut reasons: Vec<String> = Vec::new();
    let mut out = String::from(
        "<table class=\"utskrift-tabell\">\n<thead><tr><th scope=\"col\">Ärendetyp</th>\
         <th scope=\"col\">Nivå</th><th scope=\"col\">Utfall per kanal</th>\
         <th scope=\"col\">Skäl till vidarekoppling</th></tr></thead>\n<tbody>\n",
    );
    for typ in ruleset.arendetyper().iter().filter(|t| t.forvaltning == f) {
        for unit in &typ.units {
            let decided = outcomes(engine, ruleset, typ, unit);
            let refs: Vec<String> = decided
                .reasons
                .iter()
                .map(|reason| {
                    let n = match reasons.iter().position(|r| r == reason) {
                        Some(i) => i + 1,
                        None => {
                            reasons.push(reason.clone());
                            reasons.len()
                        }
                    };
                    format!("<a href=\"#skal-{n}\">{n}</a>")
                })
                .collect();
            let name = match &unit.part {
                Some(_) => format!("{}, {}", escape(&typ.name), escape(&unit.name)),
                None => escape(&typ.name),
            };
            let _ = writeln!(
                out,
                "<tr><th scope=\"row\">{name}</th><td>{level}</td><td>{cells}</td><td>{refs}</td></tr>",
                level = unit.level,
                cells = decided.cells,
                refs = if refs.is_empty() {
                    "–".to_string()
                } else {
                    format!("skäl {}", refs.join(", "))
                },
            );
        }
    }
    out.push_str("</tbody></table>\n");
    if !reasons.is_empty() {
        out.push_str("<h2>Skäl till vidarekoppling</h2>\n<ol class=\"skal\">\n");
        for (i, reason) in reasons.iter().enumerate() {
            let _ = writeln!(out, "<li id=\"skal-{}\">{}</li>", i + 1, escape(reason));
        }
        out.push_str("</ol>\n");
    }
    out
}

/// What a row carries for the page's script besides what it shows.
struct RowFacts<'a> {
    /// Guarded rules decide the unit (the dry-run's *villkorat*).
    conditional: bool,
    /// The version of the file that holds its level.
    version: &'a str,
}

fn row(
    out: &mut String,
    engine: &Engine,
    ruleset: &Ruleset,
    typ: &Arendetyp,
    unit: &Unit,
    facts: &RowFacts,
) {
    let name = match &unit.part {
        Some(_) => format!(
            "{}<span class=\"delmoment\">{}</span>",
            escape(&typ.name),
            escape(&unit.name)
        ),
        None => escape(&typ.name),
    };
    let label = match &unit.part {
        Some(_) => format!("{}, {}", typ.name, unit.name),
        None => typ.name.clone(),
    };
    let systems: Vec<String> = unit
        .systems
        .iter()
        .map(|&s| {
            let system = &ruleset.systems()[s];
            if system.access {
                escape(&system.name)
            } else {
                format!(
                    "{} <span class=\"saknas\">(saknas)</span>",
                    escape(&system.name)
                )
            }
        })
        .collect();
    let script = unit
        .script
        .map(|s| escape(&ruleset.scripts()[s].title))
        .unwrap_or_else(|| "–".into());
    let decided = outcomes(engine, ruleset, typ, unit);
    let _ = writeln!(
        out,
        "<tr data-case-type=\"{id}\" data-part=\"{part}\" data-utfall=\"{kinds}\" data-villkor=\"{villkor}\" data-version=\"{version}\"><th scope=\"row\">{name}{flags}</th>\
         <td>{level}</td><td class=\"tal\">{frekvens}</td><td>{systems}</td><td>{script}</td>\
         <td class=\"tal\">{kt} / {fv} min</td><td>{outcomes}</td><td>{why}</td><td class=\"test-kol\">{pin}</td></tr>",
        id = escape(&typ.id),
        part = escape(unit.part.as_deref().unwrap_or("")),
        kinds = decided.kinds.join(" "),
        villkor = if facts.conditional { "ja" } else { "nej" },
        version = escape(facts.version),
        outcomes = decided.cells,
        why = if decided.reasons.is_empty() {
            "–".into()
        } else {
            decided
                .reasons
                .iter()
                .map(|w| escape(w))
                .collect::<Vec<_>>()
                .join("; ")
        },
        flags = flags(typ, unit),
        level = level_select(ruleset, unit, &label),
        frekvens = unit
            .frekvens
            .map_or_else(|| "–".into(), |f| numbers::sv(f, 0)),
        systems = if systems.is_empty() {
            "–".into()
        } else {
            systems.join(", ")
        },
        pin = pin_control(ruleset, &label),
        kt = numbers::sv(unit.times.kundtjanst, 0),
        fv = numbers::sv(unit.times.forvaltning, 0),
    );
}

/// "Pin this": a channel and a button that turn today's decision into a test.
fn pin_control(ruleset: &Ruleset, label: &str) -> String {
    let mut out = format!(
        "<select class=\"test-kanal\" aria-label=\"Kanal för testet av {}\">",
        escape(label)
    );
    for channel in ruleset.policy().channels.iter() {
        let _ = write!(out, "<option>{}</option>", channel.name());
    }
    let _ = write!(
        out,
        "</select> <button type=\"button\" class=\"fast\" aria-label=\"Fäst som test: {}\">\
         Fäst som test</button><span class=\"fast-status\" role=\"status\"></span>",
        escape(label)
    );
    out
}

fn flags(typ: &Arendetyp, unit: &Unit) -> String {
    let mut flags = Vec::new();
    if unit.sekretess {
        flags.push("sekretess");
    }
    if unit.agreed.is_some() {
        flags.push("överenskommet utfall");
    }
    // Its own rules or its ärendetyp's; the förvaltning's and the policy's hold for all.
    if !unit.rules.is_empty() || !typ.rules.is_empty() {
        flags.push("egna villkor");
    }
    if flags.is_empty() {
        String::new()
    } else {
        format!("<span class=\"flaggor\">{}</span>", flags.join(", "))
    }
}

fn level_select(ruleset: &Ruleset, unit: &Unit, label: &str) -> String {
    let mut select = format!(
        "<select class=\"niva\" data-saved=\"{level}\" aria-label=\"Nivå för {label}\">",
        level = unit.level,
        label = escape(label)
    );
    for n in 1..=ruleset.policy().scale {
        let selected = if n == unit.level { " selected" } else { "" };
        let _ = write!(select, "<option value=\"{n}\"{selected}>{n}</option>");
    }
    select.push_str("</select>");
    select
}

/// A channel in the room's words: `sociala medier`, not the id `sociala-medier`.
fn channel_words(name: &str) -> String {
    match name {
        "sociala-medier" => "sociala medier".into(),
        other => other.into(),
    }
}

/// The method says per channel that a unit is handled only in some (`…, inte chatt`);
/// the agreement says it once, with the channels it is not handled in listed together.
fn merge_channel_reasons(reasons: Vec<String>) -> Vec<String> {
    const NOT: &str = ", inte ";
    let mut merged: Vec<(String, Vec<String>)> = Vec::new();
    for reason in reasons {
        match reason.rsplit_once(NOT) {
            Some((head, channel)) if head.contains("bara i kanalerna") => {
                let channel = channel_words(channel);
                match merged.iter_mut().find(|(h, _)| h == head) {
                    Some((_, channels)) => channels.push(channel),
                    None => merged.push((head.to_string(), vec![channel])),
                }
            }
            _ => merged.push((reason, Vec::new())),
        }
    }
    merged
        .into_iter()
        .map(|(head, channels)| {
            if channels.is_empty() {
                head
            } else {
                format!("{head}{NOT}{}", channels.join(", "))
            }
        })
        .collect()
}

/// A unit's outcomes in the policy's channels, as the agreement shows them.
struct Decided {
    /// The outcome per channel, grouped (HTML).
    cells: String,
    /// The method's failing criteria when some channel forwards, each once.
    reasons: Vec<String>,
    /// The outcome groups present (`kundtjanst`, `scripted`, `forwarded`, `villkor`).
    kinds: Vec<&'static str>,
}

/// The outcome in each channel the policy serves, grouped, and the method's failing
/// criteria when some channel forwards.
fn outcomes(engine: &Engine, ruleset: &Ruleset, typ: &Arendetyp, unit: &Unit) -> Decided {
    let mut groups: Vec<(&'static str, &str, Vec<String>)> = vec![
        ("kundtjanst", "Kundtjänst", Vec::new()),
        ("scripted", "Med manus", Vec::new()),
        ("forwarded", "Vidare", Vec::new()),
        ("villkor", "Beror på villkor", Vec::new()),
    ];
    let mut why: Vec<String> = Vec::new();
    for channel in ruleset.policy().channels.iter() {
        let mut inquiry = Inquiry::new(typ.id.as_str()).channel(channel.name());
        if let Some(part) = &unit.part {
            inquiry = inquiry.part(part.as_str());
        }
        let record = engine.decide_record(&inquiry);
        let group = match (record.basis, record.outcome) {
            (Basis::ConditionError, _) => 3,
            (_, Outcome::Kundtjanst) => 0,
            (_, Outcome::Scripted) => 1,
            (_, Outcome::Forwarded) => 2,
        };
        groups[group].2.push(channel_words(channel.name()));
        if record.outcome == Outcome::Forwarded {
            for c in record.criteria.iter().filter(|c| !c.passed) {
                if !why.contains(&c.text) {
                    why.push(c.text.clone());
                }
            }
        }
    }
    let cells: Vec<String> = groups
        .iter()
        .filter(|(_, _, channels)| !channels.is_empty())
        .map(|(class, words, channels)| {
            format!(
                "<span class=\"utfall {class}\">{words}:</span> {}",
                escape(&channels.join(", "))
            )
        })
        .collect();
    Decided {
        cells: cells.join("<br>"),
        reasons: merge_channel_reasons(why),
        kinds: groups
            .iter()
            .filter(|(_, _, channels)| !channels.is_empty())
            .map(|(class, _, _)| *class)
            .collect(),
    }
}
