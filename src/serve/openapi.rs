//! The OpenAPI 3.1 document served at `/api-docs`. Hand-written (openapi.json next to
//! this file) and checked against the running server by `scripts/contract-test.sh`.

/// The document, as served.
pub const DOCUMENT: &str = include_str!("openapi.json");

#[cfg(test)]
mod tests {
    use super::DOCUMENT;
    use serde_json::Value;

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
            "/municipalities",
            "/api-docs",
            "/{kommunkod}/ruleset",
            "/{kommunkod}/decisions",
            "/{kommunkod}/decisions/batch",
        ] {
            assert!(paths.contains_key(path), "{path} is documented");
        }
    }

    #[test]
    fn documents_the_limits_in_force() {
        let limits = crate::serve::Limits::default();
        let doc = document();
        let batch = &doc["paths"]["/{kommunkod}/decisions/batch"]["post"];
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
