//! `test` blocks: an inquiry and the outcome the förvaltning agreed, run by `rosa test`.

use super::{Checker, duplicate, keyword_of, names, outcome_of};
use crate::diagnostics::{Code, Diagnostic};
use crate::model::{self, AttrValue};
use crate::source::Span;
use crate::syntax::ast::{self, Block, StmtKind};
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;

impl Checker<'_> {
    pub(super) fn tests(
        &mut self,
        blocks: Vec<&Block>,
        types: &[model::Arendetyp],
        policy: &model::Policy,
    ) -> Vec<model::TestCase> {
        let mut first_name: FxHashMap<String, Span> = FxHashMap::default();
        let mut out = Vec::new();
        for block in blocks {
            let name = block
                .name
                .as_ref()
                .map(|n| n.value.clone())
                .unwrap_or_default();
            if let Some(first) = first_name.get(&name) {
                let ident = ast::Ident {
                    name: name.clone(),
                    span: block.name.as_ref().map_or(block.keyword, |n| n.span),
                };
                self.error(duplicate(&ident, *first, "testet"));
                continue;
            }
            first_name.insert(
                name.clone(),
                block.name.as_ref().map_or(block.keyword, |n| n.span),
            );
            if let Some(test) = self.test(block, name, types, policy) {
                out.push(test);
            }
        }
        out
    }

    fn test(
        &mut self,
        block: &Block,
        name: String,
        types: &[model::Arendetyp],
        policy: &model::Policy,
    ) -> Option<model::TestCase> {
        let mut seen = FxHashMap::default();
        let mut case_type: Option<&ast::Ident> = None;
        let mut part: Option<&ast::Ident> = None;
        let mut channel = None;
        let mut time = None;
        let mut attributes = BTreeMap::new();
        let mut expected = None;
        let mut expected_forvaltning = None;
        let mut valid = true;
        for stmt in &block.stmts {
            if !self.first_time(&mut seen, keyword_of(&stmt.kind), stmt.span) {
                valid = false;
                continue;
            }
            match &stmt.kind {
                StmtKind::TestArendetyp(id) => case_type = Some(id),
                StmtKind::TestDelmoment(id) => part = Some(id),
                StmtKind::TestKanal(id) => match model::Channel::parse(&id.name) {
                    Some(c) => channel = Some(c.name().to_string()),
                    None => {
                        self.unknown_channel(id);
                        valid = false;
                    }
                },
                StmtKind::TestTid(text) => match crate::clock::LocalTime::parse(&text.value) {
                    Ok(_) => time = Some(text.value.clone()),
                    Err(e) => {
                        self.error(
                            Diagnostic::new(Code::InvalidValue, text.span, e.to_string())
                                .help("skriv t.ex. `tid 2026-03-02T10:00`"),
                        );
                        valid = false;
                    }
                },
                StmtKind::TestAttribut(pairs) => {
                    valid &= self.test_attributes(pairs, policy, &mut attributes)
                }
                StmtKind::TestForvantat { outcome, till } => {
                    expected = Some(outcome_of(outcome.value));
                    if let Some(till) = till {
                        valid &= self.forvaltning_id(till).is_some();
                        expected_forvaltning = Some(till.name.clone());
                    }
                }
                _ => {}
            }
        }
        let (Some(case_type), Some(expected)) = (case_type, expected) else {
            let missing = if case_type.is_none() {
                "ärendetyp"
            } else {
                "förväntat"
            };
            self.error(
                Diagnostic::new(Code::IncompleteTest, block.keyword, format!("testet `{name}` saknar `{missing}`"))
                    .help("ett test behöver minst `ärendetyp ID` och `förväntat direkt|manus|vidarekoppla`"),
            );
            return None;
        };
        valid &= self.test_names_exist(case_type, part, types);
        valid.then(|| model::TestCase {
            name,
            case_type: case_type.name.clone(),
            part: part.map(|p| p.name.clone()),
            channel,
            time,
            attributes,
            expected,
            expected_forvaltning,
            location: self.location(block.keyword),
        })
    }

    fn test_attributes(
        &mut self,
        pairs: &[(ast::Ident, ast::Word<ast::Value>)],
        policy: &model::Policy,
        out: &mut BTreeMap<String, AttrValue>,
    ) -> bool {
        let mut valid = true;
        for (name, value) in pairs {
            let Some(declared) = policy.attributes.iter().find(|a| a.name == name.name) else {
                let hint = names::did_you_mean(
                    &name.name,
                    policy.attributes.iter().map(|a| a.name.as_str()),
                );
                self.error(
                    Diagnostic::new(
                        Code::UnknownInTest,
                        name.span,
                        format!("attributet `{}` är inte deklarerat i policyn", name.name),
                    )
                    .help(format!(
                        "deklarera det med `attribut` i kundtjänstblocket.{hint}"
                    )),
                );
                valid = false;
                continue;
            };
            let span = value.span;
            let value = match &value.value {
                ast::Value::Text(t) => AttrValue::Text(t.clone()),
                ast::Value::Number(n) => AttrValue::Number(*n),
                ast::Value::Bool(b) => AttrValue::Bool(*b),
            };
            if let Some(kind) = declared.kind
                && !kind.matches(&value)
            {
                self.error(
                    Diagnostic::new(
                        Code::InvalidValue,
                        span,
                        format!(
                            "attributet `{}` är deklarerat som {}",
                            name.name,
                            kind.words()
                        ),
                    )
                    .help(format!(
                        "ge `{}` ett värde som är {}",
                        name.name,
                        kind.words()
                    )),
                );
                valid = false;
                continue;
            }
            out.insert(name.name.clone(), value);
        }
        valid
    }

    fn test_names_exist(
        &mut self,
        case_type: &ast::Ident,
        part: Option<&ast::Ident>,
        types: &[model::Arendetyp],
    ) -> bool {
        let Some(typ) = types.iter().find(|t| t.id == case_type.name) else {
            if !self.incomplete && !self.broken_types.contains(&case_type.name) {
                let hint =
                    names::did_you_mean(&case_type.name, types.iter().map(|t| t.id.as_str()));
                self.error(
                    Diagnostic::new(
                        Code::UnknownInTest,
                        case_type.span,
                        format!("testet nämner den okända ärendetypen `{}`", case_type.name),
                    )
                    .label("finns inte")
                    .help(format!(
                        "ange id för en ärendetyp i regeluppsättningen.{hint}"
                    )),
                );
            }
            return false;
        };
        let Some(part) = part else { return true };
        if typ.unit(&part.name).is_some() {
            return true;
        }
        if self.broken_types.contains(&typ.id) {
            return false;
        }
        let known: Vec<&str> = typ.units.iter().filter_map(|u| u.part.as_deref()).collect();
        let hint = names::did_you_mean(&part.name, known.iter().copied());
        let help = if known.is_empty() {
            format!("ärendetypen `{}` har inga delmoment; ta bort raden", typ.id)
        } else {
            format!(
                "ärendetypen `{}` har delmomenten {}.{hint}",
                typ.id,
                known.join(", ")
            )
        };
        self.error(
            Diagnostic::new(
                Code::UnknownInTest,
                part.span,
                format!("testet nämner det okända delmomentet `{}`", part.name),
            )
            .label("finns inte")
            .help(help),
        );
        false
    }
}
