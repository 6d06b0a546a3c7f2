//! Markdown stage: pulldown-cmark to HTML, plus the facts other stages read
//! from a page (headings and their ids, links with their lines, prose and code
//! text), so checks, search and rendering all read markdown the same way.
//!
//! - [`scan`] is the cheap pass used at load time: no HTML, no highlighting.
//! - [`render`] writes the page body: heading ids with a self-link, links
//!   rewritten by the caller's `resolve`, code highlighted by syntect into
//!   `hl-` classes, tables wrapped for scrolling, callouts, diagrams, and raw
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
//! (no `data-lang` without a language), with `<span class="hl-…">` inside when
//! the language is known. Highlighting is memoised per process, and blocks
//! over 64 KiB stay plain (see `highlight.rs` for the costs).
//!
//! HTML comments are dropped in both raw-HTML modes: they are notes to
//! authors (and `<!-- cairn: allow-secret -->` an annotation for the secret
//! check), never meant for readers, not even in the page source.

mod highlight;
mod sanitize;

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use pulldown_cmark::{
    BlockQuoteKind, CodeBlockKind, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd,
};
use regex::Regex;
use serde::Serialize;

/// A heading of a page, in document order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heading {
    /// 1 to 6.
    pub level: u8,
    /// Plain text, without markup.
    pub text: String,
    /// The `id` attribute `render` gives it: unique within the page.
    pub id: String,
}

/// A link or image destination as the author wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRef {
    /// Reference links are resolved to their definition; email autolinks
    /// (`<a@b.example>`) are reported as `mailto:a@b.example`.
    pub dest: String,
    /// 1-based line, within the markdown passed in, where the link starts.
    pub line: usize,
    pub is_image: bool,
}

/// What [`scan`] finds in a page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scan {
    pub headings: Vec<Heading>,
    pub links: Vec<LinkRef>,
    /// Prose for search: headings, paragraphs, list items, table cells and
    /// inline code, separated by spaces and newlines. No code blocks, no HTML.
    pub text: String,
    /// The text of code blocks, each ending in a newline.
    pub code: String,
    /// `id` and `<a name>` values written in raw HTML: anchors besides the
    /// headings'.
    pub html_ids: Vec<String>,
    /// `<img src>` written in raw HTML (not checked as links; see
    /// `remote-image`).
    pub html_images: Vec<LinkRef>,
    /// The first paragraph's text, cut to about 160 characters at a word:
    /// the page's description when its front matter has none.
    pub summary: String,
}

impl Scan {
    fn read_html(&mut self, html: &str, line: usize) {
        self.html_ids.extend(sanitize::anchor_ids(html));
        for (offset, src) in sanitize::image_sources(html) {
            self.html_images.push(LinkRef {
                dest: src,
                line: line + html[..offset].matches('\n').count(),
                is_image: true,
            });
        }
    }

    fn read_html_block(&mut self, block: &str, line: usize) {
        self.read_html(block, line);
        let text = sanitize::visible_text(block);
        let mut words = text.split_whitespace().peekable();
        if words.peek().is_some() {
            separate(&mut self.text, '\n');
            for word in words {
                self.text.push_str(word);
                self.text.push(' ');
            }
            separate(&mut self.text, '\n');
        }
    }

    /// Whether `#anchor` points at something on the page.
    pub fn has_anchor(&self, anchor: &str) -> bool {
        anchor == "top"
            || self.headings.iter().any(|h| h.id == anchor)
            || self.html_ids.iter().any(|id| id == anchor)
    }
}

/// What to do with raw HTML written in markdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawHtml {
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
pub struct Rendered {
    pub html: String,
    /// A diagram is on the page: it needs the diagram scripts.
    pub has_diagram: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenderOptions {
    pub raw_html: RawHtml,
}

/// Cheap pass used at load time (checks, search): no HTML, no highlighting.
pub fn scan(markdown: &str) -> Scan {
    let lines = LineIndex::new(markdown);
    let mut scan = Scan::default();
    let mut ids = HeadingIds::default();
    let mut heading: Option<(u8, HeadingAttrs, HeadingText)> = None;
    let mut in_code_block = false;
    // Lists, quotes, tables and footnotes the parser is inside of: the
    // summary is the first paragraph outside all of them.
    let mut container_depth = 0usize;
    let mut in_summary = false;
    // An HTML block's text and first line, read whole at its end.
    let mut html_block: Option<(String, usize)> = None;

    for (event, range) in Parser::new_ext(markdown, parser_options()).into_offset_iter() {
        if let Some((_, _, text)) = &mut heading {
            text.feed(&event);
        }
        if in_summary {
            match &event {
                Event::Text(text) | Event::Code(text) => scan.summary.push_str(text),
                Event::SoftBreak | Event::HardBreak => scan.summary.push(' '),
                Event::End(TagEnd::Paragraph) => {
                    in_summary = false;
                    scan.summary = shorten(&scan.summary, 160);
                }
                _ => {}
            }
        }
        match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                let written = heading_attrs(&markdown[range.clone()], id, &classes, &attrs);
                heading = Some((level as u8, written, HeadingText::default()));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, written, mut text)) = heading.take() {
                    text.text.push_str(&written.literal);
                    let id = match written.id {
                        Some(custom) => ids.custom(custom),
                        None => ids.assign(&text.text),
                    };
                    scan.headings.push(Heading {
                        level,
                        text: text.text,
                        id,
                    });
                }
                separate(&mut scan.text, '\n');
            }
            Event::Start(Tag::Paragraph) if container_depth == 0 && scan.summary.is_empty() => {
                in_summary = true;
            }
            Event::Start(
                Tag::List(_) | Tag::BlockQuote(_) | Tag::Table(_) | Tag::FootnoteDefinition(_),
            ) => container_depth += 1,
            Event::End(
                TagEnd::List(_)
                | TagEnd::BlockQuote(_)
                | TagEnd::Table
                | TagEnd::FootnoteDefinition,
            ) if container_depth > 0 => {
                container_depth -= 1;
                if matches!(
                    event,
                    Event::End(TagEnd::BlockQuote(_) | TagEnd::FootnoteDefinition)
                ) {
                    separate(&mut scan.text, '\n');
                }
            }
            Event::InlineHtml(html) => scan.read_html(&html, lines.line_of(range.start)),
            // A block's text (a `<summary>`, a table cell written in HTML) is
            // prose a reader sees; its scripts and styles are not.
            Event::Start(Tag::HtmlBlock) => {
                html_block = Some((String::new(), lines.line_of(range.start)));
            }
            Event::Html(html) => match &mut html_block {
                Some((block, _)) => block.push_str(&html),
                None => scan.read_html_block(&html, lines.line_of(range.start)),
            },
            Event::End(TagEnd::HtmlBlock) => {
                if let Some((block, line)) = html_block.take() {
                    scan.read_html_block(&block, line);
                }
            }
            Event::Start(Tag::CodeBlock(_)) => in_code_block = true,
            Event::End(TagEnd::CodeBlock) => {
                in_code_block = false;
                if !scan.code.is_empty() && !scan.code.ends_with('\n') {
                    scan.code.push('\n');
                }
            }
            Event::Text(text) if in_code_block => scan.code.push_str(&text),
            Event::Text(text) | Event::Code(text) => scan.text.push_str(&text),
            Event::SoftBreak => separate(&mut scan.text, ' '),
            Event::HardBreak => separate(&mut scan.text, '\n'),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            }) => scan.links.push(LinkRef {
                dest: written_dest(link_type, dest_url).into_string(),
                line: lines.line_of(range.start),
                is_image: false,
            }),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                ..
            }) => scan.links.push(LinkRef {
                dest: written_dest(link_type, dest_url).into_string(),
                line: lines.line_of(range.start),
                is_image: true,
            }),
            Event::End(TagEnd::TableCell) => separate(&mut scan.text, ' '),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Item
                | TagEnd::TableHead
                | TagEnd::TableRow
                | TagEnd::BlockQuote(_)
                | TagEnd::FootnoteDefinition,
            ) => separate(&mut scan.text, '\n'),
            _ => {}
        }
    }
    scan.text.truncate(scan.text.trim_end().len());
    scan
}

/// Markdown to HTML for a page body.
///
/// `resolve` maps a link or image destination as the author wrote it (see
/// [`LinkRef::dest`]) to the href to emit, or None to leave it unchanged; the
/// caller does the path logic (`.md` → `index.html`, etc). Whatever it returns,
/// `javascript:`, `vbscript:` and `data:` URLs (but `data:image/` in images)
/// become `#`.
pub fn render(
    markdown: &str,
    opts: &RenderOptions,
    resolve: &dyn Fn(&str, bool) -> Option<String>,
) -> Rendered {
    let mut renderer = Renderer {
        raw_html: opts.raw_html,
        resolve,
        out: Vec::new(),
        ids: HeadingIds::default(),
        heading: None,
        code: None,
        html_block: None,
        has_raw_html: false,
        has_diagram: false,
    };
    for (event, range) in Parser::new_ext(markdown, parser_options()).into_offset_iter() {
        if let Event::Start(Tag::Heading {
            id,
            classes,
            attrs,
            level,
        }) = event
        {
            let written = heading_attrs(&markdown[range], id, &classes, &attrs);
            renderer.start_heading(level, written);
        } else {
            renderer.feed(event);
        }
    }
    let mut html = String::with_capacity(markdown.len() + markdown.len() / 2);
    pulldown_cmark::html::push_html(&mut html, renderer.out.into_iter());
    if renderer.has_raw_html && renderer.raw_html == RawHtml::Sanitize {
        html = sanitize::sanitize_body(&html);
    }
    Rendered {
        html,
        has_diagram: renderer.has_diagram,
    }
}

/// CSS for highlighted code: a light palette, and a dark one under
/// `@media screen and (prefers-color-scheme: dark)` (so print stays light).
/// Computed once per process.
pub fn highlight_css() -> &'static str {
    highlight::css()
}

/// GitHub-style heading id: lowercase, each space to `-`, every character
/// but letters, marks, digits, `-` and `_` dropped. Repeats are numbered by
/// the caller (`scan` and `render` do it the same way).
pub fn slugify(text: &str) -> String {
    // GitHub drops `[^\p{Word}\- ]`; regex's Unicode `\w` is that word class.
    static NOT_IN_SLUG: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"[^\w\- ]").ok());
    let lower = text.to_lowercase();
    let kept: String = match NOT_IN_SLUG.as_ref() {
        Some(re) => re.replace_all(&lower, "").into_owned(),
        // Unreachable with a constant pattern; keeps the library panic-free.
        None => lower
            .chars()
            .filter(|&c| c.is_alphanumeric() || matches!(c, '-' | '_' | ' '))
            .collect(),
    };
    kept.replace(' ', "-")
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

/// What a heading's trailing `{…}` gives it.
#[derive(Default)]
struct HeadingAttrs {
    /// `{#id}`.
    id: Option<String>,
    /// `{.class}`, letters, digits, `-` and `_` only.
    classes: Vec<String>,
    /// A `{…}` that holds more than `#id` and `.class` (`{service}`,
    /// `{{ var }}`) is text the author wrote, given back to the heading.
    literal: String,
}

fn heading_attrs(
    source: &str,
    id: Option<CowStr<'_>>,
    classes: &[CowStr<'_>],
    attrs: &[(CowStr<'_>, Option<CowStr<'_>>)],
) -> HeadingAttrs {
    if attrs.is_empty() {
        return HeadingAttrs {
            id: id.map(|id| id.into_string()).filter(|id| !id.is_empty()),
            classes: classes
                .iter()
                .filter(|c| {
                    !c.is_empty()
                        && c.chars()
                            .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '-' | '_'))
                })
                .map(|c| c.to_string())
                .collect(),
            literal: String::new(),
        };
    }
    // The block is the last `{…}` of the heading's source.
    let literal = source
        .rfind('}')
        .and_then(|end| {
            let start = source[..end].rfind('{')?;
            let space = if source[..start].ends_with([' ', '\t']) {
                " "
            } else {
                ""
            };
            Some(format!("{space}{}", &source[start..=end]))
        })
        .unwrap_or_default();
    HeadingAttrs {
        literal,
        ..HeadingAttrs::default()
    }
}

/// `text` cut to at most about `max` characters at a word, with `…`.
fn shorten(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        return text;
    }
    let cut: String = text.chars().take(max).collect();
    let cut = match cut.rfind(' ') {
        Some(space) if space > max / 2 => &cut[..space],
        _ => &cut[..],
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.', ' ']))
}

/// The destination as the author meant it: pulldown-cmark keeps email
/// autolinks without their `mailto:`, which would read as a relative path.
fn written_dest(link_type: LinkType, dest: CowStr<'_>) -> CowStr<'_> {
    match link_type {
        LinkType::Email => format!("mailto:{dest}").into(),
        _ => dest,
    }
}

/// Separates blocks of `text` with one space or newline, never doubled.
fn separate(text: &mut String, separator: char) {
    match text.chars().next_back() {
        None => {}
        Some(' ') if separator == '\n' => {
            text.pop();
            text.push('\n');
        }
        Some(last) if last.is_whitespace() => {}
        Some(_) => text.push(separator),
    }
}

/// Byte offsets to 1-based line numbers.
struct LineIndex {
    /// Byte offset where each line starts; the first is 0.
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { starts }
    }

    fn line_of(&self, offset: usize) -> usize {
        // The number of lines starting at or before `offset`; at least 1
        // because the first starts at 0.
        self.starts.partition_point(|&start| start <= offset)
    }
}

/// Collects a heading's plain text from its events. `scan` and `render` feed
/// it the same parser events, so their ids agree.
#[derive(Default)]
struct HeadingText {
    text: String,
    /// Inside an image, text is alt text, which a heading's id leaves out
    /// (as on GitHub, where the id comes from the visible text).
    image_depth: usize,
}

impl HeadingText {
    fn feed(&mut self, event: &Event<'_>) {
        match event {
            Event::Start(Tag::Image { .. }) => self.image_depth += 1,
            Event::End(TagEnd::Image) => self.image_depth = self.image_depth.saturating_sub(1),
            Event::Text(text) | Event::Code(text) if self.image_depth == 0 => {
                self.text.push_str(text);
            }
            Event::SoftBreak | Event::HardBreak if self.image_depth == 0 => self.text.push(' '),
            _ => {}
        }
    }
}

/// Gives each heading of one page a unique id.
#[derive(Default)]
struct HeadingIds {
    used: HashSet<String>,
    /// Per base id, the number to try next: those below it are taken, so a
    /// page of many equal headings is not quadratic.
    next: HashMap<String, usize>,
}

impl HeadingIds {
    /// An id the author wrote (`{#id}`): used as written; later headings'
    /// ids step around it.
    fn custom(&mut self, id: String) -> String {
        self.used.insert(id.clone());
        id
    }

    fn assign(&mut self, text: &str) -> String {
        let mut base = slugify(text);
        if base.is_empty() {
            // A heading of only punctuation still needs a usable anchor.
            base.push_str("section");
        }
        if self.used.insert(base.clone()) {
            return base;
        }
        // GitHub numbers repeats `-1`, `-2`; unlike GitHub, skip numbers a
        // heading already took ("A", "A", "A 1") so ids stay unique.
        let n = self.next.entry(base.clone()).or_insert(1);
        loop {
            let candidate = format!("{base}-{n}");
            *n += 1;
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

struct PendingHeading<'a> {
    level: pulldown_cmark::HeadingLevel,
    written: HeadingAttrs,
    text: HeadingText,
    /// The heading's inner events, held back until its id is known.
    events: Vec<Event<'a>>,
}

struct PendingCode {
    lang: Option<String>,
    text: String,
}

/// Turns parser events into the events `push_html` writes, holding back
/// headings (their id needs their text), code blocks (highlighted whole) and
/// HTML blocks (comments can span lines).
struct Renderer<'a, 'r> {
    raw_html: RawHtml,
    resolve: &'r dyn Fn(&str, bool) -> Option<String>,
    out: Vec<Event<'a>>,
    ids: HeadingIds,
    heading: Option<PendingHeading<'a>>,
    code: Option<PendingCode>,
    html_block: Option<String>,
    /// Raw HTML went into the output: the body needs sanitizing.
    has_raw_html: bool,
    has_diagram: bool,
}

impl<'a> Renderer<'a, '_> {
    fn start_heading(&mut self, level: pulldown_cmark::HeadingLevel, written: HeadingAttrs) {
        // A heading inside a held-back block cannot happen; headings do not nest.
        self.heading = Some(PendingHeading {
            level,
            written,
            text: HeadingText::default(),
            events: Vec::new(),
        });
    }

    fn feed(&mut self, event: Event<'a>) {
        if let Some(code) = &mut self.code {
            match event {
                Event::Text(text) => code.text.push_str(&text),
                Event::End(TagEnd::CodeBlock) => {
                    if let Some(code) = self.code.take() {
                        let html = if code.lang.as_deref() == Some("mermaid") {
                            self.has_diagram = true;
                            diagram_html(&code.text)
                        } else {
                            code_block_html(&code.text, code.lang.as_deref())
                        };
                        self.emit(Event::Html(html.into()));
                    }
                }
                _ => {}
            }
            return;
        }
        if let Some(block) = &mut self.html_block {
            match event {
                Event::Html(html) | Event::Text(html) => block.push_str(&html),
                Event::End(TagEnd::HtmlBlock) => {
                    if let Some(block) = self.html_block.take() {
                        self.emit_html_block(&block);
                    }
                }
                _ => {}
            }
            return;
        }
        if let Some(heading) = &mut self.heading {
            heading.text.feed(&event);
        }

        match event {
            Event::End(TagEnd::Heading(_)) => {
                if let Some(mut heading) = self.heading.take() {
                    let written = std::mem::take(&mut heading.written);
                    let mut text = heading.text.text;
                    if !written.literal.is_empty() {
                        text.push_str(&written.literal);
                        heading.events.push(Event::Text(written.literal.into()));
                    }
                    let id = match written.id {
                        Some(custom) => self.ids.custom(custom),
                        None => self.ids.assign(&text),
                    };
                    let id = escape_html(&id);
                    let tag = heading.level;
                    let class = if written.classes.is_empty() {
                        String::new()
                    } else {
                        format!(" class=\"{}\"", written.classes.join(" "))
                    };
                    self.out
                        .push(Event::Html(format!("<{tag} id=\"{id}\"{class}>").into()));
                    self.out.extend(heading.events);
                    self.out.push(Event::Html(
                        format!(
                            "<a class=\"anchor\" href=\"#{id}\" aria-hidden=\"true\" \
                             tabindex=\"-1\">#</a></{tag}>\n"
                        )
                        .into(),
                    ));
                }
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => fence_language(&info),
                    CodeBlockKind::Indented => None,
                };
                self.code = Some(PendingCode {
                    lang,
                    text: String::new(),
                });
            }
            Event::Start(Tag::HtmlBlock) => self.html_block = Some(String::new()),
            Event::Html(html) | Event::InlineHtml(html) => {
                let html = strip_comments(&html);
                if !html.is_empty() {
                    let event = match self.raw_html {
                        RawHtml::Allow => Event::InlineHtml(html.into()),
                        RawHtml::Escape => Event::Text(html.into()),
                        RawHtml::Sanitize => {
                            self.has_raw_html = true;
                            Event::InlineHtml(sanitize::prepare_fragment(&html).into())
                        }
                    };
                    self.emit(event);
                }
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let (class, label) = callout(kind);
                self.emit(Event::Html(
                    format!(
                        "<div class=\"markdown-alert markdown-alert-{class}\" role=\"note\">\n\
                         <p class=\"markdown-alert-title\">{label}</p>\n"
                    )
                    .into(),
                ));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                self.emit(Event::Html("</div>\n".into()));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = self.href(written_dest(link_type, dest_url), false);
                // The `mailto:` is in the href now; Email would add another.
                let link_type = match link_type {
                    LinkType::Email => LinkType::Inline,
                    other => other,
                };
                self.emit(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = self.href(dest_url, true);
                self.emit(Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Table(alignments)) => {
                // Wide tables scroll inside the page instead of widening it
                // on phones.
                self.emit(Event::Html("<div class=\"table-wrap\">\n".into()));
                self.emit(Event::Start(Tag::Table(alignments)));
            }
            Event::End(TagEnd::Table) => {
                self.emit(Event::End(TagEnd::Table));
                self.emit(Event::Html("</div>\n".into()));
            }
            other => self.emit(other),
        }
    }

    fn emit(&mut self, event: Event<'a>) {
        match &mut self.heading {
            Some(heading) => heading.events.push(event),
            None => self.out.push(event),
        }
    }

    fn href(&self, dest: CowStr<'a>, is_image: bool) -> CowStr<'a> {
        let href = match (self.resolve)(&dest, is_image) {
            Some(resolved) => CowStr::from(resolved),
            None => dest,
        };
        if is_dangerous_url(&href, is_image) {
            CowStr::Borrowed("#")
        } else {
            href
        }
    }

    fn emit_html_block(&mut self, block: &str) {
        let html = strip_comments(block);
        if html.trim().is_empty() {
            return;
        }
        match self.raw_html {
            RawHtml::Allow => {
                let html = self.diagrams_from_pre(&html);
                self.emit(Event::Html(html.into()));
            }
            RawHtml::Sanitize => {
                self.has_raw_html = true;
                let html = sanitize::prepare_fragment(&self.diagrams_from_pre(&html));
                self.emit(Event::Html(html.into()));
            }
            RawHtml::Escape => {
                // Shown as written, line breaks kept (`white-space: pre-wrap`).
                self.emit(Event::Html("<p class=\"raw-html\">".into()));
                self.emit(Event::Text(html.trim_end().to_owned().into()));
                self.emit(Event::Html("</p>\n".into()));
            }
        }
    }

    /// `<pre lang="mermaid">…</pre>` (how GitHub READMEs often write a
    /// diagram) made the same figure as a ```` ```mermaid ```` fence.
    fn diagrams_from_pre(&mut self, html: &str) -> String {
        static PRE: LazyLock<Option<Regex>> =
            LazyLock::new(|| Regex::new(r"(?is)<pre\b([^<>]*)>(.*?)</pre\s*>").ok());
        static TAG: LazyLock<Option<Regex>> =
            LazyLock::new(|| Regex::new(r"</?[A-Za-z][^<>]*>").ok());
        let (Some(pre), Some(tag)) = (PRE.as_ref(), TAG.as_ref()) else {
            return html.to_owned();
        };
        if !html.contains("mermaid") {
            return html.to_owned();
        }
        pre.replace_all(html, |caps: &regex::Captures| {
            let lang = sanitize::attribute_value(&caps[1], "lang");
            if !lang.is_some_and(|l| l.eq_ignore_ascii_case("mermaid")) {
                return caps[0].to_owned();
            }
            self.has_diagram = true;
            let source = sanitize::decode_entities(&tag.replace_all(&caps[2], ""));
            let source = source.trim_matches('\n');
            diagram_html(&format!("{source}\n")).trim_end().to_owned()
        })
        .into_owned()
    }
}

/// The language of a fence's info string (```` ```powershell title=x ````),
/// lowercased.
fn fence_language(info: &str) -> Option<String> {
    info.split(|c: char| c.is_whitespace() || c == ',' || c == '{')
        .next()
        .filter(|token| !token.is_empty())
        .map(str::to_lowercase)
}

/// A GitHub alert's class and the label shown (and read out) before it.
fn callout(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    }
}

/// A mermaid diagram: its source as a code block, which `diagram.js` draws
/// over when it can.
fn diagram_html(source: &str) -> String {
    format!(
        "<figure class=\"diagram\" data-diagram=\"mermaid\">\n\
         <pre class=\"code hl-code diagram-source\" data-lang=\"mermaid\">\
         <code class=\"language-mermaid\">{}</code></pre>\n</figure>\n",
        escape_html(source)
    )
}

fn code_block_html(code: &str, lang: Option<&str>) -> String {
    let mut html = String::with_capacity(code.len() * 2 + 96);
    html.push_str("<pre class=\"code ");
    html.push_str(highlight::CODE_CLASS);
    html.push('"');
    let body = match lang {
        Some(lang) => {
            let lang_attr = escape_html(lang);
            html.push_str(" data-lang=\"");
            html.push_str(&lang_attr);
            html.push_str("\"><code class=\"language-");
            html.push_str(&lang_attr);
            html.push_str("\">");
            highlight::highlight(code, lang)
        }
        None => {
            html.push_str("><code>");
            None
        }
    };
    match body {
        Some(body) => html.push_str(&body),
        None => html.push_str(&escape_html(code)),
    }
    html.push_str("</code></pre>\n");
    html
}

/// Drops HTML comments, including one left open (which would otherwise hide
/// the rest of the page, theme included).
fn strip_comments(html: &str) -> String {
    // `<!-->` and `<!--->` are complete (empty) comments in HTML.
    static COMMENT: LazyLock<Option<Regex>> =
        LazyLock::new(|| Regex::new(r"(?s)<!--(?:>|->|.*?-->|.*\z)").ok());
    match COMMENT.as_ref() {
        Some(re) if html.contains("<!--") => re.replace_all(html, "").into_owned(),
        _ => html.to_owned(),
    }
}

/// Whether a browser would run `url` as script or load it as a document we
/// did not write: `javascript:`, `vbscript:`, and `data:` except images.
fn is_dangerous_url(url: &str, is_image: bool) -> bool {
    // Browsers skip leading spaces and control characters and ignore tabs
    // and newlines anywhere before reading the scheme.
    let mut chars = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'));
    let mut scheme = String::new();
    loop {
        match chars.next() {
            Some(':') => break,
            Some(c) if c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.') => {
                if scheme.len() > 16 {
                    return false;
                }
                scheme.push(c.to_ascii_lowercase());
            }
            // No scheme: a relative URL.
            _ => return false,
        }
    }
    match scheme.as_str() {
        "javascript" | "vbscript" => true,
        "data" => {
            let media_type: String = chars.take(6).collect();
            !(is_image && media_type.eq_ignore_ascii_case("image/"))
        }
        _ => false,
    }
}

/// Escape text for HTML element content and quoted attribute values (`/` is
/// left alone, so URLs read as written). The one escaper of the crate: the
/// markdown renderer, tera's autoescape and serve's error panel all use it.
pub fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(raw_html: RawHtml, markdown: &str) -> String {
        render(markdown, &RenderOptions { raw_html }, &|_, _| None).html
    }

    fn plain(markdown: &str) -> String {
        with(RawHtml::Allow, markdown)
    }

    fn escaped(markdown: &str) -> String {
        with(RawHtml::Escape, markdown)
    }

    fn sanitized(markdown: &str) -> String {
        with(RawHtml::Sanitize, markdown)
    }

    fn ids(markdown: &str) -> Vec<String> {
        scan(markdown).headings.into_iter().map(|h| h.id).collect()
    }

    #[test]
    fn heading_ids_follow_github_rules() {
        assert_eq!(slugify("Reset a user's MFA"), "reset-a-users-mfa");
        assert_eq!(
            slugify("Step 2: call Bright (24x7)!"),
            "step-2-call-bright-24x7"
        );
        assert_eq!(
            slugify("snake_case and kebab-case"),
            "snake_case-and-kebab-case"
        );
        assert_eq!(slugify("Two  spaces"), "two--spaces");
        assert_eq!(
            slugify("Überprüfung der Sicherung"),
            "überprüfung-der-sicherung"
        );
        assert_eq!(slugify("バックアップ 確認"), "バックアップ-確認");
        // Combining marks are word characters on GitHub too.
        assert_eq!(slugify("हिन्दी"), "हिन्दी");
        assert_eq!(
            ids("# Use `Get-Mailbox` *now*\n\n## [Link](x.md) text\n"),
            ["use-get-mailbox-now", "link-text"]
        );
    }

    #[test]
    fn repeated_headings_get_numbered_ids() {
        assert_eq!(
            ids("# Steps\n## Steps\n### Steps\n"),
            ["steps", "steps-1", "steps-2"]
        );
        // "Steps 1" claims steps-1 first, so the repeat skips it.
        assert_eq!(
            ids("# Steps 1\n# Steps\n# Steps\n"),
            ["steps-1", "steps", "steps-2"]
        );
        assert_eq!(ids("# !!!\n# ???\n"), ["section", "section-1"]);
        // A later "Steps 3" after the counter passed it still gets its own id.
        assert_eq!(
            ids("# Steps\n# Steps\n# Steps\n# Steps 2\n# Steps\n"),
            ["steps", "steps-1", "steps-2", "steps-2-1", "steps-3"]
        );
    }

    #[test]
    fn many_equal_headings_are_not_quadratic() {
        let page = "## Step\n\n".repeat(20_000);
        let started = std::time::Instant::now();
        let ids = ids(&page);
        assert_eq!(ids.len(), 20_000);
        assert_eq!(ids[19_999], "step-19999");
        // Was a minute in a debug build; well under a second now.
        assert!(started.elapsed().as_secs_f64() < 10.0);
    }

    #[test]
    fn rendered_heading_ids_match_scanned_ones() {
        let markdown =
            "# Steps\n\nText\n\n## Steps\n\nSetext\n---\n\n## <b>Bold</b> ![logo](l.png) end\n";
        let html = escaped(markdown);
        for id in ids(markdown) {
            assert!(
                html.contains(&format!(" id=\"{id}\"")),
                "{id} missing in {html}"
            );
        }
        // The image leaves its spaces behind, as on GitHub.
        assert_eq!(ids(markdown), ["steps", "steps-1", "setext", "bold--end"]);
    }

    #[test]
    fn headings_carry_a_self_link_outside_their_text() {
        let html = plain("## Call the NOC\n");
        assert_eq!(
            html,
            "<h2 id=\"call-the-noc\">Call the NOC<a class=\"anchor\" href=\"#call-the-noc\" \
             aria-hidden=\"true\" tabindex=\"-1\">#</a></h2>\n"
        );
        let headings = scan("## Call the NOC\n").headings;
        assert_eq!(
            headings,
            [Heading {
                level: 2,
                text: "Call the NOC".into(),
                id: "call-the-noc".into()
            }]
        );
    }

    #[test]
    fn heading_braces_stay_in_the_text() {
        let scan = scan("# Restart {service}\n");
        assert_eq!(scan.headings[0].text, "Restart {service}");
        assert_eq!(scan.headings[0].id, "restart-service");
    }

    #[test]
    fn link_lines_count_from_one() {
        let markdown = "[first](a.md) on line one\n\
                        \n\
                        text then ![img](pic.png)\n\
                        and a [reference][ref] on four\n\
                        \n\
                        <mail@example.com>\n\
                        \n\
                        [ref]: ../other.md#anchor\n";
        let links = scan(markdown).links;
        let found: Vec<_> = links
            .iter()
            .map(|l| (l.dest.as_str(), l.line, l.is_image))
            .collect();
        assert_eq!(
            found,
            [
                ("a.md", 1, false),
                ("pic.png", 3, true),
                ("../other.md#anchor", 4, false),
                ("mailto:mail@example.com", 6, false),
            ]
        );
    }

    #[test]
    fn line_index_handles_edges() {
        let lines = LineIndex::new("ab\n\ncd");
        assert_eq!(lines.line_of(0), 1);
        assert_eq!(lines.line_of(2), 1); // the newline itself
        assert_eq!(lines.line_of(3), 2);
        assert_eq!(lines.line_of(4), 3);
        assert_eq!(lines.line_of(999), 3);
        assert_eq!(LineIndex::new("").line_of(0), 1);
    }

    #[test]
    fn scan_separates_prose_from_code() {
        let markdown = "# Title\n\nFirst para\nwraps. Run `whoami`.\n\n- one\n- two\n\n\
                        | a | b |\n|---|---|\n| c | d |\n\n```sh\necho hi\n```\n\n    indented\n\n<div>raw</div>\n";
        let scan = scan(markdown);
        assert_eq!(
            scan.text,
            "Title\nFirst para wraps. Run whoami.\none\ntwo\na b\nc d\nraw"
        );
        assert_eq!(scan.code, "echo hi\nindented\n");
    }

    #[test]
    fn powershell_is_highlighted() {
        let html = plain("```powershell\nGet-Mailbox -Identity $user | Set-Mailbox\n```\n");
        assert!(
            html.starts_with(
                "<pre class=\"code hl-code\" data-lang=\"powershell\"><code class=\"language-powershell\"><span class=\"hl-source hl-powershell\">"
            ),
            "{html}"
        );
        assert!(html.contains("<span class=\"hl-variable"), "{html}");
        assert!(!html.contains("style="), "{html}");
        // The extension works as a token too.
        assert!(plain("```ps1\n$x = 1\n```\n").contains("hl-powershell"));
        assert!(plain("```pwsh\n$x = 1\n```\n").contains("hl-powershell"));
    }

    #[test]
    fn dockerfile_sql_json_yaml_bash_are_highlighted() {
        let cases = [
            (
                "dockerfile",
                "FROM alpine\nRUN apk add curl\n",
                "hl-dockerfile",
            ),
            ("Dockerfile", "FROM alpine\n", "hl-dockerfile"),
            ("sql", "SELECT * FROM users;\n", "hl-sql"),
            ("json", "{\"a\": 1}\n", "hl-json"),
            ("yaml", "a: 1\n", "hl-yaml"),
            ("yml", "a: 1\n", "hl-yaml"),
            ("bash", "echo \"$HOME\"\n", "hl-shell"),
            ("sh", "ls -la\n", "hl-shell"),
            ("shell", "ls -la\n", "hl-shell"),
            ("toml", "a = 1\n", "hl-toml"),
            ("ini", "[a]\nb=1\n", "hl-ini"),
            ("python", "def f():\n    pass\n", "hl-python"),
        ];
        for (lang, code, class) in cases {
            let html = plain(&format!("```{lang}\n{code}```\n"));
            assert!(html.contains(class), "{lang}: {html}");
        }
    }

    #[test]
    fn unknown_or_missing_language_is_plain_escaped_code() {
        assert_eq!(
            plain("```klingon\nqapla' <x> & y\n```\n"),
            "<pre class=\"code hl-code\" data-lang=\"klingon\"><code class=\"language-klingon\">\
             qapla&#39; &lt;x&gt; &amp; y\n</code></pre>\n"
        );
        assert_eq!(
            plain("```\n<b>\n```\n"),
            "<pre class=\"code hl-code\"><code>&lt;b&gt;\n</code></pre>\n"
        );
        assert_eq!(
            plain("    <b>\n"),
            "<pre class=\"code hl-code\"><code>&lt;b&gt;\n</code></pre>\n"
        );
        assert!(!plain("```text\nhello\n```\n").contains("<span"));
    }

    #[test]
    fn repeated_blocks_highlight_the_same_and_huge_ones_stay_plain() {
        let block = "```yaml\nowner: acme-it\n```\n";
        let first = plain(block);
        assert!(first.contains("hl-yaml"), "{first}");
        assert_eq!(plain(block), first);
        let huge = format!("```yaml\n{}```\n", "key: value\n".repeat(7000));
        let html = plain(&huge);
        assert!(html.starts_with("<pre class=\"code hl-code\" data-lang=\"yaml\"><code class=\"language-yaml\">key: value\n"));
        assert!(!html.contains("<span"));
    }

    #[test]
    fn fence_attributes_do_not_leak_into_the_language() {
        let html = plain("```\"onmouseover=alert(1) x\nhi\n```\n");
        assert!(
            html.contains("data-lang=\"&quot;onmouseover=alert(1)\""),
            "{html}"
        );
        assert!(plain("```bash title=\"x\"\nls\n```\n").contains("data-lang=\"bash\""));
        assert!(plain("```rust,ignore\nfn f() {}\n```\n").contains("hl-rust"));
    }

    #[test]
    fn javascript_urls_are_never_emitted() {
        let attacks = [
            "[x](javascript:alert(1))",
            "[x](JavaScript:alert(1))",
            "[x](<  javascript:alert(1)>)",
            "[x](java&#09;script:alert(1))",
            "[x](&#x6A;avascript:alert(1))",
            "[x](vbscript:msgbox)",
            "[x](data:text/html;base64,PHNjcmlwdD4=)",
            "![x](data:text/html;base64,PHNjcmlwdD4=)",
            "<javascript:alert(1)>",
            "[x][r]\n\n[r]: javascript:alert(1)",
        ];
        for attack in attacks {
            let html = plain(attack);
            let lower = html.to_lowercase();
            // Text may show the URL; no attribute may hold it.
            assert!(
                !lower.contains("=\"java")
                    && !lower.contains("=\"vbscript")
                    && !lower.contains("=\"data:")
                    && !lower.contains("script:alert(1)\""),
                "{attack} gave {html}"
            );
            assert!(html.contains("=\"#\""), "{attack} gave {html}");
        }
        // Whatever resolve returns is checked too.
        let html = render(
            "[x](a.md)",
            &RenderOptions {
                raw_html: RawHtml::Escape,
            },
            &|_, _| Some("javascript:alert(1)".into()),
        )
        .html;
        assert_eq!(html, "<p><a href=\"#\">x</a></p>\n");
    }

    #[test]
    fn image_data_urls_and_ordinary_schemes_are_kept() {
        assert!(
            plain("![dot](data:image/png;base64,AAAA)")
                .contains("src=\"data:image/png;base64,AAAA\"")
        );
        assert!(plain("[NOC](tel:+15550142)").contains("href=\"tel:+15550142\""));
        assert!(plain("[x](https://a.example/p?q=1)").contains("href=\"https://a.example/p?q=1\""));
        assert!(plain("[x](notes:javascript)").contains("href=\"notes:javascript\""));
        assert!(plain("[x](./javascript:x)").contains("href=\"./javascript:x\""));
    }

    #[test]
    fn links_and_images_go_through_resolve() {
        let resolve = |dest: &str, is_image: bool| -> Option<String> {
            match (dest, is_image) {
                ("other.md#steps", false) => Some("../other/index.html#steps".into()),
                ("pic.png", true) => Some("../pic.png".into()),
                _ => None,
            }
        };
        let html = render(
            "[o](other.md#steps \"T\") ![p](pic.png) [e](https://x.example) <a@b.example>",
            &RenderOptions {
                raw_html: RawHtml::Escape,
            },
            &resolve,
        )
        .html;
        assert_eq!(
            html,
            "<p><a href=\"../other/index.html#steps\" title=\"T\">o</a> \
             <img src=\"../pic.png\" alt=\"p\" /> \
             <a href=\"https://x.example\">e</a> \
             <a href=\"mailto:a@b.example\">a@b.example</a></p>\n"
        );
    }

    #[test]
    fn resolve_is_asked_with_the_written_destination() {
        let seen = std::cell::RefCell::new(Vec::new());
        let resolve = |dest: &str, is_image: bool| {
            seen.borrow_mut().push((dest.to_owned(), is_image));
            None
        };
        render(
            "# [h](h.md)\n\n![i](i.png) [r][x] <m@e.example>\n\n[x]: r.md\n",
            &RenderOptions {
                raw_html: RawHtml::Allow,
            },
            &resolve,
        );
        assert_eq!(
            seen.into_inner(),
            [
                ("h.md".to_owned(), false),
                ("i.png".to_owned(), true),
                ("r.md".to_owned(), false),
                ("mailto:m@e.example".to_owned(), false),
            ]
        );
    }

    #[test]
    fn raw_html_is_escaped_when_asked() {
        let markdown =
            "Press <kbd>Ctrl</kbd>.\n\n<div class=\"x\">\n<script>alert(1)</script>\n</div>\n";
        let html = escaped(markdown);
        assert!(
            !html.contains("<kbd>") && !html.contains("<script>"),
            "{html}"
        );
        assert!(
            html.contains("Press &lt;kbd&gt;Ctrl&lt;/kbd&gt;."),
            "{html}"
        );
        assert!(
            html.contains("<p class=\"raw-html\">&lt;div class=\"x\"&gt;\n&lt;script&gt;"),
            "{html}"
        );
        let html = plain(markdown);
        assert!(html.contains("Press <kbd>Ctrl</kbd>."), "{html}");
        assert!(
            html.contains("<div class=\"x\">\n<script>alert(1)</script>\n</div>\n"),
            "{html}"
        );
    }

    #[test]
    fn sanitize_keeps_what_github_keeps() {
        let markdown = "| Step | Notes |\n|---|---|\n| 1 | first<br>second |\n\n\
                        Press <kbd>Ctrl</kbd>+<kbd>C</kbd>, see<sup>[1]</sup> <small>fine print</small>.\n\n\
                        <details>\n<summary>Why?</summary>\n\nBecause **markdown** works inside.\n\n</details>\n";
        let html = sanitized(markdown);
        assert!(html.contains("<td>first<br>second</td>"), "{html}");
        assert!(
            html.contains(
                "Press <kbd>Ctrl</kbd>+<kbd>C</kbd>, see<sup>[1]</sup> <small>fine print</small>."
            ),
            "{html}"
        );
        assert!(
            html.contains("<details>\n<summary>Why?</summary>\n<p>Because <strong>markdown</strong> works inside.</p>\n</details>"),
            "{html}"
        );
    }

    #[test]
    fn sanitize_drops_scripts_handlers_forms_and_styles() {
        let markdown = "<img src=\"x.png\" onerror=\"alert(1)\" alt=\"x\">\n\n\
                        <script>alert(2)</script>\n\n\
                        Text <a href=\"javascript:alert(3)\" onclick=\"x()\">link</a> <b style=\"color:red\">bold</b>\n\n\
                        <form action=\"https://evil.example\"><input name=\"q\"><button>Go</button></form>\n\n\
                        <style>body { display: none }</style>\n";
        let html = sanitized(markdown);
        let lower = html.to_lowercase();
        for bad in [
            "onerror",
            "<script",
            "alert(2)",
            "javascript:",
            "onclick",
            "style=",
            "<form",
            "<button",
            "<style",
            "display: none",
        ] {
            assert!(!lower.contains(bad), "{bad} in {html}");
        }
        assert!(html.contains("<img src=\"x.png\" alt=\"x\">"), "{html}");
        assert!(html.contains("Text <a>link</a> <b>bold</b>"), "{html}");
    }

    #[test]
    fn sanitize_turns_iframes_into_links_and_placeholders_into_text() {
        let html = sanitized(
            "<iframe src=\"https://www.youtube.com/embed/abc\" title=\"Walkthrough\"></iframe>\n\n\
             Set <environment> to prod; <iframe src=\"javascript:alert(1)\"></iframe>\n",
        );
        assert!(
            html.contains(
                "<a class=\"embed-link\" href=\"https://www.youtube.com/embed/abc\">Walkthrough</a>"
            ),
            "{html}"
        );
        assert!(html.contains("Set &lt;environment&gt; to prod;"), "{html}");
        assert!(
            !html.contains("iframe") && !html.contains("javascript"),
            "{html}"
        );
    }

    #[test]
    fn pages_without_raw_html_are_not_reparsed() {
        // pulldown-cmark's own output stays byte for byte (`<br />`, `<img … />`).
        let markdown = "a  \nb ![i](i.png)\n";
        assert_eq!(sanitized(markdown), plain(markdown));
        assert!(sanitized(markdown).contains("<br />"));
    }

    #[test]
    fn pre_blocks_keep_their_line_breaks() {
        let markdown = "<pre>\nline one\n\nline two\n</pre>\n";
        assert_eq!(sanitized(markdown), "<pre>line one\n\nline two\n</pre>\n");
        assert_eq!(
            escaped(markdown),
            "<p class=\"raw-html\">&lt;pre&gt;\nline one\n\nline two\n&lt;/pre&gt;</p>\n"
        );
    }

    #[test]
    fn mermaid_fences_and_pre_blocks_become_diagrams() {
        let figure = "<figure class=\"diagram\" data-diagram=\"mermaid\">\n\
                      <pre class=\"code hl-code diagram-source\" data-lang=\"mermaid\">\
                      <code class=\"language-mermaid\">graph TD\n  A --&gt; B\n</code></pre>\n</figure>\n";
        let fence = render(
            "```mermaid\ngraph TD\n  A --> B\n```\n",
            &RenderOptions {
                raw_html: RawHtml::Sanitize,
            },
            &|_, _| None,
        );
        assert_eq!(fence.html, figure);
        assert!(fence.has_diagram);
        for raw_html in [RawHtml::Sanitize, RawHtml::Allow] {
            let pre = render(
                "<pre lang=\"mermaid\"><code>graph TD\n  A --&gt; B\n</code></pre>\n",
                &RenderOptions { raw_html },
                &|_, _| None,
            );
            assert_eq!(pre.html, figure, "{raw_html:?}");
            assert!(pre.has_diagram);
        }
        assert!(
            !render(
                "```sh\nls\n```\n",
                &RenderOptions {
                    raw_html: RawHtml::Sanitize
                },
                &|_, _| None
            )
            .has_diagram
        );
    }

    #[test]
    fn every_alert_type_is_a_labelled_callout() {
        for (marker, class, label) in [
            ("NOTE", "note", "Note"),
            ("TIP", "tip", "Tip"),
            ("IMPORTANT", "important", "Important"),
            ("WARNING", "warning", "Warning"),
            ("CAUTION", "caution", "Caution"),
        ] {
            let html = sanitized(&format!("> [!{marker}]\n> Before you start.\n"));
            assert_eq!(
                html,
                format!(
                    "<div class=\"markdown-alert markdown-alert-{class}\" role=\"note\">\n\
                     <p class=\"markdown-alert-title\">{label}</p>\n<p>Before you start.</p>\n</div>\n"
                )
            );
        }
        // A plain quote stays a quote.
        assert_eq!(
            sanitized("> quoted\n"),
            "<blockquote>\n<p>quoted</p>\n</blockquote>\n"
        );
    }

    #[test]
    fn custom_heading_ids_and_classes_are_used() {
        let markdown = "## Custom {#my-id}\n\n## Styled {.big .x\"y}\n\n## Custom\n\n## Restart {service}\n\n## Both {#b .c}\n";
        let html = sanitized(markdown);
        assert!(
            html.contains("<h2 id=\"my-id\">Custom<a class=\"anchor\" href=\"#my-id\""),
            "{html}"
        );
        assert!(
            html.contains("<h2 id=\"styled\" class=\"big\">Styled<a"),
            "{html}"
        );
        assert!(html.contains("<h2 id=\"custom\">Custom<a"), "{html}");
        assert!(
            html.contains("<h2 id=\"restart-service\">Restart {service}<a"),
            "{html}"
        );
        assert!(html.contains("<h2 id=\"b\" class=\"c\">Both<a"), "{html}");
        assert_eq!(
            ids(markdown),
            ["my-id", "styled", "custom", "restart-service", "b"]
        );
        assert_eq!(scan(markdown).headings[3].text, "Restart {service}");
    }

    #[test]
    fn custom_ids_claim_their_id_before_later_headings() {
        assert_eq!(ids("# Setup {#setup}\n\n# Setup\n"), ["setup", "setup-1"]);
    }

    #[test]
    fn anchors_come_from_headings_and_raw_html_ids() {
        let scan = scan(
            "# Top {#start}\n\n<a name=\"legacy\"></a>\n\nText <span id=\"inline\">x</span>\n\n<!-- <a id=\"hidden\"> -->\n",
        );
        assert!(scan.has_anchor("start"));
        assert!(scan.has_anchor("legacy"));
        assert!(scan.has_anchor("inline"));
        assert!(scan.has_anchor("top"));
        assert!(!scan.has_anchor("hidden"));
        assert!(!scan.has_anchor("top-start"));
    }

    #[test]
    fn summary_is_the_first_paragraph_outside_lists_and_quotes() {
        let scan = scan(
            "# Title\n\n> [!NOTE]\n> Not this.\n\n- nor this\n\nThis one, with `code`\nand a break.\n\nNot the second.\n",
        );
        assert_eq!(scan.summary, "This one, with code and a break.");
        let long = format!("{}\n", "word ".repeat(60));
        let summary = scan_summary(&long);
        assert!(
            summary.ends_with("word…") && summary.chars().count() <= 161,
            "{summary}"
        );
    }

    fn scan_summary(markdown: &str) -> String {
        scan(markdown).summary
    }

    #[test]
    fn raw_html_blocks_give_their_text_to_search() {
        let scan = scan(
            "<details>\n<summary>Rollback steps</summary>\n<script>var hidden = 1;</script>\n</details>\n",
        );
        assert_eq!(scan.text, "Rollback steps");
    }

    #[test]
    fn footnotes_definition_lists_strikethrough_tasks_and_tables_still_render() {
        let html = sanitized(
            "- [x] done\n\n~~old~~ new[^1]\n\nTerm\n: Definition\n\n| a |\n|---|\n| b<br>c |\n\n[^1]: note\n",
        );
        for part in [
            "<input disabled=\"\" type=\"checkbox\" checked=\"\">",
            "<del>old</del>",
            "footnote-definition",
            "<dl>",
            "<dt>Term</dt>",
            "<dd>Definition</dd>",
            "<td>b<br>c</td>",
        ] {
            assert!(html.contains(part), "{part} missing in {html}");
        }
    }

    #[test]
    fn allow_secret_comment_is_dropped() {
        let markdown = "password: hunter2 <!-- cairn: allow-secret -->\n\n<!-- cairn: allow-secret -->\n\nAfter.\n";
        for html in [plain(markdown), escaped(markdown)] {
            assert_eq!(html, "<p>password: hunter2 </p>\n<p>After.</p>\n");
        }
    }

    #[test]
    fn other_comments_are_dropped_even_when_unclosed() {
        let markdown = "a <!-- inline\nnote --> b\n\n<div>\n<!-- note -->\n</div>\n\n<!-- never closed\n\nrest\n";
        assert_eq!(plain(markdown), "<p>a  b</p>\n<div>\n\n</div>\n");
        assert_eq!(
            escaped(markdown),
            "<p>a  b</p>\n<p class=\"raw-html\">&lt;div&gt;\n\n&lt;/div&gt;</p>\n"
        );
        assert_eq!(plain("x <!--> y"), "<p>x  y</p>\n");
    }

    #[test]
    fn tables_are_wrapped_for_scrolling() {
        let html = plain("| Level | Party |\n|---|---|\n| 1 | acme-it |\n");
        assert!(
            html.starts_with("<div class=\"table-wrap\">\n<table>"),
            "{html}"
        );
        assert!(html.ends_with("</table>\n</div>\n"), "{html}");
        assert_eq!(html.matches("<td>").count(), 2);
    }

    #[test]
    fn gfm_extensions_are_on() {
        let html = plain(
            "- [x] done\n- [ ] todo\n\n~~old~~ new[^1]\n\n[^1]: note\n\n> [!WARNING]\n> Careful\n",
        );
        assert!(
            html.contains("<input disabled=\"\" type=\"checkbox\" checked=\"\"/>"),
            "{html}"
        );
        assert!(html.contains("<del>old</del>"), "{html}");
        assert!(html.contains("class=\"footnote-definition\""), "{html}");
        assert!(
            html.contains(
                "<div class=\"markdown-alert markdown-alert-warning\" role=\"note\">\n\
                 <p class=\"markdown-alert-title\">Warning</p>\n<p>Careful</p>\n</div>"
            ),
            "{html}"
        );
    }

    #[test]
    fn highlight_css_has_light_and_screen_only_dark_palettes() {
        let css = highlight_css();
        let (light, dark) = css
            .split_once("@media screen and (prefers-color-scheme: dark) {")
            .expect("a dark block");
        assert!(light.contains(".hl-code {"), "{light}");
        assert!(light.contains(".hl-comment"), "{light}");
        assert!(dark.contains(".hl-code {"), "{dark}");
        assert!(dark.trim_end().ends_with('}'));
        assert!(!css.contains("@media print"));
        assert_eq!(css.matches('{').count(), css.matches('}').count());
    }

    proptest::proptest! {
        #[test]
        fn any_input_renders_without_panicking(markdown in "(?s).{0,400}") {
            let scan = scan(&markdown);
            for link in &scan.links {
                proptest::prop_assert!(link.line >= 1);
            }
            plain(&markdown);
            escaped(&markdown);
        }

        #[test]
        fn markdownish_input_renders_without_panicking(
            markdown in r"([#>*\-|`\[\]()!<:/ a-z0-9\n{}~^]|```[a-z]{0,4}\n|<!--|-->){0,120}"
        ) {
            let scan = scan(&markdown);
            let html = escaped(&markdown);
            for heading in &scan.headings {
                let attr = format!(" id=\"{}\"", heading.id);
                proptest::prop_assert!(html.contains(&attr));
            }
            plain(&markdown);
        }
    }
}
