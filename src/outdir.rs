//! Where a build may write. A build replaces its output folder entirely, so
//! `--out` is checked before anything is loaded: it may not be the site, a
//! folder holding the site, a folder inside (or holding) one of the site's
//! source folders, or a file; and a non-empty folder must be a previous cairn
//! output (it holds [`MARKER`]) unless `--force`. Paths are resolved the way
//! the kernel will (symlinks followed, `..` after them), so no spelling of a
//! path slips past: a symlinked OUT is built through, into its target.

use crate::UsageError;
use crate::urls;
use std::collections::VecDeque;
use std::ffi::OsString;
use std::fs;
use std::path::{Component, Path, PathBuf};

/// Written into every output folder: what marks a folder as cairn's to replace.
pub(crate) const MARKER: &str = ".cairn-output";

/// What the marker file says, for whoever finds it.
pub(crate) const MARKER_TEXT: &str = "This folder was written by `cairn build`, which replaces it entirely on every build.\nDo not keep your own files here.\n";

/// Source folders of a site: never an output, never inside one.
pub(crate) const SOURCE_FOLDERS: [&str; 5] = ["content", "data", "static", "templates", "themes"];

/// Resolve `out` and refuse it when a build there could destroy what cairn did
/// not write. Returns the real folder to write (a symlink's target).
pub(crate) fn checked_out_dir(site: &Path, out: &Path, force: bool) -> Result<PathBuf, UsageError> {
    let shown = out.display();
    let site_real = resolve(site)
        .map_err(|e| UsageError(format!("cannot resolve the site {}: {e}", site.display())))?;
    let real =
        resolve(out).map_err(|e| UsageError(format!("cannot resolve --out {shown}: {e}")))?;
    let fix = format!(
        "use a folder of its own, such as {} (the default)",
        site.join("public").display()
    );
    if real == site_real {
        return Err(UsageError(format!(
            "--out {shown} is the site itself: a build replaces its output folder entirely, which would delete the site's sources; {fix}"
        )));
    }
    if site_real.starts_with(&real) {
        return Err(UsageError(format!(
            "--out {shown} is a folder above the site ({}): a build replaces its output folder entirely, which would delete the site and everything beside it; {fix}",
            site_real.display()
        )));
    }
    for name in SOURCE_FOLDERS.iter().copied().chain([".git"]) {
        let Ok(source) = resolve(&site.join(name)) else {
            continue;
        };
        if real.starts_with(&source) {
            return Err(UsageError(format!(
                "--out {shown} is inside the site's {name}/ folder: a build replaces its output folder entirely, and the next build would read the output back as sources; use a folder outside content/, data/, static/, templates/ and themes/, such as {} (the default)",
                site.join("public").display()
            )));
        }
        if source.starts_with(&real) {
            return Err(UsageError(format!(
                "--out {shown} holds the site's {name} (it resolves to {}): a build replaces its output folder entirely, which would delete it; {fix}",
                source.display()
            )));
        }
    }
    let meta = match fs::metadata(&real) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(real),
        Err(e) => {
            return Err(UsageError(format!("cannot read --out {shown}: {e}")));
        }
    };
    if !meta.is_dir() {
        return Err(UsageError(format!(
            "--out {shown} is a file, not a folder: a build would replace it; name a folder, or move the file away if it may go"
        )));
    }
    if !force && !is_empty_or_cairn_output(&real) {
        return Err(UsageError(format!(
            "--out {shown} is a folder cairn did not write (it holds files and no {MARKER} marker): a build replaces its output folder entirely, which would delete them; use a new or empty folder, or pass --force to replace it"
        )));
    }
    Ok(real)
}

/// An empty folder, a folder with the marker, or (written before the marker
/// existed) one laid out as only cairn lays out a site.
fn is_empty_or_cairn_output(dir: &Path) -> bool {
    let Ok(mut entries) = fs::read_dir(dir) else {
        return false;
    };
    if entries.next().is_none() {
        return true;
    }
    fs::symlink_metadata(dir.join(MARKER)).is_ok_and(|m| m.is_file())
        || [urls::HOME, "assets/cairn.js", urls::SEARCH]
            .iter()
            .all(|f| fs::symlink_metadata(dir.join(f)).is_ok_and(|m| m.is_file()))
}

/// The absolute path `path` names, with every symlink along it followed and
/// `.`/`..` applied after them, as the kernel walks it. Unlike
/// `canonicalize`, the tail may not exist yet (it is what a build creates).
pub(crate) fn resolve(path: &Path) -> std::io::Result<PathBuf> {
    let start = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()?.join(path)
    };
    let mut todo: VecDeque<OsString> = VecDeque::new();
    let mut real = PathBuf::from("/");
    push_front(&mut todo, &start, &mut real);
    let mut links = 0;
    while let Some(part) = todo.pop_front() {
        if part == ".." {
            real.pop();
            continue;
        }
        let next = real.join(&part);
        match fs::symlink_metadata(&next) {
            Ok(m) if m.file_type().is_symlink() => {
                links += 1;
                if links > 40 {
                    return Err(std::io::Error::other(format!(
                        "too many levels of symlinks at {}",
                        next.display()
                    )));
                }
                let target = fs::read_link(&next)?;
                push_front(&mut todo, &target, &mut real);
            }
            _ => real = next,
        }
    }
    Ok(real)
}

/// Queue `path`'s parts ahead of what is left; an absolute one restarts at `/`.
fn push_front(todo: &mut VecDeque<OsString>, path: &Path, real: &mut PathBuf) {
    let mut parts = Vec::new();
    for c in path.components() {
        match c {
            Component::RootDir | Component::Prefix(_) => {
                *real = PathBuf::from("/");
                parts.clear();
            }
            Component::CurDir => {}
            Component::ParentDir => parts.push(OsString::from("..")),
            Component::Normal(n) => parts.push(n.to_os_string()),
        }
    }
    for p in parts.into_iter().rev() {
        todo.push_front(p);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn resolve_follows_links_before_dot_dot_and_keeps_a_missing_tail() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        fs::create_dir_all(root.join("a/b")).unwrap();
        symlink(root.join("a/b"), root.join("l")).unwrap();
        // l/.. is a, not the folder holding l.
        assert_eq!(resolve(&root.join("l/../x")).unwrap(), root.join("a/x"));
        assert_eq!(
            resolve(&root.join("missing/../a/./b")).unwrap(),
            root.join("a/b")
        );
        symlink("b", root.join("a/rel")).unwrap();
        assert_eq!(
            resolve(&root.join("a/rel/new")).unwrap(),
            root.join("a/b/new")
        );
        symlink(root.join("loop"), root.join("loop")).unwrap();
        assert!(resolve(&root.join("loop")).is_err());
    }
}
