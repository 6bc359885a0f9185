//! Reading files safely: the one place rule files, scripts and logs are opened.
//!
//! A ruleset directory may be writable by people who should not be able to hang or
//! exhaust the server, or make it show files elsewhere on the machine. So only regular
//! files are read, a path that resolves outside the ruleset directory is refused, the
//! type is checked before opening and files open non-blocking (a FIFO swapped in
//! between never blocks), and sizes are bounded. Nothing is read from a refused file.

use std::fs::{File, Metadata};
use std::io::Read;
use std::path::Path;

/// Largest rule file or script read, in bytes.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;
/// Most `.rosa` files in one ruleset.
pub const MAX_FILES: usize = 2_000;
/// Most bytes of rule files in one ruleset, and separately of its scripts.
pub const MAX_TOTAL_BYTES: u64 = 64 * 1024 * 1024;
/// Deepest subdirectory searched for `.rosa` files (the ruleset directory is depth 0).
pub const MAX_DEPTH: usize = 16;

/// Why a file is not read.
#[derive(Debug)]
pub enum Refusal {
    /// The path resolves (through a symbolic link) outside the ruleset directory.
    Outside,
    /// A FIFO, device, socket or directory; the text names which, in Swedish.
    NotRegular(&'static str),
    /// Larger than the limit, in bytes.
    TooLarge(u64),
    /// The system refused (missing, no permission, …).
    Io(std::io::Error),
}

impl From<std::io::Error> for Refusal {
    fn from(e: std::io::Error) -> Self {
        Refusal::Io(e)
    }
}

impl Refusal {
    /// The reason, in Swedish, to follow "filen `x`".
    pub fn reason(&self) -> String {
        match self {
            Refusal::Outside => "är en symbolisk länk som pekar utanför regelkatalogen".to_string(),
            Refusal::NotRegular(what) => format!("är inte en vanlig fil ({what})"),
            Refusal::TooLarge(limit) => format!("är större än gränsen {}", mib(*limit)),
            Refusal::Io(e) => io_reason(e),
        }
    }
}

/// Why a file or directory could not be read, in Swedish (the system's own text is English).
pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "finns inte".to_string(),
        std::io::ErrorKind::PermissionDenied => "går inte att läsa: behörighet saknas".to_string(),
        std::io::ErrorKind::NotADirectory => "är inte en katalog".to_string(),
        _ => format!("går inte att läsa ({e})"),
    }
}

pub fn mib(bytes: u64) -> String {
    format!("{} MiB", bytes / (1024 * 1024))
}

/// Read `path`, which must resolve inside `root` (already canonical), be a regular file
/// and hold at most `limit` bytes.
pub fn read_inside(root: &Path, path: &Path, limit: u64) -> Result<Vec<u8>, Refusal> {
    let real = path.canonicalize()?;
    if !real.starts_with(root) {
        return Err(Refusal::Outside);
    }
    let (file, meta) = open_regular(&real)?;
    if meta.len() > limit {
        return Err(Refusal::TooLarge(limit));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // A file growing after the check still stops at the limit.
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(Refusal::TooLarge(limit));
    }
    Ok(bytes)
}

/// Open `path` for reading if it is a regular file (symbolic links followed), never
/// blocking on a FIFO.
pub fn open_regular(path: &Path) -> Result<(File, Metadata), Refusal> {
    regular(&std::fs::metadata(path)?)?;
    let file = nonblocking(File::options().read(true)).open(path)?;
    // The path may have been swapped between the check and the open.
    let meta = file.metadata()?;
    regular(&meta)?;
    Ok((file, meta))
}

/// Open `path` for appending (created if missing) if it is, or will be, a regular file.
#[cfg(feature = "serve")]
pub fn append_regular(path: &Path) -> Result<File, Refusal> {
    match std::fs::metadata(path) {
        Ok(meta) => regular(&meta)?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e.into()),
    }
    let file = nonblocking(File::options().create(true).append(true)).open(path)?;
    regular(&file.metadata()?)?;
    Ok(file)
}

fn regular(meta: &Metadata) -> Result<(), Refusal> {
    if meta.is_file() {
        Ok(())
    } else {
        Err(Refusal::NotRegular(kind(meta)))
    }
}

#[cfg(unix)]
fn kind(meta: &Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_dir() {
        "en katalog"
    } else if t.is_fifo() {
        "en FIFO"
    } else if t.is_socket() {
        "en socket"
    } else if t.is_block_device() || t.is_char_device() {
        "en enhet"
    } else {
        "okänd filtyp"
    }
}

#[cfg(not(unix))]
fn kind(meta: &Metadata) -> &'static str {
    if meta.is_dir() {
        "en katalog"
    } else {
        "okänd filtyp"
    }
}

#[cfg(unix)]
fn nonblocking(options: &mut std::fs::OpenOptions) -> &mut std::fs::OpenOptions {
    use std::os::unix::fs::OpenOptionsExt;
    options.custom_flags(libc::O_NONBLOCK)
}

#[cfg(not(unix))]
fn nonblocking(options: &mut std::fs::OpenOptions) -> &mut std::fs::OpenOptions {
    options
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_fifo_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("x.rosa");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let root = dir.path().canonicalize().unwrap();
        let err = read_inside(&root, &fifo, MAX_FILE_BYTES).unwrap_err();
        assert_eq!(err.reason(), "är inte en vanlig fil (en FIFO)");
        #[cfg(feature = "serve")]
        assert!(matches!(append_regular(&fifo), Err(Refusal::NotRegular(_))));
    }

    #[test]
    fn refuses_links_outside_and_devices() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let link = dir.path().join("p.rosa");
        std::os::unix::fs::symlink("/etc/passwd", &link).unwrap();
        assert!(matches!(
            read_inside(&root, &link, MAX_FILE_BYTES),
            Err(Refusal::Outside)
        ));
        assert!(matches!(
            open_regular(Path::new("/dev/zero")),
            Err(Refusal::NotRegular("en enhet"))
        ));
        std::fs::write(dir.path().join("big"), vec![b'a'; 11]).unwrap();
        assert!(matches!(
            read_inside(&root, &dir.path().join("big"), 10),
            Err(Refusal::TooLarge(10))
        ));
    }
}
