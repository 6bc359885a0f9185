//! The contact channels a kundtjänst can serve. The list is fixed so that the engine
//! can precompute one outcome per channel; aliases cover common ASCII spellings.

use serde::{Serialize, Serializer};

/// One contact channel.
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
    pub const COUNT: usize = NAMES.len();
    pub const TELEFON: Channel = Channel(0);

    /// The channel for a name as written in rule files, logs or API calls.
    pub fn parse(name: &str) -> Option<Channel> {
        if let Some(i) = NAMES.iter().position(|n| *n == name) {
            return Some(Channel(i as u8));
        }
        let canonical = match name {
            "epost" | "mejl" | "e-mail" | "email" => "e-post",
            "besok" | "disk" | "reception" => "besök",
            "webbformular" | "webbformulär" | "e-tjanst" | "e-tjänst" | "web" => "webb",
            "phone" => "telefon",
            "chat" => "chatt",
            "letter" => "brev",
            "sociala_medier" | "social" => "sociala-medier",
            _ => return None,
        };
        NAMES
            .iter()
            .position(|n| *n == canonical)
            .map(|i| Channel(i as u8))
    }

    pub fn name(self) -> &'static str {
        NAMES[self.0 as usize]
    }

    pub fn index(self) -> usize {
        self.0 as usize
    }

    pub fn all() -> impl Iterator<Item = Channel> {
        (0..Channel::COUNT as u8).map(Channel)
    }

    /// The known channel names, for error messages.
    pub fn known_names() -> String {
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

/// A set of channels, as a bit set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct ChannelSet(u16);

impl ChannelSet {
    pub fn insert(&mut self, channel: Channel) {
        self.0 |= 1 << channel.0;
    }

    pub fn contains(self, channel: Channel) -> bool {
        self.0 & (1 << channel.0) != 0
    }

    pub fn intersects(self, other: ChannelSet) -> bool {
        self.0 & other.0 != 0
    }

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
