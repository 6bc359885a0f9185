//! Helpers shared by the hostile-input tests.

use std::path::Path;
use std::process::{Command, Output};

pub fn rosa() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rosa"))
}

/// A copy of the example kommun, to plant things in.
pub fn example() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    crate::common::copy_dir(Path::new("rulesets/exempelkommun"), dir.path());
    dir
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

/// The binary under an address-space limit of `gib` GiB (`prlimit --as`): an allocation
/// past it fails, so a reader that allocates what a file claims aborts instead of
/// passing.
pub fn rosa_within(gib: u64) -> Command {
    let mut command = Command::new("prlimit");
    command
        .arg(format!("--as={}", gib << 30))
        .arg("--")
        .arg(env!("CARGO_BIN_EXE_rosa"));
    command
}

/// Ended by itself (not by a signal such as SIGABRT), and without a panic.
pub fn assert_no_crash(output: &Output) {
    let text = String::from_utf8_lossy(&everything(output)).into_owned();
    assert!(
        output.status.code().is_some(),
        "killed by a signal: {output:?}"
    );
    assert!(!text.contains("panicked"), "{text}");
    assert!(!text.contains("memory allocation"), "{text}");
}

/// An `.xlsx` workbook with one sheet, `Blad1`, declaring `dimension`, whose rows
/// `write_sheet_data` writes (inline strings: there is no shared strings part).
pub fn workbook(
    path: &Path,
    dimension: &str,
    write_sheet_data: impl FnOnce(&mut dyn std::io::Write),
) {
    use std::io::Write;
    use zip::write::SimpleFileOptions;
    let file = std::fs::File::create(path).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1));
    let parts: [(&str, &str); 4] = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#,
        ),
    ];
    for (name, text) in parts {
        zip.start_file(name, options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.start_file("xl/worksheets/sheet1.xml", options).unwrap();
    write!(
        zip,
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>"#
    )
    .unwrap();
    write_sheet_data(&mut zip);
    zip.write_all(b"</sheetData></worksheet>").unwrap();
    zip.finish().unwrap();
}

/// A cell with inline text.
pub fn text_cell(reference: &str, text: &str) -> String {
    format!(r#"<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}
