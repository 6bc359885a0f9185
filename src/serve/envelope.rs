//! What wraps every request, outermost first: the request id (the client's
//! `X-Request-Id` if it is a sane token, or one given here), echoed on the response;
//! the latency histogram and one debug line per request (method, route template, never
//! the raw path or body, status, request id); the request's deadline, which covers
//! reading the body too, so a client that stalls mid-body gets a 408; the security
//! headers. The router's middleware and the route answered past the router
//! (src/serve/hot.rs) both use it, so the two cannot differ.

use super::problem::Problem;
use super::state::{AppState, RequestId};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

static X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// One request's id and start, until its answer is finished.
pub(super) struct Envelope {
    /// Kept as the header it goes back in: a client's is shared, not copied.
    id: HeaderValue,
    started: Instant,
}

impl Envelope {
    pub(super) fn begin(headers: &HeaderMap) -> Envelope {
        let id = headers
            .get(&X_REQUEST_ID)
            .filter(|v| v.to_str().is_ok_and(valid_request_id))
            .map_or_else(new_request_id, HeaderValue::clone);
        Envelope {
            id,
            started: Instant::now(),
        }
    }

    pub(super) fn request_id(&self) -> RequestId {
        RequestId(self.id.clone())
    }

    /// `work` under the request's deadline: a 408 problem when it runs out.
    pub(super) async fn within_deadline<T>(
        app: &AppState,
        work: impl Future<Output = Result<T, Problem>>,
    ) -> Result<T, Problem> {
        let limit = app.limits.request_timeout;
        tokio::time::timeout(limit, work)
            .await
            .unwrap_or_else(|_| Err(Problem::timeout(limit)))
    }

    /// Count and log the answer, and give it the request id and security headers.
    pub(super) fn finish(
        self,
        app: &AppState,
        method: &Method,
        route: &str,
        mut response: Response,
    ) -> Response {
        crate::web::add_security_headers(response.headers_mut());
        self.finish_secured(app, method, route, response)
    }

    /// [`Envelope::finish`] for an answer built on [`crate::web::json_headers`], which
    /// carries the security headers already: looking for each cost more than the
    /// rest of the envelope (`the_decision_route_past_the_router_answers_as_the_router_does`
    /// in `tests/serve.rs` holds the route answered here to the router's headers).
    pub(super) fn finish_secured(
        self,
        app: &AppState,
        method: &Method,
        route: &str,
        mut response: Response,
    ) -> Response {
        let status = response.status();
        let elapsed = self.started.elapsed();
        app.metrics
            .answered(route, status.as_u16(), elapsed.as_secs_f64());
        if tracing::enabled!(tracing::Level::DEBUG) {
            tracing::debug!(
                %method,
                route,
                status = status.as_u16(),
                micros = elapsed.as_micros() as u64,
                request_id = self.id.to_str().unwrap_or_default(),
                "request"
            );
        }
        let headers = response.headers_mut();
        headers.insert(X_REQUEST_ID.clone(), self.id);
        response
    }
}

/// The router's middleware: the envelope around every route the router answers.
pub(super) async fn envelope(
    State(app): State<Arc<AppState>>,
    mut request: Request,
    next: Next,
) -> Response {
    let envelope = Envelope::begin(request.headers());
    request.extensions_mut().insert(envelope.request_id());
    let method = request.method().clone();
    let route = request.extensions().get::<MatchedPath>().cloned();
    let response = Envelope::within_deadline(&app, async { Ok(next.run(request).await) })
        .await
        .unwrap_or_else(IntoResponse::into_response);
    let route = route.as_ref().map_or("unmatched", MatchedPath::as_str);
    envelope.finish(&app, &method, route, response)
}

/// Visible ASCII, at most 128 characters: it goes into logs and back into a header.
fn valid_request_id(id: &str) -> bool {
    (1..=128).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_graphic())
}

/// Unique within the process, and across restarts thanks to the start time.
fn new_request_id() -> HeaderValue {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    static START: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    let start = *START.get_or_init(|| {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        (now.as_micros() as u64) ^ (u64::from(std::process::id()) << 40)
    });
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    // By hand into a buffer: `format!` with `{:016x}` took ~1,500 instructions a
    // request (callgrind), and pushing chars into a `String` a third of that.
    let mut id = [b'-'; 33];
    write_hex(&mut id[..16], start);
    write_hex(&mut id[17..], n);
    HeaderValue::from_bytes(&id).unwrap_or(HeaderValue::from_static("-"))
}

/// `value` as 16 lowercase hex digits, into `out`'s 16 bytes.
fn write_hex(out: &mut [u8], value: u64) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for (i, byte) in out.iter_mut().rev().enumerate() {
        *byte = DIGITS[((value >> (4 * i)) & 0xf) as usize];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn made_up_request_ids_are_distinct_fixed_width_hex() {
        let (a, b) = (new_request_id(), new_request_id());
        assert_ne!(a, b);
        for id in [a.to_str().unwrap(), b.to_str().unwrap()] {
            assert_eq!(id.len(), 33, "{id}");
            assert!(valid_request_id(id), "{id}");
            let (start, n) = id.split_once('-').unwrap();
            assert!(u64::from_str_radix(start, 16).is_ok() && u64::from_str_radix(n, 16).is_ok());
        }
        let mut out = [0u8; 16];
        write_hex(&mut out, 0x0123_4567_89ab_cdef);
        assert_eq!(&out, b"0123456789abcdef");
    }
}
