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

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Terms longer than this (hashes, base64) are not indexed.
pub const MAX_TERM_CHARS: usize = 48;

/// Not indexed and dropped from queries. Also written into `search/meta.js`.
pub const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "is",
    "it", "its", "of", "on", "or", "that", "the", "this", "to", "was", "were", "will", "with",
];

pub fn is_stop_word(w: &str) -> bool {
    STOP_WORDS.binary_search(&w).is_ok()
}

/// NFKD, lowercase, combining marks dropped.
pub fn normalize(s: &str) -> String {
    let decomposed: String = s.nfkd().collect();
    decomposed
        .to_lowercase()
        .chars()
        .filter(|c| !is_combining_mark(*c))
        .collect()
}

fn is_word_char(c: char) -> bool {
    c.is_alphabetic() || c.is_numeric()
}

fn is_joiner(c: char) -> bool {
    matches!(c, '-' | '_' | '.')
}

/// Chains of an already normalized string: each is its words in order.
/// A chain of one word is a plain word.
pub fn chains(norm: &str) -> Vec<Vec<&str>> {
    let mut out: Vec<Vec<&str>> = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    let bytes: Vec<(usize, char)> = norm.char_indices().collect();
    let mut i = 0;
    while i < bytes.len() {
        let (start, c) = bytes[i];
        if is_word_char(c) {
            let mut j = i;
            while j < bytes.len() && is_word_char(bytes[j].1) {
                j += 1;
            }
            let end = bytes.get(j).map_or(norm.len(), |b| b.0);
            current.push(&norm[start..end]);
            // A single joiner followed by a word char continues the chain.
            let continues =
                j + 1 < bytes.len() && is_joiner(bytes[j].1) && is_word_char(bytes[j + 1].1);
            if continues {
                i = j + 1;
            } else {
                out.push(std::mem::take(&mut current));
                i = j;
            }
        } else {
            i += 1;
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// The text of a chain as one term: `entra-id` (joiners as written).
pub fn chain_term<'a>(norm: &'a str, chain: &[&'a str]) -> &'a str {
    match (chain.first(), chain.last()) {
        (Some(first), Some(last)) => {
            let start = first.as_ptr() as usize - norm.as_ptr() as usize;
            let end = last.as_ptr() as usize - norm.as_ptr() as usize + last.len();
            &norm[start..end]
        }
        _ => "",
    }
}

fn indexable(t: &str) -> bool {
    !t.is_empty() && t.chars().count() <= MAX_TERM_CHARS
}

/// Every term of a text, in order, with repeats: each non-stop word, and each
/// chain of two or more words as a whole.
pub fn terms(text: &str, mut each: impl FnMut(&str)) {
    let norm = normalize(text);
    for chain in chains(&norm) {
        for w in &chain {
            if indexable(w) && !is_stop_word(w) {
                each(w);
            }
        }
        if chain.len() > 1 {
            let whole = chain_term(&norm, &chain);
            if indexable(whole) {
                each(whole);
            }
        }
    }
}

/// One part of a query: all clauses must match (AND).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    /// The word, or the whole chain (`entra-id`), prefix-matched.
    pub term: String,
    /// For a chain: its non-stop words, all of which matching also satisfies the clause.
    pub parts: Vec<String>,
}

/// Parse a query into clauses. Stop words alone are dropped.
pub fn query_clauses(q: &str) -> Vec<Clause> {
    let norm = normalize(q);
    chains(&norm)
        .into_iter()
        .filter_map(|chain| {
            if chain.len() == 1 {
                let w = chain[0];
                (indexable(w) && !is_stop_word(w)).then(|| Clause {
                    term: w.to_string(),
                    parts: Vec::new(),
                })
            } else {
                let whole = chain_term(&norm, &chain);
                Some(Clause {
                    term: whole.to_string(),
                    parts: chain
                        .iter()
                        .filter(|w| indexable(w) && !is_stop_word(w))
                        .map(|w| w.to_string())
                        .collect(),
                })
            }
        })
        .collect()
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
    fn stop_words_are_sorted() {
        let mut s = STOP_WORDS.to_vec();
        s.sort_unstable();
        assert_eq!(s, STOP_WORDS);
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
