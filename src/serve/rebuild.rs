//! `cairn serve`'s builds: the stages of `crate::build` (load, check, view,
//! render ‖ search, copy) into a memory [`crate::Sink`].
//!
//! A rebuild after an edit runs every stage again, each skipping what the edit
//! cannot have changed: the load takes back the pages whose files are not
//! among the changed paths ([`site::Parsed`]); the check takes back each
//! page's findings while nothing they read changed, the page or what its
//! links looked up (a link elsewhere to a heading that is gone still fails),
//! and the data files' while no data file changed ([`crate::check::Memo`]);
//! the render writes only the pages whose fingerprint changed
//! ([`render::Fingerprints`]: what each page shows, taken from its template
//! context), and the data files; the copy keeps the bytes of files not
//! changed. An edit of a template, a theme or `cairn.yaml` renders every page.
//! The search index follows once the pages are served
//! ([`Builder::refresh_search`]); either way only the pages whose document
//! changed are tokenized again, and the last index is patched, not made
//! again: their postings out and in, and only the index's files whose bytes
//! change written ([`search::DocMemo`]; those a refused build wrote are
//! written again by the next). A file written with the bytes it had keeps
//! its hash in the service worker's manifest. `cairn serve --timings`
//! prints each stage's time. Tests check that a rebuild serves
//! byte-for-byte what a fresh build does, over random sequences of edits.

use crate::diag::{self, Diagnostic};
use crate::model::Audience;
use crate::offline::{self, MemoHashes};
use crate::render::{Fingerprints, Theme};
use crate::site::{self, Site};
use crate::write::{self, Files};
use crate::{Options, RenderScope, audience, search};
use anyhow::Result;
use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The result of one (re)build.
pub(crate) enum Outcome {
    Built {
        files: Arc<Files>,
        /// Pages rendered this time.
        pages: usize,
        /// Pages of the previous build were kept.
        incremental: bool,
        diagnostics: Vec<Diagnostic>,
        /// How long each stage took (`cairn serve --timings`).
        timings: Vec<(&'static str, Duration)>,
    },
    /// Only transient files came and went (an editor's temporaries).
    Unchanged,
    /// Errors: the previous site stays; `text` is what the overlay shows.
    Failed { text: String },
}

/// What the last good build serves.
struct Served {
    files: Files,
    audience: Audience,
    fingerprints: Fingerprints,
    /// The search index's files, and whether it lags behind the pages.
    search_keys: HashSet<String>,
    search_stale: bool,
    /// File hashes for the service worker's manifest.
    worker_hashes: MemoHashes,
}

#[derive(Default)]
pub(crate) struct Builder {
    opts: Options,
    /// The last load, good or not, with its diagnostics: its pages are taken
    /// back by the next load.
    last: Option<(Site, Vec<Diagnostic>)>,
    /// The theme of the last load (`None` when it failed to load).
    theme: Option<Theme>,
    served: Option<Served>,
    /// What changed in rebuilds that failed since `served` was built: a file
    /// changed then must be read again, not kept from `served`.
    unserved: BTreeSet<String>,
    /// The search index's documents, each page's tokenized once.
    search_memo: search::DocMemo,
    /// The check's findings, each page's checked again only when something
    /// it read changed.
    check_memo: crate::check::Memo,
}

fn failed_text(diags: &[Diagnostic]) -> String {
    let errors: Vec<Diagnostic> = diags.iter().filter(|d| d.is_error()).cloned().collect();
    diag::to_text(&errors, false)
}

/// A change to these can alter every page in ways no page context shows.
fn renders_everything(path: &str) -> bool {
    path == site::CONFIG_FILE
        || ["templates", "themes"]
            .iter()
            .any(|top| site::is_at_or_under(path, top))
}

impl Builder {
    pub(crate) fn new(opts: Options) -> Builder {
        Builder {
            opts,
            ..Builder::default()
        }
    }

    /// Drop what earlier builds left: the next rebuild starts afresh.
    pub(crate) fn forget(&mut self) {
        *self = Builder::new(self.opts.clone());
    }

    /// Load, check and render everything. `Err` only when SITE cannot be read
    /// at all (not a site, IO): the caller decides whether that is fatal.
    pub(crate) fn full(&mut self) -> Result<Outcome> {
        self.forget();
        self.build(None)
    }

    /// Rebuild after `changed` (site-relative paths). Never `Err`: a failure
    /// is an [`Outcome::Failed`].
    pub(crate) fn rebuild(&mut self, changed: &BTreeSet<String>, rescan: bool) -> Outcome {
        if !rescan && self.only_transient(changed) {
            return Outcome::Unchanged;
        }
        let outcome = if rescan {
            self.full()
        } else {
            self.build(Some(changed))
        };
        outcome.unwrap_or_else(|e| Outcome::Failed {
            text: format!("error: {e:#}\n"),
        })
    }

    /// Every path is gone and was never a source: an editor's temporary file,
    /// written and renamed away within the burst.
    fn only_transient(&self, changed: &BTreeSet<String>) -> bool {
        let Some((site, _)) = &self.last else {
            return false;
        };
        // A folder moved away is reported alone: it held sources.
        changed.iter().all(|path| {
            !self.opts.site.join(path).exists()
                && !renders_everything(path)
                && !site.has_source_at(path)
        })
    }

    /// The stages, taking back what `changed` (`None`: everything) leaves as it was.
    fn build(&mut self, changed: Option<&BTreeSet<String>>) -> Result<Outcome> {
        let started = Instant::now();
        let parsed = match (changed, self.last.take()) {
            (Some(changed), Some((site, diagnostics))) => {
                site::Parsed::from_site(site, &diagnostics, changed)
            }
            _ => site::Parsed::default(),
        };
        let reusable = changed.is_some_and(|c| !c.iter().any(|p| renders_everything(p)));
        let theme = self.theme.take().filter(|_| reusable);
        let mut loaded = crate::load_reusing(&self.opts.site, parsed, theme, self.opts.drafts)?;
        let mut timings = vec![("load", started.elapsed())];
        let audience = self.opts.audience_for(&loaded.site);
        let mut hashes = self
            .served
            .as_mut()
            .map(|s| std::mem::take(&mut s.worker_hashes))
            .unwrap_or_default();
        let previous = self
            .served
            .as_ref()
            .filter(|s| reusable && s.audience == audience);
        if previous.is_none() {
            // Nothing is kept from the last build: its index neither.
            self.search_memo.forget_index();
        }
        let no_prints = Fingerprints::default();
        // A rebuild serves its pages first and the index follows, unless the
        // gate could refuse the index (a client site, or `--strict`): then
        // nothing is served before all of it has passed.
        let defer_search =
            previous.is_some() && audience == Audience::Internal && !self.opts.strict;
        let scope = RenderScope {
            since: Some(previous.map_or(&no_prints, |s| &s.fingerprints)),
            without_search: defer_search,
            // A rebuild renders while the whole site is checked.
            alongside_check: previous.is_some(),
            search_memo: Some(&self.search_memo),
            check_memo: Some(&self.check_memo),
            // The next rebuild takes back the pages of this one.
            release_bodies: false,
        };
        if let Some(changed) = changed {
            self.unserved.extend(changed.iter().cloned());
        }
        let since_served = changed.map(|_| &self.unserved);
        let memory = || Ok(write::Memory::new(previous.map(|s| &s.files), since_served));
        let mut merged = Files::new();
        // What was served, less what is gone, with what was written over it:
        // pages whose fingerprint did not change and a search index that
        // follows keep their bytes. The service worker lists exactly these.
        let worker = |memory: &write::Memory, rendered: &crate::Rendered, site: &Site| {
            let pages: HashSet<&str> = rendered
                .fingerprints
                .iter()
                .flat_map(|f| f.paths())
                .collect();
            let deferred = previous.filter(|_| defer_search).map(|p| &p.search_keys);
            // The index writes only its files whose bytes changed.
            let index: HashSet<&str> = rendered.index.iter().map(String::as_str).collect();
            merged = previous.map(|p| p.files.clone()).unwrap_or_default();
            merged.retain(|path, _| {
                pages.contains(&**path)
                    || index.contains(&**path)
                    || deferred.is_some_and(|keys| keys.contains(&**path))
                    || **path == *offline::WORKER
            });
            merged.extend(memory.files());
            hashes.worker(&merged, &site.config, self.opts.built_at)
        };
        let run = crate::run(&self.opts, &mut loaded, &scope, memory, worker);
        let incremental = previous.is_some();
        let search_keys = previous
            .filter(|_| defer_search)
            .map(|p| p.search_keys.clone());
        self.theme = loaded.theme;
        self.last = Some((loaded.site, loaded.diagnostics));
        let (diagnostics, output) = match run {
            Ok(run) => {
                timings.extend(run.timings);
                (run.diagnostics, run.output)
            }
            Err(e) => return Ok(self.failed(hashes, format!("error: {e:#}\n"))),
        };
        // The gate's verdict covers every file served, as `build`'s covers
        // every file written: a finding refuses the whole site.
        let Some((memory, rendered)) = output else {
            return Ok(self.failed(hashes, failed_text(&diagnostics)));
        };
        let merging = Instant::now();
        merged.extend(memory.into_files());
        let published = Arc::new(merged.clone());
        timings.push(("merge", merging.elapsed()));
        self.served = Some(Served {
            files: merged,
            audience,
            fingerprints: rendered.fingerprints.unwrap_or_default(),
            search_keys: search_keys.unwrap_or_else(|| rendered.index.into_iter().collect()),
            search_stale: defer_search,
            worker_hashes: hashes,
        });
        self.unserved.clear();
        if !defer_search {
            self.search_memo.served();
        }
        Ok(Outcome::Built {
            files: published,
            pages: rendered.pages,
            incremental,
            diagnostics,
            timings,
        })
    }

    /// A build that failed: the last good site stays served, its index as it
    /// is (one built now would be of a site that failed).
    fn failed(&mut self, hashes: MemoHashes, text: String) -> Outcome {
        if let Some(served) = &mut self.served {
            served.search_stale = false;
            served.worker_hashes = hashes;
        }
        Outcome::Failed { text }
    }

    /// After a rebuild the pages are served at once and the search index
    /// follows: rebuilt here, it is served without reloading open pages.
    /// `None` when it is up to date.
    pub(crate) fn refresh_search(&mut self) -> Option<Arc<Files>> {
        let served = self.served.as_mut().filter(|s| s.search_stale)?;
        let (site, _) = self.last.as_ref()?;
        let view = audience::view_on(site, served.audience, self.opts.today_for(&site.config));
        let made = std::sync::Mutex::new(Vec::new());
        let keep = |file: crate::render::OutputFile| {
            made.lock().unwrap_or_else(|e| e.into_inner()).push(file);
            Ok(())
        };
        // Collecting in memory cannot fail.
        let paths = search::write_index(&view, Some(&self.search_memo), &keep).unwrap_or_default();
        drop(view);
        let new_keys: HashSet<String> = paths.into_iter().collect();
        for gone in served.search_keys.difference(&new_keys) {
            served.files.remove(gone.as_str());
        }
        for file in made.into_inner().unwrap_or_else(|e| e.into_inner()) {
            served
                .files
                .insert(Arc::from(file.path), Arc::from(file.bytes));
        }
        served.search_keys = new_keys;
        served.search_stale = false;
        self.search_memo.served();
        Some(served.publish(site, self.opts.built_at))
    }
}

impl Served {
    /// A copy of the files to serve, with `sw.js` made for exactly these files.
    fn publish(&mut self, site: &Site, built_at: Option<i64>) -> Arc<Files> {
        let worker = self
            .worker_hashes
            .worker(&self.files, &site.config, built_at);
        for (path, bytes) in [
            (offline::WORKER, worker.code),
            (offline::MANIFEST, worker.manifest),
        ] {
            self.files.insert(Arc::from(path), Arc::from(bytes));
        }
        Arc::new(self.files.clone())
    }
}

#[cfg(test)]
mod tests;
