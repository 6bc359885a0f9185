//! Warnings: things that load but are probably not what the authors meant.

use super::names;
use crate::diagnostics::{Code, Diagnostic};
use crate::model::method::{self, ChannelSlot};
use crate::model::{Arendetyp, CriterionKind, Outcome, RuleId, Ruleset, Unit};
use crate::source::{SourceMap, Span};
use crate::syntax::ast::{self, Block, StmtKind};
use rustc_hash::FxHashMap;

pub(super) fn run(
    ruleset: &Ruleset,
    files: &[ast::File],
    sources: &SourceMap,
    out: &mut Vec<Diagnostic>,
) {
    // With errors, a unit may lack its script only because the file is missing.
    let has_errors = out
        .iter()
        .any(|d| d.severity() == crate::diagnostics::Severity::Error);
    unreachable_rules(ruleset, sources, out);
    for typ in &ruleset.arendetyper {
        for unit in &typ.units {
            agreement_against_policy(ruleset, typ, unit, out);
            direct_without_answer(ruleset, unit, out);
            if !has_errors {
                script_would_move(ruleset, unit, out);
            }
        }
    }
    identifiers(files, out);
}

/// Each rule list is tried top-down; a rule after an always-true one, an always-false
/// rule, or a repeat of an earlier condition can never decide.
fn unreachable_rules(ruleset: &Ruleset, sources: &SourceMap, out: &mut Vec<Diagnostic>) {
    let lists = std::iter::once(&ruleset.policy.rules)
        .chain(ruleset.forvaltningar.iter().map(|f| &f.rules))
        .chain(ruleset.arendetyper.iter().map(|t| &t.rules))
        .chain(
            ruleset
                .arendetyper
                .iter()
                .flat_map(|t| t.units.iter().map(|u| &u.rules)),
        );
    for list in lists {
        rule_list(ruleset, list, sources, out);
    }
}

fn rule_list(ruleset: &Ruleset, list: &[RuleId], sources: &SourceMap, out: &mut Vec<Diagnostic>) {
    let mut always: Option<Span> = None;
    let mut seen: FxHashMap<String, Span> = FxHashMap::default();
    for &id in list {
        let rule = &ruleset.rules[id];
        let line = |span: Span| sources.get(span.file).line_col(span.start).0;
        let warning = |message: String| Diagnostic::new(Code::UnreachableRule, rule.span, message);
        let constant = rule.condition.constant_value();
        let normalized: String = rule
            .condition
            .source
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if let Some(first) = always {
            out.push(
                warning("regeln kan aldrig avgöra".into())
                    .related(first, "den här regeln gäller alltid och avgör först")
                    .help("flytta regeln före den som alltid gäller, eller ta bort den"),
            );
        } else if constant == Some(false) {
            out.push(
                warning("villkoret är alltid falskt, så regeln kan aldrig avgöra".into())
                    .help("rätta villkoret eller ta bort regeln"),
            );
        } else if let Some(first) = seen.get(&normalized) {
            out.push(
                warning(format!(
                    "regeln har samma villkor som regeln på rad {}, som avgör först",
                    line(*first)
                ))
                .related(*first, "samma villkor här")
                .help("ta bort den ena regeln"),
            );
        }
        if constant == Some(true) && always.is_none() {
            always = Some(rule.span);
        }
        seen.entry(normalized).or_insert(rule.span);
    }
}

/// An explicit agreement that the default method would not give, because of level,
/// sekretess, channel, frequency or a missing system. Forwarding is never a
/// contradiction. The reasons are the method's own failing criteria (one method, see
/// `model::method`), so the warning and `--explain` say the same thing.
fn agreement_against_policy(
    ruleset: &Ruleset,
    typ: &Arendetyp,
    unit: &Unit,
    out: &mut Vec<Diagnostic>,
) {
    let (Some(agreed), Some(span)) = (unit.agreed, unit.agreed_span) else {
        return;
    };
    // A missing script is an error of its own (R0020), not a contradiction.
    let assessment = method::Assessment {
        script_ok: true,
        ..method::assess(ruleset, unit, ChannelSlot::None)
    };
    let method_gives = assessment.outcome();
    let consistent = agreed == Outcome::Forwarded
        || agreed == method_gives
        || (agreed == Outcome::Scripted && method_gives == Outcome::Kundtjanst);
    if consistent {
        return;
    }
    let mut reasons: Vec<String> = method::criteria(ruleset, typ, unit, ChannelSlot::None, None)
        .into_iter()
        .filter(|c| !c.passed && c.criterion != CriterionKind::Script)
        .map(|c| c.text)
        .collect();
    // The method's level criterion passes for a scripted level; `direkt` needs more.
    if agreed == Outcome::Kundtjanst && assessment.level_scripted {
        let direct = &ruleset.policy.direct_levels;
        reasons.insert(
            0,
            format!(
                "nivå {} ligger utanför direktnivåerna {}–{}",
                unit.level,
                direct.start(),
                direct.end()
            ),
        );
    }
    out.push(
        Diagnostic::new(Code::AgreementContradictsPolicy, span, format!("överenskommelsen `{}` strider mot policyn: {}", agreed.keyword(), reasons.join("; ")))
            .label("överenskommelse")
            .help("kontrollera att överenskommelsen är avsiktlig; annars ta bort raden så att policyn avgör"),
    );
}

/// A unit that the method would give to kundtjänst with a script, if only it had one.
fn script_would_move(ruleset: &Ruleset, unit: &Unit, out: &mut Vec<Diagnostic>) {
    if unit.script.is_some() || unit.agreed.is_some() {
        return;
    }
    let with_script = method::Assessment {
        script_ok: true,
        ..method::assess(ruleset, unit, ChannelSlot::None)
    };
    if with_script.outcome() == Outcome::Scripted {
        out.push(
            Diagnostic::new(Code::ScriptWouldMove, unit.span, format!("`{}` uppfyller policyn för manus men har inget manus, så den vidarekopplas", unit.name))
                .help("lägg till `manus \"manus/….md\"` med förvaltningens checklista, eller `överenskommet vidarekoppla` om det är avsikten"),
        );
    }
}

/// A unit kundtjänst answers directly needs something to answer with. Units that are
/// never answered directly (sekretess, an agreed script or forward) are left alone.
fn direct_without_answer(ruleset: &Ruleset, unit: &Unit, out: &mut Vec<Diagnostic>) {
    let direct = ruleset.policy.direct_levels.contains(&unit.level);
    let answered_directly =
        !unit.sekretess && matches!(unit.agreed, None | Some(Outcome::Kundtjanst));
    if !direct || !answered_directly || unit.answer.is_some() || !unit.links.is_empty() {
        return;
    }
    let range = &ruleset.policy.direct_levels;
    out.push(
        Diagnostic::new(
            Code::DirectWithoutAnswer,
            unit.span,
            format!(
                "`{}` har nivå {}, som kundtjänst besvarar direkt, men varken `svar` eller `länk`",
                unit.name, unit.level
            ),
        )
        .label("inget svar att ge")
        .help(format!(
            "skriv svaret kundtjänst ger, `svar \"…\"` eller `svar \"svar/….md\"`, eller en sida på webbplatsen, `länk \"https://…\"` (direktnivåerna är {}–{})",
            range.start(),
            range.end()
        )),
    );
}

/// Ids that mix scripts, or that look like another id of the same kind.
fn identifiers(files: &[ast::File], out: &mut Vec<Diagnostic>) {
    let mut groups: FxHashMap<&'static str, Vec<&ast::Ident>> = FxHashMap::default();
    for block in files.iter().flat_map(|f| &f.blocks) {
        collect_ids(block, &mut groups);
    }
    for ids in groups.values() {
        let mut skeletons: FxHashMap<String, &ast::Ident> = FxHashMap::default();
        for id in ids {
            if names::mixes_scripts(&id.name) {
                out.push(
                    Diagnostic::new(
                        Code::MixedScripts,
                        id.span,
                        format!("id `{}` blandar bokstäver från olika skriftsystem", id.name),
                    )
                    .label("t.ex. latinskt a och kyrilliskt а")
                    .help("skriv om id:t med bara svenska bokstäver"),
                );
            }
            match skeletons.get(&names::skeleton(&id.name)) {
                Some(first) if first.name != id.name => out.push(
                    Diagnostic::new(
                        Code::ConfusableIds,
                        id.span,
                        format!("id `{}` är lätt att förväxla med `{}`", id.name, first.name),
                    )
                    .related(first.span, "det liknande id:t")
                    .help("välj id som skiljer sig tydligt åt"),
                ),
                Some(_) => {}
                None => {
                    skeletons.insert(names::skeleton(&id.name), id);
                }
            }
        }
    }
}

fn collect_ids<'a>(block: &'a Block, groups: &mut FxHashMap<&'static str, Vec<&'a ast::Ident>>) {
    let group = match block.kind {
        ast::BlockKind::Forvaltning => "förvaltning",
        ast::BlockKind::Arendetyp => "ärendetyp",
        ast::BlockKind::Delmoment => "delmoment",
        _ => "",
    };
    if let Some(id) = &block.id {
        groups.entry(group).or_default().push(id);
    }
    for stmt in &block.stmts {
        match &stmt.kind {
            StmtKind::Block(inner) => collect_ids(inner, groups),
            StmtKind::System(ids) | StmtKind::OvrigaSystem(ids)
                if block.kind == ast::BlockKind::Policy =>
            {
                groups.entry("system").or_default().extend(ids);
            }
            StmtKind::Attribut(decls) if block.kind == ast::BlockKind::Policy => {
                groups
                    .entry("attribut")
                    .or_default()
                    .extend(decls.iter().map(|d| &d.name));
            }
            _ => {}
        }
    }
}
