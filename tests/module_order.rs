//! The library's modules import only modules below them: the core helpers (the
//! language's facts, sources, diagnostics, …) at the bottom, then the stages as the
//! data flows, syntax → model → check → load → engine, then what is built on the
//! engine. `model` (the validated types) sits below `check`, which builds them; the
//! stage order of data (syntax → check → model) is not the import order. Read from the
//! `crate::` paths of every file in src/ (the binary's src/cli and src/main.rs use the
//! library only through `rosa::`, and stand above all of it).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Lowest first. A module may import only modules before it in this list.
const ORDER: &[&str] = &[
    // Core helpers: no stage.
    "lang",
    "bounds",
    "calendar",
    "clock",
    "numbers",
    "terminal",
    "source",
    "files",
    "html",
    "diagnostics",
    // The stages.
    "syntax",
    "model",
    "check",
    "load",
    "engine",
    // Built on the engine.
    "dryrun",
    "followup",
    "tjansteurval",
    "search_log",
    "web",
    "serve",
    "studio",
];

/// The top-level module a `src/` file belongs to (`src/check/policy.rs` → `check`);
/// `None` for the crate roots and the binary.
fn module_of(relative: &Path) -> Option<String> {
    let first = relative.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (!matches!(name, "lib" | "main" | "cli")).then(|| name.to_string())
}

/// `pub use engine::{Decision, Engine}` in lib.rs: `Engine` → `engine`.
fn reexports(lib: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for item in lib.split(';') {
        let Some(path) = item.trim().strip_prefix("pub use ") else {
            continue;
        };
        let Some((module, rest)) = path.split_once("::") else {
            continue;
        };
        for name in rest.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
            if name.starts_with(|c: char| c.is_uppercase()) || name == "run_tests" {
                out.push((name.to_string(), module.to_string()));
            }
        }
    }
    out
}

/// The top-level modules a file's code (not its comments) names through `crate::`.
fn imports(text: &str, reexports: &[(String, String)]) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
        for (i, _) in line.match_indices("crate::") {
            let rest = &line[i + "crate::".len()..];
            let names: Vec<String> = match rest.strip_prefix('{') {
                // `use crate::{check, model::Ruleset}`
                Some(group) => group
                    .split('}')
                    .next()
                    .unwrap_or("")
                    .split(',')
                    .map(|part| ident(part.trim()))
                    .collect(),
                None => vec![ident(rest)],
            };
            for name in names.into_iter().filter(|n| !n.is_empty()) {
                let module = reexports
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map_or(name, |(_, m)| m.clone());
                found.insert(module);
            }
        }
    }
    found
}

/// Every import of a module that is not below the importer, as "a → b (file)".
fn back_imports(files: &[(PathBuf, String)], lib: &str) -> Vec<String> {
    let reexports = reexports(lib);
    let rank = |m: &str| ORDER.iter().position(|o| *o == m);
    let mut problems = Vec::new();
    for (path, text) in files {
        let Some(module) = module_of(path) else {
            continue;
        };
        let Some(own) = rank(&module) else {
            problems.push(format!(
                "{}: module `{module}` is not in ORDER; place it there",
                path.display()
            ));
            continue;
        };
        for imported in imports(text, &reexports) {
            if imported == module {
                continue;
            }
            match rank(&imported) {
                Some(r) if r < own => {}
                Some(_) => problems.push(format!(
                    "{module} → {imported} ({}): `{imported}` is not below `{module}`",
                    path.display()
                )),
                None => problems.push(format!(
                    "{module} → {imported} ({}): `{imported}` is not in ORDER",
                    path.display()
                )),
            }
        }
    }
    problems
}

fn rust_files(dir: &Path, root: &Path, out: &mut Vec<(PathBuf, String)>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read src/")
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, root, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).expect("read a source file");
            let relative = path.strip_prefix(root).expect("under src/").to_path_buf();
            out.push((relative, text));
        }
    }
}

#[test]
fn no_module_imports_one_above_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &src, &mut files);
    let lib = std::fs::read_to_string(src.join("lib.rs")).expect("read src/lib.rs");
    assert!(files.len() > 50, "found only {} files", files.len());
    let problems = back_imports(&files, &lib);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_planted_back_import_is_found() {
    let lib = "pub use engine::{Decision, Engine};\npub use model::Ruleset;";
    let file = |path: &str, text: &str| (PathBuf::from(path), text.to_string());
    let files = [
        file("syntax/mod.rs", "use crate::check::names;"),
        file("model/mod.rs", "fn f() { crate::Engine::new(r) }"),
        file("check/mod.rs", "use crate::{lang, engine::Inquiry};"),
        // Below, or in a comment: fine.
        file(
            "engine/mod.rs",
            "use crate::model::Ruleset;\n/// [`crate::Studio`]",
        ),
        file("newstage.rs", "use crate::lang;"),
    ];
    let problems = back_imports(&files, lib);
    let starts: Vec<&str> = problems
        .iter()
        .map(|p| p.split(" (").next().unwrap_or(p))
        .collect();
    assert_eq!(
        starts,
        [
            "syntax → check",
            "model → engine",
            "check → engine",
            "newstage.rs: module `newstage` is not in ORDER; place it there"
        ],
        "{problems:#?}"
    );
}
