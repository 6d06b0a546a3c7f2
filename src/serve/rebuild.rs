//! `cairn serve`'s builds: the stages of `crate::build` (load, check, view,
//! render ‖ search, copy) into a memory [`crate::Sink`].
//!
//! A rebuild after an edit runs every stage again, each skipping what the edit
//! cannot have changed: the load takes back the pages whose files are not
//! among the changed paths ([`site::Parsed`]); the check runs over the whole
//! site (a link elsewhere to a heading that is gone must still fail); the
//! render writes only the pages whose fingerprint changed
//! ([`render::Fingerprints`]: what each page shows, taken from its template
//! context), and the data files; the copy keeps the bytes of files not
//! changed. An edit of a template, a theme or `cairn.yaml` renders every page.
//! The search index follows once the pages are served
//! ([`Builder::refresh_search`]). Tests check that a rebuild serves
//! byte-for-byte what a fresh build does, over random sequences of edits.

use crate::diag::{self, Diagnostic};
use crate::model::Audience;
use crate::render::{Fingerprints, RenderOptions, Theme};
use crate::secrets::gate::OutputGate;
use crate::site::{self, Site};
use crate::write::{self, Files};
use crate::{Options, RenderScope, audience, search};
use anyhow::Result;
use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;

/// The result of one (re)build.
pub(crate) enum Outcome {
    Built {
        files: Arc<Files>,
        /// Pages rendered this time.
        pages: usize,
        /// Pages of the previous build were kept.
        incremental: bool,
        diagnostics: Vec<Diagnostic>,
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
    worker_hashes: crate::offline::MemoHashes,
}

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
            last: None,
            theme: None,
            served: None,
            unserved: BTreeSet::new(),
        }
    }

    /// Drop what earlier builds left: the next rebuild starts afresh.
    pub(crate) fn forget(&mut self) {
        self.last = None;
        self.theme = None;
        self.served = None;
        self.unserved.clear();
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
        let parsed = match (changed, self.last.take()) {
            (Some(changed), Some((site, diagnostics))) => {
                site::Parsed::from_site(site, &diagnostics, changed)
            }
            _ => site::Parsed::default(),
        };
        let reusable = changed.is_some_and(|c| !c.iter().any(|p| renders_everything(p)));
        let theme = self.theme.take().filter(|_| reusable);
        let loaded = crate::load_reusing(&self.opts.site, parsed, theme, self.opts.drafts)?;
        let (site, load_diags) = (loaded.site, loaded.diagnostics);
        self.theme = loaded.theme;
        let audience = self.opts.audience_for(&site);
        let previous = self
            .served
            .as_ref()
            .filter(|s| reusable && s.audience == audience);
        let no_prints = Fingerprints::default();
        // A rebuild serves its pages first and the index follows, unless the
        // gate could refuse the index (a client site, or `--strict`): then
        // nothing is served before all of it has passed.
        let defer_search =
            previous.is_some() && audience == Audience::Internal && !self.opts.strict;
        let scope = RenderScope {
            since: Some(previous.map_or(&no_prints, |s| &s.fingerprints)),
            without_search: defer_search,
        };
        let render_opts = RenderOptions {
            today: self.opts.today_for(&site.config),
            zip: false,
        };
        if let Some(changed) = changed {
            self.unserved.extend(changed.iter().cloned());
        }
        let since_served = changed.map(|_| &self.unserved);
        let sink = write::Memory::new(previous.map(|s| &s.files), since_served);
        let (today, strict) = (self.opts.today_for(&site.config), self.opts.strict);
        let failed = |d: &[Diagnostic]| d.iter().any(|d| d.is_error() || strict);
        let view = audience::view(&site, audience);
        // What `build` would refuse to write, `serve` refuses to answer with.
        let gate = OutputGate::new(&site, &view);
        let check = || crate::check_view_stage(&site, &view, &load_diags, today, true);
        let render = || {
            let theme = self.theme.as_ref()?;
            Some(crate::render_gated(
                &site,
                &view,
                theme,
                &render_opts,
                &scope,
                &gate,
                &sink,
            ))
        };
        // A rebuild renders while the whole site is checked; a first build
        // renders nothing until the check passes.
        let (mut diagnostics, rendered) = if previous.is_some() {
            rayon::join(check, render)
        } else {
            let diagnostics = check();
            let rendered = if failed(&diagnostics) { None } else { render() };
            (diagnostics, rendered)
        };
        drop(view);
        let rendered = match rendered {
            Some(Ok(rendered)) if !failed(&diagnostics) => rendered,
            Some(Err(e)) if !failed(&diagnostics) => {
                self.last = Some((site, load_diags));
                return Ok(Outcome::Failed {
                    text: format!("error: {e:#}\n"),
                });
            }
            _ => {
                self.last = Some((site, load_diags));
                if let Some(served) = &mut self.served {
                    // Its index would be built from a site that failed.
                    served.search_stale = false;
                }
                return Ok(Outcome::Failed {
                    text: failed_text(&diagnostics),
                });
            }
        };
        let written = sink.into_files();
        let fingerprints = rendered.fingerprints.unwrap_or_default();
        let incremental = previous.is_some();
        let search_keys: HashSet<String> = match previous {
            Some(previous) if defer_search => previous.search_keys.clone(),
            _ => rendered.index.into_iter().collect(),
        };
        let files = match previous {
            Some(previous) => {
                // What was served, less what is gone, with what was written
                // over it: pages whose fingerprint did not change and a
                // search index that follows keep their bytes.
                let mut files = previous.files.clone();
                let keys: HashSet<&str> = fingerprints.paths().collect();
                files.retain(|path, _| {
                    keys.contains(&**path)
                        || search_keys.contains(&**path)
                        || written.contains_key(path)
                        || **path == *crate::offline::WORKER
                });
                files.extend(written);
                files
            }
            None => written,
        };
        let mut worker_hashes = self
            .served
            .as_mut()
            .map(|s| std::mem::take(&mut s.worker_hashes))
            .unwrap_or_default();
        let worker = service_worker(&files, &mut worker_hashes, &site, self.opts.built_at);
        for (path, bytes) in &worker {
            gate.check_bytes(path, bytes);
        }
        // The gate's verdict covers every file served, as `build`'s covers
        // every file written: a finding refuses the whole site.
        diagnostics.extend(gate.finish(audience));
        diag::sort(&mut diagnostics);
        if failed(&diagnostics) {
            self.last = Some((site, load_diags));
            if let Some(served) = &mut self.served {
                served.worker_hashes = worker_hashes;
            }
            return Ok(Outcome::Failed {
                text: failed_text(&diagnostics),
            });
        }
        let mut served = Served {
            files,
            audience,
            fingerprints,
            search_keys,
            search_stale: defer_search,
            worker_hashes,
        };
        for (path, bytes) in worker {
            served.files.insert(Arc::from(path), Arc::from(bytes));
        }
        let published = Arc::new(served.files.clone());
        self.served = Some(served);
        self.unserved.clear();
        self.last = Some((site, load_diags));
        Ok(Outcome::Built {
            files: published,
            pages: rendered.pages,
            incremental,
            diagnostics,
        })
    }

    /// After a rebuild the pages are served at once and the search index
    /// follows: rebuilt here, it is served without reloading open pages.
    /// `None` when it is up to date.
    pub(crate) fn refresh_search(&mut self) -> Option<Arc<Files>> {
        let served = self.served.as_mut().filter(|s| s.search_stale)?;
        let (site, _) = self.last.as_ref()?;
        let view = audience::view(site, served.audience);
        let index = search::build_index(&view);
        drop(view);
        let new_keys: HashSet<String> = index.iter().map(|f| f.path.clone()).collect();
        for gone in served.search_keys.difference(&new_keys) {
            served.files.remove(gone.as_str());
        }
        for file in index {
            served
                .files
                .insert(Arc::from(file.path), Arc::from(file.bytes));
        }
        served.search_keys = new_keys;
        served.search_stale = false;
        Some(served.publish(site, self.opts.built_at))
    }
}

/// `sw.js` and its manifest made for exactly `files`, as output paths and bytes.
fn service_worker(
    files: &Files,
    hashes: &mut crate::offline::MemoHashes,
    site: &Site,
    built_at: Option<i64>,
) -> [(&'static str, Vec<u8>); 2] {
    let mut file_hashes = hashes.files(files.iter());
    let previous = files.get(crate::offline::WORKER).cloned();
    let worker = crate::offline::site_worker(
        &site.config,
        &mut file_hashes,
        built_at,
        previous.as_deref(),
    );
    [
        (crate::offline::WORKER, worker.code),
        (crate::offline::MANIFEST, worker.manifest),
    ]
}

impl Served {
    /// A copy of the files to serve, with `sw.js` made for exactly these files.
    fn publish(&mut self, site: &Site, built_at: Option<i64>) -> Arc<Files> {
        let worker = service_worker(&self.files, &mut self.worker_hashes, site, built_at);
        for (path, bytes) in worker {
            self.files.insert(Arc::from(path), Arc::from(bytes));
        }
        Arc::new(self.files.clone())
    }
}

#[cfg(test)]
mod tests;
