//! `cairn diff`: the responsibility model of two sites, compared in its own
//! terms (who became accountable, which level left the ladder, which hours of
//! the week nobody answers now, which page a client can now read).
//!
//! ```text
//! Source ×2 ─(git extract)→ folder ─load+check+view→ Snapshot ─compute→ Diff ─→ text | markdown | json
//! ```
//!
//! Both sides load in parallel through the same stages as `cairn build`.

mod changes;
mod checks;
mod compare;
mod compute;
mod dated;
mod git;
mod ladders;
mod pages;
mod parties;
mod print;
mod raci;
mod snapshot;
mod systems;

pub(crate) use changes::*;
pub(crate) use print::{to_json, to_markdown, to_text};

use crate::UsageError;
use crate::diag::{self, Diagnostic};
use crate::model::Audience;
use anyhow::Result;
use snapshot::Snapshot;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// One side of a comparison.
#[derive(Debug, Clone)]
pub(crate) enum Source {
    /// A site folder as it is on disk.
    Folder(PathBuf),
    /// The site folder of `repo` at a commit.
    Git { rev: String, commit: String },
}

#[derive(Debug, Clone)]
pub(crate) struct DiffOptions {
    pub old: Source,
    pub new: Source,
    /// For `Git` sources: the site folder whose repository and place in it are read.
    pub site: PathBuf,
    pub audience: Audience,
    pub today: chrono::NaiveDate,
}

/// Which sides `cairn diff` compares, from its arguments: `OLD NEW`, or `--git
/// REV` (REV against the site folder), `--git A..B`, `--git A...B` (from their
/// merge base, as `git diff A...B`). An empty end of a range is `HEAD`.
pub(crate) fn sources(
    paths: &[PathBuf],
    git_range: Option<&str>,
) -> Result<(Source, Source, PathBuf)> {
    let Some(range) = git_range else {
        return match paths {
            [old, new] => Ok((
                Source::Folder(old.clone()),
                Source::Folder(new.clone()),
                new.clone(),
            )),
            _ => Err(UsageError(
                "cairn diff takes two site folders (OLD NEW), or --git REV[..REV] [SITE]".into(),
            )
            .into()),
        };
    };
    let site = match paths {
        [] => PathBuf::from("."),
        [site] => site.clone(),
        _ => {
            return Err(
                UsageError("with --git, cairn diff takes at most one SITE folder".into()).into(),
            );
        }
    };
    let repo = git::Repo::around(&site)?;
    let rev = |r: &str| -> Result<Source> {
        let r = or_head_str(r);
        Ok(Source::Git {
            rev: r.to_string(),
            commit: repo.commit(r)?,
        })
    };
    let (old, new) = if let Some((a, b)) = range.split_once("...") {
        let (a, b) = (or_head_str(a), or_head_str(b));
        let (ca, cb) = (repo.commit(a)?, repo.commit(b)?);
        let old = Source::Git {
            rev: format!("{a} (merge base with {b})"),
            commit: repo.merge_base(&ca, &cb)?,
        };
        (
            old,
            Source::Git {
                rev: b.to_string(),
                commit: cb,
            },
        )
    } else if let Some((a, b)) = range.split_once("..") {
        (rev(a)?, rev(b)?)
    } else {
        (rev(range)?, Source::Folder(site.clone()))
    };
    Ok((old, new, site))
}

/// An empty end of a range is `HEAD`, as in git.
fn or_head_str(rev: &str) -> &str {
    if rev.is_empty() { "HEAD" } else { rev }
}

/// A side that cannot be compared: its sources do not parse. Exit 2.
#[derive(Debug)]
pub(crate) struct SideError {
    pub side: String,
    pub problems: Vec<Diagnostic>,
}

impl std::fmt::Display for SideError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "cannot compare: the {} site does not load; fix these first:",
            self.side
        )?;
        // File names and messages quote the side's files: a crafted name must
        // not drive the terminal.
        let mut text = String::new();
        for d in &self.problems {
            let _ = writeln!(
                text,
                "  {}: {}[{}]: {}",
                diag::printable_name(&d.location()),
                if d.is_error() { "error" } else { "warning" },
                d.code.as_str(),
                diag::printable_message(&d.message)
            );
        }
        f.write_str(text.trim_end())
    }
}

impl std::error::Error for SideError {}

/// Compare the two sides of `opts`, loading them in parallel.
pub(crate) fn diff(opts: &DiffOptions) -> Result<Diff> {
    let (old, new) = rayon::join(
        || load_side(opts, &opts.old, "OLD"),
        || load_side(opts, &opts.new, "NEW"),
    );
    let ((old, old_info), (new, new_info)) = (old?, new?);
    Ok(compute::compute(
        &old,
        &new,
        old_info,
        new_info,
        opts.audience,
    ))
}

fn describe(source: &Source) -> SideInfo {
    match source {
        Source::Folder(p) => SideInfo {
            label: p.display().to_string(),
            kind: "folder",
            commit: None,
        },
        Source::Git { rev, commit } => SideInfo {
            label: rev.clone(),
            kind: "git",
            commit: Some(commit.clone()),
        },
    }
}

fn load_side(opts: &DiffOptions, source: &Source, role: &str) -> Result<(Snapshot, SideInfo)> {
    let mut info = describe(source);
    let tmp;
    let root: &Path = match source {
        Source::Folder(p) => {
            if matches!(opts.old, Source::Git { .. }) {
                info.label = "working tree".into();
                info.kind = "worktree";
            }
            p
        }
        Source::Git { commit, rev } => {
            let repo = git::Repo::around(&opts.site)?;
            tmp = tempfile::tempdir()?;
            repo.extract(commit, rev, tmp.path())?;
            tmp.path()
        }
    };
    // Every message below names the side by its folder: escaped once, here.
    let side = format!("{role} ({})", diag::printable_name(&info.label));
    // The same stages as `check` and `build`: what diff reports is what a
    // build of each side would see, theme problems included.
    let loaded = crate::load(root).map_err(|e| {
        // "not a cairn site" names a temp folder for a revision: name the side instead.
        match e.downcast::<UsageError>() {
            Ok(u) => anyhow::Error::new(UsageError(format!(
                "{side}: {}",
                diag::printable_message(&u.to_string())
            ))),
            // The chain quotes paths under the folder: one escaped message.
            Err(e) => anyhow::anyhow!(
                "reading the {side} site: {}",
                diag::printable_message(&format!("{e:#}"))
            ),
        }
    })?;
    if site_failed(&loaded.site) {
        let mut problems: Vec<Diagnostic> = loaded
            .diagnostics
            .into_iter()
            .filter(|d| d.is_error())
            .collect();
        diag::sort(&mut problems);
        return Err(SideError { side, problems }.into());
    }
    let view = crate::audience::view(&loaded.site, opts.audience);
    let diagnostics =
        crate::check_view_stage(&loaded.site, &view, &loaded.diagnostics, opts.today, false);
    Ok((
        Snapshot::new(&loaded.site, &view, diagnostics, opts.today),
        info,
    ))
}

/// A source file did not parse, so part of the model is missing: comparing it
/// would report what is merely unreadable as removed.
fn site_failed(site: &crate::site::Site) -> bool {
    let f = &site.failed;
    f.config
        || f.parties
        || f.activities
        || f.pages
        || f.system_ids.iter().any(|id| site.system(id).is_none())
}
