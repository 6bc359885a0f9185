//! The syntax tree of one rule file. Every node keeps its span; nothing is validated
//! here beyond what the grammar guarantees (that is the checker's job).

use crate::source::{FileId, Span};

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct File {
    pub file: FileId,
    pub blocks: Vec<Block>,
    pub comments: Vec<Comment>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Comment {
    pub text: String,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BlockKind {
    Policy,
    Forvaltning,
    Arendetyp,
    Delmoment,
    Test,
}

/// `kundtjänst "…" { … }`, `förvaltning id "…" { … }`, `ärendetyp`, `delmoment`, `test`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Block {
    pub kind: BlockKind,
    pub id: Option<Ident>,
    pub name: Option<Text>,
    pub stmts: Vec<Stmt>,
    /// From the keyword to the closing brace.
    pub span: Span,
    /// The keyword alone, for diagnostics about the block as a whole.
    pub keyword: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum StmtKind {
    // policy
    Kommun {
        name: Text,
        code: Text,
    },
    Skala(Quantity),
    System(Vec<Ident>),
    OvrigaSystem(Vec<Ident>),
    Kanaler(Vec<Ident>),
    Attribut(Vec<AttrDecl>),
    Frekvensgrans(Quantity),
    DirektRange(LevelRange),
    ManusRange(LevelRange),
    Reserv(Target),
    Mal(Quantity),
    Arsarbetstid(Quantity),
    /// `årskostnad 650000 kr per årsarbetare`.
    Arskostnad(Quantity),
    Oppettider(Vec<Opening>),
    Serviceniva {
        share: Quantity,
        within: Quantity,
    },
    Maxbelaggning(Quantity),
    Franvaro(Quantity),
    /// `stängt helgdagar, julafton`: the days off, as written.
    Stangt(Vec<Ident>),
    Tid {
        kundtjanst: Quantity,
        forvaltning: Option<Quantity>,
    },
    // förvaltning, ärendetyp, delmoment
    Forward(Target),
    /// `ej kanaler besök, telefon`: channels kundtjänst may not handle (premises).
    EjKanaler(Vec<Ident>),
    Rule(Rule),
    Rosa(Level),
    Frekvens(Quantity),
    Manus(Text),
    Sekretess,
    Overenskommet(Word<OutcomeWord>),
    Sokord(Vec<Text>),
    Block(Block),
    // test
    TestArendetyp(Ident),
    TestDelmoment(Ident),
    TestKanal(Ident),
    TestTid(Text),
    TestAttribut(Vec<(Ident, Word<Value>)>),
    TestForvantat {
        outcome: Word<OutcomeWord>,
        till: Option<Ident>,
    },
}

/// `belopp tal` in the policy's `attribut` list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AttrDecl {
    pub name: Ident,
    pub kind: Option<Word<AttrKind>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AttrKind {
    Tal,
    Text,
    JaNej,
}

impl AttrKind {
    pub(crate) fn keyword(self) -> &'static str {
        match self {
            AttrKind::Tal => crate::lang::ATTRIBUTE_TYPES[0],
            AttrKind::Text => crate::lang::ATTRIBUTE_TYPES[1],
            AttrKind::JaNej => crate::lang::ATTRIBUTE_TYPES[2],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ident {
    pub name: String,
    pub span: Span,
}

/// A quoted string; `span` covers the quotes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Text {
    pub value: String,
    pub span: Span,
}

/// A value with the span of the word it was written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Word<T> {
    pub value: T,
    pub span: Span,
}

pub(crate) use crate::lang::Unit;

/// A number and its unit as written: `60 per månad`, `4 min`, `80 %`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Quantity {
    pub value: f64,
    /// The digits as written (`2,5`), kept so that `rosa fmt` does not reformat numbers.
    pub text: String,
    pub unit: Option<Word<Unit>>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Level {
    /// Saturates at `u32::MAX` for absurd input; the checker rejects it.
    pub value: u32,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LevelRange {
    pub from: Level,
    pub to: Level,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OutcomeWord {
    Direkt,
    Manus,
    Vidarekoppla,
}

impl OutcomeWord {
    pub(crate) fn keyword(self) -> &'static str {
        match self {
            OutcomeWord::Direkt => crate::lang::OUTCOMES[0],
            OutcomeWord::Manus => crate::lang::OUTCOMES[1],
            OutcomeWord::Vidarekoppla => crate::lang::OUTCOMES[2],
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum TargetPart {
    Till(Ident),
    Ko(Text),
    Telefon(Text),
    Epost(Text),
}

/// `vidarekoppla till soc kö "Mottagningen" telefon "…" e-post "…"`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Target {
    pub parts: Vec<TargetPart>,
    pub span: Span,
}

/// `om `villkor` => utfall [mottagare]`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Rule {
    /// The condition (`grammar/villkor.pest`); its span covers the text between the backticks.
    pub condition: Text,
    pub outcome: Word<OutcomeWord>,
    pub target: Vec<TargetPart>,
    pub span: Span,
}

/// `mån-fre 08:00-16:30`; days 1 = måndag … 7 = söndag, times in minutes after midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Opening {
    pub first_day: Word<u8>,
    pub last_day: Option<Word<u8>>,
    pub opens: Word<u32>,
    pub closes: Word<u32>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Text(String),
    Number(f64),
    Bool(bool),
}
