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
pub(crate) const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;
/// Most `.rosa` files in one ruleset.
pub(crate) const MAX_FILES: usize = 2_000;
/// Most bytes of rule files in one ruleset, and separately of its scripts.
pub(crate) const MAX_TOTAL_BYTES: u64 = 64 * 1024 * 1024;
/// Deepest subdirectory searched for `.rosa` files (the ruleset directory is depth 0).
pub(crate) const MAX_DEPTH: usize = 16;

/// Why a file is not read.
#[derive(Debug)]
pub(crate) enum Refusal {
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
    pub(crate) fn reason(&self) -> String {
        match self {
            Refusal::Outside => "är en symbolisk länk som pekar utanför regelkatalogen".to_string(),
            Refusal::NotRegular(what) => format!("är inte en vanlig fil ({what})"),
            Refusal::TooLarge(limit) => format!("är större än gränsen {}", mib(*limit)),
            Refusal::Io(e) => io_reason(e),
        }
    }
}

/// Why a file or directory could not be read, in Swedish (the system's own text is English).
pub(crate) fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "finns inte".to_string(),
        std::io::ErrorKind::PermissionDenied => "går inte att läsa: behörighet saknas".to_string(),
        std::io::ErrorKind::NotADirectory => "är inte en katalog".to_string(),
        _ => format!("går inte att läsa ({e})"),
    }
}

pub(crate) fn mib(bytes: u64) -> String {
    format!("{} MiB", bytes / (1024 * 1024))
}

/// Read `path`, which must resolve inside `root` (already canonical), be a regular file
/// and hold at most `limit` bytes.
pub(crate) fn read_inside(root: &Path, path: &Path, limit: u64) -> Result<Vec<u8>, Refusal> {
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
pub(crate) fn open_regular(path: &Path) -> Result<(File, Metadata), Refusal> {
    regular(&std::fs::metadata(path)?)?;
    let file = nonblocking(File::options().read(true)).open(path)?;
    // The path may have been swapped between the check and the open.
    let meta = file.metadata()?;
    regular(&meta)?;
    Ok((file, meta))
}

/// Open `path` for appending (created if missing) if it is, or will be, a regular file.
#[cfg(feature = "serve")]
pub(crate) fn append_regular(path: &Path) -> Result<File, Refusal> {
    match std::fs::metadata(path) {
        Ok(meta) => regular(&meta)?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e.into()),
    }
    let file = nonblocking(File::options().create(true).append(true)).open(path)?;
    regular(&file.metadata()?)?;
    Ok(file)
}

/// Why [`write_file`] did not write.
#[derive(Debug)]
pub enum WriteRefusal {
    /// The target is a symbolic link: replacing it would cut the link, writing
    /// through it would write elsewhere.
    Symlink,
    /// The target has other hard links, which a replacement would silently split.
    HardLinked(u64),
    /// Not a regular file; the text names what, in Swedish.
    NotRegular(&'static str),
    /// The system refused.
    Io(std::io::Error),
}

impl From<std::io::Error> for WriteRefusal {
    fn from(e: std::io::Error) -> Self {
        WriteRefusal::Io(e)
    }
}

impl WriteRefusal {
    /// The reason, in Swedish, to follow "filen `x`".
    pub fn reason(&self) -> String {
        match self {
            WriteRefusal::Symlink => {
                "är en symbolisk länk; den skrivs inte över, ändra filen den pekar på".to_string()
            }
            WriteRefusal::HardLinked(n) => {
                format!(
                    "har {n} hårda länkar; den skrivs inte över, eftersom länkarna då skulle delas"
                )
            }
            WriteRefusal::NotRegular(what) => format!("är inte en vanlig fil ({what})"),
            WriteRefusal::Io(e) => format!("kunde inte skrivas ({e})"),
        }
    }
}

/// Write `bytes` to `path` the way rosa writes every file it writes (a saved rule file,
/// a formatted one, a report): so that a crash leaves the old or the new file and
/// nothing planted beside it is followed. The bytes go to a temporary created
/// exclusively (never opening an existing name or a link) in the same directory,
/// with an existing target's permissions, synced, then renamed over the target. An
/// existing target that is a symbolic link, not a regular file, or hard-linked is
/// refused rather than silently replaced or split.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), WriteRefusal> {
    write_file_with(path, |w| w.write_all(bytes))
}

/// [`write_file`] for content too large to hold in memory: `fill` streams it
/// (buffered) into the temporary, which replaces the target only when `fill` and the
/// sync succeed. `fill`'s result is passed on.
pub fn write_file_with<T>(
    path: &Path,
    fill: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<T>,
) -> Result<T, WriteRefusal> {
    let existing = match std::fs::symlink_metadata(path) {
        Ok(meta) => Some(replaceable(meta)?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e.into()),
    };
    let (temporary, file) = create_temporary(path)?;
    let written = write_synced(file, fill, existing.as_ref())
        .and_then(|value| std::fs::rename(&temporary, path).map(|()| value));
    written.map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        e.into()
    })
}

/// An existing target that may be replaced: a regular file with no other hard link.
fn replaceable(meta: Metadata) -> Result<Metadata, WriteRefusal> {
    if meta.file_type().is_symlink() {
        return Err(WriteRefusal::Symlink);
    }
    regular(&meta).map_err(|_| WriteRefusal::NotRegular(kind(&meta)))?;
    match hard_links(&meta) {
        1 => Ok(meta),
        links => Err(WriteRefusal::HardLinked(links)),
    }
}

fn write_synced<T>(
    file: File,
    fill: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<T>,
    like: Option<&Metadata>,
) -> std::io::Result<T> {
    use std::io::Write;
    if let Some(like) = like {
        file.set_permissions(like.permissions())?;
    }
    let mut buffered = std::io::BufWriter::new(file);
    let value = fill(&mut buffered)?;
    buffered.flush()?;
    let file = buffered.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    Ok(value)
}

/// A new file beside `path`, under a name nobody else holds: `O_CREAT | O_EXCL` fails
/// on any existing name, a planted link included, so another name is tried.
fn create_temporary(path: &Path) -> std::io::Result<(std::path::PathBuf, File)> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("fil");
    let mut last = None;
    for attempt in 0..16u32 {
        let temporary = path.with_file_name(format!(
            ".{name}.{}-{}.rosa-tmp",
            std::process::id(),
            unique(attempt)
        ));
        match exclusive(File::options().write(true).create_new(true)).open(&temporary) {
            Ok(file) => return Ok((temporary, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no free temporary name")))
}

/// A number that differs between calls, so a name planted in advance is unlikely to
/// match (and is refused by `O_EXCL` if it does).
fn unique(attempt: u32) -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    COUNTER.fetch_add(1, Ordering::Relaxed) ^ (u64::from(nanos) << 20) ^ u64::from(attempt)
}

#[cfg(unix)]
fn exclusive(options: &mut std::fs::OpenOptions) -> &mut std::fs::OpenOptions {
    use std::os::unix::fs::OpenOptionsExt;
    // As a new file would be created (less the umask); an existing target's mode is
    // copied after.
    options.custom_flags(libc::O_NOFOLLOW).mode(0o666)
}

#[cfg(not(unix))]
fn exclusive(options: &mut std::fs::OpenOptions) -> &mut std::fs::OpenOptions {
    options
}

#[cfg(unix)]
fn hard_links(meta: &Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::nlink(meta)
}

#[cfg(not(unix))]
fn hard_links(_: &Metadata) -> u64 {
    1
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
    fn replace_never_follows_a_planted_link_and_keeps_the_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a.rosa");
        let outside = dir.path().join("outside.txt");
        std::fs::write(&target, "gammal").unwrap();
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
        std::fs::write(&outside, "orörd").unwrap();
        // Links planted under the names a naive writer would use.
        for name in [".a.rosa.rosa-studio", ".a.rosa.tmp", "a.rosa.tmp"] {
            std::os::unix::fs::symlink(&outside, dir.path().join(name)).unwrap();
        }
        write_file(&target, b"ny").unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "ny");
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), "orörd");
        let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".rosa-tmp"))
            .collect();
        assert!(left.is_empty(), "temporaries left: {left:?}");
    }

    #[test]
    fn streamed_write_replaces_only_when_the_stream_succeeds() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("logg.csv");
        std::fs::write(&target, "gammal").unwrap();
        let failed = write_file_with(&target, |w| {
            w.write_all(b"halv")?;
            Err::<(), _>(std::io::Error::other("avbruten"))
        });
        assert!(matches!(failed, Err(WriteRefusal::Io(_))));
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "gammal");
        let rows = write_file_with(&target, |w| {
            for row in 0..3 {
                writeln!(w, "rad {row}")?;
            }
            Ok(3)
        })
        .unwrap();
        assert_eq!(rows, 3);
        assert_eq!(
            std::fs::read_to_string(&target).unwrap(),
            "rad 0\nrad 1\nrad 2\n"
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn replace_refuses_symlinked_and_hard_linked_targets() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.rosa");
        std::fs::write(&real, "x").unwrap();
        let link = dir.path().join("link.rosa");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        assert!(matches!(
            write_file(&link, b"y"),
            Err(WriteRefusal::Symlink)
        ));
        let hard = dir.path().join("hard.rosa");
        std::fs::hard_link(&real, &hard).unwrap();
        let refusal = write_file(&real, b"y").unwrap_err();
        assert!(
            matches!(refusal, WriteRefusal::HardLinked(2)),
            "{refusal:?}"
        );
        assert!(refusal.reason().contains("2 hårda länkar"));
        assert_eq!(std::fs::read_to_string(&hard).unwrap(), "x");
    }

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
