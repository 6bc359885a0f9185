//! Numbers the Swedish way (`153 790`, `63,5 %`), for every text people read.

/// A number the Swedish way: `153 790`, `63,5`.
pub fn sv(value: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, value.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(' ');
        }
        grouped.push(c);
    }
    let sign = if value < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        "-"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped},{frac}")
    }
}

#[cfg_attr(not(feature = "dryrun"), allow(dead_code))]
/// A share (0–1) as a Swedish percentage with one decimal: `63,5 %`.
pub fn percent(share: f64) -> String {
    format!("{} %", sv(share * 100.0, 1))
}

#[cfg_attr(not(feature = "studio"), allow(dead_code))]
/// `1 ärendetyp`, `3 ärendetyper`: a count with the Swedish word that agrees with it.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
