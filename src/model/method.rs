//! The default method (`docs/semantik.md` §8): level, sekretess, channel, systems,
//! frequency and script, written once. [`assess`] is what the engine precomputes per
//! channel and what the checker's warnings (R0102, R0105) reason with; [`criteria`]
//! turns the same assessment into plain Swedish for explanations.

use super::{Arendetyp, Channel, ChannelSet, ExcludedBy, Outcome, Ruleset, Unit};
use crate::numbers::whole;
use serde::{Deserialize, Serialize};

/// The channel of an inquiry, as the method sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ChannelSlot {
    None,
    Known(Channel),
    Unknown,
}

impl ChannelSlot {
    pub(crate) const COUNT: usize = Channel::COUNT + 1;

    #[inline]
    pub(crate) fn parse(channel: Option<&str>) -> ChannelSlot {
        match channel {
            None => ChannelSlot::None,
            Some(name) => Channel::parse(name).map_or(ChannelSlot::Unknown, ChannelSlot::Known),
        }
    }

    /// Index into a per-channel table; unknown channels are not precomputed.
    #[inline]
    pub(crate) fn index(self) -> Option<usize> {
        match self {
            ChannelSlot::Known(c) => Some(c.index()),
            ChannelSlot::None => Some(Channel::COUNT),
            ChannelSlot::Unknown => None,
        }
    }

    /// The length of a per-channel table that also holds the unknown channels' entry.
    pub(crate) const WITH_UNKNOWN: usize = ChannelSlot::COUNT + 1;

    /// Index into a table of [`ChannelSlot::WITH_UNKNOWN`] entries, the unknown channels'
    /// last: no branch for it on the decide path.
    #[inline]
    pub(crate) fn index_with_unknown(self) -> usize {
        self.index().unwrap_or(ChannelSlot::COUNT)
    }

    pub(crate) fn all() -> impl Iterator<Item = ChannelSlot> {
        Channel::all()
            .map(ChannelSlot::Known)
            .chain([ChannelSlot::None])
    }
}

/// Every criterion of the method, checked for one unit in one channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub(crate) struct Assessment {
    pub level_direct: bool,
    pub level_scripted: bool,
    pub sekretess: bool,
    pub channel_ok: bool,
    pub systems_ok: bool,
    pub frequency_ok: bool,
    pub script_ok: bool,
}

impl Assessment {
    pub(crate) fn outcome(self) -> Outcome {
        let blocked = !(self.level_direct || self.level_scripted)
            || self.sekretess
            || !self.channel_ok
            || !self.systems_ok;
        if blocked {
            Outcome::Forwarded
        } else if self.level_direct {
            Outcome::Kundtjanst
        } else if self.frequency_ok && self.script_ok {
            Outcome::Scripted
        } else {
            Outcome::Forwarded
        }
    }
}

pub(crate) fn assess(ruleset: &Ruleset, unit: &Unit, channel: ChannelSlot) -> Assessment {
    let policy = &ruleset.policy;
    Assessment {
        level_direct: policy.direct_levels.contains(&unit.level),
        level_scripted: policy.scripted_levels.contains(&unit.level),
        sekretess: unit.sekretess,
        channel_ok: channel_ok(ruleset, unit, channel),
        systems_ok: unit.systems.iter().all(|&s| ruleset.systems[s].access),
        frequency_ok: unit
            .frekvens
            .is_some_and(|f| f >= policy.frequency_threshold_per_year),
        script_ok: unit.script.is_some(),
    }
}

/// The channels the unit allows (its `kanaler`, else every one) that kundtjänst serves.
fn allowed(ruleset: &Ruleset, unit: &Unit) -> ChannelSet {
    let served = ruleset.policy.channels;
    unit.channels.map_or(served, |u| u & served)
}

/// The channels kundtjänst may handle the unit in: served, allowed, and not excluded
/// with `ej kanaler` by its förvaltning, its ärendetyp or its delmoment.
fn handled_channels(ruleset: &Ruleset, unit: &Unit) -> ChannelSet {
    allowed(ruleset, unit).without(unit.excluded_channels.all())
}

fn channel_ok(ruleset: &Ruleset, unit: &Unit, channel: ChannelSlot) -> bool {
    match channel {
        ChannelSlot::Known(c) => handled_channels(ruleset, unit).contains(c),
        // No channel given: fine if kundtjänst may handle it in at least one channel.
        ChannelSlot::None => !handled_channels(ruleset, unit).is_empty(),
        ChannelSlot::Unknown => false,
    }
}

/// Which criterion of the default method (`docs/semantik.md` §8); JSON in snake case
/// (`level`, `sekretess`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CriterionKind {
    /// The unit's level is in the direct or the scripted range.
    Level,
    /// The unit is not marked `sekretess`.
    Sekretess,
    /// Kundtjänst serves the inquiry's channel and the unit allows it.
    Channel,
    /// Kundtjänst has access to one system the unit needs (one criterion per system).
    System,
    /// The unit's frekvens per year reaches the policy's `frekvensgräns`; only for a
    /// level in the scripted range.
    Frequency,
    /// The unit has a script; only for a level in the scripted range.
    Script,
}

/// One criterion of the method, with a plain Swedish sentence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Criterion {
    /// Which criterion.
    pub criterion: CriterionKind,
    /// Whether it allows kundtjänst to handle the unit (a failed one forwards it, §8).
    pub passed: bool,
    /// Why, in Swedish (`kundtjänst saknar åtkomst till Procapita`).
    pub text: String,
}

/// Every criterion, in the order the method checks them, for explanations.
pub(crate) fn criteria(
    ruleset: &Ruleset,
    typ: &Arendetyp,
    unit: &Unit,
    channel: ChannelSlot,
    channel_text: Option<&str>,
) -> Vec<Criterion> {
    let a = assess(ruleset, unit, channel);
    let policy = &ruleset.policy;
    let (d, s) = (&policy.direct_levels, &policy.scripted_levels);
    let mut out = Vec::with_capacity(6);
    let mut push = |criterion, passed, text: String| {
        out.push(Criterion {
            criterion,
            passed,
            text,
        })
    };
    let level_text = if a.level_direct {
        format!(
            "nivå {} ligger i direktnivåerna {}–{}: kundtjänst kan svara direkt",
            unit.level,
            d.start(),
            d.end()
        )
    } else if a.level_scripted {
        format!(
            "nivå {} ligger i manusnivåerna {}–{}: kundtjänst kan hantera ärendet med manus",
            unit.level,
            s.start(),
            s.end()
        )
    } else if unit.level > *s.end() {
        format!(
            "nivå {} ligger över manusnivåerna (högst {}): förvaltningen handlägger",
            unit.level,
            s.end()
        )
    } else {
        format!(
            "nivå {} ingår varken i direkt- eller manusnivåerna",
            unit.level
        )
    };
    push(
        CriterionKind::Level,
        a.level_direct || a.level_scripted,
        level_text,
    );
    push(
        CriterionKind::Sekretess,
        !a.sekretess,
        if a.sekretess {
            "ärendet omfattas av sekretess".into()
        } else {
            "ingen sekretess".into()
        },
    );
    push(
        CriterionKind::Channel,
        a.channel_ok,
        channel_sentence(ruleset, typ, unit, channel, channel_text, a.channel_ok),
    );
    for &id in &unit.systems {
        let system = &ruleset.systems[id];
        let text = if system.access {
            format!("kundtjänst har åtkomst till {}", system.name)
        } else {
            format!("kundtjänst saknar åtkomst till {}", system.name)
        };
        push(CriterionKind::System, system.access, text);
    }
    if a.level_scripted {
        let threshold = policy.frequency_threshold_per_year;
        let text = match unit.frekvens {
            Some(f) if a.frequency_ok => {
                format!(
                    "frekvensen {} per år når frekvensgränsen {} per år",
                    whole(f),
                    whole(threshold)
                )
            }
            Some(f) => {
                format!(
                    "frekvensen {} per år är under frekvensgränsen {} per år",
                    whole(f),
                    whole(threshold)
                )
            }
            None => "frekvens saknas".into(),
        };
        push(CriterionKind::Frequency, a.frequency_ok, text);
        let text = match unit.script {
            Some(id) => format!("manus finns: {}", ruleset.scripts[id].path),
            None => "förvaltningen har inte lämnat något manus".into(),
        };
        push(CriterionKind::Script, a.script_ok, text);
    }
    out
}

fn channel_sentence(
    ruleset: &Ruleset,
    typ: &Arendetyp,
    unit: &Unit,
    channel: ChannelSlot,
    text: Option<&str>,
    ok: bool,
) -> String {
    let served = ruleset.policy.channels;
    let excluded = unit.excluded_channels;
    match channel {
        ChannelSlot::Unknown => format!(
            "kanalen `{}` är okänd",
            crate::bounds::bounded(text.unwrap_or(""))
        ),
        ChannelSlot::Known(c) if ok => format!("kundtjänst hanterar ärendet i kanalen {c}"),
        ChannelSlot::Known(c) if !served.contains(c) => {
            format!("kundtjänst betjänar inte kanalen {c}")
        }
        ChannelSlot::Known(c) if excluded.by(c).is_some() => {
            let whose = match excluded.by(c) {
                Some(ExcludedBy::Forvaltning) => {
                    ruleset.forvaltningar[typ.forvaltning].name.clone()
                }
                Some(ExcludedBy::Arendetyp) => "den här ärendetypen".into(),
                _ => "det här delmomentet".into(),
            };
            format!("kundtjänst hanterar inte {c} för {whose} (ej kanaler)")
        }
        ChannelSlot::Known(c) => format!(
            "ärendet hanteras av kundtjänst bara i kanalerna {}, inte {c}",
            unit.channels.unwrap_or_default().names()
        ),
        ChannelSlot::None => {
            // The channels `ej kanaler` takes away from those kundtjänst would handle.
            let taken = allowed(ruleset, unit) & excluded.all();
            match (ok, taken.len()) {
                (true, 0) => "ingen kanal angiven; kundtjänst betjänar ärendets kanaler".into(),
                (true, _) => format!(
                    "ingen kanal angiven; kundtjänst betjänar ärendets kanaler utom {} (ej kanaler)",
                    taken.names()
                ),
                (false, 0) => "kundtjänst betjänar ingen av ärendets kanaler".into(),
                (false, 1) => format!(
                    "kundtjänst betjänar ingen av ärendets kanaler: kanalen {} är undantagen (ej kanaler)",
                    taken.names()
                ),
                (false, _) => format!(
                    "kundtjänst betjänar ingen av ärendets kanaler: kanalerna {} är undantagna (ej kanaler)",
                    taken.names()
                ),
            }
        }
    }
}
