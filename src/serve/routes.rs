//! The HTTP API: routes, handlers and the middleware around them.

use super::body::parse_json;
use super::decision_log::{DecisionLog, Entry, LogStats};
use super::problem::{self, Problem};
use super::tenant::{Loaded, Tenant};
use super::{Limits, openapi};
use crate::Inquiry;
use crate::engine::DecisionRecord;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{DefaultBodyLimit, MatchedPath, Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Batches up to this size are decided on the request thread; larger ones on a
/// blocking thread, so that one big batch does not hold up other requests.
const INLINE_BATCH: usize = 64;

/// Everything the handlers share.
#[derive(Debug)]
pub struct AppState {
    pub tenants: BTreeMap<Arc<str>, Arc<Tenant>>,
    pub log: Option<DecisionLog>,
    pub limits: Limits,
}

type App = State<Arc<AppState>>;
type Kommunkod = Result<Path<String>, PathRejection>;
type Body = Result<Bytes, BytesRejection>;

pub fn router(state: Arc<AppState>) -> Router {
    let limits = state.limits;
    Router::new()
        .route("/health", get(health))
        .route("/municipalities", get(municipalities))
        .route("/api-docs", get(api_docs))
        .route("/{kommunkod}/ruleset", get(ruleset))
        .route("/{kommunkod}/decisions", post(decide))
        .route("/{kommunkod}/decisions/batch", post(decide_batch))
        .fallback(problem::not_found)
        .method_not_allowed_fallback(problem::method_not_allowed)
        .layer(DefaultBodyLimit::max(limits.body_bytes))
        .layer(middleware::from_fn_with_state(
            limits.request_timeout,
            time_limit,
        ))
        .layer(middleware::from_fn(log_request))
        .with_state(state)
}

impl AppState {
    fn tenant(&self, kommunkod: Kommunkod) -> Result<Arc<Tenant>, Problem> {
        let Path(code) = kommunkod.map_err(|_| Problem::unknown_municipality())?;
        self.tenants
            .get(code.as_str())
            .cloned()
            .ok_or_else(Problem::unknown_municipality)
    }

    fn log_decision(
        &self,
        tenant: &Tenant,
        loaded: &Loaded,
        inquiry: &Inquiry,
        record: &DecisionRecord,
    ) {
        if let Some(log) = &self.log {
            let ruleset = loaded.engine.ruleset();
            log.record(Entry::new(
                tenant.kommunkod.clone(),
                ruleset,
                inquiry,
                record,
            ));
        }
    }

    fn log_stats(&self) -> LogStats {
        self.log
            .as_ref()
            .map_or(LogStats::DISABLED, DecisionLog::stats)
    }
}

async fn decide(
    State(app): App,
    kommunkod: Kommunkod,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, Problem> {
    let tenant = app.tenant(kommunkod)?;
    let inquiry: Inquiry = parse_json(&headers, body, app.limits.body_bytes)?;
    let loaded = tenant.current();
    let record = loaded.engine.decide_record(&inquiry);
    app.log_decision(&tenant, &loaded, &inquiry, &record);
    json(&record)
}

async fn decide_batch(
    State(app): App,
    kommunkod: Kommunkod,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, Problem> {
    let tenant = app.tenant(kommunkod)?;
    let inquiries: Vec<Inquiry> = parse_json(&headers, body, app.limits.body_bytes)?;
    if inquiries.len() > app.limits.batch_items {
        return Err(Problem::too_many_items(
            inquiries.len(),
            app.limits.batch_items,
        ));
    }
    if inquiries.len() <= INLINE_BATCH {
        return json(&decide_all(&app, &tenant, &inquiries));
    }
    tokio::task::spawn_blocking(move || json(&decide_all(&app, &tenant, &inquiries)))
        .await
        .map_err(|e| Problem::internal(format!("the batch could not be decided: {e}")))?
}

/// One engine for the whole batch, so every answer comes from the same ruleset.
fn decide_all(app: &AppState, tenant: &Tenant, inquiries: &[Inquiry]) -> Vec<DecisionRecord> {
    let loaded = tenant.current();
    inquiries
        .iter()
        .map(|inquiry| {
            let record = loaded.engine.decide_record(inquiry);
            app.log_decision(tenant, &loaded, inquiry, &record);
            record
        })
        .collect()
}

async fn ruleset(State(app): App, kommunkod: Kommunkod) -> Result<Response, Problem> {
    json(&app.tenant(kommunkod)?.status())
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
                loaded_at: super::time::rfc3339(loaded.loaded_at),
                links: Links {
                    decisions: format!("/{code}/decisions"),
                    batch: format!("/{code}/decisions/batch"),
                    ruleset: format!("/{code}/ruleset"),
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

async fn api_docs() -> Response {
    let content_type = HeaderValue::from_static("application/json");
    ([(header::CONTENT_TYPE, content_type)], openapi::DOCUMENT).into_response()
}

fn json<T: Serialize>(value: &T) -> Result<Response, Problem> {
    let body = serde_json::to_vec(value).map_err(|e| Problem::internal(e.to_string()))?;
    let content_type = HeaderValue::from_static("application/json");
    Ok(([(header::CONTENT_TYPE, content_type)], body).into_response())
}

/// Covers reading the body too, so a client that stalls mid-body gets a 408.
async fn time_limit(State(limit): State<Duration>, request: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => Problem::timeout(limit).into_response(),
    }
}

/// One debug line per request: method, route template (never the raw path or body), status.
async fn log_request(request: Request, next: Next) -> Response {
    if !tracing::enabled!(tracing::Level::DEBUG) {
        return next.run(request).await;
    }
    let started = Instant::now();
    let method = request.method().clone();
    let route = request.extensions().get::<MatchedPath>().cloned();
    let response = next.run(request).await;
    tracing::debug!(
        %method,
        route = route.as_ref().map_or("-", MatchedPath::as_str),
        status = response.status().as_u16(),
        micros = started.elapsed().as_micros() as u64,
        "request"
    );
    response
}
