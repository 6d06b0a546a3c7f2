//! Render: a [`SiteView`] through tera templates into HTML files, handed one
//! by one to a sink (so rendered HTML is never all held at once).
//!
//! Every page gets only its own data in its template context: no page carries
//! every page, which is what makes a generator quadratic. Links are relative
//! and name `index.html`, computed here per page, so templates only print them.

mod context;
pub mod coverage_chart;
pub mod data;
mod theme;

use crate::audience::SiteView;
use crate::urls;
use anyhow::Result;
use rayon::prelude::*;
use std::collections::HashSet;

pub use theme::{Theme, is_builtin_asset, load_theme};

/// How pages are rendered, beyond the site and theme.
pub struct RenderOptions {
    /// Injected only by `cairn serve`: the URL path of the live-reload script.
    pub live_reload: bool,
    /// "Today" for review dates.
    pub today: chrono::NaiveDate,
    /// Render only these output paths (`runbooks/x/index.html`); `None` renders all.
    /// `cairn serve` uses it to re-render what an edit touched.
    pub only: Option<HashSet<String>>,
    /// `offline.zip` is written beside the pages: the footer links it.
    pub zip: bool,
}

/// One file of the output, relative to the output root with `/` separators.
pub struct OutputFile {
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

impl Job<'_, '_> {
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
pub fn page_paths(view: &SiteView) -> Vec<String> {
    jobs(view).iter().map(Job::path).collect()
}

/// The data files (`cairn.json`, CSV, vCards) `render_site` writes for `view`.
pub fn data_paths(view: &SiteView) -> Vec<String> {
    data::files(view).iter().map(data::DataFile::path).collect()
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

/// Render every page (or those in `opts.only`) and the theme's assets; returns
/// the number of HTML pages written.
pub fn render_site(
    view: &SiteView,
    theme: &Theme,
    opts: &RenderOptions,
    sink: &(dyn Fn(OutputFile) -> Result<()> + Sync),
) -> Result<usize> {
    let shared = context::Shared::new(view, opts, &view.links);
    let wanted = |path: &String| opts.only.as_ref().is_none_or(|only| only.contains(path));
    let jobs: Vec<Job> = jobs(view)
        .into_iter()
        .filter(|j| wanted(&j.path()))
        .collect();
    let count = jobs.len();
    let data_files: Vec<data::DataFile> = data::files(view)
        .into_iter()
        .filter(|f| wanted(&f.path()))
        .collect();
    let (pages, data_files) = rayon::join(
        || {
            jobs.par_iter()
                .try_for_each(|job| render_page(&shared, theme, job, sink))
        },
        || {
            data_files.par_iter().try_for_each(|file| {
                let path = file.path();
                let bytes = file
                    .bytes(view, opts.today)
                    .map_err(|e| anyhow::anyhow!("writing {path}: {e}"))?;
                sink(OutputFile { path, bytes })
            })
        },
    );
    pages?;
    data_files?;
    for file in theme.assets() {
        sink(file)?;
    }
    if let Some(sitemap) = shared.sitemap() {
        sink(OutputFile {
            path: "sitemap.xml".into(),
            bytes: sitemap.into_bytes(),
        })?;
    }
    Ok(count)
}

fn render_page(
    shared: &context::Shared,
    theme: &Theme,
    job: &Job,
    sink: &(dyn Fn(OutputFile) -> Result<()> + Sync),
) -> Result<()> {
    let path = job.path();
    let ctx = shared.context(*job, &path);
    let template = ctx.template();
    let html = ctx
        .to_tera()
        .map_err(|e| e.to_string())
        .and_then(|ctx| theme.render(template, &ctx))
        .map_err(|e| anyhow::anyhow!("rendering {path} with template {template}: {e}"))?;
    sink(OutputFile {
        path,
        bytes: html.into_bytes(),
    })
}

/// The link from the page at `from` (an output file path) to the output file
/// `to`, relative, so it works from a domain, a sub-path and `file://`.
pub fn relative_url(from: &str, to: &str) -> String {
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
