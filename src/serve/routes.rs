//! The HTTP API: routes, handlers and the middleware around them.

use super::answer;
use super::body::{from_slice, json, json_body, json_bytes, read_body};
use super::decision_log::LogStats;
use super::desk::{self, declared_only};
use super::envelope;
use super::metrics;
use super::problem::{self, Problem};
use super::served::{self, Served};
use super::state::AppState;
use super::tenant::Loaded;
use super::wire::WireInquiry;
use super::{openapi, time};
use crate::engine::Decision;
use crate::{Inquiry, OwnedInquiry};
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Serialize;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Batches up to this size are decided on the request thread; larger ones on a
/// blocking thread, so that one big batch does not hold up other requests.
const INLINE_BATCH: usize = 64;

type App = State<Arc<AppState>>;
type Body = Result<Bytes, BytesRejection>;

/// The versioned API; served under `/v1` and, for clients written before it, at the root.
fn api() -> Router<Arc<AppState>> {
    Router::new()
        .route("/health", get(health))
        .route("/health/live", get(live))
        .route("/health/ready", get(ready))
        .route("/municipalities", get(municipalities))
        .route("/api-docs", get(api_docs))
        .route("/{kommunkod}/ruleset", get(ruleset))
        .route("/{kommunkod}/decisions/batch", post(decide_batch))
}

pub(super) fn router(state: Arc<AppState>) -> Router {
    api()
        .nest("/v1", api())
        .merge(desk::unversioned_api::<AppState>("/{kommunkod}"))
        .merge(desk::api::<AppState>("/v1/{kommunkod}"))
        .merge(served::pages())
        .route("/metrics", get(metrics_text))
        .fallback(problem::not_found)
        .method_not_allowed_fallback(problem::method_not_allowed)
        .layer(DefaultBodyLimit::max(state.limits.body_bytes))
        // One middleware for all that wraps every request: each `from_fn` layer costs a
        // clone of the boxed inner service and a boxed future per request, which showed
        // in the load test against its static floor.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            envelope::envelope,
        ))
        .with_state(state)
}

async fn decide_batch(
    State(app): App,
    served: Served,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, Problem> {
    let body = json_body(&headers, read_body(body, app.limits.body_bytes))?;
    let wire: Vec<WireInquiry> = from_slice(&body)?;
    if wire.len() > app.limits.batch_items {
        return Err(Problem::too_many_items(wire.len(), app.limits.batch_items));
    }
    // One engine for the whole batch (taken with `served`), so every answer comes from
    // the same ruleset.
    let Served {
        tenant,
        loaded,
        request_id,
    } = served;
    let views: Vec<Inquiry> = wire.iter().map(WireInquiry::view).collect();
    let indexed = views.iter().enumerate();
    declared_only(&loaded.engine, indexed.map(|(i, q)| (format!("/{i}"), q)))?;
    let bound = answer_bound(&loaded, &views);
    if bound > app.limits.answer_bytes {
        return Err(Problem::answer_too_large(bound, app.limits.answer_bytes));
    }
    if views.len() <= INLINE_BATCH {
        let decisions = decide_all(&loaded, &views, &AtomicBool::new(false));
        let decisions = decisions.unwrap_or_default();
        app.log_decisions(&tenant, &loaded, &views, &decisions, request_id.as_ref());
        return Ok(answer_all(&loaded, &views, &decisions));
    }
    // Owned only now: a large batch is decided on another thread, a small one from the
    // strings borrowed from the body.
    let inquiries: Vec<OwnedInquiry> = views.iter().map(Inquiry::to_owned_inquiry).collect();
    drop(views);
    // Waiting here is cancelled by the request's deadline (408), like any other wait.
    // The thread keeps its permit until it is done, even if the request gave up first.
    let thread = app
        .batch_threads
        .clone()
        .acquire_owned()
        .await
        .map_err(|e| Problem::internal(e.to_string()))?;
    let abandoned = Arc::new(AtomicBool::new(false));
    let _on_deadline = Abandon(abandoned.clone());
    let worker = app.clone();
    tokio::task::spawn_blocking(move || {
        let _thread = thread;
        let views = viewed(&inquiries);
        // A batch answered with 408 is not decided to the end and leaves no log lines.
        let Some(decisions) = decide_all(&loaded, &views, &abandoned) else {
            return Err(Problem::internal("abandoned at the deadline".into()));
        };
        worker.log_decisions(&tenant, &loaded, &views, &decisions, request_id.as_ref());
        Ok(answer_all(&loaded, &views, &decisions))
    })
    .await
    .map_err(|e| Problem::internal(format!("the batch could not be decided: {e}")))?
}

fn viewed(inquiries: &[OwnedInquiry]) -> Vec<Inquiry<'_>> {
    inquiries.iter().map(OwnedInquiry::view).collect()
}

/// The most bytes the batch's answer can take, from each inquiry's ärendetyp alone.
fn answer_bound(loaded: &Loaded, inquiries: &[Inquiry]) -> usize {
    let each = inquiries.iter().map(|q| loaded.answer.answer_bound(q) + 1);
    each.fold(2, usize::saturating_add)
}

/// Tells the blocking thread that nobody waits for its batch any more.
struct Abandon(Arc<AtomicBool>);

impl Drop for Abandon {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// `None` when `abandoned` is set before the end (checked every 64 inquiries).
fn decide_all<'e>(
    loaded: &'e Loaded,
    inquiries: &[Inquiry],
    abandoned: &AtomicBool,
) -> Option<Vec<Decision<'e>>> {
    let mut decisions = Vec::with_capacity(inquiries.len());
    for chunk in inquiries.chunks(INLINE_BATCH) {
        if abandoned.load(Ordering::Relaxed) {
            return None;
        }
        decisions.extend(chunk.iter().map(|q| loaded.engine.decide(q)));
    }
    Some(decisions)
}

/// The batch's answer: the JSON array of every decision's answer, in order.
fn answer_all(loaded: &Loaded, inquiries: &[Inquiry], decisions: &[Decision]) -> Response {
    let mut body = Vec::with_capacity(1536 * decisions.len() + 2);
    body.push(b'[');
    for (i, (inquiry, decision)) in inquiries.iter().zip(decisions).enumerate() {
        if i > 0 {
            body.push(b',');
        }
        answer::write_json(decision, inquiry, &loaded.answer, &mut body);
    }
    body.push(b']');
    json_bytes(body)
}

async fn ruleset(served: Served) -> Result<Response, Problem> {
    json(&served.tenant.status())
}

#[derive(Serialize)]
struct Municipalities {
    municipalities: Vec<Municipality>,
}

#[derive(Serialize)]
struct Municipality {
    kommunkod: String,
    kommun: String,
    ruleset: String,
    loaded_at: String,
    links: Links,
}

#[derive(Serialize)]
struct Links {
    decisions: String,
    batch: String,
    ruleset: String,
}

async fn municipalities(State(app): App) -> Result<Response, Problem> {
    let municipalities = app
        .tenants
        .values()
        .map(|tenant| {
            let loaded = tenant.current();
            let ruleset = loaded.engine.ruleset();
            let code = &tenant.kommunkod;
            Municipality {
                kommunkod: code.to_string(),
                kommun: ruleset.policy.kommun.clone(),
                ruleset: ruleset.id.clone(),
                loaded_at: time::rfc3339(loaded.loaded_at),
                links: Links {
                    decisions: format!("/v1/{code}/decisions"),
                    batch: format!("/v1/{code}/decisions/batch"),
                    ruleset: format!("/v1/{code}/ruleset"),
                },
            }
        })
        .collect();
    json(&Municipalities { municipalities })
}

#[derive(Serialize)]
struct Health {
    /// `ok`, or `degraded` while a reload is rejected or decision log lines were dropped.
    status: &'static str,
    municipalities: usize,
    reload_errors: usize,
    decision_log: LogStats,
}

async fn health(State(app): App) -> Result<Response, Problem> {
    let reload_errors = app
        .tenants
        .values()
        .filter(|t| t.has_reload_error())
        .count();
    let decision_log = app.log_stats();
    let degraded = reload_errors > 0 || decision_log.dropped > 0;
    json(&Health {
        status: if degraded { "degraded" } else { "ok" },
        municipalities: app.tenants.len(),
        reload_errors,
        decision_log,
    })
}

#[derive(Serialize)]
struct Probe {
    status: &'static str,
}

/// The process answers: for a liveness probe, which must not depend on the rules.
async fn live() -> Result<Response, Problem> {
    json(&Probe { status: "live" })
}

/// Every kommun has a ruleset to decide with: for a readiness probe.
async fn ready(State(app): App) -> Result<Response, Problem> {
    let loaded = !app.tenants.is_empty()
        && app
            .tenants
            .values()
            .all(|t| !t.current().engine.ruleset().id.is_empty());
    if loaded {
        json(&Probe { status: "ready" })
    } else {
        Err(Problem::not_ready())
    }
}

async fn metrics_text(State(app): App) -> Response {
    let text = app.metrics.render(
        app.tenants.values(),
        app.log_stats(),
        app.search_log_counts(),
    );
    let content_type = HeaderValue::from_static(metrics::CONTENT_TYPE);
    ([(header::CONTENT_TYPE, content_type)], text).into_response()
}

async fn api_docs(State(app): App) -> Result<Response, Problem> {
    let loaded: Vec<_> = app.tenants.values().map(|t| t.current()).collect();
    let declared = loaded
        .iter()
        .flat_map(|l| l.engine.ruleset().policy.attributes.iter())
        .map(|a| a.name.as_str());
    json(&openapi::served(declared))
}
