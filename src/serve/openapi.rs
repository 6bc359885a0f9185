//! The OpenAPI 3.1 document served at `/api-docs`. Hand-written (openapi.json next to
//! this file) and checked against the running server by `scripts/contract-test.sh`.

use serde_json::{Value, json};
use std::sync::OnceLock;

/// The document as written; [`served`] adds what only the running server knows.
pub(super) const DOCUMENT: &str = include_str!("openapi.json");

/// The document with the attribute names the served policies declare (their union,
/// when several kommuner are served), so that a client or contract test generated
/// from it sends only names the server accepts. Built per request: rules reload.
pub(super) fn served<'a>(declared: impl Iterator<Item = &'a str>) -> Value {
    static PARSED: OnceLock<Value> = OnceLock::new();
    let mut doc = PARSED
        .get_or_init(|| serde_json::from_str(DOCUMENT).unwrap_or_else(|_| json!({})))
        .clone();
    let mut names: Vec<&str> = declared.collect();
    names.sort_unstable();
    names.dedup();
    let properties = &mut doc["components"]["schemas"]["Inquiry"]["properties"];
    for field in ["attributes", "attribut"] {
        if let Some(schema) = properties.get_mut(field).and_then(Value::as_object_mut) {
            schema.insert("propertyNames".into(), json!({ "enum": names }));
        }
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::DOCUMENT;
    use serde_json::{Value, json};

    fn document() -> Value {
        serde_json::from_str(DOCUMENT).expect("openapi.json is JSON")
    }

    #[test]
    fn is_openapi_3_1_with_every_route() {
        let doc = document();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
        let paths = doc["paths"].as_object().unwrap();
        for path in [
            "/health",
            "/health/live",
            "/health/ready",
            "/municipalities",
            "/api-docs",
            "/{kommunkod}/ruleset",
            "/{kommunkod}/decisions",
            "/{kommunkod}/decisions/batch",
        ] {
            assert!(paths.contains_key(path), "{path} is documented");
            let versioned = format!("/v1{path}");
            assert!(paths.contains_key(&versioned), "{versioned} is documented");
        }
        assert!(paths.contains_key("/metrics"));
    }

    /// Added after versioning: no unversioned twin.
    const V1_ONLY: &[&str] = &["/{kommunkod}/case-types/{case_type}"];

    /// The unversioned paths answer as the `/v1` ones do: their documents may not drift.
    #[test]
    fn unversioned_paths_match_v1() {
        let doc = document();
        let paths = doc["paths"].as_object().unwrap();
        for (path, item) in paths {
            let Some(old) = path.strip_prefix("/v1") else {
                continue;
            };
            if V1_ONLY.contains(&old) {
                assert!(!paths.contains_key(old), "{old} is only under /v1");
                continue;
            }
            let twin = &paths[old];
            for (method, op) in item.as_object().unwrap() {
                let other = &twin[method];
                for key in ["parameters", "requestBody", "responses"] {
                    assert_eq!(op[key], other[key], "{method} {old}: {key}");
                }
                assert_eq!(
                    format!("{}Unversioned", op["operationId"].as_str().unwrap()),
                    other["operationId"]
                );
            }
        }
    }

    #[test]
    fn served_document_names_the_declared_attributes() {
        let doc = super::served(["belopp", "akut", "belopp"].into_iter());
        let attributes = &doc["components"]["schemas"]["Inquiry"]["properties"]["attributes"];
        assert_eq!(
            attributes["propertyNames"]["enum"],
            json!(["akut", "belopp"])
        );
    }

    #[test]
    fn documents_the_limits_in_force() {
        let limits = crate::serve::Limits::default();
        let doc = document();
        let batch = &doc["paths"]["/v1/{kommunkod}/decisions/batch"]["post"];
        let schema = &batch["requestBody"]["content"]["application/json"]["schema"];
        assert_eq!(schema["maxItems"], limits.batch_items);
        let text = batch["description"].as_str().unwrap();
        assert!(text.contains("1 MiB") && limits.body_bytes == 1024 * 1024);
    }

    /// Every `$ref` points at a schema or response that exists.
    #[test]
    fn references_resolve() {
        let doc = document();
        let mut refs = Vec::new();
        collect_refs(&doc, &mut refs);
        assert!(!refs.is_empty());
        for r in refs {
            let pointer = r.strip_prefix('#').expect("local reference");
            assert!(doc.pointer(pointer).is_some(), "{r} resolves");
        }
    }

    fn collect_refs(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, v) in map {
                    match (key.as_str(), v) {
                        ("$ref", Value::String(r)) => out.push(r.clone()),
                        _ => collect_refs(v, out),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
            _ => {}
        }
    }
}
