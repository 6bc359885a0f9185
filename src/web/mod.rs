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
    // An answer built from [`json_headers`] has them all: four lookups, no inserts.
    if SECURITY_HEADERS
        .iter()
        .all(|(name, _)| headers.contains_key(name))
    {
        return;
    }
    headers.reserve(SECURITY_HEADERS.len());
    for (name, value) in SECURITY_HEADERS {
        headers.entry(name).or_insert(value);
    }
}

/// The content security policy and its companions. Checked at compile time: on every
/// response, checking the policy's bytes showed up.
const SECURITY_HEADERS: [(HeaderName, HeaderValue); 4] = [
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

/// The headers of a JSON answer: its content type and the security headers, cloned
/// from one built map, since inserting them one by one cost more than the rest of a
/// small answer's headers.
pub(crate) fn json_headers() -> HeaderMap {
    static JSON: std::sync::LazyLock<HeaderMap> = std::sync::LazyLock::new(|| {
        let mut headers = HeaderMap::with_capacity(SECURITY_HEADERS.len() + 2);
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        add_security_headers(&mut headers);
        // A slot for the request id the envelope adds: a clone has room for as many
        // headers as its original holds, and removing one keeps that room.
        headers.insert(REQUEST_ID_SLOT, HeaderValue::from_static(""));
        headers
    });
    let mut headers = JSON.clone();
    headers.remove(REQUEST_ID_SLOT);
    headers
}

/// See [`json_headers`]; never sent.
const REQUEST_ID_SLOT: HeaderName = HeaderName::from_static("x-request-id");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_headers_carry_the_security_headers_and_room_for_the_request_id() {
        let headers = json_headers();
        assert_eq!(headers[header::CONTENT_TYPE], "application/json");
        for (name, value) in SECURITY_HEADERS {
            assert_eq!(headers[&name], value, "{name}");
        }
        assert!(!headers.contains_key(REQUEST_ID_SLOT));
        assert!(headers.capacity() > headers.len(), "{headers:?}");
    }

    #[test]
    fn a_handlers_own_header_is_kept() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("SAMEORIGIN"),
        );
        add_security_headers(&mut headers);
        assert_eq!(headers[header::X_FRAME_OPTIONS], "SAMEORIGIN");
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    }
}
