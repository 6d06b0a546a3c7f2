//! Markdown stage: pulldown-cmark to HTML, plus the facts other stages read
//! from a page (headings and their ids, links with their lines, prose and code
//! text), so checks, search and rendering all read markdown the same way.
//!
//! - [`scan`] is the cheap pass used at load time: no HTML, no highlighting.
//! - [`render`] writes the page body: heading ids with a self-link, links
//!   rewritten by the caller's `resolve`, code highlighted by syntect into
//!   short `_N` classes, tables wrapped for scrolling, callouts, diagrams, and raw
//!   HTML sanitized (see `sanitize.rs`), escaped or allowed.
//! - [`highlight_css`] is the stylesheet for those classes.
//! - [`slugify`] is the GitHub-style heading id, the one function behind the
//!   ids of both `scan` and `render`.
//!
//! Markdown flavour: CommonMark with GitHub's tables, task lists, footnotes,
//! strikethrough and alerts (`> [!WARNING]`, rendered as a callout: a
//! `<div class="markdown-alert markdown-alert-warning" role="note">` opening
//! with a "Warning" title), plus definition lists and heading attributes
//! (`## Title {#id .class}`). A `{…}` holding anything but `#id` and `.class`
//! stays in the heading's text, so `# Restart {service}` reads as written.
//!
//! Diagrams: a ```` ```mermaid ```` fence, or a `<pre lang="mermaid">` block,
//! becomes `<figure class="diagram" data-diagram="mermaid">` around the
//! source as a code block; the theme's `diagram.js` draws it in the browser
//! (with JavaScript off, and in print, the source shows).
//!
//! Code blocks come out as
//! `<pre class="code hl-code" data-lang="ps1"><code class="language-ps1">…`
//! (no `data-lang` without a language), with `<span class="_…">` inside when
//! the language is known. Highlighting is memoised per process, and blocks
//! over 64 KiB stay plain (see `highlight.rs` for the costs).
//!
//! HTML comments are dropped in both raw-HTML modes: they are notes to
//! authors (and `<!-- cairn: allow-secret -->` an annotation for the secret
//! check), never meant for readers, not even in the page source.

mod blocks;
mod escape;
mod headings;
mod highlight;
pub(crate) mod phones;
mod render;
mod sanitize;
pub(crate) use sanitize::problem as raw_html_problem;
mod scan;
mod shortcodes;
mod unclosed;
pub(crate) use unclosed::{Block as UnclosedBlock, Unclosed};
#[cfg(test)]
mod tests;

use pulldown_cmark::{CowStr, LinkType, Options};

pub(crate) use escape::escape_html;
use escape::is_dangerous_url;
pub(crate) use headings::{Heading, slugify};
pub(crate) use render::render;
pub(crate) use scan::{Scan, scan, scan_with_text};
pub(crate) use shortcodes::translate_shortcodes;

/// What a `resolve` callback of [`render`] returns for a link that must show
/// as its text only (its target is hidden from this build).
pub(crate) const UNLINK: &str = "\u{0}unlink";

/// A link or image destination as the author wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LinkRef {
    /// Reference links are resolved to their definition; email autolinks
    /// (`<a@b.example>`) are reported as `mailto:a@b.example`.
    pub dest: String,
    /// 1-based line, within the markdown passed in, where the link starts.
    pub line: usize,
    pub is_image: bool,
}

/// What to do with raw HTML written in markdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RawHtml {
    /// Keep what GitHub would keep (`<br>`, `<details>`, `<kbd>`, tables,
    /// images, links): scripts, styles, event handlers, forms and iframes go.
    Sanitize,
    /// Pass it through untouched.
    Allow,
    /// Show it as text.
    Escape,
}

/// A page body as HTML, and what the page needs to show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rendered {
    pub html: String,
    /// A diagram is on the page: it needs the diagram scripts.
    pub has_diagram: bool,
}

/// How [`render`] writes a page body (the site's `markdown:` settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BodyOptions {
    pub raw_html: RawHtml,
}

/// CSS for highlighted code: a light palette, and a dark one under
/// `@media screen and (prefers-color-scheme: dark)` (so print stays light).
/// Computed once per process.
pub(crate) fn highlight_css() -> &'static str {
    highlight::css()
}

fn parser_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_GFM
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_DEFINITION_LIST
}

/// The destination as the author meant it: pulldown-cmark keeps email
/// autolinks without their `mailto:`, which would read as a relative path.
fn written_dest(link_type: LinkType, dest: CowStr<'_>) -> CowStr<'_> {
    match link_type {
        LinkType::Email => format!("mailto:{dest}").into(),
        _ => dest,
    }
}
