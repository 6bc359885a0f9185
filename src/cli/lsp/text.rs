//! Positions and URIs: LSP counts columns in UTF-16 code units and names files by
//! `file://` URIs; rosa counts bytes and uses paths.

use lsp_types::{Position, Range, Uri};
use std::path::{Path, PathBuf};

/// The start of every line of a text, to turn byte offsets into LSP positions and back.
pub(super) struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { text, starts }
    }

    /// The LSP position of a byte offset (clamped to the text, and to a char boundary).
    pub(super) fn position(&self, offset: usize) -> Position {
        let offset = floor_char_boundary(self.text, offset);
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let character = self.text[start..offset].encode_utf16().count();
        Position::new(to_u32(line), to_u32(character))
    }

    pub(super) fn range(&self, start: usize, end: usize) -> Range {
        Range::new(self.position(start), self.position(end.max(start)))
    }

    /// The byte offset of an LSP position; past the end of a line means its end, past
    /// the last line the end of the text.
    pub(super) fn offset(&self, position: Position) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return self.text.len();
        };
        let line = &self.text[start..];
        let line = &line[..line.find('\n').unwrap_or(line.len())];
        let mut units = 0usize;
        for (i, c) in line.char_indices() {
            if units >= position.character as usize {
                return start + i;
            }
            units += c.len_utf16();
        }
        start + line.len()
    }

    /// The range of the whole text.
    pub(super) fn whole(&self) -> Range {
        Range::new(Position::new(0, 0), self.position(self.text.len()))
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The absolute path of a `file:` URI on this machine; `None` for any other URI
/// (`untitled:`, a remote host, a relative or malformed path).
pub(super) fn file_path(uri: &str) -> Option<PathBuf> {
    let scheme_end = uri.find(':')?;
    if !uri[..scheme_end].eq_ignore_ascii_case("file") {
        return None;
    }
    let rest = uri[scheme_end + 1..].strip_prefix("//")?;
    let slash = rest.find('/')?;
    let (host, path) = rest.split_at(slash);
    if !(host.is_empty() || host.eq_ignore_ascii_case("localhost")) {
        return None;
    }
    let path = &path[..path.find(['?', '#']).unwrap_or(path.len())];
    let bytes = percent_decode(path)?;
    if bytes.contains(&0) {
        return None;
    }
    let path = bytes_to_path(bytes)?;
    path.is_absolute().then_some(path)
}

fn percent_decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

#[cfg(unix)]
fn bytes_to_path(bytes: Vec<u8>) -> Option<PathBuf> {
    use std::os::unix::ffi::OsStringExt;
    Some(PathBuf::from(std::ffi::OsString::from_vec(bytes)))
}

#[cfg(not(unix))]
fn bytes_to_path(bytes: Vec<u8>) -> Option<PathBuf> {
    let text = String::from_utf8(bytes).ok()?;
    // `/C:/dir/file.rosa`: the drive letter follows the URI's slash.
    let text = match text.strip_prefix('/') {
        Some(rest) if rest.as_bytes().get(1) == Some(&b':') => rest.to_string(),
        _ => text,
    };
    Some(PathBuf::from(text.replace('/', "\\")))
}

/// The `file://` URI of an absolute path.
pub(super) fn file_uri(path: &Path) -> Option<Uri> {
    let bytes = path_bytes(path)?;
    let mut uri = String::from("file://");
    if bytes.first() != Some(&b'/') {
        uri.push('/');
    }
    for &b in &bytes {
        let keep = b.is_ascii_alphanumeric() || b"-._~/".contains(&b);
        if keep {
            uri.push(char::from(b));
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri.parse().ok()
}

#[cfg(unix)]
fn path_bytes(path: &Path) -> Option<Vec<u8>> {
    use std::os::unix::ffi::OsStrExt;
    Some(path.as_os_str().as_bytes().to_vec())
}

#[cfg(not(unix))]
fn path_bytes(path: &Path) -> Option<Vec<u8>> {
    Some(path.to_str()?.replace('\\', "/").into_bytes())
}

/// The word (id or keyword: letters, digits, `_`, `-`) at a byte offset, with its range.
pub(super) fn word_at(text: &str, offset: usize) -> Option<(&str, usize, usize)> {
    let offset = floor_char_boundary(text, offset);
    let is_word = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    let start = text[..offset]
        .char_indices()
        .rev()
        .take_while(|&(_, c)| is_word(c))
        .last()
        .map_or(offset, |(i, _)| i);
    let end = text[offset..]
        .char_indices()
        .find(|&(_, c)| !is_word(c))
        .map_or(text.len(), |(i, _)| offset + i);
    let word = &text[start..end];
    (!word.is_empty()).then_some((word, start, end))
}

/// Whether what follows `line_start` (a line up to some point) is inside quoted text or
/// a `//` comment.
pub(super) fn in_text_or_comment(line_start: &str) -> bool {
    let mut quoted = false;
    let mut chars = line_start.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => quoted = !quoted,
            '/' if !quoted && chars.peek() == Some(&'/') => return true,
            _ => {}
        }
    }
    quoted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_utf16() {
        let text = "ej kanaler besök, telefn\n𝄞x";
        let index = LineIndex::new(text);
        let at = text.find("telefn").unwrap();
        assert_eq!(index.position(at), Position::new(0, 18));
        assert_eq!(index.offset(Position::new(0, 18)), at);
        let x = text.find('x').unwrap();
        assert_eq!(index.position(x), Position::new(1, 2));
        assert_eq!(index.offset(Position::new(1, 2)), x);
        assert_eq!(
            index.offset(Position::new(0, 999)),
            text.find('\n').unwrap()
        );
        assert_eq!(index.offset(Position::new(9, 0)), text.len());
        assert_eq!(index.position(text.len() + 5), Position::new(1, 3));
    }

    #[cfg(unix)]
    #[test]
    fn file_uris_round_trip() {
        let path = Path::new("/tmp/min kommun/bygg åtgärd.rosa");
        let uri = file_uri(path).unwrap();
        assert_eq!(
            uri.as_str(),
            "file:///tmp/min%20kommun/bygg%20%C3%A5tg%C3%A4rd.rosa"
        );
        assert_eq!(file_path(uri.as_str()).unwrap(), path);
        assert_eq!(file_path("untitled:Untitled-1"), None);
        assert_eq!(file_path("file://server/share/x.rosa"), None);
        assert_eq!(file_path("file:///a%2"), None);
        assert_eq!(file_path("file:///a%00b"), None);
        assert_eq!(file_path("FILE:///x.rosa"), Some(PathBuf::from("/x.rosa")));
    }

    #[test]
    fn words() {
        let text = "    ärendetyp bygglov-status \"x\"";
        let at = text.find("glov").unwrap();
        assert_eq!(word_at(text, at).map(|w| w.0), Some("bygglov-status"));
        assert_eq!(word_at(text, 6).map(|w| w.0), Some("ärendetyp"));
        assert_eq!(word_at(text, 1), None);
        assert!(in_text_or_comment("    sökord \"bygglov"));
        assert!(in_text_or_comment("    rosa 3 // nivå "));
        assert!(!in_text_or_comment("    manus \"a//b\" "));
    }
}
