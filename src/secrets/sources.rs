//! Which files the scan reads (every file a build reads text from or
//! publishes), and how: from the loaded site's text, or streamed from disk.

use crate::secrets::{self, LineHit, LineKind, Syntax, scan};
use crate::site::{ACTIVITIES_FILE, CONFIG_FILE, PARTIES_FILE, Page, Site};
use rayon::prelude::*;

/// The hits of one source file.
pub(crate) struct FileHits {
    pub(crate) file: String,
    pub(crate) syntax: Syntax,
    pub(crate) page_allows: bool,
    pub(crate) hits: Vec<LineHit>,
}

/// One file the scan reads, and how: `text` when it is already in memory,
/// `syntax` when its kind is known whatever its name.
pub(crate) struct Source<'a> {
    pub(crate) file: String,
    pub(crate) text: Option<&'a str>,
    pub(crate) syntax: Option<Syntax>,
    pub(crate) page_allows: bool,
}

pub(crate) fn source_hits(site: &Site) -> Vec<FileHits> {
    hits_of(site, sources(site))
}

/// The hits of each of `sources` (of `site`) that has any.
pub(crate) fn hits_of(site: &Site, sources: Vec<Source>) -> Vec<FileHits> {
    sources
        .into_par_iter()
        .filter_map(|src| scan_source(site, src))
        .collect()
}

/// The hits of one source held in memory (a page, a data file), if it has any.
pub(crate) fn scan_page(src: Source) -> Option<FileHits> {
    let (Some(text), Some(syntax)) = (src.text, src.syntax) else {
        return None;
    };
    let hits = memo::scan_text(text, syntax);
    (!hits.is_empty()).then_some(FileHits {
        file: src.file,
        syntax,
        page_allows: src.page_allows,
        hits,
    })
}

/// The hits of one source, if it has any.
fn scan_source(site: &Site, src: Source) -> Option<FileHits> {
    let mut hits = Vec::new();
    let syntax = match (src.text, src.syntax) {
        (Some(text), Some(syntax)) => {
            hits = memo::scan_text(text, syntax);
            syntax
        }
        _ => {
            let mut chosen = Syntax::Uniform(LineKind::Code);
            // Unreadable files, and ones not the site's own (a FIFO
            // would block), have been reported by the loader already.
            if site.is_own_file(&src.file)
                && let Ok(file) = std::fs::File::open(site.root.join(&src.file))
            {
                let _ = scan::scan_reader(
                    file,
                    |binary| {
                        chosen = src
                            .syntax
                            .unwrap_or_else(|| secrets::syntax_for(&src.file, binary));
                        chosen
                    },
                    &mut |h| hits.push(h),
                );
            }
            chosen
        }
    };
    (!hits.is_empty()).then_some(FileHits {
        file: src.file,
        syntax,
        page_allows: src.page_allows,
        hits,
    })
}

/// The scan of a text, by its hash and syntax, kept for the process:
/// `cairn serve` checks the whole site after every save, and all but the
/// saved texts are as before. (A pure function of its key: the patterns are
/// fixed in the binary.)
mod memo {
    use crate::secrets::{LineHit, Syntax, scan};
    use std::collections::HashMap;
    use std::sync::{LazyLock, Mutex};

    static SCANNED: LazyLock<Mutex<HashMap<u128, Vec<LineHit>>>> = LazyLock::new(Mutex::default);

    pub(crate) fn scan_text(text: &str, syntax: Syntax) -> Vec<LineHit> {
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        hasher.update(format!("{syntax:?}").as_bytes());
        hasher.update(&[0]);
        hasher.update(text.as_bytes());
        let key = hasher.digest128();
        let known = SCANNED
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
            .cloned();
        if let Some(hits) = known {
            return hits;
        }
        let mut hits = Vec::new();
        scan::scan_text(text, syntax, &mut |h| hits.push(h));
        SCANNED
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, hits.clone());
        hits
    }
}

/// Every file a build reads text from or publishes.
pub(crate) fn sources(site: &Site) -> Vec<Source<'_>> {
    let mut out: Vec<Source> = site.pages.iter().map(page_source).collect();
    out.extend(data_sources(site));
    out.extend(file_sources(site));
    out
}

/// A page, with its front matter.
pub(crate) fn page_source(p: &Page) -> Source<'_> {
    Source {
        file: p.source.clone(),
        text: Some(&p.text),
        syntax: Some(Syntax::Markdown {
            body_line: p.body_line,
        }),
        page_allows: p.front.allow_secrets,
    }
}

/// The data files: `cairn.yaml`, `data/…`.
pub(crate) fn data_sources(site: &Site) -> Vec<Source<'_>> {
    let data = Some(Syntax::Uniform(LineKind::Data));
    let mut data_files: Vec<&str> = vec![CONFIG_FILE, PARTIES_FILE, ACTIVITIES_FILE];
    data_files.extend(site.systems.iter().map(|s| s.file.as_str()));
    // As the loader read them (an unreadable one was reported there).
    data_files
        .into_iter()
        .map(|file| Source {
            file: file.to_string(),
            text: Some(site.text(file)),
            syntax: data,
            page_allows: false,
        })
        .collect()
}

/// The files read from disk as they are: published beside pages and under
/// `static/`, and the theme's.
pub(crate) fn file_sources(site: &Site) -> Vec<Source<'_>> {
    // Published as they are, whatever their name: next to pages, under static/.
    let mut published: Vec<String> = site
        .assets
        .iter()
        .map(|a| format!("content/{}", a.rel))
        .chain(site.static_files.iter().map(|f| format!("static/{f}")))
        .collect();
    // The theme: the site's templates, and the folder `theme:` picks.
    let mut theme_dirs = vec!["templates".to_string()];
    if let Some(name) = &site.config.theme {
        theme_dirs.push(format!("themes/{name}/templates"));
        theme_dirs.push(format!("themes/{name}/static"));
    }
    for dir in theme_dirs {
        let files = crate::site::list_files(&site.root, &dir).unwrap_or_default();
        published.extend(files.into_iter().map(|f| format!("{dir}/{f}")));
    }
    published
        .into_iter()
        .map(|file| Source {
            file,
            text: None,
            syntax: None,
            page_allows: false,
        })
        .collect()
}
