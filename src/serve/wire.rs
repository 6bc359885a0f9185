//! The inquiry as the HTTP API reads it: stricter than the engine's serde form.
//!
//! The derived `Deserialize` of [`Inquiry`] also takes a positional array
//! (`["bygglov", null, "telefon"]`) and lets a repeated attribute name silently
//! overwrite the first; a case system sending either has a bug it should hear about.
//! Names the policy does not declare are rejected by [`undeclared_attributes`].

use super::problem::Problem;
use crate::model::AttrValue;
use crate::{Attributes, Inquiry};
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

/// One inquiry from a request body, borrowing its strings from the body where JSON
/// wrote them without escapes (an allocation less per field of every decision).
#[derive(Debug, Default)]
pub(super) struct WireInquiry<'a> {
    case_type: Cow<'a, str>,
    part: Option<Cow<'a, str>>,
    channel: Option<Cow<'a, str>>,
    time: Option<Cow<'a, str>>,
    attributes: Attributes<'a>,
}

impl WireInquiry<'_> {
    /// The inquiry as the engine reads it.
    pub(super) fn view(&self) -> Inquiry<'_> {
        let optional = [&self.part, &self.channel, &self.time];
        Inquiry::of(&self.case_type, optional, &self.attributes)
    }
}

/// A string borrowed from the body when it has no escapes, else owned.
struct Text<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Texts;
        impl<'de> Visitor<'de> for Texts {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(text)))
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(text.to_owned())))
            }
            fn visit_string<E: de::Error>(self, text: String) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(text)))
            }
        }
        d.deserialize_str(Texts)
    }
}

/// An optional field's text: `null` or a string.
fn optional_text<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Option<Cow<'de, str>>, A::Error> {
    Ok(map.next_value::<Option<Text<'de>>>()?.map(|t| t.0))
}

const FIELDS: &[&str] = &[
    "case_type",
    "arendetyp",
    "part",
    "delmoment",
    "channel",
    "kanal",
    "time",
    "tid",
    "attributes",
    "attribut",
];

#[derive(Clone, Copy)]
enum Field {
    CaseType,
    Part,
    Channel,
    Time,
    Attributes,
}

impl Field {
    fn name(self) -> &'static str {
        match self {
            Field::CaseType => "case_type",
            Field::Part => "part",
            Field::Channel => "channel",
            Field::Time => "time",
            Field::Attributes => "attributes",
        }
    }
}

impl<'de> Deserialize<'de> for Field {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Names;
        impl Visitor<'_> for Names {
            type Value = Field;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E: de::Error>(self, name: &str) -> Result<Field, E> {
                Ok(match name {
                    "case_type" | "arendetyp" => Field::CaseType,
                    "part" | "delmoment" => Field::Part,
                    "channel" | "kanal" => Field::Channel,
                    "time" | "tid" => Field::Time,
                    "attributes" | "attribut" => Field::Attributes,
                    other => return Err(E::unknown_field(other, FIELDS)),
                })
            }
        }
        d.deserialize_identifier(Names)
    }
}

/// Fails on the value of a key seen before, so the error's pointer names that key.
struct Duplicate<'a> {
    name: &'a str,
    what: &'static str,
}

impl<'de> DeserializeSeed<'de> for Duplicate<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, _: D) -> Result<(), D::Error> {
        Err(de::Error::custom(format_args!(
            "`{}` is given twice{}",
            self.name, self.what
        )))
    }
}

impl<'de> Deserialize<'de> for WireInquiry<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // `deserialize_map`, not `deserialize_struct`: only a JSON object is an inquiry.
        d.deserialize_map(InquiryVisitor)
    }
}

struct InquiryVisitor;

impl<'de> Visitor<'de> for InquiryVisitor {
    type Value = WireInquiry<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an inquiry object such as {\"case_type\": \"bygglov\"}")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut case_type: Option<Cow<'de, str>> = None;
        let mut seen = [false; 5];
        let mut inquiry = WireInquiry::default();
        while let Some(field) = map.next_key::<Field>()? {
            let slot = &mut seen[field as usize];
            if *slot {
                map.next_value_seed(Duplicate {
                    name: field.name(),
                    what: " (its English and Swedish names are the same field)",
                })?;
            }
            *slot = true;
            match field {
                Field::CaseType => case_type = Some(map.next_value::<Text<'de>>()?.0),
                Field::Part => inquiry.part = optional_text(&mut map)?,
                Field::Channel => inquiry.channel = optional_text(&mut map)?,
                Field::Time => inquiry.time = optional_text(&mut map)?,
                Field::Attributes => {
                    inquiry.attributes = map.next_value::<AttributeMap>()?.0.into()
                }
            }
        }
        let case_type = case_type.ok_or_else(|| de::Error::missing_field("case_type"))?;
        inquiry.case_type = case_type;
        Ok(inquiry)
    }
}

struct AttributeMap<'a>(BTreeMap<Cow<'a, str>, AttrValue>);

impl<'de> Deserialize<'de> for AttributeMap<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Values;
        impl<'de> Visitor<'de> for Values {
            type Value = AttributeMap<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of attribute names and values")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<AttributeMap<'de>, A::Error> {
                let mut values = BTreeMap::new();
                while let Some(Text(name)) = map.next_key::<Text<'de>>()? {
                    if values.contains_key(&*name) {
                        map.next_value_seed(Duplicate {
                            name: &name,
                            what: " in `attributes`",
                        })?;
                    }
                    let value = map.next_value()?;
                    values.insert(name, value);
                }
                Ok(AttributeMap(values))
            }
        }
        d.deserialize_map(Values)
    }
}

/// At most this many undeclared attributes are listed in `errors`; the detail gives the
/// count, so 90,000 misspelt names cost one short answer, not megabytes.
pub(super) const MAX_LISTED_ERRORS: usize = 20;
/// An attribute name is quoted in a detail up to this many characters.
const MAX_QUOTED_CHARS: usize = 64;

/// A 400 naming the attributes the policy does not declare (the first
/// [`MAX_LISTED_ERRORS`], with the count of all), with the declared ones: an undeclared
/// name is a misspelling or data the rules must not see.
/// `prefix` is the inquiry's pointer in the body (`""`, or `/3` in a batch).
pub(super) fn undeclared_attributes<'a>(
    inquiries: impl Iterator<Item = (String, &'a Inquiry<'a>)>,
    declared: &[&str],
) -> Result<(), Problem> {
    let mut count = 0usize;
    let mut listed = Vec::new();
    for (prefix, inquiry) in inquiries {
        for name in inquiry.attributes.keys() {
            if declared.contains(&name.as_ref()) {
                continue;
            }
            count += 1;
            if listed.len() < MAX_LISTED_ERRORS {
                let pointer = format!("{prefix}/attributes/{}", escape(name));
                let detail = format!("the policy declares no attribute `{}`", quoted(name));
                listed.push((pointer, detail));
            }
        }
    }
    if count == 0 {
        return Ok(());
    }
    let declared = if declared.is_empty() {
        "none".to_string()
    } else {
        declared.join(", ")
    };
    let detail = match count {
        1 => format!("an attribute is not declared in the policy; declared: {declared}"),
        n if n <= MAX_LISTED_ERRORS => {
            format!("{n} attributes are not declared in the policy; declared: {declared}")
        }
        n => format!(
            "{n} attributes are not declared in the policy (the first {MAX_LISTED_ERRORS} are listed); declared: {declared}"
        ),
    };
    let problem = listed
        .into_iter()
        .fold(Problem::invalid_inquiry(detail), |p, (pointer, detail)| {
            p.with_error(pointer, detail)
        });
    Err(problem)
}

/// A name sent by the client, cut to [`MAX_QUOTED_CHARS`] characters for a message.
fn quoted(name: &str) -> Cow<'_, str> {
    match name.char_indices().nth(MAX_QUOTED_CHARS) {
        Some((end, _)) => Cow::Owned(format!("{}…", &name[..end])),
        None => Cow::Borrowed(name),
    }
}

/// JSON Pointer token escaping (RFC 6901).
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::OwnedInquiry;

    fn parse(json: &str) -> Result<OwnedInquiry, String> {
        serde_json::from_str::<WireInquiry>(json)
            .map(|w| w.view().to_owned_inquiry())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn english_and_swedish_names() {
        let a = parse(r#"{"arendetyp": "x", "delmoment": "y", "kanal": "telefon", "tid": "2026-03-02T10:15", "attribut": {"belopp": 5}}"#).unwrap();
        let b = parse(r#"{"case_type": "x", "part": "y", "channel": "telefon", "time": "2026-03-02T10:15", "attributes": {"belopp": 5}}"#).unwrap();
        assert_eq!(a, b);
        assert_eq!(a, serde_json::from_str::<OwnedInquiry>(r#"{"case_type": "x", "part": "y", "channel": "telefon", "time": "2026-03-02T10:15", "attributes": {"belopp": 5}}"#).unwrap());
    }

    #[test]
    fn positional_arrays_and_duplicates_are_refused() {
        assert!(parse(r#"["x"]"#).is_err());
        assert!(parse(r#"{"case_type": "x", "case_type": "y"}"#).is_err());
        assert!(parse(r#"{"case_type": "x", "arendetyp": "y"}"#).is_err());
        assert!(parse(r#"{"case_type": "x", "attributes": {"a": 1, "a": 2}}"#).is_err());
        assert!(parse(r#"{"case_type": "x", "personnummer": "1"}"#).is_err());
        assert!(parse(r#"{"channel": "telefon"}"#).is_err());
        assert!(parse(r#"{"case_type": "x", "part": null}"#).is_ok());
    }

    #[test]
    fn many_undeclared_attributes_are_counted_and_listed_once() {
        let mut attributes = Attributes::new();
        for i in 0..5000 {
            attributes.insert(Cow::Owned(format!("a{i}")), AttrValue::Bool(true));
        }
        let long = "n".repeat(1000);
        attributes.insert(Cow::Owned(long.clone()), AttrValue::Bool(true));
        let inquiry = Inquiry::new("x").attributes(&attributes);
        let problem =
            undeclared_attributes(std::iter::once((String::new(), &inquiry)), &["belopp"])
                .unwrap_err();
        assert_eq!(problem.errors.len(), MAX_LISTED_ERRORS);
        assert!(
            problem.detail.starts_with("5001 attributes"),
            "{}",
            problem.detail
        );
        assert!(
            problem.detail.contains("declared: belopp"),
            "{}",
            problem.detail
        );
        let size = serde_json::to_vec(&problem).unwrap().len();
        assert!(size < 8 * 1024, "{size} bytes");
        let one = undeclared_attributes(std::iter::once((String::new(), &Inquiry::new("x"))), &[]);
        assert!(one.is_ok());
        assert_eq!(quoted(&long).chars().count(), MAX_QUOTED_CHARS + 1);
    }
}
