//! Building into memory, in full or for edited pages and systems only.
//!
//! A full build is `crate::build`'s stages (load, check, view, render ‖
//! search, copy) with a memory [`crate::Sink`]. The incremental path
//! is taken only when every change is an edit of an existing markdown page
//! (not a section's `_index.md`) whose front matter still parses and keeps
//! its title field and audience: the page is re-read into the cached [`Site`]
//! exactly as `load_site` would (a unit test compares the two), every check
//! runs again over the whole site (a link elsewhere to a heading that is gone
//! must still fail) while the touched outputs render in parallel:
//!
//! - a body-only edit: the page and the section pages above it;
//! - a title or front-matter edit: also the review queue, the pages of the
//!   systems it names before and after the edit, and the home page when the
//!   page sits in the top folder (the home page lists those).
//!
//! Theme assets and the sitemap are rendered every time. The search index is
//! rebuilt right after the pages are served ([`Builder::refresh_search`]).
//! An edited system file (`data/systems/ID.yaml`) that still parses is
//! re-read alone too; it re-renders its page, the pages of the systems it
//! depends on or that depend on it (before and after), every page naming it
//! with the sections above them and their other systems' pages, the parties,
//! home, matrix, review, search and 404 pages.
//!
//! An edited file copied verbatim (`static/`, an image next to a page) is
//! re-read alone. Anything else (`cairn.yaml`, parties, activities,
//! templates, a new, deleted or moved file, an audience change, a rescan) is
//! a full rebuild. Unit tests check
//! that an incremental rebuild serves byte-for-byte what a full one does.

use super::http::Files;
use crate::diag::{self, Diagnostic};
use crate::model::Audience;
use crate::render::{self, OutputFile, RenderOptions, Theme};
use crate::site::{self, Page, Site};
use crate::{Options, audience, markdown, search};
use anyhow::{Context, Result};
use std::collections::{BTreeSet, HashSet};
use std::path::Path;
use std::sync::{Arc, Mutex};

/// The result of one (re)build.
pub enum Outcome {
    Built {
        files: Arc<Files>,
        /// Pages rendered this time.
        pages: usize,
        incremental: bool,
        diagnostics: Vec<Diagnostic>,
    },
    /// Only transient files came and went (an editor's temporaries).
    Unchanged,
    /// Errors: the previous site stays; `text` is what the overlay shows.
    Failed {
        text: String,
        diagnostics: Vec<Diagnostic>,
    },
}

/// What the last good build left, for the next incremental one.
struct Cache {
    site: Site,
    /// Diagnostics of loading (per file), kept to merge with a re-read page's.
    load_diags: Vec<Diagnostic>,
    theme: Theme,
    audience: Audience,
    files: Files,
    /// Output files written by the renderer (not static files or the index).
    render_keys: HashSet<String>,
    search_keys: HashSet<String>,
    /// Pages edited since the last good build (re-rendered once it succeeds).
    pending: BTreeSet<String>,
    /// Systems the pending pages named, before or after their edits.
    pending_systems: BTreeSet<String>,
    /// A pending page's title or front matter changed: its lists re-render.
    pending_lists: bool,
    /// The search index lags behind the pages (see [`Builder::refresh_search`]).
    search_stale: bool,
    /// Systems whose file was edited since the last good build.
    edited_systems: BTreeSet<String>,
    /// What those systems depended on before their edits.
    system_neighbours: BTreeSet<String>,
    /// File hashes for the service worker's manifest.
    worker_hashes: crate::offline::MemoHashes,
}

impl Cache {
    /// A copy of the site to serve, with `sw.js` made for exactly these files.
    fn publish(&mut self, built_at: Option<i64>) -> Arc<Files> {
        let mut hashes = self.worker_hashes.files(self.files.iter());
        let config = &self.site.config;
        let previous = self.files.get(crate::offline::WORKER).cloned();
        let worker = crate::offline::service_worker(
            &mut hashes,
            config
                .offline
                .budget
                .unwrap_or(crate::offline::DEFAULT_BUDGET),
            &crate::offline::build_time(&config.timezone.0, built_at),
            previous.as_deref(),
        );
        self.files
            .insert(Arc::from(crate::offline::WORKER), Arc::from(worker.code));
        self.files.insert(
            Arc::from(crate::offline::MANIFEST),
            Arc::from(worker.manifest),
        );
        Arc::new(self.files.clone())
    }
}

pub struct Builder {
    opts: Options,
    cache: Option<Cache>,
}

/// The sink of `serve`: every output file in memory. Copied sources are read
/// only when they are the site's own (see `site::Tops`).
#[derive(Default)]
struct MemorySink {
    files: Mutex<Vec<(String, Arc<[u8]>)>>,
}

impl MemorySink {
    fn paths(&self) -> Vec<String> {
        let files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        files.iter().map(|(p, _)| p.clone()).collect()
    }

    fn into_files(self) -> Files {
        let files = self.files.into_inner().unwrap_or_else(|e| e.into_inner());
        files.into_iter().map(|(k, v)| (Arc::from(k), v)).collect()
    }
}

impl crate::Sink for MemorySink {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((path.to_string(), Arc::from(bytes)));
        Ok(())
    }

    fn copy(&self, site: &Site, source: &str, path: &str) -> Result<()> {
        let root = site
            .root
            .canonicalize()
            .unwrap_or_else(|_| site.root.clone());
        if let Some(bytes) = read_inside(&root, source)? {
            self.write(path, &bytes)?;
        }
        Ok(())
    }
}

type Collected = Mutex<Vec<(String, Arc<[u8]>)>>;

fn sink_into(collected: &Collected) -> impl Fn(OutputFile) -> Result<()> + Sync + '_ {
    move |file: OutputFile| {
        collected
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((file.path, Arc::from(file.bytes)));
        Ok(())
    }
}

fn failed_text(diags: &[Diagnostic]) -> String {
    let errors: Vec<Diagnostic> = diags.iter().filter(|d| d.is_error()).cloned().collect();
    diag::to_text(&errors, false)
}

impl Builder {
    pub fn new(opts: Options) -> Builder {
        Builder { opts, cache: None }
    }

    /// Drop the cached site: the next rebuild is a full one.
    pub fn forget(&mut self) {
        self.cache = None;
    }

    fn render_options(&self, only: Option<HashSet<String>>) -> RenderOptions {
        RenderOptions {
            live_reload: true,
            today: self.opts.today,
            only,
            zip: false,
        }
    }

    fn failed(&self, diagnostics: &[Diagnostic]) -> bool {
        diagnostics.iter().any(|d| d.is_error() || self.opts.strict)
    }

    /// Load, check and render everything: `crate::build`'s stages with a
    /// memory sink. `Err` only when SITE cannot be read at all (not a site,
    /// IO): the caller decides whether that is fatal.
    pub fn full(&mut self) -> Result<Outcome> {
        self.cache = None;
        let loaded = crate::load(&self.opts.site)?;
        let site = loaded.site;
        let load_diags = loaded.diagnostics;
        let audience = self.opts.audience.unwrap_or(site.config.audience);
        let diagnostics = crate::check_stage(&site, &load_diags, audience, self.opts.today, true);
        let theme = match loaded.theme {
            Some(theme) if !self.failed(&diagnostics) => theme,
            _ => {
                return Ok(Outcome::Failed {
                    text: failed_text(&diagnostics),
                    diagnostics,
                });
            }
        };
        let view = audience::view(&site, audience);
        let sink = MemorySink::default();
        let rendered = crate::render_stage(&view, &theme, &self.render_options(None), &sink)?;
        let search_keys: HashSet<String> = rendered.index.into_iter().collect();
        let render_keys: HashSet<String> = sink
            .paths()
            .into_iter()
            .filter(|p| !search_keys.contains(p))
            .collect();
        crate::copy_stage(&site, &view, &sink)?;
        drop(view);
        let files = sink.into_files();
        let mut cache = Cache {
            site,
            load_diags,
            theme,
            audience,
            files,
            render_keys,
            search_keys,
            pending: BTreeSet::new(),
            pending_systems: BTreeSet::new(),
            pending_lists: false,
            search_stale: false,
            edited_systems: BTreeSet::new(),
            system_neighbours: BTreeSet::new(),
            worker_hashes: Default::default(),
        };
        let published = cache.publish(self.opts.built_at);
        self.cache = Some(cache);
        Ok(Outcome::Built {
            files: published,
            pages: rendered.pages,
            incremental: false,
            diagnostics,
        })
    }

    /// Rebuild after `changed` (site-relative paths): incremental when sound,
    /// else full. Never `Err`: a failure is an [`Outcome::Failed`].
    pub fn rebuild(&mut self, changed: &BTreeSet<String>, rescan: bool) -> Outcome {
        if !rescan && let Some(outcome) = self.copied_files(changed) {
            return outcome;
        }
        if !rescan && let Some(outcome) = self.incremental(changed) {
            return outcome;
        }
        match self.full() {
            Ok(outcome) => outcome,
            Err(e) => Outcome::Failed {
                text: format!("error: {e:#}\n"),
                diagnostics: Vec::new(),
            },
        }
    }

    /// Edits of files copied verbatim (under `static/`, or non-markdown files
    /// next to pages) that existed before and still do: their new bytes are
    /// served; nothing else can change. `None` for anything else.
    fn copied_files(&mut self, changed: &BTreeSet<String>) -> Option<Outcome> {
        let cache = self.cache.as_mut()?;
        if !cache.pending.is_empty() || changed.is_empty() {
            return None;
        }
        let root = cache
            .site
            .root
            .canonicalize()
            .unwrap_or_else(|_| cache.site.root.clone());
        let mut updates = Vec::new();
        for path in changed {
            let known = |rel: &str| {
                cache.site.static_files.iter().any(|f| f == rel)
                    || cache.site.assets.iter().any(|a| a.rel == rel)
            };
            let rel = path
                .strip_prefix("static/")
                .or_else(|| path.strip_prefix("content/"))
                .unwrap_or(path);
            if !root.join(path).exists() && !known(rel) && !rel.ends_with(".md") {
                // An editor's temporary file, written and renamed away in the burst.
                continue;
            }
            let key = if let Some(rel) = path.strip_prefix("static/") {
                cache
                    .site
                    .static_files
                    .iter()
                    .any(|f| f == rel)
                    .then_some(rel)?
            } else if let Some(rel) = path.strip_prefix("content/") {
                (!rel.ends_with(".md") && cache.site.assets.iter().any(|a| a.rel == rel))
                    .then_some(rel)?
            } else {
                return None;
            };
            // A copied file that shadows a rendered one: leave it to a full build.
            if cache.render_keys.contains(key) {
                return None;
            }
            let bytes = read_inside(&root, path).ok()??;
            updates.push((key.to_string(), bytes));
        }
        if updates.is_empty() {
            return Some(Outcome::Unchanged);
        }
        for (key, bytes) in updates {
            // An asset a client build hides was never served; keep it that way.
            if cache.files.contains_key(key.as_str()) {
                cache.files.insert(Arc::from(key), Arc::from(bytes));
            }
        }
        Some(Outcome::Built {
            files: cache.publish(self.opts.built_at),
            pages: 0,
            incremental: true,
            diagnostics: Vec::new(),
        })
    }

    /// `None`: not sound here, do a full rebuild.
    fn incremental(&mut self, changed: &BTreeSet<String>) -> Option<Outcome> {
        let timings = std::env::var_os("CAIRN_SERVE_TIMINGS").is_some();
        let mut last = std::time::Instant::now();
        let mut lap = |stage: &str| {
            if timings {
                eprintln!(
                    "  {stage:<14} {:>8.1} ms",
                    last.elapsed().as_secs_f64() * 1000.0
                );
            }
            last = std::time::Instant::now();
        };
        let mut rels = Vec::new();
        let mut system_files = Vec::new();
        let known = |path: &str| {
            self.cache.as_ref().is_some_and(|c| {
                let rel = path.strip_prefix("content/").unwrap_or(path);
                c.site.pages.iter().any(|p| p.rel == rel)
                    || c.site.assets.iter().any(|a| a.rel == rel)
                    || c.site.systems.iter().any(|e| e.file == path)
            })
        };
        for path in changed {
            // An editor's temporary file, written and renamed away in the burst.
            if !self.opts.site.join(path).exists()
                && !known(path)
                && !path.ends_with(".md")
                && !path.ends_with(".yaml")
                && !path.ends_with(".yml")
            {
                continue;
            }
            if let Some(rel) = path.strip_prefix("content/") {
                if !rel.ends_with(".md") || rel == "_index.md" || rel.ends_with("/_index.md") {
                    return None;
                }
                rels.push(rel.to_string());
            } else if path.starts_with("data/systems/") && known(path) {
                system_files.push(path.clone());
            } else {
                return None;
            }
        }
        if rels.is_empty() && system_files.is_empty() {
            return None;
        }
        let opts_site = self.opts.site.clone();
        let cache = self.cache.as_mut()?;
        // Systems first: nothing is changed unless every file re-reads cleanly.
        let mut systems = Vec::new();
        for file in &system_files {
            let index = cache.site.systems.iter().position(|e| &e.file == file)?;
            let (system, lines, text) = reread_system(&opts_site, file)?;
            systems.push((index, system, lines, text));
        }
        for (index, system, lines, text) in systems {
            let entry = &mut cache.site.systems[index];
            cache
                .system_neighbours
                .extend(entry.system.depends_on.iter().cloned());
            cache.edited_systems.insert(system.id.as_str().to_string());
            cache.site.lines.insert(entry.file.clone(), lines);
            cache.site.texts.insert(entry.file.clone(), text);
            entry.system = system;
        }
        let mut replaced = Vec::new();
        for rel in &rels {
            let index = cache.site.pages.iter().position(|p| &p.rel == rel)?;
            let old = &cache.site.pages[index];
            let page = reread_page(&opts_site, &cache.site, old)?;
            if page.title != old.title || format!("{:?}", page.front) != format!("{:?}", old.front)
            {
                // What lists show of the page changed, not only its body.
                cache.pending_lists = true;
            }
            cache
                .pending_systems
                .extend(old.front.systems.iter().cloned());
            cache
                .pending_systems
                .extend(page.front.systems.iter().cloned());
            replaced.push((index, page));
        }
        for (index, page) in replaced {
            cache.load_diags.retain(|d| d.file != page.source);
            cache.site.pages[index] = page;
        }
        cache.site.failed.pages = cache
            .load_diags
            .iter()
            .any(|d| d.file.starts_with("content/"));
        cache.pending.extend(rels);
        lap("reread");

        let audience = self.opts.audience.unwrap_or(cache.site.config.audience);
        if audience != cache.audience {
            return None;
        }
        let (today, strict) = (self.opts.today, self.opts.strict);
        let cache_ref: &Cache = cache;
        // Every check runs over the whole site while the touched pages render.
        let (diagnostics, rendered) = rayon::join(
            || {
                let t = std::time::Instant::now();
                let d = crate::check_stage(
                    &cache_ref.site,
                    &cache_ref.load_diags,
                    audience,
                    today,
                    true,
                );
                if timings {
                    eprintln!(
                        "    check        {:>8.1} ms",
                        t.elapsed().as_secs_f64() * 1000.0
                    );
                }
                d
            },
            || {
                let t = std::time::Instant::now();
                let r = render_touched(cache_ref, audience, today);
                if timings {
                    eprintln!(
                        "    view+render  {:>8.1} ms",
                        t.elapsed().as_secs_f64() * 1000.0
                    );
                }
                r
            },
        );
        lap("check+render");
        if diagnostics.iter().any(|d| d.is_error() || strict) {
            return Some(Outcome::Failed {
                text: failed_text(&diagnostics),
                diagnostics,
            });
        }
        let (pages, files) = match rendered? {
            Ok(r) => r,
            Err(e) => {
                return Some(Outcome::Failed {
                    text: format!("error: {e:#}\n"),
                    diagnostics,
                });
            }
        };
        for (key, bytes) in files {
            cache.render_keys.insert(key.clone());
            cache.files.insert(Arc::from(key), bytes);
        }
        cache.pending.clear();
        cache.pending_systems.clear();
        cache.pending_lists = false;
        cache.edited_systems.clear();
        cache.system_neighbours.clear();
        cache.search_stale = true;
        let published = cache.publish(self.opts.built_at);
        lap("merge");
        Some(Outcome::Built {
            files: published,
            pages,
            incremental: true,
            diagnostics,
        })
    }

    /// After an incremental rebuild the pages are served at once and the
    /// search index follows: rebuilt here, it is served without reloading
    /// open pages. `None` when it is up to date.
    pub fn refresh_search(&mut self) -> Option<Arc<Files>> {
        let cache = self.cache.as_mut().filter(|c| c.search_stale)?;
        let view = audience::view(&cache.site, cache.audience);
        let index = search::build_index(&view);
        drop(view);
        let new_keys: HashSet<String> = index.iter().map(|f| f.path.clone()).collect();
        for gone in cache.search_keys.difference(&new_keys) {
            cache.files.remove(gone.as_str());
        }
        for file in index {
            cache
                .files
                .insert(Arc::from(file.path), Arc::from(file.bytes));
        }
        cache.search_keys = new_keys;
        cache.search_stale = false;
        Some(cache.publish(self.opts.built_at))
    }
}

/// The outputs that can show the pending pages: each page and the sections
/// listing it; when its title or front matter changed, also the review queue,
/// the pages of the systems it names (before and after) and, for a page of
/// the top folder, the home page.
/// `None` when a pending page is not in the view any more (full rebuild).
type Rendered = Result<(usize, Vec<(String, Arc<[u8]>)>)>;

fn render_touched(cache: &Cache, audience: Audience, today: chrono::NaiveDate) -> Option<Rendered> {
    let view = audience::view(&cache.site, audience);
    let mut only = HashSet::new();
    for rel in &cache.pending {
        let page = view.page_by_rel(rel)?;
        only.insert(format!("{}index.html", page.url));
        let mut folder = page.folder();
        while !folder.is_empty() {
            only.insert(format!("{folder}/index.html"));
            folder = site::parent_folder(folder);
        }
    }
    if cache.pending_lists {
        // The home page lists the pages of the top folder only.
        if cache.pending.iter().any(|rel| !rel.contains('/')) {
            only.insert("index.html".into());
        }
        only.insert("review/index.html".into());
        // Runbook titles and review dates are in cairn.json.
        only.insert("cairn.json".into());
        for id in &cache.pending_systems {
            only.insert(format!("systems/{id}/index.html"));
        }
    }
    if !cache.edited_systems.is_empty() {
        let edited = &cache.edited_systems;
        let mut related: BTreeSet<&str> = edited.iter().map(String::as_str).collect();
        related.extend(cache.system_neighbours.iter().map(String::as_str));
        for s in &view.systems {
            if edited.contains(s.id) {
                related.extend(s.depends_on.iter().map(|d| d.id));
            }
            if s.depends_on.iter().any(|d| edited.contains(d.id)) {
                related.insert(s.id);
            }
        }
        // Pages naming an edited system show its ladder, and their cards its name
        // on every list, the pages of their other systems included.
        for page in view.pages.iter().filter(|p| !p.is_section) {
            if page.front.systems.iter().any(|id| edited.contains(id)) {
                only.insert(format!("{}index.html", page.url));
                let mut folder = page.folder();
                while !folder.is_empty() {
                    only.insert(format!("{folder}/index.html"));
                    folder = site::parent_folder(folder);
                }
                related.extend(page.front.systems.iter().map(String::as_str));
            }
        }
        for id in related {
            only.insert(format!("systems/{id}/index.html"));
        }
        for party in &view.parties {
            only.insert(format!("parties/{}/index.html", party.id));
        }
        for id in edited {
            only.insert(render::data::system_csv_path(id));
        }
        for key in [
            "cairn.json",
            "matrix.csv",
            "now/index.html",
            "index.html",
            "matrix/index.html",
            "review/index.html",
            "search/index.html",
            "404.html",
        ] {
            only.insert(key.to_string());
        }
    }
    let collected = Collected::default();
    let result = render::render_site(
        &view,
        &cache.theme,
        &RenderOptions {
            live_reload: true,
            today,
            only: Some(only),
            zip: false,
        },
        &sink_into(&collected),
    );
    Some(result.map(|pages| {
        (
            pages,
            collected.into_inner().unwrap_or_else(|e| e.into_inner()),
        )
    }))
}

/// Read a static file or asset (`static/…`, `content/…`) only when it is the
/// site's own: a regular file inside its top folder (`site::Tops`). The server
/// never hands out, or blocks on, anything else.
fn read_inside(root: &Path, rel: &str) -> Result<Option<Vec<u8>>> {
    if let Err(d) = own_file(root, rel) {
        eprintln!("warning: not serving {rel}: {}", d.message);
        return Ok(None);
    }
    match std::fs::read(root.join(rel)) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("reading {rel}")),
    }
}

/// `Ok` when `rel` is a regular file of the site's own, else why not.
fn own_file(root: &Path, rel: &str) -> Result<(), Diagnostic> {
    let tops = site::Tops::new(root, &mut Vec::new());
    match tops.readable(root, rel) {
        Ok(true) => Ok(()),
        Ok(false) => Err(Diagnostic::new(
            crate::diag::Code::InvalidValue,
            rel,
            None,
            "it is gone",
        )),
        Err(d) => Err(d),
    }
}

/// Re-read `data/systems/ID.yaml` the way `site::load_site` does; `None` when
/// it no longer parses or its id differs from its file name (a full load
/// reports those).
fn reread_system(root: &Path, file: &str) -> Option<(crate::model::System, site::LineMap, String)> {
    own_file(root, file).ok()?;
    let text = String::from_utf8(std::fs::read(root.join(file)).ok()?).ok()?;
    if text.contains('\0') {
        return None;
    }
    let parsed =
        site::yaml::parse::<crate::model::System>(&text, file, 1, crate::diag::Code::YamlSyntax)
            .ok()?;
    let name = file.rsplit('/').next()?;
    let stem = name.trim_end_matches(".yaml").trim_end_matches(".yml");
    (parsed.value.id.as_str() == stem).then_some((parsed.value, parsed.lines, text))
}

/// Re-read one content page the way `site::load_site` does; `None` when the
/// result could differ from a full load in ways only a full load handles
/// (unreadable, front matter that fails, no title, a changed audience).
fn reread_page(root: &Path, site: &Site, old: &Page) -> Option<Page> {
    own_file(root, &old.source).ok()?;
    let bytes = std::fs::read(root.join(&old.source)).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    if text.contains('\0') {
        return None;
    }
    let (front, front_lines, body_start, body_line) = match site::split_front_matter(&text) {
        Ok(Some((fm, fm_line, start, line))) => {
            if site::yaml::is_blank(fm) {
                return None;
            }
            let parsed = site::yaml::parse::<crate::model::FrontMatter>(
                fm,
                &old.source,
                fm_line,
                crate::diag::Code::FrontMatter,
            )
            .ok()?;
            (parsed.value, parsed.lines, start, line)
        }
        _ => return None,
    };
    let title = front.title.clone()?;
    if front.audience != old.front.audience {
        return None;
    }
    let review_every = front.review_every.or_else(|| {
        let mut review = None;
        for folder in crate::site::ancestors(old.folder()) {
            let index = if folder.is_empty() {
                "_index.md".to_string()
            } else {
                format!("{folder}/_index.md")
            };
            if let Some(section) = site.page_by_rel(&index) {
                review = section.front.review_every.or(review);
            }
        }
        review.or(site.config.review_every)
    });
    let scan = markdown::scan(&text[body_start..]);
    Some(Page {
        source: old.source.clone(),
        rel: old.rel.clone(),
        is_section: false,
        title,
        front,
        front_lines,
        body_start,
        body_line,
        audience: old.audience,
        review_every,
        url: old.url.clone(),
        scan,
        text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> tempfile::TempDir {
        copy_site("tests/fixtures/base")
    }

    /// A copy of a site of the repository (`rel` to the crate root) in a temp dir.
    fn copy_site(rel: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
        for entry in walkdir::WalkDir::new(&from) {
            let entry = entry.unwrap();
            let target = dir.path().join(entry.path().strip_prefix(&from).unwrap());
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&target).unwrap();
            } else {
                std::fs::copy(entry.path(), &target).unwrap();
            }
        }
        dir
    }

    #[test]
    fn a_reread_page_equals_a_fresh_load() {
        let dir = fixture();
        let (site, _) = site::load_site(dir.path()).unwrap();
        let rel = "runbooks/reset-mfa.md";
        let path = dir.path().join("content").join(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(
            &path,
            format!("{text}\n## Added heading\n\nMore [text](../guides/escalate.md).\n"),
        )
        .unwrap();
        let old = site.page_by_rel(rel).unwrap();
        let page = reread_page(dir.path(), &site, old).unwrap();
        let (fresh, _) = site::load_site(dir.path()).unwrap();
        assert_eq!(
            format!("{page:?}"),
            format!("{:?}", fresh.page_by_rel(rel).unwrap())
        );
    }

    #[test]
    fn an_edit_that_changes_the_audience_is_left_to_a_full_load() {
        let dir = fixture();
        let (site, _) = site::load_site(dir.path()).unwrap();
        let rel = "runbooks/reset-mfa.md";
        let path = dir.path().join("content").join(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(
            &path,
            text.replacen("---\n", "---\naudience: internal\n", 1),
        )
        .unwrap();
        assert!(reread_page(dir.path(), &site, site.page_by_rel(rel).unwrap()).is_none());
        std::fs::write(&path, "---\ntitle: [unclosed\n---\nx\n").unwrap();
        assert!(reread_page(dir.path(), &site, site.page_by_rel(rel).unwrap()).is_none());
    }

    /// Edit `rel` in a copy of `site`, rebuild incrementally, and compare every
    /// served byte with a fresh full build.
    fn assert_incremental_equals_full(site: &Path, rel: &str, edit: &dyn Fn(&str) -> String) {
        let mut opts = Options::new(site);
        // One clock for both builds: the service worker is dated by it.
        opts.built_at = Some(1_795_564_800);
        opts.today = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let mut builder = Builder::new(opts.clone());
        assert!(matches!(builder.full().unwrap(), Outcome::Built { .. }));
        let path = site.join(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, edit(&text)).unwrap();
        let changed: BTreeSet<String> = [rel.to_string()].into();
        let Outcome::Built { incremental, .. } = builder.rebuild(&changed, false) else {
            panic!("incremental rebuild of {rel} failed");
        };
        assert!(incremental, "{rel}: not incremental");
        let inc = builder
            .refresh_search()
            .unwrap_or_else(|| Arc::new(builder.cache.as_ref().unwrap().files.clone()));
        let Outcome::Built { files: full, .. } = Builder::new(opts).full().unwrap() else {
            panic!("full build failed");
        };
        let mut a: Vec<&Arc<str>> = inc.keys().collect();
        let mut b: Vec<&Arc<str>> = full.keys().collect();
        a.sort();
        b.sort();
        assert_eq!(a, b);
        for key in a {
            assert!(
                inc[key] == full[key],
                "{key} differs between incremental and full builds after editing {rel}"
            );
        }
        std::fs::write(&path, text).unwrap();
    }

    #[test]
    fn incremental_and_full_builds_serve_the_same_bytes() {
        let dir = fixture();
        let rel = "content/runbooks/reset-mfa.md";
        // The body only.
        assert_incremental_equals_full(dir.path(), rel, &|t| {
            format!("{t}\nAn edited line.\n\n## A new heading\n")
        });
        // A file copied verbatim.
        assert_incremental_equals_full(dir.path(), "static/img/net.svg", &|t| {
            t.replacen("<svg", "<svg data-edited=\"1\"", 1)
        });
        // A system: its name, tier, ladder and dependencies show on many pages.
        assert_incremental_equals_full(dir.path(), "data/systems/m365.yaml", &|t| {
            t.replacen("name: Microsoft 365", "name: Microsoft 365 (renamed)", 1)
                .replacen("tier: 1", "tier: 2", 1)
                .replacen("respond_within: 15m", "respond_within: 20m", 1)
        });
        assert_incremental_equals_full(dir.path(), "data/systems/m365.yaml", &|t| {
            t.replacen("depends_on: [firewall]", "depends_on: []", 1)
        });
        assert_incremental_equals_full(dir.path(), "data/systems/firewall.yaml", &|t| {
            t.replacen("name: ", "name: Edge ", 1)
        });
        // A page of the top folder, which the home page lists.
        std::fs::write(
            dir.path().join("content/about.md"),
            "---\ntitle: About\n---\nAbout this site.\n",
        )
        .unwrap();
        assert_incremental_equals_full(dir.path(), "content/about.md", &|t| {
            t.replacen("title: About", "title: About us", 1)
        });
        // The title, the systems and the review date: every list showing it.
        assert_incremental_equals_full(dir.path(), rel, &|t| {
            t.replacen("title: Reset a user's MFA", "title: Reset MFA (renamed)", 1)
                .replacen("last_reviewed: 2026-11-01", "last_reviewed: 2025-01-01", 1)
        });
    }

    #[test]
    fn incremental_equals_full_on_the_bundled_example() {
        let dir = copy_site("content-example");
        let _ = std::fs::remove_dir_all(dir.path().join("public"));
        let (site, _) = site::load_site(dir.path()).unwrap();
        let runbooks: Vec<String> = site
            .pages
            .iter()
            .filter(|p| p.is_runbook() && p.audience == Audience::Client)
            .map(|p| p.source.clone())
            .take(2)
            .collect();
        assert!(!runbooks.is_empty());
        for rel in &runbooks {
            assert_incremental_equals_full(dir.path(), rel, &|t| {
                let t = t.replacen("title: ", "title: Edited ", 1);
                format!("{t}\nOne more paragraph.\n")
            });
        }
        for system in ["m365", "firewall", "entra-id"] {
            let rel = format!("data/systems/{system}.yaml");
            assert_incremental_equals_full(dir.path(), &rel, &|t| {
                // Hours too: the coverage charts, the now board and cairn.json follow.
                t.replacen("\nname: ", "\nname: Edited ", 1)
                    .replacen("respond_within: 15m", "respond_within: 25m", 1)
                    .replacen("hours: business", "hours: extended", 1)
            });
        }
    }
}
