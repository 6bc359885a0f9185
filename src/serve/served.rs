//! The desk as `rosa serve` gives it, one per kommun: the engine a request's
//! `{kommunkod}` names, the desk page for people, the list of kommuner at `/` and the
//! pages' assets. The API itself is [`super::desk`], shared with the studio.

use super::answer::AnswerParts;
use super::desk::{self, DeskPage, EngineSource, SearchChoice};
use super::problem::Problem;
use super::state::{AppState, RequestId};
use super::tenant::{Loaded, Tenant};
use crate::Inquiry;
use crate::engine::{Decision, Engine};
use crate::web::{self, Page, escape};
use axum::Router;
use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use std::borrow::Cow;
use std::fmt::Write;
use std::ops::Deref;
use std::sync::Arc;

/// `/` lists the kommuner; `/{kommunkod}/` is the desk; `/assets/…` its files.
pub(super) fn pages() -> Router<Arc<AppState>> {
    Router::new()
        .route("/", get(index))
        .merge(desk::page::<AppState>("/{kommunkod}/"))
        .route("/assets/{name}", get(asset))
}

/// The kommun a request names, with its engine as it is now.
pub(super) struct Served {
    pub tenant: Arc<Tenant>,
    pub loaded: Arc<Loaded>,
    pub request_id: Option<RequestId>,
}

impl Deref for Served {
    type Target = Engine;

    fn deref(&self) -> &Engine {
        &self.loaded.engine
    }
}

/// No kommun is served under the path's kommunkod.
pub(super) enum Unserved {
    /// The path cannot be read (not UTF-8).
    Path(PathRejection),
    Unknown(String),
}

impl IntoResponse for Unserved {
    fn into_response(self) -> Response {
        Problem::unknown_municipality().into_response()
    }
}

/// The `{kommunkod}` of the path (which may hold more).
#[derive(Deserialize)]
struct KommunPath {
    kommunkod: String,
}

impl FromRequestParts<Arc<AppState>> for Served {
    type Rejection = Unserved;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &Arc<AppState>,
    ) -> Result<Served, Unserved> {
        let Path(KommunPath { kommunkod }) = Path::from_request_parts(parts, app)
            .await
            .map_err(Unserved::Path)?;
        let Some(tenant) = app.tenants.get(kommunkod.as_str()) else {
            return Err(Unserved::Unknown(kommunkod));
        };
        Ok(Served {
            tenant: tenant.clone(),
            loaded: tenant.current(),
            request_id: parts.extensions.get::<RequestId>().cloned(),
        })
    }
}

impl EngineSource for AppState {
    type Engine = Served;

    fn body_limit(&self) -> usize {
        self.limits.body_bytes
    }

    fn decided(&self, served: &Served, inquiry: &Inquiry, decision: &Decision) {
        let id = served.request_id.as_ref();
        self.log_decision(&served.tenant, &served.loaded, inquiry, decision, id);
    }

    fn answer_parts<'e>(&self, served: &'e Served) -> Cow<'e, AnswerParts> {
        Cow::Borrowed(&served.loaded.answer)
    }

    fn search_chosen(&self, served: &Served, choice: &SearchChoice) {
        self.log_search_choice(&served.tenant, &served.loaded, choice);
    }

    fn page(&self, served: Result<Served, Unserved>) -> Response {
        match served {
            Ok(served) => desk_page(&served, self.search_log.is_some()).into_response(),
            Err(Unserved::Unknown(code)) => not_found(&code),
            Err(Unserved::Path(rejection)) => rejection.into_response(),
        }
    }
}

fn desk_page(served: &Served, search_log: bool) -> Html<String> {
    let kommun = &served.ruleset().policy.kommun;
    DeskPage {
        title: &format!("Vem hanterar ärendet? – {kommun}"),
        header: format!(
            "<p class=\"produkt\"><a href=\"/\">Kundtjänstens handbok</a></p>\
             <p class=\"kommun\">{}</p>",
            escape(kommun)
        ),
        kommunkod: &served.tenant.kommunkod,
        api: None,
        note: None,
        fallback: &served.ruleset().policy.fallback,
        search_log,
    }
    .render()
}

async fn index(State(app): State<Arc<AppState>>) -> Html<String> {
    let mut list = String::from("<ul class=\"kommuner\">\n");
    for tenant in app.tenants.values() {
        let loaded = tenant.current();
        let kommun = &loaded.engine.ruleset().policy.kommun;
        let code = escape(&tenant.kommunkod);
        let _ = writeln!(
            list,
            "<li><a href=\"/{code}/\">{}</a> <span class=\"kod\">kommunkod {code}</span></li>",
            escape(kommun)
        );
    }
    list.push_str("</ul>");
    let page = Page {
        title: "Kundtjänstens handbok",
        scripts: &[],
        main_attributes: String::new(),
        header: "<p class=\"produkt\">rosa</p>".into(),
        main: format!("<h1>Kundtjänstens handbok</h1>\n<p>Välj kommun.</p>\n{list}"),
    };
    Html(page.render())
}

async fn asset(Path(name): Path<String>) -> Response {
    match web::asset(&name) {
        Some(asset) => asset.into_response(),
        None => Problem::not_found().into_response(),
    }
}

fn not_found(code: &str) -> Response {
    let page = Page {
        title: "Kommunen finns inte",
        scripts: &[],
        main_attributes: String::new(),
        header: "<p class=\"produkt\"><a href=\"/\">Kundtjänstens handbok</a></p>".into(),
        main: format!(
            "<h1>Kommunen finns inte</h1>\n<p>Servern har inga regler för kommunkod \
             <strong>{}</strong>. <a href=\"/\">Se vilka kommuner som finns.</a></p>",
            escape(code)
        ),
    };
    (StatusCode::NOT_FOUND, Html(page.render())).into_response()
}
