//! The theme: tera templates and static assets. The built-in theme is
//! `themes/default`, embedded in the binary; a site may pick a theme folder
//! under `themes/` in `cairn.yaml`, and its `templates/` override either.

use super::OutputFile;
use anyhow::{Context as _, Result};
use include_dir::{Dir, include_dir};
use std::collections::BTreeMap;
use std::path::Path;

static DEFAULT_THEME: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

pub struct Theme {
    tera: tera::Tera,
    /// Output path under `assets/` → bytes.
    assets: BTreeMap<String, Vec<u8>>,
}

/// Load the templates (built-in, then the site's theme, then the site's own
/// `templates/`, each overriding the last by name) and the theme's assets.
pub fn load_theme(site_root: &Path, config: &crate::model::Config) -> Result<Theme> {
    let mut templates: BTreeMap<String, String> = BTreeMap::new();
    let mut assets: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    embedded_files(&DEFAULT_THEME, &mut |path, bytes| {
        if let Some(name) = path.strip_prefix("templates/") {
            templates.insert(
                name.to_string(),
                String::from_utf8_lossy(bytes).into_owned(),
            );
        } else if let Some(name) = path.strip_prefix("static/") {
            assets.insert(format!("assets/{name}"), bytes.to_vec());
        }
    });
    if let Some(name) = &config.theme {
        let dir = site_root.join("themes").join(name);
        if !dir.is_dir() {
            anyhow::bail!(
                "cairn.yaml: theme `{name}` not found: expected the folder themes/{name}/"
            );
        }
        read_dir_into(
            site_root,
            &format!("themes/{name}/templates"),
            &mut |n, b| {
                templates.insert(n, String::from_utf8_lossy(&b).into_owned());
            },
        )?;
        read_dir_into(site_root, &format!("themes/{name}/static"), &mut |n, b| {
            assets.insert(format!("assets/{n}"), b);
        })?;
    }
    read_dir_into(site_root, "templates", &mut |n, b| {
        templates.insert(n, String::from_utf8_lossy(&b).into_owned());
    })?;
    assets.insert(
        "assets/highlight.css".into(),
        crate::markdown::highlight_css().as_bytes().to_vec(),
    );

    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.set_escape_fn(crate::markdown::escape_html);
    tera.add_raw_templates(templates.iter().map(|(n, t)| (n.as_str(), t.as_str())))
        .map_err(|e| anyhow::anyhow!("templates: {}", tera_error_chain(&e)))?;
    Ok(Theme { tera, assets })
}

impl Theme {
    pub(super) fn render(&self, template: &str, ctx: &tera::Context) -> Result<String, String> {
        self.tera
            .render(template, ctx)
            .map_err(|e| tera_error_chain(&e))
    }

    pub(super) fn assets(&self) -> impl Iterator<Item = OutputFile> + '_ {
        self.assets.iter().map(|(path, bytes)| OutputFile {
            path: path.clone(),
            bytes: bytes.clone(),
        })
    }
}

/// Tera nests the useful part of an error in its sources.
fn tera_error_chain(e: &tera::Error) -> String {
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

fn embedded_files(dir: &Dir<'_>, f: &mut dyn FnMut(&str, &[u8])) {
    for file in dir.files() {
        f(
            &file.path().to_string_lossy().replace('\\', "/"),
            file.contents(),
        );
    }
    for sub in dir.dirs() {
        embedded_files(sub, f);
    }
}

/// Every file of `root/sub`; only the site's own regular files (see `site::Tops`).
fn read_dir_into(root: &Path, sub: &str, f: &mut dyn FnMut(String, Vec<u8>)) -> Result<()> {
    for rel in crate::site::list_files(root, sub)? {
        let bytes = std::fs::read(root.join(sub).join(&rel))
            .with_context(|| format!("reading {sub}/{rel}"))?;
        f(rel, bytes);
    }
    Ok(())
}

/// Whether `bytes` at output path `rel` are a file of the built-in theme,
/// unchanged (`assets/vendor/mermaid/mermaid.min.js`): cairn's own code, which
/// the secrets gate need not read (minified libraries look like tokens to it).
pub fn is_builtin_asset(rel: &str, bytes: &[u8]) -> bool {
    rel.strip_prefix("assets/")
        .and_then(|name| DEFAULT_THEME.get_file(format!("static/{name}")))
        .is_some_and(|file| file.contents() == bytes)
}
