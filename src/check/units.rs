//! Förvaltningar, ärendetyper and delmoment → decision units, with inheritance
//! (delmoment ← ärendetyp ← förvaltning ← policy) applied once, here.

use super::{Checker, QuantityKind, duplicate, keyword_of, outcome_of};
use crate::diagnostics::{Code, Diagnostic};
use crate::model::{self, ChannelSet, HandlingTimes, Outcome};
use crate::source::Span;
use crate::syntax::ast::{Block, BlockKind, StmtKind, Text};
use rustc_hash::FxHashMap;

/// What one ärendetyp or delmoment block says itself; `None` means "inherit".
#[derive(Default, Clone)]
struct Draft {
    level: Option<(u8, Span)>,
    /// `rosa` was written, even if its level was invalid (and reported).
    level_written: bool,
    frekvens: Option<f64>,
    /// `frekvens` was written, even if its value was invalid (and reported).
    frekvens_written: bool,
    systems: Option<Vec<usize>>,
    channels: Option<ChannelSet>,
    /// `ej kanaler`; empty when not written (exclusions add up, nothing to inherit).
    excluded: ChannelSet,
    script: Option<usize>,
    times_kundtjanst: Option<f64>,
    times_forvaltning: Option<f64>,
    sekretess: bool,
    agreed: Option<(Outcome, Span)>,
    target: Option<model::Target>,
    rules: Vec<(model::RuleId, Span)>,
    search_words: Vec<String>,
    answer: Option<model::Answer>,
    links: Vec<model::Link>,
}

impl Checker<'_> {
    pub(super) fn arendetyper(
        &mut self,
        blocks: &[&Block],
        policy: &model::Policy,
    ) -> Vec<model::Arendetyp> {
        let mut first_type: FxHashMap<String, Span> = FxHashMap::default();
        let mut types = Vec::new();
        for block in blocks {
            let Some(index) = block
                .id
                .as_ref()
                .and_then(|id| self.forvaltning_index.get(&id.name).copied())
            else {
                continue;
            };
            let base = self.forvaltningar[index].target.clone();
            for stmt in &block.stmts {
                match &stmt.kind {
                    StmtKind::Rule(rule) => {
                        if let Some(id) = self.rule(rule, Some(&base)) {
                            self.forvaltningar[index].rules.push(id);
                        }
                    }
                    StmtKind::Block(typ) => {
                        let id = typ
                            .id
                            .as_ref()
                            .expect("the grammar requires an ärendetyp id");
                        if let Some(first) = first_type.get(&id.name) {
                            self.error(duplicate(id, *first, "ärendetypen"));
                            continue;
                        }
                        first_type.insert(id.name.clone(), id.span);
                        match self.arendetyp(typ, index, policy) {
                            Some(t) => types.push(t),
                            None => {
                                self.broken_types.insert(id.name.clone());
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        types
    }

    /// `vidarekoppla …` and `ej kanaler …` written directly in a förvaltning.
    pub(super) fn forvaltning_settings(&mut self, block: &Block) {
        let Some(index) = block
            .id
            .as_ref()
            .and_then(|id| self.forvaltning_index.get(&id.name).copied())
        else {
            return;
        };
        let mut seen = FxHashMap::default();
        for stmt in &block.stmts {
            match &stmt.kind {
                StmtKind::Forward(t) => {
                    if !self.first_time(&mut seen, "vidarekoppla", stmt.span) {
                        continue;
                    }
                    let base = self.forvaltningar[index].target.clone();
                    if let Some(target) = self.target(&t.parts, Some(&base)) {
                        self.forvaltningar[index].target = target;
                    }
                }
                StmtKind::EjKanaler(ids) if self.first_time(&mut seen, "ej kanaler", stmt.span) => {
                    self.forvaltningar[index].excluded_channels = self.channels(ids);
                }
                _ => {}
            }
        }
    }

    fn arendetyp(
        &mut self,
        block: &Block,
        forvaltning: usize,
        policy: &model::Policy,
    ) -> Option<model::Arendetyp> {
        let id = block.id.as_ref()?;
        let name = block
            .name
            .as_ref()
            .map(|n| n.value.clone())
            .unwrap_or_default();
        let base_target = self.forvaltningar[forvaltning].target.clone();
        let forvaltning_excluded = self.forvaltningar[forvaltning].excluded_channels;
        let own = self.draft(block, &base_target, policy.scale);
        let parts: Vec<&Block> = block
            .stmts
            .iter()
            .filter_map(|s| match &s.kind {
                StmtKind::Block(b) if b.kind == BlockKind::Delmoment => Some(b),
                _ => None,
            })
            .collect();
        let type_target = own.target.clone().unwrap_or(base_target);
        let mut units = Vec::new();
        if parts.is_empty() {
            if own.level.is_none() && !own.level_written {
                self.error(
                    Diagnostic::new(
                        Code::Level,
                        id.span,
                        format!("ärendetypen `{}` saknar nivå", id.name),
                    )
                    .help(
                        "ange `rosa N` eller dela upp ärendetypen i `delmoment` med var sin nivå",
                    ),
                );
            }
            units.push(self.unit(
                None,
                &name,
                &own,
                &Draft::default(),
                &type_target,
                forvaltning_excluded,
                policy,
                block.keyword,
            )?);
        } else {
            if let Some((_, span)) = own.level {
                self.error(
                    Diagnostic::new(Code::Level, span, format!("ärendetypen `{}` har både `rosa` och delmoment", id.name))
                        .help("när ärendetypen har delmoment anges nivån i varje delmoment; ta bort raden"),
                );
            }
            let mut first_part: FxHashMap<&str, Span> = FxHashMap::default();
            for part in parts {
                let part_id = part.id.as_ref()?;
                if let Some(first) = first_part.get(part_id.name.as_str()) {
                    self.error(duplicate(part_id, *first, "delmomentet"));
                    continue;
                }
                first_part.insert(&part_id.name, part_id.span);
                let draft = self.draft(part, &type_target, policy.scale);
                if draft.level.is_none() && !draft.level_written {
                    self.error(
                        Diagnostic::new(
                            Code::Level,
                            part_id.span,
                            format!("delmomentet `{}` saknar nivå", part_id.name),
                        )
                        .help("ange `rosa N` i delmomentet"),
                    );
                }
                let part_name = part
                    .name
                    .as_ref()
                    .map_or_else(|| part_id.name.clone(), |n| n.value.clone());
                if let Some(unit) = self.unit(
                    Some(&part_id.name),
                    &part_name,
                    &own,
                    &draft,
                    &type_target,
                    forvaltning_excluded,
                    policy,
                    part.keyword,
                ) {
                    units.push(unit);
                } else {
                    self.broken_types.insert(id.name.clone());
                }
            }
        }
        Some(model::Arendetyp {
            id: id.name.clone(),
            name,
            forvaltning,
            frekvens: own.frekvens,
            search_words: own.search_words,
            target: type_target,
            rules: own.rules.iter().map(|r| r.0).collect(),
            has_parts: units.iter().any(|u| u.part.is_some()),
            units,
            location: self.location(block.keyword),
            block: block.span,
        })
    }

    /// The settings written in one block.
    fn draft(&mut self, block: &Block, base_target: &model::Target, scale: u8) -> Draft {
        let mut d = Draft::default();
        let mut seen = FxHashMap::default();
        let mut rules = Vec::new();
        for stmt in &block.stmts {
            let keyword = keyword_of(&stmt.kind);
            let repeatable = matches!(
                stmt.kind,
                StmtKind::Rule(_) | StmtKind::Block(_) | StmtKind::Lank { .. }
            );
            if !repeatable && !self.first_time(&mut seen, keyword, stmt.span) {
                continue;
            }
            match &stmt.kind {
                StmtKind::Rosa(level) => {
                    d.level_written = true;
                    d.level = self.level(*level, scale).map(|l| (l, level.span))
                }
                StmtKind::Frekvens(q) => {
                    d.frekvens_written = true;
                    d.frekvens = self.quantity(q, QuantityKind::Frequency)
                }
                StmtKind::System(ids) => d.systems = Some(self.system_ids(ids)),
                StmtKind::Kanaler(ids) => d.channels = Some(self.channels(ids)),
                StmtKind::EjKanaler(ids) => d.excluded = self.channels(ids),
                StmtKind::Manus(path) => d.script = self.script(path),
                StmtKind::Tid {
                    kundtjanst,
                    forvaltning,
                } => {
                    d.times_kundtjanst = self.positive(kundtjanst, QuantityKind::Minutes);
                    d.times_forvaltning = forvaltning
                        .as_ref()
                        .and_then(|q| self.positive(q, QuantityKind::Minutes));
                }
                StmtKind::Sekretess => d.sekretess = true,
                StmtKind::Overenskommet(o) => d.agreed = Some((outcome_of(o.value), o.span)),
                StmtKind::Forward(t) => d.target = self.target(&t.parts, Some(base_target)),
                StmtKind::Rule(rule) => rules.push(rule),
                StmtKind::Sokord(words) => {
                    d.search_words = words.iter().map(|w| w.value.clone()).collect()
                }
                StmtKind::Svar(text) => d.answer = self.answer(text),
                StmtKind::Lank { url, title } => d.links.extend(self.link(url, title.as_ref())),
                _ => {}
            }
        }
        // Rules forward relative to this block's own target, wherever `vidarekoppla` stands.
        let base = d.target.clone().unwrap_or_else(|| base_target.clone());
        for rule in rules {
            if let Some(id) = self.rule(rule, Some(&base)) {
                d.rules.push((id, rule.outcome.span));
            }
        }
        d
    }

    /// One decision unit: the part's own settings over the type's over the policy's;
    /// channels excluded anywhere above it stay excluded.
    #[allow(clippy::too_many_arguments)]
    fn unit(
        &mut self,
        part: Option<&str>,
        name: &str,
        typ: &Draft,
        own: &Draft,
        type_target: &model::Target,
        forvaltning_excluded: ChannelSet,
        policy: &model::Policy,
        keyword: Span,
    ) -> Option<model::Unit> {
        let (level, level_span) = own.level.or(typ.level)?;
        let frekvens = own.frekvens.or(typ.frekvens);
        let frekvens_written = own.frekvens_written || typ.frekvens_written;
        if frekvens.is_none() && !frekvens_written && policy.scripted_levels.contains(&level) {
            self.error(
                Diagnostic::new(Code::MissingFrekvens, level_span, format!("nivå {level} utan frekvens"))
                    .label("frekvens saknas")
                    .help("nivå 3–4 flyttas bara till kundtjänst om ärendet är tillräckligt vanligt: ange t.ex. `frekvens 20 per månad`"),
            );
        }
        let script = own.script.or(typ.script);
        let agreed = own.agreed.or(typ.agreed);
        if script.is_none() {
            let rule_manus = own
                .rules
                .iter()
                .chain(&typ.rules)
                .find(|(id, _)| self.rules[*id].outcome == Outcome::Scripted);
            let agreed_manus = agreed.filter(|(o, _)| *o == Outcome::Scripted);
            if let Some(span) = agreed_manus.map(|a| a.1).or(rule_manus.map(|r| r.1)) {
                self.error(
                    Diagnostic::new(
                        Code::ScriptedWithoutScript,
                        span,
                        "utfallet `manus` kräver en manusfil",
                    )
                    .label("inget manus")
                    .help("ange `manus \"manus/fil.md\"` i ärendetypen eller delmomentet"),
                );
            }
        }
        Some(model::Unit {
            part: part.map(str::to_string),
            name: name.to_string(),
            level,
            frekvens,
            own_frekvens: if part.is_some() { own.frekvens } else { None },
            systems: own
                .systems
                .clone()
                .or_else(|| typ.systems.clone())
                .unwrap_or_default(),
            channels: own.channels.or(typ.channels),
            excluded_channels: model::ExcludedChannels {
                forvaltning: forvaltning_excluded,
                arendetyp: typ.excluded,
                delmoment: own.excluded,
            },
            script,
            answer: own.answer.clone().or_else(|| typ.answer.clone()),
            links: if own.links.is_empty() {
                typ.links.clone()
            } else {
                own.links.clone()
            },
            search_words: if part.is_some() {
                own.search_words.clone()
            } else {
                Vec::new()
            },
            times: HandlingTimes {
                kundtjanst: own
                    .times_kundtjanst
                    .or(typ.times_kundtjanst)
                    .unwrap_or(policy.default_times.kundtjanst),
                forvaltning: own
                    .times_forvaltning
                    .or(typ.times_forvaltning)
                    .unwrap_or(policy.default_times.forvaltning),
            },
            sekretess: own.sekretess || typ.sekretess,
            agreed: agreed.map(|a| a.0),
            agreed_span: agreed.map(|a| a.1),
            target: own.target.clone().unwrap_or_else(|| type_target.clone()),
            rules: own.rules.iter().map(|r| r.0).collect(),
            location: self.location(keyword),
            span: keyword,
            level_span,
        })
    }
}

/// Longest address a `länk` may have: a page address, not a data blob.
const MAX_URL_CHARS: usize = 500;

impl Checker<'_> {
    /// `länk "https://…" "Titel"`: an http(s) address of bounded length; the title
    /// defaults to the host.
    fn link(&mut self, url: &Text, title: Option<&Text>) -> Option<model::Link> {
        let Some(host) = link_host(&url.value) else {
            self.error(
                Diagnostic::new(
                    Code::InvalidValue,
                    url.span,
                    format!(
                        "`{}` är ingen webbadress som börjar med https:// eller http://",
                        crate::bounds::bounded(&url.value)
                    ),
                )
                .help(format!(
                    "skriv hela adressen, t.ex. `länk \"https://www.kommun.se/sida\"`, högst {MAX_URL_CHARS} tecken utan mellanslag"
                )),
            );
            return None;
        };
        let title = title
            .map(|t| t.value.trim().to_string())
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| host.to_string());
        Some(model::Link {
            url: url.value.clone(),
            title,
        })
    }
}

/// The host of an `http(s)://host/…` address that a page may link to, or `None`.
fn link_host(url: &str) -> Option<&str> {
    if url.chars().count() > MAX_URL_CHARS
        || url.contains(|c: char| c.is_whitespace() || c.is_control())
    {
        return None;
    }
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &url[8..]
    } else if lower.starts_with("http://") {
        &url[7..]
    } else {
        return None;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit('@').next().unwrap_or("");
    let valid = !host.is_empty()
        && !host.contains(['"', '<', '>', '\\', '`'])
        && host
            .chars()
            .all(|c| c.is_alphanumeric() || ".-:[]".contains(c));
    valid.then_some(host)
}

#[cfg(test)]
mod tests {
    use super::link_host;

    #[test]
    fn a_link_is_an_http_address_with_a_host() {
        assert_eq!(
            link_host("https://www.kommun.se/avfall"),
            Some("www.kommun.se")
        );
        assert_eq!(link_host("HTTP://kommun.se"), Some("kommun.se"));
        assert_eq!(
            link_host("http://kommun.se:8080/a?b#c"),
            Some("kommun.se:8080")
        );
        for bad in [
            "www.kommun.se",
            "javascript:alert(1)",
            "https://",
            "https:///sida",
            "ftp://kommun.se",
            "https://kom mun.se",
            "https://kommun.se/\u{7}",
        ] {
            assert_eq!(link_host(bad), None, "{bad}");
        }
        let long = format!("https://kommun.se/{}", "a".repeat(600));
        assert_eq!(link_host(&long), None);
    }
}
