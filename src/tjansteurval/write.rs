//! The ruleset's files from what the rows say: one rule file per förvaltning, laid out
//! by the formatter, and which sheet row each formatted line came from.

use super::rows::{Forvaltning, Origin, Type, Unit};

/// One förvaltning's rule file, unformatted.
pub(crate) fn forvaltning_text(f: &Forvaltning) -> String {
    let mut out = String::new();
    open(&mut out, "förvaltning", &f.head, 0);
    if !f.forwards {
        out.push_str(&format!("    vidarekoppla kö \"{}\"\n", f.head.name));
    }
    for t in &f.types {
        // A blank line between ärendetyper, which the formatter keeps.
        out.push('\n');
        type_text(&mut out, t);
    }
    out.push_str("}\n");
    out
}

pub(crate) fn type_text(out: &mut String, t: &Type) {
    open(out, "ärendetyp", &t.head, 1);
    if !t.sokord.is_empty() {
        let words: Vec<String> = t
            .sokord
            .iter()
            .map(|w| format!("\"{}\"", w.replace('"', "'")))
            .collect();
        out.push_str(&format!("        sökord {}\n", words.join(", ")));
    }
    for part in &t.parts {
        open(out, "delmoment", part, 2);
        out.push_str("        }\n");
    }
    out.push_str("    }\n");
}

fn open(out: &mut String, keyword: &str, unit: &Unit, depth: usize) {
    let indent = "    ".repeat(depth);
    out.push_str(&format!(
        "{indent}{keyword} {} \"{}\" {{\n",
        unit.id, unit.name
    ));
    for comment in &unit.comments {
        out.push_str(&format!("{indent}    // {comment}\n"));
    }
    for line in &unit.lines {
        out.push_str(&format!("{indent}    {line}\n"));
    }
}

/// For each line of a formatted förvaltning file, the sheet row it came from: a line
/// belongs to the innermost block open above it (by the formatter's indentation).
pub(crate) fn origins(text: &str, f: &Forvaltning) -> Vec<Origin> {
    let mut typ: Option<&Type> = None;
    let mut part: Option<&Unit> = None;
    let mut out = Vec::new();
    for line in text.lines() {
        let depth = (line.len() - line.trim_start().len()) / 4;
        let mut words = line.split_whitespace();
        let (keyword, id) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
        if depth <= 1 {
            typ = None;
            part = None;
        }
        if depth <= 2 {
            part = None;
        }
        if depth == 1 && keyword == "ärendetyp" {
            typ = f.types.iter().find(|t| t.head.id == id);
        }
        if depth == 2 && keyword == "delmoment" {
            part = typ.and_then(|t| t.parts.iter().find(|p| p.id == id));
        }
        let origin = part
            .map(|p| &p.origin)
            .or(typ.map(|t| &t.head.origin))
            .unwrap_or(&f.head.origin);
        out.push(origin.clone());
    }
    out
}
