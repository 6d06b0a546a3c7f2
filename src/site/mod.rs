//! Load: walk `content/` and `data/`, split front matter, parse YAML into a
//! [`Site`]. Problems become diagnostics; loading goes on past a bad file so one
//! `cairn check` reports everything.

mod content;
mod data;
mod walk;
pub(crate) mod yaml;

use crate::diag::{Code, Diagnostic};
use crate::ics::IcsHoliday;
use crate::markdown::{self, Scan};
use crate::model::{Activity, Audience, Away, Config, Duration, FrontMatter, Party, System};
use anyhow::{Context, Result};
pub(crate) use content::title_from_folder;
use content::{RawPage, load_content};
#[cfg(test)]
use content::{is_section_index, split_front_matter, url_for};
use data::Data;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use walk::{Listing, read, read_text, refuse_nul};
pub(crate) use walk::{Tops, list_files};
pub(crate) use yaml::LineMap;

pub(crate) const CONFIG_FILE: &str = "cairn.yaml";
pub(crate) const PARTIES_FILE: &str = "data/parties.yaml";
pub(crate) const ACTIVITIES_FILE: &str = "data/activities.yaml";
pub(crate) const AWAY_FILE: &str = "data/away.yaml";

/// Top-level output folders cairn generates; content may not claim them.
pub(crate) const GENERATED_SECTIONS: [&str; 7] = [
    "systems", "parties", "matrix", "review", "search", "assets", "now",
];

/// Data files cairn writes at the output root; content may not claim them either.
pub(crate) const GENERATED_FILES: [&str; 4] = [
    "cairn.json",
    "cairn.schema.json",
    "matrix.csv",
    "contacts.vcf",
];

/// Everything a site's sources say, parsed, before any cross-reference is checked.
#[derive(Debug)]
pub struct Site {
    pub(crate) root: PathBuf,
    pub(crate) config: Config,
    pub(crate) parties: Vec<Party>,
    pub(crate) systems: Vec<SystemEntry>,
    pub(crate) activities: Vec<Activity>,
    /// `data/away.yaml`, in file order.
    pub(crate) away: Vec<Away>,
    /// The holiday files `cairn.yaml` names, read, by site-relative path.
    pub(crate) holiday_files: HashMap<String, Vec<IcsHoliday>>,
    /// Pages and section indexes, sorted by source path.
    pub(crate) pages: Vec<Page>,
    /// Non-markdown files under `content/`, served next to their pages.
    pub(crate) assets: Vec<Asset>,
    /// Files under `static/`, relative to it, sorted.
    pub(crate) static_files: Vec<String>,
    /// Line maps of the YAML sources, by file relative to the root.
    pub(crate) lines: HashMap<String, LineMap>,
    /// The text of each data file (`cairn.yaml`, `data/…`) as read, by file
    /// relative to the root: checks read them from here, never from disk.
    /// Pages keep theirs in [`Page::text`].
    pub(crate) texts: HashMap<String, String>,
    /// Sources that failed to load; references into them are not reported again.
    pub(crate) failed: Failed,
    /// Where the top folders really are: what may be read again later.
    pub(crate) tops: Tops,
    /// What the walk of the top folders found, for a reload that adds or
    /// removes no file.
    listing: Listing,
}

#[derive(Debug, Default)]
pub(crate) struct Failed {
    pub config: bool,
    pub parties: bool,
    pub activities: bool,
    pub away: bool,
    pub system_ids: BTreeSet<String>,
    /// Some page's front matter failed to parse: what it names is unknown.
    pub pages: bool,
}

#[derive(Debug)]
pub(crate) struct SystemEntry {
    pub system: System,
    /// `data/systems/ID.yaml`
    pub file: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Asset {
    /// Relative to `content/`, `/` separators.
    pub rel: String,
    pub audience: Audience,
}

#[derive(Debug)]
pub(crate) struct Page {
    /// `content/runbooks/m365/reset-mfa.md`
    pub source: String,
    /// `runbooks/m365/reset-mfa.md`, relative to `content/`.
    pub rel: String,
    /// A folder's `_index.md`.
    pub is_section: bool,
    pub title: String,
    pub front: FrontMatter,
    /// Lines of the front matter's keys, counted in the `.md` file.
    pub front_lines: LineMap,
    /// The whole file, for checks that report lines of it; only its front
    /// matter once [`Site::release_bodies`] let go of the body.
    pub text: String,
    /// The body is no longer in `text`: [`Page::read_body`] reads it again.
    pub released: bool,
    /// `text` hashed: `cairn serve` tells a page edited from the one it rendered.
    pub text_hash: u128,
    /// Byte offset and 1-based line where the markdown body starts.
    pub body_start: usize,
    pub body_line: usize,
    /// After the folder cascade: never more visible than a folder above it.
    pub audience: Audience,
    /// After the cascade: page, nearest section, then `cairn.yaml`.
    pub review_every: Option<Duration>,
    /// Output folder relative to the site root: `runbooks/m365/reset-mfa/`, `` for home.
    pub url: String,
    pub scan: Scan,
}

impl Page {
    /// The markdown body; only while it is held (see [`Page::read_body`]).
    pub(crate) fn body(&self) -> &str {
        debug_assert!(!self.released, "{}: body read after release", self.source);
        &self.text[self.body_start..]
    }

    /// The markdown body, read again from the file under `root` when
    /// [`Site::release_bodies`] let go of it.
    pub(crate) fn read_body(&self, root: &Path) -> anyhow::Result<std::borrow::Cow<'_, str>> {
        if self.released {
            content::read_body_again(root, self).map(std::borrow::Cow::Owned)
        } else {
            Ok(std::borrow::Cow::Borrowed(self.body()))
        }
    }

    /// The folder the page lives in, relative to `content/` (`` at the top).
    pub(crate) fn folder(&self) -> &str {
        self.rel.rsplit_once('/').map_or("", |(dir, _)| dir)
    }

    /// A runbook is a page that names systems.
    pub(crate) fn is_runbook(&self) -> bool {
        !self.is_section && !self.front.systems.is_empty()
    }

    /// When the next review is due: `last_reviewed` + `review_every`. None when
    /// never reviewed, or when no interval applies.
    pub(crate) fn review_due(&self) -> Option<chrono::NaiveDate> {
        let last = self.front.last_reviewed?.0;
        let every = self.review_every?;
        last.checked_add_signed(chrono::TimeDelta::try_days(every.days())?)
    }
}

/// Whether the `/`-separated `path` is `folder` or lies under it.
pub(crate) fn is_at_or_under(path: &str, folder: &str) -> bool {
    path.strip_prefix(folder)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// `a/b/c` → `a`, `a/b`, `a/b/c`.
pub(crate) fn ancestor_folders(folder: &str) -> impl Iterator<Item = &str> {
    content::ancestors(folder).filter(|f| !f.is_empty())
}

pub(crate) fn parent_folder(folder: &str) -> &str {
    folder.rsplit_once('/').map_or("", |(p, _)| p)
}

impl Site {
    /// Let go of every page's body, kept since the load for the checks: a
    /// build's last readers (render, the search index) read each body again
    /// ([`Page::read_body`]), so the texts of all pages are never held while
    /// the output is made. At 100k runbooks they are ~440 MB.
    pub(crate) fn release_bodies(&mut self) {
        for page in &mut self.pages {
            if !page.released {
                page.text.truncate(page.body_start);
                page.text.shrink_to_fit();
                page.released = true;
            }
        }
    }

    /// The text of a data file as loaded; empty when it could not be read.
    pub(crate) fn text(&self, file: &str) -> &str {
        self.texts.get(file).map_or("", String::as_str)
    }

    pub(crate) fn line(&self, file: &str, path: &[&str]) -> Option<usize> {
        self.lines.get(file).and_then(|m| m.line(path))
    }

    pub(crate) fn party(&self, id: &str) -> Option<&Party> {
        self.parties.iter().find(|p| p.id.as_str() == id)
    }

    pub(crate) fn system(&self, id: &str) -> Option<&SystemEntry> {
        self.systems.iter().find(|s| s.system.id.as_str() == id)
    }

    /// Whether `path` (site-relative) is one of the site's sources, or a
    /// folder holding one.
    pub(crate) fn has_source_at(&self, path: &str) -> bool {
        let under = |source: &str| is_at_or_under(source, path);
        self.pages.iter().any(|p| under(&p.source))
            || self.texts.keys().any(|file| under(file))
            || self.systems.iter().any(|e| under(&e.file))
            || self
                .assets
                .iter()
                .any(|a| under(&format!("content/{}", a.rel)))
            || self
                .static_files
                .iter()
                .any(|f| under(&format!("static/{f}")))
    }

    #[cfg(test)]
    pub(crate) fn page_by_rel(&self, rel: &str) -> Option<&Page> {
        self.pages.iter().find(|p| p.rel == rel)
    }

    /// Whether `rel` may be read: `cairn.yaml`, or a regular file inside its
    /// own top folder (`outside-site` otherwise, reported by the load).
    pub(crate) fn is_own_file(&self, rel: &str) -> bool {
        if rel.contains('/') {
            matches!(self.tops.readable(&self.root, rel), Ok(true))
        } else {
            fs::metadata(self.root.join(rel)).is_ok_and(|m| m.is_file())
        }
    }
}

/// Whether `root` is a cairn site at all (exit 2 when not).
pub(crate) fn ensure_site(root: &Path) -> Result<()> {
    if !root.join(CONFIG_FILE).is_file() {
        return Err(crate::UsageError(format!(
            "{} is not a cairn site: no {CONFIG_FILE} found (create one with `cairn init`)",
            root.display()
        ))
        .into());
    }
    Ok(())
}

/// Read the whole site. IO failures on the root itself are errors; a bad file is a diagnostic.
#[cfg(test)]
pub(crate) fn load_site(root: &Path) -> Result<(Site, Vec<Diagnostic>)> {
    load_site_reusing(root, Parsed::default(), false)
}

/// What an earlier load read that a reload can take back: `cairn serve`
/// hands back the pages whose files did not change (with what parsing each
/// reported), the data files when none changed, and the walk's listing when
/// no file came or went. Everything else (the cascade, titles, URLs) runs
/// again, in the one loader.
#[derive(Default)]
pub struct Parsed {
    pages: HashMap<String, (RawPage, Vec<Diagnostic>)>,
    data: Option<Data>,
    listing: Option<Listing>,
}

impl Parsed {
    /// What of `site` the `changed` paths (site-relative) leave as it was,
    /// with its diagnostics from `diagnostics` (the load's).
    pub fn from_site(site: Site, diagnostics: &[Diagnostic], changed: &BTreeSet<String>) -> Parsed {
        let is_data = |file: &str| file == CONFIG_FILE || file.starts_with("data/");
        let tops: [(&str, &[String]); 3] = [
            ("content", &site.listing.content),
            ("static", &site.listing.static_files),
            ("data", &site.listing.data),
        ];
        // The listed file at `path`, or the listed files under the folder at `path`.
        let listed = |path: &str, folder: bool| {
            tops.iter().any(|(top, files)| {
                if folder && path == *top {
                    return !files.is_empty();
                }
                let Some(rel) = path.strip_prefix(top).and_then(|r| r.strip_prefix('/')) else {
                    return false;
                };
                match folder {
                    false => files.iter().any(|f| f == rel),
                    true => files.iter().any(|f| f != rel && is_at_or_under(f, rel)),
                }
            }) || (!folder && path == CONFIG_FILE)
        };
        // The walk would list the same files when each changed path is a
        // listed file that is still a regular file, or is gone and never
        // held one (an editor's temporary file, renamed over the file saved).
        let same_files =
            changed
                .iter()
                .all(|path| match fs::symlink_metadata(site.root.join(path)) {
                    Ok(meta) => meta.file_type().is_file() && listed(path, false),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                        !listed(path, false)
                            && !listed(path, true)
                            && !site.listing.diagnostics.iter().any(|d| d.file == *path)
                    }
                    Err(_) => false,
                });
        let data = (!changed.iter().any(|p| is_data(p))).then(|| Data {
            config: site.config,
            parties: site.parties,
            systems: site.systems,
            activities: site.activities,
            away: site.away,
            holiday_files: site.holiday_files,
            lines: site.lines,
            texts: site.texts,
            failed: Failed {
                pages: false,
                ..site.failed
            },
            diagnostics: diagnostics
                .iter()
                .filter(|d| is_data(&d.file) && !site.listing.diagnostics.contains(d))
                .cloned()
                .collect(),
        });
        let mut by_file: HashMap<&str, Vec<Diagnostic>> = HashMap::new();
        for d in diagnostics {
            by_file.entry(d.file.as_str()).or_default().push(d.clone());
        }
        let pages = site
            .pages
            .into_iter()
            // A page without its body is read again.
            .filter(|p| !changed.contains(&p.source) && !p.released)
            .map(|p| {
                let diags = by_file.remove(p.source.as_str()).unwrap_or_default();
                let raw = RawPage {
                    rel: p.rel,
                    text: p.text,
                    text_hash: p.text_hash,
                    front: p.front,
                    front_lines: p.front_lines,
                    body_start: p.body_start,
                    body_line: p.body_line,
                    scan: p.scan,
                };
                (raw.rel.clone(), (raw, diags))
            })
            .collect();
        Parsed {
            pages,
            data,
            listing: same_files.then_some(site.listing),
        }
    }
}

/// [`load_site`], taking pages from `parsed` instead of reading them again;
/// with `drafts`, pages their authors held back are published too.
pub(crate) fn load_site_reusing(
    root: &Path,
    mut parsed: Parsed,
    drafts: bool,
) -> Result<(Site, Vec<Diagnostic>)> {
    ensure_site(root)?;
    let mut diags = Vec::new();
    let tops = Tops::new(root, &mut diags);
    let listing = match parsed.listing.take() {
        Some(listing) => listing,
        None => Listing::walk(root, &tops)?,
    };
    diags.extend(listing.diagnostics.iter().cloned());
    let data = match parsed.data.take() {
        Some(data) => data,
        None => Data::load(root, &listing.data),
    };
    diags.extend(data.diagnostics.iter().cloned());
    let mut failed = data.failed;
    // A data file that is listed but not the site's own failed too.
    let reported = |rel: &str| diags.iter().any(|d| d.file == rel);
    failed.parties |= reported(PARTIES_FILE) && !data.texts.contains_key(PARTIES_FILE);
    failed.activities |= reported(ACTIVITIES_FILE) && !data.texts.contains_key(ACTIVITIES_FILE);
    let before = diags.len();
    let (pages, assets) = load_content(
        root,
        &listing.content,
        &data.config,
        parsed,
        drafts,
        &mut diags,
    );
    failed.pages = diags.len() > before;
    let site = Site {
        root: root.to_path_buf(),
        config: data.config,
        parties: data.parties,
        systems: data.systems,
        activities: data.activities,
        away: data.away,
        holiday_files: data.holiday_files,
        pages,
        assets,
        static_files: listing.static_files.clone(),
        lines: data.lines,
        texts: data.texts,
        failed,
        tops,
        listing,
    };
    Ok((site, diags))
}

#[cfg(test)]
pub(crate) mod test_edits;

#[cfg(test)]
mod tests {
    use super::content::{
        ancestors, drop_duplicate_urls, generated_clash, parse_page, title_from_path,
    };
    use super::*;

    #[test]
    fn front_matter_splits_and_counts_body_lines() {
        let text = "---\ntitle: A\n---\n# Body\n";
        let (fm, fm_line, start, line) = split_front_matter(text).unwrap().unwrap();
        assert_eq!(fm, "title: A\n");
        assert_eq!(fm_line, 2);
        assert_eq!(&text[start..], "# Body\n");
        assert_eq!(line, 4);
    }

    /// A build lets go of the bodies once checked and reads each again as
    /// the load read it (shortcodes translated); a file edited in between is
    /// an error naming it, never a page that was not checked.
    #[test]
    fn a_released_body_reads_again_as_loaded_and_refuses_a_changed_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content/guides")).unwrap();
        std::fs::write(dir.path().join(CONFIG_FILE), "title: T\n").unwrap();
        std::fs::write(dir.path().join("content/_index.md"), "Home text.\n").unwrap();
        std::fs::write(
            dir.path().join("content/guides/plain.md"),
            "---\ntitle: Plain\n---\n# Plain\n\nBody é.\n",
        )
        .unwrap();
        let rel = "content/shortcoded.md";
        std::fs::write(
            dir.path().join(rel),
            "---\ntitle: Shortcoded\n---\n{{< hint warning >}}\nCareful.\n{{< /hint >}}\n",
        )
        .unwrap();
        let mut site = crate::load(dir.path()).unwrap().site;
        let held: Vec<(String, String)> = site
            .pages
            .iter()
            .map(|p| (p.source.clone(), p.body().to_string()))
            .collect();
        assert!(
            held.iter()
                .any(|(s, body)| s == rel && !body.contains("{{<"))
        );
        site.release_bodies();
        for (page, (source, body)) in site.pages.iter().zip(&held) {
            assert!(
                page.released && page.text.len() == page.body_start,
                "{source}"
            );
            assert_eq!(&*page.read_body(dir.path()).unwrap(), body, "{source}");
        }
        std::fs::write(
            dir.path().join(rel),
            "---\ntitle: Shortcoded\n---\nEdited after the check.\n",
        )
        .unwrap();
        let page = site.pages.iter().find(|p| p.source == rel).unwrap();
        let err = page.read_body(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains(rel) && err.contains("changed while the site was being built"),
            "{err}"
        );
    }

    #[test]
    fn unclosed_front_matter_is_an_error_at_line_one() {
        assert_eq!(split_front_matter("---\ntitle: A\n# Body\n"), Err(1));
    }

    #[test]
    fn toml_front_matter_is_named_not_read_as_text() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content")).unwrap();
        std::fs::write(
            dir.path().join("content/a.md"),
            "+++\ntitle = \"A\"\n+++\nBody\n",
        )
        .unwrap();
        let (_, diags) = parse_page(dir.path(), "a.md");
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].code, Code::FrontMatter);
        assert!(diags[0].message.contains("TOML"), "{}", diags[0].message);
    }

    #[test]
    fn a_page_without_front_matter_is_all_body() {
        assert_eq!(split_front_matter("# Title\n---\n"), Ok(None));
    }

    #[test]
    fn urls_follow_the_source_tree() {
        assert_eq!(
            url_for("runbooks/m365/reset-mfa.md"),
            "runbooks/m365/reset-mfa/"
        );
        assert_eq!(url_for("runbooks/_index.md"), "runbooks/");
        assert_eq!(url_for("_index.md"), "");
    }

    #[test]
    fn ancestors_run_from_the_root_down() {
        assert_eq!(ancestors("a/b").collect::<Vec<_>>(), vec!["", "a", "a/b"]);
        assert_eq!(ancestors("").collect::<Vec<_>>(), vec![""]);
    }

    #[test]
    fn pages_and_files_may_not_land_in_generated_folders() {
        for rel in ["search.md", "Systems.md", "matrix/_index.md", "review/x.md"] {
            let d = generated_clash(rel, true).unwrap();
            assert_eq!(d.code, Code::InvalidValue);
            assert_eq!(d.file, format!("content/{rel}"));
        }
        assert!(generated_clash("search/meta.js", false).is_some());
        for rel in ["_index.md", "searching.md", "runbooks/search.md", "404.md"] {
            assert!(generated_clash(rel, true).is_none(), "{rel}");
        }
        assert!(generated_clash("img/search.png", false).is_none());
        assert!(generated_clash("search.png", false).is_none());
        assert!(generated_clash("now.md", true).is_some());
        assert!(generated_clash("Cairn.json", false).is_some());
        assert!(generated_clash("img/cairn.json", false).is_none());
    }

    #[test]
    fn two_sources_of_one_page_are_an_error_at_the_non_section() {
        let page = |rel: &str| RawPage {
            rel: rel.to_string(),
            text: String::new(),
            text_hash: 0,
            front: FrontMatter::default(),
            front_lines: LineMap::default(),
            body_start: 0,
            body_line: 1,
            scan: Scan::default(),
        };
        let mut raw = vec![
            page("guides/a.md"),
            page("guides/A.md"),
            page("runbooks.md"),
            page("runbooks/_index.md"),
            page("runbooks/x.md"),
        ];
        let mut diags = Vec::new();
        drop_duplicate_urls(&mut raw, &mut diags);
        let kept: Vec<&str> = raw.iter().map(|p| p.rel.as_str()).collect();
        assert_eq!(kept, ["guides/a.md", "runbooks/_index.md", "runbooks/x.md"]);
        let files: Vec<&str> = diags.iter().map(|d| d.file.as_str()).collect();
        assert_eq!(files, ["content/guides/A.md", "content/runbooks.md"]);
        assert!(
            diags[1].message.contains("runbooks/index.html"),
            "{}",
            diags[1].message
        );
    }

    #[test]
    fn titles_fall_back_to_the_file_name() {
        assert_eq!(title_from_path("runbooks/vpn-down.md"), "Vpn down");
        assert_eq!(title_from_path("runbooks/network/_index.md"), "Network");
        assert_eq!(title_from_path("_index.md"), "Home");
        // Only `_index.md` is a section index: `my_index.md` is a page of its own.
        assert_eq!(title_from_path("runbooks/my_index.md"), "My index");
        assert_eq!(
            title_from_folder("runbooks/vpn-and_remote"),
            "Vpn and remote"
        );
        assert_eq!(title_from_folder(""), "Home");
        assert!(is_section_index("_index.md") && is_section_index("a/b/_index.md"));
        assert!(!is_section_index("a/my_index.md") && !is_section_index("index.md"));
    }
}
