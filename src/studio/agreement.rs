//! The agreement as a document: per förvaltning, every ärendetyp and delmoment with
//! its level, volume, systems, manus and times, the outcome in each channel, and why a
//! forwarded unit is forwarded. What the room reads, prints and signs.

use crate::engine::{Basis, Engine, Inquiry};
use crate::html::escape;
use crate::model::{Arendetyp, Outcome, Ruleset, Unit};
use crate::numbers;
use std::fmt::Write;

/// The agreement's sections, one per förvaltning, as HTML.
pub(super) fn render(ruleset: &Ruleset) -> String {
    let engine = Engine::new(ruleset);
    let mut out = String::new();
    for (f, forvaltning) in ruleset.forvaltningar().iter().enumerate() {
        let types: Vec<&Arendetyp> = ruleset
            .arendetyper()
            .iter()
            .filter(|t| t.forvaltning == f)
            .collect();
        let units: usize = types.iter().map(|t| t.units.len()).sum();
        let _ = write!(
            out,
            "<section class=\"forvaltning\" id=\"f-{id}\" aria-labelledby=\"f-{id}-rubrik\">\n\
             <h2 id=\"f-{id}-rubrik\">{name}</h2>\n<p class=\"antal\">{types}, {units}</p>\n\
             <div class=\"tabell\"><table>\n<caption class=\"skarmlasare\">{name}: ärendetyper och utfall</caption>\n\
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
        for typ in types {
            for unit in &typ.units {
                row(&mut out, &engine, ruleset, typ, unit);
            }
        }
        out.push_str("</tbody></table></div>\n</section>\n");
    }
    out
}

fn row(out: &mut String, engine: &Engine, ruleset: &Ruleset, typ: &Arendetyp, unit: &Unit) {
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
    let (outcomes, why) = outcomes(engine, ruleset, typ, unit);
    let _ = writeln!(
        out,
        "<tr data-case-type=\"{id}\" data-part=\"{part}\"><th scope=\"row\">{name}{flags}</th>\
         <td>{level}</td><td class=\"tal\">{frekvens}</td><td>{systems}</td><td>{script}</td>\
         <td class=\"tal\">{kt} / {fv} min</td><td>{outcomes}</td><td>{why}</td><td class=\"test-kol\">{pin}</td></tr>",
        id = escape(&typ.id),
        part = escape(unit.part.as_deref().unwrap_or("")),
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

/// The outcome in each channel the policy serves, grouped, and the method's failing
/// criteria when some channel forwards.
fn outcomes(engine: &Engine, ruleset: &Ruleset, typ: &Arendetyp, unit: &Unit) -> (String, String) {
    let mut groups: Vec<(&str, &str, Vec<&str>)> = vec![
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
        groups[group].2.push(channel.name());
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
    let why = why.iter().map(|w| escape(w)).collect::<Vec<_>>().join("; ");
    (
        cells.join("<br>"),
        if why.is_empty() { "–".into() } else { why },
    )
}
