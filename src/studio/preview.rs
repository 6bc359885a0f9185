//! The desk as staff will see it, on the ruleset the room is trying: the saved files
//! with the what-if applied. The same page, script and API as `rosa serve`'s desk
//! ([`crate::serve::desk`]), mounted under [`BASE`].

use super::pages;
use super::state::Studio;
use crate::Inquiry;
use crate::engine::{Decision, Engine};
use crate::html::escape;
use crate::serve::desk::{DeskPage, EngineSource};
use crate::serve::problem::Problem;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Response};
use std::ops::Deref;
use std::sync::Arc;

/// Under this path the preview answers as `/v1/{kommunkod}` does.
pub(super) const BASE: &str = "/forhandsvisning";

/// The engine of one preview request, and the trial it holds in words (empty for the
/// saved version).
pub(super) struct Trial {
    engine: Arc<Engine>,
    description: String,
}

impl Deref for Trial {
    type Target = Engine;

    fn deref(&self) -> &Engine {
        &self.engine
    }
}

impl FromRequestParts<Arc<Studio>> for Trial {
    type Rejection = Problem;

    async fn from_request_parts(_: &mut Parts, studio: &Arc<Studio>) -> Result<Trial, Problem> {
        let (engine, description) = studio.preview().ok_or_else(Problem::ruleset_has_errors)?;
        Ok(Trial {
            engine,
            description,
        })
    }
}

impl EngineSource for Studio {
    type Engine = Trial;

    fn body_limit(&self) -> usize {
        crate::serve::Limits::default().body_bytes
    }

    /// The preview's decisions are tries, not answers to citizens: nothing is logged.
    fn decided(&self, _: &Trial, _: &Inquiry, _: &Decision) {}

    fn page(&self, trial: Result<Trial, Problem>) -> Response {
        match trial {
            Ok(trial) => page(&trial).into_response(),
            Err(_) => (StatusCode::CONFLICT, Html(pages::broken_page(self))).into_response(),
        }
    }
}

fn page(trial: &Trial) -> Html<String> {
    let policy = trial.ruleset().policy();
    let trying = if trial.description.is_empty() {
        "Förhandsvisningen visar den sparade versionen.".to_string()
    } else {
        format!(
            "Förhandsvisningen visar det ni provar just nu ({}), inte sparat.",
            escape(trial.description.trim_start_matches("scenario: "))
        )
    };
    DeskPage {
        title: &format!(
            "Handboken, förhandsvisning – {} – rosa studio",
            policy.kommun
        ),
        header: pages::HEADER.into(),
        kommunkod: &policy.kommunkod,
        api: Some(BASE),
        note: Some(format!(
            "<p class=\"forhandsvisning\" role=\"note\">{trying}</p>"
        )),
        fallback: &policy.fallback,
    }
    .render()
}
