//! Name helpers for diagnostics: "menade du …?" suggestions, mixed scripts, and
//! identifiers that look alike. Here, below the parser, because the parser suggests
//! keywords too.

/// The closest candidate within a small edit distance, for "menade du `ByggR`?".
pub(crate) fn suggest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (distance(&name.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// " Menade du `x`?" or nothing.
pub(crate) fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> String {
    suggest(name, candidates)
        .map(|s| format!(" Menade du `{s}`?"))
        .unwrap_or_default()
}

fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(current + 1);
            prev = current;
        }
    }
    row[b.len()]
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Script {
    Latin,
    Greek,
    Cyrillic,
    Other,
}

fn script_of(c: char) -> Option<Script> {
    if !c.is_alphabetic() {
        return None;
    }
    Some(match c as u32 {
        0x41..=0x24F | 0x1E00..=0x1EFF => Script::Latin,
        0x370..=0x3FF | 0x1F00..=0x1FFF => Script::Greek,
        0x400..=0x52F => Script::Cyrillic,
        _ => Script::Other,
    })
}

/// Whether an identifier mixes letters of several scripts (Latin `a` and Cyrillic `а`).
pub(crate) fn mixes_scripts(id: &str) -> bool {
    let mut scripts = id.chars().filter_map(script_of);
    match scripts.next() {
        Some(first) => scripts.any(|s| s != first),
        None => false,
    }
}

/// A form of the identifier in which look-alikes coincide: case, Swedish letters,
/// Cyrillic and Greek homoglyphs, digits that look like letters, `-` and `_`.
pub(crate) fn skeleton(id: &str) -> String {
    let lowered: String = id
        .chars()
        .flat_map(char::to_lowercase)
        .filter(|c| *c != '-' && *c != '_')
        .map(|c| match c {
            'å' | 'ä' | 'á' | 'à' | 'а' | 'α' => 'a',
            'ö' | 'ó' | 'ò' | 'о' | 'ο' | '0' => 'o',
            'é' | 'è' | 'е' | 'ε' => 'e',
            'ü' | 'ú' => 'u',
            'і' | 'ι' | '1' | 'l' | '|' => 'i',
            'р' | 'ρ' => 'p',
            'с' | 'ϲ' => 'c',
            'у' | 'γ' => 'y',
            'х' | 'χ' => 'x',
            'к' | 'κ' => 'k',
            'н' | 'η' => 'n',
            'т' | 'τ' => 't',
            'в' | 'β' => 'b',
            'м' | 'μ' => 'm',
            'ν' => 'v',
            '5' => 's',
            other => other,
        })
        .collect();
    lowered.replace("rn", "m").replace("vv", "w")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(suggest("Byggr", ["ByggR", "Lifecare"]), Some("ByggR"));
        assert_eq!(suggest("Procapita", ["ByggR"]), None);
    }

    #[test]
    fn finds_mixed_scripts_and_lookalikes() {
        assert!(mixes_scripts("bygglоv")); // Cyrillic о
        assert!(!mixes_scripts("förskola-kö"));
        assert_eq!(skeleton("bygg-lov"), skeleton("Bygglov"));
        assert_eq!(skeleton("bygglov-status"), skeleton("bygglov_statu5"));
        assert_ne!(skeleton("bygglov"), skeleton("bygglov-status"));
    }
}
