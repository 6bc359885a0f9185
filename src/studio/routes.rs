//! The studio's pages and its small JSON API. Every write needs the session token the
//! pages carry (CSRF) and a request addressed to this machine (DNS rebinding).

use super::pages;
use super::whatif::{self, Figures, LevelChange, Trial};
use super::workspace::{SaveError, Workspace};
use crate::diagnostics::DiagnosticRecord;
use crate::web;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::Path as FsPath;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

/// The studio's state: the workspace, the saved ruleset's figures, the session token.
pub struct Studio {
    workspace: Mutex<Workspace>,
    baseline: Mutex<Option<(String, Figures)>>,
    pub token: String,
    addr: SocketAddr,
}

type App = State<Arc<Studio>>;

impl Studio {
    pub fn open(dir: &FsPath, addr: SocketAddr) -> Arc<Studio> {
        Arc::new(Studio {
            workspace: Mutex::new(Workspace::open(dir)),
            baseline: Mutex::new(None),
            token: session_token(),
            addr,
        })
    }

    pub fn workspace(&self) -> MutexGuard<'_, Workspace> {
        self.workspace.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The workspace as the files on disk are now.
    pub fn fresh_workspace(&self) -> MutexGuard<'_, Workspace> {
        let mut workspace = self.workspace();
        workspace.refresh();
        workspace
    }

    /// The saved ruleset's figures, computed once per version of the files.
    fn baseline(&self, ruleset: &crate::Ruleset) -> Result<Figures, String> {
        let mut cached = self.baseline.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((id, figures)) = cached.as_ref()
            && *id == ruleset.id
        {
            return Ok(figures.clone());
        }
        let figures = whatif::figures(ruleset)?;
        *cached = Some((ruleset.id.clone(), figures.clone()));
        Ok(figures)
    }
}

pub fn router(studio: Arc<Studio>) -> Router {
    let api = Router::new()
        .route("/api/what-if", post(what_if))
        .route("/api/levels", post(save_levels))
        .route("/api/check", post(check))
        .route("/api/save", post(save))
        .layer(middleware::from_fn_with_state(studio.clone(), guard_writes));
    Router::new()
        .route("/", get(pages::agreement))
        .route("/filer/{*path}", get(pages::file))
        .route("/tester", get(pages::tests))
        .route("/assets/{name}", get(asset))
        .merge(api)
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

async fn what_if(State(studio): App, Json(trial): Json<Trial>) -> Response {
    let ruleset = match studio.workspace().ruleset() {
        Ok(ruleset) => ruleset.clone(),
        Err(_) => {
            return refuse(
                StatusCode::CONFLICT,
                "regelfilerna har fel: rätta dem först",
            );
        }
    };
    let started = Instant::now();
    let worker = studio.clone();
    let result = tokio::task::spawn_blocking(move || {
        let baseline = worker.baseline(&ruleset)?;
        whatif::try_out(&ruleset, baseline, &trial)
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

#[derive(Serialize)]
struct Saved {
    files: Vec<String>,
}

/// Write level changes into the rule files, one at a time, each checked and formatted.
async fn save_levels(State(studio): App, Json(levels): Json<Levels>) -> Response {
    let mut workspace = studio.workspace();
    let mut files = Vec::new();
    for change in &levels.changes {
        let Ok(ruleset) = workspace.ruleset().cloned() else {
            return refuse(
                StatusCode::CONFLICT,
                "regelfilerna har fel: rätta dem först",
            );
        };
        let part = change.part.as_deref().filter(|p| !p.is_empty());
        let (path, text) =
            match super::edit::set_level(&ruleset, &change.case_type, part, change.level) {
                Ok(edit) => edit,
                Err(error) => return refuse(StatusCode::UNPROCESSABLE_ENTITY, &error),
            };
        let version = workspace.file(&path).map(|(_, v)| v).unwrap_or_default();
        if let Err(error) = workspace.save(&path, &text, &version) {
            return save_refused(error);
        }
        if !files.contains(&path) {
            files.push(path);
        }
    }
    Json(Saved { files }).into_response()
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

#[derive(Serialize)]
struct Version {
    version: String,
    text: String,
}

async fn save(State(studio): App, Json(edit): Json<Edit>) -> Response {
    let mut workspace = studio.workspace();
    match workspace.save(&edit.path, &edit.text, &edit.version) {
        Ok(()) => {
            let (text, version) = workspace.file(&edit.path).unwrap_or_default();
            let text = text.to_string();
            Json(Version { version, text }).into_response()
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
            "regelfilerna får fel med ändringen (se Kontroll)",
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

/// 128 random bits from the operating system, as hex.
fn session_token() -> String {
    let mut bytes = [0u8; 16];
    let read = std::fs::File::open("/dev/urandom")
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut bytes));
    if read.is_err() {
        // Not Unix: the standard library's per-process random hash keys.
        use std::hash::{BuildHasher, RandomState};
        for (i, chunk) in bytes.chunks_mut(8).enumerate() {
            let n = RandomState::new().hash_one(i);
            chunk.copy_from_slice(&n.to_le_bytes()[..chunk.len()]);
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn html(body: String) -> Response {
    let content_type = HeaderValue::from_static("text/html; charset=utf-8");
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}
