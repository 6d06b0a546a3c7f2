//! cairn: markdown runbooks and YAML responsibility data in, a searchable static
//! site out. Data flows one way:
//!
//! ```text
//! load → audience::view → check_view_stage → render_stage (pages ‖ search) → copy_stage → write
//! ```
//!
//! Each stage is a public function returning a typed value ([`Loaded`],
//! [`audience::SiteView`], the diagnostics, [`Rendered`]); output goes through a
//! [`Sink`]. [`check()`] stops after the checks; [`build`] writes into a staging
//! folder swapped in at the end; `cairn serve`'s full build runs the same
//! stages into memory (`serve::rebuild`): both call [`run`].
//!
//! That is the API: the stages, their values, [`diag`], [`model`] (the YAML
//! schema as types) and `cli::main`; everything else is `pub(crate)`.
#![deny(clippy::unwrap_used, clippy::expect_used)]
#![allow(rustdoc::private_intra_doc_links)]

pub mod audience;
pub mod calendar;
pub(crate) mod check;
pub mod cli;
pub mod diag;
pub(crate) mod diff;
pub(crate) mod ics;
pub(crate) mod init;
pub(crate) mod links;
pub(crate) mod markdown;
pub mod model;
pub mod offline;
pub(crate) mod outdir;
pub(crate) mod pattern;
pub mod render;
pub(crate) mod search;
pub mod secrets;
pub(crate) mod serve;
pub mod site;
pub(crate) mod urls;
pub(crate) mod write;

use anyhow::Result;
use diag::Diagnostic;
use model::Audience;
use rayon::prelude::*;
#[cfg(test)]
use std::path::Path;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Bad arguments or a SITE that is not a site: exit code 2.
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// What a build or check is asked to do; validated by the CLI.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The site folder (holding `cairn.yaml`).
    pub site: PathBuf,
    /// Output folder; `SITE/public` when not given.
    pub out: Option<PathBuf>,
    /// Audience of the build; `cairn.yaml`'s when not given.
    pub audience: Option<Audience>,
    /// Warnings fail the run too.
    pub strict: bool,
    /// `--out` may replace a non-empty folder cairn did not write (never the
    /// site, a folder above it, or its source folders).
    pub force: bool,
    /// "Today" for review dates and dated coverage, when fixed by the caller;
    /// `None`: the date of `SOURCE_DATE_EPOCH` (else of now) in the site's
    /// timezone (see [`Options::today_for`]).
    pub today: Option<chrono::NaiveDate>,
    /// Also write `offline.zip` of the output (`cairn build --zip`).
    pub zip: bool,
    /// The build's clock for "copy built …" (Unix seconds); `None`: the time the
    /// build runs, or `SOURCE_DATE_EPOCH` when set.
    pub built_at: Option<i64>,
    /// Publish drafts, `published: false`, headless pages and future
    /// `publishDate`s too (`cairn build --drafts`).
    pub drafts: bool,
}

impl Options {
    /// The defaults for the site at `site`: its own audience and output folder, today's date.
    pub fn new(site: impl Into<PathBuf>) -> Options {
        Options {
            site: site.into(),
            out: None,
            audience: None,
            strict: false,
            force: false,
            today: None,
            zip: false,
            built_at: None,
            drafts: false,
        }
    }

    /// The run's audience: `--audience`, else `cairn.yaml`'s; decided here
    /// for `check`, `build` and `serve` alike.
    pub fn audience_for(&self, site: &site::Site) -> Audience {
        self.audience.unwrap_or(site.config.audience)
    }

    /// The output folder: `--out`, else `SITE/public`.
    pub fn out_dir(&self) -> PathBuf {
        self.out.clone().unwrap_or_else(|| self.site.join("public"))
    }
}

impl Options {
    /// "Today" for a site with `config`: [`Options::today`] when set, else
    /// the date in the site's timezone of `SOURCE_DATE_EPOCH` (else of now).
    pub fn today_for(&self, config: &model::Config) -> chrono::NaiveDate {
        self.today.unwrap_or_else(|| today_in(config.tz()))
    }
}

/// `SOURCE_DATE_EPOCH` when set (reproducible builds), else now.
fn now() -> chrono::DateTime<chrono::Utc> {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0))
        .unwrap_or_else(chrono::Utc::now)
}

/// The DTSTAMP of the calendar feeds, Unix seconds: `SOURCE_DATE_EPOCH` when
/// set, else 00:00 of `today` in `tz` (not the time the build runs: like every
/// dated file, the feeds change with the date only, so an unchanged rebuild
/// the same day writes the same bytes, which the offline worker relies on).
pub(crate) fn feed_stamp(tz: chrono_tz::Tz, today: chrono::NaiveDate) -> i64 {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| calendar::zone::day_start(tz, today) * 60)
}

/// The UTC date of `SOURCE_DATE_EPOCH` when set (reproducible builds), else of now.
pub fn today() -> chrono::NaiveDate {
    now().date_naive()
}

/// The date in `tz` of `SOURCE_DATE_EPOCH` when set, else of now.
pub fn today_in(tz: chrono_tz::Tz) -> chrono::NaiveDate {
    now().with_timezone(&tz).date_naive()
}

/// What a run found and did.
#[derive(Debug, Default)]
pub struct Report {
    /// Every problem found, sorted by file and line.
    pub diagnostics: Vec<Diagnostic>,
    /// The audience the run was for.
    pub audience: Option<Audience>,
    /// Whether the output was written (no errors, or no warnings under `--strict`).
    pub written: bool,
    /// HTML pages written.
    pub pages_written: usize,
    /// What the service worker precaches.
    pub precache: Option<offline::Precache>,
    /// How long each stage took, in order.
    pub timings: Vec<(&'static str, Duration)>,
}

impl Report {
    /// The run failed: errors, or warnings under `--strict`.
    pub fn failed(&self, strict: bool) -> bool {
        self.diagnostics.iter().any(|d| d.is_error() || strict)
    }
}

struct Stopwatch {
    last: Instant,
    laps: Vec<(&'static str, Duration)>,
}

impl Stopwatch {
    fn new() -> Self {
        Stopwatch {
            last: Instant::now(),
            laps: Vec::new(),
        }
    }
    fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        self.laps.push((stage, now - self.last));
        self.last = now;
    }
    /// Add the laps another clock timed just now; the next lap starts here
    /// (it counted the whole of them as its own).
    fn extend(&mut self, laps: Vec<(&'static str, Duration)>) {
        self.laps.extend(laps);
        self.last = Instant::now();
    }
}

/// What the load stage read: the site, its theme (`None` when the theme has
/// a problem, which is then among the diagnostics) and what could not be read.
pub struct Loaded {
    /// Every source of the site, read once.
    pub site: site::Site,
    /// The theme; `None` when it has a problem (among `diagnostics`).
    pub theme: Option<render::Theme>,
    /// What could not be read or parsed.
    pub diagnostics: Vec<Diagnostic>,
}

/// Stage 1, load: every source read and parsed once, the theme included.
pub fn load(site_root: &std::path::Path) -> Result<Loaded> {
    load_reusing(site_root, site::Parsed::default(), None, false)
}

/// [`load`], taking the pages in `parsed` (unchanged since an earlier load)
/// instead of reading them again, and `theme` when none of its sources
/// (`cairn.yaml`, `templates/`, `themes/`) changed: `cairn serve`'s rebuilds.
/// With `drafts`, pages their authors held back are published too.
pub fn load_reusing(
    site_root: &std::path::Path,
    parsed: site::Parsed,
    theme: Option<render::Theme>,
    drafts: bool,
) -> Result<Loaded> {
    let (site, mut diagnostics) = site::load_site_reusing(site_root, parsed, drafts)?;
    let theme = match theme.map_or_else(|| render::load_theme(&site), Ok) {
        Ok(theme) => Some(theme),
        Err(problems) => {
            diagnostics.extend(problems);
            None
        }
    };
    Ok(Loaded {
        site,
        theme,
        diagnostics,
    })
}

/// Stage 2, check: the load problems and every check for `audience`, sorted.
/// For a build (`for_build`), a secret in a client build is an error whatever
/// `check` tolerates: a secret must never reach a client.
pub fn check_stage(
    site: &site::Site,
    load_diagnostics: &[Diagnostic],
    audience: Audience,
    today: chrono::NaiveDate,
    for_build: bool,
) -> Vec<Diagnostic> {
    check_view_stage(
        site,
        &audience::view_on(site, audience, today),
        load_diagnostics,
        today,
        for_build,
    )
}

/// [`check_stage`] on a view already built: a build checks the very view it
/// renders.
pub fn check_view_stage(
    site: &site::Site,
    view: &audience::SiteView,
    load_diagnostics: &[Diagnostic],
    today: chrono::NaiveDate,
    for_build: bool,
) -> Vec<Diagnostic> {
    check_view_stage_with(site, view, load_diagnostics, today, for_build, None)
}

/// [`check_view_stage`], taking back from `memo` the findings of the last
/// run (`cairn serve`) where nothing they read changed.
fn check_view_stage_with(
    site: &site::Site,
    view: &audience::SiteView,
    load_diagnostics: &[Diagnostic],
    today: chrono::NaiveDate,
    for_build: bool,
    memo: Option<&check::Memo>,
) -> Vec<Diagnostic> {
    let mut diagnostics = load_diagnostics.to_vec();
    diagnostics.extend(check::check_view_with(site, view, today, memo));
    if for_build && view.audience == Audience::Client {
        check::promote_for_client_build(&mut diagnostics);
    }
    diag::sort(&mut diagnostics);
    diagnostics
}

/// Where the output goes: the staging folder of `build`, or memory for `serve`.
pub trait Sink: Sync {
    /// Write `bytes` at `path` (output-relative, `/`-separated).
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()>;
    /// Publish the site's source file `source` (`static/…`, `content/…`) at `path`.
    fn copy(&self, site: &site::Site, source: &str, path: &str) -> Result<()>;
    /// Whether [`Sink::copy`] of `source` reads it now; `false` when the sink
    /// keeps the bytes it already holds (an unchanged file in `serve`).
    fn reads_anew(&self, _source: &str, _path: &str) -> bool {
        true
    }
}

impl Sink for write::Staging {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        write::Staging::write(self, path, bytes)
    }

    fn copy(&self, site: &site::Site, source: &str, path: &str) -> Result<()> {
        write::Staging::copy(self, &site.root.join(source), path)
    }
}

/// `build`'s sink: the staging folder, recording each file's hash for the
/// service worker's manifest on the way.
struct Recorded {
    manifest: offline::Manifest,
    inner: write::Staging,
}

impl Sink for Recorded {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        self.manifest.record(path, bytes);
        self.inner.write(path, bytes)
    }

    fn copy(&self, site: &site::Site, source: &str, path: &str) -> Result<()> {
        Sink::copy(&self.inner, site, source, path)?;
        self.manifest.record_file(path, &site.root.join(source))
    }
}

/// What the render stage produced: the number of HTML pages, and the paths of
/// the search index's files.
pub struct Rendered {
    /// HTML pages written.
    pub pages: usize,
    /// The search index's files, output-relative.
    pub index: Vec<String>,
    /// Every page's fingerprint, when [`RenderScope::since`] asked for them.
    pub fingerprints: Option<render::Fingerprints>,
    /// How long the pages and the search index took, side by side.
    pub timings: Vec<(&'static str, Duration)>,
}

/// How much of the render stage to run; `build` runs all of it (the default).
#[derive(Default)]
pub struct RenderScope<'p> {
    /// Render only the pages whose fingerprint differs from these, and return
    /// every page's ([`render::render_changed`]); `None`: every page.
    pub since: Option<&'p render::Fingerprints>,
    /// Leave the search index out: `cairn serve` builds it after serving an
    /// edited page.
    pub without_search: bool,
    /// Render while the check runs, the render dropped when the check fails:
    /// `cairn serve`'s rebuilds, which have a good site to fall back on.
    pub alongside_check: bool,
    /// The search index's documents of the last build (`cairn serve`): pages
    /// whose document is there are not tokenized again.
    pub(crate) search_memo: Option<&'p search::DocMemo>,
    /// The check's findings of the last build (`cairn serve`): those whose
    /// inputs did not change are taken back.
    pub(crate) check_memo: Option<&'p check::Memo>,
    /// Let go of the pages' bodies once checked ([`site::Site::release_bodies`]):
    /// `build`, whose site is not kept for a next build.
    pub release_bodies: bool,
}

/// Stage 4, render ‖ search: the pages and the search index into `sink`.
pub fn render_stage(
    view: &audience::SiteView,
    theme: &render::Theme,
    opts: &render::RenderOptions,
    scope: &RenderScope,
    sink: &dyn Sink,
) -> Result<Rendered> {
    let write = |file: render::OutputFile| sink.write(&file.path, &file.bytes);
    // The search index needs only the view, so it is built while pages render:
    // its tokenizing would otherwise run alone after the parallel render.
    let started = Instant::now();
    let ((pages, pages_took), (index_files, search_took)) = rayon::join(
        || {
            let pages = match scope.since {
                Some(since) => render::render_changed(view, theme, opts, since, &write)
                    .map(|(pages, prints)| (pages, Some(prints))),
                None => render::render_site(view, theme, opts, &write).map(|pages| (pages, None)),
            };
            (pages, started.elapsed())
        },
        // Each file written as it is made: the index's files are never all held.
        || {
            let files = (!scope.without_search)
                .then(|| search::write_index(view, scope.search_memo, &write));
            (files, started.elapsed())
        },
    );
    let (pages, fingerprints) = pages?;
    Ok(Rendered {
        pages,
        index: index_files.transpose()?.unwrap_or_default(),
        fingerprints,
        timings: vec![("pages", pages_took), ("search", search_took)],
    })
}

/// Stage 5, copy: the static files and the content files the view publishes.
/// An internal build's own `robots.txt` (disallow all) wins over the site's.
pub fn copy_stage(site: &site::Site, view: &audience::SiteView, sink: &dyn Sink) -> Result<()> {
    let ours = |rel: &str| view.audience == Audience::Internal && rel == render::ROBOTS;
    view.static_files
        .par_iter()
        .filter(|rel| !ours(rel))
        .try_for_each(|rel| sink.copy(site, &format!("static/{rel}"), rel))?;
    view.assets
        .par_iter()
        .filter(|asset| !ours(&asset.rel))
        .try_for_each(|asset| sink.copy(site, &format!("content/{}", asset.rel), &asset.rel))
}

/// What [`run`] made of a loaded site.
pub(crate) struct Run<S> {
    pub audience: Audience,
    /// Every problem found, sorted; the output gate's verdict among them.
    pub diagnostics: Vec<Diagnostic>,
    /// The filled sink and what was rendered into it; `None` when the site
    /// failed (errors, or warnings under `--strict`): nothing may be published.
    pub output: Option<(S, Rendered)>,
    /// What the service worker precaches.
    pub precache: Option<offline::Precache>,
    pub timings: Vec<(&'static str, Duration)>,
}

/// The pipeline after load, as `build` and `serve` both run it: view, check,
/// and when clean render ‖ search, copy and last the service worker (made by
/// `worker` for the files the sink then holds) into the sink `make_sink`
/// gives, every byte through the output gate, whose verdict ends it. A client
/// build and a client `serve` refuse alike.
pub(crate) fn run<S: Sink>(
    opts: &Options,
    loaded: &mut Loaded,
    scope: &RenderScope,
    make_sink: impl FnOnce() -> Result<S>,
    worker: impl FnOnce(&S, &Rendered, &site::Site) -> offline::Worker,
) -> Result<Run<S>> {
    let mut clock = Stopwatch::new();
    let audience = opts.audience_for(&loaded.site);
    let today = opts.today_for(&loaded.site.config);
    let failed = |d: &[Diagnostic]| d.iter().any(|d| d.is_error() || opts.strict);
    let mut run = Run {
        audience,
        diagnostics: Vec::new(),
        output: None,
        precache: None,
        timings: Vec::new(),
    };
    // Checked alone first: a build stops there when the site fails, and can
    // let go of the pages' bodies before making the output.
    let mut checked = None;
    let mut allowed = None;
    if !scope.alongside_check {
        let view = audience::view_on(&loaded.site, audience, today);
        let diagnostics = check_view_stage_with(
            &loaded.site,
            &view,
            &loaded.diagnostics,
            today,
            true,
            scope.check_memo,
        );
        clock.lap("check");
        if failed(&diagnostics) || loaded.theme.is_none() {
            run.diagnostics = diagnostics;
            run.timings = clock.laps;
            return Ok(run);
        }
        if scope.release_bodies {
            // What the gate lets through is read from the bodies: first.
            allowed = Some(secrets::allowed::Allowed::of(&loaded.site));
            drop(view);
            loaded.site.release_bodies();
        }
        checked = Some(diagnostics);
    }
    let loaded = &*loaded;
    let site = &loaded.site;
    let view = audience::view_on(site, audience, today);
    clock.lap("view");
    let gate = secrets::gate::OutputGate::new(site, &view, allowed);
    let render_opts = render::RenderOptions {
        today,
        zip: opts.zip,
        stamp: feed_stamp(site.config.tz(), today),
    };
    let check = || {
        check_view_stage_with(
            site,
            &view,
            &loaded.diagnostics,
            today,
            true,
            scope.check_memo,
        )
    };
    let render = |sink: &S| {
        let gated = secrets::gate::Gated::new(&gate, sink);
        let theme = loaded.theme.as_ref()?;
        Some(
            render_stage(&view, theme, &render_opts, scope, &gated)
                .and_then(|rendered| copy_stage(site, &view, &gated).map(|()| rendered)),
        )
    };
    let (mut diagnostics, sink, rendered) = match checked {
        Some(diagnostics) => {
            let sink = make_sink()?;
            let rendered = render(&sink);
            (diagnostics, sink, rendered)
        }
        None => {
            let sink = make_sink()?;
            let started = Instant::now();
            let ((diagnostics, checked), (rendered, rendered_at)) = rayon::join(
                || (check(), started.elapsed()),
                || (render(&sink), started.elapsed()),
            );
            // Side by side: each lap is how long that stage took from the start.
            clock.laps.push(("check (beside render)", checked));
            clock.laps.push(("render (beside check)", rendered_at));
            clock.last = Instant::now();
            (diagnostics, sink, rendered)
        }
    };
    let rendered = match rendered {
        Some(rendered) if !failed(&diagnostics) => rendered?,
        _ => {
            run.diagnostics = diagnostics;
            return Ok(run);
        }
    };
    if scope.alongside_check {
        clock.laps.extend(rendered.timings.iter().copied());
    } else {
        clock.lap("render+search+copy");
    }
    let worker = worker(&sink, &rendered, site);
    clock.lap("worker");
    let gated = secrets::gate::Gated::new(&gate, &sink);
    gated.write(offline::WORKER, &worker.code)?;
    gated.write(offline::MANIFEST, &worker.manifest)?;
    diagnostics.extend(gate.finish(audience));
    diag::sort(&mut diagnostics);
    clock.lap("gate");
    run.output = (!failed(&diagnostics)).then_some((sink, rendered));
    run.diagnostics = diagnostics;
    run.precache = Some(worker.precache);
    run.timings = clock.laps;
    Ok(run)
}

/// Load and check, nothing written.
pub fn check(opts: &Options) -> Result<Report> {
    let mut clock = Stopwatch::new();
    let loaded = load_reusing(&opts.site, site::Parsed::default(), None, opts.drafts)?;
    clock.lap("load");
    let audience = opts.audience_for(&loaded.site);
    let diagnostics = check_stage(
        &loaded.site,
        &loaded.diagnostics,
        audience,
        opts.today_for(&loaded.site.config),
        false,
    );
    clock.lap("check");
    Ok(Report {
        diagnostics,
        audience: Some(audience),
        timings: clock.laps,
        ..Report::default()
    })
}

/// Load, check, and when clean render and write the site for one audience:
/// [`run`] into a staging folder swapped in at the end.
pub fn build(opts: &Options) -> Result<Report> {
    let mut clock = Stopwatch::new();
    site::ensure_site(&opts.site)?;
    // Before anything is read: a build must never be able to destroy its input.
    let out = outdir::checked_out_dir(&opts.site, &opts.out_dir(), opts.force)?;
    let mut loaded = load_reusing(&opts.site, site::Parsed::default(), None, opts.drafts)?;
    clock.lap("load");
    let previous_worker = std::fs::read(opts.out_dir().join(offline::WORKER)).ok();
    let staging = || {
        Ok(Recorded {
            manifest: offline::Manifest::default(),
            inner: write::Staging::new(&out)?,
        })
    };
    // The service worker lists every file written, as it was written.
    let worker = |recorded: &Recorded, _: &Rendered, site: &site::Site| {
        offline::site_worker(
            &site.config,
            &mut recorded.manifest.take(),
            opts.built_at,
            previous_worker.as_deref(),
        )
    };
    let scope = RenderScope {
        release_bodies: true,
        ..RenderScope::default()
    };
    let run = run(opts, &mut loaded, &scope, staging, worker)?;
    clock.extend(run.timings);
    let mut report = Report {
        diagnostics: run.diagnostics,
        audience: Some(run.audience),
        precache: run.precache,
        ..Report::default()
    };
    // Dropped without a commit, a staging folder goes and the previous output stays.
    if let Some((Recorded { inner: staging, .. }, rendered)) = run.output {
        if opts.zip {
            // Every file in it went through the gate.
            let zip = offline::zip_folder(staging.path())?;
            staging.write(offline::ZIP, &zip)?;
            clock.lap("offline");
        }
        staging.commit()?;
        clock.lap("write");
        report.written = true;
        report.pages_written = rendered.pages;
    }
    report.timings = clock.laps;
    // Millions of small frees: the loaded site is dropped on a thread of its
    // own, so the command returns (and the process exits) without waiting.
    std::thread::spawn(move || drop(loaded));
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every YAML source (cairn.yaml, each data file, each page's front matter)
    /// goes through the parser exactly once in a whole build. The build runs on
    /// a one-thread pool so the per-thread count sees all of it.
    #[test]
    fn a_build_parses_each_yaml_source_once() {
        let dir = tempfile::tempdir().unwrap();
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/base");
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let mut opts = Options::new(&root);
        opts.out = Some(dir.path().join("out"));
        let (parses, report) = pool.install(|| {
            let before = site::yaml::parse_count();
            let report = build(&opts).unwrap();
            (site::yaml::parse_count() - before, report)
        });
        assert!(report.written, "{:?}", report.diagnostics);
        let data_files = walkdir::WalkDir::new(root.join("data"))
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "yaml"))
            .count();
        let pages_with_front_matter = walkdir::WalkDir::new(root.join("content"))
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| std::fs::read_to_string(e.path()).is_ok_and(|t| t.starts_with("---\n")))
            .count();
        assert_eq!(parses, 1 + data_files + pages_with_front_matter);
    }
}
