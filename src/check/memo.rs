//! What `cairn serve` keeps of one check for the next: each page's findings
//! with what they were made from, and the findings of the data files'
//! checks. A finding is taken back while everything it read is as it was,
//! so a rebuild's diagnostics are a fresh check's (tests run random edits
//! and compare).
//!
//! What a page's checks read is noted as they read it ([`Reader`]): the
//! page itself (its file and what the load made of it), and beyond it the
//! data files, today's date, the build's audience, and each page, folder,
//! file or generated page one of its links looked up. A link to a heading
//! elsewhere is checked again when that page changes, and a link to a page
//! that is missing when one comes. The data files' checks read only the data
//! files and today's date.

use super::links::Linked;
use super::{SiteIndex, phones};
use crate::audience::SiteView;
use crate::diag::Diagnostic;
use crate::links::Lookup;
use crate::site::{Page, Site};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The checks of the last run, for the next ([`super::check_view_with`]).
#[derive(Default)]
pub(crate) struct Memo {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// By page source.
    pages: HashMap<String, Entry>,
    /// The data files' findings, by what they were made from.
    data: Option<(u128, Vec<Diagnostic>)>,
    /// The output collisions, by the outputs compared.
    collisions: Option<(u128, Vec<Diagnostic>)>,
    work: Work,
}

/// What the last run checked anew (the rest it took back).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Work {
    /// Pages whose checks ran.
    pub pages: usize,
    /// The data files' checks ran.
    pub data: bool,
    /// The output paths were compared.
    pub collisions: bool,
}

impl Memo {
    /// What the last run checked anew.
    #[cfg(test)]
    pub(crate) fn work(&self) -> Work {
        self.lock().work
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// What one page's checks found.
#[derive(Debug, Clone, Default)]
pub(super) struct PageFacts {
    pub diags: Vec<Diagnostic>,
    /// Where its links lead (`orphan-page`).
    pub linked: Vec<Linked>,
    /// Shown by the view: the page it writes, and its aliases (`output-collision`).
    pub output: Option<super::collisions::Output>,
    pub aliases: Vec<super::collisions::Output>,
}

struct Entry {
    /// The page as the load made it ([`page_print`]).
    page: u128,
    /// Everything else its checks read, each with what it was.
    reads: Arc<[(Read, u128)]>,
    facts: Arc<PageFacts>,
}

/// What a page's check may read beyond the page.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Read {
    /// The ids of parties and systems, and whether their files failed to load.
    Ids,
    /// The contacts' numbers ([`phones::known`]).
    Contacts,
    /// The origins `cairn.yaml` allows images from.
    ImageOrigins,
    Today,
    /// The build's audience.
    Audience,
    /// What a link looked up.
    Link(Lookup),
}

/// What a run's checks read besides the pages, and how it stands.
pub(super) struct Env<'s, 'v> {
    pub site: &'s Site,
    pub view: &'v SiteView<'s>,
    pub index: &'v SiteIndex<'s>,
    pub known: &'v [phones::Known<'s>],
    pub today: chrono::NaiveDate,
    /// The data files as loaded, and which failed to.
    data: u128,
    ids: u128,
    contacts: u128,
    image_origins: u128,
}

impl<'s, 'v> Env<'s, 'v> {
    pub(super) fn new(
        site: &'s Site,
        view: &'v SiteView<'s>,
        index: &'v SiteIndex<'s>,
        known: &'v [phones::Known<'s>],
        today: chrono::NaiveDate,
    ) -> Self {
        Env {
            site,
            view,
            index,
            known,
            today,
            data: data_print(site),
            ids: ids_print(site),
            contacts: hash(&[format!("{known:?}").as_bytes()]),
            image_origins: hash(&[format!("{:?}", site.config.csp.img_src).as_bytes()]),
        }
    }

    /// What `read` finds now, hashed.
    fn state(&self, read: &Read) -> u128 {
        match read {
            Read::Ids => self.ids,
            Read::Contacts => self.contacts,
            Read::ImageOrigins => self.image_origins,
            Read::Today => days(self.today),
            Read::Audience => self.view.audience as u128,
            Read::Link(lookup) => self.view.links.state(lookup),
        }
    }

    /// The key of the data files' checks: the data files and today.
    pub(super) fn data_key(&self) -> u128 {
        hash(&[&self.data.to_le_bytes(), &days(self.today).to_le_bytes()])
    }
}

fn days(date: chrono::NaiveDate) -> u128 {
    chrono::Datelike::num_days_from_ce(&date) as u128
}

/// A page's checks' access to what is not the page, noting what they read.
pub(super) struct Reader<'e, 's, 'v> {
    env: &'e Env<'s, 'v>,
    /// `None`: nobody keeps the notes (`cairn check`, `cairn build`).
    reads: Option<Vec<Read>>,
}

impl<'e, 's, 'v> Reader<'e, 's, 'v> {
    fn note(&mut self, read: Read) {
        if let Some(reads) = &mut self.reads
            && !reads.contains(&read)
        {
            reads.push(read);
        }
    }

    /// The ids of parties and systems: the site and its index, for
    /// [`super::refs::check_page`] (which reads nothing else of them).
    pub(super) fn ids(&mut self) -> (&'s Site, &'v SiteIndex<'s>) {
        self.note(Read::Ids);
        (self.env.site, self.env.index)
    }

    /// The contacts' numbers.
    pub(super) fn contacts(&mut self) -> &'v [phones::Known<'s>] {
        self.note(Read::Contacts);
        self.env.known
    }

    /// The origins `cairn.yaml` allows images from.
    pub(super) fn image_origins(&mut self) -> &'s [crate::model::ImageOrigin] {
        self.note(Read::ImageOrigins);
        &self.env.site.config.csp.img_src
    }

    pub(super) fn today(&mut self) -> chrono::NaiveDate {
        self.note(Read::Today);
        self.env.today
    }

    /// Whether the view shows `page`.
    pub(super) fn shows(&mut self, page: &Page) -> bool {
        self.note(Read::Audience);
        self.env.view.shows(page)
    }

    /// The links of `page`, each lookup noted.
    pub(super) fn links(&mut self, page: &Page) -> (Vec<Diagnostic>, Vec<Linked>) {
        if page.scan.links.is_empty() {
            return Default::default();
        }
        self.note(Read::Audience);
        let resolver = &self.env.view.links;
        match &mut self.reads {
            None => super::links::check_page(resolver, page, None),
            Some(reads) => {
                let mut lookups = Vec::new();
                let found = super::links::check_page(resolver, page, Some(&mut lookups));
                for lookup in lookups {
                    let read = Read::Link(lookup);
                    if !reads.contains(&read) {
                        reads.push(read);
                    }
                }
                found
            }
        }
    }
}

/// Each page's checks: taken back from `memo` where all they read is as it
/// was, run (by `check`) where not; `memo` keeps this run's for the next.
pub(super) fn pages(
    env: &Env,
    memo: Option<&Memo>,
    check: impl Fn(&Page, &mut Reader) -> PageFacts + Sync,
) -> Vec<Arc<PageFacts>> {
    use rayon::prelude::*;
    let Some(memo) = memo else {
        return env
            .site
            .pages
            .par_iter()
            .map(|page| Arc::new(check(page, &mut Reader { env, reads: None })))
            .collect();
    };
    let old = std::mem::take(&mut memo.lock().pages);
    // What is kept is told on this thread: the check of an edit is then
    // not held up by the render's jobs, which run beside it on the pool.
    let kept: Vec<Result<Entry, u128>> = env
        .site
        .pages
        .iter()
        .map(|page| {
            let print = page_print(page);
            match old.get(&page.source) {
                Some(entry)
                    if entry.page == print
                        && entry
                            .reads
                            .iter()
                            .all(|(read, was)| env.state(read) == *was) =>
                {
                    Ok(Entry {
                        page: print,
                        reads: Arc::clone(&entry.reads),
                        facts: Arc::clone(&entry.facts),
                    })
                }
                _ => Err(print),
            }
        })
        .collect();
    drop(old);
    let anew = |(page, print): (&Page, u128)| {
        let mut reader = Reader {
            env,
            reads: Some(Vec::new()),
        };
        let facts = check(page, &mut reader);
        let reads = reader
            .reads
            .unwrap_or_default()
            .into_iter()
            .map(|read| {
                let state = env.state(&read);
                (read, state)
            })
            .collect();
        Entry {
            page: print,
            reads,
            facts: Arc::new(facts),
        }
    };
    let stale: Vec<(&Page, u128)> = env
        .site
        .pages
        .iter()
        .zip(&kept)
        .filter_map(|(page, entry)| entry.as_ref().err().map(|print| (page, *print)))
        .collect();
    // A few pages are checked here; many (the first build) in parallel.
    let made: Vec<Entry> = if stale.len() > 32 {
        stale.into_par_iter().map(anew).collect()
    } else {
        stale.into_iter().map(anew).collect()
    };
    // One made for each stale page, in order.
    let mut made = made.into_iter();
    let entries: Vec<(Entry, bool)> = kept
        .into_iter()
        .filter_map(|entry| match entry {
            Ok(entry) => Some((entry, false)),
            Err(_) => made.next().map(|entry| (entry, true)),
        })
        .collect();
    let mut kept = HashMap::with_capacity(entries.len());
    let mut facts = Vec::with_capacity(entries.len());
    let mut checked = 0;
    for (page, (entry, anew)) in env.site.pages.iter().zip(entries) {
        checked += usize::from(anew);
        facts.push(entry.facts.clone());
        kept.insert(page.source.clone(), entry);
    }
    let mut state = memo.lock();
    state.pages = kept;
    state.work.pages = checked;
    facts
}

/// `make`'s findings, or the last run's under the same `key` (a hash of
/// all `make` reads); `which` names the slot.
pub(super) fn reuse(
    memo: Option<&Memo>,
    which: Slot,
    key: u128,
    make: impl FnOnce() -> Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    let Some(memo) = memo else {
        return make();
    };
    let known = {
        let state = memo.lock();
        match which {
            Slot::Data => &state.data,
            Slot::Collisions => &state.collisions,
        }
        .as_ref()
        .filter(|(k, _)| *k == key)
        .map(|(_, diags)| diags.clone())
    };
    let anew = known.is_none();
    let diags = known.unwrap_or_else(make);
    let mut state = memo.lock();
    let kept = Some((key, diags.clone()));
    match which {
        Slot::Data => {
            state.data = kept;
            state.work.data = anew;
        }
        Slot::Collisions => {
            state.collisions = kept;
            state.work.collisions = anew;
        }
    }
    diags
}

/// Which findings [`reuse`] keeps.
#[derive(Clone, Copy)]
pub(super) enum Slot {
    Data,
    Collisions,
}

/// A page as the load made it: its file, and what the load derived from its
/// place (audience, review interval, URL, title).
fn page_print(page: &Page) -> u128 {
    let review = page.review_every.map_or(u64::MAX, |d| d.minutes());
    hash(&[
        page.source.as_bytes(),
        &page.text_hash.to_le_bytes(),
        &[page.audience as u8, u8::from(page.is_section)],
        &review.to_le_bytes(),
        page.url.as_bytes(),
        page.title.as_bytes(),
    ])
}

/// The data files as loaded, and which failed to load.
fn data_print(site: &Site) -> u128 {
    let mut texts: Vec<(&String, &String)> = site.texts.iter().collect();
    texts.sort();
    let failed = &site.failed;
    let flags = [
        failed.config,
        failed.parties,
        failed.activities,
        failed.away,
    ]
    .map(u8::from);
    let mut parts: Vec<&[u8]> = vec![&flags];
    for id in &failed.system_ids {
        parts.push(id.as_bytes());
    }
    for (file, text) in texts {
        parts.push(file.as_bytes());
        parts.push(text.as_bytes());
    }
    hash(&parts)
}

/// The ids of parties and systems (in file order: suggestions read them so),
/// and whether their files failed to load.
fn ids_print(site: &Site) -> u128 {
    let flags = [u8::from(site.failed.parties)];
    let mut parts: Vec<&[u8]> = vec![&flags];
    parts.extend(site.parties.iter().map(|p| p.id.as_str().as_bytes()));
    parts.push(b"");
    parts.extend(site.systems.iter().map(|e| e.system.id.as_str().as_bytes()));
    parts.push(b"");
    parts.extend(site.failed.system_ids.iter().map(|id| id.as_bytes()));
    hash(&parts)
}

/// The parts, each ended so that no two lists of parts run together.
pub(super) fn hash(parts: &[&[u8]]) -> u128 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for part in parts {
        hasher.update(&(part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    hasher.digest128()
}

#[cfg(test)]
mod tests;
