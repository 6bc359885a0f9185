//! Rule files as loaded from disk, and positions inside them.

use std::path::{Path, PathBuf};

/// Index of a file in a [`SourceMap`].
pub type FileId = u32;

/// A byte range in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// The file, in the [`SourceMap`] the span came with.
    pub file: FileId,
    /// Byte offset of the first byte, from the start of the file's text.
    pub start: usize,
    /// Byte offset just past the last byte (`start..end`, so `start == end` is a point).
    pub end: usize,
}

impl Span {
    /// The bytes `start..end` of `file`.
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        Span { file, start, end }
    }
}

/// One loaded file: its path relative to the ruleset root, and its text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path relative to the ruleset root, as read (see [`SourceFile::display_path`]).
    pub path: PathBuf,
    /// The whole text of the file.
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    /// A file with this path (relative to the ruleset root) and text.
    pub fn new(path: impl Into<PathBuf>, text: impl Into<String>) -> Self {
        let text = text.into();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile {
            path: path.into(),
            text,
            line_starts,
        }
    }

    /// The path relative to the ruleset root, with forward slashes.
    pub fn display_path(&self) -> String {
        display_path(&self.path)
    }

    /// 1-based line and column (counted in characters, as an editor shows them).
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(&self.text, offset);
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let column = self.text[start..offset].chars().count();
        (line + 1, column + 1)
    }
}

/// The largest char boundary at or before `offset`, within the text.
pub(crate) fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// All files of one ruleset, addressed by [`FileId`].
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// Add a file; returns its id, the next in order (the first file is 0).
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        (self.files.len() - 1) as FileId
    }

    /// The file with this id.
    ///
    /// # Panics
    ///
    /// If `id` was not returned by [`SourceMap::add`] on this map.
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id as usize]
    }

    /// Put `text` in place of the file at `path` (relative to the ruleset root, as in
    /// [`SourceFile::path`]), or add the file when the map has none at that path; returns
    /// its id. This is how an editor checks its unsaved buffers with the rest of the
    /// ruleset: read the directory, overlay what is open, and check the result with
    /// [`Ruleset::from_sources`](crate::Ruleset::from_sources). A problem that reading
    /// reported for `path` (not UTF-8, too large) is about the file on disk: leave it out.
    ///
    /// ```
    /// let dir = "rulesets/exempelkommun";
    /// let (mut sources, problems) = rosa::SourceMap::read_dir(dir);
    /// let policy = "kundtjänst \"K\" { kommun \"K\" kommunkod 0000 }";
    /// sources.overlay("kundtjanst.rosa", policy); // the editor's text, not yet saved
    /// let err = rosa::Ruleset::from_sources(dir, sources, problems).unwrap_err();
    /// assert!(err.render().contains("policyn saknar `kanaler`"));
    /// ```
    pub fn overlay(&mut self, path: impl Into<PathBuf>, text: impl Into<String>) -> FileId {
        let path = path.into();
        let file = SourceFile::new(path, text);
        match self.files.iter().position(|f| f.path == file.path) {
            Some(i) => {
                self.files[i] = file;
                i as FileId
            }
            None => self.add(file),
        }
    }

    /// Every file with its id, in the order added (path order for a loaded ruleset).
    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files.iter().enumerate().map(|(i, f)| (i as FileId, f))
    }

    /// `path:line` of a span, as shown to rule authors.
    pub fn location(&self, span: Span) -> Location {
        let file = self.get(span.file);
        let (line, column) = file.line_col(span.start);
        Location {
            file: file.path.clone(),
            line,
            column,
        }
    }
}

/// A human-readable position: file relative to the ruleset root, 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Location {
    /// The file, relative to the ruleset root.
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", display_path(&self.file), self.line)
    }
}

/// Paths with forward slashes on every platform, so reports and snapshots agree.
pub(crate) fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}
