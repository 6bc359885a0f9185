//! The kommunvägledare's desk: a Swedish web page where staff type the citizen's
//! words, pick the ärendetyp and see at once who handles it, the förvaltning's manus
//! and where to forward. The page is a shell; its script uses the same HTTP API as
//! case systems (search, case type, decision).

use super::routes::AppState;
use crate::web::{self, Page, escape};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::fmt::Write;
use std::sync::Arc;

/// `/` lists the kommuner; `/{kommunkod}/` is the desk; `/assets/…` its files.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/", get(index))
        .route("/{kommunkod}/", get(desk))
        .route("/assets/{name}", get(asset))
}

async fn index(State(app): State<Arc<AppState>>) -> Response {
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
    html(StatusCode::OK, page.render())
}

async fn desk(State(app): State<Arc<AppState>>, Path(code): Path<String>) -> Response {
    let Some(tenant) = app.tenants.get(code.as_str()) else {
        return not_found(&code);
    };
    let loaded = tenant.current();
    let kommun = escape(&loaded.engine.ruleset().policy.kommun);
    let code = escape(&tenant.kommunkod);
    let title = format!(
        "Vem hanterar ärendet? – {}",
        loaded.engine.ruleset().policy.kommun
    );
    let page = Page {
        title: &title,
        scripts: &["desk.js"],
        main_attributes: format!(" data-kommunkod=\"{code}\""),
        header: format!(
            "<p class=\"produkt\"><a href=\"/\">Kundtjänstens handbok</a></p>\
             <p class=\"kommun\">{kommun}</p>"
        ),
        main: DESK_MAIN.to_string(),
    };
    html(StatusCode::OK, page.render())
}

async fn asset(Path(name): Path<String>) -> Response {
    match web::asset(&name) {
        Some(asset) => asset.into_response(),
        None => super::problem::Problem::not_found().into_response(),
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
    html(StatusCode::NOT_FOUND, page.render())
}

fn html(status: StatusCode, body: String) -> Response {
    let content_type = HeaderValue::from_static("text/html; charset=utf-8");
    (status, [(header::CONTENT_TYPE, content_type)], body).into_response()
}

/// The desk's content before the script fills it in.
const DESK_MAIN: &str = include_str!("../web/assets/desk.html");
