//! The report as sections of the dry-run's report model: every output format lays out
//! these tables, so a figure is written once.

use super::report::{Report, TOTAL_ID};
use super::wording::short;
use crate::dryrun::{Column, Kind, Table, Value};

/// The sections, in order (and the workbook's sheets).
pub(super) fn sections(r: &Report) -> Vec<Table> {
    vec![
        summary(r),
        conclusions(r),
        months(r),
        financing(r),
        deviations(r),
        key_figures(r),
        rulesets(r),
        lines(r),
        rejected(r),
    ]
}

fn summary(r: &Report) -> Table {
    let totals = r.months.iter().filter(|m| m.forvaltning == TOTAL_ID);
    let (mut contacts, mut handled, mut hours, mut handed) = (0u64, 0u64, 0.0, 0.0);
    for m in totals {
        contacts += m.contacts;
        handled += m.kundtjanst + m.scripted;
        hours += m.kundtjanst_hours;
        handed += m.handed_over_hours;
    }
    let mut t = Table::new(
        "Sammanfattning",
        vec![Column::text("uppgift"), Column::number("värde", Kind::Text)],
    );
    let mut item = |label: &str, v: Value| t.rows.push(vec![Value::text(label), v]);
    item(
        "kommun",
        Value::text(format!("{} ({})", r.kommun, r.kommunkod)),
    );
    item("kundtjänst", Value::text(&r.kundtjanst));
    item("gällande regeluppsättning", Value::text(short(&r.ruleset)));
    item("rapporten gjord", Value::text(&r.date));
    item("kontakter", Value::count(contacts));
    item(
        "andel kundtjänst",
        Value::share(super::report::ratio(handled as f64, contacts as f64)),
    );
    item("mål", Value::share(r.goal_share));
    item("kundtjänst timmar", Value::whole(hours));
    item("avlastade timmar", Value::whole(handed));
    item(
        "ändringar av överenskommelsen",
        Value::count(r.changes.len() as u64),
    );
    item("rader lästa", Value::count(r.lines.read));
    item("rader räknade", Value::count(r.lines.counted));
    item("rader avvisade", Value::count(r.lines.rejected));
    t
}

fn conclusions(r: &Report) -> Table {
    let mut t = Table::new(
        "Slutsatser",
        vec![Column::text("vad"), Column::text("text")],
    );
    for h in &r.headline {
        t.rows.push(vec![Value::text("läget"), Value::text(h)]);
    }
    for n in &r.next_steps {
        t.rows.push(vec![Value::text("att göra"), Value::text(n)]);
    }
    t
}

/// The section `Per månad`: the CSV a follow-up writes unless asked for another.
pub(super) fn months(r: &Report) -> Table {
    let mut t = Table::new(
        "Per månad",
        vec![
            Column::text("månad"),
            Column::text("förvaltning"),
            Column::number("kontakter", Kind::Count),
            Column::number("direkt", Kind::Count),
            Column::number("manus", Kind::Count),
            Column::number("vidarek.", Kind::Count),
            Column::number("andel", Kind::Share),
            Column::number("prognos andel", Kind::Share),
            Column::number("prognos kontakter", Kind::Whole),
            Column::number("kt tim", Kind::Whole),
            Column::number("prognos kt tim", Kind::Whole),
            Column::number("avlastat tim", Kind::Whole),
            Column::number("prognos avlastat tim", Kind::Whole),
            Column::number("årsarbetare", Kind::Tenths),
            Column::text("regeluppsättning"),
        ],
    );
    for m in &r.months {
        t.rows.push(vec![
            Value::text(&m.month),
            Value::text(&m.name),
            Value::count(m.contacts),
            Value::count(m.kundtjanst),
            Value::count(m.scripted),
            Value::count(m.forwarded),
            Value::share(m.share),
            Value::opt(m.forecast_share, Value::share),
            Value::opt(m.forecast_contacts, Value::whole),
            Value::whole(m.kundtjanst_hours),
            Value::opt(m.forecast_kundtjanst_hours, Value::whole),
            Value::whole(m.handed_over_hours),
            Value::opt(m.forecast_handed_over_hours, Value::whole),
            Value::tenths(m.posts),
            Value::text(short(&m.ruleset)),
        ]);
    }
    t.notes.push(format!(
        "Målet är {}. Prognosen är den deklarerade provkörningen av regeluppsättningen som avgjorde flest kontakter den månaden, en tolftedel av årsprognosen; årsarbetare är månadens kundtjänsttimmar i årstakt.",
        crate::numbers::percent(r.goal_share)
    ));
    t
}

fn financing(r: &Report) -> Table {
    let mut t = Table::new(
        "Finansiering",
        vec![
            Column::text("förvaltning"),
            Column::text("id"),
            Column::number("överenskommen andel", Kind::Share),
            Column::number("kt tim i praktiken", Kind::Whole),
            Column::number("justerad andel", Kind::Share),
            Column::number("överenskommen kostnad", Kind::Money),
            Column::number("justerad kostnad", Kind::Money),
            Column::number("skillnad kr", Kind::Change),
        ],
    );
    for f in &r.financing {
        t.rows.push(vec![
            Value::text(&f.name),
            Value::text(&f.id),
            Value::share(f.agreed_share),
            Value::whole(f.kundtjanst_hours),
            Value::share(f.adjusted_share),
            Value::opt(f.agreed_cost, Value::money),
            Value::opt(f.adjusted_cost, Value::money),
            Value::opt(f.difference, Value::change),
        ]);
    }
    t.notes.push("Den överenskomna andelen är förvaltningens del av kundtjänstens arbetstid i den deklarerade provkörningen av den gällande regeluppsättningen; den justerade är dess del av kundtjänstens arbetstid enligt beslutsloggarna (hanterade kontakter med sin handläggningstid, vidarekopplade med tiden att koppla). Andelarna summerar till 1.".into());
    match r.total_cost {
        Some(c) => t.notes.push(format!(
            "Kostnaden som fördelas: {} kr per år (överenskommelsens årsarbetare × årskostnad).",
            crate::numbers::sv(c, 0)
        )),
        None => t.notes.push(
            "Ange --cost-per-fte KR, eller `årskostnad 650000 kr per årsarbetare` i policyn, för skillnaden i kronor.".into(),
        ),
    }
    t
}

fn rulesets(r: &Report) -> Table {
    let mut t = Table::new(
        "Överenskommelser",
        vec![
            Column::text("regeluppsättning"),
            Column::text("roll"),
            Column::number("rader", Kind::Count),
            Column::text("första"),
            Column::text("sista"),
        ],
    );
    for s in &r.rulesets {
        t.rows.push(vec![
            Value::text(short(&s.id)),
            Value::text(&s.role),
            Value::count(s.lines),
            Value::text(&s.first),
            Value::text(&s.last),
        ]);
    }
    for c in &r.changes {
        t.notes.push(format!(
            "{}: regeluppsättning {} → {} ({} före, {} efter).",
            c.date,
            short(&c.from),
            short(&c.to),
            super::wording::count(c.lines_before, "rad", "rader"),
            super::wording::count(c.lines_after, "rad", "rader"),
        ));
        match &c.changed_units {
            Some(units) if units.is_empty() => {
                t.notes.push("Inget delmoment fick ett annat utfall.".into());
            }
            Some(units) => {
                for u in units {
                    t.notes
                        .push(format!("{}: {} → {}", u.name, u.before, u.after));
                }
            }
            None => t.notes.push(
                "Vilka delmoment som ändrades syns när båda regeluppsättningarna anges (KATALOG och --tidigare)."
                    .into(),
            ),
        }
    }
    t
}

fn lines(r: &Report) -> Table {
    let mut t = Table::new(
        "Lästa rader",
        vec![
            Column::text("fil"),
            Column::number("rader", Kind::Count),
            Column::number("räknade", Kind::Count),
            Column::number("avvisade", Kind::Count),
            Column::text("problem"),
        ],
    );
    for f in &r.lines.files {
        t.rows.push(vec![
            Value::text(&f.path),
            Value::count(f.lines),
            Value::count(f.counted),
            Value::count(f.rejected),
            f.problem.as_ref().map_or(Value::Empty, Value::text),
        ]);
    }
    t.notes.push(format!(
        "{} lästa = {} räknade + {} avvisade.",
        r.lines.read, r.lines.counted, r.lines.rejected
    ));
    for (reason, n) in &r.lines.by_reason {
        t.notes.push(format!(
            "{reason}: {}",
            super::wording::count(*n, "rad", "rader")
        ));
    }
    t
}

fn rejected(r: &Report) -> Table {
    let mut t = Table::new(
        "Avvisade rader",
        vec![
            Column::text("fil"),
            Column::number("rad", Kind::Count),
            Column::text("skäl"),
        ],
    );
    for e in &r.lines.examples {
        t.rows.push(vec![
            Value::text(&e.file),
            Value::count(e.line),
            Value::text(&e.reason),
        ]);
    }
    if r.lines.rejected as usize > r.lines.examples.len() {
        t.notes.push(format!(
            "De första {} av {} avvisade raderna.",
            r.lines.examples.len(),
            r.lines.rejected
        ));
    }
    t
}

fn deviations(r: &Report) -> Table {
    let mut t = Table::new(
        "Avvikelser",
        vec![
            Column::text("avvikelse"),
            Column::number("antal", Kind::Count),
            Column::text("exempel"),
            Column::text("att göra"),
        ],
    );
    for d in &r.deviations {
        t.rows.push(vec![
            Value::text(&d.kind),
            Value::count(d.count),
            Value::text(d.examples.join("; ")),
            Value::text(&d.action),
        ]);
    }
    if r.case_export.is_none() {
        t.notes.push("Utan ärendesystemets export (--arenden) syns inte var praktiken skiljer sig från överenskommelsen: den visar vad som faktiskt hände med varje kontakt.".into());
    }
    t
}

/// KKiK 2018, for context: the average share of simple phone questions answered
/// directly, and of e-mail answered within a day.
const KKIK_PHONE_2018: f64 = 0.53;
const KKIK_EMAIL_2018: f64 = 0.80;

fn key_figures(r: &Report) -> Table {
    let mut t = Table::new(
        "Nyckeltal KKiK",
        vec![
            Column::text("månad"),
            Column::number("enkla telefonfrågor", Kind::Count),
            Column::number("besvarade direkt", Kind::Share),
            Column::number("e-post", Kind::Count),
            Column::number("inom 1 arbetsdag", Kind::Share),
            Column::number("inom 2 arbetsdagar", Kind::Share),
        ],
    );
    let share = |part: u64, whole: u64| {
        if whole == 0 {
            Value::Empty
        } else {
            Value::share(part as f64 / whole as f64)
        }
    };
    match &r.case_export {
        Some(e) => {
            for k in &e.key_figures {
                t.rows.push(vec![
                    Value::text(&k.month),
                    Value::count(k.simple_phone),
                    share(k.simple_phone_direct, k.simple_phone),
                    Value::count(k.email),
                    share(k.email_1_day, k.email),
                    share(k.email_2_days, k.email),
                ]);
            }
            t.notes.extend(e.missing.iter().cloned());
        }
        None => t.notes.push("Nyckeltalen kräver ärendesystemets export (--arenden) med kolumnerna `tid`, `kanal`, `resultat`, `enkel` (ja/nej) och `besvarad`.".into()),
    }
    t.notes.push(format!(
        "Som jämförelse (Kommunens Kvalitet i Korthet 2018): i snitt fick {} av de enkla frågorna per telefon ett direkt svar (18–94 % mellan kommunerna), och {} av e-posten besvarades inom en dag. Arbetsdagar räknas utan helger och de helgdagar och aftnar som kundtjänsten håller stängt (policyns `stängt`).",
        crate::numbers::percent(KKIK_PHONE_2018),
        crate::numbers::percent(KKIK_EMAIL_2018)
    ));
    t
}
