//! What the editor shows about words: the keywords with a short Swedish explanation
//! (hover and completion), what a ROSA level means under the policy, and what an
//! ärendetyp is decided as in each channel.

use lsp_types::{CompletionItem, CompletionItemKind, Documentation, MarkupContent, MarkupKind};
use rosa::lang::{KEYWORDS, defaults};
use rosa::{Basis, Engine, Inquiry, Ruleset};
use std::fmt::Write as _;

/// `ärendetyp` for `arendetyp`: the keyword (Swedish spelling) and its meaning, from the
/// language's table.
pub(super) fn keyword(word: &str) -> Option<(&'static str, &'static str)> {
    rosa::lang::keyword(word).map(|k| (k.word, k.meaning))
}

/// The policy's level ranges, or the defaults while no ruleset has loaded.
pub(super) struct Levels {
    pub scale: u8,
    pub direct: (u8, u8),
    pub scripted: (u8, u8),
}

impl Levels {
    pub(super) fn of(ruleset: Option<&Ruleset>) -> Levels {
        match ruleset {
            Some(r) => {
                let p = r.policy();
                Levels {
                    scale: p.scale,
                    direct: (*p.direct_levels.start(), *p.direct_levels.end()),
                    scripted: (*p.scripted_levels.start(), *p.scripted_levels.end()),
                }
            }
            None => Levels {
                scale: defaults::SCALE,
                direct: defaults::DIRECT_LEVELS,
                scripted: defaults::SCRIPTED_LEVELS,
            },
        }
    }

    /// What level `n` means under the policy's method (docs/regelsprak.md §13).
    pub(super) fn meaning(&self, n: u64) -> String {
        let (d0, d1) = self.direct;
        let (s0, s1) = self.scripted;
        let within = |lo: u8, hi: u8| (u64::from(lo)..=u64::from(hi)).contains(&n);
        if n == 0 || n > u64::from(self.scale) {
            format!("Nivå {n} ligger utanför skalan 1–{} (R0006).", self.scale)
        } else if within(d0, d1) {
            format!(
                "Nivå {n} ligger bland direktnivåerna {}: kundtjänst besvarar ärendet direkt, \
                 om kanalen och systemen tillåter det och det inte omfattas av sekretess.",
                span(d0, d1)
            )
        } else if within(s0, s1) {
            format!(
                "Nivå {n} ligger bland manusnivåerna {}: kundtjänst tar ärendet med \
                 förvaltningens manus om frekvensen når frekvensgränsen och ett manus finns \
                 (och kanal, system och sekretess tillåter det); annars kopplas det vidare.",
                span(s0, s1)
            )
        } else if n > u64::from(s1.max(d1)) {
            format!(
                "Nivå {n} ligger över manusnivåerna (högst {}): förvaltningen handlägger, \
                 ärendet kopplas vidare.",
                s1.max(d1)
            )
        } else {
            format!("Nivå {n} ingår varken i direkt- eller manusnivåerna: ärendet kopplas vidare.")
        }
    }
}

fn span(lo: u8, hi: u8) -> String {
    if lo == hi {
        lo.to_string()
    } else {
        format!("{lo}–{hi}")
    }
}

/// An ärendetyp's name, förvaltning, level and decided outcome in each of the policy's
/// channels (without attributes or time: rules with conditions may decide otherwise).
pub(super) fn arendetyp(ruleset: &Ruleset, engine: &Engine, id: &str) -> Option<String> {
    let t = ruleset.arendetyp(id)?;
    let mut out = format!("**{}** – {}\n\n", t.id, t.name);
    if let Some(f) = ruleset.forvaltningar().get(t.forvaltning) {
        let _ = writeln!(out, "Förvaltning: {} (`{}`)\n", f.name, f.id);
    }
    let channels: Vec<_> = ruleset.policy().channels.iter().collect();
    if channels.is_empty() {
        return Some(out);
    }
    out.push_str("| |");
    for c in &channels {
        let _ = write!(out, " {} |", c.name());
    }
    out.push_str("\n|---|");
    out.push_str(&"---|".repeat(channels.len()));
    out.push('\n');
    let mut conditional = false;
    for unit in &t.units {
        let label = match &unit.part {
            Some(part) => format!("{part} (nivå {})", unit.level),
            None => format!("nivå {}", unit.level),
        };
        let _ = write!(out, "| {label} |");
        for c in &channels {
            let mut inquiry = Inquiry::new(t.id.as_str()).channel(c.name());
            if let Some(part) = &unit.part {
                inquiry = inquiry.part(part.as_str());
            }
            let decision = engine.decide(&inquiry);
            let word = match decision.basis {
                Basis::ConditionError => {
                    conditional = true;
                    "beror på villkor"
                }
                _ => decision.outcome.keyword(),
            };
            let _ = write!(out, " {word} |");
        }
        out.push('\n');
    }
    out.push_str("\nUtfall per kanal, för en fråga utan attribut och tid");
    if conditional {
        out.push_str(" (\"beror på villkor\": en regel behöver en uppgift som frågan saknar)");
    }
    out.push('.');
    Some(out)
}

/// Completion items for the keywords, with their explanation.
pub(super) fn keyword_items() -> impl Iterator<Item = CompletionItem> {
    KEYWORDS.iter().map(|k| CompletionItem {
        label: k.word.to_string(),
        kind: Some(CompletionItemKind::KEYWORD),
        documentation: Some(markdown(k.meaning)),
        ..CompletionItem::default()
    })
}

pub(super) fn markdown(text: &str) -> Documentation {
    Documentation::MarkupContent(MarkupContent {
        kind: MarkupKind::Markdown,
        value: text.to_string(),
    })
}

/// Names declared in a ruleset's files, read line by line so that they are there
/// also while the ruleset has errors: the policy's systems and attributes, the
/// förvaltning ids and the ärendetyp ids, and where each id is declared.
#[derive(Default)]
pub(super) struct Names {
    pub systems: Vec<String>,
    pub attributes: Vec<String>,
    pub forvaltningar: Vec<String>,
    pub arendetyper: Vec<String>,
    /// Each förvaltning and ärendetyp id where it is declared, in file order.
    pub declared: Vec<Declared>,
}

/// Whether a declared id is a förvaltning or an ärendetyp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DeclaredKind {
    Forvaltning,
    Arendetyp,
}

/// Where an id is declared: the index of its text in the scan, and its byte range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Declared {
    pub kind: DeclaredKind,
    pub id: String,
    pub file: usize,
    pub start: usize,
    pub end: usize,
}

impl Names {
    pub(super) fn scan<'a>(texts: impl Iterator<Item = &'a str>) -> Names {
        let mut names = Names::default();
        for (file, text) in texts.enumerate() {
            let mut depth = 0usize;
            // The keyword that opens the block at depth 0: `kundtjänst`, `förvaltning` or `test`.
            let mut top = "";
            let mut line_start = 0;
            for line in text.split_inclusive('\n') {
                let this_line = line_start;
                line_start += line.len();
                let code = strip_comment(line);
                let mut words = code.split_whitespace();
                let first = words.next().map(|w| keyword(w).map_or("", |k| k.0));
                if let (0, Some(word)) = (depth, first) {
                    top = word;
                }
                let in_policy = top == "kundtjänst";
                let mut declare = |kind, list: &mut Vec<String>, id: Option<&str>| {
                    let Some(id) = id.filter(|w| is_ident(w)) else {
                        return;
                    };
                    list.push(id.to_string());
                    // The id is the second word of the line (before any quoted text).
                    let keyword_end = line
                        .char_indices()
                        .skip_while(|(_, c)| c.is_whitespace())
                        .find(|(_, c)| c.is_whitespace())
                        .map_or(line.len(), |(i, _)| i);
                    if let Some(at) = line[keyword_end..].find(id) {
                        let start = this_line + keyword_end + at;
                        names.declared.push(Declared {
                            kind,
                            id: id.to_string(),
                            file,
                            start,
                            end: start + id.len(),
                        });
                    }
                };
                match first {
                    Some("förvaltning") if depth == 0 => {
                        declare(
                            DeclaredKind::Forvaltning,
                            &mut names.forvaltningar,
                            words.next(),
                        );
                    }
                    Some("ärendetyp") if depth == 1 && top == "förvaltning" => {
                        declare(
                            DeclaredKind::Arendetyp,
                            &mut names.arendetyper,
                            words.next(),
                        );
                    }
                    Some("system") if in_policy => {
                        list(&mut names.systems, &code, "system");
                    }
                    Some("övriga") if in_policy => {
                        list(&mut names.systems, &code, "system");
                    }
                    Some("attribut") if in_policy => {
                        list(&mut names.attributes, &code, "attribut");
                    }
                    _ => {}
                }
                for c in code.chars() {
                    match c {
                        '{' => depth += 1,
                        '}' => depth = depth.saturating_sub(1),
                        _ => {}
                    }
                }
            }
        }
        for v in [
            &mut names.systems,
            &mut names.attributes,
            &mut names.forvaltningar,
            &mut names.arendetyper,
        ] {
            v.sort();
            v.dedup();
        }
        names
    }
}

/// The line without its `//` comment and without quoted text (a `{` in a string is text).
fn strip_comment(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                quoted = !quoted;
                out.push(c);
            }
            '/' if !quoted && chars.peek() == Some(&'/') => break,
            _ if quoted => {}
            _ => out.push(c),
        }
    }
    out
}

fn is_ident(word: &str) -> bool {
    word.starts_with(|c: char| c.is_alphabetic() || c == '_')
        && word
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

fn push_ident(out: &mut Vec<String>, word: Option<&str>) {
    if let Some(w) = word.filter(|w| is_ident(w)) {
        out.push(w.to_string());
    }
}

/// The comma-separated ids after `keyword` on a line.
fn list(out: &mut Vec<String>, code: &str, keyword: &str) {
    let Some(at) = code.find(keyword) else { return };
    for item in code[at + keyword.len()..].split(',') {
        push_ident(out, item.split_whitespace().next());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_spellings_find_the_keyword() {
        assert_eq!(keyword("arendetyp").map(|k| k.0), Some("ärendetyp"));
        assert_eq!(keyword("ko").map(|k| k.0), Some("kö"));
        assert_eq!(keyword("bygglov"), None);
    }

    #[test]
    fn levels_follow_the_policy() {
        let levels = Levels::of(None);
        assert!(levels.meaning(1).contains("direktnivåerna 1–2"));
        assert!(levels.meaning(3).contains("manusnivåerna 3–4"));
        assert!(levels.meaning(5).contains("över manusnivåerna (högst 4)"));
        assert!(levels.meaning(7).contains("utanför skalan 1–6"));
    }

    #[test]
    fn names_are_read_from_the_text() {
        let policy = "kundtjänst \"K\" {\n    system ByggR, Diarium // kommentar\n    övriga system Procapita\n}\n";
        let bygg = "förvaltning bygg \"Bygg\" {\n    ärendetyp bygglov \"{ Bygglov\" {\n        system ByggR\n        delmoment a { rosa 1 }\n    }\n}\ntest \"t\" {\n    ärendetyp annan\n}\n";
        let names = Names::scan([policy, bygg].into_iter());
        assert_eq!(names.systems, ["ByggR", "Diarium", "Procapita"]);
        assert_eq!(names.forvaltningar, ["bygg"]);
        assert_eq!(names.arendetyper, ["bygglov"]);
        assert_eq!(names.declared.len(), 2);
        let bygglov = &names.declared[1];
        assert_eq!(
            (
                bygglov.kind,
                bygglov.file,
                &bygg[bygglov.start..bygglov.end]
            ),
            (DeclaredKind::Arendetyp, 1, "bygglov")
        );
        assert_eq!(bygglov.start, bygg.find("bygglov").unwrap());
    }

    #[test]
    fn attributes_are_read_from_the_policy_only() {
        let policy =
            "kundtjänst \"K\" {\n    attribut akut ja/nej, belopp tal, brådskande ja/nej\n}\n";
        let test = "test \"t\" {\n    attribut annat = ja\n}\n";
        let names = Names::scan([policy, test].into_iter());
        assert_eq!(names.attributes, ["akut", "belopp", "brådskande"]);
    }
}
