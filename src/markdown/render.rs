//! Markdown to a page body: parser events rewritten (heading ids and
//! self-links, resolved links, held-back code and HTML blocks, callouts,
//! wrapped tables) and written by pulldown-cmark's HTML writer.

use std::sync::LazyLock;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, LinkType, Parser, Tag, TagEnd};
use regex::Regex;

use super::blocks::{callout, code_block_html, diagram_html, fence_language};
use super::escape::{escape_html, is_dangerous_url, strip_comments};
use super::headings::{HeadingAttrs, HeadingIds, HeadingText, heading_attrs};
use super::{BodyOptions, RawHtml, Rendered, parser_options, sanitize, written_dest};

/// A `<pre>` element: its attributes and its content.
pub(super) static PRE: LazyLock<Regex> =
    LazyLock::new(|| crate::pattern::constant(r"(?is)<pre\b([^<>]*)>(.*?)</pre\s*>"));
/// Any start or end tag.
pub(super) static TAG: LazyLock<Regex> =
    LazyLock::new(|| crate::pattern::constant(r"</?[A-Za-z][^<>]*>"));

/// Markdown to HTML for a page body.
///
/// `resolve` maps a link or image destination as the author wrote it (see
/// [`super::LinkRef::dest`]) to the href to emit, or None to leave it unchanged; the
/// caller does the path logic (`.md` → `index.html`, etc). Whatever it returns,
/// `javascript:`, `vbscript:` and `data:` URLs (but `data:image/` in images)
/// become `#`.
pub(crate) fn render(
    markdown: &str,
    opts: &BodyOptions,
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
        unlinked: false,
        link_depth: 0,
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
    /// Inside a link shown as its text ([`super::UNLINK`]); links do not nest.
    unlinked: bool,
    /// Inside a link or an image: its text gets no `tel:` link of its own.
    link_depth: usize,
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
                    // Hidden by cairn.css until the heading is hovered
                    // (`visibility`, which also keeps it out of the tab order
                    // and the accessibility tree): no ARIA needed (issue 27).
                    self.out.push(Event::Html(
                        format!("<a class=\"anchor\" href=\"#{id}\">#</a></{tag}>\n").into(),
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
                self.link_depth += 1;
                let dest_url = self.href(written_dest(link_type, dest_url), false);
                if &*dest_url == super::UNLINK {
                    self.unlinked = true;
                    return;
                }
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
                self.link_depth += 1;
                let dest_url = self.href(dest_url, true);
                self.emit(Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::End(TagEnd::Link) if self.unlinked => {
                self.unlinked = false;
                self.link_depth = self.link_depth.saturating_sub(1);
            }
            Event::End(end @ (TagEnd::Link | TagEnd::Image)) => {
                self.link_depth = self.link_depth.saturating_sub(1);
                self.emit(Event::End(end));
            }
            Event::Text(text) if self.link_depth == 0 => self.emit_text(text),
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

    /// Prose text, with each phone number in it a `tel:` link (the same
    /// numbers `scan` gives `stray-phone`).
    fn emit_text(&mut self, text: CowStr<'a>) {
        let found = super::phones::find(&text);
        if found.is_empty() {
            self.emit(Event::Text(text));
            return;
        }
        let mut at = 0;
        for f in found {
            if f.start > at {
                self.emit(Event::Text(text[at..f.start].to_string().into()));
            }
            self.emit(Event::InlineHtml(
                format!(
                    "<a class=\"tel\" href=\"tel:{}\">{}</a>",
                    f.tel,
                    escape_html(&text[f.start..f.end])
                )
                .into(),
            ));
            at = f.end;
        }
        if at < text.len() {
            self.emit(Event::Text(text[at..].to_string().into()));
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
        if !html.contains("mermaid") {
            return html.to_owned();
        }
        PRE.replace_all(html, |caps: &regex::Captures| {
            let lang = sanitize::attribute_value(&caps[1], "lang");
            if !lang.is_some_and(|l| l.eq_ignore_ascii_case("mermaid")) {
                return caps[0].to_owned();
            }
            self.has_diagram = true;
            let source = sanitize::decode_entities(&TAG.replace_all(&caps[2], ""));
            let source = source.trim_matches('\n');
            diagram_html(&format!("{source}\n")).trim_end().to_owned()
        })
        .into_owned()
    }
}
