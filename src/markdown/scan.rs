//! The cheap pass used at load time: headings, links with their lines,
//! prose and code text, raw-HTML anchors and images, the summary.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::headings::{HeadingAttrs, HeadingIds, HeadingText, heading_attrs};
use super::{Heading, LinkRef, parser_options, sanitize, written_dest};

/// What [`scan`] finds in a page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Scan {
    pub headings: Vec<Heading>,
    pub links: Vec<LinkRef>,
    /// Prose for search: headings, paragraphs, list items, table cells and
    /// inline code, separated by spaces and newlines. No code blocks, no HTML.
    /// Only from [`scan_with_text`]: the load leaves it empty.
    pub text: String,
    /// The text of code blocks, each ending in a newline; only from
    /// [`scan_with_text`].
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
    /// A comment or code fence that runs to the end of the page.
    pub unclosed: Option<super::Unclosed>,
    /// Hugo shortcodes cairn does not know, kept as text: name and line.
    pub unsupported_shortcodes: Vec<(String, usize)>,
    /// Phone numbers typed in prose, lists and tables (not in code or in a
    /// link's text): each becomes a `tel:` link, `stray-phone` reads them.
    pub phones: Vec<PhoneRef>,
    /// A diagram (a ```` ```mermaid ```` fence or a `<pre lang="mermaid">`)
    /// is on the page: the site ships the diagram library.
    pub has_diagram: bool,
}

/// A phone number written in a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PhoneRef {
    /// As written: `+1 555 0142`.
    pub written: String,
    /// `+15550142`.
    pub tel: String,
    /// 1-based line within the markdown scanned.
    pub line: usize,
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
        let lower = block.to_ascii_lowercase();
        if lower.contains("<pre") && lower.contains("mermaid") {
            self.has_diagram = true;
        }
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

    /// The text of the page's first H1: its title when the front matter gives none.
    pub(crate) fn first_h1(&self) -> Option<String> {
        self.headings
            .iter()
            .find(|h| h.level == 1)
            .map(|h| h.text.trim().to_string())
            .filter(|t| !t.is_empty())
    }

    /// Whether `#anchor` points at something on the page.
    pub(crate) fn has_anchor(&self, anchor: &str) -> bool {
        anchor == "top"
            || self.headings.iter().any(|h| h.id == anchor)
            || self.html_ids.iter().any(|id| id == anchor)
    }
}

/// Cheap pass used at load time (checks, render): no HTML, no highlighting,
/// and no searchable text. Held for every page until the build ends, the text
/// was a third of a 10k build's heap; the search index, its only reader,
/// takes it again page by page with [`scan_with_text`].
pub(crate) fn scan(markdown: &str) -> Scan {
    let mut scan = scan_with_text(markdown);
    scan.text = String::new();
    scan.code = String::new();
    scan
}

/// [`scan`], with the page's searchable prose and code.
pub(crate) fn scan_with_text(markdown: &str) -> Scan {
    let lines = LineIndex::new(markdown);
    let mut scan = Scan::default();
    let mut ids = HeadingIds::default();
    let mut heading: Option<(u8, HeadingAttrs, HeadingText)> = None;
    let mut in_code_block = false;
    // Inside a link or image: its text is not a number to link.
    let mut link_depth = 0usize;
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
            Event::Start(Tag::CodeBlock(kind)) => {
                in_code_block = true;
                if let pulldown_cmark::CodeBlockKind::Fenced(info) = kind
                    && super::blocks::fence_language(&info).as_deref() == Some("mermaid")
                {
                    scan.has_diagram = true;
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code_block = false;
                if !scan.code.is_empty() && !scan.code.ends_with('\n') {
                    scan.code.push('\n');
                }
            }
            Event::Text(text) if in_code_block => scan.code.push_str(&text),
            Event::Text(text) => {
                if link_depth == 0 {
                    let line = lines.line_of(range.start);
                    scan.phones
                        .extend(super::phones::find(&text).into_iter().map(|f| PhoneRef {
                            written: text[f.start..f.end].to_string(),
                            tel: f.tel,
                            line,
                        }));
                }
                scan.text.push_str(&text);
            }
            Event::Code(text) => scan.text.push_str(&text),
            Event::End(TagEnd::Link | TagEnd::Image) => link_depth = link_depth.saturating_sub(1),
            Event::SoftBreak => separate(&mut scan.text, ' '),
            Event::HardBreak => separate(&mut scan.text, '\n'),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            }) => {
                link_depth += 1;
                scan.links.push(LinkRef {
                    dest: written_dest(link_type, dest_url).into_string(),
                    line: lines.line_of(range.start),
                    is_image: false,
                });
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                ..
            }) => {
                link_depth += 1;
                scan.links.push(LinkRef {
                    dest: written_dest(link_type, dest_url).into_string(),
                    line: lines.line_of(range.start),
                    is_image: true,
                });
            }
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
    scan.unclosed = super::unclosed::find(markdown);
    scan
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
