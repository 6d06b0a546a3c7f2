//! Write: everything goes to a staging folder beside `--out`, swapped into place
//! only once the whole site is written, so a failed build leaves the previous
//! output untouched. A file whose bytes equal the previous output's is hard-linked
//! from it rather than written again, so its mtime survives and deploys or
//! `serve` see only what really changed.
//!
//! Every output holds the marker [`crate::outdir::MARKER`], so the next build
//! knows the folder is cairn's to replace; staging folders are named
//! `.OUT.cairn-PID-XXXXXX` (the old output, while swapped out,
//! `.OUT.cairn-old-PID-XXXXXX`) so one left by a killed build is recognised and
//! removed by the next build once its process is gone.

use crate::outdir::{MARKER, MARKER_TEXT};
use anyhow::{Context, Result};
use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Output files by path, in memory.
pub(crate) type Files = HashMap<Arc<str>, Arc<[u8]>>;

/// The sink of `serve`: every output file in memory. A source to publish
/// that is not among the `changed` paths keeps the bytes it had in
/// `previous`; any other is read only when it is the site's own (see
/// `site::Tops`).
pub(crate) struct Memory<'p> {
    files: Mutex<Files>,
    previous: Option<&'p Files>,
    changed: Option<&'p BTreeSet<String>>,
}

impl<'p> Memory<'p> {
    pub(crate) fn new(previous: Option<&'p Files>, changed: Option<&'p BTreeSet<String>>) -> Self {
        Memory {
            files: Mutex::default(),
            previous,
            changed,
        }
    }

    /// The bytes of the last output at `path`, when its `source` is unchanged.
    fn kept(&self, source: &str, path: &str) -> Option<&Arc<[u8]>> {
        let unchanged = self.changed.is_some_and(|c| !c.contains(source));
        self.previous
            .filter(|_| unchanged)
            .and_then(|f| f.get(path))
    }

    /// The files written so far.
    pub(crate) fn files(&self) -> Files {
        self.files.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub(crate) fn into_files(self) -> Files {
        self.files.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl crate::Sink for Memory<'_> {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        // The same bytes as last time stay the same value: the service
        // worker's manifest does not hash them again.
        let bytes = match self.previous.and_then(|f| f.get(path)) {
            Some(old) if **old == *bytes => old.clone(),
            _ => Arc::from(bytes),
        };
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(Arc::from(path), bytes);
        Ok(())
    }

    fn reads_anew(&self, source: &str, path: &str) -> bool {
        self.kept(source, path).is_none()
    }

    fn copy(&self, site: &crate::site::Site, source: &str, path: &str) -> Result<()> {
        if let Some(bytes) = self.kept(source, path) {
            let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
            files.insert(Arc::from(path), bytes.clone());
            return Ok(());
        }
        match site.tops.readable(&site.root, source) {
            Ok(true) => {}
            Ok(false) => return Ok(()),
            Err(d) => {
                eprintln!("warning: not serving {source}: {}", d.message);
                return Ok(());
            }
        }
        match fs::read(site.root.join(source)) {
            Ok(bytes) => self.write(path, &bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e).with_context(|| format!("reading {source}")),
        }
    }
}

/// A folder being filled; dropped without [`Staging::commit`] it is removed.
pub(crate) struct Staging {
    dir: tempfile::TempDir,
    out: PathBuf,
}

impl Staging {
    /// A staging folder beside `out`, which must be the real path of a folder
    /// that may be replaced (see [`crate::outdir::checked_out_dir`]).
    pub(crate) fn new(out: &Path) -> Result<Staging> {
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent).with_context(|| format!("creating {}", parent.display()))?;
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        remove_leftovers(&parent, &name);
        let dir = tempfile::Builder::new()
            .prefix(&format!(".{name}.cairn-{}-", std::process::id()))
            .tempdir_in(&parent)
            .with_context(|| format!("creating a staging folder in {}", parent.display()))?;
        let staging = Staging {
            dir,
            out: out.to_path_buf(),
        };
        staging.write(MARKER, MARKER_TEXT.as_bytes())?;
        Ok(staging)
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Write `bytes` at `rel` (`/`-separated) inside the staging folder.
    pub(crate) fn write(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        let path = self.dir.path().join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        }
        if self.link_unchanged(rel, &path, bytes) {
            return Ok(());
        }
        fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))
    }

    /// Hard-link the previous output's file when it holds exactly `bytes`.
    fn link_unchanged(&self, rel: &str, to: &Path, bytes: &[u8]) -> bool {
        let previous = self.out.join(rel);
        match fs::metadata(&previous) {
            Ok(m) if m.is_file() && m.len() == bytes.len() as u64 => {}
            _ => return false,
        }
        fs::read(&previous).is_ok_and(|old| old == bytes) && fs::hard_link(&previous, to).is_ok()
    }

    /// Copy a source file to `rel` inside the staging folder.
    pub(crate) fn copy(&self, from: &Path, rel: &str) -> Result<()> {
        let to = self.dir.path().join(rel);
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        }
        fs::copy(from, &to).with_context(|| format!("copying {}", from.display()))?;
        Ok(())
    }

    /// Swap the staging folder into place of `out`.
    pub(crate) fn commit(self) -> Result<()> {
        let staged = self.dir.keep();
        // `.OUT.cairn-PID-XXXXXX` → `.OUT.cairn-old-PID-XXXXXX`: unique, and
        // recognised as a leftover if this process dies before removing it.
        let staged_name = staged
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let old = self
            .out
            .with_file_name(staged_name.replacen(".cairn-", ".cairn-old-", 1));
        let had_old = match fs::symlink_metadata(&self.out) {
            Ok(m) if m.is_dir() => true,
            Ok(_) => {
                let _ = fs::remove_dir_all(&staged);
                anyhow::bail!(
                    "{} is no longer a folder; nothing was replaced",
                    self.out.display()
                );
            }
            Err(_) => false,
        };
        if had_old {
            fs::rename(&self.out, &old)
                .with_context(|| format!("moving the previous {} aside", self.out.display()))?;
        }
        if let Err(e) = fs::rename(&staged, &self.out) {
            if had_old {
                let _ = fs::rename(&old, &self.out);
            }
            let _ = fs::remove_dir_all(&staged);
            return Err(e)
                .with_context(|| format!("moving the new site into {}", self.out.display()));
        }
        if had_old {
            fs::remove_dir_all(&old).with_context(|| format!("removing {}", old.display()))?;
        }
        Ok(())
    }
}

/// Remove `.NAME.cairn-PID-…` and `.NAME.cairn-old-PID-…` folders in `parent`
/// whose build process is gone (killed mid-build). Ones named before the pid
/// was part of the name are removed once an hour old. Best effort: a folder
/// that cannot be removed now is tried again by the next build.
fn remove_leftovers(parent: &Path, name: &str) {
    let prefix = format!(".{name}.cairn-");
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let file_name = entry.file_name();
        let Some(rest) = file_name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
            continue;
        };
        // Never a symlink or a file: only folders cairn made.
        let Ok(meta) = entry.metadata() else {
            continue;
        };
        if !meta.is_dir() {
            continue;
        }
        let rest = rest.strip_prefix("old-").unwrap_or(rest);
        let stale = match rest.split_once('-') {
            Some((pid, _)) => match pid.parse::<u32>() {
                Ok(pid) => pid != std::process::id() && !process_alive(pid),
                Err(_) => false,
            },
            None => meta
                .modified()
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > std::time::Duration::from_secs(3600)),
        };
        if stale {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// Whether a process with this id runs; when that cannot be told, assume it does.
fn process_alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    if proc.join("self").exists() {
        return proc.join(pid.to_string()).exists();
    }
    std::process::Command::new("kill")
        .args(["-0", &pid.to_string()])
        .stderr(std::process::Stdio::null())
        .status()
        .map_or(true, |s| s.success())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_replaces_the_previous_output_and_drop_keeps_it() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("old.html"), "old").unwrap();

        let staging = Staging::new(&out).unwrap();
        staging.write("a/index.html", b"new").unwrap();
        drop(staging);
        assert!(out.join("old.html").exists());
        assert_eq!(
            fs::read_dir(tmp.path()).unwrap().count(),
            1,
            "staging folder left behind"
        );

        let staging = Staging::new(&out).unwrap();
        staging.write("a/index.html", b"new").unwrap();
        staging.commit().unwrap();
        assert!(!out.join("old.html").exists());
        assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "new");
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);
    }

    #[test]
    fn unchanged_files_keep_their_inode_and_changed_ones_are_rewritten() {
        use std::os::unix::fs::MetadataExt;
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let staging = Staging::new(&out).unwrap();
        staging.write("same.html", b"same").unwrap();
        staging.write("changed.html", b"one").unwrap();
        staging.commit().unwrap();
        let inode = |f: &str| fs::metadata(out.join(f)).unwrap().ino();
        let (same, changed) = (inode("same.html"), inode("changed.html"));

        let staging = Staging::new(&out).unwrap();
        staging.write("same.html", b"same").unwrap();
        staging.write("changed.html", b"two").unwrap();
        staging.commit().unwrap();
        assert_eq!(inode("same.html"), same);
        assert_ne!(inode("changed.html"), changed);
        assert_eq!(fs::read_to_string(out.join("changed.html")).unwrap(), "two");
        assert_eq!(
            fs::metadata(out.join("same.html")).unwrap().nlink(),
            1,
            "the old tree is gone"
        );
    }
}
