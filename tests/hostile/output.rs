//! Output that attacks the reader: control characters from a rule file never reach the
//! terminal raw (a rule file must not be able to clear or rewrite the analyst's screen).
//! Diagnostics were already safe (annotate-snippets shows controls as symbols); the
//! test keeps them so.

use crate::support::{everything, example, plant, rosa};

const NAME: &str = "\"Koppla samtal till anställd eller förtroendevald\"";
/// Clear the screen, ring the bell, and reverse the rest of the line.
const HOSTILE: &str = "\"Koppla\u{1b}[2J\u{7} samtal \u{202e}lave\"";

/// Raw control bytes or bidi overrides anywhere in `bytes`.
fn raw_controls(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    text.chars()
        .filter(|&c| {
            (c.is_control() && c != '\n' && c != '\t')
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        })
        .map(|c| format!("U+{:04X}", u32::from(c)))
        .collect()
}

#[test]
fn a_decision_shows_a_hostile_name_escaped() {
    let dir = example();
    plant(dir.path(), "kommunledning.rosa", NAME, HOSTILE);
    for format in ["text", "json"] {
        let output = rosa()
            .arg("decide")
            .arg(dir.path())
            .args([
                "--case",
                "vaxel-koppla",
                "--channel",
                "telefon",
                "--format",
                format,
            ])
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
        let shown = everything(&output);
        assert_eq!(raw_controls(&shown), Vec::<String>::new(), "{format}");
        let text = String::from_utf8_lossy(&shown);
        assert!(
            text.contains("\\u202E"),
            "the mark is shown, not dropped: {text}"
        );
    }
}

#[test]
fn a_diagnostic_quotes_a_hostile_line_escaped() {
    let dir = example();
    // A syntax error on the same line, so the diagnostic quotes it.
    let broken = HOSTILE.replacen('"', "\"\" {{", 1);
    plant(dir.path(), "kommunledning.rosa", NAME, &broken);
    let output = rosa().arg("check").arg(dir.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let shown = everything(&output);
    assert!(String::from_utf8_lossy(&shown).contains("kommunledning.rosa:"));
    assert_eq!(raw_controls(&shown), Vec::<String>::new());
}
