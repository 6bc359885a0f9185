//! The ruleset directory the studio edits. The files on disk stay the truth: an edit
//! is checked with the whole ruleset, formatted, and written only when the file on disk
//! is still the one the edit started from.

use crate::diagnostics::{Code, Diagnostic, DiagnosticRecord, Diagnostics};
use crate::files;
use crate::model::Ruleset;
use crate::source::{FileId, SourceFile, SourceMap};
use crate::syntax::format::format_source;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The directory as last read or saved, and the ruleset it gives.
#[derive(Debug)]
pub(super) struct Workspace {
    root: PathBuf,
    sources: SourceMap,
    /// Problems reading the directory (unreadable files), kept for every check.
    read_problems: Vec<Diagnostic>,
    /// The ruleset of the files as they are, or why they do not load.
    checked: Result<Arc<Ruleset>, Diagnostics>,
    /// The last ruleset that loaded, kept while a file is broken so that the rest of the
    /// room (figures, other förvaltningar) stays usable.
    last_good: Option<Arc<Ruleset>>,
}

/// Why an edit was not saved.
#[derive(Debug)]
pub(super) enum SaveError {
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
    pub(super) fn open(root: &Path) -> Workspace {
        let (sources, read_problems) = SourceMap::read_dir(root);
        let checked = check(root, sources.clone(), read_problems.clone());
        Workspace {
            root: root.to_path_buf(),
            sources,
            read_problems,
            last_good: checked.as_ref().ok().cloned(),
            checked,
        }
    }

    /// The ruleset of the saved files, or why they do not load.
    pub(super) fn ruleset(&self) -> Result<&Arc<Ruleset>, &Diagnostics> {
        self.checked.as_ref()
    }

    /// The ruleset to show: the files as they are, or while they do not load the last
    /// version that did ([`Workspace::problems`] says why). `None` when none has loaded.
    pub(super) fn usable(&self) -> Option<&Arc<Ruleset>> {
        self.checked.as_ref().ok().or(self.last_good.as_ref())
    }

    /// Why the files do not load now, errors before warnings; empty when they do.
    pub(super) fn problems(&self) -> Vec<DiagnosticRecord> {
        match &self.checked {
            Ok(_) => Vec::new(),
            Err(diagnostics) => errors_first(diagnostics),
        }
    }

    /// The rule files, relative to the root with forward slashes, in load order.
    pub(super) fn paths(&self) -> Vec<String> {
        self.sources
            .files()
            .map(|(_, f)| f.display_path())
            .collect()
    }

    /// A rule file's text as saved, and the version to send back when saving it.
    pub(super) fn file(&self, path: &str) -> Option<(&str, String)> {
        let file = self.find(path)?;
        Some((file.text.as_str(), version(&file.text)))
    }

    /// The whole ruleset with `path` holding `text`: its diagnostics, saved nowhere.
    pub(super) fn check_edit(
        &self,
        path: &str,
        text: &str,
    ) -> Result<Vec<DiagnosticRecord>, SaveError> {
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
    pub(super) fn save(
        &mut self,
        path: &str,
        text: &str,
        base_version: &str,
    ) -> Result<(), SaveError> {
        // Check against the other files as they are now, not as last read.
        self.refresh();
        let file = self
            .find(path)
            .ok_or_else(|| SaveError::UnknownFile(path.into()))?;
        if version(&file.text) != base_version {
            return Err(SaveError::Conflict);
        }
        let relative = file.path.clone();
        let id = self.id_of(path).expect("found above");
        let formatted = match format_source(id, text) {
            Ok(formatted) => formatted,
            Err(_) => text.to_string(),
        };
        let sources = self.with_edit(path, &formatted)?;
        if let Some(problem) = over_limits(&sources, &relative) {
            return Err(SaveError::Invalid(
                Diagnostics::new(vec![problem], sources).records(),
            ));
        }
        let ruleset = check(&self.root, sources.clone(), self.read_problems.clone())
            .map_err(|d| SaveError::Invalid(errors_first(&d)))?;
        self.write(&relative, &formatted)?;
        self.sources = sources;
        self.last_good = Some(ruleset.clone());
        self.checked = Ok(ruleset);
        Ok(())
    }

    /// Replace a rule file, which must still lie inside the ruleset directory (a
    /// directory swapped for a link since it was read is refused).
    fn write(&self, relative: &Path, text: &str) -> Result<(), SaveError> {
        let target = self.root.join(relative);
        let inside = match (
            target.parent().map(Path::canonicalize),
            self.root.canonicalize(),
        ) {
            (Some(Ok(parent)), Ok(root)) => parent.starts_with(root),
            _ => false,
        };
        let shown = relative.display();
        if !inside {
            return Err(SaveError::Io(format!(
                "filen `{shown}` ligger inte längre i regelkatalogen; inget sparades"
            )));
        }
        files::write_file(&target, text.as_bytes())
            .map_err(|refusal| SaveError::Io(format!("filen `{shown}` {}", refusal.reason())))
    }

    /// Read the directory again if a file changed on disk (an editor beside the
    /// studio), so every page shows the files as they are.
    pub(super) fn refresh(&mut self) {
        let (sources, read_problems) = SourceMap::read_dir(&self.root);
        let same = sources.files().count() == self.sources.files().count()
            && sources
                .files()
                .zip(self.sources.files())
                .all(|((_, a), (_, b))| a.path == b.path && a.text == b.text);
        if !same {
            self.checked = check(&self.root, sources.clone(), read_problems.clone());
            if let Ok(ruleset) = &self.checked {
                self.last_good = Some(ruleset.clone());
            }
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
pub(super) fn version(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// What the loader would refuse once the edit is on disk: the file over the size
/// limit for one rule file, or all of them over the limit for a ruleset.
fn over_limits(sources: &SourceMap, edited: &Path) -> Option<Diagnostic> {
    let size = |f: &SourceFile| f.text.len() as u64;
    let (_, file) = sources.files().find(|(_, f)| f.path == edited)?;
    let total: u64 = sources.files().map(|(_, f)| size(f)).sum();
    let message = if size(file) > files::MAX_FILE_BYTES {
        format!(
            "filen blir {} byte efter formateringen, större än gränsen {} för en regelfil; inget sparades",
            size(file),
            files::mib(files::MAX_FILE_BYTES)
        )
    } else if total > files::MAX_TOTAL_BYTES {
        format!(
            "regelfilerna blir tillsammans större än gränsen {} med ändringen; inget sparades",
            files::mib(files::MAX_TOTAL_BYTES)
        )
    } else {
        return None;
    };
    Some(
        Diagnostic::for_path(Code::Unreadable, edited, message)
            .help("dela upp regelfilen i flera mindre filer"),
    )
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    const EXAMPLE: &str = "rulesets/exempelkommun";
    const EXTRA: &str = "    ärendetyp dubblett \"Dubblett\" {\n        rosa 1\n        frekvens 1 per år\n        system Webbplats\n        tid 1 min, förvaltning 1 min\n    }\n\n";

    fn example() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        copy(Path::new(EXAMPLE), dir.path());
        dir
    }

    fn copy(from: &Path, to: &Path) {
        for entry in std::fs::read_dir(from).unwrap().flatten() {
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                std::fs::create_dir(&target).unwrap();
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).unwrap();
            }
        }
    }

    /// `text` with [`EXTRA`] before its first ärendetyp.
    fn with_extra(text: &str) -> String {
        let at = text.find("    ärendetyp ").unwrap();
        format!("{}{EXTRA}{}", &text[..at], &text[at..])
    }

    fn edit(
        workspace: &Workspace,
        path: &str,
        change: impl Fn(&str) -> String,
    ) -> (String, String) {
        let (text, version) = workspace.file(path).unwrap();
        (change(text), version)
    }

    #[test]
    fn a_save_is_checked_against_the_other_files_as_they_are_now() {
        let dir = example();
        let mut workspace = Workspace::open(dir.path());
        let (text, version) = edit(&workspace, "tekniska.rosa", with_extra);
        // Meanwhile an editor beside the studio adds the same id to another file.
        let other = dir.path().join("kommunledning.rosa");
        let changed = with_extra(&std::fs::read_to_string(&other).unwrap());
        std::fs::write(&other, changed).unwrap();
        let refused = workspace.save("tekniska.rosa", &text, &version);
        assert!(
            matches!(&refused, Err(SaveError::Invalid(d)) if d.iter().any(|d| d.code == "R0002")),
            "{refused:?}"
        );
        assert!(
            Ruleset::load(dir.path()).is_ok(),
            "the files on disk still load"
        );
    }

    #[test]
    fn a_save_the_formatter_grows_past_the_file_limit_is_refused() {
        let dir = example();
        let mut workspace = Workspace::open(dir.path());
        // Just under the limit as sent; four spaces more per line once formatted.
        let line = "// en kommentar som formateraren drar in\n";
        let comments = line.repeat((files::MAX_FILE_BYTES as usize - 16_384) / line.len());
        let (text, version) = edit(&workspace, "kundtjanst.rosa", |t| {
            let at = t.rfind('}').unwrap();
            format!("{}{comments}{}", &t[..at], &t[at..])
        });
        assert!(
            text.len() as u64 <= files::MAX_FILE_BYTES,
            "the edit itself fits"
        );
        let refused = workspace.save("kundtjanst.rosa", &text, &version);
        let Err(SaveError::Invalid(diagnostics)) = refused else {
            panic!("{refused:?}");
        };
        assert!(
            diagnostics[0].message.contains("efter formateringen"),
            "{diagnostics:?}"
        );
        assert!(
            Ruleset::load(dir.path()).is_ok(),
            "the files on disk still load"
        );
    }

    #[test]
    fn a_save_never_writes_through_a_planted_link_and_keeps_the_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = example();
        let outside = tempfile::tempdir().unwrap();
        let victim = outside.path().join("offer.txt");
        std::fs::write(&victim, "orörd").unwrap();
        let target = dir.path().join("tekniska.rosa");
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
        // The name the studio's temporary had before it was created exclusively.
        std::os::unix::fs::symlink(&victim, dir.path().join(".tekniska.rosa.rosa-studio")).unwrap();
        let mut workspace = Workspace::open(dir.path());
        let (text, version) = edit(&workspace, "tekniska.rosa", with_extra);
        workspace.save("tekniska.rosa", &text, &version).unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "orörd");
        assert!(
            std::fs::read_to_string(&target)
                .unwrap()
                .contains("dubblett")
        );
        let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640, "the file keeps its mode");
    }

    #[test]
    fn a_hard_linked_rule_file_is_not_split_silently() {
        let dir = example();
        let outside = tempfile::tempdir().unwrap();
        let twin = outside.path().join("tvilling.rosa");
        std::fs::hard_link(dir.path().join("tekniska.rosa"), &twin).unwrap();
        let mut workspace = Workspace::open(dir.path());
        let (text, version) = edit(&workspace, "tekniska.rosa", with_extra);
        let refused = workspace.save("tekniska.rosa", &text, &version);
        assert!(
            matches!(&refused, Err(SaveError::Io(m)) if m.contains("hårda länkar")),
            "{refused:?}"
        );
        assert!(!std::fs::read_to_string(&twin).unwrap().contains("dubblett"));
    }
}
