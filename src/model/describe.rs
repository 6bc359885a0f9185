//! Conditions in words, for staff: `timme < 7 || timme >= 16 || veckodag >= 6` →
//! "ärendet kommer före kl. 07, från kl. 16 eller på lördag–söndag". The result is a
//! Swedish subordinate clause that follows "när" or "om"; it names attributes by their
//! question (`fråga`) and delmoment by their names, never by id or operator.

use super::condition::{Expr, Number, NumberOp};
use super::{Arendetyp, Attribute, Condition, Ruleset};

impl Condition {
    /// The condition as a Swedish clause to follow "när" ("ärendet kommer via besök"),
    /// for staff: no ids, operators or file names.
    pub fn describe(&self, ruleset: &Ruleset) -> String {
        let words = Words {
            ruleset,
            scope: scope(self, ruleset),
        };
        words.clause(&self.expr).text
    }
}

struct Words<'a> {
    ruleset: &'a Ruleset,
    /// The ärendetyper whose delmoment the condition may name (ids repeat across them).
    scope: Vec<&'a Arendetyp>,
}

/// The ärendetyper a rule's `delmoment == "…"` speaks of: its own ärendetyp's when the
/// rule is written in one (or in one of its delmoment), its förvaltning's when written
/// there, else all. A condition does not know where it is written, so its rule is
/// found by address: callers describe the ruleset's own rules.
fn scope<'a>(condition: &Condition, ruleset: &'a Ruleset) -> Vec<&'a Arendetyp> {
    let all = ruleset.arendetyper.iter();
    let Some(id) = ruleset
        .rules()
        .iter()
        .position(|r| std::ptr::eq(&r.condition, condition))
    else {
        return all.collect();
    };
    let written_in =
        |t: &Arendetyp| t.rules.contains(&id) || t.units.iter().any(|u| u.rules.contains(&id));
    if let Some(own) = ruleset.arendetyper.iter().find(|t| written_in(t)) {
        return vec![own];
    }
    match ruleset
        .forvaltningar
        .iter()
        .position(|f| f.rules.contains(&id))
    {
        Some(f) => all.filter(|t| t.forvaltning == f).collect(),
        None => all.collect(),
    }
}

/// A described part: either an adverbial after "ärendet kommer" (time and channel),
/// so that several join into one clause, or a whole clause.
enum Kind {
    Comes(String),
    Clause(String),
}

/// A clause and whether it joins several parts (and so needs brackets inside another).
struct Described {
    text: String,
    compound: bool,
}

impl Words<'_> {
    fn clause(&self, expr: &Expr) -> Described {
        match self.kind(expr) {
            Kind::Comes(adverbial) => Described {
                compound: matches!(expr, Expr::And(_) | Expr::Or(_)),
                text: format!("ärendet kommer {adverbial}"),
            },
            Kind::Clause(text) => Described {
                compound: matches!(expr, Expr::And(_) | Expr::Or(_)),
                text,
            },
        }
    }

    fn kind(&self, expr: &Expr) -> Kind {
        match expr {
            Expr::Const(true) => Kind::Clause("det alltid gäller".into()),
            Expr::Const(false) => Kind::Clause("det aldrig gäller".into()),
            Expr::And(items) => self.joined(items, "och"),
            Expr::Or(items) => self.joined(items, "eller"),
            Expr::Not(inner) => match inner.as_ref() {
                Expr::Flag(name) => Kind::Clause(self.flag(name, false)),
                Expr::Holiday => {
                    Kind::Comes("en dag som inte är helgdag eller stängd afton".into())
                }
                Expr::Channel { any_of, negate } => self.kind(&Expr::Channel {
                    any_of: *any_of,
                    negate: !negate,
                }),
                other => Kind::Clause(format!("det inte stämmer att {}", self.clause(other).text)),
            },
            Expr::Flag(name) => Kind::Clause(self.flag(name, true)),
            // `helgdag`: the days the policy's `stängt` names (by default every one).
            Expr::Holiday => Kind::Comes("på en helgdag eller stängd afton".into()),
            Expr::Channel { any_of, negate } => {
                let names: Vec<&str> = any_of.iter().map(|c| c.name()).collect();
                let via = format!("via {}", join(&names, "eller"));
                if *negate {
                    Kind::Clause(format!("ärendet inte kommer {via}"))
                } else {
                    Kind::Comes(via)
                }
            }
            Expr::Part { any_of, negate } => {
                let names: Vec<String> = any_of.iter().map(|p| self.part_name(p)).collect();
                let names: Vec<&str> = names.iter().map(String::as_str).collect();
                let not = if *negate { "inte " } else { "" };
                Kind::Clause(format!(
                    "det {not}gäller delmomentet {}",
                    join(&names, "eller")
                ))
            }
            Expr::Text {
                attribute,
                any_of,
                negate,
            } => {
                let values: Vec<String> = any_of.iter().map(|v| format!("”{v}”")).collect();
                let values: Vec<&str> = values.iter().map(String::as_str).collect();
                let not = if *negate { "inte " } else { "" };
                Kind::Clause(format!(
                    "{} {not}är {}",
                    self.answer_to(attribute),
                    join(&values, "eller")
                ))
            }
            Expr::TextPair {
                left,
                right,
                negate,
            } => {
                let not = if *negate { "inte " } else { "" };
                Kind::Clause(format!(
                    "{} {not}är samma som {}",
                    self.answer_to(left),
                    self.answer_to(right)
                ))
            }
            Expr::Number { op, left, right } => self.number(*op, left, right),
            Expr::NumberIn {
                value,
                any_of,
                negate,
            } => self.number_in(value, any_of, *negate),
            Expr::Same {
                left,
                right,
                negate,
            } => {
                let (l, r) = (self.clause(left).text, self.clause(right).text);
                let not = if *negate { "inte " } else { "" };
                Kind::Clause(format!("det {not}är lika sant att {l} som att {r}"))
            }
        }
    }

    /// Parts joined with "och" or "eller": time and channel parts share one "ärendet kommer".
    fn joined(&self, items: &[Expr], word: &str) -> Kind {
        let kinds: Vec<Kind> = items.iter().map(|e| self.kind(e)).collect();
        if kinds.iter().all(|k| matches!(k, Kind::Comes(_))) {
            let parts: Vec<&str> = kinds
                .iter()
                .map(|k| match k {
                    Kind::Comes(a) | Kind::Clause(a) => a.as_str(),
                })
                .collect();
            return Kind::Comes(join(&parts, word));
        }
        let parts: Vec<String> = items
            .iter()
            .map(|e| {
                let d = self.clause(e);
                if d.compound {
                    format!("({})", d.text)
                } else {
                    d.text
                }
            })
            .collect();
        let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
        Kind::Clause(join(&parts, word))
    }

    fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.ruleset
            .policy
            .attributes
            .iter()
            .find(|a| a.name == name)
    }

    /// "svaret på ”Är det akut?”", or the name in words when no question is declared.
    fn answer_to(&self, name: &str) -> String {
        match self.attribute(name).and_then(|a| a.question.as_deref()) {
            Some(question) => format!("svaret på ”{question}”"),
            None => format!("”{}”", name.replace(['_', '-'], " ")),
        }
    }

    fn flag(&self, name: &str, yes: bool) -> String {
        match self.attribute(name).and_then(|a| a.question.as_deref()) {
            Some(question) => {
                format!(
                    "svaret på ”{question}” är {}",
                    if yes { "ja" } else { "nej" }
                )
            }
            None => {
                let label = name.replace(['_', '-'], " ");
                if yes {
                    format!("”{label}” gäller")
                } else {
                    format!("”{label}” inte gäller")
                }
            }
        }
    }

    /// The delmoment's name as written in the condition's ärendetyper, or its id when
    /// no unit there has it.
    fn part_name(&self, id: &str) -> String {
        let name = self
            .scope
            .iter()
            .flat_map(|t| &t.units)
            .find(|u| u.part.as_deref() == Some(id))
            .map_or(id, |u| u.name.as_str());
        format!("”{name}”")
    }

    fn number(&self, op: NumberOp, left: &Number, right: &Number) -> Kind {
        // The literal on the right: `7 > timme` reads as `timme < 7`.
        let (op, left, right) = match (left, right) {
            (Number::Literal(_), r) if !matches!(r, Number::Literal(_)) => (flip(op), r, left),
            _ => (op, left, right),
        };
        if let Number::Literal(v) = right {
            let time = match left {
                Number::Hour => hours(op, *v),
                Number::Weekday => weekdays(op, *v),
                _ => None,
            };
            if let Some(adverbial) = time {
                return Kind::Comes(adverbial);
            }
        }
        let not = if op == NumberOp::Ne { "inte " } else { "" };
        Kind::Clause(format!(
            "{} {not}är {}{}",
            self.number_name(left),
            compared(op),
            self.number_name(right)
        ))
    }

    fn number_in(&self, value: &Number, any_of: &[f64], negate: bool) -> Kind {
        let listed: Option<Vec<String>> = match value {
            Number::Hour => any_of.iter().map(|&h| hour_span(h)).collect(),
            Number::Weekday => any_of
                .iter()
                .map(|&d| weekday(d).map(String::from))
                .collect(),
            _ => None,
        };
        if let Some(listed) = listed {
            let listed: Vec<&str> = listed.iter().map(String::as_str).collect();
            let list = join(&listed, "eller");
            let weekdays = matches!(value, Number::Weekday);
            return Kind::Comes(match (weekdays, negate) {
                (true, true) => format!("på andra dagar än {list}"),
                (true, false) => format!("på {list}"),
                (false, true) => format!("utom {list}"),
                (false, false) => list,
            });
        }
        let values: Vec<String> = any_of.iter().map(|&v| number(v)).collect();
        let values: Vec<&str> = values.iter().map(String::as_str).collect();
        let not = if negate { "inte " } else { "" };
        Kind::Clause(format!(
            "{} {not}är {}",
            self.number_name(value),
            join(&values, "eller")
        ))
    }

    fn number_name(&self, n: &Number) -> String {
        match n {
            Number::Literal(v) => number(*v),
            Number::Hour => "timmen".into(),
            Number::Minute => "minuten".into(),
            Number::Weekday => "veckodagen (1 är måndag)".into(),
            Number::Attribute(name) => self.answer_to(name),
        }
    }
}

/// `a < b` is `b > a`.
fn flip(op: NumberOp) -> NumberOp {
    match op {
        NumberOp::Lt => NumberOp::Gt,
        NumberOp::Le => NumberOp::Ge,
        NumberOp::Gt => NumberOp::Lt,
        NumberOp::Ge => NumberOp::Le,
        same => same,
    }
}

/// The words between "är" and the second number: "mindre än ", "minst ", "".
fn compared(op: NumberOp) -> &'static str {
    match op {
        NumberOp::Lt => "mindre än ",
        NumberOp::Le => "högst ",
        NumberOp::Gt => "större än ",
        NumberOp::Ge => "minst ",
        NumberOp::Eq | NumberOp::Ne => "",
    }
}

/// A whole number 0–24, the only hours worth naming.
fn whole_hour(v: f64) -> Option<u32> {
    (v.fract() == 0.0 && (0.0..=24.0).contains(&v)).then_some(v as u32)
}

/// `timme < 7` → "före kl. 07"; `timme >= 16` → "från kl. 16".
fn hours(op: NumberOp, v: f64) -> Option<String> {
    let h = whole_hour(v)?;
    // Only "före kl. 24" names hour 24; "från kl. 25" would name no hour at all.
    if h == 24 && op != NumberOp::Lt {
        return None;
    }
    Some(match op {
        NumberOp::Lt => format!("före kl. {h:02}"),
        NumberOp::Le => format!("före kl. {:02}", h + 1),
        NumberOp::Gt => format!("från kl. {:02}", h + 1),
        NumberOp::Ge => format!("från kl. {h:02}"),
        NumberOp::Eq => hour_span(v)?,
        NumberOp::Ne => format!("utom {}", hour_span(v)?),
    })
}

/// `timme == 12` → "kl. 12–13".
fn hour_span(v: f64) -> Option<String> {
    let h = whole_hour(v).filter(|&h| h < 24)?;
    Some(format!("kl. {h:02}–{:02}", h + 1))
}

const WEEKDAYS: [&str; 7] = [
    "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag",
];

fn weekday(v: f64) -> Option<&'static str> {
    (v.fract() == 0.0 && (1.0..=7.0).contains(&v)).then(|| WEEKDAYS[v as usize - 1])
}

/// `veckodag >= 6` → "på lördag–söndag"; `veckodag != 7` → "på andra dagar än söndag".
fn weekdays(op: NumberOp, v: f64) -> Option<String> {
    let d = weekday(v).map(|_| v as u8)?;
    let (first, last) = match op {
        NumberOp::Lt => (1, d.checked_sub(1)?),
        NumberOp::Le => (1, d),
        NumberOp::Gt => (d + 1, 7),
        NumberOp::Ge => (d, 7),
        NumberOp::Eq => (d, d),
        NumberOp::Ne => return Some(format!("på andra dagar än {}", WEEKDAYS[d as usize - 1])),
    };
    if first > last || first == 0 || last > 7 {
        return None;
    }
    let name = |d: u8| WEEKDAYS[d as usize - 1];
    Some(if first == last {
        format!("på {}", name(first))
    } else {
        format!("på {}–{}", name(first), name(last))
    })
}

/// `10000` → "10 000"; `2.5` → "2,5".
fn number(v: f64) -> String {
    if v.fract() == 0.0 {
        crate::numbers::sv(v, 0)
    } else {
        v.to_string().replace('.', ",")
    }
}

/// "a, b eller c".
fn join(parts: &[&str], word: &str) -> String {
    match parts {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} {word} {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use crate::{Ruleset, SourceFile, SourceMap};

    const POLICY: &str = "kundtjänst \"K\" {\n    kommun \"K\" kommunkod 1234\n    kanaler telefon, besök, chatt, e-post\n    attribut akut ja/nej fråga \"Är det akut?\", belopp tal fråga \"Hur stort är beloppet?\", kommundel text, skyddad_identitet ja/nej\n    frekvensgräns 1 per månad\n    reserv vidarekoppla till f\n}\n";

    /// Every condition, as a clause: one rule per condition in one delmoment.
    fn described(conditions: &[&str]) -> Vec<String> {
        let rules: String = conditions
            .iter()
            .map(|c| format!("            om `{c}` => vidarekoppla\n"))
            .collect();
        let forvaltning = format!(
            "förvaltning f \"F\" {{\n    ärendetyp a \"A\" {{\n        delmoment d \"Allmänna frågor\" {{\n            rosa 5\n{rules}        }}\n        delmoment e {{ rosa 5 }}\n    }}\n}}\n"
        );
        let mut sources = SourceMap::default();
        sources.add(SourceFile::new("k.rosa", POLICY));
        sources.add(SourceFile::new("f.rosa", forvaltning));
        let ruleset = Ruleset::from_sources(".", sources, vec![])
            .unwrap_or_else(|d| panic!("{}", d.render()));
        ruleset
            .rules()
            .iter()
            .map(|r| r.condition.describe(&ruleset))
            .collect()
    }

    /// Two ärendetyper with a delmoment `ansokan` of different names: a rule in each
    /// names its own.
    #[test]
    fn a_delmoment_is_named_as_in_the_rules_own_arendetyp() {
        let forvaltning = "förvaltning f \"F\" {\n    ärendetyp a \"A\" {\n        delmoment ansokan \"Ansökan om bygglov\" { rosa 5 }\n    }\n    ärendetyp b \"B\" {\n        om `delmoment == \"ansokan\"` => vidarekoppla\n        delmoment ansokan \"Ansökan om parkeringstillstånd\" {\n            rosa 5\n            om `delmoment != \"ansokan\"` => vidarekoppla\n        }\n    }\n}\n";
        let mut sources = SourceMap::default();
        sources.add(SourceFile::new("k.rosa", POLICY));
        sources.add(SourceFile::new("f.rosa", forvaltning));
        let ruleset = Ruleset::from_sources(".", sources, vec![])
            .unwrap_or_else(|d| panic!("{}", d.render()));
        let mut words: Vec<String> = ruleset
            .rules()
            .iter()
            .map(|r| r.condition.describe(&ruleset))
            .collect();
        words.sort();
        let expected = [
            "det gäller delmomentet ”Ansökan om parkeringstillstånd”",
            "det inte gäller delmomentet ”Ansökan om parkeringstillstånd”",
        ];
        assert_eq!(words, expected);
    }

    #[test]
    fn every_form_of_condition_reads_as_swedish() {
        let cases = [
            ("attr.akut", "svaret på ”Är det akut?” är ja"),
            ("!attr.akut", "svaret på ”Är det akut?” är nej"),
            ("attr.skyddad_identitet", "”skyddad identitet” gäller"),
            ("kanal == \"besök\"", "ärendet kommer via besök"),
            ("kanal != \"besök\"", "ärendet inte kommer via besök"),
            (
                "kanal in [\"besök\", \"chatt\"]",
                "ärendet kommer via chatt eller besök",
            ),
            (
                "timme < 7 || timme >= 16 || veckodag >= 6",
                "ärendet kommer före kl. 07, från kl. 16 eller på lördag–söndag",
            ),
            ("timme <= 7", "ärendet kommer före kl. 08"),
            ("timme > 16", "ärendet kommer från kl. 17"),
            ("timme == 12", "ärendet kommer kl. 12–13"),
            (
                "timme in [12, 13]",
                "ärendet kommer kl. 12–13 eller kl. 13–14",
            ),
            ("veckodag == 6", "ärendet kommer på lördag"),
            ("helgdag", "ärendet kommer på en helgdag eller stängd afton"),
            (
                "!helgdag",
                "ärendet kommer en dag som inte är helgdag eller stängd afton",
            ),
            ("timme == 24", "timmen är 24"),
            (
                "helgdag || timme >= 16",
                "ärendet kommer på en helgdag eller stängd afton eller från kl. 16",
            ),
            ("veckodag <= 5", "ärendet kommer på måndag–fredag"),
            ("veckodag != 7", "ärendet kommer på andra dagar än söndag"),
            (
                "veckodag in [6, 7]",
                "ärendet kommer på lördag eller söndag",
            ),
            ("7 > timme", "ärendet kommer före kl. 07"),
            ("minut >= 30", "minuten är minst 30"),
            (
                "attr.belopp > 10000",
                "svaret på ”Hur stort är beloppet?” är större än 10 000",
            ),
            (
                "attr.belopp <= 2.5",
                "svaret på ”Hur stort är beloppet?” är högst 2,5",
            ),
            (
                "attr.belopp != 0",
                "svaret på ”Hur stort är beloppet?” inte är 0",
            ),
            ("attr.kommundel == \"Norr\"", "”kommundel” är ”Norr”"),
            (
                "attr.kommundel in [\"Norr\", \"Syd\"]",
                "”kommundel” är ”Norr” eller ”Syd”",
            ),
            (
                "delmoment == \"d\"",
                "det gäller delmomentet ”Allmänna frågor”",
            ),
            (
                "kanal == \"besök\" && attr.akut",
                "ärendet kommer via besök och svaret på ”Är det akut?” är ja",
            ),
            (
                "attr.akut || (kanal == \"besök\" && timme >= 16)",
                "svaret på ”Är det akut?” är ja eller (ärendet kommer via besök och från kl. 16)",
            ),
            (
                "!(kanal in [\"besök\", \"chatt\"])",
                "ärendet inte kommer via chatt eller besök",
            ),
        ];
        let conditions: Vec<&str> = cases.iter().map(|c| c.0).collect();
        let words = described(&conditions);
        for ((condition, expected), got) in cases.iter().zip(&words) {
            assert_eq!(got, expected, "`{condition}`");
        }
    }
}
