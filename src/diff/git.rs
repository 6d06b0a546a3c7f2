//! Reading a site as it was at a git revision, through the `git` command:
//! `ls-tree` lists the files under the site's folder and one `cat-file --batch`
//! streams their blobs into a temporary folder. The work tree and the index are
//! never touched (no checkout, no stash), so a dirty tree is safe.

use crate::UsageError;
use anyhow::{Context, Result, anyhow, bail};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

/// The repository around a site folder.
pub(super) struct Repo {
    pub toplevel: PathBuf,
    /// The site's folder relative to `toplevel`, `/`-separated, `` or ending in `/`.
    pub prefix: String,
}

fn git(dir: &Path, args: &[&str]) -> Result<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| anyhow!("cannot run git ({e}): `--git` needs git on the PATH"))?;
    if !out.status.success() {
        bail!(
            "git {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim_end().to_string())
}

impl Repo {
    /// The repository holding `site` (exit 2 when there is none).
    pub(super) fn around(site: &Path) -> Result<Repo> {
        if !site.is_dir() {
            return Err(UsageError(format!("{} is not a folder", site.display())).into());
        }
        let toplevel = git(site, &["rev-parse", "--show-toplevel"]).map_err(|e| {
            UsageError(format!(
                "{} is not inside a git repository, which `--git` reads ({e})",
                site.display()
            ))
        })?;
        let prefix = git(site, &["rev-parse", "--show-prefix"])?;
        Ok(Repo {
            toplevel: PathBuf::from(toplevel),
            prefix,
        })
    }

    /// The full commit id of a revision (exit 2 for one git does not know).
    pub(super) fn commit(&self, rev: &str) -> Result<String> {
        if rev.is_empty() || rev.starts_with('-') {
            return Err(UsageError(format!("`{rev}` is not a git revision")).into());
        }
        git(
            &self.toplevel,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("{rev}^{{commit}}"),
            ],
        )
        .ok()
        .filter(|c| !c.is_empty())
        .ok_or_else(|| {
            UsageError(format!(
                "unknown git revision `{rev}` in {}",
                self.toplevel.display()
            ))
            .into()
        })
    }

    /// The best common ancestor, for `A...B`.
    pub(super) fn merge_base(&self, a: &str, b: &str) -> Result<String> {
        git(&self.toplevel, &["merge-base", a, b])
            .map_err(|_| UsageError(format!("`{a}` and `{b}` have no common ancestor")).into())
    }

    /// Write the site folder as it is at `commit` into `dest`. Symlinks that stay
    /// inside the site are recreated; others, and submodules, are left out.
    pub(super) fn extract(&self, commit: &str, label: &str, dest: &Path) -> Result<()> {
        let mut args = vec!["ls-tree", "-r", "-z", "--full-tree", commit];
        if !self.prefix.is_empty() {
            args.extend(["--", self.prefix.as_str()]);
        }
        let listing = git(&self.toplevel, &args)?;
        let mut blobs: Vec<(String, PathBuf, bool)> = Vec::new();
        for entry in listing.split('\0').filter(|e| !e.is_empty()) {
            let Some((meta, path)) = entry.split_once('\t') else {
                continue;
            };
            let mut meta = meta.split(' ');
            let (mode, kind, oid) = (meta.next(), meta.next(), meta.next());
            let (Some(mode), Some("blob"), Some(oid)) = (mode, kind, oid) else {
                continue;
            };
            let Some(rel) = path.strip_prefix(self.prefix.as_str()) else {
                continue;
            };
            if !Path::new(rel)
                .components()
                .all(|c| matches!(c, Component::Normal(_)))
            {
                continue;
            }
            blobs.push((oid.to_string(), dest.join(rel), mode == "120000"));
        }
        if !blobs
            .iter()
            .any(|(_, p, _)| p == &dest.join(crate::site::CONFIG_FILE))
        {
            return Err(UsageError(format!(
                "no site at {label}: `{}{}` is not in that revision",
                self.prefix,
                crate::site::CONFIG_FILE
            ))
            .into());
        }
        self.write_blobs(&blobs, dest)
    }

    fn write_blobs(&self, blobs: &[(String, PathBuf, bool)], dest: &Path) -> Result<()> {
        let mut child = Command::new("git")
            .arg("-C")
            .arg(&self.toplevel)
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .context("cannot run git cat-file")?;
        let mut stdin = child.stdin.take().context("git cat-file stdin")?;
        let ids: Vec<String> = blobs.iter().map(|(oid, _, _)| oid.clone()).collect();
        // Feed ids from another thread: git's output would otherwise fill the pipe
        // while we are still writing its input.
        let feeder = std::thread::spawn(move || -> std::io::Result<()> {
            for id in ids {
                writeln!(stdin, "{id}")?;
            }
            Ok(())
        });
        let mut out = BufReader::new(child.stdout.take().context("git cat-file stdout")?);
        let mut header = String::new();
        for (oid, path, symlink) in blobs {
            header.clear();
            out.read_line(&mut header)?;
            let size: usize = header
                .trim_end()
                .rsplit(' ')
                .next()
                .and_then(|s| s.parse().ok())
                .filter(|_| header.starts_with(oid.as_str()))
                .ok_or_else(|| anyhow!("git cat-file: unexpected reply `{}`", header.trim()))?;
            let mut bytes = vec![0; size];
            out.read_exact(&mut bytes)?;
            let mut newline = [0u8; 1];
            out.read_exact(&mut newline)?;
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            if *symlink {
                link(&bytes, path, dest)?;
            } else {
                std::fs::write(path, &bytes)
                    .with_context(|| format!("writing {}", path.display()))?;
            }
        }
        feeder
            .join()
            .map_err(|_| anyhow!("git cat-file input thread panicked"))??;
        let status = child.wait()?;
        if !status.success() {
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = e.read_to_string(&mut err);
            }
            bail!("git cat-file failed: {}", err.trim());
        }
        Ok(())
    }
}

/// A symlink from the tree, when its target stays inside the extracted site.
fn link(target: &[u8], path: &Path, root: &Path) -> Result<()> {
    let Ok(target) = std::str::from_utf8(target) else {
        return Ok(());
    };
    let target = Path::new(target);
    let mut at: Vec<Component> = path
        .parent()
        .unwrap_or(root)
        .strip_prefix(root)
        .unwrap_or(Path::new(""))
        .components()
        .collect();
    for c in target.components() {
        match c {
            Component::Normal(_) => at.push(c),
            Component::CurDir => {}
            Component::ParentDir => {
                if at.pop().is_none() {
                    return Ok(());
                }
            }
            Component::RootDir | Component::Prefix(_) => return Ok(()),
        }
    }
    #[cfg(unix)]
    std::os::unix::fs::symlink(target, path)?;
    Ok(())
}
