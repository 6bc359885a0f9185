//! A JSON Schema (2020-12, as OpenAPI 3.1 uses it) validator for the keywords
//! src/serve/openapi.json uses. A keyword it does not know fails the test: the
//! document cannot use a constraint these tests silently skip.

use serde_json::Value;

pub struct Document {
    pub root: Value,
}

const ANNOTATIONS: &[&str] = &[
    "description",
    "example",
    "examples",
    "format",
    "title",
    "deprecated",
];

impl Document {
    pub fn load() -> Document {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/serve/openapi.json");
        let text = std::fs::read_to_string(path).expect("openapi.json");
        Document {
            root: serde_json::from_str(&text).expect("openapi.json is JSON"),
        }
    }

    /// The schema at a JSON pointer into the document, e.g. `/components/schemas/Inquiry`.
    pub fn schema(&self, pointer: &str) -> &Value {
        self.root
            .pointer(pointer)
            .unwrap_or_else(|| panic!("no schema at {pointer}"))
    }

    /// Every way `value` breaks the schema at `pointer`; empty when it is valid.
    pub fn errors(&self, pointer: &str, value: &Value) -> Vec<String> {
        let mut out = Vec::new();
        self.check(self.schema(pointer), value, "", &mut out);
        out
    }

    pub fn assert_valid(&self, pointer: &str, value: &Value) {
        let errors = self.errors(pointer, value);
        assert!(errors.is_empty(), "{value} against {pointer}: {errors:#?}");
    }

    fn check(&self, schema: &Value, value: &Value, at: &str, out: &mut Vec<String>) {
        let schema = match schema {
            Value::Bool(true) => return,
            Value::Bool(false) => return out.push(format!("{at}: nothing is allowed here")),
            Value::Object(map) => map,
            other => panic!("not a schema: {other}"),
        };
        for (keyword, arg) in schema {
            let fail = |out: &mut Vec<String>, why: String| out.push(format!("{at}: {why}"));
            match keyword.as_str() {
                "$ref" => {
                    let target = arg
                        .as_str()
                        .and_then(|r| r.strip_prefix('#'))
                        .expect("local $ref");
                    self.check(self.schema(target), value, at, out);
                }
                "type" => {
                    let types: Vec<&str> = match arg {
                        Value::String(t) => vec![t.as_str()],
                        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
                        _ => panic!("type: {arg}"),
                    };
                    if !types.iter().any(|t| has_type(value, t)) {
                        fail(out, format!("{value} is not {types:?}"));
                    }
                }
                "enum" => {
                    if !arg.as_array().expect("enum").contains(value) {
                        fail(out, format!("{value} is not one of {arg}"));
                    }
                }
                "const" => {
                    if arg != value {
                        fail(out, format!("{value} is not {arg}"));
                    }
                }
                "pattern" => {
                    if let Value::String(s) = value {
                        let re = regex::Regex::new(arg.as_str().expect("pattern")).expect("regex");
                        if !re.is_match(s) {
                            fail(out, format!("{s:?} does not match {arg}"));
                        }
                    }
                }
                "minimum" | "maximum" => {
                    if let Some(n) = value.as_f64() {
                        let bound = arg.as_f64().expect("bound");
                        if (keyword == "minimum" && n < bound)
                            || (keyword == "maximum" && n > bound)
                        {
                            fail(out, format!("{n} is outside the {keyword} {bound}"));
                        }
                    }
                }
                "required" => {
                    if let Value::Object(object) = value {
                        for name in arg.as_array().expect("required") {
                            let name = name.as_str().expect("name");
                            if !object.contains_key(name) {
                                fail(out, format!("`{name}` is missing"));
                            }
                        }
                    }
                }
                "properties" => {
                    if let Value::Object(object) = value {
                        for (name, sub) in arg.as_object().expect("properties") {
                            if let Some(v) = object.get(name) {
                                self.check(sub, v, &format!("{at}/{name}"), out);
                            }
                        }
                    }
                }
                "additionalProperties" => {
                    if let Value::Object(object) = value {
                        let known = schema.get("properties").and_then(Value::as_object);
                        for (name, v) in object {
                            if !known.is_some_and(|k| k.contains_key(name)) {
                                self.check(arg, v, &format!("{at}/{name}"), out);
                            }
                        }
                    }
                }
                "propertyNames" => {
                    if let Value::Object(object) = value {
                        for name in object.keys() {
                            self.check(
                                arg,
                                &Value::String(name.clone()),
                                &format!("{at}/{name}"),
                                out,
                            );
                        }
                    }
                }
                "items" => {
                    if let Value::Array(items) = value {
                        for (i, v) in items.iter().enumerate() {
                            self.check(arg, v, &format!("{at}/{i}"), out);
                        }
                    }
                }
                "maxItems" | "minItems" => {
                    if let Value::Array(items) = value {
                        let bound = arg.as_u64().expect("bound") as usize;
                        if (keyword == "maxItems" && items.len() > bound)
                            || (keyword == "minItems" && items.len() < bound)
                        {
                            fail(
                                out,
                                format!("{} items is outside {keyword} {bound}", items.len()),
                            );
                        }
                    }
                }
                "allOf" | "anyOf" | "oneOf" => {
                    let results: Vec<Vec<String>> = arg
                        .as_array()
                        .expect("subschemas")
                        .iter()
                        .map(|sub| {
                            let mut errors = Vec::new();
                            self.check(sub, value, at, &mut errors);
                            errors
                        })
                        .collect();
                    let passed = results.iter().filter(|e| e.is_empty()).count();
                    let ok = match keyword.as_str() {
                        "allOf" => passed == results.len(),
                        "anyOf" => passed >= 1,
                        _ => passed == 1,
                    };
                    if !ok {
                        fail(
                            out,
                            format!(
                                "{keyword}: {passed} of {} match: {results:?}",
                                results.len()
                            ),
                        );
                    }
                }
                "not" => {
                    let mut errors = Vec::new();
                    self.check(arg, value, at, &mut errors);
                    if errors.is_empty() {
                        fail(out, format!("matches `not` {arg}"));
                    }
                }
                other if ANNOTATIONS.contains(&other) => {}
                other => panic!("the test validator does not know the keyword `{other}`"),
            }
        }
    }
}

fn has_type(value: &Value, name: &str) -> bool {
    match name {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        "number" => value.is_number(),
        "integer" => {
            value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        other => panic!("unknown type {other}"),
    }
}
