//! The studio's pages, rendered on the server from the files as saved; the script
//! (studio.js) adds the live what-if and the editing.

use super::state::Studio;
use super::whatif::Figures;
use super::workspace::Workspace;
use crate::engine::{Engine, run_tests};
use crate::html::escape;
use crate::model::Ruleset;
use crate::web::Page;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use std::fmt::Write;
use std::sync::Arc;

type App = State<Arc<Studio>>;

/// The studio's header and menu, on every page.
pub(super) const HEADER: &str = "<p class=\"produkt\">rosa studio</p>\
    <nav aria-label=\"Studion\"><ul class=\"meny\">\
    <li><a href=\"/\">Förvaltningarna</a></li>\
    <li><a href=\"/forhandsvisning/\">Handboken (förhandsvisning)</a></li>\
    <li><a href=\"/ny\">Ny ärendetyp</a></li>\
    <li><a href=\"/tester\">Tester</a></li>\
    <li><a href=\"/sokforslag\">Sökförslag</a></li></ul></nav>";

/// The page for a directory whose files do not load.
pub(super) fn broken_page(studio: &Studio) -> String {
    let workspace = studio.workspace();
    let records = workspace.problems();
    page_html(
        studio,
        "Regelfilerna har fel – rosa studio",
        broken_main(&records, &workspace.paths()),
    )
}

/// The overview: every förvaltning with its share and hours, each a link to its page.
pub(super) async fn agreement(State(studio): App) -> Response {
    let workspace = studio.fresh_workspace();
    let Some(ruleset) = workspace.usable() else {
        let main = broken_main(&workspace.problems(), &workspace.paths());
        return page(&studio, "Regelfilerna har fel – rosa studio", main);
    };
    let mut main = stale_notice(&workspace);
    main.push_str(&overview_main(ruleset, studio.baseline(ruleset)));
    let title = kommun_title("Överenskommelsen", Some(ruleset));
    page(&studio, &title, main)
}

fn overview_main(ruleset: &Ruleset, figures: Result<Figures, String>) -> String {
    let policy = ruleset.policy();
    let mut out = format!(
        "<h1>Överenskommelsen med kundtjänst</h1>\n\
         <p class=\"ingress\">{kommun} · {n} · mål: kundtjänst hanterar {goal} av kontakterna.</p>\n",
        kommun = escape(&policy.kommun),
        n = crate::numbers::count(
            ruleset.forvaltningar().len(),
            "förvaltning",
            "förvaltningar"
        ),
        goal = crate::numbers::percent(policy.goal_share),
    );
    let figures = match figures {
        Ok(figures) => figures,
        Err(error) => {
            let _ = writeln!(
                out,
                "<p class=\"fel\">Siffrorna gick inte att räkna: {}</p>",
                escape(&error)
            );
            return out;
        }
    };
    let _ = write!(
        out,
        "<dl class=\"kort\">\n<div><dt>Andel som kundtjänst hanterar</dt><dd>{share}</dd></div>\n\
         <div><dt>Årsarbetare i kundtjänst</dt><dd>{fte}</dd></div>\n\
         <div><dt>Förvaltningstimmar som lämnas över per år</dt><dd>{hours}</dd></div>\n</dl>\n\
         <p>Välj en förvaltning för att gå igenom dess ärendetyper i workshopen.</p>\n\
         <div class=\"tabell\"><table class=\"oversikt\">\n<caption class=\"skarmlasare\">Förvaltningarna</caption>\n\
         <thead><tr><th scope=\"col\">Förvaltning</th><th scope=\"col\">Andel hos kundtjänst</th>\
         <th scope=\"col\">Kontakter per år</th><th scope=\"col\">Kundtjänstens timmar per år</th>\
         <th scope=\"col\">Timmar som lämnas över per år</th><th scope=\"col\">Utskrift</th></tr></thead>\n<tbody>\n",
        share = escape(&figures.share_text),
        fte = crate::numbers::sv(figures.fte_total, 1),
        hours = crate::numbers::sv(figures.handed_over_hours, 0),
    );
    for f in &figures.forvaltningar {
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\"><a href=\"/forvaltning/{id}\">{name}</a></th><td class=\"tal\">{share}</td>\
             <td class=\"tal\">{volume}</td><td class=\"tal\">{kt}</td><td class=\"tal\">{over}</td>\
             <td><a href=\"/forvaltning/{id}/utskrift\" aria-label=\"Utskrift för underskrift, {name}\">Utskrift</a></td></tr>",
            id = escape(&f.id),
            name = escape(&f.name),
            share = escape(&f.share_text),
            volume = crate::numbers::sv(f.volume, 0),
            kt = crate::numbers::sv(f.kundtjanst_hours, 0),
            over = crate::numbers::sv(f.handed_over_hours, 0),
        );
    }
    out.push_str("</tbody></table></div>\n");
    out.push_str(
        "<p class=\"export\"><a href=\"/overenskommelse.xlsx\">Ladda ner som Excel</a></p>\n",
    );
    out
}

/// One förvaltning's page: its table with the figure cards pinned above it.
pub(super) async fn forvaltning(State(studio): App, Path(id): Path<String>) -> Response {
    for_forvaltning(&studio, &id, |workspace, ruleset, f| {
        let engine = Engine::new(ruleset);
        let mut main = stale_notice(workspace);
        main.push_str(&forvaltning_main(ruleset, &engine, f));
        let title = kommun_title(&ruleset.forvaltningar()[f].name, Some(ruleset));
        (title, main)
    })
}

/// One förvaltning's agreement to print and sign (the browser makes the PDF).
pub(super) async fn print(State(studio): App, Path(id): Path<String>) -> Response {
    for_forvaltning(&studio, &id, |workspace, ruleset, f| {
        let mut main = stale_notice(workspace);
        let figures = studio.baseline(ruleset).ok();
        main.push_str(&print_main(ruleset, f, figures.as_ref()));
        let name = &ruleset.forvaltningar()[f].name;
        let title = kommun_title(&format!("Överenskommelse, {name}"), Some(ruleset));
        (title, main)
    })
}

/// A page about förvaltning `id` of the ruleset in use, built by `build` (title and
/// main) while the workspace is held; the broken or not-found page otherwise.
fn for_forvaltning(
    studio: &Arc<Studio>,
    id: &str,
    build: impl FnOnce(&Workspace, &Ruleset, usize) -> (String, String),
) -> Response {
    let workspace = studio.fresh_workspace();
    let Some(ruleset) = workspace.usable() else {
        drop(workspace);
        return Html(broken_page(studio)).into_response();
    };
    let Some(f) = ruleset.forvaltningar().iter().position(|f| f.id == id) else {
        drop(workspace);
        return not_found_page(studio);
    };
    let (title, main) = build(&workspace, ruleset, f);
    drop(workspace);
    page(studio, &title, main)
}

fn print_main(ruleset: &Ruleset, f: usize, figures: Option<&Figures>) -> String {
    let policy = ruleset.policy();
    let forvaltning = &ruleset.forvaltningar()[f];
    let share = figures
        .and_then(|all| all.forvaltningar.iter().find(|x| x.id == forvaltning.id))
        .map(|x| {
            format!(
                "<div><dt>Andel hos kundtjänst</dt><dd>{}</dd></div>\n",
                escape(&x.share_text)
            )
        })
        .unwrap_or_default();
    let engine = Engine::new(ruleset);
    format!(
        "<p class=\"tillbaka\"><a href=\"/forvaltning/{id}\">Tillbaka till {name}</a> · \
         <button type=\"button\" class=\"utskrift-knapp\">Skriv ut eller spara som PDF</button></p>\n\
         <article class=\"utskrift\">\n<h1>Överenskommelse om kundtjänst: {name}</h1>\n\
         <dl class=\"utskrift-fakta\">\n<div><dt>Kommun</dt><dd>{kommun} ({kod})</dd></div>\n\
         <div><dt>Förvaltning</dt><dd>{name}</dd></div>\n<div><dt>Kundtjänst</dt><dd>{kt}</dd></div>\n\
         <div><dt>Datum</dt><dd>{date}</dd></div>\n<div><dt>Regeluppsättning</dt><dd>{ruleset}</dd></div>\n{share}</dl>\n\
         <p>Kundtjänst tar emot kontakterna i förvaltningens ärendetyper så som tabellen visar, per kanal. \
         Det som kopplas vidare går till förvaltningen.</p>\n{table}\
         <section class=\"underskrifter\" aria-label=\"Underskrifter\">\n\
         <div class=\"underskrift\"><p>För {name}</p><p class=\"linje\">Förvaltningschef</p><p class=\"linje\">Namnförtydligande</p><p class=\"linje\">Datum</p></div>\n\
         <div class=\"underskrift\"><p>För kundtjänst ({kt})</p><p class=\"linje\">Kundtjänst</p><p class=\"linje\">Namnförtydligande</p><p class=\"linje\">Datum</p></div>\n\
         </section>\n</article>\n",
        id = escape(&forvaltning.id),
        name = escape(&forvaltning.name),
        kommun = escape(&policy.kommun),
        kod = escape(&policy.kommunkod),
        kt = escape(&policy.name),
        date = crate::clock::today(),
        // As `rosa dry-run` and the workbook name it: the first 16 hex digits.
        ruleset = escape(ruleset.id.get(..16).unwrap_or(&ruleset.id)),
        table = super::agreement::printable(ruleset, &engine, f),
    )
}

/// The workshop's controls around one förvaltning's table; the script fills the figures.
fn forvaltning_main(ruleset: &Ruleset, engine: &Engine, f: usize) -> String {
    let mut systems = String::new();
    for system in ruleset.systems().iter().filter(|s| !s.access) {
        let _ = writeln!(
            systems,
            "<label><input type=\"checkbox\" name=\"system\" value=\"{n}\"> Ge kundtjänst {n}</label>",
            n = escape(&system.name)
        );
    }
    if systems.is_empty() {
        systems.push_str("<p>Kundtjänst har redan alla system som policyn nämner.</p>");
    }
    let policy = ruleset.policy();
    let forvaltning = &ruleset.forvaltningar()[f];
    let levels: String = (1..=policy.scale)
        .map(|n| format!("<option value=\"{n}\">{n}</option>"))
        .collect();
    format!(
        include_str!("../web/assets/studio-panel.html"),
        id = escape(&forvaltning.id),
        name = escape(&forvaltning.name),
        kommun = escape(&policy.kommun),
        goal_percent = crate::numbers::percent(policy.goal_share),
        levels = levels,
        table = super::agreement::render(ruleset, engine, f),
        systems = systems,
        threshold = crate::numbers::sv(policy.frequency_threshold_per_year / 12.0, 0),
        goal = crate::numbers::sv(policy.goal_share * 100.0, 0),
    )
}

fn broken_main(diagnostics: &[crate::DiagnosticRecord], paths: &[String]) -> String {
    let mut out = String::from(
        "<h1>Regelfilerna har fel</h1>\n<p>Överenskommelsen visas när filerna går att läsa. \
         Rätta felen nedan i regelfilerna.</p>\n",
    );
    out.push_str(&problem_list(diagnostics));
    out.push_str(&file_list(paths));
    out
}

/// While a file is broken, a page drawn from the last version that loaded says so and
/// links each problem to its line; empty while the files load.
fn stale_notice(workspace: &super::workspace::Workspace) -> String {
    let problems = workspace.problems();
    if problems.is_empty() {
        return String::new();
    }
    format!(
        "<div class=\"gammal-version\" role=\"alert\"><p><strong>Regelfilerna har fel just nu.</strong> \
         Siffrorna och tabellerna visar den senaste versionen som gick att läsa; \
         nivåer sparas först när felet är rättat.</p>\n{}</div>\n",
        problem_list(&problems)
    )
}

/// Problems, errors first, each labelled and linked to its file opened at its line.
fn problem_list(diagnostics: &[crate::DiagnosticRecord]) -> String {
    let mut out = String::from("<ul class=\"diagnoser\">\n");
    for d in diagnostics {
        let (class, word) = if d.severity == crate::Severity::Error {
            ("fel-rad", "Fel")
        } else {
            ("varning-rad", "Varning")
        };
        let _ = writeln!(
            out,
            "<li><span class=\"{class}\">{word}:</span> <a href=\"/filer/{file}#rad-{line}\">{file}, rad {line}</a>: {message}</li>",
            file = escape(&d.file),
            line = d.line.unwrap_or(1),
            message = escape(&d.message)
        );
    }
    out.push_str("</ul>\n");
    out
}

fn file_list(paths: &[String]) -> String {
    let mut out = String::from("<h2>Regelfiler</h2>\n<ul class=\"filer\">\n");
    for path in paths {
        let _ = writeln!(
            out,
            "<li><a href=\"/filer/{p}\">{p}</a></li>",
            p = escape(path)
        );
    }
    out.push_str("</ul>\n");
    out
}

/// One rule file as text, checked as one types.
pub(super) async fn file(State(studio): App, Path(path): Path<String>) -> Response {
    let workspace = studio.fresh_workspace();
    let Some((text, version)) = workspace.file(&path) else {
        let main = format!(
            "<h1>Filen finns inte</h1>\n<p>Regelfilen <strong>{}</strong> finns inte i katalogen.</p>\n{}",
            escape(&path),
            file_list(&workspace.paths())
        );
        let body = page_html(&studio, "Filen finns inte", main);
        return (StatusCode::NOT_FOUND, Html(body)).into_response();
    };
    let main = format!(
        include_str!("../web/assets/studio-file.html"),
        path = escape(&path),
        version = escape(&version),
        text = escape(text),
        files = file_list(&workspace.paths()),
    );
    page(&studio, &format!("{path} – rosa studio"), main)
}

/// The form for a new ärendetyp or delmoment.
pub(super) async fn new_unit(State(studio): App) -> Response {
    let workspace = studio.fresh_workspace();
    let Ok(ruleset) = workspace.ruleset() else {
        drop(workspace);
        return Html(broken_page(&studio)).into_response();
    };
    let options = |items: Vec<(String, String)>| {
        items
            .iter()
            .map(|(value, text)| {
                format!(
                    "<option value=\"{}\">{}</option>",
                    escape(value),
                    escape(text)
                )
            })
            .collect::<String>()
    };
    let forvaltningar = options(
        ruleset
            .forvaltningar()
            .iter()
            .map(|f| (f.id.clone(), f.name.clone()))
            .collect(),
    );
    let types = options(
        ruleset
            .arendetyper()
            .iter()
            .map(|t| (t.id.clone(), format!("{} ({})", t.name, t.id)))
            .collect(),
    );
    let levels = options(
        (1..=ruleset.policy().scale)
            .map(|n| (n.to_string(), n.to_string()))
            .collect(),
    );
    let systems: String = ruleset
        .systems()
        .iter()
        .map(|s| {
            format!(
                "<label><input type=\"checkbox\" name=\"system\" value=\"{n}\"> {n}</label>",
                n = escape(&s.name)
            )
        })
        .collect();
    let main = format!(
        include_str!("../web/assets/studio-new.html"),
        forvaltningar = forvaltningar,
        types = types,
        levels = levels,
        systems = systems,
    );
    let title = kommun_title("Ny ärendetyp eller delmoment", Some(ruleset));
    drop(workspace);
    page(&studio, &title, main)
}

/// The agreement as an Excel workbook: the dry-run's sheets from declared volumes,
/// names before ids, for the förvaltning that signs it.
pub(super) async fn workbook(State(studio): App) -> Response {
    let usable = studio.fresh_workspace().usable().cloned();
    let Some(ruleset) = usable else {
        return Html(broken_page(&studio)).into_response();
    };
    let built = tokio::task::spawn_blocking(move || {
        let report =
            crate::dryrun::run(&ruleset, &crate::dryrun::Options::default()).map_err(|e| e.0)?;
        let bytes = crate::dryrun::xlsx(&report.into()).map_err(|e| e.to_string())?;
        Ok::<_, String>((ruleset.policy().kommunkod.clone(), bytes))
    })
    .await;
    match built {
        Ok(Ok((kommunkod, bytes))) => {
            let disposition = format!("attachment; filename=\"overenskommelse-{kommunkod}.xlsx\"");
            let headers = [
                (header::CONTENT_TYPE, XLSX.to_string()),
                (header::CONTENT_DISPOSITION, disposition),
            ];
            (headers, bytes).into_response()
        }
        Ok(Err(error)) => (StatusCode::INTERNAL_SERVER_ERROR, error).into_response(),
        Err(error) => (StatusCode::INTERNAL_SERVER_ERROR, error.to_string()).into_response(),
    }
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Any other path.
pub(super) async fn not_found(State(studio): App) -> Response {
    not_found_page(&studio)
}

fn not_found_page(studio: &Studio) -> Response {
    let main =
        "<h1>Sidan finns inte</h1>\n<p><a href=\"/\">Till överenskommelsen</a></p>".to_string();
    let body = page_html(studio, "Sidan finns inte – rosa studio", main);
    (StatusCode::NOT_FOUND, Html(body)).into_response()
}

/// The ruleset's tests with their results.
pub(super) async fn tests(State(studio): App) -> Response {
    let workspace = studio.fresh_workspace();
    let Some(ruleset) = workspace.usable() else {
        let main = broken_main(&workspace.problems(), &workspace.paths());
        return page(&studio, "Tester", main);
    };
    let results = run_tests(&Engine::new(ruleset));
    let failed = results.iter().filter(|r| !r.passed).count();
    let mut out = stale_notice(&workspace);
    let _ = write!(
        out,
        "<h1>Tester</h1>\n<p class=\"ingress\">{} gick igenom, {} misslyckades.</p>\n\
         <div class=\"tabell\"><table>\n<thead><tr><th scope=\"col\">Test</th><th scope=\"col\">Resultat</th>\
         <th scope=\"col\">Var</th><th scope=\"col\">Förklaring</th></tr></thead>\n<tbody>\n",
        crate::numbers::count(results.len() - failed, "test", "tester"),
        failed
    );
    for r in &results {
        let (class, word) = if r.passed {
            ("kundtjanst", "gick igenom")
        } else {
            ("forwarded", "misslyckades")
        };
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{}</th><td><span class=\"utfall {class}\">{word}</span></td><td>{}</td><td>{}</td></tr>",
            escape(&r.name),
            escape(&r.location),
            r.explanation
                .iter()
                .map(|l| escape(l))
                .collect::<Vec<_>>()
                .join("<br>")
        );
    }
    out.push_str("</tbody></table></div>\n");
    page(&studio, &kommun_title("Tester", Some(ruleset)), out)
}

/// The `sökord` proposals from the desk's search log, each with a button that adds it.
pub(super) async fn search_proposals(State(studio): App) -> Response {
    let usable = studio.fresh_workspace().usable().cloned();
    let Some(ruleset) = usable else {
        return Html(broken_page(&studio)).into_response();
    };
    let title = kommun_title("Sökförslag", Some(&ruleset));
    let Some(log) = studio.search_log.clone() else {
        return page(&studio, &title, no_search_log_main());
    };
    let made = tokio::task::spawn_blocking(move || {
        let read = crate::search_log::read_log(&log)?;
        let engine = Engine::new(&ruleset);
        let min = crate::search_log::DEFAULT_MIN_COUNT;
        let proposals = crate::search_log::propose(&engine, &read.entries, min);
        Ok::<_, String>(proposals_main(&proposals, &read, min))
    })
    .await;
    let main = match made {
        Ok(Ok(main)) => main,
        Ok(Err(error)) => format!(
            "<h1>Sökförslag</h1>\n<p class=\"fel\">{}</p>\n",
            escape(&error)
        ),
        Err(error) => format!(
            "<h1>Sökförslag</h1>\n<p class=\"fel\">Förslagen gick inte att räkna: {}</p>\n",
            escape(&error.to_string())
        ),
    };
    page(&studio, &title, main)
}

fn no_search_log_main() -> String {
    "<h1>Sökförslag</h1>\n<p class=\"ingress\">Studion har ingen söklogg. Slå på loggen i \
     handboken med <code>rosa serve KATALOG --search-log sokning.tsv</code> och öppna studion \
     med samma logg: <code>rosa studio KATALOG --search-log sokning.tsv</code>.</p>\n"
        .to_string()
}

fn proposals_main(
    proposals: &[crate::search_log::Proposal],
    read: &crate::search_log::ReadLog,
    min: usize,
) -> String {
    use crate::numbers::count;
    let mut out = format!(
        "<h1>Sökförslag från handboken</h1>\n<p class=\"ingress\">Ord som handläggarna har \
         sökt med innan de valde en ärendetyp, men som sökningen i dag inte ger den först på. \
         Bara ord som använts minst {} för samma ärendetyp visas. Loggen har {}{}.</p>\n",
        count(min, "gång", "gånger"),
        count(read.entries.len(), "val", "val"),
        if read.bad_count > 0 {
            format!(
                " och {} som inte gick att läsa",
                count(read.bad_count, "rad", "rader")
            )
        } else {
            String::new()
        },
    );
    if proposals.is_empty() {
        out.push_str("<p>Inga förslag just nu.</p>\n");
        return out;
    }
    out.push_str(
        "<div class=\"tabell\"><table>\n<caption>Föreslagna sökord</caption>\n<thead><tr>\
         <th scope=\"col\">Sökord</th><th scope=\"col\">Ärendetyp</th>\
         <th scope=\"col\">Använt</th><th scope=\"col\">Sökningen ger i dag</th>\
         <th scope=\"col\">Lägg till</th></tr></thead>\n<tbody>\n",
    );
    for p in proposals {
        let today = p.found_today.as_deref().unwrap_or("ingen träff");
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{word}</th><td>{name}</td><td>{used}</td><td>{today}</td>\
             <td><button type=\"button\" class=\"lagg-till-sokord\" data-case-type=\"{case_type}\" \
             data-part=\"{part}\" data-word=\"{word}\" aria-label=\"Lägg till som sökord: {word}, för {name}\">\
             Lägg till som sökord</button></td></tr>",
            word = escape(&p.word),
            name = escape(&p.name),
            used = count(p.count, "gång", "gånger"),
            today = escape(today),
            case_type = escape(&p.case_type),
            part = escape(p.part.as_deref().unwrap_or("")),
        );
    }
    out.push_str(
        "</tbody></table></div>\n<p id=\"sokord-status\" role=\"status\"></p>\n\
         <div id=\"sokord-utfall\" hidden></div>\n",
    );
    out
}

fn kommun_title(what: &str, ruleset: Option<&Ruleset>) -> String {
    match ruleset {
        Some(r) => format!("{what} – {} – rosa studio", r.policy().kommun),
        None => format!("{what} – rosa studio"),
    }
}

fn page(studio: &Studio, title: &str, main: String) -> Response {
    Html(page_html(studio, title, main)).into_response()
}

fn page_html(studio: &Studio, title: &str, main: String) -> String {
    Page {
        title,
        scripts: &["studio.js"],
        main_attributes: format!(" class=\"bred\" data-token=\"{}\"", escape(&studio.token)),
        header: HEADER.into(),
        main,
    }
    .render()
}
