//! Small helpers shared by the integration tests, so that each test reads as one line.
//!
//! The diagnostic corpus lives in `tests/corpus/`: `base/` is a minimal valid ruleset,
//! and every other directory holds only the files that differ from it (a file with the
//! same name replaces the base's file), plus an optional `remove.txt` listing base files
//! to leave out. [`Case::materialize`] builds the whole ruleset in a temporary directory.

#![allow(dead_code)]

use rosa::Diagnostics;
use rosa::{Diagnostic, Ruleset};
use std::path::{Path, PathBuf};

/// The crate root (where `Cargo.toml` is).
pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn corpus_dir() -> PathBuf {
    manifest_dir().join("tests/corpus")
}

pub fn example_dir() -> PathBuf {
    manifest_dir().join("rulesets/exempelkommun")
}

/// A fresh directory under the system temp dir, removed when dropped (`tempfile`).
pub struct TempDir {
    pub path: PathBuf,
    _dir: tempfile::TempDir,
}

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        let dir = tempfile::Builder::new()
            .prefix(&format!("rosa-test-{label}-"))
            .tempdir()
            .expect("create temp dir");
        TempDir {
            path: dir.path().to_path_buf(),
            _dir: dir,
        }
    }

    /// `path` with forward slashes, as diagnostics show it.
    pub fn display(&self) -> String {
        self.path.to_string_lossy().replace('\\', "/")
    }
}

/// Copy a directory tree.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// Every file under `dir` (recursively) whose name ends in `.{ext}`, sorted.
pub fn files_with_ext(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == ext) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// One directory of the diagnostic corpus.
pub struct Case {
    pub name: String,
    pub dir: PathBuf,
}

impl Case {
    pub fn new(name: &str) -> Case {
        let dir = corpus_dir().join(name);
        assert!(dir.is_dir(), "no corpus case {}", dir.display());
        Case {
            name: name.to_string(),
            dir,
        }
    }

    /// Every case directory in the corpus (all but `base`).
    pub fn all() -> Vec<Case> {
        let mut names: Vec<String> = std::fs::read_dir(corpus_dir())
            .expect("corpus dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|n| n != "base")
            .collect();
        names.sort();
        names.iter().map(|n| Case::new(n)).collect()
    }

    /// Base files this case leaves out (`remove.txt`).
    pub fn removed(&self) -> Vec<String> {
        std::fs::read_to_string(self.dir.join("remove.txt"))
            .map(|t| t.lines().map(str::to_string).collect())
            .unwrap_or_default()
    }

    /// The case's own files (relative paths), without `remove.txt`.
    pub fn own_files(&self) -> Vec<PathBuf> {
        let mut out: Vec<PathBuf> = files_with_ext(&self.dir, "rosa")
            .into_iter()
            .chain(files_with_ext(&self.dir, "md"))
            .map(|p| p.strip_prefix(&self.dir).expect("inside").to_path_buf())
            .collect();
        out.sort();
        out
    }

    /// The base with this case's files over it, in a fresh temporary directory.
    pub fn materialize(&self) -> TempDir {
        let tmp = TempDir::new(&self.name);
        copy_dir(&corpus_dir().join("base"), &tmp.path);
        for rel in self.own_files() {
            let target = tmp.path.join(&rel);
            std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
            std::fs::copy(self.dir.join(&rel), target).expect("copy case file");
        }
        for rel in self.removed() {
            std::fs::remove_file(tmp.path.join(&rel)).expect("remove base file");
        }
        tmp
    }

    /// Load the materialized case: the result, and the directory it was loaded from.
    pub fn load(&self) -> (Result<Ruleset, Diagnostics>, TempDir) {
        let tmp = self.materialize();
        (Ruleset::load(&tmp.path), tmp)
    }
}

/// The diagnostics of a load, whether it succeeded (warnings) or not.
pub fn diagnostics(result: &Result<Ruleset, Diagnostics>) -> &Diagnostics {
    match result {
        Ok(ruleset) => ruleset.warnings(),
        Err(diagnostics) => diagnostics,
    }
}

/// `(file, line, column)` of a diagnostic; line and column are `None` for whole files.
pub fn position(
    diagnostics: &Diagnostics,
    d: &Diagnostic,
) -> (String, Option<usize>, Option<usize>) {
    let index = diagnostics
        .items
        .iter()
        .position(|x| std::ptr::eq(x, d))
        .expect("diagnostic of this set");
    let record = &diagnostics.records()[index];
    (record.file.clone(), record.line, record.column)
}

/// The model as JSON, without what formatting may change: positions and the content hash.
pub fn model_value(ruleset: &Ruleset) -> serde_json::Value {
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                map.remove("location");
                map.values_mut().for_each(strip);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut value = serde_json::to_value(ruleset).expect("serialize");
    value
        .as_object_mut()
        .expect("ruleset is an object")
        .remove("id");
    strip(&mut value);
    value
}

/// English words that must not appear in a message meant for Swedish rule authors.
const ENGLISH: &[&str] = &[
    "the",
    "expected",
    "found",
    "unknown",
    "missing",
    "invalid",
    "error",
    "not",
    "cannot",
    "must",
    "should",
    "line",
    "column",
    "variable",
    "function",
    "syntax",
    "unexpected",
    "is",
    "are",
    "of",
    "and",
    "or",
    "file",
    "directory",
    "token",
    "undefined",
    "such",
];

/// Whether a text reads as Swedish: no English function words outside backticks.
pub fn looks_swedish(text: &str) -> Result<(), String> {
    let outside_code: String = text
        .split('`')
        .enumerate()
        .filter(|(i, _)| i % 2 == 0)
        .map(|(_, s)| s)
        .collect::<Vec<_>>()
        .join(" ");
    for word in outside_code.split(|c: char| !c.is_alphanumeric()) {
        if ENGLISH.contains(&word.to_lowercase().as_str()) {
            return Err(format!("English word `{word}` in: {text}"));
        }
    }
    Ok(())
}
