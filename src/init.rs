//! `cairn init` and `cairn new`: start a site from the bundled example, add a runbook.

use anyhow::{Context, Result, bail};
use include_dir::{Dir, include_dir};
use std::fs;
use std::path::Path;

static EXAMPLE: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/content-example");

/// Write the bundled example into `dir`, which must be absent or empty.
pub(crate) fn init_site(dir: &Path) -> Result<usize> {
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
    let mut written = 0;
    write_dir(&EXAMPLE, dir, &mut written)?;
    // The default output stays out of the repository.
    let ignore = dir.join(".gitignore");
    if !ignore.exists() {
        fs::write(&ignore, GITIGNORE).with_context(|| format!("writing {}", ignore.display()))?;
        written += 1;
    }
    Ok(written)
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
