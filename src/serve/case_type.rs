//! One ärendetyp as the desk (and any case system) shows it before deciding: its
//! delmoment, the channels kundtjänst serves, what staff must ask, and each unit's
//! manus rendered for the screen.

use crate::model::{Arendetyp, AttrKind, Ruleset, Unit};
use crate::web::markdown;
use pulldown_cmark::HeadingLevel;
use serde::Serialize;

/// `GET /v1/{kommunkod}/case-types/{case_type}`.
#[derive(Debug, Serialize)]
pub(super) struct CaseTypeDetail {
    pub case_type: String,
    pub name: String,
    pub forvaltning: String,
    pub forvaltning_name: String,
    /// The channels kundtjänst serves (the policy's `kanaler`), in the policy's order.
    pub channels: Vec<&'static str>,
    /// The delmoment in file order; one unit with `part: null` for a type without.
    pub parts: Vec<PartDetail>,
}

#[derive(Debug, Serialize)]
pub(super) struct PartDetail {
    pub part: Option<String>,
    pub name: String,
    pub level: u8,
    /// The attributes its guarded rules read: what staff must ask before deciding.
    pub questions: Vec<Question>,
    pub script: Option<ScriptView>,
    /// What kundtjänst answers when it handles the unit directly (`svar`).
    pub answer: Option<AnswerView>,
    /// The kommun's pages about the unit (`länk`), in written order.
    pub links: Vec<LinkView>,
}

#[derive(Debug, Serialize)]
pub(super) struct Question {
    pub attribute: String,
    /// `bool`, `number` or `text`; `null` when the policy leaves it untyped.
    pub kind: Option<&'static str>,
    /// The question to ask, a Swedish sentence: the declared `fråga`, else one built
    /// from the attribute's name.
    pub text: String,
}

#[derive(Debug, Serialize)]
pub(super) struct AnswerView {
    /// The answer as sanitised HTML, its top heading an `<h3>`.
    pub html: String,
}

#[derive(Debug, Serialize)]
pub(super) struct LinkView {
    /// An `http` or `https` address, checked at load.
    pub url: String,
    /// The title as written, or the address's host.
    pub title: String,
}

#[derive(Debug, Serialize)]
pub(super) struct ScriptView {
    pub path: String,
    pub title: String,
    /// The manus as sanitised HTML, its top heading an `<h3>`.
    pub html: String,
}

impl CaseTypeDetail {
    pub(super) fn new(ruleset: &Ruleset, typ: &Arendetyp) -> CaseTypeDetail {
        let forvaltning = &ruleset.forvaltningar()[typ.forvaltning];
        CaseTypeDetail {
            case_type: typ.id.clone(),
            name: typ.name.clone(),
            forvaltning: forvaltning.id.clone(),
            forvaltning_name: forvaltning.name.clone(),
            channels: ruleset.policy().channels.iter().map(|c| c.name()).collect(),
            parts: typ.units.iter().map(|u| part(ruleset, typ, u)).collect(),
        }
    }
}

fn part(ruleset: &Ruleset, typ: &Arendetyp, unit: &Unit) -> PartDetail {
    let questions = ruleset
        .unit_attributes(typ, unit)
        .into_iter()
        .map(|a| Question {
            attribute: a.name.clone(),
            kind: a.kind.map(kind_name),
            text: a.question_text(),
        })
        .collect();
    let script = unit.script.map(|id| {
        let script = &ruleset.scripts()[id];
        ScriptView {
            path: script.path.clone(),
            title: script.title.clone(),
            html: markdown::render(&script.text, HeadingLevel::H3),
        }
    });
    PartDetail {
        part: unit.part.clone(),
        name: unit.name.clone(),
        level: unit.level,
        questions,
        script,
        answer: unit.answer.as_ref().map(|a| AnswerView {
            html: markdown::render(&a.markdown, HeadingLevel::H3),
        }),
        links: unit
            .links
            .iter()
            .map(|l| LinkView {
                url: l.url.clone(),
                title: l.title.clone(),
            })
            .collect(),
    }
}

fn kind_name(kind: AttrKind) -> &'static str {
    match kind {
        AttrKind::Bool => "bool",
        AttrKind::Number => "number",
        AttrKind::Text => "text",
    }
}
