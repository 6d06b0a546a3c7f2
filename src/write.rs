//! Write: everything goes to a staging folder beside `--out`, swapped into place
//! only once the whole site is written, so a failed build leaves the previous
//! output untouched. A file whose bytes equal the previous output's is hard-linked
//! from it rather than written again, so its mtime survives and deploys or
//! `serve` see only what really changed.

use anyhow::{Context, Result};
use std::fs;
use std::path::{Path, PathBuf};

/// A folder being filled; dropped without [`Staging::commit`] it is removed.
pub struct Staging {
    dir: tempfile::TempDir,
    out: PathBuf,
}

impl Staging {
    pub fn new(out: &Path) -> Result<Staging> {
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent).with_context(|| format!("creating {}", parent.display()))?;
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let dir = tempfile::Builder::new()
            .prefix(&format!(".{name}.cairn-"))
            .tempdir_in(&parent)
            .with_context(|| format!("creating a staging folder in {}", parent.display()))?;
        Ok(Staging {
            dir,
            out: out.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Write `bytes` at `rel` (`/`-separated) inside the staging folder.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<()> {
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
    pub fn copy(&self, from: &Path, rel: &str) -> Result<()> {
        let to = self.dir.path().join(rel);
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        }
        fs::copy(from, &to).with_context(|| format!("copying {}", from.display()))?;
        Ok(())
    }

    /// Swap the staging folder into place of `out`.
    pub fn commit(self) -> Result<()> {
        let staged = self.dir.keep();
        let old = self.out.with_file_name(format!(
            ".{}.cairn-old-{}",
            self.out
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            std::process::id()
        ));
        let had_old = self.out.exists();
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
