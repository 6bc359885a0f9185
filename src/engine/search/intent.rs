//! What the caller wants done, read from the form of the question rather than its
//! topic: "vad kostar …" asks for information, "hur går det med …" for the state of a
//! case, "vill prata med handläggaren" for the handläggare, "vill överklaga" for the
//! decision. The topic chooses the ärendetyp; the intent chooses among its delmoment.
//!
//! Both sides are Swedish, not any kommun's ids: the query's question forms and verbs
//! ([`CUES`]), and the words a delmoment's name, id or sökord use for the same act
//! ([`MARKS`]). A name phrased as an indirect question ("Vad hemtjänst är och hur man
//! ansöker") is information only.

/// A set of intents, one bit each.
pub(super) type Intents = u16;

/// Information: rules, prices, opening hours, how to apply, who may.
pub(super) const INFORMATION: Intents = 1;
/// The state of one's own case: received, how far, when the answer comes.
pub(super) const STATUS: Intents = 1 << 1;
/// To talk to the handläggare or rådgivare about one's case.
pub(super) const CONTACT: Intents = 1 << 2;
/// Against a decision or an invoice: överklaga, bestrida.
pub(super) const APPEAL: Intents = 1 << 3;
/// To apply, register or join a queue.
pub(super) const APPLY: Intents = 1 << 4;
/// To move, cancel or pause something booked or ordered.
pub(super) const CHANGE: Intents = 1 << 5;
/// To end an agreement: säga upp, tacka nej.
pub(super) const END: Intents = 1 << 6;
/// Something broken or gone: a fault report.
pub(super) const BROKEN: Intents = 1 << 7;
/// Something that did not come, or came late.
pub(super) const MISSED: Intents = 1 << 8;
/// Help to do it: fill in, write, apply with someone.
pub(super) const HELP: Intents = 1 << 9;

/// Question forms and verb phrases, lowercase with å/ä/ö folded, and the intents they
/// show. A phrase is a run of words; `_` stands for any one to three words ("ställa
/// _ i kö": "ställa mitt barn i kön"). Longer phrases are tried first at each word, and
/// a matched phrase's words are not read again ("när får jag" is not "får jag").
const CUES: &[(&str, Intents)] = &[
    // Information: price, rules, how it is done, opening hours.
    ("vad kostar", INFORMATION),
    ("hur mycket kostar", INFORMATION),
    ("kostar", INFORMATION),
    ("kostnad", INFORMATION),
    ("kostnaden", INFORMATION),
    ("pris", INFORMATION),
    ("priset", INFORMATION),
    ("hur soker man", INFORMATION | APPLY),
    ("hur ansoker man", INFORMATION | APPLY),
    ("hur soker jag", INFORMATION | APPLY),
    ("hur gor man", INFORMATION),
    ("hur gor jag", INFORMATION),
    ("hur gor vi", INFORMATION),
    ("hur far man", INFORMATION),
    ("hur far jag", INFORMATION),
    ("hur blir man", INFORMATION),
    ("hur fungerar", INFORMATION),
    ("hur funkar", INFORMATION),
    ("hur ofta", INFORMATION),
    ("hur raknas", INFORMATION),
    ("vilka regler", INFORMATION),
    ("vad galler", INFORMATION),
    ("regler", INFORMATION),
    ("reglerna", INFORMATION),
    ("far man", INFORMATION),
    ("far jag", INFORMATION),
    ("far vi", INFORMATION),
    ("kan man fa", INFORMATION),
    ("behover jag", INFORMATION),
    ("behover man", INFORMATION),
    ("behovs det", INFORMATION),
    ("maste man", INFORMATION),
    ("maste jag", INFORMATION),
    ("kravs", INFORMATION),
    ("vad kravs", INFORMATION),
    ("ratt till", INFORMATION),
    ("finns det", INFORMATION),
    ("vilka", INFORMATION),
    ("vem far", INFORMATION),
    ("vem kan", INFORMATION),
    ("nar ar nasta", INFORMATION),
    ("oppet", INFORMATION),
    ("oppettider", INFORMATION),
    ("forstar inte", INFORMATION),
    ("fattar inte", INFORMATION),
    ("var ska man", INFORMATION),
    ("var kan man", INFORMATION),
    ("var kan jag", INFORMATION),
    ("vart kan jag", INFORMATION),
    ("var lamnar man", INFORMATION),
    ("var hittar jag", INFORMATION),
    ("var koper man", INFORMATION),
    // Status: the caller's own case, already under way.
    ("hur gar det", STATUS),
    ("hur gick det", STATUS),
    ("har ni fatt", STATUS),
    ("har ni tagit emot", STATUS),
    ("har ni granskat", STATUS),
    ("vad hander med", STATUS),
    ("vad har hant med", STATUS),
    ("nar far jag", STATUS),
    ("nar far vi", STATUS),
    ("besked", STATUS),
    ("hur lange drojer", STATUS),
    ("hur lang tid tar", STATUS),
    ("drojer", STATUS),
    ("vantar pa", STATUS),
    ("har inte fatt", STATUS),
    ("har inte kommit", STATUS | MISSED),
    ("har inte hort av sig", STATUS | MISSED),
    ("sokte", STATUS),
    ("ansokte", STATUS),
    ("har sokt", STATUS),
    ("skickade in", STATUS),
    ("lamnade in", STATUS),
    ("lamnade", STATUS),
    ("status", STATUS),
    // Contact with the handläggare.
    ("prata med", CONTACT),
    ("tala med", CONTACT),
    ("mote med", CONTACT),
    ("traffa", CONTACT),
    ("fa tag pa", CONTACT),
    ("kontakta", CONTACT),
    ("hur far jag tag pa", CONTACT),
    ("hur far man tag pa", CONTACT),
    // Against a decision or an invoice.
    ("overklaga", APPEAL),
    ("overklagar", APPEAL),
    ("overklagan", APPEAL),
    ("avslag", APPEAL),
    ("fick inte", APPEAL),
    ("ar fel", APPEAL),
    ("fel pa fakturan", APPEAL),
    ("fel pa rakningen", APPEAL),
    ("stammer inte", APPEAL),
    ("fast jag hade betalat", APPEAL),
    ("fast jag betalat", APPEAL),
    ("har ju betalat", APPEAL),
    ("redan betalat", APPEAL),
    ("bestrida", APPEAL),
    // To apply or join a queue.
    ("vill soka", APPLY),
    ("ska soka", APPLY),
    ("ansoka", APPLY),
    ("stalla _ i ko", APPLY),
    ("stalla _ i kon", APPLY),
    ("anmala", APPLY),
    // To move, cancel or pause what is booked.
    ("boka om", CHANGE),
    ("omboka", CHANGE),
    ("avboka", CHANGE),
    ("avbestalla", CHANGE),
    ("pausa", CHANGE),
    ("andra tiden", CHANGE),
    ("bortresta", CHANGE),
    ("bortrest", CHANGE),
    ("inte hemma", CHANGE),
    // To end an agreement.
    ("saga upp", END),
    ("sager upp", END),
    ("tacka nej", END),
    ("avsluta", END),
    // Something broken or gone.
    ("sonder", BROKEN),
    ("trasig", BROKEN),
    ("trasigt", BROKEN),
    ("fungerar inte", BROKEN),
    ("funkar inte", BROKEN),
    ("stulit", BROKEN),
    ("stulen", BROKEN),
    // Something that did not come, or came late.
    ("kom inte", MISSED),
    ("glomt", MISSED),
    ("missade", MISSED),
    ("for sent", MISSED),
    // Help with doing it.
    ("hjalp att", HELP),
    ("hjalp med", HELP),
    ("hjalpa mig", HELP),
    ("hjalpa oss", HELP),
    ("fylla i", HELP),
];

/// The words by which a delmoment's name, id or sökord say which act it is for
/// (lowercase, å/ä/ö folded), as [`marks`] finds them in a word.
const MARKS: &[(&str, Intents)] = &[
    ("information", INFORMATION),
    ("regler", INFORMATION),
    ("avgift", INFORMATION),
    ("pris", INFORMATION),
    ("taxa", INFORMATION),
    ("maxtaxa", INFORMATION),
    ("kostar", INFORMATION),
    ("oppettid", INFORMATION),
    ("blankett", INFORMATION),
    ("forklara", INFORMATION),
    ("status", STATUS),
    ("handlaggning", STATUS),
    ("pagaende", STATUS),
    ("granskning", STATUS),
    ("besked", STATUS),
    ("besvara", STATUS),
    // A place in a queue: "Plats i kön".
    ("kon", STATUS),
    ("ko", STATUS),
    // Receiving and checking what was sent in: "har ni fått min ansökan".
    ("kontroll", STATUS),
    ("komplett", STATUS),
    ("handlaggare", CONTACT),
    ("bedomning", CONTACT),
    ("radgivning", CONTACT),
    ("kontakt", CONTACT),
    ("samtal", CONTACT),
    ("beslut", APPEAL),
    ("overklag", APPEAL),
    ("bestrid", APPEAL),
    ("omprovning", APPEAL),
    ("ansokan", APPLY),
    ("ansoka", APPLY),
    ("anmalan", APPLY),
    ("omboka", CHANGE),
    ("avbok", CHANGE),
    ("avbestall", CHANGE),
    ("pausa", CHANGE),
    ("andra", CHANGE),
    ("uppsagning", END),
    ("saga", END),
    ("erbjudande", END),
    ("fel", BROKEN),
    ("trasig", BROKEN),
    ("skada", BROKEN),
    ("stulet", BROKEN),
    ("utebliven", MISSED),
    ("forsenad", MISSED),
    ("hjalp", HELP),
    ("uppratta", HELP),
];

/// The intents of a query, from its question forms and verbs.
pub(super) fn of_query(text: &str) -> Intents {
    let words: Vec<String> = super::words(text)
        .map(|w| super::fold(&w.to_lowercase()))
        .collect();
    let mut found = 0;
    let mut at = 0;
    while at < words.len() {
        let longest = CUES
            .iter()
            .filter_map(|&(cue, intents)| matched(cue, &words[at..]).map(|n| (n, intents)))
            .max_by_key(|&(n, _)| n);
        match longest {
            Some((n, intents)) => {
                found |= intents;
                at += n;
            }
            None => at += 1,
        }
    }
    found
}

/// How many of `words` the phrase `cue` matches at their start, if it does.
fn matched(cue: &str, words: &[String]) -> Option<usize> {
    let mut at = 0;
    let mut parts = cue.split(' ').peekable();
    while let Some(part) = parts.next() {
        if part == "_" {
            let next = parts.peek()?;
            let gap = (1..=3).find(|gap| words.get(at + gap).is_some_and(|w| w == next))?;
            at += gap;
            continue;
        }
        if words.get(at)? != part {
            return None;
        }
        at += 1;
    }
    Some(at)
}

/// The intents a delmoment is for, from the words of its name, id and sökord.
pub(super) fn of_part<'a>(texts: impl IntoIterator<Item = &'a str>) -> Intents {
    let mut found = 0;
    for text in texts {
        let words: Vec<String> = super::words(text)
            .map(|w| super::fold(&w.to_lowercase()))
            .collect();
        // "Hur man ansöker" tells how it is done: information, not the act itself.
        if words.iter().any(|w| QUESTION_WORDS.contains(&w.as_str())) {
            found |= INFORMATION;
            continue;
        }
        for word in &words {
            for &(mark, intents) in MARKS {
                if marks(word, mark) {
                    found |= intents;
                }
            }
        }
    }
    found
}

/// Question words that make a name an indirect question ("Vad hemtjänst är och hur
/// man ansöker"), folded.
const QUESTION_WORDS: &[&str] = &["hur", "vad", "vem", "var", "nar", "vilka", "vilken"];

/// Whether `word` holds `mark`: inside it for five letters or more, at its start for
/// four, else only the word itself ("kö" is not "kopia").
fn marks(word: &str, mark: &str) -> bool {
    match mark.len() {
        5.. => word.contains(mark),
        4 => word.starts_with(mark),
        _ => word == mark,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn question_forms_show_the_intent() {
        assert_eq!(of_query("vad kostar förskolan per månad"), INFORMATION);
        assert_eq!(of_query("hur går det med min bygglovsansökan"), STATUS);
        assert_eq!(of_query("när får jag besked om bygglovet"), STATUS);
        assert_eq!(of_query("vill prata med handläggaren"), CONTACT);
        assert_eq!(
            of_query("vill ställa mitt barn i kön till förskolan"),
            APPLY
        );
        assert_eq!(of_query("vill överklaga beslutet"), APPEAL);
        assert_eq!(of_query("sopbilen"), 0);
    }

    #[test]
    fn names_show_what_a_delmoment_is_for() {
        assert_eq!(
            of_part(["Vad hemtjänst är och hur man ansöker"]),
            INFORMATION
        );
        assert_eq!(
            of_part(["Biståndsbedömning och kontakt med handläggare"]),
            CONTACT
        );
        assert_eq!(of_part(["Plats i kön", "ko status"]), STATUS);
        assert_eq!(
            of_part(["Regler för förskoleplats och köregler"]),
            INFORMATION
        );
        assert_eq!(of_part(["Hämtdagar, sortering och kärl"]), 0);
    }
}
