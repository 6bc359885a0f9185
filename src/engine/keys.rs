//! Finding an inquiry's ärendetyp and unit: one hash over its strings and one table
//! probe, then the strings compared inline (short ids make a call to `memcmp` cost
//! more than the comparison itself).

use rustc_hash::{FxHashMap, FxHasher};
use std::hash::{Hash, Hasher};

/// Every (ärendetyp, delmoment) key of a ruleset: `(id, None)` for an ärendetyp
/// (its first unit) and `(id, Some(part))` for each delmoment.
#[derive(Debug)]
pub(super) struct UnitKeys {
    /// The first of `keys` with a hash; keys sharing a hash follow it.
    first: FxHashMap<u64, u32>,
    keys: Box<[Key]>,
    /// Ärendetyp ids, and per ärendetyp its units' delmoment ids, in model order.
    ids: Box<[Box<str>]>,
    parts: Box<[Box<[Option<Box<str>>]>]>,
}

#[derive(Debug, Clone, Copy)]
struct Key {
    hash: u64,
    arendetyp: u32,
    unit: u32,
    /// Whether the key names the delmoment (else it is the ärendetyp alone).
    named: bool,
}

/// Where an inquiry's key leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Found {
    Unit(usize, usize),
    UnknownPart(usize),
    UnknownCaseType,
}

impl UnitKeys {
    /// `types` yields each ärendetyp's id and its units' delmoment ids, in model order.
    pub(super) fn new<'a, T, P>(types: T) -> UnitKeys
    where
        T: IntoIterator<Item = (&'a str, P)>,
        P: IntoIterator<Item = Option<&'a str>>,
    {
        let mut ids = Vec::new();
        let mut parts = Vec::new();
        let mut keys = Vec::new();
        for (t, (id, units)) in types.into_iter().enumerate() {
            let units: Box<[Option<Box<str>>]> =
                units.into_iter().map(|p| p.map(Box::from)).collect();
            keys.push(Key {
                hash: key_hash(id, None),
                arendetyp: index(t),
                unit: 0,
                named: false,
            });
            for (u, part) in units.iter().enumerate() {
                if let Some(part) = part {
                    keys.push(Key {
                        hash: key_hash(id, Some(part)),
                        arendetyp: index(t),
                        unit: index(u),
                        named: true,
                    });
                }
            }
            ids.push(Box::from(id));
            parts.push(units);
        }
        // Stable: of two equal keys (a checked ruleset has none) the first in model
        // order is found, as a scan in model order would.
        keys.sort_by_key(|k| k.hash);
        let mut first = FxHashMap::default();
        for (i, key) in keys.iter().enumerate().rev() {
            first.insert(key.hash, index(i));
        }
        UnitKeys {
            first,
            keys: keys.into_boxed_slice(),
            ids: ids.into_boxed_slice(),
            parts: parts.into_boxed_slice(),
        }
    }

    #[inline]
    pub(super) fn find(&self, case_type: &str, part: Option<&str>) -> Found {
        if let Some(found) = self.unit(case_type, part) {
            return Found::Unit(found.0, found.1);
        }
        self.miss(case_type, part)
    }

    /// The unit for the key, if there is one.
    #[inline]
    fn unit(&self, case_type: &str, part: Option<&str>) -> Option<(usize, usize)> {
        self.lookup(key_hash(case_type, part), case_type, part)
    }

    #[inline]
    fn lookup(&self, hash: u64, case_type: &str, part: Option<&str>) -> Option<(usize, usize)> {
        let first = *self.first.get(&hash)? as usize;
        self.keys[first..]
            .iter()
            .take_while(|k| k.hash == hash)
            .find(|k| self.matches(k, case_type, part))
            .map(|k| (k.arendetyp as usize, k.unit as usize))
    }

    #[inline]
    fn matches(&self, key: &Key, case_type: &str, part: Option<&str>) -> bool {
        let t = key.arendetyp as usize;
        same(&self.ids[t], case_type)
            && match (part, key.named) {
                (None, false) => true,
                (Some(part), true) => self.parts[t][key.unit as usize]
                    .as_deref()
                    .is_some_and(|p| same(p, part)),
                _ => false,
            }
    }

    /// No unit for the key: the ärendetyp is unknown, or it is known and the
    /// delmoment is not one of its own.
    #[cold]
    fn miss(&self, case_type: &str, part: Option<&str>) -> Found {
        match part.and_then(|_| self.unit(case_type, None)) {
            Some((t, _)) => Found::UnknownPart(t),
            None => Found::UnknownCaseType,
        }
    }
}

fn key_hash(case_type: &str, part: Option<&str>) -> u64 {
    let mut hasher = FxHasher::default();
    (case_type, part).hash(&mut hasher);
    hasher.finish()
}

/// Positions fit in `u32`: a ruleset has at most 2,000 files of at most 4 MiB.
fn index(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// Byte equality without a call: lengths first, then word loads that may overlap.
#[inline]
fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let n = a.len();
    if n < 8 {
        return a.iter().zip(b).all(|(x, y)| x == y);
    }
    let word = |s: &[u8], at: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&s[at..at + 8]);
        u64::from_ne_bytes(w)
    };
    let mut at = 0;
    while at + 8 < n {
        if word(a, at) != word(b, at) {
            return false;
        }
        at += 8;
    }
    word(a, n - 8) == word(b, n - 8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> UnitKeys {
        UnitKeys::new([
            ("bygglov", vec![Some("regler"), Some("bedomning")]),
            ("sophamtning", vec![None]),
            (
                "allmanna-handlingar",
                vec![Some("begaran"), Some("utlamnande")],
            ),
        ])
    }

    #[test]
    fn keys_find_units_and_say_what_is_unknown() {
        let keys = keys();
        assert_eq!(keys.find("bygglov", None), Found::Unit(0, 0));
        assert_eq!(keys.find("bygglov", Some("bedomning")), Found::Unit(0, 1));
        assert_eq!(keys.find("sophamtning", None), Found::Unit(1, 0));
        assert_eq!(
            keys.find("allmanna-handlingar", Some("utlamnande")),
            Found::Unit(2, 1)
        );
        assert_eq!(
            keys.find("bygglov", Some("utlamnande")),
            Found::UnknownPart(0)
        );
        assert_eq!(keys.find("sophamtning", Some("")), Found::UnknownPart(1));
        assert_eq!(keys.find("bygglo", None), Found::UnknownCaseType);
        assert_eq!(
            keys.find("bygglov-", Some("regler")),
            Found::UnknownCaseType
        );
        assert_eq!(keys.find("", None), Found::UnknownCaseType);
    }

    #[test]
    fn keys_sharing_a_hash_are_told_apart_by_their_strings() {
        let mut keys = keys();
        // Every key in one bucket: only comparing the strings can find the unit.
        for key in keys.keys.iter_mut() {
            key.hash = 7;
        }
        keys.first = [(7, 0)].into_iter().collect();
        assert_eq!(keys.lookup(7, "bygglov", Some("bedomning")), Some((0, 1)));
        assert_eq!(keys.lookup(7, "allmanna-handlingar", None), Some((2, 0)));
        assert_eq!(keys.lookup(7, "sophamtning", None), Some((1, 0)));
        assert_eq!(keys.lookup(7, "allmanna-handlingar", Some("regler")), None);
        assert_eq!(keys.lookup(8, "bygglov", None), None);
    }

    #[test]
    fn same_compares_every_byte_at_every_length() {
        let text = "abcdefghijklmnopqrstuvwxyzåäö-0123456789";
        for n in 0..=text.len() {
            let Some(a) = text.get(..n) else { continue };
            assert!(same(a, &a.to_string()), "{a}");
            for i in 0..n {
                let mut b = a.as_bytes().to_vec();
                b[i] ^= 1;
                if let Ok(b) = std::str::from_utf8(&b) {
                    assert!(!same(a, b), "{a} {b}");
                }
            }
            assert!(!same(a, &format!("{a}x")));
        }
    }
}
