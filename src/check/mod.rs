//! Stage 2: syntax trees → validated [`model::Ruleset`], reporting every problem at once.
//!
//! The checker resolves names across files (systems, förvaltningar, scripts), converts
//! quantities to their normal units, compiles conditions, and applies inheritance
//! (delmoment ← ärendetyp ← förvaltning ← policy). Warnings come from [`lints`].

mod condition;
mod lints;
mod policy;
mod tests_block;
mod units;

use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::files::{self, Refusal};
use crate::lang::{self, names};
use crate::model::{self, Ruleset};
use crate::source::{SourceMap, Span};
use crate::syntax::ast::{self, Block, BlockKind, Quantity, StmtKind, Unit};
use rustc_hash::FxHashMap;
use std::path::Path;

/// Check parsed files. `failed_files` says whether some file had a syntax error or could
/// not be read, in which case problems that a missing file could cause (unknown targets,
/// no policy) are not reported, to avoid a cascade of false errors.
pub(crate) fn check(
    root: &Path,
    sources: SourceMap,
    files: &[ast::File],
    mut diagnostics: Vec<Diagnostic>,
) -> Result<Ruleset, Diagnostics> {
    let failed_files = diagnostics
        .iter()
        .any(|d| matches!(d.code, Code::Syntax | Code::Unreadable | Code::NoRuleFiles));
    let mut checker = Checker {
        root,
        sources: &sources,
        diags: Vec::new(),
        incomplete: failed_files,
        systems: Vec::new(),
        system_index: FxHashMap::default(),
        forvaltning_index: FxHashMap::default(),
        forvaltningar: Vec::new(),
        rules: Vec::new(),
        scripts: Vec::new(),
        script_index: FxHashMap::default(),
        attributes: Vec::new(),
        broken_types: Default::default(),
        part_literals: Vec::new(),
        script_bytes: 0,
    };
    let ruleset = checker.run(files);
    diagnostics.append(&mut checker.diags);
    let mut all = Diagnostics {
        items: diagnostics,
        sources,
    };
    all.sort();
    match ruleset {
        Some(mut ruleset) if !all.has_errors() => {
            ruleset.sources = all.sources.clone();
            ruleset.warnings = all;
            Ok(ruleset)
        }
        _ => Err(all),
    }
}

struct Checker<'a> {
    root: &'a Path,
    sources: &'a SourceMap,
    diags: Vec<Diagnostic>,
    incomplete: bool,
    systems: Vec<model::System>,
    system_index: FxHashMap<String, usize>,
    forvaltning_index: FxHashMap<String, usize>,
    /// (id, name, own target block) of every förvaltning, in file order.
    forvaltningar: Vec<model::Forvaltning>,
    rules: Vec<model::Rule>,
    scripts: Vec<model::Script>,
    script_index: FxHashMap<String, usize>,
    attributes: Vec<model::Attribute>,
    /// Ärendetyper (or some of their delmoment) left out of the model because of an
    /// error already reported; a test naming them is not reported again.
    broken_types: rustc_hash::FxHashSet<String>,
    /// The delmoment ids each rule's condition compares with, checked once the model
    /// says which units the rule applies to.
    part_literals: Vec<(model::RuleId, Vec<(String, Span)>)>,
    /// Bytes of scripts read so far, bounded like the rule files.
    script_bytes: u64,
}

impl Checker<'_> {
    fn run(&mut self, files: &[ast::File]) -> Option<Ruleset> {
        let blocks: Vec<&Block> = files.iter().flat_map(|f| &f.blocks).collect();
        let of_kind = |k| blocks.iter().copied().filter(move |b| b.kind == k);
        let policy_block = self.single_policy(of_kind(BlockKind::Policy).collect());
        let forvaltning_blocks: Vec<&Block> = of_kind(BlockKind::Forvaltning).collect();
        self.declare_forvaltningar(&forvaltning_blocks);
        // Every förvaltning's own target first: the policy's `reserv` and any `till`
        // build on them.
        for block in &forvaltning_blocks {
            self.forvaltning_settings(block);
        }
        let policy = policy_block.and_then(|b| self.policy(b))?;
        let arendetyper = self.arendetyper(&forvaltning_blocks, &policy);
        let tests = self.tests(of_kind(BlockKind::Test).collect(), &arendetyper, &policy);
        let ruleset = Ruleset {
            id: String::new(),
            root: self.root.to_path_buf(),
            policy,
            systems: std::mem::take(&mut self.systems),
            forvaltningar: std::mem::take(&mut self.forvaltningar),
            arendetyper,
            rules: std::mem::take(&mut self.rules),
            scripts: std::mem::take(&mut self.scripts),
            tests,
            warnings: Diagnostics::default(),
            sources: SourceMap::default(),
        };
        self.check_part_literals(&ruleset);
        lints::run(&ruleset, files, self.sources, &mut self.diags);
        Some(ruleset)
    }

    /// Where a range of a condition's text is in its file.
    fn in_condition(&self, condition: &ast::Text, (start, end): (usize, usize)) -> Span {
        let base = condition.span;
        let start = (base.start + start).min(base.end);
        let end = (base.start + end)
            .max(start + 1)
            .min(base.end.max(start + 1));
        Span::new(base.file, start, end)
    }

    /// `delmoment == "x"` must name a delmoment of a unit the rule applies to: the
    /// delmoment's own rules see only it, an ärendetyp's its delmoment, a förvaltning's
    /// those of all its ärendetyper, the policy's every one.
    fn check_part_literals(&mut self, ruleset: &Ruleset) {
        // A unit without delmoment has `delmoment == ""` (docs/semantik.md §5).
        let parts_of = |t: &model::Arendetyp| -> Vec<String> {
            t.units
                .iter()
                .map(|u| u.part.clone().unwrap_or_default())
                .collect()
        };
        let mut scope: FxHashMap<model::RuleId, Vec<String>> = FxHashMap::default();
        let all: Vec<String> = ruleset.arendetyper.iter().flat_map(parts_of).collect();
        for &r in &ruleset.policy.rules {
            scope.insert(r, all.clone());
        }
        for (f, forvaltning) in ruleset.forvaltningar.iter().enumerate() {
            let parts: Vec<String> = ruleset
                .arendetyper
                .iter()
                .filter(|t| t.forvaltning == f)
                .flat_map(parts_of)
                .collect();
            for &r in &forvaltning.rules {
                scope.insert(r, parts.clone());
            }
        }
        for typ in &ruleset.arendetyper {
            for &r in &typ.rules {
                scope.insert(r, parts_of(typ));
            }
            for unit in &typ.units {
                for &r in &unit.rules {
                    scope.insert(r, vec![unit.part.clone().unwrap_or_default()]);
                }
            }
        }
        for (rule, literals) in std::mem::take(&mut self.part_literals) {
            let mut known = scope.get(&rule).cloned().unwrap_or_default();
            known.sort();
            known.dedup();
            for (part, span) in literals {
                if known.contains(&part) {
                    continue;
                }
                let ids: Vec<&str> = known
                    .iter()
                    .map(String::as_str)
                    .filter(|p| !p.is_empty())
                    .collect();
                let close = names::did_you_mean(&part, ids.iter().copied());
                let listed = if ids.is_empty() {
                    "regeln gäller inga delmoment (`delmoment` är `\"\"`)".to_string()
                } else {
                    format!("regeln gäller delmomenten {}", ids.join(", "))
                };
                self.error(
                    Diagnostic::new(
                        Code::ConditionImpossible,
                        span,
                        format!("delmomentet `{part}` finns inte där regeln gäller, så jämförelsen kan aldrig stämma"),
                    )
                    .help(format!("{listed}.{close}")),
                );
            }
        }
    }

    fn single_policy<'b>(&mut self, policies: Vec<&'b Block>) -> Option<&'b Block> {
        if let [first, rest @ ..] = policies.as_slice() {
            for extra in rest {
                self.error(
                    Diagnostic::new(
                        Code::Policy,
                        extra.keyword,
                        "regeluppsättningen har mer än en kundtjänstpolicy",
                    )
                    .related(first.keyword, "den första policyn står här")
                    .help("samla policyn i ett enda `kundtjänst`-block"),
                );
            }
            return Some(first);
        }
        if !self.incomplete {
            self.error(
                Diagnostic::for_path(Code::Policy, self.root, "regeluppsättningen saknar kundtjänstpolicy")
                    .help("lägg till en fil med ett block `kundtjänst \"…\" { … }`; se docs/regelsprak.md"),
            );
        }
        None
    }

    // ------------------------------------------------------------ shared helpers

    fn error(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    fn location(&self, span: Span) -> crate::source::Location {
        self.sources.location(span)
    }

    /// Report a statement kind written twice in one block; returns whether it is new.
    fn first_time(
        &mut self,
        seen: &mut FxHashMap<&'static str, Span>,
        what: &'static str,
        span: Span,
    ) -> bool {
        if let Some(first) = seen.get(what) {
            let first = *first;
            self.error(
                Diagnostic::new(
                    Code::RepeatedStatement,
                    span,
                    format!("`{what}` står två gånger i samma block"),
                )
                .label("andra gången")
                .related(first, "första gången")
                .help("ta bort den ena raden"),
            );
            return false;
        }
        seen.insert(what, span);
        true
    }

    /// The value of a quantity in the unit the context wants, or a diagnostic.
    fn quantity(&mut self, q: &Quantity, kind: QuantityKind) -> Option<f64> {
        let Some(unit) = &q.unit else {
            self.error(
                Diagnostic::new(
                    Code::MissingUnit,
                    q.span,
                    format!("talet `{}` saknar enhet", q.text),
                )
                .label("enhet saknas")
                .help(format!(
                    "{} anges med enhet, t.ex. `{}`",
                    kind.what(),
                    kind.example()
                )),
            );
            return None;
        };
        match kind.convert(unit.value, q.value) {
            Some(v) => Some(v),
            None => {
                self.error(
                    Diagnostic::new(
                        Code::WrongUnit,
                        unit.span,
                        format!(
                            "`{}` är fel enhet för {}",
                            unit_text(self.sources, unit.span),
                            kind.what()
                        ),
                    )
                    .label("fel enhet")
                    .help(format!("skriv t.ex. `{}`", kind.example())),
                );
                None
            }
        }
    }

    /// A share written in percent, as a fraction 0–1.
    fn percent(&mut self, q: &Quantity, what: &str, max: f64) -> Option<f64> {
        let v = self.quantity(q, QuantityKind::Percent)?;
        if !(0.0..=max).contains(&v) {
            self.error(
                Diagnostic::new(
                    Code::InvalidValue,
                    q.span,
                    format!("{what} `{} %` är orimligt", q.text),
                )
                .help(format!("ange ett värde mellan 0 och {} %", max * 100.0)),
            );
            return None;
        }
        Some(v)
    }

    fn system_ids(&mut self, idents: &[ast::Ident]) -> Vec<usize> {
        let mut ids = Vec::new();
        for ident in idents {
            match self.system_index.get(&ident.name) {
                Some(&id) => ids.push(id),
                None => {
                    let hint = names::did_you_mean(
                        &ident.name,
                        self.systems.iter().map(|s| s.name.as_str()),
                    );
                    self.error(
                        Diagnostic::new(Code::UnknownSystem, ident.span, format!("okänt system `{}`", ident.name))
                            .label("finns inte i policyn")
                            .help(format!(
                                "lägg till `{}` i policyn under `system` (kundtjänst har åtkomst) eller `övriga system` (kundtjänst saknar åtkomst).{hint}",
                                ident.name
                            )),
                    );
                }
            }
        }
        ids
    }

    fn channels(&mut self, idents: &[ast::Ident]) -> model::ChannelSet {
        let mut set = model::ChannelSet::default();
        for ident in idents {
            match model::Channel::parse(&ident.name) {
                Some(c) => set.insert(c),
                None => self.unknown_channel(ident),
            }
        }
        set
    }

    fn unknown_channel(&mut self, ident: &ast::Ident) {
        let known = model::Channel::known_names();
        let hint = names::did_you_mean(&ident.name, known.split(", "));
        self.error(
            Diagnostic::new(
                Code::UnknownChannel,
                ident.span,
                format!("okänd kanal `{}`", ident.name),
            )
            .label("okänd kanal")
            .help(format!("kända kanaler är {known}.{hint}")),
        );
    }

    fn forvaltning_id(&mut self, ident: &ast::Ident) -> Option<usize> {
        if let Some(&i) = self.forvaltning_index.get(&ident.name) {
            return Some(i);
        }
        if !self.incomplete {
            let hint = names::did_you_mean(
                &ident.name,
                self.forvaltning_index.keys().map(String::as_str),
            );
            self.error(
                Diagnostic::new(
                    Code::UnknownTarget,
                    ident.span,
                    format!("okänd mottagare `{}`", ident.name),
                )
                .label("ingen förvaltning har detta id")
                .help(format!(
                    "`till` ska följas av id för en förvaltning i regeluppsättningen.{hint}"
                )),
            );
        }
        None
    }

    /// Resolve `vidarekoppla …` on top of a base target (the owner's förvaltning).
    fn target(
        &mut self,
        parts: &[ast::TargetPart],
        base: Option<&model::Target>,
    ) -> Option<model::Target> {
        let mut seen = FxHashMap::default();
        let mut target = base.cloned();
        let mut overrides: Vec<(&ast::TargetPart, Span)> = Vec::new();
        for part in parts {
            let (what, span) = match part {
                ast::TargetPart::Till(i) => ("till", i.span),
                ast::TargetPart::Ko(t) => ("kö", t.span),
                ast::TargetPart::Telefon(t) => ("telefon", t.span),
                ast::TargetPart::Epost(t) => ("e-post", t.span),
            };
            if !self.first_time(&mut seen, what, span) {
                continue;
            }
            if let ast::TargetPart::Till(ident) = part {
                target = Some(
                    self.forvaltning_id(ident)
                        .map(|i| self.forvaltningar[i].target.clone())?,
                );
            } else {
                overrides.push((part, span));
            }
        }
        let mut target = target?;
        for (part, _) in overrides {
            match part {
                ast::TargetPart::Ko(t) => target.queue = Some(t.value.clone()),
                ast::TargetPart::Telefon(t) => target.phone = Some(t.value.clone()),
                ast::TargetPart::Epost(t) => target.email = Some(t.value.clone()),
                ast::TargetPart::Till(_) => {}
            }
        }
        Some(target)
    }

    fn declare_forvaltningar(&mut self, blocks: &[&Block]) {
        let mut first_span: FxHashMap<String, Span> = FxHashMap::default();
        for block in blocks {
            let (Some(id), Some(name)) = (&block.id, &block.name) else {
                continue;
            };
            if let Some(first) = first_span.get(&id.name) {
                self.error(duplicate(id, *first, "förvaltning"));
                continue;
            }
            first_span.insert(id.name.clone(), id.span);
            let target = model::Target {
                forvaltning: id.name.clone(),
                forvaltning_name: name.value.clone(),
                queue: None,
                phone: None,
                email: None,
            };
            self.forvaltning_index
                .insert(id.name.clone(), self.forvaltningar.len());
            self.forvaltningar.push(model::Forvaltning {
                id: id.name.clone(),
                name: name.value.clone(),
                target,
                excluded_channels: model::ChannelSet::default(),
                rules: Vec::new(),
                location: self.location(block.keyword),
                block: block.span,
            });
        }
    }

    /// Compile a guarded rule into the arena. `base` is the owner's förvaltning target.
    fn rule(&mut self, rule: &ast::Rule, base: Option<&model::Target>) -> Option<model::RuleId> {
        let compiled = match condition::compile(&rule.condition.value, &self.attributes) {
            Ok(c) => c,
            Err(problems) => {
                for p in problems {
                    let span = self.in_condition(&rule.condition, p.range);
                    let mut d = Diagnostic::new(p.code, span, p.message);
                    if let Some(help) = p.help {
                        d = d.help(help);
                    }
                    self.error(d);
                }
                return None;
            }
        };
        let outcome = outcome_of(rule.outcome.value);
        let target = if rule.target.is_empty() {
            None
        } else {
            if base.is_none()
                && !rule
                    .target
                    .iter()
                    .any(|p| matches!(p, ast::TargetPart::Till(_)))
            {
                self.error(
                    Diagnostic::new(
                        Code::UnknownTarget,
                        rule.span,
                        "en regel i policyn som anger mottagare måste ange `till`",
                    )
                    .help("skriv t.ex. `=> vidarekoppla till soc kö \"Mottagningen\"`"),
                );
                return None;
            }
            Some(self.target(&rule.target, base)?)
        };
        let id = self.rules.len();
        let parts = compiled
            .part_literals
            .into_iter()
            .map(|(part, range)| (part, self.in_condition(&rule.condition, range)))
            .collect();
        self.part_literals.push((id, parts));
        self.rules.push(model::Rule {
            condition: compiled.condition,
            outcome,
            target,
            location: self.location(rule.span),
            span: rule.span,
        });
        Some(self.rules.len() - 1)
    }

    /// Load a script file once; `path` must stay inside the ruleset directory.
    fn script(&mut self, text: &ast::Text) -> Option<model::ScriptId> {
        let rel = text.value.replace('\\', "/");
        if let Some(&id) = self.script_index.get(&rel) {
            return Some(id);
        }
        let escapes = Path::new(&rel).is_absolute() || rel.split('/').any(|c| c == "..");
        if escapes {
            self.error(
                Diagnostic::new(
                    Code::MissingScript,
                    text.span,
                    format!("manuset `{rel}` ligger utanför regelkatalogen"),
                )
                .help("ange sökvägen relativt regelkatalogen, t.ex. `manus/bygglov-status.md`"),
            );
            return None;
        }
        let read = self
            .root
            .canonicalize()
            .map_err(Refusal::Io)
            .and_then(|root| files::read_inside(&root, &root.join(&rel), files::MAX_FILE_BYTES));
        let content = match read.map(String::from_utf8) {
            Ok(Ok(content)) => content,
            Ok(Err(_)) => {
                self.script_unreadable(text, &rel, "är inte UTF-8-text");
                return None;
            }
            Err(Refusal::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                self.error(
                    Diagnostic::new(
                        Code::MissingScript,
                        text.span,
                        format!("manusfilen `{rel}` finns inte"),
                    )
                    .label("manusfil saknas")
                    .help("skapa filen (sökvägen är relativ regelkatalogen) eller rätta sökvägen"),
                );
                return None;
            }
            Err(refusal) => {
                self.script_unreadable(text, &rel, &refusal.reason());
                return None;
            }
        };
        self.script_bytes += content.len() as u64;
        if self.script_bytes > files::MAX_TOTAL_BYTES {
            let why = format!(
                "gör att manusen tillsammans blir större än gränsen {}",
                files::mib(files::MAX_TOTAL_BYTES)
            );
            self.script_unreadable(text, &rel, &why);
            return None;
        }
        let title = script_title(&content);
        self.scripts.push(model::Script {
            path: rel.clone(),
            title,
            text: content,
        });
        self.script_index.insert(rel, self.scripts.len() - 1);
        Some(self.scripts.len() - 1)
    }

    /// A script that exists but is not read; nothing from its content is shown.
    fn script_unreadable(&mut self, text: &ast::Text, rel: &str, why: &str) {
        self.error(
            Diagnostic::new(
                Code::Unreadable,
                text.span,
                format!("manusfilen `{rel}` {why}"),
            )
            .label("manusfilen läses inte")
            .help("manus ska vara vanliga UTF-8-textfiler inne i regelkatalogen"),
        );
    }
}

fn script_title(content: &str) -> String {
    content
        .lines()
        .map(|l| l.trim().trim_start_matches('#').trim())
        .find(|l| !l.is_empty())
        .unwrap_or("")
        .to_string()
}

fn duplicate(id: &ast::Ident, first: Span, what: &str) -> Diagnostic {
    Diagnostic::new(
        Code::Duplicate,
        id.span,
        format!("{what} `{}` finns redan", id.name),
    )
    .label("andra definitionen")
    .related(first, "första definitionen")
    .help("varje id måste vara unikt i hela regeluppsättningen; byt namn på den ena")
}

fn outcome_of(word: ast::OutcomeWord) -> model::Outcome {
    match word {
        ast::OutcomeWord::Direkt => model::Outcome::Kundtjanst,
        ast::OutcomeWord::Manus => model::Outcome::Scripted,
        ast::OutcomeWord::Vidarekoppla => model::Outcome::Forwarded,
    }
}

fn unit_text(sources: &SourceMap, span: Span) -> String {
    sources.get(span.file).text[span.start..span.end].to_string()
}

/// What a number means, and so which units fit it.
#[derive(Debug, Clone, Copy)]
enum QuantityKind {
    Frequency,
    Minutes,
    Seconds,
    Hours,
    Percent,
    Levels,
    Kronor,
}

impl QuantityKind {
    fn what(self) -> &'static str {
        match self {
            QuantityKind::Frequency => "frekvens",
            QuantityKind::Minutes => "handläggningstid",
            QuantityKind::Seconds => "svarstid",
            QuantityKind::Hours => "årsarbetstid",
            QuantityKind::Percent => "andel",
            QuantityKind::Levels => "skala",
            QuantityKind::Kronor => "årskostnad",
        }
    }

    fn example(self) -> &'static str {
        match self {
            QuantityKind::Frequency => "60 per månad",
            QuantityKind::Minutes => "4 min",
            QuantityKind::Seconds => "20 s",
            QuantityKind::Hours => "1600 tim",
            QuantityKind::Percent => "80 %",
            QuantityKind::Levels => "6 nivåer",
            QuantityKind::Kronor => "650000 kr per årsarbetare",
        }
    }

    /// Per year, minutes, seconds, hours, fraction, or count.
    fn convert(self, unit: Unit, v: f64) -> Option<f64> {
        Some(match (self, unit) {
            (QuantityKind::Frequency, period) => v * period.per_year_factor()?,
            (QuantityKind::Minutes, Unit::Minutes) => v,
            (QuantityKind::Minutes, Unit::Seconds) => v / 60.0,
            (QuantityKind::Minutes, Unit::Hours) => v * 60.0,
            (QuantityKind::Seconds, Unit::Seconds) => v,
            (QuantityKind::Seconds, Unit::Minutes) => v * 60.0,
            (QuantityKind::Hours, Unit::Hours) => v,
            (QuantityKind::Percent, Unit::Percent) => v / 100.0,
            (QuantityKind::Levels, Unit::Levels) => v,
            (QuantityKind::Kronor, Unit::Kronor) => v,
            _ => return None,
        })
    }
}

/// Statement kinds by their keyword, for "står två gånger" and "hör inte hemma här".
fn keyword_of(kind: &StmtKind) -> &'static str {
    statement_of(kind).name
}

/// The language's statement that a parsed statement is.
fn statement_of(kind: &StmtKind) -> lang::Statement {
    match kind {
        StmtKind::Kommun { .. } => lang::KOMMUN,
        StmtKind::Skala(_) => lang::SKALA,
        StmtKind::System(_) => lang::SYSTEM,
        StmtKind::OvrigaSystem(_) => lang::OVRIGA_SYSTEM,
        StmtKind::Kanaler(_) => lang::KANALER,
        StmtKind::Attribut(_) => lang::ATTRIBUT,
        StmtKind::Frekvensgrans(_) => lang::FREKVENSGRANS,
        StmtKind::DirektRange(_) => lang::DIREKT_ROSA,
        StmtKind::ManusRange(_) => lang::MANUS_ROSA,
        StmtKind::Reserv(_) => lang::RESERV,
        StmtKind::Mal(_) => lang::MAL,
        StmtKind::Arsarbetstid(_) => lang::ARSARBETSTID,
        StmtKind::Arskostnad(_) => lang::ARSKOSTNAD,
        StmtKind::Oppettider(_) => lang::OPPETTIDER,
        StmtKind::Serviceniva { .. } => lang::SERVICENIVA,
        StmtKind::Maxbelaggning(_) => lang::MAXBELAGGNING,
        StmtKind::Franvaro(_) => lang::FRANVARO,
        StmtKind::Stangt(_) => lang::STANGT,
        StmtKind::Tid { .. } => lang::TID,
        StmtKind::Forward(_) => lang::VIDAREKOPPLA,
        StmtKind::EjKanaler(_) => lang::EJ_KANALER,
        StmtKind::Rule(_) => lang::OM,
        StmtKind::Rosa(_) => lang::ROSA,
        StmtKind::Frekvens(_) => lang::FREKVENS,
        StmtKind::Manus(_) => lang::MANUS,
        StmtKind::Sekretess => lang::SEKRETESS,
        StmtKind::Overenskommet(_) => lang::OVERENSKOMMET,
        StmtKind::Sokord(_) => lang::SOKORD,
        StmtKind::Block(_) => lang::DELMOMENT,
        StmtKind::TestArendetyp(_) => lang::TEST_ARENDETYP,
        StmtKind::TestDelmoment(_) => lang::TEST_DELMOMENT,
        StmtKind::TestKanal(_) => lang::TEST_KANAL,
        StmtKind::TestTid(_) => lang::TEST_TID,
        StmtKind::TestAttribut(_) => lang::TEST_ATTRIBUT,
        StmtKind::TestForvantat { .. } => lang::TEST_FORVANTAT,
    }
}
