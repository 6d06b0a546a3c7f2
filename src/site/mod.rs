//! Load: walk `content/` and `data/`, split front matter, parse YAML into a
//! [`Site`]. Problems become diagnostics; loading goes on past a bad file so one
//! `cairn check` reports everything.

pub mod yaml;

use crate::diag::{Code, Diagnostic};
use crate::markdown::{self, Scan};
use crate::model::{Activity, Audience, Config, Duration, FrontMatter, Party, System};
use anyhow::{Context, Result};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
pub use yaml::LineMap;

pub const CONFIG_FILE: &str = "cairn.yaml";
pub const PARTIES_FILE: &str = "data/parties.yaml";
pub const ACTIVITIES_FILE: &str = "data/activities.yaml";

/// Top-level output folders cairn generates; content may not claim them.
pub const GENERATED_SECTIONS: [&str; 7] = [
    "systems", "parties", "matrix", "review", "search", "assets", "now",
];

/// Data files cairn writes at the output root; content may not claim them either.
pub const GENERATED_FILES: [&str; 4] = [
    "cairn.json",
    "cairn.schema.json",
    "matrix.csv",
    "contacts.vcf",
];

/// Everything a site's sources say, parsed, before any cross-reference is checked.
#[derive(Debug)]
pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    pub parties: Vec<Party>,
    pub systems: Vec<SystemEntry>,
    pub activities: Vec<Activity>,
    /// Pages and section indexes, sorted by source path.
    pub pages: Vec<Page>,
    /// Non-markdown files under `content/`, served next to their pages.
    pub assets: Vec<Asset>,
    /// Files under `static/`, relative to it, sorted.
    pub static_files: Vec<String>,
    /// Line maps of the YAML sources, by file relative to the root.
    pub lines: HashMap<String, LineMap>,
    /// The text of each data file (`cairn.yaml`, `data/…`) as read, by file
    /// relative to the root: checks read them from here, never from disk.
    /// Pages keep theirs in [`Page::text`].
    pub texts: HashMap<String, String>,
    /// Sources that failed to load; references into them are not reported again.
    pub failed: Failed,
    /// Where the top folders really are: what may be read again later.
    pub tops: Tops,
    /// What the walk of the top folders found, for a reload that adds or
    /// removes no file.
    listing: Listing,
}

/// The files under the top folders, as the walk found them, and what it reported.
#[derive(Debug, Default)]
struct Listing {
    /// Relative to `data/`.
    data: Vec<String>,
    /// Relative to `content/`, names that look like URL schemes dropped.
    content: Vec<String>,
    /// Relative to `static/`, likewise.
    static_files: Vec<String>,
    diagnostics: Vec<Diagnostic>,
}

impl Listing {
    fn walk(root: &Path, tops: &Tops) -> Result<Listing> {
        let mut diags = Vec::new();
        let data = list_site_files(root, tops, "data", &mut diags)?;
        let mut content = list_site_files(root, tops, "content", &mut diags)?;
        drop_scheme_like(&mut content, "content", &mut diags);
        let mut static_files = list_site_files(root, tops, "static", &mut diags)?;
        drop_scheme_like(&mut static_files, "static", &mut diags);
        // Templates and themes are read by `render::load_theme` (the load stage
        // too); what they may not hold is reported here.
        list_site_files(root, tops, "templates", &mut diags)?;
        list_site_files(root, tops, "themes", &mut diags)?;
        Ok(Listing {
            data,
            content,
            static_files,
            diagnostics: diags,
        })
    }
}

/// `cairn.yaml` and the files under `data/`, parsed, with what loading them reported.
struct Data {
    config: Config,
    parties: Vec<Party>,
    systems: Vec<SystemEntry>,
    activities: Vec<Activity>,
    lines: HashMap<String, LineMap>,
    texts: HashMap<String, String>,
    failed: Failed,
    diagnostics: Vec<Diagnostic>,
}

impl Data {
    fn load(root: &Path, data_files: &[String]) -> Data {
        let mut diags = Vec::new();
        let mut lines = HashMap::new();
        let mut texts = HashMap::new();
        let mut failed = Failed::default();
        let config =
            match load_yaml::<Config>(root, CONFIG_FILE, &mut diags, &mut lines, &mut texts) {
                Some(c) => c,
                None => {
                    failed.config = true;
                    fallback_config()
                }
            };
        // Every file under data/ is listed, so one that is not the site's own is
        // reported whether or not cairn reads it; only listed files are read.
        let listed = |rel: &str| data_files.iter().any(|f| format!("data/{f}") == rel);
        let parties = if listed(PARTIES_FILE) {
            load_yaml::<Vec<Party>>(root, PARTIES_FILE, &mut diags, &mut lines, &mut texts)
                .unwrap_or_else(|| {
                    failed.parties = true;
                    Vec::new()
                })
        } else {
            Vec::new()
        };
        let activities = if listed(ACTIVITIES_FILE) {
            load_yaml::<Vec<Activity>>(root, ACTIVITIES_FILE, &mut diags, &mut lines, &mut texts)
                .unwrap_or_else(|| {
                    failed.activities = true;
                    Vec::new()
                })
        } else {
            Vec::new()
        };
        let systems = load_systems(
            root,
            data_files,
            &mut diags,
            (&mut lines, &mut texts),
            &mut failed,
        );
        Data {
            config,
            parties,
            systems,
            activities,
            lines,
            texts,
            failed,
            diagnostics: diags,
        }
    }
}

#[derive(Debug, Default)]
pub struct Failed {
    pub config: bool,
    pub parties: bool,
    pub activities: bool,
    pub system_ids: BTreeSet<String>,
    /// Some page's front matter failed to parse: what it names is unknown.
    pub pages: bool,
}

#[derive(Debug)]
pub struct SystemEntry {
    pub system: System,
    /// `data/systems/ID.yaml`
    pub file: String,
}

#[derive(Debug, Clone)]
pub struct Asset {
    /// Relative to `content/`, `/` separators.
    pub rel: String,
    pub audience: Audience,
}

#[derive(Debug)]
pub struct Page {
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
    /// The whole file, for checks that report lines of it.
    pub text: String,
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
    pub fn body(&self) -> &str {
        &self.text[self.body_start..]
    }

    /// The folder the page lives in, relative to `content/` (`` at the top).
    pub fn folder(&self) -> &str {
        self.rel.rsplit_once('/').map_or("", |(dir, _)| dir)
    }

    /// The section whose list shows this page: its folder, or for a section index the parent folder.
    pub fn parent_section(&self) -> Option<&str> {
        if self.is_section {
            if self.rel == "_index.md" {
                None
            } else {
                Some(parent_folder(self.folder()))
            }
        } else {
            Some(self.folder())
        }
    }

    /// A runbook is a page that names systems.
    pub fn is_runbook(&self) -> bool {
        !self.is_section && !self.front.systems.is_empty()
    }

    /// When the next review is due: `last_reviewed` + `review_every`. None when
    /// never reviewed, or when no interval applies.
    pub fn review_due(&self) -> Option<chrono::NaiveDate> {
        let last = self.front.last_reviewed?.0;
        let every = self.review_every?;
        last.checked_add_signed(chrono::TimeDelta::try_days(every.days())?)
    }
}

pub fn parent_folder(folder: &str) -> &str {
    folder.rsplit_once('/').map_or("", |(p, _)| p)
}

impl Site {
    /// The text of a data file as loaded; empty when it could not be read.
    pub fn text(&self, file: &str) -> &str {
        self.texts.get(file).map_or("", String::as_str)
    }

    pub fn line(&self, file: &str, path: &[&str]) -> Option<usize> {
        self.lines.get(file).and_then(|m| m.line(path))
    }

    pub fn party(&self, id: &str) -> Option<&Party> {
        self.parties.iter().find(|p| p.id.as_str() == id)
    }

    pub fn system(&self, id: &str) -> Option<&SystemEntry> {
        self.systems.iter().find(|s| s.system.id.as_str() == id)
    }

    pub fn page_by_rel(&self, rel: &str) -> Option<&Page> {
        self.pages.iter().find(|p| p.rel == rel)
    }

    /// Whether `rel` may be read: `cairn.yaml`, or a regular file inside its
    /// own top folder (`outside-site` otherwise, reported by the load).
    pub fn is_own_file(&self, rel: &str) -> bool {
        if rel.contains('/') {
            matches!(self.tops.readable(&self.root, rel), Ok(true))
        } else {
            fs::metadata(self.root.join(rel)).is_ok_and(|m| m.is_file())
        }
    }
}

/// Whether `root` is a cairn site at all (exit 2 when not).
pub fn ensure_site(root: &Path) -> Result<()> {
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
pub fn load_site(root: &Path) -> Result<(Site, Vec<Diagnostic>)> {
    load_site_reusing(root, Parsed::default())
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
        // An edit of a file the walk listed, still a regular file: the same listing.
        let listed = |path: &str| {
            let rel = |top: &str| path.strip_prefix(top);
            rel("content/").is_some_and(|r| site.listing.content.iter().any(|f| f == r))
                || rel("static/").is_some_and(|r| site.listing.static_files.iter().any(|f| f == r))
                || rel("data/").is_some_and(|r| site.listing.data.iter().any(|f| f == r))
                || path == CONFIG_FILE
        };
        let same_files = changed.iter().all(|path| {
            listed(path)
                && fs::symlink_metadata(site.root.join(path)).is_ok_and(|m| m.file_type().is_file())
        });
        let data = (!changed.iter().any(|p| is_data(p))).then(|| Data {
            config: site.config,
            parties: site.parties,
            systems: site.systems,
            activities: site.activities,
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
            .filter(|p| !changed.contains(&p.source))
            .map(|p| {
                let diags = by_file.remove(p.source.as_str()).unwrap_or_default();
                let raw = RawPage {
                    rel: p.rel,
                    text: p.text,
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

/// [`load_site`], taking pages from `parsed` instead of reading them again.
pub fn load_site_reusing(root: &Path, mut parsed: Parsed) -> Result<(Site, Vec<Diagnostic>)> {
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
    let (pages, assets) = load_content(root, &listing.content, &data.config, parsed, &mut diags);
    failed.pages = diags.len() > before;
    let site = Site {
        root: root.to_path_buf(),
        config: data.config,
        parties: data.parties,
        systems: data.systems,
        activities: data.activities,
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

fn fallback_config() -> Config {
    Config {
        title: String::new(),
        base_url: "/".into(),
        timezone: Default::default(),
        audience: Audience::Client,
        review_every: None,
        hours: Default::default(),
        markdown: Default::default(),
        theme: None,
        csp: Default::default(),
        offline: Default::default(),
    }
}

fn read(root: &Path, rel: &str) -> Result<String, Diagnostic> {
    let bytes = fs::read(root.join(rel)).map_err(|e| {
        Diagnostic::new(
            Code::YamlSyntax,
            rel,
            None,
            format!("cannot read file: {e}"),
        )
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let line = 1 + e.as_bytes()[..e.utf8_error().valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        Diagnostic::new(
            Code::InvalidValue,
            rel,
            Some(line),
            "file is not valid UTF-8",
        )
    })
}

/// A NUL byte is never text: it would reach the HTML and the search index
/// as it is. Refused at its line.
fn refuse_nul(text: String, rel: &str) -> Result<String, Diagnostic> {
    match text.find('\0') {
        None => Ok(text),
        Some(at) => Err(Diagnostic::new(
            Code::InvalidValue,
            rel,
            Some(1 + text[..at].matches('\n').count()),
            "the file holds a NUL byte (\\0), which is not text: remove it (was the file saved as UTF-16 or binary?)",
        )),
    }
}

/// [`read`] for a data file: UTF-8 without NUL bytes.
fn read_text(root: &Path, rel: &str) -> Result<String, Diagnostic> {
    read(root, rel).and_then(|t| refuse_nul(t, rel))
}

/// A file or folder name that starts like a URL scheme (`javascript:x`,
/// `mailto:y`): a relative link made from it would be read as that scheme.
/// The offending name.
fn scheme_like_segment(rel: &str) -> Option<&str> {
    rel.split('/').find(|seg| {
        seg.split_once(':').is_some_and(|(scheme, _)| {
            let mut chars = scheme.chars();
            chars.next().is_some_and(|c| c.is_ascii_alphabetic())
                && chars.all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
        })
    })
}

/// Drop the files under `sub` whose names start like a URL scheme, each an
/// `invalid-value` naming it.
fn drop_scheme_like(files: &mut Vec<String>, sub: &str, diags: &mut Vec<Diagnostic>) {
    files.retain(|rel| match scheme_like_segment(rel) {
        None => true,
        Some(seg) => {
            let scheme = seg.split(':').next().unwrap_or(seg);
            diags.push(Diagnostic::new(
                Code::InvalidValue,
                format!("{sub}/{rel}"),
                None,
                format!(
                    "the name `{seg}` starts like a URL scheme (`{scheme}:`), so a link made from it would open as one; rename it without the `:`"
                ),
            ));
            false
        }
    });
}

fn load_yaml<T: serde::de::DeserializeOwned>(
    root: &Path,
    rel: &str,
    diags: &mut Vec<Diagnostic>,
    lines: &mut HashMap<String, LineMap>,
    texts: &mut HashMap<String, String>,
) -> Option<T> {
    let text = match read_text(root, rel) {
        Ok(t) => t,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let text: &str = texts.entry(rel.to_string()).or_insert(text);
    // An empty list file is an empty list, not an error.
    let text = if yaml::is_blank(text) && rel != CONFIG_FILE {
        "[]"
    } else {
        text
    };
    match yaml::parse::<T>(text, rel, 1, Code::YamlSyntax) {
        Ok(p) => {
            lines.insert(rel.to_string(), p.lines);
            Some(p.value)
        }
        Err(d) => {
            diags.push(d);
            None
        }
    }
}

/// `data/systems/ID.yaml` of the files listed under `data/`.
fn load_systems(
    root: &Path,
    data_files: &[String],
    diags: &mut Vec<Diagnostic>,
    (lines, texts): (&mut HashMap<String, LineMap>, &mut HashMap<String, String>),
    failed: &mut Failed,
) -> Vec<SystemEntry> {
    let mut files: Vec<&str> = data_files
        .iter()
        .filter_map(|f| f.strip_prefix("systems/"))
        .filter(|f| !f.contains('/') && (f.ends_with(".yaml") || f.ends_with(".yml")))
        .collect();
    files.sort();
    type Loaded = (
        String,
        String,
        Option<String>,
        Result<yaml::Parsed<System>, Diagnostic>,
    );
    let parsed: Vec<Loaded> = files
        .par_iter()
        .map(|name| {
            let rel = format!("data/systems/{name}");
            let stem = name
                .trim_end_matches(".yaml")
                .trim_end_matches(".yml")
                .to_string();
            match read_text(root, &rel) {
                Ok(text) => {
                    let result = yaml::parse::<System>(&text, &rel, 1, Code::YamlSyntax);
                    (rel, stem, Some(text), result)
                }
                Err(d) => (rel, stem, None, Err(d)),
            }
        })
        .collect();
    let mut systems = Vec::new();
    for (rel, stem, text, result) in parsed {
        if let Some(text) = text {
            texts.insert(rel.clone(), text);
        }
        match result {
            Ok(p) => {
                if p.value.id.as_str() != stem {
                    diags.push(Diagnostic::new(
                        Code::InvalidValue,
                        &rel,
                        p.lines.line(&["id"]),
                        format!(
                            "system id `{}` must equal its file name `{stem}`",
                            p.value.id
                        ),
                    ));
                    // References by file name are already explained by this error.
                    failed.system_ids.insert(stem);
                }
                lines.insert(rel.clone(), p.lines);
                systems.push(SystemEntry {
                    system: p.value,
                    file: rel,
                });
            }
            Err(d) => {
                diags.push(d);
                failed.system_ids.insert(stem);
            }
        }
    }
    systems
}

/// The folders whose files a site publishes or reads, each the boundary of
/// its own files: what resolves outside its top folder is `outside-site`.
pub const TOP_FOLDERS: [&str; 5] = ["content", "data", "static", "templates", "themes"];

/// Where each top folder of a site really is. A file under one is read only
/// when it is a regular file that resolves (through any chain of symlinks)
/// inside its own top folder; a top folder that resolves outside the site is
/// not read at all.
#[derive(Debug)]
pub struct Tops {
    real: HashMap<&'static str, PathBuf>,
}

impl Tops {
    /// Resolve the top folders of `root`; one outside the site is reported.
    pub fn new(root: &Path, diags: &mut Vec<Diagnostic>) -> Tops {
        let mut real = HashMap::new();
        let Ok(root_real) = root.canonicalize() else {
            return Tops { real };
        };
        for top in TOP_FOLDERS {
            let path = root.join(top);
            if !path.exists() {
                continue;
            }
            match path.canonicalize() {
                Ok(p) if p.starts_with(&root_real) && p != root_real => {
                    real.insert(top, p);
                }
                Ok(p) => diags.push(Diagnostic::new(
                    Code::OutsideSite,
                    format!("{top}/"),
                    None,
                    format!(
                        "resolves to {}, outside the site: nothing in it is read or published; make it a folder of the site",
                        p.display()
                    ),
                )),
                Err(_) => {}
            }
        }
        Tops { real }
    }

    /// Whether `rel` (`data/parties.yaml`) may be read: a regular file inside
    /// its own top folder. `Err` explains why not; `Ok(false)` when it is absent.
    pub fn readable(&self, root: &Path, rel: &str) -> Result<bool, Diagnostic> {
        let top = rel.split('/').next().unwrap_or(rel);
        let path = root.join(rel);
        let Ok(meta) = fs::metadata(&path) else {
            return Ok(false);
        };
        let Some(boundary) = self.real.get(top) else {
            return Ok(false);
        };
        if let Some(kind) = special_kind(&meta.file_type()) {
            return Err(special_file(rel, kind));
        }
        match path.canonicalize() {
            Ok(real) if real.starts_with(boundary) => Ok(true),
            Ok(real) => Err(links_outside(rel, top, &real)),
            Err(_) => Ok(false),
        }
    }
}

fn special_kind(ft: &fs::FileType) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt;
    if ft.is_file() || ft.is_dir() || ft.is_symlink() {
        None
    } else if ft.is_fifo() {
        Some("a FIFO (named pipe)")
    } else if ft.is_socket() {
        Some("a socket")
    } else if ft.is_block_device() || ft.is_char_device() {
        Some("a device")
    } else {
        Some("not a regular file")
    }
}

fn special_file(shown: &str, kind: &str) -> Diagnostic {
    Diagnostic::new(
        Code::OutsideSite,
        shown,
        None,
        format!("{kind}, not a regular file: nothing is read from it or published; remove it"),
    )
}

fn links_outside(shown: &str, top: &str, real: &Path) -> Diagnostic {
    Diagnostic::new(
        Code::OutsideSite,
        shown,
        None,
        format!(
            "resolves to {}, outside {top}/: nothing is read from it or published; copy what it needs into {top}/, or link only within {top}/",
            real.display()
        ),
    )
}

/// Files below `root/sub` (`templates`, `themes/NAME/static`), relative to it
/// with `/` separators, sorted; none if it is absent. Any entry that cannot be
/// listed, or lies outside its top folder, is an error.
pub fn list_files(root: &Path, sub: &str) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let tops = Tops::new(root, &mut problems);
    let files = walk(root, &tops, sub, &mut problems)?;
    match problems.into_iter().next() {
        Some(d) => Err(anyhow::anyhow!("{}: {}", d.file, d.message)),
        None => Ok(files),
    }
}

/// [`list_files`] of `root/sub` for loading: an entry that cannot be listed (a
/// symlink to nothing, a symlink loop, a name that is not UTF-8) or is not the
/// site's own (`outside-site`) is a diagnostic naming it, and the rest of the
/// site still loads.
fn list_site_files(
    root: &Path,
    tops: &Tops,
    sub: &str,
    diags: &mut Vec<Diagnostic>,
) -> Result<Vec<String>> {
    walk(root, tops, sub, diags)
}

fn walk(root: &Path, tops: &Tops, sub: &str, diags: &mut Vec<Diagnostic>) -> Result<Vec<String>> {
    let dir = root.join(sub);
    let top = sub.split('/').next().unwrap_or(sub);
    let Some(boundary) = tops.real.get(top) else {
        return Ok(Vec::new());
    };
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    // The folder itself (`data/systems`, `themes/NAME/templates`) must be the site's.
    match dir.canonicalize() {
        Ok(real) if real.starts_with(boundary) => {}
        Ok(real) => {
            diags.push(links_outside(&format!("{sub}/"), top, &real));
            return Ok(Vec::new());
        }
        Err(e) => return Err(e).with_context(|| format!("reading {}", dir.display())),
    }
    let rel_of = |path: &Path| -> (String, bool) {
        let rel = path.strip_prefix(&dir).unwrap_or(path);
        let utf8 = rel.to_str().is_some();
        let rel = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        (rel, utf8)
    };
    let shown = |rel: &str| {
        if sub.is_empty() {
            rel.to_string()
        } else {
            format!("{sub}/{rel}")
        }
    };
    // Editor droppings and dotfiles are never content.
    let ignored = |rel: &str| {
        rel.split('/')
            .any(|seg| seg.starts_with('.') || seg.ends_with('~'))
    };
    let mut out = Vec::new();
    let mut entries = walkdir::WalkDir::new(&dir)
        .follow_links(true)
        .sort_by_file_name()
        .min_depth(1)
        .into_iter();
    while let Some(entry) = entries.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let Some(path) = e.path().filter(|p| *p != dir) else {
                    return Err(e).with_context(|| format!("reading {}", dir.display()));
                };
                let (rel, _) = rel_of(path);
                if ignored(&rel) {
                    continue;
                }
                // A link that leaves its top folder says so, loop or not.
                if let Ok(real) = path.canonicalize()
                    && !real.starts_with(boundary)
                {
                    let name = if real.is_dir() {
                        format!("{rel}/")
                    } else {
                        rel
                    };
                    diags.push(links_outside(&shown(&name), top, &real));
                    continue;
                }
                let why = if e.loop_ancestor().is_some() {
                    "a symlink loop: it points to a folder above itself".to_string()
                } else if path.is_symlink() && !path.exists() {
                    "a symlink to nothing".to_string()
                } else {
                    e.io_error()
                        .map_or_else(|| e.to_string(), ToString::to_string)
                };
                diags.push(Diagnostic::new(
                    code_for_unreadable(&rel),
                    shown(&rel),
                    None,
                    format!("cannot read: {why}"),
                ));
                continue;
            }
        };
        let (rel, utf8) = rel_of(entry.path());
        let is_dir = entry.file_type().is_dir();
        if ignored(&rel) {
            // Not read, not published: not even walked (`.cache -> /`).
            if is_dir {
                entries.skip_current_dir();
            }
            continue;
        }
        if entry.path_is_symlink() {
            match entry.path().canonicalize() {
                Ok(real) if real.starts_with(boundary) => {}
                Ok(real) => {
                    let name = if is_dir { format!("{rel}/") } else { rel };
                    diags.push(links_outside(&shown(&name), top, &real));
                    if is_dir {
                        entries.skip_current_dir();
                    }
                    continue;
                }
                Err(e) => {
                    diags.push(Diagnostic::new(
                        code_for_unreadable(&rel),
                        shown(&rel),
                        None,
                        format!("cannot read: {e}"),
                    ));
                    if is_dir {
                        entries.skip_current_dir();
                    }
                    continue;
                }
            }
        }
        if is_dir {
            continue;
        }
        if let Some(kind) = special_kind(&entry.file_type()) {
            diags.push(special_file(&shown(&rel), kind));
            continue;
        }
        if !utf8 {
            diags.push(Diagnostic::new(
                code_for_unreadable(&rel),
                shown(&rel),
                None,
                "the file name is not valid UTF-8: rename it",
            ));
            continue;
        }
        out.push(rel);
    }
    Ok(out)
}

/// The code a file that cannot be read gets: as a page, as a data file, or else.
fn code_for_unreadable(rel: &str) -> Code {
    if rel.ends_with(".md") {
        Code::FrontMatter
    } else if rel.ends_with(".yaml") || rel.ends_with(".yml") {
        Code::YamlSyntax
    } else {
        Code::InvalidValue
    }
}

/// Split `---\n…\n---\n` off the top: (front matter text, its first line, body byte offset, body line).
pub fn split_front_matter(text: &str) -> Result<Option<(&str, usize, usize, usize)>, usize> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &text[start..];
    let first_len = match rest.find('\n') {
        Some(i) if rest[..i].trim_end() == "---" => i + 1,
        _ => return Ok(None),
    };
    let mut offset = start + first_len;
    let mut line = 2;
    let fm_start = offset;
    while offset < text.len() {
        let end = text[offset..]
            .find('\n')
            .map_or(text.len(), |i| offset + i + 1);
        let l = text[offset..end].trim_end();
        if l == "---" || l == "..." {
            return Ok(Some((&text[fm_start..offset], 2, end, line + 1)));
        }
        offset = end;
        line += 1;
    }
    Err(1)
}

/// A folder's `_index.md` (`_index.md` itself at the top of `content/`).
pub fn is_section_index(rel: &str) -> bool {
    rel == "_index.md" || rel.ends_with("/_index.md")
}

/// `runbooks/m365/reset-mfa.md` → `runbooks/m365/reset-mfa/`; `runbooks/_index.md` → `runbooks/`.
pub fn url_for(rel: &str) -> String {
    let stem = rel.strip_suffix(".md").unwrap_or(rel);
    if stem == "_index" {
        String::new()
    } else if let Some(folder) = stem.strip_suffix("/_index") {
        format!("{folder}/")
    } else {
        format!("{stem}/")
    }
}

/// One markdown file as parsed, before the folder cascade.
struct RawPage {
    rel: String,
    text: String,
    front: FrontMatter,
    front_lines: LineMap,
    body_start: usize,
    body_line: usize,
    scan: Scan,
}

fn load_content(
    root: &Path,
    files: &[String],
    config: &Config,
    mut previous: Parsed,
    diags: &mut Vec<Diagnostic>,
) -> (Vec<Page>, Vec<Asset>) {
    let (md, other): (Vec<String>, Vec<String>) =
        files.iter().cloned().partition(|f| f.ends_with(".md"));

    // In source order: a page parsed before is taken back, any other is read.
    let wanted: Vec<Result<(RawPage, Vec<Diagnostic>), String>> = md
        .into_iter()
        .map(|rel| previous.pages.remove(&rel).ok_or(rel))
        .collect();
    let parsed: Vec<(RawPage, Vec<Diagnostic>)> = wanted
        .into_par_iter()
        .map(|page| page.unwrap_or_else(|rel| parse_page(root, &rel)))
        .collect();
    let mut raw = Vec::with_capacity(parsed.len());
    for (page, mut d) in parsed {
        diags.append(&mut d);
        if let Some(d) = generated_clash(&page.rel, true) {
            diags.push(d);
            continue;
        }
        raw.push(page);
    }
    drop_duplicate_urls(&mut raw, diags);
    let (other, clashing): (Vec<String>, Vec<String>) = other
        .into_iter()
        .partition(|rel| generated_clash(rel, false).is_none());
    diags.extend(
        clashing
            .iter()
            .filter_map(|rel| generated_clash(rel, false)),
    );

    // Section front matter cascades audience and review_every to everything below.
    let sections: BTreeMap<String, (Option<Audience>, Option<Duration>)> = raw
        .iter()
        .filter(|p| is_section_index(&p.rel))
        .map(|p| {
            (
                folder_of(&p.rel).to_string(),
                (p.front.audience, p.front.review_every),
            )
        })
        .collect();
    let cascade = |folder: &str| -> (Audience, Option<Duration>) {
        let mut audience = Audience::Client;
        let mut review = None;
        for ancestor in ancestors(folder) {
            if let Some((a, r)) = sections.get(ancestor) {
                audience = audience.max(a.unwrap_or_default());
                review = r.or(review);
            }
        }
        (audience, review)
    };

    let pages = raw
        .into_par_iter()
        .map(|p| {
            let is_section = is_section_index(&p.rel);
            let (folder_audience, folder_review) = cascade(folder_of(&p.rel));
            let title = p
                .front
                .title
                .clone()
                .unwrap_or_else(|| title_from_path(&p.rel));
            Page {
                source: format!("content/{}", p.rel),
                url: url_for(&p.rel),
                is_section,
                title,
                audience: folder_audience.max(p.front.audience.unwrap_or_default()),
                review_every: p
                    .front
                    .review_every
                    .or(folder_review)
                    .or(config.review_every),
                front: p.front,
                front_lines: p.front_lines,
                body_start: p.body_start,
                body_line: p.body_line,
                text: p.text,
                rel: p.rel,
                scan: p.scan,
            }
        })
        .collect();

    let assets = other
        .into_iter()
        .map(|rel| {
            let (audience, _) = cascade(folder_of(&rel));
            Asset { rel, audience }
        })
        .collect();
    (pages, assets)
}

/// A page or file whose output would land in a folder cairn generates
/// (`content/search.md` → `search/index.html`, `content/systems/x.md`), which
/// would overwrite a generated page or be overwritten by one. Compared without
/// case: a site copied to a case-insensitive disk must not change.
fn generated_clash(rel: &str, is_page: bool) -> Option<Diagnostic> {
    let out = if is_page {
        url_for(rel)
    } else {
        rel.to_string()
    };
    if let Some(file) = GENERATED_FILES
        .iter()
        .find(|f| f.eq_ignore_ascii_case(&out))
    {
        return Some(Diagnostic::new(
            Code::InvalidValue,
            format!("content/{rel}"),
            None,
            format!("content/{rel} clashes with the `{file}` cairn generates; rename the file"),
        ));
    }
    let (top, _) = out.split_once('/')?;
    let generated = GENERATED_SECTIONS
        .iter()
        .find(|g| g.eq_ignore_ascii_case(top))?;
    let message = if rel.contains('/') {
        format!(
            "content/{top}/ clashes with the `{generated}/` pages cairn generates; rename the folder"
        )
    } else {
        format!(
            "content/{rel} would be built as `{top}/index.html`, which clashes with the `{generated}/` pages cairn generates; rename the file"
        )
    };
    Some(Diagnostic::new(
        Code::InvalidValue,
        format!("content/{rel}"),
        None,
        message,
    ))
}

/// Two sources that build the same page (`content/runbooks.md` and
/// `content/runbooks/_index.md`, or names differing only in case): the section
/// index keeps the URL, and the other file is an error.
fn drop_duplicate_urls(raw: &mut Vec<RawPage>, diags: &mut Vec<Diagnostic>) {
    let mut owner: HashMap<String, String> = HashMap::new();
    for p in raw.iter().filter(|p| is_section_index(&p.rel)) {
        owner
            .entry(url_for(&p.rel).to_lowercase())
            .or_insert_with(|| p.rel.clone());
    }
    raw.retain(|p| {
        let url = url_for(&p.rel).to_lowercase();
        match owner.get(&url) {
            Some(first) if *first != p.rel => {
                diags.push(Diagnostic::new(
                    Code::InvalidValue,
                    format!("content/{}", p.rel),
                    None,
                    format!(
                        "content/{} and content/{first} would both be built as `{}index.html`; rename or merge one",
                        p.rel,
                        url_for(first)
                    ),
                ));
                false
            }
            Some(_) => true,
            None => {
                owner.insert(url, p.rel.clone());
                true
            }
        }
    });
}

fn folder_of(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(d, _)| d)
}

/// `a/b` → ``, `a`, `a/b`.
pub(crate) fn ancestors(folder: &str) -> impl Iterator<Item = &str> {
    std::iter::once("").chain(
        folder
            .match_indices('/')
            .map(move |(i, _)| &folder[..i])
            .chain((!folder.is_empty()).then_some(folder)),
    )
}

/// A page's title when its front matter gives none: its file name, or for a
/// section index its folder's.
fn title_from_path(rel: &str) -> String {
    if is_section_index(rel) {
        return title_from_folder(folder_of(rel));
    }
    let stem = rel.strip_suffix(".md").unwrap_or(rel);
    title_from_name(stem.rsplit('/').next().unwrap_or(stem))
}

/// A folder's title when no `_index.md` gives one: its name (`vpn-and_remote`
/// → `Vpn and remote`), and `Home` for the top of `content/`.
pub fn title_from_folder(folder: &str) -> String {
    title_from_name(folder.rsplit('/').next().unwrap_or(folder))
}

fn title_from_name(name: &str) -> String {
    let words = name.replace(['-', '_'], " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::from("Home"),
    }
}

fn parse_page(root: &Path, rel: &str) -> (RawPage, Vec<Diagnostic>) {
    let source = format!("content/{rel}");
    let mut diags = Vec::new();
    let is_section = is_section_index(rel);
    let text = match read(root, &source) {
        Ok(t) => t,
        Err(mut d) => {
            d.code = Code::FrontMatter;
            diags.push(d);
            String::new()
        }
    };
    // Nothing of a page with a NUL byte is kept: not its text, not its index entry.
    let text = refuse_nul(text, &source).unwrap_or_else(|d| {
        diags.push(d);
        String::new()
    });
    let mut front = FrontMatter::default();
    let mut front_lines = LineMap::default();
    let (mut body_start, mut body_line) = (0, 1);
    match split_front_matter(&text) {
        Ok(Some((fm, fm_line, start, line))) => {
            body_start = start;
            body_line = line;
            if !yaml::is_blank(fm) {
                match yaml::parse::<FrontMatter>(fm, &source, fm_line, Code::FrontMatter) {
                    Ok(p) => {
                        front = p.value;
                        front_lines = p.lines;
                    }
                    Err(d) => diags.push(d),
                }
            }
        }
        Ok(None) => {}
        Err(line) => diags.push(Diagnostic::new(
            Code::FrontMatter,
            &source,
            Some(line),
            "front matter opened with `---` is never closed by a `---` line",
        )),
    }
    if text.trim_start_matches('\u{feff}').starts_with("+++") && body_start == 0 {
        // Hugo's TOML front matter would otherwise be read as the page's text.
        diags.push(Diagnostic::new(
            Code::FrontMatter,
            &source,
            Some(1),
            "TOML front matter (`+++`) is not read: write YAML between `---` lines",
        ));
    }
    if front.title.is_none() && !is_section && diags.is_empty() {
        diags.push(Diagnostic::new(
            Code::InvalidValue,
            &source,
            Some(1),
            "missing field `title` in the front matter",
        ));
    }
    let scan = markdown::scan(&text[body_start..]);
    (
        RawPage {
            rel: rel.to_string(),
            text,
            front,
            front_lines,
            body_start,
            body_line,
            scan,
        },
        diags,
    )
}

#[cfg(test)]
mod tests {
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
