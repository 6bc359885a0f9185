//! The statements of the language: the name a diagnostic calls each by, where each may
//! stand, and an example. A test in `syntax` parses every example in every place.

/// Where a statement may stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// At the top of a file (the blocks `kundtjänst`, `förvaltning`, `test`).
    File,
    /// In the `kundtjänst` block.
    Policy,
    /// In a `förvaltning` block.
    Forvaltning,
    /// In an `ärendetyp` block.
    Arendetyp,
    /// In a `delmoment` block.
    Delmoment,
    /// In a `test` block.
    Test,
}

/// Every place, for going through them all.
pub const PLACES: [Place; 6] = [
    Place::File,
    Place::Policy,
    Place::Forvaltning,
    Place::Arendetyp,
    Place::Delmoment,
    Place::Test,
];

/// One statement (or block) of the language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Statement {
    /// Its keywords, as diagnostics name it ("`övriga system` står två gånger").
    pub name: &'static str,
    /// Where it may stand.
    pub places: &'static [Place],
    /// A complete example, as `rosa fmt` writes it.
    pub example: &'static str,
}

use Place::{Arendetyp as A, Delmoment as D, File as F, Forvaltning as V, Policy as P, Test as T};

macro_rules! statements {
    ($($id:ident = $name:literal in [$($place:ident),*] e.g. $example:literal;)*) => {
        $(
            #[doc = concat!("`", $example, "`")]
            pub const $id: Statement = Statement {
                name: $name,
                places: &[$($place),*],
                example: $example,
            };
        )*
        /// Every statement and block, in the order of the guide.
        pub const STATEMENTS: &[Statement] = &[$($id),*];
    };
}

statements! {
    KUNDTJANST = "kundtjänst" in [F] e.g. "kundtjänst \"Kontaktcenter\" { }";
    FORVALTNING = "förvaltning" in [F] e.g. "förvaltning bygg \"Bygg\" { }";
    TEST = "test" in [F] e.g. "test \"bygglov i telefon\" { }";
    KOMMUN = "kommun" in [P] e.g. "kommun \"Exempelkommun\" kommunkod 1299";
    SKALA = "skala" in [P] e.g. "skala 6 nivåer";
    SYSTEM = "system" in [P, A, D] e.g. "system ByggR, Diarium";
    OVRIGA_SYSTEM = "övriga system" in [P] e.g. "övriga system Procapita";
    KANALER = "kanaler" in [P, A, D] e.g. "kanaler telefon, e-post, chatt";
    ATTRIBUT = "attribut" in [P] e.g. "attribut belopp tal, akut ja/nej";
    FREKVENSGRANS = "frekvensgräns" in [P] e.g. "frekvensgräns 10 per månad";
    DIREKT_ROSA = "direkt rosa" in [P] e.g. "direkt rosa 1-2";
    MANUS_ROSA = "manus rosa" in [P] e.g. "manus rosa 3-4";
    RESERV = "reserv" in [P] e.g. "reserv vidarekoppla till kommunledning kö \"Växeln\"";
    MAL = "mål" in [P] e.g. "mål 65 %";
    ARSARBETSTID = "årsarbetstid" in [P] e.g. "årsarbetstid 1600 tim";
    ARSKOSTNAD = "årskostnad" in [P] e.g. "årskostnad 650000 kr per årsarbetare";
    OPPETTIDER = "öppettider" in [P] e.g. "öppettider mån-tor 08:00-16:30, fre 08:00-15:00";
    SERVICENIVA = "servicenivå" in [P] e.g. "servicenivå 80 % inom 20 s";
    MAXBELAGGNING = "maxbeläggning" in [P] e.g. "maxbeläggning 85 %";
    FRANVARO = "frånvaro" in [P] e.g. "frånvaro 30 %";
    TID = "tid" in [P, A, D] e.g. "tid 4 min, förvaltning 9 min";
    STANGT = "stängt" in [P] e.g. "stängt helgdagar, midsommarafton, julafton, nyårsafton";
    VIDAREKOPPLA = "vidarekoppla" in [V, A, D] e.g. "vidarekoppla kö \"Bygglov\"";
    EJ_KANALER = "ej kanaler" in [V, A, D] e.g. "ej kanaler besök";
    OM = "om" in [P, V, A, D] e.g. "om `attr.akut` => vidarekoppla";
    ARENDETYP = "ärendetyp" in [V] e.g. "ärendetyp bygglov \"Bygglov\" { rosa 3 }";
    ROSA = "rosa" in [A, D] e.g. "rosa 3";
    FREKVENS = "frekvens" in [A, D] e.g. "frekvens 120 per månad";
    MANUS = "manus" in [A, D] e.g. "manus \"manus/bygglov-status.md\"";
    SEKRETESS = "sekretess" in [A, D] e.g. "sekretess";
    OVERENSKOMMET = "överenskommet" in [A, D] e.g. "överenskommet manus";
    SOKORD = "sökord" in [A] e.g. "sökord \"bygglov\", \"status\"";
    DELMOMENT = "delmoment" in [A] e.g. "delmoment regler \"Regler\" { rosa 1 }";
    TEST_ARENDETYP = "ärendetyp" in [T] e.g. "ärendetyp bygglov";
    TEST_DELMOMENT = "delmoment" in [T] e.g. "delmoment regler";
    TEST_KANAL = "kanal" in [T] e.g. "kanal telefon";
    TEST_TID = "tid" in [T] e.g. "tid 2026-03-02T10:00";
    TEST_ATTRIBUT = "attribut" in [T] e.g. "attribut akut = ja, belopp = 5000";
    TEST_FORVANTAT = "förväntat" in [T] e.g. "förväntat vidarekoppla till bygg";
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first cells of the guide's table that starts with `header`, without backticks.
    fn first_cells(header: &str) -> Vec<String> {
        include_str!("../../docs/regelsprak.md")
            .lines()
            .skip_while(|l| *l != header)
            .skip(2)
            .take_while(|l| l.starts_with('|'))
            .map(|row| {
                let cell = row.split('|').nth(1).unwrap_or("").trim();
                cell.trim_matches('`').to_string()
            })
            .collect()
    }

    /// The statement a table cell such as `frekvensgräns 10 per månad` starts with: the
    /// longest name that the cell starts with.
    fn statement_in(cell: &str, place: Place) -> Option<&'static Statement> {
        STATEMENTS
            .iter()
            .filter(|s| s.places.contains(&place))
            .filter(|s| cell == s.name || cell.starts_with(&format!("{} ", s.name)))
            .max_by_key(|s| s.name.len())
    }

    #[test]
    fn the_guides_table_of_arendetyp_statements_is_complete() {
        let cells = first_cells("| uppgift | exempel | betyder |");
        let listed: Vec<&str> = cells
            .iter()
            .map(|c| {
                statement_in(c, Place::Arendetyp)
                    .unwrap_or_else(|| panic!("docs/regelsprak.md: `{c}` står inte i en ärendetyp"))
                    .name
            })
            .collect();
        for s in STATEMENTS
            .iter()
            .filter(|s| s.places.contains(&Place::Arendetyp))
        {
            assert!(
                listed.contains(&s.name),
                "docs/regelsprak.md saknar `{}`",
                s.name
            );
        }
    }

    #[test]
    fn the_guides_table_of_policy_statements_is_complete() {
        let cells = first_cells("| uppgift | betyder | standard |");
        let listed: Vec<&str> = cells
            .iter()
            .map(|c| {
                statement_in(c, Place::Policy)
                    .unwrap_or_else(|| panic!("docs/regelsprak.md: `{c}` står inte i policyn"))
                    .name
            })
            .collect();
        // Rules (`om`) have their own section, 10.
        for s in STATEMENTS
            .iter()
            .filter(|s| s.places.contains(&Place::Policy) && s.name != OM.name)
        {
            assert!(
                listed.contains(&s.name),
                "docs/regelsprak.md saknar `{}`",
                s.name
            );
        }
    }
}
