//! Build-time search index, loaded by `themes/default/static/search.js` with
//! `<script>` tags so it works from `file://` (no `fetch`).
//!
//! Output, under `search/`:
//! - `meta.js`: `cairnSearch.meta({...})`: the document count, stop words, the
//!   prefix budget and the shard table, `[key, bytes]` or `[key, bytes, 1]`
//!   when only the term equal to the key lives there; shard N is `t/N.js`;
//! - `t/N.js`: `cairnSearch.shard(N, {"term": [doc, weight, Δdoc, weight, …]})`,
//!   terms grouped by prefix (see [`mod@index`]);
//! - `d/N.js`: `cairnSearch.doc(N, {u, t, k, s, o, x})`: one document's URL,
//!   title, kind, system names, owner and snippet text, loaded only for the
//!   results on screen.
//!
//! Only the [`SiteView`] is read, so a client build's index holds nothing internal.

pub(crate) mod index;
pub(crate) mod text;

use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;

use crate::audience::SiteView;
use crate::render::OutputFile;
use crate::urls;
use index::{Doc, Index, weights as w};

/// Snippet text kept per document (characters): bounds the index at 10,000 runbooks.
pub(crate) const SNIPPET_CHARS: usize = 1200;

/// FxHash (as rustc's): the index hashes every word of every page, and
/// SipHash's flooding resistance buys nothing on a site's own content.
#[derive(Default, Clone, Copy)]
pub(crate) struct Fx(u64);

impl Fx {
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl std::hash::Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut b = [0u8; 8];
            b.copy_from_slice(c);
            self.add(u64::from_le_bytes(b));
        }
        for &b in chunks.remainder() {
            self.add(u64::from(b));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

pub(crate) type FxMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<Fx>>;

/// A document with its weighted terms, shared by the memo and the index.
type MadeDoc = Arc<(Doc, Weights)>;

/// Term → summed field weight within one document.
#[derive(Default, PartialEq)]
struct Weights(FxMap<String, u32>);

impl Weights {
    /// Each term of `text` gets `per` per occurrence, at most `cap` for this field.
    fn field(&mut self, text: &str, per: u32, cap: u32) {
        let norm = text::normalize(text);
        let mut counts: FxMap<&str, u32> =
            FxMap::with_capacity_and_hasher(norm.len() / 24, Default::default());
        text::terms_of(&norm, |t| *counts.entry(t).or_insert(0) += 1);
        for (t, c) in counts {
            let add = c.saturating_mul(per).min(cap);
            match self.0.get_mut(t) {
                Some(w) => *w += add,
                None => {
                    self.0.insert(t.to_string(), add);
                }
            }
        }
    }

    /// An id or tag: the whole of it gets `whole`, its words `parts`.
    fn key(&mut self, id: &str, whole: u32, parts: u32) {
        let norm = text::normalize(id);
        let mut seen: Vec<String> = Vec::new();
        text::terms(id, |t| {
            if t != norm && !seen.iter().any(|s| s == t) {
                seen.push(t.to_string());
            }
        });
        for t in seen {
            *self.0.entry(t).or_insert(0) += parts;
        }
        if !norm.is_empty() {
            *self.0.entry(norm).or_insert(0) += whole;
        }
    }
}

fn truncate(s: &str, chars: usize) -> String {
    match s.char_indices().nth(chars) {
        Some((i, _)) => s[..i].to_string(),
        None => s.to_string(),
    }
}

/// Whitespace runs to one space, of about the first [`SNIPPET_CHARS`] characters.
fn collapse_ws(s: &str) -> String {
    let mut out = String::new();
    for (n, w) in s.split_whitespace().enumerate() {
        if out.len() > 2 * SNIPPET_CHARS {
            break;
        }
        if n > 0 {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// Every document of the view with its weighted terms, in document order.
/// Documents tokenized at once, in parallel: bounds the memory the per-document
/// maps hold (each a few hundred terms; 1,024 at once held tens of megabytes
/// while the pages rendered beside them).
const CHUNK: usize = 128;

/// What `cairn serve` keeps of the last index it made, so an edit redoes
/// only what it changed: the documents of pages already tokenized, by what
/// each is made of (see [`page_key`]), so an edit tokenizes only the pages it
/// changed; and the index itself, which the next one patches (see
/// [`patch`]): the edited documents' postings out and in, and only the
/// files whose bytes change written. Only the last index's pages are kept.
#[derive(Default)]
pub(crate) struct DocMemo(std::sync::Mutex<Memo>);

#[derive(Default)]
struct Memo {
    pages: FxMap<u128, Arc<(Doc, Weights)>>,
    last: Option<Last>,
    /// Files of `last` written since the index was last served (see
    /// [`DocMemo::served`]): a build that failed wrote them into nothing,
    /// so the next one writes them again.
    unserved: Unserved,
    /// Files the last index wrote (tests count them).
    #[cfg(test)]
    written: Vec<String>,
}

/// The last index made, whole.
struct Last {
    /// Every document, by number.
    docs: Vec<Arc<(Doc, Weights)>>,
    /// Its postings and shards (`docs` left empty: they are above).
    index: Index,
    /// The size of each term's shard entry, by its place in the postings.
    sizes: Vec<usize>,
}

/// Files written since the index was last served.
#[derive(Default)]
struct Unserved {
    all: bool,
    shards: std::collections::BTreeSet<usize>,
    docs: std::collections::BTreeSet<usize>,
}

impl DocMemo {
    fn lock(&self) -> std::sync::MutexGuard<'_, Memo> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The last index made is what is served now: what it wrote reached
    /// the reader.
    pub(crate) fn served(&self) {
        self.lock().unserved = Unserved::default();
    }

    /// The next index is made whole, every file written.
    pub(crate) fn forget_index(&self) {
        self.lock().last = None;
    }
}

#[cfg(test)]
impl DocMemo {
    /// The pages' documents it holds.
    pub(crate) fn docs(&self) -> Vec<Arc<(Doc, impl Sized)>> {
        self.lock().pages.values().cloned().collect()
    }

    /// The paths the last index wrote.
    pub(crate) fn written(&self) -> Vec<String> {
        self.lock().written.clone()
    }
}

/// Everything a page's document is read from: the page's file (front matter
/// and body, so its tags, headings and text), where it is and what it is
/// called, and the data files and audience (its systems' and owner's names).
fn page_key(view: &SiteView, p: &crate::site::Page) -> u128 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for part in [p.source.as_str(), p.url.as_str(), p.title.as_str()] {
        hasher.update(part.as_bytes());
        hasher.update(&[0]);
    }
    hasher.update(&p.text_hash.to_le_bytes());
    hasher.update(&[u8::from(p.is_runbook())]);
    hasher.update(&view.data_outline.to_le_bytes());
    hasher.digest128()
}

/// Every document of the view with its weighted terms, in document order
/// (systems, pages, parties), handed to `each` a chunk at a time; a page's
/// taken from `memo` when it holds it, and put there when not.
fn documents(
    view: &SiteView,
    memo: Option<&DocMemo>,
    mut each: impl FnMut(Vec<Arc<(Doc, Weights)>>),
) -> anyhow::Result<()> {
    let system_doc = |s: &crate::audience::SystemView| -> (Doc, Weights) {
        let mut wt = Weights::default();
        wt.key(s.id, w::OWN_ID, w::TITLE);
        wt.field(s.name, w::TITLE, w::TITLE);
        wt.field(&text::identifier_parts(s.name), w::TITLE, w::TITLE);
        wt.field(s.owner.name, w::OWNER, w::OWNER);
        wt.key(s.owner.id, w::OWNER, w::OWNER);
        let description = s.description.unwrap_or("");
        wt.field(description, w::DESCRIPTION, w::DESCRIPTION);
        // A circuit ID or account number read off a bill finds its system.
        let mut facts = String::new();
        for (label, f) in &s.facts {
            wt.key(&f.value, w::OWN_ID, w::HEADING);
            wt.field(label, w::HEADING, w::HEADING);
            facts.push_str(&format!(" · {label}: {}", f.value));
        }
        let mut body = String::new();
        for d in s.depends_on.iter().chain(&s.dependents) {
            body.push_str(d.name);
            body.push('\n');
        }
        for row in &s.raci {
            body.push_str(row.activity);
            body.push('\n');
        }
        wt.field(&body, 1, w::BODY_CAP);
        let doc = Doc {
            url: urls::system(s.id),
            title: s.name.to_string(),
            kind: "system",
            systems: vec![s.name.to_string()],
            owner: Some(s.owner.name.to_string()),
            text: truncate(
                &collapse_ws(&format!("{description}{facts}")),
                SNIPPET_CHARS,
            ),
            call: None,
        };
        (doc, wt)
    };
    // Lookups by id, once: `view.system` scans, and this runs for every page.
    let by_id: FxMap<&str, &crate::audience::SystemView> =
        view.systems.iter().map(|s| (s.id, s)).collect();
    let party_by_id: FxMap<&str, &crate::audience::PartyView> =
        view.parties.iter().map(|p| (p.id, p)).collect();
    let page_doc = |p: &crate::site::Page| -> anyhow::Result<(Doc, Weights)> {
        let mut wt = Weights::default();
        wt.field(&p.title, w::TITLE, w::TITLE);
        wt.field(&text::identifier_parts(&p.title), w::TITLE, w::TITLE);
        // What the page is called on disk: alert runbooks are often named
        // after the alert (`RouterErrorRatioTooHigh.md`).
        let path = p.url.replace('/', " ");
        wt.field(&path, w::PATH, w::PATH);
        wt.field(&text::identifier_parts(&path), w::PATH, w::PATH);
        for tag in &p.front.tags {
            wt.key(tag, w::TAG, w::TITLE);
        }
        let mut names = Vec::new();
        for id in &p.front.systems {
            wt.key(id, w::SYSTEM_REF, w::SYSTEM_REF);
            if let Some(s) = by_id.get(id.as_str()) {
                wt.field(s.name, w::SYSTEM_REF, w::SYSTEM_REF);
                names.push(s.name.to_string());
            }
        }
        for h in &p.scan.headings {
            wt.field(&h.text, w::HEADING, w::HEADING);
            wt.field(&text::identifier_parts(&h.text), w::HEADING, w::HEADING);
        }
        let description = p.front.description.as_deref().unwrap_or("");
        wt.field(description, w::DESCRIPTION, w::DESCRIPTION);
        // As `SiteView::page_owner`: its own owner, else its first system's.
        let owner_id = match &p.front.owner {
            Some(o) => Some(o.as_str()),
            None => p
                .front
                .systems
                .first()
                .and_then(|id| by_id.get(id.as_str()))
                .map(|s| s.owner.id),
        };
        let owner = owner_id.and_then(|id| party_by_id.get(id));
        if let Some(o) = owner {
            wt.field(o.name, w::OWNER, w::OWNER);
            wt.key(o.id, w::OWNER, w::OWNER);
        }
        // Not kept by the load (see `markdown::scan`): read again here.
        let read = crate::markdown::scan_with_text(&p.read_body(view.root())?);
        wt.field(&read.text, 1, w::BODY_CAP);
        wt.field(&read.code, 1, w::CODE_CAP);
        let mut snippet = collapse_ws(description);
        if !snippet.is_empty() {
            snippet.push_str(" — ");
        }
        snippet.push_str(&collapse_ws(&read.text));
        if !read.code.is_empty() {
            snippet.push_str(" — ");
            snippet.push_str(&collapse_ws(&read.code));
        }
        let doc = Doc {
            url: urls::page(&p.url),
            title: p.title.clone(),
            kind: if p.is_runbook() { "runbook" } else { "page" },
            systems: names,
            owner: owner.map(|o| o.name.to_string()),
            text: truncate(&snippet, SNIPPET_CHARS),
            call: None,
        };
        Ok((doc, wt))
    };
    // A person's name finds their card: name, role, party and a number to tap.
    let contact_doc =
        |p: &crate::audience::PartyView, c: &crate::model::Contact| -> (Doc, Weights) {
            let mut wt = Weights::default();
            wt.field(&c.name, w::TITLE, w::TITLE);
            wt.field(
                c.role.as_deref().unwrap_or(""),
                w::DESCRIPTION,
                w::DESCRIPTION,
            );
            wt.field(p.name, w::OWNER, w::OWNER);
            let text = [
                c.role.as_deref(),
                Some(p.name),
                c.email.as_deref(),
                c.phone.as_deref(),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · ");
            let call = c.phone.as_ref().map(|phone| {
                let digits = crate::markdown::phones::digits(phone);
                let tel = if phone.trim_start().starts_with('+') {
                    format!("+{digits}")
                } else {
                    digits
                };
                (phone.clone(), tel)
            });
            let doc = Doc {
                url: format!("{}#contacts", urls::party(p.id)),
                title: c.name.clone(),
                kind: "contact",
                systems: Vec::new(),
                owner: None,
                text: truncate(&collapse_ws(&text), SNIPPET_CHARS),
                call: call.filter(|(_, tel)| tel.trim_start_matches('+').len() >= 3),
            };
            (doc, wt)
        };
    let party_doc = |p: &crate::audience::PartyView| -> (Doc, Weights) {
        let mut wt = Weights::default();
        wt.key(p.id, w::OWN_ID, w::TITLE);
        wt.field(p.name, w::TITLE, w::TITLE);
        let description = p.description.unwrap_or("");
        wt.field(description, w::DESCRIPTION, w::DESCRIPTION);
        let mut body = String::from(p.kind.as_str());
        for c in &p.contacts {
            for part in [
                Some(&c.name),
                c.role.as_ref(),
                c.email.as_ref(),
                c.phone.as_ref(),
            ]
            .into_iter()
            .flatten()
            {
                body.push(' ');
                body.push_str(part);
            }
            body.push('.');
        }
        wt.field(&body, w::HEADING, w::HEADING);
        let doc = Doc {
            url: urls::party(p.id),
            title: p.name.to_string(),
            kind: "party",
            systems: Vec::new(),
            owner: None,
            text: truncate(
                &collapse_ws(&format!("{description} {body}")),
                SNIPPET_CHARS,
            ),
            call: None,
        };
        (doc, wt)
    };
    enum Source<'v, 'a> {
        System(&'v crate::audience::SystemView<'a>),
        Page(&'a crate::site::Page),
        Party(&'v crate::audience::PartyView<'a>),
        Contact(
            &'v crate::audience::PartyView<'a>,
            &'a crate::model::Contact,
        ),
    }
    let sources: Vec<Source> = (view.systems.iter().map(Source::System))
        .chain(view.pages.iter().map(|p| Source::Page(p)))
        .chain(view.parties.iter().map(Source::Party))
        .chain(
            view.parties
                .iter()
                .flat_map(|p| p.contacts.iter().map(move |c| Source::Contact(p, c))),
        )
        .collect();
    let lock = |memo: &DocMemo| std::mem::take(&mut memo.lock().pages);
    let before = memo.map(lock).unwrap_or_default();
    let mut kept = FxMap::default();
    // A system's, a party's or a contact's document is made of the data
    // files alone: keyed by whose it is and their outline (which holds the
    // audience).
    let data_key = |s: &Source| {
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        let (kind, id, n) = match s {
            Source::System(s) => ("system", s.id, 0),
            Source::Party(p) => ("party", p.id, 0),
            Source::Contact(p, c) => (
                "contact",
                p.id,
                p.contacts
                    .iter()
                    .position(|x| std::ptr::eq(*x, *c))
                    .unwrap_or(usize::MAX),
            ),
            Source::Page(p) => ("page", p.source.as_str(), 0),
        };
        for part in [kind, id] {
            hasher.update(part.as_bytes());
            hasher.update(&[0]);
        }
        hasher.update(&n.to_le_bytes());
        hasher.update(&view.data_outline.to_le_bytes());
        hasher.digest128()
    };
    let at = |key: u128, make: &dyn Fn() -> anyhow::Result<(Doc, Weights)>| {
        let doc = match before.get(&key) {
            Some(doc) => doc.clone(),
            None => Arc::new(make()?),
        };
        Ok((Some(key), doc))
    };
    for chunk in sources.chunks(CHUNK) {
        let made: Vec<(Option<u128>, MadeDoc)> = chunk
            .par_iter()
            .map(|s| {
                let make = || match s {
                    Source::System(s) => Ok(system_doc(s)),
                    Source::Page(p) => page_doc(p),
                    Source::Party(p) => Ok(party_doc(p)),
                    Source::Contact(p, c) => Ok(contact_doc(p, c)),
                };
                match (memo, s) {
                    (None, _) => Ok((None, Arc::new(make()?))),
                    (Some(_), Source::Page(p)) => at(page_key(view, p), &make),
                    (Some(_), _) => at(data_key(s), &make),
                }
            })
            .collect::<anyhow::Result<_>>()?;
        let mut part = Vec::with_capacity(made.len());
        for (key, doc) in made {
            if let Some(key) = key {
                kept.insert(key, doc.clone());
            }
            part.push(doc);
        }
        each(part);
    }
    if let Some(memo) = memo {
        memo.lock().pages = kept;
    }
    Ok(())
}

/// The index of a view, with shards planned.
#[cfg(test)]
pub(crate) fn index(view: &SiteView) -> Index {
    index_with(view, None).expect("a test's pages are held")
}

/// The index of a view, with shards planned; the pages' documents taken
/// from `memo` when it has them.
fn index_with(view: &SiteView, memo: Option<&DocMemo>) -> anyhow::Result<Index> {
    let mut docs: Vec<Doc> = Vec::new();
    let mut read = Ok(());
    let (mut index, _) = index_of(|each| {
        read = documents(view, memo, |part| {
            docs.extend(part.iter().map(|made| made.0.clone()));
            each(&part);
        });
    });
    read?;
    index.docs = docs;
    Ok(index)
}

/// The postings and shards of the documents `feed` hands over, chunk by
/// chunk in document order (`docs` left empty), and the size of each
/// term's shard entry.
fn index_of(feed: impl FnOnce(&mut dyn FnMut(&[Arc<(Doc, Weights)>]))) -> (Index, Vec<usize>) {
    // Term → its postings' slot; a term's String is kept from the first
    // document that has it, the others' are dropped chunk by chunk.
    let mut ids: FxMap<String, usize> = FxMap::default();
    let mut lists: Vec<index::Postings> = Vec::new();
    let mut n = 0u32;
    feed(&mut |part| {
        for made in part {
            for (term, &weight) in &made.1.0 {
                let id = match ids.get(term.as_str()) {
                    Some(&id) => id,
                    None => {
                        ids.insert(term.clone(), lists.len());
                        lists.push(index::Postings::default());
                        lists.len() - 1
                    }
                };
                lists[id].push(n, weight);
            }
            n += 1;
        }
    });
    let mut postings: Vec<(String, index::Postings)> = ids
        .into_iter()
        .map(|(t, id)| {
            let mut list = std::mem::take(&mut lists[id]);
            list.shrink();
            (t, list)
        })
        .collect();
    drop(lists);
    postings.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let sizes: Vec<usize> = postings
        .par_iter()
        .map(|(t, list)| index::entry_json(t, list).len())
        .collect();
    let shards = plan(&postings, &sizes);
    let index = Index {
        docs: Vec::new(),
        postings,
        shards,
    };
    (index, sizes)
}

/// The shards of sorted `postings` whose entries are `sizes` long.
fn plan(postings: &[(String, index::Postings)], sizes: &[usize]) -> Vec<index::Shard> {
    let terms: Vec<(&str, usize)> = postings
        .iter()
        .zip(sizes)
        .map(|((t, _), &n)| (t.as_str(), n))
        .collect();
    index::plan_shards(&terms)
}

/// Below this share of the documents changed, an index is patched; above
/// it, made again (a patch rewrites each changed term's whole postings).
fn worth_patching(changed: usize, docs: usize) -> bool {
    changed <= (docs / 8).max(64)
}

/// The documents of `docs` that differ from `last`'s (as many).
fn changed_docs(last: &Last, docs: &[Arc<(Doc, Weights)>]) -> Vec<usize> {
    (0..docs.len())
        .filter(|&n| !Arc::ptr_eq(&last.docs[n], &docs[n]) && *last.docs[n] != *docs[n])
        .collect()
}

/// `last` made into the index of `docs`, which number as many as its own
/// and differ in the documents `changed`: each changed document's postings
/// taken out and put in again. Returns the shards whose files change.
fn patch(last: &mut Last, docs: Vec<Arc<(Doc, Weights)>>, changed: &[usize]) -> Vec<usize> {
    use index::Postings;
    // Term → (document, its weight there now, if any), for the terms whose
    // postings change.
    let mut deltas: std::collections::BTreeMap<&str, Vec<(u32, Option<u32>)>> =
        std::collections::BTreeMap::new();
    for &n in changed {
        let (old, new) = (&last.docs[n].1.0, &docs[n].1.0);
        let doc = n as u32;
        for (term, weight) in old {
            if new.get(term) != Some(weight) {
                deltas
                    .entry(term)
                    .or_default()
                    .push((doc, new.get(term).copied()));
            }
        }
        for (term, &weight) in new {
            if !old.contains_key(term) {
                deltas.entry(term).or_default().push((doc, Some(weight)));
            }
        }
    }
    let position = |postings: &[(String, Postings)], term: &str| {
        postings.binary_search_by(|(t, _)| t.as_str().cmp(term))
    };
    let shard_of =
        |shards: &[index::Shard], at: usize| shards.partition_point(|s| s.terms.end <= at);
    let mut shards: std::collections::BTreeSet<usize> = std::collections::BTreeSet::new();
    // Each term's postings patched; terms new or gone are merged in after.
    let mut added: Vec<(String, Postings, usize)> = Vec::new();
    let mut gone = false;
    let empty = Postings::default();
    for (term, delta) in &deltas {
        let at = position(&last.index.postings, term);
        let list = match at {
            Ok(at) => {
                shards.insert(shard_of(&last.index.shards, at));
                &last.index.postings[at].1
            }
            Err(_) => &empty,
        };
        let mut pairs: Vec<(u32, u32)> = list.pairs().collect();
        for &(doc, weight) in delta {
            match (pairs.binary_search_by_key(&doc, |p| p.0), weight) {
                (Ok(i), Some(w)) => pairs[i].1 = w,
                (Ok(i), None) => {
                    pairs.remove(i);
                }
                (Err(i), Some(w)) => pairs.insert(i, (doc, w)),
                (Err(_), None) => {}
            }
        }
        let mut list: Postings = pairs.into_iter().collect();
        list.shrink();
        let size = index::entry_json(term, &list).len();
        match at {
            Ok(at) => {
                gone |= list.is_empty();
                last.index.postings[at].1 = list;
                last.sizes[at] = size;
            }
            Err(_) if list.is_empty() => {}
            Err(_) => added.push((term.to_string(), list, size)),
        }
    }
    if gone || !added.is_empty() {
        // One merge of the sorted postings with the sorted new terms.
        let old = std::mem::take(&mut last.index.postings);
        let old_sizes = std::mem::take(&mut last.sizes);
        let mut postings = Vec::with_capacity(old.len() + added.len());
        let mut sizes = Vec::with_capacity(old.len() + added.len());
        let mut new = added.into_iter().peekable();
        for (entry, size) in old.into_iter().zip(old_sizes) {
            while let Some((term, list, size)) = new.next_if(|n| n.0 < entry.0) {
                postings.push((term, list));
                sizes.push(size);
            }
            if !entry.1.is_empty() {
                postings.push(entry);
                sizes.push(size);
            }
        }
        for (term, list, size) in new {
            postings.push((term, list));
            sizes.push(size);
        }
        last.index.postings = postings;
        last.sizes = sizes;
    }
    let planned = plan(&last.index.postings, &last.sizes);
    let same_keys = planned.len() == last.index.shards.len()
        && planned
            .iter()
            .zip(&last.index.shards)
            .all(|(a, b)| a.key == b.key && a.exact_only == b.exact_only);
    for term in deltas.keys() {
        if let Ok(at) = position(&last.index.postings, term) {
            shards.insert(shard_of(&planned, at));
        }
    }
    last.index.shards = planned;
    last.docs = docs;
    if same_keys {
        shards.into_iter().collect()
    } else {
        (0..last.index.shards.len()).collect()
    }
}

fn js_string(s: &str) -> String {
    // JSON is valid JS; `</` is escaped so the text could never end a script element.
    serde_json::to_string(s)
        .unwrap_or_else(|_| "\"\"".into())
        .replace("</", "<\\/")
}

/// The files of the index, under `search/`.
#[cfg(test)]
pub(crate) fn files(index: &Index) -> Vec<OutputFile> {
    let out = std::sync::Mutex::new(Vec::new());
    let collect = |file: OutputFile| {
        out.lock().unwrap_or_else(|e| e.into_inner()).push(file);
        Ok(())
    };
    let paths = write_files(index, &collect).unwrap_or_default();
    let mut out = out.into_inner().unwrap_or_else(|e| e.into_inner());
    // In the order of `paths`: shards, documents, meta.
    let order: HashMap<&str, usize> = paths
        .iter()
        .enumerate()
        .map(|(i, p)| (p.as_str(), i))
        .collect();
    out.sort_by_key(|f| order.get(f.path.as_str()).copied());
    out
}

/// The file of shard `n`.
fn shard_file(index: &Index, n: usize) -> OutputFile {
    let shard = &index.shards[n];
    let entries: Vec<String> = index.postings[shard.terms.clone()]
        .iter()
        .map(|(t, list)| index::entry_json(t, list))
        .collect();
    let refs: Vec<&str> = entries.iter().map(String::as_str).collect();
    OutputFile {
        path: urls::search_terms(n),
        bytes: index::shard_file(n, &refs).into_bytes(),
    }
}

/// The file of document `n`.
fn doc_file(n: usize, d: &Doc) -> OutputFile {
    let systems: Vec<String> = d.systems.iter().map(|s| js_string(s)).collect();
    let owner = d.owner.as_deref().map_or("null".to_string(), js_string);
    let call = d.call.as_ref().map_or(String::new(), |(phone, tel)| {
        format!(",\"p\":{},\"tel\":{}", js_string(phone), js_string(tel))
    });
    let body = format!(
        "cairnSearch.doc({n},{{\"u\":{},\"t\":{},\"k\":{},\"s\":[{}],\"o\":{},\"x\":{}{call}}});\n",
        js_string(&d.url),
        js_string(&d.title),
        js_string(d.kind),
        systems.join(","),
        owner,
        js_string(&d.text),
    );
    OutputFile {
        path: urls::search_docs(n),
        bytes: body.into_bytes(),
    }
}

/// `meta.js` of an index of `docs` documents.
fn meta_file(shards: &[index::Shard], docs: usize) -> OutputFile {
    let shards: Vec<String> = shards
        .iter()
        .map(|s| {
            let exact = if s.exact_only { ",1" } else { "" };
            format!("[{},{}{exact}]", js_string(&s.key), s.bytes)
        })
        .collect();
    let stop: Vec<String> = text::STOP_WORDS.iter().map(|s| js_string(s)).collect();
    let meta = format!(
        "cairnSearch.meta({{\"v\":2,\"docs\":{},\"budget\":{},\"maxTerm\":{},\"stop\":[{}],\"shards\":[{}]}});\n",
        docs,
        index::PREFIX_BUDGET,
        text::MAX_TERM_CHARS,
        stop.join(","),
        shards.join(",")
    );
    OutputFile {
        path: urls::SEARCH_META.into(),
        bytes: meta.into_bytes(),
    }
}

/// Every path of an index of `shards` shards and `docs` documents: shards
/// first, then documents, then `meta.js`.
fn paths(shards: usize, docs: usize) -> Vec<String> {
    let mut paths: Vec<String> = (0..shards).map(urls::search_terms).collect();
    paths.extend((0..docs).map(urls::search_docs));
    paths.push(urls::SEARCH_META.into());
    paths
}

type FileSink<'s> = &'s (dyn Fn(OutputFile) -> anyhow::Result<()> + Sync);

/// Hand each file of the index to `sink` as it is made (shards and
/// documents in parallel, none held after it is written); returns every
/// path, shards first, then documents, then `meta.js`.
pub(crate) fn write_files(index: &Index, sink: FileSink) -> anyhow::Result<Vec<String>> {
    (0..index.shards.len())
        .into_par_iter()
        .try_for_each(|n| sink(shard_file(index, n)))?;
    index
        .docs
        .par_iter()
        .enumerate()
        .try_for_each(|(n, d)| sink(doc_file(n, d)))?;
    sink(meta_file(&index.shards, index.docs.len()))?;
    Ok(paths(index.shards.len(), index.docs.len()))
}

/// The index of the view, each file handed to `sink` as it is made; returns
/// every path (see [`write_files`]). With a `memo` (`cairn serve`), the last
/// index is patched when it can be, and only the files whose bytes change
/// are handed over (with those a build that failed since wrote in vain).
pub(crate) fn write_index(
    view: &SiteView,
    memo: Option<&DocMemo>,
    sink: FileSink,
) -> anyhow::Result<Vec<String>> {
    let Some(memo) = memo else {
        return write_files(&index_with(view, None)?, sink);
    };
    let mut docs: Vec<Arc<(Doc, Weights)>> = Vec::new();
    documents(view, Some(memo), |part| docs.extend(part))?;
    let mut held = memo.lock();
    let held = &mut *held;
    let patchable = held
        .last
        .as_ref()
        .filter(|last| last.docs.len() == docs.len())
        .map(|last| changed_docs(last, &docs))
        .filter(|changed| worth_patching(changed.len(), docs.len()));
    let unserved = &mut held.unserved;
    let last = match (held.last.as_mut(), patchable) {
        (Some(last), Some(changed)) => {
            unserved.shards.extend(patch(last, docs, &changed));
            unserved.docs.extend(changed);
            last
        }
        _ => {
            let (index, sizes) = index_of(|each| each(&docs));
            *unserved = Unserved {
                all: true,
                ..Unserved::default()
            };
            held.last.insert(Last { docs, index, sizes })
        }
    };
    let (shards, docs) = (last.index.shards.len(), last.docs.len());
    let (write_shards, write_docs): (Vec<usize>, Vec<usize>) = if unserved.all {
        ((0..shards).collect(), (0..docs).collect())
    } else {
        (
            unserved.shards.range(..shards).copied().collect(),
            unserved.docs.range(..docs).copied().collect(),
        )
    };
    #[cfg(test)]
    {
        held.written = write_shards
            .iter()
            .map(|&n| urls::search_terms(n))
            .chain(write_docs.iter().map(|&n| urls::search_docs(n)))
            .collect();
    }
    let last = &*last;
    write_shards
        .par_iter()
        .try_for_each(|&n| sink(shard_file(&last.index, n)))?;
    write_docs
        .par_iter()
        .try_for_each(|&n| sink(doc_file(n, &last.docs[n].0)))?;
    sink(meta_file(&last.index.shards, docs))?;
    Ok(paths(shards, docs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Audience;

    fn example() -> crate::site::Site {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content-example");
        crate::site::load_site(&root).unwrap().0
    }

    /// The vectors `search.js` is checked against in `tests/it/search.rs`.
    #[test]
    fn test_vectors_hold_in_rust() {
        let site = example();
        let view = crate::audience::view(&site, Audience::Client);
        let idx = index(&view);
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/search-vectors.json");
        let vectors: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        for v in vectors["vectors"].as_array().unwrap() {
            let q = v["q"].as_str().unwrap();
            let urls = idx.query_urls(q);
            if let Some(first) = v["first"].as_str() {
                assert_eq!(urls.first().copied(), Some(first), "query {q:?}: {urls:?}");
            }
            if v["some"].as_bool() == Some(true) {
                assert!(!urls.is_empty(), "query {q:?} found nothing");
            }
            if v["none"].as_bool() == Some(true) {
                assert!(urls.is_empty(), "query {q:?} should find nothing: {urls:?}");
            }
        }
    }

    #[test]
    fn client_index_has_no_internal_words() {
        let site = example();
        let client = index(&crate::audience::view(&site, Audience::Client));
        let internal = index(&crate::audience::view(&site, Audience::Internal));
        // The internal shift-handover page and the internal night pager.
        assert!(!internal.query("handover").is_empty());
        assert!(client.query("handover").is_empty());
        let all: String = files(&client)
            .iter()
            .map(|f| String::from_utf8_lossy(&f.bytes).into_owned())
            .collect();
        assert!(!all.contains("handover"));
        assert!(!all.contains("internal/"));
    }

    #[test]
    fn titles_outrank_headings_outrank_body() {
        let mut a = Weights::default();
        a.field("VPN down", w::TITLE, w::TITLE);
        let mut b = Weights::default();
        b.field("Check the VPN", w::HEADING, w::HEADING);
        let mut c = Weights::default();
        c.field(&"vpn ".repeat(50), 1, w::BODY_CAP);
        assert!(a.0["vpn"] > b.0["vpn"] && b.0["vpn"] > c.0["vpn"]);
    }

    #[test]
    fn files_are_registration_calls() {
        let site = example();
        let idx = index(&crate::audience::view(&site, Audience::Client));
        let out = files(&idx);
        assert!(out.iter().any(|f| f.path == "search/meta.js"));
        for f in &out {
            assert!(f.path.starts_with("search/") && f.path.ends_with(".js"));
            assert!(f.bytes.starts_with(b"cairnSearch."), "{}", f.path);
        }
        // Shard sizes in the table are the real file sizes (the prefix budget counts them).
        for (n, s) in idx.shards.iter().enumerate() {
            let f = out
                .iter()
                .find(|f| f.path == format!("search/t/{n}.js"))
                .unwrap();
            assert_eq!(f.bytes.len(), s.bytes, "shard {n}");
        }
    }
}
