//! Diagnostics for rule authors: every code in one catalogue, rendered like rustc (file,
//! line, column, the problem marked; by rustc's own `annotate-snippets`) or as JSON for tools.
//!
//! Messages are Swedish; user input is quoted in backticks; codes never change meaning.

use crate::source::{FileId, SourceMap, Span, display_path, floor_char_boundary};
use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};
use serde::Serialize;
use std::fmt::Write as _;
use std::path::PathBuf;

/// How serious a diagnostic is; fixed per [`Code`]. JSON: `"error"` or `"warning"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The ruleset does not load ([`crate::Ruleset::load`] returns `Err`). Codes `R00xx`.
    Error,
    /// The ruleset loads, but something is probably not meant ([`crate::Ruleset::warnings`]).
    /// Codes `R01xx`.
    Warning,
}

macro_rules! codes {
    ($($(#[doc = $doc:literal])* $variant:ident = $code:literal, $severity:ident, $title:literal;)*) => {
        /// Every diagnostic code. `docs/regelsprak.md` §15 shows a wrong and a corrected
        /// example of each.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum Code {
            $(
                $(#[doc = $doc])*
                #[doc = ""]
                #[doc = concat!("`", $code, "`, [`Severity::", stringify!($severity), "`], titled «", $title, "».")]
                $variant,
            )*
        }

        impl Code {
            /// Every code, in catalogue order (`R0001` first).
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code as shown to rule authors and in JSON, e.g. `"R0003"`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code,)* }
            }

            /// Whether the code is an error or a warning; never changes for a code.
            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)* }
            }

            /// A short Swedish title, as listed in the guide.
            pub fn title(self) -> &'static str {
                match self { $(Code::$variant => $title,)* }
            }
        }
    };
}

codes! {
    /// A line does not follow the grammar: a word missing or out of order, or an
    /// unclosed brace or quote. The rest of that file is not checked.
    Syntax = "R0001", Error, "syntaxfel";
    /// An id (förvaltning, ärendetyp, delmoment within its ärendetyp, system, attribute,
    /// test name) is defined twice.
    Duplicate = "R0002", Error, "samma id eller uppgift finns två gånger";
    /// A unit needs a system that the policy lists neither under `system` nor under
    /// `övriga system`.
    UnknownSystem = "R0003", Error, "okänt system";
    /// `till` names a förvaltning that is not in the ruleset.
    UnknownTarget = "R0004", Error, "okänd mottagare";
    /// A `manus` file does not exist under the ruleset directory, or its path leaves it.
    MissingScript = "R0005", Error, "manusfilen finns inte";
    /// A level (`rosa N`, or a range in `direkt rosa`/`manus rosa`) is outside the
    /// policy's scale.
    LevelOutOfScale = "R0006", Error, "nivån ligger utanför skalan";
    /// A unit in the scripted range has no frekvens, so the method cannot weigh it
    /// (`docs/semantik.md` §2).
    MissingFrekvens = "R0007", Error, "nivå 3–4 utan frekvens";
    /// A number without a unit (`frekvens 60`).
    MissingUnit = "R0008", Error, "tal utan enhet";
    /// A unit that does not fit the statement (`frekvens 60 min`).
    WrongUnit = "R0009", Error, "fel enhet";
    /// A guarded rule's condition does not parse.
    ConditionSyntax = "R0010", Error, "villkoret går inte att tolka";
    /// A condition uses a name it cannot read: not `kanal`, `delmoment`, `timme`,
    /// `minut`, `veckodag` or `attr.NAME` of a declared attribute.
    ConditionName = "R0011", Error, "okänt namn i villkor";
    /// A test names an ärendetyp, delmoment or attribute that does not exist.
    UnknownInTest = "R0012", Error, "testet nämner något som inte finns";
    /// The kundtjänst policy is missing, given twice, or lacks a required statement
    /// (`kommun`, `kanaler`, `frekvensgräns`, `reserv`).
    Policy = "R0013", Error, "kundtjänstpolicyn saknas eller finns flera gånger";
    /// A channel name that is neither a channel nor one of its aliases.
    UnknownChannel = "R0014", Error, "okänd kanal";
    /// A statement that may appear once is repeated in a block.
    RepeatedStatement = "R0015", Error, "uppgiften står två gånger";
    /// A unit has no level, or an ärendetyp with delmoment has a `rosa` line of its own.
    Level = "R0016", Error, "nivå saknas eller är dubbel";
    /// A value that cannot be used: a kommunkod without four digits, a share over
    /// 100 %, a zero time, a backwards range, an invalid time in a test, …
    InvalidValue = "R0017", Error, "ogiltigt värde";
    /// A file or directory cannot be read (missing, no permission, not UTF-8).
    Unreadable = "R0018", Error, "filen går inte att läsa";
    /// The directory holds no `.rosa` files.
    NoRuleFiles = "R0019", Error, "inga regelfiler";
    /// `överenskommet manus` or a rule `=> manus` for a unit without a script.
    ScriptedWithoutScript = "R0020", Error, "manus utan manusfil";
    /// A test lacks `ärendetyp` or `förväntat`.
    IncompleteTest = "R0021", Error, "testet är ofullständigt";
    /// A condition compares values of different types (a number with a text, a ja/nej
    /// attribute with `"ja"`), orders what has no order, or uses a non-ja/nej value as
    /// a condition: it would be silently false at run time, so it never loads.
    ConditionType = "R0022", Error, "villkorets typer passar inte ihop";
    /// A condition compares `kanal` or `delmoment` with a value no inquiry can have
    /// (`kanal == "telefn"`, a delmoment the unit does not have).
    ConditionImpossible = "R0023", Error, "värdet kan aldrig förekomma";
    /// A condition calls a function; conditions only compare and combine.
    ConditionFunction = "R0024", Error, "funktion i villkor";
    /// A condition has more parts than the bound that keeps every decision's cost known.
    ConditionTooLarge = "R0025", Error, "villkoret är för stort";
    /// An attribute is declared without a type, so conditions on it cannot be checked.
    UntypedAttribute = "R0026", Error, "attribut utan typ";
    /// A guarded rule can never decide: it repeats an earlier condition, follows a rule
    /// that is always true, or its condition is always false.
    UnreachableRule = "R0101", Warning, "regeln kan aldrig avgöra";
    /// A `direkt` or `manus` agreement that the default method would not give.
    AgreementContradictsPolicy = "R0102", Warning, "överenskommelsen strider mot policyn";
    /// An id mixes writing systems (a Cyrillic `а` among Latin letters).
    MixedScripts = "R0103", Warning, "id blandar skriftsystem";
    /// Two ids differ only in ways that are easy to confuse (`-`/`_`, case, å/a, 0/o, …).
    ConfusableIds = "R0104", Warning, "id som är lätta att förväxla";
    /// A unit in the scripted range would move to kundtjänst if the förvaltning
    /// supplied a script: frekvens, systems and channels already allow it.
    ScriptWouldMove = "R0105", Warning, "nivå 3–4 som kunde hanteras med manus";
    /// A unit on a direct level (the policy's `direkt rosa`) has neither `svar` nor
    /// `länk`, so staff told to answer directly have nothing to answer with.
    DirectWithoutAnswer = "R0106", Warning, "direktnivå utan svar";
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem found in a ruleset.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// What kind of problem; also gives the [`Severity`].
    pub code: Code,
    /// The problem in one Swedish sentence, user input quoted in backticks.
    pub message: String,
    /// Where the problem is; `None` for problems with a whole file or directory.
    pub span: Option<Span>,
    /// Short text under the caret.
    pub label: Option<String>,
    /// What to do about it.
    pub help: Option<String>,
    /// Other places that explain the problem, such as the first definition of a duplicate.
    pub related: Vec<(Span, String)>,
    /// The file for span-less diagnostics (unreadable file, empty directory).
    pub path: Option<PathBuf>,
}

impl Diagnostic {
    /// A problem at `span` in a loaded file; add a label, help and related places with
    /// the builder methods.
    pub fn new(code: Code, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            message: message.into(),
            span: Some(span),
            label: None,
            help: None,
            related: Vec::new(),
            path: None,
        }
    }

    /// A problem with a whole file or directory (unreadable, no rule files), where there
    /// is no text to point into.
    pub fn for_path(code: Code, path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            message: message.into(),
            span: None,
            label: None,
            help: None,
            related: Vec::new(),
            path: Some(path.into()),
        }
    }

    /// Set the short text shown under the marked span.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Set what the rule author can do about it (shown as `hjälp:`).
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Add another place that explains the problem, such as the first definition of a
    /// duplicate id, with a short text for it.
    pub fn related(mut self, span: Span, text: impl Into<String>) -> Self {
        self.related.push((span, text.into()));
        self
    }

    /// The severity of its code.
    pub fn severity(&self) -> Severity {
        self.code.severity()
    }
}

/// All diagnostics of one load, with the sources needed to show them.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics {
    /// The problems, errors and warnings together, in the order found (see
    /// [`Diagnostics::sort`]).
    pub items: Vec<Diagnostic>,
    /// The files the spans in `items` point into.
    pub sources: SourceMap,
}

/// A diagnostic as written by `rosa check --format json`.
#[derive(Debug, Clone, Serialize)]
pub struct DiagnosticRecord {
    /// The file or directory, relative to the ruleset root, with forward slashes.
    pub file: String,
    /// 1-based line of the start of the problem; `None` for a whole file or directory.
    pub line: Option<usize>,
    /// 1-based column of the start, counted in characters; `None` as for `line`.
    pub column: Option<usize>,
    /// 1-based line of the end of the marked text.
    pub end_line: Option<usize>,
    /// 1-based column just after the marked text, counted in characters.
    pub end_column: Option<usize>,
    /// The code, e.g. `"R0003"` ([`Code::as_str`]).
    pub code: &'static str,
    /// `"error"` or `"warning"`.
    pub severity: Severity,
    /// The Swedish message ([`Diagnostic::message`]).
    pub message: String,
    /// What to do about it, if the diagnostic says.
    pub help: Option<String>,
}

impl Diagnostics {
    /// Diagnostics about files in `sources`, to render or report together.
    pub fn new(items: Vec<Diagnostic>, sources: SourceMap) -> Self {
        Diagnostics { items, sources }
    }

    /// How many errors.
    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    /// How many warnings.
    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity() == severity)
            .count()
    }

    /// Whether any diagnostic is an error (a ruleset with errors does not load).
    pub fn has_errors(&self) -> bool {
        self.errors() > 0
    }

    /// Stable order: by file, position, then code.
    pub fn sort(&mut self) {
        self.items
            .sort_by_key(|d| (d.span.map(|s| (s.file, s.start)), d.path.clone(), d.code));
    }

    /// Every diagnostic as a [`DiagnosticRecord`], in the current order: the JSON of
    /// `rosa check --format json`.
    pub fn records(&self) -> Vec<DiagnosticRecord> {
        self.items.iter().map(|d| self.record(d)).collect()
    }

    fn record(&self, d: &Diagnostic) -> DiagnosticRecord {
        let (file, start, end) = match d.span {
            Some(span) => {
                let source = self.sources.get(span.file);
                (
                    display_path(&source.path),
                    Some(source.line_col(span.start)),
                    Some(source.line_col(span.end)),
                )
            }
            None => (
                d.path.as_deref().map(display_path).unwrap_or_default(),
                None,
                None,
            ),
        };
        DiagnosticRecord {
            file,
            line: start.map(|p| p.0),
            column: start.map(|p| p.1),
            end_line: end.map(|p| p.0),
            end_column: end.map(|p| p.1),
            code: d.code.as_str(),
            severity: d.severity(),
            message: d.message.clone(),
            help: d.help.clone(),
        }
    }

    /// Render every diagnostic as text, like rustc, followed by a summary line.
    ///
    /// ```
    /// use rosa::{Code, Diagnostic, Diagnostics, SourceFile, SourceMap, Span};
    /// let text = "ärendetyp bygglov-status \"Status på bygglovsärende\" {\n    system Bygg\n}\n";
    /// let mut sources = SourceMap::default();
    /// let file = sources.add(SourceFile::new("bygg.rosa", text));
    /// let start = text.find("Bygg\n").unwrap();
    /// let problem = Diagnostic::new(Code::UnknownSystem, Span::new(file, start, start + 4), "okänt system `Bygg`")
    ///     .label("finns inte i policyn")
    ///     .help("lägg till `Bygg` i policyn under `system` eller `övriga system`");
    /// let diagnostics = Diagnostics::new(vec![problem], sources);
    /// assert_eq!(
    ///     diagnostics.render(),
    ///     "\
    /// fel[R0003]: okänt system `Bygg`
    ///  --> bygg.rosa:2:12
    ///   |
    /// 2 |     system Bygg
    ///   |            ^^^^ finns inte i policyn
    ///   |
    ///   = hjälp: lägg till `Bygg` i policyn under `system` eller `övriga system`
    ///
    /// 1 fel
    /// "
    /// );
    /// ```
    pub fn render(&self) -> String {
        let mut out = String::new();
        for d in &self.items {
            self.render_one(d, &mut out);
            out.push('\n');
        }
        out.push_str(&self.summary());
        out.push('\n');
        out
    }

    /// "2 fel, 1 varning" or "inga fel".
    pub fn summary(&self) -> String {
        let (e, w) = (self.errors(), self.warnings());
        match (e, w) {
            (0, 0) => "inga fel".to_string(),
            (e, 0) => format!("{e} fel"),
            (0, w) => format!("{w} {}", plural_varning(w)),
            (e, w) => format!("{e} fel, {w} {}", plural_varning(w)),
        }
    }

    /// Render one diagnostic (one of [`Diagnostics::items`], or any whose spans point
    /// into [`Diagnostics::sources`]) as text, appended to `out`, without the summary.
    pub fn render_one(&self, d: &Diagnostic, out: &mut String) {
        let (level, name) = match d.severity() {
            Severity::Error => (Level::ERROR, "fel"),
            Severity::Warning => (Level::WARNING, "varning"),
        };
        let Some(span) = d.span else {
            // Nothing to excerpt; the renderer would put the path flush left.
            let path = d.path.as_deref().map(display_path).unwrap_or_default();
            let _ = writeln!(out, "{name}[{}]: {}\n  --> {path}", d.code, d.message);
            if let Some(help) = &d.help {
                let _ = writeln!(out, "   = hjälp: {help}");
            }
            return;
        };
        let mut marks = vec![(span, AnnotationKind::Primary, d.label.as_deref())];
        for (s, text) in &d.related {
            marks.push((*s, AnnotationKind::Context, Some(text.as_str())));
        }
        // One excerpt per file; the primary span's file first, as it gives the `-->` line.
        let mut files: Vec<FileId> = marks.iter().map(|(s, ..)| s.file).collect();
        files.sort_by_key(|&f| (f != span.file, f));
        files.dedup();
        let snippets = files.into_iter().map(|file| {
            let source = self.sources.get(file);
            // A condition error's span may end inside a character; the renderer needs boundaries.
            let at = |offset| floor_char_boundary(&source.text, offset);
            let marks = marks.iter().filter(|(s, ..)| s.file == file);
            let marks = marks.map(|&(s, kind, text)| kind.span(at(s.start)..at(s.end)).label(text));
            // The renderer has no line after a final line break, where an error at the end
            // of the file points (as in an editor and the JSON form): give it one.
            let text = format!("{} ", source.text);
            let snippet = Snippet::source(text).path(display_path(&source.path));
            snippet.annotations(marks)
        });
        let title = level.with_name(name).primary_title(&d.message);
        let mut group = title.id(d.code.as_str()).elements(snippets);
        if let Some(help) = &d.help {
            group = group.element(Level::HELP.with_name("hjälp").message(help));
        }
        let _ = writeln!(out, "{}", Renderer::plain().render(&[group]));
    }
}

fn plural_varning(n: usize) -> &'static str {
    if n == 1 { "varning" } else { "varningar" }
}

impl std::fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render())
    }
}

impl std::error::Error for Diagnostics {}
