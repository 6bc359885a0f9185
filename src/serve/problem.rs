//! Errors as `application/problem+json` (RFC 9457). Every 4xx the server sends goes
//! through [`Problem`], including the rejections axum would otherwise answer in plain text.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

pub(crate) const PROBLEM_JSON: &str = "application/problem+json";

/// One problem. `type` is a stable URN per kind of problem, listed in docs/integration.md.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Problem {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub title: &'static str,
    pub status: u16,
    pub detail: String,
    /// Which parts of the request body are wrong, as JSON Pointers (RFC 6901).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct FieldError {
    pub pointer: String,
    pub detail: String,
}

impl Problem {
    fn new(status: StatusCode, kind: &'static str, title: &'static str, detail: String) -> Self {
        Problem {
            kind,
            title,
            status: status.as_u16(),
            detail,
            errors: Vec::new(),
        }
    }

    pub(crate) fn with_error(mut self, pointer: String, detail: String) -> Self {
        self.errors.push(FieldError { pointer, detail });
        self
    }

    /// The body is not JSON at all (syntax error, empty, trailing characters).
    pub(crate) fn invalid_json(detail: String) -> Self {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "urn:rosa:problem:invalid-json",
            "Malformed JSON",
            detail,
        )
    }

    /// The body is JSON but not an inquiry (or array of inquiries).
    pub(crate) fn invalid_inquiry(detail: String) -> Self {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "urn:rosa:problem:invalid-inquiry",
            "Invalid inquiry",
            detail,
        )
    }

    /// The query string is missing a parameter or has one out of range.
    pub(crate) fn invalid_query(detail: String) -> Self {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "urn:rosa:problem:invalid-query",
            "Invalid query",
            detail,
        )
    }

    pub(crate) fn unknown_municipality() -> Self {
        Problem::new(
            StatusCode::NOT_FOUND,
            "urn:rosa:problem:unknown-municipality",
            "Unknown municipality",
            "no ruleset is served under this kommunkod; GET /municipalities lists those served"
                .into(),
        )
    }

    pub(crate) fn unknown_case_type(id: &str) -> Self {
        Problem::new(
            StatusCode::NOT_FOUND,
            "urn:rosa:problem:unknown-case-type",
            "Unknown case type",
            format!(
                "the ruleset has no ärendetyp `{id}`; GET /v1/{{kommunkod}}/case-types?q=… finds one"
            ),
        )
    }

    /// The studio's preview while the rule files do not load (for the rule author, so
    /// in Swedish).
    pub(crate) fn ruleset_has_errors() -> Self {
        Problem::new(
            StatusCode::CONFLICT,
            "urn:rosa:problem:ruleset-has-errors",
            "Conflict",
            "regelfilerna har fel: rätta dem först".into(),
        )
    }

    pub(crate) fn not_found() -> Self {
        Problem::new(
            StatusCode::NOT_FOUND,
            "urn:rosa:problem:not-found",
            "Not Found",
            "no such resource; GET /api-docs describes the API".into(),
        )
    }

    pub(crate) fn method_not_allowed() -> Self {
        Problem::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "urn:rosa:problem:method-not-allowed",
            "Method Not Allowed",
            "this resource does not support the method; the Allow header lists those it does"
                .into(),
        )
    }

    pub(crate) fn timeout(limit: std::time::Duration) -> Self {
        Problem::new(
            StatusCode::REQUEST_TIMEOUT,
            "urn:rosa:problem:timeout",
            "Request Timeout",
            format!(
                "the request was not complete within {} ms",
                limit.as_millis()
            ),
        )
    }

    /// `/health/ready` while a kommun has no ruleset to decide with.
    pub(crate) fn not_ready() -> Self {
        Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "urn:rosa:problem:not-ready",
            "Service Unavailable",
            "not every kommun has a ruleset loaded yet".into(),
        )
    }

    pub(crate) fn body_too_large(limit: usize) -> Self {
        Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "urn:rosa:problem:body-too-large",
            "Content Too Large",
            format!("the request body is larger than the limit of {limit} bytes"),
        )
    }

    pub(crate) fn too_many_items(items: usize, limit: usize) -> Self {
        Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "urn:rosa:problem:too-many-items",
            "Content Too Large",
            format!("the batch has {items} inquiries; at most {limit} are allowed per request"),
        )
    }

    pub(crate) fn answer_too_large(bound: usize, limit: usize) -> Self {
        Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "urn:rosa:problem:answer-too-large",
            "Content Too Large",
            format!(
                "the batch's answer could take {bound} bytes; the limit is {limit} bytes: \
                 send fewer inquiries per request"
            ),
        )
    }

    pub(crate) fn unsupported_media_type() -> Self {
        Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "urn:rosa:problem:unsupported-media-type",
            "Unsupported Media Type",
            "send the body as JSON with `Content-Type: application/json`".into(),
        )
    }

    /// The body could not be read for another reason than its size (connection broke).
    pub(crate) fn unreadable_body(detail: String) -> Self {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "urn:rosa:problem:unreadable-body",
            "Bad Request",
            detail,
        )
    }

    pub(crate) fn internal(detail: String) -> Self {
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "urn:rosa:problem:internal",
            "Internal Server Error",
            detail,
        )
    }

    pub(crate) fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        // Serialising plain strings and numbers cannot fail; keep a fallback anyway.
        let body = serde_json::to_vec(&self).unwrap_or_else(|_| b"{}".to_vec());
        let mut response = (self.status_code(), body).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        response
    }
}

/// Fallback for paths that match no route.
pub(crate) async fn not_found() -> Problem {
    Problem::not_found()
}

/// Fallback for a known path with the wrong method (axum adds the `Allow` header).
pub(crate) async fn method_not_allowed() -> Problem {
    Problem::method_not_allowed()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_rfc9457_members() {
        let p = Problem::invalid_inquiry("x".into()).with_error("/case_type".into(), "y".into());
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(json["type"], "urn:rosa:problem:invalid-inquiry");
        assert_eq!(json["status"], 400);
        assert_eq!(json["errors"][0]["pointer"], "/case_type");
        let plain = serde_json::to_value(Problem::not_found()).unwrap();
        assert!(plain.get("errors").is_none());
    }

    #[test]
    fn response_has_problem_content_type() {
        let r = Problem::unsupported_media_type().into_response();
        assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert_eq!(r.headers()[header::CONTENT_TYPE], PROBLEM_JSON);
    }
}
