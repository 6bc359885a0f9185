//! Conditions: parse (`syntax::condition`), give every name and literal a type, and
//! build the typed tree the engine evaluates. A condition whose types do not fit never
//! loads, so it can never be silently false at run time.

use super::names;
use crate::diagnostics::Code;
use crate::lang::{self, NameType};
use crate::model::condition::{Condition, Expr, MAX_NODES, Number, NumberOp};
use crate::model::{AttrKind, Attribute, Channel, ChannelSet};
use crate::syntax::condition::{self as syntax, CompareOp, Literal, LiteralValue, Range};

/// A problem with a condition, positioned in its text.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Problem {
    pub code: Code,
    pub message: String,
    pub range: Range,
    pub help: Option<String>,
}

/// A compiled condition and the delmoment ids it compares with, which the checker
/// verifies against the units the rule applies to.
pub(super) struct Compiled {
    pub condition: Condition,
    pub part_literals: Vec<(String, Range)>,
}

const HELP_TOO_LARGE: &str = "pröva många värden på en gång med `in [...]`, t.ex. `kanal in [\"besök\", \"chatt\"]`, eller dela upp villkoret i flera regler";

/// "ett villkor kan använda `kanal`, …, `veckodag` och `attr.namn` …", from the language's names.
fn help_names() -> String {
    let names: Vec<String> = lang::CONDITION_NAMES
        .iter()
        .map(|n| format!("`{}`", n.name))
        .collect();
    format!(
        "ett villkor kan använda {} och `attr.namn` för attribut som policyn deklarerar",
        names.join(", ")
    )
}

/// Longer conditions are refused before parsing, so that no text can make the parser
/// or the checker work hard: far above any real condition's size.
const MAX_BYTES: usize = 2_000;
/// Deeper nesting of parentheses and `!` is refused before parsing, for the same reason.
const MAX_DEPTH: usize = 16;

/// Compile a condition against the policy's declared attributes.
pub(super) fn compile(source: &str, attributes: &[Attribute]) -> Result<Compiled, Vec<Problem>> {
    if let Some(problem) = too_large(source) {
        return Err(vec![problem]);
    }
    let ast = syntax::parse(source).map_err(|e| {
        vec![Problem {
            code: Code::ConditionSyntax,
            message: e.message,
            range: e.range,
            help: Some(
                "ett villkor jämför t.ex. `kanal == \"besök\" && attr.belopp > 5000`; se docs/regelsprak.md".into(),
            ),
        }]
    })?;
    let mut typer = Typer {
        attributes,
        problems: Vec::new(),
        part_literals: Vec::new(),
        nodes: 0,
    };
    let expr = typer.condition(&ast);
    if typer.nodes > MAX_NODES {
        typer.problems.push(Problem {
            code: Code::ConditionTooLarge,
            message: format!(
                "villkoret är för stort: {} delar, högst {MAX_NODES}",
                typer.nodes
            ),
            range: (0, source.len()),
            help: Some(HELP_TOO_LARGE.into()),
        });
    }
    match expr {
        Some(expr) if typer.problems.is_empty() => Ok(Compiled {
            condition: Condition {
                source: source.to_string(),
                expr,
                cost: typer.nodes,
            },
            part_literals: typer.part_literals,
        }),
        _ => Err(typer.problems),
    }
}

fn too_large(source: &str) -> Option<Problem> {
    // Parentheses open and `!` in a row (not `!=`) each add a level.
    let (mut depth, mut nots, mut deepest, mut in_text) = (0usize, 0usize, 0usize, false);
    let mut chars = source.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => in_text = !in_text,
            _ if in_text => {}
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            '!' if chars.peek() != Some(&'=') => nots += 1,
            c if c.is_whitespace() => {}
            _ => nots = 0,
        }
        deepest = deepest.max(depth + nots);
    }
    let message = if source.len() > MAX_BYTES {
        format!(
            "villkoret är för stort: {} tecken, högst {MAX_BYTES}",
            source.chars().count()
        )
    } else if deepest > MAX_DEPTH {
        format!("villkoret är för djupt nästlat: högst {MAX_DEPTH} parenteser eller `!` i varandra")
    } else {
        return None;
    };
    Some(Problem {
        code: Code::ConditionTooLarge,
        message,
        range: (0, source.len()),
        help: Some(HELP_TOO_LARGE.into()),
    })
}

/// What an operand is, once its name is known.
enum Typed {
    Bool(Expr),
    Number(Number, Range),
    Text(TextTerm, Range),
    Channel(Range),
    Part(Range),
    /// An unknown bare name, already reported unless it may still be explained by
    /// the comparison it stands in (`attr.akut == ja`).
    Unknown(String, Range),
}

enum TextTerm {
    Literal(String),
    Attribute(String),
}

struct Typer<'a> {
    attributes: &'a [Attribute],
    problems: Vec<Problem>,
    part_literals: Vec<(String, Range)>,
    nodes: u32,
}

impl Typer<'_> {
    fn problem(&mut self, code: Code, range: Range, message: String, help: Option<String>) {
        self.problems.push(Problem {
            code,
            message,
            range,
            help,
        });
    }

    /// The whole condition, or a part of `&&`, `||`, `!`: must be ja/nej.
    fn condition(&mut self, e: &syntax::Expr) -> Option<Expr> {
        self.nodes += 1;
        match e {
            syntax::Expr::Or(parts) => self.all(parts).map(|p| Expr::Or(p.into())),
            syntax::Expr::And(parts) => self.all(parts).map(|p| Expr::And(p.into())),
            syntax::Expr::Not(inner, _) => self.condition(inner).map(|e| Expr::Not(Box::new(e))),
            _ => {
                self.nodes -= 1;
                let typed = self.operand(e)?;
                self.as_condition(typed)
            }
        }
    }

    fn all(&mut self, parts: &[syntax::Expr]) -> Option<Vec<Expr>> {
        let typed: Vec<Option<Expr>> = parts.iter().map(|p| self.condition(p)).collect();
        typed.into_iter().collect()
    }

    fn as_condition(&mut self, typed: Typed) -> Option<Expr> {
        let (what, range, help) = match typed {
            Typed::Bool(e) => return Some(e),
            Typed::Unknown(name, range) => {
                self.unknown_name(&name, range, None);
                return None;
            }
            Typed::Number(_, r) => (
                "ett tal",
                r,
                "jämför talet, t.ex. `attr.belopp > 5000` eller `timme >= 16`",
            ),
            Typed::Text(_, r) => (
                "text",
                r,
                "jämför texten, t.ex. `attr.kommundel == \"Norr\"`",
            ),
            Typed::Channel(r) => ("en kanal", r, "skriv t.ex. `kanal == \"besök\"`"),
            Typed::Part(r) => ("ett delmoment", r, "skriv t.ex. `delmoment == \"ansokan\"`"),
        };
        self.problem(
            Code::ConditionType,
            range,
            format!("här behövs ja eller nej, men det här är {what}"),
            Some(help.into()),
        );
        None
    }

    fn operand(&mut self, e: &syntax::Expr) -> Option<Typed> {
        self.nodes += 1;
        match e {
            syntax::Expr::Or(_) | syntax::Expr::And(_) | syntax::Expr::Not(..) => {
                self.nodes -= 1;
                self.condition(e).map(Typed::Bool)
            }
            syntax::Expr::Compare(op, left, right, range) => self.compare(*op, left, right, *range),
            syntax::Expr::In(value, list, range) => self.within(value, list, *range),
            syntax::Expr::Literal(l) => Some(self.literal(l)),
            syntax::Expr::Name(name, range) => Some(self.name(name, *range)),
            syntax::Expr::Attr(name, range) => self.attribute(name, *range),
            syntax::Expr::Call(name, range) => {
                self.problem(
                    Code::ConditionFunction,
                    *range,
                    format!("funktionen `{name}` kan inte användas i ett villkor"),
                    Some("ett villkor jämför värden med `==`, `!=`, `<`, `<=`, `>`, `>=` och `in [...]`, och kombinerar med `&&`, `||` och `!`; inga funktioner".into()),
                );
                None
            }
        }
    }

    fn literal(&mut self, l: &Literal) -> Typed {
        match &l.value {
            LiteralValue::Text(t) => Typed::Text(TextTerm::Literal(t.clone()), l.range),
            LiteralValue::Number(n) => Typed::Number(Number::Literal(*n), l.range),
            LiteralValue::Bool(b) => Typed::Bool(Expr::Const(*b)),
        }
    }

    fn name(&mut self, name: &str, range: Range) -> Typed {
        match lang::condition_name(name).map(|n| n.kind) {
            Some(NameType::Channel) => Typed::Channel(range),
            Some(NameType::Part) => Typed::Part(range),
            Some(NameType::Hour) => Typed::Number(Number::Hour, range),
            Some(NameType::Minute) => Typed::Number(Number::Minute, range),
            Some(NameType::Weekday) => Typed::Number(Number::Weekday, range),
            Some(NameType::Holiday) => Typed::Bool(Expr::Holiday),
            None => Typed::Unknown(name.to_string(), range),
        }
    }

    fn unknown_name(&mut self, name: &str, range: Range, hint: Option<String>) {
        let declared = self.attributes.iter().any(|a| a.name == name);
        let help = if let Some(hint) = hint {
            hint
        } else if declared {
            format!("attribut skrivs med `attr.` framför: `attr.{name}`")
        } else if let Some(close) =
            names::suggest(name, lang::CONDITION_NAMES.iter().map(|n| n.name))
        {
            format!("{}. Menade du `{close}`?", help_names())
        } else {
            format!(
                "text skrivs inom citattecken, t.ex. `\"{name}\"`; {}",
                help_names()
            )
        };
        self.problem(
            Code::ConditionName,
            range,
            format!("okänt namn `{name}`"),
            Some(help),
        );
    }

    fn attribute(&mut self, name: &str, range: Range) -> Option<Typed> {
        let Some(attribute) = self.attributes.iter().find(|a| a.name == name) else {
            let declared: Vec<&str> = self.attributes.iter().map(|a| a.name.as_str()).collect();
            let close = names::did_you_mean(name, declared.iter().copied());
            self.problem(
                Code::ConditionName,
                range,
                format!("attributet `{name}` är inte deklarerat i policyn (`attribut`)"),
                Some(format!(
                    "deklarera det i policyn med sin typ, t.ex. `attribut {name} ja/nej` (typerna är `tal`, `text` och `ja/nej`).{close}"
                )),
            );
            return None;
        };
        let name = name.to_string();
        Some(match attribute.kind {
            Some(AttrKind::Bool) => Typed::Bool(Expr::Flag(name.into())),
            Some(AttrKind::Number) => Typed::Number(Number::Attribute(name.into()), range),
            Some(AttrKind::Text) => Typed::Text(TextTerm::Attribute(name), range),
            // Reported where it is declared (R0026).
            None => {
                return None;
            }
        })
    }

    fn compare(
        &mut self,
        op: CompareOp,
        left: &syntax::Expr,
        right: &syntax::Expr,
        range: Range,
    ) -> Option<Typed> {
        let (l, r) = (self.operand(left), self.operand(right));
        let (l, r) = (l?, r?);
        let negate = op == CompareOp::Ne;
        let expr = match (l, r) {
            (Typed::Number(a, _), Typed::Number(b, _)) => number(op, a, b),
            (Typed::Channel(_), Typed::Text(TextTerm::Literal(t), tr))
            | (Typed::Text(TextTerm::Literal(t), tr), Typed::Channel(_)) => {
                self.equality(op, range, "kanaler")?;
                let channel = self.channel(&t, tr)?;
                Expr::Channel {
                    any_of: std::iter::once(channel).collect(),
                    negate,
                }
            }
            (Typed::Part(_), Typed::Text(TextTerm::Literal(t), tr))
            | (Typed::Text(TextTerm::Literal(t), tr), Typed::Part(_)) => {
                self.equality(op, range, "delmoment")?;
                self.part_literals.push((t.clone(), tr));
                Expr::Part {
                    any_of: vec![t.into_boxed_str()].into(),
                    negate,
                }
            }
            (Typed::Text(a, _), Typed::Text(b, _)) => {
                self.equality(op, range, "texter")?;
                match (a, b) {
                    (TextTerm::Literal(x), TextTerm::Literal(y)) => Expr::Const((x == y) != negate),
                    (TextTerm::Attribute(name), TextTerm::Literal(t))
                    | (TextTerm::Literal(t), TextTerm::Attribute(name)) => Expr::Text {
                        attribute: name.into(),
                        any_of: vec![t.into_boxed_str()].into(),
                        negate,
                    },
                    (TextTerm::Attribute(x), TextTerm::Attribute(y)) => Expr::TextPair {
                        left: x.into(),
                        right: y.into(),
                        negate,
                    },
                }
            }
            (Typed::Bool(a), Typed::Bool(b)) => {
                self.equality(op, range, "ja/nej-värden")?;
                match (constant_of(&a), constant_of(&b)) {
                    (_, Some(want)) => maybe_not(a, want == negate),
                    (Some(want), _) => maybe_not(b, want == negate),
                    _ => Expr::Same {
                        left: Box::new(a),
                        right: Box::new(b),
                        negate,
                    },
                }
            }
            (l, r) => return self.mismatch(op, l, r, left, right),
        };
        Some(Typed::Bool(expr))
    }

    fn within(&mut self, value: &syntax::Expr, list: &[Literal], range: Range) -> Option<Typed> {
        self.nodes += list.len() as u32;
        let typed = self.operand(value)?;
        let texts = |list: &[Literal]| -> Option<Vec<(String, Range)>> {
            list.iter()
                .map(|l| match &l.value {
                    LiteralValue::Text(t) => Some((t.clone(), l.range)),
                    _ => None,
                })
                .collect()
        };
        let expr = match typed {
            Typed::Channel(_) => {
                let Some(items) = texts(list) else {
                    return self.list_type(range, "kanaler inom citattecken");
                };
                let mut set = Vec::new();
                for (t, r) in items {
                    set.push(self.channel(&t, r));
                }
                let set: Option<Vec<Channel>> = set.into_iter().collect();
                Expr::Channel {
                    any_of: set?.into_iter().collect::<ChannelSet>(),
                    negate: false,
                }
            }
            Typed::Part(_) => {
                let Some(items) = texts(list) else {
                    return self.list_type(range, "delmoment inom citattecken");
                };
                self.part_literals.extend(items.iter().cloned());
                Expr::Part {
                    any_of: items.into_iter().map(|(t, _)| t.into_boxed_str()).collect(),
                    negate: false,
                }
            }
            Typed::Text(TextTerm::Attribute(name), _) => {
                let Some(items) = texts(list) else {
                    return self.list_type(range, "texter inom citattecken");
                };
                Expr::Text {
                    attribute: name.into(),
                    any_of: items.into_iter().map(|(t, _)| t.into_boxed_str()).collect(),
                    negate: false,
                }
            }
            Typed::Number(n, _) => {
                let numbers: Option<Vec<f64>> = list
                    .iter()
                    .map(|l| match l.value {
                        LiteralValue::Number(v) => Some(v),
                        _ => None,
                    })
                    .collect();
                let Some(numbers) = numbers else {
                    return self.list_type(range, "tal");
                };
                Expr::NumberIn {
                    value: n,
                    any_of: numbers.into(),
                    negate: false,
                }
            }
            Typed::Unknown(name, r) => {
                self.unknown_name(&name, r, None);
                return None;
            }
            Typed::Bool(_) | Typed::Text(TextTerm::Literal(_), _) => {
                self.problem(
                    Code::ConditionType,
                    range,
                    "`in [...]` prövar ett namn mot en lista av värden".into(),
                    Some("skriv t.ex. `kanal in [\"besök\", \"chatt\"]`".into()),
                );
                return None;
            }
        };
        Some(Typed::Bool(expr))
    }

    fn list_type(&mut self, range: Range, what: &str) -> Option<Typed> {
        self.problem(
            Code::ConditionType,
            range,
            format!("listan ska bara innehålla {what}"),
            Some("skriv alla värden i listan på samma sätt, t.ex. `kanal in [\"besök\", \"chatt\"]` eller `veckodag in [6, 7]`".into()),
        );
        None
    }

    /// Kanal, delmoment, text and ja/nej values are equal or not; only numbers have an
    /// order.
    fn equality(&mut self, op: CompareOp, range: Range, what: &str) -> Option<()> {
        if op.is_equality() {
            return Some(());
        }
        self.problem(
            Code::ConditionType,
            range,
            format!(
                "`{}` kan bara jämföra tal; {what} jämförs med `==` eller `!=`",
                op.symbol()
            ),
            None,
        );
        None
    }

    /// A channel literal must name a channel rosa knows; `telefn` would never match.
    fn channel(&mut self, text: &str, range: Range) -> Option<Channel> {
        if let Some(c) = Channel::parse(text) {
            return Some(c);
        }
        let known: Vec<&str> = Channel::all().map(Channel::name).collect();
        let close = names::did_you_mean(text, known.iter().copied());
        self.problem(
            Code::ConditionImpossible,
            range,
            format!("kanalen `{text}` finns inte, så jämförelsen kan aldrig stämma"),
            Some(format!("kända kanaler: {}.{close}", known.join(", "))),
        );
        None
    }

    fn mismatch(
        &mut self,
        op: CompareOp,
        l: Typed,
        r: Typed,
        left: &syntax::Expr,
        right: &syntax::Expr,
    ) -> Option<Typed> {
        // `attr.akut == "ja"` or `attr.akut == ja`: say how it is written.
        for (flag, other) in [(&l, &r), (&r, &l)] {
            let Typed::Bool(Expr::Flag(name)) = flag else {
                continue;
            };
            let word = match other {
                Typed::Text(TextTerm::Literal(t), range) => Some((t.as_str(), *range)),
                Typed::Unknown(n, range) => Some((n.as_str(), *range)),
                _ => None,
            };
            if let Some((word, range)) = word {
                let yes = matches!(word, "ja" | "sant" | "true" | "Ja" | "JA");
                let no = matches!(word, "nej" | "falskt" | "false" | "Nej" | "NEJ");
                if yes || no {
                    let positive = yes == (op == CompareOp::Eq);
                    let fix = if positive {
                        format!("attr.{name}")
                    } else {
                        format!("!attr.{name}")
                    };
                    self.problem(
                        Code::ConditionType,
                        range,
                        format!("`attr.{name}` är ja/nej och jämförs inte med `{word}`"),
                        Some(format!("skriv `{fix}`")),
                    );
                    return None;
                }
            }
        }
        for t in [&l, &r] {
            if let Typed::Unknown(name, range) = t {
                self.unknown_name(name, *range, None);
                return None;
            }
        }
        let (lw, lr) = words(&l, left);
        let (rw, rr) = words(&r, right);
        let help = match (&l, &r) {
            (Typed::Number(..), Typed::Text(TextTerm::Literal(t), _))
            | (Typed::Text(TextTerm::Literal(t), _), Typed::Number(..))
                if t.trim().replace([' ', '\u{a0}'], "").parse::<f64>().is_ok() =>
            {
                Some(format!(
                    "skriv talet utan citattecken: `{}`",
                    t.replace([' ', '\u{a0}'], "")
                ))
            }
            (Typed::Channel(_), _) | (_, Typed::Channel(_)) => {
                Some("kanalen jämförs med ett kanalnamn inom citattecken, t.ex. `kanal == \"telefon\"`".into())
            }
            (Typed::Part(_), _) | (_, Typed::Part(_)) => {
                Some("delmomentet jämförs med ett delmoments id inom citattecken, t.ex. `delmoment == \"ansokan\"`".into())
            }
            _ => None,
        };
        self.problem(
            Code::ConditionType,
            (lr.0.min(rr.0), lr.1.max(rr.1)),
            format!(
                "`{}` jämför {lw} med {rw}, och det blir aldrig sant",
                op.symbol()
            ),
            help,
        );
        None
    }
}

/// How an operand is described in a message, and its range.
fn words(t: &Typed, e: &syntax::Expr) -> (&'static str, Range) {
    let range = match e {
        syntax::Expr::Literal(l) => l.range,
        syntax::Expr::Name(_, r) | syntax::Expr::Attr(_, r) | syntax::Expr::Call(_, r) => *r,
        syntax::Expr::Compare(_, _, _, r) | syntax::Expr::In(_, _, r) | syntax::Expr::Not(_, r) => {
            *r
        }
        syntax::Expr::Or(_) | syntax::Expr::And(_) => (0, 0),
    };
    let word = match t {
        Typed::Bool(_) => "ja/nej",
        Typed::Number(..) => "ett tal",
        Typed::Text(..) => "text",
        Typed::Channel(_) => "en kanal",
        Typed::Part(_) => "ett delmoment",
        Typed::Unknown(..) => "ett okänt namn",
    };
    (word, range)
}

fn number(op: CompareOp, a: Number, b: Number) -> Expr {
    let op = match op {
        CompareOp::Eq => NumberOp::Eq,
        CompareOp::Ne => NumberOp::Ne,
        CompareOp::Lt => NumberOp::Lt,
        CompareOp::Le => NumberOp::Le,
        CompareOp::Gt => NumberOp::Gt,
        CompareOp::Ge => NumberOp::Ge,
    };
    if let (Number::Literal(x), Number::Literal(y)) = (&a, &b) {
        return Expr::Const(op.apply(*x, *y));
    }
    Expr::Number {
        op,
        left: a,
        right: b,
    }
}

fn constant_of(e: &Expr) -> Option<bool> {
    match e {
        Expr::Const(b) => Some(*b),
        _ => None,
    }
}

fn maybe_not(e: Expr, not: bool) -> Expr {
    if not { Expr::Not(Box::new(e)) } else { e }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(source: &str) -> Vec<Code> {
        let attributes = [
            Attribute {
                name: "akut".into(),
                kind: Some(AttrKind::Bool),
            },
            Attribute {
                name: "belopp".into(),
                kind: Some(AttrKind::Number),
            },
        ];
        match compile(source, &attributes) {
            Ok(_) => Vec::new(),
            Err(problems) => problems.into_iter().map(|p| p.code).collect(),
        }
    }

    #[test]
    fn hostile_sizes_are_refused_before_parsing() {
        let deep = format!("{}attr.akut{}", "(".repeat(10_000), ")".repeat(10_000));
        assert_eq!(codes(&deep), [Code::ConditionTooLarge]);
        let nots = format!("{}attr.akut", "!".repeat(10_000));
        assert_eq!(codes(&nots), [Code::ConditionTooLarge]);
        let long = vec!["attr.akut"; 1_000].join(" || ");
        assert_eq!(codes(&long), [Code::ConditionTooLarge]);
        // Nesting within the limit is fine, and `!=` is not a `!`.
        assert!(codes("!(!(attr.akut)) && attr.belopp != 3").is_empty());
    }

    #[test]
    fn a_condition_is_at_most_a_hundred_parts() {
        let parts = |n: usize| vec!["attr.belopp > 1"; n].join(" || ");
        assert!(codes(&parts(33)).is_empty());
        assert_eq!(codes(&parts(34)), [Code::ConditionTooLarge]);
    }
}
