//! The inquiry a kundtjänst system asks about. No personal data: a case type, the
//! part, the channel, the time and the attributes the rules need.

use crate::model::AttrValue;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::mem::ManuallyDrop;
use std::ops::{Deref, DerefMut};

/// One inquiry. It borrows its strings where it can, so that asking about a type,
/// part and channel the caller already holds costs no allocation; the same type is
/// the owned serde form (`Inquiry<'static>`) for JSON.
///
/// JSON: `{"case_type": "bygglov", "part": "bedomning", "channel": "telefon",
/// "time": "2026-03-02T10:15", "attributes": {"belopp": 5000}}`; only `case_type` is
/// required. The Swedish names `arendetyp`, `delmoment`, `kanal`, `tid` and `attribut`
/// are accepted too.
///
/// ```
/// use rosa::Inquiry;
/// let channel = String::from("telefon");
/// let inquiry = Inquiry::new("va-faktura").part("avbetalning").channel(&channel).attr("belopp", 12000);
/// assert_eq!(inquiry.channel.as_deref(), Some("telefon"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inquiry<'a> {
    /// The ärendetyp id.
    #[serde(alias = "arendetyp")]
    pub case_type: Cow<'a, str>,
    /// The delmoment id, if the inquiry is about one.
    #[serde(default, alias = "delmoment", skip_serializing_if = "Option::is_none")]
    pub part: Option<Cow<'a, str>>,
    /// The channel (`telefon`, `e-post`, …), if known.
    #[serde(default, alias = "kanal", skip_serializing_if = "Option::is_none")]
    pub channel: Option<Cow<'a, str>>,
    /// Local time in ISO 8601 (`2026-03-02T10:15`, or with `Z`/offset).
    #[serde(default, alias = "tid", skip_serializing_if = "Option::is_none")]
    pub time: Option<Cow<'a, str>>,
    /// Attributes that guarded rules may read (declared in the policy).
    #[serde(
        default,
        alias = "attribut",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub attributes: Attributes<'a>,
}

impl<'a> Inquiry<'a> {
    /// An inquiry about an ärendetyp; the builder methods add the rest.
    pub fn new(case_type: impl Into<Cow<'a, str>>) -> Self {
        Inquiry {
            case_type: case_type.into(),
            ..Inquiry::default()
        }
    }

    /// The delmoment.
    pub fn part(mut self, part: impl Into<Cow<'a, str>>) -> Self {
        self.part = Some(part.into());
        self
    }

    /// The channel.
    pub fn channel(mut self, channel: impl Into<Cow<'a, str>>) -> Self {
        self.channel = Some(channel.into());
        self
    }

    /// The local time, ISO 8601.
    pub fn time(mut self, time: impl Into<Cow<'a, str>>) -> Self {
        self.time = Some(time.into());
        self
    }

    /// One attribute.
    pub fn attr(mut self, name: impl Into<Cow<'a, str>>, value: impl Into<AttrValue>) -> Self {
        self.attributes.insert(name.into(), value.into());
        self
    }

    /// The same inquiry, owning all its strings.
    pub fn into_owned(self) -> Inquiry<'static> {
        let own = |c: Cow<'a, str>| Cow::Owned(c.into_owned());
        Inquiry {
            case_type: own(self.case_type),
            part: self.part.map(own),
            channel: self.channel.map(own),
            time: self.time.map(own),
            attributes: self
                .attributes
                .into_inner()
                .into_iter()
                .map(|(k, v)| (own(k), v))
                .collect(),
        }
    }
}

/// An inquiry's attributes by name: a map (it derefs to the `BTreeMap`) that costs
/// nothing to drop when empty. Most inquiries carry none, and dropping an empty
/// `BTreeMap` still walks its iterator: on the decide path that was as much work as
/// finding the unit.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Attributes<'a>(ManuallyDrop<BTreeMap<Cow<'a, str>, AttrValue>>);

impl<'a> Attributes<'a> {
    /// The map itself.
    pub fn into_inner(mut self) -> BTreeMap<Cow<'a, str>, AttrValue> {
        std::mem::take(&mut *self.0)
    }
}

impl Drop for Attributes<'_> {
    #[inline]
    fn drop(&mut self) {
        // An empty map owns no allocation, so leaving it undropped leaks nothing.
        if !self.0.is_empty() {
            drop(std::mem::take(&mut *self.0));
        }
    }
}

impl<'a> Deref for Attributes<'a> {
    type Target = BTreeMap<Cow<'a, str>, AttrValue>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl DerefMut for Attributes<'_> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl Serialize for Attributes<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de, 'a> Deserialize<'de> for Attributes<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        BTreeMap::deserialize(deserializer).map(Attributes::from)
    }
}

impl<'a> From<BTreeMap<Cow<'a, str>, AttrValue>> for Attributes<'a> {
    fn from(map: BTreeMap<Cow<'a, str>, AttrValue>) -> Self {
        Attributes(ManuallyDrop::new(map))
    }
}

impl<'a> FromIterator<(Cow<'a, str>, AttrValue)> for Attributes<'a> {
    fn from_iter<I: IntoIterator<Item = (Cow<'a, str>, AttrValue)>>(iter: I) -> Self {
        BTreeMap::from_iter(iter).into()
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
