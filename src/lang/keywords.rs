//! The keywords of `grammar/rosa.pest`, each with its ASCII spelling and what it means
//! (from docs/regelsprak.md), for the editor's hover and completion and the guide.

/// One keyword: its Swedish spelling, the spelling without å, ä and ö, and its meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keyword {
    /// The Swedish spelling, as `rosa fmt` writes it (`ärendetyp`).
    pub word: &'static str,
    /// The spelling the grammar also accepts (`arendetyp`); the same word when it has
    /// no å, ä or ö.
    pub ascii: &'static str,
    /// What it means, in one or two Swedish sentences (Markdown).
    pub meaning: &'static str,
}

/// Every keyword of the grammar, in the grammar's order.
pub const KEYWORDS: &[Keyword] = &[
    Keyword {
        word: "kundtjänst",
        ascii: "kundtjanst",
        meaning: "Kundtjänstpolicyn: `kundtjänst \"namn\" { … }`, en gång för hela kommunen. Som utfall (`=> kundtjänst`) samma som `direkt`.",
    },
    Keyword {
        word: "förvaltning",
        ascii: "forvaltning",
        meaning: "En förvaltning med sina ärendetyper: `förvaltning id \"namn\" { … }`. I `tid 4 min, förvaltning 9 min`: tiden i förvaltningen.",
    },
    Keyword {
        word: "ärendetyp",
        ascii: "arendetyp",
        meaning: "En sorts fråga som medborgare ställer: `ärendetyp id \"namn\" { … }`. I ett test: vilken ärendetyp frågan gäller.",
    },
    Keyword {
        word: "delmoment",
        ascii: "delmoment",
        meaning: "En del av ärendetypen med egen nivå: `delmoment id \"namn\" { rosa 1 }`.",
    },
    Keyword {
        word: "test",
        ascii: "test",
        meaning: "Ett test som låser fast det ni kommit överens om: `test \"namn\" { ärendetyp … förväntat … }`.",
    },
    Keyword {
        word: "kommun",
        ascii: "kommun",
        meaning: "Kommunens namn och kommunkod: `kommun \"Namn\" kommunkod 1299` (krävs i policyn).",
    },
    Keyword {
        word: "kommunkod",
        ascii: "kommunkod",
        meaning: "SCB:s fyrsiffriga kommunkod, efter `kommun \"Namn\"`.",
    },
    Keyword {
        word: "skala",
        ascii: "skala",
        meaning: "ROSA med 6 eller 8 nivåer: `skala 6 nivåer` (standard 6).",
    },
    Keyword {
        word: "system",
        ascii: "system",
        meaning: "I policyn: system som kundtjänst har åtkomst till. I en ärendetyp: system som behövs för att hantera ärendet; alla måste finnas i policyn.",
    },
    Keyword {
        word: "övriga",
        ascii: "ovriga",
        meaning: "`övriga system C, D`: system som finns men som kundtjänst saknar åtkomst till.",
    },
    Keyword {
        word: "kanaler",
        ascii: "kanaler",
        meaning: "Kanaler där kundtjänst tar emot ärenden (policyn), eller får hantera ärendet (ärendetyp, delmoment).",
    },
    Keyword {
        word: "ej",
        ascii: "ej",
        meaning: "`ej kanaler besök`: kanaler där kundtjänst inte får hantera ärendet.",
    },
    Keyword {
        word: "attribut",
        ascii: "attribut",
        meaning: "I policyn: uppgifter om frågan som villkor får läsa, med typ (`belopp tal, akut ja/nej`). I ett test: attributens värden.",
    },
    Keyword {
        word: "frekvensgräns",
        ascii: "frekvensgrans",
        meaning: "Hur vanligt ett ärende på manusnivå måste vara för att kundtjänst ska ta det: `frekvensgräns 10 per månad` (krävs i policyn).",
    },
    Keyword {
        word: "direkt",
        ascii: "direkt",
        meaning: "Kundtjänst svarar vid första kontakten. `direkt rosa 1-2` i policyn: nivåerna som besvaras direkt.",
    },
    Keyword {
        word: "manus",
        ascii: "manus",
        meaning: "Förvaltningens manus eller checklista: `manus \"manus/fil.md\"`. `manus rosa 3-4` i policyn: nivåerna som kundtjänst kan ta med manus.",
    },
    Keyword {
        word: "rosa",
        ascii: "rosa",
        meaning: "ROSA-nivån: hur mycket kunskap och befogenhet ärendet kräver, 1–6 (eller 1–8 med `skala 8 nivåer`).",
    },
    Keyword {
        word: "reserv",
        ascii: "reserv",
        meaning: "Vart ärenden av okänd typ kopplas: `reserv vidarekoppla till id …` (krävs i policyn).",
    },
    Keyword {
        word: "mål",
        ascii: "mal",
        meaning: "Målet för andelen ärenden som kundtjänst löser: `mål 65 %`.",
    },
    Keyword {
        word: "årsarbetstid",
        ascii: "arsarbetstid",
        meaning: "Produktiv tid per heltidstjänst och år: `årsarbetstid 1600 tim`.",
    },
    Keyword {
        word: "årskostnad",
        ascii: "arskostnad",
        meaning: "Vad en årsarbetare i kundtjänst kostar, för provkörningens finansiering: \
         `årskostnad 650000 kr per årsarbetare`.",
    },
    Keyword {
        word: "årsarbetare",
        ascii: "arsarbetare",
        meaning: "I `årskostnad 650000 kr per årsarbetare`: kostnaden gäller en heltidstjänst.",
    },
    Keyword {
        word: "öppettider",
        ascii: "oppettider",
        meaning: "Kundtjänsts öppettider: `öppettider mån-tor 08:00-16:30, fre 08:00-15:00`.",
    },
    Keyword {
        word: "servicenivå",
        ascii: "serviceniva",
        meaning: "Mål för svarstid i telefon: `servicenivå 80 % inom 20 s`.",
    },
    Keyword {
        word: "inom",
        ascii: "inom",
        meaning: "I `servicenivå 80 % inom 20 s`: svarstiden.",
    },
    Keyword {
        word: "maxbeläggning",
        ascii: "maxbelaggning",
        meaning: "Hur stor del av tiden en handläggare högst är upptagen: `maxbeläggning 85 %`.",
    },
    Keyword {
        word: "frånvaro",
        ascii: "franvaro",
        meaning: "Semester, sjukdom, utbildning och annat som inte är kundtid: `frånvaro 30 %`.",
    },
    Keyword {
        word: "tid",
        ascii: "tid",
        meaning: "Tid per kontakt i kundtjänst och i förvaltningen: `tid 4 min, förvaltning 9 min`. I ett test: tidpunkten för frågan.",
    },
    Keyword {
        word: "frekvens",
        ascii: "frekvens",
        meaning: "Hur många sådana ärenden som kommer in: `frekvens 60 per månad`. Krävs på manusnivåerna.",
    },
    Keyword {
        word: "sekretess",
        ascii: "sekretess",
        meaning: "Ärendet omfattas av sekretess: det kopplas alltid vidare.",
    },
    Keyword {
        word: "överenskommet",
        ascii: "overenskommet",
        meaning: "Utfallet ni kommit överens om, före metoden: `överenskommet manus`.",
    },
    Keyword {
        word: "sökord",
        ascii: "sokord",
        meaning: "Ord som medborgare använder om ärendet, för `rosa search`: `sökord \"sopbil\", \"soptunna\"`.",
    },
    Keyword {
        word: "vidarekoppla",
        ascii: "vidarekoppla",
        meaning: "Ärendet går till förvaltningen. `vidarekoppla till id kö \"…\" telefon \"…\" e-post \"…\"`: vart.",
    },
    Keyword {
        word: "till",
        ascii: "till",
        meaning: "I `vidarekoppla till id`: en annan förvaltning (dess id).",
    },
    Keyword {
        word: "kö",
        ascii: "ko",
        meaning: "I `vidarekoppla`: kö eller funktionsbrevlåda i ärendesystemet.",
    },
    Keyword {
        word: "telefon",
        ascii: "telefon",
        meaning: "I `vidarekoppla`: telefonnummer att koppla till. Också en kanal.",
    },
    Keyword {
        word: "e-post",
        ascii: "epost",
        meaning: "I `vidarekoppla`: funktionsadress. Också en kanal.",
    },
    Keyword {
        word: "om",
        ascii: "om",
        meaning: "En regel med villkor: ``om `villkor` => direkt|manus|vidarekoppla``; avgör före metoden när villkoret är sant.",
    },
    Keyword {
        word: "kanal",
        ascii: "kanal",
        meaning: "I ett test: kanalen frågan kommer i.",
    },
    Keyword {
        word: "förväntat",
        ascii: "forvantat",
        meaning: "I ett test: utfallet som testet kräver, `förväntat direkt|manus|vidarekoppla [till id]`.",
    },
    Keyword {
        word: "per",
        ascii: "per",
        meaning: "I en frekvens: `60 per månad` (år, månad, vecka, dag).",
    },
    Keyword {
        word: "stängt",
        ascii: "stangt",
        meaning: "Dagar då kundtjänst har stängt utöver veckans öppettider: \
         `stängt helgdagar, midsommarafton, julafton, nyårsafton` (standard: alla).",
    },
];

/// The keyword written `word`, in either spelling (`arendetyp` finds `ärendetyp`).
pub fn keyword(word: &str) -> Option<&'static Keyword> {
    let folded = fold(word);
    KEYWORDS
        .iter()
        .find(|k| k.word == word || k.ascii == word || fold(k.word) == folded)
}

/// å, ä and ö as the ASCII spellings write them.
fn fold(word: &str) -> String {
    word.chars()
        .map(|c| match c {
            'å' | 'ä' => 'a',
            'ö' => 'o',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `kw_ko = @{ ("kö" | "ko") ~ !ident_char }` → `("kö", "ko")`.
    fn grammar_keywords() -> Vec<(String, String)> {
        include_str!("../../grammar/rosa.pest")
            .lines()
            .filter(|l| l.starts_with("kw_"))
            .map(|l| {
                let spellings: Vec<&str> = l.split('"').skip(1).step_by(2).collect();
                let word = spellings[0].to_string();
                let ascii = spellings.get(1).map_or(word.clone(), |a| a.to_string());
                (word, ascii)
            })
            .collect()
    }

    #[test]
    fn the_table_is_the_grammars_keywords() {
        let table: Vec<(String, String)> = KEYWORDS
            .iter()
            .map(|k| (k.word.to_string(), k.ascii.to_string()))
            .collect();
        assert_eq!(table, grammar_keywords());
    }

    #[test]
    fn the_guides_spelling_table_matches() {
        let guide = include_str!("../../docs/regelsprak.md");
        let rows = guide
            .lines()
            .skip_while(|l| !l.starts_with("| svensk stavning | utan å, ä, ö |"))
            .skip(2)
            .take_while(|l| l.starts_with('|'));
        let mut listed = Vec::new();
        for row in rows {
            let cells: Vec<&str> = row.split('|').map(str::trim).collect();
            let words = |cell: &str| -> Vec<String> {
                cell.split('`')
                    .skip(1)
                    .step_by(2)
                    .flat_map(str::split_whitespace)
                    .map(String::from)
                    .collect()
            };
            let (swedish, ascii) = (words(cells[1]), words(cells[2]));
            assert_eq!(swedish.len(), ascii.len(), "{row}");
            for (s, a) in swedish.iter().zip(&ascii) {
                if let Some(k) = KEYWORDS.iter().find(|k| k.word == s) {
                    assert_eq!(k.ascii, a, "{row}");
                    listed.push(k.word);
                }
            }
        }
        for k in KEYWORDS.iter().filter(|k| k.word != k.ascii) {
            assert!(
                listed.contains(&k.word),
                "docs/regelsprak.md: `{}` saknas i tabellen över stavningar",
                k.word
            );
        }
    }

    #[test]
    fn ascii_spellings_find_the_keyword() {
        assert_eq!(keyword("arendetyp").map(|k| k.word), Some("ärendetyp"));
        assert_eq!(keyword("ko").map(|k| k.word), Some("kö"));
        assert_eq!(keyword("epost").map(|k| k.word), Some("e-post"));
        assert_eq!(keyword("bygglov"), None);
    }
}
