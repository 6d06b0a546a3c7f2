//! Offline: `sw.js`, the service worker that keeps a hosted site on the reader's
//! device (pages network-first, the cache only when the network fails), and
//! `offline.zip` of the whole output for `file://` (`cairn build --zip`).
//!
//! The worker's code is fixed (`sw.js` next to this file); the build prepends
//! the manifest: every output file with its content hash, so a new build fetches
//! only what changed, and the build's hash, which names the cache.

use crate::model::ByteSize;
use crate::urls;
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;

/// The worker's output path, at the site root so its scope is the whole site.
/// It stays small (browsers fetch it to look for a new build); the list of
/// files is in [`MANIFEST`], which it imports.
pub(crate) const WORKER: &str = "sw.js";
pub(crate) const MANIFEST: &str = "sw-manifest.js";
/// The zip's output path; never inside itself nor in the worker's manifest.
pub(crate) const ZIP: &str = "offline.zip";

const WORKER_CODE: &str = include_str!("sw.js");
/// Precache budget when `cairn.yaml` names none.
pub(crate) const DEFAULT_BUDGET: ByteSize = ByteSize(50 * 1000 * 1000);

/// One output file as the manifest records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FileHash {
    pub path: String,
    pub size: u64,
    pub hash: u64,
    /// A page that loads the diagram library (only those pages do).
    pub loads_diagrams: bool,
}

/// The theme's vendored diagram library: 3.4 MiB a phone keeps only for a site
/// that has a diagram.
const DIAGRAM_LIBRARY: &str = "assets/vendor/mermaid/";
/// What a page with a diagram loads (`diagram.js` fetches the library).
const DIAGRAM_LOADER: &str = "assets/diagram.js";

impl FileHash {
    pub(crate) fn of(path: &str, bytes: &[u8]) -> FileHash {
        FileHash {
            path: path.to_string(),
            size: bytes.len() as u64,
            hash: xxhash_rust::xxh3::xxh3_64(bytes),
            // A page with a diagram loads the loader, which fetches the library.
            loads_diagrams: path.ends_with(".html")
                && memchr::memmem::find(bytes, DIAGRAM_LOADER.as_bytes()).is_some(),
        }
    }
}

/// Collects the hash of every file a build writes, from any thread.
#[derive(Default)]
pub(crate) struct Manifest {
    files: Mutex<Vec<FileHash>>,
}

impl Manifest {
    pub(crate) fn record(&self, path: &str, bytes: &[u8]) {
        let entry = FileHash::of(path, bytes);
        if let Ok(mut files) = self.files.lock() {
            files.push(entry);
        }
    }

    /// Hash a copied file (streamed, so a large one is never held whole).
    pub(crate) fn record_file(&self, rel: &str, path: &Path) -> Result<()> {
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        let mut file =
            std::fs::File::open(path).with_context(|| format!("reading {}", path.display()))?;
        let mut buf = vec![0u8; 64 * 1024];
        let mut size = 0u64;
        loop {
            let n = std::io::Read::read(&mut file, &mut buf)
                .with_context(|| format!("reading {}", path.display()))?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            size += n as u64;
        }
        if let Ok(mut files) = self.files.lock() {
            files.push(FileHash {
                path: rel.to_string(),
                size,
                hash: hasher.digest(),
                loads_diagrams: false,
            });
        }
        Ok(())
    }

    /// The hashes recorded so far, leaving none.
    pub(crate) fn take(&self) -> Vec<FileHash> {
        std::mem::take(&mut *self.files.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

/// Hashes of an in-memory site (`cairn serve`), recomputed only for the files
/// whose bytes were replaced since the last time; the manifest's entries are
/// kept in order with their text, so a rebuild that replaced a few files
/// makes the manifest from what it kept.
#[derive(Default)]
pub(crate) struct MemoHashes {
    by_path: std::collections::HashMap<std::sync::Arc<str>, Memo>,
    /// The listed paths, sorted (see [`listed`]); made again when `reorder`.
    order: Vec<std::sync::Arc<str>>,
    reorder: bool,
    generation: u64,
}

struct Memo {
    // The bytes are kept so their address is never reused by other bytes.
    bytes: std::sync::Arc<[u8]>,
    hash: FileHash,
    /// Its entry in the manifest.
    json: String,
    /// The last [`MemoHashes::generation`] that had it.
    seen: u64,
}

impl Memo {
    fn of(path: &str, bytes: &std::sync::Arc<[u8]>, seen: u64) -> Memo {
        let hash = FileHash::of(path, bytes);
        Memo {
            bytes: bytes.clone(),
            json: entry_json(&hash),
            hash,
            seen,
        }
    }
}

impl MemoHashes {
    /// `sw.js` and its manifest made for exactly `files`.
    pub(crate) fn worker(
        &mut self,
        files: &crate::write::Files,
        config: &crate::model::Config,
        built_at: Option<i64>,
    ) -> Worker {
        self.generation += 1;
        let generation = self.generation;
        for (path, bytes) in files {
            match self.by_path.get_mut(path) {
                Some(memo) if std::sync::Arc::ptr_eq(&memo.bytes, bytes) => {
                    memo.seen = generation;
                }
                Some(memo) => *memo = Memo::of(path, bytes, generation),
                None => {
                    self.reorder |= listed(path);
                    self.by_path
                        .insert(path.clone(), Memo::of(path, bytes, generation));
                }
            }
        }
        let before = self.by_path.len();
        self.by_path.retain(|_, memo| memo.seen == generation);
        if self.reorder || self.by_path.len() != before {
            self.order = self
                .by_path
                .keys()
                .filter(|path| listed(path))
                .cloned()
                .collect();
            self.order.sort_unstable();
            self.reorder = false;
        }
        let entries: Vec<(&FileHash, &str)> = self
            .order
            .iter()
            .filter_map(|path| self.by_path.get(path))
            .map(|memo| (&memo.hash, memo.json.as_str()))
            .collect();
        let previous = files.get(WORKER).cloned();
        worker_of(
            &entries,
            config.offline.budget.unwrap_or(DEFAULT_BUDGET),
            &build_time(&config.timezone.0, built_at),
            previous.as_deref(),
        )
    }
}

/// The data the build prepends to the worker's code.
#[derive(Serialize, Deserialize)]
struct WorkerData {
    /// Hash of the whole manifest: the cache's name, so each build has its own.
    build: String,
    /// When the build was made, for "Offline copy from …" (site timezone).
    built: String,
}

/// What the worker keeps, for the build's report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Precache {
    /// Bytes of every output file (the worker and the zip excepted).
    pub site_bytes: u64,
    /// Bytes the worker precaches.
    pub cached_bytes: u64,
    /// Over the budget only pages, theme assets and the search index are kept.
    pub over_budget: bool,
}

/// Over the budget a phone keeps what a technician reads: pages, the theme and
/// the search terms. Result documents, images, static files and data exports are
/// fetched when online.
fn essential(path: &str) -> bool {
    path.ends_with(".html")
        || path.starts_with("assets/")
        || path == urls::SEARCH_META
        || path.starts_with(urls::SEARCH_TERMS_DIR)
}

/// The worker and its manifest.
pub(crate) struct Worker {
    pub code: Vec<u8>,
    pub manifest: Vec<u8>,
    pub precache: Precache,
}

/// Whether the manifest lists the file at `path`. Dotfiles (the output's
/// marker) are not for readers; many hosts refuse them. Calendar feeds are
/// for calendar apps, which subscribe over HTTP: a phone's offline copy has
/// no use for them (the site-wide one grows with every system and day of
/// the horizon).
fn listed(path: &str) -> bool {
    path != WORKER
        && path != MANIFEST
        && path != ZIP
        && !path.ends_with(".ics")
        && !path.split('/').any(|part| part.starts_with('.'))
}

/// A file's entry in the manifest: `["path","hash"]`.
fn entry_json(f: &FileHash) -> String {
    serde_json::to_string(&(f.path.as_str(), format!("{:016x}", f.hash))).unwrap_or_default()
}

/// The worker for `files` (which it sorts), and what it precaches. `built_at`
/// is shown to readers; `previous` is the worker of the output being replaced,
/// whose time is kept when nothing changed, so a rebuild stays byte-identical.
pub(crate) fn service_worker(
    files: &mut Vec<FileHash>,
    budget: ByteSize,
    built_at: &str,
    previous: Option<&[u8]>,
) -> Worker {
    files.retain(|f| listed(&f.path));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let json: Vec<String> = files.iter().map(entry_json).collect();
    let entries: Vec<(&FileHash, &str)> = files
        .iter()
        .zip(&json)
        .map(|(f, j)| (f, j.as_str()))
        .collect();
    worker_of(&entries, budget, built_at, previous)
}

/// [`service_worker`] of the listed files sorted by path, each with its
/// manifest entry.
fn worker_of(
    files: &[(&FileHash, &str)],
    budget: ByteSize,
    built_at: &str,
    previous: Option<&[u8]>,
) -> Worker {
    let diagrams = files.iter().any(|(f, _)| f.loads_diagrams);
    let files: Vec<&(&FileHash, &str)> = files
        .iter()
        .filter(|(f, _)| diagrams || !f.path.starts_with(DIAGRAM_LIBRARY))
        .collect();
    let site_bytes: u64 = files.iter().map(|(f, _)| f.size).sum();
    let over_budget = site_bytes > budget.0;
    let kept: Vec<&(&FileHash, &str)> = files
        .into_iter()
        .filter(|(f, _)| !over_budget || essential(&f.path))
        .collect();
    let mut whole = xxhash_rust::xxh3::Xxh3::new();
    for (f, _) in &kept {
        whole.update(f.path.as_bytes());
        whole.update(&[0]);
        whole.update(&f.hash.to_le_bytes());
    }
    let build = format!("{:016x}", whole.digest());
    let built = previous
        .and_then(parse_worker)
        .filter(|old| old.build == build)
        .map(|old| old.built)
        .unwrap_or_else(|| built_at.to_string());
    let mut manifest =
        String::with_capacity(32 + kept.iter().map(|(_, json)| json.len() + 1).sum::<usize>());
    manifest.push_str("self.CAIRN_FILES = [");
    for (i, (_, json)) in kept.iter().enumerate() {
        if i > 0 {
            manifest.push(',');
        }
        manifest.push_str(json);
    }
    manifest.push_str("];\n");
    // The query names the build, so no HTTP cache hands an older list to a newer worker.
    let import = format!("importScripts(\"{MANIFEST}?{build}\");\n");
    let json = serde_json::to_string(&WorkerData { build, built }).unwrap_or_default();
    let code = format!("self.CAIRN_OFFLINE = {json};\n{import}{WORKER_CODE}");
    Worker {
        code: code.into_bytes(),
        manifest: manifest.into_bytes(),
        precache: Precache {
            site_bytes,
            cached_bytes: kept.iter().map(|(f, _)| f.size).sum(),
            over_budget,
        },
    }
}

fn parse_worker(bytes: &[u8]) -> Option<WorkerData> {
    let text = std::str::from_utf8(bytes).ok()?;
    let first = text.lines().next()?;
    let json = first
        .strip_prefix("self.CAIRN_OFFLINE = ")?
        .strip_suffix(';')?;
    serde_json::from_str(json).ok()
}

/// "2026-11-29 09:02 EST": the build time in the site's timezone; `at` (Unix
/// seconds) or `SOURCE_DATE_EPOCH` when set, else now.
/// [`service_worker`] with the site's budget and clock: what `build` and
/// `serve` publish.
pub(crate) fn site_worker(
    config: &crate::model::Config,
    files: &mut Vec<FileHash>,
    built_at: Option<i64>,
    previous: Option<&[u8]>,
) -> Worker {
    service_worker(
        files,
        config.offline.budget.unwrap_or(DEFAULT_BUDGET),
        &build_time(&config.timezone.0, built_at),
        previous,
    )
}

pub(crate) fn build_time(timezone: &str, at: Option<i64>) -> String {
    let now = at
        .or_else(|| {
            std::env::var("SOURCE_DATE_EPOCH")
                .ok()
                .and_then(|s| s.trim().parse::<i64>().ok())
        })
        .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0))
        .unwrap_or_else(chrono::Utc::now);
    match timezone.parse::<chrono_tz::Tz>() {
        Ok(tz) => now
            .with_timezone(&tz)
            .format("%Y-%m-%d %H:%M %Z")
            .to_string(),
        Err(_) => now.format("%Y-%m-%d %H:%M UTC").to_string(),
    }
}

/// `offline.zip` of the folder `dir` (the staged output), deterministic: entries
/// sorted, fixed times and permissions, so two builds give the same bytes.
pub(crate) fn zip_folder(dir: &Path) -> Result<Vec<u8>> {
    let mut files: Vec<(String, std::path::PathBuf)> = Vec::new();
    for entry in walkdir::WalkDir::new(dir).follow_links(false) {
        let entry = entry.with_context(|| format!("reading {}", dir.display()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(dir)
            .unwrap_or(entry.path())
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        if rel != ZIP {
            files.push((rel, entry.path().to_path_buf()));
        }
    }
    files.sort();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    for (rel, path) in files {
        let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        zip.start_file(rel.as_str(), options)
            .with_context(|| format!("zipping {rel}"))?;
        zip.write_all(&bytes)
            .with_context(|| format!("zipping {rel}"))?;
    }
    let cursor = zip.finish().context("finishing offline.zip")?;
    Ok(cursor.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> Vec<FileHash> {
        vec![
            FileHash::of("index.html", b"<html>home</html>"),
            FileHash::of("assets/cairn.css", b"body{}"),
            FileHash::of("static/big.bin", &[0u8; 2000]),
            FileHash::of("search/d/1.js", b"doc"),
        ]
    }

    fn listed(worker: &Worker) -> Vec<String> {
        let text = std::str::from_utf8(&worker.manifest).unwrap();
        let json = text
            .strip_prefix("self.CAIRN_FILES = ")
            .unwrap()
            .trim_end()
            .strip_suffix(';')
            .unwrap();
        let files: Vec<(String, String)> = serde_json::from_str(json).unwrap();
        files.into_iter().map(|f| f.0).collect()
    }

    #[test]
    fn the_worker_lists_every_file_but_itself_the_zip_and_the_calendar_feeds() {
        let mut all = files();
        all.push(FileHash::of(WORKER, b"old"));
        all.push(FileHash::of(MANIFEST, b"old"));
        all.push(FileHash::of(ZIP, b"zip"));
        all.push(FileHash::of("oncall.ics", b"BEGIN:VCALENDAR"));
        all.push(FileHash::of("systems/m365/oncall.ics", b"BEGIN:VCALENDAR"));
        let worker = service_worker(&mut all, ByteSize(1 << 20), "now", None);
        let precache = &worker.precache;
        let paths = listed(&worker);
        assert_eq!(
            paths,
            [
                "assets/cairn.css",
                "index.html",
                "search/d/1.js",
                "static/big.bin"
            ]
        );
        assert!(!precache.over_budget);
        assert_eq!(precache.cached_bytes, precache.site_bytes);
    }

    #[test]
    fn the_diagram_library_is_kept_only_when_a_page_loads_it() {
        let library = FileHash::of("assets/vendor/mermaid/mermaid.min.js", b"lib");
        let mut without = files();
        without.push(library.clone());
        assert!(
            !listed(&service_worker(&mut without, DEFAULT_BUDGET, "now", None))
                .iter()
                .any(|p| p.contains("mermaid"))
        );
        let mut with = files();
        with.push(library);
        with.push(FileHash::of(
            "runbooks/outage/index.html",
            b"<script src=\"../../assets/diagram.js\" defer></script>",
        ));
        assert!(
            listed(&service_worker(&mut with, DEFAULT_BUDGET, "now", None))
                .iter()
                .any(|p| p.contains("mermaid"))
        );
    }

    #[test]
    fn over_budget_only_pages_assets_and_search_terms_are_kept() {
        let worker = service_worker(&mut files(), ByteSize(100), "now", None);
        assert_eq!(listed(&worker), ["assets/cairn.css", "index.html"]);
        assert!(worker.precache.over_budget);
    }

    #[test]
    fn an_unchanged_rebuild_keeps_the_build_time_and_a_changed_one_does_not() {
        let first = service_worker(&mut files(), DEFAULT_BUDGET, "monday", None).code;
        let again = service_worker(&mut files(), DEFAULT_BUDGET, "tuesday", Some(&first)).code;
        assert_eq!(first, again);
        let mut changed = files();
        changed[0] = FileHash::of("index.html", b"<html>new number</html>");
        let next = service_worker(&mut changed, DEFAULT_BUDGET, "tuesday", Some(&first)).code;
        let data = parse_worker(&next).unwrap();
        assert_eq!(data.built, "tuesday");
        assert_ne!(data.build, parse_worker(&first).unwrap().build);
    }
}
