//! The kundtjänst policy block: systems, channels, thresholds, staffing parameters.

use super::{Checker, QuantityKind};
use crate::calendar::DaysOff;
use crate::diagnostics::{Code, Diagnostic};
use crate::lang::{self, defaults};
use crate::model::{self, HandlingTimes, OpeningHours};
use crate::syntax::ast::{Block, Ident, LevelRange, Opening, StmtKind};
use rustc_hash::FxHashMap;

impl Checker<'_> {
    pub(super) fn policy(&mut self, block: &Block) -> Option<model::Policy> {
        self.declare_systems_and_attributes(block);
        let mut p = PolicyDraft::default();
        let mut seen = FxHashMap::default();
        for stmt in &block.stmts {
            let keyword = super::keyword_of(&stmt.kind);
            let repeatable = matches!(
                stmt.kind,
                StmtKind::Rule(_) | StmtKind::System(_) | StmtKind::OvrigaSystem(_)
            );
            if !repeatable && !self.first_time(&mut seen, keyword, stmt.span) {
                continue;
            }
            self.policy_stmt(&stmt.kind, &mut p);
        }
        let name = block
            .name
            .as_ref()
            .map(|n| n.value.clone())
            .unwrap_or_default();
        let scale = p.scale.unwrap_or(defaults::SCALE);
        let (default_direct, default_scripted) = (
            defaults::DIRECT_LEVELS.0..=defaults::DIRECT_LEVELS.1,
            defaults::SCRIPTED_LEVELS.0..=defaults::SCRIPTED_LEVELS.1,
        );
        let direct = p
            .direct
            .map_or(Some(default_direct.clone()), |r| self.level_range(r, scale));
        let scripted = p.scripted.map_or(Some(default_scripted.clone()), |r| {
            self.level_range(r, scale)
        });
        // A policy with errors still yields a (never loaded) policy, with defaults for what
        // is wrong, so that the förvaltningar are checked too: every problem at once.
        let (direct, scripted) = match (direct, scripted) {
            (Some(d), Some(s)) => self.ordered_ranges(d, s, &p),
            _ => None,
        }
        .unwrap_or((default_direct, default_scripted));
        let incomplete = self.incomplete;
        // "saknar" only when the statement is absent: a statement with a bad value has
        // had its own diagnostic already.
        let mut missing = |statement: lang::Statement| {
            let (what, example) = (statement.name, statement.example);
            if !seen.contains_key(what) {
                self.error(
                    Diagnostic::new(
                        Code::Policy,
                        block.keyword,
                        format!("policyn saknar `{what}`"),
                    )
                    .help(format!("lägg till t.ex. `{example}` i kundtjänstblocket")),
                );
            }
        };
        let (kommun, kommunkod) = p.kommun.clone().unwrap_or_else(|| {
            missing(lang::KOMMUN);
            Default::default()
        });
        let channels = p.channels.unwrap_or_else(|| {
            missing(lang::KANALER);
            model::ChannelSet::default()
        });
        let threshold = p.threshold.unwrap_or_else(|| {
            missing(lang::FREKVENSGRANS);
            0.0
        });
        let fallback = match p.fallback.clone() {
            Some(target) => target,
            None => {
                if !incomplete {
                    missing(lang::RESERV);
                }
                model::Target {
                    forvaltning: String::new(),
                    forvaltning_name: String::new(),
                    queue: None,
                    phone: None,
                    email: None,
                }
            }
        };
        Some(model::Policy {
            name,
            kommun,
            kommunkod,
            scale,
            channels,
            attributes: self.attributes.clone(),
            frequency_threshold_per_year: threshold,
            direct_levels: direct,
            scripted_levels: scripted,
            fallback,
            goal_share: p.goal.unwrap_or(defaults::GOAL_SHARE),
            productive_hours_per_fte: p
                .productive_hours
                .unwrap_or(defaults::PRODUCTIVE_HOURS_PER_FTE),
            cost_per_fte: p.cost_per_fte,
            opening_hours: p.opening.unwrap_or_else(default_opening_hours),
            days_off: p.days_off.unwrap_or_default(),
            service_level_share: p.service_share.unwrap_or(defaults::SERVICE_LEVEL_SHARE),
            service_level_seconds: p.service_seconds.unwrap_or(defaults::SERVICE_LEVEL_SECONDS),
            max_occupancy: p.max_occupancy.unwrap_or(defaults::MAX_OCCUPANCY),
            shrinkage: p.shrinkage.unwrap_or(defaults::SHRINKAGE),
            default_times: p.times.unwrap_or(HandlingTimes {
                kundtjanst: defaults::MINUTES_KUNDTJANST,
                forvaltning: defaults::MINUTES_FORVALTNING,
            }),
            rules: p.rules,
        })
    }

    /// Systems and attributes first: rules anywhere may name them.
    fn declare_systems_and_attributes(&mut self, block: &Block) {
        for stmt in &block.stmts {
            let (idents, access) = match &stmt.kind {
                StmtKind::System(ids) => (ids, true),
                StmtKind::OvrigaSystem(ids) => (ids, false),
                StmtKind::Attribut(decls) => {
                    self.declare_attributes(decls);
                    continue;
                }
                _ => continue,
            };
            for ident in idents {
                if self.system_index.contains_key(&ident.name) {
                    self.error(
                        Diagnostic::new(Code::Duplicate, ident.span, format!("systemet `{}` står två gånger", ident.name))
                            .help("ett system står antingen under `system` eller under `övriga system`, en gång"),
                    );
                    continue;
                }
                self.system_index
                    .insert(ident.name.clone(), self.systems.len());
                self.systems.push(model::System {
                    name: ident.name.clone(),
                    access,
                });
            }
        }
    }

    fn declare_attributes(&mut self, decls: &[crate::syntax::ast::AttrDecl]) {
        for decl in decls {
            let ident = &decl.name;
            if decl.kind.is_none() {
                // Still declared, so that rules using it do not also fail as unknown.
                self.error(
                    Diagnostic::new(
                        Code::UntypedAttribute,
                        ident.span,
                        format!("attributet `{}` saknar typ", ident.name),
                    )
                    .label("typen saknas")
                    .help(format!(
                        "ange vad attributet är, så att villkoren kan kontrolleras: `{0} tal`, `{0} text` eller `{0} ja/nej`",
                        ident.name
                    )),
                );
            }
            if self.attributes.iter().any(|a| a.name == ident.name) {
                self.error(
                    Diagnostic::new(
                        Code::Duplicate,
                        ident.span,
                        format!("attributet `{}` står två gånger", ident.name),
                    )
                    .help("ta bort det ena"),
                );
            } else {
                use crate::syntax::ast::AttrKind as Word;
                self.attributes.push(model::Attribute {
                    name: ident.name.clone(),
                    kind: decl.kind.map(|k| match k.value {
                        Word::Tal => model::AttrKind::Number,
                        Word::Text => model::AttrKind::Text,
                        Word::JaNej => model::AttrKind::Bool,
                    }),
                });
            }
        }
    }

    fn policy_stmt(&mut self, kind: &StmtKind, p: &mut PolicyDraft) {
        match kind {
            StmtKind::Kommun { name, code } => {
                if code.value.len() != 4 {
                    self.error(
                        Diagnostic::new(
                            Code::InvalidValue,
                            code.span,
                            format!("kommunkoden `{}` ska ha fyra siffror", code.value),
                        )
                        .help("kommunkoden är SCB:s fyrsiffriga kod, t.ex. `0180` för Stockholm"),
                    );
                } else {
                    p.kommun = Some((name.value.clone(), code.value.clone()));
                }
            }
            StmtKind::Skala(q) => {
                if let Some(v) = self.quantity(q, QuantityKind::Levels) {
                    if v == 6.0 || v == 8.0 {
                        p.scale = Some(v as u8);
                    } else {
                        self.error(
                            Diagnostic::new(
                                Code::InvalidValue,
                                q.span,
                                format!("skalan kan vara 6 eller 8 nivåer, inte `{}`", q.text),
                            )
                            .help("skriv `skala 6 nivåer` eller `skala 8 nivåer`"),
                        );
                    }
                }
            }
            StmtKind::System(_) | StmtKind::OvrigaSystem(_) | StmtKind::Attribut(_) => {}
            StmtKind::Kanaler(ids) => p.channels = Some(self.channels(ids)),
            StmtKind::Frekvensgrans(q) => p.threshold = self.quantity(q, QuantityKind::Frequency),
            StmtKind::DirektRange(r) => p.direct = Some(*r),
            StmtKind::ManusRange(r) => p.scripted = Some(*r),
            StmtKind::Reserv(t) => p.fallback = self.target(&t.parts, None),
            StmtKind::Mal(q) => p.goal = self.percent(q, "målet", 1.0),
            StmtKind::Arsarbetstid(q) => p.productive_hours = self.positive(q, QuantityKind::Hours),
            StmtKind::Arskostnad(q) => p.cost_per_fte = self.positive(q, QuantityKind::Kronor),
            StmtKind::Oppettider(list) => p.opening = self.opening_hours(list),
            StmtKind::Serviceniva { share, within } => {
                p.service_share = self.percent(share, "servicenivån", 0.999);
                p.service_seconds = self.positive(within, QuantityKind::Seconds);
            }
            StmtKind::Maxbelaggning(q) => p.max_occupancy = self.percent(q, "maxbeläggningen", 1.0),
            StmtKind::Franvaro(q) => p.shrinkage = self.percent(q, "frånvaron", 0.95),
            StmtKind::Stangt(days) => p.days_off = self.days_off(days),
            StmtKind::Tid {
                kundtjanst,
                forvaltning,
            } => {
                let k = self.positive(kundtjanst, QuantityKind::Minutes);
                let f = forvaltning
                    .as_ref()
                    .map_or(k, |q| self.positive(q, QuantityKind::Minutes));
                if let (Some(kundtjanst), Some(forvaltning)) = (k, f) {
                    p.times = Some(HandlingTimes {
                        kundtjanst,
                        forvaltning,
                    });
                }
            }
            StmtKind::Rule(rule) => {
                if let Some(id) = self.rule(rule, None) {
                    p.rules.push(id);
                }
            }
            _ => {}
        }
    }

    pub(super) fn positive(
        &mut self,
        q: &crate::syntax::ast::Quantity,
        kind: QuantityKind,
    ) -> Option<f64> {
        let v = self.quantity(q, kind)?;
        if v > 0.0 && v.is_finite() {
            return Some(v);
        }
        self.error(
            Diagnostic::new(
                Code::InvalidValue,
                q.span,
                format!("`{}` måste vara större än noll", q.text),
            )
            .help(format!("skriv t.ex. `{}`", kind.example())),
        );
        None
    }

    fn level_range(&mut self, r: LevelRange, scale: u8) -> Option<std::ops::RangeInclusive<u8>> {
        let from = self.level(r.from, scale)?;
        let to = self.level(r.to, scale)?;
        if from > to {
            self.error(
                Diagnostic::new(
                    Code::InvalidValue,
                    r.span,
                    format!("intervallet `{from}-{to}` går baklänges"),
                )
                .help(format!("skriv `{to}-{from}`")),
            );
            return None;
        }
        Some(from..=to)
    }

    /// A level within the scale, or R0006.
    pub(super) fn level(&mut self, level: crate::syntax::ast::Level, scale: u8) -> Option<u8> {
        if level.value >= 1 && level.value <= u32::from(scale) {
            return Some(level.value as u8);
        }
        self.error(
            Diagnostic::new(
                Code::LevelOutOfScale,
                level.span,
                format!("nivån `{}` ligger utanför skalan 1–{scale}", level.value),
            )
            .label(format!("ska vara 1–{scale}"))
            .help(if scale == 6 {
                "ROSA har nivåerna 1–6 (eller 1–8 med `skala 8 nivåer` i policyn)"
            } else {
                "ROSA med 8 nivåer har nivåerna 1–8"
            }),
        );
        None
    }

    fn ordered_ranges(
        &mut self,
        direct: std::ops::RangeInclusive<u8>,
        scripted: std::ops::RangeInclusive<u8>,
        p: &PolicyDraft,
    ) -> Option<(std::ops::RangeInclusive<u8>, std::ops::RangeInclusive<u8>)> {
        if direct.end() < scripted.start() {
            return Some((direct, scripted));
        }
        let span = p.scripted.or(p.direct).map(|r| r.span)?;
        self.error(
            Diagnostic::new(Code::InvalidValue, span, "nivåerna för `direkt` och `manus` överlappar eller står i fel ordning")
                .help("direkt ska gälla de lägre nivåerna och manus de högre, t.ex. `direkt rosa 1-2` och `manus rosa 3-4`"),
        );
        None
    }

    fn days_off(&mut self, list: &[Ident]) -> Option<DaysOff> {
        let mut names = Vec::new();
        for day in list {
            let Some(name) = lang::closed_day(&day.name) else {
                let known = lang::CLOSED_DAYS.iter().map(|(swedish, _)| *swedish);
                let close = crate::lang::names::did_you_mean(&day.name, known);
                self.error(
                    Diagnostic::new(
                        Code::InvalidValue,
                        day.span,
                        format!("`stängt` känner inte dagen `{}`", day.name),
                    )
                    .help(format!(
                        "skriv några av `helgdagar`, `aftnar`, `midsommarafton`, `julafton` och `nyårsafton`, eller `inga`.{close}"
                    )),
                );
                return None;
            };
            names.push(name);
        }
        if names.len() > 1 && names.contains(&"inga") {
            self.error(
                Diagnostic::new(
                    Code::InvalidValue,
                    list[0].span,
                    "`stängt inga` står ensamt",
                )
                .help("skriv antingen `stängt inga` eller de dagar kundtjänst har stängt"),
            );
            return None;
        }
        Some(days_off_named(&names))
    }

    fn opening_hours(&mut self, list: &[Opening]) -> Option<Vec<OpeningHours>> {
        let mut out = Vec::new();
        for o in list {
            for clock in [o.opens, o.closes] {
                if clock.value > 24 * 60 {
                    self.error(
                        Diagnostic::new(Code::InvalidValue, clock.span, "ogiltigt klockslag")
                            .help("skriv klockslag som `08:00` eller `16:30`"),
                    );
                    return None;
                }
            }
            let last = o.last_day.map_or(o.first_day.value, |d| d.value);
            if o.opens.value >= o.closes.value || last < o.first_day.value {
                self.error(
                    Diagnostic::new(Code::InvalidValue, o.span, "öppettiden går baklänges")
                        .help("skriv t.ex. `mån-fre 08:00-16:30`"),
                );
                return None;
            }
            for weekday in o.first_day.value..=last {
                out.push(OpeningHours {
                    weekday,
                    opens: o.opens.value,
                    closes: o.closes.value,
                });
            }
        }
        Some(out)
    }
}

/// `stängt helgdagar, julafton` as the days off: exactly the days named.
fn days_off_named(names: &[&str]) -> DaysOff {
    let mut days = DaysOff::NONE;
    for name in names {
        match *name {
            "helgdagar" => days.public_holidays = true,
            "aftnar" => {
                days.midsommarafton = true;
                days.julafton = true;
                days.nyarsafton = true;
            }
            "midsommarafton" => days.midsommarafton = true,
            "julafton" => days.julafton = true,
            "nyårsafton" => days.nyarsafton = true,
            _ => {}
        }
    }
    days
}

fn default_opening_hours() -> Vec<OpeningHours> {
    let (first, last) = defaults::OPEN_WEEKDAYS;
    (first..=last)
        .map(|weekday| OpeningHours {
            weekday,
            opens: defaults::OPENS,
            closes: defaults::CLOSES,
        })
        .collect()
}

#[derive(Default)]
struct PolicyDraft {
    kommun: Option<(String, String)>,
    scale: Option<u8>,
    channels: Option<model::ChannelSet>,
    threshold: Option<f64>,
    direct: Option<LevelRange>,
    scripted: Option<LevelRange>,
    fallback: Option<model::Target>,
    goal: Option<f64>,
    productive_hours: Option<f64>,
    cost_per_fte: Option<f64>,
    opening: Option<Vec<OpeningHours>>,
    days_off: Option<DaysOff>,
    service_share: Option<f64>,
    service_seconds: Option<f64>,
    max_occupancy: Option<f64>,
    shrinkage: Option<f64>,
    times: Option<HandlingTimes>,
    rules: Vec<model::RuleId>,
}
