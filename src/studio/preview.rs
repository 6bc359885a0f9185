//! The desk as staff will see it, on the ruleset the room is trying: the saved files
//! with the what-if applied. The same page and script as `rosa serve`'s desk, served
//! with the studio's own API base.

use super::routes::{Studio, html};
use crate::engine::{Engine, Inquiry};
use crate::html::escape;
use crate::serve::case_type::CaseTypeDetail;
use crate::web::{self, Page};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::sync::Arc;

type App = State<Arc<Studio>>;

/// Under this path the preview answers as `/v1/{kommunkod}` does.
pub const BASE: &str = "/forhandsvisning";

pub async fn page(State(studio): App) -> Response {
    let (engine, description) = studio.preview();
    let Some(engine) = engine else {
        return not_ready(&studio);
    };
    let policy = engine.ruleset().policy();
    let trying = if description.is_empty() {
        "Förhandsvisningen visar den sparade versionen.".to_string()
    } else {
        format!(
            "Förhandsvisningen visar det ni provar just nu ({}), inte sparat.",
            escape(description.trim_start_matches("scenario: "))
        )
    };
    let main = format!(
        "<p class=\"forhandsvisning\" role=\"note\">{trying}</p>\n{}",
        web::DESK_MAIN
    );
    html(
        Page {
            title: &format!(
                "Handboken, förhandsvisning – {} – rosa studio",
                policy.kommun
            ),
            scripts: &["desk.js"],
            main_attributes: format!(
                " data-kommunkod=\"{}\" data-api=\"{BASE}\"",
                escape(&policy.kommunkod)
            ),
            header: super::pages::HEADER.into(),
            main,
        }
        .render(),
    )
}

fn not_ready(studio: &Studio) -> Response {
    let body = super::pages::broken_page(studio);
    (StatusCode::CONFLICT, html(body)).into_response()
}

#[derive(Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
    limit: Option<usize>,
}

pub async fn search(State(studio): App, Query(query): Query<SearchQuery>) -> Response {
    let Some(engine) = studio.preview().0 else {
        return unavailable();
    };
    let text = query.q.unwrap_or_default();
    let limit = query.limit.unwrap_or(10).clamp(1, 50);
    Json(engine.search(&text, limit)).into_response()
}

pub async fn case_type(State(studio): App, Path(id): Path<String>) -> Response {
    let Some(engine) = studio.preview().0 else {
        return unavailable();
    };
    match engine.ruleset().arendetyp(&id) {
        Some(typ) => Json(CaseTypeDetail::new(engine.ruleset(), typ)).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Json(serde_json::json!({"detail": "ärendetypen finns inte"})),
        )
            .into_response(),
    }
}

pub async fn decide(State(studio): App, Json(inquiry): Json<Inquiry<'static>>) -> Response {
    let Some(engine) = studio.preview().0 else {
        return unavailable();
    };
    Json(engine.decide_record(&inquiry)).into_response()
}

fn unavailable() -> Response {
    let detail = serde_json::json!({"detail": "regelfilerna har fel: rätta dem först"});
    (StatusCode::CONFLICT, Json(detail)).into_response()
}

/// The engine the preview decides with, and the trial in words.
pub type Preview = (Option<Arc<Engine>>, String);
