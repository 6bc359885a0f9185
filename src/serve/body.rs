//! JSON bodies: reading a request's (content type, size, and serde errors that say
//! which field is wrong) and writing an answer's.

use super::problem::Problem;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde::Deserialize;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::error::Category;

/// Check the content type, then the body, then parse it.
pub(super) fn parse_json<T: DeserializeOwned>(
    headers: &HeaderMap,
    body: Result<Bytes, Problem>,
) -> Result<T, Problem> {
    from_slice(&json_body(headers, body)?)
}

/// Check the content type, then the body: the bytes to parse (with [`from_slice`],
/// for a value that borrows from them).
pub(super) fn json_body(
    headers: &HeaderMap,
    body: Result<Bytes, Problem>,
) -> Result<Bytes, Problem> {
    if !is_json(headers) {
        return Err(Problem::unsupported_media_type());
    }
    body
}

/// A body axum read, or the problem of why it could not.
pub(super) fn read_body(
    body: Result<Bytes, BytesRejection>,
    body_limit: usize,
) -> Result<Bytes, Problem> {
    body.map_err(|rejection| body_problem(&rejection, body_limit))
}

/// `value` as an `application/json` answer.
pub(super) fn json<T: Serialize>(value: &T) -> Result<Response, Problem> {
    // A decision is about 1.3 kB: sized once instead of grown by doubling from empty.
    let mut body = Vec::with_capacity(2048);
    serde_json::to_writer(&mut body, value).map_err(|e| Problem::internal(e.to_string()))?;
    Ok(json_bytes(body))
}

/// JSON already written, as an `application/json` answer with the security headers.
pub(super) fn json_bytes(body: Vec<u8>) -> Response {
    let mut response = Response::new(axum::body::Body::from(body));
    *response.headers_mut() = crate::web::json_headers();
    response
}

/// `application/json`, with or without parameters such as `charset=utf-8`.
pub(super) fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return false;
    };
    // What nearly every client sends, before the general reading below.
    if value.as_bytes() == b"application/json" {
        return true;
    }
    Some(value)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

fn body_problem(rejection: &BytesRejection, body_limit: usize) -> Problem {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        Problem::body_too_large(body_limit)
    } else {
        Problem::unreadable_body(rejection.body_text())
    }
}

pub(super) fn from_slice<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Result<T, Problem> {
    // Tracking the path costs an allocation per key: only do it to explain an error.
    // The body is checked as UTF-8 once, so the parser need not check each string.
    match std::str::from_utf8(bytes).map(serde_json::from_str) {
        Ok(Ok(value)) => Ok(value),
        _ => Err(explain::<T>(bytes)),
    }
}

/// Parse again, tracking where in the document the error is.
fn explain<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Problem {
    match from_slice_tracked::<T>(bytes) {
        Err(problem) => problem,
        Ok(_) => Problem::internal("the body failed to parse only once".into()),
    }
}

fn from_slice_tracked<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Result<T, Problem> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let pointer = pointer(e.path(), e.inner());
        json_problem(e.into_inner(), pointer)
    })?;
    // Reject `{...} trailing text`: the body must be one JSON value.
    deserializer
        .end()
        .map_err(|e| json_problem(e, String::new()))?;
    Ok(value)
}

fn json_problem(error: serde_json::Error, pointer: String) -> Problem {
    // serde quotes the offending value whole: a huge string would come back in full.
    let detail = crate::bounds::bounded(&error.to_string());
    match error.classify() {
        Category::Data => Problem::invalid_inquiry(format!("the inquiry is not valid: {detail}"))
            .with_error(pointer, detail),
        Category::Syntax | Category::Eof | Category::Io => {
            Problem::invalid_json(format!("the body is not valid JSON: {detail}"))
        }
    }
}

/// The JSON Pointer to the wrong value. For a missing field serde reports the object
/// that lacks it, so the field's name is added from the message.
fn pointer(path: &serde_path_to_error::Path, error: &serde_json::Error) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => push_token(&mut out, &index.to_string()),
            Segment::Map { key } => push_token(&mut out, key),
            Segment::Enum { variant } => push_token(&mut out, variant),
            Segment::Unknown => push_token(&mut out, "?"),
        }
    }
    if let Some(field) = missing_field(&error.to_string()) {
        push_token(&mut out, field);
    }
    out
}

fn missing_field(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("missing field `")?;
    rest.split('`').next()
}

fn push_token(out: &mut String, token: &str) {
    out.push('/');
    out.push_str(&token.replace('~', "~0").replace('/', "~1"));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::OwnedInquiry as Inquiry;

    fn problem_for<T: DeserializeOwned + std::fmt::Debug>(json: &str) -> Problem {
        from_slice::<T>(json.as_bytes()).unwrap_err()
    }

    #[test]
    fn pointers_name_the_wrong_field() {
        let p = problem_for::<Inquiry>(r#"{"case_type": "a", "attributes": {"x/y": null}}"#);
        assert_eq!(p.errors[0].pointer, "/attributes/x~1y");
        let p = problem_for::<Inquiry>(r#"{"case_type": "a", "personnummer": "1"}"#);
        assert_eq!(p.errors[0].pointer, "/personnummer");
        let p = problem_for::<Inquiry>(r#"{"channel": "telefon"}"#);
        assert_eq!(p.errors[0].pointer, "/case_type");
        let p = problem_for::<Vec<Inquiry>>(r#"[{"case_type": "a"}, {"case_type": 5}]"#);
        assert_eq!(p.errors[0].pointer, "/1/case_type");
    }

    #[test]
    fn syntax_errors_are_invalid_json() {
        for body in ["", "{", "{\"case_type\": \"a\"} x", "nul"] {
            let p = problem_for::<Inquiry>(body);
            assert_eq!(p.kind, "urn:rosa:problem:invalid-json", "{body:?}");
            assert!(p.errors.is_empty());
        }
    }

    #[test]
    fn json_content_types() {
        let mut h = HeaderMap::new();
        assert!(!is_json(&h));
        for (value, ok) in [
            ("application/json", true),
            ("Application/JSON; charset=utf-8", true),
            ("text/plain", false),
            ("application/jsonx", false),
        ] {
            h.insert(header::CONTENT_TYPE, value.parse().unwrap());
            assert_eq!(is_json(&h), ok, "{value}");
        }
    }
}
