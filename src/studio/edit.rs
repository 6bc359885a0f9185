//! Edits the studio's forms make, as changes to the rule text: the file stays what a
//! rule author would have written by hand.

use crate::model::Ruleset;

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
