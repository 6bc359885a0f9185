//! Edits the studio's forms make, as changes to the rule text: the file stays what a
//! rule author would have written by hand.

use crate::engine::{Basis, Engine, Inquiry};
use crate::model::{Outcome, Ruleset};

/// The text of the file that holds the unit, with its `rosa N` set to `level`: the
/// file's path and its new text.
pub fn set_level(
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
pub fn pin_test(
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
