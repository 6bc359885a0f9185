//! A kommun's tjänsteurval (the spreadsheet of ärendetyper, levels and volumes that the
//! ROSA work produces) imported as a ruleset, and a ruleset exported as one.
//!
//! The import reads every sheet with a recognisable header ([`header`]), reads its rows
//! as a person would ([`values`]), writes one rule file per förvaltning laid out by the
//! formatter, and checks the result with the real checker before anything is written.
//! Every row is accounted for in a [`Report`].
//!
//! A workbook the export wrote carries the ruleset's files in a hidden sheet
//! (`regeltext`); importing it gives those files back, with only the units whose
//! rows were edited rewritten (`roundtrip`), so an unedited round trip keeps the
//! ruleset id.

mod export;
pub mod header;
mod read;
mod regeltext;
mod report;
mod roundtrip;
mod rows;
pub mod values;
mod write;

pub use export::export_xlsx;
pub use header::Column;
pub use read::{MAX_CELL_CHARS, MAX_CELLS, MAX_CSV_BYTES, MAX_NOTES, MAX_ROWS, MAX_TEXT_BYTES};
pub use report::{Entry, Kind, Report};
pub use roundtrip::Carried;

use crate::diagnostics::Diagnostics;
use crate::model::Ruleset;
use std::path::{Path, PathBuf};

/// Why a file could not be imported, in Swedish; nothing has been written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError(pub String);

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The policy sheet: a sheet whose first header cell is `Regelrad`, one policy
/// statement per row, the first row `kundtjänst "Namn"`.
pub const POLICY_HEADER: &str = "Regelrad";

/// An import, read but not written: the files of the ruleset and the report.
#[derive(Debug)]
pub struct Imported {
    /// Path in the ruleset → text, rule files formatted.
    pub files: Vec<(String, String)>,
    /// Every row and value accounted for.
    pub report: Report,
    /// For each rule file, the sheet and row each line came from.
    origins: Vec<(String, Vec<rows::Origin>)>,
    /// For an export's workbook (one with the `Regeltext` sheet): what came from where.
    pub carried: Option<Carried>,
}

/// Read `path` (`.xlsx` or CSV) into a ruleset's files. `default_policy` is the policy
/// used when the file has no policy sheet (`rosa new`'s commented one); `columns` are
/// `--column` mappings.
///
/// # Errors
///
/// A file that is no spreadsheet, is encrypted, too large, or has no header row.
pub fn import(
    path: &Path,
    columns: &[(Column, u32)],
    default_policy: &str,
) -> Result<Imported, ImportError> {
    let sheets = read::read(path)?;
    let mut report = Report::default();
    let mut found = rows::Rows::default();
    let mut policy = None;
    let mut any = false;
    // An emptied Regeltext sheet is as good as deleted: the rows alone are read.
    let carried = match sheets
        .iter()
        .find(|s| regeltext::is_sheet(s) && !s.rows.is_empty())
    {
        Some(sheet) => Some(regeltext::rebuild(sheet)?),
        None => None,
    };
    let mut layouts = Vec::new();
    for sheet in &sheets {
        if regeltext::is_sheet(sheet) {
            continue;
        }
        if let Some(lines) = policy_lines(sheet) {
            report.add(
                &sheet.name,
                "bladet",
                Kind::Read,
                format!(
                    "policyn ({})",
                    crate::numbers::count(lines.len(), "rad", "rader")
                ),
            );
            policy = Some(lines);
            continue;
        }
        match header::find(sheet, columns) {
            Some(layout) => {
                any = true;
                if let Some(h) = layout.header_row {
                    report.add(
                        &sheet.name,
                        &format!("rad {}", h + 1),
                        Kind::Read,
                        "rubrikraden".into(),
                    );
                }
                rows::read_sheet(sheet, &layout, &mut found, &mut report);
                layouts.push((sheet, layout));
            }
            None if sheet.rows.is_empty() => {}
            None => report.add(
                &sheet.name,
                "bladet",
                Kind::Skipped,
                "ingen rubrikrad med ärendetyp och ROSA-nivå".into(),
            ),
        }
    }
    if !any {
        return Err(header::not_found(&sheets));
    }
    drop_types_without_level(&mut found, &mut report);
    if found.forvaltningar.iter().all(|f| f.types.is_empty()) {
        return Err(ImportError(format!(
            "`{}` har en rubrikrad men ingen rad med en ärendetyp och en ROSA-nivå som går att läsa:\n{}",
            path.display(),
            report.render()
        )));
    }
    if let Some(files) = carried {
        let visible: Vec<_> = layouts.iter().map(|(s, l)| (*s, l)).collect();
        return roundtrip::merge(files, &visible, &found, policy.as_deref(), report);
    }
    let policy_text = match policy {
        Some(lines) => policy_from_lines(&lines),
        None => adapted_policy(default_policy, &found)?,
    };
    build(found, policy_text, report)
}

fn build(found: rows::Rows, policy: String, report: Report) -> Result<Imported, ImportError> {
    let mut files = vec![(
        "kundtjanst.rosa".to_string(),
        format_rule_text("kundtjanst.rosa", &policy)?,
    )];
    let mut origins = Vec::new();
    for f in &found.forvaltningar {
        let name = format!("{}.rosa", f.head.id);
        let raw = write::forvaltning_text(f);
        let text = crate::syntax::format::format_source(0, &raw).map_err(|d| {
            let line = d.span.map_or(0, |span| {
                raw.get(..span.start).unwrap_or("").matches('\n').count()
            });
            let origin = write::origins(&raw, f)
                .get(line)
                .cloned()
                .unwrap_or(f.head.origin.clone());
            ImportError(format!(
                "blad `{}` rad {}: en cell innehåller något som inte är regelspråk: {}",
                origin.sheet,
                origin.row + 1,
                d.message
            ))
        })?;
        origins.push((name.clone(), write::origins(&text, f)));
        files.push((name, text));
    }
    for script in found.scripts {
        files.push((script.path, script.text));
    }
    Ok(Imported {
        files,
        report,
        origins,
        carried: None,
    })
}

fn format_rule_text(name: &str, text: &str) -> Result<String, ImportError> {
    crate::syntax::format::format_source(0, text).map_err(|d| {
        ImportError(format!("den skapade filen `{name}` gick inte att läsa: {} (en cell innehåller något som inte är regelspråk)", d.message))
    })
}

fn drop_types_without_level(found: &mut rows::Rows, report: &mut Report) {
    for f in &mut found.forvaltningar {
        f.types.retain(|t| {
            let keep = t.head.level || !t.parts.is_empty();
            if !keep {
                report.add(
                    &t.head.origin.sheet,
                    &format!("rad {}", t.head.origin.row + 1),
                    Kind::Skipped,
                    format!(
                        "ärendetypen `{}` har ingen ROSA-nivå och inga delmoment",
                        t.head.name
                    ),
                );
            }
            keep
        });
    }
}

fn policy_lines(sheet: &read::Sheet) -> Option<Vec<String>> {
    let first = sheet.rows.first()?;
    if values::fold(first.cell(0)) != values::fold(POLICY_HEADER) {
        return None;
    }
    Some(
        sheet.rows[1..]
            .iter()
            .map(|r| r.cell(0).trim().to_string())
            .filter(|l| !l.is_empty())
            .collect(),
    )
}

fn policy_from_lines(lines: &[String]) -> String {
    let mut lines = lines.iter();
    let head = lines
        .next()
        .map_or("kundtjänst \"Kundtjänst\"", |l| l.as_str());
    let mut out = format!("{head} {{\n");
    for line in lines {
        out.push_str(&format!("    {line}\n"));
    }
    out.push_str("}\n");
    out
}

/// The default policy with the systems the rows name (as systems kundtjänst has no
/// access to, until the kommun says otherwise) and its `reserv` sent to the first
/// förvaltning.
fn adapted_policy(template: &str, found: &rows::Rows) -> Result<String, ImportError> {
    use crate::syntax::ast::{StmtKind, TargetPart};
    let parsed = crate::syntax::parse(0, template)
        .map_err(|d| ImportError(format!("standardpolicyn går inte att läsa: {}", d.message)))?;
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    let stmts = parsed.blocks.iter().flat_map(|b| &b.stmts);
    let mut known: Vec<&str> = Vec::new();
    for s in stmts.clone() {
        if let StmtKind::System(ids) | StmtKind::OvrigaSystem(ids) = &s.kind {
            known.extend(ids.iter().map(|i| i.name.as_str()));
        }
    }
    let new: Vec<&str> = found
        .systems
        .iter()
        .map(String::as_str)
        .filter(|s| !known.contains(s))
        .collect();
    for s in stmts {
        match &s.kind {
            StmtKind::OvrigaSystem(_) if !new.is_empty() => {
                edits.push((s.span.end, s.span.end, format!(", {}", new.join(", "))));
            }
            StmtKind::Reserv(target) => {
                for part in &target.parts {
                    if let (TargetPart::Till(id), Some(f)) = (part, found.forvaltningar.first()) {
                        edits.push((id.span.start, id.span.end, f.head.id.clone()));
                    }
                }
            }
            _ => {}
        }
    }
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut text = template.to_string();
    for (start, end, with) in edits {
        text.replace_range(start..end, &with);
    }
    Ok(text)
}

impl Imported {
    /// Write the files into `dir` (new, or an empty directory) and load them with the
    /// real checker. They are written to a directory beside `dir` first and moved into
    /// place only when the ruleset loads, so a failed check leaves nothing behind.
    ///
    /// # Errors
    ///
    /// The files could not be written, or the check found errors: then each error
    /// with the sheet rows it comes from.
    pub fn write(&self, dir: &Path) -> Result<Ruleset, ImportError> {
        if std::fs::read_dir(dir).is_ok_and(|mut e| e.next().is_some()) {
            return Err(ImportError(format!(
                "`{}` finns redan och är inte tom; rosa skriver inte över befintliga filer (välj en ny katalog)",
                dir.display()
            )));
        }
        if dir.exists() && !dir.is_dir() {
            return Err(ImportError(format!(
                "`{}` finns redan och är en fil",
                dir.display()
            )));
        }
        if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| {
                ImportError(format!("kunde inte skapa `{}`: {e}", parent.display()))
            })?;
        }
        let staging = staging_dir(dir);
        let result = self
            .write_into(&staging)
            .and_then(|()| self.check(&staging));
        let result = result.and_then(|ruleset| {
            if dir.exists() {
                std::fs::remove_dir(dir).map_err(|e| {
                    ImportError(format!(
                        "kunde inte ersätta den tomma katalogen `{}`: {e}",
                        dir.display()
                    ))
                })?;
            }
            std::fs::rename(&staging, dir).map_err(|e| {
                ImportError(format!(
                    "kunde inte flytta filerna till `{}`: {e}",
                    dir.display()
                ))
            })?;
            // Loaded again where it now is, so that its root is `dir`.
            drop(ruleset);
            Ruleset::load(dir).map_err(|d| ImportError(d.render()))
        });
        if result.is_err() {
            let _ = std::fs::remove_dir_all(&staging);
        }
        result
    }

    fn write_into(&self, staging: &Path) -> Result<(), ImportError> {
        std::fs::create_dir(staging)
            .map_err(|e| ImportError(format!("kunde inte skapa `{}`: {e}", staging.display())))?;
        for (path, text) in &self.files {
            if !is_plain_relative(path) {
                return Err(ImportError(format!(
                    "rosa skriver inte filen `{}`: en sökväg i regeluppsättningen får bara bestå av vanliga namn (inte `..`, `/` först eller tom)",
                    crate::bounds::bounded(path)
                )));
            }
            let full = staging.join(path);
            if let Some(parent) = full.parent() {
                std::fs::create_dir_all(parent).map_err(|e| {
                    ImportError(format!("kunde inte skapa `{}`: {e}", parent.display()))
                })?;
            }
            crate::files::write_file(&full, text.as_bytes())
                .map_err(|e| ImportError(format!("filen `{}` {}", full.display(), e.reason())))?;
        }
        Ok(())
    }

    fn check(&self, staging: &Path) -> Result<Ruleset, ImportError> {
        Ruleset::load(staging).map_err(|diagnostics| ImportError(self.explain(&diagnostics)))
    }

    /// Each error of the check with the rows it comes from.
    fn explain(&self, diagnostics: &Diagnostics) -> String {
        let mut out = String::from(
            "den importerade regeluppsättningen klarar inte kontrollen; dessa rader hindrar den:\n",
        );
        for d in diagnostics
            .items
            .iter()
            .filter(|d| d.code.severity() == crate::diagnostics::Severity::Error)
        {
            let place = d.span.map(|span| diagnostics.sources.location(span));
            let origin = place
                .as_ref()
                .and_then(|loc| self.origin(&loc.file, loc.line));
            match origin {
                Some(o) => out.push_str(&format!(
                    "  blad `{}` rad {}: {}\n",
                    o.sheet,
                    o.row + 1,
                    d.message
                )),
                None => out.push_str(&format!(
                    "  {}: {}\n",
                    place.map_or_else(String::new, |l| l.file.display().to_string()),
                    d.message
                )),
            }
        }
        out
    }

    fn origin(&self, file: &Path, line: usize) -> Option<&rows::Origin> {
        let name = file.file_name()?.to_str()?;
        let (_, lines) = self.origins.iter().find(|(n, _)| n == name)?;
        lines.get(line.checked_sub(1)?)
    }

    /// Load the files in memory (scripts under `root`), for comparing before writing.
    ///
    /// # Errors
    ///
    /// As [`Imported::write`]'s check.
    pub fn load_in(&self, scratch: &Path) -> Result<Ruleset, ImportError> {
        let staging = staging_dir(scratch);
        let result = self
            .write_into(&staging)
            .and_then(|()| self.check(&staging));
        let _ = std::fs::remove_dir_all(&staging);
        result
    }
}

/// Whether `path` stays inside the directory it is joined to: only plain names, no
/// `..`, root, prefix or `.`, and no control characters.
fn is_plain_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.contains(char::is_control)
        && Path::new(path)
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
}

/// `dir`'s sibling `.dir.import-PID`, where the files are written before they are checked.
fn staging_dir(dir: &Path) -> PathBuf {
    let name = dir
        .file_name()
        .map_or_else(|| "regler".into(), |n| n.to_string_lossy().into_owned());
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    parent.join(format!(".{name}.import-{}", std::process::id()))
}

/// A unit's decisions that differ between two rulesets: `(ärendetyp, delmoment, kanal,
/// före, efter)`, for every unit in both and every channel of the later policy.
pub fn decision_changes(before: &Ruleset, after: &Ruleset) -> Vec<DecisionChange> {
    let engine_before = crate::engine::Engine::new(before);
    let engine_after = crate::engine::Engine::new(after);
    let mut out = Vec::new();
    for typ in after.arendetyper() {
        for unit in &typ.units {
            for channel in after.policy().channels.iter() {
                for attrs in attribute_sets(after) {
                    let attributes: crate::engine::Attributes = attrs
                        .iter()
                        .map(|(name, value)| (name.as_str().into(), (*value).into()))
                        .collect();
                    let decide = |engine: &crate::engine::Engine| {
                        let q = crate::engine::Inquiry {
                            part: unit.part.as_deref(),
                            ..crate::engine::Inquiry::new(typ.id.as_str())
                                .channel(channel.name())
                                .attributes(&attributes)
                        };
                        let d = engine.decide(&q);
                        format!(
                            "{}{}",
                            d.outcome.keyword(),
                            d.target
                                .as_ref()
                                .map_or(String::new(), |t| format!(" till {}", t.forvaltning))
                        )
                    };
                    let (was, is) = (decide(&engine_before), decide(&engine_after));
                    if was != is {
                        out.push(DecisionChange {
                            arendetyp: typ.id.clone(),
                            delmoment: unit.part.clone(),
                            channel: channel.name().to_string(),
                            attributes: attrs
                                .iter()
                                .filter(|(_, v)| *v)
                                .map(|(n, _)| n.clone())
                                .collect(),
                            before: was,
                            after: is,
                        });
                    }
                }
            }
        }
    }
    out
}

/// The ja/nej attributes all off, then each on alone: enough to reach every rule that
/// reads one.
fn attribute_sets(ruleset: &Ruleset) -> Vec<Vec<(String, bool)>> {
    let names: Vec<String> = ruleset
        .policy()
        .attributes
        .iter()
        .filter(|a| a.kind == Some(crate::model::AttrKind::Bool))
        .map(|a| a.name.clone())
        .collect();
    let mut sets = vec![names.iter().map(|n| (n.clone(), false)).collect::<Vec<_>>()];
    for on in &names {
        sets.push(names.iter().map(|n| (n.clone(), n == on)).collect());
    }
    sets
}

/// One unit in one channel decided differently.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DecisionChange {
    /// The ärendetyp id.
    pub arendetyp: String,
    /// The delmoment id, if any.
    pub delmoment: Option<String>,
    /// The channel.
    pub channel: String,
    /// The ja/nej attributes set to ja for the inquiry.
    pub attributes: Vec<String>,
    /// The outcome before (`direkt`, `manus`, `vidarekoppla till bygg`).
    pub before: String,
    /// The outcome after.
    pub after: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_paths_are_written() {
        for good in ["kundtjanst.rosa", "manus/bygglov.md", "manus/a/b.md"] {
            assert!(is_plain_relative(good), "{good}");
        }
        for bad in [
            "",
            "/tmp/pwn.rosa",
            "../pwn.rosa",
            "manus/../../pwn.md",
            "./x.rosa",
            "x\u{1b}.rosa",
        ] {
            assert!(!is_plain_relative(bad), "{bad:?}");
        }
    }

    #[test]
    fn a_file_outside_the_staging_directory_is_refused_and_nothing_is_written() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let imported = Imported {
            files: vec![("../utanfor.rosa".to_string(), String::new())],
            report: Report::default(),
            origins: Vec::new(),
            carried: None,
        };
        let target = dir.path().join("regler");
        let refused = imported.write(&target).expect_err("refused");
        assert!(refused.0.contains("vanliga namn"), "{refused}");
        assert!(!dir.path().join("utanfor.rosa").exists());
        assert!(!target.exists());
    }
}
