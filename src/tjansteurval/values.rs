//! Cell values read as a person reads them: `ca 40`, `20–30`, `2,5`, `nivå 3`, `3-4`,
//! `40/mån`; each reading that is not the plain value is said in words.

/// A frekvens period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// `per år`
    Year,
    /// `per månad`
    Month,
    /// `per vecka`
    Week,
    /// `per dag`
    Day,
}

impl Period {
    /// As the rule language writes it.
    pub fn words(self) -> &'static str {
        match self {
            Period::Year => "per år",
            Period::Month => "per månad",
            Period::Week => "per vecka",
            Period::Day => "per dag",
        }
    }
}

/// The period named in folded text (`per manad`, `st ar`, `mån`), if any.
pub fn period_in(folded: &str) -> Option<Period> {
    folded.split(' ').rev().find_map(|word| match word {
        "ar" | "arligen" | "aret" => Some(Period::Year),
        "man" | "manad" | "manaden" | "manadligen" | "mon" => Some(Period::Month),
        "v" | "vecka" | "veckan" | "vecko" | "vn" => Some(Period::Week),
        "dag" | "dagen" | "dagligen" => Some(Period::Day),
        _ => None,
    })
}

/// A number read from text, with what was done to read it.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading<T> {
    /// The value.
    pub value: T,
    /// What was interpreted, in Swedish (`"ca" togs bort`); empty for a plain value.
    pub notes: Vec<String>,
}

/// `40`, `2,5`, `ca 40`, `~40`, `20–30` (the middle), `1 200`.
pub fn number(text: &str) -> Option<Reading<f64>> {
    let mut notes = Vec::new();
    let mut t = text.trim().to_lowercase();
    for prefix in ["cirka", "ca.", "ca", "ungefär", "ung.", "~", "≈", "c:a"] {
        if let Some(rest) = t.strip_prefix(prefix) {
            notes.push(format!("`{}` togs bort", prefix.trim_end_matches('.')));
            t = rest.trim().to_string();
            break;
        }
    }
    let numeric: String = t
        .chars()
        .take_while(|c| {
            c.is_ascii_digit() || matches!(c, ',' | '.' | ' ' | '\u{a0}' | '-' | '–' | '—')
        })
        .collect();
    let numeric = numeric.trim().trim_end_matches(['-', '–', '—']).trim();
    if numeric.is_empty() {
        return None;
    }
    if let Some((low, high)) = numeric.split_once(['-', '–', '—']) {
        let (low, high) = (plain(low)?, plain(high)?);
        notes.push(format!(
            "spannet {}–{} togs som mitten, {}",
            show(low),
            show(high),
            show((low + high) / 2.0)
        ));
        return Some(Reading {
            value: (low + high) / 2.0,
            notes,
        });
    }
    let value = plain(numeric)?;
    if numeric.contains(',') {
        notes.push("decimalkomma".to_string());
    }
    Some(Reading { value, notes })
}

fn plain(text: &str) -> Option<f64> {
    let cleaned: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}'))
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    if cleaned.is_empty() || cleaned.matches('.').count() > 1 {
        return None;
    }
    cleaned
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)
}

/// A number as the rule language writes it: `40`, `2,5`.
pub fn show(value: f64) -> String {
    let rounded = (value * 100.0).round() / 100.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        let text = format!("{rounded:.2}");
        text.trim_end_matches('0').replace('.', ",")
    }
}

/// A ROSA level: `3`, `nivå 3`, `ROSA 3`, `3-4` (the higher, see below), `3.0`.
///
/// A row written `3-4` spans two levels. The higher is taken: the level says how much
/// the task demands, and kundtjänst should not be given a task on the strength of the
/// easier half of it. The report says so for each such row.
pub fn level(text: &str) -> Option<Reading<u8>> {
    let mut notes = Vec::new();
    let folded = fold(text);
    let mut rest = folded.as_str();
    for prefix in ["rosa niva", "niva", "rosa"] {
        if let Some(r) = rest.strip_prefix(prefix) {
            notes.push(format!(
                "`{}` togs bort",
                text.trim()
                    .chars()
                    .take(prefix.chars().count())
                    .collect::<String>()
            ));
            rest = r.trim();
            break;
        }
    }
    let words: Vec<&str> = rest.split(' ').filter(|w| !w.is_empty()).collect();
    let digits: Vec<u8> = match words.as_slice() {
        [one] => vec![one.parse().ok()?],
        [low, high] => vec![low.parse().ok()?, high.parse().ok()?],
        _ => return None,
    };
    // `3.0` folds to `3 0`; `3,5` is no level.
    let decimal = text.contains(['.', ',']);
    let digits = match digits.as_slice() {
        [whole, 0] if decimal => vec![*whole],
        _ if decimal => return None,
        _ => digits,
    };
    let value = match digits.as_slice() {
        [one] => *one,
        [low, high] => {
            let top = (*low).max(*high);
            notes.push(format!(
                "`{}` spänner över två nivåer; den högre, {top}, togs (kundtjänsten ska inte få en uppgift på grund av dess lättare del)",
                text.trim()
            ));
            top
        }
        _ => return None,
    };
    Some(Reading { value, notes })
}

/// A frekvens cell: a number and maybe a period (`40/mån`, `120 st/år`, `ca 30 per månad`).
pub fn frekvens(text: &str, header: Option<Period>) -> Option<Reading<(f64, Period)>> {
    let mut reading = number(text)?;
    let folded = fold(text);
    let period = match (period_in(&folded), header) {
        (Some(p), _) => p,
        (None, Some(p)) => {
            reading
                .notes
                .push(format!("perioden från rubriken: {}", p.words()));
            p
        }
        (None, None) => {
            reading
                .notes
                .push("ingen period angiven; läst som per månad".to_string());
            Period::Month
        }
    };
    Some(Reading {
        value: (reading.value, period),
        notes: reading.notes,
    })
}

/// `ja`, `x`, `sant`, `1` → true; `nej`, `-`, `0`, `falskt` → false; else None.
pub fn yes_no(text: &str) -> Option<bool> {
    match fold(text).as_str() {
        "ja" | "x" | "sant" | "1" | "j" | "yes" | "true" => Some(true),
        "nej" | "" | "0" | "falskt" | "n" | "no" | "false" => Some(false),
        _ if text.trim() == "-" => Some(false),
        _ => None,
    }
}

/// A list cell: comma-, semicolon- or line-separated (`ByggR, Diarium`).
pub fn list(text: &str) -> Vec<String> {
    text.split([',', ';', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// An id from a name: lower case, å/ä→a, ö→o, words joined by `-` (`Status på
/// bygglovsärende` → `status-pa-bygglovsarende`). The same name always gives the same id,
/// so a re-import names the same units.
pub fn id_from(name: &str) -> String {
    let folded = fold(name).replace(' ', "-");
    let id: String = folded.chars().take(60).collect();
    let id = id.trim_end_matches('-').to_string();
    match id.chars().next() {
        Some(c) if c.is_alphabetic() => id,
        Some(_) => format!("x-{id}"),
        None => "namnlos".to_string(),
    }
}

/// The longest id cell taken as it is, in bytes: ids become file names (`{id}.rosa`,
/// `manus/{ärendetyp}-{delmoment}.md`), which the file system caps at 255 bytes.
pub const MAX_ID_BYTES: usize = 100;

/// Whether an id cell is an identifier as the grammar's `ident` has it (a letter or `_`,
/// then letters, digits, `_` and `-`): only such a cell is rule text and a file name.
pub fn is_ident(text: &str) -> bool {
    text.len() <= MAX_ID_BYTES
        && text.starts_with(|c: char| c.is_alphabetic() || c == '_')
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

/// An identifier for a system or channel name (`Ecos 2` → `Ecos-2`); `None` when the
/// name has nothing to make one from.
pub fn ident(name: &str) -> Option<String> {
    let joined: String = name
        .trim()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let joined = joined.trim_matches('-').to_string();
    joined
        .starts_with(|c: char| c.is_alphabetic() || c == '_')
        .then_some(joined)
}

/// Lower case, å/ä→a, ö→o, é→e, everything else but letters and digits a single space;
/// text in parentheses dropped (`ROSA-nivå (1–6)` → `rosa niva`).
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0u32;
    for c in text.chars().flat_map(char::to_lowercase) {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            'å' | 'ä' | 'á' | 'à' => out.push('a'),
            'ö' | 'ø' | 'ó' => out.push('o'),
            'é' | 'è' | 'ë' => out.push('e'),
            'ü' => out.push('u'),
            c if c.is_alphanumeric() => out.push(c),
            _ => {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            }
        }
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_read_as_a_person_reads_them() {
        assert_eq!(number("40").map(|r| r.value), Some(40.0));
        assert_eq!(number("2,5").map(|r| r.value), Some(2.5));
        let ca = number("ca 40").expect("reads");
        assert_eq!(ca.value, 40.0);
        assert_eq!(ca.notes, vec!["`ca` togs bort".to_string()]);
        let range = number("20–30").expect("reads");
        assert_eq!(range.value, 25.0);
        assert!(range.notes[0].contains("mitten"));
        assert_eq!(number("1 200").map(|r| r.value), Some(1200.0));
        assert_eq!(number("många"), None);
    }

    #[test]
    fn levels_take_the_higher_of_two() {
        assert_eq!(level("3").map(|r| r.value), Some(3));
        assert_eq!(level("nivå 3").map(|r| r.value), Some(3));
        assert_eq!(level("ROSA 2").map(|r| r.value), Some(2));
        assert_eq!(level("3.0").map(|r| r.value), Some(3));
        let span = level("3-4").expect("reads");
        assert_eq!(span.value, 4);
        assert!(span.notes[0].contains("högre"));
        assert_eq!(level("hög"), None);
    }

    #[test]
    fn periods_come_from_the_cell_or_the_header() {
        assert_eq!(
            frekvens("40/mån", None).map(|r| r.value),
            Some((40.0, Period::Month))
        );
        assert_eq!(
            frekvens("120 st/år", None).map(|r| r.value),
            Some((120.0, Period::Year))
        );
        assert_eq!(
            frekvens("ca 30 per vecka", None).map(|r| r.value),
            Some((30.0, Period::Week))
        );
        assert_eq!(
            frekvens("30", Some(Period::Year)).map(|r| r.value),
            Some((30.0, Period::Year))
        );
    }

    #[test]
    fn ids_fold_swedish_letters() {
        assert_eq!(
            id_from("Status på bygglovsärende"),
            "status-pa-bygglovsarende"
        );
        assert_eq!(id_from("Öppen förskola"), "oppen-forskola");
        assert_eq!(id_from("  "), "namnlos");
        assert_eq!(ident("Ecos 2").as_deref(), Some("Ecos-2"));
        assert!(is_ident("bygg_lov-2"));
        assert!(is_ident("ärende"));
        for bad in [
            "",
            "2bygg",
            "x \"n\" {\n// /../../../tmp/pwn",
            "../x",
            "a/b",
            "a.b",
        ] {
            assert!(!is_ident(bad), "{bad:?}");
        }
        assert!(!is_ident(&"a".repeat(MAX_ID_BYTES + 1)));
    }
}
