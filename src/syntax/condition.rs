//! A guarded rule's condition text → its syntax tree, with the grammar in
//! `grammar/villkor.pest`. Offsets are bytes into the condition text; the checker adds
//! the condition's place in the file.

use pest::Parser as _;
use pest::iterators::Pair;

#[derive(pest_derive::Parser)]
#[grammar = "grammar/villkor.pest"]
struct ConditionParser;

/// A byte range in the condition text.
pub(crate) type Range = (usize, usize);

/// A condition as written.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    /// `a || b || …`
    Or(Vec<Expr>),
    /// `a && b && …`
    And(Vec<Expr>),
    /// `!a`; the range covers the `!`.
    Not(Box<Expr>, Range),
    /// `a == b`, `a < b` …; the range covers the operator.
    Compare(CompareOp, Box<Expr>, Box<Expr>, Range),
    /// `a in [x, y]`; the range covers the list.
    In(Box<Expr>, Vec<Literal>, Range),
    /// A literal value.
    Literal(Literal),
    /// A bare name: `kanal`, `timme` … or something unknown.
    Name(String, Range),
    /// `attr.namn`; the range covers the whole reference.
    Attr(String, Range),
    /// `namn(…)`, never allowed; the range covers the name.
    Call(String, Range),
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CompareOp {
    pub(crate) fn symbol(self) -> &'static str {
        match self {
            CompareOp::Eq => "==",
            CompareOp::Ne => "!=",
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
        }
    }

    pub(crate) fn is_equality(self) -> bool {
        matches!(self, CompareOp::Eq | CompareOp::Ne)
    }
}

/// A literal and where it stands.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Literal {
    pub value: LiteralValue,
    pub range: Range,
}

/// The value of a literal.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum LiteralValue {
    Text(String),
    Number(f64),
    Bool(bool),
}

/// Why a condition does not parse: a Swedish message and where.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SyntaxError {
    pub message: String,
    pub range: Range,
}

/// Parse a condition.
pub(crate) fn parse(text: &str) -> Result<Expr, SyntaxError> {
    let mut pairs =
        ConditionParser::parse(Rule::condition, text).map_err(|e| syntax_error(text, &e))?;
    let condition = pairs.next().expect("`condition` always yields one pair");
    let expr = condition
        .into_inner()
        .next()
        .expect("a condition holds one expression");
    Ok(build(expr))
}

fn build(pair: Pair<Rule>) -> Expr {
    match pair.as_rule() {
        Rule::or_expr => list(pair, Expr::Or),
        Rule::and_expr => list(pair, Expr::And),
        Rule::comparison => comparison(pair),
        Rule::unary => unary(pair),
        Rule::paren => build(first(pair)),
        Rule::string | Rule::number | Rule::boolean => Expr::Literal(literal(pair)),
        Rule::attr_ref => {
            let range = range(&pair);
            let name = first(pair).as_str().to_string();
            Expr::Attr(name, range)
        }
        Rule::call => {
            let name = first(pair);
            Expr::Call(name.as_str().to_string(), range(&name))
        }
        Rule::name => Expr::Name(pair.as_str().to_string(), range(&pair)),
        rule => unreachable!("the grammar gives no {rule:?} here"),
    }
}

/// `a op b op c` with one operator: a single operand stands for itself.
fn list(pair: Pair<Rule>, make: fn(Vec<Expr>) -> Expr) -> Expr {
    let mut parts: Vec<Expr> = pair
        .into_inner()
        .filter(|p| !matches!(p.as_rule(), Rule::or_op | Rule::and_op))
        .map(build)
        .collect();
    if parts.len() == 1 {
        parts.pop().expect("one part")
    } else {
        make(parts)
    }
}

fn comparison(pair: Pair<Rule>) -> Expr {
    let mut inner = pair.into_inner();
    let left = build(inner.next().expect("a comparison starts with an operand"));
    let Some(op) = inner.next() else {
        return left;
    };
    let right = inner.next().expect("an operator has a right side");
    if op.as_rule() == Rule::in_op {
        let list_range = range(&right);
        let items = right.into_inner().map(literal).collect();
        return Expr::In(Box::new(left), items, list_range);
    }
    let symbol = match op.as_str() {
        "==" => CompareOp::Eq,
        "!=" => CompareOp::Ne,
        "<" => CompareOp::Lt,
        "<=" => CompareOp::Le,
        ">" => CompareOp::Gt,
        _ => CompareOp::Ge,
    };
    Expr::Compare(symbol, Box::new(left), Box::new(build(right)), range(&op))
}

fn unary(pair: Pair<Rule>) -> Expr {
    let mut nots = Vec::new();
    let mut operand = None;
    for p in pair.into_inner() {
        if p.as_rule() == Rule::not_op {
            nots.push(range(&p));
        } else {
            operand = Some(build(p));
        }
    }
    let mut expr = operand.expect("a unary expression has an operand");
    for not in nots.into_iter().rev() {
        expr = Expr::Not(Box::new(expr), not);
    }
    expr
}

fn literal(pair: Pair<Rule>) -> Literal {
    let range = range(&pair);
    let value = match pair.as_rule() {
        Rule::string => LiteralValue::Text(first(pair).as_str().to_string()),
        Rule::number => LiteralValue::Number(pair.as_str().parse().unwrap_or(f64::NAN)),
        _ => LiteralValue::Bool(pair.as_str() == "true"),
    };
    Literal { value, range }
}

fn first(pair: Pair<Rule>) -> Pair<Rule> {
    pair.into_inner()
        .next()
        .expect("the grammar guarantees an inner pair")
}

fn range(pair: &Pair<Rule>) -> Range {
    (pair.as_span().start(), pair.as_span().end())
}

fn syntax_error(text: &str, error: &pest::error::Error<Rule>) -> SyntaxError {
    let pos = match error.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    let rest = &text[pos.min(text.len())..];
    let found: String = rest
        .chars()
        .take_while(|c| !c.is_whitespace())
        .take(20)
        .collect();
    let end = pos
        + found
            .len()
            .max(rest.chars().next().map_or(0, char::len_utf8));
    let before = text[..pos.min(text.len())].trim_end();
    let word: String = found.chars().take_while(|c| c.is_alphanumeric()).collect();
    let message = match found.chars().next() {
        None if pos == 0 => "villkoret är tomt".to_string(),
        None if text.matches('(').count() > text.matches(')').count() => {
            "en `)` saknas".to_string()
        }
        _ if matches!(word.as_str(), "and" | "och") => "skriv `&&` för ”och”".to_string(),
        _ if matches!(word.as_str(), "or" | "eller") => "skriv `||` för ”eller”".to_string(),
        _ if matches!(word.as_str(), "not" | "inte") => "skriv `!` för ”inte”".to_string(),
        Some(c) if c.is_ascii_digit() && before.ends_with(|b: char| b.is_ascii_digit()) => {
            let number: String = before
                .chars()
                .rev()
                .take_while(|b| b.is_ascii_digit() || *b == ' ')
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            format!(
                "skriv talet utan mellanslag: `{}{}`",
                number.trim().replace(' ', ""),
                found
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect::<String>()
            )
        }
        Some(',') if before.ends_with(|b: char| b.is_ascii_digit()) => {
            "decimaltal skrivs med punkt i villkor, t.ex. `0.5`".to_string()
        }
        Some('<' | '>' | '=' | '!')
            if found.starts_with(['<', '>'])
                || found.starts_with("==")
                || found.starts_with("!=") =>
        {
            "jämförelser kan inte kedjas: skriv t.ex. `timme > 8 && timme < 17`".to_string()
        }
        None => format!("villkoret slutar för tidigt: {}", expected(error)),
        Some('+' | '*' | '/' | '%') | Some('-') if !found.starts_with("->") => format!(
            "villkor kan inte räkna (`{found}`): jämför med ett tal i stället, t.ex. `attr.belopp > 5000`"
        ),
        Some('=') if !found.starts_with("==") => {
            "skriv `==` för att jämföra (ett `=` ensamt ger inget villkor)".to_string()
        }
        Some('&') if !found.starts_with("&&") => "skriv `&&` för ”och”".to_string(),
        Some('|') if !found.starts_with("||") => "skriv `||` för ”eller”".to_string(),
        Some('\'') => "text skrivs inom raka dubbla citattecken: `\"besök\"`".to_string(),
        Some('“' | '”') => {
            "använd raka citattecken `\"…\"`, inte “…” från ett ordbehandlingsprogram".to_string()
        }
        _ => format!("{}, men hittade `{found}`", expected(error)),
    };
    SyntaxError {
        message,
        range: (pos, end.min(text.len())),
    }
}

/// "väntade mig …" from what pest would have accepted, in the author's words.
fn expected(error: &pest::error::Error<Rule>) -> String {
    let pest::error::ErrorVariant::ParsingError { positives, .. } = &error.variant else {
        return "väntade mig något annat".to_string();
    };
    let mut words: Vec<&str> = Vec::new();
    for rule in positives {
        let word = match rule {
            Rule::or_op | Rule::and_op => "`&&` eller `||`",
            Rule::cmp_op | Rule::in_op => "en jämförelse (`==`, `!=`, `<`, `>`, `in`)",
            Rule::EOI => "slutet på villkoret",
            Rule::list => "en lista, t.ex. `[\"besök\", \"telefon\"]`",
            Rule::string | Rule::number | Rule::boolean => "ett värde",
            Rule::not_op
            | Rule::paren
            | Rule::attr_ref
            | Rule::call
            | Rule::name
            | Rule::unary
            | Rule::comparison => "ett namn eller ett värde",
            _ => continue,
        };
        if !words.contains(&word) {
            words.push(word);
        }
    }
    match words.as_slice() {
        [] => "väntade mig något annat".to_string(),
        [one] => format!("väntade mig {one}"),
        [init @ .., last] => format!("väntade mig {} eller {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(text: &str) -> String {
        fn s(e: &Expr) -> String {
            match e {
                Expr::Or(v) => format!("or({})", v.iter().map(s).collect::<Vec<_>>().join(",")),
                Expr::And(v) => format!("and({})", v.iter().map(s).collect::<Vec<_>>().join(",")),
                Expr::Not(e, _) => format!("not({})", s(e)),
                Expr::Compare(op, a, b, _) => format!("{}{}{}", s(a), op.symbol(), s(b)),
                Expr::In(a, l, _) => format!("{} in {}", s(a), l.len()),
                Expr::Literal(l) => format!("{:?}", l.value),
                Expr::Name(n, _) => n.clone(),
                Expr::Attr(n, _) => format!("attr.{n}"),
                Expr::Call(n, _) => format!("{n}()"),
            }
        }
        match parse(text) {
            Ok(e) => s(&e),
            Err(e) => format!("error: {}", e.message),
        }
    }

    #[test]
    fn precedence_is_or_and_comparison_not() {
        assert_eq!(
            shape(r#"kanal == "besök" && attr.skyddad || !attr.akut"#),
            r#"or(and(kanal==Text("besök"),attr.skyddad),not(attr.akut))"#
        );
        assert_eq!(shape("!attr.a == true"), "not(attr.a)==Bool(true)");
        assert_eq!(shape("(timme < 8)"), "timme<Number(8.0)");
        assert_eq!(shape(r#"kanal in ["besök", "chatt",]"#), "kanal in 2");
    }

    #[test]
    fn swedish_letters_in_attribute_names() {
        assert_eq!(shape("attr.brådskande"), "attr.brådskande");
    }

    #[test]
    fn natural_slips_get_targeted_messages() {
        assert!(shape("attr.belopp + 1").contains("kan inte räkna"));
        assert!(shape("kanal = \"besök\"").contains("`==`"));
        assert!(shape("kanal == “besök”").contains("raka citattecken"));
        assert!(shape("").contains("tomt"));
        assert!(shape("kanal ==").contains("slutar för tidigt"));
        assert!(shape("attr.a & attr.b").contains("`&&`"));
    }

    #[test]
    fn ranges_point_into_the_text() {
        let Expr::Compare(_, left, right, op) = parse("timme >= 16").expect("parses") else {
            panic!("a comparison");
        };
        assert_eq!(op, (6, 8));
        assert_eq!(*left, Expr::Name("timme".into(), (0, 5)));
        let Expr::Literal(l) = *right else { panic!() };
        assert_eq!(l.range, (9, 11));
    }
}
