//! The names a condition may use besides `attr.namn`, and what each holds.

/// What a condition name holds, and so what it may be compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameType {
    /// The inquiry's channel, compared with a channel name (`kanal == "besök"`).
    Channel,
    /// The delmoment being decided, compared with a delmoment id.
    Part,
    /// The hour the inquiry came, 0–23.
    Hour,
    /// The minute, 0–59.
    Minute,
    /// The weekday, 1 = måndag … 7 = söndag.
    Weekday,
    /// Whether the inquiry came on a day off: a public holiday or an afton the policy
    /// keeps closed (ja/nej).
    Holiday,
}

/// A name a condition may use, its type and what it means (for the editor).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConditionName {
    /// The name as written in a condition.
    pub name: &'static str,
    /// What it holds.
    pub kind: NameType,
    /// What it means, in a few Swedish words.
    pub meaning: &'static str,
}

/// Every name a condition may use besides `attr.namn`, in the order the guide lists them.
pub const CONDITION_NAMES: &[ConditionName] = &[
    ConditionName {
        name: "kanal",
        kind: NameType::Channel,
        meaning: "frågans kanal",
    },
    ConditionName {
        name: "delmoment",
        kind: NameType::Part,
        meaning: "delmomentet som avgörs",
    },
    ConditionName {
        name: "timme",
        kind: NameType::Hour,
        meaning: "timmen då frågan kom, 0–23",
    },
    ConditionName {
        name: "minut",
        kind: NameType::Minute,
        meaning: "minuten, 0–59",
    },
    ConditionName {
        name: "veckodag",
        kind: NameType::Weekday,
        meaning: "1 = måndag … 7 = söndag",
    },
    ConditionName {
        name: "helgdag",
        kind: NameType::Holiday,
        meaning: "ja på en helgdag eller en afton som policyn håller stängd (`stängt`)",
    },
];

/// The condition name written `name`.
pub fn condition_name(name: &str) -> Option<&'static ConditionName> {
    CONDITION_NAMES.iter().find(|n| n.name == name)
}
