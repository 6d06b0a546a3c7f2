//! The index: documents, weighted postings, shards by term prefix, and the
//! query rules `search.js` applies in the browser.
//!
//! Ranking, in integers so Rust and JS agree exactly:
//! - a posting's weight is the sum over the fields of a document that hold the
//!   term ([`weights`]): a system's or party's own id, a tag, the title, a named
//!   system, a heading, a description, the owner, body text (per occurrence,
//!   capped), code (capped);
//! - a query term that equals an indexed term scores twice the weight; one
//!   that is only a prefix of it (typing "escal" for "escalation") scores the
//!   weight once; per document the best matching term counts;
//! - a chain (`entra-id`) scores the best of the chain itself and the sum of its
//!   words when all of them match;
//! - all clauses must match; a document's score is their sum; ties go to the
//!   lower document number (systems, then pages by path, then parties).
//!
//! Shards: terms are grouped by prefix; a group larger than [`SHARD_TARGET`]
//! bytes splits by the next character. A query word expands as a prefix only
//! when the shards that could hold its extensions weigh at most
//! [`PREFIX_BUDGET`] bytes; otherwise (a one- or two-letter word at 10,000
//! runbooks) it matches exactly, so a first query never loads much.

#[cfg(test)]
use std::collections::HashMap;
use std::ops::Range;

#[cfg(test)]
use super::text::{Clause, query_clauses};

/// Field weights of a posting.
pub(crate) mod weights {
    /// A system's or party's own id, as a whole.
    pub(crate) const OWN_ID: u32 = 1000;
    /// A tag, as a whole.
    pub(crate) const TAG: u32 = 300;
    pub(crate) const TITLE: u32 = 100;
    /// A system a runbook names (id or name).
    pub(crate) const SYSTEM_REF: u32 = 50;
    /// Words of a page's path (`runbooks/alerts/RouterErrorRatioTooHigh/`).
    pub(crate) const PATH: u32 = 40;
    pub(crate) const HEADING: u32 = 30;
    pub(crate) const DESCRIPTION: u32 = 20;
    pub(crate) const OWNER: u32 = 10;
    /// Per occurrence in body text, up to this cap.
    pub(crate) const BODY_CAP: u32 = 10;
    /// Per occurrence in code blocks, up to this cap.
    pub(crate) const CODE_CAP: u32 = 5;
}

/// A shard holding more than this many bytes splits by one more character.
pub(crate) const SHARD_TARGET: usize = 40 * 1024;
/// Longest shard key, in characters.
pub(crate) const MAX_KEY_CHARS: usize = 8;
/// Most bytes of shards a query word may load to expand as a prefix.
pub(crate) const PREFIX_BUDGET: usize = 128 * 1024;

/// One search result target as `search.js` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Doc {
    /// Relative to the site root, naming `index.html`.
    pub url: String,
    pub title: String,
    /// `system`, `runbook`, `page` or `party`.
    pub kind: &'static str,
    /// Names of its systems.
    pub systems: Vec<String>,
    pub owner: Option<String>,
    /// Text the snippet is cut from.
    pub text: String,
    /// A contact's number as written and as its `tel:` link dials it: the
    /// result offers it as a tappable number of its own.
    pub call: Option<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Shard {
    /// Every term of the shard starts with it; `exact_only`: the shard holds
    /// just the term equal to the key (the longer ones live in deeper shards).
    pub key: String,
    pub exact_only: bool,
    /// Size of its file, the figure the prefix budget counts.
    pub bytes: usize,
    /// Its terms: a run of [`Index::postings`], which is sorted by term.
    pub terms: Range<usize>,
}

pub(crate) struct Index {
    pub docs: Vec<Doc>,
    /// Term → (document, weight) by document, sorted by term.
    pub postings: Vec<(String, Postings)>,
    pub shards: Vec<Shard>,
}

/// A term's postings: (document, weight) pairs by rising document, each as
/// two LEB128 varints, the document's gap from the one before and the
/// weight; two to four bytes a pair where a `Vec<(u32, u32)>` took eight and
/// grew by doubling. A 10k-runbook index holds millions of pairs, 100k tens
/// of millions: they were the largest thing a build held.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Postings {
    bytes: Vec<u8>,
    last: u32,
}

impl Postings {
    /// Add `doc`, which comes after every document already in.
    pub(crate) fn push(&mut self, doc: u32, weight: u32) {
        debug_assert!(self.bytes.is_empty() || doc > self.last);
        let gap = doc - if self.bytes.is_empty() { 0 } else { self.last };
        for mut n in [gap, weight] {
            while n >= 0x80 {
                self.bytes.push((n as u8 & 0x7f) | 0x80);
                n >>= 7;
            }
            self.bytes.push(n as u8);
        }
        self.last = doc;
    }

    /// No document has the term.
    pub(crate) fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Drop the room kept for growth, once every document is in.
    pub(crate) fn shrink(&mut self) {
        self.bytes.shrink_to_fit();
    }

    /// (gap from the previous document, weight), in order; the first gap
    /// is the first document.
    pub(crate) fn gaps(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        let mut bytes = self.bytes.iter();
        let mut next = move || {
            let mut n = 0u32;
            let mut shift = 0;
            loop {
                let b = *bytes.next()?;
                n |= u32::from(b & 0x7f) << shift;
                if b < 0x80 {
                    return Some(n);
                }
                shift += 7;
            }
        };
        std::iter::from_fn(move || Some((next()?, next()?)))
    }

    /// (document, weight), in order.
    pub(crate) fn pairs(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        let mut doc = 0;
        self.gaps().map(move |(gap, w)| {
            doc += gap;
            (doc, w)
        })
    }
}

impl FromIterator<(u32, u32)> for Postings {
    fn from_iter<I: IntoIterator<Item = (u32, u32)>>(pairs: I) -> Self {
        let mut p = Postings::default();
        for (doc, weight) in pairs {
            p.push(doc, weight);
        }
        p
    }
}

/// The JSON text of one shard entry: `"term":[doc,w,Δdoc,w,…]`.
pub(crate) fn entry_json(term: &str, postings: &Postings) -> String {
    let mut s = serde_json::to_string(term).unwrap_or_else(|_| "\"\"".into());
    s.push_str(":[");
    for (i, (gap, w)) in postings.gaps().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&gap.to_string());
        s.push(',');
        s.push_str(&w.to_string());
    }
    s.push(']');
    s
}

/// The file text of shard `n` from its entries.
pub(crate) fn shard_file(n: usize, entries: &[&str]) -> String {
    let mut s = format!("cairnSearch.shard({n},{{");
    s.push_str(&entries.join(","));
    s.push_str("});\n");
    s
}

/// Group sorted `(term, entry size)` into shards, each a run of them.
pub(crate) fn plan_shards(terms: &[(&str, usize)]) -> Vec<Shard> {
    // Shards are emitted in term order, so each starts where the last ended.
    fn emit(out: &mut Vec<Shard>, key: String, exact_only: bool, terms: &[(&str, usize)]) {
        let n = out.len();
        let header = format!("cairnSearch.shard({n},{{").len() + "});\n".len();
        let bytes =
            header + terms.iter().map(|t| t.1).sum::<usize>() + terms.len().saturating_sub(1);
        let start = out.last().map_or(0, |s: &Shard| s.terms.end);
        out.push(Shard {
            key,
            exact_only,
            bytes,
            terms: start..start + terms.len(),
        });
    }
    fn node(out: &mut Vec<Shard>, key: String, terms: &[(&str, usize)]) {
        let size: usize = terms.iter().map(|t| t.1 + 1).sum();
        let depth = key.chars().count();
        if size <= SHARD_TARGET || depth >= MAX_KEY_CHARS || terms.len() == 1 {
            emit(out, key, false, terms);
            return;
        }
        let mut rest = terms;
        if rest.first().is_some_and(|t| t.0 == key) {
            emit(out, key.clone(), true, &rest[..1]);
            rest = &rest[1..];
        }
        for (k, group) in group_by_char(rest, depth) {
            node(out, k, group);
        }
    }
    let mut out = Vec::new();
    for (k, group) in group_by_char(terms, 0) {
        node(&mut out, k, group);
    }
    out
}

/// Split sorted terms (all longer than `depth` chars) into runs sharing their first `depth + 1` chars.
fn group_by_char<'a, 'b>(
    terms: &'a [(&'b str, usize)],
    depth: usize,
) -> Vec<(String, &'a [(&'b str, usize)])> {
    // The first `depth + 1` characters, borrowed: a key is made once a group.
    let key_of = |t: &'b str| -> &'b str {
        t.char_indices()
            .nth(depth + 1)
            .map_or(t, |(at, _)| &t[..at])
    };
    let mut out = Vec::new();
    let mut start = 0;
    while start < terms.len() {
        let k = key_of(terms[start].0);
        let mut end = start + 1;
        while end < terms.len() && key_of(terms[end].0) == k {
            end += 1;
        }
        out.push((k.to_string(), &terms[start..end]));
        start = end;
    }
    out
}

/// How one query word is looked up.
#[cfg(test)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Lookup {
    /// Indexes into `shards` to load.
    pub shards: Vec<usize>,
    /// Whether longer terms starting with the word match too.
    pub prefix: bool,
}

#[cfg(test)]
impl Index {
    /// The shards a word needs, and whether it may expand as a prefix.
    pub(crate) fn lookup(&self, word: &str) -> Lookup {
        let candidates: Vec<usize> = self
            .shards
            .iter()
            .enumerate()
            .filter(|(_, s)| {
                s.key.starts_with(word) || (!s.exact_only && word.starts_with(s.key.as_str()))
            })
            .map(|(i, _)| i)
            .collect();
        let bytes: usize = candidates.iter().map(|&i| self.shards[i].bytes).sum();
        if bytes <= PREFIX_BUDGET {
            return Lookup {
                shards: candidates,
                prefix: true,
            };
        }
        let home = self.shards.iter().position(|s| {
            if s.exact_only {
                s.key == word
            } else {
                word.starts_with(s.key.as_str())
            }
        });
        Lookup {
            shards: home.into_iter().collect(),
            prefix: false,
        }
    }

    /// Document → best score of `word` in it.
    fn match_word(&self, word: &str) -> HashMap<u32, u32> {
        let prefix = self.lookup(word).prefix;
        let mut scores: HashMap<u32, u32> = HashMap::new();
        let mut add = |term: &str, list: &Postings| {
            let exact = term == word;
            for (d, w) in list.pairs() {
                let s = if exact { 2 * w } else { w };
                let e = scores.entry(d).or_insert(0);
                *e = (*e).max(s);
            }
        };
        let from = self.postings.partition_point(|(t, _)| t.as_str() < word);
        let mut terms = self.postings[from..].iter();
        if prefix {
            for (term, list) in terms.take_while(|(t, _)| t.starts_with(word)) {
                add(term, list);
            }
        } else if let Some((term, list)) = terms.next().filter(|(t, _)| t == word) {
            add(term, list);
        }
        scores
    }

    fn match_clause(&self, clause: &Clause) -> HashMap<u32, u32> {
        let mut scores = self.match_word(&clause.term);
        if let Some(parts) = and_sum(clause.parts.iter().map(|p| self.match_word(p))) {
            for (d, s) in parts {
                let e = scores.entry(d).or_insert(0);
                *e = (*e).max(s);
            }
        }
        scores
    }

    /// Documents matching every word of `q`, best first, with their scores.
    pub(crate) fn query(&self, q: &str) -> Vec<(u32, u32)> {
        let clauses = query_clauses(q);
        let Some(scores) = and_sum(clauses.iter().map(|c| self.match_clause(c))) else {
            return Vec::new();
        };
        let mut hits: Vec<(u32, u32)> = scores.into_iter().collect();
        hits.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        hits
    }

    /// The URLs of [`Index::query`]'s results, best first.
    pub(crate) fn query_urls(&self, q: &str) -> Vec<&str> {
        self.query(q)
            .into_iter()
            .filter_map(|(d, _)| self.docs.get(d as usize).map(|doc| doc.url.as_str()))
            .collect()
    }
}

/// Documents in every map, scores summed; `None` for no maps at all.
#[cfg(test)]
fn and_sum(mut maps: impl Iterator<Item = HashMap<u32, u32>>) -> Option<HashMap<u32, u32>> {
    let mut acc = maps.next()?;
    for m in maps {
        acc.retain(|d, _| m.contains_key(d));
        for (d, s) in acc.iter_mut() {
            *s += m.get(d).copied().unwrap_or(0);
        }
    }
    Some(acc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postings_keep_every_pair_and_write_gaps() {
        let pairs = [(0, 1), (1, 1000), (130, 5), (70_000, 300), (70_001, 1)];
        let p: Postings = pairs.iter().copied().collect();
        assert_eq!(p.pairs().collect::<Vec<_>>(), pairs);
        assert_eq!(
            entry_json("vpn", &p),
            r#""vpn":[0,1,1,1000,129,5,69870,300,1,1]"#
        );
        // A first document other than 0 is its own gap.
        let late: Postings = [(9, 2)].into_iter().collect();
        assert_eq!(entry_json("x", &late), r#""x":[9,2]"#);
    }

    fn idx(postings: &[(&str, &[(u32, u32)])]) -> Index {
        let mut postings: Vec<(String, Postings)> = postings
            .iter()
            .map(|(t, l)| (t.to_string(), l.iter().copied().collect()))
            .collect();
        postings.sort_by(|a, b| a.0.cmp(&b.0));
        let sizes: Vec<(&str, usize)> = postings
            .iter()
            .map(|(t, l)| (t.as_str(), entry_json(t, l).len()))
            .collect();
        let shards = plan_shards(&sizes);
        Index {
            docs: Vec::new(),
            postings,
            shards,
        }
    }

    #[test]
    fn exact_beats_prefix_and_words_narrow() {
        let i = idx(&[
            ("escalate", &[(0, 100)]),
            ("escalation", &[(1, 30), (2, 1)]),
            ("vpn", &[(2, 5)]),
        ]);
        assert_eq!(i.query("escal"), vec![(0, 100), (1, 30), (2, 1)]);
        assert_eq!(i.query("escalation"), vec![(1, 60), (2, 2)]);
        assert_eq!(i.query("escal vpn"), vec![(2, 11)]);
        assert!(i.query("escal nothing").is_empty());
    }

    #[test]
    fn chains_match_whole_or_by_parts() {
        let i = idx(&[
            ("entra-id", &[(0, 1000)]),
            ("entra", &[(0, 100), (1, 1)]),
            ("id", &[(0, 100), (1, 1)]),
        ]);
        assert_eq!(i.query("entra-id"), vec![(0, 2000), (1, 4)]);
    }

    #[test]
    fn big_groups_split_and_short_words_stay_exact() {
        // 3,000 terms starting with "co", each in many documents.
        let list: Vec<(u32, u32)> = (0..40).map(|d| (d * 7, 1)).collect();
        let terms: Vec<String> = (0..3000).map(|n| format!("co{n:04}")).collect();
        let mut all: Vec<(&str, &[(u32, u32)])> =
            terms.iter().map(|t| (t.as_str(), &list[..])).collect();
        all.push(("co", &list[..2]));
        let i = idx(&all);
        assert!(i.shards.len() > 10);
        assert!(i.shards.iter().all(|s| s.bytes <= SHARD_TARGET + 1024));
        // Every term is in exactly one shard.
        let n: usize = i.shards.iter().map(|s| s.terms.len()).sum();
        assert_eq!(n, 3001);
        assert!(
            i.shards
                .windows(2)
                .all(|w| w[0].terms.end == w[1].terms.start)
        );
        let short = i.lookup("co");
        assert!(!short.prefix);
        assert_eq!(short.shards.len(), 1);
        assert_eq!(i.query("co"), vec![(0, 2), (7, 2)]);
        let long = i.lookup("co12");
        assert!(long.prefix);
        let bytes: usize = long.shards.iter().map(|&s| i.shards[s].bytes).sum();
        assert!(bytes <= PREFIX_BUDGET);
        assert_eq!(i.query("co123").len(), 40);
    }
}
