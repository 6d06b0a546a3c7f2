//! Edits the random-sequence tests make to a copy of a site (`check`'s memo
//! and `serve`'s rebuilds), so both edit alike.

use std::path::Path;

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
