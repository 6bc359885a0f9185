//! The dry-run's inputs under hostile or broken logs: workbooks that claim more than
//! they hold (the whole grid, a zip bomb, sparse far columns), CSV with every line
//! ending, an unterminated quote and a line of 1.5 GB, and output that must not run as
//! a formula. Each drives the binary under a 1 GiB address-space limit
//! ([`rosa_within`]): a reader that allocates what a file claims aborts there.

#![cfg(unix)]

use crate::support::{
    assert_no_crash, everything, example, plant, rosa, rosa_within, text_cell, workbook,
};
use std::io::Write;
use std::path::Path;
use std::process::Output;

/// The address space the binary runs in, in GiB.
const GIB: u64 = 1;

fn dry_run(log: &Path) -> Output {
    rosa_within(GIB)
        .args([
            "dry-run",
            "rulesets/exempelkommun",
            "--period",
            "365",
            "--format",
            "json",
            "--log",
        ])
        .arg(log)
        .output()
        .unwrap()
}

fn text(output: &Output) -> String {
    String::from_utf8_lossy(&everything(output)).into_owned()
}

fn volumes(output: &Output) -> serde_json::Value {
    let report: serde_json::Value =
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(output)));
    report["volumes"].clone()
}

/// Lines read, decided and rejected, and that they add up.
fn lines(output: &Output) -> (u64, u64, u64) {
    let v = volumes(output);
    let n = |k: &str| v[k].as_u64().unwrap_or_else(|| panic!("{k}: {v}"));
    let (read, header, decided, rejected, blank) = (
        n("lines_read"),
        n("header_lines"),
        n("rows_decided"),
        n("rows_rejected"),
        n("blank_lines"),
    );
    assert_eq!(read, header + decided + rejected + blank, "{v}");
    (read, decided, rejected)
}

const HEADER: &str = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>arendetyp</t></is></c></row>"#;

#[test]
fn a_workbook_declaring_the_whole_grid_is_read_sparsely() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("grid.xlsx");
    workbook(&path, "A1:XFD1048576", |w| {
        write!(
            w,
            r#"{HEADER}<row r="2">{}</row><row r="1048576">{}</row>"#,
            text_cell("A2", "bygglov"),
            text_cell("XFD1048576", "x")
        )
        .unwrap();
    });
    assert!(std::fs::metadata(&path).unwrap().len() < 4096);
    let output = dry_run(&path);
    assert_no_crash(&output);
    assert!(output.status.success(), "{}", text(&output));
    // The far cell's row has no ärendetyp: one rejected row, the rows between blank.
    assert_eq!(lines(&output), (1_048_576, 1, 1));
}

/// References whose arithmetic overflows in calamine (a reversed or absurd dimension, a
/// cell past every grid): read or refused with a message, never a panic.
#[test]
fn overflowing_cell_references_are_read_or_refused_never_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("B2:A1", "A2", true),
        ("ZZZZZ9999999999:A1", "A2", true),
        ("A1:B2", "ZZZZZZZ99999999999", false),
    ];
    for (i, (dimension, reference, readable)) in cases.into_iter().enumerate() {
        let path = dir.path().join(format!("ref{i}.xlsx"));
        workbook(&path, dimension, |w| {
            write!(
                w,
                r#"{HEADER}<row r="2">{}</row>"#,
                text_cell(reference, "bygglov")
            )
            .unwrap();
        });
        let output = dry_run(&path);
        assert_no_crash(&output);
        let shown = text(&output);
        if readable {
            assert!(output.status.success(), "{dimension}: {shown}");
        } else {
            assert_eq!(output.status.code(), Some(2), "{reference}: {shown}");
            assert!(shown.contains("utanför Excels rutnät"), "{shown}");
        }
    }
}

#[test]
fn sparse_far_columns_cost_no_dense_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sparse.xlsx");
    workbook(&path, "A1:XFD20001", |w| {
        w.write_all(HEADER.as_bytes()).unwrap();
        for row in 2..=20_001 {
            write!(
                w,
                r#"<row r="{row}">{}{}</row>"#,
                text_cell(&format!("A{row}"), "bygglov"),
                text_cell(&format!("XFD{row}"), "x")
            )
            .unwrap();
        }
    });
    let output = dry_run(&path);
    assert_no_crash(&output);
    assert!(output.status.success(), "{}", text(&output));
    assert_eq!(lines(&output), (20_001, 20_000, 0));
}

#[test]
fn a_zip_bomb_is_refused_before_it_is_unpacked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb.xlsx");
    std::fs::copy(small_workbook(dir.path()), &path).unwrap();
    // One shared string of 1.1 GiB: 7 MB packed, held whole by a reader that unpacks it.
    let open = br#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>"#;
    let close = b"</t></si></sst>";
    add_bomb(&path, "xl/sharedStrings.xml", open, 1_126 << 20, close);
    assert!(std::fs::metadata(&path).unwrap().len() < 8 << 20);
    let output = dry_run(&path);
    assert_no_crash(&output);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    let message = text(&output);
    assert!(message.contains("gränsen 1 024 MiB"), "{message}");
    assert!(message.contains("xl/sharedStrings.xml"), "{message}");
}

/// A valid one-row workbook, without shared strings.
fn small_workbook(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("small.xlsx");
    workbook(&path, "A1:A2", |w| {
        write!(
            w,
            r#"{HEADER}<row r="2"><c r="A2" t="s"><v>0</v></c></row>"#
        )
        .unwrap();
    });
    path
}

/// Append the part `name` to the zip at `path`: `open`, `n` bytes `a`, `close`, deflated
/// by hand (back-references of 258 bytes: 13 bits each), with a new central directory.
/// Its CRC is left zero: a reader that checks it does so only after unpacking.
fn add_bomb(path: &Path, name: &str, open: &[u8], n: u64, close: &[u8]) {
    let bytes = std::fs::read(path).unwrap();
    let end = bytes.windows(4).rposition(|w| w == b"PK\x05\x06").unwrap();
    let le32 = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
    let le16 = |at: usize| u16::from_le_bytes(bytes[at..at + 2].try_into().unwrap());
    let (entries, dir_size, dir_offset) = (le16(end + 10), le32(end + 12), le32(end + 16));
    let directory = &bytes[dir_offset as usize..(dir_offset + dir_size) as usize];
    let data = deflate_bomb(open, n, close);
    let unpacked = u32::try_from(open.len() as u64 + n + close.len() as u64).unwrap();
    let packed = u32::try_from(data.len()).unwrap();
    let mut out = bytes[..dir_offset as usize].to_vec();
    let local_at = u32::try_from(out.len()).unwrap();
    let header = |signature: &[u8], central: bool| {
        let mut h = signature.to_vec();
        if central {
            h.extend(20u16.to_le_bytes()); // made by
        }
        h.extend(20u16.to_le_bytes()); // needed
        h.extend(0u16.to_le_bytes()); // flags
        h.extend(8u16.to_le_bytes()); // deflate
        h.extend([0u8; 4]); // time, date
        h.extend(0u32.to_le_bytes()); // crc
        h.extend(packed.to_le_bytes());
        h.extend(unpacked.to_le_bytes());
        h.extend(u16::try_from(name.len()).unwrap().to_le_bytes());
        h.extend(0u16.to_le_bytes()); // extra
        if central {
            h.extend([0u8; 6]); // comment, disk, internal attributes
            h.extend(0u32.to_le_bytes()); // external attributes
            h.extend(local_at.to_le_bytes());
        }
        h.extend(name.as_bytes());
        h
    };
    out.extend(header(b"PK\x03\x04", false));
    out.extend(&data);
    let new_dir_at = u32::try_from(out.len()).unwrap();
    out.extend(directory);
    out.extend(header(b"PK\x01\x02", true));
    let new_dir_size = u32::try_from(out.len()).unwrap() - new_dir_at;
    out.extend(b"PK\x05\x06");
    out.extend([0u8; 4]);
    out.extend((entries + 1).to_le_bytes());
    out.extend((entries + 1).to_le_bytes());
    out.extend(new_dir_size.to_le_bytes());
    out.extend(new_dir_at.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    std::fs::write(path, out).unwrap();
}

/// One fixed-Huffman deflate block: `open` and `close` as literals, `n` bytes `a` as one
/// literal and back-references of 258 at distance 1.
fn deflate_bomb(open: &[u8], n: u64, close: &[u8]) -> Vec<u8> {
    let mut bits = Bits::default();
    bits.push(1, 1); // the last block
    bits.push(1, 2); // fixed Huffman codes
    let literal = |bits: &mut Bits, b: u8| {
        assert!(b < 144);
        bits.push_code(0x30 + u32::from(b), 8);
    };
    open.iter().for_each(|b| literal(&mut bits, *b));
    literal(&mut bits, b'a');
    let repeats = (n - 1) / 258;
    for _ in 0..repeats {
        bits.push_code(0b1100_0101, 8); // length 258 (code 285)
        bits.push_code(0, 5); // distance 1
    }
    for _ in 0..(n - 1) % 258 {
        literal(&mut bits, b'a');
    }
    close.iter().for_each(|b| literal(&mut bits, *b));
    bits.push_code(0, 7); // end of block
    bits.bytes
}

#[derive(Default)]
struct Bits {
    bytes: Vec<u8>,
    used: u32,
}

impl Bits {
    /// `n` bits of `value`, least significant first.
    fn push(&mut self, value: u32, n: u32) {
        for i in 0..n {
            if self.used.is_multiple_of(8) {
                self.bytes.push(0);
            }
            let bit = u8::from(value >> i & 1 == 1);
            *self.bytes.last_mut().unwrap() |= bit << (self.used % 8);
            self.used += 1;
        }
    }

    /// A Huffman code: most significant bit first.
    fn push_code(&mut self, code: u32, n: u32) {
        for i in (0..n).rev() {
            self.push(code >> i & 1, 1);
        }
    }
}

#[test]
fn csv_line_endings_and_an_open_quote_keep_every_line_counted() {
    let dir = tempfile::tempdir().unwrap();
    let cr = dir.path().join("cr.csv");
    std::fs::write(&cr, "arendetyp,kanal\rbygglov,telefon\rbygglov,telefon\r").unwrap();
    let output = dry_run(&cr);
    assert_no_crash(&output);
    assert_eq!(lines(&output), (3, 2, 0));

    let open = dir.path().join("open.csv");
    std::fs::write(
        &open,
        "arendetyp,kanal\r\nbygglov,telefon\r\nbygglov,\"telefon\r\nbygglov,telefon\r\n",
    )
    .unwrap();
    let output = dry_run(&open);
    assert_no_crash(&output);
    assert_eq!(lines(&output), (4, 1, 2));
    let rejected = volumes_rejected(&output);
    assert!(rejected.contains("rad 3 stängs aldrig"), "{rejected}");
}

fn volumes_rejected(output: &Output) -> String {
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    report["rejected"].to_string()
}

#[test]
fn a_line_of_one_and_a_half_gigabytes_is_read_past() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.csv");
    let mut file = std::fs::File::create(&path).unwrap();
    file.write_all(b"arendetyp,kanal\nbygglov,telefon\nbygglov,")
        .unwrap();
    // A hole reads as zero bytes: 1.5 GB of one line, without writing them.
    let long_end = file.metadata().unwrap().len() + 1_500_000_000;
    file.set_len(long_end).unwrap();
    std::io::Seek::seek(&mut file, std::io::SeekFrom::Start(long_end)).unwrap();
    file.write_all(b"\nbygglov,telefon\n").unwrap();
    drop(file);
    let output = dry_run(&path);
    assert_no_crash(&output);
    assert!(output.status.success(), "{}", text(&output));
    assert_eq!(lines(&output), (4, 2, 1));
    let rejected = volumes_rejected(&output);
    assert!(rejected.contains("längre än 1 048 576 byte"), "{rejected}");
    assert!(rejected.contains("\"line\":3"), "{rejected}");
}

#[test]
fn a_name_that_looks_like_a_formula_is_text_in_the_csv() {
    let dir = example();
    plant(
        dir.path(),
        "barn-utbildning.rosa",
        "\"Förskoleplats och pedagogisk omsorg\"",
        "\"=1+2\"",
    );
    for plain in [false, true] {
        let mut command = rosa();
        command.arg("dry-run").arg(dir.path()).args([
            "--format",
            "csv",
            "--section",
            "arendetyper",
        ]);
        if plain {
            command.arg("--csv-plain");
        }
        let output = command.output().unwrap();
        assert!(output.status.success(), "{}", text(&output));
        let csv = String::from_utf8_lossy(&output.stdout).into_owned();
        let separator = if plain { ',' } else { ';' };
        let cells: Vec<&str> = csv
            .lines()
            .flat_map(|l| l.split(separator))
            .map(|c| c.trim_start_matches('"'))
            .collect();
        assert!(cells.iter().any(|c| c.starts_with("'=")), "{csv}");
        assert!(
            !cells.iter().any(|c| c.starts_with(['=', '+', '@'])),
            "{csv}"
        );
    }
}
