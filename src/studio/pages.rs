//! The studio's pages, rendered on the server from the files as saved; the script
//! (studio.js) adds the live what-if and the editing.

use super::state::Studio;
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
    <li><a href=\"/\">Överenskommelsen</a></li>\
    <li><a href=\"/forhandsvisning/\">Handboken (förhandsvisning)</a></li>\
    <li><a href=\"/ny\">Ny ärendetyp</a></li>\
    <li><a href=\"/tester\">Tester</a></li></ul></nav>";

/// The page for a directory whose files do not load.
pub(super) fn broken_page(studio: &Studio) -> String {
    let workspace = studio.workspace();
    let records = workspace
        .ruleset()
        .err()
        .map(|d| d.records())
        .unwrap_or_default();
    page_html(
        studio,
        "Regelfilerna har fel – rosa studio",
        broken_main(&records, &workspace.paths()),
    )
}

/// The agreement, with the what-if panel.
pub(super) async fn agreement(State(studio): App) -> Response {
    let workspace = studio.fresh_workspace();
    let main = match workspace.ruleset() {
        Ok(ruleset) => agreement_main(ruleset),
        Err(diagnostics) => broken_main(&diagnostics.records(), &workspace.paths()),
    };
    let title = kommun_title("Överenskommelsen", workspace.ruleset().ok().map(|r| &**r));
    page(&studio, &title, main)
}

fn agreement_main(ruleset: &Ruleset) -> String {
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
    out.push_str("<nav aria-label=\"Förvaltningar\" class=\"innehall\"><ul>\n");
    for f in ruleset.forvaltningar() {
        let _ = writeln!(
            out,
            "<li><a href=\"#f-{}\">{}</a></li>",
            escape(&f.id),
            escape(&f.name)
        );
    }
    out.push_str("</ul></nav>\n");
    out.push_str(
        "<p class=\"export\"><a href=\"/overenskommelse.xlsx\">Ladda ner som Excel</a> · \
         Skriv ut med webbläsarens utskrift (A4 liggande).</p>\n",
    );
    out.push_str(&what_if_panel(ruleset));
    out.push_str(&super::agreement::render(ruleset));
    out
}

/// The workshop's controls; the figures are filled in by the script.
fn what_if_panel(ruleset: &Ruleset) -> String {
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
    format!(
        include_str!("../web/assets/studio-panel.html"),
        systems = systems,
        threshold = crate::numbers::sv(policy.frequency_threshold_per_year / 12.0, 0),
        goal = crate::numbers::sv(policy.goal_share * 100.0, 0),
    )
}

fn broken_main(diagnostics: &[crate::DiagnosticRecord], paths: &[String]) -> String {
    let mut out = String::from(
        "<h1>Regelfilerna har fel</h1>\n<p>Överenskommelsen visas när filerna går att läsa. \
         Rätta felen nedan i regelfilerna.</p>\n<ul class=\"diagnoser\">\n",
    );
    for d in diagnostics {
        let _ = writeln!(
            out,
            "<li><a href=\"/filer/{file}#rad-{line}\">{file}:{line}</a> {code}: {message}</li>",
            file = escape(&d.file),
            line = d.line.unwrap_or(1),
            code = d.code,
            message = escape(&d.message)
        );
    }
    out.push_str("</ul>\n");
    out.push_str(&file_list(paths));
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
    let ruleset = match studio.fresh_workspace().ruleset() {
        Ok(ruleset) => ruleset.clone(),
        Err(_) => return Html(broken_page(&studio)).into_response(),
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
    let main =
        "<h1>Sidan finns inte</h1>\n<p><a href=\"/\">Till överenskommelsen</a></p>".to_string();
    let body = page_html(&studio, "Sidan finns inte – rosa studio", main);
    (StatusCode::NOT_FOUND, Html(body)).into_response()
}

/// The ruleset's tests with their results.
pub(super) async fn tests(State(studio): App) -> Response {
    let workspace = studio.fresh_workspace();
    let Ok(ruleset) = workspace.ruleset() else {
        return page(&studio, "Tester", broken_main(&[], &workspace.paths()));
    };
    let results = run_tests(&Engine::new(ruleset));
    let failed = results.iter().filter(|r| !r.passed).count();
    let mut out = format!(
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
