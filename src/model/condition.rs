//! Guarded-rule conditions: Rhai expressions, compiled once at load in one sandboxed
//! engine and evaluated per inquiry. The sandbox has no I/O, no modules, no `eval`, no
//! loops, and limits on operations, sizes and depth, so a runaway condition ends in an
//! error (and the inquiry is forwarded), never a hang.

use super::{AttrValue, Attribute};
use crate::clock::LocalTime;
use rhai::packages::{BasicArrayPackage, BasicStringPackage, LogicPackage, Package};
use rhai::{Dynamic, Engine, ImmutableString, Map, ParseErrorType, Scope};
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// The names a condition may use, as documented in the rule-language guide.
pub(crate) const NAMES: &[&str] = &["kanal", "delmoment", "timme", "minut", "veckodag", "attr"];

const MAX_OPERATIONS: u64 = 10_000;

/// Conditions whose attributes are all typed: the types are checked before
/// evaluation, so Rhai's fast built-in operators are safe.
static FAST: LazyLock<Engine> = LazyLock::new(|| sandbox(false));
/// Conditions that read an untyped attribute: comparisons of mixed types must fail.
static STRICT: LazyLock<Engine> = LazyLock::new(|| sandbox(true));

fn sandbox(strict: bool) -> Engine {
    let mut engine = Engine::new_raw();
    engine.register_global_module(LogicPackage::new().as_shared_module());
    engine.register_global_module(BasicStringPackage::new().as_shared_module());
    engine.register_global_module(BasicArrayPackage::new().as_shared_module());
    engine
        .set_max_operations(MAX_OPERATIONS)
        .set_max_expr_depths(32)
        .set_max_string_size(4_096)
        .set_max_array_size(1_000)
        .set_max_map_size(1_000)
        .set_strict_variables(true)
        .set_fail_on_invalid_map_property(true)
        .set_allow_looping(false);
    engine.disable_symbol("eval");
    if strict {
        refuse_mixed_comparisons(&mut engine);
    }
    engine
}

/// Rhai compares values of different types as simply unequal (`"6000" > 5000` is
/// false). A rule author who compares an amount sent as text would then get a silent
/// `false`; instead, such a comparison is an error and the inquiry goes to a person.
/// Registered functions only win over Rhai's built-in operators without fast operators.
fn refuse_mixed_comparisons(engine: &mut Engine) {
    engine.set_fast_operators(false);
    macro_rules! refuse {
        ($($a:ty, $an:literal, $b:ty, $bn:literal);* $(;)?) => {$(
            for op in ["==", "!=", "<", "<=", ">", ">="] {
                engine.register_fn(op, |_: $a, _: $b| -> Result<bool, Box<rhai::EvalAltResult>> {
                    Err(format!("villkoret jämför {} med {}", $an, $bn).into())
                });
            }
        )*};
    }
    refuse!(
        ImmutableString, "text", i64, "ett tal";
        ImmutableString, "text", f64, "ett tal";
        ImmutableString, "text", bool, "sant/falskt";
        i64, "ett tal", ImmutableString, "text";
        f64, "ett tal", ImmutableString, "text";
        bool, "sant/falskt", ImmutableString, "text";
        i64, "ett tal", bool, "sant/falskt";
        f64, "ett tal", bool, "sant/falskt";
        bool, "sant/falskt", i64, "ett tal";
        bool, "sant/falskt", f64, "ett tal";
    );
}

/// What a condition reads from the inquiry, found at compile time so that a missing
/// field gives a clear reason instead of a silent `false`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Needs {
    /// The text uses `kanal`: without a channel the condition cannot be evaluated.
    pub channel: bool,
    /// The text uses `delmoment`.
    pub part: bool,
    /// The text uses `timme`, `minut` or `veckodag`: without a (valid) time the condition
    /// cannot be evaluated.
    pub time: bool,
    /// The declared attributes it reads.
    pub attributes: Vec<Attribute>,
}

/// A compiled condition: a Rhai expression over `kanal`, `delmoment`, `timme`,
/// `minut`, `veckodag` and `attr.NAME` (`docs/semantik.md` §5, §6).
#[derive(Debug, Clone)]
pub struct Condition {
    /// The condition as written between the backticks.
    pub source: String,
    /// What it reads from the inquiry.
    pub needs: Needs,
    /// Reads an untyped attribute, so it runs in the strict (slower) sandbox.
    pub(crate) strict: bool,
    ast: rhai::AST,
}

/// Why a condition does not compile. `offset` and `len` are bytes into the source.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ConditionError {
    pub unknown_name: bool,
    pub message: String,
    pub offset: usize,
    pub len: usize,
}

/// The inquiry as a condition sees it.
#[derive(Debug, Clone, Copy)]
pub struct EvalContext<'a> {
    /// `kanal`: a known channel's canonical name, an unknown one as sent; `None` when
    /// the inquiry has no channel.
    pub channel: Option<&'a str>,
    /// `delmoment`: the id of the unit decided; `None` (read as `""`) for an ärendetyp
    /// without delmoment.
    pub part: Option<&'a str>,
    /// `timme`, `minut`, `veckodag`: the inquiry's local time, if it has a valid one.
    pub time: Option<LocalTime>,
    /// `attr.NAME`: the inquiry's attributes by name.
    pub attributes: &'a BTreeMap<std::borrow::Cow<'a, str>, AttrValue>,
}

impl Condition {
    /// Compile `source`, allowing `attr.NAME` only for the declared attribute names.
    pub(crate) fn compile(
        source: &str,
        attributes: &[Attribute],
    ) -> Result<Condition, ConditionError> {
        let scanned = scan(source);
        if let Some(offset) = scanned.indexed_attr {
            return Err(ConditionError {
                unknown_name: true,
                message: "skriv `attr.namn`, inte `attr[...]`, så att namnet kan kontrolleras"
                    .into(),
                offset,
                len: 4,
            });
        }
        if let Some((name, offset)) = scanned
            .attributes
            .iter()
            .find(|(name, _)| !attributes.iter().any(|a| &a.name == name))
        {
            return Err(ConditionError {
                unknown_name: true,
                message: format!("attributet `{name}` är inte deklarerat i policyn (`attribut`)"),
                offset: *offset,
                len: name.len(),
            });
        }
        let mut needs = scanned.needs;
        for (name, _) in &scanned.attributes {
            let declared = attributes.iter().find(|a| &a.name == name);
            if let Some(a) = declared.filter(|a| !needs.attributes.contains(a)) {
                needs.attributes.push(a.clone());
            }
        }
        let strict = needs.attributes.iter().any(|a| a.kind.is_none());
        let ast = sandbox_for(strict)
            .compile_expression_with_scope(&compile_scope(), source)
            .map_err(|e| parse_error(source, &e))?;
        Ok(Condition {
            source: source.to_string(),
            needs,
            strict,
            ast,
        })
    }

    /// A condition that uses no inquiry field has the same value for every inquiry.
    pub(crate) fn constant_value(&self) -> Option<bool> {
        let n = &self.needs;
        if n.channel || n.part || n.time || !n.attributes.is_empty() {
            return None;
        }
        let empty = BTreeMap::new();
        self.eval(&EvalContext {
            channel: None,
            part: None,
            time: None,
            attributes: &empty,
        })
        .ok()
    }

    /// Evaluate for one inquiry: `Ok(true)` when the rule applies. The error is a Swedish
    /// sentence for the decision's reasons (`docs/semantik.md` §6).
    pub fn eval(&self, ctx: &EvalContext) -> Result<bool, String> {
        let mut scope = Scope::new();
        self.fill_scope(ctx, &mut scope)?;
        sandbox_for(self.strict)
            .eval_ast_with_scope::<bool>(&mut scope, &self.ast)
            .map_err(|e| eval_error(&e))
    }

    fn fill_scope(&self, ctx: &EvalContext, scope: &mut Scope) -> Result<(), String> {
        let needs = &self.needs;
        if needs.channel {
            let channel = ctx
                .channel
                .ok_or("frågan saknar kanal, som villkoret använder")?;
            scope.push_constant("kanal", channel_string(channel));
        }
        if needs.part {
            scope.push_constant("delmoment", ImmutableString::from(ctx.part.unwrap_or("")));
        }
        if needs.time {
            let time = ctx
                .time
                .ok_or("frågan saknar tid, som villkoret använder")?;
            scope.push_constant("timme", i64::from(time.hour()));
            scope.push_constant("minut", i64::from(time.minute()));
            scope.push_constant("veckodag", i64::from(time.weekday()));
        }
        if !needs.attributes.is_empty() {
            // Only the attributes the inquiry has: a missing one fails when (and only
            // when) the condition actually reads it, so `kanal == "besök" && attr.x`
            // does not need `x` for a phone call.
            let mut map = Map::new();
            for attribute in &needs.attributes {
                let Some(value) = ctx.attributes.get(attribute.name.as_str()) else {
                    continue;
                };
                if let Some(kind) = attribute.kind
                    && !kind.matches(value)
                {
                    return Err(format!(
                        "attributet `{}` ska vara {} men frågan har {}",
                        attribute.name,
                        kind.words(),
                        value.kind().words()
                    ));
                }
                map.insert(attribute.name.as_str().into(), to_dynamic(value));
            }
            scope.push_constant("attr", map);
        }
        Ok(())
    }
}

/// Shared strings for the known channel names, so that a condition on `kanal` does
/// not allocate the name for every inquiry.
static CHANNEL_STRINGS: LazyLock<Vec<ImmutableString>> = LazyLock::new(|| {
    crate::model::Channel::all()
        .map(|c| c.name().into())
        .collect()
});

fn channel_string(name: &str) -> ImmutableString {
    CHANNEL_STRINGS
        .iter()
        .find(|s| s.as_str() == name)
        .cloned()
        .unwrap_or_else(|| name.into())
}

fn sandbox_for(strict: bool) -> &'static Engine {
    if strict { &STRICT } else { &FAST }
}

pub(crate) fn serialize_source<S: serde::Serializer>(
    c: &Condition,
    s: S,
) -> Result<S::Ok, S::Error> {
    s.serialize_str(&c.source)
}

fn to_dynamic(value: &AttrValue) -> Dynamic {
    match value {
        AttrValue::Bool(b) => Dynamic::from_bool(*b),
        AttrValue::Number(n) if n.fract() == 0.0 && n.abs() < 9e15 => Dynamic::from_int(*n as i64),
        AttrValue::Number(n) => Dynamic::from_float(*n),
        AttrValue::Text(t) => Dynamic::from(ImmutableString::from(t.as_str())),
    }
}

/// Every name is declared (with a value of the right type) so that strict variables
/// reject unknown names at compile time. Plain variables, not constants: the optimiser
/// would fold the constants' stand-in values into the compiled condition.
fn compile_scope() -> Scope<'static> {
    let mut scope = Scope::new();
    scope.push("kanal", ImmutableString::new());
    scope.push("delmoment", ImmutableString::new());
    scope.push("timme", 0_i64);
    scope.push("minut", 0_i64);
    scope.push("veckodag", 0_i64);
    scope.push("attr", Map::new());
    scope
}

#[derive(Default)]
struct Scanned {
    needs: Needs,
    attributes: Vec<(String, usize)>,
    indexed_attr: Option<usize>,
}

/// Find the inquiry fields a condition reads, skipping string literals and properties.
fn scan(source: &str) -> Scanned {
    let bytes = source.as_bytes();
    let mut out = Scanned::default();
    let mut i = 0;
    let mut after_dot = false;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'"' || b == b'\'' {
            i = skip_string(bytes, i);
            after_dot = false;
        } else if b.is_ascii_alphabetic() || b == b'_' {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            if !after_dot {
                note_name(&source[start..i], start, bytes, i, &mut out);
            }
            after_dot = false;
        } else {
            if !b.is_ascii_whitespace() {
                after_dot = b == b'.';
            }
            i += 1;
        }
    }
    out
}

fn note_name(name: &str, start: usize, bytes: &[u8], end: usize, out: &mut Scanned) {
    match name {
        "kanal" => out.needs.channel = true,
        "delmoment" => out.needs.part = true,
        "timme" | "minut" | "veckodag" => out.needs.time = true,
        "attr" => {
            let mut j = end;
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            match bytes.get(j) {
                Some(b'.') => {
                    let mut k = j + 1;
                    while k < bytes.len() && bytes[k].is_ascii_whitespace() {
                        k += 1;
                    }
                    let name_start = k;
                    while k < bytes.len() && (bytes[k].is_ascii_alphanumeric() || bytes[k] == b'_')
                    {
                        k += 1;
                    }
                    if k > name_start {
                        let name = String::from_utf8_lossy(&bytes[name_start..k]).into_owned();
                        out.attributes.push((name, name_start));
                    }
                }
                _ => out.indexed_attr = out.indexed_attr.or(Some(start)),
            }
        }
        _ => {}
    }
}

fn skip_string(bytes: &[u8], start: usize) -> usize {
    let quote = bytes[start];
    let mut i = start + 1;
    while i < bytes.len() && bytes[i] != quote {
        i += if bytes[i] == b'\\' { 2 } else { 1 };
    }
    (i + 1).min(bytes.len())
}

fn parse_error(source: &str, error: &rhai::ParseError) -> ConditionError {
    let offset = byte_offset(source, error.1.line(), error.1.position()).min(source.len());
    let (unknown_name, message, len) = match error.0.as_ref() {
        ParseErrorType::VariableUndefined(name) => unknown_name(source, offset, name),
        ParseErrorType::Reserved(word) | ParseErrorType::ForbiddenVariable(word) => (
            false,
            format!("`{word}` är reserverat och får inte användas i ett villkor"),
            word.len(),
        ),
        ParseErrorType::MissingToken(token, _) => (
            false,
            format!("villkoret är ofullständigt: `{token}` saknas"),
            1,
        ),
        ParseErrorType::UnexpectedEOF | ParseErrorType::ExprExpected(_) => (
            false,
            "villkoret tar slut för tidigt: ett värde eller namn saknas".into(),
            1,
        ),
        ParseErrorType::UnknownOperator(op) => (false, format!("okänd operator `{op}`"), op.len()),
        ParseErrorType::AssignmentToConstant(_) | ParseErrorType::AssignmentToInvalidLHS(_) => (
            false,
            "ett villkor kan inte tilldela värden: jämför med `==`".into(),
            1,
        ),
        ParseErrorType::BadInput(lex) => (false, lex_error(lex), 1),
        other => (
            false,
            format!("villkoret går inte att tolka (Rhai säger: {other})"),
            1,
        ),
    };
    ConditionError {
        unknown_name,
        message,
        offset,
        len,
    }
}

/// Rhai names are ASCII, so `kanal == besök` stops at `ö`: name the whole word, and
/// say that text needs quotes.
fn unknown_name(source: &str, offset: usize, name: &str) -> (bool, String, usize) {
    let word_end = source[offset..]
        .char_indices()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
        .map_or(source.len(), |(i, _)| offset + i);
    let word = &source[offset..word_end.max(offset + name.len().min(source.len() - offset))];
    if word.len() > name.len() || !word.is_ascii() {
        return (
            true,
            format!("okänt namn `{word}`: text skrivs inom citattecken, t.ex. `\"{word}\"`"),
            word.len(),
        );
    }
    let names = NAMES
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ");
    (
        true,
        format!("okänt namn `{name}`: ett villkor kan använda {names}"),
        name.len(),
    )
}

fn lex_error(error: &rhai::LexError) -> String {
    use rhai::LexError as L;
    match error {
        L::ImproperSymbol(symbol, _) if symbol == "=" => {
            "`=` tilldelar ett värde; jämför med `==`".into()
        }
        L::ImproperSymbol(symbol, _) => format!("`{symbol}` kan inte användas i ett villkor"),
        L::UnexpectedInput(text) if text == "=" => {
            "`=` tilldelar ett värde; jämför med `==`".into()
        }
        L::UnexpectedInput(text) => format!("oväntat tecken `{text}` i villkoret"),
        L::UnterminatedString => "en text saknar avslutande citattecken".into(),
        L::StringTooLong(_) => "en text i villkoret är för lång".into(),
        L::MalformedNumber(text) => format!("`{text}` är inget giltigt tal"),
        L::MalformedIdentifier(text) => format!("`{text}` är inget giltigt namn"),
        L::MalformedEscapeSequence(text) | L::MalformedChar(text) => {
            format!("`{text}` går inte att tolka i en text")
        }
        other => format!("villkoret går inte att tolka (Rhai säger: {other})"),
    }
}

/// Rhai positions are 1-based lines and character columns.
fn byte_offset(source: &str, line: Option<usize>, column: Option<usize>) -> usize {
    let (Some(line), Some(column)) = (line, column) else {
        return 0;
    };
    let line_start: usize = source
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let rest = &source[line_start.min(source.len())..];
    line_start
        + rest
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(rest.len(), |(i, _)| i)
}

fn eval_error(error: &rhai::EvalAltResult) -> String {
    use rhai::EvalAltResult as E;
    match error {
        E::ErrorTooManyOperations(_) => {
            format!("villkoret avbröts efter {MAX_OPERATIONS} steg (gränsen för villkor)")
        }
        E::ErrorDataTooLarge(..) => "villkoret avbröts: ett värde blev för stort".into(),
        E::ErrorRuntime(message, _) => format!("villkoret kan inte beräknas: {message}"),
        E::ErrorStackOverflow(_) => "villkoret avbröts: för djup nästling".into(),
        E::ErrorMismatchOutputType(expected, actual, _) => {
            format!("villkoret gav `{actual}` men måste ge sant eller falskt ({expected})")
        }
        E::ErrorPropertyNotFound(name, _) => {
            format!("frågan saknar attributet `{name}`, som villkoret använder")
        }
        E::ErrorFunctionNotFound(sig, _) => {
            format!("villkoret kan inte beräknas: värdena passar inte ihop ({sig})")
        }
        other => format!("villkoret kan inte beräknas: {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn attrs<'a>(list: &[(&'a str, AttrValue)]) -> BTreeMap<Cow<'a, str>, AttrValue> {
        list.iter()
            .map(|&(k, ref v)| (Cow::Borrowed(k), v.clone()))
            .collect()
    }

    fn ctx<'a>(
        channel: Option<&'a str>,
        attributes: &'a BTreeMap<Cow<'a, str>, AttrValue>,
    ) -> EvalContext<'a> {
        EvalContext {
            channel,
            part: None,
            time: None,
            attributes,
        }
    }

    #[test]
    fn evaluates_channel_and_attributes() {
        let c = Condition::compile(
            r#"kanal == "besök" && attr.belopp > 5000"#,
            &["belopp".into()],
        )
        .unwrap();
        assert_eq!(c.needs.attributes, vec![Attribute::from("belopp")]);
        let a = attrs(&[("belopp", AttrValue::Number(6000.0))]);
        assert_eq!(c.eval(&ctx(Some("besök"), &a)), Ok(true));
        assert_eq!(c.eval(&ctx(Some("telefon"), &a)), Ok(false));
    }

    #[test]
    fn an_attribute_is_only_needed_when_the_condition_reads_it() {
        let c = Condition::compile(r#"kanal == "besök" && attr.akut"#, &["akut".into()]).unwrap();
        let none = BTreeMap::new();
        assert_eq!(c.eval(&ctx(Some("telefon"), &none)), Ok(false));
        assert!(
            c.eval(&ctx(Some("besök"), &none))
                .unwrap_err()
                .contains("`akut`")
        );
    }

    #[test]
    fn a_missing_attribute_is_an_error_not_false() {
        let c = Condition::compile("attr.akut", &["akut".into()]).unwrap();
        let err = c.eval(&ctx(None, &BTreeMap::new())).unwrap_err();
        assert!(err.contains("`akut`"), "{err}");
    }

    #[test]
    fn unknown_names_are_rejected_at_compile_time() {
        let e = Condition::compile("kannal == \"besök\"", &[]).unwrap_err();
        assert!(e.unknown_name && e.message.contains("`kannal`"), "{e:?}");
        let e = Condition::compile("attr.okand", &["akut".into()]).unwrap_err();
        assert_eq!((e.offset, e.len), (5, 5));
    }

    #[test]
    fn lexer_errors_are_swedish() {
        let e = Condition::compile("kanal = \"besök\"", &[]).unwrap_err();
        assert!(e.message.contains("`==`"), "{e:?}");
        let e = Condition::compile("kanal == besök", &[]).unwrap_err();
        assert!(
            e.message.contains("`besök`") && e.message.contains("citattecken"),
            "{e:?}"
        );
        assert_eq!(e.len, "besök".len());
        let e = Condition::compile("kanal == \"besök", &[]).unwrap_err();
        assert!(e.message.contains("citattecken"), "{e:?}");
    }

    #[test]
    fn sandbox_forbids_loops_and_eval_and_limits_work() {
        assert!(Condition::compile("loop { }", &[]).is_err());
        assert!(Condition::compile(r#"eval("1")"#, &[]).is_err());
        let long = format!("{}true", "!".repeat(200));
        assert!(Condition::compile(&long, &[]).is_err());
    }

    #[test]
    fn comparing_values_of_different_types_is_an_error() {
        let c = Condition::compile("attr.belopp > 5000", &["belopp".into()]).unwrap();
        let text = attrs(&[("belopp", AttrValue::Text("6 000".into()))]);
        let err = c.eval(&ctx(None, &text)).unwrap_err();
        assert!(err.contains("jämför text med ett tal"), "{err}");
        let number = attrs(&[("belopp", AttrValue::Number(6000.5))]);
        assert_eq!(c.eval(&ctx(None, &number)), Ok(true));
        let c = Condition::compile(r#"kanal == "besök""#, &[]).unwrap();
        assert_eq!(c.eval(&ctx(Some("telefon"), &BTreeMap::new())), Ok(false));
    }

    #[test]
    fn typed_attributes_are_checked_before_the_fast_sandbox_runs() {
        let belopp = Attribute {
            name: "belopp".into(),
            kind: Some(crate::model::AttrKind::Number),
        };
        let c = Condition::compile("attr.belopp > 5000", &[belopp]).unwrap();
        assert!(!c.strict);
        let text = attrs(&[("belopp", AttrValue::Text("6 000".into()))]);
        let err = c.eval(&ctx(None, &text)).unwrap_err();
        assert!(
            err.contains("ska vara ett tal men frågan har text"),
            "{err}"
        );
        let number = attrs(&[("belopp", AttrValue::Number(6000.0))]);
        assert_eq!(c.eval(&ctx(None, &number)), Ok(true));
        assert!(
            Condition::compile("attr.belopp > 5000", &["belopp".into()])
                .unwrap()
                .strict
        );
    }

    #[test]
    fn non_boolean_results_are_errors() {
        let c = Condition::compile("1 + 2", &[]).unwrap();
        assert!(c.eval(&ctx(None, &BTreeMap::new())).is_err());
    }

    #[test]
    fn constant_conditions_are_recognised() {
        assert_eq!(
            Condition::compile("true", &[]).unwrap().constant_value(),
            Some(true)
        );
        assert_eq!(
            Condition::compile("kanal == \"x\"", &[])
                .unwrap()
                .constant_value(),
            None
        );
    }
}
