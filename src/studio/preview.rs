//! The desk as staff will see it, on the ruleset the room is trying: the saved files
//! with the what-if applied. The same page, script and API as `rosa serve`'s desk
//! ([`crate::serve::desk`]), mounted under [`BASE`]. Each browser tab tries its own
//! what-if: its page is `BASE/?flik=ID` and its API `BASE/flik/ID` ([`tab_base`]).

use super::pages;
use super::state::{self, Studio};
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

/// The preview API's base for one tab.
pub(super) fn tab_base(tab: &str) -> String {
    format!("{BASE}/flik/{tab}")
}

/// The tab a preview request is for: the path's `flik/ID` (the API), else the query's
/// `flik=ID` (the page); the shared empty id when neither names a valid one.
fn tab_of(parts: &Parts) -> String {
    let in_path = (parts.uri.path().strip_prefix(BASE))
        .and_then(|rest| rest.strip_prefix("/flik/"))
        .and_then(|rest| rest.split('/').next());
    let in_query = || (parts.uri.query()?.split('&')).find_map(|pair| pair.strip_prefix("flik="));
    state::tab_id(in_path.or_else(in_query)).to_string()
}

/// The engine of one preview request, and the trial it holds in words (empty for the
/// saved version).
pub(super) struct Trial {
    engine: Arc<Engine>,
    description: String,
    tab: String,
}

impl Deref for Trial {
    type Target = Engine;

    fn deref(&self) -> &Engine {
        &self.engine
    }
}

impl FromRequestParts<Arc<Studio>> for Trial {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, studio: &Arc<Studio>) -> Result<Trial, Problem> {
        let tab = tab_of(parts);
        let preview = studio.preview(&tab);
        let (engine, description) = preview.ok_or_else(Problem::ruleset_has_errors)?;
        Ok(Trial {
            engine,
            description,
            tab,
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
    let api = match trial.tab.as_str() {
        "" => BASE.to_string(),
        tab => tab_base(tab),
    };
    DeskPage {
        title: &format!(
            "Handboken, förhandsvisning – {} – rosa studio",
            policy.kommun
        ),
        header: pages::HEADER.into(),
        kommunkod: &policy.kommunkod,
        api: Some(&api),
        note: Some(format!(
            "<p class=\"forhandsvisning\" role=\"note\">{trying}</p>"
        )),
        fallback: &policy.fallback,
        search_log: false,
    }
    .render()
}
