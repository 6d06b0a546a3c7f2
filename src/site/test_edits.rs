//! Edits the random-sequence tests make to a copy of a site (`check`'s memo
//! and `serve`'s rebuilds), so both edit alike.

use std::path::Path;

/// A copy of a site of the repository (`rel` to the crate root) in a temp dir.
pub(crate) fn copy_site(rel: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    for entry in walkdir::WalkDir::new(&from) {
        let entry = entry.unwrap();
        let target = dir.path().join(entry.path().strip_prefix(&from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
    let _ = std::fs::remove_dir_all(dir.path().join("public"));
    dir
}

/// The files under `site/top` ending in `.ext`, site-relative with `/`, sorted.
pub(crate) fn files_under(site: &Path, top: &str, ext: &str) -> Vec<String> {
    let mut files: Vec<String> = walkdir::WalkDir::new(site.join(top))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == ext))
        .map(|e| {
            e.path()
                .strip_prefix(site)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    files.sort();
    files
}

/// Set `key: value` in a page's front matter (added when absent, removed when `value` is None).
pub(crate) fn set_front(text: &str, key: &str, value: Option<&str>) -> String {
    let (front, body) = match text
        .strip_prefix("---\n")
        .and_then(|t| t.split_once("\n---\n"))
    {
        Some((front, body)) => (front.to_string(), body.to_string()),
        None => (String::new(), text.to_string()),
    };
    let mut lines: Vec<String> = front
        .lines()
        .filter(|l| !l.starts_with(&format!("{key}:")))
        .map(String::from)
        .collect();
    if let Some(value) = value {
        lines.push(format!("{key}: {value}"));
    }
    format!("---\n{}\n---\n{body}", lines.join("\n"))
}
