//! Finding the ärendetyp from the citizen's words: what a kommunvägledare types at the
//! desk ("när kommer sopbilen"), ranked against every ärendetyp's name, sökord, its
//! delmoment and its förvaltning, and, counting little, each unit's own `svar`, manus and
//! link titles. The policy's `synonymer` are applied as the index is built: a document
//! with one member of a group holds the others too, at a lower weight. A query word that
//! matches nothing is looked up in a Swedish thesaurus ([`thesaurus`]): its synonyms the
//! ruleset has count 0.6 of a direct match ("klubb" finds "förening"); known words never are.
//!
//! Words are compared the way people write them, not the way förvaltningar name things:
//! Swedish endings are stemmed (Snowball), compounds match their parts
//! ("bygglovsansökan" finds "bygglov" and "ansökan"), a hyphenated word also matches
//! whole ("p-tillstånd"), a word of a phrase counts less than a word chosen alone as a
//! `sökord` ([`PHRASE_SHARE`]), small typos are forgiven
//! ("bygglv"), and filler words ("hur", "jag", "vill") are ignored. Common ärendetyper
//! win ties, as they are the likelier answer.
//!
//! Å/ä/ö are folded to a/o only for a query written without them ("snorojning" finds
//! "snöröjning"), and such a folded-only match counts less than the word as written. A
//! query that uses å/ä/ö means its a and o: "stod" is then not "stöd", nor "grav" "gräv".

mod intent;
mod thesaurus;

use crate::model::Ruleset;
use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

/// One suggested ärendetyp.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    /// The ärendetyp id.
    pub case_type: String,
    /// The delmoment that matched best, when the words point at one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part: Option<String>,
    /// The ärendetyp's name (and the delmoment's, after a comma, when one matched).
    pub name: String,
    /// The förvaltning's name.
    pub forvaltning: String,
    /// How well it matched; higher is better. Comparable within one ruleset only.
    pub score: f32,
    /// "säker" for a first hit that is strong and clearly ahead of the next ärendetyp
    /// (the thresholds are in the README's search section), else "möjlig": how much
    /// staff may trust it.
    pub strength: &'static str,
    /// The words of the query that matched, as typed.
    pub matched: Vec<String>,
}

/// The first hit is [`STRENGTH_SURE`] when it scores at least this and leads the next
/// ärendetyp by [`SURE_LEAD`]: on the tuning corpus such a first hit is the right
/// ärendetyp about 95 times in 100 (`tests/search.rs` measures it; the README
/// publishes it). Every other hit is [`STRENGTH_POSSIBLE`].
pub(crate) const SURE_SCORE: f32 = 8.0;

/// The share of its score by which a sure first hit leads the next ärendetyp.
pub(crate) const SURE_LEAD: f32 = 0.2;

/// The strength of a hit that reaches [`SURE_SCORE`].
pub(crate) const STRENGTH_SURE: &str = "säker";

/// The strength of a hit below [`SURE_SCORE`].
pub(crate) const STRENGTH_POSSIBLE: &str = "möjlig";

/// A match found only by folding å/ä/ö counts this much of one spelled alike.
const FOLDED: f32 = 0.8;

/// Words that carry no meaning for finding an ärendetyp.
const FILLER: &[&str] = &[
    "hej", "hallå", "jag", "vi", "du", "ni", "man", "min", "mitt", "mina", "vår", "vårt", "våra",
    "din", "ditt", "er", "hur", "vad", "var", "när", "vem", "vilken", "vilket", "varför", "vill",
    "ska", "skulle", "kan", "kunna", "får", "fått", "måste", "behöver", "undrar", "fråga",
    "frågar", "veta", "har", "hade", "är", "var", "vara", "blir", "bli", "det", "den", "de", "dem",
    "detta", "denna", "en", "ett", "och", "eller", "att", "om", "på", "i", "för", "med", "till",
    "från", "av", "som", "så", "nu", "inte", "ingen", "inget", "också", "bara", "lite", "mycket",
    "någon", "något", "några", "kommer", "komma", "gör", "göra", "sig", "mig", "oss", "hos", "vid",
    "efter", "innan", "än", "tack", "snälla", "ja", "nej", "här", "där", "igen", "ännu", "redan",
    // Spoken and chat forms of the above.
    "dom", "nån", "nåt", "nåra", "mej", "dej", "sej", "alltså", "asså", "typ", "liksom", "ju",
    "väl", "ba", "okej", "ok", "hejsan", "tja",
];

/// The longest search query read, in characters: a citizen's words are a sentence or
/// two. `rosa serve`, the studio and `rosa search` refuse longer ones; the engine reads
/// no further than this.
pub const MAX_SEARCH_CHARS: usize = 500;

/// The most words (filler words included) in a search query that is not refused.
pub const MAX_SEARCH_WORDS: usize = 32;

/// Small typos are looked for only in words up to this long: edit distance costs the
/// product of the two lengths.
const MAX_TYPO_CHARS: usize = 40;

/// How a search query is over the limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchTooLong {
    /// It has this many characters, more than [`MAX_SEARCH_CHARS`].
    Chars(usize),
    /// It has this many words, more than [`MAX_SEARCH_WORDS`].
    Words(usize),
}

/// Whether `text` is within the limits of a search query.
///
/// # Errors
///
/// The limit it is over, and by how much.
pub fn check_search(text: &str) -> Result<(), SearchTooLong> {
    // Counted only as far as needed: a long text is refused without reading it all.
    let chars = text.chars().take(MAX_SEARCH_CHARS + 1).count();
    if chars > MAX_SEARCH_CHARS {
        return Err(SearchTooLong::Chars(text.chars().count()));
    }
    let count = words(text).count();
    if count > MAX_SEARCH_WORDS {
        return Err(SearchTooLong::Words(count));
    }
    Ok(())
}

/// The first [`MAX_SEARCH_CHARS`] characters of `text`.
fn within_limit(text: &str) -> &str {
    match text.char_indices().nth(MAX_SEARCH_CHARS) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

/// How much a field's words count.
const NAME: f32 = 3.0;
const SEARCH_WORD: f32 = 3.0;
/// A `sökord` of several words counts this share of [`SEARCH_WORD`] for each of its
/// words: they are indexed one by one, and a common word of a phrase ("fick" in "fick
/// inte plats") should not weigh like a word the author chose alone.
const PHRASE_SHARE: f32 = 0.7;
const PART: f32 = 2.0;
const FORVALTNING: f32 = 0.5;
/// A unit's own texts (its `svar`, manus and link titles) count little: they describe
/// it in many words, most of which are not what a caller would say.
const TEXT: f32 = 0.6;
/// A word a `synonymer` group adds to a document counts this share of the word in it.
const SYNONYM: f32 = 0.7;
/// A thesaurus synonym of a query word the ruleset does not know counts this share of
/// the word itself: 0.6 to 0.8 did equally well on both halves of the tuning corpus,
/// 0.5 and 1.0 worse; the lowest keeps a synonym well below a word the ruleset has.
const THESAURUS: f32 = 0.6;

/// The shortest query word (stemmed, in characters) looked up in the thesaurus: shorter
/// ones ("han", "bo") stand in many groups and mean little.
const THESAURUS_MIN_CHARS: usize = 4;

/// The most synonyms of one query word tried: a word in many groups says little.
const MAX_SYNONYMS: usize = 64;

/// The most words read from one of a unit's texts: a long manus says no more about
/// what it is for after its first paragraphs, and the index stays small.
const MAX_TEXT_WORDS: usize = 400;

/// A searchable document: one ärendetyp, or one of its delmoment.
struct Doc {
    arendetyp: usize,
    part: Option<usize>,
}

/// Whether the first of `ranked` (best first) is sure: strong, and clearly ahead of
/// the next ärendetyp.
fn is_sure(ranked: &[(usize, f32, Option<u32>, u32)]) -> bool {
    let Some(&(first, score, ..)) = ranked.first() else {
        return false;
    };
    let next = ranked.iter().find(|r| r.0 != first).map_or(0.0, |r| r.1);
    score >= SURE_SCORE && score - next >= SURE_LEAD * score
}

/// One ärendetyp's score for a query while hits are ranked.
struct TypeScore {
    /// Each query word's best match in it or its delmoment, and its frekvens' bonus.
    score: f32,
    /// The query words that matched it or its delmoment (a bit each).
    words: u32,
    /// The delmoment documents the words touched.
    parts: Vec<u32>,
}

/// A delmoment other than the best is a hit of its own when it scores at least this
/// share of the best: the words may fit two of them.
const SECOND_PART: f32 = 0.8;

/// How many more of a clearly first ärendetyp's delmoment rank above the next
/// ärendetyp: with the best, the top three cover its likely delmoment.
const LEADER_PARTS: usize = 2;

/// The ärendetyp clearly first (leading the next by [`LEADER_LEAD`] of its score),
/// with the next one's score.
fn clear_leader(by_type: &FxHashMap<usize, TypeScore>) -> Option<(usize, f32)> {
    let (mut first, mut second): (Option<(usize, f32)>, f32) = (None, 0.0);
    for (&t, typ) in by_type {
        match first {
            Some((f, s)) if typ.score < s || (typ.score == s && t > f) => {
                second = second.max(typ.score);
            }
            _ => {
                if let Some((_, s)) = first {
                    second = second.max(s);
                }
                first = Some((t, typ.score));
            }
        }
    }
    let (t, score) = first?;
    (score - second >= LEADER_LEAD * score).then_some((t, second))
}

/// The share of its score by which an ärendetyp leads the next to be clearly first.
const LEADER_LEAD: f32 = 0.3;

impl TypeScore {
    fn new(prior: f32) -> TypeScore {
        TypeScore {
            score: prior,
            words: 0,
            parts: Vec::new(),
        }
    }

    /// Its hits with their scores, each given to `out`: the ärendetyp with its best
    /// delmoment (if any), then each other delmoment nearly as good, scored by how far
    /// it is behind. `doc_scores` are the documents' own scores. When the ärendetyp is
    /// clearly first, `next` is the next ärendetyp's score: then its [`LEADER_PARTS`]
    /// next best delmoment rank above that, however far behind.
    fn hits(&self, doc_scores: &[f32], next: Option<f32>, mut out: impl FnMut(f32, Option<u32>)) {
        let best = self
            .parts
            .iter()
            .map(|&doc| (doc, doc_scores[doc as usize]))
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
        out(self.score, best.map(|b| b.0));
        let Some((best_doc, best_score)) = best else {
            return;
        };
        // Only the clearly first ärendetyp's delmoment are sorted: it is one of many.
        let leading: Vec<u32> = match next {
            Some(_) => {
                let mut parts: Vec<(u32, f32)> = self
                    .parts
                    .iter()
                    .filter(|&&doc| doc != best_doc)
                    .map(|&doc| (doc, doc_scores[doc as usize]))
                    .collect();
                parts.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                parts.iter().take(LEADER_PARTS).map(|p| p.0).collect()
            }
            None => Vec::new(),
        };
        for &doc in self.parts.iter().filter(|&&doc| doc != best_doc) {
            let s = doc_scores[doc as usize];
            let behind = self.score - 0.5 * (best_score - s) - 0.01;
            match next.filter(|_| leading.contains(&doc)) {
                Some(next) => {
                    let share = s / best_score.max(f32::MIN_POSITIVE);
                    out(
                        behind.max(next + (self.score - next) * 0.5 * share),
                        Some(doc),
                    );
                }
                None if s >= best_score * SECOND_PART => out(behind, Some(doc)),
                None => {}
            }
        }
    }
}

/// One normalised word of the index: stemmed and folded.
struct Term {
    text: Box<str>,
    /// Its length in characters.
    chars: usize,
    /// How telling it is: a word in few ärendetyper says more than one in many.
    idf: f32,
    /// The documents it stands in.
    postings: Vec<Posting>,
}

/// One document a term stands in.
struct Posting {
    doc: u32,
    /// The weight of the field.
    weight: f32,
    /// How the word is spelled there: an index into [`SearchIndex::spellings`].
    spelling: u32,
}

/// A word as written in the ruleset, stemmed but not folded.
struct Spelling {
    text: Box<str>,
    chars: usize,
    /// From an id, which is written without å/ä/ö by convention: its a and o may be
    /// either.
    from_id: bool,
}

/// The search index of one ruleset, built once and shared.
pub(crate) struct SearchIndex {
    docs: Vec<Doc>,
    terms: Vec<Term>,
    spellings: Vec<Spelling>,
    ids: FxHashMap<Box<str>, u32>,
    /// The terms each three-byte run stands in: a query word is found inside longer
    /// terms from these, without a scan of every term.
    trigrams: FxHashMap<[u8; 3], Vec<u32>>,
    /// A small bonus per ärendetyp for its declared frekvens: the likelier answer first.
    prior: Vec<f32>,
    /// The longest term, in characters: no longer run of a query word can be a term.
    longest: usize,
    /// Per document, the intents its delmoment is for (none for an ärendetyp's own).
    intents: Vec<intent::Intents>,
    /// Per ärendetyp, its delmoment documents.
    parts_of: Vec<std::ops::Range<u32>>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SearchIndex({} terms)", self.terms.len())
    }
}

/// Collects documents and their words while the index is built.
struct Builder<'s> {
    stemmer: &'s Stemmer,
    docs: Vec<Doc>,
    postings: FxHashMap<String, Vec<Posting>>,
    spellings: Vec<Spelling>,
    spelling_ids: FxHashMap<(String, bool), u32>,
    /// Per document, its folded stems and their highest weight: what `synonymer`
    /// groups are matched against.
    doc_words: Vec<FxHashMap<String, f32>>,
}

impl Builder<'_> {
    fn doc(&mut self, arendetyp: usize, part: Option<usize>) -> u32 {
        self.docs.push(Doc { arendetyp, part });
        self.doc_words.push(FxHashMap::default());
        (self.docs.len() - 1) as u32
    }

    /// Adds the words of a name, sökord or förvaltning.
    fn add(&mut self, doc: u32, text: &str, weight: f32) {
        self.add_words(doc, text, weight, false);
    }

    /// Adds the words of an id (`sarskilt-stod`).
    fn add_id(&mut self, doc: u32, id: &str, weight: f32) {
        self.add_words(doc, &id.replace('-', " "), weight, true);
    }

    fn add_words(&mut self, doc: u32, text: &str, weight: f32, from_id: bool) {
        for word in terms_of(text).filter(|w| !is_filler(w)) {
            let stem = stem(self.stemmer, word);
            if let Some(verb) = verb_of(&stem) {
                self.post(doc, verb, weight * VERB, from_id);
            }
            self.post(doc, &stem, weight, from_id);
        }
    }

    /// Adds the first [`MAX_TEXT_WORDS`] words of a unit's own text (`svar`, manus, a
    /// link title), leaving out numbers, dates and filler.
    fn add_text(&mut self, doc: u32, text: &str) {
        let text_words = words(text)
            .filter(|w| w.chars().count() >= 3 && !w.chars().any(|c| c.is_numeric()))
            .take(MAX_TEXT_WORDS);
        let mut seen: FxHashSet<&str> = FxHashSet::default();
        for word in text_words {
            if seen.insert(word) {
                self.add_words(doc, word, TEXT, false);
            }
        }
    }

    /// Each document holding every word of one member of a `synonymer` group gets the
    /// words of the group's other members, at [`SYNONYM`] of the member's weight there:
    /// "kom inte" finds the delmoment named "utebliven".
    fn add_synonyms(&mut self, groups: &[Vec<String>]) {
        let mut added: Vec<(u32, &str, f32)> = Vec::new();
        for group in groups {
            let stems: Vec<Vec<String>> = group
                .iter()
                .map(|member| {
                    words(member)
                        .filter(|w| !is_filler(w))
                        .map(|w| fold(&stem(self.stemmer, w)))
                        .collect()
                })
                .collect();
            for (doc, known) in self.doc_words.iter().enumerate() {
                for (m, member) in stems.iter().enumerate() {
                    let weight = member
                        .iter()
                        .map(|w| known.get(w).copied())
                        .try_fold(f32::MAX, |least, w| w.map(|w| least.min(w)));
                    let Some(weight) = weight.filter(|_| !member.is_empty()) else {
                        continue;
                    };
                    for (other, text) in group.iter().enumerate() {
                        if other != m {
                            added.push((doc as u32, text, weight * SYNONYM));
                        }
                    }
                }
            }
        }
        for (doc, text, weight) in added {
            self.add_words(doc, text, weight, false);
        }
    }

    fn post(&mut self, doc: u32, stem: &str, weight: f32, from_id: bool) {
        let known = self.doc_words[doc as usize]
            .entry(fold(stem))
            .or_insert(0.0);
        *known = known.max(weight);
        let spelling = self.spelling(stem, from_id);
        let list = self.postings.entry(fold(stem)).or_default();
        match list
            .iter_mut()
            .find(|p| p.doc == doc && p.spelling == spelling)
        {
            Some(entry) => entry.weight = entry.weight.max(weight),
            None => list.push(Posting {
                doc,
                weight,
                spelling,
            }),
        }
    }

    fn spelling(&mut self, stem: &str, from_id: bool) -> u32 {
        let next = self.spellings.len() as u32;
        let id = *self
            .spelling_ids
            .entry((stem.to_string(), from_id))
            .or_insert(next);
        if id == next {
            self.spellings.push(Spelling {
                text: stem.into(),
                chars: stem.chars().count(),
                from_id,
            });
        }
        id
    }
}

/// Indexes the `svar`, manus and link titles of `units` into `doc`.
fn add_unit_texts(
    builder: &mut Builder<'_>,
    ruleset: &Ruleset,
    doc: u32,
    units: &[crate::model::Unit],
) {
    for unit in units {
        if let Some(answer) = &unit.answer {
            builder.add_text(doc, &answer.markdown);
        }
        if let Some(script) = unit.script.and_then(|id| ruleset.scripts().get(id)) {
            builder.add_text(doc, &script.text);
        }
        for link in &unit.links {
            builder.add_text(doc, &link.title);
        }
    }
}

/// What each intent a delmoment shares with the query adds to its score: more than one
/// word naming it, as the form of the question says which act is meant more surely than
/// a word that many of an ärendetyp's delmoment share.
const INTENT: f32 = 10.0;

/// How much a noun's verb counts of the noun itself ("eldar" for "eldning").
const VERB: f32 = 0.9;

/// The verb stem a noun in -ning is made from, when three letters or more are left:
/// "eldning" → "eld", so that "grannen eldar" finds it, "tömning" → "töm".
/// Snowball leaves -ning alone.
fn verb_of(stem: &str) -> Option<&str> {
    let root = stem.strip_suffix("ning")?;
    (root.chars().count() >= 3).then_some(root)
}

/// A word stemmed, not folded: lowercase, Swedish endings removed.
fn stem(stemmer: &Stemmer, word: &str) -> String {
    stemmer.stem(&word.to_lowercase()).into_owned()
}

/// A word as the index is looked up: stemmed and folded.
#[cfg(test)]
fn normalise(stemmer: &Stemmer, word: &str) -> String {
    fold(&stem(stemmer, word))
}

/// Whether `text` uses å, ä or ö: then its a and o are meant as written.
fn writes_swedish_letters(text: &str) -> bool {
    text.chars()
        .any(|c| matches!(c, 'å' | 'ä' | 'ö' | 'Å' | 'Ä' | 'Ö'))
}

/// How strongly two stemmed words match as written (nothing folded): the same rules
/// as [`SearchIndex::matches`] on one pair. `known` says the query word is itself a
/// term (then no typo is looked for).
fn strength_as_written(
    term: &str,
    len: usize,
    text: &str,
    clen: usize,
    known: bool,
    work: &mut usize,
) -> Option<f32> {
    *work += len.min(clen);
    if term == text {
        return Some(1.0);
    }
    let (short, long, slen, llen) = if clen < len {
        (text, term, clen, len)
    } else {
        (term, text, len, clen)
    };
    if slen >= 4 && long.contains(short) {
        return Some(0.4 + 0.5 * slen as f32 / llen as f32);
    }
    if term.chars().next() != text.chars().next() {
        return None;
    }
    if let Some(head) = shared_head(term, text, len, clen) {
        return Some(0.3 * head as f32 / slen as f32);
    }
    let allowed = typos_allowed(known, len);
    if allowed == 0 || clen.abs_diff(len) > allowed {
        return None;
    }
    let distance = edit_distance(term, text, len * clen, work);
    (distance <= allowed).then(|| 1.0 - 1.5 * distance as f32 / len as f32)
}

fn fold(word: &str) -> String {
    word.chars()
        .map(|c| match c {
            'å' | 'ä' | 'à' | 'á' | 'â' => 'a',
            'ö' | 'ø' | 'ó' | 'ô' => 'o',
            'é' | 'è' | 'ê' => 'e',
            'ü' | 'ú' => 'u',
            c => c,
        })
        .collect()
}

fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// The words of `text` as the index holds them: each word, and each hyphenated
/// compound whole as well ("p-tillstånd", "e-tjänst"), whose parts alone say little.
fn terms_of(text: &str) -> impl Iterator<Item = &str> {
    let wholes = hyphenated_words(text).filter(|w| w.contains('-') && !w.contains("--"));
    words(text).chain(wholes)
}

/// The words of `text` with a hyphenated compound kept as one word.
fn hyphenated_words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .map(|w| w.trim_matches('-'))
        .filter(|w| !w.is_empty())
}

/// The weight of each word of one `sökord`: less when it is a phrase (a hyphenated
/// compound is one word).
fn sokord_weight(sokord: &str) -> f32 {
    let words = hyphenated_words(sokord).filter(|w| !is_filler(w)).count();
    if words > 1 {
        SEARCH_WORD * PHRASE_SHARE
    } else {
        SEARCH_WORD
    }
}

/// The length of the first part two compounds share, when it is long enough to mean
/// something: four letters, or three when both words are long ("sopbil", "sopkärl").
/// `alen` and `blen` are their lengths in characters.
fn shared_head(a: &str, b: &str, alen: usize, blen: usize) -> Option<usize> {
    let head = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    let shortest = alen.min(blen);
    let long_enough = head >= 4 || (head == 3 && shortest >= 6);
    (long_enough && head < shortest).then_some(head)
}

/// Every three-byte run of every term, with the terms it stands in (each once).
fn trigrams(terms: &[Term]) -> FxHashMap<[u8; 3], Vec<u32>> {
    let mut index: FxHashMap<[u8; 3], Vec<u32>> = FxHashMap::default();
    for (id, term) in terms.iter().enumerate() {
        for w in term.text.as_bytes().windows(3) {
            let list = index.entry([w[0], w[1], w[2]]).or_default();
            if list.last() != Some(&(id as u32)) {
                list.push(id as u32);
            }
        }
    }
    index
}

/// The Damerau–Levenshtein distance; its cost, the product of the lengths, is added
/// to `work`.
fn edit_distance(a: &str, b: &str, cost: usize, work: &mut usize) -> usize {
    *work += cost;
    strsim::damerau_levenshtein(a, b)
}

/// How many edits make a typo: none where the word itself is known, in short words,
/// or in words too long to compare cheaply; more in longer words.
fn typos_allowed(known: bool, len: usize) -> usize {
    match (known, len) {
        (true, _) | (_, 0..=4) => 0,
        (_, 5..=8) => 1,
        (_, 9..=MAX_TYPO_CHARS) => 2,
        _ => 0,
    }
}

fn is_filler(word: &str) -> bool {
    static FOLDED: std::sync::LazyLock<Vec<String>> =
        std::sync::LazyLock::new(|| FILLER.iter().map(|f| fold(f)).collect());
    let lower = word.to_lowercase();
    FILLER.iter().any(|f| *f == lower) || FOLDED.contains(&lower)
}

/// A lower bound of the edit distance, cheap enough to rule out most terms before the
/// real distance is computed: each edit changes the letter counts by at most two (a
/// swap not at all). Exact for ASCII; other text gets 0, so the distance decides.
fn letters_apart(a: &str, b: &str) -> usize {
    if !a.is_ascii() || !b.is_ascii() {
        return 0;
    }
    let mut counts = [0i16; 128];
    for byte in a.bytes() {
        counts[usize::from(byte)] += 1;
    }
    for byte in b.bytes() {
        counts[usize::from(byte)] -= 1;
    }
    let total: usize = counts.iter().map(|c| c.unsigned_abs() as usize).sum();
    total.div_ceil(2)
}

impl SearchIndex {
    pub(crate) fn new(ruleset: &Ruleset) -> SearchIndex {
        let stemmer = Stemmer::create(Algorithm::Swedish);
        let mut builder = Builder {
            stemmer: &stemmer,
            docs: Vec::new(),
            postings: FxHashMap::default(),
            spellings: Vec::new(),
            spelling_ids: FxHashMap::default(),
            doc_words: Vec::new(),
        };
        let mut prior = Vec::with_capacity(ruleset.arendetyper.len());
        let mut intents = Vec::new();
        let mut parts_of = Vec::with_capacity(ruleset.arendetyper.len());
        for (t, typ) in ruleset.arendetyper.iter().enumerate() {
            let forvaltning = &ruleset.forvaltningar[typ.forvaltning].name;
            let frekvens = typ
                .frekvens
                .or_else(|| typ.units.iter().filter_map(|u| u.frekvens).reduce(f64::max))
                .unwrap_or(0.0);
            prior.push((1.0 + frekvens as f32).ln() * 0.02);
            let doc = builder.doc(t, None);
            builder.add(doc, &typ.name, NAME);
            builder.add_id(doc, &typ.id, NAME);
            for word in &typ.search_words {
                builder.add(doc, word, sokord_weight(word));
            }
            builder.add(doc, forvaltning, FORVALTNING);
            if !typ.has_parts {
                add_unit_texts(&mut builder, ruleset, doc, &typ.units);
            }
            intents.push(0);
            let first_part = builder.docs.len() as u32;
            if typ.has_parts {
                for (u, unit) in typ.units.iter().enumerate() {
                    let doc = builder.doc(t, Some(u));
                    let id = unit.part.as_deref().unwrap_or_default().replace('-', " ");
                    let texts = [unit.name.as_str(), id.as_str()];
                    intents.push(intent::of_part(
                        texts
                            .into_iter()
                            .chain(unit.search_words.iter().map(String::as_str)),
                    ));
                    builder.add(doc, &unit.name, PART);
                    if let Some(part) = &unit.part {
                        builder.add_id(doc, part, PART);
                    }
                    for word in &unit.search_words {
                        builder.add(doc, word, sokord_weight(word));
                    }
                    add_unit_texts(&mut builder, ruleset, doc, std::slice::from_ref(unit));
                }
            }
            parts_of.push(first_part..builder.docs.len() as u32);
        }
        builder.add_synonyms(ruleset.synonyms());
        let types = ruleset.arendetyper.len().max(1) as f32;
        let docs = builder.docs;
        let spellings = builder.spellings;
        let mut terms: Vec<Term> = builder
            .postings
            .into_iter()
            .map(|(text, postings)| {
                let mut owners: Vec<usize> = postings
                    .iter()
                    .map(|p| docs[p.doc as usize].arendetyp)
                    .collect();
                owners.sort_unstable();
                owners.dedup();
                // How telling a word is, by the types that name it (not only mention it
                // in a manus): else a word of many manus would weaken every name with it.
                let mut named: Vec<usize> = postings
                    .iter()
                    .filter(|p| p.weight > TEXT)
                    .map(|p| docs[p.doc as usize].arendetyp)
                    .collect();
                named.sort_unstable();
                named.dedup();
                if !named.is_empty() {
                    owners = named;
                }
                Term {
                    chars: text.chars().count(),
                    idf: (1.0 + types / owners.len() as f32).ln(),
                    text: text.into_boxed_str(),
                    postings,
                }
            })
            .collect();
        terms.sort_by(|a, b| a.text.cmp(&b.text));
        let ids = terms
            .iter()
            .enumerate()
            .map(|(i, t)| (t.text.clone(), i as u32))
            .collect();
        SearchIndex {
            longest: terms.iter().map(|t| t.chars).max().unwrap_or(0),
            trigrams: trigrams(&terms),
            docs,
            terms,
            spellings,
            ids,
            prior,
            intents,
            parts_of,
        }
    }

    /// The best `limit` ärendetyper for the first [`MAX_SEARCH_CHARS`] of `text`, best
    /// first.
    pub(crate) fn search(&self, ruleset: &Ruleset, text: &str, limit: usize) -> Vec<SearchHit> {
        self.search_counted(ruleset, text, limit, &mut 0)
    }

    /// [`SearchIndex::search`], adding to `work` the characters it compares and looks up.
    fn search_counted(
        &self,
        ruleset: &Ruleset,
        text: &str,
        limit: usize,
        work: &mut usize,
    ) -> Vec<SearchHit> {
        let stemmer = Stemmer::create(Algorithm::Swedish);
        // Per document: score, and which query words matched (a bit each). A query word
        // counts once per document, by its best match there, however many terms it touches.
        let text = within_limit(text);
        let as_written = writes_swedish_letters(text);
        let query: Vec<&str> = terms_of(text).filter(|w| !is_filler(w)).take(32).collect();
        let mut score = vec![0.0f32; self.docs.len()];
        let mut word_best = vec![0.0f32; self.docs.len()];
        let mut word_touched = Vec::new();
        // Per ärendetyp: a query word counts once, by its best match in the type or any
        // of its delmoment, so that a type with many delmoment is not counted up.
        let mut by_type: FxHashMap<usize, TypeScore> = FxHashMap::default();
        let mut type_best: FxHashMap<usize, f32> = FxHashMap::default();
        let mut verdicts: FxHashMap<u32, Option<f32>> = FxHashMap::default();
        for (q, word) in query.iter().enumerate() {
            let word = stem(&stemmer, word);
            let term = fold(&word);
            let exact = self.ids.get(term.as_str()).copied();
            // A word common in the ruleset says little, whichever term it reaches: no
            // match counts as more telling than the word itself.
            let most_telling = exact.map_or(f32::MAX, |id| self.terms[id as usize].idf);
            let word = (word.as_str(), word.chars().count(), exact.is_some());
            word_touched.clear();
            verdicts.clear();
            for (id, folded) in self.matches(&term, work) {
                let term = &self.terms[id as usize];
                for posting in &term.postings {
                    let Some(strength) =
                        self.strength(word, folded, as_written, posting, &mut verdicts, work)
                    else {
                        continue;
                    };
                    let best = &mut word_best[posting.doc as usize];
                    if *best == 0.0 {
                        word_touched.push(posting.doc);
                    }
                    *best = best.max(posting.weight * strength * term.idf.min(most_telling));
                }
            }
            if word_touched.is_empty() {
                let typed = (word.0, term.as_str());
                self.add_thesaurus(
                    &stemmer,
                    typed,
                    as_written,
                    &mut word_best,
                    &mut word_touched,
                    work,
                );
            }
            for &doc in &word_touched {
                let d = &self.docs[doc as usize];
                let s = std::mem::take(&mut word_best[doc as usize]);
                if d.part.is_some() && score[doc as usize] == 0.0 {
                    by_type
                        .entry(d.arendetyp)
                        .or_insert_with(|| TypeScore::new(self.prior[d.arendetyp]))
                        .parts
                        .push(doc);
                }
                score[doc as usize] += s;
                let best = type_best.entry(d.arendetyp).or_default();
                *best = best.max(s);
            }
            for (t, best) in type_best.drain() {
                let typ = by_type
                    .entry(t)
                    .or_insert_with(|| TypeScore::new(self.prior[t]));
                typ.score += best;
                typ.words |= 1 << q;
            }
        }
        self.add_intent(intent::of_query(text), &mut score, &mut by_type);
        let leader = clear_leader(&by_type);
        let mut ranked: Vec<(usize, f32, Option<u32>, u32)> = Vec::new();
        for (t, typ) in by_type {
            let next = leader.filter(|l| l.0 == t).map(|l| l.1);
            typ.hits(&score, next, |s, doc| ranked.push((t, s, doc, typ.words)));
        }
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)).then(a.2.cmp(&b.2)));
        let sure = is_sure(&ranked);
        ranked
            .into_iter()
            .take(limit)
            .enumerate()
            .map(|(i, (t, score, doc, words))| {
                let matched: Vec<usize> =
                    (0..query.len()).filter(|q| words & (1 << q) != 0).collect();
                let strength = if i == 0 && sure {
                    STRENGTH_SURE
                } else {
                    STRENGTH_POSSIBLE
                };
                let mut hit = self.hit(ruleset, t, doc, score, matched, &query);
                hit.strength = strength;
                hit
            })
            .collect()
    }

    /// For a query word that matched nothing (stemmed, and folded: `term`), its
    /// thesaurus synonyms that are terms or a part of one ("webb" in "webbplats"), at
    /// [`THESAURUS`] of a match as written: each document's best into `word_best`, the
    /// documents touched into `touched`. A query written with å/ä/ö (`as_written`) looks
    /// up only the word as written.
    fn add_thesaurus(
        &self,
        stemmer: &Stemmer,
        (word, term): (&str, &str),
        as_written: bool,
        word_best: &mut [f32],
        touched: &mut Vec<u32>,
        work: &mut usize,
    ) {
        if term.chars().count() < THESAURUS_MIN_CHARS {
            return;
        }
        let mut verdicts: FxHashMap<u32, Option<f32>> = FxHashMap::default();
        let mut seen: Vec<u32> = Vec::new();
        for synonym in thesaurus::synonyms(word, term, as_written).take(MAX_SYNONYMS) {
            let written = stem(stemmer, synonym);
            for (id, share) in self.terms_holding(&written, work) {
                if seen.contains(&id) {
                    continue;
                }
                seen.push(id);
                let found = &self.terms[id as usize];
                let written = (written.as_str(), written.chars().count(), true);
                verdicts.clear();
                for posting in &found.postings {
                    // The thesaurus spells with å/ä/ö: its words match as written.
                    let strength =
                        self.strength(written, share, true, posting, &mut verdicts, work);
                    let Some(strength) = strength else {
                        continue;
                    };
                    let best = &mut word_best[posting.doc as usize];
                    if *best == 0.0 {
                        touched.push(posting.doc);
                    }
                    let weight = posting.weight * strength.min(share) * found.idf * THESAURUS;
                    *best = best.max(weight);
                }
            }
        }
    }

    /// The terms that are `word` (stemmed) folded, 1.0, or hold it as a part, by the
    /// share of the term it covers.
    fn terms_holding(&self, word: &str, work: &mut usize) -> Vec<(u32, f32)> {
        let term = fold(word);
        let len = term.chars().count();
        let exact = self.ids.get(term.as_str()).copied();
        let mut found: Vec<(u32, f32)> = exact.map(|id| (id, 1.0)).into_iter().collect();
        let holding = self.one_inside_the_other(&term, len, exact, work);
        found.extend(
            holding
                .into_iter()
                .filter(|&(id, _)| self.terms[id as usize].chars > len),
        );
        found
    }

    /// Raises each found ärendetyp's delmoment that are for what the query asks
    /// (`wanted`): the topic chose the ärendetyp, the intent chooses among its delmoment.
    fn add_intent(
        &self,
        wanted: intent::Intents,
        score: &mut [f32],
        by_type: &mut FxHashMap<usize, TypeScore>,
    ) {
        if wanted == 0 {
            return;
        }
        for (&t, typ) in by_type.iter_mut() {
            for doc in self.parts_of[t].clone() {
                let shared = (self.intents[doc as usize] & wanted).count_ones();
                if shared == 0 {
                    continue;
                }
                if !typ.parts.contains(&doc) {
                    typ.parts.push(doc);
                }
                score[doc as usize] += INTENT * shared as f32;
            }
        }
    }

    /// How strongly a query word (stemmed, its length, whether it is a term) matches
    /// one posting of a term it matched folded with strength `folded`: as written when
    /// the spellings allow it; folded, for less, only when the query does not use
    /// å/ä/ö (`as_written`). `verdicts` keeps each spelling's verdict for the word.
    fn strength(
        &self,
        (word, len, known): (&str, usize, bool),
        folded: f32,
        as_written: bool,
        posting: &Posting,
        verdicts: &mut FxHashMap<u32, Option<f32>>,
        work: &mut usize,
    ) -> Option<f32> {
        let spelling = &self.spellings[posting.spelling as usize];
        if spelling.from_id {
            // An id's a and o may stand for å, ä or ö: it never matches as written.
            return (!as_written).then_some(folded * FOLDED);
        }
        let written = *verdicts.entry(posting.spelling).or_insert_with(|| {
            strength_as_written(word, len, &spelling.text, spelling.chars, known, work)
        });
        match written {
            Some(strength) => Some(strength),
            None if as_written => None,
            None => Some(folded * FOLDED),
        }
    }

    /// The terms a query term matches, and how strongly: the same word 1.0; one a part
    /// of the other (compounds) by the share of the longer one covered; compounds with
    /// the same first part weakly; a small typo by how small it is.
    /// Each step adds to `work` about the characters it reads, so that tests can bound it.
    fn matches(&self, term: &str, work: &mut usize) -> Vec<(u32, f32)> {
        let len = term.chars().count();
        *work += term.len();
        if len < 2 {
            return Vec::new();
        }
        let exact = self.ids.get(term).copied();
        let mut out: Vec<(u32, f32)> = exact.map(|id| (id, 1.0)).into_iter().collect();
        let within = self.one_inside_the_other(term, len, exact, work);
        let allowed = typos_allowed(exact.is_some(), len);
        // Compounds share their first part, and typos rarely hit the first letter: only
        // the terms that start with the same byte (the terms are sorted).
        for id in self.same_first_byte(term.as_bytes()[0]) {
            let candidate = &self.terms[id as usize];
            let (text, clen) = (&*candidate.text, candidate.chars);
            *work += 1;
            if Some(id) == exact || within.binary_search_by_key(&id, |m| m.0).is_ok() {
                continue;
            }
            *work += len.min(clen);
            let strength = if let Some(head) = shared_head(term, text, len, clen) {
                // Compounds with the same first part: "sopbil" and "sopkärl".
                0.3 * head as f32 / len.min(clen) as f32
            } else if allowed > 0
                && clen.abs_diff(len) <= allowed
                && letters_apart(term, text) <= allowed
                && let distance = edit_distance(term, text, len * clen, work)
                && distance <= allowed
            {
                // One letter wrong in a long word is still nearly the word.
                1.0 - 1.5 * distance as f32 / len as f32
            } else {
                continue;
            };
            out.push((id, strength));
        }
        out.extend(within);
        out
    }

    /// Terms of four characters or more inside the query term, and terms the query term
    /// (four or more) is inside, by the share of the longer one covered; sorted by id.
    fn one_inside_the_other(
        &self,
        term: &str,
        len: usize,
        exact: Option<u32>,
        work: &mut usize,
    ) -> Vec<(u32, f32)> {
        let mut found = Vec::new();
        if len < 4 {
            return found;
        }
        let covered = |short: usize, long: usize| 0.4 + 0.5 * short as f32 / long as f32;
        // Longer terms that hold the query term hold each of its three-byte runs.
        let runs: Option<Vec<&Vec<u32>>> = term
            .as_bytes()
            .windows(3)
            .map(|w| self.trigrams.get(&[w[0], w[1], w[2]]))
            .collect();
        if let Some(rarest) = runs.and_then(|r| r.into_iter().min_by_key(|l| l.len())) {
            for &id in rarest {
                let candidate = &self.terms[id as usize];
                *work += candidate.text.len();
                if Some(id) != exact && candidate.chars >= len && candidate.text.contains(term) {
                    found.push((id, covered(len, candidate.chars)));
                }
            }
        }
        // Shorter terms inside the query term are among its substrings, and no longer
        // than the longest term: linear in the word's length, not cubic.
        let bounds: Vec<usize> = term
            .char_indices()
            .map(|(i, _)| i)
            .chain([term.len()])
            .collect();
        for a in 0..bounds.len() {
            let end = bounds.len().min(a + len).min(a + self.longest + 1);
            for b in a + 4..end {
                let run = &term[bounds[a]..bounds[b]];
                *work += run.len();
                if let Some(&id) = self.ids.get(run) {
                    found.push((id, covered(b - a, len)));
                }
            }
        }
        found.sort_unstable_by_key(|m| m.0);
        found.dedup_by_key(|m| m.0);
        found
    }

    /// The ids of the terms whose text starts with `first`.
    fn same_first_byte(&self, first: u8) -> std::ops::Range<u32> {
        let head = |t: &Term| t.text.as_bytes().first().copied().unwrap_or(0);
        let start = self.terms.partition_point(|t| head(t) < first);
        let end = self.terms.partition_point(|t| head(t) <= first);
        start as u32..end as u32
    }

    fn hit(
        &self,
        ruleset: &Ruleset,
        t: usize,
        doc: Option<u32>,
        score: f32,
        matched: Vec<usize>,
        query: &[&str],
    ) -> SearchHit {
        let typ = &ruleset.arendetyper[t];
        let unit = doc
            .and_then(|d| self.docs[d as usize].part)
            .map(|u| &typ.units[u]);
        SearchHit {
            case_type: typ.id.clone(),
            part: unit.and_then(|u| u.part.clone()),
            name: match unit {
                Some(u) => format!("{}, {}", typ.name, u.name),
                None => typ.name.clone(),
            },
            forvaltning: ruleset.forvaltningar[typ.forvaltning].name.clone(),
            score: (score * 100.0).round() / 100.0,
            strength: STRENGTH_POSSIBLE,
            matched: matched.into_iter().map(|q| query[q].to_string()).collect(),
        }
    }
}

#[cfg(test)]
impl SearchIndex {
    /// The scan of every term that [`SearchIndex::matches`] replaced, as its reference.
    /// The terms a query term matches, and how strongly: the same word 1.0; one a part
    /// of the other (compounds) by the share of the longer one covered; compounds with
    /// the same first part weakly; a small typo by how small it is.
    fn matches_by_scan(&self, term: &str) -> Vec<(u32, f32)> {
        let len = term.chars().count();
        if len < 2 {
            return Vec::new();
        }
        let exact = self.ids.get(term).copied();
        let mut out: Vec<(u32, f32)> = exact.map(|id| (id, 1.0)).into_iter().collect();
        let allowed = typos_allowed(exact.is_some(), len);
        let first = term.as_bytes()[0];
        for (id, candidate) in self.terms.iter().enumerate() {
            let (text, clen): (&str, usize) = (&candidate.text, candidate.chars);
            if Some(id as u32) == exact {
                continue;
            }
            let (short, long, slen, llen) = if clen < len {
                (text, term, clen, len)
            } else {
                (term, text, len, clen)
            };
            let strength = if slen >= 4 && long.contains(short) {
                0.4 + 0.5 * slen as f32 / llen as f32
            } else if text.as_bytes()[0] != first {
                // Compounds share their first part, and typos rarely hit the first letter.
                continue;
            } else if let Some(head) = shared_head(term, text, len, clen) {
                // Compounds with the same first part: "sopbil" and "sopkärl".
                0.3 * head as f32 / slen as f32
            } else if allowed > 0
                && clen.abs_diff(len) <= allowed
                && let distance = strsim::damerau_levenshtein(term, text)
                && distance <= allowed
            {
                // One letter wrong in a long word is still nearly the word.
                1.0 - 1.5 * distance as f32 / len as f32
            } else {
                continue;
            };
            out.push((id as u32, strength));
        }
        out
    }
}

#[cfg(test)]
mod reference {
    use super::*;

    /// The indexed lookup finds what scanning every term finds, with the same strength,
    /// for every word of the phrasing corpora and their typo'd and cut forms.
    #[test]
    fn matches_as_the_scan_does() {
        let ruleset = crate::Ruleset::load(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/rulesets/exempelkommun"
        ))
        .expect("the example loads");
        let index = SearchIndex::new(&ruleset);
        let stemmer = Stemmer::create(Algorithm::Swedish);
        let mut words: Vec<String> = Vec::new();
        for corpus in ["fraser.tsv", "kontroll.tsv"] {
            let path = format!("{}/tests/fixtures/sok/{corpus}", env!("CARGO_MANIFEST_DIR"));
            let text = std::fs::read_to_string(path).expect("the corpus");
            for word in text
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
            {
                let term = normalise(&stemmer, word);
                let chars: Vec<char> = term.chars().collect();
                words.push(term.clone());
                if chars.len() > 3 {
                    words.push(chars[1..].iter().collect());
                    words.push(chars[..chars.len() - 1].iter().collect());
                    let mut swapped = chars.clone();
                    swapped.swap(1, 2);
                    words.push(swapped.into_iter().collect());
                }
            }
        }
        words.sort();
        words.dedup();
        assert!(words.len() > 500, "{} words", words.len());
        for word in &words {
            let sorted = |mut m: Vec<(u32, f32)>| {
                m.sort_by_key(|a| a.0);
                m
            };
            assert_eq!(
                sorted(index.matches(word, &mut 0)),
                sorted(index.matches_by_scan(word)),
                "{word}"
            );
        }
    }
}

#[cfg(test)]
mod bounds {
    use super::*;

    /// Characters compared and looked up for `text` on the example kommun.
    fn work(index: &SearchIndex, ruleset: &Ruleset, text: &str) -> usize {
        let mut work = 0;
        index.search_counted(ruleset, text, 10, &mut work);
        work
    }

    /// The worst queries within the limits do bounded work, and a longer text does no
    /// more than its first [`MAX_SEARCH_CHARS`]: matching is linear in a word's length.
    /// (Every run of a 500-letter word looked up, as before, was about 20 million.)
    #[test]
    fn the_worst_query_within_the_limits_does_bounded_work() {
        let ruleset = crate::Ruleset::load(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/rulesets/exempelkommun"
        ))
        .expect("the example loads");
        let index = SearchIndex::new(&ruleset);
        let one_word = |unit: &str| unit.repeat(MAX_SEARCH_CHARS / unit.chars().count());
        let words = |word: &str| {
            let n = MAX_SEARCH_CHARS / (word.chars().count() + 1);
            vec![word; n.min(MAX_SEARCH_WORDS)].join(" ")
        };
        let worst = [
            one_word("a"),
            one_word("bygglov"),
            one_word("snöröjning"),
            words("bygglovsansokningarna"),
            words("sophamtningsavgiften"),
            words("bygglvsnsökn"),
        ];
        let mut most = 0;
        for query in &worst {
            assert!(check_search(query).is_ok(), "{query}");
            most = most.max(work(&index, &ruleset, query));
        }
        assert!(most < 1_000_000, "{most} characters for one query");
        let longer = "bygglov".repeat(2_300);
        assert!(check_search(&longer).is_err());
        assert_eq!(
            work(&index, &ruleset, &longer),
            work(&index, &ruleset, within_limit(&longer))
        );
    }

    #[test]
    fn queries_over_the_limits_are_named() {
        assert_eq!(
            check_search(&"a".repeat(501)),
            Err(SearchTooLong::Chars(501))
        );
        assert_eq!(check_search(&"å".repeat(500)), Ok(()));
        assert_eq!(
            check_search(&vec!["ord"; 33].join(" ")),
            Err(SearchTooLong::Words(33))
        );
        assert_eq!(check_search("när kommer sopbilen"), Ok(()));
    }
}
