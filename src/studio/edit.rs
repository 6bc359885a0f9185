//! Edits the studio's forms make, as changes to the rule text: the file stays what a
//! rule author would have written by hand.

use crate::engine::{Basis, Engine, Inquiry};
use crate::model::{Outcome, Ruleset};
use crate::syntax::ast::{Block, BlockKind, StmtKind};

/// The text of the file that holds the unit, with its `rosa N` set to `level`: the
/// file's path and its new text.
pub(super) fn set_level(
    ruleset: &Ruleset,
    case_type: &str,
    part: Option<&str>,
    level: u8,
) -> Result<(String, String), String> {
    let typ = ruleset
        .arendetyp(case_type)
        .ok_or_else(|| format!("ärendetypen `{case_type}` finns inte"))?;
    let unit = match part {
        Some(part) => typ
            .unit(part)
            .ok_or_else(|| format!("delmomentet `{part}` finns inte i `{case_type}`"))?,
        None if !typ.has_parts => &typ.units[0],
        None => return Err(format!("`{case_type}` har delmoment: ange vilket")),
    };
    let span = unit.level_span;
    let file = ruleset.sources().get(span.file);
    let written = &file.text[span.start..span.end];
    if !written.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "nivån i {} är inte skriven som ett tal",
            unit.location
        ));
    }
    let mut text = String::with_capacity(file.text.len() + 2);
    text.push_str(&file.text[..span.start]);
    text.push_str(&level.to_string());
    text.push_str(&file.text[span.end..]);
    Ok((file.display_path(), text))
}

/// The unit's file with a `test` block appended that pins today's decision in
/// `channel`: "pin this" in the room. Gives the file, its new text and the test's name. Refused when guarded rules decide it, as the
/// test would need the inquiry's attributes.
pub(super) fn pin_test(
    ruleset: &Ruleset,
    case_type: &str,
    part: Option<&str>,
    channel: &str,
) -> Result<(String, String, String), String> {
    let typ = ruleset
        .arendetyp(case_type)
        .ok_or_else(|| format!("ärendetypen `{case_type}` finns inte"))?;
    let mut inquiry = Inquiry::new(case_type).channel(channel);
    if let Some(part) = part {
        inquiry = inquiry.part(part);
    }
    let record = Engine::new(ruleset).decide_record(&inquiry);
    if matches!(record.basis, Basis::ConditionError | Basis::UnknownPart) {
        return Err(format!(
            "utfallet beror på något som inte går att fästa här ({}); skriv testet i regelfilen",
            record.error.unwrap_or_default()
        ));
    }
    let (words, expected) = match (record.outcome, &record.target) {
        (Outcome::Kundtjanst, _) => ("besvaras direkt".to_string(), "direkt".to_string()),
        (Outcome::Scripted, _) => ("löses med manus".to_string(), "manus".to_string()),
        (Outcome::Forwarded, Some(target)) => (
            format!("kopplas till {}", target.forvaltning_name),
            format!("vidarekoppla till {}", target.forvaltning),
        ),
        (Outcome::Forwarded, None) => ("kopplas vidare".to_string(), "vidarekoppla".to_string()),
    };
    let unit_name = record.case_type_name.clone().unwrap_or_default();
    let name = unique_test_name(ruleset, &format!("{unit_name} i {channel} {words}"));
    let mut block = format!("\ntest \"{name}\" {{\n    ärendetyp {case_type}\n");
    if let Some(part) = &record.part {
        block.push_str(&format!("    delmoment {part}\n"));
    }
    block.push_str(&format!(
        "    kanal {channel}\n    förväntat {expected}\n}}\n"
    ));
    let unit = typ.units.first().ok_or("ärendetypen saknar enheter")?;
    let file = ruleset.sources().get(unit.span.file);
    let mut text = file.text.clone();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&block);
    Ok((file.display_path(), text, name))
}

/// Test names are unique in a ruleset: a second pin of the same decision gets a number.
fn unique_test_name(ruleset: &Ruleset, wanted: &str) -> String {
    let taken = |name: &str| ruleset.tests().iter().any(|t| t.name == name);
    if !taken(wanted) {
        return wanted.to_string();
    }
    (2..)
        .map(|n| format!("{wanted} ({n})"))
        .find(|name| !taken(name))
        .unwrap_or_default()
}

/// A new ärendetyp (in a förvaltning) or delmoment (in an ärendetyp), as the studio's
/// form gives it.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct NewUnit {
    /// The förvaltning of a new ärendetyp; ignored for a delmoment.
    pub forvaltning: String,
    /// The new ärendetyp's id, or the ärendetyp a delmoment is added to.
    pub case_type: String,
    /// The new delmoment's id; `None` adds an ärendetyp.
    pub part: Option<String>,
    pub name: String,
    pub level: u8,
    pub frekvens_per_month: Option<u32>,
    #[serde(default)]
    pub systems: Vec<String>,
}

/// The file with the new block written before the closing brace of its parent; the
/// checker and the formatter decide the rest when it is saved.
pub(super) fn add_unit(ruleset: &Ruleset, new: &NewUnit) -> Result<(String, String), String> {
    valid_name(&new.name)?;
    let (parent, block) = match &new.part {
        None => {
            valid_id(&new.case_type, "ärendetypen")?;
            let f = ruleset
                .forvaltningar()
                .iter()
                .find(|f| f.id == new.forvaltning)
                .ok_or_else(|| format!("förvaltningen `{}` finns inte", new.forvaltning))?;
            (
                f.block,
                format!("ärendetyp {} \"{}\"", new.case_type, new.name),
            )
        }
        Some(part) => {
            valid_id(part, "delmomentet")?;
            let typ = ruleset
                .arendetyp(&new.case_type)
                .ok_or_else(|| format!("ärendetypen `{}` finns inte", new.case_type))?;
            (typ.block, format!("delmoment {part} \"{}\"", new.name))
        }
    };
    let mut body = format!("\n{block} {{\n    rosa {}\n", new.level);
    if let Some(n) = new.frekvens_per_month {
        body.push_str(&format!("    frekvens {n} per månad\n"));
    }
    if !new.systems.is_empty() {
        for system in &new.systems {
            valid_name(system)?;
        }
        body.push_str(&format!("    system {}\n", new.systems.join(", ")));
    }
    body.push_str("}\n");
    let file = ruleset.sources().get(parent.file);
    let brace = parent.end.saturating_sub(1);
    if file.text.as_bytes().get(brace) != Some(&b'}') {
        return Err("hittade inte blockets slut i regelfilen".into());
    }
    let mut text = String::with_capacity(file.text.len() + body.len());
    text.push_str(&file.text[..brace]);
    text.push_str(&body);
    text.push_str(&file.text[brace..]);
    Ok((file.display_path(), text))
}

/// Ids are written bare in the rule text: letters, digits, `-` and `_`, a letter first.
fn valid_id(id: &str, what: &str) -> Result<(), String> {
    let mut chars = id.chars();
    let first_is_letter = chars.next().is_some_and(char::is_alphabetic);
    if first_is_letter && chars.all(|c| c.is_alphanumeric() || c == '-' || c == '_') {
        Ok(())
    } else {
        Err(format!(
            "id för {what} får bara ha bokstäver, siffror, `-` och `_` och ska börja med en bokstav, t.ex. `bygglov-altan`"
        ))
    }
}

/// Names are written in quotes: no quote or line break inside.
fn valid_name(name: &str) -> Result<(), String> {
    if name.trim().is_empty() {
        Err("namnet saknas".into())
    } else if name.contains(['"', '\n', '\r', '“', '”']) {
        Err(format!(
            "namnet `{name}` får inte innehålla citattecken eller radbrytningar"
        ))
    } else {
        Ok(())
    }
}

/// The unit's file with `word` added to its `sökord`: to the end of its `sökord` list
/// when it has one, else as a new statement before its first delmoment or its closing
/// brace. The formatter lays it out when it is saved.
pub(super) fn add_search_word(
    ruleset: &Ruleset,
    case_type: &str,
    part: Option<&str>,
    word: &str,
) -> Result<(String, String), String> {
    valid_search_word(word)?;
    let typ = ruleset
        .arendetyp(case_type)
        .ok_or_else(|| format!("ärendetypen `{case_type}` finns inte"))?;
    if let Some(part) = part {
        typ.unit(part)
            .ok_or_else(|| format!("delmomentet `{part}` finns inte i `{case_type}`"))?;
    }
    let file = ruleset.sources().get(typ.block.file);
    let parsed = crate::syntax::parse(typ.block.file, &file.text)
        .map_err(|_| "regelfilen gick inte att läsa om".to_string())?;
    let top: Vec<&Block> = parsed.blocks.iter().collect();
    let block = find_block(&top, BlockKind::Arendetyp, case_type)
        .and_then(|typ| match part {
            Some(part) => find_block(&nested(typ), BlockKind::Delmoment, part),
            None => Some(typ),
        })
        .ok_or("hittade inte blocket i regelfilen")?;
    let quoted = format!("\"{word}\"");
    let existing = block.stmts.iter().find_map(|s| match &s.kind {
        StmtKind::Sokord(words) => Some(words),
        _ => None,
    });
    let (at, insert) = match existing {
        Some(words)
            if words
                .iter()
                .any(|w| w.value.to_lowercase() == word.to_lowercase()) =>
        {
            return Err(format!("`{word}` är redan ett sökord här"));
        }
        Some(words) => {
            let last = words.last().ok_or("sökordslistan är tom")?;
            (last.span.end, format!(", {quoted}"))
        }
        None => {
            let first_part = block.stmts.iter().find_map(|s| match &s.kind {
                StmtKind::Block(b) if b.kind == BlockKind::Delmoment => Some(b.span.start),
                _ => None,
            });
            let brace = block.span.end.saturating_sub(1);
            if file.text.as_bytes().get(brace) != Some(&b'}') {
                return Err("hittade inte blockets slut i regelfilen".into());
            }
            (first_part.unwrap_or(brace), format!("\nsökord {quoted}\n"))
        }
    };
    let mut text = String::with_capacity(file.text.len() + insert.len());
    text.push_str(&file.text[..at]);
    text.push_str(&insert);
    text.push_str(&file.text[at..]);
    Ok((file.display_path(), text))
}

/// The block of `kind` with id `id`, at any depth.
fn find_block<'a>(blocks: &[&'a Block], kind: BlockKind, id: &str) -> Option<&'a Block> {
    blocks.iter().find_map(|b| {
        if b.kind == kind && b.id.as_ref().is_some_and(|i| i.name == id) {
            Some(*b)
        } else {
            find_block(&nested(b), kind, id)
        }
    })
}

fn nested(block: &Block) -> Vec<&Block> {
    block
        .stmts
        .iter()
        .filter_map(|s| match &s.kind {
            StmtKind::Block(b) => Some(b),
            _ => None,
        })
        .collect()
}

/// A `sökord` is written in quotes on one line, and is a word or a short phrase.
fn valid_search_word(word: &str) -> Result<(), String> {
    if word.trim().is_empty() {
        Err("sökordet saknas".into())
    } else if word.chars().count() > 60 {
        Err("sökordet är längre än 60 tecken".into())
    } else if word.contains(['"', '\n', '\r', '“', '”', '\\']) || word.chars().any(char::is_control)
    {
        Err(
            "sökordet får inte innehålla citattecken, omvända snedstreck eller radbrytningar"
                .into(),
        )
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod search_word_tests {
    use super::*;

    fn example() -> Ruleset {
        Ruleset::load("rulesets/exempelkommun").expect("loads")
    }

    fn reloaded(path: &str, text: &str) -> Ruleset {
        let dir = tempfile::tempdir().expect("temp dir");
        copy_tree(std::path::Path::new("rulesets/exempelkommun"), dir.path());
        std::fs::write(dir.path().join(path), text).expect("write");
        Ruleset::load(dir.path()).expect("still loads")
    }

    fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
        std::fs::create_dir_all(to).expect("dir");
        for entry in std::fs::read_dir(from).expect("reads").flatten() {
            let target = to.join(entry.file_name());
            if entry.path().is_dir() {
                copy_tree(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).expect("copy");
            }
        }
    }

    #[test]
    fn a_word_joins_the_units_sokord_or_starts_one() {
        let ruleset = example();
        let (path, text) =
            add_search_word(&ruleset, "felanmalan-gata", None, "kandelabern").expect("added");
        let after = reloaded(&path, &text);
        let typ = after.arendetyp("felanmalan-gata").expect("type");
        assert_eq!(
            typ.search_words.last().map(String::as_str),
            Some("kandelabern")
        );

        let with_parts = ruleset
            .arendetyper()
            .iter()
            .find(|t| t.has_parts)
            .expect("a type with delmoment");
        let part = with_parts.units[0].part.clone().expect("a delmoment");
        let (path, text) =
            add_search_word(&ruleset, &with_parts.id, Some(&part), "kandelabern").expect("added");
        let after = reloaded(&path, &text);
        let unit = after
            .arendetyp(&with_parts.id)
            .and_then(|t| t.unit(&part))
            .expect("unit");
        assert!(
            unit.search_words.iter().any(|w| w == "kandelabern"),
            "{:?}",
            unit.search_words
        );
        let typ = after.arendetyp(&with_parts.id).expect("type");
        assert!(!typ.search_words.iter().any(|w| w == "kandelabern"));
    }

    #[test]
    fn a_word_already_there_or_with_a_quote_is_refused() {
        let ruleset = example();
        assert!(add_search_word(&ruleset, "felanmalan-gata", None, "gatlampa").is_err());
        assert!(add_search_word(&ruleset, "felanmalan-gata", None, "a\"b").is_err());
        assert!(add_search_word(&ruleset, "finns-inte", None, "ord").is_err());
    }
}
