//! Loading a ruleset directory: read every `.rosa` file, parse, check, and give the
//! result a content hash. This is the library's front door: [`Ruleset::load`].

use crate::check;
use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::files::{self, Refusal, io_reason};
use crate::model::{Ruleset, Script};
use crate::source::{SourceFile, SourceMap, display_path};
use crate::syntax;
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

impl Ruleset {
    /// Load, parse and check every `.rosa` file under `dir` (recursively, in path order).
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
        let read_files: Vec<&Script> = ruleset
            .scripts
            .iter()
            .chain(&ruleset.answer_files)
            .collect();
        ruleset.id = content_hash(&ruleset.sources, &read_files);
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
/// files become diagnostics; the rest load. The limits in [`files`] bound what a hostile
/// directory can cost.
fn read_sources(dir: &Path) -> (SourceMap, Vec<Diagnostic>) {
    let mut sources = SourceMap::default();
    let mut problems = Vec::new();
    let mut paths = Vec::new();
    let base = ruleset_root(dir);
    let root = if is_rule_file(dir) {
        paths.push(dir.to_path_buf());
        base.canonicalize()
    } else {
        collect_rule_files(dir, dir, 0, &mut paths, &mut problems).and_then(|()| dir.canonicalize())
    };
    let root = match root {
        Ok(root) => root,
        Err(e) => {
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
    };
    paths.truncate(files::MAX_FILES);
    paths.sort();
    let mut total = 0u64;
    for path in paths {
        let relative = path.strip_prefix(base).unwrap_or(&path).to_path_buf();
        let bytes = match files::read_inside(&root, &path, files::MAX_FILE_BYTES) {
            Ok(bytes) => bytes,
            Err(refusal) => {
                problems.push(refused(relative, &refusal));
                continue;
            }
        };
        total += bytes.len() as u64;
        if total > files::MAX_TOTAL_BYTES {
            problems.push(
                Diagnostic::for_path(
                    Code::Unreadable,
                    relative,
                    format!(
                        "regelfilerna blir tillsammans större än gränsen {} med den här filen, \
                         så den och de som följer läses inte",
                        files::mib(files::MAX_TOTAL_BYTES)
                    ),
                )
                .help("en regeluppsättning är text för människor; ta bort filer som inte hör dit"),
            );
            break;
        }
        match String::from_utf8(bytes) {
            Ok(text) => {
                sources.add(SourceFile::new(relative, text));
            }
            Err(e) => {
                // Notepad's "Unicode" is UTF-16 with a byte order mark: name it, since
                // the author chose it believing it was right.
                let help = if e.as_bytes().starts_with(&[0xFF, 0xFE])
                    || e.as_bytes().starts_with(&[0xFE, 0xFF])
                {
                    "filen är sparad som UTF-16 (i Anteckningar kallat \"Unicode\"); spara den som UTF-8"
                } else {
                    "spara filen som UTF-8 (de flesta editorer har det som val när man sparar)"
                };
                problems.push(
                    Diagnostic::for_path(Code::Unreadable, relative, "filen är inte UTF-8-text")
                        .help(help),
                );
            }
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

/// A rule file that is not read, and why (never anything from its content).
fn refused(relative: PathBuf, refusal: &Refusal) -> Diagnostic {
    let help = match refusal {
        Refusal::Outside => "kopiera filen in i regelkatalogen i stället för att länka till den",
        Refusal::NotRegular(_) => "ta bort den eller ersätt den med en vanlig textfil",
        Refusal::TooLarge(_) => "dela upp regelfilen i flera mindre filer",
        Refusal::Io(_) => "kontrollera att filen finns och att du har behörighet att läsa den",
    };
    Diagnostic::for_path(
        Code::Unreadable,
        relative,
        format!("filen {}", refusal.reason()),
    )
    .help(help)
}

/// Find the `.rosa` files under `dir`. Symbolic links to directories are not followed
/// (a link to `.` would make the walk endless); the depth and the number of files are
/// bounded. Only an unreadable `root` is an error; the rest become diagnostics.
fn collect_rule_files(
    root: &Path,
    dir: &Path,
    depth: usize,
    out: &mut Vec<PathBuf>,
    problems: &mut Vec<Diagnostic>,
) -> std::io::Result<()> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if depth == 0 => return Err(e),
        Err(e) => {
            let relative = dir.strip_prefix(root).unwrap_or(dir);
            problems.push(Diagnostic::for_path(
                Code::Unreadable,
                relative,
                format!("katalogen `{}` {}", display_path(relative), io_reason(&e)),
            ));
            return Ok(());
        }
    };
    for entry in entries {
        if out.len() > files::MAX_FILES {
            return Ok(());
        }
        let entry = entry?;
        let path = entry.path();
        let hidden = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if hidden {
            continue;
        }
        // The entry's own type: a symbolic link is not followed here.
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if is_dir {
            if depth >= files::MAX_DEPTH {
                let relative = path.strip_prefix(root).unwrap_or(&path);
                problems.push(
                    Diagnostic::for_path(
                        Code::Unreadable,
                        relative,
                        format!(
                            "katalogen `{}` ligger djupare än {} nivåer och läses inte",
                            display_path(relative),
                            files::MAX_DEPTH
                        ),
                    )
                    .help("flytta regelfilerna närmare regelkatalogen"),
                );
                continue;
            }
            collect_rule_files(root, &path, depth + 1, out, problems)?;
        } else if path.extension().is_some_and(|e| e == "rosa") {
            if out.len() == files::MAX_FILES {
                let relative = path.strip_prefix(root).unwrap_or(&path);
                problems.push(
                    Diagnostic::for_path(
                        Code::Unreadable,
                        relative,
                        format!(
                            "regelkatalogen har fler än {} `.rosa`-filer, så den här och resten läses inte",
                            files::MAX_FILES
                        ),
                    )
                    .help("en regeluppsättning är text för människor; ta bort filer som inte hör dit"),
                );
            }
            // One past the limit marks it reached; the caller drops that one.
            out.push(path);
            if out.len() > files::MAX_FILES {
                return Ok(());
            }
        }
    }
    Ok(())
}

/// SHA-256 over every rule file and script, in path order: the ruleset id that every
/// decision carries, so an answer can be traced to the exact files behind it. A
/// cryptographic hash, because auditors compare ids and nobody may forge a match.
fn content_hash(sources: &SourceMap, scripts: &[&Script]) -> String {
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
