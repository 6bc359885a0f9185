//! Text on a terminal: rule files and logs are written by others, and a control
//! character in them (ESC, BEL, a bidi override) must not rewrite the reader's screen.

use std::borrow::Cow;

/// `text` with every control character except line break and tab shown as a visible
/// `\uXXXX` escape: C0 and C1 controls, DEL, and the bidirectional formatting marks
/// that reorder what a reader sees (Trojan Source). The escape is also valid inside a
/// JSON string, so JSON written through this stays JSON.
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut safe = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_unsafe(c) {
            safe.push_str(&format!("\\u{:04X}", u32::from(c)));
        } else {
            safe.push(c);
        }
    }
    Cow::Owned(safe)
}

fn is_unsafe(c: char) -> bool {
    match c {
        '\n' | '\t' => false,
        // CR alone returns the cursor and lets a line overwrite itself.
        c if c.is_control() => true,
        '\u{061C}' | '\u{200E}' | '\u{200F}' => true,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_marks_become_visible_escapes() {
        assert_eq!(
            terminal_safe("vanlig text\nrad två\tflik"),
            "vanlig text\nrad två\tflik"
        );
        assert!(matches!(terminal_safe("åäö"), Cow::Borrowed(_)));
        assert_eq!(terminal_safe("a\u{1b}[2Jb\u{7}"), "a\\u001B[2Jb\\u0007");
        assert_eq!(terminal_safe("x\u{202E}y\u{2066}"), "x\\u202Ey\\u2066");
        assert_eq!(terminal_safe("\r\u{7f}\u{9b}"), "\\u000D\\u007F\\u009B");
    }

    #[test]
    fn escaped_json_is_still_the_same_json() {
        let value = serde_json::json!({"namn": "a\u{202E}b"});
        let shown = terminal_safe(&value.to_string()).into_owned();
        assert!(!shown.contains('\u{202E}'));
        let back: serde_json::Value = serde_json::from_str(&shown).unwrap();
        assert_eq!(back, value);
    }
}
