//! Build script: records the git commit the binary is built from, for
//! `cairn --version` ("cairn 0.1.0 (3f2a9c1 2026-11-29)").
//!
//! Sources, in order:
//! 1. `CAIRN_BUILD_COMMIT` in the environment (packagers building from a tarball),
//! 2. `git`, when the crate sits in a git checkout that tracks this file
//!    (so a tarball unpacked inside some other repository does not borrow its commit),
//! 3. `.cargo_vcs_info.json`, which `cargo package`/`cargo publish` writes,
//! 4. nothing: the version is printed alone.
//!
//! Rebuilds: cargo reruns this script only when `HEAD`, its reflog, the branch it
//! points to or `packed-refs` changes (a commit, checkout or reset), never on every
//! build. Uncommitted edits are not marked: the commit is the one checked out.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=CAIRN_BUILD_COMMIT");
    let dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();

    let commit = std::env::var("CAIRN_BUILD_COMMIT")
        .ok()
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .or_else(|| from_git(&dir))
        .or_else(|| from_vcs_info(&dir));
    let long = match commit {
        Some(commit) => format!("{version} ({commit})"),
        None => version,
    };
    println!("cargo:rustc-env=CAIRN_LONG_VERSION={long}");
}

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let s = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!s.is_empty()).then_some(s)
}

/// `abc1234 2026-11-29` from the checkout, and rerun-if-changed on the files a
/// commit or checkout rewrites (worktrees keep HEAD apart from the refs).
fn from_git(dir: &Path) -> Option<String> {
    if let Some(git_dir) = git(dir, &["rev-parse", "--absolute-git-dir"]) {
        let git_dir = PathBuf::from(git_dir);
        let common = git(dir, &["rev-parse", "--git-common-dir"])
            .map(|c| {
                let c = PathBuf::from(c);
                if c.is_absolute() { c } else { dir.join(c) }
            })
            .unwrap_or_else(|| git_dir.clone());
        let mut watched = vec![git_dir.join("HEAD"), git_dir.join("logs/HEAD")];
        watched.push(common.join("packed-refs"));
        if let Some(branch) = git(dir, &["symbolic-ref", "-q", "HEAD"]) {
            watched.push(common.join(branch));
        }
        // A missing path would make cargo rerun this script on every build.
        for path in watched.iter().filter(|p| p.exists()) {
            println!("cargo:rerun-if-changed={}", path.display());
        }
    }
    // Only our own checkout: build.rs must be a tracked file of it.
    git(dir, &["ls-files", "--error-unmatch", "build.rs"])?;
    let head = git(dir, &["rev-parse", "--short=9", "HEAD"])?;
    let date = git(dir, &["log", "-1", "--format=%cs", "HEAD"]);
    Some(match date {
        Some(date) => format!("{head} {date}"),
        None => head,
    })
}

/// `{"git": {"sha1": "…"}}` written by `cargo package` into the crate tarball.
fn from_vcs_info(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join(".cargo_vcs_info.json")).ok()?;
    let at = text.find("\"sha1\"")?;
    let rest = &text[at + 6..];
    let start = rest.find('"')? + 1;
    let sha: String = rest[start..]
        .chars()
        .take_while(|c| c.is_ascii_hexdigit())
        .collect();
    (sha.len() >= 9).then(|| sha[..9].to_string())
}
