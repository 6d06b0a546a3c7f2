//! `cairn init` and `cairn new`: start a site from the bundled example or
//! around an existing markdown tree (`--from`, copied, never moved), add a
//! runbook.

use anyhow::{Context, Result, bail};
use include_dir::{Dir, include_dir};
use std::fs;
use std::path::Path;

static EXAMPLE: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/content-example");

/// Write the bundled example into `dir`, which must be absent or empty.
pub(crate) fn init_site(dir: &Path) -> Result<usize> {
    refuse_non_empty(dir)?;
    let mut written = 0;
    write_dir(&EXAMPLE, dir, &mut written)?;
    written += write_gitignore(dir)?;
    Ok(written)
}

fn refuse_non_empty(dir: &Path) -> Result<()> {
    if dir.exists()
        && fs::read_dir(dir)
            .with_context(|| format!("reading {}", dir.display()))?
            .next()
            .is_some()
    {
        bail!(
            "{} is not empty: cairn init writes a new site into an empty folder",
            dir.display()
        );
    }
    Ok(())
}

/// The default output stays out of the repository.
fn write_gitignore(dir: &Path) -> Result<usize> {
    let ignore = dir.join(".gitignore");
    if ignore.exists() {
        return Ok(0);
    }
    fs::write(&ignore, GITIGNORE).with_context(|| format!("writing {}", ignore.display()))?;
    Ok(1)
}

/// What `cairn init --from` copied and found.
pub(crate) struct Adopted {
    /// The folder the markdown was copied from (`--from`, or its Hugo
    /// `content/` or MkDocs `docs/`).
    pub from: std::path::PathBuf,
    /// Files copied into `content/`.
    pub copied: usize,
    /// Symlinks and special files left behind.
    pub skipped: Vec<String>,
    /// The check of the new site.
    pub report: crate::Report,
    pub pages: usize,
    pub sections: usize,
}

/// A new site in `dir` around the markdown tree at `from`: its files copied
/// (never moved) into `content/`, a `cairn.yaml`, and what a check finds.
pub(crate) fn init_from(dir: &Path, from: &Path) -> Result<Adopted> {
    if !from.is_dir() {
        return Err(crate::UsageError(format!(
            "--from {}: not a folder of markdown",
            from.display()
        ))
        .into());
    }
    refuse_non_empty(dir)?;
    // A Hugo site keeps its pages in content/, an MkDocs one in docs/.
    let is_hugo = [
        "config.toml",
        "config.yaml",
        "config.yml",
        "hugo.toml",
        "hugo.yaml",
        "hugo.yml",
    ]
    .iter()
    .any(|f| from.join(f).is_file());
    let is_mkdocs = from.join("mkdocs.yml").is_file() || from.join("mkdocs.yaml").is_file();
    let source = if is_hugo && from.join("content").is_dir() {
        from.join("content")
    } else if is_mkdocs && from.join("docs").is_dir() {
        from.join("docs")
    } else {
        from.to_path_buf()
    };
    let content = dir.join("content");
    fs::create_dir_all(&content).with_context(|| format!("creating {}", content.display()))?;
    let dir_real = crate::outdir::resolve(dir)?;
    let mut copied = 0;
    let mut skipped = Vec::new();
    let walk = walkdir::WalkDir::new(&source)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            // Dot folders (.git, .github) are not content; nor is the new site itself.
            let hidden = e.depth() > 0 && e.file_name().to_string_lossy().starts_with('.');
            let is_new_site = crate::outdir::resolve(e.path()).is_ok_and(|p| p == dir_real);
            !hidden && !is_new_site
        });
    for entry in walk {
        let entry = entry.with_context(|| format!("reading {}", source.display()))?;
        let rel = entry.path().strip_prefix(&source).unwrap_or(entry.path());
        if entry.file_type().is_dir() {
            fs::create_dir_all(content.join(rel))
                .with_context(|| format!("creating {}", content.join(rel).display()))?;
        } else if entry.file_type().is_file() {
            fs::copy(entry.path(), content.join(rel))
                .with_context(|| format!("copying {}", entry.path().display()))?;
            copied += 1;
        } else {
            skipped.push(rel.display().to_string());
        }
    }
    let title = from
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "Runbooks".into());
    let title = serde_json::to_string(&format!("{title} runbooks")).unwrap_or_default();
    fs::write(
        dir.join(crate::site::CONFIG_FILE),
        format!("title: {title}\nbase_url: /\n"),
    )
    .with_context(|| format!("writing {}", dir.join(crate::site::CONFIG_FILE).display()))?;
    write_gitignore(dir)?;

    let loaded = crate::load(dir)?;
    let pages = loaded.site.pages.iter().filter(|p| !p.is_section).count();
    let sections: std::collections::BTreeSet<&str> = loaded
        .site
        .pages
        .iter()
        .map(|p| p.folder())
        .filter(|f| !f.is_empty())
        .flat_map(crate::site::ancestor_folders)
        .collect();
    let report = crate::check(&crate::Options::new(dir))?;
    Ok(Adopted {
        from: source,
        copied,
        skipped,
        report,
        pages,
        sections: sections.len(),
    })
}

/// What `cairn init` puts in `.gitignore`: the default output folder.
const GITIGNORE: &str = "# cairn build output (cairn build --out public)\npublic/\n";

fn write_dir(d: &Dir<'_>, to: &Path, written: &mut usize) -> Result<()> {
    for file in d.files() {
        let path = to.join(file.path());
        if file.path().starts_with("public") {
            continue;
        }
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        }
        fs::write(&path, file.contents()).with_context(|| format!("writing {}", path.display()))?;
        *written += 1;
    }
    for sub in d.dirs() {
        if sub.path().starts_with("public") {
            continue;
        }
        write_dir(sub, to, written)?;
    }
    Ok(())
}

/// Create `content/runbooks/SLUG.md` with front matter ready to fill in.
pub(crate) fn new_runbook(
    site: &Path,
    title: &str,
    system: Option<&str>,
    today: chrono::NaiveDate,
) -> Result<std::path::PathBuf> {
    crate::site::ensure_site(site)?;
    if let Some(id) = system
        && !crate::model::Id::is_valid(id)
    {
        return Err(crate::UsageError(format!(
            "--system `{id}` is not a system id: ids are lowercase letters, digits and `-`, the name of a data/systems/ID.yaml file"
        ))
        .into());
    }
    let slug = crate::markdown::slugify(title);
    if slug.is_empty() {
        bail!("the title `{title}` gives an empty file name; use letters or digits");
    }
    let path = site.join("content/runbooks").join(format!("{slug}.md"));
    if path.exists() || path.is_symlink() {
        bail!("{} already exists", path.display());
    }
    // Never write through a link out of content/ (the page would be outside-site anyway).
    let (content, target) = (
        crate::outdir::resolve(&site.join("content"))?,
        crate::outdir::resolve(&path)?,
    );
    if !target.starts_with(&content) || !content.starts_with(crate::outdir::resolve(site)?) {
        bail!(
            "{} resolves to {}, outside the site's content/ folder: not writing there",
            path.display(),
            target.display()
        );
    }
    let systems = system
        .map(|s| format!("systems: [{s}]\n"))
        .unwrap_or_default();
    let title_yaml = serde_json::to_string(title).unwrap_or_else(|_| format!("\"{slug}\""));
    let text = format!(
        "---\ntitle: {title_yaml}\n{systems}tags: []\nlast_reviewed: {today}\n---\n\n## Before you start\n\n## Steps\n\n1. \n\n## Verify\n\n## If this fails, escalate\n"
    );
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    }
    fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    Ok(path)
}
