//! The studio's pages and its small JSON API. Every write needs the session token the
//! pages carry (CSRF) and a request addressed to this machine (DNS rebinding).

use super::state::{self, Studio};
use super::whatif::{self, LevelChange, Trial};
use super::workspace::{SaveError, Workspace};
use super::{pages, preview};
use crate::diagnostics::DiagnosticRecord;
use crate::engine::{Engine, run_tests};
use crate::serve::desk;
use crate::web;
use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Instant;

type App = State<Arc<Studio>>;

pub(super) fn router(studio: Arc<Studio>) -> Router {
    let api = Router::new()
        .route("/api/what-if", post(what_if))
        .route("/api/levels", post(save_levels))
        .route("/api/pin", post(pin))
        .route("/api/add", post(add))
        .route("/api/search-word", post(add_search_word))
        .route("/api/check", post(check))
        .route("/api/save", post(save))
        .route_layer(middleware::from_fn_with_state(studio.clone(), guard_writes));
    // The desk API as `rosa serve` answers it, on the ruleset the room is trying.
    let preview = desk::api::<Studio>(preview::BASE)
        .merge(desk::api::<Studio>(&preview::tab_base("{flik}")))
        .merge(desk::page::<Studio>(preview::BASE))
        .merge(desk::page::<Studio>(&format!("{}/", preview::BASE)))
        .layer(DefaultBodyLimit::max(
            <Studio as desk::EngineSource>::body_limit(&studio),
        ));
    Router::new()
        .merge(preview)
        .route("/", get(pages::agreement))
        .route("/forvaltning/{id}", get(pages::forvaltning))
        .route("/forvaltning/{id}/utskrift", get(pages::print))
        .route("/filer/{*path}", get(pages::file))
        .route("/tester", get(pages::tests))
        .route("/sokforslag", get(pages::search_proposals))
        .route("/ny", get(pages::new_unit))
        .route("/overenskommelse.xlsx", get(pages::workbook))
        .route("/assets/{name}", get(asset))
        .merge(api)
        .fallback(pages::not_found)
        .layer(middleware::from_fn(web::security_headers))
        .layer(middleware::from_fn_with_state(studio.clone(), guard_host))
        .with_state(studio)
}

async fn asset(Path(name): Path<String>) -> Response {
    match web::asset(&name) {
        Some(asset) => asset.into_response(),
        None => refuse(StatusCode::NOT_FOUND, "filen finns inte"),
    }
}

/// A request must name this machine: a page on another site that resolves its own
/// name to 127.0.0.1 (DNS rebinding) is refused.
async fn guard_host(State(studio): App, request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let port = studio.addr.port();
    let allowed = [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
        studio.addr.to_string(),
    ];
    if !allowed.iter().any(|a| a == host) {
        return refuse(
            StatusCode::FORBIDDEN,
            "studion svarar bara på sin egen adress",
        );
    }
    next.run(request).await
}

/// Writes need the page's session token and may not come from another origin.
async fn guard_writes(State(studio): App, request: Request, next: Next) -> Response {
    let headers = request.headers();
    if !same_origin(headers) {
        return refuse(StatusCode::FORBIDDEN, "begäran kom från en annan webbplats");
    }
    let token = headers.get("x-rosa-token").and_then(|t| t.to_str().ok());
    if token != Some(studio.token.as_str()) {
        return refuse(
            StatusCode::FORBIDDEN,
            "sidan saknar studions nyckel: ladda om sidan",
        );
    }
    next.run(request).await
}

fn same_origin(headers: &HeaderMap) -> bool {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    match headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) {
        None => true,
        Some(origin) => host.is_some_and(|h| origin == format!("http://{h}")),
    }
}

#[derive(Serialize)]
struct Problem<'a> {
    error: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    diagnostics: Vec<DiagnosticRecord>,
}

fn refuse(status: StatusCode, error: &str) -> Response {
    problem(status, error, Vec::new())
}

fn problem(status: StatusCode, error: &str, diagnostics: Vec<DiagnosticRecord>) -> Response {
    (status, Json(Problem { error, diagnostics })).into_response()
}

#[derive(Serialize)]
struct Timed<T: Serialize> {
    #[serde(flatten)]
    value: T,
    /// Time to compute it on the server.
    millis: f64,
}

async fn what_if(State(studio): App, headers: HeaderMap, Json(trial): Json<Trial>) -> Response {
    let tab = headers.get("x-rosa-flik").and_then(|v| v.to_str().ok());
    let tab = state::tab_id(tab).to_string();
    // While a file is broken, the figures are the last version's that loaded.
    let usable = studio.workspace().usable().cloned();
    let Some(ruleset) = usable else {
        return refuse(
            StatusCode::CONFLICT,
            "regelfilerna har fel: rätta dem först",
        );
    };
    let started = Instant::now();
    let worker = studio.clone();
    let result = tokio::task::spawn_blocking(move || {
        let baseline = worker.baseline(&ruleset)?;
        let (what_if, tried) = whatif::try_out(&ruleset, baseline, &trial)?;
        worker.remember_trial(&tab, &ruleset.id, tried);
        Ok::<_, String>(what_if)
    })
    .await;
    match result {
        Ok(Ok(value)) => {
            let millis = started.elapsed().as_secs_f64() * 1000.0;
            Json(Timed { value, millis }).into_response()
        }
        Ok(Err(error)) => refuse(StatusCode::UNPROCESSABLE_ENTITY, &error),
        Err(e) => refuse(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Levels {
    changes: Vec<LevelChange>,
}

/// What a save did: the files written, the ruleset's tests as they now fail, and
/// for each file its text before, to write back (undo) through the same guarded save.
#[derive(Serialize)]
struct Saved {
    files: Vec<String>,
    tests: TestsAfter,
    undo: Vec<Undo>,
}

#[derive(Serialize)]
struct TestsAfter {
    run: usize,
    failed: Vec<FailedTest>,
}

#[derive(Serialize)]
struct FailedTest {
    name: String,
    location: String,
    explanation: Vec<String>,
}

#[derive(Serialize)]
struct Undo {
    path: String,
    /// The file's text before the save.
    text: String,
    /// The file's version after the save, which the undo must carry.
    version: String,
}

/// The answer to a save of `before` (each file's path and text before it): the
/// tests run on the ruleset as now saved, and how to undo.
fn saved(workspace: &Workspace, before: Vec<(String, String)>) -> Saved {
    let tests = match workspace.ruleset() {
        Ok(ruleset) => {
            let results = run_tests(&Engine::new(ruleset));
            TestsAfter {
                run: results.len(),
                failed: results
                    .into_iter()
                    .filter(|r| !r.passed)
                    .map(|r| FailedTest {
                        name: r.name,
                        location: r.location,
                        explanation: r.explanation,
                    })
                    .collect(),
            }
        }
        Err(_) => TestsAfter {
            run: 0,
            failed: Vec::new(),
        },
    };
    let undo: Vec<Undo> = before
        .into_iter()
        .map(|(path, text)| {
            let version = workspace.file(&path).map(|(_, v)| v).unwrap_or_default();
            Undo {
                path,
                text,
                version,
            }
        })
        .collect();
    Saved {
        files: undo_paths(&undo),
        tests,
        undo,
    }
}

fn undo_paths(undo: &[Undo]) -> Vec<String> {
    undo.iter().map(|u| u.path.clone()).collect()
}

/// Make one edit of the saved files: computed on the saved ruleset, then saved
/// through check and fmt. Gives the file written and its text before, or the
/// refusal to send.
fn edit_and_save(
    workspace: &mut Workspace,
    edit: impl FnOnce(&crate::Ruleset) -> Result<(String, String), String>,
) -> Result<(String, String), Box<Response>> {
    let Ok(ruleset) = workspace.ruleset().cloned() else {
        let refusal = refuse(
            StatusCode::CONFLICT,
            "regelfilerna har fel: rätta dem först",
        );
        return Err(Box::new(refusal));
    };
    let (path, text) = edit(&ruleset)
        .map_err(|error| Box::new(refuse(StatusCode::UNPROCESSABLE_ENTITY, &error)))?;
    let (before, version) = workspace
        .file(&path)
        .map(|(text, v)| (text.to_string(), v))
        .unwrap_or_default();
    workspace
        .save(&path, &text, &version)
        .map_err(|e| Box::new(save_refused(e)))?;
    Ok((path, before))
}

/// Write level changes into the rule files, one at a time, each checked and formatted.
/// Each change carries the version of its file as the page showed it: if any file has
/// changed since (another tab saved), nothing is written.
async fn save_levels(State(studio): App, Json(levels): Json<Levels>) -> Response {
    let mut workspace = studio.workspace();
    workspace.refresh();
    if let Err(refusal) = levels_current(&workspace, &levels.changes) {
        return *refusal;
    }
    let mut before: Vec<(String, String)> = Vec::new();
    for change in &levels.changes {
        let part = change.part.as_deref().filter(|p| !p.is_empty());
        let saved = edit_and_save(&mut workspace, |ruleset| {
            super::edit::set_level(ruleset, &change.case_type, part, change.level)
        });
        match saved {
            Ok((path, text)) if !before.iter().any(|(p, _)| *p == path) => {
                before.push((path, text));
            }
            Ok(_) => {}
            Err(refusal) => return *refusal,
        }
    }
    Json(saved(&workspace, before)).into_response()
}

/// Whether each change's file is still the version its page showed.
fn levels_current(workspace: &Workspace, changes: &[LevelChange]) -> Result<(), Box<Response>> {
    let Ok(ruleset) = workspace.ruleset() else {
        return Err(Box::new(refuse(
            StatusCode::CONFLICT,
            "regelfilerna har fel: rätta dem först",
        )));
    };
    for change in changes {
        let part = change.part.as_deref().filter(|p| !p.is_empty());
        let path = super::edit::set_level(ruleset, &change.case_type, part, change.level)
            .map(|(path, _)| path)
            .map_err(|error| Box::new(refuse(StatusCode::UNPROCESSABLE_ENTITY, &error)))?;
        let now = workspace.file(&path).map(|(_, v)| v).unwrap_or_default();
        if now != change.version {
            return Err(Box::new(refuse(
                StatusCode::CONFLICT,
                &format!(
                    "{path} har sparats på annat håll (kanske i en annan flik) sedan sidan laddades; \
                     ladda om sidan och välj nivån igen. Inget sparades"
                ),
            )));
        }
    }
    Ok(())
}

/// A new ärendetyp or delmoment from the form, saved through check and fmt.
async fn add(State(studio): App, Json(new): Json<super::edit::NewUnit>) -> Response {
    let mut workspace = studio.workspace();
    match edit_and_save(&mut workspace, |ruleset| {
        super::edit::add_unit(ruleset, &new)
    }) {
        Ok(before) => Json(saved(&workspace, vec![before])).into_response(),
        Err(refusal) => *refusal,
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SearchWord {
    case_type: String,
    part: Option<String>,
    word: String,
}

/// A proposed `sökord` added to its unit, saved through check and fmt like any edit
/// (the tests run, and the answer carries the undo).
async fn add_search_word(State(studio): App, Json(add): Json<SearchWord>) -> Response {
    let mut workspace = studio.workspace();
    workspace.refresh();
    let part = add.part.as_deref().filter(|p| !p.is_empty());
    match edit_and_save(&mut workspace, |ruleset| {
        super::edit::add_search_word(ruleset, &add.case_type, part, &add.word)
    }) {
        Ok(before) => Json(saved(&workspace, vec![before])).into_response(),
        Err(refusal) => *refusal,
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Pin {
    case_type: String,
    part: Option<String>,
    channel: String,
}

#[derive(Serialize)]
struct Pinned {
    file: String,
    test: String,
}

/// "Pin this": today's decision for a unit in a channel, as a test in its file.
async fn pin(State(studio): App, Json(pin): Json<Pin>) -> Response {
    let mut workspace = studio.workspace();
    let part = pin.part.as_deref().filter(|p| !p.is_empty());
    let mut test = String::new();
    let saved = edit_and_save(&mut workspace, |ruleset| {
        let (path, text, name) =
            super::edit::pin_test(ruleset, &pin.case_type, part, &pin.channel)?;
        test = name;
        Ok((path, text))
    });
    match saved {
        Ok((file, _)) => Json(Pinned { file, test }).into_response(),
        Err(refusal) => *refusal,
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Edit {
    path: String,
    text: String,
    #[serde(default)]
    version: String,
}

#[derive(Serialize)]
struct Checked {
    diagnostics: Vec<DiagnosticRecord>,
}

async fn check(State(studio): App, Json(edit): Json<Edit>) -> Response {
    match studio.workspace().check_edit(&edit.path, &edit.text) {
        Ok(diagnostics) => Json(Checked { diagnostics }).into_response(),
        Err(error) => save_refused(error),
    }
}

/// A saved file: its text and version as now on disk, and what the save did.
#[derive(Serialize)]
struct Version {
    version: String,
    text: String,
    #[serde(flatten)]
    saved: Saved,
}

async fn save(State(studio): App, Json(edit): Json<Edit>) -> Response {
    let mut workspace = studio.workspace();
    workspace.refresh();
    let before = workspace
        .file(&edit.path)
        .map(|(text, _)| text.to_string())
        .unwrap_or_default();
    match workspace.save(&edit.path, &edit.text, &edit.version) {
        Ok(()) => {
            let (text, version) = workspace.file(&edit.path).unwrap_or_default();
            let text = text.to_string();
            let saved = saved(&workspace, vec![(edit.path, before)]);
            Json(Version {
                version,
                text,
                saved,
            })
            .into_response()
        }
        Err(error) => save_refused(error),
    }
}

fn save_refused(error: SaveError) -> Response {
    match error {
        SaveError::UnknownFile(path) => refuse(
            StatusCode::NOT_FOUND,
            &format!("regelfilen `{path}` finns inte i katalogen"),
        ),
        SaveError::Invalid(diagnostics) => problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "regelfilerna får fel med ändringen",
            diagnostics,
        ),
        SaveError::Conflict => refuse(
            StatusCode::CONFLICT,
            "filen har ändrats på disken sedan du öppnade den; ladda om sidan och gör om ändringen",
        ),
        SaveError::Io(error) => refuse(
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!("kunde inte skriva filen: {error}"),
        ),
    }
}
