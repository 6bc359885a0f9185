//! `rosa uppföljning`: reading decision logs (every line accounted for), the financing
//! adjusted by hand, and the planted deviations of a generated year found.

use rosa::Ruleset;
use rosa::followup::{self, Options, Report};
use std::io::Write;
use std::path::{Path, PathBuf};

const POLICY: &str = r#"kundtjänst "Uppföljningstjänst" {
    kommun "Provkommun" kommunkod 9991
    kanaler telefon, e-post
    frekvensgräns 10 per månad
    reserv vidarekoppla till a kö "Växeln"
    mål 60 %
    årsarbetstid 1000 tim
    årskostnad 500000 kr per årsarbetare
    tid 5 min, förvaltning 10 min
}
"#;

const A: &str = r#"förvaltning a "Förvaltning A" {
    vidarekoppla kö "A"
    ärendetyp t1 "Enkel fråga" {
        rosa 1
        frekvens 1200 per år
        tid 2 min, förvaltning 6 min
    }
}
"#;

const B: &str = r#"förvaltning b "Förvaltning B" {
    vidarekoppla kö "B"
    ärendetyp u1 "Status" {
        rosa 1
        frekvens 600 per år
        tid 4 min, förvaltning 8 min
    }
    ärendetyp u2 "Bedömning" {
        rosa 5
        frekvens 100 per år
    }
}
"#;

/// A small ruleset in `dir`: förvaltning A (t1, handled, 2 min) and B (u1 handled,
/// 4 min; u2 forwarded), årskostnad 500 000 kr.
fn small_ruleset(dir: &Path) -> Ruleset {
    std::fs::create_dir_all(dir).expect("dir");
    for (name, text) in [("kundtjanst.rosa", POLICY), ("a.rosa", A), ("b.rosa", B)] {
        std::fs::write(dir.join(name), text).expect("write");
    }
    Ruleset::load(dir).expect("the small ruleset loads")
}

fn line(ruleset: &str, time: &str, case_type: Option<&str>, outcome: &str) -> String {
    let (case, basis) = match case_type {
        Some(t) => (format!("\"{t}\""), "method"),
        None => ("null".to_string(), "unknown_case_type"),
    };
    format!(
        r#"{{"time":"{time}","kommunkod":"9991","ruleset":"{ruleset}","case_type":{case},"part":null,"channel":"telefon","attributes":[],"outcome":"{outcome}","basis":"{basis}"}}"#
    ) + "\n"
}

fn gzip(text: &str) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(text.as_bytes()).expect("gzip");
    enc.finish().expect("gzip")
}

fn run(ruleset: &Ruleset, logs: Vec<PathBuf>) -> Report {
    followup::run(
        ruleset,
        &[],
        &Options {
            logs,
            ..Options::default()
        },
    )
    .expect("a report")
}

#[test]
fn financing_shares_are_the_hours_done_and_sum_to_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ruleset = small_ruleset(&dir.path().join("regler"));
    let id = ruleset.id();
    let mut log = String::new();
    for _ in 0..3 {
        log += &line(id, "2026-03-02T08:15:00.000Z", Some("t1"), "kundtjanst");
    }
    log += &line(id, "2026-03-02T09:15:00.000Z", Some("u1"), "kundtjanst");
    log += &line(id, "2026-03-03T09:15:00.000Z", Some("u2"), "forwarded");
    log += &line(id, "2026-03-03T10:15:00.000Z", Some("u2"), "forwarded");
    log += &line(id, "2026-03-04T10:15:00.000Z", None, "forwarded");
    let path = dir.path().join("beslut.jsonl");
    std::fs::write(&path, log).expect("log");
    let report = run(&ruleset, vec![path]);

    // By hand: A 3 × 2 min = 6; B 1 × 4 + 2 forwarded × 1 = 6; unknown 1 × 1 = 1; all 13.
    let share = |id: &str| {
        let row = report.financing.iter().find(|f| f.id == id).expect(id);
        (row.agreed_share, row.adjusted_share, row.difference)
    };
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
    assert!(close(share("a").1, 6.0 / 13.0));
    assert!(close(share("b").1, 6.0 / 13.0));
    assert!(close(share("okand").1, 1.0 / 13.0));
    let sum: f64 = report.financing.iter().map(|f| f.adjusted_share).sum();
    assert!(close(sum, 1.0), "{sum}");
    // Agreed (declared dry-run): A 1200 × 2 min = 40 h; B 600 × 4 min + 100 × 1 min.
    let (a_hours, b_hours) = (40.0, 40.0 + 100.0 / 60.0);
    assert!(close(share("a").0, a_hours / (a_hours + b_hours)));
    assert!(close(share("b").0, b_hours / (a_hours + b_hours)));
    // The difference in kronor is the change of share times the cost divided.
    let total = report.total_cost.expect("årskostnad is given");
    assert!(total > 0.0);
    for f in &report.financing {
        let d = f.difference.expect("a difference");
        assert!(
            close(d, (f.adjusted_share - f.agreed_share) * total),
            "{}",
            f.id
        );
    }
    let moved: f64 = report.financing.iter().filter_map(|f| f.difference).sum();
    assert!(moved.abs() < 1e-6, "the total cost stays the same: {moved}");
    // The month: 7 contacts, 4 handled.
    let march = report
        .months
        .iter()
        .find(|m| m.forvaltning == "totalt")
        .expect("a total");
    assert_eq!((march.month.as_str(), march.contacts), ("2026-03", 7));
    assert!(close(march.share, 4.0 / 7.0));
}

#[test]
fn ruleset_ids_and_times_from_the_log_are_bounded() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ruleset = small_ruleset(&dir.path().join("regler"));
    let id = ruleset.id();
    let mut log = line(id, "2026-03-02T08:15:00.000Z", Some("t1"), "kundtjanst");
    for i in 0..150 {
        let other = format!("{i:03}{}", "x".repeat(100));
        log += &line(&other, "2026-03-02T08:15:00.000Z", Some("t1"), "kundtjanst");
    }
    for time in ["1970-01-01T00:00:00.000Z", "2200-01-01T00:00:00.000Z"] {
        log += &line(id, time, Some("t1"), "kundtjanst");
    }
    let path = dir.path().join("beslut.jsonl");
    std::fs::write(&path, log).expect("log");
    let report = run(&ruleset, vec![path]);

    assert_eq!((report.lines.counted, report.lines.rejected), (151, 2));
    assert!(report.rulesets.len() <= 101, "{}", report.rulesets.len());
    assert!(report.rulesets.iter().all(|r| r.id.chars().count() <= 64));
    assert!(report.rulesets.iter().any(|r| r.id == "övriga"));
    assert!(report.rulesets.iter().any(|r| r.id == id));
    let lines: u64 = report.rulesets.iter().map(|r| r.lines).sum();
    assert_eq!(lines, 151);
}

#[test]
fn logs_without_a_counted_line_say_why_in_swedish() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ruleset = small_ruleset(&dir.path().join("regler"));
    let error = |text: &str| {
        let path = dir.path().join("beslut.jsonl");
        std::fs::write(&path, text).expect("log");
        followup::run(
            &ruleset,
            &[],
            &Options {
                logs: vec![path],
                ..Options::default()
            },
        )
        .expect_err("nothing to count")
        .0
    };
    assert_eq!(error(""), "beslutsloggarna är tomma");
    assert!(error("x\n").contains("(1 rad läst och avvisad)"));
    assert!(error("x\ny\n").contains("(2 rader lästa, alla avvisade)"));
}

#[test]
fn generating_refuses_a_used_folder_one_inside_the_rules_and_too_many_contacts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rules = dir.path().join("regler");
    let ruleset = small_ruleset(&rules);
    let generate = |out: &Path, contacts: Option<u64>| {
        followup::generate(
            &ruleset,
            &followup::GenerateOptions {
                contacts,
                ..followup::GenerateOptions::default()
            },
            out,
        )
        .expect_err("refused")
        .0
    };
    let used = dir.path().join("anvand");
    std::fs::create_dir_all(&used).expect("dir");
    std::fs::write(used.join("arenden.csv"), "behåll mig").expect("write");
    assert!(generate(&used, Some(10)).contains("inte tom"));
    assert_eq!(
        std::fs::read_to_string(used.join("arenden.csv")).expect("kept"),
        "behåll mig"
    );
    assert!(generate(&rules, Some(10)).contains("inte tom"));
    let inside = rules.join("ar").join("2026");
    assert!(generate(&inside, Some(10)).contains("ligger i regelkatalogen"));
    assert!(!rules.join("ar").exists());
    let fresh = dir.path().join("ny");
    assert!(generate(&fresh, Some(followup::MAX_CONTACTS + 1)).contains("10 000 000"));
    assert!(!fresh.exists());
}

/// `rosa uppföljning ARGS`: exit code and standard error.
fn cli(args: &[&std::ffi::OsStr]) -> (i32, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rosa"))
        .arg("uppföljning")
        .args(args)
        .output()
        .expect("rosa runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[cfg(unix)]
#[test]
fn the_cli_never_writes_through_a_link_and_tells_data_from_usage_problems() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rules = dir.path().join("regler");
    let ruleset = small_ruleset(&rules);
    let log = dir.path().join("beslut.jsonl");
    std::fs::write(
        &log,
        line(
            ruleset.id(),
            "2026-03-02T08:15:00.000Z",
            Some("t1"),
            "kundtjanst",
        ),
    )
    .expect("log");
    let target = dir.path().join("annan.txt");
    std::fs::write(&target, "orörd").expect("target");
    let link = dir.path().join("rapport.txt");
    std::os::unix::fs::symlink(&target, &link).expect("symlink");
    let (code, err) = cli(&[
        rules.as_os_str(),
        "--log".as_ref(),
        log.as_os_str(),
        "--out".as_ref(),
        link.as_os_str(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("symbolisk länk"), "{err}");
    assert_eq!(std::fs::read_to_string(&target).expect("target"), "orörd");

    let (code, err) = cli(&[
        rules.as_os_str(),
        "--log".as_ref(),
        log.as_os_str(),
        "--cost-per-fte".as_ref(),
        "inf".as_ref(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("10 000 000"), "{err}");

    let empty = dir.path().join("tom.jsonl");
    std::fs::write(&empty, "").expect("empty");
    let (code, err) = cli(&[rules.as_os_str(), "--log".as_ref(), empty.as_os_str()]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("beslutsloggarna är tomma"), "{err}");
}

#[test]
fn every_line_of_every_file_is_counted_or_rejected_with_its_reason() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ruleset = small_ruleset(&dir.path().join("regler"));
    let id = ruleset.id();
    let logs = dir.path().join("loggar");
    std::fs::create_dir(&logs).expect("dir");
    let good = |n: usize| {
        (0..n)
            .map(|i| {
                line(
                    id,
                    &format!("2026-04-{:02}T08:00:00.000Z", 1 + i % 28),
                    Some("t1"),
                    "kundtjanst",
                )
            })
            .collect::<String>()
    };
    // Plain, with a line of another format, bad JSON, a bad time and a blank line.
    let mut plain = good(5);
    plain += "{\"arendetyp\":\"t1\",\"kanal\":\"telefon\"}\n";
    plain += "{\"time\":\n";
    plain += &line(id, "igår", Some("t1"), "kundtjanst");
    plain += "\n";
    std::fs::write(logs.join("beslut.jsonl"), plain).expect("write");
    // Rotated and compressed, two gzip members in one file.
    let mut two = gzip(&good(10));
    two.extend(gzip(&good(4)));
    std::fs::write(logs.join("beslut.jsonl.1.gz"), two).expect("write");
    // A gzip cut short in the middle of its data.
    let whole = gzip(&good(2000));
    std::fs::write(logs.join("beslut.jsonl.2.gz"), &whole[..whole.len() / 2]).expect("write");

    let report = run(&ruleset, vec![logs.clone()]);
    let l = &report.lines;
    assert_eq!(l.read, l.counted + l.rejected, "{l:#?}");
    assert_eq!(l.files.len(), 3);
    let file = |name: &str| l.files.iter().find(|f| f.path.ends_with(name)).expect(name);
    assert_eq!(
        (file("beslut.jsonl").lines, file("beslut.jsonl").counted),
        (9, 5)
    );
    assert_eq!(file("beslut.jsonl.1.gz").counted, 14);
    let cut = file("beslut.jsonl.2.gz");
    assert!(
        cut.problem.as_deref().is_some_and(|p| p.contains("gzip")),
        "{cut:?}"
    );
    assert!(cut.counted > 0 && cut.counted < 2000, "{cut:?}");
    assert_eq!(cut.lines, cut.counted + cut.rejected);
    for reason in [
        "inte giltig JSON",
        "inte en rad ur beslutsloggen",
        "tidsstämpeln",
        "tom rad",
    ] {
        assert!(
            l.by_reason
                .iter()
                .any(|(r, n)| r.contains(reason) && *n >= 1),
            "{reason}: {:?}",
            l.by_reason
        );
    }
    // Every format says so.
    let text = followup::text(&report);
    assert!(text.contains("Lästa rader"), "{text}");
    assert!(text.contains("gzip"), "{text}");
}

#[test]
fn a_generated_year_reports_every_planted_deviation_and_the_agreement_change() {
    let dir = tempfile::tempdir().expect("tempdir");
    let current = Ruleset::load("rulesets/exempelkommun").expect("the example");
    let planted = followup::generate(
        &current,
        &followup::GenerateOptions {
            contacts: Some(30_000),
            ..followup::GenerateOptions::default()
        },
        dir.path(),
    )
    .expect("a generated year");
    let earlier = Ruleset::load(&planted.earlier_dir).expect("the earlier ruleset");
    assert_ne!(earlier.id(), current.id());
    // Only the rules and their scripts are copied, not the rest of the directory.
    assert!(planted.earlier_dir.join("manus").is_dir());
    assert!(!planted.earlier_dir.join("logg").exists());
    assert_eq!(earlier.scripts().len(), current.scripts().len());
    let report = followup::run(
        &current,
        &[&earlier],
        &Options {
            logs: vec![dir.path().join("loggar")],
            cases: Some(planted.export.clone()),
            ..Options::default()
        },
    )
    .expect("a report");

    // Every line read, none rejected, in twelve files of which eleven gzipped.
    let l = &report.lines;
    assert_eq!(
        (l.read, l.counted, l.rejected),
        (planted.lines, planted.lines, 0)
    );
    assert_eq!(l.files.len(), 12);
    assert_eq!(
        report
            .months
            .iter()
            .filter(|m| m.forvaltning == "totalt")
            .count(),
        12
    );

    // The agreement change: its date, the two rulesets and the units that changed.
    assert_eq!(report.changes.len(), 1, "{:#?}", report.changes);
    let change = &report.changes[0];
    assert_eq!(change.date, planted.change_date);
    assert_eq!(
        (change.from.as_str(), change.to.as_str()),
        (earlier.id(), current.id())
    );
    let units = change.changed_units.as_ref().expect("both rulesets known");
    assert!(!units.is_empty());
    assert!(
        units.iter().all(|u| u.before == "vidarekoppla"),
        "{units:#?}"
    );
    assert!(
        report
            .headline
            .iter()
            .any(|h| h.contains(&planted.change_date))
    );

    let deviation = |kind: &str| {
        report
            .deviations
            .iter()
            .find(|d| d.kind.starts_with(kind))
            .unwrap_or_else(|| panic!("{kind}: {:#?}", report.deviations))
    };
    let named = |kind: &str, name: &str, at_least: u64| {
        let d = deviation(kind);
        assert!(d.count >= at_least, "{kind}: {} < {at_least}", d.count);
        assert!(
            d.examples.iter().any(|e| e.starts_with(name)),
            "{kind}: {name} in {:?}",
            d.examples
        );
    };
    let (name, rows) = &planted.not_followed;
    assert!(*rows > 0);
    named("Beslutat direkt eller med manus", name, *rows);
    let (name, rows) = &planted.solved_anyway;
    assert!(*rows > 0);
    named("Vidarekopplat enligt överenskommelsen", name, *rows);
    let (name, rows) = &planted.unknown_in_export;
    named("Okända ärendetyper i ärendesystemet", name, *rows);
    named("Delmoment som aldrig förekom", &planted.never_seen, 1);
    let (day, hour, calls) = &planted.busy_hour;
    let busy = deviation("Timmar med fler samtal");
    assert!(
        busy.examples
            .iter()
            .any(|e| e.starts_with(&format!("{day} kl. {hour:02}: "))
                && e.contains(&format!("{calls}"))
                || e.starts_with(&format!("{day} kl. {hour:02}: "))),
        "{:?}",
        busy.examples
    );
    assert!(deviation("Okända ärendetyper i beslutsloggen").count > 0);

    // The key figures: the export has the fields, so none is missing.
    let export = report.case_export.as_ref().expect("the export");
    assert!(export.missing.is_empty(), "{:?}", export.missing);
    assert_eq!(export.key_figures.len(), 12);
    assert!(
        export
            .key_figures
            .iter()
            .all(|k| k.simple_phone > 0 && k.email > 0)
    );
    assert!(
        export
            .key_figures
            .iter()
            .all(|k| k.email_1_day <= k.email_2_days && k.email_2_days <= k.email)
    );

    // Every format lays out the same report.
    let text = followup::text(&report);
    for title in [
        "Per månad",
        "Finansiering",
        "Avvikelser",
        "Nyckeltal KKiK",
        "Överenskommelser",
    ] {
        assert!(text.contains(title), "{title}");
    }
    // The README quotes this very year (`--generera … --contacts 30000`).
    let readme = std::fs::read_to_string("README.md").expect("README");
    let start = readme
        .find("Excerpt of `rosa uppföljning`")
        .expect("the README quotes the follow-up");
    let open = start + readme[start..].find("```\n").expect("a block") + 4;
    let close = open + readme[open..].find("```").expect("its end");
    let printed: Vec<&str> = text.lines().map(str::trim_end).collect();
    let mut quoted = 0;
    for line in readme[open..close].lines().map(str::trim_end) {
        if !line.is_empty() {
            assert!(
                printed.contains(&line),
                "README quotes a line not printed:\n{line}"
            );
            quoted += 1;
        }
    }
    assert!(quoted > 10, "{quoted} lines quoted");
    let html = followup::html(&report);
    assert!(html.contains("<svg") && html.contains("polyline"));
    let bytes = followup::xlsx(&report).expect("xlsx");
    assert!(bytes.starts_with(b"PK\x03\x04"));
    let csv = followup::csv(
        &report,
        Some("finansiering"),
        rosa::dryrun::CsvDialect::Plain,
    )
    .expect("csv")
    .expect("the section");
    assert!(
        csv.starts_with("förvaltning,id,överenskommen andel"),
        "{csv}"
    );
}
