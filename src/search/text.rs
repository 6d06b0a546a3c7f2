//! Normalizing and tokenizing, the same rules as `themes/default/static/search.js`
//! (`normalize`, `tokens`, `queryClauses` there): change both together, and the
//! test vectors in `tests/fixtures/search-vectors.json` check they agree.
//!
//! - normalize: NFKD, lowercase, drop combining marks (`ESCALÀ` → `escala`);
//! - a word is a run of alphabetic or numeric characters;
//! - words joined by single `-`, `_` or `.` form a chain (`entra-id`,
//!   `fw-river.acmedental.example`, `10.10.0.20`); the index holds each word and
//!   the whole chain, so `entra-id` can match exactly and `entra id` still finds it;
//! - stop words (single words only, never chains) are not indexed or searched.
//! - titles, headings and page paths also give the parts of CamelCase words
//!   ([`identifier_parts`]): `RouterErrorRatioTooHigh` is indexed whole (so
//!   `routererror` finds it as a prefix) and as `router`, `error`, `ratio`…
//!   Queries need no rule of their own for it, so `search.js` has none.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Terms longer than this (hashes, base64) are not indexed.
pub(crate) const MAX_TERM_CHARS: usize = 48;

/// Not indexed and dropped from queries. Also written into `search/meta.js`.
pub(crate) const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "is",
    "it", "its", "of", "on", "or", "that", "the", "this", "to", "was", "were", "will", "with",
];

pub(crate) fn is_stop_word(w: &str) -> bool {
    // A `match` (the compiler switches on length first): this runs for every word indexed.
    matches!(
        w,
        "a" | "an"
            | "and"
            | "are"
            | "as"
            | "at"
            | "be"
            | "by"
            | "for"
            | "from"
            | "has"
            | "have"
            | "in"
            | "is"
            | "it"
            | "its"
            | "of"
            | "on"
            | "or"
            | "that"
            | "the"
            | "this"
            | "to"
            | "was"
            | "were"
            | "will"
            | "with"
    )
}

/// NFKD, lowercase, combining marks dropped.
pub(crate) fn normalize(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    let decomposed: String = s.nfkd().collect();
    decomposed
        .to_lowercase()
        .chars()
        .filter(|c| !is_combining_mark(*c))
        .collect()
}

fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        c.is_alphabetic() || c.is_numeric()
    }
}

fn is_joiner(c: char) -> bool {
    matches!(c, '-' | '_' | '.')
}

/// Calls `f(words, whole)` for each chain of an already normalized string, in
/// order: its words, and the chain as written (`entra-id`). A chain of one
/// word is a plain word (`whole` is that word).
pub(crate) fn for_each_chain<'a>(norm: &'a str, mut f: impl FnMut(&[&'a str], &'a str)) {
    let mut words: Vec<&'a str> = Vec::new();
    let mut chain_start = 0;
    let mut word_start: Option<usize> = None;
    let mut after_joiner = false;
    let mut flush = |words: &mut Vec<&'a str>, chain_start: usize| {
        if let Some(last) = words.last() {
            let end = last.as_ptr() as usize - norm.as_ptr() as usize + last.len();
            f(words, &norm[chain_start..end]);
            words.clear();
        }
    };
    for (i, c) in norm.char_indices() {
        if is_word_char(c) {
            if word_start.is_none() {
                if !after_joiner {
                    chain_start = i;
                }
                word_start = Some(i);
                after_joiner = false;
            }
        } else if let Some(ws) = word_start.take() {
            words.push(&norm[ws..i]);
            if is_joiner(c) {
                after_joiner = true;
            } else {
                flush(&mut words, chain_start);
            }
        } else if after_joiner {
            after_joiner = false;
            flush(&mut words, chain_start);
        }
    }
    if let Some(ws) = word_start {
        words.push(&norm[ws..]);
    }
    flush(&mut words, chain_start);
}

/// The parts of each CamelCase word of `text` (before normalizing), one
/// space apart: `RouterErrorRatioTooHigh on HTTPServer2` → `Router Error
/// Ratio Too High HTTP Server2`. Words that are not CamelCase give nothing:
/// the text's own terms already hold them.
pub(crate) fn identifier_parts(text: &str) -> String {
    let mut out = String::new();
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        let chars: Vec<char> = word.chars().collect();
        let mut starts = vec![0];
        for i in 1..chars.len() {
            let (prev, c) = (chars[i - 1], chars[i]);
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            // `rE` starts a part; so does the last capital of a run before a
            // lowercase letter (`HTTPServer` → `HTTP`, `Server`).
            if c.is_uppercase()
                && (prev.is_lowercase() || prev.is_numeric() || (prev.is_uppercase() && next_lower))
            {
                starts.push(i);
            }
        }
        if starts.len() < 2 {
            continue;
        }
        starts.push(chars.len());
        for pair in starts.windows(2) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.extend(&chars[pair[0]..pair[1]]);
        }
    }
    out
}

/// Chains of an already normalized string: each is its words in order.
#[cfg(test)]
pub(crate) fn chains(norm: &str) -> Vec<Vec<&str>> {
    let mut out = Vec::new();
    for_each_chain(norm, |words, _| out.push(words.to_vec()));
    out
}

fn indexable(t: &str) -> bool {
    !t.is_empty() && t.chars().count() <= MAX_TERM_CHARS
}

/// Every term of an already normalized text, in order, with repeats: each
/// non-stop word, and each chain of two or more words as a whole.
pub(crate) fn terms_of<'a>(norm: &'a str, mut each: impl FnMut(&'a str)) {
    for_each_chain(norm, |words, whole| {
        for w in words {
            if indexable(w) && !is_stop_word(w) {
                each(w);
            }
        }
        if words.len() > 1 && indexable(whole) {
            each(whole);
        }
    });
}

/// [`terms_of`] a text not yet normalized.
pub(crate) fn terms(text: &str, each: impl FnMut(&str)) {
    let norm = normalize(text);
    terms_of(&norm, each);
}

/// One part of a query: all clauses must match (AND).
#[cfg(test)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Clause {
    /// The word, or the whole chain (`entra-id`), prefix-matched.
    pub term: String,
    /// For a chain: its non-stop words, all of which matching also satisfies the clause.
    pub parts: Vec<String>,
}

/// Parse a query into clauses. Stop words alone are dropped.
#[cfg(test)]
pub(crate) fn query_clauses(q: &str) -> Vec<Clause> {
    let norm = normalize(q);
    let mut out = Vec::new();
    for_each_chain(&norm, |words, whole| {
        if words.len() == 1 {
            if indexable(whole) && !is_stop_word(whole) {
                out.push(Clause {
                    term: whole.to_string(),
                    parts: Vec::new(),
                });
            }
        } else {
            out.push(Clause {
                term: whole.to_string(),
                parts: words
                    .iter()
                    .filter(|w| indexable(w) && !is_stop_word(w))
                    .map(|w| w.to_string())
                    .collect(),
            });
        }
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<String> {
        let mut v = Vec::new();
        terms(text, |t| v.push(t.to_string()));
        v
    }

    #[test]
    fn stop_words_are_sorted_and_matched() {
        let mut s = STOP_WORDS.to_vec();
        s.sort_unstable();
        assert_eq!(s, STOP_WORDS);
        assert!(STOP_WORDS.iter().all(|w| is_stop_word(w)));
        assert!(!is_stop_word("vpn") && !is_stop_word("then"));
    }

    #[test]
    fn accents_and_case_fold() {
        assert_eq!(normalize("ESCALÀ"), "escala");
        assert_eq!(normalize("Ünïcödé ﬁle"), "unicode file");
    }

    #[test]
    fn chains_keep_ids_whole() {
        assert_eq!(
            all("Entra-ID sign-in, 10.10.0.20."),
            [
                "entra",
                "id",
                "entra-id",
                "sign",
                "sign-in",
                "10",
                "10",
                "0",
                "20",
                "10.10.0.20"
            ]
        );
        assert_eq!(all("trailing- dash"), ["trailing", "dash"]);
        assert_eq!(all("a--b .c d."), ["b", "c", "d"]);
        assert_eq!(chains("x-y.z w"), [vec!["x", "y", "z"], vec!["w"]]);
    }

    #[test]
    fn camel_case_words_split_into_parts() {
        assert_eq!(
            identifier_parts("RouterErrorRatioTooHigh fires"),
            "Router Error Ratio Too High"
        );
        assert_eq!(
            identifier_parts("HTTPServer, getIP2Address"),
            "HTTP Server get IP2 Address"
        );
        assert_eq!(identifier_parts("plain words, UPPER, Title"), "");
        assert_eq!(identifier_parts("snake_case kebab-case"), "");
    }

    #[test]
    fn query_chains_carry_their_parts() {
        let c = query_clauses("The ENTRA-id");
        assert_eq!(
            c,
            [Clause {
                term: "entra-id".into(),
                parts: vec!["entra".into(), "id".into()]
            }]
        );
        assert!(query_clauses("the of").is_empty());
    }
}
