//! Puts the git commit into `rosa --version`, so an answer can be traced to the engine
//! that gave it. Outside a git checkout (a crate tarball) it says "okänd".

use std::process::Command;

fn main() {
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let commit = git(&["rev-parse", "--short", "HEAD"]).unwrap_or_else(|| "okänd".to_string());
    println!("cargo:rustc-env=ROSA_GIT_COMMIT={commit}");
    // Rebuild when HEAD moves: a new commit on the branch or another branch checked out.
    // Only paths that exist are named: cargo counts a missing one as changed on every
    // build (a repository without `packed-refs` rebuilt rosa each time).
    let exists = |path: &str| std::path::Path::new(path).exists();
    if let Some(dir) = git(&["rev-parse", "--git-dir"]) {
        let head = format!("{dir}/HEAD");
        if exists(&head) {
            println!("cargo:rerun-if-changed={head}");
        }
    }
    if let Some(dir) = git(&["rev-parse", "--git-common-dir"]) {
        let packed = format!("{dir}/packed-refs");
        if exists(&packed) {
            println!("cargo:rerun-if-changed={packed}");
        }
        if let Some(head) = git(&["symbolic-ref", "-q", "HEAD"]) {
            let loose = format!("{dir}/{head}");
            if exists(&loose) {
                println!("cargo:rerun-if-changed={loose}");
            } else if let Some((folder, _)) = loose.rsplit_once('/') {
                // A packed branch: the next commit writes its loose ref into this folder.
                println!("cargo:rerun-if-changed={folder}");
            }
        }
    }
    println!("cargo:rerun-if-changed=build.rs");
}
