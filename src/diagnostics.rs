//! Diagnostics for rule authors: every code in one catalogue, rendered like rustc (file,
//! line, column, the problem marked; by rustc's own `annotate-snippets`) or as JSON for tools.
//!
//! Messages are Swedish; user input is quoted in backticks; codes never change meaning.

use crate::source::{FileId, SourceMap, Span, display_path, floor_char_boundary};
use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};
use serde::Serialize;
use std::fmt::Write as _;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

macro_rules! codes {
    ($($variant:ident = $code:literal, $severity:ident, $title:literal;)*) => {
        /// Every diagnostic code. `docs/regelsprak.md` shows a wrong and a corrected example of each.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($variant,)* }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code,)* }
            }

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
    Syntax = "R0001", Error, "syntaxfel";
    Duplicate = "R0002", Error, "samma id eller uppgift finns två gånger";
    UnknownSystem = "R0003", Error, "okänt system";
    UnknownTarget = "R0004", Error, "okänd mottagare";
    MissingScript = "R0005", Error, "manusfilen finns inte";
    LevelOutOfScale = "R0006", Error, "nivån ligger utanför skalan";
    MissingFrekvens = "R0007", Error, "nivå 3–4 utan frekvens";
    MissingUnit = "R0008", Error, "tal utan enhet";
    WrongUnit = "R0009", Error, "fel enhet";
    ConditionSyntax = "R0010", Error, "villkoret går inte att tolka";
    ConditionName = "R0011", Error, "okänt namn i villkor";
    UnknownInTest = "R0012", Error, "testet nämner något som inte finns";
    Policy = "R0013", Error, "kundtjänstpolicyn saknas eller finns flera gånger";
    UnknownChannel = "R0014", Error, "okänd kanal";
    RepeatedStatement = "R0015", Error, "uppgiften står två gånger";
    Level = "R0016", Error, "nivå saknas eller är dubbel";
    InvalidValue = "R0017", Error, "ogiltigt värde";
    Unreadable = "R0018", Error, "filen går inte att läsa";
    NoRuleFiles = "R0019", Error, "inga regelfiler";
    ScriptedWithoutScript = "R0020", Error, "manus utan manusfil";
    IncompleteTest = "R0021", Error, "testet är ofullständigt";
    UnreachableRule = "R0101", Warning, "regeln kan aldrig avgöra";
    AgreementContradictsPolicy = "R0102", Warning, "överenskommelsen strider mot policyn";
    MixedScripts = "R0103", Warning, "id blandar skriftsystem";
    ConfusableIds = "R0104", Warning, "id som är lätta att förväxla";
    ScriptWouldMove = "R0105", Warning, "nivå 3–4 som kunde hanteras med manus";
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem found in a ruleset.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub code: Code,
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

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn related(mut self, span: Span, text: impl Into<String>) -> Self {
        self.related.push((span, text.into()));
        self
    }

    pub fn severity(&self) -> Severity {
        self.code.severity()
    }
}

/// All diagnostics of one load, with the sources needed to show them.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics {
    pub items: Vec<Diagnostic>,
    pub sources: SourceMap,
}

/// A diagnostic as written by `rosa check --format json`.
#[derive(Debug, Clone, Serialize)]
pub struct DiagnosticRecord {
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub end_line: Option<usize>,
    pub end_column: Option<usize>,
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
}

impl Diagnostics {
    /// Diagnostics about files in `sources`, to render or report together.
    pub fn new(items: Vec<Diagnostic>, sources: SourceMap) -> Self {
        Diagnostics { items, sources }
    }

    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity() == severity)
            .count()
    }

    pub fn has_errors(&self) -> bool {
        self.errors() > 0
    }

    /// Stable order: by file, position, then code.
    pub fn sort(&mut self) {
        self.items
            .sort_by_key(|d| (d.span.map(|s| (s.file, s.start)), d.path.clone(), d.code));
    }

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
