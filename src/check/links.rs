//! Links and images authors write in markdown: each relative one must resolve to
//! a page, a folder, a heading, an asset or a static file, and in a client build
//! a client page must not link to an internal one. Also records which pages are
//! linked to, for the orphan check.

use super::SiteIndex;
use crate::diag::{Code, Diagnostic};
use crate::markdown::LinkRef;
use crate::model::Audience;
use crate::site::{Page, Site};
use percent_encoding::percent_decode_str;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};

/// Who links to what, counting only links from pages of the check's audience.
#[derive(Debug, Default)]
pub(super) struct LinkGraph {
    /// Per page (by index in `site.pages`): another visible page links to it.
    pub linked: Vec<bool>,
    /// Folders (relative to `content/`) a visible page links to.
    pub linked_folders: HashSet<String>,
}

pub(super) fn check_links(
    site: &Site,
    index: &SiteIndex,
    opts: &super::CheckOptions,
) -> (Vec<Diagnostic>, LinkGraph) {
    let resolver = Resolver::new(site, index);
    let per_page: Vec<(Vec<Diagnostic>, Vec<Target>)> = site
        .pages
        .par_iter()
        .map(|page| check_page(&resolver, page, opts.audience))
        .collect();
    let mut diags = Vec::new();
    let mut graph = LinkGraph {
        linked: vec![false; site.pages.len()],
        linked_folders: HashSet::new(),
    };
    for (page, (d, targets)) in site.pages.iter().zip(per_page) {
        diags.extend(d);
        if !page.audience.visible_in(opts.audience) {
            continue;
        }
        for target in targets {
            match target {
                Target::Page(i) if site.pages[i].rel != page.rel => graph.linked[i] = true,
                Target::Folder(f) => {
                    graph.linked_folders.insert(f);
                }
                _ => {}
            }
        }
    }
    (diags, graph)
}

fn check_page(
    resolver: &Resolver,
    page: &Page,
    audience: Audience,
) -> (Vec<Diagnostic>, Vec<Target>) {
    let mut diags = Vec::new();
    let mut targets = Vec::new();
    let visible = page.audience.visible_in(audience);
    for link in &page.scan.links {
        let line = Some(page.body_line + link.line.max(1) - 1);
        let what = if link.is_image { "image" } else { "link" };
        match resolver.resolve(page, link) {
            None => {}
            Some(Err(why)) => diags.push(Diagnostic::new(
                Code::BrokenLink,
                &page.source,
                line,
                format!("broken {what} `{}`: {why}", link.dest),
            )),
            Some(Ok(target)) => {
                let target_audience = resolver.audience_of(&target);
                if visible && !target_audience.visible_in(audience) {
                    diags.push(Diagnostic::new(
                        Code::BrokenLink,
                        &page.source,
                        line,
                        format!(
                            "broken {what} `{}`: {} is {}, so a {} build will not contain it",
                            link.dest,
                            resolver.describe(&target),
                            target_audience.as_str(),
                            audience.as_str()
                        ),
                    ));
                }
                targets.push(target);
            }
        }
    }
    (diags, targets)
}

/// What a link resolved to.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    Page(usize),
    /// A folder without `_index.md` whose pages get a generated list (or the home page).
    Folder(String),
    /// A file under `content/`, by `rel`.
    Asset(String),
    /// A file under `static/`.
    Static(String),
    /// A page cairn generates: `systems/ID/`, `parties/ID/`, `matrix/`, `review/`, `search/`.
    Generated(String),
}

struct Resolver<'a> {
    site: &'a Site,
    index: &'a SiteIndex<'a>,
    /// Every folder holding pages (at any depth), with the most visible audience among them.
    folders: HashMap<String, Audience>,
    assets: HashMap<&'a str, Audience>,
    statics: HashSet<&'a str>,
}

impl<'a> Resolver<'a> {
    fn new(site: &'a Site, index: &'a SiteIndex<'a>) -> Self {
        let mut folders: HashMap<String, Audience> = HashMap::new();
        for page in &site.pages {
            let mut folder = page.folder();
            loop {
                let a = folders
                    .entry(folder.to_string())
                    .or_insert(Audience::Internal);
                *a = (*a).min(page.audience);
                if folder.is_empty() {
                    break;
                }
                folder = crate::site::parent_folder(folder);
            }
        }
        Resolver {
            site,
            index,
            folders,
            assets: site
                .assets
                .iter()
                .map(|a| (a.rel.as_str(), a.audience))
                .collect(),
            statics: site.static_files.iter().map(String::as_str).collect(),
        }
    }

    fn audience_of(&self, target: &Target) -> Audience {
        match target {
            Target::Page(i) => self
                .site
                .pages
                .get(*i)
                .map_or(Audience::Client, |p| p.audience),
            Target::Folder(f) => self.folders.get(f).copied().unwrap_or(Audience::Client),
            Target::Asset(rel) => self.assets.get(rel.as_str()).copied().unwrap_or_default(),
            Target::Static(_) | Target::Generated(_) => Audience::Client,
        }
    }

    fn describe(&self, target: &Target) -> String {
        match target {
            Target::Page(i) => self
                .site
                .pages
                .get(*i)
                .map_or_else(String::new, |p| p.source.clone()),
            Target::Folder(f) => format!("content/{f}/"),
            Target::Asset(rel) => format!("content/{rel}"),
            Target::Static(rel) => format!("static/{rel}"),
            Target::Generated(path) => format!("the generated page {path}/"),
        }
    }

    /// `None` for links cairn does not check (other schemes, empty, bare `#`).
    fn resolve(&self, page: &Page, link: &LinkRef) -> Option<Result<Target, String>> {
        let dest = link.dest.trim();
        let (path, fragment) = match dest.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (dest, None),
        };
        let path = path.split_once('?').map_or(path, |(p, _)| p);
        let fragment = fragment.map(decode).filter(|f| !f.is_empty());
        if path.is_empty() {
            // `#heading` on this very page; `` and `#` alone go nowhere and are fine.
            let anchor = fragment?;
            return Some(if has_anchor(page, &anchor) {
                Ok(Target::Page(
                    self.index.pages.get(page.rel.as_str()).copied()?,
                ))
            } else {
                Err(format!(
                    "this page has no heading `#{anchor}`{}",
                    heading_hint(page)
                ))
            });
        }
        if has_scheme(path) || path.starts_with("//") {
            return None;
        }
        let decoded = decode(path);
        let (base, rest) = match decoded.strip_prefix('/') {
            Some(rest) => ("", rest),
            None => (page.folder(), decoded.as_str()),
        };
        let Some((norm, folder_like)) = normalize(base, rest) else {
            return Some(Err("it points outside content/".into()));
        };
        let target = if folder_like {
            self.folder(&norm)
        } else if norm.ends_with(".md") {
            self.index
                .pages
                .get(norm.as_str())
                .map(|&i| Target::Page(i))
                .ok_or_else(|| format!("no page content/{norm}"))
        } else {
            // Images and other files: next to the page first, then from static/.
            let from_static = if base.is_empty() {
                None
            } else {
                normalize("", rest).map(|(p, _)| p)
            };
            self.file(&norm, from_static.as_deref())
                .or_else(|missing| self.folder(&norm).map_err(|_| missing))
        };
        Some(target.and_then(|t| match (&t, fragment) {
            (Target::Page(i), Some(anchor)) => {
                let target_page = self.site.pages.get(*i).ok_or_else(String::new)?;
                if has_anchor(target_page, &anchor) {
                    Ok(t)
                } else {
                    Err(format!(
                        "{} has no heading `#{anchor}`{}",
                        target_page.source,
                        heading_hint(target_page)
                    ))
                }
            }
            _ => Ok(t),
        }))
    }

    /// A folder link: its `_index.md`, a folder whose pages get a list, or a generated page.
    fn folder(&self, folder: &str) -> Result<Target, String> {
        let folder = folder
            .strip_suffix("index.html")
            .unwrap_or(folder)
            .trim_end_matches('/');
        let index_rel = if folder.is_empty() {
            "_index.md".to_string()
        } else {
            format!("{folder}/_index.md")
        };
        if let Some(&i) = self.index.pages.get(index_rel.as_str()) {
            return Ok(Target::Page(i));
        }
        if folder.is_empty() || self.folders.contains_key(folder) {
            return Ok(Target::Folder(folder.to_string()));
        }
        if self.generated(folder) {
            return Ok(Target::Generated(folder.to_string()));
        }
        Err(format!("no page or folder content/{folder}/"))
    }

    fn file(&self, rel: &str, from_static: Option<&str>) -> Result<Target, String> {
        if self.assets.contains_key(rel) {
            return Ok(Target::Asset(rel.to_string()));
        }
        if self.statics.contains(rel) {
            return Ok(Target::Static(rel.to_string()));
        }
        if let Some(s) = from_static
            && self.statics.contains(s)
        {
            return Ok(Target::Static(s.to_string()));
        }
        let tried = match from_static {
            Some(s) if s != rel => format!("content/{rel}, static/{rel} or static/{s}"),
            _ => format!("content/{rel} or static/{rel}"),
        };
        Err(format!("no file {tried}"))
    }

    /// `systems/ID`, `parties/ID`, `matrix`, `review`, `search`.
    fn generated(&self, folder: &str) -> bool {
        match folder.split_once('/') {
            None => matches!(folder, "matrix" | "review" | "search"),
            Some(("systems", id)) => self.index.systems.contains_key(id),
            Some(("parties", id)) => self.index.parties.contains_key(id),
            Some(_) => false,
        }
    }
}

fn decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// `http:`, `mailto:`, `tel:`, `ftp:` … : an ASCII letter, then letters, digits, `+.-`, then `:`.
fn has_scheme(s: &str) -> bool {
    let Some((scheme, _)) = s.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'))
}

/// Join `rest` onto `base` (both relative to `content/`), resolving `.` and `..`.
/// Returns the path and whether it names a folder (trailing `/`, `.` or `..`);
/// `None` when it climbs out of `content/`.
fn normalize(base: &str, rest: &str) -> Option<(String, bool)> {
    let mut parts: Vec<&str> = base.split('/').filter(|s| !s.is_empty()).collect();
    let mut folder_like = rest.is_empty() || rest.ends_with('/');
    for seg in rest.split('/') {
        match seg {
            "" => {}
            "." => folder_like = true,
            ".." => {
                parts.pop()?;
                folder_like = true;
            }
            s => {
                parts.push(s);
                folder_like = false;
            }
        }
    }
    if rest.ends_with('/') {
        folder_like = true;
    }
    Some((parts.join("/"), folder_like))
}

/// A heading id from the scan, or an explicit id written in the page (`{#id}`,
/// `<a id="id">`, `<a name="id">`). `#top` always exists.
fn has_anchor(page: &Page, anchor: &str) -> bool {
    if anchor == "top" || page.scan.headings.iter().any(|h| h.id == anchor) {
        return true;
    }
    let body = page.body();
    [
        format!("{{#{anchor}}}"),
        format!("id=\"{anchor}\""),
        format!("id='{anchor}'"),
        format!("name=\"{anchor}\""),
        format!("name='{anchor}'"),
    ]
    .iter()
    .any(|needle| body.contains(needle.as_str()))
}

fn heading_hint(page: &Page) -> String {
    let ids: Vec<&str> = page.scan.headings.iter().map(|h| h.id.as_str()).collect();
    match ids.len() {
        0 => " (it has no headings)".into(),
        1..=12 => format!(" (its headings: {})", super::name_list(&ids)),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::TestSite;
    use super::super::{CheckOptions, SiteIndex};
    use super::*;
    use crate::markdown::{Heading, LinkRef};

    #[test]
    fn paths_join_and_climb_within_content() {
        assert_eq!(normalize("a/b", "../c.md"), Some(("a/c.md".into(), false)));
        assert_eq!(normalize("a", "./x/"), Some(("a/x".into(), true)));
        assert_eq!(normalize("a", ".."), Some(("".into(), true)));
        assert_eq!(normalize("", "../x.md"), None);
    }

    #[test]
    fn schemes_are_recognised() {
        for s in [
            "https://x",
            "mailto:a@b",
            "tel:+1555",
            "ftp://x",
            "vscode:x",
        ] {
            assert!(has_scheme(s), "{s}");
        }
        for s in ["a.md", "../a.md", "a/b:c", "/x"] {
            assert!(!has_scheme(s), "{s}");
        }
    }

    /// The pages, assets and static files the link tests point at.
    fn site_with_pages() -> TestSite {
        let t = TestSite::new();
        t.write("content/_index.md", "---\ntitle: Home\n---\n");
        t.write("content/runbooks/_index.md", "---\ntitle: Runbooks\n---\n");
        t.write(
            "content/runbooks/a.md",
            "---\ntitle: A\n---\n# Top\n\nline\n",
        );
        t.write(
            "content/runbooks/b.md",
            "---\ntitle: B\n---\n## Verify\n<a id=\"manual\"></a>\n",
        );
        t.write("content/runbooks/img/diagram.png", "png");
        t.write("content/guides/g.md", "---\ntitle: G\n---\n");
        t.write(
            "content/internal/_index.md",
            "---\ntitle: Internal\naudience: internal\n---\n",
        );
        t.write("content/internal/secret.md", "---\ntitle: S\n---\n");
        t.write("content/internal/net.pdf", "pdf");
        t.write("static/img/logo.svg", "<svg/>");
        t.write("static/docs/policy.pdf", "pdf");
        t.write(
            "data/systems/m365.yaml",
            "id: m365\nname: M\ntier: 3\nowner: it\n",
        );
        t
    }

    /// Plant links by hand, so the tests do not depend on the markdown scanner:
    /// `(page rel, dest, is_image)`; link n sits on body line n + 1.
    fn run(links: &[(&str, &str, bool)], audience: Audience) -> Vec<(String, usize, String)> {
        let t = site_with_pages();
        let mut site = t.load();
        for page in &mut site.pages {
            page.scan.links.clear();
            page.scan.headings.clear();
            if page.rel == "runbooks/b.md" {
                page.scan.headings.push(Heading {
                    level: 2,
                    text: "Verify".into(),
                    id: "verify".into(),
                });
            }
        }
        for (n, (rel, dest, is_image)) in links.iter().enumerate() {
            let page = site.pages.iter_mut().find(|p| p.rel == *rel).unwrap();
            page.scan.links.push(LinkRef {
                dest: dest.to_string(),
                line: n + 1,
                is_image: *is_image,
            });
        }
        let index = SiteIndex::new(&site);
        let opts = CheckOptions {
            audience,
            today: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        };
        let (diags, _) = check_links(&site, &index, &opts);
        diags
            .into_iter()
            .map(|d| (d.file, d.line.unwrap(), d.message))
            .collect()
    }

    #[test]
    fn links_that_resolve_say_nothing() {
        let ok = [
            ("runbooks/a.md", "b.md", false),
            ("runbooks/a.md", "./b.md#verify", false),
            ("runbooks/a.md", "b.md#manual", false),
            ("runbooks/a.md", "../guides/g.md", false),
            ("runbooks/a.md", "/guides/g.md", false),
            ("runbooks/a.md", "../guides/", false),
            ("runbooks/a.md", "_index.md", false),
            ("runbooks/a.md", "../runbooks/", false),
            ("runbooks/a.md", "..", false),
            ("runbooks/a.md", "/", false),
            ("runbooks/a.md", "b.md?x=1#verify", false),
            ("runbooks/a.md", "#top", false),
            ("runbooks/a.md", "https://example.com/x.md", false),
            ("runbooks/a.md", "mailto:a@b.example", false),
            ("runbooks/a.md", "tel:+15550100", false),
            ("runbooks/a.md", "#", false),
            ("runbooks/a.md", "", false),
            ("runbooks/a.md", "img/diagram.png", true),
            ("runbooks/a.md", "img/logo.svg", true),
            ("runbooks/a.md", "/img/logo.svg", true),
            ("runbooks/a.md", "/docs/policy.pdf", false),
            ("runbooks/a.md", "/systems/m365/", false),
            ("runbooks/a.md", "../matrix/index.html", false),
            ("runbooks/a.md", "b%2Emd", false),
            ("internal/secret.md", "../runbooks/a.md", false),
        ];
        assert_eq!(run(&ok, Audience::Client), vec![]);
    }

    #[test]
    fn broken_links_name_the_link_and_what_is_missing() {
        let bad = [
            ("runbooks/a.md", "c.md", false),
            ("runbooks/a.md", "b.md#verfy", false),
            ("runbooks/a.md", "#nowhere", false),
            ("runbooks/a.md", "../../x.md", false),
            ("runbooks/a.md", "img/missing.png", true),
            ("runbooks/a.md", "../nothing/", false),
            ("runbooks/a.md", "/systems/nope/", false),
        ];
        let got = run(&bad, Audience::Client);
        assert_eq!(got.len(), bad.len(), "{got:#?}");
        let says = [
            "`c.md`: no page content/runbooks/c.md",
            "content/runbooks/b.md has no heading `#verfy` (its headings: `verify`)",
            "this page has no heading `#nowhere`",
            "outside content/",
            "broken image `img/missing.png`",
            "content/nothing/",
            "content/systems/nope/",
        ];
        for ((file, line, msg), (n, want)) in got.iter().zip(says.iter().enumerate()) {
            assert_eq!(file, "content/runbooks/a.md");
            assert_eq!(*line, 4 + n, "line of {msg}");
            assert!(msg.contains(want), "{msg} lacks {want}");
        }
    }

    #[test]
    fn client_pages_may_not_link_to_internal_ones_in_a_client_check() {
        let links = [
            ("runbooks/a.md", "../internal/secret.md", false),
            ("runbooks/a.md", "/internal/net.pdf", false),
            ("runbooks/a.md", "/internal/", false),
        ];
        let got = run(&links, Audience::Client);
        assert_eq!(got.len(), 3, "{got:#?}");
        assert!(got[0].2.contains("is internal"), "{}", got[0].2);
        assert!(run(&links, Audience::Internal).is_empty());
    }

    #[test]
    fn internal_pages_are_still_checked_for_plain_broken_links() {
        let got = run(
            &[("internal/secret.md", "gone.md", false)],
            Audience::Client,
        );
        assert_eq!(got.len(), 1);
    }
}
