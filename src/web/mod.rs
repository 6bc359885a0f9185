//! The web foundation shared by the pages rosa serves to people (the desk in
//! `rosa serve`, and `rosa studio`): assets embedded in the binary, the page shell, security headers and
//! the rendering of rule authors' markdown. Nothing here reaches the network at run
//! time; every page works offline.

pub(crate) mod markdown;
mod page;

pub(crate) use crate::html::escape;
pub(crate) use page::Page;

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Only the server's own scripts, styles and data; no inline script, no frames.
pub(crate) const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
    style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; \
    form-action 'self'; frame-ancestors 'none'";

/// One file embedded in the binary and served under `/assets/`.
#[derive(Debug, Clone, Copy)]
pub struct Asset {
    /// The file name after `/assets/`.
    pub name: &'static str,
    /// Its `Content-Type`.
    pub content_type: &'static str,
    /// Its bytes.
    pub body: &'static str,
}

/// The desk's content before its script fills it in: served by `rosa serve` and, on
/// the ruleset being edited, by the studio's preview.
pub(crate) const DESK_MAIN: &str = include_str!("assets/desk.html");

/// Every asset of every page.
pub(crate) const ASSETS: &[Asset] = &[
    Asset {
        name: "rosa.css",
        content_type: "text/css; charset=utf-8",
        body: include_str!("assets/rosa.css"),
    },
    Asset {
        name: "studio.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("assets/studio.js"),
    },
    Asset {
        name: "desk.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("assets/desk.js"),
    },
];

/// The asset with this name.
pub(crate) fn asset(name: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.name == name)
}

impl IntoResponse for &'static Asset {
    fn into_response(self) -> Response {
        let headers = [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(self.content_type),
            ),
            // Assets change with the binary; revalidating is cheap and never stale.
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ];
        (headers, self.body).into_response()
    }
}

/// Security headers on every response: the content security policy and its companions.
/// A handler that sets one keeps its own.
pub(crate) async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    add_security_headers(response.headers_mut());
    response
}

/// What [`security_headers`] adds, for a middleware that does more than this.
pub(crate) fn add_security_headers(headers: &mut HeaderMap) {
    // Checked at compile time: on every response, checking the policy's bytes showed up.
    const DEFAULTS: [(HeaderName, HeaderValue); 4] = [
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
    ];
    headers.reserve(DEFAULTS.len());
    for (name, value) in DEFAULTS {
        headers.entry(name).or_insert(value);
    }
}
