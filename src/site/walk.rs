//! Walking the top folders: which files are the site's own (`Tops`, the
//! `outside-site` rule), what each top folder lists, and reading one file.

use super::*;

/// The files under the top folders, as the walk found them, and what it reported.
#[derive(Debug, Default)]
pub(super) struct Listing {
    /// Relative to `data/`.
    pub(super) data: Vec<String>,
    /// Relative to `content/`, names that look like URL schemes dropped.
    pub(super) content: Vec<String>,
    /// Relative to `static/`, likewise.
    pub(super) static_files: Vec<String>,
    pub(super) diagnostics: Vec<Diagnostic>,
}

impl Listing {
    pub(super) fn walk(root: &Path, tops: &Tops) -> Result<Listing> {
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

pub(super) fn read(root: &Path, rel: &str) -> Result<String, Diagnostic> {
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
pub(super) fn refuse_nul(text: String, rel: &str) -> Result<String, Diagnostic> {
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
pub(super) fn read_text(root: &Path, rel: &str) -> Result<String, Diagnostic> {
    read(root, rel).and_then(|t| refuse_nul(t, rel))
}

/// A file or folder name that starts like a URL scheme (`javascript:x`,
/// `mailto:y`): a relative link made from it would be read as that scheme.
/// The offending name.
pub(super) fn scheme_like_segment(rel: &str) -> Option<&str> {
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
pub(super) fn drop_scheme_like(files: &mut Vec<String>, sub: &str, diags: &mut Vec<Diagnostic>) {
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

/// The folders whose files a site publishes or reads, each the boundary of
/// its own files: what resolves outside its top folder is `outside-site`.
pub(crate) const TOP_FOLDERS: [&str; 5] = ["content", "data", "static", "templates", "themes"];

/// Where each top folder of a site really is. A file under one is read only
/// when it is a regular file that resolves (through any chain of symlinks)
/// inside its own top folder; a top folder that resolves outside the site is
/// not read at all.
#[derive(Debug)]
pub(crate) struct Tops {
    real: HashMap<&'static str, PathBuf>,
}

impl Tops {
    /// Resolve the top folders of `root`; one outside the site is reported.
    pub(crate) fn new(root: &Path, diags: &mut Vec<Diagnostic>) -> Tops {
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
    pub(crate) fn readable(&self, root: &Path, rel: &str) -> Result<bool, Diagnostic> {
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

pub(super) fn special_kind(ft: &fs::FileType) -> Option<&'static str> {
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

pub(super) fn special_file(shown: &str, kind: &str) -> Diagnostic {
    Diagnostic::new(
        Code::OutsideSite,
        shown,
        None,
        format!("{kind}, not a regular file: nothing is read from it or published; remove it"),
    )
}

pub(super) fn links_outside(shown: &str, top: &str, real: &Path) -> Diagnostic {
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
pub(crate) fn list_files(root: &Path, sub: &str) -> Result<Vec<String>> {
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
pub(super) fn list_site_files(
    root: &Path,
    tops: &Tops,
    sub: &str,
    diags: &mut Vec<Diagnostic>,
) -> Result<Vec<String>> {
    walk(root, tops, sub, diags)
}

pub(super) fn walk(
    root: &Path,
    tops: &Tops,
    sub: &str,
    diags: &mut Vec<Diagnostic>,
) -> Result<Vec<String>> {
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
pub(super) fn code_for_unreadable(rel: &str) -> Code {
    if rel.ends_with(".md") {
        Code::FrontMatter
    } else if rel.ends_with(".yaml") || rel.ends_with(".yml") {
        Code::YamlSyntax
    } else {
        Code::InvalidValue
    }
}
