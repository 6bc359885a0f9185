//! Loading a ruleset directory: read every `.rosa` file, parse, check, and give the
//! result a content hash. This is the library's front door: [`Ruleset::load`].

use crate::check;
use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::model::{Ruleset, Script};
use crate::source::{SourceFile, SourceMap, display_path};
use crate::syntax;
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

impl Ruleset {
    /// Load, parse and check every `.rosa` file under `dir` (recursively, in path order).
    /// `dir` may also be a single `.rosa` file: it is then a ruleset of that one file,
    /// with scripts resolved from the file's directory.
    ///
    /// A ruleset with errors is never returned: the `Err` holds every diagnostic, ready
    /// to print. Warnings of a loaded ruleset are in [`Ruleset::warnings`].
    ///
    /// ```
    /// let ruleset = rosa::Ruleset::load("rulesets/exempelkommun").expect("the example loads");
    /// assert_eq!(ruleset.policy().kommunkod, "1299");
    /// assert!(ruleset.arendetyp("bygglov").is_some());
    /// ```
    pub fn load(dir: impl AsRef<Path>) -> Result<Ruleset, Diagnostics> {
        let dir = dir.as_ref();
        let (sources, problems) = read_sources(dir);
        Ruleset::from_sources(ruleset_root(dir), sources, problems)
    }

    /// Check rule files already in memory. Script paths are still resolved under `root`.
    ///
    /// ```
    /// use rosa::{SourceFile, SourceMap};
    /// let mut sources = SourceMap::default();
    /// sources.add(SourceFile::new("policy.rosa", "kundtjänst \"K\" { kommun \"K\" kommunkod 0000 }"));
    /// let err = rosa::Ruleset::from_sources(".", sources, vec![]).unwrap_err();
    /// assert!(err.render().contains("policyn saknar `kanaler`"));
    /// ```
    pub fn from_sources(
        root: impl AsRef<Path>,
        sources: SourceMap,
        mut problems: Vec<Diagnostic>,
    ) -> Result<Ruleset, Diagnostics> {
        // Files parse independently, so in parallel: parsing is most of the load time.
        let parsed: Vec<_> = sources
            .files()
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(|(id, source)| syntax::parse(id, &source.text))
            .collect();
        let mut files = Vec::with_capacity(parsed.len());
        for result in parsed {
            match result {
                Ok(file) => files.push(file),
                Err(d) => problems.push(*d),
            }
        }
        let mut ruleset = check::check(root.as_ref(), sources, &files, problems)?;
        ruleset.id = content_hash(&ruleset.sources, &ruleset.scripts);
        Ok(ruleset)
    }
}

impl SourceMap {
    /// Read every `.rosa` file under `dir`, without checking them (what `rosa fmt` needs).
    /// Unreadable files become diagnostics; the rest are read.
    ///
    /// ```
    /// let (sources, problems) = rosa::SourceMap::read_dir("rulesets/exempelkommun");
    /// assert!(problems.is_empty());
    /// assert!(sources.files().count() > 10);
    /// ```
    pub fn read_dir(dir: impl AsRef<Path>) -> (SourceMap, Vec<Diagnostic>) {
        read_sources(dir.as_ref())
    }
}

/// The directory that paths in a ruleset are relative to: `path` itself, or for a
/// single `.rosa` file the directory it is in.
pub fn ruleset_root(path: &Path) -> &Path {
    if is_rule_file(path) {
        match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        }
    } else {
        path
    }
}

fn is_rule_file(path: &Path) -> bool {
    path.is_file() && path.extension().is_some_and(|e| e == "rosa")
}

/// Read every `.rosa` file under `dir` (or `dir` itself when it is one). Unreadable
/// files become diagnostics; the rest load.
fn read_sources(dir: &Path) -> (SourceMap, Vec<Diagnostic>) {
    let mut sources = SourceMap::default();
    let mut problems = Vec::new();
    let mut paths = Vec::new();
    let listed = if is_rule_file(dir) {
        paths.push(dir.to_path_buf());
        Ok(())
    } else {
        collect_rule_files(dir, &mut paths)
    };
    let root = ruleset_root(dir);
    if let Err(e) = listed {
        problems.push(
            Diagnostic::for_path(
                Code::Unreadable,
                dir,
                match e.kind() {
                    std::io::ErrorKind::NotADirectory => {
                        format!(
                            "`{}` är varken en katalog eller en `.rosa`-fil",
                            display_path(dir)
                        )
                    }
                    _ => format!("katalogen `{}` {}", display_path(dir), io_reason(&e)),
                },
            )
            .help("ange katalogen med regelfilerna, t.ex. `rulesets/exempelkommun`"),
        );
        return (sources, problems);
    }
    paths.sort();
    for path in paths {
        let relative = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        match std::fs::read(&path).map(String::from_utf8) {
            Ok(Ok(text)) => {
                sources.add(SourceFile::new(relative, text));
            }
            Ok(Err(e)) => {
                // Notepad's "Unicode" is UTF-16 with a byte order mark: name it, since
                // the author chose it believing it was right.
                let help = if e.as_bytes().starts_with(&[0xFF, 0xFE])
                    || e.as_bytes().starts_with(&[0xFE, 0xFF])
                {
                    "filen är sparad som UTF-16 (i Anteckningar kallat \"Unicode\"); spara den som UTF-8"
                } else {
                    "spara filen som UTF-8 (de flesta editorer har det som val när man sparar)"
                };
                problems
                    .push(Diagnostic::for_path(Code::Unreadable, relative, NOT_UTF8).help(help));
            }
            Err(e) => problems.push(
                Diagnostic::for_path(
                    Code::Unreadable,
                    relative,
                    format!("filen {}", io_reason(&e)),
                )
                .help("kontrollera att filen finns och att du har behörighet att läsa den"),
            ),
        }
    }
    if sources.files().next().is_none() && problems.is_empty() {
        problems.push(
            Diagnostic::for_path(
                Code::NoRuleFiles,
                dir,
                format!("`{}` innehåller inga `.rosa`-filer", display_path(dir)),
            )
            .help("ange katalogen med regelfilerna, t.ex. `rulesets/exempelkommun`"),
        );
    }
    (sources, problems)
}

/// The message for a rule file that is not UTF-8: a problem in the rule files, unlike
/// the other [`Code::Unreadable`] cases (see [`Diagnostics::could_not_run`]).
pub(crate) const NOT_UTF8: &str = "filen är inte UTF-8-text";

/// Why a file or directory could not be read, in Swedish (the system's own text is English).
fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "finns inte".to_string(),
        std::io::ErrorKind::PermissionDenied => "går inte att läsa: behörighet saknas".to_string(),
        std::io::ErrorKind::NotADirectory => "är inte en katalog".to_string(),
        _ => format!("går inte att läsa ({e})"),
    }
}

fn collect_rule_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let hidden = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if hidden {
            continue;
        }
        if path.is_dir() {
            collect_rule_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "rosa") {
            out.push(path);
        }
    }
    Ok(())
}

/// SHA-256 over every rule file and script, in path order: the ruleset id that every
/// decision carries, so an answer can be traced to the exact files behind it. A
/// cryptographic hash, because auditors compare ids and nobody may forge a match.
fn content_hash(sources: &SourceMap, scripts: &[Script]) -> String {
    let mut parts: Vec<(String, &str)> = sources
        .files()
        .map(|(_, f)| (f.display_path(), f.text.as_str()))
        .chain(scripts.iter().map(|s| (s.path.clone(), s.text.as_str())))
        .collect();
    parts.sort();
    let mut hasher = Sha256::new();
    for (path, text) in parts {
        // Lengths first, so that no two different sets of files hash the same bytes.
        for field in [path.as_bytes(), text.as_bytes()] {
            hasher.update((field.len() as u64).to_le_bytes());
            hasher.update(field);
        }
    }
    hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}
