//! Render: a [`SiteView`] through tera templates into HTML files, handed one
//! by one to a sink (so rendered HTML is never all held at once).
//!
//! Every page gets only its own data in its template context: no page carries
//! every page, which is what makes a generator quadratic. Links are relative
//! and name `index.html`, computed here per page, so templates only print them.

pub(crate) mod calendar;
mod context;
mod coverage_ahead;
pub(crate) mod coverage_chart;
pub(crate) mod data;
mod minify;
mod template_env;
mod theme;

use crate::audience::SiteView;
use crate::model::Audience;
use crate::urls;
use anyhow::Result;
use rayon::prelude::*;
use std::collections::HashMap;

pub(crate) use theme::load_theme;
pub use theme::{Theme, is_builtin_asset};

/// How pages are rendered, beyond the site and theme.
pub struct RenderOptions {
    /// "Today" for review dates.
    pub today: chrono::NaiveDate,
    /// `offline.zip` is written beside the pages: the footer links it.
    pub zip: bool,
    /// The DTSTAMP of the calendar feeds, Unix seconds (see [`crate::feed_stamp`]).
    pub stamp: i64,
}

/// One file of the output, relative to the output root with `/` separators.
pub(crate) struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// What one output page is made from.
#[derive(Clone, Copy)]
enum Job<'v, 'a> {
    Home,
    /// A folder's list page (with its `_index.md` when there is one).
    Section(&'v crate::audience::SectionView<'a>),
    Page(&'a crate::site::Page),
    System(&'v crate::audience::SystemView<'a>),
    Party(&'v crate::audience::PartyView<'a>),
    Matrix,
    Review,
    Search,
    NotFound,
    /// Who answers every system now ([`urls::NOW`]).
    Now,
}

impl<'a> Job<'_, 'a> {
    /// The page this page shows as its own, body and all: a page's, a
    /// section's or the home page's `_index.md`.
    fn own_page(&self, view: &SiteView<'a>) -> Option<&'a crate::site::Page> {
        match self {
            Job::Page(p) => Some(p),
            Job::Section(s) => s.index,
            Job::Home => view.sections.get("").and_then(|s| s.index),
            _ => None,
        }
    }

    /// Whether the page shows anything of a runbook other than itself (its
    /// card, its title): lists do. Other pages show of other pages only what
    /// [`SiteView::frame`] holds: sections and the escalation guide.
    fn shows_runbooks(&self) -> bool {
        match self {
            Job::Home | Job::Section(_) | Job::System(_) | Job::Review => true,
            Job::Page(_) | Job::Party(_) | Job::Matrix | Job::Search | Job::NotFound | Job::Now => {
                false
            }
        }
    }

    /// The output file, relative to the output root.
    fn path(&self) -> String {
        match self {
            Job::Home => urls::HOME.into(),
            Job::Section(s) => urls::folder(&s.folder),
            Job::Page(p) => urls::page(&p.url),
            Job::System(s) => urls::system(s.id),
            Job::Party(p) => urls::party(p.id),
            Job::Matrix => urls::MATRIX.into(),
            Job::Review => urls::REVIEW.into(),
            Job::Search => urls::SEARCH.into(),
            Job::NotFound => urls::NOT_FOUND.into(),
            Job::Now => urls::NOW.into(),
        }
    }
}

/// Every output path `render_site` writes for `view`, pages first; `cairn
/// serve` uses it to tell a page that vanished from one it did not re-render.
pub(crate) fn page_paths(view: &SiteView) -> Vec<String> {
    jobs(view).iter().map(Job::path).collect()
}

/// `parties/ID/contacts.vcf`, or `None` when the audience sees no contact of
/// the party: the data files write it, a party's page links to it.
pub(crate) fn party_vcard_path(party: &crate::audience::PartyView) -> Option<String> {
    (!party.contacts.is_empty()).then(|| crate::urls::party_vcards(party.id))
}

fn jobs<'v, 'a>(view: &'v SiteView<'a>) -> Vec<Job<'v, 'a>> {
    let mut jobs = vec![
        Job::Home,
        Job::Now,
        Job::Matrix,
        Job::Review,
        Job::Search,
        Job::NotFound,
    ];
    jobs.extend(
        view.sections
            .values()
            .filter(|s| !s.folder.is_empty())
            .map(Job::Section),
    );
    jobs.extend(
        view.pages
            .iter()
            .filter(|p| !p.is_section)
            .map(|p| Job::Page(p)),
    );
    jobs.extend(view.systems.iter().map(Job::System));
    jobs.extend(view.parties.iter().map(Job::Party));
    jobs
}

/// Render every page, the data files and the theme's assets; returns the
/// number of HTML pages written.
pub(crate) fn render_site(
    view: &SiteView,
    theme: &Theme,
    opts: &RenderOptions,
    sink: &(dyn Fn(OutputFile) -> Result<()> + Sync),
) -> Result<usize> {
    let shared = context::Shared::new(view, opts, &view.links);
    let jobs = jobs(view);
    let (pages, data) = rayon::join(
        || render_pages(&shared, theme, &jobs, sink),
        || write_data(&shared, &Fingerprints::default(), sink),
    );
    pages?;
    data?;
    write_assets_changed(theme, view, &Fingerprints::default(), sink)?;
    Ok(jobs.len())
}

/// What each output file shows, hashed, by output path: with one theme, two
/// renders that agree on a file's fingerprint write the same bytes there.
/// A page's is taken from its template context, with its body standing as
/// its text's hash and a hash of every link target, so computing it renders
/// no markdown; a data file's is the outline it is made of (see [`write_data`]);
/// a theme asset's is its bytes' hash.
/// `cairn serve` renders again only what an edit changed.
#[derive(Default, Clone, PartialEq, Debug)]
pub struct Fingerprints {
    /// [`SiteView::outline`] of the view rendered.
    outline: u128,
    /// [`SiteView::frame`] of the view rendered.
    frame: u128,
    /// Every page, data file and theme asset.
    files: HashMap<String, u128>,
    /// The file of the page each page shows as its own (see [`Job::own_page`]), hashed.
    own_files: HashMap<String, u128>,
    /// What each page's card is made of, and the card's hash.
    cards: context::CardMemo,
    /// `cairn.json` but its runbooks, and the data files' outline and day
    /// they are made of (see [`data::json::Parts`]).
    cairn_json: Option<(u128, std::sync::Arc<data::json::Parts>)>,
}

impl Fingerprints {
    /// The output path of every page, data file and theme asset.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }
}

/// [`render_site`] for what differs from `since` (everything when it is
/// empty): when the view's outline is the same, only pages whose own file
/// changed; when its frame is, those and the lists of runbooks whose
/// fingerprint changed; otherwise every page whose fingerprint changed.
/// And the data files whose outline changed, and the theme's assets whose
/// bytes did. Returns the number of pages rendered and every fingerprint.
pub(crate) fn render_changed(
    view: &SiteView,
    theme: &Theme,
    opts: &RenderOptions,
    since: &Fingerprints,
    sink: &(dyn Fn(OutputFile) -> Result<()> + Sync),
) -> Result<(usize, Fingerprints)> {
    let shared = context::Shared::new(view, opts, &view.links);
    // Keys for every page card and call card: only built when some page is
    // fingerprinted (a body edit usually fingerprints none).
    let keyed_once = std::sync::OnceLock::new();
    let keyed = || {
        keyed_once.get_or_init(|| {
            context::Shared::new(view, opts, &view.links)
                .with_body_keys(links_hash(view), &since.cards)
        })
    };
    let jobs = jobs(view);
    let own_files: HashMap<String, u128> = jobs
        .par_iter()
        .filter_map(|job| Some((job.path(), job.own_page(view)?.text_hash)))
        .collect();
    let same_outline = !since.files.is_empty() && since.outline == view.outline;
    let same_frame = !since.files.is_empty() && since.frame == view.frame;
    // Each page's path, fingerprint, and whether it rendered again. A page
    // renders as soon as its fingerprint differs, so a long one (the review
    // queue) renders while the others are fingerprinted.
    let pages_changed = || -> Result<Vec<(String, u128, bool)>> {
        jobs.par_iter()
            .map(|job| {
                let path = job.path();
                let before = since.files.get(&path).copied();
                let own_file_same = since.own_files.get(&path) == own_files.get(&path);
                // Same outline: only a page's own body can differ. Same frame:
                // only runbooks' front matter too, which only lists show.
                let shows_no_change =
                    own_file_same && (same_outline || (same_frame && !job.shows_runbooks()));
                if shows_no_change && let Some(print) = before {
                    return Ok((path, print, false));
                }
                let print = fingerprint(&keyed().context(*job, &path)?);
                let again = before != Some(print);
                if again {
                    render_page(&shared, theme, job, sink)?;
                }
                Ok((path, print, again))
            })
            .collect()
    };
    let (pages, data) = rayon::join(pages_changed, || write_data(&shared, since, sink));
    let (pages, (data, cairn_json)) = (pages?, data?);
    let assets = write_assets_changed(theme, view, since, sink)?;
    let rendered = pages.iter().filter(|(_, _, again)| *again).count();
    let mut files: HashMap<String, u128> = pages
        .into_iter()
        .map(|(path, print, _)| (path, print))
        .collect();
    files.extend(data);
    files.extend(assets);
    // No page fingerprinted: no card changed what it is made of.
    let cards = keyed_once
        .into_inner()
        .map_or_else(|| since.cards.clone(), context::Shared::into_card_memo);
    let fingerprints = Fingerprints {
        outline: view.outline,
        frame: view.frame,
        files,
        own_files,
        cards,
        cairn_json: cairn_json.or_else(|| since.cairn_json.clone()),
    };
    Ok((rendered, fingerprints))
}

/// Everything a body's links can resolve to (what the view's resolver knows)
/// and how its raw HTML is treated: a body renders from this and its text.
fn links_hash(view: &SiteView) -> u128 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let mut add = |s: &str| {
        hasher.update(s.as_bytes());
        hasher.update(&[0]);
    };
    add(&format!("{:?}", view.config.markdown.raw_html));
    for page in &view.pages {
        add(&page.rel);
        add(page.audience.as_str());
    }
    for asset in &view.assets {
        add(&asset.rel);
        add(asset.audience.as_str());
    }
    view.static_files.iter().for_each(|f| add(f));
    view.systems.iter().for_each(|s| add(s.id));
    view.parties.iter().for_each(|p| add(p.id));
    hasher.digest128()
}

/// A context's hash: its template and its JSON form.
fn fingerprint(ctx: &context::PageContext) -> u128 {
    struct Hashing(xxhash_rust::xxh3::Xxh3);
    impl std::io::Write for Hashing {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.update(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut hashing = Hashing(xxhash_rust::xxh3::Xxh3::new());
    hashing.0.update(ctx.template().as_bytes());
    // Writing into a hasher cannot fail; a value that cannot be written
    // would fail its render the same way.
    let _ = serde_json::to_writer(&mut hashing, ctx);
    hashing.0.digest128()
}

fn render_pages(
    shared: &context::Shared,
    theme: &Theme,
    jobs: &[Job],
    sink: &(dyn Fn(OutputFile) -> Result<()> + Sync),
) -> Result<()> {
    jobs.par_iter()
        .try_for_each(|job| render_page(shared, theme, job, sink))
}

/// Write every data file and the sitemap whose fingerprint differs from
/// `since` (all of them when it is empty). A data file's fingerprint is the
/// outline the file is made of: the whole view's for the files that list
/// pages, the data files' alone for the others; no data file shows a body.
/// Returns every path with its fingerprint, and the parts of `cairn.json`
/// when it was written (a page's edit writes its runbooks only, the parts
/// taken from `since`).
#[allow(clippy::type_complexity)]
fn write_data(
    shared: &context::Shared,
    since: &Fingerprints,
    sink: &(dyn Fn(OutputFile) -> Result<()> + Sync),
) -> Result<(
    Vec<(String, u128)>,
    Option<(u128, std::sync::Arc<data::json::Parts>)>,
)> {
    let view = shared.view();
    let today = shared.today();
    let made_parts = std::sync::Mutex::new(None);
    let changed = |path: &str, print: u128| since.files.get(path) != Some(&print);
    let mut prints: Vec<(String, u128)> = data::files(view)
        .par_iter()
        .map(|file| {
            let path = file.path();
            let print = if file.lists_pages() {
                view.outline
            } else {
                view.data_outline
            };
            // A dated file is made of the build date too (its span starts then).
            let print = if file.is_dated() {
                print ^ xxhash_rust::xxh3::xxh3_128(today.to_string().as_bytes())
            } else {
                print
            };
            if changed(&path, print) {
                let bytes = if let data::DataFile::CairnJson = file {
                    // Its parts are made of what the other dated data files
                    // are, and of which runbooks name each system.
                    let mut key = xxhash_rust::xxh3::Xxh3::new();
                    key.update(&view.data_outline.to_le_bytes());
                    key.update(today.to_string().as_bytes());
                    for s in &view.systems {
                        key.update(&[0]);
                        key.update(s.id.as_bytes());
                        for p in &s.runbooks {
                            key.update(&[1]);
                            key.update(p.url.as_bytes());
                        }
                    }
                    let key = key.digest128();
                    data::cairn_json_reusing(
                        view,
                        today,
                        &|| shared.calendar(),
                        since.cairn_json.as_ref(),
                        key,
                    )
                    .map(|(bytes, parts)| {
                        *made_parts.lock().unwrap_or_else(|e| e.into_inner()) = Some(parts);
                        bytes
                    })
                } else {
                    file.bytes(view, today, shared.stamp(), &|| shared.calendar())
                }
                .map_err(|e| anyhow::anyhow!("writing {path}: {e}"))?;
                sink(OutputFile {
                    path: path.clone(),
                    bytes,
                })?;
            }
            Ok((path, print))
        })
        .collect::<Result<_>>()?;
    // Old paths of pages (`aliases`) send their readers on: the outline
    // holds every page's front matter, aliases and titles included.
    for (path, html) in redirects(view) {
        if changed(&path, view.outline) {
            sink(OutputFile {
                path: path.clone(),
                bytes: html.into_bytes(),
            })?;
        }
        prints.push((path, view.outline));
    }
    if shared.has_sitemap() {
        if changed(SITEMAP, view.outline)
            && let Some(sitemap) = shared.sitemap()
        {
            sink(OutputFile {
                path: SITEMAP.into(),
                bytes: sitemap.into_bytes(),
            })?;
        }
        prints.push((SITEMAP.into(), view.outline));
    }
    if view.audience == Audience::Internal {
        let print = xxhash_rust::xxh3::xxh3_128(ROBOTS_DISALLOW_ALL);
        if changed(ROBOTS, print) {
            sink(OutputFile {
                path: ROBOTS.into(),
                bytes: ROBOTS_DISALLOW_ALL.to_vec(),
            })?;
        }
        prints.push((ROBOTS.into(), print));
    }
    Ok((
        prints,
        made_parts.into_inner().unwrap_or_else(|e| e.into_inner()),
    ))
}

/// A redirect page at each old path of each page the view shows (its
/// `aliases`): a refresh to the page, and a link for readers without one.
fn redirects(view: &SiteView) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for page in &view.pages {
        for alias in &page.front.aliases {
            let Some(path) = urls::alias(page.folder(), alias) else {
                continue;
            };
            let to = relative_url(&path, &urls::page(&page.url));
            let to = context::encode_path(&to);
            let to = crate::markdown::escape_html(&to);
            let title = crate::markdown::escape_html(&page.title);
            out.push((
                path,
                format!(
                    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
                     <title>{title}</title><meta name=\"robots\" content=\"noindex\">\
                     <link rel=\"canonical\" href=\"{to}\">\
                     <meta http-equiv=\"refresh\" content=\"0; url={to}\"></head>\
                     <body><p>This page has moved to <a href=\"{to}\">{title}</a>.</p></body></html>\n"
                ),
            ));
        }
    }
    out
}

/// Write the theme's assets whose bytes differ from `since` (the diagram
/// library alone is 3.4 MiB, written only when a page of the view has a
/// diagram); returns every path written with its bytes' hash.
fn write_assets_changed(
    theme: &Theme,
    view: &SiteView,
    since: &Fingerprints,
    sink: &(dyn Fn(OutputFile) -> Result<()> + Sync),
) -> Result<Vec<(String, u128)>> {
    let diagrams = view.pages.iter().any(|p| p.scan.has_diagram);
    theme
        .assets()
        .filter(|(path, _)| diagrams || !is_diagram_asset(path))
        .map(|(path, bytes)| {
            let print = xxhash_rust::xxh3::xxh3_128(bytes);
            if since.files.get(path) != Some(&print) {
                sink(OutputFile {
                    path: path.into(),
                    bytes: bytes.to_vec(),
                })?;
            }
            Ok((path.to_string(), print))
        })
        .collect()
}

/// The diagram library and its loader: what a site without diagrams never ships.
fn is_diagram_asset(path: &str) -> bool {
    path.starts_with("assets/vendor/mermaid/") || path == "assets/diagram.js"
}

const SITEMAP: &str = "sitemap.xml";

fn render_page(
    shared: &context::Shared,
    theme: &Theme,
    job: &Job,
    sink: &(dyn Fn(OutputFile) -> Result<()> + Sync),
) -> Result<()> {
    let path = job.path();
    let mut ctx = shared.context(*job, &path)?;
    let template = ctx.template();
    shared
        .render_ladders(&mut ctx, &|ladder| {
            theme.render(context::RUNBOOK_LADDER, ladder)
        })
        .map_err(|e| {
            anyhow::anyhow!(
                "rendering {path} with template {}: {e}",
                context::RUNBOOK_LADDER
            )
        })?;
    let mut html = ctx
        .to_tera()
        .map_err(|e| e.to_string())
        .and_then(|ctx| theme.render(template, &ctx))
        .map_err(|e| anyhow::anyhow!("rendering {path} with template {template}: {e}"))?;
    if shared.view().audience == Audience::Internal {
        html = with_noindex(html);
    }
    sink(OutputFile {
        path,
        bytes: html.into_bytes(),
    })
}

/// A dialable number: digits, and a leading `+`.
pub(crate) fn tel(phone: &str) -> String {
    let mut out = String::new();
    if phone.trim_start().starts_with('+') {
        out.push('+');
    }
    out.extend(phone.chars().filter(char::is_ascii_digit));
    out
}

/// An internal page says so to machines too, whatever its template: one
/// published on a public host by mistake is not indexed.
const NOINDEX: &str = "<meta name=\"robots\" content=\"noindex\">";

/// `html` with [`NOINDEX`] right after its `<head>` tag (at the start when it
/// has none).
fn with_noindex(mut html: String) -> String {
    let at = after_open_tag(html.as_bytes(), "head").unwrap_or(0);
    html.insert_str(at, NOINDEX);
    html
}

/// Byte offset just after the opening `<tag ...>` (ASCII case-insensitive):
/// where the build puts `noindex`, and `serve` its live-reload script.
pub(crate) fn after_open_tag(html: &[u8], tag: &str) -> Option<usize> {
    let needle = format!("<{tag}");
    let n = needle.len();
    let mut i = 0;
    while i + n <= html.len() {
        if html[i..i + n].eq_ignore_ascii_case(needle.as_bytes()) {
            let next = html.get(i + n).copied();
            if matches!(next, Some(b'>' | b' ' | b'\t' | b'\n' | b'\r' | b'/')) {
                let close = html[i + n..].iter().position(|&b| b == b'>')?;
                return Some(i + n + close + 1);
            }
        }
        i += 1;
    }
    None
}

/// An internal build's `robots.txt`: no crawler reads any of it.
pub(crate) const ROBOTS: &str = "robots.txt";
const ROBOTS_DISALLOW_ALL: &[u8] = b"User-agent: *\nDisallow: /\n";

/// The link from the page at `from` (an output file path) to the output file
/// `to`, relative, so it works from a domain, a sub-path and `file://`.
pub(crate) fn relative_url(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> = match from.rsplit_once('/') {
        Some((dir, _)) => dir.split('/').collect(),
        None => Vec::new(),
    };
    let to_parts: Vec<&str> = to.split('/').collect();
    let (to_dir, file) = to_parts.split_at(to_parts.len().saturating_sub(1));
    let common = from_dir
        .iter()
        .zip(to_dir)
        .take_while(|(a, b)| a == b)
        .count();
    let mut url = "../".repeat(from_dir.len() - common);
    for part in &to_dir[common..] {
        url.push_str(part);
        url.push('/');
    }
    url.push_str(file.first().copied().unwrap_or(""));
    url
}

#[cfg(test)]
mod tests {
    use super::relative_url;

    #[test]
    fn relative_urls_climb_only_as_far_as_needed() {
        assert_eq!(
            relative_url("systems/a/index.html", "systems/b/index.html"),
            "../b/index.html"
        );
        assert_eq!(
            relative_url("index.html", "systems/b/index.html"),
            "systems/b/index.html"
        );
        assert_eq!(
            relative_url("runbooks/x/y/index.html", "index.html"),
            "../../../index.html"
        );
        assert_eq!(
            relative_url("runbooks/x/index.html", "img/net.svg"),
            "../../img/net.svg"
        );
        assert_eq!(
            relative_url("runbooks/x/index.html", "runbooks/x/index.html"),
            "index.html"
        );
    }
}
