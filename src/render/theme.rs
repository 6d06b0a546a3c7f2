//! The theme: tera templates and static assets. The built-in theme is
//! `themes/default`, embedded in the binary; a site may pick a theme folder
//! under `themes/` in `cairn.yaml`, and its `templates/` override either.

use super::template_env;
use crate::diag::{Code, Diagnostic};
use crate::site::{CONFIG_FILE, Site};
use include_dir::{Dir, include_dir};
use std::collections::BTreeMap;
use std::path::Path;

static DEFAULT_THEME: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// The templates and assets pages are rendered with: the built-in theme, or the site's `theme:` over it.
pub struct Theme {
    tera: tera::Tera,
    /// Output path under `assets/` → bytes.
    assets: BTreeMap<String, Vec<u8>>,
}

/// Load the templates (built-in, then the site's theme, then the site's own
/// `templates/`, each overriding the last by name) and the theme's assets.
/// Part of the load stage: a missing theme or a template that does not parse
/// is a diagnostic, so `cairn check` reports it as `build` would.
pub(crate) fn load_theme(site: &Site) -> Result<Theme, Vec<Diagnostic>> {
    let (templates, origin, assets) = read_theme(site).map_err(|d| vec![d])?;
    // Templates cannot read the build machine's environment (SPEC "Templates").
    let calls: Vec<Diagnostic> = templates
        .iter()
        .flat_map(|(name, text)| {
            let file = origin
                .get(name)
                .map_or_else(|| format!("templates/{name}"), Clone::clone);
            template_env::forbidden_calls(text)
                .into_iter()
                .map(move |(line, function)| {
                    Diagnostic::new(
                        Code::TemplateEnv,
                        file.clone(),
                        Some(line),
                        format!(
                            "template `{name}` calls `{function}`: templates cannot read the environment or the file system; put the value in cairn.yaml or a data file instead"
                        ),
                    )
                })
        })
        .collect();
    if !calls.is_empty() {
        return Err(calls);
    }
    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.set_escape_fn(crate::markdown::escape_html);
    // A call the scan above missed still reads nothing.
    tera.register_function("get_env", template_env::refuse_env);
    tera.add_raw_templates(templates.iter().map(|(n, t)| (n.as_str(), t.as_str())))
        .map_err(|e| vec![template_error(&tera_error_chain(&e), &origin)])?;
    Ok(Theme { tera, assets })
}

/// Template name → text, template name → the site file it came from, asset
/// path → bytes.
type ThemeSources = (
    BTreeMap<String, String>,
    BTreeMap<String, String>,
    BTreeMap<String, Vec<u8>>,
);

fn read_theme(site: &Site) -> Result<ThemeSources, Diagnostic> {
    let site_root = site.root.as_path();
    let config = &site.config;
    // Template name → the file it came from, to name it in an error.
    let mut origin: BTreeMap<String, String> = BTreeMap::new();
    let mut templates: BTreeMap<String, String> = BTreeMap::new();
    let mut assets: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    embedded_files(&DEFAULT_THEME, &mut |path, bytes| {
        if let Some(name) = path.strip_prefix("templates/") {
            templates.insert(
                name.to_string(),
                String::from_utf8_lossy(bytes).into_owned(),
            );
        } else if let Some(name) = path.strip_prefix("static/") {
            assets.insert(format!("assets/{name}"), shipped(name, bytes));
        }
    });
    if let Some(name) = &config.theme {
        if name.is_empty() || name == "." || name == ".." || name.contains(['/', '\\']) {
            return Err(Diagnostic::new(
                Code::InvalidValue,
                CONFIG_FILE,
                site.line(CONFIG_FILE, &["theme"]),
                format!("theme `{name}` must be the name of a folder under themes/"),
            ));
        }
        let dir = site_root.join("themes").join(name);
        if !dir.is_dir() {
            return Err(Diagnostic::new(
                Code::InvalidValue,
                CONFIG_FILE,
                site.line(CONFIG_FILE, &["theme"]),
                format!("theme `{name}` not found: expected the folder themes/{name}/"),
            ));
        }
        let sub = format!("themes/{name}/templates");
        read_dir_into(site_root, &sub, &mut |n, b| {
            origin.insert(n.clone(), format!("{sub}/{n}"));
            templates.insert(n, String::from_utf8_lossy(&b).into_owned());
        })?;
        read_dir_into(site_root, &format!("themes/{name}/static"), &mut |n, b| {
            assets.insert(format!("assets/{n}"), b);
        })?;
    }
    read_dir_into(site_root, "templates", &mut |n, b| {
        origin.insert(n.clone(), format!("templates/{n}"));
        templates.insert(n, String::from_utf8_lossy(&b).into_owned());
    })?;
    assets.insert(
        "assets/highlight.css".into(),
        super::minify::css(crate::markdown::highlight_css()).into_bytes(),
    );

    Ok((templates, origin, assets))
}

/// A template error as a diagnostic at the site's file it names (tera says
/// `Failed to parse 'page.html'` and ` --> LINE:COL`), else at `templates/`.
fn template_error(message: &str, origin: &BTreeMap<String, String>) -> Diagnostic {
    let file = origin
        .iter()
        .find(|(name, _)| message.contains(&format!("'{name}'")))
        .map_or("templates/", |(_, file)| file.as_str());
    let line = message
        .split_once(" --> ")
        .and_then(|(_, rest)| rest.split_once(':'))
        .and_then(|(n, _)| n.trim().parse().ok());
    let message = message.split_whitespace().collect::<Vec<_>>().join(" ");
    Diagnostic::new(
        Code::InvalidValue,
        file,
        line,
        format!("template error: {message}"),
    )
}

impl Theme {
    pub(super) fn render(&self, template: &str, ctx: &tera::Context) -> Result<String, String> {
        self.tera
            .render(template, ctx)
            .map_err(|e| tera_error_chain(&e))
    }

    /// Each asset's output path and bytes.
    pub(super) fn assets(&self) -> impl Iterator<Item = (&str, &[u8])> + '_ {
        self.assets
            .iter()
            .map(|(path, bytes)| (path.as_str(), bytes.as_slice()))
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
fn read_dir_into(
    root: &Path,
    sub: &str,
    f: &mut dyn FnMut(String, Vec<u8>),
) -> Result<(), Diagnostic> {
    let files = crate::site::list_files(root, sub)
        .map_err(|e| Diagnostic::new(Code::InvalidValue, sub, None, format!("{e:#}")))?;
    for rel in files {
        let bytes = std::fs::read(root.join(sub).join(&rel)).map_err(|e| {
            Diagnostic::new(
                Code::InvalidValue,
                format!("{sub}/{rel}"),
                None,
                format!("cannot read: {e}"),
            )
        })?;
        f(rel, bytes);
    }
    Ok(())
}

/// A built-in theme file `static/NAME` as it is written to `assets/`: our own
/// stylesheets and scripts without their comments and indentation
/// (`minify.rs`); vendored files (already minified) and others as they are.
fn shipped(name: &str, bytes: &[u8]) -> Vec<u8> {
    let own = !name.starts_with("vendor/");
    match std::str::from_utf8(bytes) {
        Ok(text) if own && name.ends_with(".css") => super::minify::css(text).into_bytes(),
        Ok(text) if own && name.ends_with(".js") => super::minify::js(text).into_bytes(),
        _ => bytes.to_vec(),
    }
}

/// Whether `bytes` at output path `rel` are a file of the built-in theme as
/// cairn writes it (`assets/vendor/mermaid/mermaid.min.js`): cairn's own code,
/// which the secrets gate need not read (minified libraries look like tokens to it).
pub fn is_builtin_asset(rel: &str, bytes: &[u8]) -> bool {
    rel.strip_prefix("assets/").is_some_and(|name| {
        DEFAULT_THEME
            .get_file(format!("static/{name}"))
            .is_some_and(|file| shipped(name, file.contents()) == bytes)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `minify::js` keeps every line break and trims each line, which is only
    /// safe while no literal of a built-in script goes on past a line break.
    #[test]
    fn no_built_in_script_continues_a_literal_over_a_line_break() {
        let mut scripts = 0;
        embedded_files(&DEFAULT_THEME, &mut |path, bytes| {
            if !path.starts_with("static/") || path.contains("vendor/") || !path.ends_with(".js") {
                return;
            }
            scripts += 1;
            let text = String::from_utf8_lossy(bytes);
            for (n, line) in text.lines().enumerate() {
                let code = line.trim_start();
                if code.starts_with("//") || code.starts_with('*') || code.starts_with("/*") {
                    continue;
                }
                assert!(
                    !line.contains('`'),
                    "{path}:{}: a template literal: {line}",
                    n + 1
                );
                assert!(
                    !line.ends_with('\\'),
                    "{path}:{}: a continued string: {line}",
                    n + 1
                );
            }
        });
        assert!(scripts >= 5, "{scripts}");
    }

    #[test]
    fn built_in_assets_are_written_smaller_and_still_known_as_built_in() {
        let css = DEFAULT_THEME
            .get_file("static/cairn.css")
            .unwrap()
            .contents();
        let shipped_css = shipped("cairn.css", css);
        assert!(shipped_css.len() < css.len() * 9 / 10);
        assert!(is_builtin_asset("assets/cairn.css", &shipped_css));
        assert!(!is_builtin_asset("assets/cairn.css", css));
        let mermaid = DEFAULT_THEME
            .get_file("static/vendor/mermaid/mermaid.min.js")
            .unwrap()
            .contents();
        assert_eq!(shipped("vendor/mermaid/mermaid.min.js", mermaid), mermaid);
    }
}
