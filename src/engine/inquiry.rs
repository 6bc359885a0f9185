//! The inquiry a kundtjänst system asks about. No personal data: a case type, the
//! part, the channel, the time and the attributes the rules need.

use crate::model::AttrValue;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::mem::ManuallyDrop;
use std::ops::{Deref, DerefMut};

/// One inquiry, borrowed from strings the caller holds. It owns nothing and is `Copy`,
/// so asking costs a few stores and no drop: with owned-or-borrowed strings, building
/// and dropping the inquiry had been as much work as deciding it. [`OwnedInquiry`] is
/// the owned form, and the one serde reads from JSON.
///
/// ```
/// use rosa::{Attributes, Inquiry};
/// let channel = String::from("telefon");
/// let attributes = Attributes::new().with("belopp", 12000);
/// let inquiry = Inquiry::new("va-faktura")
///     .part("avbetalning")
///     .channel(&channel)
///     .attributes(&attributes);
/// assert_eq!(inquiry.channel, Some("telefon"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Inquiry<'a> {
    /// The ärendetyp id.
    pub case_type: &'a str,
    /// The delmoment id, if the inquiry is about one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part: Option<&'a str>,
    /// The channel (`telefon`, `e-post`, …), if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<&'a str>,
    /// Local time in ISO 8601 (`2026-03-02T10:15`, or with `Z`/offset).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<&'a str>,
    /// Attributes that guarded rules may read (declared in the policy).
    #[serde(skip_serializing_if = "no_attributes_lent")]
    pub attributes: &'a Attributes<'a>,
}

fn no_attributes(attributes: &Attributes) -> bool {
    attributes.is_empty()
}

fn no_attributes_lent(attributes: &&Attributes) -> bool {
    attributes.is_empty()
}

/// What an inquiry without attributes points to.
static NO_ATTRIBUTES: Attributes<'static> = Attributes::new();

impl<'a> Inquiry<'a> {
    /// An inquiry about an ärendetyp; the builder methods add the rest.
    pub fn new(case_type: &'a str) -> Self {
        Inquiry {
            case_type,
            part: None,
            channel: None,
            time: None,
            attributes: &NO_ATTRIBUTES,
        }
    }

    /// The delmoment.
    pub fn part(self, part: &'a str) -> Self {
        Inquiry {
            part: Some(part),
            ..self
        }
    }

    /// The channel.
    pub fn channel(self, channel: &'a str) -> Self {
        Inquiry {
            channel: Some(channel),
            ..self
        }
    }

    /// The local time, ISO 8601.
    pub fn time(self, time: &'a str) -> Self {
        Inquiry {
            time: Some(time),
            ..self
        }
    }

    /// The attributes guarded rules may read.
    pub fn attributes(self, attributes: &'a Attributes<'a>) -> Self {
        Inquiry { attributes, ..self }
    }

    /// The view of an inquiry whose holder keeps its texts as `String`s or `Cow`s: the
    /// ärendetyp, then the optional delmoment, channel and time.
    pub(crate) fn of<S: Deref<Target = str>>(
        case_type: &'a S,
        [part, channel, time]: [&'a Option<S>; 3],
        attributes: &'a Attributes<'a>,
    ) -> Self {
        Inquiry {
            case_type,
            part: part.as_deref(),
            channel: channel.as_deref(),
            time: time.as_deref(),
            attributes,
        }
    }

    /// The same inquiry, owning all its strings.
    pub fn to_owned_inquiry(&self) -> OwnedInquiry {
        let own = |text: Option<&str>| text.map(str::to_owned);
        OwnedInquiry {
            case_type: self.case_type.to_owned(),
            part: own(self.part),
            channel: own(self.channel),
            time: own(self.time),
            attributes: self.attributes.to_owned_names(),
        }
    }
}

/// An inquiry that owns its strings: what JSON, a log row or a test holds, lent to the
/// engine as an [`Inquiry`] by [`OwnedInquiry::view`].
///
/// JSON: `{"case_type": "bygglov", "part": "bedomning", "channel": "telefon",
/// "time": "2026-03-02T10:15", "attributes": {"belopp": 5000}}`; only `case_type` is
/// required. The Swedish names `arendetyp`, `delmoment`, `kanal`, `tid` and `attribut`
/// are accepted too.
///
/// ```
/// use rosa::{Engine, OwnedInquiry, Outcome, Ruleset};
/// let engine = Engine::new(&Ruleset::load("rulesets/exempelkommun").unwrap());
/// let inquiry: OwnedInquiry =
///     serde_json::from_str(r#"{"arendetyp": "bygglov-status", "kanal": "telefon"}"#).unwrap();
/// assert_eq!(engine.decide(&inquiry.view()).outcome, Outcome::Scripted);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OwnedInquiry {
    /// The ärendetyp id.
    #[serde(alias = "arendetyp")]
    pub case_type: String,
    /// The delmoment id, if the inquiry is about one.
    #[serde(default, alias = "delmoment", skip_serializing_if = "Option::is_none")]
    pub part: Option<String>,
    /// The channel (`telefon`, `e-post`, …), if known.
    #[serde(default, alias = "kanal", skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// Local time in ISO 8601 (`2026-03-02T10:15`, or with `Z`/offset).
    #[serde(default, alias = "tid", skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// Attributes that guarded rules may read (declared in the policy).
    #[serde(default, alias = "attribut", skip_serializing_if = "no_attributes")]
    pub attributes: Attributes<'static>,
}

impl OwnedInquiry {
    /// The inquiry as the engine reads it, borrowing these strings.
    pub fn view(&self) -> Inquiry<'_> {
        let optional = [&self.part, &self.channel, &self.time];
        Inquiry::of(&self.case_type, optional, &self.attributes)
    }
}

impl From<Inquiry<'_>> for OwnedInquiry {
    fn from(inquiry: Inquiry<'_>) -> Self {
        inquiry.to_owned_inquiry()
    }
}

/// An inquiry's attributes by name (it derefs to the `BTreeMap`); names are borrowed
/// where the caller holds them. It costs nothing to drop when empty: most inquiries
/// carry none, and dropping an empty `BTreeMap` still walks its iterator, which on the
/// server's decision route was as much work as finding the unit.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Attributes<'a>(ManuallyDrop<BTreeMap<Cow<'a, str>, AttrValue>>);

impl<'a> Attributes<'a> {
    /// No attributes.
    pub const fn new() -> Self {
        Attributes(ManuallyDrop::new(BTreeMap::new()))
    }

    /// These attributes and one more.
    pub fn with(mut self, name: impl Into<Cow<'a, str>>, value: impl Into<AttrValue>) -> Self {
        self.0.insert(name.into(), value.into());
        self
    }

    /// The map itself.
    pub fn into_inner(mut self) -> BTreeMap<Cow<'a, str>, AttrValue> {
        std::mem::take(&mut *self.0)
    }

    /// The same attributes, owning their names.
    pub fn to_owned_names(&self) -> Attributes<'static> {
        let own =
            |(name, value): (&Cow<str>, &AttrValue)| (Cow::Owned(name.to_string()), value.clone());
        self.0.iter().map(own).collect()
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
