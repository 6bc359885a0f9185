//! A Swedish thesaurus for query words the ruleset does not know: "soptunnan" is not in
//! any ärendetyp, but its synonym "sopkärl" may be. The data is Viggo Kann's synonym
//! list (KTH, 2009; its notice is kept in the file's header), converted by
//! `scripts/thesaurus.py` to one group per line: a word, then its synonyms.

use rust_stemmers::Stemmer;
use rustc_hash::FxHashMap;
use std::sync::LazyLock;

/// The groups, one a line; lines starting with `#` are the notice.
const TEXT: &str = include_str!("synonymer-sv.txt");

/// The thesaurus by the stem of each group's first word, parsed on first use.
/// Each group is its first word stemmed (not folded) and its synonyms.
type Groups = FxHashMap<String, Vec<(String, &'static str)>>;

static GROUPS: LazyLock<Groups> = LazyLock::new(|| {
    let stemmer = Stemmer::create(rust_stemmers::Algorithm::Swedish);
    let mut groups: Groups = FxHashMap::default();
    for line in TEXT.lines().filter(|l| !l.starts_with('#')) {
        let Some((head, synonyms)) = line.split_once(' ') else {
            continue;
        };
        let head = stemmer.stem(head).into_owned();
        groups
            .entry(super::fold(&head))
            .or_default()
            .push((head, synonyms));
    }
    groups
});

/// The synonyms of a word, stemmed (`word`) and folded (`term`), as written in the
/// thesaurus. When `as_written`, only of groups whose word is spelled as `word`: "sår"
/// is not "sar" nor "sär".
pub(super) fn synonyms<'a>(
    word: &'a str,
    term: &str,
    as_written: bool,
) -> impl Iterator<Item = &'static str> + 'a {
    GROUPS
        .get(term)
        .into_iter()
        .flatten()
        .filter(move |(head, _)| !as_written || head == word)
        .flat_map(|(_, group)| group.split(' '))
}
