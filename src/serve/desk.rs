//! The desk API, one router for `rosa serve` and `rosa studio`: the ärendetyper that
//! match a citizen's words, one ärendetyp before deciding, one decision, and the desk
//! page whose script uses them. It is generic over where the engine comes from
//! ([`EngineSource`]): the kommun a request's path names, or the ruleset the studio's
//! room is trying. So both answer alike, errors included (`application/problem+json`).

use super::answer::{self, AnswerParts};
use super::body::{from_slice, json, json_body, json_bytes, parse_json, read_body};
use super::case_type::CaseTypeDetail;
use super::problem::Problem;
use super::wire::{self, WireInquiry};
use crate::Inquiry;
use crate::engine::{Decision, Engine, MAX_SEARCH_CHARS, MAX_SEARCH_WORDS, SearchTooLong};
use crate::model::Target;
use crate::web::{self, Page, escape};
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use std::borrow::Cow;
use std::ops::Deref;
use std::sync::Arc;

/// Where the desk API's engine comes from.
pub(crate) trait EngineSource: Send + Sync + Sized + 'static {
    /// One request's engine, taken once from the request and held to its end, so that
    /// a reload never changes the rules under a request in flight. Its rejection is the
    /// API's answer when there is none (and is handed to [`EngineSource::page`]).
    type Engine: FromRequestParts<Arc<Self>, Rejection: Send>
        + Deref<Target = Engine>
        + Send
        + Sync
        + 'static;

    /// The largest decision body read, in bytes (named in the 413 problem).
    fn body_limit(&self) -> usize;

    /// After a decision, before it is answered: `rosa serve` counts and logs it.
    fn decided(&self, engine: &Self::Engine, inquiry: &Inquiry, decision: &Decision);

    /// The ruleset's parts of an answer, escaped: kept with the engine where it lives
    /// long, else escaped for this request.
    fn answer_parts<'e>(&self, engine: &'e Self::Engine) -> Cow<'e, AnswerParts> {
        Cow::Owned(AnswerParts::new(engine))
    }

    /// The desk page on `engine`, or the page that says why there is none.
    fn page(&self, engine: Result<Self::Engine, Missing<Self>>) -> Response;

    /// Staff settled on a unit after a search: filter the words and log the choice
    /// when the log is on (never by default).
    fn search_chosen(&self, _engine: &Self::Engine, _choice: &SearchChoice) {}
}

/// Why a request has no engine: the rejection of [`EngineSource::Engine`].
pub(crate) type Missing<S> = <<S as EngineSource>::Engine as FromRequestParts<Arc<S>>>::Rejection;

/// Search, one ärendetyp and one decision under `base`: `/v1/{kommunkod}` in
/// `rosa serve`, the preview's base path in the studio.
pub(crate) fn api<S: EngineSource>(base: &str) -> Router<Arc<S>> {
    unversioned_api(base)
        .route(
            &format!("{base}/case-types/{{case_type}}"),
            get(case_type::<S>),
        )
        .route(&format!("{base}/search-choices"), post(search_chosen::<S>))
}

/// What `rosa serve` answered before `/v1` (still at `/{kommunkod}/…`): search and
/// decisions; the ärendetyp's detail came later and is only under `/v1`.
pub(crate) fn unversioned_api<S: EngineSource>(base: &str) -> Router<Arc<S>> {
    Router::new()
        .route(&format!("{base}/case-types"), get(case_types::<S>))
        .route(&format!("{base}/decisions"), post(decide::<S>))
}

/// The desk page at `path`.
pub(crate) fn page<S: EngineSource>(path: &str) -> Router<Arc<S>> {
    Router::new().route(path, get(desk_page::<S>))
}

/// The desk page's shell: the same page and script wherever it is served.
pub(crate) struct DeskPage<'a> {
    pub title: &'a str,
    /// The header's content (HTML).
    pub header: String,
    pub kommunkod: &'a str,
    /// The API's base path when it is not `/v1/{kommunkod}`.
    pub api: Option<&'a str>,
    /// A note above the desk (HTML), e.g. that the studio shows a trial.
    pub note: Option<String>,
    /// The policy's `reserv`: where staff send a call no ärendetyp matches.
    pub fallback: &'a Target,
    /// The page reports choices after a search ([`EngineSource::search_log_on`]).
    pub search_log: bool,
}

impl DeskPage<'_> {
    pub(crate) fn render(self) -> Html<String> {
        let mut main_attributes = format!(" data-kommunkod=\"{}\"", escape(self.kommunkod));
        if let Some(api) = self.api {
            main_attributes.push_str(&format!(" data-api=\"{}\"", escape(api)));
        }
        let fallback = self.fallback;
        for (name, value) in [
            ("forvaltning", Some(&fallback.forvaltning_name)),
            ("ko", fallback.queue.as_ref()),
            ("telefon", fallback.phone.as_ref()),
            ("epost", fallback.email.as_ref()),
        ] {
            if let Some(value) = value {
                main_attributes.push_str(&format!(" data-reserv-{name}=\"{}\"", escape(value)));
            }
        }
        if self.search_log {
            main_attributes.push_str(" data-soklogg=\"på\"");
        }
        let main = match self.note {
            Some(note) => format!("{note}\n{}", web::DESK_MAIN),
            None => web::DESK_MAIN.to_string(),
        };
        let page = Page {
            title: self.title,
            scripts: &["desk.js"],
            main_attributes,
            header: self.header,
            main,
        };
        Html(page.render())
    }
}

async fn desk_page<S: EngineSource>(
    State(source): State<Arc<S>>,
    engine: Result<S::Engine, Missing<S>>,
) -> Response {
    source.page(engine)
}

/// Single decisions stay on the request thread: one takes ~30 ns, far less than a hop
/// to a blocking thread would cost, so they cannot hold up other requests.
async fn decide<S: EngineSource>(
    State(source): State<Arc<S>>,
    engine: S::Engine,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Problem> {
    let body = read_body(body, source.body_limit());
    decide_one(&*source, &engine, &headers, body)
}

/// One decision from a request's headers and body: the router's handler and the
/// route answered past it (src/serve/hot.rs) both end here.
pub(crate) fn decide_one<S: EngineSource>(
    source: &S,
    engine: &S::Engine,
    headers: &HeaderMap,
    body: Result<Bytes, Problem>,
) -> Result<Response, Problem> {
    let body = json_body(headers, body)?;
    let wire: WireInquiry = from_slice(&body)?;
    let inquiry = wire.view();
    declared_only(engine, std::iter::once((String::new(), &inquiry)))?;
    let decision = engine.decide(&inquiry);
    source.decided(engine, &inquiry, &decision);
    let mut body = Vec::with_capacity(2048);
    answer::write_json(&decision, &inquiry, &source.answer_parts(engine), &mut body);
    Ok(json_bytes(body))
}

/// Every attribute an inquiry names is one the policy declares; the problem points at
/// each that is not, by the inquiry's pointer prefix (`/3` in a batch).
pub(crate) fn declared_only<'a>(
    engine: &Engine,
    inquiries: impl Iterator<Item = (String, &'a Inquiry<'a>)>,
) -> Result<(), Problem> {
    let mut inquiries = inquiries
        .filter(|(_, inquiry)| !inquiry.attributes.is_empty())
        .peekable();
    if inquiries.peek().is_none() {
        return Ok(());
    }
    let declared = &engine.ruleset().policy.attributes;
    let names: Vec<&str> = declared.iter().map(|a| a.name.as_str()).collect();
    wire::undeclared_attributes(inquiries, &names)
}

/// `?q=…&limit=…` for [`case_types`].
#[derive(Deserialize)]
struct CaseTypeQuery {
    q: Option<String>,
    limit: Option<usize>,
}

/// At most this many suggestions per search.
const MAX_CASE_TYPES: usize = 50;

/// The ärendetyper that best match a citizen's words: what the desk offers as one types.
async fn case_types<S: EngineSource>(
    engine: S::Engine,
    query: Result<Query<CaseTypeQuery>, QueryRejection>,
) -> Result<Response, Problem> {
    let Query(query) = query.map_err(|e| {
        Problem::invalid_query(e.body_text())
            .with_error("/limit".into(), "must be a whole number".into())
    })?;
    let text = query.q.unwrap_or_default();
    if text.trim().is_empty() {
        return Err(
            Problem::invalid_query("`q` is required: the citizen's words".into())
                .with_error("/q".into(), "missing or empty".into()),
        );
    }
    let limit = query.limit.unwrap_or(10);
    if !(1..=MAX_CASE_TYPES).contains(&limit) {
        return Err(
            Problem::invalid_query(format!("`limit` must be 1–{MAX_CASE_TYPES}")).with_error(
                "/limit".into(),
                format!("{limit} is outside 1–{MAX_CASE_TYPES}"),
            ),
        );
    }
    if let Err(too_long) = crate::engine::check_search(&text) {
        return Err(search_too_long(too_long));
    }
    // Off the threads that accept connections: a search costs far more than a decision.
    let hits = tokio::task::spawn_blocking(move || engine.search(&text, limit))
        .await
        .map_err(|e| Problem::internal(format!("the search failed: {e}")))?;
    json(&hits)
}

fn search_too_long(too_long: SearchTooLong) -> Problem {
    let (detail, error) = match too_long {
        SearchTooLong::Chars(chars) => (
            format!("`q` may be at most {MAX_SEARCH_CHARS} characters"),
            format!("{chars} characters; the limit is {MAX_SEARCH_CHARS}"),
        ),
        SearchTooLong::Words(words) => (
            format!("`q` may be at most {MAX_SEARCH_WORDS} words"),
            format!("{words} words; the limit is {MAX_SEARCH_WORDS}"),
        ),
    };
    Problem::invalid_query(detail).with_error("/q".into(), error)
}

/// The `{case_type}` of the path (serve's also holds a `{kommunkod}`).
#[derive(Deserialize)]
struct CaseTypePath {
    case_type: String,
}

/// One ärendetyp before deciding: its delmoment, channels, questions and manus.
async fn case_type<S: EngineSource>(
    path: Result<Path<CaseTypePath>, PathRejection>,
    engine: S::Engine,
) -> Result<Response, Problem> {
    let Path(CaseTypePath { case_type: id }) = path.map_err(|_| Problem::not_found())?;
    let ruleset = engine.ruleset();
    let typ = ruleset
        .arendetyp(&id)
        .ok_or_else(|| Problem::unknown_case_type(&id))?;
    json(&CaseTypeDetail::new(ruleset, typ))
}

/// The desk page's report of a choice: the words typed and the unit chosen.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SearchChoice {
    /// The words as typed; filtered by the server before anything is kept.
    pub q: String,
    pub case_type: String,
    #[serde(default)]
    pub part: Option<String>,
}

impl SearchChoice {
    /// The delmoment chosen, if any (an empty one is none).
    pub(crate) fn part(&self) -> Option<&str> {
        self.part.as_deref().filter(|p| !p.is_empty())
    }
}

/// `POST …/search-choices`: for the desk page only, not part of the integrator API.
/// Staff settled on a unit after a search; when the search log is on, the server
/// keeps the words that pass the privacy filter (src/search_log). The answer is 204
/// whether the log is on or not, so the page never has anything to show; a body that
/// is not a choice gets its problem like any other request.
async fn search_chosen<S: EngineSource>(
    State(source): State<Arc<S>>,
    engine: S::Engine,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Problem> {
    let choice: SearchChoice = parse_json(&headers, read_body(body, source.body_limit()))?;
    if let Err(too_long) = crate::engine::check_search(&choice.q) {
        return Err(search_too_long(too_long));
    }
    let typ = engine
        .ruleset()
        .arendetyp(&choice.case_type)
        .ok_or_else(|| Problem::unknown_case_type(&choice.case_type))?;
    if let Some(part) = choice.part()
        && typ.unit(part).is_none()
    {
        return Err(Problem::invalid_inquiry(format!(
            "`{}` has no delmoment `{}`",
            typ.id,
            crate::bounds::bounded(part)
        ))
        .with_error("/part".into(), "unknown delmoment".into()));
    }
    source.search_chosen(&engine, &choice);
    Ok(StatusCode::NO_CONTENT.into_response())
}
