//! The inquiry a kundtjänst system asks about. No personal data: a case type, the
//! part, the channel, the time and the attributes the rules need.

use crate::model::AttrValue;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One inquiry. JSON: `{"case_type": "bygglov", "part": "bedomning", "channel": "telefon",
/// "time": "2026-03-02T10:15", "attributes": {"belopp": 5000}}`; only `case_type` is
/// required. The Swedish names `arendetyp`, `delmoment`, `kanal`, `tid` and `attribut`
/// are accepted too.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inquiry {
    #[serde(alias = "arendetyp")]
    pub case_type: String,
    #[serde(default, alias = "delmoment", skip_serializing_if = "Option::is_none")]
    pub part: Option<String>,
    #[serde(default, alias = "kanal", skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// Local time in ISO 8601 (`2026-03-02T10:15`, or with `Z`/offset).
    #[serde(default, alias = "tid", skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    #[serde(
        default,
        alias = "attribut",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub attributes: BTreeMap<String, AttrValue>,
}

impl Inquiry {
    pub fn new(case_type: impl Into<String>) -> Self {
        Inquiry {
            case_type: case_type.into(),
            ..Inquiry::default()
        }
    }

    pub fn part(mut self, part: impl Into<String>) -> Self {
        self.part = Some(part.into());
        self
    }

    pub fn channel(mut self, channel: impl Into<String>) -> Self {
        self.channel = Some(channel.into());
        self
    }

    pub fn time(mut self, time: impl Into<String>) -> Self {
        self.time = Some(time.into());
        self
    }

    pub fn attr(mut self, name: impl Into<String>, value: impl Into<AttrValue>) -> Self {
        self.attributes.insert(name.into(), value.into());
        self
    }
}

impl From<bool> for AttrValue {
    fn from(b: bool) -> Self {
        AttrValue::Bool(b)
    }
}

impl From<f64> for AttrValue {
    fn from(n: f64) -> Self {
        AttrValue::Number(n)
    }
}

impl From<i64> for AttrValue {
    fn from(n: i64) -> Self {
        AttrValue::Number(n as f64)
    }
}

impl From<&str> for AttrValue {
    fn from(s: &str) -> Self {
        AttrValue::Text(s.to_string())
    }
}

impl From<String> for AttrValue {
    fn from(s: String) -> Self {
        AttrValue::Text(s)
    }
}

/// `5000`, `12.5` or `12,5`; only numbers that look like numbers (not `inf` or `nan`).
fn parse_number(text: &str) -> Option<f64> {
    let looks_numeric = text.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '+');
    if !looks_numeric {
        return None;
    }
    let n = if text.contains(',') {
        text.replace(',', ".").parse::<f64>().ok()?
    } else {
        text.parse::<f64>().ok()?
    };
    n.is_finite().then_some(n)
}

impl AttrValue {
    /// Read a value as typed on a command line or in a CSV cell: `ja`/`true`, numbers, text.
    pub fn from_text(text: &str) -> AttrValue {
        match text {
            "ja" | "sant" | "true" => AttrValue::Bool(true),
            "nej" | "falskt" | "false" => AttrValue::Bool(false),
            _ => parse_number(text)
                .map_or_else(|| AttrValue::Text(text.to_string()), AttrValue::Number),
        }
    }
}
