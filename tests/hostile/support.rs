//! Helpers shared by the hostile-input tests.

use std::path::Path;
use std::process::{Command, Output};

pub fn rosa() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rosa"))
}

/// A copy of the example kommun, to plant things in.
pub fn example() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(Path::new("rulesets/exempelkommun"), dir.path());
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Replace the first `from` in the rule file `name` with `to`.
pub fn plant(dir: &Path, name: &str, from: &str, to: &str) {
    let path = dir.join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "`{from}` not in {name}");
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// Both streams, as bytes.
pub fn everything(output: &Output) -> Vec<u8> {
    [output.stdout.as_slice(), output.stderr.as_slice()].concat()
}
