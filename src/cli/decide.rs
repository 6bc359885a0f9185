//! `rosa decide`: one inquiry from flags, or JSON Lines from stdin.

use super::{EXIT_PROBLEMS, EXIT_USAGE, Format, load_or_report, ruleset_dir};
use rosa::AttrValue;
use rosa::{DecisionRecord, OwnedInquiry};
use std::io::{BufRead, Write};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub(super) struct Args {
    /// Katalogen med regelfilerna (standard: den aktuella katalogen eller exempelkommunen)
    #[arg(value_name = "KATALOG")]
    dir: Option<PathBuf>,
    /// Ärendetypens id
    #[arg(long = "case", required_unless_present = "stdin")]
    case_type: Option<String>,
    /// Delmomentets id
    #[arg(long)]
    part: Option<String>,
    /// Kanal: telefon, e-post, chatt, besök, webb, brev, sociala-medier, sms
    #[arg(long)]
    channel: Option<String>,
    /// Tidpunkt, t.ex. 2026-03-02T10:15
    #[arg(long)]
    time: Option<String>,
    /// Attribut som namn=värde (ja/nej, tal eller text); kan upprepas
    #[arg(long = "attr", value_parser = parse_attr)]
    attributes: Vec<(String, AttrValue)>,
    /// Visa varje kriterium
    #[arg(long)]
    explain: bool,
    /// Utdataformat: text för människor, json för andra program
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// Läs frågor som JSON Lines från stdin och skriv beslut som JSON Lines
    #[arg(long, conflicts_with_all = ["case_type", "part", "channel", "time", "attributes"])]
    stdin: bool,
}

fn parse_attr(text: &str) -> Result<(String, AttrValue), String> {
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}` ska skrivas som namn=värde"))?;
    Ok((name.trim().to_string(), AttrValue::from_text(value.trim())))
}

pub(super) fn run(args: Args) -> u8 {
    let ruleset = match load_or_report(&match ruleset_dir(args.dir.clone()) {
        Ok(d) => d,
        Err(code) => return code,
    }) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let engine = rosa::Engine::new(&ruleset);
    if args.stdin {
        return decide_stream(&engine);
    }
    let inquiry = OwnedInquiry {
        case_type: args.case_type.unwrap_or_default(),
        part: args.part,
        channel: args.channel,
        time: args.time,
        attributes: args
            .attributes
            .into_iter()
            .map(|(name, value)| (name.into(), value))
            .collect(),
    };
    let record = engine.decide_record(&inquiry.view());
    match args.format {
        Format::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&record).unwrap_or_default()
        ),
        Format::Text => out!("{}", describe(&record, args.explain)),
    }
    0
}

/// One decision per input line, in order; a bad line gets an error record.
fn decide_stream(engine: &rosa::Engine) -> u8 {
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut bad = 0;
    for (n, line) in stdin.lock().lines().enumerate() {
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                eprintln!("fel: kunde inte läsa rad {} från stdin: {e}", n + 1);
                return EXIT_USAGE;
            }
        };
        // One output line per input line, so a blank line gets an error record too.
        let json = match serde_json::from_str::<OwnedInquiry>(&line) {
            Ok(inquiry) => serde_json::to_string(&engine.decide_record(&inquiry.view())),
            Err(e) => {
                bad += 1;
                serde_json::to_string(&serde_json::json!({ "line": n + 1, "error": e.to_string() }))
            }
        };
        let json = json.unwrap_or_default();
        if let Err(e) = writeln!(out, "{}", rosa::terminal_safe(&json)) {
            return if e.kind() == std::io::ErrorKind::BrokenPipe {
                0
            } else {
                EXIT_USAGE
            };
        }
    }
    if out.flush().is_err() {
        return EXIT_USAGE;
    }
    if bad > 0 { EXIT_PROBLEMS } else { 0 }
}

/// A decision in words, for a person at a terminal.
pub(super) fn describe(r: &DecisionRecord, explain: bool) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let what = match r.outcome {
        rosa::Outcome::Kundtjanst => "kundtjänst svarar direkt",
        rosa::Outcome::Scripted => "kundtjänst hanterar med manus",
        rosa::Outcome::Forwarded => "vidarekoppla",
        // An outcome added to the library later: its keyword in the rule language.
        other => other.keyword(),
    };
    let name = r.case_type_name.as_deref().unwrap_or("okänd ärendetyp");
    let part = r
        .part
        .as_deref()
        .map(|p| format!(", delmoment {p}"))
        .unwrap_or_default();
    let _ = writeln!(
        s,
        "{} ({}): {name} [{}{part}]",
        what, r.outcome, r.case_type
    );
    if let Some(t) = &r.target {
        let extra: Vec<String> = [
            t.queue.as_ref().map(|q| format!("kö {q}")),
            t.phone.clone(),
            t.email.clone(),
        ]
        .into_iter()
        .flatten()
        .collect();
        let _ = writeln!(
            s,
            "  mottagare: {} ({}) {}",
            t.forvaltning_name,
            t.forvaltning,
            extra.join(", ")
        );
    }
    if let Some(script) = &r.script {
        let _ = writeln!(s, "  manus: {} ({})", script.path, script.title);
    }
    if let Some(rule) = &r.rule {
        let _ = writeln!(
            s,
            "  regel: {}:{} `{}`",
            rule.file, rule.line, rule.condition
        );
    }
    if let Some(e) = &r.error {
        let _ = writeln!(s, "  orsak: {e}");
    }
    let _ = writeln!(
        s,
        "  ärendesystem: {} / {}",
        r.resolution.draken, r.resolution.legacy
    );
    if explain {
        if !r.rules_tried.is_empty() {
            let _ = writeln!(s, "  regler, i den ordning de prövas:");
            for rule in &r.rules_tried {
                let _ = writeln!(s, "    {}", rule.describe());
            }
        }
        for c in &r.criteria {
            let _ = writeln!(s, "  {} {}", if c.passed { "✓" } else { "✗" }, c.text);
        }
        let _ = writeln!(
            s,
            "  regeluppsättning: {}",
            r.ruleset.get(..16).unwrap_or(&r.ruleset)
        );
    }
    s
}
