//! Guarded-rule conditions, typed at load and evaluated natively: a small tree over
//! the inquiry's channel, delmoment, time and declared attributes. The checker
//! (`check::condition`) builds it from `grammar/villkor.pest` and rejects every
//! condition whose types do not fit, so evaluation meets only one kind of surprise:
//! an input that is missing or has the wrong type, which forwards the inquiry to a
//! person (docs/semantik.md §5–§6).
//!
//! Inputs are read only when evaluation reaches them, `&&` and `||` short-circuit, and
//! a condition's cost is bounded by its size (no loops, no functions), so every
//! decision's cost is known at load.

use super::{AttrKind, AttrValue, Channel, ChannelSet};
use crate::calendar::{self, DaysOff};
use crate::clock::{LocalTime, TimeError};
use std::borrow::Cow;
use std::cell::{Cell, OnceCell};
use std::collections::BTreeMap;
use std::fmt;

/// At most this many nodes in one condition: its worst-case evaluation cost.
pub(crate) const MAX_NODES: u32 = 100;

/// At most this many node visits in one decision, over every rule tried. A decision
/// that reaches it is forwarded; with at most 100 nodes per condition that takes more
/// than 100 conditions on one unit.
pub const DECISION_BUDGET: u32 = 10_000;

/// A compiled condition.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// The condition as written between the backticks.
    pub source: String,
    pub(crate) expr: Expr,
    /// Nodes in the tree: at most this many visits to evaluate it.
    pub(crate) cost: u32,
}

/// A comparison of numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NumberOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl NumberOp {
    /// Compare two numbers.
    pub(crate) fn apply(self, a: f64, b: f64) -> bool {
        match self {
            NumberOp::Eq => a == b,
            NumberOp::Ne => a != b,
            NumberOp::Lt => a < b,
            NumberOp::Le => a <= b,
            NumberOp::Gt => a > b,
            NumberOp::Ge => a >= b,
        }
    }
}

/// A typed condition tree. Every comparison is resolved to the types it compares.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    Const(bool),
    Not(Box<Expr>),
    And(Box<[Expr]>),
    Or(Box<[Expr]>),
    /// A ja/nej attribute: `attr.akut`.
    Flag(Box<str>),
    /// `helgdag`: the inquiry's local date is a day off under the policy's `stängt`.
    Holiday,
    /// `kanal == "besök"`, `kanal in [...]`, and with `negate`, `!=`.
    Channel {
        any_of: ChannelSet,
        negate: bool,
    },
    /// `delmoment == "x"`, `delmoment in [...]`.
    Part {
        any_of: Box<[Box<str>]>,
        negate: bool,
    },
    /// A text attribute against literals: `attr.kommundel == "Norr"`, `in [...]`.
    Text {
        attribute: Box<str>,
        any_of: Box<[Box<str>]>,
        negate: bool,
    },
    /// Two text attributes: `attr.a == attr.b`.
    TextPair {
        left: Box<str>,
        right: Box<str>,
        negate: bool,
    },
    /// Numbers: time fields, number attributes and literals.
    Number {
        op: NumberOp,
        left: Number,
        right: Number,
    },
    /// A number against a list: `timme in [12, 13]`.
    NumberIn {
        value: Number,
        any_of: Box<[f64]>,
        negate: bool,
    },
    /// Two conditions: `(a) == (b)`.
    Same {
        left: Box<Expr>,
        right: Box<Expr>,
        negate: bool,
    },
}

/// A number a condition reads.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Number {
    Literal(f64),
    Hour,
    Minute,
    Weekday,
    Attribute(Box<str>),
}

/// What a condition may read of the inquiry. `channel` is `None` when the inquiry has
/// none, `Some(None)` when it names a channel rosa does not know.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EvalContext<'a> {
    /// The inquiry's channel: absent, unknown (`Some(None)`) or known.
    pub channel: Option<Option<Channel>>,
    /// The delmoment decided (`""` for an ärendetyp without delmoment).
    pub part: &'a str,
    /// The inquiry's time as sent, parsed only if a condition reads it.
    pub time: Option<&'a str>,
    /// The inquiry's attributes.
    pub attributes: &'a BTreeMap<Cow<'a, str>, AttrValue>,
    /// The declared type of each attribute a condition may read.
    pub declared: &'a [super::Attribute],
    /// The days the policy keeps closed, for `helgdag`.
    pub days_off: DaysOff,
}

/// Why a condition could not be evaluated for an inquiry; the decision is forwarded
/// with this as its reason.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum EvalError<'a> {
    /// The condition reads `kanal` and the inquiry has no channel.
    MissingChannel,
    /// The condition reads the time and the inquiry has none.
    MissingTime,
    /// The condition reads the time and the inquiry's time does not parse.
    BadTime(TimeError),
    /// The condition reads an attribute the inquiry does not have.
    MissingAttribute(&'a str),
    /// The inquiry's attribute has another type than the policy declares.
    WrongType {
        /// The attribute.
        name: &'a str,
        /// Its declared type.
        expected: AttrKind,
        /// The type the inquiry sent.
        found: AttrKind,
    },
    /// The rules of one decision took more than [`DECISION_BUDGET`] steps.
    Budget,
}

impl fmt::Display for EvalError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EvalError::MissingChannel => f.write_str("frågan saknar kanal, som villkoret använder"),
            EvalError::MissingTime => f.write_str("frågan saknar tid, som villkoret använder"),
            EvalError::BadTime(reason) => reason.fmt(f),
            EvalError::MissingAttribute(name) => {
                write!(
                    f,
                    "frågan saknar attributet `{name}`, som villkoret använder"
                )
            }
            EvalError::WrongType {
                name,
                expected,
                found,
            } => write!(
                f,
                "attributet `{name}` ska vara {} men frågan har {}",
                expected.words(),
                found.words()
            ),
            EvalError::Budget => write!(
                f,
                "villkoren tog fler än {DECISION_BUDGET} steg (gränsen för ett beslut)"
            ),
        }
    }
}

/// One decision's evaluation: the inputs, the time parsed at most once, and the
/// steps left in the budget.
pub(crate) struct Evaluation<'a> {
    ctx: EvalContext<'a>,
    time: OnceCell<Result<LocalTime, TimeError>>,
    budget: Cell<u32>,
}

impl<'a> Evaluation<'a> {
    /// Start a decision's evaluation with a full budget.
    pub(crate) fn new(ctx: EvalContext<'a>) -> Self {
        Evaluation {
            ctx,
            time: OnceCell::new(),
            budget: Cell::new(DECISION_BUDGET),
        }
    }

    fn step(&self) -> Result<(), EvalError<'static>> {
        let left = self.budget.get();
        if left == 0 {
            return Err(EvalError::Budget);
        }
        self.budget.set(left - 1);
        Ok(())
    }

    fn time(&self) -> Result<LocalTime, EvalError<'static>> {
        let text = self.ctx.time.ok_or(EvalError::MissingTime)?;
        (*self.time.get_or_init(|| LocalTime::parse(text))).map_err(EvalError::BadTime)
    }

    fn attribute<'r>(&self, name: &'r str) -> Result<&'a AttrValue, EvalError<'r>> {
        let value = self
            .ctx
            .attributes
            .get(name)
            .ok_or(EvalError::MissingAttribute(name))?;
        let declared = self.ctx.declared.iter().find(|a| *a.name == *name);
        if let Some(expected) = declared.and_then(|a| a.kind)
            && !expected.matches(value)
        {
            return Err(EvalError::WrongType {
                name,
                expected,
                found: value.kind(),
            });
        }
        Ok(value)
    }

    fn number<'r>(&self, n: &'r Number) -> Result<f64, EvalError<'r>> {
        Ok(match n {
            Number::Literal(v) => *v,
            Number::Hour => f64::from(self.time()?.hour()),
            Number::Minute => f64::from(self.time()?.minute()),
            Number::Weekday => f64::from(self.time()?.weekday()),
            Number::Attribute(name) => match self.attribute(name)? {
                AttrValue::Number(v) => *v,
                other => return Err(self.wrong(name, AttrKind::Number, other)),
            },
        })
    }

    fn text<'r>(&self, name: &'r str) -> Result<&'a str, EvalError<'r>> {
        match self.attribute(name)? {
            AttrValue::Text(t) => Ok(t),
            other => Err(self.wrong(name, AttrKind::Text, other)),
        }
    }

    fn wrong<'r>(&self, name: &'r str, expected: AttrKind, found: &AttrValue) -> EvalError<'r> {
        EvalError::WrongType {
            name,
            expected,
            found: found.kind(),
        }
    }
}

impl Condition {
    /// Evaluate for one inquiry. Reads only what evaluation reaches.
    pub(crate) fn eval<'r>(&'r self, evaluation: &Evaluation<'_>) -> Result<bool, EvalError<'r>> {
        eval(&self.expr, evaluation)
    }

    /// The value of a condition that reads nothing of the inquiry.
    pub fn constant_value(&self) -> Option<bool> {
        constant(&self.expr)
    }

    /// At most this many steps to evaluate it.
    pub fn cost(&self) -> u32 {
        self.cost
    }

    /// The attributes it may read (`attr.NAME`), each once, in the order written:
    /// what the desk asks staff before deciding.
    pub fn attributes(&self) -> Vec<&str> {
        let mut names = Vec::new();
        attributes(&self.expr, &mut names);
        names
    }
}

fn attributes<'a>(expr: &'a Expr, names: &mut Vec<&'a str>) {
    let mut add = |name: &'a str| {
        if !names.contains(&name) {
            names.push(name);
        }
    };
    match expr {
        Expr::Const(_) | Expr::Holiday | Expr::Channel { .. } | Expr::Part { .. } => {}
        Expr::Not(e) => attributes(e, names),
        Expr::And(parts) | Expr::Or(parts) => parts.iter().for_each(|p| attributes(p, names)),
        Expr::Flag(name)
        | Expr::Text {
            attribute: name, ..
        } => add(name),
        Expr::TextPair { left, right, .. } => {
            add(left);
            add(right);
        }
        Expr::Number { left, right, .. } => {
            for n in [left, right] {
                if let Number::Attribute(name) = n {
                    add(name);
                }
            }
        }
        Expr::NumberIn { value, .. } => {
            if let Number::Attribute(name) = value {
                add(name);
            }
        }
        Expr::Same { left, right, .. } => {
            attributes(left, names);
            attributes(right, names);
        }
    }
}

fn eval<'r>(expr: &'r Expr, ev: &Evaluation<'_>) -> Result<bool, EvalError<'r>> {
    ev.step()?;
    Ok(match expr {
        Expr::Const(b) => *b,
        Expr::Not(e) => !eval(e, ev)?,
        Expr::And(parts) => {
            for part in parts.iter() {
                if !eval(part, ev)? {
                    return Ok(false);
                }
            }
            true
        }
        Expr::Or(parts) => {
            for part in parts.iter() {
                if eval(part, ev)? {
                    return Ok(true);
                }
            }
            false
        }
        Expr::Flag(name) => match ev.attribute(name)? {
            AttrValue::Bool(b) => *b,
            other => return Err(ev.wrong(name, AttrKind::Bool, other)),
        },
        Expr::Holiday => calendar::is_day_off(ev.time()?.date(), &ev.ctx.days_off),
        Expr::Channel { any_of, negate } => {
            let channel = ev.ctx.channel.ok_or(EvalError::MissingChannel)?;
            channel.is_some_and(|c| any_of.contains(c)) != *negate
        }
        Expr::Part { any_of, negate } => any_of.iter().any(|p| **p == *ev.ctx.part) != *negate,
        Expr::Text {
            attribute,
            any_of,
            negate,
        } => {
            let value = ev.text(attribute)?;
            any_of.iter().any(|t| **t == *value) != *negate
        }
        Expr::TextPair {
            left,
            right,
            negate,
        } => (ev.text(left)? == ev.text(right)?) != *negate,
        Expr::Number { op, left, right } => op.apply(ev.number(left)?, ev.number(right)?),
        Expr::NumberIn {
            value,
            any_of,
            negate,
        } => {
            let v = ev.number(value)?;
            any_of.contains(&v) != *negate
        }
        Expr::Same {
            left,
            right,
            negate,
        } => (eval(left, ev)? == eval(right, ev)?) != *negate,
    })
}

fn constant(expr: &Expr) -> Option<bool> {
    match expr {
        Expr::Const(b) => Some(*b),
        Expr::Not(e) => constant(e).map(|b| !b),
        Expr::And(parts) => parts
            .iter()
            .try_fold(true, |all, p| constant(p).map(|b| all && b)),
        Expr::Or(parts) => parts
            .iter()
            .try_fold(false, |any, p| constant(p).map(|b| any || b)),
        Expr::Same {
            left,
            right,
            negate,
        } => Some((constant(left)? == constant(right)?) != *negate),
        _ => None,
    }
}

pub(crate) fn serialize_source<S: serde::Serializer>(
    c: &Condition,
    s: S,
) -> Result<S::Ok, S::Error> {
    s.serialize_str(&c.source)
}
