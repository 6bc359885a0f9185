//! Which files a follow-up reads: files, directories (every file in them, sorted) and
//! simple globs (`*` and `?` in the last part of a path), each opened plain or as gzip
//! by its first bytes, not its name.

use super::FollowupError;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The first bytes of a gzip member.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// The files `given` names, in order, each once.
///
/// # Errors
///
/// A path that names nothing, or a glob that matches nothing.
pub(super) fn expand(given: &[PathBuf]) -> Result<Vec<PathBuf>, FollowupError> {
    let mut files = Vec::new();
    for path in given {
        let found = if path.is_dir() {
            directory_files(path)?
        } else if is_glob(path) {
            glob(path)?
        } else if path.exists() {
            vec![path.clone()]
        } else {
            return Err(FollowupError(format!(
                "beslutsloggen `{}` finns inte",
                path.display()
            )));
        };
        for f in found {
            if !files.contains(&f) {
                files.push(f);
            }
        }
    }
    if files.is_empty() {
        return Err(FollowupError("ingen beslutslogg att läsa".into()));
    }
    Ok(files)
}

fn is_glob(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.contains(['*', '?']))
}

fn directory_files(dir: &Path) -> Result<Vec<PathBuf>, FollowupError> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        FollowupError(format!(
            "katalogen `{}` går inte att läsa: {e}",
            dir.display()
        ))
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    Ok(files)
}

fn glob(pattern: &Path) -> Result<Vec<PathBuf>, FollowupError> {
    let dir = match pattern.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let wanted = pattern
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let files: Vec<PathBuf> = directory_files(dir)?
        .into_iter()
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|name| matches(wanted.as_bytes(), name.as_bytes()))
        })
        .collect();
    if files.is_empty() {
        return Err(FollowupError(format!(
            "mönstret `{}` matchar ingen fil",
            pattern.display()
        )));
    }
    Ok(files)
}

/// `*` any run of bytes, `?` one byte, anything else itself.
fn matches(pattern: &[u8], name: &[u8]) -> bool {
    match pattern.split_first() {
        None => name.is_empty(),
        Some((b'*', rest)) => (0..=name.len()).any(|i| matches(rest, &name[i..])),
        Some((b'?', rest)) => !name.is_empty() && matches(rest, &name[1..]),
        Some((c, rest)) => name.first() == Some(c) && matches(rest, &name[1..]),
    }
}

/// The file's bytes, decompressed when it starts like gzip (every member of a file that
/// rotation concatenated). Only a regular file is opened.
pub(super) fn open(path: &Path) -> Result<Box<dyn Read + Send>, String> {
    let (mut file, _) = crate::files::open_regular(path).map_err(|refusal| match refusal {
        crate::files::Refusal::Io(e) => e.to_string(),
        other => other.reason(),
    })?;
    let mut magic = [0u8; 2];
    let mut n = 0;
    while n < magic.len() {
        match file.read(&mut magic[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.to_string()),
        }
    }
    std::io::Seek::rewind(&mut file).map_err(|e| e.to_string())?;
    if n == 2 && magic == GZIP_MAGIC {
        Ok(Box::new(flate2::read::MultiGzDecoder::new(
            std::io::BufReader::with_capacity(1 << 16, file),
        )))
    } else {
        Ok(Box::new(file))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_stars_and_question_marks() {
        assert!(matches(b"beslut*.jsonl*", b"beslut.jsonl.1.gz"));
        assert!(matches(b"beslut-2026-0?.jsonl", b"beslut-2026-03.jsonl"));
        assert!(!matches(b"beslut-2026-0?.jsonl", b"beslut-2026-10.jsonl"));
        assert!(!matches(b"*.gz", b"beslut.jsonl"));
    }

    #[test]
    fn a_directory_gives_its_files_sorted_and_a_missing_path_is_an_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        for name in ["b.jsonl", "a.jsonl.gz"] {
            std::fs::write(dir.path().join(name), "x\n").expect("write");
        }
        let files = expand(&[dir.path().to_path_buf()]).expect("files");
        let names: Vec<_> = files.iter().map(|f| f.file_name().unwrap()).collect();
        assert_eq!(names, ["a.jsonl.gz", "b.jsonl"]);
        let globbed = expand(&[dir.path().join("*.gz")]).expect("glob");
        assert_eq!(globbed.len(), 1);
        assert!(expand(&[dir.path().join("saknas.jsonl")]).is_err());
        assert!(expand(&[dir.path().join("*.csv")]).is_err());
    }
}
