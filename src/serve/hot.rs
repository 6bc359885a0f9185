//! The route that carries the load, `POST /{kommunkod}/decisions` (also under `/v1`),
//! answered straight from hyper. Through axum's router, middleware and extractors a
//! single decision cost about a third more instructions than the whole of the work
//! that answers it (callgrind, `scripts/instructions-per-request.sh`). The answer is
//! the router's, byte for byte: the same envelope, the same handler body
//! ([`desk::decide_one`]), the same problems. Every request this path cannot read as
//! plainly as the router would (another method, a percent-encoded or unknown kommun)
//! goes to the router.

use super::desk;
use super::envelope::Envelope;
use super::metrics::DECISION_ROUTES;
use super::problem::Problem;
use super::served::Served;
use super::state::AppState;
use super::tenant::Tenant;
use axum::http::{HeaderMap, Method, Request};
use axum::response::{IntoResponse, Response};
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;

/// The route templates, as the router's `MatchedPath` names them in metrics and logs.
const ROUTE: &str = DECISION_ROUTES[0];
const ROUTE_V1: &str = DECISION_ROUTES[1];

/// A request for one decision for a kommun that is served, with its route template.
pub(super) fn decision_route(
    app: &AppState,
    request: &Request<Incoming>,
) -> Option<(Arc<Tenant>, &'static str)> {
    if request.method() != Method::POST {
        return None;
    }
    let path = request.uri().path();
    let (rest, route) = match path.strip_prefix("/v1/") {
        Some(rest) => (rest, ROUTE_V1),
        None => (path.strip_prefix('/')?, ROUTE),
    };
    let kommunkod = rest.strip_suffix("/decisions")?;
    if kommunkod.is_empty() || kommunkod.contains(['/', '%']) {
        return None;
    }
    let tenant = app.tenants.get(kommunkod)?;
    Some((tenant.clone(), route))
}

/// The answer to a request [`decision_route`] took, as hyper's service gives it;
/// `in_flight` is dropped once the answer is ready. What can be done before the body
/// arrives is done here, outside the future: the future is boxed per request, and
/// holding only what it needs keeps it off the allocator's slow path for large blocks
/// (it was 2.6 KiB when it held the request through nested `async fn`s).
pub(super) fn decide(
    app: Arc<AppState>,
    tenant: Arc<Tenant>,
    route: &'static str,
    request: Request<Incoming>,
    in_flight: impl Send + 'static,
) -> impl Future<Output = Result<Response, Infallible>> + Send {
    let envelope = Envelope::begin(request.headers());
    let served = Served {
        loaded: tenant.current(),
        tenant,
        request_id: Some(envelope.request_id()),
    };
    let (parts, body) = request.into_parts();
    let headers = parts.headers;
    async move {
        let _in_flight = in_flight;
        let work = answer(&app, &served, &headers, body);
        Ok(match Envelope::within_deadline(&app, work).await {
            Ok(answer) => envelope.finish_secured(&app, &Method::POST, route, answer),
            Err(problem) => envelope.finish(&app, &Method::POST, route, problem.into_response()),
        })
    }
}

/// The decision, built on [`crate::web::json_headers`], or the problem.
async fn answer(
    app: &AppState,
    served: &Served,
    headers: &HeaderMap,
    body: Incoming,
) -> Result<Response, Problem> {
    let limit = app.limits.body_bytes;
    let body = match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => Err(Problem::body_too_large(limit)),
        // The text axum's `Bytes` extractor gives for a body it could not read.
        Err(e) => Err(Problem::unreadable_body(format!(
            "Failed to buffer the request body: {e}"
        ))),
    };
    desk::decide_one(app, served, headers, body)
}
