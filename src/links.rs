//! Where a link an author wrote points: one resolver, built with the audience's
//! view ([`crate::audience::SiteView::links`]) and shared by the link check (is
//! it broken?) and the renderer (what href to emit), so both agree on every
//! rule of SPEC "Links authors write", the audience's included.

use crate::model::Audience;
use crate::site::{Asset, Page};
use crate::urls::{self, normalize};
use percent_encoding::percent_decode_str;
use std::collections::{HashMap, HashSet};

/// What a link resolved to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    Page(usize),
    /// A folder without `_index.md` whose pages get a generated list (or the home page).
    Folder(String),
    /// A file under `content/`, by `rel`.
    Asset(String),
    /// A file under `static/`.
    Static(String),
    /// A page cairn generates: `systems/ID/`, `parties/ID/`, `matrix/`, `review/`, `search/`.
    Generated(String),
    /// A page or folder the build hides from the page's reader (internal, or
    /// held back): the link shows as its text (`link-to-internal`).
    Hidden(Box<Target>),
}

/// One thing [`Resolver::resolve_traced`] looked up: what a link's verdict
/// depends on besides the page holding it. A verdict stands while each of its
/// lookups finds what it found ([`Resolver::state`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Lookup {
    /// The page at this `rel`: whether there is one, and what it is made of
    /// (its text, so its headings; its audience).
    Page(String),
    /// A folder holding pages, and its audience.
    Folder(String),
    Asset(String),
    Static(String),
    System(String),
    Party(String),
}

/// Where the lookups of a resolve go, when someone keeps them.
struct Trace<'t>(Option<&'t mut Vec<Lookup>>);

impl Trace<'_> {
    fn note(&mut self, lookup: impl FnOnce() -> Lookup) {
        if let Some(list) = &mut self.0 {
            list.push(lookup());
        }
    }
}

pub(crate) struct Resolver<'a> {
    /// The build's: a target it may not see does not resolve.
    audience: Audience,
    /// Every page of the site, hidden ones too (a link to one is "internal",
    /// not "missing"); indexed by [`Target::Page`].
    pages: Vec<&'a Page>,
    by_rel: HashMap<&'a str, usize>,
    systems: HashSet<&'a str>,
    parties: HashSet<&'a str>,
    /// Every folder holding pages (at any depth), as visible as its most
    /// visible page ([`crate::audience::folder_audiences`]).
    folders: HashMap<String, Audience>,
    assets: HashMap<&'a str, Audience>,
    statics: HashSet<&'a str>,
}

impl<'a> Resolver<'a> {
    /// For a build for `audience`. `pages` (all of them, in the order
    /// [`Target::Page`] indexes) and `assets` carry the audience the load gave
    /// them, `folders` the audience of each folder holding pages; `systems`
    /// and `parties` are the ids that have generated pages.
    pub(crate) fn new(
        audience: Audience,
        pages: Vec<&'a Page>,
        folders: HashMap<String, Audience>,
        assets: impl IntoIterator<Item = &'a Asset>,
        statics: &'a [String],
        systems: impl IntoIterator<Item = &'a str>,
        parties: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        Resolver {
            audience,
            by_rel: pages
                .iter()
                .enumerate()
                .map(|(i, p)| (p.rel.as_str(), i))
                .collect(),
            pages,
            systems: systems.into_iter().collect(),
            parties: parties.into_iter().collect(),
            folders,
            assets: assets
                .into_iter()
                .map(|a| (a.rel.as_str(), a.audience))
                .collect(),
            statics: statics.iter().map(String::as_str).collect(),
        }
    }

    /// The page a target is, if it is one.
    pub(crate) fn page(&self, target: &Target) -> Option<&'a Page> {
        match target {
            Target::Page(i) => self.pages.get(*i).copied(),
            _ => None,
        }
    }

    /// Who may see a target: a page or asset as the load decided, a folder as
    /// its most visible page, static files and generated pages everyone.
    pub(crate) fn audience_of(&self, target: &Target) -> Audience {
        match target {
            Target::Hidden(inner) => self.audience_of(inner),
            Target::Page(i) => self.pages.get(*i).map_or(Audience::Client, |p| p.audience),
            Target::Folder(f) => self.folders.get(f).copied().unwrap_or(Audience::Client),
            Target::Asset(rel) => self.assets.get(rel.as_str()).copied().unwrap_or_default(),
            Target::Static(_) | Target::Generated(_) => Audience::Client,
        }
    }

    /// The source the target comes from, for messages.
    pub(crate) fn describe(&self, target: &Target) -> String {
        match target {
            Target::Hidden(inner) => self.describe(inner),
            Target::Page(i) => self
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
    /// A target the reader of `page` may not see is an error: the build's
    /// audience reads a page it shows, and a page it hides is read (and its
    /// links checked) by the page's own audience.
    pub(crate) fn resolve(&self, page: &Page, dest: &str) -> Option<Result<Target, String>> {
        self.resolve_with(page, dest, &mut Trace(None))
    }

    /// [`Resolver::resolve`], noting in `lookups` what it looked up beyond
    /// `page` itself: the verdict is the same while [`Resolver::state`] of
    /// each is.
    pub(crate) fn resolve_traced(
        &self,
        page: &Page,
        dest: &str,
        lookups: &mut Vec<Lookup>,
    ) -> Option<Result<Target, String>> {
        self.resolve_with(page, dest, &mut Trace(Some(lookups)))
    }

    /// What `lookup` finds now, hashed: 0 when there is nothing there.
    pub(crate) fn state(&self, lookup: &Lookup) -> u128 {
        let present = |found: bool| u128::from(found);
        match lookup {
            Lookup::Page(rel) => self.by_rel.get(rel.as_str()).map_or(0, |&i| {
                let page = self.pages[i];
                // The text makes the headings and anchors; `source` is `content/` + `rel`.
                let mut bytes = [0; 17];
                bytes[..16].copy_from_slice(&page.text_hash.to_le_bytes());
                bytes[16] = page.audience as u8;
                xxhash_rust::xxh3::xxh3_128(&bytes) | 1
            }),
            Lookup::Folder(f) => self.folders.get(f.as_str()).map_or(0, |a| *a as u128 + 1),
            Lookup::Asset(rel) => self.assets.get(rel.as_str()).map_or(0, |a| *a as u128 + 1),
            Lookup::Static(rel) => present(self.statics.contains(rel.as_str())),
            Lookup::System(id) => present(self.systems.contains(id.as_str())),
            Lookup::Party(id) => present(self.parties.contains(id.as_str())),
        }
    }

    fn resolve_with(
        &self,
        page: &Page,
        dest: &str,
        trace: &mut Trace,
    ) -> Option<Result<Target, String>> {
        let dest = dest.trim();
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
                Ok(self.page_at(&page.rel, trace)?)
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
        if path.ends_with(".html") || path.ends_with(".htm") {
            // Hugo and MkDocs sites link to built pages: `x.html`, `x/index.html`.
            if let Some(t) = self.built_page(page, path, trace) {
                return Some(self.seen_from(page, t));
            }
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
            // `/docs/add-runbook/` is Hugo's URL of `docs/add-runbook.md`.
            self.folder(&norm, trace)
                .or_else(|missing| self.page_at(&format!("{norm}.md"), trace).ok_or(missing))
        } else if norm.ends_with(".md") {
            self.page_at(&norm, trace)
                .ok_or_else(|| format!("no page content/{norm}"))
        } else {
            // Images and other files: next to the page first, then from static/.
            let from_static = if base.is_empty() {
                None
            } else {
                normalize("", rest).map(|(p, _)| p)
            };
            // A path without `.md` names the page too, as Hugo and MkDocs
            // links do (`/docs/add-runbook`).
            self.file(&norm, from_static.as_deref(), trace)
                .or_else(|missing| self.page_at(&format!("{norm}.md"), trace).ok_or(missing))
                .or_else(|missing| self.folder(&norm, trace).map_err(|_| missing))
        };
        Some(
            target
                .and_then(|t| match (&t, fragment) {
                    (Target::Page(i), Some(anchor)) => {
                        let target_page = self.pages.get(*i).ok_or_else(String::new)?;
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
                })
                .and_then(|t| self.seen_from(page, t)),
        )
    }

    fn page_at(&self, rel: &str, trace: &mut Trace) -> Option<Target> {
        trace.note(|| Lookup::Page(rel.to_string()));
        self.by_rel.get(rel).map(|&i| Target::Page(i))
    }

    /// The page a link to a built file names: `a/b.html`, `a/b/index.html`,
    /// `a/b/` (relative to `page`, or from the top with `/`).
    fn built_page(&self, page: &Page, path: &str, trace: &mut Trace) -> Option<Target> {
        let decoded = decode(path);
        let (base, rest) = match decoded.strip_prefix('/') {
            Some(rest) => ("", rest),
            None => (page.folder(), decoded.as_str()),
        };
        let (norm, _) = normalize(base, rest)?;
        let stem = norm
            .strip_suffix("/index.html")
            .or_else(|| norm.strip_suffix(".html"))
            .or_else(|| norm.strip_suffix(".htm"))
            .unwrap_or(&norm);
        self.page_at(&format!("{stem}.md"), trace)
            .or_else(|| self.folder(stem, trace).ok())
    }

    /// `target` when the reader of `page` sees it; a page or folder hidden
    /// from the reader is [`Target::Hidden`].
    fn seen_from(&self, page: &Page, target: Target) -> Result<Target, String> {
        // The build's audience, or the page's own when the build hides it.
        let reader = self.audience.max(page.audience);
        // Every page, folder and asset a target names was looked up by name.
        let audience = self.audience_of(&target);
        if audience.visible_in(reader) {
            Ok(target)
        } else if matches!(target, Target::Page(_) | Target::Folder(_)) {
            Ok(Target::Hidden(Box::new(target)))
        } else {
            Err(format!(
                "{} is {}, so a {} build will not contain it",
                self.describe(&target),
                audience.as_str(),
                self.audience.as_str()
            ))
        }
    }

    /// The output file a target is written to, relative to the output root.
    pub(crate) fn output_path(&self, target: &Target) -> String {
        match target {
            Target::Page(i) => self
                .pages
                .get(*i)
                .map_or_else(|| urls::HOME.into(), |p| urls::page(&p.url)),
            Target::Folder(f) | Target::Generated(f) => urls::folder(f),
            Target::Asset(rel) | Target::Static(rel) => rel.clone(),
            Target::Hidden(_) => String::new(),
        }
    }

    /// A folder link: its `_index.md`, a folder whose pages get a list, or a generated page.
    fn folder(&self, folder: &str, trace: &mut Trace) -> Result<Target, String> {
        let folder = urls::url_of(folder).trim_end_matches('/');
        let index_rel = if folder.is_empty() {
            "_index.md".to_string()
        } else {
            format!("{folder}/_index.md")
        };
        if let Some(page) = self.page_at(&index_rel, trace) {
            return Ok(page);
        }
        trace.note(|| Lookup::Folder(folder.to_string()));
        if folder.is_empty() || self.folders.contains_key(folder) {
            return Ok(Target::Folder(folder.to_string()));
        }
        if self.generated(folder, trace) {
            return Ok(Target::Generated(folder.to_string()));
        }
        Err(format!("no page or folder content/{folder}/"))
    }

    fn file(
        &self,
        rel: &str,
        from_static: Option<&str>,
        trace: &mut Trace,
    ) -> Result<Target, String> {
        trace.note(|| Lookup::Asset(rel.to_string()));
        if self.assets.contains_key(rel) {
            return Ok(Target::Asset(rel.to_string()));
        }
        trace.note(|| Lookup::Static(rel.to_string()));
        if self.statics.contains(rel) {
            return Ok(Target::Static(rel.to_string()));
        }
        if let Some(s) = from_static {
            trace.note(|| Lookup::Static(s.to_string()));
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

    /// `systems/ID`, `parties/ID`, `matrix`, `review`, `search`, `now`.
    fn generated(&self, folder: &str, trace: &mut Trace) -> bool {
        match folder.split_once('/') {
            None => matches!(folder, "matrix" | "review" | "search" | "now"),
            Some(("systems", id)) => {
                trace.note(|| Lookup::System(id.to_string()));
                self.systems.contains(id)
            }
            Some(("parties", id)) => {
                trace.note(|| Lookup::Party(id.to_string()));
                self.parties.contains(id)
            }
            Some(_) => false,
        }
    }
}

fn decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// Schemes a link in a runbook may use: the IANA registry's (permanent,
/// provisional and the historical ones still seen) and those IT tools
/// register on desktops (`rdp:`, `ms-settings:`, `vnc:` …). Anything else,
/// such as `link:` or `htps:`, is `unknown-scheme`.
const SCHEMES: &[&str] = &[
    "aaa",
    "aaas",
    "about",
    "acap",
    "acct",
    "acr",
    "afp",
    "afs",
    "aim",
    "apt",
    "attachment",
    "aw",
    "bitcoin",
    "blob",
    "bolo",
    "callto",
    "cap",
    "chrome",
    "chrome-extension",
    "cid",
    "cifs",
    "citrixreceiver",
    "coap",
    "coap+tcp",
    "coap+ws",
    "coaps",
    "content",
    "crid",
    "data",
    "dav",
    "dict",
    "dns",
    "doi",
    "drop",
    "dtn",
    "ed2k",
    "edge",
    "example",
    "facetime",
    "fax",
    "feed",
    "file",
    "filesystem",
    "finger",
    "fish",
    "ftp",
    "ftps",
    "geo",
    "git",
    "git+ssh",
    "github-windows",
    "gopher",
    "h323",
    "http",
    "https",
    "iax",
    "icap",
    "icon",
    "im",
    "imap",
    "info",
    "intent",
    "ipfs",
    "ipn",
    "ipp",
    "ipps",
    "irc",
    "irc6",
    "ircs",
    "iris",
    "itms",
    "itms-apps",
    "jabber",
    "jar",
    "javascript",
    "jms",
    "ldap",
    "ldaps",
    "lync",
    "magnet",
    "mailto",
    "maps",
    "market",
    "matrix",
    "message",
    "mid",
    "mms",
    "modem",
    "ms-access",
    "ms-excel",
    "ms-outlook",
    "ms-powerpoint",
    "ms-rd",
    "ms-remotedesktop",
    "ms-settings",
    "ms-teams",
    "ms-word",
    "msteams",
    "mumble",
    "mvn",
    "news",
    "nfs",
    "ni",
    "nih",
    "nntp",
    "notes",
    "onenote",
    "opaquelocktoken",
    "otpauth",
    "pkcs11",
    "pop",
    "pres",
    "proxy",
    "psyc",
    "redis",
    "rediss",
    "res",
    "rmi",
    "rsync",
    "rdp",
    "rtmp",
    "rtsp",
    "rtsps",
    "rtspu",
    "s3",
    "secondlife",
    "service",
    "sftp",
    "sgn",
    "shttp",
    "sieve",
    "signal",
    "sip",
    "sips",
    "skype",
    "slack",
    "smb",
    "sms",
    "snmp",
    "soap.beep",
    "soap.beeps",
    "spotify",
    "ssh",
    "steam",
    "stun",
    "stuns",
    "svn",
    "svn+ssh",
    "tag",
    "teamspeak",
    "teamviewer10",
    "teamviewer8",
    "tel",
    "telnet",
    "tftp",
    "tg",
    "things",
    "thismessage",
    "tip",
    "tn3270",
    "tv",
    "udp",
    "unreal",
    "urn",
    "ut2004",
    "vemmi",
    "ventrilo",
    "view-source",
    "vmrc",
    "vnc",
    "vscode",
    "vscode-insiders",
    "wais",
    "webcal",
    "whatsapp",
    "wcr",
    "ws",
    "wss",
    "xcon",
    "xmpp",
    "xri",
    "ymsgr",
    "z39.50r",
    "z39.50s",
    "zoommtg",
    "zoomus",
];

/// The scheme of `dest` when it has one cairn does not know (`link:`,
/// `htps:`); a single letter is a Windows drive (`C:\`), not a scheme.
pub(crate) fn unknown_scheme(dest: &str) -> Option<&str> {
    let dest = dest.trim();
    if !has_scheme(dest) {
        return None;
    }
    let (scheme, _) = dest.split_once(':')?;
    if scheme.len() < 2 || SCHEMES.iter().any(|s| s.eq_ignore_ascii_case(scheme)) {
        return None;
    }
    Some(scheme)
}

/// `http:`, `mailto:`, `tel:`, `ftp:` … : an ASCII letter, then letters, digits, `+.-`, then `:`.
pub(crate) fn has_scheme(s: &str) -> bool {
    let Some((scheme, _)) = s.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'))
}

/// A heading id (`{#id}` included) or an `id`/`<a name>` in the page's raw
/// HTML, as the markdown scan found them: the ids `render` writes.
fn has_anchor(page: &Page, anchor: &str) -> bool {
    page.scan.has_anchor(anchor)
}

fn heading_hint(page: &Page) -> String {
    let ids: Vec<&str> = page.scan.headings.iter().map(|h| h.id.as_str()).collect();
    match ids.len() {
        0 => " (it has no headings)".into(),
        1..=12 => format!(
            " (its headings: {})",
            ids.iter()
                .map(|id| format!("`{id}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        _ => String::new(),
    }
}
