//! `rosa new`: a small, valid and commented ruleset to start from, so that the first
//! hour is spent changing rules, not guessing the syntax.

use super::{EXIT_USAGE, count};
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub(super) struct Args {
    /// Katalogen att skapa (den får inte finnas, eller måste vara tom)
    #[arg(value_name = "KATALOG")]
    dir: PathBuf,
    /// Kommunens namn
    #[arg(long, value_name = "NAMN", default_value = "Min kommun")]
    kommun: String,
    /// Kommunkoden, fyra siffror (SCB:s kod, t.ex. 1280 för Malmö)
    #[arg(long, value_name = "NNNN", default_value = "0000")]
    kommunkod: String,
}

/// `--kommun` and `--kommunkod` as `rosa new` and `rosa import` take them: a name
/// that fits in a rule file's string, and four digits. Says what is wrong.
pub(super) fn kommun_is_valid(kommun: &str, kommunkod: &str) -> bool {
    if kommun.trim().is_empty() || kommun.contains(['"', '\n', '\r']) {
        eprintln!("fel: kommunens namn får inte vara tomt eller innehålla citattecken");
        return false;
    }
    if kommunkod.len() != 4 || !kommunkod.bytes().all(|b| b.is_ascii_digit()) {
        eprintln!(
            "fel: kommunkoden ska vara fyra siffror, inte `{}`",
            rosa::terminal_safe(kommunkod)
        );
        return false;
    }
    true
}

pub(super) fn run(args: Args) -> u8 {
    if !kommun_is_valid(&args.kommun, &args.kommunkod) {
        return EXIT_USAGE;
    }
    let dir = &args.dir;
    if std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some()) {
        eprintln!(
            "fel: `{}` finns redan och är inte tom; rosa skriver inte över befintliga filer\n\
             hjälp: välj ett nytt katalognamn, t.ex. `rosa new min-kommun`",
            dir.display()
        );
        return EXIT_USAGE;
    }
    if dir.exists() && !dir.is_dir() {
        eprintln!("fel: `{}` finns redan och är en fil", dir.display());
        return EXIT_USAGE;
    }
    let files = files(&args.kommun, &args.kommunkod);
    for (path, text) in &files {
        if let Err(e) = write(dir, path, text) {
            eprintln!("fel: kunde inte skriva {}: {e}", dir.join(path).display());
            return EXIT_USAGE;
        }
    }
    outln!(
        "skapade {} i {}:",
        count(files.len(), "fil", "filer"),
        dir.display()
    );
    for (path, _) in &files {
        outln!("  {path}");
    }
    let shown = dir.display();
    outln!("\nnästa steg:\n  rosa check {shown}\n  rosa test {shown}");
    0
}

fn write(dir: &Path, path: &str, text: &str) -> std::io::Result<()> {
    let full = dir.join(path);
    if let Some(parent) = full.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(full, text)
}

/// The starting ruleset: a policy, one förvaltning with one ärendetyp and its manus,
/// and one test. `tests/cli_check.rs` checks that it loads and its test passes.
fn files(kommun: &str, kommunkod: &str) -> Vec<(&'static str, String)> {
    let policy = policy(kommun, kommunkod);
    ruleset_files(policy)
}

/// The commented policy of a new ruleset; `rosa import` starts from it too when the
/// spreadsheet has no policy sheet.
pub(super) fn policy(kommun: &str, kommunkod: &str) -> String {
    format!(
        r#"// Kundtjänstens policy: vad kundtjänsten får göra, och hur nivåerna avgörs.
// Se docs/regelsprak.md för varje rad.

kundtjänst "Kontaktcenter {kommun}" {{
    kommun "{kommun}" kommunkod {kommunkod}

    // ROSA-skalan: nivå 1 är enklast, nivå 6 kräver handläggare.
    skala 6 nivåer

    // Systemen kundtjänsten har tillgång till, och de som bara förvaltningarna har.
    system Webbplats
    övriga system Ärendesystem

    // Kanalerna frågor kommer in genom.
    kanaler telefon, e-post, chatt, besök

    // Uppgifter om frågan som regler kan läsa, med typ: ja/nej, tal eller text.
    attribut akut ja/nej

    // Ärendetyper som kommer mer sällan än så lönar sig inte att lära in.
    frekvensgräns 10 per månad
    // Nivå 1–2 svarar kundtjänsten på direkt, nivå 3–4 med hjälp av ett manus.
    direkt rosa 1-2
    manus rosa 3-4

    // Dit går frågor som ingen regel tar hand om.
    reserv vidarekoppla till bygg kö "Växeln"

    // Andel av frågorna som kundtjänsten ska lösa själv.
    mål 60 %
    // Dagar då kundtjänsten har stängt utöver öppettiderna. Utan raden gäller
    // helgdagar och alla tre aftnar, som här; stryk en afton då ni har öppet.
    stängt helgdagar, midsommarafton, julafton, nyårsafton
    // Tid per fråga i kundtjänsten, och hos förvaltningen om den vidarekopplas.
    tid 4 min, förvaltning 10 min
}}
"#
    )
}

fn ruleset_files(policy: String) -> Vec<(&'static str, String)> {
    let forvaltning =
        r#"// En förvaltning och de ärendetyper den har kommit överens med kundtjänsten om.

förvaltning bygg "Samhällsbyggnadsförvaltningen" {
    // Dit kopplas frågor som kundtjänsten inte ska ta.
    vidarekoppla kö "Bygglov" telefon "0123-45 67 00"

    ärendetyp bygglov-status "Status på bygglovsärende" {
        // Nivå 3: kundtjänsten svarar med manuset nedan.
        rosa 3
        frekvens 60 per månad
        system Webbplats
        manus "manus/bygglov-status.md"
        tid 4 min, förvaltning 9 min

        // En regel går före nivån: akuta frågor går direkt till förvaltningen.
        om `attr.akut` => vidarekoppla
    }
}
"#
        .to_string();
    let script = r#"# Status på bygglovsärende

1. Fråga efter ärendenumret eller fastighetsbeteckningen.
2. Sök ärendet på webbplatsen och läs senaste händelse.
3. Berätta vad som hänt och vad nästa steg är. Lova inga datum.
4. Vill den som ringer prata med handläggaren: vidarekoppla till kö "Bygglov".
"#
    .to_string();
    let tests = r#"// Tester: vad rosa ska svara på en viss fråga. Kör dem med `rosa test`.

// Ett test anger varje attribut som en regel läser; annars kan regeln inte prövas.
test "status i telefon går med manus" {
    ärendetyp bygglov-status
    kanal telefon
    attribut akut = nej
    förväntat manus
}

test "akut status går till förvaltningen" {
    ärendetyp bygglov-status
    kanal telefon
    attribut akut = ja
    förväntat vidarekoppla till bygg
}
"#
    .to_string();
    vec![
        ("kundtjanst.rosa", policy),
        ("bygg.rosa", forvaltning),
        ("manus/bygglov-status.md", script),
        ("tester.rosa", tests),
    ]
}
