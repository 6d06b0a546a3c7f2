//! Secrets: what one looks like ([`catalogue`], the one list of patterns,
//! placeholder and context rules), how files are read to find one
//! ([`decode`], [`scan`]), and the gate over every byte a build writes
//! ([`gate`]). Which source files are scanned ([`sources`]) and what their
//! authors allowed ([`allowed`]) live here too; the check that reports
//! file:line is `check::secrets`. Both use this module, so they agree on
//! what a secret is.

pub(crate) mod allowed;
pub(crate) mod catalogue;
pub(crate) mod decode;
pub mod gate;
pub mod scan;
pub(crate) mod sources;

pub use scan::{LineHit, Syntax};

/// How a line is read: a literal after `password:` counts anywhere in data and
/// code, but in prose only where the key leads the line or sits in code; long
/// random strings count only in code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// YAML, front matter, HTML attribute values.
    Data,
    /// Fenced code, scripts and configs.
    Code,
    /// Markdown prose, rendered text.
    Prose,
    /// HTML, JS, CSS, templates: like code, without the random-string rule
    /// (minified code and data URIs are full of long random-looking strings).
    Markup,
    /// A binary file: only the token formats, which are unmistakable.
    Opaque,
}

/// How a published file is read, by its name and whether its bytes are
/// binary: YAML as data; HTML, JS, CSS, SVG and templates as markup (no
/// random-string rule: minified code and data URIs are full of them);
/// markdown as a page; media and archives, and anything binary, for token
/// formats only; every other text (scripts, configs, key files, files
/// without an extension) as code.
pub(crate) fn syntax_for(file: &str, binary: bool) -> Syntax {
    let name = file.rsplit('/').next().unwrap_or(file);
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if binary || BINARY_EXTENSIONS.contains(&ext.as_str()) {
        return Syntax::Uniform(LineKind::Opaque);
    }
    match ext.as_str() {
        "md" | "markdown" => Syntax::Markdown { body_line: 1 },
        "yaml" | "yml" => Syntax::Uniform(LineKind::Data),
        "html" | "htm" | "xhtml" | "js" | "mjs" | "cjs" | "jsx" | "ts" | "tsx" | "css" | "scss"
        | "less" | "svg" | "map" | "vue" | "tera" | "j2" | "jinja" | "hbs" => {
            Syntax::Uniform(LineKind::Markup)
        }
        _ => Syntax::Uniform(LineKind::Code),
    }
}

/// Files whose bytes are compressed or media: a text rule would read noise.
const BINARY_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "webp", "avif", "ico", "bmp", "tif", "tiff", "heic", "woff",
    "woff2", "ttf", "otf", "eot", "pdf", "zip", "gz", "tgz", "bz2", "xz", "7z", "rar", "zst",
    "docx", "xlsx", "pptx", "doc", "xls", "ppt", "odt", "ods", "mp3", "mp4", "m4a", "wav", "ogg",
    "webm", "mov", "avi", "exe", "msi", "dll", "iso", "img", "dmg", "der", "pfx", "p12", "class",
    "jar", "wasm",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_files_are_read_by_name_and_content() {
        assert_eq!(
            syntax_for("static/deploy.ps1", false),
            Syntax::Uniform(LineKind::Code)
        );
        assert_eq!(
            syntax_for("static/keys/id_ed25519", false),
            Syntax::Uniform(LineKind::Code)
        );
        assert_eq!(
            syntax_for("static/app.min.js", false),
            Syntax::Uniform(LineKind::Markup)
        );
        assert_eq!(
            syntax_for("templates/page.html", false),
            Syntax::Uniform(LineKind::Markup)
        );
        assert_eq!(
            syntax_for("static/notes.md", false),
            Syntax::Markdown { body_line: 1 }
        );
        assert_eq!(
            syntax_for("static/x.png", false),
            Syntax::Uniform(LineKind::Opaque)
        );
        assert_eq!(
            syntax_for("static/blob", true),
            Syntax::Uniform(LineKind::Opaque)
        );
    }
}
