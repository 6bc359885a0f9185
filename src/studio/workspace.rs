//! The ruleset directory the studio edits. The files on disk stay the truth: an edit
//! is checked with the whole ruleset, formatted, and written only when the file on disk
//! is still the one the edit started from.

use crate::diagnostics::{Diagnostic, DiagnosticRecord, Diagnostics};
use crate::model::Ruleset;
use crate::source::{FileId, SourceFile, SourceMap};
use crate::syntax::format::format_source;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The directory as last read or saved, and the ruleset it gives.
#[derive(Debug)]
pub struct Workspace {
    root: PathBuf,
    sources: SourceMap,
    /// Problems reading the directory (unreadable files), kept for every check.
    read_problems: Vec<Diagnostic>,
    /// The ruleset of the files as they are, or why they do not load.
    checked: Result<Arc<Ruleset>, Diagnostics>,
}

/// Why an edit was not saved.
#[derive(Debug)]
pub enum SaveError {
    /// No rule file of the ruleset has this path.
    UnknownFile(String),
    /// The ruleset with the edit does not check; nothing was written.
    Invalid(Vec<DiagnosticRecord>),
    /// The file changed on disk since the edit began; nothing was written.
    Conflict,
    /// Writing failed.
    Io(String),
}

impl Workspace {
    /// Read and check the directory.
    pub fn open(root: &Path) -> Workspace {
        let (sources, read_problems) = SourceMap::read_dir(root);
        let checked = check(root, sources.clone(), read_problems.clone());
        Workspace {
            root: root.to_path_buf(),
            sources,
            read_problems,
            checked,
        }
    }

    /// The ruleset of the saved files, or why they do not load.
    pub fn ruleset(&self) -> Result<&Arc<Ruleset>, &Diagnostics> {
        self.checked.as_ref()
    }

    /// The rule files, relative to the root with forward slashes, in load order.
    pub fn paths(&self) -> Vec<String> {
        self.sources
            .files()
            .map(|(_, f)| f.display_path())
            .collect()
    }

    /// A rule file's text as saved, and the version to send back when saving it.
    pub fn file(&self, path: &str) -> Option<(&str, String)> {
        let file = self.find(path)?;
        Some((file.text.as_str(), version(&file.text)))
    }

    /// The whole ruleset with `path` holding `text`: its diagnostics, saved nowhere.
    pub fn check_edit(&self, path: &str, text: &str) -> Result<Vec<DiagnosticRecord>, SaveError> {
        let sources = self.with_edit(path, text)?;
        Ok(
            match check(&self.root, sources, self.read_problems.clone()) {
                Ok(ruleset) => errors_first(ruleset.warnings()),
                Err(diagnostics) => errors_first(&diagnostics),
            },
        )
    }

    /// Save `text` as `path` after checking the whole ruleset with it and formatting
    /// it, if the file on disk is still `base_version` (from [`Workspace::file`]).
    pub fn save(&mut self, path: &str, text: &str, base_version: &str) -> Result<(), SaveError> {
        let file = self
            .find(path)
            .ok_or_else(|| SaveError::UnknownFile(path.into()))?;
        let on_disk = std::fs::read_to_string(self.root.join(&file.path))
            .map_err(|e| SaveError::Io(e.to_string()))?;
        if version(&on_disk) != base_version || version(&file.text) != base_version {
            return Err(SaveError::Conflict);
        }
        let id = self.id_of(path).expect("found above");
        let formatted = match format_source(id, text) {
            Ok(formatted) => formatted,
            Err(_) => text.to_string(),
        };
        let sources = self.with_edit(path, &formatted)?;
        let ruleset = check(&self.root, sources.clone(), self.read_problems.clone())
            .map_err(|d| SaveError::Invalid(errors_first(&d)))?;
        write_atomically(&self.root.join(&file.path), &formatted)?;
        self.sources = sources;
        self.checked = Ok(ruleset);
        Ok(())
    }

    /// Read the directory again if a file changed on disk (an editor beside the
    /// studio), so every page shows the files as they are.
    pub fn refresh(&mut self) {
        let (sources, read_problems) = SourceMap::read_dir(&self.root);
        let same = sources.files().count() == self.sources.files().count()
            && sources
                .files()
                .zip(self.sources.files())
                .all(|((_, a), (_, b))| a.path == b.path && a.text == b.text);
        if !same {
            self.checked = check(&self.root, sources.clone(), read_problems.clone());
            self.sources = sources;
            self.read_problems = read_problems;
        }
    }

    fn find(&self, path: &str) -> Option<&SourceFile> {
        self.id_of(path).map(|id| self.sources.get(id))
    }

    fn id_of(&self, path: &str) -> Option<FileId> {
        self.sources
            .files()
            .find(|(_, f)| f.display_path() == path)
            .map(|(id, _)| id)
    }

    fn with_edit(&self, path: &str, text: &str) -> Result<SourceMap, SaveError> {
        let id = self
            .id_of(path)
            .ok_or_else(|| SaveError::UnknownFile(path.into()))?;
        let mut sources = SourceMap::default();
        for (other, file) in self.sources.files() {
            let text = if other == id { text } else { &file.text };
            sources.add(SourceFile::new(file.path.clone(), text));
        }
        Ok(sources)
    }
}

fn check(
    root: &Path,
    sources: SourceMap,
    problems: Vec<Diagnostic>,
) -> Result<Arc<Ruleset>, Diagnostics> {
    Ruleset::from_sources(root, sources, problems).map(Arc::new)
}

/// Errors before warnings: the errors keep a file from being saved.
fn errors_first(diagnostics: &Diagnostics) -> Vec<DiagnosticRecord> {
    let mut records = diagnostics.records();
    records.sort_by_key(|r| r.severity != crate::Severity::Error);
    records
}

/// A short fingerprint of a file's text: what the editor started from.
pub fn version(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// Write beside the file and rename over it, so a crash leaves the old or the new file.
fn write_atomically(path: &Path, text: &str) -> Result<(), SaveError> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("fil");
    let temporary = path.with_file_name(format!(".{name}.rosa-studio"));
    std::fs::write(&temporary, text)
        .and_then(|()| std::fs::rename(&temporary, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&temporary);
            SaveError::Io(e.to_string())
        })
}
