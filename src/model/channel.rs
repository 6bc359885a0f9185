//! The contact channels a kundtjänst can serve. The list is fixed so that the engine
//! can precompute one outcome per channel; aliases cover common ASCII spellings.

use super::same_id;
use serde::{Serialize, Serializer};

/// One contact channel: `telefon`, `e-post`, `chatt`, `besök`, `webb`, `brev`,
/// `sociala-medier` or `sms` (`docs/semantik.md` §1). Serialised as its name.
///
/// ```
/// use rosa::Channel;
/// let visit = Channel::parse("besok").expect("an alias of besök");
/// assert_eq!(visit.name(), "besök");
/// assert_eq!(Channel::parse("Telefon"), None); // names are matched exactly
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Channel(u8);

const NAMES: [&str; 8] = [
    "telefon",
    "e-post",
    "chatt",
    "besök",
    "webb",
    "brev",
    "sociala-medier",
    "sms",
];

impl Channel {
    pub(crate) const COUNT: usize = NAMES.len();
    #[cfg_attr(not(feature = "dryrun"), allow(dead_code))]
    pub(crate) const TELEFON: Channel = Channel(0);

    /// The channel for a name as written in rule files, logs or API calls: a canonical
    /// name or one of its aliases, matched exactly; `None` for anything else.
    #[inline(always)]
    pub fn parse(name: &str) -> Option<Channel> {
        // Every decision parses its channel, and case systems send the canonical names:
        // those are tried first, compared a word at a time, then the aliases out of line.
        match NAMES.iter().position(|canonical| same_id(canonical, name)) {
            Some(index) => Some(Channel(index as u8)),
            None => Channel::parse_alias(name),
        }
    }

    #[inline(never)]
    fn parse_alias(name: &str) -> Option<Channel> {
        let index = match name {
            "telefon" | "phone" => 0,
            "e-post" | "epost" | "mejl" | "e-mail" | "email" => 1,
            "chatt" | "chat" => 2,
            "besök" | "besok" | "disk" | "reception" => 3,
            "webb" | "webbformular" | "webbformulär" | "e-tjanst" | "e-tjänst" | "web" => 4,
            "brev" | "letter" => 5,
            "sociala-medier" | "sociala_medier" | "social" => 6,
            "sms" => 7,
            _ => return None,
        };
        Some(Channel(index))
    }

    /// The canonical name (`besök`, not an alias), also its `Display` and JSON form.
    pub fn name(self) -> &'static str {
        NAMES[self.0 as usize]
    }

    pub(crate) fn index(self) -> usize {
        self.0 as usize
    }

    /// Every channel, in the order listed above.
    pub fn all() -> impl Iterator<Item = Channel> {
        (0..Channel::COUNT as u8).map(Channel)
    }

    /// The known channel names, for error messages.
    pub(crate) fn known_names() -> String {
        NAMES.join(", ")
    }
}

impl std::fmt::Display for Channel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Channel {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// A set of channels, as a bit set; serialised as a list of names. Build one with
/// `collect()` from [`Channel`]s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct ChannelSet(u16);

impl ChannelSet {
    pub(crate) fn insert(&mut self, channel: Channel) {
        self.0 |= 1 << channel.0;
    }

    /// Whether `channel` is in the set.
    pub fn contains(self, channel: Channel) -> bool {
        self.0 & (1 << channel.0) != 0
    }

    /// Whether the set has no channel.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The channels in `self` but not in `other`.
    pub fn without(self, other: ChannelSet) -> ChannelSet {
        ChannelSet(self.0 & !other.0)
    }

    /// How many channels.
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// The channels in the set, in [`Channel::all`] order.
    pub fn iter(self) -> impl Iterator<Item = Channel> {
        Channel::all().filter(move |c| self.contains(*c))
    }

    /// "telefon, e-post" for explanations.
    pub fn names(self) -> String {
        self.iter()
            .map(Channel::name)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl std::ops::BitOr for ChannelSet {
    type Output = ChannelSet;

    fn bitor(self, other: ChannelSet) -> ChannelSet {
        ChannelSet(self.0 | other.0)
    }
}

impl std::ops::BitAnd for ChannelSet {
    type Output = ChannelSet;

    fn bitand(self, other: ChannelSet) -> ChannelSet {
        ChannelSet(self.0 & other.0)
    }
}

impl FromIterator<Channel> for ChannelSet {
    fn from_iter<I: IntoIterator<Item = Channel>>(iter: I) -> Self {
        let mut set = ChannelSet::default();
        for c in iter {
            set.insert(c);
        }
        set
    }
}

impl Serialize for ChannelSet {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_parses_to_itself_and_aliases_to_theirs() {
        for (i, name) in NAMES.iter().enumerate() {
            assert_eq!(Channel::parse(name), Some(Channel(i as u8)), "{name}");
        }
        for (alias, name) in [
            ("phone", "telefon"),
            ("mejl", "e-post"),
            ("chat", "chatt"),
            ("besok", "besök"),
            ("e-tjänst", "webb"),
            ("letter", "brev"),
            ("social", "sociala-medier"),
        ] {
            assert_eq!(Channel::parse(alias).map(Channel::name), Some(name));
        }
        assert_eq!(Channel::parse("Telefon"), None);
        assert_eq!(Channel::parse(""), None);
    }
}
