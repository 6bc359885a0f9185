//! Which files a follow-up reads: files, directories (every file in them, sorted) and
//! simple globs (`*` and `?` in the last part of a path), each opened plain or as gzip
//! by its first bytes, not its name.

use super::FollowupError;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The first bytes of a gzip member.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
/// Most bytes one gzip file may unpack to (a log month is far less; a crafted file
/// would otherwise keep the reader busy for ever).
const MAX_GZIP_BYTES: u64 = 64 * 1024 * 1024 * 1024;

/// The files `given` names, in order, each once.
///
/// # Errors
///
/// A path that names nothing, or a glob that matches nothing.
pub(super) fn expand(given: &[PathBuf]) -> Result<Vec<PathBuf>, FollowupError> {
    let mut files = Vec::new();
    let mut seen = std::collections::HashSet::new();
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
            if seen.insert(f.clone()) {
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

/// `*` any run of bytes, `?` one byte, anything else itself. Two pointers: on a
/// mismatch, go back to the last `*` and let it take one byte more (linear per star,
/// never exponential).
fn matches(pattern: &[u8], name: &[u8]) -> bool {
    let (mut p, mut n) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        match pattern.get(p) {
            Some(b'*') => {
                star = Some((p, n));
                p += 1;
            }
            Some(&c) if c == b'?' || c == name[n] => {
                p += 1;
                n += 1;
            }
            _ => match star {
                Some((sp, sn)) => {
                    p = sp + 1;
                    n = sn + 1;
                    star = Some((sp, sn + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|c| *c == b'*')
}

/// The file's bytes, decompressed when it starts like gzip (every member of a file that
/// rotation concatenated). Only a regular file is opened.
pub(super) fn open(path: &Path) -> Result<Box<dyn Read + Send>, String> {
    open_bounded(path, MAX_GZIP_BYTES)
}

/// [`open`], with at most `limit` bytes decompressed.
fn open_bounded(path: &Path, limit: u64) -> Result<Box<dyn Read + Send>, String> {
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
        let decoder =
            flate2::read::MultiGzDecoder::new(std::io::BufReader::with_capacity(1 << 16, file));
        Ok(Box::new(Bounded {
            inner: decoder,
            limit,
            left: limit,
        }))
    } else {
        Ok(Box::new(file))
    }
}

/// A reader that fails, as that file's problem, once `left` bytes have been read.
struct Bounded<R> {
    inner: R,
    limit: u64,
    left: u64,
}

fn size(bytes: u64) -> String {
    const GIB: u64 = 1 << 30;
    if bytes >= GIB && bytes.is_multiple_of(GIB) {
        format!("{} GiB", bytes / GIB)
    } else {
        format!("{bytes} byte")
    }
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            // One byte more tells a file of exactly the limit from a larger one.
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(std::io::Error::other(format!(
                    "uppackad blir filen större än gränsen {}",
                    size(self.limit)
                ))),
            };
        }
        let want = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        self.left -= n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gzip_file_unpacking_beyond_the_bound_fails_as_that_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a.jsonl.gz");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut gz, &[b'x'; 1000]).expect("gzip");
        std::fs::write(&path, gz.finish().expect("gzip")).expect("write");
        let mut all = Vec::new();
        open_bounded(&path, 1000)
            .expect("open")
            .read_to_end(&mut all)
            .expect("exactly the bound is read");
        assert_eq!(all.len(), 1000);
        let err = open_bounded(&path, 999)
            .expect("open")
            .read_to_end(&mut Vec::new())
            .expect_err("over the bound");
        assert!(err.to_string().contains("999 byte"), "{err}");
    }

    #[test]
    fn a_glob_of_many_stars_is_matched_quickly() {
        let name = [b'a'; 200];
        let mut pattern = b"*a".repeat(30);
        pattern.push(b'b');
        let started = std::time::Instant::now();
        assert!(!matches(&pattern, &name));
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        assert!(matches(b"*", b""));
        assert!(matches(b"a*b*c", b"aXbYbc"));
        assert!(!matches(b"a*b?c", b"abc"));
        assert!(matches(b"?*", b"x"));
    }

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
